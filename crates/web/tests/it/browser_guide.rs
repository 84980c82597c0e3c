//! 智能导办 in headless Chromium (issue 17 part 1): a citizen types a question in
//! the home page's box, gets the 一件事 with its materials and steps; an
//! off-topic question points to the help desk and 12345; the answer page and the
//! kiosk's fit a 1920×1080 screen, a 1024×600 pad and a 375-pixel phone, and the
//! kiosk's word pad builds a question without a keyboard. The admin answers the
//! questions that found nothing (相似问法) from the vocabulary page on a phone.

use crate::browser::{chromium, finish, overflow, screenshot, sign_in, viewport, wait_for};
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

/// Waits up to ten seconds for `css` to show a text containing `want`.
async fn wait_text(browser: &WebDriver, css: &str, want: &str) -> WebDriverResult<String> {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = browser.find(By::Css(css)).await {
            last = e.text().await.unwrap_or_default();
            if last.contains(want) {
                return Ok(last);
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(WebDriverError::Timeout(format!(
        "{css} shows “{last}”, not “{want}”"
    )))
}

/// The narrowest cell of the page's tables, in characters of its own type size
/// (a cell squeezed to one character a line reads about 1).
async fn narrowest_cell(browser: &WebDriver) -> WebDriverResult<f64> {
    browser
        .execute(
            "return Math.min(...[...document.querySelectorAll('main td')].map((td) => \
               td.getBoundingClientRect().width / parseFloat(getComputedStyle(td).fontSize)));",
            Vec::new(),
        )
        .await?
        .convert()
}

// 相似问法: the admin answers logged questions from the page, on a 375-pixel phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_answers_logged_questions_on_a_phone() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    // Two questions that find nothing, the first asked more (so listed first).
    for q in [
        "家里那个红皮的小簿子弄丢了",
        "家里那个红皮的小簿子弄丢了",
        "明天会下雨吗",
    ] {
        let (st, v) = server.get(&format!("/api/guide?q={q}"), "").await;
        assert_eq!(st, 200);
        assert_eq!(v["none"], true, "{q}: {v}");
    }
    let result = async {
        sign_in(&browser, &server, "admin", "/admin/guide").await?;
        viewport(&browser, 375, 812).await?;
        browser.goto(&server.url("/admin/guide")).await?;
        let first = wait_for(&browser, "#misses tbody tr").await?;
        assert!(first.text().await?.contains("家里那个红皮的小簿子弄丢了"));
        let over = overflow(&browser).await?;
        assert!(over <= 1.0, "the page at 375 px reaches {over}px past the screen");
        let narrow = narrowest_cell(&browser).await?;
        assert!(narrow >= 3.0, "a cell {narrow:.1} characters wide at 375 px");
        browser
            .execute("document.getElementById('misses').scrollIntoView();", Vec::new())
            .await?;
        screenshot(&browser, "guide-admin-phone.png").await?;
        // The table scrolls in its own box: its answer column, scrolled to.
        browser
            .execute(
                "document.getElementById('misses').scrollLeft = 10000;",
                Vec::new(),
            )
            .await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        screenshot(&browser, "guide-admin-phone-answer-column.png").await?;

        // The first row: its code, 指向该事项.
        first
            .find(By::Css("input[name=code]"))
            .await?
            .send_keys("MZ-QR-003")
            .await?;
        first.find(By::Css("button[value=code]")).await?.click().await?;
        let notice = wait_text(&browser, ".ok-box", "已答复").await?;
        assert_eq!(
            notice,
            "已答复“家里那个红皮的小簿子弄丢了” → MZ-QR-003 补领结婚证"
        );
        let list = wait_for(&browser, "#similar-list").await?.text().await?;
        assert!(
            list.contains("家里那个红皮的小簿子弄丢了") && list.contains("补领结婚证"),
            "{list}"
        );
        let log = browser.find(By::Id("misses")).await?.text().await?;
        assert!(!log.contains("红皮"), "answered, it leaves the log: {log}");

        // The next one: 不属本大厅.
        let row = wait_for(&browser, "#misses tbody tr").await?;
        assert!(row.text().await?.contains("明天会下雨吗"));
        row.find(By::Css("button[value=none]")).await?.click().await?;
        wait_text(&browser, ".ok-box", "已答复“明天会下雨吗”：不属本大厅").await?;
        let list = browser.find(By::Id("similar-list")).await?.text().await?;
        assert!(
            list.contains("明天会下雨吗") && list.contains("不属本大厅"),
            "{list}"
        );
        assert!(
            browser.find_all(By::Id("misses")).await?.is_empty(),
            "the log is empty"
        );
        let over = overflow(&browser).await?;
        assert!(over <= 1.0, "the page at 375 px reaches {over}px past the screen");
        let narrow = narrowest_cell(&browser).await?;
        assert!(narrow >= 3.0, "a cell {narrow:.1} characters wide at 375 px");
        browser
            .execute(
                "document.getElementById('similar-list').scrollIntoView();",
                Vec::new(),
            )
            .await?;
        screenshot(&browser, "guide-admin-phone-answered.png").await?;
        viewport(&browser, 1024, 600).await?;
        let over = overflow(&browser).await?;
        assert!(
            over <= 1.0,
            "the page at 1024 px reaches {over}px past the screen"
        );
        screenshot(&browser, "guide-admin-pad.png").await?;
        viewport(&browser, 1920, 1080).await?;
        browser
            .execute("document.getElementById('similar').scrollIntoView();", Vec::new())
            .await?;
        screenshot(&browser, "guide-admin-wide.png").await?;
        // The citizen's question now finds the item first.
        let (_, v) = server.get("/api/guide?q=家里那个红皮的小簿子弄丢了", "").await;
        assert_eq!(v["answers"][0]["code"], "MZ-QR-003", "{v}");
        Ok(())
    }
    .await;
    finish(browser, server, result).await;
}
