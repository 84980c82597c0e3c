//! Daily queue report (排队日报): waiting and service times per category,
//! window and staff member, on screen and as an XLSX workbook.

use crate::{AppError, AppResult};
use domain::queue::DurationSummary;
use jiff::civil::Date;
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use std::collections::BTreeMap;
use store::queue::{Ticket, TicketKey, TicketSeconds, TicketStatus};

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

/// A period one report may read: `from..=to`, at most a year and a day.
fn check_period(from: Date, to: Date) -> AppResult<()> {
    if to < from {
        return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
    }
    if from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) > MAX_REPORT_DAYS {
        return Err(AppError::invalid("to", "一次最多统计一年"));
    }
    Ok(())
}

// issue 18: the queue report aggregated in SQL
/// One key's tickets as the store counted them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counted {
    /// Every ticket once, per status.
    taken: BTreeMap<TicketStatus, usize>,
    /// The called tickets' whole seconds waited, one per ticket.
    waits: Vec<i64>,
    /// The finished tickets' whole seconds of service, one per ticket.
    services: Vec<i64>,
}

impl Counted {
    /// The called tickets' waits: (whole seconds, how many tickets).
    pub(crate) fn waited(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        self.waits.iter().map(|s| (*s, 1))
    }

    fn add(&mut self, line: &TicketSeconds) {
        *self.taken.entry(line.status).or_default() += line.n.max(0) as usize;
        self.waits.extend_from_slice(&line.waits);
        self.services.extend_from_slice(&line.services);
    }
}

/// The store's lines of a period added up per key of `by` (lines without
/// such a key — never called, so no window or staff member — are left out).
pub(crate) fn counted_by(lines: &[TicketSeconds], by: TicketKey) -> BTreeMap<String, Counted> {
    let mut out: BTreeMap<String, Counted> = BTreeMap::new();
    for line in lines {
        if let Some(key) = line.key(by) {
            out.entry(key.to_owned()).or_default().add(line);
        }
    }
    out
}

/// A report row over the tickets of `parts` (one key's, or several keys'
/// together for a total): the same figures as [`row`] over those tickets.
pub(crate) fn counted_row(group: &str, key: &str, label: &str, parts: &[&Counted]) -> ReportRow {
    let of_status = |s: TicketStatus| parts.iter().filter_map(|c| c.taken.get(&s)).sum();
    ReportRow {
        group: group.into(),
        key: key.into(),
        label: label.into(),
        taken: parts.iter().flat_map(|c| c.taken.values()).sum(),
        served: of_status(TicketStatus::Finished),
        skipped: of_status(TicketStatus::Skipped),
        wait: DurationSummary::of_counts(parts.iter().flat_map(|c| c.waited())),
        service: DurationSummary::of_counts(parts.iter().flat_map(|c| c.services.iter().map(|s| (*s, 1)))),
    }
}

impl crate::queue::QueueService {
    /// One day's report (排队日报).
    pub async fn queue_report(&self, date: Date) -> AppResult<QueueReport> {
        self.queue_report_range(date, date).await
    }

    /// The tickets of the business days `from..=to`.
    pub(crate) async fn tickets_between(&self, from: Date, to: Date) -> AppResult<Vec<Ticket>> {
        check_period(from, to)?;
        let mut tickets = Vec::new();
        let mut day = from;
        while day <= to {
            tickets.extend(self.store.tickets_of_day(day).await?);
            day = day.tomorrow().map_err(AppError::internal)?;
        }
        Ok(tickets)
    }

    /// The report of a period (a month, a quarter…): the same rows, summed
    /// over its days. Counted in SQL (issue 18): per category, window and
    /// staff member, the tickets per status and whole second waited and
    /// served, so no ticket is loaded; the percentiles stay exact (the
    /// nearest rank over whole seconds, as [`DurationSummary::of`]).
    #[tracing::instrument(skip_all)]
    pub async fn queue_report_range(&self, from: Date, to: Date) -> AppResult<QueueReport> {
        check_period(from, to)?;
        let (lines, categories, windows) = tokio::try_join!(
            async { Ok::<_, AppError>(self.store.ticket_seconds(from, to).await?) },
            async { Ok(self.store.categories().await?) },
            async { Ok(self.store.windows().await?) },
        )?;
        let by_category = counted_by(&lines, TicketKey::Category);
        let by_window = counted_by(&lines, TicketKey::Window);
        let by_staff = counted_by(&lines, TicketKey::Staff);
        let none = Counted::default();
        let mut rows = Vec::new();
        for c in categories {
            let mine = by_category.get(&c.prefix).unwrap_or(&none);
            rows.push(counted_row(
                "category",
                &c.prefix,
                &format!("{} {}", c.prefix, c.name),
                &[mine],
            ));
        }
        for w in windows {
            let mine = by_window.get(&w.number).unwrap_or(&none);
            rows.push(counted_row("window", &w.number, &w.name, &[mine]));
        }
        for (who, mine) in &by_staff {
            let name = self.staff_name(who).await?;
            rows.push(counted_row("staff", who, &name, &[mine]));
        }
        let all: Vec<&Counted> = by_category.values().collect();
        Ok(QueueReport {
            date: from,
            from,
            to,
            total: counted_row("total", "", if from == to { "全天合计" } else { "合计" }, &all),
            rows,
        })
    }

    // issue 18: the queue report aggregated in SQL
    /// The tickets of `from..=to` counted per key of `by` (what every row of
    /// [`Self::queue_report_range`] is made from; the hall's summary reads the
    /// categories' counts through the same [`counted_row`]).
    pub(crate) async fn counted(
        &self,
        from: Date,
        to: Date,
        by: TicketKey,
    ) -> AppResult<BTreeMap<String, Counted>> {
        check_period(from, to)?;
        let lines = self.store.ticket_seconds(from, to).await?;
        Ok(counted_by(&lines, by))
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
