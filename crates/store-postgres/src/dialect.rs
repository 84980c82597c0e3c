//! What PostgreSQL says differently from the SQL both backends share
//! (`crates/store/sql/`, compiled here as [`crate::shared`]): the types the
//! shared modules are compiled with, and the few fragments of SQL that differ.

use crate::PostgresStore;

/// The store the shared modules implement the store traits for.
pub(crate) type Backend = PostgresStore;
/// The database the shared modules are compiled for.
pub(crate) type Db = sqlx::Postgres;
/// A connection, on its own or inside a transaction.
pub(crate) type Conn = sqlx::PgConnection;
/// What [`store::Store::backend`] answers.
pub(crate) const NAME: &str = "postgres";

/// Backups: whether table `$1` exists (a count, 0 or 1).
pub(crate) const TABLE_EXISTS: &str =
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename = $1";

/// The partial indexes a call reads: PostgreSQL's planner finds them itself.
pub(crate) const GREEN_INDEX: &str = "";
pub(crate) const DUE_INDEX: &str = "";

/// Calendar days from `accepted_on` to `completed_on`, as an integer.
pub(crate) const DAYS_TO_COMPLETE: &str = "(completed_on - accepted_on)";

/// Benchmarks: the row numbers `$1 .. $1 + $2 - 1` as `i`.
pub(crate) const SERIES: &str = "(SELECT i FROM generate_series($1::bigint, $1 + $2 - 1) AS s(i))";
/// Benchmarks: the first day `$3` plus `{N}` days.
pub(crate) const ADD_DAYS: &str = "($3::date + CAST({N} AS INTEGER))";
/// Benchmarks: the first day of the month of date `{D}`.
pub(crate) const START_OF_MONTH: &str = "CAST(date_trunc('month', {D}) AS DATE)";
/// Benchmarks: a random id.
pub(crate) const RANDOM_ID: &str = "gen_random_uuid()";
/// Benchmarks: run after a bulk load so the planner knows the new rows.
pub(crate) const ANALYZE_CASES: &str = "VACUUM ANALYZE cases";

/// Benchmarks: the first day `$3` plus `{N}` days at 01:00 UTC (09:00 in
/// the hall) plus `{S}` seconds, as an instant.
pub(crate) const AT_OF_DAY: &str = "((($3::date + CAST({N} AS INTEGER))::timestamp + (3600 + CAST({S} AS INTEGER)) * INTERVAL '1 second') AT TIME ZONE 'UTC')";
/// Benchmarks: after loading the supervision tables (vacuumed too, so the
/// tickets' pages are all-visible and the queue report's index-only reads
/// need no heap, as for a hall's closed days after autovacuum).
pub(crate) const ANALYZE_SUPERVISION: &str =
    "VACUUM ANALYZE complaints, inspections, inspection_staff, inspection_results, tickets";

/// The assessment (issue 16): a group's evaluation ids as one text, comma-separated.
pub(crate) const ID_LIST: &str = "string_agg(id::text, ',')";

// issue 18: the queue report aggregated in SQL
/// Whole seconds from taking a ticket to its call, and from the call to its
/// end, truncated toward zero (as `jiff::SignedDuration::as_secs`); NULL
/// without both instants. PostgreSQL keeps microseconds, so the difference is
/// exact before it is truncated.
///
/// `date_part` gives the seconds as a double: exact for whole seconds, and a
/// fraction in microseconds lies at least 10⁻⁶ from a whole second, far more
/// than a double's error at these sizes, so the truncation is the same as
/// over `EXTRACT`'s numeric, which costs several times more per ticket.
pub(crate) const WAIT_SECONDS: &str = "CAST(TRUNC(date_part('epoch', called_at - taken_at)) AS BIGINT)";
pub(crate) const SERVICE_SECONDS: &str = "CAST(TRUNC(date_part('epoch', finished_at - called_at)) AS BIGINT)";
/// PostgreSQL's planner finds `tickets_report` itself.
pub(crate) const REPORT_INDEX: &str = "";

// issue 18: filling 10 M tickets
/// Benchmarks: PostgreSQL takes the tickets in series order (as before).
pub(crate) const TICKETS_ORDER: &str = "";
/// Benchmarks: PostgreSQL's buffers are the server's.
pub(crate) const BENCH_CACHE: Option<&str> = None;

// issue 18 (session 10): the month's summary at full scale
/// PostgreSQL groups a month's rows by hashing: no need to group by day.
pub(crate) const DAY_GROUP: &str = "";
/// PostgreSQL's planner picks the cases' indexes itself.
pub(crate) const CASES_BY_ACCEPTANCE: &str = "";
pub(crate) const CASES_BY_COMPLETION: &str = "";
pub(crate) const OPEN_CASES_BY_DEADLINE: &str = "";

// issue 18 (session 11): the queue's counts read once
/// The whole seconds `{X}` of a group's tickets as one text, comma-separated
/// (NULLs left out).
pub(crate) const SECONDS_LIST: &str = "string_agg(CAST({X} AS TEXT), ',')";
/// The queue's counts' groups, day by day in `tickets_report`'s order
/// (business_date, category, status, window_number, called_by; migration
/// 0030): PostgreSQL aggregates them as it reads the index. Over the whole
/// period its planner (expecting far more groups than a hall has) sorted the
/// month's tickets and spilled to disk: 380 ms against 115 ms at 274 k tickets.
pub(crate) const TICKET_SECONDS_GROUP: &str = "business_date, category, status, window_number, called_by";
/// PostgreSQL hashes the ledger's groups over the whole period.
pub(crate) const ACCEPTANCE_DAY_GROUP: &str = "";
/// PostgreSQL's planner picks the index (it hashes the groups).
pub(crate) const CASES_ASSESSED_BY_ACCEPTANCE: &str = "";
