//! 指挥中心 in headless Chromium (issue 18 part 1): /command updates when a
//! ticket is taken, without a reload, and fits a 1920×1080 wall, a 1024×600
//! screen and a 375-pixel phone without scrolling sideways.

use crate::browser::{chromium, finish, overflow, screenshot, sign_in, viewport, wait_for};
use crate::support::{Backend, TestServer};
use serde_json::json;
use std::time::Duration;
use thirtyfour::prelude::*;

async fn figure(browser: &WebDriver, field: &str) -> WebDriverResult<String> {
    browser
        .find(By::Css(format!("[data-field={field}]")))
        .await?
        .text()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_centre_follows_the_hall() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let admin = server.login("admin").await;
    let (st, v) = server
        .post(
            "/api/categories",
            &admin,
            json!({"prefix": "A", "name": "企业开办", "items": ["SCJG-XK-001"]}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let result = async {
        sign_in(&browser, &server, "leader", "/command").await?;
        wait_for(&browser, "[data-field=visitors]").await?;
        // The stream is connected once the page says so.
        let conn = browser.find(By::Id("cmd-conn")).await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !conn.text().await?.contains("实时") {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the stream never connected"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let before: i64 = figure(&browser, "visitors").await?.parse().unwrap();
        let waiting: i64 = figure(&browser, "waiting").await?.parse().unwrap();
        let (st, t) = server.post("/api/tickets", "", json!({"category": "A"})).await;
        assert_eq!(st, 201, "{t}");
        // Within two seconds (and a little for the browser), without a reload.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        loop {
            let now: i64 = figure(&browser, "visitors").await?.parse().unwrap_or(before);
            if now == before + 1 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the page still shows {now} visitors"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(figure(&browser, "waiting").await?, (waiting + 1).to_string());
        let rows = browser.find_all(By::Css("#cmd-categories tr")).await?;
        assert!(!rows.is_empty());
        assert!(rows[0].text().await?.contains("企业开办"));
        // Every headline figure is a link to the list behind it.
        for fig in browser.find_all(By::Css(".cmd-figures .fig")).await? {
            let href = fig.attr("href").await?.unwrap_or_default();
            assert!(href.starts_with('/'), "a figure without its list");
        }
        for (w, h, name) in [(1920, 1080, "wide"), (1024, 600, "small"), (375, 812, "phone")] {
            viewport(&browser, w, h).await?;
            let over = overflow(&browser).await?;
            assert!(
                over <= 1.0,
                "/command at {w}×{h} reaches {over}px past the screen"
            );
            screenshot(&browser, &format!("command-{name}.png")).await?;
        }
        Ok(())
    }
    .await;
    finish(browser, server, result).await;
}
