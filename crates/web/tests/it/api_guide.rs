//! 智能导办 over HTTP (issue 17 part 1): the contract of `GET /api/guide`
//! (public: `{answers: [{code, kind, name, score}], none}`; nothing fits → `none`
//! with no answers; an empty or blank `q` → 422 naming `q`), the admin's phrases
//! changing answers, the no-hit log keeping no digits, who may manage the
//! vocabulary (401/403), and the pages (portal, kiosk, admin).

use crate::on_both_backends;
use crate::support::{Backend, TestServer, csrf_of, field, page, session};
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
    assert_eq!(items[1]["question"], "身份证号今天天气");
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

async fn who_may_manage_the_vocabulary(s: &TestServer) {
    let body = json!({"phrase": "落地户", "code": "GA-QR-004"});
    for path in ["/api/guide/phrases", "/api/guide/misses"] {
        let (st, _) = s.get(path, "").await;
        assert_eq!(st, 401, "{path}");
    }
    let (st, _) = s.post("/api/guide/phrases", "", body.clone()).await;
    assert_eq!(st, 401);
    let id = uuid::Uuid::now_v7();
    let (st, _) = s
        .call("DELETE", "", &format!("/api/guide/phrases/{id}"), None)
        .await;
    assert_eq!(st, 401);
    for user in ["staff", "leader", "supervisor", "liaison"] {
        let t = s.login(user).await;
        for path in ["/api/guide/phrases", "/api/guide/misses"] {
            let (st, _) = s.get(path, &t).await;
            assert_eq!(st, 403, "{user} {path}");
        }
        let (st, _) = s.post("/api/guide/phrases", &t, body.clone()).await;
        assert_eq!(st, 403, "{user}");
        let (st, _) = s
            .call("DELETE", &t, &format!("/api/guide/phrases/{id}"), None)
            .await;
        assert_eq!(st, 403, "{user}");
    }
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
    // Staff are refused the page.
    let staff = session(s, "staff").await;
    let (st, _) = page(s, &staff, "/admin/guide").await;
    assert_eq!(st, 403);
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
