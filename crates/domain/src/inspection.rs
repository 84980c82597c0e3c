//! Inspections (日常督查、不定时巡查、明查暗访): a checklist of what a
//! window must show, each item with its deduction, and the total an
//! inspection's failed items cost. The default list is built from the
//! seed documents ([000] 百日大提升, [002]).

use serde::{Deserialize, Serialize};

/// The kind of visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 日常督查.
    Routine,
    /// 不定时巡查.
    Patrol,
    /// 明查暗访 (暗访: planned on a schedule the inspected do not see).
    Unannounced,
}

impl InspectionKind {
    pub const ALL: [InspectionKind; 3] = [
        InspectionKind::Routine,
        InspectionKind::Patrol,
        InspectionKind::Unannounced,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InspectionKind::Routine => "routine",
            InspectionKind::Patrol => "patrol",
            InspectionKind::Unannounced => "unannounced",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InspectionKind::Routine => "日常督查",
            InspectionKind::Patrol => "不定时巡查",
            InspectionKind::Unannounced => "明查暗访",
        }
    }

    pub fn parse(code: &str) -> Option<InspectionKind> {
        InspectionKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// One line of the checklist (督查项目).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub code: String,
    pub name: String,
    /// What the inspector looks for.
    pub standard: String,
    /// Points deducted when the item fails (扣分).
    pub deduction: f64,
}

/// The default checklist: what [000] and [002] ask a window to show.
pub fn default_checklist() -> Vec<ChecklistItem> {
    let item = |code: &str, name: &str, standard: &str, deduction: f64| ChecklistItem {
        code: code.into(),
        name: name.into(),
        standard: standard.into(),
        deduction,
    };
    vec![
        item("on_post", "在岗在位", "工作时间在岗，无脱岗、串岗", 2.0),
        item("uniform", "工装上岗", "按规定着工装", 1.0),
        item("badge", "胸牌台签（三亮）", "佩戴胸牌、摆放台签，亮身份", 1.0),
        item("six_s", "窗口6S", "整理、整顿、清扫、清洁、自检、素养", 1.0),
        item(
            "service_steps",
            "服务六步曲/七步曲",
            "起身迎候、问候、受理、告知、致谢、道别",
            1.0,
        ),
        item("gestures", "服务手势", "规范引导、递接手势", 0.5),
        item("first_ask", "首问负责", "首问人负责解答或引导到位，不推诿", 2.0),
        item(
            "one_notice",
            "一次性告知",
            "材料不齐的一次性告知全部补正材料",
            2.0,
        ),
        item("courtesy", "文明用语", "使用文明用语，无生冷硬横", 2.0),
        item("discipline", "工作纪律", "不玩手机、不闲聊、不吃东西", 2.0),
        item("equipment", "设备完好", "叫号、评价器等设备正常使用", 1.0),
    ]
}

/// One checked item of an inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub code: String,
    pub pass: bool,
    pub note: String,
}

/// Why a set of results cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error("督查项目“{0}”不在检查清单中")]
    UnknownItem(String),
    #[error("督查项目“{0}”重复填写")]
    Repeated(String),
    #[error("至少填写一个督查项目")]
    Empty,
    #[error("当前状态为“{0}”，不能进行此操作")]
    WrongStatus(&'static str),
    #[error("项目代码“{0}”无效，应为1至32位小写字母、数字或下划线")]
    BadCode(String),
    #[error("项目名称应为1至30个字")]
    BadName,
    #[error("检查标准最多200个字")]
    BadStandard,
    #[error("扣分应大于0、不超过20，最多一位小数")]
    BadDeduction,
    #[error("没有可安排的窗口")]
    NoWindows,
    #[error("所选期间没有办公时间")]
    NoOpenDays,
}

/// The deduction of an inspection: the sum of its failed items' deductions,
/// rounded to a tenth; every result must name a checklist item once.
pub fn total_deduction(checklist: &[ChecklistItem], results: &[ItemResult]) -> Result<f64, InspectionError> {
    if results.is_empty() {
        return Err(InspectionError::Empty);
    }
    let mut seen = std::collections::HashSet::new();
    let mut total = 0.0;
    for r in results {
        let code = r.code.trim();
        let item = checklist
            .iter()
            .find(|i| i.code == code)
            .ok_or_else(|| InspectionError::UnknownItem(code.to_owned()))?;
        if !seen.insert(code) {
            return Err(InspectionError::Repeated(code.to_owned()));
        }
        if !r.pass {
            total += item.deduction;
        }
    }
    Ok((total * 10.0).round() / 10.0)
}

/// Where an inspection stands with the staff it names (确认与申辩).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    /// 无扣分: every item passed, nothing to answer.
    Clean,
    /// 待确认: a failed item waits for the staff member's answer.
    Pending,
    /// 已确认: the staff member accepted the finding.
    Acknowledged,
    /// 申辩中: contested with a reason, waiting for the 督查科 leader.
    Contested,
    /// 申辩成立: the contest was upheld; the deduction is cancelled.
    Upheld,
    /// 申辩不成立: the contest was rejected; the deduction stands.
    Rejected,
}

impl InspectionStatus {
    pub const ALL: [InspectionStatus; 6] = [
        InspectionStatus::Clean,
        InspectionStatus::Pending,
        InspectionStatus::Acknowledged,
        InspectionStatus::Contested,
        InspectionStatus::Upheld,
        InspectionStatus::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InspectionStatus::Clean => "clean",
            InspectionStatus::Pending => "pending",
            InspectionStatus::Acknowledged => "acknowledged",
            InspectionStatus::Contested => "contested",
            InspectionStatus::Upheld => "upheld",
            InspectionStatus::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InspectionStatus::Clean => "无扣分",
            InspectionStatus::Pending => "待确认",
            InspectionStatus::Acknowledged => "已确认",
            InspectionStatus::Contested => "申辩中",
            InspectionStatus::Upheld => "申辩成立（扣分取消）",
            InspectionStatus::Rejected => "申辩不成立（维持扣分）",
        }
    }

    pub fn parse(code: &str) -> Option<InspectionStatus> {
        InspectionStatus::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
    }

    /// The status a newly recorded inspection starts in: nothing to answer
    /// when every item passed.
    pub fn initial(results: &[ItemResult]) -> InspectionStatus {
        if results.iter().all(|r| r.pass) {
            InspectionStatus::Clean
        } else {
            InspectionStatus::Pending
        }
    }

    /// The staff member's answer: only a pending inspection is acknowledged
    /// or contested, once.
    pub fn respond(self, contest: bool) -> Result<InspectionStatus, InspectionError> {
        match self {
            InspectionStatus::Pending if contest => Ok(InspectionStatus::Contested),
            InspectionStatus::Pending => Ok(InspectionStatus::Acknowledged),
            other => Err(InspectionError::WrongStatus(other.label())),
        }
    }

    /// The 督查科 leader's ruling on a contest.
    pub fn decide(self, upheld: bool) -> Result<InspectionStatus, InspectionError> {
        match self {
            InspectionStatus::Contested if upheld => Ok(InspectionStatus::Upheld),
            InspectionStatus::Contested => Ok(InspectionStatus::Rejected),
            other => Err(InspectionError::WrongStatus(other.label())),
        }
    }

    /// The deduction that counts: none once a contest is upheld.
    pub fn counted(self, deduction: f64) -> f64 {
        if self == InspectionStatus::Upheld {
            0.0
        } else {
            deduction
        }
    }
}

/// The largest deduction one item may carry.
pub const MAX_DEDUCTION: f64 = 20.0;

/// Checks a checklist line an administrator adds or edits: a code of
/// lower-case letters, digits and `_` (1–32), a name (1–30 characters), a
/// standard (at most 200) and a deduction above 0, at most
/// [`MAX_DEDUCTION`], in tenths.
pub fn validate_item(item: &ChecklistItem) -> Result<(), InspectionError> {
    let code = item.code.as_str();
    if code.is_empty()
        || code.len() > 32
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(InspectionError::BadCode(code.to_owned()));
    }
    let name = item.name.trim().chars().count();
    if name == 0 || name > 30 {
        return Err(InspectionError::BadName);
    }
    if item.standard.chars().count() > 200 {
        return Err(InspectionError::BadStandard);
    }
    let d = item.deduction;
    if !d.is_finite() || d <= 0.0 || d > MAX_DEDUCTION || ((d * 10.0).round() - d * 10.0).abs() > 1e-9 {
        return Err(InspectionError::BadDeduction);
    }
    Ok(())
}

/// One visit of an unannounced plan (暗访安排): when and which window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedVisit {
    pub date: jiff::civil::Date,
    /// HH:MM, within the day's opening hours.
    pub time: jiff::civil::Time,
    pub window: String,
}

/// A day the hall is open and its opening periods (start, end).
pub type OpenDay = (jiff::civil::Date, Vec<(jiff::civil::Time, jiff::civil::Time)>);

/// Draws `visits` unannounced visits over the open days: each picks a day,
/// a minute inside one of its periods (at least 15 minutes before it ends)
/// and a window, at random (`random(n)` answers a number below `n`). The
/// visits come back in time order. Refuses when no day is open or no window
/// is given.
pub fn draw_visits(
    days: &[OpenDay],
    windows: &[String],
    visits: usize,
    random: &mut dyn FnMut(u64) -> u64,
) -> Result<Vec<PlannedVisit>, InspectionError> {
    if windows.is_empty() {
        return Err(InspectionError::NoWindows);
    }
    // Every open minute a visit may start at, by day and period.
    let mut spans: Vec<(jiff::civil::Date, jiff::civil::Time, i64)> = Vec::new();
    for (date, periods) in days {
        for (start, end) in periods {
            let minutes = start.duration_until(*end).as_mins() - 15;
            if minutes > 0 {
                spans.push((*date, *start, minutes));
            }
        }
    }
    let total: i64 = spans.iter().map(|s| s.2).sum();
    if total <= 0 {
        return Err(InspectionError::NoOpenDays);
    }
    let mut out = Vec::with_capacity(visits);
    for _ in 0..visits {
        let mut at = random(total.unsigned_abs()) as i64;
        let mut chosen = None;
        for (date, start, minutes) in &spans {
            if at < *minutes {
                let time = start
                    .checked_add(jiff::SignedDuration::from_mins(at))
                    .map_err(|_| InspectionError::NoOpenDays)?;
                chosen = Some((*date, time));
                break;
            }
            at -= minutes;
        }
        let (date, time) = chosen.ok_or(InspectionError::NoOpenDays)?;
        let window = windows[random(windows.len() as u64) as usize % windows.len()].clone();
        out.push(PlannedVisit { date, time, window });
    }
    out.sort_by(|a, b| (a.date, a.time, &a.window).cmp(&(b.date, b.time, &b.window)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(code: &str, pass: bool) -> ItemResult {
        ItemResult {
            code: code.into(),
            pass,
            note: String::new(),
        }
    }

    #[test]
    fn the_default_checklist_covers_the_seeds() {
        let list = default_checklist();
        assert!(list.len() >= 10);
        for name in [
            "在岗在位",
            "工装上岗",
            "胸牌台签（三亮）",
            "窗口6S",
            "首问负责",
            "一次性告知",
            "文明用语",
            "工作纪律",
            "设备完好",
        ] {
            assert!(list.iter().any(|i| i.name == name), "{name}");
        }
        let mut codes: Vec<&str> = list.iter().map(|i| i.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), list.len(), "codes are unique");
        assert!(list.iter().all(|i| i.deduction > 0.0));
    }

    #[test]
    fn only_failed_items_are_deducted() {
        let list = default_checklist();
        let all_pass: Vec<ItemResult> = list.iter().map(|i| result(&i.code, true)).collect();
        assert_eq!(total_deduction(&list, &all_pass), Ok(0.0));
        let r = [
            result("on_post", false),
            result("gestures", false),
            result("uniform", true),
        ];
        assert_eq!(total_deduction(&list, &r), Ok(2.5));
        let all_fail: Vec<ItemResult> = list.iter().map(|i| result(&i.code, false)).collect();
        let sum: f64 = list.iter().map(|i| i.deduction).sum();
        assert_eq!(total_deduction(&list, &all_fail), Ok((sum * 10.0).round() / 10.0));
    }

    #[test]
    fn unknown_repeated_or_no_items_are_refused() {
        let list = default_checklist();
        assert_eq!(
            total_deduction(&list, &[result("smoking", false)]),
            Err(InspectionError::UnknownItem("smoking".into()))
        );
        assert_eq!(
            total_deduction(&list, &[result("badge", true), result("badge", false)]),
            Err(InspectionError::Repeated("badge".into()))
        );
        assert_eq!(total_deduction(&list, &[]), Err(InspectionError::Empty));
        assert_eq!(
            InspectionKind::parse("unannounced"),
            Some(InspectionKind::Unannounced)
        );
    }

    #[test]
    fn staff_answer_once_and_the_leader_decides_a_contest() {
        use InspectionStatus as S;
        assert_eq!(S::initial(&[result("badge", true)]), S::Clean);
        assert_eq!(
            S::initial(&[result("badge", true), result("uniform", false)]),
            S::Pending
        );
        assert_eq!(S::Pending.respond(false), Ok(S::Acknowledged));
        assert_eq!(S::Pending.respond(true), Ok(S::Contested));
        for s in [S::Clean, S::Acknowledged, S::Contested, S::Upheld, S::Rejected] {
            assert!(s.respond(true).is_err() && s.respond(false).is_err(), "{s:?}");
        }
        assert_eq!(S::Contested.decide(true), Ok(S::Upheld));
        assert_eq!(S::Contested.decide(false), Ok(S::Rejected));
        for s in [S::Clean, S::Pending, S::Acknowledged, S::Upheld, S::Rejected] {
            assert!(s.decide(true).is_err(), "{s:?}");
        }
        assert_eq!(S::Upheld.counted(3.5), 0.0);
        assert_eq!(S::Rejected.counted(3.5), 3.5);
        assert_eq!(S::Acknowledged.counted(3.5), 3.5);
        for s in S::ALL {
            assert_eq!(S::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn checklist_lines_are_checked() {
        let good = ChecklistItem {
            code: "smoking".into(),
            name: "禁止吸烟".into(),
            standard: "工作区域不吸烟".into(),
            deduction: 1.5,
        };
        assert_eq!(validate_item(&good), Ok(()));
        for item in default_checklist() {
            assert_eq!(validate_item(&item), Ok(()), "{}", item.code);
        }
        let with = |f: &dyn Fn(&mut ChecklistItem)| {
            let mut i = good.clone();
            f(&mut i);
            validate_item(&i)
        };
        assert!(matches!(
            with(&|i| i.code = "Smoking".into()),
            Err(InspectionError::BadCode(_))
        ));
        assert!(matches!(
            with(&|i| i.code = String::new()),
            Err(InspectionError::BadCode(_))
        ));
        assert_eq!(with(&|i| i.name = "  ".into()), Err(InspectionError::BadName));
        assert_eq!(with(&|i| i.name = "长".repeat(31)), Err(InspectionError::BadName));
        assert_eq!(with(&|i| i.deduction = 0.0), Err(InspectionError::BadDeduction));
        assert_eq!(with(&|i| i.deduction = -1.0), Err(InspectionError::BadDeduction));
        assert_eq!(with(&|i| i.deduction = 20.5), Err(InspectionError::BadDeduction));
        assert_eq!(with(&|i| i.deduction = 1.25), Err(InspectionError::BadDeduction));
        assert_eq!(
            with(&|i| i.deduction = f64::NAN),
            Err(InspectionError::BadDeduction)
        );
        assert_eq!(with(&|i| i.deduction = 20.0), Ok(()));
    }

    proptest::proptest! {
        #[test]
        fn planned_visits_fall_inside_opening_hours(seed in 0u64..u64::MAX, visits in 0usize..20) {
            use jiff::civil::{date, time};
            let days: Vec<OpenDay> = vec![
                (date(2026, 12, 7), vec![(time(9, 0, 0, 0), time(12, 0, 0, 0)), (time(13, 30, 0, 0), time(17, 30, 0, 0))]),
                (date(2026, 12, 8), vec![(time(9, 0, 0, 0), time(12, 0, 0, 0))]),
            ];
            let windows = vec!["1".to_owned(), "2".to_owned(), "7".to_owned()];
            let mut state = seed | 1;
            let mut random = |n: u64| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state % n
            };
            let plan = draw_visits(&days, &windows, visits, &mut random).unwrap();
            proptest::prop_assert_eq!(plan.len(), visits);
            for v in &plan {
                let (_, periods) = days.iter().find(|(d, _)| *d == v.date).unwrap();
                proptest::prop_assert!(periods.iter().any(|(s, e)| v.time >= *s && v.time < *e), "{:?}", v);
                proptest::prop_assert!(windows.contains(&v.window));
            }
            proptest::prop_assert!(plan.windows(2).all(|w| (w[0].date, w[0].time) <= (w[1].date, w[1].time)));
        }
    }

    #[test]
    fn a_plan_needs_open_days_and_windows() {
        let mut random = |n: u64| n / 2;
        assert_eq!(
            draw_visits(&[], &["1".into()], 2, &mut random),
            Err(InspectionError::NoOpenDays)
        );
        let day: OpenDay = (jiff::civil::date(2026, 12, 7), vec![]);
        assert_eq!(
            draw_visits(std::slice::from_ref(&day), &["1".into()], 2, &mut random),
            Err(InspectionError::NoOpenDays)
        );
        assert_eq!(
            draw_visits(&[day], &[], 2, &mut random),
            Err(InspectionError::NoWindows)
        );
    }
}
