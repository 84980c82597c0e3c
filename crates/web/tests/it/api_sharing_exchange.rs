//! 数据共享交换 (issue 17): a hall connected to its province's data sharing
//! exchange asks the exchange's front-end processor over real HTTP when its
//! imported records hold nothing valid. The exchange here is a small axum
//! server on a random port that answers by holder: a valid record, nothing
//! (404), an expired record, a failure (500), silence (longer than the
//! timeout), and an answer that is not the protocol's. On both backends: the
//! record used is logged with its channel; every failure refuses the material
//! by name and writes nothing.

use crate::support::{Backend, TestServer, field};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SMALL_FOOD: &str = "SCJG-XK-003";
const FOUND: &str = "110101198001010010";
const NOTHING: &str = "110101198505050024";
const EXPIRED: &str = "11010119900909003X";
const FAILING: &str = "110101197512120049";
const SILENT: &str = "110101196606060054";
const GARBLED: &str = "11010519491231002X";
const LOCAL: &str = "110101199003070011";
const TOKEN: &str = "exchange-token-1";
const TIMEOUT_MS: u64 = 400;

/// What the exchange was asked, with the bearer token it was sent.
type Asked = Arc<Mutex<Vec<(Option<String>, Value)>>>;

async fn exchange(State(asked): State<Asked>, headers: HeaderMap, body: String) -> Response {
    let question: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    asked.lock().unwrap().push((token.clone(), question.clone()));
    if token.as_deref() != Some(&format!("Bearer {TOKEN}")) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let kind = question["type"].as_str().unwrap_or_default().to_owned();
    let record = |number: &str, until: Value| {
        axum::Json(json!({"records": [
            // Another type of the same holder is never taken for this one.
            {"type": "驾驶证", "number": "DL-9", "valid_until": null},
            {"type": kind, "number": number, "valid_until": until},
        ]}))
        .into_response()
    };
    match question["holder"].as_str().unwrap_or_default() {
        FOUND => record("EX-1", json!("2099-12-31")),
        EXPIRED => record("EX-OLD", json!("2001-01-01")),
        FAILING => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        SILENT => {
            tokio::time::sleep(Duration::from_millis(TIMEOUT_MS * 5)).await;
            record("EX-LATE", Value::Null)
        }
        GARBLED => (StatusCode::OK, "<html>维护中</html>").into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The exchange on a random port, and what it was asked.
async fn start_exchange() -> (String, Asked) {
    let asked: Asked = Arc::default();
    let app = axum::Router::new()
        .route("/gateway/records", post(exchange))
        .with_state(asked.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/gateway/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, asked)
}

fn settings(url: &str) -> app::Settings {
    let mut s = app::Settings::default().always_open();
    s.sharing.exchange_url = url.into();
    s.sharing.token = TOKEN.into();
    s.sharing.timeout_ms = TIMEOUT_MS;
    s
}

/// 小餐饮经营许可 with the operator's ID card fetched instead of handed in.
fn small_food(id: &str) -> Value {
    json!({"item": SMALL_FOOD,
    "applicant": {"name": "张三", "id_number": id, "phone": "13912345678"},
    "materials": [
        {"name": "小餐饮经营许可申请表", "status": "provided"},
        {"name": "经营者身份证", "status": "shared"},
        {"name": "经营场所使用证明", "status": "provided"},
        {"name": "从业人员健康证明", "status": "provided"},
    ]})
}

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or_default()
}

async fn the_exchange_answers_what_the_imported_records_lack(s: &TestServer, asked: &Asked) {
    let staff = s.login("staff").await;
    let admin = s.login("admin").await;

    // Found at the exchange: accepted; the record used is logged with its channel.
    let (st, case) = s.post("/api/cases", &staff, small_food(FOUND)).await;
    assert_eq!((st, case["status"].as_str()), (201, Some("accepted")), "{case}");
    {
        let asked = asked.lock().unwrap();
        assert_eq!(asked.len(), 1, "one question");
        let (token, q) = &asked[0];
        assert_eq!(token.as_deref(), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(q["holder"], FOUND);
        assert_eq!(q["holder_kind"], "person");
        assert_eq!(
            q["source"], "population",
            "an ID card is the population library's"
        );
        assert_eq!(q["type"], "经营者身份证");
        assert_eq!(q["item"], SMALL_FOOD);
        assert_eq!(q["operator"], "staff");
        assert_eq!(q["hall"], s.app.settings.hall.code.as_str());
    }
    let id = case["id"].as_str().unwrap();
    let (st, log) = s.get(&format!("/api/cases/{id}/data-access"), &staff).await;
    assert_eq!(st, 200, "{log}");
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    assert_eq!(items[0]["provider"], "exchange");
    assert_eq!(items[0]["provider_label"], "共享交换平台");
    assert_eq!(items[0]["source"], "population");
    assert_eq!(
        items[0]["licence_number"], "EX-1",
        "the asked type, not the driving licence"
    );
    assert_eq!(items[0]["valid_until"], "2099-12-31");
    let audit = s.app.audit_log(1, 500).await.unwrap();
    let share = audit.iter().find(|e| e.action == "data.share").expect("audited");
    assert!(share.detail.contains("共享交换平台"), "{}", share.detail);
    assert!(!share.detail.contains(FOUND), "no number in the audit line");

    // An imported record is used first: the exchange is not asked.
    let resp = s
        .upload(
            "/api/licences/import",
            &admin,
            format!("holder,type,number,valid_until\n{LOCAL},经营者身份证,LOCAL-1,\n"),
        )
        .await;
    assert_eq!(resp.status, 201, "{}", resp.text);
    let before = asked.lock().unwrap().len();
    let (st, case) = s.post("/api/cases", &staff, small_food(LOCAL)).await;
    assert_eq!(st, 201, "{case}");
    assert_eq!(asked.lock().unwrap().len(), before, "the exchange was not asked");
    let (_, log) = s
        .get(
            &format!("/api/cases/{}/data-access", case["id"].as_str().unwrap()),
            &staff,
        )
        .await;
    assert_eq!(log["items"][0]["provider"], "local", "{log}");
    assert_eq!(log["items"][0]["licence_number"], "LOCAL-1");

    // Every way the exchange fails refuses the material by name and writes nothing.
    let cases = [
        (NOTHING, "没有有效记录"),
        (EXPIRED, "没有有效记录"),
        (FAILING, "应答状态500"),
        (SILENT, &format!("超过{TIMEOUT_MS}毫秒未应答") as &str),
        (GARBLED, "应答格式不符"),
    ];
    for (holder, why) in cases {
        let audit_before = s.app.audit_log(1, 500).await.unwrap().len();
        let (_, ledger_before) = s.get("/api/cases", &staff).await;
        let (st, v) = s.post("/api/cases", &staff, small_food(holder)).await;
        assert_eq!((st, field(&v)), (422, Some("materials")), "{holder}: {v}");
        assert!(message(&v).contains("经营者身份证"), "{holder}: {v}");
        if why != "没有有效记录" {
            assert!(message(&v).contains(why), "{holder}: {v}");
            assert!(message(&v).contains("共享交换平台"), "{holder}: {v}");
        }
        assert_eq!(
            s.app.audit_log(1, 500).await.unwrap().len(),
            audit_before,
            "{holder}: nothing written"
        );
        let (_, ledger_after) = s.get("/api/cases", &staff).await;
        assert_eq!(ledger_before["total"], ledger_after["total"], "{holder}: no case");
    }
}

async fn the_exchange_refuses_a_wrong_token(s: &TestServer) {
    let staff = s.login("staff").await;
    let (st, v) = s.post("/api/cases", &staff, small_food(FOUND)).await;
    assert_eq!((st, field(&v)), (422, Some("materials")), "{v}");
    assert!(message(&v).contains("应答状态401"), "{v}");
}

mod exchange {
    use super::*;

    async fn run(backend: Backend) {
        let (url, asked) = start_exchange().await;
        let s = TestServer::start_with(backend, settings(&url)).await;
        the_exchange_answers_what_the_imported_records_lack(&s, &asked).await;
        s.stop().await;
        let mut wrong = settings(&url);
        wrong.sharing.token = "not-the-token".into();
        let s = TestServer::start_with(backend, wrong).await;
        the_exchange_refuses_a_wrong_token(&s).await;
        s.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(Backend::Postgres).await;
    }
}
