//! The shared SQL of 窗口排班测算 (the staffing planner): a day's tickets by the
//! `tickets_waiting` index's leading `business_date`, each with the category
//! of the ticket it was transferred from, and the appointments of a date by
//! `slot_date`.

use crate::dialect::Backend;
use domain::queue::Priority;
use jiff::civil::Time;
use jiff_sqlx::ToSqlx;
use store::sql::{decode, refusal as err};
use store::staffing::*;
use store::{StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct TicketRow {
    category: String,
    taken_at: jiff_sqlx::Timestamp,
    called_at: Option<jiff_sqlx::Timestamp>,
    finished_at: Option<jiff_sqlx::Timestamp>,
    status: String,
    priority: Option<String>,
    appointment: i64,
    from_category: Option<String>,
    window_number: Option<String>,
}

impl TryFrom<TicketRow> for StaffingTicket {
    type Error = StoreError;
    fn try_from(r: TicketRow) -> StoreResult<StaffingTicket> {
        Ok(StaffingTicket {
            category: r.category,
            taken_at: r.taken_at.to_jiff(),
            called_at: r.called_at.map(jiff_sqlx::Timestamp::to_jiff),
            finished_at: r.finished_at.map(jiff_sqlx::Timestamp::to_jiff),
            status: decode(&r.status)?,
            // A priority this build does not know still counts as one.
            priority: r
                .priority
                .as_deref()
                .map(|p| Priority::parse(p).unwrap_or(Priority::Elderly)),
            appointment: r.appointment != 0,
            transferred_from: r.from_category,
            window: r.window_number,
        })
    }
}

#[derive(sqlx::FromRow)]
struct BookingRow {
    category: String,
    slot_time: String,
}

#[async_trait::async_trait]
impl StaffingStore for Backend {
    async fn staffing_tickets(&self, date: jiff::civil::Date) -> StoreResult<Vec<StaffingTicket>> {
        let rows = sqlx::query_as::<_, TicketRow>(
            "SELECT t.category, t.taken_at, t.called_at, t.finished_at, t.status, t.priority, \
             CAST(CASE WHEN t.appointment_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS appointment, \
             f.category AS from_category, t.window_number \
             FROM tickets t LEFT JOIN tickets f ON f.id = t.transferred_from \
             WHERE t.business_date = $1 ORDER BY t.line_order",
        )
        .bind(date.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("tickets"))?;
        rows.into_iter().map(StaffingTicket::try_from).collect()
    }

    async fn staffing_bookings(&self, date: jiff::civil::Date) -> StoreResult<Vec<StaffingBooking>> {
        let rows = sqlx::query_as::<_, BookingRow>(
            "SELECT category, slot_time FROM appointments \
             WHERE slot_date = $1 AND status IN ('booked', 'checked_in')",
        )
        .bind(date.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("appointments"))?;
        rows.into_iter()
            .map(|r| {
                let slot_time = Time::strptime("%H:%M", r.slot_time.trim())
                    .map_err(|_| StoreError::Corrupt(format!("appointment slot time {}", r.slot_time)))?;
                Ok(StaffingBooking {
                    category: r.category,
                    slot_time,
                })
            })
            .collect()
    }
}
