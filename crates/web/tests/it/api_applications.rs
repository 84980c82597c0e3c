//! 网上申报 over HTTP (issue 17 part 2), on both backends: the multipart
//! submission (201 shape; wrong content or a bad 身份证号 → 422 naming it and
//! nothing stored), the pre-review queue and its scope, 补正 with the
//! one-time notice and its SMS, the citizen's re-upload on the same
//! application, acceptance into a case with its deadline from today, the
//! files served only to the item's reviewers, and public progress.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, field};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

pub const ITEM: &str = "SCJG-XK-001";
pub const FORM: &str = "食品经营许可申请书";
pub const LAYOUT: &str = "与食品经营相适应的主要设备设施布局、操作流程文件";
pub const RULES: &str = "食品安全自查、从业人员健康管理等保证食品安全的规章制度";
pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// The `application` JSON of a complete application for [`ITEM`].
pub fn application(id_number: &str) -> Value {
    json!({
        "item": ITEM,
        "applicant": {"name": "张三", "id_number": id_number, "phone": "13912345678"},
        "materials": [
            {"name": FORM, "file": "f1"},
            {"name": "营业执照", "status": "shared"},
            {"name": "法定代表人身份证", "status": "shared"},
            {"name": LAYOUT, "file": "f2"},
            {"name": RULES, "file": "f3"},
        ],
        "delivery": "post",
        "address": "江苏省连云港市东海县人民路88号",
    })
}

/// The people and companies of these tests hold a valid 营业执照 and
/// 法定代表人身份证 in the hall's local sharing records (电子证照); the
/// person also a 居民身份证.
pub const HOLDERS: [&str; 2] = ["11010519491231002X", "91350100M000100Y43"];

/// Imports [`HOLDERS`]' records, so their `shared` materials are found.
pub async fn import_licences(s: &TestServer) {
    let admin = s.login("admin").await;
    let mut csv = String::from("holder,type,number,valid_until\n");
    for h in HOLDERS {
        csv.push_str(&format!(
            "{h},营业执照,LIC-{h},2099-12-31\n{h},法定代表人身份证,ID-{h},2099-12-31\n"
        ));
    }
    // The person also holds a 居民身份证 (人口库).
    csv.push_str("11010519491231002X,居民身份证,ID-CARD,2099-12-31\n");
    let r = s.upload("/api/licences/import", &admin, csv).await;
    assert_eq!(r.status, 201, "{}", r.text);
}

fn form(part: &str, json: &Value, files: &[(&str, &str, &[u8])]) -> Form {
    let mut f = Form::new().text(part.to_owned(), json.to_string());
    for (name, file_name, bytes) in files {
        f = f.part(
            name.to_string(),
            Part::bytes(bytes.to_vec()).file_name(file_name.to_string()),
        );
    }
    f
}

async fn post_form(s: &TestServer, path: &str, token: Option<&str>, f: Form) -> (u16, Value) {
    let mut req = s.client.post(s.url(path)).multipart(f);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Submits `json` with the three files as PDF, PNG, PDF.
pub async fn submit(s: &TestServer, json: &Value) -> (u16, Value) {
    post_form(
        s,
        "/api/applications",
        None,
        form(
            "application",
            json,
            &[
                ("f1", "申请书.pdf", PDF),
                ("f2", "布局.png", PNG),
                ("f3", "制度.pdf", PDF),
            ],
        ),
    )
    .await
}

/// The reviewer's decision on application `id` (`{"accept": true}` or a
/// 补正 notice): `POST /api/applications/{id}/review` as `token`.
async fn review(s: &TestServer, token: &str, id: &str, decision: Value) -> (u16, Value) {
    s.post(&format!("/api/applications/{id}/review"), token, decision)
        .await
}

async fn pending(s: &TestServer) -> usize {
    s.app.store.applications_awaiting_review().await.unwrap().len()
}

async fn applications(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let staff = s.login("staff").await;
    let liaison = s.login("liaison").await;
    let leader = s.login("leader").await;

    // Refusals store nothing: content that is no PDF/JPEG/PNG (whatever its name) …
    let (st, v) = post_form(
        s,
        "/api/applications",
        None,
        form(
            "application",
            &application("11010519491231002X"),
            &[
                ("f1", "申请书.pdf", b"PK\x03\x04 a docx renamed"),
                ("f2", "b.png", PNG),
                ("f3", "c.pdf", PDF),
            ],
        ),
    )
    .await;
    assert_eq!(st, 422, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains(FORM), "{v}");
    // … a bad 身份证号 …
    let (st, v) = submit(s, &application("110105194912310021")).await;
    assert_eq!((st, field(&v)), (422, Some("id_number")), "{v}");
    // … a required material left out, an offline item, a bad address.
    let mut short = application("11010519491231002X");
    short["materials"].as_array_mut().unwrap().remove(4);
    let (st, v) = submit(s, &short).await;
    assert_eq!(st, 422, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains(RULES), "{v}");
    let mut offline = application("11010519491231002X");
    offline["item"] = json!("SCJG-XK-006");
    let (st, v) = submit(s, &offline).await;
    assert_eq!((st, field(&v)), (422, Some("item")), "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("线下办理"),
        "{v}"
    );
    let mut nowhere = application("11010519491231002X");
    nowhere["address"] = json!("东海县");
    let (st, v) = submit(s, &nowhere).await;
    assert_eq!((st, field(&v)), (422, Some("address")), "{v}");
    // … 数据共享 with no valid record for the applicant yet …
    let (st, v) = submit(s, &application("11010519491231002X")).await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("营业执照"),
        "{v}"
    );
    import_licences(s).await;
    // … 告知承诺 for a proof the catalog does not let a commitment replace.
    let mut committed = application("11010519491231002X");
    committed["materials"][2]["status"] = json!("commitment");
    let (st, v) = submit(s, &committed).await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("法定代表人身份证"),
        "{v}"
    );
    assert_eq!(pending(s).await, 0, "nothing stored on a refusal");

    // 201 with the contract's shape.
    let (st, a) = submit(s, &application("11010519491231002X")).await;
    assert_eq!(st, 201, "{a}");
    assert_eq!(a["status"], "submitted");
    let id = a["id"].as_str().unwrap().to_owned();
    let number = a["number"].as_str().unwrap().to_owned();
    let code = a["query_code"].as_str().unwrap().to_owned();
    assert!(
        number.starts_with("DHWS") && number.ends_with("-0001"),
        "{number}"
    );
    assert_eq!(code.len(), 8);

    // Public progress by number and code, the applicant masked; a wrong code is 404.
    let (st, p) = s
        .get_json(&format!("/api/applications/progress?number={number}&code={code}"))
        .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["status"], "submitted");
    assert_eq!(p["applicant"], "张**");
    assert!(!p.to_string().contains("11010519491231002X"));
    let (st, _) = s
        .get_json(&format!(
            "/api/applications/progress?number={number}&code=ZZZZZZZZ"
        ))
        .await;
    assert_eq!(st, 404);

    // Who may review: 401 without a token, 403 for the leader; the queue is scoped.
    let (st, _) = s.get("/api/applications", "").await;
    assert_eq!(st, 401);
    let (st, _) = s.get("/api/applications", &leader).await;
    assert_eq!(st, 403);
    let (st, q) = s.get("/api/applications", &staff).await;
    assert_eq!(st, 200);
    assert_eq!(q["items"][0]["number"], number.as_str(), "{q}");
    assert!(q["items"][0]["review_due"].is_string());
    let (_, q) = s.get("/api/applications", &liaison).await;
    assert_eq!(
        q["items"].as_array().unwrap().len(),
        1,
        "the liaison of 市场监管 sees it"
    );

    // An item of another department: the liaison of 市场监管 gets 403.
    let other = json!({
        "item": "GA-QR-010",
        "applicant": {"name": "李四", "id_number": "11010519491231002X", "phone": "13912345678"},
        "materials": [{"name": "无犯罪记录证明申请表", "file": "f1"}, {"name": "居民身份证", "status": "shared"}],
    });
    let (st, o) = submit(s, &other).await;
    assert_eq!(st, 201, "{o}");
    let other_id = o["id"].as_str().unwrap().to_owned();
    let (st, v) = s.get(&format!("/api/applications/{other_id}"), &liaison).await;
    assert_eq!(st, 403, "{v}");
    let (st, _) = review(s, &liaison, &other_id, json!({"accept": true})).await;
    assert_eq!(st, 403);
    let (_, q) = s.get("/api/applications", &liaison).await;
    assert_eq!(
        q["items"].as_array().unwrap().len(),
        1,
        "not in the liaison's queue"
    );

    // The detail shows every file; a file is served with its content type.
    let (st, d) = s.get(&format!("/api/applications/{id}"), &staff).await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["applicant_name"], "张三");
    assert_eq!(d["address"], "江苏省连云港市东海县人民路88号");
    let files = d["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    let png = files.iter().find(|f| f["material"] == LAYOUT).unwrap();
    assert_eq!(png["content_type"], "image/png");
    assert_eq!(png["size"], PNG.len());
    assert_eq!(png["sha256"].as_str().unwrap().len(), 64);
    let path = format!("/api/applications/{id}/files/{}", png["id"].as_str().unwrap());
    let got = s.req("GET", &path).token(staff.as_str()).send().await;
    assert_eq!(got.status, 200);
    assert_eq!(got.headers["content-type"], "image/png");
    assert_eq!(got.bytes, PNG);
    assert_eq!(s.req("GET", &path).send().await.status, 401);
    let other_file = format!(
        "/api/applications/{other_id}/files/{}",
        png["id"].as_str().unwrap()
    );
    assert_eq!(
        s.req("GET", &other_file)
            .token(staff.as_str())
            .send()
            .await
            .status,
        403,
        "through an application of an item the clerk does not handle"
    );
    let admin = s.login("admin").await;
    assert_eq!(
        s.req("GET", &other_file)
            .token(admin.as_str())
            .send()
            .await
            .status,
        404,
        "a file of another application"
    );

    // 补正: the one-time notice, online and by SMS.
    let (st, v) = review(
        s,
        &staff,
        &id,
        json!({"accept": false, "missing": ["不存在的材料"], "note": ""}),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("missing")), "{v}");
    let (st, r) = review(
        s,
        &staff,
        &id,
        json!({"accept": false, "missing": [FORM], "note": "申请书缺少签字"}),
    )
    .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "supplement");
    let (_, p) = s
        .get_json(&format!("/api/applications/progress?number={number}&code={code}"))
        .await;
    assert_eq!(p["status"], "supplement");
    assert_eq!(p["notice_missing"], json!([FORM]));
    assert_eq!(p["notice_note"], "申请书缺少签字");
    let outbox = s.app.store.sms_outbox(50).await.unwrap();
    assert!(
        outbox
            .iter()
            .any(|m| m.body.contains(&number) && m.body.contains(FORM)),
        "the notice went out by SMS"
    );
    let (st, _) = review(s, &staff, &id, json!({"accept": true})).await;
    assert_eq!(st, 409, "not in the queue while 待补正");

    // Re-upload on the same application: a wrong code, a material not in the notice, wrong content.
    let supplement =
        |code: &str, name: &str| json!({"query_code": code, "materials": [{"name": name, "file": "g"}]});
    let path = format!("/api/applications/{id}/supplement");
    let (st, _) = post_form(
        s,
        &path,
        None,
        form(
            "supplement",
            &supplement("ZZZZZZZZ", FORM),
            &[("g", "a.pdf", PDF)],
        ),
    )
    .await;
    assert_eq!(st, 404);
    let (st, v) = post_form(
        s,
        &path,
        None,
        form("supplement", &supplement(&code, RULES), &[("g", "a.pdf", PDF)]),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    let (st, v) = post_form(
        s,
        &path,
        None,
        form(
            "supplement",
            &supplement(&code, FORM),
            &[("g", "a.pdf", b"GIF89a")],
        ),
    )
    .await;
    assert_eq!(st, 422, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains(FORM));
    let (st, p) = post_form(
        s,
        &path,
        None,
        form(
            "supplement",
            &supplement(&code, FORM),
            &[("g", "签字版.pdf", PDF)],
        ),
    )
    .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["status"], "resubmitted");
    let (_, q) = s.get("/api/applications", &staff).await;
    assert!(
        q["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id.as_str()),
        "back in the queue"
    );
    let (_, d) = s.get(&format!("/api/applications/{id}"), &staff).await;
    assert_eq!(d["files"].as_array().unwrap().len(), 4, "the old file is kept");

    // Accept: a case, its deadline counted from today.
    let (st, r) = review(s, &staff, &id, json!({"accept": true})).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "accepted");
    let case_id = r["case_id"].as_str().unwrap().to_owned();
    let expected = s.app.deadline(s.app.today(), 5).await.unwrap().date;
    assert_eq!(r["deadline"], expected.to_string());
    let (st, c) = s.get(&format!("/api/cases/{case_id}"), &staff).await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["status"], "accepted");
    assert_eq!(c["deadline"], expected.to_string());
    assert_eq!(c["accepted_on"], s.app.today().to_string());
    assert!(c.to_string().contains(&number), "the case names its application");
    assert!(c.to_string().contains("邮寄送达"), "and its delivery");
    let (st, _) = review(s, &staff, &id, json!({"accept": true})).await;
    assert_eq!(st, 409, "accepted once");
    let (_, p) = s
        .get_json(&format!("/api/applications/progress?number={number}&code={code}"))
        .await;
    assert_eq!(p["status"], "accepted");
    assert_eq!(p["case_number"], c["number"]);
    assert!(
        p["case_progress"]
            .as_str()
            .unwrap()
            .starts_with("/progress?code=")
    );
    // A company applies with its 统一社会信用代码.
    let mut company = application("11010519491231002X");
    company["applicant"] =
        json!({"name": "东海某食品有限公司", "uscc": "91350100M000100Y44", "phone": "13912345678"});
    let (st, v) = submit(s, &company).await;
    assert_eq!((st, field(&v)), (422, Some("uscc")), "{v}");
    company["applicant"]["uscc"] = json!("91350100M000100Y43");
    let (st, v) = submit(s, &company).await;
    assert_eq!(st, 201, "{v}");
    // A measured figure: three 3 MB files (9 MB) submitted, checked, hashed and stored.
    let mut big = PDF.to_vec();
    big.resize(3 * 1024 * 1024, b' ');
    let started = std::time::Instant::now();
    let (st, v) = post_form(
        s,
        "/api/applications",
        None,
        form(
            "application",
            &application("11010519491231002X"),
            &[
                ("f1", "a.pdf", &big),
                ("f2", "b.pdf", &big),
                ("f3", "c.pdf", &big),
            ],
        ),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    eprintln!(
        "{}: a 9 MB submission took {} ms",
        s.app.store.backend(),
        started.elapsed().as_millis()
    );
}
on_both_backends!(applications);

/// The hall's size limits: a file over the per-file limit and files over the
/// total are refused with 422 naming the problem; a body far over the total
/// is cut off with 413; nothing is stored.
async fn size_limits(backend: Backend) {
    let mut settings = app::Settings::default().always_open();
    settings.cases.upload_file_mb = 1;
    settings.cases.upload_total_mb = 2;
    let s = TestServer::start_with(backend, settings).await;
    import_licences(&s).await;
    let mb = 1024 * 1024;
    let big = |n: usize| {
        let mut v = PDF.to_vec();
        v.resize(n, b' ');
        v
    };
    let files = |a: Vec<u8>, b: Vec<u8>, c: Vec<u8>| {
        form(
            "application",
            &application("11010519491231002X"),
            &[("f1", "a.pdf", &a), ("f2", "b.png", &b), ("f3", "c.pdf", &c)],
        )
    };
    let (st, v) = post_form(
        &s,
        "/api/applications",
        None,
        files(big(mb + mb / 2), PNG.to_vec(), PDF.to_vec()),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    let m = v["error"]["message"].as_str().unwrap();
    assert!(m.contains(FORM) && m.contains("1MB"), "{m}");
    let (st, v) = post_form(
        &s,
        "/api/applications",
        None,
        files(big(mb * 9 / 10), big(mb * 9 / 10), big(mb * 9 / 10)),
    )
    .await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("合计超过2MB"),
        "{v}"
    );
    // The server answers 413 as soon as the body passes the limit and closes the
    // connection; a client still writing may see the pipe break instead.
    let resp = s
        .client
        .post(s.url("/api/applications"))
        .multipart(files(big(4 * mb), PNG.to_vec(), PDF.to_vec()))
        .send()
        .await;
    if let Ok(resp) = resp {
        assert_eq!(resp.status().as_u16(), 413);
        let v: Value = resp.json().await.unwrap();
        assert!(v["error"]["message"].as_str().unwrap().contains("2MB"), "{v}");
    }
    assert_eq!(pending(&s).await, 0, "nothing stored");
    s.stop().await;
}

mod size_limits {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::size_limits(super::Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::size_limits(super::Backend::Postgres).await;
    }
}

/// 告知承诺 online (小餐饮经营许可: the catalog lets a commitment replace the
/// premises' proof): submitted, accepted by the clerk, and the case's
/// verification task waits for the department's liaison; the shared ID card
/// is in the case's sharing log.
async fn commitment_and_sharing_online(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    import_licences(s).await;
    let admin = s.login("admin").await;
    let csv = "holder,type,number,valid_until\n11010519491231002X,经营者身份证,ID-OWNER,2099-12-31\n";
    assert_eq!(s.upload("/api/licences/import", &admin, csv).await.status, 201);
    let json = json!({
        "item": "SCJG-XK-003",
        "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13912345678"},
        "materials": [
            {"name": "小餐饮经营许可申请表", "file": "f1"},
            {"name": "经营者身份证", "status": "shared"},
            {"name": "经营场所使用证明", "status": "commitment"},
            {"name": "从业人员健康证明", "file": "f3"},
        ],
    });
    let (st, a) = submit(s, &json).await;
    assert_eq!(st, 201, "{a}");
    let id = a["id"].as_str().unwrap();
    let (st, r) = review(s, &admin, id, json!({"accept": true})).await;
    assert_eq!(st, 200, "{r}");
    let case_id = r["case_id"].as_str().unwrap().to_owned();
    let supervisor = s.login("supervisor").await;
    let (st, tasks) = s.get("/api/commitments?status=pending", &supervisor).await;
    assert_eq!(st, 200, "{tasks}");
    let task = tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["case_id"] == case_id.as_str())
        .unwrap_or_else(|| panic!("the case's verification task: {tasks}"));
    assert_eq!(task["material"], "经营场所使用证明");
    assert!(task["due"].is_string());
    let (st, log) = s
        .get(&format!("/api/cases/{case_id}/data-access"), &supervisor)
        .await;
    assert_eq!(st, 200, "{log}");
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["material"] == "经营者身份证"),
        "{log}"
    );
    // A false commitment (核查不实) is a credit record the reviewer sees on the
    // applicant's next online application.
    let (st, v) = s
        .post(
            &format!("/api/commitments/{}/verify", task["id"].as_str().unwrap()),
            &supervisor,
            json!({"outcome": false, "note": "经营场所实为住宅"}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, again) = submit(s, &json).await;
    assert_eq!(st, 201, "{again}");
    let (st, d) = s
        .get(
            &format!("/api/applications/{}", again["id"].as_str().unwrap()),
            &admin,
        )
        .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["credit_warnings"][0]["material"], "经营场所使用证明", "{d}");
    assert!(!d.to_string().contains("subject_key"));
    // One timeline: the online application comes before the case's acceptance.
    let (st, t) = s
        .get(&format!("/api/cases/{case_id}/timeline"), &supervisor)
        .await;
    assert_eq!(st, 200, "{t}");
    let kinds: Vec<&str> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    let submitted = kinds.iter().position(|k| *k == "application");
    let accepted = kinds.iter().position(|k| *k == "accepted");
    assert!(
        matches!((submitted, accepted), (Some(a), Some(b)) if a < b),
        "{t}"
    );
    assert!(
        t["events"][submitted.unwrap()]["label"]
            .as_str()
            .unwrap()
            .contains(a["number"].as_str().unwrap()),
        "{t}"
    );
}
on_both_backends!(commitment_and_sharing_online);

/// 一件事 online (一表申请): 义务教育入学一件事 as one form with every
/// material once; accepted as a case family, one sub-case per item; a 一件事
/// with an item that must be done in the hall is refused naming that item.
async fn bundle_applied_for_online(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let names = [
        "儿童居民户口簿",
        "法定监护人身份证",
        "房产或居住证明",
        "家庭经济困难学生认定申请表",
        "居民身份证",
        "低保证、残疾证等证明",
    ];
    let parts: Vec<String> = (1..=names.len()).map(|n| format!("f{n}")).collect();
    let json = json!({
        "item": "YJS-008",
        "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13912345678"},
        "materials": names.iter().zip(&parts).map(|(n, p)| json!({"name": n, "file": p})).collect::<Vec<_>>(),
    });
    let files: Vec<(&str, &str, &[u8])> = parts.iter().map(|p| (p.as_str(), "a.pdf", PDF)).collect();
    // A material left out is named.
    let mut short = json.clone();
    short["materials"].as_array_mut().unwrap().pop();
    let (st, v) = post_form(s, "/api/applications", None, form("application", &short, &files)).await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("低保证"), "{v}");
    let (st, a) = post_form(s, "/api/applications", None, form("application", &json, &files)).await;
    assert_eq!(st, 201, "{a}");
    let id = a["id"].as_str().unwrap();
    let admin = s.login("admin").await;
    let (st, d) = s.get(&format!("/api/applications/{id}"), &admin).await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["department"], "多部门并联审批", "{d}");
    let (st, r) = review(s, &admin, id, json!({"accept": true})).await;
    assert_eq!(st, 200, "{r}");
    let case_id = r["case_id"].as_str().unwrap();
    let (st, c) = s.get(&format!("/api/cases/{case_id}"), &admin).await;
    assert_eq!(st, 200, "{c}");
    let subs: Vec<&str> = c["sub_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["item_code"].as_str().unwrap())
        .collect();
    assert_eq!(subs.len(), 2, "{c}");
    assert!(subs.contains(&"JY-GG-001") && subs.contains(&"JY-JF-001"), "{c}");

    // 新生儿出生一件事 holds 出生医学证明办理, done in the hall only.
    let mut born = json.clone();
    born["item"] = json!("YJS-001");
    let (st, v) = post_form(s, "/api/applications", None, form("application", &born, &files)).await;
    assert_eq!((st, field(&v)), (422, Some("item")), "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("出生医学证明"),
        "{v}"
    );
    // The 一件事's guide offers the online form only where it can be used.
    let page = s.req("GET", "/bundles/YJS-008").send().await;
    assert!(page.text.contains("/apply/YJS-008"), "{}", page.text);
    let page = s.req("GET", "/bundles/YJS-001").send().await;
    assert!(!page.text.contains("bundle-apply"));
    let page = s.req("GET", "/apply/YJS-008").send().await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("低保证、残疾证等证明"));
}
on_both_backends!(bundle_applied_for_online);
