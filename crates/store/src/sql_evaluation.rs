//! The shared SQL of 好差评 (see [`crate::sql`]). Every evaluation is
//! written with its rollup count (`evaluation_counts`) and, for a 差评, its
//! rectification, in one `self.begin_write()` transaction, so the counts a
//! report reads always agree with the records.

/// Implements [`EvaluationStore`](crate::evaluation::EvaluationStore) for `$store`.
#[macro_export]
macro_rules! impl_sql_evaluation_store {
    ($store:ty, $db:ty) => {
        mod shared_evaluation_sql {
            use super::*;
            use $crate::evaluation::*;
            use $crate::sql::{from_json, to_json};
            use $crate::{StoreError, StoreResult};
            use jiff::Timestamp;
            use jiff::civil::Date;
            use jiff_sqlx::ToSqlx;
            use sqlx::Row as _;
            use std::collections::{HashMap, HashSet};
            use uuid::Uuid;

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;

            use $crate::sql::refusal as err;

            const EVALUATION_COLUMNS: &str = "id, event_key, ticket_id, case_id, channel, level, reasons, comment, \
                business_date, window_number, department, staff, item, weight, imported, excluded, device, rater_key, \
                seconds_after_service, rated_at, recorded_by";

            fn evaluation_from(r: &DbRow) -> StoreResult<Evaluation> {
                let e = err("evaluation");
                Ok(Evaluation {
                    id: r.try_get("id").map_err(&e)?,
                    event_key: r.try_get("event_key").map_err(&e)?,
                    ticket_id: r.try_get("ticket_id").map_err(&e)?,
                    case_id: r.try_get("case_id").map_err(&e)?,
                    channel: r.try_get("channel").map_err(&e)?,
                    level: r.try_get("level").map_err(&e)?,
                    reasons: from_json(&r.try_get::<String, _>("reasons").map_err(&e)?)?,
                    comment: r.try_get("comment").map_err(&e)?,
                    business_date: r.try_get::<jiff_sqlx::Date, _>("business_date").map_err(&e)?.to_jiff(),
                    window: r.try_get("window_number").map_err(&e)?,
                    department: r.try_get("department").map_err(&e)?,
                    staff: r.try_get("staff").map_err(&e)?,
                    item: r.try_get("item").map_err(&e)?,
                    weight: r.try_get("weight").map_err(&e)?,
                    imported: r.try_get("imported").map_err(&e)?,
                    excluded: r.try_get("excluded").map_err(&e)?,
                    device: r.try_get("device").map_err(&e)?,
                    rater_key: r.try_get("rater_key").map_err(&e)?,
                    seconds_after_service: r.try_get("seconds_after_service").map_err(&e)?,
                    rated_at: r.try_get::<jiff_sqlx::Timestamp, _>("rated_at").map_err(&e)?.to_jiff(),
                    recorded_by: r.try_get("recorded_by").map_err(&e)?,
                })
            }

            const RECTIFICATION_COLUMNS: &str = "id, evaluation_id, opened_on, due_date, status, department, \
                window_number, assignee, escalated, accepted, updated_at";

            fn rectification_from(r: &DbRow) -> StoreResult<Rectification> {
                let e = err("rectification");
                Ok(Rectification {
                    id: r.try_get("id").map_err(&e)?,
                    evaluation_id: r.try_get("evaluation_id").map_err(&e)?,
                    opened_on: r.try_get::<jiff_sqlx::Date, _>("opened_on").map_err(&e)?.to_jiff(),
                    due_date: r.try_get::<jiff_sqlx::Date, _>("due_date").map_err(&e)?.to_jiff(),
                    status: r.try_get("status").map_err(&e)?,
                    department: r.try_get("department").map_err(&e)?,
                    window: r.try_get("window_number").map_err(&e)?,
                    assignee: r.try_get("assignee").map_err(&e)?,
                    escalated: r.try_get("escalated").map_err(&e)?,
                    accepted: r.try_get("accepted").map_err(&e)?,
                    updated_at: r.try_get::<jiff_sqlx::Timestamp, _>("updated_at").map_err(&e)?.to_jiff(),
                })
            }

            const APPEAL_COLUMNS: &str =
                "id, evaluation_id, reason, evidence, filed_by, filed_at, status, decided_by, decided_at, decision";

            fn appeal_from(r: &DbRow) -> StoreResult<Appeal> {
                let e = err("appeal");
                Ok(Appeal {
                    id: r.try_get("id").map_err(&e)?,
                    evaluation_id: r.try_get("evaluation_id").map_err(&e)?,
                    reason: r.try_get("reason").map_err(&e)?,
                    evidence: r.try_get("evidence").map_err(&e)?,
                    filed_by: r.try_get("filed_by").map_err(&e)?,
                    filed_at: r.try_get::<jiff_sqlx::Timestamp, _>("filed_at").map_err(&e)?.to_jiff(),
                    status: r.try_get("status").map_err(&e)?,
                    decided_by: r.try_get("decided_by").map_err(&e)?,
                    decided_at: r
                        .try_get::<Option<jiff_sqlx::Timestamp>, _>("decided_at")
                        .map_err(&e)?
                        .map(|t| t.to_jiff()),
                    decision: r.try_get("decision").map_err(&e)?,
                })
            }

            fn counts_from(rows: &[DbRow]) -> StoreResult<Vec<LevelCount>> {
                let e = err("evaluation counts");
                let mut out = rows
                    .iter()
                    .map(|r| {
                        Ok(LevelCount {
                            group: r.try_get("grp").map_err(&e)?,
                            level: r.try_get("level").map_err(&e)?,
                            n: r.try_get("n").map_err(&e)?,
                            excluded: r.try_get("x").map_err(&e)?,
                        })
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                out.sort();
                Ok(out)
            }

            /// The rollup key of an evaluation.
            type CountKey = (Date, String, String, String, String, String, String);

            fn count_key(e: &NewEvaluation) -> CountKey {
                (
                    e.business_date,
                    e.window.clone(),
                    e.department.clone(),
                    e.staff.clone(),
                    e.item.clone(),
                    e.channel.clone(),
                    e.level.clone(),
                )
            }

            async fn add_counts(
                tx: &mut <Db as sqlx::Database>::Connection,
                key: &CountKey,
                n: i64,
                excluded: i64,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO evaluation_counts (business_date, window_number, department, staff, item, channel, level, \
                     n, n_excluded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (business_date, window_number, department, staff, item, channel, level) DO UPDATE SET \
                     n = evaluation_counts.n + excluded.n, n_excluded = evaluation_counts.n_excluded + excluded.n_excluded",
                )
                .bind(key.0.to_sqlx())
                .bind(&key.1)
                .bind(&key.2)
                .bind(&key.3)
                .bind(&key.4)
                .bind(&key.5)
                .bind(&key.6)
                .bind(n)
                .bind(excluded)
                .execute(&mut *tx)
                .await
                .map_err(err("evaluation counts"))?;
                Ok(())
            }

            async fn add_step(
                tx: &mut <Db as sqlx::Database>::Connection,
                id: Uuid,
                step: &RectificationStep,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO rectification_steps (rectification_id, at, actor, step, note) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(step.at.to_sqlx())
                .bind(&step.actor)
                .bind(&step.step)
                .bind(&step.note)
                .execute(&mut *tx)
                .await
                .map_err(err("rectification"))?;
                Ok(())
            }

            async fn record_batch(
                tx: &mut <Db as sqlx::Database>::Connection,
                batch: &[NewEvaluation],
            ) -> StoreResult<Vec<StoreResult<()>>> {
                let keys: Vec<&str> = batch.iter().filter_map(|e| e.event_key.as_deref()).collect();
                let mut taken: HashSet<String> = HashSet::new();
                if !keys.is_empty() {
                    let list = (1..=keys.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                    let sql = format!("SELECT event_key FROM evaluations WHERE event_key IN ({list})");
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for k in &keys {
                        q = q.bind(*k);
                    }
                    for r in q.fetch_all(&mut *tx).await.map_err(err("evaluation"))? {
                        taken.insert(r.try_get("event_key").map_err(err("evaluation"))?);
                    }
                }
                let mut answers = Vec::with_capacity(batch.len());
                let mut counts: HashMap<CountKey, i64> = HashMap::new();
                for e in batch {
                    if let Some(k) = &e.event_key
                        && !taken.insert(k.clone())
                    {
                        answers.push(Err(StoreError::Conflict { what: "evaluation".into() }));
                        continue;
                    }
                    let sql = format!(
                        "INSERT INTO evaluations ({EVALUATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(e.id)
                        .bind(&e.event_key)
                        .bind(e.ticket_id)
                        .bind(e.case_id)
                        .bind(&e.channel)
                        .bind(&e.level)
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
                        .execute(&mut *tx)
                        .await
                        .map_err(err("evaluation"))?;
                    *counts.entry(count_key(e)).or_default() += e.weight;
                    if let Some(r) = &e.rectification {
                        sqlx::query(
                            "INSERT INTO rectifications (id, evaluation_id, opened_on, due_date, status, department, \
                             window_number, assignee, escalated, accepted, updated_at) \
                             VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, NULL, $9)",
                        )
                        .bind(r.id)
                        .bind(e.id)
                        .bind(r.opened_on.to_sqlx())
                        .bind(r.due_date.to_sqlx())
                        .bind(&e.department)
                        .bind(&e.window)
                        .bind(&r.assignee)
                        .bind(false)
                        .bind(e.rated_at.to_sqlx())
                        .execute(&mut *tx)
                        .await
                        .map_err(err("rectification"))?;
                        let step = RectificationStep {
                            at: e.rated_at,
                            actor: e.recorded_by.clone(),
                            step: "open".into(),
                            note: format!("差评：{}", e.reasons.join("、")),
                        };
                        add_step(tx, r.id, &step).await?;
                    }
                    answers.push(Ok(()));
                }
                for (key, n) in &counts {
                    add_counts(tx, key, *n, 0).await?;
                }
                Ok(answers)
            }

            #[async_trait::async_trait]
            impl EvaluationStore for $store {
                async fn record_evaluations(&self, batch: &[NewEvaluation]) -> Vec<StoreResult<()>> {
                    if batch.is_empty() {
                        return Vec::new();
                    }
                    let outcome = async {
                        let mut tx = self.begin_write().await?;
                        let answers = record_batch(tx.conn(), batch).await?;
                        tx.commit().await.map_err(err("evaluation"))?;
                        Ok::<_, StoreError>(answers)
                    }
                    .await;
                    outcome.unwrap_or_else(|e| $crate::queue::batch_failed(batch.len(), &e))
                }

                async fn evaluation(&self, id: Uuid) -> StoreResult<Evaluation> {
                    let sql = format!("SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(id)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("evaluation"))?;
                    evaluation_from(&row)
                }

                async fn evaluation_of_event(&self, event_key: &str) -> StoreResult<Option<Evaluation>> {
                    let sql = format!("SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE event_key = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(event_key)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(err("evaluation"))?;
                    row.as_ref().map(evaluation_from).transpose()
                }

                async fn evaluations_between(&self, from: Date, to: Date, limit: i64) -> StoreResult<Vec<Evaluation>> {
                    let sql = format!(
                        "SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE business_date >= $1 AND business_date <= $2 \
                         AND imported = $3 ORDER BY rated_at DESC LIMIT $4"
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(from.to_sqlx())
                        .bind(to.to_sqlx())
                        .bind(false)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("evaluations"))?;
                    rows.iter().map(evaluation_from).collect()
                }

                async fn level_counts(&self, from: Date, to: Date, by: Option<Dimension>) -> StoreResult<Vec<LevelCount>> {
                    let group = by.map(|d| d.column()).unwrap_or("''");
                    // PostgreSQL refuses a constant in GROUP BY.
                    let grouping = by.map(|d| format!("{}, ", d.column())).unwrap_or_default();
                    let sql = format!(
                        "SELECT {group} AS grp, level, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(n_excluded) AS BIGINT) AS x \
                         FROM evaluation_counts WHERE business_date >= $1 AND business_date <= $2 GROUP BY {grouping}level"
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(from.to_sqlx())
                        .bind(to.to_sqlx())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("evaluation counts"))?;
                    counts_from(&rows)
                }

                async fn level_counts_from_records(
                    &self,
                    from: Date,
                    to: Date,
                    by: Option<Dimension>,
                ) -> StoreResult<Vec<LevelCount>> {
                    let group = by.map(|d| d.column()).unwrap_or("''");
                    // PostgreSQL refuses a constant in GROUP BY.
                    let grouping = by.map(|d| format!("{}, ", d.column())).unwrap_or_default();
                    let sql = format!(
                        "SELECT {group} AS grp, level, CAST(SUM(weight) AS BIGINT) AS n, \
                         CAST(SUM(CASE WHEN excluded THEN weight ELSE 0 END) AS BIGINT) AS x \
                         FROM evaluations WHERE business_date >= $1 AND business_date <= $2 GROUP BY {grouping}level"
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(from.to_sqlx())
                        .bind(to.to_sqlx())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("evaluations"))?;
                    counts_from(&rows)
                }

                async fn evaluation_reasons(&self) -> StoreResult<Vec<String>> {
                    let rows = sqlx::query("SELECT reason FROM evaluation_reasons ORDER BY position")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("reasons"))?;
                    rows.iter().map(|r| r.try_get("reason").map_err(err("reasons"))).collect()
                }

                async fn set_evaluation_reasons(&self, reasons: &[String]) -> StoreResult<()> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query("DELETE FROM evaluation_reasons")
                        .execute(tx.conn())
                        .await
                        .map_err(err("reasons"))?;
                    for (i, reason) in reasons.iter().enumerate() {
                        sqlx::query("INSERT INTO evaluation_reasons (reason, position) VALUES ($1, $2)")
                            .bind(reason)
                            .bind(i as i64 + 1)
                            .execute(tx.conn())
                            .await
                            .map_err(err("reasons"))?;
                    }
                    tx.commit().await.map_err(err("reasons"))
                }

                async fn rectifications(&self, status: Option<&str>) -> StoreResult<Vec<Rectification>> {
                    let sql = format!(
                        "SELECT {RECTIFICATION_COLUMNS} FROM rectifications WHERE ($1 = '' OR status = $1) \
                         ORDER BY due_date, opened_on"
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(status.unwrap_or(""))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("rectifications"))?;
                    rows.iter().map(rectification_from).collect()
                }

                async fn rectification(&self, id: Uuid) -> StoreResult<(Rectification, Vec<RectificationStep>)> {
                    let sql = format!("SELECT {RECTIFICATION_COLUMNS} FROM rectifications WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(id)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("rectification"))?;
                    let rows = sqlx::query(
                        "SELECT at, actor, step, note FROM rectification_steps WHERE rectification_id = $1 ORDER BY id",
                    )
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("rectification"))?;
                    let steps = rows
                        .iter()
                        .map(|r| {
                            let e = err("rectification");
                            Ok(RectificationStep {
                                at: r.try_get::<jiff_sqlx::Timestamp, _>("at").map_err(&e)?.to_jiff(),
                                actor: r.try_get("actor").map_err(&e)?,
                                step: r.try_get("step").map_err(&e)?,
                                note: r.try_get("note").map_err(&e)?,
                            })
                        })
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok((rectification_from(&row)?, steps))
                }

                async fn advance_rectification(
                    &self,
                    id: Uuid,
                    from: &[&str],
                    to: &str,
                    step: &RectificationStep,
                    accepted: Option<bool>,
                ) -> StoreResult<Rectification> {
                    let mut tx = self.begin_write().await?;
                    let list = (0..from.len().max(1)).map(|i| format!("${}", i + 5)).collect::<Vec<_>>().join(", ");
                    let sql = format!(
                        "UPDATE rectifications SET status = $1, accepted = COALESCE($2, accepted), updated_at = $3 \
                         WHERE id = $4 AND status IN ({list}) RETURNING {RECTIFICATION_COLUMNS}"
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(to).bind(accepted).bind(step.at.to_sqlx()).bind(id);
                    if from.is_empty() {
                        q = q.bind("");
                    }
                    for f in from {
                        q = q.bind(*f);
                    }
                    let Some(row) = q.fetch_optional(tx.conn()).await.map_err(err("rectification"))? else {
                        drop(tx);
                        self.rectification(id).await?;
                        return Err(StoreError::Conflict { what: "rectification_status".into() });
                    };
                    add_step(tx.conn(), id, step).await?;
                    let r = rectification_from(&row)?;
                    tx.commit().await.map_err(err("rectification"))?;
                    Ok(r)
                }

                async fn escalate_overdue(&self, today: Date, at: Timestamp) -> StoreResult<Vec<Rectification>> {
                    let mut tx = self.begin_write().await?;
                    let sql = format!(
                        "UPDATE rectifications SET escalated = $1, updated_at = $2 WHERE escalated = $3 \
                         AND status <> 'closed' AND due_date < $4 RETURNING {RECTIFICATION_COLUMNS}"
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(true)
                        .bind(at.to_sqlx())
                        .bind(false)
                        .bind(today.to_sqlx())
                        .fetch_all(tx.conn())
                        .await
                        .map_err(err("rectifications"))?;
                    let escalated = rows.iter().map(rectification_from).collect::<StoreResult<Vec<_>>>()?;
                    for r in &escalated {
                        let step = RectificationStep {
                            at,
                            actor: "系统".into(),
                            step: "escalated".into(),
                            note: format!("超过整改期限 {} 未办结，已报送领导", r.due_date),
                        };
                        add_step(tx.conn(), r.id, &step).await?;
                    }
                    tx.commit().await.map_err(err("rectifications"))?;
                    Ok(escalated)
                }

                async fn file_appeal(&self, a: &Appeal) -> StoreResult<()> {
                    let sql = format!(
                        "INSERT INTO evaluation_appeals ({APPEAL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 'pending', NULL, NULL, '')"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(a.id)
                        .bind(a.evaluation_id)
                        .bind(&a.reason)
                        .bind(&a.evidence)
                        .bind(&a.filed_by)
                        .bind(a.filed_at.to_sqlx())
                        .execute(&self.pool)
                        .await
                        .map_err(err("appeal"))?;
                    Ok(())
                }

                async fn appeals(&self, status: Option<&str>) -> StoreResult<Vec<Appeal>> {
                    let sql = format!(
                        "SELECT {APPEAL_COLUMNS} FROM evaluation_appeals WHERE ($1 = '' OR status = $1) ORDER BY filed_at DESC"
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(status.unwrap_or(""))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("appeals"))?;
                    rows.iter().map(appeal_from).collect()
                }

                async fn decide_appeal(
                    &self,
                    id: Uuid,
                    upheld: bool,
                    by: &str,
                    at: Timestamp,
                    decision: &str,
                ) -> StoreResult<Appeal> {
                    let mut tx = self.begin_write().await?;
                    let sql = format!(
                        "UPDATE evaluation_appeals SET status = $1, decided_by = $2, decided_at = $3, decision = $4 \
                         WHERE id = $5 AND status = 'pending' RETURNING {APPEAL_COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(if upheld { "upheld" } else { "rejected" })
                        .bind(by)
                        .bind(at.to_sqlx())
                        .bind(decision)
                        .bind(id)
                        .fetch_optional(tx.conn())
                        .await
                        .map_err(err("appeal"))?;
                    let Some(row) = row else {
                        return Err(StoreError::Conflict { what: "appeal_status".into() });
                    };
                    let appeal = appeal_from(&row)?;
                    if upheld {
                        let sql = format!(
                            "UPDATE evaluations SET excluded = $1 WHERE id = $2 AND excluded = $3 RETURNING {EVALUATION_COLUMNS}"
                        );
                        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                            .bind(true)
                            .bind(appeal.evaluation_id)
                            .bind(false)
                            .fetch_optional(tx.conn())
                            .await
                            .map_err(err("evaluation"))?;
                        if let Some(row) = row {
                            let e = evaluation_from(&row)?;
                            let key = (
                                e.business_date,
                                e.window.clone(),
                                e.department.clone(),
                                e.staff.clone(),
                                e.item.clone(),
                                e.channel.clone(),
                                e.level.clone(),
                            );
                            add_counts(tx.conn(), &key, 0, e.weight).await?;
                        }
                        let sql = format!(
                            "UPDATE rectifications SET status = 'closed', updated_at = $1 WHERE evaluation_id = $2 \
                             AND status <> 'closed' RETURNING {RECTIFICATION_COLUMNS}"
                        );
                        let closed = sqlx::query(sqlx::AssertSqlSafe(sql))
                            .bind(at.to_sqlx())
                            .bind(appeal.evaluation_id)
                            .fetch_optional(tx.conn())
                            .await
                            .map_err(err("rectification"))?;
                        if let Some(r) = closed {
                            let r = rectification_from(&r)?;
                            let step = RectificationStep {
                                at,
                                actor: by.to_owned(),
                                step: "closed".into(),
                                note: format!("申诉成立，该评价不计入有效评价：{decision}"),
                            };
                            add_step(tx.conn(), r.id, &step).await?;
                        }
                    }
                    tx.commit().await.map_err(err("appeal"))?;
                    Ok(appeal)
                }

                async fn queue_sms(&self, m: &OutboxMessage) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "INSERT INTO sms_outbox (id, ticket_id, phone_sealed, body, queued_at, sent_at, status) \
                         VALUES ($1, $2, $3, $4, $5, NULL, 'queued') ON CONFLICT (ticket_id) DO NOTHING",
                    )
                    .bind(m.id)
                    .bind(m.ticket_id)
                    .bind(&m.phone_sealed)
                    .bind(&m.body)
                    .bind(m.queued_at.to_sqlx())
                    .execute(&self.pool)
                    .await
                    .map_err(err("sms"))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn sms_outbox(&self, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
                    let rows = sqlx::query(
                        "SELECT id, ticket_id, phone_sealed, body, queued_at, status FROM sms_outbox \
                         ORDER BY queued_at DESC LIMIT $1",
                    )
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("sms"))?;
                    rows.iter()
                        .map(|r| {
                            let e = err("sms");
                            Ok(OutboxMessage {
                                id: r.try_get("id").map_err(&e)?,
                                ticket_id: r.try_get("ticket_id").map_err(&e)?,
                                phone_sealed: r.try_get("phone_sealed").map_err(&e)?,
                                body: r.try_get("body").map_err(&e)?,
                                queued_at: r.try_get::<jiff_sqlx::Timestamp, _>("queued_at").map_err(&e)?.to_jiff(),
                                status: r.try_get("status").map_err(&e)?,
                            })
                        })
                        .collect()
                }
            }
        }
    };
}
