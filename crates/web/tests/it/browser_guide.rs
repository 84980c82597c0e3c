//! 智能导办 in headless Chromium (issue 17 part 1): a citizen types a question in
//! the home page's box, gets the 一件事 with its materials and steps; an
//! off-topic question points to the help desk and 12345; the answer page and the
//! kiosk's fit a 1920×1080 screen, a 1024×600 pad and a 375-pixel phone, and the
//! kiosk's word pad builds a question without a keyboard.

use crate::browser::{chromium, finish, screenshot, viewport, wait_for};
use crate::support::{Backend, TestServer};
use thirtyfour::prelude::*;

async fn overflow(browser: &WebDriver) -> WebDriverResult<f64> {
    let v = browser
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await?;
    Ok(v.json().as_f64().unwrap_or(9999.0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_question_box_answers_in_everyday_chinese() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let result = async {
        for (w, h, name) in [(1920, 1080, "wide"), (1024, 600, "pad"), (375, 812, "phone")] {
            viewport(&browser, w, h).await?;
            browser.goto(&server.url("/")).await?;
            let input = wait_for(&browser, "#guide-home input[name=q]").await?;
            input.send_keys("孩子刚出生要办什么").await?;
            browser
                .find(By::Css("#guide-home button[type=submit]"))
                .await?
                .click()
                .await?;
            let first = wait_for(&browser, ".guide-answer").await?;
            let answers = browser.find_all(By::Css(".guide-answer")).await?;
            let mut codes = Vec::new();
            for a in answers.iter().take(3) {
                codes.push(a.attr("data-code").await?.unwrap_or_default());
            }
            assert!(codes.iter().any(|c| c == "YJS-001"), "{codes:?}");
            let text = first.text().await?;
            assert!(text.contains("要带的材料") && text.contains("办理步骤"), "{text}");
            screenshot(&browser, &format!("guide-{name}.png")).await?;
            let over = overflow(&browser).await?;
            let wide = browser
                .execute(
                    "const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 5).map(e => e.tagName + '.' + e.className).join(' ');",
                    vec![],
                )
                .await?;
            assert!(over <= 1.0, "answers at {w}×{h} reach {over}px past the screen: {:?}", wide.json());

            // Something the hall does not handle: the help desk and 12345.
            let input = browser.find(By::Id("guide-q")).await?;
            input.clear().await?;
            input.send_keys("明天会下雨吗").await?;
            browser
                .find(By::Css("#guide-form button[type=submit]"))
                .await?
                .click()
                .await?;
            let none = wait_for(&browser, "#guide-none").await?;
            let text = none.text().await?;
            assert!(text.contains("综合咨询台") && text.contains("12345"), "{text}");
            assert!(browser.find_all(By::Css(".guide-answer")).await?.is_empty());

            // The kiosk: a life-event button and the word pad.
            browser.goto(&server.url("/kiosk/guide")).await?;
            wait_for(&browser, ".guide-events a").await?;
            let over = overflow(&browser).await?;
            assert!(over <= 1.0, "the kiosk guide at {w}×{h} reaches {over}px past the screen");
            for word in ["身份证", "丢了"] {
                browser
                    .find(By::Css(format!("[data-word='{word}']")))
                    .await?
                    .click()
                    .await?;
            }
            let q = browser.find(By::Id("guide-q")).await?;
            assert_eq!(q.prop("value").await?.unwrap_or_default(), "身份证丢了");
            browser
                .find(By::Css("#guide-form button[type=submit]"))
                .await?
                .click()
                .await?;
            let first = wait_for(&browser, ".guide-answer").await?;
            assert_eq!(first.attr("data-code").await?.unwrap_or_default(), "GA-QR-002");
            // No way out of the kiosk: every link stays on the kiosk's pages.
            let outside: Vec<String> = browser
                .execute(
                    "return [...document.querySelectorAll('a[href]')].filter((a) => a.getClientRects().length > 0) \
                       .map((a) => a.getAttribute('href')).filter((h) => !h.startsWith('/kiosk'));",
                    Vec::new(),
                )
                .await?
                .convert()?;
            assert!(outside.is_empty(), "links out of the kiosk: {outside:?}");
            screenshot(&browser, &format!("guide-kiosk-{name}.png")).await?;
        }
        Ok(())
    }
    .await;
    finish(browser, server, result).await;
}
