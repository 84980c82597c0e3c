//! The complaints part of the conformance suite: numbering, the steps with
//! their history, a step taken twice, the rectification a substantiated
//! complaint opens in the one rectification loop, the lists and escalation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::complaint::*;
use crate::evaluation::NewRectification;
use crate::{Store, StoreError};
use domain::complaint::{ComplaintCategory, ComplaintChannel, ComplaintStatus};
use domain::rectification::{RectificationSource, RectificationStatus};
use jiff::Timestamp;
use jiff::civil::{Date, date};
use uuid::Uuid;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + seconds).unwrap()
}

fn complaint(code: &str, on: Date, department: &str) -> Complaint {
    Complaint {
        id: Uuid::now_v7(),
        number: String::new(),
        query_code: code.into(),
        channel: ComplaintChannel::Online,
        category: ComplaintCategory::Attitude,
        content: "窗口人员态度生硬".into(),
        about_window: "3".into(),
        about_staff: "wangfang".into(),
        about_department: String::new(),
        about_item: String::new(),
        department: department.into(),
        anonymous: false,
        name_sealed: Some("sealed-name".into()),
        phone_sealed: Some("sealed-phone".into()),
        status: ComplaintStatus::Received,
        received_at: at(0),
        received_on: on,
        accept_due: on.tomorrow().unwrap(),
        answer_due: on.checked_add(jiff::Span::new().days(7)).unwrap(),
        recorded_by: "public".into(),
        substantiated: None,
        finding: String::new(),
        answer: String::new(),
        complainant_accepted: None,
        reopened: false,
        escalated: false,
        escalation: String::new(),
        updated_at: at(0),
    }
}

fn step(
    c: &Complaint,
    from: ComplaintStatus,
    to: ComplaintStatus,
    code: &str,
    second: i64,
) -> ComplaintChange {
    ComplaintChange {
        id: c.id,
        from,
        to,
        step: ComplaintStepRecord {
            at: at(second),
            actor: "supervisor".into(),
            step: code.into(),
            note: format!("{code} 说明"),
        },
        substantiated: None,
        finding: None,
        answer: None,
        complainant_accepted: None,
        reopened: None,
        escalation: None,
        rectification: None,
    }
}

pub async fn run_all(store: &dyn Store) {
    let day = date(2026, 3, 2);
    let first = store
        .add_complaint(&complaint("CQAAAAAA", day, "市场监管局"), "TS")
        .await
        .unwrap();
    let second = store
        .add_complaint(&complaint("CQAAAAAB", day, "公安局"), "TS")
        .await
        .unwrap();
    assert_eq!(first.number, "TS20260302-0001");
    assert_eq!(second.number, "TS20260302-0002");
    // A query code is unique.
    assert!(matches!(
        store.add_complaint(&complaint("CQAAAAAA", day, "x"), "TS").await,
        Err(StoreError::Conflict { .. })
    ));
    let (read, steps) = store.complaint(first.id).await.unwrap();
    assert_eq!(read, first);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].step, "received");
    assert_eq!(store.complaint_by_query_code("CQAAAAAB").await.unwrap().0, second);
    assert!(matches!(
        store.complaint(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));

    // The steps in order; the same step again finds the complaint moved on.
    use ComplaintStatus as S;
    let accepted = store
        .change_complaint(&step(&first, S::Received, S::Accepted, "accept", 10))
        .await
        .unwrap();
    assert_eq!(accepted.status, S::Accepted);
    assert!(matches!(
        store
            .change_complaint(&step(&first, S::Received, S::Accepted, "accept", 11))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        store
            .change_complaint(&ComplaintChange {
                id: Uuid::now_v7(),
                ..step(&first, S::Received, S::Accepted, "accept", 11)
            })
            .await,
        Err(StoreError::NotFound(_))
    ));
    store
        .change_complaint(&step(&first, S::Accepted, S::Investigating, "investigate", 20))
        .await
        .unwrap();
    let rectification_id = Uuid::now_v7();
    let handled = store
        .change_complaint(&ComplaintChange {
            substantiated: Some(true),
            finding: Some("经查看监控，属实".into()),
            rectification: Some(NewRectification {
                id: rectification_id,
                opened_on: day,
                due_date: date(2026, 3, 9),
                assignee: "市场监管局首席代表".into(),
            }),
            ..step(&first, S::Investigating, S::Handled, "handle", 30)
        })
        .await
        .unwrap();
    assert_eq!(handled.substantiated, Some(true));
    assert_eq!(handled.finding, "经查看监控，属实");
    // The rectification is the same loop as a 差评's.
    let (r, r_steps) = store.rectification(rectification_id).await.unwrap();
    assert_eq!(r.source, RectificationSource::Complaint(first.id));
    assert_eq!(r.department, "市场监管局");
    assert_eq!(r.window, "3");
    assert_eq!(r.status, RectificationStatus::Open);
    assert_eq!(r_steps.len(), 1);
    assert!(
        store
            .rectifications(Some(RectificationStatus::Open))
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == rectification_id)
    );
    let answered = store
        .change_complaint(&ComplaintChange {
            answer: Some("已约谈当事人并道歉".into()),
            complainant_accepted: Some(false),
            ..step(&first, S::Handled, S::Answered, "answer", 40)
        })
        .await
        .unwrap();
    assert_eq!(answered.complainant_accepted, Some(false));
    let reopened = store
        .change_complaint(&ComplaintChange {
            reopened: Some(true),
            ..step(&first, S::Answered, S::Investigating, "reject", 41)
        })
        .await
        .unwrap();
    assert!(reopened.reopened);
    // The answer given before stays until a new one replaces it.
    assert_eq!(reopened.answer, "已约谈当事人并道歉");
    let (_, steps) = store.complaint(first.id).await.unwrap();
    assert_eq!(
        steps.iter().map(|s| s.step.as_str()).collect::<Vec<_>>(),
        ["received", "accept", "investigate", "handle", "answer", "reject"]
    );

    // Lists: open ones by deadline, by department, by date.
    let open = store
        .complaints(&ComplaintFilter {
            open: true,
            limit: 10,
            ..ComplaintFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(open.len(), 2);
    let police = store
        .complaints(&ComplaintFilter {
            department: Some("公安局".into()),
            limit: 10,
            ..ComplaintFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(police.iter().map(|c| c.id).collect::<Vec<_>>(), [second.id]);
    let none = store
        .complaints(&ComplaintFilter {
            from: Some(date(2026, 3, 3)),
            limit: 10,
            ..ComplaintFilter::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty());

    // Escalation: the received one past its acceptance day, once.
    let late = store
        .escalate_overdue_complaints(date(2026, 3, 4), at(100))
        .await
        .unwrap();
    assert_eq!(late.iter().map(|c| c.id).collect::<Vec<_>>(), [second.id]);
    assert!(late[0].escalated);
    assert!(
        store
            .escalate_overdue_complaints(date(2026, 3, 4), at(101))
            .await
            .unwrap()
            .is_empty()
    );
    // The reopened one (due 2026-03-09) is not late yet; it is after.
    let later = store
        .escalate_overdue_complaints(date(2026, 3, 10), at(102))
        .await
        .unwrap();
    assert_eq!(later.iter().map(|c| c.id).collect::<Vec<_>>(), [first.id]);
}
