//! Appointments over HTTP: slots, booking limits, cancelling, check-in rules.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use serde_json::{Value, json};

/// The first working day after today, loading the next year's weekends if
/// today's year is the last one the calendar knows.
async fn next_working_day(s: &TestServer) -> String {
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
    let resp = s
        .client
        .post(s.url("/api/appointments"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
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
    assert_eq!(status, 409);
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
    assert_eq!(status, 409, "{v}");

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
        .client
        .post(s.url("/api/appointments"))
        .bearer_auth(&staff)
        .json(&phone)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);

    // Checking in a day early is refused; cancelling needs the phone's last four digits.
    let resp = s
        .client
        .post(s.url(&format!("/api/appointments/{code}/checkin")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    let resp = s
        .client
        .post(s.url(&format!("/api/appointments/{code}/cancel")))
        .json(&json!({"phone_last4": "9999"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let resp = s
        .client
        .post(s.url(&format!("/api/appointments/{code}/cancel")))
        .json(&json!({"phone_last4": "0001"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (_, slots) = s
        .get_json(&format!("/api/appointments/slots?category=B&date={day}"))
        .await;
    assert_eq!(slots["slots"][0]["available"], 1);
    let resp = s
        .client
        .post(s.url("/api/appointments/000000/checkin"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}
on_both_backends!(booking_rules);
