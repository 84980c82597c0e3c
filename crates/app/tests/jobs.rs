//! The job runner: each job runs at start and then on its period, every run
//! is recorded, a failing or panicking job leaves the others running, and
//! the hall's own jobs do their work once the test clock passes a deadline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use app::{App, AppError, Job, JobStatus, Outcome, Settings, TestClock, Trigger};
use domain::appointment::AppointmentStatus;
use jiff::SignedDuration;
use jiff::civil::Date;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use store::Store;

const QUICK: Duration = Duration::from_millis(20);

async fn app_on(dir: &tempfile::TempDir, clock: TestClock) -> App {
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let store: Arc<dyn Store> = Arc::new(store_sqlite::SqliteStore::connect(&url).await.unwrap());
    App::with_clock(store, Settings::default().always_open(), Arc::new(clock))
}

fn status<'a>(all: &'a [JobStatus], code: &str) -> &'a JobStatus {
    all.iter().find(|s| s.code == code).unwrap()
}

/// Waits (on the runner's signal, not on a timer) until `done` holds.
async fn until(app: &App, done: impl Fn(&[JobStatus]) -> bool) -> Vec<JobStatus> {
    let mut runs = app.subscribe_job_runs();
    let wait = async {
        loop {
            let all = app.job_statuses();
            if done(&all) {
                return all;
            }
            runs.changed().await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .unwrap_or_else(|_| panic!("jobs never got there: {:#?}", app.job_statuses()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_runs_every_job_on_its_period_and_survives_failures() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new("2026-03-02T01:00:00Z".parse().unwrap());
    let done = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&done);
    let app = app_on(&dir, clock.clone()).await.with_jobs(vec![
        Job::new("count", "计数", QUICK, move |_| {
            let counter = Arc::clone(&counter);
            async move { Ok(counter.fetch_add(1, Ordering::SeqCst) % 3) }
        }),
        Job::new("fail", "总是失败", QUICK, |_| async {
            Err(AppError::NotFound("找不到要处理的记录".into()))
        }),
        Job::new("panic", "异常终止", QUICK, |_| async {
            panic!("a bug in a job")
        }),
        Job::new("hourly", "每小时", Duration::from_secs(3600), |app| async move {
            // Stamped with the app's clock.
            assert_eq!(app.now(), "2026-03-02T01:00:00Z".parse().unwrap());
            Ok(7)
        }),
    ]);
    let runner = app.start_jobs();
    let all = until(&app, |all| {
        ["count", "fail", "panic"]
            .iter()
            .all(|c| status(all, c).runs >= 3)
    })
    .await;
    runner.stop().await;

    let count = status(&all, "count");
    assert_eq!(count.failures, 0);
    assert_eq!(count.name, "计数");
    assert_eq!(count.every, QUICK);
    // The board keeps the last KEEP_RUNS runs; on a busy machine `count` may run more
    // often than that before the slower jobs reach three runs.
    let items: u64 = count.recent.iter().map(|r| r.items()).sum();
    if count.runs as usize <= app::job_board::KEEP_RUNS {
        assert_eq!(items, count.items);
    } else {
        assert_eq!(count.recent.len(), app::job_board::KEEP_RUNS);
        assert!(items <= count.items, "{items} > {}", count.items);
    }
    let last = count.last().unwrap();
    assert_eq!(last.trigger, Trigger::Schedule);
    assert_eq!(last.started, app.now());
    assert!(count.recent.windows(2).all(|w| w[0].started >= w[1].started));

    let fail = status(&all, "fail");
    assert_eq!(fail.failures, fail.runs);
    assert_eq!(
        fail.last().unwrap().outcome,
        Outcome::Failed("找不到要处理的记录".into())
    );
    let panicked = status(&all, "panic");
    assert_eq!(panicked.failures, panicked.runs);
    assert_eq!(
        panicked.last().unwrap().outcome,
        Outcome::Failed("任务异常终止".into())
    );

    // The hourly job ran once, at start, and waits for its hour.
    let hourly = status(&all, "hourly");
    assert_eq!((hourly.runs, hourly.items), (1, 7));

    // Stopped after the runs in progress ended: nothing is left half-run.
    assert!(app.job_statuses().iter().all(|s| s.running_since.is_none()));

    // Run by hand (the command line, tests): recorded like any other run.
    let run = app.run_job("hourly").await.unwrap();
    assert_eq!(run.outcome, Outcome::Ok { items: 7 });
    assert_eq!(status(&app.job_statuses(), "hourly").runs, 2);
    assert!(matches!(app.run_job("nothing").await, Err(AppError::NotFound(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_halls_jobs_mark_a_no_show_once_the_clock_passes_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::default().always_open();
    let day = Date::constant(2026, 3, 2);
    let eight = support::eight_on(day, &settings);
    let clock = TestClock::new(eight);
    let app = app_on(&dir, clock.clone()).await;
    let codes: Vec<&str> = app.job_statuses().iter().map(|s| s.code).collect();
    assert_eq!(
        codes,
        [
            "no_show_sweep",
            "turn_reminders",
            "evaluation_invitations",
            "rectification_escalation",
            "complaint_escalation",
            "security_failures_prune",
            // issue 15 part 6
            "deadline_cards"
        ]
    );
    let app = app.with_jobs(
        app::jobs::standard_jobs()
            .into_iter()
            .map(|j| j.every(QUICK))
            .collect(),
    );
    app.seed_demo().await.unwrap();
    app.seed_demo_floor().await.unwrap();
    app.store
        .book_appointment(&support::booking("JOBS1", day, "jobs-test", app.now()))
        .await
        .unwrap();

    let runner = app.start_jobs();
    // Every job runs at start and keeps running; at 08:00 nothing is missed.
    until(&app, |all| all.iter().all(|s| s.runs >= 2)).await;
    let sweep = status(&app.job_statuses(), "no_show_sweep").clone();
    assert_eq!((sweep.items, sweep.failures), (0, 0));
    assert_eq!(
        app.store.appointment("JOBS1").await.unwrap().status,
        AppointmentStatus::Booked
    );

    // 09:16: the next sweep marks it, once.
    clock.advance(SignedDuration::from_mins(76));
    let all = until(&app, |all| status(all, "no_show_sweep").items == 1).await;
    let runs = status(&all, "no_show_sweep").runs;
    until(&app, |all| status(all, "no_show_sweep").runs >= runs + 2).await;
    runner.stop().await;
    let sweep = status(&app.job_statuses(), "no_show_sweep").clone();
    assert_eq!((sweep.items, sweep.failures), (1, 0));
    assert_eq!(
        app.store.appointment("JOBS1").await.unwrap().status,
        AppointmentStatus::NoShow
    );
    let marked = sweep.recent.iter().find(|r| r.items() == 1).unwrap();
    assert_eq!(marked.started, app.now());
}
