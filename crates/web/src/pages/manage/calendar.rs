//! 工作日历管理: the years known, a month grid per year, loading a new year,
//! and a deadline calculator.

use super::{back, check_form, guard};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::Role;
use domain::permission::Permission;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/calendar", get(page)).route(
        "/admin/calendar/import",
        post(import).layer(axum::extract::DefaultBodyLimit::max(
            crate::security::IMPORT_LIMIT,
        )),
    )
}

/// One cell of the month grid.
pub struct Cell {
    day: i8,
    /// workday, rest, holiday (a weekday off) or makeup (调休: a weekend day at work); empty for padding.
    kind: &'static str,
}

pub struct Month {
    title: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "manage/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    csrf: String,
    can_edit: bool,
    ok: Option<String>,
    error: Option<String>,
    years: Vec<i16>,
    year: i16,
    months: Vec<Month>,
    from: String,
    days: String,
    answer: Option<String>,
    /// Years without the official schedule (weekends and statutory holidays only).
    provisional: Vec<i16>,
    warning: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Params {
    year: Option<i16>,
    from: Option<String>,
    days: Option<String>,
    ok: Option<String>,
}

fn months(cal: &domain::WorkCalendar, year: i16) -> Vec<Month> {
    let mut out = Vec::new();
    for m in 1..=12i8 {
        let Ok(first) = Date::new(year, m, 1) else {
            continue;
        };
        let mut cells: Vec<Cell> = (0..first.weekday().to_monday_zero_offset())
            .map(|_| Cell { day: 0, kind: "" })
            .collect();
        let mut d = first;
        while d.month() == m {
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            let kind = match (cal.is_workday(d), weekend) {
                (Ok(true), false) => "workday",
                (Ok(true), true) => "makeup",
                (Ok(false), true) => "rest",
                (Ok(false), false) => "holiday",
                (Err(_), _) => "",
            };
            cells.push(Cell { day: d.day(), kind });
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        out.push(Month {
            title: format!("{m}月"),
            cells,
        });
    }
    out
}

async fn build(state: &AppState, user: &CurrentUser, p: Params, error: Option<String>) -> Response {
    let cal = match state.app.calendar().await {
        Ok(c) => c,
        Err(e) => return crate::pages::PageError::from_app(state, e).into_response(),
    };
    let years = cal.years();
    let today = state.app.today();
    let year = p
        .year
        .filter(|y| cal.has_year(*y))
        .unwrap_or(if cal.has_year(today.year()) {
            today.year()
        } else {
            years.last().copied().unwrap_or(today.year())
        });
    let from = p.from.clone().unwrap_or_else(|| today.to_string());
    let days = p.days.clone().unwrap_or_default();
    let answer = match (p.from.as_deref(), p.days.as_deref()) {
        (Some(f), Some(n)) if !n.trim().is_empty() => {
            Some(match (f.trim().parse::<Date>(), n.trim().parse::<u32>()) {
                (Ok(f), Ok(n)) => match cal.deadline_of(f, n) {
                    Ok(d) => format!(
                        "自{f}受理，{n}个工作日的办结期限为 {}（{}）{}",
                        d.date,
                        weekday(d.date.weekday()),
                        if d.provisional {
                            "。暂定：计入了尚未公布节假日安排的年份，公布后以正式安排为准"
                        } else {
                            ""
                        }
                    ),
                    Err(e) => e.to_string(),
                },
                (Err(_), _) => "受理日期无效，应为YYYY-MM-DD".into(),
                (_, Err(_)) => "工作日数应为0至3650之间的整数".into(),
            })
        }
        _ => None,
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CalendarPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        can_edit: user.session.user.role == Role::Admin,
        ok: p.ok,
        error,
        months: months(&cal, year),
        years,
        year,
        from,
        days,
        answer,
        provisional: cal
            .years()
            .into_iter()
            .filter(|y| cal.is_provisional_year(*y))
            .collect(),
        warning: super::calendar_warning(state).await,
    };
    (status, render(state, &page)).into_response()
}

fn weekday(w: Weekday) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][w.to_monday_zero_offset() as usize]
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<Params>,
) -> Response {
    match guard(&state, user, Permission::SignedIn, &uri) {
        Ok(user) => build(&state, &user, p, None).await,
        Err(r) => r,
    }
}

async fn import(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    let user = guard(&state, user, Permission::CalendarManage, &uri)?;
    let mut csrf = String::new();
    let mut text = None;
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let Ok(bytes) = field.bytes().await else { break };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => text = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    if let Err(r) = check_form(&state, &user, &headers, &csrf) {
        return Ok(r);
    }
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(build(
            &state,
            &user,
            Params::default(),
            Some("请选择日历文件（TSV）".into()),
        )
        .await);
    };
    match state.app.import_calendar(&user.actor(), &text).await {
        Ok(done) => {
            let list = done
                .years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、");
            let first = done.years.first().copied().unwrap_or(0);
            let r = &done.recomputed;
            let cases = if r.checked > 0 {
                format!(
                    "；重新计算了{}件暂定期限的在办件，{}件期限变化，其中{}件提前（已通知所属部门）",
                    r.checked,
                    r.moved.len(),
                    r.moved_earlier
                )
            } else {
                String::new()
            };
            Ok(back(
                &format!("/admin/calendar?year={first}"),
                &format!("已导入{list}年的工作日历{cases}"),
            ))
        }
        Err(e) => Ok(build(&state, &user, Params::default(), Some(e.to_string())).await),
    }
}
