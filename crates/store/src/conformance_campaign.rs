//! The campaigns part of the conformance suite: a campaign read back whole
//! and in order, the lists (all, one owner's) with their task counts, a
//! task's status, baselines written until they are fixed, and the period
//! counts read from complaints, inspections and scalper actions. Its dates
//! lie in 2016, before every other part's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::campaign::*;
use crate::complaint::Complaint;
use crate::inspection::{Inspection, NewInspection};
use crate::scalper::{Scalper, ScalperActionRecord};
use crate::{Store, StoreError};
use domain::campaign::{Metric, TaskStatus};
use domain::complaint::{ComplaintCategory, ComplaintChannel, ComplaintStatus};
use domain::inspection::{InspectionKind, InspectionStatus};
use domain::scalper::ScalperAction;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    campaigns(store).await;
    period_counts(store).await;
}

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_450_000_000 + second).unwrap()
}

fn task(title: &str, owner: &str, due: Date, second: i64) -> CampaignTask {
    CampaignTask {
        id: Uuid::now_v7(),
        title: title.into(),
        owner: owner.into(),
        due,
        status: TaskStatus::NotStarted,
        updated_by: "leader".into(),
        updated_at: at(second),
    }
}

fn campaign(name: &str, from: Date, to: Date, tasks: Vec<CampaignTask>, second: i64) -> Campaign {
    Campaign {
        id: Uuid::now_v7(),
        name: name.into(),
        from,
        to,
        baseline_fixed: false,
        created_by: "leader".into(),
        created_at: at(second),
        phases: vec![
            CampaignPhase {
                name: "动员部署".into(),
                from,
                to: from.tomorrow().unwrap(),
            },
            CampaignPhase {
                name: "集中整改".into(),
                from: from.tomorrow().unwrap().tomorrow().unwrap(),
                to,
            },
        ],
        tasks,
        kpis: vec![
            CampaignKpi {
                metric: Metric::SatisfactionRate,
                target: 0.99,
                baseline: Some(0.9712),
            },
            CampaignKpi {
                metric: Metric::AvgWaitMinutes,
                target: 10.0,
                baseline: None,
            },
        ],
    }
}

async fn campaigns(store: &dyn Store) {
    let (from, to) = (date(2016, 3, 1), date(2016, 6, 8));
    let a = campaign(
        "百日大提升",
        from,
        to,
        vec![
            task("每窗口每周一次晨会", "staff", date(2016, 3, 31), 1),
            task("整理一次性告知单", "liaison", date(2016, 4, 30), 2),
            task("复盘差评", "staff", date(2016, 6, 8), 3),
        ],
        1,
    );
    store.create_campaign(&a).await.unwrap();
    assert_eq!(
        store.campaign(a.id).await.unwrap(),
        a,
        "read back whole, in order"
    );
    let b = campaign("窗口规范月", date(2016, 7, 1), date(2016, 7, 31), vec![], 5);
    store.create_campaign(&b).await.unwrap();
    assert!(matches!(
        store.campaign(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));

    // The whole list: newest start first, with the counts of every task.
    let today = date(2016, 4, 15);
    let all = store.campaigns(None, today, 100).await.unwrap();
    let ours: Vec<&CampaignSummary> = all.iter().filter(|c| c.id == a.id || c.id == b.id).collect();
    assert_eq!(ours.len(), 2);
    assert_eq!(ours[0].id, b.id);
    assert_eq!((ours[0].tasks, ours[0].done, ours[0].late), (0, 0, 0));
    assert_eq!(ours[1].name, "百日大提升");
    assert_eq!(
        (ours[1].tasks, ours[1].done, ours[1].late),
        (3, 0, 1),
        "the March task is late"
    );

    // A task's status, by its campaign.
    let t = store
        .set_campaign_task_status(a.id, a.tasks[0].id, TaskStatus::Done, "staff", at(10))
        .await
        .unwrap();
    assert_eq!(t.status, TaskStatus::Done);
    assert_eq!((t.updated_by.as_str(), t.updated_at), ("staff", at(10)));
    assert!(matches!(
        store
            .set_campaign_task_status(b.id, a.tasks[1].id, TaskStatus::Done, "staff", at(11))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let again = store.campaign(a.id).await.unwrap();
    assert_eq!(again.tasks[0], t);
    assert_eq!(again.tasks[1].status, TaskStatus::NotStarted);

    // One owner's list: only the campaigns where they own a task, their tasks counted.
    let mine = store.campaigns(Some("staff"), today, 100).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].id, mine[0].tasks, mine[0].done, mine[0].late),
        (a.id, 2, 1, 0)
    );
    let theirs = store
        .campaigns(Some("liaison"), date(2016, 5, 1), 100)
        .await
        .unwrap();
    assert_eq!((theirs[0].tasks, theirs[0].done, theirs[0].late), (1, 0, 1));
    assert!(
        store
            .campaigns(Some("nobody"), today, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // Baselines are written until they are fixed, then never again.
    let wrote = store
        .set_campaign_baselines(
            a.id,
            &[
                (Metric::SatisfactionRate, Some(0.95)),
                (Metric::AvgWaitMinutes, Some(12.5)),
            ],
            false,
        )
        .await
        .unwrap();
    assert!(wrote);
    let read = store.campaign(a.id).await.unwrap();
    assert!(!read.baseline_fixed);
    assert_eq!(read.kpis[0].baseline, Some(0.95));
    assert_eq!(read.kpis[1].baseline, Some(12.5));
    assert!(
        store
            .set_campaign_baselines(a.id, &[(Metric::AvgWaitMinutes, None)], true)
            .await
            .unwrap()
    );
    let read = store.campaign(a.id).await.unwrap();
    assert!(read.baseline_fixed);
    assert_eq!(read.kpis[1].baseline, None);
    assert_eq!(read.kpis[0].baseline, Some(0.95), "untouched");
    assert!(
        !store
            .set_campaign_baselines(a.id, &[(Metric::SatisfactionRate, Some(0.5))], true)
            .await
            .unwrap(),
        "fixed: nothing written"
    );
    assert_eq!(store.campaign(a.id).await.unwrap().kpis[0].baseline, Some(0.95));
    // A metric the campaign does not measure is not there.
    assert!(matches!(
        store
            .set_campaign_baselines(b.id, &[(Metric::Complaints, Some(1.0))], false)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

fn complaint(code: &str, on: Date) -> Complaint {
    Complaint {
        id: Uuid::now_v7(),
        number: String::new(),
        query_code: code.into(),
        channel: ComplaintChannel::Online,
        category: ComplaintCategory::Attitude,
        content: "等候时间太长".into(),
        about_window: "1".into(),
        about_staff: String::new(),
        about_department: String::new(),
        about_item: String::new(),
        department: String::new(),
        anonymous: true,
        name_sealed: None,
        phone_sealed: None,
        status: ComplaintStatus::Received,
        received_at: at(100),
        received_on: on,
        accept_due: on.tomorrow().unwrap(),
        answer_due: on.tomorrow().unwrap(),
        recorded_by: "public".into(),
        substantiated: None,
        finding: String::new(),
        answer: String::new(),
        complainant_accepted: None,
        reopened: false,
        escalated: false,
        escalation: String::new(),
        updated_at: at(100),
    }
}

fn inspection(day: Date, deduction: f64, status: InspectionStatus) -> NewInspection {
    NewInspection {
        inspection: Inspection {
            id: Uuid::now_v7(),
            kind: InspectionKind::Routine,
            at: at(200),
            day,
            inspector: "supervisor".into(),
            window: "1".into(),
            department: String::new(),
            staff: vec!["staff".into()],
            note: String::new(),
            deduction,
            status,
            response: String::new(),
            responded_by: None,
            responded_at: None,
            decision: String::new(),
            decided_by: None,
            decided_at: None,
            plan_visit_id: None,
            photo_count: 0,
            results: Vec::new(),
        },
        photos: Vec::new(),
    }
}

async fn period_counts(store: &dyn Store) {
    let (from, to) = (date(2016, 9, 1), date(2016, 9, 30));
    assert_eq!(
        store.period_counts(from, to).await.unwrap(),
        PeriodCounts::default()
    );
    for (code, day) in [
        ("CAMP0001", date(2016, 8, 31)),
        ("CAMP0002", date(2016, 9, 1)),
        ("CAMP0003", date(2016, 9, 30)),
        ("CAMP0004", date(2016, 10, 1)),
    ] {
        store.add_complaint(&complaint(code, day), "TS").await.unwrap();
    }
    for (day, deduction, status) in [
        (date(2016, 9, 2), 2.5, InspectionStatus::Pending),
        (date(2016, 9, 3), 1.0, InspectionStatus::Pending),
        (date(2016, 9, 4), 3.0, InspectionStatus::Upheld),
        (date(2016, 10, 4), 9.0, InspectionStatus::Pending),
    ] {
        store
            .create_inspection(&inspection(day, deduction, status))
            .await
            .unwrap();
    }
    let s = Scalper {
        id: Uuid::now_v7(),
        description: "穿灰色夹克的中年男子".into(),
        phone_key: None,
        phone_masked: None,
        id_key: None,
        id_masked: None,
        photo_id: None,
        registered_by: "supervisor".into(),
        registered_at: at(300),
    };
    store.add_scalper(&s, None).await.unwrap();
    for day in [date(2016, 9, 10), date(2016, 9, 11), date(2016, 11, 1)] {
        store
            .add_scalper_action(&ScalperActionRecord {
                id: Uuid::now_v7(),
                scalper_id: s.id,
                action: ScalperAction::Warn,
                date: day,
                note: String::new(),
                evidence: String::new(),
                recorded_by: "supervisor".into(),
                recorded_at: at(301),
            })
            .await
            .unwrap();
    }
    let c = store.period_counts(from, to).await.unwrap();
    assert_eq!(c.complaints, 2, "both ends inclusive, by the date of receipt");
    assert_eq!(c.scalper_actions, 2);
    let mut d = c.deductions.clone();
    d.sort_by_key(|(s, _)| s.code());
    assert_eq!(
        d,
        vec![(InspectionStatus::Pending, 3.5), (InspectionStatus::Upheld, 3.0)],
        "per status, by the business date"
    );
}
