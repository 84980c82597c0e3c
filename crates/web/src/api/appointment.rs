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
use domain::Role;
use serde::{Deserialize, Serialize};
use store::queue::Appointment;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SlotQuery {
    category: String,
    /// YYYY-MM-DD
    date: String,
}

#[derive(Serialize, ToSchema)]
pub struct SlotList {
    #[schema(value_type = Vec<Object>)]
    slots: Vec<Slot>,
}

/// Free places per slot (public). Rest days have no slots.
#[utoipa::path(get, path = "/api/appointments/slots", params(SlotQuery), tag = "预约",
    responses((status = 200, body = SlotList), (status = 422)))]
pub async fn slots(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<SlotQuery>,
) -> ApiResult<Json<SlotList>> {
    Ok(Json(SlotList {
        slots: state.app.slots(&q.category, &q.date).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookBody {
    category: String,
    date: String,
    /// HH:MM, a slot start.
    time: String,
    phone: String,
    id_number: Option<String>,
    /// online (default) or phone (hotline operators, with a staff token).
    channel: Option<String>,
}

/// Books a slot; answers the code to show at the kiosk.
#[utoipa::path(post, path = "/api/appointments", request_body = BookBody, tag = "预约",
    responses((status = 201, body = Object), (status = 409, description = "约满、超过个人限制或因爽约暂停"), (status = 422)))]
pub async fn book(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    AppJson(b): AppJson<BookBody>,
) -> ApiResult<(StatusCode, Json<Appointment>)> {
    let channel = b.channel.unwrap_or_else(|| "online".into());
    if channel == "phone" {
        user.as_ref().ok_or_else(ApiError::unauthorized)?.require(&[
            Role::Staff,
            Role::Admin,
            Role::Supervisor,
        ])?;
    }
    let a = state
        .app
        .book(&BookRequest {
            category: b.category,
            date: b.date,
            time: b.time,
            phone: b.phone,
            id_number: b.id_number,
            channel,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    phone_last4: String,
}

/// Cancels an appointment (the last four digits of the phone prove it is yours).
#[utoipa::path(post, path = "/api/appointments/{code}/cancel", params(("code" = String, Path)), request_body = CancelBody,
    tag = "预约", responses((status = 200, body = Object), (status = 404), (status = 409), (status = 422)))]
pub async fn cancel(
    State(state): State<AppState>,
    Path(code): Path<String>,
    AppJson(b): AppJson<CancelBody>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(state.app.cancel_appointment(&code, &b.phone_last4).await?))
}

/// Checks in at the kiosk: within the window the appointment becomes a ticket.
#[utoipa::path(post, path = "/api/appointments/{code}/checkin", params(("code" = String, Path)), tag = "预约",
    responses((status = 201, body = Object), (status = 404), (status = 409, description = "未到签到时间或已过时")))]
pub async fn check_in(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let v = state.app.check_in_appointment(&code).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({
            "id": v.ticket.id,
            "number": v.ticket.number,
            "category": v.ticket.category,
            "waiting_before": v.waiting_before,
        })),
    ))
}
