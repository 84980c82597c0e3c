//! The director's monthly figures (月度统计): per month, tickets taken and
//! served, average and 90th-percentile waits, cases accepted and completed,
//! 办结率 and 按期办结率; for the whole period, the same per department
//! (cases) and per window (queue). Read from the records, never copied.

use crate::auth::{Session, require};
use crate::case_ledger::FiguresLine;
use crate::queue_report::ReportRow;
use crate::{AppError, AppResult};
use domain::permission::Permission;
use jiff::civil::Date;
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;

/// One month's line.
#[derive(Debug, Clone, Serialize)]
pub struct MonthLine {
    /// 2026-11.
    pub month: String,
    pub from: Date,
    pub to: Date,
    pub tickets_taken: usize,
    pub tickets_served: usize,
    /// Minutes from taking a ticket to its call (one decimal).
    pub wait_average_minutes: f64,
    pub wait_p90_minutes: f64,
    pub cases_accepted: u64,
    pub cases_completed: u64,
    /// 办结率.
    pub completion_rate: Option<f64>,
    /// 按期办结率.
    pub on_time_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthlyReport {
    pub from: Date,
    pub to: Date,
    pub months: Vec<MonthLine>,
    /// The whole period in one line.
    pub total: MonthLine,
    pub departments: Vec<FiguresLine>,
    pub windows: Vec<ReportRow>,
}

/// Reads "2026-11" as that month's first day.
pub fn parse_month(field: &str, text: &str) -> AppResult<Date> {
    let text = text.trim();
    let (y, m) = text
        .split_once('-')
        .ok_or_else(|| AppError::invalid(field, format!("“{text}”应写成 2026-11")))?;
    let (Ok(y), Ok(m)) = (y.parse::<i16>(), m.parse::<i8>()) else {
        return Err(AppError::invalid(field, format!("“{text}”应写成 2026-11")));
    };
    Date::new(y, m, 1).map_err(|_| AppError::invalid(field, format!("“{text}”不是有效的月份")))
}

fn minutes(seconds: f64) -> f64 {
    (seconds / 60.0 * 10.0).round() / 10.0
}

impl crate::App {
    /// The months `from_month..=to_month` (at most 12), each and together.
    #[tracing::instrument(skip_all)]
    pub async fn monthly_report(
        &self,
        session: &Session,
        from_month: Date,
        to_month: Date,
    ) -> AppResult<MonthlyReport> {
        require(session, Permission::ReportsRead)?;
        if to_month < from_month {
            return Err(AppError::invalid("to", "结束月份不能早于开始月份"));
        }
        let mut months = Vec::new();
        let mut first = from_month.first_of_month();
        while first <= to_month.first_of_month() {
            if months.len() == 12 {
                return Err(AppError::invalid("to", "一次最多统计12个月"));
            }
            let last = first.last_of_month();
            months.push(
                self.month_line(session, first, last, first.strftime("%Y-%m").to_string())
                    .await?,
            );
            first = last.tomorrow().map_err(AppError::internal)?;
        }
        let (from, to) = (from_month.first_of_month(), to_month.last_of_month());
        let total = self.month_line(session, from, to, "合计".into()).await?;
        let departments = self.cases.ledger_figures(session, from, to).await?.departments;
        let windows = self
            .queue
            .queue_report_range(from, to)
            .await?
            .rows
            .into_iter()
            .filter(|r| r.group == "window")
            .collect();
        Ok(MonthlyReport {
            from,
            to,
            months,
            total,
            departments,
            windows,
        })
    }

    async fn month_line(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        month: String,
    ) -> AppResult<MonthLine> {
        let queue = self.queue.queue_report_range(from, to).await?.total;
        let cases = self.cases.case_report(session, from, to).await?;
        Ok(MonthLine {
            month,
            from,
            to,
            tickets_taken: queue.taken,
            tickets_served: queue.served,
            wait_average_minutes: minutes(queue.wait.average_seconds),
            wait_p90_minutes: minutes(queue.wait.p90_seconds as f64),
            cases_accepted: cases.accepted,
            cases_completed: cases.completed,
            completion_rate: cases.completion_rate,
            on_time_rate: cases.on_time_rate,
        })
    }

    /// The report as a workbook: one sheet per table.
    pub async fn monthly_report_xlsx(&self, session: &Session, from: Date, to: Date) -> AppResult<Vec<u8>> {
        let r = self.monthly_report(session, from, to).await?;
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let pct = |v: Option<f64>| v.map(|x| (x * 1000.0).round() / 10.0);
        let sheet = book.add_worksheet();
        sheet.set_name("月度统计").map_err(AppError::internal)?;
        let head = [
            "月份",
            "取号",
            "已办",
            "平均等候(分)",
            "P90等候(分)",
            "受理办件",
            "办结",
            "办结率(%)",
            "按期办结率(%)",
        ];
        for (c, h) in head.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(AppError::internal)?;
        }
        for (i, m) in r.months.iter().chain(std::iter::once(&r.total)).enumerate() {
            let line = (i + 1) as u32;
            sheet
                .write_string(line, 0, &m.month)
                .map_err(AppError::internal)?;
            let cells = [
                Some(m.tickets_taken as f64),
                Some(m.tickets_served as f64),
                Some(m.wait_average_minutes),
                Some(m.wait_p90_minutes),
                Some(m.cases_accepted as f64),
                Some(m.cases_completed as f64),
                pct(m.completion_rate),
                pct(m.on_time_rate),
            ];
            for (c, v) in cells.iter().enumerate() {
                if let Some(v) = v {
                    sheet
                        .write_number(line, (c + 1) as u16, *v)
                        .map_err(AppError::internal)?;
                }
            }
        }
        let sheet = book.add_worksheet();
        sheet.set_name("按部门").map_err(AppError::internal)?;
        for (c, h) in ["部门", "受理", "办结", "办结率(%)", "按期办结率(%)", "超期"]
            .iter()
            .enumerate()
        {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(AppError::internal)?;
        }
        for (i, d) in r.departments.iter().enumerate() {
            let line = (i + 1) as u32;
            sheet.write_string(line, 0, &d.name).map_err(AppError::internal)?;
            let cells = [
                Some(d.accepted as f64),
                Some(d.completed as f64),
                pct(d.completion_rate),
                pct(d.on_time_rate),
                Some(d.overdue as f64),
            ];
            for (c, v) in cells.iter().enumerate() {
                if let Some(v) = v {
                    sheet
                        .write_number(line, (c + 1) as u16, *v)
                        .map_err(AppError::internal)?;
                }
            }
        }
        let sheet = book.add_worksheet();
        sheet.set_name("按窗口").map_err(AppError::internal)?;
        for (c, h) in [
            "窗口",
            "取号",
            "已办",
            "过号",
            "平均等候(分)",
            "P90等候(分)",
            "平均办理(分)",
        ]
        .iter()
        .enumerate()
        {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(AppError::internal)?;
        }
        for (i, w) in r.windows.iter().enumerate() {
            let line = (i + 1) as u32;
            sheet
                .write_string(line, 0, &w.label)
                .map_err(AppError::internal)?;
            let cells = [
                w.taken as f64,
                w.served as f64,
                w.skipped as f64,
                minutes(w.wait.average_seconds),
                minutes(w.wait.p90_seconds as f64),
                minutes(w.service.average_seconds),
            ];
            for (c, v) in cells.iter().enumerate() {
                sheet
                    .write_number(line, (c + 1) as u16, *v)
                    .map_err(AppError::internal)?;
            }
        }
        book.save_to_buffer().map_err(AppError::internal)
    }
}
