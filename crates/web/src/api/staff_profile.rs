//! 三亮 (issue 16 part 5): staff profiles — 工号, 岗位, 职责, 服务承诺 and a
//! photo typed by its bytes —, each staff member's photo (public, as the desk
//! card and the window's page show it) and a window's public page.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, Caller};
use app::staff_profile::{PhotoChange, ProfileInput, ProfileView, PublicWindow};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The PUT's body may carry a 2 MB photo as base64.
pub const PROFILE_BODY_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Serialize, ToSchema)]
pub struct ProfileList {
    /// username, name, staff_number, post, duties, commitment, photo_url, windows, updated_at.
    #[schema(value_type = Vec<Object>)]
    profiles: Vec<ProfileView>,
}

/// Every window staff member's 三亮 (and anyone else's who has one), by username.
#[utoipa::path(get, path = "/api/staff-profiles", operation_id = "list_staff_profiles", tag = "三亮",
    responses((status = 200, body = ProfileList, description = "工作人员三亮信息（照片为地址）")))]
pub async fn list(Caller(state, user): Caller) -> ApiResult<Json<ProfileList>> {
    Ok(Json(ProfileList {
        profiles: state.app.profiles.profiles(&user.session).await?,
    }))
}

/// One staff member's 三亮: the administrator sees anyone's, others only their own (else 403).
#[utoipa::path(get, path = "/api/staff-profiles/{username}", operation_id = "get_staff_profile",
    params(("username" = String, Path, description = "工作人员用户名")), tag = "三亮",
    responses((status = 200, body = Object, description = "{username, name, staff_number, post, duties, commitment, photo_url, windows, updated_at}"),
        (status = 403, description = "只能查看本人的三亮信息"),
        (status = 404, description = "没有这个账号")))]
pub async fn get(Caller(state, user): Caller, Path(username): Path<String>) -> ApiResult<Json<ProfileView>> {
    Ok(Json(state.app.profiles.profile(&user.session, &username).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// 工号 (at most 20 characters); absent keeps it.
    staff_number: Option<String>,
    /// 岗位 (at most 40 characters); absent keeps it.
    post: Option<String>,
    /// 岗位职责 (at most 300 characters); absent keeps it.
    duties: Option<String>,
    /// 服务承诺 (at most 300 characters); absent keeps it.
    commitment: Option<String>,
    /// A JPEG, PNG or WebP photo of at most 2 MB as a data URL
    /// (data:image/jpeg;base64,…) or plain base64, its type read from its
    /// bytes; "" removes the photo, absent keeps it.
    photo: Option<String>,
}

/// Saves a staff member's 三亮 (administrator).
#[utoipa::path(put, path = "/api/staff-profiles/{username}", operation_id = "save_staff_profile",
    params(("username" = String, Path, description = "工作人员用户名")), request_body = ProfileBody, tag = "三亮",
    responses((status = 200, body = Object, description = "保存后的三亮信息"),
        (status = 404, description = "没有这个账号"),
        (status = 413, description = "请求正文过大（含照片不超过4MB）"),
        (status = 422, description = "工号、岗位、职责、承诺过长，或照片不是JPEG、PNG、WebP或超过2MB")))]
pub async fn save(
    Caller(state, user): Caller,
    Path(username): Path<String>,
    AppJson(b): AppJson<ProfileBody>,
) -> ApiResult<Json<ProfileView>> {
    let photo = match b.photo.as_deref().map(str::trim) {
        None => PhotoChange::Keep,
        Some("") => PhotoChange::Remove,
        Some(raw) => PhotoChange::Set(app::photo::photo_bytes(raw, true).map_err(|e| {
            let why = match e {
                app::photo::PhotoTextError::NotDataUrl => "照片应为 base64 编码的 data URL",
                app::photo::PhotoTextError::BadBase64 => "照片的 base64 编码有误",
            };
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", why).field("photo")
        })?),
    };
    let input = ProfileInput {
        staff_number: b.staff_number,
        post: b.post,
        duties: b.duties,
        commitment: b.commitment,
    };
    Ok(Json(
        state
            .app
            .profiles
            .save(&user.session, &username, &input, photo)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// The profile's version (any text; only makes a new photo's address new).
    #[allow(dead_code)]
    v: Option<String>,
}

/// A staff member's 三亮 photo (public: shown on desk cards and window pages).
#[utoipa::path(get, path = "/api/staff-profiles/{username}/photo", operation_id = "get_staff_photo",
    params(("username" = String, Path, description = "工作人员用户名"), PhotoQuery), tag = "三亮",
    responses((status = 200, description = "照片",
            content((super::schemas::Binary = "image/jpeg"), (super::schemas::Binary = "image/png"),
                (super::schemas::Binary = "image/webp"))),
        (status = 404, description = "没有这张照片")))]
pub async fn photo(
    State(state): State<AppState>,
    Path(username): Path<String>,
    AppQuery(_q): AppQuery<PhotoQuery>,
) -> ApiResult<Response> {
    let (content_type, body) = state.app.profiles.photo(&username).await?;
    Ok((
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=300".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// A window's public page as data: its name, what it handles and the staff
/// who sit there with their 三亮 (nothing private).
#[utoipa::path(get, path = "/api/windows/{number}/public", operation_id = "get_public_window",
    params(("number" = String, Path, description = "窗口号")), tag = "三亮",
    responses((status = 200, body = Object, description = "{number, name, temporary, services: [{category, items}], staff: [{username, name, staff_number, post, duties, commitment, photo_url}]}"),
        (status = 404, description = "没有这个窗口")))]
pub async fn public_window(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> ApiResult<Json<PublicWindow>> {
    Ok(Json(state.app.profiles.public_window(&number).await?))
}
