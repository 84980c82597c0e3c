//! The honours as people see them (issue 16): last month's rotating red
//! flag and service stars on the hall display (`/display`) and the portal,
//! and the red flag's certificate printed on one A4 sheet.

use crate::browser::{chromium, finish, screenshot};
use crate::support::{Backend, TestServer};
use app::TestClock;
use jiff::SignedDuration;
use serde_json::json;
use std::sync::Arc;
use thirtyfour::common::print::{PrintMargins, PrintOrientation, PrintPage, PrintParameters};
use thirtyfour::prelude::*;

/// Tuesday 3 March 2026, 09:00 in Shanghai.
const START: &str = "2026-03-03T01:00:00Z";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_red_flag_shows_on_the_display_and_its_certificate_prints_on_a4() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let clock = TestClock::new(START.parse().unwrap());
    let server = TestServer::start_with_clock(
        Backend::Sqlite,
        app::Settings::default().always_open(),
        Arc::new(clock.clone()),
    )
    .await;
    server.app.seed_demo_floor().await.unwrap();
    let admin = server.login("admin").await;
    let staff = server.login("staff").await;
    // March: one service is enough for the red flag (the hall's scheme).
    let (st, v) = server.get("/api/assessment/scheme", &admin).await;
    assert_eq!(st, 200);
    let mut scheme = v["scheme"].clone();
    scheme["awards"]["min_volume"] = json!(1);
    let (st, _) = server
        .put("/api/assessment/scheme", &admin, json!({"scheme": scheme}))
        .await;
    assert_eq!(st, 201);
    let (st, t) = server.post("/api/tickets", "", json!({"category": "A"})).await;
    assert_eq!(st, 201);
    let id = t["id"].as_str().unwrap().to_owned();
    let (st, _) = server.call("POST", &staff, "/api/windows/2/call", None).await;
    assert_eq!(st, 200);
    let (st, _) = server
        .call("POST", &staff, &format!("/api/tickets/{id}/finish"), None)
        .await;
    assert_eq!(st, 200);
    // In April the display shows March's honours.
    clock.advance(SignedDuration::from_hours(24 * 31));
    let result = async {
        browser.goto(&server.url("/display")).await?;
        let flag = browser.find(By::Id("display-red-flag")).await?;
        assert_eq!(flag.text().await?, "2号窗口");
        assert!(flag.is_displayed().await?);
        let strip = browser.find(By::Id("honours")).await?.text().await?;
        assert!(strip.contains("2026年3月光荣榜"), "{strip}");
        assert!(strip.contains("服务标兵"), "{strip}");
        screenshot(&browser, "display-red-flag.png").await?;

        browser.goto(&server.url("/")).await?;
        let home = browser.find(By::Css(".honours-strip")).await?.text().await?;
        assert!(home.contains("流动红旗 2号窗口"), "{home}");
        browser.goto(&server.url("/honours")).await?;
        assert_eq!(
            browser.find(By::Id("red-flag-window")).await?.text().await?,
            "2号窗口"
        );

        browser
            .goto(&server.url("/honours/certificate?kind=red-flag&month=2026-03"))
            .await?;
        assert_eq!(
            browser.find(By::Id("certificate-title")).await?.text().await?,
            "流动红旗"
        );
        assert!(
            browser
                .find(By::Id("certificate-who"))
                .await?
                .text()
                .await?
                .starts_with("2号窗口")
        );
        screenshot(&browser, "red-flag-certificate.png").await?;
        let pdf = browser
            .print_page(PrintParameters {
                orientation: PrintOrientation::Landscape,
                background: true,
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
                ..PrintParameters::default()
            })
            .await?;
        assert!(pdf.starts_with(b"%PDF"));
        if let Ok(dir) = std::env::var("GOVHALL_SCREENSHOTS") {
            std::fs::write(std::path::Path::new(&dir).join("red-flag-certificate.pdf"), &pdf).unwrap();
        }
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert_eq!(pages, 1, "the certificate fills one A4 sheet");
        Ok(())
    }
    .await;
    finish(browser, server, result).await;
}
