//! The 办件 part of the conformance suite: numbering from the day's counter,
//! bundle families, the status check of an update, the steps, the provisional
//! deadlines, the figures and imports. Its cases are received in 2025, in
//! department "CASE-A", which no other part touches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case::*;
use crate::case_ledger::LedgerFilter;
use crate::{Store, StoreError};
use domain::case::{ApplicantKind, CaseStatus, Handling, MaterialStatus};
use jiff::Timestamp;
use jiff::civil::{Date, date};
use std::future::Future;
use uuid::Uuid;

const DEPARTMENT: &str = "CASE-A";

pub async fn run_all(store: &dyn Store) {
    numbering_and_lookups(store).await;
    families(store).await;
    updates_check_the_status(store).await;
    provisional_open_cases(store).await;
    figures(store).await;
    imports(store).await;
}

/// A whole second (PostgreSQL keeps microseconds, SQLite the text), so that
/// what is read back equals what was written.
pub(crate) fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_740_000_000 + second).unwrap()
}

/// An open case of `department`, received and accepted on `day`, with no
/// optional field set.
pub(crate) fn case(department: &str, day: Date) -> CaseRecord {
    let id = Uuid::now_v7();
    CaseRecord {
        id,
        number: String::new(),
        query_code: format!("Q{}", id.simple()),
        parent_id: None,
        item_code: "ITEM-1".into(),
        item_name: "食品经营许可".into(),
        department: department.into(),
        handling: Handling::Promised,
        promised_days: 5,
        applicant_kind: ApplicantKind::Person,
        applicant_name: "张三".into(),
        id_sealed: "v1:sealed-id".into(),
        id_key: "id-key".into(),
        id_masked: "110101********1234".into(),
        phone_sealed: "v1:sealed-phone".into(),
        phone_tail: "1234".into(),
        legal_rep: String::new(),
        agent: String::new(),
        agent_basis: String::new(),
        ticket_id: None,
        window: "1".into(),
        staff: "wang".into(),
        status: CaseStatus::Accepted,
        status_before_pause: None,
        materials: vec![],
        missing: vec![],
        received_on: day,
        accepted_on: Some(day),
        deadline: None,
        paused_days: 0,
        pause_started_on: None,
        extension_days: 0,
        approved: None,
        decision_reason: String::new(),
        completed_on: None,
        imported: false,
        created_at: at(0),
        updated_at: at(0),
        deadline_provisional: false,
        deadline_before: None,
        phone_key: None,
        phone_masked: None,
    }
}

fn step(action: &str, status: CaseStatus, second: i64) -> CaseEvent {
    CaseEvent {
        at: at(second),
        actor: "wang".into(),
        action: action.into(),
        status,
        note: format!("{action}的说明"),
    }
}

/// Stores `c` numbered from `prefix`, with an acceptance step at `second`.
async fn accept(store: &dyn Store, c: &CaseRecord, prefix: &str, second: i64) -> CaseRecord {
    store
        .create_case(
            c,
            prefix,
            &step("受理", CaseStatus::Accepted, second),
            &Default::default(),
        )
        .await
        .unwrap()
}

async fn numbering_and_lookups(store: &dyn Store) {
    let day = date(2025, 3, 3);
    // Every optional column set, to see each one come back.
    let mut full = case(DEPARTMENT, day);
    full.parent_id = None;
    full.legal_rep = "法人".into();
    full.agent = "代办员".into();
    full.agent_basis = "委托书".into();
    full.ticket_id = Some(Uuid::now_v7());
    full.status = CaseStatus::Completed;
    full.status_before_pause = Some(CaseStatus::UnderReview);
    full.materials = vec![
        MaterialCheck {
            name: "申请书".into(),
            status: MaterialStatus::Provided,
        },
        MaterialCheck {
            name: "营业执照".into(),
            status: MaterialStatus::Shared,
        },
    ];
    full.missing = vec!["身份证复印件".into()];
    full.deadline = Some(date(2025, 3, 10));
    full.paused_days = 2;
    full.pause_started_on = Some(date(2025, 3, 5));
    full.extension_days = 10;
    full.approved = Some(true);
    full.decision_reason = "符合条件".into();
    full.completed_on = Some(date(2025, 3, 7));
    full.imported = true;
    full.updated_at = at(60);
    full.deadline_provisional = true;
    full.deadline_before = Some(date(2025, 3, 11));

    let first = accept(store, &full, "BJ20250303-", 0).await;
    assert_eq!(first.number, "BJ20250303-0001");
    let second = accept(store, &case(DEPARTMENT, day), "BJ20250303-", 1).await;
    assert_eq!(second.number, "BJ20250303-0002");
    // Each day has its own counter.
    let other_day = accept(store, &case(DEPARTMENT, date(2025, 3, 4)), "BJ20250304-", 2).await;
    assert_eq!(other_day.number, "BJ20250304-0001");

    for stored in [&first, &second] {
        assert_eq!(&store.case_by_id(stored.id).await.unwrap(), stored);
        assert_eq!(&store.case_by_number(&stored.number).await.unwrap(), stored);
        assert_eq!(
            &store.case_by_query_code(&stored.query_code).await.unwrap(),
            stored
        );
    }
    assert!(matches!(
        store.case_by_id(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.case_by_number("BJ19990101-0001").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.case_by_query_code("nope").await,
        Err(StoreError::NotFound(_))
    ));

    // A query code already used refuses the case, and the refused case takes no number.
    let mut clash = case(DEPARTMENT, day);
    clash.query_code = first.query_code.clone();
    let refused = store
        .create_case(
            &clash,
            "BJ20250303-",
            &step("受理", CaseStatus::Accepted, 3),
            &Default::default(),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { ref what }) if what == "case"),
        "{refused:?}"
    );
    let third = accept(store, &case(DEPARTMENT, day), "BJ20250303-", 4).await;
    assert_eq!(third.number, "BJ20250303-0003");
    assert_eq!(
        store.case_events(first.id).await.unwrap(),
        vec![step("受理", CaseStatus::Accepted, 0)]
    );
}

async fn families(store: &dyn Store) {
    let day = date(2025, 3, 5);
    let parent = case(DEPARTMENT, day);
    let subs = vec![case(DEPARTMENT, day), case(DEPARTMENT, day)];
    let event = step("一件事受理", CaseStatus::Accepted, 10);
    let (top, numbered) = store
        .create_case_family(&parent, &subs, "BJ20250305-", &event, &Default::default())
        .await
        .unwrap();
    assert_eq!(top.number, "BJ20250305-0001");
    assert_eq!(top.parent_id, None);
    assert_eq!(
        numbered.iter().map(|s| s.number.as_str()).collect::<Vec<_>>(),
        ["BJ20250305-0001-1", "BJ20250305-0001-2"]
    );
    assert!(numbered.iter().all(|s| s.parent_id == Some(top.id)));
    assert_eq!(store.sub_cases(top.id).await.unwrap(), numbered);
    assert_eq!(store.case_by_id(top.id).await.unwrap(), top);
    for sub in &numbered {
        assert_eq!(store.case_events(sub.id).await.unwrap(), vec![event.clone()]);
        assert!(store.sub_cases(sub.id).await.unwrap().is_empty());
    }
    // The family took one number of the day.
    let next = store
        .create_case(&case(DEPARTMENT, day), "BJ20250305-", &event, &Default::default())
        .await
        .unwrap();
    assert_eq!(next.number, "BJ20250305-0002");
}

async fn updates_check_the_status(store: &dyn Store) {
    let created = accept(store, &case(DEPARTMENT, date(2025, 3, 6)), "BJ20250306-", 20).await;
    let mut changed = created.clone();
    changed.status = CaseStatus::Paused;
    changed.status_before_pause = Some(CaseStatus::Accepted);
    changed.materials = vec![MaterialCheck {
        name: "申请书".into(),
        status: MaterialStatus::Missing,
    }];
    changed.missing = vec!["申请书".into()];
    changed.accepted_on = Some(date(2025, 3, 7));
    changed.deadline = Some(date(2025, 3, 14));
    changed.paused_days = 1;
    changed.pause_started_on = Some(date(2025, 3, 8));
    changed.extension_days = 5;
    changed.approved = Some(false);
    changed.decision_reason = "材料不全".into();
    changed.completed_on = Some(date(2025, 3, 9));
    changed.updated_at = at(21);
    changed.deadline_provisional = true;
    changed.deadline_before = Some(date(2025, 3, 13));
    store
        .update_case(
            &changed,
            CaseStatus::Accepted,
            &step("暂停", CaseStatus::Paused, 21),
        )
        .await
        .unwrap();
    assert_eq!(store.case_by_id(created.id).await.unwrap(), changed);

    // A second writer that read the case before the change loses.
    let mut stale = created.clone();
    stale.status = CaseStatus::UnderReview;
    let lost = store
        .update_case(
            &stale,
            CaseStatus::Accepted,
            &step("审查", CaseStatus::UnderReview, 22),
        )
        .await;
    assert!(
        matches!(lost, Err(StoreError::Conflict { ref what }) if what == "case_status"),
        "{lost:?}"
    );
    assert_eq!(store.case_by_id(created.id).await.unwrap(), changed);
    assert_eq!(
        store.case_events(created.id).await.unwrap(),
        vec![
            step("受理", CaseStatus::Accepted, 20),
            step("暂停", CaseStatus::Paused, 21)
        ]
    );
    let mut unknown = case(DEPARTMENT, date(2025, 3, 6));
    unknown.id = Uuid::now_v7();
    assert!(matches!(
        store
            .update_case(
                &unknown,
                CaseStatus::Accepted,
                &step("审查", CaseStatus::UnderReview, 23)
            )
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(store.case_events(unknown.id).await.unwrap().is_empty());
}

async fn provisional_open_cases(store: &dyn Store) {
    let day = date(2025, 3, 12);
    let mut numbers = Vec::new();
    for (status, provisional, completed) in [
        (CaseStatus::Accepted, true, false),
        (CaseStatus::Paused, true, false),
        (CaseStatus::Decided, true, false),
        (CaseStatus::Completed, true, true),
        (CaseStatus::Supplement, true, false),
        (CaseStatus::Accepted, false, false),
        (CaseStatus::UnderReview, true, true),
    ] {
        let mut c = case(DEPARTMENT, day);
        c.status = status;
        c.deadline_provisional = provisional;
        c.completed_on = completed.then_some(day);
        numbers.push(accept(store, &c, "BJ20250312-", 30).await.number);
    }
    let listed: Vec<String> = store
        .provisional_open_cases()
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.received_on == day)
        .map(|c| c.number)
        .collect();
    // Open (accepted, under review, paused, decided), not completed, provisional; by number.
    assert_eq!(listed, numbers[..3]);
}

async fn figures(store: &dyn Store) {
    let made = |accepted: Date, deadline: Date, status: CaseStatus, completed: Option<Date>| {
        let mut c = case(DEPARTMENT, accepted);
        c.deadline = Some(deadline);
        c.status = status;
        c.completed_on = completed;
        c
    };
    let april = |d| date(2025, 4, d);
    let cases = [
        // Completed on time, completed late, overdue, paused (not overdue), open in time.
        made(april(1), april(10), CaseStatus::Completed, Some(april(8))),
        made(april(2), april(5), CaseStatus::Delivered, Some(april(9))),
        made(april(3), april(7), CaseStatus::UnderReview, None),
        made(april(4), april(7), CaseStatus::Paused, None),
        made(april(5), april(30), CaseStatus::Accepted, None),
        // Accepted the day before the period.
        made(date(2025, 3, 31), april(2), CaseStatus::Accepted, None),
    ];
    for (k, c) in cases.iter().enumerate() {
        let prefix = format!("FIG{}-", c.received_on);
        accept(store, c, &prefix, 40 + k as i64).await;
    }
    // A bundle counts once: its sub-cases are left out.
    let parent = made(april(6), date(2025, 5, 30), CaseStatus::Accepted, None);
    let sub = made(april(6), april(8), CaseStatus::Accepted, None);
    store
        .create_case_family(
            &parent,
            &[sub],
            "FIG-family-",
            &step("受理", CaseStatus::Accepted, 50),
            &Default::default(),
        )
        .await
        .unwrap();
    let figures = store.case_figures(april(1), april(30), april(20)).await.unwrap();
    assert_eq!(
        figures,
        CaseFigures {
            accepted: 6,
            completed: 2,
            on_time: 1,
            overdue: 1,
        }
    );
    assert_eq!(
        store
            .case_figures(date(2025, 6, 1), date(2025, 6, 30), april(20))
            .await
            .unwrap(),
        CaseFigures::default()
    );
}

async fn imports(store: &dyn Store) {
    let imported = |number: &str| {
        let mut c = case(DEPARTMENT, date(2025, 2, 10));
        c.number = number.into();
        c.imported = true;
        c.status = CaseStatus::Completed;
        c.completed_on = Some(date(2025, 2, 20));
        c
    };
    let batch = [imported("HIST-0001"), imported("HIST-0002")];
    assert_eq!(store.import_cases(&batch).await.unwrap(), 2);
    for c in &batch {
        assert_eq!(&store.case_by_number(&c.number).await.unwrap(), c);
        assert!(store.case_events(c.id).await.unwrap().is_empty());
    }
    // A number already there refuses the whole import.
    let again = [imported("HIST-0003"), imported("HIST-0001")];
    let refused = store.import_cases(&again).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { ref what }) if what == "case"),
        "{refused:?}"
    );
    assert!(matches!(
        store.case_by_number("HIST-0003").await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.import_cases(&[]).await.unwrap(), 0);
}

/// Stores text in a case's status that no [`CaseStatus`] has (`$1`: the case's id).
pub const SPOIL_CASE_STATUS: &str = "UPDATE cases SET status = 'lost' WHERE id = $1";
/// Puts the status back (`$1`: the case's id).
pub const REPAIR_CASE_STATUS: &str = "UPDATE cases SET status = 'accepted' WHERE id = $1";

/// A status the code does not know is a damaged record (`Corrupt`) wherever
/// the case is read, a record or a ledger line, never a guess. `run_sql` runs
/// one statement with the case's id bound to `$1` on the store's database,
/// beside the store (the store itself never writes text it cannot read back).
/// Run after [`crate::conformance::run_all`]: it leaves the case repaired.
pub async fn unknown_status_is_corrupt<F, Fut>(store: &dyn Store, run_sql: F)
where
    F: Fn(&'static str, Uuid) -> Fut,
    Fut: Future<Output = ()>,
{
    const SPOILED: &str = "CASE-SPOILED";
    let day = date(2025, 5, 6);
    let c = accept(store, &case(SPOILED, day), "SPOIL20250506-", 90).await;
    let of_department = LedgerFilter {
        department: Some(SPOILED.into()),
        limit: 10,
        ..Default::default()
    };
    run_sql(SPOIL_CASE_STATUS, c.id).await;
    let corrupt = |e: StoreError| matches!(e, StoreError::Corrupt(ref m) if m == "case status lost");
    assert!(corrupt(store.case_by_id(c.id).await.unwrap_err()));
    assert!(corrupt(store.case_by_number(&c.number).await.unwrap_err()));
    assert!(corrupt(store.ledger_rows(&of_department).await.unwrap_err()));
    run_sql(REPAIR_CASE_STATUS, c.id).await;
    assert_eq!(store.case_by_id(c.id).await.unwrap(), c);
    assert_eq!(store.ledger_rows(&of_department).await.unwrap().total, 1);
}
