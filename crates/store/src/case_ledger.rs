//! 服务台账: the lists a hall works from (a department's or a window's open
//! cases by deadline, the overdue cases for supervision), the ledger itself
//! with its filters and paging, and its figures per department and item.

use crate::StoreResult;
use async_trait::async_trait;
use domain::case::CaseStatus;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

/// Statuses of a case with a running (or paused) clock, as SQL text. Kept in
/// the same words as the partial indexes of migration 0007 so that both
/// databases use them.
pub const OPEN_STATUSES: &str = "('accepted', 'under_review', 'paused', 'decided')";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_statuses_are_the_domain_s() {
        let open: Vec<String> = CaseStatus::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.code()))
            .collect();
        assert_eq!(OPEN_STATUSES, format!("({})", open.join(", ")));
    }
}

/// One line of the ledger: what a list shows, no sealed numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    pub id: Uuid,
    pub number: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub window: String,
    pub staff: String,
    pub applicant_name: String,
    pub status: CaseStatus,
    pub received_on: Date,
    pub accepted_on: Option<Date>,
    pub deadline: Option<Date>,
    pub completed_on: Option<Date>,
    pub paused_days: i64,
    pub imported: bool,
    /// 暂定: the deadline counted a day of a provisional calendar year.
    pub deadline_provisional: bool,
    /// The deadline before the last recomputation.
    pub deadline_before: Option<Date>,
}

/// What the ledger is filtered by; `None` lets everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerFilter {
    /// Accepted on or after.
    pub from: Option<Date>,
    /// Accepted on or before.
    pub to: Option<Date>,
    pub department: Option<String>,
    pub window: Option<String>,
    pub item: Option<String>,
    pub status: Option<CaseStatus>,
    /// Only what one person may see (`None`: the whole hall).
    pub visible: Option<Visible>,
    pub limit: i64,
    pub offset: i64,
}

/// The cases one person may see: any of these departments (full names) or
/// windows, or accepted by this staff member. Empty lists match nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visible {
    pub departments: Vec<String>,
    pub windows: Vec<String>,
    pub staff: Option<String>,
}

/// A page of the ledger and how many rows the filter matches in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerPage {
    pub rows: Vec<LedgerRow>,
    pub total: i64,
}

/// Whose open cases a work list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkListOf {
    Department(String),
    Window(String),
    /// The cases a clerk accepted (a clerk who serves at several windows).
    Staff(String),
}

/// How ledger figures are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerGroup {
    Department,
    Item,
}

/// The figures of one department or item for cases accepted in a period
/// (bundle sub-cases excluded, as in [`crate::case::CaseFigures`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupFigures {
    /// The department, or the item's code.
    pub key: String,
    /// The department again, or the item's name.
    pub name: String,
    pub accepted: u64,
    pub completed: u64,
    /// Completed on or before the deadline.
    pub on_time: u64,
    /// Not completed, not paused and past the deadline on `today`.
    pub overdue: u64,
    /// Calendar days from acceptance to completion, summed over the completed
    /// cases (working days would need the calendar in SQL).
    pub days_total: i64,
}

impl GroupFigures {
    /// Adds another line of the same group (another day's, or another
    /// department's line of the same item) to this one; the name kept is
    /// the least, as `MIN` gives it.
    pub fn add(&mut self, other: GroupFigures) {
        if other.name < self.name {
            self.name = other.name;
        }
        self.accepted += other.accepted;
        self.completed += other.completed;
        self.on_time += other.on_time;
        self.overdue += other.overdue;
        self.days_total += other.days_total;
    }
}

#[async_trait]
pub trait CaseLedgerStore: Send + Sync {
    /// Open cases of a department or window, earliest deadline first.
    async fn work_list(&self, of: &WorkListOf, limit: i64, offset: i64) -> StoreResult<LedgerPage>;
    /// Open, not paused cases whose deadline is before `today`, earliest first.
    async fn overdue_cases(
        &self,
        department: Option<&str>,
        today: Date,
        limit: i64,
        offset: i64,
    ) -> StoreResult<LedgerPage>;
    /// The ledger, newest acceptance first.
    async fn ledger_rows(&self, filter: &LedgerFilter) -> StoreResult<LedgerPage>;
    /// Figures of the cases accepted from `from` to `to`, per department or item,
    /// ordered by the key (as Rust orders strings, the same on every backend).
    async fn ledger_figures(
        &self,
        from: Date,
        to: Date,
        today: Date,
        by: LedgerGroup,
    ) -> StoreResult<Vec<GroupFigures>>;
}
