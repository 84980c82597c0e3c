//! 投诉 (complaints): the public form and staff intake, the 督查科's list,
//! detail and steps, and public progress by query code.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use crate::error::ApiResult;
use crate::extract::{AppJson, AppQuery, Caller, ComplaintId};
use app::AppError;
use app::complaint::{
    ComplaintAbout, ComplaintDetail, ComplaintProgress, ComplaintReceipt, ComplaintRequest, ComplaintView,
    StepRequest,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::complaint::{ComplaintStatus, ComplaintStep};
use serde::{Deserialize, Serialize};
use store::complaint::ComplaintFilter;
use utoipa::{IntoParams, ToSchema};

/// What a complaint names: one or more of a window, a staff member, a department, an item.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ComplaintAboutBody {
    /// Window number (窗口号).
    #[serde(default)]
    window: String,
    /// Staff username (工作人员账号).
    #[serde(default)]
    staff: String,
    /// Department code or name.
    #[serde(default)]
    department: String,
    /// Item code (事项编码).
    #[serde(default)]
    item: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComplaint {
    /// online (public), hall, hotline or letter (staff token).
    channel: String,
    content: String,
    /// attitude 态度, efficiency 效率, shirking 推诿, fees 违规收费, discipline 纪律, other 其他 (code or Chinese).
    #[serde(default)]
    category: String,
    #[serde(default)]
    about: Option<ComplaintAboutBody>,
    /// Anonymous: no name or phone is kept.
    #[serde(default)]
    anonymous: bool,
    #[serde(default)]
    name: String,
    /// Mobile number (required unless anonymous).
    #[serde(default)]
    phone: String,
}

/// Files a complaint: public for `online`, a staff token for the desk, the hotline and letters.
#[utoipa::path(post, path = "/api/complaints", operation_id = "file_complaint", request_body = NewComplaint, tag = "督查",
    responses((status = 201, body = super::schemas::ComplaintReceipt, description = "投诉编号、查询码和答复期限"),
        (status = 401, description = "现场、热线、信件投诉须由工作人员登录后登记"),
        (status = 403, description = "该账号不能登记投诉"),
        (status = 422, description = "内容为空、电话无效、类别或投诉对象不存在")))]
pub async fn create(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    AppJson(b): AppJson<NewComplaint>,
) -> ApiResult<(StatusCode, Json<ComplaintReceipt>)> {
    if user.is_none() {
        state.check_public_rate(&client).await?;
    }
    let about = b.about.unwrap_or_default();
    let receipt = state
        .app
        .complaints
        .file_complaint(
            &ComplaintRequest {
                channel: b.channel,
                content: b.content,
                category: b.category,
                about: ComplaintAbout {
                    window: about.window,
                    staff: about.staff,
                    department: about.department,
                    item: about.item,
                },
                anonymous: b.anonymous,
                name: b.name,
                phone: b.phone,
            },
            user.as_ref().map(|u| &u.session),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ComplaintListQuery {
    /// received, accepted, investigating, handled, answered or archived.
    status: Option<String>,
    /// true: the open ones only (not archived), most urgent first.
    open: Option<bool>,
    /// Department (full name); a liaison always sees its own only.
    department: Option<String>,
    /// Staff username complained about.
    staff: Option<String>,
    /// First receipt date, YYYY-MM-DD.
    from: Option<String>,
    /// Last receipt date, YYYY-MM-DD.
    to: Option<String>,
    /// Page, from 1 (100 per page).
    page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ComplaintList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<ComplaintView>,
}

fn date_param(field: &str, raw: Option<&str>) -> Result<Option<jiff::civil::Date>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, "日期格式应为 YYYY-MM-DD")),
    }
}

/// The 督查科's list (a liaison: its department's), without complainants.
#[utoipa::path(get, path = "/api/complaints", operation_id = "list_complaints", params(ComplaintListQuery), tag = "督查",
    responses((status = 200, body = ComplaintList, description = "投诉列表（不含投诉人信息）")))]
pub async fn list(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<ComplaintListQuery>,
) -> ApiResult<Json<ComplaintList>> {
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ComplaintStatus::parse(s).ok_or_else(|| {
            AppError::invalid(
                "status",
                "状态应为 received、accepted、investigating、handled、answered 或 archived",
            )
        })?),
    };
    let page = q.page.unwrap_or(1).max(1);
    let filter = ComplaintFilter {
        open: q.open.unwrap_or(false),
        status,
        department: q.department.filter(|d| !d.trim().is_empty()),
        staff: q.staff.filter(|d| !d.trim().is_empty()),
        from: date_param("from", q.from.as_deref())?,
        to: date_param("to", q.to.as_deref())?,
        limit: 100,
        offset: (page - 1).saturating_mul(100),
    };
    Ok(Json(ComplaintList {
        items: state.app.complaints.complaints(&user.session, filter).await?,
    }))
}

/// One complaint and its steps; the complainant only for the 督查科 (audit-logged).
#[utoipa::path(get, path = "/api/complaints/{id}", operation_id = "get_complaint", params(("id" = String, Path, description = "投诉ID")), tag = "督查",
    responses((status = 200, body = Object, description = "投诉及各环节；督查科可见投诉人（记入审计）"),
        (status = 404, description = "投诉不存在")))]
pub async fn detail(
    Caller(state, user): Caller,
    ComplaintId(id): ComplaintId,
) -> ApiResult<Json<ComplaintDetail>> {
    Ok(Json(state.app.complaints.complaint(&user.session, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintStepBody {
    note: String,
    /// At `handle`: whether the complaint is substantiated (查实).
    substantiated: Option<bool>,
    /// At `answer`: whether the complainant accepted the answer (false reopens once).
    accepted: Option<bool>,
}

/// Takes a step: accept (受理), investigate (调查), handle (处置), answer (反馈) or archive (归档).
#[utoipa::path(post, path = "/api/complaints/{id}/{step}", operation_id = "complaint_step",
    params(("id" = String, Path, description = "投诉ID"), ("step" = String, Path, description = "accept、investigate、handle、answer 或 archive")),
    request_body = ComplaintStepBody, tag = "督查",
    responses((status = 200, body = Object, description = "投诉及各环节"), (status = 404, description = "投诉不存在"),
        (status = 409, description = "环节顺序不对，或已被他人处理"), (status = 422, description = "步骤无效、说明为空或处置未写明是否查实")))]
pub async fn step(
    Caller(state, user): Caller,
    Path((id, step)): Path<(String, String)>,
    AppJson(body): AppJson<ComplaintStepBody>,
) -> ApiResult<Json<ComplaintDetail>> {
    let id = ComplaintId::parse(&id)?;
    let step = match ComplaintStep::parse(&step) {
        Some(s) if s != ComplaintStep::Reject => s,
        _ => {
            return Err(
                AppError::invalid("step", "步骤应为 accept、investigate、handle、answer 或 archive").into(),
            );
        }
    };
    Ok(Json(
        state
            .app
            .complaints
            .take_step(
                &user.session,
                id,
                step,
                &StepRequest {
                    note: body.note,
                    substantiated: body.substantiated,
                    accepted: body.accepted,
                },
            )
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ComplaintProgressQuery {
    /// The query code (查询码) given at filing.
    code: String,
}

/// Public progress by query code (masked; throttled).
#[utoipa::path(get, path = "/api/complaints/progress", operation_id = "complaint_progress", params(ComplaintProgressQuery), tag = "督查",
    responses((status = 200, body = Object, description = "状态、环节、答复（投诉人已遮蔽）"),
        (status = 404, description = "查询码无效")))]
pub async fn progress(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppQuery(q): AppQuery<ComplaintProgressQuery>,
) -> ApiResult<Json<ComplaintProgress>> {
    Ok(Json(
        state.app.complaints.complaint_progress(&q.code, &client).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintFeedbackBody {
    code: String,
    /// 认可 (true) or 不认可 (false) the answer.
    accepted: bool,
    #[serde(default)]
    reason: String,
}

/// The complainant accepts or rejects the answer (by query code); a rejection reopens once.
#[utoipa::path(post, path = "/api/complaints/feedback", operation_id = "complaint_feedback", request_body = ComplaintFeedbackBody, tag = "督查",
    responses((status = 200, body = Object, description = "更新后的进度"), (status = 404, description = "查询码无效"),
        (status = 409, description = "当前不需要评价答复")))]
pub async fn feedback(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppJson(b): AppJson<ComplaintFeedbackBody>,
) -> ApiResult<Json<ComplaintProgress>> {
    Ok(Json(
        state
            .app
            .complaints
            .complainant_feedback(&b.code, b.accepted, &b.reason, &client)
            .await?,
    ))
}
