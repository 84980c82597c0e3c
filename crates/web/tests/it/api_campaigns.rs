//! 专项活动 over HTTP (issue 16 part 7): the contract of `POST /api/campaigns`
//! and `GET /api/campaigns/{id}` — the satisfaction KPI's `current` is the
//! satisfaction report's `rate` over the campaign's dates up to today, its
//! `baseline` the report's over the equal period before — who may create,
//! read and move tasks on, the refusals naming their field, the report's
//! XLSX (three sheets) and the pages.

use crate::on_both_backends;
use crate::support::{
    Backend, TestServer, category_a_at_window_3, code, field, import_csv, page, served_and_rated, session,
    workbook,
};
use calamine::{Data, Reader};
use jiff::civil::Date;
use serde_json::{Value, json};

fn days(d: Date, n: i64) -> String {
    d.checked_add(jiff::Span::new().days(n)).unwrap().to_string()
}

fn kpi<'v>(c: &'v Value, metric: &str) -> &'v Value {
    c["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric} in {c}"))
}

fn has_chinese(v: &Value) -> bool {
    v["error"]["message"]
        .as_str()
        .is_some_and(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
}

async fn campaign_contract(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let staff = s.login("staff").await;
    let supervisor = s.login("supervisor").await;
    let liaison = s.login("liaison").await;
    category_a_at_window_3(s, &admin).await;

    let today = s.app.today();
    let from = days(today, -10);
    let to = days(today, 30);
    // The baseline period: the 41 days before the start. Earlier counts
    // imported there (9 satisfied of 10), today's real evaluations (2 of 3).
    let before = days(today, -13);
    let csv = format!("date,window,level,count\n{before},3,非常满意,9\n{before},3,不满意,1\n");
    import_csv(s, &admin, "/api/evaluations/import", csv).await;
    served_and_rated(s, &staff, "very_satisfied", &[]).await;
    served_and_rated(s, &staff, "satisfied", &[]).await;
    served_and_rated(s, &staff, "dissatisfied", &["等候时间长"]).await;

    let body = json!({
        "name": "百日大提升",
        "from": from,
        "to": to,
        "phases": [
            {"name": "动员部署", "from": from, "to": days(today, -6)},
            {"name": "集中整改", "from": days(today, -5), "to": to},
        ],
        "tasks": [
            {"title": "每窗口每周一次晨会", "owner": "staff", "due": days(today, -1)},
            {"title": "暗访两次", "owner": "supervisor", "due": to},
        ],
        "kpis": [
            {"metric": "satisfaction_rate", "target": 0.9},
            {"metric": "on_time_rate", "target": 0.95},
            {"metric": "avg_wait_minutes", "target": 10},
            {"metric": "complaints", "target": 0},
        ],
    });

    // Only the administrator and leaders create; anonymous callers sign in first.
    for (who, token) in [
        ("staff", &staff),
        ("supervisor", &supervisor),
        ("liaison", &liaison),
    ] {
        let (st, v) = s.post("/api/campaigns", token, body.clone()).await;
        assert_eq!((st, code(&v)), (403, Some("forbidden")), "{who}: {v}");
    }
    let (st, _) = s.post("/api/campaigns", "", body.clone()).await;
    assert_eq!(st, 401);

    let (st, v) = s.post("/api/campaigns", &leader, body.clone()).await;
    assert_eq!(st, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();

    // The contract: current == the satisfaction report's rate over the
    // campaign's dates up to today; baseline == the report's over the period before.
    let (st, c) = s.get(&format!("/api/campaigns/{id}"), &leader).await;
    assert_eq!(st, 200, "{c}");
    let (st, report) = s
        .get(
            &format!("/api/reports/satisfaction?from={from}&to={today}"),
            &leader,
        )
        .await;
    assert_eq!(st, 200, "{report}");
    let sat = kpi(&c, "satisfaction_rate");
    assert_eq!(report["rate"].as_f64(), Some(0.6667), "{report}");
    assert_eq!(sat["current"], report["rate"], "{sat}");
    assert_eq!(sat["target"].as_f64(), Some(0.9));
    assert_eq!(sat["met"], json!(false));
    let (_, earlier) = s
        .get(
            &format!(
                "/api/reports/satisfaction?from={}&to={}",
                c["baseline_from"].as_str().unwrap(),
                c["baseline_to"].as_str().unwrap()
            ),
            &leader,
        )
        .await;
    assert_eq!(earlier["rate"].as_f64(), Some(0.9));
    assert_eq!(sat["baseline"], earlier["rate"], "{sat}");
    assert_eq!(sat["improved"], json!(false));
    assert_eq!(c["baseline_from"].as_str(), Some(days(today, -51).as_str()));
    assert_eq!(c["baseline_to"].as_str(), Some(days(today, -11).as_str()));
    assert_eq!(c["baseline_fixed"], json!(true), "the campaign has started");
    // The other metrics: the case report's on-time rate (no case completed:
    // none), the queue's wait (three tickets called), complaints counted.
    let (_, cases) = s
        .get(&format!("/api/reports/cases?from={from}&to={today}"), &leader)
        .await;
    assert_eq!(kpi(&c, "on_time_rate")["current"], cases["on_time_rate"]);
    let wait = kpi(&c, "avg_wait_minutes");
    assert!(wait["current"].as_f64().is_some_and(|w| w >= 0.0), "{wait}");
    assert_eq!(wait["met"], json!(true), "called at once");
    assert_eq!(kpi(&c, "complaints")["current"].as_f64(), Some(0.0));
    for k in c["kpis"].as_array().unwrap() {
        for key in ["metric", "baseline", "current", "target"] {
            assert!(k.get(key).is_some(), "{key} in {k}");
        }
    }
    // Phases in order, tasks with their computed status.
    assert_eq!(c["phases"][1]["state"].as_str(), Some("running"));
    assert_eq!(
        c["tasks"][0]["status"].as_str(),
        Some("overdue"),
        "past due, not done"
    );
    assert_eq!(c["tasks"][0]["status_label"].as_str(), Some("逾期"));
    assert_eq!(c["tasks"][0]["owner_name"].as_str(), Some("王芳"));
    assert_eq!(c["tasks"][1]["status"].as_str(), Some("not_started"));
    let staff_task = c["tasks"][0]["id"].as_str().unwrap().to_owned();
    let supervisor_task = c["tasks"][1]["id"].as_str().unwrap().to_owned();

    // The supervisor reads it whole; staff only their own task, no figures;
    // a liaison without a task is refused.
    let (st, v) = s.get(&format!("/api/campaigns/{id}"), &supervisor).await;
    assert_eq!((st, v["kpis"].as_array().map(Vec::len)), (200, Some(4)));
    let (st, v) = s.get(&format!("/api/campaigns/{id}"), &staff).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["scope"].as_str(), Some("own"));
    assert_eq!(v["tasks"].as_array().unwrap().len(), 1);
    assert!(v["kpis"].as_array().unwrap().is_empty());
    let (st, _) = s.get(&format!("/api/campaigns/{id}"), &liaison).await;
    assert_eq!(st, 403);
    let (st, _) = s.get(&format!("/api/campaigns/{id}"), "").await;
    assert_eq!(st, 401);
    let (st, _) = s
        .get("/api/campaigns/0190a0b0-0000-7000-8000-000000000000", &leader)
        .await;
    assert_eq!(st, 404);

    // The lists: the leader sees it; staff see it with their one task; the liaison nothing.
    let (st, v) = s.get("/api/campaigns", &leader).await;
    assert_eq!(st, 200);
    assert_eq!(v["items"][0]["id"].as_str(), Some(id.as_str()));
    assert_eq!(
        (v["items"][0]["tasks"].as_i64(), v["items"][0]["overdue"].as_i64()),
        (Some(2), Some(1))
    );
    let (_, v) = s.get("/api/campaigns", &staff).await;
    assert_eq!(v["items"][0]["tasks"].as_i64(), Some(1));
    let (_, v) = s.get("/api/campaigns", &liaison).await;
    assert!(v["items"].as_array().unwrap().is_empty());

    // Task status: the owner moves their own; not another's; the leader any.
    let path = |t: &str| format!("/api/campaigns/{id}/tasks/{t}");
    let (st, v) = s.put(&path(&staff_task), &staff, json!({"status": "done"})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["status"].as_str(), Some("done"));
    let (st, _) = s
        .put(&path(&supervisor_task), &staff, json!({"status": "done"}))
        .await;
    assert_eq!(st, 403);
    let (st, v) = s
        .put(&path(&supervisor_task), &leader, json!({"status": "进行中"}))
        .await;
    assert_eq!((st, v["status"].as_str()), (200, Some("in_progress")), "{v}");
    let (st, v) = s
        .put(&path(&staff_task), &staff, json!({"status": "overdue"}))
        .await;
    assert_eq!((st, field(&v)), (422, Some("status")), "逾期 is computed");
    let (st, _) = s
        .put(
            &path("0190a0b0-0000-7000-8000-000000000000"),
            &leader,
            json!({"status": "done"}),
        )
        .await;
    assert_eq!(st, 404);
    let (_, c) = s.get(&format!("/api/campaigns/{id}"), &leader).await;
    assert_eq!(c["tasks"][0]["status"].as_str(), Some("done"));

    // The report as XLSX: three sheets, the KPI row with today's figure.
    let a = s
        .req("GET", &format!("/api/campaigns/{id}/report.xlsx"))
        .token(&leader)
        .await;
    let mut book = workbook(a);
    assert_eq!(book.sheet_names(), vec!["阶段", "任务", "指标"]);
    let phases = book.worksheet_range("阶段").unwrap();
    assert!(
        phases
            .rows()
            .any(|r| r.iter().any(|c| c == &Data::String("集中整改".into())))
    );
    let tasks = book.worksheet_range("任务").unwrap();
    assert!(
        tasks
            .rows()
            .any(|r| r.iter().any(|c| c == &Data::String("已完成".into())))
    );
    let kpis = book.worksheet_range("指标").unwrap();
    let row = kpis
        .rows()
        .find(|r| r.iter().any(|c| c == &Data::String("satisfaction_rate".into())))
        .unwrap();
    assert_eq!(row[4], Data::Float(0.6667), "{row:?}");
    assert_eq!(row[3], Data::Float(0.9));
    let a = s
        .req("GET", &format!("/api/campaigns/{id}/report.xlsx"))
        .token(&staff)
        .await;
    assert_eq!(a.status, 403);

    // The pages.
    let cookie = session(s, "leader").await;
    let (st, html) = page(s, &cookie, "/campaigns").await;
    assert_eq!(st, 200);
    assert!(html.contains("百日大提升") && html.contains("/campaigns/new"));
    let (st, html) = page(s, &cookie, &format!("/campaigns/{id}")).await;
    assert_eq!(st, 200);
    for text in [
        "动员部署",
        "每窗口每周一次晨会",
        "66.67%",
        "90.00%",
        "未达标",
        "report.xlsx",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let (st, html) = page(s, &cookie, &format!("/campaigns/{id}/report")).await;
    assert_eq!(st, 200);
    assert!(html.contains("活动报告") && html.contains("@page"));
    let (st, html) = page(s, &cookie, "/campaigns/new").await;
    assert_eq!(st, 200);
    assert!(html.contains("kpi_satisfaction_rate"));
    let staff_cookie = session(s, "staff").await;
    let (st, _) = page(s, &staff_cookie, "/campaigns/new").await;
    assert_eq!(st, 403);
    let (st, html) = page(s, &staff_cookie, &format!("/campaigns/{id}")).await;
    assert_eq!(st, 200);
    assert!(html.contains("每窗口每周一次晨会") && !html.contains("暗访两次"));
    let (st, _) = page(s, &staff_cookie, &format!("/campaigns/{id}/report")).await;
    assert_eq!(st, 403);
}
on_both_backends!(campaign_contract);

async fn refusals_name_the_field(s: &TestServer) {
    let leader = s.login("leader").await;
    let base = json!({
        "name": "窗口规范月",
        "from": "2026-03-01",
        "to": "2026-03-31",
        "phases": [
            {"name": "自查", "from": "2026-03-01", "to": "2026-03-10"},
            {"name": "整改", "from": "2026-03-11", "to": "2026-03-31"},
        ],
        "tasks": [{"title": "自查报告", "owner": "staff", "due": "2026-03-10"}],
        "kpis": [{"metric": "complaints", "target": 2}],
    });
    let with = |path: &[&str], value: Value| {
        let mut b = base.clone();
        let mut at = &mut b;
        for p in path {
            at = match p.parse::<usize>() {
                Ok(i) => &mut at[i],
                Err(_) => &mut at[*p],
            };
        }
        *at = value;
        b
    };
    for (body, want) in [
        (with(&["phases", "1", "to"], json!("2026-04-02")), "phases[1].to"),
        (
            with(&["phases", "1", "from"], json!("2026-03-10")),
            "phases[1].from",
        ),
        (with(&["phases", "0", "name"], json!(" ")), "phases[0].name"),
        (
            with(&["kpis", "0", "metric"], json!("happiness")),
            "kpis[0].metric",
        ),
        (with(&["kpis", "0", "target"], json!(-1)), "kpis[0].target"),
        (with(&["tasks", "0", "owner"], json!("nobody")), "tasks[0].owner"),
        (with(&["tasks", "0", "due"], json!("2026-04-01")), "tasks[0].due"),
        (with(&["from"], json!("2026-02-30")), "from"),
        (with(&["to"], json!("2026-02-01")), "to"),
        (with(&["name"], json!("")), "name"),
    ] {
        let (st, v) = s.post("/api/campaigns", &leader, body).await;
        assert_eq!((st, field(&v)), (422, Some(want)), "{v}");
        assert!(has_chinese(&v), "{v}");
    }
    // A satisfaction target on the report's scale (a fraction), not percent.
    let b = with(&["kpis"], json!([{"metric": "satisfaction_rate", "target": 98}]));
    let (st, v) = s.post("/api/campaigns", &leader, b).await;
    assert_eq!((st, field(&v)), (422, Some("kpis[0].target")), "{v}");
    // A wrong type or unknown field: 422 naming it, never 500.
    let (st, v) = s
        .post(
            "/api/campaigns",
            &leader,
            with(&["kpis", "0", "target"], json!("高")),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    let (st, _) = s
        .post("/api/campaigns", &leader, with(&["colour"], json!("red")))
        .await;
    assert_eq!(st, 422);
    // The body is one JSON object: the fields as an array are refused.
    let (st, v) = s
        .post(
            "/api/campaigns",
            &leader,
            json!(["简单活动", "2026-05-01", "2026-05-02", [], [], []]),
        )
        .await;
    assert_eq!((st, code(&v)), (422, Some("invalid_json")), "{v}");
    // The good one is taken; a campaign without KPIs or phases too.
    let (st, v) = s.post("/api/campaigns", &leader, base.clone()).await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = s
        .post(
            "/api/campaigns",
            &leader,
            json!({"name": "简单活动", "from": "2026-05-01", "to": "2026-05-02"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
}
on_both_backends!(refusals_name_the_field);

/// Imports earlier counts (CSV `date,window,level,count`) as the administrator.
async fn import(s: &TestServer, admin: &str, lines: &str) {
    let csv = format!("date,window,level,count\n{lines}");
    import_csv(s, admin, "/api/evaluations/import", csv).await;
}

/// A campaign set before its start: the baseline is read as far as its period
/// has passed, then fixed on the first read once the campaign has started
/// (later records of the baseline period no longer move it); the current
/// value appears with the start.
async fn baseline_fixed_at_the_start(backend: Backend) {
    use std::sync::Arc;
    // 10:00 in the hall on Monday 2026-12-07.
    let clock = app::TestClock::new("2026-12-07T02:00:00Z".parse().unwrap());
    let s = TestServer::start_with_clock(
        backend,
        app::Settings::default().always_open(),
        Arc::new(clock.clone()),
    )
    .await;
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    import(&s, &admin, "2026-12-05,3,非常满意,3\n2026-12-05,3,不满意,1\n").await;
    let (st, v) = s
        .post(
            "/api/campaigns",
            &leader,
            json!({"name": "窗口提速十日", "from": "2026-12-10", "to": "2026-12-19",
                   "kpis": [{"metric": "satisfaction_rate", "target": 0.8},
                            {"metric": "inspection_deductions", "target": 0}]}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let (_, c) = s.get(&format!("/api/campaigns/{id}"), &leader).await;
    assert_eq!(c["state"].as_str(), Some("upcoming"));
    assert_eq!(
        (c["baseline_from"].as_str(), c["baseline_to"].as_str()),
        (Some("2026-11-30"), Some("2026-12-09"))
    );
    assert_eq!(c["baseline_fixed"], json!(false));
    let sat = kpi(&c, "satisfaction_rate");
    assert_eq!(sat["baseline"].as_f64(), Some(0.75), "so far: {sat}");
    assert_eq!(
        (sat["current"].clone(), sat["met"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(kpi(&c, "inspection_deductions")["current"], Value::Null);

    // Three days on, the campaign has started: the whole baseline period is read and fixed.
    clock.advance(jiff::SignedDuration::from_hours(72));
    import(&s, &admin, "2026-12-08,3,不满意,1\n2026-12-10,3,满意,2\n").await;
    let (_, c) = s.get(&format!("/api/campaigns/{id}"), &leader).await;
    assert_eq!(c["state"].as_str(), Some("running"));
    assert_eq!(c["baseline_fixed"], json!(true));
    let sat = kpi(&c, "satisfaction_rate");
    let (_, before) = s
        .get("/api/reports/satisfaction?from=2026-11-30&to=2026-12-09", &leader)
        .await;
    assert_eq!(before["rate"].as_f64(), Some(0.6));
    assert_eq!(sat["baseline"], before["rate"]);
    let (_, now) = s
        .get("/api/reports/satisfaction?from=2026-12-10&to=2026-12-10", &leader)
        .await;
    assert_eq!(sat["current"], now["rate"]);
    assert_eq!(sat["current"].as_f64(), Some(1.0));
    assert_eq!(
        (sat["met"].clone(), sat["improved"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(kpi(&c, "inspection_deductions")["current"].as_f64(), Some(0.0));
    assert_eq!(kpi(&c, "inspection_deductions")["met"], json!(true));

    // A late record of the baseline period does not move a fixed baseline.
    import(&s, &admin, "2026-12-09,3,非常不满意,5\n").await;
    let (_, c) = s.get(&format!("/api/campaigns/{id}"), &leader).await;
    assert_eq!(kpi(&c, "satisfaction_rate")["baseline"].as_f64(), Some(0.6));
    s.stop().await;
}

mod baseline_fixed_at_the_start {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::baseline_fixed_at_the_start(Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::baseline_fixed_at_the_start(Backend::Postgres).await;
    }
}

/// The pages' forms: a campaign made from the form (blank rows left out), a
/// refusal shown on the form with what was typed, a task moved on by its
/// owner, and what people typed never live markup.
async fn the_forms(s: &TestServer) {
    let cookie = session(s, "leader").await;
    let (_, html) = page(s, &cookie, "/campaigns/new").await;
    let csrf = crate::support::csrf_of(&html);
    let today = s.app.today();
    let (from, to) = (days(today, -2), days(today, 20));
    let name = "<script>alert(1)</script>规范月";
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("name", name), ("from", &from), ("to", &to)];
    let (p1, p2) = (days(today, 5), days(today, 6));
    form.extend([
        ("phase_name", "第一阶段"),
        ("phase_from", from.as_str()),
        ("phase_to", p1.as_str()),
        ("phase_name", ""),
        ("phase_from", ""),
        ("phase_to", ""),
        ("phase_name", "第二阶段"),
        ("phase_from", p2.as_str()),
        ("phase_to", to.as_str()),
        ("task_title", "<img src=x onerror=alert(2)>"),
        ("task_owner", "staff"),
        ("task_due", p1.as_str()),
        ("task_title", ""),
        ("task_owner", ""),
        ("task_due", ""),
        ("kpi_satisfaction_rate", "0.95"),
        ("kpi_complaints", ""),
    ]);
    // Overlapping phases: the form comes back with the reason and what was typed.
    let mut overlapping = form.clone();
    overlapping.retain(|(k, v)| !(*k == "phase_from" && *v == p2));
    overlapping.push(("phase_from", p1.as_str()));
    let a = s
        .req("POST", "/campaigns/new")
        .cookie(cookie.as_str())
        .form(&overlapping)
        .await;
    assert_eq!(a.status, 422, "{}", a.text);
    assert!(
        a.text.contains("重叠") && a.text.contains("第二阶段"),
        "{}",
        a.text
    );
    // Without the CSRF secret: refused.
    let a = s
        .req("POST", "/campaigns/new")
        .cookie(cookie.as_str())
        .form(&form[1..])
        .await;
    assert_eq!(a.status, 403);
    let a = s
        .req("POST", "/campaigns/new")
        .cookie(cookie.as_str())
        .form(&form)
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let to_page = a.location().unwrap();
    let id = to_page
        .trim_start_matches("/campaigns/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let leader = s.login("leader").await;
    let (_, c) = s.get(&format!("/api/campaigns/{id}"), &leader).await;
    assert_eq!(c["phases"].as_array().unwrap().len(), 2, "blank rows left out");
    assert_eq!(c["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(c["kpis"].as_array().unwrap().len(), 1);
    assert_eq!(kpi(&c, "satisfaction_rate")["target"].as_f64(), Some(0.95));
    let (st, html) = page(s, &cookie, &to_page).await;
    assert_eq!(st, 200);
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x"));
    assert!(
        html.contains("alert(1)") && html.contains("规范月"),
        "shown as text"
    );

    // The owner moves their task on from the page.
    let staff_cookie = session(s, "staff").await;
    let (st, html) = page(s, &staff_cookie, &format!("/campaigns/{id}")).await;
    assert_eq!(st, 200);
    let task = c["tasks"][0]["id"].as_str().unwrap();
    let action = format!("/campaigns/{id}/tasks/{task}");
    assert!(html.contains(&action));
    let csrf = crate::support::csrf_of(&html);
    let a = s
        .req("POST", &action)
        .cookie(staff_cookie.as_str())
        .form(&[("csrf", csrf.as_str()), ("status", "in_progress")])
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let (_, c) = s.get(&format!("/api/campaigns/{id}"), &leader).await;
    assert_eq!(c["tasks"][0]["status"].as_str(), Some("in_progress"));
    assert_eq!(c["tasks"][0]["updated_by"].as_str(), Some("staff"));
    let (st, html) = page(s, &staff_cookie, "/campaigns").await;
    assert_eq!(st, 200);
    assert!(html.contains(&format!("/campaigns/{id}")) && !html.contains("/campaigns/new"));
    // The dashboard shows the tile to staff (their tasks) as to leaders.
    let (_, html) = page(s, &staff_cookie, "/admin").await;
    assert!(html.contains("href=\"/campaigns\""));
}
on_both_backends!(the_forms);
