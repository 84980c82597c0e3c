//! 窗口排班测算 (动态调整窗口, issue 18 part 4): the public Erlang C
//! calculator, the plan of a day from history, what-if runs and the plan
//! set against what happened (leader, supervisor, admin).

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppQuery, Caller, parse_date};
use app::staffing::{StaffingPlanView, StaffingReview, WhatIf};
use axum::Json;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message.into()).field(field)
}

/// A number from the query: missing or not a number → 422 naming the field.
fn number(field: &str, raw: Option<&str>, label: &str) -> Result<f64, ApiError> {
    let raw = raw
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| invalid(field, format!("缺少{label}（参数 {field}）")))?;
    raw.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| invalid(field, format!("{label}“{raw}”不是有效的数")))
}

/// An optional number: absent → `default`.
fn number_or(field: &str, raw: Option<&str>, label: &str, default: f64) -> Result<f64, ApiError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(default),
        some => number(field, some, label),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ErlangQuery {
    /// λ: people arriving per hour (≥ 0).
    #[param(value_type = f64)]
    arrivals_per_hour: Option<String>,
    /// s: mean service minutes per person (> 0, ≤ 1440).
    #[param(value_type = f64)]
    service_minutes: Option<String>,
    /// t: the target wait in minutes (0–1440).
    #[param(value_type = f64)]
    target_wait_minutes: Option<String>,
    /// p: the share to be called within t (0 < p < 1, e.g. 0.8).
    #[param(value_type = f64)]
    service_level: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ErlangAnswer {
    /// N: the least number of windows (N > A) whose Erlang C service level is ≥ p.
    windows: u32,
    /// The share called within t at N windows: 1 − C·e^{−(N−A)·t/s}.
    service_level: f64,
    /// The mean wait over all arrivals at N windows, minutes: C·s/(N−A).
    avg_wait_minutes: f64,
    /// C: the share who wait at all.
    probability_of_waiting: f64,
    /// A = λ·s/60, erlangs.
    load: f64,
}

/// Erlang C calculator (public, no hall data): the windows a target needs.
#[utoipa::path(get, path = "/api/staffing/erlang", operation_id = "staffing_erlang", params(ErlangQuery), tag = "窗口排班测算",
    responses((status = 200, body = ErlangAnswer, description = "{windows, service_level, avg_wait_minutes, probability_of_waiting, load}"),
        (status = 422, description = "参数缺失或无效（字段 arrivals_per_hour、service_minutes、target_wait_minutes 或 service_level；负荷超过 10000 个窗口时字段 arrivals_per_hour）")))]
pub async fn erlang(AppQuery(q): AppQuery<ErlangQuery>) -> ApiResult<Json<ErlangAnswer>> {
    let lambda = number(
        "arrivals_per_hour",
        q.arrivals_per_hour.as_deref(),
        "每小时到达人数",
    )?;
    let s = number("service_minutes", q.service_minutes.as_deref(), "平均办理时长")?;
    let t = number(
        "target_wait_minutes",
        q.target_wait_minutes.as_deref(),
        "目标等候时间",
    )?;
    let p = number("service_level", q.service_level.as_deref(), "服务水平目标")?;
    let r = domain::staffing::windows_for(lambda, s, t, p).map_err(|e| invalid(e.field, e.message))?;
    Ok(Json(ErlangAnswer {
        windows: r.windows,
        service_level: r.service_level,
        avg_wait_minutes: r.avg_wait_minutes,
        probability_of_waiting: r.probability_of_waiting,
        load: r.load,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// The day to plan, YYYY-MM-DD.
    date: Option<String>,
    /// Target wait in minutes (default 10).
    #[param(value_type = Option<f64>)]
    target_wait_minutes: Option<String>,
    /// Share to be called within the target wait (default 0.8).
    #[param(value_type = Option<f64>)]
    service_level: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WhatIfQuery {
    /// The day to plan, YYYY-MM-DD.
    date: Option<String>,
    /// Target wait in minutes (default 10).
    #[param(value_type = Option<f64>)]
    target_wait_minutes: Option<String>,
    /// Share to be called within the target wait (default 0.8).
    #[param(value_type = Option<f64>)]
    service_level: Option<String>,
    /// Arrivals × this factor (0–10, default 1).
    #[param(value_type = Option<f64>)]
    arrival_scale: Option<String>,
    /// Windows fixed per category for the whole day: "A:3,B:2" (0–200 each).
    windows: Option<String>,
    /// Each window's break, minutes, mid-morning and mid-afternoon (0–120).
    #[param(value_type = Option<f64>)]
    break_minutes: Option<String>,
}

fn date_of(raw: Option<&str>) -> Result<jiff::civil::Date, ApiError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => parse_date("date", r),
        None => Err(invalid("date", "缺少日期（参数 date，YYYY-MM-DD）")),
    }
}

fn goal(wait: Option<&str>, level: Option<&str>) -> Result<(f64, f64), ApiError> {
    Ok((
        number_or("target_wait_minutes", wait, "目标等候时间", 10.0)?,
        number_or("service_level", level, "服务水平目标", 0.8)?,
    ))
}

/// The plan of a day: per half-hour and category the forecast arrivals, the
/// windows needed (Erlang C, corrected by a simulation), the simulated service
/// level and a sentence explaining them; the half-hours that need a temporary
/// window. A non-working day answers 200 with `working_day: false`, no slots
/// and the `reason`.
#[utoipa::path(get, path = "/api/staffing/plan", operation_id = "staffing_plan", params(PlanQuery), tag = "窗口排班测算",
    responses((status = 200, body = Object, description = "{date, working_day, reason, basis, history_days, notes, categories, slots: [{from, to, category, arrivals, booked, avg_service_minutes, erlang_windows, windows, added_by_simulation, simulated_service_level, simulated_avg_wait_minutes, simulated_p90_wait_minutes, hall_windows, temporary_window, explanation}], temporary, totals, simulated_service_level, …}"),
        (status = 422, description = "日期无效或超出工作日历（字段 date），目标无效（字段 target_wait_minutes 或 service_level）")))]
pub async fn plan(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<PlanQuery>,
) -> ApiResult<Json<StaffingPlanView>> {
    let date = date_of(q.date.as_deref())?;
    let (t, p) = goal(q.target_wait_minutes.as_deref(), q.service_level.as_deref())?;
    Ok(Json(
        state.app.staffing.plan(&user.session, date, t, p, None).await?,
    ))
}

/// What-if (假设测算): the day's plan re-simulated with more or fewer people,
/// windows fixed per category, or breaks; same answer as the plan plus
/// `what_if`.
#[utoipa::path(get, path = "/api/staffing/whatif", operation_id = "staffing_what_if", params(WhatIfQuery), tag = "窗口排班测算",
    responses((status = 200, body = Object, description = "the plan's fields and {what_if: {arrival_scale, windows, break_minutes}}"),
        (status = 422, description = "参数无效（字段 date、target_wait_minutes、service_level、arrival_scale、windows 或 break_minutes）")))]
pub async fn what_if(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<WhatIfQuery>,
) -> ApiResult<Json<StaffingPlanView>> {
    let date = date_of(q.date.as_deref())?;
    let (t, p) = goal(q.target_wait_minutes.as_deref(), q.service_level.as_deref())?;
    let scale = number_or("arrival_scale", q.arrival_scale.as_deref(), "到达人数倍数", 1.0)?;
    let breaks = number_or("break_minutes", q.break_minutes.as_deref(), "休息时长", 0.0)?;
    let w = WhatIf::parse(Some(scale), q.windows.as_deref(), Some(breaks))?;
    Ok(Json(
        state
            .app
            .staffing
            .plan(&user.session, date, t, p, Some(w))
            .await?,
    ))
}

/// After the day (事后对比): the plan of a past day (from the history before
/// it) against what happened: forecast error per half-hour and category, the
/// windows that called, the actual waits and service level.
#[utoipa::path(get, path = "/api/staffing/review", operation_id = "staffing_review", params(PlanQuery), tag = "窗口排班测算",
    responses((status = 200, body = Object, description = "{date, forecast_total, actual_total, mean_absolute_error, weighted_error, actual_service_level, actual_avg_wait_minutes, actual_p90_wait_minutes, planned_service_level, summary, slots: [{from, to, category, forecast_arrivals, actual_arrivals, forecast_error, planned_windows, actual_windows, simulated_service_level, actual_service_level, actual_avg_wait_minutes, actual_p90_wait_minutes}]}"),
        (status = 422, description = "日期无效、尚未到来或超出工作日历（字段 date），目标无效（字段 target_wait_minutes 或 service_level）")))]
pub async fn review(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<PlanQuery>,
) -> ApiResult<Json<StaffingReview>> {
    let date = date_of(q.date.as_deref())?;
    let (t, p) = goal(q.target_wait_minutes.as_deref(), q.service_level.as_deref())?;
    Ok(Json(state.app.staffing.review(&user.session, date, t, p).await?))
}
