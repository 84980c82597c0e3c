//! The window evaluation pad's page (/pad): public, paired by its cookie.
//! The page is a shell; `pad.js` pairs, polls `/api/pad/state` and submits.

use crate::AppState;
use crate::api::pad::CurrentPad;
use crate::pages::{PageError, render};
use app::pad::StaffCard;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/pad", get(pad))
}

#[derive(Template)]
#[template(path = "pad/pad.html")]
struct PadPage {
    hall_name: String,
    paired: bool,
    window: String,
    /// 三亮 from the first paint; `pad.js` keeps it current.
    staff: StaffShown,
}

/// The staff card as shown: "—" for what is not known.
struct StaffShown {
    name: String,
    number: String,
    duties: String,
}

impl StaffShown {
    fn of(card: Option<&StaffCard>) -> StaffShown {
        let shown = |s: Option<&String>| match s.map(|s| s.trim()) {
            Some(s) if !s.is_empty() => s.to_owned(),
            _ => "—".to_owned(),
        };
        StaffShown {
            name: shown(card.map(|c| &c.name)),
            number: shown(card.map(|c| &c.number)),
            duties: shown(card.map(|c| &c.duties)),
        }
    }
}

async fn pad(State(state): State<AppState>, pad: Option<CurrentPad>) -> Result<Response, PageError> {
    // The card is a courtesy of the first paint: when it cannot be read, the
    // pad's first poll fills it in.
    let card = match &pad {
        Some(p) => state.app.pads.pad_state(&p.0).await.ok().and_then(|s| s.staff),
        None => None,
    };
    let page = PadPage {
        hall_name: state.app.settings.hall.name.clone(),
        paired: pad.is_some(),
        window: pad.map(|p| format!("{}号窗口", p.0.window)).unwrap_or_default(),
        staff: StaffShown::of(card.as_ref()),
    };
    Ok(([(CACHE_CONTROL, "no-store")], render(&state, &page)).into_response())
}
