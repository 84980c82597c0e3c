//! Issue 17 in real headless Chromium: a clerk accepts 新生儿出生一件事 from
//! the 一件事受理 page (the dashboard's tile, the bundle, the applicant, each
//! item's materials) and sees the parent case with its sub-cases; a case from
//! a ticket is completed, its applicant rates it on the public progress page
//! with the query code, and the clerk reads the whole timeline (ticket, steps,
//! SMS, evaluation) on the case's timeline page — at 1920, 1024 and 375 wide.

use crate::browser::{chromium, finish, screenshot, sign_in, viewport, wait_for};
use crate::support::{Backend, TestServer};
use serde_json::{Value, json};
use thirtyfour::prelude::*;

const FOOD: [&str; 3] = [
    "食品经营许可申请书",
    "与食品经营相适应的主要设备设施布局、操作流程文件",
    "食品安全自查、从业人员健康管理等保证食品安全的规章制度",
];

/// A case accepted from a called ticket at window 1 and completed; its id and query code.
async fn completed_case(s: &TestServer, staff: &str) -> (String, String) {
    let (st, t) = s.post("/api/tickets", "", json!({"category": "A"})).await;
    assert_eq!(st, 201, "{t}");
    let (st, _) = s.call("POST", staff, "/api/windows/1/call", None).await;
    assert_eq!(st, 200);
    let materials: Vec<Value> = FOOD
        .iter()
        .map(|n| json!({"name": n, "status": "provided"}))
        .collect();
    let (st, c) = s
        .post(
            "/api/cases",
            staff,
            json!({"item": "SCJG-XK-001", "ticket_id": t["id"], "materials": materials,
                   "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13912345678"}}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_owned();
    for (action, body) in [
        ("review", json!({})),
        ("decide", json!({"approved": true})),
        ("complete", json!({})),
    ] {
        let (st, v) = s.post(&format!("/api/cases/{id}/{action}"), staff, body).await;
        assert_eq!(st, 200, "{action}: {v}");
    }
    (id, c["query_code"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundle_accepted_from_its_page_and_a_case_timeline_from_ticket_to_rating() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    server.app.seed_demo_floor().await.unwrap();
    let staff = server.login("staff").await;
    let (case, code) = completed_case(&server, &staff).await;
    let result = async {
        viewport(&browser, 1920, 1080).await?;
        // The dashboard's tile leads to the 一件事 page.
        sign_in(&browser, &server, "staff", "/admin").await?;
        wait_for(&browser, "a[href='/cases/bundle']")
            .await?
            .click()
            .await?;
        wait_for(&browser, "select#bundle option[value='YJS-001']")
            .await?
            .click()
            .await?;
        browser.find(By::Id("bundle-next")).await?.click().await?;
        wait_for(&browser, "#bundle-form").await?;
        let items = browser.find_all(By::Css("fieldset.bundle-item")).await?;
        assert_eq!(items.len(), 4, "one block per item of the bundle");
        browser.find(By::Id("name")).await?.send_keys("李四").await?;
        browser
            .find(By::Id("id_number"))
            .await?
            .send_keys("11010519491231002X")
            .await?;
        browser
            .find(By::Id("phone"))
            .await?
            .send_keys("13812345678")
            .await?;
        for radio in browser
            .find_all(By::Css("#bundle-form input[type=radio][value=provided]"))
            .await?
        {
            radio.scroll_into_view().await?;
            radio.click().await?;
        }
        screenshot(&browser, "bundle_accept_1920.png").await?;
        viewport(&browser, 375, 812).await?;
        screenshot(&browser, "bundle_accept_375.png").await?;
        viewport(&browser, 1024, 600).await?;
        let submit = browser.find(By::Id("bundle-accept")).await?;
        submit.scroll_into_view().await?;
        submit.click().await?;
        // The parent case, accepted, with one sub-case per department.
        wait_for(&browser, "#case-status[data-status='accepted']").await?;
        let subs = browser.find_all(By::Css("#sub-cases tbody tr")).await?;
        assert_eq!(subs.len(), 4);
        let ok = browser.find(By::Css(".ok-box")).await?.text().await?;
        assert!(ok.contains("并联审批"), "{ok}");
        screenshot(&browser, "bundle_case_1024.png").await?;
        // Its timeline: the acceptance of the parent and of each sub-case.
        browser.find(By::Id("timeline-link")).await?.click().await?;
        wait_for(&browser, "#case-timeline").await?;
        let accepted = browser
            .find_all(By::Css("#case-timeline li[data-kind=accepted]"))
            .await?;
        assert_eq!(accepted.len(), 5, "the parent and four sub-cases");

        // The applicant of the other case rates it on the progress page.
        viewport(&browser, 375, 812).await?;
        browser
            .goto(&server.url(&format!("/progress?code={code}")))
            .await?;
        let steps = wait_for(&browser, "#progress-steps").await?.text().await?;
        assert!(steps.contains("取号") && steps.contains("办结"), "{steps}");
        assert!(!steps.contains("王芳"), "no staff names in public: {steps}");
        let level = browser
            .find(By::Css("#rate-case-form input[name=level][value=satisfied]"))
            .await?;
        level.scroll_into_view().await?;
        level.click().await?;
        screenshot(&browser, "progress_rate_375.png").await?;
        let send = browser
            .find(By::Css("#rate-case-form button[type=submit]"))
            .await?;
        send.scroll_into_view().await?;
        send.click().await?;
        wait_for(&browser, "#rate-thanks").await?;
        assert!(browser.find(By::Id("rate-case-form")).await.is_err());

        // The clerk's timeline: ticket, call, steps, SMS and the evaluation, in order.
        viewport(&browser, 1920, 1080).await?;
        browser
            .goto(&server.url(&format!("/cases/{case}/timeline")))
            .await?;
        wait_for(&browser, "#case-timeline").await?;
        let mut kinds = Vec::new();
        for li in browser.find_all(By::Css("#case-timeline li")).await? {
            kinds.push(li.attr("data-kind").await?.unwrap_or_default());
        }
        assert_eq!(kinds.first().map(String::as_str), Some("ticket"), "{kinds:?}");
        assert_eq!(kinds.last().map(String::as_str), Some("evaluation"), "{kinds:?}");
        for kind in ["call", "accepted", "decided", "completed", "sms"] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
        }
        let text = browser.find(By::Id("case-timeline")).await?.text().await?;
        assert!(text.contains("王芳") && text.contains("受理回执"), "{text}");
        screenshot(&browser, "case_timeline_1920.png").await?;
        viewport(&browser, 1024, 600).await?;
        screenshot(&browser, "case_timeline_1024.png").await?;
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}
