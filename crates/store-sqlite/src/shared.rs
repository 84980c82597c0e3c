//! The SQL both backends share (`crates/store/sql/*.rs`), compiled here for
//! SQLite with its own connection types, and what SQLite says differently.

use crate::SqliteStore;

/// The store the shared modules implement the store traits for.
type Backend = SqliteStore;
/// The database the shared modules are compiled for.
type Db = sqlx::Sqlite;
/// A connection, on its own or inside a transaction.
type Conn = sqlx::SqliteConnection;
/// What [`store::Store::backend`] answers.
const NAME: &str = "sqlite";

/// The partial indexes a call reads, named for SQLite's planner, which
/// (without statistics) would prefer the wider index with more equality terms
/// and walk the whole line.
const GREEN_INDEX: &str = "INDEXED BY tickets_green";
const DUE_INDEX: &str = "INDEXED BY tickets_appointments";

#[path = "../../store/sql/case.rs"]
mod case;
#[path = "../../store/sql/foundation.rs"]
mod foundation;
#[path = "../../store/sql/queue.rs"]
mod queue;
#[path = "../../store/sql/queue_call.rs"]
mod queue_call;
#[path = "../../store/sql/queue_take.rs"]
mod queue_take;
