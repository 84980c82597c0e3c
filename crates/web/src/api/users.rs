//! Accounts (账号管理), for administrators.

use super::auth::UserView;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::AppJson;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UserList {
    users: Vec<UserRow>,
}

#[derive(Serialize, ToSchema)]
pub struct UserRow {
    #[serde(flatten)]
    user: UserView,
    disabled: bool,
    created_at: String,
}

/// Every account.
#[utoipa::path(get, path = "/api/users", tag = "账号", security(("bearer" = [])),
    responses((status = 200, body = UserList), (status = 401), (status = 403)))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<UserList>> {
    user.require(&[Role::Admin])?;
    let users = state
        .app
        .users()
        .await?
        .iter()
        .map(|u| UserRow {
            user: UserView::of(u),
            disabled: u.disabled,
            created_at: u.created_at.to_string(),
        })
        .collect();
    Ok(Json(UserList { users }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    username: String,
    #[serde(default)]
    display_name: String,
    /// admin, staff, supervisor, leader or liaison.
    role: String,
    password: String,
}

/// Creates an account.
#[utoipa::path(post, path = "/api/users", request_body = NewUserRequest, tag = "账号", security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 409, description = "用户名已存在"), (status = 422)))]
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(req): AppJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    user.require(&[Role::Admin])?;
    let role = Role::parse(&req.role).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "role：角色应为 admin、staff、supervisor、leader 或 liaison",
        )
        .field("role")
    })?;
    let created = state
        .app
        .add_user(
            &user.actor(),
            &req.username,
            &req.display_name,
            role,
            &req.password,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(UserView::of(&created))))
}
