//! 专项活动 pages (issue 16 part 7): the list at /campaigns, the form at
//! /campaigns/new (admin, leader), one campaign at /campaigns/{id} (phases
//! as a timeline, tasks with their owner, due date and status, KPIs
//! baseline → current → target) and its report for A4 at
//! /campaigns/{id}/report (with the XLSX download beside it).

use super::manage::{back, guard, guard_post};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageForm, PageResult, render};
use app::AppError;
use app::campaign::{CampaignListItem, CampaignView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::campaign::{CampaignText, KpiText, Metric, PhaseText, TaskStatus, TaskText};
use domain::permission::Permission;
use serde::Deserialize;
use uuid::Uuid;

/// Blank rows the form offers.
const PHASE_ROWS: usize = 5;
const TASK_ROWS: usize = 10;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/campaigns", get(list_page))
        .route("/campaigns/new", get(new_page).post(create))
        .route("/campaigns/{id}", get(detail_page))
        .route("/campaigns/{id}/report", get(report_page))
        .route("/campaigns/{id}/tasks/{task}", post(set_status))
}

#[derive(Deserialize, Default)]
struct Notice {
    ok: Option<String>,
}

fn page_error(state: &AppState, e: AppError) -> Response {
    PageError::from_app(state, e).into_response()
}

// A refusal is the page the handler returns as it is.
#[allow(clippy::result_large_err)]
fn parse_id(state: &AppState, raw: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(raw).map_err(|_| {
        PageError::new(state, StatusCode::NOT_FOUND, "没有找到", "专项活动不存在").into_response()
    })
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "campaign/list.html")]
struct ListPage {
    chrome: Chrome,
    ok: Option<String>,
    error: Option<String>,
    can_create: bool,
    campaigns: Vec<CampaignListItem>,
}

async fn list_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::CampaignRead, &uri)?;
    let campaigns = state
        .app
        .campaigns
        .list(&user.session)
        .await
        .map_err(|e| page_error(&state, e))?;
    let page = ListPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        ok: n.ok,
        error: None,
        can_create: user.session.user.role.can(Permission::CampaignManage),
        campaigns,
    };
    Ok(render(&state, &page))
}

// ---------------------------------------------------------------- new

/// One row of the form as typed (kept when the form comes back with an error).
#[derive(Default, Clone)]
struct Row {
    a: String,
    b: String,
    c: String,
}

#[derive(Template)]
#[template(path = "campaign/new.html")]
struct NewPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    name: String,
    from: String,
    to: String,
    phases: Vec<Row>,
    tasks: Vec<Row>,
    /// (code, label, unit hint, target typed)
    kpis: Vec<(&'static str, &'static str, &'static str, String)>,
    /// (username, name) of the active accounts.
    people: Vec<(String, String)>,
}

fn unit_hint(m: Metric) -> &'static str {
    match m {
        Metric::SatisfactionRate | Metric::OnTimeRate => "0到1的小数，如 0.99 表示 99%",
        Metric::AvgWaitMinutes => "分钟，越低越好",
        Metric::Complaints => "件，越低越好",
        Metric::InspectionDeductions => "分，越低越好",
        Metric::ScalperActions => "次，越高越好",
    }
}

async fn show_new(
    state: &AppState,
    user: &CurrentUser,
    form: Option<&[(String, String)]>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let users = match state.app.accounts.users().await {
        Ok(u) => u,
        Err(e) => return page_error(state, e),
    };
    let get = |k: &str| form.map_or(String::new(), |f| field(f, k).to_owned());
    let all = |k: &str| form.map_or(Vec::new(), |f| fields(f, k));
    let rows = |a: &str, b: &str, c: &str, n: usize| -> Vec<Row> {
        let (va, vb, vc) = (all(a), all(b), all(c));
        (0..n.max(va.len()))
            .map(|i| Row {
                a: va.get(i).cloned().unwrap_or_default(),
                b: vb.get(i).cloned().unwrap_or_default(),
                c: vc.get(i).cloned().unwrap_or_default(),
            })
            .collect()
    };
    let today = state.app.today();
    let (code, error) = match error {
        Some((c, m)) => (c, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = NewPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok: None,
        error,
        name: get("name"),
        from: form.map_or_else(|| today.to_string(), |f| field(f, "from").to_owned()),
        to: form.map_or_else(
            || {
                today
                    .checked_add(jiff::Span::new().days(99))
                    .unwrap_or(today)
                    .to_string()
            },
            |f| field(f, "to").to_owned(),
        ),
        phases: rows("phase_name", "phase_from", "phase_to", PHASE_ROWS),
        tasks: rows("task_title", "task_owner", "task_due", TASK_ROWS),
        kpis: Metric::ALL
            .into_iter()
            .map(|m| {
                (
                    m.code(),
                    m.label(),
                    unit_hint(m),
                    get(&format!("kpi_{}", m.code())),
                )
            })
            .collect(),
        people: users
            .into_iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.username, u.display_name))
            .collect(),
    };
    (code, render(state, &page)).into_response()
}

async fn new_page(State(state): State<AppState>, user: Option<CurrentUser>, uri: Uri) -> PageResult {
    let user = guard(&state, user, Permission::CampaignManage, &uri)?;
    Ok(show_new(&state, &user, None, None).await)
}

/// The value of `key` in a submitted form (the last one given).
fn field<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// Every value of `key`, in order.
fn fields(form: &[(String, String)], key: &str) -> Vec<String> {
    form.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The campaign the form describes: blank rows left out, KPIs with a target.
fn campaign_of(form: &[(String, String)]) -> Result<CampaignText, (String, String)> {
    let zip3 = |a: &str, b: &str, c: &str| {
        let (va, vb, vc) = (fields(form, a), fields(form, b), fields(form, c));
        (0..va.len())
            .map(|i| {
                (
                    va[i].clone(),
                    vb.get(i).cloned().unwrap_or_default(),
                    vc.get(i).cloned().unwrap_or_default(),
                )
            })
            .filter(|(x, y, z)| !(x.trim().is_empty() && y.trim().is_empty() && z.trim().is_empty()))
            .collect::<Vec<_>>()
    };
    let mut kpis = Vec::new();
    for m in Metric::ALL {
        let key = format!("kpi_{}", m.code());
        let raw = field(form, &key).trim();
        if raw.is_empty() {
            continue;
        }
        let target: f64 = raw
            .parse()
            .map_err(|_| (key.clone(), format!("{}的目标值“{raw}”不是数字", m.label())))?;
        kpis.push(KpiText {
            metric: m.code().to_owned(),
            target,
        });
    }
    Ok(CampaignText {
        name: field(form, "name").to_owned(),
        from: field(form, "from").to_owned(),
        to: field(form, "to").to_owned(),
        phases: zip3("phase_name", "phase_from", "phase_to")
            .into_iter()
            .map(|(name, from, to)| PhaseText { name, from, to })
            .collect(),
        tasks: zip3("task_title", "task_owner", "task_due")
            .into_iter()
            .filter(|(title, _, due)| !(title.trim().is_empty() && due.trim().is_empty()))
            .map(|(title, owner, due)| TaskText { title, owner, due })
            .collect(),
        kpis,
    })
}

async fn create(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::CampaignManage,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let input = match campaign_of(&f) {
        Ok(i) => i,
        Err((_, message)) => {
            return Ok(show_new(
                &state,
                &user,
                Some(&f),
                Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
            )
            .await);
        }
    };
    match state.app.campaigns.create(&user.session, &input).await {
        Ok(id) => Ok(back(&format!("/campaigns/{id}"), "已创建专项活动")),
        Err(AppError::Invalid { message, .. }) => Ok(show_new(
            &state,
            &user,
            Some(&f),
            Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
        )
        .await),
        Err(e) => Err(page_error(&state, e)),
    }
}

// ---------------------------------------------------------------- one campaign

#[derive(Template)]
#[template(path = "campaign/detail.html")]
struct DetailPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    c: CampaignView,
    /// (code, label) a task may be set to.
    statuses: Vec<(&'static str, &'static str)>,
    can_report: bool,
    /// Each phase's share of the campaign's days (percent, for the timeline).
    widths: Vec<u32>,
}

fn widths(c: &CampaignView) -> Vec<u32> {
    c.phases
        .iter()
        .map(|p| ((f64::from(p.days) * 100.0 / f64::from(c.days.max(1))).round() as u32).max(1))
        .collect()
}

async fn detail_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::CampaignRead, &uri)?;
    let id = parse_id(&state, &id)?;
    let c = state
        .app
        .campaigns
        .campaign(&user.session, id)
        .await
        .map_err(|e| page_error(&state, e))?;
    let page = DetailPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        csrf: user.session.csrf.clone(),
        ok: n.ok,
        error: None,
        widths: widths(&c),
        c,
        statuses: TaskStatus::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        can_report: user.session.user.role.can(Permission::ReportsRead),
    };
    Ok(render(&state, &page))
}

#[derive(Deserialize)]
struct StatusForm {
    csrf: String,
    status: String,
}

async fn set_status(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((id, task)): Path<(String, String)>,
    PageForm(f): PageForm<StatusForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::CampaignTaskUpdate,
        &uri,
        &headers,
        &f.csrf,
    )?;
    let id = parse_id(&state, &id)?;
    let task = parse_id(&state, &task)?;
    match state
        .app
        .campaigns
        .set_task_status(&user.session, id, task, &f.status)
        .await
    {
        Ok(t) => Ok(back(
            &format!("/campaigns/{id}"),
            &format!("任务“{}”已更新为{}", t.title, t.status_label),
        )),
        Err(e) => Err(page_error(&state, e)),
    }
}

// ---------------------------------------------------------------- report (A4)

#[derive(Template)]
#[template(path = "campaign/report.html")]
struct ReportPage {
    chrome: Chrome,
    hall_name: String,
    printed_on: String,
    c: CampaignView,
}

async fn report_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let user = guard(&state, user, Permission::ReportsRead, &uri)?;
    let id = parse_id(&state, &id)?;
    let c = state
        .app
        .campaigns
        .campaign(&user.session, id)
        .await
        .map_err(|e| page_error(&state, e))?;
    let page = ReportPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        hall_name: state.app.settings.hall.name.clone(),
        printed_on: state.app.today().to_string(),
        c,
    };
    Ok(render(&state, &page))
}
