//! 告知承诺制 and 数据共享、电子证照 (issue 17): the verification tasks
//! (核查) of committed materials, the credit records (信用记录) of false
//! commitments, revocations (撤销), the local sharing records an
//! administrator imports (电子证照) and the log of every record used for a
//! case (数据共享调取记录). Implemented for both backends by
//! `crates/store/sql/commitment.rs`.

use crate::StoreResult;
use crate::case::CaseEvent;
use async_trait::async_trait;
use domain::commitment::{DataSource, HolderKind, SharingProvider, VerificationStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

/// A verification task (告知承诺核查任务): one committed material of a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Commitment {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub item_name: String,
    /// The department that verifies it (the case's).
    pub department: String,
    pub material: String,
    /// The applicant's keyed hash (the case's `id_key`).
    #[serde(skip)]
    pub applicant_key: String,
    pub applicant_masked: String,
    pub accepted_on: Date,
    /// 核查期限.
    pub due: Date,
    pub status: VerificationStatus,
    /// 核查情况.
    pub note: String,
    pub verified_by: Option<String>,
    pub verified_at: Option<Timestamp>,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// Which tasks to list: by status, by department, of one case.
#[derive(Debug, Clone, Default)]
pub struct CommitmentFilter {
    pub status: Option<VerificationStatus>,
    pub department: Option<String>,
    pub case_id: Option<Uuid>,
    pub limit: i64,
}

/// An outcome to record (核查结论).
#[derive(Debug, Clone)]
pub struct Verification {
    pub id: Uuid,
    pub status: VerificationStatus,
    pub note: String,
    pub by: String,
    pub at: Timestamp,
}

/// A credit record (信用记录): a commitment found false.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreditRecord {
    pub id: Uuid,
    #[serde(skip)]
    pub subject_key: String,
    pub subject_masked: String,
    pub commitment_id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub material: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A decision revoked (撤销决定).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revocation {
    pub case_id: Uuid,
    pub reason: String,
    pub revoked_by: String,
    pub revoked_at: Timestamp,
}

/// A local sharing record (电子证照 / 人口库 / 法人库 record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Licence {
    pub id: Uuid,
    #[serde(skip)]
    pub holder_key: String,
    pub holder_kind: HolderKind,
    #[serde(skip)]
    pub holder_sealed: String,
    pub holder_masked: String,
    /// The material's name it stands for (营业执照, 食品经营许可证…).
    pub licence_type: String,
    pub number: String,
    /// None: 长期有效.
    pub valid_until: Option<Date>,
    pub source: DataSource,
    pub imported_by: String,
    pub imported_at: Timestamp,
}

/// A record used for a case (数据共享调取记录).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataAccess {
    pub id: Uuid,
    pub case_id: Uuid,
    pub source: DataSource,
    /// Who answered: the imported records or the province's exchange.
    pub provider: SharingProvider,
    pub material: String,
    pub licence_type: String,
    pub licence_number: String,
    pub valid_until: Option<Date>,
    /// The fields read, comma-separated (持证主体,证照类型,证照编号,有效期).
    pub fields: String,
    pub accessed_by: String,
    pub accessed_at: Timestamp,
}

#[async_trait]
pub trait CommitmentStore: Send + Sync {
    /// Due date first (then case number); at most `filter.limit`.
    async fn commitments(&self, filter: &CommitmentFilter) -> StoreResult<Vec<Commitment>>;
    async fn commitment(&self, id: Uuid) -> StoreResult<Commitment>;
    /// Records the outcome of a pending task, with its credit record when
    /// false, in one transaction; `Conflict { what: "already_verified" }`
    /// when it is not pending any more.
    async fn verify_commitment(
        &self,
        v: &Verification,
        credit: Option<&CreditRecord>,
    ) -> StoreResult<Commitment>;
    /// A subject's credit records, newest first.
    async fn credit_records(&self, subject_key: &str) -> StoreResult<Vec<CreditRecord>>;
    /// Records a revocation with its case step (the case otherwise
    /// unchanged); `Conflict { what: "already_revoked" }` the second time.
    async fn revoke_case(&self, r: &Revocation, event: &CaseEvent) -> StoreResult<()>;
    async fn revocation(&self, case_id: Uuid) -> StoreResult<Option<Revocation>>;

    /// Adds or replaces (same holder, type and number) the records; answers how many.
    async fn import_licences(&self, licences: &[Licence]) -> StoreResult<u64>;
    /// Newest import first.
    async fn licences(&self, limit: i64) -> StoreResult<Vec<Licence>>;
    /// A holder's records of one type, latest validity first.
    async fn holder_licences(&self, holder_key: &str, licence_type: &str) -> StoreResult<Vec<Licence>>;
    /// A case's sharing log, oldest first.
    async fn data_accesses(&self, case_id: Uuid) -> StoreResult<Vec<DataAccess>>;
}
