//! 统计图 over HTTP (issue 18 part 2): `GET /api/charts/{name}.svg` is an
//! `image/svg+xml` document that parses as XML and carries the chart's
//! numbers; `GET /api/charts/{name}.json` gives those numbers, and they are
//! the existing reports' for the records made here (queue report, satisfaction
//! report, case breakdown, complaints); bad dates and departments are 422
//! naming the field, an unknown chart 404; leaders, the 督查科 and the
//! administrator only; the `/admin/charts` page shows each chart with its table.

use crate::on_both_backends;
use crate::support::{
    Backend, TestServer, accept_case, category_a_at_window_3, code, field, page, served_and_rated, session,
    take_ticket,
};
use quick_xml::events::Event;
use serde_json::{Value, json};

const MARKET: &str = "东海县市场监督管理局";

/// Every chart: `/api/charts/{name}.svg` and `.json`, and one figure on `/admin/charts`.
const CHARTS: [&str; 6] = [
    "arrivals",
    "waits",
    "satisfaction",
    "bad_reasons",
    "complaints",
    "cases",
];

async fn complaint(s: &TestServer, category: &str) {
    let (st, v) = s
        .post(
            "/api/complaints",
            "",
            json!({"channel": "online", "content": "窗口人员态度生硬", "category": category, "anonymous": true}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
}

/// The texts of the `<text>` elements of an SVG that must parse as XML
/// with an `<svg>` root.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut texts = Vec::new();
    let mut root = None;
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let qname = e.name();
                let raw: &str = qname.as_ref();
                let name = raw.to_owned();
                root.get_or_insert(name.clone());
                in_text = name == "text";
            }
            Ok(Event::End(_)) => in_text = false,
            Ok(Event::Text(t)) if in_text => texts.push(t.xml10_content().trim().to_owned()),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("the SVG is not XML: {e}\n{svg}"),
        }
    }
    assert_eq!(root.as_deref(), Some("svg"));
    texts
}

/// The object of the array `list` whose `field` is `value` (a chart's series
/// or figure, a report's group or department).
fn entry<'v>(list: &'v Value, field: &str, value: &str) -> &'v Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[field] == value)
        .unwrap_or_else(|| panic!("no {field} {value} in {list}"))
}

fn series<'v>(chart: &'v Value, name: &str) -> &'v Vec<Value> {
    entry(&chart["series"], "name", name)["values"]
        .as_array()
        .unwrap()
}

fn value_at(chart: &Value, series_name: &str, label: &str) -> Option<f64> {
    let i = chart["labels"]
        .as_array()
        .unwrap()
        .iter()
        .position(|l| l == label)
        .unwrap_or_else(|| panic!("no label {label} in {chart}"));
    series(chart, series_name)[i].as_f64()
}

/// `GET path` as `token`: asserts 200, answers the JSON.
async fn read(s: &TestServer, token: &str, path: &str) -> Value {
    let (st, v) = s.get(path, token).await;
    assert_eq!(st, 200, "{path}: {v}");
    v
}

fn sum(values: &[Value]) -> f64 {
    values.iter().filter_map(Value::as_f64).sum()
}

fn figure<'v>(chart: &'v Value, label: &str) -> &'v str {
    entry(&chart["figures"], "label", label)["value"]
        .as_str()
        .unwrap()
}

async fn svg_of(s: &TestServer, token: &str, path: &str) -> (String, Vec<String>) {
    let a = s.req("GET", path).token(token).send().await;
    assert_eq!(a.status, 200, "{path}: {}", a.text);
    assert_eq!(
        a.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("image/svg+xml"),
        "{path}"
    );
    let texts = svg_texts(&a.text);
    (a.text, texts)
}

/// Every bar's value and every rate point is written in the SVG as the JSON has it.
fn assert_figures_drawn(chart: &Value, texts: &[String]) {
    for s in chart["series"].as_array().unwrap() {
        for v in s["values"].as_array().unwrap().iter().filter_map(Value::as_f64) {
            let text = match (s["kind"].as_str(), s["axis"].as_str()) {
                (Some("bar"), _) if v > 0.0 => format!("{}", v as i64),
                (Some("line"), Some("rate")) => format!("{:.2}%", v * 100.0),
                _ => continue,
            };
            assert!(
                texts.contains(&text),
                "{} {}: {text} not drawn in {texts:?}",
                chart["name"],
                s["name"]
            );
        }
    }
    assert!(texts.contains(&chart["title"].as_str().unwrap().to_owned()));
}

async fn charts_contract(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let supervisor = s.login("supervisor").await;
    let staff = s.login("staff").await;
    let liaison = s.login("liaison").await;
    category_a_at_window_3(s, &admin).await;
    served_and_rated(s, &staff, "very_satisfied", &[]).await;
    served_and_rated(s, &staff, "dissatisfied", &["等候时间长", "服务态度差"]).await;
    served_and_rated(s, &staff, "very_dissatisfied", &["等候时间长"]).await;
    // One more waits uncalled: an arrival without a wait.
    take_ticket(s).await;
    accept_case(s, &staff, "SCJG-XK-001").await;
    accept_case(s, &staff, "SCJG-XK-001").await;
    complaint(s, "discipline").await;
    complaint(s, "discipline").await;
    complaint(s, "attitude").await;
    let today = s.app.today();
    let month = today.first_of_month();
    // The two periods asked for: today alone, and this month up to today.
    let (day, month_to_date) = (
        format!("from={today}&to={today}"),
        format!("from={month}&to={today}"),
    );

    // Every chart: an SVG that parses, with its numbers and title drawn.
    for name in CHARTS {
        let (svg, texts) = svg_of(s, &leader, &format!("/api/charts/{name}.svg")).await;
        assert!(svg.contains("WenQuanYi Micro Hei"), "{name}: CJK fonts named");
        assert!(svg.contains("<title"), "{name}: an accessible title");
        let chart = read(s, &leader, &format!("/api/charts/{name}.json")).await;
        assert_eq!(chart["name"], name);
        assert_figures_drawn(&chart, &texts);
        for series in chart["series"].as_array().unwrap() {
            assert_eq!(
                series["values"].as_array().unwrap().len(),
                chart["labels"].as_array().unwrap().len(),
                "{name}: one value per label"
            );
        }
    }

    // Arrivals and waits are the queue report's.
    let queue = read(s, &leader, &format!("/api/reports/queue?date={today}")).await;
    let arrivals = read(s, &leader, &format!("/api/charts/arrivals.json?date={today}")).await;
    assert_eq!(arrivals["from"], today.to_string());
    assert_eq!(sum(series(&arrivals, &format!("{today} 到访"))), 4.0);
    assert_eq!(
        sum(series(&arrivals, &format!("{today} 到访"))),
        queue["total"]["taken"].as_f64().unwrap()
    );
    assert_eq!(figure(&arrivals, "当日到访（取号）"), "4 人次");
    let waits = read(s, &leader, &format!("/api/charts/waits.json?{day}")).await;
    assert_eq!(sum(series(&waits, "叫号人次")), 3.0);
    assert_eq!(
        sum(series(&waits, "叫号人次")),
        queue["total"]["wait"]["count"].as_f64().unwrap()
    );
    // Called at once: every wait in the first bin (0–5 minutes).
    assert_eq!(value_at(&waits, "叫号人次", "0–5"), Some(3.0));
    // Cut to a department: the tickets of its categories (A serves SCJG's
    // item), as the summary's queue figures count them; another department's
    // categories had none.
    let summary = read(s, &leader, &format!("/api/reports/summary?{day}&department=SCJG")).await;
    let arrivals_market = read(
        s,
        &leader,
        &format!("/api/charts/arrivals.json?date={today}&department=SCJG"),
    )
    .await;
    assert_eq!(sum(series(&arrivals_market, &format!("{today} 到访"))), 4.0);
    assert_eq!(summary["visitors"].as_f64(), Some(4.0), "{summary}");
    assert!(
        arrivals_market["subtitle"].as_str().unwrap().contains(MARKET),
        "{arrivals_market}"
    );
    let waits_market = read(
        s,
        &leader,
        &format!("/api/charts/waits.json?{day}&department=SCJG"),
    )
    .await;
    assert_eq!(sum(series(&waits_market, "叫号人次")), 3.0);
    let arrivals_police = read(
        s,
        &leader,
        &format!("/api/charts/arrivals.json?date={today}&department=GA"),
    )
    .await;
    assert_eq!(sum(series(&arrivals_police, &format!("{today} 到访"))), 0.0);
    assert!(!arrivals_police["subtitle"].as_str().unwrap().contains("全大厅"));
    let waits_police = read(s, &leader, &format!("/api/charts/waits.json?{day}&department=GA")).await;
    assert_eq!(sum(series(&waits_police, "叫号人次")), 0.0);
    assert_eq!(figure(&waits_police, "已叫号"), "0 人次");

    // Satisfaction: 12 months up to `to`, the last month the satisfaction report's.
    let sat = read(s, &leader, &format!("/api/charts/satisfaction.json?to={today}")).await;
    let labels = sat["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 12, "{sat}");
    assert_eq!(labels[11], format!("{}-{:02}", today.year(), today.month()));
    let report = read(s, &leader, &format!("/api/reports/satisfaction?{month_to_date}")).await;
    assert_eq!(series(&sat, "有效评价")[11].as_f64(), report["valid"].as_f64());
    assert_eq!(series(&sat, "满意率")[11].as_f64(), report["rate"].as_f64());
    assert_eq!(report["rate"].as_f64(), Some(0.3333));
    // A month without evaluations has no rate (null), not 0%.
    assert!(series(&sat, "满意率")[0].is_null());
    // Cut to a department: that department's group in the report.
    let sat_market = read(
        s,
        &leader,
        &format!("/api/charts/satisfaction.json?to={today}&department=SCJG"),
    )
    .await;
    assert_eq!(sat_market["department"], MARKET);
    let by_dept = read(
        s,
        &leader,
        &format!("/api/reports/satisfaction?{month_to_date}&group_by=department"),
    )
    .await;
    let group = entry(&by_dept["groups"], "key", MARKET);
    assert_eq!(
        series(&sat_market, "有效评价")[11].as_f64(),
        group["valid"].as_f64()
    );

    // 差评 reasons: each reason once per 差评, the total the report's `bad`.
    let bad = read(
        s,
        &leader,
        &format!("/api/charts/bad_reasons.json?{month_to_date}"),
    )
    .await;
    assert_eq!(value_at(&bad, "选择次数", "等候时间长"), Some(2.0));
    assert_eq!(value_at(&bad, "选择次数", "服务态度差"), Some(1.0));
    assert_eq!(bad["labels"][0], "等候时间长", "the most frequent first");
    assert_eq!(
        figure(&bad, "有效差评"),
        format!("{} 条", report["bad"].as_u64().unwrap())
    );

    // Complaints per category.
    let comp = read(s, &leader, &format!("/api/charts/complaints.json?{day}")).await;
    assert_eq!(value_at(&comp, "收到投诉", "纪律"), Some(2.0));
    assert_eq!(value_at(&comp, "收到投诉", "态度（生冷硬横）"), Some(1.0));
    assert_eq!(value_at(&comp, "收到投诉", "其他"), Some(0.0));
    assert_eq!(sum(series(&comp, "收到投诉")), 3.0);

    // Cases per department: the case breakdown's.
    let cases = read(s, &leader, &format!("/api/charts/cases.json?{month_to_date}")).await;
    let breakdown = read(
        s,
        &leader,
        &format!("/api/reports/cases/breakdown?{month_to_date}"),
    )
    .await;
    let market = entry(&breakdown["departments"], "key", MARKET);
    assert_eq!(value_at(&cases, "受理", MARKET), Some(2.0));
    assert_eq!(value_at(&cases, "受理", MARKET), market["accepted"].as_f64());
    assert_eq!(value_at(&cases, "办结", MARKET), market["completed"].as_f64());
    assert_eq!(
        value_at(&cases, "按时办结率", MARKET),
        market["on_time_rate"].as_f64()
    );

    // Refusals: unknown chart or suffix 404, bad input 422 naming its field.
    for path in [
        "/api/charts/pie.svg",
        "/api/charts/waits.png",
        "/api/charts/waits",
        "/api/charts/.svg",
    ] {
        let (st, v) = s.get(path, &leader).await;
        assert_eq!((st, code(&v)), (404, Some("not_found")), "{path}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("统计图"), "{v}");
    }
    for (path, f) in [
        ("/api/charts/waits.svg?from=2026-13-01", "from"),
        ("/api/charts/waits.svg?from=2026-12-05&to=2026-12-01", "to"),
        ("/api/charts/cases.json?from=2024-01-01&to=2026-01-01", "to"),
        ("/api/charts/arrivals.svg?date=yesterday", "date"),
        (
            "/api/charts/satisfaction.svg?from=2020-01-01&to=2026-01-01",
            "from",
        ),
        ("/api/charts/cases.svg?department=NOPE", "department"),
    ] {
        let (st, v) = s.get(path, &leader).await;
        assert_eq!((st, field(&v)), (422, Some(f)), "{path}: {v}");
    }

    // Roles: leaders, the 督查科 and the administrator.
    for token in [&admin, &supervisor] {
        let (st, _) = s.get("/api/charts/waits.json", token).await;
        assert_eq!(st, 200);
    }
    for token in [&staff, &liaison] {
        let (st, v) = s.get("/api/charts/arrivals.svg", token).await;
        assert_eq!((st, code(&v)), (403, Some("forbidden")));
    }
    let (st, _) = s.get("/api/charts/arrivals.svg", "").await;
    assert_eq!(st, 401);
}
on_both_backends!(charts_contract);

async fn charts_page(s: &TestServer) {
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    category_a_at_window_3(s, &admin).await;
    served_and_rated(s, &staff, "satisfied", &[]).await;
    served_and_rated(s, &staff, "dissatisfied", &["办事效率低"]).await;
    let cookie = session(s, "leader").await;
    let (st, html) = page(s, &cookie, "/admin/charts").await;
    assert_eq!(st, 200);
    // Six charts drawn inline, each with its table of numbers.
    assert_eq!(html.matches("<svg").count(), 6, "six charts");
    assert_eq!(html.matches("（数据表）").count(), 6, "six tables");
    for name in CHARTS {
        assert!(html.contains(&format!("id=\"{name}\"")), "{name}");
        assert!(html.contains(&format!("/api/charts/{name}.json")), "{name}");
    }
    // The table says what the chart says: the reason and its count.
    assert!(html.contains("<th scope=\"row\">办事效率低</th><td class=\"num\">1</td>"));
    assert!(html.contains("@page { size: A4"));
    // A bad date: the page says so and names the problem.
    let (st, html) = page(s, &cookie, "/admin/charts?from=2026-02-30").await;
    assert_eq!(st, 422);
    assert!(html.contains("日期格式应为 YYYY-MM-DD"));
    // The tile on the dashboard; staff are refused.
    let (_, html) = page(s, &cookie, "/admin").await;
    assert!(html.contains("href=\"/admin/charts\""));
    let staff_cookie = session(s, "staff").await;
    let (st, _) = page(s, &staff_cookie, "/admin/charts").await;
    assert_eq!(st, 403);
}
on_both_backends!(charts_page);
