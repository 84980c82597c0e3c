//! 指挥中心 (issue 18 part 1): the hall's live picture at /command for the
//! wall screen (1920×1080) and the director's laptop. The first paint is
//! rendered here (it works without JavaScript); `assets/command.js` then
//! follows `GET /api/dashboard/stream` and rewrites the figures. Every
//! figure links to the list behind it.

use super::manage::guard;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageResult, render};
use app::dashboard::Dashboard;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::permission::Permission;

pub fn routes() -> Router<AppState> {
    Router::new().route("/command", get(page))
}

/// Percent-encodes a query value (department names are Chinese).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A department's row with the lists behind its figures.
struct DepartmentRow {
    name: String,
    amber: u64,
    overdue: u64,
    overdue_href: String,
    amber_href: String,
}

/// The lists behind the figures (the page and the script use the same).
struct Links {
    floor: &'static str,
    windows: &'static str,
    cases_today: String,
    completed: String,
    overdue: &'static str,
    worklist: &'static str,
    satisfaction_today: String,
    satisfaction_month: String,
    rectifications: &'static str,
    complaints: &'static str,
    inspections: &'static str,
    scalpers: &'static str,
    assessment: &'static str,
    campaigns: &'static str,
}

#[derive(Template)]
#[template(path = "command.html")]
struct CommandPage {
    chrome: Chrome,
    d: Dashboard,
    links: Links,
    departments: Vec<DepartmentRow>,
    /// `10:42` in the hall's time zone.
    updated: String,
}

async fn page(State(state): State<AppState>, user: Option<CurrentUser>, uri: Uri) -> PageResult {
    let user = guard(&state, user, Permission::DashboardRead, &uri)?;
    let d = state
        .app
        .dashboard
        .dashboard(&user.session)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let today = d.date;
    let month = today.first_of_month();
    let links = Links {
        floor: "/admin/floor",
        windows: "/admin/queue/windows",
        cases_today: format!("/admin/cases?from={today}&to={today}"),
        completed: "/admin/cases?status=completed".to_owned(),
        overdue: "/admin/cases/overdue",
        worklist: "/admin/cases/worklist",
        satisfaction_today: format!("/admin/satisfaction?from={today}&to={today}"),
        satisfaction_month: format!("/admin/satisfaction?from={month}&to={today}"),
        rectifications: "/admin/rectifications",
        complaints: "/supervise/complaints",
        inspections: "/admin/inspections",
        scalpers: "/admin/scalpers/review",
        assessment: "/admin/assessment",
        campaigns: "/campaigns",
    };
    let departments = d
        .departments
        .iter()
        .map(|r| DepartmentRow {
            name: r.department.clone(),
            amber: r.amber,
            overdue: r.overdue,
            overdue_href: format!("/admin/cases/overdue?department={}", encode(&r.department)),
            amber_href: format!("/admin/cases/worklist?department={}", encode(&r.department)),
        })
        .collect();
    let updated = state
        .app
        .now()
        .to_zoned(state.app.settings.time_zone())
        .strftime("%H:%M:%S")
        .to_string();
    Ok(render(
        &state,
        &CommandPage {
            chrome: Chrome::new(&state, Some(&user), "admin"),
            d,
            links,
            departments,
            updated,
        },
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_department_names() {
        assert_eq!(
            super::encode("市场监管局"),
            "%E5%B8%82%E5%9C%BA%E7%9B%91%E7%AE%A1%E5%B1%80"
        );
        assert_eq!(super::encode("a b&c"), "a%20b%26c");
    }
}
