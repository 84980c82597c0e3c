//! 指挥中心 (the live dashboard, issue 18 part 1): the rules that turn
//! today's counts into what the wall shows — which deadlines are amber
//! today, and when a figure turns amber (关注) or red (告警).

use crate::calendar::{CalendarError, WorkCalendar};
use jiff::civil::Date;
use serde::Serialize;

/// How far ahead `amber_until` looks for the last amber deadline (a long
/// holiday stretches it; the calendar never holds this many rest days).
const HORIZON_DAYS: i32 = 120;

/// The last deadline that is amber today: open cases due `today..=` it have
/// `amber_days` or fewer working days left (`case::urgency`'s rule), so
/// the store counts them with one range read of the deadline index.
pub fn amber_until(cal: &WorkCalendar, today: Date, amber_days: u32) -> Result<Date, CalendarError> {
    let mut last = today;
    let mut d = today;
    for _ in 0..HORIZON_DAYS {
        d = match d.tomorrow() {
            Ok(next) => next,
            Err(_) => break,
        };
        if crate::case::working_days_left(cal, today, d)? > i64::from(amber_days) {
            break;
        }
        last = d;
    }
    Ok(last)
}

/// The colour of a figure on the wall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// 正常.
    Normal,
    /// 关注: amber.
    Amber,
    /// 告警: red.
    Red,
}

impl Tone {
    pub fn code(self) -> &'static str {
        match self {
            Tone::Normal => "normal",
            Tone::Amber => "amber",
            Tone::Red => "red",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tone::Normal => "正常",
            Tone::Amber => "关注",
            Tone::Red => "告警",
        }
    }
}

/// A wait turns amber at 20 minutes and red at 30 (the hall's promise:
/// 排队等候不超过 30 分钟).
pub const WAIT_AMBER_MINUTES: i64 = 20;
pub const WAIT_RED_MINUTES: i64 = 30;

/// The longest current wait's colour.
pub fn wait_tone(minutes: i64) -> Tone {
    if minutes >= WAIT_RED_MINUTES {
        Tone::Red
    } else if minutes >= WAIT_AMBER_MINUTES {
        Tone::Amber
    } else {
        Tone::Normal
    }
}

/// 满意率 below 95% is red, below 98% amber; no evaluations is normal.
pub fn satisfaction_tone(rate: Option<f64>) -> Tone {
    match rate {
        Some(r) if r < 0.95 => Tone::Red,
        Some(r) if r < 0.98 => Tone::Amber,
        _ => Tone::Normal,
    }
}

/// Things that should not exist (overdue cases, late complaint steps, late
/// rectifications) are red as soon as there is one.
pub fn none_allowed(count: u64) -> Tone {
    if count > 0 { Tone::Red } else { Tone::Normal }
}

/// Things that need attention (amber cases, open 差评, unacknowledged
/// scalper alerts) are amber while any is there.
pub fn attention(count: u64) -> Tone {
    if count > 0 { Tone::Amber } else { Tone::Normal }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Urgency, urgency};
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn amber_until_skips_the_weekend_and_national_day() {
        let cal = WorkCalendar::builtin();
        // Thursday 2026-09-24, two working days: Fri 25, (Sat 26, Sun 27 rest), Mon 28.
        // Sunday 2026-09-27 is a 调休 working day in 2026? The rule decides, not the test:
        // the answer is the last date with at most two working days left.
        let until = amber_until(&cal, date(2026, 9, 24), 2).unwrap();
        assert!(crate::case::working_days_left(&cal, date(2026, 9, 24), until).unwrap() <= 2);
        let after = until.tomorrow().unwrap();
        assert!(crate::case::working_days_left(&cal, date(2026, 9, 24), after).unwrap() > 2);
        // Over National Day: from Wednesday 2026-09-30, the next working days are
        // 10-08, 10-09 (so 10-09 and the rest days up to 10-09 are amber).
        let until = amber_until(&cal, date(2026, 9, 30), 2).unwrap();
        assert!(until >= date(2026, 10, 9), "{until}");
        // A Friday with no amber days: the weekend after it is still zero days left.
        let friday = date(2026, 11, 20);
        assert_eq!(amber_until(&cal, friday, 0).unwrap(), date(2026, 11, 22));
    }

    #[test]
    fn tones() {
        assert_eq!(wait_tone(0), Tone::Normal);
        assert_eq!(wait_tone(19), Tone::Normal);
        assert_eq!(wait_tone(20), Tone::Amber);
        assert_eq!(wait_tone(30), Tone::Red);
        assert_eq!(satisfaction_tone(None), Tone::Normal);
        assert_eq!(satisfaction_tone(Some(0.9897)), Tone::Normal);
        assert_eq!(satisfaction_tone(Some(0.97)), Tone::Amber);
        assert_eq!(satisfaction_tone(Some(0.9)), Tone::Red);
        assert_eq!(none_allowed(0), Tone::Normal);
        assert_eq!(none_allowed(1), Tone::Red);
        assert_eq!(attention(2), Tone::Amber);
        assert_eq!(Tone::Red.code(), "red");
        assert_eq!(Tone::Amber.label(), "关注");
    }

    proptest! {
        /// A deadline from today on is counted amber by the range exactly when
        /// `case::urgency` calls it amber (not paused). Dates stay within the
        /// built-in calendar's published years (2025 to 2026).
        #[test]
        fn the_range_is_urgency_rule(start in 0i32..600, ahead in 0i32..40, amber in 0u32..6) {
            let cal = WorkCalendar::builtin();
            let today = date(2025, 1, 1).checked_add(jiff::Span::new().days(start)).unwrap();
            let deadline = today.checked_add(jiff::Span::new().days(ahead)).unwrap();
            let until = amber_until(&cal, today, amber).unwrap();
            let by_rule = urgency(&cal, deadline, today, amber, false).unwrap() == Urgency::Amber;
            prop_assert_eq!(deadline <= until, by_rule);
        }
    }
}
