//! `govhall bench dashboard` (issue 18 part 1): optionally fills a database
//! with synthetic tickets, cases and evaluations spread over the days up to
//! today (the generators of `bench supervision`, `bench cases` and
//! `bench evaluations`), then times 指挥中心 over it: the store's counts
//! alone, the first whole dashboard (with the month's red flag and the
//! campaigns' KPIs read) and the dashboard as every later request and the
//! live snapshot read it (those two kept for a minute).

use super::bench::{fill, leader_session, runs};
use anyhow::{Context, Result};
use std::sync::Arc;
use std::time::Instant;
use store::bench::BenchStore;
use store::dashboard::DashboardQuery;

pub struct Shape {
    pub tickets: i64,
    pub cases: i64,
    pub evaluations: i64,
    pub days: i64,
    pub runs: usize,
}

fn report(what: &str, took: &mut [f64]) {
    took.sort_by(f64::total_cmp);
    println!(
        "{what}：最快 {:.1} ms，中位 {:.1} ms，p90 {:.1} ms，最慢 {:.1} ms（{} 次）",
        took[0],
        took[took.len() / 2],
        took[(took.len() * 9 / 10).min(took.len() - 1)],
        took[took.len() - 1],
        took.len()
    );
}

pub async fn dashboard(url: &str, shape: Shape) -> Result<()> {
    let bench = crate::backend::open_bench(url).await?;
    let settings = app::Settings::default();
    let today = jiff::Timestamp::now().to_zoned(settings.time_zone()).date();
    let first_day = today
        .checked_sub(jiff::Span::new().days(shape.days.max(1) - 1))
        .context("--days 太大")?;
    let b: &dyn BenchStore = &*bench;
    if shape.tickets > 0 {
        fill(
            "张号票",
            shape.tickets,
            1_000_000,
            first_day,
            shape.days,
            |x| async move { b.generate_tickets(&x).await },
        )
        .await?;
    }
    if shape.cases > 0 {
        fill(
            "件办件",
            shape.cases,
            500_000,
            first_day,
            shape.days,
            |x| async move { b.generate_cases(&x).await },
        )
        .await?;
    }
    if shape.evaluations > 0 {
        fill(
            "条评价",
            shape.evaluations,
            1_000_000,
            first_day,
            shape.days,
            |x| async move { b.generate_evaluations(&x).await },
        )
        .await?;
    }
    if shape.tickets + shape.cases + shape.evaluations > 0 {
        bench.analyze_cases().await?;
        bench.analyze_supervision().await?;
    }
    let store: Arc<dyn store::Store> = bench.clone();
    let app = app::App::new(store.clone(), settings);
    let session = leader_session();

    let calendar = app.calendar().await?;
    let query = DashboardQuery {
        today,
        amber_until: domain::dashboard::amber_until(&calendar, today, app.settings.cases.amber_days)?,
    };
    let (facts, mut took) = runs(shape.runs, || store.dashboard_facts(&query)).await?;
    let today_tickets: i64 = facts.tickets.iter().map(|g| g.tickets).sum();
    report(
        &format!(
            "今日计数（{today}：{today_tickets} 张号票，{} 个部门有预警或超期）",
            facts.deadlines.len()
        ),
        &mut took,
    );

    let start = Instant::now();
    let d = app.dashboard.dashboard(&session).await?;
    println!(
        "首次完整看板（含本月流动红旗、专项活动指标）：{:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    let (_, mut took) = runs(shape.runs, || app.dashboard.dashboard(&session)).await?;
    report(
        "GET /api/dashboard 的计算（红旗与专项活动一分钟内复用）",
        &mut took,
    );
    println!(
        "今日：到访 {}，等候 {}，受理 {}，办结 {}，超期 {}，预警 {}，今日满意率 {}，本月满意率 {}（{} 条）",
        d.visitors,
        d.waiting,
        d.accepted,
        d.completed,
        d.overdue,
        d.amber,
        d.satisfaction_today_text,
        d.satisfaction_month_text,
        d.evaluations_month
    );
    Ok(())
}
