//! 黄牛、非法中介 (scalpers and illegal agents): the detection rules as pure
//! functions over facts drawn from tickets, appointments, refused attempts
//! and cases, the thresholds an administrator may change, and the actions
//! the hall records against a registered person. Detection only ever
//! proposes a suspect (可疑对象); a supervisor clears it or registers the
//! person — nothing here punishes anyone.

use jiff::civil::{Date, DateTime, Time};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a suspect's key is: a phone, an ID number (both only ever as keyed
/// hashes with a masked form) or an agent's name (代办员, as the clerk typed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// 手机号
    Phone,
    /// 身份证号
    IdNumber,
    /// 代办员
    Agent,
}

impl KeyKind {
    pub const ALL: [KeyKind; 3] = [KeyKind::Phone, KeyKind::IdNumber, KeyKind::Agent];

    pub fn code(self) -> &'static str {
        match self {
            KeyKind::Phone => "phone",
            KeyKind::IdNumber => "id_number",
            KeyKind::Agent => "agent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            KeyKind::Phone => "手机号",
            KeyKind::IdNumber => "身份证号",
            KeyKind::Agent => "代办员",
        }
    }

    pub fn parse(code: &str) -> Option<KeyKind> {
        KeyKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Which record a fact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactSource {
    /// 取号
    Ticket,
    /// 预约
    Appointment,
    /// 因“每人限额”被拒绝的取号或预约
    Refused,
    /// 办件
    Case,
}

impl FactSource {
    pub fn code(self) -> &'static str {
        match self {
            FactSource::Ticket => "ticket",
            FactSource::Appointment => "appointment",
            FactSource::Refused => "refused",
            FactSource::Case => "case",
        }
    }

    pub fn parse(code: &str) -> Option<FactSource> {
        [
            FactSource::Ticket,
            FactSource::Appointment,
            FactSource::Refused,
            FactSource::Case,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// One thing a phone, an ID number or an agent did, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: KeyKind,
    /// The keyed hash (phone, ID) or the agent's name: what facts group by.
    pub key: String,
    /// What screens show: 138****5678, 1101**********1234, or the agent's name.
    pub masked: String,
    pub source: FactSource,
    /// The record's id (ticket, appointment, refused attempt or case).
    pub id: String,
    /// The business date it concerns (ticket day, slot day, day refused, day received).
    pub date: Date,
    /// When it was made, in the hall's time zone (a booking's moment, for the release burst).
    pub made_at: Option<DateTime>,
    /// Cases: the applicant's keyed ID hash (who the case is for).
    pub applicant: Option<String>,
    /// Cases: an agency basis (委托书…) was recorded.
    pub agency_basis: bool,
}

/// The detection thresholds (可疑标准). The defaults are those of the hall's
/// brief; the administrator may change them (`PUT /api/scalpers/rules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScalperRules {
    /// (a) tickets, bookings and refused attempts of one phone or ID in one day: default 4.
    pub per_day: u32,
    /// (a) … or within `window_days` days: default 10 …
    pub per_window: u32,
    /// … in 30 days.
    pub window_days: u32,
    /// (b) distinct applicants of the cases one phone appears on: default 3 …
    pub phone_applicants: u32,
    /// (c) distinct applicants one agent acts for without an agency basis: default 3 …
    pub agent_applicants: u32,
    /// … (b) and (c) within this many days: default 30.
    pub case_window_days: u32,
    /// (d) bookings by one phone or ID right after the day's slots are released: default 3 …
    pub burst_bookings: u32,
    /// … within this many minutes of the release: default 10.
    pub burst_minutes: u32,
    /// The time each day's new slots become bookable (放号时间), "HH:MM": default 00:00.
    pub release_time: String,
}

impl Default for ScalperRules {
    fn default() -> Self {
        ScalperRules {
            per_day: 4,
            per_window: 10,
            window_days: 30,
            phone_applicants: 3,
            agent_applicants: 3,
            case_window_days: 30,
            burst_bookings: 3,
            burst_minutes: 10,
            release_time: "00:00".into(),
        }
    }
}

/// A threshold out of its sensible range: the field and the reason (中文).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    pub field: &'static str,
    pub message: String,
}

impl ScalperRules {
    /// Checks every threshold (a count of at least 2, windows of 1 to 366 days,
    /// bursts of 1 to 120 minutes, a release time HH:MM).
    pub fn check(&self) -> Result<(), RulesError> {
        let count = |field: &'static str, v: u32, label: &str| {
            if (2..=1000).contains(&v) {
                Ok(())
            } else {
                Err(RulesError {
                    field,
                    message: format!("{label}应为2至1000"),
                })
            }
        };
        let days = |field: &'static str, v: u32, label: &str| {
            if (1..=366).contains(&v) {
                Ok(())
            } else {
                Err(RulesError {
                    field,
                    message: format!("{label}应为1至366天"),
                })
            }
        };
        count("per_day", self.per_day, "每日次数")?;
        count("per_window", self.per_window, "期间次数")?;
        days("window_days", self.window_days, "统计期间")?;
        count("phone_applicants", self.phone_applicants, "同一手机号的申请人数")?;
        count("agent_applicants", self.agent_applicants, "同一代办员的申请人数")?;
        days("case_window_days", self.case_window_days, "办件统计期间")?;
        count("burst_bookings", self.burst_bookings, "放号后预约次数")?;
        if !(1..=120).contains(&self.burst_minutes) {
            return Err(RulesError {
                field: "burst_minutes",
                message: "放号后时长应为1至120分钟".into(),
            });
        }
        self.release()?;
        Ok(())
    }

    /// The release time as a time of day.
    pub fn release(&self) -> Result<Time, RulesError> {
        let t = self.release_time.trim();
        let bad = || RulesError {
            field: "release_time",
            message: format!("放号时间“{t}”无效，应为HH:MM"),
        };
        if t.len() != 5 {
            return Err(bad());
        }
        t.parse::<Time>().map_err(|_| bad())
    }

    /// The fewest facts a key needs in a period before any ticket or booking
    /// rule can fire: the store pre-selects keys with at least this many.
    pub fn fewest_facts(&self) -> u32 {
        self.per_day.min(self.per_window).min(self.burst_bookings)
    }
}

/// The rules (可疑规则).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// (a) 同一手机号或身份证号频繁取号、预约（含被限额拒绝的尝试）
    ManyTickets,
    /// (b) 同一手机号出现在多名无关申请人的办件中
    SharedPhone,
    /// (c) 代办员无委托依据为多名申请人代办
    AgentWithoutBasis,
    /// (d) 放号后短时间内集中预约
    ReleaseBurst,
}

impl Rule {
    pub const ALL: [Rule; 4] = [
        Rule::ManyTickets,
        Rule::SharedPhone,
        Rule::AgentWithoutBasis,
        Rule::ReleaseBurst,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::ManyTickets => "many_tickets",
            Rule::SharedPhone => "shared_phone",
            Rule::AgentWithoutBasis => "agent_without_basis",
            Rule::ReleaseBurst => "release_burst",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rule::ManyTickets => "频繁取号预约",
            Rule::SharedPhone => "一号多人办件",
            Rule::AgentWithoutBasis => "无委托代办多人",
            Rule::ReleaseBurst => "放号即抢约",
        }
    }

    pub fn parse(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// The records behind a suspect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub tickets: Vec<String>,
    pub appointments: Vec<String>,
    pub cases: Vec<String>,
    /// Attempts refused by the per-person limits.
    pub refused: u32,
}

/// A suspect (可疑对象): who, by which rule, the figures and the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suspect {
    pub kind: KeyKind,
    /// The keyed hash (or the agent's name): what a review refers to.
    pub key: String,
    pub masked: String,
    pub rule: Rule,
    /// What the rule counted: attempts (a, d) or distinct applicants (b, c).
    pub count: u32,
    /// The rule's figures by name (max_per_day, threshold…).
    pub figures: BTreeMap<&'static str, i64>,
    /// One sentence a supervisor can read out.
    pub explanation: String,
    pub evidence: Evidence,
}

fn evidence_of<'a>(facts: impl IntoIterator<Item = &'a Fact>) -> Evidence {
    let mut e = Evidence::default();
    for f in facts {
        match f.source {
            FactSource::Ticket => e.tickets.push(f.id.clone()),
            FactSource::Appointment => e.appointments.push(f.id.clone()),
            FactSource::Case => e.cases.push(f.id.clone()),
            FactSource::Refused => e.refused += 1,
        }
    }
    e
}

/// Facts grouped by (kind, key), each group sorted by date then id.
fn by_key<'a>(facts: impl IntoIterator<Item = &'a Fact>) -> BTreeMap<(KeyKind, &'a str), Vec<&'a Fact>> {
    let mut groups: BTreeMap<(KeyKind, &str), Vec<&Fact>> = BTreeMap::new();
    for f in facts {
        groups.entry((f.kind, f.key.as_str())).or_default().push(f);
    }
    for g in groups.values_mut() {
        g.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    }
    groups
}

/// The most facts within any `days`-day window (sorted by date): the count
/// and the window's first day.
fn busiest_window(group: &[&Fact], days: u32) -> (u32, Option<Date>) {
    let mut best = (0u32, None);
    let mut start = 0usize;
    for end in 0..group.len() {
        while group[end]
            .date
            .since(group[start].date)
            .map(|s| s.get_days())
            .unwrap_or(0)
            >= days as i32
        {
            start += 1;
        }
        let n = (end - start + 1) as u32;
        if n > best.0 {
            best = (n, Some(group[start].date));
        }
    }
    best
}

/// (a) One phone or ID number on many tickets or bookings: at least
/// `per_day` in one day or `per_window` within `window_days` days, counting
/// the attempts the per-person limits refused.
pub fn many_tickets(rules: &ScalperRules, facts: &[Fact]) -> Vec<Suspect> {
    let relevant = facts.iter().filter(|f| {
        f.kind != KeyKind::Agent
            && matches!(
                f.source,
                FactSource::Ticket | FactSource::Appointment | FactSource::Refused
            )
    });
    let mut out = Vec::new();
    for ((kind, key), group) in by_key(relevant) {
        let mut per_day: BTreeMap<Date, u32> = BTreeMap::new();
        for f in &group {
            *per_day.entry(f.date).or_default() += 1;
        }
        let (busiest_day, max_day) = per_day
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(d, n)| (*d, *n))
            .unwrap_or((group[0].date, 0));
        let (max_window, window_start) = busiest_window(&group, rules.window_days);
        let by_day = max_day >= rules.per_day;
        let by_window = max_window >= rules.per_window;
        if !by_day && !by_window {
            continue;
        }
        let evidence = evidence_of(group.iter().copied());
        let count = group.len() as u32;
        let what = kind.label();
        let explanation = if by_day {
            format!(
                "同一{what}在{busiest_day}一天内取号或预约{max_day}次（含被限额拒绝{}次），达到每日{}次的可疑标准",
                group
                    .iter()
                    .filter(|f| f.date == busiest_day && f.source == FactSource::Refused)
                    .count(),
                rules.per_day
            )
        } else {
            format!(
                "同一{what}自{}起{}天内取号或预约{max_window}次（含被限额拒绝{}次），达到{}天{}次的可疑标准",
                window_start.unwrap_or(busiest_day),
                rules.window_days,
                evidence.refused,
                rules.window_days,
                rules.per_window
            )
        };
        let mut figures = BTreeMap::new();
        figures.insert("max_per_day", i64::from(max_day));
        figures.insert("per_day_threshold", i64::from(rules.per_day));
        figures.insert("max_in_window", i64::from(max_window));
        figures.insert("window_threshold", i64::from(rules.per_window));
        figures.insert("window_days", i64::from(rules.window_days));
        figures.insert("tickets", evidence.tickets.len() as i64);
        figures.insert("appointments", evidence.appointments.len() as i64);
        figures.insert("refused", i64::from(evidence.refused));
        out.push(Suspect {
            kind,
            key: key.to_owned(),
            masked: group[0].masked.clone(),
            rule: Rule::ManyTickets,
            count,
            figures,
            explanation,
            evidence,
        });
    }
    out
}

/// The most distinct applicants within any `days`-day window of a key's
/// cases (sorted by date), with the cases of that window.
fn busiest_applicants<'a>(group: &[&'a Fact], days: u32) -> (u32, Vec<&'a Fact>) {
    let mut best: (u32, Vec<&Fact>) = (0, Vec::new());
    let mut start = 0usize;
    for end in 0..group.len() {
        while group[end]
            .date
            .since(group[start].date)
            .map(|s| s.get_days())
            .unwrap_or(0)
            >= days as i32
        {
            start += 1;
        }
        let window = &group[start..=end];
        let distinct: BTreeSet<&str> = window.iter().filter_map(|f| f.applicant.as_deref()).collect();
        if distinct.len() as u32 > best.0 {
            best = (distinct.len() as u32, window.to_vec());
        }
    }
    best
}

fn case_rule(
    rule: Rule,
    threshold: u32,
    days: u32,
    facts: impl IntoIterator<Item = Fact>,
    sentence: impl Fn(&str, u32, u32) -> String,
) -> Vec<Suspect> {
    let facts: Vec<Fact> = facts.into_iter().collect();
    let mut out = Vec::new();
    for ((kind, key), group) in by_key(&facts) {
        let (applicants, window) = busiest_applicants(&group, days);
        if applicants < threshold {
            continue;
        }
        let mut figures = BTreeMap::new();
        figures.insert("applicants", i64::from(applicants));
        figures.insert("threshold", i64::from(threshold));
        figures.insert("window_days", i64::from(days));
        figures.insert("cases", window.len() as i64);
        out.push(Suspect {
            kind,
            key: key.to_owned(),
            masked: group[0].masked.clone(),
            rule,
            count: applicants,
            figures,
            explanation: sentence(&group[0].masked, applicants, window.len() as u32),
            evidence: evidence_of(window),
        });
    }
    out
}

/// (b) One phone across the cases of many unrelated applicants: at least
/// `phone_applicants` distinct applicants within `case_window_days` days.
pub fn shared_phone(rules: &ScalperRules, facts: &[Fact]) -> Vec<Suspect> {
    let relevant = facts
        .iter()
        .filter(|f| f.kind == KeyKind::Phone && f.source == FactSource::Case && f.applicant.is_some())
        .cloned();
    case_rule(
        Rule::SharedPhone,
        rules.phone_applicants,
        rules.case_window_days,
        relevant,
        |_, n, cases| {
            format!(
                "同一手机号在{}天内出现在{n}名不同申请人的{cases}件办件中，达到{}名的可疑标准",
                rules.case_window_days, rules.phone_applicants
            )
        },
    )
}

/// (c) An agent (代办/委托) acting for many unrelated applicants without an
/// agency basis: at least `agent_applicants` distinct applicants within
/// `case_window_days` days, counting only cases with no basis recorded.
pub fn agent_without_basis(rules: &ScalperRules, facts: &[Fact]) -> Vec<Suspect> {
    let relevant = facts
        .iter()
        .filter(|f| {
            f.kind == KeyKind::Agent
                && f.source == FactSource::Case
                && !f.agency_basis
                && f.applicant.is_some()
        })
        .cloned();
    case_rule(
        Rule::AgentWithoutBasis,
        rules.agent_applicants,
        rules.case_window_days,
        relevant,
        |name, n, cases| {
            format!(
                "代办员“{name}”在{}天内无委托依据为{n}名不同申请人代办{cases}件，达到{}名的可疑标准",
                rules.case_window_days, rules.agent_applicants
            )
        },
    )
}

/// (d) A burst of bookings right after the slots are released: at least
/// `burst_bookings` bookings by one phone or ID made within `burst_minutes`
/// minutes after `release_time` on one day.
pub fn release_burst(rules: &ScalperRules, facts: &[Fact]) -> Vec<Suspect> {
    let Ok(release) = rules.release() else {
        return Vec::new();
    };
    let window = i64::from(rules.burst_minutes) * 60;
    let mut groups: BTreeMap<(KeyKind, &str, Date), Vec<&Fact>> = BTreeMap::new();
    for f in facts {
        if f.kind == KeyKind::Agent || f.source != FactSource::Appointment {
            continue;
        }
        let Some(at) = f.made_at else { continue };
        let released = at.date().to_datetime(release);
        let after = at.duration_since(released).as_secs();
        if (0..window).contains(&after) {
            groups
                .entry((f.kind, f.key.as_str(), at.date()))
                .or_default()
                .push(f);
        }
    }
    let mut best: BTreeMap<(KeyKind, &str), (Date, Vec<&Fact>)> = BTreeMap::new();
    for ((kind, key, day), group) in groups {
        if (group.len() as u32) < rules.burst_bookings {
            continue;
        }
        let slot = best.entry((kind, key)).or_insert((day, Vec::new()));
        if group.len() > slot.1.len() {
            *slot = (day, group);
        }
    }
    best.into_iter()
        .map(|((kind, key), (day, group))| {
            let n = group.len() as u32;
            let mut figures = BTreeMap::new();
            figures.insert("bookings", i64::from(n));
            figures.insert("threshold", i64::from(rules.burst_bookings));
            figures.insert("minutes", i64::from(rules.burst_minutes));
            Suspect {
                kind,
                key: key.to_owned(),
                masked: group[0].masked.clone(),
                rule: Rule::ReleaseBurst,
                count: n,
                figures,
                explanation: format!(
                    "同一{}在{day}放号（{}）后{}分钟内预约{n}次，达到{}次的可疑标准",
                    kind.label(),
                    rules.release_time.trim(),
                    rules.burst_minutes,
                    rules.burst_bookings
                ),
                evidence: evidence_of(group),
            }
        })
        .collect()
}

/// Every rule over the facts of a period, ordered by rule then the most counted first.
pub fn suspects(rules: &ScalperRules, facts: &[Fact]) -> Vec<Suspect> {
    let mut out = many_tickets(rules, facts);
    out.extend(shared_phone(rules, facts));
    out.extend(agent_without_basis(rules, facts));
    out.extend(release_burst(rules, facts));
    out.sort_by(|a, b| {
        (a.rule, std::cmp::Reverse(a.count), &a.masked).cmp(&(b.rule, std::cmp::Reverse(b.count), &b.masked))
    });
    out
}

/// What the hall did about a registered person (处置措施). No action is ever
/// taken automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalperAction {
    /// 劝离
    Dissuade,
    /// 警告
    Warn,
    /// 驱逐
    Expel,
    /// 移交公安
    Police,
}

impl ScalperAction {
    pub const ALL: [ScalperAction; 4] = [
        ScalperAction::Dissuade,
        ScalperAction::Warn,
        ScalperAction::Expel,
        ScalperAction::Police,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ScalperAction::Dissuade => "dissuade",
            ScalperAction::Warn => "warn",
            ScalperAction::Expel => "expel",
            ScalperAction::Police => "police",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ScalperAction::Dissuade => "劝离",
            ScalperAction::Warn => "警告",
            ScalperAction::Expel => "驱逐",
            ScalperAction::Police => "移交公安",
        }
    }

    pub fn parse(code: &str) -> Option<ScalperAction> {
        ScalperAction::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// A supervisor's decision on a suspect (可疑对象复核).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// 排除嫌疑
    Clear,
    /// 登记为黄牛
    Register,
}

impl ReviewDecision {
    pub fn code(self) -> &'static str {
        match self {
            ReviewDecision::Clear => "clear",
            ReviewDecision::Register => "register",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewDecision::Clear => "已排除",
            ReviewDecision::Register => "已登记",
        }
    }

    pub fn parse(code: &str) -> Option<ReviewDecision> {
        [ReviewDecision::Clear, ReviewDecision::Register]
            .into_iter()
            .find(|d| d.code() == code)
    }
}

/// The longest period one suspects query may cover.
pub const MAX_PERIOD_DAYS: i32 = 366;

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn fact(kind: KeyKind, key: &str, source: FactSource, id: &str, day: Date) -> Fact {
        Fact {
            kind,
            key: key.into(),
            masked: if kind == KeyKind::Agent {
                key.into()
            } else {
                format!("138****{key}")
            },
            source,
            id: id.into(),
            date: day,
            made_at: None,
            applicant: None,
            agency_basis: false,
        }
    }

    fn tickets(key: &str, day: Date, n: usize) -> Vec<Fact> {
        (0..n)
            .map(|i| {
                fact(
                    KeyKind::Phone,
                    key,
                    FactSource::Ticket,
                    &format!("{key}-{day}-{i}"),
                    day,
                )
            })
            .collect()
    }

    #[test]
    fn defaults_are_the_briefs() {
        let r = ScalperRules::default();
        assert_eq!((r.per_day, r.per_window, r.window_days), (4, 10, 30));
        assert_eq!(
            (r.phone_applicants, r.agent_applicants, r.case_window_days),
            (3, 3, 30)
        );
        assert_eq!((r.burst_bookings, r.burst_minutes), (3, 10));
        assert!(r.check().is_ok());
        assert_eq!(r.fewest_facts(), 3);
    }

    #[test]
    fn four_in_a_day_is_a_suspect_three_is_not() {
        let r = ScalperRules::default();
        let d = date(2026, 12, 7);
        assert!(many_tickets(&r, &tickets("k5678", d, 3)).is_empty());
        let s = many_tickets(&r, &tickets("k5678", d, 4));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].count, 4);
        assert_eq!(s[0].rule, Rule::ManyTickets);
        assert_eq!(s[0].evidence.tickets.len(), 4);
        assert_eq!(s[0].figures["max_per_day"], 4);
        assert!(
            s[0].explanation.contains("一天内取号或预约4次"),
            "{}",
            s[0].explanation
        );
    }

    #[test]
    fn refused_attempts_and_bookings_count() {
        let r = ScalperRules::default();
        let d = date(2026, 12, 7);
        let mut facts = tickets("k1", d, 1);
        facts.push(fact(KeyKind::Phone, "k1", FactSource::Appointment, "a1", d));
        facts.push(fact(KeyKind::Phone, "k1", FactSource::Refused, "r1", d));
        assert!(many_tickets(&r, &facts).is_empty(), "3 in a day");
        facts.push(fact(KeyKind::Phone, "k1", FactSource::Refused, "r2", d));
        let s = many_tickets(&r, &facts);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].count, 4);
        assert_eq!(s[0].evidence.refused, 2);
        assert_eq!(s[0].evidence.appointments, vec!["a1".to_string()]);
        assert!(s[0].explanation.contains("含被限额拒绝2次"));
    }

    #[test]
    fn ten_in_thirty_days_is_a_suspect_nine_or_spread_is_not() {
        let r = ScalperRules::default();
        let start = date(2026, 11, 1);
        // Three a day on three days, nine in all: no day reaches 4, the window not 10.
        let mut facts: Vec<Fact> = (0..3)
            .flat_map(|i| tickets("k", start + jiff::Span::new().days(i * 10), 3))
            .collect();
        assert!(many_tickets(&r, &facts).is_empty());
        facts.extend(tickets("k", start + jiff::Span::new().days(29), 1));
        let s = many_tickets(&r, &facts);
        assert_eq!(s.len(), 1, "ten within 30 days");
        assert_eq!(s[0].figures["max_in_window"], 10);
        assert!(s[0].explanation.contains("30天内"));
        // The tenth on day 30 (31 days after the first) falls outside the window.
        let mut spread: Vec<Fact> = (0..3)
            .flat_map(|i| tickets("k", start + jiff::Span::new().days(i * 10), 3))
            .collect();
        spread.extend(tickets("k", start + jiff::Span::new().days(30), 1));
        assert!(many_tickets(&r, &spread).is_empty());
    }

    #[test]
    fn keys_and_kinds_are_apart() {
        let r = ScalperRules::default();
        let d = date(2026, 12, 7);
        let mut facts = tickets("a", d, 2);
        facts.extend(tickets("b", d, 2));
        let mut by_id = fact(KeyKind::IdNumber, "a", FactSource::Ticket, "x", d);
        by_id.masked = "1101**********1234".into();
        facts.push(by_id);
        assert!(many_tickets(&r, &facts).is_empty());
    }

    #[test]
    fn thresholds_can_change() {
        let r = ScalperRules {
            per_day: 6,
            ..ScalperRules::default()
        };
        let d = date(2026, 12, 7);
        assert!(many_tickets(&r, &tickets("k", d, 5)).is_empty());
        assert_eq!(many_tickets(&r, &tickets("k", d, 6)).len(), 1);
    }

    fn case(kind: KeyKind, key: &str, id: &str, applicant: &str, day: Date, basis: bool) -> Fact {
        Fact {
            applicant: Some(applicant.into()),
            agency_basis: basis,
            ..fact(kind, key, FactSource::Case, id, day)
        }
    }

    #[test]
    fn one_phone_for_three_applicants_is_a_suspect_two_is_not() {
        let r = ScalperRules::default();
        let d = date(2026, 12, 1);
        let mut facts = vec![
            case(KeyKind::Phone, "p", "c1", "A", d, false),
            case(KeyKind::Phone, "p", "c2", "B", d, false),
            // The same applicant again does not count twice.
            case(
                KeyKind::Phone,
                "p",
                "c3",
                "A",
                d + jiff::Span::new().days(3),
                false,
            ),
        ];
        assert!(shared_phone(&r, &facts).is_empty());
        facts.push(case(
            KeyKind::Phone,
            "p",
            "c4",
            "C",
            d + jiff::Span::new().days(5),
            false,
        ));
        let s = shared_phone(&r, &facts);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].count, 3);
        assert_eq!(s[0].evidence.cases.len(), 4);
        assert_eq!(s[0].rule, Rule::SharedPhone);
        // A third applicant 30 days after the first is outside the window.
        let far = vec![
            case(KeyKind::Phone, "p", "c1", "A", d, false),
            case(KeyKind::Phone, "p", "c2", "B", d, false),
            case(
                KeyKind::Phone,
                "p",
                "c4",
                "C",
                d + jiff::Span::new().days(30),
                false,
            ),
        ];
        assert!(shared_phone(&r, &far).is_empty());
    }

    #[test]
    fn an_agent_with_a_basis_is_no_suspect() {
        let r = ScalperRules::default();
        let d = date(2026, 12, 1);
        let mut facts = vec![
            case(KeyKind::Agent, "张三", "c1", "A", d, false),
            case(KeyKind::Agent, "张三", "c2", "B", d, false),
            case(KeyKind::Agent, "张三", "c3", "C", d, true),
        ];
        assert!(agent_without_basis(&r, &facts).is_empty(), "one had a 委托书");
        facts.push(case(KeyKind::Agent, "张三", "c4", "D", d, false));
        let s = agent_without_basis(&r, &facts);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].count, 3);
        assert_eq!(s[0].evidence.cases, vec!["c1", "c2", "c4"]);
        assert!(s[0].explanation.contains("无委托依据"));
        // Phones do not feed the agent rule, nor agents the phone rule.
        assert!(shared_phone(&r, &facts).is_empty());
    }

    fn booking(key: &str, id: &str, at: DateTime) -> Fact {
        Fact {
            made_at: Some(at),
            ..fact(KeyKind::Phone, key, FactSource::Appointment, id, at.date())
        }
    }

    #[test]
    fn three_bookings_right_after_release_are_a_burst() {
        let r = ScalperRules {
            release_time: "08:00".into(),
            ..ScalperRules::default()
        };
        let d = date(2026, 12, 7);
        let mut facts = vec![
            booking("p", "a1", d.at(8, 0, 5, 0)),
            booking("p", "a2", d.at(8, 3, 0, 0)),
            // Before the release and 10 minutes after it: not in the burst.
            booking("p", "a3", d.at(7, 59, 59, 0)),
            booking("p", "a4", d.at(8, 10, 0, 0)),
        ];
        assert!(release_burst(&r, &facts).is_empty());
        facts.push(booking("p", "a5", d.at(8, 9, 59, 0)));
        let s = release_burst(&r, &facts);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].count, 3);
        assert_eq!(s[0].evidence.appointments, vec!["a1", "a2", "a5"]);
        // Three on different days are no burst.
        let spread = vec![
            booking("p", "b1", d.at(8, 1, 0, 0)),
            booking("p", "b2", (d + jiff::Span::new().days(1)).at(8, 1, 0, 0)),
            booking("p", "b3", (d + jiff::Span::new().days(2)).at(8, 1, 0, 0)),
        ];
        assert!(release_burst(&r, &spread).is_empty());
    }

    #[test]
    fn rules_are_checked() {
        let bad = ScalperRules {
            per_day: 1,
            ..ScalperRules::default()
        };
        assert_eq!(bad.check().unwrap_err().field, "per_day");
        let bad = ScalperRules {
            release_time: "25:00".into(),
            ..ScalperRules::default()
        };
        assert_eq!(bad.check().unwrap_err().field, "release_time");
        let bad = ScalperRules {
            window_days: 0,
            ..ScalperRules::default()
        };
        assert_eq!(bad.check().unwrap_err().field, "window_days");
    }

    #[test]
    fn suspects_orders_by_rule() {
        let r = ScalperRules::default();
        let d = date(2026, 12, 7);
        let mut facts = tickets("k", d, 5);
        facts.extend(tickets("j", d, 4));
        facts.push(case(KeyKind::Agent, "李四", "c1", "A", d, false));
        facts.push(case(KeyKind::Agent, "李四", "c2", "B", d, false));
        facts.push(case(KeyKind::Agent, "李四", "c3", "C", d, false));
        let s = suspects(&r, &facts);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].count, 5);
        assert_eq!(s[1].count, 4);
        assert_eq!(s[2].rule, Rule::AgentWithoutBasis);
    }
}
