//! The queue as the hall runs it (取号叫号): categories and windows, tickets
//! from the kiosk, calls from the windows, and the live events the hall
//! display shows and speaks.

use crate::Hall;
use crate::auth::Session;
use crate::batch::Batcher;
use crate::{Actor, AppError, AppResult};
use domain::Role;
use domain::identity::{IdNumber, validate_mobile};
use domain::queue::{Priority, valid_prefix};
use domain::scalper::FactSource;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;
use std::sync::Arc;
use std::sync::OnceLock;
use store::queue::*;
use store::{StoreError, StoreResult};
use uuid::Uuid;

/// What a citizen enters at the kiosk.
#[derive(Debug, Clone, Default)]
pub struct TakeTicket {
    pub category: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub priority: Option<String>,
    /// Set by an appointment check-in: the slot start, when the call order favours it.
    pub appointment_at: Option<Timestamp>,
}

/// A ticket with its place in line.
#[derive(Debug, Clone)]
pub struct TicketView {
    pub ticket: Ticket,
    pub waiting_before: i64,
    pub category_name: String,
}

/// Keyed hash of a personal number: lets the hall count one person's tickets
/// without storing the number.
pub fn person_key(secret: &str, kind: &str, value: &str) -> AppResult<String> {
    // HMAC takes keys of any length; the error type exists only for fixed-size MACs.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).map_err(AppError::internal)?;
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(value.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

fn map_ticket_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("没有这张号票".into()),
        StoreError::Conflict { what } if what == "ticket_status" => AppError::Conflict(
            crate::Conflict::WrongStatus,
            "号票当前状态不能进行此操作（可能已被叫号、办结或过号）".into(),
        ),
        other => other.into(),
    }
}

/// The sealing purpose of a kiosk phone (see [`crate::crypto`]).
pub const TICKET_PHONE: &str = "ticket.phone";

/// The queue's writer tasks (group commit, see [`crate::batch`]), started on first use.
#[derive(Default)]
pub struct Writers {
    takes: OnceLock<Batcher<NewTicket, StoreResult<TakenTicket>>>,
    calls: OnceLock<Batcher<CallRequest, CallAnswer>>,
    /// Held from writing call events until they are published: displays get
    /// them in the order of their ids (a display skips an id below one it showed).
    call_order: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// What a call gets: the ticket and its display event, or nobody waiting.
type CallAnswer = StoreResult<Option<(Ticket, CallEvent)>>;

fn writer_stopped() -> StoreError {
    StoreError::other(std::io::Error::other("排队写入任务已停止"))
}

/// 取号叫号 service: the queue's store, the live calls for this instance's
/// displays, and the writers that batch takes and calls.
#[derive(Clone)]
pub struct QueueService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn QueueStore>,
    pub(crate) accounts: Arc<dyn store::AccountStore>,
    pub(crate) calls: tokio::sync::broadcast::Sender<CallEvent>,
    pub(crate) writers: Arc<Writers>,
    pub(crate) setup_cache: Arc<crate::queue_cache::SetupCache>,
}

impl QueueService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn QueueStore>,
        accounts: Arc<dyn store::AccountStore>,
    ) -> QueueService {
        QueueService {
            hall,
            store,
            accounts,
            calls: tokio::sync::broadcast::channel(1024).0,
            writers: Arc::default(),
            setup_cache: Arc::default(),
        }
    }

    /// Live calls for the hall displays of this instance.
    pub fn subscribe_calls(&self) -> tokio::sync::broadcast::Receiver<CallEvent> {
        self.calls.subscribe()
    }

    fn publish_call(&self, event: CallEvent) {
        // No display listening is normal (a hall without a TV).
        let _ = self.calls.send(event);
        // issue 18: dashboard
        self.hall_changed();
    }
}

impl QueueService {
    /// Issues a ticket through the kiosk writer, together with the others waiting.
    async fn issue_ticket(&self, ticket: NewTicket) -> StoreResult<TakenTicket> {
        let writer = self.writers.takes.get_or_init(|| {
            let store = self.store.clone();
            Batcher::spawn(move |batch: Vec<NewTicket>| {
                let store = store.clone();
                async move { store.take_tickets(&batch).await }
            })
        });
        let taken = writer
            .submit(ticket)
            .await
            .unwrap_or_else(|| Err(writer_stopped()));
        // issue 18: dashboard
        if taken.is_ok() {
            self.hall_changed();
        }
        taken
    }

    /// Calls through the windows' writer: calls made at the same moment are
    /// decided one after the other in one transaction.
    async fn call_in_turn(&self, call: CallRequest) -> CallAnswer {
        let writer = self.writers.calls.get_or_init(|| {
            let (store, displays, order) = (
                self.store.clone(),
                self.calls.clone(),
                self.writers.call_order.clone(),
            );
            Batcher::spawn(move |batch: Vec<CallRequest>| {
                let (store, displays, order) = (store.clone(), displays.clone(), order.clone());
                async move {
                    let _turn = order.lock().await;
                    let answers = store.call_next_batch(&batch).await;
                    // Published here, in the batch's order: the windows that called
                    // together wake up in any order.
                    for (_, event) in answers.iter().flatten().flatten() {
                        let _ = displays.send(event.clone());
                    }
                    answers
                }
            })
        });
        writer.submit(call).await.unwrap_or_else(|| Err(writer_stopped()))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_category(
        &self,
        actor: &Actor,
        prefix: &str,
        name: &str,
        items: &[String],
    ) -> AppResult<Category> {
        let prefix = prefix.trim();
        if !valid_prefix(prefix) {
            return Err(AppError::invalid("prefix", "号票前缀应为1至3个大写字母，如 A"));
        }
        let name = crate::queue_setup::category_name(name)?;
        let c = Category {
            prefix: prefix.to_owned(),
            name: name.clone(),
            items: self.checked_items(items).await?,
        };
        self.store.create_category(&c).await.map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict(
                crate::Conflict::AlreadyExists,
                format!("前缀“{prefix}”或名称“{name}”已被使用"),
            ),
            other => other.into(),
        })?;
        self.queue_setup_changed();
        self.audit(actor, "queue.category.add", prefix, &name).await?;
        Ok(c)
    }

    #[tracing::instrument(skip_all)]
    pub async fn categories(&self) -> AppResult<Vec<Category>> {
        Ok(self.store.categories().await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_window(
        &self,
        actor: &Actor,
        number: &str,
        name: &str,
        categories: &[String],
        staff: &[String],
        temporary: bool,
    ) -> AppResult<Window> {
        let number = number.trim();
        if number.is_empty() || number.len() > 8 || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(AppError::invalid("number", "窗口号应为1至8位字母或数字"));
        }
        let name = crate::queue_setup::window_name(number, name)?;
        let categories = self.checked_categories(categories).await?;
        let staff = self.checked_staff(staff).await?;
        let w = Window {
            number: number.to_owned(),
            name,
            categories,
            status: WindowStatus::Open,
            pause_reason: String::new(),
            temporary,
            staff,
        };
        self.store.create_window(&w).await.map_err(|e| match e {
            StoreError::Conflict { .. } => {
                AppError::Conflict(crate::Conflict::AlreadyExists, format!("窗口“{number}”已存在"))
            }
            other => other.into(),
        })?;
        self.queue_setup_changed();
        self.audit(actor, "queue.window.add", number, &w.categories.join(","))
            .await?;
        Ok(w)
    }

    #[tracing::instrument(skip_all)]
    pub async fn windows(&self) -> AppResult<Vec<Window>> {
        Ok(self.store.windows().await?)
    }

    /// Issues a ticket at the kiosk. Personal numbers are checked, kept only
    /// as keyed hashes, and used for the per-person limit (防黄牛).
    #[tracing::instrument(skip_all)]
    pub async fn take_ticket(&self, req: &TakeTicket) -> AppResult<TicketView> {
        self.check_open().await?;
        let category = req.category.trim();
        let categories = self.cached_categories().await?;
        let Some(cat) = categories.iter().find(|c| c.prefix == category) else {
            return Err(AppError::invalid(
                "category",
                format!("业务类别“{category}”不存在"),
            ));
        };
        let mut keys = Vec::new();
        let mut id_checked = None;
        if let Some(id) = req.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let id = IdNumber::parse(id, self.today())
                .map_err(|e| AppError::invalid("id_number", format!("身份证号{e}")))?;
            keys.push(person_key(&self.settings.security.data_key, "id", id.as_str())?);
            id_checked = Some(id);
        }
        let mut phone_sealed = None;
        let phone_checked = req.phone.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(phone) = phone_checked {
            validate_mobile(phone).map_err(|e| AppError::invalid("phone", e.to_string()))?;
            keys.push(person_key(&self.settings.security.data_key, "phone", phone)?);
            // Kept sealed only to send the evaluation invitation after service.
            phone_sealed = Some(
                crate::crypto::DataCipher::new(&self.settings.security.data_key)?
                    .seal(TICKET_PHONE, phone)?,
            );
        }
        let priority = match req.priority.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(p) => Some(Priority::parse(p).ok_or_else(|| {
                AppError::invalid(
                    "priority",
                    "绿色通道类型应为 elderly、disabled、pregnant 或 military",
                )
            })?),
            None => None,
        };
        let phone_sealed_given = phone_sealed.is_some();
        // 黄牛 (issue 15 part 5): the marks detection groups by.
        let marks = crate::scalper::marks_of(&self.hall, phone_checked, id_checked.as_ref())?;
        let taken = self
            .issue_ticket(NewTicket {
                id: Uuid::now_v7(),
                business_date: self.today(),
                category: cat.prefix.clone(),
                priority,
                person_keys: keys,
                max_live_per_person: self.settings.queue.max_live_tickets_per_person,
                taken_at: self.now(),
                passed_by: 0,
                transferred_from: None,
                appointment_at: req.appointment_at,
                phone_sealed,
                marks: marks.clone(),
            })
            .await;
        if let Ok(t) = &taken
            && phone_sealed_given
            && t.waiting_before > i64::from(self.settings.queue.reminder_ahead)
            && self.settings.queue.reminder_ahead > 0
        {
            self.store.want_reminder(t.ticket.id).await?;
        }
        // 黄牛 (issue 15 part 5): a registered person alerts the floor; a refused attempt counts.
        match &taken {
            Ok(t) => {
                let (id, number, day) = (t.ticket.id, t.ticket.number.clone(), t.ticket.business_date);
                self.scalper_seen(FactSource::Ticket, id, &number, day, &marks)
                    .await;
            }
            Err(StoreError::Conflict { what }) if what == "person_limit" => {
                self.scalper_refused(FactSource::Ticket, &cat.prefix, self.today(), &marks)
                    .await;
            }
            Err(_) => {}
        }
        match taken {
            Ok(t) => Ok(TicketView {
                ticket: t.ticket,
                waiting_before: t.waiting_before,
                category_name: cat.name.clone(),
            }),
            Err(StoreError::Conflict { what }) if what == "person_limit" => {
                let actor = Actor {
                    username: "取号机".into(),
                    role: None,
                };
                self.audit(
                    &actor,
                    "queue.limit",
                    &cat.prefix,
                    "同一证件或手机号重复取号被拒绝",
                )
                .await?;
                Err(AppError::Conflict(
                    crate::Conflict::PersonLimit,
                    format!(
                        "您今天已在“{}”取过号且尚未办理，请等候叫号；如有疑问请到咨询台",
                        cat.name
                    ),
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn ticket_view(&self, id: Uuid) -> AppResult<TicketView> {
        let ticket = self.store.ticket(id).await.map_err(map_ticket_error)?;
        self.view_of(ticket).await
    }

    /// A ticket with its place in line and its category's name.
    #[tracing::instrument(skip_all)]
    pub async fn view_of(&self, ticket: Ticket) -> AppResult<TicketView> {
        let waiting_before = self.store.waiting_before(&ticket).await?;
        let category_name = self
            .cached_categories()
            .await?
            .iter()
            .find(|c| c.prefix == ticket.category)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        Ok(TicketView {
            ticket,
            waiting_before,
            category_name,
        })
    }

    /// The window a session may call from: staff listed at it, or an administrator.
    pub(crate) async fn window_for(&self, session: &Session, number: &str) -> AppResult<Window> {
        let window = self
            .cached_windows()
            .await?
            .iter()
            .find(|w| w.number == number)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("窗口“{number}”不存在")))?;
        let allowed = session.user.role == Role::Admin
            || (session.user.role == Role::Staff && window.staff.contains(&session.user.username));
        if !allowed {
            return Err(AppError::Forbidden(format!("您不是{}的工作人员", window.name)));
        }
        Ok(window)
    }

    /// Calls the next person to a window (叫号). `None` when nobody waits.
    #[tracing::instrument(skip_all)]
    pub async fn call_next(&self, session: &Session, number: &str) -> AppResult<Option<Ticket>> {
        let window = self.window_for(session, number).await?;
        if window.status != WindowStatus::Open {
            return Err(AppError::Conflict(
                crate::Conflict::WindowClosed,
                format!("{}处于暂停或关闭状态，请先恢复服务", window.name),
            ));
        }
        let called = self
            .call_in_turn(CallRequest {
                window: window.number.clone(),
                categories: window.categories.clone(),
                business_date: self.today(),
                fairness_bound: self.settings.queue.fairness_bound,
                at: self.now(),
                by: session.user.username.clone(),
            })
            .await?;
        // The writer has published the call (see `call_in_turn`).
        Ok(called.map(|(ticket, _event)| ticket))
    }

    async fn ticket_at_own_window(&self, session: &Session, id: Uuid) -> AppResult<Ticket> {
        let ticket = self.store.ticket(id).await.map_err(map_ticket_error)?;
        if let Some(w) = &ticket.window {
            self.window_for(session, w).await?;
        } else if session.user.role != Role::Admin {
            return Err(AppError::Conflict(
                crate::Conflict::WrongStatus,
                "号票尚未被叫号".into(),
            ));
        }
        Ok(ticket)
    }

    /// 叫指定号: calls a waiting ticket of today by its number (A005) to this
    /// window, out of turn (a citizen who stepped away, a colleague's
    /// transfer). Two windows calling the same number: one gets it, the other
    /// a conflict.
    #[tracing::instrument(skip_all)]
    pub async fn call_number(&self, session: &Session, window: &str, number: &str) -> AppResult<Ticket> {
        let w = self.window_for(session, window).await?;
        if w.status != WindowStatus::Open {
            return Err(AppError::Conflict(
                crate::Conflict::WindowClosed,
                format!("{}处于暂停或关闭状态，请先恢复服务", w.name),
            ));
        }
        let number = number.trim().to_ascii_uppercase();
        if number.is_empty() {
            return Err(AppError::invalid("number", "请填写要叫的号码，如 A005"));
        }
        let ticket = self
            .store
            .tickets_of_day(self.today())
            .await?
            .into_iter()
            .find(|t| t.number == number)
            .ok_or_else(|| AppError::NotFound(format!("今天没有{number}号")))?;
        if ticket.status != TicketStatus::Waiting {
            return Err(AppError::Conflict(
                crate::Conflict::WrongStatus,
                format!("{number}号当前不在等候中（可能已被叫号、办结或过号）"),
            ));
        }
        if !w.categories.contains(&ticket.category) {
            return Err(AppError::Conflict(
                crate::Conflict::WrongWindow,
                format!("{number}号的业务不在{}办理，请先转移", w.name),
            ));
        }
        let _turn = self.writers.call_order.lock().await;
        let (ticket, event) = self
            .store
            .call_ticket(ticket.id, window, &session.user.username, self.now())
            .await
            .map_err(map_ticket_error)?;
        self.publish_call(event);
        Ok(ticket)
    }

    /// 重呼: announces the current ticket again.
    #[tracing::instrument(skip_all)]
    pub async fn recall(&self, session: &Session, id: Uuid) -> AppResult<Ticket> {
        self.ticket_at_own_window(session, id).await?;
        let _turn = self.writers.call_order.lock().await;
        let (ticket, event) = self
            .store
            .recall_ticket(id, self.now())
            .await
            .map_err(map_ticket_error)?;
        self.publish_call(event);
        Ok(ticket)
    }

    /// 过号 (the person did not come) or 办结 (finished).
    #[tracing::instrument(skip_all)]
    pub async fn end_ticket(&self, session: &Session, id: Uuid, to: TicketStatus) -> AppResult<Ticket> {
        self.ticket_at_own_window(session, id).await?;
        let from = [TicketStatus::Called, TicketStatus::Serving];
        let ended = self
            .store
            .transition_ticket(id, &from, to, self.now())
            .await
            .map_err(map_ticket_error)?;
        // issue 18: dashboard
        self.hall_changed();
        Ok(ended)
    }

    /// 过号重排: the citizen puts a skipped ticket back in line, within the
    /// configured minutes, keeping their place.
    #[tracing::instrument(skip_all)]
    pub async fn requeue(&self, id: Uuid) -> AppResult<TicketView> {
        let ticket = self.store.ticket(id).await.map_err(map_ticket_error)?;
        if ticket.status != TicketStatus::Skipped {
            return Err(AppError::Conflict(
                crate::Conflict::WrongStatus,
                "只有已过号的号票才能重新排队".into(),
            ));
        }
        let skipped_at = ticket.finished_at.unwrap_or(ticket.taken_at);
        let limit = jiff::SignedDuration::from_mins(self.settings.queue.requeue_minutes);
        if self.now().duration_since(skipped_at) > limit || ticket.business_date != self.today() {
            return Err(AppError::Conflict(
                crate::Conflict::TooLate,
                format!(
                    "过号已超过{}分钟，请到咨询台重新取号",
                    self.settings.queue.requeue_minutes
                ),
            ));
        }
        self.store
            .transition_ticket(id, &[TicketStatus::Skipped], TicketStatus::Waiting, self.now())
            .await
            .map_err(map_ticket_error)?;
        self.ticket_view(id).await
    }

    /// 转移: the person continues in another category, ahead of those who
    /// have not waited yet.
    #[tracing::instrument(skip_all)]
    pub async fn transfer(&self, session: &Session, id: Uuid, category: &str) -> AppResult<TicketView> {
        let old = self.ticket_at_own_window(session, id).await?;
        let categories = self.cached_categories().await?;
        let Some(cat) = categories.iter().find(|c| c.prefix == category.trim()) else {
            return Err(AppError::invalid(
                "category",
                format!("业务类别“{category}”不存在"),
            ));
        };
        let from = [TicketStatus::Called, TicketStatus::Serving];
        self.store
            .transition_ticket(id, &from, TicketStatus::Transferred, self.now())
            .await
            .map_err(map_ticket_error)?;
        let taken = self
            .issue_ticket(NewTicket {
                id: Uuid::now_v7(),
                business_date: old.business_date,
                category: cat.prefix.clone(),
                priority: old.priority,
                person_keys: Vec::new(),
                max_live_per_person: i64::MAX,
                taken_at: self.now(),
                // Goes with the green channel: the person has already waited once.
                passed_by: 0,
                transferred_from: Some(old.id),
                appointment_at: None,
                phone_sealed: None,
                marks: Default::default(),
            })
            .await?;
        Ok(TicketView {
            ticket: taken.ticket,
            waiting_before: taken.waiting_before,
            category_name: cat.name.clone(),
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_window_status(
        &self,
        session: &Session,
        number: &str,
        status: WindowStatus,
        reason: &str,
    ) -> AppResult<()> {
        // The floor duty captain (督查) opens, pauses and closes any window.
        let window = if session.user.role == Role::Supervisor {
            self.cached_windows()
                .await?
                .iter()
                .find(|w| w.number == number)
                .cloned()
                .ok_or_else(|| AppError::NotFound(format!("窗口“{number}”不存在")))?
        } else {
            self.window_for(session, number).await?
        };
        if status == WindowStatus::Paused && reason.trim().is_empty() {
            return Err(AppError::invalid("reason", "暂停服务须填写原因"));
        }
        self.store
            .set_window_status(&window.number, status, reason.trim())
            .await?;
        self.queue_setup_changed();
        // issue 18: dashboard
        self.hall_changed();
        let actor = Actor::user(&session.user);
        self.audit(
            &actor,
            "queue.window.status",
            &window.number,
            &format!("{} {}", status.code(), reason.trim()),
        )
        .await
    }

    /// Each window's ticket being called or served now (for a display that starts up).
    #[tracing::instrument(skip_all)]
    pub async fn window_currents(&self) -> AppResult<std::collections::HashMap<String, String>> {
        Ok(self
            .store
            .tickets_of_day(self.today())
            .await?
            .into_iter()
            .filter(|t| matches!(t.status, TicketStatus::Called | TicketStatus::Serving))
            .filter_map(|t| t.window.map(|w| (w, t.number)))
            .collect())
    }

    /// Relays calls made by other instances (PostgreSQL) to this instance's
    /// displays. Does nothing on a backend with a single writer.
    #[tracing::instrument(skip_all)]
    pub async fn relay_remote_calls(&self) -> AppResult<()> {
        let Some(mut ids) = self.store.remote_calls().await? else {
            return Ok(());
        };
        let app = self.clone();
        tokio::spawn(async move {
            // Start from the newest event already stored: displays replay older ones themselves.
            let mut last = app.store.newest_call_event_id().await.ok().flatten().unwrap_or(0);
            while let Some(id) = ids.recv().await {
                if id <= last {
                    continue;
                }
                match app.store.call_events_after(last, 500).await {
                    Ok(events) => {
                        for e in events {
                            last = last.max(e.id);
                            app.publish_call(e);
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not read call events"),
                }
            }
        });
        Ok(())
    }

    /// Calls after `after_id`, for a display that reconnects.
    #[tracing::instrument(skip_all)]
    pub async fn calls_after(&self, after_id: i64) -> AppResult<Vec<CallEvent>> {
        Ok(self.store.call_events_after(after_id, 200).await?)
    }
}
