//! A write transaction that may also hold an in-process lock.
//!
//! SQLite has one writer at a time; letting eight pooled connections race
//! for its lock means SQLITE_BUSY and the busy handler's sleeps (a p99 of
//! hundreds of milliseconds). Queuing writers on a tokio mutex first makes
//! them take turns without sleeping.

use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

pub struct WriteTx<DB: sqlx::Database> {
    tx: sqlx::Transaction<'static, DB>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    pub fn new(tx: sqlx::Transaction<'static, DB>, turn: Option<OwnedMutexGuard<()>>) -> WriteTx<DB> {
        WriteTx { tx, _turn: turn }
    }

    /// The connection to run statements on.
    pub fn conn(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Waits for this process's turn to write.
pub async fn take_turn(lock: &Arc<Mutex<()>>) -> OwnedMutexGuard<()> {
    lock.clone().lock_owned().await
}
