//! The command centre's desk pages in headless Chromium (issue 18 parts 2 and
//! 4): 统计图 (`/admin/charts`) shows every chart with its numbers beside it,
//! and 窗口排班测算 (`/admin/staffing`) plans a Tuesday from last Tuesday's
//! tickets, re-simulates a what-if and explains each figure in a sentence; both
//! fit a 1920×1080 screen, a 1024×600 pad and a 375-pixel phone without
//! sideways scrolling. Screenshots land in `$GOVHALL_SCREENSHOTS` when set.

use crate::browser::{chromium, finish, overflow, screenshot, sign_in, viewport, wait_for};
use crate::support::{Backend, TestServer};
use app::TestClock;
use jiff::SignedDuration;
use serde_json::json;
use thirtyfour::prelude::*;

const SIZES: [(u32, u32, &str); 3] = [(1920, 1080, "wide"), (1024, 600, "pad"), (375, 812, "phone")];

/// The page in view fits each of [`SIZES`] without sideways scrolling;
/// screenshots `{name}-wide.png`, `-pad.png`, `-phone.png`.
async fn fits_every_screen(browser: &WebDriver, name: &str) -> WebDriverResult<()> {
    let page = browser.current_url().await?.path().to_owned();
    for (w, h, size) in SIZES {
        viewport(browser, w, h).await?;
        screenshot(browser, &format!("{name}-{size}.png")).await?;
        let over = overflow(browser).await?;
        assert!(over <= 1.0, "{page} at {w}×{h} reaches {over}px past the screen");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_charts_and_the_staffing_plan_read_on_every_screen() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    // Tuesday 2026-11-17, 09:05 in the hall.
    let clock = TestClock::new("2026-11-17T01:05:00Z".parse().unwrap());
    let server = TestServer::start_on_floor(Backend::Sqlite, &clock).await;
    // Last Tuesday's history: twelve tickets over the morning.
    for _ in 0..12 {
        let (st, t) = server.post("/api/tickets", "", json!({"category": "A"})).await;
        assert_eq!(st, 201, "{t}");
        clock.advance(SignedDuration::from_mins(7));
    }
    // A week later, the day before the Tuesday to plan (the hall's clock is in the
    // past: the session cookie's lifetime is counted by that clock).
    clock.advance(SignedDuration::from_hours(24 * 6));
    let result = async {
        sign_in(&browser, &server, "leader", "/admin/charts").await?;
        browser
            .goto(&server.url("/admin/charts?from=2026-11-01&to=2026-11-30"))
            .await?;
        wait_for(&browser, "section.chart-block").await?;
        let blocks = browser.find_all(By::Css("section.chart-block")).await?;
        assert!(blocks.len() >= 6, "{} charts", blocks.len());
        for b in &blocks {
            // Each chart is drawn by the server and has its numbers in a table.
            assert!(b.find(By::Css("svg, img")).await.is_ok(), "a chart without its picture");
            assert!(
                b.find(By::Css("table.numbers")).await.is_ok(),
                "a chart without its numbers"
            );
        }
        fits_every_screen(&browser, "charts").await?;

        viewport(&browser, 1920, 1080).await?;
        browser
            .goto(&server.url(
                "/admin/staffing?date=2026-11-24&target_wait_minutes=10&service_level=0.8",
            ))
            .await?;
        let body = browser.find(By::Tag("body")).await?.text().await?;
        assert!(body.contains("窗口排班测算"), "{body}");
        let rows = browser.find_all(By::Css("table.staffing tbody tr")).await?;
        assert!(!rows.is_empty(), "no half-hour rows: {body}");
        let why = browser.find(By::Css("table.staffing td.why")).await?.text().await?;
        assert!(why.chars().count() > 10, "a figure without its sentence: {why}");
        fits_every_screen(&browser, "staffing").await?;
        // What-if: twice the people re-simulates the same day.
        viewport(&browser, 1920, 1080).await?;
        browser
            .goto(&server.url(
                "/admin/staffing?date=2026-11-24&target_wait_minutes=10&service_level=0.8&whatif=1&arrival_scale=2",
            ))
            .await?;
        let sections = browser.find_all(By::Css("table.staffing")).await?;
        assert!(sections.len() >= 2, "the what-if plan is not shown beside the plan");
        screenshot(&browser, "staffing-whatif.png").await?;
        Ok(())
    }
    .await;
    finish(browser, server, result).await;
}
