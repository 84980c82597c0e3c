//! The 告知承诺 and 数据共享 part of the conformance suite (issue 17): a
//! case's tasks and sharing log written together and read back, the pending
//! list by department and due date, an outcome recorded once with its credit
//! record, a revocation once with its case step, licences imported and
//! replaced by holder, type and number. Its cases are received in 2014, in
//! departments "CMT-A" and "CMT-B", which no other part touches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case::{AcceptanceClaims, CaseEvent};
use crate::commitment::*;
use crate::conformance_case::{at, case};
use crate::{Store, StoreError};
use domain::case::CaseStatus;
use domain::commitment::{DataSource, HolderKind, SharingProvider, VerificationStatus};
use jiff::civil::date;
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    tasks_credit_and_revocation(store).await;
    licences(store).await;
}

fn step(action: &str) -> CaseEvent {
    CaseEvent {
        at: at(10),
        actor: "liaison".into(),
        action: action.into(),
        status: CaseStatus::Accepted,
        note: "受理".into(),
    }
}

fn task(case: &crate::case::CaseRecord, material: &str, due: jiff::civil::Date) -> Commitment {
    Commitment {
        id: Uuid::now_v7(),
        case_id: case.id,
        case_number: case.number.clone(),
        item_name: case.item_name.clone(),
        department: case.department.clone(),
        material: material.into(),
        applicant_key: "cmt-key".into(),
        applicant_masked: "110101********1234".into(),
        accepted_on: date(2014, 3, 3),
        due,
        status: VerificationStatus::Pending,
        note: String::new(),
        verified_by: None,
        verified_at: None,
        created_by: "wang".into(),
        created_at: at(20),
    }
}

async fn tasks_credit_and_revocation(store: &dyn Store) {
    // The claims are written with their case, each task numbered by the store.
    let new_a = case("CMT-A", date(2014, 3, 3));
    let new_b = case("CMT-B", date(2014, 3, 3));
    let mut late = task(&new_a, "健康证明", date(2014, 4, 1));
    let mut early = task(&new_a, "无犯罪记录证明", date(2014, 3, 20));
    let mut other = task(&new_b, "健康证明", date(2014, 3, 25));
    let access = DataAccess {
        id: Uuid::now_v7(),
        case_id: new_a.id,
        source: DataSource::ELicence,
        // Not the column's default: the channel round-trips.
        provider: SharingProvider::Exchange,
        material: "营业执照".into(),
        licence_type: "营业执照".into(),
        licence_number: "L-1".into(),
        valid_until: Some(date(2015, 1, 1)),
        fields: "持证主体,证照类型,证照编号,有效期".into(),
        accessed_by: "wang".into(),
        accessed_at: at(21),
    };
    let claims_a = AcceptanceClaims {
        commitments: vec![late.clone(), early.clone()],
        accesses: vec![access.clone()],
    };
    let a = store
        .create_case(&new_a, "CMT20140303-", &step("accept"), &claims_a)
        .await
        .unwrap();
    let claims_b = AcceptanceClaims {
        commitments: vec![other.clone()],
        accesses: Vec::new(),
    };
    let b = store
        .create_case(&new_b, "CMT20140303-", &step("accept"), &claims_b)
        .await
        .unwrap();
    for t in [&mut late, &mut early] {
        t.case_number = a.number.clone();
    }
    other.case_number = b.number.clone();
    // A case whose claims cannot be written is not stored at all: the same
    // task id again refuses the whole acceptance.
    let clash = case("CMT-A", date(2014, 3, 3));
    let mut again = task(&clash, "健康证明", date(2014, 4, 1));
    again.id = late.id;
    let refused = store
        .create_case(
            &clash,
            "CMT20140303-",
            &step("accept"),
            &AcceptanceClaims {
                commitments: vec![again],
                accesses: Vec::new(),
            },
        )
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(matches!(
        store.case_by_id(clash.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.data_accesses(a.id).await.unwrap(), vec![access]);
    assert!(store.data_accesses(b.id).await.unwrap().is_empty());

    // Pending, one department's, due date first.
    let pending = |department: Option<&str>| CommitmentFilter {
        status: Some(VerificationStatus::Pending),
        department: department.map(str::to_owned),
        case_id: None,
        limit: 100,
    };
    let mine = store.commitments(&pending(Some("CMT-A"))).await.unwrap();
    assert_eq!(mine, vec![early.clone(), late.clone()]);
    let all: Vec<Uuid> = store
        .commitments(&pending(None))
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.department.starts_with("CMT-"))
        .map(|c| c.id)
        .collect();
    assert_eq!(all, vec![early.id, other.id, late.id]);
    let of_case = CommitmentFilter {
        case_id: Some(b.id),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.commitments(&of_case).await.unwrap(), vec![other.clone()]);

    // 属实 once; 不实 with its credit record in the same transaction.
    let ok = store
        .verify_commitment(
            &Verification {
                id: early.id,
                status: VerificationStatus::True,
                note: String::new(),
                by: "liaison".into(),
                at: at(30),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(ok.status, VerificationStatus::True);
    assert_eq!(ok.verified_by.as_deref(), Some("liaison"));
    assert_eq!(ok.verified_at, Some(at(30)));
    let credit = CreditRecord {
        id: Uuid::now_v7(),
        subject_key: "cmt-key".into(),
        subject_masked: "110101********1234".into(),
        commitment_id: late.id,
        case_id: a.id,
        case_number: a.number.clone(),
        material: "健康证明".into(),
        note: "经核查无此证明".into(),
        recorded_by: "liaison".into(),
        recorded_at: at(31),
    };
    let false_one = Verification {
        id: late.id,
        status: VerificationStatus::False,
        note: "经核查无此证明".into(),
        by: "liaison".into(),
        at: at(31),
    };
    let found = store.verify_commitment(&false_one, Some(&credit)).await.unwrap();
    assert_eq!(found.status, VerificationStatus::False);
    assert_eq!(found.note, "经核查无此证明");
    match store.verify_commitment(&false_one, Some(&credit)).await {
        Err(StoreError::Conflict { what }) => assert_eq!(what, "already_verified"),
        other => panic!("{other:?}"),
    }
    match store
        .verify_commitment(
            &Verification {
                id: Uuid::now_v7(),
                ..false_one.clone()
            },
            None,
        )
        .await
    {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(store.credit_records("cmt-key").await.unwrap(), vec![credit]);
    assert!(store.credit_records("nobody").await.unwrap().is_empty());
    assert_eq!(store.commitments(&pending(Some("CMT-A"))).await.unwrap(), vec![]);

    // 撤销 once, with its case step.
    assert_eq!(store.revocation(a.id).await.unwrap(), None);
    let r = Revocation {
        case_id: a.id,
        reason: "承诺不实，依法撤销".into(),
        revoked_by: "liaison".into(),
        revoked_at: at(40),
    };
    store.revoke_case(&r, &step("revoke")).await.unwrap();
    assert_eq!(store.revocation(a.id).await.unwrap(), Some(r.clone()));
    match store.revoke_case(&r, &step("revoke")).await {
        Err(StoreError::Conflict { what }) => assert_eq!(what, "already_revoked"),
        other => panic!("{other:?}"),
    }
    let steps = store.case_events(a.id).await.unwrap();
    assert_eq!(steps.iter().filter(|s| s.action == "revoke").count(), 1);
    // 一件事: a task on the sub-case of the item that lists the material takes that sub-case's number.
    let parent = case("CMT-A", date(2014, 3, 4));
    let sub_case = case("CMT-B", date(2014, 3, 4));
    let on_sub = task(&sub_case, "卫生许可证明", date(2014, 3, 28));
    let (_, subs) = store
        .create_case_family(
            &parent,
            std::slice::from_ref(&sub_case),
            "CMT20140304-",
            &step("accept"),
            &AcceptanceClaims {
                commitments: vec![on_sub.clone()],
                accesses: Vec::new(),
            },
        )
        .await
        .unwrap();
    let of_sub = CommitmentFilter {
        case_id: Some(sub_case.id),
        limit: 10,
        ..Default::default()
    };
    let stored = store.commitments(&of_sub).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].case_number, subs[0].number);
    assert_eq!(stored[0].case_number, "CMT20140304-0001-1");
}

async fn licences(store: &dyn Store) {
    let licence = |number: &str, until: Option<jiff::civil::Date>, second: i64| Licence {
        id: Uuid::now_v7(),
        holder_key: "cmt-holder".into(),
        holder_kind: HolderKind::Organisation,
        holder_sealed: "v1:sealed".into(),
        holder_masked: "913501********Y43".into(),
        licence_type: "营业执照".into(),
        number: number.into(),
        valid_until: until,
        source: DataSource::LegalEntity,
        imported_by: "admin".into(),
        imported_at: at(second),
    };
    let old = licence("N-1", Some(date(2014, 1, 1)), 50);
    let forever = licence("N-2", None, 51);
    assert_eq!(
        store
            .import_licences(&[old.clone(), forever.clone()])
            .await
            .unwrap(),
        2
    );
    // The same holder, type and number again: replaced, not doubled.
    let renewed = Licence {
        id: Uuid::now_v7(),
        valid_until: Some(date(2020, 1, 1)),
        imported_at: at(52),
        ..old.clone()
    };
    assert_eq!(
        store
            .import_licences(std::slice::from_ref(&renewed))
            .await
            .unwrap(),
        1
    );
    let found = store.holder_licences("cmt-holder", "营业执照").await.unwrap();
    assert_eq!(found.len(), 2);
    // 长期有效 first, then the latest end.
    assert_eq!(found[0], forever);
    assert_eq!(found[1].number, "N-1");
    assert_eq!(found[1].valid_until, Some(date(2020, 1, 1)));
    assert_eq!(found[1].id, old.id);
    assert!(
        store
            .holder_licences("cmt-holder", "身份证")
            .await
            .unwrap()
            .is_empty()
    );
    let listed = store.licences(1000).await.unwrap();
    assert!(listed.iter().any(|l| l.number == "N-2"));
}
