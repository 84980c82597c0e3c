//! The benchmark generators (`govhall bench`) make the rows they promise:
//! run by each backend's tests on a database of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::bench::{BenchBatch, BenchStore};
use crate::case_ledger::LedgerGroup;
use crate::evaluation::{Dimension, LevelCount};
use domain::evaluation::Level;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use std::collections::BTreeMap;

pub async fn run_all(store: &dyn BenchStore) {
    evaluations(store).await;
    cases(store).await;
}

/// The level of generated evaluation `i` (as the generator's SQL says).
fn level(i: i64) -> Level {
    if i % 97 == 0 {
        Level::Dissatisfied
    } else if i % 389 == 0 {
        Level::VeryDissatisfied
    } else if i % 13 == 0 {
        Level::Basic
    } else if (i / 11) % 3 == 0 {
        Level::Satisfied
    } else {
        Level::VerySatisfied
    }
}

fn batch(count: i64, first: i64, first_day: Date, days: i64) -> BenchBatch {
    BenchBatch {
        count,
        first,
        first_day,
        days,
        at: Timestamp::now(),
    }
}

async fn evaluations(store: &dyn BenchStore) {
    let (first_day, days) = (date(2024, 1, 1), 10);
    // Two batches, numbered on from each other.
    let batch = |count, first| batch(count, first, first_day, days);
    store.generate_evaluations(&batch(600, 0)).await.unwrap();
    store.generate_evaluations(&batch(400, 600)).await.unwrap();
    let mut want: BTreeMap<(String, Level), i64> = BTreeMap::new();
    for i in 0..1000 {
        *want.entry(((1 + i % 40).to_string(), level(i))).or_default() += 1;
    }
    let want: Vec<LevelCount> = want
        .into_iter()
        .map(|((window, level), n)| LevelCount {
            group: window,
            level,
            n,
            excluded: 0,
        })
        .collect();
    let last_day = date(2024, 1, 10);
    let by = Some(Dimension::Window);
    assert_eq!(store.level_counts(first_day, last_day, by).await.unwrap(), want);
    assert_eq!(
        store
            .level_counts_from_records(first_day, last_day, by)
            .await
            .unwrap(),
        want
    );
    // Row i counts for day i % days.
    let first = store.level_counts(first_day, first_day, None).await.unwrap();
    assert_eq!(first.iter().map(|c| c.n).sum::<i64>(), 100);
}

async fn cases(store: &dyn BenchStore) {
    let (first_day, days, count) = (date(2023, 3, 1), 30_i64, 500_i64);
    store
        .generate_cases(&batch(300, 0, first_day, days))
        .await
        .unwrap();
    store
        .generate_cases(&batch(count - 300, 300, first_day, days))
        .await
        .unwrap();
    store.analyze_cases().await.unwrap();
    // Cases of the last 20 days are mostly open, one in 500 older ones too.
    let open = (0..count)
        .filter(|i| (i % days >= days - 20 && i % 3 != 0) || i % 500 == 7)
        .count() as u64;
    let last_day = date(2023, 3, 30);
    let figures = store
        .ledger_figures(first_day, last_day, last_day, LedgerGroup::Department)
        .await
        .unwrap();
    assert_eq!(figures.len(), 12);
    assert_eq!(figures.iter().map(|f| f.accepted).sum::<u64>(), count as u64);
    assert_eq!(
        figures.iter().map(|f| f.completed).sum::<u64>(),
        count as u64 - open
    );
    let items = store
        .ledger_figures(first_day, last_day, last_day, LedgerGroup::Item)
        .await
        .unwrap();
    assert_eq!(items.len(), 48);
}
