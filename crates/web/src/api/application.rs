//! 网上申报 over HTTP (issue 17 part 2): the public submission with uploads
//! (multipart), public progress and 补正 by query code, and the staff's
//! pre-review queue, detail, files and decision.

use crate::AppState;
use crate::auth::ClientAddr;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, Caller};
use app::application::{
    ApplicantIn, ApplicationDetail, ApplicationProgress, MaterialSupply, QueueEntry, Review, Reviewed,
    Submission, Submitted, Upload,
};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The route's body limit: the settings allow at most 60 MB of files.
pub const APPLICATION_BODY_LIMIT: usize = crate::security::IMPORT_LIMIT;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantJson {
    name: String,
    /// 身份证号 (a person) …
    #[serde(default)]
    id_number: Option<String>,
    /// … or 统一社会信用代码 (a company).
    #[serde(default)]
    uscc: Option<String>,
    #[serde(default)]
    phone: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialJson {
    name: String,
    /// The multipart part holding the file …
    #[serde(default)]
    file: Option<String>,
    /// … or `commitment` (告知承诺) / `shared` (数据共享).
    #[serde(default)]
    status: Option<String>,
}

/// The `application` part.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationJson {
    item: String,
    applicant: ApplicantJson,
    #[serde(default)]
    materials: Vec<MaterialJson>,
    /// `pickup` (窗口自取, default) or `post` (邮寄, with `address`).
    #[serde(default)]
    delivery: Option<String>,
    #[serde(default)]
    address: Option<String>,
}

/// The `supplement` part.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementJson {
    query_code: String,
    materials: Vec<MaterialJson>,
}

/// A multipart body: the JSON part named `json_part` and the file parts by name.
struct Parts {
    json: Option<String>,
    files: HashMap<String, Upload>,
}

fn multipart_error(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message).field("materials")
}

async fn read_parts(mut form: Multipart, json_part: &str, total_limit: u64) -> Result<Parts, ApiError> {
    let mut out = Parts {
        json: None,
        files: HashMap::new(),
    };
    let mut total: u64 = 0;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large(total_limit));
            }
            Err(e) => return Err(multipart_error(format!("上传内容无法读取：{}", e.body_text()))),
        };
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().unwrap_or("").to_owned();
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len() as u64;
                    // Multipart headers and the JSON part get 1 MB of slack.
                    if total > total_limit + 1024 * 1024 {
                        return Err(too_large(total_limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(total_limit)),
                Err(e) => return Err(multipart_error(format!("上传内容无法读取：{}", e.body_text()))),
            }
        }
        if name == json_part {
            out.json = Some(String::from_utf8(bytes).map_err(|_| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "申报内容不是有效的UTF-8文本",
                )
                .field(json_part.to_owned())
            })?);
        } else if !name.is_empty() {
            out.files.insert(name, Upload { file_name, bytes });
        }
    }
    Ok(out)
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("上传的文件合计不能超过{}MB", limit / (1024 * 1024)),
    )
}

fn parse_json<T: serde::de::DeserializeOwned>(
    raw: Option<String>,
    part: &'static str,
) -> Result<T, ApiError> {
    let raw = raw.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("缺少名为 {part} 的表单部分（JSON）"),
        )
        .field(part)
    })?;
    serde_json::from_str(&raw).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("{part} 部分的 JSON 无效：{e}"),
        )
        .field(part)
    })
}

fn supplies(
    materials: Vec<MaterialJson>,
    files: &mut HashMap<String, Upload>,
) -> Result<Vec<MaterialSupply>, ApiError> {
    materials
        .into_iter()
        .map(|m| {
            let file = match m.file.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
                None => None,
                Some(part) => Some(files.remove(part).ok_or_else(|| {
                    multipart_error(format!("材料“{}”的文件（表单部分 {part}）未上传", m.name.trim()))
                })?),
            };
            Ok(MaterialSupply {
                name: m.name,
                file,
                status: m.status.filter(|s| !s.trim().is_empty()),
            })
        })
        .collect()
}

fn total_limit(state: &AppState) -> u64 {
    u64::from(state.app.settings.cases.upload_total_mb) * 1024 * 1024
}

/// 网上申报: a part `application` (JSON) and one file part per material.
#[utoipa::path(post, path = "/api/applications", operation_id = "submit_application", tag = "网上申报",
    request_body(content = String, content_type = "multipart/form-data",
        description = "表单部分 application：{\"item\",\"applicant\":{\"name\",\"id_number\"|\"uscc\",\"phone\"},\"materials\":[{\"name\",\"file\":\"PART\"}|{\"name\",\"status\":\"commitment\"|\"shared\"}],\"delivery\":\"pickup\"|\"post\",\"address\"}；每个 PART 一个文件部分（PDF、JPG、PNG，按内容识别）"),
    responses((status = 201, body = Object, description = "{\"id\",\"number\",\"status\":\"submitted\",\"query_code\",\"item\",\"review_due\"}"),
        (status = 413, description = "上传文件合计超过上限"),
        (status = 429, description = "同一地址提交过于频繁"),
        (status = 422, description = "事项不能网上申报、申请人信息、送达方式或材料无效（error.field 为 item、name、id_number、uscc、phone、delivery、address 或 materials，message 指出哪一份材料）；未存储任何内容")))]
pub async fn submit(
    State(state): State<AppState>,
    form: Multipart,
) -> ApiResult<(StatusCode, Json<Submitted>)> {
    let mut parts = read_parts(form, "application", total_limit(&state)).await?;
    let body: ApplicationJson = parse_json(parts.json.take(), "application")?;
    let materials = supplies(body.materials, &mut parts.files)?;
    let submission = Submission {
        item: body.item,
        applicant: ApplicantIn {
            name: body.applicant.name,
            id_number: body.applicant.id_number,
            uscc: body.applicant.uscc,
            phone: body.applicant.phone,
        },
        delivery: body.delivery,
        address: body.address,
        materials,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.app.applications.submit(&submission).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationProgressQuery {
    /// 申报编号.
    number: Option<String>,
    /// 查询码.
    code: Option<String>,
}

/// Public progress of an application by number and query code (throttled).
#[utoipa::path(get, path = "/api/applications/progress", operation_id = "application_progress", params(ApplicationProgressQuery), tag = "网上申报",
    responses((status = 200, body = Object, description = "状态、一次性告知（补正材料）、材料、环节；受理后含办件编号和进度链接；申请人已遮蔽"),
        (status = 404, description = "编号与查询码不符"),
        (status = 429, description = "查询失败次数过多，请稍后再试（按地址和申报编号计）")))]
pub async fn progress(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppQuery(q): AppQuery<ApplicationProgressQuery>,
) -> ApiResult<Json<ApplicationProgress>> {
    Ok(Json(
        state
            .app
            .applications
            .progress(
                q.number.as_deref().unwrap_or(""),
                q.code.as_deref().unwrap_or(""),
                &client,
            )
            .await?,
    ))
}

fn id_of(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "申报不存在"))
}

/// 补正 on the same application: a part `supplement` (JSON with the query
/// code) and a file part per material named in the notice.
#[utoipa::path(post, path = "/api/applications/{id}/supplement", operation_id = "supplement_application",
    params(("id" = String, Path, description = "申报ID")), tag = "网上申报",
    request_body(content = String, content_type = "multipart/form-data",
        description = "表单部分 supplement：{\"query_code\",\"materials\":[{\"name\",\"file\":\"PART\"}|{\"name\",\"status\"}]}，只能是一次性告知中列出的材料"),
    responses((status = 200, body = Object, description = "补正后的申报进度（已补正，待预审）"),
        (status = 404, description = "申报不存在或查询码不符"),
        (status = 409, description = "申报不在待补正状态"),
        (status = 413, description = "上传文件合计超过上限"),
        (status = 422, description = "材料不在一次性告知中、缺少或文件无效（error.field 为 materials）"),
        (status = 429, description = "查询码错误次数过多，请稍后再试")))]
pub async fn supplement(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    form: Multipart,
) -> ApiResult<Json<ApplicationProgress>> {
    let id = id_of(&id)?;
    let mut parts = read_parts(form, "supplement", total_limit(&state)).await?;
    let body: SupplementJson = parse_json(parts.json.take(), "supplement")?;
    let materials = supplies(body.materials, &mut parts.files)?;
    Ok(Json(
        state
            .app
            .applications
            .supplement(id, &body.query_code, &materials, &client)
            .await?,
    ))
}

#[derive(Serialize)]
pub struct QueueList {
    items: Vec<QueueEntry>,
}

/// The pre-review queue (预审): what the caller may review, oldest first, with its due date.
#[utoipa::path(get, path = "/api/applications", operation_id = "application_queue", tag = "网上申报",
    responses((status = 200, body = Object, description = "{\"items\":[{\"id\",\"number\",\"item\",\"department\",\"applicant\"(遮蔽),\"status\",\"queued_at\",\"review_due\",\"overdue\"}]}")))]
pub async fn queue(Caller(state, user): Caller) -> ApiResult<Json<QueueList>> {
    Ok(Json(QueueList {
        items: state.app.applications.review_queue(&user.session).await?,
    }))
}

/// One application for its reviewer (audit-logged).
#[utoipa::path(get, path = "/api/applications/{id}", operation_id = "get_application",
    params(("id" = String, Path, description = "申报ID")), tag = "网上申报",
    responses((status = 200, body = Object, description = "申报、材料及文件、环节、送达方式，申请人的信用记录（credit_warnings）"),
        (status = 403, description = "不是本部门或本窗口所办事项"),
        (status = 404, description = "申报不存在")))]
pub async fn detail(
    Caller(state, user): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationDetail>> {
    let id = id_of(&id)?;
    Ok(Json(state.app.applications.detail(&user.session, id).await?))
}

/// An uploaded file, for the item's reviewers only (audit-logged).
#[utoipa::path(get, path = "/api/applications/{id}/files/{file}", operation_id = "application_file",
    params(("id" = String, Path, description = "申报ID"), ("file" = String, Path, description = "文件ID")), tag = "网上申报",
    responses((status = 200, content_type = "application/octet-stream", description = "文件（application/pdf、image/jpeg 或 image/png）"),
        (status = 403, description = "不是本部门或本窗口所办事项"),
        (status = 404, description = "申报或文件不存在")))]
pub async fn file(
    Caller(state, user): Caller,
    Path((id, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id = id_of(&id)?;
    let file = Uuid::parse_str(&file)
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "文件不存在"))?;
    let (meta, body) = state.app.applications.file(&user.session, id, file).await?;
    Ok(file_response(&meta, body))
}

/// A stored file with its own content type, shown inline, never cached.
pub fn file_response(meta: &store::application::ApplicationFile, body: Vec<u8>) -> Response {
    let ascii = format!(
        "material-{}.{}",
        meta.id.simple(),
        domain::application::extension(&meta.content_type)
    );
    let disposition = format!(
        "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent(&meta.file_name)
    );
    (
        [
            (header::CONTENT_TYPE, meta.content_type.clone()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

fn utf8_percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// true: 预审通过 → a case; false: 补正 with `missing` and `note`.
    accept: bool,
    #[serde(default)]
    missing: Vec<String>,
    #[serde(default)]
    note: String,
}

/// 预审: accept (a case, its deadline from today) or 补正 (one-time notice, SMS).
#[utoipa::path(post, path = "/api/applications/{id}/review", operation_id = "review_application",
    params(("id" = String, Path, description = "申报ID")), request_body = ReviewBody, tag = "网上申报",
    responses((status = 200, body = Object, description = "{\"id\",\"number\",\"status\",\"case_id\",\"case_number\",\"deadline\",\"notice_missing\"}"),
        (status = 403, description = "不是本部门或本窗口所办事项"),
        (status = 404, description = "申报不存在"),
        (status = 409, description = "申报不在预审队列中，或已被他人处理"),
        (status = 422, description = "补正材料或说明无效（error.field 为 missing），或受理时申请人、材料不符")))]
pub async fn review(
    Caller(state, user): Caller,
    Path(id): Path<String>,
    AppJson(body): AppJson<ReviewBody>,
) -> ApiResult<Json<Reviewed>> {
    let id = id_of(&id)?;
    let decision = if body.accept {
        Review::Accept
    } else {
        Review::Supplement {
            missing: body.missing,
            note: body.note,
        }
    };
    Ok(Json(
        state
            .app
            .applications
            .review(&user.session, id, &decision)
            .await?,
    ))
}
