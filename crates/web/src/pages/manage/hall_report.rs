//! 日报、月报、年度报告 as an A4 page (issue 18 part 3): choose the period by
//! preset (日报, 月报, 年度报告) or dates, the hall or one department; the
//! same tables as the workbook and the PDF (`/api/reports/summary`), with
//! links to both. The per-month table of waits stays on /admin/reports/monthly.

use super::guard;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageResult, render};
use app::hall_report::{HallSummary, parse_period};
use app::hall_report_xlsx::{Cell, Table, tables};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::catalog::Department;
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/reports/summary", get(summary))
}

#[derive(Deserialize, Default)]
struct SummaryQuery {
    from: Option<String>,
    to: Option<String>,
    department: Option<String>,
    /// day, month or year: the period of that kind around `from`.
    kind: Option<String>,
}

/// A preset period (日报 today, 月报 this month and last, 年度 this year and last).
struct Preset {
    label: String,
    from: Date,
    to: Date,
    current: bool,
}

#[derive(Template)]
#[template(path = "manage/hall_report.html")]
struct SummaryPage {
    chrome: Chrome,
    from: String,
    to: String,
    department: String,
    departments: Vec<Department>,
    presets: Vec<Preset>,
    error: Option<String>,
    report: Option<HallSummary>,
    tables: Vec<Table>,
    query: String,
}

impl SummaryPage {
    fn cell(&self, c: &Cell) -> String {
        match c {
            Cell::Text(s) => s.clone(),
            Cell::Number(v) if v.fract() == 0.0 => format!("{}", *v as i64),
            Cell::Number(v) => format!("{v:.2}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_owned(),
            Cell::Empty => "—".into(),
        }
    }

    fn pct(&self, rate: &Option<f64>) -> String {
        rate.map_or("—".into(), |r| format!("{:.2}%", r * 100.0))
    }
}

fn presets(today: Date, from: &str, to: &str) -> Vec<Preset> {
    let month = today.first_of_month();
    let last_month = month.yesterday().map(|d| d.first_of_month()).unwrap_or(month);
    let year = today.first_of_year();
    let last_year = year.yesterday().map(|d| d.first_of_year()).unwrap_or(year);
    let list = [
        (format!("日报 {}月{}日", today.month(), today.day()), today, today),
        (format!("月报 {}月", month.month()), month, month.last_of_month()),
        (
            format!("月报 {}月", last_month.month()),
            last_month,
            last_month.last_of_month(),
        ),
        (format!("年度报告 {}年", year.year()), year, year.last_of_year()),
        (
            format!("年度报告 {}年", last_year.year()),
            last_year,
            last_year.last_of_year(),
        ),
    ];
    list.into_iter()
        .map(|(label, f, t)| Preset {
            current: f.to_string() == from && t.to_string() == to,
            label,
            from: f,
            to: t,
        })
        .collect()
}

/// The period the query asks for: `kind` stretches `from` to its day, month or year.
fn period(today: Date, q: &SummaryQuery) -> (String, String) {
    let pick = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let from = pick(&q.from);
    let to = pick(&q.to);
    let anchor = from
        .as_deref()
        .and_then(|f| f.parse::<Date>().ok())
        .unwrap_or(today);
    match q.kind.as_deref() {
        Some("day") => (anchor.to_string(), anchor.to_string()),
        Some("month") => (
            anchor.first_of_month().to_string(),
            anchor.last_of_month().to_string(),
        ),
        Some("year") => (
            anchor.first_of_year().to_string(),
            anchor.last_of_year().to_string(),
        ),
        _ => match (from, to) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f.clone(), f),
            _ => (
                today.first_of_month().to_string(),
                today.last_of_month().to_string(),
            ),
        },
    }
}

async fn summary(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<SummaryQuery>,
) -> PageResult {
    let user = guard(&state, user, Permission::HallReportRead, &uri)?;
    let today = state.app.today();
    let (from, to) = period(today, &q);
    let department = q.department.clone().unwrap_or_default().trim().to_owned();
    let departments = state
        .app
        .departments()
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let mut query = format!("from={from}&to={to}");
    if !department.is_empty() {
        query.push_str(&format!("&department={department}"));
    }
    let mut page = SummaryPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        presets: presets(today, &from, &to),
        from: from.clone(),
        to: to.clone(),
        department: department.clone(),
        departments,
        error: None,
        report: None,
        tables: Vec::new(),
        query,
    };
    let answer = match parse_period(Some(&from), Some(&to)) {
        Ok((f, t)) => {
            let d = Some(department.as_str()).filter(|d| !d.is_empty());
            state.app.hall_reports.summary(&user.session, f, t, d).await
        }
        Err(e) => Err(e),
    };
    match answer {
        Ok(r) => {
            page.tables = tables(&r);
            page.report = Some(r);
        }
        Err(app::AppError::Invalid { message, .. }) => page.error = Some(message),
        Err(e) => return Err(PageError::from_app(&state, e).into_response()),
    }
    Ok(render(&state, &page))
}
