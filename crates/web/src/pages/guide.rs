//! 智能导办 pages (issue 17 part 1): the portal's answer page (`/guide?q=`),
//! the kiosk's (`/kiosk/guide`: large buttons for the life events, a word pad
//! and an on-screen pinyin keyboard, since a touch kiosk has no keyboard of its
//! own: big QWERTY keys, the typed letters, a bar of candidates from the hall's
//! words (`GET /api/guide/keyboard`, the rule in `domain::guide_keyboard`), pages
//! of them, backspace, space, clear and 查询; the portal leaves typing to the
//! phone's own keyboard) and the admin's vocabulary page (`/admin/guide`:
//! phrases, the questions that found nothing, and the questions the admin
//! answered — 相似问法, an item or bundle or 不属本大厅 — added from the log's
//! rows or the page's own form).

use super::manage::{back, guard, guard_post, local};
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
use store::guide::GuidePhrase;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/guide", get(portal_page))
        .route("/kiosk/guide", get(kiosk_page))
        .route("/admin/guide", get(admin_page))
        .route("/admin/guide/phrases", post(add_phrase))
        .route("/admin/guide/phrases/{id}/delete", post(delete_phrase))
        .route("/admin/guide/similar", post(add_similar))
        .route("/admin/guide/similar/{id}/delete", post(delete_similar))
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

/// One similar question (相似问法) as the admin's page lists it.
struct SimilarView {
    id: Uuid,
    question: String,
    /// The item's or bundle's code and name, or 不属本大厅.
    answer: String,
    /// 不属本大厅.
    none: bool,
    created_by: String,
}

/// One question of the no-hit log as the admin's page lists it.
struct MissView {
    question: String,
    count: i64,
    /// When it was last asked, local time.
    last_at: String,
    /// Why nothing fits it now (无匹配原因).
    why: String,
}

/// What the page's forms are refilled with after a refusal.
#[derive(Default)]
struct Filled {
    phrase: String,
    code: String,
    similar_question: String,
    similar_code: String,
}

#[derive(Template)]
#[template(path = "manage/guide.html")]
struct AdminPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    phrases: Vec<GuidePhrase>,
    similar: Vec<SimilarView>,
    misses: Vec<MissView>,
    filled: Filled,
    vocabulary_version: String,
}

/// A code with the published item's or bundle's name (the code alone when it is no
/// longer published or the catalog cannot be read).
fn code_and_name(catalog: Option<&app::catalog::PublishedCatalog>, code: &str) -> String {
    let name = catalog.and_then(|catalog| {
        catalog
            .item(code)
            .map(|i| i.name.clone())
            .or_else(|| catalog.bundle(code).map(|b| b.name.clone()))
    });
    match name {
        Some(name) => format!("{code} {name}"),
        None => code.to_owned(),
    }
}

async fn admin_view(
    state: &AppState,
    user: &CurrentUser,
    ok: Option<String>,
    error: Option<String>,
    filled: Filled,
) -> PageResult {
    let phrases = state
        .app
        .guide
        .phrases(&user.session)
        .await
        .map_err(|e| page_error(state, e))?;
    let catalog = state.app.published().await.ok();
    let similar = state
        .app
        .guide
        .similar(&user.session)
        .await
        .map_err(|e| page_error(state, e))?
        .into_iter()
        .map(|q| SimilarView {
            answer: match &q.code {
                Some(code) => code_and_name(catalog.as_deref(), code),
                None => "不属本大厅".to_owned(),
            },
            id: q.id,
            question: q.question,
            none: q.code.is_none(),
            created_by: q.created_by,
        })
        .collect();
    let misses = state
        .app
        .guide
        .misses(&user.session)
        .await
        .map_err(|e| page_error(state, e))?
        .into_iter()
        .map(|m| MissView {
            last_at: local(state, m.miss.last_at),
            question: m.miss.question,
            count: m.miss.count,
            why: m.why,
        })
        .collect();
    Ok(render(
        state,
        &AdminPage {
            chrome: Chrome::new(state, Some(user), "admin"),
            csrf: user.session.csrf.clone(),
            ok,
            error,
            phrases,
            similar,
            misses,
            filled,
            vocabulary_version: domain::guide::Vocabulary::shipped().version().to_owned(),
        },
    ))
}

/// The page again with a refusal shown and the form refilled (422).
async fn refused(state: &AppState, user: &CurrentUser, e: AppError, filled: Filled) -> PageResult {
    let mut page = admin_view(state, user, None, Some(e.to_string()), filled).await?;
    *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(page)
}

async fn admin_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::GuideManage, &uri)?;
    admin_view(&state, &user, n.ok, None, Filled::default()).await
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
            let filled = Filled {
                phrase: f.phrase,
                code: f.code,
                ..Filled::default()
            };
            refused(&state, &user, e, filled).await
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

#[derive(Deserialize)]
struct SimilarForm {
    csrf: String,
    question: String,
    #[serde(default)]
    code: String,
    /// The button pressed: `code` (指向该事项) or `none` (不属本大厅).
    #[serde(default)]
    answer: String,
}

/// Answers a question (相似问法), from the log's row or the page's form: the code
/// typed, or 不属本大厅 with the button of that name.
async fn add_similar(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<SimilarForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::GuideManage, &uri, &headers, &f.csrf)?;
    let none = f.answer == "none";
    let filled = |f: SimilarForm| Filled {
        similar_question: f.question,
        similar_code: if none { String::new() } else { f.code },
        ..Filled::default()
    };
    if !none && f.code.trim().is_empty() {
        let e = AppError::invalid(
            "code",
            "请填写事项或一件事编码；不属于本大厅办理的问题请点“不属本大厅”",
        );
        return refused(&state, &user, e, filled(f)).await;
    }
    let code = (!none).then_some(f.code.as_str());
    match state
        .app
        .guide
        .add_similar(&user.session, &f.question, code)
        .await
    {
        Ok(q) => {
            let message = match &q.code {
                Some(code) => {
                    let catalog = state.app.published().await.ok();
                    format!(
                        "已答复“{}” → {}",
                        q.question,
                        code_and_name(catalog.as_deref(), code)
                    )
                }
                None => format!("已答复“{}”：不属本大厅", q.question),
            };
            Ok(back("/admin/guide", &message))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(..))) => {
            refused(&state, &user, e, filled(f)).await
        }
        Err(e) => Err(page_error(&state, e)),
    }
}

async fn delete_similar(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<DeleteForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::GuideManage, &uri, &headers, &f.csrf)?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| page_error(&state, AppError::NotFound("没有这条相似问法".into())))?;
    match state.app.guide.delete_similar(&user.session, id).await {
        Ok(()) => Ok(back("/admin/guide", "已删除该相似问法")),
        Err(e) => Err(page_error(&state, e)),
    }
}
