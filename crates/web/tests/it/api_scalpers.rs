//! 黄牛、非法中介 over HTTP: suspects from tickets taken through the real
//! kiosk API (refused attempts included), from bookings and from cases; the
//! register with a photo and actions; reviews; thresholds; the floor
//! captain's alert when a registered phone takes a ticket or books; roles.

use crate::api_appointments::next_working_day;
use crate::support::{Backend, TestServer, field};
use serde_json::{Value, json};

/// Both backends, with the kiosk's rate limit off (one test address takes
/// many tickets on purpose).
macro_rules! on_both_backends_unthrottled {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let server = TestServer::start_with(Backend::Sqlite, settings()).await;
                super::$name(&server).await;
                server.stop().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let server = TestServer::start_with(Backend::Postgres, settings()).await;
                super::$name(&server).await;
                server.stop().await;
            }
        }
    };
}

fn settings() -> app::Settings {
    let mut s = app::Settings::default().always_open();
    s.security.rate_limit = false;
    s
}

async fn send(
    s: &TestServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let req = s.req(method, path).token(token);
    match body {
        Some(b) => req.json(&b).status_json().await,
        None => req.status_json().await,
    }
}

async fn ticket(s: &TestServer, phone: &str) -> u16 {
    send(
        s,
        "POST",
        "/api/tickets",
        None,
        Some(json!({"category": "A", "phone": phone})),
    )
    .await
    .0
}

async fn suspects(s: &TestServer, token: &str, from: &str, to: &str) -> Vec<Value> {
    let (st, v) = send(
        s,
        "GET",
        &format!("/api/scalpers/suspects?from={from}&to={to}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    v["items"].as_array().unwrap().clone()
}

/// A valid 18-digit ID number (GB 11643 check character) for `seq`.
fn id_number(seq: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("11010519800101{:03}", seq % 1000);
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

async fn tickets_and_refusals(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let supervisor = s.login("supervisor").await;
    let today = s.app.today().to_string();
    // Five attempts from one phone: the per-person limit lets one through
    // and refuses four; all five count.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(ticket(s, "13812345678").await);
    }
    assert_eq!(statuses[0], 201);
    assert!(
        statuses[1..].iter().all(|st| *st == 201 || *st == 409),
        "{statuses:?}"
    );
    // Three from another phone are a near miss.
    for _ in 0..3 {
        let st = ticket(s, "13900001111").await;
        assert!(st == 201 || st == 409);
    }
    let items = suspects(s, &supervisor, &today, &today).await;
    let phones: Vec<&Value> = items.iter().filter(|i| i["kind"] == "phone").collect();
    assert_eq!(phones.len(), 1, "{items:?}");
    let one = phones[0];
    assert_eq!(one["rule"], "many_tickets");
    assert_eq!(one["count"], 5);
    let key = one["key"].as_str().unwrap();
    assert!(key.ends_with("5678"), "{key}");
    assert!(!key.contains("12345678"), "masked: {key}");
    assert!(!one.to_string().contains("13812345678"));
    let issued = statuses.iter().filter(|st| **st == 201).count();
    assert_eq!(one["evidence"]["tickets"].as_array().unwrap().len(), issued);
    assert_eq!(one["evidence"]["refused"], 5 - issued);
    assert_eq!(one["figures"]["max_per_day"], 5);
    assert!(one["rule_label"].as_str().unwrap().contains("取号"));
    assert!(one["explanation"].as_str().unwrap().contains("5次"), "{one}");
    // The evidence names real tickets.
    let first = one["evidence"]["tickets"][0].as_str().unwrap();
    let (st, _) = send(s, "GET", &format!("/api/tickets/{first}"), None, None).await;
    assert_eq!(st, 200);

    // A booking refused by the per-person limit counts too.
    let day = next_working_day(s).await;
    for time in ["09:00", "09:30", "10:00", "10:30"] {
        let (st, v) = send(
            s,
            "POST",
            "/api/appointments",
            None,
            Some(json!({"category": "B", "date": day, "time": time, "phone": "13700009999"})),
        )
        .await;
        assert!(st == 201 || st == 409, "{st} {v}");
    }
    let items = suspects(s, &supervisor, &day, &day).await;
    let booked = items
        .iter()
        .find(|i| i["key"].as_str().unwrap().ends_with("9999"))
        .unwrap();
    assert_eq!(booked["count"], 4, "{booked}");
    let shown = booked["evidence"]["appointments"].as_array().unwrap().len() as u64
        + booked["evidence"]["refused"].as_u64().unwrap();
    assert_eq!(shown, 4);

    // Thresholds: raised to 6 a day, five attempts are no longer a suspect.
    let (st, rules) = send(s, "GET", "/api/scalpers/rules", Some(&supervisor), None).await;
    assert_eq!((st, rules["per_day"].as_u64()), (200, Some(4)));
    let (st, v) = send(
        s,
        "PUT",
        "/api/scalpers/rules",
        Some(&supervisor),
        Some(json!({"per_day": 1})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("per_day")), "{v}");
    let (st, v) = send(
        s,
        "PUT",
        "/api/scalpers/rules",
        Some(&supervisor),
        Some(json!({"per_day": 6, "release_time": "08:30"})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (v["per_day"].as_u64(), v["per_window"].as_u64()),
        (Some(6), Some(10))
    );
    assert!(
        suspects(s, &supervisor, &today, &today)
            .await
            .iter()
            .all(|i| i["kind"] != "phone" || i["rule"] != "many_tickets")
    );

    // Bad periods name their field.
    for (query, name) in [
        ("to=2026-12-01", "from"),
        ("from=2026-12-01", "to"),
        ("from=2026-13-01&to=2026-12-01", "from"),
        ("from=2026-12-02&to=2026-12-01", "to"),
        ("from=2025-01-01&to=2026-01-02", "to"),
    ] {
        let (st, v) = send(
            s,
            "GET",
            &format!("/api/scalpers/suspects?{query}"),
            Some(&supervisor),
            None,
        )
        .await;
        assert_eq!((st, field(&v)), (422, Some(name)), "{query}: {v}");
    }

    // Window staff may not look; the leader may read but not change.
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let path = format!("/api/scalpers/suspects?from={today}&to={today}");
    assert_eq!(send(s, "GET", &path, Some(&staff), None).await.0, 403);
    assert_eq!(send(s, "GET", &path, None, None).await.0, 401);
    assert_eq!(send(s, "GET", &path, Some(&leader), None).await.0, 200);
    let (st, _) = send(
        s,
        "PUT",
        "/api/scalpers/rules",
        Some(&leader),
        Some(json!({"per_day": 5})),
    )
    .await;
    assert_eq!(st, 403);
}
on_both_backends_unthrottled!(tickets_and_refusals);

async fn case(s: &TestServer, staff: &str, seq: u32, phone: &str, agent: Option<(&str, &str)>) -> String {
    let mut body = json!({
        "item": "SCJG-XK-001",
        "applicant": {"name": format!("申请人{seq}"), "id_number": id_number(seq), "phone": phone},
        "materials": []
    });
    if let Some((agent, basis)) = agent {
        body["agent"] = json!(agent);
        body["agent_basis"] = json!(basis);
    }
    let (st, v) = send(s, "POST", "/api/cases", Some(staff), Some(body)).await;
    assert_eq!(st, 201, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

async fn case_rules_and_reviews(s: &TestServer) {
    let staff = s.login("staff").await;
    let supervisor = s.login("supervisor").await;
    let today = s.app.today().to_string();
    // One phone on the cases of three applicants; another on two (near miss).
    let mut shared = Vec::new();
    for seq in 1..=3 {
        shared.push(case(s, &staff, seq, "13600002222", None).await);
    }
    case(s, &staff, 4, "13600003333", None).await;
    case(s, &staff, 5, "13600003333", None).await;
    // An agent without a basis for three applicants; another with a 委托书.
    let mut agent_cases = Vec::new();
    for seq in 6..=8 {
        agent_cases.push(case(s, &staff, seq, &format!("1350000{seq:04}"), Some(("周某某", ""))).await);
    }
    for seq in 9..=11 {
        case(
            s,
            &staff,
            seq,
            &format!("1350000{seq:04}"),
            Some(("吴某某", "授权委托书")),
        )
        .await;
    }

    let items = suspects(s, &supervisor, &today, &today).await;
    let phone = items.iter().find(|i| i["rule"] == "shared_phone").unwrap();
    assert_eq!(phone["kind"], "phone");
    assert_eq!(phone["count"], 3);
    assert!(phone["key"].as_str().unwrap().ends_with("2222"));
    let mut cases: Vec<String> = phone["evidence"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    cases.sort();
    shared.sort();
    assert_eq!(cases, shared);
    assert!(!items.iter().any(|i| i["key"].as_str().unwrap().ends_with("3333")));
    let agents: Vec<&Value> = items
        .iter()
        .filter(|i| i["rule"] == "agent_without_basis")
        .collect();
    assert_eq!(agents.len(), 1, "{items:?}");
    assert_eq!(agents[0]["key"], "周某某");
    assert_eq!(agents[0]["kind"], "agent");
    assert_eq!(agents[0]["evidence"]["cases"].as_array().unwrap().len(), 3);

    // Clearing needs a note; then the suspect shows the review.
    let review = |decision: &str, v: &Value, note: &str| {
        json!({"ref": v["ref"], "kind": v["kind"], "rule": v["rule"], "from": today, "to": today,
               "decision": decision, "note": note})
    };
    let (st, v) = send(
        s,
        "POST",
        "/api/scalpers/suspects/review",
        Some(&supervisor),
        Some(review("clear", phone, "")),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("note")));
    let (st, v) = send(
        s,
        "POST",
        "/api/scalpers/suspects/review",
        Some(&supervisor),
        Some(review("clear", phone, "家庭成员共用手机号，已核实")),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["decision"], "clear");
    let mut unknown = review("clear", phone, "x");
    unknown["ref"] = json!("no-such-key");
    let (st, _) = send(
        s,
        "POST",
        "/api/scalpers/suspects/review",
        Some(&supervisor),
        Some(unknown),
    )
    .await;
    assert_eq!(st, 404);
    // Registering the agent from the suspect puts them on the register.
    let (st, v) = send(
        s,
        "POST",
        "/api/scalpers/suspects/review",
        Some(&supervisor),
        Some(review("register", agents[0], "多次无委托代办")),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let scalper_id = v["scalper_id"].as_str().unwrap().to_owned();
    let items = suspects(s, &supervisor, &today, &today).await;
    let phone = items.iter().find(|i| i["rule"] == "shared_phone").unwrap();
    assert_eq!(phone["review"]["decision"], "clear");
    let agent = items.iter().find(|i| i["rule"] == "agent_without_basis").unwrap();
    assert_eq!(agent["review"]["scalper_id"], scalper_id.as_str());
    let (st, v) = send(
        s,
        "GET",
        &format!("/api/scalpers/{scalper_id}"),
        Some(&supervisor),
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert!(v["description"].as_str().unwrap().contains("周某某"), "{v}");
    // Staff may not review.
    let (st, _) = send(
        s,
        "POST",
        "/api/scalpers/suspects/review",
        Some(&staff),
        Some(review("clear", phone, "x")),
    )
    .await;
    assert_eq!(st, 403);
}
on_both_backends_unthrottled!(case_rules_and_reviews);

/// A 1×1 PNG.
const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/// Every text the register keeps, read with SQL.
async fn register_text(s: &TestServer) -> String {
    const Q: &str = "SELECT description || '|' || COALESCE(phone_key, '') || '|' || COALESCE(phone_masked, '') \
        || '|' || COALESCE(id_key, '') || '|' || COALESCE(id_masked, '') FROM scalpers";
    let url = s.database_url();
    let rows: Vec<String> = if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let r = sqlx::query_scalar(Q).fetch_all(&pool).await.unwrap();
        pool.close().await;
        r
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let r = sqlx::query_scalar(Q).fetch_all(&pool).await.unwrap();
        pool.close().await;
        r
    };
    rows.join("\n")
}

async fn register_and_alert(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let supervisor = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let id = id_number(42);
    let body = json!({
        "description": "男，四十岁左右，常在取号机旁揽客",
        "phone": "13600004444",
        "id_number": id,
        "photo": format!("data:image/png;base64,{PNG}")
    });
    // Staff may not register; a photo that is no image is refused.
    let (st, _) = send(s, "POST", "/api/scalpers", Some(&staff), Some(body.clone())).await;
    assert_eq!(st, 403);
    let mut gif = body.clone();
    gif["photo"] = json!("data:image/png;base64,R0lGODlhAQABAAAAACw=");
    let (st, v) = send(s, "POST", "/api/scalpers", Some(&supervisor), Some(gif)).await;
    assert_eq!((st, field(&v)), (422, Some("photo")), "{v}");
    let mut bad = body.clone();
    bad["phone"] = json!("123");
    let (st, v) = send(s, "POST", "/api/scalpers", Some(&supervisor), Some(bad)).await;
    assert_eq!((st, field(&v)), (422, Some("phone")));
    let mut empty = body.clone();
    empty["description"] = json!(" ");
    let (st, v) = send(s, "POST", "/api/scalpers", Some(&supervisor), Some(empty)).await;
    assert_eq!((st, field(&v)), (422, Some("description")));

    let (st, v) = send(s, "POST", "/api/scalpers", Some(&supervisor), Some(body.clone())).await;
    assert_eq!(st, 201, "{v}");
    let scalper = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["phone_masked"], "136****4444");
    assert!(!v.to_string().contains("13600004444") && !v.to_string().contains(&id));
    let stored = register_text(s).await;
    assert!(
        !stored.contains("13600004444") && !stored.contains(&id),
        "{stored}"
    );
    // The photo comes back with its type read from its bytes.
    let photo = v["photo_id"].as_str().unwrap();
    let resp = s
        .req("GET", &format!("/api/scalpers/photos/{photo}"))
        .token(&supervisor)
        .send()
        .await;
    assert_eq!(resp.status, 200);
    // The same phone twice is refused.
    let mut again = body.clone();
    again["id_number"] = json!(null);
    again["photo"] = json!(null);
    let (st, _) = send(s, "POST", "/api/scalpers", Some(&supervisor), Some(again)).await;
    assert_eq!(st, 409);
    let (st, list) = send(s, "GET", "/api/scalpers", Some(&supervisor), None).await;
    assert_eq!(st, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Actions.
    let today = s.app.today().to_string();
    let path = format!("/api/scalpers/{scalper}/actions");
    let (st, v) = send(
        s,
        "POST",
        &path,
        Some(&supervisor),
        Some(json!({"action": "fine", "date": today, "note": "x"})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("action")));
    let (st, v) = send(
        s,
        "POST",
        &path,
        Some(&supervisor),
        Some(json!({"action": "warn", "date": "2099-01-01", "note": "x"})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("date")));
    let (st, v) = send(
        s,
        "POST",
        &path,
        Some(&supervisor),
        Some(json!({"action": "warn", "date": today, "note": "当面警告，已离开大厅", "evidence": "监控 10:05-10:12"})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["actions"][0]["action"], "warn");
    assert_eq!(v["actions"][0]["action_label"], "警告");
    let (st, _) = send(
        s,
        "POST",
        "/api/scalpers/0190a000-0000-7000-8000-000000000000/actions",
        Some(&supervisor),
        Some(json!({"action": "warn", "date": today, "note": "x"})),
    )
    .await;
    assert_eq!(st, 404);

    // The registered phone takes a ticket: the floor captain gets an alert.
    let (st, alerts) = send(s, "GET", "/api/scalpers/alerts", Some(&supervisor), None).await;
    assert_eq!((st, alerts["items"].as_array().unwrap().len()), (200, 0));
    let (st, t) = send(
        s,
        "POST",
        "/api/tickets",
        None,
        Some(json!({"category": "A", "phone": "13600004444"})),
    )
    .await;
    assert_eq!(st, 201, "{t}");
    let (_, alerts) = send(s, "GET", "/api/scalpers/alerts", Some(&supervisor), None).await;
    let items = alerts["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{alerts}");
    assert_eq!(items[0]["scalper_id"], scalper.as_str());
    assert_eq!(items[0]["source"], "ticket");
    assert_eq!(items[0]["reference"], t["number"]);
    // By ID number, a booking too.
    let day = next_working_day(s).await;
    let (st, v) = send(
        s,
        "POST",
        "/api/appointments",
        None,
        Some(json!({"category": "B", "date": day, "time": "09:00", "phone": "13500005555", "id_number": id})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let (_, alerts) = send(s, "GET", "/api/scalpers/alerts", Some(&supervisor), None).await;
    let items = alerts["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["source"], "appointment");
    assert_eq!(items[0]["kind"], "id_number");
    // Another phone raises nothing.
    assert_eq!(ticket(s, "13600006666").await, 201);
    let (_, alerts) = send(s, "GET", "/api/scalpers/alerts", Some(&supervisor), None).await;
    assert_eq!(alerts["items"].as_array().unwrap().len(), 2);

    // Acknowledged once; then off the open list.
    let alert = items[1]["id"].as_str().unwrap().to_owned();
    let ack = format!("/api/scalpers/alerts/{alert}/acknowledge");
    assert_eq!(send(s, "POST", &ack, Some(&staff), None).await.0, 403);
    let (st, v) = send(s, "POST", &ack, Some(&supervisor), None).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["acknowledged_by"], "supervisor");
    assert_eq!(send(s, "POST", &ack, Some(&supervisor), None).await.0, 409);
    let (_, open) = send(s, "GET", "/api/scalpers/alerts", Some(&supervisor), None).await;
    assert_eq!(open["items"].as_array().unwrap().len(), 1);
    let (_, all) = send(
        s,
        "GET",
        "/api/scalpers/alerts?open=false",
        Some(&supervisor),
        None,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        send(s, "GET", "/api/scalpers/alerts", Some(&staff), None).await.0,
        403
    );
}
on_both_backends_unthrottled!(register_and_alert);

async fn scalper_pages(s: &TestServer) {
    use crate::support::{csrf_of, page, session};
    s.app.seed_demo_floor().await.unwrap();
    let today = s.app.today().to_string();
    for _ in 0..5 {
        ticket(s, "13812345678").await;
    }
    let cookie = session(s, "supervisor").await;
    let (st, dash) = page(s, &cookie, "/admin").await;
    assert_eq!(st, 200);
    assert!(dash.contains("/admin/scalpers"), "the menu tile");
    let (st, html) = page(s, &cookie, &format!("/admin/scalpers?from={today}&to={today}")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains("138****5678") && html.contains("频繁取号预约"),
        "{html}"
    );
    assert!(!html.contains("13812345678"));
    let (st, bad) = page(s, &cookie, "/admin/scalpers?from=2026-12-02&to=2026-01-01").await;
    assert_eq!(st, 422);
    assert!(bad.contains("结束日期不能早于开始日期"));

    // Clearing the suspect from the page.
    let csrf = csrf_of(&html);
    let supervisor = s.login("supervisor").await;
    let (_, list) = send(
        s,
        "GET",
        &format!("/api/scalpers/suspects?from={today}&to={today}"),
        Some(&supervisor),
        None,
    )
    .await;
    let reference = list["items"][0]["ref"].as_str().unwrap().to_owned();
    let a = s
        .req("POST", "/admin/scalpers/review")
        .cookie(cookie.as_str())
        .form(&[
            ("csrf", csrf.as_str()),
            ("ref", reference.as_str()),
            ("kind", "phone"),
            ("rule", "many_tickets"),
            ("from", today.as_str()),
            ("to", today.as_str()),
            ("decision", "clear"),
            ("note", "排队时反复取号，已当面说明"),
        ])
        .send()
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let (_, html) = page(s, &cookie, &format!("/admin/scalpers?from={today}&to={today}")).await;
    assert!(html.contains("已复核") && html.contains("已当面说明"));

    // A registered phone takes a ticket: the floor view shows the alert until handled.
    let (st, _) = send(
        s,
        "POST",
        "/api/scalpers",
        Some(&supervisor),
        Some(json!({"description": "戴灰色帽子的男子", "phone": "13600007777"})),
    )
    .await;
    assert_eq!(st, 201);
    assert_eq!(ticket(s, "13600007777").await, 201);
    let (st, floor) = page(s, &cookie, "/admin/floor").await;
    assert_eq!(st, 200);
    assert!(
        floor.contains("黄牛预警") && floor.contains("戴灰色帽子的男子"),
        "{floor}"
    );
    let staff = session(s, "staff").await;
    let (st, staff_floor) = page(s, &staff, "/admin/floor").await;
    assert_eq!(st, 200);
    assert!(!staff_floor.contains("黄牛预警"));
    assert_eq!(page(s, &staff, "/admin/scalpers").await.0, 403);
    let at = floor.find("/admin/scalpers/alerts/").unwrap();
    let action = floor[at..].split('"').next().unwrap().to_owned();
    let a = s
        .req("POST", &action)
        .cookie(cookie.as_str())
        .form(&[("csrf", csrf_of(&floor).as_str()), ("back", "/admin/floor")])
        .send()
        .await;
    assert_eq!(a.status, 303);
    assert!(a.location().unwrap().starts_with("/admin/floor"));
    let (_, floor) = page(s, &cookie, "/admin/floor").await;
    assert!(!floor.contains("黄牛预警"));
}
on_both_backends_unthrottled!(scalper_pages);
