//! 统计图 (issue 18 part 2): the binning and averaging rules the hall's charts
//! use, so the picture on the TV and the table beside it count the same way.
//!
//! - Arrivals (到访) fall into the half-hour of the business day in which the
//!   ticket was taken, read in the hall's time zone (Asia/Shanghai):
//!   08:59:59 is the 08:30 slot, 09:00:00 the 09:00 slot.
//! - The same weekday's average (同星期平均) is taken over the previous
//!   [`AVERAGE_WEEKS`] same weekdays on which the hall had any arrival: a
//!   holiday with the hall closed is left out rather than counted as zero.
//! - Waits (等候时长) from taking the ticket to being called fall into the
//!   bins of [`WAIT_BIN_EDGES`] (lower edge included, upper edge excluded),
//!   the last bin open-ended.
//! - The satisfaction chart's months are the calendar months up to `to`,
//!   the last one cut at `to`.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Half-hours in a day.
pub const SLOTS_PER_DAY: usize = 48;

/// How many previous same weekdays the arrivals chart averages.
pub const AVERAGE_WEEKS: usize = 4;

/// Lower edges of the wait bins in minutes; the last bin is "60 分钟以上".
pub const WAIT_BIN_EDGES: [u32; 8] = [0, 5, 10, 15, 20, 30, 45, 60];

/// Months the satisfaction chart shows.
pub const SATISFACTION_MONTHS: usize = 12;

/// The half-hour slot (0 = 00:00–00:30 … 47 = 23:30–24:00) of an instant in `tz`.
pub fn half_hour_slot(at: Timestamp, tz: &TimeZone) -> usize {
    let time = at.to_zoned(tz.clone()).time();
    let hour = usize::try_from(time.hour()).unwrap_or(0);
    let minute = usize::try_from(time.minute()).unwrap_or(0);
    (hour * 2 + minute / 30).min(SLOTS_PER_DAY - 1)
}

/// The label of a slot: "09:30".
pub fn slot_label(slot: usize) -> String {
    let slot = slot.min(SLOTS_PER_DAY - 1);
    format!("{:02}:{:02}", slot / 2, (slot % 2) * 30)
}

/// Arrivals per half-hour of instants (each in the day it belongs to).
pub fn arrivals_per_slot(taken: impl IntoIterator<Item = Timestamp>, tz: &TimeZone) -> [u64; SLOTS_PER_DAY] {
    let mut out = [0u64; SLOTS_PER_DAY];
    for at in taken {
        out[half_hour_slot(at, tz)] += 1;
    }
    out
}

/// The same weekday's average per slot over the days given (each day's
/// arrivals per slot): days without any arrival (the hall closed) are left
/// out; `None` when no day had arrivals. One decimal.
pub fn weekday_average(days: &[[u64; SLOTS_PER_DAY]]) -> Option<[f64; SLOTS_PER_DAY]> {
    let open: Vec<&[u64; SLOTS_PER_DAY]> = days.iter().filter(|d| d.iter().any(|n| *n > 0)).collect();
    if open.is_empty() {
        return None;
    }
    let mut out = [0f64; SLOTS_PER_DAY];
    for (slot, v) in out.iter_mut().enumerate() {
        let sum: u64 = open.iter().map(|d| d[slot]).sum();
        *v = (sum as f64 / open.len() as f64 * 10.0).round() / 10.0;
    }
    Some(out)
}

/// The previous `weeks` same weekdays before `date`, nearest first.
pub fn same_weekdays_before(date: Date, weeks: usize) -> Vec<Date> {
    (1..=weeks)
        .filter_map(|w| {
            let back = i64::try_from(w * 7).ok()?;
            date.checked_sub(jiff::Span::new().days(back)).ok()
        })
        .collect()
}

/// The slots the arrivals chart shows: from the earlier of 08:00 and the
/// first slot with a figure to the later of 18:00 and the last one.
pub fn shown_slots(
    today: &[u64; SLOTS_PER_DAY],
    average: Option<&[f64; SLOTS_PER_DAY]>,
) -> std::ops::Range<usize> {
    let busy = |s: usize| today[s] > 0 || average.is_some_and(|a| a[s] > 0.0);
    let first = (0..SLOTS_PER_DAY).find(|s| busy(*s)).unwrap_or(16).min(16);
    let last = (0..SLOTS_PER_DAY).rev().find(|s| busy(*s)).unwrap_or(35).max(35);
    first..last + 1
}

/// The wait bin of a wait in seconds.
pub fn wait_bin(seconds: i64) -> usize {
    let minutes = seconds.max(0) / 60;
    WAIT_BIN_EDGES
        .iter()
        .rposition(|edge| minutes >= i64::from(*edge))
        .unwrap_or(0)
}

/// The labels of the wait bins: "0–5", …, "60以上" (minutes).
pub fn wait_bin_labels() -> Vec<String> {
    WAIT_BIN_EDGES
        .iter()
        .enumerate()
        .map(|(i, lo)| match WAIT_BIN_EDGES.get(i + 1) {
            Some(hi) => format!("{lo}–{hi}"),
            None => format!("{lo}以上"),
        })
        .collect()
}

/// Counts of waits (seconds) per bin.
pub fn wait_histogram(waits: impl IntoIterator<Item = i64>) -> [u64; WAIT_BIN_EDGES.len()] {
    wait_histogram_of_counts(waits.into_iter().map(|w| (w, 1)))
}

/// Counts per bin of waits given as (whole seconds, how many tickets waited
/// that long), as the store counts them: the same bins as [`wait_histogram`]
/// over the tickets one by one.
pub fn wait_histogram_of_counts(waits: impl IntoIterator<Item = (i64, u64)>) -> [u64; WAIT_BIN_EDGES.len()] {
    let mut out = [0u64; WAIT_BIN_EDGES.len()];
    for (w, n) in waits {
        out[wait_bin(w)] += n;
    }
    out
}

/// The calendar months ending with `to`'s (at most `n`), each as
/// `(first day, last day)`, the last one cut at `to`, oldest first.
pub fn months_up_to(to: Date, n: usize) -> Vec<(Date, Date)> {
    let mut out = Vec::with_capacity(n);
    let mut first = to.first_of_month();
    let mut last = to;
    for _ in 0..n {
        out.push((first, last));
        let Ok(prev_last) = first.yesterday() else {
            break;
        };
        last = prev_last;
        first = prev_last.first_of_month();
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn half_hours_are_read_in_shanghai() {
        let tz = shanghai();
        // 00:59:59Z is 08:59:59 in Shanghai: the 08:30 slot.
        assert_eq!(half_hour_slot(at("2026-12-07T00:59:59Z"), &tz), 17);
        assert_eq!(slot_label(17), "08:30");
        // 01:00:00Z is 09:00 sharp: the next slot.
        assert_eq!(half_hour_slot(at("2026-12-07T01:00:00Z"), &tz), 18);
        assert_eq!(slot_label(18), "09:00");
        // Late UTC evening is the next morning in Shanghai.
        assert_eq!(half_hour_slot(at("2026-12-06T16:10:00Z"), &tz), 0);
        assert_eq!(slot_label(47), "23:30");
        let bins = arrivals_per_slot(
            [
                at("2026-12-07T01:00:00Z"),
                at("2026-12-07T01:29:59Z"),
                at("2026-12-07T01:30:00Z"),
            ],
            &tz,
        );
        assert_eq!((bins[18], bins[19], bins.iter().sum::<u64>()), (2, 1, 3));
    }

    #[test]
    fn the_average_leaves_out_closed_days() {
        let mut a = [0u64; SLOTS_PER_DAY];
        let mut b = [0u64; SLOTS_PER_DAY];
        a[18] = 3;
        b[18] = 4;
        b[19] = 1;
        let closed = [0u64; SLOTS_PER_DAY];
        let avg = weekday_average(&[a, closed, b]).unwrap();
        assert_eq!((avg[18], avg[19], avg[20]), (3.5, 0.5, 0.0));
        assert!(weekday_average(&[closed, closed]).is_none());
        assert!(weekday_average(&[]).is_none());
    }

    #[test]
    fn same_weekdays_go_back_by_weeks() {
        let d = date(2026, 12, 7);
        assert_eq!(
            same_weekdays_before(d, 4),
            vec![
                date(2026, 11, 30),
                date(2026, 11, 23),
                date(2026, 11, 16),
                date(2026, 11, 9)
            ]
        );
        assert!(
            same_weekdays_before(d, 4)
                .iter()
                .all(|x| x.weekday() == d.weekday())
        );
    }

    #[test]
    fn the_shown_slots_cover_opening_hours_and_every_figure() {
        let mut t = [0u64; SLOTS_PER_DAY];
        assert_eq!(shown_slots(&t, None), 16..36);
        t[14] = 1;
        t[40] = 2;
        assert_eq!(shown_slots(&t, None), 14..41);
    }

    #[test]
    fn waits_fall_into_their_bins() {
        assert_eq!(wait_bin(0), 0);
        assert_eq!(wait_bin(299), 0);
        assert_eq!(wait_bin(300), 1);
        assert_eq!(wait_bin(20 * 60), 4);
        assert_eq!(wait_bin(29 * 60 + 59), 4);
        assert_eq!(wait_bin(30 * 60), 5);
        assert_eq!(wait_bin(60 * 60), 7);
        assert_eq!(wait_bin(10 * 3600), 7);
        assert_eq!(wait_bin(-5), 0);
        assert_eq!(wait_bin_labels().first().map(String::as_str), Some("0–5"));
        assert_eq!(wait_bin_labels().last().map(String::as_str), Some("60以上"));
        assert_eq!(wait_histogram([0, 301, 302, 4000]), [1, 2, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn twelve_months_end_at_to() {
        let m = months_up_to(date(2026, 3, 15), 12);
        assert_eq!(m.len(), 12);
        assert_eq!(m[0], (date(2025, 4, 1), date(2025, 4, 30)));
        assert_eq!(m[10], (date(2026, 2, 1), date(2026, 2, 28)));
        assert_eq!(m[11], (date(2026, 3, 1), date(2026, 3, 15)));
    }

    proptest! {
        #[test]
        fn counted_waits_bin_as_the_tickets_one_by_one(waits in proptest::collection::vec((-100i64..20_000, 0u64..5), 0..100)) {
            let one_by_one: Vec<i64> = waits.iter().flat_map(|(w, n)| std::iter::repeat_n(*w, *n as usize)).collect();
            prop_assert_eq!(wait_histogram_of_counts(waits.iter().copied()), wait_histogram(one_by_one));
        }

        #[test]
        fn every_wait_lands_in_exactly_one_bin(waits in proptest::collection::vec(-100i64..20_000, 0..200)) {
            let h = wait_histogram(waits.iter().copied());
            prop_assert_eq!(h.iter().sum::<u64>(), waits.len() as u64);
            for w in waits {
                let b = wait_bin(w);
                let m = w.max(0) / 60;
                prop_assert!(m >= i64::from(WAIT_BIN_EDGES[b]));
                if let Some(hi) = WAIT_BIN_EDGES.get(b + 1) {
                    prop_assert!(m < i64::from(*hi));
                }
            }
        }

        #[test]
        fn months_are_contiguous(y in 2001i16..2090, m in 1i8..=12, d in 1i8..=28) {
            let to = date(y, m, d);
            let months = months_up_to(to, SATISFACTION_MONTHS);
            prop_assert_eq!(months.len(), SATISFACTION_MONTHS);
            prop_assert_eq!(months[SATISFACTION_MONTHS - 1].1, to);
            for w in months.windows(2) {
                prop_assert_eq!(w[0].1.tomorrow().unwrap(), w[1].0);
            }
            for (a, b) in &months {
                prop_assert_eq!(a.day(), 1);
                prop_assert!(a <= b);
            }
        }

        #[test]
        fn every_instant_lands_in_its_slot(secs in 1_700_000_000i64..1_900_000_000) {
            let tz = shanghai();
            let t = Timestamp::from_second(secs).unwrap();
            let slot = half_hour_slot(t, &tz);
            let time = t.to_zoned(tz).time();
            let minutes = i32::from(time.hour()) * 60 + i32::from(time.minute());
            prop_assert!(minutes >= slot as i32 * 30 && minutes < slot as i32 * 30 + 30);
        }
    }
}
