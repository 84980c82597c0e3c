//! 好差评 over HTTP: evaluations on every channel, the reasons list, the
//! satisfaction report and its import, rectifications and appeals.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, cookie};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, AppealId, Caller, EvaluationId, RectificationId};
use app::evaluation::{EvaluationRequest, Rater};
use app::evaluation_report::{SatisfactionReport, period};
use app::rectification::{RectificationDetail, RectificationView, status_filter};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use domain::rectification::AppealStatus;
use serde::{Deserialize, Serialize};
use store::evaluation::{Appeal, Dimension};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationBody {
    /// The finished ticket rated (or `case_id`).
    ticket_id: Option<String>,
    case_id: Option<String>,
    /// pad, online, phone or sms.
    channel: String,
    /// very_satisfied, satisfied, basic, dissatisfied or very_dissatisfied.
    level: String,
    /// From `GET /api/evaluation-reasons`; required for a 差评.
    #[serde(default)]
    reasons: Vec<String>,
    #[serde(default)]
    comment: String,
    /// A case rated online (`channel` online with `case_id`): the query code
    /// on its receipt (查询码), which proves the rater is its applicant. Not
    /// needed when a signed-in operator enters the rating.
    query_code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EvaluationCreated {
    id: String,
}

fn pad_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(crate::api::pad::PAD_HEADER)
        .and_then(|v| v.to_str().ok())
        .or_else(|| cookie(headers, crate::api::pad::PAD_COOKIE))
        .map(str::to_owned)
}

/// Records an evaluation (一事一评). Pad and online are public and bound to
/// the event; phone needs a staff or admin token. A completed case (`case_id`)
/// is rated online with its `query_code` (or by a signed-in operator) or by
/// phone, once per channel; before completion → 409 `not_finished`.
#[utoipa::path(post, path = "/api/evaluations", operation_id = "submit_evaluation", request_body = EvaluationBody, tag = "好差评",
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 201, body = EvaluationCreated, description = "评价已记录"),
        (status = 401, description = "电话回访评价须工作人员登录，评价器须已配对，网上评价办件须填写查询码"),
        (status = 403, description = "不能评价本人办理的业务，评价器不属于该窗口，或查询码与办件不符"),
        (status = 404, description = "没有这张号票或这个办件"), (status = 409, description = "已评价过（办件：同一渠道已评价）或尚未办结"),
        (status = 422, description = "渠道、等级或差评理由无效")))]
pub async fn create(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    user: Option<CurrentUser>,
    AppJson(body): AppJson<EvaluationBody>,
) -> ApiResult<(StatusCode, Json<EvaluationCreated>)> {
    let req = EvaluationRequest {
        ticket_id: body.ticket_id.filter(|s| !s.trim().is_empty()),
        case_id: body.case_id.filter(|s| !s.trim().is_empty()),
        channel: body.channel,
        level: body.level,
        reasons: body.reasons,
        comment: body.comment,
        query_code: body.query_code,
    };
    let rater = Rater {
        pad_token: pad_token(&headers),
        session: user.map(|u| u.session),
        device: client,
    };
    let id = state.app.evaluations.evaluate(&req, &rater).await?;
    Ok((
        StatusCode::CREATED,
        Json(EvaluationCreated { id: id.to_string() }),
    ))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Reasons {
    reasons: Vec<String>,
}

/// The hall's 差评 reasons (public: pads and the online page show them).
#[utoipa::path(get, path = "/api/evaluation-reasons", operation_id = "list_evaluation_reasons", tag = "好差评",
    responses((status = 200, body = Reasons, description = "差评理由列表")))]
pub async fn reasons(State(state): State<AppState>) -> ApiResult<Json<Reasons>> {
    Ok(Json(Reasons {
        reasons: state.app.evaluations.evaluation_reasons().await?,
    }))
}

/// Replaces the reasons list (admin).
#[utoipa::path(put, path = "/api/evaluation-reasons", operation_id = "set_evaluation_reasons", request_body = Reasons, tag = "好差评",
    responses((status = 200, body = Reasons, description = "保存后的理由列表"), (status = 422, description = "理由为空、重复或过长")))]
pub async fn set_reasons(
    Caller(state, user): Caller,
    AppJson(body): AppJson<Reasons>,
) -> ApiResult<Json<Reasons>> {
    Ok(Json(Reasons {
        reasons: state
            .app
            .evaluations
            .set_evaluation_reasons(&user.session, &body.reasons)
            .await?,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// YYYY-MM-DD
    from: String,
    /// YYYY-MM-DD (default: `from`)
    to: Option<String>,
    /// window, department, staff, item or channel
    group_by: Option<String>,
}

/// 满意度评价统计 for a period (leader or admin).
#[utoipa::path(get, path = "/api/reports/satisfaction", operation_id = "satisfaction_report", params(ReportQuery), tag = "好差评",
    responses((status = 200, body = Object, description = "总数、有效数、各等级数、满意度及公式、分组"),
        (status = 422, description = "日期或分组无效")))]
pub async fn satisfaction(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<ReportQuery>,
) -> ApiResult<Json<SatisfactionReport>> {
    let (from, to) = period(&q.from, q.to.as_deref())?;
    let by = match q.group_by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(g) => Some(Dimension::parse(g).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "分组应为 window、department、staff、item 或 channel",
            )
            .field("group_by")
        })?),
    };
    Ok(Json(
        state
            .app
            .evaluations
            .satisfaction(&user.session, from, to, by)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// YYYY-MM-DD
    from: String,
    /// YYYY-MM-DD (default: `from`)
    to: Option<String>,
}

/// Whether the rollup agrees with the raw records.
#[derive(Serialize, ToSchema)]
pub struct CountCheck {
    consistent: bool,
    /// One line per disagreement.
    problems: Vec<String>,
}

/// Proves the rollup against the raw records for a period (leader or admin).
#[utoipa::path(get, path = "/api/reports/satisfaction/check", operation_id = "check_satisfaction_counts", params(PeriodQuery), tag = "好差评",
    responses((status = 200, body = CountCheck, description = "汇总与原始记录是否一致")))]
pub async fn check(
    Caller(state, _user): Caller,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> ApiResult<Json<CountCheck>> {
    let (from, to) = period(&q.from, q.to.as_deref())?;
    let problems = state.app.evaluations.check_satisfaction_counts(from, to).await?;
    Ok(Json(CountCheck {
        consistent: problems.is_empty(),
        problems,
    }))
}

/// What an import of earlier counts did.
#[derive(Serialize, ToSchema)]
pub struct ImportedCounts {
    /// CSV rows read.
    rows: usize,
    /// Evaluations imported.
    count: u64,
    /// The same as `count` (older clients read it).
    imported: u64,
}

/// Imports counts from an earlier system (admin): CSV `date,window,level,count`.
#[utoipa::path(post, path = "/api/evaluations/import", operation_id = "import_evaluations",
    request_body(content = String, content_type = "text/csv", description = "CSV：date,window,level,count"),
    tag = "好差评",
    responses((status = 201, body = ImportedCounts, description = "导入的行数和评价数"), (status = 422, description = "某行格式错误，未做任何更改")))]
pub async fn import(
    Caller(state, user): Caller,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportedCounts>)> {
    let (rows, count) = state
        .app
        .evaluations
        .import_evaluations(&user.session, &body)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ImportedCounts {
            rows,
            count,
            imported: count,
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// open, verified, rectified, answered or closed (rectifications); pending, upheld or rejected (appeals).
    status: Option<String>,
}

#[derive(Serialize)]
pub struct Items<T> {
    items: Vec<T>,
}

/// Rectifications, most urgent first (supervisor or admin).
#[utoipa::path(get, path = "/api/rectifications", operation_id = "list_rectifications", params(StatusQuery), tag = "好差评",
    responses((status = 200, body = super::schemas::RectificationList, description = "整改记录，最紧急在前")))]
pub async fn rectifications(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<StatusQuery>,
) -> ApiResult<Json<Items<RectificationView>>> {
    Ok(Json(Items {
        items: state
            .app
            .rectifications
            .rectifications(&user.session, status_filter(q.status.as_deref())?)
            .await?,
    }))
}

/// One rectification with its steps.
#[utoipa::path(get, path = "/api/rectifications/{id}", operation_id = "get_rectification",
    params(("id" = String, Path, description = "整改记录ID")), tag = "好差评",
    responses((status = 200, body = Object, description = "整改记录及各环节"), (status = 404, description = "整改记录不存在")))]
pub async fn rectification(
    Caller(state, user): Caller,
    RectificationId(id): RectificationId,
) -> ApiResult<Json<RectificationDetail>> {
    Ok(Json(
        state.app.rectifications.rectification(&user.session, id).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    note: String,
    /// At `close`: whether the person accepted the answer.
    accepted: Option<bool>,
}

/// Takes a rectification one step on: verify, rectify, answer (回访) or close.
#[utoipa::path(post, path = "/api/rectifications/{id}/{step}", operation_id = "advance_rectification",
    params(("id" = String, Path, description = "整改记录ID"), ("step" = String, Path, description = "verify、rectify、answer 或 close")),
    request_body = StepBody, tag = "好差评",
    responses((status = 200, body = Object, description = "整改记录及各环节"), (status = 404, description = "整改记录不存在"),
        (status = 409, description = "当前环节不能进行此步"), (status = 422, description = "步骤无效或说明为空")))]
pub async fn advance(
    Caller(state, user): Caller,
    Path((id, step)): Path<(String, String)>,
    AppJson(body): AppJson<StepBody>,
) -> ApiResult<Json<RectificationDetail>> {
    let id = RectificationId::parse(&id)?;
    Ok(Json(
        state
            .app
            .rectifications
            .advance_rectification(&user.session, id, &step, &body.note, body.accepted)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealBody {
    reason: String,
    evidence: String,
}

/// 申诉: appeals against a review as malicious, with evidence.
#[utoipa::path(post, path = "/api/evaluations/{id}/appeal", operation_id = "file_appeal",
    params(("id" = String, Path, description = "评价ID")), request_body = AppealBody, tag = "好差评",
    responses((status = 201, body = super::schemas::Appeal, description = "申诉"), (status = 404, description = "评价不存在"),
        (status = 409, description = "不是差评或已申诉过"), (status = 422, description = "理由或证据为空")))]
pub async fn appeal(
    Caller(state, user): Caller,
    EvaluationId(id): EvaluationId,
    AppJson(body): AppJson<AppealBody>,
) -> ApiResult<(StatusCode, Json<Appeal>)> {
    let a = state
        .app
        .rectifications
        .file_appeal(&user.session, id, &body.reason, &body.evidence)
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Appeals (supervisor or admin).
#[utoipa::path(get, path = "/api/appeals", operation_id = "list_appeals", params(StatusQuery), tag = "好差评",
    responses((status = 200, body = super::schemas::AppealList, description = "申诉列表")))]
pub async fn appeals(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<StatusQuery>,
) -> ApiResult<Json<Items<Appeal>>> {
    let items = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => state.app.rectifications.appeals(&user.session, None).await?,
        Some(s) => match AppealStatus::parse(s) {
            Some(status) => {
                state
                    .app
                    .rectifications
                    .appeals(&user.session, Some(status))
                    .await?
            }
            // No appeal has a status that does not exist.
            None => Vec::new(),
        },
    };
    Ok(Json(Items { items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    upheld: bool,
    decision: String,
}

/// Decides an appeal: upheld excludes the review from the valid count.
#[utoipa::path(post, path = "/api/appeals/{id}/decide", operation_id = "decide_appeal",
    params(("id" = String, Path, description = "申诉ID")), request_body = DecisionBody, tag = "好差评",
    responses((status = 200, body = super::schemas::Appeal, description = "已决定的申诉"), (status = 404, description = "申诉不存在"),
        (status = 409, description = "申诉已决定"), (status = 422, description = "决定说明为空")))]
pub async fn decide(
    Caller(state, user): Caller,
    AppealId(id): AppealId,
    AppJson(body): AppJson<DecisionBody>,
) -> ApiResult<Json<Appeal>> {
    Ok(Json(
        state
            .app
            .rectifications
            .decide_appeal(&user.session, id, body.upheld, &body.decision)
            .await?,
    ))
}

/// The SMS outbox (supervisor or admin): invitations, 到号提醒 and notices; phones are not shown.
#[utoipa::path(get, path = "/api/sms-outbox", operation_id = "list_sms_outbox", tag = "好差评",
    responses((status = 200, body = super::schemas::OutboxList, description = "待发与已发的短信（评价邀请、到号提醒、预约确认、办件进度）")))]
pub async fn sms_outbox(
    Caller(state, user): Caller,
) -> ApiResult<Json<Items<store::evaluation::OutboxMessage>>> {
    Ok(Json(Items {
        items: state.app.evaluations.sms_outbox(&user.session).await?,
    }))
}

/// 疑似刷评: suspicious patterns in a period (supervisor, leader or admin).
#[utoipa::path(get, path = "/api/evaluations/flags", operation_id = "evaluation_flags", params(PeriodQuery), tag = "好差评",
    responses((status = 200, body = super::schemas::FlagList, description = "疑似刷评的情形")))]
pub async fn flags(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> ApiResult<Json<Items<domain::evaluation::Flag>>> {
    let (from, to) = period(&q.from, q.to.as_deref())?;
    Ok(Json(Items {
        items: state
            .app
            .evaluations
            .evaluation_flags(&user.session, from, to)
            .await?,
    }))
}
