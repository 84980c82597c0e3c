//! 指挥中心 over HTTP (issue 18 part 1): the contract of `GET /api/dashboard`
//! (its flat headline fields and their values after tickets are taken and
//! called, a case accepted, evaluations given and overdue history imported),
//! who may read it, and `GET /api/dashboard/stream` sending the same JSON at
//! connect and within two seconds of a ticket being taken.

use crate::on_both_backends;
use crate::support::{
    Backend, TestServer, accept_case, category_a_at_window_3, page, rate, session, take_ticket,
};
use serde_json::{Value, json};
use std::time::Duration;

const HEADLINE: [&str; 11] = [
    "date",
    "visitors",
    "waiting",
    "longest_wait_minutes",
    "windows_open",
    "accepted",
    "completed",
    "overdue",
    "satisfaction_today",
    "satisfaction_month",
    "complaints_open",
];

async fn dashboard(s: &TestServer, token: &str) -> Value {
    let (st, d) = s.get("/api/dashboard", token).await;
    assert_eq!(st, 200, "{d}");
    for f in HEADLINE {
        assert!(d.get(f).is_some(), "no {f} in {d}");
    }
    d
}

fn n(d: &Value, f: &str) -> i64 {
    d[f].as_i64().unwrap_or_else(|| panic!("{f} is not a count: {d}"))
}

/// Category A at window 3 (staff "staff"), the window open.
async fn hall(s: &TestServer, admin: &str) {
    category_a_at_window_3(s, admin).await;
    let (st, v) = s
        .post("/api/windows/3/status", admin, json!({"status": "open"}))
        .await;
    assert!(st == 200 || st == 204, "{st} {v}");
}

/// Calls the next ticket at window 3 and finishes it; answers its id.
async fn serve(s: &TestServer, staff: &str) -> String {
    let (st, called) = s.call("POST", staff, "/api/windows/3/call", None).await;
    assert_eq!(st, 200, "{called}");
    let id = called["ticket"]["id"]
        .as_str()
        .or_else(|| called["id"].as_str())
        .unwrap_or_else(|| panic!("{called}"))
        .to_owned();
    let (st, _) = s
        .call("POST", staff, &format!("/api/tickets/{id}/finish"), None)
        .await;
    assert_eq!(st, 200);
    id
}

const HISTORY: &str = "number,item,accepted_on,completed_on,deadline\n\
OLD-1,HIST-A,2026-01-05,,2026-01-12\n\
OLD-2,HIST-A,2026-01-05,2026-01-09,2026-01-12\n";

async fn dashboard_contract(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let staff = s.login("staff").await;
    hall(s, &admin).await;

    let before = dashboard(s, &leader).await;
    assert_eq!(before["date"], s.app.today().to_string());
    assert!(before["categories"].is_array() && before["windows"].is_array());

    // Three tickets taken, two served at window 3 and rated (one 差评).
    let _ = take_ticket(s).await;
    let _ = take_ticket(s).await;
    let _ = take_ticket(s).await;
    let first = serve(s, &staff).await;
    let second = serve(s, &staff).await;
    rate(s, &first, "very_satisfied", &[]).await;
    rate(s, &second, "dissatisfied", &["等候时间长"]).await;
    accept_case(s, &staff, "SCJG-XK-001").await;
    let resp = s.upload("/api/cases/import", &admin, HISTORY).await;
    assert_eq!(resp.status, 201, "{}", resp.text);

    let d = dashboard(s, &leader).await;
    assert_eq!(n(&d, "visitors") - n(&before, "visitors"), 3, "{d}");
    assert_eq!(n(&d, "tickets") - n(&before, "tickets"), 3);
    assert_eq!(n(&d, "waiting") - n(&before, "waiting"), 1, "{d}");
    assert_eq!(n(&d, "served") - n(&before, "served"), 2);
    assert!(n(&d, "windows_open") >= 1);
    assert_eq!(n(&d, "accepted") - n(&before, "accepted"), 1, "{d}");
    assert_eq!(n(&d, "completed"), n(&before, "completed"));
    // OLD-1: open, past its deadline, not paused.
    assert_eq!(n(&d, "overdue") - n(&before, "overdue"), 1, "{d}");
    assert!(
        d["departments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["overdue"].as_i64() >= Some(1))
    );
    assert_eq!(d["tones"]["overdue"], "red");
    // One satisfied and one dissatisfied valid evaluation today: 50%.
    assert_eq!(n(&d, "evaluations_today") - n(&before, "evaluations_today"), 2);
    if n(&before, "evaluations_today") == 0 {
        assert_eq!(d["satisfaction_today"].as_f64(), Some(0.5), "{d}");
        assert_eq!(d["satisfaction_today_text"], "50.00%");
        assert_eq!(d["tones"]["satisfaction_today"], "red");
    }
    assert!(d["satisfaction_month"].as_f64().is_some());
    // The 差评 opened its rectification.
    assert_eq!(n(&d, "bad_open") - n(&before, "bad_open"), 1, "{d}");
    assert!(n(&d, "complaints_open") >= 0);
    // Window 3 called two tickets and finished both.
    let w3 = d["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["number"] == "3")
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(
        (w3["calls"].as_i64(), w3["served"].as_i64()),
        (Some(2), Some(2)),
        "{w3}"
    );
    assert_eq!(w3["status"], "open");
    let a = d["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["prefix"] == "A")
        .unwrap();
    assert_eq!(
        (a["waiting"].as_i64(), a["taken"].as_i64()),
        (Some(1), Some(3)),
        "{a}"
    );
    assert!(a["longest_wait_minutes"].as_i64().unwrap() >= 0);
    assert!(d["red_flag"].is_object(), "{d}");
    assert!(d["campaigns"].is_array());
}
on_both_backends!(dashboard_contract);

async fn dashboard_roles(s: &TestServer) {
    let (st, v) = s.get_json("/api/dashboard").await;
    assert_eq!(st, 401, "{v}");
    let (st, _) = s.get_json("/api/dashboard/stream").await;
    assert_eq!(st, 401);
    for who in ["staff", "liaison"] {
        let t = s.login(who).await;
        let (st, v) = s.get("/api/dashboard", &t).await;
        assert_eq!(st, 403, "{who}: {v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        let resp = s.req("GET", "/api/dashboard/stream").token(&t).await;
        assert_eq!(resp.status, 403, "{who}");
    }
    for who in ["leader", "supervisor", "admin"] {
        let t = s.login(who).await;
        dashboard(s, &t).await;
    }
    // The page: leaders see it, window staff are refused; the menu tile is the leader's.
    let leader = session(s, "leader").await;
    let (st, html) = page(s, &leader, "/command").await;
    assert_eq!(st, 200);
    assert!(html.contains("指挥中心") && html.contains("/assets/command.js"));
    for link in [
        "/admin/floor",
        "/admin/cases/overdue",
        "/admin/satisfaction?from=",
        "/supervise/complaints",
        "/admin/rectifications",
    ] {
        assert!(html.contains(link), "no link to {link}");
    }
    let (_, menu) = page(s, &leader, "/admin").await;
    assert!(menu.contains("href=\"/command\""));
    let staff = session(s, "staff").await;
    let (st, _) = page(s, &staff, "/command").await;
    assert_eq!(st, 403);
    let (_, menu) = page(s, &staff, "/admin").await;
    assert!(!menu.contains("href=\"/command\""));
}
on_both_backends!(dashboard_roles);

/// Reads the stream's next `data:` line within `within`.
async fn next_data<S, B>(stream: &mut S, buf: &mut String, within: Duration) -> Value
where
    S: futures_util::Stream<Item = reqwest::Result<B>> + Unpin,
    B: AsRef<[u8]>,
{
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + within;
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                return serde_json::from_str(data).unwrap();
            }
        }
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .unwrap_or_else(|_| panic!("no data: line within {within:?}"))
            .unwrap()
            .unwrap();
        buf.push_str(&String::from_utf8_lossy(chunk.as_ref()));
    }
}

async fn dashboard_stream(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    hall(s, &admin).await;
    let resp = s
        .client
        .get(s.url("/api/dashboard/stream"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    let first = next_data(&mut stream, &mut buf, Duration::from_secs(5)).await;
    for f in HEADLINE {
        assert!(first.get(f).is_some(), "no {f} in {first}");
    }
    // A ticket taken: the next event carries it, within two seconds.
    let taken_at = tokio::time::Instant::now();
    let _ = take_ticket(s).await;
    let mut next = next_data(&mut stream, &mut buf, Duration::from_secs(2)).await;
    // An event already on its way may come first; the ticket's follows at once.
    if n(&next, "visitors") == n(&first, "visitors") {
        let left = Duration::from_secs(2).saturating_sub(taken_at.elapsed());
        next = next_data(&mut stream, &mut buf, left).await;
    }
    assert_eq!(n(&next, "visitors"), n(&first, "visitors") + 1, "{next}");
    assert_eq!(n(&next, "waiting"), n(&first, "waiting") + 1);
    assert!(taken_at.elapsed() < Duration::from_secs(2));
    // The same JSON as the plain answer.
    let d = dashboard(s, &leader).await;
    assert_eq!(d["visitors"], next["visitors"]);
}
on_both_backends!(dashboard_stream);
