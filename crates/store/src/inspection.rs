//! 日常督查、不定时巡查、明查暗访: the checklist (督查清单), the
//! inspections with their per-item results (each addressable by inspection
//! and position, so a failed item can open a rectification), their photos
//! (kept apart from the main rows) and the unannounced-visit plans
//! (暗访安排). Implemented for both backends by `crates/store/sql/inspection.rs`.

use async_trait::async_trait;
use domain::inspection::{InspectionKind, InspectionStatus};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::Serialize;
use uuid::Uuid;

use crate::StoreResult;

/// One line of the hall's checklist (督查项目) as kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistEntry {
    pub code: String,
    pub name: String,
    pub standard: String,
    pub deduction: f64,
    /// Display order.
    pub position: i64,
    /// 已停用: no longer offered; old inspections still show it.
    pub retired: bool,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// One checked item of an inspection (督查结果), with the name and the
/// deduction the item had that day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultEntry {
    /// Its place on the inspection (0, 1, …): with the inspection's id, what
    /// a rectification would point at.
    pub position: i64,
    pub code: String,
    pub name: String,
    pub deduction: f64,
    pub pass: bool,
    pub note: String,
}

/// An inspection (督查记录).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub id: Uuid,
    pub kind: InspectionKind,
    pub at: Timestamp,
    /// The business date of `at`.
    pub day: Date,
    /// The inspector's username.
    pub inspector: String,
    pub window: String,
    /// The department the window serves for (its full name; empty for a
    /// window of several departments).
    pub department: String,
    /// Usernames of the staff it concerns.
    pub staff: Vec<String>,
    pub note: String,
    /// The sum of the failed items' deductions as recorded.
    pub deduction: f64,
    pub status: InspectionStatus,
    /// The staff member's contest reason (申辩理由).
    pub response: String,
    pub responded_by: Option<String>,
    pub responded_at: Option<Timestamp>,
    /// The leader's ruling (裁定意见).
    pub decision: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    /// The 暗访 plan visit this inspection carried out.
    pub plan_visit_id: Option<Uuid>,
    pub photo_count: i64,
    /// Every item checked, in order.
    pub results: Vec<ResultEntry>,
}

/// A photo as sent, checked by the app.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub content_type: String,
    pub sha256: String,
    pub body: Vec<u8>,
}

/// A photo's facts (the body is read on its own).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotoInfo {
    pub n: i64,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct NewInspection {
    pub inspection: Inspection,
    pub photos: Vec<NewPhoto>,
}

/// What a list asks for; every part optional, newest first.
#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub window: Option<String>,
    /// Inspections naming this username.
    pub staff: Option<String>,
    /// The department's full name.
    pub department: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<Timestamp>,
    /// Before this instant.
    pub to: Option<Timestamp>,
    pub status: Option<InspectionStatus>,
    pub limit: i64,
}

/// A staff answer or a leader's ruling.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub id: Uuid,
    /// The status the inspection must be in.
    pub from: InspectionStatus,
    pub to: InspectionStatus,
    /// The contest reason or the ruling's note.
    pub text: String,
    pub by: String,
    pub at: Timestamp,
}

/// A planned unannounced visit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanVisit {
    pub id: Uuid,
    pub date: Date,
    pub time: Time,
    pub window: String,
    /// The inspection that carried it out.
    pub inspection_id: Option<Uuid>,
}

/// 暗访安排: a random schedule over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionPlan {
    pub id: Uuid,
    pub from: Date,
    pub to: Date,
    pub created_by: String,
    pub created_at: Timestamp,
    pub visits: Vec<PlanVisit>,
}

#[async_trait]
pub trait InspectionStore: Send + Sync {
    /// Every line, retired ones included, by position.
    async fn checklist(&self) -> StoreResult<Vec<ChecklistEntry>>;
    /// Writes `items` when the checklist has never had a line (first use);
    /// answers whether it did. Two callers at once write them once.
    async fn seed_checklist(&self, items: &[ChecklistEntry]) -> StoreResult<bool>;
    /// A new line; `Conflict { what: "checklist_code" }` when the code is taken.
    async fn add_checklist_item(&self, item: &ChecklistEntry) -> StoreResult<()>;
    /// Renames, re-scores, re-orders, retires or restores a line (by code).
    async fn update_checklist_item(&self, item: &ChecklistEntry) -> StoreResult<()>;

    /// Stores an inspection, its staff, results and photos in one
    /// transaction; when it names a plan visit, marks the visit carried out
    /// (`Conflict { what: "plan_visit" }` when it is unknown or already done).
    async fn create_inspection(&self, new: &NewInspection) -> StoreResult<()>;
    async fn inspection(&self, id: Uuid) -> StoreResult<Inspection>;
    async fn inspections(&self, filter: &InspectionFilter) -> StoreResult<Vec<Inspection>>;
    /// Moves an inspection from `change.from` (`Conflict { what:
    /// "inspection_status" }` when it is elsewhere): an answer to Acknowledged
    /// or Contested writes the response, a ruling the decision.
    async fn change_inspection_status(&self, change: &StatusChange) -> StoreResult<Inspection>;
    async fn inspection_photos(&self, id: Uuid) -> StoreResult<Vec<PhotoInfo>>;
    async fn inspection_photo(&self, id: Uuid, n: i64) -> StoreResult<(PhotoInfo, Vec<u8>)>;

    async fn create_inspection_plan(&self, plan: &InspectionPlan) -> StoreResult<()>;
    /// The newest plans first, with their visits.
    async fn inspection_plans(&self, limit: i64) -> StoreResult<Vec<InspectionPlan>>;
}
