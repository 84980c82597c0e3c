//! 晨会 (morning meetings): [000] 百日大提升 asks for at least one a week per
//! window. A meeting is held for one window or for a whole department; a
//! department's meeting counts for every window that serves one of the
//! department's items (a 综合窗口 serving several departments is covered by
//! any of them). The weekly compliance list (晨会周检查) names each window
//! without a meeting in the ISO week (周一至周日).

use jiff::civil::{Date, ISOWeekDate, Weekday};
use std::collections::BTreeSet;

/// An ISO 8601 week (`2026-W49`): Monday to Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    monday: Date,
}

/// Why a week's text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekError(pub String);

impl std::fmt::Display for WeekError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl IsoWeek {
    /// Reads `YYYY-Www` (`2026-W49`; the `W` in either case, one or two digits
    /// of week). Week 53 only exists in long years.
    pub fn parse(raw: &str) -> Result<IsoWeek, WeekError> {
        let bad = || WeekError(format!("周次“{raw}”无效，应为YYYY-Www，如2026-W49"));
        let s = raw.trim();
        let (year, week) = s.split_once(['W', 'w']).ok_or_else(bad)?;
        let year = year.strip_suffix('-').ok_or_else(bad)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if week.is_empty() || week.len() > 2 || !week.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i16 = year.parse().map_err(|_| bad())?;
        let week: i8 = week.parse().map_err(|_| bad())?;
        let date = ISOWeekDate::new(year, week, Weekday::Monday)
            .map_err(|_| WeekError(format!("{year}年没有第{week}周")))?;
        Ok(IsoWeek { monday: date.date() })
    }

    /// The week a day falls in.
    pub fn of(date: Date) -> IsoWeek {
        let w = date.iso_week_date();
        let monday = ISOWeekDate::new(w.year(), w.week(), Weekday::Monday)
            .map(|d| d.date())
            .unwrap_or(date);
        IsoWeek { monday }
    }

    pub fn monday(self) -> Date {
        self.monday
    }

    pub fn sunday(self) -> Date {
        self.monday
            .checked_add(jiff::Span::new().days(6))
            .unwrap_or(self.monday)
    }

    pub fn contains(self, date: Date) -> bool {
        (self.monday()..=self.sunday()).contains(&date)
    }

    /// `2026-W49`.
    pub fn label(self) -> String {
        let w = self.monday.iso_week_date();
        format!("{:04}-W{:02}", w.year(), w.week())
    }

    /// The week before.
    pub fn previous(self) -> IsoWeek {
        IsoWeek::of(self.monday.yesterday().unwrap_or(self.monday))
    }

    /// The week after.
    pub fn next(self) -> IsoWeek {
        IsoWeek::of(self.sunday().tomorrow().unwrap_or(self.monday))
    }
}

/// Whom a meeting was held for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingFor {
    /// One window, by number.
    Window(String),
    /// A department, by code.
    Department(String),
}

/// A window as the compliance rule sees it: its number and the codes of the
/// departments whose items it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedWindow {
    pub number: String,
    pub departments: BTreeSet<String>,
}

/// One window's line of the weekly list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowCompliance {
    pub window: String,
    /// Meetings that count for this window that week.
    pub meetings: usize,
}

impl WindowCompliance {
    /// At least one meeting that week ([000]).
    pub fn complied(&self) -> bool {
        self.meetings >= 1
    }
}

/// Whether a meeting counts for a window: its own, or one of a department
/// whose items the window serves.
pub fn counts_for(meeting: &MeetingFor, window: &WatchedWindow) -> bool {
    match meeting {
        MeetingFor::Window(n) => *n == window.number,
        MeetingFor::Department(code) => window.departments.contains(code),
    }
}

/// The week's list, in the order of `windows`: how many meetings count for
/// each window. `meetings` are those held that week.
pub fn weekly_compliance(windows: &[WatchedWindow], meetings: &[MeetingFor]) -> Vec<WindowCompliance> {
    windows
        .iter()
        .map(|w| WindowCompliance {
            window: w.number.clone(),
            meetings: meetings.iter().filter(|m| counts_for(m, w)).count(),
        })
        .collect()
}

/// A meeting's date: not in the future, and not more than a year back (a
/// record is made the same week, rarely later).
pub fn check_meeting_date(date: Date, today: Date) -> Result<(), String> {
    if date > today {
        return Err(format!("晨会日期{date}在今天之后，不能预先登记"));
    }
    let year_ago = today.checked_sub(jiff::Span::new().days(366)).unwrap_or(today);
    if date < year_ago {
        return Err(format!("晨会日期{date}已超过一年，不能补登"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn window(n: &str, deps: &[&str]) -> WatchedWindow {
        WatchedWindow {
            number: n.into(),
            departments: deps.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn iso_weeks_parse_and_run_monday_to_sunday() {
        let w = IsoWeek::parse("2026-W49").unwrap();
        assert_eq!(w.monday(), date(2026, 11, 30));
        assert_eq!(w.sunday(), date(2026, 12, 6));
        assert_eq!(w.label(), "2026-W49");
        assert_eq!(IsoWeek::parse("2026-w9").unwrap().label(), "2026-W09");
        // Week 1 of 2026 starts in 2025 (the week with the year's first Thursday).
        assert_eq!(IsoWeek::parse("2026-W01").unwrap().monday(), date(2025, 12, 29));
        // 2026 has 53 weeks (it starts on a Thursday); 2025 does not.
        assert_eq!(IsoWeek::parse("2026-W53").unwrap().monday(), date(2026, 12, 28));
        assert!(IsoWeek::parse("2025-W53").is_err());
        for bad in [
            "",
            "2026",
            "2026-49",
            "2026W49",
            "2026-W",
            "2026-W00",
            "2026-W54",
            "26-W10",
            "2026-W1x",
            "2026-W100",
        ] {
            assert!(IsoWeek::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_week_of_a_day_contains_it_and_neighbours_follow() {
        let sunday = date(2027, 1, 3);
        let w = IsoWeek::of(sunday);
        assert_eq!(w.label(), "2026-W53");
        assert!(w.contains(sunday) && w.contains(date(2026, 12, 28)));
        assert!(!w.contains(date(2027, 1, 4)));
        assert_eq!(w.next().label(), "2027-W01");
        assert_eq!(w.previous().label(), "2026-W52");
        assert_eq!(
            IsoWeek::of(date(2026, 12, 2)),
            IsoWeek::parse("2026-W49").unwrap()
        );
    }

    #[test]
    fn a_window_meeting_counts_for_that_window_only_and_a_department_for_its_windows() {
        let windows = [
            window("1", &["SCJG", "SW"]),
            window("2", &["SCJG", "BDC"]),
            window("4", &["RS", "YB"]),
            window("5", &["GA"]),
        ];
        let meetings = [
            MeetingFor::Window("5".into()),
            MeetingFor::Department("BDC".into()),
            MeetingFor::Window("9".into()),
        ];
        let list = weekly_compliance(&windows, &meetings);
        let missing: Vec<&str> = list
            .iter()
            .filter(|c| !c.complied())
            .map(|c| c.window.as_str())
            .collect();
        assert_eq!(missing, ["1", "4"]);
        assert_eq!(list[1].meetings, 1);
        // A meeting of SCJG covers windows 1 and 2 (both serve its items).
        let list = weekly_compliance(&windows, &[MeetingFor::Department("SCJG".into())]);
        assert_eq!(list.iter().map(|c| c.meetings).collect::<Vec<_>>(), [1, 1, 0, 0]);
        assert!(weekly_compliance(&windows, &[]).iter().all(|c| !c.complied()));
    }

    #[test]
    fn a_meeting_date_is_today_or_before() {
        let today = date(2026, 12, 2);
        assert!(check_meeting_date(today, today).is_ok());
        assert!(check_meeting_date(date(2026, 11, 30), today).is_ok());
        assert!(check_meeting_date(date(2026, 12, 3), today).is_err());
        assert!(check_meeting_date(date(2025, 11, 1), today).is_err());
    }
}
