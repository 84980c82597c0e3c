//! issue 18: the counts the queue report, the hall's summary and the
//! assessment read from the database instead of the records one by one must
//! be the records' own figures: each is checked here against the same
//! figures worked out from the records (`tickets_of_day`, `month_*`), on
//! every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::Store;
use crate::assessment::{CaseCount, TicketCount};
use crate::queue::*;
use domain::assessment::CaseOutcome;
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    ticket_counts_are_the_tickets_figures(store).await;
    assessment_counts_are_the_records_figures(store).await;
}

/// A planned ticket: category, taken, called, ended with a status (seconds
/// and nanoseconds after the base instant).
type Planned = (
    &'static str,
    (i64, i32),
    Option<(i64, i32)>,
    Option<((i64, i32), TicketStatus)>,
);

/// What the assessment reads of a case: window, staff, department, ticket,
/// accepted in the month, outcome.
type CaseKey = (String, String, String, bool, bool, Option<CaseOutcome>);

/// Key, status and whole seconds → tickets.
type Tally = BTreeMap<(String, &'static str, Option<i64>), i64>;

/// The store's lines tallied per key of `by`: (waits, services), each
/// ticket once (a ticket never called is counted with no seconds).
fn tally(lines: &[TicketSeconds], by: TicketKey) -> (Tally, Tally) {
    let (mut waits, mut services) = (Tally::new(), Tally::new());
    for l in lines {
        assert!(l.n > 0, "a counted line holds at least one ticket");
        assert!(l.waits.len() as i64 <= l.n && l.services.len() as i64 <= l.n);
        if l.status != TicketStatus::Finished {
            assert!(l.services.is_empty(), "only finished tickets are served");
        }
        let Some(key) = l.key(by) else { continue };
        for s in &l.waits {
            *waits.entry((key.into(), l.status.code(), Some(*s))).or_default() += 1;
        }
        let never_called = l.n - l.waits.len() as i64;
        if never_called > 0 {
            *waits.entry((key.into(), l.status.code(), None)).or_default() += never_called;
        }
        for s in &l.services {
            *services
                .entry((key.into(), l.status.code(), Some(*s)))
                .or_default() += 1;
        }
    }
    (waits, services)
}

/// Tickets whose waits and services end on every kind of fraction of a
/// second (a smaller fraction, a larger one, the same, nanoseconds, none,
/// and a call stamped before the ticket), then every key compared.
async fn ticket_counts_are_the_tickets_figures(store: &dyn Store) {
    let day = date(2026, 11, 10);
    let base: Timestamp = "2026-11-10T01:00:00Z".parse().unwrap();
    let at = |s: i64, ns: i32| base + SignedDuration::new(s, ns);
    // (category, taken, called, ended, end status); seconds and nanoseconds.
    let plan: [Planned; 9] = [
        (
            "A",
            (0, 900_000_000),
            Some((61, 100_000_000)),
            Some(((400, 0), TicketStatus::Finished)),
        ),
        (
            "A",
            (5, 100_000_000),
            Some((65, 900_000_000)),
            Some(((65, 950_000_000), TicketStatus::Finished)),
        ),
        (
            "A",
            (7, 0),
            Some((7, 0)),
            Some(((8, 999_999_000), TicketStatus::Finished)),
        ),
        (
            "B",
            (9, 999_999_999),
            Some((10, 0)),
            Some(((30, 0), TicketStatus::Skipped)),
        ),
        (
            "B",
            (11, 123_457_000),
            Some((611, 123_456_000)),
            Some(((1200, 5), TicketStatus::Finished)),
        ),
        (
            "B",
            (100, 500_000_000),
            Some((99, 200_000_000)),
            Some(((150, 0), TicketStatus::Finished)),
        ),
        ("C", (12, 0), Some((3612, 0)), None),
        ("C", (13, 0), None, None),
        (
            "A",
            (14, 250_000_000),
            Some((200, 750_000_000)),
            Some(((3800, 100_000_000), TicketStatus::Finished)),
        ),
    ];
    for (i, (category, taken, called, ended)) in plan.into_iter().enumerate() {
        let mut t = NewTicket {
            id: Uuid::now_v7(),
            business_date: day,
            category: category.into(),
            priority: None,
            person_keys: vec![],
            max_live_per_person: 1,
            taken_at: at(taken.0, taken.1),
            passed_by: 0,
            transferred_from: None,
            appointment_at: None,
            phone_sealed: None,
            marks: Default::default(),
        };
        t.id = store.take_ticket(&t).await.unwrap().ticket.id;
        if let Some(called) = called {
            let window = ((i % 3) + 1).to_string();
            store
                .call_ticket(t.id, &window, &format!("staff{}", i % 2), at(called.0, called.1))
                .await
                .unwrap();
            if let Some((end, status)) = ended {
                store
                    .transition_ticket(
                        t.id,
                        &[TicketStatus::Called, TicketStatus::Serving],
                        status,
                        at(end.0, end.1),
                    )
                    .await
                    .unwrap();
            }
        }
    }

    // November: these tickets and those the queue suite left.
    let (from, to) = (date(2026, 11, 1), date(2026, 11, 30));
    let mut tickets = Vec::new();
    let mut d = from;
    while d <= to {
        tickets.extend(store.tickets_of_day(d).await.unwrap());
        d = d.tomorrow().unwrap();
    }
    assert!(tickets.len() >= 9);
    for by in [TicketKey::Category, TicketKey::Window, TicketKey::Staff] {
        let key = |t: &Ticket| match by {
            TicketKey::Category => Some(t.category.clone()),
            TicketKey::Window => t.window.clone(),
            TicketKey::Staff => t.called_by.clone(),
        };
        let mut waits = Tally::new();
        let mut services = Tally::new();
        for t in &tickets {
            let Some(k) = key(t) else { continue };
            let wait = t.called_at.map(|c| c.duration_since(t.taken_at).as_secs());
            *waits.entry((k.clone(), t.status.code(), wait)).or_default() += 1;
            if t.status == TicketStatus::Finished
                && let (Some(c), Some(f)) = (t.called_at, t.finished_at)
            {
                *services
                    .entry((k, t.status.code(), Some(f.duration_since(c).as_secs())))
                    .or_default() += 1;
            }
        }
        let (counted_waits, counted_services) = tally(&store.ticket_seconds(from, to).await.unwrap(), by);
        assert_eq!(counted_waits, waits, "{by:?} waits");
        assert_eq!(counted_services, services, "{by:?} services");
    }
    // The fractions (PostgreSQL keeps microseconds, SQLite what jiff wrote):
    // 60.2 s and 60.8 s waited are 60, 599.999999 s is 599, 0.000000001 s is 0,
    // and a call stamped 1.3 s before the ticket is −1 (toward zero).
    let (waits, services) = tally(
        &store.ticket_seconds(day, day).await.unwrap(),
        TicketKey::Category,
    );
    for (category, seconds) in [
        ("A", 60),
        ("A", 60),
        ("A", 0),
        ("B", 0),
        ("B", 599),
        ("B", -1),
        ("C", 3600),
        ("A", 186),
    ] {
        assert!(
            waits.keys().any(|(k, _, s)| k == category && *s == Some(seconds)),
            "{category} waited {seconds} s"
        );
    }
    for (category, seconds) in [("A", 338), ("A", 0), ("A", 1), ("B", 588), ("B", 50), ("A", 3599)] {
        assert!(
            services
                .keys()
                .any(|(k, _, s)| k == category && *s == Some(seconds)),
            "{category} served {seconds} s"
        );
    }
}

/// The assessment's counted facts are its records' facts, counted, for every
/// month of 2025 and 2026 (with whatever the other suites left there).
async fn assessment_counts_are_the_records_figures(store: &dyn Store) {
    let today = date(2026, 11, 20);
    // Cases of March 2026 of every kind the assessment counts apart: with a
    // ticket or without, accepted in the month or before it; completed on
    // time, late, with no deadline; open past a deadline in the month, or not.
    let march = |d: i8| date(2026, 3, d);
    let plans: [(bool, Date, Option<Date>, Option<Date>); 6] = [
        (true, march(5), Some(march(12)), Some(march(10))),
        (true, march(6), Some(march(12)), Some(march(20))),
        (true, march(7), Some(march(15)), None),
        (true, march(8), Some(date(2026, 5, 1)), None),
        (false, date(2026, 2, 20), Some(march(5)), Some(march(3))),
        (true, march(9), None, Some(march(20))),
    ];
    // Real tickets (a case's ticket is one of the hall's): those taken above.
    let mut tickets = store
        .tickets_of_day(date(2026, 11, 10))
        .await
        .unwrap()
        .into_iter();
    for (i, (ticket, accepted, deadline, completed)) in plans.into_iter().enumerate() {
        let mut c = crate::conformance_case::case("考核部门", accepted);
        c.ticket_id = if ticket {
            Some(tickets.next().unwrap().id)
        } else {
            None
        };
        c.window = "9".into();
        c.staff = format!("assessed{}", i % 2);
        c.deadline = deadline;
        c.completed_on = completed;
        if completed.is_some() {
            c.status = domain::case::CaseStatus::Completed;
        }
        store
            .create_case(
                &c,
                &format!("KH{}-", accepted.strftime("%Y%m%d")),
                &crate::case::CaseEvent {
                    at: c.created_at,
                    actor: "wang".into(),
                    action: "受理".into(),
                    status: c.status,
                    note: String::new(),
                },
                &Default::default(),
            )
            .await
            .unwrap();
    }
    let mut seen = (0, 0, 0);
    // Which (has a ticket, accepted in the month, outcome) the months hold.
    let mut kinds = std::collections::BTreeSet::new();
    for (year, month) in (1..=12).map(|m| (2025, m)).chain((1..=12).map(|m| (2026, m))) {
        let from = date(year, month, 1);
        let to = from.last_of_month();

        let mut evaluations: Vec<_> = store
            .month_evaluations(from, to)
            .await
            .unwrap()
            .into_iter()
            .map(|mut e| {
                e.ids.clear();
                e
            })
            .collect();
        let mut counted = store.month_evaluation_counts(from, to).await.unwrap();
        let order = |e: &crate::assessment::EvaluationRow| {
            (
                e.window.clone(),
                e.department.clone(),
                e.staff.clone(),
                e.level.code(),
                e.imported,
                e.excluded,
            )
        };
        evaluations.sort_by_key(order);
        counted.sort_by_key(order);
        assert_eq!(counted, evaluations, "{from} evaluations");
        seen.0 += evaluations.len();

        let mut tickets: BTreeMap<(String, String), i64> = BTreeMap::new();
        for t in store.month_tickets(from, to).await.unwrap() {
            *tickets.entry((t.window, t.staff)).or_default() += 1;
        }
        let mut counted = store.month_ticket_counts(from, to).await.unwrap();
        counted.sort();
        let expected: Vec<TicketCount> = tickets
            .into_iter()
            .map(|((window, staff), n)| TicketCount { window, staff, n })
            .collect();
        seen.1 += expected.len();
        assert_eq!(counted, expected, "{from} tickets");

        let mut cases: BTreeMap<CaseKey, i64> = BTreeMap::new();
        for c in store.month_cases(from, to, today).await.unwrap() {
            // As the assessment reads a case (app::assessment::facts).
            let in_month = |d: Date| d >= from && d <= to;
            let outcome = match (c.completed_on, c.deadline) {
                (Some(done), deadline) if in_month(done) => Some(if deadline.is_some_and(|d| done > d) {
                    CaseOutcome::Late
                } else {
                    CaseOutcome::OnTime
                }),
                (None, Some(d)) if in_month(d) && d < today && !c.paused => Some(CaseOutcome::OpenOverdue),
                _ => None,
            };
            let accepted = c.accepted_on.is_some_and(in_month);
            *cases
                .entry((c.window, c.staff, c.department, c.has_ticket, accepted, outcome))
                .or_default() += 1;
        }
        let mut counted = store.month_case_counts(from, to, today).await.unwrap();
        counted.sort();
        let expected: Vec<CaseCount> = cases
            .into_iter()
            .map(
                |((window, staff, department, has_ticket, accepted, outcome), n)| CaseCount {
                    window,
                    staff,
                    department,
                    has_ticket,
                    accepted,
                    outcome,
                    n,
                },
            )
            .collect();
        seen.2 += expected.len();
        for c in &expected {
            kinds.insert((c.has_ticket, c.accepted, c.outcome));
        }
        assert_eq!(counted, expected, "{from} cases");
    }
    assert!(seen.1 > 0, "the months have finished tickets to count");
    assert!(seen.2 > 0, "the months have cases to count");
    for kind in [
        (false, true, Some(CaseOutcome::OnTime)),
        (false, true, Some(CaseOutcome::Late)),
        (false, true, Some(CaseOutcome::OpenOverdue)),
        (false, true, None),
        (true, true, Some(CaseOutcome::OnTime)),
        (true, true, Some(CaseOutcome::Late)),
        (true, true, Some(CaseOutcome::OpenOverdue)),
        (true, true, None),
        (false, false, Some(CaseOutcome::OnTime)),
    ] {
        assert!(
            kinds.contains(&kind),
            "the months hold cases of kind {kind:?}: {kinds:?}"
        );
    }
}
