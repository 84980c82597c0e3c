//! 晨会 (morning meetings): the 督查科, or window staff for their own window,
//! record each meeting — date, the window or department it was held for,
//! the host, who attended and what was discussed — and the weekly
//! compliance list (晨会周检查) names every window without one that week
//! ([000] 百日大提升: 每个窗口每周至少一次晨会).
//!
//! Which windows are watched: every window that is not temporary (临时窗口
//! are opened by the floor captain for a peak and have no team of their own).
//! A department's meeting counts for each window serving one of the
//! department's items (through the window's service categories), so a
//! 综合窗口 is covered by the meeting of any department it serves.

use crate::auth::{Session, require};
use crate::{AppError, AppResult, Hall};
use domain::Role;
use domain::morning_meeting::{IsoWeek, MeetingFor, WatchedWindow, check_meeting_date, weekly_compliance};
use domain::permission::Permission;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use store::conduct::{MeetingQuery, MorningMeeting, MorningMeetingStore};
use uuid::Uuid;

/// The most meetings one list shows.
const LIST_LIMIT: i64 = 1000;
/// The longest span one list covers (days).
const MAX_SPAN_DAYS: i32 = 366;
const MAX_TOPICS: usize = 2000;
const MAX_ATTENDEES: usize = 200;

/// What the recorder fills in.
#[derive(Debug, Clone, Default)]
pub struct MeetingInput {
    /// YYYY-MM-DD.
    pub date: String,
    /// The window's number, or…
    pub window: Option<String>,
    /// …the department (code or full name).
    pub department: Option<String>,
    /// Username of the host.
    pub host: String,
    /// Usernames of those present.
    pub attendees: Vec<String>,
    pub topics: String,
}

/// A person as lists show them.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub username: String,
    pub name: String,
}

/// A meeting as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    pub id: Uuid,
    pub date: Date,
    /// The ISO week it counts for (2026-W49).
    pub week: String,
    pub window: Option<String>,
    /// The department's code, for a department's meeting.
    pub department: Option<String>,
    pub department_name: Option<String>,
    pub host: Person,
    pub attendees: Vec<Person>,
    pub topics: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// One window's line of the weekly list.
#[derive(Debug, Clone, Serialize)]
pub struct WindowWeek {
    pub window: String,
    pub name: String,
    /// Codes of the departments whose meetings count for it.
    pub departments: Vec<String>,
    /// Meetings that count for it that week.
    pub meetings: usize,
    pub complied: bool,
}

/// The weekly compliance list (晨会周检查).
#[derive(Debug, Clone, Serialize)]
pub struct WeekCompliance {
    /// 2026-W49
    pub week: String,
    /// Monday.
    pub from: Date,
    /// Sunday.
    pub to: Date,
    /// Numbers of the windows without a meeting that week.
    pub missing: Vec<String>,
    pub windows: Vec<WindowWeek>,
    /// Meetings held that week.
    pub meetings: usize,
}

/// 晨会 service.
#[derive(Clone)]
pub struct MorningMeetingService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn MorningMeetingStore>,
    pub(crate) queue: crate::queue::QueueService,
}

impl MorningMeetingService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn MorningMeetingStore>,
        queue: crate::queue::QueueService,
    ) -> MorningMeetingService {
        MorningMeetingService { hall, store, queue }
    }
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A date given as text (`field` names it in the refusal).
pub fn parse_day(field: &str, label: &str, raw: &str) -> AppResult<Date> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, format!("{label}“{raw}”无效，应为YYYY-MM-DD")))
}

/// A week given as text (`YYYY-Www`); `None` for this week.
pub fn parse_week(raw: Option<&str>, today: Date) -> AppResult<IsoWeek> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(IsoWeek::of(today)),
        Some(s) => IsoWeek::parse(s).map_err(|e| AppError::invalid("week", e.0)),
    }
}

impl MorningMeetingService {
    /// A signed-in person by username: an active account, else refused on `field`.
    async fn person(&self, field: &str, label: &str, username: &str) -> AppResult<Person> {
        let u = username.trim();
        if u.is_empty() {
            return Err(AppError::invalid(field, format!("请填写{label}")));
        }
        match self.people.user_by_username(u).await? {
            Some(c) if !c.user.disabled => Ok(Person {
                username: c.user.username,
                name: c.user.display_name,
            }),
            _ => Err(AppError::invalid(field, format!("{label}“{u}”不是本厅在用账号"))),
        }
    }

    async fn view(&self, m: MorningMeeting) -> AppResult<MeetingView> {
        let departments = self.departments().await?;
        self.view_with(m, &departments).await
    }

    async fn view_with(
        &self,
        m: MorningMeeting,
        departments: &[domain::catalog::Department],
    ) -> AppResult<MeetingView> {
        let name_of = |u: String| async move {
            let name = self.staff_name(&u).await?;
            AppResult::Ok(Person { username: u, name })
        };
        let host = name_of(m.host.clone()).await?;
        let mut attendees = Vec::with_capacity(m.attendees.len());
        for a in m.attendees.iter().cloned() {
            attendees.push(name_of(a).await?);
        }
        let department_name = m.department.as_ref().map(|code| {
            departments
                .iter()
                .find(|d| &d.code == code)
                .map_or_else(|| code.clone(), |d| d.name.clone())
        });
        Ok(MeetingView {
            id: m.id,
            week: IsoWeek::of(m.date).label(),
            date: m.date,
            window: m.window,
            department: m.department,
            department_name,
            host,
            attendees,
            topics: m.topics,
            recorded_by: m.recorded_by,
            recorded_at: m.recorded_at,
        })
    }

    /// Records a meeting. The 督查科 (and the administrator) record for any
    /// window or department; window staff only for a window they serve
    /// (listed among its staff in the queue set-up) or for their own
    /// department — another window is refused with 403.
    #[tracing::instrument(skip_all)]
    pub async fn record_meeting(&self, session: &Session, input: &MeetingInput) -> AppResult<MeetingView> {
        require(session, Permission::MorningMeetingRecord)?;
        let date = parse_day("date", "晨会日期", &input.date)?;
        check_meeting_date(date, self.today()).map_err(|m| AppError::invalid("date", m))?;
        let user = &session.user;
        let held_for = match (given(&input.window), given(&input.department)) {
            (None, None) => return Err(AppError::invalid("window", "请选择召开晨会的窗口或部门")),
            (Some(_), Some(_)) => {
                return Err(AppError::invalid(
                    "department",
                    "一次晨会登记为一个窗口或一个部门，不能同时填写",
                ));
            }
            (Some(w), None) => {
                let windows = self.queue.cached_windows().await?;
                let Some(window) = windows.iter().find(|x| x.number == w) else {
                    return Err(AppError::invalid("window", format!("没有{w}号窗口")));
                };
                if user.role == Role::Staff && !window.staff.contains(&user.username) {
                    return Err(AppError::Forbidden(format!(
                        "您不在{w}号窗口的人员名单中，只能登记本人所在窗口的晨会"
                    )));
                }
                MeetingFor::Window(window.number.clone())
            }
            (None, Some(d)) => {
                let departments = self.departments().await?;
                let Some(dep) = departments.iter().find(|x| x.is_named(d)) else {
                    return Err(AppError::invalid("department", format!("没有部门“{d}”")));
                };
                if user.role == Role::Staff && user.department.as_deref() != Some(dep.code.as_str()) {
                    return Err(AppError::Forbidden(format!(
                        "您不属于{}，只能登记本人所在窗口或部门的晨会",
                        dep.name
                    )));
                }
                MeetingFor::Department(dep.code.clone())
            }
        };
        let host = self.person("host", "主持人", &input.host).await?;
        if input.attendees.is_empty() {
            return Err(AppError::invalid("attendees", "请填写参会人员"));
        }
        if input.attendees.len() > MAX_ATTENDEES {
            return Err(AppError::invalid(
                "attendees",
                format!("参会人员最多{MAX_ATTENDEES}人"),
            ));
        }
        let mut attendees: Vec<String> = Vec::with_capacity(input.attendees.len());
        for a in &input.attendees {
            let p = self.person("attendees", "参会人员", a).await?;
            if !attendees.contains(&p.username) {
                attendees.push(p.username);
            }
        }
        let topics = input.topics.trim();
        if topics.is_empty() {
            return Err(AppError::invalid("topics", "请填写晨会内容"));
        }
        if topics.chars().count() > MAX_TOPICS {
            return Err(AppError::invalid(
                "topics",
                format!("晨会内容最多{MAX_TOPICS}个字"),
            ));
        }
        let (window, department) = match held_for {
            MeetingFor::Window(w) => (Some(w), None),
            MeetingFor::Department(d) => (None, Some(d)),
        };
        let meeting = MorningMeeting {
            id: Uuid::now_v7(),
            date,
            window,
            department,
            host: host.username,
            attendees,
            topics: topics.to_owned(),
            recorded_by: user.username.clone(),
            recorded_at: self.now(),
        };
        self.store.add_morning_meeting(&meeting).await?;
        let target = meeting
            .window
            .as_ref()
            .map(|w| format!("{w}号窗口"))
            .or_else(|| meeting.department.clone())
            .unwrap_or_default();
        self.audit(
            &crate::Actor::user(user),
            "morning_meeting.record",
            &meeting.id.to_string(),
            &format!("{date} {target}"),
        )
        .await?;
        self.view(meeting).await
    }

    /// Meetings from `from` to `to` (default: the last 30 days up to today),
    /// newest first; with `window`, only those held for that window.
    #[tracing::instrument(skip_all)]
    pub async fn meetings(
        &self,
        session: &Session,
        from: Option<&str>,
        to: Option<&str>,
        window: Option<&str>,
    ) -> AppResult<Vec<MeetingView>> {
        require(session, Permission::MorningMeetingRead)?;
        let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
            Some(t) => parse_day("to", "结束日期", t)?,
            None => self.today(),
        };
        let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
            Some(f) => parse_day("from", "开始日期", f)?,
            None => to.checked_sub(jiff::Span::new().days(30)).unwrap_or(to),
        };
        if from > to {
            return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
        }
        if from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) > MAX_SPAN_DAYS {
            return Err(AppError::invalid(
                "from",
                format!("一次最多查询{MAX_SPAN_DAYS}天"),
            ));
        }
        let window = window.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let found = self
            .store
            .morning_meetings(&MeetingQuery {
                from,
                to,
                window,
                limit: LIST_LIMIT,
            })
            .await?;
        let departments = self.departments().await?;
        let mut out = Vec::with_capacity(found.len());
        for m in found {
            out.push(self.view_with(m, &departments).await?);
        }
        Ok(out)
    }

    /// The windows the weekly list watches, each with the departments whose
    /// meetings count for it.
    async fn watched_windows(&self) -> AppResult<Vec<(WatchedWindow, String)>> {
        let windows = self.queue.cached_windows().await?;
        let categories = self.queue.cached_categories().await?;
        let published = self.published().await?;
        let departments = self.departments().await?;
        let code_of: BTreeMap<&str, &str> = departments
            .iter()
            .map(|d| (d.name.as_str(), d.code.as_str()))
            .collect();
        Ok(windows
            .iter()
            .filter(|w| !w.temporary)
            .map(|w| {
                let deps: BTreeSet<String> = categories
                    .iter()
                    .filter(|c| w.categories.contains(&c.prefix))
                    .flat_map(|c| c.items.iter())
                    .filter_map(|code| published.item(code))
                    .filter_map(|item| code_of.get(item.department.as_str()))
                    .map(|c| (*c).to_owned())
                    .collect();
                (
                    WatchedWindow {
                        number: w.number.clone(),
                        departments: deps,
                    },
                    w.name.clone(),
                )
            })
            .collect())
    }

    /// The weekly compliance list of an ISO week (`None`: this week).
    #[tracing::instrument(skip_all)]
    pub async fn weekly_compliance(
        &self,
        session: &Session,
        week: Option<&str>,
    ) -> AppResult<WeekCompliance> {
        require(session, Permission::MorningMeetingRead)?;
        let week = parse_week(week, self.today())?;
        let watched = self.watched_windows().await?;
        let held = self
            .store
            .morning_meetings(&MeetingQuery {
                from: week.monday(),
                to: week.sunday(),
                window: None,
                limit: 100_000,
            })
            .await?;
        let meetings: Vec<MeetingFor> = held
            .iter()
            .filter_map(|m| match (&m.window, &m.department) {
                (Some(w), _) => Some(MeetingFor::Window(w.clone())),
                (None, Some(d)) => Some(MeetingFor::Department(d.clone())),
                (None, None) => None,
            })
            .collect();
        let windows: Vec<WatchedWindow> = watched.iter().map(|(w, _)| w.clone()).collect();
        let lines = weekly_compliance(&windows, &meetings);
        let windows: Vec<WindowWeek> = lines
            .into_iter()
            .zip(watched)
            .map(|(line, (w, name))| WindowWeek {
                complied: line.complied(),
                window: line.window,
                name,
                departments: w.departments.into_iter().collect(),
                meetings: line.meetings,
            })
            .collect();
        Ok(WeekCompliance {
            week: week.label(),
            from: week.monday(),
            to: week.sunday(),
            missing: windows
                .iter()
                .filter(|w| !w.complied)
                .map(|w| w.window.clone())
                .collect(),
            windows,
            meetings: held.len(),
        })
    }
}
