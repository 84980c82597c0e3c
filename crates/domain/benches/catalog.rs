// A benchmark binary, not product code: a broken fixture should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! Catalog search and deadline benchmarks (issue 3).
//!
//! Run with
//! `CARGO_TARGET_DIR=/work/target-bench cargo bench -p domain --bench catalog -- --measurement-time 3 --warm-up-time 1`.
//!
//! Criterion reports means; before it starts, `percentiles` times every query
//! itself and prints p50/p99 search latency per catalog size. That loop runs
//! only under `cargo bench` (which passes `--bench`), so `cargo test
//! --all-targets` stays quick.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use domain::WorkCalendar;
use domain::catalog::Item;
use domain::search::{SearchDoc, SearchIndex, Tokenizer};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The county (东海县) demo catalog shipped with the app.
const COUNTY_JSON: &str = include_str!("../../app/demo/catalog.json");

/// Size of the synthetic province catalog.
const PROVINCE_ITEMS: usize = 20_000;

/// Everyday queries from the hall, plus an item code and one that matches nothing.
const QUERIES: [&str; 10] = [
    "开饭店",
    "孩子刚出生要办什么",
    "营业执照",
    "退休",
    "残疾证",
    "公积金提取",
    "二手房过户",
    "驾驶证",
    "SCJG-XK-001",
    "火箭发射",
];

fn county_items() -> Vec<Item> {
    serde_json::from_str(COUNTY_JSON).expect("crates/app/demo/catalog.json parses as Vec<Item>")
}

/// 150 county names, e.g. 东山县, 西河县: 15 first characters × 10 second ones.
fn county_names() -> Vec<String> {
    const FIRST: [char; 15] = [
        '东', '西', '南', '北', '清', '长', '安', '平', '和', '宁', '丰', '兴', '永', '新', '阳',
    ];
    const SECOND: [char; 10] = ['海', '山', '河', '泉', '城', '林', '江', '湖', '台', '源'];
    FIRST
        .iter()
        .flat_map(|a| SECOND.iter().map(move |b| format!("{a}{b}")))
        .collect()
}

/// A deterministic province catalog of `n` items: the county catalog repeated
/// across 150 counties (东海 first, then 东山, 东河, …), with the county name
/// replaced in names, departments and materials, and item codes suffixed with
/// the county number (county 0 keeps the original codes).
fn province_items(county: &[Item], n: usize) -> Vec<Item> {
    let counties = county_names();
    // Put 东海 first so that county 0 is the original catalog.
    let mut ordered = vec!["东海".to_owned()];
    ordered.extend(counties.into_iter().filter(|c| c != "东海"));
    let mut out = Vec::with_capacity(n);
    'outer: for (ci, name) in ordered.iter().enumerate() {
        for item in county {
            if out.len() == n {
                break 'outer;
            }
            let mut it = item.clone();
            if ci > 0 {
                it.code = format!("{}-{ci:03}", item.code);
                it.name = it.name.replace("东海", name);
                it.department = it.department.replace("东海", name);
                for m in &mut it.materials {
                    m.name = m.name.replace("东海", name);
                }
            }
            out.push(it);
        }
    }
    assert_eq!(out.len(), n, "150 counties × county catalog must reach {n} items");
    out
}

fn docs(items: &[Item]) -> Vec<SearchDoc> {
    items.iter().map(SearchDoc::from).collect()
}

/// The catalogs under test: (label, documents).
fn catalogs() -> Vec<(String, Vec<SearchDoc>)> {
    let county = county_items();
    let province = province_items(&county, PROVINCE_ITEMS);
    vec![
        (format!("county_{}", county.len()), docs(&county)),
        (format!("province_{}", province.len()), docs(&province)),
    ]
}

/// (from, days) pairs: every 3rd day of 2020-01-01..=2026-09-30 × days 0..=60.
/// Acceptance dates stop at the end of September 2026 so that every deadline
/// (at most 60 working days ≈ 3 calendar months) stays inside the calendar.
fn deadline_pairs() -> Vec<(Date, u32)> {
    let mut out = Vec::new();
    let mut d = date(2020, 1, 1);
    while d <= date(2026, 9, 30) {
        for days in 0..=60 {
            out.push((d, days));
        }
        d = d.checked_add(3.days()).unwrap();
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// p50/p99 search latency, timed per call with `Instant`. Each query is run
/// `rounds` times, interleaved (q1, q2, …, q1, q2, …) so that a burst of load
/// from elsewhere on the machine spreads over all queries.
fn percentiles(tokenizer: &Tokenizer, catalogs: &[(String, Vec<SearchDoc>)]) {
    println!("== search latency percentiles (custom Instant loop) ==");
    for (label, docs) in catalogs {
        let index = SearchIndex::build(tokenizer, docs);
        // Sanity: what each query finds, so the figures are of real work.
        for q in QUERIES {
            let hits = index.search(tokenizer, q);
            let top = hits.first().map(|h| h.code.as_str()).unwrap_or("-");
            println!("{label:>15} {q:<14} hits {:>6}  top {top}", hits.len());
        }
        // Aim for roughly 2 s per catalog: estimate one pass, then size the rounds.
        let start = Instant::now();
        for q in QUERIES {
            black_box(index.search(tokenizer, black_box(q)));
        }
        let pass = start.elapsed().max(Duration::from_micros(1));
        let rounds = ((2.0 / pass.as_secs_f64()) as usize).clamp(50, 2000);
        let mut all = Vec::with_capacity(rounds * QUERIES.len());
        let mut per_query: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); QUERIES.len()];
        for _ in 0..rounds {
            for (qi, q) in QUERIES.iter().enumerate() {
                let t = Instant::now();
                black_box(index.search(tokenizer, black_box(q)));
                let e = t.elapsed();
                all.push(e);
                per_query[qi].push(e);
            }
        }
        for (qi, samples) in per_query.iter_mut().enumerate() {
            samples.sort_unstable();
            println!(
                "{label:>15} {:<14} p50 {:>9.1} µs  p99 {:>9.1} µs",
                QUERIES[qi],
                micros(percentile(samples, 50.0)),
                micros(percentile(samples, 99.0)),
            );
        }
        all.sort_unstable();
        println!(
            "{label:>15} ALL QUERIES    p50 {:>9.1} µs  p99 {:>9.1} µs  ({} samples, {rounds} rounds)",
            micros(percentile(&all, 50.0)),
            micros(percentile(&all, 99.0)),
            all.len(),
        );
    }
    println!();
}

fn bench_tokenizer(c: &mut Criterion) {
    let mut g = c.benchmark_group("tokenizer");
    g.sample_size(10);
    g.bench_function("load_jieba_dictionary", |b| {
        b.iter(|| black_box(Tokenizer::default()))
    });
    g.finish();
}

fn bench_index_build(c: &mut Criterion) {
    let tokenizer = Tokenizer::default();
    let mut g = c.benchmark_group("index_build");
    g.sample_size(10);
    for (label, docs) in catalogs() {
        g.throughput(Throughput::Elements(docs.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(&label), &docs, |b, docs| {
            b.iter(|| black_box(SearchIndex::build(&tokenizer, black_box(docs))))
        });
    }
    g.finish();
}

fn bench_search(c: &mut Criterion) {
    let tokenizer = Tokenizer::default();
    for (label, docs) in catalogs() {
        let index = SearchIndex::build(&tokenizer, &docs);
        let mut g = c.benchmark_group(format!("search/{label}"));
        for q in QUERIES {
            g.bench_with_input(BenchmarkId::from_parameter(q), &q, |b, q| {
                b.iter(|| black_box(index.search(&tokenizer, black_box(q))))
            });
        }
        g.finish();
    }
}

fn bench_deadline(c: &mut Criterion) {
    let cal = WorkCalendar::builtin();
    let pairs = deadline_pairs();
    let failed = pairs
        .iter()
        .filter(|(d, n)| cal.deadline(*d, *n).is_err())
        .count();
    assert_eq!(failed, 0, "every benchmarked deadline must fall inside 2020–2026");
    let mut g = c.benchmark_group("deadline");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function(format!("{}_pairs_days_0_to_60", pairs.len()), |b| {
        b.iter(|| {
            let mut acc = 0i32;
            for (from, days) in black_box(&pairs) {
                if let Ok(d) = cal.deadline(*from, *days) {
                    acc = acc.wrapping_add(i32::from(d.day_of_year()));
                }
            }
            black_box(acc)
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_tokenizer,
    bench_index_build,
    bench_search,
    bench_deadline
);

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not, and then
    // criterion runs each benchmark once as a smoke test, so skip the long loop.
    if std::env::args().any(|a| a == "--bench") {
        let tokenizer = Tokenizer::default();
        percentiles(&tokenizer, &catalogs());
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
