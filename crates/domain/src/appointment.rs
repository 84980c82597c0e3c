//! Appointment rules (预约规则): bookable slots on working days, check-in
//! windows at the kiosk, and the no-show suspension (docs/domain.md defaults).

use crate::calendar::{CalendarError, WorkCalendar};
use jiff::civil::{Date, DateTime, Time};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an appointment stands (预约状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// 已预约, waiting for check-in.
    Booked,
    /// 已签到: turned into a ticket at the kiosk.
    CheckedIn,
    /// 已取消 by the citizen.
    Cancelled,
    /// 爽约: not checked in within the window.
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 4] = [
        AppointmentStatus::Booked,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::Cancelled,
        AppointmentStatus::NoShow,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "已预约，待签到",
            AppointmentStatus::CheckedIn => "已签到取号",
            AppointmentStatus::Cancelled => "已取消",
            AppointmentStatus::NoShow => "已失效（未按时签到）",
        }
    }

    pub fn parse(code: &str) -> Option<AppointmentStatus> {
        let code = code.trim();
        AppointmentStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Only a booked appointment can be checked in or cancelled.
    pub fn is_booked(self) -> bool {
        self == AppointmentStatus::Booked
    }
}

impl fmt::Display for AppointmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How an appointment was made (预约渠道).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentChannel {
    /// 网上预约 by the citizen.
    Online,
    /// 电话预约, entered by hall staff (12345 hotline, help desk).
    Phone,
}

impl AppointmentChannel {
    pub const ALL: [AppointmentChannel; 2] = [AppointmentChannel::Online, AppointmentChannel::Phone];

    pub fn code(self) -> &'static str {
        match self {
            AppointmentChannel::Online => "online",
            AppointmentChannel::Phone => "phone",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppointmentChannel::Online => "网上预约",
            AppointmentChannel::Phone => "电话预约",
        }
    }

    pub fn parse(code: &str) -> Option<AppointmentChannel> {
        let code = code.trim();
        AppointmentChannel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Booked for someone by hall staff, who must be signed in.
    pub fn needs_staff(self) -> bool {
        self == AppointmentChannel::Phone
    }
}

impl fmt::Display for AppointmentChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a hall opens its appointment book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookingRules {
    /// Service periods of a working day, as (start, end) "HH:MM".
    pub periods: Vec<(String, String)>,
    /// Minutes per slot.
    pub slot_minutes: i32,
    /// People per slot.
    pub capacity: u32,
    /// How many days ahead citizens may book.
    pub days_ahead: u32,
    /// Check-in may start this many minutes before the slot …
    pub early_minutes: i32,
    /// … and ends this many minutes after it begins (later counts as a no-show).
    pub late_minutes: i32,
    /// Appointments one person may hold per day.
    pub max_per_person_per_day: u32,
    /// No-shows within `no_show_window_days` that suspend booking.
    pub no_show_limit: u32,
    pub no_show_window_days: u32,
    /// How long booking stays suspended.
    pub suspension_days: u32,
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules {
            periods: vec![("09:00".into(), "11:30".into()), ("13:30".into(), "17:00".into())],
            slot_minutes: 30,
            capacity: 4,
            days_ahead: 7,
            early_minutes: 30,
            late_minutes: 15,
            max_per_person_per_day: 2,
            no_show_limit: 3,
            no_show_window_days: 30,
            suspension_days: 30,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    #[error("{0}不是工作日，不能预约")]
    NotWorkingDay(Date),
    #[error("只能预约今天之后{0}天内的时段")]
    OutOfRange(u32),
    #[error("时段{0}不存在")]
    NoSuchSlot(String),
    #[error("服务时段“{0}”格式错误，应为HH:MM")]
    BadPeriod(String),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// Slot start times of one working day.
pub fn slots_of_day(rules: &BookingRules) -> Result<Vec<Time>, BookingError> {
    let mut out = Vec::new();
    for (start, end) in &rules.periods {
        let s: Time = start
            .parse()
            .map_err(|_| BookingError::BadPeriod(start.clone()))?;
        let e: Time = end.parse().map_err(|_| BookingError::BadPeriod(end.clone()))?;
        let mut t = s;
        loop {
            let Ok(next) = t.checked_add(jiff::SignedDuration::from_mins(i64::from(rules.slot_minutes)))
            else {
                break;
            };
            if next > e || next <= t {
                break;
            }
            out.push(t);
            t = next;
        }
    }
    Ok(out)
}

/// Checks that `date` at `time` can be booked on `today`.
pub fn check_bookable(
    rules: &BookingRules,
    calendar: &WorkCalendar,
    today: Date,
    date: Date,
    time: Time,
) -> Result<(), BookingError> {
    let ahead = today.until(date).map(|s| s.get_days()).unwrap_or(-1);
    if ahead < 0 || ahead > rules.days_ahead as i32 {
        return Err(BookingError::OutOfRange(rules.days_ahead));
    }
    if !calendar.is_workday(date)? {
        return Err(BookingError::NotWorkingDay(date));
    }
    if !slots_of_day(rules)?.contains(&time) {
        return Err(BookingError::NoSuchSlot(time.strftime("%H:%M").to_string()));
    }
    Ok(())
}

/// Where an arrival at the kiosk falls against the slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckIn {
    TooEarly,
    OnTime,
    /// Past the grace period: the appointment counts as missed; take an ordinary ticket.
    TooLate,
}

pub fn check_in(rules: &BookingRules, slot: DateTime, arrival: DateTime) -> CheckIn {
    let early = slot.checked_sub(jiff::SignedDuration::from_mins(i64::from(rules.early_minutes)));
    let late = slot.checked_add(jiff::SignedDuration::from_mins(i64::from(rules.late_minutes)));
    match (early, late) {
        (Ok(e), _) if arrival < e => CheckIn::TooEarly,
        (_, Ok(l)) if arrival > l => CheckIn::TooLate,
        _ => CheckIn::OnTime,
    }
}

/// Until when booking is suspended, given the dates of a person's no-shows.
pub fn suspended_until(rules: &BookingRules, no_shows: &[Date], today: Date) -> Option<Date> {
    let window_start = today
        .checked_sub(jiff::Span::new().days(i64::from(rules.no_show_window_days)))
        .ok()?;
    let mut recent: Vec<Date> = no_shows
        .iter()
        .copied()
        .filter(|d| *d >= window_start && *d <= today)
        .collect();
    if (recent.len() as u32) < rules.no_show_limit {
        return None;
    }
    recent.sort_unstable();
    let last = *recent.last()?;
    let until = last
        .checked_add(jiff::Span::new().days(i64::from(rules.suspension_days)))
        .ok()?;
    (until >= today).then_some(until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn status_and_channel_codes_round_trip() {
        for s in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
            assert!(!s.label().is_empty());
        }
        assert_eq!(AppointmentStatus::CheckedIn.code(), "checked_in");
        assert_eq!(AppointmentStatus::parse("missed"), None);
        assert!(AppointmentStatus::Booked.is_booked() && !AppointmentStatus::NoShow.is_booked());
        for c in AppointmentChannel::ALL {
            assert_eq!(AppointmentChannel::parse(c.code()), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(c.code()));
            assert!(!c.label().is_empty());
        }
        assert_eq!(AppointmentChannel::parse("sms"), None);
        assert!(AppointmentChannel::Phone.needs_staff() && !AppointmentChannel::Online.needs_staff());
    }

    #[test]
    fn slots_follow_the_periods() {
        let slots = slots_of_day(&BookingRules::default()).unwrap();
        assert_eq!(slots.first(), Some(&time(9, 0, 0, 0)));
        assert_eq!(slots.len(), 5 + 7);
        assert!(slots.contains(&time(11, 0, 0, 0)) && !slots.contains(&time(11, 30, 0, 0)));
        let bad = BookingRules {
            periods: vec![("9点".into(), "11:00".into())],
            ..Default::default()
        };
        assert!(matches!(slots_of_day(&bad), Err(BookingError::BadPeriod(_))));
    }

    #[test]
    fn only_working_days_within_range() {
        let rules = BookingRules::default();
        let cal = WorkCalendar::builtin();
        let today = date(2026, 9, 28);
        assert!(check_bookable(&rules, &cal, today, date(2026, 9, 29), time(9, 30, 0, 0)).is_ok());
        // National Day.
        assert_eq!(
            check_bookable(&rules, &cal, today, date(2026, 10, 1), time(9, 30, 0, 0)),
            Err(BookingError::NotWorkingDay(date(2026, 10, 1)))
        );
        assert!(matches!(
            check_bookable(&rules, &cal, today, date(2026, 9, 27), time(9, 30, 0, 0)),
            Err(BookingError::OutOfRange(7))
        ));
        assert!(matches!(
            check_bookable(&rules, &cal, today, date(2026, 9, 29), time(12, 0, 0, 0)),
            Err(BookingError::NoSuchSlot(_))
        ));
    }

    #[test]
    fn check_in_window() {
        let rules = BookingRules::default();
        let slot = date(2026, 11, 24).at(10, 0, 0, 0);
        assert_eq!(
            check_in(&rules, slot, date(2026, 11, 24).at(9, 20, 0, 0)),
            CheckIn::TooEarly
        );
        assert_eq!(
            check_in(&rules, slot, date(2026, 11, 24).at(9, 30, 0, 0)),
            CheckIn::OnTime
        );
        assert_eq!(
            check_in(&rules, slot, date(2026, 11, 24).at(10, 15, 0, 0)),
            CheckIn::OnTime
        );
        assert_eq!(
            check_in(&rules, slot, date(2026, 11, 24).at(10, 16, 0, 0)),
            CheckIn::TooLate
        );
    }

    #[test]
    fn three_no_shows_in_thirty_days_suspend() {
        let rules = BookingRules::default();
        let today = date(2026, 11, 23);
        assert_eq!(
            suspended_until(&rules, &[date(2026, 11, 1), date(2026, 11, 10)], today),
            None
        );
        let three = [date(2026, 11, 1), date(2026, 11, 10), date(2026, 11, 20)];
        assert_eq!(suspended_until(&rules, &three, today), Some(date(2026, 12, 20)));
        // Old no-shows fall out of the window.
        let old = [date(2026, 9, 1), date(2026, 9, 10), date(2026, 11, 20)];
        assert_eq!(suspended_until(&rules, &old, today), None);
    }
}
