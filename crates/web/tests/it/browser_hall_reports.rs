//! 日报、月报、年度报告 in headless Chromium (issue 18 part 3): the month's
//! report prints on A4 (a few pages, each A4, the title on the first), and the
//! page fits a kiosk, a pad and a phone without sideways scrolling.
//! Screenshots land in `$GOVHALL_SCREENSHOTS` when set.

use crate::browser::pdf_page_count;
use crate::browser::{chromium, finish, screenshot, sign_in, viewport};
use crate::support::{Backend, TestServer};
use thirtyfour::common::print::{PrintPage, PrintParameters};
use thirtyfour::prelude::*;

/// The page boxes of a PDF: `/MediaBox [0 0 w h]` per page.
fn media_boxes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox")
        .filter_map(|(at, _)| {
            let rest = text[at + 9..].trim_start().strip_prefix('[')?;
            let nums: Vec<f64> = rest
                .split(']')
                .next()?
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            (nums.len() == 4).then(|| (nums[2] - nums[0], nums[3] - nums[1]))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monthly_report_prints_on_a4() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let result = async {
        sign_in(&browser, &server, "leader", "/admin/reports/summary?kind=month").await?;
        for (w, h, name) in [(1920, 1080, "kiosk"), (1024, 600, "pad"), (375, 740, "phone")] {
            viewport(&browser, w, h).await?;
            browser
                .goto(&server.url("/admin/reports/summary?kind=month"))
                .await?;
            browser.find(By::Css("#summary-headline")).await?;
            let overflow: bool = browser
                .execute(
                    "return document.documentElement.scrollWidth > document.documentElement.clientWidth;",
                    vec![],
                )
                .await?
                .convert()?;
            assert!(!overflow, "the report scrolls sideways at {w}x{h}");
            screenshot(&browser, &format!("summary-{name}.png")).await?;
        }
        viewport(&browser, 1280, 900).await?;
        browser
            .goto(&server.url("/admin/reports/summary?kind=month"))
            .await?;
        let title = browser.find(By::Css("#summary-title h1")).await?.text().await?;
        assert!(title.ends_with("月报"), "{title}");
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
        let pages = pdf_page_count(&pdf);
        assert!(
            (1..=3).contains(&pages),
            "the month's report prints on one to three A4 pages, not {pages}"
        );
        let boxes = media_boxes(&pdf);
        assert!(!boxes.is_empty(), "the pages say their size");
        for (w, h) in boxes {
            assert!(
                (w - 595.3).abs() < 2.0 && (h - 841.9).abs() < 2.0,
                "an A4 page, not {w}×{h}"
            );
        }
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}
