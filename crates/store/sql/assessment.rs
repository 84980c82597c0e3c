//! The shared SQL of the monthly assessment (月度考核): the scheme's
//! versions, 三评, bonuses and incidents, frozen months, and the month's
//! facts, each one range read over an index on the month's dates
//! (`evaluations_day`, `tickets_waiting`, `cases_accepted`, `cases_completed`,
//! `cases_open_deadline`, `inspections_day`, `complaints_received`,
//! `morning_meetings_date`, `rectifications_due`, `deadline_cards_month`).

use crate::dialect::{
    ACCEPTANCE_DAY_GROUP, Backend, CASES_ASSESSED_BY_ACCEPTANCE, CASES_BY_ACCEPTANCE, CASES_BY_COMPLETION,
    DAY_GROUP, ID_LIST, OPEN_CASES_BY_DEADLINE, REPORT_INDEX,
};
use domain::assessment::{Assessment, CaseOutcome, Evidence, IncidentKind, ReviewKind, SubjectLevel};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::assessment::*;
use store::case_ledger::OPEN_STATUSES;
use store::queue::TicketStatus;
use store::sql::{from_json, refusal as err, to_json};
use store::{StoreError, StoreResult};
use uuid::Uuid;

fn corrupt(what: &str, code: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {code}"))
}

fn level_of(code: &str) -> StoreResult<SubjectLevel> {
    SubjectLevel::parse(code).ok_or_else(|| corrupt("assessment level", code))
}

// ---------------------------------------------------------------- scheme

#[derive(sqlx::FromRow)]
struct SchemeRow {
    version: i64,
    effective_from: String,
    body: String,
    note: String,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
}

impl From<SchemeRow> for SchemeVersion {
    fn from(r: SchemeRow) -> SchemeVersion {
        SchemeVersion {
            version: r.version,
            effective_from: r.effective_from,
            body: r.body,
            note: r.note,
            created_by: r.created_by,
            created_at: r.created_at.to_jiff(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: Uuid,
    month: String,
    staff: String,
    reviewer: String,
    kind: String,
    score: i64,
    comment: String,
    created_at: jiff_sqlx::Timestamp,
}

impl TryFrom<ReviewRow> for Review {
    type Error = StoreError;
    fn try_from(r: ReviewRow) -> StoreResult<Review> {
        Ok(Review {
            id: r.id,
            kind: ReviewKind::parse(&r.kind).ok_or_else(|| corrupt("review kind", &r.kind))?,
            month: r.month,
            staff: r.staff,
            reviewer: r.reviewer,
            score: r.score,
            comment: r.comment,
            created_at: r.created_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct BonusRow {
    id: Uuid,
    month: String,
    level: String,
    subject: String,
    points: f64,
    reason: String,
    recorded_by: String,
    recorded_at: jiff_sqlx::Timestamp,
}

impl TryFrom<BonusRow> for Bonus {
    type Error = StoreError;
    fn try_from(r: BonusRow) -> StoreResult<Bonus> {
        Ok(Bonus {
            id: r.id,
            level: level_of(&r.level)?,
            month: r.month,
            subject: r.subject,
            points: r.points,
            reason: r.reason,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct IncidentRow {
    id: Uuid,
    month: String,
    occurred_on: jiff_sqlx::Date,
    level: String,
    subject: String,
    kind: String,
    description: String,
    recorded_by: String,
    recorded_at: jiff_sqlx::Timestamp,
}

impl TryFrom<IncidentRow> for Incident {
    type Error = StoreError;
    fn try_from(r: IncidentRow) -> StoreResult<Incident> {
        Ok(Incident {
            id: r.id,
            level: level_of(&r.level)?,
            kind: IncidentKind::parse(&r.kind).ok_or_else(|| corrupt("incident kind", &r.kind))?,
            month: r.month,
            occurred_on: r.occurred_on.to_jiff(),
            subject: r.subject,
            description: r.description,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct FrozenRow {
    month: String,
    scheme_version: i64,
    frozen_by: String,
    frozen_at: jiff_sqlx::Timestamp,
    rescores: i64,
    red_flag: String,
    stars: String,
}

impl From<FrozenRow> for FrozenMonth {
    fn from(r: FrozenRow) -> FrozenMonth {
        FrozenMonth {
            month: r.month,
            scheme_version: r.scheme_version,
            frozen_by: r.frozen_by,
            frozen_at: r.frozen_at.to_jiff(),
            rescores: r.rescores,
            red_flag: r.red_flag,
            stars: r.stars,
        }
    }
}

#[derive(sqlx::FromRow)]
struct LogRow {
    month: String,
    action: String,
    actor: String,
    at: jiff_sqlx::Timestamp,
    reason: String,
}

#[async_trait::async_trait]
impl AssessmentStore for Backend {
    async fn add_scheme_version(
        &self,
        effective_from: &str,
        body: &str,
        note: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<SchemeVersion> {
        let mut tx = self.begin_write().await?;
        let next: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM assessment_schemes")
            .fetch_one(tx.conn())
            .await
            .map_err(err("assessment scheme"))?;
        let row = sqlx::query_as::<_, SchemeRow>(
            "INSERT INTO assessment_schemes (version, effective_from, body, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             RETURNING version, effective_from, body, note, created_by, created_at",
        )
        .bind(next)
        .bind(effective_from)
        .bind(body)
        .bind(note)
        .bind(by)
        .bind(at.to_sqlx())
        .fetch_one(tx.conn())
        .await
        .map_err(err("assessment scheme"))?;
        tx.commit().await.map_err(err("assessment scheme"))?;
        Ok(row.into())
    }

    async fn scheme_versions(&self) -> StoreResult<Vec<SchemeVersion>> {
        let rows = sqlx::query_as::<_, SchemeRow>(
            "SELECT version, effective_from, body, note, created_by, created_at FROM assessment_schemes \
             ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(err("assessment schemes"))?;
        Ok(rows.into_iter().map(SchemeVersion::from).collect())
    }

    async fn add_review(&self, r: &Review) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO assessment_reviews (id, month, staff, reviewer, kind, score, comment, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.id)
        .bind(&r.month)
        .bind(&r.staff)
        .bind(&r.reviewer)
        .bind(r.kind.code())
        .bind(r.score)
        .bind(&r.comment)
        .bind(r.created_at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("review_duplicate"))?;
        Ok(())
    }

    async fn reviews(&self, month: &str, staff: Option<&str>) -> StoreResult<Vec<Review>> {
        const COLUMNS: &str = "id, month, staff, reviewer, kind, score, comment, created_at";
        let rows =
            match staff {
                Some(s) => {
                    sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {COLUMNS} FROM assessment_reviews WHERE staff = $1 AND month = $2 \
                     ORDER BY created_at, id"
                    )))
                    .bind(s)
                    .bind(month)
                    .fetch_all(&self.pool)
                    .await
                }
                None => sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM assessment_reviews WHERE month = $1 ORDER BY staff, created_at, id"
                )))
                .bind(month)
                .fetch_all(&self.pool)
                .await,
            }
            .map_err(err("reviews"))?;
        rows.into_iter().map(Review::try_from).collect()
    }

    async fn add_bonus(&self, b: &Bonus) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO assessment_bonuses (id, month, level, subject, points, reason, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(b.id)
        .bind(&b.month)
        .bind(b.level.code())
        .bind(&b.subject)
        .bind(b.points)
        .bind(&b.reason)
        .bind(&b.recorded_by)
        .bind(b.recorded_at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("bonus"))?;
        Ok(())
    }

    async fn bonuses(&self, month: &str) -> StoreResult<Vec<Bonus>> {
        let rows = sqlx::query_as::<_, BonusRow>(
            "SELECT id, month, level, subject, points, reason, recorded_by, recorded_at \
             FROM assessment_bonuses WHERE month = $1 ORDER BY recorded_at, id",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await
        .map_err(err("bonuses"))?;
        rows.into_iter().map(Bonus::try_from).collect()
    }

    async fn add_incident(&self, i: &Incident) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO assessment_incidents (id, month, occurred_on, level, subject, kind, description, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(i.id)
        .bind(&i.month)
        .bind(i.occurred_on.to_sqlx())
        .bind(i.level.code())
        .bind(&i.subject)
        .bind(i.kind.code())
        .bind(&i.description)
        .bind(&i.recorded_by)
        .bind(i.recorded_at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("incident"))?;
        Ok(())
    }

    async fn incidents(&self, month: &str) -> StoreResult<Vec<Incident>> {
        let rows = sqlx::query_as::<_, IncidentRow>(
            "SELECT id, month, occurred_on, level, subject, kind, description, recorded_by, recorded_at \
             FROM assessment_incidents WHERE month = $1 ORDER BY occurred_on, recorded_at, id",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await
        .map_err(err("incidents"))?;
        rows.into_iter().map(Incident::try_from).collect()
    }

    async fn frozen_month(&self, month: &str) -> StoreResult<Option<FrozenMonth>> {
        let row = sqlx::query_as::<_, FrozenRow>(
            "SELECT month, scheme_version, frozen_by, frozen_at, rescores, red_flag, stars \
             FROM assessment_months WHERE month = $1",
        )
        .bind(month)
        .fetch_optional(&self.pool)
        .await
        .map_err(err("assessment month"))?;
        Ok(row.map(FrozenMonth::from))
    }

    async fn save_frozen_month(
        &self,
        m: &FrozenMonth,
        results: &[Assessment],
        rescore: bool,
        log: &AssessmentLogEntry,
    ) -> StoreResult<()> {
        // Serialised before the write lock is taken.
        let mut rows = Vec::with_capacity(results.len());
        let mut position: std::collections::HashMap<SubjectLevel, i64> = Default::default();
        for a in results {
            let evidence: Vec<&Vec<Evidence>> = a.parts.iter().map(|p| &p.evidence).collect();
            let mut summary = a.clone();
            for p in &mut summary.parts {
                p.evidence = Vec::new();
            }
            let pos = position.entry(a.level).or_insert(0);
            *pos += 1;
            rows.push((a, *pos, to_json(&summary)?, encode_evidence(&evidence)));
        }
        let mut tx = self.begin_write().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT rescores FROM assessment_months WHERE month = $1")
                .bind(&m.month)
                .fetch_optional(tx.conn())
                .await
                .map_err(err("assessment month"))?;
        match (exists, rescore) {
            (Some(_), false) => {
                return Err(StoreError::Conflict {
                    what: "assessment_frozen".into(),
                });
            }
            (None, true) => return Err(StoreError::NotFound("assessment month".into())),
            (Some(_), true) => {
                sqlx::query(
                    "UPDATE assessment_months SET scheme_version = $2, rescores = rescores + 1, red_flag = $3, \
                     stars = $4 WHERE month = $1",
                )
                .bind(&m.month)
                .bind(m.scheme_version)
                .bind(&m.red_flag)
                .bind(&m.stars)
                .execute(tx.conn())
                .await
                .map_err(err("assessment month"))?;
                sqlx::query("DELETE FROM assessment_results WHERE month = $1")
                    .bind(&m.month)
                    .execute(tx.conn())
                    .await
                    .map_err(err("assessment results"))?;
            }
            (None, false) => {
                sqlx::query(
                    "INSERT INTO assessment_months (month, scheme_version, frozen_by, frozen_at, rescores, \
                     red_flag, stars) VALUES ($1, $2, $3, $4, 0, $5, $6)",
                )
                .bind(&m.month)
                .bind(m.scheme_version)
                .bind(&m.frozen_by)
                .bind(m.frozen_at.to_sqlx())
                .bind(&m.red_flag)
                .bind(&m.stars)
                .execute(tx.conn())
                .await
                .map_err(err("assessment_frozen"))?;
            }
        }
        // Many rows per statement: 9 parameters each.
        for chunk in rows.chunks(100) {
            let mut sql = String::from(
                "INSERT INTO assessment_results (month, level, subject, position, score, grade, vetoed, summary, \
                 evidence) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * 9;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9
                ));
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (a, pos, summary, evidence) in chunk {
                q = q
                    .bind(&m.month)
                    .bind(a.level.code())
                    .bind(&a.subject)
                    .bind(*pos)
                    .bind(a.score)
                    .bind(i64::from(a.grade.stars()))
                    .bind(a.vetoed)
                    .bind(summary)
                    .bind(evidence);
            }
            q.execute(tx.conn()).await.map_err(err("assessment results"))?;
        }
        sqlx::query(
            "INSERT INTO assessment_log (month, action, actor, at, reason) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&log.month)
        .bind(&log.action)
        .bind(&log.actor)
        .bind(log.at.to_sqlx())
        .bind(&log.reason)
        .execute(tx.conn())
        .await
        .map_err(err("assessment log"))?;
        tx.commit().await.map_err(err("assessment month"))?;
        Ok(())
    }

    async fn frozen_results(&self, q: &ResultQuery) -> StoreResult<Vec<Assessment>> {
        let evidence_column = if q.evidence { "evidence" } else { "''" };
        let subject_filter = if q.subject.is_some() {
            "AND subject = $3"
        } else {
            ""
        };
        let sql = format!(
            "SELECT summary, {evidence_column} FROM assessment_results WHERE month = $1 AND level = $2 \
             {subject_filter} ORDER BY position"
        );
        let mut query = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql))
            .bind(&q.month)
            .bind(q.level.code());
        if let Some(s) = &q.subject {
            query = query.bind(s);
        }
        let rows = query
            .fetch_all(&self.pool)
            .await
            .map_err(err("assessment results"))?;
        rows.into_iter()
            .map(|(summary, evidence)| {
                let mut a: Assessment = from_json(&summary)?;
                if q.evidence {
                    let lists = decode_evidence(&evidence)?;
                    for (p, e) in a.parts.iter_mut().zip(lists) {
                        p.evidence = e;
                    }
                }
                Ok(a)
            })
            .collect()
    }

    async fn frozen_grades(&self, month: &str, level: SubjectLevel) -> StoreResult<Vec<(String, i64)>> {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT subject, grade FROM assessment_results WHERE month = $1 AND level = $2",
        )
        .bind(month)
        .bind(level.code())
        .fetch_all(&self.pool)
        .await
        .map_err(err("assessment grades"))
    }

    async fn assessment_log(&self, month: &str) -> StoreResult<Vec<AssessmentLogEntry>> {
        let rows = sqlx::query_as::<_, LogRow>(
            "SELECT month, action, actor, at, reason FROM assessment_log WHERE month = $1 ORDER BY id",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await
        .map_err(err("assessment log"))?;
        Ok(rows
            .into_iter()
            .map(|r| AssessmentLogEntry {
                month: r.month,
                action: r.action,
                actor: r.actor,
                at: r.at.to_jiff(),
                reason: r.reason,
            })
            .collect())
    }

    // ---------------------------------------------------------------- facts

    async fn month_evaluations(&self, from: Date, to: Date) -> StoreResult<Vec<EvaluationRow>> {
        evaluation_groups(self, from, to, true).await
    }

    async fn month_tickets(&self, from: Date, to: Date) -> StoreResult<Vec<TicketRow>> {
        let rows = sqlx::query_as::<_, (Uuid, Option<String>, Option<String>)>(
            "SELECT id, window_number, called_by FROM tickets \
             WHERE business_date >= $1 AND business_date <= $2 AND status = 'finished'",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("tickets"))?;
        Ok(rows
            .into_iter()
            .map(|(id, window, staff)| TicketRow {
                id,
                window: window.unwrap_or_default(),
                staff: staff.unwrap_or_default(),
            })
            .collect())
    }

    async fn month_cases(&self, from: Date, to: Date, today: Date) -> StoreResult<Vec<CaseRow>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: Uuid,
            window_number: String,
            staff: String,
            department: String,
            has_ticket: bool,
            accepted_on: Option<jiff_sqlx::Date>,
            deadline: Option<jiff_sqlx::Date>,
            completed_on: Option<jiff_sqlx::Date>,
            paused: bool,
            open: bool,
        }
        let columns = format!(
            "id, window_number, staff, department, ticket_id IS NOT NULL AS has_ticket, accepted_on, \
             deadline, completed_on, status = 'paused' AS paused, status IN {OPEN_STATUSES} AS open"
        );
        let sql = month_cases_of(&columns);
        let rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .bind(today.to_sqlx())
            .fetch_all(&self.pool)
            .await
            .map_err(err("cases"))?;
        Ok(rows
            .into_iter()
            .map(|r| CaseRow {
                id: r.id,
                window: r.window_number,
                staff: r.staff,
                department: r.department,
                has_ticket: r.has_ticket,
                accepted_on: r.accepted_on.map(|d| d.to_jiff()),
                deadline: r.deadline.map(|d| d.to_jiff()),
                completed_on: r.completed_on.map(|d| d.to_jiff()),
                paused: r.paused,
                open: r.open,
            })
            .collect())
    }

    async fn month_inspections(&self, from: Date, to: Date) -> StoreResult<Vec<InspectionRow>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: Uuid,
            kind: String,
            window_number: String,
            department: String,
            staff: String,
            deduction: f64,
            status: String,
        }
        let rows = sqlx::query_as::<_, Row>(
            "SELECT id, kind, window_number, department, staff, deduction, status FROM inspections \
             WHERE day >= $1 AND day <= $2",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("inspections"))?;
        let failed = sqlx::query_as::<_, (Uuid, String)>(
            "SELECT r.inspection_id, r.code FROM inspections i JOIN inspection_results r ON r.inspection_id = i.id \
             WHERE i.day >= $1 AND i.day <= $2 AND NOT r.pass",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("inspection results"))?;
        let mut by_inspection: std::collections::HashMap<Uuid, Vec<String>> = Default::default();
        for (id, code) in failed {
            by_inspection.entry(id).or_default().push(code);
        }
        rows.into_iter()
            .map(|r| {
                Ok(InspectionRow {
                    unannounced: r.kind == "unannounced",
                    upheld: r.status == "upheld",
                    failed_items: by_inspection.remove(&r.id).unwrap_or_default(),
                    staff: from_json(&r.staff)?,
                    id: r.id,
                    window: r.window_number,
                    department: r.department,
                    deduction: r.deduction,
                })
            })
            .collect()
    }

    async fn month_complaints(&self, from: Date, to: Date) -> StoreResult<Vec<ComplaintRow>> {
        let rows = sqlx::query_as::<_, (Uuid, String, String, String, String, String)>(
            "SELECT id, number, category, about_window, about_staff, department FROM complaints \
             WHERE received_on >= $1 AND received_on <= $2 AND substantiated = TRUE",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("complaints"))?;
        rows.into_iter()
            .map(|(id, number, category, window, staff, department)| {
                Ok(ComplaintRow {
                    category: domain::complaint::ComplaintCategory::parse(&category)
                        .ok_or_else(|| corrupt("complaint category", &category))?,
                    id,
                    number,
                    window,
                    staff,
                    department,
                })
            })
            .collect()
    }

    async fn month_meetings(&self, from: Date, to: Date) -> StoreResult<Vec<MeetingRow>> {
        let rows = sqlx::query_as::<_, (Uuid, Option<String>, Option<String>, String, String)>(
            "SELECT id, window_number, department, host, attendees FROM morning_meetings \
             WHERE meeting_date >= $1 AND meeting_date <= $2",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("morning meetings"))?;
        rows.into_iter()
            .map(|(id, window, department, host, attendees)| {
                Ok(MeetingRow {
                    id,
                    window,
                    department,
                    host,
                    attendees: from_json(&attendees)?,
                })
            })
            .collect()
    }

    async fn month_rectifications(&self, from: Date, to: Date) -> StoreResult<Vec<RectificationRow>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: Uuid,
            window_number: String,
            department: String,
            due_date: jiff_sqlx::Date,
            status: String,
            updated_at: jiff_sqlx::Timestamp,
            evaluation_staff: Option<String>,
            complaint_staff: Option<String>,
            inspection_staff: Option<String>,
        }
        let rows = sqlx::query_as::<_, Row>(
            "SELECT r.id, r.window_number, r.department, r.due_date, r.status, r.updated_at, \
             e.staff AS evaluation_staff, c.about_staff AS complaint_staff, i.staff AS inspection_staff \
             FROM rectifications r \
             LEFT JOIN evaluations e ON e.id = r.evaluation_id \
             LEFT JOIN complaints c ON c.id = r.complaint_id \
             LEFT JOIN inspections i ON i.id = r.inspection_id \
             WHERE r.due_date >= $1 AND r.due_date <= $2",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("rectifications"))?;
        rows.into_iter()
            .map(|r| {
                Ok(RectificationRow {
                    inspection_staff: match &r.inspection_staff {
                        Some(s) => from_json(s)?,
                        None => Vec::new(),
                    },
                    staff: r.evaluation_staff.or(r.complaint_staff).unwrap_or_default(),
                    id: r.id,
                    window: r.window_number,
                    department: r.department,
                    due_date: r.due_date.to_jiff(),
                    closed: r.status == "closed",
                    updated_at: r.updated_at.to_jiff(),
                })
            })
            .collect()
    }

    async fn month_fault_cards(&self, from: Date, to: Date) -> StoreResult<Vec<FaultCardRow>> {
        let rows = sqlx::query_as::<_, (Uuid, String, String, String, String)>(
            "SELECT case_id, case_number, window_number, staff, department FROM deadline_cards \
             WHERE issued_on >= $1 AND issued_on <= $2 AND color = 'red' AND ruling = 'fault'",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("cards"))?;
        Ok(rows
            .into_iter()
            .map(|(case_id, case_number, window, staff, department)| FaultCardRow {
                case_id,
                case_number,
                window,
                staff,
                department,
            })
            .collect())
    }

    // issue 18: the month's facts counted in the database, without their evidence
    async fn month_evaluation_counts(&self, from: Date, to: Date) -> StoreResult<Vec<EvaluationRow>> {
        evaluation_groups(self, from, to, false).await
    }

    async fn month_ticket_counts(&self, from: Date, to: Date) -> StoreResult<Vec<TicketCount>> {
        // An index-only range read of `tickets_report`. Every status is
        // counted and the finished kept here: with `status = 'finished'` in
        // the WHERE (or a HAVING, which SQLite moves there) SQLite sorts the
        // month's rows to group them instead of streaming them in the
        // index's order (measured at 10 M tickets: 157 ms against 36 ms).
        let sql = format!(
            "SELECT status, COALESCE(window_number, '') AS window_number, COALESCE(called_by, '') AS staff, \
             COUNT(*) AS n FROM tickets {REPORT_INDEX} WHERE business_date >= $1 AND business_date <= $2 \
             GROUP BY {DAY_GROUP}status, window_number, called_by"
        );
        let rows = sqlx::query_as::<_, (String, String, String, i64)>(sqlx::AssertSqlSafe(sql))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .fetch_all(&self.pool)
            .await
            .map_err(err("tickets"))?;
        // Counted day by day in the index's order where the backend sorts to
        // group (`DAY_GROUP`): the days are added up here.
        let mut counts: std::collections::BTreeMap<(String, String), i64> = std::collections::BTreeMap::new();
        for (status, window, staff, n) in rows {
            if status == TicketStatus::Finished.code() {
                *counts.entry((window, staff)).or_default() += n;
            }
        }
        Ok(counts
            .into_iter()
            .map(|((window, staff), n)| TicketCount { window, staff, n })
            .collect())
    }

    async fn month_case_counts(&self, from: Date, to: Date, today: Date) -> StoreResult<Vec<CaseCount>> {
        // The cases accepted in the month (most of them) are counted per
        // window, staff member and department with one sum per outcome, in
        // `cases_assessment_accepted`'s order and day by day where the backend
        // sorts to group: streamed, each case's outcome worked out once per
        // sum from plain comparisons (SQLite repeats a shared expression in
        // every sum, so a CASE naming the outcome cost 150 ms at 137 k cases).
        let count = |c: &str| format!("CAST(SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS BIGINT)");
        let with_ticket = |c: &str| count(&format!("ticket_id IS NOT NULL AND {c}"));
        let late = format!("{COMPLETED_IN_MONTH} AND {COMPLETED_LATE}");
        let accepted_sql = format!(
            "SELECT window_number, staff, department, COUNT(*) AS n, {} AS with_ticket, \
             {} AS completed, {} AS completed_with_ticket, {} AS late, {} AS late_with_ticket, \
             {} AS open_overdue, {} AS open_overdue_with_ticket \
             FROM cases {CASES_ASSESSED_BY_ACCEPTANCE} WHERE {ACCEPTED_IN_MONTH} \
             GROUP BY {ACCEPTANCE_DAY_GROUP}window_number, staff, department",
            count("ticket_id IS NOT NULL"),
            count(COMPLETED_IN_MONTH),
            with_ticket(COMPLETED_IN_MONTH),
            count(&late),
            with_ticket(&late),
            count(OPEN_OVERDUE),
            with_ticket(OPEN_OVERDUE),
        );
        #[derive(sqlx::FromRow)]
        struct AcceptedRow {
            window_number: String,
            staff: String,
            department: String,
            n: i64,
            with_ticket: i64,
            completed: i64,
            completed_with_ticket: i64,
            late: i64,
            late_with_ticket: i64,
            open_overdue: i64,
            open_overdue_with_ticket: i64,
        }
        // The others (completed in the month or open past a deadline in it,
        // accepted before): few, grouped as they are.
        #[derive(sqlx::FromRow)]
        struct Row {
            window_number: String,
            staff: String,
            department: String,
            has_ticket: bool,
            outcome: String,
            n: i64,
        }
        let columns = format!(
            "window_number, staff, department, ticket_id IS NOT NULL AS has_ticket, \
             CASE WHEN {COMPLETED_IN_MONTH} THEN (CASE WHEN {COMPLETED_LATE} THEN 'late' ELSE 'on_time' END) \
             WHEN {OPEN_OVERDUE} THEN 'open_overdue' ELSE '' END AS outcome"
        );
        let others_sql = format!(
            "SELECT window_number, staff, department, has_ticket, outcome, COUNT(*) AS n FROM ({}) AS u \
             GROUP BY window_number, staff, department, has_ticket, outcome",
            month_cases_not_accepted_of(&columns)
        );
        let accepted = sqlx::query_as::<_, AcceptedRow>(sqlx::AssertSqlSafe(accepted_sql))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .bind(today.to_sqlx())
            .fetch_all(&self.pool);
        let others = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(others_sql))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .bind(today.to_sqlx())
            .fetch_all(&self.pool);
        let (accepted, others) = tokio::try_join!(accepted, others).map_err(err("cases"))?;
        type Key = (String, String, String, bool, bool, Option<CaseOutcome>);
        let mut counts: std::collections::BTreeMap<Key, i64> = std::collections::BTreeMap::new();
        for r in accepted {
            for has_ticket in [false, true] {
                // Those with a ticket, or all less those with one.
                let pick = |all: i64, with: i64| if has_ticket { with } else { all - with };
                let n = pick(r.n, r.with_ticket);
                let late = pick(r.late, r.late_with_ticket);
                let on_time = pick(r.completed, r.completed_with_ticket) - late;
                let open = pick(r.open_overdue, r.open_overdue_with_ticket);
                for (outcome, k) in [
                    (Some(CaseOutcome::OnTime), on_time),
                    (Some(CaseOutcome::Late), late),
                    (Some(CaseOutcome::OpenOverdue), open),
                    (None, n - on_time - late - open),
                ] {
                    let key = (
                        r.window_number.clone(),
                        r.staff.clone(),
                        r.department.clone(),
                        has_ticket,
                        true,
                        outcome,
                    );
                    *counts.entry(key).or_default() += k;
                }
            }
        }
        for r in others {
            let outcome = match r.outcome.as_str() {
                "" => None,
                "on_time" => Some(CaseOutcome::OnTime),
                "late" => Some(CaseOutcome::Late),
                "open_overdue" => Some(CaseOutcome::OpenOverdue),
                other => return Err(corrupt("case outcome", other)),
            };
            let key = (
                r.window_number,
                r.staff,
                r.department,
                r.has_ticket,
                false,
                outcome,
            );
            *counts.entry(key).or_default() += r.n;
        }
        Ok(counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(
                |((window, staff, department, has_ticket, accepted, outcome), n)| CaseCount {
                    window,
                    staff,
                    department,
                    has_ticket,
                    accepted,
                    outcome,
                    n,
                },
            )
            .collect())
    }
}

/// The month's evaluations grouped by what the assessment reads, with the
/// ids of each group as its evidence (`with_ids`) or counted only (issue 18:
/// the summary's scoring needs no evidence, and skipping the id lists keeps
/// the read index-only).
async fn evaluation_groups(
    db: &Backend,
    from: Date,
    to: Date,
    with_ids: bool,
) -> StoreResult<Vec<EvaluationRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        window_number: String,
        department: String,
        staff: String,
        level: String,
        imported: bool,
        excluded: bool,
        weight: i64,
        ids: String,
    }
    let ids = if with_ids { ID_LIST } else { "''" };
    let sql = format!(
        "SELECT window_number, department, staff, level, imported, excluded, CAST(SUM(weight) AS BIGINT) AS weight, \
         {ids} AS ids FROM evaluations WHERE business_date >= $1 AND business_date <= $2 \
         GROUP BY {DAY_GROUP}window_number, department, staff, level, imported, excluded"
    );
    let rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql))
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&db.pool)
        .await
        .map_err(err("evaluations"))?;
    // Grouped per day first where the backend sorts to group (`DAY_GROUP`):
    // the days of a group are added up here.
    type Key = (String, String, String, String, bool, bool);
    let mut groups: std::collections::BTreeMap<Key, EvaluationRow> = std::collections::BTreeMap::new();
    for r in rows {
        let ids = r
            .ids
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| Uuid::try_parse(s).map_err(|_| corrupt("evaluation id", s)))
            .collect::<StoreResult<Vec<Uuid>>>()?;
        let level = domain::evaluation::Level::parse(&r.level)
            .ok_or_else(|| corrupt("evaluation level", &r.level))?;
        let key = (
            r.window_number.clone(),
            r.department.clone(),
            r.staff.clone(),
            r.level,
            r.imported,
            r.excluded,
        );
        let group = groups.entry(key).or_insert_with(|| EvaluationRow {
            level,
            ids: Vec::new(),
            window: r.window_number,
            department: r.department,
            staff: r.staff,
            weight: 0,
            imported: r.imported,
            excluded: r.excluded,
        });
        group.weight += r.weight;
        group.ids.extend(ids);
    }
    Ok(groups.into_values().collect())
}

/// A month's cases (`$1..=$2`) accepted in it, not imported: the first of
/// the three disjoint parts the assessment reads.
const ACCEPTED_IN_MONTH: &str = "accepted_on >= $1 AND accepted_on <= $2 AND NOT imported";
/// Of a case the assessment reads: completed in the month (`$1..=$2`).
const COMPLETED_IN_MONTH: &str = "completed_on >= $1 AND completed_on <= $2";
/// Of a case completed in the month: after its deadline (none: on time).
const COMPLETED_LATE: &str = "completed_on > deadline";
/// Of a case the assessment reads: open, past a deadline in the month before
/// today (`$3`), not paused.
const OPEN_OVERDUE: &str =
    "completed_on IS NULL AND deadline >= $1 AND deadline <= $2 AND deadline < $3 AND status <> 'paused'";

/// The cases a month's assessment reads (`$1..=$2`, today `$3`), with the
/// select list `columns`: three disjoint parts — accepted in the month;
/// completed in it, accepted outside it; open past a deadline in it before
/// today, neither — each one index range read (covering on SQLite for the
/// counts, so no table row is visited). The one definition for the cases
/// with their evidence (`month_cases`) and counted (`month_case_counts`,
/// which counts the first part on its own).
fn month_cases_of(columns: &str) -> String {
    format!(
        "SELECT {columns} FROM cases {CASES_BY_ACCEPTANCE} WHERE {ACCEPTED_IN_MONTH} UNION ALL {}",
        month_cases_not_accepted_of(columns)
    )
}

/// The second and third parts of [`month_cases_of`]: the month's cases not
/// accepted in it.
fn month_cases_not_accepted_of(columns: &str) -> String {
    let not_accepted_then = "(accepted_on IS NULL OR accepted_on < $1 OR accepted_on > $2)";
    let not_completed_then = "(completed_on IS NULL OR completed_on < $1 OR completed_on > $2)";
    format!(
        "SELECT {columns} FROM cases {CASES_BY_COMPLETION} \
         WHERE {COMPLETED_IN_MONTH} AND NOT imported AND {not_accepted_then} \
         UNION ALL SELECT {columns} FROM cases {OPEN_CASES_BY_DEADLINE} \
         WHERE deadline >= $1 AND deadline <= $2 AND deadline < $3 AND status IN {OPEN_STATUSES} \
         AND NOT imported AND {not_completed_then} AND {not_accepted_then}"
    )
}
