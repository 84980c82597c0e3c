//! Daily queue report (排队日报): waiting and service times per category,
//! window and staff member, on screen and as an XLSX workbook.

use crate::{AppError, AppResult};
use domain::queue::DurationSummary;
use jiff::civil::Date;
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use std::collections::BTreeMap;
use store::queue::{Ticket, TicketStatus};

#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    /// category, window or staff.
    pub group: String,
    pub key: String,
    pub label: String,
    pub taken: usize,
    pub served: usize,
    pub skipped: usize,
    /// From taking the ticket to being called.
    pub wait: DurationSummary,
    /// From being called to finishing.
    pub service: DurationSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueReport {
    /// The first day (the day, for a daily report).
    pub date: Date,
    pub from: Date,
    pub to: Date,
    pub total: ReportRow,
    pub rows: Vec<ReportRow>,
}

/// The longest period one report reads (a year and a day).
pub const MAX_REPORT_DAYS: i32 = 366;

pub(crate) fn row(group: &str, key: &str, label: &str, tickets: &[&Ticket]) -> ReportRow {
    let wait = tickets
        .iter()
        .filter_map(|t| t.called_at.map(|c| c.duration_since(t.taken_at).as_secs()))
        .collect();
    let service = tickets
        .iter()
        .filter(|t| t.status == TicketStatus::Finished)
        .filter_map(|t| Some(t.finished_at?.duration_since(t.called_at?).as_secs()))
        .collect();
    ReportRow {
        group: group.into(),
        key: key.into(),
        label: label.into(),
        taken: tickets.len(),
        served: tickets
            .iter()
            .filter(|t| t.status == TicketStatus::Finished)
            .count(),
        skipped: tickets
            .iter()
            .filter(|t| t.status == TicketStatus::Skipped)
            .count(),
        wait: DurationSummary::of(wait),
        service: DurationSummary::of(service),
    }
}

impl crate::queue::QueueService {
    /// One day's report (排队日报).
    pub async fn queue_report(&self, date: Date) -> AppResult<QueueReport> {
        self.queue_report_range(date, date).await
    }

    /// The tickets of the business days `from..=to`.
    pub(crate) async fn tickets_between(&self, from: Date, to: Date) -> AppResult<Vec<Ticket>> {
        if to < from {
            return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
        }
        if from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) > MAX_REPORT_DAYS {
            return Err(AppError::invalid("to", "一次最多统计一年"));
        }
        let mut tickets = Vec::new();
        let mut day = from;
        while day <= to {
            tickets.extend(self.store.tickets_of_day(day).await?);
            day = day.tomorrow().map_err(AppError::internal)?;
        }
        Ok(tickets)
    }

    /// The report of a period (a month, a quarter…): the same rows, summed over its days.
    #[tracing::instrument(skip_all)]
    pub async fn queue_report_range(&self, from: Date, to: Date) -> AppResult<QueueReport> {
        let tickets = self.tickets_between(from, to).await?;
        let all: Vec<&Ticket> = tickets.iter().collect();
        let mut rows = Vec::new();
        for c in self.store.categories().await? {
            let mine: Vec<&Ticket> = tickets.iter().filter(|t| t.category == c.prefix).collect();
            rows.push(row(
                "category",
                &c.prefix,
                &format!("{} {}", c.prefix, c.name),
                &mine,
            ));
        }
        for w in self.store.windows().await? {
            let mine: Vec<&Ticket> = tickets
                .iter()
                .filter(|t| t.window.as_deref() == Some(w.number.as_str()))
                .collect();
            rows.push(row("window", &w.number, &w.name, &mine));
        }
        let mut by_staff: BTreeMap<&str, Vec<&Ticket>> = BTreeMap::new();
        for t in &tickets {
            if let Some(who) = t.called_by.as_deref() {
                by_staff.entry(who).or_default().push(t);
            }
        }
        for (who, mine) in by_staff {
            let name = self.staff_name(who).await?;
            rows.push(row("staff", who, &name, &mine));
        }
        Ok(QueueReport {
            date: from,
            from,
            to,
            total: row("total", "", if from == to { "全天合计" } else { "合计" }, &all),
            rows,
        })
    }

    /// A day's report as an XLSX workbook (one sheet, one row per group).
    pub async fn queue_report_xlsx(&self, date: Date) -> AppResult<Vec<u8>> {
        self.queue_report_range_xlsx(date, date).await
    }

    /// A period's report as an XLSX workbook.
    pub async fn queue_report_range_xlsx(&self, from: Date, to: Date) -> AppResult<Vec<u8>> {
        let report = self.queue_report_range(from, to).await?;
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let title = if from == to {
            "排队日报"
        } else {
            "排队统计"
        };
        sheet.set_name(title).map_err(AppError::internal)?;
        let bold = Format::new().set_bold();
        let headers = [
            "分组",
            "名称",
            "取号",
            "办结",
            "过号",
            "平均等候(分)",
            "P90等候(分)",
            "最长等候(分)",
            "平均办理(分)",
            "P90办理(分)",
            "最长办理(分)",
        ];
        sheet
            .write_string(
                0,
                0,
                if from == to {
                    format!("{from} {title}")
                } else {
                    format!("{from} 至 {to} {title}")
                },
            )
            .map_err(AppError::internal)?;
        for (c, h) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(1, c as u16, *h, &bold)
                .map_err(AppError::internal)?;
        }
        let minutes = |s: f64| (s / 60.0 * 10.0).round() / 10.0;
        for (i, r) in std::iter::once(&report.total)
            .chain(report.rows.iter())
            .enumerate()
        {
            let line = (i + 2) as u32;
            let group = match r.group.as_str() {
                "category" => "业务类别",
                "window" => "窗口",
                "staff" => "工作人员",
                _ => "合计",
            };
            let cells: [f64; 9] = [
                r.taken as f64,
                r.served as f64,
                r.skipped as f64,
                minutes(r.wait.average_seconds),
                minutes(r.wait.p90_seconds as f64),
                minutes(r.wait.max_seconds as f64),
                minutes(r.service.average_seconds),
                minutes(r.service.p90_seconds as f64),
                minutes(r.service.max_seconds as f64),
            ];
            sheet.write_string(line, 0, group).map_err(AppError::internal)?;
            sheet
                .write_string(line, 1, &r.label)
                .map_err(AppError::internal)?;
            for (c, v) in cells.iter().enumerate() {
                sheet
                    .write_number(line, (c + 2) as u16, *v)
                    .map_err(AppError::internal)?;
            }
        }
        sheet.set_column_width(1, 20).map_err(AppError::internal)?;
        book.save_to_buffer().map_err(AppError::internal)
    }
}
