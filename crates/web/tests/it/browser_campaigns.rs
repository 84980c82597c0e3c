//! 专项活动 in headless Chromium (issue 16 part 7): a campaign's page and its
//! A4 report fit a 1920×1080 screen, a 1024×600 one and a 375-pixel phone
//! without the page scrolling sideways; the phases show as a timeline and
//! a task's owner moves it on from the page.

use crate::browser::{chromium, finish, overflow, screenshot, sign_in, viewport, wait_for};
use crate::support::{Backend, TestServer};
use serde_json::json;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_on_every_screen() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let leader = server.login("leader").await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date();
    let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap().to_string();
    let (st, v) = server
        .post(
            "/api/campaigns",
            &leader,
            json!({
                "name": "百日大提升专项活动（窗口服务规范化、便利化）",
                "from": day(-30), "to": day(69),
                "phases": [
                    {"name": "动员部署", "from": day(-30), "to": day(-21)},
                    {"name": "自查自纠", "from": day(-20), "to": day(-1)},
                    {"name": "集中整改", "from": day(0), "to": day(49)},
                    {"name": "总结提升", "from": day(50), "to": day(69)},
                ],
                "tasks": [
                    {"title": "每个窗口每周至少召开一次晨会，讲评上周服务情况", "owner": "staff", "due": day(-2)},
                    {"title": "整理并公开全部事项的一次性告知单", "owner": "liaison", "due": day(20)},
                    {"title": "每月组织两次明查暗访", "owner": "supervisor", "due": day(60)},
                ],
                "kpis": [
                    {"metric": "satisfaction_rate", "target": 0.99},
                    {"metric": "on_time_rate", "target": 1},
                    {"metric": "avg_wait_minutes", "target": 15},
                    {"metric": "complaints", "target": 0},
                    {"metric": "inspection_deductions", "target": 5},
                    {"metric": "scalper_actions", "target": 3},
                ],
            }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let result = async {
        sign_in(&browser, &server, "leader", &format!("/campaigns/{id}")).await?;
        for (w, h, name) in [(1920, 1080, "wide"), (1024, 600, "small"), (375, 812, "phone")] {
            viewport(&browser, w, h).await?;
            for path in [
                format!("/campaigns/{id}"),
                format!("/campaigns/{id}/report"),
                "/campaigns".into(),
            ] {
                browser.goto(&server.url(&path)).await?;
                browser.find(By::Css("h1")).await?;
                let over = overflow(&browser).await?;
                assert!(over <= 1.0, "{path} at {w}×{h} reaches {over}px past the screen");
            }
            browser.goto(&server.url(&format!("/campaigns/{id}"))).await?;
            let phases = browser.find_all(By::Css(".timeline .phase")).await?;
            assert_eq!(phases.len(), 4, "the timeline at {w}×{h}");
            assert!(
                phases[2]
                    .class_name()
                    .await?
                    .unwrap_or_default()
                    .contains("running")
            );
            screenshot(&browser, &format!("campaign-{name}.png")).await?;
        }
        // The staff member moves their task on from the page.
        browser.delete_all_cookies().await?;
        viewport(&browser, 375, 812).await?;
        sign_in(&browser, &server, "staff", &format!("/campaigns/{id}")).await?;
        // Signing in lands on the page once the login form's redirect is followed.
        let row = wait_for(&browser, "form.inline").await?;
        row.find(By::Css("select[name=status]"))
            .await?
            .find(By::Css("option[value=done]"))
            .await?
            .click()
            .await?;
        row.find(By::Css("button[type=submit]")).await?.click().await?;
        let notice = wait_for(&browser, ".ok-box").await?;
        assert!(notice.text().await?.contains("已完成"));
        assert_eq!(
            browser.find_all(By::Css("form.inline")).await?.len(),
            1,
            "only their own task"
        );
        Ok(())
    }
    .await;
    finish(browser, server, result).await;
}
