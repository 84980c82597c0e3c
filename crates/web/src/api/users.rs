//! Accounts (账号管理), for administrators.

use super::auth::UserView;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, Caller};
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
#[utoipa::path(get, path = "/api/users", operation_id = "list_users", tag = "账号",
    responses((status = 200, body = UserList, description = "全部账号")))]
pub async fn list(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<UserList>> {
    let users = state
        .app
        .accounts
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
    /// 所属部门: a department's code or full name (required for a liaison).
    department: Option<String>,
    password: String,
}

/// Creates an account.
#[utoipa::path(post, path = "/api/users", operation_id = "add_user", request_body = NewUserRequest, tag = "账号",
    responses((status = 201, body = UserView, description = "新账号"), (status = 409, description = "用户名已存在"),
        (status = 422, description = "用户名、角色、部门或密码无效")))]
pub async fn add(
    Caller(state, user): Caller,
    AppJson(req): AppJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
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
        .accounts
        .add_user(
            &user.actor(),
            &req.username,
            &req.display_name,
            role,
            req.department.as_deref(),
            &req.password,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(UserView::of(&created))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditUserRequest {
    /// 所属部门: a code or full name; null or "" clears it (not for a liaison).
    department: Option<String>,
}

/// Changes an account's department (所属部门).
#[utoipa::path(put, path = "/api/users/{username}", operation_id = "set_user_department",
    params(("username" = String, Path, description = "用户名")),
    request_body = EditUserRequest, tag = "账号",
    responses((status = 200, body = UserView, description = "账号"),
        (status = 404, description = "账号不存在"),
        (status = 422, description = "部门不存在，或部门联络员未指定部门")))]
pub async fn edit(
    Caller(state, user): Caller,
    axum::extract::Path(username): axum::extract::Path<String>,
    AppJson(req): AppJson<EditUserRequest>,
) -> ApiResult<Json<UserView>> {
    let changed = state
        .app
        .accounts
        .set_user_department(&user.actor(), &username, req.department.as_deref())
        .await?;
    Ok(Json(UserView::of(&changed)))
}
