//! Conformance of the monthly assessment's storage (issue 16), on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::StoreError;
use crate::assessment::*;
use domain::assessment::{
    Assessment, Evidence, EvidenceKind, Facts, IncidentKind, ReviewKind, Roster, Scheme, SubjectLevel,
    WindowInfo, score_month,
};
use jiff::Timestamp;
use jiff::civil::date;
use uuid::Uuid;

pub async fn run_all(store: &dyn AssessmentStore) {
    schemes(store).await;
    reviews_bonuses_incidents(store).await;
    frozen_months(store).await;
    facts_of_an_empty_month(store).await;
}

fn at() -> Timestamp {
    "2026-11-30T02:00:00Z".parse().unwrap()
}

async fn schemes(store: &dyn AssessmentStore) {
    assert!(store.scheme_versions().await.unwrap().is_empty());
    let body = serde_json::to_string(&Scheme::default()).unwrap();
    let v1 = store
        .add_scheme_version("2026-01", &body, "默认", "admin", at())
        .await
        .unwrap();
    let v2 = store
        .add_scheme_version("2026-07", &body, "下半年", "admin", at())
        .await
        .unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    let all = store.scheme_versions().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].effective_from, "2026-07");
    assert_eq!(all[1].body, body);
}

async fn reviews_bonuses_incidents(store: &dyn AssessmentStore) {
    let review = Review {
        id: Uuid::now_v7(),
        month: "2026-11".into(),
        staff: "zhang".into(),
        reviewer: "li".into(),
        kind: ReviewKind::Peer,
        score: 9,
        comment: "耐心".into(),
        created_at: at(),
    };
    store.add_review(&review).await.unwrap();
    let again = Review {
        id: Uuid::now_v7(),
        score: 3,
        ..review.clone()
    };
    assert!(matches!(
        store.add_review(&again).await,
        Err(StoreError::Conflict { what }) if what == "review_duplicate"
    ));
    // The leader's review of the same person is another kind.
    store
        .add_review(&Review {
            id: Uuid::now_v7(),
            kind: ReviewKind::Leader,
            reviewer: "leader".into(),
            ..review.clone()
        })
        .await
        .unwrap();
    assert_eq!(store.reviews("2026-11", None).await.unwrap().len(), 2);
    assert_eq!(store.reviews("2026-11", Some("zhang")).await.unwrap()[0], review);
    assert!(store.reviews("2026-10", Some("zhang")).await.unwrap().is_empty());

    let bonus = Bonus {
        id: Uuid::now_v7(),
        month: "2026-11".into(),
        level: SubjectLevel::Window,
        subject: "3".into(),
        points: 2.5,
        reason: "帮办代办".into(),
        recorded_by: "leader".into(),
        recorded_at: at(),
    };
    store.add_bonus(&bonus).await.unwrap();
    assert_eq!(store.bonuses("2026-11").await.unwrap(), vec![bonus]);
    let incident = Incident {
        id: Uuid::now_v7(),
        month: "2026-11".into(),
        occurred_on: date(2026, 11, 5),
        level: SubjectLevel::Staff,
        subject: "zhang".into(),
        kind: IncidentKind::Safety,
        description: "消防通道堵塞".into(),
        recorded_by: "leader".into(),
        recorded_at: at(),
    };
    store.add_incident(&incident).await.unwrap();
    assert_eq!(store.incidents("2026-11").await.unwrap(), vec![incident]);
    assert!(store.incidents("2026-12").await.unwrap().is_empty());
}

fn scored() -> Vec<Assessment> {
    let roster = Roster {
        windows: (1..=150)
            .map(|n| WindowInfo {
                number: n.to_string(),
                name: format!("窗口{n}"),
                departments: vec![],
                staff: vec![],
            })
            .collect(),
        ..Roster::default()
    };
    let facts = Facts {
        weeks: 4,
        bonuses: vec![domain::assessment::BonusFact {
            id: Uuid::from_u128(9),
            level: SubjectLevel::Window,
            subject: "7".into(),
            points: 1.0,
            reason: "创新".into(),
        }],
        ..Facts::default()
    };
    score_month(&Scheme::default(), &roster, &facts).windows
}

async fn frozen_months(store: &dyn AssessmentStore) {
    let results = scored();
    assert_eq!(results[0].subject, "7");
    let month = FrozenMonth {
        month: "2026-10".into(),
        scheme_version: 0,
        frozen_by: "leader".into(),
        frozen_at: at(),
        rescores: 0,
        red_flag: "{}".into(),
        stars: "{}".into(),
    };
    let log = AssessmentLogEntry {
        month: "2026-10".into(),
        action: "freeze".into(),
        actor: "leader".into(),
        at: at(),
        reason: String::new(),
    };
    assert!(store.frozen_month("2026-10").await.unwrap().is_none());
    // A re-score needs a frozen month.
    assert!(matches!(
        store.save_frozen_month(&month, &results, true, &log).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .save_frozen_month(&month, &results, false, &log)
        .await
        .unwrap();
    assert_eq!(store.frozen_month("2026-10").await.unwrap(), Some(month.clone()));
    assert!(matches!(
        store.save_frozen_month(&month, &results, false, &log).await,
        Err(StoreError::Conflict { what }) if what == "assessment_frozen"
    ));
    let query = ResultQuery {
        month: "2026-10".into(),
        level: SubjectLevel::Window,
        subject: None,
        evidence: true,
    };
    let read = store.frozen_results(&query).await.unwrap();
    assert_eq!(read, results);
    let bonus = read[0].parts.iter().find(|p| !p.evidence.is_empty()).unwrap();
    assert_eq!(
        bonus.evidence,
        vec![Evidence::new(EvidenceKind::Bonus, Uuid::from_u128(9))]
    );
    let light = store
        .frozen_results(&ResultQuery {
            evidence: false,
            subject: Some("7".into()),
            ..query.clone()
        })
        .await
        .unwrap();
    assert_eq!(light.len(), 1);
    assert_eq!(light[0].score, results[0].score);
    assert!(light[0].parts.iter().all(|p| p.evidence.is_empty()));
    assert!(
        store
            .frozen_results(&ResultQuery {
                level: SubjectLevel::Staff,
                ..query.clone()
            })
            .await
            .unwrap()
            .is_empty()
    );
    // A re-score replaces the results and is logged.
    let fewer: Vec<Assessment> = results.into_iter().take(3).collect();
    let relog = AssessmentLogEntry {
        action: "rescore".into(),
        reason: "投诉复核撤销".into(),
        ..log.clone()
    };
    store
        .save_frozen_month(
            &FrozenMonth {
                scheme_version: 1,
                ..month.clone()
            },
            &fewer,
            true,
            &relog,
        )
        .await
        .unwrap();
    let again = store.frozen_month("2026-10").await.unwrap().unwrap();
    assert_eq!((again.rescores, again.scheme_version), (1, 1));
    assert_eq!(store.frozen_results(&query).await.unwrap(), fewer);
    let grades = store
        .frozen_grades("2026-10", SubjectLevel::Window)
        .await
        .unwrap();
    assert_eq!(grades.len(), 3);
    let entries = store.assessment_log("2026-10").await.unwrap();
    assert_eq!(entries, vec![log, relog]);
}

async fn facts_of_an_empty_month(store: &dyn AssessmentStore) {
    let (from, to, today) = (date(2020, 2, 1), date(2020, 2, 29), date(2020, 3, 10));
    assert!(store.month_evaluations(from, to).await.unwrap().is_empty());
    assert!(store.month_tickets(from, to).await.unwrap().is_empty());
    assert!(store.month_cases(from, to, today).await.unwrap().is_empty());
    assert!(store.month_inspections(from, to).await.unwrap().is_empty());
    assert!(store.month_complaints(from, to).await.unwrap().is_empty());
    assert!(store.month_meetings(from, to).await.unwrap().is_empty());
    assert!(store.month_rectifications(from, to).await.unwrap().is_empty());
    assert!(store.month_fault_cards(from, to).await.unwrap().is_empty());
}
