//! 好差评: evaluation levels, channels, the pad layouts and the satisfaction
//! rate (国办发〔2019〕51号; docs/domain.md).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An evaluation level (评价等级). 差评 are the bottom two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    VerySatisfied,
    Satisfied,
    Basic,
    Dissatisfied,
    VeryDissatisfied,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::VerySatisfied,
        Level::Satisfied,
        Level::Basic,
        Level::Dissatisfied,
        Level::VeryDissatisfied,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Level::VerySatisfied => "very_satisfied",
            Level::Satisfied => "satisfied",
            Level::Basic => "basic",
            Level::Dissatisfied => "dissatisfied",
            Level::VeryDissatisfied => "very_dissatisfied",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::VerySatisfied => "非常满意",
            Level::Satisfied => "满意",
            Level::Basic => "基本满意",
            Level::Dissatisfied => "不满意",
            Level::VeryDissatisfied => "非常不满意",
        }
    }

    /// From the code or the Chinese name (imports from earlier systems use either).
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        Level::ALL.into_iter().find(|l| l.code() == s || l.label() == s)
    }

    /// 差评: needs a reason and opens a rectification.
    pub fn is_bad(self) -> bool {
        matches!(self, Level::Dissatisfied | Level::VeryDissatisfied)
    }

    /// Counted as satisfied in the rate (非常满意 + 满意 + 基本满意).
    pub fn is_satisfied(self) -> bool {
        !self.is_bad()
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where an evaluation was given (评价渠道).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The evaluation pad on the window (窗口评价器).
    Pad,
    /// A link or QR code on the ticket or receipt (线上).
    Online,
    /// Recorded by a hotline operator (12345 电话).
    Phone,
    /// An SMS invitation answered (短信).
    Sms,
    /// Counts carried over from an earlier system (历史导入).
    Import,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Pad,
        Channel::Online,
        Channel::Phone,
        Channel::Sms,
        Channel::Import,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Pad => "pad",
            Channel::Online => "online",
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::Import => "import",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Pad => "窗口评价器",
            Channel::Online => "线上评价",
            Channel::Phone => "电话回访",
            Channel::Sms => "短信评价",
            Channel::Import => "历史导入",
        }
    }

    /// A channel a person can evaluate through (imports are not).
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::from_code(s).filter(|c| *c != Channel::Import)
    }

    /// Any channel by its code, imports included (as stored).
    pub fn from_code(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s.trim())
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where an SMS invitation to evaluate stands (短信评价邀请).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsStatus {
    /// 待发送: waiting for the gateway.
    Queued,
    /// 已发送.
    Sent,
}

impl SmsStatus {
    pub const ALL: [SmsStatus; 2] = [SmsStatus::Queued, SmsStatus::Sent];

    pub fn code(self) -> &'static str {
        match self {
            SmsStatus::Queued => "queued",
            SmsStatus::Sent => "sent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SmsStatus::Queued => "待发送",
            SmsStatus::Sent => "已发送",
        }
    }

    pub fn parse(code: &str) -> Option<SmsStatus> {
        SmsStatus::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

impl fmt::Display for SmsStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What an SMS in the outbox is for (短信类别). Each is queued once per subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsKind {
    /// 评价邀请: after a finished service.
    EvaluationInvitation,
    /// 到号提醒: a few tickets remain ahead.
    TurnReminder,
    /// 预约确认.
    AppointmentConfirmation,
    /// 办件状态: 受理, 补正, 办结, 可领取.
    CaseStatus,
}

impl SmsKind {
    pub const ALL: [SmsKind; 4] = [
        SmsKind::EvaluationInvitation,
        SmsKind::TurnReminder,
        SmsKind::AppointmentConfirmation,
        SmsKind::CaseStatus,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SmsKind::EvaluationInvitation => "evaluation_invitation",
            SmsKind::TurnReminder => "turn_reminder",
            SmsKind::AppointmentConfirmation => "appointment_confirmation",
            SmsKind::CaseStatus => "case_status",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SmsKind::EvaluationInvitation => "评价邀请",
            SmsKind::TurnReminder => "到号提醒",
            SmsKind::AppointmentConfirmation => "预约确认",
            SmsKind::CaseStatus => "办件进度",
        }
    }

    pub fn parse(code: &str) -> Option<SmsKind> {
        SmsKind::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// The key that makes a notice unique: its kind and its subject (a
    /// ticket, an appointment, a case and its step).
    pub fn dedupe_key(self, subject: &str) -> String {
        format!("{}:{subject}", self.code())
    }
}

/// The buttons a window pad shows (评价器按键).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PadLayout {
    /// 满意 / 不满意, as in [000].
    Two,
    /// 满意 / 基本满意 / 不满意, as in [004].
    Three,
    /// All five levels.
    Five,
}

impl PadLayout {
    pub fn parse(s: &str) -> Option<PadLayout> {
        match s.trim() {
            "2" | "two" => Some(PadLayout::Two),
            "3" | "three" => Some(PadLayout::Three),
            "5" | "five" => Some(PadLayout::Five),
            _ => None,
        }
    }

    /// The levels behind the buttons, left to right.
    pub fn buttons(self) -> &'static [Level] {
        match self {
            PadLayout::Two => &[Level::Satisfied, Level::Dissatisfied],
            PadLayout::Three => &[Level::Satisfied, Level::Basic, Level::Dissatisfied],
            PadLayout::Five => &Level::ALL,
        }
    }
}

/// Evaluations per level, and how many were excluded on appeal (申诉成立).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Per level, in [`Level::ALL`] order, including excluded ones.
    pub by_level: [u64; 5],
    /// Per level, upheld as malicious and left out of the valid count.
    pub excluded: [u64; 5],
}

/// How the satisfaction rate is computed, shown beside every figure.
pub const RATE_FORMULA: &str =
    "满意率 = （非常满意 + 满意 + 基本满意）÷ 有效评价数；有效评价数 = 评价总数 − 申诉成立予以剔除的评价";

impl Tally {
    pub fn add(&mut self, level: Level, count: u64, excluded: bool) {
        let i = Level::ALL.iter().position(|l| *l == level).unwrap_or(0);
        self.by_level[i] += count;
        if excluded {
            self.excluded[i] += count;
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        for i in 0..5 {
            self.by_level[i] += other.by_level[i];
            self.excluded[i] += other.excluded[i];
        }
    }

    pub fn total(&self) -> u64 {
        self.by_level.iter().sum()
    }

    pub fn valid(&self) -> u64 {
        self.total() - self.excluded.iter().sum::<u64>()
    }

    /// Valid evaluations of one level.
    pub fn valid_of(&self, level: Level) -> u64 {
        let i = Level::ALL.iter().position(|l| *l == level).unwrap_or(0);
        self.by_level[i] - self.excluded[i]
    }

    /// Valid 差评.
    pub fn bad(&self) -> u64 {
        Level::ALL
            .into_iter()
            .filter(|l| l.is_bad())
            .map(|l| self.valid_of(l))
            .sum()
    }

    /// The satisfaction rate as a fraction rounded to four places (0.9897,
    /// shown as 98.97%); `None` when nothing valid was given.
    pub fn rate(&self) -> Option<f64> {
        let valid = self.valid();
        if valid == 0 {
            return None;
        }
        let satisfied: u64 = Level::ALL
            .into_iter()
            .filter(|l| l.is_satisfied())
            .map(|l| self.valid_of(l))
            .sum();
        // Integer rounding half up, so 0.98965 shows as 98.97% on every machine.
        let basis_points = (satisfied as u128 * 20_000 + valid as u128) / (valid as u128 * 2);
        Some(basis_points as f64 / 10_000.0)
    }
}

/// A rate as the halls print it: "98.97%", or "—" when there is none.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.2}%", r * 100.0),
        None => "—".into(),
    }
}

/// What the integrity checks read of one evaluation.
#[derive(Debug, Clone)]
pub struct RatingFact {
    pub day: jiff::civil::Date,
    pub window: String,
    pub channel: Channel,
    pub level: Level,
    /// The sending device or client address.
    pub device: String,
    /// Keyed hash of the rater's phone, or empty.
    pub rater_key: String,
    pub rated_at: jiff::Timestamp,
    pub seconds_after_service: Option<i64>,
}

/// A pattern a supervisor should look at (疑似刷评); never a reason to drop a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// same_rater, too_fast or streak.
    pub kind: &'static str,
    pub label: &'static str,
    /// The device, phone key or window concerned.
    pub subject: String,
    pub detail: String,
    pub count: usize,
}

/// One device or phone rating this many events in a day is flagged.
pub const SAME_RATER_PER_DAY: usize = 5;
/// Pad ratings of a window: at least this many, most within a second of finishing.
pub const FAST_MIN_RATINGS: usize = 10;
pub const FAST_SHARE_PERCENT: usize = 80;
/// This many identical ratings in a row at a window within ten minutes.
pub const STREAK_LENGTH: usize = 10;

/// Suspicious patterns among `facts` (疑似刷评、代评): one rater rating many
/// events, a window whose pad ratings come within a second of finishing (the
/// staff pressing it), and sudden streaks of the same level.
pub fn suspicious_patterns(facts: &[RatingFact]) -> Vec<Flag> {
    use std::collections::BTreeMap;
    let mut flags = Vec::new();
    // Pads are shared by everyone served at a window: not a rater.
    let mut per_rater: BTreeMap<(jiff::civil::Date, String), usize> = BTreeMap::new();
    for f in facts
        .iter()
        .filter(|f| f.channel != Channel::Pad && f.channel != Channel::Import)
    {
        let who = if f.rater_key.is_empty() {
            &f.device
        } else {
            &f.rater_key
        };
        if !who.is_empty() {
            *per_rater.entry((f.day, who.clone())).or_default() += 1;
        }
    }
    for ((day, who), n) in per_rater {
        if n >= SAME_RATER_PER_DAY {
            flags.push(Flag {
                kind: "same_rater",
                label: "同一设备或号码多次评价",
                subject: who,
                detail: format!("{day} 一天内评价 {n} 次"),
                count: n,
            });
        }
    }
    let mut per_window: BTreeMap<&str, Vec<&RatingFact>> = BTreeMap::new();
    for f in facts.iter().filter(|f| !f.window.is_empty()) {
        per_window.entry(f.window.as_str()).or_default().push(f);
    }
    for (window, mut list) in per_window {
        let pad: Vec<_> = list.iter().filter(|f| f.channel == Channel::Pad).collect();
        let fast = pad
            .iter()
            .filter(|f| f.seconds_after_service.is_some_and(|s| s <= 1))
            .count();
        if pad.len() >= FAST_MIN_RATINGS && fast * 100 >= pad.len() * FAST_SHARE_PERCENT {
            flags.push(Flag {
                kind: "too_fast",
                label: "办结后1秒内即评价",
                subject: window.to_owned(),
                detail: format!("评价器 {} 次评价中 {fast} 次在办结后1秒内完成", pad.len()),
                count: fast,
            });
        }
        list.sort_by_key(|f| f.rated_at);
        let mut start = 0;
        while start < list.len() {
            let mut end = start + 1;
            while end < list.len() && list[end].level == list[start].level {
                end += 1;
            }
            let run = &list[start..end];
            let quick = run.len() >= STREAK_LENGTH
                && (run[run.len() - 1].rated_at - run[0].rated_at).get_seconds() <= 600;
            if quick {
                flags.push(Flag {
                    kind: "streak",
                    label: "短时间内连续相同评价",
                    subject: window.to_owned(),
                    detail: format!("10分钟内连续 {} 个“{}”", run.len(), run[0].level.label()),
                    count: run.len(),
                });
            }
            start = end;
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_published_figure_of_seed_003() {
        let mut t = Tally::default();
        t.add(Level::VerySatisfied, 13345, false);
        t.add(Level::Satisfied, 363, false);
        t.add(Level::Dissatisfied, 143, false);
        assert_eq!(t.total(), 13851);
        assert_eq!(t.rate(), Some(0.9897));
        assert_eq!(percent(t.rate()), "98.97%");
    }

    #[test]
    fn levels_parse_from_codes_and_chinese_names() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.code()), Some(l));
            assert_eq!(Level::parse(l.label()), Some(l));
        }
        assert_eq!(Level::parse("great"), None);
        assert!(Level::Dissatisfied.is_bad() && !Level::Basic.is_bad());
        assert_eq!(
            Channel::parse("import"),
            None,
            "nobody evaluates through an import"
        );
    }

    #[test]
    fn codes_round_trip_through_serde() {
        for l in Level::ALL {
            assert_eq!(serde_json::to_value(l).unwrap(), serde_json::json!(l.code()));
            assert_eq!(
                serde_json::from_value::<Level>(serde_json::json!(l.code())).unwrap(),
                l
            );
            assert_eq!(l.to_string(), l.label());
        }
        assert_eq!(serde_json::to_value(Level::Dissatisfied).unwrap(), "dissatisfied");
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(c.code()));
            assert!(!c.label().is_empty());
        }
        assert_eq!(serde_json::to_value(Channel::Online).unwrap(), "online");
        assert_eq!(Channel::from_code("import"), Some(Channel::Import));
        assert_eq!(Channel::from_code("fax"), None);
        for s in SmsStatus::ALL {
            assert_eq!(SmsStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
            assert!(!s.label().is_empty());
        }
        assert_eq!(SmsStatus::parse("lost"), None);
    }

    #[test]
    fn pad_layouts_map_onto_the_five_levels() {
        assert_eq!(PadLayout::Two.buttons(), [Level::Satisfied, Level::Dissatisfied]);
        assert_eq!(PadLayout::Three.buttons().len(), 3);
        assert_eq!(PadLayout::parse("5"), Some(PadLayout::Five));
    }

    #[test]
    fn exclusions_leave_the_valid_count() {
        let mut t = Tally::default();
        t.add(Level::Satisfied, 9, false);
        t.add(Level::VeryDissatisfied, 1, true);
        assert_eq!((t.total(), t.valid(), t.bad()), (10, 9, 0));
        assert_eq!(t.rate(), Some(1.0));
        assert_eq!(Tally::default().rate(), None);
    }

    fn fact(window: &str, channel: Channel, level: Level, device: &str, at: i64, after: i64) -> RatingFact {
        RatingFact {
            day: jiff::civil::date(2026, 11, 30),
            window: window.into(),
            channel,
            level,
            device: device.into(),
            rater_key: String::new(),
            rated_at: jiff::Timestamp::from_second(1_790_000_000 + at).unwrap(),
            seconds_after_service: Some(after),
        }
    }

    #[test]
    fn patterns_are_flagged_and_ordinary_days_are_not() {
        let ordinary: Vec<RatingFact> = (0..30)
            .map(|i| {
                let level = if i % 7 == 0 {
                    Level::Basic
                } else {
                    Level::Satisfied
                };
                fact("3", Channel::Pad, level, "pad-3", i * 300, 20 + i)
            })
            .collect();
        assert!(
            suspicious_patterns(&ordinary).is_empty(),
            "{:?}",
            suspicious_patterns(&ordinary)
        );
        let mut odd = ordinary.clone();
        odd.extend((0..6).map(|i| {
            fact(
                "5",
                Channel::Online,
                Level::VeryDissatisfied,
                "10.0.0.9",
                i * 50_000,
                900,
            )
        }));
        odd.extend((0..12).map(|i| {
            fact(
                "7",
                Channel::Pad,
                Level::VerySatisfied,
                "pad-7",
                20_000 + i * 30,
                1,
            )
        }));
        let kinds: Vec<&str> = suspicious_patterns(&odd).iter().map(|f| f.kind).collect();
        assert!(kinds.contains(&"same_rater"), "{kinds:?}");
        assert!(kinds.contains(&"too_fast"), "{kinds:?}");
        assert!(kinds.contains(&"streak"), "{kinds:?}");
    }

    fn tally() -> impl Strategy<Value = Tally> {
        (
            prop::array::uniform5(0u64..5000),
            prop::array::uniform5(0u64..=100),
        )
            .prop_map(|(n, pct)| {
                let mut t = Tally::default();
                for i in 0..5 {
                    t.by_level[i] = n[i];
                    t.excluded[i] = n[i] * pct[i] / 100;
                }
                t
            })
    }

    proptest! {
        #[test]
        fn rate_is_the_formula_rounded_to_two_decimals_of_a_percent(t in tally()) {
            let valid = t.valid();
            match t.rate() {
                None => prop_assert_eq!(valid, 0),
                Some(r) => {
                    let satisfied = (t.valid_of(Level::VerySatisfied) + t.valid_of(Level::Satisfied)
                        + t.valid_of(Level::Basic)) as f64;
                    let exact = satisfied / valid as f64;
                    prop_assert!((0.0..=1.0).contains(&r));
                    prop_assert!((r - exact).abs() <= 0.00005 + 1e-12, "{} vs {}", r, exact);
                    prop_assert!(((r * 10_000.0).round() - r * 10_000.0).abs() < 1e-6);
                }
            }
        }

        #[test]
        fn excluding_a_bad_review_never_lowers_the_rate(t in tally()) {
            let mut more = t;
            more.by_level[4] += 1;
            let before = more.rate();
            more.excluded[4] += 1;
            prop_assert!(more.rate().is_none() || more.rate() >= before, "{:?} then {:?}", before, more.rate());
            prop_assert_eq!(more.rate(), t.rate());
        }

        #[test]
        fn merging_tallies_adds_their_counts(a in tally(), b in tally()) {
            let mut m = a;
            m.merge(&b);
            prop_assert_eq!(m.total(), a.total() + b.total());
            prop_assert_eq!(m.valid(), a.valid() + b.valid());
        }
    }
}
