//! 事项目录管理: import (JSON/XLSX), export, versions, departments.

use super::{CsrfForm, back, check_form, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageForm, render};
use app::AppError;
use app::catalog::{CatalogFile, ImportReport};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::catalog::{CatalogProblem, Department};
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/catalog", get(page))
        .route(
            "/admin/catalog/import",
            post(import).layer(axum::extract::DefaultBodyLimit::max(
                crate::security::IMPORT_LIMIT,
            )),
        )
        .route("/admin/catalog/versions/{id}/publish", post(publish))
        .route("/admin/catalog/departments", post(add_department))
}

pub struct VersionRow {
    id: i64,
    at: String,
    by: String,
    source: String,
    note: String,
    items: i64,
    bundles: i64,
    published: bool,
}

#[derive(Template)]
#[template(path = "manage/catalog.html")]
struct CatalogPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    report: Option<ImportReport>,
    problems: Vec<CatalogProblem>,
    departments: Vec<Department>,
    versions: Vec<VersionRow>,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

async fn build(
    state: &AppState,
    user: &CurrentUser,
    ok: Option<String>,
    error: Option<String>,
    report: Option<ImportReport>,
    problems: Vec<CatalogProblem>,
) -> Result<CatalogPage, AppError> {
    let published = state.app.store.published_version_id().await?;
    let versions = state
        .app
        .catalog_versions()
        .await?
        .into_iter()
        .map(|v| VersionRow {
            published: Some(v.id) == published,
            id: v.id,
            at: local(state, v.created_at),
            by: v.created_by,
            source: v.source,
            note: v.note,
            items: v.item_count,
            bundles: v.bundle_count,
        })
        .collect();
    Ok(CatalogPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        report,
        problems,
        departments: state.app.departments().await?,
        versions,
    })
}

async fn show(state: &AppState, user: &CurrentUser, status: StatusCode, parts: CatalogParts) -> Response {
    match build(state, user, parts.ok, parts.error, parts.report, parts.problems).await {
        Ok(page) => (status, render(state, &page)).into_response(),
        Err(e) => crate::pages::PageError::from_app(state, e).into_response(),
    }
}

#[derive(Default)]
struct CatalogParts {
    ok: Option<String>,
    error: Option<String>,
    report: Option<ImportReport>,
    problems: Vec<CatalogProblem>,
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> Response {
    match guard(&state, user, Permission::CatalogManage, &uri) {
        Ok(user) => {
            show(
                &state,
                &user,
                StatusCode::OK,
                CatalogParts {
                    ok: n.ok,
                    ..Default::default()
                },
            )
            .await
        }
        Err(r) => r,
    }
}

async fn import(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    let user = guard(&state, user, Permission::CatalogManage, &uri)?;
    let mut csrf = String::new();
    let mut draft = false;
    let mut files = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().map(str::to_owned);
                let Ok(bytes) = field.bytes().await else {
                    return Ok(show(
                        &state,
                        &user,
                        StatusCode::BAD_REQUEST,
                        error_parts("上传中断，请重试"),
                    )
                    .await);
                };
                match (name.as_str(), file_name) {
                    ("csrf", _) => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                    ("draft", _) => draft = true,
                    ("files", Some(f)) if !bytes.is_empty() => {
                        files.push(CatalogFile::new(&f, bytes.to_vec()))
                    }
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                return Ok(show(
                    &state,
                    &user,
                    StatusCode::BAD_REQUEST,
                    error_parts("上传的表单无法读取"),
                )
                .await);
            }
        }
    }
    if let Err(r) = check_form(&state, &user, &headers, &csrf) {
        return Ok(r);
    }
    if files.is_empty() {
        return Ok(show(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            error_parts("请选择要导入的文件"),
        )
        .await);
    }
    match state.app.import_catalog(&user.actor(), &files, !draft).await {
        Ok(report) => {
            let parts = CatalogParts {
                report: Some(report),
                ..Default::default()
            };
            Ok(show(&state, &user, StatusCode::OK, parts).await)
        }
        Err(AppError::CatalogInvalid(problems)) => {
            let parts = CatalogParts {
                error: Some(format!(
                    "文件有{}处问题，未做任何更改。请修改后重新导入：",
                    problems.len()
                )),
                problems,
                ..Default::default()
            };
            Ok(show(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, parts).await)
        }
        Err(e) => Ok(show(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            error_parts(&e.to_string()),
        )
        .await),
    }
}

fn error_parts(message: &str) -> CatalogParts {
    CatalogParts {
        error: Some(message.to_owned()),
        ..Default::default()
    }
}

async fn publish(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::CatalogManage, &uri, &headers, &f.csrf)?;
    match state.app.publish_catalog_version(&user.actor(), id).await {
        Ok(()) => Ok(back("/admin/catalog", &format!("版本{id}已发布"))),
        Err(e) => Ok(show(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            error_parts(&e.to_string()),
        )
        .await),
    }
}

#[derive(Deserialize)]
struct DepartmentForm {
    csrf: String,
    code: String,
    name: String,
}

async fn add_department(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<DepartmentForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::CatalogManage, &uri, &headers, &f.csrf)?;
    match state.app.add_department(&user.actor(), &f.code, &f.name).await {
        Ok(d) => Ok(back("/admin/catalog", &format!("已登记部门 {}", d.name))),
        Err(e) => Ok(show(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            error_parts(&e.to_string()),
        )
        .await),
    }
}
