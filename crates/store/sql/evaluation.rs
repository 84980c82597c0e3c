//! The shared SQL of 好差评: reading evaluations and their rollup, the
//! reasons list, rectifications (整改) and their steps, appeals (申诉) and the
//! SMS outbox. Recording lives in `evaluation_record.rs`. Every write that
//! touches the rollup or a rectification runs in one `self.begin_write()`
//! transaction.

use super::evaluation_record::{COUNT_KEY_COLUMNS, CountKey, add_counts, record_batch};
use crate::dialect::{Backend, Conn};
use domain::rectification::{AppealStatus, RectificationSource, RectificationStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::evaluation::*;
use store::queue::batch_failed;
use store::sql::{decode, from_json, placeholders, refusal as err};
use store::{StoreError, StoreResult};
use uuid::Uuid;

// Column lists are constants spliced into constant text: no user input reaches SQL text.
pub(super) const EVALUATION_COLUMNS: &str = "id, event_key, ticket_id, case_id, channel, level, reasons, \
    comment, business_date, window_number, department, staff, item, weight, imported, excluded, device, \
    rater_key, seconds_after_service, rated_at, recorded_by";
pub(super) const RECTIFICATION_COLUMNS: &str = "id, evaluation_id, opened_on, due_date, status, department, \
    window_number, assignee, escalated, accepted, updated_at, complaint_id, inspection_id, inspection_item";
const APPEAL_COLUMNS: &str =
    "id, evaluation_id, reason, evidence, filed_by, filed_at, status, decided_by, decided_at, decision";

#[derive(sqlx::FromRow)]
pub(super) struct EvaluationRow {
    id: Uuid,
    event_key: Option<String>,
    ticket_id: Option<Uuid>,
    case_id: Option<Uuid>,
    channel: String,
    level: String,
    reasons: String,
    comment: String,
    business_date: jiff_sqlx::Date,
    window_number: String,
    department: String,
    staff: String,
    item: String,
    weight: i64,
    imported: bool,
    excluded: bool,
    device: String,
    rater_key: String,
    seconds_after_service: Option<i64>,
    rated_at: jiff_sqlx::Timestamp,
    recorded_by: String,
}

impl TryFrom<EvaluationRow> for Evaluation {
    type Error = StoreError;
    fn try_from(r: EvaluationRow) -> StoreResult<Evaluation> {
        Ok(Evaluation {
            id: r.id,
            event_key: r.event_key,
            ticket_id: r.ticket_id,
            case_id: r.case_id,
            channel: decode(&r.channel)?,
            level: decode(&r.level)?,
            reasons: from_json(&r.reasons)?,
            comment: r.comment,
            business_date: r.business_date.to_jiff(),
            window: r.window_number,
            department: r.department,
            staff: r.staff,
            item: r.item,
            weight: r.weight,
            imported: r.imported,
            excluded: r.excluded,
            device: r.device,
            rater_key: r.rater_key,
            seconds_after_service: r.seconds_after_service,
            rated_at: r.rated_at.to_jiff(),
            recorded_by: r.recorded_by,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct RectificationRow {
    id: Uuid,
    evaluation_id: Option<Uuid>,
    opened_on: jiff_sqlx::Date,
    due_date: jiff_sqlx::Date,
    status: String,
    department: String,
    window_number: String,
    assignee: String,
    escalated: bool,
    accepted: Option<bool>,
    updated_at: jiff_sqlx::Timestamp,
    complaint_id: Option<Uuid>,
    inspection_id: Option<Uuid>,
    inspection_item: Option<String>,
}

impl TryFrom<RectificationRow> for Rectification {
    type Error = StoreError;
    fn try_from(r: RectificationRow) -> StoreResult<Rectification> {
        let source = RectificationSource::from_columns(
            r.evaluation_id,
            r.complaint_id,
            r.inspection_id
                .map(|i| (i, r.inspection_item.unwrap_or_default())),
        )
        .ok_or_else(|| StoreError::Corrupt(format!("rectification {} names no single source", r.id)))?;
        Ok(Rectification {
            id: r.id,
            source,
            opened_on: r.opened_on.to_jiff(),
            due_date: r.due_date.to_jiff(),
            status: decode(&r.status)?,
            department: r.department,
            window: r.window_number,
            assignee: r.assignee,
            escalated: r.escalated,
            accepted: r.accepted,
            updated_at: r.updated_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct StepRow {
    at: jiff_sqlx::Timestamp,
    actor: String,
    step: String,
    note: String,
}

impl From<StepRow> for RectificationStep {
    fn from(r: StepRow) -> RectificationStep {
        RectificationStep {
            at: r.at.to_jiff(),
            actor: r.actor,
            step: r.step,
            note: r.note,
        }
    }
}

#[derive(sqlx::FromRow)]
struct AppealRow {
    id: Uuid,
    evaluation_id: Uuid,
    reason: String,
    evidence: String,
    filed_by: String,
    filed_at: jiff_sqlx::Timestamp,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<jiff_sqlx::Timestamp>,
    decision: String,
}

impl TryFrom<AppealRow> for Appeal {
    type Error = StoreError;
    fn try_from(r: AppealRow) -> StoreResult<Appeal> {
        Ok(Appeal {
            id: r.id,
            evaluation_id: r.evaluation_id,
            reason: r.reason,
            evidence: r.evidence,
            filed_by: r.filed_by,
            filed_at: r.filed_at.to_jiff(),
            status: decode(&r.status)?,
            decided_by: r.decided_by,
            decided_at: r.decided_at.map(jiff_sqlx::Timestamp::to_jiff),
            decision: r.decision,
        })
    }
}

/// One line of a level count: its group (empty when ungrouped), level, count and excluded count.
#[derive(sqlx::FromRow)]
struct CountRow {
    grp: String,
    level: String,
    n: i64,
    x: i64,
}

impl TryFrom<CountRow> for LevelCount {
    type Error = StoreError;
    fn try_from(r: CountRow) -> StoreResult<LevelCount> {
        Ok(LevelCount {
            group: r.grp,
            level: decode(&r.level)?,
            n: r.n,
            excluded: r.x,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct OutboxRow {
    id: Uuid,
    kind: String,
    dedupe_key: String,
    ticket_id: Option<Uuid>,
    phone_sealed: String,
    body: String,
    queued_at: jiff_sqlx::Timestamp,
    status: String,
}

impl TryFrom<OutboxRow> for OutboxMessage {
    type Error = StoreError;
    fn try_from(r: OutboxRow) -> StoreResult<OutboxMessage> {
        Ok(OutboxMessage {
            id: r.id,
            kind: decode(&r.kind)?,
            dedupe_key: r.dedupe_key,
            ticket_id: r.ticket_id,
            phone_sealed: r.phone_sealed,
            body: r.body,
            queued_at: r.queued_at.to_jiff(),
            status: decode(&r.status)?,
        })
    }
}

/// Opens a rectification in the caller's transaction: the one insert every
/// source (差评, 投诉查实, 督查不合格) goes through.
pub(super) async fn open_rectification(
    conn: &mut Conn,
    r: &NewRectification,
    opened: &RectificationOpening,
) -> StoreResult<()> {
    let inspection = opened.source.inspection();
    sqlx::query(
        "INSERT INTO rectifications (id, evaluation_id, opened_on, due_date, status, department, \
         window_number, assignee, escalated, accepted, updated_at, complaint_id, inspection_id, inspection_item) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, $12, $13)",
    )
    .bind(r.id)
    .bind(opened.source.evaluation_id())
    .bind(r.opened_on.to_sqlx())
    .bind(r.due_date.to_sqlx())
    .bind(RectificationStatus::Open.code())
    .bind(&opened.department)
    .bind(&opened.window)
    .bind(&r.assignee)
    .bind(false)
    .bind(opened.step.at.to_sqlx())
    .bind(opened.source.complaint_id())
    .bind(inspection.map(|(id, _)| id))
    .bind(inspection.map(|(_, item)| item.to_owned()))
    .execute(&mut *conn)
    .await
    .map_err(err("rectification"))?;
    add_step(conn, r.id, &opened.step).await
}

pub(super) async fn add_step(conn: &mut Conn, id: Uuid, step: &RectificationStep) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO rectification_steps (rectification_id, at, actor, step, note) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(step.at.to_sqlx())
    .bind(&step.actor)
    .bind(&step.step)
    .bind(&step.note)
    .execute(&mut *conn)
    .await
    .map_err(err("rectification"))?;
    Ok(())
}

/// Where level counts are summed from: a table, and its count and excluded
/// count as SQL over its rows.
struct CountSource {
    table: &'static str,
    n: &'static str,
    excluded: &'static str,
}

const ROLLUP: CountSource = CountSource {
    table: "evaluation_counts",
    n: "n",
    excluded: "n_excluded",
};

const RECORDS: CountSource = CountSource {
    table: "evaluations",
    n: "weight",
    excluded: "CASE WHEN excluded THEN weight ELSE 0 END",
};

/// Per level (and group) over `from..=to`, from the rollup or the records.
async fn level_counts_of(
    backend: &Backend,
    source: &CountSource,
    from: Date,
    to: Date,
    by: Option<Dimension>,
) -> StoreResult<Vec<LevelCount>> {
    let CountSource { table, n, excluded } = source;
    let group = by.map(|d| d.column()).unwrap_or("''");
    // PostgreSQL refuses a constant in GROUP BY.
    let grouping = by.map(|d| format!("{}, ", d.column())).unwrap_or_default();
    let sql = format!(
        "SELECT {group} AS grp, level, CAST(SUM({n}) AS BIGINT) AS n, CAST(SUM({excluded}) AS BIGINT) AS x \
         FROM {table} WHERE business_date >= $1 AND business_date <= $2 GROUP BY {grouping}level"
    );
    let rows = sqlx::query_as::<_, CountRow>(sqlx::AssertSqlSafe(sql))
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&backend.pool)
        .await
        .map_err(err("evaluation counts"))?;
    let mut counts = rows
        .into_iter()
        .map(LevelCount::try_from)
        .collect::<StoreResult<Vec<_>>>()?;
    counts.sort();
    Ok(counts)
}

/// An evaluation newly left out of the valid count.
#[derive(sqlx::FromRow)]
struct Excluded {
    #[sqlx(flatten)]
    key: CountKey,
    weight: i64,
}

/// An upheld appeal: the evaluation leaves the valid count (its rollup row
/// too) and its rectification closes.
async fn exclude(
    conn: &mut Conn,
    appeal: &Appeal,
    by: &str,
    at: Timestamp,
    decision: &str,
) -> StoreResult<()> {
    let sql = format!(
        "UPDATE evaluations SET excluded = $1 WHERE id = $2 AND excluded = $3 RETURNING {COUNT_KEY_COLUMNS}, weight"
    );
    let row = sqlx::query_as::<_, Excluded>(sqlx::AssertSqlSafe(sql))
        .bind(true)
        .bind(appeal.evaluation_id)
        .bind(false)
        .fetch_optional(&mut *conn)
        .await
        .map_err(err("evaluation"))?;
    if let Some(Excluded { key, weight }) = row {
        add_counts(conn, &key, 0, weight).await?;
    }
    let closed: Option<Uuid> = sqlx::query_scalar(
        "UPDATE rectifications SET status = $1, updated_at = $2 WHERE evaluation_id = $3 \
         AND status <> $1 RETURNING id",
    )
    .bind(RectificationStatus::Closed.code())
    .bind(at.to_sqlx())
    .bind(appeal.evaluation_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(err("rectification"))?;
    if let Some(id) = closed {
        let step = RectificationStep {
            at,
            actor: by.to_owned(),
            step: RectificationStatus::Closed.code().into(),
            note: format!("申诉成立，该评价不计入有效评价：{decision}"),
        };
        add_step(conn, id, &step).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl EvaluationStore for Backend {
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
        outcome.unwrap_or_else(|e| batch_failed(batch.len(), &e))
    }

    async fn evaluation(&self, id: Uuid) -> StoreResult<Evaluation> {
        let sql = format!("SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE id = $1");
        sqlx::query_as::<_, EvaluationRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("evaluation"))?
            .try_into()
    }

    async fn evaluation_of_event(&self, event_key: &str) -> StoreResult<Option<Evaluation>> {
        let sql = format!("SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE event_key = $1");
        let row = sqlx::query_as::<_, EvaluationRow>(sqlx::AssertSqlSafe(sql))
            .bind(event_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("evaluation"))?;
        row.map(Evaluation::try_from).transpose()
    }

    async fn evaluations_between(&self, from: Date, to: Date, limit: i64) -> StoreResult<Vec<Evaluation>> {
        let sql = format!(
            "SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE business_date >= $1 AND business_date <= $2 \
             AND imported = $3 ORDER BY rated_at DESC LIMIT $4"
        );
        let rows = sqlx::query_as::<_, EvaluationRow>(sqlx::AssertSqlSafe(sql))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .bind(false)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("evaluations"))?;
        rows.into_iter().map(Evaluation::try_from).collect()
    }

    async fn level_counts(
        &self,
        from: Date,
        to: Date,
        by: Option<Dimension>,
    ) -> StoreResult<Vec<LevelCount>> {
        level_counts_of(self, &ROLLUP, from, to, by).await
    }

    async fn level_counts_from_records(
        &self,
        from: Date,
        to: Date,
        by: Option<Dimension>,
    ) -> StoreResult<Vec<LevelCount>> {
        level_counts_of(self, &RECORDS, from, to, by).await
    }

    async fn evaluation_reasons(&self) -> StoreResult<Vec<String>> {
        sqlx::query_scalar("SELECT reason FROM evaluation_reasons ORDER BY position")
            .fetch_all(&self.pool)
            .await
            .map_err(err("reasons"))
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

    async fn rectifications(&self, status: Option<RectificationStatus>) -> StoreResult<Vec<Rectification>> {
        let sql = format!(
            "SELECT {RECTIFICATION_COLUMNS} FROM rectifications WHERE ($1 = '' OR status = $1) \
             ORDER BY due_date, opened_on"
        );
        let rows = sqlx::query_as::<_, RectificationRow>(sqlx::AssertSqlSafe(sql))
            .bind(status.map_or("", RectificationStatus::code))
            .fetch_all(&self.pool)
            .await
            .map_err(err("rectifications"))?;
        rows.into_iter().map(Rectification::try_from).collect()
    }

    async fn rectification(&self, id: Uuid) -> StoreResult<(Rectification, Vec<RectificationStep>)> {
        let sql = format!("SELECT {RECTIFICATION_COLUMNS} FROM rectifications WHERE id = $1");
        let row = sqlx::query_as::<_, RectificationRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("rectification"))?;
        let steps = sqlx::query_as::<_, StepRow>(
            "SELECT at, actor, step, note FROM rectification_steps WHERE rectification_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("rectification"))?;
        Ok((
            row.try_into()?,
            steps.into_iter().map(RectificationStep::from).collect(),
        ))
    }

    async fn advance_rectification(
        &self,
        id: Uuid,
        from: &[RectificationStatus],
        to: RectificationStatus,
        step: &RectificationStep,
        accepted: Option<bool>,
    ) -> StoreResult<Rectification> {
        let mut tx = self.begin_write().await?;
        let list = placeholders(5, from.len().max(1));
        let sql = format!(
            "UPDATE rectifications SET status = $1, accepted = COALESCE($2, accepted), updated_at = $3 \
             WHERE id = $4 AND status IN ({list}) RETURNING {RECTIFICATION_COLUMNS}"
        );
        let mut q = sqlx::query_as::<_, RectificationRow>(sqlx::AssertSqlSafe(sql))
            .bind(to.code())
            .bind(accepted)
            .bind(step.at.to_sqlx())
            .bind(id);
        if from.is_empty() {
            q = q.bind("");
        }
        for f in from {
            q = q.bind(f.code());
        }
        let Some(row) = q.fetch_optional(tx.conn()).await.map_err(err("rectification"))? else {
            drop(tx);
            self.rectification(id).await?;
            return Err(StoreError::Conflict {
                what: "rectification_status".into(),
            });
        };
        add_step(tx.conn(), id, step).await?;
        tx.commit().await.map_err(err("rectification"))?;
        row.try_into()
    }

    async fn open_rectification(
        &self,
        r: &NewRectification,
        opening: &RectificationOpening,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        open_rectification(tx.conn(), r, opening).await?;
        tx.commit().await.map_err(err("rectification"))
    }

    async fn escalate_overdue(&self, today: Date, at: Timestamp) -> StoreResult<Vec<Rectification>> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE rectifications SET escalated = $1, updated_at = $2 WHERE escalated = $3 \
             AND status <> $4 AND due_date < $5 RETURNING {RECTIFICATION_COLUMNS}"
        );
        let rows = sqlx::query_as::<_, RectificationRow>(sqlx::AssertSqlSafe(sql))
            .bind(true)
            .bind(at.to_sqlx())
            .bind(false)
            .bind(RectificationStatus::Closed.code())
            .bind(today.to_sqlx())
            .fetch_all(tx.conn())
            .await
            .map_err(err("rectifications"))?;
        let escalated = rows
            .into_iter()
            .map(Rectification::try_from)
            .collect::<StoreResult<Vec<_>>>()?;
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
            "INSERT INTO evaluation_appeals ({APPEAL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, \
             NULL, '')"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(a.id)
            .bind(a.evaluation_id)
            .bind(&a.reason)
            .bind(&a.evidence)
            .bind(&a.filed_by)
            .bind(a.filed_at.to_sqlx())
            .bind(AppealStatus::Pending.code())
            .execute(&self.pool)
            .await
            .map_err(err("appeal"))?;
        Ok(())
    }

    async fn appeals(&self, status: Option<AppealStatus>) -> StoreResult<Vec<Appeal>> {
        let sql = format!(
            "SELECT {APPEAL_COLUMNS} FROM evaluation_appeals WHERE ($1 = '' OR status = $1) ORDER BY filed_at DESC"
        );
        let rows = sqlx::query_as::<_, AppealRow>(sqlx::AssertSqlSafe(sql))
            .bind(status.map_or("", AppealStatus::code))
            .fetch_all(&self.pool)
            .await
            .map_err(err("appeals"))?;
        rows.into_iter().map(Appeal::try_from).collect()
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
             WHERE id = $5 AND status = $6 RETURNING {APPEAL_COLUMNS}"
        );
        let row = sqlx::query_as::<_, AppealRow>(sqlx::AssertSqlSafe(sql))
            .bind(AppealStatus::decided(upheld).code())
            .bind(by)
            .bind(at.to_sqlx())
            .bind(decision)
            .bind(id)
            .bind(AppealStatus::Pending.code())
            .fetch_optional(tx.conn())
            .await
            .map_err(err("appeal"))?;
        let Some(row) = row else {
            return Err(StoreError::Conflict {
                what: "appeal_status".into(),
            });
        };
        let appeal = Appeal::try_from(row)?;
        if upheld {
            exclude(tx.conn(), &appeal, by, at, decision).await?;
        }
        tx.commit().await.map_err(err("appeal"))?;
        Ok(appeal)
    }
}

#[async_trait::async_trait]
impl SmsOutboxStore for Backend {
    async fn queue_sms(&self, m: &OutboxMessage) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO sms_outbox (id, kind, dedupe_key, ticket_id, phone_sealed, body, queued_at, sent_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(m.id)
        .bind(m.kind.code())
        .bind(&m.dedupe_key)
        .bind(m.ticket_id)
        .bind(&m.phone_sealed)
        .bind(&m.body)
        .bind(m.queued_at.to_sqlx())
        .bind(m.status.code())
        .execute(&self.pool)
        .await
        .map_err(err("sms"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn sms_outbox(&self, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
        let rows = sqlx::query_as::<_, OutboxRow>(
            "SELECT id, kind, dedupe_key, ticket_id, phone_sealed, body, queued_at, status FROM sms_outbox \
             ORDER BY queued_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(err("sms"))?;
        rows.into_iter().map(OutboxMessage::try_from).collect()
    }
}
