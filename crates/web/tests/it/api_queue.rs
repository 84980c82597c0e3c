//! The queue over HTTP: set-up, kiosk tickets, window calls, the display stream.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, field};
use serde_json::{Value, json};

async fn post(s: &TestServer, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    s.req("POST", path).token(token).json(&body).status_json().await
}

async fn set_up(s: &TestServer, admin: &str) {
    let (st, _) = post(
        s,
        Some(admin),
        "/api/categories",
        json!({"prefix": "A", "name": "企业开办", "items": ["SCJG-XK-001"]}),
    )
    .await;
    assert_eq!(st, 201);
    let (st, _) = post(
        s,
        Some(admin),
        "/api/categories",
        json!({"prefix": "B", "name": "不动产登记"}),
    )
    .await;
    assert_eq!(st, 201);
    let (st, v) = post(
        s,
        Some(admin),
        "/api/categories",
        json!({"prefix": "a1", "name": "x"}),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("prefix")));
    let (st, _) = post(
        s,
        Some(admin),
        "/api/categories",
        json!({"prefix": "A", "name": "重复"}),
    )
    .await;
    assert_eq!(st, 409);
    let (st, v) = post(
        s,
        Some(admin),
        "/api/categories",
        json!({"prefix": "C", "name": "x", "items": ["NOPE"]}),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("items")));
    let (st, _) = post(
        s,
        Some(admin),
        "/api/windows",
        json!({"number": "3", "name": "3号窗口", "categories": ["A"], "staff": ["staff"]}),
    )
    .await;
    assert_eq!(st, 201);
    let (st, _) = post(
        s,
        Some(admin),
        "/api/windows",
        json!({"number": "4", "name": "4号窗口", "categories": ["A", "B"]}),
    )
    .await;
    assert_eq!(st, 201);
    let (st, _) = post(
        s,
        None,
        "/api/windows",
        json!({"number": "5", "categories": ["A"]}),
    )
    .await;
    assert_eq!(st, 401);
    let (st, v) = post(
        s,
        Some(admin),
        "/api/windows",
        json!({"number": "6", "categories": ["Z"]}),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("categories")));
}

async fn tickets_and_calls(s: &TestServer) {
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    set_up(s, &admin).await;

    let (st, t1) = post(
        s,
        None,
        "/api/tickets",
        json!({"category": "A", "phone": "13912345678"}),
    )
    .await;
    assert_eq!(st, 201);
    assert_eq!(
        (
            t1["number"].as_str(),
            t1["category"].as_str(),
            t1["waiting_before"].as_i64()
        ),
        (Some("A001"), Some("A"), Some(0))
    );
    let (st, t2) = post(
        s,
        None,
        "/api/tickets",
        json!({"category": "A", "id_number": "11010519491231002X"}),
    )
    .await;
    assert_eq!(
        (st, t2["number"].as_str(), t2["waiting_before"].as_i64()),
        (201, Some("A002"), Some(1))
    );
    // Per-person limit, bad numbers, unknown category: refused in Chinese, nothing issued.
    let (st, v) = post(
        s,
        None,
        "/api/tickets",
        json!({"category": "A", "phone": "13912345678"}),
    )
    .await;
    assert_eq!(st, 409);
    assert!(v["error"]["message"].as_str().unwrap().contains("已在"));
    for (body, field) in [
        (
            json!({"category": "A", "id_number": "110105194912310021"}),
            "id_number",
        ),
        (json!({"category": "A", "phone": "12345"}), "phone"),
        (json!({"category": "Q"}), "category"),
        (json!({"category": "A", "priority": "vip"}), "priority"),
    ] {
        let (st, v) = post(s, None, "/api/tickets", body).await;
        assert_eq!((st, crate::support::field(&v)), (422, Some(field)));
    }
    let (st, _) = post(s, None, "/api/tickets", json!({"category": "A", "extra": 1})).await;
    assert_eq!(st, 422);

    let id1 = t1["id"].as_str().unwrap();
    let (st, v) = s.get_json(&format!("/api/tickets/{id1}")).await;
    assert_eq!(
        (st, v["status"].as_str(), v["waiting_before"].as_i64()),
        (200, Some("waiting"), Some(0))
    );
    let (st, _) = s.get_json("/api/tickets/not-a-uuid").await;
    assert_eq!(st, 404);

    // Staff of window 3 calls A001; window 4 is not theirs.
    let (st, v) = post(s, Some(&staff), "/api/windows/3/call", json!({})).await;
    assert_eq!((st, v["ticket"]["number"].as_str()), (200, Some("A001")));
    let (_, v) = s.get_json(&format!("/api/tickets/{id1}")).await;
    assert_eq!(
        (v["status"].as_str(), v["window"].as_str()),
        (Some("called"), Some("3"))
    );
    let (st, _) = post(s, Some(&staff), "/api/windows/4/call", json!({})).await;
    assert_eq!(st, 403);
    let (st, _) = post(s, None, "/api/windows/3/call", json!({})).await;
    assert_eq!(st, 401);
    let (st, _) = post(s, Some(&staff), "/api/windows/99/call", json!({})).await;
    assert_eq!(st, 404);

    let (st, _) = post(s, Some(&staff), &format!("/api/tickets/{id1}/recall"), json!({})).await;
    assert_eq!(st, 200);
    let (st, v) = post(s, Some(&staff), &format!("/api/tickets/{id1}/skip"), json!({})).await;
    assert_eq!((st, v["ticket"]["status"].as_str()), (200, Some("skipped")));
    let (st, _) = post(s, Some(&staff), &format!("/api/tickets/{id1}/finish"), json!({})).await;
    assert_eq!(st, 409);
    // The citizen puts the skipped ticket back in line, keeping the place; only once.
    let (st, v) = post(s, None, &format!("/api/tickets/{id1}/requeue"), json!({})).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("waiting")));
    let (st, _) = post(s, None, &format!("/api/tickets/{id1}/requeue"), json!({})).await;
    assert_eq!(st, 409);
    let (st, v) = post(s, Some(&staff), "/api/windows/3/call", json!({})).await;
    assert_eq!((st, v["ticket"]["number"].as_str()), (200, Some("A001")));
    let (st, _) = post(s, Some(&staff), &format!("/api/tickets/{id1}/skip"), json!({})).await;
    assert_eq!(st, 200);

    // Admin calls A002 at window 4 and transfers it to B: it is called next there.
    let (st, v) = post(s, Some(&admin), "/api/windows/4/call", json!({})).await;
    assert_eq!((st, v["ticket"]["number"].as_str()), (200, Some("A002")));
    let id2 = t2["id"].as_str().unwrap();
    let (_, fresh) = post(s, None, "/api/tickets", json!({"category": "B"})).await;
    assert_eq!(fresh["number"], "B001");
    let (st, v) = post(
        s,
        Some(&admin),
        &format!("/api/tickets/{id2}/transfer"),
        json!({"category": "B"}),
    )
    .await;
    assert_eq!((st, v["ticket"]["number"].as_str()), (200, Some("B002")));
    let (_, old) = s.get_json(&format!("/api/tickets/{id2}")).await;
    assert_eq!(old["status"], "transferred");
    let (_, v) = post(s, Some(&admin), "/api/windows/4/call", json!({})).await;
    assert_eq!(
        v["ticket"]["number"], "B002",
        "a transferred person does not queue again from the back"
    );
    let (_, v) = post(s, Some(&admin), "/api/windows/4/call", json!({})).await;
    assert_eq!(v["ticket"]["number"], "B001");
    let resp = s.req("POST", "/api/windows/4/call").token(&admin).await;
    assert_eq!(resp.status, 204);

    // A paused window cannot call; pausing needs a reason.
    let (st, _) = post(
        s,
        Some(&staff),
        "/api/windows/3/status",
        json!({"status": "paused"}),
    )
    .await;
    assert_eq!(st, 422);
    let resp = s
        .req("POST", "/api/windows/3/status")
        .token(&staff)
        .json(&json!({"status": "paused", "reason": "系统维护"}))
        .await;
    assert_eq!(resp.status, 204);
    let (st, _) = post(s, Some(&staff), "/api/windows/3/call", json!({})).await;
    assert_eq!(st, 409);
}
on_both_backends!(tickets_and_calls);

/// Reads SSE `call` events from a streaming response until `want` arrived.
async fn read_calls(resp: reqwest::Response, want: usize) -> Vec<Value> {
    use futures_util::StreamExt;
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while out.len() < want {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("call event in time")
            .unwrap()
            .unwrap();
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if block.lines().any(|l| l == "event: call") {
                let data = block.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
                out.push(serde_json::from_str(data).unwrap());
            }
        }
    }
    out
}

async fn display_stream_live_and_replay(s: &TestServer) {
    let admin = s.login("admin").await;
    set_up(s, &admin).await;
    for _ in 0..3 {
        post(s, None, "/api/tickets", json!({"category": "A"})).await;
    }
    let live = s.req("GET", "/api/display/stream").response().await;
    assert_eq!(live.status(), 200);
    assert!(
        live.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    for _ in 0..2 {
        post(s, Some(&admin), "/api/windows/4/call", json!({})).await;
    }
    let got = read_calls(live, 2).await;
    assert_eq!(
        (got[0]["number"].as_str(), got[0]["window"].as_str()),
        (Some("A001"), Some("4"))
    );
    assert_eq!(got[1]["number"], "A002");
    assert!(got[1]["text"].as_str().unwrap().contains("请A002号到4号窗口办理"));

    // A display that saw the first call reconnects and gets the rest.
    let first_id = got[0]["id"].as_i64().unwrap();
    post(s, Some(&admin), "/api/windows/4/call", json!({})).await;
    let again = s
        .req("GET", "/api/display/stream")
        .header("last-event-id", first_id.to_string())
        .response()
        .await;
    let replayed = read_calls(again, 2).await;
    assert_eq!(
        replayed
            .iter()
            .map(|e| e["number"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["A002", "A003"]
    );
}
on_both_backends!(display_stream_live_and_replay);

/// Windows calling at the same moment are decided in one transaction (group
/// commit); the displays still get every call once, in the order of the ids,
/// so none is dropped as already seen and Last-Event-ID replays nothing twice.
async fn simultaneous_calls_reach_the_display_in_order(s: &TestServer) {
    let admin = s.login("admin").await;
    set_up(s, &admin).await;
    let windows = ["4", "6", "7", "8"];
    for n in &windows[1..] {
        let body = json!({"number": n, "name": format!("{n}号窗口"), "categories": ["A"]});
        assert_eq!(post(s, Some(&admin), "/api/windows", body).await.0, 201);
    }
    let rounds = 15;
    for _ in 0..rounds * windows.len() {
        // Past the kiosk's per-client rate limit.
        let take = app::queue::TakeTicket {
            category: "A".into(),
            ..Default::default()
        };
        s.app.queue.take_ticket(&take).await.unwrap();
    }
    let mut calls = s.app.queue.subscribe_calls();
    for _ in 0..rounds {
        let together = windows.map(|w| {
            let admin = admin.as_str();
            async move { post(s, Some(admin), &format!("/api/windows/{w}/call"), json!({})).await }
        });
        for (st, _) in futures_util::future::join_all(together).await {
            assert_eq!(st, 200);
        }
    }
    let mut ids = Vec::new();
    while let Ok(e) = calls.try_recv() {
        ids.push(e.id);
    }
    assert_eq!(ids.len(), rounds * windows.len(), "{ids:?}");
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "published out of order: {ids:?}"
    );
}
on_both_backends!(simultaneous_calls_reach_the_display_in_order);

async fn rate_limit_per_client(s: &TestServer) {
    let admin = s.login("admin").await;
    set_up(s, &admin).await;
    let mut statuses = Vec::new();
    for _ in 0..30 {
        let (st, v) = post(s, None, "/api/tickets", json!({"category": "B"})).await;
        if st == 429 {
            assert!(v["error"]["message"].as_str().unwrap().contains("频繁"));
        }
        statuses.push(st);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 20, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 10);
    let audit: Value = s.req("GET", "/api/audit?per_page=200").token(&admin).await.json();
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "queue.rate_limited"),
        "recorded for supervision"
    );
}
on_both_backends!(rate_limit_per_client);

/// Two instances on one PostgreSQL database: a call made through A reaches a
/// display connected to B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_on_one_instance_reaches_the_display_of_another() {
    let a = TestServer::start(Backend::Postgres).await;
    let url = a.pg_url().unwrap();
    let store_b = std::sync::Arc::new(store_postgres::PostgresStore::connect(&url).await.unwrap());
    let b = app::App::new(store_b, app::Settings::default().always_open());
    b.queue.relay_remote_calls().await.unwrap();
    let mut display_b = b.queue.subscribe_calls();
    let admin = a.login("admin").await;
    set_up(&a, &admin).await;
    post(&a, None, "/api/tickets", json!({"category": "A"})).await;
    let (st, v) = post(&a, Some(&admin), "/api/windows/4/call", json!({})).await;
    assert_eq!((st, v["ticket"]["number"].as_str()), (200, Some("A001")));
    let event = tokio::time::timeout(std::time::Duration::from_secs(5), display_b.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((event.number.as_str(), event.window.as_str()), ("A001", "4"));
    drop(b);
    a.stop().await;
}

async fn daily_report(s: &TestServer) {
    let admin = s.login("admin").await;
    set_up(s, &admin).await;
    for _ in 0..3 {
        post(s, None, "/api/tickets", json!({"category": "A"})).await;
    }
    let (_, v) = post(s, Some(&admin), "/api/windows/4/call", json!({})).await;
    let first = v["ticket"]["id"].as_str().unwrap().to_owned();
    post(
        s,
        Some(&admin),
        &format!("/api/tickets/{first}/finish"),
        json!({}),
    )
    .await;
    let (_, v) = post(s, Some(&admin), "/api/windows/4/call", json!({})).await;
    let second = v["ticket"]["id"].as_str().unwrap().to_owned();
    post(s, Some(&admin), &format!("/api/tickets/{second}/skip"), json!({})).await;
    let leader = s.login("leader").await;
    let report: Value = s.req("GET", "/api/reports/queue").token(&leader).await.json();
    assert_eq!(report["total"]["taken"], 3);
    assert_eq!(report["total"]["served"], 1);
    assert_eq!(report["total"]["skipped"], 1);
    assert_eq!(report["total"]["wait"]["count"], 2);
    let window4 = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "window" && r["key"] == "4")
        .unwrap();
    assert_eq!(window4["served"], 1);
    assert!(
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["group"] == "staff" && r["key"] == "admin")
    );
    let xlsx = s
        .req("GET", "/api/reports/queue?format=xlsx")
        .token(&leader)
        .await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.bytes.starts_with(b"PK"));
    let staff = s.login("staff").await;
    let resp = s.req("GET", "/api/reports/queue").token(&staff).await;
    assert_eq!(resp.status, 403);
    let resp = s
        .req("GET", "/api/reports/queue?date=2026-02-30")
        .token(&leader)
        .await;
    assert_eq!(resp.status, 422);
}
on_both_backends!(daily_report);
