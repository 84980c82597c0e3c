//! Static assets, embedded in the binary so govhall runs from one file.

use crate::AppState;
use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

const SITE_CSS: &str = include_str!("../assets/site.css");
const SITE_JS: &str = include_str!("../assets/site.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/assets/site.css",
            get(|| async { asset("text/css; charset=utf-8", SITE_CSS) }),
        )
        .route(
            "/assets/site.js",
            get(|| async { asset("text/javascript; charset=utf-8", SITE_JS) }),
        )
}

fn asset(mime: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, mime), (CACHE_CONTROL, "public, max-age=3600")],
        body,
    )
}
