//! 网上申报 records (issue 17 part 2): applications, their steps and the
//! uploaded files, whose bodies live in their own table with a SHA-256 hash.

use crate::StoreResult;
use crate::sql::StoredCode;
use async_trait::async_trait;
use domain::application::{ApplicationStatus, Delivery, Supply};
use domain::case::ApplicantKind;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A material as supplied online (stored as JSON with the application).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppliedMaterial {
    pub name: String,
    pub supply: Supply,
    /// The current file, when uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Uuid>,
}

/// An application as stored. Name, ID number, phone and address arrive
/// sealed, with a keyed hash of the ID number and masked copies for screens.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationRecord {
    pub id: Uuid,
    pub number: String,
    #[serde(skip)]
    pub query_code: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub applicant_kind: ApplicantKind,
    #[serde(skip)]
    pub name_sealed: String,
    pub name_masked: String,
    #[serde(skip)]
    pub id_sealed: String,
    #[serde(skip)]
    pub id_key: String,
    pub id_masked: String,
    #[serde(skip)]
    pub phone_sealed: String,
    pub phone_masked: String,
    pub delivery: Delivery,
    #[serde(skip)]
    pub address_sealed: String,
    pub status: ApplicationStatus,
    pub materials: Vec<SuppliedMaterial>,
    /// The last one-time notice (一次性告知): the materials to supply again.
    pub notice_missing: Vec<String>,
    pub notice_note: String,
    pub case_id: Option<Uuid>,
    pub submitted_on: Date,
    /// 预审时限: the working day by which staff should decide.
    pub review_due: Date,
    /// When it (re-)entered the pre-review queue.
    pub queued_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One uploaded file (without its body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationFile {
    pub id: Uuid,
    pub application_id: Uuid,
    pub material: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: Timestamp,
}

/// A step of an application: 提交, 补正告知, 补正提交, 预审通过.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationEvent {
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub note: String,
}

impl StoredCode for ApplicationStatus {
    const WHAT: &'static str = "unknown application status";
    fn from_code(code: &str) -> Option<Self> {
        ApplicationStatus::parse(code)
    }
}

impl StoredCode for Delivery {
    const WHAT: &'static str = "unknown delivery";
    fn from_code(code: &str) -> Option<Self> {
        Delivery::parse(code)
    }
}

/// 网上申报: applications, their files and steps.
#[async_trait]
pub trait ApplicationStore: Send + Sync {
    /// Numbers the application `prefix` + the day's next sequence and stores
    /// it with its files and first step, all in one transaction.
    async fn create_application(
        &self,
        a: &ApplicationRecord,
        files: &[(ApplicationFile, Vec<u8>)],
        prefix: &str,
        event: &ApplicationEvent,
    ) -> StoreResult<ApplicationRecord>;
    async fn application(&self, id: Uuid) -> StoreResult<ApplicationRecord>;
    async fn application_by_number(&self, number: &str) -> StoreResult<ApplicationRecord>;
    /// The pre-review queue: submitted or resubmitted, oldest in the queue first.
    async fn applications_awaiting_review(&self) -> StoreResult<Vec<ApplicationRecord>>;
    /// The application a case was accepted from.
    async fn application_of_case(&self, case_id: Uuid) -> StoreResult<Option<ApplicationRecord>>;
    /// Saves `a` (status, materials, notice, case) and adds `files` and
    /// `event`, only while the stored status is still `expected`
    /// (otherwise `Conflict`), in one transaction.
    async fn update_application(
        &self,
        a: &ApplicationRecord,
        expected: ApplicationStatus,
        files: &[(ApplicationFile, Vec<u8>)],
        event: &ApplicationEvent,
    ) -> StoreResult<()>;
    /// Every file ever uploaded to the application, oldest first.
    async fn application_files(&self, application_id: Uuid) -> StoreResult<Vec<ApplicationFile>>;
    async fn application_file(&self, id: Uuid) -> StoreResult<(ApplicationFile, Vec<u8>)>;
    async fn application_events(&self, application_id: Uuid) -> StoreResult<Vec<ApplicationEvent>>;
}
