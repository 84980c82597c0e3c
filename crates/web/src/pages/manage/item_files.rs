//! A guide's blank forms and samples (办事指南附件): the catalog manager
//! uploads and removes them; citizens download them from the guide.

use super::{back, check_form, guard};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageResult, render};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::catalog::AttachmentKind;
use domain::permission::Permission;
use serde::Deserialize;
use store::ItemAttachment;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/catalog/items/{code}/files",
            get(page).post(upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::security::UPLOAD_LIMIT,
            )),
        )
        .route("/admin/catalog/items/{code}/files/{id}/remove", post(remove))
        .route("/items/{code}/files/{id}", get(download))
}

#[derive(Deserialize, Default)]
struct Notice {
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "manage/item_files.html")]
struct FilesPage {
    chrome: Chrome,
    ok: Option<String>,
    error: Option<String>,
    csrf: String,
    code: String,
    item_name: String,
    files: Vec<ItemAttachment>,
    kinds: [AttachmentKind; 2],
}

async fn build(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    ok: Option<String>,
    error: Option<String>,
) -> PageResult {
    let item = state
        .app
        .item(code)
        .await
        .map_err(|e| PageError::from_app(state, e).into_response())?;
    let files = state
        .app
        .item_attachments(code)
        .await
        .map_err(|e| PageError::from_app(state, e).into_response())?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FilesPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        ok,
        error,
        csrf: user.session.csrf.clone(),
        code: item.code,
        item_name: item.name,
        files,
        kinds: AttachmentKind::ALL,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(code): Path<String>,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::CatalogManage, &uri)?;
    build(&state, &user, &code, n.ok, None).await
}

async fn upload(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(code): Path<String>,
    mut form: Multipart,
) -> PageResult {
    let user = guard(&state, user, Permission::CatalogManage, &uri)?;
    let (mut csrf, mut kind, mut file) = (String::new(), String::new(), None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return build(&state, &user, &code, None, Some("上传中断，请重试".into())).await;
                };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                    "kind" => kind = String::from_utf8_lossy(&bytes).into_owned(),
                    "file" => file = Some((file_name, bytes.to_vec())),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                return build(
                    &state,
                    &user,
                    &code,
                    None,
                    Some("文件不能超过5MB，或表单无法读取".into()),
                )
                .await;
            }
        }
    }
    if let Err(r) = check_form(&state, &user, &headers, &csrf) {
        return Ok(r);
    }
    let Some(kind) = AttachmentKind::parse(&kind) else {
        return build(
            &state,
            &user,
            &code,
            None,
            Some("请选择附件类别（空白表格或示范文本）".into()),
        )
        .await;
    };
    let Some((name, bytes)) = file else {
        return build(&state, &user, &code, None, Some("请选择要上传的文件".into())).await;
    };
    match state
        .app
        .add_item_attachment(&user.actor(), &code, kind, &name, &bytes)
        .await
    {
        Ok(a) => Ok(back(
            &format!("/admin/catalog/items/{code}/files"),
            &format!("已上传{}", a.name),
        )),
        Err(app::AppError::Invalid { message, .. }) => build(&state, &user, &code, None, Some(message)).await,
        Err(e) => Err(PageError::from_app(&state, e).into_response()),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn remove(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, id)): Path<(String, String)>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> PageResult {
    let user = guard(&state, user, Permission::CatalogManage, &uri)?;
    if let Err(r) = check_form(&state, &user, &headers, &f.csrf) {
        return Ok(r);
    }
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return Err(
            PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "没有这个附件").into_response(),
        );
    };
    match state.app.remove_item_attachment(&user.actor(), id).await {
        Ok(a) => Ok(back(
            &format!("/admin/catalog/items/{code}/files"),
            &format!("已删除{}", a.name),
        )),
        Err(e) => Err(PageError::from_app(&state, e).into_response()),
    }
}

/// A guide's file (public): PDF or DOCX, named as uploaded.
async fn download(State(state): State<AppState>, Path((code, id)): Path<(String, String)>) -> Response {
    let not_found =
        || PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "没有这个附件").into_response();
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return not_found();
    };
    match state.app.attachment_file(id).await {
        Ok((a, body)) if a.item_code == code => {
            let encoded: String = a
                .name
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            (
                [
                    (header::CONTENT_TYPE, a.content_type.clone()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"form\"; filename*=UTF-8''{encoded}"),
                    ),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
                ],
                body,
            )
                .into_response()
        }
        Ok(_) | Err(app::AppError::NotFound(_)) => not_found(),
        Err(e) => PageError::from_app(&state, e).into_response(),
    }
}
