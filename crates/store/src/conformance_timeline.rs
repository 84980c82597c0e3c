//! The timeline part of the conformance suite (issue 17): the SMS about a
//! case (by its notices' keys) and its ticket, the evaluations of a case's
//! family and of its ticket, each in time order and nothing else's; a
//! ticket's calls (none for a ticket never called). Its evaluations count
//! for March 2016, which no other part touches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::Store;
use crate::conformance_case::at;
use crate::evaluation::{NewEvaluation, OutboxMessage};
use domain::evaluation::{Channel, Level, SmsKind, SmsStatus};
use jiff::civil::date;
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    sms_about(store).await;
    evaluations_about(store).await;
    assert!(store.ticket_calls(Uuid::now_v7()).await.unwrap().is_empty());
}

fn sms(kind: SmsKind, subject: &str, ticket: Option<Uuid>, second: i64) -> OutboxMessage {
    OutboxMessage {
        id: Uuid::now_v7(),
        kind,
        dedupe_key: kind.dedupe_key(subject),
        ticket_id: ticket,
        phone_sealed: "sealed".into(),
        body: format!("timeline {subject}"),
        queued_at: at(9_000 + second),
        status: SmsStatus::Queued,
    }
}

async fn sms_about(store: &dyn Store) {
    let ticket = Uuid::now_v7();
    let invitation = sms(
        SmsKind::EvaluationInvitation,
        &ticket.to_string(),
        Some(ticket),
        3,
    );
    let accepted = sms(SmsKind::CaseStatus, "TL-0001:accepted", None, 1);
    let completed = sms(SmsKind::CaseStatus, "TL-0001:completed", None, 2);
    let other = sms(SmsKind::CaseStatus, "TL-0002:accepted", None, 0);
    for m in [&invitation, &accepted, &completed, &other] {
        assert!(store.queue_sms(m).await.unwrap());
    }
    let keys = vec![
        SmsKind::CaseStatus.dedupe_key("TL-0001:supplement"),
        SmsKind::CaseStatus.dedupe_key("TL-0001:accepted"),
        SmsKind::CaseStatus.dedupe_key("TL-0001:completed"),
    ];
    let got = store.sms_about(&keys, Some(ticket)).await.unwrap();
    let ids: Vec<Uuid> = got.iter().map(|m| m.id).collect();
    assert_eq!(ids, [accepted.id, completed.id, invitation.id]);
    assert_eq!(got[2].ticket_id, Some(ticket));
    // Without a ticket: the notices only; with nothing to look for: nothing.
    assert_eq!(store.sms_about(&keys, None).await.unwrap().len(), 2);
    assert!(store.sms_about(&[], None).await.unwrap().is_empty());
}

fn evaluation(case: Option<Uuid>, ticket: Option<Uuid>, channel: Channel, second: i64) -> NewEvaluation {
    NewEvaluation {
        id: Uuid::now_v7(),
        event_key: Some(match (case, ticket) {
            (Some(c), _) => domain::timeline::case_event_key(&c.to_string(), channel),
            (None, Some(t)) => format!("ticket:{t}"),
            (None, None) => Uuid::now_v7().to_string(),
        }),
        ticket_id: if case.is_some() { None } else { ticket },
        case_id: case,
        channel,
        level: Level::Satisfied,
        reasons: vec![],
        comment: String::new(),
        business_date: date(2016, 3, 1),
        window: "T1".into(),
        department: "TL-DEPT".into(),
        staff: "tl".into(),
        item: "TL-ITEM".into(),
        weight: 1,
        imported: false,
        device: String::new(),
        rater_key: String::new(),
        seconds_after_service: None,
        rated_at: at(9_100 + second),
        recorded_by: "办事群众".into(),
        rectification: None,
    }
}

async fn evaluations_about(store: &dyn Store) {
    let (case, sub, ticket) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let phone = evaluation(Some(case), None, Channel::Phone, 2);
    let online = evaluation(Some(case), None, Channel::Online, 1);
    let of_sub = evaluation(Some(sub), None, Channel::Online, 3);
    let pad = evaluation(None, Some(ticket), Channel::Pad, 0);
    let elsewhere = evaluation(Some(Uuid::now_v7()), None, Channel::Online, 0);
    // The same case on the same channel again: refused by its event key.
    let again = evaluation(Some(case), None, Channel::Online, 4);
    let answers = store
        .record_evaluations(&[
            phone.clone(),
            online.clone(),
            of_sub.clone(),
            pad.clone(),
            elsewhere,
            again,
        ])
        .await;
    assert!(answers[..5].iter().all(Result::is_ok), "{answers:?}");
    assert!(matches!(answers[5], Err(crate::StoreError::Conflict { .. })));
    let got = store.evaluations_about(&[case, sub], Some(ticket)).await.unwrap();
    let ids: Vec<Uuid> = got.iter().map(|e| e.id).collect();
    assert_eq!(ids, [pad.id, online.id, phone.id, of_sub.id]);
    assert_eq!(got[1].case_id, Some(case));
    assert_eq!(got[1].channel, Channel::Online);
    assert_eq!(store.evaluations_about(&[case], None).await.unwrap().len(), 2);
    assert!(store.evaluations_about(&[], None).await.unwrap().is_empty());
}
