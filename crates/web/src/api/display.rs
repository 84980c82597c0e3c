//! The hall display's live feed (大屏): Server-Sent Events, one `call`
//! event per call or recall, replaying what a reconnecting display missed.

use crate::AppState;
use crate::error::ApiResult;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Serialize;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use store::queue::CallEvent;
use tokio_stream::wrappers::BroadcastStream;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// What one `call` event carries (its `data`, as JSON).
#[derive(Serialize, ToSchema)]
pub struct CallData {
    /// The call's sequence number, also the event's `id` (send it back as `Last-Event-ID`).
    id: i64,
    /// The ticket number, e.g. A012.
    number: String,
    /// The window's number.
    window: String,
    /// call or recall (重呼).
    kind: String,
    /// When the call was made (RFC 3339, UTC).
    at: String,
    /// What the display shows and the voice reads.
    text: String,
}

impl CallData {
    fn of(e: &CallEvent) -> CallData {
        CallData {
            id: e.id,
            number: e.number.clone(),
            window: e.window.clone(),
            kind: e.kind.code().to_owned(),
            at: e.at.to_string(),
            text: format!("请{}号到{}号窗口办理", e.number, e.window),
        }
    }
}

/// One event of the stream as an EventSource reads it: the event name, its id
/// and its data (a [`CallData`] as JSON). Keep-alive comments are not events.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the wire format; the stream is written by `to_event`.
pub struct CallStreamEvent {
    /// Always `call`.
    #[schema(pattern = "^call$")]
    event: String,
    /// The call's sequence number.
    #[schema(pattern = "^[0-9]+$")]
    id: String,
    /// A `CallData` object as JSON.
    #[schema(schema_with = call_data_json)]
    data: String,
}

fn call_data_json() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .content_media_type("application/json")
        .content_schema(Some(CallData::schema()))
        .into()
}

fn to_event(e: &CallEvent) -> Event {
    let data = serde_json::to_string(&CallData::of(e)).unwrap_or_default();
    Event::default().event("call").id(e.id.to_string()).data(data)
}

/// Live calls (大屏叫号). Reconnect with `Last-Event-ID` to get the calls missed.
#[utoipa::path(get, path = "/api/display/stream", tag = "排队叫号", operation_id = "stream_calls",
    params(("Last-Event-ID" = Option<String>, Header, description = "上次收到的事件 id：先补发其后的叫号")),
    responses((status = 200, description = "text/event-stream：每次叫号或重呼一个 call 事件（每15秒一次保活注释）",
        content((CallStreamEvent = "text/event-stream")))))]
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Subscribe before reading the backlog so nothing falls between the two.
    let live = state.app.queue.subscribe_calls();
    let last_seen: i64 = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1);
    let backlog = if last_seen >= 0 {
        state.app.queue.calls_after(last_seen).await?
    } else {
        Vec::new()
    };
    let newest = Arc::new(AtomicI64::new(backlog.last().map(|e| e.id).unwrap_or(last_seen)));
    let replay = stream::iter(backlog.iter().map(to_event).map(Ok).collect::<Vec<_>>());
    let app = state.app.clone();
    let seen = newest.clone();
    let live = BroadcastStream::new(live)
        .then(move |msg| {
            let app = app.clone();
            let after = seen.load(Ordering::SeqCst);
            async move {
                match msg {
                    Ok(e) => vec![e],
                    // This display fell behind the channel: fetch what it missed from the store.
                    Err(_) => app.queue.calls_after(after).await.unwrap_or_default(),
                }
            }
        })
        .flat_map(stream::iter)
        .filter(move |e| std::future::ready(newest.fetch_max(e.id, Ordering::SeqCst) < e.id))
        .map(|e| Ok(to_event(&e)));
    Ok(Sse::new(replay.chain(live)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
