//! The working-day calendar (工作日历).

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppQuery, Caller, parse_date};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    /// The acceptance date, YYYY-MM-DD (not counted).
    from: String,
    /// Working days (0–3650).
    #[param(value_type = u32)]
    days: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineResponse {
    /// The N-th working day after `from`.
    deadline: String,
    /// Counts a day of a provisional year (no official schedule yet: weekends and
    /// statutory holidays only); recomputed when the year is imported.
    provisional: bool,
    from: String,
    days: u32,
}

/// The deadline of N working days from a date (受理当日不计，第N个工作日届满).
#[utoipa::path(get, path = "/api/calendar/deadline", operation_id = "compute_deadline", params(DeadlineQuery), tag = "工作日历",
    responses((status = 200, body = DeadlineResponse, description = "届满日期"),
        (status = 422, description = "日期或天数无效，或超出已知年份")))]
pub async fn deadline(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<DeadlineQuery>,
) -> ApiResult<Json<DeadlineResponse>> {
    let from = parse_date("from", &q.from)?;
    let days: u32 = q.days.trim().parse().map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("days：“{}”应为0至3650之间的整数", q.days),
        )
        .field("days")
    })?;
    let deadline = state.app.deadline(from, days).await?;
    Ok(Json(DeadlineResponse {
        deadline: deadline.date.to_string(),
        provisional: deadline.provisional,
        from: from.to_string(),
        days,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DaysQuery {
    /// First day, YYYY-MM-DD.
    from: String,
    /// Last day, YYYY-MM-DD.
    to: String,
}

#[derive(Serialize, ToSchema)]
pub struct Day {
    date: String,
    workday: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DaysResponse {
    days: Vec<Day>,
}

/// Every day in a range with its working-day flag.
#[utoipa::path(get, path = "/api/calendar/days", operation_id = "list_calendar_days", params(DaysQuery), tag = "工作日历",
    responses((status = 200, body = DaysResponse, description = "区间内每一天及是否工作日"),
        (status = 422, description = "日期无效、区间过长或超出已知年份")))]
pub async fn days(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<DaysQuery>,
) -> ApiResult<Json<DaysResponse>> {
    let from = parse_date("from", &q.from)?;
    let to = parse_date("to", &q.to)?;
    let days = state
        .app
        .calendar_days(from, to)
        .await?
        .into_iter()
        .map(|(d, w)| Day {
            date: d.to_string(),
            workday: w,
        })
        .collect();
    Ok(Json(DaysResponse { days }))
}

#[derive(Serialize, ToSchema)]
pub struct ImportResponse {
    years: Vec<i16>,
    /// Open cases with a provisional deadline that were recomputed.
    recomputed: usize,
    /// Cases whose deadline moved: number, department, old, new.
    #[schema(value_type = Vec<Object>)]
    moved: Vec<app::case_recompute::MovedDeadline>,
    moved_earlier: usize,
}

/// Loads whole years (body: the official TSV format). A partial year is refused.
#[utoipa::path(post, path = "/api/calendar/import", operation_id = "import_calendar",
    request_body(content = String, content_type = "text/tab-separated-values", description = "官方 TSV 格式的整年日历"),
    tag = "工作日历",
    responses((status = 201, body = ImportResponse, description = "已载入的年份和重算的期限"),
        (status = 422, description = "格式错误或年份不完整")))]
pub async fn import(
    Caller(state, user): Caller,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportResponse>)> {
    let done = state.app.import_calendar(&user.actor(), &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(ImportResponse {
            years: done.years,
            recomputed: done.recomputed.checked,
            moved_earlier: done.recomputed.moved_earlier,
            moved: done.recomputed.moved,
        }),
    ))
}
