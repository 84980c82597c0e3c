//! Use cases (业务用例): one function per thing a person does in the hall.
//! Each applies the domain rules, writes through the store and records who
//! did it in the audit log. Depends on `domain` and `store` only.

pub mod appointment;
pub mod audit;
pub mod auth;
pub mod batch;
pub mod calendar;
pub mod case;
pub mod case_documents;
pub mod case_ledger;
pub mod case_ledger_xlsx;
pub mod case_recompute;
pub mod case_scope;
pub mod catalog;
pub mod clock;
pub mod crypto;
pub mod demo;
mod error;
pub mod evaluation;
pub mod evaluation_monthly;
pub mod evaluation_report;
pub mod evaluation_xlsx;
pub mod floor;
pub mod home_visit;
pub mod job_board;
pub mod jobs;
pub mod pad;
pub mod queue;
mod queue_cache;
pub mod queue_report;
pub mod queue_setup;
pub mod rectification;
pub mod settings;
pub mod sms;
pub mod throttle;

pub use clock::{Clock, SystemClock, TestClock};
pub use error::{AppError, Conflict};
pub use job_board::{JobRun, JobStatus, Outcome, Trigger};
pub use jobs::{Job, JobRunner};
pub use settings::Settings;

use domain::search::Tokenizer;
use std::sync::Arc;
use store::Store;

pub type AppResult<T> = Result<T, AppError>;

/// Who is doing something: a signed-in user, or the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub username: String,
    pub role: Option<domain::Role>,
}

impl Actor {
    /// The administrator's shell (`govhall catalog import …`).
    pub fn cli() -> Actor {
        Actor {
            username: "命令行".into(),
            role: Some(domain::Role::Admin),
        }
    }

    pub fn user(user: &store::User) -> Actor {
        Actor {
            username: user.username.clone(),
            role: Some(user.role),
        }
    }
}

/// The application: the store, settings, the clock, the background jobs and
/// the caches of what the public reads.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    clock: Arc<dyn Clock>,
    tokenizer: Arc<Tokenizer>,
    catalog_cache: Arc<catalog::PublishedCache>,
    calendar_cache: Arc<calendar::CalendarCache>,
    calls: tokio::sync::broadcast::Sender<store::queue::CallEvent>,
    writers: Arc<queue::Writers>,
    setup_cache: Arc<queue_cache::SetupCache>,
    evaluation_writer: Arc<std::sync::OnceLock<evaluation::EvaluationWriter>>,
    jobs: Arc<job_board::JobBoard>,
}

impl App {
    /// The application on the system clock.
    pub fn new(store: Arc<dyn Store>, settings: Settings) -> App {
        App::with_clock(store, settings, Arc::new(SystemClock))
    }

    /// The application on another clock (a [`TestClock`] that tests move on).
    pub fn with_clock(store: Arc<dyn Store>, settings: Settings, clock: Arc<dyn Clock>) -> App {
        App {
            store,
            settings: Arc::new(settings),
            clock,
            tokenizer: Arc::new(Tokenizer::default()),
            catalog_cache: Arc::default(),
            calendar_cache: Arc::default(),
            calls: tokio::sync::broadcast::channel(1024).0,
            writers: Arc::default(),
            setup_cache: Arc::default(),
            evaluation_writer: Arc::default(),
            jobs: Arc::new(job_board::JobBoard::new(jobs::standard_jobs())),
        }
    }

    /// Live calls for the hall displays of this instance.
    pub fn subscribe_calls(&self) -> tokio::sync::broadcast::Receiver<store::queue::CallEvent> {
        self.calls.subscribe()
    }

    fn publish_call(&self, event: store::queue::CallEvent) {
        // No display listening is normal (a hall without a TV).
        let _ = self.calls.send(event);
    }

    /// The instant now, from the application's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Today in the hall's time zone.
    pub fn today(&self) -> jiff::civil::Date {
        self.now().to_zoned(self.settings.time_zone()).date()
    }
}
