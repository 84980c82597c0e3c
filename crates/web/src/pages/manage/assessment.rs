//! 月度考核 pages (issue 16): the month's scores for leadership at
//! /admin/assessment (per level, each part with its points, how they came
//! about and how many records are behind them; the veto's reasons; 定档,
//! 重新评分, 创新加分 and incidents for the leader), and one's own month at
//! /my/assessment (score, parts, the reviews and their comments, and the
//! 党员互评 form for colleagues of one's department).

use super::{back, guard, guard_post};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageForm, PageResult, render};
use app::AppError;
use app::assessment::{AssessmentList, EntryInput, LeaderEntries, ReviewInput, ReviewView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::Role;
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/assessment", get(month_page))
        .route("/admin/assessment/{action}", post(leader_action))
        .route("/my/assessment", get(my_page))
        .route("/my/assessment/review", post(my_review))
}

fn field<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// The message of a refusal the page shows above its forms.
fn refusal(e: AppError) -> Result<String, AppError> {
    match e {
        AppError::Invalid { message, .. }
        | AppError::Conflict(_, message)
        | AppError::Forbidden(message)
        | AppError::NotFound(message) => Ok(message),
        other => Err(other),
    }
}

fn with_error(to: &str, message: &str) -> Response {
    let mut url = to.to_owned();
    url.push_str(if to.contains('?') { "&error=" } else { "?error=" });
    url.push_str(&urlencoding(message));
    (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, url)]).into_response()
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
struct MonthParams {
    month: Option<String>,
    level: Option<String>,
    ok: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "manage/assessment.html")]
struct MonthPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    list: AssessmentList,
    level: String,
    level_label: &'static str,
    can_manage: bool,
    entries: LeaderEntries,
    /// The month has ended (it may be frozen).
    ended: bool,
}

async fn month_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<MonthParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::AssessmentRead, &uri)?;
    let a = &state.app.assessment;
    let month = match q.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => m.to_owned(),
        None => app::assessment::Month::of(state.app.today()).previous().text,
    };
    let level = q.level.unwrap_or_else(|| "window".into());
    let read = async {
        let list = a
            .assessment(&user.session, Some(&month), Some(&level), None, false)
            .await?;
        let entries = a.leader_entries(&user.session, Some(&month)).await?;
        Ok::<_, AppError>((list, entries))
    };
    let (list, entries) = read
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let ended = app::assessment::Month::parse(&list.month)
        .map(|m| m.last < state.app.today())
        .unwrap_or(false);
    let level_label = domain::assessment::SubjectLevel::parse(&level)
        .map(|l| l.label())
        .unwrap_or("");
    Ok(render(
        &state,
        &MonthPage {
            chrome: Chrome::new(&state, Some(&user), "admin"),
            csrf: user.session.csrf.clone(),
            ok: q.ok,
            error: q.error,
            can_manage: user.session.user.role.can(Permission::AssessmentManage),
            list,
            level,
            level_label,
            entries,
            ended,
        },
    ))
}

async fn leader_action(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(action): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::AssessmentManage,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let month = field(&f, "month").to_owned();
    let level = field(&f, "level").to_owned();
    let here = format!(
        "/admin/assessment?month={month}&level={}",
        if level.is_empty() { "window" } else { &level }
    );
    let a = &state.app.assessment;
    let entry = || EntryInput {
        month: month.clone(),
        level: level.clone(),
        subject: field(&f, "subject").to_owned(),
        points: field(&f, "points").trim().parse().unwrap_or(f64::NAN),
        kind: field(&f, "kind").to_owned(),
        date: Some(field(&f, "date").to_owned()),
        text: field(&f, "text").to_owned(),
    };
    let done = match action.as_str() {
        "freeze" => a
            .freeze(&user.session, &month)
            .await
            .map(|_| format!("{month}已定档")),
        "rescore" => a
            .rescore(&user.session, &month, field(&f, "reason"))
            .await
            .map(|_| format!("{month}已重新评分并记录理由")),
        "bonus" => a
            .add_bonus(&user.session, &entry())
            .await
            .map(|b| format!("已为{}加{}分", b.subject, b.points)),
        "incident" => a
            .add_incident(&user.session, &entry())
            .await
            .map(|i| format!("已记录{}：{}（一票否决）", i.kind.label(), i.subject)),
        _ => Err(AppError::NotFound("没有这个操作".into())),
    };
    match done {
        Ok(message) => Ok(back(&here, &message)),
        Err(e) => match refusal(e) {
            Ok(message) => Ok(with_error(&here, &message)),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

#[derive(Template)]
#[template(path = "manage/my_assessment.html")]
struct MyPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    list: AssessmentList,
    reviews: Vec<ReviewView>,
    /// (username, name) of the colleagues one may rate (党员互评).
    peers: Vec<(String, String)>,
    can_review: bool,
}

async fn my_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<MonthParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::SignedIn, &uri)?;
    let (list, reviews) = state
        .app
        .assessment
        .staff_assessment(&user.session, q.month.as_deref(), None)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let me = &user.session.user;
    let can_review = me.role.can(Permission::ReviewPeer);
    let peers = if can_review {
        state
            .app
            .accounts
            .users()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|u| {
                u.role == Role::Staff
                    && !u.disabled
                    && u.username != me.username
                    && u.department == me.department
            })
            .map(|u| (u.username, u.display_name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(
        &state,
        &MyPage {
            chrome: Chrome::new(&state, Some(&user), "admin"),
            csrf: user.session.csrf.clone(),
            ok: q.ok,
            error: q.error,
            list,
            reviews,
            peers,
            can_review,
        },
    ))
}

async fn my_review(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::ReviewPeer,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let month = field(&f, "month").to_owned();
    let here = format!("/my/assessment?month={month}");
    let input = ReviewInput {
        month: month.clone(),
        staff: field(&f, "staff").to_owned(),
        kind: "peer".into(),
        score: field(&f, "score").trim().parse().unwrap_or(-1),
        comment: field(&f, "comment").to_owned(),
    };
    match state.app.assessment.add_review(&user.session, &input).await {
        Ok(r) => Ok(back(&here, &format!("已评议{}（{}分）", r.staff, r.score))),
        Err(e) => match refusal(e) {
            Ok(message) => Ok(with_error(&here, &message)),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}
