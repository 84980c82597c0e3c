//! What the SQL both backends share needs from this crate. SQLite and
//! PostgreSQL both bind `$1..$N`, return rows with `RETURNING` and upsert with
//! `ON CONFLICT`, so the query text is written once, in ordinary Rust modules
//! under `crates/store/sql/` that each backend crate compiles with its own
//! connection types (its `dialect.rs` names them). Per-backend SQL (locking,
//! date functions, planner hints) stays in the backend crates.
//!
//! Here: how a driver error becomes a [`StoreError`], JSON columns, `IN`
//! lists, and each stored enum code read back in one place ([`StoredCode`]).

use crate::StoreError;
use domain::Role;
use domain::appointment::{AppointmentChannel, AppointmentStatus};
use domain::case::{ApplicantKind, CaseStatus, Handling};
use domain::complaint::{ComplaintCategory, ComplaintChannel, ComplaintStatus};
use domain::evaluation::{Channel, Level, SmsKind, SmsStatus};
use domain::home_visit::{HomeVisitReason, HomeVisitStatus};
use domain::queue::CallKind;
use domain::rectification::{AppealStatus, RectificationStatus};

/// Reads a driver error the same way in every module: no row → `NotFound`,
/// a unique or foreign-key refusal → `Conflict` on `what`, anything else → `Other`.
pub fn refusal(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match e {
        sqlx::Error::RowNotFound => StoreError::NotFound(what.to_owned()),
        sqlx::Error::Database(ref d) if d.is_unique_violation() || d.is_foreign_key_violation() => {
            StoreError::Conflict {
                what: what.to_owned(),
            }
        }
        other => StoreError::other(other),
    }
}

// issue 15 parts 3, 4, 6: yellow/red cards, floor duty log
impl StoredCode for domain::card::CardColor {
    const WHAT: &'static str = "card color";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for domain::card::CardRuling {
    const WHAT: &'static str = "card ruling";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for domain::duty_log::DutyEventKind {
    const WHAT: &'static str = "duty event kind";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

// issue 16 part 6: training
impl StoredCode for domain::training::QuestionKind {
    const WHAT: &'static str = "question kind";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

/// `NotFound(what)` when a write touched no row: what it names is not there.
pub fn touched(rows_affected: u64, what: impl Into<String>) -> Result<(), StoreError> {
    if rows_affected == 0 {
        return Err(StoreError::NotFound(what.into()));
    }
    Ok(())
}

pub fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(StoreError::other)
}

pub fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// `$first, $first+1, …` for an `IN` list of `n` values.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An enum kept in the database as its code (written with its `code()`),
/// read back here, in one place: an unknown code is a corrupt record.
pub trait StoredCode: Sized {
    /// How an unknown code is described in [`StoreError::Corrupt`].
    const WHAT: &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

/// Reads a stored code back into its enum.
pub fn decode<T: StoredCode>(code: &str) -> Result<T, StoreError> {
    T::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("{} {code}", T::WHAT)))
}

impl StoredCode for Role {
    const WHAT: &'static str = "unknown role";
    fn from_code(code: &str) -> Option<Role> {
        Role::parse(code)
    }
}

impl StoredCode for crate::TokenKind {
    const WHAT: &'static str = "token kind";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for crate::queue::TicketStatus {
    const WHAT: &'static str = "ticket status";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for crate::queue::WindowStatus {
    const WHAT: &'static str = "window status";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for HomeVisitReason {
    const WHAT: &'static str = "home visit reason";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for HomeVisitStatus {
    const WHAT: &'static str = "home visit status";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for CaseStatus {
    const WHAT: &'static str = "case status";
    fn from_code(code: &str) -> Option<Self> {
        // Only the code: an imported ledger's Chinese labels are read in `app`.
        CaseStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl StoredCode for Handling {
    const WHAT: &'static str = "case handling";
    fn from_code(code: &str) -> Option<Self> {
        Handling::ALL.into_iter().find(|h| h.code() == code)
    }
}

impl StoredCode for ApplicantKind {
    const WHAT: &'static str = "applicant kind";
    fn from_code(code: &str) -> Option<Self> {
        ApplicantKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl StoredCode for Level {
    const WHAT: &'static str = "evaluation level";
    fn from_code(code: &str) -> Option<Self> {
        Level::ALL.into_iter().find(|l| l.code() == code)
    }
}

impl StoredCode for Channel {
    const WHAT: &'static str = "evaluation channel";
    fn from_code(code: &str) -> Option<Self> {
        Channel::ALL.into_iter().find(|v| v.code() == code)
    }
}

impl StoredCode for domain::catalog::AttachmentKind {
    const WHAT: &'static str = "attachment kind";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for SmsKind {
    const WHAT: &'static str = "sms kind";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for SmsStatus {
    const WHAT: &'static str = "sms status";
    fn from_code(code: &str) -> Option<Self> {
        SmsStatus::ALL.into_iter().find(|v| v.code() == code)
    }
}

impl StoredCode for RectificationStatus {
    const WHAT: &'static str = "rectification status";
    fn from_code(code: &str) -> Option<Self> {
        RectificationStatus::ALL.into_iter().find(|v| v.code() == code)
    }
}

impl StoredCode for AppealStatus {
    const WHAT: &'static str = "appeal status";
    fn from_code(code: &str) -> Option<Self> {
        AppealStatus::ALL.into_iter().find(|v| v.code() == code)
    }
}

impl StoredCode for AppointmentStatus {
    const WHAT: &'static str = "appointment status";
    fn from_code(code: &str) -> Option<Self> {
        AppointmentStatus::ALL.into_iter().find(|v| v.code() == code)
    }
}

impl StoredCode for AppointmentChannel {
    const WHAT: &'static str = "appointment channel";
    fn from_code(code: &str) -> Option<Self> {
        AppointmentChannel::ALL.into_iter().find(|v| v.code() == code)
    }
}

impl StoredCode for CallKind {
    const WHAT: &'static str = "call kind";
    fn from_code(code: &str) -> Option<Self> {
        CallKind::ALL.into_iter().find(|v| v.code() == code)
    }
}

// Issue 15 part 2: inspections (督查).
impl StoredCode for domain::inspection::InspectionKind {
    const WHAT: &'static str = "inspection kind";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for domain::inspection::InspectionStatus {
    const WHAT: &'static str = "inspection status";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for ComplaintChannel {
    const WHAT: &'static str = "complaint channel";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl StoredCode for ComplaintCategory {
    const WHAT: &'static str = "complaint category";
    fn from_code(code: &str) -> Option<Self> {
        // Only the code: parse() also reads the Chinese words people write.
        ComplaintCategory::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl StoredCode for ComplaintStatus {
    const WHAT: &'static str = "complaint status";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

// issue 17: smart guide (智能导办)
impl StoredCode for domain::guide::GuideKind {
    const WHAT: &'static str = "guide answer kind";
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_codes_read_back_and_unknown_ones_are_corrupt() {
        for s in CaseStatus::ALL {
            assert_eq!(decode::<CaseStatus>(s.code()).ok(), Some(s));
        }
        for h in Handling::ALL {
            assert_eq!(decode::<Handling>(h.code()).ok(), Some(h));
        }
        // Labels are for people: the database holds codes only.
        assert!(matches!(
            decode::<CaseStatus>(CaseStatus::Accepted.label()),
            Err(StoreError::Corrupt(m)) if m == "case status 已受理"
        ));
        assert!(matches!(
            decode::<ApplicantKind>("company"),
            Err(StoreError::Corrupt(_))
        ));
    }
}
