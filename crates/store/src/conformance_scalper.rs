//! The 黄牛 part of the conformance suite: the marks tickets, bookings and
//! cases keep; the detection facts grouped by key; the register, its keys,
//! actions, alerts, reviews and thresholds. Runs after the queue and case
//! parts (it needs category "B"), on days in 2024 no other part touches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case::CaseRecord;
use crate::queue::{Appointment, NewAppointment, NewTicket};
use crate::scalper::*;
use crate::{Store, StoreError};
use domain::appointment::{AppointmentChannel, AppointmentStatus};
use domain::scalper::{FactSource, KeyKind, ReviewDecision, Rule, ScalperAction, ScalperRules};
use jiff::Timestamp;
use jiff::civil::{Date, date};
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    facts_group_by_key(store).await;
    facts_across_months(store).await;
    case_facts(store).await;
    register_alerts_and_reviews(store).await;
    rules(store).await;
}

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_715_000_000 + second).unwrap()
}

fn phone(n: &str) -> PersonMarks {
    PersonMarks {
        phone_key: Some(format!("phone-{n}")),
        phone_masked: Some(format!("138****{n}")),
        id_key: None,
        id_masked: None,
    }
}

fn ticket(day: Date, marks: PersonMarks) -> NewTicket {
    NewTicket {
        id: Uuid::now_v7(),
        business_date: day,
        category: "B".into(),
        priority: None,
        person_keys: marks.keys().into_iter().map(|(_, k)| k).collect(),
        max_live_per_person: 100,
        taken_at: at(0),
        passed_by: 0,
        transferred_from: None,
        appointment_at: None,
        phone_sealed: None,
        marks,
    }
}

fn booking(code: &str, day: Date, marks: PersonMarks, second: i64) -> NewAppointment {
    NewAppointment {
        appointment: Appointment {
            id: Uuid::now_v7(),
            code: code.into(),
            category: "B".into(),
            slot_date: day,
            slot_time: "09:00".into(),
            phone_tail: "0000".into(),
            channel: AppointmentChannel::Online,
            status: AppointmentStatus::Booked,
            ticket_id: None,
            item_code: None,
            place: String::new(),
        },
        person_key: marks.phone_key.clone().unwrap_or_default(),
        created_at: at(second),
        capacity: 100,
        max_per_person_per_day: 100,
        marks,
    }
}

async fn facts_group_by_key(store: &dyn Store) {
    let day = date(2024, 5, 6);
    // Phone 5678: two tickets, a booking and a refusal (4); phone 1111: one ticket.
    let mut tickets = Vec::new();
    for _ in 0..2 {
        tickets.push(
            store
                .take_ticket(&ticket(day, phone("5678")))
                .await
                .unwrap()
                .ticket
                .id,
        );
    }
    store.take_ticket(&ticket(day, phone("1111"))).await.unwrap();
    let booked = store
        .book_appointment(&booking("s00001", day, phone("5678"), 60))
        .await
        .unwrap();
    store
        .record_refusal(&NewRefusal {
            id: Uuid::now_v7(),
            source: FactSource::Ticket,
            category: "B".into(),
            business_date: day,
            at: at(120),
            marks: phone("5678"),
        })
        .await
        .unwrap();
    // An ID-only ticket keeps its key in id_key (not the phone's column).
    let by_id = PersonMarks {
        phone_key: None,
        phone_masked: None,
        id_key: Some("id-9999".into()),
        id_masked: Some("1101**********9999".into()),
    };
    for _ in 0..3 {
        store.take_ticket(&ticket(day, by_id.clone())).await.unwrap();
    }
    // A ticket of the old kind (no marks) is not a fact.
    store
        .take_ticket(&NewTicket {
            person_keys: vec!["phone-5678".into()],
            ..ticket(day, PersonMarks::default())
        })
        .await
        .unwrap();

    let facts = store.ticket_facts(day, day, 3).await.unwrap();
    let of = |key: &str| facts.iter().filter(|f| f.key == key).collect::<Vec<_>>();
    let phone_facts = of("phone-5678");
    assert_eq!(phone_facts.len(), 4, "{facts:?}");
    assert!(
        phone_facts
            .iter()
            .all(|f| f.kind == KeyKind::Phone && f.masked == "138****5678")
    );
    let sources: Vec<FactSource> = {
        let mut s: Vec<_> = phone_facts.iter().map(|f| f.source).collect();
        s.sort();
        s
    };
    assert_eq!(
        sources,
        vec![
            FactSource::Ticket,
            FactSource::Ticket,
            FactSource::Appointment,
            FactSource::Refused
        ]
    );
    for t in &tickets {
        assert!(phone_facts.iter().any(|f| f.id == *t));
    }
    let b = phone_facts
        .iter()
        .find(|f| f.source == FactSource::Appointment)
        .unwrap();
    assert_eq!(b.id, booked.id);
    assert_eq!(b.date, day);
    assert_eq!(b.at, Some(at(60)));
    assert!(of("phone-1111").is_empty(), "one ticket is below the cut");
    let id_facts = of("id-9999");
    assert_eq!(id_facts.len(), 3);
    assert!(
        id_facts
            .iter()
            .all(|f| f.kind == KeyKind::IdNumber && f.masked == "1101**********9999")
    );
    // The monthly counts equal the records: what the month's facts are
    // found by is what was written (tickets, the booking, the refusal; the
    // ticket without marks is not counted).
    let may = date(2024, 5, 1);
    assert_eq!(
        store.key_month_facts(KeyKind::Phone, "phone-5678").await.unwrap(),
        vec![(may, 4)]
    );
    assert_eq!(
        store.key_month_facts(KeyKind::Phone, "phone-1111").await.unwrap(),
        vec![(may, 1)]
    );
    assert_eq!(
        store.key_month_facts(KeyKind::IdNumber, "id-9999").await.unwrap(),
        vec![(may, 3)]
    );
    assert!(
        store
            .key_month_facts(KeyKind::Phone, "id-9999")
            .await
            .unwrap()
            .is_empty()
    );
    // The cut is the count in the period, and days outside it are left out.
    assert_eq!(store.ticket_facts(day, day, 5).await.unwrap().len(), 0);
    assert!(
        store
            .ticket_facts(date(2024, 5, 7), date(2024, 5, 9), 1)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A key busy across a month's end is found for a period over both months
/// (2 + 2 facts, neither month reaching 3 alone); counts stay per month.
/// On days of 2023, which no other part touches.
async fn facts_across_months(store: &dyn Store) {
    let (last, first) = (date(2023, 7, 31), date(2023, 8, 1));
    for day in [last, last, first, first] {
        store.take_ticket(&ticket(day, phone("7777"))).await.unwrap();
    }
    assert_eq!(
        store.key_month_facts(KeyKind::Phone, "phone-7777").await.unwrap(),
        vec![(date(2023, 7, 1), 2), (date(2023, 8, 1), 2)]
    );
    let found = |facts: Vec<ScalperFact>| facts.iter().filter(|f| f.key == "phone-7777").count();
    assert_eq!(found(store.ticket_facts(last, first, 3).await.unwrap()), 4);
    assert_eq!(found(store.ticket_facts(last, first, 5).await.unwrap()), 0);
    assert_eq!(
        found(
            store
                .ticket_facts(date(2023, 7, 1), date(2023, 7, 31), 3)
                .await
                .unwrap()
        ),
        0,
        "July alone has two"
    );
    // Three months: a key with 1 + 1 + 1 is found at 3 (⌈3/3⌉ = 1 a month).
    for day in [date(2023, 9, 4), date(2023, 10, 9), date(2023, 11, 6)] {
        store.take_ticket(&ticket(day, phone("8888"))).await.unwrap();
    }
    let spread = store
        .ticket_facts(date(2023, 9, 1), date(2023, 11, 30), 3)
        .await
        .unwrap();
    assert_eq!(spread.iter().filter(|f| f.key == "phone-8888").count(), 3);
}

fn case_of(day: Date, applicant: &str, phone_key: Option<&str>, agent: &str, basis: &str) -> CaseRecord {
    let mut c = crate::conformance_case::case("SCALPER-D", day);
    c.id_key = applicant.into();
    c.phone_key = phone_key.map(str::to_owned);
    c.phone_masked = phone_key.map(|_| "139****4321".to_owned());
    c.agent = agent.into();
    c.agent_basis = basis.into();
    c
}

async fn case_facts(store: &dyn Store) {
    let day = date(2024, 6, 3);
    let event = crate::case::CaseEvent {
        at: at(0),
        actor: "wang".into(),
        action: "受理".into(),
        status: domain::case::CaseStatus::Accepted,
        note: String::new(),
    };
    let cases = [
        case_of(day, "A", Some("p-4321"), "张三", ""),
        case_of(day, "B", Some("p-4321"), "张三", ""),
        case_of(day, "B", Some("p-4321"), "张三", ""),
        case_of(day, "C", Some("p-4321"), "张三", "委托书"),
        case_of(day, "D", Some("p-0000"), "", ""),
    ];
    let mut ids = Vec::new();
    for c in &cases {
        ids.push(
            store
                .create_case(c, "SC", &event, &Default::default())
                .await
                .unwrap()
                .id,
        );
    }
    let back = store.case_by_id(ids[0]).await.unwrap();
    assert_eq!(back.phone_key.as_deref(), Some("p-4321"));
    assert_eq!(back.phone_masked.as_deref(), Some("139****4321"));

    let facts = store.case_facts(day, day, 3, 2).await.unwrap();
    let phones: Vec<_> = facts.iter().filter(|f| f.kind == KeyKind::Phone).collect();
    assert_eq!(phones.len(), 4, "three applicants on p-4321: {facts:?}");
    assert!(
        phones
            .iter()
            .all(|f| f.key == "p-4321" && f.masked == "139****4321" && f.source == FactSource::Case)
    );
    assert_eq!(
        phones.iter().filter(|f| f.agency_basis).count(),
        1,
        "the basis is read back"
    );
    let agents: Vec<_> = facts.iter().filter(|f| f.kind == KeyKind::Agent).collect();
    assert_eq!(agents.len(), 3, "without the case that had a 委托书");
    assert!(
        agents
            .iter()
            .all(|f| f.key == "张三" && f.applicant.is_some() && !f.agency_basis)
    );
    // Thresholds above the distinct applicants leave nothing.
    assert!(store.case_facts(day, day, 4, 3).await.unwrap().is_empty());
}

async fn register_alerts_and_reviews(store: &dyn Store) {
    let s = Scalper {
        id: Uuid::now_v7(),
        description: "中年男子，常在取号机旁".into(),
        phone_key: Some("phone-reg".into()),
        phone_masked: Some("137****0001".into()),
        id_key: Some("id-reg".into()),
        id_masked: Some("3201**********0001".into()),
        photo_id: Some(Uuid::now_v7()),
        registered_by: "super".into(),
        registered_at: at(10),
    };
    let photo = ScalperPhoto {
        id: s.photo_id.unwrap(),
        content_type: "image/jpeg".into(),
        body: vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
        uploaded_by: "super".into(),
        uploaded_at: at(10),
    };
    store.add_scalper(&s, Some(&photo)).await.unwrap();
    assert_eq!(store.scalper(s.id).await.unwrap(), s);
    assert_eq!(store.scalpers(10).await.unwrap()[0], s);
    assert_eq!(
        store.scalper_photo(photo.id).await.unwrap(),
        ("image/jpeg".to_owned(), photo.body.clone())
    );
    // A key cannot be registered twice.
    let twice = Scalper {
        id: Uuid::now_v7(),
        photo_id: None,
        id_key: None,
        ..s.clone()
    };
    assert!(matches!(
        store.add_scalper(&twice, None).await,
        Err(StoreError::Conflict { what }) if what == "scalper_key"
    ));
    assert!(matches!(
        store.scalper(twice.id).await,
        Err(StoreError::NotFound(_))
    ));

    let action = ScalperActionRecord {
        id: Uuid::now_v7(),
        scalper_id: s.id,
        action: ScalperAction::Warn,
        date: date(2024, 5, 6),
        note: "当面警告".into(),
        evidence: "监控录像 10:05".into(),
        recorded_by: "super".into(),
        recorded_at: at(20),
    };
    store.add_scalper_action(&action).await.unwrap();
    assert_eq!(store.scalper_actions(s.id).await.unwrap(), vec![action.clone()]);
    assert!(matches!(
        store
            .add_scalper_action(&ScalperActionRecord {
                id: Uuid::now_v7(),
                scalper_id: Uuid::now_v7(),
                ..action
            })
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Both numbers match: one alert for the person.
    let probe = AlertProbe {
        keys: vec![
            (KeyKind::Phone, "phone-reg".into()),
            (KeyKind::IdNumber, "id-reg".into()),
        ],
        source: FactSource::Ticket,
        record_id: Uuid::now_v7(),
        reference: "B001".into(),
        business_date: date(2024, 5, 6),
        at: at(30),
    };
    let alerts = store.check_alert(&probe).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].scalper_id, s.id);
    assert_eq!(alerts[0].description, s.description);
    assert_eq!(alerts[0].reference, "B001");
    let unknown = AlertProbe {
        keys: vec![(KeyKind::Phone, "phone-other".into())],
        ..probe.clone()
    };
    assert!(store.check_alert(&unknown).await.unwrap().is_empty());
    assert!(
        store
            .check_alert(&AlertProbe {
                keys: Vec::new(),
                ..probe
            })
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.scalper_alerts(true, 10).await.unwrap(), alerts);
    let done = store
        .acknowledge_alert(alerts[0].id, "captain", at(40))
        .await
        .unwrap();
    assert_eq!(done.acknowledged_by.as_deref(), Some("captain"));
    assert_eq!(done.acknowledged_at, Some(at(40)));
    assert!(store.scalper_alerts(true, 10).await.unwrap().is_empty());
    assert_eq!(store.scalper_alerts(false, 10).await.unwrap(), vec![done]);
    assert!(matches!(
        store.acknowledge_alert(alerts[0].id, "captain", at(41)).await,
        Err(StoreError::Conflict { what }) if what == "alert_acknowledged"
    ));
    assert!(matches!(
        store.acknowledge_alert(Uuid::now_v7(), "captain", at(41)).await,
        Err(StoreError::NotFound(_))
    ));

    let review = SuspectReview {
        id: Uuid::now_v7(),
        kind: KeyKind::Phone,
        key: "phone-5678".into(),
        masked: "138****5678".into(),
        rule: Rule::ManyTickets,
        period_from: date(2024, 5, 1),
        period_to: date(2024, 5, 31),
        decision: ReviewDecision::Clear,
        note: "家属代为取号，已核实".into(),
        scalper_id: None,
        reviewed_by: "super".into(),
        reviewed_at: at(50),
    };
    store.add_suspect_review(&review).await.unwrap();
    let later = SuspectReview {
        id: Uuid::now_v7(),
        decision: ReviewDecision::Register,
        scalper_id: Some(s.id),
        reviewed_at: at(60),
        ..review.clone()
    };
    store.add_suspect_review(&later).await.unwrap();
    assert_eq!(
        store
            .suspect_reviews(&["phone-5678".into(), "nobody".into()])
            .await
            .unwrap(),
        vec![later, review]
    );
    assert!(store.suspect_reviews(&[]).await.unwrap().is_empty());
}

async fn rules(store: &dyn Store) {
    assert_eq!(store.scalper_rules().await.unwrap(), None);
    let r = ScalperRules {
        per_day: 6,
        release_time: "08:30".into(),
        ..ScalperRules::default()
    };
    store.set_scalper_rules(&r, "admin", at(1)).await.unwrap();
    assert_eq!(store.scalper_rules().await.unwrap(), Some(r.clone()));
    let again = ScalperRules { per_day: 5, ..r };
    store.set_scalper_rules(&again, "admin", at(2)).await.unwrap();
    assert_eq!(store.scalper_rules().await.unwrap(), Some(again));
}
