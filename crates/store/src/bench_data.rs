//! Synthetic data for benchmarks (`govhall bench evaluations`), generated
//! inside the database so that ten million rows take a minute, not hours.
//! Never used by the hall itself.

use crate::StoreResult;
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;

#[async_trait]
pub trait BenchData: Send + Sync {
    /// Inserts `count` evaluations spread over `days` days from `first_day`
    /// (40 windows, 3 staff each, 12 departments, 4 items a window, four
    /// channels, mostly satisfied) and adds them to the rollup.
    /// Rows are numbered from `first`, so calls for successive batches never collide.
    async fn generate_evaluations(
        &self,
        count: i64,
        first: i64,
        first_day: Date,
        days: i64,
        at: Timestamp,
    ) -> StoreResult<()>;
}

/// The generated rows, as SQL expressions of the row number `i` (shared by
/// both backends; only date arithmetic and random ids differ).
pub const GENERATED_COLUMNS: &str = "'bench:' || CAST(i AS TEXT), NULL, NULL, \
    CASE (i / 3) % 10 WHEN 0 THEN 'online' WHEN 1 THEN 'phone' WHEN 2 THEN 'sms' ELSE 'pad' END, \
    CASE WHEN i % 97 = 0 THEN 'dissatisfied' WHEN i % 389 = 0 THEN 'very_dissatisfied' WHEN i % 13 = 0 THEN 'basic' \
         WHEN (i / 11) % 3 = 0 THEN 'satisfied' ELSE 'very_satisfied' END, \
    '[]', ''";

/// Window, department, staff and item of row `i`.
pub const GENERATED_WHO: &str = "CAST(1 + i % 40 AS TEXT), '部门' || CAST((i % 40) % 12 AS TEXT), \
    'staff' || CAST((i % 40) * 3 + (i / 40) % 3 AS TEXT), 'ITEM-' || CAST((i % 40) * 4 + (i / 7) % 4 AS TEXT)";

/// The rollup of one generated batch (`$1`: its `recorded_by`).
pub const ROLLUP_OF_GENERATED: &str = "INSERT INTO evaluation_counts (business_date, window_number, department, staff, \
    item, channel, level, n, n_excluded) SELECT business_date, window_number, department, staff, item, channel, level, \
    SUM(weight), 0 FROM evaluations WHERE recorded_by = $1 GROUP BY business_date, window_number, department, \
    staff, item, channel, level ON CONFLICT (business_date, window_number, department, staff, item, channel, level) \
    DO UPDATE SET n = evaluation_counts.n + excluded.n";
