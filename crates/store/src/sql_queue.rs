//! The queue's shared SQL (see [`crate::sql`]). Writes that must not race
//! run in `self.begin_write()`, which each backend defines: SQLite takes the
//! write lock up front (`BEGIN IMMEDIATE`), PostgreSQL a transaction-scoped
//! advisory lock, so a call is decided by one writer at a time.

/// Implements [`QueueStore`](crate::queue::QueueStore) for `$store`.
#[macro_export]
macro_rules! impl_sql_queue_store {
    ($store:ty, $db:ty) => {
        $crate::impl_sql_queue_store!($store, $db, green = "", due = "");
    };
    // `green` and `due` name the partial indexes a call reads, for a planner
    // (SQLite's, without statistics) that would otherwise prefer the wider
    // index with more equality terms and walk the whole line.
    ($store:ty, $db:ty, green = $green:literal, due = $due:literal) => {
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

            use $crate::sql::refusal as err;

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

            /// A waiting ticket a call may pick, read once for a whole batch.
            struct Candidate {
                category: String,
                green_channel: bool,
                appointment_at: Option<Timestamp>,
                passed_by: u32,
                called: bool,
            }

            /// Decides a batch of calls on a connection that holds the write lock:
            /// runs of calls from distinct windows on the same day, one after the other.
            async fn call_batch(
                tx: &mut <Db as sqlx::Database>::Connection,
                calls: &[CallRequest],
            ) -> StoreResult<Vec<Option<(Ticket, CallEvent)>>> {
                let mut answers = Vec::with_capacity(calls.len());
                let mut start = 0;
                while start < calls.len() {
                    // A window calling twice in one batch finishes its first pick: the
                    // second call starts a new run, which sees the first one's writes.
                    let mut windows = std::collections::HashSet::new();
                    let mut end = start;
                    while end < calls.len()
                        && calls[end].business_date == calls[start].business_date
                        && windows.insert(calls[end].window.as_str())
                    {
                        end += 1;
                    }
                    answers.extend(call_run(tx, &calls[start..end]).await?);
                    start = end;
                }
                Ok(answers)
            }

            /// Calls for windows that are all different, on one business day. The
            /// candidates are read once: per category the `run.len()` oldest waiting,
            /// green-channel and due-appointment tickets, which is enough for every call
            /// in the run to see the true head of each line after the earlier picks.
            async fn call_run(
                tx: &mut <Db as sqlx::Database>::Connection,
                run: &[CallRequest],
            ) -> StoreResult<Vec<Option<(Ticket, CallEvent)>>> {
                use std::collections::BTreeMap;
                let first_at = run.iter().map(|c| c.at).min().unwrap_or_else(Timestamp::now);
                let last_at = run.iter().map(|c| c.at).max().unwrap_or_else(Timestamp::now);
                let day = run.first().map(|c| c.business_date.to_sqlx());
                // Calling the next person ends the window's current service.
                let sql = format!(
                    "UPDATE tickets SET status = 'finished', finished_at = $1 \
                     WHERE window_number IN ({}) AND status IN ('called', 'serving')",
                    placeholders(2, run.len())
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(first_at.to_sqlx());
                for c in run {
                    q = q.bind(&c.window);
                }
                q.execute(&mut *tx).await.map_err(err("tickets"))?;

                let mut categories: Vec<&str> = run.iter().flat_map(|c| c.categories.iter().map(String::as_str)).collect();
                categories.sort_unstable();
                categories.dedup();
                let mut candidates: BTreeMap<i64, Candidate> = BTreeMap::new();
                if !categories.is_empty() {
                    let mut parts = Vec::new();
                    for (k, _) in categories.iter().enumerate() {
                        let cat = k + 4;
                        // Green channel, and people transferred from another window, go first.
                        let green = "AND (priority IS NOT NULL OR transferred_from IS NOT NULL) AND $2 IS NOT NULL";
                        let due = "AND appointment_at IS NOT NULL AND appointment_at <= $2";
                        for (extra, hint) in [(green, $green), (due, $due), ("AND $2 IS NOT NULL", "")] {
                            parts.push(format!(
                                "SELECT * FROM (SELECT line_order, category, priority, transferred_from, appointment_at, passed_by \
                                 FROM tickets {hint} WHERE business_date = $1 AND status = 'waiting' AND category = ${cat} {extra} \
                                 ORDER BY line_order LIMIT $3) AS c{}",
                                parts.len()
                            ));
                        }
                    }
                    let sql = parts.join(" UNION ALL ");
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(day)
                        .bind(last_at.to_sqlx())
                        .bind(run.len() as i64);
                    for cat in &categories {
                        q = q.bind(*cat);
                    }
                    for r in q.fetch_all(&mut *tx).await.map_err(err("tickets"))? {
                        let order: i64 = r.try_get("line_order").map_err(err("tickets"))?;
                        let priority: Option<String> = r.try_get("priority").map_err(err("tickets"))?;
                        let transferred: Option<Uuid> = r.try_get("transferred_from").map_err(err("tickets"))?;
                        let appointment: Option<jiff_sqlx::Timestamp> =
                            r.try_get("appointment_at").map_err(err("tickets"))?;
                        let passed: i64 = r.try_get("passed_by").map_err(err("tickets"))?;
                        candidates.insert(
                            order,
                            Candidate {
                                category: r.try_get("category").map_err(err("tickets"))?,
                                green_channel: priority.is_some() || transferred.is_some(),
                                appointment_at: appointment.map(|a| a.to_jiff()),
                                passed_by: passed.max(0) as u32,
                                called: false,
                            },
                        );
                    }
                }

                // Decide each call in turn, as if they had come one after the other.
                let mut picks: Vec<Option<i64>> = Vec::with_capacity(run.len());
                let mut passes: Vec<(&CallRequest, i64, Vec<i64>)> = Vec::new();
                for c in run {
                    let mut waiting: Vec<Waiting> = Vec::new();
                    for cat in &c.categories {
                        let open = || candidates.iter().filter(|(_, w)| !w.called && &w.category == cat);
                        let heads = [
                            open().find(|(_, w)| w.green_channel),
                            open().find(|(_, w)| w.appointment_at.is_some_and(|a| a <= c.at)),
                            open().next(),
                        ];
                        for (order, w) in heads.into_iter().flatten() {
                            if waiting.iter().all(|x| x.order != *order) {
                                waiting.push(Waiting {
                                    order: *order,
                                    green_channel: w.green_channel,
                                    appointment_due: w.appointment_at.is_some_and(|a| a <= c.at),
                                    passed_by: w.passed_by,
                                });
                            }
                        }
                    }
                    let Some(pick) = next_to_call(&waiting, c.fairness_bound) else {
                        picks.push(None);
                        continue;
                    };
                    let chosen = waiting[pick].order;
                    if let Some(w) = candidates.get_mut(&chosen) {
                        w.called = true;
                    }
                    // Everyone still waiting who was taken earlier has been passed once
                    // more; when the oldest is called (the usual case) nobody was.
                    if waiting.iter().any(|w| w.order < chosen) {
                        for (_, w) in candidates.range_mut(..chosen) {
                            if !w.called && c.categories.contains(&w.category) {
                                w.passed_by += 1;
                            }
                        }
                        let earlier: Vec<i64> = picks.iter().flatten().copied().collect();
                        passes.push((c, chosen, earlier));
                    }
                    picks.push(Some(chosen));
                }

                // Passes are written before the picks, each skipping the tickets called
                // earlier in the run, so the stored counts are those of calls made singly.
                // One statement per category keeps each an index range, not a scan of the day.
                for (c, chosen, earlier) in &passes {
                    for cat in &c.categories {
                        let sql = format!(
                            "UPDATE tickets SET passed_by = passed_by + 1 WHERE business_date = $1 \
                             AND status = 'waiting' AND category = $2 AND line_order < $3 AND line_order NOT IN ({})",
                            placeholders(4, earlier.len().max(1))
                        );
                        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(day).bind(cat).bind(*chosen);
                        if earlier.is_empty() {
                            q = q.bind(0i64);
                        }
                        for e in earlier {
                            q = q.bind(*e);
                        }
                        q.execute(&mut *tx).await.map_err(err("tickets"))?;
                    }
                }

                let mut called = Vec::with_capacity(run.len());
                for (c, pick) in run.iter().zip(&picks) {
                    let Some(chosen) = pick else {
                        called.push(None);
                        continue;
                    };
                    let sql = format!(
                        "UPDATE tickets SET status = 'called', called_at = $1, window_number = $2, called_by = $3 \
                         WHERE line_order = $4 AND status = 'waiting' RETURNING {TICKET_COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(c.at.to_sqlx())
                        .bind(&c.window)
                        .bind(&c.by)
                        .bind(*chosen)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(err("ticket"))?;
                    called.push(Some(ticket_from(&row)?));
                }
                // The display's events, in the order of the calls.
                let made: Vec<(&CallRequest, &Ticket)> =
                    run.iter().zip(&called).filter_map(|(c, t)| t.as_ref().map(|t| (c, t))).collect();
                let mut events: std::collections::HashMap<Uuid, CallEvent> = std::collections::HashMap::new();
                if !made.is_empty() {
                    let values = (0..made.len())
                        .map(|k| {
                            let p = |n: usize| format!("${}", k * 4 + n);
                            format!("({}, {}, {}, {}, 'call')", p(1), p(2), p(3), p(4))
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "INSERT INTO call_events (at, ticket_id, number, window_number, kind) VALUES {values} \
                         RETURNING id, at, ticket_id, number, window_number, kind"
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (c, t) in &made {
                        q = q.bind(c.at.to_sqlx()).bind(t.id).bind(&t.number).bind(&c.window);
                    }
                    for r in q.fetch_all(&mut *tx).await.map_err(err("call event"))? {
                        let e = event_from(&r)?;
                        events.insert(e.ticket_id, e);
                    }
                }
                called
                    .into_iter()
                    .map(|t| match t {
                        None => Ok(None),
                        Some(t) => {
                            let e = events
                                .remove(&t.id)
                                .ok_or_else(|| StoreError::Corrupt("a call event was not returned".into()))?;
                            Ok(Some((t, e)))
                        }
                    })
                    .collect()
            }

            /// Issues a batch of tickets on one connection: the person limits
            /// first (counting earlier tickets of the same batch), then one counter
            /// step and one count of the line per category, and one multi-row insert.
            async fn take_batch(
                tx: &mut <Db as sqlx::Database>::Connection,
                batch: &[NewTicket],
            ) -> StoreResult<Vec<StoreResult<TakenTicket>>> {
                use std::collections::HashMap;
                let mut answers: Vec<Option<StoreResult<TakenTicket>>> = batch.iter().map(|_| None).collect();
                let mut live: HashMap<(Date, &str, &str), i64> = HashMap::new();
                let mut admitted = Vec::with_capacity(batch.len());
                for (i, t) in batch.iter().enumerate() {
                    let mut refused = false;
                    for key in &t.person_keys {
                        let slot = (t.business_date, t.category.as_str(), key.as_str());
                        if !live.contains_key(&slot) {
                            let row = sqlx::query(
                                "SELECT COUNT(*) AS n FROM tickets WHERE business_date = $1 AND category = $2 \
                                 AND (id_key = $3 OR phone_key = $3) AND status IN ('waiting', 'called', 'serving')",
                            )
                            .bind(t.business_date.to_sqlx())
                            .bind(&t.category)
                            .bind(key)
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(err("tickets"))?;
                            live.insert(slot, row.try_get("n").map_err(err("tickets"))?);
                        }
                        refused |= live.get(&slot).copied().unwrap_or(0) >= t.max_live_per_person;
                    }
                    if refused {
                        answers[i] = Some(Err(StoreError::Conflict { what: "person_limit".into() }));
                        continue;
                    }
                    for key in &t.person_keys {
                        *live.entry((t.business_date, t.category.as_str(), key.as_str())).or_default() += 1;
                    }
                    admitted.push(i);
                }
                if admitted.is_empty() {
                    return Ok(answers.into_iter().map(|a| a.unwrap_or_else(|| Err(StoreError::Corrupt("unanswered".into())))).collect());
                }
                // Per day (nearly always one) and category: the numbers to hand out and the
                // people already waiting, each one statement for all the batch's categories.
                let mut days: Vec<(Date, Vec<(&str, Vec<usize>)>)> = Vec::new();
                for &i in &admitted {
                    let (date, category) = (batch[i].business_date, batch[i].category.as_str());
                    let day = match days.iter().position(|(d, _)| *d == date) {
                        Some(p) => &mut days[p].1,
                        None => {
                            days.push((date, Vec::new()));
                            &mut days.last_mut().ok_or_else(|| StoreError::Corrupt("no day".into()))?.1
                        }
                    };
                    match day.iter_mut().find(|(c, _)| *c == category) {
                        Some((_, members)) => members.push(i),
                        None => day.push((category, vec![i])),
                    }
                }
                let mut sequence = vec![0i64; batch.len()];
                let mut waiting_before = vec![0i64; batch.len()];
                for (date, lines) in &days {
                    let values = (0..lines.len())
                        .map(|k| format!("($1, ${}, ${})", 2 * k + 2, 2 * k + 3))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "INSERT INTO ticket_counters (business_date, category, last) VALUES {values} \
                         ON CONFLICT (business_date, category) DO UPDATE SET last = ticket_counters.last + excluded.last \
                         RETURNING category, last"
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date.to_sqlx());
                    for (category, members) in lines {
                        q = q.bind(*category).bind(members.len() as i64);
                    }
                    let mut last: HashMap<String, i64> = HashMap::new();
                    for r in q.fetch_all(&mut *tx).await.map_err(err("ticket counter"))? {
                        last.insert(
                            r.try_get("category").map_err(err("ticket counter"))?,
                            r.try_get("last").map_err(err("ticket counter"))?,
                        );
                    }
                    let sql = format!(
                        "SELECT category, COUNT(*) AS n FROM tickets WHERE business_date = $1 AND status = 'waiting' \
                         AND category IN ({}) GROUP BY category",
                        placeholders(2, lines.len())
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date.to_sqlx());
                    for (category, _) in lines {
                        q = q.bind(*category);
                    }
                    let mut already: HashMap<String, i64> = HashMap::new();
                    for r in q.fetch_all(&mut *tx).await.map_err(err("tickets"))? {
                        already.insert(r.try_get("category").map_err(err("tickets"))?, r.try_get("n").map_err(err("tickets"))?);
                    }
                    for (category, members) in lines {
                        let n = members.len() as i64;
                        let last = last
                            .get(*category)
                            .copied()
                            .ok_or_else(|| StoreError::Corrupt("a counter was not returned".into()))?;
                        let already = already.get(*category).copied().unwrap_or(0);
                        for (k, &i) in members.iter().enumerate() {
                            sequence[i] = last - n + 1 + k as i64;
                            waiting_before[i] = already + k as i64;
                        }
                    }
                }
                const COLUMNS: usize = 13;
                let values = (0..admitted.len())
                    .map(|r| {
                        let p = |c: usize| format!("${}", r * COLUMNS + c);
                        format!(
                            "({}, {}, {}, {}, {}, 'waiting', {}, {}, {}, {}, {}, {}, {}, {})",
                            p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11), p(12), p(13)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "INSERT INTO tickets (id, business_date, category, sequence, number, status, priority, id_key, phone_key, \
                     taken_at, passed_by, transferred_from, appointment_at, phone_sealed) VALUES {values} RETURNING {TICKET_COLUMNS}"
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for &i in &admitted {
                    let t = &batch[i];
                    q = q
                        .bind(t.id)
                        .bind(t.business_date.to_sqlx())
                        .bind(&t.category)
                        .bind(sequence[i])
                        .bind(ticket_number(&t.category, sequence[i] as u32))
                        .bind(t.priority.map(|p| p.code()))
                        .bind(t.person_keys.first().cloned())
                        .bind(t.person_keys.get(1).cloned())
                        .bind(t.taken_at.to_sqlx())
                        .bind(t.passed_by)
                        .bind(t.transferred_from)
                        .bind(t.appointment_at.map(|a| a.to_sqlx()))
                        .bind(t.phone_sealed.clone());
                }
                let rows = q.fetch_all(&mut *tx).await.map_err(err("ticket"))?;
                // RETURNING gives no promise of order: match the rows by id.
                let mut issued: HashMap<Uuid, Ticket> = HashMap::with_capacity(rows.len());
                for r in &rows {
                    let t = ticket_from(r)?;
                    issued.insert(t.id, t);
                }
                for &i in &admitted {
                    let ticket = issued
                        .remove(&batch[i].id)
                        .ok_or_else(|| StoreError::Corrupt("an inserted ticket was not returned".into()))?;
                    answers[i] = Some(Ok(TakenTicket { ticket, waiting_before: waiting_before[i] }));
                }
                Ok(answers.into_iter().map(|a| a.unwrap_or_else(|| Err(StoreError::Corrupt("unanswered".into())))).collect())
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

                async fn update_category(&self, c: &Category) -> StoreResult<()> {
                    let done = sqlx::query("UPDATE queue_categories SET name = $1, items = $2 WHERE prefix = $3")
                        .bind(&c.name)
                        .bind(to_json(&c.items)?)
                        .bind(&c.prefix)
                        .execute(&self.pool)
                        .await
                        .map_err(err("category"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("category".into()));
                    }
                    Ok(())
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
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("window".into()));
                    }
                    Ok(())
                }

                async fn take_tickets(&self, batch: &[NewTicket]) -> Vec<StoreResult<TakenTicket>> {
                    if batch.is_empty() {
                        return Vec::new();
                    }
                    let outcome = async {
                        let mut tx = self.begin_write().await?;
                        let answers = take_batch(tx.conn(), batch).await?;
                        tx.commit().await.map_err(err("ticket"))?;
                        Ok::<_, StoreError>(answers)
                    }
                    .await;
                    outcome.unwrap_or_else(|e| batch_failed(batch.len(), &e))
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

                async fn call_next_batch(&self, calls: &[CallRequest]) -> Vec<StoreResult<Option<(Ticket, CallEvent)>>> {
                    if calls.is_empty() {
                        return Vec::new();
                    }
                    let outcome = async {
                        let mut tx = self.begin_write().await?;
                        let answers = call_batch(tx.conn(), calls).await?.into_iter().map(Ok).collect();
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

                async fn finished_with_phone(&self, since: Timestamp, limit: i64) -> StoreResult<Vec<(Ticket, String)>> {
                    let sql = format!(
                        "SELECT {TICKET_COLUMNS}, phone_sealed FROM tickets WHERE status = 'finished' AND finished_at >= $1 \
                         AND phone_sealed IS NOT NULL ORDER BY finished_at LIMIT $2"
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(since.to_sqlx())
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("tickets"))?;
                    rows.iter()
                        .map(|r| Ok((ticket_from(r)?, r.try_get("phone_sealed").map_err(err("tickets"))?)))
                        .collect()
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
