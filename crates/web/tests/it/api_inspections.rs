//! 督查 over HTTP: the checklist, recording with the deduction summed from
//! the failed items, field-named refusals (an unknown code names itself),
//! lists by window and the scoping of staff and liaisons, photos (checked by
//! content, a 3 MB one accepted on this route while others keep 1 MB), the
//! acknowledge/contest/decide flow, checklist editing with retired items
//! still readable, and 暗访 plans hidden from the inspected.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, field};
use serde_json::{Value, json};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A JPEG-looking body of `size` bytes (the magic bytes, then filler).
pub fn jpeg(size: usize) -> Vec<u8> {
    let mut body = vec![0x5Au8; size.max(4)];
    body[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    body
}

pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", base64(bytes))
}

async fn audit_count(s: &TestServer, action: &str) -> usize {
    s.app
        .audit_log(1, 500)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .count()
}

/// Every item passed but `failed`.
fn results(checklist: &Value, failed: &[&str]) -> Vec<Value> {
    checklist["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let code = i["code"].as_str().unwrap();
            let pass = !failed.contains(&code);
            json!({"code": code, "pass": pass, "note": if pass { "" } else { "现场发现" }})
        })
        .collect()
}

async fn inspections_contract(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let sup = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let liaison = s.login("liaison").await;
    let leader = s.login("leader").await;

    // A second clerk, and a window whose items are all one department's (the liaison's).
    let (status, v) = s
        .post(
            "/api/users",
            &admin,
            json!({"username": "staff2", "display_name": "刘洋", "role": "staff", "password": app::demo::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = s
        .post(
            "/api/categories",
            &admin,
            json!({"prefix": "S", "name": "市场监管", "items": ["SCJG-QR-004"]}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = s
        .post(
            "/api/windows",
            &admin,
            json!({"number": "8", "categories": ["S"], "staff": ["staff2"]}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let staff2 = s.login("staff2").await;

    // The checklist: at least the ten default items of the seeds, each with its deduction.
    let (status, checklist) = s.get("/api/inspection-checklist", &staff).await;
    assert_eq!(status, 200, "{checklist}");
    let items = checklist["items"].as_array().unwrap();
    assert!(items.len() >= 10, "{checklist}");
    for name in [
        "在岗在位",
        "工装上岗",
        "窗口6S",
        "首问负责",
        "一次性告知",
        "文明用语",
        "工作纪律",
        "设备完好",
    ] {
        assert!(items.iter().any(|i| i["name"] == name), "{name}");
    }
    assert!(
        items
            .iter()
            .all(|i| i["deduction"].as_f64().unwrap() > 0.0 && i["code"].is_string())
    );
    let (status, _) = s.get("/api/inspection-checklist", "").await;
    assert_eq!(status, 401);
    let deduction_of = |code: &str| {
        items.iter().find(|i| i["code"] == code).unwrap()["deduction"]
            .as_f64()
            .unwrap()
    };

    // Recording: the deduction is the failed items' sum.
    let body = json!({
        "kind": "routine", "window": "1", "staff": ["staff"],
        "results": results(&checklist, &["on_post", "gestures", "discipline"]),
        "photos": [data_url("image/jpeg", &jpeg(2048))]
    });
    let (status, created) = s.post("/api/inspections", &sup, body.clone()).await;
    assert_eq!(status, 201, "{created}");
    let expected = deduction_of("on_post") + deduction_of("gestures") + deduction_of("discipline");
    assert_eq!(created["deduction"].as_f64().unwrap(), expected);
    assert_eq!(created["status"], "pending");
    let first = created["id"].as_str().unwrap().to_owned();
    assert_eq!(audit_count(s, "inspection.record").await, 1);

    // Who may record: the inspected may not.
    for token in [&staff, &liaison, &leader] {
        let (status, _) = s.post("/api/inspections", token, body.clone()).await;
        assert_eq!(status, 403);
    }

    // Refusals name their field; an unknown code names itself.
    let mut unknown = body.clone();
    unknown["results"][2]["code"] = json!("smoking_area");
    let (status, v) = s.post("/api/inspections", &sup, unknown).await;
    assert_eq!((status, field(&v)), (422, Some("results[2].code")), "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("smoking_area"),
        "{v}"
    );
    for (key, value, name) in [
        ("window", json!("99"), "window"),
        ("window", json!(""), "window"),
        ("staff", json!(["nobody"]), "staff"),
        ("staff", json!([]), "staff"),
        ("kind", json!("daily"), "kind"),
        ("results", json!([]), "results"),
        (
            "photos",
            json!([data_url("image/jpeg", b"<svg onload=alert(1)>")]),
            "photos",
        ),
        ("photos", json!(["data:image/jpeg;base64,@@@"]), "photos"),
        ("photos", json!(["http://example.com/a.jpg"]), "photos"),
    ] {
        let mut b = body.clone();
        b[key] = value;
        let (status, v) = s.post("/api/inspections", &sup, b).await;
        assert_eq!((status, field(&v)), (422, Some(name)), "{key}: {v}");
    }
    let mut repeated = body.clone();
    repeated["results"] = json!([{"code": "badge", "pass": true}, {"code": "badge", "pass": false}]);
    let (status, v) = s.post("/api/inspections", &sup, repeated).await;
    assert_eq!((status, field(&v)), (422, Some("results[1].code")), "{v}");

    // A clean inspection of window 8 (the liaison's department), and one of window 2.
    let (status, clean) = s
        .post(
            "/api/inspections",
            &sup,
            json!({"kind": "patrol", "window": "8", "staff": ["staff2"], "results": results(&checklist, &[])}),
        )
        .await;
    assert_eq!(status, 201, "{clean}");
    assert_eq!(
        (clean["deduction"].as_f64(), clean["status"].as_str()),
        (Some(0.0), Some("clean"))
    );
    let (status, other) = s
        .post(
            "/api/inspections",
            &sup,
            json!({"kind": "unannounced", "window": "2", "staff": ["staff2", "staff"],
                   "results": [{"code": "uniform", "pass": false, "note": "未着工装"}]}),
        )
        .await;
    assert_eq!(status, 201, "{other}");
    assert_eq!(other["deduction"].as_f64().unwrap(), deduction_of("uniform"));

    // The list by window, newest first, with what the 督查科 needs.
    let (status, list) = s.get("/api/inspections?window=1", &sup).await;
    assert_eq!(status, 200, "{list}");
    let rows = list["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{list}");
    let row = &rows[0];
    assert_eq!(row["id"], first.as_str());
    assert_eq!(
        (row["kind"].as_str(), row["window"].as_str()),
        (Some("routine"), Some("1"))
    );
    assert_eq!(row["inspector"], "supervisor");
    assert_eq!(row["staff"], json!(["staff"]));
    assert_eq!(row["deduction"].as_f64().unwrap(), expected);
    assert_eq!(row["failed"].as_array().unwrap().len(), 3);
    assert_eq!(row["status"], "pending");
    assert!(row["at"].is_string() && row["department"].is_string());
    let (_, all) = s.get("/api/inspections", &sup).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    assert_eq!(all["items"][0]["id"], other["id"], "newest first");
    let today = s.app.today().to_string();
    let (_, by_day) = s
        .get(
            &format!("/api/inspections?from={today}&to={today}&staff=staff2"),
            &sup,
        )
        .await;
    assert_eq!(by_day["items"].as_array().unwrap().len(), 2, "{by_day}");
    let (status, v) = s.get("/api/inspections?from=2026-13-01", &sup).await;
    assert_eq!((status, field(&v)), (422, Some("from")), "{v}");

    // Scoping: staff see those naming them; a liaison its department's.
    let ids = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, mine) = s.get("/api/inspections", &staff).await;
    assert_eq!(ids(&mine), [other["id"].as_str().unwrap(), first.as_str()]);
    let (_, theirs) = s.get("/api/inspections?staff=staff2", &staff).await;
    assert!(ids(&theirs).iter().all(|id| id != clean["id"].as_str().unwrap()));
    let (_, dept) = s.get("/api/inspections", &liaison).await;
    assert_eq!(ids(&dept), [clean["id"].as_str().unwrap()], "{dept}");
    let (_, everything) = s.get("/api/inspections", &leader).await;
    assert_eq!(everything["items"].as_array().unwrap().len(), 3);
    let (status, _) = s.get(&format!("/api/inspections/{first}"), &staff2).await;
    assert_eq!(status, 403);
    let (status, _) = s.get(&format!("/api/inspections/{first}"), &liaison).await;
    assert_eq!(status, 403);

    // One inspection in full, and its photo as stored.
    let (status, detail) = s.get(&format!("/api/inspections/{first}"), &staff).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["results"].as_array().unwrap().len(), items.len());
    assert_eq!(detail["photos"][0]["content_type"], "image/jpeg");
    assert_eq!(detail["photos"][0]["size"], 2048);
    let photo = s
        .req("GET", &format!("/api/inspections/{first}/photos/1"))
        .token(&staff)
        .send()
        .await;
    assert_eq!(photo.status, 200);
    let (status, _) = s.get(&format!("/api/inspections/{first}/photos/2"), &staff).await;
    assert_eq!(status, 404);
    let (status, _) = s.get("/api/inspections/not-an-id", &sup).await;
    assert_eq!(status, 404);
    let (status, _) = s
        .get(&format!("/api/inspections/{}", uuid::Uuid::now_v7()), &sup)
        .await;
    assert_eq!(status, 404);

    // The staff answer: only those named, once.
    let path = |id: &str, step: &str| format!("/api/inspections/{id}/{step}");
    let (status, _) = s.post(&path(&first, "acknowledge"), &staff2, json!({})).await;
    assert_eq!(status, 403);
    let (status, _) = s.post(&path(&first, "acknowledge"), &sup, json!({})).await;
    assert_eq!(status, 403, "the 督查科 does not answer for the staff");
    let (status, v) = s
        .post(&path(&first, "contest"), &staff, json!({"reason": " "}))
        .await;
    assert_eq!((status, field(&v)), (422, Some("reason")), "{v}");
    let (status, v) = s
        .post(
            &path(&first, "contest"),
            &staff,
            json!({"reason": "当时在后台为群众复印材料，并非脱岗"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "contested");
    let (status, v) = s.post(&path(&first, "acknowledge"), &staff, json!({})).await;
    assert_eq!(status, 409, "{v}");
    let (status, _) = s
        .post(
            &path(clean["id"].as_str().unwrap(), "acknowledge"),
            &staff2,
            json!({}),
        )
        .await;
    assert_eq!(status, 409, "nothing to answer on a clean inspection");
    let other_id = other["id"].as_str().unwrap();
    let (status, v) = s.post(&path(other_id, "acknowledge"), &staff2, json!({})).await;
    assert_eq!((status, v["status"].as_str()), (200, Some("acknowledged")), "{v}");

    // The ruling: the 督查科 only, on a contest only; upheld cancels the deduction.
    let ruling = json!({"upheld": true, "note": "经调取监控核实，申辩成立"});
    let (status, _) = s.post(&path(&first, "decide"), &staff, ruling.clone()).await;
    assert_eq!(status, 403);
    let (status, v) = s
        .post(&path(&first, "decide"), &sup, json!({"upheld": true, "note": ""}))
        .await;
    assert_eq!((status, field(&v)), (422, Some("note")), "{v}");
    let (status, v) = s.post(&path(other_id, "decide"), &sup, ruling.clone()).await;
    assert_eq!(status, 409, "{v}");
    let (status, v) = s.post(&path(&first, "decide"), &sup, ruling.clone()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "upheld");
    assert_eq!(v["deduction"].as_f64(), Some(0.0));
    let (status, _) = s.post(&path(&first, "decide"), &sup, ruling).await;
    assert_eq!(status, 409);
    let (_, list) = s.get("/api/inspections?window=1", &sup).await;
    let row = &list["items"][0];
    assert_eq!(row["deduction"].as_f64(), Some(0.0));
    assert_eq!(row["recorded_deduction"].as_f64(), Some(expected));
    assert!(
        row["deduction_note"].as_str().unwrap().contains("申辩成立"),
        "{row}"
    );
    for action in [
        "inspection.contest",
        "inspection.acknowledge",
        "inspection.decide",
    ] {
        assert_eq!(audit_count(s, action).await, 1, "{action}");
    }

    // The checklist, edited by the administrator; retired items stay readable on old inspections.
    let (status, _) = s
        .post(
            "/api/inspection-checklist",
            &sup,
            json!({"code": "smoking", "name": "禁止吸烟", "deduction": 1}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, v) = s
        .post(
            "/api/inspection-checklist",
            &admin,
            json!({"code": "smoking", "name": "禁止吸烟", "standard": "工作区域不吸烟", "deduction": 1.5}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = s
        .post(
            "/api/inspection-checklist",
            &admin,
            json!({"code": "smoking", "name": "吸烟", "deduction": 1}),
        )
        .await;
    assert_eq!(status, 409, "{v}");
    for (b, name) in [
        (json!({"code": "Bad Code", "name": "x", "deduction": 1}), "code"),
        (json!({"code": "ok", "name": "", "deduction": 1}), "name"),
        (json!({"code": "ok", "name": "x", "deduction": 0}), "deduction"),
        (json!({"code": "ok", "name": "x", "deduction": 25}), "deduction"),
    ] {
        let (status, v) = s.post("/api/inspection-checklist", &admin, b).await;
        assert_eq!((status, field(&v)), (422, Some(name)), "{v}");
    }
    let (status, v) = s
        .put(
            "/api/inspection-checklist/uniform",
            &admin,
            json!({"name": "着装规范", "deduction": 1.5, "retired": true}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (status, _) = s
        .put(
            "/api/inspection-checklist/nothing",
            &admin,
            json!({"name": "x", "deduction": 1}),
        )
        .await;
    assert_eq!(status, 404);
    let (_, now) = s.get("/api/inspection-checklist", &sup).await;
    let codes: Vec<&str> = now["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"smoking") && !codes.contains(&"uniform"),
        "{codes:?}"
    );
    let (_, full) = s.get("/api/inspection-checklist/all", &admin).await;
    assert!(
        full["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "uniform" && i["retired"] == true)
    );
    // A retired item can no longer be recorded, but the old inspection still shows it as it was.
    let (status, v) = s
        .post(
            "/api/inspections",
            &sup,
            json!({"kind": "routine", "window": "2", "staff": ["staff"], "results": [{"code": "uniform", "pass": false}]}),
        )
        .await;
    assert_eq!((status, field(&v)), (422, Some("results[0].code")), "{v}");
    let (_, old) = s.get(&format!("/api/inspections/{other_id}"), &sup).await;
    assert_eq!(old["results"][0]["name"], "工装上岗");
    assert_eq!(old["deduction"].as_f64().unwrap(), deduction_of("uniform"));
}

on_both_backends!(inspections_contract);

/// Tablet photos: this route takes a 3 MB photo while every other route
/// still refuses a body over 1 MB; more than six photos, or one over 8 MB,
/// are refused naming `photos`.
async fn inspection_photos_and_body_limits(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let sup = s.login("supervisor").await;
    let (_, checklist) = s.get("/api/inspection-checklist", &sup).await;
    let big = jpeg(3 * 1024 * 1024);
    let body = json!({
        "kind": "patrol", "window": "3", "staff": ["staff"],
        "results": results(&checklist, &["six_s"]),
        "photos": [data_url("image/jpeg", &big), data_url("image/png", &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])]
    });
    let (status, created) = s.post("/api/inspections", &sup, body).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let photo = s
        .req("GET", &format!("/api/inspections/{id}/photos/1"))
        .token(&sup)
        .response()
        .await;
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    assert_eq!(photo.bytes().await.unwrap().len(), big.len());
    let png = s
        .req("GET", &format!("/api/inspections/{id}/photos/2"))
        .token(&sup)
        .response()
        .await;
    assert_eq!(png.headers()["content-type"], "image/png");

    // Other routes keep the 1 MB limit.
    let (status, v) = s
        .post(
            "/api/inspection-plans",
            &sup,
            json!({"from": "2030-01-01", "to": "2030-01-02", "visits": 1, "padding": "x".repeat(2 * 1024 * 1024)}),
        )
        .await;
    assert_eq!(status, 413, "{v}");

    let small = data_url("image/jpeg", &jpeg(100));
    let (status, v) = s
        .post(
            "/api/inspections",
            &sup,
            json!({"kind": "patrol", "window": "3", "staff": ["staff"], "results": results(&checklist, &[]),
                   "photos": vec![small; 7]}),
        )
        .await;
    assert_eq!((status, field(&v)), (422, Some("photos")), "{v}");
    let (status, v) = s
        .post(
            "/api/inspections",
            &sup,
            json!({"kind": "patrol", "window": "3", "staff": ["staff"], "results": results(&checklist, &[]),
                   "photos": [data_url("image/jpeg", &jpeg(8 * 1024 * 1024 + 10))]}),
        )
        .await;
    assert!(
        (status == 422 && field(&v) == Some("photos")) || status == 413,
        "{status} {v}"
    );
}

on_both_backends!(inspection_photos_and_body_limits);

/// 暗访 plans: drawn on working days within opening hours at the chosen
/// windows, listed for the 督查科 only; an unannounced inspection carries out
/// one visit, once.
async fn unannounced_plans(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let sup = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let liaison = s.login("liaison").await;
    let from = s.app.today().tomorrow().unwrap();
    let to = from.checked_add(jiff::Span::new().days(20)).unwrap();
    let (status, plan) = s
        .post(
            "/api/inspection-plans",
            &sup,
            json!({"from": from.to_string(), "to": to.to_string(), "visits": 6, "windows": ["1", "4"]}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let visits = plan["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 6);
    let calendar = s.app.calendar().await.unwrap();
    for v in visits {
        assert!(["1", "4"].contains(&v["window"].as_str().unwrap()), "{v}");
        let date: jiff::civil::Date = v["date"].as_str().unwrap().parse().unwrap();
        assert!(date >= from && date <= to, "{v}");
        assert!(calendar.is_workday(date).unwrap(), "{v}");
        let time = v["time"].as_str().unwrap();
        assert!(
            ("09:00".."12:00").contains(&time) || ("13:30".."17:30").contains(&time),
            "{v}"
        );
    }
    for token in [&staff, &liaison] {
        let (status, _) = s.get("/api/inspection-plans", token).await;
        assert_eq!(status, 403);
        let (status, _) = s
            .post(
                "/api/inspection-plans",
                token,
                json!({"from": from.to_string(), "to": to.to_string(), "visits": 1}),
            )
            .await;
        assert_eq!(status, 403);
    }
    let (status, list) = s.get("/api/inspection-plans", &sup).await;
    assert_eq!(status, 200);
    assert_eq!(list["plans"][0]["id"], plan["id"]);
    for (b, name) in [
        (
            json!({"from": "2020-01-01", "to": to.to_string(), "visits": 1}),
            "from",
        ),
        (
            json!({"from": to.to_string(), "to": from.to_string(), "visits": 1}),
            "to",
        ),
        (
            json!({"from": from.to_string(), "to": to.to_string(), "visits": 0}),
            "visits",
        ),
        (
            json!({"from": from.to_string(), "to": to.to_string(), "visits": 1, "windows": ["99"]}),
            "windows",
        ),
    ] {
        let (status, v) = s.post("/api/inspection-plans", &sup, b).await;
        assert_eq!((status, field(&v)), (422, Some(name)), "{v}");
    }

    let (_, checklist) = s.get("/api/inspection-checklist", &sup).await;
    let visit = visits[0]["id"].as_str().unwrap();
    let body = json!({"kind": "unannounced", "window": visits[0]["window"], "staff": ["staff"],
        "results": results(&checklist, &["courtesy"]), "plan_visit": visit});
    let (status, v) = s.post("/api/inspections", &sup, body.clone()).await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = s.post("/api/inspections", &sup, body.clone()).await;
    assert_eq!(status, 409, "{v}");
    let mut routine = body.clone();
    routine["kind"] = json!("routine");
    let (status, v) = s.post("/api/inspections", &sup, routine).await;
    assert_eq!((status, field(&v)), (422, Some("plan_visit")), "{v}");
    let (_, list) = s.get("/api/inspection-plans", &sup).await;
    assert!(
        list["plans"][0]["visits"][0]["inspection_id"].is_string(),
        "{list}"
    );
    assert_eq!(audit_count(s, "inspection.plan").await, 1);
}

on_both_backends!(unannounced_plans);

/// The pages without the script: the inspector's form posts and redirects;
/// the staff member contests on their page; the 督查科 rules on its page;
/// the administrator adds and retires checklist items; each page refuses
/// those without the right.
async fn inspection_pages(s: &TestServer) {
    use crate::support::{csrf_of, page, session};
    s.app.seed_demo_floor().await.unwrap();
    let sup = s.login("supervisor").await;
    let sup_page = session(s, "supervisor").await;
    let staff_page = session(s, "staff").await;
    let admin_page = session(s, "admin").await;

    for (cookie, path) in [
        (&staff_page, "/supervise"),
        (&staff_page, "/admin/inspections"),
        (&staff_page, "/admin/inspection-checklist"),
        (&sup_page, "/admin/inspection-checklist"),
    ] {
        assert_eq!(page(s, cookie, path).await.0, 403, "{path}");
    }

    // The form as posted without the script (no photos).
    let (status, html) = page(s, &sup_page, "/supervise?window=2").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("在岗在位") && html.contains("capture=\"environment\""),
        "{html}"
    );
    assert!(
        html.contains("value=\"2\" data-staff=\"staff\" selected"),
        "window 2 chosen, its staff pre-filled"
    );
    let csrf = csrf_of(&html);
    let answer = s
        .submit(
            &sup_page,
            "/supervise",
            &[
                ("csrf", &csrf),
                ("window", "2"),
                ("staff", "staff"),
                ("kind", "routine"),
                ("r_uniform", "fail"),
                ("n_uniform", "未穿工装"),
                ("r_badge", "pass"),
                ("n_badge", ""),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.text);
    assert!(answer.location().unwrap().starts_with("/supervise?ok="));
    let (_, list) = s.get("/api/inspections?window=2", &sup).await;
    let row = &list["items"][0];
    assert_eq!(row["failed"][0]["code"], "uniform", "{list}");
    assert_eq!(row["failed"][0]["note"], "未穿工装");
    let id = row["id"].as_str().unwrap().to_owned();
    let (_, html) = page(s, &sup_page, "/supervise").await;
    assert!(html.contains("工装上岗（-"), "today's list shows it");
    let refused = s
        .submit(
            &sup_page,
            "/supervise",
            &[
                ("csrf", &csrf),
                ("window", "99"),
                ("staff", "staff"),
                ("kind", "routine"),
                ("r_badge", "pass"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("没有99号窗口"), "{}", refused.text);

    // The staff member contests on their page.
    let (status, html) = page(s, &staff_page, "/my/inspections").await;
    assert_eq!(status, 200);
    assert!(html.contains("未穿工装") && html.contains("申辩"), "{html}");
    let csrf = csrf_of(&html);
    let empty = s
        .submit(
            &staff_page,
            &format!("/my/inspections/{id}/contest"),
            &[("csrf", &csrf), ("reason", "")],
        )
        .await;
    assert_eq!(empty.status, 422);
    let answer = s
        .submit(
            &staff_page,
            &format!("/my/inspections/{id}/contest"),
            &[("csrf", &csrf), ("reason", "当天工装送洗，已报备")],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.text);

    // The 督查科 rules on its page.
    let (status, html) = page(s, &sup_page, "/admin/inspections").await;
    assert_eq!(status, 200);
    assert!(html.contains("当天工装送洗，已报备"), "{html}");
    let csrf = csrf_of(&html);
    let answer = s
        .submit(
            &sup_page,
            &format!("/admin/inspections/{id}/decide"),
            &[
                ("csrf", &csrf),
                ("upheld", "no"),
                ("note", "未见报备记录，维持扣分"),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.text);
    let (_, v) = s.get(&format!("/api/inspections/{id}"), &sup).await;
    assert_eq!(v["status"], "rejected");
    assert!(v["deduction"].as_f64().unwrap() > 0.0);

    // The administrator adds an item, then retires it.
    let (status, html) = page(s, &admin_page, "/admin/inspection-checklist").await;
    assert_eq!(status, 200);
    assert!(html.contains("一次性告知"));
    let csrf = csrf_of(&html);
    let added = s
        .submit(
            &admin_page,
            "/admin/inspection-checklist",
            &[
                ("csrf", &csrf),
                ("code", "smoking"),
                ("name", "禁止吸烟"),
                ("standard", ""),
                ("deduction", "1.5"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.text);
    let bad = s
        .submit(
            &admin_page,
            "/admin/inspection-checklist",
            &[
                ("csrf", &csrf),
                ("code", "x"),
                ("name", "某项"),
                ("deduction", "很多"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    let retired = s
        .submit(
            &admin_page,
            "/admin/inspection-checklist/smoking",
            &[
                ("csrf", &csrf),
                ("name", "禁止吸烟"),
                ("deduction", "1.5"),
                ("retired", "on"),
            ],
        )
        .await;
    assert_eq!(retired.status, 303, "{}", retired.text);
    let (_, full) = s
        .get("/api/inspection-checklist/all", &s.login("admin").await)
        .await;
    assert!(
        full["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "smoking" && i["retired"] == true)
    );
    assert_eq!(audit_count(s, "inspection.checklist_edit").await, 1);
}

on_both_backends!(inspection_pages);
