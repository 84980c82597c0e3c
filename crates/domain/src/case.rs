//! Case handling rules (办件规则): statuses and their transitions, deadlines
//! with lawful pauses and one extension (行政许可法 第32、42、45条), urgency,
//! case numbers, progress-query codes and the completion figures.
//!
//! Pure: the caller loads the case, asks these functions, and stores the result.

use crate::calendar::{CalendarError, WorkCalendar};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Where a case stands (办件状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// 补正: materials incomplete, the applicant was told everything missing at
    /// once; the clock has not started.
    Supplement,
    /// 受理: materials complete, the clock runs from the next working day.
    Accepted,
    /// 审查中.
    UnderReview,
    /// 暂停: a step the law does not count (听证、检验检测、专家评审、公示、补正…).
    Paused,
    /// 已决定: approved or not approved (stored separately, with the reason).
    Decided,
    /// 办结.
    Completed,
    /// 送达: the result reached the applicant (window, post, e-licence).
    Delivered,
    /// 不予受理: refused at intake with a written reason.
    Refused,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 8] = [
        CaseStatus::Supplement,
        CaseStatus::Accepted,
        CaseStatus::UnderReview,
        CaseStatus::Paused,
        CaseStatus::Decided,
        CaseStatus::Completed,
        CaseStatus::Delivered,
        CaseStatus::Refused,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Supplement => "supplement",
            CaseStatus::Accepted => "accepted",
            CaseStatus::UnderReview => "under_review",
            CaseStatus::Paused => "paused",
            CaseStatus::Decided => "decided",
            CaseStatus::Completed => "completed",
            CaseStatus::Delivered => "delivered",
            CaseStatus::Refused => "refused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Supplement => "待补正",
            CaseStatus::Accepted => "已受理",
            CaseStatus::UnderReview => "审查中",
            CaseStatus::Paused => "暂停计时",
            CaseStatus::Decided => "已决定",
            CaseStatus::Completed => "已办结",
            CaseStatus::Delivered => "已送达",
            CaseStatus::Refused => "不予受理",
        }
    }

    /// From the code or the Chinese label (imported ledgers use either).
    pub fn parse(s: &str) -> Option<CaseStatus> {
        let s = s.trim();
        CaseStatus::ALL
            .into_iter()
            .find(|c| c.code() == s || c.label() == s)
    }

    /// Accepted and not yet completed: on a work list, with a deadline to watch.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::Accepted | CaseStatus::UnderReview | CaseStatus::Paused | CaseStatus::Decided
        )
    }

    /// 办结 (or later): counts as completed in the figures.
    pub fn is_completed(self) -> bool {
        matches!(self, CaseStatus::Completed | CaseStatus::Delivered)
    }

    /// Nothing more happens to the case.
    pub fn is_final(self) -> bool {
        matches!(self, CaseStatus::Delivered | CaseStatus::Refused)
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a staff member does to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum CaseAction {
    /// 补正完成: nothing required is missing any more → accepted.
    SupplementComplete,
    /// 不予受理 (from 补正, with a written reason the caller stores).
    Refuse,
    /// 开始审查: accepted → under review.
    Review,
    /// 暂停计时 (第45条 steps, 补正 after acceptance).
    Pause,
    /// 恢复计时: back to the status the case had before the pause.
    Resume { before: CaseStatus },
    /// 作出决定: approved or not approved.
    Decide { approved: bool },
    /// 办结. `immediate` for 即办件, which may complete straight from accepted.
    Complete { immediate: bool },
    /// 送达.
    Deliver,
    /// 延期 (once, with approval and a notice to the applicant; 第42条).
    Extend { already_extended: bool },
}

impl CaseAction {
    pub fn label(self) -> &'static str {
        match self {
            CaseAction::SupplementComplete => "补正完成",
            CaseAction::Refuse => "不予受理",
            CaseAction::Review => "开始审查",
            CaseAction::Pause => "暂停计时",
            CaseAction::Resume { .. } => "恢复计时",
            CaseAction::Decide { .. } => "作出决定",
            CaseAction::Complete { .. } => "办结",
            CaseAction::Deliver => "送达",
            CaseAction::Extend { .. } => "延期",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CaseRuleError {
    #[error("办件当前状态为“{from}”，不能{action}")]
    NotAllowed { from: CaseStatus, action: &'static str },
    #[error("承诺件须先作出审批决定才能办结")]
    NotDecided,
    #[error("办件已延期一次，依法不能再次延期（行政许可法第四十二条）")]
    AlreadyExtended,
    #[error("恢复计时只能回到“已受理”或“审查中”，不能回到“{0}”")]
    BadResume(CaseStatus),
}

/// 即办件: finished on the spot — handled as 即办, or promised in 0 working days.
pub fn is_immediate(handling: &str, promised_days: i64) -> bool {
    handling.contains("即办") || promised_days == 0
}

/// The longest extension of a case, in working days (第42条 allows 10 for a
/// licence, 15 for joint handling; the hall approves at most this).
pub const MAX_EXTENSION_DAYS: u32 = 15;
/// The longest reason or note written on a case step.
pub const MAX_REASON_CHARS: usize = 1000;

/// What an action needs written with it, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CaseInputError {
    #[error("说明不超过1000字")]
    ReasonTooLong,
    #[error("暂停计时、延期和不予受理须写明理由")]
    ReasonRequired,
    #[error("不予许可须书面说明理由")]
    RefusalReasonRequired,
    #[error("延期天数应为1至15个工作日")]
    ExtensionDays,
}

impl CaseInputError {
    /// The request field the error is about.
    pub fn field(self) -> &'static str {
        match self {
            CaseInputError::ExtensionDays => "days",
            _ => "reason",
        }
    }
}

/// Checks what comes with an action: a written reason for a pause, a refusal,
/// an extension and a 不予 decision (第32、38、42、45条); 1 to
/// [`MAX_EXTENSION_DAYS`] days for an extension. Answers the extension days.
pub fn check_action_input(
    action: CaseAction,
    reason: &str,
    days: Option<u32>,
) -> Result<u32, CaseInputError> {
    let reason = reason.trim();
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(CaseInputError::ReasonTooLong);
    }
    let needs_reason = matches!(
        action,
        CaseAction::Pause | CaseAction::Refuse | CaseAction::Extend { .. }
    );
    if needs_reason && reason.is_empty() {
        return Err(CaseInputError::ReasonRequired);
    }
    if action == (CaseAction::Decide { approved: false }) && reason.is_empty() {
        return Err(CaseInputError::RefusalReasonRequired);
    }
    match (action, days) {
        (CaseAction::Extend { .. }, Some(d)) if (1..=MAX_EXTENSION_DAYS).contains(&d) => Ok(d),
        (CaseAction::Extend { .. }, _) => Err(CaseInputError::ExtensionDays),
        _ => Ok(0),
    }
}

/// Whether an extension can be asked for now: once, while the clock runs or is paused.
pub fn can_extend(status: CaseStatus, extension_days: i64) -> bool {
    extension_days == 0
        && matches!(
            status,
            CaseStatus::Accepted | CaseStatus::UnderReview | CaseStatus::Paused
        )
}

/// The status after `action`, or why it is not allowed. `Extend` keeps the
/// status (the caller records the extension days and approval).
pub fn can_move(from: CaseStatus, action: CaseAction) -> Result<CaseStatus, CaseRuleError> {
    use CaseStatus as S;
    let not_allowed = || CaseRuleError::NotAllowed {
        from,
        action: action.label(),
    };
    match (action, from) {
        (CaseAction::SupplementComplete, S::Supplement) => Ok(S::Accepted),
        (CaseAction::Refuse, S::Supplement) => Ok(S::Refused),
        (CaseAction::Review, S::Accepted) => Ok(S::UnderReview),
        (CaseAction::Pause, S::Accepted | S::UnderReview) => Ok(S::Paused),
        (CaseAction::Resume { before }, S::Paused) => match before {
            S::Accepted | S::UnderReview => Ok(before),
            other => Err(CaseRuleError::BadResume(other)),
        },
        (CaseAction::Decide { .. }, S::Accepted | S::UnderReview) => Ok(S::Decided),
        (CaseAction::Complete { .. }, S::Decided) => Ok(S::Completed),
        (CaseAction::Complete { immediate: true }, S::Accepted) => Ok(S::Completed),
        (CaseAction::Complete { immediate: false }, S::Accepted | S::UnderReview) => {
            Err(CaseRuleError::NotDecided)
        }
        (CaseAction::Deliver, S::Completed) => Ok(S::Delivered),
        (CaseAction::Extend { already_extended }, S::Accepted | S::UnderReview | S::Paused) => {
            if already_extended {
                Err(CaseRuleError::AlreadyExtended)
            } else {
                Ok(from)
            }
        }
        _ => Err(not_allowed()),
    }
}

/// A stretch of time the law does not count (第45条). Both ends inclusive;
/// `to = None` while the case is still paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    pub to: Option<Date>,
}

/// Working days inside `pauses`, both ends inclusive, days covered by more
/// than one pause counted once; an open pause runs up to and including `today`.
/// A pause that ends before it starts (or an open one starting after `today`)
/// covers nothing.
pub fn paused_working_days(cal: &WorkCalendar, pauses: &[Pause], today: Date) -> Result<u32, CalendarError> {
    let mut spans: Vec<(Date, Date)> = pauses
        .iter()
        .map(|p| (p.from, p.to.unwrap_or(today)))
        .filter(|(a, b)| a <= b)
        .collect();
    spans.sort();
    // Merge overlapping or touching spans so no day is counted twice.
    let mut merged: Vec<(Date, Date)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match merged.last_mut() {
            Some((_, end)) if a <= end.tomorrow().unwrap_or(*end) => {
                if b > *end {
                    *end = b;
                }
            }
            _ => merged.push((a, b)),
        }
    }
    let mut n = 0u32;
    for (a, b) in merged {
        let mut d = a;
        loop {
            if cal.is_workday(d)? {
                n += 1;
            }
            if d >= b {
                break;
            }
            d = d.tomorrow().map_err(|_| CalendarError::MissingYear(d.year()))?;
        }
    }
    Ok(n)
}

/// The paused working days that move a case's deadline: as
/// [`paused_working_days`], but only days after the acceptance day count (the
/// acceptance day is never on the clock, so pausing it gains nothing). This is
/// the `paused_days` to show beside the deadline.
pub fn counted_paused_days(
    cal: &WorkCalendar,
    accepted_on: Date,
    pauses: &[Pause],
    today: Date,
) -> Result<u32, CalendarError> {
    let Ok(first) = accepted_on.tomorrow() else {
        return Ok(0);
    };
    let clipped: Vec<Pause> = pauses
        .iter()
        .map(|p| Pause {
            from: p.from.max(first),
            to: Some(p.to.unwrap_or(today)),
        })
        .collect();
    paused_working_days(cal, &clipped, today)
}

/// A case's deadline (办理期限): `promised_days` working days counted from the
/// day after acceptance (第42条; the acceptance day is not counted), moved later
/// by the working days paused after acceptance ([`counted_paused_days`]; an open
/// pause counts up to `today`) and by `extension_days` working days.
/// 即办件 (0 promised, no pause, no extension) are due on the acceptance day.
pub fn case_deadline(
    cal: &WorkCalendar,
    accepted_on: Date,
    promised_days: u32,
    pauses: &[Pause],
    extension_days: u32,
    today: Date,
) -> Result<Date, CalendarError> {
    let paused = counted_paused_days(cal, accepted_on, pauses, today)?;
    let total = promised_days
        .checked_add(paused)
        .and_then(|n| n.checked_add(extension_days))
        .ok_or(CalendarError::DaysOutOfRange)?;
    cal.deadline(accepted_on, total)
}

/// Finished on or before the deadline day is on time (第42条 practice).
pub fn on_time(completed_on: Date, deadline: Date) -> bool {
    completed_on <= deadline
}

/// How pressing a case is on a work list. Ordered: `Red > Amber > Normal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    /// 黄灯预警: few working days remain.
    Amber,
    /// 红灯: overdue.
    Red,
}

impl Urgency {
    pub fn code(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Amber => "amber",
            Urgency::Red => "red",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Normal => "正常",
            Urgency::Amber => "临期预警",
            Urgency::Red => "已超期",
        }
    }
}

/// Working days left: those after `today` up to and including `deadline`
/// (0 on the deadline day itself). Negative when overdue: minus the working
/// days from the day after the deadline up to `today`, and at least -1 as
/// soon as the deadline day is past (a Saturday after a Friday deadline is -1).
pub fn working_days_left(cal: &WorkCalendar, today: Date, deadline: Date) -> Result<i64, CalendarError> {
    if today <= deadline {
        Ok(i64::from(cal.workdays_between(today, deadline)?))
    } else {
        let late = i64::from(cal.workdays_between(deadline, today)?);
        Ok(-late.max(1))
    }
}

/// Red when overdue and not paused; Amber when `amber_days` or fewer working
/// days remain (docs/domain.md default 2), and for a paused case past its deadline
/// (the clock is stopped, so it is not a fault, but it needs attention).
pub fn urgency(
    cal: &WorkCalendar,
    deadline: Date,
    today: Date,
    amber_days: u32,
    paused: bool,
) -> Result<Urgency, CalendarError> {
    if today > deadline {
        return Ok(if paused { Urgency::Amber } else { Urgency::Red });
    }
    let left = working_days_left(cal, today, deadline)?;
    Ok(if left <= i64::from(amber_days) {
        Urgency::Amber
    } else {
        Urgency::Normal
    })
}

/// A case number (办件编号): hall code, acceptance date, daily sequence of at
/// least four digits — `DH20261130-0001`, `DH20261130-10000`.
pub fn case_number(hall_code: &str, date: Date, sequence: u32) -> String {
    format!(
        "{hall_code}{:04}{:02}{:02}-{sequence:04}",
        date.year(),
        date.month(),
        date.day()
    )
}

/// Characters of a query code: no 0/O, 1/I, so it can be read over the phone.
pub const QUERY_CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// The progress-query code printed on the receipt (查询码): 8 characters from
/// [`QUERY_CODE_ALPHABET`], deterministic in `random` (give it 64 random bits).
/// The input is mixed first, so consecutive inputs give unrelated codes.
pub fn query_code(random: u64) -> String {
    // splitmix64 finaliser: a bijection, so distinct inputs stay distinct before truncation.
    let mut z = random.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (0..8)
        .map(|i| char::from(QUERY_CODE_ALPHABET[((z >> (i * 5)) & 31) as usize]))
        .collect()
}

/// A query code as typed by a citizen: trimmed and upper-cased, or `None`
/// when it cannot be one.
pub fn normalize_query_code(input: &str) -> Option<String> {
    let s = input.trim().to_ascii_uppercase();
    (s.len() == 8 && s.bytes().all(|b| QUERY_CODE_ALPHABET.contains(&b))).then_some(s)
}

/// `part / whole` rounded half up to four places, with integers only so every
/// machine shows the same figure.
fn rate4(part: u64, whole: u64) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    let basis_points = (u128::from(part) * 20_000 + u128::from(whole)) / (u128::from(whole) * 2);
    Some(basis_points as f64 / 10_000.0)
}

/// 办结率 = completed / accepted in the period, four places (38381/38471 → 0.9977);
/// `None` when nothing was accepted.
pub fn completion_rate(accepted: u64, completed: u64) -> Option<f64> {
    rate4(completed, accepted)
}

/// 按时办结率 = completed within the limit / completed; `None` when nothing was completed.
pub fn on_time_rate(completed: u64, on_time: u64) -> Option<f64> {
    rate4(on_time, completed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_an_action_needs_written_with_it() {
        assert_eq!(check_action_input(CaseAction::Review, "", None), Ok(0));
        assert_eq!(
            check_action_input(CaseAction::Pause, " ", None),
            Err(CaseInputError::ReasonRequired)
        );
        assert_eq!(
            check_action_input(CaseAction::Decide { approved: false }, "", None),
            Err(CaseInputError::RefusalReasonRequired)
        );
        assert_eq!(
            check_action_input(CaseAction::Decide { approved: true }, "", None),
            Ok(0)
        );
        let extend = CaseAction::Extend {
            already_extended: false,
        };
        assert_eq!(check_action_input(extend, "专家评审", Some(10)), Ok(10));
        assert_eq!(
            check_action_input(extend, "专家评审", Some(16)),
            Err(CaseInputError::ExtensionDays)
        );
        assert_eq!(
            check_action_input(extend, "专家评审", None).map_err(|e| e.field()),
            Err("days")
        );
        assert_eq!(
            check_action_input(CaseAction::Review, &"长".repeat(1001), None),
            Err(CaseInputError::ReasonTooLong)
        );
        assert!(is_immediate("即办件", 3) && is_immediate("承诺件", 0) && !is_immediate("承诺件", 5));
        assert!(can_extend(CaseStatus::Paused, 0) && !can_extend(CaseStatus::Paused, 5));
        assert!(!can_extend(CaseStatus::Decided, 0));
    }
    use jiff::ToSpan;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn cal() -> WorkCalendar {
        WorkCalendar::builtin()
    }

    #[test]
    fn status_codes_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.code()), Some(s));
            assert_eq!(CaseStatus::parse(s.label()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
        }
        assert_eq!(CaseStatus::UnderReview.code(), "under_review");
        assert_eq!(CaseStatus::parse("nonsense"), None);
    }

    #[test]
    fn lifecycle_of_a_promised_case() {
        use CaseStatus as S;
        assert_eq!(
            can_move(S::Supplement, CaseAction::SupplementComplete),
            Ok(S::Accepted)
        );
        assert_eq!(can_move(S::Supplement, CaseAction::Refuse), Ok(S::Refused));
        assert_eq!(can_move(S::Accepted, CaseAction::Review), Ok(S::UnderReview));
        assert_eq!(can_move(S::UnderReview, CaseAction::Pause), Ok(S::Paused));
        assert_eq!(can_move(S::Accepted, CaseAction::Pause), Ok(S::Paused));
        assert_eq!(
            can_move(
                S::Paused,
                CaseAction::Resume {
                    before: S::UnderReview
                }
            ),
            Ok(S::UnderReview)
        );
        assert_eq!(
            can_move(S::Paused, CaseAction::Resume { before: S::Accepted }),
            Ok(S::Accepted)
        );
        assert_eq!(
            can_move(S::UnderReview, CaseAction::Decide { approved: false }),
            Ok(S::Decided)
        );
        assert_eq!(
            can_move(S::Accepted, CaseAction::Decide { approved: true }),
            Ok(S::Decided)
        );
        assert_eq!(
            can_move(S::Decided, CaseAction::Complete { immediate: false }),
            Ok(S::Completed)
        );
        assert_eq!(can_move(S::Completed, CaseAction::Deliver), Ok(S::Delivered));
    }

    #[test]
    fn forbidden_moves() {
        use CaseStatus as S;
        // The clock has not started during 补正: no review, pause, decision.
        for a in [
            CaseAction::Review,
            CaseAction::Pause,
            CaseAction::Decide { approved: true },
            CaseAction::Extend {
                already_extended: false,
            },
        ] {
            assert!(matches!(
                can_move(S::Supplement, a),
                Err(CaseRuleError::NotAllowed { .. })
            ));
        }
        assert!(can_move(S::Paused, CaseAction::Pause).is_err());
        assert!(can_move(S::Paused, CaseAction::Decide { approved: true }).is_err());
        assert!(can_move(S::Paused, CaseAction::Complete { immediate: true }).is_err());
        assert!(can_move(S::Accepted, CaseAction::Resume { before: S::Accepted }).is_err());
        assert_eq!(
            can_move(S::Paused, CaseAction::Resume { before: S::Decided }),
            Err(CaseRuleError::BadResume(S::Decided))
        );
        assert_eq!(
            can_move(S::UnderReview, CaseAction::Complete { immediate: false }),
            Err(CaseRuleError::NotDecided)
        );
        assert!(can_move(S::UnderReview, CaseAction::Complete { immediate: true }).is_err());
        assert!(can_move(S::Decided, CaseAction::Deliver).is_err());
        assert!(can_move(S::Accepted, CaseAction::Refuse).is_err());
        for s in [S::Delivered, S::Refused] {
            assert!(s.is_final());
            for a in [
                CaseAction::Review,
                CaseAction::Pause,
                CaseAction::Deliver,
                CaseAction::Complete { immediate: true },
            ] {
                assert!(can_move(s, a).is_err(), "{s:?} {a:?}");
            }
        }
        let msg = can_move(S::Delivered, CaseAction::Pause)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(msg, "办件当前状态为“已送达”，不能暂停计时");
    }

    #[test]
    fn immediate_cases_complete_at_the_window() {
        use CaseStatus as S;
        assert_eq!(
            can_move(S::Accepted, CaseAction::Complete { immediate: true }),
            Ok(S::Completed)
        );
        assert_eq!(
            can_move(S::Accepted, CaseAction::Complete { immediate: false }),
            Err(CaseRuleError::NotDecided)
        );
        let d = date(2026, 11, 30);
        assert_eq!(case_deadline(&cal(), d, 0, &[], 0, d), Ok(d));
        // Accepted on a Sunday as 即办件: still that day.
        assert_eq!(
            case_deadline(&cal(), date(2026, 11, 29), 0, &[], 0, d),
            Ok(date(2026, 11, 29))
        );
    }

    #[test]
    fn extension_only_once() {
        use CaseStatus as S;
        for s in [S::Accepted, S::UnderReview, S::Paused] {
            assert_eq!(
                can_move(
                    s,
                    CaseAction::Extend {
                        already_extended: false
                    }
                ),
                Ok(s)
            );
            assert_eq!(
                can_move(
                    s,
                    CaseAction::Extend {
                        already_extended: true
                    }
                ),
                Err(CaseRuleError::AlreadyExtended)
            );
        }
        assert!(
            can_move(
                S::Decided,
                CaseAction::Extend {
                    already_extended: false
                }
            )
            .is_err()
        );
    }

    #[test]
    fn national_day_2026() {
        // 2026-09-30 (Wed) accepted; 10-01..10-07 holiday; 10-08, 09, 10 (Sat, 调休) work,
        // 10-11 Sunday rest, 10-12, 10-13.
        let accepted = date(2026, 9, 30);
        assert_eq!(
            case_deadline(&cal(), accepted, 5, &[], 0, accepted),
            Ok(date(2026, 10, 13))
        );
        assert_eq!(
            case_deadline(&cal(), accepted, 3, &[], 0, accepted),
            Ok(date(2026, 10, 10))
        );
    }

    #[test]
    fn pause_over_a_weekend_counts_working_days_only() {
        let c = cal();
        // Fri 2026-11-13 .. Tue 2026-11-17: Fri, Mon, Tue = 3 working days.
        let p = [Pause {
            from: date(2026, 11, 13),
            to: Some(date(2026, 11, 17)),
        }];
        assert_eq!(paused_working_days(&c, &p, date(2026, 11, 30)), Ok(3));
        let accepted = date(2026, 11, 2);
        let plain = case_deadline(&c, accepted, 10, &[], 0, accepted);
        assert_eq!(plain, Ok(date(2026, 11, 16)));
        assert_eq!(
            case_deadline(&c, accepted, 10, &p, 0, date(2026, 11, 30)),
            Ok(date(2026, 11, 19))
        );
        // Sat–Sun only: nothing.
        let weekend = [Pause {
            from: date(2026, 11, 14),
            to: Some(date(2026, 11, 15)),
        }];
        assert_eq!(paused_working_days(&c, &weekend, date(2026, 11, 30)), Ok(0));
        assert_eq!(
            case_deadline(&c, accepted, 10, &weekend, 0, date(2026, 11, 30)),
            plain
        );
    }

    #[test]
    fn overlapping_pauses_count_once() {
        let c = cal();
        let p = [
            Pause {
                from: date(2026, 11, 9),
                to: Some(date(2026, 11, 12)),
            },
            Pause {
                from: date(2026, 11, 11),
                to: Some(date(2026, 11, 13)),
            },
            // Touching the first: Mon 16.
            Pause {
                from: date(2026, 11, 14),
                to: Some(date(2026, 11, 16)),
            },
            // Inside another.
            Pause {
                from: date(2026, 11, 10),
                to: Some(date(2026, 11, 10)),
            },
        ];
        // 9,10,11,12,13,16 = 6.
        assert_eq!(paused_working_days(&c, &p, date(2026, 12, 1)), Ok(6));
        // Backwards pause covers nothing.
        let bad = [Pause {
            from: date(2026, 11, 12),
            to: Some(date(2026, 11, 9)),
        }];
        assert_eq!(paused_working_days(&c, &bad, date(2026, 12, 1)), Ok(0));
    }

    #[test]
    fn open_pause_runs_to_today_and_acceptance_day_is_not_counted() {
        let c = cal();
        let accepted = date(2026, 11, 2); // Monday
        let open = [Pause {
            from: date(2026, 11, 2),
            to: None,
        }];
        // Today Wed 4th: 2, 3, 4 paused, but the acceptance day is off the clock anyway.
        assert_eq!(paused_working_days(&c, &open, date(2026, 11, 4)), Ok(3));
        assert_eq!(counted_paused_days(&c, accepted, &open, date(2026, 11, 4)), Ok(2));
        assert_eq!(
            case_deadline(&c, accepted, 1, &open, 0, date(2026, 11, 4)),
            Ok(date(2026, 11, 5))
        );
        // Paused from a future day: nothing yet.
        let later = [Pause {
            from: date(2026, 11, 10),
            to: None,
        }];
        assert_eq!(paused_working_days(&c, &later, date(2026, 11, 4)), Ok(0));
    }

    #[test]
    fn extension_moves_by_working_days() {
        let c = cal();
        let accepted = date(2026, 9, 30);
        // 20 statutory working days, extended by 10 (第42条).
        let base = case_deadline(&c, accepted, 20, &[], 0, accepted);
        assert_eq!(base, Ok(date(2026, 11, 3)));
        let ext = case_deadline(&c, accepted, 20, &[], 10, accepted);
        assert_eq!(ext, Ok(date(2026, 11, 17)));
    }

    #[test]
    fn missing_year_is_reported() {
        let d = date(2026, 12, 20);
        assert_eq!(
            case_deadline(&cal(), d, 20, &[], 0, d),
            Err(CalendarError::MissingYear(2027))
        );
    }

    #[test]
    fn amber_and_red_boundaries() {
        let c = cal();
        let deadline = date(2026, 11, 20); // Friday
        let u = |today| urgency(&c, deadline, today, 2, false);
        assert_eq!(working_days_left(&c, date(2026, 11, 17), deadline), Ok(3));
        assert_eq!(u(date(2026, 11, 17)), Ok(Urgency::Normal));
        assert_eq!(working_days_left(&c, date(2026, 11, 18), deadline), Ok(2));
        assert_eq!(u(date(2026, 11, 18)), Ok(Urgency::Amber));
        assert_eq!(u(date(2026, 11, 20)), Ok(Urgency::Amber));
        assert_eq!(working_days_left(&c, deadline, deadline), Ok(0));
        // Saturday after a Friday deadline: overdue.
        assert_eq!(working_days_left(&c, date(2026, 11, 21), deadline), Ok(-1));
        assert_eq!(u(date(2026, 11, 21)), Ok(Urgency::Red));
        assert_eq!(working_days_left(&c, date(2026, 11, 23), deadline), Ok(-1));
        assert_eq!(working_days_left(&c, date(2026, 11, 24), deadline), Ok(-2));
        // A lawful pause is never red.
        assert_eq!(
            urgency(&c, deadline, date(2026, 11, 24), 2, true),
            Ok(Urgency::Amber)
        );
        // Weekend before the deadline: Sat 14th → Mon..Fri = 5 left.
        assert_eq!(working_days_left(&c, date(2026, 11, 14), deadline), Ok(5));
        assert_eq!(
            urgency(&c, deadline, date(2026, 11, 14), 0, false),
            Ok(Urgency::Normal)
        );
        assert!(Urgency::Red > Urgency::Amber && Urgency::Amber > Urgency::Normal);
    }

    #[test]
    fn case_numbers() {
        assert_eq!(case_number("DH", date(2026, 11, 30), 1), "DH20261130-0001");
        assert_eq!(case_number("DH", date(2026, 1, 5), 9999), "DH20260105-9999");
        assert_eq!(case_number("DH", date(2026, 1, 5), 10000), "DH20260105-10000");
    }

    #[test]
    fn query_codes() {
        let a = query_code(0);
        assert_eq!(a.len(), 8);
        assert_eq!(query_code(0), a);
        assert_ne!(query_code(1), a);
        for r in [0u64, 1, 2, 42, u64::MAX] {
            let q = query_code(r);
            assert!(q.bytes().all(|b| QUERY_CODE_ALPHABET.contains(&b)), "{q}");
            assert!(!q.contains(['0', 'O', '1', 'I']));
            assert_eq!(normalize_query_code(&format!(" {} ", q.to_lowercase())), Some(q));
        }
        assert_eq!(normalize_query_code("ABCD0123"), None);
        assert_eq!(normalize_query_code("ABC"), None);
    }

    #[test]
    fn rates() {
        assert_eq!(completion_rate(38471, 38381), Some(0.9977));
        assert_eq!(completion_rate(0, 0), None);
        assert_eq!(completion_rate(10, 10), Some(1.0));
        // Half up: 0.99995 → 1.0; 2/3 → 0.6667.
        assert_eq!(on_time_rate(20_000, 19_999), Some(1.0));
        assert_eq!(on_time_rate(3, 2), Some(0.6667));
        assert_eq!(on_time_rate(0, 0), None);
        assert!(on_time(date(2026, 11, 20), date(2026, 11, 20)));
        assert!(!on_time(date(2026, 11, 21), date(2026, 11, 20)));
    }

    /// Acceptance dates from 2024-01-01 to 2026-09-30, so that 30 promised days
    /// plus pauses and an extension stay inside the built-in calendar.
    fn accepted_date() -> impl Strategy<Value = Date> {
        (0i64..1004).prop_map(|n| date(2024, 1, 1).checked_add(n.days()).unwrap_or(date(2024, 1, 1)))
    }

    fn pause_after(accepted: Date) -> impl Strategy<Value = Pause> {
        (1i64..40, 0i64..15).prop_map(move |(start, len)| {
            let from = accepted.checked_add(start.days()).unwrap_or(accepted);
            Pause {
                from,
                to: Some(from.checked_add(len.days()).unwrap_or(from)),
            }
        })
    }

    fn case_with_pause() -> impl Strategy<Value = (Date, u32, Pause, u32)> {
        (accepted_date(), 0u32..=30, 0u32..=15)
            .prop_flat_map(|(d, n, e)| (Just(d), Just(n), pause_after(d), Just(e)))
    }

    proptest! {
        #[test]
        fn deadline_is_a_workday_after_acceptance(accepted in accepted_date(), n in 0u32..=30) {
            let c = cal();
            let d = case_deadline(&c, accepted, n, &[], 0, accepted).unwrap();
            prop_assert!(d >= accepted);
            if n > 0 {
                prop_assert!(d > accepted);
                prop_assert_eq!(c.is_workday(d), Ok(true));
                prop_assert_eq!(c.workdays_between(accepted, d), Ok(n));
            } else {
                prop_assert_eq!(d, accepted);
            }
        }

        #[test]
        fn a_pause_moves_the_deadline_by_its_working_days((accepted, n, pause, _e) in case_with_pause()) {
            let c = cal();
            let today = date(2026, 12, 31);
            let before = case_deadline(&c, accepted, n, &[], 0, today).unwrap();
            let after = case_deadline(&c, accepted, n, &[pause], 0, today).unwrap();
            let k = paused_working_days(&c, &[pause], today).unwrap();
            prop_assert!(after >= before);
            prop_assert_eq!(c.workdays_between(before, after), Ok(k));
            prop_assert_eq!(c.deadline(before, k), Ok(after));
            if n + k > 0 {
                prop_assert_eq!(c.is_workday(after), Ok(true));
            }
            // The same pause twice, or split in two overlapping halves, counts once.
            let twice = case_deadline(&c, accepted, n, &[pause, pause], 0, today).unwrap();
            prop_assert_eq!(twice, after);
        }

        #[test]
        fn an_extension_moves_the_deadline_exactly((accepted, n, pause, e) in case_with_pause()) {
            let c = cal();
            let today = date(2026, 12, 31);
            let base = case_deadline(&c, accepted, n, &[pause], 0, today).unwrap();
            let extended = case_deadline(&c, accepted, n, &[pause], e, today).unwrap();
            prop_assert!(extended >= base);
            prop_assert_eq!(c.workdays_between(base, extended), Ok(e));
            prop_assert_eq!(c.deadline(base, e), Ok(extended));
        }

        #[test]
        fn more_pauses_never_bring_the_deadline_forward(
            (accepted, n, p1, _e) in case_with_pause(),
            extra in (1i64..60, 0i64..20),
        ) {
            let c = cal();
            let today = date(2026, 12, 31);
            let from = accepted.checked_add(extra.0.days()).unwrap();
            let p2 = Pause { from, to: Some(from.checked_add(extra.1.days()).unwrap()) };
            let one = case_deadline(&c, accepted, n, &[p1], 0, today).unwrap();
            let two = case_deadline(&c, accepted, n, &[p1, p2], 0, today).unwrap();
            prop_assert!(two >= one);
        }

        #[test]
        fn urgency_agrees_with_days_left(accepted in accepted_date(), n in 0u32..=30, t in 0i64..60, amber in 0u32..5) {
            let c = cal();
            let deadline = case_deadline(&c, accepted, n, &[], 0, accepted).unwrap();
            let today = accepted.checked_add(t.days()).unwrap();
            let left = working_days_left(&c, today, deadline).unwrap();
            let u = urgency(&c, deadline, today, amber, false).unwrap();
            prop_assert_eq!(left < 0, today > deadline);
            prop_assert_eq!(u == Urgency::Red, today > deadline);
            prop_assert_eq!(u == Urgency::Normal, left > i64::from(amber));
        }
    }
}
