//! The embedded SQLite backend (默认存储): one file, WAL journal, foreign keys on.
//! Needs no set-up: the file is created and migrated on first use.

pub mod backup;
mod dialect;
#[path = "../../store/sql/mod.rs"]
mod shared;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;
use store::StoreError;

pub struct SqliteStore {
    pool: SqlitePool,
    /// Writers take turns here before asking SQLite for its write lock.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `url`
    /// (`sqlite://PATH` or `sqlite::memory:`).
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::other)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL with NORMAL is durable across application crashes; only an
            // OS crash can lose the last commits, a trade every embedded hall accepts.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // issue 18: reports group a month's rows by sorting them (SQLite
            // has no hashed grouping): the sort stays in memory, and each
            // connection keeps 32 MB of pages (SQLite's default is 2 MB) so a
            // report's index pages are not read again from the file.
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-32768");
        let in_memory = url.contains(":memory:");
        let pool = SqlitePoolOptions::new()
            // An in-memory database lives in one connection only.
            .max_connections(if in_memory { 1 } else { 8 })
            .connect_with(options)
            .await
            .map_err(StoreError::other)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::other)?;
        Ok(SqliteStore {
            pool,
            write_turn: std::sync::Arc::default(),
        })
    }

    /// A write transaction that holds SQLite's write lock from its first
    /// statement (so two writers never both read and then both write), taken
    /// in turn with this process's other writers.
    async fn begin_write(&self) -> Result<store::write_tx::WriteTx<sqlx::Sqlite>, StoreError> {
        let turn = store::write_tx::take_turn(&self.write_turn).await;
        let tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::other)?;
        Ok(store::write_tx::WriteTx::new(tx, Some(turn)))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One process owns the file: its own broadcast carries every call.
impl store::queue::RemoteCalls for SqliteStore {}
