//! Synthetic data for benchmarks (`govhall bench evaluations|cases`),
//! generated inside the database so that ten million rows take a minute, not
//! hours. Never used by the hall itself: the app layer's `Arc<dyn Store>`
//! does not carry it; `govhall bench` opens a [`BenchStore`].

use crate::{Store, StoreResult};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;

/// One batch of synthetic rows: `count` rows numbered from `first` (so
/// successive batches never collide), spread over `days` days from
/// `first_day`, stamped `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchBatch {
    pub count: i64,
    pub first: i64,
    pub first_day: Date,
    pub days: i64,
    pub at: Timestamp,
}

#[async_trait]
pub trait BenchStore: Store {
    /// Inserts a batch of evaluations (40 windows, 3 staff each, 12
    /// departments, 4 items a window, four channels, mostly satisfied) and
    /// adds them to the rollup.
    async fn generate_evaluations(&self, batch: &BenchBatch) -> StoreResult<()>;

    /// Inserts a batch of cases, accepted over the batch's days (12
    /// departments, 40 windows, 48 items; 2 in 100 still open, some of them
    /// overdue).
    async fn generate_cases(&self, batch: &BenchBatch) -> StoreResult<()>;

    /// Inserts a batch of complaints received over the batch's days (12
    /// departments, 40 windows, 120 staff; those of the last 10 days open,
    /// older ones archived but for one in 400 still open and so late).
    async fn generate_complaints(&self, batch: &BenchBatch) -> StoreResult<()>;

    /// Inserts a batch of inspections over the batch's days (40 windows,
    /// 120 staff, 12 departments), each with the 11 default checklist items
    /// (one in four with a failed item) and its staff row.
    async fn generate_inspections(&self, batch: &BenchBatch) -> StoreResult<()>;

    /// Inserts a batch of finished tickets of category `BENCH` over the
    /// batch's days, each with a phone mark: most phones once, one ticket in
    /// 500 from one of 40 busy phones (the scalper rules' positives).
    async fn generate_tickets(&self, batch: &BenchBatch) -> StoreResult<()>;

    /// Refreshes the planner's statistics of the supervision tables.
    async fn analyze_supervision(&self) -> StoreResult<()>;

    /// Refreshes the planner's statistics after a bulk load.
    async fn analyze_cases(&self) -> StoreResult<()>;

    /// A province-sized roster (issue 16): `departments` departments
    /// (`PD{d}`, 省部门{d}), `windows` windows numbered from 1 and
    /// `per_window` staff accounts each (`pstaff{k}`, in the window's
    /// department: window `w` belongs to 省部门{w % departments}).
    async fn generate_roster(
        &self,
        windows: i64,
        per_window: i64,
        departments: i64,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Evaluations spread over that roster (window `1 + i % windows`, its
    /// staff in turn, its department), added to the rollup.
    async fn generate_roster_evaluations(
        &self,
        batch: &BenchBatch,
        windows: i64,
        per_window: i64,
        departments: i64,
    ) -> StoreResult<()>;
}
