//! 智能导办 pages (issue 17 part 1): the portal's answer page (`/guide?q=`),
//! the kiosk's (`/kiosk/guide`: large buttons for the life events and a word
//! pad, the kiosk has no Chinese keyboard) and the admin's vocabulary page
//! (`/admin/guide`: phrases and the questions that found nothing).

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

/// The life events (人生大事) the kiosk and the portal offer as buttons.
const LIFE_EVENTS: [(&str, &str); 7] = [
    ("出生", "孩子刚出生要办什么"),
    ("上学", "孩子上学入学"),
    ("结婚", "结婚领证"),
    ("开店", "开个小店"),
    ("买房", "买房过户"),
    ("退休", "退休要办什么"),
    ("身后事", "老人去世身后事"),
];

/// The kiosk's word pad: everyday words tapped to build a question.
const WORDS: [&str; 24] = [
    "孩子",
    "老人",
    "身份证",
    "户口",
    "社保卡",
    "医保",
    "养老金",
    "公积金",
    "房子",
    "营业执照",
    "驾驶证",
    "结婚证",
    "残疾证",
    "低保",
    "补贴",
    "开店",
    "丢了",
    "过期",
    "补办",
    "换",
    "领取",
    "报销",
    "过户",
    "注销",
];

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
