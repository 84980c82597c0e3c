//! The desk card (台签, issue 16 part 5) in real headless Chromium: the card
//! shows the name, the 工号 and a QR code as SVG, and printed on A4 it is one
//! page (the tent card folds that one sheet).

use crate::browser::{chromium, finish, screenshot, sign_in};
use crate::support::{Backend, TestServer};
use serde_json::json;
use thirtyfour::common::print::{PrintMargins, PrintPage, PrintParameters};
use thirtyfour::prelude::*;

/// A 1×1 PNG.
const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_card_prints_on_one_a4_page() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    server.app.seed_demo_floor().await.unwrap();
    let admin = server.login("admin").await;
    // A long duty and commitment, so the card must still fit its sheet.
    let (st, v) = server
        .put(
            "/api/staff-profiles/staff",
            &admin,
            json!({"post": "综合受理岗", "photo": PNG,
                   "duties": "综合受理：企业开办、不动产登记、社保医保、户籍与出入境业务的咨询、受理与办结；".repeat(4),
                   "commitment": "首问负责、一次告知、限时办结，微笑服务，不让群众多跑一次。".repeat(5)}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let result = async {
        sign_in(&browser, &server, "admin", "/admin/staff/staff/card").await?;
        let name = browser.find(By::Id("card-name")).await?;
        assert_eq!(name.text().await?, "王芳");
        let number = browser.find(By::Id("card-number")).await?.text().await?;
        assert!(number.contains("DH0301"), "{number}");
        let qr = browser
            .find(By::Css("#desk-card .face:not(.upper) .qr svg"))
            .await?;
        assert!(qr.is_displayed().await?);
        let size = qr.rect().await?;
        assert!(size.width > 50.0 && size.height > 50.0, "{size:?}");
        // Both faces of the tent, the upper one turned over.
        assert_eq!(browser.find_all(By::Css("#desk-card .face")).await?.len(), 2);
        assert!(
            browser
                .find(By::Css(".noprint button[data-print]"))
                .await?
                .is_displayed()
                .await?
        );
        screenshot(&browser, "desk-card.png").await?;

        // Printed on A4 with the page's own margins (none): one page.
        let pdf = browser
            .print_page(PrintParameters {
                page: PrintPage {
                    width: 21.0,
                    height: 29.7,
                },
                margin: PrintMargins {
                    top: 0.0,
                    bottom: 0.0,
                    left: 0.0,
                    right: 0.0,
                },
                background: true,
                shrink_to_fit: false,
                ..PrintParameters::default()
            })
            .await?;
        assert!(pdf.starts_with(b"%PDF"), "a PDF");
        assert_eq!(
            crate::browser::pdf_page_count(&pdf),
            1,
            "the desk card prints on one A4 page"
        );
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}

#[test]
fn pdf_pages_are_counted() {
    let two = b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 2>>\n2 0 obj <</Type /Page>>\n3 0 obj <</Type/Page /Parent 1 0 R>>";
    assert_eq!(crate::browser::pdf_page_count(two), 2);
}
