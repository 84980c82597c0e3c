//! `govhall bench assessment` (issue 16): a province-sized roster (2,000
//! windows, 10,000 staff) and its evaluations generated inside the
//! database, then the month scored from the records (what
//! `GET /api/assessment` does until the month is frozen), frozen, and read
//! back (what it does afterwards), each timed five times.

use super::bench::{fill, leader_session, median, runs};
use anyhow::Result;
use app::assessment::Month;
use domain::assessment::SubjectLevel;
use std::sync::Arc;
use std::time::Instant;
use store::assessment::{AssessmentLogEntry, FrozenMonth, ResultQuery};

pub struct Shape {
    pub evaluations: i64,
    pub windows: i64,
    pub per_window: i64,
    pub departments: i64,
    pub days: i64,
}

pub async fn assessment(url: &str, shape: Shape, month: &str) -> Result<()> {
    let bench = crate::backend::open_bench(url).await?;
    if shape.windows > 0 {
        let start = Instant::now();
        bench
            .generate_roster(
                shape.windows,
                shape.per_window,
                shape.departments,
                jiff::Timestamp::now(),
            )
            .await?;
        println!(
            "名册：{} 个窗口、{} 名工作人员、{} 个部门（{:.1} 秒）",
            shape.windows,
            shape.windows * shape.per_window,
            shape.departments,
            start.elapsed().as_secs_f64()
        );
    }
    if shape.evaluations > 0 {
        let (windows, per_window, departments) = (
            shape.windows.max(1),
            shape.per_window.max(1),
            shape.departments.max(1),
        );
        let b = &*bench;
        fill(
            "条评价",
            shape.evaluations,
            1_000_000,
            jiff::civil::date(2024, 1, 1),
            shape.days,
            |x| async move {
                b.generate_roster_evaluations(&x, windows, per_window, departments)
                    .await
            },
        )
        .await?;
        bench.analyze_cases().await?;
    }
    let store: Arc<dyn store::Store> = bench.clone();
    let app = app::App::new(store.clone(), app::Settings::default());
    let month = Month::parse(month).map_err(|e| anyhow::anyhow!("{e}"))?;

    // Where the time goes: the month's evaluations alone.
    let start = Instant::now();
    let rows = store.month_evaluations(month.first, month.last).await?;
    println!(
        "读取本月评价 {} 条：{:.0} ms",
        rows.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    drop(rows);

    // Scoring from the records, five times.
    let ((version, _, scores), took) = runs(5, || app.assessment.score_live(&month)).await?;
    let evidence: usize = scores
        .staff
        .iter()
        .chain(&scores.windows)
        .chain(&scores.departments)
        .flat_map(|a| &a.parts)
        .map(|p| p.evidence.len())
        .sum();
    println!(
        "{} 评分（{} 名工作人员、{} 个窗口、{} 个部门，证据 {evidence} 条）：{}",
        month.text,
        scores.staff.len(),
        scores.windows.len(),
        scores.departments.len(),
        median(took)
    );

    // Freezing: the results stored (as a re-score when already frozen).
    let mut all = scores.staff.clone();
    all.extend(scores.windows.iter().cloned());
    all.extend(scores.departments.iter().cloned());
    let frozen = FrozenMonth {
        month: month.text.clone(),
        scheme_version: version,
        frozen_by: "bench".into(),
        frozen_at: jiff::Timestamp::now(),
        rescores: 0,
        red_flag: "{\"winners\":[],\"runner_up\":null,\"reasons\":[]}".into(),
        stars: "{\"winners\":[],\"runner_up\":null,\"reasons\":[]}".into(),
    };
    let already = store.frozen_month(&month.text).await?.is_some();
    let log = AssessmentLogEntry {
        month: month.text.clone(),
        action: if already { "rescore" } else { "freeze" }.into(),
        actor: "bench".into(),
        at: jiff::Timestamp::now(),
        reason: "基准测试".into(),
    };
    let start = Instant::now();
    store.save_frozen_month(&frozen, &all, already, &log).await?;
    println!(
        "定档写入 {} 条结果：{:.0} ms",
        all.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );

    // Reading the frozen month back, as the API does.
    let session = leader_session();
    for level in SubjectLevel::ALL {
        for evidence in [false, true] {
            let (bytes, took) = runs(5, || async {
                let list = app
                    .assessment
                    .assessment(&session, Some(&month.text), Some(level.code()), None, evidence)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                anyhow::Ok(serde_json::to_vec(&list)?.len())
            })
            .await?;
            println!(
                "读取已定档 {} 级{}（JSON {:.1} MB）：{}",
                level.label(),
                if evidence { "含证据" } else { "不含证据" },
                bytes as f64 / 1e6,
                median(took)
            );
        }
    }
    let start = Instant::now();
    let one = store
        .frozen_results(&ResultQuery {
            month: month.text.clone(),
            level: SubjectLevel::Staff,
            subject: Some("pstaff42".into()),
            evidence: true,
        })
        .await?;
    println!(
        "读取一名工作人员（含证据 {} 条）：{:.1} ms",
        one.iter()
            .flat_map(|a| &a.parts)
            .map(|p| p.evidence.len())
            .sum::<usize>(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
