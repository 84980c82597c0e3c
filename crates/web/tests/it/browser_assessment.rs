//! The honours as people see them (issue 16): last month's rotating red
//! flag and service stars on the hall display (`/display`) and the portal,
//! the red flag's certificate printed on one A4 sheet, and the month's
//! scores for the leader and for the clerk.

use crate::browser::{chromium, finish, screenshot, sign_in, wait_for};
use crate::support::{Backend, TestServer};
use app::TestClock;
use serde_json::json;
use thirtyfour::common::print::{PrintMargins, PrintOrientation, PrintPage, PrintParameters};
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_red_flag_shows_on_the_display_and_its_certificate_prints_on_a4() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    // The hall's clock at the real time: the month assessed is this month.
    let now = jiff::Timestamp::now();
    let clock = TestClock::new(now);
    let month_first = now
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .first_of_month();
    let month = month_first.strftime("%Y-%m").to_string();
    let label = format!("{}年{}月", month_first.year(), month_first.month());
    let server = TestServer::start_on_floor(Backend::Sqlite, &clock).await;
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
    // On the 1st of next month the display shows this month's honours.
    let next = month_first
        .checked_add(jiff::Span::new().months(1))
        .unwrap()
        .at(9, 0, 0, 0)
        .in_tz("Asia/Shanghai")
        .unwrap()
        .timestamp();
    clock.advance(next.duration_since(now));
    let result = async {
        browser.goto(&server.url("/display")).await?;
        let flag = browser.find(By::Id("display-red-flag")).await?;
        assert_eq!(flag.text().await?, "2号窗口");
        assert!(flag.is_displayed().await?);
        let strip = browser.find(By::Id("honours")).await?.text().await?;
        assert!(strip.contains(&format!("{label}光荣榜")), "{strip}");
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
            .goto(&server.url(&format!("/honours/certificate?kind=red-flag&month={month}")))
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

        // The leader's month and the clerk's own.
        sign_in(&browser, &server, "leader", "/admin").await?;
        wait_for(&browser, "a[href='/admin/assessment']").await?;
        browser
            .goto(&server.url(&format!("/admin/assessment?month={month}&level=window")))
            .await?;

        let row = browser
            .find(By::Css("#scores tr[data-subject='2']"))
            .await?
            .text()
            .await?;
        assert!(row.contains("2号窗口"), "{row}");
        screenshot(&browser, "assessment-month.png").await?;
        browser.delete_all_cookies().await?;
        sign_in(&browser, &server, "staff", "/my/assessment").await?;
        wait_for(&browser, "#my-score").await?;
        browser
            .goto(&server.url(&format!("/my/assessment?month={month}")))
            .await?;
        let score = browser.find(By::Id("my-score")).await?.text().await?;
        assert!(score.parse::<f64>().is_ok(), "{score}");
        screenshot(&browser, "my-assessment.png").await?;
        Ok(())
    }
    .await;
    finish(browser, server, result).await;
}
