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

/// Calendar days from `accepted_on` to `completed_on`, as an integer.
const DAYS_TO_COMPLETE: &str = "CAST(julianday(completed_on) - julianday(accepted_on) AS INTEGER)";

/// Benchmarks: the row numbers `$1 .. $1 + $2 - 1` as `i`.
const SERIES: &str = "(WITH RECURSIVE seq(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < $1 + $2) SELECT i FROM seq)";
/// Benchmarks: the first day `$3` plus `{N}` days.
const ADD_DAYS: &str = "date($3, '+' || CAST({N} AS TEXT) || ' days')";
/// Benchmarks: a random id.
const RANDOM_ID: &str = "randomblob(16)";
/// Benchmarks: run after a bulk load so the planner knows the new rows.
const ANALYZE_CASES: &str = "ANALYZE";

#[path = "../../store/sql/bench.rs"]
mod bench;
#[path = "../../store/sql/case.rs"]
mod case;
#[path = "../../store/sql/case_ledger.rs"]
mod case_ledger;
#[path = "../../store/sql/evaluation.rs"]
mod evaluation;
#[path = "../../store/sql/evaluation_record.rs"]
mod evaluation_record;
#[path = "../../store/sql/foundation.rs"]
mod foundation;
#[path = "../../store/sql/home_visit.rs"]
mod home_visit;
#[path = "../../store/sql/pad.rs"]
mod pad;
#[path = "../../store/sql/queue.rs"]
mod queue;
#[path = "../../store/sql/queue_call.rs"]
mod queue_call;
#[path = "../../store/sql/queue_take.rs"]
mod queue_take;
