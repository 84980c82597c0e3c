//! Taking tickets for many kiosks at once (group commit): the person limits
//! first (counting earlier tickets of the same batch), then one counter step
//! and one count of the line per category, and one multi-row insert.

use super::queue::{TICKET_COLUMNS, TicketRow};
use crate::dialect::Conn;
use domain::queue::ticket_number;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use store::queue::{NewTicket, TakenTicket, Ticket};
use store::sql::{placeholders, refusal as err};
use store::{StoreError, StoreResult};
use uuid::Uuid;

/// The members of a batch (by index) per day and category.
type Lines<'a> = Vec<(Date, Vec<(&'a str, Vec<usize>)>)>;

/// Issues a batch of tickets on a connection that holds the write lock;
/// answers in the order of `batch`.
pub(super) async fn take_batch(
    tx: &mut Conn,
    batch: &[NewTicket],
) -> StoreResult<Vec<StoreResult<TakenTicket>>> {
    let mut answers: Vec<Option<StoreResult<TakenTicket>>> = batch.iter().map(|_| None).collect();
    let admitted = admit(tx, batch, &mut answers).await?;
    if !admitted.is_empty() {
        let (sequence, waiting_before) = number(tx, batch, &admitted).await?;
        let mut issued = insert(tx, batch, &admitted, &sequence).await?;
        for &i in &admitted {
            let ticket = issued
                .remove(&batch[i].id)
                .ok_or_else(|| StoreError::Corrupt("an inserted ticket was not returned".into()))?;
            answers[i] = Some(Ok(TakenTicket {
                ticket,
                waiting_before: waiting_before[i],
            }));
        }
    }
    Ok(answers
        .into_iter()
        .map(|a| a.unwrap_or_else(|| Err(StoreError::Corrupt("unanswered".into()))))
        .collect())
}

/// The members of the batch within their person limits; the others are
/// answered `Conflict { what: "person_limit" }`.
async fn admit(
    tx: &mut Conn,
    batch: &[NewTicket],
    answers: &mut [Option<StoreResult<TakenTicket>>],
) -> StoreResult<Vec<usize>> {
    let mut live: HashMap<(Date, &str, &str), i64> = HashMap::new();
    let mut admitted = Vec::with_capacity(batch.len());
    for (i, t) in batch.iter().enumerate() {
        let mut refused = false;
        for key in &t.person_keys {
            let slot = (t.business_date, t.category.as_str(), key.as_str());
            if let Entry::Vacant(unknown) = live.entry(slot) {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) AS n FROM tickets WHERE business_date = $1 AND category = $2 \
                     AND (id_key = $3 OR phone_key = $3) AND status IN ('waiting', 'called', 'serving')",
                )
                .bind(t.business_date.to_sqlx())
                .bind(&t.category)
                .bind(key)
                .fetch_one(&mut *tx)
                .await
                .map_err(err("tickets"))?;
                unknown.insert(n);
            }
            refused |= live.get(&slot).copied().unwrap_or(0) >= t.max_live_per_person;
        }
        if refused {
            answers[i] = Some(Err(StoreError::Conflict {
                what: "person_limit".into(),
            }));
            continue;
        }
        for key in &t.person_keys {
            *live
                .entry((t.business_date, t.category.as_str(), key.as_str()))
                .or_default() += 1;
        }
        admitted.push(i);
    }
    Ok(admitted)
}

/// Per day (nearly always one) and category: the numbers to hand out and the
/// people already waiting, each one statement for all the batch's categories.
/// Answers each member's sequence and the people waiting before it.
async fn number(tx: &mut Conn, batch: &[NewTicket], admitted: &[usize]) -> StoreResult<(Vec<i64>, Vec<i64>)> {
    let mut days: Lines = Vec::new();
    for &i in admitted {
        let (date, category) = (batch[i].business_date, batch[i].category.as_str());
        let day = match days.iter().position(|(d, _)| *d == date) {
            Some(p) => &mut days[p].1,
            None => {
                days.push((date, Vec::new()));
                &mut days
                    .last_mut()
                    .ok_or_else(|| StoreError::Corrupt("no day".into()))?
                    .1
            }
        };
        match day.iter_mut().find(|(c, _)| *c == category) {
            Some((_, members)) => members.push(i),
            None => day.push((category, vec![i])),
        }
    }
    let mut sequence = vec![0i64; batch.len()];
    let mut waiting_before = vec![0i64; batch.len()];
    for (date, lines) in &days {
        let values = (0..lines.len())
            .map(|k| format!("($1, ${}, ${})", 2 * k + 2, 2 * k + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO ticket_counters (business_date, category, last) VALUES {values} \
             ON CONFLICT (business_date, category) DO UPDATE SET last = ticket_counters.last + excluded.last \
             RETURNING category, last"
        );
        let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).bind(date.to_sqlx());
        for (category, members) in lines {
            q = q.bind(*category).bind(members.len() as i64);
        }
        let last: HashMap<String, i64> = q
            .fetch_all(&mut *tx)
            .await
            .map_err(err("ticket counter"))?
            .into_iter()
            .collect();
        let sql = format!(
            "SELECT category, COUNT(*) AS n FROM tickets WHERE business_date = $1 AND status = 'waiting' \
             AND category IN ({}) GROUP BY category",
            placeholders(2, lines.len())
        );
        let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).bind(date.to_sqlx());
        for (category, _) in lines {
            q = q.bind(*category);
        }
        let already: HashMap<String, i64> = q
            .fetch_all(&mut *tx)
            .await
            .map_err(err("tickets"))?
            .into_iter()
            .collect();
        for (category, members) in lines {
            let n = members.len() as i64;
            let last = last
                .get(*category)
                .copied()
                .ok_or_else(|| StoreError::Corrupt("a counter was not returned".into()))?;
            let already = already.get(*category).copied().unwrap_or(0);
            for (k, &i) in members.iter().enumerate() {
                sequence[i] = last - n + 1 + k as i64;
                waiting_before[i] = already + k as i64;
            }
        }
    }
    Ok((sequence, waiting_before))
}

/// One multi-row insert of the admitted members; the tickets by id
/// (RETURNING gives no promise of order).
async fn insert(
    tx: &mut Conn,
    batch: &[NewTicket],
    admitted: &[usize],
    sequence: &[i64],
) -> StoreResult<HashMap<Uuid, Ticket>> {
    const COLUMNS: usize = 15;
    let values = (0..admitted.len())
        .map(|r| {
            let p = |c: usize| format!("${}", r * COLUMNS + c);
            let before = (1..=5).map(p).collect::<Vec<_>>().join(", ");
            let after = (6..=COLUMNS).map(p).collect::<Vec<_>>().join(", ");
            format!("({before}, 'waiting', {after})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO tickets (id, business_date, category, sequence, number, status, priority, id_key, phone_key, \
         taken_at, passed_by, transferred_from, appointment_at, phone_sealed, phone_masked, id_masked) \
         VALUES {values} RETURNING {TICKET_COLUMNS}"
    );
    let mut q = sqlx::query_as::<_, TicketRow>(sqlx::AssertSqlSafe(sql));
    for &i in admitted {
        let t = &batch[i];
        // The marks name each key's column; without them, the keys in order.
        let (id_key, phone_key) = if t.marks.is_empty() {
            (t.person_keys.first().cloned(), t.person_keys.get(1).cloned())
        } else {
            (t.marks.id_key.clone(), t.marks.phone_key.clone())
        };
        q = q
            .bind(t.id)
            .bind(t.business_date.to_sqlx())
            .bind(&t.category)
            .bind(sequence[i])
            .bind(ticket_number(&t.category, sequence[i] as u32))
            .bind(t.priority.map(|p| p.code()))
            .bind(id_key)
            .bind(phone_key)
            .bind(t.taken_at.to_sqlx())
            .bind(t.passed_by)
            .bind(t.transferred_from)
            .bind(t.appointment_at.map(|a| a.to_sqlx()))
            .bind(t.phone_sealed.clone())
            .bind(t.marks.phone_masked.clone())
            .bind(t.marks.id_masked.clone());
    }
    let rows = q.fetch_all(&mut *tx).await.map_err(err("ticket"))?;
    super::scalper::count_marks(
        tx,
        admitted
            .iter()
            .map(|&i| (batch[i].business_date, &batch[i].marks)),
    )
    .await?;
    rows.into_iter()
        .map(|r| {
            let t = Ticket::try_from(r)?;
            Ok((t.id, t))
        })
        .collect()
}
