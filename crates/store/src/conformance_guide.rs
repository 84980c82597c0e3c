//! The 智能导办 part of the conformance suite: admins' phrases (a duplicate is a
//! conflict, deleting twice is not found) and the no-hit log's counts and order.
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
}
