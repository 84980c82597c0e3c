//! The shared SQL of 办件. A case and its step are written in one
//! transaction; a change is written only if the case is still in the status
//! it was read in, so two staff acting at once cannot both win.

use super::commitment::insert_acceptance_claims;
use crate::dialect::{Backend, Conn, Db};
use domain::case::CaseStatus;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::case::*;
use store::case_ledger::OPEN_STATUSES;
use store::sql::{decode, from_json, refusal as err, to_json};
use store::{StoreError, StoreResult};
use uuid::Uuid;

// Column lists are constants spliced into constant text: no user input reaches SQL text.
const COLUMNS: &str = "id, number, query_code, parent_id, item_code, item_name, department, handling, \
    promised_days, applicant_kind, applicant_name, id_sealed, id_key, id_masked, phone_sealed, phone_tail, \
    legal_rep, agent, agent_basis, ticket_id, window_number, staff, status, status_before_pause, materials, \
    missing, received_on, accepted_on, deadline, paused_days, pause_started_on, extension_days, approved, \
    decision_reason, completed_on, imported, created_at, updated_at, deadline_provisional, deadline_before, \
    phone_key, phone_masked";
const PLACEHOLDERS: &str = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
    $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, \
    $39, $40, $41, $42";

type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: Uuid,
    number: String,
    query_code: String,
    parent_id: Option<Uuid>,
    item_code: String,
    item_name: String,
    department: String,
    handling: String,
    promised_days: i64,
    applicant_kind: String,
    applicant_name: String,
    id_sealed: String,
    id_key: String,
    id_masked: String,
    phone_sealed: String,
    phone_tail: String,
    legal_rep: String,
    agent: String,
    agent_basis: String,
    ticket_id: Option<Uuid>,
    window_number: String,
    staff: String,
    status: String,
    status_before_pause: Option<String>,
    materials: String,
    missing: String,
    received_on: jiff_sqlx::Date,
    accepted_on: Option<jiff_sqlx::Date>,
    deadline: Option<jiff_sqlx::Date>,
    paused_days: i64,
    pause_started_on: Option<jiff_sqlx::Date>,
    extension_days: i64,
    approved: Option<bool>,
    decision_reason: String,
    completed_on: Option<jiff_sqlx::Date>,
    imported: bool,
    created_at: jiff_sqlx::Timestamp,
    updated_at: jiff_sqlx::Timestamp,
    deadline_provisional: bool,
    deadline_before: Option<jiff_sqlx::Date>,
    phone_key: Option<String>,
    phone_masked: Option<String>,
}

fn day(d: Option<jiff_sqlx::Date>) -> Option<Date> {
    d.map(jiff_sqlx::Date::to_jiff)
}

impl TryFrom<CaseRow> for CaseRecord {
    type Error = StoreError;
    fn try_from(r: CaseRow) -> StoreResult<CaseRecord> {
        Ok(CaseRecord {
            id: r.id,
            number: r.number,
            query_code: r.query_code,
            parent_id: r.parent_id,
            item_code: r.item_code,
            item_name: r.item_name,
            department: r.department,
            handling: decode(&r.handling)?,
            promised_days: r.promised_days,
            applicant_kind: decode(&r.applicant_kind)?,
            applicant_name: r.applicant_name,
            id_sealed: r.id_sealed,
            id_key: r.id_key,
            id_masked: r.id_masked,
            phone_sealed: r.phone_sealed,
            phone_tail: r.phone_tail,
            legal_rep: r.legal_rep,
            agent: r.agent,
            agent_basis: r.agent_basis,
            ticket_id: r.ticket_id,
            window: r.window_number,
            staff: r.staff,
            status: decode(&r.status)?,
            status_before_pause: r.status_before_pause.as_deref().map(decode).transpose()?,
            materials: from_json(&r.materials)?,
            missing: from_json(&r.missing)?,
            received_on: r.received_on.to_jiff(),
            accepted_on: day(r.accepted_on),
            deadline: day(r.deadline),
            paused_days: r.paused_days,
            pause_started_on: day(r.pause_started_on),
            extension_days: r.extension_days,
            approved: r.approved,
            decision_reason: r.decision_reason,
            completed_on: day(r.completed_on),
            imported: r.imported,
            created_at: r.created_at.to_jiff(),
            updated_at: r.updated_at.to_jiff(),
            deadline_provisional: r.deadline_provisional,
            deadline_before: day(r.deadline_before),
            phone_key: r.phone_key,
            phone_masked: r.phone_masked,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: jiff_sqlx::Timestamp,
    actor: String,
    action: String,
    status: String,
    note: String,
}

impl TryFrom<EventRow> for CaseEvent {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<CaseEvent> {
        Ok(CaseEvent {
            at: r.at.to_jiff(),
            actor: r.actor,
            action: r.action,
            status: decode(&r.status)?,
            note: r.note,
        })
    }
}

#[derive(sqlx::FromRow)]
struct FiguresRow {
    accepted: i64,
    completed: i64,
    on_time: i64,
    overdue: i64,
}

impl From<FiguresRow> for CaseFigures {
    fn from(r: FiguresRow) -> CaseFigures {
        let n = |v: i64| v.max(0) as u64;
        CaseFigures {
            accepted: n(r.accepted),
            completed: n(r.completed),
            on_time: n(r.on_time),
            overdue: n(r.overdue),
        }
    }
}

/// Binds every column of `c` in [`COLUMNS`] order.
fn bind_case<'q>(q: Query<'q>, c: &'q CaseRecord) -> StoreResult<Query<'q>> {
    Ok(q.bind(c.id)
        .bind(&c.number)
        .bind(&c.query_code)
        .bind(c.parent_id)
        .bind(&c.item_code)
        .bind(&c.item_name)
        .bind(&c.department)
        .bind(c.handling.code())
        .bind(c.promised_days)
        .bind(c.applicant_kind.code())
        .bind(&c.applicant_name)
        .bind(&c.id_sealed)
        .bind(&c.id_key)
        .bind(&c.id_masked)
        .bind(&c.phone_sealed)
        .bind(&c.phone_tail)
        .bind(&c.legal_rep)
        .bind(&c.agent)
        .bind(&c.agent_basis)
        .bind(c.ticket_id)
        .bind(&c.window)
        .bind(&c.staff)
        .bind(c.status.code())
        .bind(c.status_before_pause.map(CaseStatus::code))
        .bind(to_json(&c.materials)?)
        .bind(to_json(&c.missing)?)
        .bind(c.received_on.to_sqlx())
        .bind(c.accepted_on.map(|d| d.to_sqlx()))
        .bind(c.deadline.map(|d| d.to_sqlx()))
        .bind(c.paused_days)
        .bind(c.pause_started_on.map(|d| d.to_sqlx()))
        .bind(c.extension_days)
        .bind(c.approved)
        .bind(&c.decision_reason)
        .bind(c.completed_on.map(|d| d.to_sqlx()))
        .bind(c.imported)
        .bind(c.created_at.to_sqlx())
        .bind(c.updated_at.to_sqlx())
        .bind(c.deadline_provisional)
        .bind(c.deadline_before.map(|d| d.to_sqlx()))
        .bind(&c.phone_key)
        .bind(&c.phone_masked))
}

async fn add_event(conn: &mut Conn, id: Uuid, e: &CaseEvent) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, action, status, note) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(e.at.to_sqlx())
    .bind(&e.actor)
    .bind(&e.action)
    .bind(e.status.code())
    .bind(&e.note)
    .execute(&mut *conn)
    .await
    .map_err(err("case"))?;
    Ok(())
}

/// The day's next case number, taken inside the writing transaction.
async fn next_sequence(conn: &mut Conn, day: Date) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO case_counters (business_date, last) VALUES ($1, 1) \
         ON CONFLICT (business_date) DO UPDATE SET last = case_counters.last + 1 RETURNING last",
    )
    .bind(day.to_sqlx())
    .fetch_one(&mut *conn)
    .await
    .map_err(err("case counter"))
}

/// Writes a changed case if it is still in `expected` (`Conflict { what:
/// "case_status" }` otherwise).
async fn update_one(conn: &mut Conn, c: &CaseRecord, expected: CaseStatus) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE cases SET status = $1, status_before_pause = $2, materials = $3, missing = $4, \
         accepted_on = $5, deadline = $6, paused_days = $7, pause_started_on = $8, extension_days = $9, \
         approved = $10, decision_reason = $11, completed_on = $12, updated_at = $13, \
         deadline_provisional = $14, deadline_before = $15 \
         WHERE id = $16 AND status = $17",
    )
    .bind(c.status.code())
    .bind(c.status_before_pause.map(CaseStatus::code))
    .bind(to_json(&c.materials)?)
    .bind(to_json(&c.missing)?)
    .bind(c.accepted_on.map(|d| d.to_sqlx()))
    .bind(c.deadline.map(|d| d.to_sqlx()))
    .bind(c.paused_days)
    .bind(c.pause_started_on.map(|d| d.to_sqlx()))
    .bind(c.extension_days)
    .bind(c.approved)
    .bind(&c.decision_reason)
    .bind(c.completed_on.map(|d| d.to_sqlx()))
    .bind(c.updated_at.to_sqlx())
    .bind(c.deadline_provisional)
    .bind(c.deadline_before.map(|d| d.to_sqlx()))
    .bind(c.id)
    .bind(expected.code())
    .execute(&mut *conn)
    .await
    .map_err(err("case"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict {
            what: "case_status".into(),
        });
    }
    Ok(())
}

async fn insert_case(conn: &mut Conn, c: &CaseRecord) -> StoreResult<()> {
    let sql = format!("INSERT INTO cases ({COLUMNS}) VALUES ({PLACEHOLDERS})");
    bind_case(sqlx::query(sqlx::AssertSqlSafe(sql)), c)?
        .execute(&mut *conn)
        .await
        .map_err(err("case"))?;
    Ok(())
}

impl Backend {
    /// The case whose unique `column` (a constant) is `key`.
    async fn case_by<'k, K>(&self, column: &'static str, key: K) -> StoreResult<CaseRecord>
    where
        K: 'k + Send + sqlx::Encode<'k, Db> + sqlx::Type<Db>,
    {
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE {column} = $1");
        sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .fetch_one(&self.pool)
            .await
            .map_err(err("case"))?
            .try_into()
    }
}

#[async_trait::async_trait]
impl CaseStore for Backend {
    async fn create_case(
        &self,
        c: &CaseRecord,
        prefix: &str,
        event: &CaseEvent,
        claims: &AcceptanceClaims,
    ) -> StoreResult<CaseRecord> {
        let mut tx = self.begin_write().await?;
        let sequence = next_sequence(tx.conn(), c.received_on).await?;
        let mut numbered = c.clone();
        numbered.number = format!("{prefix}{sequence:04}");
        insert_case(tx.conn(), &numbered).await?;
        add_event(tx.conn(), numbered.id, event).await?;
        insert_acceptance_claims(tx.conn(), claims, &[(numbered.id, numbered.number.as_str())]).await?;
        tx.commit().await.map_err(err("case"))?;
        Ok(numbered)
    }

    async fn create_case_family(
        &self,
        parent: &CaseRecord,
        subs: &[CaseRecord],
        prefix: &str,
        event: &CaseEvent,
        claims: &AcceptanceClaims,
    ) -> StoreResult<(CaseRecord, Vec<CaseRecord>)> {
        let mut tx = self.begin_write().await?;
        let sequence = next_sequence(tx.conn(), parent.received_on).await?;
        let mut top = parent.clone();
        top.number = format!("{prefix}{sequence:04}");
        insert_case(tx.conn(), &top).await?;
        add_event(tx.conn(), top.id, event).await?;
        let mut numbered = Vec::with_capacity(subs.len());
        for (k, sub) in subs.iter().enumerate() {
            let mut s = sub.clone();
            s.number = format!("{}-{}", top.number, k + 1);
            s.parent_id = Some(top.id);
            insert_case(tx.conn(), &s).await?;
            add_event(tx.conn(), s.id, event).await?;
            numbered.push(s);
        }
        let numbers: Vec<(Uuid, &str)> = std::iter::once(&top)
            .chain(&numbered)
            .map(|c| (c.id, c.number.as_str()))
            .collect();
        insert_acceptance_claims(tx.conn(), claims, &numbers).await?;
        tx.commit().await.map_err(err("case"))?;
        Ok((top, numbered))
    }

    async fn sub_cases(&self, parent: Uuid) -> StoreResult<Vec<CaseRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE parent_id = $1 ORDER BY number");
        let rows = sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(sql))
            .bind(parent)
            .fetch_all(&self.pool)
            .await
            .map_err(err("case"))?;
        rows.into_iter().map(CaseRecord::try_from).collect()
    }

    async fn case_by_id(&self, id: Uuid) -> StoreResult<CaseRecord> {
        self.case_by("id", id).await
    }

    async fn case_by_number(&self, number: &str) -> StoreResult<CaseRecord> {
        self.case_by("number", number).await
    }

    async fn provisional_open_cases(&self) -> StoreResult<Vec<CaseRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM cases WHERE deadline_provisional = TRUE AND completed_on IS NULL \
             AND status IN {OPEN_STATUSES} ORDER BY number"
        );
        let rows = sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(err("case"))?;
        rows.into_iter().map(CaseRecord::try_from).collect()
    }

    async fn case_by_query_code(&self, code: &str) -> StoreResult<CaseRecord> {
        self.case_by("query_code", code).await
    }

    async fn update_case(&self, c: &CaseRecord, expected: CaseStatus, event: &CaseEvent) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        update_one(tx.conn(), c, expected).await?;
        add_event(tx.conn(), c.id, event).await?;
        tx.commit().await.map_err(err("case"))
    }

    async fn update_case_family(
        &self,
        cases: &[CaseRecord],
        expected: CaseStatus,
        event: &CaseEvent,
        claims: &AcceptanceClaims,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for c in cases {
            update_one(tx.conn(), c, expected).await?;
            add_event(tx.conn(), c.id, event).await?;
        }
        let numbers: Vec<(Uuid, &str)> = cases.iter().map(|c| (c.id, c.number.as_str())).collect();
        insert_acceptance_claims(tx.conn(), claims, &numbers).await?;
        tx.commit().await.map_err(err("case"))
    }

    async fn case_events(&self, id: Uuid) -> StoreResult<Vec<CaseEvent>> {
        let rows = sqlx::query_as::<_, EventRow>(
            "SELECT at, actor, action, status, note FROM case_events WHERE case_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("case"))?;
        rows.into_iter().map(CaseEvent::try_from).collect()
    }

    async fn case_figures(&self, from: Date, to: Date, today: Date) -> StoreResult<CaseFigures> {
        let row = sqlx::query_as::<_, FiguresRow>(
            "SELECT COUNT(*) AS accepted, \
             CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS completed, \
             CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL AND completed_on <= deadline THEN 1 ELSE 0 END), \
             0) AS BIGINT) AS on_time, \
             CAST(COALESCE(SUM(CASE WHEN completed_on IS NULL AND deadline < $3 AND status <> 'paused' THEN 1 \
             ELSE 0 END), 0) AS BIGINT) AS overdue \
             FROM cases WHERE accepted_on >= $1 AND accepted_on <= $2 AND parent_id IS NULL",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .bind(today.to_sqlx())
        .fetch_one(&self.pool)
        .await
        .map_err(err("cases"))?;
        Ok(row.into())
    }

    async fn import_cases(&self, cases: &[CaseRecord]) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        for c in cases {
            insert_case(tx.conn(), c).await?;
        }
        tx.commit().await.map_err(err("case"))?;
        Ok(cases.len() as u64)
    }
}
