//! The conduct of the hall (issue 15, parts 3, 4 and 6): 晨会 (morning
//! meetings), 效能监察 yellow and red cards on case deadlines, and the floor
//! duty captain's log (楼层值班长). Implemented for both backends by
//! `crates/store/sql/conduct.rs`.

use async_trait::async_trait;
use domain::card::{CardColor, CardRuling};
use domain::duty_log::{CheckResult, DutyEventKind};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::StoreResult;

/// A morning meeting (晨会) as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorningMeeting {
    pub id: Uuid,
    pub date: Date,
    /// The window it was held for, or `None` for a department's meeting.
    pub window: Option<String>,
    /// The department's code, for a department's meeting.
    pub department: Option<String>,
    /// Username of the host (主持人).
    pub host: String,
    /// Usernames of those present.
    pub attendees: Vec<String>,
    pub topics: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// Which meetings to list: a date range, optionally one window's own.
#[derive(Debug, Clone)]
pub struct MeetingQuery {
    pub from: Date,
    pub to: Date,
    pub window: Option<String>,
    pub limit: i64,
}

#[async_trait]
pub trait MorningMeetingStore: Send + Sync {
    async fn add_morning_meeting(&self, meeting: &MorningMeeting) -> StoreResult<()>;
    /// Meetings held from `from` to `to` (both inclusive), newest first; with
    /// `window`, only the meetings held for that window.
    async fn morning_meetings(&self, query: &MeetingQuery) -> StoreResult<Vec<MorningMeeting>>;
}

/// A yellow or red card (黄牌/红牌) on a case's deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadlineCard {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub item_name: String,
    pub color: CardColor,
    /// The department's full name (as cases carry it).
    pub department: String,
    /// The staff member holding the case (username).
    pub staff: String,
    pub window: String,
    /// The case's deadline when the card was issued.
    pub deadline: Date,
    pub issued_at: Timestamp,
    /// The business date of issue (months are counted by it).
    pub issued_on: Date,
    pub explanation: Option<String>,
    pub explained_by: Option<String>,
    pub explained_at: Option<Timestamp>,
    pub ruling: Option<CardRuling>,
    pub ruling_note: String,
    pub ruled_by: Option<String>,
    pub ruled_at: Option<Timestamp>,
}

/// An open case the watch looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchedCase {
    pub id: Uuid,
    pub number: String,
    pub item_name: String,
    pub department: String,
    pub staff: String,
    pub window: String,
    pub deadline: Date,
    pub paused: bool,
}

/// Which cards to list.
#[derive(Debug, Clone)]
pub struct CardQuery {
    /// Issued from `from` to `to` (business dates, both inclusive).
    pub from: Date,
    pub to: Date,
    /// A department's full name.
    pub department: Option<String>,
    pub color: Option<CardColor>,
    pub limit: i64,
}

/// One department's figures for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardCounts {
    pub department: String,
    pub yellow: i64,
    pub red: i64,
    /// Red cards ruled a fault: 无正当理由超时办结.
    pub red_faulted: i64,
    /// Cards the department has not explained yet.
    pub unexplained: i64,
    /// Cards the 督查科 has not ruled yet.
    pub unruled: i64,
}

#[async_trait]
pub trait CardStore: Send + Sync {
    /// Open cases (accepted, under review, paused, decided) that may need a
    /// card: a deadline before `amber_before` and no yellow card yet, or (not
    /// paused) a deadline before `red_before` and no red card yet. Oldest
    /// deadline first, at most `limit`; reads only the open cases' deadline index.
    async fn cases_to_card(
        &self,
        amber_before: Date,
        red_before: Date,
        limit: i64,
    ) -> StoreResult<Vec<WatchedCase>>;
    /// Records a card unless the case already has one of that colour; answers
    /// whether it was recorded.
    async fn issue_card(&self, card: &DeadlineCard) -> StoreResult<bool>;
    async fn card(&self, id: Uuid) -> StoreResult<DeadlineCard>;
    /// Newest first.
    async fn cards(&self, query: &CardQuery) -> StoreResult<Vec<DeadlineCard>>;
    /// Per department (ignoring `limit` and `color`), by department name.
    async fn card_counts(&self, query: &CardQuery) -> StoreResult<Vec<CardCounts>>;
    /// Sets the explanation unless the card is ruled (`Conflict { what: "card_ruled" }`).
    async fn explain_card(
        &self,
        id: Uuid,
        explanation: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<DeadlineCard>;
    /// Sets the ruling once (`Conflict { what: "card_ruled" }` the second time).
    async fn rule_card(
        &self,
        id: Uuid,
        ruling: CardRuling,
        note: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<DeadlineCard>;
}

/// A floor's duty log for one day (值班日志).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DutyLog {
    pub id: Uuid,
    pub floor: String,
    pub date: Date,
    /// Username of the captain on duty (值班长).
    pub captain: String,
    /// The six opening checks, in order.
    pub checks: Vec<CheckResult>,
    pub opened_by: String,
    pub opened_at: Timestamp,
    pub handover: Option<String>,
    pub handed_over_by: Option<String>,
    pub handed_over_at: Option<Timestamp>,
}

/// Something that happened on the floor, and what was done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DutyEvent {
    pub id: i64,
    pub kind: DutyEventKind,
    pub at: Timestamp,
    pub description: String,
    pub action: String,
    pub recorded_by: String,
}

#[async_trait]
pub trait DutyLogStore: Send + Sync {
    /// Opens a floor's log for a day; `Conflict { what: "duty_log_exists" }`
    /// when that floor already has one that day.
    async fn open_duty_log(&self, log: &DutyLog) -> StoreResult<()>;
    async fn duty_log(&self, id: Uuid) -> StoreResult<DutyLog>;
    /// The logs of a day, by floor; optionally one floor's.
    async fn duty_logs(&self, date: Date, floor: Option<&str>) -> StoreResult<Vec<DutyLog>>;
    /// Adds an event unless the log is handed over (`Conflict { what: "duty_log_closed" }`).
    async fn add_duty_event(
        &self,
        log: Uuid,
        kind: DutyEventKind,
        at: Timestamp,
        description: &str,
        action: &str,
        by: &str,
    ) -> StoreResult<DutyEvent>;
    /// The events of a log, oldest first.
    async fn duty_events(&self, log: Uuid) -> StoreResult<Vec<DutyEvent>>;
    /// Closes the log with the handover note, once (`Conflict { what: "duty_log_closed" }`).
    async fn hand_over_duty_log(
        &self,
        log: Uuid,
        note: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<DutyLog>;
}
