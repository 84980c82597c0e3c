//! The 督查科's pages for the hall's conduct (issue 15, parts 3, 4 and 6):
//! 晨会 at /supervise/meetings (the record form, the meetings of the last
//! weeks and the weekly compliance list), 黄牌/红牌 at /supervise/cards (per
//! department and month, with the department's explanation and the
//! ruling), and the floor duty log at /supervise/duty (the captain's day).

use super::{back, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageForm, PageResult, render};
use app::AppError;
use app::card::{CardList, CardView};
use app::duty_log::DutyLogView;
use app::morning_meeting::{MeetingInput, MeetingView, WeekCompliance};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::card::{CardColor, CardRuling};
use domain::duty_log::{CheckResult, DutyEventKind, OpeningCheck};
use domain::permission::Permission;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supervise/meetings", get(meetings_page).post(record_meeting))
        .route("/supervise/cards", get(cards_page))
        .route("/supervise/cards/{id}/{action}", post(card_action))
        .route("/supervise/duty", get(duty_page).post(open_duty))
        .route("/supervise/duty/{id}/{action}", post(duty_action))
}

/// The value of `key` in a submitted form (the last one given).
fn field<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// A refusal the page shows above its form (422, 409, 403), or the error page.
fn refusal(e: AppError) -> Result<(StatusCode, String), AppError> {
    match e {
        AppError::Invalid { message, .. } => Ok((StatusCode::UNPROCESSABLE_ENTITY, message)),
        AppError::Conflict(_, message) => Ok((StatusCode::CONFLICT, message)),
        AppError::Forbidden(message) => Ok((StatusCode::FORBIDDEN, message)),
        AppError::NotFound(message) => Ok((StatusCode::NOT_FOUND, message)),
        other => Err(other),
    }
}

// ---------------------------------------------------------------- 晨会

#[derive(Template)]
#[template(path = "manage/meetings.html")]
struct MeetingsPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    can_record: bool,
    today: String,
    /// (value, label) of the windows and departments a meeting may be for.
    targets: Vec<(String, String)>,
    /// (username, name) of the active accounts.
    people: Vec<(String, String)>,
    me: String,
    meetings: Vec<MeetingRow>,
    week: WeekCompliance,
    previous_week: String,
    next_week: String,
}

struct MeetingRow {
    m: MeetingView,
    held_for: String,
    attendees: String,
}

#[derive(Deserialize, Default)]
struct MeetingParams {
    week: Option<String>,
    ok: Option<String>,
}

async fn show_meetings(
    state: &AppState,
    user: &CurrentUser,
    week: Option<&str>,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let session = &user.session;
    let (week, meetings) = match (
        state.app.meetings.weekly_compliance(session, week).await,
        state.app.meetings.meetings(session, None, None, None).await,
    ) {
        (Ok(w), Ok(m)) => (w, m),
        (Err(e), _) | (_, Err(e)) => return PageError::from_app(state, e).into_response(),
    };
    let (windows, departments, users) = match (
        state.app.queue.windows().await,
        state.app.departments().await,
        state.app.accounts.users().await,
    ) {
        (Ok(w), Ok(d), Ok(u)) => (w, d, u),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return PageError::from_app(state, e).into_response();
        }
    };
    let mut targets: Vec<(String, String)> = windows
        .iter()
        .filter(|w| !w.temporary)
        .map(|w| {
            (
                format!("window:{}", w.number),
                format!("{}号窗口 {}", w.number, w.name),
            )
        })
        .collect();
    targets.extend(
        departments
            .iter()
            .map(|d| (format!("department:{}", d.code), format!("部门：{}", d.name))),
    );
    let people = users
        .into_iter()
        .filter(|u| !u.disabled)
        .map(|u| (u.username, u.display_name))
        .collect();
    let to_week = |d: jiff::civil::Date| domain::morning_meeting::IsoWeek::of(d).label();
    let (code, error) = match error {
        Some((c, m)) => (c, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = MeetingsPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: session.csrf.clone(),
        ok,
        error,
        can_record: session.user.role.can(Permission::MorningMeetingRecord),
        today: state.app.today().to_string(),
        targets,
        people,
        me: session.user.username.clone(),
        meetings: meetings
            .into_iter()
            .map(|m| MeetingRow {
                held_for: match (&m.window, &m.department_name) {
                    (Some(w), _) => format!("{w}号窗口"),
                    (None, Some(d)) => d.clone(),
                    (None, None) => String::new(),
                },
                attendees: m
                    .attendees
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                m,
            })
            .collect(),
        previous_week: to_week(week.from.yesterday().unwrap_or(week.from)),
        next_week: to_week(week.to.tomorrow().unwrap_or(week.to)),
        week,
    };
    (code, render(state, &page)).into_response()
}

async fn meetings_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<MeetingParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::MorningMeetingRead, &uri)?;
    let week = p.week.as_deref().filter(|w| !w.trim().is_empty());
    // A bad week in the address: this week's list, with the reason.
    let (week, error) = match week.map(domain::morning_meeting::IsoWeek::parse) {
        Some(Err(e)) => (None, Some((StatusCode::UNPROCESSABLE_ENTITY, e.0))),
        _ => (week, None),
    };
    Ok(show_meetings(&state, &user, week, p.ok, error).await)
}

async fn record_meeting(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::MorningMeetingRecord,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let target = field(&f, "target");
    let (window, department) = match target.split_once(':') {
        Some(("window", w)) => (Some(w.to_owned()), None),
        Some(("department", d)) => (None, Some(d.to_owned())),
        _ => (None, None),
    };
    let input = MeetingInput {
        date: field(&f, "date").to_owned(),
        window,
        department,
        host: field(&f, "host").to_owned(),
        attendees: f
            .iter()
            .filter(|(k, _)| k == "attendees")
            .map(|(_, v)| v.clone())
            .collect(),
        topics: field(&f, "topics").to_owned(),
    };
    match state.app.meetings.record_meeting(&user.session, &input).await {
        Ok(m) => Ok(back(
            &format!("/supervise/meetings?week={}", m.week),
            &format!("已登记{}的晨会", m.date),
        )),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_meetings(&state, &user, None, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

// ---------------------------------------------------------------- 黄牌/红牌

#[derive(Template)]
#[template(path = "manage/cards.html")]
struct CardsPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    list: CardList,
    rows: Vec<CardRow>,
    /// (code, name) of the departments, for the filter.
    departments: Vec<(String, String)>,
    /// The department filter as chosen (name), or empty.
    chosen: String,
    color: String,
    rulings: Vec<(&'static str, &'static str)>,
}

struct CardRow {
    c: CardView,
    red: bool,
    issued: String,
    may_explain: bool,
    may_rule: bool,
    explanation: String,
    ruled: String,
}

#[derive(Deserialize, Default)]
struct CardParams {
    month: Option<String>,
    department: Option<String>,
    color: Option<String>,
    ok: Option<String>,
}

async fn show_cards(
    state: &AppState,
    user: &CurrentUser,
    p: &CardParams,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let session = &user.session;
    let list = match state
        .app
        .cards
        .cards(
            session,
            p.month.as_deref(),
            p.department.as_deref(),
            p.color.as_deref(),
        )
        .await
    {
        Ok(l) => l,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let departments = match state.app.departments().await {
        Ok(d) => d.into_iter().map(|d| (d.code, d.name)).collect(),
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let can_explain = session.user.role.can(Permission::CardExplain);
    let can_rule = session.user.role.can(Permission::CardRule);
    let rows = list
        .items
        .iter()
        .map(|c| CardRow {
            red: c.card.color == CardColor::Red,
            issued: local(state, c.card.issued_at),
            may_explain: can_explain && c.stage.may_explain(),
            may_rule: can_rule && c.stage.may_rule(),
            explanation: c.card.explanation.clone().unwrap_or_default(),
            ruled: match (&c.card.ruled_by, c.card.ruled_at) {
                (Some(by), Some(at)) => format!("{by} {}", local(state, at)),
                _ => String::new(),
            },
            c: c.clone(),
        })
        .collect();
    let (code, error) = match error {
        Some((c, m)) => (c, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = CardsPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: session.csrf.clone(),
        ok,
        error,
        chosen: list.department.clone().unwrap_or_default(),
        color: list.color.map(|c| c.code().to_owned()).unwrap_or_default(),
        list,
        rows,
        departments,
        rulings: CardRuling::ALL.iter().map(|r| (r.code(), r.label())).collect(),
    };
    (code, render(state, &page)).into_response()
}

async fn cards_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<CardParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::CardRead, &uri)?;
    // A bad filter in the address: the month's list unfiltered, with the reason.
    let probe = state
        .app
        .cards
        .cards(
            &user.session,
            p.month.as_deref(),
            p.department.as_deref(),
            p.color.as_deref(),
        )
        .await;
    if let Err(e) = probe {
        return match refusal(e) {
            Ok(err) => Ok(show_cards(&state, &user, &CardParams::default(), None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        };
    }
    let ok = p.ok.clone();
    Ok(show_cards(&state, &user, &p, ok, None).await)
}

#[derive(Deserialize)]
struct CardForm {
    csrf: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    ruling: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    month: String,
}

async fn card_action(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    PageForm(f): PageForm<CardForm>,
) -> PageResult {
    let permission = if action == "rule" {
        Permission::CardRule
    } else {
        Permission::CardExplain
    };
    let user = guard_post(&state, user, permission, &uri, &headers, &f.csrf)?;
    let missing =
        || PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "没有这张黄牌/红牌").into_response();
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(missing());
    };
    let done = match action.as_str() {
        "explain" => state
            .app
            .cards
            .explain_card(&user.session, id, &f.explanation)
            .await
            .map(|c| format!("已提交办件{}的情况说明", c.card.case_number)),
        "rule" => state
            .app
            .cards
            .rule_card(&user.session, id, &f.ruling, &f.note)
            .await
            .map(|c| format!("办件{}：{}", c.card.case_number, c.outcome_label)),
        _ => return Ok(missing()),
    };
    let params = CardParams {
        month: Some(f.month.clone()).filter(|m| !m.trim().is_empty()),
        ..CardParams::default()
    };
    match done {
        Ok(message) => Ok(back(
            &format!("/supervise/cards?month={}", f.month.trim()),
            &message,
        )),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_cards(&state, &user, &params, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

// ---------------------------------------------------------------- 楼层值班长

#[derive(Template)]
#[template(path = "manage/duty.html")]
struct DutyPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    date: String,
    is_today: bool,
    can_write: bool,
    logs: Vec<LogRow>,
    checks: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    people: Vec<(String, String)>,
    me: String,
}

struct LogRow {
    l: DutyLogView,
    opened: String,
    handed: String,
}

#[derive(Deserialize, Default)]
struct DutyParams {
    date: Option<String>,
    ok: Option<String>,
}

async fn show_duty(
    state: &AppState,
    user: &CurrentUser,
    date: Option<&str>,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let session = &user.session;
    let logs = match state.app.duty_logs.duty_logs(session, date, None).await {
        Ok(l) => l,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let people = match state.app.accounts.users().await {
        Ok(u) => u
            .into_iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.username, u.display_name))
            .collect(),
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let today = state.app.today().to_string();
    let date = date
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(&today)
        .to_owned();
    let (code, error) = match error {
        Some((c, m)) => (c, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = DutyPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: session.csrf.clone(),
        ok,
        error,
        is_today: date == today,
        date,
        can_write: session.user.role.can(Permission::DutyLogWrite),
        logs: logs
            .into_iter()
            .map(|l| LogRow {
                opened: local(state, l.opened_at),
                handed: l.handed_over_at.map(|t| local(state, t)).unwrap_or_default(),
                l,
            })
            .collect(),
        checks: OpeningCheck::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        kinds: DutyEventKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        people,
        me: session.user.username.clone(),
    };
    (code, render(state, &page)).into_response()
}

async fn duty_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<DutyParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::DutyLogRead, &uri)?;
    let date = p.date.as_deref().filter(|d| !d.trim().is_empty());
    let (date, error) = match date.map(|d| d.trim().parse::<jiff::civil::Date>()) {
        Some(Err(_)) => (
            None,
            Some((
                StatusCode::UNPROCESSABLE_ENTITY,
                "日期无效，应为YYYY-MM-DD".to_owned(),
            )),
        ),
        _ => (date, None),
    };
    Ok(show_duty(&state, &user, date, p.ok, error).await)
}

async fn open_duty(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::DutyLogWrite,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let checks: Vec<CheckResult> = OpeningCheck::ALL
        .iter()
        .map(|c| CheckResult {
            item: c.code().to_owned(),
            ok: field(&f, &format!("ok_{}", c.code())) != "0",
            note: field(&f, &format!("note_{}", c.code())).to_owned(),
        })
        .collect();
    let captain = Some(field(&f, "captain")).filter(|c| !c.trim().is_empty());
    match state
        .app
        .duty_logs
        .open_duty_log(&user.session, field(&f, "floor"), captain, &checks)
        .await
    {
        Ok(l) => Ok(back(
            "/supervise/duty",
            &format!("{}今天的值班日志已开启", l.floor),
        )),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_duty(&state, &user, None, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

#[derive(Deserialize)]
struct DutyForm {
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
}

async fn duty_action(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    PageForm(f): PageForm<DutyForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::DutyLogWrite, &uri, &headers, &f.csrf)?;
    let missing =
        || PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "没有这份值班日志").into_response();
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(missing());
    };
    let duty = &state.app.duty_logs;
    let done = match action.as_str() {
        "events" => duty
            .add_event(
                &user.session,
                id,
                &f.kind,
                Some(f.time.as_str()),
                &f.description,
                &f.action,
            )
            .await
            .map(|l| format!("已记录{}的值班事件", l.floor)),
        "handover" => duty
            .hand_over(&user.session, id, &f.note)
            .await
            .map(|l| format!("{}已交接班", l.floor)),
        _ => return Ok(missing()),
    };
    match done {
        Ok(message) => Ok(back("/supervise/duty", &message)),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_duty(&state, &user, None, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}
