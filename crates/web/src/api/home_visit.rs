//! 上门服务 (door-to-door service): public requests, the staff's list and
//! the steps requested → scheduled → done / cancelled.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery};
use app::home_visit::{HomeVisitDetail, HomeVisitRequest, HomeVisitSummary};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Who handles home visits.
pub const HANDLERS: [Role; 3] = [Role::Staff, Role::Admin, Role::Supervisor];

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHomeVisit {
    name: String,
    phone: String,
    address: String,
    /// The item or service category to be handled at home.
    item: String,
    /// elderly (高龄), disabled (残疾), ill (重病) or other (其他, explained in the note).
    reason: String,
    /// YYYY-MM-DD, a working day.
    preferred_date: Option<String>,
    #[serde(default)]
    note: String,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: Uuid,
    /// requested
    status: String,
}

/// Asks for a home visit (public; rate-limited per client address like tickets).
#[utoipa::path(post, path = "/api/home-visits", request_body = NewHomeVisit, tag = "预约",
    responses((status = 201, body = Created), (status = 409, description = "同一手机号未办结申请超限"),
        (status = 422), (status = 429)))]
pub async fn create(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    AppJson(b): AppJson<NewHomeVisit>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    state.check_public_rate(&client).await?;
    let by = user.as_ref().map(CurrentUser::actor);
    let v = state
        .app
        .request_home_visit(
            &HomeVisitRequest {
                name: b.name,
                phone: b.phone,
                address: b.address,
                item: b.item,
                reason: b.reason,
                preferred_date: b.preferred_date,
                note: b.note,
            },
            by.as_ref(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: v.id,
            status: v.status.code().into(),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// requested, scheduled, done or cancelled; all when absent.
    status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HomeVisitList {
    #[schema(value_type = Vec<Object>)]
    home_visits: Vec<HomeVisitSummary>,
}

/// Requests, newest first, phones masked (staff, admin, supervisor).
#[utoipa::path(get, path = "/api/home-visits", params(ListQuery), tag = "预约", security(("bearer" = [])),
    responses((status = 200, body = HomeVisitList), (status = 401), (status = 403), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<Json<HomeVisitList>> {
    user.require(&HANDLERS)?;
    Ok(Json(HomeVisitList {
        home_visits: state.app.home_visits(q.status.as_deref()).await?,
    }))
}

fn visit_id(raw: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(raw)
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个上门服务申请"))
}

/// One request with the phone and address in full and its history; every
/// call is audit-logged.
#[utoipa::path(get, path = "/api/home-visits/{id}", params(("id" = String, Path)), tag = "预约",
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 401), (status = 403), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<HomeVisitDetail>> {
    user.require(&HANDLERS)?;
    Ok(Json(
        state.app.home_visit_detail(&user.actor(), visit_id(&id)?).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    /// YYYY-MM-DD, a working day.
    date: String,
    /// Username of the staff member who goes.
    staff: String,
}

/// Plans (or re-plans) the visit.
#[utoipa::path(post, path = "/api/home-visits/{id}/schedule", params(("id" = String, Path)), request_body = ScheduleBody,
    tag = "预约", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 404), (status = 409), (status = 422)))]
pub async fn schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    AppJson(b): AppJson<ScheduleBody>,
) -> ApiResult<Json<HomeVisitSummary>> {
    user.require(&HANDLERS)?;
    Ok(Json(
        state
            .app
            .schedule_home_visit(&user.actor(), visit_id(&id)?, &b.date, &b.staff)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneBody {
    #[serde(default)]
    note: String,
}

/// The visit took place and the matter was handled.
#[utoipa::path(post, path = "/api/home-visits/{id}/done", params(("id" = String, Path)), request_body = DoneBody,
    tag = "预约", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 404), (status = 409), (status = 422)))]
pub async fn done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    AppJson(b): AppJson<DoneBody>,
) -> ApiResult<Json<HomeVisitSummary>> {
    user.require(&HANDLERS)?;
    Ok(Json(
        state
            .app
            .finish_home_visit(&user.actor(), visit_id(&id)?, &b.note)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    reason: String,
}

/// Closes an open request without a visit (reason required).
#[utoipa::path(post, path = "/api/home-visits/{id}/cancel", params(("id" = String, Path)), request_body = CancelBody,
    tag = "预约", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 404), (status = 409), (status = 422)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    AppJson(b): AppJson<CancelBody>,
) -> ApiResult<Json<HomeVisitSummary>> {
    user.require(&HANDLERS)?;
    Ok(Json(
        state
            .app
            .cancel_home_visit(&user.actor(), visit_id(&id)?, &b.reason)
            .await?,
    ))
}
