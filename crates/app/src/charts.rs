//! 统计图 (issue 18 part 2): the data series of the hall's charts, as plain
//! numbers. Each chart reads the records through the service that publishes
//! the same figure in a report, so a bar is the report's number:
//!
//! | chart | series | read from |
//! | --- | --- | --- |
//! | `arrivals` 到访 | arrivals per half-hour of a day; the previous same weekdays' average | the tickets of the day (`QueueService`), binned by `domain::chart` |
//! | `waits` 等候时长 | tickets per wait bin (minutes from taking to being called) | the same tickets as `queue_report_range` (its `total.wait.count` is the sum) |
//! | `satisfaction` 满意率 | per month: valid evaluations and 满意率 | `EvaluationService::satisfaction` per month (its `valid` and `rate`) |
//! | `bad_reasons` 差评原因 | valid 差评 per reason | the period's evaluations (the total is the report's `bad`) |
//! | `complaints` 投诉 | complaints received and substantiated per category | `ComplaintService::complaints` |
//! | `cases` 办件 | accepted, completed and the on-time rate per department | `CaseService::ledger_figures` |
//!
//! The drawing (SVG) is the web crate's; this module only counts.

use crate::auth::{Session, require};
use crate::evaluation_report::Figures;
use crate::queue_report::Counted;
use crate::{App, AppError, AppResult};
use domain::catalog::Department;
use domain::chart::{
    AVERAGE_WEEKS, SATISFACTION_MONTHS, SLOTS_PER_DAY, arrivals_per_slot, months_up_to, same_weekdays_before,
    shown_slots, slot_label, wait_bin_labels, wait_histogram_of_counts, weekday_average,
};
use domain::complaint::ComplaintCategory;
use domain::evaluation::percent;
use domain::permission::Permission;
use domain::queue::DurationSummary;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use store::complaint::ComplaintFilter;
use store::evaluation::Dimension;
use store::queue::TicketKey;

/// What the queue charts' note says of whose tickets they count.
fn scope_note(p: &Period) -> String {
    match &p.department {
        None => "排队数据为全大厅。".into(),
        Some(d) => format!("只计{}的排队类别的取号。", d.name),
    }
}

/// The most evaluations the 差评 reasons chart reads for one period.
pub const REASONS_READ_LIMIT: i64 = 200_000;
/// The most reasons shown by name; the rest are summed as 其他原因.
pub const REASONS_SHOWN: usize = 10;
/// The longest period the satisfaction chart spans, in months.
pub const MAX_MONTHS: usize = 24;
/// Complaints read per page while counting.
const COMPLAINT_PAGE: i64 = 500;

/// The charts the hall draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartName {
    Arrivals,
    Waits,
    Satisfaction,
    BadReasons,
    Complaints,
    Cases,
}

impl ChartName {
    pub const ALL: [ChartName; 6] = [
        ChartName::Arrivals,
        ChartName::Waits,
        ChartName::Satisfaction,
        ChartName::BadReasons,
        ChartName::Complaints,
        ChartName::Cases,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChartName::Arrivals => "arrivals",
            ChartName::Waits => "waits",
            ChartName::Satisfaction => "satisfaction",
            ChartName::BadReasons => "bad_reasons",
            ChartName::Complaints => "complaints",
            ChartName::Cases => "cases",
        }
    }

    /// The chart's Chinese title.
    pub fn label(self) -> &'static str {
        match self {
            ChartName::Arrivals => "分时段到访人数",
            ChartName::Waits => "等候时长分布",
            ChartName::Satisfaction => "月度满意率",
            ChartName::BadReasons => "差评原因",
            ChartName::Complaints => "投诉分类",
            ChartName::Cases => "各部门办件量与按时办结率",
        }
    }

    pub fn parse(code: &str) -> Option<ChartName> {
        ChartName::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    Bar,
    Line,
}

/// Which axis a series reads: counts on the left, rates (fractions shown
/// as percentages) on the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    Count,
    Rate,
}

/// One data series: a value per label (`null` where there is none, e.g. a
/// month without evaluations has no rate).
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    pub kind: SeriesKind,
    pub axis: Axis,
    pub values: Vec<Option<f64>>,
}

/// A key figure printed under the chart (合计、平均等候…).
#[derive(Debug, Clone, Serialize)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
}

/// One chart's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub name: ChartName,
    pub title: String,
    /// The period (and department) in words: "2026-12-01 至 2026-12-06".
    pub subtitle: String,
    pub from: Date,
    pub to: Date,
    /// The department's full name when the chart is cut to one.
    pub department: Option<String>,
    /// The horizontal axis (时段, 月份, 部门…).
    pub x_label: String,
    /// The left axis (人次, 件…).
    pub y_label: String,
    /// The right axis when a rate is drawn (百分比).
    pub rate_label: Option<String>,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    pub figures: Vec<KeyFigure>,
    /// How the figures are counted, in one sentence.
    pub note: String,
}

/// What a chart request asks for, as typed (dates as text).
#[derive(Debug, Clone, Default)]
pub struct ChartQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// The arrivals chart's day (defaults to `to`, then `from`, then today).
    pub date: Option<String>,
    /// A department's code or full name.
    pub department: Option<String>,
}

fn parse_date(field: &str, raw: Option<&str>) -> AppResult<Option<Date>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<Date>()
            .map(Some)
            .map_err(|_| AppError::invalid(field, "日期格式应为 YYYY-MM-DD")),
    }
}

fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

fn period_text(from: Date, to: Date) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from} 至 {to}")
    }
}

fn minutes_text(seconds: f64) -> String {
    format!("{:.1} 分钟", seconds / 60.0)
}

/// The charts' use cases, on [`App`] (a chart spans the queue, evaluations,
/// complaints and cases): `app.charts().chart(session, name, query)`.
pub struct ChartService<'a> {
    app: &'a App,
}

impl App {
    /// 统计图.
    pub fn charts(&self) -> ChartService<'_> {
        ChartService { app: self }
    }
}

struct Period {
    from: Date,
    to: Date,
    department: Option<Department>,
}

impl Period {
    /// The department's full name when the chart is cut to one.
    fn department_name(&self) -> Option<String> {
        self.department.as_ref().map(|d| d.name.clone())
    }

    /// What the queue charts' subtitle adds for the whole hall (a department's
    /// name is added to every chart's subtitle by `chart`).
    fn hall_suffix(&self) -> &'static str {
        if self.department.is_none() {
            "　全大厅"
        } else {
            ""
        }
    }
}

impl ChartService<'_> {
    /// The numbers of one chart (leaders, 督查, admin).
    #[tracing::instrument(skip_all, fields(chart = name.code()))]
    pub async fn chart(&self, session: &Session, name: ChartName, q: &ChartQuery) -> AppResult<Chart> {
        require(session, Permission::ChartsRead)?;
        let p = self.period(name, q).await?;
        let mut chart = match name {
            ChartName::Arrivals => self.arrivals(&p).await?,
            ChartName::Waits => self.waits(&p).await?,
            ChartName::Satisfaction => self.satisfaction(session, &p).await?,
            ChartName::BadReasons => self.bad_reasons(&p).await?,
            ChartName::Complaints => self.complaints(session, &p).await?,
            ChartName::Cases => self.cases(session, &p).await?,
        };
        if let Some(d) = &p.department {
            chart.subtitle = format!("{}　{}", chart.subtitle, d.name);
        }
        Ok(chart)
    }

    /// Every chart for the same query (the page shows them all).
    pub async fn all(&self, session: &Session, q: &ChartQuery) -> AppResult<Vec<Chart>> {
        let mut out = Vec::with_capacity(ChartName::ALL.len());
        for name in ChartName::ALL {
            out.push(self.chart(session, name, q).await?);
        }
        Ok(out)
    }

    async fn period(&self, name: ChartName, q: &ChartQuery) -> AppResult<Period> {
        let today = self.app.today();
        let from = parse_date("from", q.from.as_deref())?;
        let to = parse_date("to", q.to.as_deref())?;
        let date = parse_date("date", q.date.as_deref())?;
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
        }
        let (from, to) = match name {
            ChartName::Arrivals => {
                let day = date.or(to).or(from).unwrap_or(today);
                (day, day)
            }
            ChartName::Waits => {
                let to = to.or(from).unwrap_or(today);
                (from.unwrap_or(to), to)
            }
            ChartName::Satisfaction => {
                let to = to.unwrap_or(today);
                let months = months_up_to(to, SATISFACTION_MONTHS);
                let first = months.first().map_or(to, |m| m.0);
                match from {
                    Some(f) => {
                        if months_up_to(to, MAX_MONTHS + 1).first().is_some_and(|m| f < m.1) {
                            return Err(AppError::invalid("from", "满意率图最多显示24个月"));
                        }
                        (f, to)
                    }
                    None => (first, to),
                }
            }
            ChartName::BadReasons | ChartName::Complaints | ChartName::Cases => {
                let to = to.unwrap_or(today);
                (from.unwrap_or(to.first_of_month()), to)
            }
        };
        if name != ChartName::Satisfaction
            && from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) > crate::queue_report::MAX_REPORT_DAYS
        {
            return Err(AppError::invalid("to", "一次最多统计一年"));
        }
        let department = match q.department.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(d) => Some(
                self.app
                    .departments()
                    .await?
                    .into_iter()
                    .find(|x| x.is_named(d))
                    .ok_or_else(|| AppError::invalid("department", format!("没有代码或名称为“{d}”的部门")))?,
            ),
        };
        Ok(Period { from, to, department })
    }

    /// The queue lines (category prefixes) whose tickets the chart counts:
    /// `None` for the whole hall, else the department's categories, as the
    /// summary's queue figures count a department (`store::queue::Category::serves`).
    async fn lines_of(&self, p: &Period) -> AppResult<Option<BTreeSet<String>>> {
        let Some(d) = &p.department else {
            return Ok(None);
        };
        let categories = self.app.queue.categories().await?;
        Ok(Some(
            categories
                .into_iter()
                .filter(|c| c.serves(d))
                .map(|c| c.prefix)
                .collect(),
        ))
    }

    async fn arrivals(&self, p: &Period) -> AppResult<Chart> {
        let tz = self.app.settings.time_zone();
        let day = p.from;
        let lines = self.lines_of(p).await?;
        let arrivals_of = async |d: Date| -> AppResult<[u64; SLOTS_PER_DAY]> {
            let tickets = self.app.queue.tickets_between(d, d).await?;
            let theirs = tickets
                .iter()
                .filter(|t| lines.as_ref().is_none_or(|l| l.contains(&t.category)));
            Ok(arrivals_per_slot(theirs.map(|t| t.taken_at), &tz))
        };
        let today = arrivals_of(day).await?;
        let mut before = Vec::with_capacity(AVERAGE_WEEKS);
        for d in same_weekdays_before(day, AVERAGE_WEEKS) {
            before.push(arrivals_of(d).await?);
        }
        let average = weekday_average(&before);
        let open_days = before.iter().filter(|d| d.iter().any(|n| *n > 0)).count();
        let shown = shown_slots(&today, average.as_ref());
        let labels = shown.clone().map(slot_label).collect();
        let mut series = vec![Series {
            name: format!("{day} 到访"),
            kind: SeriesKind::Bar,
            axis: Axis::Count,
            values: shown.clone().map(|s| count(today[s])).collect(),
        }];
        if let Some(avg) = &average {
            series.push(Series {
                name: format!("前{AVERAGE_WEEKS}周同星期平均"),
                kind: SeriesKind::Line,
                axis: Axis::Count,
                values: shown.clone().map(|s| Some(avg[s])).collect(),
            });
        }
        let total: u64 = today.iter().sum();
        let peak = (0..SLOTS_PER_DAY)
            .filter(|s| today[*s] > 0)
            .max_by_key(|s| (today[*s], std::cmp::Reverse(*s)));
        let mut figures = vec![KeyFigure {
            label: "当日到访（取号）".into(),
            value: format!("{total} 人次"),
        }];
        if let Some(s) = peak {
            figures.push(KeyFigure {
                label: "高峰时段".into(),
                value: format!("{}–{}（{} 人次）", slot_label(s), slot_label(s + 1), today[s]),
            });
        }
        figures.push(KeyFigure {
            label: "同星期平均".into(),
            value: match &average {
                Some(a) => format!("{:.1} 人次/天（{open_days} 个开放日）", a.iter().sum::<f64>()),
                None => "前几周同星期无到访记录".into(),
            },
        });
        Ok(Chart {
            name: ChartName::Arrivals,
            title: format!("{}（{}）", ChartName::Arrivals.label(), weekday_name(day)),
            subtitle: format!("{day}{}", p.hall_suffix()),
            from: day,
            to: day,
            department: p.department_name(),
            x_label: "时段（北京时间，每半小时）".into(),
            y_label: "取号人次".into(),
            rate_label: None,
            labels,
            series,
            figures,
            note: format!(
                "按取号时间计入所在半小时；同星期平均取前{AVERAGE_WEEKS}周同一星期中有到访的日子（闭厅日不计）。{}",
                scope_note(p)
            ),
        })
    }

    async fn waits(&self, p: &Period) -> AppResult<Chart> {
        let (counted, lines) = tokio::try_join!(
            self.app.queue.counted(p.from, p.to, TicketKey::Category),
            self.lines_of(p),
        )?;
        let theirs: Vec<&Counted> = counted
            .iter()
            .filter(|(line, _)| lines.as_ref().is_none_or(|l| l.contains(*line)))
            .map(|(_, c)| c)
            .collect();
        let bins = wait_histogram_of_counts(theirs.iter().flat_map(|c| c.waited()));
        let summary = DurationSummary::of_counts(theirs.iter().flat_map(|c| c.waited()));
        let figures = vec![
            KeyFigure {
                label: "已叫号".into(),
                value: format!("{} 人次", summary.count),
            },
            KeyFigure {
                label: "平均等候".into(),
                value: minutes_text(summary.average_seconds),
            },
            KeyFigure {
                label: "90%的人等候不超过".into(),
                value: minutes_text(summary.p90_seconds as f64),
            },
            KeyFigure {
                label: "最长等候".into(),
                value: minutes_text(summary.max_seconds as f64),
            },
        ];
        Ok(Chart {
            name: ChartName::Waits,
            title: ChartName::Waits.label().into(),
            subtitle: format!("{}{}", period_text(p.from, p.to), p.hall_suffix()),
            from: p.from,
            to: p.to,
            department: p.department_name(),
            x_label: "等候时长（分钟，含下限不含上限）".into(),
            y_label: "人次".into(),
            rate_label: None,
            labels: wait_bin_labels(),
            series: vec![Series {
                name: "叫号人次".into(),
                kind: SeriesKind::Bar,
                axis: Axis::Count,
                values: bins.iter().map(|n| count(*n)).collect(),
            }],
            figures,
            note: format!(
                "等候时长为取号至叫号；未叫号的不计入。与排队统计的等候时长同一口径。{}",
                scope_note(p)
            ),
        })
    }

    /// The satisfaction report's figures over `first..=last` for the chart's
    /// cut: the whole hall's, or its department's group (`None` when that
    /// department had no evaluations then).
    async fn satisfaction_of(
        &self,
        session: &Session,
        p: &Period,
        first: Date,
        last: Date,
    ) -> AppResult<Option<Figures>> {
        let by = p.department.as_ref().map(|_| Dimension::Department);
        let report = self
            .app
            .evaluations
            .satisfaction(session, first, last, by)
            .await?;
        Ok(match &p.department {
            None => Some(report.figures),
            Some(d) => report
                .groups
                .unwrap_or_default()
                .into_iter()
                .find(|g| g.key == d.name)
                .map(|g| g.figures),
        })
    }

    async fn satisfaction(&self, session: &Session, p: &Period) -> AppResult<Chart> {
        let span = months_up_to(p.to, MAX_MONTHS)
            .into_iter()
            .filter(|(_, last)| *last >= p.from)
            .map(|(first, last)| (first.max(p.from), last))
            .collect::<Vec<_>>();
        let mut labels = Vec::with_capacity(span.len());
        let mut valid = Vec::with_capacity(span.len());
        let mut rates = Vec::with_capacity(span.len());
        for (first, last) in &span {
            let figures = self.satisfaction_of(session, p, *first, *last).await?;
            labels.push(format!("{}-{:02}", first.year(), first.month()));
            valid.push(count(figures.as_ref().map_or(0, |f| f.valid)));
            rates.push(figures.as_ref().and_then(|f| f.rate));
        }
        let from = span.first().map_or(p.from, |m| m.0);
        let whole = self.satisfaction_of(session, p, from, p.to).await?;
        let rated_months = || {
            span.iter()
                .zip(&rates)
                .filter_map(|((first, _), r)| r.map(|r| (first, r)))
        };
        let best = rated_months().max_by(|a, b| a.1.total_cmp(&b.1));
        let worst = rated_months().min_by(|a, b| a.1.total_cmp(&b.1));
        let mut figures = vec![
            KeyFigure {
                label: "期间有效评价".into(),
                value: format!("{} 条", whole.as_ref().map_or(0, |f| f.valid)),
            },
            KeyFigure {
                label: "期间满意率".into(),
                value: percent(whole.as_ref().and_then(|f| f.rate)),
            },
        ];
        if let (Some(b), Some(w)) = (best, worst) {
            figures.push(KeyFigure {
                label: "最高 / 最低".into(),
                value: format!(
                    "{}月 {} / {}月 {}",
                    b.0.month(),
                    percent(Some(b.1)),
                    w.0.month(),
                    percent(Some(w.1))
                ),
            });
        }
        Ok(Chart {
            name: ChartName::Satisfaction,
            title: ChartName::Satisfaction.label().into(),
            subtitle: period_text(from, p.to),
            from,
            to: p.to,
            department: p.department_name(),
            x_label: "月份".into(),
            y_label: "有效评价（条）".into(),
            rate_label: Some("满意率".into()),
            labels,
            series: vec![
                Series {
                    name: "有效评价".into(),
                    kind: SeriesKind::Bar,
                    axis: Axis::Count,
                    values: valid,
                },
                Series {
                    name: "满意率".into(),
                    kind: SeriesKind::Line,
                    axis: Axis::Rate,
                    values: rates,
                },
            ],
            figures,
            note: format!(
                "满意率 = （非常满意+满意+基本满意）÷ 有效评价，与满意度评价统计同一算法；最后一个月统计至 {}。",
                p.to
            ),
        })
    }

    async fn bad_reasons(&self, p: &Period) -> AppResult<Chart> {
        let evaluations = self
            .app
            .evaluations
            .store
            .evaluations_between(p.from, p.to, REASONS_READ_LIMIT)
            .await?;
        let truncated = evaluations.len() as i64 >= REASONS_READ_LIMIT;
        let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
        let mut bad = 0u64;
        for e in evaluations.iter().filter(|e| {
            e.level.is_bad() && !e.excluded && p.department.as_ref().is_none_or(|d| e.department == d.name)
        }) {
            let weight = e.weight.max(0) as u64;
            bad += weight;
            let reasons: Vec<&str> = e
                .reasons
                .iter()
                .map(|r| r.trim())
                .filter(|r| !r.is_empty())
                .collect();
            if reasons.is_empty() {
                *by_reason.entry("（未选原因）".into()).or_default() += weight;
            }
            for r in reasons {
                *by_reason.entry(r.to_owned()).or_default() += weight;
            }
        }
        let mut ranked: Vec<(String, u64)> = by_reason.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if ranked.len() > REASONS_SHOWN {
            let rest: u64 = ranked[REASONS_SHOWN - 1..].iter().map(|r| r.1).sum();
            ranked.truncate(REASONS_SHOWN - 1);
            ranked.push(("其他原因".into(), rest));
        }
        let mut figures = vec![KeyFigure {
            label: "有效差评".into(),
            value: format!("{bad} 条"),
        }];
        if let Some((r, n)) = ranked.first() {
            figures.push(KeyFigure {
                label: "最多的原因".into(),
                value: format!("{r}（{n} 次）"),
            });
        }
        Ok(Chart {
            name: ChartName::BadReasons,
            title: ChartName::BadReasons.label().into(),
            subtitle: period_text(p.from, p.to),
            from: p.from,
            to: p.to,
            department: p.department_name(),
            x_label: "差评原因".into(),
            y_label: "次数".into(),
            rate_label: None,
            labels: ranked.iter().map(|r| r.0.clone()).collect(),
            series: vec![Series {
                name: "选择次数".into(),
                kind: SeriesKind::Bar,
                axis: Axis::Count,
                values: ranked.iter().map(|r| count(r.1)).collect(),
            }],
            figures,
            note: format!(
                "有效差评（不满意、非常不满意，申诉成立的不计）所选原因；一条差评可选多个原因。{}",
                if truncated {
                    format!("本期评价超过 {REASONS_READ_LIMIT} 条，只统计最新的 {REASONS_READ_LIMIT} 条。")
                } else {
                    String::new()
                }
            ),
        })
    }

    async fn complaints(&self, session: &Session, p: &Period) -> AppResult<Chart> {
        let mut received: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut substantiated: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut offset = 0;
        loop {
            let page = self
                .app
                .complaints
                .complaints(
                    session,
                    ComplaintFilter {
                        from: Some(p.from),
                        to: Some(p.to),
                        department: p.department_name(),
                        limit: COMPLAINT_PAGE,
                        offset,
                        ..ComplaintFilter::default()
                    },
                )
                .await?;
            for c in &page {
                *received.entry(c.complaint.category.code()).or_default() += 1;
                if c.complaint.substantiated == Some(true) {
                    *substantiated.entry(c.complaint.category.code()).or_default() += 1;
                }
            }
            if (page.len() as i64) < COMPLAINT_PAGE {
                break;
            }
            offset += COMPLAINT_PAGE;
        }
        let total: u64 = received.values().sum();
        let found: u64 = substantiated.values().sum();
        let of = |m: &BTreeMap<&'static str, u64>, c: ComplaintCategory| {
            count(m.get(c.code()).copied().unwrap_or(0))
        };
        Ok(Chart {
            name: ChartName::Complaints,
            title: ChartName::Complaints.label().into(),
            subtitle: period_text(p.from, p.to),
            from: p.from,
            to: p.to,
            department: p.department_name(),
            x_label: "投诉类别".into(),
            y_label: "件数".into(),
            rate_label: None,
            labels: ComplaintCategory::ALL
                .into_iter()
                .map(|c| c.label().to_owned())
                .collect(),
            series: vec![
                Series {
                    name: "收到投诉".into(),
                    kind: SeriesKind::Bar,
                    axis: Axis::Count,
                    values: ComplaintCategory::ALL
                        .into_iter()
                        .map(|c| of(&received, c))
                        .collect(),
                },
                Series {
                    name: "查实".into(),
                    kind: SeriesKind::Bar,
                    axis: Axis::Count,
                    values: ComplaintCategory::ALL
                        .into_iter()
                        .map(|c| of(&substantiated, c))
                        .collect(),
                },
            ],
            figures: vec![
                KeyFigure {
                    label: "收到投诉".into(),
                    value: format!("{total} 件"),
                },
                KeyFigure {
                    label: "查实".into(),
                    value: format!("{found} 件"),
                },
            ],
            note: "按收到日期统计的投诉，查实为处置结论为查实的件数。".into(),
        })
    }

    async fn cases(&self, session: &Session, p: &Period) -> AppResult<Chart> {
        let f = self.app.cases.ledger_figures(session, p.from, p.to).await?;
        let departments: Vec<_> = f
            .departments
            .into_iter()
            .filter(|d| {
                p.department
                    .as_ref()
                    .is_none_or(|x| d.key == x.name || d.name == x.name)
            })
            .collect();
        let (accepted, completed, on_time) = departments.iter().fold((0, 0, 0), |s, d| {
            (s.0 + d.accepted, s.1 + d.completed, s.2 + d.on_time)
        });
        let rate = domain::case::on_time_rate(completed, on_time);
        Ok(Chart {
            name: ChartName::Cases,
            title: ChartName::Cases.label().into(),
            subtitle: format!("{}受理的办件", period_text(p.from, p.to)),
            from: p.from,
            to: p.to,
            department: p.department_name(),
            x_label: "部门".into(),
            y_label: "件数".into(),
            rate_label: Some("按时办结率".into()),
            labels: departments.iter().map(|d| d.name.clone()).collect(),
            series: vec![
                Series {
                    name: "受理".into(),
                    kind: SeriesKind::Bar,
                    axis: Axis::Count,
                    values: departments.iter().map(|d| count(d.accepted)).collect(),
                },
                Series {
                    name: "办结".into(),
                    kind: SeriesKind::Bar,
                    axis: Axis::Count,
                    values: departments.iter().map(|d| count(d.completed)).collect(),
                },
                Series {
                    name: "按时办结率".into(),
                    kind: SeriesKind::Line,
                    axis: Axis::Rate,
                    values: departments.iter().map(|d| d.on_time_rate).collect(),
                },
            ],
            figures: vec![
                KeyFigure {
                    label: "受理".into(),
                    value: format!("{accepted} 件"),
                },
                KeyFigure {
                    label: "办结".into(),
                    value: format!("{completed} 件"),
                },
                KeyFigure {
                    label: "按时办结率".into(),
                    value: percent(rate),
                },
            ],
            note: "期间受理的办件按部门统计；按时办结率 = 在法定期限内办结 ÷ 已办结，与办件统计同一算法。"
                .into(),
        })
    }
}

fn weekday_name(d: Date) -> &'static str {
    match d.weekday() {
        jiff::civil::Weekday::Monday => "星期一",
        jiff::civil::Weekday::Tuesday => "星期二",
        jiff::civil::Weekday::Wednesday => "星期三",
        jiff::civil::Weekday::Thursday => "星期四",
        jiff::civil::Weekday::Friday => "星期五",
        jiff::civil::Weekday::Saturday => "星期六",
        jiff::civil::Weekday::Sunday => "星期日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_names_read_back() {
        for c in ChartName::ALL {
            assert_eq!(ChartName::parse(c.code()), Some(c));
        }
        assert_eq!(ChartName::parse("pie"), None);
    }
}
