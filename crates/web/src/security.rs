//! Headers every answer carries (安全响应头) and the size limits of request
//! bodies. Pages may run only the site's own scripts (no inline script), may
//! not be framed, and answers are not cached unless they say so (assets do).

use crate::error::ApiError;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// JSON and form bodies (default).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Catalog, calendar, ledger and evaluation imports (CSV, TSV, JSON, XLSX).
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;
/// A staff photo for the 三亮 card.
pub const UPLOAD_LIMIT: usize = 8 * 1024 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; media-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

fn set(resp: &mut Response, name: &'static str, value: &'static str) {
    resp.headers_mut()
        .entry(HeaderName::from_static(name))
        .or_insert(HeaderValue::from_static(value));
}

/// A 4xx that axum answered itself (bad UTF-8, a body too large, a method not
/// allowed…) in plain text: on the API it becomes the error JSON, in Chinese.
async fn as_api_error(resp: Response) -> Response {
    let status = resp.status();
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            "提交的内容过大（一般请求不超过1MB，导入文件不超过64MB）",
        ),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "此接口不支持该请求方法"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("content_type", "请求的 Content-Type 不正确"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid", "请求内容无法处理"),
        _ => ("bad_request", "请求无效"),
    };
    let (parts, body) = resp.into_parts();
    let detail = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if detail.is_empty() {
        message.to_owned()
    } else {
        format!("{message}（{}）", crate::error::excerpt(&detail))
    };
    let mut out = ApiError::new(status, code, message).into_response();
    if let Some(allow) = parts.headers.get(axum::http::header::ALLOW) {
        out.headers_mut().insert(axum::http::header::ALLOW, allow.clone());
    }
    out
}

/// Adds the security headers; gives axum's own 4xx answers our error shape.
pub async fn headers(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut resp = next.run(req).await;
    let json = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if resp.status().is_client_error() && !json {
        resp = if api {
            as_api_error(resp).await
        } else if resp.status() == StatusCode::PAYLOAD_TOO_LARGE {
            (StatusCode::PAYLOAD_TOO_LARGE, "提交的内容过大").into_response()
        } else {
            resp
        };
    }
    // The body of a refused oversized request was not read: the connection cannot be reused.
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE {
        resp.headers_mut()
            .insert(axum::http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    set(&mut resp, "content-security-policy", CSP);
    set(&mut resp, "x-content-type-options", "nosniff");
    set(&mut resp, "x-frame-options", "DENY");
    set(&mut resp, "referrer-policy", "same-origin");
    set(
        &mut resp,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    if !resp.headers().contains_key(CACHE_CONTROL) {
        resp.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
