//! 告知承诺 in headless Chromium (issue 17): the commitment letter prints on
//! one A4 page; the 核查 list fits a phone and a kiosk without sideways
//! scrolling. Screenshots land in `$GOVHALL_SCREENSHOTS` when set.

use crate::browser::pdf_page_count;
use crate::browser::{chromium, finish, screenshot, sign_in, viewport};
use crate::support::{Backend, TestServer};
use serde_json::json;
use thirtyfour::common::print::{PrintPage, PrintParameters};
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_commitment_letter_prints_on_one_a4_page() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let staff = server.login("staff").await;
    let (st, case) = server
        .post(
            "/api/cases",
            &staff,
            json!({"item": "SCJG-XK-003", "applicant": {"name": "张三", "id_number": "11010519491231002X"},
                   "materials": [
                {"name": "小餐饮经营许可申请表", "status": "provided"},
                {"name": "经营者身份证", "status": "provided"},
                {"name": "经营场所使用证明", "status": "commitment"},
                {"name": "从业人员健康证明", "status": "commitment"}]}),
        )
        .await;
    assert_eq!(st, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    let liaison = server.login("liaison").await;
    let (_, tasks) = server.get("/api/commitments?status=pending", &liaison).await;
    let task = tasks["items"][0]["id"].as_str().unwrap().to_owned();
    let result = async {
        sign_in(&browser, &server, "liaison", "/admin/commitments").await?;
        for (w, h, name) in [(1920, 1080, "kiosk"), (1024, 600, "pad"), (375, 740, "phone")] {
            viewport(&browser, w, h).await?;
            browser.goto(&server.url("/admin/commitments")).await?;
            browser.find(By::Css("form.verify")).await?;
            let overflow: bool = browser
                .execute(
                    "return document.documentElement.scrollWidth > document.documentElement.clientWidth;",
                    vec![],
                )
                .await?
                .convert()?;
            assert!(!overflow, "the 核查 list scrolls sideways at {w}x{h}");
            screenshot(&browser, &format!("commitments-{name}.png")).await?;
        }
        viewport(&browser, 1280, 900).await?;
        browser
            .goto(&server.url(&format!("/cases/{id}/commitments/{task}/letter")))
            .await?;
        let title = browser
            .find(By::Css("#commitment-letter h1"))
            .await?
            .text()
            .await?;
        assert_eq!(title, "证明事项告知承诺书");
        screenshot(&browser, "commitment-letter.png").await?;
        let pdf = browser
            .print_page(PrintParameters {
                page: PrintPage {
                    width: 21.0,
                    height: 29.7,
                },
                background: true,
                ..Default::default()
            })
            .await?;
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(pdf_page_count(&pdf), 1, "the letter prints on one A4 page");
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}
