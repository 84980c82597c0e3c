//! The daily path in a real browser: 长辈模式 on a phone, the hall display
//! restoring its calls after a reload, and the monthly report on a phone.

use crate::browser::{chromium, finish, screenshot, sign_in};
use crate::support::{Backend, TestServer};
use serde_json::json;
use thirtyfour::prelude::*;

/// Font size of the root element, in px.
async fn root_font(browser: &WebDriver) -> WebDriverResult<f64> {
    let v = browser
        .execute(
            "return parseFloat(getComputedStyle(document.documentElement).fontSize);",
            vec![],
        )
        .await?;
    Ok(v.json().as_f64().unwrap_or(0.0))
}

/// How far the page reaches past the screen's width (0 when it fits), and the
/// first elements that do.
async fn overflow(browser: &WebDriver) -> WebDriverResult<(f64, String)> {
    let v = browser
        .execute(
            "const w = document.documentElement.clientWidth; \
             return [document.documentElement.scrollWidth - w, \
             [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1) \
             .slice(0, 4).map(e => e.tagName + '.' + e.className).join(', ')];",
            vec![],
        )
        .await?;
    let v = v.json();
    Ok((
        v[0].as_f64().unwrap_or(9999.0),
        v[1].as_str().unwrap_or("").to_owned(),
    ))
}

/// On a 375 px phone: one tap on 长辈模式 makes the type larger, survives a
/// reload, and the guide's key points are there to be read aloud; no page
/// is wider than the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elder_mode_on_a_phone() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let result = async {
        browser.set_window_rect(0, 0, 375, 800).await?;
        browser.goto(&server.url("/items/SCJG-XK-001")).await?;
        let before = root_font(&browser).await?;
        browser.find(By::Css("[data-elder]")).await?.click().await?;
        let after = root_font(&browser).await?;
        assert!(after >= before * 1.25, "{before} → {after}");
        browser.refresh().await?;
        assert_eq!(root_font(&browser).await?, after, "remembered");
        let points = browser.find(By::Id("guide-key-points")).await?.text().await?;
        assert!(
            points.contains("办理地点") && points.contains("咨询电话"),
            "{points}"
        );
        assert!(
            browser
                .find(By::Css("[data-read=guide-key-points]"))
                .await
                .is_ok()
        );
        screenshot(&browser, "elder-guide-375.png").await?;
        for path in ["/items/SCJG-XK-001", "/", "/progress", "/appointments"] {
            browser.goto(&server.url(path)).await?;
            let (over, culprits) = overflow(&browser).await?;
            assert!(
                over <= 0.0,
                "{path} is {over}px wider than a 375px phone: {culprits}"
            );
        }
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}

/// A display reloaded (a TV restarted) shows the current call at once, and
/// the waiting counts; a tap on 开启声音 enables sound and is remembered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reloaded_display_shows_the_current_call() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let result = async {
        let admin = server.login("admin").await;
        let (st, _) = server
            .req("POST", "/api/categories")
            .token(admin.as_str())
            .json(&json!({"prefix": "A", "name": "企业开办"}))
            .status_json()
            .await;
        assert_eq!(st, 201);
        let (st, _) = server
            .req("POST", "/api/windows")
            .token(admin.as_str())
            .json(&json!({"number": "3", "name": "3号窗口", "categories": ["A"], "staff": ["staff"]}))
            .status_json()
            .await;
        assert_eq!(st, 201);
        for _ in 0..3 {
            server
                .req("POST", "/api/tickets")
                .json(&json!({"category": "A"}))
                .status_json()
                .await;
        }
        let staff = server.login("staff").await;
        let (_, called) = server
            .req("POST", "/api/windows/3/call")
            .token(staff.as_str())
            .status_json()
            .await;
        let number = called["ticket"]["number"].as_str().unwrap().to_owned();
        browser.set_window_rect(0, 0, 1920, 1080).await?;
        browser.goto(&server.url("/display")).await?;
        browser.refresh().await?;
        let shown = browser.find(By::Id("latest-number")).await?.text().await?;
        assert_eq!(shown, number);
        let strip = browser.find(By::Css(".waiting")).await?.text().await?;
        assert!(strip.contains("等候 2 人"), "{strip}");
        screenshot(&browser, "display-1920.png").await?;
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}

/// Booking on a phone: the slots of a day sit several to a row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appointment_slots_fit_a_phone() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let result = async {
        server.app.seed_demo_floor().await.unwrap();
        let cal = server.app.calendar().await.unwrap();
        let mut day = server.app.today().tomorrow().unwrap();
        while !cal.is_workday(day).unwrap() {
            day = day.tomorrow().unwrap();
        }
        browser.set_window_rect(0, 0, 375, 800).await?;
        browser
            .goto(&server.url(&format!("/appointments?category=B&date={day}#slot")))
            .await?;
        let height = browser
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await?
            .json()
            .as_f64()
            .unwrap_or(0.0);
        let slots = browser.find_all(By::Css(".slot-set .kiosk-cat")).await?;
        assert!(slots.len() >= 6, "{}", slots.len());
        let first = slots[0].rect().await?;
        let second = slots[1].rect().await?;
        assert!((first.y - second.y).abs() < 2.0, "two slots side by side");
        screenshot(&browser, "appointments-375.png").await?;
        let (over, culprits) = overflow(&browser).await?;
        assert!(over <= 0.0, "the booking page is {over}px too wide: {culprits}");
        let parts = browser
            .execute(
                "return [...document.querySelectorAll('main > *')].map(e => e.tagName + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().height)).join(', ');",
                vec![],
            )
            .await?;
        assert!(height < 4000.0, "the booking page is {height}px tall on a phone (was 4,585): {:?}", parts.json());
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}

/// The director's monthly page fits a phone (its tables scroll inside their box).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monthly_page_on_a_phone() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let result = async {
        browser.set_window_rect(0, 0, 375, 800).await?;
        sign_in(&browser, &server, "leader", "/admin/reports/monthly").await?;
        browser.find(By::Id("monthly-months")).await?;
        let (over, culprits) = overflow(&browser).await?;
        assert!(over <= 0.0, "the monthly page is {over}px too wide: {culprits}");
        screenshot(&browser, "monthly-375.png").await?;
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}
