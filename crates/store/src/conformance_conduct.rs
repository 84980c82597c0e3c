//! The conduct part of the conformance suite: morning meetings, the deadline
//! watch and its cards (once per case and colour, explanation, one ruling),
//! and the floor duty log. Its cases lie in 2019, before every other part's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case::CaseEvent;
use crate::conduct::*;
use crate::conformance_case::{at, case};
use crate::{Store, StoreError};
use domain::card::{CardColor, CardRuling};
use domain::case::CaseStatus;
use domain::duty_log::{CheckResult, DutyEventKind, OpeningCheck};
use jiff::civil::{Date, date};
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    morning_meetings(store).await;
    cards(store).await;
    duty_logs(store).await;
}

fn meeting(day: Date, window: Option<&str>, department: Option<&str>, second: i64) -> MorningMeeting {
    MorningMeeting {
        id: Uuid::now_v7(),
        date: day,
        window: window.map(Into::into),
        department: department.map(Into::into),
        host: "supervisor".into(),
        attendees: vec!["staff".into(), "wang".into()],
        topics: "文明用语、一次性告知".into(),
        recorded_by: "supervisor".into(),
        recorded_at: at(second),
    }
}

async fn morning_meetings(store: &dyn Store) {
    let a = meeting(date(2019, 6, 3), Some("1"), None, 1);
    let b = meeting(date(2019, 6, 5), None, Some("SCJG"), 2);
    let c = meeting(date(2019, 6, 10), Some("1"), None, 3);
    for m in [&a, &b, &c] {
        store.add_morning_meeting(m).await.unwrap();
    }
    // Neither or both of window and department: refused by the table.
    let mut both = meeting(date(2019, 6, 4), Some("2"), Some("SCJG"), 4);
    assert!(store.add_morning_meeting(&both).await.is_err());
    both.window = None;
    both.department = None;
    assert!(store.add_morning_meeting(&both).await.is_err());

    let week = MeetingQuery {
        from: date(2019, 6, 3),
        to: date(2019, 6, 9),
        window: None,
        limit: 100,
    };
    let found = store.morning_meetings(&week).await.unwrap();
    assert_eq!(
        found,
        vec![b.clone(), a.clone()],
        "newest first, both ends inclusive"
    );
    let window_one = store
        .morning_meetings(&MeetingQuery {
            to: date(2019, 6, 30),
            window: Some("1".into()),
            ..week.clone()
        })
        .await
        .unwrap();
    assert_eq!(window_one, vec![c, a]);
    let limited = store
        .morning_meetings(&MeetingQuery { limit: 1, ..week })
        .await
        .unwrap();
    assert_eq!(limited, vec![b]);
}

fn card_of(c: &crate::case::CaseRecord, color: CardColor, day: Date, second: i64) -> DeadlineCard {
    DeadlineCard {
        id: Uuid::now_v7(),
        case_id: c.id,
        case_number: c.number.clone(),
        item_name: c.item_name.clone(),
        color,
        department: c.department.clone(),
        staff: c.staff.clone(),
        window: c.window.clone(),
        deadline: c.deadline.unwrap(),
        issued_at: at(second),
        issued_on: day,
        explanation: None,
        explained_by: None,
        explained_at: None,
        ruling: None,
        ruling_note: String::new(),
        ruled_by: None,
        ruled_at: None,
    }
}

async fn open_case(
    store: &dyn Store,
    department: &str,
    deadline: Date,
    status: CaseStatus,
) -> crate::case::CaseRecord {
    let mut c = case(department, date(2019, 5, 27));
    c.deadline = Some(deadline);
    c.status = status;
    let step = CaseEvent {
        at: at(0),
        actor: "wang".into(),
        action: "受理".into(),
        status,
        note: String::new(),
    };
    store
        .create_case(&c, "BJ20190527-", &step, &Default::default())
        .await
        .unwrap()
}

async fn cards(store: &dyn Store) {
    let market = "东海县市场监督管理局";
    let land = "东海县自然资源和规划局";
    let soon = open_case(store, market, date(2019, 6, 12), CaseStatus::Accepted).await;
    let late = open_case(store, market, date(2019, 6, 5), CaseStatus::UnderReview).await;
    let paused = open_case(store, land, date(2019, 6, 4), CaseStatus::Paused).await;
    let far = open_case(store, land, date(2019, 7, 30), CaseStatus::Accepted).await;
    let done = open_case(store, land, date(2019, 6, 3), CaseStatus::Completed).await;

    // Today 2019-06-10; amber before 06-13, red before 06-10.
    let today = date(2019, 6, 10);
    let ids = |w: &[WatchedCase]| w.iter().map(|c| c.id).collect::<Vec<_>>();
    let watched = store.cases_to_card(date(2019, 6, 13), today, 100).await.unwrap();
    assert_eq!(
        ids(&watched),
        [paused.id, late.id, soon.id],
        "oldest deadline first; closed and far cases left out"
    );
    assert!(watched[0].paused && !watched[1].paused);
    assert_eq!(watched[1].department, market);
    assert_eq!(watched[1].number, late.number);
    assert!(!ids(&watched).contains(&far.id) && !ids(&watched).contains(&done.id));
    assert_eq!(
        store
            .cases_to_card(date(2019, 6, 13), today, 1)
            .await
            .unwrap()
            .len(),
        1
    );

    // Once per case and colour.
    let yellow = card_of(&late, CardColor::Yellow, today, 10);
    assert!(store.issue_card(&yellow).await.unwrap());
    assert!(
        !store
            .issue_card(&card_of(&late, CardColor::Yellow, today, 11))
            .await
            .unwrap()
    );
    // The late case still wants its red card; the paused one never does.
    let watched = store.cases_to_card(date(2019, 6, 13), today, 100).await.unwrap();
    assert_eq!(ids(&watched), [paused.id, late.id, soon.id]);
    let red = card_of(&late, CardColor::Red, today, 12);
    assert!(store.issue_card(&red).await.unwrap());
    assert!(
        store
            .issue_card(&card_of(&paused, CardColor::Yellow, today, 13))
            .await
            .unwrap()
    );
    let watched = store.cases_to_card(date(2019, 6, 13), today, 100).await.unwrap();
    assert_eq!(
        ids(&watched),
        [soon.id],
        "a paused case with its yellow card is left alone"
    );
    let soon_yellow = card_of(&soon, CardColor::Yellow, date(2019, 7, 1), 14);
    assert!(store.issue_card(&soon_yellow).await.unwrap());
    assert!(
        store
            .cases_to_card(date(2019, 6, 13), today, 100)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(store.card(red.id).await.unwrap(), red);
    assert!(matches!(
        store.card(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));

    let june = CardQuery {
        from: date(2019, 6, 1),
        to: date(2019, 6, 30),
        department: None,
        color: None,
        limit: 100,
    };
    let listed = store.cards(&june).await.unwrap();
    assert_eq!(
        listed.iter().map(|c| c.id).collect::<Vec<_>>(),
        [store.cards(&june).await.unwrap()[0].id, red.id, yellow.id],
        "newest first; July's card is another month"
    );
    assert_eq!(listed[0].case_id, paused.id);
    let reds = store
        .cards(&CardQuery {
            color: Some(CardColor::Red),
            ..june.clone()
        })
        .await
        .unwrap();
    assert_eq!(reds, vec![red.clone()]);
    let of_land = store
        .cards(&CardQuery {
            department: Some(land.into()),
            ..june.clone()
        })
        .await
        .unwrap();
    assert_eq!(of_land.len(), 1);
    assert_eq!(of_land[0].case_id, paused.id);

    // The department explains (and may correct it) until the ruling, which is once.
    let explained = store
        .explain_card(red.id, "材料需补正，申请人未及时提交", "liaison", at(20))
        .await
        .unwrap();
    assert_eq!(
        explained.explanation.as_deref(),
        Some("材料需补正，申请人未及时提交")
    );
    assert_eq!(explained.explained_by.as_deref(), Some("liaison"));
    let ruled = store
        .rule_card(red.id, CardRuling::Fault, "未依法中止", "supervisor", at(21))
        .await
        .unwrap();
    assert_eq!(ruled.ruling, Some(CardRuling::Fault));
    assert_eq!(ruled.ruled_at, Some(at(21)));
    assert_eq!(ruled.explanation, explained.explanation);
    for again in [
        store
            .rule_card(red.id, CardRuling::LawfulPause, "", "supervisor", at(22))
            .await,
        store.explain_card(red.id, "补充说明", "liaison", at(22)).await,
    ] {
        assert!(
            matches!(again, Err(StoreError::Conflict { ref what }) if what == "card_ruled"),
            "{again:?}"
        );
    }
    assert!(matches!(
        store
            .rule_card(Uuid::now_v7(), CardRuling::Fault, "", "supervisor", at(22))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.explain_card(Uuid::now_v7(), "x", "liaison", at(22)).await,
        Err(StoreError::NotFound(_))
    ));

    let mut counts = store.card_counts(&june).await.unwrap();
    // The order of names is the database's collation; compare sorted.
    counts.sort_by(|a, b| a.department.cmp(&b.department));
    let mut expected = vec![
        CardCounts {
            department: market.into(),
            yellow: 1,
            red: 1,
            red_faulted: 1,
            unexplained: 1,
            unruled: 1,
        },
        CardCounts {
            department: land.into(),
            yellow: 1,
            red: 0,
            red_faulted: 0,
            unexplained: 1,
            unruled: 1,
        },
    ];
    expected.sort_by(|a, b| a.department.cmp(&b.department));
    assert_eq!(counts, expected);
    let only_market = store
        .card_counts(&CardQuery {
            department: Some(market.into()),
            color: Some(CardColor::Yellow),
            ..june
        })
        .await
        .unwrap();
    assert_eq!(only_market.len(), 1);
    assert_eq!(only_market[0].red, 1, "counts ignore the colour filter");
}

fn checks() -> Vec<CheckResult> {
    OpeningCheck::ALL
        .iter()
        .map(|c| CheckResult {
            item: c.code().into(),
            ok: *c != OpeningCheck::Display,
            note: if *c == OpeningCheck::Display {
                "左侧屏幕不亮".into()
            } else {
                String::new()
            },
        })
        .collect()
}

async fn duty_logs(store: &dyn Store) {
    let day = date(2019, 6, 10);
    let log = DutyLog {
        id: Uuid::now_v7(),
        floor: "一楼".into(),
        date: day,
        captain: "supervisor".into(),
        checks: checks(),
        opened_by: "supervisor".into(),
        opened_at: at(100),
        handover: None,
        handed_over_by: None,
        handed_over_at: None,
    };
    store.open_duty_log(&log).await.unwrap();
    let second = DutyLog {
        id: Uuid::now_v7(),
        ..log.clone()
    };
    assert!(matches!(
        store.open_duty_log(&second).await,
        Err(StoreError::Conflict { ref what }) if what == "duty_log_exists"
    ));
    let upstairs = DutyLog {
        id: Uuid::now_v7(),
        floor: "二楼".into(),
        captain: "leader".into(),
        ..log.clone()
    };
    store.open_duty_log(&upstairs).await.unwrap();
    assert_eq!(store.duty_log(log.id).await.unwrap(), log);
    assert_eq!(
        store.duty_logs(day, None).await.unwrap(),
        vec![log.clone(), upstairs.clone()]
    );
    assert_eq!(store.duty_logs(day, Some("二楼")).await.unwrap(), vec![upstairs]);
    assert!(store.duty_logs(date(2019, 6, 11), None).await.unwrap().is_empty());

    let crowd = store
        .add_duty_event(
            log.id,
            DutyEventKind::Crowding,
            at(200),
            "社保窗口排队超过30人",
            "开临时窗口7号",
            "supervisor",
        )
        .await
        .unwrap();
    let scalper = store
        .add_duty_event(
            log.id,
            DutyEventKind::ScalperSeen,
            at(150),
            "门口有人兜售号票",
            "劝离并登记",
            "supervisor",
        )
        .await
        .unwrap();
    assert_eq!(crowd.kind, DutyEventKind::Crowding);
    assert_eq!(
        store.duty_events(log.id).await.unwrap(),
        vec![scalper, crowd],
        "in time order"
    );
    assert!(matches!(
        store
            .add_duty_event(Uuid::now_v7(), DutyEventKind::Other, at(1), "x", "y", "z")
            .await,
        Err(StoreError::NotFound(_))
    ));
    let closed = store
        .hand_over_duty_log(log.id, "显示屏已报修，明早复查", "supervisor", at(300))
        .await
        .unwrap();
    assert_eq!(closed.handover.as_deref(), Some("显示屏已报修，明早复查"));
    assert_eq!(closed.handed_over_at, Some(at(300)));
    for refused in [
        store
            .add_duty_event(log.id, DutyEventKind::Dispute, at(301), "x", "y", "supervisor")
            .await
            .map(|_| ()),
        store
            .hand_over_duty_log(log.id, "again", "supervisor", at(302))
            .await
            .map(|_| ()),
    ] {
        assert!(
            matches!(refused, Err(StoreError::Conflict { ref what }) if what == "duty_log_closed"),
            "{refused:?}"
        );
    }
    assert!(matches!(
        store.hand_over_duty_log(Uuid::now_v7(), "x", "s", at(1)).await,
        Err(StoreError::NotFound(_))
    ));
}
