//! 智能导办 in headless Chromium (issue 17 part 1): a citizen types a question in
//! the home page's box, gets the 一件事 with its materials and steps; an
//! off-topic question points to the help desk and 12345; the answer page and the
//! kiosk's fit a 1920×1080 screen, a 1024×600 pad and a 375-pixel phone, and the
//! kiosk's word pad builds a question without a keyboard.

use crate::browser::{chromium, finish, overflow, screenshot, viewport, wait_for};
use crate::support::{Backend, TestServer};
use thirtyfour::prelude::*;

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

async fn tap(browser: &WebDriver, css: &str) -> WebDriverResult<()> {
    browser.find(By::Css(css)).await?.click().await
}

async fn tap_keys(browser: &WebDriver, letters: &str) -> WebDriverResult<()> {
    for l in letters.chars() {
        tap(browser, &format!("#kbd [data-key=\"{l}\"]")).await?;
    }
    Ok(())
}

async fn question(browser: &WebDriver) -> WebDriverResult<String> {
    Ok(browser
        .find(By::Id("guide-q"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

async fn typed(browser: &WebDriver) -> WebDriverResult<String> {
    browser.find(By::Id("kbd-letters")).await?.text().await
}

// issue 17 part 1: the kiosk's on-screen pinyin keyboard, by touch only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_keyboard_types_a_question_in_pinyin() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let result = async {
        for (w, h, name) in [(1920, 1080, "wide"), (1024, 600, "pad")] {
            viewport(&browser, w, h).await?;
            browser.goto(&server.url("/kiosk/guide")).await?;
            wait_for(&browser, "#kbd [data-key='s']").await?;
            // Large keys: at least 64 pixels high on the kiosk's screen, and
            // nothing past the screen's width.
            let smallest: f64 = browser
                .execute(
                    "return Math.min(...[...document.querySelectorAll('#kbd .kbd-key')].map((k) => k.getBoundingClientRect().height));",
                    Vec::new(),
                )
                .await?
                .convert()?;
            if w == 1920 {
                assert!(smallest >= 64.0, "keys {smallest}px high at {w}×{h}");
            } else {
                assert!(smallest >= 48.0, "keys {smallest}px high at {w}×{h}");
            }
            let over = overflow(&browser).await?;
            assert!(over <= 1.0, "the keyboard at {w}×{h} reaches {over}px past the screen");
            // The keyboard, the word pad and the life events are all there.
            assert!(!browser.find_all(By::Css("[data-word='补办']")).await?.is_empty());
            assert!(!browser.find_all(By::Css(".guide-events a")).await?.is_empty());

            // s, f, z → 身份证 (using all three letters), tapped into the question.
            tap_keys(&browser, "sfz").await?;
            let cand = wait_for(&browser, "#kbd-cands [data-cand='身份证'][data-used='3']").await?;
            assert_eq!(typed(&browser).await?, "sfz");
            let first = browser.find(By::Css("#kbd-cands button")).await?;
            assert_eq!(first.text().await?, "身份证", "the best candidate first");
            screenshot(&browser, &format!("guide-keyboard-{name}-sfz.png")).await?;
            cand.click().await?;
            assert_eq!(question(&browser).await?, "身份证");
            assert_eq!(typed(&browser).await?, "");

            // A letter and backspace: the letter goes first, then the question's last character.
            tap_keys(&browser, "x").await?;
            assert_eq!(typed(&browser).await?, "x");
            tap(&browser, "[data-kbd-back]").await?;
            assert_eq!(typed(&browser).await?, "");
            assert_eq!(question(&browser).await?, "身份证");
            tap(&browser, "[data-kbd-back]").await?;
            assert_eq!(question(&browser).await?, "身份");
            tap_keys(&browser, "zheng").await?;
            wait_for(&browser, "#kbd-cands [data-cand='证'][data-used='5']")
                .await?
                .click()
                .await?;
            assert_eq!(question(&browser).await?, "身份证");

            if w == 1920 {
                // b, b → 补办.
                tap_keys(&browser, "bb").await?;
                wait_for(&browser, "#kbd-cands [data-cand='补办'][data-used='2']")
                    .await?
                    .click()
                    .await?;
            } else {
                // Full pinyin with the syllables separated (a second separator
                // is not typed), then space takes the first candidate.
                tap_keys(&browser, "bu''ban").await?;
                assert_eq!(typed(&browser).await?, "bu'ban");
                wait_for(&browser, "#kbd-cands [data-cand='补办'][data-used='6']").await?;
                tap(&browser, "[data-kbd-space]").await?;
                assert_eq!(question(&browser).await?, "身份证补办");
                // Pages of candidates: the next page differs, the previous comes back.
                tap_keys(&browser, "s").await?;
                let one = wait_for(&browser, "#kbd-cands button[data-used='1']").await?.text().await?;
                tap(&browser, "[data-kbd-next]").await?;
                let mut two = one.clone();
                for _ in 0..50 {
                    two = browser.find(By::Css("#kbd-cands button")).await?.text().await?;
                    if two != one {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                assert_ne!(one, two, "the next page");
                tap(&browser, "[data-kbd-prev]").await?;
                for _ in 0..50 {
                    if browser.find(By::Css("#kbd-cands button")).await?.text().await? == one {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                assert_eq!(browser.find(By::Css("#kbd-cands button")).await?.text().await?, one);
                tap(&browser, "[data-kbd-back]").await?;
                assert_eq!(typed(&browser).await?, "");
            }
            assert_eq!(question(&browser).await?, "身份证补办");
            screenshot(&browser, &format!("guide-keyboard-{name}-typed.png")).await?;

            // 查询: the answers.
            tap(&browser, "[data-kbd-enter]").await?;
            wait_for(&browser, ".guide-answer").await?;
            let mut codes = Vec::new();
            for a in browser.find_all(By::Css(".guide-answer")).await?.iter().take(3) {
                codes.push(a.attr("data-code").await?.unwrap_or_default());
            }
            assert!(codes.iter().any(|c| c == "GA-QR-002"), "居民身份证补领 in the top 3: {codes:?}");
            assert!(browser.current_url().await?.as_str().contains("/kiosk/guide?q="));
            let over = overflow(&browser).await?;
            assert!(over <= 1.0, "the answers at {w}×{h} reach {over}px past the screen");
            screenshot(&browser, &format!("guide-keyboard-{name}-answers.png")).await?;

            // 清空 empties the question; the portal has no on-screen keyboard.
            tap(&browser, "[data-kbd-clear]").await?;
            assert_eq!(question(&browser).await?, "");
        }
        browser.goto(&server.url("/guide")).await?;
        wait_for(&browser, "#guide-q").await?;
        assert!(browser.find_all(By::Css("#kbd")).await?.is_empty());
        Ok(())
    }
    .await;
    finish(browser, server, result).await;
}
