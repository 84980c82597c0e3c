//! 现场监控: the floor captain's live view, and opening a temporary window at the peak.

use super::{back, guard, guard_post};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, PageForm, render};
use app::floor::FloorStatus;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::Role;
use domain::permission::Permission;
use serde::Deserialize;
use store::queue::{Category, WindowStatus};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/floor", get(page).post(open_window))
}

#[derive(Template)]
#[template(path = "manage/floor.html")]
struct FloorPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    floor: FloorStatus,
    categories: Vec<Category>,
    can_open: bool,
    /// issue 15 part 5: open alerts of registered scalpers (黄牛预警), for those who may read them.
    scalper_alerts: Vec<super::scalpers::AlertRow>,
    can_ack: bool,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

async fn show(state: &AppState, user: &CurrentUser, ok: Option<String>, error: Option<String>) -> Response {
    let (floor, categories) = match (
        // issue 15 part 3: today's duty captains
        async {
            let f = state.app.queue.floor_status().await?;
            state.app.duty_logs.with_captains(f).await
        }
        .await,
        state.app.queue.categories().await,
    ) {
        (Ok(f), Ok(c)) => (f, c),
        (Err(e), _) | (_, Err(e)) => return PageError::from_app(state, e).into_response(),
    };
    // issue 15 part 5: the floor captain sees the open scalper alerts.
    let scalper_alerts = if user.session.user.role.can(Permission::ScalperRead) {
        match state.app.scalpers.alerts(&user.session, true).await {
            Ok(a) => super::scalpers::alert_rows(state, a),
            Err(e) => return PageError::from_app(state, e).into_response(),
        }
    } else {
        Vec::new()
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FloorPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        can_open: matches!(user.session.user.role, Role::Admin | Role::Supervisor),
        ok,
        error,
        floor,
        categories,
        scalper_alerts,
        can_ack: user.session.user.role.can(Permission::ScalperManage),
    };
    (status, render(state, &page)).into_response()
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> Response {
    match guard(&state, user, Permission::FloorView, &uri) {
        Ok(user) => show(&state, &user, n.ok, None).await,
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct OpenForm {
    csrf: String,
    number: String,
    category: String,
    #[serde(default)]
    staff: String,
}

async fn open_window(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<OpenForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::WindowAdd, &uri, &headers, &f.csrf)?;
    let staff: Vec<String> = f
        .staff
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let categories = vec![f.category.clone()];
    match state
        .app
        .queue
        .create_window(&user.actor(), &f.number, "", &categories, &staff, true)
        .await
    {
        Ok(w) => Ok(back("/admin/floor", &format!("已开设临时窗口 {}", w.name))),
        Err(e) => Ok(show(&state, &user, None, Some(e.to_string())).await),
    }
}
