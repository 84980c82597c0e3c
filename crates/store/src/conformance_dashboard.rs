//! The dashboard part of the conformance suite (issue 18): today's ticket
//! groups (waiting, called at a window, first tickets and transfers, the
//! oldest waiting), read the same on both backends, and a day without
//! records reads empty. Its dates lie in 2013, before every other part's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::Store;
use crate::dashboard::*;
use crate::queue::{CallRequest, Category, NewTicket, TicketStatus, Window, WindowStatus};
use jiff::Timestamp;
use jiff::civil::date;
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    today(store).await;
}

async fn today(store: &dyn Store) {
    let day = date(2013, 5, 6);
    let empty = store
        .dashboard_facts(&DashboardQuery {
            today: date(2013, 5, 5),
            amber_until: date(2013, 5, 7),
        })
        .await
        .unwrap();
    assert!(empty.tickets.is_empty());
    assert_eq!(
        (empty.accepted, empty.completed, empty.complaints_today),
        (0, 0, 0)
    );
    assert!(empty.inspections.is_empty());
    assert_eq!(empty.scalper_alerts_today, 0);

    store
        .create_category(&Category {
            prefix: "DB".into(),
            name: "看板测试".into(),
            items: vec![],
        })
        .await
        .unwrap();
    store
        .create_window(&Window {
            number: "DB1".into(),
            name: "看板窗口".into(),
            categories: vec!["DB".into()],
            status: WindowStatus::Open,
            pause_reason: String::new(),
            temporary: false,
            staff: vec![],
        })
        .await
        .unwrap();
    let at = |s: i64| Timestamp::from_second(1_367_800_000 + s).unwrap();
    let mut first = None;
    for i in 0..3 {
        let t = store
            .take_ticket(&NewTicket {
                id: Uuid::now_v7(),
                business_date: day,
                category: "DB".into(),
                priority: None,
                person_keys: vec![],
                max_live_per_person: 1,
                taken_at: at(i * 60),
                passed_by: 0,
                transferred_from: first,
                appointment_at: None,
                phone_sealed: None,
                marks: Default::default(),
            })
            .await
            .unwrap();
        if first.is_none() {
            first = Some(t.ticket.id);
        }
    }
    let called = store
        .call_next(&CallRequest {
            window: "DB1".into(),
            categories: vec!["DB".into()],
            business_date: day,
            fairness_bound: 3,
            at: at(600),
            by: "staff".into(),
        })
        .await
        .unwrap()
        .unwrap();
    let facts = store
        .dashboard_facts(&DashboardQuery {
            today: day,
            amber_until: date(2013, 5, 8),
        })
        .await
        .unwrap();
    let mine: Vec<&TicketGroup> = facts.tickets.iter().filter(|g| g.category == "DB").collect();
    let waiting = mine
        .iter()
        .find(|g| g.status == TicketStatus::Waiting)
        .expect("waiting group");
    assert_eq!(waiting.window, None);
    assert_eq!(waiting.tickets, 2);
    let at_window = mine
        .iter()
        .find(|g| g.status == TicketStatus::Called)
        .expect("called group");
    assert_eq!(at_window.window.as_deref(), Some("DB1"));
    assert_eq!(at_window.tickets, 1);
    // Two of the three came by transfer: one first ticket among all.
    assert_eq!(mine.iter().map(|g| g.first_tickets).sum::<i64>(), 1);
    assert_eq!(mine.iter().map(|g| g.tickets).sum::<i64>(), 3);
    // The oldest waiting is the one taken first among those not called.
    let oldest_waiting = if called.0.taken_at == at(0) { at(60) } else { at(0) };
    assert_eq!(waiting.oldest_taken_at, Some(oldest_waiting));
}
