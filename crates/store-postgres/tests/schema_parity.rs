//! Schema parity (两库结构一致): the SQLite and PostgreSQL migrations, each
//! written natively for its database, produce the same tables with the same
//! columns in the same order, nullable in the same places, and the same
//! named indexes, so the SQL both backends share reads and writes the same
//! thing on either and finds the same indexes.
// Tests stop at the first broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use store_postgres::PostgresStore;
use store_sqlite::SqliteStore;

/// Per table, its columns in order with whether each may be NULL.
type Schema = BTreeMap<String, Vec<(String, bool)>>;

/// The named indexes (not those a key or UNIQUE makes), as (table, index).
type Indexes = BTreeSet<(String, String)>;

/// Tables that are the migration tool's or the database's own.
const NOT_OURS: [&str; 1] = ["_sqlx_migrations"];

fn server() -> String {
    std::env::var("GOVHALL_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

async fn sqlite_schema(conn: &mut SqliteConnection) -> Schema {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for table in tables.into_iter().filter(|t| !NOT_OURS.contains(&t.as_str())) {
        // A primary key column is never NULL on PostgreSQL; SQLite leaves
        // `notnull` unset on it, so it is read as not nullable here.
        let columns: Vec<(String, bool)> =
            sqlx::query_as("SELECT name, \"notnull\" = 0 AND pk = 0 FROM pragma_table_info($1) ORDER BY cid")
                .bind(&table)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        schema.insert(table, columns);
    }
    schema
}

async fn sqlite_indexes(conn: &mut SqliteConnection) -> Indexes {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    rows.into_iter().collect()
}

async fn postgres_indexes(conn: &mut PgConnection) -> Indexes {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT tablename::text, indexname::text FROM pg_indexes i WHERE schemaname = 'public' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    rows.into_iter().collect()
}

async fn postgres_schema(conn: &mut PgConnection) -> Schema {
    let rows: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.is_nullable = 'YES' \
         FROM information_schema.columns c \
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (table, column, nullable) in rows {
        if !NOT_OURS.contains(&table.as_str()) {
            schema.entry(table).or_default().push((column, nullable));
        }
    }
    schema
}

#[tokio::test]
async fn both_migration_histories_make_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parity.db");
    let sqlite_url = format!("sqlite://{}", path.display());
    SqliteStore::connect(&sqlite_url).await.unwrap().close().await;
    let mut sqlite = SqliteConnection::connect(&sqlite_url).await.unwrap();
    let lite = sqlite_schema(&mut sqlite).await;
    let lite_indexes = sqlite_indexes(&mut sqlite).await;
    sqlite.close().await.unwrap();

    let pg_url = format!("{}/govhall_parity_{}", server(), uuid::Uuid::now_v7().simple());
    PostgresStore::connect(&pg_url).await.unwrap().close().await;
    let mut pg = PgConnection::connect(&pg_url).await.unwrap();
    let postgres = postgres_schema(&mut pg).await;
    let postgres_indexes = postgres_indexes(&mut pg).await;
    pg.close().await.unwrap();
    PostgresStore::drop_database(&pg_url).await.unwrap();

    assert!(lite.len() > 20, "the migrations ran: {:?}", lite.keys());
    assert_eq!(
        lite.keys().collect::<Vec<_>>(),
        postgres.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, columns) in &lite {
        assert_eq!(
            Some(columns),
            postgres.get(table),
            "table {table}: (column, nullable) on SQLite, then on PostgreSQL"
        );
    }
    assert!(!lite_indexes.is_empty());
    assert_eq!(lite_indexes, postgres_indexes, "the same named indexes");
}

/// One migration history per backend, the same number and name for each change.
#[test]
fn both_backends_have_the_same_migration_names() {
    let names = |backend: &str| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(backend)
            .join("migrations");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = names("store-sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("store-postgres"));
    assert_eq!(
        store_sqlite::backup::known_versions(),
        store_postgres::backup::known_versions()
    );
}
