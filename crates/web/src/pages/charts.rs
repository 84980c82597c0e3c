//! 统计图 page (issue 18 part 2): `/admin/charts?from&to[&date][&department]`
//! shows the six charts, each drawn inline as SVG with its numbers in a
//! table beside it (the same numbers: the table is read from the chart's
//! series), and prints on A4, one chart with its table per block.

use super::manage::guard;
use crate::ApiError;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::charts::{cell_text, svg};
use crate::pages::{Chrome, PageError, PageResult, render};
use app::charts::{Chart, ChartQuery};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::get;
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/charts", get(page))
}

/// One chart on the page: its SVG, its table and where to fetch it alone.
pub struct Block {
    code: &'static str,
    title: String,
    subtitle: String,
    svg: String,
    x_label: String,
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
    figures: Vec<(String, String)>,
    note: String,
    query: String,
}

impl Block {
    fn of(chart: &Chart, query: &str) -> Result<Block, String> {
        let rows = chart
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let cells = chart
                    .series
                    .iter()
                    .map(|s| cell_text(s.axis, s.values.get(i).copied().flatten()))
                    .collect();
                (label.clone(), cells)
            })
            .collect();
        Ok(Block {
            code: chart.name.code(),
            title: chart.title.clone(),
            subtitle: chart.subtitle.clone(),
            svg: svg(chart)?,
            x_label: chart.x_label.clone(),
            columns: chart.series.iter().map(|s| s.name.clone()).collect(),
            rows,
            figures: chart
                .figures
                .iter()
                .map(|f| (f.label.clone(), f.value.clone()))
                .collect(),
            note: chart.note.clone(),
            query: query.to_owned(),
        })
    }
}

#[derive(Template)]
#[template(path = "manage/charts.html")]
struct ChartsPage {
    chrome: Chrome,
    error: Option<String>,
    hall_name: String,
    from: String,
    to: String,
    date: String,
    department: String,
    departments: Vec<(String, String)>,
    printed_on: String,
    blocks: Vec<Block>,
}

#[derive(Deserialize, Default)]
struct ChartsQuery {
    from: Option<String>,
    to: Option<String>,
    date: Option<String>,
    department: Option<String>,
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<ChartsQuery>,
) -> PageResult {
    let user = guard(&state, user, Permission::ChartsRead, &uri)?;
    let clean = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let query = ChartQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        date: q.date.clone(),
        department: q.department.clone(),
    };
    let link = [
        ("from", &q.from),
        ("to", &q.to),
        ("date", &q.date),
        ("department", &q.department),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| format!("{k}={}", encode(v)))
    })
    .collect::<Vec<_>>()
    .join("&");
    let departments = state
        .app
        .departments()
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    let mut page = ChartsPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        error: None,
        hall_name: state.app.settings.hall.name.clone(),
        from: clean(&q.from),
        to: clean(&q.to),
        date: clean(&q.date),
        department: clean(&q.department),
        departments,
        printed_on: state.app.today().to_string(),
        blocks: Vec::new(),
    };
    match state.app.charts().all(&user.session, &query).await {
        Ok(charts) => {
            for c in &charts {
                match Block::of(c, &link) {
                    Ok(b) => page.blocks.push(b),
                    Err(e) => {
                        tracing::error!(error = %e, chart = c.name.code(), "chart drawing failed");
                        return Err(PageError::new(
                            &state,
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "系统暂时出错",
                            "统计图绘制失败",
                        )
                        .into_response());
                    }
                }
            }
            Ok(render(&state, &page))
        }
        Err(e) => {
            let e = ApiError::from(e);
            let status = e.status;
            page.error = Some(e.message);
            Ok((status, render(&state, &page)).into_response())
        }
    }
}
