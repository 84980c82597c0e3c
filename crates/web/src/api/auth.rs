//! Sign in and out.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, clear_session_cookie};
use crate::error::ApiResult;
use crate::extract::AppJson;
use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::TokenKind;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub username: String,
    pub display_name: String,
    /// admin, staff, supervisor, leader or liaison.
    pub role: String,
    pub role_label: String,
    /// 所属部门 (its code); none for the hall's own administrator, leaders and supervisors.
    pub department: Option<String>,
}

impl UserView {
    pub fn of(u: &store::User) -> UserView {
        UserView {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.code().into(),
            role_label: u.role.label().into(),
            department: u.department.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer TOKEN`.
    token: String,
    expires_at: String,
    user: UserView,
}

/// Signs in; answers a bearer token (the browser signs in through `/login`,
/// which sets the session cookie).
#[utoipa::path(post, path = "/api/auth/login", operation_id = "login", request_body = LoginRequest, tag = "账号",
    responses((status = 200, body = LoginResponse, description = "登录成功：令牌和账号"),
        (status = 401, description = "用户名或密码错误，或账号已停用")))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppJson(req): AppJson<LoginRequest>,
) -> ApiResult<Response> {
    let login = state
        .app
        .accounts
        .login(&req.username, &req.password, &client, TokenKind::Api)
        .await?;
    let body = LoginResponse {
        token: login.token.clone(),
        expires_at: login.expires_at.to_string(),
        user: UserView::of(&login.session.user),
    };
    Ok(Json(body).into_response())
}

/// Ends the session or revokes the token used.
#[utoipa::path(post, path = "/api/auth/logout", operation_id = "logout", tag = "账号",
    responses((status = 204, description = "已退出：令牌作废，会话 Cookie 清除")))]
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    state.app.accounts.logout(&user.session, &user.token).await?;
    Ok((
        [(SET_COOKIE, clear_session_cookie())],
        axum::http::StatusCode::NO_CONTENT,
    )
        .into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/me", operation_id = "current_user", tag = "账号",
    responses((status = 200, body = UserView, description = "当前登录的账号")))]
pub async fn me(user: CurrentUser) -> Json<UserView> {
    Json(UserView::of(&user.session.user))
}
