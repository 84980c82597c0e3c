//! 日报、月报、年度报告 (issue 18 part 3): `GET /api/reports/summary` gives
//! the summary of a period for the hall or one department as JSON, XLSX (one
//! sheet per table) or an A4 PDF made on the server (leadership, admin).

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppQuery, Caller};
use axum::Json;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// First day, YYYY-MM-DD.
    from: Option<String>,
    /// Last day, YYYY-MM-DD (default `from`; at most a year after it).
    to: Option<String>,
    /// A department's code (SCJG): its summary instead of the hall's.
    department: Option<String>,
    /// json (default), xlsx or pdf.
    format: Option<String>,
}

enum Format {
    Json,
    Xlsx,
    Pdf,
}

fn download(content_type: &str, name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// The summary of a period (日报、月报、年度报告): visitors, tickets and waits,
/// cases and 办结率, 一件事, online share, evaluations and 满意率, 整改, complaints,
/// inspections, scalper actions and the months' assessment.
#[utoipa::path(get, path = "/api/reports/summary", operation_id = "hall_report_summary", params(SummaryQuery), tag = "统计报告",
    responses((status = 200, description = "期间汇总（JSON）、工作簿（XLSX，每表一页）或 A4 报告（PDF，内嵌中文字体）",
        content((Object = "application/json"),
            (super::schemas::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (super::schemas::Binary = "application/pdf"))),
        (status = 422, description = "日期无效、开始晚于结束、部门不存在或格式无效（field 指明哪一项）")))]
pub async fn summary(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<SummaryQuery>,
) -> ApiResult<Response> {
    let format = match q.format.as_deref().map(str::trim).unwrap_or("json") {
        "" | "json" => Format::Json,
        "xlsx" => Format::Xlsx,
        "pdf" => Format::Pdf,
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("format：“{other}”应为 json、xlsx 或 pdf"),
            )
            .field("format"));
        }
    };
    let (from, to) = app::hall_report::parse_period(q.from.as_deref(), q.to.as_deref())?;
    let department = q.department.as_deref();
    let reports = &state.app.hall_reports;
    let name = |ext: &str| match department.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => format!("summary-{d}-{from}-{to}.{ext}"),
        None => format!("summary-{from}-{to}.{ext}"),
    };
    Ok(match format {
        Format::Json => Json(reports.summary(&user.session, from, to, department).await?).into_response(),
        Format::Xlsx => {
            let (_, bytes) = reports.summary_xlsx(&user.session, from, to, department).await?;
            download(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                name("xlsx"),
                bytes,
            )
        }
        Format::Pdf => {
            let (_, bytes) = reports.summary_pdf(&user.session, from, to, department).await?;
            download("application/pdf", name("pdf"), bytes)
        }
    })
}
