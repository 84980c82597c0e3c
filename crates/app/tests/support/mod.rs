//! What the app's test binaries share.

use app::Settings;
use jiff::civil::{Date, Time};

/// 08:00 hall time on `day`.
pub fn eight_on(day: Date, settings: &Settings) -> jiff::Timestamp {
    day.to_datetime(Time::constant(8, 0, 0, 0))
        .to_zoned(settings.time_zone())
        .unwrap()
        .timestamp()
}

/// A 09:00 online booking of category D on `day`, made by `person` at `now`.
pub fn booking(code: &str, day: Date, person: &str, now: jiff::Timestamp) -> store::queue::NewAppointment {
    store::queue::NewAppointment {
        appointment: store::queue::Appointment {
            id: uuid::Uuid::now_v7(),
            code: code.into(),
            category: "D".into(),
            slot_date: day,
            slot_time: "09:00".into(),
            phone_tail: "8000".into(),
            channel: domain::appointment::AppointmentChannel::Online,
            status: domain::appointment::AppointmentStatus::Booked,
            ticket_id: None,
            item_code: None,
            place: String::new(),
        },
        person_key: person.into(),
        created_at: now,
        capacity: 10,
        max_per_person_per_day: 1,
        marks: Default::default(),
    }
}
