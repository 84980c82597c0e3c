//! 指挥中心 (the live dashboard, issue 18 part 1): today's picture of the
//! hall for the director's wall, read from the records (tickets, windows,
//! cases, evaluations, rectifications, complaints, inspections, scalper
//! alerts), the month's 流动红旗 (assessment) and the running campaigns'
//! KPIs (campaigns).
//!
//! One shared snapshot per instance feeds every live listener: a refresher
//! task runs only while someone listens, recomputes at most about once a
//! second — at once when this instance's [`HallChanges`] signal or a call
//! wakes it, otherwise every second to catch other instances' writes — and
//! publishes the snapshot only when it changed. The 流动红旗, the
//! campaigns' KPIs and the month's evaluations before today read whole
//! months, so they are kept: after [`SLOW_PARTS_SECONDS`] seconds one
//! background task reads them again while the kept copy is still served (read
//! in the request only the first time of a business day); today's counts are
//! read every time.

use crate::assessment::{AssessmentService, RedFlag};
use crate::auth::{Session, require};
use crate::campaign::CampaignService;
use crate::queue::QueueService;
use crate::{AppResult, Hall};
use domain::dashboard::{Tone, amber_until, attention, none_allowed, satisfaction_tone, wait_tone};
use domain::evaluation::{Tally, percent};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::dashboard::{DashboardFacts, DashboardQuery, DashboardStore};
use store::evaluation::EvaluationStore;
use store::queue::{TicketStatus, WindowStatus};
use tokio::sync::watch;
use uuid::Uuid;

/// How long the red flag and the campaigns' KPIs are kept.
pub const SLOW_PARTS_SECONDS: u64 = 60;
/// The refresher's poll (other instances' writes show within it).
const POLL: Duration = Duration::from_millis(1000);
/// The least time between two recomputations, however many events wake it.
const MIN_GAP: Duration = Duration::from_millis(500);
/// The most running campaigns shown.
const CAMPAIGNS_SHOWN: usize = 4;

/// 大厅变动: a counter bumped after what changes the dashboard (a ticket
/// taken, called or finished, a window opened or paused, a case accepted,
/// an evaluation recorded) on this instance.
#[derive(Debug)]
pub struct HallChanges {
    tx: watch::Sender<u64>,
}

impl Default for HallChanges {
    fn default() -> Self {
        HallChanges {
            tx: watch::channel(0).0,
        }
    }
}

impl HallChanges {
    pub fn bump(&self) {
        self.tx.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.tx.subscribe()
    }
}

/// A category's queue now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryNow {
    pub prefix: String,
    pub name: String,
    /// Waiting now.
    pub waiting: u64,
    /// Minutes the longest-waiting ticket of the category has waited.
    pub longest_wait_minutes: i64,
    pub tone: Tone,
    /// Tickets taken today (transfers included).
    pub taken: u64,
    /// Finished here today.
    pub served: u64,
}

/// A window now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowNow {
    pub number: String,
    pub name: String,
    pub status: WindowStatus,
    /// 服务中, 暂停 or 关闭.
    pub status_label: &'static str,
    pub pause_reason: String,
    /// 临时窗口.
    pub temporary: bool,
    /// Tickets called at this window today (叫号).
    pub calls: u64,
    /// Of them, finished (办结).
    pub served: u64,
}

/// A department's open cases near or past their deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentNow {
    pub department: String,
    /// 预警: a few working days left (or paused past the deadline).
    pub amber: u64,
    /// 超期.
    pub overdue: u64,
}

/// A running campaign's KPIs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignNow {
    pub id: Uuid,
    pub name: String,
    pub from: Date,
    pub to: Date,
    pub kpis: Vec<KpiNow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiNow {
    pub label: &'static str,
    pub current_text: String,
    pub target_text: String,
    /// `null` before there is anything to measure.
    pub met: Option<bool>,
}

/// The month's 流动红旗.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedFlagNow {
    pub month: String,
    /// The window's number; `null` when no window qualifies (yet).
    pub window: Option<String>,
    pub name: Option<String>,
    pub score: Option<f64>,
    /// Decided (定档) or still read from the records.
    pub frozen: bool,
}

impl RedFlagNow {
    fn of(f: RedFlag) -> RedFlagNow {
        RedFlagNow {
            month: f.month,
            window: f.window,
            name: f.name,
            score: f.score,
            frozen: f.frozen,
        }
    }
}

/// The colours of the headline figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tones {
    pub longest_wait: Tone,
    pub overdue: Tone,
    pub amber: Tone,
    pub satisfaction_today: Tone,
    pub satisfaction_month: Tone,
    pub bad_open: Tone,
    pub complaints_overdue: Tone,
    pub scalper_alerts: Tone,
}

/// `GET /api/dashboard`: today's picture (business date in the hall's time zone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    /// The business date.
    pub date: Date,
    /// 今日到访: people who took a ticket today, counted by ticket; a
    /// transfer to another category is the same visit and not counted again.
    pub visitors: u64,
    /// Tickets taken today, transfers included.
    pub tickets: u64,
    /// Waiting now (every category).
    pub waiting: u64,
    /// Minutes the longest-waiting ticket has waited (0 with nobody waiting).
    pub longest_wait_minutes: i64,
    /// Windows serving now (临时 ones included).
    pub windows_open: u64,
    pub windows_paused: u64,
    pub windows_closed: u64,
    /// 临时窗口 open now.
    pub windows_temporary: u64,
    /// Tickets finished today.
    pub served: u64,
    /// Cases accepted today (受理).
    pub accepted: u64,
    /// Cases completed today (办结).
    pub completed: u64,
    /// Open cases past their deadline, not paused (超期), the whole hall.
    pub overdue: u64,
    /// Open cases with a few working days left, or paused past their deadline (预警).
    pub amber: u64,
    /// 满意率 of today's valid evaluations (a fraction; `null` without any).
    pub satisfaction_today: Option<f64>,
    /// 满意率 from the first of the month to today.
    pub satisfaction_month: Option<f64>,
    pub satisfaction_today_text: String,
    pub satisfaction_month_text: String,
    pub evaluations_today: u64,
    pub evaluations_month: u64,
    /// 差评 awaiting rectification (整改 not closed).
    pub bad_open: u64,
    /// Of them, past their due date.
    pub bad_overdue: u64,
    /// Every open rectification (差评, 投诉查实, 督查不合格).
    pub rectifications_open: u64,
    /// Complaints not archived.
    pub complaints_open: u64,
    /// Of them, with a step late (受理 or 答复).
    pub complaints_overdue: u64,
    pub complaints_today: u64,
    /// Inspections recorded today.
    pub inspections_today: u64,
    /// Of them, with a deduction (any status but 无扣分).
    pub inspections_failed_today: u64,
    /// Scalper alerts not yet acknowledged.
    pub scalper_alerts_open: u64,
    pub scalper_alerts_today: u64,
    pub categories: Vec<CategoryNow>,
    pub windows: Vec<WindowNow>,
    /// Departments with amber or overdue cases, most overdue first.
    pub departments: Vec<DepartmentNow>,
    pub red_flag: Option<RedFlagNow>,
    pub campaigns: Vec<CampaignNow>,
    pub tones: Tones,
}

/// What the live listeners receive: the dashboard and its JSON.
#[derive(Debug, Clone)]
pub struct Published {
    pub dashboard: Arc<Dashboard>,
    pub json: Arc<str>,
}

#[derive(Clone, Default)]
struct SlowParts {
    /// The business date they were read on.
    day: Option<Date>,
    red_flag: Option<RedFlagNow>,
    campaigns: Vec<CampaignNow>,
    /// The month's evaluations before today (today's are read each time).
    month_before_today: Tally,
}

struct Hub {
    snapshot: watch::Sender<Option<Published>>,
    /// Whether the refresher runs, and a listener's session (every role
    /// that reads the dashboard reads the campaigns whole).
    refresher: Mutex<Option<Session>>,
    running: Mutex<bool>,
    slow: tokio::sync::Mutex<Option<(Instant, SlowParts)>>,
    /// Whether a background refresh of the slow parts is under way (one at a time).
    refreshing: std::sync::atomic::AtomicBool,
}

/// The dashboard's use cases.
#[derive(Clone)]
pub struct DashboardService {
    pub(crate) hall: Hall,
    store: Arc<dyn DashboardStore>,
    evaluations: Arc<dyn EvaluationStore>,
    queue: QueueService,
    assessment: AssessmentService,
    campaigns: CampaignService,
    hub: Arc<Hub>,
}

/// The hall's tally of level counts without grouping.
fn whole(rows: &[store::evaluation::LevelCount]) -> Tally {
    crate::evaluation_report::tallies(rows)
        .values()
        .next()
        .copied()
        .unwrap_or_default()
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

impl DashboardService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn DashboardStore>,
        evaluations: Arc<dyn EvaluationStore>,
        queue: QueueService,
        assessment: AssessmentService,
        campaigns: CampaignService,
    ) -> DashboardService {
        DashboardService {
            hall,
            store,
            evaluations,
            queue,
            assessment,
            campaigns,
            hub: Arc::new(Hub {
                snapshot: watch::channel(None).0,
                refresher: Mutex::new(None),
                running: Mutex::new(false),
                slow: tokio::sync::Mutex::new(None),
                refreshing: std::sync::atomic::AtomicBool::new(false),
            }),
        }
    }

    /// 指挥中心: today's picture, read now (the red flag and the campaigns'
    /// KPIs at most [`SLOW_PARTS_SECONDS`] old).
    #[tracing::instrument(skip_all)]
    pub async fn dashboard(&self, session: &Session) -> AppResult<Dashboard> {
        require(session, Permission::DashboardRead)?;
        self.compute(session).await
    }

    /// The live snapshot for a stream: the receiver holds the newest
    /// snapshot (`None` until the first is computed) and changes whenever
    /// the picture does. The refresher runs while any receiver lives.
    pub fn subscribe(&self, session: &Session) -> AppResult<watch::Receiver<Option<Published>>> {
        require(session, Permission::DashboardRead)?;
        if let Ok(mut s) = self.hub.refresher.lock() {
            *s = Some(session.clone());
        }
        let rx = self.hub.snapshot.subscribe();
        let start = match self.hub.running.lock() {
            Ok(mut running) if !*running => {
                *running = true;
                true
            }
            _ => false,
        };
        if start {
            let me = self.clone();
            tokio::spawn(async move { me.refresh_loop().await });
        }
        Ok(rx)
    }

    /// The JSON as the API and the stream send it.
    pub fn publish(dashboard: Dashboard) -> AppResult<Published> {
        let json: Arc<str> = serde_json::to_string(&dashboard)
            .map_err(crate::AppError::internal)?
            .into();
        Ok(Published {
            dashboard: Arc::new(dashboard),
            json,
        })
    }

    async fn refresh_loop(self) {
        let mut changes = self.changes.subscribe();
        let mut calls = self.queue.subscribe_calls();
        let mut last: Option<Instant> = None;
        loop {
            {
                let Ok(mut running) = self.hub.running.lock() else {
                    return;
                };
                if self.hub.snapshot.receiver_count() == 0 {
                    *running = false;
                    return;
                }
            }
            if let Some(since) = last.map(|l| l.elapsed())
                && since < MIN_GAP
            {
                tokio::time::sleep(MIN_GAP - since).await;
            }
            last = Some(Instant::now());
            let session = self.hub.refresher.lock().ok().and_then(|s| s.clone());
            if let Some(session) = session {
                match self.compute(&session).await.and_then(Self::publish) {
                    Ok(p) => {
                        self.hub.snapshot.send_if_modified(|current| {
                            let changed = current.as_ref().is_none_or(|c| c.json != p.json);
                            if changed {
                                *current = Some(p);
                            }
                            changed
                        });
                    }
                    Err(e) => tracing::warn!(error = %e, "指挥中心刷新失败"),
                }
            }
            // Wake on this instance's changes or calls, else poll.
            tokio::select! {
                _ = changes.changed() => {}
                _ = calls.recv() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// The slow parts: the kept copy of today's while it is fresh; once it is older
    /// than [`SLOW_PARTS_SECONDS`], still the kept copy, while one background task
    /// reads them again (so no request waits for the month's red flag scored
    /// live); read in the request only the first time of a day.
    async fn slow_parts(&self, session: &Session, today: Date) -> AppResult<SlowParts> {
        use std::sync::atomic::Ordering;
        let mut slot = self.hub.slow.lock().await;
        if let Some((at, parts)) = slot.as_ref()
            && parts.day == Some(today)
        {
            if at.elapsed() >= Duration::from_secs(SLOW_PARTS_SECONDS)
                && !self.hub.refreshing.swap(true, Ordering::AcqRel)
            {
                let this = self.clone();
                let session = session.clone();
                tokio::spawn(async move {
                    match this.read_slow_parts(&session, today).await {
                        Ok(parts) => *this.hub.slow.lock().await = Some((Instant::now(), parts)),
                        Err(e) => tracing::warn!(error = %e, "指挥中心的红旗与专项活动刷新失败"),
                    }
                    this.hub.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(parts.clone());
        }
        let parts = self.read_slow_parts(session, today).await?;
        *slot = Some((Instant::now(), parts.clone()));
        Ok(parts)
    }

    /// Reads the slow parts from the records.
    async fn read_slow_parts(&self, session: &Session, today: Date) -> AppResult<SlowParts> {
        let month_before_today = match today.yesterday() {
            Ok(yesterday) if yesterday >= today.first_of_month() => {
                let rows = self
                    .evaluations
                    .level_counts(today.first_of_month(), yesterday, None)
                    .await?;
                whole(&rows)
            }
            _ => Tally::default(),
        };
        let red_flag = Some(RedFlagNow::of(self.assessment.red_flag(None).await?));
        let mut campaigns = Vec::new();
        for c in self
            .campaigns
            .list(session)
            .await?
            .into_iter()
            .filter(|c| c.state == "running")
            .take(CAMPAIGNS_SHOWN)
        {
            let view = self.campaigns.campaign(session, c.id).await?;
            campaigns.push(CampaignNow {
                id: view.id,
                name: view.name,
                from: view.from,
                to: view.to,
                kpis: view
                    .kpis
                    .into_iter()
                    .map(|k| KpiNow {
                        label: k.label,
                        current_text: k.current_text,
                        target_text: k.target_text,
                        met: k.met,
                    })
                    .collect(),
            });
        }
        Ok(SlowParts {
            day: Some(today),
            red_flag,
            campaigns,
            month_before_today,
        })
    }

    async fn compute(&self, session: &Session) -> AppResult<Dashboard> {
        let today = self.today();
        let calendar = self.calendar().await?;
        let until = amber_until(&calendar, today, self.settings.cases.amber_days)?;
        let query = DashboardQuery {
            today,
            amber_until: until,
        };
        let (facts, day_counts, categories, windows, slow) = tokio::try_join!(
            async { Ok::<_, crate::AppError>(self.store.dashboard_facts(&query).await?) },
            async { Ok(self.evaluations.level_counts(today, today, None).await?) },
            self.queue.categories(),
            self.queue.windows(),
            self.slow_parts(session, today),
        )?;
        let day = whole(&day_counts);
        let mut month = slow.month_before_today;
        month.merge(&day);
        Ok(self.assemble(today, facts, (day, month), categories, windows, slow))
    }

    fn assemble(
        &self,
        today: Date,
        facts: DashboardFacts,
        (day, month): (Tally, Tally),
        categories: Vec<store::queue::Category>,
        windows: Vec<store::queue::Window>,
        slow: SlowParts,
    ) -> Dashboard {
        let now = self.now();
        let minutes_since = |t: jiff::Timestamp| (now.duration_since(t).as_secs() / 60).max(0);
        let mut cats: Vec<CategoryNow> = categories
            .into_iter()
            .map(|c| {
                let mine = facts.tickets.iter().filter(|g| g.category == c.prefix);
                let (mut waiting, mut taken, mut served, mut oldest) = (0, 0, 0, None);
                for g in mine {
                    taken += count(g.tickets);
                    match g.status {
                        TicketStatus::Waiting => {
                            waiting += count(g.tickets);
                            oldest = match (oldest, g.oldest_taken_at) {
                                (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
                                (a, b) => a.or(b),
                            };
                        }
                        TicketStatus::Finished => served += count(g.tickets),
                        _ => {}
                    }
                }
                let longest = oldest.map(minutes_since).unwrap_or(0);
                CategoryNow {
                    prefix: c.prefix,
                    name: c.name,
                    waiting,
                    longest_wait_minutes: longest,
                    tone: wait_tone(longest),
                    taken,
                    served,
                }
            })
            .collect();
        cats.sort_by(|a, b| b.waiting.cmp(&a.waiting).then(a.prefix.cmp(&b.prefix)));
        let windows: Vec<WindowNow> = windows
            .into_iter()
            .map(|w| {
                let here = facts
                    .tickets
                    .iter()
                    .filter(|g| g.window.as_deref() == Some(w.number.as_str()));
                let (mut calls, mut served) = (0, 0);
                for g in here {
                    calls += count(g.tickets);
                    if g.status == TicketStatus::Finished {
                        served += count(g.tickets);
                    }
                }
                WindowNow {
                    status_label: match w.status {
                        WindowStatus::Open => "服务中",
                        WindowStatus::Paused => "暂停",
                        WindowStatus::Closed => "关闭",
                    },
                    number: w.number,
                    name: w.name,
                    status: w.status,
                    pause_reason: w.pause_reason,
                    temporary: w.temporary,
                    calls,
                    served,
                }
            })
            .collect();
        let mut departments: Vec<DepartmentNow> = facts
            .deadlines
            .iter()
            .filter(|d| d.amber > 0 || d.overdue > 0)
            .map(|d| DepartmentNow {
                department: d.department.clone(),
                amber: count(d.amber),
                overdue: count(d.overdue),
            })
            .collect();
        departments.sort_by(|a, b| {
            (b.overdue, b.amber)
                .cmp(&(a.overdue, a.amber))
                .then(a.department.cmp(&b.department))
        });
        let bad = facts.rectifications.iter().filter(|r| r.source == "evaluation");
        let (mut bad_open, mut bad_overdue) = (0, 0);
        for r in bad {
            bad_open += count(r.count);
            if r.status.is_overdue(r.due, today) {
                bad_overdue += count(r.count);
            }
        }
        let mut complaints_overdue = 0;
        for c in &facts.complaints {
            if domain::complaint::step_overdue(c.status, c.accept_due, c.answer_due, today) {
                complaints_overdue += count(c.count);
            }
        }
        let complaints_open: u64 = facts.complaints.iter().map(|c| count(c.count)).sum();
        let all = facts.tickets.iter();
        let tickets: u64 = all.clone().map(|g| count(g.tickets)).sum();
        let visitors: u64 = all.clone().map(|g| count(g.first_tickets)).sum();
        let waiting: u64 = cats.iter().map(|c| c.waiting).sum();
        let served: u64 = cats.iter().map(|c| c.served).sum();
        let longest_wait_minutes = cats.iter().map(|c| c.longest_wait_minutes).max().unwrap_or(0);
        let overdue: u64 = departments.iter().map(|d| d.overdue).sum();
        let amber: u64 = departments.iter().map(|d| d.amber).sum();
        let open = |s: WindowStatus| windows.iter().filter(|w| w.status == s).count() as u64;
        let satisfaction_today = day.rate();
        let satisfaction_month = month.rate();
        let inspections_today: u64 = facts.inspections.iter().map(|(_, n)| count(*n)).sum();
        let inspections_failed_today: u64 = facts
            .inspections
            .iter()
            .filter(|(s, _)| *s != domain::inspection::InspectionStatus::Clean)
            .map(|(_, n)| count(*n))
            .sum();
        Dashboard {
            date: today,
            visitors,
            tickets,
            waiting,
            longest_wait_minutes,
            windows_open: open(WindowStatus::Open),
            windows_paused: open(WindowStatus::Paused),
            windows_closed: open(WindowStatus::Closed),
            windows_temporary: windows
                .iter()
                .filter(|w| w.temporary && w.status == WindowStatus::Open)
                .count() as u64,
            served,
            accepted: count(facts.accepted),
            completed: count(facts.completed),
            overdue,
            amber,
            satisfaction_today,
            satisfaction_month,
            satisfaction_today_text: percent(satisfaction_today),
            satisfaction_month_text: percent(satisfaction_month),
            evaluations_today: day.valid(),
            evaluations_month: month.valid(),
            bad_open,
            bad_overdue,
            rectifications_open: facts.rectifications.iter().map(|r| count(r.count)).sum(),
            complaints_open,
            complaints_overdue,
            complaints_today: count(facts.complaints_today),
            inspections_today,
            inspections_failed_today,
            scalper_alerts_open: count(facts.scalper_alerts_open),
            scalper_alerts_today: count(facts.scalper_alerts_today),
            tones: Tones {
                longest_wait: wait_tone(longest_wait_minutes),
                overdue: none_allowed(overdue),
                amber: attention(amber),
                satisfaction_today: satisfaction_tone(satisfaction_today),
                satisfaction_month: satisfaction_tone(satisfaction_month),
                bad_open: if bad_overdue > 0 {
                    Tone::Red
                } else {
                    attention(bad_open)
                },
                complaints_overdue: none_allowed(complaints_overdue),
                scalper_alerts: attention(count(facts.scalper_alerts_open)),
            },
            categories: cats,
            windows,
            departments,
            red_flag: slow.red_flag,
            campaigns: slow.campaigns,
        }
    }
}
