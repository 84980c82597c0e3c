//! 专项活动 (campaigns, issue 16 part 7): the campaign with its phases, tasks
//! and KPIs as kept, and the period counts its KPIs read from the records
//! other capabilities keep (complaints received, inspections' deductions,
//! actions against scalpers). Implemented for both backends by
//! `crates/store/sql/campaign.rs`. The rules are `domain::campaign`'s.

use async_trait::async_trait;
use domain::campaign::{Metric, TaskStatus};
use domain::inspection::InspectionStatus;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::StoreResult;

/// A phase (阶段), in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignPhase {
    pub name: String,
    pub from: Date,
    pub to: Date,
}

/// A task (任务) with its owner's username and the status the owner set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignTask {
    pub id: Uuid,
    pub title: String,
    pub owner: String,
    pub due: Date,
    pub status: TaskStatus,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// A KPI (指标): the metric, its target and the baseline as read (`None`
/// when there was nothing to measure before the start).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignKpi {
    pub metric: Metric,
    pub target: f64,
    pub baseline: Option<f64>,
}

/// A campaign with everything it holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub id: Uuid,
    pub name: String,
    pub from: Date,
    pub to: Date,
    /// The baselines are final (the campaign has started).
    pub baseline_fixed: bool,
    pub created_by: String,
    pub created_at: Timestamp,
    pub phases: Vec<CampaignPhase>,
    pub tasks: Vec<CampaignTask>,
    pub kpis: Vec<CampaignKpi>,
}

/// A campaign as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignSummary {
    pub id: Uuid,
    pub name: String,
    pub from: Date,
    pub to: Date,
    pub created_by: String,
    pub created_at: Timestamp,
    /// Its tasks (or, for a list of one owner's, that owner's tasks).
    pub tasks: i64,
    /// Of those, the ones done.
    pub done: i64,
    /// Of those not done, the ones due before the day the list was asked for.
    pub late: i64,
}

/// What the hall recorded over a period, for the KPIs counted from records.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PeriodCounts {
    /// Complaints received (by their business date of receipt), every channel.
    pub complaints: i64,
    /// The inspections' recorded deductions per status (by their business
    /// date): which of them count is `InspectionStatus::counted`'s rule.
    pub deductions: Vec<(InspectionStatus, f64)>,
    /// Actions taken against registered scalpers (by their date).
    pub scalper_actions: i64,
}

#[async_trait]
pub trait CampaignStore: Send + Sync {
    /// Stores a campaign with its phases, tasks and KPIs in one transaction.
    async fn create_campaign(&self, campaign: &Campaign) -> StoreResult<()>;
    /// `NotFound` when there is none.
    async fn campaign(&self, id: Uuid) -> StoreResult<Campaign>;
    /// Newest start first; with `owner`, only campaigns where that username
    /// owns a task, counting only their tasks. `late` counts tasks not done
    /// and due before `today`.
    async fn campaigns(
        &self,
        owner: Option<&str>,
        today: Date,
        limit: i64,
    ) -> StoreResult<Vec<CampaignSummary>>;
    /// Sets a task's status; `NotFound` when the campaign has no such task.
    async fn set_campaign_task_status(
        &self,
        campaign: Uuid,
        task: Uuid,
        status: TaskStatus,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<CampaignTask>;
    /// Writes the baselines (by metric) and, with `fixed`, marks them final;
    /// does nothing once they are final (answers whether it wrote).
    async fn set_campaign_baselines(
        &self,
        campaign: Uuid,
        baselines: &[(Metric, Option<f64>)],
        fixed: bool,
    ) -> StoreResult<bool>;
    /// The counts of `from..=to` (business dates, both inclusive).
    async fn period_counts(&self, from: Date, to: Date) -> StoreResult<PeriodCounts>;
}

impl crate::sql::StoredCode for Metric {
    const WHAT: &'static str = "campaign metric";
    fn from_code(code: &str) -> Option<Self> {
        Metric::parse(code)
    }
}

impl crate::sql::StoredCode for TaskStatus {
    const WHAT: &'static str = "campaign task status";
    fn from_code(code: &str) -> Option<Self> {
        TaskStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}
