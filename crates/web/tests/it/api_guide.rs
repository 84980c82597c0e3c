//! 智能导办 over HTTP (issue 17 part 1): the contract of `GET /api/guide`
//! (public: `{answers: [{code, kind, name, score}], none}`; nothing fits → `none`
//! with no answers; an empty or blank `q` → 422 naming `q`), the admin's phrases
//! changing answers, the no-hit log keeping no digits, the admin answering a
//! logged question (相似问法: an item, or 不属本大厅), who may manage the
//! vocabulary (401/403), and the pages (portal, kiosk, admin).

use crate::on_both_backends;
use crate::support::{Answer, Backend, TestServer, csrf_of, field, page, session};
use serde_json::{Value, json};

fn codes(v: &Value) -> Vec<String> {
    v["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect()
}

fn has_chinese(v: &Value) -> bool {
    v["error"]["message"]
        .as_str()
        .is_some_and(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
}

async fn guide_contract(s: &TestServer) {
    // 200 with the contract's shape; a life event finds its 一件事 in the top 3.
    let (st, v) = s.get("/api/guide?q=孩子刚出生要办什么", "").await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["none"], false);
    let answers = v["answers"].as_array().unwrap();
    assert!(!answers.is_empty() && answers.len() <= 5, "{v}");
    for a in answers {
        assert!(a["code"].is_string() && a["name"].is_string(), "{a}");
        assert!(a["kind"] == "item" || a["kind"] == "bundle", "{a}");
        assert!(a["score"].as_f64().unwrap() > 0.0, "{a}");
    }
    let scores: Vec<f64> = answers.iter().map(|a| a["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    assert!(codes(&v).iter().take(3).any(|c| c == "YJS-001"), "{v}");
    let bundle = answers.iter().find(|a| a["code"] == "YJS-001").unwrap();
    assert_eq!(bundle["kind"], "bundle");
    assert_eq!(bundle["name"], "新生儿出生一件事");

    // An item answer carries what the page shows.
    let (st, v) = s.get("/api/guide?q=开奶茶店要办什么证", "").await;
    assert_eq!(st, 200);
    let item = v["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "SCJG-XK-001")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(item["kind"], "item");
    assert_eq!(item["can_online"], true);
    assert!(!item["materials"].as_array().unwrap().is_empty());
    assert_eq!(item["url"], "/items/SCJG-XK-001");

    // Nothing fits: none, and no weak matches.
    for q in ["今天天气怎么样", "怎么买火车票", "给我讲个笑话", "asdfghjkl"] {
        let (st, v) = s.get(&format!("/api/guide?q={q}"), "").await;
        assert_eq!(st, 200, "{q}: {v}");
        assert_eq!(v["none"], true, "{q}: {v}");
        assert_eq!(v["answers"], json!([]), "{q}: {v}");
    }

    // An empty, blank or missing q, or a too long one: 422 naming q, in Chinese.
    for path in ["/api/guide?q=", "/api/guide?q=%20%20%20", "/api/guide"] {
        let (st, v) = s.get(path, "").await;
        assert_eq!(st, 422, "{path}: {v}");
        assert_eq!(field(&v), Some("q"), "{v}");
        assert!(has_chinese(&v), "{v}");
    }
    let long = "字".repeat(101);
    let (st, v) = s.get(&format!("/api/guide?q={long}"), "").await;
    assert_eq!(st, 422);
    assert_eq!(field(&v), Some("q"));
}
on_both_backends!(guide_contract);

async fn admin_phrases_change_answers(s: &TestServer) {
    let admin = s.login("admin").await;
    let q = "/api/guide?q=囡囡报到怎么弄";
    let (_, before) = s.get(q, "").await;
    assert_eq!(before["none"], true, "{before}");

    let (st, p) = s
        .post(
            "/api/guide/phrases",
            &admin,
            json!({"phrase": "囡囡报到", "code": "ga-qr-004"}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    assert_eq!(p["code"], "GA-QR-004");
    assert_eq!(p["kind"], "item");
    let id = p["id"].as_str().unwrap().to_owned();
    let (_, after) = s.get(q, "").await;
    assert_eq!(after["none"], false, "{after}");
    assert_eq!(codes(&after)[0], "GA-QR-004", "{after}");

    // A bundle code works too; the list has both.
    let (st, b) = s
        .post(
            "/api/guide/phrases",
            &admin,
            json!({"phrase": "办白事", "code": "YJS-005"}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    assert_eq!(b["kind"], "bundle");
    let (st, list) = s.get("/api/guide/phrases", &admin).await;
    assert_eq!(st, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");

    // Refusals name the field; nothing is stored.
    for (body, f) in [
        (json!({"phrase": "落", "code": "GA-QR-004"}), "phrase"),
        (json!({"phrase": "电话123", "code": "GA-QR-004"}), "phrase"),
        (json!({"phrase": "落地户", "code": "NOPE-1"}), "code"),
    ] {
        let (st, v) = s.post("/api/guide/phrases", &admin, body).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field(&v), Some(f), "{v}");
        assert!(has_chinese(&v), "{v}");
    }
    let (st, v) = s
        .post(
            "/api/guide/phrases",
            &admin,
            json!({"phrase": "囡囡报到", "code": "GA-QR-004"}),
        )
        .await;
    assert_eq!(st, 409, "{v}");
    let (_, list) = s.get("/api/guide/phrases", &admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // Deleted: the answer is gone again; a second delete is 404.
    let (st, _) = s
        .call("DELETE", &admin, &format!("/api/guide/phrases/{id}"), None)
        .await;
    assert_eq!(st, 204);
    let (st, _) = s
        .call("DELETE", &admin, &format!("/api/guide/phrases/{id}"), None)
        .await;
    assert_eq!(st, 404);
    let (_, again) = s.get(q, "").await;
    assert_eq!(again["none"], true, "{again}");
}
on_both_backends!(admin_phrases_change_answers);

async fn the_no_hit_log_keeps_no_digits(s: &TestServer) {
    let admin = s.login("admin").await;
    for _ in 0..2 {
        let (st, v) = s.get("/api/guide?q=我电话13812345678能帮我买火车票吗", "").await;
        assert_eq!(st, 200);
        assert_eq!(v["none"], true, "{v}");
    }
    let (st, v) = s.get("/api/guide?q=身份证号11010519491231002X今天天气", "").await;
    assert_eq!(st, 200);
    assert_eq!(v["none"], true, "{v}");
    // A question that found something is not logged.
    let (_, v) = s.get("/api/guide?q=身份证丢了怎么补办", "").await;
    assert_eq!(v["none"], false, "{v}");

    let (st, log) = s.get("/api/guide/misses", &admin).await;
    assert_eq!(st, 200, "{log}");
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{log}");
    assert_eq!(items[0]["question"], "我电话能帮我买火车票吗");
    assert_eq!(items[0]["count"], 2);
    // Why nothing fits, asked again of today's guide (the first reason in the rule's order).
    assert_eq!(items[0]["why"], "问题里本大厅的用词太少", "{log}");
    assert_eq!(items[1]["question"], "身份证号今天天气");
    assert_eq!(items[1]["why"], "问题里本大厅的用词太少", "{log}");
    let text = log.to_string();
    assert!(
        !text.contains("13812345678") && !text.contains("1101051949"),
        "{text}"
    );
    for i in items {
        assert!(
            !i["question"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c.is_ascii_digit())
        );
    }
}
on_both_backends!(the_no_hit_log_keeps_no_digits);

/// Where a form's answer sends the browser (303).
fn location(r: &Answer) -> String {
    r.headers["location"].to_str().unwrap().to_owned()
}

fn logged(log: &Value, question: &str) -> bool {
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["question"] == question)
}

// 相似问法: the admin answers the questions the guide could not, from the no-hit log.
async fn admin_answers_logged_questions(s: &TestServer) {
    let admin = s.login("admin").await;
    let lost = "家里那个红皮的小簿子弄丢了";
    let ask = format!("/api/guide?q={lost}");
    let (st, before) = s.get(&ask, "").await;
    assert_eq!(st, 200);
    assert_eq!(before["none"], true, "{before}");
    let (st, log) = s.get("/api/guide/misses", &admin).await;
    assert_eq!(st, 200);
    assert!(logged(&log, lost), "{log}");

    // Pointed at 补领结婚证: the same question finds it first, and leaves the log.
    let (st, a) = s
        .post(
            "/api/guide/similar",
            &admin,
            json!({"question": lost, "code": "mz-qr-003"}),
        )
        .await;
    assert_eq!(st, 201, "{a}");
    assert_eq!(a["question"], lost);
    assert_eq!(a["code"], "MZ-QR-003");
    assert_eq!(a["kind"], "item");
    assert_eq!(a["created_by"], "admin");
    assert!(a["id"].is_string() && a["created_at"].is_string(), "{a}");
    let (_, after) = s.get(&ask, "").await;
    assert_eq!(after["none"], false, "{after}");
    assert_eq!(codes(&after)[0], "MZ-QR-003", "{after}");
    let (_, log) = s.get("/api/guide/misses", &admin).await;
    assert!(!logged(&log, lost), "{log}");

    // 不属本大厅 (code null): a question the guide answered now finds nothing, and
    // is not logged again.
    let badge = "公司的工牌丢了怎么补";
    let (_, v) = s.get(&format!("/api/guide?q={badge}"), "").await;
    assert_eq!(v["none"], false, "the guide answers it today: {v}");
    let (st, b) = s
        .post(
            "/api/guide/similar",
            &admin,
            json!({"question": badge, "code": null}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    assert_eq!(b["code"], Value::Null);
    assert_eq!(b["kind"], Value::Null);
    let (st, v) = s.get(&format!("/api/guide?q={badge}"), "").await;
    assert_eq!(st, 200);
    assert_eq!(v["none"], true, "{v}");
    assert_eq!(v["answers"], json!([]), "{v}");
    let (_, log) = s.get("/api/guide/misses", &admin).await;
    assert!(!logged(&log, badge), "{log}");

    // The question is kept as the log keeps questions: digits gone. A bundle code,
    // and an absent code (不属本大厅), work too.
    let (st, c) = s
        .post(
            "/api/guide/similar",
            &admin,
            json!({"question": "我电话13812345678 老人走了后事怎么办", "code": "YJS-005"}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    assert_eq!(c["question"], "我电话 老人走了后事怎么办");
    assert_eq!(c["kind"], "bundle");
    let (st, d) = s
        .post("/api/guide/similar", &admin, json!({"question": "火星移民手续"}))
        .await;
    assert_eq!(st, 201, "{d}");
    assert_eq!(d["code"], Value::Null);

    let (st, list) = s.get("/api/guide/similar", &admin).await;
    assert_eq!(st, 200);
    let items = list["items"].as_array().unwrap();
    let questions: Vec<&str> = items.iter().map(|i| i["question"].as_str().unwrap()).collect();
    assert_eq!(
        questions,
        [lost, badge, "我电话 老人走了后事怎么办", "火星移民手续"],
        "oldest first: {list}"
    );

    // Refusals name the field, in Chinese; nothing is stored.
    let long = "问".repeat(101);
    for (body, f) in [
        (json!({"question": "红皮本子丢了", "code": "NOPE-1"}), "code"),
        // An empty code is no answer: 不属本大厅 is said with null.
        (json!({"question": "红皮本子丢了", "code": "  "}), "code"),
        (json!({"question": "", "code": "MZ-QR-003"}), "question"),
        (json!({"question": "   ", "code": null}), "question"),
        (json!({"question": "13812345678", "code": null}), "question"),
        (json!({"question": "１２３ 456", "code": "MZ-QR-003"}), "question"),
        (json!({"question": long, "code": null}), "question"),
    ] {
        let (st, v) = s.post("/api/guide/similar", &admin, body.clone()).await;
        assert_eq!(st, 422, "{body}: {v}");
        assert_eq!(field(&v), Some(f), "{body}: {v}");
        assert!(has_chinese(&v), "{v}");
    }
    // Unknown fields and a missing question are refused too.
    let (st, v) = s
        .post(
            "/api/guide/similar",
            &admin,
            json!({"question": "红皮本子丢了", "code": null, "extra": 1}),
        )
        .await;
    assert!(st == 400 || st == 422, "{st} {v}");
    let (st, v) = s
        .post("/api/guide/similar", &admin, json!({"code": "MZ-QR-003"}))
        .await;
    assert!(st == 400 || st == 422, "{st} {v}");

    // The same question again, whatever its answer: 409.
    let (st, v) = s
        .post(
            "/api/guide/similar",
            &admin,
            json!({"question": lost, "code": null}),
        )
        .await;
    assert_eq!(st, 409, "{v}");
    assert_eq!(v["error"]["message"], "这个问题已经有答案", "{v}");
    let (_, list) = s.get("/api/guide/similar", &admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 4, "{list}");

    // Deleted: the question finds nothing again; a second delete is 404.
    let id = a["id"].as_str().unwrap();
    let path = format!("/api/guide/similar/{id}");
    let (st, _) = s.call("DELETE", &admin, &path, None).await;
    assert_eq!(st, 204);
    let (st, v) = s.call("DELETE", &admin, &path, None).await;
    assert_eq!(st, 404, "{v}");
    let (st, _) = s
        .call("DELETE", &admin, "/api/guide/similar/not-an-id", None)
        .await;
    assert_eq!(st, 404);
    let (_, again) = s.get(&ask, "").await;
    assert_eq!(again["none"], true, "{again}");
    let (_, list) = s.get("/api/guide/similar", &admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3, "{list}");
}
on_both_backends!(admin_answers_logged_questions);

async fn who_may_manage_the_vocabulary(s: &TestServer) {
    let body = json!({"phrase": "落地户", "code": "GA-QR-004"});
    let similar = json!({"question": "红皮本子丢了", "code": "MZ-QR-003"});
    let lists = ["/api/guide/phrases", "/api/guide/misses", "/api/guide/similar"];
    for path in lists {
        let (st, _) = s.get(path, "").await;
        assert_eq!(st, 401, "{path}");
    }
    let (st, _) = s.post("/api/guide/phrases", "", body.clone()).await;
    assert_eq!(st, 401);
    let (st, _) = s.post("/api/guide/similar", "", similar.clone()).await;
    assert_eq!(st, 401);
    let id = uuid::Uuid::now_v7();
    for kind in ["phrases", "similar"] {
        let (st, _) = s
            .call("DELETE", "", &format!("/api/guide/{kind}/{id}"), None)
            .await;
        assert_eq!(st, 401, "{kind}");
    }
    for user in ["staff", "leader", "supervisor", "liaison"] {
        let t = s.login(user).await;
        for path in lists {
            let (st, _) = s.get(path, &t).await;
            assert_eq!(st, 403, "{user} {path}");
        }
        let (st, _) = s.post("/api/guide/phrases", &t, body.clone()).await;
        assert_eq!(st, 403, "{user}");
        let (st, _) = s.post("/api/guide/similar", &t, similar.clone()).await;
        assert_eq!(st, 403, "{user}");
        for kind in ["phrases", "similar"] {
            let (st, _) = s
                .call("DELETE", &t, &format!("/api/guide/{kind}/{id}"), None)
                .await;
            assert_eq!(st, 403, "{user} {kind}");
        }
    }
    // Nothing refused was stored.
    let admin = s.login("admin").await;
    let (_, list) = s.get("/api/guide/similar", &admin).await;
    assert_eq!(list["items"], json!([]), "{list}");
    // The question itself is public.
    let (st, _) = s.get("/api/guide?q=退休", "").await;
    assert_eq!(st, 200);
}
on_both_backends!(who_may_manage_the_vocabulary);

async fn guide_pages(s: &TestServer) {
    // The portal's home page asks the guide.
    let home = s.req("GET", "/").send().await;
    assert_eq!(home.status, 200);
    assert!(
        home.text.contains("action=\"/guide\""),
        "home has the question box"
    );

    let a = s.req("GET", "/guide?q=孩子刚出生要办什么").send().await;
    assert_eq!(a.status, 200);
    for want in [
        "新生儿出生一件事",
        "要带的材料",
        "办理步骤",
        "到哪里办",
        "查看完整办事指南",
        "/bundles/YJS-001",
    ] {
        assert!(a.text.contains(want), "{want}");
    }
    let a = s.req("GET", "/guide?q=今天天气怎么样").send().await;
    assert_eq!(a.status, 200);
    assert!(a.text.contains("综合咨询台") && a.text.contains("12345"));
    assert!(!a.text.contains("guide-answer\""));
    let a = s.req("GET", "/guide?q=%20").send().await;
    assert_eq!(a.status, 200);
    assert!(a.text.contains("请输入要咨询的问题"));

    // The kiosk: life events as large buttons, the word pad.
    let k = s.req("GET", "/kiosk/guide").send().await;
    assert_eq!(k.status, 200);
    for want in [
        "出生",
        "上学",
        "结婚",
        "开店",
        "买房",
        "退休",
        "身后事",
        "data-guide-words",
        "/assets/guide.js",
    ] {
        assert!(k.text.contains(want), "{want}");
    }
    // The kiosk's on-screen pinyin keyboard; the portal leaves typing to the phone.
    for want in [
        "id=\"kbd\"",
        "data-key=\"q\"",
        "data-key=\"m\"",
        "data-kbd-back",
        "data-kbd-space",
        "data-kbd-clear",
        "data-kbd-enter",
        "data-kbd-next",
        ">查询<",
    ] {
        assert!(k.text.contains(want), "{want}");
    }
    let portal = s.req("GET", "/guide").send().await;
    assert_eq!(portal.status, 200);
    assert!(!portal.text.contains("id=\"kbd\"") && !portal.text.contains("data-key="));
    let kiosk = s.req("GET", "/kiosk").send().await;
    assert!(kiosk.text.contains("/kiosk/guide"));
    let k = s.req("GET", "/kiosk/guide?q=身后事").send().await;
    assert!(k.text.contains("身后一件事"));

    // The admin's page: add a phrase through the form, see the no-hit log.
    let (_, _) = s.get("/api/guide?q=火星移民手续", "").await;
    let cookie = session(s, "admin").await;
    let (st, html) = page(s, &cookie, "/admin/guide").await;
    assert_eq!(st, 200);
    assert!(html.contains("火星移民手续"), "the no-hit log is shown");
    let csrf = csrf_of(&html);
    let r = s
        .submit(
            &cookie,
            "/admin/guide/phrases",
            &[("csrf", &csrf), ("phrase", "办白事"), ("code", "YJS-005")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let (_, html) = page(s, &cookie, "/admin/guide").await;
    assert!(html.contains("办白事"));
    let r = s
        .submit(
            &cookie,
            "/admin/guide/phrases",
            &[("csrf", &csrf), ("phrase", "办白事"), ("code", "NOPE")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("不是已发布的事项或一件事编码"));

    // 相似问法 from the no-hit log's rows: pointed at an item, or 不属本大厅.
    let (_, html) = page(s, &cookie, "/admin/guide").await;
    assert!(html.contains("相似问法（已答复的问题）") && html.contains("还没有答复过问题"));
    assert!(html.contains("指向该事项") && html.contains("不属本大厅"));
    let r = s
        .submit(
            &cookie,
            "/admin/guide/similar",
            &[
                ("csrf", &csrf),
                ("question", "火星移民手续"),
                ("code", ""),
                ("answer", "none"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let to = location(&r);
    let (_, html) = page(s, &cookie, &to).await;
    assert!(html.contains("已答复“火星移民手续”：不属本大厅"), "{to}");
    let (_, v) = s.get("/api/guide?q=家里那个红皮的小簿子弄丢了", "").await;
    assert_eq!(v["none"], true);
    let r = s
        .submit(
            &cookie,
            "/admin/guide/similar",
            &[
                ("csrf", &csrf),
                ("question", "家里那个红皮的小簿子弄丢了"),
                ("code", "MZ-QR-003"),
                ("answer", "code"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let (_, html) = page(s, &cookie, &location(&r)).await;
    assert!(
        html.contains("已答复“家里那个红皮的小簿子弄丢了” → MZ-QR-003 补领结婚证"),
        "the notice names the item"
    );
    let list = html.split("id=\"similar-list\"").nth(1).unwrap_or_default();
    let list = list.split("</table>").next().unwrap_or_default();
    assert!(list.contains("火星移民手续") && list.contains("补领结婚证") && list.contains("admin"));
    let log = html.split("id=\"misses\"").nth(1).unwrap_or_default();
    assert!(
        !log.contains("家里那个红皮的小簿子弄丢了"),
        "answered, it leaves the log"
    );
    let (_, v) = s.get("/api/guide?q=家里那个红皮的小簿子弄丢了", "").await;
    assert_eq!(codes(&v).first().map(String::as_str), Some("MZ-QR-003"), "{v}");
    // Refusals are shown on the page, the form refilled: no code, a bad code, the
    // same question again.
    for (code, answer, want) in [
        ("", "code", "请填写事项或一件事编码"),
        ("NOPE", "code", "不是已发布的事项或一件事编码"),
        ("MZ-QR-003", "none", "这个问题已经有答案"),
    ] {
        let r = s
            .submit(
                &cookie,
                "/admin/guide/similar",
                &[
                    ("csrf", &csrf),
                    ("question", "家里那个红皮的小簿子弄丢了"),
                    ("code", code),
                    ("answer", answer),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{code} {answer}");
        assert!(r.text.contains(want), "{want}");
        assert!(
            r.text.contains("value=\"家里那个红皮的小簿子弄丢了\""),
            "refilled"
        );
    }
    // Deleted from the page.
    let (_, v) = s.get("/api/guide/similar", &s.login("admin").await).await;
    let id = v["items"][0]["id"].as_str().unwrap().to_owned();
    let r = s
        .submit(
            &cookie,
            &format!("/admin/guide/similar/{id}/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, 303);
    let (_, html) = page(s, &cookie, &location(&r)).await;
    assert!(html.contains("已删除该相似问法"));
    // Without the form's token: refused.
    let r = s
        .submit(
            &cookie,
            "/admin/guide/similar",
            &[("csrf", "wrong"), ("question", "火星"), ("answer", "none")],
        )
        .await;
    assert!(r.status == 403 || r.status == 400, "{}", r.status);

    // Staff are refused the page.
    let staff = session(s, "staff").await;
    let (st, _) = page(s, &staff, "/admin/guide").await;
    assert_eq!(st, 403);
    let r = s
        .submit(
            &staff,
            "/admin/guide/similar",
            &[("csrf", &csrf), ("question", "火星"), ("answer", "none")],
        )
        .await;
    assert_eq!(r.status, 403);
}
on_both_backends!(guide_pages);

fn words(v: &Value) -> Vec<String> {
    v["candidates"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|c| c["word"].as_str().unwrap().to_owned())
        .collect()
}

// issue 17 part 1: the kiosk's on-screen pinyin keyboard
async fn keyboard_candidates(s: &TestServer) {
    // Abbreviated, mixed and full pinyin all find 身份证 first.
    for letters in ["sfz", "shenfz", "shenfenzheng", "SFZ"] {
        let (st, v) = s.get(&format!("/api/guide/keyboard?letters={letters}"), "").await;
        assert_eq!(st, 200, "{letters}: {v}");
        assert_eq!(words(&v)[0], "身份证", "{letters}: {v}");
        let c = &v["candidates"][0];
        assert_eq!(c["used"].as_u64(), Some(letters.len() as u64), "{v}");
        assert_eq!(v["letters"], letters.to_lowercase());
        assert_eq!(v["page"], 1);
        assert_eq!(v["per_page"], 8);
    }
    let (_, v) = s.get("/api/guide/keyboard?letters=shenfenzheng", "").await;
    assert_eq!(v["candidates"][0]["fit"], "exact", "{v}");
    let (_, v) = s.get("/api/guide/keyboard?letters=sfz", "").await;
    assert_eq!(v["candidates"][0]["fit"], "abbreviated", "{v}");

    // More letters than a word: it takes the first ones, the rest find the next word.
    let (_, v) = s.get("/api/guide/keyboard?letters=sfzbb", "").await;
    assert_eq!(words(&v)[0], "身份证", "{v}");
    assert_eq!(v["candidates"][0]["fit"], "partial");
    assert_eq!(v["candidates"][0]["used"], 3);
    let (_, v) = s.get("/api/guide/keyboard?letters=bb", "").await;
    assert!(words(&v).iter().take(3).any(|w| w == "补办"), "{v}");

    // The published catalog's names, the life events and question words.
    let (_, v) = s.get("/api/guide/keyboard?letters=xsecsyjs", "").await;
    assert_eq!(words(&v)[0], "新生儿出生一件事", "a bundle's name: {v}");
    let (_, v) = s.get("/api/guide/keyboard?letters=shenhoushi", "").await;
    assert_eq!(words(&v)[0], "身后事", "a life event: {v}");
    let (_, v) = s.get("/api/guide/keyboard?letters=zenme", "").await;
    assert_eq!(words(&v)[0], "怎么", "{v}");
    let (_, v) = s.get("/api/guide/keyboard?letters=qian&per_page=30", "").await;
    assert!(words(&v).contains(&"钱".to_owned()), "{v}");

    // Pages: the same ranking cut in pieces.
    let (_, all) = s.get("/api/guide/keyboard?letters=s&per_page=30", "").await;
    let (_, p1) = s.get("/api/guide/keyboard?letters=s&per_page=4", "").await;
    let (_, p2) = s.get("/api/guide/keyboard?letters=s&per_page=4&page=2", "").await;
    assert!(all["total"].as_u64().unwrap() > 8, "{all}");
    assert_eq!(p1["total"], all["total"]);
    assert_eq!(p1["more"], true);
    assert_eq!(words(&p1), words(&all)[..4].to_vec());
    assert_eq!(words(&p2), words(&all)[4..8].to_vec());
    let (st, far) = s.get("/api/guide/keyboard?letters=s&page=999", "").await;
    assert_eq!(st, 200);
    assert_eq!(far["candidates"], json!([]));
    assert_eq!(far["more"], false);

    // Refusals name the field, in Chinese.
    let long = "a".repeat(31);
    for (path, f) in [
        ("/api/guide/keyboard".to_owned(), "letters"),
        ("/api/guide/keyboard?letters=".to_owned(), "letters"),
        ("/api/guide/keyboard?letters=sf1".to_owned(), "letters"),
        ("/api/guide/keyboard?letters=身份证".to_owned(), "letters"),
        (format!("/api/guide/keyboard?letters={long}"), "letters"),
        ("/api/guide/keyboard?letters=s&per_page=0".to_owned(), "per_page"),
        ("/api/guide/keyboard?letters=s&per_page=31".to_owned(), "per_page"),
        ("/api/guide/keyboard?letters=s&page=0".to_owned(), "page"),
    ] {
        let (st, v) = s.get(&path, "").await;
        assert_eq!(st, 422, "{path}: {v}");
        assert_eq!(field(&v), Some(f), "{path}: {v}");
        assert!(has_chinese(&v), "{v}");
    }

    // An admin's phrase joins the candidates.
    let (_, v) = s.get("/api/guide/keyboard?letters=nnbd", "").await;
    assert!(!words(&v).contains(&"囡囡报到".to_owned()), "{v}");
    let admin = s.login("admin").await;
    let (st, _) = s
        .post(
            "/api/guide/phrases",
            &admin,
            json!({"phrase": "囡囡报到", "code": "GA-QR-004"}),
        )
        .await;
    assert_eq!(st, 201);
    let (_, v) = s.get("/api/guide/keyboard?letters=nnbd", "").await;
    assert_eq!(words(&v)[0], "囡囡报到", "{v}");
}
on_both_backends!(keyboard_candidates);

// issue 17 part 1: the keyboard's lookups are limited per address.
async fn keyboard_rate_limit(s: &TestServer) {
    // 240 a minute with a burst of 80: the first 80 taps are served, then,
    // typing on faster than 4 a second, one is refused.
    let mut statuses = Vec::new();
    for _ in 0..400 {
        let (st, v) = s.get("/api/guide/keyboard?letters=sfz", "").await;
        statuses.push(st);
        if st == 429 {
            assert_eq!(v["error"]["code"], "rate_limited", "{v}");
            assert!(has_chinese(&v), "{v}");
            break;
        }
        assert_eq!(st, 200, "{v}");
    }
    assert!(statuses.len() > 80, "a burst of typing is served: {statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}
on_both_backends!(keyboard_rate_limit);
