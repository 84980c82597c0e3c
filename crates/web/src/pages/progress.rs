//! 办件进度查询 for citizens at /progress, no sign-in: the case number with the
//! phone's last four digits, or the query code on the receipt. The applicant
//! appears masked; no ID number is shown.

use super::appointments::refusal;
use super::{Chrome, PageError, render};
use crate::AppState;
use crate::auth::CurrentUser;
use app::case::Progress;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::case::CaseStatus;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/progress", get(progress))
}

#[derive(Deserialize, Default)]
struct ProgressQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    phone_last4: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "portal/progress.html")]
struct ProgressPage {
    chrome: Chrome,
    q: ProgressQuery,
    found: Option<Progress>,
    error: Option<String>,
    field: String,
}

async fn progress(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    crate::auth::ClientAddr(client): crate::auth::ClientAddr,
    Query(q): Query<ProgressQuery>,
) -> Result<Response, PageError> {
    let asked = !(q.number.trim().is_empty() && q.phone_last4.trim().is_empty() && q.code.trim().is_empty());
    let (status, found, error, field) = if asked {
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        match state
            .app
            .cases
            .case_progress(
                opt(&q.number).as_deref(),
                opt(&q.phone_last4).as_deref(),
                opt(&q.code).as_deref(),
                &client,
            )
            .await
        {
            Ok(p) => (StatusCode::OK, Some(p), None, String::new()),
            Err(e) => {
                let (s, m, f) = refusal(&state, e)?;
                (s, None, Some(m), f)
            }
        }
    } else {
        (StatusCode::OK, None, None, String::new())
    };
    let page = ProgressPage {
        chrome: Chrome::new(&state, user.as_ref(), "progress"),
        q,
        found,
        error,
        field,
    };
    Ok((status, render(&state, &page)).into_response())
}
