//! The queue's shared SQL (see [`crate::sql`]). Writes that must not race
//! run in `self.begin_write()`, which each backend defines: SQLite takes the
//! write lock up front (`BEGIN IMMEDIATE`), PostgreSQL a transaction-scoped
//! advisory lock, so a call is decided by one writer at a time.

/// Implements [`QueueStore`](crate::queue::QueueStore) for `$store`.
#[macro_export]
macro_rules! impl_sql_queue_store {
    ($store:ty, $db:ty) => {
        mod shared_queue_sql {
            use super::*;
            use $crate::queue::*;
            use $crate::sql::{from_json, to_json};
            use $crate::{StoreError, StoreResult};
            use domain::queue::{Priority, Waiting, next_to_call, ticket_number};
            use jiff::Timestamp;
            use jiff::civil::Date;
            use jiff_sqlx::ToSqlx;
            use sqlx::Row as _;
            use uuid::Uuid;

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;

            fn err(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
                move |e| match e {
                    sqlx::Error::RowNotFound => StoreError::NotFound(what.to_owned()),
                    sqlx::Error::Database(ref d) if d.is_unique_violation() || d.is_foreign_key_violation() => {
                        StoreError::Conflict { what: what.to_owned() }
                    }
                    other => StoreError::other(other),
                }
            }

            const TICKET_COLUMNS: &str = "id, business_date, category, sequence, number, status, priority, line_order, \
                taken_at, called_at, finished_at, window_number, called_by, passed_by, recalls, transferred_from";

            fn ticket_from(r: &DbRow) -> StoreResult<Ticket> {
                let status: String = r.try_get("status").map_err(err("ticket"))?;
                let priority: Option<String> = r.try_get("priority").map_err(err("ticket"))?;
                let ts = |c: &str| -> StoreResult<Option<Timestamp>> {
                    Ok(r.try_get::<Option<jiff_sqlx::Timestamp>, _>(c).map_err(err("ticket"))?.map(|t| t.to_jiff()))
                };
                Ok(Ticket {
                    id: r.try_get("id").map_err(err("ticket"))?,
                    business_date: r.try_get::<jiff_sqlx::Date, _>("business_date").map_err(err("ticket"))?.to_jiff(),
                    category: r.try_get("category").map_err(err("ticket"))?,
                    sequence: r.try_get("sequence").map_err(err("ticket"))?,
                    number: r.try_get("number").map_err(err("ticket"))?,
                    status: TicketStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("ticket status {status}")))?,
                    priority: priority.as_deref().and_then(Priority::parse),
                    line_order: r.try_get("line_order").map_err(err("ticket"))?,
                    taken_at: ts("taken_at")?.ok_or_else(|| StoreError::Corrupt("ticket without taken_at".into()))?,
                    called_at: ts("called_at")?,
                    finished_at: ts("finished_at")?,
                    window: r.try_get("window_number").map_err(err("ticket"))?,
                    called_by: r.try_get("called_by").map_err(err("ticket"))?,
                    passed_by: r.try_get("passed_by").map_err(err("ticket"))?,
                    recalls: r.try_get("recalls").map_err(err("ticket"))?,
                    transferred_from: r.try_get("transferred_from").map_err(err("ticket"))?,
                })
            }

            fn event_from(r: &DbRow) -> StoreResult<CallEvent> {
                Ok(CallEvent {
                    id: r.try_get("id").map_err(err("call event"))?,
                    at: r.try_get::<jiff_sqlx::Timestamp, _>("at").map_err(err("call event"))?.to_jiff(),
                    ticket_id: r.try_get("ticket_id").map_err(err("call event"))?,
                    number: r.try_get("number").map_err(err("call event"))?,
                    window: r.try_get("window_number").map_err(err("call event"))?,
                    kind: r.try_get("kind").map_err(err("call event"))?,
                })
            }

            fn window_from(r: &DbRow) -> StoreResult<Window> {
                let status: String = r.try_get("status").map_err(err("window"))?;
                Ok(Window {
                    number: r.try_get("number").map_err(err("window"))?,
                    name: r.try_get("name").map_err(err("window"))?,
                    categories: from_json(&r.try_get::<String, _>("categories").map_err(err("window"))?)?,
                    status: WindowStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("window status {status}")))?,
                    pause_reason: r.try_get("pause_reason").map_err(err("window"))?,
                    temporary: r.try_get("temporary").map_err(err("window"))?,
                    staff: from_json(&r.try_get::<String, _>("staff").map_err(err("window"))?)?,
                })
            }

            /// `$first, $first+1, …` for an IN list of `n` values.
            fn placeholders(first: usize, n: usize) -> String {
                (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
            }

            async fn insert_event(
                tx: &mut <Db as sqlx::Database>::Connection,
                t: &Ticket,
                window: &str,
                kind: &str,
                at: Timestamp,
            ) -> StoreResult<CallEvent> {
                let row = sqlx::query(
                    "INSERT INTO call_events (at, ticket_id, number, window_number, kind) VALUES ($1, $2, $3, $4, $5) \
                     RETURNING id, at, ticket_id, number, window_number, kind",
                )
                .bind(at.to_sqlx())
                .bind(t.id)
                .bind(&t.number)
                .bind(window)
                .bind(kind)
                .fetch_one(&mut *tx)
                .await
                .map_err(err("call event"))?;
                event_from(&row)
            }

            const APPOINTMENT_COLUMNS: &str =
                "id, code, category, slot_date, slot_time, phone_tail, channel, status, ticket_id";

            fn appointment_from(r: &DbRow) -> StoreResult<Appointment> {
                Ok(Appointment {
                    id: r.try_get("id").map_err(err("appointment"))?,
                    code: r.try_get("code").map_err(err("appointment"))?,
                    category: r.try_get("category").map_err(err("appointment"))?,
                    slot_date: r.try_get::<jiff_sqlx::Date, _>("slot_date").map_err(err("appointment"))?.to_jiff(),
                    slot_time: r.try_get("slot_time").map_err(err("appointment"))?,
                    phone_tail: r.try_get("phone_tail").map_err(err("appointment"))?,
                    channel: r.try_get("channel").map_err(err("appointment"))?,
                    status: r.try_get("status").map_err(err("appointment"))?,
                    ticket_id: r.try_get("ticket_id").map_err(err("appointment"))?,
                })
            }

            #[async_trait::async_trait]
            impl QueueStore for $store {
                async fn book_appointment(&self, n: &NewAppointment) -> StoreResult<Appointment> {
                    let a = &n.appointment;
                    let mut tx = self.begin_write().await?;
                    let row = sqlx::query(
                        "SELECT COUNT(*) AS n FROM appointments WHERE category = $1 AND slot_date = $2 \
                         AND slot_time = $3 AND status IN ('booked', 'checked_in')",
                    )
                    .bind(&a.category)
                    .bind(a.slot_date.to_sqlx())
                    .bind(&a.slot_time)
                    .fetch_one(tx.conn())
                    .await
                    .map_err(err("appointments"))?;
                    if row.try_get::<i64, _>("n").map_err(err("appointments"))? >= n.capacity {
                        return Err(StoreError::Conflict { what: "slot_full".into() });
                    }
                    let row = sqlx::query(
                        "SELECT COUNT(*) AS n FROM appointments WHERE person_key = $1 AND slot_date = $2 \
                         AND status IN ('booked', 'checked_in')",
                    )
                    .bind(&n.person_key)
                    .bind(a.slot_date.to_sqlx())
                    .fetch_one(tx.conn())
                    .await
                    .map_err(err("appointments"))?;
                    if row.try_get::<i64, _>("n").map_err(err("appointments"))? >= n.max_per_person_per_day {
                        return Err(StoreError::Conflict { what: "person_limit".into() });
                    }
                    let sql = format!(
                        "INSERT INTO appointments (id, code, category, slot_date, slot_time, person_key, phone_tail, \
                         channel, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9) \
                         RETURNING {APPOINTMENT_COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(a.id)
                        .bind(&a.code)
                        .bind(&a.category)
                        .bind(a.slot_date.to_sqlx())
                        .bind(&a.slot_time)
                        .bind(&n.person_key)
                        .bind(&a.phone_tail)
                        .bind(&a.channel)
                        .bind(n.created_at.to_sqlx())
                        .fetch_one(tx.conn())
                        .await
                        .map_err(err("code"))?;
                    let booked = appointment_from(&row)?;
                    tx.commit().await.map_err(err("appointment"))?;
                    Ok(booked)
                }

                async fn appointment(&self, code: &str) -> StoreResult<Appointment> {
                    let sql = format!("SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE code = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(code)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("appointment"))?;
                    appointment_from(&row)
                }

                async fn set_appointment_status(
                    &self,
                    code: &str,
                    from: &[&str],
                    to: &str,
                    ticket_id: Option<Uuid>,
                ) -> StoreResult<Appointment> {
                    let list = placeholders(4, from.len().max(1));
                    let sql = format!(
                        "UPDATE appointments SET status = $1, ticket_id = COALESCE($2, ticket_id) WHERE code = $3 \
                         AND status IN ({list}) RETURNING {APPOINTMENT_COLUMNS}"
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(to).bind(ticket_id).bind(code);
                    if from.is_empty() {
                        q = q.bind("");
                    }
                    for f in from {
                        q = q.bind(*f);
                    }
                    match q.fetch_optional(&self.pool).await.map_err(err("appointment"))? {
                        Some(r) => appointment_from(&r),
                        None => {
                            self.appointment(code).await?;
                            Err(StoreError::Conflict { what: "appointment_status".into() })
                        }
                    }
                }

                async fn slot_bookings(&self, category: &str, date: Date) -> StoreResult<Vec<(String, i64)>> {
                    let rows = sqlx::query(
                        "SELECT slot_time, COUNT(*) AS n FROM appointments WHERE category = $1 AND slot_date = $2 \
                         AND status IN ('booked', 'checked_in') GROUP BY slot_time ORDER BY slot_time",
                    )
                    .bind(category)
                    .bind(date.to_sqlx())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("appointments"))?;
                    rows.iter()
                        .map(|r| Ok((r.try_get("slot_time").map_err(err("appointments"))?, r.try_get("n").map_err(err("appointments"))?)))
                        .collect()
                }

                async fn no_show_dates(&self, person_key: &str) -> StoreResult<Vec<Date>> {
                    let rows = sqlx::query(
                        "SELECT slot_date FROM appointments WHERE person_key = $1 AND status = 'no_show' ORDER BY slot_date",
                    )
                    .bind(person_key)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("appointments"))?;
                    rows.iter()
                        .map(|r| Ok(r.try_get::<jiff_sqlx::Date, _>("slot_date").map_err(err("appointments"))?.to_jiff()))
                        .collect()
                }

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
                    let rows = sqlx::query("SELECT prefix, name, items FROM queue_categories ORDER BY prefix")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("categories"))?;
                    rows.iter()
                        .map(|r| {
                            Ok(Category {
                                prefix: r.try_get("prefix").map_err(err("category"))?,
                                name: r.try_get("name").map_err(err("category"))?,
                                items: from_json(&r.try_get::<String, _>("items").map_err(err("category"))?)?,
                            })
                        })
                        .collect()
                }

                async fn create_window(&self, w: &Window) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO service_windows (number, name, categories, status, pause_reason, temporary, staff) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
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
                    let rows = sqlx::query("SELECT * FROM service_windows ORDER BY LENGTH(number), number")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("windows"))?;
                    rows.iter().map(window_from).collect()
                }

                async fn window(&self, number: &str) -> StoreResult<Window> {
                    let row = sqlx::query("SELECT * FROM service_windows WHERE number = $1")
                        .bind(number)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("window"))?;
                    window_from(&row)
                }

                async fn set_window_status(&self, number: &str, status: WindowStatus, reason: &str) -> StoreResult<()> {
                    let done = sqlx::query("UPDATE service_windows SET status = $1, pause_reason = $2 WHERE number = $3")
                        .bind(status.code())
                        .bind(reason)
                        .bind(number)
                        .execute(&self.pool)
                        .await
                        .map_err(err("window"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("window".into()));
                    }
                    Ok(())
                }

                async fn take_ticket(&self, t: &NewTicket) -> StoreResult<TakenTicket> {
                    let mut tx = self.begin_write().await?;
                    let date = t.business_date.to_sqlx();
                    for key in &t.person_keys {
                        let row = sqlx::query(
                            "SELECT COUNT(*) AS n FROM tickets WHERE business_date = $1 AND category = $2 \
                             AND (id_key = $3 OR phone_key = $3) AND status IN ('waiting', 'called', 'serving')",
                        )
                        .bind(date)
                        .bind(&t.category)
                        .bind(key)
                        .fetch_one(tx.conn())
                        .await
                        .map_err(err("tickets"))?;
                        let n: i64 = row.try_get("n").map_err(err("tickets"))?;
                        if n >= t.max_live_per_person {
                            return Err(StoreError::Conflict { what: "person_limit".into() });
                        }
                    }
                    let row = sqlx::query(
                        "INSERT INTO ticket_counters (business_date, category, last) VALUES ($1, $2, 1) \
                         ON CONFLICT (business_date, category) DO UPDATE SET last = ticket_counters.last + 1 RETURNING last",
                    )
                    .bind(date)
                    .bind(&t.category)
                    .fetch_one(tx.conn())
                    .await
                    .map_err(err("ticket counter"))?;
                    let sequence: i64 = row.try_get("last").map_err(err("ticket counter"))?;
                    let number = ticket_number(&t.category, sequence as u32);
                    let id_key = t.person_keys.first().cloned();
                    let phone_key = t.person_keys.get(1).cloned();
                    let sql = format!(
                        "INSERT INTO tickets (id, business_date, category, sequence, number, status, priority, id_key, phone_key, \
                         taken_at, passed_by, transferred_from, appointment_at) \
                         VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $7, $8, $9, $10, $11, $12) \
                         RETURNING {TICKET_COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(t.id)
                        .bind(date)
                        .bind(&t.category)
                        .bind(sequence)
                        .bind(&number)
                        .bind(t.priority.map(|p| p.code()))
                        .bind(id_key)
                        .bind(phone_key)
                        .bind(t.taken_at.to_sqlx())
                        .bind(t.passed_by)
                        .bind(t.transferred_from)
                        .bind(t.appointment_at.map(|a| a.to_sqlx()))
                        .fetch_one(tx.conn())
                        .await
                        .map_err(err("ticket"))?;
                    let ticket = ticket_from(&row)?;
                    let row = sqlx::query(
                        "SELECT COUNT(*) AS n FROM tickets WHERE business_date = $1 AND category = $2 \
                         AND status = 'waiting' AND line_order < $3",
                    )
                    .bind(date)
                    .bind(&t.category)
                    .bind(ticket.line_order)
                    .fetch_one(tx.conn())
                    .await
                    .map_err(err("tickets"))?;
                    let waiting_before: i64 = row.try_get("n").map_err(err("tickets"))?;
                    tx.commit().await.map_err(err("ticket"))?;
                    Ok(TakenTicket { ticket, waiting_before })
                }

                async fn ticket(&self, id: Uuid) -> StoreResult<Ticket> {
                    let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(id)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("ticket"))?;
                    ticket_from(&row)
                }

                async fn waiting_before(&self, t: &Ticket) -> StoreResult<i64> {
                    if t.status != TicketStatus::Waiting {
                        return Ok(0);
                    }
                    let row = sqlx::query(
                        "SELECT COUNT(*) AS n FROM tickets WHERE business_date = $1 AND category = $2 \
                         AND status = 'waiting' AND line_order < $3",
                    )
                    .bind(t.business_date.to_sqlx())
                    .bind(&t.category)
                    .bind(t.line_order)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(err("tickets"))?;
                    row.try_get("n").map_err(err("tickets"))
                }

                async fn call_next(&self, c: &CallRequest) -> StoreResult<Option<(Ticket, CallEvent)>> {
                    if c.categories.is_empty() {
                        return Ok(None);
                    }
                    let mut tx = self.begin_write().await?;
                    let at = c.at.to_sqlx();
                    // Calling the next person ends the window's current service.
                    sqlx::query(
                        "UPDATE tickets SET status = 'finished', finished_at = $1 \
                         WHERE window_number = $2 AND status IN ('called', 'serving')",
                    )
                    .bind(at)
                    .bind(&c.window)
                    .execute(tx.conn())
                    .await
                    .map_err(err("tickets"))?;
                    // Per category, the oldest waiting ticket and the oldest green-channel
                    // ticket are all the call rule needs: within a category every pass of a
                    // ticket also passes all older ones, so the oldest carries the most passes
                    // and is the first to reach the bound. Each is a LIMIT 1 read straight off
                    // an index, whatever the length of the queue.
                    let mut parts = Vec::new();
                    for (k, _) in c.categories.iter().enumerate() {
                        let cat = k + 3;
                        // Green channel, and people transferred from another window, go first.
                        let first = "AND (priority IS NOT NULL OR transferred_from IS NOT NULL) AND $2 IS NOT NULL";
                        let due = "AND appointment_at IS NOT NULL AND appointment_at <= $2";
                        for extra in [first, due, "AND $2 IS NOT NULL"] {
                            parts.push(format!(
                                "SELECT * FROM (SELECT line_order, priority, transferred_from, appointment_at, passed_by FROM tickets \
                                 WHERE business_date = $1 AND status = 'waiting' AND category = ${cat} {extra} \
                                 ORDER BY line_order LIMIT 1) AS c{}",
                                parts.len()
                            ));
                        }
                    }
                    let sql = parts.join(" UNION ALL ");
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(c.business_date.to_sqlx()).bind(at);
                    for cat in &c.categories {
                        q = q.bind(cat);
                    }
                    let rows = q.fetch_all(tx.conn()).await.map_err(err("tickets"))?;
                    let mut waiting: Vec<Waiting> = Vec::with_capacity(rows.len());
                    for r in &rows {
                        let order: i64 = r.try_get("line_order").map_err(err("tickets"))?;
                        if waiting.iter().any(|w| w.order == order) {
                            continue;
                        }
                        let priority: Option<String> = r.try_get("priority").map_err(err("tickets"))?;
                        let transferred: Option<Uuid> = r.try_get("transferred_from").map_err(err("tickets"))?;
                        let appointment: Option<jiff_sqlx::Timestamp> =
                            r.try_get("appointment_at").map_err(err("tickets"))?;
                        let passed: i64 = r.try_get("passed_by").map_err(err("tickets"))?;
                        waiting.push(Waiting {
                            order,
                            green_channel: priority.is_some() || transferred.is_some(),
                            appointment_due: appointment.is_some_and(|a| a.to_jiff() <= c.at),
                            passed_by: passed.max(0) as u32,
                        });
                    }
                    let Some(pick) = next_to_call(&waiting, c.fairness_bound) else {
                        tx.commit().await.map_err(err("tickets"))?;
                        return Ok(None);
                    };
                    let chosen = waiting[pick].order;
                    let sql = format!(
                        "UPDATE tickets SET status = 'called', called_at = $1, window_number = $2, called_by = $3 \
                         WHERE line_order = $4 AND status = 'waiting' RETURNING {TICKET_COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(at)
                        .bind(&c.window)
                        .bind(&c.by)
                        .bind(chosen)
                        .fetch_one(tx.conn())
                        .await
                        .map_err(err("ticket"))?;
                    let ticket = ticket_from(&row)?;
                    // Everyone still waiting who was taken earlier has been passed once more.
                    // One statement per category keeps each an index range, not a scan of the day.
                    for cat in &c.categories {
                        sqlx::query(
                            "UPDATE tickets SET passed_by = passed_by + 1 WHERE business_date = $1 \
                             AND status = 'waiting' AND category = $2 AND line_order < $3",
                        )
                        .bind(c.business_date.to_sqlx())
                        .bind(cat)
                        .bind(chosen)
                        .execute(tx.conn())
                        .await
                        .map_err(err("tickets"))?;
                    }
                    let event = insert_event(tx.conn(), &ticket, &c.window, "call", c.at).await?;
                    tx.commit().await.map_err(err("tickets"))?;
                    Ok(Some((ticket, event)))
                }

                async fn transition_ticket(
                    &self,
                    id: Uuid,
                    from: &[TicketStatus],
                    to: TicketStatus,
                    at: Timestamp,
                ) -> StoreResult<Ticket> {
                    let list = placeholders(3, from.len().max(1));
                    let finished = matches!(to, TicketStatus::Finished | TicketStatus::Skipped | TicketStatus::Transferred);
                    let requeue = to == TicketStatus::Waiting;
                    let sql = format!(
                        "UPDATE tickets SET status = $1, finished_at = CASE WHEN {finished} THEN $2 ELSE finished_at END, \
                         window_number = CASE WHEN {requeue} THEN NULL ELSE window_number END \
                         WHERE id = $3_id AND status IN ({list}) RETURNING {TICKET_COLUMNS}",
                        finished = if finished { "1 = 1" } else { "1 = 0" },
                        requeue = if requeue { "1 = 1" } else { "1 = 0" },
                    )
                    .replace("$3_id", &format!("${}", 3 + from.len().max(1)));
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(to.code()).bind(at.to_sqlx());
                    if from.is_empty() {
                        q = q.bind("");
                    }
                    for s in from {
                        q = q.bind(s.code());
                    }
                    let row = q.bind(id).fetch_optional(&self.pool).await.map_err(err("ticket"))?;
                    match row {
                        Some(r) => ticket_from(&r),
                        None => {
                            // Either no such ticket or it is in another state.
                            self.ticket(id).await?;
                            Err(StoreError::Conflict { what: "ticket_status".into() })
                        }
                    }
                }

                async fn recall_ticket(&self, id: Uuid, at: Timestamp) -> StoreResult<(Ticket, CallEvent)> {
                    let mut tx = self.begin_write().await?;
                    let sql = format!(
                        "UPDATE tickets SET recalls = recalls + 1 WHERE id = $1 AND status IN ('called', 'serving') \
                         RETURNING {TICKET_COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(id)
                        .fetch_optional(tx.conn())
                        .await
                        .map_err(err("ticket"))?;
                    let Some(row) = row else {
                        drop(tx);
                        self.ticket(id).await?;
                        return Err(StoreError::Conflict { what: "ticket_status".into() });
                    };
                    let ticket = ticket_from(&row)?;
                    let window = ticket.window.clone().unwrap_or_default();
                    let event = insert_event(tx.conn(), &ticket, &window, "recall", at).await?;
                    tx.commit().await.map_err(err("ticket"))?;
                    Ok((ticket, event))
                }

                async fn call_events_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<CallEvent>> {
                    let rows = sqlx::query(
                        "SELECT id, at, ticket_id, number, window_number, kind FROM call_events WHERE id > $1 ORDER BY id LIMIT $2",
                    )
                    .bind(after_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("call events"))?;
                    rows.iter().map(event_from).collect()
                }

                async fn newest_call_event_id(&self) -> StoreResult<Option<i64>> {
                    let row = sqlx::query("SELECT MAX(id) AS id FROM call_events")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("call events"))?;
                    row.try_get::<Option<i64>, _>("id").map_err(err("call events"))
                }

                async fn tickets_of_day(&self, business_date: Date) -> StoreResult<Vec<Ticket>> {
                    let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE business_date = $1 ORDER BY line_order");
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(business_date.to_sqlx())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("tickets"))?;
                    rows.iter().map(ticket_from).collect()
                }
            }
        }
    };
}
