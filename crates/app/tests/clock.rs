//! Time moves only when the test moves it: an appointment becomes a no-show
//! and a rectification is escalated once the test clock passes their
//! deadlines, without sleeping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use app::{App, Settings, TestClock};
use domain::appointment::AppointmentStatus;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::sync::Arc;
use store::Store;
use store::evaluation::{NewEvaluation, NewRectification};
use uuid::Uuid;

/// An app on SQLite whose clock reads 08:00 hall time on a working Monday.
async fn app_at_eight(dir: &tempfile::TempDir) -> (App, TestClock, Date) {
    let url = format!("sqlite://{}", dir.path().join("clock.db").display());
    let store: Arc<dyn Store> = Arc::new(store_sqlite::SqliteStore::connect(&url).await.unwrap());
    let settings = Settings::default().always_open();
    let day = Date::constant(2026, 3, 2);
    let eight = support::eight_on(day, &settings);
    let clock = TestClock::new(eight);
    let app = App::with_clock(store, settings, Arc::new(clock.clone()));
    app.seed_demo().await.unwrap();
    app.seed_demo_floor().await.unwrap();
    (app, clock, day)
}

#[tokio::test]
async fn an_appointment_becomes_a_no_show_when_the_clock_passes_its_window() {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock, day) = app_at_eight(&dir).await;
    assert_eq!(app.today(), day);
    app.store
        .book_appointment(&support::booking("CLOCK1", day, "clock-test", app.now()))
        .await
        .unwrap();

    // 09:10: the window (slot + 15 minutes) is still open.
    clock.advance(SignedDuration::from_mins(70));
    assert_eq!(app.appointments.sweep_no_shows().await.unwrap(), 0);
    assert_eq!(
        app.store.appointment("CLOCK1").await.unwrap().status,
        AppointmentStatus::Booked
    );

    // 09:16: closed, marked once.
    clock.advance(SignedDuration::from_mins(6));
    assert_eq!(app.appointments.sweep_no_shows().await.unwrap(), 1);
    assert_eq!(
        app.store.appointment("CLOCK1").await.unwrap().status,
        AppointmentStatus::NoShow
    );
    assert_eq!(app.appointments.sweep_no_shows().await.unwrap(), 0);
    let audit = app.audit_log(1, 10).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "appointment.no_show" && e.at == app.now())
    );
}

#[tokio::test]
async fn a_rectification_is_escalated_once_the_clock_passes_its_due_date() {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock, day) = app_at_eight(&dir).await;
    let id = Uuid::now_v7();
    let answers = app
        .store
        .record_evaluations(&[NewEvaluation {
            id: Uuid::now_v7(),
            event_key: None,
            ticket_id: None,
            case_id: None,
            channel: domain::evaluation::Channel::Phone,
            level: domain::evaluation::Level::VeryDissatisfied,
            reasons: vec!["服务态度差".into()],
            comment: String::new(),
            business_date: day,
            window: "5".into(),
            department: String::new(),
            staff: String::new(),
            item: "D 公安户政".into(),
            weight: 1,
            imported: false,
            device: "clock-test".into(),
            rater_key: String::new(),
            seconds_after_service: Some(60),
            rated_at: app.now(),
            recorded_by: "clock-test".into(),
            rectification: Some(NewRectification {
                id,
                opened_on: day,
                due_date: day + 5.days(),
                assignee: "5号窗口负责人".into(),
            }),
        }])
        .await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");

    // On the due date itself it is not overdue yet.
    clock.advance(SignedDuration::from_hours(24 * 5));
    assert_eq!(
        app.rectifications
            .escalate_overdue_rectifications()
            .await
            .unwrap(),
        0
    );

    // The day after: escalated, stamped with the test clock's time, once.
    clock.advance(SignedDuration::from_hours(24));
    let at: Timestamp = app.now();
    assert_eq!(
        app.rectifications
            .escalate_overdue_rectifications()
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.rectifications
            .escalate_overdue_rectifications()
            .await
            .unwrap(),
        0
    );
    let (r, steps) = app.store.rectification(id).await.unwrap();
    assert!(r.escalated);
    let escalated: Vec<_> = steps.iter().filter(|s| s.step == "escalated").collect();
    assert_eq!(escalated.len(), 1);
    assert_eq!(escalated[0].at, at);
}
