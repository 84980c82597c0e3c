//! Appointments (预约): slots, booking online or by the hotline, cancelling,
//! checking in at the kiosk.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery};
use app::appointment::{BookRequest, Slot};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::appointment::AppointmentChannel;
use serde::{Deserialize, Serialize};
use store::queue::Appointment;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SlotQuery {
    /// A category's ticket prefix.
    category: String,
    /// YYYY-MM-DD
    date: String,
}

#[derive(Serialize, ToSchema)]
pub struct SlotList {
    #[schema(value_type = Vec<super::schemas::Slot>)]
    slots: Vec<Slot>,
}

/// Free places per slot (public). Rest days have no slots.
#[utoipa::path(get, path = "/api/appointments/slots", operation_id = "list_appointment_slots", params(SlotQuery), tag = "预约",
    responses((status = 200, body = SlotList, description = "当日各时段的余量（休息日为空）"),
        (status = 404, description = "没有这个业务类别"), (status = 422, description = "日期无效或超出可预约范围")))]
pub async fn slots(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<SlotQuery>,
) -> ApiResult<Json<SlotList>> {
    Ok(Json(SlotList {
        slots: state.app.appointments.slots(&q.category, &q.date).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookBody {
    /// The queue category (may be omitted when `item` is given).
    #[serde(default)]
    category: String,
    /// The service (事项编码) to book; its category follows from the hall's set-up.
    item: Option<String>,
    date: String,
    /// HH:MM, a slot start.
    time: String,
    phone: String,
    id_number: Option<String>,
    /// online (default) or phone (hotline operators, with a staff token).
    channel: Option<String>,
}

/// Books a slot; answers the code to show at the kiosk.
#[utoipa::path(post, path = "/api/appointments", operation_id = "book_appointment", request_body = BookBody, tag = "预约",
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 201, body = super::schemas::Appointment, description = "预约及签到码"),
        (status = 401, description = "电话预约（channel=phone）须工作人员登录"),
        (status = 403, description = "电话预约须工作人员、管理员或督查"),
        (status = 404, description = "没有这个业务类别"),
        (status = 409, description = "约满、超过个人限制或因爽约暂停"),
        (status = 422, description = "日期、时段、手机号或渠道无效")))]
pub async fn book(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    AppJson(b): AppJson<BookBody>,
) -> ApiResult<(StatusCode, Json<Appointment>)> {
    let channel = b
        .channel
        .unwrap_or_else(|| AppointmentChannel::Online.code().into());
    if AppointmentChannel::parse(&channel).is_some_and(AppointmentChannel::needs_staff) {
        // 电话预约 is recorded by hall staff (12345 hotline, help desk).
        user.as_ref()
            .ok_or_else(ApiError::unauthorized)?
            .require(domain::permission::Permission::AppointmentDesk)?;
    }
    let a = state
        .app
        .appointments
        .book(&BookRequest {
            category: b.category,
            item: b.item,
            date: b.date,
            time: b.time,
            phone: b.phone,
            id_number: b.id_number,
            channel,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// What cancelling an appointment needs.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentCancelBody {
    /// The last four digits of the phone the appointment was booked with.
    phone_last4: String,
}

/// The ticket an appointment became at check-in.
#[derive(Serialize, ToSchema)]
pub struct CheckedIn {
    id: uuid::Uuid,
    number: String,
    category: String,
    /// People ahead in line.
    waiting_before: i64,
}

/// Cancels an appointment (the last four digits of the phone prove it is yours).
#[utoipa::path(post, path = "/api/appointments/{code}/cancel", operation_id = "cancel_appointment",
    params(("code" = String, Path, description = "预约签到码")), request_body = AppointmentCancelBody, tag = "预约",
    responses((status = 200, body = super::schemas::Appointment, description = "已取消的预约"),
        (status = 404, description = "没有这个预约，或手机号后四位不符"), (status = 409, description = "预约已签到、已取消或已失效"),
        (status = 422, description = "手机号后四位格式不对"),
        (status = 429, description = "猜错次数过多，请稍后再试", body = crate::error::ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    crate::auth::ClientAddr(client): crate::auth::ClientAddr,
    Path(code): Path<String>,
    AppJson(b): AppJson<AppointmentCancelBody>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(
        state
            .app
            .appointments
            .cancel_appointment(&code, &b.phone_last4, &client)
            .await?,
    ))
}

/// Checks in at the kiosk: within the window the appointment becomes a ticket.
#[utoipa::path(post, path = "/api/appointments/{code}/checkin", operation_id = "check_in_appointment",
    params(("code" = String, Path, description = "预约签到码")), tag = "预约",
    responses((status = 201, body = CheckedIn, description = "签到后取得的号票"), (status = 404, description = "没有这个预约"),
        (status = 409, description = "未到签到时间、已过时，或已签到、已取消")))]
pub async fn check_in(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<(StatusCode, Json<CheckedIn>)> {
    let v = state.app.appointments.check_in_appointment(&code).await?;
    Ok((
        StatusCode::CREATED,
        Json(CheckedIn {
            id: v.ticket.id,
            number: v.ticket.number,
            category: v.ticket.category,
            waiting_before: v.waiting_before,
        }),
    ))
}
