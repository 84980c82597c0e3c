//! `govhall bench guide`: the smart guide (智能导办) in-process over the county
//! demo catalog: p50/p99 per question and, for a question file
//! (`split<TAB>codes|NONE<TAB>question`; the default is the held-out sets of
//! `crates/domain/tests/guide_questions.tsv` and the tuning sets, which ship as the guide's
//! similar questions), the share with a right answer in the top 3 and the share of "nothing
//! fits" recognised. A split that is a source of the similar questions is scored with the
//! guide built without it, as a new author's questions are.

use anyhow::{Context, Result, bail};
use domain::catalog::{Bundle, Item};
use domain::guide::{Guide, Vocabulary, catalog_docs};
use domain::search::Tokenizer;
use std::time::{Duration, Instant};

const CATALOG: &str = include_str!("../../../app/demo/catalog.json");
const BUNDLES: &str = include_str!("../../../app/demo/bundles.json");
const QUESTIONS: &str = include_str!("../../../domain/tests/guide_questions.tsv");

struct Question {
    split: String,
    expected: Vec<String>,
    text: String,
}

fn parse(text: &str) -> Result<Vec<Question>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 3 {
            bail!("第{}行应为三列：split、编码（或 NONE）、问题", n + 1);
        }
        out.push(Question {
            split: f[0].to_owned(),
            expected: if f[1] == "NONE" {
                Vec::new()
            } else {
                f[1].split(',').map(str::to_owned).collect()
            },
            text: f[2].to_owned(),
        });
    }
    Ok(out)
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted
        .get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

pub fn guide(questions: Option<&std::path::Path>, rounds: usize) -> Result<()> {
    let items: Vec<Item> = serde_json::from_str(CATALOG).context("演示事项目录")?;
    let bundles: Vec<Bundle> = serde_json::from_str(BUNDLES).context("演示一件事")?;
    let text = match questions {
        Some(p) => std::fs::read_to_string(p).with_context(|| format!("无法读取 {}", p.display()))?,
        None => format!("{QUESTIONS}{}", domain::guide_similar::SIMILAR_QUESTIONS),
    };
    let qs = parse(&text)?;
    let started = Instant::now();
    let tokenizer = Tokenizer::default();
    let docs = catalog_docs(&items, &bundles);
    let guide = Guide::build(&tokenizer, &docs, Vocabulary::shipped());
    println!(
        "导办已建立：{} 个事项和一件事，词库版本 {}，相似问法 {} 条，用时 {:?}",
        guide.len(),
        guide.vocabulary().version(),
        guide.vocabulary().similar_questions().len(),
        started.elapsed()
    );
    let mut splits: Vec<String> = qs.iter().map(|q| q.split.clone()).collect();
    splits.sort();
    splits.dedup();
    for split in &splits {
        let (mut answerable, mut top3, mut unanswerable, mut none_ok) = (0, 0, 0, 0);
        let without = guide
            .vocabulary()
            .similar_questions()
            .iter()
            .any(|q| &q.source == split)
            .then(|| {
                let mut v = Vocabulary::shipped();
                v.drop_similar_from(split);
                Guide::build(&tokenizer, &docs, v)
            });
        let scored = without.as_ref().unwrap_or(&guide);
        for q in qs.iter().filter(|q| &q.split == split) {
            let a = scored.ask(&tokenizer, &q.text);
            if q.expected.is_empty() {
                unanswerable += 1;
                none_ok += usize::from(a.none);
            } else {
                answerable += 1;
                top3 += usize::from(a.answers.iter().take(3).any(|h| q.expected.contains(&h.code)));
            }
        }
        println!(
            "{split}: 前三命中 {top3}/{answerable}（{:.1}%），无匹配识别 {none_ok}/{unanswerable}（{:.1}%）",
            100.0 * top3 as f64 / answerable.max(1) as f64,
            100.0 * none_ok as f64 / unanswerable.max(1) as f64
        );
    }
    // Warm up once, then time every question `rounds` times.
    for q in &qs {
        std::hint::black_box(guide.ask(&tokenizer, &q.text));
    }
    let mut times = Vec::with_capacity(qs.len() * rounds);
    for _ in 0..rounds {
        for q in &qs {
            let at = Instant::now();
            std::hint::black_box(guide.ask(&tokenizer, &q.text));
            times.push(at.elapsed());
        }
    }
    times.sort();
    println!(
        "{} 次提问：p50 {:?}，p99 {:?}，最长 {:?}",
        times.len(),
        percentile(&times, 50),
        percentile(&times, 99),
        times.last().copied().unwrap_or_default()
    );
    Ok(())
}
