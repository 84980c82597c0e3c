//! 日报、月报、年度报告 (issue 18 part 3): the counts of a period the other
//! capabilities' reports do not give, read from their records (nothing is
//! copied): 一件事 cases, cases that came from an online application, the
//! 整改 opened by source, and — for one department — its complaints and its
//! inspections' deductions (the hall's whole are `CampaignStore::period_counts`).
//! Implemented for both backends by `crates/store/sql/hall_report.rs`.

use async_trait::async_trait;
use domain::inspection::InspectionStatus;
use jiff::civil::Date;

use crate::StoreResult;

/// The counts of `from..=to`, for the hall or one department.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportCounts {
    /// 一件事 accepted in the period (a parent case with its sub-cases; for a
    /// department, those with a sub-case of its own).
    pub bundle_cases: i64,
    /// Cases accepted in the period that came from an online application (网上申报).
    pub online_cases: i64,
    /// Online applications submitted in the period.
    pub applications_submitted: i64,
    /// 整改 opened in the period from a 差评, a substantiated complaint, a failed
    /// inspection item.
    pub rectifications_evaluation: i64,
    pub rectifications_complaint: i64,
    pub rectifications_inspection: i64,
    /// Of those, closed (办结) by now.
    pub rectifications_closed: i64,
    /// Inspections recorded in the period (by their business date).
    pub inspections: i64,
    /// Complaints received in the period about the department (only filled
    /// for a department).
    pub complaints: i64,
    /// Inspections' deductions per status (only filled for a department).
    pub deductions: Vec<(InspectionStatus, f64)>,
}

#[async_trait]
pub trait HallReportStore: Send + Sync {
    /// The counts of `from..=to`; `department` (its name, as the records keep
    /// it) narrows them to one department.
    async fn report_counts(
        &self,
        from: Date,
        to: Date,
        department: Option<&str>,
    ) -> StoreResult<ReportCounts>;
}
