//! 专项活动 (campaigns, issue 16 part 7; the 百日大提升 of [000]): the
//! leadership sets a campaign with its phases, tasks and KPIs; owners move
//! their tasks on; the KPIs read the hall's own figures through the services
//! that publish them, so a campaign's satisfaction rate is the satisfaction
//! report's `rate` over the same dates, its on-time rate the case report's,
//! its average wait the queue report's (no copy of any formula here):
//!
//! | metric | read from |
//! | --- | --- |
//! | `satisfaction_rate` | `EvaluationService::satisfaction` (`rate`, a fraction) |
//! | `on_time_rate` | `CaseService::case_report` (`on_time_rate`, a fraction) |
//! | `avg_wait_minutes` | `QueueService::queue_report_range` (total wait average, in minutes) |
//! | `complaints` | complaints received (`CampaignStore::period_counts`) |
//! | `inspection_deductions` | inspections' deductions that count (`InspectionStatus::counted`) |
//! | `scalper_actions` | actions against registered scalpers |
//!
//! Who sees what: leadership, the administrator and the 督查科 (who read the
//! reports) see every campaign whole; anyone else sees the campaigns where
//! they own a task, only their own tasks and no figures.

use crate::auth::{Session, require};
use crate::{Actor, AppError, AppResult, Hall};
use domain::campaign::{
    CampaignState, CampaignText, KpiMovement, Metric, TaskStatus, baseline_period, current_period,
    days_between, elapsed, round, wait_minutes,
};
use domain::permission::Permission;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::campaign::{Campaign, CampaignKpi, CampaignPhase, CampaignStore, CampaignTask, PeriodCounts};
use uuid::Uuid;

/// The most campaigns one list shows.
const LIST_LIMIT: i64 = 500;

/// 专项活动 service.
#[derive(Clone)]
pub struct CampaignService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn CampaignStore>,
    pub(crate) evaluations: crate::evaluation::EvaluationService,
    pub(crate) cases: crate::case::CaseService,
    pub(crate) queue: crate::queue::QueueService,
}

impl CampaignService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn CampaignStore>,
        evaluations: crate::evaluation::EvaluationService,
        cases: crate::case::CaseService,
        queue: crate::queue::QueueService,
    ) -> CampaignService {
        CampaignService {
            hall,
            store,
            evaluations,
            cases,
            queue,
        }
    }
}

fn map_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(what) if what == "campaign task" => AppError::NotFound("没有这项任务".into()),
        StoreError::NotFound(_) => AppError::NotFound("专项活动不存在".into()),
        other => other.into(),
    }
}

/// A campaign list's line.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignListItem {
    pub id: Uuid,
    pub name: String,
    pub from: Date,
    pub to: Date,
    /// upcoming, running or ended.
    pub state: &'static str,
    pub state_label: &'static str,
    pub created_by: String,
    /// Tasks (for a task owner: their own).
    pub tasks: i64,
    pub done: i64,
    /// Not done and past due (逾期).
    pub overdue: i64,
}

/// A phase as shown, on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseView {
    pub name: String,
    pub from: Date,
    pub to: Date,
    pub days: i32,
    /// upcoming, running or ended.
    pub state: &'static str,
    pub state_label: &'static str,
}

/// A task as shown.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub id: Uuid,
    pub title: String,
    /// The owner's username.
    pub owner: String,
    pub owner_name: String,
    pub due: Date,
    /// As shown: not_started, in_progress, done or overdue (逾期: not done after the due date).
    pub status: &'static str,
    /// 未开始, 进行中, 已完成 or 逾期.
    pub status_label: &'static str,
    /// As the owner set it: not_started, in_progress or done.
    pub set_status: &'static str,
    pub updated_by: String,
    pub updated_at: Timestamp,
    /// Whether the caller may change it.
    pub can_update: bool,
}

/// A KPI as shown: baseline → current → target.
#[derive(Debug, Clone, Serialize)]
pub struct KpiView {
    pub metric: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    /// higher or lower (越高越好 / 越低越好).
    pub direction: domain::campaign::Direction,
    /// 越高越好 or 越低越好.
    pub better: &'static str,
    /// Over the period of equal length just before the start; `null` with nothing to measure.
    pub baseline: Option<f64>,
    /// Over the campaign's dates up to today; `null` before the start or with nothing to measure.
    pub current: Option<f64>,
    pub target: f64,
    pub met: Option<bool>,
    pub improved: Option<bool>,
    /// current − baseline.
    pub change: Option<f64>,
    pub baseline_text: String,
    pub current_text: String,
    pub target_text: String,
}

/// A campaign as shown.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub id: Uuid,
    pub name: String,
    pub from: Date,
    pub to: Date,
    pub days: i32,
    pub state: &'static str,
    pub state_label: &'static str,
    pub created_by: String,
    /// The creator's name (陈主任).
    pub created_by_name: String,
    pub created_at: Timestamp,
    /// The baseline's period.
    pub baseline_from: Date,
    pub baseline_to: Date,
    /// The baselines are final (the campaign has started).
    pub baseline_fixed: bool,
    /// The current values read `from..=current_to`; `null` before the start.
    pub current_to: Option<Date>,
    /// `all` (leadership, 督查科) or `own` (a task owner: their tasks, no figures).
    pub scope: &'static str,
    pub phases: Vec<PhaseView>,
    pub tasks: Vec<TaskView>,
    pub kpis: Vec<KpiView>,
}

impl CampaignService {
    /// Whether the caller reads campaigns whole (with the figures).
    fn sees_all(session: &Session) -> bool {
        session.user.role.can(Permission::ReportsRead)
    }

    /// The figures of `metrics` over `from..=to`, each through the service
    /// that reports it.
    async fn figures(
        &self,
        session: &Session,
        metrics: &[Metric],
        (from, to): (Date, Date),
    ) -> AppResult<Vec<(Metric, Option<f64>)>> {
        let counted = [
            Metric::Complaints,
            Metric::InspectionDeductions,
            Metric::ScalperActions,
        ];
        let counts = if metrics.iter().any(|m| counted.contains(m)) {
            self.store.period_counts(from, to).await?
        } else {
            PeriodCounts::default()
        };
        let mut out = Vec::with_capacity(metrics.len());
        for &m in metrics {
            let value = match m {
                Metric::SatisfactionRate => {
                    self.evaluations
                        .satisfaction(session, from, to, None)
                        .await?
                        .figures
                        .rate
                }
                Metric::OnTimeRate => self.cases.case_report(session, from, to).await?.on_time_rate,
                Metric::AvgWaitMinutes => {
                    let wait = self.queue.queue_report_range(from, to).await?.total.wait;
                    (wait.count > 0).then(|| wait_minutes(wait.average_seconds))
                }
                Metric::Complaints => Some(counts.complaints as f64),
                Metric::ScalperActions => Some(counts.scalper_actions as f64),
                Metric::InspectionDeductions => Some(round(
                    counts.deductions.iter().map(|(s, d)| s.counted(*d)).sum(),
                    1,
                )),
            };
            out.push((m, value));
        }
        Ok(out)
    }

    /// The baselines as far as their period has passed, and whether they are
    /// final (the campaign has started, so the whole period lies behind).
    async fn baselines(
        &self,
        session: &Session,
        metrics: &[Metric],
        from: Date,
        to: Date,
    ) -> AppResult<(Vec<(Metric, Option<f64>)>, bool)> {
        let today = self.today();
        let values = match elapsed(baseline_period(from, to), today) {
            Some(period) => self.figures(session, metrics, period).await?,
            None => metrics.iter().map(|&m| (m, None)).collect(),
        };
        Ok((values, today >= from))
    }

    /// 新建专项活动 (admin or leader): checks every field, then each task's
    /// owner (an active account), reads the baselines and stores it whole.
    #[tracing::instrument(skip_all)]
    pub async fn create(&self, session: &Session, input: &CampaignText) -> AppResult<Uuid> {
        require(session, Permission::CampaignManage)?;
        let plan = domain::campaign::check(input).map_err(|e| AppError::invalid(&e.field, e.message))?;
        for (i, t) in plan.tasks.iter().enumerate() {
            match self.people.user_by_username(&t.owner).await? {
                Some(c) if !c.user.disabled => {}
                _ => {
                    return Err(AppError::invalid(
                        &format!("tasks[{i}].owner"),
                        format!("第{}项任务的负责人“{}”不是本厅在用账号", i + 1, t.owner),
                    ));
                }
            }
        }
        let metrics: Vec<Metric> = plan.kpis.iter().map(|k| k.metric).collect();
        let (baselines, fixed) = self.baselines(session, &metrics, plan.from, plan.to).await?;
        let now = self.now();
        let me = &session.user.username;
        let campaign = Campaign {
            id: Uuid::now_v7(),
            name: plan.name,
            from: plan.from,
            to: plan.to,
            baseline_fixed: fixed,
            created_by: me.clone(),
            created_at: now,
            phases: plan
                .phases
                .into_iter()
                .map(|p| CampaignPhase {
                    name: p.name,
                    from: p.from,
                    to: p.to,
                })
                .collect(),
            tasks: plan
                .tasks
                .into_iter()
                .map(|t| CampaignTask {
                    id: Uuid::now_v7(),
                    title: t.title,
                    owner: t.owner,
                    due: t.due,
                    status: TaskStatus::NotStarted,
                    updated_by: me.clone(),
                    updated_at: now,
                })
                .collect(),
            kpis: plan
                .kpis
                .iter()
                .zip(&baselines)
                .map(|(k, (_, b))| CampaignKpi {
                    metric: k.metric,
                    target: k.target,
                    baseline: *b,
                })
                .collect(),
        };
        self.store.create_campaign(&campaign).await.map_err(map_error)?;
        self.audit(
            &Actor::user(&session.user),
            "campaign.create",
            &campaign.id.to_string(),
            &format!("{}（{}至{}）", campaign.name, campaign.from, campaign.to),
        )
        .await?;
        Ok(campaign.id)
    }

    /// The campaigns the caller may read, newest start first.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, session: &Session) -> AppResult<Vec<CampaignListItem>> {
        require(session, Permission::CampaignRead)?;
        let today = self.today();
        let owner = (!Self::sees_all(session)).then_some(session.user.username.as_str());
        let rows = self.store.campaigns(owner, today, LIST_LIMIT).await?;
        Ok(rows
            .into_iter()
            .map(|c| {
                let state = CampaignState::of(c.from, c.to, today);
                CampaignListItem {
                    id: c.id,
                    name: c.name,
                    from: c.from,
                    to: c.to,
                    state: state.code(),
                    state_label: state.label(),
                    created_by: c.created_by,
                    tasks: c.tasks,
                    done: c.done,
                    overdue: c.late,
                }
            })
            .collect())
    }

    fn task_view(&self, session: &Session, t: CampaignTask, owner_name: String, today: Date) -> TaskView {
        let shown = t.status.shown(t.due, today);
        let can_update = session.user.role.can(Permission::CampaignManage)
            || (session.user.role.can(Permission::CampaignTaskUpdate) && t.owner == session.user.username);
        TaskView {
            id: t.id,
            title: t.title,
            owner: t.owner,
            owner_name,
            due: t.due,
            status: shown.code(),
            status_label: shown.label(),
            set_status: t.status.code(),
            updated_by: t.updated_by,
            updated_at: t.updated_at,
            can_update,
        }
    }

    /// One campaign: whole for leadership and the 督查科 (baselines fixed on
    /// the first read after the start, current values read now); a task
    /// owner sees their own tasks only; anyone else is refused.
    #[tracing::instrument(skip_all)]
    pub async fn campaign(&self, session: &Session, id: Uuid) -> AppResult<CampaignView> {
        require(session, Permission::CampaignRead)?;
        let mut c = self.store.campaign(id).await.map_err(map_error)?;
        let today = self.today();
        let all = Self::sees_all(session);
        if !all {
            c.tasks.retain(|t| t.owner == session.user.username);
            if c.tasks.is_empty() {
                return Err(AppError::Forbidden(
                    "您不是此专项活动任何任务的负责人，只有领导、管理员和督查可以查看全部".into(),
                ));
            }
        }
        let metrics: Vec<Metric> = c.kpis.iter().map(|k| k.metric).collect();
        let mut kpis = Vec::new();
        if all {
            if !c.baseline_fixed {
                let (values, fixed) = self.baselines(session, &metrics, c.from, c.to).await?;
                self.store
                    .set_campaign_baselines(c.id, &values, fixed)
                    .await
                    .map_err(map_error)?;
                c = self.store.campaign(id).await.map_err(map_error)?;
            }
            let current = match current_period(c.from, c.to, today) {
                Some(period) => self.figures(session, &metrics, period).await?,
                None => metrics.iter().map(|&m| (m, None)).collect(),
            };
            for (k, (_, now)) in c.kpis.iter().zip(current) {
                let m = k.metric;
                let movement = KpiMovement::of(m, k.baseline, now, k.target);
                kpis.push(KpiView {
                    metric: m.code(),
                    label: m.label(),
                    unit: m.unit(),
                    direction: m.direction(),
                    better: match m.direction() {
                        domain::campaign::Direction::Higher => "越高越好",
                        domain::campaign::Direction::Lower => "越低越好",
                    },
                    baseline: k.baseline,
                    current: now,
                    target: k.target,
                    met: movement.met,
                    improved: movement.improved,
                    change: movement.change,
                    baseline_text: m.show(k.baseline),
                    current_text: m.show(now),
                    target_text: m.show(Some(k.target)),
                });
            }
        }
        let mut tasks = Vec::with_capacity(c.tasks.len());
        for t in c.tasks {
            let name = self.staff_name(&t.owner).await?;
            tasks.push(self.task_view(session, t, name, today));
        }
        let state = CampaignState::of(c.from, c.to, today);
        let (baseline_from, baseline_to) = baseline_period(c.from, c.to);
        let created_by_name = self.staff_name(&c.created_by).await?;
        Ok(CampaignView {
            id: c.id,
            name: c.name,
            days: days_between(c.from, c.to),
            state: state.code(),
            state_label: state.label(),
            created_by: c.created_by,
            created_by_name,
            created_at: c.created_at,
            baseline_from,
            baseline_to,
            baseline_fixed: c.baseline_fixed,
            current_to: current_period(c.from, c.to, today).map(|(_, to)| to),
            scope: if all { "all" } else { "own" },
            phases: c
                .phases
                .into_iter()
                .map(|p| {
                    let s = CampaignState::of(p.from, p.to, today);
                    PhaseView {
                        days: days_between(p.from, p.to),
                        name: p.name,
                        from: p.from,
                        to: p.to,
                        state: s.code(),
                        state_label: s.label(),
                    }
                })
                .collect(),
            tasks,
            kpis,
            from: c.from,
            to: c.to,
        })
    }

    /// Sets a task's status (未开始/进行中/已完成): its owner, or the
    /// administrator or a leader for any task. 逾期 is never set; it follows
    /// from the due date.
    #[tracing::instrument(skip_all)]
    pub async fn set_task_status(
        &self,
        session: &Session,
        campaign: Uuid,
        task: Uuid,
        status: &str,
    ) -> AppResult<TaskView> {
        require(session, Permission::CampaignTaskUpdate)?;
        let Some(status) = TaskStatus::parse(status) else {
            return Err(AppError::invalid(
                "status",
                "任务状态应为 not_started（未开始）、in_progress（进行中）或 done（已完成）；逾期由完成期限自动判断",
            ));
        };
        let c = self.store.campaign(campaign).await.map_err(map_error)?;
        let Some(t) = c.tasks.iter().find(|t| t.id == task) else {
            return Err(AppError::NotFound("没有这项任务".into()));
        };
        let user = &session.user;
        if !user.role.can(Permission::CampaignManage) && t.owner != user.username {
            return Err(AppError::Forbidden(
                "只有任务负责人或管理员、领导可以更新任务状态".into(),
            ));
        }
        let t = self
            .store
            .set_campaign_task_status(campaign, task, status, &user.username, self.now())
            .await
            .map_err(map_error)?;
        self.audit(
            &Actor::user(user),
            "campaign.task",
            &task.to_string(),
            &format!("{}：{}", t.title, status.label()),
        )
        .await?;
        let name = self.staff_name(&t.owner).await?;
        Ok(self.task_view(session, t, name, self.today()))
    }

    /// The campaign report as an XLSX workbook (leadership, 督查科): one
    /// sheet per table — phases, tasks, KPIs.
    #[tracing::instrument(skip_all)]
    pub async fn report_xlsx(&self, session: &Session, id: Uuid) -> AppResult<Vec<u8>> {
        require(session, Permission::ReportsRead)?;
        let view = self.campaign(session, id).await?;
        crate::campaign_xlsx::workbook(&self.settings.hall.name, &view, self.today())
            .map_err(AppError::internal)
    }
}
