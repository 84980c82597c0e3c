//! The queue's shared SQL (取号叫号): categories, windows, tickets, their
//! transitions and call events, and appointments. Writes that must not race
//! run in `self.begin_write()`, which each backend defines: SQLite takes the
//! write lock up front (`BEGIN IMMEDIATE`), PostgreSQL a transaction-scoped
//! advisory lock, so a call is decided by one writer at a time. Taking
//! tickets and calling them in batches live in `queue_take.rs` and
//! `queue_call.rs`.

use super::{queue_call, queue_take};
use crate::dialect::{
    Backend, Conn, REPORT_INDEX, SECONDS_LIST, SERVICE_SECONDS, TICKET_SECONDS_GROUP, WAIT_SECONDS,
};
use domain::appointment::AppointmentStatus;
use domain::queue::{CallKind, Priority};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::queue::*;
use store::sql::{decode, from_json, placeholders, refusal as err, to_json, touched};
use store::{StoreError, StoreResult};
use uuid::Uuid;

// Column lists are constants spliced into constant text: no user input reaches SQL text.
pub(super) const TICKET_COLUMNS: &str = "id, business_date, category, sequence, number, status, priority, \
    line_order, taken_at, called_at, finished_at, window_number, called_by, passed_by, recalls, transferred_from";
pub(super) const EVENT_COLUMNS: &str = "id, at, ticket_id, number, window_number, kind";
const WINDOW_COLUMNS: &str = "number, name, categories, status, pause_reason, temporary, staff";
const APPOINTMENT_COLUMNS: &str =
    "id, code, category, slot_date, slot_time, phone_tail, channel, status, ticket_id, item_code, place";

#[derive(sqlx::FromRow)]
pub(super) struct TicketRow {
    id: Uuid,
    business_date: jiff_sqlx::Date,
    category: String,
    sequence: i64,
    number: String,
    status: String,
    priority: Option<String>,
    line_order: i64,
    taken_at: jiff_sqlx::Timestamp,
    called_at: Option<jiff_sqlx::Timestamp>,
    finished_at: Option<jiff_sqlx::Timestamp>,
    window_number: Option<String>,
    called_by: Option<String>,
    passed_by: i64,
    recalls: i64,
    transferred_from: Option<Uuid>,
}

impl TryFrom<TicketRow> for Ticket {
    type Error = StoreError;
    fn try_from(r: TicketRow) -> StoreResult<Ticket> {
        Ok(Ticket {
            id: r.id,
            business_date: r.business_date.to_jiff(),
            category: r.category,
            sequence: r.sequence,
            number: r.number,
            status: decode(&r.status)?,
            // A priority this build does not know reads as none.
            priority: r.priority.as_deref().and_then(Priority::parse),
            line_order: r.line_order,
            taken_at: r.taken_at.to_jiff(),
            called_at: r.called_at.map(jiff_sqlx::Timestamp::to_jiff),
            finished_at: r.finished_at.map(jiff_sqlx::Timestamp::to_jiff),
            window: r.window_number,
            called_by: r.called_by,
            passed_by: r.passed_by,
            recalls: r.recalls,
            transferred_from: r.transferred_from,
        })
    }
}

/// A finished ticket with the phone its holder left.
#[derive(sqlx::FromRow)]
struct TicketWithPhone {
    #[sqlx(flatten)]
    ticket: TicketRow,
    phone_sealed: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    id: i64,
    at: jiff_sqlx::Timestamp,
    ticket_id: Uuid,
    number: String,
    window_number: String,
    kind: String,
}

impl TryFrom<EventRow> for CallEvent {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<CallEvent> {
        Ok(CallEvent {
            id: r.id,
            at: r.at.to_jiff(),
            ticket_id: r.ticket_id,
            number: r.number,
            window: r.window_number,
            kind: decode(&r.kind)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    prefix: String,
    name: String,
    items: String,
}

impl TryFrom<CategoryRow> for Category {
    type Error = StoreError;
    fn try_from(r: CategoryRow) -> StoreResult<Category> {
        Ok(Category {
            prefix: r.prefix,
            name: r.name,
            items: from_json(&r.items)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct WindowRow {
    number: String,
    name: String,
    categories: String,
    status: String,
    pause_reason: String,
    temporary: bool,
    staff: String,
}

impl TryFrom<WindowRow> for Window {
    type Error = StoreError;
    fn try_from(r: WindowRow) -> StoreResult<Window> {
        Ok(Window {
            number: r.number,
            name: r.name,
            categories: from_json(&r.categories)?,
            status: decode(&r.status)?,
            pause_reason: r.pause_reason,
            temporary: r.temporary,
            staff: from_json(&r.staff)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AppointmentRow {
    id: Uuid,
    code: String,
    category: String,
    slot_date: jiff_sqlx::Date,
    slot_time: String,
    phone_tail: String,
    channel: String,
    status: String,
    ticket_id: Option<Uuid>,
    item_code: Option<String>,
    place: String,
}

impl TryFrom<AppointmentRow> for Appointment {
    type Error = StoreError;
    fn try_from(r: AppointmentRow) -> StoreResult<Appointment> {
        Ok(Appointment {
            id: r.id,
            code: r.code,
            category: r.category,
            slot_date: r.slot_date.to_jiff(),
            slot_time: r.slot_time,
            phone_tail: r.phone_tail,
            channel: decode(&r.channel)?,
            status: decode(&r.status)?,
            ticket_id: r.ticket_id,
            item_code: r.item_code,
            place: r.place,
        })
    }
}

/// Writes the call event of `t` at `window`.
pub(super) async fn insert_event(
    conn: &mut Conn,
    t: &Ticket,
    window: &str,
    kind: CallKind,
    at: Timestamp,
) -> StoreResult<CallEvent> {
    let sql = format!(
        "INSERT INTO call_events (at, ticket_id, number, window_number, kind) VALUES ($1, $2, $3, $4, $5) \
         RETURNING {EVENT_COLUMNS}"
    );
    let row = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
        .bind(at.to_sqlx())
        .bind(t.id)
        .bind(&t.number)
        .bind(window)
        .bind(kind.code())
        .fetch_one(&mut *conn)
        .await
        .map_err(err("call event"))?;
    row.try_into()
}

#[async_trait::async_trait]
impl QueueStore for Backend {
    async fn create_category(&self, c: &Category) -> StoreResult<()> {
        sqlx::query("INSERT INTO queue_categories (prefix, name, items) VALUES ($1, $2, $3)")
            .bind(&c.prefix)
            .bind(&c.name)
            .bind(to_json(&c.items)?)
            .execute(&self.pool)
            .await
            .map_err(err("category"))?;
        Ok(())
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        let rows = sqlx::query_as::<_, CategoryRow>(
            "SELECT prefix, name, items FROM queue_categories ORDER BY prefix",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(err("categories"))?;
        rows.into_iter().map(Category::try_from).collect()
    }

    async fn create_window(&self, w: &Window) -> StoreResult<()> {
        let sql =
            format!("INSERT INTO service_windows ({WINDOW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&w.number)
            .bind(&w.name)
            .bind(to_json(&w.categories)?)
            .bind(w.status.code())
            .bind(&w.pause_reason)
            .bind(w.temporary)
            .bind(to_json(&w.staff)?)
            .execute(&self.pool)
            .await
            .map_err(err("window"))?;
        Ok(())
    }

    async fn windows(&self) -> StoreResult<Vec<Window>> {
        let sql = format!("SELECT {WINDOW_COLUMNS} FROM service_windows ORDER BY LENGTH(number), number");
        let rows = sqlx::query_as::<_, WindowRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(err("windows"))?;
        rows.into_iter().map(Window::try_from).collect()
    }

    async fn window(&self, number: &str) -> StoreResult<Window> {
        let sql = format!("SELECT {WINDOW_COLUMNS} FROM service_windows WHERE number = $1");
        sqlx::query_as::<_, WindowRow>(sqlx::AssertSqlSafe(sql))
            .bind(number)
            .fetch_one(&self.pool)
            .await
            .map_err(err("window"))?
            .try_into()
    }

    async fn set_window_status(&self, number: &str, status: WindowStatus, reason: &str) -> StoreResult<()> {
        let done = sqlx::query("UPDATE service_windows SET status = $1, pause_reason = $2 WHERE number = $3")
            .bind(status.code())
            .bind(reason)
            .bind(number)
            .execute(&self.pool)
            .await
            .map_err(err("window"))?;
        touched(done.rows_affected(), "window")
    }

    async fn update_category(&self, c: &Category) -> StoreResult<()> {
        let done = sqlx::query("UPDATE queue_categories SET name = $1, items = $2 WHERE prefix = $3")
            .bind(&c.name)
            .bind(to_json(&c.items)?)
            .bind(&c.prefix)
            .execute(&self.pool)
            .await
            .map_err(err("category"))?;
        touched(done.rows_affected(), "category")
    }

    async fn update_window(&self, w: &Window) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE service_windows SET name = $1, categories = $2, staff = $3, temporary = $4 WHERE number = $5",
        )
        .bind(&w.name)
        .bind(to_json(&w.categories)?)
        .bind(to_json(&w.staff)?)
        .bind(w.temporary)
        .bind(&w.number)
        .execute(&self.pool)
        .await
        .map_err(err("window"))?;
        touched(done.rows_affected(), "window")
    }

    async fn take_tickets(&self, batch: &[NewTicket]) -> Vec<StoreResult<TakenTicket>> {
        if batch.is_empty() {
            return Vec::new();
        }
        let outcome = async {
            let mut tx = self.begin_write().await?;
            let answers = queue_take::take_batch(tx.conn(), batch).await?;
            tx.commit().await.map_err(err("ticket"))?;
            Ok::<_, StoreError>(answers)
        }
        .await;
        outcome.unwrap_or_else(|e| batch_failed(batch.len(), &e))
    }

    async fn ticket(&self, id: Uuid) -> StoreResult<Ticket> {
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1");
        sqlx::query_as::<_, TicketRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("ticket"))?
            .try_into()
    }

    async fn waiting_before(&self, t: &Ticket) -> StoreResult<i64> {
        if t.status != TicketStatus::Waiting {
            return Ok(0);
        }
        sqlx::query_scalar(
            "SELECT COUNT(*) AS n FROM tickets WHERE business_date = $1 AND category = $2 \
             AND status = 'waiting' AND line_order < $3",
        )
        .bind(t.business_date.to_sqlx())
        .bind(&t.category)
        .bind(t.line_order)
        .fetch_one(&self.pool)
        .await
        .map_err(err("tickets"))
    }

    async fn call_next_batch(&self, calls: &[CallRequest]) -> Vec<StoreResult<Option<(Ticket, CallEvent)>>> {
        if calls.is_empty() {
            return Vec::new();
        }
        let outcome = async {
            let mut tx = self.begin_write().await?;
            let answers = queue_call::call_batch(tx.conn(), calls)
                .await?
                .into_iter()
                .map(Ok)
                .collect();
            tx.commit().await.map_err(err("tickets"))?;
            Ok::<_, StoreError>(answers)
        }
        .await;
        outcome.unwrap_or_else(|e| batch_failed(calls.len(), &e))
    }

    async fn transition_ticket(
        &self,
        id: Uuid,
        from: &[TicketStatus],
        to: TicketStatus,
        at: Timestamp,
    ) -> StoreResult<Ticket> {
        let list = placeholders(3, from.len().max(1));
        let finished = matches!(
            to,
            TicketStatus::Finished | TicketStatus::Skipped | TicketStatus::Transferred
        );
        let requeue = to == TicketStatus::Waiting;
        let sql = format!(
            "UPDATE tickets SET status = $1, finished_at = CASE WHEN {finished} THEN $2 ELSE finished_at END, \
             window_number = CASE WHEN {requeue} THEN NULL ELSE window_number END \
             WHERE id = ${id} AND status IN ({list}) RETURNING {TICKET_COLUMNS}",
            finished = if finished { "1 = 1" } else { "1 = 0" },
            requeue = if requeue { "1 = 1" } else { "1 = 0" },
            id = 3 + from.len().max(1),
        );
        let mut q = sqlx::query_as::<_, TicketRow>(sqlx::AssertSqlSafe(sql))
            .bind(to.code())
            .bind(at.to_sqlx());
        if from.is_empty() {
            q = q.bind("");
        }
        for s in from {
            q = q.bind(s.code());
        }
        let row = q
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("ticket"))?;
        match row {
            Some(r) => r.try_into(),
            None => {
                // Either no such ticket or it is in another state.
                self.ticket(id).await?;
                Err(StoreError::Conflict {
                    what: "ticket_status".into(),
                })
            }
        }
    }

    async fn recall_ticket(&self, id: Uuid, at: Timestamp) -> StoreResult<(Ticket, CallEvent)> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE tickets SET recalls = recalls + 1 WHERE id = $1 AND status IN ('called', 'serving') \
             RETURNING {TICKET_COLUMNS}"
        );
        let row = sqlx::query_as::<_, TicketRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(tx.conn())
            .await
            .map_err(err("ticket"))?;
        let Some(row) = row else {
            drop(tx);
            self.ticket(id).await?;
            return Err(StoreError::Conflict {
                what: "ticket_status".into(),
            });
        };
        let ticket = Ticket::try_from(row)?;
        let window = ticket.window.clone().unwrap_or_default();
        let event = insert_event(tx.conn(), &ticket, &window, CallKind::Recall, at).await?;
        tx.commit().await.map_err(err("ticket"))?;
        Ok((ticket, event))
    }

    async fn call_ticket(
        &self,
        id: Uuid,
        window: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<(Ticket, CallEvent)> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE tickets SET status = 'called', called_at = $1, window_number = $2, called_by = $3 \
             WHERE id = $4 AND status = 'waiting' RETURNING {TICKET_COLUMNS}"
        );
        let row = sqlx::query_as::<_, TicketRow>(sqlx::AssertSqlSafe(sql))
            .bind(at.to_sqlx())
            .bind(window)
            .bind(by)
            .bind(id)
            .fetch_optional(tx.conn())
            .await
            .map_err(err("ticket"))?;
        let Some(row) = row else {
            drop(tx);
            self.ticket(id).await?;
            return Err(StoreError::Conflict {
                what: "ticket_status".into(),
            });
        };
        // Calling someone ends the window's current service, as 叫下一位 does.
        sqlx::query(
            "UPDATE tickets SET status = 'finished', finished_at = $1 \
             WHERE window_number = $2 AND status IN ('called', 'serving') AND id <> $3",
        )
        .bind(at.to_sqlx())
        .bind(window)
        .bind(id)
        .execute(tx.conn())
        .await
        .map_err(err("tickets"))?;
        let ticket = Ticket::try_from(row)?;
        let event = insert_event(tx.conn(), &ticket, window, CallKind::Call, at).await?;
        tx.commit().await.map_err(err("ticket"))?;
        Ok((ticket, event))
    }

    async fn newest_call_event_id(&self) -> StoreResult<Option<i64>> {
        sqlx::query_scalar("SELECT MAX(id) AS id FROM call_events")
            .fetch_one(&self.pool)
            .await
            .map_err(err("call events"))
    }

    async fn call_events_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<CallEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM call_events WHERE id > $1 ORDER BY id LIMIT $2");
        let rows = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("call events"))?;
        rows.into_iter().map(CallEvent::try_from).collect()
    }

    async fn book_appointment(&self, n: &NewAppointment) -> StoreResult<Appointment> {
        let a = &n.appointment;
        let mut tx = self.begin_write().await?;
        let in_slot: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) AS n FROM appointments WHERE category = $1 AND slot_date = $2 \
             AND slot_time = $3 AND status IN ('booked', 'checked_in')",
        )
        .bind(&a.category)
        .bind(a.slot_date.to_sqlx())
        .bind(&a.slot_time)
        .fetch_one(tx.conn())
        .await
        .map_err(err("appointments"))?;
        if in_slot >= n.capacity {
            return Err(StoreError::Conflict {
                what: "slot_full".into(),
            });
        }
        let of_person: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) AS n FROM appointments WHERE person_key = $1 AND slot_date = $2 \
             AND status IN ('booked', 'checked_in')",
        )
        .bind(&n.person_key)
        .bind(a.slot_date.to_sqlx())
        .fetch_one(tx.conn())
        .await
        .map_err(err("appointments"))?;
        if of_person >= n.max_per_person_per_day {
            return Err(StoreError::Conflict {
                what: "person_limit".into(),
            });
        }
        let sql = format!(
            "INSERT INTO appointments (id, code, category, slot_date, slot_time, person_key, phone_tail, \
             channel, status, created_at, item_code, place, phone_key, phone_masked, id_key, id_masked) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             RETURNING {APPOINTMENT_COLUMNS}"
        );
        let row = sqlx::query_as::<_, AppointmentRow>(sqlx::AssertSqlSafe(sql))
            .bind(a.id)
            .bind(&a.code)
            .bind(&a.category)
            .bind(a.slot_date.to_sqlx())
            .bind(&a.slot_time)
            .bind(&n.person_key)
            .bind(&a.phone_tail)
            .bind(a.channel.code())
            .bind(AppointmentStatus::Booked.code())
            .bind(n.created_at.to_sqlx())
            .bind(&a.item_code)
            .bind(&a.place)
            .bind(&n.marks.phone_key)
            .bind(&n.marks.phone_masked)
            .bind(&n.marks.id_key)
            .bind(&n.marks.id_masked)
            .fetch_one(tx.conn())
            .await
            .map_err(err("code"))?;
        super::scalper::count_marks(tx.conn(), [(a.slot_date, &n.marks)]).await?;
        tx.commit().await.map_err(err("appointment"))?;
        row.try_into()
    }

    async fn appointment(&self, code: &str) -> StoreResult<Appointment> {
        let sql = format!("SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE code = $1");
        let row = sqlx::query_as::<_, AppointmentRow>(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .fetch_one(&self.pool)
            .await
            .map_err(err("appointment"))?;
        row.try_into()
    }

    async fn set_appointment_status(
        &self,
        code: &str,
        from: &[AppointmentStatus],
        to: AppointmentStatus,
        ticket_id: Option<Uuid>,
    ) -> StoreResult<Appointment> {
        let list = placeholders(4, from.len().max(1));
        let sql = format!(
            "UPDATE appointments SET status = $1, ticket_id = COALESCE($2, ticket_id) WHERE code = $3 \
             AND status IN ({list}) RETURNING {APPOINTMENT_COLUMNS}"
        );
        let mut q = sqlx::query_as::<_, AppointmentRow>(sqlx::AssertSqlSafe(sql))
            .bind(to.code())
            .bind(ticket_id)
            .bind(code);
        if from.is_empty() {
            q = q.bind("");
        }
        for f in from {
            q = q.bind(f.code());
        }
        match q.fetch_optional(&self.pool).await.map_err(err("appointment"))? {
            Some(r) => r.try_into(),
            None => {
                self.appointment(code).await?;
                Err(StoreError::Conflict {
                    what: "appointment_status".into(),
                })
            }
        }
    }

    async fn slot_bookings(&self, category: &str, date: Date) -> StoreResult<Vec<(String, i64)>> {
        sqlx::query_as(
            "SELECT slot_time, COUNT(*) AS n FROM appointments WHERE category = $1 AND slot_date = $2 \
             AND status IN ('booked', 'checked_in') GROUP BY slot_time ORDER BY slot_time",
        )
        .bind(category)
        .bind(date.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("appointments"))
    }

    async fn no_show_dates(&self, person_key: &str) -> StoreResult<Vec<Date>> {
        let days: Vec<jiff_sqlx::Date> = sqlx::query_scalar(
            "SELECT slot_date FROM appointments WHERE person_key = $1 AND status = 'no_show' ORDER BY slot_date",
        )
        .bind(person_key)
        .fetch_all(&self.pool)
        .await
        .map_err(err("appointments"))?;
        Ok(days.into_iter().map(jiff_sqlx::Date::to_jiff).collect())
    }

    async fn tickets_of_day(&self, business_date: Date) -> StoreResult<Vec<Ticket>> {
        let sql =
            format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE business_date = $1 ORDER BY line_order");
        let rows = sqlx::query_as::<_, TicketRow>(sqlx::AssertSqlSafe(sql))
            .bind(business_date.to_sqlx())
            .fetch_all(&self.pool)
            .await
            .map_err(err("tickets"))?;
        rows.into_iter().map(Ticket::try_from).collect()
    }

    async fn finished_with_phone(&self, since: Timestamp, limit: i64) -> StoreResult<Vec<(Ticket, String)>> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS}, phone_sealed FROM tickets WHERE status = 'finished' AND finished_at >= $1 \
             AND phone_sealed IS NOT NULL ORDER BY finished_at LIMIT $2"
        );
        let rows = sqlx::query_as::<_, TicketWithPhone>(sqlx::AssertSqlSafe(sql))
            .bind(since.to_sqlx())
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("tickets"))?;
        rows.into_iter()
            .map(|r| Ok((r.ticket.try_into()?, r.phone_sealed)))
            .collect()
    }

    async fn want_reminder(&self, id: Uuid) -> StoreResult<()> {
        sqlx::query("UPDATE tickets SET reminder_wanted = TRUE WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(err("reminder"))?;
        Ok(())
    }

    async fn reminder_candidates(&self, business_date: Date) -> StoreResult<Vec<(Ticket, String)>> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS}, phone_sealed FROM tickets WHERE business_date = $1 AND reminder_wanted \
             AND status = 'waiting' AND phone_sealed IS NOT NULL ORDER BY line_order"
        );
        sqlx::query_as::<_, TicketWithPhone>(sqlx::AssertSqlSafe(sql))
            .bind(business_date.to_sqlx())
            .fetch_all(&self.pool)
            .await
            .map_err(err("reminder"))?
            .into_iter()
            .map(|r| Ok((r.ticket.try_into()?, r.phone_sealed)))
            .collect()
    }

    async fn reminder_sent(&self, id: Uuid) -> StoreResult<()> {
        sqlx::query("UPDATE tickets SET reminder_wanted = FALSE WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(err("reminder"))?;
        Ok(())
    }

    // issue 18: the queue report aggregated in SQL
    async fn ticket_seconds(&self, from: Date, to: Date) -> StoreResult<Vec<TicketSeconds>> {
        let waits = SECONDS_LIST.replace("{X}", WAIT_SECONDS);
        let services = SECONDS_LIST.replace(
            "{X}",
            &format!("CASE WHEN status = 'finished' THEN {SERVICE_SECONDS} END"),
        );
        let sql = format!(
            "SELECT status, window_number, called_by, category, COUNT(*) AS n, {waits} AS waits, \
             {services} AS services FROM tickets {REPORT_INDEX} WHERE business_date >= $1 AND business_date <= $2 \
             GROUP BY {TICKET_SECONDS_GROUP}"
        );
        sqlx::query_as::<_, SecondsRow>(sqlx::AssertSqlSafe(sql))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .fetch_all(&self.pool)
            .await
            .map_err(err("tickets"))?
            .into_iter()
            .map(|r| {
                Ok(TicketSeconds {
                    status: decode(&r.status)?,
                    window: r.window_number,
                    called_by: r.called_by,
                    category: r.category,
                    n: r.n,
                    waits: seconds_of(r.waits.as_deref())?,
                    services: seconds_of(r.services.as_deref())?,
                })
            })
            .collect()
    }
}

// issue 18: the queue report aggregated in SQL
/// One line of [`QueueStore::ticket_seconds`] as the database gives it.
#[derive(sqlx::FromRow)]
struct SecondsRow {
    status: String,
    window_number: Option<String>,
    called_by: Option<String>,
    category: String,
    n: i64,
    waits: Option<String>,
    services: Option<String>,
}

/// The whole seconds of a [`SECONDS_LIST`] (none: no ticket had any).
fn seconds_of(list: Option<&str>) -> StoreResult<Vec<i64>> {
    list.map_or(Ok(Vec::new()), |l| {
        l.split(',')
            .map(|s| {
                s.trim()
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("tickets: “{s}” is not a number of seconds")))
            })
            .collect()
    })
}
