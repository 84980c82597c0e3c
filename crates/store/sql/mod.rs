//! The SQL both backends share, as ordinary Rust: one module per capability,
//! compiled by each backend crate as its `shared` module
//! (`#[path = "../../store/sql/mod.rs"] mod shared;`) with that backend's own
//! connection types and the few fragments of SQL its database says
//! differently, both from its `dialect` module. SQLite and PostgreSQL both
//! bind `$1..$N`, return rows with `RETURNING` and upsert with `ON CONFLICT`,
//! so the text is written once; rows come back through
//! `#[derive(sqlx::FromRow)]` structs, each with one conversion into the
//! records of the `store` crate. rustfmt and clippy see these files through
//! both backends.
//!
//! Not part of the `store` crate's module tree: `store` only holds the
//! traits, the records and what these modules need from it (`store::sql`).

mod assessment;
pub(crate) mod backup;
mod bench;
mod case;
mod case_ledger;
mod complaint;
mod evaluation;
mod evaluation_record;
mod foundation;
mod home_visit;
mod pad;
mod queue;
mod queue_call;
mod queue_take;
// issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
mod conduct;
// Issue 15 part 2: inspections (督查).
mod inspection;
// issue 15 part 5: scalpers
mod scalper;
// issue 16 part 6: training
mod training;
// issue 16 part 7: campaigns
mod campaign;
// issue 17: one timeline from ticket to case to evaluation
mod timeline;
// issue 17: 告知承诺制, 数据共享、电子证照
mod commitment;
// issue 17: online application (网上申报) and pre-review (预审)
mod application;
// issue 17: smart guide (智能导办)
mod guide;
// issue 18: staffing planner (动态调整窗口)
mod staffing;
// issue 18: reports
mod hall_report;
// issue 18: dashboard
mod dashboard;
