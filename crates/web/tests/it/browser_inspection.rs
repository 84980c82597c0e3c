//! An inspection on a tablet held upright: the inspector chooses the window
//! (its staff pre-filled), marks two items 不合格 with the running total
//! following, attaches a photo through the camera input, submits, and sees
//! it listed with its deduction; the page fits 800×1280 and 768×1024.

use crate::browser::{chromium, finish, overflow, screenshot, sign_in, viewport, wait_for};
use crate::support::{Backend, TestServer};
use thirtyfour::prelude::*;

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A real `width`×`height` RGB PNG (a colour gradient), deflate-stored.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0);
        for x in 0..width {
            raw.extend_from_slice(&[(x * 255 / width) as u8, (y * 255 / height) as u8, 160]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Brings `e` to the middle of the screen (clear of the sticky total bar) and taps it.
async fn tap(browser: &WebDriver, e: &WebElement) -> WebDriverResult<()> {
    browser
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![e.to_json()?],
        )
        .await?;
    e.click().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspection_on_a_portrait_tablet_with_a_photo() {
    let Some((_driver, browser)) = chromium().await else {
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    server.app.seed_demo_floor().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("counter.png");
    std::fs::write(&photo, png(320, 240)).unwrap();
    let result = async {
        viewport(&browser, 800, 1280).await?;
        sign_in(&browser, &server, "supervisor", "/supervise").await?;
        wait_for(&browser, "form#supervise").await?;

        // The window's staff are pre-filled when it is chosen.
        browser
            .find(By::Css("#window option[value='3']"))
            .await?
            .click()
            .await?;
        assert_eq!(
            browser.find(By::Id("staff")).await?.value().await?.as_deref(),
            Some("staff")
        );
        browser
            .find(By::Css("input[name=kind][value=patrol]"))
            .await?
            .click()
            .await?;

        // Two items fail; the running total follows.
        for (code, note) in [
            ("on_post", "10:20 窗口无人，离岗约8分钟"),
            ("gestures", "递接材料未用双手"),
        ] {
            let item = browser.find(By::Css(format!(".item[data-code={code}]"))).await?;
            tap(&browser, &item.find(By::Css("label.fail")).await?).await?;
            item.find(By::Css("input.note")).await?.send_keys(note).await?;
        }
        assert_eq!(browser.find(By::Id("total")).await?.text().await?, "2.5");
        tap(
            &browser,
            &browser
                .find(By::Css(".item[data-code=gestures] label.pass"))
                .await?,
        )
        .await?;
        assert_eq!(browser.find(By::Id("total")).await?.text().await?, "2");
        tap(
            &browser,
            &browser
                .find(By::Css(".item[data-code=gestures] label.fail"))
                .await?,
        )
        .await?;
        assert_eq!(browser.find(By::Id("total")).await?.text().await?, "2.5");

        // A photo through the camera input, previewed before sending.
        browser
            .find(By::Id("photos"))
            .await?
            .send_keys(photo.display().to_string())
            .await?;
        wait_for(&browser, "#photo-list img").await?;
        browser
            .execute(
                "document.querySelector('#photo-list').scrollIntoView({block: 'center'});",
                vec![],
            )
            .await?;
        assert!(overflow(&browser).await? <= 0.0, "wider than an 800px tablet");
        browser
            .screenshot(std::path::Path::new("/tmp/supervise-tablet-photo.png"))
            .await?;
        browser.execute("window.scrollTo(0, 0);", vec![]).await?;
        browser
            .screenshot(std::path::Path::new("/tmp/supervise-tablet.png"))
            .await?;
        screenshot(&browser, "supervise-tablet-800.png").await?;

        tap(&browser, &browser.find(By::Id("submit")).await?).await?;
        let ok = wait_for(&browser, ".ok-box").await?;
        let text = ok.text().await?;
        assert!(text.contains("3号窗口") && text.contains("扣2.5分"), "{text}");
        let table = browser.find(By::Css("table.today")).await?.text().await?;
        assert!(
            table.contains("3号") && table.contains("2.5") && table.contains("在岗在位"),
            "{table}"
        );

        // Stored with its photo, as the PNG it is.
        let sup = server.login("supervisor").await;
        let (status, list) = server.get("/api/inspections?window=3", &sup).await;
        assert_eq!(status, 200);
        let row = &list["items"][0];
        assert_eq!(row["deduction"].as_f64(), Some(2.5), "{list}");
        assert_eq!(row["kind"], "patrol");
        assert_eq!(row["photo_count"], 1);
        let id = row["id"].as_str().unwrap();
        let (_, detail) = server.get(&format!("/api/inspections/{id}"), &sup).await;
        assert_eq!(detail["photos"][0]["content_type"], "image/png", "{detail}");
        assert_eq!(detail["results"][0]["note"], "10:20 窗口无人，离岗约8分钟");

        // The smaller tablet, upright, still fits.
        viewport(&browser, 768, 1024).await?;
        browser.goto(&server.url("/supervise")).await?;
        wait_for(&browser, "form#supervise").await?;
        assert!(overflow(&browser).await? <= 0.0, "wider than a 768px tablet");
        screenshot(&browser, "supervise-tablet-768.png").await?;
        Ok::<(), WebDriverError>(())
    }
    .await;
    finish(browser, server, result).await;
}
