//! The 服务台账 part of the conformance suite: work lists, overdue cases, the
//! ledger's filters (with what one person may see) and paging, and the figures
//! per department and item. Its cases are accepted in June 2024, in
//! departments LEDGER-A and LEDGER-B at windows L1 and L2, which no other
//! part touches (the overdue list, which reads every department, sees no case
//! of another part: theirs fall due later).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::Store;
use crate::case::CaseRecord;
use crate::case_ledger::*;
use crate::conformance_case::case;
use domain::case::CaseStatus as S;
use jiff::civil::{Date, date};

const A: &str = "LEDGER-A";
const B: &str = "LEDGER-B";

fn june(day: i8) -> Date {
    date(2024, 6, day)
}

pub async fn run_all(store: &dyn Store) {
    let cases = fill(store).await;
    work_lists(store).await;
    overdue(store).await;
    filters(store).await;
    visible(store).await;
    figures(store).await;
    assert_eq!(
        store
            .ledger_rows(&LedgerFilter {
                from: Some(june(1)),
                to: Some(june(30)),
                limit: 100,
                ..LedgerFilter::default()
            })
            .await
            .unwrap()
            .rows,
        expected(
            &cases,
            &["L-006", "L-005", "L-004", "L-003", "L-002", "L-008", "L-001"]
        ),
        "a row carries what the case says"
    );
}

/// Eight cases; L-007 waits for materials (not accepted), L-008 is a sub-case of L-001.
async fn fill(store: &dyn Store) -> Vec<CaseRecord> {
    #[rustfmt::skip]
    let plan = [
        // number, department, window, staff, item, status, accepted, deadline, completed
        ("L-001", A, "L1", "li", "I-1", S::Accepted, Some(2), 10, None),
        ("L-002", A, "L2", "zhao", "I-2", S::UnderReview, Some(3), 5, None),
        ("L-003", A, "L1", "li", "I-1", S::Paused, Some(4), 6, None),
        ("L-004", B, "L2", "zhao", "I-2", S::Completed, Some(5), 12, Some(9)),
        ("L-005", B, "L1", "li", "I-1", S::Delivered, Some(6), 8, Some(10)),
        ("L-006", B, "L2", "qian", "I-1", S::Decided, Some(7), 9, None),
        ("L-007", A, "L1", "li", "I-1", S::Supplement, None, 20, None),
        ("L-008", A, "L1", "zhou", "I-2", S::Accepted, Some(2), 10, None),
    ];
    let mut cases = Vec::new();
    for (number, department, window, staff, item, status, accepted, deadline, completed) in plan {
        let mut c = case(department, june(accepted.unwrap_or(8)));
        c.number = number.into();
        c.window = window.into();
        c.staff = staff.into();
        c.item_code = item.into();
        c.item_name = format!("事项{item}");
        c.status = status;
        c.accepted_on = accepted.map(june);
        c.deadline = Some(june(deadline));
        c.completed_on = completed.map(june);
        c.deadline_provisional = number == "L-006";
        c.deadline_before = (number == "L-006").then(|| june(10));
        c.paused_days = if status == S::Paused { 3 } else { 0 };
        if number == "L-008" {
            c.parent_id = cases.first().map(|p: &CaseRecord| p.id);
        }
        cases.push(c);
    }
    assert_eq!(store.import_cases(&cases).await.unwrap(), 8);
    cases
}

/// The ledger rows of `numbers`, in that order, as the cases say.
fn expected(cases: &[CaseRecord], numbers: &[&str]) -> Vec<LedgerRow> {
    numbers
        .iter()
        .map(|n| {
            let c = cases.iter().find(|c| c.number == *n).unwrap();
            LedgerRow {
                id: c.id,
                number: c.number.clone(),
                item_code: c.item_code.clone(),
                item_name: c.item_name.clone(),
                department: c.department.clone(),
                window: c.window.clone(),
                staff: c.staff.clone(),
                applicant_name: c.applicant_name.clone(),
                status: c.status,
                received_on: c.received_on,
                accepted_on: c.accepted_on,
                deadline: c.deadline,
                completed_on: c.completed_on,
                paused_days: c.paused_days,
                imported: c.imported,
                deadline_provisional: c.deadline_provisional,
                deadline_before: c.deadline_before,
            }
        })
        .collect()
}

fn numbers(page: &LedgerPage) -> Vec<&str> {
    page.rows.iter().map(|r| r.number.as_str()).collect()
}

async fn work_lists(store: &dyn Store) {
    // Open cases (accepted, under review, paused, decided), earliest deadline first.
    let of_a = WorkListOf::Department(A.into());
    let page = store.work_list(&of_a, 50, 0).await.unwrap();
    assert_eq!(
        (numbers(&page), page.total),
        (vec!["L-002", "L-003", "L-001", "L-008"], 4)
    );
    let page = store.work_list(&of_a, 2, 1).await.unwrap();
    assert_eq!((numbers(&page), page.total), (vec!["L-003", "L-001"], 4));
    let page = store
        .work_list(&WorkListOf::Window("L2".into()), 50, 0)
        .await
        .unwrap();
    assert_eq!((numbers(&page), page.total), (vec!["L-002", "L-006"], 2));
    let page = store
        .work_list(&WorkListOf::Department("nobody".into()), 50, 0)
        .await
        .unwrap();
    assert_eq!((page.rows.len(), page.total), (0, 0));
}

async fn overdue(store: &dyn Store) {
    // Open, not paused, due before today.
    let page = store.overdue_cases(None, june(20), 50, 0).await.unwrap();
    assert_eq!(
        (numbers(&page), page.total),
        (vec!["L-002", "L-006", "L-001", "L-008"], 4)
    );
    let page = store.overdue_cases(Some(B), june(20), 50, 0).await.unwrap();
    assert_eq!((numbers(&page), page.total), (vec!["L-006"], 1));
    let page = store.overdue_cases(Some(A), june(20), 1, 1).await.unwrap();
    assert_eq!((numbers(&page), page.total), (vec!["L-001"], 3));
    // Due on the day itself is not yet overdue.
    let page = store.overdue_cases(Some(A), june(5), 50, 0).await.unwrap();
    assert_eq!(page.total, 0);
}

fn month() -> LedgerFilter {
    LedgerFilter {
        from: Some(june(1)),
        to: Some(june(30)),
        limit: 50,
        ..LedgerFilter::default()
    }
}

async fn filters(store: &dyn Store) {
    let rows = |f: LedgerFilter| async move {
        let page = store.ledger_rows(&f).await.unwrap();
        (
            page.rows.iter().map(|r| r.number.clone()).collect::<Vec<_>>(),
            page.total,
        )
    };
    // Newest acceptance first; L-007 was never accepted.
    assert_eq!(
        rows(month()).await,
        (
            vec!["L-006", "L-005", "L-004", "L-003", "L-002", "L-008", "L-001"]
                .into_iter()
                .map(String::from)
                .collect(),
            7
        )
    );
    let check = |f: LedgerFilter, want: &'static [&'static str], total: i64| async move {
        let (got, n) = rows(f).await;
        assert_eq!(
            (got.iter().map(String::as_str).collect::<Vec<_>>(), n),
            (want.to_vec(), total)
        );
    };
    check(
        LedgerFilter {
            from: Some(june(4)),
            to: Some(june(6)),
            ..month()
        },
        &["L-005", "L-004", "L-003"],
        3,
    )
    .await;
    check(
        LedgerFilter {
            department: Some(B.into()),
            ..month()
        },
        &["L-006", "L-005", "L-004"],
        3,
    )
    .await;
    check(
        LedgerFilter {
            window: Some("L1".into()),
            ..month()
        },
        &["L-005", "L-003", "L-008", "L-001"],
        4,
    )
    .await;
    check(
        LedgerFilter {
            item: Some("I-2".into()),
            ..month()
        },
        &["L-004", "L-002", "L-008"],
        3,
    )
    .await;
    check(
        LedgerFilter {
            status: Some(S::Paused),
            ..month()
        },
        &["L-003"],
        1,
    )
    .await;
    // Filters add up.
    check(
        LedgerFilter {
            department: Some(A.into()),
            window: Some("L1".into()),
            item: Some("I-1".into()),
            ..month()
        },
        &["L-003", "L-001"],
        2,
    )
    .await;
    // A case never accepted is found by its status alone.
    check(
        LedgerFilter {
            status: Some(S::Supplement),
            department: Some(A.into()),
            limit: 50,
            ..LedgerFilter::default()
        },
        &["L-007"],
        1,
    )
    .await;
    // Pages keep the total of the whole filter.
    check(
        LedgerFilter {
            limit: 2,
            offset: 2,
            ..month()
        },
        &["L-004", "L-003"],
        7,
    )
    .await;
}

async fn visible(store: &dyn Store) {
    let seen = |v: Visible| async move {
        let page = store
            .ledger_rows(&LedgerFilter {
                visible: Some(v),
                ..month()
            })
            .await
            .unwrap();
        (
            page.rows.iter().map(|r| r.number.clone()).collect::<Vec<_>>(),
            page.total,
        )
    };
    let want = |numbers: &[&str]| {
        (
            numbers.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
            numbers.len() as i64,
        )
    };
    assert_eq!(
        seen(Visible {
            departments: vec![A.into()],
            ..Visible::default()
        })
        .await,
        want(&["L-003", "L-002", "L-008", "L-001"])
    );
    assert_eq!(
        seen(Visible {
            windows: vec!["L2".into()],
            ..Visible::default()
        })
        .await,
        want(&["L-006", "L-004", "L-002"])
    );
    assert_eq!(
        seen(Visible {
            staff: Some("li".into()),
            ..Visible::default()
        })
        .await,
        want(&["L-005", "L-003", "L-001"])
    );
    // Any of them lets a case through.
    assert_eq!(
        seen(Visible {
            departments: vec![B.into()],
            windows: vec!["nowhere".into()],
            staff: Some("li".into()),
        })
        .await,
        want(&["L-006", "L-005", "L-004", "L-003", "L-001"])
    );
    // Nothing to see: nothing shown.
    assert_eq!(seen(Visible::default()).await, want(&[]));
    // What one may see narrows the other filters, never widens them.
    let page = store
        .ledger_rows(&LedgerFilter {
            department: Some(A.into()),
            visible: Some(Visible {
                departments: vec![B.into()],
                ..Visible::default()
            }),
            ..month()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 0);
}

async fn figures(store: &dyn Store) {
    let figures = |by| store.ledger_figures(june(1), june(30), june(20), by);
    // Sub-cases are left out; a paused case is not overdue; days count from
    // acceptance to completion.
    assert_eq!(
        figures(LedgerGroup::Department).await.unwrap(),
        vec![
            GroupFigures {
                key: A.into(),
                name: A.into(),
                accepted: 3,
                completed: 0,
                on_time: 0,
                overdue: 2,
                days_total: 0,
            },
            GroupFigures {
                key: B.into(),
                name: B.into(),
                accepted: 3,
                completed: 2,
                on_time: 1,
                overdue: 1,
                days_total: 8,
            },
        ]
    );
    assert_eq!(
        figures(LedgerGroup::Item).await.unwrap(),
        vec![
            GroupFigures {
                key: "I-1".into(),
                name: "事项I-1".into(),
                accepted: 4,
                completed: 1,
                on_time: 0,
                overdue: 2,
                days_total: 4,
            },
            GroupFigures {
                key: "I-2".into(),
                name: "事项I-2".into(),
                accepted: 2,
                completed: 1,
                on_time: 1,
                overdue: 1,
                days_total: 4,
            },
        ]
    );
    assert!(
        store
            .ledger_figures(date(2024, 7, 1), date(2024, 7, 31), june(20), LedgerGroup::Item)
            .await
            .unwrap()
            .is_empty()
    );
}
