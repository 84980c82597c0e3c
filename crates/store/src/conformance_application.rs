//! The online-application part of the conformance suite (issue 17 part 2):
//! numbering per day, files in their own table with their hash, the queue
//! oldest first, and an update refused once someone else moved the status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::application::*;
use crate::conformance_case::at;
use crate::{Store, StoreError};
use domain::application::{ApplicationStatus, Delivery, Supply};
use domain::case::ApplicantKind;
use jiff::civil::date;
use uuid::Uuid;

fn record(id: Uuid, seconds: i64) -> ApplicationRecord {
    ApplicationRecord {
        id,
        number: String::new(),
        query_code: "ABCDEFGH".into(),
        item_code: "SCJG-XK-001".into(),
        item_name: "食品经营许可".into(),
        department: "东海县市场监督管理局".into(),
        applicant_kind: ApplicantKind::Person,
        name_sealed: "v1:name".into(),
        name_masked: "张*".into(),
        id_sealed: "v1:id".into(),
        id_key: "key".into(),
        id_masked: "110105********002X".into(),
        phone_sealed: "v1:phone".into(),
        phone_masked: "139****5678".into(),
        delivery: Delivery::Post,
        address_sealed: "v1:address".into(),
        status: ApplicationStatus::Submitted,
        materials: vec![SuppliedMaterial {
            name: "申请书".into(),
            supply: Supply::File,
            file: None,
        }],
        notice_missing: vec![],
        notice_note: String::new(),
        case_id: None,
        submitted_on: date(2026, 12, 7),
        review_due: date(2026, 12, 8),
        queued_at: at(seconds),
        created_at: at(seconds),
        updated_at: at(seconds),
    }
}

fn file(application_id: Uuid, material: &str, body: &[u8], seconds: i64) -> (ApplicationFile, Vec<u8>) {
    (
        ApplicationFile {
            id: Uuid::now_v7(),
            application_id,
            material: material.into(),
            file_name: "a.pdf".into(),
            content_type: "application/pdf".into(),
            size: body.len() as i64,
            sha256: "00ff".into(),
            uploaded_at: at(seconds),
        },
        body.to_vec(),
    )
}

fn event(action: &str, seconds: i64) -> ApplicationEvent {
    ApplicationEvent {
        at: at(seconds),
        actor: "申请人".into(),
        action: action.into(),
        note: String::new(),
    }
}

pub async fn run_all(store: &dyn Store) {
    let first = Uuid::now_v7();
    let mut a = record(first, 10);
    let f = file(first, "申请书", b"%PDF-1.7 first", 10);
    a.materials[0].file = Some(f.0.id);
    let a = store
        .create_application(
            &a,
            std::slice::from_ref(&f),
            "DHWS20261207-",
            &event("submit", 10),
        )
        .await
        .unwrap();
    assert_eq!(a.number, "DHWS20261207-0001");
    let second = Uuid::now_v7();
    let b = store
        .create_application(&record(second, 5), &[], "DHWS20261207-", &event("submit", 5))
        .await
        .unwrap();
    assert_eq!(b.number, "DHWS20261207-0002");
    assert_eq!(store.application(first).await.unwrap(), a);
    assert_eq!(store.application_by_number(&b.number).await.unwrap(), b);
    assert!(matches!(
        store.application(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));
    // Oldest in the queue first.
    let queue: Vec<Uuid> = store
        .applications_awaiting_review()
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(queue, vec![second, first]);
    // The body and its metadata.
    let (meta, body) = store.application_file(f.0.id).await.unwrap();
    assert_eq!((meta, body), f.clone());
    // 补正, then a replaced file; a stale status is refused and changes nothing.
    let mut s = a.clone();
    s.status = ApplicationStatus::Supplement;
    s.notice_missing = vec!["申请书".into()];
    s.notice_note = "请签字".into();
    store
        .update_application(
            &s,
            ApplicationStatus::Submitted,
            &[],
            &event("supplement_notice", 20),
        )
        .await
        .unwrap();
    let stale = store
        .update_application(&s, ApplicationStatus::Submitted, &[], &event("again", 21))
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    let g = file(first, "申请书", b"%PDF-1.7 second", 30);
    s.status = ApplicationStatus::Resubmitted;
    s.materials[0].file = Some(g.0.id);
    s.queued_at = at(30);
    store
        .update_application(
            &s,
            ApplicationStatus::Supplement,
            std::slice::from_ref(&g),
            &event("resubmit", 30),
        )
        .await
        .unwrap();
    assert_eq!(store.application(first).await.unwrap(), s);
    let files = store.application_files(first).await.unwrap();
    assert_eq!(files, vec![f.0.clone(), g.0.clone()]);
    let steps: Vec<String> = store
        .application_events(first)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(steps, vec!["submit", "supplement_notice", "resubmit"]);
    assert_eq!(store.application_of_case(Uuid::now_v7()).await.unwrap(), None);
}
