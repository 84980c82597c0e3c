//! The hall floor as people meet it: the touch kiosk on a 1920×1080
//! landscape screen, the printed 80 mm ticket, the phone's tracking page
//! after a transfer and a rating, and the window pad on a 1024×600 tablet.
//! The browser tests measure what a person sees (what is on screen without
//! scrolling, how big the keys are); screenshots go to GOVHALL_SCREENSHOTS.

use crate::browser::{chromium, finish, screenshot, viewport};
use crate::on_both_backends;
use crate::support::{Backend, TestServer, page};
use serde_json::json;
use thirtyfour::prelude::*;

/// Where an element is on the screen: left, top, right, bottom (CSS pixels).
#[derive(Debug, Clone, Copy)]
struct Box4 {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Box4 {
    fn width(&self) -> f64 {
        self.right - self.left
    }

    fn height(&self) -> f64 {
        self.bottom - self.top
    }

    /// Wholly on a screen of this size, as it is now (without scrolling).
    fn inside(&self, (w, h): (i64, i64)) -> bool {
        self.left >= 0.0
            && self.top >= 0.0
            && self.right <= w as f64
            && self.bottom <= h as f64
            && self.width() > 0.0
            && self.height() > 0.0
    }
}

async fn boxes(browser: &WebDriver, css: &str) -> WebDriverResult<Vec<Box4>> {
    let v: Vec<[f64; 4]> = browser
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map((e) => { \
               const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; });",
            vec![json!(css)],
        )
        .await?
        .convert()?;
    Ok(v.into_iter()
        .map(|[left, top, right, bottom]| Box4 {
            left,
            top,
            right,
            bottom,
        })
        .collect())
}

async fn box_of(browser: &WebDriver, css: &str) -> WebDriverResult<Box4> {
    let all = boxes(browser, css).await?;
    assert_eq!(all.len(), 1, "exactly one {css}");
    Ok(all[0])
}

/// A number the page computes.
async fn computed(browser: &WebDriver, script: &str) -> WebDriverResult<f64> {
    browser.execute(script, Vec::new()).await?.convert()
}

/// A 36-character UUID anywhere in `text`.
fn has_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(35)).any(|i| {
        let s = &b[i..i + 36];
        s.iter().enumerate().all(|(j, c)| match j {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
    })
}

/// Taps `keys` on the keypad of the form `form` ("take" or "checkin").
async fn tap(browser: &WebDriver, form: &str, keys: &str) -> WebDriverResult<()> {
    for k in keys.chars() {
        browser
            .find(By::Css(format!("#{form} [data-key='{k}']")))
            .await?
            .click()
            .await?;
    }
    Ok(())
}

async fn value_of(browser: &WebDriver, id: &str) -> WebDriverResult<String> {
    Ok(browser.find(By::Id(id)).await?.value().await?.unwrap_or_default())
}

/// The kiosk on a landscape touch screen: everything, the 取号 button
/// included, on one screen; no site navigation; no category chosen for the
/// citizen; a Chinese prompt when none is chosen; the on-screen keypad types
/// the phone and the ID number; the printed ticket shows a QR code, not a UUID.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_is_one_touch_screen_with_a_keypad() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    server.app.seed_demo_floor().await.unwrap();
    let result = async {
        for (w, h) in [(1366, 768), (1280, 1024), (1920, 1080)] {
            viewport(&browser, w, h).await?;
            browser.goto(&server.url("/kiosk")).await?;
            let screen = (i64::from(w), i64::from(h));
            let go = box_of(&browser, "#take button.kiosk-go").await?;
            assert!(go.inside(screen), "{w}×{h}: 取号 at {go:?}");
            assert!(go.height() >= 72.0, "{w}×{h}: 取号 is a big button: {go:?}");
            let scroll = computed(
                &browser,
                "return document.documentElement.scrollHeight - window.innerHeight;",
            )
            .await?;
            assert!(scroll <= 0.0, "{w}×{h}: the kiosk scrolls by {scroll}px");
            for cat in boxes(&browser, ".kiosk-cat").await? {
                assert!(cat.inside(screen), "{w}×{h}: a category at {cat:?}");
            }
            for k in boxes(&browser, "#take [data-key]").await? {
                assert!(k.inside(screen), "{w}×{h}: a key at {k:?}");
                assert!(k.height() >= 50.0 && k.width() >= 50.0, "{w}×{h}: a small key {k:?}");
            }
            // Labels on one line each: a word broken over two lines is hard to read.
            let broken: Vec<String> = browser
                .execute(
                    "return [...document.querySelectorAll('.kiosk-top span, .kiosk-cat span, .kiosk-prio span, #take h2, .kiosk-field > span')] \
                       .filter((e) => { const t = [...e.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).pop(); \
                         if (!t) return false; const r = document.createRange(); r.selectNodeContents(t); \
                         return new Set([...r.getClientRects()].map((x) => Math.round(x.bottom))).size > 1; }) \
                       .map((e) => e.textContent.trim());",
                    Vec::new(),
                )
                .await?
                .convert()?;
            assert!(broken.is_empty(), "{w}×{h}: wrapped labels {broken:?}");
            screenshot(&browser, &format!("kiosk-{w}x{h}.png")).await?;
        }

        // No way out of the kiosk: no staff sign-in, no site navigation.
        let visible_links = computed(
            &browser,
            "return [...document.querySelectorAll('a[href]')].filter((a) => a.getClientRects().length > 0).length;",
        )
        .await?;
        assert_eq!(visible_links, 0.0, "the kiosk shows links");
        assert!(browser.find_all(By::Css("a[href^='/login']")).await?.is_empty());

        // Nothing chosen for the citizen; 取号 without a category asks for one.
        let chosen = computed(
            &browser,
            "return document.querySelectorAll('input[name=category]:checked').length;",
        )
        .await?;
        assert_eq!(chosen, 0.0, "a category is preselected");
        browser.find(By::Css("#take button.kiosk-go")).await?.click().await?;
        let error = browser.find(By::Id("kiosk-error")).await?;
        error.wait_until().displayed().await?;
        assert!(
            error.text().await?.contains("请先选择业务类别"),
            "{}",
            error.text().await?
        );
        assert!(browser.current_url().await?.path() == "/kiosk");
        assert!(box_of(&browser, "#kiosk-error").await?.inside((1920, 1080)));
        screenshot(&browser, "kiosk-no-category.png").await?;

        // The phone on the keypad: digits only, at most 11; 删除 takes one back.
        browser.find(By::Id("phone")).await?.click().await?;
        tap(&browser, "take", "139123456789").await?;
        assert_eq!(value_of(&browser, "phone").await?, "13912345678");
        let x = browser.find(By::Css("#take [data-key='X']")).await?;
        assert!(!x.is_enabled().await?, "no X in a phone number");
        browser.find(By::Css("#take [data-key='back']")).await?.click().await?;
        assert_eq!(value_of(&browser, "phone").await?, "1391234567");
        tap(&browser, "take", "8").await?;
        assert_eq!(value_of(&browser, "phone").await?, "13912345678");
        // The ID number: 清空 empties it; X only as the 18th character.
        browser.find(By::Id("id_number")).await?.click().await?;
        tap(&browser, "take", "123").await?;
        browser.find(By::Css("#take [data-key='clear']")).await?.click().await?;
        assert_eq!(value_of(&browser, "id_number").await?, "");
        tap(&browser, "take", "11010519491231002").await?;
        assert!(x.is_enabled().await?, "X ends an ID number");
        x.click().await?;
        assert_eq!(value_of(&browser, "id_number").await?, "11010519491231002X");
        assert_eq!(value_of(&browser, "phone").await?, "13912345678", "the phone is kept");
        let hidden = computed(
            &browser,
            "return [...document.querySelectorAll('#take input.kiosk-input')].filter((i) => i.scrollWidth > i.clientWidth).length;",
        )
        .await?;
        assert_eq!(hidden, 0.0, "a typed number does not fit its field");

        // 预约签到 on its own screen, with its own keypad.
        browser.find(By::Id("to-checkin")).await?.click().await?;
        let panel = browser.find(By::Id("checkin-panel")).await?;
        panel.wait_until().displayed().await?;
        assert!(!browser.find(By::Id("take")).await?.is_displayed().await?);
        let go = box_of(&browser, "#checkin button.kiosk-go").await?;
        assert!(go.inside((1920, 1080)), "签到取号 at {go:?}");
        tap(&browser, "checkin", "12345").await?;
        assert_eq!(value_of(&browser, "code").await?, "12345");
        browser.find(By::Css("#checkin button.kiosk-go")).await?.click().await?;
        let checkin_error = browser.find(By::Id("checkin-error")).await?;
        checkin_error.wait_until().has_text("请输入6位数字的预约号").await?;
        screenshot(&browser, "kiosk-checkin.png").await?;
        browser.find(By::Id("to-take")).await?.click().await?;
        assert!(!panel.is_displayed().await?);
        assert_eq!(value_of(&browser, "phone").await?, "13912345678");

        browser
            .find(By::XPath("//label[contains(., '企业开办')]"))
            .await?
            .click()
            .await?;
        assert!(!error.is_displayed().await?, "choosing a category clears the prompt");
        browser
            .find(By::XPath("//label[contains(., '老年人')]"))
            .await?
            .click()
            .await?;
        screenshot(&browser, "kiosk-filled.png").await?;
        browser.find(By::Css("#take button.kiosk-go")).await?.click().await?;

        // The printed ticket: number, green channel, QR code, no raw address.
        let number_el = browser.query(By::Css(".num")).first().await?;
        assert_eq!(number_el.text().await?, "A001");
        assert!(browser.find(By::Css(".green")).await?.text().await?.contains("老年人"));
        assert!(browser.find(By::Css(".qr svg")).await.is_ok(), "a QR code");
        let text = browser.find(By::Css("body")).await?.text().await?;
        assert!(text.contains("扫码查看排队进度"), "{text}");
        assert!(!has_uuid(&text), "a UUID on the ticket: {text}");
        screenshot(&browser, "kiosk-ticket.png").await?;
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}

/// A ticket taken, called and finished at window 3 (staff `token`): its number.
async fn serve(server: &TestServer, token: &str, category: &str) -> String {
    let (st, t) = server
        .post("/api/tickets", "", json!({"category": category}))
        .await;
    assert_eq!(st, 201, "{t}");
    let (st, v) = server.call("POST", token, "/api/windows/3/call", None).await;
    assert_eq!(st, 200, "{v}");
    let id = t["id"].as_str().unwrap();
    let (st, v) = server
        .call("POST", token, &format!("/api/tickets/{id}/finish"), None)
        .await;
    assert!(st / 100 == 2, "{st} {v}");
    t["number"].as_str().unwrap().to_owned()
}

/// The pad on a 1024×600 tablet with the five-key layout: the staff card
/// (姓名, 工号, 岗位职责) on screen; five keys of one size in one row; the
/// reasons screen's 返回 and 提交评价 on screen without scrolling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pad_fits_a_small_tablet_with_equal_keys() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    server.app.seed_demo_floor().await.unwrap();
    let pairing = server
        .app
        .pads
        .create_pad(&app::Actor::cli(), "3", "5")
        .await
        .unwrap();
    let staff = server.login("staff").await;
    let result = async {
        const SCREEN: (i64, i64) = (1024, 600);
        viewport(&browser, 1024, 600).await?;
        browser.goto(&server.url("/pad")).await?;
        browser
            .find(By::Id("pair-code"))
            .await?
            .send_keys(app::pad::format_code(&pairing.code))
            .await?;
        browser.find(By::Css("#pair-form button")).await?.click().await?;
        let name = browser.find(By::Id("staff-name")).await?;
        name.wait_until().has_text("王芳").await?;
        assert_eq!(browser.find(By::Id("staff-number")).await?.text().await?, "DH0301");
        let duties = browser.find(By::Id("staff-duties")).await?.text().await?;
        assert!(duties.starts_with("综合受理"), "{duties}");
        for part in ["#staff-name", "#staff-number", "#staff-duties", ".staff-photo:not([hidden])"] {
            let b = box_of(&browser, part).await?;
            assert!(b.inside(SCREEN), "{part} at {b:?}");
        }
        screenshot(&browser, "pad-idle-1024x600.png").await?;

        // Five levels: five keys of one size, in one row, all on screen.
        let number = serve(&server, &staff, "A").await;
        let heading = browser.find(By::Css("#screen-rate h1")).await?;
        heading.wait_until().displayed().await?;
        assert_eq!(browser.find(By::Id("rate-number")).await?.text().await?, number);
        let keys = boxes(&browser, "#rate-buttons button").await?;
        assert_eq!(keys.len(), 5);
        for k in &keys {
            assert!(k.inside(SCREEN), "a rating key at {k:?}");
            assert!((k.width() - keys[0].width()).abs() <= 2.0, "unequal widths: {keys:?}");
            assert!((k.height() - keys[0].height()).abs() <= 2.0, "unequal heights: {keys:?}");
            assert!((k.top - keys[0].top).abs() <= 2.0, "not one row: {keys:?}");
        }
        assert!(keys[0].height() >= 100.0, "big keys: {keys:?}");
        // Each label fits its key on one line or two, never cut off.
        let cut = computed(
            &browser,
            "return [...document.querySelectorAll('#rate-buttons button')].filter((b) => b.scrollWidth > b.clientWidth).length;",
        )
        .await?;
        assert_eq!(cut, 0.0, "a label overflows its key");
        screenshot(&browser, "pad-rate-5-1024x600.png").await?;

        // 非常不满意 asks for reasons; the buttons stay on screen, error shown or not.
        browser
            .find(By::Css("button[data-level=very_dissatisfied]"))
            .await?
            .click()
            .await?;
        let submit = browser.find(By::Id("reasons-submit")).await?;
        submit.wait_until().displayed().await?;
        submit.click().await?;
        let error = browser.find(By::Id("reasons-error")).await?;
        error.wait_until().has_text("请至少选择一项不满意的原因").await?;
        for part in ["#reasons-submit", "#reasons-back", "#reasons-error", "#comment"] {
            let b = box_of(&browser, part).await?;
            assert!(b.inside(SCREEN), "{part} at {b:?}");
        }
        let overflow = computed(
            &browser,
            "const m = document.querySelector('main'); return m.scrollHeight - m.clientHeight;",
        )
        .await?;
        assert!(overflow <= 0.0, "the reasons screen scrolls by {overflow}px");
        screenshot(&browser, "pad-reasons-1024x600.png").await?;
        browser
            .find(By::XPath("//div[@id='reason-buttons']/button[.='等候时间长']"))
            .await?
            .click()
            .await?;
        submit.click().await?;
        let thanks = browser.find(By::Id("thanks-text")).await?;
        thanks.wait_until().displayed().await?;
        assert_eq!(thanks.text().await?, "谢谢您的评价");
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}

/// The pad page shows the staff card from its first paint, "—" where unknown.
async fn pad_page_shows_the_staff_card(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let (_, html) = page(s, "", "/pad").await;
    assert!(html.contains("id=\"staff-number\">—<"), "unpaired: {html}");
    let pairing = s.app.pads.create_pad(&app::Actor::cli(), "3", "3").await.unwrap();
    let paired = s.app.pads.pair_pad(&pairing.code, "test").await.unwrap();
    let html = s
        .req("GET", "/pad")
        .header("x-pad-token", &paired.token)
        .send()
        .await
        .text;
    assert!(html.contains("id=\"staff-name\">王芳<"), "{html}");
    assert!(html.contains("id=\"staff-number\">DH0301<"), "{html}");
    assert!(html.contains("id=\"staff-duties\">综合受理"), "{html}");
}
on_both_backends!(pad_page_shows_the_staff_card);

/// The printed ticket carries a QR code and a short text, never the raw
/// tracking address; printed at the kiosk it goes back to the kiosk.
async fn printed_ticket_shows_no_uuid(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let (st, t) = s.post("/api/tickets", "", json!({"category": "A"})).await;
    assert_eq!(st, 201, "{t}");
    let id = t["id"].as_str().unwrap();
    let (st, html) = page(s, "", &format!("/kiosk/ticket/{id}?print=1")).await;
    assert_eq!(st, 200);
    assert!(html.contains("<svg"), "a QR code: {html}");
    assert!(html.contains("扫码查看排队进度"), "{html}");
    assert!(!has_uuid(&html), "a UUID on the paper: {html}");
    assert!(html.contains("url=/kiosk"), "back to the kiosk: {html}");
    let (_, html) = page(s, "", &format!("/kiosk/ticket/{id}")).await;
    assert!(!html.contains("http-equiv=\"refresh\""), "{html}");
}
on_both_backends!(printed_ticket_shows_no_uuid);

/// The kiosk page itself: no site navigation, no preselected category.
async fn kiosk_page_stands_alone(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let (st, html) = page(s, "", "/kiosk").await;
    assert_eq!(st, 200);
    assert!(!html.contains("href=\"/login"), "{html}");
    assert!(!html.contains("主导航"), "{html}");
    assert!(html.contains("/assets/kiosk.css"), "{html}");
    let radios: Vec<&str> = html
        .split("<input")
        .skip(1)
        .filter(|i| i.contains("name=\"category\""))
        .collect();
    assert_eq!(radios.len(), 4, "{html}");
    assert!(
        radios
            .iter()
            .all(|r| !r.split('>').next().unwrap().contains("checked"))
    );
    let css = s.req("GET", "/assets/kiosk.css").send().await;
    assert_eq!(css.status, 200);
    assert!(
        css.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}
on_both_backends!(kiosk_page_stands_alone);

/// After a transfer the page of the old ticket follows the person to the new
/// number and place in line; after the rating it no longer asks for one.
async fn tracking_follows_a_transfer_and_a_rating(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let staff = s.login("staff").await;
    let take = |category: &'static str| async move {
        let (st, t) = s.post("/api/tickets", "", json!({"category": category})).await;
        assert_eq!(st, 201, "{t}");
        t
    };
    let first = take("A").await;
    let old = first["id"].as_str().unwrap().to_owned();
    let (st, v) = s.call("POST", &staff, "/api/windows/3/call", None).await;
    assert_eq!((st, v["ticket"]["number"].as_str()), (200, Some("A001")), "{v}");
    // Two people wait in B; the transferred ticket goes ahead of them.
    take("B").await;
    take("B").await;
    let (st, moved) = s
        .post(
            &format!("/api/tickets/{old}/transfer"),
            &staff,
            json!({"category": "B"}),
        )
        .await;
    assert_eq!(st, 200, "{moved}");
    let moved = &moved["ticket"];
    let new_number = moved["number"].as_str().unwrap().to_owned();
    let new_id = moved["id"].as_str().unwrap().to_owned();
    assert_ne!(new_number, "A001");
    let (st, html) = page(s, "", &format!("/t/{old}")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains(&format!("<span id=\"ticket-number\">{new_number}</span>")),
        "{html}"
    );
    assert!(html.contains("A001"), "the old number is named: {html}");
    assert!(html.contains("不动产登记"), "the new category: {html}");
    let ahead = moved["waiting_before"].as_i64().unwrap();
    assert!(
        html.contains(&format!("您前面还有 <b>{ahead}</b> 人")),
        "the place in line: {html}"
    );
    assert!(!html.contains("状态：已转移"), "{html}");

    // Called and finished under its new number: the old page invites a rating…
    let (st, v) = s.call("POST", &staff, "/api/windows/3/call", None).await;
    assert_eq!(
        (st, v["ticket"]["number"].as_str()),
        (200, Some(new_number.as_str())),
        "{v}"
    );
    let (st, v) = s
        .call("POST", &staff, &format!("/api/tickets/{new_id}/finish"), None)
        .await;
    assert!(st / 100 == 2, "{st} {v}");
    let (_, html) = page(s, "", &format!("/t/{old}")).await;
    assert!(html.contains(&format!("href=\"/rate/{new_id}\"")), "{html}");
    assert!(html.contains("评价本次服务"), "{html}");
    // …until the person has rated.
    let (st, v) = s
        .post(
            "/api/evaluations",
            "",
            json!({"ticket_id": new_id, "channel": "online", "level": "satisfied", "reasons": [], "comment": ""}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    for id in [&old, &new_id] {
        let (_, html) = page(s, "", &format!("/t/{id}")).await;
        assert!(!html.contains("评价本次服务"), "{id}: {html}");
        assert!(html.contains("您已完成评价"), "{id}: {html}");
    }
}
on_both_backends!(tracking_follows_a_transfer_and_a_rating);

/// The tracking page on a phone after a transfer: the new number and the
/// place in line are the first thing on the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_sees_the_new_number_after_a_transfer() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    server.app.seed_demo_floor().await.unwrap();
    let staff = server.login("staff").await;
    let (_, t) = server.post("/api/tickets", "", json!({"category": "A"})).await;
    let old = t["id"].as_str().unwrap().to_owned();
    let (st, _) = server.call("POST", &staff, "/api/windows/3/call", None).await;
    assert_eq!(st, 200);
    let (st, moved) = server
        .post(
            &format!("/api/tickets/{old}/transfer"),
            &staff,
            json!({"category": "C"}),
        )
        .await;
    assert_eq!(st, 200, "{moved}");
    let new_number = moved["ticket"]["number"].as_str().unwrap().to_owned();
    let result = async {
        viewport(&browser, 390, 844).await?;
        browser.goto(&server.url(&format!("/t/{old}"))).await?;
        let shown = browser.find(By::Id("ticket-number")).await?.text().await?;
        assert_eq!(shown, new_number);
        for part in ["#moved", "#ticket-number", "#place"] {
            let b = box_of(&browser, part).await?;
            assert!(b.inside((390, 844)), "{part} at {b:?}");
        }
        screenshot(&browser, "track-transferred-390x844.png").await?;
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}
