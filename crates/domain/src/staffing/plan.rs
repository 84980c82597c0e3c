//! The plan of a day (窗口排班测算): per half-hour and category, the windows
//! Erlang C asks for, confirmed (or corrected, one window at a time) by a
//! simulation of the whole day, the half-hours that need a temporary window
//! (临时窗口), and a sentence explaining each figure.

use super::erlang;
use super::forecast::{Forecast, SLOT_MINUTES};
use super::simulation::{SimCategory, SimDay, SimOutcome, SimWindow, simulate};
use serde::Serialize;
use std::collections::BTreeMap;

/// The target: `service_level` of the people called within `wait_minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Target {
    pub wait_minutes: f64,
    pub service_level: f64,
}

/// How the plan is built.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// "周二同期（近 6 个周二）": what the arrivals are the mean of.
    pub basis: String,
    /// Per category code: the hall's own (not temporary) windows that serve it.
    pub hall_windows: BTreeMap<String, u32>,
    /// What-if: windows fixed per category for every half-hour with arrivals
    /// (no Erlang C, no correction).
    pub fixed_windows: BTreeMap<String, u32>,
    /// What-if: each window takes a break of this many minutes in the middle
    /// of the morning and of the afternoon (staggered so they do not all go).
    pub break_minutes: f64,
    pub seed: u64,
    pub replications: u32,
    /// How many times the simulation may add windows.
    pub max_corrections: u32,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            basis: "历史同期".into(),
            hall_windows: BTreeMap::new(),
            fixed_windows: BTreeMap::new(),
            break_minutes: 0.0,
            seed: 2026,
            replications: 40,
            max_corrections: 3,
        }
    }
}

/// One half-hour of one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSlot {
    pub from: String,
    pub to: String,
    pub category: String,
    /// Forecast arrivals (walk-ins from history + bookings), one decimal.
    pub arrivals: f64,
    /// Of which appointments already booked.
    pub booked: u32,
    pub avg_service_minutes: f64,
    /// What Erlang C asks for.
    pub erlang_windows: u32,
    /// Erlang C's service level at `erlang_windows`.
    pub erlang_service_level: f64,
    /// The windows planned (Erlang C, plus what the simulation added).
    pub windows: u32,
    /// Windows added because the simulation missed the target.
    pub added_by_simulation: u32,
    /// Share called within the target in the simulation (`None`: nobody drawn).
    pub simulated_service_level: Option<f64>,
    pub simulated_avg_wait_minutes: Option<f64>,
    pub simulated_p90_wait_minutes: Option<f64>,
    /// The hall's own windows that serve the category.
    pub hall_windows: u32,
    /// More windows needed than the hall has for the category: open a 临时窗口.
    pub temporary_window: bool,
    pub explanation: String,
}

/// A half-hour where a temporary window must open.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemporaryNeed {
    pub from: String,
    pub to: String,
    pub category: String,
    pub needed: u32,
    pub available: u32,
    pub sentence: String,
}

/// The plan of a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub target: Target,
    pub slots: Vec<PlanSlot>,
    pub temporary: Vec<TemporaryNeed>,
    /// Windows planned per half-hour, all categories ("09:00", total).
    pub totals: Vec<(String, String, u32)>,
    /// Pooled over the day: the simulated share within target and mean wait.
    pub simulated_service_level: Option<f64>,
    pub simulated_avg_wait_minutes: Option<f64>,
    pub replications: u32,
    /// How many correction rounds added windows.
    pub corrections: u32,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn num(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x.round())
    } else {
        format!("{x:.1}")
    }
}

fn sim_day(f: &Forecast, windows: &[Vec<u32>], target: Target, break_minutes: f64) -> SimDay {
    let slots = f.grid.len();
    let mut sim_windows = Vec::new();
    for (c, per_slot) in windows.iter().enumerate() {
        let most = per_slot.iter().copied().max().unwrap_or(0);
        for k in 0..most {
            let open: Vec<bool> = per_slot.iter().map(|n| k < *n).collect();
            let mut breaks = Vec::new();
            if break_minutes > 0.0 {
                // Mid-morning and mid-afternoon of the window's own hours,
                // staggered by its rank so the category is never left alone.
                let first = open.iter().position(|o| *o);
                let last = open.iter().rposition(|o| *o);
                if let (Some(a), Some(b)) = (first, last) {
                    let span = (b + 1 - a) as f64 * f64::from(SLOT_MINUTES);
                    let start = a as f64 * f64::from(SLOT_MINUTES);
                    let shift = f64::from(k) * break_minutes;
                    for at in [start + span * 0.25, start + span * 0.7] {
                        breaks.push((at + shift, at + shift + break_minutes));
                    }
                }
            }
            sim_windows.push(SimWindow {
                categories: vec![c],
                open,
                breaks,
            });
        }
    }
    SimDay {
        slot_minutes: f64::from(SLOT_MINUTES),
        slots,
        categories: f
            .categories
            .iter()
            .map(|c| SimCategory {
                arrivals: c.arrivals.clone(),
                service_minutes: c.service_minutes,
                green_share: c.green_share,
                transfers: c.transfers.clone(),
            })
            .collect(),
        windows: sim_windows,
        target_wait_minutes: target.wait_minutes,
    }
}

/// Builds the plan of the forecast day for the target.
pub fn build_plan(f: &Forecast, target: Target, options: &PlanOptions) -> Plan {
    let slots = f.grid.len();
    let n = f.categories.len();
    let mut erlang_n = vec![vec![0u32; slots]; n];
    let mut erlang_sl = vec![vec![1.0f64; slots]; n];
    for (c, cat) in f.categories.iter().enumerate() {
        for s in 0..slots {
            let arrivals = cat.arrivals[s];
            if arrivals <= 0.0 {
                continue;
            }
            if let Some(&fixed) = options.fixed_windows.get(&cat.category) {
                let a = erlang::offered_load(arrivals * 2.0, cat.service_minutes);
                erlang_n[c][s] = fixed;
                erlang_sl[c][s] = erlang::service_level(fixed, a, cat.service_minutes, target.wait_minutes);
                continue;
            }
            match erlang::windows_for(
                arrivals * 2.0,
                cat.service_minutes,
                target.wait_minutes,
                target.service_level,
            ) {
                Ok(st) => {
                    erlang_n[c][s] = st.windows;
                    erlang_sl[c][s] = st.service_level;
                }
                // Beyond the calculator's range: staff what the load alone needs.
                Err(_) => {
                    let a = erlang::offered_load(arrivals * 2.0, cat.service_minutes);
                    erlang_n[c][s] = a.ceil().min(f64::from(u32::MAX)) as u32 + 1;
                    erlang_sl[c][s] = 0.0;
                }
            }
        }
    }
    let mut windows = erlang_n.clone();
    let mut corrections = 0;
    let mut outcome: SimOutcome;
    loop {
        let day = sim_day(f, &windows, target, options.break_minutes);
        outcome = simulate(&day, options.seed, options.replications);
        if corrections >= options.max_corrections {
            break;
        }
        let mut added = false;
        for (c, cat) in f.categories.iter().enumerate() {
            if options.fixed_windows.contains_key(&cat.category) {
                continue;
            }
            for ((n, arrivals), st) in windows[c].iter_mut().zip(&cat.arrivals).zip(&outcome.stats[c]) {
                if *arrivals <= 0.0 {
                    continue;
                }
                if let Some(sl) = st.service_level
                    && sl < target.service_level
                {
                    *n += 1;
                    added = true;
                }
            }
        }
        if !added {
            break;
        }
        corrections += 1;
    }

    let mut plan_slots = Vec::new();
    let mut temporary = Vec::new();
    for s in 0..slots {
        let (from, to) = f.grid.bounds(s);
        for (c, cat) in f.categories.iter().enumerate() {
            let arrivals = cat.arrivals[s];
            if arrivals <= 0.0 {
                continue;
            }
            let st = &outcome.stats[c][s];
            let hall = options.hall_windows.get(&cat.category).copied().unwrap_or(0);
            let planned = windows[c][s];
            let added = planned.saturating_sub(erlang_n[c][s]);
            let temporary_window = planned > hall;
            let fixed = options.fixed_windows.contains_key(&cat.category);
            let mut sentence = format!("{}平均每半小时 {} 人", options.basis, num(cat.walk_ins[s]));
            if cat.booked[s] > 0 {
                sentence.push_str(&format!("，另已预约 {} 人", cat.booked[s]));
            }
            let service = if cat.service_samples > 0 {
                format!("平均办理 {} 分钟", num(cat.service_minutes))
            } else {
                format!(
                    "此类业务尚无办结记录，按 {} 分钟估算办理时长",
                    num(cat.service_minutes)
                )
            };
            sentence.push_str(&format!("，{service}"));
            let goal = format!(
                "{}的群众 {} 分钟内被叫号",
                pct(target.service_level),
                num(target.wait_minutes)
            );
            if fixed {
                sentence.push_str(&format!(
                    "；按设定开 {planned} 个窗口，Erlang C 预计 {} 的群众 {} 分钟内被叫号",
                    pct(erlang_sl[c][s]),
                    num(target.wait_minutes)
                ));
            } else {
                sentence.push_str(&format!(
                    "，需 {} 个窗口才能使{goal}（Erlang C 预计 {}）",
                    erlang_n[c][s],
                    pct(erlang_sl[c][s])
                ));
            }
            match st.service_level {
                Some(sl) if added > 0 => sentence.push_str(&format!(
                    "；仿真未达目标，增加 {added} 个窗口至 {planned} 个后仿真得 {}",
                    pct(sl)
                )),
                Some(sl) => sentence.push_str(&format!("；仿真得 {}", pct(sl))),
                None => sentence.push_str("；仿真中此时段无人到达"),
            }
            if let Some(p90) = st.p90_wait {
                sentence.push_str(&format!("，九成群众等候不超过 {} 分钟", num(p90)));
            }
            if temporary_window {
                sentence.push_str(&format!(
                    "。大厅可办此类业务的窗口只有 {hall} 个，需开 {} 个临时窗口",
                    planned - hall
                ));
                temporary.push(TemporaryNeed {
                    from: from.clone(),
                    to: to.clone(),
                    category: cat.category.clone(),
                    needed: planned,
                    available: hall,
                    sentence: format!(
                        "{from}–{to} {} 类需 {planned} 个窗口，大厅可办的只有 {hall} 个：开 {} 个临时窗口",
                        cat.category,
                        planned - hall
                    ),
                });
            }
            sentence.push('。');
            plan_slots.push(PlanSlot {
                from: from.clone(),
                to: to.clone(),
                category: cat.category.clone(),
                arrivals: (arrivals * 10.0).round() / 10.0,
                booked: cat.booked[s],
                avg_service_minutes: (cat.service_minutes * 10.0).round() / 10.0,
                erlang_windows: erlang_n[c][s],
                erlang_service_level: erlang_sl[c][s],
                windows: planned,
                added_by_simulation: added,
                simulated_service_level: st.service_level,
                simulated_avg_wait_minutes: st.mean_wait,
                simulated_p90_wait_minutes: st.p90_wait,
                hall_windows: hall,
                temporary_window,
                explanation: sentence,
            });
        }
    }
    let totals = (0..slots)
        .filter(|s| f.grid.open[*s] || windows.iter().any(|w| w[*s] > 0))
        .map(|s| {
            let (from, to) = f.grid.bounds(s);
            (from, to, windows.iter().map(|w| w[s]).sum())
        })
        .collect();
    let (mut tickets, mut within, mut served, mut waited) = (0.0, 0.0, 0.0, 0.0);
    for c in &outcome.stats {
        for st in c {
            tickets += st.tickets;
            within += st.service_level.unwrap_or(0.0) * st.tickets;
            served += st.served;
            waited += st.mean_wait.unwrap_or(0.0) * st.served;
        }
    }
    Plan {
        target,
        slots: plan_slots,
        temporary,
        totals,
        simulated_service_level: (tickets > 0.0).then(|| within / tickets),
        simulated_avg_wait_minutes: (served > 0.0).then(|| waited / served),
        replications: outcome.replications,
        corrections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::forecast::{CategoryForecast, SlotGrid};

    fn day(arrivals: Vec<f64>, service: f64) -> Forecast {
        let grid = SlotGrid::covering(&[(540, 540 + 30 * arrivals.len() as u32)], []);
        Forecast {
            grid,
            days_used: Vec::new(),
            categories: vec![CategoryForecast {
                category: "A".into(),
                walk_ins: arrivals.clone(),
                booked: vec![0; arrivals.len()],
                arrivals,
                service_minutes: service,
                service_samples: 10,
                green_share: 0.0,
                transfers: Vec::new(),
            }],
        }
    }

    const TARGET: Target = Target {
        wait_minutes: 10.0,
        service_level: 0.8,
    };

    #[test]
    fn erlang_figures_then_simulation_confirms() {
        let f = day(vec![12.0, 12.0, 12.0, 12.0], 8.0);
        let mut options = PlanOptions::default();
        options.hall_windows.insert("A".into(), 3);
        let plan = build_plan(&f, TARGET, &options);
        assert_eq!(plan.slots.len(), 4);
        let first = &plan.slots[0];
        let e = erlang::windows_for(24.0, 8.0, 10.0, 0.8).unwrap();
        assert_eq!(first.erlang_windows, e.windows);
        assert!(first.windows >= first.erlang_windows);
        for s in &plan.slots {
            let sl = s.simulated_service_level.unwrap();
            assert!(s.added_by_simulation > 0 || sl >= 0.8, "{s:?}");
            assert!(s.explanation.contains("平均每半小时 12 人"), "{}", s.explanation);
            assert!(s.explanation.contains("仿真得"), "{}", s.explanation);
            assert_eq!(s.temporary_window, s.windows > 3);
        }
        assert_eq!(
            plan.temporary.len(),
            plan.slots.iter().filter(|s| s.temporary_window).count()
        );
    }

    #[test]
    fn a_short_peak_needs_a_temporary_window() {
        let f = day(vec![4.0, 30.0, 4.0], 10.0);
        let mut options = PlanOptions::default();
        options.hall_windows.insert("A".into(), 4);
        let plan = build_plan(&f, TARGET, &options);
        assert!(!plan.slots[0].temporary_window);
        assert!(plan.slots[1].temporary_window, "{:?}", plan.slots[1]);
        assert_eq!(plan.temporary.len(), 1);
        assert_eq!(plan.temporary[0].from, "09:30");
        assert!(plan.slots[1].explanation.contains("临时窗口"));
    }

    #[test]
    fn what_if_fixed_windows_and_more_people() {
        let f = day(vec![10.0, 10.0], 6.0);
        let mut options = PlanOptions::default();
        options.fixed_windows.insert("A".into(), 1);
        let plan = build_plan(&f.clone().scaled(1.5), TARGET, &options);
        assert!(
            plan.slots
                .iter()
                .all(|s| s.windows == 1 && s.added_by_simulation == 0)
        );
        assert!(plan.simulated_service_level.unwrap() < 0.5);
        assert!(plan.slots[0].explanation.contains("按设定开 1 个窗口"));
        assert_eq!(plan.slots[0].arrivals, 15.0);
    }

    #[test]
    fn breaks_cost_service_level() {
        let f = day(vec![10.0; 12], 6.0);
        let mut fixed = PlanOptions::default();
        fixed.fixed_windows.insert("A".into(), 3);
        let plain = build_plan(&f, TARGET, &fixed);
        fixed.break_minutes = 30.0;
        let with_breaks = build_plan(&f, TARGET, &fixed);
        assert!(with_breaks.simulated_avg_wait_minutes > plain.simulated_avg_wait_minutes);
    }

    #[test]
    fn no_arrivals_no_slots() {
        let plan = build_plan(&day(vec![0.0, 0.0], 6.0), TARGET, &PlanOptions::default());
        assert!(plan.slots.is_empty());
        assert_eq!(plan.totals.len(), 2);
        assert_eq!(plan.simulated_service_level, None);
    }
}
