//! 投诉 over HTTP: public and staff intake with field-named validation and
//! the due date from the calendar, the 督查科's steps in order, the
//! rectification a substantiated complaint opens in the one rectification
//! list, one reopening then the leadership, who sees the complainant (and
//! who never does), public progress by query code, and identity sealed at rest.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, code, field};
use serde_json::{Value, json};

const PHONE: &str = "13812345678";
const NAME: &str = "张建国";

async fn post(s: &TestServer, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    s.req("POST", path).token(token).json(&body).status_json().await
}

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> (u16, Value) {
    s.req("GET", path).token(token).status_json().await
}

async fn step(s: &TestServer, token: &str, id: &str, step: &str, body: Value) -> (u16, Value) {
    post(s, &format!("/api/complaints/{id}/{step}"), Some(token), body).await
}

/// Every text a complaint leaves in the database, read with SQL.
async fn stored_text(s: &TestServer) -> String {
    const TEXT: [&str; 3] = [
        "SELECT content || '|' || COALESCE(name_sealed, '') || '|' || COALESCE(phone_sealed, '') FROM complaints",
        "SELECT actor || '|' || note FROM complaint_steps",
        "SELECT actor || '|' || target || '|' || detail FROM audit_log",
    ];
    let url = s.database_url();
    let mut all = Vec::new();
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        for q in TEXT {
            all.extend(sqlx::query_scalar::<_, String>(q).fetch_all(&pool).await.unwrap());
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        for q in TEXT {
            all.extend(sqlx::query_scalar::<_, String>(q).fetch_all(&pool).await.unwrap());
        }
        pool.close().await;
    }
    all.join("\n")
}

async fn complaint_contract(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let supervisor = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let liaison = s.login("liaison").await;
    let leader = s.login("leader").await;

    // The public form, anonymous: a number, a query code and the answer's due date.
    let (st, anonymous) = post(
        s,
        "/api/complaints",
        None,
        json!({"channel": "online", "content": "3号窗口工作人员玩手机，让群众久等", "category": "discipline",
               "about": {"window": "3"}, "anonymous": true}),
    )
    .await;
    assert_eq!(st, 201, "{anonymous}");
    assert_eq!(anonymous["status"], "received");
    let today = s.app.today();
    let due = s.app.deadline(today, 5).await.unwrap().date;
    assert_eq!(anonymous["due"], due.to_string());
    assert_eq!(
        anonymous["accept_due"],
        s.app.deadline(today, 1).await.unwrap().date.to_string()
    );
    assert!(anonymous["number"].as_str().unwrap().starts_with("DHTS"));
    assert_eq!(anonymous["query_code"].as_str().unwrap().len(), 8);

    // Each mistake names its field.
    let (st, e) = post(
        s,
        "/api/complaints",
        None,
        json!({"channel": "online", "content": "  ", "anonymous": true}),
    )
    .await;
    assert_eq!((st, field(&e)), (422, Some("content")), "{e}");
    for phone in ["", "1381234567", "23812345678"] {
        let (st, e) = post(
            s,
            "/api/complaints",
            None,
            json!({"channel": "online", "content": "态度差", "anonymous": false, "name": NAME, "phone": phone}),
        )
        .await;
        assert_eq!((st, field(&e)), (422, Some("phone")), "{phone}: {e}");
    }
    let (st, e) = post(
        s,
        "/api/complaints",
        None,
        json!({"channel": "online", "content": "态度差", "anonymous": true, "about": {"window": "99"}}),
    )
    .await;
    assert_eq!((st, field(&e)), (422, Some("about.window")), "{e}");
    let (st, e) = post(
        s,
        "/api/complaints",
        None,
        json!({"channel": "fax", "content": "态度差", "anonymous": true}),
    )
    .await;
    assert_eq!((st, field(&e)), (422, Some("channel")), "{e}");

    // The desk, the hotline and letters are recorded by staff.
    let desk = json!({"channel": "hall", "content": "办理营业执照被要求反复补材料，跑了三次", "category": "推诿",
                      "about": {"department": "SCJG"}, "anonymous": false, "name": NAME, "phone": PHONE});
    let (st, _) = post(s, "/api/complaints", None, desk.clone()).await;
    assert_eq!(st, 401);
    let (st, _) = post(s, "/api/complaints", Some(&liaison), desk.clone()).await;
    assert_eq!(st, 403);
    let (st, named) = post(s, "/api/complaints", Some(&staff), desk).await;
    assert_eq!(st, 201, "{named}");
    let id = named["id"].as_str().unwrap().to_owned();
    let code_of_named = named["query_code"].as_str().unwrap().to_owned();

    // Staff never read complaints (they may be about them).
    let (st, _) = get(s, &format!("/api/complaints/{id}"), Some(&staff)).await;
    assert_eq!(st, 403);
    let (st, _) = get(s, "/api/complaints", Some(&staff)).await;
    assert_eq!(st, 403);
    // The department complained about reads it, without the complainant.
    let answer = s
        .req("GET", &format!("/api/complaints/{id}"))
        .token(Some(liaison.as_str()))
        .send()
        .await;
    let (st, seen) = (answer.status, answer.text);
    assert_eq!(st, 200, "{seen}");
    assert!(
        !seen.contains(PHONE) && !seen.contains(NAME) && !seen.contains("5678"),
        "{seen}"
    );
    let seen: Value = serde_json::from_str(&seen).unwrap();
    assert_eq!(seen["status"], "received");
    assert_eq!(seen["department"], "东海县市场监督管理局");
    assert!(seen.get("name").is_none() && seen.get("phone").is_none());
    // … and not another department's.
    let anonymous_id = anonymous["id"].as_str().unwrap();
    let (st, other) = get(s, &format!("/api/complaints/{anonymous_id}"), Some(&liaison)).await;
    assert_eq!(st, 403, "{other}");
    let (st, list) = get(s, "/api/complaints", Some(&liaison)).await;
    assert_eq!(st, 200);
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
    // The leadership reads it too, without the complainant.
    let (st, led) = get(s, &format!("/api/complaints/{id}"), Some(&leader)).await;
    assert_eq!(st, 200);
    assert!(led.get("phone").is_none());
    // The 督查科 sees who complained, and that look is audit-logged.
    let (st, full) = get(s, &format!("/api/complaints/{id}"), Some(&supervisor)).await;
    assert_eq!(st, 200, "{full}");
    assert_eq!(
        (full["name"].as_str(), full["phone"].as_str()),
        (Some(NAME), Some(PHONE))
    );
    let looks = s
        .app
        .audit_log(1, 500)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "complaint.identity" && e.target == id)
        .count();
    assert_eq!(looks, 1);

    // The steps in order: out of order → 409; leaders and liaisons do not take them.
    let note = |n: &str| json!({"note": n});
    let (st, e) = step(
        s,
        &supervisor,
        &id,
        "handle",
        json!({"note": "x", "substantiated": true}),
    )
    .await;
    assert_eq!((st, code(&e)), (409, Some("wrong_status")), "{e}");
    let (st, _) = step(s, &liaison, &id, "accept", note("受理")).await;
    assert_eq!(st, 403);
    let (st, e) = step(s, &supervisor, &id, "accept", note("")).await;
    assert_eq!((st, field(&e)), (422, Some("note")), "{e}");
    let (st, e) = step(s, &supervisor, &id, "approve", note("x")).await;
    assert_eq!((st, field(&e)), (422, Some("step")), "{e}");
    let (st, c) = step(s, &supervisor, &id, "accept", note("已受理，转督查科调查")).await;
    assert_eq!((st, c["status"].as_str()), (200, Some("accepted")), "{c}");
    let (st, c) = step(s, &supervisor, &id, "investigate", note("调取监控、约谈窗口人员")).await;
    assert_eq!((st, c["status"].as_str()), (200, Some("investigating")), "{c}");
    let (st, e) = step(s, &supervisor, &id, "handle", note("查实")).await;
    assert_eq!((st, field(&e)), (422, Some("substantiated")), "{e}");
    let (st, c) = step(
        s,
        &supervisor,
        &id,
        "handle",
        json!({"note": "经查属实：未一次性告知所需材料", "substantiated": true}),
    )
    .await;
    assert_eq!((st, c["status"].as_str()), (200, Some("handled")), "{c}");
    assert_eq!(c["substantiated"], true);

    // The substantiated complaint's rectification, in the one list.
    let (st, open) = get(s, "/api/rectifications?status=open", Some(&supervisor)).await;
    assert_eq!(st, 200);
    let mine: Vec<&Value> = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["complaint_id"] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{open}");
    assert_eq!(mine[0]["source"], "complaint");
    assert_eq!(mine[0]["department"], "东海县市场监督管理局");
    // The department's liaison works on it like any rectification.
    let rect = mine[0]["id"].as_str().unwrap();
    let (st, r) = post(
        s,
        &format!("/api/rectifications/{rect}/verify"),
        Some(&liaison),
        note("已核实"),
    )
    .await;
    assert_eq!((st, r["status"].as_str()), (200, Some("verified")), "{r}");

    // 反馈 rejected: reopened once …
    let (st, c) = step(
        s,
        &supervisor,
        &id,
        "answer",
        json!({"note": "已约谈当事人，今后一次性告知", "accepted": false}),
    )
    .await;
    assert_eq!((st, c["status"].as_str()), (200, Some("investigating")), "{c}");
    assert_eq!(c["reopened"], true);
    step(
        s,
        &supervisor,
        &id,
        "handle",
        json!({"note": "复查：属实", "substantiated": true}),
    )
    .await;
    // Handling again does not open a second rectification.
    let (_, open) = get(s, "/api/rectifications", Some(&supervisor)).await;
    let count = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["complaint_id"] == id.as_str())
        .count();
    assert_eq!(count, 1);
    // … then the leadership.
    let (st, c) = step(
        s,
        &supervisor,
        &id,
        "answer",
        json!({"note": "复查后再次答复", "accepted": false}),
    )
    .await;
    assert_eq!((st, c["status"].as_str()), (200, Some("answered")), "{c}");
    assert_eq!(c["escalated"], true);
    let (st, c) = step(s, &supervisor, &id, "archive", note("领导批示后归档")).await;
    assert_eq!((st, c["status"].as_str()), (200, Some("archived")), "{c}");
    let steps: Vec<&str> = c["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "received",
            "accept",
            "investigate",
            "handle",
            "answer",
            "reject",
            "handle",
            "answer",
            "leadership",
            "archive"
        ]
    );
    let (st, e) = step(s, &supervisor, &id, "archive", note("again")).await;
    assert_eq!(st, 409, "{e}");

    // Public progress by query code, masked; a wrong code is unknown.
    let (st, p) = get(s, &format!("/api/complaints/progress?code={code_of_named}"), None).await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["status"], "archived");
    assert_eq!(p["complainant"], "张**");
    assert!(!p.to_string().contains(PHONE));
    let (st, _) = get(s, "/api/complaints/progress?code=ZZZZZZZZ", None).await;
    assert_eq!(st, 404);

    // The complainant answers online: 认可 on the anonymous one once answered.
    for (stp, body) in [
        ("accept", note("受理")),
        ("investigate", note("调查")),
        ("handle", json!({"note": "不属实", "substantiated": false})),
        ("answer", note("经查看录像，工作人员未使用手机")),
    ] {
        let (st, c) = step(s, &supervisor, anonymous_id, stp, body).await;
        assert_eq!(st, 200, "{stp}: {c}");
    }
    let anonymous_code = anonymous["query_code"].as_str().unwrap();
    let (st, p) = post(
        s,
        "/api/complaints/feedback",
        None,
        json!({"code": anonymous_code, "accepted": true}),
    )
    .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["complainant"], "匿名");
    assert_eq!(p["awaiting_feedback"], false);
    let (st, _) = post(
        s,
        "/api/complaints/feedback",
        None,
        json!({"code": anonymous_code, "accepted": false}),
    )
    .await;
    assert_eq!(st, 409);
    // Not substantiated: no rectification.
    let (_, all) = get(s, "/api/rectifications", Some(&supervisor)).await;
    assert!(
        !all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["complaint_id"] == anonymous_id)
    );

    // Identity sealed at rest; an anonymous complaint keeps none.
    let text = stored_text(s).await;
    assert!(!text.contains(PHONE) && !text.contains(NAME), "{text}");
}

on_both_backends!(complaint_contract);
