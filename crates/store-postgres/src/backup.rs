//! Backup and restore support for PostgreSQL (备份与恢复): a snapshot that
//! `pg_dump --snapshot` shares (so the printed counts are exactly what the dump
//! holds), the emptiness check of a restore target, and what a database holds.
//! None of these migrate the database they open.

use crate::shared::backup::{facts_of, table_exists};
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Postgres};
use store::StoreError;
use store::backup::{DatabaseFacts, MIGRATIONS_TABLE};

const USER_TABLES: &str = "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'";
const SERVER_VERSION: &str = "SELECT current_setting('server_version_num')";

/// The migration versions this build knows.
pub fn known_versions() -> Vec<i64> {
    super::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .collect()
}

/// A read-only repeatable-read transaction whose snapshot has been exported.
pub struct Snapshot {
    conn: PgConnection,
    /// The id to give `pg_dump --snapshot`.
    pub id: String,
    /// The server's major version (15 for 15.4).
    pub server_major: u32,
}

/// Connects to `url` (which must exist) and opens a snapshot.
pub async fn export_snapshot(url: &str) -> Result<Snapshot, StoreError> {
    let mut conn = PgConnection::connect(url).await.map_err(StoreError::other)?;
    let server_major = server_major(&mut conn).await?;
    sqlx::raw_sql("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut conn)
        .await
        .map_err(StoreError::other)?;
    let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut conn)
        .await
        .map_err(StoreError::other)?;
    Ok(Snapshot {
        conn,
        id,
        server_major,
    })
}

impl Snapshot {
    /// What the snapshot holds; `None` when it is not a govhall database (no migrations table).
    pub async fn facts(&mut self) -> Result<Option<DatabaseFacts>, StoreError> {
        if !table_exists(&mut self.conn, MIGRATIONS_TABLE).await? {
            return Ok(None);
        }
        facts_of(&mut self.conn).await.map(Some)
    }

    /// Ends the transaction (after `pg_dump` finished with the snapshot).
    pub async fn close(mut self) -> Result<(), StoreError> {
        sqlx::raw_sql("ROLLBACK")
            .execute(&mut self.conn)
            .await
            .map_err(StoreError::other)?;
        self.conn.close().await.map_err(StoreError::other)
    }
}

async fn server_major(conn: &mut PgConnection) -> Result<u32, StoreError> {
    let num: String = sqlx::query_scalar(SERVER_VERSION)
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::other)?;
    num.trim()
        .parse::<u32>()
        .map(|n| n / 10_000)
        .map_err(|_| StoreError::Corrupt(format!("server_version_num {num}")))
}

/// Whether the database `url` names exists on its server.
pub async fn database_exists(url: &str) -> Result<bool, StoreError> {
    Postgres::database_exists(url).await.map_err(StoreError::other)
}

/// Creates the (missing) database `url` names.
pub async fn create_database(url: &str) -> Result<(), StoreError> {
    Postgres::create_database(url).await.map_err(StoreError::other)
}

/// Tables in the database's `public` schema.
pub async fn user_tables(url: &str) -> Result<i64, StoreError> {
    let mut conn = PgConnection::connect(url).await.map_err(StoreError::other)?;
    let n: i64 = sqlx::query_scalar(USER_TABLES)
        .fetch_one(&mut conn)
        .await
        .map_err(StoreError::other)?;
    conn.close().await.map_err(StoreError::other)?;
    Ok(n)
}

/// What the database `url` holds now.
pub async fn facts(url: &str) -> Result<DatabaseFacts, StoreError> {
    let mut conn = PgConnection::connect(url).await.map_err(StoreError::other)?;
    let facts = facts_of(&mut conn).await?;
    conn.close().await.map_err(StoreError::other)?;
    Ok(facts)
}
