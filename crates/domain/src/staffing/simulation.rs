//! A discrete-event simulation of a hall day (仿真): people arrive per
//! category and half-hour (a Poisson process at the forecast rate), take a
//! ticket, wait in their category's line and are called by the first free
//! window that serves the category; green-channel tickets (绿色通道) and
//! transfers (转办) are called before the others; windows open per half-hour,
//! stop calling during their breaks, finish the person in front of them before
//! closing, and the windows open at closing time keep calling until everyone
//! who took a ticket has been served. Service times are exponential with the
//! category's mean (the assumption Erlang C makes, so the two can be compared).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// One category of the simulated day.
#[derive(Debug, Clone, PartialEq)]
pub struct SimCategory {
    /// Expected fresh arrivals in each slot.
    pub arrivals: Vec<f64>,
    /// Mean service minutes.
    pub service_minutes: f64,
    /// Share of arrivals who come with a green-channel priority (0..1).
    pub green_share: f64,
    /// After being served, the chance of being transferred (转办) to another
    /// category (its index), where the person is called first.
    pub transfers: Vec<(usize, f64)>,
}

/// One window of the simulated day.
#[derive(Debug, Clone, PartialEq)]
pub struct SimWindow {
    /// The categories it calls (indexes into [`SimDay::categories`]).
    pub categories: Vec<usize>,
    /// Whether it is staffed in each slot.
    pub open: Vec<bool>,
    /// Breaks (minutes from the day's start, from–to) when it calls nobody.
    pub breaks: Vec<(f64, f64)>,
}

/// The day to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct SimDay {
    pub slot_minutes: f64,
    pub slots: usize,
    pub categories: Vec<SimCategory>,
    pub windows: Vec<SimWindow>,
    pub target_wait_minutes: f64,
}

/// What one category saw in one slot (people counted by when their ticket
/// was taken), pooled over the replications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlotStats {
    /// Tickets taken (fresh and transferred), per replication on average.
    pub tickets: f64,
    /// Of them, served by the day's end (per replication).
    pub served: f64,
    /// Share called within the target wait (`None` when nobody came).
    pub service_level: Option<f64>,
    /// Mean wait of those served, minutes.
    pub mean_wait: Option<f64>,
    /// 90th percentile of the wait, minutes.
    pub p90_wait: Option<f64>,
}

/// The simulation's answer: `stats[category][slot]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOutcome {
    pub replications: u32,
    pub stats: Vec<Vec<SlotStats>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Arrival {
        category: usize,
        priority: bool,
    },
    Finish {
        window: usize,
    },
    /// A half-hour boundary.
    Slot,
    /// The end of a break.
    Wake,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Event {
    at: f64,
    seq: u64,
    kind: Kind,
}

impl Eq for Event {}
impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        // Earliest first out of the max-heap.
        other
            .at
            .total_cmp(&self.at)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone, Copy)]
struct Waiting {
    at: f64,
    slot: usize,
}

struct Run<'a> {
    day: &'a SimDay,
    rng: StdRng,
    events: BinaryHeap<Event>,
    seq: u64,
    /// Per category: the priority line and the ordinary line.
    lines: Vec<(VecDeque<Waiting>, VecDeque<Waiting>)>,
    busy: Vec<Option<usize>>,
    /// Windows whose hours ended at this instant and still have a line.
    draining: Vec<Option<f64>>,
    /// Windows per category.
    serving: Vec<Vec<usize>>,
    end: f64,
    /// waits[category][slot]: the waits of those served; tickets[category][slot].
    waits: Vec<Vec<Vec<f64>>>,
    tickets: Vec<Vec<u64>>,
}

fn exponential(rng: &mut StdRng, mean: f64) -> f64 {
    let u: f64 = rng.random();
    -(1.0 - u).ln() * mean
}

impl Run<'_> {
    fn push(&mut self, at: f64, kind: Kind) {
        self.seq += 1;
        self.events.push(Event {
            at,
            seq: self.seq,
            kind,
        });
    }

    fn slot_of(&self, at: f64) -> usize {
        let s = (at / self.day.slot_minutes).floor();
        if s < 0.0 {
            0
        } else {
            (s as usize).min(self.day.slots.saturating_sub(1))
        }
    }

    /// Whether window `w` may call someone at `at`.
    fn available(&self, w: usize, at: f64) -> bool {
        let window = &self.day.windows[w];
        let slot = if at >= self.end {
            self.day.slots.saturating_sub(1)
        } else {
            self.slot_of(at)
        };
        window.open.get(slot).copied().unwrap_or(false)
            && !window.breaks.iter().any(|(from, to)| *from <= at && at < *to)
    }

    /// Window `w`, free at `at`, calls the next person of its categories:
    /// the earliest priority ticket, else the earliest ticket. A window whose
    /// half-hours have ended finishes the line it had (those who took their
    /// ticket before it closed) before it goes.
    fn call_next(&mut self, w: usize, at: f64) {
        if self.busy[w].is_some() {
            return;
        }
        let cutoff = if self.available(w, at) {
            f64::INFINITY
        } else {
            match self.draining[w] {
                Some(b) => b,
                None => return,
            }
        };
        let day = self.day;
        let pick = |priority: bool, lines: &Vec<(VecDeque<Waiting>, VecDeque<Waiting>)>| {
            day.windows[w]
                .categories
                .iter()
                .filter_map(|&c| {
                    let line = if priority { &lines[c].0 } else { &lines[c].1 };
                    line.front().filter(|p| p.at < cutoff).map(|p| (c, p.at))
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(c, _)| c)
        };
        let (category, priority) = match pick(true, &self.lines) {
            Some(c) => (c, true),
            None => match pick(false, &self.lines) {
                Some(c) => (c, false),
                None => {
                    self.draining[w] = None;
                    return;
                }
            },
        };
        let line = if priority {
            &mut self.lines[category].0
        } else {
            &mut self.lines[category].1
        };
        let Some(person) = line.pop_front() else {
            return;
        };
        self.start(w, category, person, at);
    }

    /// At a half-hour boundary: windows whose hours end start draining.
    fn boundary(&mut self, at: f64) {
        let slot = self.slot_of(at);
        for w in 0..self.busy.len() {
            let open = &self.day.windows[w].open;
            let was = slot > 0 && open.get(slot - 1).copied().unwrap_or(false);
            let is = open.get(slot).copied().unwrap_or(false);
            if was && !is {
                self.draining[w] = Some(at);
            }
            self.call_next(w, at);
        }
    }

    fn start(&mut self, w: usize, category: usize, person: Waiting, at: f64) {
        self.waits[category][person.slot].push(at - person.at);
        self.busy[w] = Some(category);
        let mean = self.day.categories[category].service_minutes;
        let took = exponential(&mut self.rng, mean);
        self.push(at + took, Kind::Finish { window: w });
    }

    fn arrive(&mut self, category: usize, priority: bool, at: f64) {
        let slot = self.slot_of(at);
        self.tickets[category][slot] += 1;
        let person = Waiting { at, slot };
        let free = self.serving[category]
            .iter()
            .copied()
            .find(|&w| self.busy[w].is_none() && self.available(w, at));
        match free {
            // Nobody can be ahead of them: a free window serving the
            // category would already have called them.
            Some(w) => self.start(w, category, person, at),
            None if priority => self.lines[category].0.push_back(person),
            None => self.lines[category].1.push_back(person),
        }
    }

    fn finish(&mut self, w: usize, at: f64) {
        let Some(category) = self.busy[w].take() else {
            return;
        };
        let u: f64 = self.rng.random();
        let mut acc = 0.0;
        let transfers = &self.day.categories[category].transfers;
        let mut to = None;
        for &(target, p) in transfers {
            acc += p;
            if u < acc {
                to = Some(target);
                break;
            }
        }
        if let Some(target) = to.filter(|t| *t < self.day.categories.len()) {
            self.arrive(target, true, at);
        }
        self.call_next(w, at);
    }

    fn run(mut self) -> (Vec<Vec<Vec<f64>>>, Vec<Vec<u64>>) {
        let day = self.day;
        for (c, cat) in day.categories.iter().enumerate() {
            for (s, &expected) in cat.arrivals.iter().enumerate().take(day.slots) {
                if expected <= 0.0 || !expected.is_finite() {
                    continue;
                }
                let from = s as f64 * day.slot_minutes;
                let to = from + day.slot_minutes;
                let mean_gap = day.slot_minutes / expected;
                let mut at = from + exponential(&mut self.rng, mean_gap);
                while at < to {
                    let u: f64 = self.rng.random();
                    let priority = u < cat.green_share;
                    self.push(
                        at,
                        Kind::Arrival {
                            category: c,
                            priority,
                        },
                    );
                    at += exponential(&mut self.rng, mean_gap);
                }
            }
        }
        for s in 1..day.slots {
            self.push(s as f64 * day.slot_minutes, Kind::Slot);
        }
        for w in &day.windows {
            for &(_, to) in &w.breaks {
                self.push(to, Kind::Wake);
            }
        }
        while let Some(e) = self.events.pop() {
            match e.kind {
                Kind::Arrival { category, priority } => self.arrive(category, priority, e.at),
                Kind::Finish { window } => self.finish(window, e.at),
                Kind::Slot => self.boundary(e.at),
                Kind::Wake => {
                    for w in 0..self.busy.len() {
                        self.call_next(w, e.at);
                    }
                }
            }
        }
        (self.waits, self.tickets)
    }
}

/// Simulates `day` `replications` times from `seed` and pools the results.
pub fn simulate(day: &SimDay, seed: u64, replications: u32) -> SimOutcome {
    let n = day.categories.len();
    let mut waits: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); day.slots]; n];
    let mut tickets: Vec<Vec<u64>> = vec![vec![0; day.slots]; n];
    let mut serving: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (w, window) in day.windows.iter().enumerate() {
        for &c in &window.categories {
            if c < n {
                serving[c].push(w);
            }
        }
    }
    let replications = replications.max(1);
    for r in 0..replications {
        let run = Run {
            day,
            rng: StdRng::seed_from_u64(seed.wrapping_add(u64::from(r).wrapping_mul(0x9E37_79B9_7F4A_7C15))),
            events: BinaryHeap::new(),
            seq: 0,
            lines: vec![(VecDeque::new(), VecDeque::new()); n],
            busy: vec![None; day.windows.len()],
            draining: vec![None; day.windows.len()],
            serving: serving.clone(),
            end: day.slots as f64 * day.slot_minutes,
            waits: vec![vec![Vec::new(); day.slots]; n],
            tickets: vec![vec![0; day.slots]; n],
        };
        let (w, t) = run.run();
        for ((all, all_t), (w, t)) in waits.iter_mut().zip(tickets.iter_mut()).zip(w.iter().zip(&t)) {
            for ((a, at), (x, y)) in all.iter_mut().zip(all_t.iter_mut()).zip(w.iter().zip(t)) {
                a.extend_from_slice(x);
                *at += *y;
            }
        }
    }
    let reps = f64::from(replications);
    let target = day.target_wait_minutes;
    let stats = waits
        .into_iter()
        .zip(tickets)
        .map(|(per_slot, counts)| {
            per_slot
                .into_iter()
                .zip(counts)
                .map(|(mut w, count)| {
                    if count == 0 {
                        return SlotStats::default();
                    }
                    w.sort_by(f64::total_cmp);
                    let within = w.iter().filter(|x| **x <= target + 1e-9).count();
                    let served = w.len();
                    SlotStats {
                        tickets: count as f64 / reps,
                        served: served as f64 / reps,
                        // The unserved count against the target.
                        service_level: Some(within as f64 / count as f64),
                        mean_wait: (served > 0).then(|| w.iter().sum::<f64>() / served as f64),
                        p90_wait: percentile(&w, 0.9),
                    }
                })
                .collect()
        })
        .collect();
    SimOutcome { replications, stats }
}

/// The `q` quantile of sorted values (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

impl SimOutcome {
    /// Pooled over slots: (share within target, mean wait) of one category.
    pub fn category_totals(&self, category: usize) -> (Option<f64>, Option<f64>) {
        let Some(slots) = self.stats.get(category) else {
            return (None, None);
        };
        let tickets: f64 = slots.iter().map(|s| s.tickets).sum();
        let served: f64 = slots.iter().map(|s| s.served).sum();
        let within: f64 = slots
            .iter()
            .map(|s| s.service_level.unwrap_or(0.0) * s.tickets)
            .sum();
        let waited: f64 = slots.iter().map(|s| s.mean_wait.unwrap_or(0.0) * s.served).sum();
        (
            (tickets > 0.0).then(|| within / tickets),
            (served > 0.0).then(|| waited / served),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::erlang;

    fn stationary(lambda_per_hour: f64, service: f64, windows: usize, hours: usize) -> SimDay {
        let slots = hours * 2;
        SimDay {
            slot_minutes: 30.0,
            slots,
            categories: vec![SimCategory {
                arrivals: vec![lambda_per_hour / 2.0; slots],
                service_minutes: service,
                green_share: 0.0,
                transfers: Vec::new(),
            }],
            windows: (0..windows)
                .map(|_| SimWindow {
                    categories: vec![0],
                    open: vec![true; slots],
                    breaks: Vec::new(),
                })
                .collect(),
            target_wait_minutes: 5.0,
        }
    }

    /// Stationary inputs: 60 people an hour, 5 minutes each (A = 5), 7
    /// windows, 2 000 simulated hours (≈120 000 people). Erlang C predicts a
    /// mean wait of C·s/(N−A) ≈ 0.75 min and 5-minute service level ≈ 0.97;
    /// the simulation must agree within 10 % on the wait and 1 point on the
    /// service level (the day's first half-hour starts empty, which the
    /// 2 000 hours wash out).
    #[test]
    fn stationary_mean_wait_matches_erlang_c() {
        let day = stationary(60.0, 5.0, 7, 2000);
        let out = simulate(&day, 7, 1);
        let (sl, wait) = out.category_totals(0);
        let (sl, wait) = (sl.unwrap(), wait.unwrap());
        let predicted = erlang::mean_wait(7, 5.0, 5.0);
        let predicted_sl = erlang::service_level(7, 5.0, 5.0, 5.0);
        assert!(
            (wait - predicted).abs() / predicted < 0.10,
            "simulated {wait}, Erlang C {predicted}"
        );
        assert!(
            (sl - predicted_sl).abs() < 0.01,
            "simulated {sl}, Erlang C {predicted_sl}"
        );
    }

    /// A busier line (A = 9 on 10 windows, ρ = 0.9) over 3 000 hours: the
    /// wait is long and variable, so the tolerance is 15 %.
    #[test]
    fn heavy_load_mean_wait_matches_erlang_c() {
        let day = stationary(108.0, 5.0, 10, 3000);
        let out = simulate(&day, 11, 1);
        let (_, wait) = out.category_totals(0);
        let wait = wait.unwrap();
        let predicted = erlang::mean_wait(10, 9.0, 5.0);
        assert!(
            (wait - predicted).abs() / predicted < 0.15,
            "simulated {wait}, Erlang C {predicted}"
        );
    }

    #[test]
    fn same_seed_same_day() {
        let day = stationary(40.0, 6.0, 4, 8);
        assert_eq!(simulate(&day, 3, 5), simulate(&day, 3, 5));
        assert_ne!(simulate(&day, 3, 5), simulate(&day, 4, 5));
    }

    #[test]
    fn everyone_is_served_by_the_windows_open_at_closing() {
        // Overloaded: 3 windows for 5 erlangs; the line is worked off after hours.
        let day = stationary(60.0, 5.0, 3, 4);
        let out = simulate(&day, 1, 10);
        for s in &out.stats[0] {
            assert!((s.tickets - s.served).abs() < 1e-9);
        }
        assert!(out.stats[0][7].mean_wait.unwrap() > 30.0);
    }

    #[test]
    fn green_channel_is_called_first() {
        let mut day = stationary(50.0, 5.0, 5, 400);
        day.categories[0].green_share = 0.2;
        let out = simulate(&day, 5, 1);
        // Split by priority through a second category fed only by green tickets
        // would change the model; instead compare against the no-priority run:
        // the share within target of everyone is unchanged, but waits are more
        // spread (p90 up), as priority reorders the same work.
        let plain = simulate(&stationary(50.0, 5.0, 5, 400), 5, 1);
        let (sl, _) = out.category_totals(0);
        let (plain_sl, _) = plain.category_totals(0);
        assert!((sl.unwrap() - plain_sl.unwrap()).abs() < 0.03);
        // And a priority-only category served by a shared window jumps the line:
        let mut shared = stationary(0.0, 5.0, 2, 200);
        shared.categories[0].arrivals = vec![50.0 / 2.0; 400];
        shared.categories.push(SimCategory {
            arrivals: vec![5.0 / 2.0; 400],
            service_minutes: 5.0,
            green_share: 1.0,
            transfers: Vec::new(),
        });
        for w in &mut shared.windows {
            w.categories.push(1);
        }
        let out = simulate(&shared, 9, 1);
        let (_, ordinary) = out.category_totals(0);
        let (_, green) = out.category_totals(1);
        assert!(
            green.unwrap() < ordinary.unwrap() / 2.0,
            "{green:?} vs {ordinary:?}"
        );
    }

    #[test]
    fn breaks_lengthen_the_wait() {
        let day = stationary(40.0, 5.0, 4, 8);
        let mut with_breaks = day.clone();
        for (i, w) in with_breaks.windows.iter_mut().enumerate() {
            let start = 60.0 + 20.0 * i as f64;
            w.breaks.push((start, start + 60.0));
        }
        let (_, plain) = simulate(&day, 2, 200).category_totals(0);
        let (_, broken) = simulate(&with_breaks, 2, 200).category_totals(0);
        assert!(broken.unwrap() > plain.unwrap() * 1.2, "{broken:?} vs {plain:?}");
    }

    #[test]
    fn transfers_bring_work_to_the_target_category() {
        let mut day = stationary(30.0, 5.0, 3, 8);
        day.categories.push(SimCategory {
            arrivals: vec![0.0; 16],
            service_minutes: 5.0,
            green_share: 0.0,
            transfers: Vec::new(),
        });
        day.categories[0].transfers = vec![(1, 0.5)];
        day.windows.push(SimWindow {
            categories: vec![1],
            open: vec![true; 16],
            breaks: Vec::new(),
        });
        let out = simulate(&day, 4, 100);
        let fresh: f64 = out.stats[0].iter().map(|s| s.tickets).sum();
        let moved: f64 = out.stats[1].iter().map(|s| s.tickets).sum();
        assert!((moved / fresh - 0.5).abs() < 0.05, "{moved} of {fresh}");
    }

    #[test]
    fn closed_windows_call_nobody() {
        let mut day = stationary(20.0, 5.0, 2, 4);
        for w in &mut day.windows {
            w.open = vec![false, false, true, true, true, true, true, true];
        }
        let out = simulate(&day, 8, 50);
        // People of the first half-hour wait at least until minute 60 minus their arrival.
        assert!(out.stats[0][0].mean_wait.unwrap() > 30.0);
        assert!(out.stats[0][0].service_level.unwrap() < 0.01);
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.9), Some(9.0));
        assert_eq!(percentile(&v, 1.0), Some(10.0));
        assert_eq!(percentile(&[], 0.9), None);
    }
}
