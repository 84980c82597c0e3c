//! 日报、月报、年度报告 (issue 18 part 3): the summary of a period for the hall
//! or one department, as a 审批局 sends it upward. Every figure is read
//! through the service that already reports it, so the summary and the
//! other reports can never disagree; nothing is copied:
//!
//! | figure | read from |
//! | --- | --- |
//! | visitors, tickets, average and P90 wait | `QueueService::queue_report_range` (a department: its categories' tickets, the same `row`) |
//! | accepted, completed, on time, 办结率, overdue | `CaseService::case_report` (a department: its line of `ledger_figures`) |
//! | evaluations by level, 满意率 (imported counts included) | `EvaluationService::satisfaction` (a department: its group) |
//! | complaints, inspections' deductions, scalper actions | `CampaignStore::period_counts` (a department: `HallReportStore`) |
//! | 一件事, online share, 整改 opened and closed, inspections | `HallReportStore::report_counts` |
//! | assessment (流动红旗, department scores, 一票否决) | `AssessmentService::red_flag` and `assessment` of each month |
//!
//! The workbook is `hall_report_xlsx.rs`, the PDF `hall_report_pdf.rs`.

use crate::auth::{Session, require};
use crate::{AppError, AppResult, Hall};
use domain::catalog::Department;
use domain::evaluation::Level;
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;
use store::campaign::CampaignStore;
use store::evaluation::Dimension;
use store::hall_report::HallReportStore;

/// The longest period one summary reads (a leap year).
pub const MAX_DAYS: i32 = 366;

/// 日报、月报、年度报告 service.
#[derive(Clone)]
pub struct HallReportService {
    pub(crate) hall: Hall,
    store: Arc<dyn HallReportStore>,
    counts: Arc<dyn CampaignStore>,
    queue: crate::queue::QueueService,
    cases: crate::case::CaseService,
    evaluations: crate::evaluation::EvaluationService,
    assessment: crate::assessment::AssessmentService,
}

/// What kind of report a period makes: a day, a calendar month, a calendar year, or any other span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    Day,
    Month,
    Year,
    Period,
}

impl ReportKind {
    pub fn of(from: Date, to: Date) -> ReportKind {
        if from == to {
            ReportKind::Day
        } else if from == from.first_of_month() && to == from.last_of_month() {
            ReportKind::Month
        } else if from == from.first_of_year() && to == from.last_of_year() {
            ReportKind::Year
        } else {
            ReportKind::Period
        }
    }

    /// 日报, 月报, 年度报告, 统计报告.
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Day => "日报",
            ReportKind::Month => "月报",
            ReportKind::Year => "年度报告",
            ReportKind::Period => "统计报告",
        }
    }

    /// The period as the title names it: 2026年11月30日, 2026年11月, 2026年, 2026年11月1日至11月15日.
    pub fn period_text(self, from: Date, to: Date) -> String {
        match self {
            ReportKind::Day => format!("{}年{}月{}日", from.year(), from.month(), from.day()),
            ReportKind::Month => format!("{}年{}月", from.year(), from.month()),
            ReportKind::Year => format!("{}年", from.year()),
            ReportKind::Period => format!(
                "{}年{}月{}日至{}年{}月{}日",
                from.year(),
                from.month(),
                from.day(),
                to.year(),
                to.month(),
                to.day()
            ),
        }
    }
}

/// Parses `from` and `to` (YYYY-MM-DD; `to` defaults to `from`), naming the field that is wrong.
pub fn parse_period(from: Option<&str>, to: Option<&str>) -> AppResult<(Date, Date)> {
    let parse = |field: &str, s: &str| -> AppResult<Date> {
        s.trim()
            .parse::<Date>()
            .map_err(|_| AppError::invalid(field, format!("“{}”不是有效日期，应写成 2026-11-30", s.trim())))
    };
    let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse("from", s)?,
        None => return Err(AppError::invalid("from", "请给出开始日期（from）")),
    };
    let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse("to", s)?,
        None => from,
    };
    if from > to {
        return Err(AppError::invalid("from", "开始日期不能晚于结束日期"));
    }
    if from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) >= MAX_DAYS {
        return Err(AppError::invalid("to", "一份报告最多统计一年"));
    }
    Ok((from, to))
}

/// 取号与等候.
#[derive(Debug, Clone, Serialize)]
pub struct QueueFigures {
    pub taken: usize,
    pub served: usize,
    pub skipped: usize,
    pub called: usize,
    pub avg_wait_minutes: Option<f64>,
    pub p90_wait_minutes: Option<f64>,
    pub max_wait_minutes: Option<f64>,
    pub avg_service_minutes: Option<f64>,
}

/// One category's line (按业务类别).
#[derive(Debug, Clone, Serialize)]
pub struct CategoryLine {
    pub prefix: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: QueueFigures,
}

/// 评价.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationFigures {
    pub total: u64,
    pub valid: u64,
    pub excluded: u64,
    /// Valid evaluations per level code.
    pub by_level: Vec<LevelCount>,
    /// 差评 (the bottom two levels).
    pub bad: u64,
    pub satisfaction_rate: Option<f64>,
    pub satisfaction_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelCount {
    pub level: &'static str,
    pub label: &'static str,
    pub count: u64,
}

/// 网上办.
#[derive(Debug, Clone, Serialize)]
pub struct OnlineFigures {
    /// Online applications submitted in the period (网上申报).
    pub applications: i64,
    /// Cases accepted in the period that came from an online application.
    pub cases: i64,
    /// `cases` ÷ accepted cases, four places; `null` when nothing was accepted.
    pub share: Option<f64>,
}

/// 整改.
#[derive(Debug, Clone, Serialize)]
pub struct RectificationFigures {
    pub opened: i64,
    pub from_evaluations: i64,
    pub from_complaints: i64,
    pub from_inspections: i64,
    pub closed: i64,
}

/// 督查.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionFigures {
    pub count: i64,
    /// The deductions that count (an upheld contest cancels its deduction).
    pub deductions: f64,
}

/// One department's line of the month's assessment.
#[derive(Debug, Clone, Serialize)]
pub struct AssessedLine {
    pub subject: String,
    pub name: String,
    pub score: f64,
    pub grade_label: &'static str,
    pub rank: u32,
    pub vetoed: bool,
    pub veto_reasons: Vec<String>,
}

/// 月度考核 of one month.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentMonth {
    pub month: String,
    /// 定档 by the leader.
    pub frozen: bool,
    /// 流动红旗: the window, its name and score, or none.
    pub red_flag_window: Option<String>,
    pub red_flag_name: Option<String>,
    pub red_flag_score: Option<f64>,
    pub departments: Vec<AssessedLine>,
}

/// One department's cases (按部门).
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentLine {
    pub name: String,
    pub accepted: u64,
    pub completed: u64,
    pub completion_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub overdue: u64,
}

/// `GET /api/reports/summary`.
#[derive(Debug, Clone, Serialize)]
pub struct HallSummary {
    pub hall: String,
    /// The report's title: 某县政务服务中心 2026年11月 月报.
    pub title: String,
    pub kind: ReportKind,
    pub kind_label: &'static str,
    pub period: String,
    pub from: Date,
    pub to: Date,
    /// The department reported on; `null` for the whole hall.
    pub department: Option<Department>,
    /// 来厅人次: tickets taken (each visit to the hall takes one).
    pub visitors: usize,
    pub tickets: QueueFigures,
    pub avg_wait_minutes: Option<f64>,
    pub p90_wait_minutes: Option<f64>,
    pub accepted: u64,
    pub completed: u64,
    pub on_time: u64,
    /// 办结率 = completed ÷ accepted (four places).
    pub completion_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub overdue: u64,
    /// 一件事 accepted.
    pub bundle_cases: i64,
    pub online: OnlineFigures,
    /// All evaluations (live and imported) of the period.
    pub evaluations: u64,
    pub evaluation: EvaluationFigures,
    /// 满意率 of the valid evaluations (four places).
    pub satisfaction_rate: Option<f64>,
    pub rectifications: RectificationFigures,
    /// Complaints received.
    pub complaints: i64,
    pub inspections: InspectionFigures,
    /// Actions against registered scalpers (the hall's; `null` for a department).
    pub scalper_actions: Option<i64>,
    pub assessment: Vec<AssessmentMonth>,
    pub categories: Vec<CategoryLine>,
    pub departments: Vec<DepartmentLine>,
}

fn minutes(seconds: f64) -> f64 {
    (seconds / 60.0 * 10.0).round() / 10.0
}

fn queue_figures(r: &crate::queue_report::ReportRow) -> QueueFigures {
    let some = r.wait.count > 0;
    QueueFigures {
        taken: r.taken,
        served: r.served,
        skipped: r.skipped,
        called: r.wait.count,
        avg_wait_minutes: some.then(|| minutes(r.wait.average_seconds)),
        p90_wait_minutes: some.then(|| minutes(r.wait.p90_seconds as f64)),
        max_wait_minutes: some.then(|| minutes(r.wait.max_seconds as f64)),
        avg_service_minutes: (r.service.count > 0).then(|| minutes(r.service.average_seconds)),
    }
}

fn share(part: i64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

impl HallReportService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn HallReportStore>,
        counts: Arc<dyn CampaignStore>,
        queue: crate::queue::QueueService,
        cases: crate::case::CaseService,
        evaluations: crate::evaluation::EvaluationService,
        assessment: crate::assessment::AssessmentService,
    ) -> HallReportService {
        HallReportService {
            hall,
            store,
            counts,
            queue,
            cases,
            evaluations,
            assessment,
        }
    }

    /// The department with this code (any case) or full name, or a 422 naming `department`.
    pub async fn department(&self, code: Option<&str>) -> AppResult<Option<Department>> {
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        self.departments()
            .await?
            .into_iter()
            .find(|d| d.is_named(code))
            .map(Some)
            .ok_or_else(|| AppError::invalid("department", format!("没有代码或名称为“{code}”的部门")))
    }

    /// The summary of `from..=to` for the hall, or for the department with
    /// code `department` (leadership and the administrator).
    #[tracing::instrument(skip_all)]
    pub async fn summary(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        department: Option<&str>,
    ) -> AppResult<HallSummary> {
        require(session, Permission::HallReportRead)?;
        if from > to {
            return Err(AppError::invalid("from", "开始日期不能晚于结束日期"));
        }
        if from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) >= MAX_DAYS {
            return Err(AppError::invalid("to", "一份报告最多统计一年"));
        }
        let dept = self.department(department).await?;
        let dept_name = dept.as_ref().map(|d| d.name.as_str());
        // The queue, the cases, the evaluations, the counts and the
        // assessment at once, each on its own connection.
        let (queue, cases, evaluation, counts, hall_counts, assessment) = tokio::try_join!(
            self.queue_part(from, to, dept.as_ref()),
            self.case_part(session, from, to, dept_name),
            self.evaluation_part(session, from, to, dept.as_ref()),
            async { Ok::<_, AppError>(self.store.report_counts(from, to, dept_name).await?) },
            async {
                match dept {
                    None => Ok::<_, AppError>(Some(self.counts.period_counts(from, to).await?)),
                    Some(_) => Ok(None),
                }
            },
            self.assessment_part(session, from, to, dept_name),
        )?;
        let (tickets, categories) = queue;
        let (case_line, departments) = cases;
        let (complaints, deductions, scalper_actions) = match hall_counts {
            Some(h) => (h.complaints, h.deductions, Some(h.scalper_actions)),
            None => (counts.complaints, counts.deductions.clone(), None),
        };
        let deductions = (deductions.iter().map(|(s, d)| s.counted(*d)).sum::<f64>() * 10.0).round() / 10.0;
        let kind = ReportKind::of(from, to);
        let hall = self.settings.hall.name.clone();
        let period = kind.period_text(from, to);
        let title = match &dept {
            None => format!("{hall} {period} {}", kind.label()),
            Some(d) => format!("{hall} {} {period} {}", d.name, kind.label()),
        };
        Ok(HallSummary {
            hall,
            title,
            kind,
            kind_label: kind.label(),
            period,
            from,
            to,
            department: dept,
            visitors: tickets.taken,
            avg_wait_minutes: tickets.avg_wait_minutes,
            p90_wait_minutes: tickets.p90_wait_minutes,
            tickets,
            accepted: case_line.accepted,
            completed: case_line.completed,
            on_time: case_line.on_time,
            completion_rate: case_line.completion_rate,
            on_time_rate: case_line.on_time_rate,
            overdue: case_line.overdue,
            bundle_cases: counts.bundle_cases,
            online: OnlineFigures {
                applications: counts.applications_submitted,
                cases: counts.online_cases,
                share: share(counts.online_cases, case_line.accepted),
            },
            evaluations: evaluation.total,
            satisfaction_rate: evaluation.satisfaction_rate,
            evaluation,
            rectifications: RectificationFigures {
                opened: counts.rectifications_evaluation
                    + counts.rectifications_complaint
                    + counts.rectifications_inspection,
                from_evaluations: counts.rectifications_evaluation,
                from_complaints: counts.rectifications_complaint,
                from_inspections: counts.rectifications_inspection,
                closed: counts.rectifications_closed,
            },
            complaints,
            inspections: InspectionFigures {
                count: counts.inspections,
                deductions,
            },
            scalper_actions,
            assessment,
            categories,
            departments,
        })
    }

    /// The hall's queue report, or the same rows over a department's categories
    /// (those whose items carry its code): the categories' counted tickets
    /// (`QueueService::counted`, what the queue report's rows are made of),
    /// so the summary and the queue report cannot disagree and no ticket is loaded.
    async fn queue_part(
        &self,
        from: Date,
        to: Date,
        dept: Option<&Department>,
    ) -> AppResult<(QueueFigures, Vec<CategoryLine>)> {
        let (counted, categories_of) = tokio::try_join!(
            self.queue.counted(from, to, store::queue::TicketKey::Category),
            self.queue.categories(),
        )?;
        let mine = |c: &store::queue::Category| dept.is_none_or(|d| c.serves(d));
        let none = crate::queue_report::Counted::default();
        let mut categories = Vec::new();
        let mut theirs = Vec::new();
        for c in categories_of.iter().filter(|c| mine(c)) {
            let counts = counted.get(&c.prefix).unwrap_or(&none);
            theirs.push(counts);
            let r = crate::queue_report::counted_row(
                "category",
                &c.prefix,
                &format!("{} {}", c.prefix, c.name),
                &[counts],
            );
            categories.push(CategoryLine {
                prefix: r.key.clone(),
                name: r.label.clone(),
                figures: queue_figures(&r),
            });
        }
        let total = match dept {
            // The hall: every ticket, as the queue report's total.
            None => {
                let all: Vec<&crate::queue_report::Counted> = counted.values().collect();
                queue_figures(&crate::queue_report::counted_row("total", "", "合计", &all))
            }
            Some(d) => queue_figures(&crate::queue_report::counted_row(
                "department",
                &d.code,
                &d.name,
                &theirs,
            )),
        };
        Ok((total, categories))
    }

    /// The case report of the hall, or the department's line of the ledger figures.
    async fn case_part(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        dept: Option<&str>,
    ) -> AppResult<(crate::case::CaseReport, Vec<DepartmentLine>)> {
        let (report, ledger) = tokio::try_join!(
            self.cases.case_report(session, from, to),
            self.cases.ledger_figures(session, from, to),
        )?;
        let lines: Vec<DepartmentLine> = ledger
            .departments
            .iter()
            .filter(|d| dept.is_none_or(|n| d.name == n || d.key == n))
            .map(|d| DepartmentLine {
                name: d.name.clone(),
                accepted: d.accepted,
                completed: d.completed,
                completion_rate: d.completion_rate,
                on_time_rate: d.on_time_rate,
                overdue: d.overdue,
            })
            .collect();
        let report = match dept {
            None => report,
            Some(n) => {
                let line = ledger.departments.iter().find(|d| d.name == n || d.key == n);
                let accepted = line.map_or(0, |d| d.accepted);
                let completed = line.map_or(0, |d| d.completed);
                let on_time = line.map_or(0, |d| d.on_time);
                crate::case::CaseReport {
                    from,
                    to,
                    accepted,
                    completed,
                    completion_rate: domain::case::completion_rate(accepted, completed),
                    on_time,
                    on_time_rate: domain::case::on_time_rate(completed, on_time),
                    overdue: line.map_or(0, |d| d.overdue),
                }
            }
        };
        Ok((report, lines))
    }

    /// The satisfaction report's figures, or its department group's.
    async fn evaluation_part(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        dept: Option<&Department>,
    ) -> AppResult<EvaluationFigures> {
        let by = dept.map(|_| Dimension::Department);
        let report = self.evaluations.satisfaction(session, from, to, by).await?;
        let figures = match dept {
            None => Some(report.figures),
            Some(d) => report
                .groups
                .unwrap_or_default()
                .into_iter()
                .find(|g| g.key == d.name || g.key == d.code)
                .map(|g| g.figures),
        };
        // A department nobody rated: nothing, every level at zero.
        let Some(figures) = figures else {
            return Ok(EvaluationFigures {
                total: 0,
                valid: 0,
                excluded: 0,
                by_level: Level::ALL
                    .into_iter()
                    .map(|l| LevelCount {
                        level: l.code(),
                        label: l.label(),
                        count: 0,
                    })
                    .collect(),
                bad: 0,
                satisfaction_rate: None,
                satisfaction_text: "—".into(),
            });
        };
        Ok(EvaluationFigures {
            total: figures.total,
            valid: figures.valid,
            excluded: figures.excluded,
            by_level: Level::ALL
                .into_iter()
                .map(|l| LevelCount {
                    level: l.code(),
                    label: l.label(),
                    count: figures.by_level.get(l.code()).copied().unwrap_or(0),
                })
                .collect(),
            bad: figures.bad,
            satisfaction_rate: figures.rate,
            satisfaction_text: figures.rate_text,
        })
    }

    /// The months the period touches, up to this month: the red flag and the
    /// departments' scores (one department's line when narrowed).
    async fn assessment_part(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        dept: Option<&str>,
    ) -> AppResult<Vec<AssessmentMonth>> {
        let last = to.min(self.today()).first_of_month();
        let mut month = from.first_of_month();
        let mut out = Vec::new();
        while month <= last {
            let text = month.strftime("%Y-%m").to_string();
            let (flag, list) = self.assessment.month_report(session, &text, dept).await?;
            out.push(AssessmentMonth {
                month: text,
                frozen: list.frozen,
                red_flag_window: flag.window,
                red_flag_name: flag.name,
                red_flag_score: flag.score,
                departments: list
                    .items
                    .into_iter()
                    .map(|a| AssessedLine {
                        subject: a.subject,
                        name: a.name,
                        score: a.score,
                        grade_label: a.grade_label,
                        rank: a.rank,
                        vetoed: a.vetoed,
                        veto_reasons: a.veto_reasons,
                    })
                    .collect(),
            });
            month = month.last_of_month().tomorrow().map_err(AppError::internal)?;
        }
        Ok(out)
    }
}

impl HallReportService {
    /// The summary as a workbook, one sheet per table.
    pub async fn summary_xlsx(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        department: Option<&str>,
    ) -> AppResult<(HallSummary, Vec<u8>)> {
        let r = self.summary(session, from, to, department).await?;
        let bytes = crate::hall_report_xlsx::workbook(&r)?;
        Ok((r, bytes))
    }

    /// The summary as an A4 PDF with the report font embedded (subsetted).
    pub async fn summary_pdf(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        department: Option<&str>,
    ) -> AppResult<(HallSummary, Vec<u8>)> {
        let r = self.summary(session, from, to, department).await?;
        let today = self.today();
        let made_on = format!("{}年{}月{}日", today.year(), today.month(), today.day());
        let r2 = r.clone();
        // Typesetting is CPU work: off the async threads.
        let bytes = tokio::task::spawn_blocking(move || crate::hall_report_pdf::pdf(&r2, &made_on))
            .await
            .map_err(AppError::internal)??;
        Ok((r, bytes))
    }
}
