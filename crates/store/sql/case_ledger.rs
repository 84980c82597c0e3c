//! The shared SQL of the service ledger (服务台账). Filters are joined from
//! constant fragments with numbered placeholders: no user input reaches SQL
//! text. The backends differ only in date arithmetic (`DAYS_TO_COMPLETE`).

use crate::dialect::{ACCEPTANCE_DAY_GROUP, Backend, CASES_BY_ACCEPTANCE, DAYS_TO_COMPLETE, Db};
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::case_ledger::*;
use store::sql::decode;
use store::{StoreError, StoreResult};
use uuid::Uuid;

const ROW_COLUMNS: &str = "id, number, item_code, item_name, department, window_number, staff, \
    applicant_name, status, received_on, accepted_on, deadline, completed_on, paused_days, imported, \
    deadline_provisional, deadline_before";

/// The columns of a [`LedgerRow`].
#[derive(sqlx::FromRow)]
struct Line {
    id: Uuid,
    number: String,
    item_code: String,
    item_name: String,
    department: String,
    window_number: String,
    staff: String,
    applicant_name: String,
    status: String,
    received_on: jiff_sqlx::Date,
    accepted_on: Option<jiff_sqlx::Date>,
    deadline: Option<jiff_sqlx::Date>,
    completed_on: Option<jiff_sqlx::Date>,
    paused_days: i64,
    imported: bool,
    deadline_provisional: bool,
    deadline_before: Option<jiff_sqlx::Date>,
}

impl TryFrom<Line> for LedgerRow {
    type Error = StoreError;
    fn try_from(r: Line) -> StoreResult<LedgerRow> {
        let day = |d: Option<jiff_sqlx::Date>| d.map(jiff_sqlx::Date::to_jiff);
        Ok(LedgerRow {
            id: r.id,
            number: r.number,
            item_code: r.item_code,
            item_name: r.item_name,
            department: r.department,
            window: r.window_number,
            staff: r.staff,
            applicant_name: r.applicant_name,
            status: decode(&r.status)?,
            received_on: r.received_on.to_jiff(),
            accepted_on: day(r.accepted_on),
            deadline: day(r.deadline),
            completed_on: day(r.completed_on),
            paused_days: r.paused_days,
            imported: r.imported,
            deadline_provisional: r.deadline_provisional,
            deadline_before: day(r.deadline_before),
        })
    }
}

#[derive(sqlx::FromRow)]
struct FiguresRow {
    k: String,
    name: String,
    accepted: i64,
    completed: i64,
    on_time: i64,
    overdue: i64,
    days_total: i64,
}

impl From<FiguresRow> for GroupFigures {
    fn from(r: FiguresRow) -> GroupFigures {
        let n = |v: i64| v.max(0) as u64;
        GroupFigures {
            key: r.k,
            name: r.name,
            accepted: n(r.accepted),
            completed: n(r.completed),
            on_time: n(r.on_time),
            overdue: n(r.overdue),
            days_total: r.days_total,
        }
    }
}

/// A value bound to a numbered placeholder.
enum Arg {
    Text(String),
    Day(Date),
}

/// A WHERE clause built from constant fragments, with its arguments.
#[derive(Default)]
struct Filter {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Filter {
    /// Adds `condition`, whose `?` stands for `arg`.
    fn add(&mut self, condition: &str, arg: Arg) {
        self.args.push(arg);
        let n = self.args.len();
        self.conditions.push(condition.replace('?', &format!("${n}")));
    }

    /// Adds a condition without arguments.
    fn add_fixed(&mut self, condition: impl Into<String>) {
        self.conditions.push(condition.into());
    }

    /// Any of `alternatives` (column, value); nothing passes when there are none.
    fn any_of(&mut self, alternatives: impl Iterator<Item = (&'static str, String)>) {
        let mut any = Vec::new();
        for (column, value) in alternatives {
            self.args.push(Arg::Text(value));
            any.push(format!("{column} = ${}", self.args.len()));
        }
        if any.is_empty() {
            any.push("1 = 0".into());
        }
        self.add_fixed(format!("({})", any.join(" OR ")));
    }

    fn clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// `sql` with the arguments and then `extra` bound.
    fn bind<'q, O>(
        &'q self,
        sql: String,
        extra: &[i64],
    ) -> sqlx::query::QueryAs<'q, Db, O, <Db as sqlx::Database>::Arguments>
    where
        O: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row>,
    {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.as_str()),
                Arg::Day(d) => q.bind(d.to_sqlx()),
            };
        }
        for i in extra {
            q = q.bind(*i);
        }
        q
    }
}

impl Backend {
    /// The count of the cases `filter` lets through and the page of them in `order`.
    async fn page(&self, filter: Filter, order: &str, limit: i64, offset: i64) -> StoreResult<LedgerPage> {
        let clause = filter.clause();
        let (total,): (i64,) = filter
            .bind(format!("SELECT COUNT(*) AS n FROM cases{clause}"), &[])
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::other)?;
        let n = filter.args.len();
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM cases{clause} ORDER BY {order} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let rows: Vec<Line> = filter
            .bind(sql, &[limit, offset])
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::other)?;
        Ok(LedgerPage {
            rows: rows
                .into_iter()
                .map(LedgerRow::try_from)
                .collect::<StoreResult<_>>()?,
            total,
        })
    }
}

#[async_trait::async_trait]
impl CaseLedgerStore for Backend {
    async fn work_list(&self, of: &WorkListOf, limit: i64, offset: i64) -> StoreResult<LedgerPage> {
        let mut filter = Filter::default();
        match of {
            WorkListOf::Department(d) => filter.add("department = ?", Arg::Text(d.clone())),
            WorkListOf::Window(w) => filter.add("window_number = ?", Arg::Text(w.clone())),
            WorkListOf::Staff(u) => filter.add("staff = ?", Arg::Text(u.clone())),
        }
        filter.add_fixed(format!("status IN {OPEN_STATUSES}"));
        self.page(filter, "deadline, number", limit, offset).await
    }

    async fn overdue_cases(
        &self,
        department: Option<&str>,
        today: Date,
        limit: i64,
        offset: i64,
    ) -> StoreResult<LedgerPage> {
        let mut filter = Filter::default();
        filter.add_fixed(format!("status IN {OPEN_STATUSES}"));
        filter.add_fixed("status <> 'paused'");
        filter.add("deadline < ?", Arg::Day(today));
        if let Some(d) = department {
            filter.add("department = ?", Arg::Text(d.to_owned()));
        }
        self.page(filter, "deadline, number", limit, offset).await
    }

    async fn ledger_rows(&self, f: &LedgerFilter) -> StoreResult<LedgerPage> {
        let mut filter = Filter::default();
        if let Some(d) = f.from {
            filter.add("accepted_on >= ?", Arg::Day(d));
        }
        if let Some(d) = f.to {
            filter.add("accepted_on <= ?", Arg::Day(d));
        }
        let status = f.status.map(|s| s.code().to_owned());
        for (column, value) in [
            ("department", &f.department),
            ("window_number", &f.window),
            ("item_code", &f.item),
            ("status", &status),
        ] {
            if let Some(v) = value {
                filter.add(&format!("{column} = ?"), Arg::Text(v.clone()));
            }
        }
        if let Some(v) = &f.visible {
            let departments = v.departments.iter().map(|d| ("department", d.clone()));
            let windows = v.windows.iter().map(|w| ("window_number", w.clone()));
            let staff = v.staff.iter().map(|s| ("staff", s.clone()));
            filter.any_of(departments.chain(windows).chain(staff));
        }
        self.page(filter, "accepted_on DESC, number DESC", f.limit, f.offset)
            .await
    }

    async fn ledger_figures(
        &self,
        from: Date,
        to: Date,
        today: Date,
        by: LedgerGroup,
    ) -> StoreResult<Vec<GroupFigures>> {
        // An item is grouped with its department too, so that SQLite reads
        // the groups in `cases_ledger_figures`' order (accepted_on,
        // department, item_code) with no sort, day by day where it sorts to
        // group (`ACCEPTANCE_DAY_GROUP`); the lines are added up here.
        let (key, name, group) = match by {
            LedgerGroup::Department => ("department", "department", "department"),
            LedgerGroup::Item => ("item_code", "item_name", "department, item_code"),
        };
        let sql = format!(
            "SELECT {key} AS k, MIN({name}) AS name, COUNT(*) AS accepted, \
             CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS completed, \
             CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL AND completed_on <= deadline THEN 1 ELSE 0 END), \
             0) AS BIGINT) AS on_time, \
             CAST(COALESCE(SUM(CASE WHEN completed_on IS NULL AND deadline < $3 AND status <> 'paused' THEN 1 \
             ELSE 0 END), 0) AS BIGINT) AS overdue, \
             CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL THEN {DAYS_TO_COMPLETE} ELSE 0 END), 0) AS BIGINT) \
             AS days_total \
             FROM cases {CASES_BY_ACCEPTANCE} WHERE accepted_on >= $1 AND accepted_on <= $2 AND parent_id IS NULL \
             GROUP BY {ACCEPTANCE_DAY_GROUP}{group}"
        );
        let rows = sqlx::query_as::<_, FiguresRow>(sqlx::AssertSqlSafe(sql))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .bind(today.to_sqlx())
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::other)?;
        let mut groups: std::collections::BTreeMap<String, GroupFigures> = std::collections::BTreeMap::new();
        for line in rows.into_iter().map(GroupFigures::from) {
            match groups.get_mut(&line.key) {
                Some(g) => g.add(line),
                None => {
                    groups.insert(line.key.clone(), line);
                }
            }
        }
        Ok(groups.into_values().collect())
    }
}
