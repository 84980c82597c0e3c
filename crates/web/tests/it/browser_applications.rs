//! 网上申报 in real headless Chromium (issue 17 part 2), the full online
//! path: on a 375 px phone the citizen opens the guide, applies with uploads
//! (two materials by 数据共享, 邮寄 delivery), keeps the number and query
//! code; the clerk asks for 补正 from the pre-review queue; the citizen
//! uploads again on the same application; the clerk accepts (a case); the
//! citizen's progress page shows it accepted and links to the case's progress.

use crate::browser::{chromium, finish, screenshot, sign_in, viewport, wait_for};
use crate::support::{Backend, TestServer};
use thirtyfour::prelude::*;

const FORM: &str = "食品经营许可申请书";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// The text of `css`, trying again while the page is being replaced.
async fn text(browser: &WebDriver, css: &str) -> WebDriverResult<String> {
    for _ in 0..50 {
        if let Ok(t) = wait_for(browser, css).await?.text().await {
            return Ok(t);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    wait_for(browser, css).await?.text().await
}

/// Clicks what submits a form or follows a link, then waits until the old page is gone.
async fn click_away(browser: &WebDriver, css: &str) -> WebDriverResult<()> {
    let root = browser.find(By::Tag("html")).await?;
    click(browser, css).await?;
    for _ in 0..100 {
        if root.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn click(browser: &WebDriver, css: &str) -> WebDriverResult<()> {
    wait_for(browser, css).await?.click().await
}

/// The clerk opens the oldest application in the queue.
async fn open_first_in_queue(browser: &WebDriver, server: &TestServer) -> WebDriverResult<()> {
    browser.goto(&server.url("/admin/applications")).await?;
    click_away(browser, "#application-queue a.button").await?;
    wait_for(browser, "#review-form").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_supplement_accept_and_follow_progress() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    server.app.seed_demo_floor().await.unwrap();
    crate::api_applications::import_licences(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("申请书.pdf");
    std::fs::write(&pdf, PDF).unwrap();
    let png = dir.path().join("布局图.png");
    std::fs::write(&png, PNG).unwrap();
    let pdf = pdf.display().to_string();
    let png = png.display().to_string();
    let result = async {
        // The citizen, on a phone: from the guide to the form.
        viewport(&browser, 375, 800).await?;
        browser.goto(&server.url("/items/SCJG-XK-001")).await?;
        click_away(&browser, "#guide-apply").await?;
        let limits = text(&browser, "#apply-limits").await?;
        assert!(limits.contains("10MB") && limits.contains("50MB"), "{limits}");
        wait_for(&browser, "#name").await?.send_keys("张三").await?;
        browser.find(By::Id("id_number")).await?.send_keys("11010519491231002X").await?;
        browser.find(By::Id("phone")).await?.send_keys("13912345678").await?;
        browser.find(By::Id("f0")).await?.send_keys(&pdf).await?;
        click(&browser, "input[name=s1][value=shared]").await?;
        click(&browser, "input[name=s2][value=shared]").await?;
        browser.find(By::Id("f3")).await?.send_keys(&png).await?;
        browser.find(By::Id("f4")).await?.send_keys(&pdf).await?;
        click(&browser, "input[name=delivery][value=post]").await?;
        browser
            .find(By::Id("address"))
            .await?
            .send_keys("江苏省连云港市东海县人民路88号")
            .await?;
        let wide: i64 = browser
            .execute("return document.documentElement.scrollWidth;", Vec::new())
            .await?
            .convert()?;
        if wide > 375 {
            let culprits: Vec<String> = browser
                .execute(
                    "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right));",
                    Vec::new(),
                )
                .await?
                .convert()?;
            panic!("the form fits a 375 px phone ({wide}): {culprits:?}");
        }
        screenshot(&browser, "apply_form_phone.png").await?;
        click_away(&browser, "#apply-submit").await?;
        let number = text(&browser, "#apply-number").await?;
        let code = text(&browser, "#apply-code").await?;
        assert!(number.starts_with("DHWS"), "{number}");
        assert_eq!(code.trim().len(), 8);
        screenshot(&browser, "apply_done_phone.png").await?;

        // The clerk asks for 补正 of the application form.
        viewport(&browser, 1920, 1080).await?;
        sign_in(&browser, &server, "staff", "/admin/applications").await?;
        wait_for(&browser, "#application-queue").await?;
        open_first_in_queue(&browser, &server).await?;
        let delivery = text(&browser, "#application-delivery").await?;
        assert!(delivery.contains("邮寄") && delivery.contains("人民路88号"), "{delivery}");
        click(&browser, &format!("input[name=missing][value='{FORM}']")).await?;
        browser.find(By::Id("note")).await?.send_keys("申请书缺少申请人签字").await?;
        screenshot(&browser, "apply_review.png").await?;
        click_away(&browser, "#review-supplement").await?;
        let status = text(&browser, "#application-status").await?;
        assert_eq!(status, "待补正");

        // The citizen sees the one-time notice and uploads again on the same application.
        viewport(&browser, 375, 800).await?;
        browser
            .goto(&server.url(&format!("/apply/progress?number={number}&code={code}")))
            .await?;
        let notice = text(&browser, "#apply-notice").await?;
        assert!(notice.contains(FORM) && notice.contains("签字"), "{notice}");
        browser.find(By::Id("sf0")).await?.send_keys(&pdf).await?;
        screenshot(&browser, "apply_supplement_phone.png").await?;
        click_away(&browser, "#apply-supplement-submit").await?;
        wait_for(&browser, "#apply-result").await?;
        assert_eq!(text(&browser, "#apply-status").await?, "已补正，待预审");

        // The clerk accepts: a case, shown at once.
        viewport(&browser, 1920, 1080).await?;
        open_first_in_queue(&browser, &server).await?;
        click_away(&browser, "#review-accept").await?;
        wait_for(&browser, "#case-status[data-status='accepted']").await?;
        // The case shows the two shared records it used and which channel answered.
        let access = text(&browser, "#case-data-access").await?;
        assert!(access.contains("本地导入数据"), "{access}");
        // The ID card's number is the applicant's ID number: masked on the staff's screen too.
        assert!(!access.contains("11010519491231002X") && access.contains("1101**********002X"), "{access}");
        for (w, h, name) in [(1920, 1080, "kiosk"), (1024, 600, "pad"), (375, 800, "phone")] {
            viewport(&browser, w, h).await?;
            let table = browser.find(By::Id("case-data-access")).await?;
            table.scroll_into_view().await?;
            screenshot(&browser, &format!("case_data_access_{name}.png")).await?;
        }

        // The citizen follows it to the case's progress.
        viewport(&browser, 375, 800).await?;
        browser
            .goto(&server.url(&format!("/apply/progress?number={number}&code={code}")))
            .await?;
        assert_eq!(text(&browser, "#apply-status").await?, "预审通过，已受理");
        screenshot(&browser, "apply_accepted_phone.png").await?;
        click_away(&browser, "#apply-case-progress").await?;
        let case_status = text(&browser, "#progress-status").await?;
        assert!(case_status.contains("受理"), "{case_status}");
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}
