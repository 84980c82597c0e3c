//! 好差评 pages: the 满意度评价统计表 (screen, A4 print, XLSX), monthly
//! figures, the rectification steps and appeals through the forms, the
//! reasons editor and the import of historical counts.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use crate::support::{csrf_of, page, session};
use reqwest::multipart::Form;
use serde_json::{Value, json};

async fn post_form(s: &TestServer, cookie: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let a = s.submit(cookie, path, form).await;
    (a.status, a.location().unwrap_or(a.text))
}

/// The cells of the hall's total row of the statistics table.
fn total_row(html: &str) -> Vec<String> {
    let at = html.find("<tr class=\"total\">").expect("total row");
    let row = &html[at..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|c| {
            let c = &c[c.find('>').unwrap() + 1..];
            c[..c.find("</td>").unwrap()].trim().to_owned()
        })
        .collect()
}

async fn api(s: &TestServer, token: Option<&str>, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = match body {
        Some(b) => s.client.post(s.url(path)).json(&b),
        None => s.client.get(s.url(path)),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn hall(s: &TestServer, admin: &str) {
    let (st, _) = api(
        s,
        Some(admin),
        "/api/categories",
        Some(json!({"prefix": "A", "name": "企业开办", "items": ["SCJG-XK-001"]})),
    )
    .await;
    assert_eq!(st, 201);
    let (st, _) = api(
        s,
        Some(admin),
        "/api/windows",
        Some(json!({"number": "3", "name": "3号窗口", "categories": ["A"], "staff": ["staff"]})),
    )
    .await;
    assert_eq!(st, 201);
}

/// A ticket served and finished at window 3, then rated online; answers the evaluation id.
async fn rated(s: &TestServer, staff: &str, level: &str, reasons: &[&str]) -> String {
    let (st, t) = api(s, None, "/api/tickets", Some(json!({"category": "A"}))).await;
    assert_eq!(st, 201);
    let ticket = t["id"].as_str().unwrap().to_owned();
    let (st, _) = api(s, Some(staff), "/api/windows/3/call", Some(json!({}))).await;
    assert_eq!(st, 200);
    let (st, _) = api(
        s,
        Some(staff),
        &format!("/api/tickets/{ticket}/finish"),
        Some(json!({})),
    )
    .await;
    assert_eq!(st, 200);
    let (st, v) = api(
        s,
        None,
        "/api/evaluations",
        Some(json!({"ticket_id": ticket, "channel": "online", "level": level, "reasons": reasons, "comment": "等了很久"})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

async fn statistics_rectification_and_appeal(s: &TestServer) {
    let admin_token = s.login("admin").await;
    let staff_token = s.login("staff").await;
    hall(s, &admin_token).await;
    rated(s, &staff_token, "very_satisfied", &[]).await;
    rated(s, &staff_token, "satisfied", &[]).await;
    rated(s, &staff_token, "dissatisfied", &["服务态度差"]).await;
    let today = s.app.today();

    // Leadership and the administrator read it; window staff may not.
    let staff = session(s, "staff").await;
    let (status, _) = page(s, &staff, "/admin/satisfaction").await;
    assert_eq!(status, 403);
    let leader = session(s, "leader").await;
    let (_, dashboard) = page(s, &leader, "/admin").await;
    assert!(dashboard.contains("/admin/satisfaction"));
    let stats = format!("/admin/satisfaction?from={today}&to={today}&group_by=window");
    let (status, html) = page(s, &leader, &stats).await;
    assert_eq!(status, 200);
    assert!(html.contains("东海县政务服务中心 满意度评价统计表"));
    assert!(
        html.contains("@page")
            && html.contains("size: A4")
            && html.contains("制表人")
            && html.contains("审核人")
    );
    assert!(html.contains(domain::evaluation::RATE_FORMULA));
    assert!(
        html.contains("3号窗口") && html.contains("本月") && html.contains("上月") && html.contains("本年")
    );
    assert_eq!(
        total_row(&html),
        [
            "全中心合计",
            "3",
            "1",
            "1",
            "0",
            "1",
            "0",
            "3",
            "0",
            "1",
            "66.67%"
        ]
    );
    // This month by default; every grouping answers.
    let (status, html) = page(s, &leader, "/admin/satisfaction").await;
    assert_eq!(status, 200);
    assert!(html.contains("66.67%"));
    for by in ["department", "staff", "item", "channel", "none"] {
        let (status, html) = page(
            s,
            &leader,
            &format!("/admin/satisfaction?from={today}&to={today}&group_by={by}"),
        )
        .await;
        assert_eq!(status, 200, "{by}");
        assert!(html.contains("66.67%"), "{by}");
        if by == "staff" {
            assert!(html.contains("王芳"), "staff by name: {html}");
        }
    }
    let (_, html) = page(
        s,
        &leader,
        &format!("/admin/satisfaction?from={today}&to={today}&group_by=channel"),
    )
    .await;
    assert!(html.contains("线上评价"));
    let (status, html) = page(s, &leader, "/admin/satisfaction?from=2026-13-01").await;
    assert_eq!(status, 422);
    assert!(html.contains("日期格式"));
    let (status, html) = page(
        s,
        &leader,
        &format!("/admin/satisfaction?from={today}&group_by=floor"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("分组方式"));

    // The XLSX: a real workbook, by either address.
    for path in [
        format!("/admin/satisfaction.xlsx?from={today}&to={today}&group_by=window"),
        format!("/admin/satisfaction?from={today}&to={today}&group_by=department&format=xlsx"),
    ] {
        let resp = s.req("GET", &path).header("cookie", &leader).await;
        assert_eq!(resp.status, 200, "{path}");
        assert_eq!(
            resp.headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(
            resp.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains(".xlsx")
        );
        let bytes = resp.bytes;
        assert_eq!(&bytes[..2], b"PK");
        assert!(bytes.len() > 2000);
    }
    let resp = s
        .req("GET", "/admin/satisfaction.xlsx")
        .header("cookie", &staff)
        .await;
    assert_eq!(resp.status, 403);

    // Monthly figures for the assessment.
    let (status, html) = page(
        s,
        &leader,
        &format!("/admin/satisfaction/monthly?year={}", today.year()),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("12月") && html.contains("全年") && html.contains("66.67%"));
    let (status, _) = page(s, &leader, "/admin/satisfaction/monthly?year=abc").await;
    assert_eq!(status, 422);

    // The 差评 is on the rectification list, and goes through every step by form.
    let supervisor = session(s, "supervisor").await;
    // Leadership reads the list (and changes nothing); window staff do not see it.
    let (status, _) = page(s, &leader, "/admin/rectifications").await;
    assert_eq!(status, 200);
    let staff = session(s, "staff").await;
    let (status, _) = page(s, &staff, "/admin/rectifications").await;
    assert_eq!(status, 403);
    let (status, html) = page(s, &supervisor, "/admin/rectifications").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("待核实")
            && html.contains("服务态度差")
            && html.contains("3号窗口")
            && html.contains("不满意")
    );
    let at = html.find("href=\"/admin/rectifications/").unwrap() + "href=\"".len();
    let detail = html[at..].split('"').next().unwrap().to_owned();
    let (status, html) = page(s, &supervisor, &detail).await;
    assert_eq!(status, 200);
    assert!(html.contains("下一步：核实"));
    let csrf = csrf_of(&html);
    let (status, _) = post_form(
        s,
        &supervisor,
        &format!("{detail}/verify"),
        &[("csrf", "forged"), ("note", "属实")],
    )
    .await;
    assert_eq!(status, 403);
    let (_, html) = page(s, &supervisor, &detail).await;
    assert!(
        html.contains("下一步：核实"),
        "nothing changed without the CSRF secret"
    );
    let (status, body) = post_form(
        s,
        &supervisor,
        &format!("{detail}/verify"),
        &[("csrf", &csrf), ("note", "")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("情况说明"));
    for (step, note) in [
        ("verify", "调阅录像，情况属实"),
        ("rectify", "对窗口人员批评教育"),
        ("answer", "电话回访，已致歉"),
    ] {
        let (status, to) = post_form(
            s,
            &supervisor,
            &format!("{detail}/{step}"),
            &[("csrf", &csrf), ("note", note)],
        )
        .await;
        assert_eq!(status, 303, "{step}: {to}");
    }
    let (status, body) = post_form(
        s,
        &supervisor,
        &format!("{detail}/verify"),
        &[("csrf", &csrf), ("note", "再核实")],
    )
    .await;
    assert_eq!(status, 409);
    assert!(body.contains("状态"));
    let (_, html) = page(s, &supervisor, &detail).await;
    assert!(html.contains("下一步：办结") && html.contains("群众是否认可"));
    let (status, body) = post_form(
        s,
        &supervisor,
        &format!("{detail}/close"),
        &[("csrf", &csrf), ("note", "办结")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("认可"));
    let (status, _) = post_form(
        s,
        &supervisor,
        &format!("{detail}/close"),
        &[("csrf", &csrf), ("note", "群众表示满意"), ("accepted", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(s, &supervisor, &detail).await;
    assert!(html.contains("已办结") && html.contains("认可"));
    for note in [
        "调阅录像，情况属实",
        "对窗口人员批评教育",
        "电话回访，已致歉",
        "群众表示满意",
    ] {
        assert!(html.contains(note), "history has {note}");
    }
    let (_, html) = page(s, &supervisor, "/admin/rectifications?status=closed").await;
    assert!(html.contains("服务态度差"));
    let (_, html) = page(s, &supervisor, "/admin/rectifications").await;
    assert!(html.contains("没有这个状态的整改记录"));

    // An appeal decided on the page excludes the review.
    let bad = rated(s, &staff_token, "very_dissatisfied", &["其他"]).await;
    let (st, v) = api(
        s,
        Some(&staff_token),
        &format!("/api/evaluations/{bad}/appeal"),
        Some(json!({"reason": "恶意差评", "evidence": "录像 10:02 群众未办理业务即评价"})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let (status, html) = page(s, &supervisor, "/admin/appeals").await;
    assert_eq!(status, 200);
    assert!(html.contains("恶意差评") && html.contains("非常不满意"));
    let csrf = csrf_of(&html);
    let at = html.find("action=\"/admin/appeals/").unwrap() + "action=\"".len();
    let decide = html[at..].split('"').next().unwrap().to_owned();
    let (status, _) = post_form(
        s,
        &supervisor,
        &decide,
        &[("upheld", "yes"), ("decision", "成立"), ("csrf", "x")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = post_form(
        s,
        &supervisor,
        &decide,
        &[("csrf", &csrf), ("upheld", "yes"), ("decision", "")],
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = post_form(
        s,
        &supervisor,
        &decide,
        &[
            ("csrf", &csrf),
            ("upheld", "yes"),
            ("decision", "经调阅录像，申诉成立"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(s, &supervisor, "/admin/appeals?status=decided").await;
    assert!(html.contains("申诉成立，评价已剔除") && html.contains("经调阅录像"));
    let (_, html) = page(s, &leader, &stats).await;
    assert_eq!(
        total_row(&html),
        [
            "全中心合计",
            "4",
            "1",
            "1",
            "0",
            "1",
            "0",
            "3",
            "1",
            "1",
            "66.67%"
        ]
    );
}
on_both_backends!(statistics_rectification_and_appeal);

async fn import_and_reasons(s: &TestServer) {
    let admin = session(s, "admin").await;
    let (_, dashboard) = page(s, &admin, "/admin").await;
    for link in [
        "/admin/satisfaction\"",
        "/admin/rectifications",
        "/admin/appeals",
        "/admin/evaluation-reasons",
        "/admin/satisfaction/import",
    ] {
        assert!(dashboard.contains(link), "{link}");
    }
    let leader = session(s, "leader").await;
    let (status, _) = page(s, &leader, "/admin/satisfaction/import").await;
    assert_eq!(status, 403);
    let (status, html) = page(s, &admin, "/admin/satisfaction/import").await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&html);
    let send = |csrf: String, csv: &str| {
        let form = Form::new().text("csrf", csrf).text("csv", csv.to_owned());
        s.client
            .post(s.url("/admin/satisfaction/import"))
            .header("cookie", &admin)
            .multipart(form)
    };
    // A wrong row: refused with the row named, nothing stored.
    let resp = send(
        csrf.clone(),
        "date,window,level,count\n2014-06-30,3,非常满意,13345\n2014-06-31,3,满意,363\n",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("第3行"), "{body}");
    let resp = send("forged".into(), "date,window,level,count\n2014-06-30,3,满意,1\n")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let resp = send(
        csrf.clone(),
        "date,window,level,count\n2014-06-30,3,非常满意,13345\n2014-06-30,3,满意,363\n2014-06-30,3,不满意,143\n",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    let body = resp.text().await.unwrap();
    assert!(body.contains("已导入 3 行，共 13851 条评价"), "{body}");
    let (status, html) = page(
        s,
        &leader,
        "/admin/satisfaction?from=2014-01-01&to=2014-06-30&group_by=department",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        total_row(&html),
        [
            "全中心合计",
            "13851",
            "13345",
            "363",
            "0",
            "143",
            "0",
            "13851",
            "0",
            "143",
            "98.97%"
        ]
    );
    let (_, html) = page(s, &leader, "/admin/satisfaction/monthly?year=2014").await;
    assert!(html.contains("98.97%"));

    // The reasons list, one per line.
    let (status, html) = page(s, &admin, "/admin/evaluation-reasons").await;
    assert_eq!(status, 200);
    assert!(html.contains("等候时间长\n服务态度差"));
    let csrf = csrf_of(&html);
    let (status, _) = post_form(
        s,
        &admin,
        "/admin/evaluation-reasons",
        &[("csrf", "x"), ("reasons", "只有一项")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = post_form(
        s,
        &admin,
        "/admin/evaluation-reasons",
        &[("csrf", &csrf), ("reasons", " \n ")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("至少保留一项"));
    let (status, _) = post_form(
        s,
        &admin,
        "/admin/evaluation-reasons",
        &[
            ("csrf", &csrf),
            (
                "reasons",
                "等候时间长\r\n服务态度差\r\n\r\n材料要求不清楚\r\n其他",
            ),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, v) = api(s, None, "/api/evaluation-reasons", None).await;
    assert_eq!(
        v["reasons"],
        json!(["等候时间长", "服务态度差", "材料要求不清楚", "其他"])
    );
}
on_both_backends!(import_and_reasons);
