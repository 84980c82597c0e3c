//! 办件全程时间线 for the staff at /cases/{id}/timeline (issue 17): the
//! ticket, every step with the document it issued (printable from here), the
//! SMS sent and the evaluations, in time order; prints on A4.

use super::case::parse_case_id;
use super::manage::{guard, local};
use super::{Chrome, PageError, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use app::case_timeline::CaseTimeline;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::permission::Permission;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/{id}/timeline", get(show))
}

struct Row {
    kind: &'static str,
    at: String,
    label: String,
    case_number: String,
    window: String,
    who: String,
    note: String,
    /// The document's page (`/cases/{id}/{doc}`) and name.
    document: Option<(String, &'static str)>,
    /// A 差评 (the bottom two levels): shown in red.
    bad: bool,
}

#[derive(Template)]
#[template(path = "case/timeline.html")]
struct TimelinePage {
    chrome: Chrome,
    t: CaseTimeline,
    rows: Vec<Row>,
}

async fn show(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let user = guard(&state, user, Permission::CaseTimeline, &uri)?;
    let id = parse_case_id(&state, &id).map_err(IntoResponse::into_response)?;
    let t = state
        .app
        .timelines
        .case_timeline(&user.session, id)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let rows = t
        .events
        .iter()
        .map(|e| Row {
            kind: e.kind.code(),
            at: local(&state, e.at),
            label: e.label.clone(),
            case_number: e.case_number.clone().unwrap_or_default(),
            window: e.window.clone().map(|w| format!("{w}号窗口")).unwrap_or_default(),
            who: match (&e.staff_name, &e.staff) {
                (Some(n), Some(u)) if n != u => format!("{n}（{u}）"),
                (_, Some(u)) => u.clone(),
                _ => String::new(),
            },
            note: e.note.clone(),
            document: e
                .document
                .zip(e.document_label)
                .filter(|_| e.case_number.as_deref() == Some(t.number.as_str()))
                .map(|(d, label)| (format!("/cases/{}/{}", t.case_id, d.code()), label)),
            bad: e.level.is_some_and(|l| l.is_bad()),
        })
        .collect();
    let page = TimelinePage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        t,
        rows,
    };
    Ok(render(&state, &page))
}
