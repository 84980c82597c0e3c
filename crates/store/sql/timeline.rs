//! The shared SQL of 办件全程时间线: reads of the queue's calls, the SMS
//! outbox and the evaluations by ticket or case, on the indexes of
//! migration 0023 (`call_events_ticket`, `sms_outbox_ticket`,
//! `evaluations_case`) and the outbox's unique dedupe key.

use super::evaluation::{EVALUATION_COLUMNS, EvaluationRow, OutboxRow};
use super::queue::{EVENT_COLUMNS, EventRow};
use crate::dialect::Backend;
use store::StoreResult;
use store::evaluation::{Evaluation, OutboxMessage};
use store::queue::CallEvent;
use store::sql::{placeholders, refusal as err};
use store::timeline::TimelineStore;
use uuid::Uuid;

#[async_trait::async_trait]
impl TimelineStore for Backend {
    async fn ticket_calls(&self, ticket_id: Uuid) -> StoreResult<Vec<CallEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM call_events WHERE ticket_id = $1 ORDER BY id");
        let rows = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
            .bind(ticket_id)
            .fetch_all(&self.pool)
            .await
            .map_err(err("call events"))?;
        rows.into_iter().map(CallEvent::try_from).collect()
    }

    async fn sms_about(
        &self,
        dedupe_keys: &[String],
        ticket_id: Option<Uuid>,
    ) -> StoreResult<Vec<OutboxMessage>> {
        if dedupe_keys.is_empty() && ticket_id.is_none() {
            return Ok(Vec::new());
        }
        let mut terms = Vec::new();
        if !dedupe_keys.is_empty() {
            terms.push(format!("dedupe_key IN ({})", placeholders(1, dedupe_keys.len())));
        }
        if ticket_id.is_some() {
            terms.push(format!("ticket_id = ${}", dedupe_keys.len() + 1));
        }
        let sql = format!(
            "SELECT id, kind, dedupe_key, ticket_id, phone_sealed, body, queued_at, status FROM sms_outbox \
             WHERE {} ORDER BY queued_at, id",
            terms.join(" OR ")
        );
        let mut q = sqlx::query_as::<_, OutboxRow>(sqlx::AssertSqlSafe(sql));
        for k in dedupe_keys {
            q = q.bind(k);
        }
        if let Some(t) = ticket_id {
            q = q.bind(t);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(err("sms outbox"))?;
        rows.into_iter().map(OutboxMessage::try_from).collect()
    }

    async fn evaluations_about(
        &self,
        case_ids: &[Uuid],
        ticket_id: Option<Uuid>,
    ) -> StoreResult<Vec<Evaluation>> {
        if case_ids.is_empty() && ticket_id.is_none() {
            return Ok(Vec::new());
        }
        let mut terms = Vec::new();
        if !case_ids.is_empty() {
            terms.push(format!("case_id IN ({})", placeholders(1, case_ids.len())));
        }
        if ticket_id.is_some() {
            terms.push(format!("ticket_id = ${}", case_ids.len() + 1));
        }
        let sql = format!(
            "SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE {} ORDER BY rated_at, id",
            terms.join(" OR ")
        );
        let mut q = sqlx::query_as::<_, EvaluationRow>(sqlx::AssertSqlSafe(sql));
        for c in case_ids {
            q = q.bind(*c);
        }
        if let Some(t) = ticket_id {
            q = q.bind(t);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(err("evaluations"))?;
        rows.into_iter().map(Evaluation::try_from).collect()
    }
}
