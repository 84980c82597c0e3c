//! The shared SQL of the hall's reports (issue 18 part 3): counts over a
//! period, for the hall (`$3` empty) or one department (`$3` its name).

use crate::dialect::Backend;
use jiff_sqlx::ToSqlx;
use store::StoreResult;
use store::hall_report::*;
use store::sql::{decode, refusal as err};

#[derive(sqlx::FromRow)]
struct DeductionRow {
    status: String,
    deduction: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct RectificationRow {
    evaluation: Option<i64>,
    complaint: Option<i64>,
    inspection: Option<i64>,
    closed: Option<i64>,
}

impl Backend {
    async fn count(
        &self,
        what: &'static str,
        sql: &'static str,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        department: &str,
    ) -> StoreResult<i64> {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .bind(department)
            .fetch_one(&self.pool)
            .await
            .map_err(err(what))
    }
}

#[async_trait::async_trait]
impl HallReportStore for Backend {
    async fn report_counts(
        &self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        department: Option<&str>,
    ) -> StoreResult<ReportCounts> {
        let d = department.unwrap_or("");
        let bundle_cases = self
            .count(
                "cases",
                "SELECT COUNT(DISTINCT parent_id) FROM cases WHERE parent_id IS NOT NULL \
                 AND accepted_on >= $1 AND accepted_on <= $2 AND ($3 = '' OR department = $3)",
                from,
                to,
                d,
            )
            .await?;
        let online_cases = self
            .count(
                "applications",
                "SELECT COUNT(*) FROM applications a JOIN cases c ON c.id = a.case_id \
                 WHERE a.case_id IS NOT NULL AND c.parent_id IS NULL \
                 AND c.accepted_on >= $1 AND c.accepted_on <= $2 AND ($3 = '' OR c.department = $3)",
                from,
                to,
                d,
            )
            .await?;
        let applications_submitted = self
            .count(
                "applications",
                "SELECT COUNT(*) FROM applications WHERE submitted_on >= $1 AND submitted_on <= $2 \
                 AND ($3 = '' OR department = $3)",
                from,
                to,
                d,
            )
            .await?;
        let inspections = self
            .count(
                "inspections",
                "SELECT COUNT(*) FROM inspections WHERE day >= $1 AND day <= $2 AND ($3 = '' OR department = $3)",
                from,
                to,
                d,
            )
            .await?;
        let r = sqlx::query_as::<_, RectificationRow>(
            "SELECT \
             CAST(SUM(CASE WHEN evaluation_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS evaluation, \
             CAST(SUM(CASE WHEN complaint_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS complaint, \
             CAST(SUM(CASE WHEN inspection_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS inspection, \
             CAST(SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) AS BIGINT) AS closed \
             FROM rectifications WHERE opened_on >= $1 AND opened_on <= $2 AND ($3 = '' OR department = $3)",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .bind(d)
        .fetch_one(&self.pool)
        .await
        .map_err(err("rectifications"))?;
        let (complaints, deductions) = match department {
            None => (0, Vec::new()),
            Some(d) => {
                let complaints = self
                    .count(
                        "complaints",
                        "SELECT COUNT(*) FROM complaints WHERE received_on >= $1 AND received_on <= $2 \
                         AND department = $3",
                        from,
                        to,
                        d,
                    )
                    .await?;
                let rows = sqlx::query_as::<_, DeductionRow>(
                    "SELECT status, SUM(deduction) AS deduction FROM inspections \
                     WHERE day >= $1 AND day <= $2 AND department = $3 GROUP BY status ORDER BY status",
                )
                .bind(from.to_sqlx())
                .bind(to.to_sqlx())
                .bind(d)
                .fetch_all(&self.pool)
                .await
                .map_err(err("inspections"))?;
                let deductions = rows
                    .into_iter()
                    .map(|r| {
                        Ok((
                            decode::<domain::inspection::InspectionStatus>(&r.status)?,
                            r.deduction.unwrap_or(0.0),
                        ))
                    })
                    .collect::<StoreResult<_>>()?;
                (complaints, deductions)
            }
        };
        Ok(ReportCounts {
            bundle_cases,
            online_cases,
            applications_submitted,
            rectifications_evaluation: r.evaluation.unwrap_or(0),
            rectifications_complaint: r.complaint.unwrap_or(0),
            rectifications_inspection: r.inspection.unwrap_or(0),
            rectifications_closed: r.closed.unwrap_or(0),
            inspections,
            complaints,
            deductions,
        })
    }
}
