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
