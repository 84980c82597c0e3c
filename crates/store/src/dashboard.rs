//! 指挥中心 (the live dashboard, issue 18 part 1): the counts of today's
//! picture, read from the records other capabilities keep — tickets of the
//! business date, cases accepted and completed today, open cases by
//! deadline, open rectifications, open complaints, today's inspections and
//! scalper alerts. Every read goes through a business-date or open-record
//! index, so the answer costs the same with ten million tickets as with ten
//! thousand. Implemented for both backends by `crates/store/sql/dashboard.rs`.
//! The rules that turn the counts into figures (amber, overdue, rates) are
//! the domain's; these are plain counts.

use async_trait::async_trait;
use domain::complaint::ComplaintStatus;
use domain::inspection::InspectionStatus;
use domain::rectification::RectificationStatus;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::StoreResult;
use crate::queue::TicketStatus;

/// What the dashboard asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashboardQuery {
    /// The business date (Asia/Shanghai).
    pub today: Date,
    /// The last deadline that is amber today (`domain::dashboard::amber_until`).
    pub amber_until: Date,
}

/// Today's tickets of one category, status and window.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketGroup {
    pub category: String,
    pub status: TicketStatus,
    /// The window that called them (none while waiting).
    pub window: Option<String>,
    pub tickets: i64,
    /// Of them, first tickets (not made by a transfer to another category).
    pub first_tickets: i64,
    /// When the earliest of them was taken.
    pub oldest_taken_at: Option<Timestamp>,
}

/// A department's open cases near or past their deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentDeadlines {
    /// The department's full name, as cases carry it.
    pub department: String,
    /// Not paused, deadline within today..=amber_until (预警), plus paused
    /// ones past their deadline.
    pub amber: i64,
    /// Not paused and past the deadline (超期).
    pub overdue: i64,
}

/// Open rectifications of one source, status and due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationGroup {
    /// `evaluation`, `complaint` or `inspection` (`RectificationSource::code`).
    pub source: &'static str,
    pub status: RectificationStatus,
    pub due: Date,
    pub count: i64,
}

/// Open complaints of one status and due dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintGroup {
    pub status: ComplaintStatus,
    pub accept_due: Date,
    pub answer_due: Date,
    pub count: i64,
}

/// The counts of the dashboard.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DashboardFacts {
    pub tickets: Vec<TicketGroup>,
    /// Cases accepted today (受理), sub-cases of a bundle included.
    pub accepted: i64,
    /// Cases completed today (办结).
    pub completed: i64,
    /// Departments with amber or overdue open cases.
    pub deadlines: Vec<DepartmentDeadlines>,
    /// Rectifications not closed.
    pub rectifications: Vec<RectificationGroup>,
    /// Complaints not archived.
    pub complaints: Vec<ComplaintGroup>,
    /// Complaints received today.
    pub complaints_today: i64,
    /// Today's inspections per status.
    pub inspections: Vec<(InspectionStatus, i64)>,
    /// Scalper alerts not acknowledged.
    pub scalper_alerts_open: i64,
    /// Scalper alerts raised today.
    pub scalper_alerts_today: i64,
}

#[async_trait]
pub trait DashboardStore: Send + Sync {
    /// Today's counts (several index reads, no writes).
    async fn dashboard_facts(&self, q: &DashboardQuery) -> StoreResult<DashboardFacts>;
}
