//! 窗口排班测算 (动态调整窗口, issue 18 part 4): the plan of a day's windows
//! from the hall's own history — the same weekday of the last weeks (holidays
//! skipped, a 调休 working weekend read as the Monday whose hours it opens
//! with), plus the appointments already booked — through Erlang C and a
//! simulation of the day (`domain::staffing`); what-if runs; and, after the
//! day, the plan set against what happened.

use crate::auth::{Session, require};
use crate::queue::QueueService;
use crate::{AppError, AppResult, Hall};
use domain::permission::Permission;
use domain::staffing::forecast::{self, Booking, Forecast, HistoryTicket, SlotGrid, minute_of};
use domain::staffing::plan::{PlanOptions, PlanSlot, Target, TemporaryNeed, build_plan};
use domain::staffing::simulation::percentile;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use store::queue::TicketStatus;
use store::staffing::{StaffingStore, StaffingTicket};

/// How many days of the same weekday the forecast averages.
pub const HISTORY_DAYS: usize = 6;
/// How far back it looks for them (holidays skipped), weeks.
pub const LOOKBACK_WEEKS: i64 = 12;

/// What-if changes (假设测算).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WhatIf {
    /// Arrivals × this (1.2 = two in ten more people).
    pub arrival_scale: f64,
    /// Windows fixed per category (prefix → windows) for every half-hour with arrivals.
    pub windows: BTreeMap<String, u32>,
    /// Each window's break, minutes, mid-morning and mid-afternoon.
    pub break_minutes: f64,
}

impl WhatIf {
    /// Reads the what-if parameters: `arrival_scale` (0–10), `windows`
    /// ("A:3,B:2"), `break_minutes` (0–120).
    pub fn parse(scale: Option<f64>, windows: Option<&str>, break_minutes: Option<f64>) -> AppResult<WhatIf> {
        let arrival_scale = scale.unwrap_or(1.0);
        if !arrival_scale.is_finite() || !(0.0..=10.0).contains(&arrival_scale) {
            return Err(AppError::invalid(
                "arrival_scale",
                "到达人数倍数须在 0 至 10 之间（如 1.2）",
            ));
        }
        let break_minutes = break_minutes.unwrap_or(0.0);
        if !break_minutes.is_finite() || !(0.0..=120.0).contains(&break_minutes) {
            return Err(AppError::invalid(
                "break_minutes",
                "每次休息时长须在 0 至 120 分钟之间",
            ));
        }
        let mut map = BTreeMap::new();
        for part in windows
            .unwrap_or("")
            .split([',', '，', ';', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (category, n) = part
                .split_once([':', '：', '='])
                .ok_or_else(|| AppError::invalid("windows", format!("“{part}”应写成 类别:窗口数，如 A:3")))?;
            let n: u32 = n.trim().parse().ok().filter(|n| *n <= 200).ok_or_else(|| {
                AppError::invalid("windows", format!("“{part}”的窗口数须为 0 至 200 的整数"))
            })?;
            map.insert(category.trim().to_uppercase(), n);
        }
        Ok(WhatIf {
            arrival_scale,
            windows: map,
            break_minutes,
        })
    }

    fn is_plain(&self) -> bool {
        self.windows.is_empty() && self.break_minutes == 0.0 && (self.arrival_scale - 1.0).abs() < 1e-12
    }
}

/// A category as the plan describes it.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryNote {
    pub category: String,
    pub name: String,
    pub avg_service_minutes: f64,
    /// How many served tickets the time was measured on (0: the default).
    pub service_samples: u32,
    /// Why this service time.
    pub service_note: String,
    pub green_share: f64,
    /// The hall's own (not temporary) windows serving it.
    pub hall_windows: u32,
    pub forecast_arrivals: f64,
}

/// The plan of a day, as the API and the page show it.
#[derive(Debug, Clone, Serialize)]
pub struct StaffingPlanView {
    pub date: Date,
    pub weekday: String,
    pub target_wait_minutes: f64,
    pub service_level: f64,
    /// Whether the hall opens that day (a holiday or a closed weekend: no slots).
    pub working_day: bool,
    /// Why there are no slots (a non-working day), or empty.
    pub reason: String,
    /// "周二同期（近 6 个周二）".
    pub basis: String,
    pub history_days: Vec<Date>,
    pub notes: Vec<String>,
    pub categories: Vec<CategoryNote>,
    pub slots: Vec<PlanSlot>,
    pub temporary: Vec<TemporaryNeed>,
    /// Windows planned per half-hour over all categories.
    pub totals: Vec<SlotTotal>,
    pub simulated_service_level: Option<f64>,
    pub simulated_avg_wait_minutes: Option<f64>,
    pub replications: u32,
    /// The what-if changes applied, if any.
    pub what_if: Option<WhatIf>,
    /// Time to build the plan, milliseconds.
    pub elapsed_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlotTotal {
    pub from: String,
    pub to: String,
    pub windows: u32,
}

/// One half-hour of one category after the day.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewSlot {
    pub from: String,
    pub to: String,
    pub category: String,
    pub forecast_arrivals: f64,
    pub actual_arrivals: u32,
    /// actual − forecast.
    pub forecast_error: f64,
    pub planned_windows: u32,
    /// Distinct windows that called this category in the half-hour.
    pub actual_windows: u32,
    pub simulated_service_level: Option<f64>,
    /// Share of the half-hour's tickets called within the target.
    pub actual_service_level: Option<f64>,
    pub actual_avg_wait_minutes: Option<f64>,
    pub actual_p90_wait_minutes: Option<f64>,
}

/// The plan of a past day set against what happened.
#[derive(Debug, Clone, Serialize)]
pub struct StaffingReview {
    pub date: Date,
    pub weekday: String,
    pub target_wait_minutes: f64,
    pub service_level: f64,
    pub basis: String,
    pub forecast_total: f64,
    pub actual_total: u32,
    /// Mean absolute error per half-hour and category (people).
    pub mean_absolute_error: f64,
    /// Σ|error| / Σ actual (加权平均绝对百分比误差), `None` when nobody came.
    pub weighted_error: Option<f64>,
    pub actual_service_level: Option<f64>,
    pub actual_avg_wait_minutes: Option<f64>,
    pub actual_p90_wait_minutes: Option<f64>,
    pub planned_service_level: Option<f64>,
    pub summary: String,
    pub slots: Vec<ReviewSlot>,
}

/// 窗口排班测算: plans, what-if runs and reviews.
#[derive(Clone)]
pub struct StaffingService {
    pub(crate) hall: Hall,
    store: Arc<dyn StaffingStore>,
    queue: QueueService,
}

/// What a forecast was built from.
struct Basis {
    label: String,
    days: Vec<Date>,
    working: bool,
    reason: String,
}

fn weekday_name(day: Weekday) -> &'static str {
    crate::hall::weekday_name(day)
}

fn minutes_between(a: Timestamp, b: Timestamp) -> Option<f64> {
    let secs = b.as_second() - a.as_second();
    (secs >= 0).then(|| secs as f64 / 60.0)
}

fn target(wait: f64, level: f64) -> AppResult<Target> {
    // The calculator's own checks name the same fields.
    domain::staffing::windows_for(0.0, 1.0, wait, level)
        .map_err(|e| AppError::invalid(e.field, e.message))?;
    Ok(Target {
        wait_minutes: wait,
        service_level: level,
    })
}

fn history_ticket(t: &StaffingTicket, date: Date, tz: &TimeZone) -> HistoryTicket {
    let served = matches!(t.status, TicketStatus::Finished | TicketStatus::Transferred);
    HistoryTicket {
        date,
        category: t.category.clone(),
        minute: minute_of(t.taken_at.to_zoned(tz.clone()).time()),
        service_minutes: match (served, t.called_at, t.finished_at) {
            (true, Some(c), Some(f)) => minutes_between(c, f),
            _ => None,
        },
        wait_minutes: t.called_at.and_then(|c| minutes_between(t.taken_at, c)),
        green: t.priority.is_some(),
        appointment: t.appointment,
        transferred_from: t.transferred_from.clone(),
        window: t.window.clone(),
    }
}

impl StaffingService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn StaffingStore>, queue: QueueService) -> StaffingService {
        StaffingService { hall, store, queue }
    }

    /// The history days for `date`: up to [`HISTORY_DAYS`] earlier days (before
    /// today too) of the weekday it is planned as, of the same kind (working
    /// or not), within [`LOOKBACK_WEEKS`].
    async fn basis(&self, date: Date) -> AppResult<Basis> {
        let calendar = self.calendar().await?;
        let hours = self
            .settings
            .hours
            .opening_hours()
            .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?;
        let working = calendar.is_workday(date)?;
        let periods = hours.periods_of(&calendar, date)?;
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        let name = weekday_name(date.weekday());
        if !working && (!weekend || periods.is_empty()) {
            let why = if weekend { "休息日" } else { "法定节假日" };
            return Ok(Basis {
                label: String::new(),
                days: Vec::new(),
                working: false,
                reason: format!("{date}（{name}）是{why}，大厅不办公，不需排班。"),
            });
        }
        // A 调休 working Saturday or Sunday opens with Monday's hours and is
        // planned from Mondays; other days from their own weekday.
        let (weekday, label_head) = if working && weekend {
            (Weekday::Monday, "调休上班日按周一同期".to_owned())
        } else {
            (date.weekday(), format!("{name}同期"))
        };
        let before = date.min(self.today());
        let mut days = Vec::new();
        let mut d = before;
        let stop = date.checked_sub((LOOKBACK_WEEKS * 7).days()).unwrap_or(date);
        while days.len() < HISTORY_DAYS {
            d = match d.yesterday() {
                Ok(x) => x,
                Err(_) => break,
            };
            if d < stop {
                break;
            }
            if d.weekday() != weekday {
                continue;
            }
            // Holidays left out (and, for a weekend service day, 调休 working
            // weekends: another kind of day). Past the calendar's reach: skip.
            if calendar.is_workday(d).ok() == Some(working) {
                days.push(d);
            }
        }
        Ok(Basis {
            label: format!("{label_head}（近 {} 个{}）", days.len(), weekday_name(weekday)),
            days,
            working: true,
            reason: String::new(),
        })
    }

    /// The forecast of `date` from its history days, and what the plan needs
    /// besides: the category names and the hall's windows per category.
    async fn forecast_of(
        &self,
        date: Date,
        basis: &Basis,
    ) -> AppResult<(Forecast, BTreeMap<String, String>, BTreeMap<String, u32>)> {
        let tz = self.settings.time_zone();
        let categories = self.queue.categories().await?;
        let names: BTreeMap<String, String> = categories
            .iter()
            .map(|c| (c.prefix.clone(), c.name.clone()))
            .collect();
        let codes: Vec<String> = categories.iter().map(|c| c.prefix.clone()).collect();
        let mut hall_windows: BTreeMap<String, u32> = BTreeMap::new();
        for w in self.queue.windows().await? {
            if w.temporary {
                continue;
            }
            for c in w.categories {
                *hall_windows.entry(c).or_insert(0) += 1;
            }
        }
        let mut tickets = Vec::new();
        for d in &basis.days {
            for t in self.store.staffing_tickets(*d).await? {
                tickets.push(history_ticket(&t, *d, &tz));
            }
        }
        let bookings: Vec<Booking> = self
            .store
            .staffing_bookings(date)
            .await?
            .into_iter()
            .map(|b| Booking {
                category: b.category,
                minute: minute_of(b.slot_time),
            })
            .collect();
        let calendar = self.calendar().await?;
        let hours = self
            .settings
            .hours
            .opening_hours()
            .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?;
        let periods: Vec<(u32, u32)> = hours
            .periods_of(&calendar, date)?
            .iter()
            .map(|p| (minute_of(p.start), minute_of(p.end)))
            .collect();
        let extra: Vec<u32> = tickets
            .iter()
            .map(|t| t.minute)
            .chain(bookings.iter().map(|b| b.minute))
            .collect();
        let grid = SlotGrid::covering(&periods, extra);
        let f = forecast::forecast(&codes, grid, &basis.days, &tickets, &bookings);
        Ok((f, names, hall_windows))
    }

    /// 排班方案: the plan of `date` for the target (share `service_level`
    /// called within `target_wait_minutes`), with what-if changes when given.
    #[tracing::instrument(skip_all, fields(%date))]
    pub async fn plan(
        &self,
        session: &Session,
        date: Date,
        target_wait_minutes: f64,
        service_level: f64,
        what_if: Option<WhatIf>,
    ) -> AppResult<StaffingPlanView> {
        require(session, Permission::StaffingPlan)?;
        self.plan_unchecked(date, target_wait_minutes, service_level, what_if)
            .await
    }

    /// The plan without the permission check (the benchmark's entry).
    pub async fn plan_unchecked(
        &self,
        date: Date,
        target_wait_minutes: f64,
        service_level: f64,
        what_if: Option<WhatIf>,
    ) -> AppResult<StaffingPlanView> {
        let started = std::time::Instant::now();
        let goal = target(target_wait_minutes, service_level)?;
        let what_if = what_if.filter(|w| !w.is_plain());
        let basis = self.basis(date).await?;
        let weekday = weekday_name(date.weekday()).to_owned();
        if !basis.working {
            return Ok(StaffingPlanView {
                date,
                weekday,
                target_wait_minutes,
                service_level,
                working_day: false,
                reason: basis.reason,
                basis: String::new(),
                history_days: Vec::new(),
                notes: Vec::new(),
                categories: Vec::new(),
                slots: Vec::new(),
                temporary: Vec::new(),
                totals: Vec::new(),
                simulated_service_level: None,
                simulated_avg_wait_minutes: None,
                replications: 0,
                what_if,
                elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            });
        }
        let (mut f, names, hall_windows) = self.forecast_of(date, &basis).await?;
        if let Some(w) = &what_if {
            if let Some(unknown) = w.windows.keys().find(|k| !names.contains_key(*k)) {
                return Err(AppError::invalid(
                    "windows",
                    format!("没有“{unknown}”这个取号类别"),
                ));
            }
            f = f.scaled(w.arrival_scale);
        }
        let mut notes = Vec::new();
        if basis.days.is_empty() {
            notes.push(format!(
                "近 {LOOKBACK_WEEKS} 周没有可比的同期日，到达人数只计已预约的人。"
            ));
        } else if f.days_used.len() < basis.days.len() {
            notes.push(format!(
                "同期 {} 天中 {} 天没有任何取号记录（系统启用前或停办），未计入平均。",
                basis.days.len(),
                basis.days.len() - f.days_used.len()
            ));
        }
        let options = PlanOptions {
            basis: basis.label.clone(),
            hall_windows: hall_windows.clone(),
            fixed_windows: what_if.as_ref().map(|w| w.windows.clone()).unwrap_or_default(),
            break_minutes: what_if.as_ref().map(|w| w.break_minutes).unwrap_or(0.0),
            // The same day always simulates the same way.
            seed: u64::try_from(
                date.since(Date::constant(2000, 1, 1))
                    .map(|s| s.get_days())
                    .unwrap_or(0),
            )
            .unwrap_or(0),
            ..PlanOptions::default()
        };
        let forecast = f.clone();
        let plan = tokio::task::spawn_blocking(move || build_plan(&forecast, goal, &options))
            .await
            .map_err(AppError::internal)?;
        let categories = f
            .categories
            .iter()
            .map(|c| {
                let service_note = if c.service_samples > 0 {
                    format!("同期 {} 件办结记录（叫号→办结）的平均值", c.service_samples)
                } else {
                    format!(
                        "同期没有办结记录，按大厅常见办理时长 {} 分钟估算",
                        forecast::DEFAULT_SERVICE_MINUTES
                    )
                };
                CategoryNote {
                    category: c.category.clone(),
                    name: names.get(&c.category).cloned().unwrap_or_default(),
                    avg_service_minutes: (c.service_minutes * 10.0).round() / 10.0,
                    service_samples: c.service_samples,
                    service_note,
                    green_share: c.green_share,
                    hall_windows: hall_windows.get(&c.category).copied().unwrap_or(0),
                    forecast_arrivals: (c.arrivals.iter().sum::<f64>() * 10.0).round() / 10.0,
                }
            })
            .collect();
        if plan.corrections > 0 {
            notes.push(format!(
                "仿真 {} 轮后为未达目标的时段增加了窗口（见各行说明）。",
                plan.corrections
            ));
        }
        Ok(StaffingPlanView {
            date,
            weekday,
            target_wait_minutes,
            service_level,
            working_day: true,
            reason: String::new(),
            basis: basis.label,
            history_days: f.days_used.clone(),
            notes,
            categories,
            slots: plan.slots,
            temporary: plan.temporary,
            totals: plan
                .totals
                .into_iter()
                .map(|(from, to, windows)| SlotTotal { from, to, windows })
                .collect(),
            simulated_service_level: plan.simulated_service_level,
            simulated_avg_wait_minutes: plan.simulated_avg_wait_minutes,
            replications: plan.replications,
            what_if,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// 事后对比: the plan of a past day (from the history before it) against
    /// what happened — arrivals, windows that called, waits.
    #[tracing::instrument(skip_all, fields(%date))]
    pub async fn review(
        &self,
        session: &Session,
        date: Date,
        target_wait_minutes: f64,
        service_level: f64,
    ) -> AppResult<StaffingReview> {
        require(session, Permission::StaffingPlan)?;
        if date > self.today() {
            return Err(AppError::invalid(
                "date",
                "这一天还没有到，只能对比今天及以前的日子",
            ));
        }
        let plan = self
            .plan_unchecked(date, target_wait_minutes, service_level, None)
            .await?;
        let tz = self.settings.time_zone();
        let actual: Vec<HistoryTicket> = self
            .store
            .staffing_tickets(date)
            .await?
            .iter()
            .map(|t| history_ticket(t, date, &tz))
            .collect();
        // The called_at minute per ticket, for the windows that called.
        let called: Vec<Option<u32>> = self
            .store
            .staffing_tickets(date)
            .await?
            .iter()
            .map(|t| t.called_at.map(|c| minute_of(c.to_zoned(tz.clone()).time())))
            .collect();
        let slot = |m: u32| (m / 30) * 30;
        let label = |m: u32| forecast::hhmm(m);
        // key: (slot start minute, category)
        #[derive(Default)]
        struct Acc {
            forecast: f64,
            planned: u32,
            simulated: Option<f64>,
            actual: u32,
            waits: Vec<f64>,
            within: u32,
            windows: BTreeSet<String>,
        }
        let mut acc: BTreeMap<(u32, String), Acc> = BTreeMap::new();
        let parse = |s: &str| {
            let (h, m) = s.split_once(':').unwrap_or(("0", "0"));
            h.parse::<u32>().unwrap_or(0) * 60 + m.parse::<u32>().unwrap_or(0)
        };
        for p in &plan.slots {
            let e = acc.entry((parse(&p.from), p.category.clone())).or_default();
            e.forecast = p.arrivals;
            e.planned = p.windows;
            e.simulated = p.simulated_service_level;
        }
        for (t, c) in actual.iter().zip(&called) {
            if t.transferred_from.is_none() {
                let e = acc.entry((slot(t.minute), t.category.clone())).or_default();
                e.actual += 1;
                if let Some(w) = t.wait_minutes {
                    e.waits.push(w);
                    if w <= target_wait_minutes + 1e-9 {
                        e.within += 1;
                    }
                }
            }
            if let (Some(m), Some(w)) = (c, &t.window) {
                acc.entry((slot(*m), t.category.clone()))
                    .or_default()
                    .windows
                    .insert(w.clone());
            }
        }
        let mut slots = Vec::new();
        let (mut abs, mut rows, mut all_waits, mut within, mut actual_total, mut forecast_total) =
            (0.0, 0u32, Vec::new(), 0u32, 0u32, 0.0);
        for ((m, category), mut a) in acc {
            if a.actual == 0 && a.forecast <= 0.0 {
                continue;
            }
            a.waits.sort_by(f64::total_cmp);
            let error = f64::from(a.actual) - a.forecast;
            abs += error.abs();
            rows += 1;
            actual_total += a.actual;
            forecast_total += a.forecast;
            within += a.within;
            all_waits.extend_from_slice(&a.waits);
            slots.push(ReviewSlot {
                from: label(m),
                to: label(m + 30),
                category,
                forecast_arrivals: a.forecast,
                actual_arrivals: a.actual,
                forecast_error: (error * 10.0).round() / 10.0,
                planned_windows: a.planned,
                actual_windows: a.windows.len() as u32,
                simulated_service_level: a.simulated,
                actual_service_level: (a.actual > 0).then(|| f64::from(a.within) / f64::from(a.actual)),
                actual_avg_wait_minutes: (!a.waits.is_empty())
                    .then(|| a.waits.iter().sum::<f64>() / a.waits.len() as f64),
                actual_p90_wait_minutes: percentile(&a.waits, 0.9),
            });
        }
        all_waits.sort_by(f64::total_cmp);
        let actual_sl = (actual_total > 0).then(|| f64::from(within) / f64::from(actual_total));
        let avg_wait =
            (!all_waits.is_empty()).then(|| all_waits.iter().sum::<f64>() / all_waits.len() as f64);
        let weighted = (actual_total > 0).then(|| abs / f64::from(actual_total));
        let mut summary = format!(
            "{date}（{}）预测到达 {:.0} 人，实际 {} 人",
            plan.weekday, forecast_total, actual_total
        );
        if let Some(w) = weighted {
            summary.push_str(&format!("，各时段平均偏差 {:.0}%", w * 100.0));
        }
        match (actual_sl, avg_wait) {
            (Some(sl), Some(wait)) => summary.push_str(&format!(
                "；实际 {:.0}% 的群众 {} 分钟内被叫号，平均等候 {:.1} 分钟",
                sl * 100.0,
                target_wait_minutes,
                wait
            )),
            (Some(sl), None) => summary.push_str(&format!("；实际 {:.0}% 的群众按时被叫号", sl * 100.0)),
            _ => {}
        }
        if let Some(sim) = plan.simulated_service_level {
            summary.push_str(&format!("（按方案仿真为 {:.0}%）", sim * 100.0));
        }
        summary.push('。');
        Ok(StaffingReview {
            date,
            weekday: plan.weekday,
            target_wait_minutes,
            service_level,
            basis: plan.basis,
            forecast_total: (forecast_total * 10.0).round() / 10.0,
            actual_total,
            mean_absolute_error: if rows > 0 { abs / f64::from(rows) } else { 0.0 },
            weighted_error: weighted,
            actual_service_level: actual_sl,
            actual_avg_wait_minutes: avg_wait,
            actual_p90_wait_minutes: percentile(&all_waits, 0.9),
            planned_service_level: plan.simulated_service_level,
            summary,
            slots,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_if_parameters() {
        let w = WhatIf::parse(Some(1.2), Some("a:3, B：2"), Some(15.0)).unwrap();
        assert_eq!(w.windows.get("A"), Some(&3));
        assert_eq!(w.windows.get("B"), Some(&2));
        assert!(!w.is_plain());
        assert!(WhatIf::parse(None, None, None).unwrap().is_plain());
        let field = |r: AppResult<WhatIf>| match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(WhatIf::parse(Some(-1.0), None, None)), "arrival_scale");
        assert_eq!(field(WhatIf::parse(None, Some("A3"), None)), "windows");
        assert_eq!(field(WhatIf::parse(None, Some("A:999"), None)), "windows");
        assert_eq!(field(WhatIf::parse(None, None, Some(500.0))), "break_minutes");
    }
}
