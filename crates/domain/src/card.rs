//! 效能监察 (electronic supervision of deadlines): every open case is
//! watched; a yellow card (黄牌) is recorded when it turns amber (临期预警) and
//! a red card (红牌) when it is overdue (已超期), once per case and colour,
//! against the department and the staff member holding it. The department
//! explains (情况说明); the 督查科 rules: a lawful pause (依法中止), an approved
//! extension (批准延期), or the department's fault (过错). A faulted red card
//! is the "无正当理由超时办结" of [002].

use crate::case::Urgency;
use serde::Serialize;

/// 黄牌 / 红牌.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardColor {
    /// 黄牌: the case turned amber.
    Yellow,
    /// 红牌: the case is overdue.
    Red,
}

impl CardColor {
    pub const ALL: [CardColor; 2] = [CardColor::Yellow, CardColor::Red];

    pub fn code(self) -> &'static str {
        match self {
            CardColor::Yellow => "yellow",
            CardColor::Red => "red",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CardColor::Yellow => "黄牌（临期预警）",
            CardColor::Red => "红牌（超期）",
        }
    }

    pub fn parse(s: &str) -> Option<CardColor> {
        CardColor::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// The 督查科's ruling on a card (督查科认定).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardRuling {
    /// 依法中止: the clock was lawfully stopped (第45条); no fault.
    LawfulPause,
    /// 批准延期: an extension was approved (第42条); no fault.
    ApprovedExtension,
    /// 过错: the department is at fault.
    Fault,
}

impl CardRuling {
    pub const ALL: [CardRuling; 3] = [
        CardRuling::LawfulPause,
        CardRuling::ApprovedExtension,
        CardRuling::Fault,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CardRuling::LawfulPause => "lawful_pause",
            CardRuling::ApprovedExtension => "approved_extension",
            CardRuling::Fault => "fault",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CardRuling::LawfulPause => "依法中止（不计过错）",
            CardRuling::ApprovedExtension => "批准延期（不计过错）",
            CardRuling::Fault => "过错",
        }
    }

    pub fn parse(s: &str) -> Option<CardRuling> {
        CardRuling::ALL.into_iter().find(|r| r.code() == s)
    }

    /// Whether the card counts against the department.
    pub fn is_fault(self) -> bool {
        self == CardRuling::Fault
    }
}

/// What a card's line shows as its outcome: a faulted red card is
/// "无正当理由超时办结" ([002]); a faulted yellow card "临期办理过错".
pub fn outcome_label(color: CardColor, ruling: Option<CardRuling>) -> &'static str {
    match (color, ruling) {
        (_, None) => "待认定",
        (CardColor::Red, Some(CardRuling::Fault)) => "无正当理由超时办结（过错）",
        (CardColor::Yellow, Some(CardRuling::Fault)) => "临期办理过错",
        (_, Some(r)) => r.label(),
    }
}

/// The cards a case's urgency calls for. Amber: a yellow card. Red (overdue
/// and not paused): a red card, and the yellow one too when it was never
/// recorded (a case that passed amber between two runs of the watch), since
/// every overdue case first turned amber. A paused case past its deadline is
/// amber ([`crate::case::urgency`]), so a lawful pause never draws a red card.
pub fn cards_due(urgency: Urgency) -> &'static [CardColor] {
    match urgency {
        Urgency::Normal => &[],
        Urgency::Amber => &[CardColor::Yellow],
        Urgency::Red => &[CardColor::Yellow, CardColor::Red],
    }
}

/// Where a card stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardStage {
    /// 待说明: issued, no explanation yet.
    Issued,
    /// 已说明: the department explained; awaiting the ruling.
    Explained,
    /// 已认定.
    Ruled,
}

impl CardStage {
    pub fn of(explained: bool, ruled: bool) -> CardStage {
        match (explained, ruled) {
            (_, true) => CardStage::Ruled,
            (true, false) => CardStage::Explained,
            (false, false) => CardStage::Issued,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CardStage::Issued => "issued",
            CardStage::Explained => "explained",
            CardStage::Ruled => "ruled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CardStage::Issued => "待部门说明",
            CardStage::Explained => "待督查科认定",
            CardStage::Ruled => "已认定",
        }
    }

    /// The department may explain (or correct its explanation) until the ruling.
    pub fn may_explain(self) -> bool {
        self != CardStage::Ruled
    }

    /// One ruling per card.
    pub fn may_rule(self) -> bool {
        self != CardStage::Ruled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in CardColor::ALL {
            assert_eq!(CardColor::parse(c.code()), Some(c));
        }
        for r in CardRuling::ALL {
            assert_eq!(CardRuling::parse(r.code()), Some(r));
        }
        assert_eq!(CardColor::parse("green"), None);
        assert_eq!(CardRuling::parse("Fault"), None);
    }

    #[test]
    fn amber_calls_for_yellow_and_overdue_for_red() {
        assert!(cards_due(Urgency::Normal).is_empty());
        assert_eq!(cards_due(Urgency::Amber), [CardColor::Yellow]);
        assert_eq!(cards_due(Urgency::Red), [CardColor::Yellow, CardColor::Red]);
    }

    #[test]
    fn a_paused_case_past_its_deadline_draws_no_red_card() {
        use crate::WorkCalendar;
        use jiff::civil::date;
        let cal = WorkCalendar::builtin();
        let deadline = date(2026, 11, 20);
        let today = date(2026, 11, 25);
        let paused = crate::case::urgency(&cal, deadline, today, 2, true).unwrap();
        assert!(!cards_due(paused).contains(&CardColor::Red));
        let running = crate::case::urgency(&cal, deadline, today, 2, false).unwrap();
        assert!(cards_due(running).contains(&CardColor::Red));
        // Two working days before the deadline: amber, a yellow card only.
        let amber = crate::case::urgency(&cal, deadline, date(2026, 11, 18), 2, false).unwrap();
        assert_eq!(cards_due(amber), [CardColor::Yellow]);
        let normal = crate::case::urgency(&cal, deadline, date(2026, 11, 16), 2, false).unwrap();
        assert!(cards_due(normal).is_empty());
    }

    #[test]
    fn a_faulted_red_card_is_an_unjustified_overrun() {
        assert_eq!(
            outcome_label(CardColor::Red, Some(CardRuling::Fault)),
            "无正当理由超时办结（过错）"
        );
        assert_eq!(outcome_label(CardColor::Red, None), "待认定");
        assert_eq!(
            outcome_label(CardColor::Red, Some(CardRuling::LawfulPause)),
            "依法中止（不计过错）"
        );
        assert!(CardRuling::Fault.is_fault() && !CardRuling::ApprovedExtension.is_fault());
    }

    #[test]
    fn explanations_until_the_ruling_and_one_ruling() {
        assert_eq!(CardStage::of(false, false), CardStage::Issued);
        assert_eq!(CardStage::of(true, false), CardStage::Explained);
        assert_eq!(CardStage::of(false, true), CardStage::Ruled);
        assert!(CardStage::Issued.may_explain() && CardStage::Explained.may_explain());
        assert!(!CardStage::Ruled.may_explain() && !CardStage::Ruled.may_rule());
    }
}
