//! The floor view (现场监控): what the floor captain watches — who waits
//! for what and for how long, and what every window is doing.

use crate::AppResult;
use serde::Serialize;
use store::queue::{Ticket, TicketStatus, WindowStatus};

#[derive(Debug, Clone, Serialize)]
pub struct CategoryLoad {
    pub prefix: String,
    pub name: String,
    pub waiting: usize,
    /// Minutes the longest-waiting ticket has waited.
    pub longest_wait_minutes: i64,
    pub taken_today: usize,
    pub served_today: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct WindowLoad {
    pub number: String,
    pub name: String,
    pub status: WindowStatus,
    pub pause_reason: String,
    pub temporary: bool,
    pub current: Option<String>,
    pub served_today: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FloorStatus {
    pub taken_today: usize,
    pub waiting: usize,
    pub served_today: usize,
    pub windows_open: usize,
    pub categories: Vec<CategoryLoad>,
    pub windows: Vec<WindowLoad>,
    /// 今日值班长, floor by floor (filled by `DutyLogService::with_captains`).
    pub captains: Vec<crate::duty_log::CaptainOnDuty>,
}

/// 已办: finished here. A transferred ticket is served under its new number,
/// so it is not counted twice (the queue report counts the same way).
fn served(t: &Ticket) -> bool {
    t.status == TicketStatus::Finished
}

impl crate::queue::QueueService {
    #[tracing::instrument(skip_all)]
    pub async fn floor_status(&self) -> AppResult<FloorStatus> {
        let tickets = self.store.tickets_of_day(self.today()).await?;
        let now = self.now();
        let categories = self
            .store
            .categories()
            .await?
            .into_iter()
            .map(|c| {
                let mine: Vec<&Ticket> = tickets.iter().filter(|t| t.category == c.prefix).collect();
                let waiting: Vec<&&Ticket> = mine
                    .iter()
                    .filter(|t| t.status == TicketStatus::Waiting)
                    .collect();
                let longest = waiting
                    .iter()
                    .map(|t| now.duration_since(t.taken_at).as_secs() / 60)
                    .max()
                    .unwrap_or(0);
                CategoryLoad {
                    prefix: c.prefix,
                    name: c.name,
                    waiting: waiting.len(),
                    longest_wait_minutes: longest,
                    taken_today: mine.len(),
                    served_today: mine.iter().filter(|t| served(t)).count(),
                }
            })
            .collect();
        let windows: Vec<WindowLoad> = self
            .store
            .windows()
            .await?
            .into_iter()
            .map(|w| {
                let at_window = |t: &&Ticket| t.window.as_deref() == Some(w.number.as_str());
                WindowLoad {
                    current: tickets
                        .iter()
                        .filter(at_window)
                        .find(|t| matches!(t.status, TicketStatus::Called | TicketStatus::Serving))
                        .map(|t| t.number.clone()),
                    served_today: tickets.iter().filter(at_window).filter(|t| served(t)).count(),
                    status: w.status,
                    number: w.number,
                    name: w.name,
                    pause_reason: w.pause_reason,
                    temporary: w.temporary,
                }
            })
            .collect();
        Ok(FloorStatus {
            taken_today: tickets.len(),
            waiting: tickets
                .iter()
                .filter(|t| t.status == TicketStatus::Waiting)
                .count(),
            served_today: tickets.iter().filter(|t| served(t)).count(),
            windows_open: windows.iter().filter(|w| w.status == WindowStatus::Open).count(),
            categories,
            windows,
            captains: Vec::new(),
        })
    }
}

/// A window's call as the hall display shows it (正在叫号).
#[derive(Debug, Clone, Serialize)]
pub struct DisplayCall {
    /// The ticket number, e.g. A012.
    pub ticket: String,
    /// The window's number.
    pub window: String,
    pub window_name: String,
    pub category: String,
    /// When it was (last) called.
    pub called_at: Option<jiff::Timestamp>,
}

/// What a display shows when it starts: the windows' current calls, newest
/// first, and how many wait per category.
#[derive(Debug, Clone, Serialize)]
pub struct DisplayState {
    pub calls: Vec<DisplayCall>,
    pub waiting: std::collections::BTreeMap<String, usize>,
    /// The newest call event already reflected (the stream's `Last-Event-ID`).
    pub last_event_id: i64,
}

impl crate::queue::QueueService {
    /// The display's state now, from the records (a reloaded or restarted
    /// display shows the same calls as one that never stopped).
    #[tracing::instrument(skip_all)]
    pub async fn display_state(&self) -> AppResult<DisplayState> {
        // Read the newest event first: a call made meanwhile is replayed by the stream.
        let last_event_id = self.store.newest_call_event_id().await?.unwrap_or(0);
        let tickets = self.store.tickets_of_day(self.today()).await?;
        let windows = self.cached_windows().await?;
        let mut calls: Vec<DisplayCall> = tickets
            .iter()
            .filter(|t| matches!(t.status, TicketStatus::Called | TicketStatus::Serving))
            .filter_map(|t| {
                let window = t.window.clone()?;
                let window_name = windows
                    .iter()
                    .find(|w| w.number == window)
                    .map(|w| w.name.clone())
                    .unwrap_or_else(|| format!("{window}号窗口"));
                Some(DisplayCall {
                    ticket: t.number.clone(),
                    window,
                    window_name,
                    category: t.category.clone(),
                    called_at: t.called_at,
                })
            })
            .collect();
        calls.sort_by_key(|c| std::cmp::Reverse(c.called_at));
        let mut waiting: std::collections::BTreeMap<String, usize> = self
            .cached_categories()
            .await?
            .iter()
            .map(|c| (c.prefix.clone(), 0))
            .collect();
        for t in tickets.iter().filter(|t| t.status == TicketStatus::Waiting) {
            *waiting.entry(t.category.clone()).or_default() += 1;
        }
        Ok(DisplayState {
            calls,
            waiting,
            last_event_id,
        })
    }

    /// The ticket a window is serving now (called and not yet finished), read
    /// from the records so a reloaded console or a restarted server finds it.
    #[tracing::instrument(skip_all)]
    pub async fn window_current(
        &self,
        session: &crate::auth::Session,
        number: &str,
    ) -> AppResult<Option<crate::queue::TicketView>> {
        self.window_for(session, number).await?;
        let current = self
            .store
            .tickets_of_day(self.today())
            .await?
            .into_iter()
            .filter(|t| t.window.as_deref() == Some(number))
            .filter(|t| matches!(t.status, TicketStatus::Called | TicketStatus::Serving))
            .max_by_key(|t| t.called_at);
        match current {
            Some(t) => Ok(Some(self.view_of(t).await?)),
            None => Ok(None),
        }
    }

    /// The tickets waiting for a window's categories, in the order they are
    /// taken (green channel first within what the call order allows).
    #[tracing::instrument(skip_all)]
    pub async fn window_waiting(
        &self,
        session: &crate::auth::Session,
        number: &str,
    ) -> AppResult<Vec<Ticket>> {
        let window = self.window_for(session, number).await?;
        let mut waiting: Vec<Ticket> = self
            .store
            .tickets_of_day(self.today())
            .await?
            .into_iter()
            .filter(|t| t.status == TicketStatus::Waiting && window.categories.contains(&t.category))
            .collect();
        waiting.sort_by_key(|t| (t.priority.is_none(), t.line_order));
        Ok(waiting)
    }
}
