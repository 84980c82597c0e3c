//! 窗口排班测算 over HTTP (issue 18 part 4), on both backends: the public
//! Erlang C calculator's figures for published examples and its 422s; the
//! plan of a Tuesday from the tickets of earlier Tuesdays taken, called and
//! finished through the API with the test clock moved on, plus an
//! appointment booked for the day; a holiday; what-if; the review of a past
//! day; who may ask.

use crate::on_both_backends_clocked;
use crate::support::{TestServer, code, field};
use app::TestClock;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// Tuesday 17 November 2026, 09:05 in Shanghai.
const START: &str = "2026-11-17T01:05:00Z";

fn close(v: &Value, want: f64, eps: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() <= eps)
}

async fn erlang(s: &TestServer, query: &str) -> (u16, Value) {
    s.get(&format!("/api/staffing/erlang?{query}"), "").await
}

/// The calculator is public and gives the published figures: Call Centre
/// Helper's 100 calls per half hour at 3 min for 80 % in 20 s → 14 agents
/// (88.8 %, 7.8 s mean wait); Westbay's 360 calls per half hour at 4 min for
/// 15 s → 55 agents at 84.6 %, 8.2 s.
async fn erlang_calculator(s: &TestServer, _clock: &TestClock) {
    let (st, v) = erlang(
        s,
        "arrivals_per_hour=200&service_minutes=3&target_wait_minutes=0.3333333333&service_level=0.8",
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["windows"], 14);
    assert!(close(&v["service_level"], 0.888, 0.001), "{v}");
    assert!(close(&v["avg_wait_minutes"], 7.836 / 60.0, 0.001), "{v}");
    let (st, v) = erlang(
        s,
        "arrivals_per_hour=720&service_minutes=4&target_wait_minutes=0.25&service_level=0.8",
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(v["windows"], 55);
    assert!(close(&v["service_level"], 0.8459, 0.0001), "{v}");
    assert!(close(&v["avg_wait_minutes"], 8.184 / 60.0, 0.001), "{v}");
    // A hall's half-hour: 24 an hour, 8 minutes each, 80 % within 10 minutes.
    let (_, v) = erlang(
        s,
        "arrivals_per_hour=24&service_minutes=8&target_wait_minutes=10&service_level=0.8",
    )
    .await;
    assert_eq!(v["windows"], 5);
    assert!(close(&v["service_level"], 0.9696, 0.0001), "{v}");
    // Nobody comes: one window (N > A = 0), no wait.
    let (_, v) = erlang(
        s,
        "arrivals_per_hour=0&service_minutes=8&target_wait_minutes=10&service_level=0.8",
    )
    .await;
    assert_eq!(
        (v["windows"].as_u64(), v["avg_wait_minutes"].as_f64()),
        (Some(1), Some(0.0))
    );

    for (query, wanted) in [
        (
            "service_minutes=3&target_wait_minutes=1&service_level=0.8",
            "arrivals_per_hour",
        ),
        (
            "arrivals_per_hour=-1&service_minutes=3&target_wait_minutes=1&service_level=0.8",
            "arrivals_per_hour",
        ),
        (
            "arrivals_per_hour=abc&service_minutes=3&target_wait_minutes=1&service_level=0.8",
            "arrivals_per_hour",
        ),
        (
            "arrivals_per_hour=1e12&service_minutes=3&target_wait_minutes=1&service_level=0.8",
            "arrivals_per_hour",
        ),
        (
            "arrivals_per_hour=10&service_minutes=0&target_wait_minutes=1&service_level=0.8",
            "service_minutes",
        ),
        (
            "arrivals_per_hour=10&service_minutes=3&target_wait_minutes=-2&service_level=0.8",
            "target_wait_minutes",
        ),
        (
            "arrivals_per_hour=10&service_minutes=3&target_wait_minutes=1&service_level=1",
            "service_level",
        ),
        (
            "arrivals_per_hour=10&service_minutes=3&target_wait_minutes=1&service_level=0",
            "service_level",
        ),
        (
            "arrivals_per_hour=10&service_minutes=3&target_wait_minutes=1",
            "service_level",
        ),
        (
            "arrivals_per_hour=NaN&service_minutes=3&target_wait_minutes=1&service_level=0.5",
            "arrivals_per_hour",
        ),
    ] {
        let (st, v) = erlang(s, query).await;
        assert_eq!(st, 422, "{query}: {v}");
        assert_eq!(field(&v), Some(wanted), "{query}: {v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}
on_both_backends_clocked!(erlang_calculator, START);

/// Takes `n` tickets of `category` now, then calls and finishes each at
/// `window`: called one minute later, finished `minutes` after the call.
async fn serve(
    s: &TestServer,
    clock: &TestClock,
    staff: &str,
    window: &str,
    category: &str,
    n: usize,
    minutes: i64,
) {
    let mut ids = Vec::new();
    for _ in 0..n {
        let (st, t) = s.post("/api/tickets", "", json!({"category": category})).await;
        assert_eq!(st, 201, "{t}");
        ids.push(t["id"].as_str().unwrap().to_owned());
    }
    for id in ids {
        clock.advance(SignedDuration::from_mins(1));
        let (st, called) = s
            .call("POST", staff, &format!("/api/windows/{window}/call"), None)
            .await;
        assert_eq!(st, 200, "{called}");
        assert_eq!(called["ticket"]["id"].as_str(), Some(id.as_str()));
        clock.advance(SignedDuration::from_mins(minutes));
        let (st, v) = s
            .call("POST", staff, &format!("/api/tickets/{id}/finish"), None)
            .await;
        assert_eq!(st, 200, "{v}");
    }
}

fn at(local: &str) -> Timestamp {
    format!("{local}+08:00[Asia/Shanghai]")
        .parse::<jiff::Zoned>()
        .unwrap()
        .timestamp()
}

fn slot<'v>(plan: &'v Value, from: &str, category: &str) -> Option<&'v Value> {
    plan["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["from"] == from && s["category"] == category)
}

/// Two Tuesdays of history (4 and 2 people of 企业开办 at 09:05, one of 不动产登记
/// at 10:10 on the first, each served in 6 minutes) and a Wednesday that must
/// not count; an appointment booked for the planned Tuesday at 09:30.
async fn plan_from_history(s: &TestServer, clock: &TestClock) {
    let staff = s.login("staff").await;
    // Tuesday 17 November 2026.
    clock.set(at("2026-11-17T09:05:00"));
    serve(s, clock, &staff, "1", "A", 4, 6).await;
    clock.set(at("2026-11-17T10:10:00"));
    serve(s, clock, &staff, "2", "B", 1, 12).await;
    // Tuesday 24 November 2026.
    clock.set(at("2026-11-24T09:05:00"));
    serve(s, clock, &staff, "1", "A", 2, 6).await;
    // Wednesday 25 November: another weekday.
    clock.set(at("2026-11-25T09:05:00"));
    serve(s, clock, &staff, "1", "A", 5, 6).await;
    // Monday 30 November: book for Tuesday 1 December 09:30, then plan it.
    clock.set(at("2026-11-30T10:00:00"));
    let r = s
        .req("POST", "/api/appointments")
        .json(&json!({"category": "A", "date": "2026-12-01", "time": "09:30", "phone": "13900000001"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.json());

    let leader = s.login("leader").await;
    let (st, plan) = s
        .get(
            "/api/staffing/plan?date=2026-12-01&target_wait_minutes=10&service_level=0.8",
            &leader,
        )
        .await;
    assert_eq!(st, 200, "{plan}");
    assert_eq!(plan["working_day"], true);
    assert_eq!(plan["history_days"], json!(["2026-11-24", "2026-11-17"]));
    assert!(plan["basis"].as_str().unwrap().contains("周二同期"), "{plan}");
    // 企业开办 09:00–09:30: (4 + 2) / 2 = 3 people, 6 minutes each.
    let a = slot(&plan, "09:00", "A").unwrap_or_else(|| panic!("{plan}"));
    assert_eq!(a["to"], "09:30");
    assert_eq!(a["arrivals"], 3.0);
    assert_eq!(a["avg_service_minutes"], 6.0);
    // Erlang C for 6 an hour at 6 minutes (A = 0.6), 80 % within 10 minutes:
    // one window reaches 1 − 0.6·e^{−0.4·10/6} = 69 %, two windows 97 %.
    assert_eq!(a["erlang_windows"], 2);
    assert!(a["windows"].as_u64().unwrap() >= 2);
    assert!(
        a["simulated_service_level"]
            .as_f64()
            .is_some_and(|x| (0.0..=1.0).contains(&x))
    );
    let why = a["explanation"].as_str().unwrap();
    assert!(
        why.contains("平均每半小时 3 人") && why.contains("平均办理 6 分钟") && why.contains("仿真"),
        "{why}"
    );
    // The booking: one person at 09:30.
    let booked = slot(&plan, "09:30", "A").unwrap_or_else(|| panic!("{plan}"));
    assert_eq!(
        (booked["arrivals"].as_f64(), booked["booked"].as_u64()),
        (Some(1.0), Some(1))
    );
    // 不动产登记 10:00–10:30: 1 person over 2 days; served in 12 minutes.
    let b = slot(&plan, "10:00", "B").unwrap_or_else(|| panic!("{plan}"));
    assert_eq!(b["arrivals"], 0.5);
    assert_eq!(b["avg_service_minutes"], 12.0);
    // Nothing else was forecast; every slot carries the contract's fields.
    assert_eq!(plan["slots"].as_array().unwrap().len(), 3, "{plan}");
    for s in plan["slots"].as_array().unwrap() {
        for key in [
            "from",
            "to",
            "category",
            "arrivals",
            "windows",
            "simulated_service_level",
            "explanation",
        ] {
            assert!(!s[key].is_null(), "{key} in {s}");
        }
        assert_eq!(
            s["temporary_window"],
            s["windows"].as_u64() > s["hall_windows"].as_u64()
        );
    }
    // 社保医保 has no history: the default service time, said so.
    let c = plan["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "C")
        .unwrap();
    assert_eq!(
        (c["avg_service_minutes"].as_f64(), c["service_samples"].as_u64()),
        (Some(10.0), Some(0))
    );
    assert!(c["service_note"].as_str().unwrap().contains("没有办结记录"));
    assert_eq!(plan["categories"][0]["hall_windows"], 3);

    // A supervisor and the admin may read it; staff and liaison may not; nobody signed in: 401.
    for who in ["supervisor", "admin"] {
        let t = s.login(who).await;
        let (st, _) = s.get("/api/staffing/plan?date=2026-12-01", &t).await;
        assert_eq!(st, 200, "{who}");
    }
    for who in ["staff", "liaison"] {
        let t = s.login(who).await;
        for path in [
            "/api/staffing/plan?date=2026-12-01",
            "/api/staffing/whatif?date=2026-12-01",
            "/api/staffing/review?date=2026-11-24",
        ] {
            let (st, _) = s.get(path, &t).await;
            assert_eq!(st, 403, "{who} {path}");
        }
    }
    let (st, v) = s.get("/api/staffing/plan?date=2026-12-01", "").await;
    assert_eq!(st, 401, "{v}");

    // A holiday (National Day): 200, no slots, the reason.
    let (st, holiday) = s.get("/api/staffing/plan?date=2026-10-01", &leader).await;
    assert_eq!(st, 200, "{holiday}");
    assert_eq!(holiday["working_day"], false);
    assert_eq!(holiday["slots"], json!([]));
    assert!(
        holiday["reason"].as_str().unwrap().contains("不办公"),
        "{holiday}"
    );
    let (_, sunday) = s.get("/api/staffing/plan?date=2026-12-06", &leader).await;
    assert_eq!(
        (
            sunday["working_day"].as_bool(),
            sunday["slots"].as_array().map(Vec::len)
        ),
        (Some(false), Some(0))
    );

    // Bad parameters name their field.
    for (query, wanted) in [
        ("", "date"),
        ("date=2026-13-01", "date"),
        ("date=2026-12-01&service_level=1.5", "service_level"),
        ("date=2026-12-01&target_wait_minutes=x", "target_wait_minutes"),
    ] {
        let (st, v) = s.get(&format!("/api/staffing/plan?{query}"), &leader).await;
        assert_eq!(st, 422, "{query}: {v}");
        assert_eq!(field(&v), Some(wanted), "{query}: {v}");
    }

    // What-if: twice the people, 企业开办 held at one window all day.
    let (st, w) = s
        .get(
            "/api/staffing/whatif?date=2026-12-01&arrival_scale=2&windows=A:1",
            &leader,
        )
        .await;
    assert_eq!(st, 200, "{w}");
    assert_eq!(w["what_if"]["arrival_scale"], 2.0);
    let a = slot(&w, "09:00", "A").unwrap();
    assert_eq!(
        (a["arrivals"].as_f64(), a["windows"].as_u64()),
        (Some(6.0), Some(1))
    );
    assert!(a["explanation"].as_str().unwrap().contains("按设定开 1 个窗口"));
    for (query, wanted) in [
        ("date=2026-12-01&windows=Z:1", "windows"),
        ("date=2026-12-01&windows=A3", "windows"),
        ("date=2026-12-01&arrival_scale=-1", "arrival_scale"),
        ("date=2026-12-01&break_minutes=999", "break_minutes"),
    ] {
        let (st, v) = s.get(&format!("/api/staffing/whatif?{query}"), &leader).await;
        assert_eq!(st, 422, "{query}: {v}");
        assert_eq!(field(&v), Some(wanted), "{query}: {v}");
    }

    // After the day: 24 November planned from 17 November alone (4 people at
    // 09:00), and 2 came: error −2; called after 1 and 8 minutes.
    let (st, r) = s.get("/api/staffing/review?date=2026-11-24", &leader).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["actual_total"], 2);
    let row = r["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["from"] == "09:00" && x["category"] == "A")
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(
        (row["forecast_arrivals"].as_f64(), row["actual_arrivals"].as_u64()),
        (Some(4.0), Some(2))
    );
    assert_eq!(row["forecast_error"], -2.0);
    assert_eq!(row["actual_windows"], 1);
    assert!(close(&row["actual_avg_wait_minutes"], 4.5, 1e-9), "{row}");
    assert_eq!(row["actual_service_level"], 1.0);
    assert!(r["summary"].as_str().unwrap().contains("实际 2 人"), "{r}");
    let (st, v) = s.get("/api/staffing/review?date=2026-12-20", &leader).await;
    assert_eq!((st, field(&v)), (422, Some("date")), "{v}");
    assert_eq!(code(&v), Some("invalid"));
}
on_both_backends_clocked!(plan_from_history, START);

/// The page: the plan table with its explanations, the what-if and the review.
async fn staffing_page(s: &TestServer, clock: &TestClock) {
    let staff = s.login("staff").await;
    clock.set(at("2026-11-24T09:05:00"));
    serve(s, clock, &staff, "1", "A", 3, 6).await;
    clock.set(at("2026-11-30T10:00:00"));
    let cookie = crate::support::session(s, "leader").await;
    let (st, html) = crate::support::page(
        s,
        &cookie,
        "/admin/staffing?date=2026-12-01&whatif=1&arrival_scale=3&review_date=2026-11-24",
    )
    .await;
    assert_eq!(st, 200);
    assert!(html.contains("窗口排班测算"), "{html}");
    assert!(html.contains("2026-12-01（周二）窗口排班方案"));
    assert!(html.contains("平均每半小时 3 人"));
    assert!(html.contains("假设测算"));
    assert!(html.contains("方案与实际对比"));
    let cookie = crate::support::session(s, "staff").await;
    let (st, _) = crate::support::page(s, &cookie, "/admin/staffing").await;
    assert_eq!(st, 403);
}
on_both_backends_clocked!(staffing_page, START);
