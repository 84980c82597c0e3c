//! 短信邀评: after a ticket is finished, an invitation to rate it goes into
//! the SMS outbox for whoever left a phone at the kiosk, unless they already
//! rated at the window's pad. A gateway plug-in sends from the outbox later;
//! the outbox itself is real and visible to supervisors.

use crate::AppResult;
use crate::auth::{Session, require};
use crate::crypto::DataCipher;
use domain::evaluation::SmsKind;
use domain::permission::Permission;
use jiff::{SignedDuration, Timestamp};
use store::evaluation::OutboxMessage;

/// Give the pad its chance first: invitations go out this long after service.
const AFTER_SERVICE: SignedDuration = SignedDuration::from_mins(2);
/// How far back each pass looks (the pass runs every minute).
const LOOK_BACK: SignedDuration = SignedDuration::from_mins(60);

impl crate::evaluation::EvaluationService {
    /// Queues invitations for tickets finished a little while ago; returns how many are new.
    #[tracing::instrument(skip_all)]
    pub async fn queue_evaluation_invitations(&self) -> AppResult<usize> {
        self.queue_evaluation_invitations_as_of(self.now()).await
    }

    /// The same pass as if the clock read `now` (tests move it on).
    #[tracing::instrument(skip_all)]
    pub async fn queue_evaluation_invitations_as_of(&self, now: Timestamp) -> AppResult<usize> {
        let finished = self
            .queue
            .store
            .finished_with_phone(now - LOOK_BACK, 10_000)
            .await?;
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let mut queued = 0;
        for (ticket, phone_sealed) in finished {
            if ticket.finished_at.is_none_or(|f| f > now - AFTER_SERVICE) {
                continue;
            }
            if self
                .store
                .evaluation_of_event(&format!("ticket:{}", ticket.id))
                .await?
                .is_some()
            {
                continue;
            }
            // The phone is opened only to prove it is still readable; the gateway opens it again to send.
            cipher.open(crate::queue::TICKET_PHONE, &phone_sealed)?;
            let window = ticket.window.clone().unwrap_or_default();
            let body = format!(
                "您在{}号窗口办理的{}号业务已办结，欢迎评价本次服务：{}/rate/{}",
                window, ticket.number, self.settings.hall.public_url, ticket.id
            );
            if self
                .send_sms(
                    SmsKind::EvaluationInvitation,
                    &ticket.id.simple().to_string(),
                    Some(ticket.id),
                    &phone_sealed,
                    body,
                )
                .await?
            {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// The outbox, newest first (supervisor or admin); phones never leave it.
    #[tracing::instrument(skip_all)]
    pub async fn sms_outbox(&self, session: &Session) -> AppResult<Vec<OutboxMessage>> {
        require(session, Permission::EvaluationIntegrity)?;
        Ok(self.outbox_store.sms_outbox(200).await?)
    }
}

impl crate::queue::QueueService {
    /// 到号提醒: for each waiting ticket that wants one (taken with a phone
    /// and more than `queue.reminder_ahead` ahead), one SMS once that many or
    /// fewer remain ahead. Returns how many were queued.
    #[tracing::instrument(skip_all)]
    pub async fn queue_turn_reminders(&self) -> AppResult<usize> {
        let ahead_limit = self.settings.queue.reminder_ahead;
        if ahead_limit == 0 {
            return Ok(0);
        }
        let candidates = self.store.reminder_candidates(self.today()).await?;
        let categories = self.cached_categories().await?;
        let mut queued = 0;
        for (ticket, phone_sealed) in candidates {
            let ahead = self.store.waiting_before(&ticket).await?;
            if ahead > i64::from(ahead_limit) {
                continue;
            }
            let category = categories
                .iter()
                .find(|c| c.prefix == ticket.category)
                .map(|c| c.name.as_str())
                .unwrap_or("");
            let body = format!(
                "您的{}号（{}）前面还有{}位，请回到大厅留意叫号，过号可在{}分钟内重新排队。",
                ticket.number, category, ahead, self.settings.queue.requeue_minutes
            );
            if self
                .send_sms(
                    SmsKind::TurnReminder,
                    &ticket.id.simple().to_string(),
                    Some(ticket.id),
                    &phone_sealed,
                    body,
                )
                .await?
            {
                queued += 1;
            }
            self.store.reminder_sent(ticket.id).await?;
        }
        Ok(queued)
    }
}
