//! Complaints (投诉) as GB/T 36113 lays out their handling: 受理 → 调查 →
//! 处置 → 反馈 → 归档, each step by someone, at a time, with a note; the
//! acceptance is due the next working day and the answer to the complainant
//! `complaint_days` working days after receipt. A rejected answer reopens
//! the complaint once; a second rejection goes to the leadership.

use crate::calendar::{CalendarError, Deadline, WorkCalendar};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How a complaint reached the hall (投诉渠道).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintChannel {
    /// 网上投诉: the public form (anonymous allowed).
    Online,
    /// 现场投诉: at the hall's desk, recorded by staff.
    Hall,
    /// 12345 热线转办, recorded by staff.
    Hotline,
    /// 信件、意见箱, recorded by staff.
    Letter,
}

impl ComplaintChannel {
    pub const ALL: [ComplaintChannel; 4] = [
        ComplaintChannel::Online,
        ComplaintChannel::Hall,
        ComplaintChannel::Hotline,
        ComplaintChannel::Letter,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintChannel::Online => "online",
            ComplaintChannel::Hall => "hall",
            ComplaintChannel::Hotline => "hotline",
            ComplaintChannel::Letter => "letter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ComplaintChannel::Online => "网上投诉",
            ComplaintChannel::Hall => "现场投诉",
            ComplaintChannel::Hotline => "12345热线",
            ComplaintChannel::Letter => "信件、意见箱",
        }
    }

    pub fn parse(code: &str) -> Option<ComplaintChannel> {
        ComplaintChannel::ALL
            .into_iter()
            .find(|c| c.code() == code.trim())
    }

    /// Only the public form is open to anyone; the others are recorded by staff.
    pub fn is_public(self) -> bool {
        self == ComplaintChannel::Online
    }
}

/// What a complaint is about (投诉类别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintCategory {
    /// 态度：生冷硬横.
    Attitude,
    /// 效率：超时.
    Efficiency,
    /// 推诿、多次跑动.
    Shirking,
    /// 违规收费.
    Fees,
    /// 纪律.
    Discipline,
    /// 其他.
    Other,
}

impl ComplaintCategory {
    pub const ALL: [ComplaintCategory; 6] = [
        ComplaintCategory::Attitude,
        ComplaintCategory::Efficiency,
        ComplaintCategory::Shirking,
        ComplaintCategory::Fees,
        ComplaintCategory::Discipline,
        ComplaintCategory::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintCategory::Attitude => "attitude",
            ComplaintCategory::Efficiency => "efficiency",
            ComplaintCategory::Shirking => "shirking",
            ComplaintCategory::Fees => "fees",
            ComplaintCategory::Discipline => "discipline",
            ComplaintCategory::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ComplaintCategory::Attitude => "态度（生冷硬横）",
            ComplaintCategory::Efficiency => "效率（超时）",
            ComplaintCategory::Shirking => "推诿、多次跑动",
            ComplaintCategory::Fees => "违规收费",
            ComplaintCategory::Discipline => "纪律",
            ComplaintCategory::Other => "其他",
        }
    }

    /// By code, or by the Chinese word a citizen or clerk would write.
    pub fn parse(text: &str) -> Option<ComplaintCategory> {
        let t = text.trim();
        ComplaintCategory::ALL.into_iter().find(|c| {
            c.code() == t
                || c.label() == t
                || c.label()
                    .split(['（', '）', '、'])
                    .any(|w| !w.is_empty() && w == t)
        })
    }
}

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// 已登记, waiting for acceptance.
    Received,
    /// 已受理.
    Accepted,
    /// 调查中.
    Investigating,
    /// 已处置: substantiated or not, with the finding.
    Handled,
    /// 已反馈: the answer is given (and the complainant's acceptance recorded).
    Answered,
    /// 已归档.
    Archived,
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 6] = [
        ComplaintStatus::Received,
        ComplaintStatus::Accepted,
        ComplaintStatus::Investigating,
        ComplaintStatus::Handled,
        ComplaintStatus::Answered,
        ComplaintStatus::Archived,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "received",
            ComplaintStatus::Accepted => "accepted",
            ComplaintStatus::Investigating => "investigating",
            ComplaintStatus::Handled => "handled",
            ComplaintStatus::Answered => "answered",
            ComplaintStatus::Archived => "archived",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "已登记",
            ComplaintStatus::Accepted => "已受理",
            ComplaintStatus::Investigating => "调查中",
            ComplaintStatus::Handled => "已处置",
            ComplaintStatus::Answered => "已反馈",
            ComplaintStatus::Archived => "已归档",
        }
    }

    pub fn parse(code: &str) -> Option<ComplaintStatus> {
        ComplaintStatus::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    pub fn is_open(self) -> bool {
        self != ComplaintStatus::Archived
    }
}

/// A step of the handling (办理环节).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStep {
    Accept,
    Investigate,
    Handle,
    Answer,
    /// 不认可: the complainant rejects the answer.
    Reject,
    Archive,
}

impl ComplaintStep {
    pub const ALL: [ComplaintStep; 6] = [
        ComplaintStep::Accept,
        ComplaintStep::Investigate,
        ComplaintStep::Handle,
        ComplaintStep::Answer,
        ComplaintStep::Reject,
        ComplaintStep::Archive,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintStep::Accept => "accept",
            ComplaintStep::Investigate => "investigate",
            ComplaintStep::Handle => "handle",
            ComplaintStep::Answer => "answer",
            ComplaintStep::Reject => "reject",
            ComplaintStep::Archive => "archive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ComplaintStep::Accept => "受理",
            ComplaintStep::Investigate => "调查",
            ComplaintStep::Handle => "处置",
            ComplaintStep::Answer => "反馈",
            ComplaintStep::Reject => "投诉人不认可",
            ComplaintStep::Archive => "归档",
        }
    }

    pub fn parse(code: &str) -> Option<ComplaintStep> {
        ComplaintStep::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// Why a step cannot be taken now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintError {
    #[error("投诉当前为“{}”，不能进行“{}”", .status.label(), .step.label())]
    OutOfOrder {
        status: ComplaintStatus,
        step: ComplaintStep,
    },
    #[error("处置须写明查实与否和处理意见")]
    FindingMissing,
    #[error("每一环节须填写说明")]
    NoteMissing,
}

/// What the next state is, and whether the leadership must now take over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub to: ComplaintStatus,
    /// A second rejection of the answer: the complaint goes to the leader.
    pub to_leadership: bool,
    /// This step reopens the complaint (the first rejection).
    pub reopened: bool,
}

/// The rule of the steps. `reopened_before` says whether the complaint was
/// already reopened once; `substantiated` is the 处置's decision (required
/// for `Handle`).
pub fn next_status(
    status: ComplaintStatus,
    step: ComplaintStep,
    note: &str,
    substantiated: Option<bool>,
    reopened_before: bool,
) -> Result<Transition, ComplaintError> {
    use ComplaintStatus as S;
    use ComplaintStep as St;
    if note.trim().is_empty() {
        return Err(ComplaintError::NoteMissing);
    }
    let plain = |to| {
        Ok(Transition {
            to,
            to_leadership: false,
            reopened: false,
        })
    };
    match (status, step) {
        (S::Received, St::Accept) => plain(S::Accepted),
        (S::Accepted, St::Investigate) => plain(S::Investigating),
        (S::Investigating, St::Handle) => match substantiated {
            Some(_) => plain(S::Handled),
            None => Err(ComplaintError::FindingMissing),
        },
        (S::Handled, St::Answer) => plain(S::Answered),
        // The first rejection reopens the investigation; the second goes up.
        (S::Answered, St::Reject) if !reopened_before => Ok(Transition {
            to: S::Investigating,
            to_leadership: false,
            reopened: true,
        }),
        (S::Answered, St::Reject) => Ok(Transition {
            to: S::Answered,
            to_leadership: true,
            reopened: false,
        }),
        (S::Answered, St::Archive) => plain(S::Archived),
        (status, step) => Err(ComplaintError::OutOfOrder { status, step }),
    }
}

/// The two time limits of a complaint, from its receipt date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintDeadlines {
    /// 受理期限: the next working day.
    pub accept_by: Deadline,
    /// 答复期限: `complaint_days` working days after receipt.
    pub answer_by: Deadline,
}

pub fn deadlines(
    calendar: &WorkCalendar,
    received_on: Date,
    complaint_days: u32,
) -> Result<ComplaintDeadlines, CalendarError> {
    Ok(ComplaintDeadlines {
        accept_by: calendar.deadline_of(received_on, 1)?,
        answer_by: calendar.deadline_of(received_on, complaint_days.max(1))?,
    })
}

/// Whether the step due now is late (and should be escalated to the leader).
pub fn is_overdue(status: ComplaintStatus, deadlines: &ComplaintDeadlines, today: Date) -> bool {
    step_overdue(status, deadlines.accept_by.date, deadlines.answer_by.date, today)
}

/// The same rule on the two stored due dates: received ones are late after
/// `accept_due`, the others (until answered) after `answer_due`.
pub fn step_overdue(status: ComplaintStatus, accept_due: Date, answer_due: Date, today: Date) -> bool {
    match status {
        ComplaintStatus::Received => today > accept_due,
        ComplaintStatus::Accepted | ComplaintStatus::Investigating | ComplaintStatus::Handled => {
            today > answer_due
        }
        ComplaintStatus::Answered | ComplaintStatus::Archived => false,
    }
}

/// A line of a complaint's history as people say it: the steps, and the
/// lines the hall writes itself (登记, escalation, the complainant's answer).
pub fn history_label(code: &str) -> &'static str {
    match code {
        "received" => "登记",
        "escalated" => "逾期提请领导督办",
        "leadership" => "再次不认可，提请领导处理",
        "feedback" => "投诉人评价答复",
        other => ComplaintStep::parse(other).map_or("其他", ComplaintStep::label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_steps_go_in_order_and_only_in_order() {
        use ComplaintStatus as S;
        use ComplaintStep as St;
        let go = |s, st, sub| next_status(s, st, "说明", sub, false).map(|t| t.to);
        assert_eq!(go(S::Received, St::Accept, None), Ok(S::Accepted));
        assert_eq!(go(S::Accepted, St::Investigate, None), Ok(S::Investigating));
        assert_eq!(go(S::Investigating, St::Handle, Some(true)), Ok(S::Handled));
        assert_eq!(go(S::Handled, St::Answer, None), Ok(S::Answered));
        assert_eq!(go(S::Answered, St::Archive, None), Ok(S::Archived));
        assert_eq!(
            go(S::Investigating, St::Handle, None),
            Err(ComplaintError::FindingMissing)
        );
        assert_eq!(
            next_status(S::Received, St::Accept, "  ", None, false),
            Err(ComplaintError::NoteMissing)
        );
        // Every other pair is out of order.
        let allowed = [
            (S::Received, St::Accept),
            (S::Accepted, St::Investigate),
            (S::Investigating, St::Handle),
            (S::Handled, St::Answer),
            (S::Answered, St::Reject),
            (S::Answered, St::Archive),
        ];
        for s in ComplaintStatus::ALL {
            for st in ComplaintStep::ALL {
                if !allowed.contains(&(s, st)) {
                    assert!(
                        matches!(go(s, st, Some(false)), Err(ComplaintError::OutOfOrder { .. })),
                        "{s:?} {st:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_rejected_answer_reopens_once_then_goes_to_the_leader() {
        let first = next_status(
            ComplaintStatus::Answered,
            ComplaintStep::Reject,
            "不认可",
            None,
            false,
        )
        .unwrap();
        assert_eq!(
            first,
            Transition {
                to: ComplaintStatus::Investigating,
                to_leadership: false,
                reopened: true
            }
        );
        let second = next_status(
            ComplaintStatus::Answered,
            ComplaintStep::Reject,
            "仍不认可",
            None,
            true,
        )
        .unwrap();
        assert!(second.to_leadership && !second.reopened);
    }

    #[test]
    fn deadlines_count_working_days_across_holidays() {
        let cal = WorkCalendar::builtin();
        // Received on Wednesday 2026-09-30, the eve of 国庆: accepted by the
        // next working day after the holiday.
        let d = deadlines(&cal, date(2026, 9, 30), 5).unwrap();
        assert!(d.accept_by.date >= date(2026, 10, 8), "{:?}", d.accept_by);
        assert!(d.answer_by.date > d.accept_by.date);
        assert!(is_overdue(
            ComplaintStatus::Received,
            &d,
            d.accept_by.date.tomorrow().unwrap()
        ));
        assert!(!is_overdue(ComplaintStatus::Received, &d, d.accept_by.date));
        assert!(!is_overdue(ComplaintStatus::Answered, &d, date(2027, 1, 1)));
    }

    #[test]
    fn codes_read_back() {
        for c in ComplaintChannel::ALL {
            assert_eq!(ComplaintChannel::parse(c.code()), Some(c));
        }
        for c in ComplaintCategory::ALL {
            assert_eq!(ComplaintCategory::parse(c.code()), Some(c));
        }
        assert_eq!(
            ComplaintCategory::parse("推诿"),
            Some(ComplaintCategory::Shirking)
        );
        assert_eq!(
            ComplaintCategory::parse("违规收费"),
            Some(ComplaintCategory::Fees)
        );
        for s in ComplaintStatus::ALL {
            assert_eq!(ComplaintStatus::parse(s.code()), Some(s));
        }
        assert!(ComplaintChannel::Online.is_public() && !ComplaintChannel::Hotline.is_public());
    }

    proptest::proptest! {
        /// Across any receipt date of 2020–2026 (holidays and 调休 included):
        /// acceptance is the next working day, the answer exactly N working
        /// days later, both on working days.
        #[test]
        fn deadlines_are_working_days(offset in 0i32..2550, days in 1u32..30) {
            // 2027 and 2028 provisional: a late-2026 complaint runs into them.
            let cal = WorkCalendar::builtin().with_provisional(2026);
            let received = date(2020, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap();
            let d = deadlines(&cal, received, days).unwrap();
            proptest::prop_assert!(cal.is_workday(d.accept_by.date).unwrap());
            proptest::prop_assert!(cal.is_workday(d.answer_by.date).unwrap());
            proptest::prop_assert_eq!(cal.workdays_between(received, d.accept_by.date).unwrap(), 1);
            proptest::prop_assert_eq!(cal.workdays_between(received, d.answer_by.date).unwrap(), days);
        }
    }
}
