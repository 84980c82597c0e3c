//! Backup and restore of the SQLite file (备份与恢复): an online copy with
//! `VACUUM INTO`, the checks a backup file must pass, and the emptiness check
//! of a restore target. None of these migrate the database they open.

use crate::shared::backup::{facts_of, table_exists};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use store::StoreError;
use store::backup::{DatabaseFacts, Inspection, MIGRATIONS_TABLE};

const USER_TABLES: &str =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/// The migration versions this build knows.
pub fn known_versions() -> Vec<i64> {
    super::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .collect()
}

/// The file a `sqlite://PATH` URL names; `None` for an in-memory database.
pub fn database_path(url: &str) -> Result<Option<PathBuf>, StoreError> {
    if url.contains(":memory:") {
        return Ok(None);
    }
    let options = SqliteConnectOptions::from_str(url).map_err(StoreError::other)?;
    Ok(Some(options.get_filename().to_path_buf()))
}

/// Opens an existing database that a server may be using (WAL), without
/// creating or migrating it.
async fn open_live(path: &Path) -> Result<SqliteConnection, StoreError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10));
    SqliteConnection::connect_with(&options)
        .await
        .map_err(StoreError::other)
}

/// Opens a backup file that nothing else writes to: read-only, no locks.
async fn open_file(path: &Path) -> Result<SqliteConnection, StoreError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .read_only(true)
        .immutable(true);
    SqliteConnection::connect_with(&options)
        .await
        .map_err(StoreError::other)
}

fn utf8(path: &Path) -> Result<&str, StoreError> {
    path.to_str().ok_or_else(|| {
        StoreError::other(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("path {} is not UTF-8", path.display()),
        ))
    })
}

/// Writes a consistent copy of the database at `url` to `dest` (which must not
/// exist) while other connections keep writing: `VACUUM INTO` reads the whole
/// database in one read transaction, so the copy is one committed state.
pub async fn vacuum_into(url: &str, dest: &Path) -> Result<(), StoreError> {
    let source =
        database_path(url)?.ok_or_else(|| StoreError::NotFound("a file for an in-memory database".into()))?;
    let mut conn = open_live(&source).await?;
    sqlx::query("VACUUM INTO $1")
        .bind(utf8(dest)?)
        .execute(&mut conn)
        .await
        .map_err(StoreError::other)?;
    conn.close().await.map_err(StoreError::other)
}

/// Checks a backup file: `PRAGMA integrity_check`, the migrations table, and
/// what it holds. A file that is not a database at all is an error.
pub async fn inspect(path: &Path) -> Result<Inspection, StoreError> {
    let mut conn = open_file(path).await?;
    let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(StoreError::other)?;
    let problems = lines.into_iter().filter(|l| l != "ok").collect();
    let has_migrations = table_exists(&mut conn, MIGRATIONS_TABLE).await?;
    let facts = facts_of(&mut conn).await?;
    conn.close().await.map_err(StoreError::other)?;
    Ok(Inspection {
        problems,
        has_migrations,
        facts,
    })
}

/// Tables in the database at `path` (0 when the file does not exist).
pub async fn user_tables(path: &Path) -> Result<i64, StoreError> {
    if !path.exists() {
        return Ok(0);
    }
    let mut conn = open_live(path).await?;
    let n: i64 = sqlx::query_scalar(USER_TABLES)
        .fetch_one(&mut conn)
        .await
        .map_err(StoreError::other)?;
    conn.close().await.map_err(StoreError::other)?;
    Ok(n)
}

/// What the database at `path` holds now.
pub async fn facts(path: &Path) -> Result<DatabaseFacts, StoreError> {
    let mut conn = open_live(path).await?;
    let facts = facts_of(&mut conn).await?;
    conn.close().await.map_err(StoreError::other)?;
    Ok(facts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn a_copy_checks_out_and_an_empty_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("a.db").display());
        let store = crate::SqliteStore::connect(&url).await.unwrap();
        let copy = dir.path().join("copy.db");
        vacuum_into(&url, &copy).await.unwrap();
        store.close().await;
        let inspection = inspect(&copy).await.unwrap();
        assert!(inspection.is_sound(), "{inspection:?}");
        assert_eq!(inspection.facts.versions, known_versions());
        assert_eq!(inspection.facts.count("tickets"), Some(0));
        assert!(user_tables(&copy).await.unwrap() > 0);
        assert_eq!(user_tables(&dir.path().join("none.db")).await.unwrap(), 0);
        std::fs::write(
            dir.path().join("garbage.db"),
            b"not a database at all, really not",
        )
        .unwrap();
        assert!(inspect(&dir.path().join("garbage.db")).await.is_err());
    }
}
