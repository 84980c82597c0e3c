//! 办件全程时间线 and 办件评价 over HTTP (issue 17): a ticket taken and called,
//! the case accepted from it, paused and resumed, decided and completed, then
//! rated online with its query code and by phone — one timeline lists the
//! ticket, the case's steps, its SMS and its evaluations in order; who may
//! read it; the rating's refusals; a case's 差评 opens a rectification and
//! counts in the satisfaction report; the public progress shows a safe copy.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, code, field};
use serde_json::{Value, json};

const FOOD: [&str; 3] = [
    "食品经营许可申请书",
    "与食品经营相适应的主要设备设施布局、操作流程文件",
    "食品安全自查、从业人员健康管理等保证食品安全的规章制度",
];

async fn act(s: &TestServer, token: &str, case: &str, action: &str, body: Value) -> Value {
    let (st, v) = s.post(&format!("/api/cases/{case}/{action}"), token, body).await;
    assert_eq!(st, 200, "{action}: {v}");
    v
}

async fn add_user(
    s: &TestServer,
    admin: &str,
    username: &str,
    role: &str,
    department: Option<&str>,
) -> String {
    let (st, v) = s
        .post(
            "/api/users",
            admin,
            json!({"username": username, "display_name": username, "role": role,
                   "department": department, "password": app::demo::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    s.login(username).await
}

fn kinds(timeline: &Value) -> Vec<String> {
    timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn position(kinds: &[String], kind: &str) -> usize {
    kinds
        .iter()
        .position(|k| k == kind)
        .unwrap_or_else(|| panic!("no {kind} in {kinds:?}"))
}

async fn ticket_to_case_to_evaluation(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    let supervisor = s.login("supervisor").await;
    let leader = s.login("leader").await;
    let liaison = s.login("liaison").await;

    // A ticket taken at the kiosk and called to window 1.
    let (st, t) = s.post("/api/tickets", "", json!({"category": "A"})).await;
    assert_eq!(st, 201, "{t}");
    let ticket = t["id"].as_str().unwrap().to_owned();
    let (st, called) = s.call("POST", &staff, "/api/windows/1/call", None).await;
    assert_eq!(
        (st, called["ticket"]["id"].as_str()),
        (200, Some(ticket.as_str()))
    );

    // The case accepted from it, every material given.
    let materials: Vec<Value> = FOOD
        .iter()
        .map(|n| json!({"name": n, "status": "provided"}))
        .collect();
    let (st, c) = s
        .post(
            "/api/cases",
            &staff,
            json!({"item": "SCJG-XK-001", "ticket_id": ticket, "materials": materials,
                   "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13912345678"}}),
        )
        .await;
    assert_eq!((st, c["status"].as_str()), (201, Some("accepted")), "{c}");
    let case = c["id"].as_str().unwrap().to_owned();
    let query_code = c["query_code"].as_str().unwrap().to_owned();
    let department = c["department"].as_str().unwrap().to_owned();
    act(s, &staff, &case, "pause", json!({"reason": "组织专家评审"})).await;
    act(s, &staff, &case, "resume", json!({})).await;
    act(s, &staff, &case, "review", json!({})).await;
    act(
        s,
        &staff,
        &case,
        "decide",
        json!({"approved": true, "reason": "符合条件"}),
    )
    .await;

    // Before completion: refused in Chinese, nothing recorded.
    let rating = |channel: &str, level: &str, code: Option<&str>| {
        let mut v = json!({"case_id": case, "channel": channel, "level": level, "comment": ""});
        if level.contains("dissatisfied") {
            v["reasons"] = json!(["服务态度差"]);
        }
        if let Some(c) = code {
            v["query_code"] = json!(c);
        }
        v
    };
    let (st, v) = s
        .post(
            "/api/evaluations",
            "",
            rating("online", "satisfied", Some(&query_code)),
        )
        .await;
    assert_eq!((st, code(&v)), (409, Some("not_finished")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("办结"));
    act(s, &staff, &case, "complete", json!({})).await;

    // Who may rate: the applicant's query code, an operator; never the clerk, never anyone by id.
    let (st, v) = s
        .post("/api/evaluations", "", rating("online", "satisfied", None))
        .await;
    assert_eq!(st, 401, "{v}");
    let (st, v) = s
        .post(
            "/api/evaluations",
            "",
            rating("online", "satisfied", Some("AAAAAAAA")),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, _) = s
        .post("/api/evaluations", "", rating("phone", "satisfied", None))
        .await;
    assert_eq!(st, 401);
    let (st, _) = s
        .post("/api/evaluations", &staff, rating("phone", "satisfied", None))
        .await;
    assert_eq!(st, 403, "the clerk who accepted it cannot rate it");
    let (st, v) = s
        .post("/api/evaluations", &admin, rating("pad", "satisfied", None))
        .await;
    assert_eq!((st, field(&v)), (422, Some("channel")));
    let (st, v) = s
        .post(
            "/api/evaluations",
            "",
            json!({"case_id": uuid::Uuid::now_v7().to_string(), "channel": "online", "level": "satisfied",
                   "query_code": query_code}),
        )
        .await;
    assert_eq!((st, code(&v)), (404, Some("not_found")), "{v}");

    // Rated online (差评) with the query code, once; by phone, once.
    let (st, v) = s
        .post(
            "/api/evaluations",
            "",
            rating("online", "dissatisfied", Some(&query_code.to_lowercase())),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let evaluation = v["id"].as_str().unwrap().to_owned();
    let (st, v) = s
        .post(
            "/api/evaluations",
            "",
            rating("online", "satisfied", Some(&query_code)),
        )
        .await;
    assert_eq!((st, code(&v)), (409, Some("already_evaluated")), "{v}");
    let (st, v) = s
        .post(
            "/api/evaluations",
            &supervisor,
            rating("phone", "very_satisfied", None),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = s
        .post("/api/evaluations", &admin, rating("phone", "satisfied", None))
        .await;
    assert_eq!((st, code(&v)), (409, Some("already_evaluated")), "{v}");

    // The timeline: who may read it.
    let path = format!("/api/cases/{case}/timeline");
    let (st, _) = s.get(&path, "").await;
    assert_eq!(st, 401);
    let (st, _) = s.get(&path, &leader).await;
    assert_eq!(st, 403);
    let stranger = add_user(s, &admin, "tl-staff", "staff", None).await;
    let (st, v) = s.get(&path, &stranger).await;
    assert_eq!(st, 403, "{v}");
    let (_, departments) = s.get("/api/departments", &admin).await;
    let other = departments["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .find(|c| *c != "SCJG")
        .unwrap()
        .to_owned();
    let other_liaison = add_user(s, &admin, "tl-liaison", "liaison", Some(&other)).await;
    let (st, _) = s.get(&path, &other_liaison).await;
    assert_eq!(st, 403);
    let (st, v) = s
        .get(
            &format!("/api/cases/{}/timeline", uuid::Uuid::now_v7()),
            &supervisor,
        )
        .await;
    assert_eq!((st, code(&v)), (404, Some("not_found")));
    let (st, _) = s.get("/api/cases/nonsense/timeline", &supervisor).await;
    assert_eq!(st, 404);
    for token in [&liaison, &supervisor, &admin] {
        let (st, v) = s.get(&path, token).await;
        assert_eq!(st, 200, "{v}");
    }

    // The timeline: ticket, call, steps, SMS and evaluations, in order.
    let (st, tl) = s.get(&path, &staff).await;
    assert_eq!(st, 200, "{tl}");
    let k = kinds(&tl);
    assert_eq!(k[0], "ticket", "{k:?}");
    let order = [
        "ticket",
        "call",
        "accepted",
        "paused",
        "resumed",
        "reviewed",
        "decided",
        "completed",
        "evaluation",
    ];
    let at: Vec<usize> = order.iter().map(|kind| position(&k, kind)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{k:?}");
    assert_eq!(k.iter().filter(|x| *x == "evaluation").count(), 2, "{k:?}");
    assert_eq!(k.last().map(String::as_str), Some("evaluation"));
    // 受理 and 办结 each sent the applicant an SMS, after the step.
    let sms: Vec<usize> = k
        .iter()
        .enumerate()
        .filter(|(_, x)| *x == "sms")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(sms.len(), 2, "{k:?}");
    assert!(sms[0] > at[2] && sms[1] > at[7], "{k:?}");
    let events = tl["events"].as_array().unwrap();
    let times: Vec<jiff::Timestamp> = events
        .iter()
        .map(|e| e["at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    assert!(
        events
            .iter()
            .all(|e| e["label"].as_str().is_some_and(|l| !l.is_ascii())),
        "every event has a Chinese label"
    );
    let accepted = &events[at[2]];
    assert_eq!(accepted["window"].as_str(), Some("1"));
    assert_eq!(accepted["staff"].as_str(), Some("staff"));
    assert_eq!(accepted["staff_name"].as_str(), Some("王芳"));
    assert_eq!(accepted["document"].as_str(), Some("receipt"));
    assert_eq!(events[at[3]]["note"].as_str(), Some("组织专家评审"));
    assert_eq!(events[at[1]]["window"].as_str(), Some("1"));
    let rated: Vec<&Value> = events.iter().filter(|e| e["kind"] == "evaluation").collect();
    assert_eq!(rated[0]["channel"].as_str(), Some("online"));
    assert_eq!(rated[0]["level"].as_str(), Some("dissatisfied"));
    assert_eq!(rated[0]["staff"].as_str(), Some("staff"));
    assert!(rated[0]["note"].as_str().unwrap().contains("服务态度差"));
    assert_eq!(rated[1]["channel"].as_str(), Some("phone"));
    assert!(events[sms[0]]["note"].as_str().unwrap().contains("已受理"));

    // Measured (reported, not asserted): the timeline of this case over 50 requests.
    let mut took = Vec::new();
    for _ in 0..50 {
        let started = std::time::Instant::now();
        let (st, _) = s.get(&path, &supervisor).await;
        assert_eq!(st, 200);
        took.push(started.elapsed());
    }
    took.sort();
    eprintln!(
        "timeline of {} events: median {:?}, p95 {:?} ({:?})",
        events.len(),
        took[25],
        took[47],
        s.app.store.backend()
    );

    // The case's 差评 opened a rectification for its department, and both
    // ratings count in the satisfaction report under the case's department.
    let (st, v) = s.get("/api/rectifications?status=open", &supervisor).await;
    assert_eq!(st, 200);
    let items = v["items"].as_array().unwrap();
    let rect = items
        .iter()
        .find(|r| r["evaluation_id"].as_str() == Some(evaluation.as_str()))
        .unwrap_or_else(|| panic!("no rectification of the case's 差评: {v}"));
    assert_eq!(rect["department"].as_str(), Some(department.as_str()));
    assert_eq!(rect["window"].as_str(), Some("1"));
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date();
    let (st, r) = s
        .get(
            &format!("/api/reports/satisfaction?from={today}&to={today}&group_by=department"),
            &leader,
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["total"].as_u64(), Some(2), "{r}");
    assert_eq!(r["by_level"]["dissatisfied"].as_u64(), Some(1));
    let group = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"].as_str() == Some(department.as_str()))
        .unwrap_or_else(|| panic!("no group {department}: {r}"));
    assert_eq!(group["total"].as_u64(), Some(2));
    let (st, r) = s
        .get(
            &format!("/api/reports/satisfaction?from={today}&to={today}&group_by=staff"),
            &leader,
        )
        .await;
    assert_eq!((st, r["groups"][0]["key"].as_str()), (200, Some("staff")), "{r}");

    // The monthly assessment counts them as evidence of the clerk and the window.
    let month = today.strftime("%Y-%m").to_string();
    for (level, subject) in [("staff", "staff"), ("window", "1")] {
        let (st, a) = s
            .get(
                &format!("/api/assessment?month={month}&level={level}&subject={subject}"),
                &leader,
            )
            .await;
        assert_eq!(st, 200, "{a}");
        assert!(
            a["items"][0].to_string().contains(&evaluation),
            "the case's evaluation is evidence of {level} {subject}: {a}"
        );
    }

    // The public progress: the safe timeline, already rated online.
    let (st, p) = s.get(&format!("/api/progress?code={query_code}"), "").await;
    assert_eq!(st, 200, "{p}");
    let public = p["timeline"].as_array().unwrap();
    assert_eq!(public[0]["kind"].as_str(), Some("ticket"));
    assert!(public.iter().any(|e| e["kind"] == "evaluation"));
    assert!(
        public.iter().all(|e| e["kind"] != "sms"),
        "no SMS texts in public"
    );
    let text = p.to_string();
    assert!(!text.contains("王芳") && !text.contains("\"staff\""), "{p}");
    assert_eq!(
        (p["rated"].as_bool(), p["can_rate"].as_bool()),
        (Some(true), Some(false))
    );
}
on_both_backends!(ticket_to_case_to_evaluation);
