//! The printed A4 documents of a case: 一次性告知书, 受理回执 and the
//! 不予受理 / 不予许可 notice. Personal numbers only masked.

use super::case::parse_case_id;
use super::manage::guard;
use super::{Chrome, PageError, render};
use crate::AppState;
use crate::auth::CurrentUser;
use app::case_documents::{CaseDocument, CaseDocumentKind, SUPPLEMENT_DAYS};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::case::CaseStatus;
use domain::permission::Permission;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/notice", get(notice))
        .route("/cases/{id}/receipt", get(receipt))
        .route("/cases/{id}/refusal", get(refusal))
        .route("/cases/{id}/approval", get(approval))
}

/// What every printed document shows besides its own content.
struct Frame {
    doc: CaseDocument,
    printed_on: String,
    progress_url: String,
    /// The applicant's name as the receipt prints it (张*).
    name_masked: String,
}

#[derive(Template)]
#[template(path = "case/notice.html")]
struct NoticePage {
    chrome: Chrome,
    f: Frame,
    supplement_days: u32,
}

#[derive(Template)]
#[template(path = "case/receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    f: Frame,
}

#[derive(Template)]
#[template(path = "case/refusal.html")]
struct RefusalPage {
    chrome: Chrome,
    f: Frame,
    remedies: [&'static str; 2],
}

#[derive(Template)]
#[template(path = "case/approval.html")]
struct ApprovalPage {
    chrome: Chrome,
    f: Frame,
}

// A refusal is the page the handler returns as it is.
#[allow(clippy::result_large_err)]
async fn load(
    state: &AppState,
    user: Option<CurrentUser>,
    uri: &Uri,
    id: &str,
    kind: CaseDocumentKind,
) -> Result<(Chrome, Frame), Response> {
    let user = guard(state, user, Permission::CaseRead, uri)?;
    let id = parse_case_id(state, id).map_err(IntoResponse::into_response)?;
    let doc = state
        .app
        .cases
        .case_document(&user.session, id, kind)
        .await
        .map_err(|e| PageError::from_app(state, e).into_response())?;
    let name_masked = domain::identity::mask(&doc.view.case.applicant_name, 1, 0);
    let chrome = Chrome::new(state, Some(&user), "admin");
    Ok((
        chrome,
        Frame {
            name_masked,
            doc,
            printed_on: state.app.today().to_string(),
            progress_url: format!(
                "{}/progress",
                state.app.settings.hall.public_url.trim_end_matches('/')
            ),
        },
    ))
}

async fn notice(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    match load(&state, user, &uri, &id, CaseDocumentKind::Notice).await {
        Ok((chrome, f)) => render(
            &state,
            &NoticePage {
                chrome,
                f,
                supplement_days: SUPPLEMENT_DAYS,
            },
        ),
        Err(r) => r,
    }
}

async fn receipt(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    match load(&state, user, &uri, &id, CaseDocumentKind::Receipt).await {
        Ok((chrome, f)) => render(&state, &ReceiptPage { chrome, f }),
        Err(r) => r,
    }
}

async fn refusal(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    match load(&state, user, &uri, &id, CaseDocumentKind::Refusal).await {
        Ok((chrome, f)) => render(
            &state,
            &RefusalPage {
                chrome,
                f,
                remedies: app::case_documents::REMEDIES,
            },
        ),
        Err(r) => r,
    }
}

/// 准予行政许可决定书 (A4).
async fn approval(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    match load(&state, user, &uri, &id, CaseDocumentKind::Approval).await {
        Ok((chrome, f)) => render(&state, &ApprovalPage { chrome, f }),
        Err(r) => r,
    }
}
