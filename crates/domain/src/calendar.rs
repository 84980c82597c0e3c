//! Working-day calendar (工作日历) and deadlines (办理时限).
//!
//! Years the State Council has published are **official**. A year it has not
//! yet published (usually until October–November of the year before) is
//! **provisional** (暂定): weekends and the statutory holidays of
//! [`crate::statutory`] are rest days, with no make-up days. Provisional years
//! reach two years past the current one; beyond that, and before the first
//! official year, a date is an error naming the missing year. A deadline that
//! counts a provisional day says so ([`Deadline::provisional`]).

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// The official schedules for 2020–2026, shipped with govhall.
pub const BUILTIN_TSV: &str = include_str!("../data/workdays-2020-2026.tsv");

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    #[error(
        "工作日历没有{0}年的数据：尚未导入该年度的节假日安排，且超出暂定日历的范围（至多到次年后一年），请管理员导入"
    )]
    MissingYear(i16),
    #[error("第{line}行：{reason}")]
    Tsv { line: usize, reason: String },
    #[error("{year}年数据不完整：应有{expected}天，文件中只有{found}天（须导入整年）")]
    PartialYear {
        year: i16,
        expected: usize,
        found: usize,
    },
    #[error("时限天数超出范围（0至3650）")]
    DaysOutOfRange,
}

/// One day of the calendar: `true` = working day (含调休上班日).
pub type CalendarDay = (Date, bool);

/// How many years past the current one a provisional calendar reaches.
pub const PROVISIONAL_YEARS_AHEAD: i16 = 2;

/// A deadline (办理期限) and whether it counted a day of a provisional year
/// (暂定: recomputed when the official schedule is imported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub date: Date,
    pub provisional: bool,
}

/// A set of whole years of working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Per year, one flag per day of the year (index = day of year - 1).
    years: BTreeMap<i16, Vec<bool>>,
    /// Years filled from the statutory holidays, not from an official schedule.
    provisional: BTreeSet<i16>,
}

impl WorkCalendar {
    /// The built-in official calendar.
    pub fn builtin() -> WorkCalendar {
        let mut cal = WorkCalendar::default();
        // The shipped file is checked by a test; an error here would be a build defect.
        if let Ok(days) = parse_tsv(BUILTIN_TSV) {
            let _ = cal.insert_days(&days);
        }
        cal
    }

    /// Adds or replaces whole years. Every year present in `days` must be complete.
    pub fn insert_days(&mut self, days: &[CalendarDay]) -> Result<Vec<i16>, CalendarError> {
        let mut by_year: BTreeMap<i16, Vec<Option<bool>>> = BTreeMap::new();
        for (d, w) in days {
            let len = days_in_year(d.year());
            let slot = by_year.entry(d.year()).or_insert_with(|| vec![None; len]);
            slot[(d.day_of_year() - 1) as usize] = Some(*w);
        }
        let mut complete = BTreeMap::new();
        for (year, flags) in by_year {
            let found = flags.iter().filter(|f| f.is_some()).count();
            if found != flags.len() {
                return Err(CalendarError::PartialYear {
                    year,
                    expected: flags.len(),
                    found,
                });
            }
            complete.insert(year, flags.into_iter().map(|f| f.unwrap_or(false)).collect());
        }
        let years: Vec<i16> = complete.keys().copied().collect();
        for y in &years {
            self.provisional.remove(y);
        }
        self.years.extend(complete);
        Ok(years)
    }

    /// Fills the years from `current_year` to two years past it that have no
    /// official schedule with provisional ones (weekends and statutory holidays).
    pub fn with_provisional(mut self, current_year: i16) -> WorkCalendar {
        for year in current_year..=current_year.saturating_add(PROVISIONAL_YEARS_AHEAD) {
            if self.years.contains_key(&year) {
                continue;
            }
            let Ok(days) = crate::statutory::provisional_year(year) else {
                continue;
            };
            self.years
                .insert(year, days.into_iter().map(|(_, w)| w).collect());
            self.provisional.insert(year);
        }
        self
    }

    /// Every year known, official or provisional.
    pub fn years(&self) -> Vec<i16> {
        self.years.keys().copied().collect()
    }

    /// Years with the State Council's schedule (built in or imported).
    pub fn official_years(&self) -> Vec<i16> {
        self.years
            .keys()
            .copied()
            .filter(|y| !self.provisional.contains(y))
            .collect()
    }

    pub fn is_provisional_year(&self, year: i16) -> bool {
        self.provisional.contains(&year)
    }

    /// Whether a deadline counted from `from` to `to` counts a day of a
    /// provisional year (the days after `from` up to and including `to`).
    pub fn counts_provisional(&self, from: Date, to: Date) -> bool {
        if to <= from {
            return false;
        }
        let first = from.tomorrow().map(|d| d.year()).unwrap_or(to.year());
        (first..=to.year()).any(|y| self.provisional.contains(&y))
    }

    /// [`WorkCalendar::deadline`] with whether it is provisional.
    pub fn deadline_of(&self, from: Date, days: u32) -> Result<Deadline, CalendarError> {
        let date = self.deadline(from, days)?;
        Ok(Deadline {
            date,
            provisional: self.counts_provisional(from, date),
        })
    }

    pub fn has_year(&self, year: i16) -> bool {
        self.years.contains_key(&year)
    }

    pub fn is_workday(&self, date: Date) -> Result<bool, CalendarError> {
        self.years
            .get(&date.year())
            .and_then(|flags| flags.get((date.day_of_year() - 1) as usize).copied())
            .ok_or(CalendarError::MissingYear(date.year()))
    }

    /// All days from `from` to `to` inclusive.
    pub fn days(&self, from: Date, to: Date) -> Result<Vec<CalendarDay>, CalendarError> {
        let mut out = Vec::new();
        let mut d = from;
        while d <= to {
            out.push((d, self.is_workday(d)?));
            d = next_day(d, d.year())?;
        }
        Ok(out)
    }

    /// The deadline of a time limit of `days` working days accepted on `from`
    /// (行政许可法 第42条 practice): the acceptance day is not counted, day 1 is
    /// the first working day after it, the deadline is the `days`-th working day.
    /// A limit of 0 (即办件) is due on the acceptance day itself.
    pub fn deadline(&self, from: Date, days: u32) -> Result<Date, CalendarError> {
        if days > 3650 {
            return Err(CalendarError::DaysOutOfRange);
        }
        // The acceptance day must itself be in a known year.
        self.is_workday(from)?;
        let mut d = from;
        let mut left = days;
        while left > 0 {
            d = next_day(d, d.year())?;
            if self.is_workday(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days strictly after `from` up to and including `to` (0 when `to <= from`).
    pub fn workdays_between(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = next_day(d, d.year())?;
            if self.is_workday(d)? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// The official years as TSV lines, in the official file's format.
    pub fn to_tsv(&self) -> String {
        let mut out = String::new();
        for (year, flags) in self.years.iter().filter(|(y, _)| !self.provisional.contains(y)) {
            for (i, w) in flags.iter().enumerate() {
                if let Ok(d) = Date::new(*year, 1, 1).and_then(|d| d.checked_add((i as i64).days())) {
                    out.push_str(&format!("{d}\t{}\n", u8::from(*w)));
                }
            }
        }
        out
    }
}

fn next_day(d: Date, year: i16) -> Result<Date, CalendarError> {
    d.tomorrow().map_err(|_| CalendarError::MissingYear(year + 1))
}

fn days_in_year(year: i16) -> usize {
    if Date::new(year, 12, 31).map(|d| d.day_of_year()).ok() == Some(366) {
        366
    } else {
        365
    }
}

/// The default a new year would have without a schedule: weekends off.
/// Used only to pre-fill the administrator's editor, never for deadlines.
pub fn weekend_template(year: i16) -> Vec<CalendarDay> {
    let mut out = Vec::new();
    let Ok(mut d) = Date::new(year, 1, 1) else {
        return out;
    };
    while d.year() == year {
        let w = !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
        out.push((d, w));
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

/// Parses the official format: `YYYY-MM-DD<TAB>1|0`, one line a day, no header.
/// Blank lines and lines starting with `#` are skipped.
pub fn parse_tsv(text: &str) -> Result<Vec<CalendarDay>, CalendarError> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Files saved by Notepad or Excel on Windows start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r').trim();
        let lineno = i + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split(['\t', ' ', ',']).filter(|p| !p.is_empty());
        let (Some(ds), Some(flag), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CalendarError::Tsv {
                line: lineno,
                reason: "格式应为“日期<TAB>1或0”".into(),
            });
        };
        let date: Date = ds.parse().map_err(|_| CalendarError::Tsv {
            line: lineno,
            reason: format!("日期“{ds}”无效，应为YYYY-MM-DD"),
        })?;
        let w = match flag {
            "1" => true,
            "0" => false,
            _ => {
                return Err(CalendarError::Tsv {
                    line: lineno,
                    reason: format!("标记“{flag}”无效，应为1（工作日）或0（休息日）"),
                });
            }
        };
        if !seen.insert(date) {
            return Err(CalendarError::Tsv {
                line: lineno,
                reason: format!("日期{date}重复"),
            });
        }
        out.push((date, w));
    }
    if out.is_empty() {
        return Err(CalendarError::Tsv {
            line: 0,
            reason: "文件中没有任何日期".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn builtin_agrees_with_official_file() {
        let cal = WorkCalendar::builtin();
        assert_eq!(cal.years(), (2020..=2026).collect::<Vec<_>>());
        let reference = parse_tsv(BUILTIN_TSV).unwrap_or_default();
        assert_eq!(reference.len(), 2557);
        for (d, w) in reference {
            assert_eq!(cal.is_workday(d), Ok(w), "{d}");
        }
        assert_eq!(cal.to_tsv(), BUILTIN_TSV);
    }

    #[test]
    fn make_up_days_and_holidays() {
        let cal = WorkCalendar::builtin();
        // 2026-10-01 National Day: rest. 2020-01-19 (Sunday) was a make-up working day.
        assert_eq!(cal.is_workday(date(2026, 10, 1)), Ok(false));
        assert_eq!(cal.is_workday(date(2020, 1, 19)), Ok(true));
    }

    #[test]
    fn acceptance_day_not_counted() {
        let cal = WorkCalendar::builtin();
        // Monday 2026-11-23 + 1 working day = Tuesday.
        assert_eq!(cal.deadline(date(2026, 11, 23), 1), Ok(date(2026, 11, 24)));
        // Friday 2026-11-20 + 1 = Monday 2026-11-23.
        assert_eq!(cal.deadline(date(2026, 11, 20), 1), Ok(date(2026, 11, 23)));
        assert_eq!(cal.deadline(date(2026, 11, 20), 0), Ok(date(2026, 11, 20)));
        // Accepted on a rest day: day 1 is still the next working day.
        assert_eq!(cal.deadline(date(2026, 11, 22), 1), Ok(date(2026, 11, 23)));
    }

    #[test]
    fn missing_year_is_named() {
        let cal = WorkCalendar::builtin();
        assert_eq!(
            cal.deadline(date(2026, 12, 28), 10),
            Err(CalendarError::MissingYear(2027))
        );
        assert_eq!(
            cal.deadline(date(2019, 12, 28), 1),
            Err(CalendarError::MissingYear(2019))
        );
        let msg = CalendarError::MissingYear(2027).to_string();
        assert!(msg.contains("2027"));
    }

    #[test]
    fn provisional_years_reach_two_years_past_the_current_one() {
        let cal = WorkCalendar::builtin().with_provisional(2026);
        assert_eq!(cal.official_years(), (2020..=2026).collect::<Vec<_>>());
        assert!(cal.is_provisional_year(2027) && cal.is_provisional_year(2028));
        assert!(!cal.is_provisional_year(2026));
        // 工伤认定 accepted 2026-12-07 with 30 working days crosses into 2027.
        let d = cal.deadline_of(date(2026, 12, 7), 30);
        assert_eq!(d.map(|d| d.provisional), Ok(true));
        // 2027-01-01 (元旦) is a rest day; 2026-12-31 + 1 = Monday 2027-01-04.
        assert_eq!(cal.deadline(date(2026, 12, 31), 1), Ok(date(2027, 1, 4)));
        // A deadline inside the official year is not provisional.
        assert_eq!(
            cal.deadline_of(date(2026, 11, 23), 5),
            Ok(Deadline {
                date: date(2026, 11, 30),
                provisional: false
            })
        );
        assert_eq!(
            cal.deadline(date(2028, 12, 20), 30),
            Err(CalendarError::MissingYear(2029))
        );
        assert!(cal.to_tsv() == BUILTIN_TSV, "provisional years are not exported");
    }

    #[test]
    fn an_official_import_replaces_a_provisional_year() {
        let mut cal = WorkCalendar::builtin().with_provisional(2026);
        let before = cal.deadline_of(date(2026, 12, 28), 10).ok();
        assert_eq!(before.map(|d| d.provisional), Some(true));
        // Suppose the State Council makes Saturday 2027-01-02... a rest day anyway,
        // and gives 2027-01-04 and 01-05 off as well.
        let mut official = crate::statutory::provisional_year(2027).unwrap_or_default();
        for (d, w) in official.iter_mut() {
            if *d == date(2027, 1, 4) || *d == date(2027, 1, 5) {
                *w = false;
            }
        }
        assert_eq!(cal.insert_days(&official), Ok(vec![2027]));
        assert!(!cal.is_provisional_year(2027));
        let after = cal.deadline_of(date(2026, 12, 28), 10).ok();
        assert_eq!(after.map(|d| d.provisional), Some(false));
        assert!(after.map(|a| a.date) > before.map(|b| b.date));
        // An imported year is not replaced by a later provisional fill.
        let again = cal.clone().with_provisional(2026);
        assert!(!again.is_provisional_year(2027) && again.is_provisional_year(2028));
    }

    #[test]
    fn partial_year_is_refused() {
        let mut cal = WorkCalendar::default();
        let mut days = weekend_template(2027);
        days.pop();
        assert!(matches!(
            cal.insert_days(&days),
            Err(CalendarError::PartialYear {
                year: 2027,
                expected: 365,
                found: 364
            })
        ));
        assert!(cal.years().is_empty());
        assert_eq!(cal.insert_days(&weekend_template(2028)), Ok(vec![2028]));
        assert!(cal.has_year(2028));
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        assert_eq!(parse_tsv("\u{feff}2027-01-01\t0\n").map(|d| d.len()), Ok(1));
    }

    #[test]
    fn tsv_errors_name_the_line() {
        assert!(matches!(
            parse_tsv("2027-01-01\t1\n2027-01-02\t2\n"),
            Err(CalendarError::Tsv { line: 2, .. })
        ));
        assert!(matches!(
            parse_tsv("2027-02-30\t1\n"),
            Err(CalendarError::Tsv { line: 1, .. })
        ));
        assert!(matches!(
            parse_tsv("2027-01-01\t1\n2027-01-01\t1\n"),
            Err(CalendarError::Tsv { line: 2, .. })
        ));
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2020i16..=2026, 1i16..=365).prop_map(|(y, doy)| {
            Date::new(y, 1, 1)
                .and_then(|d| d.checked_add(((doy - 1) as i64).days()))
                .unwrap_or(date(2024, 1, 1))
        })
    }

    proptest! {
        #[test]
        fn deadline_is_a_workday_and_counts_exactly(from in any_date(), n in 1u32..60) {
            let cal = WorkCalendar::builtin();
            match cal.deadline(from, n) {
                Ok(d) => {
                    prop_assert!(d > from);
                    prop_assert_eq!(cal.is_workday(d), Ok(true));
                    prop_assert_eq!(cal.workdays_between(from, d), Ok(n));
                }
                Err(e) => prop_assert_eq!(e, CalendarError::MissingYear(2027)),
            }
        }

        #[test]
        fn deadline_is_monotone(from in any_date(), n in 0u32..60) {
            let cal = WorkCalendar::builtin();
            if let (Ok(a), Ok(b)) = (cal.deadline(from, n), cal.deadline(from, n + 1)) {
                prop_assert!(a < b);
            }
        }
    }
}
