//! 窗口评价器 over HTTP: pairing with a one-time code, wrong codes refused and
//! limited, revoked pads shut out, and a pad that asks only about the ticket
//! just finished at its own window.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, field, strs};
use serde_json::{Value, json};

async fn post(s: &TestServer, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    s.req("POST", path).token(token).json(&body).status_json().await
}

async fn pad_state(s: &TestServer, pad: &str) -> (u16, Value) {
    let resp = s.req("GET", "/api/pad/state").header("X-Pad-Token", pad).await;
    let status = resp.status;
    (status, resp.json())
}

/// Creates a pad for `window` as admin and pairs it; answers its token.
async fn paired_pad(s: &TestServer, admin: &str, window: &str) -> String {
    let (st, v) = post(
        s,
        Some(admin),
        "/api/pads",
        json!({"window": window, "layout": "3"}),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = post(s, None, "/api/pad/pair", json!({"code": v["code"]})).await;
    assert_eq!(st, 200, "{v}");
    v["token"].as_str().unwrap().to_owned()
}

/// Takes a ticket in `category`, calls it at `window` as `caller` and finishes it.
async fn serve_one(s: &TestServer, caller: &str, window: &str, category: &str) -> (String, String) {
    let (st, t) = post(s, None, "/api/tickets", json!({"category": category})).await;
    assert_eq!(st, 201, "{t}");
    let (st, called) = post(s, Some(caller), &format!("/api/windows/{window}/call"), json!({})).await;
    assert_eq!(st, 200, "{called}");
    let id = t["id"].as_str().unwrap().to_owned();
    let (st, v) = post(s, Some(caller), &format!("/api/tickets/{id}/finish"), json!({})).await;
    assert!(st == 200 || st == 204, "{st} {v}");
    (id, t["number"].as_str().unwrap().to_owned())
}

async fn pairing_with_a_one_time_code(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;

    let (st, _) = post(
        s,
        Some(&staff),
        "/api/pads",
        json!({"window": "3", "layout": "3"}),
    )
    .await;
    assert_eq!(st, 403, "only the administrator pairs pads");
    let (st, v) = post(
        s,
        Some(&admin),
        "/api/pads",
        json!({"window": "3", "layout": "4"}),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("layout")));
    let (st, v) = post(
        s,
        Some(&admin),
        "/api/pads",
        json!({"window": "99", "layout": "3"}),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("window")));

    let (st, created) = post(
        s,
        Some(&admin),
        "/api/pads",
        json!({"window": "3", "layout": "3"}),
    )
    .await;
    assert_eq!(st, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    assert!(code.len() >= 10, "{code}");
    assert!(
        code.bytes()
            .all(|b| b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains(&b)),
        "{code}"
    );
    assert_eq!(created["status"], "待配对");

    // Nothing without a pad token: only "not paired".
    let (st, v) = s.get_json("/api/pad/state").await;
    assert_eq!((st, &v), (200, &json!({"paired": false})));
    let (st, v) = pad_state(s, "not-a-token").await;
    assert_eq!((st, &v), (200, &json!({"paired": false})));

    // A wrong code is refused, named and audit-logged.
    let (st, v) = post(s, None, "/api/pad/pair", json!({"code": "ABCDEFGHJKLM"})).await;
    assert_eq!((st, field(&v)), (422, Some("code")), "{v}");
    let (st, v) = post(s, None, "/api/pad/pair", json!({"code": ""})).await;
    assert_eq!((st, field(&v)), (422, Some("code")));
    let audit = s.app.audit_log(1, 50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "pad.pair_failed"), "{audit:?}");

    // The right code, typed in lower case with dashes, pairs once.
    let typed = created["code_display"].as_str().unwrap().to_lowercase();
    let resp = s.req("POST", "/api/pad/pair").json(&json!({"code": typed})).await;
    assert_eq!(resp.status, 200);
    let cookie = resp.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("govhall_pad=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let paired: Value = resp.json();
    assert_eq!(
        (paired["window"].as_str(), paired["layout"].as_str()),
        (Some("3"), Some("3"))
    );
    let token = paired["token"].as_str().unwrap().to_owned();
    let (st, _) = post(s, None, "/api/pad/pair", json!({"code": code})).await;
    assert_eq!(st, 422, "a code pairs one device only");

    // The token works as header and as cookie.
    let (st, state) = pad_state(s, &token).await;
    assert_eq!(st, 200, "{state}");
    assert_eq!(state["window"], "3");
    assert_eq!(state["layout"], "3");
    assert_eq!(state["pending"], Value::Null);
    let labels: Vec<&str> = strs(&state["buttons"], "label");
    assert_eq!(labels, ["满意", "基本满意", "不满意"]);
    assert!(
        state["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "等候时间长")
    );
    // 三亮: the staff listed at window 3 until someone calls there.
    assert_eq!(state["staff"]["name"], "王芳");
    let resp = s
        .req("GET", "/api/pad/state")
        .header("cookie", format!("govhall_pad={token}"))
        .await;
    assert_eq!(resp.status, 200);

    // The staff profile shows on the pad; a bad photo is refused by name.
    let payload = json!({"staff_number": "DH0301", "duties": "企业开办综合受理", "photo": "data:image/gif;base64,R0lGODlh"});
    let resp = s
        .req("PUT", "/api/staff-profiles/staff")
        .token(&admin)
        .json(&payload)
        .await;
    assert_eq!(resp.status, 422);
    let v: Value = resp.json();
    assert_eq!(v["error"]["field"], "photo");
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
    let resp = s
        .req("PUT", "/api/staff-profiles/staff")
        .token(&admin)
        .json(&json!({"staff_number": "DH0301", "duties": "企业开办综合受理", "photo": png}))
        .await;
    assert_eq!(resp.status, 200);
    let (_, state) = pad_state(s, &token).await;
    assert_eq!(state["staff"]["number"], "DH0301");
    assert_eq!(state["staff"]["duties"], "企业开办综合受理");
    // issue 16 part 5: the photo is served from its own table, typed by its bytes.
    let url = state["staff"]["photo"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/api/staff-profiles/staff/photo?v="), "{url}");
    let resp = s.req("GET", &url).await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.headers["content-type"], "image/png");
    assert!(resp.bytes.starts_with(b"\x89PNG"));

    // A revoked pad gets nothing, by header or cookie.
    let (st, list) = s
        .client
        .get(s.url("/api/pads"))
        .bearer_auth(&admin)
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(st, 200);
    let list: Value = list.json().await.unwrap();
    let id = list["pads"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list["pads"][0]["status"], "已配对");
    let (st, _) = post(s, Some(&staff), &format!("/api/pads/{id}/revoke"), json!({})).await;
    assert_eq!(st, 403);
    let (st, _) = post(s, Some(&admin), &format!("/api/pads/{id}/revoke"), json!({})).await;
    assert_eq!(st, 204);
    let (st, v) = pad_state(s, &token).await;
    assert_eq!(
        (st, v["paired"].as_bool()),
        (200, Some(false)),
        "a revoked pad is not paired"
    );
    let (st, _) = post(s, Some(&admin), "/api/pads/not-an-id/revoke", json!({})).await;
    assert_eq!(st, 404);

    // Wrong codes from one address are limited.
    let mut last = 0;
    for _ in 0..6 {
        last = post(s, None, "/api/pad/pair", json!({"code": "ZZZZZZZZZZZZ"}))
            .await
            .0;
    }
    assert_eq!(last, 429);
}
on_both_backends!(pairing_with_a_one_time_code);

async fn a_pad_asks_only_about_its_own_windows_ticket(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    let pad3 = paired_pad(s, &admin, "3").await;
    let pad4 = paired_pad(s, &admin, "4").await;

    // Window 4 (社保医保, category C) finishes a ticket; window 3 one of its own.
    let (id4, number4) = serve_one(s, &admin, "4", "C").await;
    let (id3, number3) = serve_one(s, &staff, "3", "A").await;

    let (st, state) = pad_state(s, &pad3).await;
    assert_eq!(st, 200);
    assert_eq!(
        state["pending"]["ticket_id"].as_str(),
        Some(id3.as_str()),
        "{state}"
    );
    assert_eq!(state["pending"]["number"].as_str(), Some(number3.as_str()));
    assert_eq!(state["staff"]["name"], "王芳", "whoever called at window 3");
    let (_, state) = pad_state(s, &pad4).await;
    assert_eq!(
        state["pending"]["ticket_id"].as_str(),
        Some(id4.as_str()),
        "{state}"
    );
    assert_eq!(state["pending"]["number"].as_str(), Some(number4.as_str()));
    assert_eq!(state["staff"]["name"], "系统管理员");

    let found = s.app.pads.ticket_awaiting_rating("3").await.unwrap().unwrap();
    assert_eq!(found.id.to_string(), id3);
    assert!(s.app.pads.ticket_awaiting_rating("5").await.unwrap().is_none());

    // Past the limit (default 3 minutes) nothing is pending any more.
    let old = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(4);
    match s.pg_url() {
        Some(url) => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query(
                "UPDATE tickets SET finished_at = now() - interval '4 minutes' WHERE window_number = '3'",
            )
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        }
        None => {
            let pool = sqlx::SqlitePool::connect(&s.database_url()).await.unwrap();
            sqlx::query("UPDATE tickets SET finished_at = $1 WHERE window_number = '3'")
                .bind(old.to_string())
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
    let (_, state) = pad_state(s, &pad3).await;
    assert_eq!(state["pending"], Value::Null, "{state}");
    let (_, state) = pad_state(s, &pad4).await;
    assert_eq!(state["pending"]["ticket_id"].as_str(), Some(id4.as_str()));
}
on_both_backends!(a_pad_asks_only_about_its_own_windows_ticket);

async fn admin_pads_page_shows_the_code_once(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let resp = s.req("GET", "/admin/pads").token(&admin).await;
    assert_eq!(resp.status, 200);
    let html = resp.text;
    assert!(html.contains("新增配对") && html.contains("亮身份"), "{html}");
    let resp = s
        .req("POST", "/admin/pads")
        .token(&admin)
        .plain_form(&[("csrf", ""), ("window", "3"), ("layout", "5")])
        .await;
    assert_eq!(resp.status, 201);
    let html = resp.text;
    let start = html.find("id=\"pairing-code\"").unwrap();
    let code: String = html[start..]
        .split('>')
        .nth(1)
        .unwrap()
        .chars()
        .take(14)
        .collect();
    let (st, v) = post(s, None, "/api/pad/pair", json!({"code": code})).await;
    assert_eq!((st, v["layout"].as_str()), (200, Some("5")), "{code} {v}");
    let photo = reqwest::multipart::Part::bytes(b"GIF89a-not-a-photo".to_vec()).file_name("x.gif");
    let form = reqwest::multipart::Form::new()
        .text("csrf", "")
        .text("staff_number", "DH0301")
        .text("duties", "综合受理")
        .part("photo", photo);
    let resp = s
        .client
        .post(s.url("/admin/pads/staff/staff"))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("照片应为JPEG、PNG或WebP图片"));
    let form = reqwest::multipart::Form::new()
        .text("csrf", "")
        .text("staff_number", "DH0301")
        .text("duties", "综合受理");
    let resp = s
        .client
        .post(s.url("/admin/pads/staff/staff"))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let saved = s.app.pads.staff_profile("staff").await.unwrap().unwrap();
    assert_eq!(
        (saved.staff_number.as_str(), saved.duties.as_str()),
        ("DH0301", "综合受理")
    );
    let resp = s.req("GET", "/pad").await;
    assert_eq!(resp.status, 200);
    let html = resp.text;
    assert!(html.contains("评价器配对") && html.contains("/assets/pad.js"));
    let resp = s.req("GET", "/assets/pad.js").await;
    assert_eq!(resp.status, 200);
}
on_both_backends!(admin_pads_page_shows_the_code_once);
