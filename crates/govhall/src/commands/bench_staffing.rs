//! `govhall bench staffing`: the staffing plan of one day (窗口排班测算) timed
//! in-process against a database — the forecast read from the tickets of the
//! same weekday of the last weeks, Erlang C per half-hour and category, and
//! the simulation of the day with its corrections. When the bench categories
//! (QA, QB, …) have no history on those days, a modest one is generated
//! first: `per_day` tickets a day over the opening hours with a morning and
//! an afternoon peak, one in three called and finished with an exponential
//! service time of the category's mean.

use anyhow::{Context, Result, bail};
use app::{Actor, App};
use domain::Role;
use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, ToSpan};
use std::time::Instant;
use store::queue::{NewTicket, TicketStatus};
use uuid::Uuid;

/// SplitMix64: a small seeded generator, enough for synthetic history.
struct StdRng(u64);

impl StdRng {
    fn seed_from_u64(seed: u64) -> StdRng {
        StdRng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [from, to).
    fn range(&mut self, from: u32, to: u32) -> u32 {
        from + u32::try_from(self.next() % u64::from(to - from)).unwrap_or(0)
    }
}

fn prefix(i: usize) -> String {
    let letter = |k: usize| char::from(b'A' + u8::try_from(k % 26).unwrap_or(0));
    if i < 26 {
        format!("Q{}", letter(i))
    } else {
        format!("Q{}{}", letter(i / 26 - 1), letter(i))
    }
}

/// Minutes of the day of the opening hours 09:00–12:00, 13:30–17:30, with
/// weights for a peak at 09:30–10:30 and 14:30–15:30.
fn arrival_minute(rng: &mut StdRng) -> u32 {
    loop {
        let m = rng.range(540, 1050);
        if (720..810).contains(&m) {
            continue;
        }
        let peak = (570..630).contains(&m) || (870..930).contains(&m);
        let keep = if peak { 1.0 } else { 0.55 };
        if rng.unit() < keep {
            return m;
        }
    }
}

pub async fn staffing(
    app: &App,
    categories: usize,
    per_day: usize,
    date: Option<&str>,
    rounds: usize,
) -> Result<()> {
    if categories == 0 || categories > 100 {
        bail!("--categories 须在 1 至 100 之间");
    }
    let today = app.today();
    let date: Date = match date {
        Some(d) => d.parse().with_context(|| format!("日期“{d}”无效"))?,
        None => {
            let mut d = today.tomorrow()?;
            while d.weekday() != Weekday::Tuesday {
                d = d.tomorrow()?;
            }
            d
        }
    };
    let actor = Actor {
        username: "bench".into(),
        role: Some(Role::Admin),
    };
    let existing: Vec<String> = app
        .queue
        .categories()
        .await?
        .into_iter()
        .map(|c| c.prefix)
        .collect();
    let codes: Vec<String> = (0..categories).map(prefix).collect();
    for (i, code) in codes.iter().enumerate() {
        if !existing.contains(code) {
            app.queue
                .create_category(&actor, code, &format!("测算类别{}", i + 1), &[])
                .await
                .map_err(|e| anyhow::anyhow!("创建类别 {code}：{e}"))?;
        }
    }
    // The history days the planner will read: earlier working days of the
    // same weekday, before today.
    let calendar = app.calendar().await?;
    let mut days = Vec::new();
    let mut d = date.min(today);
    while days.len() < app::staffing::HISTORY_DAYS {
        d = d.checked_sub(1.day())?;
        if i64::from(date.since(d)?.get_days()) > app::staffing::LOOKBACK_WEEKS * 7 {
            break;
        }
        if d.weekday() == date.weekday() && calendar.is_workday(d).unwrap_or(false) {
            days.push(d);
        }
    }
    let tz = app.settings.time_zone();
    let mut rng = StdRng::seed_from_u64(18);
    let started = Instant::now();
    let mut generated = 0usize;
    for day in &days {
        let have = app.store.staffing_tickets(*day).await?;
        if per_day == 0 || have.iter().any(|t| codes.contains(&t.category)) {
            continue;
        }
        // Category i gets a share ∝ (i % 5 + 1); its mean service 4 + 2·(i % 7) minutes.
        let weights: Vec<f64> = (0..categories).map(|i| (i % 5 + 1) as f64).collect();
        let total: f64 = weights.iter().sum();
        let mut batch = Vec::new();
        for _ in 0..per_day {
            let mut u = rng.unit() * total;
            let mut c = 0;
            while c + 1 < categories && u >= weights[c] {
                u -= weights[c];
                c += 1;
            }
            let minute = arrival_minute(&mut rng);
            let taken_at = day
                .at(
                    i8::try_from(minute / 60)?,
                    i8::try_from(minute % 60)?,
                    i8::try_from(rng.range(0, 60))?,
                    0,
                )
                .to_zoned(tz.clone())?
                .timestamp();
            batch.push((c, taken_at));
        }
        batch.sort_by_key(|(_, t)| *t);
        let tickets: Vec<NewTicket> = batch
            .iter()
            .map(|(c, taken_at)| NewTicket {
                id: Uuid::now_v7(),
                business_date: *day,
                category: codes[*c].clone(),
                priority: None,
                person_keys: Vec::new(),
                max_live_per_person: 1,
                taken_at: *taken_at,
                passed_by: 0,
                transferred_from: None,
                appointment_at: None,
                phone_sealed: None,
                marks: Default::default(),
            })
            .collect();
        for chunk in tickets.chunks(500) {
            for r in app.store.take_tickets(chunk).await {
                r?;
            }
        }
        for (k, (t, (c, taken_at))) in tickets.iter().zip(&batch).enumerate() {
            if k % 3 != 0 {
                continue;
            }
            let mean = 4.0 + 2.0 * (*c % 7) as f64;
            let service = -(1.0 - rng.unit()).ln() * mean;
            let called = taken_at.checked_add(SignedDuration::from_secs(i64::from(rng.range(60, 900))))?;
            let finished = called.checked_add(SignedDuration::from_secs_f64(service * 60.0))?;
            app.store
                .call_ticket(t.id, &format!("B{}", c + 1), "bench", called)
                .await?;
            app.store
                .transition_ticket(t.id, &[TicketStatus::Called], TicketStatus::Finished, finished)
                .await?;
        }
        generated += per_day;
    }
    if generated > 0 {
        println!(
            "已生成历史：{} 天 × {per_day} 张号（{categories} 类），用时 {:.1} 秒",
            generated / per_day,
            started.elapsed().as_secs_f64()
        );
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "测算 {date}（{} 个类别，历史日 {}），机器负载 {}",
        categories,
        days.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("、"),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    let mut times = Vec::new();
    for round in 0..rounds.max(1) {
        let t = Instant::now();
        let plan = app
            .staffing
            .plan_unchecked(date, 10.0, 0.8, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        if round == 0 {
            let people: f64 = plan.categories.iter().map(|c| c.forecast_arrivals).sum();
            println!(
                "方案：{} 行（半小时×类别），预测到达 {:.0} 人，临时窗口 {} 处，仿真 {} 次，全天仿真服务水平 {}",
                plan.slots.len(),
                people,
                plan.temporary.len(),
                plan.replications,
                plan.simulated_service_level
                    .map(|x| format!("{:.1}%", x * 100.0))
                    .unwrap_or_else(|| "—".into())
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "一天的方案（含读历史、Erlang C 与仿真）：最快 {:.0} 毫秒，中位 {:.0} 毫秒，最慢 {:.0} 毫秒（{} 次）",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
    Ok(())
}
