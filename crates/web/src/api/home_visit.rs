//! 上门服务 (door-to-door service): public requests, the staff's list and
//! the steps requested → scheduled → done / cancelled.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use crate::error::ApiResult;
use crate::extract::{AppJson, AppQuery, Caller, VisitId};
use app::home_visit::{HomeVisitDetail, HomeVisitRequest, HomeVisitSummary};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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
pub struct VisitCreated {
    id: Uuid,
    /// requested
    status: String,
}

/// Asks for a home visit (public; rate-limited per client address like tickets).
#[utoipa::path(post, path = "/api/home-visits", operation_id = "request_home_visit", request_body = NewHomeVisit, tag = "预约",
    responses((status = 201, body = VisitCreated, description = "已受理的申请"),
        (status = 409, description = "同一手机号未办结申请超限"),
        (status = 422, description = "姓名、手机号、地址、事项、原因或日期无效")))]
pub async fn create(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    AppJson(b): AppJson<NewHomeVisit>,
) -> ApiResult<(StatusCode, Json<VisitCreated>)> {
    state.check_public_rate(&client).await?;
    let by = user.as_ref().map(CurrentUser::actor);
    let v = state
        .app
        .home_visits
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
        Json(VisitCreated {
            id: v.id,
            status: v.status.code().into(),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// requested, scheduled, done or cancelled; all when absent.
    status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HomeVisitList {
    #[schema(value_type = Vec<super::schemas::HomeVisitSummary>)]
    home_visits: Vec<HomeVisitSummary>,
}

/// Requests, newest first, phones masked (staff, admin, supervisor).
#[utoipa::path(get, path = "/api/home-visits", operation_id = "list_home_visits", params(ListQuery), tag = "预约",
    responses((status = 200, body = HomeVisitList, description = "申请列表，最新在前，手机号已遮蔽")))]
pub async fn list(
    Caller(state, _user): Caller,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<Json<HomeVisitList>> {
    Ok(Json(HomeVisitList {
        home_visits: state
            .app
            .home_visits
            .home_visits(app::home_visit::status_filter(q.status.as_deref())?)
            .await?,
    }))
}

/// One request with the phone and address in full and its history; every
/// call is audit-logged.
#[utoipa::path(get, path = "/api/home-visits/{id}", operation_id = "get_home_visit", params(("id" = String, Path, description = "上门服务申请ID")), tag = "预约",
    responses((status = 200, body = Object, description = "申请全文（手机号、地址）及处理记录"),
        (status = 404, description = "没有这个上门服务申请")))]
pub async fn detail(Caller(state, user): Caller, VisitId(id): VisitId) -> ApiResult<Json<HomeVisitDetail>> {
    Ok(Json(
        state.app.home_visits.home_visit_detail(&user.actor(), id).await?,
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
#[utoipa::path(post, path = "/api/home-visits/{id}/schedule", operation_id = "schedule_home_visit", params(("id" = String, Path, description = "上门服务申请ID")),
    request_body = ScheduleBody, tag = "预约",
    responses((status = 200, body = super::schemas::HomeVisitSummary, description = "已安排的申请"),
        (status = 404, description = "没有这个上门服务申请"), (status = 409, description = "申请已办结或已取消"),
        (status = 422, description = "日期不是工作日或人员无效")))]
pub async fn schedule(
    Caller(state, user): Caller,
    VisitId(id): VisitId,
    AppJson(b): AppJson<ScheduleBody>,
) -> ApiResult<Json<HomeVisitSummary>> {
    Ok(Json(
        state
            .app
            .home_visits
            .schedule_home_visit(&user.actor(), id, &b.date, &b.staff)
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
#[utoipa::path(post, path = "/api/home-visits/{id}/done", operation_id = "finish_home_visit", params(("id" = String, Path, description = "上门服务申请ID")),
    request_body = DoneBody, tag = "预约",
    responses((status = 200, body = super::schemas::HomeVisitSummary, description = "已办结的申请"),
        (status = 404, description = "没有这个上门服务申请"), (status = 409, description = "申请尚未安排，或已办结、已取消")))]
pub async fn done(
    Caller(state, user): Caller,
    VisitId(id): VisitId,
    AppJson(b): AppJson<DoneBody>,
) -> ApiResult<Json<HomeVisitSummary>> {
    Ok(Json(
        state
            .app
            .home_visits
            .finish_home_visit(&user.actor(), id, &b.note)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitCancelBody {
    reason: String,
}

/// Closes an open request without a visit (reason required).
#[utoipa::path(post, path = "/api/home-visits/{id}/cancel", operation_id = "cancel_home_visit", params(("id" = String, Path, description = "上门服务申请ID")),
    request_body = VisitCancelBody, tag = "预约",
    responses((status = 200, body = super::schemas::HomeVisitSummary, description = "已取消的申请"),
        (status = 404, description = "没有这个上门服务申请"), (status = 409, description = "申请已办结或已取消"),
        (status = 422, description = "未写取消理由")))]
pub async fn cancel(
    Caller(state, user): Caller,
    VisitId(id): VisitId,
    AppJson(b): AppJson<VisitCancelBody>,
) -> ApiResult<Json<HomeVisitSummary>> {
    Ok(Json(
        state
            .app
            .home_visits
            .cancel_home_visit(&user.actor(), id, &b.reason)
            .await?,
    ))
}
