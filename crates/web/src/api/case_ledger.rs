//! 服务台账 over HTTP: the ledger with filters and paging, work lists by
//! urgency, the overdue cases for supervision, figures per department and
//! item, and the XLSX export.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppQuery, Caller, parse_date};
use app::case_ledger::{LedgerFigures, LedgerList, LedgerQuery};
use app::evaluation_report::period;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct LedgerParams {
    /// Accepted on or after (YYYY-MM-DD).
    from: Option<String>,
    /// Accepted on or before (YYYY-MM-DD).
    to: Option<String>,
    /// A department's code or name (a liaison sees only their own).
    department: Option<String>,
    /// A window's number.
    window: Option<String>,
    /// An item's code.
    item: Option<String>,
    /// A status code (accepted, under_review, paused, decided, completed…) or its Chinese label.
    status: Option<String>,
    /// From 1.
    page: Option<i64>,
    /// Rows a page (default 50).
    page_size: Option<i64>,
    /// `worklist`: the open cases of the department or window by urgency
    /// (red, amber, then by deadline) instead of the ledger.
    view: Option<String>,
}

fn date(field: &str, raw: Option<&str>) -> ApiResult<Option<jiff::civil::Date>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(parse_date(field, s)?)),
        None => Ok(None),
    }
}

pub fn ledger_query(p: &LedgerParams) -> ApiResult<LedgerQuery> {
    Ok(LedgerQuery {
        from: date("from", p.from.as_deref())?,
        to: date("to", p.to.as_deref())?,
        department: p.department.clone(),
        window: p.window.clone(),
        item: p.item.clone(),
        status: p.status.clone(),
        page: p.page.unwrap_or(1),
        page_size: p.page_size,
    })
}

/// The service ledger (newest acceptance first, 50 a page), or with
/// `view=worklist` a department's or window's open cases by urgency.
#[utoipa::path(get, path = "/api/cases", operation_id = "list_cases", params(LedgerParams), tag = "办件",
    responses((status = 200, body = super::schemas::LedgerList, description = "一页台账"),
        (status = 403, description = "只能查看本部门的办件"),
        (status = 422, description = "日期、状态或 view 无效")))]
pub async fn list(
    Caller(state, user): Caller,
    AppQuery(p): AppQuery<LedgerParams>,
) -> ApiResult<Json<LedgerList>> {
    match p.view.as_deref().unwrap_or("ledger") {
        "ledger" | "" => Ok(Json(
            state.app.cases.ledger(&user.session, &ledger_query(&p)?).await?,
        )),
        "worklist" => {
            open_cases(
                &state,
                &user,
                p.department.as_deref(),
                p.window.as_deref(),
                p.page,
            )
            .await
        }
        other => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("view：“{other}”应为 ledger 或 worklist"),
        )
        .field("view")),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorklistParams {
    /// A department's code or name (default: the caller's own).
    department: Option<String>,
    /// A window's number.
    window: Option<String>,
    /// From 1.
    page: Option<i64>,
}

/// 工作清单: open cases of a department or window, red, amber, then by deadline.
#[utoipa::path(get, path = "/api/cases/worklist", operation_id = "case_worklist", params(WorklistParams), tag = "办件",
    responses((status = 200, body = super::schemas::LedgerList, description = "在办件，按紧急程度排序"),
        (status = 403, description = "只能查看本部门或本窗口的办件"),
        (status = 422, description = "未指定部门或窗口")))]
pub async fn worklist(
    Caller(state, user): Caller,
    AppQuery(p): AppQuery<WorklistParams>,
) -> ApiResult<Json<LedgerList>> {
    open_cases(
        &state,
        &user,
        p.department.as_deref(),
        p.window.as_deref(),
        p.page,
    )
    .await
}

/// A department's or window's open cases by urgency, a page at a time.
async fn open_cases(
    state: &AppState,
    user: &CurrentUser,
    department: Option<&str>,
    window: Option<&str>,
    page: Option<i64>,
) -> ApiResult<Json<LedgerList>> {
    let list = state
        .app
        .cases
        .worklist(&user.session, department, window, page.unwrap_or(1));
    Ok(Json(list.await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverdueParams {
    /// A department's code or name.
    department: Option<String>,
    /// From 1.
    page: Option<i64>,
}

/// 超期督办: open cases past their deadline without a lawful pause.
#[utoipa::path(get, path = "/api/cases/overdue", operation_id = "overdue_cases", params(OverdueParams), tag = "办件",
    responses((status = 200, body = super::schemas::LedgerList, description = "超期未办结的办件")))]
pub async fn overdue(
    Caller(state, user): Caller,
    AppQuery(p): AppQuery<OverdueParams>,
) -> ApiResult<Json<LedgerList>> {
    Ok(Json(
        state
            .app
            .cases
            .overdue_cases(&user.session, p.department.as_deref(), p.page.unwrap_or(1))
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BreakdownParams {
    /// First day of acceptance, YYYY-MM-DD.
    from: String,
    /// Last day (default: `from`).
    to: Option<String>,
}

/// Figures per department and item for cases accepted in a period: accepted,
/// completed, 办结率, on-time rate, average calendar days, overdue.
#[utoipa::path(get, path = "/api/reports/cases/breakdown", operation_id = "case_breakdown", params(BreakdownParams), tag = "办件",
    responses((status = 200, body = Object, description = "合计及按部门、按事项的受理、办结、办结率、按时率、平均用时、超期")))]
pub async fn breakdown(
    Caller(state, user): Caller,
    AppQuery(p): AppQuery<BreakdownParams>,
) -> ApiResult<Json<LedgerFigures>> {
    let (from, to) = period(&p.from, p.to.as_deref())?;
    Ok(Json(
        state.app.cases.ledger_figures(&user.session, from, to).await?,
    ))
}

/// The filtered ledger as an XLSX workbook (at most 100000 rows).
#[utoipa::path(get, path = "/api/cases/export.xlsx", operation_id = "export_cases", params(LedgerParams), tag = "办件",
    responses((status = 200, description = "XLSX 台账（最多100000行）",
        content((super::schemas::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "只能导出本部门的办件"),
        (status = 422, description = "日期或状态无效，或超过100000行")))]
pub async fn export(Caller(state, user): Caller, AppQuery(p): AppQuery<LedgerParams>) -> ApiResult<Response> {
    let bytes = state
        .app
        .cases
        .ledger_xlsx(&user.session, &ledger_query(&p)?)
        .await?;
    let name = format!("attachment; filename=\"cases-{}.xlsx\"", state.app.today());
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
