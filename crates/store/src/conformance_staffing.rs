//! The 窗口排班测算 part of the conformance suite: a day's tickets come back
//! with their times, priority, appointment mark and the category they were
//! transferred from; the day's standing appointments (a cancelled one left out).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::Store;
use crate::queue::*;
use domain::appointment::{AppointmentChannel, AppointmentStatus};
use domain::queue::Priority;
use jiff::civil::{Time, date};
use jiff::{Timestamp, ToSpan};
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    let day = date(2031, 3, 4);
    for (prefix, name) in [("SA", "排班测算甲"), ("SB", "排班测算乙")] {
        store
            .create_category(&Category {
                prefix: prefix.into(),
                name: name.into(),
                items: Vec::new(),
            })
            .await
            .unwrap();
    }
    let t0 = Timestamp::from_second(1_930_000_000).unwrap();
    let ticket =
        |category: &str, priority: Option<Priority>, appointment: bool, from: Option<Uuid>| NewTicket {
            id: Uuid::now_v7(),
            business_date: day,
            category: category.into(),
            priority,
            person_keys: Vec::new(),
            max_live_per_person: 1,
            taken_at: t0,
            passed_by: 0,
            transferred_from: from,
            appointment_at: appointment.then_some(t0),
            phone_sealed: None,
            marks: Default::default(),
        };
    let first = store
        .take_ticket(&ticket("SA", None, false, None))
        .await
        .unwrap()
        .ticket;
    store
        .take_ticket(&ticket("SA", Some(Priority::Elderly), true, None))
        .await
        .unwrap();
    let called = store
        .call_next(&CallRequest {
            window: "9".into(),
            categories: vec!["SA".into()],
            business_date: day,
            fairness_bound: 3,
            at: t0 + 60.seconds(),
            by: "staff".into(),
        })
        .await
        .unwrap()
        .unwrap()
        .0;
    store
        .transition_ticket(
            called.id,
            &[TicketStatus::Called],
            TicketStatus::Transferred,
            t0 + 420.seconds(),
        )
        .await
        .unwrap();
    store
        .take_ticket(&ticket("SB", None, false, Some(called.id)))
        .await
        .unwrap();
    let tickets = store.staffing_tickets(day).await.unwrap();
    assert_eq!(tickets.len(), 3);
    let p: Vec<_> = tickets.iter().filter(|t| t.category == "SA").collect();
    assert_eq!(p.len(), 2);
    assert!(
        p.iter()
            .any(|t| t.priority == Some(Priority::Elderly) && t.appointment)
    );
    assert!(p.iter().any(|t| t.priority.is_none() && !t.appointment));
    let served = tickets
        .iter()
        .find(|t| t.status == TicketStatus::Transferred)
        .unwrap();
    assert_eq!(served.called_at, Some(t0 + 60.seconds()));
    assert_eq!(served.finished_at, Some(t0 + 420.seconds()));
    assert_eq!(served.window.as_deref(), Some("9"));
    let moved = tickets.iter().find(|t| t.category == "SB").unwrap();
    assert_eq!(moved.transferred_from.as_deref(), Some("SA"));
    assert!(tickets.iter().all(|t| t.taken_at == t0));
    assert!(store.staffing_tickets(date(2031, 3, 5)).await.unwrap().is_empty());
    let _ = first;

    for (code, time, person) in [
        ("ST01", "09:00", "sp1"),
        ("ST02", "09:30", "sp2"),
        ("ST03", "10:00", "sp3"),
    ] {
        store
            .book_appointment(&NewAppointment {
                appointment: Appointment {
                    id: Uuid::now_v7(),
                    code: code.into(),
                    category: "SA".into(),
                    slot_date: day,
                    slot_time: time.into(),
                    phone_tail: "0000".into(),
                    channel: AppointmentChannel::Online,
                    status: AppointmentStatus::Booked,
                    ticket_id: None,
                    item_code: None,
                    place: String::new(),
                },
                person_key: person.into(),
                created_at: t0,
                capacity: 5,
                max_per_person_per_day: 2,
                marks: Default::default(),
            })
            .await
            .unwrap();
    }
    store
        .set_appointment_status(
            "ST03",
            &[AppointmentStatus::Booked],
            AppointmentStatus::Cancelled,
            None,
        )
        .await
        .unwrap();
    let mut times: Vec<Time> = store
        .staffing_bookings(day)
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            assert_eq!(b.category, "SA");
            b.slot_time
        })
        .collect();
    times.sort();
    assert_eq!(times, [Time::constant(9, 0, 0, 0), Time::constant(9, 30, 0, 0)]);
}
