//! The shared SQL of 专项活动 (campaigns): a campaign and what it holds are
//! written in one transaction and read back in order; the KPIs counted from
//! records read the other capabilities' tables by their business-date
//! indexes (complaints by `received_on`, inspections by `day`, scalper
//! actions by `action_date`).

use crate::dialect::Backend;
use domain::campaign::{Metric, TaskStatus};
use domain::inspection::InspectionStatus;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::campaign::*;
use store::sql::{decode, refusal as err, touched};
use store::{StoreError, StoreResult};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: Uuid,
    name: String,
    from_date: jiff_sqlx::Date,
    to_date: jiff_sqlx::Date,
    baseline_fixed: bool,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
}

#[derive(sqlx::FromRow)]
struct PhaseRow {
    name: String,
    from_date: jiff_sqlx::Date,
    to_date: jiff_sqlx::Date,
}

const TASK_COLUMNS: &str = "id, title, owner, due, status, updated_by, updated_at";

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: Uuid,
    title: String,
    owner: String,
    due: jiff_sqlx::Date,
    status: String,
    updated_by: String,
    updated_at: jiff_sqlx::Timestamp,
}

impl TryFrom<TaskRow> for CampaignTask {
    type Error = StoreError;
    fn try_from(r: TaskRow) -> StoreResult<CampaignTask> {
        Ok(CampaignTask {
            id: r.id,
            title: r.title,
            owner: r.owner,
            due: r.due.to_jiff(),
            status: decode(&r.status)?,
            updated_by: r.updated_by,
            updated_at: r.updated_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct KpiRow {
    metric: String,
    target: f64,
    baseline: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    name: String,
    from_date: jiff_sqlx::Date,
    to_date: jiff_sqlx::Date,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
    tasks: i64,
    done: i64,
    late: i64,
}

#[derive(sqlx::FromRow)]
struct DeductionRow {
    status: String,
    deduction: Option<f64>,
}

/// The task counts of a list: all of a campaign's, or one owner's (`$2`).
fn summary_sql(owner: bool) -> String {
    let mine = if owner { " AND t.owner = $2" } else { "" };
    let only = if owner {
        " WHERE EXISTS (SELECT 1 FROM campaign_tasks o WHERE o.campaign_id = c.id AND o.owner = $2)"
    } else {
        ""
    };
    let limit = if owner { "$3" } else { "$2" };
    let done = TaskStatus::Done.code();
    format!(
        "SELECT c.id, c.name, c.from_date, c.to_date, c.created_by, c.created_at, \
         (SELECT COUNT(*) FROM campaign_tasks t WHERE t.campaign_id = c.id{mine}) AS tasks, \
         (SELECT COUNT(*) FROM campaign_tasks t WHERE t.campaign_id = c.id AND t.status = '{done}'{mine}) AS done, \
         (SELECT COUNT(*) FROM campaign_tasks t WHERE t.campaign_id = c.id AND t.status <> '{done}' \
          AND t.due < $1{mine}) AS late \
         FROM campaigns c{only} ORDER BY c.from_date DESC, c.created_at DESC LIMIT {limit}"
    )
}

#[async_trait::async_trait]
impl CampaignStore for Backend {
    async fn create_campaign(&self, c: &Campaign) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO campaigns (id, name, from_date, to_date, baseline_fixed, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(c.id)
        .bind(&c.name)
        .bind(c.from.to_sqlx())
        .bind(c.to.to_sqlx())
        .bind(c.baseline_fixed)
        .bind(&c.created_by)
        .bind(c.created_at.to_sqlx())
        .execute(tx.conn())
        .await
        .map_err(err("campaign"))?;
        for (i, p) in c.phases.iter().enumerate() {
            sqlx::query(
                "INSERT INTO campaign_phases (campaign_id, position, name, from_date, to_date) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(c.id)
            .bind(i as i64)
            .bind(&p.name)
            .bind(p.from.to_sqlx())
            .bind(p.to.to_sqlx())
            .execute(tx.conn())
            .await
            .map_err(err("campaign phase"))?;
        }
        for (i, t) in c.tasks.iter().enumerate() {
            sqlx::query(
                "INSERT INTO campaign_tasks (id, campaign_id, position, title, owner, due, status, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(t.id)
            .bind(c.id)
            .bind(i as i64)
            .bind(&t.title)
            .bind(&t.owner)
            .bind(t.due.to_sqlx())
            .bind(t.status.code())
            .bind(&t.updated_by)
            .bind(t.updated_at.to_sqlx())
            .execute(tx.conn())
            .await
            .map_err(err("campaign task"))?;
        }
        for (i, k) in c.kpis.iter().enumerate() {
            sqlx::query(
                "INSERT INTO campaign_kpis (campaign_id, position, metric, target, baseline) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(c.id)
            .bind(i as i64)
            .bind(k.metric.code())
            .bind(k.target)
            .bind(k.baseline)
            .execute(tx.conn())
            .await
            .map_err(err("campaign kpi"))?;
        }
        tx.commit().await.map_err(err("campaign"))?;
        Ok(())
    }

    async fn campaign(&self, id: Uuid) -> StoreResult<Campaign> {
        let row = sqlx::query_as::<_, CampaignRow>(
            "SELECT id, name, from_date, to_date, baseline_fixed, created_by, created_at FROM campaigns WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(err("campaign"))?
        .ok_or_else(|| StoreError::NotFound("campaign".into()))?;
        let phases = sqlx::query_as::<_, PhaseRow>(
            "SELECT name, from_date, to_date FROM campaign_phases WHERE campaign_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("campaign phases"))?;
        let sql =
            format!("SELECT {TASK_COLUMNS} FROM campaign_tasks WHERE campaign_id = $1 ORDER BY position");
        let tasks = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .map_err(err("campaign tasks"))?;
        let kpis = sqlx::query_as::<_, KpiRow>(
            "SELECT metric, target, baseline FROM campaign_kpis WHERE campaign_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("campaign kpis"))?;
        Ok(Campaign {
            id: row.id,
            name: row.name,
            from: row.from_date.to_jiff(),
            to: row.to_date.to_jiff(),
            baseline_fixed: row.baseline_fixed,
            created_by: row.created_by,
            created_at: row.created_at.to_jiff(),
            phases: phases
                .into_iter()
                .map(|p| CampaignPhase {
                    name: p.name,
                    from: p.from_date.to_jiff(),
                    to: p.to_date.to_jiff(),
                })
                .collect(),
            tasks: tasks
                .into_iter()
                .map(CampaignTask::try_from)
                .collect::<StoreResult<_>>()?,
            kpis: kpis
                .into_iter()
                .map(|k| {
                    Ok(CampaignKpi {
                        metric: decode(&k.metric)?,
                        target: k.target,
                        baseline: k.baseline,
                    })
                })
                .collect::<StoreResult<_>>()?,
        })
    }

    async fn campaigns(
        &self,
        owner: Option<&str>,
        today: Date,
        limit: i64,
    ) -> StoreResult<Vec<CampaignSummary>> {
        let sql = summary_sql(owner.is_some());
        let q = sqlx::query_as::<_, SummaryRow>(sqlx::AssertSqlSafe(sql)).bind(today.to_sqlx());
        let q = match owner {
            Some(o) => q.bind(o).bind(limit),
            None => q.bind(limit),
        };
        let rows = q.fetch_all(&self.pool).await.map_err(err("campaigns"))?;
        Ok(rows
            .into_iter()
            .map(|r| CampaignSummary {
                id: r.id,
                name: r.name,
                from: r.from_date.to_jiff(),
                to: r.to_date.to_jiff(),
                created_by: r.created_by,
                created_at: r.created_at.to_jiff(),
                tasks: r.tasks,
                done: r.done,
                late: r.late,
            })
            .collect())
    }

    async fn set_campaign_task_status(
        &self,
        campaign: Uuid,
        task: Uuid,
        status: TaskStatus,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<CampaignTask> {
        let sql = format!(
            "UPDATE campaign_tasks SET status = $1, updated_by = $2, updated_at = $3 \
             WHERE id = $4 AND campaign_id = $5 RETURNING {TASK_COLUMNS}"
        );
        let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql))
            .bind(status.code())
            .bind(by)
            .bind(at.to_sqlx())
            .bind(task)
            .bind(campaign)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("campaign task"))?
            .ok_or_else(|| StoreError::NotFound("campaign task".into()))?;
        row.try_into()
    }

    async fn set_campaign_baselines(
        &self,
        campaign: Uuid,
        baselines: &[(Metric, Option<f64>)],
        fixed: bool,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let was: Option<bool> = sqlx::query_scalar("SELECT baseline_fixed FROM campaigns WHERE id = $1")
            .bind(campaign)
            .fetch_optional(tx.conn())
            .await
            .map_err(err("campaign"))?;
        match was {
            None => return Err(StoreError::NotFound("campaign".into())),
            Some(true) => return Ok(false),
            Some(false) => {}
        }
        for (metric, value) in baselines {
            let done =
                sqlx::query("UPDATE campaign_kpis SET baseline = $1 WHERE campaign_id = $2 AND metric = $3")
                    .bind(*value)
                    .bind(campaign)
                    .bind(metric.code())
                    .execute(tx.conn())
                    .await
                    .map_err(err("campaign kpi"))?;
            touched(done.rows_affected(), "campaign kpi")?;
        }
        if fixed {
            sqlx::query("UPDATE campaigns SET baseline_fixed = $1 WHERE id = $2")
                .bind(true)
                .bind(campaign)
                .execute(tx.conn())
                .await
                .map_err(err("campaign"))?;
        }
        tx.commit().await.map_err(err("campaign"))?;
        Ok(true)
    }

    async fn period_counts(&self, from: Date, to: Date) -> StoreResult<PeriodCounts> {
        let complaints: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM complaints WHERE received_on >= $1 AND received_on <= $2",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_one(&self.pool)
        .await
        .map_err(err("complaints"))?;
        let rows = sqlx::query_as::<_, DeductionRow>(
            "SELECT status, SUM(deduction) AS deduction FROM inspections WHERE day >= $1 AND day <= $2 \
             GROUP BY status ORDER BY status",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("inspections"))?;
        let deductions = rows
            .into_iter()
            .map(|r| Ok((decode::<InspectionStatus>(&r.status)?, r.deduction.unwrap_or(0.0))))
            .collect::<StoreResult<_>>()?;
        let scalper_actions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM scalper_actions WHERE action_date >= $1 AND action_date <= $2",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_one(&self.pool)
        .await
        .map_err(err("scalper actions"))?;
        Ok(PeriodCounts {
            complaints,
            deductions,
            scalper_actions,
        })
    }
}
