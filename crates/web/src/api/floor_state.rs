//! The floor's state as a starting screen reads it: the hall display's
//! current calls and waiting counts, and the ticket a window serves now.
//! Both come from the records, so a reload or a restart loses nothing.

use crate::AppState;
use crate::api::queue::TicketResponse;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A window's current call (正在叫号).
#[derive(Serialize, ToSchema)]
pub struct DisplayCallResponse {
    /// The ticket number, e.g. A012.
    ticket: String,
    /// The window's number.
    window: String,
    window_name: String,
    /// The ticket's category prefix.
    category: String,
    /// When it was (last) called (RFC 3339, UTC).
    called_at: Option<String>,
    /// What the display shows and the voice reads.
    text: String,
}

/// What a display shows on start.
#[derive(Serialize, ToSchema)]
pub struct DisplayStateResponse {
    /// Each window's current call, newest first.
    calls: Vec<DisplayCallResponse>,
    /// Tickets waiting per category prefix.
    waiting: BTreeMap<String, usize>,
    /// The newest call event reflected: open the stream with it as `Last-Event-ID`.
    last_event_id: i64,
}

/// The hall display's state now (public): current calls and waiting counts.
#[utoipa::path(get, path = "/api/display/state", operation_id = "display_state", tag = "排队叫号",
    responses((status = 200, body = DisplayStateResponse, description = "各窗口正在叫的号与各类别等候人数")))]
pub async fn display_state(State(state): State<AppState>) -> ApiResult<Json<DisplayStateResponse>> {
    let s = state.app.queue.display_state().await?;
    Ok(Json(DisplayStateResponse {
        calls: s
            .calls
            .into_iter()
            .map(|c| DisplayCallResponse {
                text: format!("请{}号到{}号窗口办理", c.ticket, c.window),
                ticket: c.ticket,
                window: c.window,
                window_name: c.window_name,
                category: c.category,
                called_at: c.called_at.map(|t| t.to_string()),
            })
            .collect(),
        waiting: s.waiting,
        last_event_id: s.last_event_id,
    }))
}

/// A ticket waiting for the window.
#[derive(Serialize, ToSchema)]
pub struct WaitingTicket {
    id: String,
    number: String,
    category: String,
    /// elderly, disabled, pregnant or military (绿色通道), or null.
    priority: Option<String>,
    /// Minutes since the ticket was taken.
    waited_minutes: i64,
}

/// The ticket a window serves now, and who waits for it.
#[derive(Serialize, ToSchema)]
pub struct WindowCurrentResponse {
    /// The ticket being served, or null when the window is idle.
    ticket: Option<TicketResponse>,
    /// How many wait for this window's categories.
    waiting_count: usize,
    /// The first 30 of them, green channel first.
    waiting: Vec<WaitingTicket>,
}

/// The ticket a window is serving now (its staff, admin); `{"ticket":null}` when idle.
#[utoipa::path(get, path = "/api/windows/{number}/current", operation_id = "window_current", tag = "排队叫号",
    params(("number" = String, Path, description = "窗口号")),
    responses((status = 200, body = WindowCurrentResponse, description = "正在办理的号票（空闲时为 null）"),
        (status = 403, description = "不是该窗口的工作人员"), (status = 404, description = "窗口不存在")))]
pub async fn window_current(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Json<WindowCurrentResponse>> {
    let current = state.app.queue.window_current(&user.session, &number).await?;
    let waiting = state.app.queue.window_waiting(&user.session, &number).await?;
    let now = state.app.now();
    Ok(Json(WindowCurrentResponse {
        ticket: current.map(TicketResponse::from),
        waiting_count: waiting.len(),
        waiting: waiting
            .into_iter()
            .take(30)
            .map(|t| WaitingTicket {
                id: t.id.to_string(),
                waited_minutes: now.duration_since(t.taken_at).as_secs() / 60,
                number: t.number,
                category: t.category,
                priority: t.priority.map(|p| p.code().to_owned()),
            })
            .collect(),
    }))
}
