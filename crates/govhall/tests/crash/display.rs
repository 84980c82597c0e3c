//! A hall display: one SSE connection to `/api/display/stream` that, like a
//! browser's EventSource, reconnects after the server comes back and sends
//! `Last-Event-ID` so the calls it missed are replayed.

use serde_json::Value;
use std::time::Duration;
use tokio::sync::watch;

/// One `call` event as the display got it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub id: i64,
    pub number: String,
    /// The server start (0 = the first) whose connection delivered it.
    pub start: u64,
}

#[derive(Default, Debug)]
pub struct DisplayState {
    /// The server start the current connection belongs to, once connected.
    pub connected: Option<u64>,
    pub connections: usize,
    pub events: Vec<Seen>,
    /// Event ids received a second time.
    pub duplicates: Vec<i64>,
}

pub struct Display {
    pub state: watch::Receiver<DisplayState>,
}

impl Display {
    /// Connects now and again each time `starts` (server start, base URL)
    /// moves on; stops when it closes.
    pub fn spawn(mut starts: watch::Receiver<(u64, String)>) -> Display {
        let (tx, state) = watch::channel(DisplayState::default());
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            let mut last_id: Option<i64> = None;
            loop {
                let (start, base) = starts.borrow_and_update().clone();
                let mut req = http.get(format!("{base}/api/display/stream"));
                if let Some(id) = last_id {
                    req = req.header("last-event-id", id.to_string());
                }
                if let Ok(mut resp) = req.send().await
                    && resp.status().is_success()
                {
                    tx.send_modify(|s| {
                        s.connected = Some(start);
                        s.connections += 1;
                    });
                    let mut buf: Vec<u8> = Vec::new();
                    while let Ok(Some(chunk)) = resp.chunk().await {
                        buf.extend_from_slice(&chunk);
                        while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
                            let block: Vec<u8> = buf.drain(..end + 2).collect();
                            if let Some((id, number)) = parse_call(&String::from_utf8_lossy(&block)) {
                                last_id = Some(last_id.map_or(id, |l| l.max(id)));
                                tx.send_modify(|s| {
                                    if s.events.iter().any(|e| e.id == id) {
                                        s.duplicates.push(id);
                                    }
                                    s.events.push(Seen { id, number, start });
                                });
                            }
                        }
                    }
                }
                tx.send_modify(|s| s.connected = None);
                // The server is gone: wait until it has been started again.
                if starts.wait_for(|s| s.0 > start).await.is_err() {
                    break;
                }
            }
        });
        Display { state }
    }

    /// Waits until the display is connected to server start `start` (or a later one).
    pub async fn connected_to(&mut self, start: u64) {
        let waited = tokio::time::timeout(
            Duration::from_secs(30),
            self.state.wait_for(|s| s.connected.is_some_and(|c| c >= start)),
        )
        .await;
        assert!(
            matches!(waited, Ok(Ok(_))),
            "the display did not connect to server start {start}"
        );
    }

    /// Waits until a call of `number` arrives on a connection to server start `start`.
    pub async fn sees_call(&mut self, number: &str, start: u64) -> bool {
        let waited = tokio::time::timeout(
            Duration::from_secs(30),
            self.state
                .wait_for(|s| s.events.iter().any(|e| e.number == number && e.start == start)),
        )
        .await;
        matches!(waited, Ok(Ok(_)))
    }

    pub fn last_id(&self) -> Option<i64> {
        self.state.borrow().events.iter().map(|e| e.id).max()
    }
}

/// The id and ticket number of a `call` event block; `None` for keep-alives.
fn parse_call(block: &str) -> Option<(i64, String)> {
    let mut id = None;
    let mut event = None;
    let mut data = String::new();
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("event:") {
            event = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.trim_start());
        }
    }
    if event.as_deref() != Some("call") {
        return None;
    }
    let v: Value = serde_json::from_str(&data).ok()?;
    Some((id?, v["number"].as_str()?.to_owned()))
}
