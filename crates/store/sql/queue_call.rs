//! Calling the next ticket for many windows at once (group commit), decided
//! one call after the other on a connection that holds the write lock, so
//! the answers are those of the same calls made singly.

use super::queue::{EVENT_COLUMNS, EventRow, TICKET_COLUMNS, TicketRow};
use crate::dialect::{Conn, DUE_INDEX, GREEN_INDEX};
use domain::queue::{CallKind, Waiting, next_to_call};
use jiff::Timestamp;
use jiff_sqlx::ToSqlx;
use std::collections::{BTreeMap, HashMap, HashSet};
use store::StoreError;
use store::StoreResult;
use store::queue::{CallEvent, CallRequest, Ticket};
use store::sql::{placeholders, refusal as err};
use uuid::Uuid;

/// A waiting ticket a call may pick, read once for a whole run.
#[derive(sqlx::FromRow)]
struct CandidateRow {
    line_order: i64,
    category: String,
    priority: Option<String>,
    transferred_from: Option<Uuid>,
    appointment_at: Option<jiff_sqlx::Timestamp>,
    passed_by: i64,
}

struct Candidate {
    category: String,
    green_channel: bool,
    appointment_at: Option<Timestamp>,
    passed_by: u32,
    called: bool,
}

impl From<CandidateRow> for Candidate {
    fn from(r: CandidateRow) -> Candidate {
        Candidate {
            category: r.category,
            green_channel: r.priority.is_some() || r.transferred_from.is_some(),
            appointment_at: r.appointment_at.map(jiff_sqlx::Timestamp::to_jiff),
            passed_by: r.passed_by.max(0) as u32,
            called: false,
        }
    }
}

type Called = Option<(Ticket, CallEvent)>;

/// Decides a batch of calls on a connection that holds the write lock:
/// runs of calls from distinct windows on the same day, one after the other.
pub(super) async fn call_batch(tx: &mut Conn, calls: &[CallRequest]) -> StoreResult<Vec<Called>> {
    let mut answers = Vec::with_capacity(calls.len());
    let mut start = 0;
    while start < calls.len() {
        // A window calling twice in one batch finishes its first pick: the
        // second call starts a new run, which sees the first one's writes.
        let mut windows = HashSet::new();
        let mut end = start;
        while end < calls.len()
            && calls[end].business_date == calls[start].business_date
            && windows.insert(calls[end].window.as_str())
        {
            end += 1;
        }
        answers.extend(call_run(tx, &calls[start..end]).await?);
        start = end;
    }
    Ok(answers)
}

/// Calls for windows that are all different, on one business day.
async fn call_run(tx: &mut Conn, run: &[CallRequest]) -> StoreResult<Vec<Called>> {
    let first_at = run.iter().map(|c| c.at).min().unwrap_or_else(Timestamp::now);
    // Calling the next person ends the window's current service.
    let sql = format!(
        "UPDATE tickets SET status = 'finished', finished_at = $1 \
         WHERE window_number IN ({}) AND status IN ('called', 'serving')",
        placeholders(2, run.len())
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(first_at.to_sqlx());
    for c in run {
        q = q.bind(&c.window);
    }
    q.execute(&mut *tx).await.map_err(err("tickets"))?;

    let mut candidates = candidates(tx, run).await?;
    let (picks, passes) = decide(run, &mut candidates);
    let day = run.first().map(|c| c.business_date.to_sqlx());

    // Passes are written before the picks, each skipping the tickets called
    // earlier in the run, so the stored counts are those of calls made singly.
    // One statement per category keeps each an index range, not a scan of the day.
    for (c, chosen, earlier) in &passes {
        for cat in &c.categories {
            let sql = format!(
                "UPDATE tickets SET passed_by = passed_by + 1 WHERE business_date = $1 \
                 AND status = 'waiting' AND category = $2 AND line_order < $3 AND line_order NOT IN ({})",
                placeholders(4, earlier.len().max(1))
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(day)
                .bind(cat)
                .bind(*chosen);
            if earlier.is_empty() {
                q = q.bind(0i64);
            }
            for e in earlier {
                q = q.bind(*e);
            }
            q.execute(&mut *tx).await.map_err(err("tickets"))?;
        }
    }

    let mut called = Vec::with_capacity(run.len());
    for (c, pick) in run.iter().zip(&picks) {
        let Some(chosen) = pick else {
            called.push(None);
            continue;
        };
        let sql = format!(
            "UPDATE tickets SET status = 'called', called_at = $1, window_number = $2, called_by = $3 \
             WHERE line_order = $4 AND status = 'waiting' RETURNING {TICKET_COLUMNS}"
        );
        let row = sqlx::query_as::<_, TicketRow>(sqlx::AssertSqlSafe(sql))
            .bind(c.at.to_sqlx())
            .bind(&c.window)
            .bind(&c.by)
            .bind(*chosen)
            .fetch_one(&mut *tx)
            .await
            .map_err(err("ticket"))?;
        called.push(Some(Ticket::try_from(row)?));
    }
    let mut events = insert_events(tx, run, &called).await?;
    called
        .into_iter()
        .map(|t| match t {
            None => Ok(None),
            Some(t) => {
                let e = events
                    .remove(&t.id)
                    .ok_or_else(|| StoreError::Corrupt("a call event was not returned".into()))?;
                Ok(Some((t, e)))
            }
        })
        .collect()
}

/// Per category of the run, the `run.len()` oldest waiting, green-channel and
/// due-appointment tickets, read once: enough for every call in the run to
/// see the true head of each line after the earlier picks.
async fn candidates(tx: &mut Conn, run: &[CallRequest]) -> StoreResult<BTreeMap<i64, Candidate>> {
    let mut categories: Vec<&str> = run
        .iter()
        .flat_map(|c| c.categories.iter().map(String::as_str))
        .collect();
    categories.sort_unstable();
    categories.dedup();
    if categories.is_empty() {
        return Ok(BTreeMap::new());
    }
    let last_at = run.iter().map(|c| c.at).max().unwrap_or_else(Timestamp::now);
    // Green channel, and people transferred from another window, go first.
    let green = "AND (priority IS NOT NULL OR transferred_from IS NOT NULL) AND $2 IS NOT NULL";
    let due = "AND appointment_at IS NOT NULL AND appointment_at <= $2";
    let mut parts = Vec::new();
    for k in 0..categories.len() {
        let cat = k + 4;
        for (extra, hint) in [(green, GREEN_INDEX), (due, DUE_INDEX), ("AND $2 IS NOT NULL", "")] {
            parts.push(format!(
                "SELECT * FROM (SELECT line_order, category, priority, transferred_from, appointment_at, passed_by \
                 FROM tickets {hint} WHERE business_date = $1 AND status = 'waiting' AND category = ${cat} {extra} \
                 ORDER BY line_order LIMIT $3) AS c{}",
                parts.len()
            ));
        }
    }
    let mut q = sqlx::query_as::<_, CandidateRow>(sqlx::AssertSqlSafe(parts.join(" UNION ALL ")))
        .bind(run.first().map(|c| c.business_date.to_sqlx()))
        .bind(last_at.to_sqlx())
        .bind(run.len() as i64);
    for cat in &categories {
        q = q.bind(*cat);
    }
    let rows = q.fetch_all(&mut *tx).await.map_err(err("tickets"))?;
    Ok(rows.into_iter().map(|r| (r.line_order, r.into())).collect())
}

/// A call that passed earlier tickets: the call, its pick, and the picks of
/// the run before it.
type Pass<'a> = (&'a CallRequest, i64, Vec<i64>);

/// Decides each call in turn, as if they had come one after the other: the
/// pick of each (by line order) and the calls that passed someone.
fn decide<'a>(
    run: &'a [CallRequest],
    candidates: &mut BTreeMap<i64, Candidate>,
) -> (Vec<Option<i64>>, Vec<Pass<'a>>) {
    let mut picks: Vec<Option<i64>> = Vec::with_capacity(run.len());
    let mut passes = Vec::new();
    for c in run {
        let mut waiting: Vec<Waiting> = Vec::new();
        for cat in &c.categories {
            let open = || candidates.iter().filter(|(_, w)| !w.called && &w.category == cat);
            let heads = [
                open().find(|(_, w)| w.green_channel),
                open().find(|(_, w)| w.appointment_at.is_some_and(|a| a <= c.at)),
                open().next(),
            ];
            for (order, w) in heads.into_iter().flatten() {
                if waiting.iter().all(|x| x.order != *order) {
                    waiting.push(Waiting {
                        order: *order,
                        green_channel: w.green_channel,
                        appointment_due: w.appointment_at.is_some_and(|a| a <= c.at),
                        passed_by: w.passed_by,
                    });
                }
            }
        }
        let Some(pick) = next_to_call(&waiting, c.fairness_bound) else {
            picks.push(None);
            continue;
        };
        let chosen = waiting[pick].order;
        if let Some(w) = candidates.get_mut(&chosen) {
            w.called = true;
        }
        // Everyone still waiting who was taken earlier has been passed once
        // more; when the oldest is called (the usual case) nobody was.
        if waiting.iter().any(|w| w.order < chosen) {
            for (_, w) in candidates.range_mut(..chosen) {
                if !w.called && c.categories.contains(&w.category) {
                    w.passed_by += 1;
                }
            }
            let earlier: Vec<i64> = picks.iter().flatten().copied().collect();
            passes.push((c, chosen, earlier));
        }
        picks.push(Some(chosen));
    }
    (picks, passes)
}

/// The display's events, in the order of the calls, by ticket id.
async fn insert_events(
    tx: &mut Conn,
    run: &[CallRequest],
    called: &[Option<Ticket>],
) -> StoreResult<HashMap<Uuid, CallEvent>> {
    let made: Vec<(&CallRequest, &Ticket)> = run
        .iter()
        .zip(called)
        .filter_map(|(c, t)| t.as_ref().map(|t| (c, t)))
        .collect();
    if made.is_empty() {
        return Ok(HashMap::new());
    }
    let values = (0..made.len())
        .map(|k| {
            let p = |n: usize| format!("${}", k * 4 + n);
            // The kind is a constant code, never input.
            format!(
                "({}, {}, {}, {}, '{}')",
                p(1),
                p(2),
                p(3),
                p(4),
                CallKind::Call.code()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO call_events (at, ticket_id, number, window_number, kind) VALUES {values} \
         RETURNING {EVENT_COLUMNS}"
    );
    let mut q = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql));
    for (c, t) in &made {
        q = q.bind(c.at.to_sqlx()).bind(t.id).bind(&t.number).bind(&c.window);
    }
    let rows = q.fetch_all(&mut *tx).await.map_err(err("call event"))?;
    rows.into_iter()
        .map(|r| {
            let e = CallEvent::try_from(r)?;
            Ok((e.ticket_id, e))
        })
        .collect()
}
