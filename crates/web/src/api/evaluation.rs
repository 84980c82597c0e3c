//! 好差评 over HTTP: evaluations on every channel, the reasons list, the
//! satisfaction report and its import, rectifications and appeals.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, cookie};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery};
use app::evaluation::{EvaluationRequest, Rater};
use app::evaluation_report::{SatisfactionReport, period};
use app::rectification::{RectificationDetail, RectificationView};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::evaluation::{Appeal, Dimension};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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
}

#[derive(Serialize, ToSchema)]
pub struct Created {
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
/// the event; phone needs a staff or admin token.
#[utoipa::path(post, path = "/api/evaluations", request_body = EvaluationBody, tag = "好差评",
    responses((status = 201, body = Created), (status = 401), (status = 403, description = "不能评价本人办理的业务"),
        (status = 404), (status = 409, description = "已评价过或尚未办结"), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    user: Option<CurrentUser>,
    AppJson(body): AppJson<EvaluationBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let req = EvaluationRequest {
        ticket_id: body.ticket_id.filter(|s| !s.trim().is_empty()),
        case_id: body.case_id.filter(|s| !s.trim().is_empty()),
        channel: body.channel,
        level: body.level,
        reasons: body.reasons,
        comment: body.comment,
    };
    let rater = Rater {
        pad_token: pad_token(&headers),
        session: user.map(|u| u.session),
        device: client,
    };
    let id = state.app.evaluate(&req, &rater).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Reasons {
    reasons: Vec<String>,
}

/// The hall's 差评 reasons (public: pads and the online page show them).
#[utoipa::path(get, path = "/api/evaluation-reasons", tag = "好差评", responses((status = 200, body = Reasons)))]
pub async fn reasons(State(state): State<AppState>) -> ApiResult<Json<Reasons>> {
    Ok(Json(Reasons {
        reasons: state.app.evaluation_reasons().await?,
    }))
}

/// Replaces the reasons list (admin).
#[utoipa::path(put, path = "/api/evaluation-reasons", request_body = Reasons, tag = "好差评",
    security(("bearer" = [])), responses((status = 200, body = Reasons), (status = 403), (status = 422)))]
pub async fn set_reasons(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(body): AppJson<Reasons>,
) -> ApiResult<Json<Reasons>> {
    Ok(Json(Reasons {
        reasons: state
            .app
            .set_evaluation_reasons(&user.session, &body.reasons)
            .await?,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ReportQuery {
    /// YYYY-MM-DD
    from: String,
    /// YYYY-MM-DD (default: `from`)
    to: Option<String>,
    /// window, department, staff, item or channel
    group_by: Option<String>,
}

/// 满意度评价统计 for a period (leader or admin).
#[utoipa::path(get, path = "/api/reports/satisfaction", params(ReportQuery), tag = "好差评",
    security(("bearer" = [])), responses((status = 200, description = "total, valid, by_level, rate, formula, groups"), (status = 403), (status = 422)))]
pub async fn satisfaction(
    State(state): State<AppState>,
    user: CurrentUser,
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
    Ok(Json(state.app.satisfaction(&user.session, from, to, by).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct PeriodQuery {
    from: String,
    to: Option<String>,
}

/// Proves the rollup against the raw records for a period (leader or admin).
#[utoipa::path(get, path = "/api/reports/satisfaction/check", params(PeriodQuery), tag = "好差评",
    security(("bearer" = [])), responses((status = 200, description = "consistent, problems")))]
pub async fn check(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    app::auth::require_role(&user.session, &app::evaluation_report::REPORT_ROLES)?;
    let (from, to) = period(&q.from, q.to.as_deref())?;
    let problems = state.app.check_satisfaction_counts(from, to).await?;
    Ok(Json(
        json!({ "consistent": problems.is_empty(), "problems": problems }),
    ))
}

/// Imports counts from an earlier system (admin): CSV `date,window,level,count`.
#[utoipa::path(post, path = "/api/evaluations/import", request_body(content = String, content_type = "text/csv"),
    tag = "好差评", security(("bearer" = [])), responses((status = 201, description = "rows, count"), (status = 422)))]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    body: String,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let (rows, count) = state.app.import_evaluations(&user.session, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "rows": rows, "count": count, "imported": count })),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct StatusQuery {
    /// open, verified, rectified, answered or closed (rectifications); pending, upheld or rejected (appeals).
    status: Option<String>,
}

#[derive(Serialize)]
pub struct Items<T> {
    items: Vec<T>,
}

/// Rectifications, most urgent first (supervisor or admin).
#[utoipa::path(get, path = "/api/rectifications", params(StatusQuery), tag = "好差评",
    security(("bearer" = [])), responses((status = 200, description = "items"), (status = 403)))]
pub async fn rectifications(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<StatusQuery>,
) -> ApiResult<Json<Items<RectificationView>>> {
    Ok(Json(Items {
        items: state
            .app
            .rectifications(&user.session, q.status.as_deref())
            .await?,
    }))
}

fn uuid_of(raw: &str, what: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(raw)
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what}不存在")))
}

/// One rectification with its steps.
#[utoipa::path(get, path = "/api/rectifications/{id}", params(("id" = String, Path)), tag = "好差评",
    security(("bearer" = [])), responses((status = 200, description = "rectification and steps"), (status = 404)))]
pub async fn rectification(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<RectificationDetail>> {
    Ok(Json(
        state
            .app
            .rectification(&user.session, uuid_of(&id, "整改记录")?)
            .await?,
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
#[utoipa::path(post, path = "/api/rectifications/{id}/{step}", params(("id" = String, Path), ("step" = String, Path)),
    request_body = StepBody, tag = "好差评", security(("bearer" = [])),
    responses((status = 200, description = "rectification and steps"), (status = 409), (status = 422)))]
pub async fn advance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, step)): Path<(String, String)>,
    AppJson(body): AppJson<StepBody>,
) -> ApiResult<Json<RectificationDetail>> {
    let id = uuid_of(&id, "整改记录")?;
    Ok(Json(
        state
            .app
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
#[utoipa::path(post, path = "/api/evaluations/{id}/appeal", params(("id" = String, Path)), request_body = AppealBody,
    tag = "好差评", security(("bearer" = [])), responses((status = 201, description = "the appeal"), (status = 409), (status = 422)))]
pub async fn appeal(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    AppJson(body): AppJson<AppealBody>,
) -> ApiResult<(StatusCode, Json<Appeal>)> {
    let id = uuid_of(&id, "评价")?;
    let a = state
        .app
        .file_appeal(&user.session, id, &body.reason, &body.evidence)
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Appeals (supervisor or admin).
#[utoipa::path(get, path = "/api/appeals", params(StatusQuery), tag = "好差评",
    security(("bearer" = [])), responses((status = 200, description = "items")))]
pub async fn appeals(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<StatusQuery>,
) -> ApiResult<Json<Items<Appeal>>> {
    Ok(Json(Items {
        items: state.app.appeals(&user.session, q.status.as_deref()).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    upheld: bool,
    decision: String,
}

/// Decides an appeal: upheld excludes the review from the valid count.
#[utoipa::path(post, path = "/api/appeals/{id}/decide", params(("id" = String, Path)), request_body = DecisionBody,
    tag = "好差评", security(("bearer" = [])), responses((status = 200, description = "the appeal"), (status = 409)))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    AppJson(body): AppJson<DecisionBody>,
) -> ApiResult<Json<Appeal>> {
    let id = uuid_of(&id, "申诉")?;
    Ok(Json(
        state
            .app
            .decide_appeal(&user.session, id, body.upheld, &body.decision)
            .await?,
    ))
}

/// The SMS outbox of evaluation invitations (supervisor or admin); phones are not shown.
#[utoipa::path(get, path = "/api/sms-outbox", tag = "好差评", security(("bearer" = [])),
    responses((status = 200, description = "items"), (status = 403)))]
pub async fn sms_outbox(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Items<store::evaluation::OutboxMessage>>> {
    Ok(Json(Items {
        items: state.app.sms_outbox(&user.session).await?,
    }))
}

/// 疑似刷评: suspicious patterns in a period (supervisor, leader or admin).
#[utoipa::path(get, path = "/api/evaluations/flags", params(PeriodQuery), tag = "好差评", security(("bearer" = [])),
    responses((status = 200, description = "items"), (status = 403)))]
pub async fn flags(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> ApiResult<Json<Items<domain::evaluation::Flag>>> {
    let (from, to) = period(&q.from, q.to.as_deref())?;
    Ok(Json(Items {
        items: state.app.evaluation_flags(&user.session, from, to).await?,
    }))
}
