//! 投诉 (complaints): the records and the store trait, implemented for both
//! backends by `crates/store/sql/complaint.rs`. The rules of the steps and
//! deadlines are `domain::complaint`'s; the store keeps what happened.

use crate::StoreResult;
use crate::evaluation::NewRectification;
use async_trait::async_trait;
use domain::complaint::{ComplaintCategory, ComplaintChannel, ComplaintStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

/// A complaint as stored. The complainant's name and phone are sealed by the
/// app before they reach the store, and absent when anonymous.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Complaint {
    pub id: Uuid,
    /// 投诉编号, e.g. `TS20261207-0001`.
    pub number: String,
    /// 查询码 for public progress.
    #[serde(skip)]
    pub query_code: String,
    pub channel: ComplaintChannel,
    pub category: ComplaintCategory,
    pub content: String,
    /// What it names: a window number, a staff username, a department code,
    /// an item code (each empty when not named).
    pub about_window: String,
    pub about_staff: String,
    pub about_department: String,
    pub about_item: String,
    /// The department it concerns (full name; empty when none can be told).
    pub department: String,
    pub anonymous: bool,
    #[serde(skip)]
    pub name_sealed: Option<String>,
    #[serde(skip)]
    pub phone_sealed: Option<String>,
    pub status: ComplaintStatus,
    pub received_at: Timestamp,
    /// The business date of receipt (Asia/Shanghai).
    pub received_on: Date,
    /// 受理期限: the next working day.
    pub accept_due: Date,
    /// 答复期限: `complaint_days` working days after receipt.
    pub answer_due: Date,
    /// Who recorded it (`public` for the online form).
    pub recorded_by: String,
    /// 处置: whether it was substantiated (查实).
    pub substantiated: Option<bool>,
    pub finding: String,
    /// 反馈: the answer given to the complainant.
    pub answer: String,
    /// Whether the complainant accepted the answer (认可).
    pub complainant_accepted: Option<bool>,
    /// Reopened once after a rejected answer.
    pub reopened: bool,
    /// 提请领导督办: overdue or rejected twice.
    pub escalated: bool,
    pub escalation: String,
    pub updated_at: Timestamp,
}

/// One step of a complaint's handling.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplaintStepRecord {
    pub at: Timestamp,
    pub actor: String,
    /// The step's code (`received`, `accept`, `investigate`, `handle`,
    /// `answer`, `reject`, `archive`, `escalated`).
    pub step: String,
    pub note: String,
}

/// A step to store: the complaint moves from `from` to `to` with these
/// fields changed, in one transaction with its history line (and, for a
/// substantiated 处置, its rectification).
#[derive(Debug, Clone)]
pub struct ComplaintChange {
    pub id: Uuid,
    pub from: ComplaintStatus,
    pub to: ComplaintStatus,
    pub step: ComplaintStepRecord,
    pub substantiated: Option<bool>,
    pub finding: Option<String>,
    pub answer: Option<String>,
    pub complainant_accepted: Option<bool>,
    pub reopened: Option<bool>,
    /// Set to escalate (提请领导督办) with this reason.
    pub escalation: Option<String>,
    /// A substantiated complaint opens a rectification in the same loop as a 差评.
    pub rectification: Option<NewRectification>,
}

/// Filter of the 督查科's list.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    /// Open ones only (not archived), most urgent first; else newest first.
    pub open: bool,
    pub status: Option<ComplaintStatus>,
    /// Only those concerning this department (full name).
    pub department: Option<String>,
    pub staff: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub limit: i64,
    pub offset: i64,
}

#[async_trait]
pub trait ComplaintStore: Send + Sync {
    /// Stores a new complaint with its first history line; the number is the
    /// day's next (`prefix` + date + sequence), given back in the record.
    /// `Conflict { what: "complaint" }` if the query code is taken.
    async fn add_complaint(&self, complaint: &Complaint, prefix: &str) -> StoreResult<Complaint>;
    async fn complaint(&self, id: Uuid) -> StoreResult<(Complaint, Vec<ComplaintStepRecord>)>;
    async fn complaint_by_query_code(&self, code: &str)
    -> StoreResult<(Complaint, Vec<ComplaintStepRecord>)>;
    async fn complaints(&self, filter: &ComplaintFilter) -> StoreResult<Vec<Complaint>>;
    /// Takes a step; `Conflict { what: "complaint_status" }` when the
    /// complaint is no longer in `from` (another supervisor moved it).
    async fn change_complaint(&self, change: &ComplaintChange) -> StoreResult<Complaint>;
    /// Open complaints whose current step is late on `today` and not yet
    /// escalated: received ones past `accept_due`, the others (before the
    /// answer) past `answer_due`. Marks them escalated and returns them.
    async fn escalate_overdue_complaints(&self, today: Date, at: Timestamp) -> StoreResult<Vec<Complaint>>;
}
