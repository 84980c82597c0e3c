//! The working-day calendar (工作日历) as the hall uses it: the built-in
//! official years overlaid with what the administrator imported. Running
//! servers pick up an import (even one made from the command line) on the
//! next request, by comparing the stored revision.

use crate::{Actor, App, AppError, AppResult};
use domain::WorkCalendar;
use domain::calendar::{CalendarDay, parse_tsv};
use jiff::civil::Date;
use std::sync::{Arc, RwLock};

#[derive(Default)]
pub struct CalendarCache {
    current: RwLock<Option<(i64, Arc<WorkCalendar>)>>,
}

impl App {
    /// The calendar in force now.
    pub async fn calendar(&self) -> AppResult<Arc<WorkCalendar>> {
        let revision = self.store.calendar_revision().await?;
        if let Ok(guard) = self.calendar_cache.current.read()
            && let Some((rev, cal)) = guard.as_ref()
            && *rev == revision
        {
            return Ok(cal.clone());
        }
        let mut cal = WorkCalendar::builtin();
        let imported = self.store.calendar_days().await?;
        // Stored days were whole years when imported; a failure here means a damaged table.
        cal.insert_days(&imported)?;
        let cal = Arc::new(cal);
        if let Ok(mut guard) = self.calendar_cache.current.write() {
            *guard = Some((revision, cal.clone()));
        }
        Ok(cal)
    }

    /// The deadline of `days` working days counted from `from` (受理当日不计).
    pub async fn deadline(&self, from: Date, days: u32) -> AppResult<Date> {
        Ok(self.calendar().await?.deadline(from, days)?)
    }

    pub async fn calendar_days(&self, from: Date, to: Date) -> AppResult<Vec<CalendarDay>> {
        if to < from {
            return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
        }
        if from.until(to).map(|s| s.get_days()).unwrap_or(0) > 3660 {
            return Err(AppError::invalid("to", "一次最多查询十年"));
        }
        Ok(self.calendar().await?.days(from, to)?)
    }

    /// Loads whole years from the official TSV format. A partial year, a bad
    /// line or an unknown flag refuses the whole file.
    pub async fn import_calendar(&self, actor: &Actor, tsv: &str) -> AppResult<Vec<i16>> {
        let days = parse_tsv(tsv)?;
        let mut check = WorkCalendar::default();
        let years = check.insert_days(&days)?;
        self.store
            .import_calendar_days(&days, &actor.username, jiff::Timestamp::now())
            .await?;
        let list = years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join("、");
        self.audit(actor, "calendar.import", &list, &format!("导入{}天", days.len()))
            .await?;
        Ok(years)
    }
}
