//! 账号管理 and 操作日志.

use super::{back, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageForm, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::Role;
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(page).post(add))
        .route("/admin/users/{username}/{action}", post(toggle))
        .route("/admin/audit", get(audit))
}

pub struct UserRow {
    username: String,
    name: String,
    role: String,
    /// The department's code, empty when none.
    department: String,
    disabled: bool,
    created: String,
}

#[derive(Template)]
#[template(path = "manage/users.html")]
struct UsersPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    /// (code, name) of every department.
    departments: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

async fn build(state: &AppState, user: &CurrentUser, ok: Option<String>, error: Option<String>) -> Response {
    let users = match state.app.accounts.users().await {
        Ok(u) => u,
        Err(e) => return crate::pages::PageError::from_app(state, e).into_response(),
    };
    let departments: Vec<(String, String)> = match state.app.departments().await {
        Ok(d) => d.into_iter().map(|d| (d.code, d.name)).collect(),
        Err(e) => return crate::pages::PageError::from_app(state, e).into_response(),
    };

    let page = UsersPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        users: users
            .iter()
            .map(|u| UserRow {
                username: u.username.clone(),
                name: u.display_name.clone(),
                role: u.role.label().into(),
                department: u.department.clone().unwrap_or_default(),
                disabled: u.disabled,
                created: local(state, u.created_at),
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        error: error.clone(),
        departments,
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, render(state, &page)).into_response()
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> Response {
    match guard(&state, user, Permission::AccountsManage, &uri) {
        Ok(user) => build(&state, &user, n.ok, None).await,
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct AddForm {
    csrf: String,
    username: String,
    name: String,
    role: String,
    #[serde(default)]
    department: String,
    password: String,
}

async fn add(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<AddForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::AccountsManage, &uri, &headers, &f.csrf)?;
    let Some(role) = Role::parse(&f.role) else {
        return Ok(build(&state, &user, None, Some("请选择角色".into())).await);
    };
    match state
        .app
        .accounts
        .add_user(
            &user.actor(),
            &f.username,
            &f.name,
            role,
            Some(f.department.as_str()),
            &f.password,
        )
        .await
    {
        Ok(u) => Ok(back("/admin/users", &format!("已创建账号 {}", u.username))),
        Err(e) => Ok(build(&state, &user, None, Some(e.to_string())).await),
    }
}

/// A per-account action: the CSRF secret, and the new password for `password`.
#[derive(Deserialize)]
struct AccountForm {
    csrf: String,
    #[serde(default)]
    password: String,
    /// For `department`: the new department's code ("" clears it).
    #[serde(default)]
    department: String,
}

async fn toggle(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((username, action)): Path<(String, String)>,
    PageForm(f): PageForm<AccountForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::AccountsManage, &uri, &headers, &f.csrf)?;
    let done = match action.as_str() {
        "disable" => state
            .app
            .accounts
            .set_user_disabled(&user.actor(), &username, true)
            .await
            .map(|_| "已停用"),
        "enable" => state
            .app
            .accounts
            .set_user_disabled(&user.actor(), &username, false)
            .await
            .map(|_| "已启用"),
        "password" => state
            .app
            .accounts
            .set_password(&user.actor(), &username, &f.password)
            .await
            .map(|_| "已重设密码："),
        "department" => state
            .app
            .accounts
            .set_user_department(&user.actor(), &username, Some(f.department.as_str()))
            .await
            .map(|_| "已设置所属部门："),
        _ => return Ok(build(&state, &user, None, Some("未知操作".into())).await),
    };
    match done {
        Ok(what) => Ok(back("/admin/users", &format!("{what}账号 {username}"))),
        Err(e) => Ok(build(&state, &user, None, Some(e.to_string())).await),
    }
}

pub struct AuditRow {
    at: String,
    actor: String,
    action: String,
    target: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "manage/audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    page: i64,
    has_more: bool,
}

#[derive(Deserialize, Default)]
struct PageParam {
    page: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<PageParam>,
) -> PageResult {
    let user = guard(&state, user, Permission::AuditRead, &uri)?;
    let page = p.page.unwrap_or(1).max(1);
    let entries = state
        .app
        .audit_log(page, 50)
        .await
        .map_err(|e| crate::pages::PageError::from_app(&state, e).into_response())?;
    let has_more = entries.len() == 50;
    let rows = entries
        .into_iter()
        .take(50)
        .map(|e| AuditRow {
            at: local(&state, e.at),
            action: app::audit::action_label(&e.action).to_owned(),
            actor: e.actor,
            target: e.target,
            detail: app::audit::detail_label(&e.detail).to_owned(),
        })
        .collect();
    Ok(render(
        &state,
        &AuditPage {
            chrome: Chrome::new(&state, Some(&user), "admin"),
            rows,
            page,
            has_more,
        },
    ))
}
