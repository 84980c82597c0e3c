//! 三亮 pages (issue 16 part 5): the administrator's list of staff profiles
//! with their edit forms (/admin/staff), the printable desk card (台签,
//! /admin/staff/{username}/card, A4 folded into a tent: both faces carry the
//! photo, name, 工号, post, duties, commitment and a QR code to the complaint
//! form with the window and the person filled in), and the person's own view
//! (/my/profile).

use super::{back, guard};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, render, urlencode};
use app::staff_profile::{PhotoChange, ProfileInput, ProfileView};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::permission::Permission;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/staff", get(page))
        .route(
            "/admin/staff/{username}",
            axum::routing::post(save).layer(axum::extract::DefaultBodyLimit::max(
                crate::security::UPLOAD_LIMIT,
            )),
        )
        .route("/admin/staff/{username}/card", get(card))
        .route("/my/profile", get(mine))
}

#[derive(Template)]
#[template(path = "manage/staff.html")]
struct StaffPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    profiles: Vec<ProfileView>,
}

#[derive(Deserialize, Default)]
struct Notice {
    ok: Option<String>,
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    ok: Option<String>,
    error: Option<String>,
) -> Response {
    let profiles = match state.app.profiles.profiles(&user.session).await {
        Ok(p) => p,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let page = StaffPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        profiles,
    };
    (status, render(state, &page)).into_response()
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::StaffProfileManage, &uri)?;
    Ok(show(&state, &user, StatusCode::OK, n.ok, None).await)
}

/// Saves one profile (multipart: the photo is a file).
async fn save(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(username): Path<String>,
    mut form: Multipart,
) -> PageResult {
    let user = guard(&state, user, Permission::StaffProfileManage, &uri)?;
    let mut csrf = String::new();
    let mut input = ProfileInput::default();
    let mut photo = None;
    let mut remove = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    let msg = "上传中断，请重试".to_owned();
                    return Ok(show(&state, &user, StatusCode::BAD_REQUEST, None, Some(msg)).await);
                };
                let text = || Some(String::from_utf8_lossy(&bytes).into_owned());
                match name.as_str() {
                    "csrf" => csrf = text().unwrap_or_default(),
                    "staff_number" => input.staff_number = text(),
                    "post" => input.post = text(),
                    "duties" => input.duties = text(),
                    "commitment" => input.commitment = text(),
                    "remove_photo" => remove = true,
                    "photo" if !bytes.is_empty() => photo = Some(bytes.to_vec()),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                let msg = "照片不能超过2MB，或表单无法读取".to_owned();
                return Ok(show(&state, &user, StatusCode::BAD_REQUEST, None, Some(msg)).await);
            }
        }
    }
    super::check_form(&state, &user, &headers, &csrf)?;
    let change = match (photo, remove) {
        (_, true) => PhotoChange::Remove,
        (Some(b), false) => PhotoChange::Set(b),
        (None, false) => PhotoChange::Keep,
    };
    match state
        .app
        .profiles
        .save(&user.session, &username, &input, change)
        .await
    {
        Ok(p) => Ok(back("/admin/staff", &format!("已保存{}的三亮信息", p.name))),
        Err(e @ app::AppError::NotFound(_)) => Err(PageError::from_app(&state, e).into_response()),
        Err(e) => Ok(show(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(e.to_string()),
        )
        .await),
    }
}

#[derive(Template)]
#[template(path = "manage/desk_card.html")]
struct DeskCard {
    hall_name: String,
    p: ProfileView,
    window: Option<String>,
    qr_svg: String,
    complaint_phone: String,
    back: &'static str,
    /// The upper (turned over) face, then the lower.
    faces: [bool; 2],
}

/// The desk card (台签) of one staff member: the administrator prints
/// anyone's, others only their own.
async fn card(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(username): Path<String>,
) -> PageResult {
    let user = guard(&state, user, Permission::StaffProfileOwn, &uri)?;
    let p = state
        .app
        .profiles
        .profile(&user.session, &username)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let window = p.windows.first().cloned();
    let mut url = format!(
        "{}/complaint?staff={}",
        crate::floor::public_base(&state, &headers),
        urlencode(&p.username)
    );
    if let Some(w) = &window {
        url.push_str(&format!("&window={}", urlencode(w)));
    }
    let qr_svg = QrCode::new(url.as_bytes())
        .map(|code| {
            code.render::<svg::Color>()
                .min_dimensions(160, 160)
                .quiet_zone(false)
                .build()
        })
        .unwrap_or_default();
    let back = if user.session.user.role.can(Permission::StaffProfileManage) {
        "/admin/staff"
    } else {
        "/my/profile"
    };
    Ok(render(
        &state,
        &DeskCard {
            hall_name: state.app.settings.hall.name.clone(),
            p,
            window,
            qr_svg,
            complaint_phone: state.app.settings.hall.complaint_phone.clone(),
            back,
            faces: [true, false],
        },
    ))
}

#[derive(Template)]
#[template(path = "manage/my_profile.html")]
struct MyProfile {
    chrome: Chrome,
    p: ProfileView,
}

/// The signed-in person's own 三亮.
async fn mine(State(state): State<AppState>, user: Option<CurrentUser>, uri: Uri) -> PageResult {
    let user = guard(&state, user, Permission::StaffProfileOwn, &uri)?;
    let p = state
        .app
        .profiles
        .profile(&user.session, &user.session.user.username)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    Ok(render(
        &state,
        &MyProfile {
            chrome: Chrome::new(&state, Some(&user), "admin"),
            p,
        },
    ))
}
