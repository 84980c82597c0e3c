//! The shared SQL of the service ledger (see [`crate::sql`]). Filters are
//! joined from constant fragments with numbered placeholders: no user input
//! reaches SQL text. The backends differ only in date arithmetic and in how
//! the benchmark's rows are generated ([`Dialect`]).

/// What differs between the backends for the ledger.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    /// Calendar days from `accepted_on` to `completed_on`, as an integer.
    pub days_to_complete: &'static str,
    /// The row source of the benchmark generator: numbers `$1 .. $1 + $2 - 1` as `i`.
    pub series: &'static str,
    /// `$3` plus `{N}` days (a SQL integer expression).
    pub add_days: &'static str,
    pub random_id: &'static str,
    /// Run after a bulk load so the planner knows the new rows.
    pub analyze: &'static str,
}

pub const SQLITE: Dialect = Dialect {
    days_to_complete: "CAST(julianday(completed_on) - julianday(accepted_on) AS INTEGER)",
    series: "(WITH RECURSIVE seq(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < $1 + $2) SELECT i FROM seq)",
    add_days: "date($3, '+' || CAST({N} AS TEXT) || ' days')",
    random_id: "randomblob(16)",
    analyze: "ANALYZE",
};

pub const POSTGRES: Dialect = Dialect {
    days_to_complete: "(completed_on - accepted_on)",
    series: "(SELECT i FROM generate_series($1::bigint, $1 + $2 - 1) AS s(i))",
    add_days: "($3::date + CAST({N} AS INTEGER))",
    random_id: "gen_random_uuid()",
    analyze: "VACUUM ANALYZE cases",
};

/// The benchmark generator's INSERT: row `i` is accepted on day `a = i % $4`
/// from `$3`; cases of the last 20 days are mostly open, older ones completed
/// but for one in 500 left open (and so overdue). `$5` is the time stamp.
pub fn generate_sql(d: &Dialect) -> String {
    let day = |n: &str| d.add_days.replace("{N}", n);
    let accepted = day("a");
    let deadline = day("a + 7 + (i % 4) * 7");
    let completed = day("a + CASE WHEN a >= $4 - 20 THEN 0 ELSE 2 + i % 9 END");
    let rid = d.random_id;
    let series = d.series;
    let columns = crate::case_ledger::GENERATED_CASE_COLUMNS;
    format!(
        "INSERT INTO cases ({columns}) \
         SELECT {rid}, 'BENCH-' || CAST(i AS TEXT), 'BQ' || CAST(i AS TEXT), NULL, \
         'ITEM-' || CAST((i % 12) * 4 + (i / 12) % 4 AS TEXT), '事项' || CAST((i % 12) * 4 + (i / 12) % 4 AS TEXT), \
         '部门' || CAST(i % 12 AS TEXT), '承诺件', 5 + (i % 4) * 5, 'person', '申请人' || CAST(i % 1000 AS TEXT), \
         '', '', '', '', '', '', '', '', NULL, CAST(1 + i % 40 AS TEXT), 'staff' || CAST(i % 120 AS TEXT), \
         CASE WHEN o = 1 THEN (CASE WHEN i % 20 = 2 THEN 'paused' WHEN i % 4 = 1 THEN 'under_review' \
              WHEN i % 4 = 3 THEN 'decided' ELSE 'accepted' END) \
              WHEN i % 3 = 0 THEN 'delivered' ELSE 'completed' END, \
         CASE WHEN o = 1 AND i % 20 = 2 THEN 'under_review' ELSE NULL END, '[]', '[]', \
         {accepted}, {accepted}, {deadline}, 0, CASE WHEN o = 1 AND i % 20 = 2 THEN {accepted} ELSE NULL END, 0, \
         CASE WHEN o = 1 THEN NULL ELSE TRUE END, '', CASE WHEN o = 1 THEN NULL ELSE {completed} END, FALSE, $5, $5 \
         FROM (SELECT i, i % $4 AS a, CASE WHEN (i % $4 >= $4 - 20 AND i % 3 <> 0) OR i % 500 = 7 THEN 1 ELSE 0 END AS o \
               FROM {series} AS n) AS g"
    )
}

/// Implements [`CaseLedgerStore`](crate::case_ledger::CaseLedgerStore) for
/// `$store` with the [`Dialect`] `$dialect`.
#[macro_export]
macro_rules! impl_sql_case_ledger_store {
    ($store:ty, $db:ty, $dialect:expr) => {
        mod shared_case_ledger_sql {
            use super::*;
            use $crate::case_ledger::*;
            use $crate::sql_case_ledger::Dialect;
            use $crate::{StoreError, StoreResult};
            use jiff::Timestamp;
            use jiff::civil::Date;
            use jiff_sqlx::ToSqlx;
            use sqlx::Row as _;

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;
            const DIALECT: Dialect = $dialect;

            const ROW_COLUMNS: &str = "id, number, item_code, item_name, department, window_number, staff, \
                applicant_name, status, received_on, accepted_on, deadline, completed_on, paused_days, imported, \
                deadline_provisional, deadline_before";

            fn err(e: sqlx::Error) -> StoreError {
                StoreError::other(e)
            }

            fn row_from(r: &DbRow) -> StoreResult<LedgerRow> {
                let date = |c: &str| -> StoreResult<Option<Date>> {
                    Ok(r.try_get::<Option<jiff_sqlx::Date>, _>(c).map_err(err)?.map(|d| d.to_jiff()))
                };
                Ok(LedgerRow {
                    id: r.try_get("id").map_err(err)?,
                    number: r.try_get("number").map_err(err)?,
                    item_code: r.try_get("item_code").map_err(err)?,
                    item_name: r.try_get("item_name").map_err(err)?,
                    department: r.try_get("department").map_err(err)?,
                    window: r.try_get("window_number").map_err(err)?,
                    staff: r.try_get("staff").map_err(err)?,
                    applicant_name: r.try_get("applicant_name").map_err(err)?,
                    status: r.try_get("status").map_err(err)?,
                    received_on: date("received_on")?
                        .ok_or_else(|| StoreError::Corrupt("case without received_on".into()))?,
                    accepted_on: date("accepted_on")?,
                    deadline: date("deadline")?,
                    completed_on: date("completed_on")?,
                    paused_days: r.try_get("paused_days").map_err(err)?,
                    imported: r.try_get("imported").map_err(err)?,
                    deadline_provisional: r.try_get("deadline_provisional").map_err(err)?,
                    deadline_before: date("deadline_before")?,
                })
            }

            /// A value bound to a numbered placeholder.
            enum Arg {
                Text(String),
                Day(Date),
                Int(i64),
            }

            /// Runs `SELECT COUNT(*) … {conditions}` and the page query
            /// `SELECT {ROW_COLUMNS} … {conditions} {order} LIMIT … OFFSET …`.
            async fn page(
                pool: &sqlx::Pool<Db>,
                conditions: &[String],
                args: Vec<Arg>,
                order: &str,
                limit: i64,
                offset: i64,
            ) -> StoreResult<LedgerPage> {
                let filter = if conditions.is_empty() {
                    String::new()
                } else {
                    format!(" WHERE {}", conditions.join(" AND "))
                };
                let n = args.len();
                let bind_all = |sql: String, extra: &[i64]| {
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for a in &args {
                        q = match a {
                            Arg::Text(s) => q.bind(s.clone()),
                            Arg::Day(d) => q.bind(d.to_sqlx()),
                            Arg::Int(i) => q.bind(*i),
                        };
                    }
                    for i in extra {
                        q = q.bind(*i);
                    }
                    q
                };
                let total: i64 = bind_all(format!("SELECT COUNT(*) AS n FROM cases{filter}"), &[])
                    .fetch_one(pool)
                    .await
                    .map_err(err)?
                    .try_get("n")
                    .map_err(err)?;
                let sql = format!(
                    "SELECT {ROW_COLUMNS} FROM cases{filter} ORDER BY {order} LIMIT ${} OFFSET ${}",
                    n + 1,
                    n + 2
                );
                let rows = bind_all(sql, &[limit, offset]).fetch_all(pool).await.map_err(err)?;
                Ok(LedgerPage { rows: rows.iter().map(row_from).collect::<StoreResult<_>>()?, total })
            }

            #[async_trait::async_trait]
            impl CaseLedgerStore for $store {
                async fn work_list(&self, of: &WorkListOf, limit: i64, offset: i64) -> StoreResult<LedgerPage> {
                    let (column, who) = match of {
                        WorkListOf::Department(d) => ("department", d),
                        WorkListOf::Window(w) => ("window_number", w),
                    };
                    let conditions = vec![format!("{column} = $1"), format!("status IN {OPEN_STATUSES}")];
                    page(&self.pool, &conditions, vec![Arg::Text(who.clone())], "deadline, number", limit, offset).await
                }

                async fn overdue_cases(
                    &self,
                    department: Option<&str>,
                    today: Date,
                    limit: i64,
                    offset: i64,
                ) -> StoreResult<LedgerPage> {
                    let mut conditions = vec![
                        format!("status IN {OPEN_STATUSES}"),
                        "status <> 'paused'".to_owned(),
                        "deadline < $1".to_owned(),
                    ];
                    let mut args = vec![Arg::Day(today)];
                    if let Some(d) = department {
                        conditions.push("department = $2".into());
                        args.push(Arg::Text(d.to_owned()));
                    }
                    page(&self.pool, &conditions, args, "deadline, number", limit, offset).await
                }

                async fn ledger_rows(&self, f: &LedgerFilter) -> StoreResult<LedgerPage> {
                    let mut conditions = Vec::new();
                    let mut args = Vec::new();
                    let mut add = |cond: &str, arg: Arg| {
                        args.push(arg);
                        conditions.push(cond.replace('?', &format!("${}", args.len())));
                    };
                    if let Some(d) = f.from {
                        add("accepted_on >= ?", Arg::Day(d));
                    }
                    if let Some(d) = f.to {
                        add("accepted_on <= ?", Arg::Day(d));
                    }
                    if let Some(s) = &f.department {
                        add("department = ?", Arg::Text(s.clone()));
                    }
                    if let Some(s) = &f.window {
                        add("window_number = ?", Arg::Text(s.clone()));
                    }
                    if let Some(s) = &f.item {
                        add("item_code = ?", Arg::Text(s.clone()));
                    }
                    if let Some(s) = &f.status {
                        add("status = ?", Arg::Text(s.clone()));
                    }
                    if let Some(v) = &f.visible {
                        let mut any = Vec::new();
                        for d in &v.departments {
                            args.push(Arg::Text(d.clone()));
                            any.push(format!("department = ${}", args.len()));
                        }
                        for w in &v.windows {
                            args.push(Arg::Text(w.clone()));
                            any.push(format!("window_number = ${}", args.len()));
                        }
                        if let Some(s) = &v.staff {
                            args.push(Arg::Text(s.clone()));
                            any.push(format!("staff = ${}", args.len()));
                        }
                        if any.is_empty() {
                            any.push("1 = 0".into());
                        }
                        conditions.push(format!("({})", any.join(" OR ")));
                    }
                    page(&self.pool, &conditions, args, "accepted_on DESC, number DESC", f.limit, f.offset).await
                }

                async fn ledger_figures(
                    &self,
                    from: Date,
                    to: Date,
                    today: Date,
                    by: LedgerGroup,
                ) -> StoreResult<Vec<GroupFigures>> {
                    let (key, name) = match by {
                        LedgerGroup::Department => ("department", "department"),
                        LedgerGroup::Item => ("item_code", "item_name"),
                    };
                    let days = DIALECT.days_to_complete;
                    let sql = format!(
                        "SELECT {key} AS k, MIN({name}) AS name, COUNT(*) AS accepted, \
                         CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS completed, \
                         CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL AND completed_on <= deadline THEN 1 ELSE 0 END), 0) AS BIGINT) AS on_time, \
                         CAST(COALESCE(SUM(CASE WHEN completed_on IS NULL AND deadline < $3 AND status <> 'paused' THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue, \
                         CAST(COALESCE(SUM(CASE WHEN completed_on IS NOT NULL THEN {days} ELSE 0 END), 0) AS BIGINT) AS days_total \
                         FROM cases WHERE accepted_on >= $1 AND accepted_on <= $2 AND parent_id IS NULL \
                         GROUP BY {key} ORDER BY {key}"
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(from.to_sqlx())
                        .bind(to.to_sqlx())
                        .bind(today.to_sqlx())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err)?;
                    rows.iter()
                        .map(|r| {
                            let n = |c: &str| -> StoreResult<u64> { Ok(r.try_get::<i64, _>(c).map_err(err)?.max(0) as u64) };
                            Ok(GroupFigures {
                                key: r.try_get("k").map_err(err)?,
                                name: r.try_get("name").map_err(err)?,
                                accepted: n("accepted")?,
                                completed: n("completed")?,
                                on_time: n("on_time")?,
                                overdue: n("overdue")?,
                                days_total: r.try_get("days_total").map_err(err)?,
                            })
                        })
                        .collect()
                }

                async fn generate_cases(
                    &self,
                    count: i64,
                    first: i64,
                    first_day: Date,
                    days: i64,
                    at: Timestamp,
                ) -> StoreResult<()> {
                    let sql = $crate::sql_case_ledger::generate_sql(&DIALECT);
                    let mut tx = self.begin_write().await?;
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(first)
                        .bind(count)
                        .bind(first_day.to_sqlx())
                        .bind(days)
                        .bind(at.to_sqlx())
                        .execute(tx.conn())
                        .await
                        .map_err(err)?;
                    tx.commit().await.map_err(err)
                }

                async fn analyze_cases(&self) -> StoreResult<()> {
                    sqlx::query(DIALECT.analyze).execute(&self.pool).await.map_err(err)?;
                    Ok(())
                }
            }
        }
    };
}
