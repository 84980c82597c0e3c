//! Opening hours (办公时间): when the hall takes tickets. Each weekday has its
//! periods ("09:00-12:00,13:30-17:30"); the working-day calendar decides
//! which days are working days (a 调休 Saturday opens with Monday's hours, a
//! holiday on a weekday closes); Saturdays and Sundays that are rest days
//! open only when the hall offers 周末服务 (their own periods); single dates
//! can be set apart (延时服务 to 20:00, a closure for a power cut).

use crate::calendar::{CalendarError, WorkCalendar};
use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};

/// One opening period of a day, from `start` (inclusive) to `end` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: Time,
    pub end: Time,
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.strftime("%H:%M"),
            self.end.strftime("%H:%M")
        )
    }
}

/// Why a list of periods or a special day was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HoursError(pub String);

/// Reads "09:00-12:00,13:30-17:30" (empty, "closed" or "休息" for a closed day).
pub fn parse_periods(text: &str) -> Result<Vec<Period>, HoursError> {
    let text = text.trim();
    if text.is_empty() || text == "closed" || text == "休息" {
        return Ok(Vec::new());
    }
    let mut periods: Vec<Period> = Vec::new();
    for part in text.split([',', '，', ';', ' ']).filter(|p| !p.trim().is_empty()) {
        let (a, b) = part
            .trim()
            .split_once(['-', '–', '~', '至'])
            .ok_or_else(|| HoursError(format!("“{part}”应写成 09:00-12:00")))?;
        let time = |s: &str| {
            Time::strptime("%H:%M", s.trim())
                .map_err(|_| HoursError(format!("“{}”不是有效的时刻（应为 HH:MM）", s.trim())))
        };
        let period = Period {
            start: time(a)?,
            end: time(b)?,
        };
        if period.end <= period.start {
            return Err(HoursError(format!("“{part}”的结束时刻须晚于开始时刻")));
        }
        if periods.last().is_some_and(|last| last.end > period.start) {
            return Err(HoursError(format!("“{part}”与前一时段重叠或顺序颠倒")));
        }
        periods.push(period);
    }
    Ok(periods)
}

/// The hall's opening hours.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    /// Periods of Monday … Sunday (index 0 = Monday).
    pub weekdays: [Vec<Period>; 7],
    /// Dates set apart: their own periods (empty = closed that day).
    pub special: Vec<(Date, Vec<Period>)>,
}

/// Whether the hall is open at a moment, and if not, when it opens next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenState {
    Open { until: Time },
    Closed { next: Option<(Date, Period)> },
}

impl OpeningHours {
    /// Reads a special day: "2026-12-24 09:00-20:00" or "2027-01-04 closed".
    pub fn parse_special(text: &str) -> Result<(Date, Vec<Period>), HoursError> {
        let text = text.trim();
        let (date, rest) = text.split_once([' ', '\t']).unwrap_or((text, ""));
        let date: Date = date
            .parse()
            .map_err(|_| HoursError(format!("“{date}”不是有效日期（应为 YYYY-MM-DD）")))?;
        Ok((date, parse_periods(rest)?))
    }

    /// The periods of `date`. Working days (by the calendar) open with their
    /// weekday's hours (a 调休 weekend working day with Monday's); weekday rest
    /// days are holidays and close; weekend rest days open with the weekend's
    /// own periods (周末服务, empty by default). A special date overrides all.
    pub fn periods_of(&self, calendar: &WorkCalendar, date: Date) -> Result<Vec<Period>, CalendarError> {
        if let Some((_, periods)) = self.special.iter().find(|(d, _)| *d == date) {
            return Ok(periods.clone());
        }
        let weekday = date.weekday();
        let weekend = matches!(weekday, Weekday::Saturday | Weekday::Sunday);
        let index = usize::from(weekday.to_monday_zero_offset().unsigned_abs());
        Ok(match (calendar.is_workday(date)?, weekend) {
            (true, false) => self.weekdays[index].clone(),
            (true, true) => self.weekdays[0].clone(),
            (false, false) => Vec::new(),
            (false, true) => self.weekdays[index].clone(),
        })
    }

    /// Open at `date` `time`? If not, the next opening within two weeks.
    pub fn state_at(
        &self,
        calendar: &WorkCalendar,
        date: Date,
        time: Time,
    ) -> Result<OpenState, CalendarError> {
        if let Some(p) = self
            .periods_of(calendar, date)?
            .into_iter()
            .find(|p| p.start <= time && time < p.end)
        {
            return Ok(OpenState::Open { until: p.end });
        }
        let mut day = date;
        for _ in 0..15 {
            let periods = match self.periods_of(calendar, day) {
                Ok(p) => p,
                // Past the calendar's reach: no promise of a next opening.
                Err(_) => break,
            };
            if let Some(p) = periods.into_iter().find(|p| day != date || p.start > time) {
                return Ok(OpenState::Closed { next: Some((day, p)) });
            }
            day = match day.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        Ok(OpenState::Closed { next: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn hall() -> OpeningHours {
        let weekday = parse_periods("09:00-12:00,13:30-17:30").unwrap();
        OpeningHours {
            weekdays: [
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday,
                parse_periods("09:00-12:00").unwrap(),
                Vec::new(),
            ],
            special: vec![OpeningHours::parse_special("2026-12-24 09:00-20:00").unwrap()],
        }
    }

    #[test]
    fn periods_are_read_and_checked() {
        assert_eq!(parse_periods("").unwrap(), vec![]);
        assert_eq!(parse_periods("休息").unwrap(), vec![]);
        assert_eq!(parse_periods("9:00-12:00， 13:30-17:30").unwrap().len(), 2);
        assert!(parse_periods("12:00-09:00").is_err());
        assert!(parse_periods("09:00-12:00,11:00-13:00").is_err());
        assert!(parse_periods("nine to five").is_err());
        assert_eq!(
            parse_periods("09:00-12:00").unwrap()[0].to_string(),
            "09:00-12:00"
        );
        assert!(OpeningHours::parse_special("2026-13-01 closed").is_err());
    }

    #[test]
    fn a_weekday_opens_in_its_periods_only() {
        let cal = WorkCalendar::builtin();
        let h = hall();
        // Monday 2026-12-07.
        assert_eq!(
            h.state_at(&cal, date(2026, 12, 7), time(10, 0, 0, 0)).unwrap(),
            OpenState::Open {
                until: time(12, 0, 0, 0)
            }
        );
        let lunch = h.state_at(&cal, date(2026, 12, 7), time(12, 30, 0, 0)).unwrap();
        assert_eq!(
            lunch,
            OpenState::Closed {
                next: Some((date(2026, 12, 7), parse_periods("13:30-17:30").unwrap()[0]))
            }
        );
        assert!(matches!(
            h.state_at(&cal, date(2026, 12, 7), time(17, 30, 0, 0)).unwrap(),
            OpenState::Closed { next: Some((d, _)) } if d == date(2026, 12, 8)
        ));
    }

    #[test]
    fn weekends_holidays_and_special_days() {
        let cal = WorkCalendar::builtin();
        let h = hall();
        // Saturday 2026-12-05: 周末服务 in the morning; Sunday closed, next is Monday.
        assert!(matches!(
            h.state_at(&cal, date(2026, 12, 5), time(9, 30, 0, 0)).unwrap(),
            OpenState::Open { .. }
        ));
        assert_eq!(
            h.state_at(&cal, date(2026, 12, 6), time(10, 0, 0, 0)).unwrap(),
            OpenState::Closed {
                next: Some((date(2026, 12, 7), parse_periods("09:00-12:00").unwrap()[0]))
            }
        );
        // 国庆 2026-10-01 (Thursday) is a holiday.
        assert!(matches!(
            h.state_at(&cal, date(2026, 10, 1), time(10, 0, 0, 0)).unwrap(),
            OpenState::Closed { .. }
        ));
        // 调休: Sunday 2026-09-20 is a working day and opens with Monday's hours.
        if cal.is_workday(date(2026, 9, 20)).unwrap() {
            assert!(matches!(
                h.state_at(&cal, date(2026, 9, 20), time(15, 0, 0, 0)).unwrap(),
                OpenState::Open { .. }
            ));
        }
        // 延时服务 on 2026-12-24 (Thursday) until 20:00.
        assert_eq!(
            h.state_at(&cal, date(2026, 12, 24), time(19, 0, 0, 0)).unwrap(),
            OpenState::Open {
                until: time(20, 0, 0, 0)
            }
        );
    }
}
