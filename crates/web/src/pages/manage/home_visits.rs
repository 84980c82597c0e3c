//! 上门服务 for staff: the list (phones masked), one request in full (each
//! view audit-logged), and scheduling, finishing or cancelling it.

use super::{back, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, PageForm, render};
use app::home_visit::{HomeVisitDetail, HomeVisitSummary};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::Role;
use domain::home_visit::HomeVisitStatus;
use domain::permission::Permission;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/home-visits", get(list))
        .route("/admin/home-visits/{id}", get(detail))
        .route("/admin/home-visits/{id}/{action}", post(act))
}

pub struct Row {
    v: HomeVisitSummary,
    created: String,
}

#[derive(Template)]
#[template(path = "manage/home_visits.html")]
struct ListPage {
    chrome: Chrome,
    ok: Option<String>,
    error: Option<String>,
    tabs: Vec<TabLink>,
    rows: Vec<Row>,
}

/// A tab of the list: one status, or all (`?status=all`).
pub struct TabLink {
    code: &'static str,
    label: &'static str,
    current: bool,
}

const ALL_TAB: &str = "all";

#[derive(Deserialize, Default)]
struct ListParams {
    status: Option<String>,
    ok: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<ListParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::HomeVisitHandle, &uri)?;
    let refused = |e| PageError::from_app(&state, e).into_response();
    // The working list by default: requests still waiting for a plan.
    let filter = match p.status.as_deref() {
        None => Some(HomeVisitStatus::Requested),
        Some(ALL_TAB) => None,
        Some(s) => app::home_visit::status_filter(Some(s)).map_err(refused)?,
    };
    let visits = state.app.home_visits.home_visits(filter).await.map_err(refused)?;
    let mut tabs: Vec<TabLink> = HomeVisitStatus::ALL
        .into_iter()
        .map(|s| TabLink {
            code: s.code(),
            label: s.label(),
            current: filter == Some(s),
        })
        .collect();
    tabs.push(TabLink {
        code: ALL_TAB,
        label: "全部",
        current: p.status.as_deref() == Some(ALL_TAB),
    });
    let page = ListPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        ok: p.ok,
        error: None,
        tabs,
        rows: visits
            .into_iter()
            .map(|v| Row {
                created: local(&state, v.created_at),
                v,
            })
            .collect(),
    };
    Ok(render(&state, &page))
}

pub struct Step {
    at: String,
    actor: String,
    status: &'static str,
    detail: String,
}

#[derive(Template)]
#[template(path = "manage/home_visit.html")]
struct DetailPage {
    chrome: Chrome,
    csrf: String,
    error: Option<String>,
    ok: Option<String>,
    d: HomeVisitDetail,
    created: String,
    steps: Vec<Step>,
    staff: Vec<(String, String)>,
    can_schedule: bool,
    can_finish: bool,
    can_cancel: bool,
    today: String,
}

// A refusal is the page the handler returns as it is (as in `guard`).
#[allow(clippy::result_large_err)]
fn parse_id(state: &AppState, raw: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(raw).map_err(|_| {
        PageError::new(state, StatusCode::NOT_FOUND, "没有找到", "没有这个上门服务申请").into_response()
    })
}

/// Shows one request in full; the app records the view in the audit log.
async fn show(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    error: Option<(StatusCode, String)>,
) -> Response {
    let d = match state.app.home_visits.home_visit_detail(&user.actor(), id).await {
        Ok(d) => d,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let staff = match state.app.accounts.users().await {
        Ok(users) => users
            .into_iter()
            .filter(|u| !u.disabled && matches!(u.role, Role::Staff | Role::Admin | Role::Supervisor))
            .map(|u| (u.username, u.display_name))
            .collect(),
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let s = d.summary.status;
    let (code, error) = match error {
        Some((code, message)) => (code, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = DetailPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok: None,
        created: local(state, d.summary.created_at),
        steps: d
            .history
            .iter()
            .map(|e| Step {
                at: local(state, e.at),
                actor: e.actor.clone(),
                status: e.status.label(),
                detail: e.detail.clone(),
            })
            .collect(),
        staff,
        can_schedule: s.can_move_to(HomeVisitStatus::Scheduled),
        can_finish: s.can_move_to(HomeVisitStatus::Done),
        can_cancel: s.can_move_to(HomeVisitStatus::Cancelled),
        today: state.app.today().to_string(),
        error,
        d,
    };
    (code, render(state, &page)).into_response()
}

async fn detail(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let user = guard(&state, user, Permission::HomeVisitHandle, &uri)?;
    match parse_id(&state, &id) {
        Ok(id) => Ok(show(&state, &user, id, None).await),
        Err(r) => Ok(r),
    }
}

#[derive(Deserialize)]
struct ActForm {
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    staff: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
}

async fn act(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    PageForm(f): PageForm<ActForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::HomeVisitHandle, &uri, &headers, &f.csrf)?;
    let id = parse_id(&state, &id)?;
    let actor = user.actor();
    let done = match action.as_str() {
        "schedule" => state
            .app
            .home_visits
            .schedule_home_visit(&actor, id, &f.date, &f.staff)
            .await
            .map(|v| format!("已安排申请 {}：{} 上门", v.reference, f.date.trim())),
        "done" => state
            .app
            .home_visits
            .finish_home_visit(&actor, id, &f.note)
            .await
            .map(|v| format!("申请 {} 已办结", v.reference)),
        "cancel" => state
            .app
            .home_visits
            .cancel_home_visit(&actor, id, &f.reason)
            .await
            .map(|v| format!("申请 {} 已取消", v.reference)),
        _ => {
            let unknown = (StatusCode::NOT_FOUND, "未知操作".to_owned());
            return Ok(show(&state, &user, id, Some(unknown)).await);
        }
    };
    match done {
        // Back to the list: the full phone and address are shown again only when asked for.
        Ok(message) => Ok(back("/admin/home-visits?status=all", &message)),
        Err(app::AppError::Invalid { message, .. }) => Ok(show(
            &state,
            &user,
            id,
            Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
        )
        .await),
        Err(app::AppError::Conflict(_, message)) => {
            Ok(show(&state, &user, id, Some((StatusCode::CONFLICT, message))).await)
        }
        Err(e) => Ok(PageError::from_app(&state, e).into_response()),
    }
}
