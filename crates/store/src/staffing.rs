//! 窗口排班测算 (the staffing planner) reads the queue's own tables, copying
//! nothing: a day's tickets reduced to what a forecast needs, and the
//! appointments booked for a day. Implemented for both backends by
//! `crates/store/sql/staffing.rs`.

use crate::StoreResult;
use async_trait::async_trait;
use domain::queue::Priority;
use jiff::Timestamp;
use jiff::civil::{Date, Time};

/// A ticket of a business date, as the planner reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingTicket {
    pub category: String,
    pub taken_at: Timestamp,
    pub called_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub status: crate::queue::TicketStatus,
    pub priority: Option<Priority>,
    /// Taken at check-in of an appointment (预约取号).
    pub appointment: bool,
    /// The category of the ticket it was transferred from (转办).
    pub transferred_from: Option<String>,
    /// The window that called it.
    pub window: Option<String>,
}

/// An appointment of a date (booked or already checked in).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingBooking {
    pub category: String,
    pub slot_time: Time,
}

#[async_trait]
pub trait StaffingStore: Send + Sync {
    /// Every ticket of `date` (the day's business date), in line order.
    async fn staffing_tickets(&self, date: Date) -> StoreResult<Vec<StaffingTicket>>;
    /// The appointments of `date` that still stand (booked or checked in).
    async fn staffing_bookings(&self, date: Date) -> StoreResult<Vec<StaffingBooking>>;
}
