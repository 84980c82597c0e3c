//! `govhall bench supervision`: fills a database with synthetic complaints
//! (generated inside the database) and times what the 督查科 opens every
//! morning: the open complaints, most urgent first, and a department's
//! complaints of a month.

use anyhow::{Context, Result};
use std::time::Instant;
use store::complaint::ComplaintFilter;

/// Generates `count` complaints (if > 0) received over `days` days up to
/// today, then times the lists, five runs each.
pub async fn supervision(url: &str, count: i64, days: i64, month: &str) -> Result<()> {
    let store = crate::backend::open_bench(url).await?;
    let today = jiff::Zoned::now().date();
    if count > 0 {
        let start = Instant::now();
        let first_day = today
            .checked_sub(jiff::Span::new().days(days - 1))
            .context("--days 太大")?;
        let mut done = 0;
        while done < count {
            let n = (count - done).min(500_000);
            let batch = store::bench::BenchBatch {
                count: n,
                first: done,
                first_day,
                days,
                at: jiff::Timestamp::now(),
            };
            store.generate_complaints(&batch).await?;
            done += n;
            println!("已生成 {done} 件投诉（{:.0} 秒）", start.elapsed().as_secs_f64());
        }
        store.analyze_cases().await?;
        println!("统计信息已更新（共 {:.0} 秒）", start.elapsed().as_secs_f64());
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
    Ok(())
}

/// Runs `query` five times and prints the fastest, median and slowest.
async fn time<T, F, Fut>(what: &str, query: F) -> Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = store::StoreResult<Vec<T>>>,
{
    let mut took = Vec::new();
    let mut rows = 0;
    for _ in 0..5 {
        let start = Instant::now();
        rows = query().await?.len();
        took.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    took.sort_by(f64::total_cmp);
    println!(
        "{what}（{rows} 行）：最快 {:.1} ms，中位 {:.1} ms，最慢 {:.1} ms",
        took[0], took[2], took[4]
    );
    Ok(())
}
