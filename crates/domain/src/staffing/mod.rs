//! The staffing planner (动态调整窗口): how many windows each category needs
//! in each half-hour of a day, from a forecast of arrivals (the same weekday
//! of the last weeks plus the appointments already booked) and the mean
//! service time, by Erlang C; a simulation of the day then confirms each
//! figure or adds a window where it falls short, and every figure is
//! explained in one sentence a hall director can read aloud.

pub mod erlang;
pub mod forecast;
pub mod plan;
pub mod simulation;

pub use erlang::{Staffing, windows_for};
pub use forecast::{Booking, CategoryForecast, Forecast, HistoryTicket, SlotGrid, forecast};
pub use plan::{Plan, PlanSlot, Target, build_plan};
pub use simulation::{SimCategory, SimDay, SimOutcome, SimWindow, SlotStats, simulate};
