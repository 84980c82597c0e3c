//! 指挥中心 (the live dashboard, issue 18 part 1): today's picture as JSON,
//! and the same JSON as a server-sent event whenever it changes.

use crate::error::ApiResult;
use crate::extract::Caller;
use app::dashboard::{DashboardService, Published};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::time::Duration;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// The dashboard's headline fields (the rest: `categories`, `windows`,
/// `departments`, `red_flag`, `campaigns`, `tones` and further counts).
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the wire format; the body is `app::dashboard::Dashboard`.
pub struct DashboardBody {
    /// The business date (Asia/Shanghai), YYYY-MM-DD.
    date: String,
    /// 今日到访: tickets taken today, a transfer not counted again.
    visitors: u64,
    /// Waiting now.
    waiting: u64,
    /// Minutes the longest-waiting ticket has waited.
    longest_wait_minutes: i64,
    /// Windows serving now.
    windows_open: u64,
    /// Cases accepted today.
    accepted: u64,
    /// Cases completed today.
    completed: u64,
    /// Open cases past their deadline (not paused).
    overdue: u64,
    /// 满意率 today (a fraction), `null` without evaluations.
    satisfaction_today: Option<f64>,
    /// 满意率 this month so far.
    satisfaction_month: Option<f64>,
    /// Complaints not archived.
    complaints_open: u64,
}

/// One event of the dashboard stream: an unnamed (`message`) event whose
/// `data:` line is the dashboard's JSON.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the wire format; the stream is written by `event_of`.
pub struct DashboardStreamEvent {
    #[schema(schema_with = dashboard_data_json)]
    data: String,
}

fn dashboard_data_json() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .content_media_type("application/json")
        .content_schema(Some(DashboardBody::schema()))
        .into()
}

/// Today's picture of the hall for its leadership (领导、督查、管理员): the
/// queue (visitors, waiting per category, the longest wait, windows open,
/// paused and temporary, calls per window), cases accepted and completed
/// today, amber and overdue cases by department, 满意率 today and this
/// month, 差评 awaiting rectification, open and late complaints, today's
/// inspections, scalper alerts, the month's 流动红旗 and the running
/// campaigns' KPIs.
#[utoipa::path(get, path = "/api/dashboard", operation_id = "get_dashboard", tag = "指挥中心",
    responses((status = 200, body = DashboardBody, description = "今日大厅全景（另有 categories、windows、departments、red_flag、campaigns、tones 等）")))]
pub async fn dashboard(Caller(state, user): Caller) -> ApiResult<Response> {
    let d = state.app.dashboard.dashboard(&user.session).await?;
    let p = DashboardService::publish(d)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        p.json.to_string(),
    )
        .into_response())
}

fn event_of(p: &Published) -> Event {
    Event::default().data(&*p.json)
}

/// The same JSON as `GET /api/dashboard`, as a `data:` line at connect and
/// again within two seconds of a change (a ticket taken or called, a case
/// accepted, an evaluation recorded); a keep-alive comment every 15 s.
#[utoipa::path(get, path = "/api/dashboard/stream", operation_id = "stream_dashboard", tag = "指挥中心",
    responses((status = 200, description = "text/event-stream：连接时及每次变化时一行 data:（与 GET /api/dashboard 相同的 JSON），每15秒一次保活注释",
        content((DashboardStreamEvent = "text/event-stream")))))]
pub async fn stream(
    Caller(state, user): Caller,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let service = &state.app.dashboard;
    // Subscribe first: a change while the first picture is read is sent after it.
    let mut rx = service.subscribe(&user.session)?;
    rx.borrow_and_update();
    let first = DashboardService::publish(service.dashboard(&user.session).await?)?;
    let last = first.json.clone();
    let live = stream::unfold((rx, last), |(mut rx, last)| async move {
        loop {
            rx.changed().await.ok()?;
            let next = rx.borrow_and_update().clone();
            if let Some(p) = next
                && p.json != last
            {
                let json = p.json.clone();
                return Some((Ok(event_of(&p)), (rx, json)));
            }
        }
    });
    let first_event = stream::once(async move { Ok(event_of(&first)) });
    Ok(Sse::new(first_event.chain(live)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
