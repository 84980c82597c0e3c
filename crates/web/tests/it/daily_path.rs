//! The hall's daily path (issue 14): opening hours, the display's and the
//! console's state from the records, the guide's 五公开 fields, 到号提醒.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, page, session};
use serde_json::{Value, json};

/// Category A at window 3 (staff), category B at window 4 (nobody).
async fn hall(s: &TestServer) -> String {
    let admin = s.login("admin").await;
    for (prefix, name) in [("A", "企业开办"), ("B", "不动产登记")] {
        let (st, v) = s
            .req("POST", "/api/categories")
            .token(admin.as_str())
            .json(&json!({"prefix": prefix, "name": name}))
            .status_json()
            .await;
        assert_eq!(st, 201, "{v}");
    }
    for (number, cat, staff) in [("3", "A", vec!["staff"]), ("4", "B", vec![])] {
        let (st, v) = s
            .req("POST", "/api/windows")
            .token(admin.as_str())
            .json(&json!({"number": number, "name": format!("{number}号窗口"), "categories": [cat], "staff": staff}))
            .status_json()
            .await;
        assert_eq!(st, 201, "{v}");
    }
    admin
}

async fn take(s: &TestServer, body: Value) -> Value {
    let (st, v) = s.req("POST", "/api/tickets").json(&body).status_json().await;
    assert_eq!(st, 201, "{v}");
    v
}

async fn call(s: &TestServer, token: &str, window: &str) -> Value {
    let (st, v) = s
        .req("POST", &format!("/api/windows/{window}/call"))
        .token(token)
        .status_json()
        .await;
    assert_eq!(st, 200, "{v}");
    v
}

/// Outside the opening hours no ticket is issued (409 `closed`) and the
/// kiosk says so with the hours; a special date can open the hall.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_opening_hours_the_kiosk_issues_nothing() {
    let mut closed = app::Settings::default();
    for day in [
        &mut closed.hours.monday,
        &mut closed.hours.tuesday,
        &mut closed.hours.wednesday,
        &mut closed.hours.thursday,
        &mut closed.hours.friday,
    ] {
        day.clear();
    }
    let s = TestServer::start_with(Backend::Sqlite, closed.clone()).await;
    hall(&s).await;
    let (st, v) = s
        .req("POST", "/api/tickets")
        .json(&json!({"category": "A"}))
        .status_json()
        .await;
    assert_eq!((st, v["error"]["code"].as_str()), (409, Some("closed")), "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("办公时间"),
        "{v}"
    );
    let (st, html) = page(&s, "", "/kiosk").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("今日不办公") || html.contains("现在不在办公时间"),
        "{html}"
    );
    s.stop().await;

    // 延时服务 today: a special date opens the whole day.
    let today = jiff::Zoned::now().in_tz("Asia/Shanghai").unwrap().date();
    closed.hours.special = vec![format!("{today} 00:00-23:59")];
    let s = TestServer::start_with(Backend::Sqlite, closed).await;
    hall(&s).await;
    take(&s, json!({"category": "A"})).await;
    let (_, html) = page(&s, "", "/kiosk").await;
    assert!(!html.contains("今日不办公"), "{html}");
    s.stop().await;
}

/// A display that (re)starts shows the current calls and waiting counts.
async fn the_display_state_comes_from_the_records(s: &TestServer) {
    hall(s).await;
    let staff = s.login("staff").await;
    for _ in 0..3 {
        take(s, json!({"category": "A"})).await;
    }
    take(s, json!({"category": "B"})).await;
    let (st, v) = s.get_json("/api/display/state").await;
    assert_eq!(st, 200);
    assert_eq!(v["calls"], json!([]));
    assert_eq!(v["waiting"], json!({"A": 3, "B": 1}));
    let called = call(s, &staff, "3").await;
    let number = called["ticket"]["number"].as_str().unwrap().to_owned();
    let (_, v) = s.get_json("/api/display/state").await;
    assert_eq!(v["calls"][0]["ticket"], number.as_str());
    assert_eq!(v["calls"][0]["window"], "3");
    assert_eq!(v["waiting"], json!({"A": 2, "B": 1}));
    // The call is announced with the shipped prompts (no speech engine needed).
    let resp = s
        .client
        .get(s.url(&format!("/display/voice/{}", v["last_event_id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "audio/wav");
    assert!(resp.bytes().await.unwrap().starts_with(b"RIFF"));
    // The page shows the call before any event arrives.
    let (_, html) = page(s, "", "/display").await;
    assert!(
        html.contains(&format!("id=\"latest-number\" class=\"latest-number\">{number}<")),
        "{html}"
    );
    assert!(html.contains("等候 <b>2</b> 人"), "{html}");
}
on_both_backends!(the_display_state_comes_from_the_records);

/// The console's state lives on the server: the ticket in service, the waiting list.
async fn a_window_knows_its_current_ticket(s: &TestServer) {
    hall(s).await;
    let staff = s.login("staff").await;
    let path = "/api/windows/3/current";
    let (st, v) = s.req("GET", path).token(staff.as_str()).status_json().await;
    assert_eq!((st, &v["ticket"]), (200, &Value::Null), "{v}");
    take(s, json!({"category": "A"})).await;
    take(s, json!({"category": "A", "priority": "elderly"})).await;
    take(s, json!({"category": "B"})).await;
    let (_, v) = s.req("GET", path).token(staff.as_str()).status_json().await;
    assert_eq!(v["waiting_count"], 2);
    // Green channel first.
    assert_eq!(v["waiting"][0]["priority"], "elderly");
    let called = call(s, &staff, "3").await;
    let (_, v) = s.req("GET", path).token(staff.as_str()).status_json().await;
    assert_eq!(v["ticket"]["id"], called["ticket"]["id"]);
    assert_eq!(v["ticket"]["status"], "called");
    assert_eq!(v["waiting_count"], 1);
    // A fresh application over the same records (a restarted server) finds it too.
    let restarted = app::App::new(s.app.store.clone(), app::Settings::default().always_open());
    let user = s.app.store.user_by_username("staff").await.unwrap().unwrap().user;
    let clerk = app::auth::Session {
        user,
        kind: store::TokenKind::Api,
        csrf: String::new(),
    };
    let current = restarted
        .queue
        .window_current(&clerk, "3")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        current.ticket.id.to_string(),
        called["ticket"]["id"].as_str().unwrap()
    );
    // Finished: idle again.
    let id = called["ticket"]["id"].as_str().unwrap();
    let (st, _) = s
        .req("POST", &format!("/api/tickets/{id}/finish"))
        .token(staff.as_str())
        .status_json()
        .await;
    assert_eq!(st, 200);
    let (_, v) = s.req("GET", path).token(staff.as_str()).status_json().await;
    assert_eq!(v["ticket"], Value::Null);
    // Not this clerk's window; nobody signed in.
    let (st, _) = s
        .req("GET", "/api/windows/4/current")
        .token(staff.as_str())
        .status_json()
        .await;
    assert_eq!(st, 403);
    let (st, _) = s.req("GET", path).status_json().await;
    assert_eq!(st, 401);
    // The console page carries the pieces the script fills.
    let cookie = session(s, "staff").await;
    let (st, html) = page(s, &cookie, "/console/3").await;
    assert_eq!(st, 200);
    for piece in [
        "id=\"waiting-count\"",
        "id=\"service-timer\"",
        "id=\"current-priority\"",
    ] {
        assert!(html.contains(piece), "{piece}");
    }
}
on_both_backends!(a_window_knows_its_current_ticket);

/// Five tickets with phones wait; calling the first sends exactly one 到号提醒,
/// to the fifth (three now ahead of it); the others started with three or fewer ahead.
async fn a_turn_reminder_goes_once_when_three_remain_ahead(s: &TestServer) {
    let admin = hall(s).await;
    let staff = s.login("staff").await;
    let supervisor = s.login("supervisor").await;
    let mut fifth = Value::Null;
    for i in 0..5 {
        fifth = take(s, json!({"category": "A", "phone": format!("1391234567{i}")})).await;
    }
    let outbox = |token: String| async move {
        let (st, v) = s
            .req("GET", "/api/sms-outbox")
            .token(token.as_str())
            .status_json()
            .await;
        assert_eq!(st, 200, "{v}");
        v["items"].as_array().unwrap().clone()
    };
    assert_eq!(s.app.queue.queue_turn_reminders().await.unwrap(), 0);
    assert!(outbox(supervisor.clone()).await.is_empty());
    call(s, &staff, "3").await;
    assert_eq!(s.app.queue.queue_turn_reminders().await.unwrap(), 1);
    assert_eq!(s.app.queue.queue_turn_reminders().await.unwrap(), 0);
    let items = outbox(supervisor.clone()).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["ticket_id"], fifth["id"]);
    assert_eq!(items[0]["kind"], "turn_reminder");
    let body = items[0]["body"].as_str().unwrap();
    assert!(body.contains("前面还有3位"), "{body}");
    assert!(!body.contains("1391234567"), "no phone in the body: {body}");
    // Calling on: no second reminder for anyone.
    call(s, &staff, "3").await;
    s.app.queue.queue_turn_reminders().await.unwrap();
    assert_eq!(outbox(admin).await.len(), 1);
    // The job runner owns it.
    assert!(
        app::jobs::standard_jobs()
            .iter()
            .any(|j| j.code == "turn_reminders")
    );
}
on_both_backends!(a_turn_reminder_goes_once_when_three_remain_ahead);

/// Every guide carries the 五公开 fields, the hall's defaults where the catalog is silent.
async fn a_guide_says_where_when_and_whom_to_call(s: &TestServer) {
    let (st, v) = s.get_json("/api/items/SCJG-XK-001").await;
    assert_eq!(st, 200);
    for field in ["location", "hours", "phone", "complaint_phone"] {
        assert!(!v[field].as_str().unwrap().is_empty(), "{field}: {v}");
    }
    assert!(v["legal_basis"].is_array() && v["steps"].is_array(), "{v}");
    let (_, html) = page(s, "", "/items/SCJG-XK-001").await;
    for label in [
        "办理地点",
        "办理时间",
        "咨询电话",
        "监督投诉电话",
        "设定依据",
        "办理流程",
        "12345",
    ] {
        assert!(html.contains(label), "{label}");
    }
}
on_both_backends!(a_guide_says_where_when_and_whom_to_call);

/// Errors name the field in Chinese, not its machine name.
async fn a_pause_without_reason_is_explained_in_chinese(s: &TestServer) {
    hall(s).await;
    let staff = s.login("staff").await;
    let (st, v) = s
        .req("POST", "/api/windows/3/status")
        .token(staff.as_str())
        .json(&json!({"status": "paused", "reason": ""}))
        .status_json()
        .await;
    assert_eq!((st, v["error"]["field"].as_str()), (422, Some("reason")), "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(!message.contains("reason"), "{message}");
    assert!(message.contains("原因"), "{message}");
}
on_both_backends!(a_pause_without_reason_is_explained_in_chinese);

/// Files a food-licence case as the clerk; `missing` leaves the third material out.
async fn file_case(s: &TestServer, staff: &str, name: &str, missing: bool) -> Value {
    let person = json!({"name": name, "id_number": "11010519491231002X", "phone": "13912345678"});
    let third = if missing { "missing" } else { "provided" };
    let materials = json!([
        {"name": "食品经营许可申请书", "status": "provided"},
        {"name": "与食品经营相适应的主要设备设施布局、操作流程文件", "status": "provided"},
        {"name": "食品安全自查、从业人员健康管理等保证食品安全的规章制度", "status": third}
    ]);
    let (st, c) = s
        .req("POST", "/api/cases")
        .token(staff)
        .json(&json!({"item": "SCJG-XK-001", "applicant": person, "materials": materials}))
        .status_json()
        .await;
    assert_eq!(st, 201, "{c}");
    c
}

/// What a citizen and a clerk read about a case: the clerk's name, the
/// window, the missing materials, the outcome and how to collect it; the
/// ledger finds a department by its short name; a clerk's pages open clean.
async fn a_case_reads_as_people_expect(s: &TestServer) {
    hall(s).await;
    let staff = s.login("staff").await;
    let c = file_case(s, &staff, "张三", true).await;
    // No ticket: the clerk serves at window 3 only, so the case is window 3's.
    assert_eq!(c["window"], "3");
    assert_eq!(c["staff_name"], "王芳");
    let (id, number) = (
        c["id"].as_str().unwrap().to_owned(),
        c["number"].as_str().unwrap().to_owned(),
    );
    let progress = format!("/api/progress?number={number}&phone_last4=5678");
    let (_, p) = s.get_json(&progress).await;
    assert_eq!(
        p["missing_materials"],
        json!(["食品安全自查、从业人员健康管理等保证食品安全的规章制度"]),
        "{p}"
    );
    let cookie = session(s, "staff").await;
    let (_, receipt) = page(s, &cookie, &format!("/cases/{id}/notice")).await;
    assert!(receipt.contains("经办人 王芳"), "{receipt}");
    assert!(!receipt.contains("经办人 staff"));
    for (action, body) in [
        (
            "supplement",
            json!({"materials": [{"name": "食品安全自查、从业人员健康管理等保证食品安全的规章制度", "status": "provided"}]}),
        ),
        ("decide", json!({"approved": true, "reason": "符合条件"})),
        ("complete", json!({})),
    ] {
        let (st, v) = s
            .req("POST", &format!("/api/cases/{id}/{action}"))
            .token(staff.as_str())
            .json(&body)
            .status_json()
            .await;
        assert_eq!(st, 200, "{action}: {v}");
    }
    let (st, approval) = page(s, &cookie, &format!("/cases/{id}/approval")).await;
    assert_eq!(st, 200);
    assert!(
        approval.contains("准予行政许可决定书") && approval.contains("经办人 王芳"),
        "{approval}"
    );
    let (st, _) = page(s, &cookie, &format!("/cases/{id}/refusal")).await;
    assert_eq!(st, 409, "no refusal for an approved case");
    let (_, p) = s.get_json(&progress).await;
    assert_eq!(p["outcome"], "准予许可：符合条件", "{p}");
    assert!(p["collect"].as_str().unwrap().contains("3号窗口"), "{p}");
    let (_, html) = page(s, "", &format!("/progress?number={number}&phone_last4=5678")).await;
    assert!(html.contains("领取方式") && html.contains("准予许可"), "{html}");
    // The applicant heard of each step once: 补正, 受理, 办结（可领取）.
    let supervisor = s.login("supervisor").await;
    let (_, outbox) = s
        .req("GET", "/api/sms-outbox")
        .token(supervisor.as_str())
        .status_json()
        .await;
    let mut notices: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "case_status")
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    notices.reverse();
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(
        notices[0].contains("需补正") && notices[1].contains("已受理") && notices[2].contains("可领取"),
        "{notices:?}"
    );
    assert!(
        notices
            .iter()
            .all(|n| !n.contains("13912345678") && !n.contains("11010519491231002X"))
    );

    // The ledger by the department's short name or code.
    let admin = s.login("admin").await;
    for dept in ["市场监督", "SCJG", "东海县市场监督管理局"] {
        let (st, v) = s
            .req("GET", &format!("/api/cases?department={}", urlencoding(dept)))
            .token(admin.as_str())
            .status_json()
            .await;
        assert_eq!(st, 200, "{dept}: {v}");
        assert_eq!(v["total"], 1, "{dept}: {v}");
    }
    // A clerk's case pages: no error box, no link they cannot open.
    for path in ["/admin/cases", "/admin/cases/worklist"] {
        let (st, html) = page(s, &cookie, path).await;
        assert_eq!(st, 200, "{path}");
        assert!(!html.contains("role=\"alert\""), "{path}: {html}");
        assert!(!html.contains("href=\"/admin/cases/overdue\""), "{path}");
    }
    let (_, html) = page(s, &cookie, "/admin/cases/worklist").await;
    // The clerk's own list (their case is completed, so nothing is open).
    assert!(html.contains("共 0 件"), "the clerk's own cases: {html}");
    let resp = s
        .client
        .get(s.url("/api/cases/export.xlsx"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
}
on_both_backends!(a_case_reads_as_people_expect);

/// A booking is confirmed by SMS, once.
async fn a_booking_is_confirmed_by_sms(s: &TestServer) {
    hall(s).await;
    let cal = s.app.calendar().await.unwrap();
    let mut day = s.app.today().tomorrow().unwrap();
    while !cal.is_workday(day).unwrap() {
        day = day.tomorrow().unwrap();
    }
    let slot = json!({"date": day.to_string(), "time": "09:00"});
    let (st, booked) = s
        .req("POST", "/api/appointments")
        .json(&json!({"category": "A", "date": slot["date"], "time": slot["time"], "phone": "13912345678"}))
        .status_json()
        .await;
    assert_eq!(st, 201, "{booked}");
    let supervisor = s.login("supervisor").await;
    let (_, outbox) = s
        .req("GET", "/api/sms-outbox")
        .token(supervisor.as_str())
        .status_json()
        .await;
    let confirmations: Vec<&Value> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "appointment_confirmation")
        .collect();
    assert_eq!(confirmations.len(), 1, "{outbox}");
    assert!(
        confirmations[0]["body"]
            .as_str()
            .unwrap()
            .contains(booked["code"].as_str().unwrap())
    );
}
on_both_backends!(a_booking_is_confirmed_by_sms);

/// 不予许可决定书 names the remedies with their time limits.
async fn a_refusal_names_the_remedies(s: &TestServer) {
    hall(s).await;
    let staff = s.login("staff").await;
    let c = file_case(s, &staff, "李四", false).await;
    let id = c["id"].as_str().unwrap().to_owned();
    let (st, v) = s
        .req("POST", &format!("/api/cases/{id}/decide"))
        .token(staff.as_str())
        .json(&json!({"approved": false, "reason": "经营场所与住宅未有效隔离"}))
        .status_json()
        .await;
    assert_eq!(st, 200, "{v}");
    let cookie = session(s, "staff").await;
    let (st, html) = page(s, &cookie, &format!("/cases/{id}/refusal")).await;
    assert_eq!(st, 200);
    for piece in [
        "不予行政许可决定书",
        "经营场所与住宅未有效隔离",
        "行政复议法",
        "六十日",
        "行政诉讼法",
        "六个月",
    ] {
        assert!(html.contains(piece), "{piece}");
    }
    let (st, _) = page(s, &cookie, &format!("/cases/{id}/approval")).await;
    assert_eq!(st, 409);
}
on_both_backends!(a_refusal_names_the_remedies);

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The director's figures: a queue report for any period, staff by name,
/// the floor and the report counting 已办 alike, and the monthly page.
async fn the_directors_figures_agree_and_span_months(s: &TestServer) {
    hall(s).await;
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let first = take(s, json!({"category": "A"})).await;
    take(s, json!({"category": "A"})).await;
    call(s, &staff, "3").await;
    let id = first["id"].as_str().unwrap();
    // A transfer: the old ticket is not counted as done; its new number is, once finished.
    let (st, moved) = s
        .req("POST", &format!("/api/tickets/{id}/transfer"))
        .token(staff.as_str())
        .json(&json!({"category": "A"}))
        .status_json()
        .await;
    assert_eq!(st, 200, "{moved}");
    let called = call(s, &staff, "3").await;
    let next = called["ticket"]["id"].as_str().unwrap();
    let (st, _) = s
        .req("POST", &format!("/api/tickets/{next}/finish"))
        .token(staff.as_str())
        .status_json()
        .await;
    assert_eq!(st, 200);
    let (_, floor) = s
        .req("GET", "/api/floor")
        .token(leader.as_str())
        .status_json()
        .await;
    let today = s.app.today();
    let (st, day) = s
        .req("GET", &format!("/api/reports/queue?date={today}"))
        .token(leader.as_str())
        .status_json()
        .await;
    assert_eq!(st, 200, "{day}");
    assert_eq!(floor["served_today"], day["total"]["served"], "{floor} {day}");
    let staff_row = day["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "staff")
        .unwrap();
    assert_eq!(staff_row["label"], "王芳");
    // A month range: the same sums.
    let month_start = today.first_of_month();
    let (st, month) = s
        .req(
            "GET",
            &format!("/api/reports/queue?from={month_start}&to={today}"),
        )
        .token(leader.as_str())
        .status_json()
        .await;
    assert_eq!(st, 200, "{month}");
    assert_eq!(month["total"]["taken"], day["total"]["taken"]);
    let (st, v) = s
        .req(
            "GET",
            &format!("/api/reports/queue?from={today}&to={month_start}x"),
        )
        .token(leader.as_str())
        .status_json()
        .await;
    assert_eq!(st, 422, "{v}");

    // The monthly page, its print and its workbook.
    let cookie = session(s, "leader").await;
    let this_month = today.strftime("%Y-%m").to_string();
    let (st, html) = page(
        s,
        &cookie,
        &format!("/admin/reports/monthly?from={this_month}&to={this_month}"),
    )
    .await;
    assert_eq!(st, 200);
    for piece in [
        "id=\"monthly-months\"",
        "id=\"monthly-departments\"",
        "id=\"monthly-windows\"",
        "按期办结率",
        "3号窗口",
        "data-print",
    ] {
        assert!(html.contains(piece), "{piece}");
    }
    let (_, html) = page(s, &cookie, "/admin/reports/monthly?from=2026-13&to=2026-01").await;
    assert!(html.contains("role=\"alert\""), "{html}");
    let resp = s
        .client
        .get(s.url(&format!(
            "/admin/reports/monthly.xlsx?from={this_month}&to={this_month}"
        )))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(resp.bytes().await.unwrap().starts_with(b"PK"));
    let clerk = session(s, "staff").await;
    let (st, _) = page(s, &clerk, "/admin/reports/monthly").await;
    assert_eq!(st, 403);
}
on_both_backends!(the_directors_figures_agree_and_span_months);

/// Every page may ask for the icon.
async fn the_favicon_is_there(s: &TestServer) {
    let resp = s.client.get(s.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/")
    );
}
on_both_backends!(the_favicon_is_there);

/// A guide offers its blank forms and samples: uploaded by the catalog
/// manager (PDF or DOCX by content, at most 5 MB), listed on the guide and
/// in the API, downloaded as uploaded, removed with a trace in the audit log.
async fn a_guide_offers_its_forms(s: &TestServer) {
    let admin = s.login("admin").await;
    let upload = |name: &'static str, bytes: Vec<u8>, kind: &'static str| {
        let admin = admin.clone();
        async move {
            let form = reqwest::multipart::Form::new()
                .text("csrf", "")
                .text("kind", kind)
                .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            s.client
                .post(s.url("/admin/catalog/items/SCJG-XK-001/files"))
                .bearer_auth(&admin)
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let resp = upload("食品经营许可申请书.pdf", pdf.clone(), "blank_form").await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    // A program renamed to .pdf is refused by its content; nothing is stored.
    let resp = upload("申请书.pdf", b"MZ\x90\x00 not a pdf".to_vec(), "sample").await;
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("只接受 PDF 或 Word"));
    let resp = upload(
        "big.pdf",
        [b"%PDF-".to_vec(), vec![b' '; 5 * 1024 * 1024]].concat(),
        "sample",
    )
    .await;
    assert!(
        resp.status() == 422 || resp.status() == 413 || resp.status() == 400,
        "{}",
        resp.status()
    );

    let (st, item) = s.get_json("/api/items/SCJG-XK-001").await;
    assert_eq!(st, 200);
    let files = item["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{item}");
    assert_eq!(files[0]["kind"], "blank_form");
    assert_eq!(files[0]["name"], "食品经营许可申请书.pdf");
    let url = files[0]["url"].as_str().unwrap().to_owned();
    let resp = s.client.get(s.url(&url)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    assert_eq!(resp.bytes().await.unwrap().to_vec(), pdf);
    let (_, html) = page(s, "", "/items/SCJG-XK-001").await;
    assert!(html.contains("表格下载") && html.contains(&url), "{html}");
    // Another item's path does not reach it.
    let other = url.replace("SCJG-XK-001", "SCJG-XK-002");
    assert_eq!(s.client.get(s.url(&other)).send().await.unwrap().status(), 404);
    // Only the catalog manager uploads.
    let staff = s.login("staff").await;
    let resp = s
        .client
        .post(s.url("/admin/catalog/items/SCJG-XK-001/files"))
        .bearer_auth(&staff)
        .multipart(reqwest::multipart::Form::new().text("csrf", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let id = files[0]["id"].as_str().unwrap();
    let (st, _) = s
        .req(
            "POST",
            &format!("/admin/catalog/items/SCJG-XK-001/files/{id}/remove"),
        )
        .token(admin.as_str())
        .form(&[("csrf", "")])
        .status_json()
        .await;
    assert_eq!(st, 303);
    let (_, item) = s.get_json("/api/items/SCJG-XK-001").await;
    assert_eq!(item["attachments"], json!([]));
    assert_eq!(s.client.get(s.url(&url)).send().await.unwrap().status(), 404);
}
on_both_backends!(a_guide_offers_its_forms);

/// 叫指定号: a clerk calls a number out of turn; two windows calling the same
/// number at once never both get it.
async fn a_number_is_called_out_of_turn_once(s: &TestServer) {
    let admin = hall(s).await;
    // A second window for category A, served by the admin.
    let (st, _) = s
        .req("POST", "/api/windows")
        .token(admin.as_str())
        .json(&json!({"number": "5", "name": "5号窗口", "categories": ["A"], "staff": []}))
        .status_json()
        .await;
    assert_eq!(st, 201);
    let staff = s.login("staff").await;
    for _ in 0..3 {
        take(s, json!({"category": "A"})).await;
    }
    take(s, json!({"category": "B"})).await;
    let third = "A003";
    let call_number = |token: String, window: &'static str, number: &'static str| async move {
        s.req("POST", &format!("/api/windows/{window}/call-number"))
            .token(token.as_str())
            .json(&json!({"number": number}))
            .status_json()
            .await
    };
    let ((a, va), (b, vb)) = tokio::join!(
        call_number(staff.clone(), "3", third),
        call_number(admin.clone(), "5", third)
    );
    let mut statuses = [a, b];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{va} {vb}");
    let winner = if a == 200 { &va } else { &vb };
    assert_eq!(winner["ticket"]["number"], third);
    // Not waiting any more, another category's number, an unknown one, an empty one.
    assert_eq!(call_number(staff.clone(), "3", "A003").await.0, 409);
    let (st, v) = call_number(staff.clone(), "3", "B001").await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("wrong_window")),
        "{v}"
    );
    assert_eq!(call_number(staff.clone(), "3", "A999").await.0, 404);
    assert_eq!(call_number(staff.clone(), "3", " ").await.0, 422);
    // Nobody else's window.
    assert_eq!(call_number(staff.clone(), "4", "B001").await.0, 403);
    // The display saw the call.
    let (_, state) = s.get_json("/api/display/state").await;
    assert!(
        state["calls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["ticket"] == third),
        "{state}"
    );
}
on_both_backends!(a_number_is_called_out_of_turn_once);

/// A citizen books the service itself (from its guide); the appointment
/// knows its category and where to go.
async fn an_appointment_is_for_a_service_and_a_place(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let cal = s.app.calendar().await.unwrap();
    let mut day = s.app.today().tomorrow().unwrap();
    while !cal.is_workday(day).unwrap() {
        day = day.tomorrow().unwrap();
    }
    let book =
        |body: Value| async move { s.req("POST", "/api/appointments").json(&body).status_json().await };
    let (st, a) = book(
        json!({"item": "SCJG-XK-001", "date": day.to_string(), "time": "09:00", "phone": "13912345670"}),
    )
    .await;
    assert_eq!(st, 201, "{a}");
    assert_eq!(
        (a["category"].as_str(), a["item_code"].as_str()),
        (Some("A"), Some("SCJG-XK-001"))
    );
    let place = a["place"].as_str().unwrap();
    assert!(place.contains("号窗口") && place.contains("东海县"), "{place}");
    let (st, v) = book(json!({"item": "SCJG-XK-001", "category": "B", "date": day.to_string(), "time": "09:00", "phone": "13912345671"})).await;
    assert_eq!((st, v["error"]["field"].as_str()), (422, Some("category")), "{v}");
    let (st, v) =
        book(json!({"item": "NOPE-1", "date": day.to_string(), "time": "09:00", "phone": "13912345672"}))
            .await;
    assert_eq!((st, v["error"]["field"].as_str()), (422, Some("item")), "{v}");
    // The booking page from the guide: the service named, its category chosen.
    let (_, html) = page(s, "", "/items/SCJG-XK-001").await;
    assert!(
        html.contains("/appointments?item=SCJG-XK-001"),
        "the guide links to booking"
    );
    let (_, html) = page(s, "", &format!("/appointments?item=SCJG-XK-001&date={day}")).await;
    assert!(
        html.contains("id=\"booking-item\"") && html.contains("name=\"item\" value=\"SCJG-XK-001\""),
        "{html}"
    );
    let (st, html) = page(
        s,
        "",
        &format!("/appointments/mine?code={}", a["code"].as_str().unwrap()),
    )
    .await;
    assert_eq!(st, 200);
    let _ = html;
}
on_both_backends!(an_appointment_is_for_a_service_and_a_place);
