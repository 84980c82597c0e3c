//! A request id (请求编号) for every request: taken from a sane incoming
//! `X-Request-Id` or made fresh, sent back in the answer's header, carried by
//! the tracing span every log line of the request is written in, and put in
//! every error answer so a hall's IT staff can find the log lines a citizen's
//! or a clerk's error message belongs to.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being answered (`None` outside one).
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

fn sane(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn layer(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let span = tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let mut resp = REQUEST_ID.scope(id.clone(), next.run(req).instrument(span)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(HEADER, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_sane_ids_are_taken() {
        assert!(super::sane("0190a0b0000070008000000000000000"));
        assert!(!super::sane("short"));
        assert!(!super::sane("has space in it"));
        assert!(!super::sane(&"x".repeat(65)));
    }
}
