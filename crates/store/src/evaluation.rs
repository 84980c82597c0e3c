//! 好差评 records: evaluations and their rollup, the reasons list,
//! rectifications (整改), appeals (申诉) and the SMS outbox.

use crate::StoreResult;
use async_trait::async_trait;
use domain::evaluation::{Channel, Level, SmsStatus};
use domain::rectification::{AppealStatus, RectificationStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

/// An evaluation to record, with the service event's facts copied in, so
/// a report never has to join tickets, cases and the catalog of the day.
#[derive(Debug, Clone)]
pub struct NewEvaluation {
    pub id: Uuid,
    /// `ticket:<id>` or `case:<id>`: one evaluation per event. `None` for imported counts.
    pub event_key: Option<String>,
    pub ticket_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub channel: Channel,
    pub level: Level,
    pub reasons: Vec<String>,
    pub comment: String,
    /// The day it counts for (Asia/Shanghai).
    pub business_date: Date,
    pub window: String,
    pub department: String,
    pub staff: String,
    pub item: String,
    /// 1, or the count an imported row stands for.
    pub weight: i64,
    pub imported: bool,
    /// The pad or client that sent it.
    pub device: String,
    /// Keyed hash of the rater's phone, or empty.
    pub rater_key: String,
    pub seconds_after_service: Option<i64>,
    pub rated_at: Timestamp,
    pub recorded_by: String,
    /// A 差评 opens a rectification in the same transaction.
    pub rectification: Option<NewRectification>,
}

#[derive(Debug, Clone)]
pub struct NewRectification {
    pub id: Uuid,
    pub opened_on: Date,
    pub due_date: Date,
    pub assignee: String,
}

/// A stored evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub id: Uuid,
    pub event_key: Option<String>,
    pub ticket_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub channel: Channel,
    pub level: Level,
    pub reasons: Vec<String>,
    pub comment: String,
    pub business_date: Date,
    pub window: String,
    pub department: String,
    pub staff: String,
    pub item: String,
    pub weight: i64,
    pub imported: bool,
    /// Upheld as malicious on appeal: left out of the valid count.
    pub excluded: bool,
    pub device: String,
    pub rater_key: String,
    pub seconds_after_service: Option<i64>,
    pub rated_at: Timestamp,
    pub recorded_by: String,
}

/// What a satisfaction report groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Window,
    Department,
    Staff,
    Item,
    Channel,
}

impl Dimension {
    pub fn parse(s: &str) -> Option<Dimension> {
        match s.trim() {
            "window" => Some(Dimension::Window),
            "department" => Some(Dimension::Department),
            "staff" => Some(Dimension::Staff),
            "item" => Some(Dimension::Item),
            "channel" => Some(Dimension::Channel),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Dimension::Window => "window",
            Dimension::Department => "department",
            Dimension::Staff => "staff",
            Dimension::Item => "item",
            Dimension::Channel => "channel",
        }
    }

    /// The column in both the raw table and the rollup.
    pub fn column(self) -> &'static str {
        match self {
            Dimension::Window => "window_number",
            Dimension::Department => "department",
            Dimension::Staff => "staff",
            Dimension::Item => "item",
            Dimension::Channel => "channel",
        }
    }
}

/// Counts of one level in one group (the group is empty when ungrouped).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LevelCount {
    pub group: String,
    pub level: Level,
    pub n: i64,
    pub excluded: i64,
}

/// A rectification (整改): of a 差评, a substantiated complaint or a failed
/// inspection item — one model whatever opened it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rectification {
    pub id: Uuid,
    /// What opened it (serialised as `source` and the record's id).
    #[serde(flatten)]
    pub source: domain::rectification::RectificationSource,
    pub opened_on: Date,
    pub due_date: Date,
    pub status: RectificationStatus,
    pub department: String,
    pub window: String,
    pub assignee: String,
    pub escalated: bool,
    /// At closing: whether the person accepted the answer.
    pub accepted: Option<bool>,
    pub updated_at: Timestamp,
}

/// What a new rectification is about, besides its dates and assignee: its
/// source (差评, 投诉查实, 督查不合格项), where, and the first line of its history.
#[derive(Debug, Clone)]
pub struct RectificationOpening {
    pub source: domain::rectification::RectificationSource,
    pub department: String,
    pub window: String,
    pub step: RectificationStep,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RectificationStep {
    pub at: Timestamp,
    pub actor: String,
    pub step: String,
    pub note: String,
}

/// An appeal (申诉) against a review as malicious.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appeal {
    pub id: Uuid,
    pub evaluation_id: Uuid,
    pub reason: String,
    pub evidence: String,
    pub filed_by: String,
    pub filed_at: Timestamp,
    pub status: AppealStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    pub decision: String,
}

/// An SMS invitation waiting for the gateway.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub kind: domain::evaluation::SmsKind,
    /// Kind and subject: a second message with the same key is not queued.
    #[serde(skip)]
    pub dedupe_key: String,
    /// The ticket it concerns, if any.
    pub ticket_id: Option<Uuid>,
    #[serde(skip)]
    pub phone_sealed: String,
    pub body: String,
    pub queued_at: Timestamp,
    pub status: SmsStatus,
}

#[async_trait]
pub trait EvaluationStore: Send + Sync {
    /// Records a batch in one transaction with its rollup counts and
    /// rectifications. Per entry: `Conflict { what: "evaluation" }` when its
    /// event already has one (also within the batch).
    async fn record_evaluations(&self, batch: &[NewEvaluation]) -> Vec<StoreResult<()>>;
    async fn evaluation(&self, id: Uuid) -> StoreResult<Evaluation>;
    async fn evaluation_of_event(&self, event_key: &str) -> StoreResult<Option<Evaluation>>;
    /// Evaluations of a period, newest first, at most `limit`.
    async fn evaluations_between(&self, from: Date, to: Date, limit: i64) -> StoreResult<Vec<Evaluation>>;
    /// Per level (and group) from the rollup.
    async fn level_counts(&self, from: Date, to: Date, by: Option<Dimension>)
    -> StoreResult<Vec<LevelCount>>;
    /// The same, counted from the raw evaluations (to prove the rollup right).
    async fn level_counts_from_records(
        &self,
        from: Date,
        to: Date,
        by: Option<Dimension>,
    ) -> StoreResult<Vec<LevelCount>>;

    async fn evaluation_reasons(&self) -> StoreResult<Vec<String>>;
    async fn set_evaluation_reasons(&self, reasons: &[String]) -> StoreResult<()>;

    async fn rectifications(&self, status: Option<RectificationStatus>) -> StoreResult<Vec<Rectification>>;
    async fn rectification(&self, id: Uuid) -> StoreResult<(Rectification, Vec<RectificationStep>)>;
    /// Moves a rectification on from one of `from`; `Conflict { what: "rectification_status" }` otherwise.
    async fn advance_rectification(
        &self,
        id: Uuid,
        from: &[RectificationStatus],
        to: RectificationStatus,
        step: &RectificationStep,
        accepted: Option<bool>,
    ) -> StoreResult<Rectification>;
    /// Opens a rectification of a source recorded elsewhere (a failed
    /// inspection item); `Conflict { what: "rectification" }` when that source
    /// already has one.
    async fn open_rectification(
        &self,
        r: &NewRectification,
        opening: &RectificationOpening,
    ) -> StoreResult<()>;
    /// Marks open rectifications due before `today` as escalated; returns those newly marked.
    async fn escalate_overdue(&self, today: Date, at: Timestamp) -> StoreResult<Vec<Rectification>>;

    /// `Conflict { what: "appeal" }` while another appeal of the evaluation is pending.
    async fn file_appeal(&self, appeal: &Appeal) -> StoreResult<()>;
    async fn appeals(&self, status: Option<AppealStatus>) -> StoreResult<Vec<Appeal>>;
    /// Decides a pending appeal; an upheld one excludes the evaluation (and its
    /// rollup count) and closes its rectification.
    async fn decide_appeal(
        &self,
        id: Uuid,
        upheld: bool,
        by: &str,
        at: Timestamp,
        decision: &str,
    ) -> StoreResult<Appeal>;
}

/// 短信发件箱: every notice the hall sends by SMS; a gateway plug-in sends
/// from it. One message per dedupe key.
#[async_trait]
pub trait SmsOutboxStore: Send + Sync {
    /// Queues a message; false when one with its dedupe key is already there.
    async fn queue_sms(&self, message: &OutboxMessage) -> StoreResult<bool>;
    /// The newest `limit` messages.
    async fn sms_outbox(&self, limit: i64) -> StoreResult<Vec<OutboxMessage>>;
}
