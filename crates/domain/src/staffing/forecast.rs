//! The forecast of a day (到访预测): arrivals per category and half-hour as
//! the mean of the history days (the same weekday of the last weeks, holidays
//! left out) plus the appointments already booked for the day, the mean
//! service time (called → finished) per category, the share of green-channel
//! tickets and how often a category's people are transferred (转办).

use jiff::civil::{Date, Time};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Minutes in a planning slot (半小时).
pub const SLOT_MINUTES: u32 = 30;

/// The service time assumed for a category with no history, minutes.
pub const DEFAULT_SERVICE_MINUTES: f64 = 10.0;

/// A ticket of a history day, reduced to what the forecast reads.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryTicket {
    pub date: Date,
    pub category: String,
    /// Minute of the (local) day the ticket was taken.
    pub minute: u32,
    /// Called → finished, minutes, for a served ticket (finished or transferred on).
    pub service_minutes: Option<f64>,
    /// Taken → called, minutes, for a called ticket.
    pub wait_minutes: Option<f64>,
    /// Came with a priority (绿色通道).
    pub green: bool,
    /// Came with an appointment (预约取号): the day's own bookings stand for these.
    pub appointment: bool,
    /// The category of the ticket it was transferred from (转办), if any.
    pub transferred_from: Option<String>,
    /// The window that called it.
    pub window: Option<String>,
}

/// An appointment booked for the planned day.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub category: String,
    pub minute: u32,
}

/// The half-hours of a day: from `start` (minute of the day, a multiple of
/// 30), `open[i]` whether the hall is open in slot `i`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlotGrid {
    pub start: u32,
    pub open: Vec<bool>,
}

impl SlotGrid {
    /// The grid covering the opening periods (start, end minutes) and every
    /// minute in `extra` (tickets taken outside the hours in the history).
    pub fn covering(periods: &[(u32, u32)], extra: impl IntoIterator<Item = u32>) -> SlotGrid {
        let mut slots = BTreeSet::new();
        for &(from, to) in periods {
            let mut s = from / SLOT_MINUTES;
            while s * SLOT_MINUTES < to {
                slots.insert(s);
                s += 1;
            }
        }
        let open: BTreeSet<u32> = slots.clone();
        for m in extra {
            slots.insert(m.min(24 * 60 - 1) / SLOT_MINUTES);
        }
        let (Some(first), Some(last)) = (slots.first().copied(), slots.last().copied()) else {
            return SlotGrid {
                start: 0,
                open: Vec::new(),
            };
        };
        SlotGrid {
            start: first * SLOT_MINUTES,
            open: (first..=last).map(|s| open.contains(&s)).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// The slot holding minute `m` of the day.
    pub fn slot_of(&self, m: u32) -> Option<usize> {
        let m = m.checked_sub(self.start)?;
        let i = (m / SLOT_MINUTES) as usize;
        (i < self.len()).then_some(i)
    }

    /// "09:00" and "09:30" of slot `i`.
    pub fn bounds(&self, i: usize) -> (String, String) {
        let from = self.start + i as u32 * SLOT_MINUTES;
        (hhmm(from), hhmm(from + SLOT_MINUTES))
    }
}

/// Minute of the day as "HH:MM" (24:00 at the end of the day).
pub fn hhmm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Minute of the day of a time.
pub fn minute_of(t: Time) -> u32 {
    u32::from(t.hour().unsigned_abs()) * 60 + u32::from(t.minute().unsigned_abs())
}

/// The forecast of one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryForecast {
    pub category: String,
    /// Expected arrivals per slot: walk-ins (history mean) + bookings.
    pub arrivals: Vec<f64>,
    /// The history mean of walk-in arrivals per slot.
    pub walk_ins: Vec<f64>,
    /// Appointments booked per slot.
    pub booked: Vec<u32>,
    pub service_minutes: f64,
    /// How many served tickets the service time was measured on (0 = the default).
    pub service_samples: u32,
    pub green_share: f64,
    /// (category index, probability) of being transferred on after service.
    pub transfers: Vec<(usize, f64)>,
}

/// The forecast of a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub grid: SlotGrid,
    /// The history days that had tickets (the mean is over these).
    pub days_used: Vec<Date>,
    pub categories: Vec<CategoryForecast>,
}

/// Builds the forecast: `history_days` the days to average over (those with
/// no ticket at all are taken as days before the hall used the system and
/// left out), `tickets` the tickets of those days, `bookings` the
/// appointments booked for the day.
pub fn forecast(
    categories: &[String],
    grid: SlotGrid,
    history_days: &[Date],
    tickets: &[HistoryTicket],
    bookings: &[Booking],
) -> Forecast {
    let index: BTreeMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let with_tickets: BTreeSet<Date> = tickets.iter().map(|t| t.date).collect();
    let days_used: Vec<Date> = history_days
        .iter()
        .copied()
        .filter(|d| with_tickets.contains(d))
        .collect();
    let used: BTreeSet<Date> = days_used.iter().copied().collect();
    let n = categories.len();
    let slots = grid.len();
    let mut walk: Vec<Vec<f64>> = vec![vec![0.0; slots]; n];
    let mut fresh = vec![0u64; n];
    let mut green = vec![0u64; n];
    let mut service_sum = vec![0.0; n];
    let mut service_n = vec![0u32; n];
    let mut served = vec![0u64; n];
    let mut moved: Vec<BTreeMap<usize, u64>> = vec![BTreeMap::new(); n];
    for t in tickets.iter().filter(|t| used.contains(&t.date)) {
        let Some(&c) = index.get(t.category.as_str()) else {
            continue;
        };
        if let Some(s) = t.service_minutes.filter(|s| s.is_finite() && *s >= 0.0) {
            service_sum[c] += s;
            service_n[c] += 1;
            served[c] += 1;
        }
        match t.transferred_from.as_deref().and_then(|f| index.get(f)) {
            Some(&from) => *moved[from].entry(c).or_insert(0) += 1,
            None if t.transferred_from.is_none() => {
                fresh[c] += 1;
                green[c] += u64::from(t.green);
                if !t.appointment
                    && let Some(s) = grid.slot_of(t.minute)
                {
                    walk[c][s] += 1.0;
                }
            }
            // Transferred from a category no longer offered: not a fresh arrival.
            None => {}
        }
    }
    let days = days_used.len().max(1) as f64;
    let categories = categories
        .iter()
        .enumerate()
        .map(|(c, code)| {
            let walk_ins: Vec<f64> = walk[c].iter().map(|x| x / days).collect();
            let mut booked = vec![0u32; slots];
            for b in bookings.iter().filter(|b| b.category == *code) {
                if let Some(s) = grid.slot_of(b.minute) {
                    booked[s] += 1;
                }
            }
            let arrivals = walk_ins
                .iter()
                .zip(&booked)
                .map(|(w, b)| w + f64::from(*b))
                .collect();
            let (service_minutes, service_samples) = if service_n[c] > 0 {
                // Never below half a minute: a row of instant finishes is a
                // data-entry habit, not a service time.
                ((service_sum[c] / f64::from(service_n[c])).max(0.5), service_n[c])
            } else {
                (DEFAULT_SERVICE_MINUTES, 0)
            };
            let transfers = if served[c] > 0 {
                moved[c]
                    .iter()
                    .map(|(to, k)| (*to, (*k as f64 / served[c] as f64).min(1.0)))
                    .collect()
            } else {
                Vec::new()
            };
            CategoryForecast {
                category: code.clone(),
                arrivals,
                walk_ins,
                booked,
                service_minutes,
                service_samples,
                green_share: if fresh[c] > 0 {
                    green[c] as f64 / fresh[c] as f64
                } else {
                    0.0
                },
                transfers,
            }
        })
        .collect();
    Forecast {
        grid,
        days_used,
        categories,
    }
}

impl Forecast {
    /// Scales every category's arrivals (what-if: 多来两成人).
    pub fn scaled(mut self, factor: f64) -> Forecast {
        for c in &mut self.categories {
            for a in &mut c.arrivals {
                *a *= factor;
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ticket(d: Date, c: &str, minute: u32) -> HistoryTicket {
        HistoryTicket {
            date: d,
            category: c.into(),
            minute,
            service_minutes: Some(6.0),
            wait_minutes: Some(1.0),
            green: false,
            appointment: false,
            transferred_from: None,
            window: None,
        }
    }

    #[test]
    fn grid_covers_the_periods_and_the_history() {
        let g = SlotGrid::covering(&[(540, 720), (810, 1050)], [500]);
        assert_eq!(g.start, 480);
        assert_eq!(g.len(), (1050 - 480) / 30);
        assert!(!g.open[0] && g.open[2] && !g.open[8] && g.open[11]);
        assert_eq!(g.slot_of(545), Some(2));
        assert_eq!(g.slot_of(100), None);
        assert_eq!(g.bounds(2), ("09:00".into(), "09:30".into()));
        assert!(SlotGrid::covering(&[], []).is_empty());
    }

    #[test]
    fn mean_over_days_with_tickets_plus_bookings() {
        let days = [date(2026, 11, 3), date(2026, 11, 10), date(2026, 11, 17)];
        let mut t = Vec::new();
        for d in &days[..2] {
            for m in [540, 545, 550, 600] {
                t.push(ticket(*d, "A", m));
            }
        }
        // An appointment ticket and a transfer are not walk-ins.
        let mut appt = ticket(days[0], "A", 541);
        appt.appointment = true;
        t.push(appt);
        let mut moved = ticket(days[0], "B", 560);
        moved.transferred_from = Some("A".into());
        moved.service_minutes = Some(2.0);
        t.push(moved);
        let mut g = ticket(days[1], "A", 543);
        g.green = true;
        t.push(g);
        let grid = SlotGrid::covering(&[(540, 720)], []);
        let f = forecast(
            &["A".into(), "B".into()],
            grid,
            &days,
            &t,
            &[Booking {
                category: "A".into(),
                minute: 555,
            }],
        );
        assert_eq!(f.days_used, days[..2].to_vec());
        let a = &f.categories[0];
        assert_eq!(a.walk_ins[0], 3.5); // (3 + 3 + the green one) / 2 days
        assert_eq!(a.arrivals[0], 4.5);
        assert_eq!(a.arrivals[2], 1.0);
        assert_eq!(a.booked[0], 1);
        assert_eq!(a.service_minutes, 6.0);
        assert!((a.green_share - 1.0 / 10.0).abs() < 1e-9);
        assert_eq!(a.transfers, vec![(1, 0.1)]);
        let b = &f.categories[1];
        assert_eq!(b.arrivals.iter().sum::<f64>(), 0.0);
        assert_eq!((b.service_minutes, b.service_samples), (2.0, 1));
    }

    #[test]
    fn no_history_takes_the_default() {
        let grid = SlotGrid::covering(&[(540, 600)], []);
        let f = forecast(&["A".into()], grid, &[date(2026, 11, 3)], &[], &[]);
        assert!(f.days_used.is_empty());
        assert_eq!(f.categories[0].service_minutes, DEFAULT_SERVICE_MINUTES);
        assert_eq!(f.categories[0].service_samples, 0);
        assert_eq!(f.clone().scaled(2.0).categories[0].arrivals, vec![0.0, 0.0]);
    }
}
