//! The shared SQL of 上门服务 requests and of the no-show sweep (see
//! [`crate::sql`]): one text for both backends, `$1` placeholders, checked at
//! run time. Creating a request counts the phone's open requests and inserts
//! in one `self.begin_write()` transaction, so two requests at once cannot
//! both pass the limit.

/// Implements [`AppointmentSweep`](crate::home_visit::AppointmentSweep) and
/// [`HomeVisitStore`](crate::home_visit::HomeVisitStore) for `$store`.
#[macro_export]
macro_rules! impl_sql_home_visit_store {
    ($store:ty, $db:ty) => {
        mod shared_home_visit_sql {
            use super::*;
            use $crate::home_visit::*;
            use $crate::{StoreError, StoreResult};
            use domain::home_visit::{HomeVisitReason, HomeVisitStatus};
            use jiff::civil::Date;
            use jiff_sqlx::ToSqlx;
            use sqlx::Row as _;
            use uuid::Uuid;

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;

            use $crate::sql::refusal as err;

            // A constant spliced into constant text: no user input reaches SQL text.
            const COLUMNS: &str = "id, name, phone_sealed, address_sealed, item, reason, preferred_date, note, \
                status, scheduled_date, assigned_to, outcome, created_at, updated_at";

            fn visit_from(r: &DbRow) -> StoreResult<HomeVisit> {
                let e = || err("home visit");
                let reason: String = r.try_get("reason").map_err(e())?;
                let status: String = r.try_get("status").map_err(e())?;
                let date = |c: &str| -> StoreResult<Option<Date>> {
                    Ok(r.try_get::<Option<jiff_sqlx::Date>, _>(c).map_err(err("home visit"))?.map(|d| d.to_jiff()))
                };
                Ok(HomeVisit {
                    id: r.try_get("id").map_err(e())?,
                    name: r.try_get("name").map_err(e())?,
                    phone_sealed: r.try_get("phone_sealed").map_err(e())?,
                    address_sealed: r.try_get("address_sealed").map_err(e())?,
                    item: r.try_get("item").map_err(e())?,
                    reason: HomeVisitReason::parse(&reason)
                        .ok_or_else(|| StoreError::Corrupt(format!("home visit reason {reason}")))?,
                    preferred_date: date("preferred_date")?,
                    note: r.try_get("note").map_err(e())?,
                    status: HomeVisitStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("home visit status {status}")))?,
                    scheduled_date: date("scheduled_date")?,
                    assigned_to: r.try_get("assigned_to").map_err(e())?,
                    outcome: r.try_get("outcome").map_err(e())?,
                    created_at: r.try_get::<jiff_sqlx::Timestamp, _>("created_at").map_err(e())?.to_jiff(),
                    updated_at: r.try_get::<jiff_sqlx::Timestamp, _>("updated_at").map_err(e())?.to_jiff(),
                })
            }

            async fn insert_event(
                conn: &mut <Db as sqlx::Database>::Connection,
                id: Uuid,
                at: jiff::Timestamp,
                actor: &str,
                status: HomeVisitStatus,
                detail: &str,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO home_visit_events (visit_id, at, actor, status, detail) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(at.to_sqlx())
                .bind(actor)
                .bind(status.code())
                .bind(detail)
                .execute(&mut *conn)
                .await
                .map_err(err("home visit event"))?;
                Ok(())
            }

            #[async_trait::async_trait]
            impl AppointmentSweep for $store {
                async fn mark_no_shows(&self, before_date: Date, before_time: &str) -> StoreResult<u64> {
                    // Taking the writers' turn keeps this from making a ticket writer wait on SQLite's lock.
                    let mut tx = self.begin_write().await?;
                    // slot_time is "HH:MM", so text order is time order.
                    let done = sqlx::query(
                        "UPDATE appointments SET status = 'no_show' WHERE status = 'booked' \
                         AND (slot_date < $1 OR (slot_date = $1 AND slot_time < $2))",
                    )
                    .bind(before_date.to_sqlx())
                    .bind(before_time)
                    .execute(tx.conn())
                    .await
                    .map_err(err("appointments"))?;
                    tx.commit().await.map_err(err("appointments"))?;
                    Ok(done.rows_affected())
                }
            }

            #[async_trait::async_trait]
            impl HomeVisitStore for $store {
                async fn create_home_visit(&self, n: &NewHomeVisit) -> StoreResult<HomeVisit> {
                    let v = &n.visit;
                    let mut tx = self.begin_write().await?;
                    let row = sqlx::query(
                        "SELECT COUNT(*) AS n FROM home_visits WHERE phone_key = $1 \
                         AND status IN ('requested', 'scheduled')",
                    )
                    .bind(&n.phone_key)
                    .fetch_one(tx.conn())
                    .await
                    .map_err(err("home visits"))?;
                    if row.try_get::<i64, _>("n").map_err(err("home visits"))? >= n.max_open_per_phone {
                        return Err(StoreError::Conflict { what: "person_limit".into() });
                    }
                    let sql = format!(
                        "INSERT INTO home_visits ({COLUMNS}, phone_key) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING {COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(v.id)
                        .bind(&v.name)
                        .bind(&v.phone_sealed)
                        .bind(&v.address_sealed)
                        .bind(&v.item)
                        .bind(v.reason.code())
                        .bind(v.preferred_date.map(|d| d.to_sqlx()))
                        .bind(&v.note)
                        .bind(v.status.code())
                        .bind(v.scheduled_date.map(|d| d.to_sqlx()))
                        .bind(&v.assigned_to)
                        .bind(&v.outcome)
                        .bind(v.created_at.to_sqlx())
                        .bind(v.updated_at.to_sqlx())
                        .bind(&n.phone_key)
                        .fetch_one(tx.conn())
                        .await
                        .map_err(err("home visit"))?;
                    let stored = visit_from(&row)?;
                    insert_event(tx.conn(), v.id, v.created_at, &n.by, v.status, "提交申请").await?;
                    tx.commit().await.map_err(err("home visit"))?;
                    Ok(stored)
                }

                async fn home_visit(&self, id: Uuid) -> StoreResult<HomeVisit> {
                    let sql = format!("SELECT {COLUMNS} FROM home_visits WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(id)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("home visit"))?;
                    visit_from(&row)
                }

                async fn home_visits(&self, status: Option<HomeVisitStatus>, limit: i64) -> StoreResult<Vec<HomeVisit>> {
                    let rows = match status {
                        Some(s) => {
                            let sql = format!(
                                "SELECT {COLUMNS} FROM home_visits WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
                            );
                            sqlx::query(sqlx::AssertSqlSafe(sql))
                                .bind(s.code())
                                .bind(limit)
                                .fetch_all(&self.pool)
                                .await
                        }
                        None => {
                            let sql = format!("SELECT {COLUMNS} FROM home_visits ORDER BY created_at DESC, id DESC LIMIT $1");
                            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(&self.pool).await
                        }
                    }
                    .map_err(err("home visits"))?;
                    rows.iter().map(visit_from).collect()
                }

                async fn change_home_visit(&self, c: &HomeVisitChange) -> StoreResult<HomeVisit> {
                    let from = HomeVisitStatus::sources(c.to);
                    // Status codes are constants of the domain, never user input.
                    let list = if from.is_empty() {
                        "''".to_owned()
                    } else {
                        from.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ")
                    };
                    let sql = format!(
                        "UPDATE home_visits SET status = $1, scheduled_date = COALESCE($2, scheduled_date), \
                         assigned_to = COALESCE($3, assigned_to), outcome = COALESCE($4, outcome), updated_at = $5 \
                         WHERE id = $6 AND status IN ({list}) RETURNING {COLUMNS}"
                    );
                    let mut tx = self.pool.begin().await.map_err(err("home visit"))?;
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(c.to.code())
                        .bind(c.scheduled_date.map(|d| d.to_sqlx()))
                        .bind(&c.assigned_to)
                        .bind(&c.outcome)
                        .bind(c.at.to_sqlx())
                        .bind(c.id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(err("home visit"))?;
                    let Some(row) = row else {
                        tx.rollback().await.map_err(err("home visit"))?;
                        // Missing, or in a state that cannot move there.
                        self.home_visit(c.id).await?;
                        return Err(StoreError::Conflict { what: "home_visit_status".into() });
                    };
                    let changed = visit_from(&row)?;
                    insert_event(&mut *tx, c.id, c.at, &c.by, c.to, &c.detail).await?;
                    tx.commit().await.map_err(err("home visit"))?;
                    Ok(changed)
                }

                async fn home_visit_events(&self, id: Uuid) -> StoreResult<Vec<HomeVisitEvent>> {
                    let rows = sqlx::query(
                        "SELECT at, actor, status, detail FROM home_visit_events WHERE visit_id = $1 ORDER BY id",
                    )
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("home visit events"))?;
                    rows.iter()
                        .map(|r| {
                            let status: String = r.try_get("status").map_err(err("home visit event"))?;
                            Ok(HomeVisitEvent {
                                at: r.try_get::<jiff_sqlx::Timestamp, _>("at").map_err(err("home visit event"))?.to_jiff(),
                                actor: r.try_get("actor").map_err(err("home visit event"))?,
                                status: HomeVisitStatus::parse(&status)
                                    .ok_or_else(|| StoreError::Corrupt(format!("home visit status {status}")))?,
                                detail: r.try_get("detail").map_err(err("home visit event"))?,
                            })
                        })
                        .collect()
                }
            }
        }
    };
}
