//! The queue half of the conformance suite: numbering, limits, transitions,
//! the exactly-once call under concurrent windows, and calls heard by other
//! instances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::queue::*;
use crate::{Store, StoreError};
use domain::appointment::AppointmentStatus;
use domain::queue::Priority;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use uuid::Uuid;

const DAY: Date = date(2026, 11, 23);

pub async fn run_all(store: Arc<dyn Store>) {
    setup(&*store).await;
    numbering_limits_and_transitions(&*store).await;
    appointments(&*store).await;
    appointments_are_called_at_their_time(&*store).await;
    batches_decide_as_if_one_after_another(&*store).await;
    exactly_once_under_concurrency(store.clone(), 8, 2000).await;
    remote_calls(&*store).await;
    out_of_turn_calls_and_reminders(&*store).await;
}

/// A call reaches whoever listens for the calls of other instances sharing
/// the database (PostgreSQL); SQLite has no other instance and says so.
async fn remote_calls(store: &dyn Store) {
    let Some(mut heard) = store.remote_calls().await.unwrap() else {
        assert_eq!(store.backend(), "sqlite");
        return;
    };
    let day = date(2026, 11, 27);
    store
        .take_ticket(&new_ticket("C", day, vec![], None))
        .await
        .unwrap();
    let (_, event) = store.call_next(&call("R1", &["C"], day)).await.unwrap().unwrap();
    let wait = async {
        while let Some(id) = heard.recv().await {
            if id == event.id {
                return;
            }
        }
        panic!("the listener stopped before call event {} arrived", event.id);
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("call event {} was not heard within 10 s", event.id));
}

/// Group commit changes nothing a person sees: a batch of takes numbers and
/// limits like the same takes one by one, and a batch of calls (a window
/// calling twice in it, green-channel tickets passing others) picks the same
/// tickets, in the same order, with the same passes, as the calls made singly.
async fn batches_decide_as_if_one_after_another(store: &dyn Store) {
    let (single_day, batch_day) = (date(2026, 11, 25), date(2026, 11, 26));
    let plan: Vec<(&str, Option<Priority>)> = (0..60)
        .map(|i| {
            let category = if i % 3 == 0 { "B" } else { "A" };
            let priority = (i % 5 == 2).then_some(Priority::Disabled);
            (category, priority)
        })
        .collect();
    let mut singly = Vec::new();
    for (category, priority) in &plan {
        singly.push(
            store
                .take_ticket(&new_ticket(category, single_day, vec![], *priority))
                .await
                .unwrap(),
        );
    }
    let batch: Vec<NewTicket> = plan
        .iter()
        .map(|(category, priority)| new_ticket(category, batch_day, vec![], *priority))
        .collect();
    let batched: Vec<TakenTicket> = store
        .take_tickets(&batch)
        .await
        .into_iter()
        .map(|t| t.unwrap())
        .collect();
    for ((s, b), n) in singly.iter().zip(&batched).zip(&batch) {
        assert_eq!(b.ticket.id, n.id, "answers come in the order asked");
        assert_eq!(
            (s.ticket.number.as_str(), s.waiting_before),
            (b.ticket.number.as_str(), b.waiting_before)
        );
    }

    // One person, at most one live ticket: the batch refuses the second and
    // third of theirs, and still issues the others around them.
    let person = |p: &str| vec![p.to_owned()];
    let limited = store
        .take_tickets(&[
            new_ticket("C", batch_day, person("batch-p1"), None),
            new_ticket("C", batch_day, person("batch-p1"), None),
            new_ticket("C", batch_day, person("batch-p2"), None),
            new_ticket("C", batch_day, person("batch-p1"), None),
        ])
        .await;
    let refused: Vec<bool> = limited
        .iter()
        .map(|r| matches!(r, Err(StoreError::Conflict { what }) if what == "person_limit"))
        .collect();
    assert_eq!(refused, [false, true, false, true], "{limited:?}");
    let numbers: Vec<&str> = limited
        .iter()
        .flatten()
        .map(|t| t.ticket.number.as_str())
        .collect();
    assert_eq!(numbers, ["C001", "C002"]);

    // Window 1 serves A, 2 serves A and B, 3 serves B; some windows call twice in a row.
    let cats = |w: usize| -> &'static [&'static str] {
        match w {
            1 => &["A"],
            2 => &["A", "B"],
            _ => &["B"],
        }
    };
    let order = [2, 1, 3, 2, 2, 1, 3, 3, 1, 2, 2, 2, 3, 1, 1, 2, 3, 2, 1, 3];
    let mut sequential = Vec::new();
    for _ in 0..4 {
        for w in order {
            let got = store
                .call_next(&call(&format!("s{w}"), cats(w), single_day))
                .await
                .unwrap();
            sequential.push(got.map(|(t, e)| {
                assert_eq!((e.number.as_str(), e.ticket_id), (t.number.as_str(), t.id));
                t.number
            }));
        }
    }
    let mut batched_calls = Vec::new();
    for _ in 0..4 {
        for chunk in order.chunks(7) {
            let calls: Vec<CallRequest> = chunk
                .iter()
                .map(|w| call(&format!("b{w}"), cats(*w), batch_day))
                .collect();
            for (answer, c) in store.call_next_batch(&calls).await.into_iter().zip(&calls) {
                batched_calls.push(answer.unwrap().map(|(t, e)| {
                    assert_eq!(t.window.as_deref(), Some(c.window.as_str()));
                    assert_eq!(
                        (e.number.as_str(), e.window.as_str()),
                        (t.number.as_str(), c.window.as_str())
                    );
                    t.number
                }));
            }
        }
    }
    assert_eq!(sequential, batched_calls);
    assert!(
        sequential.iter().filter(|n| n.is_some()).count() == 60,
        "everyone was called"
    );
    let summary = |day: Date| async move {
        store
            .tickets_of_day(day)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.category != "C")
            .map(|t| (t.number, t.status, t.passed_by))
            .collect::<Vec<_>>()
    };
    let (s, b) = (summary(single_day).await, summary(batch_day).await);
    assert_eq!(s, b);
    assert!(
        s.iter().any(|(_, _, passed)| *passed > 0),
        "green-channel calls passed someone"
    );
}

fn booking(code: &str, person: &str, time: &str) -> NewAppointment {
    NewAppointment {
        appointment: Appointment {
            id: Uuid::now_v7(),
            code: code.into(),
            category: "B".into(),
            slot_date: date(2026, 11, 24),
            slot_time: time.into(),
            phone_tail: "5678".into(),
            channel: domain::appointment::AppointmentChannel::Online,
            status: AppointmentStatus::Booked,
            ticket_id: None,
            item_code: None,
            place: String::new(),
        },
        person_key: person.into(),
        created_at: Timestamp::now(),
        capacity: 2,
        max_per_person_per_day: 2,
        marks: Default::default(),
    }
}

async fn appointments(store: &dyn Store) {
    store
        .book_appointment(&booking("100001", "p1", "09:00"))
        .await
        .unwrap();
    store
        .book_appointment(&booking("100002", "p2", "09:00"))
        .await
        .unwrap();
    let full = store.book_appointment(&booking("100003", "p3", "09:00")).await;
    assert!(
        matches!(full, Err(StoreError::Conflict { ref what }) if what == "slot_full"),
        "{full:?}"
    );
    store
        .book_appointment(&booking("100004", "p1", "09:30"))
        .await
        .unwrap();
    let third = store.book_appointment(&booking("100005", "p1", "10:00")).await;
    assert!(
        matches!(third, Err(StoreError::Conflict { ref what }) if what == "person_limit"),
        "{third:?}"
    );
    let dup = store.book_appointment(&booking("100001", "p9", "10:00")).await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })));
    assert_eq!(
        store.slot_bookings("B", date(2026, 11, 24)).await.unwrap(),
        vec![("09:00".to_owned(), 2), ("09:30".to_owned(), 1)]
    );
    let cancelled = store
        .set_appointment_status(
            "100002",
            &[AppointmentStatus::Booked],
            AppointmentStatus::Cancelled,
            None,
        )
        .await
        .unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    assert!(matches!(
        store
            .set_appointment_status(
                "100002",
                &[AppointmentStatus::Booked],
                AppointmentStatus::CheckedIn,
                None
            )
            .await,
        Err(StoreError::Conflict { .. })
    ));
    store
        .book_appointment(&booking("100003", "p3", "09:00"))
        .await
        .unwrap();
    store
        .set_appointment_status(
            "100004",
            &[AppointmentStatus::Booked],
            AppointmentStatus::NoShow,
            None,
        )
        .await
        .unwrap();
    assert_eq!(store.no_show_dates("p1").await.unwrap(), vec![date(2026, 11, 24)]);
    let ticket = Uuid::now_v7();
    let a = store
        .set_appointment_status(
            "100001",
            &[AppointmentStatus::Booked],
            AppointmentStatus::CheckedIn,
            Some(ticket),
        )
        .await
        .unwrap();
    assert_eq!(a.ticket_id, Some(ticket));
    assert_eq!(
        store.appointment("100001").await.unwrap().status,
        AppointmentStatus::CheckedIn
    );
    assert!(matches!(
        store.appointment("999999").await,
        Err(StoreError::NotFound(_))
    ));
}

fn new_ticket(category: &str, day: Date, keys: Vec<String>, priority: Option<Priority>) -> NewTicket {
    NewTicket {
        id: Uuid::now_v7(),
        business_date: day,
        category: category.into(),
        priority,
        person_keys: keys,
        max_live_per_person: 1,
        taken_at: Timestamp::now(),
        passed_by: 0,
        transferred_from: None,
        appointment_at: None,
        phone_sealed: None,
        marks: Default::default(),
    }
}

fn call(window: &str, categories: &[&str], day: Date) -> CallRequest {
    CallRequest {
        window: window.into(),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        business_date: day,
        fairness_bound: 3,
        at: Timestamp::now(),
        by: "staff".into(),
    }
}

async fn setup(store: &dyn Store) {
    for (prefix, name) in [("A", "企业开办"), ("B", "不动产登记"), ("C", "社保医保")] {
        store
            .create_category(&Category {
                prefix: prefix.into(),
                name: name.into(),
                items: vec![],
            })
            .await
            .unwrap();
    }
    let dup = store
        .create_category(&Category {
            prefix: "A".into(),
            name: "重复".into(),
            items: vec![],
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })));
    for n in 1..=8 {
        store
            .create_window(&Window {
                number: n.to_string(),
                name: format!("{n}号窗口"),
                categories: vec!["A".into(), "B".into()],
                status: WindowStatus::Open,
                pause_reason: String::new(),
                temporary: false,
                staff: vec!["staff".into()],
            })
            .await
            .unwrap();
    }
    let windows = store.windows().await.unwrap();
    assert_eq!(
        windows.iter().map(|w| w.number.as_str()).collect::<Vec<_>>(),
        ["1", "2", "3", "4", "5", "6", "7", "8"]
    );
    store
        .set_window_status("3", WindowStatus::Paused, "午休")
        .await
        .unwrap();
    let w = store.window("3").await.unwrap();
    assert_eq!(
        (w.status, w.pause_reason.as_str()),
        (WindowStatus::Paused, "午休")
    );
    store
        .set_window_status("3", WindowStatus::Open, "")
        .await
        .unwrap();
    assert!(matches!(store.window("99").await, Err(StoreError::NotFound(_))));
    assert_eq!(store.categories().await.unwrap().len(), 3);
}

async fn numbering_limits_and_transitions(store: &dyn Store) {
    let day = date(2026, 11, 20);
    let a1 = store
        .take_ticket(&new_ticket("C", day, vec!["id-1".into()], None))
        .await
        .unwrap();
    assert_eq!((a1.ticket.number.as_str(), a1.waiting_before), ("C001", 0));
    // The same person cannot hold two live tickets of a category.
    let again = store
        .take_ticket(&new_ticket("C", day, vec!["id-1".into()], None))
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict { ref what }) if what == "person_limit"),
        "{again:?}"
    );
    let a2 = store
        .take_ticket(&new_ticket("C", day, vec![], Some(Priority::Elderly)))
        .await
        .unwrap();
    assert_eq!((a2.ticket.number.as_str(), a2.waiting_before), ("C002", 1));
    // Numbers restart the next day.
    let next_day = store
        .take_ticket(&new_ticket("C", date(2026, 11, 23), vec![], None))
        .await
        .unwrap();
    assert_eq!(next_day.ticket.number, "C001");

    // Green channel goes first; the call ends with an event for the display.
    let (t, ev) = store.call_next(&call("9", &["C"], day)).await.unwrap().unwrap();
    assert_eq!(
        (t.number.as_str(), t.status, t.window.as_deref()),
        ("C002", TicketStatus::Called, Some("9"))
    );
    assert_eq!(
        (ev.number.as_str(), ev.window.as_str(), ev.kind),
        ("C002", "9", domain::queue::CallKind::Call)
    );
    assert_eq!(store.ticket(a1.ticket.id).await.unwrap().passed_by, 1);
    let (_, recall) = store.recall_ticket(t.id, Timestamp::now()).await.unwrap();
    assert_eq!(recall.kind, domain::queue::CallKind::Recall);
    assert!(recall.id > ev.id);
    let events = store.call_events_after(ev.id - 1, 10).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![ev.id, recall.id]
    );

    // The next call finishes the current ticket.
    let (t2, _) = store.call_next(&call("9", &["C"], day)).await.unwrap().unwrap();
    assert_eq!(t2.number, "C001");
    assert_eq!(store.ticket(t.id).await.unwrap().status, TicketStatus::Finished);

    // Transitions check the current state.
    let skipped = store
        .transition_ticket(
            t2.id,
            &[TicketStatus::Called, TicketStatus::Serving],
            TicketStatus::Skipped,
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(skipped.status, TicketStatus::Skipped);
    assert!(store.call_next(&call("9", &["C"], day)).await.unwrap().is_none());
    assert_eq!(
        store.ticket(t2.id).await.unwrap().status,
        TicketStatus::Skipped,
        "a skipped ticket is not finished"
    );
    let wrong = store
        .transition_ticket(
            t2.id,
            &[TicketStatus::Called],
            TicketStatus::Finished,
            Timestamp::now(),
        )
        .await;
    assert!(matches!(wrong, Err(StoreError::Conflict { .. })));
    let requeued = store
        .transition_ticket(
            t2.id,
            &[TicketStatus::Skipped],
            TicketStatus::Waiting,
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (requeued.status, requeued.window.as_deref()),
        (TicketStatus::Waiting, None)
    );
    let missing = store
        .transition_ticket(
            Uuid::now_v7(),
            &[TicketStatus::Called],
            TicketStatus::Finished,
            Timestamp::now(),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
    assert!(matches!(
        store.recall_ticket(t2.id, Timestamp::now()).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.tickets_of_day(day).await.unwrap().len(), 2);
}

/// `takers` kiosks issue `total` tickets at once, then as many windows call
/// at once until nobody waits: every number is issued once, every ticket is
/// called by exactly one window, none is lost.
pub async fn exactly_once_under_concurrency(store: Arc<dyn Store>, windows: usize, total: usize) {
    let per_taker = total / windows;
    let mut takers = Vec::new();
    for k in 0..windows {
        let store = store.clone();
        takers.push(tokio::spawn(async move {
            let mut numbers = Vec::new();
            for i in 0..per_taker {
                let category = if (i + k) % 2 == 0 { "A" } else { "B" };
                let priority = (i % 7 == 0).then_some(Priority::Elderly);
                let t = store
                    .take_ticket(&new_ticket(category, DAY, vec![], priority))
                    .await
                    .unwrap();
                numbers.push(t.ticket.number);
            }
            numbers
        }));
    }
    let mut issued = HashSet::new();
    for t in takers {
        for n in t.await.unwrap() {
            assert!(issued.insert(n.clone()), "number {n} issued twice");
        }
    }
    assert_eq!(issued.len(), per_taker * windows);

    let mut callers = Vec::new();
    for w in 1..=windows {
        let store = store.clone();
        callers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some((t, _)) = store
                .call_next(&call(&w.to_string(), &["A", "B"], DAY))
                .await
                .unwrap()
            {
                assert_eq!(t.window.as_deref(), Some(w.to_string().as_str()));
                got.push(t.id);
            }
            got
        }));
    }
    let mut called_by: HashMap<Uuid, usize> = HashMap::new();
    for (w, c) in callers.into_iter().enumerate() {
        for id in c.await.unwrap() {
            assert!(
                called_by.insert(id, w).is_none(),
                "ticket {id} called by two windows"
            );
        }
    }
    assert_eq!(
        called_by.len(),
        per_taker * windows,
        "every ticket called once, none lost"
    );
    let day: Vec<Ticket> = store
        .tickets_of_day(DAY)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.category != "C")
        .collect();
    assert_eq!(day.len(), per_taker * windows);
    assert!(
        day.iter()
            .all(|t| matches!(t.status, TicketStatus::Called | TicketStatus::Finished))
    );
    // The passes never exceed the bound: every ticket was called before a fourth pass.
    assert!(
        day.iter().all(|t| t.passed_by <= 3 + 1),
        "{:?}",
        day.iter().map(|t| t.passed_by).max()
    );
}

/// A checked-in appointment whose slot has begun is called before earlier
/// ordinary tickets; one whose slot is still ahead waits its turn.
pub async fn appointments_are_called_at_their_time(store: &dyn Store) {
    let day = date(2026, 11, 18);
    let now = Timestamp::now();
    let plain = store
        .take_ticket(&new_ticket("C", day, vec![], None))
        .await
        .unwrap();
    let mut later = new_ticket("C", day, vec![], None);
    later.appointment_at = Some(now + jiff::SignedDuration::from_hours(2));
    let later = store.take_ticket(&later).await.unwrap();
    let mut due = new_ticket("C", day, vec![], None);
    due.appointment_at = Some(now - jiff::SignedDuration::from_mins(5));
    let due = store.take_ticket(&due).await.unwrap();
    let mut order: Vec<Uuid> = Vec::new();
    for _ in 0..3 {
        let (called, _) = store.call_next(&call("20", &["C"], day)).await.unwrap().unwrap();
        order.push(called.id);
    }
    assert_eq!(order, vec![due.ticket.id, plain.ticket.id, later.ticket.id]);
}

/// 叫指定号 takes a waiting ticket once (the second caller meets a conflict)
/// and ends the window's current service; 到号提醒 candidates are the waiting
/// tickets that want one, until it is sent.
async fn out_of_turn_calls_and_reminders(store: &dyn Store) {
    let day = jiff::civil::date(2033, 5, 5);
    let mut taken = Vec::new();
    for phone in [None, None, Some("v1:sealed-phone".to_owned())] {
        let t = store
            .take_ticket(&NewTicket {
                phone_sealed: phone,
                ..new_ticket("C", day, vec![], None)
            })
            .await
            .unwrap();
        taken.push(t.ticket);
    }
    let (first, second, third) = (&taken[0], &taken[1], &taken[2]);
    assert!(store.reminder_candidates(day).await.unwrap().is_empty());
    store.want_reminder(third.id).await.unwrap();
    let wanted = store.reminder_candidates(day).await.unwrap();
    assert_eq!(wanted.len(), 1);
    assert_eq!(
        (wanted[0].0.id, wanted[0].1.as_str()),
        (third.id, "v1:sealed-phone")
    );
    store.reminder_sent(third.id).await.unwrap();
    assert!(store.reminder_candidates(day).await.unwrap().is_empty());

    let at = Timestamp::from_second(2_000_000_000).unwrap();
    let (called, event) = store.call_ticket(second.id, "8", "staff", at).await.unwrap();
    assert_eq!(
        (called.status, called.window.as_deref()),
        (TicketStatus::Called, Some("8"))
    );
    assert_eq!(
        (event.number.as_str(), event.window.as_str()),
        (second.number.as_str(), "8")
    );
    assert!(matches!(
        store.call_ticket(second.id, "7", "staff", at).await,
        Err(StoreError::Conflict { .. })
    ));
    // Calling the next one out of turn ends the window's current service.
    store.call_ticket(first.id, "8", "staff", at).await.unwrap();
    assert_eq!(
        store.ticket(second.id).await.unwrap().status,
        TicketStatus::Finished
    );
    assert!(matches!(
        store.call_ticket(Uuid::now_v7(), "8", "staff", at).await,
        Err(StoreError::NotFound(_))
    ));
}
