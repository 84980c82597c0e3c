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
    /// The called tickets' waits: (whole seconds, how many tickets), by seconds.
    waits: Vec<(i64, u64)>,
    /// The finished tickets' service: (whole seconds, how many tickets), by seconds.
    services: Vec<(i64, u64)>,
}

impl Counted {
    /// The called tickets' waits: (whole seconds, how many tickets).
    pub(crate) fn waited(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        self.waits.iter().copied()
    }
}

/// The seconds as (seconds, how many), in order: a month's hundreds of
/// thousands of tickets become at most a few thousand pairs, so every row
/// and total after is quick.
fn tally(mut seconds: Vec<i64>) -> Vec<(i64, u64)> {
    seconds.sort_unstable();
    let mut out: Vec<(i64, u64)> = Vec::new();
    for s in seconds {
        match out.last_mut() {
            Some((last, n)) if *last == s => *n += 1,
            _ => out.push((s, 1)),
        }
    }
    out
}

/// The store's lines of a period added up per key of `by` (lines without
/// such a key — never called, so no window or staff member — are left out).
pub(crate) fn counted_by(lines: &[TicketSeconds], by: TicketKey) -> BTreeMap<String, Counted> {
    type Seconds = (BTreeMap<TicketStatus, usize>, Vec<i64>, Vec<i64>);
    let mut keys: BTreeMap<&str, Seconds> = BTreeMap::new();
    for line in lines {
        if let Some(key) = line.key(by) {
            let (taken, waits, services) = keys.entry(key).or_default();
            *taken.entry(line.status).or_default() += line.n.max(0) as usize;
            waits.extend_from_slice(&line.waits);
            services.extend_from_slice(&line.services);
        }
    }
    keys.into_iter()
        .map(|(key, (taken, waits, services))| {
            (
                key.to_owned(),
                Counted {
                    taken,
                    waits: tally(waits),
                    services: tally(services),
                },
            )
        })
        .collect()
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
        service: DurationSummary::of_counts(parts.iter().flat_map(|c| c.services.iter().copied())),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        status: TicketStatus,
        window: Option<&str>,
        category: &str,
        waits: &[i64],
        services: &[i64],
    ) -> TicketSeconds {
        TicketSeconds {
            status,
            window: window.map(str::to_owned),
            called_by: window.map(|w| format!("staff{w}")),
            category: category.into(),
            n: waits.len().max(1) as i64,
            waits: waits.to_vec(),
            services: services.to_vec(),
        }
    }

    #[test]
    fn the_lines_counted_per_key_give_the_tickets_figures() {
        let lines = [
            line(
                TicketStatus::Finished,
                Some("1"),
                "A",
                &[60, 30, 60],
                &[300, 120, 300],
            ),
            line(TicketStatus::Finished, Some("2"), "A", &[600, 0], &[60, 60]),
            line(TicketStatus::Skipped, Some("2"), "B", &[45], &[]),
            line(TicketStatus::Waiting, None, "B", &[], &[]),
        ];
        let by_category = counted_by(&lines, TicketKey::Category);
        let a = counted_row("category", "A", "A", &[&by_category["A"]]);
        assert_eq!((a.taken, a.served, a.skipped), (5, 5, 0));
        assert_eq!(
            a.wait,
            DurationSummary::of_counts([(0, 1), (30, 1), (60, 2), (600, 1)])
        );
        assert_eq!((a.wait.max_seconds, a.wait.p90_seconds), (600, 600));
        assert_eq!(a.service.average_seconds, 168.0);
        assert_eq!(by_category["A"].waits, vec![(0, 1), (30, 1), (60, 2), (600, 1)]);
        let b = counted_row("category", "B", "B", &[&by_category["B"]]);
        assert_eq!((b.taken, b.served, b.skipped, b.wait.count), (2, 0, 1, 1));
        // Never called: no window, so not in the windows' counts.
        let by_window = counted_by(&lines, TicketKey::Window);
        assert_eq!(by_window.keys().collect::<Vec<_>>(), ["1", "2"]);
        let all: Vec<&Counted> = by_category.values().collect();
        let total = counted_row("total", "", "合计", &all);
        assert_eq!((total.taken, total.wait.count, total.service.count), (7, 6, 5));
    }
}
