//! 月度考核 (issue 16): the scheme's versions, 三评 reviews, the leader's
//! bonuses and incidents, frozen months with their results and log, and the
//! month's facts read from the records the hall already keeps (evaluations,
//! tickets, cases, inspections, complaints, meetings, rectifications,
//! cards). Implemented for both backends by `crates/store/sql/assessment.rs`.

use crate::StoreResult;
use async_trait::async_trait;
use domain::assessment::{Assessment, IncidentKind, ReviewKind, SubjectLevel};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

/// A saved version of the scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeVersion {
    pub version: i64,
    /// YYYY-MM: the first month it scores.
    pub effective_from: String,
    /// The scheme as JSON (`domain::assessment::Scheme`).
    pub body: String,
    pub note: String,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A 党员互评 or 领导点评 of a staff member for a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub id: Uuid,
    /// YYYY-MM
    pub month: String,
    pub staff: String,
    pub reviewer: String,
    pub kind: ReviewKind,
    pub score: i64,
    pub comment: String,
    pub created_at: Timestamp,
}

/// A leader's 创新加分.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bonus {
    pub id: Uuid,
    pub month: String,
    pub level: SubjectLevel,
    pub subject: String,
    pub points: f64,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A serious discipline breach or safety incident the leader recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Incident {
    pub id: Uuid,
    pub month: String,
    pub occurred_on: Date,
    pub level: SubjectLevel,
    pub subject: String,
    pub kind: IncidentKind,
    pub description: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A frozen month (定档).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrozenMonth {
    pub month: String,
    /// 0: the default scheme.
    pub scheme_version: i64,
    pub frozen_by: String,
    pub frozen_at: Timestamp,
    /// How often it was re-scored after freezing.
    pub rescores: i64,
    /// The red flag decision (JSON `domain::assessment::AwardDecision`).
    pub red_flag: String,
    /// The service stars decision (JSON).
    pub stars: String,
}

/// Freezing or a re-score, logged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentLogEntry {
    pub month: String,
    /// `freeze` or `rescore`.
    pub action: String,
    pub actor: String,
    pub at: Timestamp,
    pub reason: String,
}

/// What a frozen month's results are read for.
#[derive(Debug, Clone)]
pub struct ResultQuery {
    pub month: String,
    pub level: SubjectLevel,
    /// One subject only.
    pub subject: Option<String>,
    /// With each part's evidence (the largest column).
    pub evidence: bool,
}

/// A frozen result's evidence as stored: one list per part, parts apart by
/// `;`, entries by `,`, each entry the kind's letter and the id's 32 hex
/// digits (`e0190a0b0…`). About 34 bytes an entry, read back without a
/// JSON parser: a province's staff list carries some 280,000 of them.
pub fn encode_evidence(parts: &[&Vec<domain::assessment::Evidence>]) -> String {
    use std::fmt::Write;
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = String::with_capacity(n * 34 + parts.len());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        for (j, e) in part.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push(kind_letter(e.kind));
            let _ = write!(out, "{}", e.id.simple());
        }
    }
    out
}

/// Reads [`encode_evidence`] back; anything else is a corrupt record.
pub fn decode_evidence(text: &str) -> StoreResult<Vec<Vec<domain::assessment::Evidence>>> {
    let bad = || {
        crate::StoreError::Corrupt(format!(
            "assessment evidence {}",
            text.chars().take(40).collect::<String>()
        ))
    };
    text.split(';')
        .map(|part| {
            part.split(',')
                .filter(|e| !e.is_empty())
                .map(|e| {
                    let mut chars = e.chars();
                    let kind = chars.next().and_then(letter_kind).ok_or_else(bad)?;
                    let id = Uuid::try_parse(chars.as_str()).map_err(|_| bad())?;
                    Ok(domain::assessment::Evidence { kind, id })
                })
                .collect()
        })
        .collect()
}

const KIND_LETTERS: [(domain::assessment::EvidenceKind, char); 12] = {
    use domain::assessment::EvidenceKind as K;
    [
        (K::Evaluation, 'e'),
        (K::Ticket, 't'),
        (K::Case, 'c'),
        (K::Inspection, 'i'),
        (K::Complaint, 'p'),
        (K::Review, 'r'),
        (K::Meeting, 'm'),
        (K::Exam, 'x'),
        (K::Bonus, 'b'),
        (K::Import, 'g'),
        (K::Rectification, 'f'),
        (K::Incident, 'n'),
    ]
};

fn kind_letter(kind: domain::assessment::EvidenceKind) -> char {
    KIND_LETTERS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or('?', |(_, c)| *c)
}

fn letter_kind(c: char) -> Option<domain::assessment::EvidenceKind> {
    KIND_LETTERS.iter().find(|(_, l)| *l == c).map(|(k, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::assessment::{Evidence, EvidenceKind};

    #[test]
    fn evidence_round_trips_through_its_stored_text() {
        let a = vec![
            Evidence::new(EvidenceKind::Evaluation, Uuid::from_u128(1)),
            Evidence::new(EvidenceKind::Import, Uuid::from_u128(u128::MAX)),
        ];
        let none: Vec<Evidence> = Vec::new();
        let b = vec![Evidence::new(EvidenceKind::Incident, Uuid::now_v7())];
        let text = encode_evidence(&[&a, &none, &b]);
        assert_eq!(decode_evidence(&text).ok(), Some(vec![a, none, b]));
        assert_eq!(decode_evidence("").ok(), Some(vec![vec![]]));
        assert!(decode_evidence("z0190").is_err());
        for (k, _) in KIND_LETTERS {
            assert_eq!(letter_kind(kind_letter(k)), Some(k));
        }
    }
}

// ---------------------------------------------------------------- facts

/// The month's evaluations alike in window, department, staff member,
/// level and flags: their ids and their summed weight (an imported row
/// carries its count). Grouped in the database, so a month of 280,000
/// evaluations comes back as a few tens of thousands of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationRow {
    pub ids: Vec<Uuid>,
    pub window: String,
    pub department: String,
    pub staff: String,
    pub level: domain::evaluation::Level,
    pub weight: i64,
    pub imported: bool,
    pub excluded: bool,
}

/// A finished ticket of the month.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketRow {
    pub id: Uuid,
    pub window: String,
    pub staff: String,
}

/// A case accepted, completed, or overdue and open in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub id: Uuid,
    pub window: String,
    pub staff: String,
    pub department: String,
    pub has_ticket: bool,
    pub accepted_on: Option<Date>,
    pub deadline: Option<Date>,
    pub completed_on: Option<Date>,
    pub paused: bool,
    /// Still open (accepted, under review, paused or decided).
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InspectionRow {
    pub id: Uuid,
    pub unannounced: bool,
    pub window: String,
    pub department: String,
    pub staff: Vec<String>,
    pub deduction: f64,
    pub upheld: bool,
    /// Codes of the failed checklist items.
    pub failed_items: Vec<String>,
}

/// A substantiated complaint received in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplaintRow {
    pub id: Uuid,
    pub number: String,
    pub category: domain::complaint::ComplaintCategory,
    pub window: String,
    pub staff: String,
    pub department: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRow {
    pub id: Uuid,
    pub window: Option<String>,
    /// The department's code.
    pub department: Option<String>,
    pub host: String,
    pub attendees: Vec<String>,
}

/// A rectification due in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct RectificationRow {
    pub id: Uuid,
    pub window: String,
    pub department: String,
    pub due_date: Date,
    pub closed: bool,
    /// When it last changed: the closing, for a closed one.
    pub updated_at: Timestamp,
    /// The staff member of the 差评 or the complaint.
    pub staff: String,
    /// The inspected staff of a failed inspection item.
    pub inspection_staff: Vec<String>,
}

/// A red card of the month ruled 过错.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultCardRow {
    pub case_id: Uuid,
    pub case_number: String,
    pub window: String,
    pub staff: String,
    pub department: String,
}

#[async_trait]
pub trait AssessmentStore: Send + Sync {
    // ---- the scheme
    /// Saves a new version (the next number) and answers it.
    async fn add_scheme_version(
        &self,
        effective_from: &str,
        body: &str,
        note: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<SchemeVersion>;
    /// Every version, oldest first.
    async fn scheme_versions(&self) -> StoreResult<Vec<SchemeVersion>>;

    // ---- 三评, bonuses, incidents
    /// `Conflict("review_duplicate")` for a second review by the same
    /// reviewer of the same person, month and kind.
    async fn add_review(&self, review: &Review) -> StoreResult<()>;
    /// The reviews of a month; of one person with `staff`.
    async fn reviews(&self, month: &str, staff: Option<&str>) -> StoreResult<Vec<Review>>;
    async fn add_bonus(&self, bonus: &Bonus) -> StoreResult<()>;
    async fn bonuses(&self, month: &str) -> StoreResult<Vec<Bonus>>;
    async fn add_incident(&self, incident: &Incident) -> StoreResult<()>;
    async fn incidents(&self, month: &str) -> StoreResult<Vec<Incident>>;

    // ---- frozen months
    async fn frozen_month(&self, month: &str) -> StoreResult<Option<FrozenMonth>>;
    /// Stores a month's results in one transaction with its log line: the
    /// first freeze (`Conflict("assessment_frozen")` when already frozen),
    /// or, with `rescore`, a replacement of a frozen month's results
    /// (`NotFound` when it is not frozen).
    async fn save_frozen_month(
        &self,
        month: &FrozenMonth,
        results: &[Assessment],
        rescore: bool,
        log: &AssessmentLogEntry,
    ) -> StoreResult<()>;
    /// A frozen month's results of one level in list order.
    async fn frozen_results(&self, query: &ResultQuery) -> StoreResult<Vec<Assessment>>;
    /// The star grades of some subjects in a frozen month (for the "优秀"
    /// streak): (subject, stars).
    async fn frozen_grades(&self, month: &str, level: SubjectLevel) -> StoreResult<Vec<(String, i64)>>;
    async fn assessment_log(&self, month: &str) -> StoreResult<Vec<AssessmentLogEntry>>;

    // ---- the month's facts (from, to: the month's first and last day)
    async fn month_evaluations(&self, from: Date, to: Date) -> StoreResult<Vec<EvaluationRow>>;
    async fn month_tickets(&self, from: Date, to: Date) -> StoreResult<Vec<TicketRow>>;
    /// Cases accepted or completed in the month, and open cases whose
    /// deadline fell in it before `today` (not imported ones).
    async fn month_cases(&self, from: Date, to: Date, today: Date) -> StoreResult<Vec<CaseRow>>;
    async fn month_inspections(&self, from: Date, to: Date) -> StoreResult<Vec<InspectionRow>>;
    async fn month_complaints(&self, from: Date, to: Date) -> StoreResult<Vec<ComplaintRow>>;
    async fn month_meetings(&self, from: Date, to: Date) -> StoreResult<Vec<MeetingRow>>;
    async fn month_rectifications(&self, from: Date, to: Date) -> StoreResult<Vec<RectificationRow>>;
    async fn month_fault_cards(&self, from: Date, to: Date) -> StoreResult<Vec<FaultCardRow>>;
    // The month's exams are the training store's (`TrainingStore::exam_results`).

    // issue 18: the month's facts counted in the database, without their evidence
    /// [`Self::month_evaluations`] without the ids (`ids` empty).
    async fn month_evaluation_counts(&self, from: Date, to: Date) -> StoreResult<Vec<EvaluationRow>>;
    /// [`Self::month_tickets`] counted per window and staff member.
    async fn month_ticket_counts(&self, from: Date, to: Date) -> StoreResult<Vec<TicketCount>>;
    /// [`Self::month_cases`] counted per names, ticket, acceptance in the
    /// month and outcome (as the assessment reads a [`CaseRow`]).
    async fn month_case_counts(&self, from: Date, to: Date, today: Date) -> StoreResult<Vec<CaseCount>>;
}

// issue 18: the month's facts counted in the database, without their evidence
/// `n` finished tickets of the month alike in window and staff member.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TicketCount {
    pub window: String,
    pub staff: String,
    pub n: i64,
}

/// `n` cases of [`AssessmentStore::month_cases`] alike in what the
/// assessment reads of them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseCount {
    pub window: String,
    pub staff: String,
    pub department: String,
    pub has_ticket: bool,
    /// Accepted in the month (a service).
    pub accepted: bool,
    /// Completed in the month by its deadline or after it, or open past a
    /// deadline in the month before today and not paused; `None`: neither.
    pub outcome: Option<domain::assessment::CaseOutcome>,
    pub n: i64,
}
