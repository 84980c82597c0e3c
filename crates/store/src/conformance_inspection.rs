//! The inspection part of the conformance suite: the checklist seeded once
//! (also under concurrency), edited and retired; an inspection with its
//! staff, results and photos; the lists by window, staff, department,
//! period and status; the staff answer and the ruling, each only from the
//! right status; the 暗访 plan and the visit an inspection carries out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::inspection::*;
use crate::{Store, StoreError};
use domain::inspection::{InspectionKind, InspectionStatus};
use jiff::civil::{date, time};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use uuid::Uuid;

pub async fn run_all(store: Arc<dyn Store>) {
    checklist(store.clone()).await;
    inspections(&*store).await;
    plans(&*store).await;
}

fn entry(code: &str, name: &str, deduction: f64, position: i64) -> ChecklistEntry {
    ChecklistEntry {
        code: code.into(),
        name: name.into(),
        standard: format!("{name}的标准"),
        deduction,
        position,
        retired: false,
        updated_by: "admin".into(),
        updated_at: Timestamp::now(),
    }
}

async fn checklist(store: Arc<dyn Store>) {
    assert!(store.checklist().await.unwrap().is_empty());
    let defaults = vec![
        entry("on_post", "在岗在位", 2.0, 0),
        entry("uniform", "工装上岗", 1.0, 1),
        entry("gestures", "服务手势", 0.5, 2),
    ];
    // Two first uses at once write the defaults once.
    let (a, b) = tokio::join!(store.seed_checklist(&defaults), store.seed_checklist(&defaults));
    assert!(a.unwrap() || b.unwrap());
    assert_eq!(store.checklist().await.unwrap().len(), 3);
    assert!(!store.seed_checklist(&defaults).await.unwrap());
    let list = store.checklist().await.unwrap();
    assert_eq!(
        list.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
        ["on_post", "uniform", "gestures"]
    );
    assert_eq!(list[2].deduction, 0.5);

    store
        .add_checklist_item(&entry("smoking", "禁止吸烟", 1.5, 3))
        .await
        .unwrap();
    assert!(matches!(
        store.add_checklist_item(&entry("smoking", "吸烟", 1.0, 4)).await,
        Err(StoreError::Conflict { what }) if what == "checklist_code"
    ));
    let mut renamed = entry("uniform", "着装规范", 1.5, 1);
    renamed.retired = true;
    store.update_checklist_item(&renamed).await.unwrap();
    assert!(matches!(
        store.update_checklist_item(&entry("nothing", "无", 1.0, 9)).await,
        Err(StoreError::NotFound(_))
    ));
    let list = store.checklist().await.unwrap();
    let uniform = list.iter().find(|i| i.code == "uniform").unwrap();
    assert_eq!(
        (uniform.name.as_str(), uniform.deduction, uniform.retired),
        ("着装规范", 1.5, true)
    );
    assert_eq!(list.len(), 4);
    // Seeding never comes back once there is a line, retired or not.
    assert!(!store.seed_checklist(&defaults).await.unwrap());
}

fn result(position: i64, code: &str, deduction: f64, pass: bool) -> ResultEntry {
    ResultEntry {
        position,
        code: code.into(),
        name: format!("项目{code}"),
        deduction,
        pass,
        note: if pass {
            String::new()
        } else {
            "现场发现".into()
        },
    }
}

fn inspection(window: &str, department: &str, staff: &[&str], at: Timestamp) -> Inspection {
    let results = vec![
        result(0, "on_post", 2.0, false),
        result(1, "uniform", 1.0, true),
        result(2, "gestures", 0.5, false),
    ];
    Inspection {
        id: Uuid::now_v7(),
        kind: InspectionKind::Routine,
        at,
        day: at.to_zoned(jiff::tz::TimeZone::UTC).date(),
        inspector: "supervisor".into(),
        window: window.into(),
        department: department.into(),
        staff: staff.iter().map(|s| (*s).to_owned()).collect(),
        note: String::new(),
        deduction: 2.5,
        status: InspectionStatus::Pending,
        response: String::new(),
        responded_by: None,
        responded_at: None,
        decision: String::new(),
        decided_by: None,
        decided_at: None,
        plan_visit_id: None,
        photo_count: 0,
        results,
    }
}

async fn inspections(store: &dyn Store) {
    let t0: Timestamp = "2026-03-02T02:00:00Z".parse().unwrap();
    let hours = |h: i64| t0 + SignedDuration::from_hours(h);
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
    let first = inspection("1", "县市场监管局", &["zhang", "li"], t0);
    store
        .create_inspection(&NewInspection {
            inspection: first.clone(),
            photos: vec![
                NewPhoto {
                    content_type: "image/jpeg".into(),
                    sha256: "aa".into(),
                    body: jpeg.clone(),
                },
                NewPhoto {
                    content_type: "image/png".into(),
                    sha256: "bb".into(),
                    body: vec![0x89, b'P', b'N', b'G'],
                },
            ],
        })
        .await
        .unwrap();
    let second = inspection("2", "县人社局", &["wang"], hours(24));
    let third = inspection("1", "县市场监管局", &["zhang"], hours(48));
    for i in [&second, &third] {
        store
            .create_inspection(&NewInspection {
                inspection: i.clone(),
                photos: Vec::new(),
            })
            .await
            .unwrap();
    }

    let back = store.inspection(first.id).await.unwrap();
    assert_eq!(back.staff, ["zhang", "li"]);
    assert_eq!(back.results.len(), 3);
    assert_eq!(back.results[2].code, "gestures");
    assert!(!back.results[0].pass && back.results[1].pass);
    assert_eq!(back.photo_count, 2);
    assert_eq!((back.deduction, back.day, back.at), (2.5, date(2026, 3, 2), t0));
    assert!(matches!(
        store.inspection(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));

    let photos = store.inspection_photos(first.id).await.unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!(
        (photos[0].n, photos[0].size, photos[0].content_type.as_str()),
        (1, 8, "image/jpeg")
    );
    let (info, body) = store.inspection_photo(first.id, 1).await.unwrap();
    assert_eq!((info.sha256.as_str(), body), ("aa", jpeg));
    assert!(matches!(
        store.inspection_photo(first.id, 3).await,
        Err(StoreError::NotFound(_))
    ));

    let ids = |list: Vec<Inspection>| list.into_iter().map(|i| i.id).collect::<Vec<_>>();
    let all = |f: InspectionFilter| InspectionFilter { limit: 50, ..f };
    assert_eq!(
        ids(store
            .inspections(&all(InspectionFilter::default()))
            .await
            .unwrap()),
        [third.id, second.id, first.id]
    );
    let by_window = store
        .inspections(&all(InspectionFilter {
            window: Some("1".into()),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(by_window.len(), 2);
    assert_eq!(by_window[1].results.len(), 3, "lists carry the results");
    assert_eq!(
        ids(store
            .inspections(&all(InspectionFilter {
                staff: Some("zhang".into()),
                ..Default::default()
            }))
            .await
            .unwrap()),
        [third.id, first.id]
    );
    assert_eq!(
        ids(store
            .inspections(&all(InspectionFilter {
                staff: Some("li".into()),
                window: Some("1".into()),
                from: Some(t0),
                to: Some(hours(1)),
                ..Default::default()
            }))
            .await
            .unwrap()),
        [first.id]
    );
    assert_eq!(
        ids(store
            .inspections(&all(InspectionFilter {
                department: Some("县人社局".into()),
                ..Default::default()
            }))
            .await
            .unwrap()),
        [second.id]
    );
    assert_eq!(
        ids(store
            .inspections(&all(InspectionFilter {
                from: Some(hours(1)),
                to: Some(hours(48)),
                ..Default::default()
            }))
            .await
            .unwrap()),
        [second.id]
    );
    assert_eq!(
        store
            .inspections(&InspectionFilter {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap()
            .len(),
        1
    );

    // The staff answer, then the ruling; each only from the right status.
    let contest = StatusChange {
        id: first.id,
        from: InspectionStatus::Pending,
        to: InspectionStatus::Contested,
        text: "当时在为群众取材料".into(),
        by: "zhang".into(),
        at: hours(3),
    };
    let changed = store.change_inspection_status(&contest).await.unwrap();
    assert_eq!(changed.status, InspectionStatus::Contested);
    assert_eq!(
        (
            changed.response.as_str(),
            changed.responded_by.as_deref(),
            changed.responded_at
        ),
        ("当时在为群众取材料", Some("zhang"), Some(hours(3)))
    );
    assert!(matches!(
        store.change_inspection_status(&contest).await,
        Err(StoreError::Conflict { what }) if what == "inspection_status"
    ));
    assert!(matches!(
        store
            .change_inspection_status(&StatusChange {
                id: Uuid::now_v7(),
                ..contest.clone()
            })
            .await,
        Err(StoreError::NotFound(_))
    ));
    let decided = store
        .change_inspection_status(&StatusChange {
            id: first.id,
            from: InspectionStatus::Contested,
            to: InspectionStatus::Upheld,
            text: "经核实监控，申辩成立".into(),
            by: "leader".into(),
            at: hours(5),
        })
        .await
        .unwrap();
    assert_eq!(decided.status, InspectionStatus::Upheld);
    assert_eq!(decided.decision, "经核实监控，申辩成立");
    assert_eq!(decided.response, "当时在为群众取材料", "the reason stays");
    assert_eq!(
        ids(store
            .inspections(&all(InspectionFilter {
                status: Some(InspectionStatus::Upheld),
                ..Default::default()
            }))
            .await
            .unwrap()),
        [first.id]
    );
}

async fn plans(store: &dyn Store) {
    let visit = |d: i8, h: i8, w: &str| PlanVisit {
        id: Uuid::now_v7(),
        date: date(2026, 3, d),
        time: time(h, 30, 0, 0),
        window: w.into(),
        inspection_id: None,
    };
    let plan = InspectionPlan {
        id: Uuid::now_v7(),
        from: date(2026, 3, 2),
        to: date(2026, 3, 6),
        created_by: "supervisor".into(),
        created_at: "2026-02-27T08:00:00Z".parse().unwrap(),
        visits: vec![visit(2, 9, "3"), visit(4, 14, "1")],
    };
    store.create_inspection_plan(&plan).await.unwrap();
    let stored = store.inspection_plans(10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0], plan);

    // An unannounced inspection carries out one visit, once.
    let mut done = inspection("3", "", &["zhao"], "2026-03-02T01:40:00Z".parse().unwrap());
    done.kind = InspectionKind::Unannounced;
    done.plan_visit_id = Some(plan.visits[0].id);
    let new = NewInspection {
        inspection: done.clone(),
        photos: Vec::new(),
    };
    store.create_inspection(&new).await.unwrap();
    let again = NewInspection {
        inspection: Inspection {
            id: Uuid::now_v7(),
            ..done.clone()
        },
        photos: Vec::new(),
    };
    assert!(matches!(
        store.create_inspection(&again).await,
        Err(StoreError::Conflict { what }) if what == "plan_visit"
    ));
    // The refused inspection left nothing behind.
    assert!(matches!(
        store.inspection(again.inspection.id).await,
        Err(StoreError::NotFound(_))
    ));
    let stored = store.inspection_plans(10).await.unwrap();
    assert_eq!(stored[0].visits[0].inspection_id, Some(done.id));
    assert_eq!(stored[0].visits[1].inspection_id, None);
    assert_eq!(
        store.inspection(done.id).await.unwrap().plan_visit_id,
        Some(plan.visits[0].id)
    );
}
