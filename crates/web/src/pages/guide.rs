//! 智能导办 pages (issue 17 part 1): the portal's answer page (`/guide?q=`),
//! the kiosk's (`/kiosk/guide`: large buttons for the life events, a word pad
//! and an on-screen pinyin keyboard, since a touch kiosk has no keyboard of its
//! own: big QWERTY keys, the typed letters, a bar of candidates from the hall's
//! words (`GET /api/guide/keyboard`, the rule in `domain::guide_keyboard`), pages
//! of them, backspace, space, clear and 查询; the portal leaves typing to the
//! phone's own keyboard) and the admin's vocabulary page (`/admin/guide`:
//! phrases and the questions that found nothing).

use super::manage::{back, guard, guard_post};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use crate::pages::{Chrome, PageError, PageForm, PageResult, render};
use app::AppError;
use app::guide::GuideAnswerView;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
// The life events (人生大事) the kiosk and the portal offer as buttons, and the
// kiosk's word pad; its keyboard offers the same words.
use domain::guide_keyboard::{LIFE_EVENTS, PAD_WORDS as WORDS};
use domain::permission::Permission;
use serde::Deserialize;
use store::guide::{GuideMiss, GuidePhrase};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/guide", get(portal_page))
        .route("/kiosk/guide", get(kiosk_page))
        .route("/admin/guide", get(admin_page))
        .route("/admin/guide/phrases", post(add_phrase))
        .route("/admin/guide/phrases/{id}/delete", post(delete_phrase))
}

/// The kiosk keyboard's letter rows (QWERTY).
const KEY_ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

fn page_error(state: &AppState, e: AppError) -> Response {
    PageError::from_app(state, e).into_response()
}

#[derive(Deserialize)]
struct Ask {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/guide.html")]
struct GuidePage {
    chrome: Chrome,
    kiosk: bool,
    q: String,
    asked: bool,
    none: bool,
    answers: Vec<GuideAnswerView>,
    /// An empty or too long question, said in Chinese.
    error: Option<String>,
    events: Vec<(&'static str, &'static str)>,
    words: Vec<&'static str>,
    /// The kiosk keyboard's letter rows.
    key_rows: Vec<Vec<char>>,
    hotline: String,
}

async fn answer(
    state: &AppState,
    user: Option<&CurrentUser>,
    client: &str,
    q: Option<String>,
    kiosk: bool,
) -> PageResult {
    // Asked (even blank, which is refused with the reason) once the form sent `q`.
    let asked = q.is_some();
    let q: String = q.unwrap_or_default().trim().to_owned();
    let mut page = GuidePage {
        chrome: Chrome::new(state, user, if kiosk { "kiosk" } else { "home" }),
        kiosk,
        asked,
        none: false,
        answers: Vec::new(),
        error: None,
        events: LIFE_EVENTS.to_vec(),
        words: WORDS.to_vec(),
        key_rows: KEY_ROWS.iter().map(|r| r.chars().collect()).collect(),
        hotline: "12345".into(),
        q,
    };
    if page.asked {
        match state.app.guide.ask(Some(&page.q), client).await {
            Ok(r) => {
                page.none = r.none;
                page.answers = r.answers;
            }
            Err(AppError::Invalid { message, .. }) => page.error = Some(message),
            Err(e) => return Err(page_error(state, e)),
        }
    }
    Ok(render(state, &page))
}

async fn portal_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    Query(a): Query<Ask>,
) -> PageResult {
    answer(&state, user.as_ref(), &client, a.q, false).await
}

async fn kiosk_page(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Query(a): Query<Ask>,
) -> PageResult {
    answer(&state, None, &client, a.q, true).await
}

#[derive(Deserialize)]
struct Notice {
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "manage/guide.html")]
struct AdminPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    phrases: Vec<GuidePhrase>,
    misses: Vec<GuideMiss>,
    phrase: String,
    code: String,
    vocabulary_version: String,
}

async fn admin_view(
    state: &AppState,
    user: &CurrentUser,
    ok: Option<String>,
    error: Option<String>,
    phrase: String,
    code: String,
) -> PageResult {
    let phrases = state
        .app
        .guide
        .phrases(&user.session)
        .await
        .map_err(|e| page_error(state, e))?;
    let misses = state
        .app
        .guide
        .misses(&user.session)
        .await
        .map_err(|e| page_error(state, e))?;
    Ok(render(
        state,
        &AdminPage {
            chrome: Chrome::new(state, Some(user), "admin"),
            csrf: user.session.csrf.clone(),
            ok,
            error,
            phrases,
            misses,
            phrase,
            code,
            vocabulary_version: domain::guide::Vocabulary::shipped().version().to_owned(),
        },
    ))
}

async fn admin_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::GuideManage, &uri)?;
    admin_view(&state, &user, n.ok, None, String::new(), String::new()).await
}

#[derive(Deserialize)]
struct PhraseForm {
    csrf: String,
    phrase: String,
    code: String,
}

async fn add_phrase(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<PhraseForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::GuideManage, &uri, &headers, &f.csrf)?;
    match state
        .app
        .guide
        .add_phrase(&user.session, &f.phrase, &f.code)
        .await
    {
        Ok(p) => Ok(back(
            "/admin/guide",
            &format!("已添加说法“{}” → {}", p.phrase, p.code),
        )),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(..))) => {
            let mut page = admin_view(&state, &user, None, Some(e.to_string()), f.phrase, f.code).await?;
            *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
        Err(e) => Err(page_error(&state, e)),
    }
}

#[derive(Deserialize)]
struct DeleteForm {
    csrf: String,
}

async fn delete_phrase(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<DeleteForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::GuideManage, &uri, &headers, &f.csrf)?;
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| page_error(&state, AppError::NotFound("没有这条说法".into())))?;
    match state.app.guide.delete_phrase(&user.session, id).await {
        Ok(()) => Ok(back("/admin/guide", "已删除该说法")),
        Err(e) => Err(page_error(&state, e)),
    }
}
