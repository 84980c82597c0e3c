//! The shared SQL of 上门服务 requests and of the no-show sweep (爽约清理).
//! Creating a request counts the phone's open requests and inserts in one
//! `self.begin_write()` transaction, so two requests at once cannot both
//! pass the limit.

use crate::dialect::{Backend, Conn};
use domain::home_visit::HomeVisitStatus;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::home_visit::*;
use store::sql::{decode, refusal as err};
use store::{StoreError, StoreResult};
use uuid::Uuid;

// A constant spliced into constant text: no user input reaches SQL text.
const COLUMNS: &str = "id, name, phone_sealed, address_sealed, item, reason, preferred_date, note, \
    status, scheduled_date, assigned_to, outcome, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct VisitRow {
    id: Uuid,
    name: String,
    phone_sealed: String,
    address_sealed: String,
    item: String,
    reason: String,
    preferred_date: Option<jiff_sqlx::Date>,
    note: String,
    status: String,
    scheduled_date: Option<jiff_sqlx::Date>,
    assigned_to: Option<String>,
    outcome: String,
    created_at: jiff_sqlx::Timestamp,
    updated_at: jiff_sqlx::Timestamp,
}

impl TryFrom<VisitRow> for HomeVisit {
    type Error = StoreError;
    fn try_from(r: VisitRow) -> StoreResult<HomeVisit> {
        Ok(HomeVisit {
            id: r.id,
            name: r.name,
            phone_sealed: r.phone_sealed,
            address_sealed: r.address_sealed,
            item: r.item,
            reason: decode(&r.reason)?,
            preferred_date: r.preferred_date.map(jiff_sqlx::Date::to_jiff),
            note: r.note,
            status: decode(&r.status)?,
            scheduled_date: r.scheduled_date.map(jiff_sqlx::Date::to_jiff),
            assigned_to: r.assigned_to,
            outcome: r.outcome,
            created_at: r.created_at.to_jiff(),
            updated_at: r.updated_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: jiff_sqlx::Timestamp,
    actor: String,
    status: String,
    detail: String,
}

impl TryFrom<EventRow> for HomeVisitEvent {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<HomeVisitEvent> {
        Ok(HomeVisitEvent {
            at: r.at.to_jiff(),
            actor: r.actor,
            status: decode(&r.status)?,
            detail: r.detail,
        })
    }
}

async fn insert_event(
    conn: &mut Conn,
    id: Uuid,
    at: Timestamp,
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
impl AppointmentSweep for Backend {
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
impl HomeVisitStore for Backend {
    async fn create_home_visit(&self, n: &NewHomeVisit) -> StoreResult<HomeVisit> {
        let v = &n.visit;
        let mut tx = self.begin_write().await?;
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) AS n FROM home_visits WHERE phone_key = $1 \
             AND status IN ('requested', 'scheduled')",
        )
        .bind(&n.phone_key)
        .fetch_one(tx.conn())
        .await
        .map_err(err("home visits"))?;
        if open >= n.max_open_per_phone {
            return Err(StoreError::Conflict {
                what: "person_limit".into(),
            });
        }
        let sql = format!(
            "INSERT INTO home_visits ({COLUMNS}, phone_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING {COLUMNS}"
        );
        let row = sqlx::query_as::<_, VisitRow>(sqlx::AssertSqlSafe(sql))
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
        let stored = HomeVisit::try_from(row)?;
        insert_event(tx.conn(), v.id, v.created_at, &n.by, v.status, "提交申请").await?;
        tx.commit().await.map_err(err("home visit"))?;
        Ok(stored)
    }

    async fn home_visit(&self, id: Uuid) -> StoreResult<HomeVisit> {
        let sql = format!("SELECT {COLUMNS} FROM home_visits WHERE id = $1");
        sqlx::query_as::<_, VisitRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("home visit"))?
            .try_into()
    }

    async fn home_visits(&self, status: Option<HomeVisitStatus>, limit: i64) -> StoreResult<Vec<HomeVisit>> {
        let rows = match status {
            Some(s) => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM home_visits WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
                );
                sqlx::query_as::<_, VisitRow>(sqlx::AssertSqlSafe(sql))
                    .bind(s.code())
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                let sql = format!("SELECT {COLUMNS} FROM home_visits ORDER BY created_at DESC, id DESC LIMIT $1");
                sqlx::query_as::<_, VisitRow>(sqlx::AssertSqlSafe(sql))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(err("home visits"))?;
        rows.into_iter().map(HomeVisit::try_from).collect()
    }

    async fn change_home_visit(&self, c: &HomeVisitChange) -> StoreResult<HomeVisit> {
        let from = HomeVisitStatus::sources(c.to);
        // Status codes are constants of the domain, never user input.
        let list = if from.is_empty() {
            "''".to_owned()
        } else {
            from.iter()
                .map(|s| format!("'{}'", s.code()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sql = format!(
            "UPDATE home_visits SET status = $1, scheduled_date = COALESCE($2, scheduled_date), \
             assigned_to = COALESCE($3, assigned_to), outcome = COALESCE($4, outcome), updated_at = $5 \
             WHERE id = $6 AND status IN ({list}) RETURNING {COLUMNS}"
        );
        let mut tx = self.pool.begin().await.map_err(err("home visit"))?;
        let row = sqlx::query_as::<_, VisitRow>(sqlx::AssertSqlSafe(sql))
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
            return Err(StoreError::Conflict {
                what: "home_visit_status".into(),
            });
        };
        let changed = HomeVisit::try_from(row)?;
        insert_event(&mut tx, c.id, c.at, &c.by, c.to, &c.detail).await?;
        tx.commit().await.map_err(err("home visit"))?;
        Ok(changed)
    }

    async fn home_visit_events(&self, id: Uuid) -> StoreResult<Vec<HomeVisitEvent>> {
        let rows = sqlx::query_as::<_, EventRow>(
            "SELECT at, actor, status, detail FROM home_visit_events WHERE visit_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("home visit events"))?;
        rows.into_iter().map(HomeVisitEvent::try_from).collect()
    }
}
