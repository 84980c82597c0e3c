//! 窗口公示 (issue 16 part 5, 三亮): a public page per window — its name,
//! what it handles, the staff who sit there with their photo, 工号, 岗位,
//! 职责 and 服务承诺 — and the complaint link with the window filled in.
//! No sign-in; nothing private is shown.

use super::{Chrome, PageError, render};
use crate::AppState;
use crate::auth::CurrentUser;
use app::staff_profile::PublicWindow;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/windows", get(list))
        .route("/windows/{number}", get(window))
}

#[derive(Template)]
#[template(path = "portal/windows.html")]
struct WindowsPage {
    chrome: Chrome,
    windows: Vec<(String, String, bool)>,
}

async fn list(State(state): State<AppState>, user: Option<CurrentUser>) -> Result<Response, PageError> {
    let windows = state
        .app
        .queue
        .windows()
        .await
        .map_err(|e| PageError::from_app(&state, e))?
        .into_iter()
        .map(|w| {
            let name = own_name(&w.number, &w.name);
            (w.number, name, w.temporary)
        })
        .collect();
    Ok(render(
        &state,
        &WindowsPage {
            chrome: Chrome::new(&state, user.as_ref(), "windows"),
            windows,
        },
    ))
}

#[derive(Template)]
#[template(path = "portal/window.html")]
struct WindowPage {
    chrome: Chrome,
    w: PublicWindow,
    /// The window's own name, when it has one beyond "N号窗口".
    name: String,
    complaint_phone: String,
}

async fn window(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let w = state
        .app
        .profiles
        .public_window(&number)
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    Ok(render(
        &state,
        &WindowPage {
            chrome: Chrome::new(&state, user.as_ref(), "windows"),
            name: own_name(&w.number, &w.name),
            w,
            complaint_phone: state.app.settings.hall.complaint_phone.clone(),
        },
    )
    .into_response())
}

/// A window's name unless it only repeats its number ("3号窗口").
fn own_name(number: &str, name: &str) -> String {
    if name.trim() == format!("{number}号窗口") {
        String::new()
    } else {
        name.trim().to_owned()
    }
}
