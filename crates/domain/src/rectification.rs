//! 收集—整改—反馈: every 差评 opens a rectification that goes through four
//! steps in order (核实 → 整改 → 回访 → 办结), and staff may appeal (申诉)
//! against a review as malicious; a supervisor upholds or rejects the appeal.
//! A substantiated complaint (投诉查实) and a failed inspection item (督查不合格)
//! open the same rectification: one model, whatever its source.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What opened a rectification (整改来源): exactly one record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RectificationSource {
    /// 差评.
    Evaluation(uuid::Uuid),
    /// 投诉查实.
    Complaint(uuid::Uuid),
    /// 督查不合格项: the inspection and the checklist item's code.
    Inspection(uuid::Uuid, String),
}

impl RectificationSource {
    /// `evaluation`, `complaint` or `inspection`.
    pub fn code(&self) -> &'static str {
        match self {
            RectificationSource::Evaluation(_) => "evaluation",
            RectificationSource::Complaint(_) => "complaint",
            RectificationSource::Inspection(..) => "inspection",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            RectificationSource::Evaluation(_) => "差评",
            RectificationSource::Complaint(_) => "投诉查实",
            RectificationSource::Inspection(..) => "督查不合格",
        }
    }

    pub fn evaluation_id(&self) -> Option<uuid::Uuid> {
        match self {
            RectificationSource::Evaluation(id) => Some(*id),
            _ => None,
        }
    }

    pub fn complaint_id(&self) -> Option<uuid::Uuid> {
        match self {
            RectificationSource::Complaint(id) => Some(*id),
            _ => None,
        }
    }

    pub fn inspection(&self) -> Option<(uuid::Uuid, &str)> {
        match self {
            RectificationSource::Inspection(id, item) => Some((*id, item.as_str())),
            _ => None,
        }
    }

    /// From the three stored columns: exactly one must be set.
    pub fn from_columns(
        evaluation: Option<uuid::Uuid>,
        complaint: Option<uuid::Uuid>,
        inspection: Option<(uuid::Uuid, String)>,
    ) -> Option<RectificationSource> {
        match (evaluation, complaint, inspection) {
            (Some(e), None, None) => Some(RectificationSource::Evaluation(e)),
            (None, Some(c), None) => Some(RectificationSource::Complaint(c)),
            (None, None, Some((i, item))) => Some(RectificationSource::Inspection(i, item)),
            _ => None,
        }
    }
}

/// Written as `"source"` and the id of its record (`"evaluation_id"`,
/// `"complaint_id"` or `"inspection_id"` with `"inspection_item"`), the
/// others `null`, so a list reader finds each field in every row.
impl Serialize for RectificationSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = serializer.serialize_map(Some(5))?;
        m.serialize_entry("source", self.code())?;
        m.serialize_entry("evaluation_id", &self.evaluation_id())?;
        m.serialize_entry("complaint_id", &self.complaint_id())?;
        m.serialize_entry("inspection_id", &self.inspection().map(|(id, _)| id))?;
        m.serialize_entry("inspection_item", &self.inspection().map(|(_, item)| item))?;
        m.end()
    }
}

/// Where a rectification stands (整改状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationStatus {
    /// 待核实: opened by the 差评.
    Open,
    /// 已核实待整改.
    Verified,
    /// 已整改待回访.
    Rectified,
    /// 已回访待办结.
    Answered,
    /// 已办结 (also when an appeal against the review is upheld).
    Closed,
}

impl RectificationStatus {
    pub const ALL: [RectificationStatus; 5] = [
        RectificationStatus::Open,
        RectificationStatus::Verified,
        RectificationStatus::Rectified,
        RectificationStatus::Answered,
        RectificationStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RectificationStatus::Open => "open",
            RectificationStatus::Verified => "verified",
            RectificationStatus::Rectified => "rectified",
            RectificationStatus::Answered => "answered",
            RectificationStatus::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RectificationStatus::Open => "待核实",
            RectificationStatus::Verified => "已核实待整改",
            RectificationStatus::Rectified => "已整改待回访",
            RectificationStatus::Answered => "已回访待办结",
            RectificationStatus::Closed => "已办结",
        }
    }

    pub fn parse(code: &str) -> Option<RectificationStatus> {
        let code = code.trim();
        RectificationStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The step that takes a rectification on from here; none once closed.
    pub fn next_action(self) -> Option<RectificationAction> {
        RectificationAction::ALL.into_iter().find(|a| a.from() == self)
    }

    /// Past its due date and not closed: escalated to leadership, shown red.
    pub fn is_overdue(self, due: Date, today: Date) -> bool {
        self != RectificationStatus::Closed && due < today
    }
}

impl fmt::Display for RectificationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A step of a rectification, each from one status to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationAction {
    /// 核实: is the complaint true, and why.
    Verify,
    /// 整改: what was done about it.
    Rectify,
    /// 回访: the answer given to the person.
    Answer,
    /// 办结, recording whether the person accepted the answer.
    Close,
}

impl RectificationAction {
    pub const ALL: [RectificationAction; 4] = [
        RectificationAction::Verify,
        RectificationAction::Rectify,
        RectificationAction::Answer,
        RectificationAction::Close,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RectificationAction::Verify => "verify",
            RectificationAction::Rectify => "rectify",
            RectificationAction::Answer => "answer",
            RectificationAction::Close => "close",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RectificationAction::Verify => "核实",
            RectificationAction::Rectify => "整改",
            RectificationAction::Answer => "回访",
            RectificationAction::Close => "办结",
        }
    }

    pub fn parse(code: &str) -> Option<RectificationAction> {
        let code = code.trim();
        RectificationAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The status the step is taken from.
    pub fn from(self) -> RectificationStatus {
        match self {
            RectificationAction::Verify => RectificationStatus::Open,
            RectificationAction::Rectify => RectificationStatus::Verified,
            RectificationAction::Answer => RectificationStatus::Rectified,
            RectificationAction::Close => RectificationStatus::Answered,
        }
    }

    /// The status the step leads to.
    pub fn to(self) -> RectificationStatus {
        match self {
            RectificationAction::Verify => RectificationStatus::Verified,
            RectificationAction::Rectify => RectificationStatus::Rectified,
            RectificationAction::Answer => RectificationStatus::Answered,
            RectificationAction::Close => RectificationStatus::Closed,
        }
    }

    /// Closing records whether the person accepted the answer.
    pub fn needs_acceptance(self) -> bool {
        self == RectificationAction::Close
    }
}

impl fmt::Display for RectificationAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where an appeal (申诉) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    /// 待审定: one at a time per evaluation.
    Pending,
    /// 申诉成立: the review leaves the valid count, its rectification closes.
    Upheld,
    /// 申诉不成立: the review counts as before.
    Rejected,
}

impl AppealStatus {
    pub const ALL: [AppealStatus; 3] = [
        AppealStatus::Pending,
        AppealStatus::Upheld,
        AppealStatus::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AppealStatus::Pending => "pending",
            AppealStatus::Upheld => "upheld",
            AppealStatus::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppealStatus::Pending => "待审定",
            AppealStatus::Upheld => "申诉成立，评价已剔除",
            AppealStatus::Rejected => "申诉不成立",
        }
    }

    pub fn parse(code: &str) -> Option<AppealStatus> {
        let code = code.trim();
        AppealStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status a supervisor's decision gives.
    pub fn decided(upheld: bool) -> AppealStatus {
        if upheld {
            AppealStatus::Upheld
        } else {
            AppealStatus::Rejected
        }
    }
}

impl fmt::Display for AppealStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn rectification_codes_round_trip() {
        for s in RectificationStatus::ALL {
            assert_eq!(RectificationStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
            assert_eq!(s.to_string(), s.label());
        }
        assert_eq!(RectificationStatus::Verified.label(), "已核实待整改");
        assert_eq!(RectificationStatus::parse("pending"), None);
        for a in RectificationAction::ALL {
            assert_eq!(RectificationAction::parse(a.code()), Some(a));
            assert!(!a.label().is_empty());
        }
        assert_eq!(RectificationAction::parse("appeal"), None);
    }

    #[test]
    fn four_steps_in_order() {
        let mut s = RectificationStatus::Open;
        let mut taken = Vec::new();
        while let Some(a) = s.next_action() {
            assert_eq!(a.from(), s);
            taken.push(a);
            s = a.to();
        }
        assert_eq!(taken, RectificationAction::ALL);
        assert_eq!(s, RectificationStatus::Closed);
        assert!(
            RectificationAction::Close.needs_acceptance() && !RectificationAction::Verify.needs_acceptance()
        );
    }

    #[test]
    fn overdue_until_closed() {
        let (due, today) = (date(2026, 12, 4), date(2026, 12, 7));
        assert!(RectificationStatus::Answered.is_overdue(due, today));
        assert!(!RectificationStatus::Closed.is_overdue(due, today));
        assert!(!RectificationStatus::Open.is_overdue(today, today));
    }

    #[test]
    fn appeal_codes_round_trip() {
        for s in AppealStatus::ALL {
            assert_eq!(AppealStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
            assert!(!s.label().is_empty());
        }
        assert_eq!(AppealStatus::decided(true), AppealStatus::Upheld);
        assert_eq!(AppealStatus::decided(false).code(), "rejected");
        assert_eq!(AppealStatus::parse("decided"), None);
    }
}
