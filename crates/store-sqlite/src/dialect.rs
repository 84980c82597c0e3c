//! What SQLite says differently from the SQL both backends share
//! (`crates/store/sql/`, compiled here as [`crate::shared`]): the types the
//! shared modules are compiled with, and the few fragments of SQL that differ.

use crate::SqliteStore;

/// The store the shared modules implement the store traits for.
pub(crate) type Backend = SqliteStore;
/// The database the shared modules are compiled for.
pub(crate) type Db = sqlx::Sqlite;
/// A connection, on its own or inside a transaction.
pub(crate) type Conn = sqlx::SqliteConnection;
/// What [`store::Store::backend`] answers.
pub(crate) const NAME: &str = "sqlite";

/// Backups: whether table `$1` exists (a count, 0 or 1).
pub(crate) const TABLE_EXISTS: &str = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1";

/// The partial indexes a call reads, named for SQLite's planner, which
/// (without statistics) would prefer the wider index with more equality terms
/// and walk the whole line.
pub(crate) const GREEN_INDEX: &str = "INDEXED BY tickets_green";
pub(crate) const DUE_INDEX: &str = "INDEXED BY tickets_appointments";

/// Calendar days from `accepted_on` to `completed_on`, as an integer.
pub(crate) const DAYS_TO_COMPLETE: &str = "CAST(julianday(completed_on) - julianday(accepted_on) AS INTEGER)";

/// Benchmarks: the row numbers `$1 .. $1 + $2 - 1` as `i`.
pub(crate) const SERIES: &str = "(WITH RECURSIVE seq(i) AS \
    (SELECT $1 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < $1 + $2) SELECT i FROM seq)";
/// Benchmarks: the first day `$3` plus `{N}` days.
pub(crate) const ADD_DAYS: &str = "date($3, '+' || CAST({N} AS TEXT) || ' days')";
/// Benchmarks: the first day of the month of date `{D}`.
pub(crate) const START_OF_MONTH: &str = "date({D}, 'start of month')";
/// Benchmarks: a random id.
pub(crate) const RANDOM_ID: &str = "randomblob(16)";
/// Benchmarks: run after a bulk load so the planner knows the new rows.
pub(crate) const ANALYZE_CASES: &str = "ANALYZE";

/// Benchmarks: the first day `$3` plus `{N}` days at 01:00 UTC (09:00 in
/// the hall) plus `{S}` seconds, as an instant written as jiff writes one.
pub(crate) const AT_OF_DAY: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', $3, '+' || CAST({N} AS TEXT) || ' days', \
    '+' || CAST(3600 + {S} AS TEXT) || ' seconds')";
/// Benchmarks: after loading the supervision tables.
pub(crate) const ANALYZE_SUPERVISION: &str = "ANALYZE";

/// The assessment (issue 16): a group's evaluation ids as one text, comma-separated.
pub(crate) const ID_LIST: &str = "group_concat(hex(id), ',')";

// issue 18: the queue report aggregated in SQL
/// Whole seconds from taking a ticket to its call, and from the call to its
/// end: the virtual columns of migration 0027 (kept in `tickets_report`).
pub(crate) const WAIT_SECONDS: &str = "wait_seconds";
pub(crate) const SERVICE_SECONDS: &str = "service_seconds";
/// The covering index the queue's counts read, named for SQLite's planner,
/// which would otherwise take the unique index on the day and compute the
/// seconds from the table's rows.
pub(crate) const REPORT_INDEX: &str = "INDEXED BY tickets_report";

// issue 18: filling 10 M tickets
/// Benchmarks: a generated batch of tickets goes in day by day, so the
/// indexes that begin with the day (most of the tickets') take each day's
/// rows together instead of one row per day in turn.
pub(crate) const TICKETS_ORDER: &str = "ORDER BY i % $4, i";
/// Benchmarks: the generating connection's page cache (1 GiB), so the
/// tickets' indexes (the random ids' above all) stay in memory while 10 M
/// rows go in; SQLite's default is 2 MB.
pub(crate) const BENCH_CACHE: Option<&str> = Some("PRAGMA cache_size = -1048576");

// issue 18 (session 10): the month's summary at full scale
/// The assessment's counts group each day's rows in the order of their
/// covering index (streaming, no sort of a month's rows), and the store adds
/// the days up; SQLite has no hashed grouping and its sort of 270 k rows cost
/// more than the read.
pub(crate) const DAY_GROUP: &str = "business_date, ";
/// The cases the assessment counts, each part from its covering index.
pub(crate) const CASES_BY_ACCEPTANCE: &str = "INDEXED BY cases_ledger_figures";
pub(crate) const CASES_BY_COMPLETION: &str = "INDEXED BY cases_completed";
pub(crate) const OPEN_CASES_BY_DEADLINE: &str = "INDEXED BY cases_open_deadline";

// issue 18 (session 11): the queue's counts read once, streamed
/// The whole seconds `{X}` of a group's tickets as one text, comma-separated
/// (NULLs left out): the queue's counts group each day's tickets by status,
/// window, staff member and category in `tickets_report`'s order, so SQLite
/// streams a month with no sort and hands over a few thousand lines instead
/// of sorting the month's tickets by every key and second.
pub(crate) const SECONDS_LIST: &str = "group_concat({X}, ',')";
/// The queue's counts' groups: a day's tickets in `tickets_report`'s order.
pub(crate) const TICKET_SECONDS_GROUP: &str = "business_date, status, window_number, called_by, category";
/// The ledger's figures group each day's cases in `cases_ledger_figures`'
/// order (accepted_on, department, item_code): streamed, no sort.
pub(crate) const ACCEPTANCE_DAY_GROUP: &str = "accepted_on, ";
/// The assessment's count of the cases accepted in a month: grouped per day,
/// window, staff member and department in this index's order (migration 0029).
pub(crate) const CASES_ASSESSED_BY_ACCEPTANCE: &str = "INDEXED BY cases_assessment_accepted";
