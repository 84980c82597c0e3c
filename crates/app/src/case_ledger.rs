//! 服务台账: work lists by urgency for a window or a department, the overdue
//! cases counted against their department for supervision, the ledger with
//! filters and paging, and its figures per department and item.
//!
//! Every list is cut to what the person may see ([`CaseScope`]): a liaison
//! their department's cases, window staff their windows', supervision,
//! leadership and the administrator the whole hall.

use crate::auth::{Session, require};
use crate::case_scope::CaseScope;
use crate::{AppError, AppResult};
use domain::case::{CaseStatus, Urgency};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use store::case_ledger::{GroupFigures, LedgerFilter, LedgerGroup, LedgerRow, WorkListOf};

pub const PAGE_SIZE: i64 = 50;
const MAX_PAGE_SIZE: i64 = 500;
/// The most rows one XLSX export carries.
pub const EXPORT_LIMIT: i64 = 100_000;

/// A ledger line with its urgency (open cases only).
#[derive(Debug, Clone, Serialize)]
pub struct LedgerLine {
    #[serde(flatten)]
    pub row: LedgerRow,
    pub status_label: &'static str,
    /// Working days left (negative when overdue); open cases only.
    pub days_left: Option<i64>,
    /// normal, amber or red; empty when the case is not open.
    pub urgency: &'static str,
    pub urgency_label: &'static str,
}

/// A page of lines.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerList {
    pub rows: Vec<LedgerLine>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub pages: i64,
}

/// The ledger's filter as a person gives it.
#[derive(Debug, Clone, Default)]
pub struct LedgerQuery {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub department: Option<String>,
    pub window: Option<String>,
    pub item: Option<String>,
    pub status: Option<String>,
    /// From 1.
    pub page: i64,
    pub page_size: Option<i64>,
}

/// Figures of one department or item, with the rates.
#[derive(Debug, Clone, Serialize)]
pub struct FiguresLine {
    pub key: String,
    pub name: String,
    pub accepted: u64,
    pub completed: u64,
    /// 办结率.
    pub completion_rate: Option<f64>,
    pub on_time: u64,
    pub on_time_rate: Option<f64>,
    pub overdue: u64,
    /// Average calendar days from acceptance to completion (one decimal).
    pub average_days: Option<f64>,
}

/// `GET /api/reports/cases/breakdown`.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerFigures {
    pub from: Date,
    pub to: Date,
    pub total: FiguresLine,
    pub departments: Vec<FiguresLine>,
    pub items: Vec<FiguresLine>,
}

fn clean(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn figures_line(g: &GroupFigures) -> FiguresLine {
    FiguresLine {
        key: g.key.clone(),
        name: g.name.clone(),
        accepted: g.accepted,
        completed: g.completed,
        completion_rate: domain::case::completion_rate(g.accepted, g.completed),
        on_time: g.on_time,
        on_time_rate: domain::case::on_time_rate(g.completed, g.on_time),
        overdue: g.overdue,
        average_days: (g.completed > 0)
            .then(|| (g.days_total as f64 / g.completed as f64 * 10.0).round() / 10.0),
    }
}

impl crate::case::CaseService {
    /// The scope of a ledger request. Lists are cut to the scope in SQL; a
    /// liaison asking for another department is refused outright.
    async fn ledger_scope(&self, session: &Session, department: &Option<String>) -> AppResult<CaseScope> {
        require(session, Permission::CaseRead)?;
        let scope = self.case_scope(session).await?;
        if let (Some(d), CaseScope::Department { .. }) = (department, &scope)
            && !scope.allows_department(d)
        {
            return Err(AppError::Forbidden("只能查看本部门的办件".into()));
        }
        Ok(scope)
    }

    async fn lines(&self, rows: Vec<LedgerRow>) -> AppResult<Vec<LedgerLine>> {
        let cal = self.calendar().await?;
        let today = self.today();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let status = row.status;
            let open = status.is_open();
            let (days_left, urgency) = match row.deadline {
                Some(d) if open => (
                    Some(domain::case::working_days_left(&cal, today, d)?),
                    Some(domain::case::urgency(
                        &cal,
                        d,
                        today,
                        self.settings.cases.amber_days,
                        status == CaseStatus::Paused,
                    )?),
                ),
                _ => (None, None),
            };
            out.push(LedgerLine {
                status_label: status.label(),
                days_left,
                urgency: urgency.map_or("", Urgency::code),
                urgency_label: urgency.map_or("", Urgency::label),
                row,
            });
        }
        Ok(out)
    }

    fn list(rows: Vec<LedgerLine>, total: i64, page: i64, page_size: i64) -> LedgerList {
        LedgerList {
            rows,
            total,
            page,
            page_size,
            pages: (total + page_size - 1) / page_size,
        }
    }

    /// 工作清单: the open cases of a department or a window, red first, then
    /// amber, then the rest, each by deadline.
    #[tracing::instrument(skip_all)]
    pub async fn worklist(
        &self,
        session: &Session,
        department: Option<&str>,
        window: Option<&str>,
        page: i64,
    ) -> AppResult<LedgerList> {
        let (department, window) = (clean(department), clean(window));
        let scope = self.ledger_scope(session, &department).await?;
        let of = match (department, window) {
            (_, Some(w)) if scope.allows_window(&w) => WorkListOf::Window(w),
            (_, Some(_)) => return Err(AppError::Forbidden("只能查看本人窗口的办件".into())),
            (Some(d), None) if scope.allows_department(&d) => {
                WorkListOf::Department(scope.own_department().map_or(d, str::to_owned))
            }
            (Some(_), None) => return Err(AppError::Forbidden("只能查看本部门的办件".into())),
            (None, None) => match &scope {
                CaseScope::Department { name, .. } => WorkListOf::Department(name.clone()),
                CaseScope::Staff { windows, .. } if windows.len() == 1 => {
                    WorkListOf::Window(windows[0].clone())
                }
                // A clerk who serves at several windows: the cases they accepted.
                CaseScope::Staff {
                    username, windows, ..
                } if !windows.is_empty() => WorkListOf::Staff(username.clone()),
                _ => return Err(AppError::invalid("department", "请指定部门或窗口")),
            },
        };
        let page = page.max(1);
        let found = self
            .ledger_store
            .work_list(&of, PAGE_SIZE, (page - 1).saturating_mul(PAGE_SIZE))
            .await?;
        let mut rows = self.lines(found.rows).await?;
        let rank = |u: &str| match u {
            "red" => 0,
            "amber" => 1,
            _ => 2,
        };
        rows.sort_by(|a, b| {
            rank(a.urgency)
                .cmp(&rank(b.urgency))
                .then(a.row.deadline.cmp(&b.row.deadline))
        });
        Ok(Self::list(rows, found.total, page, PAGE_SIZE))
    }

    /// 超期督办: open cases past their deadline without a lawful pause, counted
    /// against their department. Supervisors, leaders and administrators see
    /// every department; a liaison names theirs.
    #[tracing::instrument(skip_all)]
    pub async fn overdue_cases(
        &self,
        session: &Session,
        department: Option<&str>,
        page: i64,
    ) -> AppResult<LedgerList> {
        require(session, Permission::CaseOversight)?;
        let department = clean(department);
        let scope = self.ledger_scope(session, &department).await?;
        let department = match scope.own_department() {
            Some(own) => Some(own.to_owned()),
            None => department,
        };
        let page = page.max(1);
        let found = self
            .ledger_store
            .overdue_cases(
                department.as_deref(),
                self.today(),
                PAGE_SIZE,
                (page - 1).saturating_mul(PAGE_SIZE),
            )
            .await?;
        Ok(Self::list(
            self.lines(found.rows).await?,
            found.total,
            page,
            PAGE_SIZE,
        ))
    }

    /// The department as cases carry it (its full name), from its code
    /// (SCJG), its full name or a part of it (公安); unknown text stays as typed.
    async fn with_department_name(&self, q: &LedgerQuery) -> AppResult<LedgerQuery> {
        let mut q = q.clone();
        if let Some(typed) = clean(q.department.as_deref()) {
            let departments = self.departments().await?;
            let found = departments.iter().find(|d| d.is_named(&typed)).or_else(|| {
                let mut partial = departments.iter().filter(|d| d.name.contains(typed.as_str()));
                match (partial.next(), partial.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            });
            if let Some(d) = found {
                q.department = Some(d.name.clone());
            }
        }
        Ok(q)
    }

    fn filter(q: &LedgerQuery, scope: &CaseScope, limit: i64, offset: i64) -> AppResult<LedgerFilter> {
        let status = match clean(q.status.as_deref()) {
            None => None,
            Some(s) => Some(
                CaseStatus::parse(&s)
                    .ok_or_else(|| AppError::invalid("status", format!("办件状态“{s}”无法识别")))?,
            ),
        };
        if let (Some(f), Some(t)) = (q.from, q.to)
            && f > t
        {
            return Err(AppError::invalid("from", "开始日期不能晚于结束日期"));
        }
        Ok(LedgerFilter {
            from: q.from,
            to: q.to,
            department: match scope.own_department() {
                Some(own) => Some(own.to_owned()),
                None => clean(q.department.as_deref()),
            },
            window: clean(q.window.as_deref()),
            item: clean(q.item.as_deref()),
            status,
            visible: scope.visible(),
            limit,
            offset,
        })
    }

    /// 服务台账: cases filtered by acceptance period, department, window,
    /// item and status, newest first, a page at a time.
    #[tracing::instrument(skip_all)]
    pub async fn ledger(&self, session: &Session, q: &LedgerQuery) -> AppResult<LedgerList> {
        let q = &self.with_department_name(q).await?;
        let department = clean(q.department.as_deref());
        let scope = self.ledger_scope(session, &department).await?;
        let size = q.page_size.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
        let page = q.page.max(1);
        let found = self
            .ledger_store
            .ledger_rows(&Self::filter(q, &scope, size, (page - 1).saturating_mul(size))?)
            .await?;
        Ok(Self::list(self.lines(found.rows).await?, found.total, page, size))
    }

    /// The whole ledger for an export (at most [`EXPORT_LIMIT`] rows) and how many matched.
    #[tracing::instrument(skip_all)]
    pub async fn ledger_all(&self, session: &Session, q: &LedgerQuery) -> AppResult<(Vec<LedgerLine>, i64)> {
        let q = &self.with_department_name(q).await?;
        let department = clean(q.department.as_deref());
        let scope = self.ledger_scope(session, &department).await?;
        let found = self
            .ledger_store
            .ledger_rows(&Self::filter(q, &scope, EXPORT_LIMIT, 0)?)
            .await?;
        Ok((self.lines(found.rows).await?, found.total))
    }

    /// Figures of the cases accepted in a period per department and per item:
    /// accepted, completed, 办结率, on-time rate, average calendar days, overdue.
    #[tracing::instrument(skip_all)]
    pub async fn ledger_figures(&self, session: &Session, from: Date, to: Date) -> AppResult<LedgerFigures> {
        require(session, Permission::CaseOversight)?;
        if from > to {
            return Err(AppError::invalid("from", "开始日期不能晚于结束日期"));
        }
        let today = self.today();
        let scope = self.case_scope(session).await?;
        // Two index scans on two pooled connections at once: half the wait.
        let (mut departments, mut items) = tokio::try_join!(
            self.ledger_store
                .ledger_figures(from, to, today, LedgerGroup::Department),
            self.ledger_store
                .ledger_figures(from, to, today, LedgerGroup::Item),
        )?;
        // A liaison sees their department and its items (codes start with the department's).
        if let CaseScope::Department { code, name } = &scope {
            departments.retain(|d| &d.key == name);
            let prefix = format!("{code}-");
            items.retain(|i| i.key.starts_with(&prefix));
        }
        let mut sum = GroupFigures {
            key: String::new(),
            name: "合计".into(),
            accepted: 0,
            completed: 0,
            on_time: 0,
            overdue: 0,
            days_total: 0,
        };
        for d in &departments {
            sum.accepted += d.accepted;
            sum.completed += d.completed;
            sum.on_time += d.on_time;
            sum.overdue += d.overdue;
            sum.days_total += d.days_total;
        }
        Ok(LedgerFigures {
            from,
            to,
            total: figures_line(&sum),
            departments: departments.iter().map(figures_line).collect(),
            items: items.iter().map(figures_line).collect(),
        })
    }
}
