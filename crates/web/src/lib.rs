//! HTTP for govhall: the JSON API under `/api`, the public portal and admin
//! pages, health and metrics. Handlers only parse, call a use case and render.

mod api;
mod assets;
mod auth;
mod error;
mod extract;
mod floor;
mod ops;
mod pages;
mod ratelimit;
pub mod request_id;
pub(crate) mod security;
// issue 18: charts
mod charts;

pub use api::openapi_document;

/// Every API operation (method, routed path) with an access rule.
pub fn api_operations() -> Vec<(&'static str, &'static str)> {
    api::access::OPERATIONS.iter().map(|(m, p, _)| (*m, *p)).collect()
}
pub use error::ApiError;

use app::App;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use std::future::Future;
use tokio::net::TcpListener;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    metrics: Option<PrometheusHandle>,
    voice: std::sync::Arc<floor::VoiceCache>,
    ticket_limiter: std::sync::Arc<ratelimit::RateLimiter>,
    /// Public forms (booking page, home-visit requests), apart from the kiosk's tickets.
    public_limiter: std::sync::Arc<ratelimit::RateLimiter>,
    // issue 17 part 1: the kiosk's on-screen keyboard (a lookup per tap)
    keyboard_limiter: std::sync::Arc<ratelimit::RateLimiter>,
}

impl AppState {
    /// `metrics` is the process-wide recorder's handle; tests that build many
    /// servers in one process pass `None` (then /metrics answers with process basics only).
    pub fn new(app: App, metrics: Option<PrometheusHandle>) -> AppState {
        let ticket_limiter = std::sync::Arc::new(ratelimit::RateLimiter::new(
            app.settings.queue.tickets_per_minute_per_client,
        ));
        let public_limiter = std::sync::Arc::new(ratelimit::RateLimiter::new(
            app.settings.queue.tickets_per_minute_per_client,
        ));
        // issue 17 part 1: a person typing taps far faster than they take tickets.
        let keyboard_limiter = std::sync::Arc::new(ratelimit::RateLimiter::new(
            app.settings
                .queue
                .tickets_per_minute_per_client
                .saturating_mul(ratelimit::KEYBOARD_RATE_FACTOR),
        ));
        AppState {
            app,
            metrics,
            voice: std::sync::Arc::default(),
            ticket_limiter,
            public_limiter,
            keyboard_limiter,
        }
    }
}

/// The whole site.
pub fn router(state: AppState) -> Router {
    // Who may call each API operation is checked before its handler runs.
    let api = api::routes().route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        api::access::guard,
    ));
    Router::new()
        .merge(api)
        .merge(floor::routes())
        .merge(pages::routes())
        .merge(ops::routes())
        .merge(assets::routes())
        .layer(axum::middleware::from_fn(ops::track))
        // Bodies: 1 MiB unless a route allows more (imports, photo uploads).
        .layer(axum::extract::DefaultBodyLimit::max(security::BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            security::IMPORT_LIMIT,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        // Outermost: every log line of a request, and its error answer, carry its id.
        .layer(axum::middleware::from_fn(request_id::layer))
        .with_state(state)
}

/// Serves until `shutdown` resolves. The listener is bound by the caller, so
/// tests bind 127.0.0.1:0 and know the port before the server starts.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
