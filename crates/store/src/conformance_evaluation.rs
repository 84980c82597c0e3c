//! The 好差评 part of the conformance suite: one evaluation per event (also
//! within a batch), the rollup that always agrees with the records,
//! rectifications and their steps, escalation once, appeals, the reasons
//! list and the SMS outbox. Its evaluations count for September 2024, which
//! no other part touches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::conformance_case::at;
use crate::evaluation::*;
use crate::{Store, StoreError};
use domain::evaluation::{Channel, Level, SmsKind, SmsStatus};
use domain::rectification::{AppealStatus, RectificationStatus as R};
use jiff::civil::{Date, date};
use uuid::Uuid;

fn september(day: i8) -> Date {
    date(2024, 9, day)
}

pub async fn run_all(store: &dyn Store) {
    one_per_event(store).await;
    rollup_agrees(store).await;
    rectification_steps(store).await;
    escalation_and_appeals(store).await;
    reasons(store).await;
    sms_outbox(store).await;
}

fn evaluation(event: Option<&str>, level: Level, day: i8, second: i64) -> NewEvaluation {
    NewEvaluation {
        id: Uuid::now_v7(),
        event_key: event.map(String::from),
        ticket_id: event.map(|_| Uuid::now_v7()),
        case_id: None,
        channel: Channel::Pad,
        level,
        reasons: vec![],
        comment: String::new(),
        business_date: september(day),
        window: "E1".into(),
        department: "EVAL-A".into(),
        staff: "s1".into(),
        item: "ITEM-1".into(),
        weight: 1,
        imported: false,
        device: "pad-1".into(),
        rater_key: String::new(),
        seconds_after_service: Some(30),
        rated_at: at(1_000 + second),
        recorded_by: "pad".into(),
        rectification: None,
    }
}

/// A 差评 with its rectification, due on `due`.
fn bad(event: &str, day: i8, second: i64, due: Date) -> NewEvaluation {
    let mut e = evaluation(Some(event), Level::Dissatisfied, day, second);
    e.reasons = vec!["服务态度差".into(), "等候时间长".into()];
    e.comment = "窗口人员态度冷淡".into();
    e.rectification = Some(NewRectification {
        id: Uuid::now_v7(),
        opened_on: september(day),
        due_date: due,
        assignee: "EVAL-A负责人".into(),
    });
    e
}

/// What the store should give back for `n`.
fn stored(n: &NewEvaluation) -> Evaluation {
    Evaluation {
        id: n.id,
        event_key: n.event_key.clone(),
        ticket_id: n.ticket_id,
        case_id: n.case_id,
        channel: n.channel,
        level: n.level,
        reasons: n.reasons.clone(),
        comment: n.comment.clone(),
        business_date: n.business_date,
        window: n.window.clone(),
        department: n.department.clone(),
        staff: n.staff.clone(),
        item: n.item.clone(),
        weight: n.weight,
        imported: n.imported,
        excluded: false,
        device: n.device.clone(),
        rater_key: n.rater_key.clone(),
        seconds_after_service: n.seconds_after_service,
        rated_at: n.rated_at,
        recorded_by: n.recorded_by.clone(),
    }
}

async fn one_per_event(store: &dyn Store) {
    let first = evaluation(Some("ticket:e-1"), Level::VerySatisfied, 2, 1);
    let mut by_case = bad("case:e-2", 3, 2, september(10));
    by_case.ticket_id = None;
    by_case.case_id = Some(Uuid::now_v7());
    let twice = evaluation(Some("ticket:e-1"), Level::Basic, 2, 3);
    // Imported history: no event, a count in the weight.
    let mut history = evaluation(None, Level::Satisfied, 4, 4);
    history.weight = 5;
    history.imported = true;
    history.channel = Channel::Online;
    history.seconds_after_service = None;
    history.window = "E2".into();
    let mut other_staff = evaluation(Some("ticket:e-5"), Level::VerySatisfied, 4, 5);
    other_staff.staff = "s2".into();
    other_staff.item = "ITEM-2".into();
    other_staff.department = "EVAL-B".into();

    let batch = [
        first.clone(),
        by_case.clone(),
        twice,
        history.clone(),
        other_staff.clone(),
    ];
    let answers = store.record_evaluations(&batch).await;
    let refused: Vec<bool> = answers
        .iter()
        .map(|a| matches!(a, Err(StoreError::Conflict { what }) if what == "evaluation"))
        .collect();
    assert_eq!(refused, [false, false, true, false, false], "{answers:?}");
    assert!(answers.iter().filter(|a| !refused_answer(a)).all(|a| a.is_ok()));
    // An event already evaluated in an earlier batch is refused too.
    let again = store
        .record_evaluations(&[evaluation(Some("case:e-2"), Level::Satisfied, 3, 6)])
        .await;
    assert!(
        matches!(again.as_slice(), [Err(StoreError::Conflict { what })] if what == "evaluation"),
        "{again:?}"
    );
    assert!(store.record_evaluations(&[]).await.is_empty());

    for n in [&first, &by_case, &history, &other_staff] {
        assert_eq!(store.evaluation(n.id).await.unwrap(), stored(n));
    }
    assert_eq!(
        store.evaluation_of_event("case:e-2").await.unwrap(),
        Some(stored(&by_case))
    );
    assert_eq!(store.evaluation_of_event("ticket:none").await.unwrap(), None);
    assert!(matches!(
        store.evaluation(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));
    // Imported rows are left out of the list; newest first, at most `limit`.
    let listed = store
        .evaluations_between(september(1), september(30), 10)
        .await
        .unwrap();
    assert_eq!(
        listed,
        vec![stored(&other_staff), stored(&by_case), stored(&first)]
    );
    let listed = store
        .evaluations_between(september(3), september(30), 1)
        .await
        .unwrap();
    assert_eq!(listed, vec![stored(&other_staff)]);
}

fn refused_answer(a: &crate::StoreResult<()>) -> bool {
    matches!(a, Err(StoreError::Conflict { .. }))
}

fn count(group: &str, level: Level, n: i64, excluded: i64) -> LevelCount {
    LevelCount {
        group: group.into(),
        level,
        n,
        excluded,
    }
}

/// The rollup and the records give the same counts in every grouping.
async fn assert_rollup_agrees(store: &dyn Store, from: Date, to: Date) {
    let groupings = [
        None,
        Some(Dimension::Window),
        Some(Dimension::Department),
        Some(Dimension::Staff),
        Some(Dimension::Item),
        Some(Dimension::Channel),
    ];
    for by in groupings {
        assert_eq!(
            store.level_counts(from, to, by).await.unwrap(),
            store.level_counts_from_records(from, to, by).await.unwrap(),
            "grouped by {by:?}"
        );
    }
}

async fn rollup_agrees(store: &dyn Store) {
    let (from, to) = (september(1), september(30));
    let expected = [
        (
            None,
            vec![
                count("", Level::VerySatisfied, 2, 0),
                count("", Level::Satisfied, 5, 0),
                count("", Level::Dissatisfied, 1, 0),
            ],
        ),
        (
            Some(Dimension::Window),
            vec![
                count("E1", Level::VerySatisfied, 2, 0),
                count("E1", Level::Dissatisfied, 1, 0),
                count("E2", Level::Satisfied, 5, 0),
            ],
        ),
        (
            Some(Dimension::Staff),
            vec![
                count("s1", Level::VerySatisfied, 1, 0),
                count("s1", Level::Satisfied, 5, 0),
                count("s1", Level::Dissatisfied, 1, 0),
                count("s2", Level::VerySatisfied, 1, 0),
            ],
        ),
    ];
    for (by, want) in expected {
        assert_eq!(store.level_counts(from, to, by).await.unwrap(), want, "{by:?}");
    }
    // Only the days asked for.
    assert_eq!(
        store
            .level_counts(september(3), september(3), None)
            .await
            .unwrap(),
        vec![count("", Level::Dissatisfied, 1, 0)]
    );
    assert_rollup_agrees(store, from, to).await;
    assert_rollup_agrees(store, september(2), september(3)).await;
}

async fn rectification_steps(store: &dyn Store) {
    let open = store.rectifications(Some(R::Open)).await.unwrap();
    let r = open
        .iter()
        .find(|r| r.department == "EVAL-A" && r.due_date == september(10))
        .cloned()
        .unwrap();
    assert_eq!(
        (
            r.opened_on,
            r.status,
            r.window.as_str(),
            r.assignee.as_str(),
            r.escalated,
            r.accepted
        ),
        (september(3), R::Open, "E1", "EVAL-A负责人", false, None)
    );
    let (again, steps) = store.rectification(r.id).await.unwrap();
    assert_eq!(again, r);
    assert_eq!(
        steps
            .iter()
            .map(|s| (s.step.as_str(), s.note.as_str(), s.actor.as_str()))
            .collect::<Vec<_>>(),
        [("open", "差评：服务态度差、等候时间长", "pad")]
    );
    assert!(store.rectifications(None).await.unwrap().contains(&r));
    assert!(!store.rectifications(Some(R::Closed)).await.unwrap().contains(&r));

    let verified = RectificationStep {
        at: at(2_000),
        actor: "核实人".into(),
        step: "verified".into(),
        note: "情况属实".into(),
    };
    let moved = store
        .advance_rectification(r.id, &[R::Open], R::Verified, &verified, None)
        .await
        .unwrap();
    assert_eq!(
        (moved.status, moved.accepted, moved.updated_at),
        (R::Verified, None, at(2_000))
    );
    // Moving on from a status it is no longer in is refused, and leaves no step.
    let stale = store
        .advance_rectification(r.id, &[R::Open], R::Rectified, &verified, None)
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { ref what }) if what == "rectification_status"),
        "{stale:?}"
    );
    assert!(matches!(
        store
            .advance_rectification(Uuid::now_v7(), &[R::Open], R::Verified, &verified, None)
            .await,
        Err(StoreError::NotFound(_))
    ));
    let closing = RectificationStep {
        at: at(2_001),
        actor: "EVAL-A负责人".into(),
        step: "closed".into(),
        note: "群众认可".into(),
    };
    let closed = store
        .advance_rectification(
            r.id,
            &[R::Verified, R::Rectified],
            R::Closed,
            &closing,
            Some(true),
        )
        .await
        .unwrap();
    assert_eq!((closed.status, closed.accepted), (R::Closed, Some(true)));
    let (now, steps) = store.rectification(r.id).await.unwrap();
    assert_eq!(now, closed);
    assert_eq!(&steps[1..], [verified, closing]);
    assert!(matches!(
        store.rectification(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn escalation_and_appeals(store: &dyn Store) {
    let late = bad("ticket:e-late", 5, 10, september(9));
    let keeps = bad("ticket:e-keeps", 5, 11, september(20));
    for answer in store.record_evaluations(&[late.clone(), keeps.clone()]).await {
        answer.unwrap();
    }
    let (late_r, keeps_r) = (
        late.rectification.clone().unwrap(),
        keeps.rectification.clone().unwrap(),
    );
    // Open and due before today: escalated once, with a step.
    let escalated = store.escalate_overdue(september(10), at(3_000)).await.unwrap();
    assert_eq!(escalated.iter().map(|r| r.id).collect::<Vec<_>>(), [late_r.id]);
    assert!(escalated[0].escalated);
    assert!(
        store
            .escalate_overdue(september(11), at(3_001))
            .await
            .unwrap()
            .is_empty()
    );
    let (_, steps) = store.rectification(late_r.id).await.unwrap();
    assert_eq!(
        steps.iter().map(|s| s.step.as_str()).collect::<Vec<_>>(),
        ["open", "escalated"]
    );
    assert!(!store.rectification(keeps_r.id).await.unwrap().0.escalated);

    let appeal = |evaluation: Uuid, second: i64| Appeal {
        id: Uuid::now_v7(),
        evaluation_id: evaluation,
        reason: "恶意差评".into(),
        evidence: "监控录像".into(),
        filed_by: "EVAL-A负责人".into(),
        filed_at: at(3_100 + second),
        status: AppealStatus::Pending,
        decided_by: None,
        decided_at: None,
        decision: String::new(),
    };
    let upheld = appeal(late.id, 2);
    store.file_appeal(&upheld).await.unwrap();
    // One pending appeal per evaluation.
    assert!(matches!(
        store.file_appeal(&appeal(late.id, 3)).await,
        Err(StoreError::Conflict { .. })
    ));
    // An appeal of no evaluation is refused.
    assert!(matches!(
        store.file_appeal(&appeal(Uuid::now_v7(), 4)).await,
        Err(StoreError::Conflict { .. })
    ));
    let rejected = appeal(keeps.id, 1);
    store.file_appeal(&rejected).await.unwrap();
    assert_eq!(
        store.appeals(Some(AppealStatus::Pending)).await.unwrap(),
        vec![upheld.clone(), rejected.clone()]
    );

    let decided = store
        .decide_appeal(upheld.id, true, "督查员", at(3_200), "证据充分")
        .await
        .unwrap();
    assert_eq!(
        decided,
        Appeal {
            status: AppealStatus::Upheld,
            decided_by: Some("督查员".into()),
            decided_at: Some(at(3_200)),
            decision: "证据充分".into(),
            ..upheld.clone()
        }
    );
    assert!(matches!(
        store
            .decide_appeal(upheld.id, false, "督查员", at(3_201), "再议")
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Upheld: the evaluation leaves the valid count (rollup too) and its rectification closes.
    assert!(store.evaluation(late.id).await.unwrap().excluded);
    let day = september(5);
    assert_eq!(
        store.level_counts(day, day, None).await.unwrap(),
        vec![count("", Level::Dissatisfied, 2, 1)]
    );
    assert_rollup_agrees(store, september(1), september(30)).await;
    let (closed, steps) = store.rectification(late_r.id).await.unwrap();
    assert_eq!(closed.status, R::Closed);
    assert_eq!(
        steps.last().map(|s| (s.step.as_str(), s.actor.as_str())),
        Some(("closed", "督查员"))
    );

    // Rejected: nothing else changes.
    let no = store
        .decide_appeal(rejected.id, false, "督查员", at(3_300), "证据不足")
        .await
        .unwrap();
    assert_eq!(no.status, AppealStatus::Rejected);
    assert!(!store.evaluation(keeps.id).await.unwrap().excluded);
    assert_eq!(store.rectification(keeps_r.id).await.unwrap().0.status, R::Open);
    assert_eq!(
        store.appeals(None).await.unwrap(),
        vec![
            decided,
            Appeal {
                status: AppealStatus::Rejected,
                decided_by: Some("督查员".into()),
                decided_at: Some(at(3_300)),
                decision: "证据不足".into(),
                ..rejected
            }
        ]
    );
    assert!(
        store
            .appeals(Some(AppealStatus::Pending))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn reasons(store: &dyn Store) {
    assert_eq!(
        store.evaluation_reasons().await.unwrap().len(),
        6,
        "the migration's list"
    );
    let list: Vec<String> = ["办事效率低", "等候时间长", "其他"].map(String::from).to_vec();
    store.set_evaluation_reasons(&list).await.unwrap();
    assert_eq!(store.evaluation_reasons().await.unwrap(), list);
    assert_eq!(store.pad_reasons().await.unwrap(), list);
}

async fn sms_outbox(store: &dyn Store) {
    let message = |ticket: Uuid, second: i64| OutboxMessage {
        id: Uuid::now_v7(),
        kind: SmsKind::EvaluationInvitation,
        dedupe_key: SmsKind::EvaluationInvitation.dedupe_key(&ticket.simple().to_string()),
        ticket_id: Some(ticket),
        phone_sealed: "v1:sealed-phone".into(),
        body: "请您对本次服务进行评价".into(),
        queued_at: at(4_000 + second),
        status: SmsStatus::Queued,
    };
    let (t1, t2) = (Uuid::now_v7(), Uuid::now_v7());
    let first = message(t1, 1);
    assert!(store.queue_sms(&first).await.unwrap());
    // Once per ticket.
    assert!(!store.queue_sms(&message(t1, 2)).await.unwrap());
    let second = message(t2, 3);
    assert!(store.queue_sms(&second).await.unwrap());
    assert_eq!(store.sms_outbox(10).await.unwrap(), vec![second.clone(), first]);
    assert_eq!(store.sms_outbox(1).await.unwrap(), vec![second.clone()]);
    // Another kind for the same ticket is its own message; one without a ticket too.
    let reminder = OutboxMessage {
        kind: SmsKind::TurnReminder,
        dedupe_key: SmsKind::TurnReminder.dedupe_key(&t1.simple().to_string()),
        queued_at: at(4_010),
        ..message(t1, 10)
    };
    assert!(store.queue_sms(&reminder).await.unwrap());
    assert!(
        !store
            .queue_sms(&OutboxMessage {
                id: Uuid::now_v7(),
                ..reminder.clone()
            })
            .await
            .unwrap()
    );
    let case_notice = OutboxMessage {
        kind: SmsKind::CaseStatus,
        dedupe_key: SmsKind::CaseStatus.dedupe_key("DH20261207-0001:accepted"),
        ticket_id: None,
        queued_at: at(4_020),
        ..message(t2, 20)
    };
    assert!(store.queue_sms(&case_notice).await.unwrap());
    assert_eq!(
        store.sms_outbox(3).await.unwrap(),
        vec![case_notice, reminder, second]
    );
}
