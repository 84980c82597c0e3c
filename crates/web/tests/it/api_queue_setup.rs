//! Changing the queue set-up over HTTP: `PUT /api/categories/{prefix}` and
//! `PUT /api/windows/{number}`, and that a window's new staff can call at once.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, code, field};
use serde_json::{Value, json};

async fn send(s: &TestServer, method: &str, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    s.req(method, path).token(token).json(&body).status_json().await
}

async fn put(s: &TestServer, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    send(s, "PUT", token, path, body).await
}

async fn category(s: &TestServer, prefix: &str) -> Value {
    let (_, v) = s.get_json("/api/categories").await;
    v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["prefix"] == prefix)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn window(s: &TestServer, number: &str) -> Value {
    let (_, v) = s.get_json("/api/windows").await;
    v["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["number"] == number)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn edit_category(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;

    let (st, v) = put(
        s,
        Some(&admin),
        "/api/categories/A",
        json!({"name": " 企业开办专区 ", "items": ["SCJG-XK-001", "SCJG-QR-001", "SCJG-XK-001"]}),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v,
        json!({"prefix": "A", "name": "企业开办专区", "items": ["SCJG-XK-001", "SCJG-QR-001"]})
    );
    assert_eq!(category(s, "A").await, v);
    // The POST body as it is, prefix included, is accepted; fields left out stay.
    let (st, v) = put(
        s,
        Some(&admin),
        "/api/categories/A",
        json!({"prefix": "A", "name": "企业开办"}),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["items"], json!(["SCJG-XK-001", "SCJG-QR-001"]));
    let before = category(s, "A").await;

    // Bad input: 422 naming the field, in Chinese, and nothing changes.
    for (body, want) in [
        (json!({"name": ""}), "name"),
        (
            json!({"name": "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"}),
            "name",
        ),
        (json!({"items": ["NOPE-1"]}), "items"),
        (json!({"prefix": "B", "name": "改前缀"}), "prefix"),
    ] {
        let (st, v) = put(s, Some(&admin), "/api/categories/A", body.clone()).await;
        assert_eq!((st, field(&v)), (422, Some(want)), "{body} → {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{v}"
        );
    }
    let (st, v) = put(
        s,
        Some(&admin),
        "/api/categories/A",
        json!({"name": "不动产登记"}),
    )
    .await;
    assert_eq!(st, 409, "a name used by B: {v}");
    let (st, v) = put(s, Some(&admin), "/api/categories/A", json!({"colour": "red"})).await;
    assert_eq!(st, 422, "unknown field: {v}");
    assert_eq!(category(s, "A").await, before);

    let (st, v) = put(s, Some(&admin), "/api/categories/Z", json!({"name": "没有"})).await;
    assert_eq!((st, code(&v)), (404, Some("not_found")));
    let (st, _) = put(s, Some(&staff), "/api/categories/A", json!({"name": "窗口改的"})).await;
    assert_eq!(st, 403);
    let (st, _) = put(s, None, "/api/categories/A", json!({"name": "匿名改的"})).await;
    assert_eq!(st, 401);
    assert_eq!(category(s, "A").await, before);

    let log = s.app.audit_log(1, 50).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "queue.category.edit" && e.target == "A" && e.actor == "admin")
    );
}
on_both_backends!(edit_category);

async fn edit_window(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    let actor = app::Actor::cli();
    s.app
        .accounts
        .add_user(
            &actor,
            "zhaolei",
            "赵磊",
            domain::Role::Staff,
            None,
            app::demo::DEMO_PASSWORD,
        )
        .await
        .unwrap();

    let (st, v) = put(
        s,
        Some(&admin),
        "/api/windows/4",
        json!({"name": "4号综合窗口", "categories": ["C", "D"], "staff": ["zhaolei"], "temporary": true}),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (
            &v["name"],
            &v["categories"],
            &v["staff"],
            &v["temporary"],
            &v["status"]
        ),
        (
            &json!("4号综合窗口"),
            &json!(["C", "D"]),
            &json!(["zhaolei"]),
            &json!(true),
            &json!("open")
        )
    );
    assert_eq!(window(s, "4").await, v);
    // An empty name becomes the default one; the number may be repeated in the body.
    let (st, v) = put(
        s,
        Some(&admin),
        "/api/windows/4",
        json!({"number": "4", "name": "", "temporary": false}),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (&v["name"], &v["categories"], &v["temporary"]),
        (&json!("4号窗口"), &json!(["C", "D"]), &json!(false))
    );
    let before = window(s, "4").await;

    for (body, want) in [
        (json!({"categories": []}), "categories"),
        (json!({"categories": ["Z"]}), "categories"),
        (json!({"staff": ["leader"]}), "staff"),
        (json!({"staff": ["nobody"]}), "staff"),
        (json!({"number": "5", "name": "改号"}), "number"),
        (json!({"categories": "C"}), ""),
    ] {
        let (st, v) = put(s, Some(&admin), "/api/windows/4", body.clone()).await;
        assert_eq!(st, 422, "{body} → {v}");
        if !want.is_empty() {
            assert_eq!(field(&v), Some(want), "{body} → {v}");
        }
    }
    assert_eq!(window(s, "4").await, before);

    let (st, v) = put(s, Some(&admin), "/api/windows/99", json!({"categories": ["A"]})).await;
    assert_eq!((st, code(&v)), (404, Some("not_found")));
    let (st, _) = put(
        s,
        Some(&staff),
        "/api/windows/3",
        json!({"staff": ["staff", "zhaolei"]}),
    )
    .await;
    assert_eq!(st, 403);
    let supervisor = s.login("supervisor").await;
    let (st, _) = put(s, Some(&supervisor), "/api/windows/3", json!({"staff": []})).await;
    assert_eq!(st, 403);
    assert_eq!(window(s, "3").await["staff"], json!(["staff"]));
    let log = s.app.audit_log(1, 50).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "queue.window.edit" && e.target == "4")
    );
}
on_both_backends!(edit_window);

async fn new_staff_calls_at_once_and_removed_staff_cannot(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let actor = app::Actor::cli();
    s.app
        .accounts
        .add_user(
            &actor,
            "zhaolei",
            "赵磊",
            domain::Role::Staff,
            None,
            app::demo::DEMO_PASSWORD,
        )
        .await
        .unwrap();
    let staff = s.login("staff").await;
    let zhaolei = s.login("zhaolei").await;
    for _ in 0..2 {
        let (st, _) = send(s, "POST", None, "/api/tickets", json!({"category": "C"})).await;
        assert_eq!(st, 201);
    }
    // Before: window 3 is staff's, not zhaolei's (and the set-up is read and cached).
    let (st, _) = send(s, "POST", Some(&zhaolei), "/api/windows/3/call", json!({})).await;
    assert_eq!(st, 403);
    let (st, v) = send(s, "POST", Some(&staff), "/api/windows/3/call", json!({})).await;
    assert_eq!((st, v["ticket"]["number"].as_str()), (200, Some("C001")));

    let (st, v) = put(s, Some(&admin), "/api/windows/3", json!({"staff": ["zhaolei"]})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["categories"], json!(["A", "B", "C", "D"]), "categories stay");

    // At once, on this instance: the new one calls, the removed one is refused.
    let (st, v) = send(s, "POST", Some(&zhaolei), "/api/windows/3/call", json!({})).await;
    assert_eq!((st, v["ticket"]["number"].as_str()), (200, Some("C002")), "{v}");
    let (st, v) = send(s, "POST", Some(&staff), "/api/windows/3/call", json!({})).await;
    assert_eq!(st, 403, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("3号窗口"));

    // A window no longer serving C calls nobody from C.
    let (_, t) = send(s, "POST", None, "/api/tickets", json!({"category": "C"})).await;
    assert_eq!(t["number"], "C003");
    let (st, _) = put(s, Some(&admin), "/api/windows/3", json!({"categories": ["A"]})).await;
    assert_eq!(st, 200);
    let resp = s.req("POST", "/api/windows/3/call").token(&zhaolei).await;
    assert_eq!(resp.status, 204);
}
on_both_backends!(new_staff_calls_at_once_and_removed_staff_cannot);
