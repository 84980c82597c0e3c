//! What the server acknowledged with 2xx, and the checks that all of it is
//! still there after the kills. A capability adds its record kinds here: a
//! [`Kind`], and an [`Ack`] whose [`Check`] says how to read the record back.

use futures_util::StreamExt;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use store::Store;
use store::StoreError;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A kiosk took a ticket (201).
    Ticket,
    /// A window called a ticket (200).
    Call,
    /// A window finished a ticket (200).
    Finish,
    /// Staff accepted a case (201).
    Case,
    /// An online evaluation of a finished ticket (201).
    Evaluation,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Ticket,
        Kind::Call,
        Kind::Finish,
        Kind::Case,
        Kind::Evaluation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Ticket => "tickets",
            Kind::Call => "calls",
            Kind::Finish => "finishes",
            Kind::Case => "cases",
            Kind::Evaluation => "evaluations",
        }
    }
}

/// A field of the record read back.
#[derive(Clone, Debug)]
pub enum Expect {
    Is(String),
    OneOf(&'static [&'static str]),
}

impl Expect {
    fn accepts(&self, got: &Value) -> bool {
        match self {
            Expect::Is(want) => got.as_str() == Some(want.as_str()),
            Expect::OneOf(wants) => got.as_str().is_some_and(|g| wants.contains(&g)),
        }
    }
}

/// How to read an acknowledged record back.
#[derive(Clone, Debug)]
pub enum Check {
    /// GET `path` with the admin token answers 200 with these fields.
    Api {
        path: String,
        fields: Vec<(&'static str, Expect)>,
    },
    /// No per-evaluation read in the API: read it from the store, with its
    /// rectification when it is a 差评.
    Evaluation {
        id: Uuid,
        ticket_id: Uuid,
        level: String,
        reasons: Vec<String>,
    },
}

/// One record the server answered 2xx for.
#[derive(Clone, Debug)]
pub struct Ack {
    pub kind: Kind,
    /// The human number ("A012", a case number), for messages.
    pub number: String,
    /// A number that must never be handed out twice: two ids with the same key is a duplicate.
    pub unique: Option<String>,
    pub id: String,
    pub check: Check,
}

/// What the checks found; every list should stay empty.
#[derive(Default, Debug)]
pub struct Findings {
    /// Acknowledged, then gone.
    pub lost: Vec<String>,
    /// Still there, with other contents.
    pub changed: Vec<String>,
    /// A number handed out twice, or a job done twice.
    pub duplicates: Vec<String>,
    /// Anything else that should not happen.
    pub other: Vec<String>,
}

impl Findings {
    pub fn is_clean(&self) -> bool {
        self.lost.is_empty() && self.changed.is_empty() && self.duplicates.is_empty() && self.other.is_empty()
    }

    pub fn merge(&mut self, more: Findings) {
        self.lost.extend(more.lost);
        self.changed.extend(more.changed);
        self.duplicates.extend(more.duplicates);
        self.other.extend(more.other);
    }

    /// The first few of each list, for an assertion message.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for (name, list) in [
            ("lost", &self.lost),
            ("changed", &self.changed),
            ("duplicates", &self.duplicates),
            ("other", &self.other),
        ] {
            if !list.is_empty() {
                let first: Vec<&str> = list.iter().take(10).map(String::as_str).collect();
                out.push_str(&format!("{name} ({}): {}\n", list.len(), first.join("; ")));
            }
        }
        out
    }
}

/// Every acknowledgement of the run.
#[derive(Default)]
pub struct Ledger {
    pub acks: Vec<Ack>,
    /// Answers that were not 2xx (and so promised nothing).
    pub refused: usize,
}

impl Ledger {
    pub fn count(&self, kind: Kind) -> usize {
        self.acks.iter().filter(|a| a.kind == kind).count()
    }

    pub fn counts(&self) -> BTreeMap<Kind, usize> {
        Kind::ALL.iter().map(|k| (*k, self.count(*k))).collect()
    }

    /// Numbers acknowledged to two different records.
    pub fn duplicate_numbers(&self) -> Vec<String> {
        let mut owner: HashMap<&str, &str> = HashMap::new();
        let mut out = Vec::new();
        for a in &self.acks {
            if let Some(key) = &a.unique
                && let Some(first) = owner.insert(key, &a.id)
                && first != a.id
            {
                out.push(format!("{key} handed out to {first} and {}", a.id));
            }
        }
        out
    }
}

/// Reads every API-checked record back through the running server.
pub async fn verify_api(http: &reqwest::Client, base: &str, token: &str, acks: &[Ack]) -> Findings {
    let results: Vec<Result<(), (bool, String)>> = futures_util::stream::iter(acks.iter())
        .filter_map(|a| async move {
            match &a.check {
                Check::Api { path, fields } => Some((a, path, fields)),
                Check::Evaluation { .. } => None,
            }
        })
        .map(|(a, path, fields)| async move {
            let sent = http.get(format!("{base}{path}")).bearer_auth(token).send().await;
            let resp = sent.map_err(|e| (false, format!("GET {path}: {e}")))?;
            let status = resp.status().as_u16();
            if status == 404 {
                return Err((true, format!("{} {} ({})", a.kind.label(), a.number, a.id)));
            }
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            if status != 200 {
                return Err((false, format!("GET {path}: {status} {body}")));
            }
            for (field, want) in fields {
                if !want.accepts(&body[*field]) {
                    return Err((
                        false,
                        format!(
                            "{} {}: {field} is {} (expected {want:?})",
                            a.kind.label(),
                            a.number,
                            body[*field]
                        ),
                    ));
                }
            }
            Ok(())
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut f = Findings::default();
    for r in results {
        match r {
            Ok(()) => {}
            Err((true, lost)) => f.lost.push(lost),
            Err((false, other)) => f.changed.push(other),
        }
    }
    f
}

/// Reads every store-checked record back (the server may be down).
pub async fn verify_store(store: &dyn Store, acks: &[Ack]) -> Findings {
    let mut f = Findings::default();
    let evaluations: Vec<_> = acks
        .iter()
        .filter_map(|a| match &a.check {
            Check::Evaluation {
                id,
                ticket_id,
                level,
                reasons,
            } => Some((a, *id, *ticket_id, level, reasons)),
            Check::Api { .. } => None,
        })
        .collect();
    if evaluations.is_empty() {
        return f;
    }
    let rectified: HashMap<Uuid, usize> =
        store
            .rectifications(None)
            .await
            .unwrap()
            .iter()
            .fold(HashMap::new(), |mut m, r| {
                if let Some(e) = r.source.evaluation_id() {
                    *m.entry(e).or_default() += 1;
                }
                m
            });
    for (a, id, ticket_id, level, reasons) in evaluations {
        let e = match store.evaluation(id).await {
            Ok(e) => e,
            Err(StoreError::NotFound(_)) => {
                f.lost.push(format!("evaluation {id} of ticket {}", a.number));
                continue;
            }
            Err(e) => panic!("reading evaluation {id}: {e}"),
        };
        if e.ticket_id != Some(ticket_id)
            || e.level.code() != level
            || &e.reasons != reasons
            || e.channel != domain::evaluation::Channel::Online
        {
            f.changed.push(format!(
                "evaluation {id}: {:?} {} {:?} {}, expected {ticket_id} {level} {reasons:?} online",
                e.ticket_id,
                e.level.code(),
                e.reasons,
                e.channel.code()
            ));
        }
        let bad = matches!(level.as_str(), "dissatisfied" | "very_dissatisfied");
        match (bad, rectified.get(&id).copied().unwrap_or(0)) {
            (true, 0) => f.lost.push(format!("rectification of 差评 {id}")),
            (false, 0) | (true, 1) => {}
            (_, n) => f
                .duplicates
                .push(format!("{n} rectifications of evaluation {id}")),
        }
    }
    f
}

/// Store-wide rules, whatever the clients saw: no ticket number twice in a
/// day, at most one evaluation per ticket, at most one rectification per evaluation.
pub async fn invariants(store: &dyn Store, days: &[jiff::civil::Date]) -> Findings {
    let mut f = Findings::default();
    for day in days {
        let mut numbers: HashMap<String, usize> = HashMap::new();
        for t in store.tickets_of_day(*day).await.unwrap() {
            *numbers.entry(t.number).or_default() += 1;
        }
        for (number, n) in numbers.into_iter().filter(|(_, n)| *n > 1) {
            f.duplicates
                .push(format!("ticket number {number} stored {n} times on {day}"));
        }
    }
    let (Some(from), Some(to)) = (days.iter().min(), days.iter().max()) else {
        return f;
    };
    let mut per_ticket: HashMap<Uuid, usize> = HashMap::new();
    for e in store.evaluations_between(*from, *to, i64::MAX).await.unwrap() {
        if let Some(t) = e.ticket_id {
            *per_ticket.entry(t).or_default() += 1;
        }
    }
    for (ticket, n) in per_ticket.into_iter().filter(|(_, n)| *n > 1) {
        f.duplicates.push(format!("ticket {ticket} has {n} evaluations"));
    }
    let mut per_evaluation: HashMap<Uuid, usize> = HashMap::new();
    for r in store.rectifications(None).await.unwrap() {
        if let Some(e) = r.source.evaluation_id() {
            *per_evaluation.entry(e).or_default() += 1;
        }
    }
    for (e, n) in per_evaluation.into_iter().filter(|(_, n)| *n > 1) {
        f.duplicates
            .push(format!("evaluation {e} has {n} rectifications"));
    }
    f
}
