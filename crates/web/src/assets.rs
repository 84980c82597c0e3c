//! Static assets, embedded in the binary so govhall runs from one file.

use crate::AppState;
use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

const SITE_CSS: &str = include_str!("../assets/site.css");
const SITE_JS: &str = include_str!("../assets/site.js");
const KIOSK_JS: &str = include_str!("../assets/kiosk.js");
const KIOSK_CSS: &str = include_str!("../assets/kiosk.css");
const CONSOLE_JS: &str = include_str!("../assets/console.js");
const DISPLAY_JS: &str = include_str!("../assets/display.js");
const DISPLAY_CSS: &str = include_str!("../assets/display.css");
const PAD_JS: &str = include_str!("../assets/pad.js");
const PAD_CSS: &str = include_str!("../assets/pad.css");
// Issue 15 part 2: inspections (督查).
const SUPERVISE_JS: &str = include_str!("../assets/supervise.js");
// issue 17: smart guide (智能导办)
const GUIDE_JS: &str = include_str!("../assets/guide.js");
// issue 18: dashboard
const COMMAND_JS: &str = include_str!("../assets/command.js");
const COMMAND_CSS: &str = include_str!("../assets/command.css");
/// The hall's icon: a 政 seal on the brand blue, drawn as SVG (no binary file).
const FAVICON_SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">\
<rect width=\"64\" height=\"64\" rx=\"12\" fill=\"#0b3d91\"/>\
<text x=\"32\" y=\"46\" font-size=\"40\" text-anchor=\"middle\" fill=\"#fff\" \
font-family=\"Noto Sans CJK SC, sans-serif\" font-weight=\"700\">政</text></svg>";

pub fn routes() -> Router<AppState> {
    const JS: &str = "text/javascript; charset=utf-8";
    const CSS: &str = "text/css; charset=utf-8";
    const SVG: &str = "image/svg+xml";
    Router::new()
        .route("/assets/site.css", get(|| async { asset(CSS, SITE_CSS) }))
        .route("/assets/site.js", get(|| async { asset(JS, SITE_JS) }))
        .route("/assets/kiosk.js", get(|| async { asset(JS, KIOSK_JS) }))
        .route("/assets/kiosk.css", get(|| async { asset(CSS, KIOSK_CSS) }))
        .route("/assets/console.js", get(|| async { asset(JS, CONSOLE_JS) }))
        .route("/assets/display.js", get(|| async { asset(JS, DISPLAY_JS) }))
        .route("/assets/display.css", get(|| async { asset(CSS, DISPLAY_CSS) }))
        .route("/assets/pad.js", get(|| async { asset(JS, PAD_JS) }))
        .route("/assets/pad.css", get(|| async { asset(CSS, PAD_CSS) }))
        // Issue 15 part 2: inspections (督查).
        .route("/assets/supervise.js", get(|| async { asset(JS, SUPERVISE_JS) }))
        .route("/favicon.ico", get(|| async { asset(SVG, FAVICON_SVG) }))
        .route("/favicon.svg", get(|| async { asset(SVG, FAVICON_SVG) }))
        // issue 17: smart guide (智能导办)
        .route("/assets/guide.js", get(|| async { asset(JS, GUIDE_JS) }))
        // issue 18: dashboard
        .route("/assets/command.js", get(|| async { asset(JS, COMMAND_JS) }))
        .route("/assets/command.css", get(|| async { asset(CSS, COMMAND_CSS) }))
}

fn asset(mime: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, mime), (CACHE_CONTROL, "public, max-age=3600")],
        body,
    )
}
