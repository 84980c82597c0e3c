//! 专项活动 (improvement campaigns, the 百日大提升 of [000]): a named period
//! with its 阶段 (phases), 任务 (tasks with an owner, a due date and a
//! status) and 指标 (KPIs tied to figures the hall already measures).
//!
//! The rules here, all without I/O:
//! - a campaign runs from `from` to `to` (business dates, both inclusive), at
//!   most [`MAX_DAYS`] days, so its figures can be read like any report's;
//! - phases lie inside the campaign and never overlap;
//! - a task is due inside the campaign; its status is 未开始, 进行中 or 已完成
//!   as its owner sets it, and it shows 逾期 when it is not done and its due
//!   date has passed (computed from today, never stored);
//! - a KPI names one measured figure ([`Metric`]); its **baseline** is the
//!   figure over the period of equal length just before the start
//!   ([`baseline_period`]), its **current** value the figure over the
//!   campaign's dates up to today ([`current_period`]); whether the target is
//!   met reads the metric's direction (lower is better for waits, complaints
//!   and deductions).

use jiff::civil::Date;
use serde::Serialize;

/// The longest campaign, in days (a year and a day, as the reports read).
pub const MAX_DAYS: i32 = 366;
pub const MAX_NAME: usize = 60;
pub const MAX_PHASES: usize = 20;
pub const MAX_PHASE_NAME: usize = 30;
pub const MAX_TASKS: usize = 200;
pub const MAX_TASK_TITLE: usize = 100;

/// A measured figure a KPI is tied to (考核指标).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// 满意度: the `rate` of the satisfaction report (a fraction, 0.9897 = 98.97%).
    SatisfactionRate,
    /// 按时办结率: the `on_time_rate` of the case report (a fraction).
    OnTimeRate,
    /// 平均等候时长 in minutes: from taking a ticket to being called.
    AvgWaitMinutes,
    /// 投诉件数: complaints received.
    Complaints,
    /// 督查扣分: the deductions of the inspections that count.
    InspectionDeductions,
    /// 黄牛处置次数: actions taken against registered scalpers.
    ScalperActions,
}

/// Which way a figure should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 越高越好: the target is a floor.
    Higher,
    /// 越低越好: the target is a ceiling.
    Lower,
}

impl Metric {
    pub const ALL: [Metric; 6] = [
        Metric::SatisfactionRate,
        Metric::OnTimeRate,
        Metric::AvgWaitMinutes,
        Metric::Complaints,
        Metric::InspectionDeductions,
        Metric::ScalperActions,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Metric::SatisfactionRate => "satisfaction_rate",
            Metric::OnTimeRate => "on_time_rate",
            Metric::AvgWaitMinutes => "avg_wait_minutes",
            Metric::Complaints => "complaints",
            Metric::InspectionDeductions => "inspection_deductions",
            Metric::ScalperActions => "scalper_actions",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::SatisfactionRate => "满意度",
            Metric::OnTimeRate => "按时办结率",
            Metric::AvgWaitMinutes => "平均等候时长",
            Metric::Complaints => "投诉件数",
            Metric::InspectionDeductions => "督查扣分",
            Metric::ScalperActions => "黄牛处置次数",
        }
    }

    /// The unit a value is printed in.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::SatisfactionRate | Metric::OnTimeRate => "%",
            Metric::AvgWaitMinutes => "分钟",
            Metric::Complaints => "件",
            Metric::InspectionDeductions => "分",
            Metric::ScalperActions => "次",
        }
    }

    pub fn parse(code: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.code() == code.trim())
    }

    /// Lower is better for waits, complaints and deductions; higher for the
    /// rates and for the actions taken against scalpers (a crackdown's count).
    pub fn direction(self) -> Direction {
        match self {
            Metric::AvgWaitMinutes | Metric::Complaints | Metric::InspectionDeductions => Direction::Lower,
            Metric::SatisfactionRate | Metric::OnTimeRate | Metric::ScalperActions => Direction::Higher,
        }
    }

    /// A fraction between 0 and 1 (printed as a percentage).
    pub fn is_rate(self) -> bool {
        matches!(self, Metric::SatisfactionRate | Metric::OnTimeRate)
    }

    /// A count of records (whole numbers).
    pub fn is_count(self) -> bool {
        matches!(self, Metric::Complaints | Metric::ScalperActions)
    }

    /// A value as people read it: `98.97%`, `12.5分钟`, `3件`; `—` when there is none.
    pub fn show(self, value: Option<f64>) -> String {
        match value {
            None => "—".into(),
            Some(v) if self.is_rate() => format!("{:.2}%", v * 100.0),
            Some(v) if self.is_count() => format!("{v:.0}{}", self.unit()),
            Some(v) => format!("{v:.1}{}", self.unit()),
        }
    }

    /// Whether `value` reaches `target` in this metric's direction.
    pub fn met(self, value: f64, target: f64) -> bool {
        match self.direction() {
            Direction::Higher => value >= target,
            Direction::Lower => value <= target,
        }
    }

    /// Whether `current` is better than `baseline` (strictly).
    pub fn improved(self, baseline: f64, current: f64) -> bool {
        match self.direction() {
            Direction::Higher => current > baseline,
            Direction::Lower => current < baseline,
        }
    }
}

/// A task's status as its owner sets it (stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// 未开始
    NotStarted,
    /// 进行中
    InProgress,
    /// 已完成
    Done,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [TaskStatus::NotStarted, TaskStatus::InProgress, TaskStatus::Done];

    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "未开始",
            TaskStatus::InProgress => "进行中",
            TaskStatus::Done => "已完成",
        }
    }

    /// The code or the Chinese label.
    pub fn parse(text: &str) -> Option<TaskStatus> {
        let t = text.trim();
        TaskStatus::ALL
            .into_iter()
            .find(|s| s.code() == t || s.label() == t)
    }

    /// What the task shows on `today`: 逾期 when not done and past its due date.
    pub fn shown(self, due: Date, today: Date) -> TaskState {
        match self {
            TaskStatus::Done => TaskState::Done,
            _ if today > due => TaskState::Overdue,
            TaskStatus::NotStarted => TaskState::NotStarted,
            TaskStatus::InProgress => TaskState::InProgress,
        }
    }
}

/// A task's status as shown (未开始/进行中/已完成/逾期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    NotStarted,
    InProgress,
    Done,
    Overdue,
}

impl TaskState {
    pub fn code(self) -> &'static str {
        match self {
            TaskState::NotStarted => "not_started",
            TaskState::InProgress => "in_progress",
            TaskState::Done => "done",
            TaskState::Overdue => "overdue",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskState::NotStarted => "未开始",
            TaskState::InProgress => "进行中",
            TaskState::Done => "已完成",
            TaskState::Overdue => "逾期",
        }
    }
}

/// Where a campaign stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// 未开始
    Upcoming,
    /// 进行中
    Running,
    /// 已结束
    Ended,
}

impl CampaignState {
    pub fn of(from: Date, to: Date, today: Date) -> CampaignState {
        if today < from {
            CampaignState::Upcoming
        } else if today > to {
            CampaignState::Ended
        } else {
            CampaignState::Running
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CampaignState::Upcoming => "upcoming",
            CampaignState::Running => "running",
            CampaignState::Ended => "ended",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CampaignState::Upcoming => "未开始",
            CampaignState::Running => "进行中",
            CampaignState::Ended => "已结束",
        }
    }
}

/// Days from `from` to `to`, both counted.
pub fn days_between(from: Date, to: Date) -> i32 {
    from.until(to).map_or(0, |s| s.get_days()) + 1
}

/// The baseline's period (基线期): as many days as the campaign, ending the
/// day before it starts.
pub fn baseline_period(from: Date, to: Date) -> (Date, Date) {
    let n = i64::from(days_between(from, to));
    let end = from.yesterday().unwrap_or(from);
    let start = from.checked_sub(jiff::Span::new().days(n)).unwrap_or(end);
    (start, end)
}

/// The period the current value reads: the campaign's dates up to today;
/// `None` before it starts.
pub fn current_period(from: Date, to: Date, today: Date) -> Option<(Date, Date)> {
    (today >= from).then(|| (from, to.min(today)))
}

/// A period's part that has already happened (up to today); `None` when it
/// lies wholly in the future.
pub fn elapsed(period: (Date, Date), today: Date) -> Option<(Date, Date)> {
    (period.0 <= today).then(|| (period.0, period.1.min(today)))
}

/// A bad field of a campaign: its path (`phases[1].to`) and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn bad(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// A phase as entered.
#[derive(Debug, Clone, Default)]
pub struct PhaseText {
    pub name: String,
    pub from: String,
    pub to: String,
}

/// A task as entered.
#[derive(Debug, Clone, Default)]
pub struct TaskText {
    pub title: String,
    pub owner: String,
    pub due: String,
}

/// A KPI as entered.
#[derive(Debug, Clone, Default)]
pub struct KpiText {
    pub metric: String,
    pub target: f64,
}

/// A campaign as entered.
#[derive(Debug, Clone, Default)]
pub struct CampaignText {
    pub name: String,
    pub from: String,
    pub to: String,
    pub phases: Vec<PhaseText>,
    pub tasks: Vec<TaskText>,
    pub kpis: Vec<KpiText>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhasePlan {
    pub name: String,
    pub from: Date,
    pub to: Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskPlan {
    pub title: String,
    /// The owner's username, trimmed (the app checks the account).
    pub owner: String,
    pub due: Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KpiPlan {
    pub metric: Metric,
    pub target: f64,
}

/// A campaign whose every field has been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignPlan {
    pub name: String,
    pub from: Date,
    pub to: Date,
    pub phases: Vec<PhasePlan>,
    pub tasks: Vec<TaskPlan>,
    pub kpis: Vec<KpiPlan>,
}

fn date(field: &str, label: &str, raw: &str) -> Result<Date, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(bad(field, format!("{label}未填写")));
    }
    t.parse()
        .map_err(|_| bad(field, format!("{label}“{t}”无效，应为YYYY-MM-DD")))
}

fn text(field: &str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(bad(field, format!("{label}未填写")));
    }
    if t.chars().count() > max {
        return Err(bad(field, format!("{label}最多{max}个字")));
    }
    Ok(t.to_owned())
}

/// Checks a campaign as entered: every message names the field
/// (`name`, `to`, `phases[1].to`, `tasks[0].due`, `kpis[0].metric`…).
pub fn check(input: &CampaignText) -> Result<CampaignPlan, FieldError> {
    let name = text("name", "名称", &input.name, MAX_NAME)?;
    let from = date("from", "开始日期", &input.from)?;
    let to = date("to", "结束日期", &input.to)?;
    if to < from {
        return Err(bad("to", "结束日期不能早于开始日期"));
    }
    if days_between(from, to) > MAX_DAYS {
        return Err(bad("to", format!("一次专项活动最长{MAX_DAYS}天")));
    }
    let inside = |d: Date| d >= from && d <= to;

    if input.phases.len() > MAX_PHASES {
        return Err(bad("phases", format!("阶段最多{MAX_PHASES}个")));
    }
    let mut phases = Vec::with_capacity(input.phases.len());
    for (i, p) in input.phases.iter().enumerate() {
        let f = |part: &str| format!("phases[{i}].{part}");
        let n = i + 1;
        let name = text(&f("name"), &format!("第{n}阶段的名称"), &p.name, MAX_PHASE_NAME)?;
        let pf = date(&f("from"), &format!("第{n}阶段的开始日期"), &p.from)?;
        let pt = date(&f("to"), &format!("第{n}阶段的结束日期"), &p.to)?;
        if !inside(pf) {
            return Err(bad(
                f("from"),
                format!("第{n}阶段的开始日期{pf}不在活动期间（{from}至{to}）内"),
            ));
        }
        if !inside(pt) {
            return Err(bad(
                f("to"),
                format!("第{n}阶段的结束日期{pt}不在活动期间（{from}至{to}）内"),
            ));
        }
        if pt < pf {
            return Err(bad(f("to"), format!("第{n}阶段的结束日期不能早于开始日期")));
        }
        phases.push(PhasePlan {
            name,
            from: pf,
            to: pt,
        });
    }
    // No two phases share a day: named on the later-starting one.
    let mut order: Vec<usize> = (0..phases.len()).collect();
    order.sort_by_key(|&i| (phases[i].from, i));
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if phases[b].from <= phases[a].to {
            return Err(bad(
                format!("phases[{b}].from"),
                format!(
                    "第{}阶段（{}至{}）与第{}阶段（{}至{}）时间重叠",
                    b + 1,
                    phases[b].from,
                    phases[b].to,
                    a + 1,
                    phases[a].from,
                    phases[a].to
                ),
            ));
        }
    }

    if input.tasks.len() > MAX_TASKS {
        return Err(bad("tasks", format!("任务最多{MAX_TASKS}项")));
    }
    let mut tasks = Vec::with_capacity(input.tasks.len());
    for (i, t) in input.tasks.iter().enumerate() {
        let f = |part: &str| format!("tasks[{i}].{part}");
        let n = i + 1;
        let title = text(
            &f("title"),
            &format!("第{n}项任务的内容"),
            &t.title,
            MAX_TASK_TITLE,
        )?;
        let owner = t.owner.trim();
        if owner.is_empty() {
            return Err(bad(f("owner"), format!("第{n}项任务的负责人未填写")));
        }
        let due = date(&f("due"), &format!("第{n}项任务的完成期限"), &t.due)?;
        if !inside(due) {
            return Err(bad(
                f("due"),
                format!("第{n}项任务的完成期限{due}不在活动期间（{from}至{to}）内"),
            ));
        }
        tasks.push(TaskPlan {
            title,
            owner: owner.to_owned(),
            due,
        });
    }

    if input.kpis.len() > Metric::ALL.len() {
        return Err(bad(
            "kpis",
            format!("指标最多{}项（每种一项）", Metric::ALL.len()),
        ));
    }
    let mut kpis: Vec<KpiPlan> = Vec::with_capacity(input.kpis.len());
    for (i, k) in input.kpis.iter().enumerate() {
        let f = |part: &str| format!("kpis[{i}].{part}");
        let n = i + 1;
        let Some(metric) = Metric::parse(&k.metric) else {
            let codes: Vec<&str> = Metric::ALL.iter().map(|m| m.code()).collect();
            return Err(bad(
                f("metric"),
                format!(
                    "第{n}项指标“{}”无效，应为{}之一",
                    k.metric.trim(),
                    codes.join("、")
                ),
            ));
        };
        if kpis.iter().any(|x| x.metric == metric) {
            return Err(bad(
                f("metric"),
                format!("第{n}项指标“{}”重复，每种指标只设一项", metric.label()),
            ));
        }
        let target = k.target;
        if !target.is_finite() || target < 0.0 {
            return Err(bad(f("target"), format!("第{n}项指标的目标值应为不小于0的数")));
        }
        if metric.is_rate() && target > 1.0 {
            return Err(bad(
                f("target"),
                format!(
                    "第{n}项指标（{}）的目标值应为0到1之间的小数（如0.98表示98%），与统计报表的rate一致",
                    metric.label()
                ),
            ));
        }
        if metric.is_count() && target.fract() != 0.0 {
            return Err(bad(
                f("target"),
                format!("第{n}项指标（{}）的目标值应为整数", metric.label()),
            ));
        }
        kpis.push(KpiPlan { metric, target });
    }

    Ok(CampaignPlan {
        name,
        from,
        to,
        phases,
        tasks,
        kpis,
    })
}

/// A KPI's movement as shown: baseline → current → target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KpiMovement {
    /// Whether the current value reaches the target; `None` without a current value.
    pub met: Option<bool>,
    /// Whether the current value is better than the baseline; `None` without both.
    pub improved: Option<bool>,
    /// current − baseline; `None` without both.
    pub change: Option<f64>,
}

impl KpiMovement {
    pub fn of(metric: Metric, baseline: Option<f64>, current: Option<f64>, target: f64) -> KpiMovement {
        KpiMovement {
            met: current.map(|c| metric.met(c, target)),
            improved: baseline.zip(current).map(|(b, c)| metric.improved(b, c)),
            change: baseline.zip(current).map(|(b, c)| round(c - b, 4)),
        }
    }
}

/// Rounds half away from zero to `places` decimals.
pub fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// The average wait in minutes from seconds, to one decimal.
pub fn wait_minutes(average_seconds: f64) -> f64 {
    round(average_seconds / 60.0, 1)
}

#[cfg(test)]
mod tests;
