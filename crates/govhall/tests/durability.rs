//! A ticket acknowledged to a kiosk survives `kill -9` of the server: the
//! group-commit writer answers only after its transaction committed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

fn start(db: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_govhall"))
        .args(["serve", "--demo", "--database", db, "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .env_remove("GOVHALL_DATABASE_URL")
        .env("GOVHALL_LOG", "warn")
        .env("GOVHALL_RATE_LIMIT", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {base} did not start");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_tickets_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("hall.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = start(&db, port);
    wait_ready(&client, &base).await;

    // 32 kiosks take tickets as fast as they can while the server is killed.
    let stop = Arc::new(AtomicBool::new(false));
    let mut kiosks = Vec::new();
    for k in 0..32 {
        let (client, base, stop) = (client.clone(), base.clone(), stop.clone());
        kiosks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let category = ["A", "B", "C", "D"][k % 4];
            while !stop.load(Ordering::Relaxed) {
                let sent = client
                    .post(format!("{base}/api/tickets"))
                    .json(&serde_json::json!({ "category": category }))
                    .send()
                    .await;
                let Ok(r) = sent else { break };
                if r.status().as_u16() != 201 {
                    continue;
                }
                let Ok(v) = r.json::<serde_json::Value>().await else {
                    break;
                };
                acknowledged.push((
                    v["id"].as_str().unwrap().to_owned(),
                    v["number"].as_str().unwrap().to_owned(),
                ));
            }
            acknowledged
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().unwrap(); // SIGKILL: no shutdown, no final flush
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for k in kiosks {
        acknowledged.extend(k.await.unwrap());
    }
    assert!(
        acknowledged.len() > 100,
        "only {} tickets taken",
        acknowledged.len()
    );

    let mut server = start(&db, port);
    wait_ready(&client, &base).await;
    let mut numbers = HashSet::new();
    for (id, number) in &acknowledged {
        let r = client
            .get(format!("{base}/api/tickets/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "acknowledged ticket {number} lost");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["number"].as_str(), Some(number.as_str()));
        assert!(numbers.insert(number.clone()), "{number} handed out twice");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
