//! The shared SQL of complaints (投诉): intake with the day's number, the
//! steps with their history line in one `self.begin_write()` transaction
//! (a substantiated 处置 opens its rectification in the same one), the
//! 督查科's lists and the escalation of late steps.

use super::evaluation::open_rectification;
use crate::dialect::{Backend, Conn};
use domain::complaint::ComplaintStatus;
use domain::rectification::{RectificationSource, RectificationStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::complaint::*;
use store::evaluation::{RectificationOpening, RectificationStep};
use store::sql::{decode, refusal as err};
use store::{StoreError, StoreResult};
use uuid::Uuid;

// Constants spliced into constant text: no user input reaches SQL text.
const COLUMNS: &str = "id, number, query_code, channel, category, content, about_window, about_staff, \
    about_department, about_item, department, anonymous, name_sealed, phone_sealed, status, received_at, \
    received_on, accept_due, answer_due, recorded_by, substantiated, finding, answer, complainant_accepted, \
    reopened, escalated, escalation, updated_at";
const PLACEHOLDERS: &str = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
    $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28";

#[derive(sqlx::FromRow)]
struct ComplaintRow {
    id: Uuid,
    number: String,
    query_code: String,
    channel: String,
    category: String,
    content: String,
    about_window: String,
    about_staff: String,
    about_department: String,
    about_item: String,
    department: String,
    anonymous: bool,
    name_sealed: Option<String>,
    phone_sealed: Option<String>,
    status: String,
    received_at: jiff_sqlx::Timestamp,
    received_on: jiff_sqlx::Date,
    accept_due: jiff_sqlx::Date,
    answer_due: jiff_sqlx::Date,
    recorded_by: String,
    substantiated: Option<bool>,
    finding: String,
    answer: String,
    complainant_accepted: Option<bool>,
    reopened: bool,
    escalated: bool,
    escalation: String,
    updated_at: jiff_sqlx::Timestamp,
}

impl TryFrom<ComplaintRow> for Complaint {
    type Error = StoreError;
    fn try_from(r: ComplaintRow) -> StoreResult<Complaint> {
        Ok(Complaint {
            id: r.id,
            number: r.number,
            query_code: r.query_code,
            channel: decode(&r.channel)?,
            category: decode(&r.category)?,
            content: r.content,
            about_window: r.about_window,
            about_staff: r.about_staff,
            about_department: r.about_department,
            about_item: r.about_item,
            department: r.department,
            anonymous: r.anonymous,
            name_sealed: r.name_sealed,
            phone_sealed: r.phone_sealed,
            status: decode(&r.status)?,
            received_at: r.received_at.to_jiff(),
            received_on: r.received_on.to_jiff(),
            accept_due: r.accept_due.to_jiff(),
            answer_due: r.answer_due.to_jiff(),
            recorded_by: r.recorded_by,
            substantiated: r.substantiated,
            finding: r.finding,
            answer: r.answer,
            complainant_accepted: r.complainant_accepted,
            reopened: r.reopened,
            escalated: r.escalated,
            escalation: r.escalation,
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

impl From<StepRow> for ComplaintStepRecord {
    fn from(r: StepRow) -> ComplaintStepRecord {
        ComplaintStepRecord {
            at: r.at.to_jiff(),
            actor: r.actor,
            step: r.step,
            note: r.note,
        }
    }
}

async fn add_step(conn: &mut Conn, id: Uuid, step: &ComplaintStepRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO complaint_steps (complaint_id, at, actor, step, note) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(step.at.to_sqlx())
    .bind(&step.actor)
    .bind(&step.step)
    .bind(&step.note)
    .execute(&mut *conn)
    .await
    .map_err(err("complaint step"))?;
    Ok(())
}

/// The day's next complaint number, taken inside the writing transaction.
async fn next_sequence(conn: &mut Conn, day: Date) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO complaint_counters (business_date, last) VALUES ($1, 1) \
         ON CONFLICT (business_date) DO UPDATE SET last = complaint_counters.last + 1 RETURNING last",
    )
    .bind(day.to_sqlx())
    .fetch_one(&mut *conn)
    .await
    .map_err(err("complaint counter"))
}

async fn fetch_one(conn: &mut Conn, id: Uuid) -> StoreResult<Complaint> {
    let sql = format!("SELECT {COLUMNS} FROM complaints WHERE id = $1");
    sqlx::query_as::<_, ComplaintRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .map_err(err("complaint"))?
        .try_into()
}

impl Backend {
    /// The complaint whose unique `column` (a constant) is `key`, with its history.
    async fn complaint_by<'k, K>(
        &self,
        column: &'static str,
        key: K,
    ) -> StoreResult<(Complaint, Vec<ComplaintStepRecord>)>
    where
        K: 'k + Send + sqlx::Encode<'k, crate::dialect::Db> + sqlx::Type<crate::dialect::Db>,
    {
        let sql = format!("SELECT {COLUMNS} FROM complaints WHERE {column} = $1");
        let complaint: Complaint = sqlx::query_as::<_, ComplaintRow>(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .fetch_one(&self.pool)
            .await
            .map_err(err("complaint"))?
            .try_into()?;
        let steps = sqlx::query_as::<_, StepRow>(
            "SELECT at, actor, step, note FROM complaint_steps WHERE complaint_id = $1 ORDER BY id",
        )
        .bind(complaint.id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("complaint"))?
        .into_iter()
        .map(Into::into)
        .collect();
        Ok((complaint, steps))
    }
}

#[async_trait::async_trait]
impl ComplaintStore for Backend {
    async fn add_complaint(&self, c: &Complaint, prefix: &str) -> StoreResult<Complaint> {
        let mut tx = self.begin_write().await?;
        let sequence = next_sequence(tx.conn(), c.received_on).await?;
        let mut numbered = c.clone();
        numbered.number = format!(
            "{prefix}{:04}{:02}{:02}-{sequence:04}",
            c.received_on.year(),
            c.received_on.month(),
            c.received_on.day()
        );
        let sql = format!("INSERT INTO complaints ({COLUMNS}) VALUES ({PLACEHOLDERS})");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(numbered.id)
            .bind(&numbered.number)
            .bind(&numbered.query_code)
            .bind(numbered.channel.code())
            .bind(numbered.category.code())
            .bind(&numbered.content)
            .bind(&numbered.about_window)
            .bind(&numbered.about_staff)
            .bind(&numbered.about_department)
            .bind(&numbered.about_item)
            .bind(&numbered.department)
            .bind(numbered.anonymous)
            .bind(&numbered.name_sealed)
            .bind(&numbered.phone_sealed)
            .bind(numbered.status.code())
            .bind(numbered.received_at.to_sqlx())
            .bind(numbered.received_on.to_sqlx())
            .bind(numbered.accept_due.to_sqlx())
            .bind(numbered.answer_due.to_sqlx())
            .bind(&numbered.recorded_by)
            .bind(numbered.substantiated)
            .bind(&numbered.finding)
            .bind(&numbered.answer)
            .bind(numbered.complainant_accepted)
            .bind(numbered.reopened)
            .bind(numbered.escalated)
            .bind(&numbered.escalation)
            .bind(numbered.updated_at.to_sqlx())
            .execute(tx.conn())
            .await
            .map_err(err("complaint"))?;
        let first = ComplaintStepRecord {
            at: numbered.received_at,
            actor: numbered.recorded_by.clone(),
            step: "received".into(),
            note: format!("{}登记", numbered.channel.label()),
        };
        add_step(tx.conn(), numbered.id, &first).await?;
        tx.commit().await.map_err(err("complaint"))?;
        Ok(numbered)
    }

    async fn complaint(&self, id: Uuid) -> StoreResult<(Complaint, Vec<ComplaintStepRecord>)> {
        self.complaint_by("id", id).await
    }

    async fn complaint_by_query_code(
        &self,
        code: &str,
    ) -> StoreResult<(Complaint, Vec<ComplaintStepRecord>)> {
        self.complaint_by("query_code", code.to_owned()).await
    }

    async fn complaints(&self, f: &ComplaintFilter) -> StoreResult<Vec<Complaint>> {
        // Open ones read the partial index in deadline order; the others the
        // receipt date. Every filter is a bound value (empty means "any").
        let (filter_open, order) = if f.open {
            ("status <> 'archived'", "answer_due, received_at")
        } else {
            ("TRUE", "received_on DESC, received_at DESC")
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM complaints WHERE {filter_open} \
             AND ($1 = '' OR status = $1) AND ($2 = '' OR department = $2) AND ($3 = '' OR about_staff = $3) \
             AND received_on >= $4 AND received_on <= $5 ORDER BY {order} LIMIT $6 OFFSET $7"
        );
        let from = f.from.unwrap_or(jiff::civil::date(1970, 1, 1));
        let to = f.to.unwrap_or(jiff::civil::date(9999, 12, 31));
        let rows = sqlx::query_as::<_, ComplaintRow>(sqlx::AssertSqlSafe(sql))
            .bind(f.status.map(|s| s.code()).unwrap_or(""))
            .bind(f.department.as_deref().unwrap_or(""))
            .bind(f.staff.as_deref().unwrap_or(""))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .bind(f.limit)
            .bind(f.offset)
            .fetch_all(&self.pool)
            .await
            .map_err(err("complaints"))?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn change_complaint(&self, c: &ComplaintChange) -> StoreResult<Complaint> {
        let mut tx = self.begin_write().await?;
        let escalating = c.escalation.is_some();
        let done = sqlx::query(
            "UPDATE complaints SET status = $1, substantiated = COALESCE($2, substantiated), \
             finding = COALESCE($3, finding), answer = COALESCE($4, answer), \
             complainant_accepted = CASE WHEN $5 THEN $6 ELSE complainant_accepted END, \
             reopened = COALESCE($7, reopened), escalated = (escalated OR $8), \
             escalation = COALESCE($9, escalation), updated_at = $10 \
             WHERE id = $11 AND status = $12",
        )
        .bind(c.to.code())
        .bind(c.substantiated)
        .bind(c.finding.as_deref())
        .bind(c.answer.as_deref())
        .bind(c.complainant_accepted.is_some())
        .bind(c.complainant_accepted)
        .bind(c.reopened)
        .bind(escalating)
        .bind(c.escalation.as_deref())
        .bind(c.step.at.to_sqlx())
        .bind(c.id)
        .bind(c.from.code())
        .execute(tx.conn())
        .await
        .map_err(err("complaint"))?;
        if done.rows_affected() == 0 {
            // Unknown, or moved on by someone else meanwhile.
            fetch_one(tx.conn(), c.id).await?;
            return Err(StoreError::Conflict {
                what: "complaint_status".into(),
            });
        }
        add_step(tx.conn(), c.id, &c.step).await?;
        let complaint = fetch_one(tx.conn(), c.id).await?;
        if let Some(r) = &c.rectification {
            let opened = RectificationOpening {
                source: RectificationSource::Complaint(c.id),
                department: complaint.department.clone(),
                window: complaint.about_window.clone(),
                step: RectificationStep {
                    at: c.step.at,
                    actor: c.step.actor.clone(),
                    step: RectificationStatus::Open.code().into(),
                    note: format!(
                        "投诉查实（{}，{}）：{}",
                        complaint.number,
                        complaint.category.label(),
                        complaint.finding
                    ),
                },
            };
            open_rectification(tx.conn(), r, &opened).await?;
        }
        tx.commit().await.map_err(err("complaint"))?;
        Ok(complaint)
    }

    async fn escalate_overdue_complaints(&self, today: Date, at: Timestamp) -> StoreResult<Vec<Complaint>> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE complaints SET escalated = $1, escalation = $2, updated_at = $3 \
             WHERE status <> 'archived' AND NOT escalated AND ( \
               (status = $4 AND accept_due < $5) \
               OR (status IN ($6, $7, $8) AND answer_due < $5)) \
             RETURNING {COLUMNS}"
        );
        let rows = sqlx::query_as::<_, ComplaintRow>(sqlx::AssertSqlSafe(sql))
            .bind(true)
            .bind("逾期未办，已提请领导督办")
            .bind(at.to_sqlx())
            .bind(ComplaintStatus::Received.code())
            .bind(today.to_sqlx())
            .bind(ComplaintStatus::Accepted.code())
            .bind(ComplaintStatus::Investigating.code())
            .bind(ComplaintStatus::Handled.code())
            .fetch_all(tx.conn())
            .await
            .map_err(err("complaints"))?;
        let escalated: Vec<Complaint> = rows
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<_>>()?;
        for c in &escalated {
            let step = ComplaintStepRecord {
                at,
                actor: "系统".into(),
                step: "escalated".into(),
                note: format!(
                    "“{}”环节逾期（受理期限 {}，答复期限 {}），已提请领导督办",
                    c.status.label(),
                    c.accept_due,
                    c.answer_due
                ),
            };
            add_step(tx.conn(), c.id, &step).await?;
        }
        tx.commit().await.map_err(err("complaints"))?;
        Ok(escalated)
    }
}
