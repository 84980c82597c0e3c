//! Deadlines over HTTP, and a new year loaded while the server runs.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use serde_json::Value;

async fn deadlines(s: &TestServer) {
    // Around holidays, make-up days and year ends, checked against the domain calendar.
    let cal = domain::WorkCalendar::builtin();
    for (from, days) in [
        ("2026-09-30", 1u32),
        ("2026-11-20", 1),
        ("2025-12-31", 20),
        ("2024-02-08", 5),
        ("2026-11-23", 0),
    ] {
        let want = cal.deadline(from.parse().unwrap(), days).unwrap().to_string();
        let (status, body) = s
            .get_json(&format!("/api/calendar/deadline?from={from}&days={days}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["deadline"], want);
        assert_eq!(body["provisional"], false);
    }
    // Past the published years: provisional up to two years past the current one.
    let year = s.app.today().year();
    let (status, body) = s
        .get_json(&format!("/api/calendar/deadline?from={}-12-20&days=20", year + 2))
        .await;
    assert!((400..500).contains(&status));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&(year + 3).to_string()),
        "{body}"
    );
    for bad in [
        "from=2026-02-30&days=1",
        "from=2026-01-01&days=-1",
        "from=2026-01-01&days=x",
        "from=2026-01-01",
        "days=1",
    ] {
        let (status, body) = s.get_json(&format!("/api/calendar/deadline?{bad}")).await;
        assert!((400..500).contains(&status), "{bad}: {status}");
        assert!(body["error"]["message"].is_string());
    }
    let (status, days) = s
        .get_json("/api/calendar/days?from=2026-10-01&to=2026-10-11")
        .await;
    assert_eq!(status, 200);
    let flags: Vec<bool> = days["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["workday"].as_bool().unwrap())
        .collect();
    assert_eq!(flags.len(), 11);
    assert!(!flags[0]);
}
on_both_backends!(deadlines);

async fn new_year_without_restart(s: &TestServer) {
    let admin = s.login("admin").await;
    let mut tsv = String::new();
    for (d, w) in domain::calendar::weekend_template(2027) {
        tsv.push_str(&format!("{d}\t{}\n", u8::from(w)));
    }
    // A partial year is refused and changes nothing.
    let partial: String = tsv.lines().take(100).map(|l| format!("{l}\n")).collect();
    let resp = s.upload("/api/calendar/import", &admin, partial).await;
    assert_eq!(resp.status, 422);
    let body: Value = resp.json();
    assert!(body["error"]["message"].as_str().unwrap().contains("2027"));
    let (status, body) = s.get_json("/api/calendar/deadline?from=2026-12-30&days=5").await;
    assert_eq!(
        (status, &body["provisional"]),
        (200, &serde_json::json!(true)),
        "{body}"
    );

    let resp = s.upload("/api/calendar/import", &admin, tsv.clone()).await;
    assert_eq!(resp.status, 201);
    let (status, body) = s.get_json("/api/calendar/deadline?from=2026-12-30&days=5").await;
    assert_eq!(status, 200);
    // 12-31 (Thu), then 2027-01-01 (Fri), 01-04, 01-05, 01-06.
    assert_eq!(body["deadline"], "2027-01-06");
    assert_eq!(body["provisional"], false, "2027 is official now");

    // A change written straight to the database (as the CLI does) is seen too.
    let mut fixed = domain::calendar::weekend_template(2027);
    fixed[0].1 = false; // New Year's Day off
    s.app
        .store
        .import_calendar_days(&fixed, "cli", jiff::Timestamp::now())
        .await
        .unwrap();
    let (_, body) = s.get_json("/api/calendar/deadline?from=2026-12-30&days=5").await;
    assert_eq!(body["deadline"], "2027-01-07");

    let staff = s.login("staff").await;
    let resp = s.upload("/api/calendar/import", &staff, tsv).await;
    assert_eq!(resp.status, 403);
}
on_both_backends!(new_year_without_restart);
