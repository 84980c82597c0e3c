//! The 上门服务 and no-show-sweep part of the conformance suite. Runs after
//! the queue part (it needs category "B") on days the queue part leaves alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::home_visit::*;
use crate::queue::{Appointment, NewAppointment};
use crate::{Store, StoreError};
use domain::appointment::AppointmentStatus;
use domain::home_visit::{HomeVisitReason, HomeVisitStatus};
use jiff::Timestamp;
use jiff::civil::{Date, date};
use std::sync::Arc;
use uuid::Uuid;

pub async fn run_all(store: Arc<dyn Store>) {
    no_show_sweep(&*store).await;
    home_visit_steps(&*store).await;
    one_phone_limit_under_concurrency(store).await;
}

async fn no_show_sweep(store: &dyn Store) {
    let book = |code: &str, day: Date, time: &str, person: &str| NewAppointment {
        appointment: Appointment {
            id: Uuid::now_v7(),
            code: code.into(),
            category: "B".into(),
            slot_date: day,
            slot_time: time.into(),
            phone_tail: "0000".into(),
            channel: domain::appointment::AppointmentChannel::Online,
            status: AppointmentStatus::Booked,
            ticket_id: None,
            item_code: None,
            place: String::new(),
        },
        person_key: person.into(),
        created_at: Timestamp::now(),
        capacity: 10,
        max_per_person_per_day: 10,
        marks: Default::default(),
    };
    let day = date(2025, 3, 3);
    for (code, d, time) in [
        ("sweep1", date(2025, 3, 2), "16:00"),
        ("sweep2", day, "09:00"),
        ("sweep3", day, "09:30"),
        ("sweep4", day, "10:00"),
        ("sweep5", date(2025, 3, 4), "09:00"),
        ("sweep6", date(2025, 3, 2), "09:00"),
    ] {
        store
            .book_appointment(&book(code, d, time, "sweeper"))
            .await
            .unwrap();
    }
    store
        .set_appointment_status(
            "sweep6",
            &[AppointmentStatus::Booked],
            AppointmentStatus::Cancelled,
            None,
        )
        .await
        .unwrap();
    // Slots that began before 09:45 on the 3rd are missed.
    assert_eq!(store.mark_no_shows(day, "09:45").await.unwrap(), 3);
    assert_eq!(store.mark_no_shows(day, "09:45").await.unwrap(), 0);
    for (code, status) in [
        ("sweep1", AppointmentStatus::NoShow),
        ("sweep2", AppointmentStatus::NoShow),
        ("sweep3", AppointmentStatus::NoShow),
        ("sweep4", AppointmentStatus::Booked),
        ("sweep5", AppointmentStatus::Booked),
        ("sweep6", AppointmentStatus::Cancelled),
    ] {
        assert_eq!(store.appointment(code).await.unwrap().status, status, "{code}");
    }
    assert_eq!(store.no_show_dates("sweeper").await.unwrap().len(), 3);
}

fn visit(name: &str) -> HomeVisit {
    let now = Timestamp::now();
    HomeVisit {
        id: Uuid::now_v7(),
        name: name.into(),
        phone_sealed: "v1:sealed-phone".into(),
        address_sealed: "v1:sealed-address".into(),
        item: "养老保险资格认证".into(),
        reason: HomeVisitReason::Elderly,
        preferred_date: Some(date(2026, 11, 25)),
        note: String::new(),
        status: HomeVisitStatus::Requested,
        scheduled_date: None,
        assigned_to: None,
        outcome: String::new(),
        created_at: now,
        updated_at: now,
    }
}

fn new_visit(name: &str, phone_key: &str, max: i64) -> NewHomeVisit {
    NewHomeVisit {
        visit: visit(name),
        phone_key: phone_key.into(),
        max_open_per_phone: max,
        by: "申请人".into(),
    }
}

fn change(id: Uuid, to: HomeVisitStatus) -> HomeVisitChange {
    HomeVisitChange {
        id,
        to,
        scheduled_date: None,
        assigned_to: None,
        outcome: None,
        by: "staff".into(),
        at: Timestamp::now(),
        detail: to.label().into(),
    }
}

async fn home_visit_steps(store: &dyn Store) {
    let first = store
        .create_home_visit(&new_visit("甲", "phone-1", 2))
        .await
        .unwrap();
    assert_eq!(
        (
            first.name.as_str(),
            first.phone_sealed.as_str(),
            first.address_sealed.as_str(),
            first.reason,
            first.preferred_date,
            first.status,
            first.scheduled_date,
        ),
        (
            "甲",
            "v1:sealed-phone",
            "v1:sealed-address",
            HomeVisitReason::Elderly,
            Some(date(2026, 11, 25)),
            HomeVisitStatus::Requested,
            None
        )
    );
    let second = store
        .create_home_visit(&new_visit("乙", "phone-1", 2))
        .await
        .unwrap();
    let third = store.create_home_visit(&new_visit("丙", "phone-1", 2)).await;
    assert!(
        matches!(&third, Err(StoreError::Conflict { what }) if what == "person_limit"),
        "{third:?}"
    );
    store
        .create_home_visit(&new_visit("丁", "phone-2", 2))
        .await
        .unwrap();

    assert!(matches!(
        store.change_home_visit(&change(first.id, HomeVisitStatus::Done)).await,
        Err(StoreError::Conflict { what }) if what == "home_visit_status"
    ));
    assert!(matches!(
        store
            .change_home_visit(&change(Uuid::now_v7(), HomeVisitStatus::Done))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let scheduled = store
        .change_home_visit(&HomeVisitChange {
            scheduled_date: Some(date(2026, 11, 26)),
            assigned_to: Some("staff".into()),
            ..change(first.id, HomeVisitStatus::Scheduled)
        })
        .await
        .unwrap();
    assert_eq!(
        (
            scheduled.status,
            scheduled.scheduled_date,
            scheduled.assigned_to.as_deref()
        ),
        (
            HomeVisitStatus::Scheduled,
            Some(date(2026, 11, 26)),
            Some("staff")
        )
    );
    let done = store
        .change_home_visit(&HomeVisitChange {
            outcome: Some("已办结".into()),
            ..change(first.id, HomeVisitStatus::Done)
        })
        .await
        .unwrap();
    assert_eq!(
        (done.status, done.outcome.as_str(), done.scheduled_date),
        (HomeVisitStatus::Done, "已办结", Some(date(2026, 11, 26))),
        "a later step keeps the plan"
    );
    assert!(
        store
            .change_home_visit(&change(first.id, HomeVisitStatus::Cancelled))
            .await
            .is_err()
    );
    // A closed request frees its place under the limit.
    store
        .create_home_visit(&new_visit("戊", "phone-1", 2))
        .await
        .unwrap();

    let events: Vec<HomeVisitStatus> = store
        .home_visit_events(first.id)
        .await
        .unwrap()
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(
        events,
        [
            HomeVisitStatus::Requested,
            HomeVisitStatus::Scheduled,
            HomeVisitStatus::Done
        ]
    );
    let requested = store
        .home_visits(Some(HomeVisitStatus::Requested), 100)
        .await
        .unwrap();
    assert_eq!(requested.len(), 3);
    assert!(requested.iter().all(|v| v.status == HomeVisitStatus::Requested));
    assert!(requested.iter().any(|v| v.id == second.id));
    assert_eq!(store.home_visits(None, 100).await.unwrap().len(), 4);
    assert_eq!(store.home_visits(None, 2).await.unwrap().len(), 2);
    assert_eq!(store.home_visit(second.id).await.unwrap().name, "乙");
}

/// Two requests for one phone at the same instant never both pass a limit of one.
async fn one_phone_limit_under_concurrency(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .create_home_visit(&new_visit(&format!("并发{i}"), "phone-race", 1))
                    .await
            })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => created += 1,
            Err(StoreError::Conflict { what }) if what == "person_limit" => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(created, 1);
}
