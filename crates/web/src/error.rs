//! One error type for every API answer: status plus
//! `{"error": {"code", "message" (中文), "field"}}`.

use app::AppError;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// Per-row problems of a rejected catalog file.
    pub problems: Option<Box<serde_json::Value>>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<&'a serde_json::Value>,
    /// The request's id, also in the log lines and the `X-Request-Id` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            problems: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录（缺少或无效的登录凭证）",
        )
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::Invalid { field, message } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                labelled(&field, &message),
            )
            .field(field),
            AppError::CatalogInvalid(problems) => {
                let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
                let mut err = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "catalog_invalid",
                    format!("目录文件有{}处问题，未做任何更改。{first}", problems.len()),
                );
                err.field = problems.first().map(|p| p.field.clone());
                err.problems = serde_json::to_value(&problems).ok().map(Box::new);
                err
            }
            AppError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
            AppError::Conflict(kind, m) => ApiError::new(StatusCode::CONFLICT, kind.code(), m),
            AppError::Unauthorized(m) => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", m),
            AppError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            e @ AppError::TooManyAttempts { .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", e.to_string())
            }
            AppError::Calendar(e) => {
                let field = match e {
                    domain::CalendarError::Tsv { .. } | domain::CalendarError::PartialYear { .. } => "file",
                    domain::CalendarError::DaysOutOfRange => "days",
                    domain::CalendarError::MissingYear(_) => "from",
                };
                let code = match e {
                    domain::CalendarError::MissingYear(_) => "calendar_missing",
                    domain::CalendarError::DaysOutOfRange => "calendar_range",
                    _ => "calendar_invalid",
                };
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string()).field(field)
            }
            AppError::Internal(cause) => {
                tracing::error!(error = %cause, "request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后再试",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // A message quotes what the caller sent at most briefly, whatever built it.
        let message = clip(&self.message, MESSAGE_CHARS);
        let field = self.field.as_deref().map(|f| clip(f, 64));
        let body = Body {
            error: Detail {
                code: self.code,
                message: &message,
                field: field.as_deref(),
                problems: self.problems.as_deref(),
                request_id: crate::request_id::current(),
            },
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert("www-authenticate", HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The error answer as the OpenAPI document describes it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// `code` is stable (for programs), `message` is Chinese (for people), `field`
/// names the bad input when there is one.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    code: String,
    message: String,
    field: Option<String>,
    /// Per-row problems of a rejected import file.
    #[schema(value_type = Option<Vec<Object>>)]
    problems: Option<serde_json::Value>,
    /// The request's id (请求编号), also in the log lines and the `X-Request-Id` header.
    request_id: Option<String>,
}

/// The longest error message sent (our words plus a short excerpt).
const MESSAGE_CHARS: usize = 240;

fn clip(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// At most this many characters of a caller's input are echoed in an error.
pub const EXCERPT_CHARS: usize = 80;

/// A short excerpt of something a caller sent (or of a parser's message that
/// quotes it): never the whole input back.
pub fn excerpt(text: &str) -> String {
    clip(text, EXCERPT_CHARS)
}

/// The Chinese name of a request field, for messages people read (the
/// `field` member keeps the machine name).
pub fn field_label(field: &str) -> &str {
    match field {
        "accepted" => "是否认可",
        "approved" => "是否批准",
        "bundle" => "一件事",
        "case_id" => "办件",
        "categories" => "业务类别",
        "category" => "业务类别",
        "channel" => "评价渠道",
        "code" => "编号",
        "comment" => "意见",
        "csv" => "导入文件",
        "date" => "日期",
        "decision" => "决定",
        "department" => "部门",
        "display_name" => "姓名",
        "duties" => "岗位职责",
        "from" => "开始日期",
        "to" => "结束日期",
        "id_number" => "身份证号",
        "item" => "事项",
        "layout" => "按键布局",
        "materials" => "申请材料",
        "name" => "名称",
        "note" => "说明",
        "number" => "编号",
        "page" => "页码",
        "per_page" => "每页条数",
        "password" => "密码",
        "phone" => "手机号",
        "photo" => "照片",
        "prefix" => "类别前缀",
        "priority" => "绿色通道类型",
        "q" => "查询内容",
        "reason" => "原因",
        "reasons" => "原因",
        "staff" => "工作人员",
        "staff_number" => "工号",
        "status" => "状态",
        "ticket_id" => "号票",
        "time" => "时段",
        "username" => "用户名",
        "uscc" => "统一社会信用代码",
        "window" => "窗口",
        "year" => "年份",
        other => other,
    }
}

/// "原因：暂停服务须填写原因" — the field's Chinese name, then the reason.
fn labelled(field: &str, message: &str) -> String {
    let label = field_label(field);
    if label.is_empty() || message.starts_with(label) {
        message.to_owned()
    } else {
        format!("{label}：{message}")
    }
}
