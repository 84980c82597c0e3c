//! A citizen's path in real headless Chromium: search 开饭店 on the portal,
//! open the guide, see its materials. Needs Debian's chromium and
//! chromium-driver (the test command installs them); without them the test
//! is skipped outside CI and fails in CI.

use crate::support::{Backend, TestServer};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find(binary: &str) -> Option<String> {
    ["/usr/bin/", "/usr/local/bin/"]
        .iter()
        .map(|d| format!("{d}{binary}"))
        .find(|p| std::path::Path::new(p).exists())
}

async fn start_driver() -> Option<(Driver, String)> {
    let path = find("chromedriver")?;
    let port = free_port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let driver = Driver(child);
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if client
            .get(format!("{url}/status"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Some((driver, url));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_finds_the_food_licence_guide() {
    let required =
        std::env::var("CI").is_ok_and(|v| v == "true") || std::env::var("GOVHALL_BROWSER_TESTS").is_ok();
    let Some((_driver, driver_url)) = start_driver().await else {
        assert!(
            !required,
            "chromedriver is required here (CI or GOVHALL_BROWSER_TESTS) but could not be started"
        );
        eprintln!("skipped: chromedriver not installed");
        return;
    };
    let server = TestServer::start(Backend::Sqlite).await;
    let mut caps = DesiredCapabilities::chrome();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
    ] {
        caps.add_arg(arg).unwrap();
    }
    let browser = WebDriver::new(&driver_url, caps).await.unwrap();
    let result = async {
        browser.goto(&server.url("/")).await?;
        let search = browser.find(By::Css("input[name=q]")).await?;
        search.send_keys("开饭店").await?;
        browser
            .find(By::Css("form.search button[type=submit]"))
            .await?
            .click()
            .await?;
        let first = browser.query(By::Css("ul.results a.name")).first().await?;
        assert_eq!(first.text().await?, "食品经营许可");
        first.click().await?;
        let heading = browser.query(By::Css("h1")).first().await?;
        assert!(heading.text().await?.contains("食品经营许可"));
        let rows = browser.find_all(By::Css("table tbody tr")).await?;
        assert_eq!(rows.len(), 6, "six materials in the guide");
        let first_row = rows[0].text().await?;
        assert!(
            first_row.contains("食品经营许可申请书") && first_row.contains("原件"),
            "{first_row}"
        );
        if let Ok(dir) = std::env::var("GOVHALL_SCREENSHOTS") {
            browser
                .screenshot(&std::path::Path::new(&dir).join("guide.png"))
                .await?;
        }
        Ok::<(), WebDriverError>(())
    }
    .await;
    browser.quit().await.unwrap();
    server.stop().await;
    result.unwrap();
}
