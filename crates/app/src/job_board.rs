//! The record of the background jobs' runs (运行记录), kept in memory: the
//! last runs of each job and its totals since this instance started. Each
//! instance keeps its own; the jobs' work itself is in the database and
//! idempotent, so nothing here needs to survive a restart.

use crate::jobs::Job;
use jiff::Timestamp;
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// Runs kept per job.
pub const KEEP_RUNS: usize = 20;

/// How one run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Done; how many items it handled (appointments marked, messages queued…).
    Ok { items: u64 },
    /// Failed with this message; the job runs again on its next period.
    Failed(String),
}

/// What started a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// The job's period came round (or the server started).
    Schedule,
    /// Someone pressed 立即运行 (their username).
    Manual(String),
}

/// One run of a job.
#[derive(Debug, Clone)]
pub struct JobRun {
    pub job: &'static str,
    pub started: Timestamp,
    pub finished: Timestamp,
    /// Wall time the run took.
    pub seconds: f64,
    pub trigger: Trigger,
    pub outcome: Outcome,
}

impl JobRun {
    pub fn items(&self) -> u64 {
        match self.outcome {
            Outcome::Ok { items } => items,
            Outcome::Failed(_) => 0,
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
    }
}

/// A job as the admin page shows it.
#[derive(Debug, Clone)]
pub struct JobStatus {
    pub code: &'static str,
    pub name: &'static str,
    pub every: Duration,
    /// When the run in progress started, if one is.
    pub running_since: Option<Timestamp>,
    /// The last runs, newest first.
    pub recent: Vec<JobRun>,
    /// Runs, failed runs and items handled since this instance started.
    pub runs: u64,
    pub failures: u64,
    pub items: u64,
}

impl JobStatus {
    pub fn last(&self) -> Option<&JobRun> {
        self.recent.first()
    }
}

#[derive(Default)]
struct Record {
    recent: VecDeque<JobRun>,
    runs: u64,
    failures: u64,
    items: u64,
    running_since: Option<Timestamp>,
}

/// One job and its record. The gate lets one run of a job go at a time in
/// this instance (the period and a 立即运行 never overlap).
pub(crate) struct Slot {
    pub job: Job,
    pub gate: tokio::sync::Mutex<()>,
    record: Mutex<Record>,
}

impl Slot {
    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn started(&self, at: Timestamp) {
        self.record().running_since = Some(at);
    }

    fn status(&self) -> JobStatus {
        let r = self.record();
        JobStatus {
            code: self.job.code,
            name: self.job.name,
            every: self.job.every,
            running_since: r.running_since,
            recent: r.recent.iter().rev().cloned().collect(),
            runs: r.runs,
            failures: r.failures,
            items: r.items,
        }
    }
}

/// Every job of the app and what its runs did.
pub(crate) struct JobBoard {
    pub slots: Vec<Slot>,
    /// Runs recorded so far, for whoever waits on them (tests, the page).
    recorded: watch::Sender<u64>,
}

impl JobBoard {
    pub fn new(jobs: Vec<Job>) -> JobBoard {
        JobBoard {
            slots: jobs
                .into_iter()
                .map(|job| Slot {
                    job,
                    gate: tokio::sync::Mutex::new(()),
                    record: Mutex::default(),
                })
                .collect(),
            recorded: watch::channel(0).0,
        }
    }

    pub fn slot(&self, code: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.job.code == code)
    }

    pub fn record(&self, slot: &Slot, run: JobRun) {
        {
            let mut r = slot.record();
            r.running_since = None;
            r.runs += 1;
            r.items += run.items();
            if run.failed() {
                r.failures += 1;
            }
            if r.recent.len() == KEEP_RUNS {
                r.recent.pop_front();
            }
            r.recent.push_back(run);
        }
        self.recorded.send_modify(|n| *n += 1);
    }

    pub fn statuses(&self) -> Vec<JobStatus> {
        self.slots.iter().map(Slot::status).collect()
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.recorded.subscribe()
    }
}
