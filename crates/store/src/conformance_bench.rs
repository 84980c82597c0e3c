//! The benchmark generators (`govhall bench`) make the rows they promise:
//! run by each backend's tests on a database of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::bench::{BenchBatch, BenchStore};
use crate::case_ledger::LedgerGroup;
use crate::evaluation::{Dimension, LevelCount};
use crate::queue::{QueueStore, TicketStatus};
use domain::evaluation::Level;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use std::collections::BTreeMap;

pub async fn run_all<S: BenchStore + QueueStore>(store: &S) {
    evaluations(store).await;
    cases(store).await;
    tickets(store).await;
}

/// What ticket `i` of `days` days is (as the generator's SQL says): its
/// status, window, staff member, category, seconds waited and served.
type GeneratedTicket = (TicketStatus, String, String, String, i64, Option<i64>);

fn generated_ticket(i: i64, days: i64) -> GeneratedTicket {
    let (day, k) = (i % days, i / days);
    let skipped = k % 25 == 0;
    let wait = (i * 7919) % 1201 + (i * 104729) % 601;
    (
        if skipped {
            TicketStatus::Skipped
        } else {
            TicketStatus::Finished
        },
        (1 + k % 40).to_string(),
        format!("staff{}", (k % 40) * 3 + day % 3),
        format!("BENCH{}", (k % 40 + (k / 40) % 3) % 20),
        wait,
        (!skipped).then_some(60 + (i * 31) % 841),
    )
}

/// Generated tickets wait and are served as a hall's do (seconds that vary,
/// twenty categories, forty windows), and the queue's counts read them back.
async fn tickets<S: BenchStore + QueueStore>(store: &S) {
    let (first_day, days) = (date(2024, 2, 5), 4);
    let batch = |count, first| batch(count, first, first_day, days);
    store.generate_tickets(&batch(300, 0)).await.unwrap();
    store.generate_tickets(&batch(500, 300)).await.unwrap();
    type Group = (TicketStatus, String, String, String);
    let mut want: BTreeMap<Group, (i64, Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for i in 0..800 {
        let (status, window, staff, category, wait, service) = generated_ticket(i, days);
        let line = want.entry((status, window, staff, category)).or_default();
        line.0 += 1;
        line.1.push(wait);
        line.2.extend(service);
    }
    let last_day = first_day.checked_add(jiff::Span::new().days(days - 1)).unwrap();
    let mut got: BTreeMap<Group, (i64, Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for l in store.ticket_seconds(first_day, last_day).await.unwrap() {
        let line = got
            .entry((l.status, l.window.unwrap(), l.called_by.unwrap(), l.category))
            .or_default();
        line.0 += l.n;
        line.1.extend(l.waits);
        line.2.extend(l.services);
    }
    for line in want.values_mut().chain(got.values_mut()) {
        line.1.sort_unstable();
        line.2.sort_unstable();
    }
    assert_eq!(got, want);
    let waits: Vec<i64> = want.values().flat_map(|l| l.1.iter().copied()).collect();
    assert!(waits.iter().all(|w| (0..=1800).contains(w)));
    assert!(waits.iter().filter(|w| **w >= 600).count() > 200, "waits vary");
    let categories = store.categories().await.unwrap();
    for n in 0..20 {
        assert!(categories.iter().any(|c| c.prefix == format!("BENCH{n}")));
    }
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
