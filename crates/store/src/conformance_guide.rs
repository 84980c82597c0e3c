//! The 智能导办 part of the conformance suite: admins' phrases (a duplicate is a
//! conflict, deleting twice is not found), the no-hit log's counts and order, and
//! the questions admins answered (相似问法: a duplicate question is a conflict, an
//! answered question leaves the log in the same write, deleting twice is not found).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::guide::*;
use crate::{Store, StoreError};
use domain::guide::GuideKind;
use jiff::Timestamp;
use uuid::Uuid;

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_760_000_000 + second).unwrap()
}

pub async fn run_all(store: &dyn Store) {
    let p = GuidePhrase {
        id: Uuid::now_v7(),
        phrase: "落地户".into(),
        code: "GA-QR-004".into(),
        kind: GuideKind::Item,
        created_by: "admin".into(),
        created_at: at(0),
    };
    store.add_guide_phrase(&p).await.unwrap();
    let again = GuidePhrase {
        id: Uuid::now_v7(),
        ..p.clone()
    };
    assert!(matches!(
        store.add_guide_phrase(&again).await,
        Err(StoreError::Conflict { .. })
    ));
    let b = GuidePhrase {
        id: Uuid::now_v7(),
        phrase: "办后事".into(),
        code: "YJS-005".into(),
        kind: GuideKind::Bundle,
        created_by: "admin".into(),
        created_at: at(1),
    };
    store.add_guide_phrase(&b).await.unwrap();
    assert_eq!(store.guide_phrases().await.unwrap(), vec![p.clone(), b.clone()]);
    store.delete_guide_phrase(p.id).await.unwrap();
    assert!(matches!(
        store.delete_guide_phrase(p.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.guide_phrases().await.unwrap(), vec![b]);

    store.record_guide_miss("怎么买火车票", at(10)).await.unwrap();
    store.record_guide_miss("今天天气", at(11)).await.unwrap();
    store.record_guide_miss("今天天气", at(12)).await.unwrap();
    let misses = store.guide_misses(10).await.unwrap();
    assert_eq!(misses.len(), 2);
    assert_eq!(misses[0].question, "今天天气");
    assert_eq!(misses[0].count, 2);
    assert_eq!(misses[0].first_at, at(11));
    assert_eq!(misses[0].last_at, at(12));
    assert_eq!(misses[1].count, 1);
    assert_eq!(store.guide_misses(1).await.unwrap().len(), 1);

    similar_questions(store).await;
}

async fn similar_questions(store: &dyn Store) {
    store
        .record_guide_miss("红皮的小簿子弄丢了", at(20))
        .await
        .unwrap();
    store
        .record_guide_miss("红皮的小簿子弄丢了", at(21))
        .await
        .unwrap();
    store.record_guide_miss("工牌丢了怎么补", at(22)).await.unwrap();
    let logged = |misses: Vec<GuideMiss>, q: &str| misses.iter().any(|m| m.question == q);
    assert!(logged(
        store.guide_misses(50).await.unwrap(),
        "红皮的小簿子弄丢了"
    ));

    // Answered with an item: stored as it was, and gone from the no-hit log.
    let a = GuideSimilar {
        id: Uuid::now_v7(),
        question: "红皮的小簿子弄丢了".into(),
        code: Some("MZ-QR-003".into()),
        kind: Some(GuideKind::Item),
        created_by: "admin".into(),
        created_at: at(30),
    };
    store.add_guide_similar(&a).await.unwrap();
    let misses = store.guide_misses(50).await.unwrap();
    assert!(!logged(misses.clone(), "红皮的小簿子弄丢了"), "{misses:?}");
    assert!(logged(misses, "工牌丢了怎么补"), "other questions stay logged");

    // Not the hall's (不属本大厅): no code, no kind.
    let b = GuideSimilar {
        id: Uuid::now_v7(),
        question: "工牌丢了怎么补".into(),
        code: None,
        kind: None,
        created_by: "admin2".into(),
        created_at: at(31),
    };
    store.add_guide_similar(&b).await.unwrap();
    assert!(!logged(store.guide_misses(50).await.unwrap(), "工牌丢了怎么补"));
    // A question never logged can be answered too (nothing to remove).
    let c = GuideSimilar {
        id: Uuid::now_v7(),
        question: "办后事".into(),
        code: Some("YJS-005".into()),
        kind: Some(GuideKind::Bundle),
        created_by: "admin".into(),
        created_at: at(32),
    };
    store.add_guide_similar(&c).await.unwrap();
    assert_eq!(
        store.guide_similar().await.unwrap(),
        vec![a.clone(), b.clone(), c.clone()],
        "oldest first, every field read back"
    );

    // The same question again, whatever its answer: a conflict; nothing changes, and a
    // logged question is not removed by the refused write.
    store.record_guide_miss("办后事", at(33)).await.unwrap();
    let again = GuideSimilar {
        id: Uuid::now_v7(),
        code: None,
        kind: None,
        created_at: at(34),
        question: "办后事".into(),
        ..a.clone()
    };
    assert!(matches!(
        store.add_guide_similar(&again).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(logged(store.guide_misses(50).await.unwrap(), "办后事"));
    assert_eq!(store.guide_similar().await.unwrap().len(), 3);

    // Deleted once; a second delete (or an unknown id) is not found.
    store.delete_guide_similar(a.id).await.unwrap();
    assert!(matches!(
        store.delete_guide_similar(a.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.delete_guide_similar(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.guide_similar().await.unwrap(), vec![b, c]);
    // Deleted, the question may be answered again.
    let a2 = GuideSimilar {
        id: Uuid::now_v7(),
        created_at: at(40),
        ..a
    };
    store.add_guide_similar(&a2).await.unwrap();
    assert_eq!(store.guide_similar().await.unwrap().last(), Some(&a2));
}
