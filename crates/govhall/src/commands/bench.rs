//! `govhall bench display`: opens many hall-display streams against a
//! running server, makes calls, and measures how long each call takes to
//! reach every display (a benchmark, not a test).

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Receipts = Arc<Mutex<HashMap<String, Vec<Instant>>>>;

pub async fn display(
    url: &str,
    token: &str,
    streams: usize,
    calls: usize,
    window: &str,
    category: &str,
) -> Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(streams + 8)
        .build()?;
    let receipts: Receipts = Arc::default();
    let mut readers = Vec::with_capacity(streams);
    for _ in 0..streams {
        let resp = client
            .get(format!("{url}/api/display/stream"))
            .send()
            .await
            .context("无法打开显示流")?;
        if !resp.status().is_success() {
            bail!("显示流返回 {}", resp.status());
        }
        let receipts = receipts.clone();
        readers.push(tokio::spawn(async move {
            let mut body = resp.bytes_stream();
            let mut buf = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) else {
                        continue;
                    };
                    let Ok(v) = serde_json::from_str::<serde_json::Value>(data) else {
                        continue;
                    };
                    if let Some(n) = v["number"].as_str()
                        && let Ok(mut map) = receipts.lock()
                    {
                        map.entry(n.to_owned()).or_default().push(Instant::now());
                    }
                }
            }
        }));
    }
    println!("已打开 {streams} 个显示流");
    for _ in 0..calls {
        let r = client
            .post(format!("{url}/api/tickets"))
            .json(&serde_json::json!({ "category": category }))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("取号失败：{}（请用 GOVHALL_RATE_LIMIT=off 启动服务）", r.status());
        }
    }
    let mut sent: Vec<(String, Instant)> = Vec::with_capacity(calls);
    for _ in 0..calls {
        let at = Instant::now();
        let r = client
            .post(format!("{url}/api/windows/{window}/call"))
            .bearer_auth(token)
            .send()
            .await?;
        if r.status().as_u16() != 200 {
            bail!("叫号失败：{}", r.status());
        }
        let v: serde_json::Value = r.json().await?;
        sent.push((v["ticket"]["number"].as_str().unwrap_or_default().to_owned(), at));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let map = receipts
        .lock()
        .map_err(|_| anyhow::anyhow!("lock poisoned"))?
        .clone();
    let mut latencies: Vec<f64> = Vec::new();
    for (number, at) in &sent {
        for got in map.get(number).map(Vec::as_slice).unwrap_or_default() {
            latencies.push(got.saturating_duration_since(*at).as_secs_f64() * 1000.0);
        }
    }
    for r in readers {
        r.abort();
    }
    latencies.sort_by(f64::total_cmp);
    let expected = streams * calls;
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "送达 {}/{}；叫号→大屏延迟 p50 {:.1} ms，p99 {:.1} ms，最大 {:.1} ms",
        latencies.len(),
        expected,
        pick(0.5),
        pick(0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    Ok(())
}

/// `govhall bench rate`: what to send, how fast.
pub struct Load {
    pub url: String,
    pub token: String,
    pub kind: String,
    pub rate: u32,
    pub seconds: u32,
    pub windows: u32,
}

const CATEGORIES: [&str; 4] = ["A", "B", "C", "D"];

/// Sends `rate` requests a second for `seconds` whatever the answers take
/// (open loop), and prints the latency percentiles measured from each
/// request's due time.
pub async fn fixed_rate(load: &Load) -> Result<()> {
    if load.rate == 0 || load.seconds == 0 {
        bail!("--rate 与 --seconds 须大于 0");
    }
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    let total = (load.rate * load.seconds) as usize;
    let mut finished: Vec<String> = Vec::new();
    match load.kind.as_str() {
        "take" => {}
        "call" => {
            // Enough people waiting for every call to find someone.
            println!("先取 {total} 张号……");
            let mut fill = Vec::new();
            for chunk in 0..32 {
                let client = client.clone();
                let url = load.url.clone();
                fill.push(tokio::spawn(async move {
                    for i in (chunk..total).step_by(32) {
                        let _ = client
                            .post(format!("{url}/api/tickets"))
                            .json(&serde_json::json!({ "category": CATEGORIES[i % 4] }))
                            .send()
                            .await;
                    }
                }));
            }
            for f in fill {
                f.await?;
            }
        }
        "evaluate" => {
            finished = finish_tickets(&client, load, total).await?;
            if finished.len() < total {
                bail!("只办结了 {} 张号，需要 {total} 张", finished.len());
            }
        }
        "accept" => {}
        other => bail!("--kind 应为 take、call、evaluate 或 accept，而不是 {other}"),
    }
    let period = Duration::from_secs_f64(1.0 / f64::from(load.rate));
    let start = tokio::time::Instant::now();
    let mut sent = Vec::with_capacity(total);
    for i in 0..total {
        let due = start + period * i as u32;
        tokio::time::sleep_until(due).await;
        let request = match load.kind.as_str() {
            "take" => client
                .post(format!("{}/api/tickets", load.url))
                .json(&serde_json::json!({ "category": CATEGORIES[i % 4] })),
            // 即办件 with everything provided: accepted at once, one transaction each.
            "accept" => client
                .post(format!("{}/api/cases", load.url))
                .bearer_auth(&load.token)
                .json(&serde_json::json!({
                    "item": "SCJG-QR-001",
                    "applicant": {"name": "测试申请人", "id_number": "11010519491231002X", "phone": "13912345678"},
                    "materials": [
                        {"name": "个体工商户注册登记申请书", "status": "provided"},
                        {"name": "经营场所使用证明", "status": "provided"}
                    ]
                })),
            "evaluate" => client
                .post(format!("{}/api/evaluations", load.url))
                .json(&serde_json::json!({
                    "ticket_id": finished[i], "channel": "online",
                    "level": if i % 50 == 0 { "basic" } else { "very_satisfied" }
                })),
            _ => client
                .post(format!(
                    "{}/api/windows/{}/call",
                    load.url,
                    i as u32 % load.windows.max(1) + 1
                ))
                .bearer_auth(&load.token),
        };
        sent.push(tokio::spawn(async move {
            let ok = matches!(request.send().await, Ok(r) if r.status().is_success());
            (ok, due.elapsed())
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut failed = 0usize;
    for s in sent {
        let (ok, took) = s.await?;
        if !ok {
            failed += 1;
        }
        latencies.push(took.as_secs_f64() * 1000.0);
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "{}：目标 {}/s，实际 {:.0}/s，失败 {failed}；延迟 p50 {:.1} ms，p90 {:.1} ms，p99 {:.1} ms，最大 {:.1} ms",
        load.kind,
        load.rate,
        total as f64 / elapsed,
        pick(0.5),
        pick(0.9),
        pick(0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    Ok(())
}

/// `govhall bench evaluations`: generates `count` evaluations (if > 0) and
/// times the monthly report grouped by window, from the rollup, five times.
pub async fn evaluations(url: &str, count: i64, days: i64, month: &str) -> Result<()> {
    let store = crate::backend::open_bench(url).await?;
    if count > 0 {
        let start = Instant::now();
        let first_day = jiff::civil::date(2024, 1, 1);
        // Batches of a million keep each transaction (and its rollback segment) modest.
        let mut done = 0;
        while done < count {
            let n = (count - done).min(1_000_000);
            let batch = store::bench::BenchBatch {
                count: n,
                first: done,
                first_day,
                days,
                at: jiff::Timestamp::now(),
            };
            store.generate_evaluations(&batch).await?;
            done += n;
            println!("已生成 {done} 条评价（{:.0} 秒）", start.elapsed().as_secs_f64());
        }
    }
    let first: jiff::civil::Date = format!("{month}-01").parse().context("--month 应为 YYYY-MM")?;
    let last = first.last_of_month();
    let by = Some(store::evaluation::Dimension::Window);
    let mut took = Vec::new();
    let mut total = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let whole = store.level_counts(first, last, None).await?;
        let groups = store.level_counts(first, last, by).await?;
        took.push(start.elapsed().as_secs_f64() * 1000.0);
        total = whole.iter().map(|c| c.n).sum::<i64>();
        assert_groups(&groups)?;
    }
    took.sort_by(f64::total_cmp);
    println!(
        "{month} 按窗口统计（{total} 条评价）：最快 {:.1} ms，中位 {:.1} ms，最慢 {:.1} ms",
        took[0], took[2], took[4]
    );
    let start = Instant::now();
    let from_records = store.level_counts_from_records(first, last, by).await?;
    let rollup = store.level_counts(first, last, by).await?;
    println!(
        "汇总与明细核对：{}（逐条统计用时 {:.0} ms）",
        if from_records == rollup {
            "一致"
        } else {
            "不一致！"
        },
        start.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

fn assert_groups(groups: &[store::evaluation::LevelCount]) -> Result<()> {
    if groups.is_empty() {
        bail!("该月没有评价数据");
    }
    Ok(())
}

/// Takes `total` tickets and has windows 1..=N call and finish them; returns their ids.
async fn finish_tickets(client: &reqwest::Client, load: &Load, total: usize) -> Result<Vec<String>> {
    println!("先取号、叫号并办结 {total} 张……");
    let mut fill = Vec::new();
    for chunk in 0..32 {
        let (client, url) = (client.clone(), load.url.clone());
        fill.push(tokio::spawn(async move {
            for i in (chunk..total).step_by(32) {
                let _ = client
                    .post(format!("{url}/api/tickets"))
                    .json(&serde_json::json!({ "category": CATEGORIES[i % 4] }))
                    .send()
                    .await;
            }
        }));
    }
    for f in fill {
        f.await?;
    }
    let mut windows = Vec::new();
    for w in 1..=load.windows.max(1) {
        let (client, url, token) = (client.clone(), load.url.clone(), load.token.clone());
        windows.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let Ok(r) = client
                    .post(format!("{url}/api/windows/{w}/call"))
                    .bearer_auth(&token)
                    .send()
                    .await
                else {
                    break;
                };
                if r.status().as_u16() != 200 {
                    break;
                }
                let Ok(v) = r.json::<serde_json::Value>().await else {
                    break;
                };
                let Some(id) = v["ticket"]["id"].as_str().map(str::to_owned) else {
                    break;
                };
                let finished = client
                    .post(format!("{url}/api/tickets/{id}/finish"))
                    .bearer_auth(&token)
                    .send()
                    .await;
                if finished.is_ok_and(|r| r.status().is_success()) {
                    done.push(id);
                }
            }
            done
        }));
    }
    let mut ids = Vec::new();
    for w in windows {
        ids.extend(w.await?);
    }
    Ok(ids)
}

// What the bench commands share: a leader to call the app as, the timing of
// a few runs, and the batched generation of synthetic rows.

/// A leader's API session for the bench commands that call the app directly
/// (reports, assessment, dashboard); they only read as this leader.
pub(super) fn leader_session() -> app::auth::Session {
    app::auth::Session {
        user: store::User {
            id: uuid::Uuid::nil(),
            username: "bench".into(),
            display_name: "基准测试".into(),
            role: domain::Role::Leader,
            department: None,
            disabled: false,
            created_at: jiff::Timestamp::now(),
        },
        kind: store::TokenKind::Api,
        csrf: String::new(),
    }
}

/// Runs `run` `runs` times (at least once); answers the last result and
/// each run's time in milliseconds.
pub(super) async fn runs<T, E, F, Fut>(runs: usize, mut run: F) -> Result<(T, Vec<f64>)>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut took = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = Some(run().await.map_err(|e| anyhow::anyhow!("{e}"))?);
        took.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((last.context("no run")?, took))
}

/// Run times in milliseconds as the bench commands print them:
/// `中位 12.3 ms（最快 11.0，最慢 15.2）`.
pub(super) fn median(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    format!(
        "中位 {:.1} ms（最快 {:.1}，最慢 {:.1}）",
        ms[ms.len() / 2],
        ms[0],
        ms[ms.len() - 1]
    )
}

/// Runs `run` five times and prints `label` with the [`median`] time;
/// answers the last result.
pub(super) async fn timed<T, E, F, Fut>(label: &str, run: F) -> Result<T>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let (last, took) = runs(5, run).await?;
    println!("{label}：{}", median(took));
    Ok(last)
}

/// Generates `count` synthetic rows spread over `days` days from `first_day`,
/// in batches of at most `per_batch` (one transaction each, kept modest),
/// printing the progress as `已生成 {done} {what}` (`what` with its measure
/// word: "张号票", "件办件").
pub(super) async fn fill<F, Fut>(
    what: &str,
    count: i64,
    per_batch: i64,
    first_day: jiff::civil::Date,
    days: i64,
    generate: F,
) -> Result<()>
where
    F: Fn(store::bench::BenchBatch) -> Fut,
    Fut: std::future::Future<Output = store::StoreResult<()>>,
{
    let start = Instant::now();
    let mut done = 0;
    while done < count {
        let n = (count - done).min(per_batch);
        generate(store::bench::BenchBatch {
            count: n,
            first: done,
            first_day,
            days,
            at: jiff::Timestamp::now(),
        })
        .await?;
        done += n;
        println!("已生成 {done} {what}（{:.0} 秒）", start.elapsed().as_secs_f64());
    }
    Ok(())
}
