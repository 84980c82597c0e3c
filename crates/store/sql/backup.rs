//! What `govhall backup` and `govhall restore` read of a database, shared by
//! both backends: the migrations applied to it and the rows of a few tables
//! (those that exist), so an administrator sees that a backup is real.

use crate::dialect::{Conn, TABLE_EXISTS};
use store::StoreError;
use store::backup::{APPLIED_VERSIONS, COUNTED_TABLES, DatabaseFacts, MIGRATIONS_TABLE, count_sql};

pub(crate) async fn table_exists(conn: &mut Conn, table: &str) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(TABLE_EXISTS)
        .bind(table)
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::other)?;
    Ok(n > 0)
}

/// Applied migrations and the counted tables' rows (tables that exist).
pub(crate) async fn facts_of(conn: &mut Conn) -> Result<DatabaseFacts, StoreError> {
    let mut facts = DatabaseFacts::default();
    if table_exists(conn, MIGRATIONS_TABLE).await? {
        facts.versions = sqlx::query_scalar(APPLIED_VERSIONS)
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::other)?;
    }
    for (table, name) in COUNTED_TABLES {
        if table_exists(conn, table).await? {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql(table)))
                .fetch_one(&mut *conn)
                .await
                .map_err(StoreError::other)?;
            facts.counts.push((table, name, n));
        }
    }
    Ok(facts)
}
