//! 督查 over HTTP: the checklist (read by all who read inspections, edited
//! by the administrator), recording an inspection with tablet photos (this
//! route alone takes bodies up to [`INSPECTION_BODY_LIMIT`]), the scoped
//! lists, the photos, the staff answer and the ruling, and the 暗访 plans.

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, Caller};
use app::inspection::{ChecklistInput, InspectionDetail, InspectionInput, InspectionQuery, InspectionView};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use domain::inspection::ItemResult;
use serde::{Deserialize, Serialize};
use store::inspection::{ChecklistEntry, InspectionPlan};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Recording an inspection: up to six tablet photos as data URLs.
pub const INSPECTION_BODY_LIMIT: usize = 20 * 1024 * 1024;

fn inspection_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这条督查记录"))
}

#[derive(Serialize, ToSchema)]
pub struct InspectionChecklist {
    /// The active items in order: code, name, standard, deduction (扣分)…
    #[schema(value_type = Vec<Object>)]
    items: Vec<ChecklistEntry>,
}

/// The checklist items an inspector checks (retired ones left out).
#[utoipa::path(get, path = "/api/inspection-checklist", operation_id = "get_inspection_checklist", tag = "督查",
    responses((status = 200, body = InspectionChecklist, description = "启用中的督查项目及扣分")))]
pub async fn checklist(Caller(state, user): Caller) -> ApiResult<Json<InspectionChecklist>> {
    Ok(Json(InspectionChecklist {
        items: state.app.inspections.active_checklist(&user.session).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistLineBody {
    /// Lower-case letters, digits and `_` (only when adding).
    #[serde(default)]
    code: String,
    name: String,
    #[serde(default)]
    standard: String,
    /// Points deducted when the item fails (0 < d ≤ 20, in tenths).
    deduction: f64,
    /// Display order (at the end when absent).
    position: Option<i64>,
    /// 停用: true to retire the item (old inspections still show it).
    #[serde(default)]
    retired: bool,
}

impl ChecklistLineBody {
    fn input(self) -> ChecklistInput {
        ChecklistInput {
            code: self.code,
            name: self.name,
            standard: self.standard,
            deduction: self.deduction,
            position: self.position,
            retired: self.retired,
        }
    }
}

/// Every line, retired ones included (administrator).
#[utoipa::path(get, path = "/api/inspection-checklist/all", operation_id = "get_full_inspection_checklist", tag = "督查",
    responses((status = 200, body = InspectionChecklist, description = "全部督查项目（含已停用）")))]
pub async fn full_checklist(Caller(state, user): Caller) -> ApiResult<Json<InspectionChecklist>> {
    Ok(Json(InspectionChecklist {
        items: state.app.inspections.full_checklist(&user.session).await?,
    }))
}

/// Adds a checklist item.
#[utoipa::path(post, path = "/api/inspection-checklist", operation_id = "add_inspection_item", request_body = ChecklistLineBody, tag = "督查",
    responses((status = 201, body = Object, description = "新增的督查项目"),
        (status = 409, description = "项目代码已存在"),
        (status = 422, description = "代码、名称或扣分无效")))]
pub async fn add_item(
    Caller(state, user): Caller,
    AppJson(b): AppJson<ChecklistLineBody>,
) -> ApiResult<(StatusCode, Json<ChecklistEntry>)> {
    let item = state
        .app
        .inspections
        .add_checklist_item(&user.session, &b.input())
        .await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// Renames, re-scores, re-orders, retires or restores a checklist item.
#[utoipa::path(put, path = "/api/inspection-checklist/{code}", operation_id = "edit_inspection_item",
    params(("code" = String, Path, description = "督查项目代码")), request_body = ChecklistLineBody, tag = "督查",
    responses((status = 200, body = Object, description = "修改后的督查项目"),
        (status = 404, description = "没有这个督查项目"),
        (status = 422, description = "名称或扣分无效")))]
pub async fn edit_item(
    Caller(state, user): Caller,
    Path(code): Path<String>,
    AppJson(b): AppJson<ChecklistLineBody>,
) -> ApiResult<Json<ChecklistEntry>> {
    Ok(Json(
        state
            .app
            .inspections
            .update_checklist_item(&user.session, &code, &b.input())
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemResultBody {
    /// A checklist item code.
    code: String,
    /// 合格 (true) or 不合格 (false).
    pass: bool,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInspectionBody {
    /// routine (日常督查), patrol (不定时巡查) or unannounced (明查暗访).
    kind: String,
    /// The window number.
    window: String,
    /// Usernames of the staff inspected.
    staff: Vec<String>,
    results: Vec<ItemResultBody>,
    /// Photos as data URLs (JPEG, PNG or WebP; at most 6, 8 MB each).
    #[serde(default)]
    photos: Vec<String>,
    #[serde(default)]
    note: String,
    /// The 暗访 plan visit this unannounced inspection carries out.
    plan_visit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InspectionCreated {
    id: Uuid,
    /// The sum of the failed items' deductions.
    deduction: f64,
    /// clean (无扣分) or pending (待确认).
    status: String,
}

/// Records an inspection (bodies up to 20 MB: tablet photos).
#[utoipa::path(post, path = "/api/inspections", operation_id = "record_inspection", request_body = NewInspectionBody, tag = "督查",
    responses((status = 201, body = InspectionCreated, description = "已记录的督查及扣分"),
        (status = 409, description = "对应的暗访安排不存在或已完成"),
        (status = 413, description = "请求正文超过20MB"),
        (status = 422, description = "类型、窗口、人员、项目代码（error.field 如 results[2].code）或照片无效")))]
pub async fn record(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewInspectionBody>,
) -> ApiResult<(StatusCode, Json<InspectionCreated>)> {
    let input = InspectionInput {
        kind: b.kind,
        window: b.window,
        staff: b.staff,
        results: b
            .results
            .into_iter()
            .map(|r| ItemResult {
                code: r.code,
                pass: r.pass,
                note: r.note,
            })
            .collect(),
        photos: b.photos,
        note: b.note,
        plan_visit: b.plan_visit,
    };
    let v = state.app.inspections.record(&user.session, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(InspectionCreated {
            id: v.id,
            deduction: v.deduction,
            status: v.status.code().into(),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InspectionListQuery {
    /// A window number.
    window: Option<String>,
    /// A staff username.
    staff: Option<String>,
    /// YYYY-MM-DD, inclusive.
    from: Option<String>,
    /// YYYY-MM-DD, inclusive.
    to: Option<String>,
    /// clean, pending, acknowledged, contested, upheld or rejected.
    status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InspectionList {
    /// Newest first: id, kind, at, inspector, window, department, staff,
    /// deduction (0 once a contest is upheld, with deduction_note), failed, status…
    #[schema(value_type = Vec<Object>)]
    items: Vec<InspectionView>,
}

/// Inspections, newest first: a staff member sees those naming them, a
/// liaison its department's.
#[utoipa::path(get, path = "/api/inspections", operation_id = "list_inspections", params(InspectionListQuery), tag = "督查",
    responses((status = 200, body = InspectionList, description = "督查记录，最新在前"),
        (status = 422, description = "日期或状态无效")))]
pub async fn list(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<InspectionListQuery>,
) -> ApiResult<Json<InspectionList>> {
    let query = InspectionQuery {
        window: q.window,
        staff: q.staff,
        from: q.from,
        to: q.to,
        status: q.status,
    };
    Ok(Json(InspectionList {
        items: state.app.inspections.list(&user.session, &query).await?,
    }))
}

/// One inspection with every item and its photos' facts.
#[utoipa::path(get, path = "/api/inspections/{id}", operation_id = "get_inspection",
    params(("id" = String, Path, description = "督查记录ID")), tag = "督查",
    responses((status = 200, body = Object, description = "督查记录全文"),
        (status = 404, description = "没有这条督查记录")))]
pub async fn detail(
    Caller(state, user): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDetail>> {
    let id = inspection_id(&id)?;
    Ok(Json(state.app.inspections.detail(&user.session, id).await?))
}

/// A photo of an inspection (1, 2, …), as taken.
#[utoipa::path(get, path = "/api/inspections/{id}/photos/{n}", operation_id = "get_inspection_photo",
    params(("id" = String, Path, description = "督查记录ID"), ("n" = String, Path, description = "照片序号（从1开始）")), tag = "督查",
    responses((status = 200, description = "照片",
            content((super::schemas::Binary = "image/jpeg"), (super::schemas::Binary = "image/png"),
                (super::schemas::Binary = "image/webp"))),
        (status = 404, description = "没有这条督查记录或这张照片")))]
pub async fn photo(
    Caller(state, user): Caller,
    Path((id, n)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id = inspection_id(&id)?;
    let n: i64 = n
        .trim()
        .parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这张照片"))?;
    let (info, body) = state.app.inspections.photo(&user.session, id, n).await?;
    Ok((
        [
            (CONTENT_TYPE, info.content_type),
            (CACHE_CONTROL, "private, max-age=3600".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// The staff member named accepts the finding.
#[utoipa::path(post, path = "/api/inspections/{id}/acknowledge", operation_id = "acknowledge_inspection",
    params(("id" = String, Path, description = "督查记录ID")), tag = "督查",
    responses((status = 200, body = Object, description = "已确认的督查记录"),
        (status = 404, description = "没有这条督查记录"),
        (status = 409, description = "已确认、已申辩或无需确认")))]
pub async fn acknowledge(
    Caller(state, user): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionView>> {
    let id = inspection_id(&id)?;
    Ok(Json(
        state.app.inspections.respond(&user.session, id, None).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestBody {
    /// 申辩理由.
    reason: String,
}

/// The staff member named contests the finding with a reason.
#[utoipa::path(post, path = "/api/inspections/{id}/contest", operation_id = "contest_inspection",
    params(("id" = String, Path, description = "督查记录ID")), request_body = ContestBody, tag = "督查",
    responses((status = 200, body = Object, description = "申辩中的督查记录"),
        (status = 404, description = "没有这条督查记录"),
        (status = 409, description = "已确认、已申辩或无需确认"),
        (status = 422, description = "未写申辩理由")))]
pub async fn contest(
    Caller(state, user): Caller,
    Path(id): Path<String>,
    AppJson(b): AppJson<ContestBody>,
) -> ApiResult<Json<InspectionView>> {
    let id = inspection_id(&id)?;
    Ok(Json(
        state
            .app
            .inspections
            .respond(&user.session, id, Some(&b.reason))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionRulingBody {
    /// true: the contest is upheld and the deduction cancelled.
    upheld: bool,
    /// 裁定意见.
    note: String,
}

/// The 督查科 leader rules on a contest.
#[utoipa::path(post, path = "/api/inspections/{id}/decide", operation_id = "decide_inspection_contest",
    params(("id" = String, Path, description = "督查记录ID")), request_body = InspectionRulingBody, tag = "督查",
    responses((status = 200, body = Object, description = "已裁定的督查记录"),
        (status = 404, description = "没有这条督查记录"),
        (status = 409, description = "该记录没有待裁定的申辩"),
        (status = 422, description = "未写裁定意见")))]
pub async fn decide(
    Caller(state, user): Caller,
    Path(id): Path<String>,
    AppJson(b): AppJson<InspectionRulingBody>,
) -> ApiResult<Json<InspectionView>> {
    let id = inspection_id(&id)?;
    Ok(Json(
        state
            .app
            .inspections
            .decide(&user.session, id, b.upheld, &b.note)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionPlanBody {
    /// YYYY-MM-DD, from today on.
    from: String,
    /// YYYY-MM-DD, inclusive.
    to: String,
    /// How many visits to draw (1–60).
    visits: i64,
    /// Window numbers to draw from (every window when absent).
    windows: Option<Vec<String>>,
}

/// Draws a random 暗访 schedule: working days, within opening hours, random windows.
#[utoipa::path(post, path = "/api/inspection-plans", operation_id = "draw_inspection_plan", request_body = InspectionPlanBody, tag = "督查",
    responses((status = 201, body = Object, description = "暗访安排：日期、时间、窗口"),
        (status = 422, description = "日期、次数或窗口无效")))]
pub async fn draw_plan(
    Caller(state, user): Caller,
    AppJson(b): AppJson<InspectionPlanBody>,
) -> ApiResult<(StatusCode, Json<InspectionPlan>)> {
    let plan = state
        .app
        .inspections
        .draw_plan(&user.session, &b.from, &b.to, b.visits, b.windows.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

#[derive(Serialize, ToSchema)]
pub struct InspectionPlanList {
    #[schema(value_type = Vec<Object>)]
    plans: Vec<InspectionPlan>,
}

/// The 暗访 plans, newest first (督查 only: the inspected never see them).
#[utoipa::path(get, path = "/api/inspection-plans", operation_id = "list_inspection_plans", tag = "督查",
    responses((status = 200, body = InspectionPlanList, description = "暗访安排，最新在前")))]
pub async fn plans(Caller(state, user): Caller) -> ApiResult<Json<InspectionPlanList>> {
    Ok(Json(InspectionPlanList {
        plans: state.app.inspections.plans(&user.session).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionRectifyBody {
    /// The failed item's code.
    code: String,
    /// What is to be put right (optional).
    #[serde(default)]
    note: String,
}

/// 督查不合格项整改: opens a rectification of one failed item (once per item),
/// in the same list and loop as a 差评's.
#[utoipa::path(post, path = "/api/inspections/{id}/rectify", operation_id = "rectify_inspection_item",
    params(("id" = String, Path, description = "督查记录ID")), request_body = InspectionRectifyBody, tag = "督查",
    responses((status = 201, body = Object, description = "新开的整改记录（source = inspection）"),
        (status = 404, description = "没有这条督查记录"),
        (status = 409, description = "该项已在整改中，或申辩已成立"),
        (status = 422, description = "该次督查没有这一项，或该项合格")))]
pub async fn rectify(
    Caller(state, user): Caller,
    Path(id): Path<String>,
    AppJson(b): AppJson<InspectionRectifyBody>,
) -> ApiResult<(StatusCode, Json<app::rectification::RectificationDetail>)> {
    let id = inspection_id(&id)?;
    let detail = state
        .app
        .rectifications
        .rectify_inspection_item(&user.session, id, &b.code, &b.note)
        .await?;
    Ok((StatusCode::CREATED, Json(detail)))
}
