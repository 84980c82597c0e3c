//! 上门服务 over HTTP: public requests with field-named validation, the
//! per-phone limit, the staff list behind a token, the status steps with
//! history and audit, and the phone and address sealed in the database.

use crate::api_appointments::next_working_day;
use crate::on_both_backends;
use crate::support::{Backend, TestServer, field};
use serde_json::{Value, json};

const PHONE: &str = "13812345678";
const ADDRESS: &str = "东海县牛山街道和平路18号3单元201室";

async fn post(s: &TestServer, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    s.req("POST", path).token(token).json(&body).status_json().await
}

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> (u16, String) {
    let a = s.req("GET", path).token(token).send().await;
    (a.status, a.text)
}

async fn audit_count(s: &TestServer, action: &str, target: &str) -> usize {
    s.app
        .audit_log(1, 500)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action && (target.is_empty() || e.target == target))
        .count()
}

/// Every text column where personal data could leak, read with SQL.
async fn stored_text(s: &TestServer) -> (Vec<String>, Vec<String>) {
    const SEALED: &str = "SELECT phone_sealed FROM home_visits";
    const TEXT: [&str; 3] = [
        "SELECT name || '|' || phone_sealed || '|' || phone_key || '|' || address_sealed || '|' || item \
         || '|' || note || '|' || outcome FROM home_visits",
        "SELECT actor || '|' || detail FROM home_visit_events",
        "SELECT actor || '|' || target || '|' || detail FROM audit_log",
    ];
    let url = s.database_url();
    let mut all = Vec::new();
    let sealed;
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        for q in TEXT {
            all.extend(sqlx::query_scalar::<_, String>(q).fetch_all(&pool).await.unwrap());
        }
        sealed = sqlx::query_scalar::<_, String>(SEALED)
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        for q in TEXT {
            all.extend(sqlx::query_scalar::<_, String>(q).fetch_all(&pool).await.unwrap());
        }
        sealed = sqlx::query_scalar::<_, String>(SEALED)
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    (all, sealed)
}

async fn home_visit_requests(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let day = next_working_day(s).await;
    let good = json!({
        "name": "王秀英", "phone": PHONE, "address": ADDRESS, "item": "养老保险资格认证",
        "reason": "elderly", "preferred_date": day, "note": "老人行走不便"
    });
    let (status, first) = post(s, "/api/home-visits", None, good.clone()).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["status"], "requested");
    let id = first["id"].as_str().unwrap().to_owned();

    // Each mistake names its field, in Chinese.
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    for (body, field, word) in [
        (with("name", json!("  ")), "name", "姓名"),
        (with("phone", json!("12345")), "phone", "手机号"),
        (with("address", json!("")), "address", "地址"),
        (with("item", json!("")), "item", "事项"),
        (with("reason", json!("young")), "reason", "原因"),
        (
            with("preferred_date", json!("2020-01-01")),
            "preferred_date",
            "日期",
        ),
        (with("preferred_date", json!("明天")), "preferred_date", "日期"),
        (
            with("reason", json!("other"))
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.remove("note");
                    Value::Object(o)
                })
                .unwrap(),
            "note",
            "说明",
        ),
    ] {
        let (status, v) = post(s, "/api/home-visits", None, body).await;
        assert_eq!((status, crate::support::field(&v)), (422, Some(field)), "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(word), "{v}");
    }

    // The list needs a handler's token; phones are masked, addresses left out.
    let (status, _) = get(s, "/api/home-visits", None).await;
    assert_eq!(status, 401);
    let leader = s.login("leader").await;
    let (status, _) = get(s, "/api/home-visits", Some(&leader)).await;
    assert_eq!(status, 403);
    let (status, _) = post(
        s,
        &format!("/api/home-visits/{id}/cancel"),
        Some(&leader),
        json!({"reason": "x"}),
    )
    .await;
    assert_eq!(status, 403);
    let staff = s.login("staff").await;
    let (status, body) = get(s, "/api/home-visits", Some(&staff)).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("138****5678") && !body.contains(PHONE) && !body.contains(ADDRESS),
        "{body}"
    );
    let list: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list["home_visits"][0]["reason_label"], "高龄");
    let (status, v) = post(s, "/api/home-visits", None, json!({"name": "x"})).await;
    assert_eq!(status, 422, "{v}");
    let (status, body) = get(s, "/api/home-visits?status=lost", Some(&staff)).await;
    assert_eq!(status, 422);
    assert!(body.contains("\"field\":\"status\""), "{body}");

    // At most two open requests per phone.
    let (status, second) = post(s, "/api/home-visits", None, with("item", json!("残疾人证换领"))).await;
    assert_eq!(status, 201, "{second}");
    let second = second["id"].as_str().unwrap().to_owned();
    let (status, v) = post(s, "/api/home-visits", None, good.clone()).await;
    assert_eq!(status, 409, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("最多"), "{v}");
    assert_eq!(audit_count(s, "home_visit.limit", "").await, 1);

    // The full phone and address: one audit record per look.
    assert_eq!(audit_count(s, "home_visit.view", &id).await, 0);
    let (status, body) = get(s, &format!("/api/home-visits/{id}"), Some(&staff)).await;
    assert_eq!(status, 200, "{body}");
    let detail: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (detail["phone_full"].as_str(), detail["address"].as_str()),
        (Some(PHONE), Some(ADDRESS))
    );
    assert_eq!(audit_count(s, "home_visit.view", &id).await, 1);
    get(s, &format!("/api/home-visits/{id}"), Some(&staff)).await;
    assert_eq!(audit_count(s, "home_visit.view", &id).await, 2);
    let (status, _) = get(
        s,
        "/api/home-visits/0190a000-0000-7000-8000-000000000000",
        Some(&staff),
    )
    .await;
    assert_eq!(status, 404);

    // requested → scheduled → done; cancelled needs a reason; ends are final.
    let path = |step: &str| format!("/api/home-visits/{id}/{step}");
    let (status, _) = post(s, &path("done"), Some(&staff), json!({})).await;
    assert_eq!(status, 409, "not done before it is scheduled");
    let (status, v) = post(
        s,
        &path("schedule"),
        Some(&staff),
        json!({"date": day, "staff": "nobody"}),
    )
    .await;
    assert_eq!((status, field(&v)), (422, Some("staff")), "{v}");
    let (status, v) = post(
        s,
        &path("schedule"),
        Some(&staff),
        json!({"date": "2020-01-02", "staff": "staff"}),
    )
    .await;
    assert_eq!((status, field(&v)), (422, Some("date")), "{v}");
    let (status, v) = post(
        s,
        &path("schedule"),
        Some(&staff),
        json!({"date": day, "staff": "staff"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["assigned_to"].as_str()),
        (Some("scheduled"), Some("staff"))
    );
    let (status, v) = post(s, &path("done"), Some(&staff), json!({"note": "已上门完成认证"})).await;
    assert_eq!((status, v["status"].as_str()), (200, Some("done")), "{v}");
    let (status, _) = post(s, &path("cancel"), Some(&staff), json!({"reason": "重复申请"})).await;
    assert_eq!(status, 409);
    let other = format!("/api/home-visits/{second}/cancel");
    let (status, v) = post(s, &other, Some(&staff), json!({"reason": " "})).await;
    assert_eq!((status, field(&v)), (422, Some("reason")), "{v}");
    let admin = s.login("admin").await;
    let (status, v) = post(s, &other, Some(&admin), json!({"reason": "申请人已到大厅办理"})).await;
    assert_eq!(
        (status, v["status"].as_str(), v["outcome"].as_str()),
        (200, Some("cancelled"), Some("申请人已到大厅办理"))
    );

    let (_, body) = get(s, "/api/home-visits?status=done", Some(&staff)).await;
    let done: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(done["home_visits"].as_array().unwrap().len(), 1);
    let (_, body) = get(s, &format!("/api/home-visits/{id}"), Some(&staff)).await;
    let detail: Value = serde_json::from_str(&body).unwrap();
    let steps: Vec<(&str, &str)> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["status"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("requested", "申请人（网上）"),
            ("scheduled", "staff"),
            ("done", "staff")
        ]
    );
    for action in ["home_visit.request", "home_visit.schedule", "home_visit.done"] {
        assert_eq!(audit_count(s, action, &id).await, 1, "{action}");
    }
    assert_eq!(audit_count(s, "home_visit.cancel", &second).await, 1);
    // Closed requests no longer count against the phone.
    let (status, _) = post(s, "/api/home-visits", None, good).await;
    assert_eq!(status, 201);

    // Sealed at rest: neither the phone nor the address is anywhere in the tables.
    let (text, sealed) = stored_text(s).await;
    assert!(
        !text.is_empty() && sealed.iter().all(|p| p.starts_with("v1:")),
        "{sealed:?}"
    );
    for t in &text {
        assert!(
            !t.contains(PHONE) && !t.contains(ADDRESS) && !t.contains("和平路"),
            "{t}"
        );
    }
    // The name is not sealed: the same reading does find it (the check can see).
    assert!(text.iter().any(|t| t.contains("王秀英")));
    let mut raw = Vec::new();
    for (n, file) in s.sqlite_files().into_iter().enumerate() {
        // The main file must be there; the WAL may have been checkpointed away.
        let bytes = if n == 0 {
            std::fs::read(&file).unwrap()
        } else {
            std::fs::read(&file).unwrap_or_default()
        };
        for secret in [PHONE.as_bytes(), "和平路18号".as_bytes()] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{} holds {}",
                file.display(),
                String::from_utf8_lossy(secret)
            );
        }
        raw.extend(bytes);
    }
    let name = "王秀英".as_bytes();
    assert!(
        s.sqlite_files().is_empty() || raw.windows(name.len()).any(|w| w == name),
        "the byte scan finds plain text"
    );
}
on_both_backends!(home_visit_requests);
