//! The case lifecycle (办件状态与操作): statuses, the actions staff take and
//! what each needs written with it, and which moves the law allows.

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

#[cfg(test)]
mod tests {
    use crate::calendar::WorkCalendar;
    use crate::case::*;
    use jiff::civil::date;

    fn cal() -> WorkCalendar {
        WorkCalendar::builtin()
    }

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
        assert!(can_extend(CaseStatus::Paused, 0) && !can_extend(CaseStatus::Paused, 5));
        assert!(!can_extend(CaseStatus::Decided, 0));
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
}
