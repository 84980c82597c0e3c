//! The service catalog (事项清单): public reads, admin import, export and versions.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, Caller};
use app::catalog::{CatalogFile, ExportFormat, ExportPart, ItemQuery};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use domain::catalog::{Bundle, Department, Item};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ItemsQuery {
    /// Words in everyday Chinese (开饭店), a name or a code.
    q: Option<String>,
    /// Department name or code.
    department: Option<String>,
    /// 事项类型 (行政许可…) or 办件类型 (即办件/承诺件).
    kind: Option<String>,
    /// From 1 (a whole number; empty is the same as absent).
    #[param(pattern = "^[0-9]*$")]
    page: Option<String>,
    /// Items a page, 1–1000 (default 20; empty is the same as absent).
    #[param(pattern = "^[0-9]*$")]
    per_page: Option<String>,
}

fn number(field: &str, raw: &Option<String>) -> ApiResult<Option<usize>> {
    match raw.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        // Digits only, as the document says (no spaces or signs); at most
        // u32::MAX: no catalog has more pages or items a page.
        Some(s) => Some(s)
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<u32>().ok())
            .map(|n| Some(n as usize))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    format!("{field}：“{s}”应为正整数"),
                )
                .field(field)
            }),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ItemList {
    #[schema(value_type = Vec<super::schemas::Item>)]
    items: Vec<Item>,
    total: usize,
    page: usize,
    per_page: usize,
}

/// Published items, searched and filtered (public).
#[utoipa::path(get, path = "/api/items", operation_id = "list_items", params(ItemsQuery), tag = "事项清单",
    responses((status = 200, body = ItemList, description = "一页已发布事项")))]
pub async fn list_items(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<ItemsQuery>,
) -> ApiResult<Json<ItemList>> {
    let page = state
        .app
        .find_items(&ItemQuery {
            page: number("page", &q.page)?,
            per_page: number("per_page", &q.per_page)?,
            q: q.q,
            department: q.department,
            kind: q.kind,
        })
        .await?;
    Ok(Json(ItemList {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// One published item with every catalog field (public).
#[utoipa::path(get, path = "/api/items/{code}", operation_id = "get_item",
    params(("code" = String, Path, description = "事项编码")), tag = "事项清单",
    responses((status = 200, body = super::schemas::Item, description = "事项"),
        (status = 404, description = "已发布清单中没有这个事项")))]
pub async fn get_item(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let item = state.app.item_guide(&code).await?;
    let files = state.app.item_attachments(&code).await?;
    let mut body = serde_json::to_value(&item).map_err(app::AppError::internal)?;
    if let Some(fields) = body.as_object_mut() {
        let list: Vec<serde_json::Value> = files
            .iter()
            .map(|f| {
                serde_json::json!({
                    "id": f.id,
                    "kind": f.kind.code(),
                    "kind_label": f.kind.label(),
                    "name": f.name,
                    "content_type": f.content_type,
                    "size": f.size,
                    "sha256": f.sha256,
                    "url": format!("/items/{}/files/{}", code, f.id),
                })
            })
            .collect();
        fields.insert("attachments".into(), serde_json::Value::Array(list));
    }
    // The guide's lists are always present, empty until the catalog gives them.
    if let Some(fields) = body.as_object_mut() {
        for list in ["legal_basis", "steps"] {
            fields.entry(list).or_insert_with(|| serde_json::json!([]));
        }
    }
    Ok(Json(body))
}

/// Adds or replaces an item; publishes a new catalog version (admin).
#[utoipa::path(put, path = "/api/items/{code}", operation_id = "save_item",
    params(("code" = String, Path, description = "事项编码（与正文中的 code 一致）")),
    request_body(content = super::schemas::Item, description = "完整的事项（code 可省略）"), tag = "事项清单",
    responses((status = 200, body = super::schemas::CatalogVersion, description = "新发布的清单版本"),
        (status = 422, description = "事项字段有误，error.problems 列出每一处")))]
pub async fn save_item(
    Caller(state, user): Caller,
    Path(code): Path<String>,
    AppJson(mut body): AppJson<serde_json::Value>,
) -> ApiResult<Json<store::CatalogVersion>> {
    // What `GET /api/items/{code}` adds is not the item's own: its files, and
    // the hall's defaults standing in for what the catalog leaves empty.
    if let Some(obj) = body.as_object_mut() {
        obj.remove("attachments");
        let hall = &state.app.settings.hall;
        let hours = state.app.settings.hours.summary();
        for (field, default) in [
            ("location", hall.address.as_str()),
            ("hours", hours.as_str()),
            ("phone", hall.phone.as_str()),
            ("complaint_phone", hall.complaint_phone.as_str()),
        ] {
            if obj.get(field).and_then(|v| v.as_str()) == Some(default) {
                obj.remove(field);
            }
        }
    }
    match body.as_object_mut() {
        Some(obj) => match obj.get("code").and_then(|c| c.as_str()) {
            Some(c) if c != code => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "code：正文中的编码与地址中的不一致",
                )
                .field("code"));
            }
            _ => {
                obj.insert("code".into(), serde_json::Value::String(code));
            }
        },
        None => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "请求正文应为一个事项对象",
            ));
        }
    }
    Ok(Json(state.app.save_item(&user.actor(), body).await?))
}

/// Removes an item; publishes a new catalog version (admin).
#[utoipa::path(delete, path = "/api/items/{code}", operation_id = "remove_item",
    params(("code" = String, Path, description = "事项编码")), tag = "事项清单",
    responses((status = 200, body = super::schemas::CatalogVersion, description = "新发布的清单版本"),
        (status = 404, description = "已发布清单中没有这个事项"),
        (status = 422, description = "事项仍被一件事或业务类别引用")))]
pub async fn remove_item(
    Caller(state, user): Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<store::CatalogVersion>> {
    Ok(Json(state.app.remove_item(&user.actor(), &code).await?))
}

#[derive(Serialize, ToSchema)]
pub struct BundleList {
    #[schema(value_type = Vec<super::schemas::Bundle>)]
    bundles: Vec<Bundle>,
    total: usize,
}

/// "One thing, one visit" bundles (一件事), public.
#[utoipa::path(get, path = "/api/bundles", operation_id = "list_bundles", tag = "事项清单",
    responses((status = 200, body = BundleList, description = "全部一件事")))]
pub async fn list_bundles(State(state): State<AppState>) -> ApiResult<Json<BundleList>> {
    let bundles = state.app.published().await?.bundles.clone();
    Ok(Json(BundleList {
        total: bundles.len(),
        bundles,
    }))
}

/// One bundle (public).
#[utoipa::path(get, path = "/api/bundles/{code}", operation_id = "get_bundle",
    params(("code" = String, Path, description = "一件事编码")), tag = "事项清单",
    responses((status = 200, body = super::schemas::Bundle, description = "一件事"),
        (status = 404, description = "没有这个一件事")))]
pub async fn get_bundle(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Json<Bundle>> {
    Ok(Json(state.app.bundle(&code).await?))
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentList {
    #[schema(value_type = Vec<super::schemas::Department>)]
    departments: Vec<Department>,
}

/// Departments registered in the hall (public).
#[utoipa::path(get, path = "/api/departments", operation_id = "list_departments", tag = "事项清单",
    responses((status = 200, body = DepartmentList, description = "全部部门")))]
pub async fn list_departments(State(state): State<AppState>) -> ApiResult<Json<DepartmentList>> {
    Ok(Json(DepartmentList {
        departments: state.app.departments().await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    code: String,
    name: String,
}

/// Registers a department (admin).
#[utoipa::path(post, path = "/api/departments", operation_id = "add_department", request_body = NewDepartment,
    tag = "事项清单",
    responses((status = 201, body = super::schemas::Department, description = "已登记的部门"),
        (status = 409, description = "编码或名称已存在")))]
pub async fn add_department(
    Caller(state, user): Caller,
    AppJson(req): AppJson<NewDepartment>,
) -> ApiResult<(StatusCode, Json<Department>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .app
                .add_department(&user.actor(), &req.code, &req.name)
                .await?,
        ),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// File name, to tell JSON from XLSX and for the version note.
    filename: Option<String>,
    /// `false` keeps the new version as a draft.
    publish: Option<bool>,
}

/// Imports a catalog file (JSON items, JSON bundles, `{items, bundles}` or XLSX) as a new version (admin).
/// Every problem is reported at once; a file with any problem changes nothing.
#[utoipa::path(post, path = "/api/catalog/import", operation_id = "import_catalog", params(ImportQuery),
    request_body(content = super::schemas::Binary, content_type = "application/octet-stream", description = "JSON 或 XLSX 文件"),
    tag = "事项清单",
    responses((status = 201, body = super::schemas::ImportReport, description = "新版本及增删改的事项"),
        (status = 422, description = "文件有问题，error.problems 列出每一处，未做任何更改")))]
pub async fn import(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<ImportQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<app::catalog::ImportReport>)> {
    let name = q.filename.unwrap_or_else(|| "upload.json".into());
    let file = CatalogFile::new(&name, body.to_vec());
    let report = state
        .app
        .import_catalog(&user.actor(), &[file], q.publish.unwrap_or(true))
        .await?;
    Ok((StatusCode::CREATED, Json(report)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// json (default) or xlsx.
    format: Option<String>,
    /// items (default, catalog.json format) or bundles (bundles.json format); JSON only.
    part: Option<String>,
    /// A version id (drafts and old versions: administrators only); default the published one.
    version: Option<i64>,
}

/// Exports the catalog. The published catalog is public (it is the 五公开
/// list); a `version` (a draft or an old version) needs an administrator.
#[utoipa::path(get, path = "/api/catalog/export", operation_id = "export_catalog", params(ExportQuery), tag = "事项清单",
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, description = "事项清单文件（catalog.json、bundles.json 格式或 XLSX）",
            content((Vec<super::schemas::Item> = "application/json"),
                (super::schemas::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "指定 version 须登录"),
        (status = 403, description = "指定 version 须管理员"),
        (status = 404, description = "没有这个版本，或尚无已发布的清单")))]
pub async fn export(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    AppQuery(q): AppQuery<ExportQuery>,
) -> ApiResult<Response> {
    let format = match q.format.as_deref().unwrap_or("json") {
        "json" => ExportFormat::Json,
        "xlsx" => ExportFormat::Xlsx,
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("format：“{other}”应为 json 或 xlsx"),
            )
            .field("format"));
        }
    };
    let part = match q.part.as_deref().unwrap_or("items") {
        "items" => ExportPart::Items,
        "bundles" => ExportPart::Bundles,
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("part：“{other}”应为 items 或 bundles"),
            )
            .field("part"));
        }
    };
    // Drafts and old versions are for administrators only.
    if q.version.is_some() {
        user.as_ref()
            .ok_or_else(ApiError::unauthorized)?
            .require(domain::permission::Permission::CatalogManage)?;
    }
    let bytes = state.app.export_catalog(format, part, q.version).await?;
    let (mime, name) = match (format, part) {
        (ExportFormat::Xlsx, _) => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "catalog.xlsx",
        ),
        (ExportFormat::Json, ExportPart::Items) => ("application/json; charset=utf-8", "catalog.json"),
        (ExportFormat::Json, ExportPart::Bundles) => ("application/json; charset=utf-8", "bundles.json"),
    };
    Ok((
        [
            (CONTENT_TYPE, mime.to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct VersionList {
    #[schema(value_type = Vec<super::schemas::CatalogVersion>)]
    versions: Vec<store::CatalogVersion>,
    published: Option<i64>,
}

/// Catalog version history, newest first (admin).
#[utoipa::path(get, path = "/api/catalog/versions", operation_id = "list_catalog_versions", tag = "事项清单",
    responses((status = 200, body = VersionList, description = "版本历史，最新在前")))]
pub async fn versions(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<VersionList>> {
    Ok(Json(VersionList {
        versions: state.app.catalog_versions().await?,
        published: state
            .app
            .store
            .published_version_id()
            .await
            .map_err(app::AppError::from)?,
    }))
}

/// Publishes a version: the public sees it from now on (admin).
#[utoipa::path(post, path = "/api/catalog/versions/{id}/publish", operation_id = "publish_catalog_version",
    params(("id" = i64, Path, description = "版本号")), tag = "事项清单",
    responses((status = 204, description = "已发布"), (status = 404, description = "没有这个版本")))]
pub async fn publish(Caller(state, user): Caller, Path(id): Path<i64>) -> ApiResult<StatusCode> {
    state.app.publish_catalog_version(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
