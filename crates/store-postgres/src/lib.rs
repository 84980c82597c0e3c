//! The PostgreSQL backend (省级部署): several stateless govhall instances
//! share one database. The database is created if it does not exist yet.

pub mod backup;
mod dialect;
#[path = "../../store/sql/mod.rs"]
mod shared;

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};
use std::time::Duration;
use store::StoreError;

pub struct PostgresStore {
    pool: PgPool,
}

/// The advisory lock key of queue writes ("GOVHALLQ").
const QUEUE_LOCK: i64 = 0x474F_5648_414C_4C51;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl PostgresStore {
    /// Connects to `url`, creating the database when missing, and migrates it.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        if !Postgres::database_exists(url).await.map_err(StoreError::other)? {
            Postgres::create_database(url).await.map_err(StoreError::other)?;
        }
        // issue 18: no JIT. The reports' range reads take a few hundred
        // milliseconds at most, and compiling them costs more than it saves
        // (measured on the monthly summary's counts: about 200 ms each). And
        // 32 MB for a sort or hash (the server's default is 4 MB), so a
        // month's counts group in memory instead of spilling to disk (the
        // assessment's cases: 261 → 135 ms).
        let options = url
            .parse::<sqlx::postgres::PgConnectOptions>()
            .map_err(StoreError::other)?
            .options([("jit", "off"), ("work_mem", "32MB")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(StoreError::other)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::other)?;
        Ok(PostgresStore { pool })
    }

    /// A write transaction serialised with every other queue write of the
    /// database (all instances) by a transaction-scoped advisory lock.
    async fn begin_write(&self) -> Result<store::write_tx::WriteTx<Postgres>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::other)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(QUEUE_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::other)?;
        Ok(store::write_tx::WriteTx::new(tx, None))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Drops a database (for tests that made a throwaway one).
    pub async fn drop_database(url: &str) -> Result<(), StoreError> {
        Postgres::force_drop_database(url)
            .await
            .map_err(StoreError::other)
    }
}

#[async_trait::async_trait]
impl store::queue::RemoteCalls for PostgresStore {
    /// LISTENs for the call-event trigger. The listener reconnects by itself
    /// (sqlx's PgListener), and a reader that missed notifications catches up
    /// from call_events by id, so a lost notification only delays a call.
    async fn remote_calls(&self) -> store::StoreResult<Option<tokio::sync::mpsc::Receiver<i64>>> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool)
            .await
            .map_err(StoreError::other)?;
        listener
            .listen("govhall_calls")
            .await
            .map_err(StoreError::other)?;
        let (tx, rx) = tokio::sync::mpsc::channel(1024);
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(n) => {
                        let id = n.payload().parse().unwrap_or(0);
                        if tx.send(id).await.is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "call notifications interrupted; reconnecting");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(Some(rx))
    }
}
