//! The clients that load the hall while the server is killed: kiosks taking
//! tickets, windows calling, finishing and having each service rated online,
//! staff accepting cases. Each keeps every record the server answered 2xx
//! for and stops at the first request the dead server does not answer.
//! A capability adds its client to [`workload`].

use super::ledger::{Ack, Check, Expect, Kind};
use futures_util::future::BoxFuture;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use uuid::Uuid;

/// What every client gets.
#[derive(Clone)]
pub struct Ctx {
    pub http: reqwest::Client,
    pub base: String,
    /// Set once the server has been killed.
    pub stop: Arc<AtomicBool>,
    pub seed: u64,
}

#[derive(Default)]
pub struct Outcome {
    pub acks: Vec<Ack>,
    /// Answers other than 2xx (they promise nothing).
    pub refused: usize,
}

pub type Client = Box<dyn Fn(Ctx) -> BoxFuture<'static, Outcome> + Send + Sync>;

/// The clients of every cycle, each running on its own task.
pub fn workload() -> Vec<Client> {
    let mut clients: Vec<Client> = Vec::new();
    for category in ["A", "A", "B", "C", "D", "D"] {
        clients.push(Box::new(move |ctx| Box::pin(kiosk(ctx, category))));
    }
    // Window 3 is the staff member's; the admin works the others.
    for window in ["1", "2", "4", "5"] {
        clients.push(Box::new(move |ctx| Box::pin(window_client(ctx, window))));
    }
    for _ in 0..2 {
        clients.push(Box::new(|ctx| Box::pin(caseworker(ctx))));
    }
    clients
}

impl Ctx {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// `None` when the server did not answer in full (it was killed): the
    /// request promised nothing and the client stops.
    async fn post(&self, path: &str, token: Option<&str>, body: Option<Value>) -> Option<(u16, Value)> {
        let mut req = self.http.post(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.ok()?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.ok()?;
        Some((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    pub async fn login(&self, username: &str) -> Option<String> {
        let body = json!({"username": username, "password": app::demo::DEMO_PASSWORD});
        match self.post("/api/auth/login", None, Some(body)).await? {
            (200, v) => v["token"].as_str().map(str::to_owned),
            (status, v) => panic!("login as {username}: {status} {v}"),
        }
    }
}

fn text(v: &Value, field: &str) -> String {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
        .to_owned()
}

/// The hall's business day of an instant (ticket numbers restart each day).
fn business_day(at: &str) -> String {
    let at: jiff::Timestamp = at.parse().unwrap();
    at.to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .to_string()
}

async fn kiosk(ctx: Ctx, category: &'static str) -> Outcome {
    let mut out = Outcome::default();
    while !ctx.stopped() {
        let body = json!({ "category": category });
        let Some((status, v)) = ctx.post("/api/tickets", None, Some(body)).await else {
            break;
        };
        if status != 201 {
            out.refused += 1;
            continue;
        }
        let (id, number) = (text(&v, "id"), text(&v, "number"));
        out.acks.push(Ack {
            kind: Kind::Ticket,
            unique: Some(format!("ticket {} {number}", business_day(&text(&v, "taken_at")))),
            check: Check::Api {
                path: format!("/api/tickets/{id}"),
                fields: vec![
                    ("number", Expect::Is(number.clone())),
                    ("category", Expect::Is(category.into())),
                ],
            },
            number,
            id,
        });
    }
    out
}

/// Levels with their 差评 reasons; about two in five open a rectification.
const LEVELS: [(&str, &[&str]); 5] = [
    ("very_satisfied", &[]),
    ("satisfied", &[]),
    ("basic", &[]),
    ("dissatisfied", &["等候时间长"]),
    ("very_dissatisfied", &["服务态度差", "办事效率低"]),
];

async fn window_client(ctx: Ctx, window: &'static str) -> Outcome {
    let mut out = Outcome::default();
    let mut rng = StdRng::seed_from_u64(ctx.seed);
    let Some(token) = ctx.login("admin").await else {
        return out;
    };
    let token = Some(token.as_str());
    while !ctx.stopped() {
        let Some((status, v)) = ctx
            .post(&format!("/api/windows/{window}/call"), token, None)
            .await
        else {
            break;
        };
        match status {
            200 => {}
            204 => {
                // Nobody waiting: give the kiosks a moment.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            _ => {
                out.refused += 1;
                continue;
            }
        }
        let ticket = &v["ticket"];
        let (id, number) = (text(ticket, "id"), text(ticket, "number"));
        let path = format!("/api/tickets/{id}");
        out.acks.push(Ack {
            kind: Kind::Call,
            number: number.clone(),
            unique: None,
            id: id.clone(),
            check: Check::Api {
                path: path.clone(),
                fields: vec![
                    ("number", Expect::Is(number.clone())),
                    ("window", Expect::Is(window.into())),
                    // The next call at this window finishes it if we could not.
                    ("status", Expect::OneOf(&["called", "serving", "finished"])),
                ],
            },
        });
        let Some((status, _)) = ctx.post(&format!("/api/tickets/{id}/finish"), token, None).await else {
            break;
        };
        if status != 200 {
            out.refused += 1;
            continue;
        }
        out.acks.push(Ack {
            kind: Kind::Finish,
            number: number.clone(),
            unique: None,
            id: id.clone(),
            check: Check::Api {
                path,
                fields: vec![
                    ("window", Expect::Is(window.into())),
                    ("status", Expect::Is("finished".into())),
                ],
            },
        });
        let (level, reasons) = LEVELS[rng.random_range(0..LEVELS.len())];
        let body = json!({
            "ticket_id": id, "channel": "online", "level": level, "reasons": reasons,
            "comment": if reasons.is_empty() { "" } else { "等了一个多小时" },
        });
        let Some((status, v)) = ctx.post("/api/evaluations", None, Some(body)).await else {
            break;
        };
        if status != 201 {
            out.refused += 1;
            continue;
        }
        let evaluation = Uuid::parse_str(&text(&v, "id")).unwrap();
        out.acks.push(Ack {
            kind: Kind::Evaluation,
            number: number.clone(),
            unique: Some(format!("evaluation of ticket {id}")),
            id: evaluation.to_string(),
            check: Check::Evaluation {
                id: evaluation,
                ticket_id: Uuid::parse_str(&id).unwrap(),
                level: level.into(),
                reasons: reasons.iter().map(|r| r.to_string()).collect(),
            },
        });
    }
    out
}

/// The three materials of 食品经营许可 (SCJG-XK-001), all provided: accepted at once.
const FOOD: [&str; 3] = [
    "食品经营许可申请书",
    "与食品经营相适应的主要设备设施布局、操作流程文件",
    "食品安全自查、从业人员健康管理等保证食品安全的规章制度",
];
const APPLICANTS: [&str; 4] = ["张三", "李四", "王五", "赵六"];

async fn caseworker(ctx: Ctx) -> Outcome {
    let mut out = Outcome::default();
    let Some(token) = ctx.login("staff").await else {
        return out;
    };
    let materials: Vec<Value> = FOOD
        .iter()
        .map(|n| json!({"name": n, "status": "provided"}))
        .collect();
    let mut i = 0;
    while !ctx.stopped() {
        let name = APPLICANTS[i % APPLICANTS.len()];
        i += 1;
        let body = json!({
            "item": "SCJG-XK-001",
            "applicant": {"name": name, "id_number": "11010519491231002X", "phone": "13912345678"},
            "materials": materials,
        });
        let Some((status, v)) = ctx.post("/api/cases", Some(&token), Some(body)).await else {
            break;
        };
        if status != 201 {
            out.refused += 1;
            continue;
        }
        let (id, number) = (text(&v, "id"), text(&v, "number"));
        out.acks.push(Ack {
            kind: Kind::Case,
            unique: Some(format!("case {number}")),
            check: Check::Api {
                path: format!("/api/cases/{id}"),
                fields: vec![
                    ("number", Expect::Is(number.clone())),
                    ("item_code", Expect::Is("SCJG-XK-001".into())),
                    ("applicant_name", Expect::Is(name.into())),
                    ("status", Expect::Is(text(&v, "status"))),
                ],
            },
            number,
            id,
        });
    }
    out
}
