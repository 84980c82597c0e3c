//! The window evaluation pad's page (/pad): public, paired by its cookie.
//! The page is a shell; `pad.js` pairs, polls `/api/pad/state` and submits.

use crate::AppState;
use crate::api::pad::CurrentPad;
use crate::pages::{PageError, render};
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
}

async fn pad(State(state): State<AppState>, pad: Option<CurrentPad>) -> Result<Response, PageError> {
    let page = PadPage {
        hall_name: state.app.settings.hall.name.clone(),
        paired: pad.is_some(),
        window: pad.map(|p| format!("{}号窗口", p.0.window)).unwrap_or_default(),
    };
    Ok(([(CACHE_CONTROL, "no-store")], render(&state, &page)).into_response())
}
