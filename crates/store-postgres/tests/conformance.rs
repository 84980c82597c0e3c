//! The shared storage story on a real PostgreSQL server, in a throwaway
//! database that is dropped afterwards. The server is found through
//! GOVHALL_TEST_POSTGRES (default: the local server with trust auth).
// Tests stop at the first broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use store_postgres::PostgresStore;

fn server() -> String {
    std::env::var("GOVHALL_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

#[tokio::test]
async fn postgres_passes_the_conformance_suite() {
    let url = format!("{}/govhall_conf_{}", server(), uuid::Uuid::now_v7().simple());
    let store = Arc::new(PostgresStore::connect(&url).await.unwrap());
    store::conformance::run_all(store.clone()).await;
    // Damaged rows, written beside the store in the same database.
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    store::conformance_case::unknown_status_is_corrupt(&*store, |sql, id| {
        let raw = raw.clone();
        async move {
            sqlx::query(sql).bind(id).execute(&raw).await.unwrap();
        }
    })
    .await;
    raw.close().await;
    store.close().await;
    PostgresStore::drop_database(&url).await.unwrap();
}

#[tokio::test]
async fn postgres_generates_the_benchmark_rows() {
    let url = format!("{}/govhall_bench_{}", server(), uuid::Uuid::now_v7().simple());
    let store = PostgresStore::connect(&url).await.unwrap();
    store::conformance_bench::run_all(&store).await;
    store.close().await;
    PostgresStore::drop_database(&url).await.unwrap();
}
