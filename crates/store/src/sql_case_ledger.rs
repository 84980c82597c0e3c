//! The shared SQL of the service ledger (see [`crate::sql`]). Filters are
//! joined from constant fragments with numbered placeholders: no user input
//! reaches SQL text. The backends differ only in date arithmetic ([`Dialect`]).

/// What differs between the backends for the ledger.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    /// Calendar days from `accepted_on` to `completed_on`, as an integer.
    pub days_to_complete: &'static str,
}

pub const SQLITE: Dialect = Dialect {
    days_to_complete: "CAST(julianday(completed_on) - julianday(accepted_on) AS INTEGER)",
};

pub const POSTGRES: Dialect = Dialect {
    days_to_complete: "(completed_on - accepted_on)",
};

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
            }
        }
    };
}
