//! 办件全程时间线 (one timeline from ticket to case to evaluation): the kinds
//! of event it shows, which step of a case each stored action is, the
//! document a step issues, the order of events, what a citizen may see, and
//! the rules of rating a case (办件评价): only once completed (办结/送达),
//! once per channel (一事一评 on each channel).
//!
//! The timeline is read from the records each capability keeps (tickets and
//! their calls, case steps, the SMS outbox, evaluations): nothing is copied.

use crate::case::CaseStatus;
use crate::evaluation::Channel;
use serde::Serialize;

/// What an event of the timeline is. The code is stable (API `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    /// 取号: the ticket the case came from.
    Ticket,
    /// 叫号: the ticket called to a window.
    Call,
    /// 重呼: called again.
    Recall,
    /// 窗口服务结束: the ticket's service finished.
    Served,
    /// 受理: materials complete, the clock starts.
    Accepted,
    /// 一次性告知: every missing material listed at once (补正通知).
    Notice,
    /// 补正材料: the applicant brought materials.
    Supplemented,
    /// 暂停计时 (法定不计时情形).
    Paused,
    /// 恢复计时.
    Resumed,
    /// 开始审查.
    Reviewed,
    /// 作出决定 (准予 / 不予许可).
    Decided,
    /// 延期 (第42条, once).
    Extended,
    /// 办结.
    Completed,
    /// 送达.
    Delivered,
    /// 不予受理.
    Refused,
    /// A case step this version does not name.
    Step,
    /// 短信: a message about the case or its ticket in the SMS outbox.
    Sms,
    /// 评价: an evaluation of the case (or of its ticket's service).
    Evaluation,
    /// 网上申报: the online application the case came from — submitted, the
    /// pre-review's 补正 notice, resubmitted, passed on to acceptance.
    Application,
}

impl TimelineKind {
    pub const ALL: [TimelineKind; 19] = [
        TimelineKind::Ticket,
        TimelineKind::Call,
        TimelineKind::Recall,
        TimelineKind::Served,
        TimelineKind::Accepted,
        TimelineKind::Notice,
        TimelineKind::Supplemented,
        TimelineKind::Paused,
        TimelineKind::Resumed,
        TimelineKind::Reviewed,
        TimelineKind::Decided,
        TimelineKind::Extended,
        TimelineKind::Completed,
        TimelineKind::Delivered,
        TimelineKind::Refused,
        TimelineKind::Step,
        TimelineKind::Sms,
        TimelineKind::Evaluation,
        TimelineKind::Application,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TimelineKind::Ticket => "ticket",
            TimelineKind::Call => "call",
            TimelineKind::Recall => "recall",
            TimelineKind::Served => "served",
            TimelineKind::Accepted => "accepted",
            TimelineKind::Notice => "notice",
            TimelineKind::Supplemented => "supplemented",
            TimelineKind::Paused => "paused",
            TimelineKind::Resumed => "resumed",
            TimelineKind::Reviewed => "reviewed",
            TimelineKind::Decided => "decided",
            TimelineKind::Extended => "extended",
            TimelineKind::Completed => "completed",
            TimelineKind::Delivered => "delivered",
            TimelineKind::Refused => "refused",
            TimelineKind::Step => "step",
            TimelineKind::Sms => "sms",
            TimelineKind::Evaluation => "evaluation",
            TimelineKind::Application => "application",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TimelineKind::Ticket => "取号",
            TimelineKind::Call => "叫号",
            TimelineKind::Recall => "重呼",
            TimelineKind::Served => "窗口服务结束",
            TimelineKind::Accepted => "受理",
            TimelineKind::Notice => "一次性告知补正材料",
            TimelineKind::Supplemented => "补正材料",
            TimelineKind::Paused => "暂停计时",
            TimelineKind::Resumed => "恢复计时",
            TimelineKind::Reviewed => "开始审查",
            TimelineKind::Decided => "作出决定",
            TimelineKind::Extended => "延期",
            TimelineKind::Completed => "办结",
            TimelineKind::Delivered => "送达",
            TimelineKind::Refused => "不予受理",
            TimelineKind::Step => "办理环节",
            TimelineKind::Sms => "发送短信",
            TimelineKind::Evaluation => "评价",
            TimelineKind::Application => "网上申报",
        }
    }

    pub fn parse(code: &str) -> Option<TimelineKind> {
        TimelineKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// The kind of a stored case step (`case_events.action`).
    pub fn of_case_action(action: &str) -> TimelineKind {
        match action {
            "accept" => TimelineKind::Accepted,
            "supplement_notice" => TimelineKind::Notice,
            "supplement" => TimelineKind::Supplemented,
            "pause" => TimelineKind::Paused,
            "resume" => TimelineKind::Resumed,
            "review" => TimelineKind::Reviewed,
            "decide" => TimelineKind::Decided,
            "extend" => TimelineKind::Extended,
            "complete" => TimelineKind::Completed,
            "deliver" => TimelineKind::Delivered,
            "refuse" => TimelineKind::Refused,
            _ => TimelineKind::Step,
        }
    }

    /// Where several events share an instant, the order they happened in:
    /// the ticket before its call, the call before the case, the case's step
    /// before the SMS it sent, the evaluation last.
    fn rank(self) -> u8 {
        match self {
            TimelineKind::Ticket | TimelineKind::Application => 0,
            TimelineKind::Call | TimelineKind::Recall => 1,
            TimelineKind::Sms => 4,
            TimelineKind::Served => 3,
            TimelineKind::Evaluation => 5,
            _ => 2,
        }
    }

    /// Whether the applicant sees this kind on the public progress page (the
    /// SMS texts carry the query code and stay with the staff).
    pub fn public(self) -> bool {
        !matches!(self, TimelineKind::Sms | TimelineKind::Recall)
    }

    /// Whether the note of such an event is for the applicant too: the
    /// reasons a clock stops or a deadline moves must be told to them (第42、45条).
    pub fn public_note(self) -> bool {
        matches!(
            self,
            TimelineKind::Paused
                | TimelineKind::Extended
                | TimelineKind::Notice
                | TimelineKind::Refused
                | TimelineKind::Application
        )
    }
}

/// A printed document a step issues (文书).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineDocument {
    /// 一次性告知书.
    Notice,
    /// 受理回执.
    Receipt,
    /// 准予行政许可决定书.
    Approval,
    /// 不予受理通知书 / 不予许可决定书.
    Refusal,
}

impl TimelineDocument {
    pub fn code(self) -> &'static str {
        match self {
            TimelineDocument::Notice => "notice",
            TimelineDocument::Receipt => "receipt",
            TimelineDocument::Approval => "approval",
            TimelineDocument::Refusal => "refusal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TimelineDocument::Notice => "一次性告知书",
            TimelineDocument::Receipt => "受理回执",
            TimelineDocument::Approval => "准予行政许可决定书",
            TimelineDocument::Refusal => "不予受理通知书/不予许可决定书",
        }
    }

    /// The document a step issues: the notice with 补正, the receipt when the
    /// case is accepted (at once or after 补正), the decision's document, the
    /// refusal. `status` is the status the step left the case in; `approved`
    /// the case's decision.
    pub fn of_step(
        kind: TimelineKind,
        status: CaseStatus,
        approved: Option<bool>,
    ) -> Option<TimelineDocument> {
        match kind {
            TimelineKind::Notice => Some(TimelineDocument::Notice),
            TimelineKind::Supplemented if status == CaseStatus::Supplement => Some(TimelineDocument::Notice),
            TimelineKind::Accepted | TimelineKind::Supplemented => Some(TimelineDocument::Receipt),
            TimelineKind::Decided => match approved {
                Some(true) => Some(TimelineDocument::Approval),
                Some(false) => Some(TimelineDocument::Refusal),
                None => None,
            },
            TimelineKind::Refused => Some(TimelineDocument::Refusal),
            _ => None,
        }
    }
}

/// Sorts events by time, then by the order kinds happen in at one instant;
/// events that still tie keep the order they were read in.
pub fn sort_events<T>(events: &mut [T], key: impl Fn(&T) -> (jiff::Timestamp, TimelineKind)) {
    events.sort_by_key(|e| {
        let (at, kind) = key(e);
        (at, kind.rank())
    });
}

/// Why a case cannot be rated (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CaseRatingError {
    #[error("该办件尚未办结，办结后才能评价")]
    NotCompleted,
    #[error("该办件已通过此渠道评价过，同一渠道只能评价一次")]
    AlreadyRated,
    #[error("办件评价的渠道应为 online（网上）或 phone（电话回访）")]
    Channel,
}

/// Whether a case in `status` may be rated on `channel`, given the channels
/// it was already rated on: completed or delivered (办结、送达) only, by the
/// applicant online or by a hotline operator on the phone, once per channel.
pub fn check_case_rating(
    status: CaseStatus,
    channel: Channel,
    rated: &[Channel],
) -> Result<(), CaseRatingError> {
    if !matches!(channel, Channel::Online | Channel::Phone) {
        return Err(CaseRatingError::Channel);
    }
    if !status.is_completed() {
        return Err(CaseRatingError::NotCompleted);
    }
    if rated.contains(&channel) {
        return Err(CaseRatingError::AlreadyRated);
    }
    Ok(())
}

/// The event key that makes "one case, one evaluation per channel" a rule
/// of the database (`evaluations.event_key` is unique).
pub fn case_event_key(case_id: &str, channel: Channel) -> String {
    format!("case:{case_id}:{}", channel.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    #[test]
    fn every_kind_has_a_unique_lowercase_code_and_a_chinese_label() {
        let mut codes: Vec<&str> = TimelineKind::ALL.iter().map(|k| k.code()).collect();
        for k in TimelineKind::ALL {
            assert_eq!(TimelineKind::parse(k.code()), Some(k));
            assert!(k.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(!k.label().is_ascii());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), TimelineKind::ALL.len());
        assert_eq!(TimelineKind::parse("nonsense"), None);
    }

    #[test]
    fn case_actions_map_to_their_steps_and_documents() {
        assert_eq!(TimelineKind::of_case_action("accept"), TimelineKind::Accepted);
        assert_eq!(
            TimelineKind::of_case_action("supplement_notice"),
            TimelineKind::Notice
        );
        assert_eq!(TimelineKind::of_case_action("pause"), TimelineKind::Paused);
        assert_eq!(TimelineKind::of_case_action("complete"), TimelineKind::Completed);
        assert_eq!(TimelineKind::of_case_action("archive"), TimelineKind::Step);
        let doc = |k, s, a| TimelineDocument::of_step(k, s, a);
        assert_eq!(
            doc(TimelineKind::Accepted, CaseStatus::Accepted, None),
            Some(TimelineDocument::Receipt)
        );
        // 补正 still incomplete: a new notice; complete: the receipt.
        assert_eq!(
            doc(TimelineKind::Supplemented, CaseStatus::Supplement, None),
            Some(TimelineDocument::Notice)
        );
        assert_eq!(
            doc(TimelineKind::Supplemented, CaseStatus::Accepted, None),
            Some(TimelineDocument::Receipt)
        );
        assert_eq!(
            doc(TimelineKind::Decided, CaseStatus::Decided, Some(false)),
            Some(TimelineDocument::Refusal)
        );
        assert_eq!(
            doc(TimelineKind::Decided, CaseStatus::Decided, Some(true)),
            Some(TimelineDocument::Approval)
        );
        assert_eq!(doc(TimelineKind::Paused, CaseStatus::Paused, None), None);
    }

    #[test]
    fn events_sort_by_time_then_by_what_happens_first() {
        let t = Timestamp::from_second(1_800_000_000).unwrap();
        let later = Timestamp::from_second(1_800_000_060).unwrap();
        let mut events = vec![
            (later, TimelineKind::Evaluation),
            (t, TimelineKind::Sms),
            (t, TimelineKind::Accepted),
            (t, TimelineKind::Call),
            (t, TimelineKind::Ticket),
        ];
        sort_events(&mut events, |e| *e);
        let kinds: Vec<_> = events.iter().map(|e| e.1).collect();
        assert_eq!(
            kinds,
            [
                TimelineKind::Ticket,
                TimelineKind::Call,
                TimelineKind::Accepted,
                TimelineKind::Sms,
                TimelineKind::Evaluation
            ]
        );
    }

    #[test]
    fn the_public_sees_no_sms_texts_and_only_the_notes_owed_to_them() {
        assert!(!TimelineKind::Sms.public());
        assert!(TimelineKind::Evaluation.public() && TimelineKind::Ticket.public());
        assert!(TimelineKind::Paused.public_note() && TimelineKind::Extended.public_note());
        assert!(!TimelineKind::Reviewed.public_note() && !TimelineKind::Completed.public_note());
    }

    #[test]
    fn a_case_is_rated_once_completed_and_once_per_channel() {
        use CaseStatus::*;
        for s in [Supplement, Accepted, UnderReview, Paused, Decided, Refused] {
            assert_eq!(
                check_case_rating(s, Channel::Online, &[]),
                Err(CaseRatingError::NotCompleted),
                "{s:?}"
            );
        }
        assert_eq!(check_case_rating(Completed, Channel::Online, &[]), Ok(()));
        assert_eq!(
            check_case_rating(Delivered, Channel::Phone, &[Channel::Online]),
            Ok(())
        );
        assert_eq!(
            check_case_rating(Completed, Channel::Online, &[Channel::Online]),
            Err(CaseRatingError::AlreadyRated)
        );
        assert_eq!(
            check_case_rating(Completed, Channel::Pad, &[]),
            Err(CaseRatingError::Channel)
        );
        assert_eq!(case_event_key("abc", Channel::Phone), "case:abc:phone");
    }
}
