//! Queue records (取号叫号): service categories, windows, tickets and the
//! call events the hall display replays.

use async_trait::async_trait;
use domain::appointment::{AppointmentChannel, AppointmentStatus};
use domain::queue::{CallKind, Priority};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::{StoreError, StoreResult};

/// A service category (业务类别) with its ticket prefix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub prefix: String,
    pub name: String,
    /// Catalog item codes the category covers.
    pub items: Vec<String>,
}

impl Category {
    /// Whether the category's line serves the department: it covers one of
    /// the department's items (a department's tickets are its categories').
    pub fn serves(&self, department: &domain::catalog::Department) -> bool {
        self.items.iter().any(|i| department.owns_item(i))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowStatus {
    Open,
    Paused,
    Closed,
}

impl WindowStatus {
    pub fn code(self) -> &'static str {
        match self {
            WindowStatus::Open => "open",
            WindowStatus::Paused => "paused",
            WindowStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<WindowStatus> {
        match s {
            "open" => Some(WindowStatus::Open),
            "paused" => Some(WindowStatus::Paused),
            "closed" => Some(WindowStatus::Closed),
            _ => None,
        }
    }
}

/// A service window (窗口).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    pub number: String,
    pub name: String,
    pub categories: Vec<String>,
    pub status: WindowStatus,
    pub pause_reason: String,
    /// Opened by the floor captain for a peak (临时窗口).
    pub temporary: bool,
    /// Staff allowed to sit here (usernames).
    pub staff: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketStatus {
    Waiting,
    Called,
    Serving,
    Finished,
    Skipped,
    Transferred,
}

impl TicketStatus {
    pub fn code(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Serving => "serving",
            TicketStatus::Finished => "finished",
            TicketStatus::Skipped => "skipped",
            TicketStatus::Transferred => "transferred",
        }
    }
    pub fn parse(s: &str) -> Option<TicketStatus> {
        [
            TicketStatus::Waiting,
            TicketStatus::Called,
            TicketStatus::Serving,
            TicketStatus::Finished,
            TicketStatus::Skipped,
            TicketStatus::Transferred,
        ]
        .into_iter()
        .find(|t| t.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "等候中",
            TicketStatus::Called => "已叫号",
            TicketStatus::Serving => "办理中",
            TicketStatus::Finished => "已办结",
            TicketStatus::Skipped => "已过号",
            TicketStatus::Transferred => "已转移",
        }
    }
}

/// A queue ticket (排队号).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ticket {
    pub id: Uuid,
    pub business_date: Date,
    pub category: String,
    pub sequence: i64,
    pub number: String,
    pub status: TicketStatus,
    pub priority: Option<Priority>,
    /// Position in the day's line across categories.
    pub line_order: i64,
    pub taken_at: Timestamp,
    pub called_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub window: Option<String>,
    pub called_by: Option<String>,
    pub passed_by: i64,
    pub recalls: i64,
    pub transferred_from: Option<Uuid>,
}

/// A ticket to issue.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub id: Uuid,
    pub business_date: Date,
    pub category: String,
    pub priority: Option<Priority>,
    /// Keyed hashes of the ID number and phone (never the numbers themselves).
    pub person_keys: Vec<String>,
    /// How many live tickets one person may hold in this category today.
    pub max_live_per_person: i64,
    pub taken_at: Timestamp,
    /// Passes already counted (a transferred ticket keeps its place at the front).
    pub passed_by: i64,
    pub transferred_from: Option<Uuid>,
    /// The slot start of a checked-in appointment: called at its time.
    pub appointment_at: Option<Timestamp>,
    /// The phone, sealed by the app, for the evaluation SMS after service.
    pub phone_sealed: Option<String>,
    /// The person's keys and masked numbers, for detecting scalpers (黄牛)
    /// (issue 15 part 5). When set, they decide the id_key and phone_key
    /// columns; when empty, `person_keys` fill them as before.
    pub marks: crate::scalper::PersonMarks,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TakenTicket {
    pub ticket: Ticket,
    pub waiting_before: i64,
}

/// A call shown and announced on the hall display.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallEvent {
    pub id: i64,
    pub at: Timestamp,
    pub ticket_id: Uuid,
    pub number: String,
    pub window: String,
    pub kind: CallKind,
}

/// What a call needs to know.
#[derive(Debug, Clone)]
pub struct CallRequest {
    pub window: String,
    pub categories: Vec<String>,
    pub business_date: Date,
    pub fairness_bound: u32,
    pub at: Timestamp,
    pub by: String,
}

/// An appointment (预约).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appointment {
    pub id: Uuid,
    /// The code the citizen shows at the kiosk.
    pub code: String,
    pub category: String,
    pub slot_date: Date,
    /// "HH:MM".
    pub slot_time: String,
    pub phone_tail: String,
    pub channel: AppointmentChannel,
    pub status: AppointmentStatus,
    pub ticket_id: Option<Uuid>,
    /// The service (事项) booked, when the citizen chose one.
    pub item_code: Option<String>,
    /// 办理地点: the windows serving it and the hall's address, as booked.
    pub place: String,
}

#[derive(Debug, Clone)]
pub struct NewAppointment {
    pub appointment: Appointment,
    pub person_key: String,
    pub created_at: Timestamp,
    pub capacity: i64,
    pub max_per_person_per_day: i64,
    /// The phone's and the ID number's keys and masked forms, for detecting
    /// scalpers (黄牛) (issue 15 part 5).
    pub marks: crate::scalper::PersonMarks,
}

/// Calls made by other instances sharing the database (PostgreSQL only).
#[async_trait]
pub trait RemoteCalls: Send + Sync {
    /// A channel of call event ids written by any instance, or `None` where
    /// this process is the only writer (SQLite).
    async fn remote_calls(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<i64>>> {
        Ok(None)
    }
}

#[async_trait]
pub trait QueueStore: RemoteCalls + Send + Sync {
    async fn create_category(&self, c: &Category) -> StoreResult<()>;
    async fn categories(&self) -> StoreResult<Vec<Category>>;
    async fn create_window(&self, w: &Window) -> StoreResult<()>;
    async fn windows(&self) -> StoreResult<Vec<Window>>;
    async fn window(&self, number: &str) -> StoreResult<Window>;
    async fn set_window_status(&self, number: &str, status: WindowStatus, reason: &str) -> StoreResult<()>;
    /// Changes a category's name and items (its prefix is its identity).
    async fn update_category(&self, c: &Category) -> StoreResult<()>;
    /// Changes a window's name, categories, staff and temporary mark (not its status).
    async fn update_window(&self, w: &Window) -> StoreResult<()>;

    /// Issues the next number of the category for the day, refusing with
    /// `Conflict { what: "person_limit" }` when a person key holds too many live tickets.
    async fn take_ticket(&self, t: &NewTicket) -> StoreResult<TakenTicket> {
        single(self.take_tickets(std::slice::from_ref(t)).await)
    }
    /// [`QueueStore::take_ticket`] for many kiosks at once, in one transaction
    /// (group commit). Answers come in the order of `batch`; one person's
    /// refusal does not affect the others.
    async fn take_tickets(&self, batch: &[NewTicket]) -> Vec<StoreResult<TakenTicket>>;
    async fn ticket(&self, id: Uuid) -> StoreResult<Ticket>;
    /// Waiting tickets of the same category ahead of this one.
    async fn waiting_before(&self, ticket: &Ticket) -> StoreResult<i64>;
    /// Finishes the window's current ticket and calls the next one, atomically:
    /// no two windows ever get the same ticket.
    async fn call_next(&self, call: &CallRequest) -> StoreResult<Option<(Ticket, CallEvent)>> {
        single(self.call_next_batch(std::slice::from_ref(call)).await)
    }
    /// [`QueueStore::call_next`] for many windows at once, decided one after
    /// the other in one transaction (group commit), answers in order.
    async fn call_next_batch(&self, calls: &[CallRequest]) -> Vec<StoreResult<Option<(Ticket, CallEvent)>>>;
    /// Moves a ticket from one of `from` to `to`; `Conflict { what: "ticket_status" }` otherwise.
    async fn transition_ticket(
        &self,
        id: Uuid,
        from: &[TicketStatus],
        to: TicketStatus,
        at: Timestamp,
    ) -> StoreResult<Ticket>;
    /// Announces a called ticket again.
    async fn recall_ticket(&self, id: Uuid, at: Timestamp) -> StoreResult<(Ticket, CallEvent)>;
    /// 叫指定号: calls one waiting ticket to `window` (out of turn), ending the
    /// window's current service first. `Conflict { what: "ticket_status" }`
    /// when the ticket is no longer waiting (another window called it).
    async fn call_ticket(
        &self,
        id: Uuid,
        window: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<(Ticket, CallEvent)>;
    /// The id of the latest call event, if any.
    async fn newest_call_event_id(&self) -> StoreResult<Option<i64>>;
    /// Call events after `after_id`, oldest first.
    async fn call_events_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<CallEvent>>;
    /// Books a slot; `Conflict` with `slot_full`, `person_limit` or `code`.
    async fn book_appointment(&self, a: &NewAppointment) -> StoreResult<Appointment>;
    async fn appointment(&self, code: &str) -> StoreResult<Appointment>;
    /// Moves an appointment from one of `from` to `to`; `Conflict { what: "appointment_status" }` otherwise.
    async fn set_appointment_status(
        &self,
        code: &str,
        from: &[AppointmentStatus],
        to: AppointmentStatus,
        ticket_id: Option<Uuid>,
    ) -> StoreResult<Appointment>;
    /// Booked (not cancelled) appointments per slot time of a category and day.
    async fn slot_bookings(&self, category: &str, date: Date) -> StoreResult<Vec<(String, i64)>>;
    /// Dates of a person's missed appointments.
    async fn no_show_dates(&self, person_key: &str) -> StoreResult<Vec<Date>>;
    /// The tickets of a day, in line order.
    async fn tickets_of_day(&self, business_date: Date) -> StoreResult<Vec<Ticket>>;
    /// Tickets finished since `since` whose holder left a phone, with the sealed phone.
    async fn finished_with_phone(&self, since: Timestamp, limit: i64) -> StoreResult<Vec<(Ticket, String)>>;
    /// 到号提醒: marks a ticket (taken with a phone, with many ahead) as wanting one reminder.
    async fn want_reminder(&self, id: Uuid) -> StoreResult<()>;
    /// The day's waiting tickets that still want a reminder, with their sealed phones.
    async fn reminder_candidates(&self, business_date: Date) -> StoreResult<Vec<(Ticket, String)>>;
    /// The reminder is queued: the ticket wants no other.
    async fn reminder_sent(&self, id: Uuid) -> StoreResult<()>;
    // issue 18: the queue report aggregated in SQL
    /// The tickets of the business days `from..=to`, one line per day,
    /// status, window, staff member and category, each with the whole
    /// seconds its tickets waited and were served ([`TicketSeconds`]): what
    /// the queue report, the hall's summary and the waits chart count, read
    /// once (no ticket is loaded, no percentile loses a second).
    async fn ticket_seconds(&self, from: Date, to: Date) -> StoreResult<Vec<TicketSeconds>>;
}

// issue 18: the queue report aggregated in SQL
/// What a ticket is counted by in the queue report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketKey {
    Category,
    Window,
    Staff,
}

/// The `n` tickets of one business day, status, window, staff member and
/// category, with the whole seconds (truncated as
/// `jiff::SignedDuration::as_secs` does) that each waited and was served.
/// Several lines may share a group (the store adds nothing up across days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSeconds {
    pub status: TicketStatus,
    /// The window that called them (none: never called).
    pub window: Option<String>,
    /// Who called them.
    pub called_by: Option<String>,
    pub category: String,
    /// How many tickets.
    pub n: i64,
    /// Taken to called, one entry per called ticket, in no order.
    pub waits: Vec<i64>,
    /// Called to finished, one entry per finished ticket with a call and an
    /// end, in no order.
    pub services: Vec<i64>,
}

impl TicketSeconds {
    /// The key the line is counted under for `by` (none: it has no such key).
    pub fn key(&self, by: TicketKey) -> Option<&str> {
        match by {
            TicketKey::Category => Some(&self.category),
            TicketKey::Window => self.window.as_deref(),
            TicketKey::Staff => self.called_by.as_deref(),
        }
    }
}

/// The one answer of a batch of one.
fn single<T>(mut answers: Vec<StoreResult<T>>) -> StoreResult<T> {
    answers
        .pop()
        .unwrap_or_else(|| Err(StoreError::Corrupt("a batch of one got no answer".into())))
}

/// The same failure for every request of a batch whose transaction failed.
pub fn batch_failed<T>(n: usize, e: &StoreError) -> Vec<StoreResult<T>> {
    let message = e.to_string();
    (0..n)
        .map(|_| Err(StoreError::other(std::io::Error::other(message.clone()))))
        .collect()
}
