//! The working-day calendar (工作日历) as the hall uses it: the built-in
//! official years overlaid with what the administrator imported. Running
//! servers pick up an import (even one made from the command line) on the
//! next request, by comparing the stored revision.

use crate::{Actor, AppError, AppResult};
use domain::WorkCalendar;
use domain::calendar::{CalendarDay, Deadline, parse_tsv};
use jiff::civil::Date;
use std::sync::{Arc, RwLock};

/// What an import did: the years loaded and the provisional deadlines recomputed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CalendarImport {
    pub years: Vec<i16>,
    pub recomputed: crate::case_recompute::Recomputation,
}

/// The calendar built for a revision of the imported years and a current year
/// (provisional years are counted from it).
#[derive(Default)]
pub struct CalendarCache {
    current: RwLock<Option<(i64, i16, Arc<WorkCalendar>)>>,
}

impl crate::Hall {
    /// The calendar in force now: the official years (built in and imported)
    /// and provisional years up to two years past the current one.
    #[tracing::instrument(skip_all)]
    pub async fn calendar(&self) -> AppResult<Arc<WorkCalendar>> {
        let revision = self.calendar_store.calendar_revision().await?;
        let year = self.today().year();
        if let Ok(guard) = self.calendar_cache.current.read()
            && let Some((rev, y, cal)) = guard.as_ref()
            && *rev == revision
            && *y == year
        {
            return Ok(cal.clone());
        }
        let mut cal = WorkCalendar::builtin();
        let imported = self.calendar_store.calendar_days().await?;
        // Stored days were whole years when imported; a failure here means a damaged table.
        cal.insert_days(&imported)?;
        let cal = Arc::new(cal.with_provisional(year));
        if let Ok(mut guard) = self.calendar_cache.current.write() {
            *guard = Some((revision, year, cal.clone()));
        }
        Ok(cal)
    }

    /// The deadline of `days` working days counted from `from` (受理当日不计),
    /// marked provisional when it counts a day of a provisional year.
    #[tracing::instrument(skip_all)]
    pub async fn deadline(&self, from: Date, days: u32) -> AppResult<Deadline> {
        Ok(self.calendar().await?.deadline_of(from, days)?)
    }

    /// The first official year missing from the calendar, when it is worth a
    /// warning: from 1 October the next year's schedule is due (usually
    /// published in October–November).
    #[tracing::instrument(skip_all)]
    pub async fn missing_next_year(&self) -> AppResult<Option<i16>> {
        let today = self.today();
        let cal = self.calendar().await?;
        let next = today.year() + 1;
        if !cal.is_provisional_year(today.year()) && today.month() < 10 {
            return Ok(None);
        }
        Ok([today.year(), next]
            .into_iter()
            .find(|y| cal.is_provisional_year(*y)))
    }

    #[tracing::instrument(skip_all)]
    pub async fn calendar_days(&self, from: Date, to: Date) -> AppResult<Vec<CalendarDay>> {
        if to < from {
            return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
        }
        if from.until(to).map(|s| s.get_days()).unwrap_or(0) > 3660 {
            return Err(AppError::invalid("to", "一次最多查询十年"));
        }
        Ok(self.calendar().await?.days(from, to)?)
    }
}

impl crate::App {
    /// Loads whole years from the official TSV format. A partial year, a bad
    /// line or an unknown flag refuses the whole file. Open cases whose
    /// deadline was provisional are recomputed at once.
    #[tracing::instrument(skip_all)]
    pub async fn import_calendar(&self, actor: &Actor, tsv: &str) -> AppResult<CalendarImport> {
        let days = parse_tsv(tsv)?;
        let mut check = WorkCalendar::default();
        let years = check.insert_days(&days)?;
        self.hall
            .calendar_store
            .import_calendar_days(&days, &actor.username, self.now())
            .await?;
        let list = years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join("、");
        self.audit(actor, "calendar.import", &list, &format!("导入{}天", days.len()))
            .await?;
        let recomputed = self.cases.recompute_provisional_deadlines(actor, &years).await?;
        Ok(CalendarImport { years, recomputed })
    }
}
