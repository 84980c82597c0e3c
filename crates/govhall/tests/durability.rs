//! Crashes lose nothing: under load from kiosks, windows, raters and case
//! staff, the real server is killed with SIGKILL and restarted, cycle after
//! cycle, on SQLite and on PostgreSQL. Every record answered 2xx survives
//! with its number and contents, the display reconnects, and the background
//! jobs resume without doing anything twice. See `crash/mod.rs`;
//! `GOVHALL_CRASH_CYCLES=20 scripts/crash-test.sh` runs the full version.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod crash;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_sqlite() {
    crash::run(crash::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_postgres() {
    crash::run(crash::Backend::Postgres).await;
}
