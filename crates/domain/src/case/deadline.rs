//! Case deadlines (办理期限): lawful pauses (第45条), one extension (第42条),
//! working days left and the urgency a work list shows.

use crate::calendar::{CalendarError, WorkCalendar};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A stretch of time the law does not count (第45条). Both ends inclusive;
/// `to = None` while the case is still paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    pub to: Option<Date>,
}

/// Working days inside `pauses`, both ends inclusive, days covered by more
/// than one pause counted once; an open pause runs up to and including `today`.
/// A pause that ends before it starts (or an open one starting after `today`)
/// covers nothing.
pub fn paused_working_days(cal: &WorkCalendar, pauses: &[Pause], today: Date) -> Result<u32, CalendarError> {
    let mut spans: Vec<(Date, Date)> = pauses
        .iter()
        .map(|p| (p.from, p.to.unwrap_or(today)))
        .filter(|(a, b)| a <= b)
        .collect();
    spans.sort();
    // Merge overlapping or touching spans so no day is counted twice.
    let mut merged: Vec<(Date, Date)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match merged.last_mut() {
            Some((_, end)) if a <= end.tomorrow().unwrap_or(*end) => {
                if b > *end {
                    *end = b;
                }
            }
            _ => merged.push((a, b)),
        }
    }
    let mut n = 0u32;
    for (a, b) in merged {
        let mut d = a;
        loop {
            if cal.is_workday(d)? {
                n += 1;
            }
            if d >= b {
                break;
            }
            d = d.tomorrow().map_err(|_| CalendarError::MissingYear(d.year()))?;
        }
    }
    Ok(n)
}

/// The paused working days that move a case's deadline: as
/// [`paused_working_days`], but only days after the acceptance day count (the
/// acceptance day is never on the clock, so pausing it gains nothing). This is
/// the `paused_days` to show beside the deadline.
pub fn counted_paused_days(
    cal: &WorkCalendar,
    accepted_on: Date,
    pauses: &[Pause],
    today: Date,
) -> Result<u32, CalendarError> {
    let Ok(first) = accepted_on.tomorrow() else {
        return Ok(0);
    };
    let clipped: Vec<Pause> = pauses
        .iter()
        .map(|p| Pause {
            from: p.from.max(first),
            to: Some(p.to.unwrap_or(today)),
        })
        .collect();
    paused_working_days(cal, &clipped, today)
}

/// A case's deadline (办理期限): `promised_days` working days counted from the
/// day after acceptance (第42条; the acceptance day is not counted), moved later
/// by the working days paused after acceptance ([`counted_paused_days`]; an open
/// pause counts up to `today`) and by `extension_days` working days.
/// 即办件 (0 promised, no pause, no extension) are due on the acceptance day.
pub fn case_deadline(
    cal: &WorkCalendar,
    accepted_on: Date,
    promised_days: u32,
    pauses: &[Pause],
    extension_days: u32,
    today: Date,
) -> Result<Date, CalendarError> {
    let paused = counted_paused_days(cal, accepted_on, pauses, today)?;
    let total = promised_days
        .checked_add(paused)
        .and_then(|n| n.checked_add(extension_days))
        .ok_or(CalendarError::DaysOutOfRange)?;
    cal.deadline(accepted_on, total)
}

/// Finished on or before the deadline day is on time (第42条 practice).
pub fn on_time(completed_on: Date, deadline: Date) -> bool {
    completed_on <= deadline
}

/// How pressing a case is on a work list. Ordered: `Red > Amber > Normal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    /// 黄灯预警: few working days remain.
    Amber,
    /// 红灯: overdue.
    Red,
}

impl Urgency {
    pub fn code(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Amber => "amber",
            Urgency::Red => "red",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Normal => "正常",
            Urgency::Amber => "临期预警",
            Urgency::Red => "已超期",
        }
    }
}

/// Working days left: those after `today` up to and including `deadline`
/// (0 on the deadline day itself). Negative when overdue: minus the working
/// days from the day after the deadline up to `today`, and at least -1 as
/// soon as the deadline day is past (a Saturday after a Friday deadline is -1).
pub fn working_days_left(cal: &WorkCalendar, today: Date, deadline: Date) -> Result<i64, CalendarError> {
    if today <= deadline {
        Ok(i64::from(cal.workdays_between(today, deadline)?))
    } else {
        let late = i64::from(cal.workdays_between(deadline, today)?);
        Ok(-late.max(1))
    }
}

/// Red when overdue and not paused; Amber when `amber_days` or fewer working
/// days remain (docs/domain.md default 2), and for a paused case past its deadline
/// (the clock is stopped, so it is not a fault, but it needs attention).
pub fn urgency(
    cal: &WorkCalendar,
    deadline: Date,
    today: Date,
    amber_days: u32,
    paused: bool,
) -> Result<Urgency, CalendarError> {
    if today > deadline {
        return Ok(if paused { Urgency::Amber } else { Urgency::Red });
    }
    let left = working_days_left(cal, today, deadline)?;
    Ok(if left <= i64::from(amber_days) {
        Urgency::Amber
    } else {
        Urgency::Normal
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::ToSpan;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn cal() -> WorkCalendar {
        WorkCalendar::builtin()
    }

    #[test]
    fn national_day_2026() {
        // 2026-09-30 (Wed) accepted; 10-01..10-07 holiday; 10-08, 09, 10 (Sat, 调休) work,
        // 10-11 Sunday rest, 10-12, 10-13.
        let accepted = date(2026, 9, 30);
        assert_eq!(
            case_deadline(&cal(), accepted, 5, &[], 0, accepted),
            Ok(date(2026, 10, 13))
        );
        assert_eq!(
            case_deadline(&cal(), accepted, 3, &[], 0, accepted),
            Ok(date(2026, 10, 10))
        );
    }

    #[test]
    fn pause_over_a_weekend_counts_working_days_only() {
        let c = cal();
        // Fri 2026-11-13 .. Tue 2026-11-17: Fri, Mon, Tue = 3 working days.
        let p = [Pause {
            from: date(2026, 11, 13),
            to: Some(date(2026, 11, 17)),
        }];
        assert_eq!(paused_working_days(&c, &p, date(2026, 11, 30)), Ok(3));
        let accepted = date(2026, 11, 2);
        let plain = case_deadline(&c, accepted, 10, &[], 0, accepted);
        assert_eq!(plain, Ok(date(2026, 11, 16)));
        assert_eq!(
            case_deadline(&c, accepted, 10, &p, 0, date(2026, 11, 30)),
            Ok(date(2026, 11, 19))
        );
        // Sat–Sun only: nothing.
        let weekend = [Pause {
            from: date(2026, 11, 14),
            to: Some(date(2026, 11, 15)),
        }];
        assert_eq!(paused_working_days(&c, &weekend, date(2026, 11, 30)), Ok(0));
        assert_eq!(
            case_deadline(&c, accepted, 10, &weekend, 0, date(2026, 11, 30)),
            plain
        );
    }

    #[test]
    fn overlapping_pauses_count_once() {
        let c = cal();
        let p = [
            Pause {
                from: date(2026, 11, 9),
                to: Some(date(2026, 11, 12)),
            },
            Pause {
                from: date(2026, 11, 11),
                to: Some(date(2026, 11, 13)),
            },
            // Touching the first: Mon 16.
            Pause {
                from: date(2026, 11, 14),
                to: Some(date(2026, 11, 16)),
            },
            // Inside another.
            Pause {
                from: date(2026, 11, 10),
                to: Some(date(2026, 11, 10)),
            },
        ];
        // 9,10,11,12,13,16 = 6.
        assert_eq!(paused_working_days(&c, &p, date(2026, 12, 1)), Ok(6));
        // Backwards pause covers nothing.
        let bad = [Pause {
            from: date(2026, 11, 12),
            to: Some(date(2026, 11, 9)),
        }];
        assert_eq!(paused_working_days(&c, &bad, date(2026, 12, 1)), Ok(0));
    }

    #[test]
    fn open_pause_runs_to_today_and_acceptance_day_is_not_counted() {
        let c = cal();
        let accepted = date(2026, 11, 2); // Monday
        let open = [Pause {
            from: date(2026, 11, 2),
            to: None,
        }];
        // Today Wed 4th: 2, 3, 4 paused, but the acceptance day is off the clock anyway.
        assert_eq!(paused_working_days(&c, &open, date(2026, 11, 4)), Ok(3));
        assert_eq!(counted_paused_days(&c, accepted, &open, date(2026, 11, 4)), Ok(2));
        assert_eq!(
            case_deadline(&c, accepted, 1, &open, 0, date(2026, 11, 4)),
            Ok(date(2026, 11, 5))
        );
        // Paused from a future day: nothing yet.
        let later = [Pause {
            from: date(2026, 11, 10),
            to: None,
        }];
        assert_eq!(paused_working_days(&c, &later, date(2026, 11, 4)), Ok(0));
    }

    #[test]
    fn extension_moves_by_working_days() {
        let c = cal();
        let accepted = date(2026, 9, 30);
        // 20 statutory working days, extended by 10 (第42条).
        let base = case_deadline(&c, accepted, 20, &[], 0, accepted);
        assert_eq!(base, Ok(date(2026, 11, 3)));
        let ext = case_deadline(&c, accepted, 20, &[], 10, accepted);
        assert_eq!(ext, Ok(date(2026, 11, 17)));
    }

    #[test]
    fn missing_year_is_reported() {
        let d = date(2026, 12, 20);
        assert_eq!(
            case_deadline(&cal(), d, 20, &[], 0, d),
            Err(CalendarError::MissingYear(2027))
        );
    }

    #[test]
    fn amber_and_red_boundaries() {
        let c = cal();
        let deadline = date(2026, 11, 20); // Friday
        let u = |today| urgency(&c, deadline, today, 2, false);
        assert_eq!(working_days_left(&c, date(2026, 11, 17), deadline), Ok(3));
        assert_eq!(u(date(2026, 11, 17)), Ok(Urgency::Normal));
        assert_eq!(working_days_left(&c, date(2026, 11, 18), deadline), Ok(2));
        assert_eq!(u(date(2026, 11, 18)), Ok(Urgency::Amber));
        assert_eq!(u(date(2026, 11, 20)), Ok(Urgency::Amber));
        assert_eq!(working_days_left(&c, deadline, deadline), Ok(0));
        // Saturday after a Friday deadline: overdue.
        assert_eq!(working_days_left(&c, date(2026, 11, 21), deadline), Ok(-1));
        assert_eq!(u(date(2026, 11, 21)), Ok(Urgency::Red));
        assert_eq!(working_days_left(&c, date(2026, 11, 23), deadline), Ok(-1));
        assert_eq!(working_days_left(&c, date(2026, 11, 24), deadline), Ok(-2));
        // A lawful pause is never red.
        assert_eq!(
            urgency(&c, deadline, date(2026, 11, 24), 2, true),
            Ok(Urgency::Amber)
        );
        // Weekend before the deadline: Sat 14th → Mon..Fri = 5 left.
        assert_eq!(working_days_left(&c, date(2026, 11, 14), deadline), Ok(5));
        assert_eq!(
            urgency(&c, deadline, date(2026, 11, 14), 0, false),
            Ok(Urgency::Normal)
        );
        assert!(Urgency::Red > Urgency::Amber && Urgency::Amber > Urgency::Normal);
    }

    /// Acceptance dates from 2024-01-01 to 2026-09-30, so that 30 promised days
    /// plus pauses and an extension stay inside the built-in calendar.
    fn accepted_date() -> impl Strategy<Value = Date> {
        (0i64..1004).prop_map(|n| date(2024, 1, 1).checked_add(n.days()).unwrap_or(date(2024, 1, 1)))
    }

    fn pause_after(accepted: Date) -> impl Strategy<Value = Pause> {
        (1i64..40, 0i64..15).prop_map(move |(start, len)| {
            let from = accepted.checked_add(start.days()).unwrap_or(accepted);
            Pause {
                from,
                to: Some(from.checked_add(len.days()).unwrap_or(from)),
            }
        })
    }

    fn case_with_pause() -> impl Strategy<Value = (Date, u32, Pause, u32)> {
        (accepted_date(), 0u32..=30, 0u32..=15)
            .prop_flat_map(|(d, n, e)| (Just(d), Just(n), pause_after(d), Just(e)))
    }

    proptest! {
        #[test]
        fn deadline_is_a_workday_after_acceptance(accepted in accepted_date(), n in 0u32..=30) {
            let c = cal();
            let d = case_deadline(&c, accepted, n, &[], 0, accepted).unwrap();
            prop_assert!(d >= accepted);
            if n > 0 {
                prop_assert!(d > accepted);
                prop_assert_eq!(c.is_workday(d), Ok(true));
                prop_assert_eq!(c.workdays_between(accepted, d), Ok(n));
            } else {
                prop_assert_eq!(d, accepted);
            }
        }

        #[test]
        fn a_pause_moves_the_deadline_by_its_working_days((accepted, n, pause, _e) in case_with_pause()) {
            let c = cal();
            let today = date(2026, 12, 31);
            let before = case_deadline(&c, accepted, n, &[], 0, today).unwrap();
            let after = case_deadline(&c, accepted, n, &[pause], 0, today).unwrap();
            let k = paused_working_days(&c, &[pause], today).unwrap();
            prop_assert!(after >= before);
            prop_assert_eq!(c.workdays_between(before, after), Ok(k));
            prop_assert_eq!(c.deadline(before, k), Ok(after));
            if n + k > 0 {
                prop_assert_eq!(c.is_workday(after), Ok(true));
            }
            // The same pause twice, or split in two overlapping halves, counts once.
            let twice = case_deadline(&c, accepted, n, &[pause, pause], 0, today).unwrap();
            prop_assert_eq!(twice, after);
        }

        #[test]
        fn an_extension_moves_the_deadline_exactly((accepted, n, pause, e) in case_with_pause()) {
            let c = cal();
            let today = date(2026, 12, 31);
            let base = case_deadline(&c, accepted, n, &[pause], 0, today).unwrap();
            let extended = case_deadline(&c, accepted, n, &[pause], e, today).unwrap();
            prop_assert!(extended >= base);
            prop_assert_eq!(c.workdays_between(base, extended), Ok(e));
            prop_assert_eq!(c.deadline(base, e), Ok(extended));
        }

        #[test]
        fn more_pauses_never_bring_the_deadline_forward(
            (accepted, n, p1, _e) in case_with_pause(),
            extra in (1i64..60, 0i64..20),
        ) {
            let c = cal();
            let today = date(2026, 12, 31);
            let from = accepted.checked_add(extra.0.days()).unwrap();
            let p2 = Pause { from, to: Some(from.checked_add(extra.1.days()).unwrap()) };
            let one = case_deadline(&c, accepted, n, &[p1], 0, today).unwrap();
            let two = case_deadline(&c, accepted, n, &[p1, p2], 0, today).unwrap();
            prop_assert!(two >= one);
        }

        #[test]
        fn urgency_agrees_with_days_left(accepted in accepted_date(), n in 0u32..=30, t in 0i64..60, amber in 0u32..5) {
            let c = cal();
            let deadline = case_deadline(&c, accepted, n, &[], 0, accepted).unwrap();
            let today = accepted.checked_add(t.days()).unwrap();
            let left = working_days_left(&c, today, deadline).unwrap();
            let u = urgency(&c, deadline, today, amber, false).unwrap();
            prop_assert_eq!(left < 0, today > deadline);
            prop_assert_eq!(u == Urgency::Red, today > deadline);
            prop_assert_eq!(u == Urgency::Normal, left > i64::from(amber));
        }
    }
}
