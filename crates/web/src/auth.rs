//! Who is asking: a bearer token (API) or the session cookie (browser).
//! Browser writes must carry the session's CSRF secret (form field or
//! `X-CSRF-Token` header) and, when present, a same-site Origin.

use crate::AppState;
use crate::error::ApiError;
use app::auth::Session;
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "govhall_session";

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client address, for throttling and the audit log.
pub fn client_addr(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// A signed-in user, with how they proved it.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub session: Session,
    pub token: String,
    pub via_cookie: bool,
}

impl CurrentUser {
    pub fn actor(&self) -> app::Actor {
        app::Actor::user(&self.session.user)
    }

    /// Checks the permission table (the API guard already did for the route).
    pub fn require(&self, permission: domain::permission::Permission) -> Result<(), ApiError> {
        app::auth::require(&self.session, permission).map_err(ApiError::from)
    }

    pub fn check_csrf(&self, sent: &str) -> Result<(), ApiError> {
        if !self.via_cookie {
            return Ok(());
        }
        if !self.session.csrf.is_empty() && constant_time_eq(sent.as_bytes(), self.session.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "表单已过期或来源不明，请刷新页面后重试",
            ))
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cross-site request (Origin naming another host) is refused outright.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or(origin);
    origin == "null" && host.is_empty() || origin_host == host
}

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, ApiError> {
    // The API guard already resolved the caller.
    if let Some(user) = parts.extensions.get::<CurrentUser>() {
        return Ok(Some(user.clone()));
    }
    let (token, via_cookie) = match bearer(&parts.headers) {
        Some(t) => (t.to_owned(), false),
        None => match cookie(&parts.headers, SESSION_COOKIE) {
            Some(t) => (t.to_owned(), true),
            None => return Ok(None),
        },
    };
    let Some(session) = state.app.accounts.authenticate(&token).await? else {
        return Ok(None);
    };
    let user = CurrentUser {
        session,
        token,
        via_cookie,
    };
    // API writes made with the cookie need the CSRF header; forms check their field themselves.
    let is_write = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if via_cookie && is_write {
        if !same_origin(&parts.headers) {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "csrf", "拒绝跨站请求"));
        }
        if parts.uri.path().starts_with("/api/") {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            user.check_csrf(sent)?;
        }
    }
    Ok(Some(user))
}

impl CurrentUser {
    /// The caller, if signed in; a cookie write without its CSRF secret is refused.
    pub async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, ApiError> {
        resolve(parts, state).await
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        resolve(parts, state).await?.ok_or_else(ApiError::unauthorized)
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        resolve(parts, state).await
    }
}

/// The caller's address.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_addr(parts)))
    }
}

pub fn session_cookie(token: &str, max_age_secs: i64) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}")
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}
