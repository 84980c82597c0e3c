//! 统计图 (issue 18 part 2): `GET /api/charts/{name}.svg` draws a chart on the
//! server, `GET /api/charts/{name}.json` gives the same numbers. Leaders,
//! the 督查科 and the administrator.

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppQuery, Caller};
use app::charts::{ChartName, ChartQuery};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChartParams {
    /// YYYY-MM-DD. Default: `to` for 等候时长; 12 months before `to` for
    /// 满意率 (at most 24 months); the first of `to`'s month for the others.
    from: Option<String>,
    /// YYYY-MM-DD, default today.
    to: Option<String>,
    /// The arrivals chart's day, YYYY-MM-DD (default `to`, then `from`, then today).
    date: Option<String>,
    /// A department's code or full name (满意率、差评原因、投诉、办件; the queue charts are hall-wide).
    department: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "没有这张统计图（可用：arrivals、waits、satisfaction、bad_reasons、complaints、cases，后缀 .svg 或 .json）",
    )
}

/// One chart: `{name}.svg` as an SVG image, `{name}.json` as its numbers
/// (`labels`, `series: [{name, kind, axis, values}]`, `figures`, `note`).
/// Names: arrivals (分时段到访，与前4周同星期平均), waits (等候时长分布),
/// satisfaction (月度满意率), bad_reasons (差评原因), complaints (投诉分类),
/// cases (各部门办件量与按时办结率). Rates are fractions (0.9897), as in the reports.
#[utoipa::path(get, path = "/api/charts/{file}", operation_id = "get_chart",
    params(("file" = String, Path, description = "统计图名加后缀，如 arrivals.svg、waits.json"), ChartParams), tag = "统计图",
    responses(
        (status = 200, description = "SVG 统计图（.svg）或其数据（.json）",
            content((String = "image/svg+xml"), (Object = "application/json"))),
        (status = 404, description = "没有这张统计图或后缀不是 .svg/.json"),
        (status = 422, description = "日期格式无效、结束日期早于开始日期、期间超过一年（满意率超过24个月）或没有这个部门；error.field 为 from、to、date 或 department")))]
pub async fn chart(
    Caller(state, user): Caller,
    Path(file): Path<String>,
    AppQuery(p): AppQuery<ChartParams>,
) -> ApiResult<Response> {
    let (name, ext) = file.rsplit_once('.').ok_or_else(not_found)?;
    let name = ChartName::parse(name).ok_or_else(not_found)?;
    if ext != "svg" && ext != "json" {
        return Err(not_found());
    }
    let query = ChartQuery {
        from: p.from,
        to: p.to,
        date: p.date,
        department: p.department,
    };
    let chart = state.app.charts().chart(&user.session, name, &query).await?;
    if ext == "json" {
        return Ok(Json(chart).into_response());
    }
    let svg = crate::charts::svg(&chart).map_err(|e| {
        tracing::error!(error = %e, chart = name.code(), "chart drawing failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "统计图绘制失败")
    })?;
    Ok((
        [
            (CONTENT_TYPE, "image/svg+xml"),
            (CACHE_CONTROL, "private, max-age=60"),
        ],
        svg,
    )
        .into_response())
}
