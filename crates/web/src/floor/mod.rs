//! The hall floor (大厅现场): the touch kiosk, the printed 80 mm ticket, the
//! citizen's phone tracking page, the window console and the hall displays.

mod voice;

pub use voice::VoiceCache;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use qrcode::QrCode;
use qrcode::render::svg;
use store::queue::{Category, TicketStatus, Window, WindowStatus};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kiosk", get(kiosk))
        .route("/kiosk/ticket/{id}", get(printed_ticket))
        .route("/t/{id}", get(track))
        .route("/console/{number}", get(console))
        .route("/display", get(display))
        .route("/display/window/{number}", get(window_display))
        .route("/display/voice/{event}", get(voice))
}

#[derive(Template)]
#[template(path = "floor/kiosk.html")]
struct KioskPage {
    chrome: Chrome,
    categories: Vec<Category>,
    opening: app::hall::Opening,
}

async fn kiosk(State(state): State<AppState>) -> Result<Response, PageError> {
    let categories = state
        .app
        .queue
        .categories()
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    let opening = state
        .app
        .opening()
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    Ok(render(
        &state,
        &KioskPage {
            chrome: Chrome::new(&state, None, "kiosk"),
            categories,
            opening,
        },
    ))
}

fn parse_id(state: &AppState, raw: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(raw).map_err(|_| PageError::new(state, StatusCode::NOT_FOUND, "没有找到", "没有这张号票"))
}

/// A ticket as paper and phone show it.
struct TicketFacts {
    id: String,
    number: String,
    category_name: String,
    /// The status as people read it.
    status: String,
    state: TicketStatus,
    waiting_before: i64,
    window: Option<String>,
    taken_at: String,
    estimated_minutes: i64,
    /// The green-channel basis, shown on the ticket.
    priority: Option<&'static str>,
    ticket_id: Uuid,
    business_date: jiff::civil::Date,
}

async fn facts(state: &AppState, raw: &str) -> Result<TicketFacts, PageError> {
    let id = parse_id(state, raw)?;
    let v = state
        .app
        .queue
        .ticket_view(id)
        .await
        .map_err(|e| PageError::from_app(state, e))?;
    Ok(facts_of(state, v))
}

fn facts_of(state: &AppState, v: app::queue::TicketView) -> TicketFacts {
    let tz = state.app.settings.time_zone();
    TicketFacts {
        id: v.ticket.id.to_string(),
        number: v.ticket.number.clone(),
        category_name: v.category_name,
        status: v.ticket.status.label().into(),
        state: v.ticket.status,
        waiting_before: v.waiting_before,
        window: v.ticket.window.clone(),
        taken_at: v
            .ticket
            .taken_at
            .to_zoned(tz)
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        // A rough guide until measured service times exist: five minutes a person.
        estimated_minutes: v.waiting_before * 5,
        priority: v.ticket.priority.map(|p| p.label()),
        ticket_id: v.ticket.id,
        business_date: v.ticket.business_date,
    }
}

#[derive(Template)]
#[template(path = "floor/ticket.html")]
struct PrintedTicket {
    hall_name: String,
    t: TicketFacts,
    requeue_minutes: i64,
    /// The QR code of the tracking page; the paper shows no raw address.
    qr_svg: String,
    /// Printed at the kiosk (`?print`): the screen goes back to it by itself.
    back_to_kiosk: bool,
}

/// Where a citizen's phone reaches the hall: the configured public address,
/// unless it is still a loopback one, then the address the kiosk used.
pub(crate) fn public_base(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    let configured = state.app.settings.hall.public_url.trim_end_matches('/');
    let loopback = ["://127.", "://localhost", "://[::1]"]
        .iter()
        .any(|l| configured.contains(l));
    if !configured.is_empty() && !loopback {
        return configured.to_owned();
    }
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    format!("http://{host}")
}

async fn printed_ticket(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let t = facts(&state, &id).await?;
    let track_url = format!("{}/t/{}", public_base(&state, &headers), t.id);
    let qr_svg = QrCode::new(track_url.as_bytes())
        .map(|code| {
            code.render::<svg::Color>()
                .min_dimensions(160, 160)
                .quiet_zone(false)
                .build()
        })
        .unwrap_or_default();
    let back_to_kiosk = uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "print" || p.starts_with("print=")));
    Ok(render(
        &state,
        &PrintedTicket {
            hall_name: state.app.settings.hall.name.clone(),
            t,
            qr_svg,
            back_to_kiosk,
            requeue_minutes: state.app.settings.queue.requeue_minutes,
        },
    ))
}

#[derive(Template)]
#[template(path = "floor/track.html")]
struct TrackPage {
    chrome: Chrome,
    /// The ticket the person holds now: after a transfer (转移), the new one.
    t: TicketFacts,
    /// The number printed on the person's paper, when it was transferred to `t`.
    moved_from: Option<String>,
    /// The person has rated this service already: no second invitation.
    rated: bool,
    requeue_minutes: i64,
}

async fn track(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, PageError> {
    let printed = facts(&state, &id).await?;
    let (t, moved_from) = match transferred_to(&state, &printed).await? {
        Some(now) => (now, Some(printed.number)),
        None => (printed, None),
    };
    let rated = t.state == TicketStatus::Finished
        && state
            .app
            .store
            .evaluation_of_event(&format!("ticket:{}", t.id))
            .await
            .map_err(|e| PageError::from_app(&state, app::AppError::from(e)))?
            .is_some();
    Ok(render(
        &state,
        &TrackPage {
            chrome: Chrome::new(&state, None, ""),
            t,
            moved_from,
            rated,
            requeue_minutes: state.app.settings.queue.requeue_minutes,
        },
    ))
}

/// A transferred ticket lives on as a new number (its `transferred_from` is
/// the old id), the same business day; transfers may chain. `None` when the
/// ticket was not transferred or its successor is not found.
async fn transferred_to(state: &AppState, t: &TicketFacts) -> Result<Option<TicketFacts>, PageError> {
    if t.state != TicketStatus::Transferred {
        return Ok(None);
    }
    let day = state
        .app
        .store
        .tickets_of_day(t.business_date)
        .await
        .map_err(|e| PageError::from_app(state, app::AppError::from(e)))?;
    let mut at = t.ticket_id;
    let mut last = None;
    // A chain is short; the bound only guards against a cycle in bad data.
    for _ in 0..day.len().min(16) {
        let Some(next) = day.iter().find(|n| n.transferred_from == Some(at)) else {
            break;
        };
        at = next.id;
        let moved_on = next.status == TicketStatus::Transferred;
        last = Some(next.clone());
        if !moved_on {
            break;
        }
    }
    match last {
        Some(ticket) => {
            let v = state
                .app
                .queue
                .view_of(ticket)
                .await
                .map_err(|e| PageError::from_app(state, e))?;
            Ok(Some(facts_of(state, v)))
        }
        None => Ok(None),
    }
}

#[derive(Template)]
#[template(path = "floor/console.html")]
struct ConsolePage {
    chrome: Chrome,
    window: Window,
    csrf: String,
    categories: Vec<Category>,
}

async fn console(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let Some(user) = user else {
        let next = format!("/login?next=/console/{number}");
        return Ok((StatusCode::SEE_OTHER, [(LOCATION, next)]).into_response());
    };
    let windows = state
        .app
        .queue
        .windows()
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    let Some(window) = windows.into_iter().find(|w| w.number == number) else {
        return Err(PageError::new(
            &state,
            StatusCode::NOT_FOUND,
            "没有找到",
            format!("窗口“{number}”不存在"),
        ));
    };
    let role = user.session.user.role;
    if role != domain::Role::Admin && !window.staff.contains(&user.session.user.username) {
        return Err(PageError::new(
            &state,
            StatusCode::FORBIDDEN,
            "没有权限",
            format!("您不是{}的工作人员", window.name),
        ));
    }
    let categories = state
        .app
        .queue
        .categories()
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    let page = ConsolePage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        csrf: user.session.csrf.clone(),
        window,
        categories,
    };
    Ok(render(&state, &page))
}

#[derive(Template)]
#[template(path = "floor/display.html")]
struct DisplayPage {
    hall_name: String,
    windows: Vec<(Window, String)>,
    /// The newest current call, shown big from the first paint.
    latest: Option<app::floor::DisplayCall>,
    /// (category name, waiting) for the waiting-count strip.
    waiting: Vec<(String, String, usize)>,
    /// Last month's red flag and stars (光荣榜), when they could be read.
    honours: Option<app::assessment::Honours>,
}

async fn display(State(state): State<AppState>) -> Result<Response, PageError> {
    let queue = &state.app.queue;
    let read = async {
        Ok::<_, app::AppError>((
            queue.windows().await?,
            queue.window_currents().await?,
            queue.display_state().await?,
            queue.categories().await?,
        ))
    };
    let (windows, currents, now, categories) = read.await.map_err(|e| PageError::from_app(&state, e))?;
    // The honours never keep the calls off the screen.
    let honours = match state.app.assessment.honours(None).await {
        Ok(h) => Some(h),
        Err(e) => {
            tracing::warn!(error = %e, "display: honours unavailable");
            None
        }
    };
    let waiting = categories
        .into_iter()
        .map(|c| {
            let n = now.waiting.get(&c.prefix).copied().unwrap_or(0);
            (c.prefix, c.name, n)
        })
        .collect();
    let windows = windows
        .into_iter()
        .map(|w| {
            let shown = match (w.status, currents.get(&w.number)) {
                (store::queue::WindowStatus::Open, Some(n)) => n.clone(),
                (store::queue::WindowStatus::Open, None) => "—".to_owned(),
                (store::queue::WindowStatus::Paused, _) => "暂停服务".to_owned(),
                (store::queue::WindowStatus::Closed, _) => "未开放".to_owned(),
            };
            (w, shown)
        })
        .collect();
    Ok(render(
        &state,
        &DisplayPage {
            hall_name: state.app.settings.hall.name.clone(),
            windows,
            latest: now.calls.into_iter().next(),
            waiting,
            honours,
        },
    ))
}

#[derive(Template)]
#[template(path = "floor/window_display.html")]
struct WindowDisplayPage {
    window: Window,
}

async fn window_display(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let windows = state
        .app
        .queue
        .windows()
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    let Some(window) = windows.into_iter().find(|w| w.number == number) else {
        return Err(PageError::new(
            &state,
            StatusCode::NOT_FOUND,
            "没有找到",
            format!("窗口“{number}”不存在"),
        ));
    };
    Ok(render(&state, &WindowDisplayPage { window }))
}

/// The spoken announcement of one call event; 404 when no voice can be made
/// (the display then plays its chime).
async fn voice(State(state): State<AppState>, Path(event): Path<String>) -> Response {
    let Some(id) = event.trim_end_matches(".wav").parse::<i64>().ok() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(events) = state.app.queue.calls_after(id - 1).await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let Some(e) = events.into_iter().find(|e| e.id == id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match state.voice.announce(&e.number, &e.window).await {
        Some(wav) => (
            [
                (CONTENT_TYPE, "audio/wav"),
                (CACHE_CONTROL, "public, max-age=86400"),
            ],
            wav,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
