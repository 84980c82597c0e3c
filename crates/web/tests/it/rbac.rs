//! The role matrix: every operation of the generated OpenAPI document, called
//! anonymously and as each role. Without a token a non-public operation is
//! 401, with a role not in its `x-roles` 403, whatever the parameters; a listed
//! role is let through (the administrator everywhere), and nothing answers 5xx.
//! Operations added later are covered without a new test.

use crate::support::{Backend, TestServer};
use serde_json::Value;

const ROLES: [&str; 5] = ["admin", "staff", "supervisor", "leader", "liaison"];

/// A value for a path parameter that names nothing.
fn fill(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}').unwrap();
        let name = &rest[start + 1..end];
        out.push_str(match name {
            "id" => "0190a0b0-0000-7000-8000-000000000000",
            "code" => "NOPE-000",
            "prefix" => "Z",
            "number" => "99",
            "username" => "nobody",
            "step" => "verify",
            _ => "x",
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_checks_the_caller_first() {
    let s = TestServer::start(Backend::Sqlite).await;
    let mut tokens = Vec::new();
    for r in ROLES {
        tokens.push((r, s.login(r).await));
    }
    let doc = serde_json::to_value(web::openapi_document()).unwrap();
    let mut checked = 0;
    let mut operations = 0;
    let mut unexpected = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            let roles: Vec<&str> = op["x-roles"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} has no x-roles"))
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            operations += 1;
            let public = roles.contains(&"public");
            if !public {
                assert!(op["security"].is_array(), "{method} {path}: security missing");
            }
            let url = s.url(&fill(path));
            let mut callers: Vec<(&str, Option<String>)> = vec![("anonymous", None)];
            for (r, t) in &tokens {
                let token = if path == "/api/auth/logout" && roles.contains(r) {
                    // Signing out ends the token: use a fresh one.
                    s.login(r).await
                } else {
                    t.clone()
                };
                callers.push((r, Some(token)));
            }
            for (who, token) in callers {
                let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let mut req = s.client.request(m.clone(), &url);
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                if m == reqwest::Method::POST || m == reqwest::Method::PUT {
                    req = req.header("content-type", "application/json").body("{}");
                }
                let resp = req.send().await.unwrap();
                let status = resp.status().as_u16();
                drop(resp);
                checked += 1;
                let listed = public || roles.contains(&who);
                let ok = if status >= 500 {
                    false
                } else if who == "anonymous" && !public {
                    status == 401
                } else if !listed {
                    status == 403
                } else if who == "admin" {
                    status != 401 && status != 403
                } else {
                    status != 401
                };
                if !ok {
                    unexpected.push(format!(
                        "{} {path} as {who}: {status} (x-roles {roles:?})",
                        method.to_uppercase()
                    ));
                }
            }
        }
    }
    eprintln!(
        "role matrix: {operations} operations × 6 callers = {checked} calls, {} unexpected",
        unexpected.len()
    );
    assert!(checked > 500, "only {checked} calls");
    assert!(
        unexpected.is_empty(),
        "{} unexpected answers:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    s.stop().await;
}

/// The access table, the router and the document agree: every routed API
/// operation is documented and has an access rule.
#[test]
fn the_access_table_covers_the_document() {
    let doc = serde_json::to_value(web::openapi_document()).unwrap();
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let _: &Value = op;
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    let table: Vec<(String, String)> = web::api_operations()
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    for op in &table {
        assert!(documented.contains(op), "{op:?} is routed but not documented");
    }
    for op in &documented {
        assert!(table.contains(op), "{op:?} is documented but has no access rule");
    }
}
