//! The shared SQL of 指挥中心 (the live dashboard): small aggregates, each on
//! an index of the business date or of open records (tickets by
//! `business_date`, cases by `accepted_on`, `completed_on` and the open
//! cases' `deadline`, rectifications by status, complaints not archived,
//! inspections by `day`, scalper alerts open or by `business_date`).

use crate::dialect::Backend;
use domain::complaint::ComplaintStatus;
use domain::inspection::InspectionStatus;
use domain::rectification::RectificationStatus;
use jiff_sqlx::ToSqlx;
use store::StoreError;
use store::StoreResult;
use store::case_ledger::OPEN_STATUSES;
use store::dashboard::*;
use store::queue::TicketStatus;
use store::sql::{decode, refusal as err};

#[derive(sqlx::FromRow)]
struct TicketRow {
    category: String,
    status: String,
    window_number: Option<String>,
    tickets: i64,
    first_tickets: i64,
    oldest: Option<jiff_sqlx::Timestamp>,
}

#[derive(sqlx::FromRow)]
struct DeadlineRow {
    department: String,
    amber: i64,
    overdue: i64,
}

#[derive(sqlx::FromRow)]
struct RectificationRow {
    source: String,
    status: String,
    due_date: jiff_sqlx::Date,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct ComplaintRow {
    status: String,
    accept_due: jiff_sqlx::Date,
    answer_due: jiff_sqlx::Date,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct InspectionRow {
    status: String,
    n: i64,
}

fn source_code(s: &str) -> StoreResult<&'static str> {
    match s {
        "evaluation" => Ok("evaluation"),
        "complaint" => Ok("complaint"),
        "inspection" => Ok("inspection"),
        other => Err(StoreError::Corrupt(format!("rectification source {other}"))),
    }
}

#[async_trait::async_trait]
impl DashboardStore for Backend {
    async fn dashboard_facts(&self, q: &DashboardQuery) -> StoreResult<DashboardFacts> {
        let today = q.today.to_sqlx();
        let tickets = sqlx::query_as::<_, TicketRow>(
            "SELECT category, status, window_number, COUNT(*) AS tickets, \
             COALESCE(SUM(CASE WHEN transferred_from IS NULL THEN 1 ELSE 0 END), 0) AS first_tickets, \
             MIN(taken_at) AS oldest \
             FROM tickets WHERE business_date = $1 \
             GROUP BY category, status, window_number ORDER BY category, status, window_number",
        )
        .bind(today)
        .fetch_all(&self.pool)
        .await
        .map_err(err("tickets"))?
        .into_iter()
        .map(|r| {
            Ok(TicketGroup {
                status: TicketStatus::parse(&r.status)
                    .ok_or_else(|| StoreError::Corrupt(format!("ticket status {}", r.status)))?,
                category: r.category,
                window: r.window_number,
                tickets: r.tickets,
                first_tickets: r.first_tickets,
                oldest_taken_at: r.oldest.map(|t| t.to_jiff()),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;

        let accepted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE accepted_on = $1")
            .bind(today)
            .fetch_one(&self.pool)
            .await
            .map_err(err("cases"))?;
        let completed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE completed_on = $1")
            .bind(today)
            .fetch_one(&self.pool)
            .await
            .map_err(err("cases"))?;

        // Open cases up to the last amber deadline, on the open cases' deadline index.
        // Only constant fragments (the open statuses) are joined into the text.
        let deadlines = sqlx::query_as::<_, DeadlineRow>(sqlx::AssertSqlSafe(format!(
            "SELECT department, \
             COALESCE(SUM(CASE WHEN (status <> 'paused' AND deadline >= $1) \
                 OR (status = 'paused' AND deadline < $1) THEN 1 ELSE 0 END), 0) AS amber, \
             COALESCE(SUM(CASE WHEN status <> 'paused' AND deadline < $1 THEN 1 ELSE 0 END), 0) AS overdue \
             FROM cases WHERE status IN {OPEN_STATUSES} AND deadline <= $2 \
             GROUP BY department ORDER BY department"
        )))
        .bind(today)
        .bind(q.amber_until.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("cases"))?
        .into_iter()
        .map(|r| DepartmentDeadlines {
            department: r.department,
            amber: r.amber,
            overdue: r.overdue,
        })
        .collect();

        let rectifications = sqlx::query_as::<_, RectificationRow>(
            "SELECT CASE WHEN evaluation_id IS NOT NULL THEN 'evaluation' \
                 WHEN complaint_id IS NOT NULL THEN 'complaint' ELSE 'inspection' END AS source, \
             status, due_date, COUNT(*) AS n \
             FROM rectifications WHERE status IN ('open', 'verified', 'rectified', 'answered') \
             GROUP BY 1, status, due_date ORDER BY 1, status, due_date",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(err("rectifications"))?
        .into_iter()
        .map(|r| {
            Ok(RectificationGroup {
                source: source_code(&r.source)?,
                status: decode::<RectificationStatus>(&r.status)?,
                due: r.due_date.to_jiff(),
                count: r.n,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;

        let complaints = sqlx::query_as::<_, ComplaintRow>(
            "SELECT status, accept_due, answer_due, COUNT(*) AS n FROM complaints \
             WHERE status <> 'archived' GROUP BY status, accept_due, answer_due \
             ORDER BY status, accept_due, answer_due",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(err("complaints"))?
        .into_iter()
        .map(|r| {
            Ok(ComplaintGroup {
                status: decode::<ComplaintStatus>(&r.status)?,
                accept_due: r.accept_due.to_jiff(),
                answer_due: r.answer_due.to_jiff(),
                count: r.n,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let complaints_today: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM complaints WHERE received_on = $1")
                .bind(today)
                .fetch_one(&self.pool)
                .await
                .map_err(err("complaints"))?;

        let inspections = sqlx::query_as::<_, InspectionRow>(
            "SELECT status, COUNT(*) AS n FROM inspections WHERE day = $1 GROUP BY status ORDER BY status",
        )
        .bind(today)
        .fetch_all(&self.pool)
        .await
        .map_err(err("inspections"))?
        .into_iter()
        .map(|r| Ok((decode::<InspectionStatus>(&r.status)?, r.n)))
        .collect::<StoreResult<Vec<_>>>()?;

        let scalper_alerts_open: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM scalper_alerts WHERE acknowledged_at IS NULL")
                .fetch_one(&self.pool)
                .await
                .map_err(err("scalper alerts"))?;
        let scalper_alerts_today: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM scalper_alerts WHERE business_date = $1")
                .bind(today)
                .fetch_one(&self.pool)
                .await
                .map_err(err("scalper alerts"))?;

        Ok(DashboardFacts {
            tickets,
            accepted,
            completed,
            deadlines,
            rectifications,
            complaints,
            complaints_today,
            inspections,
            scalper_alerts_open,
            scalper_alerts_today,
        })
    }
}
