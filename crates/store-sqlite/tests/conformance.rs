//! The shared storage story on a real SQLite file.
// Tests stop at the first broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use store_sqlite::SqliteStore;

#[tokio::test]
async fn sqlite_passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("conformance.db").display());
    let store = Arc::new(SqliteStore::connect(&url).await.unwrap());
    store::conformance::run_all(store.clone()).await;
    // Damaged rows, written beside the store on the same file.
    let raw = sqlx::SqlitePool::connect(&url).await.unwrap();
    store::conformance_case::unknown_status_is_corrupt(&*store, |sql, id| {
        let raw = raw.clone();
        async move {
            sqlx::query(sql).bind(id).execute(&raw).await.unwrap();
        }
    })
    .await;
    raw.close().await;
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("twice.db").display());
    SqliteStore::connect(&url).await.unwrap().close().await;
    SqliteStore::connect(&url).await.unwrap().close().await;
}

#[tokio::test]
async fn sqlite_generates_the_benchmark_rows() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = SqliteStore::connect(&url).await.unwrap();
    store::conformance_bench::run_all(&store).await;
}
