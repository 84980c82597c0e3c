//! The monthly assessment over HTTP (issue 16), on both backends with a
//! test clock: the contract of `GET /api/assessment`, `GET /api/red-flag`
//! and `POST /api/reviews`; imported counts in a window's score; a
//! substantiated 态度 complaint vetoing its window; the leader's bonus and
//! incident; the scheme's versions; 定档 and the logged re-score; who sees
//! a person's score.

use crate::on_both_backends_clocked;
use crate::support::{TestServer, code, field};
use app::TestClock;
use jiff::SignedDuration;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Monday 2 March 2026, 09:00 in Shanghai.
const START: &str = "2026-03-02T01:00:00Z";
const KINDS: [&str; 10] = [
    "evaluation",
    "ticket",
    "case",
    "inspection",
    "complaint",
    "review",
    "meeting",
    "exam",
    "bonus",
    "import",
];

async fn add_staff(s: &TestServer, admin: &str, username: &str, department: Option<&str>) {
    let (st, v) = s
        .post(
            "/api/users",
            admin,
            json!({"username": username, "display_name": username, "role": "staff",
                   "department": department, "password": app::demo::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
}

/// A ticket of category A called and finished at `window`.
async fn serve(s: &TestServer, staff: &str, window: &str) -> String {
    let (st, t) = s.post("/api/tickets", "", json!({"category": "A"})).await;
    assert_eq!(st, 201, "{t}");
    let id = t["id"].as_str().unwrap().to_owned();
    let (st, called) = s
        .call("POST", staff, &format!("/api/windows/{window}/call"), None)
        .await;
    assert_eq!(st, 200, "{called}");
    assert_eq!(called["ticket"]["id"].as_str(), Some(id.as_str()));
    let (st, _) = s
        .call("POST", staff, &format!("/api/tickets/{id}/finish"), None)
        .await;
    assert_eq!(st, 200);
    id
}

async fn import(s: &TestServer, admin: &str, csv: &str) {
    let r = s
        .client
        .post(s.url("/api/evaluations/import"))
        .bearer_auth(admin)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
}

fn item<'v>(list: &'v Value, subject: &str) -> &'v Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["subject"] == subject)
        .unwrap_or_else(|| panic!("{subject} in {list}"))
}

fn part<'v>(item: &'v Value, name: &str) -> &'v Value {
    item["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {item}"))
}

fn evidence(part: &Value) -> Vec<(String, String)> {
    part["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The contract: each item's score is the sum of its parts, every evidence
/// kind is one of the ten, grades are stars 1..5.
fn check_contract(list: &Value) {
    assert!(list["month"].is_string());
    for it in list["items"].as_array().unwrap() {
        let parts = it["parts"].as_array().unwrap();
        let sum: f64 = parts.iter().map(|p| p["points"].as_f64().unwrap()).sum();
        let score = it["score"].as_f64().unwrap();
        assert!((sum - score).abs() < 1e-6, "{score} ≠ Σ {sum}: {it}");
        assert!(it["vetoed"].is_boolean() && it["veto_reasons"].is_array());
        assert!((1..=5).contains(&it["grade"].as_u64().unwrap()));
        for p in parts {
            assert!(p["name"].is_string());
            for e in p["evidence"].as_array().unwrap() {
                assert!(KINDS.contains(&e["kind"].as_str().unwrap()), "{e}");
                assert!(uuid::Uuid::parse_str(e["id"].as_str().unwrap()).is_ok());
            }
        }
    }
}

async fn assessment_contract(s: &TestServer, clock: &TestClock) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let supervisor = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let liaison = s.login("liaison").await;
    add_staff(s, &admin, "zhou", Some("SCJG")).await;
    add_staff(s, &admin, "wu", Some("SCJG")).await;
    let zhou = s.login("zhou").await;
    let wu = s.login("wu").await;

    // ---- 三评
    let review = |staff: &str, kind: &str, score: i64| json!({"month": "2026-03", "staff": staff, "kind": kind, "score": score, "comment": "服务耐心"});
    let (st, v) = s.post("/api/reviews", &zhou, review("wu", "peer", 9)).await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = s.post("/api/reviews", &zhou, review("wu", "peer", 6)).await;
    assert_eq!((st, code(&v)), (409, Some("already_exists")), "{v}");
    let (st, v) = s.post("/api/reviews", &zhou, review("zhou", "peer", 10)).await;
    assert_eq!((st, field(&v)), (422, Some("staff")), "{v}");
    let (st, _) = s.post("/api/reviews", &zhou, review("staff", "peer", 8)).await;
    assert_eq!(st, 403, "another department's colleague");
    let (st, v) = s.post("/api/reviews", &wu, review("zhou", "peer", 11)).await;
    assert_eq!((st, field(&v)), (422, Some("score")), "{v}");
    let (st, _) = s.post("/api/reviews", &zhou, review("wu", "leader", 8)).await;
    assert_eq!(st, 403, "staff do not enter 领导点评");
    let (st, v) = s.post("/api/reviews", &leader, review("wu", "leader", 7)).await;
    assert_eq!(st, 201, "{v}");
    let (st, _) = s.post("/api/reviews", &supervisor, review("wu", "peer", 7)).await;
    assert_eq!(st, 403);

    // ---- the scheme: the red flag needs 2 services from March on
    let (st, v) = s.get("/api/assessment/scheme?month=2026-03", &leader).await;
    assert_eq!((st, v["version"].as_i64()), (200, Some(0)), "{v}");
    let mut scheme = v["scheme"].clone();
    scheme["awards"]["min_volume"] = json!(2);
    let (st, _) = s
        .put("/api/assessment/scheme", &leader, json!({"scheme": scheme}))
        .await;
    assert_eq!(st, 403);
    let (st, v) = s
        .put(
            "/api/assessment/scheme",
            &admin,
            json!({"scheme": scheme, "effective_from": "2026-02"}),
        )
        .await;
    assert_eq!((st, field(&v)), (422, Some("effective_from")), "{v}");
    let mut broken = scheme.clone();
    broken["public"]["points"] = json!(45);
    let (st, v) = s
        .put("/api/assessment/scheme", &admin, json!({"scheme": broken}))
        .await;
    assert_eq!((st, field(&v)), (422, Some("public.points")), "{v}");
    let (st, v) = s
        .put(
            "/api/assessment/scheme",
            &admin,
            json!({"scheme": scheme, "note": "试点：最低服务量2件"}),
        )
        .await;
    assert_eq!((st, v["version"].as_i64()), (201, Some(1)), "{v}");

    // ---- services: three at window 1, two at window 3; imported counts for window 3
    let mut tickets = BTreeSet::new();
    for _ in 0..3 {
        tickets.insert(serve(s, &staff, "1").await);
    }
    for _ in 0..2 {
        tickets.insert(serve(s, &staff, "3").await);
    }
    import(
        s,
        &admin,
        "date,window,level,count\n2026-03-02,3,非常满意,40\n2026-03-02,3,不满意,10\n",
    )
    .await;
    // One online evaluation of a ticket served at window 1.
    let rated = tickets.iter().next().unwrap().clone();
    let (st, evaluation) = s
        .post(
            "/api/evaluations",
            "",
            json!({"ticket_id": rated, "channel": "online", "level": "very_satisfied", "reasons": [], "comment": ""}),
        )
        .await;
    assert_eq!(st, 201, "{evaluation}");
    let evaluation_id = evaluation["id"].as_str().unwrap().to_owned();
    // A 即办件 accepted without a ticket: a service and a case of its department.
    let (st, case) = s
        .post(
            "/api/cases",
            &staff,
            json!({"item": "SCJG-QR-001",
                   "applicant": {"name": "测试申请人", "id_number": "11010519491231002X", "phone": "13912345678"},
                   "materials": [{"name": "个体工商户注册登记申请书", "status": "provided"},
                                 {"name": "经营场所使用证明", "status": "provided"}]}),
        )
        .await;
    assert_eq!(st, 201, "{case}");
    let case_id = case["id"].as_str().unwrap().to_owned();

    let (st, windows) = s.get("/api/assessment?month=2026-03&level=window", &leader).await;
    assert_eq!(st, 200, "{windows}");
    check_contract(&windows);
    assert_eq!(windows["month"], "2026-03");
    assert_eq!(windows["frozen"], false);
    assert_eq!(windows["scheme_version"], 1);
    let w3 = item(&windows, "3");
    let public = part(w3, "群众评议");
    let kinds: BTreeSet<String> = evidence(public).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, BTreeSet::from(["import".to_owned()]));
    // The two imported rows, each once.
    let imported: BTreeSet<String> = evidence(public).into_iter().map(|(_, id)| id).collect();
    assert_eq!(imported.len(), 2);
    let rated_window = ["1", "3"].into_iter().find(|w| {
        evidence(part(item(&windows, w), "群众评议"))
            .contains(&("evaluation".to_owned(), evaluation_id.clone()))
    });
    assert!(
        rated_window.is_some(),
        "the online evaluation is evidence: {windows}"
    );
    // 40 × 80% − 10 差评 × 1 = 22.
    assert_eq!(public["points"].as_f64(), Some(22.0));
    assert_eq!(w3["evaluations"], 50);
    let served: BTreeSet<String> = ["1", "3"]
        .iter()
        .flat_map(|w| evidence(part(item(&windows, w), "办件效能")))
        .filter(|(k, _)| k == "ticket")
        .map(|(_, id)| id)
        .collect();
    assert_eq!(served, tickets);
    // Every ticket named resolves.
    for id in &served {
        let (st, _) = s.get(&format!("/api/tickets/{id}"), "").await;
        assert_eq!(st, 200);
    }
    // Imported counts never count for a person.
    let (st, people) = s
        .get("/api/assessment?month=2026-03&level=staff", &supervisor)
        .await;
    assert_eq!(st, 200);
    check_contract(&people);
    // (the online one counts for the staff member who served it)
    assert_eq!(item(&people, "staff")["evaluations"], 1);
    // five tickets and the case accepted without one
    assert_eq!(item(&people, "staff")["volume"], 6);
    let wu_reviews = evidence(part(item(&people, "wu"), "三评"));
    assert_eq!(wu_reviews.len(), 2);
    assert!(wu_reviews.iter().all(|(k, _)| k == "review"));
    // (9 × 0.5 + 7 × 0.5) ÷ 10 × 5 = 4.
    assert_eq!(part(item(&people, "wu"), "三评")["points"].as_f64(), Some(4.0));
    let (st, depts) = s
        .get("/api/assessment?month=2026-03&level=department", &admin)
        .await;
    assert_eq!(st, 200);
    check_contract(&depts);
    let scjg = evidence(part(item(&depts, "东海县市场监督管理局"), "办件效能"));
    assert!(scjg.contains(&("case".to_owned(), case_id.clone())), "{scjg:?}");
    let (st, _) = s.get(&format!("/api/cases/{case_id}"), &leader).await;
    assert_eq!(st, 200, "the case named resolves");
    let (st, _) = s.get("/api/assessment?month=2026-03", &staff).await;
    assert_eq!(st, 403);
    let (st, v) = s.get("/api/assessment?month=2026-3", &leader).await;
    assert_eq!((st, field(&v)), (422, Some("month")));
    let (st, v) = s.get("/api/assessment?level=floor", &leader).await;
    assert_eq!((st, field(&v)), (422, Some("level")));

    // ---- the red flag: window 1 (3 services) over window 3 (lower satisfaction, fewer services)
    let (st, flag) = s.get("/api/red-flag?month=2026-03", "").await;
    assert_eq!(st, 200, "{flag}");
    assert_eq!(flag["window"], "1", "{flag}");
    assert_eq!(flag["runner_up"]["subject"], "3", "{flag}");
    assert!(flag["score"].is_number());
    assert!(!flag["reasons"].as_array().unwrap().is_empty());
    assert_eq!(flag["frozen"], false);
    let (st, stars) = s.get("/api/service-stars?month=2026-03", "").await;
    assert_eq!(st, 200);
    assert_eq!(stars["stars"][0]["subject"], "staff", "{stars}");

    // ---- a substantiated 态度 complaint about window 1 vetoes it for March
    let (st, c) = s
        .post(
            "/api/complaints",
            "",
            json!({"channel": "online", "content": "1号窗口工作人员态度生硬", "category": "attitude",
                   "about": {"window": "1"}, "anonymous": true}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_owned();
    for (step, body) in [
        ("accept", json!({"note": "受理"})),
        ("investigate", json!({"note": "调取监控"})),
        ("handle", json!({"note": "经查属实", "substantiated": true})),
    ] {
        let (st, v) = s
            .post(&format!("/api/complaints/{id}/{step}"), &supervisor, body)
            .await;
        assert_eq!(st, 200, "{step}: {v}");
    }
    let (_, windows) = s.get("/api/assessment?month=2026-03&level=window", &leader).await;
    check_contract(&windows);
    let w1 = item(&windows, "1");
    assert_eq!(w1["vetoed"], true, "{w1}");
    assert_eq!(w1["grade"], 1);
    assert!(w1["veto_reasons"][0].as_str().unwrap().contains("态度"), "{w1}");
    assert_eq!(w1["vetoes"][0]["evidence"]["id"], id.as_str());
    assert_eq!(
        evidence(part(w1, "投诉")),
        vec![("complaint".to_owned(), id.clone())]
    );
    // Vetoed windows come last.
    assert_eq!(
        windows["items"].as_array().unwrap().last().unwrap()["subject"],
        "1"
    );
    let (_, flag) = s.get("/api/red-flag?month=2026-03", "").await;
    assert_eq!(flag["window"], "3", "{flag}");
    assert!(
        flag["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("一票否决")),
        "{flag}"
    );

    // ---- the leader's bonus and incident
    let (st, v) = s
        .post(
            "/api/assessment/bonuses",
            &leader,
            json!({"month": "2026-03", "level": "window", "subject": "3", "points": 2, "reason": "帮办代办获群众来信表扬"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let bonus_id = v["id"].as_str().unwrap().to_owned();
    let (st, v) = s
        .post(
            "/api/assessment/bonuses",
            &leader,
            json!({"month": "2026-03", "level": "window", "subject": "3", "points": 9, "reason": "x"}),
        )
        .await;
    assert_eq!((st, field(&v)), (422, Some("points")), "{v}");
    let (st, v) = s
        .post(
            "/api/assessment/bonuses",
            &leader,
            json!({"month": "2026-03", "level": "window", "subject": "99", "points": 1, "reason": "x"}),
        )
        .await;
    assert_eq!((st, field(&v)), (422, Some("subject")), "{v}");
    let (st, _) = s
        .post(
            "/api/assessment/bonuses",
            &supervisor,
            json!({"month": "2026-03", "level": "window", "subject": "3", "points": 1, "reason": "x"}),
        )
        .await;
    assert_eq!(st, 403);
    let (st, v) = s
        .post(
            "/api/assessment/incidents",
            &leader,
            json!({"month": "2026-03", "level": "staff", "subject": "zhou", "kind": "safety",
                   "date": "2026-03-02", "description": "下班未断电，引发插座冒烟"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let (_, windows) = s
        .get("/api/assessment?month=2026-03&level=window&subject=3", &leader)
        .await;
    assert_eq!(windows["items"].as_array().unwrap().len(), 1);
    let w3 = item(&windows, "3");
    assert_eq!(
        evidence(part(w3, "创新加分")),
        vec![("bonus".to_owned(), bonus_id.clone())]
    );
    assert_eq!(part(w3, "创新加分")["points"].as_f64(), Some(2.0));

    // ---- a person's score: the person, the department's liaison, leadership
    let (st, mine) = s.get("/api/assessment/person?month=2026-03", &wu).await;
    assert_eq!(st, 200, "{mine}");
    assert_eq!(mine["assessment"]["items"][0]["subject"], "wu");
    let reviews = mine["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    let peer = reviews.iter().find(|r| r["kind"] == "peer").unwrap();
    assert!(peer["reviewer"].is_null(), "a peer stays anonymous to the person");
    assert_eq!(peer["comment"], "服务耐心");
    let (st, _) = s
        .get("/api/assessment/person?month=2026-03&staff=wu", &zhou)
        .await;
    assert_eq!(st, 403);
    let (st, z) = s
        .get("/api/assessment/person?month=2026-03&staff=zhou", &liaison)
        .await;
    assert_eq!(st, 200, "{z}");
    assert_eq!(z["assessment"]["items"][0]["vetoed"], true);
    let (st, _) = s
        .get("/api/assessment/person?month=2026-03&staff=staff", &liaison)
        .await;
    assert_eq!(st, 403, "not the liaison's department");

    // ---- 定档: only a month that has ended
    let (st, v) = s
        .post("/api/assessment/freeze", &leader, json!({"month": "2026-03"}))
        .await;
    assert_eq!((st, field(&v)), (422, Some("month")), "{v}");
    clock.advance(SignedDuration::from_hours(24 * 31));
    // Tokens expire: sign in again in April.
    let (admin, leader, staff, wu) = (
        s.login("admin").await,
        s.login("leader").await,
        s.login("staff").await,
        s.login("wu").await,
    );
    let (_, before) = s.get("/api/assessment?month=2026-03&level=window", &leader).await;
    let (st, v) = s
        .post("/api/assessment/freeze", &staff, json!({"month": "2026-03"}))
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = s
        .post("/api/assessment/freeze", &leader, json!({"month": "2026-03"}))
        .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = s
        .post("/api/assessment/freeze", &leader, json!({"month": "2026-03"}))
        .await;
    assert_eq!((st, code(&v)), (409, Some("wrong_status")), "{v}");
    // Late records change nothing once frozen …
    import(s, &admin, "date,window,level,count\n2026-03-05,1,非常不满意,20\n").await;
    let (st, v) = s
        .post(
            "/api/assessment/bonuses",
            &leader,
            json!({"month": "2026-03", "level": "window", "subject": "1", "points": 1, "reason": "补录"}),
        )
        .await;
    assert_eq!(st, 409, "{v}");
    let (st, v) = s.post("/api/reviews", &wu, review("zhou", "peer", 8)).await;
    assert_eq!(st, 409, "{v}");
    let (_, frozen) = s.get("/api/assessment?month=2026-03&level=window", &leader).await;
    assert_eq!(frozen["frozen"], true);
    check_contract(&frozen);
    assert_eq!(frozen["items"], before["items"]);
    let (_, flag) = s.get("/api/red-flag?month=2026-03", "").await;
    assert_eq!(
        (flag["window"].as_str(), flag["frozen"].as_bool()),
        (Some("3"), Some(true))
    );
    // … until an explicit, logged re-score.
    let (st, v) = s
        .post(
            "/api/assessment/rescore",
            &leader,
            json!({"month": "2026-03", "reason": " "}),
        )
        .await;
    assert_eq!((st, field(&v)), (422, Some("reason")), "{v}");
    let (st, v) = s
        .post(
            "/api/assessment/rescore",
            &leader,
            json!({"month": "2026-03", "reason": "补录3月5日导入的评价"}),
        )
        .await;
    assert_eq!((st, v["rescores"].as_i64()), (200, Some(1)), "{v}");
    let (_, after) = s
        .get("/api/assessment?month=2026-03&level=window&subject=1", &leader)
        .await;
    assert_eq!(
        item(&after, "1")["evaluations"].as_u64().unwrap(),
        item(&before, "1")["evaluations"].as_u64().unwrap() + 20
    );
    let (st, entries) = s.get("/api/assessment/entries?month=2026-03", &leader).await;
    assert_eq!(st, 200);
    let actions: Vec<&str> = entries["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["freeze", "rescore"]);
    assert_eq!(entries["log"][1]["reason"], "补录3月5日导入的评价");
    assert_eq!(entries["bonuses"].as_array().unwrap().len(), 1);
    assert_eq!(entries["incidents"].as_array().unwrap().len(), 1);
    let (st, _) = s
        .post(
            "/api/assessment/rescore",
            &leader,
            json!({"month": "2026-02", "reason": "x"}),
        )
        .await;
    assert_eq!(st, 409, "a month not frozen");
    let audited = s
        .app
        .audit_log(1, 500)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action.starts_with("assessment."))
        .count();
    assert!(audited >= 6, "{audited}");
}
on_both_backends_clocked!(assessment_contract, START);

/// An exam attempt is evidence in 晨会与培训: a failed exam takes its points
/// away, the passing attempt that follows restores them and becomes the
/// evidence.
async fn exams_count_in_meetings_and_training(s: &TestServer, _clock: &TestClock) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let staff = s.login("staff").await;
    let today = s.app.today().to_string();
    let conduct = |people: &Value, who: &str| part(item(people, who), "晨会与培训").clone();
    let month = "/api/assessment?month=2026-03&level=staff";

    let (st, people) = s.get(month, &leader).await;
    assert_eq!(st, 200, "{people}");
    let before = conduct(&people, "staff");
    assert!(
        evidence(&before).iter().all(|(k, _)| k != "exam"),
        "no exam yet: {before}"
    );

    let (st, e) = s
        .post(
            "/api/training/exams",
            &admin,
            json!({"title": "首问负责制考试", "opens_on": today, "closes_on": today,
                   "pass_mark": 60, "max_attempts": 2}),
        )
        .await;
    assert_eq!(st, 201, "{e}");
    let id = e["id"].as_str().unwrap().to_owned();
    let (st, v) = s
        .post(
            &format!("/api/training/exams/{id}/questions"),
            &admin,
            json!({"kind": "single", "text": "首问负责制的“首问”是谁？",
                   "options": ["群众", "第一位被询问的工作人员"], "answers": [1], "points": 1}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let attempts = format!("/api/training/exams/{id}/attempts");

    // Failed: the exam is evidence and costs its 2 points.
    let (st, failed) = s.post(&attempts, &staff, json!({"answers": [[0]]})).await;
    assert_eq!((st, failed["passed"].as_bool()), (201, Some(false)), "{failed}");
    let (_, people) = s.get(month, &leader).await;
    let after_fail = conduct(&people, "staff");
    let failed_id = failed["id"].as_str().unwrap().to_owned();
    assert!(
        evidence(&after_fail).contains(&("exam".to_owned(), failed_id.clone())),
        "{after_fail}"
    );
    let lost = before["points"].as_f64().unwrap() - after_fail["points"].as_f64().unwrap();
    assert!((lost - 2.0).abs() < 1e-9, "{before} → {after_fail}");
    for other in people["items"].as_array().unwrap() {
        if other["subject"] != "staff" {
            assert!(
                evidence(part(other, "晨会与培训"))
                    .iter()
                    .all(|(k, _)| k != "exam"),
                "the exam counts only for who sat it: {other}"
            );
        }
    }

    // Passed at the second attempt: full points, the passing attempt is the evidence.
    let (st, passed) = s.post(&attempts, &staff, json!({"answers": [[1]]})).await;
    assert_eq!((st, passed["passed"].as_bool()), (201, Some(true)), "{passed}");
    let (_, people) = s.get(month, &leader).await;
    let after_pass = conduct(&people, "staff");
    let exams: Vec<(String, String)> = evidence(&after_pass)
        .into_iter()
        .filter(|(k, _)| k == "exam")
        .collect();
    assert_eq!(
        exams,
        [("exam".to_owned(), passed["id"].as_str().unwrap().to_owned())],
        "{after_pass}"
    );
    assert_eq!(after_pass["points"], before["points"]);
}

on_both_backends_clocked!(exams_count_in_meetings_and_training, START);
