//! One rectification model: a failed inspection item opens a rectification
//! in the same list and loop as a 差评's and a substantiated complaint's,
//! once per item, never for a passed item.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, code, field};
use serde_json::{Value, json};

async fn inspection_items_are_rectified_in_the_one_loop(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let sup = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let (_, checklist) = s.get("/api/inspection-checklist", &sup).await;
    let results: Vec<Value> = checklist["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let code = i["code"].as_str().unwrap();
            json!({"code": code, "pass": code != "uniform", "note": if code == "uniform" { "未穿工装" } else { "" }})
        })
        .collect();
    let (st, created) = s
        .post(
            "/api/inspections",
            &sup,
            json!({"kind": "patrol", "window": "2", "staff": ["staff"], "results": results}),
        )
        .await;
    assert_eq!(st, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/inspections/{id}/rectify");

    // The inspected cannot open (or dodge) it; a passed item needs none.
    let (st, _) = s.post(&path, &staff, json!({"code": "uniform"})).await;
    assert_eq!(st, 403);
    let (st, e) = s.post(&path, &sup, json!({"code": "badge"})).await;
    assert_eq!((st, field(&e)), (422, Some("code")), "{e}");
    let (st, e) = s.post(&path, &sup, json!({"code": "nothing"})).await;
    assert_eq!((st, field(&e)), (422, Some("code")), "{e}");

    let (st, r) = s
        .post(
            &path,
            &sup,
            json!({"code": "uniform", "note": "当天整改，次日复查"}),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["source"], "inspection");
    assert_eq!(r["inspection_id"], id);
    assert_eq!(r["inspection_item"], "uniform");
    assert_eq!(r["window"], "2");
    assert_eq!(r["status"], "open");
    let (st, e) = s.post(&path, &sup, json!({"code": "uniform"})).await;
    assert_eq!((st, code(&e)), (409, Some("already_exists")), "{e}");

    // In the one list, worked like any rectification.
    let (_, open) = s.get("/api/rectifications?status=open", &sup).await;
    let mine: Vec<&Value> = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["inspection_id"] == id)
        .collect();
    assert_eq!(mine.len(), 1, "{open}");
    assert_eq!(mine[0]["reasons"][0], "工装上岗");
    let rid = mine[0]["id"].as_str().unwrap();
    let (st, v) = s
        .post(
            &format!("/api/rectifications/{rid}/verify"),
            &sup,
            json!({"note": "已核实"}),
        )
        .await;
    assert_eq!((st, v["status"].as_str()), (200, Some("verified")), "{v}");
}

on_both_backends!(inspection_items_are_rectified_in_the_one_loop);
