//! `govhall bench cases`: fills a database with synthetic 办件 (generated
//! inside the database) and times what a hall asks of a big ledger: a
//! department's work list and a month's figures per department and item.

use anyhow::{Context, Result, bail};
use std::time::Instant;
use store::case_ledger::{LedgerGroup, WorkListOf};

/// Generates `count` cases (if > 0) accepted over `days` days up to today,
/// then times the work list of 部门3 and the figures of `month`, five runs each.
pub async fn cases(url: &str, count: i64, days: i64, month: &str) -> Result<()> {
    let store = crate::backend::open_bench(url).await?;
    let today = jiff::Zoned::now().date();
    if count > 0 {
        let start = Instant::now();
        let first_day = today
            .checked_sub(jiff::Span::new().days(days - 1))
            .context("--days 太大")?;
        let mut done = 0;
        // Batches of half a million keep each transaction modest.
        while done < count {
            let n = (count - done).min(500_000);
            let batch = store::bench::BenchBatch {
                count: n,
                first: done,
                first_day,
                days,
                at: jiff::Timestamp::now(),
            };
            store.generate_cases(&batch).await?;
            done += n;
            println!("已生成 {done} 件办件（{:.0} 秒）", start.elapsed().as_secs_f64());
        }
        store.analyze_cases().await?;
        println!("统计信息已更新（共 {:.0} 秒）", start.elapsed().as_secs_f64());
    }
    let first: jiff::civil::Date = format!("{month}-01").parse().context("--month 应为 YYYY-MM")?;
    let last = first.last_of_month();
    let of = WorkListOf::Department("部门3".into());

    let mut took = Vec::new();
    let mut open = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let page = store.work_list(&of, 50, 0).await?;
        took.push(start.elapsed().as_secs_f64() * 1000.0);
        open = page.total;
    }
    report(&format!("部门3 工作清单（{open} 件在办，取前 50 件）"), &mut took);

    let mut took = Vec::new();
    let mut figures = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let start = Instant::now();
        // As the app asks: both groupings at once on two pooled connections.
        let (d, i) = tokio::try_join!(
            store.ledger_figures(first, last, today, LedgerGroup::Department),
            store.ledger_figures(first, last, today, LedgerGroup::Item),
        )?;
        took.push(start.elapsed().as_secs_f64() * 1000.0);
        figures = (d, i);
    }
    let (departments, items) = figures;
    if departments.is_empty() {
        bail!("{month} 没有受理的办件");
    }
    let accepted: u64 = departments.iter().map(|d| d.accepted).sum();
    report(
        &format!(
            "{month} 台账统计（{accepted} 件，按部门 {} 组、按事项 {} 组）",
            departments.len(),
            items.len()
        ),
        &mut took,
    );
    println!("部门\t受理\t办结\t办结率\t按时\t超期\t平均天数");
    for d in &departments {
        println!(
            "{}\t{}\t{}\t{:.2}%\t{}\t{}\t{:.1}",
            d.name,
            d.accepted,
            d.completed,
            domain::case::completion_rate(d.accepted, d.completed).unwrap_or(0.0) * 100.0,
            d.on_time,
            d.overdue,
            if d.completed > 0 {
                d.days_total as f64 / d.completed as f64
            } else {
                0.0
            }
        );
    }

    let mut took = Vec::new();
    let mut overdue = 0;
    for _ in 0..5 {
        let start = Instant::now();
        overdue = store.overdue_cases(None, today, 50, 0).await?.total;
        took.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    report(&format!("超期督办（全部门 {overdue} 件，取前 50 件）"), &mut took);

    let mut took = Vec::new();
    let filter = store::case_ledger::LedgerFilter {
        from: Some(first),
        to: Some(last),
        department: Some("部门3".into()),
        limit: 50,
        ..Default::default()
    };
    let mut total = 0;
    for _ in 0..5 {
        let start = Instant::now();
        total = store.ledger_rows(&filter).await?.total;
        took.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    report(&format!("{month} 部门3 台账第一页（共 {total} 件）"), &mut took);
    Ok(())
}

fn report(what: &str, took: &mut [f64]) {
    took.sort_by(f64::total_cmp);
    println!(
        "{what}：最快 {:.1} ms，中位 {:.1} ms，最慢 {:.1} ms",
        took[0],
        took[took.len() / 2],
        took[took.len() - 1]
    );
}
