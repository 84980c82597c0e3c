//! Synthetic data for benchmarks (`govhall bench evaluations|cases`),
//! generated inside the database so that ten million rows take a minute, not
//! hours. Never used by the hall itself: the app layer's `Arc<dyn Store>`
//! does not carry it; `govhall bench` opens a [`BenchStore`].

use crate::{Store, StoreResult};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;

#[async_trait]
pub trait BenchStore: Store {
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

    /// Inserts `count` synthetic cases numbered from `first`, accepted over
    /// `days` days from `first_day` (12 departments, 40 windows, 48 items;
    /// 2 in 100 still open, some of them overdue).
    async fn generate_cases(
        &self,
        count: i64,
        first: i64,
        first_day: Date,
        days: i64,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Refreshes the planner's statistics after a bulk load.
    async fn analyze_cases(&self) -> StoreResult<()>;
}
