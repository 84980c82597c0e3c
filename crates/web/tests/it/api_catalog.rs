//! The published catalog: search, filters, guides, import, export, versions.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use serde_json::{Value, json};

const CATALOG: &str = include_str!("../../../app/demo/catalog.json");
const BUNDLES: &str = include_str!("../../../app/demo/bundles.json");

async fn public_reads(s: &TestServer) {
    let (status, all) = s.get_json("/api/items?per_page=200").await;
    assert_eq!(status, 200);
    assert_eq!(all["total"], 151);
    assert_eq!(all["items"].as_array().unwrap().len(), 151);

    // Everyday words find the item.
    let (_, hits) = s.get_json("/api/items?q=%E5%BC%80%E9%A5%AD%E5%BA%97").await; // 开饭店
    assert_eq!(hits["items"][0]["code"], "SCJG-XK-001", "{hits}");
    assert_eq!(hits["items"][0]["name"], "食品经营许可");

    // Filters and paging.
    let (_, dept) = s.get_json("/api/items?department=SCJG&per_page=100").await;
    assert_eq!(dept["total"], 14);
    assert!(
        dept["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["department"] == "东海县市场监督管理局")
    );
    let (_, kind) = s
        .get_json("/api/items?kind=%E8%A1%8C%E6%94%BF%E8%A3%81%E5%86%B3")
        .await; // 行政裁决
    assert_eq!(kind["total"], 1);
    let (_, p2) = s.get_json("/api/items?page=2&per_page=10").await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 10);
    assert_eq!(p2["total"], 151);
    for bad in [
        "/api/items?page=0",
        "/api/items?per_page=100000",
        "/api/items?page=abc",
        "/api/items?department=NOPE",
        "/api/items?kind=x",
        "/api/items?foo=1",
    ] {
        let (status, v) = s.get_json(bad).await;
        assert!((400..500).contains(&status), "{bad}: {status}");
        assert!(v["error"]["message"].is_string(), "{bad}");
    }

    // One item has exactly the catalog.json fields and values, and the
    // guide's 五公开 fields: the hall's defaults where the catalog is silent.
    let reference: Vec<Value> = serde_json::from_str(CATALOG).unwrap();
    let (status, mut item) = s.get_json("/api/items/SCJG-XK-001").await;
    assert_eq!(status, 200);
    let guide = item.as_object_mut().unwrap();
    let hall = app::Settings::default();
    assert_eq!(guide.remove("location").unwrap(), hall.hall.address.as_str());
    assert_eq!(guide.remove("phone").unwrap(), hall.hall.phone.as_str());
    assert_eq!(guide.remove("complaint_phone").unwrap(), "12345");
    assert!(
        guide
            .remove("hours")
            .unwrap()
            .as_str()
            .unwrap()
            .starts_with("周一至周五 09:00-12:00")
    );
    assert_eq!(guide.remove("legal_basis").unwrap(), serde_json::json!([]));
    assert_eq!(guide.remove("steps").unwrap(), serde_json::json!([]));
    assert_eq!(guide.remove("attachments").unwrap(), serde_json::json!([]));
    assert_eq!(item, reference[0]);
    let (status, v) = s.get_json("/api/items/NOPE-1").await;
    assert_eq!(status, 404);
    assert!(v["error"]["message"].as_str().unwrap().contains("NOPE-1"));

    let (_, bundles) = s.get_json("/api/bundles").await;
    assert_eq!(bundles["total"], 11);
    let (status, b) = s.get_json("/api/bundles/YJS-001").await;
    assert_eq!(status, 200);
    assert_eq!(b["name"], "新生儿出生一件事");
    let (status, _) = s.get_json("/api/bundles/NOPE").await;
    assert_eq!(status, 404);
}
on_both_backends!(public_reads);

async fn import_rejects_bad_files_whole(s: &TestServer) {
    let admin = s.login("admin").await;
    let versions_before = s.app.catalog_versions().await.unwrap().len();
    let mut items: Vec<Value> = serde_json::from_str(CATALOG).unwrap();
    items[1]["promised_days"] = json!(99); // over statutory 20
    items[2]["handling"] = json!("即办件"); // with promised days ≠ 0
    items[3]["department"] = json!("东海县不存在局");
    items[4]["code"] = items[0]["code"].clone();
    let resp = s
        .upload(
            "/api/catalog/import?filename=bad.json",
            &admin,
            serde_json::to_vec(&items).unwrap(),
        )
        .await;
    assert_eq!(resp.status, 422);
    let body: Value = resp.json();
    let problems = body["error"]["problems"].as_array().unwrap();
    let rows: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["field"].as_str().unwrap()))
        .collect();
    assert!(rows.contains(&(2, "promised_days")), "{rows:?}");
    assert!(rows.contains(&(3, "promised_days")), "{rows:?}");
    assert!(rows.contains(&(4, "department")), "{rows:?}");
    assert!(rows.contains(&(5, "code")), "{rows:?}");
    // Nothing changed.
    assert_eq!(s.app.catalog_versions().await.unwrap().len(), versions_before);
    let (_, item) = s.get_json("/api/items/SCJG-XK-002").await;
    assert_eq!(item["promised_days"], 10);

    // Bundles naming a missing item.
    let bundles = json!([{"code": "YJS-X", "name": "测试", "description": "", "items": ["NOPE-9"], "promised_days": 3}]);
    let resp = s
        .req("POST", "/api/catalog/import")
        .token(&admin)
        .json(&bundles)
        .await;
    assert_eq!(resp.status, 422);
    let body: Value = resp.json();
    assert!(
        body["error"]["message"].as_str().unwrap().contains("NOPE-9"),
        "{body}"
    );

    // Garbage, and no permission.
    let resp = s.upload("/api/catalog/import", &admin, "not json at all").await;
    assert_eq!(resp.status, 422);
    let staff = s.login("staff").await;
    let resp = s.upload("/api/catalog/import", &staff, CATALOG).await;
    assert_eq!(resp.status, 403);
    let resp = s.upload("/api/catalog/import", "", CATALOG).await;
    assert_eq!(resp.status, 401);
    assert_eq!(s.app.catalog_versions().await.unwrap().len(), versions_before);
}
on_both_backends!(import_rejects_bad_files_whole);

async fn versions_publish_and_round_trip(s: &TestServer) {
    let admin = s.login("admin").await;
    // Export equals the reference files byte for byte.
    let exported = s.req("GET", "/api/catalog/export?format=json").await.text;
    assert_eq!(exported, CATALOG.trim_end());
    let exported = s
        .req("GET", "/api/catalog/export?format=json&part=bundles")
        .await
        .text;
    assert_eq!(exported, BUNDLES.trim_end());

    // An edit is a new version; the public sees it at once.
    let mut item: Value = s.get_json("/api/items/SCJG-XK-001").await.1;
    item["promised_days"] = json!(3);
    let resp = s
        .req("PUT", "/api/items/SCJG-XK-001")
        .token(&admin)
        .json(&item)
        .await;
    assert_eq!(resp.status, 200);
    let edited: Value = resp.json();
    assert_eq!(s.get_json("/api/items/SCJG-XK-001").await.1["promised_days"], 3);
    // A bad edit is refused and names the field.
    item["promised_days"] = json!(50);
    let resp = s
        .req("PUT", "/api/items/SCJG-XK-001")
        .token(&admin)
        .json(&item)
        .await;
    assert_eq!(resp.status, 422);
    let body: Value = resp.json();
    assert_eq!(body["error"]["field"], "promised_days");

    // XLSX export, re-imported as a draft, then published: back to the original.
    let xlsx = s.req("GET", "/api/catalog/export?format=xlsx").await.bytes;
    assert!(xlsx.starts_with(b"PK"));
    let original: Vec<Value> = serde_json::from_str(CATALOG).unwrap();
    let resp = s
        .req("POST", "/api/catalog/import?filename=catalog.json&publish=false")
        .token(&admin)
        .json(&original)
        .await;
    assert_eq!(resp.status, 201);
    let report: Value = resp.json();
    assert_eq!(report["changed"], json!(["SCJG-XK-001"]));
    let draft_id = report["version"]["id"].as_i64().unwrap();
    assert_eq!(
        s.get_json("/api/items/SCJG-XK-001").await.1["promised_days"],
        3,
        "a draft is not public"
    );
    let resp = s
        .req("POST", &format!("/api/catalog/versions/{draft_id}/publish"))
        .token(&admin)
        .await;
    assert_eq!(resp.status, 204);
    assert_eq!(s.get_json("/api/items/SCJG-XK-001").await.1["promised_days"], 5);
    let resp = s
        .upload("/api/catalog/import?filename=catalog.xlsx", &admin, xlsx.to_vec())
        .await;
    assert_eq!(resp.status, 201, "{}", resp.text);
    assert_eq!(s.get_json("/api/items/SCJG-XK-001").await.1["promised_days"], 3);

    // History is kept.
    let versions: Value = s.req("GET", "/api/catalog/versions").token(&admin).await.json();
    let ids: Vec<i64> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&edited["id"].as_i64().unwrap()));
    assert!(ids.len() >= 4);
    let resp = s
        .req("POST", "/api/catalog/versions/99999/publish")
        .token(&admin)
        .await;
    assert_eq!(resp.status, 404);
}
on_both_backends!(versions_publish_and_round_trip);
