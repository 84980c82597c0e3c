//! Recording evaluations (好差评): a batch in one transaction, each with its
//! rollup count (`evaluation_counts`) and, for a 差评, its rectification, so
//! the counts a report reads always agree with the records.

use super::evaluation::{EVALUATION_COLUMNS, open_rectification};
use crate::dialect::Conn;
use domain::rectification::{RectificationSource, RectificationStatus};
use jiff_sqlx::ToSqlx;
use std::collections::{HashMap, HashSet};
use store::evaluation::{NewEvaluation, RectificationOpening, RectificationStep};
use store::sql::{placeholders, refusal as err, to_json};
use store::{StoreError, StoreResult};

/// The rollup row an evaluation counts in; read back, as the same columns,
/// from a stored evaluation.
#[derive(PartialEq, Eq, Hash, sqlx::FromRow)]
pub(super) struct CountKey {
    business_date: jiff_sqlx::Date,
    window_number: String,
    department: String,
    staff: String,
    item: String,
    channel: String,
    level: String,
}

/// The columns of [`CountKey`], for `RETURNING`.
pub(super) const COUNT_KEY_COLUMNS: &str =
    "business_date, window_number, department, staff, item, channel, level";

impl From<&NewEvaluation> for CountKey {
    fn from(e: &NewEvaluation) -> CountKey {
        CountKey {
            business_date: e.business_date.to_sqlx(),
            window_number: e.window.clone(),
            department: e.department.clone(),
            staff: e.staff.clone(),
            item: e.item.clone(),
            channel: e.channel.code().to_owned(),
            level: e.level.code().to_owned(),
        }
    }
}

/// Adds `n` evaluations, `excluded` of them left out, to a rollup row.
pub(super) async fn add_counts(conn: &mut Conn, key: &CountKey, n: i64, excluded: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO evaluation_counts (business_date, window_number, department, staff, item, channel, level, \
         n, n_excluded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (business_date, window_number, department, staff, item, channel, level) DO UPDATE SET \
         n = evaluation_counts.n + excluded.n, n_excluded = evaluation_counts.n_excluded + excluded.n_excluded",
    )
    .bind(key.business_date)
    .bind(&key.window_number)
    .bind(&key.department)
    .bind(&key.staff)
    .bind(&key.item)
    .bind(&key.channel)
    .bind(&key.level)
    .bind(n)
    .bind(excluded)
    .execute(&mut *conn)
    .await
    .map_err(err("evaluation counts"))?;
    Ok(())
}

/// Records a batch on a connection that holds the write lock; answers per
/// entry, `Conflict { what: "evaluation" }` when its event already has one.
pub(super) async fn record_batch(
    conn: &mut Conn,
    batch: &[NewEvaluation],
) -> StoreResult<Vec<StoreResult<()>>> {
    let mut taken = evaluated(conn, batch).await?;
    let mut answers = Vec::with_capacity(batch.len());
    let mut counts: HashMap<CountKey, i64> = HashMap::new();
    for e in batch {
        if let Some(k) = &e.event_key
            && !taken.insert(k.clone())
        {
            answers.push(Err(StoreError::Conflict {
                what: "evaluation".into(),
            }));
            continue;
        }
        insert(conn, e).await?;
        *counts.entry(CountKey::from(e)).or_default() += e.weight;
        answers.push(Ok(()));
    }
    for (key, n) in &counts {
        add_counts(conn, key, *n, 0).await?;
    }
    Ok(answers)
}

/// The events of the batch that already have an evaluation.
async fn evaluated(conn: &mut Conn, batch: &[NewEvaluation]) -> StoreResult<HashSet<String>> {
    let keys: Vec<&str> = batch.iter().filter_map(|e| e.event_key.as_deref()).collect();
    if keys.is_empty() {
        return Ok(HashSet::new());
    }
    let sql = format!(
        "SELECT event_key FROM evaluations WHERE event_key IN ({})",
        placeholders(1, keys.len())
    );
    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
    for k in &keys {
        q = q.bind(*k);
    }
    let found: Vec<String> = q.fetch_all(&mut *conn).await.map_err(err("evaluation"))?;
    Ok(found.into_iter().collect())
}

/// One evaluation and, for a 差评, its rectification with its first step.
async fn insert(conn: &mut Conn, e: &NewEvaluation) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO evaluations ({EVALUATION_COLUMNS}) VALUES ({})",
        placeholders(1, 21)
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(e.id)
        .bind(&e.event_key)
        .bind(e.ticket_id)
        .bind(e.case_id)
        .bind(e.channel.code())
        .bind(e.level.code())
        .bind(to_json(&e.reasons)?)
        .bind(&e.comment)
        .bind(e.business_date.to_sqlx())
        .bind(&e.window)
        .bind(&e.department)
        .bind(&e.staff)
        .bind(&e.item)
        .bind(e.weight)
        .bind(e.imported)
        .bind(false)
        .bind(&e.device)
        .bind(&e.rater_key)
        .bind(e.seconds_after_service)
        .bind(e.rated_at.to_sqlx())
        .bind(&e.recorded_by)
        .execute(&mut *conn)
        .await
        .map_err(err("evaluation"))?;
    let Some(r) = &e.rectification else {
        return Ok(());
    };
    let opened = RectificationOpening {
        source: RectificationSource::Evaluation(e.id),
        department: e.department.clone(),
        window: e.window.clone(),
        step: RectificationStep {
            at: e.rated_at,
            actor: e.recorded_by.clone(),
            step: RectificationStatus::Open.code().into(),
            note: format!("差评：{}", e.reasons.join("、")),
        },
    };
    open_rectification(conn, r, &opened).await
}
