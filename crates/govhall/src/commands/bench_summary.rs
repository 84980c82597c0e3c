//! `govhall bench summary` (issue 18 part 3): times the hall's summary of a
//! month (月报: what `GET /api/reports/summary` does) over an existing
//! database — fill it first with `govhall bench supervision --tickets N`,
//! `bench cases` and `bench evaluations` — and of each of its parts alone,
//! five runs each; `--pdf` and `--xlsx` time the documents too.

use super::bench::{leader_session, timed};
use anyhow::{Context, Result};
use std::sync::Arc;

/// Times the summary of `month` (YYYY-MM), or of `year` (YYYY) when given.
pub async fn summary(url: &str, month: &str, year: Option<i16>, documents: bool) -> Result<()> {
    let bench = crate::backend::open_bench(url).await?;
    let store: Arc<dyn store::Store> = bench.clone();
    let app = app::App::new(store.clone(), app::Settings::default());
    let session = leader_session();
    let (from, to) = match year {
        Some(y) => {
            let first = jiff::civil::date(y, 1, 1);
            (first, first.last_of_year())
        }
        None => {
            let first: jiff::civil::Date = format!("{month}-01").parse().context("--month 应为 YYYY-MM")?;
            (first, first.last_of_month())
        }
    };
    let s = &session;
    let r = timed(&format!("{from} 至 {to} 汇总（全部）"), || {
        app.hall_reports.summary(s, from, to, None)
    })
    .await?;
    println!(
        "  取号 {}，平均等候 {:?} 分，受理 {}，办结率 {:?}，评价 {}，满意率 {:?}，投诉 {}",
        r.visitors,
        r.avg_wait_minutes,
        r.accepted,
        r.completion_rate,
        r.evaluations,
        r.satisfaction_rate,
        r.complaints
    );
    println!("其中各部分单独：");
    timed("  排队（queue_report_range）", || {
        app.queue.queue_report_range(from, to)
    })
    .await?;
    timed("  办件（case_report）", || app.cases.case_report(s, from, to)).await?;
    timed("  办件按部门（ledger_figures）", || {
        app.cases.ledger_figures(s, from, to)
    })
    .await?;
    timed("  评价（satisfaction）", || {
        app.evaluations.satisfaction(s, from, to, None)
    })
    .await?;
    timed("  其他计数（report_counts）", || {
        store.report_counts(from, to, None)
    })
    .await?;
    timed("  投诉、督查、黄牛（period_counts）", || {
        store.period_counts(from, to)
    })
    .await?;
    let m = from.strftime("%Y-%m").to_string();
    timed("  考核（red_flag，一个月）", || {
        app.assessment.red_flag(Some(&m))
    })
    .await?;
    // issue 18: what the summary reads of the assessment (one scoring for
    // the red flag and the departments, from counted facts).
    timed("  考核（month_report，红旗与部门得分）", || {
        app.assessment.month_report(s, &m, None)
    })
    .await?;
    if documents {
        timed("XLSX", || async {
            app.hall_reports
                .summary_xlsx(s, from, to, None)
                .await
                .map(|(_, b)| b.len())
        })
        .await?;
        let bytes = timed("PDF", || async {
            app.hall_reports
                .summary_pdf(s, from, to, None)
                .await
                .map(|(_, b)| b.len())
        })
        .await?;
        println!("  PDF {bytes} 字节");
    }
    Ok(())
}
