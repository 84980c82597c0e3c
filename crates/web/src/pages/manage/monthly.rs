//! The director's monthly page (月度统计): intake, waits and 按期办结率 per
//! month, per department and per window, for any range of up to 12 months;
//! A4 print and XLSX.

use super::guard;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::{Chrome, PageError, PageResult, render};
use app::monthly::{MonthlyReport, parse_month};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{Uri, header};
use axum::response::IntoResponse;
use axum::routing::get;
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/reports/monthly", get(monthly))
        .route("/admin/reports/monthly.xlsx", get(monthly_xlsx))
}

#[derive(Deserialize, Default)]
struct MonthQuery {
    /// 2026-01
    from: Option<String>,
    /// 2026-11
    to: Option<String>,
}

/// A rate as a person reads it: 98.5%, or — when nothing counted.
fn percent(rate: &Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "—".into(),
    }
}

#[derive(Template)]
#[template(path = "manage/monthly.html")]
struct MonthlyPage {
    chrome: Chrome,
    hall_name: String,
    from: String,
    to: String,
    error: Option<String>,
    report: Option<MonthlyReport>,
    printed_on: String,
}

impl MonthlyPage {
    fn pct(&self, rate: &Option<f64>) -> String {
        percent(rate)
    }

    fn minutes(&self, seconds: &f64) -> String {
        format!("{:.1}", seconds / 60.0)
    }
}

fn months(state: &AppState, q: &MonthQuery) -> (String, String) {
    let today = state.app.today();
    let this_month = today.strftime("%Y-%m").to_string();
    let start_of_year = format!("{}-01", today.year());
    let pick = |v: &Option<String>, default: String| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or(default)
    };
    (pick(&q.from, start_of_year), pick(&q.to, this_month))
}

async fn monthly(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<MonthQuery>,
) -> PageResult {
    let user = guard(&state, user, Permission::ReportsRead, &uri)?;
    let (from, to) = months(&state, &q);
    let mut page = MonthlyPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        hall_name: state.app.settings.hall.name.clone(),
        from: from.clone(),
        to: to.clone(),
        error: None,
        report: None,
        printed_on: state.app.today().to_string(),
    };
    let answer = match (parse_month("from", &from), parse_month("to", &to)) {
        (Ok(f), Ok(t)) => state.app.monthly_report(&user.session, f, t).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match answer {
        Ok(r) => page.report = Some(r),
        Err(app::AppError::Invalid { message, .. }) => page.error = Some(message),
        Err(e) => return Err(PageError::from_app(&state, e).into_response()),
    }
    Ok(render(&state, &page))
}

async fn monthly_xlsx(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<MonthQuery>,
) -> PageResult {
    let user = guard(&state, user, Permission::ReportsRead, &uri)?;
    let (from, to) = months(&state, &q);
    let bytes = async {
        let (f, t) = (parse_month("from", &from)?, parse_month("to", &to)?);
        state.app.monthly_report_xlsx(&user.session, f, t).await
    }
    .await
    .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let name = format!("attachment; filename=\"monthly-{from}-{to}.xlsx\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}
