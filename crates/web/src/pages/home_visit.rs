//! 上门服务申请: the public form for those who cannot come to the hall
//! (or their family), at /appointments/home-visit.

use super::appointments::{check_public_post, refusal};
use super::{Chrome, PageError, PageForm, render};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use app::home_visit::{HomeVisitRequest, HomeVisitSummary};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::home_visit::HomeVisitReason;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/appointments/home-visit", get(form).post(submit))
}

#[derive(Deserialize, Default)]
struct VisitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    preferred_date: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "portal/home_visit.html")]
struct VisitPage {
    chrome: Chrome,
    form: VisitForm,
    reasons: Vec<(&'static str, &'static str)>,
    categories: Vec<String>,
    today: String,
    error: Option<String>,
    field: String,
    done: Option<HomeVisitSummary>,
}

async fn view(
    state: &AppState,
    user: Option<&CurrentUser>,
    form: VisitForm,
    error: Option<(StatusCode, String, String)>,
    done: Option<HomeVisitSummary>,
) -> Result<Response, PageError> {
    let categories = state
        .app
        .queue
        .categories()
        .await
        .map_err(|e| PageError::from_app(state, e))?
        .into_iter()
        .map(|c| c.name)
        .collect();
    let (status, error, field) = match error {
        Some((s, m, f)) => (s, Some(m), f),
        None if done.is_some() => (StatusCode::CREATED, None, String::new()),
        None => (StatusCode::OK, None, String::new()),
    };
    let page = VisitPage {
        chrome: Chrome::new(state, user, "appointments"),
        form,
        reasons: HomeVisitReason::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        categories,
        today: state.app.today().to_string(),
        error,
        field,
        done,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn form(State(state): State<AppState>, user: Option<CurrentUser>) -> Result<Response, PageError> {
    view(&state, user.as_ref(), VisitForm::default(), None, None).await
}

async fn submit(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(f): PageForm<VisitForm>,
) -> Result<Response, PageError> {
    check_public_post(&state, &headers, &client).await?;
    let req = HomeVisitRequest {
        name: f.name.clone(),
        phone: f.phone.clone(),
        address: f.address.clone(),
        item: f.item.clone(),
        reason: f.reason.clone(),
        preferred_date: Some(f.preferred_date.clone()),
        note: f.note.clone(),
    };
    // A citizen's own request, even when a staff member happens to be signed in on this browser.
    match state.app.home_visits.request_home_visit(&req, None).await {
        Ok(v) => view(&state, user.as_ref(), VisitForm::default(), None, Some(v)).await,
        Err(e) => {
            let refused = refusal(&state, e)?;
            view(&state, user.as_ref(), f, Some(refused), None).await
        }
    }
}
