//! 好差评 over HTTP: one evaluation per finished service event, the channel
//! rules, the satisfaction report and import, rectifications and appeals.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, code, field, import_csv};
use serde_json::{Value, json};

/// Records an evaluation of `ticket` (as `token`, or anonymously).
async fn rate(
    s: &TestServer,
    token: Option<&str>,
    ticket: &str,
    channel: &str,
    level: &str,
    reasons: &[&str],
) -> (u16, Value) {
    s.post("/api/evaluations", token, rating(ticket, channel, level, reasons))
        .await
}

/// Category A at window 3 (staff "staff"); returns a ticket finished there.
async fn hall(s: &TestServer, admin: &str) {
    let (st, _) = s
        .post(
            "/api/categories",
            admin,
            json!({"prefix": "A", "name": "企业开办", "items": ["SCJG-XK-001"]}),
        )
        .await;
    assert_eq!(st, 201);
    let (st, _) = s
        .post(
            "/api/windows",
            admin,
            json!({"number": "3", "name": "3号窗口", "categories": ["A"], "staff": ["staff"]}),
        )
        .await;
    assert_eq!(st, 201);
}

async fn served_ticket(s: &TestServer, staff: &str, finish: bool) -> String {
    let (st, t) = s.post("/api/tickets", "", json!({"category": "A"})).await;
    assert_eq!(st, 201);
    let id = t["id"].as_str().unwrap().to_owned();
    let (st, called) = s.call("POST", staff, "/api/windows/3/call", None).await;
    assert_eq!(st, 200);
    assert_eq!(called["ticket"]["id"].as_str(), Some(id.as_str()));
    if finish {
        let (st, _) = s
            .call("POST", staff, &format!("/api/tickets/{id}/finish"), None)
            .await;
        assert_eq!(st, 200);
    }
    id
}

fn rating(ticket: &str, channel: &str, level: &str, reasons: &[&str]) -> Value {
    json!({"ticket_id": ticket, "channel": channel, "level": level, "reasons": reasons, "comment": ""})
}

async fn evaluation_rules(s: &TestServer) {
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let supervisor = s.login("supervisor").await;
    hall(s, &admin).await;

    let (st, v) = s.get("/api/evaluation-reasons", "").await;
    assert_eq!(st, 200);
    let reasons: Vec<&str> = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for r in [
        "等候时间长",
        "服务态度差",
        "办事效率低",
        "一次性告知不清",
        "多次跑动",
        "其他",
    ] {
        assert!(reasons.contains(&r), "{r} in {reasons:?}");
    }

    // Not finished yet → 409; unknown level → 4xx naming the field; a 差评 needs a reason.
    let serving = served_ticket(s, &staff, false).await;
    let (st, v) = rate(s, None, &serving, "online", "satisfied", &[]).await;
    assert_eq!((st, code(&v)), (409, Some("not_finished")));
    let (st, _) = s
        .call("POST", &staff, &format!("/api/tickets/{serving}/finish"), None)
        .await;
    assert_eq!(st, 200);
    let (st, v) = rate(s, None, &serving, "online", "great", &[]).await;
    assert_eq!((st, field(&v)), (422, Some("level")), "{v}");
    let (st, v) = rate(s, None, &serving, "fax", "satisfied", &[]).await;
    assert_eq!((st, field(&v)), (422, Some("channel")));
    let (st, v) = rate(s, None, &serving, "online", "dissatisfied", &[]).await;
    assert_eq!((st, field(&v)), (422, Some("reasons")));
    let (st, v) = rate(s, None, &serving, "online", "dissatisfied", &["不在列表里"]).await;
    assert_eq!((st, field(&v)), (422, Some("reasons")));
    let (st, _) = s
        .post(
            "/api/evaluations",
            "",
            rating("00000000-0000-0000-0000-000000000000", "online", "satisfied", &[]),
        )
        .await;
    assert_eq!(st, 404);

    // Staff cannot rate their own service; the phone channel needs a token.
    let (st, _) = rate(s, Some(&staff), &serving, "online", "very_satisfied", &[]).await;
    assert_eq!(st, 403);
    let (st, _) = rate(s, None, &serving, "phone", "satisfied", &[]).await;
    assert_eq!(st, 401);
    let (st, _) = rate(s, Some(&leader), &serving, "phone", "satisfied", &[]).await;
    assert_eq!(st, 403);
    // The pad channel needs a paired pad of that window.
    let (st, _) = rate(s, None, &serving, "pad", "satisfied", &[]).await;
    assert_eq!(st, 401);

    // Online: once. A second evaluation of the same event → 409, on any channel.
    let (st, v) = rate(s, None, &serving, "online", "dissatisfied", &["等候时间长"]).await;
    assert_eq!(st, 201, "{v}");
    assert!(v["id"].as_str().is_some());
    let (st, v) = rate(s, None, &serving, "online", "satisfied", &[]).await;
    assert_eq!((st, code(&v)), (409, Some("already_evaluated")));
    let (st, _) = rate(s, Some(&admin), &serving, "phone", "satisfied", &[]).await;
    assert_eq!(st, 409);

    // The hotline operator records one for another event.
    let second = served_ticket(s, &staff, true).await;
    let (st, _) = rate(s, Some(&admin), &second, "phone", "very_satisfied", &[]).await;
    assert_eq!(st, 201);

    // The report: leader or admin only; grouped by window and channel.
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date();
    let q = format!("/api/reports/satisfaction?from={today}&to={today}");
    let (st, _) = s.get(&q, &staff).await;
    assert_eq!(st, 403);
    let (st, r) = s.get(&q, &leader).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!((r["total"].as_u64(), r["valid"].as_u64()), (Some(2), Some(2)));
    assert_eq!(r["by_level"]["dissatisfied"].as_u64(), Some(1));
    assert_eq!(r["by_level"]["very_satisfied"].as_u64(), Some(1));
    assert_eq!(r["rate"].as_f64(), Some(0.5));
    assert!(r["formula"].as_str().unwrap().contains("有效评价"));
    let (st, r) = s.get(&format!("{q}&group_by=channel"), &admin).await;
    assert_eq!(st, 200);
    let groups = r["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{r}");
    assert!(groups.iter().all(|g| g["total"].as_u64() == Some(1)));
    let (st, r) = s.get(&format!("{q}&group_by=window"), &admin).await;
    assert_eq!((st, r["groups"][0]["key"].as_str()), (200, Some("3")));
    assert_eq!(r["groups"][0]["total"].as_u64(), Some(2));
    let (st, v) = s.get(&format!("{q}&group_by=colour"), &admin).await;
    assert_eq!((st, field(&v)), (422, Some("group_by")));
    let (st, v) = s.get("/api/reports/satisfaction?from=2026-13-01", &admin).await;
    assert_eq!((st, field(&v)), (422, Some("from")));
    let (st, v) = s
        .get(&format!("/api/reports/satisfaction/check?from={today}"), &admin)
        .await;
    assert_eq!((st, v["consistent"].as_bool()), (200, Some(true)), "{v}");

    // The 差评 opened a rectification due in 5 working days.
    let (st, _) = s.get("/api/rectifications?status=open", &staff).await;
    assert_eq!(st, 403);
    let (st, v) = s.get("/api/rectifications?status=open", &supervisor).await;
    assert_eq!(st, 200);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{v}");
    let rect = items[0]["id"].as_str().unwrap().to_owned();
    let evaluation = items[0]["evaluation_id"].as_str().unwrap().to_owned();
    assert_eq!(items[0]["status"].as_str(), Some("open"));
    let due: jiff::civil::Date = items[0]["due_date"].as_str().unwrap().parse().unwrap();
    assert!(due > today, "due {due}");
    let path = |step: &str| format!("/api/rectifications/{rect}/{step}");
    // Steps in order only; close needs the person's answer.
    let (st, _) = s.post(&path("answer"), &supervisor, json!({"note": "x"})).await;
    assert_eq!(st, 409);
    for step in ["verify", "rectify", "answer"] {
        let (st, v) = s
            .post(&path(step), &supervisor, json!({"note": format!("{step} 情况")}))
            .await;
        assert_eq!(st, 200, "{step}: {v}");
    }
    let (st, v) = s
        .post(&path("close"), &supervisor, json!({"note": "已回访"}))
        .await;
    assert_eq!((st, field(&v)), (422, Some("accepted")));
    let (st, v) = s
        .post(
            &path("close"),
            &supervisor,
            json!({"note": "群众表示认可", "accepted": true}),
        )
        .await;
    assert_eq!(
        (st, v["status"].as_str(), v["accepted"].as_bool()),
        (200, Some("closed"), Some(true)),
        "{v}"
    );
    assert_eq!(v["steps"].as_array().unwrap().len(), 5, "open + four steps: {v}");

    // Appeal: the staff member appeals; a supervisor upholds; the review leaves the valid count.
    let (st, v) = s
        .post(
            &format!("/api/evaluations/{evaluation}/appeal"),
            &staff,
            json!({"reason": "恶意差评", "evidence": "监控录像 10:02 显示服务规范"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let appeal = v["id"].as_str().unwrap().to_owned();
    let (st, _) = s
        .post(
            &format!("/api/evaluations/{evaluation}/appeal"),
            &staff,
            json!({"reason": "再次", "evidence": "x"}),
        )
        .await;
    assert_eq!(st, 409, "one pending appeal at a time");
    let (st, _) = s
        .post(
            &format!("/api/appeals/{appeal}/decide"),
            &staff,
            json!({"upheld": true, "decision": "x"}),
        )
        .await;
    assert_eq!(st, 403);
    let (st, v) = s
        .post(
            &format!("/api/appeals/{appeal}/decide"),
            &supervisor,
            json!({"upheld": true, "decision": "录像证实服务规范，差评不实"}),
        )
        .await;
    assert_eq!((st, v["status"].as_str()), (200, Some("upheld")), "{v}");
    let (st, r) = s.get(&q, &leader).await;
    assert_eq!(st, 200);
    assert_eq!(
        (r["total"].as_u64(), r["valid"].as_u64(), r["excluded"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(r["rate"].as_f64(), Some(1.0));
    let (_, v) = s
        .get(&format!("/api/reports/satisfaction/check?from={today}"), &admin)
        .await;
    assert_eq!(v["consistent"].as_bool(), Some(true), "{v}");

    // The reasons list is the admin's to edit.
    let (st, _) = s
        .put("/api/evaluation-reasons", &staff, json!({"reasons": ["x"]}))
        .await;
    assert_eq!(st, 403);
    let (st, v) = s
        .put("/api/evaluation-reasons", &admin, json!({"reasons": []}))
        .await;
    assert_eq!((st, field(&v)), (422, Some("reasons")));
    let (st, v) = s
        .put(
            "/api/evaluation-reasons",
            &admin,
            json!({"reasons": ["等候时间长", "材料反复要求", "其他"]}),
        )
        .await;
    assert_eq!((st, v["reasons"].as_array().map(Vec::len)), (200, Some(3)));
}
on_both_backends!(evaluation_rules);

/// [003]: 13345 非常满意, 363 满意 and 143 不满意 give 98.97%.
async fn import_gives_the_published_rate(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let csv = "date,window,level,count\n2025-12-01,综合窗口,非常满意,13345\n2025-12-01,综合窗口,satisfied,363\n\
               2025-12-02,综合窗口,不满意,143\n";
    let post = |token: &str, body: &str| {
        s.client
            .post(s.url("/api/evaluations/import"))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body.to_owned())
            .send()
    };
    let r = post(&leader, csv).await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let bad = "date,window,level,count\n2025-12-01,综合窗口,很好,3\n";
    let r = post(&admin, bad).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(field(&v), Some("rows[2].level"), "{v}");
    let r = post(&admin, "a,b\n1,2\n").await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = post(&admin, csv).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!((v["count"].as_u64(), v["rows"].as_u64()), (Some(13851), Some(3)));
    let (st, r) = s
        .get(
            "/api/reports/satisfaction?from=2025-12-01&to=2025-12-31&group_by=department",
            &leader,
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["total"].as_u64(), Some(13851));
    assert_eq!(r["rate"].as_f64(), Some(0.9897));
    assert_eq!(r["rate_text"].as_str(), Some("98.97%"));
    assert_eq!(r["groups"][0]["key"].as_str(), Some("综合窗口"));
    let (st, r) = s.get("/api/reports/satisfaction?from=2025-12-02", &leader).await;
    assert_eq!(
        (st, r["total"].as_u64(), r["rate"].as_f64()),
        (200, Some(143), Some(0.0))
    );
    // Nothing was stored by the refused imports.
    let (_, r) = s
        .get(
            "/api/reports/satisfaction/check?from=2025-12-01&to=2025-12-31",
            &admin,
        )
        .await;
    assert_eq!(r["consistent"].as_bool(), Some(true));
}
on_both_backends!(import_gives_the_published_rate);

/// Imported counts of a hall window count for the department the window
/// serves, as its live evaluations do; a column naming no window is a
/// department's own line.
async fn imported_window_counts_are_its_department_s(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    crate::support::category_a_at_window_3(s, &admin).await;
    import_csv(
        s,
        &admin,
        "/api/evaluations/import",
        "date,window,level,count\n2025-11-03,3,非常满意,7\n2025-11-03,3号窗口,不满意,1\n2025-11-04,综合窗口,满意,2\n",
    )
    .await;
    let (st, r) = s
        .get(
            "/api/reports/satisfaction?from=2025-11-01&to=2025-11-30&group_by=department",
            &leader,
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let group = |key: &str| {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == key)
            .map(|g| g["total"].as_u64())
    };
    assert_eq!(group("东海县市场监督管理局"), Some(Some(8)), "{r}");
    assert_eq!(group("综合窗口"), Some(Some(2)), "{r}");
}
on_both_backends!(imported_window_counts_are_its_department_s);

/// A phone left at the kiosk gets an SMS invitation after service (sealed in
/// the outbox, never shown); one who rated at once gets none. The online page
/// rates a finished ticket once.
async fn invitations_and_the_online_page(s: &TestServer) {
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    let supervisor = s.login("supervisor").await;
    hall(s, &admin).await;
    let phone = "13912345678";
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (st, t) = s
            .post("/api/tickets", "", json!({"category": "A", "phone": phone}))
            .await;
        assert_eq!(st, 201, "{t}");
        let id = t["id"].as_str().unwrap().to_owned();
        let (st, _) = s.call("POST", &staff, "/api/windows/3/call", None).await;
        assert_eq!(st, 200);
        let (st, _) = s
            .call("POST", &staff, &format!("/api/tickets/{id}/finish"), None)
            .await;
        assert_eq!(st, 200);
        ids.push(id);
    }
    // The first person rates on the online page at once.
    let page = s.req("GET", &format!("/rate/{}", ids[0])).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("您对本次服务满意吗"));
    let form = [("level", "very_dissatisfied"), ("comment", "等了很久")];
    let r = s.req("POST", &format!("/rate/{}", ids[0])).form(&form).await;
    assert_eq!(r.status, 422, "a 差评 needs a reason");
    let form = [
        ("level", "very_dissatisfied"),
        ("reasons", "等候时间长"),
        ("reasons", "办事效率低"),
        ("comment", "等了很久"),
    ];
    let r = s.req("POST", &format!("/rate/{}", ids[0])).form(&form).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("谢谢您的评价"));
    let r = s.req("GET", &format!("/rate/{}", ids[0])).await;
    assert!(r.text.contains("已经评价过了"));
    let r = s
        .req("POST", &format!("/rate/{}", ids[1]))
        .header("origin", "http://evil.example")
        .plain_form(&[("level", "satisfied")])
        .await;
    assert_eq!(r.status, 403, "cross-site posts are refused");

    // Three minutes later the invitation pass queues one SMS: for the second ticket only.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(3);
    assert_eq!(
        s.app
            .evaluations
            .queue_evaluation_invitations_as_of(later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.app
            .evaluations
            .queue_evaluation_invitations_as_of(later)
            .await
            .unwrap(),
        0,
        "once per ticket"
    );
    let (st, _) = s.get("/api/sms-outbox", &staff).await;
    assert_eq!(st, 403);
    let (st, v) = s.get("/api/sms-outbox", &supervisor).await;
    assert_eq!(st, 200);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{v}");
    assert_eq!(items[0]["ticket_id"].as_str(), Some(ids[1].as_str()));
    assert!(
        items[0]["body"]
            .as_str()
            .unwrap()
            .contains(&format!("/rate/{}", ids[1]))
    );
    assert!(
        !v.to_string().contains(phone),
        "the phone never leaves the outbox"
    );

    // Flags: a period's patterns (none here), for supervisors.
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date();
    let (st, v) = s
        .get(&format!("/api/evaluations/flags?from={today}"), &supervisor)
        .await;
    assert_eq!((st, v["items"].as_array().map(Vec::len)), (200, Some(0)), "{v}");
    let (st, _) = s
        .get(&format!("/api/evaluations/flags?from={today}"), &staff)
        .await;
    assert_eq!(st, 403);
}
on_both_backends!(invitations_and_the_online_page);
