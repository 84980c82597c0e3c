//! The storage API (存储接口): one object-safe [`Store`] trait that the app
//! layer holds as `Arc<dyn Store>`, the records it reads and writes, and
//! [`StoreError`], which keeps a unique violation apart from an outage.
//!
//! The SQL both backends share is ordinary Rust under `crates/store/sql/`
//! (one module per capability, outside this crate's module tree): each
//! backend crate compiles it with its own connection types as its `shared`
//! module (`#[path]`), and its `dialect.rs` names what that database says
//! differently. [`sql`] holds what those modules need from here (error
//! mapping, JSON columns, reading stored enum codes back). Migrations and
//! connection set-up live in the backend crates; the benchmark generators
//! sit apart, behind [`bench::BenchStore`].

pub mod assessment;
pub mod backup;
pub mod bench;
pub mod case;
pub mod case_ledger;
pub mod complaint;
pub mod conformance;
pub mod conformance_assessment;
pub mod conformance_bench;
pub mod conformance_case;
pub mod conformance_complaint;
pub mod conformance_evaluation;
pub mod conformance_home_visit;
pub mod conformance_ledger;
pub mod conformance_pad;
pub mod conformance_queue;
mod error;
pub mod evaluation;
pub mod home_visit;
mod model;
pub mod pad;
pub mod queue;
pub mod sql;
pub mod write_tx;
// issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
pub mod conduct;
pub mod conformance_conduct;
// Issue 15 part 2: inspections (督查).
pub mod conformance_inspection;
pub mod inspection;
// issue 15 part 5: scalpers
pub mod conformance_scalper;
pub mod scalper;
// issue 16 part 6: training
pub mod conformance_training;
pub mod training;
// issue 16 part 7: campaigns
pub mod campaign;
pub mod conformance_campaign;
// issue 17: one timeline from ticket to case to evaluation
pub mod conformance_timeline;
pub mod timeline;
// issue 17: 告知承诺制, 数据共享、电子证照
pub mod commitment;
pub mod conformance_commitment;
// issue 17: online application (网上申报) and pre-review (预审)
pub mod application;
pub mod conformance_application;
// issue 17: smart guide (智能导办)
pub mod conformance_guide;
pub mod guide;
// issue 18: staffing planner (动态调整窗口)
pub mod conformance_staffing;
pub mod staffing;
// issue 18: reports
pub mod hall_report;
// issue 18: dashboard
pub mod conformance_dashboard;
pub mod dashboard;
// issue 18: the queue report and the assessment counted in SQL
pub mod conformance_queue_report;

pub use error::StoreError;
pub use model::*;

use async_trait::async_trait;
use domain::catalog::Department;
use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything govhall keeps: every capability's store, one implementation
/// per database. The app hands each service only the trait it needs.
#[async_trait]
pub trait Store:
    CatalogStore
    + AttachmentStore
    + CalendarStore
    + AccountStore
    + ThrottleStore
    + AuditStore
    + queue::QueueStore
    + case::CaseStore
    + case_ledger::CaseLedgerStore
    + evaluation::EvaluationStore
    + evaluation::SmsOutboxStore
    + home_visit::AppointmentSweep
    + home_visit::HomeVisitStore
    + pad::PadStore
    // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
    + conduct::MorningMeetingStore
    + conduct::CardStore
    + conduct::DutyLogStore
    + complaint::ComplaintStore
    // Issue 15 part 2: inspections (督查).
    + inspection::InspectionStore
    // issue 15 part 5: scalpers
    + scalper::ScalperStore
    // issue 16 part 6: training
    + training::TrainingStore
    // issue 16 part 7: campaigns
    + campaign::CampaignStore
    // issue 16: the monthly assessment
    + assessment::AssessmentStore
    // issue 17: one timeline from ticket to case to evaluation
    + timeline::TimelineStore
    // issue 17: 告知承诺制, 数据共享、电子证照
    + commitment::CommitmentStore
    // issue 17: online application (网上申报) and pre-review (预审)
    + application::ApplicationStore
    // issue 17: smart guide (智能导办)
    + guide::GuideStore
    // issue 18: staffing planner (动态调整窗口)
    + staffing::StaffingStore
    // issue 18: reports
    + hall_report::HallReportStore
    // issue 18: dashboard
    + dashboard::DashboardStore
    + Send
    + Sync
    + 'static
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> StoreResult<()>;
}

/// 部门与事项清单: departments and the catalog's versions.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    async fn list_departments(&self) -> StoreResult<Vec<Department>>;
    async fn add_department(&self, department: &Department) -> StoreResult<()>;

    /// Stores a whole catalog as a new version in one transaction, registering
    /// the departments it brings, and publishes it when asked.
    async fn create_catalog_version(&self, new: &NewCatalogVersion) -> StoreResult<CatalogVersion>;
    async fn publish_catalog_version(&self, id: i64, at: Timestamp) -> StoreResult<()>;
    async fn published_version_id(&self) -> StoreResult<Option<i64>>;
    async fn catalog_versions(&self) -> StoreResult<Vec<CatalogVersion>>;
    async fn catalog_snapshot(&self, version_id: i64) -> StoreResult<CatalogSnapshot>;
}

/// A guide's downloadable file (空白表格 / 示范文本).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemAttachment {
    pub id: Uuid,
    pub item_code: String,
    pub kind: domain::catalog::AttachmentKind,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: Timestamp,
}

/// 办事指南附件: blank forms and samples per item.
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    async fn add_attachment(&self, attachment: &ItemAttachment, body: &[u8]) -> StoreResult<()>;
    /// An item's files, oldest first (without their bodies).
    async fn attachments(&self, item_code: &str) -> StoreResult<Vec<ItemAttachment>>;
    /// One file and its body.
    async fn attachment(&self, id: Uuid) -> StoreResult<(ItemAttachment, Vec<u8>)>;
    async fn remove_attachment(&self, id: Uuid) -> StoreResult<()>;
}

/// 工作日历: the years the administrator imported.
#[async_trait]
pub trait CalendarStore: Send + Sync {
    /// Days the administrator imported (they override the built-in schedule).
    async fn calendar_days(&self) -> StoreResult<Vec<(Date, bool)>>;
    /// Replaces whole years in one transaction and bumps the revision.
    async fn import_calendar_days(&self, days: &[(Date, bool)], by: &str, at: Timestamp) -> StoreResult<i64>;
    /// Grows with every import, so running servers know to reload.
    async fn calendar_revision(&self) -> StoreResult<i64>;
}

/// 账号与登录令牌: accounts, sessions and API tokens.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, user: &NewUser) -> StoreResult<User>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserCredentials>>;
    async fn user_by_id(&self, id: Uuid) -> StoreResult<User>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    async fn set_user_password(&self, id: Uuid, password_hash: &str) -> StoreResult<()>;
    async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> StoreResult<()>;

    async fn create_token(&self, token: &NewToken) -> StoreResult<()>;
    async fn token_user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<(User, TokenInfo)>>;
    async fn delete_token(&self, token_hash: &str) -> StoreResult<()>;

    /// Sets or clears a user's department (所属部门).
    async fn set_user_department(&self, id: Uuid, department: Option<&str>) -> StoreResult<()>;
}

/// 安全限流: failed guesses per scope and key.
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    async fn record_failure(&self, scope: &str, key: &str, at: Timestamp) -> StoreResult<()>;
    /// Failures of `scope`/`key` at or after `since`, looking at the newest `cap` only.
    async fn failures_since(&self, scope: &str, key: &str, since: Timestamp, cap: i64) -> StoreResult<i64>;
    async fn clear_failures(&self, scope: &str, key: &str) -> StoreResult<()>;
    /// Forgets all but the newest `keep` failures; answers how many were removed.
    async fn prune_failures(&self, keep: i64) -> StoreResult<u64>;
}

/// 审计日志: the audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, entry: &NewAuditEntry) -> StoreResult<()>;
    async fn audit_entries(&self, limit: i64, offset: i64) -> StoreResult<Vec<AuditEntry>>;
}
