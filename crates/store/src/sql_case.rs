//! The shared SQL of 办件 (see [`crate::sql`]). A case and its step are
//! written in one transaction; a change is written only if the case is still
//! in the status it was read in, so two staff acting at once cannot both win.

/// Implements [`CaseStore`](crate::case::CaseStore) for `$store`.
#[macro_export]
macro_rules! impl_sql_case_store {
    ($store:ty, $db:ty) => {
        mod shared_case_sql {
            use super::*;
            use $crate::case::*;
            use $crate::sql::{from_json, to_json};
            use $crate::{StoreError, StoreResult};
            use jiff::civil::Date;
            use jiff_sqlx::ToSqlx;
            use sqlx::Row as _;
            use uuid::Uuid;

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;

            use $crate::sql::refusal as err;

            const COLUMNS: &str = "id, number, query_code, parent_id, item_code, item_name, department, handling, \
                promised_days, applicant_kind, applicant_name, id_sealed, id_key, id_masked, phone_sealed, phone_tail, \
                legal_rep, agent, agent_basis, ticket_id, window_number, staff, status, status_before_pause, materials, \
                missing, received_on, accepted_on, deadline, paused_days, pause_started_on, extension_days, approved, \
                decision_reason, completed_on, imported, created_at, updated_at, deadline_provisional, deadline_before";
            const PLACEHOLDERS: &str = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
                $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, \
                $39, $40";

            fn case_from(r: &DbRow) -> StoreResult<CaseRecord> {
                let e = err("case");
                let date = |c: &str| -> StoreResult<Option<Date>> {
                    Ok(r.try_get::<Option<jiff_sqlx::Date>, _>(c).map_err(err("case"))?.map(|d| d.to_jiff()))
                };
                Ok(CaseRecord {
                    id: r.try_get("id").map_err(&e)?,
                    number: r.try_get("number").map_err(&e)?,
                    query_code: r.try_get("query_code").map_err(&e)?,
                    parent_id: r.try_get("parent_id").map_err(&e)?,
                    item_code: r.try_get("item_code").map_err(&e)?,
                    item_name: r.try_get("item_name").map_err(&e)?,
                    department: r.try_get("department").map_err(&e)?,
                    handling: r.try_get("handling").map_err(&e)?,
                    promised_days: r.try_get("promised_days").map_err(&e)?,
                    applicant_kind: r.try_get("applicant_kind").map_err(&e)?,
                    applicant_name: r.try_get("applicant_name").map_err(&e)?,
                    id_sealed: r.try_get("id_sealed").map_err(&e)?,
                    id_key: r.try_get("id_key").map_err(&e)?,
                    id_masked: r.try_get("id_masked").map_err(&e)?,
                    phone_sealed: r.try_get("phone_sealed").map_err(&e)?,
                    phone_tail: r.try_get("phone_tail").map_err(&e)?,
                    legal_rep: r.try_get("legal_rep").map_err(&e)?,
                    agent: r.try_get("agent").map_err(&e)?,
                    agent_basis: r.try_get("agent_basis").map_err(&e)?,
                    ticket_id: r.try_get("ticket_id").map_err(&e)?,
                    window: r.try_get("window_number").map_err(&e)?,
                    staff: r.try_get("staff").map_err(&e)?,
                    status: r.try_get("status").map_err(&e)?,
                    status_before_pause: r.try_get("status_before_pause").map_err(&e)?,
                    materials: from_json(&r.try_get::<String, _>("materials").map_err(&e)?)?,
                    missing: from_json(&r.try_get::<String, _>("missing").map_err(&e)?)?,
                    received_on: date("received_on")?.ok_or_else(|| StoreError::Corrupt("case without received_on".into()))?,
                    accepted_on: date("accepted_on")?,
                    deadline: date("deadline")?,
                    paused_days: r.try_get("paused_days").map_err(&e)?,
                    pause_started_on: date("pause_started_on")?,
                    extension_days: r.try_get("extension_days").map_err(&e)?,
                    approved: r.try_get("approved").map_err(&e)?,
                    decision_reason: r.try_get("decision_reason").map_err(&e)?,
                    completed_on: date("completed_on")?,
                    imported: r.try_get("imported").map_err(&e)?,
                    created_at: r.try_get::<jiff_sqlx::Timestamp, _>("created_at").map_err(&e)?.to_jiff(),
                    updated_at: r.try_get::<jiff_sqlx::Timestamp, _>("updated_at").map_err(&e)?.to_jiff(),
                    deadline_provisional: r.try_get("deadline_provisional").map_err(&e)?,
                    deadline_before: date("deadline_before")?,
                })
            }

            /// Binds every column of `c` in [`COLUMNS`] order.
            fn bind_case<'q>(
                q: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>,
                c: &'q CaseRecord,
            ) -> StoreResult<sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>> {
                Ok(q.bind(c.id)
                    .bind(&c.number)
                    .bind(&c.query_code)
                    .bind(c.parent_id)
                    .bind(&c.item_code)
                    .bind(&c.item_name)
                    .bind(&c.department)
                    .bind(&c.handling)
                    .bind(c.promised_days)
                    .bind(&c.applicant_kind)
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
                    .bind(&c.status)
                    .bind(&c.status_before_pause)
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
                    .bind(c.deadline_before.map(|d| d.to_sqlx())))
            }

            async fn add_event(
                tx: &mut <Db as sqlx::Database>::Connection,
                id: Uuid,
                e: &CaseEvent,
            ) -> StoreResult<()> {
                sqlx::query("INSERT INTO case_events (case_id, at, actor, action, status, note) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(id)
                    .bind(e.at.to_sqlx())
                    .bind(&e.actor)
                    .bind(&e.action)
                    .bind(&e.status)
                    .bind(&e.note)
                    .execute(&mut *tx)
                    .await
                    .map_err(err("case"))?;
                Ok(())
            }

            /// The day's next case number, taken inside the writing transaction.
            async fn next_sequence(tx: &mut <Db as sqlx::Database>::Connection, day: Date) -> StoreResult<i64> {
                let row = sqlx::query(
                    "INSERT INTO case_counters (business_date, last) VALUES ($1, 1) \
                     ON CONFLICT (business_date) DO UPDATE SET last = case_counters.last + 1 RETURNING last",
                )
                .bind(day.to_sqlx())
                .fetch_one(&mut *tx)
                .await
                .map_err(err("case counter"))?;
                row.try_get("last").map_err(err("case counter"))
            }

            async fn insert_case(tx: &mut <Db as sqlx::Database>::Connection, c: &CaseRecord) -> StoreResult<()> {
                let sql = format!("INSERT INTO cases ({COLUMNS}) VALUES ({PLACEHOLDERS})");
                bind_case(sqlx::query(sqlx::AssertSqlSafe(sql)), c)?
                    .execute(&mut *tx)
                    .await
                    .map_err(err("case"))?;
                Ok(())
            }

            #[async_trait::async_trait]
            impl CaseStore for $store {
                async fn create_case(&self, c: &CaseRecord, prefix: &str, event: &CaseEvent) -> StoreResult<CaseRecord> {
                    let mut tx = self.begin_write().await?;
                    let sequence = next_sequence(tx.conn(), c.received_on).await?;
                    let mut numbered = c.clone();
                    numbered.number = format!("{prefix}{sequence:04}");
                    insert_case(tx.conn(), &numbered).await?;
                    add_event(tx.conn(), numbered.id, event).await?;
                    tx.commit().await.map_err(err("case"))?;
                    Ok(numbered)
                }

                async fn create_case_family(
                    &self,
                    parent: &CaseRecord,
                    subs: &[CaseRecord],
                    prefix: &str,
                    event: &CaseEvent,
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
                    tx.commit().await.map_err(err("case"))?;
                    Ok((top, numbered))
                }

                async fn sub_cases(&self, parent: Uuid) -> StoreResult<Vec<CaseRecord>> {
                    let sql = format!("SELECT {COLUMNS} FROM cases WHERE parent_id = $1 ORDER BY number");
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(parent)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("case"))?;
                    rows.iter().map(case_from).collect()
                }

                async fn case_by_id(&self, id: Uuid) -> StoreResult<CaseRecord> {
                    let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&self.pool).await.map_err(err("case"))?;
                    case_from(&row)
                }

                async fn provisional_open_cases(&self) -> StoreResult<Vec<CaseRecord>> {
                    let sql = format!(
                        "SELECT {COLUMNS} FROM cases WHERE deadline_provisional = TRUE AND completed_on IS NULL \
                         AND status IN {} ORDER BY number",
                        $crate::case_ledger::OPEN_STATUSES
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await.map_err(err("case"))?;
                    rows.iter().map(case_from).collect()
                }

                async fn case_by_number(&self, number: &str) -> StoreResult<CaseRecord> {
                    let sql = format!("SELECT {COLUMNS} FROM cases WHERE number = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(number).fetch_one(&self.pool).await.map_err(err("case"))?;
                    case_from(&row)
                }

                async fn case_by_query_code(&self, code: &str) -> StoreResult<CaseRecord> {
                    let sql = format!("SELECT {COLUMNS} FROM cases WHERE query_code = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(code).fetch_one(&self.pool).await.map_err(err("case"))?;
                    case_from(&row)
                }

                async fn update_case(&self, c: &CaseRecord, expected: &str, event: &CaseEvent) -> StoreResult<()> {
                    let mut tx = self.begin_write().await?;
                    let sql = "UPDATE cases SET status = $1, status_before_pause = $2, materials = $3, missing = $4, \
                               accepted_on = $5, deadline = $6, paused_days = $7, pause_started_on = $8, extension_days = $9, \
                               approved = $10, decision_reason = $11, completed_on = $12, updated_at = $13, \
                               deadline_provisional = $14, deadline_before = $15 \
                               WHERE id = $16 AND status = $17";
                    let done = sqlx::query(sql)
                        .bind(&c.status)
                        .bind(&c.status_before_pause)
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
                        .bind(expected)
                        .execute(tx.conn())
                        .await
                        .map_err(err("case"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict { what: "case_status".into() });
                    }
                    add_event(tx.conn(), c.id, event).await?;
                    tx.commit().await.map_err(err("case"))
                }

                async fn case_events(&self, id: Uuid) -> StoreResult<Vec<CaseEvent>> {
                    let rows = sqlx::query("SELECT at, actor, action, status, note FROM case_events WHERE case_id = $1 ORDER BY id")
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("case"))?;
                    rows.iter()
                        .map(|r| {
                            let e = err("case");
                            Ok(CaseEvent {
                                at: r.try_get::<jiff_sqlx::Timestamp, _>("at").map_err(&e)?.to_jiff(),
                                actor: r.try_get("actor").map_err(&e)?,
                                action: r.try_get("action").map_err(&e)?,
                                status: r.try_get("status").map_err(&e)?,
                                note: r.try_get("note").map_err(&e)?,
                            })
                        })
                        .collect()
                }

                async fn case_figures(&self, from: Date, to: Date, today: Date) -> StoreResult<CaseFigures> {
                    let row = sqlx::query(
                        "SELECT COUNT(*) AS accepted, \
                         CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS completed, \
                         CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL AND completed_on <= deadline THEN 1 ELSE 0 END), 0) AS BIGINT) AS on_time, \
                         CAST(COALESCE(SUM(CASE WHEN completed_on IS NULL AND deadline < $3 AND status <> 'paused' THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue \
                         FROM cases WHERE accepted_on >= $1 AND accepted_on <= $2 AND parent_id IS NULL",
                    )
                    .bind(from.to_sqlx())
                    .bind(to.to_sqlx())
                    .bind(today.to_sqlx())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(err("cases"))?;
                    let n = |c: &str| -> StoreResult<u64> { Ok(row.try_get::<i64, _>(c).map_err(err("cases"))?.max(0) as u64) };
                    Ok(CaseFigures { accepted: n("accepted")?, completed: n("completed")?, on_time: n("on_time")?, overdue: n("overdue")? })
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
        }
    };
}
