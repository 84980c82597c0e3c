//! The hall display's live feed (大屏): Server-Sent Events, one `call`
//! event per call or recall, replaying what a reconnecting display missed.

use crate::AppState;
use crate::error::ApiResult;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use store::queue::CallEvent;
use tokio_stream::wrappers::BroadcastStream;

fn to_event(e: &CallEvent) -> Event {
    let data = serde_json::json!({
        "id": e.id,
        "number": e.number,
        "window": e.window,
        "kind": e.kind,
        "at": e.at.to_string(),
        "text": format!("请{}号到{}号窗口办理", e.number, e.window),
    });
    Event::default()
        .event("call")
        .id(e.id.to_string())
        .data(data.to_string())
}

/// Live calls. Reconnect with `Last-Event-ID` to get the calls missed.
#[utoipa::path(get, path = "/api/display/stream", tag = "排队叫号",
    responses((status = 200, description = "text/event-stream：事件名 call，数据含 number、window")))]
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Subscribe before reading the backlog so nothing falls between the two.
    let live = state.app.subscribe_calls();
    let last_seen: i64 = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1);
    let backlog = if last_seen >= 0 {
        state.app.calls_after(last_seen).await?
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
                    Err(_) => app.calls_after(after).await.unwrap_or_default(),
                }
            }
        })
        .flat_map(stream::iter)
        .filter(move |e| std::future::ready(newest.fetch_max(e.id, Ordering::SeqCst) < e.id))
        .map(|e| Ok(to_event(&e)));
    Ok(Sse::new(replay.chain(live)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
