//! The SQL both backends share (`crates/store/sql/*.rs`), compiled here for
//! PostgreSQL with its own connection types, and what PostgreSQL says
//! differently.

use crate::PostgresStore;

/// The store the shared modules implement the store traits for.
type Backend = PostgresStore;
/// The database the shared modules are compiled for.
type Db = sqlx::Postgres;
/// A connection, on its own or inside a transaction.
type Conn = sqlx::PgConnection;
/// What [`store::Store::backend`] answers.
const NAME: &str = "postgres";

/// The partial indexes a call reads: PostgreSQL's planner finds them itself.
const GREEN_INDEX: &str = "";
const DUE_INDEX: &str = "";

/// Calendar days from `accepted_on` to `completed_on`, as an integer.
const DAYS_TO_COMPLETE: &str = "(completed_on - accepted_on)";

/// Benchmarks: the row numbers `$1 .. $1 + $2 - 1` as `i`.
const SERIES: &str = "(SELECT i FROM generate_series($1::bigint, $1 + $2 - 1) AS s(i))";
/// Benchmarks: the first day `$3` plus `{N}` days.
const ADD_DAYS: &str = "($3::date + CAST({N} AS INTEGER))";
/// Benchmarks: a random id.
const RANDOM_ID: &str = "gen_random_uuid()";
/// Benchmarks: run after a bulk load so the planner knows the new rows.
const ANALYZE_CASES: &str = "VACUUM ANALYZE cases";

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
