//! 窗口排班测算 page (`/admin/staffing`, issue 18 part 4): choose a day and a
//! target, read the plan per half-hour (temporary windows highlighted, every
//! figure explained), try a what-if, and set a past day's plan against what
//! happened. Prints on A4.

use super::manage::guard;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageResult, render};
use app::AppError;
use app::staffing::{StaffingPlanView, StaffingReview, WhatIf};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::permission::Permission;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/staffing", get(page))
}

#[derive(Deserialize, Default)]
struct Params {
    date: Option<String>,
    target_wait_minutes: Option<String>,
    service_level: Option<String>,
    /// The what-if form was sent.
    whatif: Option<String>,
    arrival_scale: Option<String>,
    windows: Option<String>,
    break_minutes: Option<String>,
    review_date: Option<String>,
}

struct Row {
    from: String,
    to: String,
    category: String,
    name: String,
    arrivals: String,
    booked: u32,
    service: String,
    erlang: u32,
    windows: u32,
    added: u32,
    simulated: String,
    p90: String,
    hall: u32,
    temporary: bool,
    explanation: String,
    /// First row of its half-hour (the time is shown once).
    first: bool,
}

struct PlanBlock {
    heading: String,
    working: bool,
    reason: String,
    basis: String,
    history: String,
    notes: Vec<String>,
    rows: Vec<Row>,
    temporary: Vec<String>,
    totals: Vec<(String, u32)>,
    simulated: String,
    avg_wait: String,
    categories: Vec<(String, String, String, String, u32)>,
    elapsed: String,
}

struct ReviewRow {
    from: String,
    category: String,
    forecast: String,
    actual: u32,
    error: String,
    planned: u32,
    actual_windows: u32,
    simulated: String,
    actual_sl: String,
    avg_wait: String,
    p90: String,
}

struct ReviewBlock {
    heading: String,
    summary: String,
    rows: Vec<ReviewRow>,
}

#[derive(Template)]
#[template(path = "manage/staffing.html")]
struct StaffingPage {
    chrome: Chrome,
    date: String,
    target_wait: String,
    level: String,
    scale: String,
    windows: String,
    breaks: String,
    review_date: String,
    error: Option<String>,
    plan: Option<PlanBlock>,
    what_if: Option<PlanBlock>,
    review: Option<ReviewBlock>,
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.0}%", v * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn minutes(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

fn one(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x.round())
    } else {
        format!("{x:.1}")
    }
}

fn block(heading: String, p: StaffingPlanView) -> PlanBlock {
    let names: std::collections::BTreeMap<String, String> = p
        .categories
        .iter()
        .map(|c| (c.category.clone(), c.name.clone()))
        .collect();
    let mut last = String::new();
    let rows = p
        .slots
        .iter()
        .map(|s| {
            let first = s.from != last;
            last = s.from.clone();
            Row {
                from: s.from.clone(),
                to: s.to.clone(),
                category: s.category.clone(),
                name: names.get(&s.category).cloned().unwrap_or_default(),
                arrivals: one(s.arrivals),
                booked: s.booked,
                service: one(s.avg_service_minutes),
                erlang: s.erlang_windows,
                windows: s.windows,
                added: s.added_by_simulation,
                simulated: pct(s.simulated_service_level),
                p90: minutes(s.simulated_p90_wait_minutes),
                hall: s.hall_windows,
                temporary: s.temporary_window,
                explanation: s.explanation.clone(),
                first,
            }
        })
        .collect();
    PlanBlock {
        heading,
        working: p.working_day,
        reason: p.reason,
        basis: p.basis,
        history: p
            .history_days
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("、"),
        notes: p.notes,
        rows,
        temporary: p.temporary.into_iter().map(|t| t.sentence).collect(),
        totals: p.totals.into_iter().map(|t| (t.from, t.windows)).collect(),
        simulated: pct(p.simulated_service_level),
        avg_wait: minutes(p.simulated_avg_wait_minutes),
        categories: p
            .categories
            .into_iter()
            .map(|c| {
                (
                    format!("{} {}", c.category, c.name),
                    one(c.forecast_arrivals),
                    one(c.avg_service_minutes),
                    c.service_note,
                    c.hall_windows,
                )
            })
            .collect(),
        elapsed: format!("{:.0}", p.elapsed_ms),
    }
}

fn review_block(r: StaffingReview) -> ReviewBlock {
    ReviewBlock {
        heading: format!("{}（{}）方案与实际对比", r.date, r.weekday),
        summary: r.summary,
        rows: r
            .slots
            .into_iter()
            .map(|s| ReviewRow {
                from: format!("{}–{}", s.from, s.to),
                category: s.category,
                forecast: one(s.forecast_arrivals),
                actual: s.actual_arrivals,
                error: format!("{:+.1}", s.forecast_error),
                planned: s.planned_windows,
                actual_windows: s.actual_windows,
                simulated: pct(s.simulated_service_level),
                actual_sl: pct(s.actual_service_level),
                avg_wait: minutes(s.actual_avg_wait_minutes),
                p90: minutes(s.actual_p90_wait_minutes),
            })
            .collect(),
    }
}

/// A 4xx from the use case is shown on the page; anything else is an error page.
fn shown(state: &AppState, e: AppError) -> Result<String, Box<Response>> {
    let api = crate::ApiError::from(e);
    if api.status.is_client_error()
        && api.status != StatusCode::FORBIDDEN
        && api.status != StatusCode::UNAUTHORIZED
    {
        Ok(api.message)
    } else {
        Err(Box::new(
            PageError::new(state, api.status, "无法完成", api.message).into_response(),
        ))
    }
}

fn number(raw: &Option<String>, default: f64, label: &str) -> Result<f64, String> {
    match raw.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(default),
        Some(r) => r
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{label}“{r}”不是有效的数")),
    }
}

fn date(raw: &Option<String>, default: Date) -> Result<Date, String> {
    match raw.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(default),
        Some(r) => r.parse().map_err(|_| format!("日期“{r}”无效，应为YYYY-MM-DD")),
    }
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<Params>,
) -> PageResult {
    let user = guard(&state, user, Permission::StaffingPlan, &uri)?;
    let today = state.app.today();
    let tomorrow = today.tomorrow().unwrap_or(today);
    let yesterday = today.yesterday().unwrap_or(today);
    let mut errors: Vec<String> = Vec::new();
    let day = date(&q.date, tomorrow).unwrap_or_else(|e| {
        errors.push(e);
        tomorrow
    });
    let wait = number(&q.target_wait_minutes, 10.0, "目标等候时间").unwrap_or_else(|e| {
        errors.push(e);
        10.0
    });
    let level = number(&q.service_level, 0.8, "服务水平目标").unwrap_or_else(|e| {
        errors.push(e);
        0.8
    });
    let staffing = &state.app.staffing;
    let mut plan = None;
    if errors.is_empty() {
        match staffing.plan(&user.session, day, wait, level, None).await {
            Ok(p) => {
                plan = Some(block(format!("{}（{}）窗口排班方案", p.date, p.weekday), p));
            }
            Err(e) => errors.push(shown(&state, e).map_err(|r| *r)?),
        }
    }
    let mut what_if = None;
    if q.whatif.is_some() && errors.is_empty() {
        let parsed = number(&q.arrival_scale, 1.0, "到达人数倍数")
            .and_then(|s| number(&q.break_minutes, 0.0, "休息时长").map(|b| (s, b)));
        match parsed {
            Err(e) => errors.push(e),
            Ok((s, b)) => match WhatIf::parse(Some(s), q.windows.as_deref(), Some(b)) {
                Err(e) => errors.push(shown(&state, e).map_err(|r| *r)?),
                Ok(w) => match staffing.plan(&user.session, day, wait, level, Some(w)).await {
                    Ok(p) => {
                        what_if = Some(block(format!("{}（{}）假设测算", p.date, p.weekday), p));
                    }
                    Err(e) => errors.push(shown(&state, e).map_err(|r| *r)?),
                },
            },
        }
    }
    let mut review = None;
    if let Some(raw) = q.review_date.as_ref().filter(|r| !r.trim().is_empty()) {
        match date(&Some(raw.clone()), yesterday) {
            Err(e) => errors.push(e),
            Ok(d) => match staffing.review(&user.session, d, wait, level).await {
                Ok(r) => review = Some(review_block(r)),
                Err(e) => errors.push(shown(&state, e).map_err(|r| *r)?),
            },
        }
    }
    let review_default = {
        // The last day before today (the form's suggestion).
        let mut d = yesterday;
        for _ in 0..7 {
            if !matches!(
                d.weekday(),
                jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
            ) {
                break;
            }
            d = d.checked_sub(1.day()).unwrap_or(d);
        }
        d
    };
    Ok(render(
        &state,
        &StaffingPage {
            chrome: Chrome::new(&state, Some(&user), "admin"),
            date: day.to_string(),
            target_wait: one(wait),
            level: format!("{level}"),
            scale: q.arrival_scale.clone().unwrap_or_else(|| "1".into()),
            windows: q.windows.clone().unwrap_or_default(),
            breaks: q.break_minutes.clone().unwrap_or_else(|| "0".into()),
            review_date: q
                .review_date
                .clone()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| review_default.to_string()),
            error: (!errors.is_empty()).then(|| errors.join("；")),
            plan,
            what_if,
            review,
        },
    ))
}
