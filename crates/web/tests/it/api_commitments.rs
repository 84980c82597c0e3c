//! 告知承诺制 and 数据共享、电子证照 over HTTP (issue 17), each on both
//! backends: a commitment only where the catalog allows it, the verification
//! task with its due date, 属实/不实, the credit record at the applicant's next
//! acceptance, the revocation; licences imported, shared materials found
//! valid or refused, the sharing log for staff and the public; who may do what.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, field};
use serde_json::{Value, json};

const SMALL_FOOD: &str = "SCJG-XK-003";
const PERSON: &str = "11010519491231002X";
const OTHER_PERSON: &str = "110101199003070011";
const COMPANY: &str = "91350100M000100Y43";

fn person(id: &str) -> Value {
    json!({"name": "张三", "id_number": id, "phone": "13912345678"})
}

/// 小餐饮经营许可: the form and the ID provided, the premises' proof and the
/// health certificate by commitment (the catalog allows both).
fn small_food(applicant: Value, health: &str, id_card: &str) -> Value {
    json!({"item": SMALL_FOOD, "applicant": applicant, "materials": [
        {"name": "小餐饮经营许可申请表", "status": "provided"},
        {"name": "经营者身份证", "status": id_card},
        {"name": "经营场所使用证明", "status": "commitment"},
        {"name": "从业人员健康证明", "status": health},
    ]})
}

async fn add_liaison(s: &TestServer, username: &str, department: &str) -> String {
    let admin = s.login("admin").await;
    let (st, v) = s
        .post(
            "/api/users",
            &admin,
            json!({"username": username, "display_name": username, "role": "liaison",
                   "department": department, "password": app::demo::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    s.login(username).await
}

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or_default()
}

async fn pending(s: &TestServer, token: &str) -> Vec<Value> {
    let (st, v) = s.get("/api/commitments?status=pending", token).await;
    assert_eq!(st, 200, "{v}");
    v["items"].as_array().unwrap().clone()
}

async fn commitments_verified_credit_and_revocation(s: &TestServer) {
    let staff = s.login("staff").await;
    let liaison = s.login("liaison").await;
    let supervisor = s.login("supervisor").await;
    let police = add_liaison(s, "liaison_ga", "GA").await;

    // A commitment the catalog does not allow: 422 naming the material, nothing stored.
    let mut refused = small_food(person(PERSON), "commitment", "provided");
    refused["materials"][0]["status"] = json!("commitment");
    let (st, v) = s.post("/api/cases", &staff, refused).await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    assert!(message(&v).contains("小餐饮经营许可申请表"), "{v}");
    assert!(pending(s, &liaison).await.is_empty());
    // One the item does not list at all.
    let mut unknown = small_food(person(PERSON), "commitment", "provided");
    unknown["materials"][0] = json!({"name": "房产证", "status": "commitment"});
    let (st, v) = s.post("/api/cases", &staff, unknown).await;
    assert_eq!(st, 422, "{v}");
    assert!(message(&v).contains("房产证"), "{v}");

    // Allowed: accepted without the proofs, one task per committed material.
    let (st, case) = s
        .post(
            "/api/cases",
            &staff,
            small_food(person(PERSON), "commitment", "provided"),
        )
        .await;
    assert_eq!(st, 201, "{case}");
    assert_eq!(case["status"], "accepted", "{case}");
    assert!(case.get("credit_warnings").is_none(), "no record yet: {case}");
    let case_id = case["id"].as_str().unwrap().to_owned();
    let due = s
        .app
        .deadline(s.app.today(), s.app.settings.cases.verification_days)
        .await
        .unwrap()
        .date
        .to_string();
    let tasks = pending(s, &liaison).await;
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    for t in &tasks {
        assert_eq!(t["case_id"].as_str(), Some(case_id.as_str()));
        assert_eq!(t["due"].as_str(), Some(due.as_str()));
        assert!(t["id"].is_string());
        assert_eq!(t["overdue"], false);
        assert!(!t.to_string().contains(PERSON), "masked: {t}");
    }
    let mut materials: Vec<&str> = tasks.iter().map(|t| t["material"].as_str().unwrap()).collect();
    materials.sort();
    assert_eq!(materials, ["从业人员健康证明", "经营场所使用证明"]);
    assert_eq!(pending(s, &supervisor).await.len(), 2);

    // Who may see them: not window staff, not another department, not nobody.
    assert_eq!(s.get("/api/commitments?status=pending", &staff).await.0, 403);
    assert_eq!(s.get("/api/commitments?status=pending", "").await.0, 401);
    assert!(pending(s, &police).await.is_empty());
    let (st, v) = s.get("/api/commitments?status=maybe", &liaison).await;
    assert_eq!((st, field(&v)), (422, Some("status")), "{v}");

    let task = |name: &str| {
        tasks.iter().find(|t| t["material"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let premises = task("经营场所使用证明");
    let health = task("从业人员健康证明");
    let verify = |id: &str| format!("/api/commitments/{id}/verify");
    // Another department's liaison may not record the outcome.
    let (st, _) = s
        .post(&verify(&premises), &police, json!({"outcome": true}))
        .await;
    assert_eq!(st, 403);
    let (st, v) = s
        .post(&verify(&premises), &liaison, json!({"outcome": true}))
        .await;
    assert_eq!((st, v["status"].as_str()), (200, Some("true")), "{v}");
    let (st, v) = s
        .post(
            &verify(&premises),
            &liaison,
            json!({"outcome": false, "note": "x"}),
        )
        .await;
    assert_eq!(st, 409, "{v}");
    // 不实 needs what was found.
    let (st, v) = s
        .post(&verify(&health), &liaison, json!({"outcome": false}))
        .await;
    assert_eq!((st, field(&v)), (422, Some("note")), "{v}");
    let (st, v) = s
        .post(
            &verify(&health),
            &liaison,
            json!({"outcome": false, "note": "经核查，健康证明系伪造"}),
        )
        .await;
    assert_eq!((st, v["status"].as_str()), (200, Some("false")), "{v}");
    assert!(pending(s, &liaison).await.is_empty());
    let (st, all) = s.get("/api/commitments", &liaison).await;
    assert_eq!((st, all["items"].as_array().map(Vec::len)), (200, Some(2)));

    // The applicant's next acceptance warns the staff of the credit record.
    let (st, next) = s
        .post(
            "/api/cases",
            &staff,
            json!({"item": SMALL_FOOD, "applicant": person(PERSON), "materials": [
                {"name": "小餐饮经营许可申请表", "status": "provided"},
                {"name": "经营者身份证", "status": "provided"},
                {"name": "经营场所使用证明", "status": "provided"},
                {"name": "从业人员健康证明", "status": "provided"},
            ]}),
        )
        .await;
    assert_eq!(st, 201, "{next}");
    let warnings = next["credit_warnings"].as_array().expect("a credit warning");
    assert_eq!(warnings.len(), 1, "{next}");
    assert_eq!(warnings[0]["material"], "从业人员健康证明");
    assert_eq!(warnings[0]["case_id"].as_str(), Some(case_id.as_str()));
    assert!(!next.to_string().contains(PERSON));
    // Another applicant: no warning.
    let (st, clean) = s
        .post(
            "/api/cases",
            &staff,
            small_food(person(OTHER_PERSON), "provided", "provided"),
        )
        .await;
    assert_eq!(st, 201, "{clean}");
    assert!(clean.get("credit_warnings").is_none(), "{clean}");

    // 撤销: only once the decision approved, with a reason, by the department or supervision.
    let revoke = format!("/api/cases/{case_id}/revoke");
    let (st, v) = s.post(&revoke, &liaison, json!({"reason": "承诺不实"})).await;
    assert_eq!(st, 409, "not decided yet: {v}");
    let (st, v) = s
        .post(
            &format!("/api/cases/{case_id}/decide"),
            &staff,
            json!({"approved": true, "reason": "符合条件"}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(s.post(&revoke, &staff, json!({"reason": "x"})).await.0, 403);
    assert_eq!(s.post(&revoke, "", json!({"reason": "x"})).await.0, 401);
    assert_eq!(s.post(&revoke, &police, json!({"reason": "x"})).await.0, 403);
    let (st, v) = s.post(&revoke, &liaison, json!({"reason": " "})).await;
    assert_eq!((st, field(&v)), (422, Some("reason")), "{v}");
    let (st, v) = s
        .post(
            &revoke,
            &liaison,
            json!({"reason": "告知承诺核查不实，依法撤销许可决定"}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let steps = v["steps"].as_array().unwrap();
    let last = steps.last().unwrap();
    assert_eq!(last["action"], "revoke", "{v}");
    assert!(last["note"].as_str().unwrap().contains("依法撤销"));
    assert_eq!(
        s.post(&revoke, &supervisor, json!({"reason": "再次"})).await.0,
        409
    );
    // A case without a false commitment cannot be revoked.
    let clean_id = clean["id"].as_str().unwrap();
    let (st, _) = s
        .post(
            &format!("/api/cases/{clean_id}/revoke"),
            &supervisor,
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(st, 409);

    // The public progress shows the revocation as a step.
    let code = case["query_code"].as_str().unwrap();
    let (st, p) = s.get_json(&format!("/api/progress?code={code}")).await;
    assert_eq!(st, 200, "{p}");
    assert!(p["steps"].to_string().contains("撤销决定"), "{p}");

    // Every step is audit-logged.
    let audit = s.app.audit_log(1, 500).await.unwrap();
    for action in [
        "commitment.sign",
        "commitment.verify",
        "credit.record",
        "case.revoke",
    ] {
        assert!(audit.iter().any(|e| e.action == action), "{action}");
    }
}
on_both_backends!(commitments_verified_credit_and_revocation);

async fn licences_and_shared_materials(s: &TestServer) {
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let police = add_liaison(s, "liaison_ga", "GA").await;
    let far_future = "2099-12-31";

    // A bad holder refuses the whole file, naming the line; nothing stored.
    let bad = format!(
        "holder,type,number,valid_until\n{PERSON},经营者身份证,ID-1,{far_future}\n110105194912310021,经营者身份证,ID-2,\n"
    );
    let resp = s.upload("/api/licences/import", &admin, bad).await;
    assert_eq!(resp.status, 422);
    let body = resp.json();
    assert_eq!(field(&body), Some("holder"), "{body}");
    assert!(message(&body).contains("第3行"), "{body}");
    let (st, list) = s.get("/api/licences", &admin).await;
    assert_eq!((st, list["items"].as_array().map(Vec::len)), (200, Some(0)));
    let resp = s
        .upload("/api/licences/import", &admin, "holder,type\nx,y\n")
        .await;
    assert_eq!(resp.status, 422);
    let resp = s
        .upload(
            "/api/licences/import",
            &admin,
            format!("holder,type,number,valid_until\n{PERSON},经营者身份证,ID-1,2025-13-01\n"),
        )
        .await;
    assert_eq!((resp.status, field(&resp.json())), (422, Some("valid_until")));

    let csv = format!(
        "\u{feff}holder,type,number,valid_until\r\n{PERSON},经营者身份证,ID-1,{far_future}\r\n{COMPANY},营业执照,LIC-OLD,2001-01-01\r\n"
    );
    assert_eq!(
        s.upload("/api/licences/import", &staff, csv.clone()).await.status,
        403
    );
    assert_eq!(
        s.upload("/api/licences/import", "", csv.clone()).await.status,
        401
    );
    let resp = s.upload("/api/licences/import", &admin, csv).await;
    assert_eq!(resp.status, 201, "{}", resp.text);
    assert_eq!(resp.json()["imported"], 2);
    let (_, list) = s.get("/api/licences", &admin).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    assert!(
        !list.to_string().contains(PERSON) && !list.to_string().contains(COMPANY),
        "{list}"
    );
    assert_eq!(s.get("/api/licences", &staff).await.0, 403);

    // Found and valid: accepted, the record used is logged on the case.
    let (st, case) = s
        .post(
            "/api/cases",
            &staff,
            small_food(person(PERSON), "provided", "shared"),
        )
        .await;
    assert_eq!((st, case["status"].as_str()), (201, Some("accepted")), "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    let access = format!("/api/cases/{id}/data-access");
    let (st, log) = s.get(&access, &staff).await;
    assert_eq!(st, 200, "{log}");
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    assert_eq!(items[0]["source"], "population");
    assert_eq!(items[0]["material"], "经营者身份证");
    assert_eq!(items[0]["by"], "staff");
    assert_eq!(items[0]["licence_number"], "ID-1");
    assert!(items[0]["at"].is_string());
    assert_eq!(s.get(&access, &leader).await.0, 200);
    assert_eq!(s.get(&access, &s.login("supervisor").await).await.0, 200);
    assert_eq!(s.get(&access, &s.login("liaison").await).await.0, 200);
    assert_eq!(s.get(&access, &police).await.0, 403, "another department's case");
    assert_eq!(s.get(&access, "").await.0, 401);
    assert_eq!(
        s.get(
            "/api/cases/00000000-0000-7000-8000-000000000000/data-access",
            &staff
        )
        .await
        .0,
        404
    );

    // The applicant sees source, material and date on the public progress, no staff names.
    let code = case["query_code"].as_str().unwrap();
    let (st, p) = s.get_json(&format!("/api/progress?code={code}")).await;
    assert_eq!(st, 200);
    assert_eq!(p["shared_data"][0]["source"], "人口库", "{p}");
    assert_eq!(p["shared_data"][0]["material"], "经营者身份证");
    assert!(p["shared_data"][0]["date"].is_string());
    assert!(!p["shared_data"].to_string().contains("staff"));

    // Nothing found for this applicant: 422 naming the material, nothing stored.
    let before = s.app.audit_log(1, 500).await.unwrap().len();
    let (st, v) = s
        .post(
            "/api/cases",
            &staff,
            small_food(person(OTHER_PERSON), "provided", "shared"),
        )
        .await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    assert!(message(&v).contains("经营者身份证"), "{v}");
    assert_eq!(
        s.app.audit_log(1, 500).await.unwrap().len(),
        before,
        "nothing written"
    );

    // A material the catalog does not share: refused by name.
    let mut not_shared = small_food(person(PERSON), "provided", "provided");
    not_shared["materials"][0]["status"] = json!("shared");
    let (st, v) = s.post("/api/cases", &staff, not_shared).await;
    assert_eq!(st, 422);
    assert!(message(&v).contains("小餐饮经营许可申请表"), "{v}");

    // A company whose only 营业执照 expired: refused; valid once renewed.
    let company = json!({"name": "东海某餐饮有限公司", "uscc": COMPANY});
    let food = |applicant: Value| {
        json!({"item": "SCJG-XK-001", "applicant": applicant, "materials": [
            {"name": "食品经营许可申请书", "status": "provided"},
            {"name": "营业执照", "status": "shared"},
            {"name": "法定代表人身份证", "status": "provided"},
            {"name": "与食品经营相适应的主要设备设施布局、操作流程文件", "status": "provided"},
            {"name": "食品安全自查、从业人员健康管理等保证食品安全的规章制度", "status": "provided"},
        ]})
    };
    let (st, v) = s.post("/api/cases", &staff, food(company.clone())).await;
    assert_eq!(st, 422, "{v}");
    assert!(message(&v).contains("营业执照"), "{v}");
    let resp = s
        .upload(
            "/api/licences/import",
            &admin,
            format!("holder,type,number,valid_until\n{COMPANY},营业执照,LIC-NEW,\n"),
        )
        .await;
    assert_eq!(resp.status, 201);
    let (st, v) = s.post("/api/cases", &staff, food(company)).await;
    assert_eq!(st, 201, "{v}");
    let (_, log) = s
        .get(
            &format!("/api/cases/{}/data-access", v["id"].as_str().unwrap()),
            &staff,
        )
        .await;
    assert_eq!(log["items"][0]["source"], "legal_entity", "{log}");
    assert_eq!(log["items"][0]["licence_number"], "LIC-NEW");
    assert!(log["items"][0]["valid_until"].is_null());

    let audit = s.app.audit_log(1, 500).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "licence.import"));
    assert_eq!(audit.iter().filter(|e| e.action == "data.share").count(), 2);
}
on_both_backends!(licences_and_shared_materials);

/// The pages: the 核查 list with its outcome form, the A4 letter, the licence
/// import, the case page's warning and sharing log, the public progress.
async fn commitment_pages(s: &TestServer) {
    use crate::support::{csrf_of, page, session};
    let staff = s.login("staff").await;
    let admin_page = session(s, "admin").await;
    let liaison_page = session(s, "liaison").await;
    let staff_page = session(s, "staff").await;

    // 共享证照: imported through the form, listed masked.
    let (st, html) = page(s, &admin_page, "/admin/licences").await;
    assert_eq!(st, 200);
    let csv = format!("holder,type,number,valid_until\n{PERSON},经营者身份证,ID-9,2099-12-31\n");
    let resp = s
        .req("POST", "/admin/licences/import")
        .cookie(admin_page.as_str())
        .form(&[("csrf", csrf_of(&html).as_str()), ("csv", csv.as_str())])
        .send()
        .await;
    assert_eq!(resp.status, 303, "{}", resp.text);
    let (_, html) = page(s, &admin_page, "/admin/licences").await;
    assert!(html.contains("ID-9") && html.contains("人口库") && !html.contains(PERSON));
    let bad = "holder,type,number,valid_until\n123,经营者身份证,ID-1,\n";
    let resp = s
        .req("POST", "/admin/licences/import")
        .cookie(admin_page.as_str())
        .form(&[("csrf", csrf_of(&html).as_str()), ("csv", bad)])
        .send()
        .await;
    assert_eq!(resp.status, 422);
    assert!(resp.text.contains("第2行"), "the line is named");
    assert_eq!(page(s, &staff_page, "/admin/licences").await.0, 403);

    // A case with a commitment and a shared record.
    let (st, case) = s
        .post(
            "/api/cases",
            &staff,
            small_food(person(PERSON), "commitment", "shared"),
        )
        .await;
    assert_eq!(st, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();

    // 核查 list: the task with its due date and the outcome form.
    let (st, html) = page(s, &liaison_page, "/admin/commitments").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("从业人员健康证明") && html.contains("记录结论"),
        "{html}"
    );
    assert_eq!(page(s, &staff_page, "/admin/commitments").await.0, 403);
    let tasks = pending(s, &s.login("liaison").await).await;
    let health = tasks
        .iter()
        .find(|t| t["material"] == "从业人员健康证明")
        .unwrap();
    let task_id = health["id"].as_str().unwrap();
    assert!(html.contains(health["due"].as_str().unwrap()));

    // The A4 letter: the item, the material, the consequences, signature lines.
    let (st, letter) = page(
        s,
        &staff_page,
        &format!("/cases/{id}/commitments/{task_id}/letter"),
    )
    .await;
    assert_eq!(st, 200);
    for want in [
        "证明事项告知承诺书",
        "从业人员健康证明",
        "小餐饮经营许可",
        "不实承诺的法律责任",
        "申请人（签字/盖章）",
        "@page { size: A4",
    ] {
        assert!(letter.contains(want), "the letter lacks {want}");
    }
    assert!(!letter.contains(PERSON), "the ID number is masked");

    // 不实 through the form → the next case page warns of the credit record.
    let resp = s
        .req("POST", &format!("/admin/commitments/{task_id}/verify"))
        .cookie(liaison_page.as_str())
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("outcome", "false"),
            ("note", "健康证明已过期"),
        ])
        .send()
        .await;
    assert_eq!(resp.status, 303, "{}", resp.text);
    let (_, case_html) = page(s, &staff_page, &format!("/cases/{id}")).await;
    assert!(
        case_html.contains("数据共享调取记录") && case_html.contains("ID-9"),
        "the sharing log"
    );
    assert!(case_html.contains("告知承诺书") && case_html.contains("不实"));
    let (st, next) = s
        .post(
            "/api/cases",
            &staff,
            small_food(person(PERSON), "provided", "provided"),
        )
        .await;
    assert_eq!(st, 201);
    let (_, next_html) = page(
        s,
        &staff_page,
        &format!("/cases/{}", next["id"].as_str().unwrap()),
    )
    .await;
    assert!(next_html.contains("credit-warning") && next_html.contains("健康证明已过期"));

    // The public progress lists source, material and date.
    let code = case["query_code"].as_str().unwrap();
    let resp = s.req("GET", &format!("/progress?code={code}")).send().await;
    assert_eq!(resp.status, 200);
    assert!(resp.text.contains("数据共享使用记录") && resp.text.contains("人口库"));
    assert!(!resp.text.contains("王芳"), "no staff names");
}
on_both_backends!(commitment_pages);
