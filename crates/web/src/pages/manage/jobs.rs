//! 后台任务: each background job, its period and its runs since this
//! instance started; the administrator can run one now.

use super::{CsrfForm, back, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageForm, PageResult, render};
use app::{AppError, JobRun, JobStatus, Outcome, Trigger};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::permission::Permission;
use serde::Deserialize;
use std::time::Duration;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/jobs", get(page))
        .route("/admin/jobs/{code}/run", post(run_now))
}

struct JobRow {
    code: &'static str,
    name: &'static str,
    period: String,
    running: bool,
    last: Option<RunRow>,
    runs: u64,
    failures: u64,
    items: u64,
}

struct RunRow {
    job: &'static str,
    started: String,
    seconds: String,
    by: String,
    ok: bool,
    outcome: String,
}

#[derive(Template)]
#[template(path = "manage/jobs.html")]
struct JobsPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    jobs: Vec<JobRow>,
    recent: Vec<RunRow>,
    can_run: bool,
}

#[derive(Deserialize, Default)]
struct Notice {
    ok: Option<String>,
}

/// "每分钟", "每小时", "每30秒".
fn period(every: Duration) -> String {
    match every.as_secs() {
        60 => "每分钟".into(),
        3600 => "每小时".into(),
        86_400 => "每天".into(),
        s if s >= 3600 && s % 3600 == 0 => format!("每{}小时", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("每{}分钟", s / 60),
        s if s > 0 => format!("每{s}秒"),
        _ => format!("每{}毫秒", every.as_millis()),
    }
}

fn run_row(state: &AppState, name: &'static str, r: &JobRun) -> RunRow {
    RunRow {
        job: name,
        started: local(state, r.started),
        seconds: format!("{:.2}秒", r.seconds),
        by: match &r.trigger {
            Trigger::Schedule => "定时".into(),
            Trigger::Manual(who) => format!("{who}手动"),
        },
        ok: !r.failed(),
        outcome: match &r.outcome {
            Outcome::Ok { items } => format!("成功，处理{items}项"),
            Outcome::Failed(e) => format!("失败：{e}"),
        },
    }
}

fn job_row(state: &AppState, s: &JobStatus) -> JobRow {
    JobRow {
        code: s.code,
        name: s.name,
        period: period(s.every),
        running: s.running_since.is_some(),
        last: s.last().map(|r| run_row(state, s.name, r)),
        runs: s.runs,
        failures: s.failures,
        items: s.items,
    }
}

fn show(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    ok: Option<String>,
    error: Option<String>,
) -> Response {
    let statuses = match state.app.background_jobs(&user.session) {
        Ok(s) => s,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let mut recent: Vec<(jiff::Timestamp, RunRow)> = statuses
        .iter()
        .flat_map(|s| s.recent.iter().map(|r| (r.started, run_row(state, s.name, r))))
        .collect();
    recent.sort_by_key(|r| std::cmp::Reverse(r.0));
    recent.truncate(50);
    let page = JobsPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        jobs: statuses.iter().map(|s| job_row(state, s)).collect(),
        recent: recent.into_iter().map(|(_, r)| r).collect(),
        can_run: user.session.user.role.can(Permission::JobsRun),
    };
    (status, render(state, &page)).into_response()
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::JobsRead, &uri)?;
    Ok(show(&state, &user, StatusCode::OK, n.ok, None))
}

async fn run_now(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(code): Path<String>,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::JobsRun, &uri, &headers, &f.csrf)?;
    let run = match state.app.run_job_now(&user.session, &code).await {
        Ok(run) => run,
        Err(e @ AppError::Conflict(..)) => {
            return Ok(show(
                &state,
                &user,
                StatusCode::CONFLICT,
                None,
                Some(e.to_string()),
            ));
        }
        Err(e) => return Err(PageError::from_app(&state, e).into_response()),
    };
    let name = state
        .app
        .job_statuses()
        .into_iter()
        .find(|s| s.code == run.job)
        .map_or(run.job, |s| s.name);
    Ok(match run.outcome {
        Outcome::Ok { items } => back("/admin/jobs", &format!("“{name}”已运行：处理{items}项")),
        Outcome::Failed(e) => show(
            &state,
            &user,
            StatusCode::OK,
            None,
            Some(format!("“{name}”运行失败：{e}")),
        ),
    })
}
