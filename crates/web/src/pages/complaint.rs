//! 投诉 for the public: the form (portal and kiosk, large type; anonymous
//! allowed) at /complaint, and progress by query code with 认可 / 不认可 at
//! /complaint/progress.

use super::appointments::{check_public_post, refusal};
use super::{Chrome, PageError, PageForm, render};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use app::complaint::{ComplaintAbout, ComplaintProgress, ComplaintReceipt, ComplaintRequest};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::complaint::ComplaintCategory;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/complaint", get(form).post(submit))
        .route("/complaint/progress", get(progress).post(feedback))
}

#[derive(Deserialize, Default)]
struct ComplaintForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    window: String,
    /// issue 16 part 5: the staff member (username), filled in from a desk card's QR code.
    #[serde(default)]
    staff: String,
    #[serde(default)]
    item: String,
    /// "on" when ticked.
    #[serde(default)]
    anonymous: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    /// Set by the kiosk's link, so the page keeps its kiosk look.
    #[serde(default)]
    kiosk: String,
}

#[derive(Template)]
#[template(path = "portal/complaint.html")]
struct ComplaintPage {
    chrome: Chrome,
    form: ComplaintForm,
    categories: Vec<(&'static str, &'static str)>,
    windows: Vec<String>,
    /// issue 16 part 5: (username, 姓名 and 工号) of the staff one may name.
    staff: Vec<(String, String)>,
    complaint_phone: String,
    error: Option<String>,
    field: String,
    done: Option<ComplaintReceipt>,
}

async fn view(
    state: &AppState,
    user: Option<&CurrentUser>,
    form: ComplaintForm,
    error: Option<(StatusCode, String, String)>,
    done: Option<ComplaintReceipt>,
) -> Result<Response, PageError> {
    let windows = state
        .app
        .queue
        .windows()
        .await
        .map_err(|e| PageError::from_app(state, e))?
        .into_iter()
        .map(|w| w.number)
        .collect();
    let staff = state
        .app
        .profiles
        .public_staff()
        .await
        .map_err(|e| PageError::from_app(state, e))?
        .into_iter()
        .map(|p| {
            let label = if p.staff_number.is_empty() {
                p.name
            } else {
                format!("{}（工号{}）", p.name, p.staff_number)
            };
            (p.username, label)
        })
        .collect();
    let (status, error, field) = match error {
        Some((s, m, f)) => (s, Some(m), f),
        None if done.is_some() => (StatusCode::CREATED, None, String::new()),
        None => (StatusCode::OK, None, String::new()),
    };
    let page = ComplaintPage {
        chrome: Chrome::new(state, user, "complaint"),
        form,
        categories: ComplaintCategory::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        windows,
        staff,
        complaint_phone: state.app.settings.hall.complaint_phone.clone(),
        error,
        field,
        done,
    };
    Ok((status, render(state, &page)).into_response())
}

#[derive(Deserialize, Default)]
struct FormParams {
    #[serde(default)]
    window: String,
    #[serde(default)]
    staff: String,
    #[serde(default)]
    kiosk: String,
}

async fn form(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(p): Query<FormParams>,
) -> Result<Response, PageError> {
    let form = ComplaintForm {
        window: p.window,
        staff: p.staff,
        kiosk: p.kiosk,
        ..ComplaintForm::default()
    };
    view(&state, user.as_ref(), form, None, None).await
}

async fn submit(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(f): PageForm<ComplaintForm>,
) -> Result<Response, PageError> {
    check_public_post(&state, &headers, &client).await?;
    let req = ComplaintRequest {
        channel: "online".into(),
        content: f.content.clone(),
        category: f.category.clone(),
        about: ComplaintAbout {
            window: f.window.clone(),
            staff: f.staff.clone(),
            item: f.item.clone(),
            ..ComplaintAbout::default()
        },
        anonymous: f.anonymous == "on",
        name: f.name.clone(),
        phone: f.phone.clone(),
    };
    // A citizen's own complaint, even when a staff member is signed in on this browser.
    match state.app.complaints.file_complaint(&req, None).await {
        Ok(receipt) => {
            let kept = ComplaintForm {
                kiosk: f.kiosk,
                ..ComplaintForm::default()
            };
            view(&state, user.as_ref(), kept, None, Some(receipt)).await
        }
        Err(e) => {
            let refused = refusal(&state, e)?;
            view(&state, user.as_ref(), f, Some(refused), None).await
        }
    }
}

#[derive(Template)]
#[template(path = "portal/complaint_progress.html")]
struct ProgressPage {
    chrome: Chrome,
    code: String,
    error: Option<String>,
    ok: Option<String>,
    found: Option<ComplaintProgress>,
}

#[derive(Deserialize, Default)]
struct ProgressParams {
    #[serde(default)]
    code: String,
}

async fn show_progress(
    state: &AppState,
    user: Option<&CurrentUser>,
    code: String,
    client: &str,
    ok: Option<String>,
) -> Result<Response, PageError> {
    let (status, found, error) = if code.trim().is_empty() {
        (StatusCode::OK, None, None)
    } else {
        match state.app.complaints.complaint_progress(&code, client).await {
            Ok(p) => (StatusCode::OK, Some(p), None),
            Err(e) => {
                let (s, m, _) = refusal(state, e)?;
                (s, None, Some(m))
            }
        }
    };
    let page = ProgressPage {
        chrome: Chrome::new(state, user, "complaint"),
        code,
        error,
        ok,
        found,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn progress(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    Query(p): Query<ProgressParams>,
) -> Result<Response, PageError> {
    show_progress(&state, user.as_ref(), p.code, &client, None).await
}

#[derive(Deserialize, Default)]
struct FeedbackForm {
    #[serde(default)]
    code: String,
    /// "yes" or "no".
    #[serde(default)]
    accepted: String,
    #[serde(default)]
    reason: String,
}

async fn feedback(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(f): PageForm<FeedbackForm>,
) -> Result<Response, PageError> {
    check_public_post(&state, &headers, &client).await?;
    let accepted = f.accepted == "yes";
    match state
        .app
        .complaints
        .complainant_feedback(&f.code, accepted, &f.reason, &client)
        .await
    {
        Ok(_) => {
            let ok = if accepted {
                "感谢您的评价，已记录您认可本次答复。"
            } else {
                "已记录您不认可本次答复，督查科将重新调查处理。"
            };
            show_progress(&state, user.as_ref(), f.code, &client, Some(ok.into())).await
        }
        Err(e) => {
            let (s, m, _) = refusal(&state, e)?;
            let page = ProgressPage {
                chrome: Chrome::new(&state, user.as_ref(), "complaint"),
                code: f.code,
                error: Some(m),
                ok: None,
                found: None,
            };
            Ok((s, render(&state, &page)).into_response())
        }
    }
}
