//! The SQL both backends share (`crates/store/sql/*.rs`), compiled here for
//! SQLite with its own connection types, and what SQLite says differently.

use crate::SqliteStore;

/// The store the shared modules implement the store traits for.
type Backend = SqliteStore;
/// A connection, on its own or inside a transaction.
type Conn = sqlx::SqliteConnection;
/// What [`store::Store::backend`] answers.
const NAME: &str = "sqlite";

#[path = "../../store/sql/foundation.rs"]
mod foundation;
