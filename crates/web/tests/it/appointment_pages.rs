//! The citizen's pages: booking a slot, the printable code, looking up and
//! cancelling; the home-visit form; the staff's home-visit pages.

use crate::api_appointments::next_working_day;
use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use domain::appointment::AppointmentStatus;
use serde_json::json;

async fn text(s: &TestServer, path: &str, cookie: Option<&str>) -> (u16, String) {
    let a = s.req("GET", path).cookie(cookie).send().await;
    (a.status, a.text)
}

/// Posts a form as the browser does from this site.
async fn form(s: &TestServer, path: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> (u16, String) {
    let a = s.req("POST", path).form(fields).cookie(cookie).send().await;
    (a.status, a.location().unwrap_or(a.text))
}

fn code_of(html: &str) -> String {
    let at = html.find("class=\"appt-code\">").unwrap() + "class=\"appt-code\">".len();
    html[at..at + 6].to_owned()
}

async fn booking_pages(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let day = next_working_day(s).await;
    let (status, home) = text(s, "/", None).await;
    assert_eq!(status, 200);
    assert!(home.contains("href=\"/appointments\"") && home.contains("/appointments/home-visit"));

    let (status, html) = text(s, "/appointments", None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("不动产登记") && html.contains("到达与爽约规则"),
        "{html}"
    );
    let (_, html) = text(s, "/appointments?category=B", None).await;
    assert!(
        html.contains(&format!("date={day}")),
        "the next working day is offered"
    );
    let (_, html) = text(s, &format!("/appointments?category=B&date={day}"), None).await;
    assert!(
        html.contains("value=\"09:00\"") && html.contains("剩余 4 个"),
        "{html}"
    );

    let fields = |time: &'static str, phone: &'static str| {
        vec![
            ("category", "B".to_owned()),
            ("date", day.clone()),
            ("time", time.into()),
            ("phone", phone.into()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| async move {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form(s, "/appointments", &f, None).await
    };
    // Another site cannot post the form.
    let resp = s
        .req("POST", "/appointments")
        .header("origin", "http://evil.example")
        .plain_form(&[
            ("category", "B"),
            ("date", day.as_str()),
            ("time", "09:00"),
            ("phone", "13700000001"),
        ])
        .await;
    assert_eq!(resp.status, 403);
    let (status, html) = post(fields("09:00", "1370000")).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("手机号应为") && html.contains("value=\"1370000\""),
        "{html}"
    );
    let (status, html) = post(fields("", "13700000001")).await;
    assert_eq!(status, 422);
    assert!(html.contains("请选择预约时段"));

    let (status, html) = post(fields("09:00", "13700000001")).await;
    assert_eq!(status, 201, "{html}");
    let code = code_of(&html);
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{code}");
    for want in [
        "预约成功",
        "不动产登记",
        day.as_str(),
        "09:00",
        "08:30 至 09:15",
        "data-print",
        "尾号 0001",
    ] {
        assert!(html.contains(want), "confirmation lacks {want}");
    }
    assert_eq!(
        s.app.store.appointment(&code).await.unwrap().status,
        AppointmentStatus::Booked
    );

    // Full slot and the per-person limit are refused on the page with a 409.
    for n in 2..=4 {
        let resp = s
            .req("POST", "/api/appointments")
            .json(&json!({"category": "B", "date": day, "time": "09:00", "phone": format!("1370000000{n}")}))
            .await;
        assert_eq!(resp.status, 201);
    }
    let (_, html) = text(s, &format!("/appointments?category=B&date={day}"), None).await;
    assert!(html.contains("已约满"));
    let (status, html) = post(fields("09:00", "13700000009")).await;
    assert_eq!(status, 409);
    assert!(html.contains("约满"), "{html}");
    let (status, _) = post(fields("09:30", "13700000001")).await;
    assert_eq!(status, 201);
    let (status, html) = post(fields("10:00", "13700000001")).await;
    assert_eq!(status, 409);
    assert!(html.contains("最多预约2次"), "{html}");

    // 查询我的预约: the code and the phone's last four digits.
    let (status, html) = text(s, "/appointments/mine", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("手机号的后四位"));
    let (status, html) = form(
        s,
        "/appointments/mine",
        &[("code", &code), ("phone_last4", "9999")],
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert!(html.contains("没有查到该预约"));
    let (status, html) = form(
        s,
        "/appointments/mine",
        &[("code", "000000"), ("phone_last4", "0001")],
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert!(html.contains("没有查到该预约"));
    let (status, html) = form(
        s,
        "/appointments/mine",
        &[("code", &code), ("phone_last4", "0001")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains(&code) && html.contains("已预约，待签到") && html.contains("取消这个预约"));

    // Cancelling.
    let (status, html) = text(s, &format!("/appointments/cancel?code={code}"), None).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("value=\"{code}\"")));
    let (status, _) = form(
        s,
        "/appointments/cancel",
        &[("code", &code), ("phone_last4", "1234")],
        None,
    )
    .await;
    assert_eq!(status, 404, "a wrong phone tail looks like an unknown code");
    let (status, html) = form(
        s,
        "/appointments/cancel",
        &[("code", &code), ("phone_last4", "0001")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("已取消"), "{html}");
    assert_eq!(
        s.app.store.appointment(&code).await.unwrap().status,
        AppointmentStatus::Cancelled
    );
    // A cancelled appointment offers neither arrival instructions nor a voucher to print.
    let (_, html) = form(
        s,
        "/appointments/mine",
        &[("code", &code), ("phone_last4", "0001")],
        None,
    )
    .await;
    assert!(html.contains("id=\"appointment-inactive\""), "{html}");
    assert!(
        !html.contains("到达须知") && !html.contains("打印预约凭证"),
        "{html}"
    );
    let (status, _) = form(
        s,
        "/appointments/cancel",
        &[("code", &code), ("phone_last4", "0001")],
        None,
    )
    .await;
    assert_eq!(status, 409);
}
on_both_backends!(booking_pages);

/// Signs in through the form; answers the session cookie.
async fn session(s: &TestServer, username: &str) -> String {
    let resp = s
        .req("POST", "/login")
        .plain_form(&[
            ("username", username),
            ("password", app::demo::DEMO_PASSWORD),
            ("next", "/admin"),
        ])
        .await;
    assert_eq!(resp.status, 303);
    let cookie = resp.headers["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

async fn home_visit_pages(s: &TestServer) {
    s.app.seed_demo_floor().await.unwrap();
    let (status, html) = text(s, "/appointments/home-visit", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("高龄") && html.contains("重病") && html.contains("加密保存"));
    let mut fields = vec![
        ("name", "李桂兰"),
        ("phone", "13598765432"),
        ("address", ""),
        ("item", "高龄津贴申请"),
        ("reason", "ill"),
        ("preferred_date", ""),
        ("note", ""),
    ];
    let resp = s
        .req("POST", "/appointments/home-visit")
        .header("origin", "http://evil.example")
        .plain_form(&fields)
        .await;
    assert_eq!(resp.status, 403);
    let (status, html) = form(s, "/appointments/home-visit", &fields, None).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("请填写上门地址") && html.contains("value=\"李桂兰\""),
        "{html}"
    );
    fields[2] = ("address", "东海县石榴街道幸福路6号");
    let (status, html) = form(s, "/appointments/home-visit", &fields, None).await;
    assert_eq!(status, 201, "{html}");
    assert!(html.contains("已收到") && html.contains("135****5432"), "{html}");

    // Staff: the list masks the phone; the detail shows it and is audit-logged.
    let resp = s.req("GET", "/admin/home-visits").await;
    assert_eq!(resp.status, 303);
    let leader = session(s, "leader").await;
    assert_eq!(text(s, "/admin/home-visits", Some(&leader)).await.0, 403);
    let staff = session(s, "staff").await;
    let (status, html) = text(s, "/admin/home-visits", Some(&staff)).await;
    assert_eq!(status, 200);
    assert!(html.contains("李桂兰") && html.contains("135****5432") && !html.contains("13598765432"));
    let at = html.find("href=\"/admin/home-visits/").unwrap() + "href=\"".len();
    let detail_path = html[at..].split('"').next().unwrap().to_owned();
    let (status, html) = text(s, &detail_path, Some(&staff)).await;
    assert_eq!(status, 200);
    assert!(html.contains("13598765432") && html.contains("幸福路6号") && html.contains("提交申请"));
    let views = s
        .app
        .audit_log(1, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "home_visit.view")
        .count();
    assert_eq!(views, 1);
    let csrf = {
        let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
        html[at..].split('"').next().unwrap().to_owned()
    };
    // A form without the session's secret is refused; with it the request moves on.
    let (status, _) = form(
        s,
        &format!("{detail_path}/cancel"),
        &[("csrf", "x"), ("reason", "重复")],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 403);
    let (status, html) = form(
        s,
        &format!("{detail_path}/cancel"),
        &[("csrf", &csrf), ("reason", "")],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("请填写取消原因"));
    let day = next_working_day(s).await;
    let (status, location) = form(
        s,
        &format!("{detail_path}/schedule"),
        &[("csrf", &csrf), ("date", &day), ("staff", "staff")],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    assert!(
        location.starts_with("/admin/home-visits?status=all&ok="),
        "{location}"
    );
    let (_, html) = text(s, "/admin/home-visits?status=scheduled", Some(&staff)).await;
    assert!(html.contains("李桂兰") && html.contains(&day));
}
on_both_backends!(home_visit_pages);
