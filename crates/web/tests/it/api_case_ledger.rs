//! 服务台账 over HTTP: work lists by urgency, overdue supervision, the ledger
//! with filters and paging, figures per department and item, the XLSX export
//! and who may see what.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, accept_case, field, strs};
use serde_json::{Value, json};

async fn get(s: &TestServer, token: &str, path: &str) -> (u16, Value) {
    s.req("GET", path).token(token).status_json().await
}

const HISTORY: &str = "number,item,accepted_on,completed_on,deadline\n\
OLD-1,HIST-A,2026-01-05,,2026-01-12\n\
OLD-2,HIST-A,2026-01-05,2026-01-09,2026-01-12\n\
OLD-3,HIST-B,2026-01-06,2026-01-30,2026-01-13\n";

const MARKET: &str = "东海县市场监督管理局";

async fn case_ledger(s: &TestServer) {
    let staff = s.login("staff").await;
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let supervisor = s.login("supervisor").await;
    let liaison = s.login("liaison").await;

    let a = accept_case(s, &staff, "SCJG-XK-001").await;
    let b = accept_case(s, &staff, "SCJG-XK-002").await;
    let c = accept_case(s, &staff, "GA-QR-007").await;
    let resp = s.upload("/api/cases/import", &admin, HISTORY).await;
    assert_eq!(resp.status, 201);

    // Work list of a department (its liaison): its open cases, earliest deadline first, with urgency.
    let market = urlencoding(MARKET);
    let (st, v) = get(
        s,
        &liaison,
        &format!("/api/cases?view=worklist&department={market}"),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let numbers: Vec<&str> = strs(&v["rows"], "number");
    assert_eq!(
        numbers,
        [a["number"].as_str().unwrap(), b["number"].as_str().unwrap()],
        "{v}"
    );
    assert_eq!(v["total"], 2);
    assert!(
        v["rows"][0]["urgency"]
            .as_str()
            .is_some_and(|u| ["normal", "amber", "red"].contains(&u))
    );
    assert!(v["rows"][0]["days_left"].is_i64());
    let (st, w) = get(s, &liaison, &format!("/api/cases/worklist?department={market}")).await;
    assert_eq!((st, &w["total"]), (200, &json!(2)));
    let (st, w) = get(s, &liaison, "/api/cases/worklist").await;
    assert_eq!(
        (st, &w["total"]),
        (200, &json!(2)),
        "a liaison's own department by default"
    );
    // Window staff do not read a department's list they do not belong to.
    let (st, _) = get(s, &staff, &format!("/api/cases/worklist?department={market}")).await;
    assert_eq!(st, 403);
    // …and of a window.
    let window = a["window"].as_str().unwrap().to_owned();
    if !window.is_empty() {
        let (st, v) = get(
            s,
            &staff,
            &format!("/api/cases/worklist?window={}", urlencoding(&window)),
        )
        .await;
        assert_eq!((st, v["total"].as_i64()), (200, Some(3)), "{v}");
    }
    // Staff assigned to no window (this hall has none set up) name one; the
    // ledger shows only what their windows handle or they accepted.
    let (st, v) = get(s, &staff, "/api/cases?view=worklist").await;
    assert_eq!((st, field(&v)), (422, Some("department")), "{v}");
    let (st, v) = get(s, &staff, "/api/cases").await;
    assert_eq!((st, v["total"].as_i64()), (200, Some(3)), "{v}");
    // A supervisor names a department or a window.
    let (st, v) = get(s, &supervisor, "/api/cases?view=worklist").await;
    assert_eq!((st, field(&v)), (422, Some("department")), "{v}");

    // Overdue: the open imported case past its deadline, nothing completed or in time.
    let (st, v) = get(s, &supervisor, "/api/cases/overdue").await;
    assert_eq!(st, 200, "{v}");
    let numbers: Vec<&str> = strs(&v["rows"], "number");
    assert_eq!(numbers, ["OLD-1"], "{v}");
    assert_eq!(v["rows"][0]["urgency"], "red");
    assert!(v["rows"][0]["days_left"].as_i64().unwrap() < 0);
    let (st, _) = get(s, &staff, "/api/cases/overdue").await;
    assert_eq!(st, 403);
    let (st, v) = get(s, &liaison, "/api/cases/overdue").await;
    assert_eq!(
        (st, v["total"].as_i64()),
        (200, Some(0)),
        "a liaison's own department"
    );
    let (st, v) = get(s, &liaison, &format!("/api/cases/overdue?department={market}")).await;
    assert_eq!((st, v["total"].as_i64()), (200, Some(0)));

    // The ledger: period, item, status, paging.
    let (st, v) = get(s, &admin, "/api/cases?from=2026-01-01&to=2026-01-31").await;
    assert_eq!((st, v["total"].as_i64()), (200, Some(3)), "{v}");
    let numbers: Vec<&str> = strs(&v["rows"], "number");
    assert_eq!(numbers, ["OLD-3", "OLD-2", "OLD-1"]);
    let (_, v) = get(s, &admin, "/api/cases?from=2026-01-01&to=2026-01-31&item=HIST-B").await;
    assert_eq!(v["total"], 1);
    let (_, v) = get(
        s,
        &admin,
        "/api/cases?from=2026-01-01&to=2026-01-31&status=completed",
    )
    .await;
    assert_eq!(v["total"], 2);
    let (_, v) = get(
        s,
        &admin,
        "/api/cases?from=2026-01-01&to=2026-01-31&status=%E5%B7%B2%E5%8A%9E%E7%BB%93",
    )
    .await;
    assert_eq!(v["total"], 2, "the Chinese label works too");
    let (_, v) = get(
        s,
        &admin,
        "/api/cases?from=2026-01-01&to=2026-01-31&page_size=1&page=2",
    )
    .await;
    assert_eq!(
        (v["pages"].as_i64(), v["rows"][0]["number"].as_str()),
        (Some(3), Some("OLD-2")),
        "{v}"
    );
    let (_, v) = get(s, &admin, "/api/cases").await;
    assert_eq!(v["total"], 6);
    let (_, v) = get(s, &staff, &format!("/api/cases?department={market}")).await;
    assert_eq!(v["total"], 2);
    let (st, v) = get(s, &admin, "/api/cases?status=nope").await;
    assert_eq!((st, field(&v)), (422, Some("status")));
    let (st, v) = get(s, &admin, "/api/cases?from=2026-13-01").await;
    assert_eq!((st, field(&v)), (422, Some("from")));

    // Figures per department and item.
    let year = &c["accepted_on"].as_str().unwrap()[..4];
    let (st, v) = get(
        s,
        &leader,
        &format!("/api/reports/cases/breakdown?from=2026-01-01&to={year}-12-31"),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let dept = |name: &str| {
        v["departments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["key"] == name)
            .cloned()
            .unwrap()
    };
    let m = dept(MARKET);
    assert_eq!(
        (m["accepted"].as_u64(), m["completed"].as_u64()),
        (Some(2), Some(0))
    );
    let old = dept("");
    assert_eq!(
        (
            old["accepted"].as_u64(),
            old["completed"].as_u64(),
            old["on_time"].as_u64(),
            old["overdue"].as_u64()
        ),
        (Some(3), Some(2), Some(1), Some(1)),
        "{old}"
    );
    assert_eq!(old["completion_rate"].as_f64(), Some(0.6667));
    assert_eq!(old["on_time_rate"].as_f64(), Some(0.5));
    assert_eq!(old["average_days"].as_f64(), Some(14.0));
    assert_eq!(v["total"]["accepted"].as_u64(), Some(6));
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "HIST-A")
        .unwrap();
    assert_eq!(
        (item["accepted"].as_u64(), item["overdue"].as_u64()),
        (Some(2), Some(1))
    );
    let (_, whole) = get(
        s,
        &leader,
        &format!("/api/reports/cases?from=2026-01-01&to={year}-12-31"),
    )
    .await;
    assert_eq!(
        whole["accepted"], v["total"]["accepted"],
        "the breakdown adds up to the report"
    );
    let (st, _) = get(s, &staff, "/api/reports/cases/breakdown?from=2026-01-01").await;
    assert_eq!(st, 403);

    // The XLSX export is a real workbook.
    let resp = s
        .req("GET", "/api/cases/export.xlsx?from=2026-01-01&to=2026-01-31")
        .token(&admin)
        .await;
    assert_eq!(resp.status, 200);
    assert!(
        resp.headers["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = resp.bytes;
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");
    let (st, _) = get(
        s,
        &liaison,
        &format!(
            "/api/cases/export.xlsx?department={}",
            urlencoding("东海县公安局")
        ),
    )
    .await;
    assert_eq!(st, 403, "another department's export");

    // `/api/cases/{id}` still answers beside the static routes; no token, no ledger.
    let (st, v) = get(s, &staff, &format!("/api/cases/{}", a["id"].as_str().unwrap())).await;
    assert_eq!((st, &v["number"]), (200, &a["number"]));
    let (st, _) = s.get_json("/api/cases").await;
    assert_eq!(st, 401);
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

on_both_backends!(case_ledger);
