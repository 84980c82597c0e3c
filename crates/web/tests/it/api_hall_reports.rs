//! 日报、月报、年度报告 over HTTP (issue 18 part 3): `GET /api/reports/summary`
//! — [003]'s 办结率 99.77% and 满意率 98.97% out of one annual report built
//! from imported history; every figure equal to what the existing report of
//! the same records says; the workbook's sheets; the PDF with its font
//! embedded; the refusals naming their field; who may read it.

use crate::on_both_backends;
use crate::support::{
    Backend, TestServer, category_a_at_window_3, field, import_csv, rate, take_ticket, workbook,
};
use calamine::Reader;
use serde_json::{Value, json};

/// [003]: 38471 accepted / 38381 completed and 13851 evaluations at 98.97%,
/// imported for 2025, give the annual report's 办结率 and 满意率.
async fn annual_report_gives_the_published_figures(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let mut csv = String::from("number,item,accepted_on,completed_on,deadline\n");
    for i in 0..38471 {
        let completed = if i < 38381 { "2025-06-20" } else { "" };
        csv.push_str(&format!(
            "H2025-{i:05},SCJG-XK-001,2025-06-02,{completed},2025-06-09\n"
        ));
    }
    import_csv(s, &admin, "/api/cases/import", csv).await;
    let evaluations = "date,window,level,count\n2025-12-01,综合窗口,非常满意,13345\n\
                       2025-12-01,综合窗口,satisfied,363\n2025-12-02,综合窗口,不满意,143\n";
    import_csv(s, &admin, "/api/evaluations/import", evaluations).await;

    let (st, r) = s
        .get(
            "/api/reports/summary?from=2025-01-01&to=2025-12-31&format=json",
            &leader,
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["kind"], json!("year"));
    assert!(
        r["title"].as_str().unwrap().ends_with("2025年 年度报告"),
        "{}",
        r["title"]
    );
    assert_eq!(
        (r["accepted"].as_u64(), r["completed"].as_u64()),
        (Some(38471), Some(38381))
    );
    assert_eq!(r["completion_rate"].as_f64(), Some(0.9977));
    assert_eq!(r["evaluations"].as_u64(), Some(13851));
    assert_eq!(r["satisfaction_rate"].as_f64(), Some(0.9897));
    assert_eq!(r["evaluation"]["satisfaction_text"], json!("98.97%"));
    assert_eq!(r["complaints"].as_i64(), Some(0));
    assert_eq!(r["visitors"].as_u64(), Some(0));
    assert_eq!(r["avg_wait_minutes"], Value::Null, "nobody waited");
    assert_eq!(
        r["assessment"].as_array().map(Vec::len),
        Some(12),
        "one line per month"
    );

    // One department: the imported ledger rows are the catalog item's
    // department's (SCJG-XK-001 is the market regulator's), not another's.
    let (st, d) = s
        .get(
            "/api/reports/summary?from=2025-01-01&to=2025-12-31&department=SCJG",
            &admin,
        )
        .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["department"]["code"], json!("SCJG"));
    assert_eq!(
        (d["accepted"].as_u64(), d["completed"].as_u64()),
        (Some(38471), Some(38381))
    );
    assert_eq!(d["completion_rate"].as_f64(), Some(0.9977));
    assert_eq!(d["scalper_actions"], Value::Null, "counted for the hall only");
    let (st, other) = s
        .get(
            "/api/reports/summary?from=2025-01-01&to=2025-12-31&department=GA",
            &admin,
        )
        .await;
    assert_eq!(st, 200, "{other}");
    assert_eq!(other["accepted"].as_u64(), Some(0));

    // The same year as a workbook and as a PDF.
    let a = s
        .req(
            "GET",
            "/api/reports/summary?from=2025-01-01&to=2025-12-31&format=xlsx",
        )
        .token(&leader)
        .await;
    let mut book = workbook(a);
    assert_eq!(
        book.sheet_names(),
        vec!["概况", "取号等候", "办件", "评价", "整改投诉督查", "月度考核"]
    );
    let overview = book.worksheet_range("概况").unwrap();
    let value_of = |label: &str| {
        overview
            .rows()
            .find(|r| r.first().map(|c| c.to_string()) == Some(label.to_owned()))
            .and_then(|r| r.get(1).map(|c| c.to_string()))
    };
    assert_eq!(value_of("办结率（%）").as_deref(), Some("99.77"));
    assert_eq!(value_of("满意率（%）").as_deref(), Some("98.97"));
    assert_eq!(value_of("受理办件").as_deref(), Some("38471"));
    let months = book.worksheet_range("月度考核").unwrap();
    assert!(
        months
            .rows()
            .any(|r| r.first().map(|c| c.to_string()) == Some("2025-11".into()))
    );

    let a = s
        .req(
            "GET",
            "/api/reports/summary?from=2025-01-01&to=2025-12-31&format=pdf",
        )
        .token(&leader)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.headers["content-type"].to_str().unwrap(), "application/pdf");
    assert!(a.bytes.starts_with(b"%PDF-"), "a PDF");
    // To look at it: `pdftoppm -png` the file left in $GOVHALL_SCREENSHOTS.
    if let Ok(dir) = std::env::var("GOVHALL_SCREENSHOTS") {
        std::fs::write(std::path::Path::new(&dir).join("summary-2025.pdf"), &a.bytes).unwrap();
    }
    let text = String::from_utf8_lossy(&a.bytes);
    assert!(text.contains("/FontFile2"), "the font is embedded");
    let media: Vec<f64> = text
        .split("/MediaBox")
        .nth(1)
        .and_then(|rest| rest.trim_start().strip_prefix('['))
        .and_then(|rest| rest.split(']').next())
        .map(|nums| nums.split_whitespace().filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    assert!(
        media.len() == 4 && (media[2] - 595.28).abs() < 0.5 && (media[3] - 841.89).abs() < 0.5,
        "A4: {media:?}"
    );
    assert!(
        a.bytes.len() < 400_000,
        "a subset of the font, not all of it: {} bytes",
        a.bytes.len()
    );
}
on_both_backends!(annual_report_gives_the_published_figures);

/// A day's figures are the existing reports' for the same records: the queue
/// report (tickets taken and called here), the case report, the satisfaction
/// report; the refusals name their field; leadership and the admin read it.
async fn daily_report_matches_the_other_reports(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let staff = s.login("staff").await;
    category_a_at_window_3(s, &admin).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(take_ticket(s).await);
    }
    // The first is called, served and rated; the second called and still at the window.
    let (st, v) = s.call("POST", &staff, "/api/windows/3/call", None).await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = s
        .call("POST", &staff, &format!("/api/tickets/{}/finish", ids[0]), None)
        .await;
    assert_eq!(st, 200);
    rate(s, &ids[0], "satisfied", &[]).await;
    let (st, v) = s.call("POST", &staff, "/api/windows/3/call", None).await;
    assert_eq!(st, 200, "{v}");
    // A case of 市场监管 accepted today.
    let (st, case) = s
        .post(
            "/api/cases",
            &staff,
            json!({"item": "SCJG-XK-003", "applicant": {"name": "张三", "id_number": "11010519491231002X"},
                   "materials": [
                {"name": "小餐饮经营许可申请表", "status": "provided"},
                {"name": "经营者身份证", "status": "provided"},
                {"name": "经营场所使用证明", "status": "provided"},
                {"name": "从业人员健康证明", "status": "provided"}]}),
        )
        .await;
    assert_eq!(st, 201, "{case}");

    let day = s.app.today();
    let (st, r) = s
        .get(&format!("/api/reports/summary?from={day}&to={day}"), &leader)
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["kind"], json!("day"));
    assert!(r["title"].as_str().unwrap().ends_with("日报"));
    let (_, q) = s
        .get(&format!("/api/reports/queue?from={day}&to={day}"), &leader)
        .await;
    assert_eq!(r["visitors"].as_u64(), Some(3));
    assert_eq!(r["visitors"], q["total"]["taken"]);
    assert_eq!(r["tickets"]["called"], q["total"]["wait"]["count"]);
    assert_eq!(r["tickets"]["called"].as_u64(), Some(2));
    assert_eq!(r["tickets"]["served"], q["total"]["served"]);
    let avg = (q["total"]["wait"]["average_seconds"].as_f64().unwrap() / 60.0 * 10.0).round() / 10.0;
    assert_eq!(r["avg_wait_minutes"].as_f64(), Some(avg));
    let p90 = (q["total"]["wait"]["p90_seconds"].as_f64().unwrap() / 60.0 * 10.0).round() / 10.0;
    assert_eq!(r["p90_wait_minutes"].as_f64(), Some(p90));
    let (_, c) = s
        .get(&format!("/api/reports/cases?from={day}&to={day}"), &leader)
        .await;
    assert_eq!(r["accepted"], c["accepted"]);
    assert_eq!(r["completed"], c["completed"]);
    assert_eq!(r["completion_rate"], c["completion_rate"]);
    let (_, e) = s
        .get(&format!("/api/reports/satisfaction?from={day}&to={day}"), &leader)
        .await;
    assert_eq!(r["evaluations"], e["total"]);
    assert_eq!(r["evaluations"].as_u64(), Some(1));
    assert_eq!(r["satisfaction_rate"], e["rate"]);
    assert_eq!(
        r["evaluation"]["by_level"][1]["count"],
        e["by_level"]["satisfied"]
    );
    assert_eq!(r["categories"][0]["taken"].as_u64(), Some(3));
    // The department of category A has the same queue figures.
    let (st, d) = s
        .get(
            &format!("/api/reports/summary?from={day}&department=SCJG"),
            &leader,
        )
        .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["visitors"].as_u64(), Some(3));
    assert_eq!(d["avg_wait_minutes"], r["avg_wait_minutes"]);
    assert_eq!(r["accepted"].as_u64(), Some(1));
    assert_eq!(d["accepted"].as_u64(), Some(1), "the case is 市场监管's");
    assert_eq!(d["departments"].as_array().map(Vec::len), Some(1));

    // Refusals name the field.
    for (query, name) in [
        ("from=2026-13-01", "from"),
        ("from=2026-11-01&to=30.11.2026", "to"),
        ("from=2026-11-30&to=2026-11-01", "from"),
        ("to=2026-11-01", "from"),
        ("from=2025-01-01&to=2026-06-30", "to"),
        ("from=2026-11-01&department=NOPE", "department"),
        ("from=2026-11-01&format=doc", "format"),
    ] {
        let (st, v) = s.get(&format!("/api/reports/summary?{query}"), &leader).await;
        assert_eq!((st, field(&v)), (422, Some(name)), "{query}: {v}");
    }

    // Who may read it.
    let (st, _) = s.get(&format!("/api/reports/summary?from={day}"), &admin).await;
    assert_eq!(st, 200);
    for who in ["staff", "supervisor", "liaison"] {
        let token = s.login(who).await;
        let (st, _) = s.get(&format!("/api/reports/summary?from={day}"), &token).await;
        assert_eq!(st, 403, "{who}");
    }
    let (st, _) = s.get_json(&format!("/api/reports/summary?from={day}")).await;
    assert_eq!(st, 401);
}
on_both_backends!(daily_report_matches_the_other_reports);
