//! 办件 records: cases, their steps, and the figures of the service ledger.

use crate::StoreResult;
use async_trait::async_trait;
use domain::case::{ApplicantKind, CaseStatus, Handling};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

/// A material as the staff member ticked it (stored as JSON with the case).
pub use domain::case::MaterialCheck;

/// A case as stored. Personal numbers arrive sealed, with their keyed hash
/// and a masked copy for lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseRecord {
    pub id: Uuid,
    pub number: String,
    pub query_code: String,
    pub parent_id: Option<Uuid>,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    /// 即办件, 承诺件, 一件事 (a bundle's parent), or unrecorded (imported).
    pub handling: Handling,
    pub promised_days: i64,
    pub applicant_kind: ApplicantKind,
    pub applicant_name: String,
    #[serde(skip)]
    pub id_sealed: String,
    #[serde(skip)]
    pub id_key: String,
    pub id_masked: String,
    #[serde(skip)]
    pub phone_sealed: String,
    pub phone_tail: String,
    pub legal_rep: String,
    /// 代办员 acting for the applicant, and the basis (委托书, 上门服务…).
    pub agent: String,
    pub agent_basis: String,
    pub ticket_id: Option<Uuid>,
    pub window: String,
    pub staff: String,
    pub status: CaseStatus,
    /// While paused: the status to resume to.
    pub status_before_pause: Option<CaseStatus>,
    pub materials: Vec<MaterialCheck>,
    pub missing: Vec<String>,
    pub received_on: Date,
    pub accepted_on: Option<Date>,
    pub deadline: Option<Date>,
    pub paused_days: i64,
    pub pause_started_on: Option<Date>,
    pub extension_days: i64,
    pub approved: Option<bool>,
    pub decision_reason: String,
    pub completed_on: Option<Date>,
    pub imported: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// 暂定: the deadline counted a day of a provisional calendar year; it is
    /// recomputed when the State Council's schedule for that year is imported.
    pub deadline_provisional: bool,
    /// The deadline before the last recomputation (shown when it moved earlier).
    pub deadline_before: Option<Date>,
    /// The applicant's phone as a keyed hash and masked (138****5678), for
    /// detecting scalpers (issue 15 part 5); none when no phone was given.
    #[serde(skip)]
    pub phone_key: Option<String>,
    #[serde(skip)]
    pub phone_masked: Option<String>,
}

impl CaseRecord {
    /// Sets the deadline and whether it is provisional (暂定).
    pub fn set_deadline(&mut self, d: domain::calendar::Deadline) {
        self.deadline = Some(d.date);
        self.deadline_provisional = d.provisional;
    }
}

/// One step of a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseEvent {
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    /// The status the step left the case in.
    pub status: CaseStatus,
    pub note: String,
}

/// The ledger's figures for cases accepted in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CaseFigures {
    pub accepted: u64,
    pub completed: u64,
    /// Completed on or before their deadline.
    pub on_time: u64,
    /// Not completed and past their deadline on `today`.
    pub overdue: u64,
}

/// What a case brings from its acceptance besides its first step (issue 17):
/// the verification tasks (核查) of the materials replaced by a commitment
/// (告知承诺) and the sharing log (数据共享调取记录) of the records used in
/// place of a proof. They are written with the case, in its transaction, so
/// no case is ever accepted on a commitment without its task, or on shared
/// data without its log line. A task's `case_number` is filled in by the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcceptanceClaims {
    pub commitments: Vec<crate::commitment::Commitment>,
    pub accesses: Vec<crate::commitment::DataAccess>,
}

impl AcceptanceClaims {
    pub fn is_empty(&self) -> bool {
        self.commitments.is_empty() && self.accesses.is_empty()
    }
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores a new case with its first step; numbers it from the day's
    /// counter: `number` is `{prefix}{sequence:04}` where the store supplies the sequence.
    /// The case's claims (告知承诺 tasks, 数据共享 log) are written in the same
    /// transaction, each task numbered with its case's new number.
    async fn create_case(
        &self,
        case: &CaseRecord,
        number_prefix: &str,
        event: &CaseEvent,
        claims: &AcceptanceClaims,
    ) -> StoreResult<CaseRecord>;
    /// 一件事: a parent case and its sub-cases (numbered `{parent}-1`, `-2`, …)
    /// in one transaction, each with its first step.
    async fn create_case_family(
        &self,
        parent: &CaseRecord,
        subs: &[CaseRecord],
        number_prefix: &str,
        event: &CaseEvent,
        claims: &AcceptanceClaims,
    ) -> StoreResult<(CaseRecord, Vec<CaseRecord>)>;
    /// The sub-cases of a bundle's parent case.
    async fn sub_cases(&self, parent: Uuid) -> StoreResult<Vec<CaseRecord>>;
    async fn case_by_id(&self, id: Uuid) -> StoreResult<CaseRecord>;
    async fn case_by_number(&self, number: &str) -> StoreResult<CaseRecord>;
    /// Open cases whose deadline is provisional (暂定), by number.
    async fn provisional_open_cases(&self) -> StoreResult<Vec<CaseRecord>>;
    async fn case_by_query_code(&self, code: &str) -> StoreResult<CaseRecord>;
    /// Writes a changed case if it is still in `expected_status`
    /// (`Conflict { what: "case_status" }` otherwise), with its step.
    async fn update_case(
        &self,
        case: &CaseRecord,
        expected_status: CaseStatus,
        event: &CaseEvent,
    ) -> StoreResult<()>;
    /// Writes a case and its sub-cases (一件事), each if still in
    /// `expected_status` and each with the step, together with the claims
    /// made on them (补正 with a commitment or shared data), in one
    /// transaction: all of it or nothing.
    async fn update_case_family(
        &self,
        cases: &[CaseRecord],
        expected_status: CaseStatus,
        event: &CaseEvent,
        claims: &AcceptanceClaims,
    ) -> StoreResult<()>;
    async fn case_events(&self, id: Uuid) -> StoreResult<Vec<CaseEvent>>;
    /// Figures of the cases accepted from `from` to `to`.
    async fn case_figures(&self, from: Date, to: Date, today: Date) -> StoreResult<CaseFigures>;
    /// Stores historical cases in one transaction; `Conflict { what: "case" }` on a number already there.
    async fn import_cases(&self, cases: &[CaseRecord]) -> StoreResult<u64>;
}
