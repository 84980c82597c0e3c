//! 投诉 pages: the public form (large type, anonymous allowed) with its
//! receipt and field-named errors, progress by query code, and the 督查科's
//! list, intake and steps behind a session; staff cannot read complaints.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, csrf_of, page, session};

async fn complaint_pages(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let (st, html) = page(s, "", "/complaint").await;
    assert_eq!(st, 200);
    assert!(html.contains("投诉与建议") && html.contains("3号窗口"), "{html}");

    // A mistake keeps what was typed and says what is wrong.
    let empty = s
        .req("POST", "/complaint")
        .form(&[("category", "attitude"), ("content", ""), ("anonymous", "on")])
        .send()
        .await;
    assert_eq!(empty.status, 422, "{}", empty.text);
    assert!(empty.text.contains("请填写投诉内容"));
    // Another site cannot post it.
    let forged = s
        .req("POST", "/complaint")
        .header("origin", "http://evil.example")
        .plain_form(&[("content", "态度差"), ("anonymous", "on")])
        .send()
        .await;
    assert_eq!(forged.status, 403);

    let done = s
        .req("POST", "/complaint")
        .form(&[
            ("category", "attitude"),
            ("content", "2号窗口工作人员态度生硬，不耐烦"),
            ("window", "2"),
            ("name", "李明"),
            ("phone", "13900001111"),
        ])
        .send()
        .await;
    assert_eq!(done.status, 201, "{}", done.text);
    assert!(done.text.contains("查询码"));
    let code_at = done.text.find("class=\"receipt-code\">").unwrap() + "class=\"receipt-code\">".len();
    let code = &done.text[code_at..code_at + 8];

    // Progress by query code, the name masked.
    let (st, html) = page(s, "", &format!("/complaint/progress?code={code}")).await;
    assert_eq!(st, 200);
    assert!(
        html.contains("已登记") && html.contains("李*") && !html.contains("13900001111"),
        "{html}"
    );

    // Staff never read complaints; they may record one from the desk.
    let staff = session(s, "staff").await;
    let (st, _) = page(s, &staff, "/supervise/complaints").await;
    assert_eq!(st, 403);
    let (st, html) = page(s, &staff, "/supervise/complaints/new").await;
    assert_eq!(st, 200, "{html}");
    let desk = s
        .submit(
            &staff,
            "/supervise/complaints/new",
            &[
                ("csrf", &csrf_of(&html)),
                ("channel", "hotline"),
                ("category", "fees"),
                ("content", "12345转办：办理不动产登记被收取材料费"),
                ("department", "东海县不动产登记中心"),
                ("anonymous", "on"),
            ],
        )
        .await;
    assert_eq!(desk.status, 201, "{}", desk.text);
    assert!(desk.text.contains("已登记投诉"));

    // The 督查科: the list, one complaint with the complainant (logged), a step.
    let supervisor = session(s, "supervisor").await;
    let (st, list) = page(s, &supervisor, "/supervise/complaints").await;
    assert_eq!(st, 200);
    assert!(
        list.contains("态度（生冷硬横）") && list.contains("违规收费"),
        "{list}"
    );
    let rows: Vec<&str> = list
        .match_indices("href=\"/supervise/complaints/")
        .map(|(i, _)| &list[i + 6..])
        .filter(|rest| !rest.starts_with("/supervise/complaints/new"))
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let mut seen_named = false;
    for href in rows {
        let (st, html) = page(s, &supervisor, href).await;
        assert_eq!(st, 200);
        if html.contains("13900001111") {
            seen_named = true;
            assert!(html.contains("李明") && html.contains("已记入操作日志"));
            let accepted = s
                .submit(
                    &supervisor,
                    &format!("{href}/accept"),
                    &[("csrf", &csrf_of(&html)), ("note", "已受理，转督查科调查")],
                )
                .await;
            assert_eq!(accepted.status, 303, "{}", accepted.text);
            let (_, html) = page(s, &supervisor, href).await;
            assert!(html.contains("已受理") && html.contains("下一步：调查"), "{html}");
        }
    }
    assert!(seen_named);
    // The leader reads complaints but takes no step and never sees the complainant.
    let leader = session(s, "leader").await;
    let (st, list) = page(s, &leader, "/supervise/complaints").await;
    assert_eq!(st, 200);
    assert!(!list.contains("13900001111"));
}

on_both_backends!(complaint_pages);
