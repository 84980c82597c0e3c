//! Trust (issue 12): departments and roles on every route, guessing
//! throttled without locking anyone out, hostile bodies refused, security
//! headers, and deadlines past the published calendar.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, code, field, strs};
use serde_json::{Value, json};

async fn call(
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

/// Every material of an item, ticked as provided.
async fn all_materials(s: &TestServer, item: &str) -> Vec<Value> {
    let (st, v) = call(s, "GET", &format!("/api/items/{item}"), None, None).await;
    assert_eq!(st, 200, "{item}: {v}");
    v["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"name": m["name"], "status": "provided"}))
        .collect()
}

async fn accept(s: &TestServer, token: &str, item: &str) -> Value {
    let materials = all_materials(s, item).await;
    let (st, v) = call(
        s,
        "POST",
        "/api/cases",
        Some(token),
        Some(json!({
            "item": item,
            "applicant": {"name": "李四", "id_number": "11010519491231002X", "phone": "13912345678"},
            "materials": materials,
        })),
    )
    .await;
    assert_eq!(st, 201, "{item}: {v}");
    v
}

/// A liaison of 市场监管局 sees and acts on its department's cases only.
async fn liaison_sees_only_its_department(s: &TestServer) {
    let staff = s.login("staff").await;
    let liaison = s.login("liaison").await;
    let police = accept(s, &staff, "GA-QR-004").await;
    let market = accept(s, &staff, "SCJG-XK-001").await;
    let police_id = police["id"].as_str().unwrap();
    let market_id = market["id"].as_str().unwrap();

    let (st, v) = call(s, "GET", "/api/cases", Some(&liaison), None).await;
    assert_eq!(st, 200, "{v}");
    let departments: Vec<&str> = strs(&v["rows"], "department");
    assert!(!departments.is_empty());
    assert!(
        departments.iter().all(|d| *d == "东海县市场监督管理局"),
        "{departments:?}"
    );
    let (st, _) = call(
        s,
        "GET",
        "/api/cases?department=%E4%B8%9C%E6%B5%B7%E5%8E%BF%E5%85%AC%E5%AE%89%E5%B1%80",
        Some(&liaison),
        None,
    )
    .await;
    assert_eq!(st, 403, "another department's ledger");
    let resp = s
        .client
        .get(
            s.url("/api/cases/export.xlsx?department=%E4%B8%9C%E6%B5%B7%E5%8E%BF%E5%85%AC%E5%AE%89%E5%B1%80"),
        )
        .bearer_auth(&liaison)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403, "another department's export");

    for (method, path) in [
        ("GET", format!("/api/cases/{police_id}")),
        ("GET", format!("/api/cases/{police_id}/identity")),
        ("POST", format!("/api/cases/{police_id}/pause")),
        ("POST", format!("/api/cases/{police_id}/review")),
    ] {
        let body = (method == "POST").then(|| json!({"reason": "核查"}));
        let (st, v) = call(s, method, &path, Some(&liaison), body).await;
        assert!(st == 403 || st == 404, "{method} {path}: {st} {v}");
        assert!(v.to_string().find("11010519491231002X").is_none());
    }
    // The police case is untouched.
    let (_, v) = call(s, "GET", &format!("/api/cases/{police_id}"), Some(&staff), None).await;
    assert_eq!(v["status"], "accepted");
    // Its own department's case: readable and workable.
    let (st, v) = call(
        s,
        "GET",
        &format!("/api/cases/{market_id}/identity"),
        Some(&liaison),
        None,
    )
    .await;
    assert_eq!((st, v["id_number"].as_str()), (200, Some("11010519491231002X")));
    let (st, v) = call(
        s,
        "POST",
        &format!("/api/cases/{market_id}/review"),
        Some(&liaison),
        Some(json!({})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    // A liaison accepts only its department's items.
    let materials = all_materials(s, "GA-QR-004").await;
    let (st, _) = call(
        s,
        "POST",
        "/api/cases",
        Some(&liaison),
        Some(json!({"item": "GA-QR-004", "applicant": {"name": "王五", "id_number": "11010519491231002X"}, "materials": materials})),
    )
    .await;
    assert_eq!(st, 403);
    // Figures: its department and items only.
    let today = s.app.today();
    let (st, v) = call(
        s,
        "GET",
        &format!("/api/reports/cases/breakdown?from={today}"),
        Some(&liaison),
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    for d in v["departments"].as_array().unwrap() {
        assert_eq!(d["key"], "东海县市场监督管理局");
    }
    for i in v["items"].as_array().unwrap() {
        assert!(i["key"].as_str().unwrap().starts_with("SCJG-"), "{i}");
    }
    // Rectifications: a 差评 of 公安局's service is not the liaison's to see or handle.
    s.app.seed_demo_floor().await.unwrap();
    let (st, t) = call(s, "POST", "/api/tickets", None, Some(json!({"category": "D"}))).await;
    assert_eq!(st, 201, "{t}");
    let tid = t["id"].as_str().unwrap();
    let (st, _) = call(s, "POST", "/api/windows/3/call", Some(&staff), Some(json!({}))).await;
    assert_eq!(st, 200);
    let (st, _) = call(
        s,
        "POST",
        &format!("/api/tickets/{tid}/finish"),
        Some(&staff),
        Some(json!({})),
    )
    .await;
    assert!(st < 300, "finish: {st}");
    let (_, reasons) = call(s, "GET", "/api/evaluation-reasons", None, None).await;
    let (st, v) = call(
        s,
        "POST",
        "/api/evaluations",
        None,
        Some(json!({"ticket_id": tid, "channel": "online", "level": "dissatisfied", "reasons": [reasons["reasons"][0]]})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let leader = s.login("leader").await;
    let (st, all) = call(s, "GET", "/api/rectifications", Some(&leader), None).await;
    assert_eq!(st, 200, "{all}");
    let rows = all["items"].as_array().unwrap_or_else(|| panic!("{all}")).clone();
    let police_r = rows
        .iter()
        .find(|r| r["department"] == "东海县公安局")
        .unwrap_or_else(|| panic!("a 公安局 rectification in {all}"));
    let rid = police_r["id"].as_str().unwrap();
    let (st, mine) = call(s, "GET", "/api/rectifications", Some(&liaison), None).await;
    assert_eq!(st, 200);
    assert!(!mine.to_string().contains(rid), "{mine}");
    let (st, _) = call(
        s,
        "GET",
        &format!("/api/rectifications/{rid}"),
        Some(&liaison),
        None,
    )
    .await;
    assert_eq!(st, 403);
    let (st, _) = call(
        s,
        "POST",
        &format!("/api/rectifications/{rid}/verify"),
        Some(&liaison),
        Some(json!({"note": "核实"})),
    )
    .await;
    assert_eq!(st, 403);
    let (st, _) = call(
        s,
        "POST",
        &format!("/api/rectifications/{rid}/verify"),
        Some(&leader),
        Some(json!({"note": "核实"})),
    )
    .await;
    assert_eq!(st, 403, "leadership reads, it does not handle");

    // Accounts carry departments; a liaison without one is refused.
    let admin = s.login("admin").await;
    let (st, v) = call(
        s,
        "POST",
        "/api/users",
        Some(&admin),
        Some(json!({"username": "liaison2", "role": "liaison", "password": "liaison-pass-1"})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("department")), "{v}");
    let (st, v) = call(
        s,
        "POST",
        "/api/users",
        Some(&admin),
        Some(json!({"username": "liaison2", "role": "liaison", "department": "GA", "password": "liaison-pass-1"})),
    )
    .await;
    assert_eq!((st, v["department"].as_str()), (201, Some("GA")), "{v}");
    let (st, v) = call(
        s,
        "PUT",
        "/api/users/staff",
        Some(&admin),
        Some(json!({"department": "NOPE"})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("department")));
}
on_both_backends!(liaison_sees_only_its_department);

/// A deadline that crosses into a year without the State Council's schedule is
/// provisional, and recomputed when the official year is imported.
async fn provisional_deadlines(s: &TestServer) {
    let today = s.app.today();
    let (st, v) = call(
        s,
        "GET",
        &format!("/api/calendar/deadline?from={}-12-07&days=30", today.year()),
        None,
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["provisional"], true, "{v}");
    // Two years past the current one is the limit.
    let far = format!("/api/calendar/deadline?from={}-12-20&days=30", today.year() + 2);
    let (st, v) = call(s, "GET", &far, None, None).await;
    assert_eq!((st, code(&v)), (422, Some("calendar_missing")), "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&(today.year() + 3).to_string())
    );

    // From 1 October (or in a year without its schedule) the admin pages warn.
    let cal = s.app.calendar().await.unwrap();
    let due = today.month() >= 10 || cal.is_provisional_year(today.year());
    let admin_cookie = crate::support::session(s, "admin").await;
    for path in ["/admin", "/admin/calendar"] {
        let html = s.req("GET", path).header("cookie", &admin_cookie).await.text;
        assert_eq!(html.contains("calendar-warning"), due, "{path}");
    }

    // 工伤认定 (30 working days) accepted today runs into a provisional year.
    let staff = s.login("staff").await;
    let case = accept(s, &staff, "RS-QR-001").await;
    assert_eq!(case["deadline_provisional"], true, "{case}");
    let old: jiff::civil::Date = case["deadline"].as_str().unwrap().parse().unwrap();
    let id = case["id"].as_str().unwrap();
    let (_, ledger) = call(s, "GET", "/api/cases", Some(&staff), None).await;
    assert!(
        ledger["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["deadline_provisional"] == true)
    );
    let resp = s
        .req("GET", &format!("/cases/{id}/receipt"))
        .header("cookie", crate::support::session(s, "staff").await)
        .await;
    assert!(resp.text.contains("暂定"), "the receipt marks the deadline 暂定");

    // The State Council publishes: the same holidays, plus one working day off
    // before the deadline (a day after today in a provisional year).
    let cal = s.app.calendar().await.unwrap();
    let mut tsv = String::new();
    let mut moved_day = None;
    for year in today.year()..=old.year() {
        if !cal.is_provisional_year(year) {
            continue;
        }
        for (d, mut w) in domain::statutory::provisional_year(year).unwrap() {
            if w && moved_day.is_none() && d > today && d < old {
                w = false;
                moved_day = Some(d);
            }
            tsv.push_str(&format!("{d}\t{}\n", u8::from(w)));
        }
    }
    let moved_day = moved_day.expect("a working day between today and the deadline in a provisional year");
    let admin = s.login("admin").await;
    let resp = s.upload("/api/calendar/import", &admin, tsv).await;
    assert_eq!(resp.status, 201);
    let summary: Value = resp.json();
    assert!(summary["recomputed"].as_u64().unwrap() >= 1, "{summary}");
    let (_, after) = call(s, "GET", &format!("/api/cases/{id}"), Some(&staff), None).await;
    let new: jiff::civil::Date = after["deadline"].as_str().unwrap().parse().unwrap();
    assert_eq!(after["deadline_provisional"], false, "{after}");
    assert!(new > old, "{moved_day} became a rest day: {old} → {new}");
    let step = after["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "deadline_recomputed")
        .expect("the history records the recomputation");
    let note = step["note"].as_str().unwrap();
    assert!(
        note.contains(&old.to_string()) && note.contains(&new.to_string()),
        "{note}"
    );
    // The public progress page shows the new deadline.
    let code = after["query_code"].as_str().unwrap();
    let (st, p) = call(s, "GET", &format!("/api/progress?code={code}"), None, None).await;
    assert_eq!(
        (st, p["deadline"].as_str()),
        (200, Some(new.to_string().as_str()))
    );
    assert!(p.get("id_number").is_none(), "progress shows no ID number: {p}");
    assert_eq!(p["applicant"], "李**");
}
on_both_backends!(provisional_deadlines);

/// Guessing is slowed per address and per account-and-address, never by
/// locking an account for everyone; load limits off does not turn this off.
async fn guessing_is_throttled(s: &TestServer) {
    // Password spraying from one address: many accounts, one password.
    for i in 0..20 {
        let (st, _) = call(
            s,
            "POST",
            "/api/auth/login",
            None,
            Some(json!({"username": format!("user{i}"), "password": "Spring2026!"})),
        )
        .await;
        assert_eq!(st, 401);
    }
    let (st, _) = call(
        s,
        "POST",
        "/api/auth/login",
        None,
        Some(json!({"username": "admin", "password": "Spring2026!"})),
    )
    .await;
    assert_eq!(st, 429, "one address trying many accounts is slowed");

    // Progress lookups: 30 wrong phone tails for one case number end in 429.
    let staff = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 3]))
        .build()
        .unwrap();
    let token = {
        let r = staff
            .post(s.url("/api/auth/login"))
            .json(&json!({"username": "staff", "password": app::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let case = accept(s, &token, "SCJG-XK-001").await;
    let number = case["number"].as_str().unwrap();
    let guesser = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 4]))
        .build()
        .unwrap();
    let mut statuses = Vec::new();
    for tail in 0..30 {
        let r = guesser
            .get(s.url(&format!("/api/progress?number={number}&phone_last4={tail:04}")))
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.iter().all(|s| *s == 404 || *s == 429), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(statuses.iter().filter(|s| **s == 404).count() <= 10);
    // Appointment codes: the same limit per code and per address.
    let guesser2 = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 5]))
        .build()
        .unwrap();
    let mut last = 0;
    for tail in 0..12 {
        let r = guesser2
            .post(s.url("/api/appointments/123456/cancel"))
            .json(&json!({"phone_last4": format!("{tail:04}")}))
            .send()
            .await
            .unwrap();
        last = r.status().as_u16();
    }
    assert_eq!(last, 429, "appointment codes are throttled too");
    // The right tail is refused too while the number is being guessed at.
    let r = guesser
        .get(s.url(&format!("/api/progress?number={number}&phone_last4=5678")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_is_throttled_with_load_limits_off() {
    let mut settings = app::Settings::default().always_open();
    settings.security.rate_limit = false;
    let s = TestServer::start_with(Backend::Sqlite, settings).await;
    guessing_is_throttled(&s).await;
    s.stop().await;
}

/// Oversized, malformed and hostile bodies get a short Chinese error, never a 5xx.
async fn hostile_bodies(s: &TestServer) {
    let admin = s.login("admin").await;
    // 2 MiB of JSON: 413 in the error shape.
    let big = format!(
        "{{\"username\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(2 * 1024 * 1024)
    );
    // A client of its own: the server closes a connection whose body it refused unread.
    let resp = reqwest::Client::new()
        .post(s.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "too_large");
    // A 10,000-character field is refused with a short answer.
    let long = "中".repeat(10_000);
    let (st, v) = call(
        s,
        "POST",
        "/api/cases",
        Some(&admin),
        Some(json!({"item": long, "applicant": {"name": "张三", "id_number": "11010519491231002X"}})),
    )
    .await;
    assert!((400..500).contains(&st), "{st}");
    assert!(v["error"]["message"].as_str().unwrap().chars().count() < 300);
    // Wrong types and huge numbers.
    for body in [
        json!({"item": 5, "applicant": {}}),
        json!({"item": "SCJG-XK-001", "applicant": {"name": "张三", "id_number": "11010519491231002X"}, "materials": [{"name": "x", "status": 1e308}]}),
    ] {
        let (st, v) = call(s, "POST", "/api/cases", Some(&admin), Some(body)).await;
        assert!((400..500).contains(&st), "{st} {v}");
        assert!(v["error"]["code"].is_string());
    }
    let resp = s
        .req("PUT", "/api/users/staff")
        .token(&admin)
        .header("content-type", "application/json")
        .body(format!("{{\"department\": {}}}", "9".repeat(400)))
        .await;
    assert!(resp.status / 100 == 4);
    // Invalid UTF-8 in an import: 4xx with the error JSON, nothing stored.
    let resp = s
        .upload(
            "/api/calendar/import",
            &admin,
            vec![0xff, 0xfe, 0x32, 0x30, 0x32, 0x37],
        )
        .await;
    assert!(resp.status / 100 == 4, "{}", resp.status);
    let v: Value = resp.json();
    assert!(v["error"]["message"].is_string(), "{v}");
    // A method a route does not have.
    let (st, v) = call(s, "DELETE", "/api/calendar/days", Some(&admin), None).await;
    assert_eq!(st, 405);
    assert!(v["error"]["message"].is_string(), "{v}");
}
on_both_backends!(hostile_bodies);

/// Pages and answers carry the security headers; personal pages are not cached.
async fn security_headers(s: &TestServer) {
    let resp = s.req("GET", "/").await;
    let h = resp.headers;
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        !csp.split(';')
            .any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline"))
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("referrer-policy"));
    let cookie = crate::support::session(s, "admin").await;
    let resp = s.req("GET", "/admin/cases").header("cookie", &cookie).await;
    assert_eq!(resp.headers["cache-control"], "no-store");
    // The form login's cookie is HttpOnly and SameSite; the API login sets none.
    let resp = s
        .req("POST", "/login")
        .plain_form(&[
            ("username", "leader"),
            ("password", app::demo::DEMO_PASSWORD),
            ("next", "/admin"),
        ])
        .await;
    let set = resp.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let resp = s
        .req("POST", "/api/auth/login")
        .json(&json!({"username": "leader", "password": app::demo::DEMO_PASSWORD}))
        .await;
    assert!(!resp.headers.contains_key("set-cookie"));
    // Every answer names its request; an error answer carries the same id.
    let resp = s.req("GET", "/api/cases/not-a-case").await;
    let id = resp.headers["x-request-id"].to_str().unwrap().to_owned();
    let v: Value = resp.json();
    assert_eq!(v["error"]["request_id"].as_str(), Some(id.as_str()), "{v}");
    let resp = s
        .req("GET", "/api/items/NOPE-404")
        .header("x-request-id", "kiosk-7-000123")
        .await;
    assert_eq!(resp.headers["x-request-id"], "kiosk-7-000123");
    let v: Value = resp.json();
    assert_eq!(v["error"]["request_id"], "kiosk-7-000123");
    // No page carries an inline script.
    for path in ["/", "/kiosk", "/progress", "/appointments", "/login"] {
        let html = s.req("GET", path).await.text;
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(tag.contains("src="), "{path}: inline script {tag}");
        }
        assert!(!html.contains(" onclick="), "{path}: inline handler");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_send_security_headers() {
    let s = TestServer::start(Backend::Sqlite).await;
    security_headers(&s).await;
    s.stop().await;
}
