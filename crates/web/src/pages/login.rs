//! Sign-in and sign-out for staff in the browser.

use super::{Chrome, PageError, PageForm, render};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, clear_session_cookie, same_origin, session_cookie};
use app::AppError;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use store::TokenKind;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(form).post(submit))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
    next: String,
    max_failures: i64,
    window_minutes: i64,
}

impl LoginPage {
    fn new(state: &AppState, error: Option<String>, username: String, next: String) -> LoginPage {
        LoginPage {
            chrome: Chrome::new(state, None, "login"),
            error,
            username,
            next,
            max_failures: state.app.settings.security.login_max_failures,
            window_minutes: state.app.settings.security.login_window_minutes,
        }
    }
}

#[derive(Deserialize)]
struct NextParam {
    next: Option<String>,
}

/// Only same-site paths, so the login page cannot bounce anyone elsewhere.
fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/admin".into(),
    }
}

async fn form(State(state): State<AppState>, Query(p): Query<NextParam>) -> Response {
    render(
        &state,
        &LoginPage::new(&state, None, String::new(), safe_next(p.next)),
    )
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(f): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    if !same_origin(&headers) {
        return Err(PageError::new(
            &state,
            StatusCode::FORBIDDEN,
            "拒绝请求",
            "登录表单来自其他网站",
        ));
    }
    let next = safe_next(f.next);
    match state
        .app
        .accounts
        .login(&f.username, &f.password, &client, TokenKind::Session)
        .await
    {
        Ok(login) => {
            // The session's lifetime as the hall's clock counts it (the cookie's Max-Age is
            // relative, so the browser's own clock does not matter).
            let max_age = login
                .expires_at
                .duration_since(state.app.accounts.now())
                .as_secs();
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (SET_COOKIE, session_cookie(&login.token, max_age)),
                    (LOCATION, next),
                ],
            )
                .into_response())
        }
        Err(e @ (AppError::Unauthorized(_) | AppError::TooManyAttempts { .. })) => {
            let status = if matches!(e, AppError::TooManyAttempts { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let page = LoginPage::new(&state, Some(e.to_string()), f.username, next);
            Ok((status, render(&state, &page)).into_response())
        }
        Err(e) => Err(PageError::from_app(&state, e)),
    }
}

#[derive(Deserialize)]
struct LogoutForm {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    PageForm(f): PageForm<LogoutForm>,
) -> Result<Response, PageError> {
    if let Some(user) = user {
        user.check_csrf(&f.csrf)
            .map_err(|e| PageError::new(&state, e.status, "无法退出", e.message))?;
        state
            .app
            .accounts
            .logout(&user.session, &user.token)
            .await
            .map_err(|e| PageError::from_app(&state, e))?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [(SET_COOKIE, clear_session_cookie()), (LOCATION, "/".to_owned())],
    )
        .into_response())
}
