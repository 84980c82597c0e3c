//! The management pages: sign-in guard, roles, CSRF, catalog and calendar uploads, accounts.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use crate::support::{csrf_of, page, session};
use reqwest::multipart::{Form, Part};

async fn guard_and_roles(s: &TestServer) {
    let resp = s.req("GET", "/admin/catalog").await;
    assert_eq!(resp.status, 303);
    assert_eq!(resp.headers["location"], "/login?next=/admin/catalog");
    let staff = session(s, "staff").await;
    let (status, body) = page(s, &staff, "/admin/catalog").await;
    assert_eq!(status, 403);
    assert!(body.contains("没有权限"));
    let (status, body) = page(s, &staff, "/admin").await;
    assert_eq!(status, 200);
    assert!(body.contains("窗口人员"));
    let admin = session(s, "admin").await;
    for (path, want) in [
        ("/admin", "系统状态"),
        ("/admin/catalog", "对外公布中"),
        ("/admin/calendar", "调休上班"),
        ("/admin/calendar?year=2026&from=2026-09-30&days=1", "2026-10-08"),
        ("/admin/calendar?from=2026-12-25&days=10", "2027"),
        ("/admin/users", "新增账号"),
        ("/admin/audit", "登录"),
    ] {
        let (status, body) = page(s, &admin, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(want), "{path} lacks {want}");
    }
}
on_both_backends!(guard_and_roles);

async fn forms_need_csrf_and_change_only_when_valid(s: &TestServer) {
    let admin = session(s, "admin").await;
    let (_, html) = page(s, &admin, "/admin/users").await;
    let csrf = csrf_of(&html);
    // Without the CSRF secret: refused, nothing created.
    let resp = s
        .req("POST", "/admin/users")
        .header("cookie", &admin)
        .plain_form(&[
            ("csrf", "forged"),
            ("username", "liuyang"),
            ("name", "刘洋"),
            ("role", "staff"),
            ("password", "window-2026"),
        ])
        .await;
    assert_eq!(resp.status, 403);
    assert!(s.app.store.user_by_username("liuyang").await.unwrap().is_none());
    let resp = s
        .req("POST", "/admin/users")
        .header("cookie", &admin)
        .plain_form(&[
            ("csrf", csrf.as_str()),
            ("username", "liuyang"),
            ("name", "刘洋"),
            ("role", "staff"),
            ("password", "window-2026"),
        ])
        .await;
    assert_eq!(resp.status, 303);
    assert!(s.app.store.user_by_username("liuyang").await.unwrap().is_some());

    // A bad catalog upload shows every problem and creates no version.
    let versions = s.app.catalog_versions().await.unwrap().len();
    let bad = r#"[{"code":"X-1","name":"测试","department":"东海县市场监督管理局","kind":"行政许可","handling":"即办件","statutory_days":20,"promised_days":5,"subject":"个人","materials":[],"fee":"不收费","online":"全程网办","max_visits":0,"keywords":[]}]"#;
    let form = Form::new().text("csrf", csrf.clone()).part(
        "files",
        Part::bytes(bad.as_bytes().to_vec()).file_name("bad.json"),
    );
    let resp = s
        .client
        .post(s.url("/admin/catalog/import"))
        .header("cookie", &admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body = resp.text().await.unwrap();
    assert!(
        body.contains("promised_days") && body.contains("即办件"),
        "problem table"
    );
    assert_eq!(s.app.catalog_versions().await.unwrap().len(), versions);

    // A new year through the calendar form.
    let mut tsv = String::new();
    for (d, w) in domain::calendar::weekend_template(2027) {
        tsv.push_str(&format!("{d}\t{}\n", u8::from(w)));
    }
    let form = Form::new()
        .text("csrf", csrf.clone())
        .part("file", Part::bytes(tsv.into_bytes()).file_name("2027.tsv"));
    let resp = s
        .client
        .post(s.url("/admin/calendar/import"))
        .header("cookie", &admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert!(s.app.calendar().await.unwrap().has_year(2027));
    let form = Form::new().text("csrf", csrf).part(
        "file",
        Part::bytes(b"2028-01-01\t1\n".to_vec()).file_name("part.tsv"),
    );
    let resp = s
        .client
        .post(s.url("/admin/calendar/import"))
        .header("cookie", &admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("2028"));
}
on_both_backends!(forms_need_csrf_and_change_only_when_valid);

async fn floor_view_and_temporary_window(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    for _ in 0..3 {
        s.req("POST", "/api/tickets")
            .json(&serde_json::json!({"category": "A"}))
            .await;
    }
    let captain = session(s, "supervisor").await;
    let (status, html) = page(s, &captain, "/admin/floor").await;
    assert_eq!(status, 200);
    assert!(html.contains("企业开办") && html.contains("开设临时窗口"));
    let resp = s
        .req("POST", "/admin/floor")
        .header("cookie", &captain)
        .plain_form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("number", "T1"),
            ("category", "A"),
            ("staff", "staff"),
        ])
        .await;
    assert_eq!(resp.status, 303);
    let token = s.login("leader").await;
    let floor: serde_json::Value = s.req("GET", "/api/floor").token(&token).await.json();
    assert_eq!(floor["waiting"], 3);
    assert_eq!(floor["categories"][0]["waiting"], 3);
    let t1 = floor["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["number"] == "T1")
        .unwrap()
        .clone();
    assert_eq!(t1["temporary"], true);
    let resp = s.req("GET", "/api/floor").await;
    assert_eq!(resp.status, 401);
}
on_both_backends!(floor_view_and_temporary_window);

async fn password_reset_ends_old_sessions(s: &TestServer) {
    let admin = session(s, "admin").await;
    let old = session(s, "leader").await;
    let (_, html) = page(s, &admin, "/admin/users").await;
    let resp = s
        .req("POST", "/admin/users/leader/password")
        .header("cookie", &admin)
        .plain_form(&[("csrf", csrf_of(&html).as_str()), ("password", "new-leader-pass")])
        .await;
    assert_eq!(resp.status, 303);
    let (status, _) = page(s, &old, "/admin").await;
    assert_eq!(status, 303, "the old session is gone");
    let resp = s
        .req("POST", "/api/auth/login")
        .json(&serde_json::json!({"username": "leader", "password": "new-leader-pass"}))
        .await;
    assert_eq!(resp.status, 200);
}
on_both_backends!(password_reset_ends_old_sessions);
