//! The portal and sign-in pages over HTTP.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};

async fn text(s: &TestServer, path: &str) -> (u16, String) {
    let a = s.req("GET", path).send().await;
    (a.status, a.text)
}

async fn portal_pages(s: &TestServer) {
    let (status, home) = text(s, "/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains("您要办什么事")
            && home.contains("新生儿出生一件事")
            && home.contains("东海县市场监督管理局")
    );
    assert!(home.contains("lang=\"zh-CN\""));

    let (status, found) = text(s, "/search?q=%E5%BC%80%E9%A5%AD%E5%BA%97").await;
    assert_eq!(status, 200);
    assert!(found.contains("食品经营许可"));
    let (status, none) = text(s, "/search?q=%E7%81%AB%E7%AE%AD").await; // 火箭
    assert_eq!(status, 200);
    assert!(none.contains("没有找到"));

    let (status, guide) = text(s, "/items/SCJG-XK-001").await;
    assert_eq!(status, 200);
    for want in [
        "办事指南",
        "食品经营许可申请书",
        "原件",
        "可共享免提交",
        "法定办结时限",
        "20个工作日",
        "承诺办结时限",
        "不收费",
        "全程网办",
        "最多跑动次数",
        "data-print",
    ] {
        assert!(guide.contains(want), "guide lacks {want}");
    }
    let (status, dept) = text(s, "/departments/SCJG").await;
    assert_eq!(status, 200);
    assert!(dept.contains("食品生产许可"));
    let (status, bundle) = text(s, "/bundles/YJS-002").await;
    assert_eq!(status, 200);
    assert!(bundle.contains("开办餐饮店一件事") && bundle.contains("营业执照"));
    for missing in ["/items/NOPE", "/departments/NOPE", "/bundles/NOPE"] {
        let (status, page) = text(s, missing).await;
        assert_eq!(status, 404, "{missing}");
        assert!(page.contains("没有找到"));
    }
    let resp = s.req("GET", "/assets/site.css").await;
    assert_eq!(resp.status, 200);
    assert!(resp.text.contains("@media print"));
}
on_both_backends!(portal_pages);

async fn form_login_sets_a_strict_cookie(s: &TestServer) {
    let resp = s
        .req("POST", "/login")
        .plain_form(&[
            ("username", "admin"),
            ("password", "wrong-password"),
            ("next", "/admin"),
        ])
        .await;
    assert_eq!(resp.status, 401);
    assert!(resp.text.contains("用户名或密码错误"));
    let resp = s
        .req("POST", "/login")
        .plain_form(&[
            ("username", "admin"),
            ("password", app::demo::DEMO_PASSWORD),
            ("next", "//evil.example"),
        ])
        .await;
    assert_eq!(resp.status, 303);
    assert_eq!(resp.headers["location"], "/admin", "no open redirect");
    let cookie = resp.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let session = cookie.split(';').next().unwrap().to_owned();
    // The cookie works for reads; an API write without the CSRF header is refused.
    let resp = s.req("GET", "/api/auth/me").header("cookie", &session).await;
    assert_eq!(resp.status, 200);
    let resp = s.req("POST", "/api/auth/logout").header("cookie", &session).await;
    assert_eq!(resp.status, 403);
    // A cross-site form post is refused.
    let resp = s
        .req("POST", "/login")
        .header("origin", "http://evil.example")
        .plain_form(&[("username", "admin"), ("password", app::demo::DEMO_PASSWORD)])
        .await;
    assert_eq!(resp.status, 403);
}
on_both_backends!(form_login_sets_a_strict_cookie);

async fn a_broken_form_gets_a_chinese_page(s: &TestServer) {
    let resp = s.req("POST", "/login").plain_form(&[("username", "admin")]).await;
    assert_eq!(resp.status, 422);
    let body = resp.text;
    assert!(
        body.contains("表单有误") && body.contains("lang=\"zh-CN\""),
        "{body}"
    );
}
on_both_backends!(a_broken_form_gets_a_chinese_page);
