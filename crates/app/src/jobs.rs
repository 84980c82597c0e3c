//! 后台任务 (the job runner): one runner owns every periodic task of the
//! hall. A job is one line in [`standard_jobs`]: its code, its Chinese name,
//! its period and the use case it runs. Every run is recorded (see
//! [`crate::job_board`]), logged and counted in the metrics
//! (`govhall_job_runs_total{job,outcome}`, `govhall_job_seconds{job}`,
//! `govhall_job_items_total{job}`). A failing job is tried again on its next
//! period and never stops the server. Jobs are idempotent: every start runs
//! them at once, and a restart or a second instance does nothing twice.

use crate::auth::{Session, require};
use crate::job_board::{JobBoard, JobRun, JobStatus, Outcome, Slot, Trigger};
use crate::{Actor, App, AppError, AppResult, Conflict};
use domain::permission::Permission;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

const TEN_SECONDS: Duration = Duration::from_secs(10);
const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

/// Every background job of `govhall serve`. A new job is one line here.
pub fn standard_jobs() -> Vec<Job> {
    vec![
        Job::new("no_show_sweep", "预约爽约清理", MINUTE, |app| async move {
            app.appointments.sweep_no_shows().await
        }),
        Job::new("turn_reminders", "到号提醒短信", TEN_SECONDS, |app| async move {
            counted(app.queue.queue_turn_reminders().await)
        }),
        Job::new("evaluation_invitations", "短信邀评", MINUTE, |app| async move {
            counted(app.evaluations.queue_evaluation_invitations().await)
        }),
        Job::new(
            "rectification_escalation",
            "整改超期报送领导",
            MINUTE,
            |app| async move { counted(app.rectifications.escalate_overdue_rectifications().await) },
        ),
        // 督查: complaints
        Job::new(
            "complaint_escalation",
            "投诉逾期提请领导督办",
            MINUTE,
            |app| async move { counted(app.complaints.escalate_overdue_complaints().await) },
        ),
        Job::new(
            "security_failures_prune",
            "清理安全限流记录",
            HOUR,
            |app| async move { app.prune_security_failures().await },
        ),
        // issue 15 part 6: yellow/red cards on case deadlines
        Job::new("deadline_cards", "效能监察黄牌红牌", MINUTE, |app| async move {
            counted(app.cards.issue_deadline_cards().await)
        }),
    ]
}

fn counted(done: AppResult<usize>) -> AppResult<u64> {
    done.map(|n| u64::try_from(n).unwrap_or(u64::MAX))
}

type RunFn = dyn Fn(App) -> Pin<Box<dyn Future<Output = AppResult<u64>> + Send>> + Send + Sync;

/// A periodic job: what it is called, how often it runs, and what it does
/// (answering how many items it handled).
#[derive(Clone)]
pub struct Job {
    pub code: &'static str,
    pub name: &'static str,
    pub every: Duration,
    run: Arc<RunFn>,
}

impl Job {
    pub fn new<F, Fut>(code: &'static str, name: &'static str, every: Duration, run: F) -> Job
    where
        F: Fn(App) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = AppResult<u64>> + Send + 'static,
    {
        Job {
            code,
            name,
            every,
            run: Arc::new(move |app| Box::pin(run(app))),
        }
    }

    /// The same job on another period (tests run the hall's jobs quickly).
    pub fn every(self, every: Duration) -> Job {
        Job { every, ..self }
    }
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("code", &self.code)
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// The running jobs of `govhall serve`; [`JobRunner::stop`] ends them.
/// Dropping it without stopping aborts them.
#[derive(Debug)]
pub struct JobRunner {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// How long a stop waits for runs in progress before abandoning them.
const STOP_GRACE: Duration = Duration::from_secs(5);

impl JobRunner {
    /// Lets the runs in progress finish (a few seconds at most), then stops.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        for mut task in std::mem::take(&mut self.tasks) {
            if tokio::time::timeout(STOP_GRACE, &mut task).await.is_err() {
                task.abort();
            }
        }
    }
}

impl Drop for JobRunner {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl App {
    /// This app with other jobs in place of [`standard_jobs`] (before it is shared).
    pub fn with_jobs(mut self, jobs: Vec<Job>) -> App {
        self.jobs = Arc::new(JobBoard::new(jobs));
        self
    }

    /// Starts every job: each runs at once, then on its period.
    pub fn start_jobs(&self) -> JobRunner {
        let (stop, stopped) = watch::channel(false);
        let tasks = (0..self.jobs.slots.len())
            .map(|index| tokio::spawn(self.clone().run_periodically(index, stopped.clone())))
            .collect();
        JobRunner { stop, tasks }
    }

    async fn run_periodically(self, index: usize, mut stopped: watch::Receiver<bool>) {
        let board = Arc::clone(&self.jobs);
        let Some(slot) = board.slots.get(index) else {
            return;
        };
        let mut tick = tokio::time::interval(slot.job.every.max(Duration::from_millis(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = stopped.changed() => return,
                _ = tick.tick() => {}
            }
            let _one_at_a_time = slot.gate.lock().await;
            self.execute(&board, slot, Trigger::Schedule).await;
        }
    }

    /// Runs `slot`'s job once and records the run; never fails, never panics.
    async fn execute(&self, board: &JobBoard, slot: &Slot, trigger: Trigger) -> JobRun {
        let job = &slot.job;
        let started = self.now();
        slot.started(started);
        let clock = Instant::now();
        // Its own task, so that even a panicking job leaves the runner standing.
        let outcome = match tokio::spawn((job.run)(self.clone())).await {
            Ok(Ok(items)) => Outcome::Ok { items },
            Ok(Err(e)) => Outcome::Failed(e.to_string()),
            Err(e) if e.is_panic() => Outcome::Failed("任务异常终止".into()),
            Err(_) => Outcome::Failed("任务被取消".into()),
        };
        let seconds = clock.elapsed().as_secs_f64();
        match &outcome {
            Outcome::Ok { items: 0 } => tracing::debug!(job = job.code, seconds, "job done"),
            Outcome::Ok { items } => tracing::info!(job = job.code, items, seconds, "job done"),
            Outcome::Failed(error) => {
                tracing::warn!(job = job.code, %error, "job failed; it runs again on its next period")
            }
        }
        let label = if matches!(outcome, Outcome::Ok { .. }) {
            "ok"
        } else {
            "error"
        };
        metrics::counter!("govhall_job_runs_total", "job" => job.code, "outcome" => label).increment(1);
        metrics::histogram!("govhall_job_seconds", "job" => job.code).record(seconds);
        let run = JobRun {
            job: job.code,
            started,
            finished: self.now(),
            seconds,
            trigger,
            outcome,
        };
        metrics::counter!("govhall_job_items_total", "job" => job.code).increment(run.items());
        board.record(slot, run.clone());
        run
    }

    /// Runs a job now, waiting for a run in progress to end first (tests, the command line).
    pub async fn run_job(&self, code: &str) -> AppResult<JobRun> {
        let board = Arc::clone(&self.jobs);
        let slot = board.slot(code).ok_or_else(|| unknown(code))?;
        let _one_at_a_time = slot.gate.lock().await;
        Ok(self.execute(&board, slot, Trigger::Schedule).await)
    }

    /// 立即运行 (administrator): runs a job now unless it is running already; audit-logged.
    #[tracing::instrument(skip_all, fields(job = code))]
    pub async fn run_job_now(&self, session: &Session, code: &str) -> AppResult<JobRun> {
        require(session, Permission::JobsRun)?;
        let board = Arc::clone(&self.jobs);
        let slot = board.slot(code).ok_or_else(|| unknown(code))?;
        let Ok(_one_at_a_time) = slot.gate.try_lock() else {
            return Err(AppError::conflict(
                Conflict::Busy,
                format!("“{}”正在运行，请稍后再试", slot.job.name),
            ));
        };
        let trigger = Trigger::Manual(session.user.username.clone());
        let run = self.execute(&board, slot, trigger).await;
        let detail = match &run.outcome {
            Outcome::Ok { items } => format!("{}：完成，处理{items}项", slot.job.name),
            Outcome::Failed(e) => format!("{}：失败，{e}", slot.job.name),
        };
        self.audit(&Actor::user(&session.user), "job.run", code, &detail)
            .await?;
        Ok(run)
    }

    /// Every job, its period and its runs (administrator, supervisor).
    pub fn background_jobs(&self, session: &Session) -> AppResult<Vec<JobStatus>> {
        require(session, Permission::JobsRead)?;
        Ok(self.job_statuses())
    }

    /// Every job and its runs, unchecked (tests and metrics).
    pub fn job_statuses(&self) -> Vec<JobStatus> {
        self.jobs.statuses()
    }

    /// A signal that changes whenever a run is recorded (its value: runs so far).
    pub fn subscribe_job_runs(&self) -> watch::Receiver<u64> {
        self.jobs.subscribe()
    }
}

fn unknown(code: &str) -> AppError {
    AppError::NotFound(format!("没有后台任务“{code}”"))
}
