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
}

fn served(t: &Ticket) -> bool {
    matches!(t.status, TicketStatus::Finished | TicketStatus::Transferred)
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
        })
    }
}
