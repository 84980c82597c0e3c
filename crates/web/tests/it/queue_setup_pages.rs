//! 排队设置 (/admin/queue): the lists, adding and editing categories and
//! windows through the forms, opening and pausing a window, CSRF and roles.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use crate::support::{csrf_of, page, session};

async fn submit(s: &TestServer, cookie: &str, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let a = s.submit(cookie, path, form).await;
    (a.status, a.location().unwrap_or_default(), a.text)
}

async fn lists_and_adds_a_window(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = session(s, "admin").await;
    let (_, dashboard) = page(s, &admin, "/admin").await;
    assert!(
        dashboard.contains("href=\"/admin/queue\""),
        "linked from the dashboard"
    );

    let (status, html) = page(s, &admin, "/admin/queue").await;
    assert_eq!(status, 200);
    for want in [
        "排队设置",
        "企业开办",
        "食品经营许可",
        "SCJG-XK-001",
        "3号窗口",
        "王芳",
        "服务中",
        "新增窗口",
        "新增业务类别",
        "东海县市场监督管理局",
    ] {
        assert!(html.contains(want), "/admin/queue lacks {want}");
    }
    let csrf = csrf_of(&html);

    // Without the CSRF secret: refused, nothing created.
    let (status, _, _) = submit(
        s,
        &admin,
        "/admin/queue/windows",
        &[("csrf", "forged"), ("number", "7"), ("categories", "A")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = submit(
        s,
        &admin,
        "/admin/queue/windows",
        &[("number", "7"), ("categories", "A")],
    )
    .await;
    assert!(status == 403 || status == 422, "no csrf field at all: {status}");
    assert!(s.app.store.window("7").await.is_err());

    // Bad input: the page again, 422, the field named in Chinese, what was typed kept.
    let (status, _, body) = submit(
        s,
        &admin,
        "/admin/queue/windows",
        &[("csrf", &csrf), ("number", "7"), ("name", "七号")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("办理业务：窗口至少办理一个业务类别"), "{body}");
    assert!(body.contains("value=\"七号\""));
    assert!(s.app.store.window("7").await.is_err());

    let (status, location, _) = submit(
        s,
        &admin,
        "/admin/queue/windows",
        &[
            ("csrf", &csrf),
            ("number", "7"),
            ("name", ""),
            ("categories", "A"),
            ("categories", "C"),
            ("staff", "staff"),
            ("temporary", "1"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/admin/queue?ok="), "{location}");
    let (_, html) = page(s, &admin, &location).await;
    assert!(html.contains("已新增7号窗口"));
    assert!(html.contains("id=\"window-7\""));
    assert!(html.contains("临时窗口"));
    let w = s.app.store.window("7").await.unwrap();
    assert_eq!(w.categories, ["A", "C"]);
    assert_eq!(w.staff, ["staff"]);
    assert!(w.temporary);

    // The same number again: shown on the page, not a server error.
    let (status, _, body) = submit(
        s,
        &admin,
        "/admin/queue/windows",
        &[("csrf", &csrf), ("number", "7"), ("categories", "A")],
    )
    .await;
    assert_eq!(status, 409);
    assert!(body.contains("已存在"));
}
on_both_backends!(lists_and_adds_a_window);

async fn edits_categories_and_windows(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = session(s, "admin").await;
    let (_, html) = page(s, &admin, "/admin/queue?window=3").await;
    assert!(html.contains("修改窗口 3"));
    assert!(html.contains("action=\"/admin/queue/windows/3\""));
    let csrf = csrf_of(&html);

    // A new category through the form, items from the catalog.
    let (status, _, _) = submit(
        s,
        &admin,
        "/admin/queue/categories",
        &[
            ("csrf", &csrf),
            ("prefix", "E"),
            ("name", "出入境"),
            ("items", "GA-XK-002"),
            ("items", "GA-XK-003"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, body) = submit(
        s,
        &admin,
        "/admin/queue/categories",
        &[("csrf", &csrf), ("prefix", "e1"), ("name", "小写")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("号票前缀"), "{body}");

    // Editing: the form is filled in, items ticked.
    let (status, html) = page(s, &admin, "/admin/queue?category=E").await;
    assert_eq!(status, 200);
    assert!(html.contains("修改业务类别 E"));
    assert!(html.contains("value=\"GA-XK-002\" checked"));
    assert!(html.contains("普通护照签发"));
    let (status, _, _) = submit(
        s,
        &admin,
        "/admin/queue/categories/E",
        &[("csrf", &csrf), ("name", "出入境证件"), ("items", "GA-XK-002")],
    )
    .await;
    assert_eq!(status, 303);
    let e = s.app.queue.categories().await.unwrap();
    let e = e.iter().find(|c| c.prefix == "E").unwrap();
    assert_eq!(
        (e.name.as_str(), e.items.clone()),
        ("出入境证件", vec!["GA-XK-002".to_owned()])
    );
    let (status, _, body) = submit(
        s,
        &admin,
        "/admin/queue/categories/E",
        &[("csrf", &csrf), ("name", "出入境证件"), ("items", "NOPE-9")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("覆盖事项"));
    let (status, _, _) = submit(
        s,
        &admin,
        "/admin/queue/categories/Q",
        &[("csrf", &csrf), ("name", "无")],
    )
    .await;
    assert_eq!(status, 404);

    // Window 3 gets category E and loses its staff.
    let (status, _, _) = submit(
        s,
        &admin,
        "/admin/queue/windows/3",
        &[
            ("csrf", &csrf),
            ("name", "3号综合窗口"),
            ("categories", "A"),
            ("categories", "E"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let w = s.app.store.window("3").await.unwrap();
    assert_eq!(
        (
            w.name.as_str(),
            w.categories.clone(),
            w.staff.is_empty(),
            w.temporary
        ),
        ("3号综合窗口", vec!["A".to_owned(), "E".to_owned()], true, false)
    );

    // Pausing needs a reason; then the list shows it.
    let (status, _, body) = submit(
        s,
        &admin,
        "/admin/queue/windows/3/status",
        &[("csrf", &csrf), ("status", "paused"), ("reason", "")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("暂停原因"));
    let (status, _, _) = submit(
        s,
        &admin,
        "/admin/queue/windows/3/status",
        &[("csrf", &csrf), ("status", "paused"), ("reason", "系统升级")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(s, &admin, "/admin/queue").await;
    assert!(html.contains("暂停服务") && html.contains("系统升级"));
    assert!(html.contains("恢复服务"), "a paused window offers to resume");
    let (status, _, _) = submit(
        s,
        &admin,
        "/admin/queue/windows/3/status",
        &[("csrf", &csrf), ("status", "closed")],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        s.app.store.window("3").await.unwrap().status,
        store::queue::WindowStatus::Closed
    );
}
on_both_backends!(edits_categories_and_windows);

async fn only_admins_change(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let resp = s.req("GET", "/admin/queue").await;
    assert_eq!(resp.status, 303);
    let staff = session(s, "staff").await;
    let (status, _) = page(s, &staff, "/admin/queue").await;
    assert_eq!(status, 403);
    let (_, dashboard) = page(s, &staff, "/admin").await;
    let (status, _, _) = submit(
        s,
        &staff,
        "/admin/queue/windows/3",
        &[
            ("csrf", &csrf_of(&dashboard)),
            ("categories", "A"),
            ("staff", "staff"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    let captain = session(s, "supervisor").await;
    let (status, html) = page(s, &captain, "/admin/queue").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("3号窗口") && !html.contains("新增窗口"),
        "a view without forms"
    );
    let (_, dashboard) = page(s, &captain, "/admin").await;
    let (status, _, _) = submit(
        s,
        &captain,
        "/admin/queue/windows/3/status",
        &[("csrf", &csrf_of(&dashboard)), ("status", "closed")],
    )
    .await;
    assert_eq!(status, 403);
    let w = s.app.store.window("3").await.unwrap();
    assert_eq!(w.status, store::queue::WindowStatus::Open);
    assert_eq!(w.categories, ["A", "B", "C", "D"]);
}
on_both_backends!(only_admins_change);
