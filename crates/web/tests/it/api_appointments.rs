//! Appointments over HTTP: slots, booking limits, cancelling, check-in rules.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use domain::appointment::AppointmentStatus;
use serde_json::{Value, json};

/// The first working day after today, loading the next year's weekends if
/// today's year is the last one the calendar knows.
pub(crate) async fn next_working_day(s: &TestServer) -> String {
    let today = s.app.today();
    let mut cal = s.app.calendar().await.unwrap();
    if !cal.has_year(today.year() + 1) {
        let days = domain::calendar::weekend_template(today.year() + 1);
        s.app
            .store
            .import_calendar_days(&days, "test", jiff::Timestamp::now())
            .await
            .unwrap();
        cal = s.app.calendar().await.unwrap();
    }
    let mut d = today.tomorrow().unwrap();
    while !cal.is_workday(d).unwrap() {
        d = d.tomorrow().unwrap();
    }
    d.to_string()
}

async fn book(s: &TestServer, body: Value) -> (u16, Value) {
    let resp = s.req("POST", "/api/appointments").json(&body).await;
    let status = resp.status;
    (status, resp.json())
}

async fn booking_rules(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let day = next_working_day(s).await;
    let (status, slots) = s
        .get_json(&format!("/api/appointments/slots?category=B&date={day}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(slots["slots"].as_array().unwrap().len(), 12);
    assert_eq!(
        slots["slots"][0],
        json!({"time": "09:00", "capacity": 4, "booked": 0, "available": 4})
    );

    let (status, first) = book(
        s,
        json!({"category": "B", "date": day, "time": "09:00", "phone": "13900000001"}),
    )
    .await;
    assert_eq!(status, 201, "{first}");
    let code = first["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    for n in 2..=4 {
        let (status, _) = book(
            s,
            json!({"category": "B", "date": day, "time": "09:00", "phone": format!("1390000000{n}")}),
        )
        .await;
        assert_eq!(status, 201);
    }
    let (status, full) = book(
        s,
        json!({"category": "B", "date": day, "time": "09:00", "phone": "13900000009"}),
    )
    .await;
    assert_eq!((status, full["error"]["code"].as_str()), (409, Some("slot_full")));
    assert!(full["error"]["message"].as_str().unwrap().contains("约满"));
    let (_, slots) = s
        .get_json(&format!("/api/appointments/slots?category=B&date={day}"))
        .await;
    assert_eq!(slots["slots"][0]["available"], 0);

    // One person, at most two a day.
    let (status, _) = book(
        s,
        json!({"category": "B", "date": day, "time": "09:30", "phone": "13900000001"}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, v) = book(
        s,
        json!({"category": "B", "date": day, "time": "10:00", "phone": "13900000001"}),
    )
    .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (409, Some("person_limit")),
        "{v}"
    );

    for (body, field) in [
        (
            json!({"category": "B", "date": day, "time": "12:00", "phone": "13900000005"}),
            "time",
        ),
        (
            json!({"category": "B", "date": "2026-02-30", "time": "09:00", "phone": "13900000005"}),
            "date",
        ),
        (
            json!({"category": "B", "date": day, "time": "09:00", "phone": "123"}),
            "phone",
        ),
        (
            json!({"category": "Z", "date": day, "time": "09:00", "phone": "13900000005"}),
            "category",
        ),
    ] {
        let (status, v) = book(s, body).await;
        assert_eq!((status, v["error"]["field"].as_str()), (422, Some(field)), "{v}");
    }

    // A hotline booking needs a staff token.
    let phone =
        json!({"category": "B", "date": day, "time": "10:00", "phone": "13900000006", "channel": "phone"});
    let (status, _) = book(s, phone.clone()).await;
    assert_eq!(status, 401);
    let staff = s.login("staff").await;
    let resp = s
        .req("POST", "/api/appointments")
        .token(&staff)
        .json(&phone)
        .await;
    assert_eq!(resp.status, 201);

    // Checking in a day early is refused; cancelling needs the phone's last four digits.
    let resp = s.req("POST", &format!("/api/appointments/{code}/checkin")).await;
    assert_eq!(resp.status, 409);
    let resp = s
        .req("POST", &format!("/api/appointments/{code}/cancel"))
        .json(&json!({"phone_last4": "9999"}))
        .await;
    assert_eq!(resp.status, 404, "a wrong phone tail looks like an unknown code");
    let resp = s
        .req("POST", &format!("/api/appointments/{code}/cancel"))
        .json(&json!({"phone_last4": "0001"}))
        .await;
    assert_eq!(resp.status, 200);
    let (_, slots) = s
        .get_json(&format!("/api/appointments/slots?category=B&date={day}"))
        .await;
    assert_eq!(slots["slots"][0]["available"], 1);
    let resp = s.req("POST", "/api/appointments/000000/checkin").await;
    assert_eq!(resp.status, 404);
}
on_both_backends!(booking_rules);

/// Bookings still `booked` after their check-in window become no-shows,
/// once, audit-logged; three of them suspend the person's booking.
async fn no_show_sweep(s: &TestServer) {
    use store::queue::{Appointment, NewAppointment};
    s.app.seed_demo_floor().await.unwrap();
    let today = s.app.today();
    let phone = "13900000077";
    let key = app::queue::person_key(&s.app.settings.security.data_key, "phone", phone).unwrap();
    let booking = |code: &str, slot_date: jiff::civil::Date| NewAppointment {
        appointment: Appointment {
            id: uuid::Uuid::now_v7(),
            code: code.into(),
            category: "B".into(),
            slot_date,
            slot_time: "09:00".into(),
            phone_tail: "0077".into(),
            channel: domain::appointment::AppointmentChannel::Online,
            status: AppointmentStatus::Booked,
            ticket_id: None,
            item_code: None,
            place: String::new(),
        },
        person_key: key.clone(),
        created_at: jiff::Timestamp::now(),
        capacity: 4,
        max_per_person_per_day: 2,
        marks: Default::default(),
    };
    let days_ago = |n: i64| today.checked_sub(jiff::Span::new().days(n)).unwrap();
    for (code, n) in [("700001", 1), ("700002", 2), ("700003", 3), ("700004", 4)] {
        s.app
            .store
            .book_appointment(&booking(code, days_ago(n)))
            .await
            .unwrap();
    }
    // Cancelled and checked-in appointments are not missed ones.
    s.app
        .store
        .set_appointment_status(
            "700004",
            &[AppointmentStatus::Booked],
            AppointmentStatus::Cancelled,
            None,
        )
        .await
        .unwrap();
    s.app
        .store
        .book_appointment(&booking("700005", today.tomorrow().unwrap()))
        .await
        .unwrap();

    assert_eq!(s.app.appointments.sweep_no_shows().await.unwrap(), 3);
    for (code, status) in [
        ("700001", AppointmentStatus::NoShow),
        ("700002", AppointmentStatus::NoShow),
        ("700003", AppointmentStatus::NoShow),
        ("700004", AppointmentStatus::Cancelled),
        ("700005", AppointmentStatus::Booked),
    ] {
        assert_eq!(
            s.app.store.appointment(code).await.unwrap().status,
            status,
            "{code}"
        );
    }
    assert_eq!(
        s.app.appointments.sweep_no_shows().await.unwrap(),
        0,
        "each appointment is marked once"
    );
    let sweeps: Vec<_> = s
        .app
        .audit_log(1, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "appointment.no_show")
        .collect();
    assert_eq!(sweeps.len(), 1, "an empty sweep leaves no record");
    assert!(sweeps[0].detail.contains("3个"), "{}", sweeps[0].detail);

    // Three no-shows within 30 days: booking is suspended.
    let day = next_working_day(s).await;
    let (status, v) = book(
        s,
        json!({"category": "B", "date": day, "time": "09:30", "phone": phone}),
    )
    .await;
    assert_eq!(status, 409, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("爽约"), "{v}");
}
on_both_backends!(no_show_sweep);
