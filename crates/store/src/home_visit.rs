//! 上门服务 requests and the appointment book's upkeep (爽约清理): the
//! records and the store traits, implemented for both backends by
//! `crates/store/sql/home_visit.rs`.

use async_trait::async_trait;
use domain::home_visit::{HomeVisitReason, HomeVisitStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::StoreResult;

/// Appointments whose check-in window has closed.
#[async_trait]
pub trait AppointmentSweep: Send + Sync {
    /// Marks every `booked` appointment whose slot starts before `before_date`
    /// at `before_time` ("HH:MM") as `no_show`; answers how many were marked.
    async fn mark_no_shows(&self, before_date: Date, before_time: &str) -> StoreResult<u64>;
}

/// A door-to-door service request (上门服务申请). The phone and the address
/// are sealed by the app (encrypted, with the nonce) before they reach the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomeVisit {
    pub id: Uuid,
    pub name: String,
    #[serde(skip)]
    pub phone_sealed: String,
    #[serde(skip)]
    pub address_sealed: String,
    /// The item or category to be handled at home.
    pub item: String,
    pub reason: HomeVisitReason,
    pub preferred_date: Option<Date>,
    pub note: String,
    pub status: HomeVisitStatus,
    pub scheduled_date: Option<Date>,
    /// Username of the staff member who goes.
    pub assigned_to: Option<String>,
    /// The result note (done) or the reason (cancelled).
    pub outcome: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewHomeVisit {
    pub visit: HomeVisit,
    /// The keyed hash of the phone, for the per-person limit.
    pub phone_key: String,
    /// Open (requested or scheduled) requests one phone may hold.
    pub max_open_per_phone: i64,
    /// Who entered it (the citizen online, or a staff member on their behalf).
    pub by: String,
}

/// A status change, with who made it.
#[derive(Debug, Clone)]
pub struct HomeVisitChange {
    pub id: Uuid,
    pub to: HomeVisitStatus,
    /// Set when scheduling.
    pub scheduled_date: Option<Date>,
    pub assigned_to: Option<String>,
    /// Set when finishing or cancelling.
    pub outcome: Option<String>,
    pub by: String,
    pub at: Timestamp,
    /// What the history shows for this step.
    pub detail: String,
}

/// One step of a request's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomeVisitEvent {
    pub at: Timestamp,
    pub actor: String,
    pub status: HomeVisitStatus,
    pub detail: String,
}

#[async_trait]
pub trait HomeVisitStore: Send + Sync {
    /// Stores a request and its first history step; `Conflict { what: "person_limit" }`
    /// when the phone already holds `max_open_per_phone` open requests.
    async fn create_home_visit(&self, new: &NewHomeVisit) -> StoreResult<HomeVisit>;
    async fn home_visit(&self, id: Uuid) -> StoreResult<HomeVisit>;
    /// Newest first, optionally of one status.
    async fn home_visits(&self, status: Option<HomeVisitStatus>, limit: i64) -> StoreResult<Vec<HomeVisit>>;
    /// Moves a request to `change.to` when its current status allows it
    /// (`Conflict { what: "home_visit_status" }` otherwise) and records the step.
    async fn change_home_visit(&self, change: &HomeVisitChange) -> StoreResult<HomeVisit>;
    /// The history of a request, oldest first.
    async fn home_visit_events(&self, id: Uuid) -> StoreResult<Vec<HomeVisitEvent>>;
}
