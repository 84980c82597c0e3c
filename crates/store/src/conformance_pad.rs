//! The 评价器 part of the conformance suite: pairing a pad once, its token,
//! revoking it, the staff profiles (三亮) it shows, and what it reads of the
//! queue (the unrated tickets finished at its window, who called there).
//! Its tickets are of category "P" on 8 October 2024 at window P1, which no
//! other part touches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::conformance_case::at;
use crate::evaluation::NewEvaluation;
use crate::pad::*;
use crate::queue::{CallRequest, Category, NewTicket, TicketStatus};
use crate::{Store, StoreError};
use jiff::civil::{Date, date};
use uuid::Uuid;

const DAY: Date = date(2024, 10, 8);

pub async fn run_all(store: &dyn Store) {
    pairing(store).await;
    staff_profiles(store).await;
    what_a_pad_reads(store).await;
}

fn new_pad(window: &str, code_hash: &str, second: i64) -> NewPad {
    NewPad {
        pad: Pad {
            id: Uuid::now_v7(),
            window: window.into(),
            layout: "5".into(),
            created_by: "admin".into(),
            created_at: at(5_000 + second),
            code_expires_at: at(5_600 + second),
            paired_at: None,
            revoked: false,
        },
        code_hash: code_hash.into(),
    }
}

async fn pairing(store: &dyn Store) {
    let first = new_pad("P1", "code-1", 0);
    assert_eq!(store.create_pad(&first).await.unwrap(), first.pad);
    let mut second = new_pad("P2", "code-2", 1);
    second.pad.layout = "3".into();
    assert_eq!(store.create_pad(&second).await.unwrap(), second.pad);
    // A pairing code is unique while it lives.
    assert!(matches!(
        store.create_pad(&new_pad("P3", "code-1", 2)).await,
        Err(StoreError::Conflict { .. })
    ));
    // Newest first.
    assert_eq!(
        store.pads().await.unwrap(),
        vec![second.pad.clone(), first.pad.clone()]
    );

    assert_eq!(
        store.pad_by_code("code-1").await.unwrap(),
        Some(first.pad.clone())
    );
    assert_eq!(store.pad_by_code("code-9").await.unwrap(), None);
    // The code pairs one device; the second try loses and the code is gone.
    assert!(
        store
            .pair_pad(first.pad.id, "code-1", "token-1", at(5_100))
            .await
            .unwrap()
    );
    assert!(
        !store
            .pair_pad(first.pad.id, "code-1", "token-x", at(5_101))
            .await
            .unwrap()
    );
    assert!(
        !store
            .pair_pad(second.pad.id, "code-1", "token-y", at(5_101))
            .await
            .unwrap()
    );
    assert_eq!(store.pad_by_code("code-1").await.unwrap(), None);
    let paired = Pad {
        paired_at: Some(at(5_100)),
        ..first.pad.clone()
    };
    assert_eq!(store.pad_by_token("token-1").await.unwrap(), Some(paired));
    assert_eq!(store.pad_by_token("token-x").await.unwrap(), None);
    // A freed code may be used again.
    store.create_pad(&new_pad("P3", "code-1", 3)).await.unwrap();

    // Revoked: the token and the code stop working; the pad stays on the list.
    store.revoke_pad(first.pad.id).await.unwrap();
    assert_eq!(store.pad_by_token("token-1").await.unwrap(), None);
    store.revoke_pad(second.pad.id).await.unwrap();
    assert_eq!(store.pad_by_code("code-2").await.unwrap(), None);
    assert!(
        !store
            .pair_pad(second.pad.id, "code-2", "token-2", at(5_102))
            .await
            .unwrap()
    );
    let pads = store.pads().await.unwrap();
    assert_eq!(pads.len(), 3);
    assert!(pads.iter().filter(|p| p.window != "P3").all(|p| p.revoked));
    assert!(matches!(
        store.revoke_pad(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn staff_profiles(store: &dyn Store) {
    let profile = |username: &str, number: &str, second: i64| StaffProfile {
        username: username.into(),
        staff_number: number.into(),
        post: "综合受理岗".into(),
        duties: "企业开办综合受理".into(),
        commitment: "微笑服务".into(),
        photo: String::new(),
        has_photo: false,
        updated_at: at(6_000 + second),
    };
    assert_eq!(store.staff_profile("pad-zhang").await.unwrap(), None);
    store
        .save_staff_profile(&profile("pad-zhang", "001", 0))
        .await
        .unwrap();
    store
        .save_staff_profile(&profile("pad-li", "002", 1))
        .await
        .unwrap();
    // Saving again replaces the profile.
    let mut changed = profile("pad-zhang", "009", 2);
    changed.photo = "data:image/png;base64,AAAA".into();
    changed.duties = "不动产登记".into();
    store.save_staff_profile(&changed).await.unwrap();
    assert_eq!(
        store.staff_profile("pad-zhang").await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(
        store.staff_profiles().await.unwrap(),
        vec![profile("pad-li", "002", 1), changed]
    );
}

fn ticket(phone: Option<&str>) -> NewTicket {
    NewTicket {
        id: Uuid::now_v7(),
        business_date: DAY,
        category: "P".into(),
        priority: None,
        person_keys: vec![],
        max_live_per_person: 1,
        taken_at: at(7_000),
        passed_by: 0,
        transferred_from: None,
        appointment_at: None,
        phone_sealed: phone.map(String::from),
        marks: Default::default(),
    }
}

fn call(by: &str, second: i64) -> CallRequest {
    CallRequest {
        window: "P1".into(),
        categories: vec!["P".into()],
        business_date: DAY,
        fairness_bound: 3,
        at: at(7_000 + second),
        by: by.into(),
    }
}

async fn what_a_pad_reads(store: &dyn Store) {
    store
        .create_category(&Category {
            prefix: "P".into(),
            name: "评价器测试".into(),
            items: vec![],
        })
        .await
        .unwrap();
    let (rated, unrated, waiting) = (ticket(Some("v1:sealed-phone")), ticket(None), ticket(None));
    for t in [&rated, &unrated, &waiting] {
        store.take_ticket(t).await.unwrap();
    }
    assert!(
        store
            .unrated_finished_at_window("P1", DAY)
            .await
            .unwrap()
            .is_empty()
    );
    // Each call finishes the ticket before it; the third leaves one called.
    store.call_next(&call("pad-zhang", 10)).await.unwrap().unwrap();
    store.call_next(&call("pad-li", 20)).await.unwrap().unwrap();
    store.call_next(&call("pad-li", 30)).await.unwrap().unwrap();
    assert_eq!(
        store.ticket(waiting.id).await.unwrap().status,
        TicketStatus::Called
    );

    let mut unrated_now = store.unrated_finished_at_window("P1", DAY).await.unwrap();
    unrated_now.sort();
    assert_eq!(unrated_now, [(rated.id, at(7_020)), (unrated.id, at(7_030))]);
    let evaluation = NewEvaluation {
        id: Uuid::now_v7(),
        event_key: Some(format!("ticket:{}", rated.id)),
        ticket_id: Some(rated.id),
        case_id: None,
        channel: domain::evaluation::Channel::Pad,
        level: domain::evaluation::Level::VerySatisfied,
        reasons: vec![],
        comment: String::new(),
        business_date: DAY,
        window: "P1".into(),
        department: "PAD-A".into(),
        staff: "pad-zhang".into(),
        item: String::new(),
        weight: 1,
        imported: false,
        device: "pad".into(),
        rater_key: String::new(),
        seconds_after_service: Some(5),
        rated_at: at(7_021),
        recorded_by: "pad".into(),
        rectification: None,
    };
    for answer in store.record_evaluations(&[evaluation]).await {
        answer.unwrap();
    }
    assert_eq!(
        store.unrated_finished_at_window("P1", DAY).await.unwrap(),
        [(unrated.id, at(7_030))]
    );
    assert!(
        store
            .unrated_finished_at_window("P1", date(2024, 10, 9))
            .await
            .unwrap()
            .is_empty()
    );

    let mut callers = store.window_callers("P1", DAY).await.unwrap();
    callers.sort();
    assert_eq!(
        callers,
        [
            ("pad-li".to_owned(), at(7_020)),
            ("pad-li".to_owned(), at(7_030)),
            ("pad-zhang".to_owned(), at(7_010)),
        ]
    );
    assert!(store.window_callers("P2", DAY).await.unwrap().is_empty());

    // The SMS invitation reads finished tickets that left a phone.
    let with_phone = store.finished_with_phone(at(7_000), 10).await.unwrap();
    assert_eq!(
        with_phone
            .iter()
            .map(|(t, phone)| (t.id, phone.as_str()))
            .collect::<Vec<_>>(),
        [(rated.id, "v1:sealed-phone")]
    );
    assert!(store.finished_with_phone(at(7_021), 10).await.unwrap().is_empty());
}
