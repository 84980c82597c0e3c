//! 办件全程时间线: what the timeline reads from the other capabilities'
//! tables that they do not already offer by case — a ticket's calls, the SMS
//! about a case, a case's evaluations. Read only: nothing is copied.

use crate::StoreResult;
use crate::evaluation::{Evaluation, OutboxMessage};
use crate::queue::CallEvent;
use async_trait::async_trait;
use uuid::Uuid;

#[async_trait]
pub trait TimelineStore: Send + Sync {
    /// The calls and recalls of one ticket, in order.
    async fn ticket_calls(&self, ticket_id: Uuid) -> StoreResult<Vec<CallEvent>>;
    /// The SMS outbox's messages with one of `dedupe_keys` (a case's 办件进度
    /// notices) or about `ticket_id` (its ticket's 到号提醒, 评价邀请), in order.
    async fn sms_about(
        &self,
        dedupe_keys: &[String],
        ticket_id: Option<Uuid>,
    ) -> StoreResult<Vec<OutboxMessage>>;
    /// The evaluations of the cases `case_ids` and of the ticket `ticket_id`, in order.
    async fn evaluations_about(
        &self,
        case_ids: &[Uuid],
        ticket_id: Option<Uuid>,
    ) -> StoreResult<Vec<Evaluation>>;
}
