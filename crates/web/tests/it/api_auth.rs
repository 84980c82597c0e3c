//! Sign-in, roles, throttling, error shapes, operations endpoints.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, strs};
use serde_json::{Value, json};

async fn login_and_roles(s: &TestServer) {
    // Wrong password: 401 with the error shape.
    let resp = s
        .req("POST", "/api/auth/login")
        .json(&json!({"username": "admin", "password": "wrong-password"}))
        .await;
    assert_eq!(resp.status, 401);
    let body: Value = resp.json();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(body["error"]["message"].as_str().unwrap().contains("密码"));

    let token = s.login("admin").await;
    let me = s.req("GET", "/api/auth/me").token(&token).await;
    assert_eq!(me.status, 200);
    let me: Value = me.json();
    assert_eq!(me["role"], "admin");

    // No token, a bad token, the wrong role.
    let resp = s.req("GET", "/api/users").await;
    assert_eq!(resp.status, 401);
    let resp = s.req("GET", "/api/users").token("nonsense").await;
    assert_eq!(resp.status, 401);
    let staff = s.login("staff").await;
    let resp = s.req("GET", "/api/users").token(&staff).await;
    assert_eq!(resp.status, 403);
    let body: Value = resp.json();
    assert!(body["error"]["message"].as_str().unwrap().contains("管理员"));

    // An admin adds a user, who can then sign in; a duplicate is a conflict.
    let new_user = json!({"username": "zhangwei", "display_name": "张伟", "role": "supervisor", "password": "patrol-2026"});
    let resp = s.req("POST", "/api/users").token(&token).json(&new_user).await;
    assert_eq!(resp.status, 201);
    let resp = s.req("POST", "/api/users").token(&token).json(&new_user).await;
    assert_eq!(resp.status, 409);
    let resp = s
        .req("POST", "/api/auth/login")
        .json(&json!({"username": "zhangwei", "password": "patrol-2026"}))
        .await;
    assert_eq!(resp.status, 200);
    let bad_role = json!({"username": "x1", "role": "king", "password": "abcdefgh"});
    let resp = s.req("POST", "/api/users").token(&token).json(&bad_role).await;
    assert_eq!(resp.status, 422);
    let body: Value = resp.json();
    assert_eq!(body["error"]["field"], "role");

    // Logging out revokes the token.
    let resp = s.req("POST", "/api/auth/logout").token(&staff).await;
    assert_eq!(resp.status, 204);
    let resp = s.req("GET", "/api/auth/me").token(&staff).await;
    assert_eq!(resp.status, 401);

    // Every sign-in and change is in the audit log.
    let (status, audit) = {
        let r = s.req("GET", "/api/audit?per_page=100").token(&token).await;
        (r.status, r.json())
    };
    assert_eq!(status, 200);
    let actions: Vec<&str> = strs(&audit["entries"], "action");
    for a in ["login", "login_failed", "user.add", "logout"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}
on_both_backends!(login_and_roles);

async fn throttling(s: &TestServer) {
    for _ in 0..5 {
        let resp = s
            .req("POST", "/api/auth/login")
            .json(&json!({"username": "leader", "password": "guess-guess"}))
            .await;
        assert_eq!(resp.status, 401);
    }
    // Refused now from this address, even with the right password…
    let resp = s
        .req("POST", "/api/auth/login")
        .json(&json!({"username": "leader", "password": app::demo::DEMO_PASSWORD}))
        .await;
    assert_eq!(resp.status, 429);
    let body: Value = resp.json();
    assert!(body["error"]["message"].as_str().unwrap().contains("分钟"));
    // …but not locked for everyone: the leader signs in from another address.
    let elsewhere = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let resp = elsewhere
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": "leader", "password": app::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "the right password from 127.0.0.2 still works"
    );
    // Other accounts are unaffected from the first address.
    s.login("supervisor").await;
}
on_both_backends!(throttling);

async fn bad_requests_never_500(s: &TestServer) {
    let cases: Vec<(&str, &str, u16)> = vec![
        ("{not json", "application/json", 400),
        ("{\"username\": 5, \"password\": \"x\"}", "application/json", 422),
        ("{\"username\": \"a\"}", "application/json", 422),
        (
            "{\"username\": \"a\", \"password\": \"b\", \"extra\": 1}",
            "application/json",
            422,
        ),
        ("[]", "application/json", 422),
        ("username=a", "text/plain", 415),
    ];
    for (body, ctype, want) in cases {
        let resp = s
            .req("POST", "/api/auth/login")
            .header("content-type", ctype)
            .body(body.to_owned())
            .await;
        assert_eq!(resp.status, want, "{body}");
        let v: Value = resp.json();
        assert!(
            v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}: {v}"
        );
    }
    let resp = s
        .req("POST", "/api/auth/login")
        .json(&json!({"username": "a", "password": "b", "extra": 1}))
        .await;
    let v: Value = resp.json();
    assert_eq!(v["error"]["field"], "extra");
    let (status, v) = s.get_json("/api/no/such/route").await;
    assert_eq!(status, 404);
    assert_eq!(v["error"]["code"], "not_found");
}
on_both_backends!(bad_requests_never_500);

async fn operations(s: &TestServer) {
    let resp = s.req("GET", "/healthz").await;
    assert_eq!(resp.status, 200);
    let resp = s.req("GET", "/metrics").await;
    assert_eq!(resp.status, 200);
    let (status, doc) = s.get_json("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/auth/login",
        "/api/auth/logout",
        "/api/auth/me",
        "/api/items",
        "/api/items/{code}",
        "/api/bundles",
        "/api/bundles/{code}",
        "/api/departments",
        "/api/catalog/import",
        "/api/catalog/export",
        "/api/catalog/versions",
        "/api/catalog/versions/{id}/publish",
        "/api/calendar/deadline",
        "/api/calendar/days",
        "/api/calendar/import",
        "/api/users",
        "/api/audit",
        "/api/openapi.json",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
}
on_both_backends!(operations);

/// The route table in `web::api` and the OpenAPI document list the same paths.
#[test]
fn openapi_lists_exactly_the_api_routes() {
    let doc = web::openapi_document();
    let mut documented: Vec<String> = doc.paths.paths.keys().cloned().collect();
    documented.sort();
    let source = include_str!("../../src/api/mod.rs");
    let mut routed: Vec<String> = source
        .split(".route(")
        .skip(1)
        .filter_map(|s| s.trim_start().strip_prefix('"'))
        .filter_map(|s| s.split('"').next())
        .filter(|p| !p.contains("{*"))
        .map(str::to_owned)
        .collect();
    routed.sort();
    assert_eq!(documented, routed);
}
