//! 楼层值班长 (the floor duty captain's log): the captain opens today's log
//! for a floor with the opening checks (开厅检查), records what happens
//! during the day — crowding, an equipment fault, a dispute, a 黄牛 seen —
//! with the action taken, and closes it with the handover note (交接班). The
//! floor view (现场监控) shows who is captain on duty today.

use crate::auth::{Session, require};
use crate::floor::FloorStatus;
use crate::{Actor, AppError, AppResult, Conflict, Hall};
use domain::duty_log::{CheckResult, DutyEventKind, OpeningCheck, check_floor, check_opening};
use domain::permission::Permission;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::conduct::{DutyEvent, DutyLog, DutyLogStore};
use uuid::Uuid;

const MAX_TEXT: usize = 1000;

/// An opening check as the log shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckLine {
    pub item: String,
    pub label: &'static str,
    pub ok: bool,
    pub note: String,
}

/// An event as the log shows it.
#[derive(Debug, Clone, Serialize)]
pub struct EventLine {
    #[serde(flatten)]
    pub event: DutyEvent,
    pub kind_label: &'static str,
    /// HH:MM in the hall's time zone.
    pub time: String,
}

/// A floor's log of a day, in full.
#[derive(Debug, Clone, Serialize)]
pub struct DutyLogView {
    pub id: Uuid,
    pub floor: String,
    pub date: Date,
    pub captain: String,
    pub captain_name: String,
    pub checks: Vec<CheckLine>,
    /// Opening checks found not ok.
    pub faults: usize,
    pub events: Vec<EventLine>,
    pub handover: Option<String>,
    pub handed_over_by: Option<String>,
    pub handed_over_at: Option<Timestamp>,
    pub opened_by: String,
    pub opened_at: Timestamp,
    /// Handed over: no more events.
    pub closed: bool,
}

/// Who is captain on a floor today (the floor view's line).
#[derive(Debug, Clone, Serialize)]
pub struct CaptainOnDuty {
    pub floor: String,
    pub captain: String,
    pub name: String,
    /// Still on duty (not handed over yet).
    pub on_duty: bool,
}

/// 楼层值班 service.
#[derive(Clone)]
pub struct DutyLogService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn DutyLogStore>,
}

impl DutyLogService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn DutyLogStore>) -> DutyLogService {
        DutyLogService { hall, store }
    }
}

fn map_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("没有这份值班日志".into()),
        StoreError::Conflict { what } if what == "duty_log_exists" => {
            AppError::Conflict(Conflict::AlreadyExists, "该楼层今天的值班日志已经开启".into())
        }
        StoreError::Conflict { what } if what == "duty_log_closed" => {
            AppError::Conflict(Conflict::WrongStatus, "该值班日志已交接班，不能再修改".into())
        }
        other => other.into(),
    }
}

fn text(field: &str, label: &str, raw: &str, required: bool) -> AppResult<String> {
    let v = raw.trim();
    if required && v.is_empty() {
        return Err(AppError::invalid(field, format!("请填写{label}")));
    }
    if v.chars().count() > MAX_TEXT {
        return Err(AppError::invalid(field, format!("{label}最多{MAX_TEXT}个字")));
    }
    Ok(v.to_owned())
}

impl DutyLogService {
    async fn view(&self, log: DutyLog) -> AppResult<DutyLogView> {
        let tz = self.settings.time_zone();
        let events = self
            .store
            .duty_events(log.id)
            .await?
            .into_iter()
            .map(|e| EventLine {
                kind_label: e.kind.label(),
                time: e.at.to_zoned(tz.clone()).strftime("%H:%M").to_string(),
                event: e,
            })
            .collect();
        let checks: Vec<CheckLine> = log
            .checks
            .iter()
            .map(|c| CheckLine {
                label: OpeningCheck::parse(&c.item).map_or("", OpeningCheck::label),
                item: c.item.clone(),
                ok: c.ok,
                note: c.note.clone(),
            })
            .collect();
        Ok(DutyLogView {
            captain_name: self.staff_name(&log.captain).await?,
            faults: checks.iter().filter(|c| !c.ok).count(),
            checks,
            events,
            closed: log.handover.is_some(),
            id: log.id,
            floor: log.floor,
            date: log.date,
            captain: log.captain,
            handover: log.handover,
            handed_over_by: log.handed_over_by,
            handed_over_at: log.handed_over_at,
            opened_by: log.opened_by,
            opened_at: log.opened_at,
        })
    }

    /// Opens today's log for a floor. The captain is the person opening it
    /// unless another active account is named.
    #[tracing::instrument(skip_all)]
    pub async fn open_duty_log(
        &self,
        session: &Session,
        floor: &str,
        captain: Option<&str>,
        checks: &[CheckResult],
    ) -> AppResult<DutyLogView> {
        require(session, Permission::DutyLogWrite)?;
        let floor = check_floor(floor).map_err(|m| AppError::invalid("floor", m))?;
        let user = &session.user;
        let captain = match captain.map(str::trim).filter(|s| !s.is_empty()) {
            None => user.username.clone(),
            Some(c) => match self.people.user_by_username(c).await? {
                Some(u) if !u.user.disabled => u.user.username,
                _ => {
                    return Err(AppError::invalid(
                        "captain",
                        format!("值班长“{c}”不是本厅在用账号"),
                    ));
                }
            },
        };
        let checks = check_opening(checks).map_err(|e| AppError::invalid(&e.field, e.reason))?;
        let log = DutyLog {
            id: Uuid::now_v7(),
            floor,
            date: self.today(),
            captain,
            checks,
            opened_by: user.username.clone(),
            opened_at: self.now(),
            handover: None,
            handed_over_by: None,
            handed_over_at: None,
        };
        self.store.open_duty_log(&log).await.map_err(map_error)?;
        self.audit(
            &Actor::user(user),
            "duty_log.open",
            &log.id.to_string(),
            &format!("{} {} 值班长{}", log.date, log.floor, log.captain),
        )
        .await?;
        self.view(log).await
    }

    /// The logs of a day (default today), optionally one floor's.
    #[tracing::instrument(skip_all)]
    pub async fn duty_logs(
        &self,
        session: &Session,
        date: Option<&str>,
        floor: Option<&str>,
    ) -> AppResult<Vec<DutyLogView>> {
        require(session, Permission::DutyLogRead)?;
        let date = match date.map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => crate::morning_meeting::parse_day("date", "日期", d)?,
            None => self.today(),
        };
        let floor = floor.map(str::trim).filter(|s| !s.is_empty());
        let mut out = Vec::new();
        for log in self.store.duty_logs(date, floor).await? {
            out.push(self.view(log).await?);
        }
        Ok(out)
    }

    /// One log in full.
    #[tracing::instrument(skip_all)]
    pub async fn duty_log(&self, session: &Session, id: Uuid) -> AppResult<DutyLogView> {
        require(session, Permission::DutyLogRead)?;
        let log = self.store.duty_log(id).await.map_err(map_error)?;
        self.view(log).await
    }

    /// Records an event on an open log. `time` is HH:MM of the log's day
    /// (default now), not in the future.
    #[tracing::instrument(skip_all)]
    pub async fn add_event(
        &self,
        session: &Session,
        id: Uuid,
        kind: &str,
        time: Option<&str>,
        description: &str,
        action: &str,
    ) -> AppResult<DutyLogView> {
        require(session, Permission::DutyLogWrite)?;
        let k = kind.trim();
        let kind = DutyEventKind::parse(k).ok_or_else(|| {
            AppError::invalid(
                "kind",
                format!("事件类型“{k}”无效，应为 crowding、equipment_fault、dispute、scalper_seen 或 other"),
            )
        })?;
        let description = text("description", "事件经过", description, true)?;
        let action = text("action", "处置措施", action, false)?;
        let log = self.store.duty_log(id).await.map_err(map_error)?;
        let now = self.now();
        let at = match time.map(str::trim).filter(|s| !s.is_empty()) {
            None => now,
            Some(t) => {
                let clock: Time = t
                    .parse()
                    .map_err(|_| AppError::invalid("time", format!("时间“{t}”无效，应为HH:MM")))?;
                let at = log
                    .date
                    .to_datetime(clock)
                    .to_zoned(self.settings.time_zone())
                    .map_err(|_| AppError::invalid("time", format!("时间“{t}”无效")))?
                    .timestamp();
                if at > now {
                    return Err(AppError::invalid("time", "事件时间不能晚于现在"));
                }
                at
            }
        };
        let user = &session.user;
        self.store
            .add_duty_event(id, kind, at, &description, &action, &user.username)
            .await
            .map_err(map_error)?;
        self.audit(
            &Actor::user(user),
            "duty_log.event",
            &id.to_string(),
            kind.label(),
        )
        .await?;
        self.view(log).await
    }

    /// Closes a log with the handover note (交接班), once.
    #[tracing::instrument(skip_all)]
    pub async fn hand_over(&self, session: &Session, id: Uuid, note: &str) -> AppResult<DutyLogView> {
        require(session, Permission::DutyLogWrite)?;
        let note = text("note", "交接班事项", note, true)?;
        let user = &session.user;
        let log = self
            .store
            .hand_over_duty_log(id, &note, &user.username, self.now())
            .await
            .map_err(map_error)?;
        self.audit(
            &Actor::user(user),
            "duty_log.handover",
            &id.to_string(),
            &log.floor,
        )
        .await?;
        self.view(log).await
    }

    /// Today's captains, floor by floor (for the floor view).
    #[tracing::instrument(skip_all)]
    pub async fn captains_today(&self) -> AppResult<Vec<CaptainOnDuty>> {
        let mut out = Vec::new();
        for log in self.store.duty_logs(self.today(), None).await? {
            out.push(CaptainOnDuty {
                name: self.staff_name(&log.captain).await?,
                on_duty: log.handover.is_none(),
                floor: log.floor,
                captain: log.captain,
            });
        }
        Ok(out)
    }

    /// The floor view with today's captains filled in.
    pub async fn with_captains(&self, mut floor: FloorStatus) -> AppResult<FloorStatus> {
        floor.captains = self.captains_today().await?;
        Ok(floor)
    }
}
