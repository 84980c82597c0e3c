//! The case pages: acceptance at the window through the form, the one-time
//! notice, supplement, the receipt with its query code, the lifecycle forms
//! and the public progress page (no ID number shown).

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use crate::support::{csrf_of, session};

const ID: &str = "11010519491231002X";
const FOOD: [&str; 3] = [
    "食品经营许可申请书",
    "与食品经营相适应的主要设备设施布局、操作流程文件",
    "食品安全自查、从业人员健康管理等保证食品安全的规章制度",
];

async fn page(s: &TestServer, cookie: &str, path: &str) -> (u16, String) {
    let a = s.req("GET", path).cookie(cookie).send().await;
    (a.status, a.text)
}

/// Posts a form; answers the status, the Location header and the body.
async fn post(s: &TestServer, cookie: &str, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let a = s.req("POST", path).cookie(cookie).form(form).send().await;
    (a.status, a.location().unwrap_or_default(), a.text)
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html.find(start).unwrap_or_else(|| panic!("{start} not in page")) + start.len();
    html[at..].split(end).next().unwrap()
}

async fn accept_notice_supplement_receipt_progress(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    // Not signed in: to the login page.
    let resp = s.req("GET", "/cases/new").await;
    assert_eq!(resp.status, 303);
    let staff = session(s, "staff").await;
    let (status, console) = page(s, &staff, "/console/3").await;
    assert_eq!(status, 200);
    assert!(console.contains("受理办件") && console.contains("/cases/new"));

    // Step one: the item, grouped by department; a search narrows it.
    let (status, html) = page(s, &staff, "/cases/new").await;
    assert_eq!(status, 200);
    assert!(html.contains("<optgroup") && html.contains("SCJG-XK-001"));
    let (_, html) = page(s, &staff, "/cases/new?q=%E9%A3%9F%E5%93%81").await;
    assert!(html.contains("SCJG-XK-001"));
    // Step two: the item's materials with their radio buttons.
    let (status, html) = page(s, &staff, "/cases/new?item=SCJG-XK-001").await;
    assert_eq!(status, 200);
    for m in FOOD {
        assert!(html.contains(m), "{m}");
    }
    assert!(html.contains("已提交") && html.contains("缺少"));
    let csrf = csrf_of(&html);
    let m0 = format!("m:{}", FOOD[0]);
    let m1 = format!("m:{}", FOOD[1]);
    let m2 = format!("m:{}", FOOD[2]);
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("item", "SCJG-XK-001"),
        ("ticket", ""),
        ("kind", "person"),
        ("name", "张三"),
        ("id_number", "110105194912310021"),
        ("phone", "13912345678"),
        ("agent", ""),
        ("agent_basis", ""),
        (m0.as_str(), "provided"),
        (m1.as_str(), "provided"),
        (m2.as_str(), "missing"),
    ];

    // A bad check digit: 422 in Chinese, the field marked, the input kept.
    let (status, location, body) = post(s, &staff, "/cases/new", &form).await;
    assert_eq!(status, 422, "{body}");
    assert!(location.is_empty());
    assert!(body.contains("身份证号"), "{body}");
    assert!(body.contains("id=\"id_number\" name=\"id_number\" maxlength=\"18\" autocomplete=\"off\" value=\"110105194912310021\" aria-invalid=\"true\""));
    assert!(body.contains("value=\"张三\""));
    // Without the CSRF secret: refused.
    form[0].1 = "forged";
    let (status, _, _) = post(s, &staff, "/cases/new", &form).await;
    assert_eq!(status, 403);
    form[0].1 = csrf.as_str();

    // One material missing: 补正, and the case page lists it.
    form[5].1 = ID;
    let (status, location, body) = post(s, &staff, "/cases/new", &form).await;
    assert_eq!(status, 303, "{body}");
    assert!(location.starts_with("/cases/"), "{location}");
    let (status, html) = page(s, &staff, &location).await;
    assert_eq!(status, 200);
    assert!(html.contains("待补正"));
    assert!(between(&html, "id=\"missing-list\">", "</ul>").contains(FOOD[2]));
    assert!(!html.contains(ID), "the case page shows the ID masked");
    let number = between(&html, "<h1>办件 ", "</h1>").to_owned();

    // The one-time notice lists it with its form, and a date to bring it.
    let (status, notice) = page(s, &staff, &format!("{location}/notice")).await;
    assert_eq!(status, 200);
    assert!(notice.contains("一次性告知书") && notice.contains("size: A4"));
    let rows = between(&notice, "id=\"notice-materials\">", "</tbody>");
    assert!(rows.contains(FOOD[2]) && rows.contains("原件"), "{rows}");
    assert!(!rows.contains(FOOD[0]));
    assert!(!between(&notice, "id=\"return-by\">", "</b>").contains('—'));
    assert!(!notice.contains(ID) && notice.contains("1101**********002X"));
    // No receipt before acceptance.
    let (status, _) = page(s, &staff, &format!("{location}/receipt")).await;
    assert_eq!(status, 409);

    // Supplement through the form → accepted, with a deadline.
    let (_, html) = page(s, &staff, &location).await;
    let csrf = csrf_of(&html);
    let (status, back, body) = post(
        s,
        &staff,
        &format!("{location}/supplement"),
        &[("csrf", csrf.as_str()), (m2.as_str(), "provided")],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let (_, html) = page(s, &staff, &back).await;
    assert!(html.contains("补正材料齐全"), "{html}");
    assert!(html.contains("data-status=\"accepted\""));
    assert!(html.contains("id=\"print-receipt\""));

    // The receipt: number, query code in large type, where to query.
    let (status, receipt) = page(s, &staff, &format!("{location}/receipt")).await;
    assert_eq!(status, 200);
    assert!(receipt.contains(&number));
    let code = between(&receipt, "id=\"query-code\">", "<").trim().to_owned();
    assert!(!code.is_empty());
    assert!(receipt.contains("/progress") && receipt.contains("张*"));
    assert!(!receipt.contains(ID) && !receipt.contains("张三"));

    // The citizen's progress page, no sign-in: by the code, and by number + phone.
    let (status, home) = page(s, "", "/").await;
    assert_eq!(status, 200);
    assert!(home.contains("href=\"/progress\""));
    let (status, html) = page(s, "", "/progress").await;
    assert_eq!(status, 200);
    assert!(html.contains("查询码"));
    let (status, html) = page(s, "", &format!("/progress?code={code}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(between(&html, "id=\"progress-status\">", "<").contains("已受理"));
    assert!(html.contains("一次性告知补正材料") && html.contains("补正材料"));
    assert!(!html.contains(ID) && !html.contains("张三") && html.contains("张*"));
    let (status, html) = page(s, "", &format!("/progress?number={}&phone_last4=5678", number)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&number));
    let (status, html) = page(s, "", &format!("/progress?number={}&phone_last4=0000", number)).await;
    assert_eq!(status, 404);
    assert!(html.contains("没有查到"));
    let (status, _) = page(s, "", "/progress?number=x&phone_last4=12").await;
    assert_eq!(status, 422);

    // Decide, then complete, then deliver, each through its form.
    let (status, back, body) = post(
        s,
        &staff,
        &format!("{location}/act/decide"),
        &[("csrf", csrf.as_str()), ("approved", "yes"), ("reason", "")],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let (_, html) = page(s, &staff, &back).await;
    assert!(html.contains("data-status=\"decided\""));
    let (status, _, _) = post(
        s,
        &staff,
        &format!("{location}/act/complete"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(s, "", &format!("/progress?code={code}")).await;
    assert!(between(&html, "id=\"progress-status\">", "<").contains("已办结"));
    // An action out of turn: a 409 page in Chinese.
    let (status, _, body) = post(
        s,
        &staff,
        &format!("{location}/act/pause"),
        &[("csrf", csrf.as_str()), ("reason", "专家评审")],
    )
    .await;
    assert_eq!(status, 409, "{body}");
}
on_both_backends!(accept_notice_supplement_receipt_progress);

async fn refusal_needs_a_reason_and_prints(s: &TestServer) {
    let staff = session(s, "staff").await;
    let (_, html) = page(s, &staff, "/cases/new?item=SCJG-XK-001").await;
    let csrf = csrf_of(&html);
    let m0 = format!("m:{}", FOOD[0]);
    let (status, location, body) = post(
        s,
        &staff,
        "/cases/new",
        &[
            ("csrf", csrf.as_str()),
            ("item", "SCJG-XK-001"),
            ("kind", "organisation"),
            ("name", "某某餐饮有限公司"),
            ("uscc", "91350100M000100Y43"),
            ("legal_rep", "李四"),
            ("phone", "13912340000"),
            (m0.as_str(), "missing"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let (status, notice) = page(s, &staff, &format!("{location}/notice")).await;
    assert_eq!(status, 200);
    // Every missing material at once: the ticked one and the unticked required ones.
    for m in FOOD {
        assert!(notice.contains(m), "{m}");
    }
    let (status, _) = page(s, &staff, &format!("{location}/refusal")).await;
    assert_eq!(status, 409);
    let (status, _, _) = post(
        s,
        &staff,
        &format!("{location}/act/refuse"),
        &[("csrf", csrf.as_str()), ("reason", "")],
    )
    .await;
    assert_eq!(status, 422);
    let (status, _, _) = post(
        s,
        &staff,
        &format!("{location}/act/refuse"),
        &[
            ("csrf", csrf.as_str()),
            ("reason", "申请事项不属于本机关职权范围"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (status, html) = page(s, &staff, &format!("{location}/refusal")).await;
    assert_eq!(status, 200);
    assert!(html.contains("不予受理通知书") && html.contains("申请事项不属于本机关职权范围"));
    assert!(!html.contains("91350100M000100Y43"));
}
on_both_backends!(refusal_needs_a_reason_and_prints);
