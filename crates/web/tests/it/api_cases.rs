//! 办件 over HTTP: acceptance with the one-time notice, supplement, pauses,
//! decisions, public progress with masking, and the ledger's figures.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, field};
use serde_json::{Value, json};

async fn send(s: &TestServer, token: Option<&str>, path: &str, body: Option<Value>) -> (u16, Value) {
    // A case action is a POST even without a body; everything else without one is a GET.
    let action = path.starts_with("/api/cases/")
        && !path.contains('?')
        && path.matches('/').count() > 3
        && !path.ends_with("/identity");
    let method = if body.is_some() || action { "POST" } else { "GET" };
    let req = s.req(method, path).token(token);
    match body {
        Some(b) => req.json(&b).status_json().await,
        None => req.status_json().await,
    }
}

const FOOD: [&str; 3] = [
    "食品经营许可申请书",
    "与食品经营相适应的主要设备设施布局、操作流程文件",
    "食品安全自查、从业人员健康管理等保证食品安全的规章制度",
];

fn provided(names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|n| json!({"name": n, "status": "provided"}))
        .collect()
}

async fn case_lifecycle(s: &TestServer) {
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let person = json!({"name": "张三", "id_number": "11010519491231002X", "phone": "13912345678"});

    // Bad numbers: 422 naming the field, and nothing stored.
    let (st, v) = send(
        s,
        Some(&staff),
        "/api/cases",
        Some(json!({"item": "SCJG-XK-001", "applicant": {"name": "张三", "id_number": "110105194912310021"}, "materials": []})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("id_number")), "{v}");
    let (st, v) = send(
        s,
        Some(&staff),
        "/api/cases",
        Some(json!({"item": "SCJG-XK-001", "applicant": {"name": "某公司", "uscc": "91350100M000100Y44"}, "materials": []})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("uscc")), "{v}");
    let (st, v) = send(
        s,
        Some(&staff),
        "/api/cases",
        Some(json!({"item": "NOPE", "applicant": person, "materials": []})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("item")));
    let (st, _) = send(
        s,
        None,
        "/api/cases",
        Some(json!({"item": "SCJG-XK-001", "applicant": person})),
    )
    .await;
    assert_eq!(st, 401);

    // One material missing: 补正, no deadline, the notice lists it.
    let mut materials = provided(&FOOD[..2]);
    materials.push(json!({"name": FOOD[2], "status": "missing"}));
    let (st, c) = send(
        s,
        Some(&staff),
        "/api/cases",
        Some(json!({"item": "SCJG-XK-001", "applicant": person, "materials": materials})),
    )
    .await;
    assert_eq!(st, 201, "{c}");
    assert_eq!(c["status"].as_str(), Some("supplement"));
    assert!(c["deadline"].is_null());
    assert_eq!(c["missing"], json!([FOOD[2]]));
    let id = c["id"].as_str().unwrap().to_owned();
    let number = c["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("DH"), "{number}");
    assert!(
        !c.to_string().contains("11010519491231002X"),
        "the ID number never leaves unmasked"
    );
    let (st, _) = send(
        s,
        Some(&staff),
        &format!("/api/cases/{id}/pause"),
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_eq!(st, 409, "the clock is not running during 补正");

    // Supplement: accepted, deadline counted from today.
    let (st, c) = send(
        s,
        Some(&staff),
        &format!("/api/cases/{id}/supplement"),
        Some(json!({"materials": [{"name": FOOD[2], "status": "provided"}]})),
    )
    .await;
    assert_eq!((st, c["status"].as_str()), (200, Some("accepted")), "{c}");
    let deadline = c["deadline"].as_str().unwrap().to_owned();
    assert_eq!(c["missing"], json!([]));

    // A lawful pause moves the deadline by the paused working days.
    let (st, v) = send(
        s,
        Some(&staff),
        &format!("/api/cases/{id}/pause"),
        Some(json!({"reason": ""})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("reason")));
    let (st, c) = send(
        s,
        Some(&staff),
        &format!("/api/cases/{id}/pause"),
        Some(json!({"reason": "现场核查"})),
    )
    .await;
    assert_eq!((st, c["status"].as_str()), (200, Some("paused")));
    let (st, c) = send(s, Some(&staff), &format!("/api/cases/{id}/resume"), None).await;
    assert_eq!((st, c["status"].as_str()), (200, Some("accepted")), "{c}");
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date();
    let workday = domain::WorkCalendar::builtin().is_workday(today).unwrap_or(true);
    assert_eq!(c["paused_days"].as_i64(), Some(i64::from(workday)));
    if workday {
        assert!(c["deadline"].as_str().unwrap() > deadline.as_str(), "{c}");
    }
    let (st, c) = send(s, Some(&staff), &format!("/api/cases/{id}"), None).await;
    assert_eq!((st, c["paused_days"].as_i64().is_some()), (200, true));
    assert!(c["steps"].as_array().unwrap().len() >= 4);

    // Completing needs a decision; refusing a permit needs a reason.
    let (st, _) = send(s, Some(&staff), &format!("/api/cases/{id}/complete"), None).await;
    assert_eq!(st, 409);
    let (st, v) = send(
        s,
        Some(&staff),
        &format!("/api/cases/{id}/decide"),
        Some(json!({"approved": false})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("reason")));
    let (st, c) = send(
        s,
        Some(&staff),
        &format!("/api/cases/{id}/decide"),
        Some(json!({"approved": true, "reason": "符合条件"})),
    )
    .await;
    assert_eq!((st, c["status"].as_str()), (200, Some("decided")));
    let (st, c) = send(s, Some(&staff), &format!("/api/cases/{id}/complete"), None).await;
    assert_eq!((st, c["status"].as_str()), (200, Some("completed")));

    // The citizen's progress: by number and phone tail; IDs masked.
    let (st, p) = send(
        s,
        None,
        &format!("/api/progress?number={number}&phone_last4=5678"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["status"].as_str(), Some("completed"));
    assert_eq!(p["applicant"].as_str(), Some("张**"));
    assert!(p.get("id_number").is_none(), "no ID number, not even masked: {p}");
    assert!(!p.to_string().contains("11010519491231002X"));
    assert!(p["steps"].as_array().unwrap().len() >= 5);
    let (st, _) = send(
        s,
        None,
        &format!("/api/progress?number={number}&phone_last4=0000"),
        None,
    )
    .await;
    assert_eq!(st, 404);
    let (st, v) = send(
        s,
        None,
        &format!("/api/progress?number={number}&phone_last4=56"),
        None,
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("phone_last4")));

    // An organisation, complete at once: 即办件 done on the spot.
    let (st, c) = send(
        s,
        Some(&staff),
        "/api/cases",
        Some(
            json!({"item": "SCJG-QR-001", "applicant": {"name": "某公司", "uscc": "91350100M000100Y43"},
            "materials": provided(&["个体工商户注册登记申请书", "经营场所使用证明"])}),
        ),
    )
    .await;
    assert_eq!((st, c["status"].as_str()), (201, Some("accepted")), "{c}");
    let quick = c["id"].as_str().unwrap().to_owned();
    let (st, c) = send(s, Some(&staff), &format!("/api/cases/{quick}/complete"), None).await;
    assert_eq!((st, c["status"].as_str()), (200, Some("completed")), "{c}");

    // The ledger's figures: two accepted today, both completed.
    let (st, r) = send(
        s,
        Some(&leader),
        &format!("/api/reports/cases?from={today}&to={today}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(
        (r["accepted"].as_u64(), r["completed"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(r["completion_rate"].as_f64(), Some(1.0));
    let (st, _) = send(s, Some(&staff), &format!("/api/reports/cases?from={today}"), None).await;
    assert_eq!(st, 403);
}
on_both_backends!(case_lifecycle);

/// [003]: 38471 accepted, 38381 completed → 99.77%.
async fn ledger_import_gives_the_published_rate(s: &TestServer) {
    let admin = s.login("admin").await;
    let mut csv = String::from("number,item,accepted_on,completed_on,deadline\n");
    for i in 0..38471 {
        let completed = if i < 38381 { "2025-06-20" } else { "" };
        csv.push_str(&format!(
            "H2025-{i:05},SCJG-XK-001,2025-06-02,{completed},2025-06-09\n"
        ));
    }
    let post = |body: String| {
        s.client
            .post(s.url("/api/cases/import"))
            .bearer_auth(&admin)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let r = post("number,item,accepted_on,completed_on,deadline\nX,Y,2025-13-01,,\n".into())
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = post(csv).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["count"].as_u64(), Some(38471));
    let (st, r) = send(
        s,
        Some(&admin),
        "/api/reports/cases?from=2025-06-01&to=2025-06-30",
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(
        (r["accepted"].as_u64(), r["completed"].as_u64()),
        (Some(38471), Some(38381))
    );
    assert_eq!(r["completion_rate"].as_f64(), Some(0.9977));
    assert_eq!(
        r["on_time_rate"].as_f64(),
        Some(0.0),
        "all completed after their deadline"
    );
}
on_both_backends!(ledger_import_gives_the_published_rate);

/// An imported ledger row counts for its department: the catalog item's, or
/// the one an optional `department` column names (code or full name); an
/// unknown department refuses the whole file and stores nothing.
async fn imported_ledger_rows_count_for_their_department(s: &TestServer) {
    let admin = s.login("admin").await;
    let post = |body: &'static str| {
        s.client
            .post(s.url("/api/cases/import"))
            .bearer_auth(&admin)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let r = post(
        "number,item,accepted_on,completed_on,deadline\n\
         D-1,SCJG-XK-001,2025-07-01,2025-07-03,2025-07-08\n\
         D-2,OLD-ITEM-9,2025-07-01,,\n",
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let r = post(
        "number,item,accepted_on,completed_on,deadline,department\n\
         D-3,OLD-ITEM-9,2025-07-02,2025-07-02,,GA\n\
         D-4,OLD-ITEM-9,2025-07-02,,,XX局\n",
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(field(&v), Some("rows[3].department"), "{v}");
    let r = post(
        "number,item,accepted_on,completed_on,deadline,department\n\
         D-3,OLD-ITEM-9,2025-07-02,2025-07-02,,GA\n",
    )
    .await
    .unwrap();
    assert_eq!(
        r.status().as_u16(),
        201,
        "the refused file stored nothing: D-3 is new"
    );
    for (department, why) in [
        ("SCJG", "the catalog item's department"),
        ("GA", "the department column"),
    ] {
        let (st, r) = send(
            s,
            Some(&admin),
            &format!("/api/reports/summary?from=2025-07-01&to=2025-07-31&department={department}"),
            None,
        )
        .await;
        assert_eq!(st, 200, "{r}");
        assert_eq!(
            (r["accepted"].as_u64(), r["completed"].as_u64()),
            (Some(1), Some(1)),
            "{why}: {r}"
        );
    }
    let (_, whole) = send(
        s,
        Some(&admin),
        "/api/reports/summary?from=2025-07-01&to=2025-07-31",
        None,
    )
    .await;
    assert_eq!(
        whole["accepted"].as_u64(),
        Some(3),
        "the item the catalog lacks still counts for the hall"
    );
}
on_both_backends!(imported_ledger_rows_count_for_their_department);

/// 一件事: one parent and a sub-case per item, sharing the materials; the
/// parent completes with its last sub-case. Extension needs leadership and
/// happens once; the unmasked ID is shown to staff and audit-logged.
async fn bundles_extension_and_identity(s: &TestServer) {
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let admin = s.login("admin").await;
    let person = json!({"name": "李四", "id_number": "11010519491231002X", "phone": "13812345678"});
    let (st, p) = send(
        s,
        Some(&staff),
        "/api/cases",
        Some(json!({"bundle": "YJS-001", "applicant": person,
            "materials": [{"name": "出生医学证明首次签发登记表", "status": "provided"}]})),
    )
    .await;
    assert_eq!(st, 201, "{p}");
    assert_eq!(p["status"].as_str(), Some("supplement"));
    assert_eq!(
        p["missing"],
        json!(["社会保障卡申领登记表"]),
        "the union of the items' missing materials"
    );
    let parent = p["id"].as_str().unwrap().to_owned();
    let number = p["number"].as_str().unwrap().to_owned();
    let (st, p) = send(
        s,
        Some(&staff),
        &format!("/api/cases/{parent}/supplement"),
        Some(json!({"materials": [{"name": "社会保障卡申领登记表", "status": "provided"}]})),
    )
    .await;
    assert_eq!((st, p["status"].as_str()), (200, Some("accepted")), "{p}");
    assert!(p["deadline"].is_string());

    // Sub-cases: numbered under the parent, each accepted; complete them all.
    let mut subs = Vec::new();
    for k in 1..=4 {
        let (st, p) = send(
            s,
            None,
            &format!("/api/progress?number={number}-{k}&phone_last4=5678"),
            None,
        )
        .await;
        assert_eq!(
            (st, p["status"].as_str()),
            (200, Some("accepted")),
            "sub {k}: {p}"
        );
        subs.push(p);
    }
    assert_eq!(subs.len(), 4);
    // Extension: staff may not; a leader may, once, with a reason.
    let (st, _) = send(
        s,
        Some(&staff),
        &format!("/api/cases/{parent}/extend"),
        Some(json!({"days": 5, "reason": "需专家评审"})),
    )
    .await;
    assert_eq!(st, 403);
    let (st, v) = send(
        s,
        Some(&leader),
        &format!("/api/cases/{parent}/extend"),
        Some(json!({"reason": "需专家评审"})),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("days")));
    let before = p["deadline"].as_str().unwrap().to_owned();
    let (st, v) = send(
        s,
        Some(&leader),
        &format!("/api/cases/{parent}/extend"),
        Some(json!({"days": 5, "reason": "需专家评审"})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert!(v["deadline"].as_str().unwrap() > before.as_str());
    assert_eq!(v["extension_days"].as_i64(), Some(5));
    let (st, _) = send(
        s,
        Some(&leader),
        &format!("/api/cases/{parent}/extend"),
        Some(json!({"days": 2, "reason": "再延"})),
    )
    .await;
    assert_eq!(st, 409, "one extension only");

    // Each department completes its sub-case; the parent completes with the last.
    let (st, v) = send(s, Some(&staff), &format!("/api/cases/{parent}"), None).await;
    assert_eq!(st, 200);
    let ids: Vec<String> = v["sub_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 4, "{v}");
    for (k, id) in ids.iter().enumerate() {
        let (st, c) = send(
            s,
            Some(&staff),
            &format!("/api/cases/{id}/decide"),
            Some(json!({"approved": true, "reason": "符合"})),
        )
        .await;
        assert_eq!(st, 200, "{c}");
        let (st, _) = send(s, Some(&staff), &format!("/api/cases/{id}/complete"), None).await;
        assert_eq!(st, 200);
        let (_, p) = send(s, Some(&staff), &format!("/api/cases/{parent}"), None).await;
        let expected = if k == 3 { "completed" } else { "accepted" };
        assert_eq!(p["status"].as_str(), Some(expected), "after {} sub-cases", k + 1);
    }

    // The clear ID number: staff only, and every view is in the audit log.
    let (st, _) = send(s, Some(&leader), &format!("/api/cases/{parent}/identity"), None).await;
    assert_eq!(st, 403);
    let (st, v) = send(s, Some(&staff), &format!("/api/cases/{parent}/identity"), None).await;
    assert_eq!(
        (st, v["id_number"].as_str(), v["phone"].as_str()),
        (200, Some("11010519491231002X"), Some("13812345678"))
    );
    let (st, audit) = send(s, Some(&admin), "/api/audit", None).await;
    assert_eq!(st, 200);
    assert!(audit.to_string().contains("case.identity.view"), "{audit}");
}
on_both_backends!(bundles_extension_and_identity);
