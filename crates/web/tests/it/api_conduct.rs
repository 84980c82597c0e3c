//! The hall's conduct over HTTP (issue 15, parts 3, 4 and 6), on both
//! backends with a test clock: morning meetings and the weekly compliance
//! list, the deadline watch's yellow and red cards (once per case and
//! colour) with the department's explanation and the 督查科's ruling, and the
//! floor duty log with the captain on the floor view.

use crate::on_both_backends_clocked;
use crate::support::{TestServer, code, field, page, session};
use app::{Actor, TestClock};
use domain::Role;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// Monday 2 March 2026, 09:00 in Shanghai.
const START: &str = "2026-03-02T01:00:00Z";

fn admin() -> Actor {
    Actor {
        username: "测试".into(),
        role: Some(Role::Admin),
    }
}

fn missing(v: &Value) -> Vec<&str> {
    v["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect()
}

async fn morning_meetings(s: &TestServer, _clock: &TestClock) {
    // Window 6 has no staff listed: the demo clerk does not serve there.
    s.app
        .queue
        .create_window(&admin(), "6", "六号窗口", &["A".to_owned()], &[], false)
        .await
        .unwrap();
    let supervisor = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let meeting = |window: &str| {
        json!({"date": "2026-03-02", "window": window, "host": "supervisor",
               "attendees": ["staff", "supervisor"], "topics": "文明用语、一次性告知"})
    };

    let (st, m) = s.post("/api/morning-meetings", &supervisor, meeting("1")).await;
    assert_eq!(st, 201, "{m}");
    assert!(m["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(m["week"], "2026-W10");
    assert_eq!(m["window"], "1");
    assert_eq!(m["host"]["name"], "李强");
    assert_eq!(m["attendees"].as_array().unwrap().len(), 2);

    // Staff record for a window they serve, never for another (403).
    let (st, m) = s.post("/api/morning-meetings", &staff, meeting("2")).await;
    assert_eq!(st, 201, "{m}");
    let (st, v) = s.post("/api/morning-meetings", &staff, meeting("6")).await;
    assert_eq!((st, code(&v)), (403, Some("forbidden")), "{v}");
    // Leaders read but do not record.
    assert_eq!(
        s.post("/api/morning-meetings", &leader, meeting("4")).await.0,
        403
    );
    assert_eq!(s.post("/api/morning-meetings", "", meeting("4")).await.0, 401);

    // A department's meeting: 不动产登记 (category B) counts for windows 2 and 3.
    let (st, m) = s
        .post(
            "/api/morning-meetings",
            &supervisor,
            json!({"date": "2026-03-02", "department": "BDC", "host": "supervisor",
                   "attendees": ["staff"], "topics": "不动产登记业务学习"}),
        )
        .await;
    assert_eq!(st, 201, "{m}");
    assert_eq!(m["department"], "BDC");
    assert_eq!(m["department_name"], "东海县不动产登记中心");

    // Each mistake names its field.
    for (body, named) in [
        (
            json!({"date": "2026-03-03", "window": "1", "host": "supervisor", "attendees": ["staff"], "topics": "x"}),
            "date",
        ),
        (
            json!({"date": "2026-3-2x", "window": "1", "host": "supervisor", "attendees": ["staff"], "topics": "x"}),
            "date",
        ),
        (
            json!({"date": "2026-03-02", "window": "99", "host": "supervisor", "attendees": ["staff"], "topics": "x"}),
            "window",
        ),
        (
            json!({"date": "2026-03-02", "host": "supervisor", "attendees": ["staff"], "topics": "x"}),
            "window",
        ),
        (
            json!({"date": "2026-03-02", "department": "NOPE", "host": "supervisor", "attendees": ["staff"], "topics": "x"}),
            "department",
        ),
        (
            json!({"date": "2026-03-02", "window": "1", "department": "BDC", "host": "supervisor", "attendees": ["staff"], "topics": "x"}),
            "department",
        ),
        (
            json!({"date": "2026-03-02", "window": "1", "host": "nobody", "attendees": ["staff"], "topics": "x"}),
            "host",
        ),
        (
            json!({"date": "2026-03-02", "window": "1", "host": "supervisor", "attendees": ["staff", "nobody"], "topics": "x"}),
            "attendees",
        ),
        (
            json!({"date": "2026-03-02", "window": "1", "host": "supervisor", "attendees": [], "topics": "x"}),
            "attendees",
        ),
        (
            json!({"date": "2026-03-02", "window": "1", "host": "supervisor", "attendees": ["staff"], "topics": "  "}),
            "topics",
        ),
    ] {
        let (st, v) = s.post("/api/morning-meetings", &supervisor, body.clone()).await;
        assert_eq!((st, field(&v)), (422, Some(named)), "{body} → {v}");
    }

    // The week's list: window 1 (its own), 2 (its own and BDC's), 3 (BDC's)
    // met; 4, 5 and 6 did not.
    let (st, c) = s
        .get("/api/morning-meetings/compliance?week=2026-W10", &leader)
        .await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(missing(&c), ["4", "5", "6"]);
    assert_eq!(c["week"], "2026-W10");
    assert_eq!(c["from"], "2026-03-02");
    assert_eq!(c["to"], "2026-03-08");
    assert_eq!(c["meetings"], 3);
    let count = |w: &str| {
        c["windows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["window"] == w)
            .unwrap()["meetings"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((count("1"), count("2"), count("3"), count("4")), (1, 2, 1, 0));
    // This week by default; the week before had none.
    let (_, now) = s.get("/api/morning-meetings/compliance", &staff).await;
    assert_eq!(missing(&now), ["4", "5", "6"]);
    let (_, before) = s
        .get("/api/morning-meetings/compliance?week=2026-W09", &supervisor)
        .await;
    assert_eq!(missing(&before), ["1", "2", "3", "4", "5", "6"]);
    for bad in ["2026-W54", "2026-10", "week", "2025-W53"] {
        let (st, v) = s
            .get(
                &format!("/api/morning-meetings/compliance?week={bad}"),
                &supervisor,
            )
            .await;
        assert_eq!((st, field(&v)), (422, Some("week")), "{bad}: {v}");
    }

    // The list, newest first; one window's own.
    let (st, list) = s
        .get("/api/morning-meetings?from=2026-03-01&to=2026-03-02", &leader)
        .await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    let (_, one) = s.get("/api/morning-meetings?window=1", &supervisor).await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    let (st, v) = s
        .get("/api/morning-meetings?from=2026-03-05&to=2026-03-01", &supervisor)
        .await;
    assert_eq!((st, field(&v)), (422, Some("to")));

    // The page: the week's list and the form.
    let cookie = session(s, "supervisor").await;
    let (st, html) = page(s, &cookie, "/supervise/meetings?week=2026-W10").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("本周未开晨会的窗口") && html.contains("4号、5号、6号"),
        "{html}"
    );
    assert!(html.contains("登记晨会"));
    let csrf = crate::support::csrf_of(&html);
    let a = s
        .req("POST", "/supervise/meetings")
        .cookie(cookie.as_str())
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "2026-03-02"),
            ("target", "window:4"),
            ("host", "supervisor"),
            ("attendees", "staff"),
            ("attendees", "leader"),
            ("topics", "服务六步曲"),
        ])
        .send()
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let (_, c) = s
        .get("/api/morning-meetings/compliance?week=2026-W10", &leader)
        .await;
    assert_eq!(missing(&c), ["5", "6"]);
    let (st, _) = page(s, &session(s, "liaison").await, "/supervise/meetings").await;
    assert_eq!(st, 200, "liaisons read the list");
}
on_both_backends_clocked!(morning_meetings, START);

const FOOD: [&str; 3] = [
    "食品经营许可申请书",
    "与食品经营相适应的主要设备设施布局、操作流程文件",
    "食品安全自查、从业人员健康管理等保证食品安全的规章制度",
];

/// A 承诺件 of 市场监管 (5 working days) accepted now; answers (id, number, deadline).
async fn accept_case(s: &TestServer, staff: &str) -> (String, String, String) {
    let materials: Vec<Value> = FOOD
        .iter()
        .map(|n| json!({"name": n, "status": "provided"}))
        .collect();
    let (st, c) = s
        .post(
            "/api/cases",
            staff,
            json!({"item": "SCJG-XK-001", "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13912345678"}, "materials": materials}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    (
        c["id"].as_str().unwrap().to_owned(),
        c["number"].as_str().unwrap().to_owned(),
        c["deadline"].as_str().unwrap().to_owned(),
    )
}

async fn move_to(clock: &TestClock, at: &str) {
    clock.set(at.parse::<Timestamp>().unwrap());
}

async fn deadline_cards(s: &TestServer, clock: &TestClock) {
    let staff = s.login("staff").await;
    let supervisor = s.login("supervisor").await;
    let liaison = s.login("liaison").await;
    let leader = s.login("leader").await;
    let (late, late_number, deadline) = accept_case(s, &staff).await;
    assert_eq!(deadline, "2026-03-09");
    let (paused, _, _) = accept_case(s, &staff).await;
    let (st, v) = s
        .post(
            &format!("/api/cases/{paused}/pause"),
            &staff,
            json!({"reason": "依法需要现场核查"}),
        )
        .await;
    assert_eq!(st, 200, "{v}");

    // Five working days left: nothing.
    assert_eq!(s.app.cards.issue_deadline_cards().await.unwrap(), 0);
    // Thursday: two working days left, both amber: a yellow card each, once.
    move_to(clock, "2026-03-05T01:00:00Z").await;
    assert_eq!(s.app.cards.issue_deadline_cards().await.unwrap(), 2);
    assert_eq!(s.app.cards.issue_deadline_cards().await.unwrap(), 0);
    // The next Tuesday: overdue. A red card for the running case only (the
    // paused one is lawfully stopped), once.
    move_to(clock, "2026-03-10T01:00:00Z").await;
    let (fresh, _, _) = accept_case(s, &staff).await;
    assert_eq!(s.app.cards.issue_deadline_cards().await.unwrap(), 1);
    assert_eq!(s.app.cards.issue_deadline_cards().await.unwrap(), 0);
    clock.advance(SignedDuration::from_hours(1));
    assert_eq!(s.app.cards.issue_deadline_cards().await.unwrap(), 0);

    let (st, list) = s.get("/api/cards?month=2026-03", &supervisor).await;
    assert_eq!(st, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{list}");
    assert!(items.iter().all(|c| c["case_id"] != fresh.as_str()));
    let red = items.iter().find(|c| c["color"] == "red").unwrap();
    assert_eq!(red["case_id"], late.as_str());
    assert_eq!(red["case_number"], late_number.as_str());
    assert_eq!(red["department"], "东海县市场监督管理局");
    assert_eq!(red["staff"], "staff");
    assert_eq!(red["staff_name"], "王芳");
    assert_eq!(red["issued_on"], "2026-03-10");
    assert_eq!(red["stage"], "issued");
    let red_id = red["id"].as_str().unwrap().to_owned();
    let yellows: Vec<&Value> = items.iter().filter(|c| c["color"] == "yellow").collect();
    assert_eq!(yellows.len(), 2);
    assert!(yellows.iter().all(|c| c["issued_on"] == "2026-03-05"));
    let counts = &list["departments"][0];
    assert_eq!(
        (
            counts["department"].as_str(),
            counts["yellow"].as_i64(),
            counts["red"].as_i64()
        ),
        (Some("东海县市场监督管理局"), Some(2), Some(1))
    );
    assert_eq!(list["month"], "2026-03");
    let (_, reds) = s.get("/api/cards?month=2026-03&color=red", &leader).await;
    assert_eq!(reds["items"].as_array().unwrap().len(), 1);
    let (_, by_code) = s.get("/api/cards?month=2026-03&department=SCJG", &leader).await;
    assert_eq!(by_code["items"].as_array().unwrap().len(), 3);
    let (_, feb) = s.get("/api/cards?month=2026-02", &leader).await;
    assert!(feb["items"].as_array().unwrap().is_empty());
    for (q, named) in [
        ("month=2026-13", "month"),
        ("month=March", "month"),
        ("color=green", "color"),
        ("department=NOPE", "department"),
    ] {
        let (st, v) = s.get(&format!("/api/cards?{q}"), &supervisor).await;
        assert_eq!((st, field(&v)), (422, Some(named)), "{q}: {v}");
    }
    assert_eq!(s.get("/api/cards", &staff).await.0, 403);

    // A liaison sees its own department, and explains only its own cards.
    let (st, own) = s.get("/api/cards?month=2026-03", &liaison).await;
    assert_eq!(st, 200);
    assert_eq!(own["department"], "东海县市场监督管理局");
    assert_eq!(own["items"].as_array().unwrap().len(), 3);
    s.app
        .accounts
        .add_user(
            &admin(),
            "liaison_ga",
            "公安联络员",
            Role::Liaison,
            Some("GA"),
            app::demo::DEMO_PASSWORD,
        )
        .await
        .unwrap();
    let other = s.login("liaison_ga").await;
    let (st, theirs) = s.get("/api/cards?month=2026-03", &other).await;
    assert_eq!(st, 200);
    assert!(theirs["items"].as_array().unwrap().is_empty());
    assert_eq!(
        s.get("/api/cards?month=2026-03&department=SCJG", &other).await.0,
        403
    );
    let explain = |why: &str| json!({"explanation": why});
    let path = format!("/api/cards/{red_id}/explain");
    assert_eq!(s.post(&path, &other, explain("不是我们的")).await.0, 403);
    assert_eq!(
        s.post(&path, &supervisor, explain("x")).await.0,
        403,
        "the 督查科 rules, the department explains"
    );
    let (st, v) = s.post(&path, &liaison, explain("  ")).await;
    assert_eq!((st, field(&v)), (422, Some("explanation")));
    let (st, v) = s.post(&path, &liaison, explain("申请人补充材料延误")).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["stage"], "explained");
    assert_eq!(v["explanation"], "申请人补充材料延误");
    assert_eq!(v["explained_by"], "liaison");

    // The 督查科 rules once; a faulted red card is 无正当理由超时办结.
    let rule = format!("/api/cards/{red_id}/rule");
    let (st, v) = s
        .post(&rule, &supervisor, json!({"ruling": "excuse", "note": ""}))
        .await;
    assert_eq!((st, field(&v)), (422, Some("ruling")));
    assert_eq!(
        s.post(&rule, &liaison, json!({"ruling": "fault", "note": ""}))
            .await
            .0,
        403
    );
    let (st, v) = s
        .post(
            &rule,
            &supervisor,
            json!({"ruling": "fault", "note": "补正不停止计时，未依法中止"}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["ruling"], "fault");
    assert!(
        v["outcome_label"]
            .as_str()
            .unwrap()
            .contains("无正当理由超时办结")
    );
    let (st, v) = s
        .post(&rule, &supervisor, json!({"ruling": "lawful_pause", "note": ""}))
        .await;
    assert_eq!((st, code(&v)), (409, Some("wrong_status")));
    let (st, v) = s.post(&path, &liaison, explain("补充")).await;
    assert_eq!((st, code(&v)), (409, Some("wrong_status")));
    let nobody = "/api/cards/00000000-0000-0000-0000-000000000000/rule";
    assert_eq!(
        s.post(nobody, &supervisor, json!({"ruling": "fault", "note": ""}))
            .await
            .0,
        404
    );
    assert_eq!(
        s.post(
            "/api/cards/nope/rule",
            &supervisor,
            json!({"ruling": "fault", "note": ""})
        )
        .await
        .0,
        404
    );
    let (_, after) = s.get("/api/cards?month=2026-03", &supervisor).await;
    assert_eq!(after["departments"][0]["red_faulted"], 1);
    let (st, one) = s.get(&format!("/api/cards/{red_id}"), &liaison).await;
    assert_eq!((st, one["stage"].as_str()), (200, Some("ruled")));
    assert_eq!(s.get(&format!("/api/cards/{red_id}"), &other).await.0, 403);

    // The audit log has both steps.
    let log = s.app.audit_log(1, 500).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "card.explain" && e.target == red_id)
    );
    assert!(log.iter().any(|e| e.action == "card.rule" && e.target == red_id));

    // The page per department and month.
    let cookie = session(s, "supervisor").await;
    let (st, html) = page(s, &cookie, "/supervise/cards?month=2026-03").await;
    assert_eq!(st, 200);
    assert!(html.contains("无正当理由超时办结"), "{html}");
    assert!(html.contains(&late_number));
    let (st, _) = page(s, &session(s, "liaison").await, "/supervise/cards").await;
    assert_eq!(st, 200);
    let (st, _) = page(s, &session(s, "staff").await, "/supervise/cards").await;
    assert_eq!(st, 403);
}
on_both_backends_clocked!(deadline_cards, START);

fn checks(broken: Option<(&str, &str)>) -> Value {
    let items = [
        "call_system",
        "evaluator",
        "display",
        "ticket_machine",
        "self_service",
        "hygiene",
    ];
    Value::Array(
        items
            .iter()
            .map(|i| match broken {
                Some((b, note)) if b == *i => json!({"item": i, "ok": false, "note": note}),
                _ => json!({"item": i, "ok": true}),
            })
            .collect(),
    )
}

async fn duty_log(s: &TestServer, clock: &TestClock) {
    let supervisor = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let (st, floor) = s.get("/api/floor", &staff).await;
    assert_eq!(st, 200);
    assert!(floor["captains"].as_array().unwrap().is_empty());

    let open = json!({"floor": "一楼", "checks": checks(Some(("display", "左侧屏幕不亮")))});
    assert_eq!(s.post("/api/duty-logs", &staff, open.clone()).await.0, 403);
    for (body, named) in [
        (json!({"floor": "", "checks": checks(None)}), "floor"),
        (
            json!({"floor": "一楼", "checks": checks(Some(("display", "")))}),
            "checks[2]",
        ),
        (json!({"floor": "一楼", "checks": []}), "checks"),
        (
            json!({"floor": "一楼", "captain": "nobody", "checks": checks(None)}),
            "captain",
        ),
    ] {
        let (st, v) = s.post("/api/duty-logs", &supervisor, body.clone()).await;
        assert_eq!((st, field(&v)), (422, Some(named)), "{body} → {v}");
    }
    let (st, log) = s.post("/api/duty-logs", &supervisor, open.clone()).await;
    assert_eq!(st, 201, "{log}");
    assert_eq!(log["captain"], "supervisor");
    assert_eq!(log["captain_name"], "李强");
    assert_eq!(log["date"], "2026-03-02");
    assert_eq!(log["faults"], 1);
    assert_eq!(log["checks"][2]["label"], "显示屏");
    let id = log["id"].as_str().unwrap().to_owned();
    let (st, v) = s.post("/api/duty-logs", &supervisor, open).await;
    assert_eq!((st, code(&v)), (409, Some("already_exists")));

    // The floor view shows today's captain.
    let (_, floor) = s.get("/api/floor", &staff).await;
    assert_eq!(floor["captains"][0]["floor"], "一楼");
    assert_eq!(floor["captains"][0]["name"], "李强");
    assert_eq!(floor["captains"][0]["on_duty"], true);
    let cookie = session(s, "staff").await;
    let (st, html) = page(s, &cookie, "/admin/floor").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("今日值班长") && html.contains("一楼 李强"),
        "{html}"
    );

    // Events during the day.
    let events = format!("/api/duty-logs/{id}/events");
    let (st, v) = s
        .post(
            &events,
            &supervisor,
            json!({"kind": "scalper_seen", "time": "08:40", "description": "门口有人兜售号票", "action": "劝离并登记"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    clock.advance(SignedDuration::from_mins(30));
    let (st, v) = s
        .post(
            &events,
            &supervisor,
            json!({"kind": "crowding", "description": "社保等候超过30人", "action": "开临时窗口"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["scalper_seen", "crowding"]);
    assert_eq!(v["events"][0]["time"], "08:40");
    assert_eq!(v["events"][1]["time"], "09:30");
    for (body, named) in [
        (json!({"kind": "fire", "description": "x"}), "kind"),
        (json!({"kind": "dispute", "description": " "}), "description"),
        (
            json!({"kind": "dispute", "time": "25:00", "description": "x"}),
            "time",
        ),
        (
            json!({"kind": "dispute", "time": "11:00", "description": "x"}),
            "time",
        ),
    ] {
        let (st, v) = s.post(&events, &supervisor, body.clone()).await;
        assert_eq!((st, field(&v)), (422, Some(named)), "{body} → {v}");
    }
    let nobody = "/api/duty-logs/00000000-0000-0000-0000-000000000000/events";
    assert_eq!(
        s.post(nobody, &supervisor, json!({"kind": "other", "description": "x"}))
            .await
            .0,
        404
    );

    // Leadership reads the day; staff do not.
    let (st, day) = s.get("/api/duty-logs?date=2026-03-02&floor=一楼", &leader).await;
    assert_eq!(st, 200, "{day}");
    assert_eq!(day["items"].as_array().unwrap().len(), 1);
    assert_eq!(day["items"][0]["events"].as_array().unwrap().len(), 2);
    let (_, other_day) = s.get("/api/duty-logs?date=2026-03-03", &leader).await;
    assert!(other_day["items"].as_array().unwrap().is_empty());
    let (st, v) = s.get("/api/duty-logs?date=03/02", &leader).await;
    assert_eq!((st, field(&v)), (422, Some("date")));
    assert_eq!(s.get("/api/duty-logs", &staff).await.0, 403);

    // The handover closes the log, once.
    let handover = format!("/api/duty-logs/{id}/handover");
    let (st, v) = s.post(&handover, &supervisor, json!({"note": ""})).await;
    assert_eq!((st, field(&v)), (422, Some("note")));
    let (st, v) = s
        .post(&handover, &supervisor, json!({"note": "显示屏已报修，明早复查"}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["closed"], true);
    assert_eq!(
        s.post(&handover, &supervisor, json!({"note": "again"})).await.0,
        409
    );
    let (st, v) = s
        .post(&events, &supervisor, json!({"kind": "other", "description": "x"}))
        .await;
    assert_eq!((st, code(&v)), (409, Some("wrong_status")));
    let (_, floor) = s.get("/api/floor", &leader).await;
    assert_eq!(floor["captains"][0]["on_duty"], false);

    // The captain's page.
    let cookie = session(s, "supervisor").await;
    let (st, html) = page(s, &cookie, "/supervise/duty").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("门口有人兜售号票") && html.contains("显示屏已报修"),
        "{html}"
    );
    let (st, _) = page(s, &session(s, "staff").await, "/supervise/duty").await;
    assert_eq!(st, 403);
}
on_both_backends_clocked!(duty_log, START);
