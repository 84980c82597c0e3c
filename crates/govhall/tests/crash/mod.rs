//! Crash durability harness: the real `govhall serve` under load from
//! several clients is killed with SIGKILL and started again on the same
//! database, cycle after cycle. Everything it answered 2xx for must still be
//! there with the same number and contents, no number handed out twice, the
//! hall display reconnects and misses no call, and the background jobs
//! resume without doing anything twice.
//!
//! `GOVHALL_CRASH_CYCLES` (default 3, the CI version) sets the kills per
//! backend, `GOVHALL_CRASH_SEED` repeats a run's random load durations.
//! `scripts/crash-test.sh` runs the full version and prints the figures.

mod clients;
mod display;
mod jobs;
mod ledger;
mod server;

use clients::{Ctx, Outcome};
use display::Display;
use ledger::{Findings, Kind, Ledger};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use server::Server;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use store::Store;
use tokio::sync::watch;

/// The data key the servers and the planted records share.
pub const DATA_KEY: &str = "crash-test-data-key-0123456789abcdef";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Kills per run: `GOVHALL_CRASH_CYCLES`, else the short CI version.
fn cycles() -> usize {
    std::env::var("GOVHALL_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(3)
}

/// Runs the whole harness on `backend` and asserts that nothing was lost or done twice.
pub async fn run(backend: Backend) {
    let cycles = cycles();
    let seed = std::env::var("GOVHALL_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    let mut rng = StdRng::seed_from_u64(seed);
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::new(backend, dir.path());
    let mut server = Server::start(&db.url, dir.path()).await;
    let (starts, starts_rx) = watch::channel((0u64, server.base()));
    let mut display = Display::spawn(starts_rx);
    display.connected_to(0).await;
    let http = reqwest::Client::new();
    let mut ledger = Ledger::default();
    let mut planted = jobs::Planted::default();
    let mut findings = Findings::default();
    let mut days = vec![today()];

    for cycle in 1..=cycles {
        let load = Duration::from_millis(rng.random_range(500..=2000));
        let outcome = load_then_kill(&mut server, load, rng.random()).await;
        // The server is down: leave work for its jobs, read this cycle's evaluations back.
        let opened = Db::open(&db.url).await;
        jobs::plant(opened.store(), &mut planted, DATA_KEY).await;
        findings.merge(ledger::verify_store(opened.store(), &outcome.acks).await);
        opened.close().await;
        server.restart().await;
        let base = server.base();
        starts.send_replace((cycle as u64, base.clone()));
        if display.last_id().is_none() {
            // A display that has seen nothing has no Last-Event-ID to catch up with.
            display.connected_to(cycle as u64).await;
        }
        // The cheap check after each restart: this cycle's records through the API.
        let token = login(&http, &base).await;
        findings.merge(ledger::verify_api(&http, &base, &token, &outcome.acks).await);
        println!(
            "cycle {cycle}/{cycles}: {} ms of load, {} acknowledged, {} refused",
            load.as_millis(),
            outcome.acks.len(),
            outcome.refused
        );
        ledger.acks.extend(outcome.acks);
        ledger.refused += outcome.refused;
    }

    // After the last restart: a new call reaches the reconnected display,
    // and every record of the run is read back once more.
    let base = server.base();
    let token = login(&http, &base).await;
    let final_call = call_once(&http, &base, &token).await;
    let final_call_seen = display.sees_call(&final_call, cycles as u64).await;
    findings.merge(ledger::verify_api(&http, &base, &token, &ledger.acks).await);
    days.push(today());
    days.dedup();
    let (from, to) = (days[0], days[days.len() - 1]);
    let check = get(
        &http,
        &base,
        &token,
        &format!("/api/reports/satisfaction/check?from={from}&to={to}"),
    )
    .await;
    if check["consistent"] != json!(true) {
        findings
            .other
            .push(format!("satisfaction counts disagree with the records: {check}"));
    }
    let opened = Db::open(&db.url).await;
    let store = opened.store();
    let waited = Instant::now();
    while !jobs::settled(store, &planted).await {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "the background jobs did not resume: {planted:?}\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    findings.merge(jobs::counted_in_metrics(&http, &base).await);
    server.kill().await;
    drop(starts);

    findings.merge(ledger::verify_store(store, &ledger.acks).await);
    findings.merge(ledger::invariants(store, &days).await);
    findings.duplicates.extend(ledger.duplicate_numbers());
    let (jobs, job_findings) = jobs::check(store, &planted).await;
    findings.merge(job_findings);
    let stored: HashSet<i64> = store
        .call_events_after(0, i64::MAX)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    let (seen_ids, seen_twice, connections) = {
        let seen = display.state.borrow();
        let ids: HashSet<i64> = seen.events.iter().map(|e| e.id).collect();
        (ids, seen.duplicates.clone(), seen.connections)
    };
    let missed = stored.difference(&seen_ids).count();
    if missed > 0 {
        findings
            .other
            .push(format!("the display missed {missed} of {} calls", stored.len()));
    }
    for id in &seen_twice {
        findings
            .duplicates
            .push(format!("the display got call event {id} twice"));
    }
    if !final_call_seen {
        findings.other.push(format!(
            "the display never got {final_call}, called after the last restart"
        ));
    }
    opened.close().await;
    db.drop_now().await;

    let counts = ledger.counts();
    let bad = ledger
        .acks
        .iter()
        .filter(|a| matches!(&a.check, ledger::Check::Evaluation { reasons, .. } if !reasons.is_empty()))
        .count();
    let name = format!("{backend:?}").to_lowercase();
    println!(
        "crash durability [{name}]: {cycles} SIGKILL cycles in {:.1} s (seed {seed})",
        began.elapsed().as_secs_f64()
    );
    println!(
        "  acknowledged: {} tickets, {} calls, {} finishes, {} evaluations ({bad} 差评), {} cases; {} answers refused",
        counts[&Kind::Ticket],
        counts[&Kind::Call],
        counts[&Kind::Finish],
        counts[&Kind::Evaluation],
        counts[&Kind::Case],
        ledger.refused
    );
    println!(
        "  display: {} connections, {} calls stored, {} received, {missed} missed, {} duplicate ids; call after the last restart {}",
        connections,
        stored.len(),
        seen_ids.len(),
        seen_twice.len(),
        if final_call_seen { "received" } else { "MISSING" }
    );
    println!(
        "  jobs (planted/done): SMS invitations {}/{}, escalations {}/{}, no-shows {}/{}; runs without audit record {}",
        jobs.invitations.0,
        jobs.invitations.1,
        jobs.escalations.0,
        jobs.escalations.1,
        jobs.no_shows.0,
        jobs.no_shows.1,
        jobs.unaudited
    );
    println!(
        "CRASH-FIGURES backend={name} cycles={cycles} tickets={} calls={} finishes={} evaluations={} cases={} \
         lost={} changed={} duplicates={} other={} display_missed={missed} seconds={:.1}",
        counts[&Kind::Ticket],
        counts[&Kind::Call],
        counts[&Kind::Finish],
        counts[&Kind::Evaluation],
        counts[&Kind::Case],
        findings.lost.len(),
        findings.changed.len(),
        findings.duplicates.len(),
        findings.other.len(),
        began.elapsed().as_secs_f64()
    );
    assert!(findings.is_clean(), "{}", findings.summary());
    assert!(counts[&Kind::Ticket] > 0 && counts[&Kind::Evaluation] > 0 && counts[&Kind::Case] > 0);
}

/// Runs every client of [`clients::workload`] for `load`, then kills the server under them.
async fn load_then_kill(server: &mut Server, load: Duration, seed: u64) -> Outcome {
    let base = server.base();
    // A fresh client: no pooled connection to a server that is gone.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = clients::workload()
        .iter()
        .enumerate()
        .map(|(i, client)| {
            tokio::spawn(client(Ctx {
                http: http.clone(),
                base: base.clone(),
                stop: stop.clone(),
                seed: seed ^ i as u64,
            }))
        })
        .collect();
    tokio::time::sleep(load).await;
    server.kill().await;
    stop.store(true, Ordering::Relaxed);
    let mut outcome = Outcome::default();
    for t in tasks {
        let o = t.await.unwrap();
        outcome.acks.extend(o.acks);
        outcome.refused += o.refused;
    }
    outcome
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
}

async fn login(http: &reqwest::Client, base: &str) -> String {
    let body = json!({"username": "admin", "password": app::demo::DEMO_PASSWORD});
    let resp = http
        .post(format!("{base}/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200, "admin login");
    let v: Value = resp.json().await.unwrap();
    v["token"].as_str().unwrap().to_owned()
}

async fn get(http: &reqwest::Client, base: &str, token: &str, path: &str) -> Value {
    let resp = http
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200, "GET {path}");
    resp.json().await.unwrap()
}

/// Takes a ticket and calls window 5 (category D); answers the number called.
async fn call_once(http: &reqwest::Client, base: &str, token: &str) -> String {
    let resp = http
        .post(format!("{base}/api/tickets"))
        .json(&json!({"category": "D"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        201,
        "take a ticket after the last restart"
    );
    let resp = http
        .post(format!("{base}/api/windows/5/call"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200, "call after the last restart");
    let v: Value = resp.json().await.unwrap();
    v["ticket"]["number"].as_str().unwrap().to_owned()
}

/// The test's own connection to the database (while the server is down,
/// or beside it for reads).
enum Db {
    Sqlite(store_sqlite::SqliteStore),
    Postgres(store_postgres::PostgresStore),
}

impl Db {
    async fn open(url: &str) -> Db {
        if url.starts_with("sqlite:") {
            Db::Sqlite(store_sqlite::SqliteStore::connect(url).await.unwrap())
        } else {
            Db::Postgres(store_postgres::PostgresStore::connect(url).await.unwrap())
        }
    }

    fn store(&self) -> &dyn Store {
        match self {
            Db::Sqlite(s) => s,
            Db::Postgres(s) => s,
        }
    }

    async fn close(self) {
        match self {
            Db::Sqlite(s) => s.close().await,
            Db::Postgres(s) => s.close().await,
        }
    }
}

/// The throwaway database: a SQLite file in the test's folder, or a
/// PostgreSQL database with a unique name, dropped even when the test fails.
struct Database {
    url: String,
    postgres: bool,
}

impl Database {
    fn new(backend: Backend, dir: &Path) -> Database {
        match backend {
            Backend::Sqlite => Database {
                url: format!("sqlite://{}", dir.join("hall.db").display()),
                postgres: false,
            },
            Backend::Postgres => {
                let server = std::env::var("GOVHALL_TEST_POSTGRES")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
                Database {
                    url: format!("{server}/govhall_crash_{}", uuid::Uuid::now_v7().simple()),
                    postgres: true,
                }
            }
        }
    }

    async fn drop_now(&mut self) {
        if std::mem::take(&mut self.postgres) {
            drop_postgres(&self.url).await;
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if self.postgres {
            // Only after a failure: drop it on a runtime of its own.
            let url = self.url.clone();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
                if let Ok(rt) = rt {
                    rt.block_on(drop_postgres(&url));
                }
            })
            .join();
        }
    }
}

/// A killed server's connections may linger a moment: try a few times.
async fn drop_postgres(url: &str) {
    for attempt in 0..20 {
        match store_postgres::PostgresStore::drop_database(url).await {
            Ok(()) => return,
            Err(e) if attempt == 19 => eprintln!("could not drop {url}: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}
