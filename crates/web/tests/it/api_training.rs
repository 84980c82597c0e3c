//! 三亮 and 培训考试 over HTTP (issue 16 parts 5 and 6), on both backends:
//! staff profiles with photos typed by their bytes, the desk card and the
//! public window page, courses and attendance, exams scored on submission
//! (the right answers never sent before), attempts running out, retraining
//! and the results the monthly assessment reads.

use crate::on_both_backends;
use crate::support::{Backend, TestServer, code, field, session};
use base64::Engine;
use serde_json::{Value, json};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A tiny WebP file's first bytes (its type is read from them).
const WEBP: &[u8] = b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0";

async fn staff_profiles_desk_card_and_window_page(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;

    // The administrator saves post, commitment and a WebP photo.
    let (st, v) = s
        .put(
            "/api/staff-profiles/staff",
            &admin,
            json!({"post": "综合受理岗", "commitment": "一次告知、限时办结、微笑服务",
                   "photo": format!("data:image/webp;base64,{}", b64(WEBP))}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["staff_number"], "DH0301", "kept from before: {v}");
    assert_eq!(v["post"], "综合受理岗");
    assert_eq!(v["windows"], json!(["1", "2", "3", "4", "5"]));
    let url = v["photo_url"].as_str().unwrap().to_owned();
    let photo = s.req("GET", &url).await;
    assert_eq!(photo.status, 200);
    assert_eq!(photo.headers["content-type"], "image/webp");
    assert_eq!(photo.bytes, WEBP);

    // A GIF claiming to be a PNG, a photo too large, a post too long: 422 by field.
    let (st, v) = s
        .put(
            "/api/staff-profiles/staff",
            &admin,
            json!({"photo": format!("data:image/png;base64,{}", b64(b"GIF89a...."))}),
        )
        .await;
    assert_eq!((st, field(&v)), (422, Some("photo")), "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("JPEG、PNG或WebP")
    );
    let mut big = vec![0xFF, 0xD8, 0xFF];
    big.resize(2 * 1024 * 1024 + 1, 0);
    let (st, v) = s
        .put("/api/staff-profiles/staff", &admin, json!({"photo": b64(&big)}))
        .await;
    assert_eq!((st, field(&v)), (422, Some("photo")), "{v}");
    let (st, v) = s
        .put(
            "/api/staff-profiles/staff",
            &admin,
            json!({"post": "岗".repeat(41)}),
        )
        .await;
    assert_eq!((st, field(&v)), (422, Some("post")), "{v}");
    let (st, _) = s
        .put("/api/staff-profiles/nobody", &admin, json!({"post": "x"}))
        .await;
    assert_eq!(st, 404);

    // The person sees their own; nobody else's; only the administrator edits or lists.
    let (st, v) = s.get("/api/staff-profiles/staff", &staff).await;
    assert_eq!(
        (st, v["commitment"].as_str()),
        (200, Some("一次告知、限时办结、微笑服务"))
    );
    let (st, _) = s.get("/api/staff-profiles/admin", &staff).await;
    assert_eq!(st, 403);
    assert_eq!(
        s.put("/api/staff-profiles/staff", &staff, json!({"post": "x"}))
            .await
            .0,
        403
    );
    assert_eq!(s.get("/api/staff-profiles", &leader).await.0, 403);
    let (st, v) = s.get("/api/staff-profiles", &admin).await;
    assert_eq!(st, 200);
    assert!(
        v["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["username"] == "staff")
    );

    // The window's public page, without signing in: nothing private.
    let (st, v) = s.get("/api/windows/3/public", "").await;
    assert_eq!(st, 200, "{v}");
    let p = &v["staff"][0];
    assert_eq!(
        (p["name"].as_str(), p["staff_number"].as_str()),
        (Some("王芳"), Some("DH0301"))
    );
    assert_eq!(p["post"], "综合受理岗");
    let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    for private in ["department", "role", "phone", "id", "disabled"] {
        assert!(!keys.contains(&private), "{keys:?}");
    }
    assert_eq!(v["services"][0]["category"], "企业开办");
    assert!(!v["services"][0]["items"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(s.get("/api/windows/99/public", "").await.0, 404);
    let page = s.req("GET", "/windows/3").await;
    assert_eq!(page.status, 200);
    for text in [
        "王芳",
        "DH0301",
        "综合受理岗",
        "一次告知、限时办结、微笑服务",
        "/complaint?window=3&amp;staff=staff",
    ] {
        assert!(page.text.contains(text), "{text}");
    }
    let index = s.req("GET", "/windows").await;
    assert!(index.status == 200 && index.text.contains("/windows/3"));
    assert!(s.req("GET", "/").await.text.contains("href=\"/windows\""));

    // The complaint form arrives with the window and the person chosen; the
    // complainant may change both.
    let form = s.req("GET", "/complaint?window=3&staff=staff").await;
    assert_eq!(form.status, 200);
    assert!(
        form.text.contains("<option value=\"3\" selected>"),
        "window prefilled"
    );
    assert!(
        form.text
            .contains("<option value=\"staff\" selected>王芳（工号DH0301）</option>")
    );
    assert!(form.text.contains("不涉及具体人员"));

    // The desk card: the administrator's, the person's own, nobody else's.
    let card = s.req("GET", "/admin/staff/staff/card").token(&admin).await;
    assert_eq!(card.status, 200);
    for text in [
        "王芳",
        "DH0301",
        "综合受理岗",
        "服务承诺",
        "<svg",
        "@page { size: A4 portrait",
    ] {
        assert!(card.text.contains(text), "{text}");
    }
    assert!(card.text.contains(&url), "the photo");
    assert_eq!(
        s.req("GET", "/admin/staff/staff/card").token(&staff).await.status,
        200
    );
    assert_eq!(
        s.req("GET", "/admin/staff/admin/card").token(&staff).await.status,
        403
    );
    let mine = s.req("GET", "/my/profile").token(&staff).await;
    assert!(mine.status == 200 && mine.text.contains("一次告知、限时办结、微笑服务"));

    // The 三亮 admin page saves through a form (multipart) too.
    let cookie = session(s, "admin").await;
    let html = s.req("GET", "/admin/staff").cookie(cookie.as_str()).await.text;
    assert!(html.contains("打印台签"));
    let csrf = crate::support::csrf_of(&html);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("staff_number", "DH0302")
        .text("post", "不动产登记岗")
        .text("duties", "不动产登记受理")
        .text("commitment", "当日受理、当日录入");
    let resp = s
        .client
        .post(s.url("/admin/staff/staff"))
        .header("cookie", &cookie)
        .header("origin", s.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, v) = s.get("/api/staff-profiles/staff", &admin).await;
    assert_eq!(
        (v["staff_number"].as_str(), v["post"].as_str()),
        (Some("DH0302"), Some("不动产登记岗"))
    );
    assert!(v["photo_url"].is_string(), "the photo kept: {v}");

    // Removing the photo.
    let (st, v) = s
        .put("/api/staff-profiles/staff", &admin, json!({"photo": ""}))
        .await;
    assert_eq!((st, v["photo_url"].clone()), (200, Value::Null));
    assert_eq!(s.req("GET", "/api/staff-profiles/staff/photo").await.status, 404);
}
on_both_backends!(staff_profiles_desk_card_and_window_page);

async fn courses_and_attendance(s: &TestServer) {
    let admin = s.login("admin").await;
    let leader = s.login("leader").await;
    let staff = s.login("staff").await;
    let today = s.app.today().to_string();
    let (st, c) = s
        .post(
            "/api/training/courses",
            &admin,
            json!({"title": "文明礼仪与服务规范", "date": today, "hours": 1.5, "trainer": "陈主任"}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    assert_eq!(
        (c["hours"].as_f64(), c["audience"].as_str()),
        (Some(1.5), Some("全厅"))
    );
    let id = c["id"].as_str().unwrap().to_owned();
    for (body, bad) in [
        (
            json!({"title": "x", "date": today, "hours": 0, "trainer": "陈"}),
            "hours",
        ),
        (
            json!({"title": "x", "date": "2026-13-01", "hours": 1, "trainer": "陈"}),
            "date",
        ),
        (
            json!({"title": "", "date": today, "hours": 1, "trainer": "陈"}),
            "title",
        ),
        (
            json!({"title": "x", "date": today, "hours": 1, "trainer": "陈", "department": "没有"}),
            "department",
        ),
    ] {
        let (st, v) = s.post("/api/training/courses", &admin, body).await;
        assert_eq!((st, field(&v)), (422, Some(bad)), "{v}");
    }
    assert_eq!(
        s.post(
            "/api/training/courses",
            &leader,
            json!({"title": "x", "date": today, "hours": 1, "trainer": "陈"})
        )
        .await
        .0,
        403
    );
    assert_eq!(s.get("/api/training/courses", &staff).await.0, 403);

    let path = format!("/api/training/courses/{id}/attendance");
    let (st, v) = s
        .post(&path, &admin, json!({"usernames": ["staff", "liaison"]}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["attendees"].as_array().unwrap().len(), 2);
    // Someone recorded twice counts once; an unknown account is refused.
    let (_, v) = s.post(&path, &admin, json!({"usernames": ["staff"]})).await;
    assert_eq!(v["attendees"].as_array().unwrap().len(), 2);
    let (st, v) = s.post(&path, &admin, json!({"usernames": ["ghost"]})).await;
    assert_eq!((st, field(&v)), (422, Some("usernames")));
    assert_eq!(
        s.post(
            "/api/training/courses/not-an-id/attendance",
            &admin,
            json!({"usernames": ["staff"]})
        )
        .await
        .0,
        404
    );

    let (st, v) = s.get("/api/training/courses", &leader).await;
    assert_eq!(st, 200);
    assert_eq!(v["items"][0]["id"], id.as_str());
    let (st, v) = s
        .get(&format!("/api/training/results?from={today}&to={today}"), &leader)
        .await;
    assert_eq!(st, 200, "{v}");
    let who: Vec<&str> = v["course_attendance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["liaison", "staff"]);
    assert!(
        v["course_attendance"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["course_id"] == id.as_str() && a["date"] == today.as_str())
    );
    // The app's view for the assessment says the same.
    let today_date = s.app.today();
    assert_eq!(
        s.app
            .training
            .course_attendance(today_date, today_date)
            .await
            .unwrap()
            .len(),
        2
    );
}
on_both_backends!(courses_and_attendance);

async fn exams_are_scored_and_attempts_run_out(s: &TestServer) {
    let admin = s.login("admin").await;
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let today = s.app.today();
    let (st, e) = s
        .post(
            "/api/training/exams",
            &admin,
            json!({"title": "服务规范考试", "opens_on": today.to_string(), "closes_on": today.to_string(),
                   "pass_mark": 60, "max_attempts": 2}),
        )
        .await;
    assert_eq!(st, 201, "{e}");
    let id = e["id"].as_str().unwrap().to_owned();
    for (body, bad) in [
        (
            json!({"title": "x", "opens_on": "2026-01-02", "closes_on": "2026-01-01", "pass_mark": 60, "max_attempts": 1}),
            "closes_on",
        ),
        (
            json!({"title": "x", "opens_on": "2026-01-01", "closes_on": "2026-01-01", "pass_mark": 0, "max_attempts": 1}),
            "pass_mark",
        ),
        (
            json!({"title": "x", "opens_on": "2026-01-01", "closes_on": "2026-01-01", "pass_mark": 60, "max_attempts": 0}),
            "max_attempts",
        ),
    ] {
        let (st, v) = s.post("/api/training/exams", &admin, body).await;
        assert_eq!((st, field(&v)), (422, Some(bad)), "{v}");
    }
    let questions = format!("/api/training/exams/{id}/questions");
    let (st, v) = s
        .post(
            &questions,
            &admin,
            json!({"kind": "single", "text": "首问负责制的“首问”是谁？",
            "options": ["群众", "第一位被询问的工作人员", "窗口负责人"], "answers": [1], "points": 2}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = s
        .post(&questions, &admin, json!({"kind": "multiple", "text": "一次性告知应当告知哪些内容？",
            "options": ["全部缺少的材料", "材料的要求", "办事人的隐私", "补正的方式"], "answers": [0, 1, 3], "points": 3}))
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["exam"]["total_points"], 5);
    assert_eq!(v["questions"][1]["answer_letters"], "A、B、D");
    for (body, bad) in [
        (
            json!({"kind": "single", "text": "q", "options": ["a", "b"], "answers": [0, 1]}),
            "answers",
        ),
        (
            json!({"kind": "judge", "text": "q", "options": ["a", "b"], "answers": [0]}),
            "kind",
        ),
        (
            json!({"kind": "multiple", "text": "q", "options": ["a"], "answers": [0]}),
            "options",
        ),
        (
            json!({"kind": "multiple", "text": "q", "options": ["a", "b"], "answers": [5]}),
            "answers",
        ),
    ] {
        let (st, v) = s.post(&questions, &admin, body).await;
        assert_eq!((st, field(&v)), (422, Some(bad)), "{v}");
    }

    // The paper carries no answers; only the administrator reads them.
    let paper = s
        .req("GET", &format!("/api/training/exams/{id}/paper"))
        .token(&staff)
        .await;
    assert_eq!(paper.status, 200, "{}", paper.text);
    assert!(
        !paper.text.contains("answers") && !paper.text.contains("answer_letters"),
        "{}",
        paper.text
    );
    let p = paper.json();
    assert_eq!(p["questions"].as_array().unwrap().len(), 2);
    assert_eq!(
        (p["can_attempt"].as_bool(), p["attempts_allowed"].as_u64()),
        (Some(true), Some(2))
    );
    assert_eq!(s.get(&format!("/api/training/exams/{id}"), &staff).await.0, 403);
    assert_eq!(s.get(&format!("/api/training/exams/{id}"), &leader).await.0, 403);
    let (_, mine) = s.get("/api/training/my-exams", &staff).await;
    assert_eq!(mine["items"][0]["exam"]["id"], id.as_str());
    assert_eq!(s.get("/api/training/my-exams", &leader).await.0, 403);

    let attempts = format!("/api/training/exams/{id}/attempts");
    // A sheet that does not fit the paper.
    let (st, v) = s.post(&attempts, &staff, json!({"answers": [[1]]})).await;
    assert_eq!((st, field(&v)), (422, Some("answers")), "{v}");
    let (st, v) = s.post(&attempts, &staff, json!({"answers": [[0, 1], []]})).await;
    assert_eq!(
        (st, field(&v)),
        (422, Some("answers")),
        "two options on a 单选题: {v}"
    );
    // Right single, a multiple missing one option: 2 of 5 = 40.
    let (st, a1) = s.post(&attempts, &staff, json!({"answers": [[1], [0, 1]]})).await;
    assert_eq!(st, 201, "{a1}");
    assert_eq!(
        (a1["score"].as_i64(), a1["passed"].as_bool()),
        (Some(40), Some(false))
    );
    assert_eq!(a1["right"], json!([true, false]));
    assert_eq!(a1["attempts_left"], 1);
    assert!(
        !a1.to_string().contains("answers"),
        "no right answers after submitting either: {a1}"
    );
    // One extra option is wrong too: 0 of 5.
    let (st, a2) = s
        .post(&attempts, &staff, json!({"answers": [[0], [0, 1, 2, 3]]}))
        .await;
    assert_eq!(
        (st, a2["score"].as_i64(), a2["attempts_left"].as_i64()),
        (201, Some(0), Some(0))
    );
    let (st, v) = s
        .post(&attempts, &staff, json!({"answers": [[1], [0, 1, 3]]}))
        .await;
    assert_eq!((st, code(&v)), (409, Some("attempts_exhausted")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("考试次数已用完"));

    // Listed for retraining; after it, one more attempt.
    let (st, list) = s
        .get(&format!("/api/training/retraining?exam={id}"), &leader)
        .await;
    assert_eq!(st, 200);
    let line = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["username"] == "staff")
        .unwrap()
        .clone();
    assert_eq!(
        (
            line["status"].as_str(),
            line["attempts"].as_i64(),
            line["best_score"].as_i64()
        ),
        (Some("failed"), Some(2), Some(40))
    );
    assert_eq!(
        s.post(
            "/api/training/retraining",
            &leader,
            json!({"exam_id": id, "username": "staff", "date": today.to_string()})
        )
        .await
        .0,
        403
    );
    let (st, r) = s
        .post(
            "/api/training/retraining",
            &admin,
            json!({"exam_id": id, "username": "staff", "date": today.to_string(), "note": "服务规范补训"}),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let (st, a3) = s
        .post(&attempts, &staff, json!({"answers": [[1], [3, 1, 0]]}))
        .await;
    assert_eq!(
        (st, a3["score"].as_i64(), a3["passed"].as_bool()),
        (201, Some(100), Some(true))
    );
    // Passed: no more attempts, no retraining, off the list.
    let (st, v) = s
        .post(&attempts, &staff, json!({"answers": [[1], [0, 1, 3]]}))
        .await;
    assert_eq!((st, code(&v)), (409, Some("wrong_status")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("已通过"));
    let (st, _) = s
        .post(
            "/api/training/retraining",
            &admin,
            json!({"exam_id": id, "username": "staff", "date": today.to_string()}),
        )
        .await;
    assert_eq!(st, 409);
    let (_, list) = s
        .get(&format!("/api/training/retraining?exam={id}"), &leader)
        .await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["username"] != "staff"),
        "{list}"
    );
    // Questions are fixed once someone has sat the exam.
    let (st, v) = s
        .post(
            &questions,
            &admin,
            json!({"kind": "single", "text": "q", "options": ["a", "b"], "answers": [0]}),
        )
        .await;
    assert_eq!((st, code(&v)), (409, Some("wrong_status")));

    // The assessment's view: three attempts today, the attempt ids kept.
    let (_, res) = s
        .get(&format!("/api/training/results?from={today}&to={today}"), &leader)
        .await;
    let ids: Vec<&str> = res["exam_results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            a1["id"].as_str().unwrap(),
            a2["id"].as_str().unwrap(),
            a3["id"].as_str().unwrap()
        ]
    );
    let results = s.app.training.exam_results(today, today).await.unwrap();
    assert_eq!(
        results
            .iter()
            .map(|r| (r.username.as_str(), r.score, r.passed))
            .collect::<Vec<_>>(),
        [("staff", 40, false), ("staff", 0, false), ("staff", 100, true)]
    );
    assert!(results.iter().all(|r| r.exam_id.to_string() == id));
    let yesterday = today.yesterday().unwrap();
    assert!(
        s.app
            .training
            .exam_results(yesterday, yesterday)
            .await
            .unwrap()
            .is_empty()
    );

    // A closed exam refuses a sheet; a department's exam is not for others.
    let (_, closed) = s
        .post(
            "/api/training/exams",
            &admin,
            json!({"title": "上月考试", "opens_on": yesterday.to_string(),
            "closes_on": yesterday.to_string(), "pass_mark": 60, "max_attempts": 1}),
        )
        .await;
    let closed_id = closed["id"].as_str().unwrap();
    s.post(
        &format!("/api/training/exams/{closed_id}/questions"),
        &admin,
        json!({"kind": "single", "text": "q", "options": ["a", "b"], "answers": [0]}),
    )
    .await;
    let (st, v) = s
        .post(
            &format!("/api/training/exams/{closed_id}/attempts"),
            &staff,
            json!({"answers": [[0]]}),
        )
        .await;
    assert_eq!((st, code(&v)), (409, Some("wrong_status")), "{v}");
    // Never sat a closed exam: listed as absent.
    let (_, list) = s
        .get(&format!("/api/training/retraining?exam={closed_id}"), &admin)
        .await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["username"] == "staff" && l["status"] == "absent"),
        "{list}"
    );
    let (_, dept) = s
        .post("/api/training/exams", &admin, json!({"title": "市场监管业务考试", "department": "SCJG",
            "opens_on": today.to_string(), "closes_on": today.to_string(), "pass_mark": 60, "max_attempts": 1}))
        .await;
    let dept_id = dept["id"].as_str().unwrap();
    assert_eq!(
        s.get(&format!("/api/training/exams/{dept_id}/paper"), &staff)
            .await
            .0,
        403
    );
    let liaison = s.login("liaison").await;
    assert_eq!(
        s.get(&format!("/api/training/exams/{dept_id}/paper"), &liaison)
            .await
            .0,
        200
    );
    assert_eq!(s.get("/api/training/exams/not-an-id/paper", &staff).await.0, 404);
}
on_both_backends!(exams_are_scored_and_attempts_run_out);

async fn training_pages(s: &TestServer) {
    let admin = session(s, "admin").await;
    let staff = session(s, "staff").await;
    let today = s.app.today().to_string();
    let dashboard = s.req("GET", "/admin").cookie(admin.as_str()).await.text;
    for tile in ["/admin/training", "/admin/staff", "/my/exams"] {
        assert!(dashboard.contains(tile), "{tile}");
    }
    let html = s.req("GET", "/admin/training").cookie(admin.as_str()).await.text;
    let csrf = crate::support::csrf_of(&html);
    let a = s
        .req("POST", "/admin/training/exams")
        .cookie(admin.as_str())
        .form(&[
            ("csrf", &csrf),
            ("title", "礼仪考试"),
            ("department", ""),
            ("opens_on", &today),
            ("closes_on", &today),
            ("pass_mark", "60"),
            ("max_attempts", "1"),
        ])
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let exam_page = a.location().unwrap();
    let id = exam_page
        .split('/')
        .nth(4)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let a = s
        .req("POST", &format!("/admin/training/exams/{id}"))
        .cookie(admin.as_str())
        .form(&[
            ("csrf", &csrf),
            ("kind", "multiple"),
            ("text", "文明用语有哪些？"),
            ("options", "您好\n请稍等\n不知道\n"),
            ("answers", "AB"),
            ("points", ""),
        ])
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let detail = s
        .req("GET", &format!("/admin/training/exams/{id}"))
        .cookie(admin.as_str())
        .await
        .text;
    assert!(detail.contains("正确答案：<b>A、B</b>"), "{detail}");
    // A bad answer letter is shown on the page, not a 500.
    let a = s
        .req("POST", &format!("/admin/training/exams/{id}"))
        .cookie(admin.as_str())
        .form(&[
            ("csrf", &csrf),
            ("kind", "single"),
            ("text", "q"),
            ("options", "a\nb"),
            ("answers", "9"),
            ("points", "1"),
        ])
        .await;
    assert_eq!(a.status, 422);

    // Staff see the exam, sit it in the browser form, and get the score.
    let list = s.req("GET", "/my/exams").cookie(staff.as_str()).await.text;
    assert!(list.contains("礼仪考试"));
    let paper = s
        .req("GET", &format!("/my/exams/{id}"))
        .cookie(staff.as_str())
        .await
        .text;
    assert!(
        paper.contains("type=\"checkbox\" name=\"q1\" value=\"0\""),
        "{paper}"
    );
    assert!(!paper.contains("正确答案"));
    let staff_csrf = crate::support::csrf_of(&paper);
    let a = s
        .req("POST", &format!("/my/exams/{id}"))
        .cookie(staff.as_str())
        .form(&[
            ("csrf", &staff_csrf),
            ("questions", "1"),
            ("q1", "0"),
            ("q1", "1"),
        ])
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert!(a.text.contains("100分") && a.text.contains("通过"), "{}", a.text);
    // Attempts exhausted (passed) is said on the page.
    let a = s
        .req("POST", &format!("/my/exams/{id}"))
        .cookie(staff.as_str())
        .form(&[("csrf", &staff_csrf), ("questions", "1"), ("q1", "0")])
        .await;
    assert_eq!(a.status, 409);
    assert!(a.text.contains("已通过"));
    // The administrator sees every attempt with its score.
    let detail = s
        .req("GET", &format!("/admin/training/exams/{id}"))
        .cookie(admin.as_str())
        .await
        .text;
    assert!(
        detail.contains("考试成绩") && detail.contains("王芳（staff）"),
        "{detail}"
    );
    assert!(detail.contains("已有人参加考试"));

    // A course through the form, then its attendance.
    let a = s
        .req("POST", "/admin/training/courses")
        .cookie(admin.as_str())
        .form(&[
            ("csrf", &csrf),
            ("title", "消防安全"),
            ("date", &today),
            ("hours", "2"),
            ("department", ""),
            ("trainer", "李强"),
        ])
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let course = a.location().unwrap();
    let course = course.split('?').next().unwrap().to_owned();
    let a = s
        .req("POST", &course)
        .cookie(admin.as_str())
        .form(&[
            ("csrf", &csrf),
            ("usernames", "staff"),
            ("usernames", "supervisor"),
        ])
        .await;
    assert_eq!(a.status, 303, "{}", a.text);
    let html = s.req("GET", &course).cookie(admin.as_str()).await.text;
    assert!(html.contains("王芳、李强（2人）"), "{html}");
    let html = s
        .req("GET", "/admin/training/retraining")
        .cookie(admin.as_str())
        .await
        .text;
    assert!(html.contains("补训名单"));
    // Staff do not reach the administrator's pages.
    assert_eq!(
        s.req("GET", "/admin/training")
            .cookie(staff.as_str())
            .await
            .status,
        403
    );
}
on_both_backends!(training_pages);
