//! Pure hall rules (政务服务大厅业务规则): no I/O, no async, no SQL.
//!
//! Everything here is deterministic and tested without a database, so the
//! rules that decide a citizen's deadline or a catalog's validity can be read
//! and checked on their own.

pub mod appointment;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod complaint;
pub mod evaluation;
pub mod home_visit;
pub mod identity;
pub mod inspection;
pub mod opening_hours;
pub mod permission;
pub mod photo;
pub mod queue;
pub mod rectification;
pub mod role;
// issue 15 part 5: scalpers
pub mod scalper;
pub mod search;
pub mod statutory;
// issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
pub mod card;
// issue 16: monthly assessment, vetoes, red flag and stars, 三评
pub mod assessment;
pub mod duty_log;
pub mod morning_meeting;
// issue 16 part 6: training
pub mod training;
// issue 16 part 7: campaigns
pub mod campaign;
// issue 17: one timeline from ticket to case to evaluation
pub mod timeline;
// issue 17: 告知承诺制, 数据共享、电子证照
pub mod commitment;
// issue 17: online application (网上申报) and pre-review (预审)
pub mod application;
// issue 17: smart guide (智能导办)
pub mod guide;
// issue 18: staffing planner (动态调整窗口)
pub mod staffing;
// issue 18: dashboard
pub mod dashboard;
// issue 18: charts
pub mod chart;
// issue 17 part 1: the kiosk's on-screen pinyin keyboard (智能导办)
pub mod guide_keyboard;
pub mod guide_similar;
pub mod guide_sound;

pub use calendar::{CalendarError, WorkCalendar};
pub use role::Role;
