//! `govhall bench supervision`: fills a database with synthetic complaints
//! and inspections (generated inside the database) and times what the 督查科
//! opens every morning: the open complaints, most urgent first, a
//! department's complaints of a month, and the inspections of a window, a
//! staff member and a department.

use super::bench::{fill, runs};
use anyhow::{Context, Result};
use store::complaint::ComplaintFilter;
use store::inspection::{ChecklistEntry, InspectionFilter};

/// How many of each to generate first (0: use what is there).
pub struct Counts {
    pub complaints: i64,
    pub inspections: i64,
    pub tickets: i64,
}

/// Generates what `counts` asks for over `days` days up to today, then
/// times the lists, five runs each.
pub async fn supervision(url: &str, counts: Counts, days: i64, month: &str) -> Result<()> {
    let store = crate::backend::open_bench(url).await?;
    let first_day = jiff::Zoned::now()
        .date()
        .checked_sub(jiff::Span::new().days(days - 1))
        .context("--days 太大")?;
    if counts.complaints > 0 {
        fill("件投诉", counts.complaints, 500_000, first_day, days, |b| {
            let store = store.clone();
            async move { store.generate_complaints(&b).await }
        })
        .await?;
    }
    if counts.inspections > 0 {
        let now = jiff::Timestamp::now();
        let checklist: Vec<ChecklistEntry> = domain::inspection::default_checklist()
            .into_iter()
            .enumerate()
            .map(|(i, item)| ChecklistEntry {
                code: item.code,
                name: item.name,
                standard: item.standard,
                deduction: item.deduction,
                position: i as i64,
                retired: false,
                updated_by: "bench".into(),
                updated_at: now,
            })
            .collect();
        store.seed_checklist(&checklist).await?;
        fill("次督查", counts.inspections, 100_000, first_day, days, |b| {
            let store = store.clone();
            async move { store.generate_inspections(&b).await }
        })
        .await?;
    }
    if counts.tickets > 0 {
        fill("张号票", counts.tickets, 500_000, first_day, days, |b| {
            let store = store.clone();
            async move { store.generate_tickets(&b).await }
        })
        .await?;
    }
    if counts.complaints > 0 || counts.inspections > 0 || counts.tickets > 0 {
        store.analyze_supervision().await?;
        println!("统计信息已更新");
    }
    let first: jiff::civil::Date = format!("{month}-01").parse().context("--month 应为 YYYY-MM")?;
    let last = first.last_of_month();

    let open = ComplaintFilter {
        open: true,
        limit: 100,
        ..ComplaintFilter::default()
    };
    time("未归档投诉（最紧急的前 100 件）", || {
        store.complaints(&open)
    })
    .await?;
    let of_department = ComplaintFilter {
        department: Some("部门3".into()),
        from: Some(first),
        to: Some(last),
        limit: 100,
        ..ComplaintFilter::default()
    };
    time(&format!("{month} 部门3 的投诉（前 100 件）"), || {
        store.complaints(&of_department)
    })
    .await?;
    let of_staff = ComplaintFilter {
        staff: Some("staff7".into()),
        from: Some(first),
        to: Some(last),
        limit: 100,
        ..ComplaintFilter::default()
    };
    time(&format!("{month} staff7 被投诉（前 100 件）"), || {
        store.complaints(&of_staff)
    })
    .await?;

    let tz = jiff::tz::TimeZone::get("Asia/Shanghai")?;
    let from = first.to_zoned(tz.clone())?.timestamp();
    let to = last.tomorrow()?.to_zoned(tz)?.timestamp();
    let of_window = InspectionFilter {
        window: Some("7".into()),
        limit: 100,
        ..InspectionFilter::default()
    };
    time("7号窗口的督查记录（最新 100 条）", || {
        store.inspections(&of_window)
    })
    .await?;
    let of_window_month = InspectionFilter {
        window: Some("7".into()),
        from: Some(from),
        to: Some(to),
        limit: 100,
        ..InspectionFilter::default()
    };
    time(
        &format!("{month} 7号窗口的督查记录（前 100 条）"),
        || store.inspections(&of_window_month),
    )
    .await?;
    let inspected = InspectionFilter {
        staff: Some("staff20".into()),
        limit: 100,
        ..InspectionFilter::default()
    };
    time("staff20 的督查记录（最新 100 条）", || {
        store.inspections(&inspected)
    })
    .await?;
    let of_department = InspectionFilter {
        department: Some("部门3".into()),
        from: Some(from),
        to: Some(to),
        limit: 100,
        ..InspectionFilter::default()
    };
    time(
        &format!("{month} 部门3 的督查记录（前 100 条）"),
        || store.inspections(&of_department),
    )
    .await?;

    // The suspects of a month: the facts of the keys over the threshold
    // (the rules then run in Rust over those few facts).
    let rules = domain::scalper::ScalperRules::default();
    let fewest = i64::from(rules.fewest_facts());
    time(
        &format!("{month} 黄牛嫌疑：号票、预约、被拒取号的热点号码"),
        || store.ticket_facts(first, last, fewest),
    )
    .await?;
    let (phones, agents) = (
        i64::from(rules.phone_applicants),
        i64::from(rules.agent_applicants),
    );
    time(
        &format!("{month} 黄牛嫌疑：办件中的共用电话和代办人"),
        || store.case_facts(first, last, phones, agents),
    )
    .await?;
    Ok(())
}

/// Runs `query` five times and prints the fastest, median and slowest.
async fn time<T, F, Fut>(what: &str, query: F) -> Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = store::StoreResult<Vec<T>>>,
{
    let (rows, mut took) = runs(5, || async { query().await.map(|r| r.len()) }).await?;
    took.sort_by(f64::total_cmp);
    println!(
        "{what}（{rows} 行）：最快 {:.1} ms，中位 {:.1} ms，最慢 {:.1} ms",
        took[0], took[2], took[4]
    );
    Ok(())
}
