//! 黄牛、非法中介 (scalpers and illegal agents): the facts detection reads
//! from tickets, appointments, refused attempts and cases; the register
//! (photos, keys, actions), the alerts of the floor and the supervisors'
//! reviews; the thresholds. Implemented for both backends by
//! `crates/store/sql/scalper.rs`.

use crate::StoreResult;
use async_trait::async_trait;
use domain::scalper::{FactSource, KeyKind, ReviewDecision, Rule, ScalperAction, ScalperRules};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

/// The marks of a person on a ticket or a booking: keyed hashes of the phone
/// and the ID number, with their masked forms (138****5678). Empty when the
/// person gave neither (or for records written by older code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonMarks {
    pub phone_key: Option<String>,
    pub phone_masked: Option<String>,
    pub id_key: Option<String>,
    pub id_masked: Option<String>,
}

impl PersonMarks {
    /// The (kind, key) pairs to look up in the register.
    pub fn keys(&self) -> Vec<(KeyKind, String)> {
        let mut out = Vec::new();
        if let Some(k) = &self.phone_key {
            out.push((KeyKind::Phone, k.clone()));
        }
        if let Some(k) = &self.id_key {
            out.push((KeyKind::IdNumber, k.clone()));
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.phone_key.is_none() && self.id_key.is_none()
    }
}

/// A fact as stored; the app turns `at` into the hall's local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalperFact {
    pub kind: KeyKind,
    pub key: String,
    pub masked: String,
    pub source: FactSource,
    pub id: Uuid,
    pub date: Date,
    pub at: Option<Timestamp>,
    /// Cases: the applicant's keyed ID hash.
    pub applicant: Option<String>,
    pub agency_basis: bool,
}

/// A ticket or a booking refused by the per-person limit (限额拒绝).
#[derive(Debug, Clone)]
pub struct NewRefusal {
    pub id: Uuid,
    /// `Ticket` or `Appointment`.
    pub source: FactSource,
    pub category: String,
    pub business_date: Date,
    pub at: Timestamp,
    pub marks: PersonMarks,
}

/// A photo of a registered person; the type was read from its bytes.
#[derive(Debug, Clone)]
pub struct ScalperPhoto {
    pub id: Uuid,
    pub content_type: String,
    pub body: Vec<u8>,
    pub uploaded_by: String,
    pub uploaded_at: Timestamp,
}

/// A registered person (黄牛/非法中介登记).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scalper {
    pub id: Uuid,
    pub description: String,
    #[serde(skip)]
    pub phone_key: Option<String>,
    pub phone_masked: Option<String>,
    #[serde(skip)]
    pub id_key: Option<String>,
    pub id_masked: Option<String>,
    pub photo_id: Option<Uuid>,
    pub registered_by: String,
    pub registered_at: Timestamp,
}

/// An action taken against a registered person (处置措施).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalperActionRecord {
    pub id: Uuid,
    pub scalper_id: Uuid,
    pub action: ScalperAction,
    pub date: Date,
    pub note: String,
    pub evidence: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A registered phone or ID took a ticket or booked a slot (现场预警).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalperAlert {
    pub id: Uuid,
    pub scalper_id: Uuid,
    /// What the register says of the person.
    pub description: String,
    /// `ticket` or `appointment`.
    pub source: FactSource,
    pub record_id: Uuid,
    /// The ticket number, or the booked slot.
    pub reference: String,
    /// Which number matched.
    pub kind: KeyKind,
    pub business_date: Date,
    pub at: Timestamp,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<Timestamp>,
}

/// What the ticket or booking hook looked up, to record an alert per match.
#[derive(Debug, Clone)]
pub struct AlertProbe {
    pub keys: Vec<(KeyKind, String)>,
    pub source: FactSource,
    pub record_id: Uuid,
    pub reference: String,
    pub business_date: Date,
    pub at: Timestamp,
}

/// A supervisor's review of a suspect (可疑对象复核).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuspectReview {
    pub id: Uuid,
    pub kind: KeyKind,
    #[serde(skip)]
    pub key: String,
    pub masked: String,
    pub rule: Rule,
    pub period_from: Date,
    pub period_to: Date,
    pub decision: ReviewDecision,
    pub note: String,
    /// Set when the person was registered from it.
    pub scalper_id: Option<Uuid>,
    pub reviewed_by: String,
    pub reviewed_at: Timestamp,
}

#[async_trait]
pub trait ScalperStore: Send + Sync {
    /// Records an attempt refused by a per-person limit.
    async fn record_refusal(&self, refusal: &NewRefusal) -> StoreResult<()>;
    /// The ticket, booking and refusal facts of `from..=to` of every phone or
    /// ID key with at least `fewest` of them in the period's months (found in
    /// the monthly counts, then read by the (key, date) indexes; rows without a
    /// masked form are left out). Every key with `fewest` facts in the period
    /// is there; a key busy only on the months' other days may be too.
    async fn ticket_facts(&self, from: Date, to: Date, fewest: i64) -> StoreResult<Vec<ScalperFact>>;
    /// The monthly counts (黄牛筛查的月计数) of one key: (first day of the
    /// month, facts), oldest first. For checks that they equal the records.
    async fn key_month_facts(&self, kind: KeyKind, key: &str) -> StoreResult<Vec<(Date, i64)>>;
    /// The case facts of `from..=to`: phones on the cases of at least
    /// `phone_applicants` distinct applicants, and agents without an agency
    /// basis acting for at least `agent_applicants`.
    async fn case_facts(
        &self,
        from: Date,
        to: Date,
        phone_applicants: i64,
        agent_applicants: i64,
    ) -> StoreResult<Vec<ScalperFact>>;

    /// Registers a person with their optional photo and their keys;
    /// `Conflict { what: "scalper_key" }` when a key is registered already.
    async fn add_scalper(&self, scalper: &Scalper, photo: Option<&ScalperPhoto>) -> StoreResult<()>;
    async fn scalper(&self, id: Uuid) -> StoreResult<Scalper>;
    /// Newest first.
    async fn scalpers(&self, limit: i64) -> StoreResult<Vec<Scalper>>;
    /// A photo's type and bytes.
    async fn scalper_photo(&self, id: Uuid) -> StoreResult<(String, Vec<u8>)>;
    async fn add_scalper_action(&self, action: &ScalperActionRecord) -> StoreResult<()>;
    /// A person's actions, oldest first.
    async fn scalper_actions(&self, scalper_id: Uuid) -> StoreResult<Vec<ScalperActionRecord>>;

    /// One indexed lookup of the probe's keys in the register; an alert is
    /// recorded (and answered) for each registered person found.
    async fn check_alert(&self, probe: &AlertProbe) -> StoreResult<Vec<ScalperAlert>>;
    /// Newest first; only those not yet acknowledged when `open_only`.
    async fn scalper_alerts(&self, open_only: bool, limit: i64) -> StoreResult<Vec<ScalperAlert>>;
    /// `Conflict { what: "alert_acknowledged" }` when done already.
    async fn acknowledge_alert(&self, id: Uuid, by: &str, at: Timestamp) -> StoreResult<ScalperAlert>;

    async fn add_suspect_review(&self, review: &SuspectReview) -> StoreResult<()>;
    /// The reviews of these keys, newest first.
    async fn suspect_reviews(&self, keys: &[String]) -> StoreResult<Vec<SuspectReview>>;

    /// The thresholds set by the administrator, if any.
    async fn scalper_rules(&self) -> StoreResult<Option<ScalperRules>>;
    async fn set_scalper_rules(&self, rules: &ScalperRules, by: &str, at: Timestamp) -> StoreResult<()>;
}
