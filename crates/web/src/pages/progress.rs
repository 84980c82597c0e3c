//! 办件进度查询 for citizens at /progress, no sign-in: the case number with the
//! phone's last four digits, or the query code on the receipt. The applicant
//! appears masked; no ID number is shown. Issue 17: the case's timeline
//! without staff names or SMS texts, and once completed the online rating
//! (`POST /progress/rate`, authorised by the query code).

use super::appointments::refusal;
use super::{Chrome, PageError, PageForm, render, urlencode};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use app::case_timeline::CaseProgressView;
use app::evaluation::{EvaluationRequest, Rater};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::case::CaseStatus;
use domain::evaluation::Level;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/progress", get(progress))
        .route("/progress/rate", post(rate))
}

#[derive(Deserialize, Default)]
struct ProgressQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    phone_last4: String,
    #[serde(default)]
    code: String,
    /// Set after a rating was recorded.
    #[serde(default)]
    rated: String,
}

struct LevelChoice {
    code: &'static str,
    label: &'static str,
    bad: bool,
}

#[derive(Template)]
#[template(path = "portal/progress.html")]
struct ProgressPage {
    chrome: Chrome,
    q: ProgressQuery,
    found: Option<CaseProgressView>,
    error: Option<String>,
    field: String,
    levels: Vec<LevelChoice>,
    reasons: Vec<String>,
    /// The rating form's refusal, and what was chosen.
    rate_error: Option<String>,
    chosen_level: String,
    chosen_reasons: Vec<String>,
    comment: String,
    thanks: bool,
}

/// What the rating form sent back, to show again with its refusal.
#[derive(Default)]
struct Rating {
    error: Option<(StatusCode, String)>,
    level: String,
    reasons: Vec<String>,
    comment: String,
}

async fn view(
    state: &AppState,
    user: Option<&CurrentUser>,
    client: &str,
    q: ProgressQuery,
    rating: Rating,
) -> Result<Response, PageError> {
    let asked = !(q.number.trim().is_empty() && q.phone_last4.trim().is_empty() && q.code.trim().is_empty());
    let (status, found, error, field) = if asked {
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        match state
            .app
            .timelines
            .public_progress(
                opt(&q.number).as_deref(),
                opt(&q.phone_last4).as_deref(),
                opt(&q.code).as_deref(),
                client,
            )
            .await
        {
            Ok(p) => (StatusCode::OK, Some(p), None, String::new()),
            Err(e) => {
                let (s, m, f) = refusal(state, e)?;
                (s, None, Some(m), f)
            }
        }
    } else {
        (StatusCode::OK, None, None, String::new())
    };
    let reasons = if found.as_ref().is_some_and(|f| f.can_rate) {
        state
            .app
            .evaluations
            .evaluation_reasons()
            .await
            .map_err(|e| PageError::from_app(state, e))?
    } else {
        Vec::new()
    };
    let (status, rate_error) = match rating.error {
        Some((s, m)) => (s, Some(m)),
        None => (status, None),
    };
    let page = ProgressPage {
        chrome: Chrome::new(state, user, "progress"),
        thanks: q.rated == "1",
        q,
        found,
        error,
        field,
        levels: Level::ALL
            .into_iter()
            .map(|l| LevelChoice {
                code: l.code(),
                label: l.label(),
                bad: l.is_bad(),
            })
            .collect(),
        reasons,
        rate_error,
        chosen_level: rating.level,
        chosen_reasons: rating.reasons,
        comment: rating.comment,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn progress(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    Query(q): Query<ProgressQuery>,
) -> Result<Response, PageError> {
    view(&state, user.as_ref(), &client, q, Rating::default()).await
}

/// 网上评价办件: the query code proves the rater is the applicant.
async fn rate(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    super::appointments::check_public_post(&state, &headers, &client).await?;
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let reasons: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "reasons")
        .map(|(_, v)| v.clone())
        .collect();
    let code = value("code");
    let req = EvaluationRequest {
        ticket_id: None,
        case_id: Some(value("case_id")),
        channel: domain::evaluation::Channel::Online.code().into(),
        level: value("level"),
        reasons: reasons.clone(),
        comment: value("comment"),
        query_code: Some(code.clone()),
    };
    // The citizen's own page: never a staff session, whatever the browser holds.
    let rater = Rater {
        pad_token: None,
        session: None,
        device: client.clone(),
    };
    match state.app.evaluations.evaluate(&req, &rater).await {
        Ok(_) => {
            let to = format!("/progress?code={}&rated=1", urlencode(&code));
            Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
        }
        Err(e) => {
            let (status, message, _) = refusal(&state, e)?;
            let q = ProgressQuery {
                number: value("number"),
                phone_last4: value("phone_last4"),
                code: value("lookup_code"),
                rated: String::new(),
            };
            let rating = Rating {
                error: Some((status, message)),
                level: req.level,
                reasons,
                comment: req.comment,
            };
            view(&state, None, &client, q, rating).await
        }
    }
}
