//! Issue 17's pages over HTTP on both backends: the 一件事受理 page (who may
//! open it, a bad 身份证号 refused in Chinese with the form kept and nothing
//! stored, a good one → the parent case with its sub-cases), the staff
//! timeline page (who may open it) and the public rating on the progress
//! page (a wrong query code refused, the right one recorded once).

use crate::on_both_backends;
use crate::support::{Backend, TestServer, csrf_of, page, session};
use serde_json::json;

const FOOD: [&str; 3] = [
    "食品经营许可申请书",
    "与食品经营相适应的主要设备设施布局、操作流程文件",
    "食品安全自查、从业人员健康管理等保证食品安全的规章制度",
];

async fn bundle_page_timeline_page_and_public_rating(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let staff = session(s, "staff").await;
    let leader = session(s, "leader").await;
    let liaison = session(s, "liaison").await;

    // Who opens the bundle page: window staff (and the admin), not the leader or a liaison.
    let resp = s.req("GET", "/cases/bundle").await;
    assert_eq!(resp.status, 303, "to the login page");
    for cookie in [&leader, &liaison] {
        let (status, _) = page(s, cookie, "/cases/bundle").await;
        assert_eq!(status, 403);
    }
    let (status, list) = page(s, &staff, "/cases/bundle").await;
    assert_eq!(status, 200);
    assert!(list.contains("新生儿出生一件事") && list.contains("YJS-003"));
    let (status, dashboard) = page(s, &staff, "/admin").await;
    assert_eq!(status, 200);
    assert!(dashboard.contains("href=\"/cases/bundle\""));
    let (status, form) = page(s, &staff, "/cases/bundle?bundle=YJS-001").await;
    assert_eq!(status, 200);
    assert_eq!(form.matches("class=\"bundle-item\"").count(), 4);
    let csrf = csrf_of(&form);

    // A bad 身份证号: 422 naming it, what was typed kept, no case stored.
    let base = [
        ("csrf", csrf.as_str()),
        ("bundle", "YJS-001"),
        ("kind", "person"),
        ("name", "李四"),
        ("phone", "13812345678"),
        ("m:出生医学证明首次签发登记表", "provided"),
        ("m:社会保障卡申领登记表", "missing"),
    ];
    let mut bad = base.to_vec();
    bad.push(("id_number", "110105194912310021"));
    let a = s
        .req("POST", "/cases/bundle")
        .cookie(staff.as_str())
        .form(&bad)
        .send()
        .await;
    assert_eq!(a.status, 422, "{}", a.text);
    assert!(a.text.contains("身份证号") && a.text.contains("value=\"李四\""));
    let admin = s.login("admin").await;
    let (_, ledger) = s.get("/api/cases", &admin).await;
    assert_eq!(ledger["total"].as_u64().unwrap_or(0), 0, "{ledger}");

    // A good one: 补正 for the missing material, the parent page lists the four sub-cases.
    let mut good = base.to_vec();
    good.push(("id_number", "11010519491231002X"));
    let a = s
        .req("POST", "/cases/bundle")
        .cookie(staff.as_str())
        .form(&good)
        .send()
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let to = a.location().unwrap();
    assert!(to.starts_with("/cases/"), "{to}");
    let (status, parent) = page(s, &staff, &to).await;
    assert_eq!(status, 200);
    assert!(parent.contains("id=\"sub-cases\"") && parent.contains("社会保障卡申领登记表"));
    assert_eq!(
        parent.matches("-1</a>").count() + parent.matches("-4</a>").count(),
        2
    );
    assert!(parent.contains("id=\"timeline-link\""));

    // A completed case from the API, its timeline page, its public rating.
    let token = s.login("staff").await;
    let materials: Vec<_> = FOOD
        .iter()
        .map(|n| json!({"name": n, "status": "provided"}))
        .collect();
    let (st, c) = s
        .post(
            "/api/cases",
            &token,
            json!({"item": "SCJG-XK-001", "materials": materials,
                   "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13912345678"}}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_owned();
    let code = c["query_code"].as_str().unwrap().to_owned();
    for action in ["review", "decide", "complete"] {
        let body = if action == "decide" {
            json!({"approved": true})
        } else {
            json!({})
        };
        let (st, v) = s.post(&format!("/api/cases/{id}/{action}"), &token, body).await;
        assert_eq!(st, 200, "{action}: {v}");
    }
    let (status, _) = page(s, &leader, &format!("/cases/{id}/timeline")).await;
    assert_eq!(status, 403);
    let (status, case_page) = page(s, &leader, &format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        !case_page.contains("timeline-link"),
        "no link the leader cannot follow"
    );
    let (status, tl) = page(s, &liaison, &format!("/cases/{id}/timeline")).await;
    assert_eq!(status, 200);
    assert!(tl.contains("data-kind=\"accepted\"") && tl.contains("data-kind=\"completed\""));

    let (status, progress) = page(s, "", &format!("/progress?code={code}")).await;
    assert_eq!(status, 200);
    assert!(progress.contains("id=\"rate-case-form\"") && !progress.contains("王芳"));
    let form = |code: &str| {
        vec![
            ("case_id".to_owned(), id.clone()),
            ("lookup_code".to_owned(), code.to_owned()),
            ("code".to_owned(), code.to_owned()),
            ("level".to_owned(), "very_satisfied".to_owned()),
        ]
    };
    let wrong = form("AAAAAAAA");
    let fields: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let a = s.req("POST", "/progress/rate").form(&fields).send().await;
    assert_eq!(a.status, 403, "{}", a.text);
    let right = form(&code);
    let fields: Vec<(&str, &str)> = right.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let a = s.req("POST", "/progress/rate").form(&fields).send().await;
    assert_eq!(a.status, 303, "{}", a.text);
    let (status, after) = page(s, "", &a.location().unwrap()).await;
    assert_eq!(status, 200);
    assert!(after.contains("id=\"rate-thanks\"") && !after.contains("id=\"rate-case-form\""));
    let a = s.req("POST", "/progress/rate").form(&fields).send().await;
    assert_eq!(a.status, 409, "rated once online");
    assert!(a.text.contains("已通过此渠道评价过"));
}
on_both_backends!(bundle_page_timeline_page_and_public_rating);
