//! 评价器管理 (/admin/pads): pair a pad to a window (the one-time code is
//! shown once, on the answer to the form), revoke pads, and edit the staff
//! profiles the pads show (三亮: photo, name, 工号, 岗位职责).

use super::{CsrfForm, back, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, PageForm, render};
use app::pad::{format_code, pad_status};
use app::staff_profile::{PhotoChange, ProfileInput};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::Role;
use domain::permission::Permission;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/pads", get(page).post(create))
        .route("/admin/pads/{id}/revoke", post(revoke))
        .route(
            "/admin/pads/staff/{username}",
            post(save_profile).layer(axum::extract::DefaultBodyLimit::max(
                crate::security::UPLOAD_LIMIT,
            )),
        )
}

pub struct PadRow {
    id: String,
    window: String,
    layout: String,
    status: &'static str,
    created: String,
    paired: String,
    revoked: bool,
}

pub struct StaffRow {
    username: String,
    name: String,
    number: String,
    duties: String,
    photo: String,
}

/// A pairing just made: its code, shown once.
pub struct NewCode {
    window: String,
    code: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "manage/pads.html")]
struct PadsPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    created: Option<NewCode>,
    pads: Vec<PadRow>,
    windows: Vec<(String, String)>,
    staff: Vec<StaffRow>,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

async fn build(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    ok: Option<String>,
    error: Option<String>,
    created: Option<NewCode>,
) -> Response {
    let loaded = async {
        let now = state.app.now();
        let pads = state.app.pads.pads().await?;
        let windows = state.app.queue.windows().await?;
        let users = state.app.accounts.users().await?;
        let profiles = state.app.pads.staff_profiles().await?;
        Ok::<_, app::AppError>((now, pads, windows, users, profiles))
    }
    .await;
    let (now, pads, windows, users, profiles) = match loaded {
        Ok(v) => v,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let page = PadsPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        created,
        pads: pads
            .iter()
            .map(|p| PadRow {
                id: p.id.to_string(),
                window: p.window.clone(),
                layout: p.layout.clone(),
                status: pad_status(p, now),
                created: format!("{} {}", local(state, p.created_at), p.created_by),
                paired: p.paired_at.map(|t| local(state, t)).unwrap_or_default(),
                revoked: p.revoked,
            })
            .collect(),
        windows: windows.into_iter().map(|w| (w.number, w.name)).collect(),
        staff: users
            .into_iter()
            .filter(|u| u.role == Role::Staff && !u.disabled)
            .map(|u| {
                let p = profiles.iter().find(|p| p.username == u.username);
                StaffRow {
                    name: u.display_name,
                    number: p.map(|p| p.staff_number.clone()).unwrap_or_default(),
                    duties: p.map(|p| p.duties.clone()).unwrap_or_default(),
                    photo: p.and_then(app::staff_profile::photo_url).unwrap_or_default(),
                    username: u.username,
                }
            })
            .collect(),
    };
    (status, render(state, &page)).into_response()
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> Response {
    match guard(&state, user, Permission::PadManage, &uri) {
        Ok(user) => build(&state, &user, StatusCode::OK, n.ok, None, None).await,
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct CreateForm {
    csrf: String,
    window: String,
    layout: String,
}

async fn create(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<CreateForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::PadManage, &uri, &headers, &f.csrf)?;
    match state
        .app
        .pads
        .create_pad(&user.actor(), &f.window, &f.layout)
        .await
    {
        Ok(p) => {
            let created = NewCode {
                window: p.pad.window.clone(),
                code: format_code(&p.code),
                expires: local(&state, p.pad.code_expires_at),
            };
            // The code is shown on this answer only: no redirect that would put it in a URL.
            Ok(build(&state, &user, StatusCode::CREATED, None, None, Some(created)).await)
        }
        Err(e) => Ok(build(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(e.to_string()),
            None,
        )
        .await),
    }
}

async fn revoke(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::PadManage, &uri, &headers, &f.csrf)?;
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(
            PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "没有这个评价器").into_response(),
        );
    };
    match state.app.pads.revoke_pad(&user.actor(), id).await {
        Ok(()) => Ok(back("/admin/pads", "评价器已停用")),
        Err(e) => Ok(build(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(e.to_string()),
            None,
        )
        .await),
    }
}

/// 工号, duties and an optional photo upload (multipart).
async fn save_profile(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(username): Path<String>,
    mut form: Multipart,
) -> PageResult {
    let user = guard(&state, user, Permission::PadManage, &uri)?;
    let (mut csrf, mut number, mut duties, mut photo, mut remove) =
        (String::new(), String::new(), String::new(), None, false);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    let msg = "上传中断，请重试".to_owned();
                    return Ok(build(&state, &user, StatusCode::BAD_REQUEST, None, Some(msg), None).await);
                };
                let text = || String::from_utf8_lossy(&bytes).into_owned();
                match name.as_str() {
                    "csrf" => csrf = text(),
                    "staff_number" => number = text(),
                    "duties" => duties = text(),
                    "remove_photo" => remove = true,
                    "photo" if !bytes.is_empty() => photo = Some(bytes.to_vec()),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                let msg = "照片不能超过2MB，或表单无法读取".to_owned();
                return Ok(build(&state, &user, StatusCode::BAD_REQUEST, None, Some(msg), None).await);
            }
        }
    }
    if let Err(r) = super::check_form(&state, &user, &headers, &csrf) {
        return Ok(r);
    }
    // issue 16 part 5: the 三亮 service keeps the photo in its own table.
    let photo = match (photo, remove) {
        (_, true) => PhotoChange::Remove,
        (Some(bytes), false) => PhotoChange::Set(bytes),
        (None, false) => PhotoChange::Keep,
    };
    let input = ProfileInput {
        staff_number: Some(number),
        duties: Some(duties),
        ..ProfileInput::default()
    };
    match state
        .app
        .profiles
        .save_as(&user.actor(), &username, &input, photo)
        .await
    {
        Ok(_) => Ok(back("/admin/pads", &format!("已保存{username}的亮身份信息"))),
        Err(e) => Ok(build(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(e.to_string()),
            None,
        )
        .await),
    }
}
