//! The shared SQL of inspections (督查): the checklist, the inspections with
//! their staff, results and photos, and the 暗访 plans. An inspection and
//! everything it owns are written in one `self.begin_write()` transaction.

use crate::dialect::{Backend, Conn};
use jiff_sqlx::ToSqlx;
use std::collections::HashMap;
use store::inspection::*;
use store::sql::{decode, from_json, placeholders, refusal as err, to_json};
use store::{StoreError, StoreResult};
use uuid::Uuid;

// Constants spliced into constant text: no user input reaches SQL text.
const CHECKLIST_COLUMNS: &str = "code, name, standard, deduction, position, retired, updated_by, updated_at";
const COLUMNS: &str = "i.id, i.kind, i.at, i.day, i.inspector, i.window_number, i.department, i.staff, i.note, \
    i.deduction, i.status, i.response, i.responded_by, i.responded_at, i.decision, i.decided_by, i.decided_at, \
    i.plan_visit_id, i.photo_count";

#[derive(sqlx::FromRow)]
struct ChecklistRow {
    code: String,
    name: String,
    standard: String,
    deduction: f64,
    position: i64,
    retired: bool,
    updated_by: String,
    updated_at: jiff_sqlx::Timestamp,
}

impl From<ChecklistRow> for ChecklistEntry {
    fn from(r: ChecklistRow) -> ChecklistEntry {
        ChecklistEntry {
            code: r.code,
            name: r.name,
            standard: r.standard,
            deduction: r.deduction,
            position: r.position,
            retired: r.retired,
            updated_by: r.updated_by,
            updated_at: r.updated_at.to_jiff(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct InspectionRow {
    id: Uuid,
    kind: String,
    at: jiff_sqlx::Timestamp,
    day: jiff_sqlx::Date,
    inspector: String,
    window_number: String,
    department: String,
    staff: String,
    note: String,
    deduction: f64,
    status: String,
    response: String,
    responded_by: Option<String>,
    responded_at: Option<jiff_sqlx::Timestamp>,
    decision: String,
    decided_by: Option<String>,
    decided_at: Option<jiff_sqlx::Timestamp>,
    plan_visit_id: Option<Uuid>,
    photo_count: i64,
}

impl InspectionRow {
    fn into_inspection(self, results: Vec<ResultEntry>) -> StoreResult<Inspection> {
        Ok(Inspection {
            id: self.id,
            kind: decode(&self.kind)?,
            at: self.at.to_jiff(),
            day: self.day.to_jiff(),
            inspector: self.inspector,
            window: self.window_number,
            department: self.department,
            staff: from_json(&self.staff)?,
            note: self.note,
            deduction: self.deduction,
            status: decode(&self.status)?,
            response: self.response,
            responded_by: self.responded_by,
            responded_at: self.responded_at.map(jiff_sqlx::Timestamp::to_jiff),
            decision: self.decision,
            decided_by: self.decided_by,
            decided_at: self.decided_at.map(jiff_sqlx::Timestamp::to_jiff),
            plan_visit_id: self.plan_visit_id,
            photo_count: self.photo_count,
            results,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    inspection_id: Uuid,
    position: i64,
    code: String,
    name: String,
    deduction: f64,
    pass: bool,
    note: String,
}

#[derive(sqlx::FromRow)]
struct PhotoRow {
    n: i64,
    content_type: String,
    size: i64,
    sha256: String,
}

impl From<PhotoRow> for PhotoInfo {
    fn from(r: PhotoRow) -> PhotoInfo {
        PhotoInfo {
            n: r.n,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: Uuid,
    from_date: jiff_sqlx::Date,
    to_date: jiff_sqlx::Date,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
}

#[derive(sqlx::FromRow)]
struct PlanVisitRow {
    id: Uuid,
    plan_id: Uuid,
    slot_date: jiff_sqlx::Date,
    slot_time: String,
    window_number: String,
    inspection_id: Option<Uuid>,
}

/// The results of the inspections `ids`, grouped by inspection.
async fn results_of(backend: &Backend, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, Vec<ResultEntry>>> {
    let mut out: HashMap<Uuid, Vec<ResultEntry>> = HashMap::new();
    // Bounded lists keep each statement's parameters few.
    for chunk in ids.chunks(200) {
        let sql = format!(
            "SELECT inspection_id, position, code, name, deduction, pass, note FROM inspection_results \
             WHERE inspection_id IN ({}) ORDER BY inspection_id, position",
            placeholders(1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, ResultRow>(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q
            .fetch_all(&backend.pool)
            .await
            .map_err(err("inspection results"))?
        {
            out.entry(r.inspection_id).or_default().push(ResultEntry {
                position: r.position,
                code: r.code,
                name: r.name,
                deduction: r.deduction,
                pass: r.pass,
                note: r.note,
            });
        }
    }
    Ok(out)
}

async fn with_results(backend: &Backend, rows: Vec<InspectionRow>) -> StoreResult<Vec<Inspection>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut results = results_of(backend, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let mine = results.remove(&r.id).unwrap_or_default();
            r.into_inspection(mine)
        })
        .collect()
}

async fn insert_checklist(conn: &mut Conn, item: &ChecklistEntry, on_conflict: &str) -> StoreResult<u64> {
    let sql = format!(
        "INSERT INTO inspection_checklist ({CHECKLIST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) {on_conflict}"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&item.code)
        .bind(&item.name)
        .bind(&item.standard)
        .bind(item.deduction)
        .bind(item.position)
        .bind(item.retired)
        .bind(&item.updated_by)
        .bind(item.updated_at.to_sqlx())
        .execute(&mut *conn)
        .await
        .map_err(err("checklist_code"))?;
    Ok(done.rows_affected())
}

#[async_trait::async_trait]
impl InspectionStore for Backend {
    async fn checklist(&self) -> StoreResult<Vec<ChecklistEntry>> {
        let sql = format!("SELECT {CHECKLIST_COLUMNS} FROM inspection_checklist ORDER BY position, code");
        let rows = sqlx::query_as::<_, ChecklistRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(err("checklist"))?;
        Ok(rows.into_iter().map(ChecklistEntry::from).collect())
    }

    async fn seed_checklist(&self, items: &[ChecklistEntry]) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let have: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM inspection_checklist")
            .fetch_one(tx.conn())
            .await
            .map_err(err("checklist"))?;
        if have > 0 {
            return Ok(false);
        }
        for item in items {
            insert_checklist(tx.conn(), item, "ON CONFLICT (code) DO NOTHING").await?;
        }
        tx.commit().await.map_err(err("checklist"))?;
        Ok(true)
    }

    async fn add_checklist_item(&self, item: &ChecklistEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_checklist(tx.conn(), item, "").await?;
        tx.commit().await.map_err(err("checklist"))?;
        Ok(())
    }

    async fn update_checklist_item(&self, item: &ChecklistEntry) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE inspection_checklist SET name = $1, standard = $2, deduction = $3, position = $4, \
             retired = $5, updated_by = $6, updated_at = $7 WHERE code = $8",
        )
        .bind(&item.name)
        .bind(&item.standard)
        .bind(item.deduction)
        .bind(item.position)
        .bind(item.retired)
        .bind(&item.updated_by)
        .bind(item.updated_at.to_sqlx())
        .bind(&item.code)
        .execute(&self.pool)
        .await
        .map_err(err("checklist item"))?;
        store::sql::touched(done.rows_affected(), "checklist item")
    }

    async fn create_inspection(&self, new: &NewInspection) -> StoreResult<()> {
        let i = &new.inspection;
        let mut tx = self.begin_write().await?;
        if let Some(visit) = i.plan_visit_id {
            let done = sqlx::query(
                "UPDATE inspection_plan_visits SET inspection_id = $1 WHERE id = $2 AND inspection_id IS NULL",
            )
            .bind(i.id)
            .bind(visit)
            .execute(tx.conn())
            .await
            .map_err(err("plan visit"))?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict {
                    what: "plan_visit".into(),
                });
            }
        }
        sqlx::query(
            "INSERT INTO inspections (id, kind, at, day, inspector, window_number, department, staff, note, \
             deduction, status, response, responded_by, responded_at, decision, decided_by, decided_at, \
             plan_visit_id, photo_count) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(i.id)
        .bind(i.kind.code())
        .bind(i.at.to_sqlx())
        .bind(i.day.to_sqlx())
        .bind(&i.inspector)
        .bind(&i.window)
        .bind(&i.department)
        .bind(to_json(&i.staff)?)
        .bind(&i.note)
        .bind(i.deduction)
        .bind(i.status.code())
        .bind(&i.response)
        .bind(&i.responded_by)
        .bind(i.responded_at.map(|t| t.to_sqlx()))
        .bind(&i.decision)
        .bind(&i.decided_by)
        .bind(i.decided_at.map(|t| t.to_sqlx()))
        .bind(i.plan_visit_id)
        .bind(new.photos.len() as i64)
        .execute(tx.conn())
        .await
        .map_err(err("inspection"))?;
        for username in &i.staff {
            sqlx::query("INSERT INTO inspection_staff (inspection_id, username, at) VALUES ($1, $2, $3)")
                .bind(i.id)
                .bind(username)
                .bind(i.at.to_sqlx())
                .execute(tx.conn())
                .await
                .map_err(err("inspection staff"))?;
        }
        for r in &i.results {
            sqlx::query(
                "INSERT INTO inspection_results (inspection_id, position, code, name, deduction, pass, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(i.id)
            .bind(r.position)
            .bind(&r.code)
            .bind(&r.name)
            .bind(r.deduction)
            .bind(r.pass)
            .bind(&r.note)
            .execute(tx.conn())
            .await
            .map_err(err("inspection result"))?;
        }
        for (n, p) in new.photos.iter().enumerate() {
            sqlx::query(
                "INSERT INTO inspection_photos (inspection_id, n, content_type, size, sha256, body) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(i.id)
            .bind(n as i64 + 1)
            .bind(&p.content_type)
            .bind(p.body.len() as i64)
            .bind(&p.sha256)
            .bind(&p.body)
            .execute(tx.conn())
            .await
            .map_err(err("inspection photo"))?;
        }
        tx.commit().await.map_err(err("inspection"))?;
        Ok(())
    }

    async fn inspection(&self, id: Uuid) -> StoreResult<Inspection> {
        let sql = format!("SELECT {COLUMNS} FROM inspections i WHERE i.id = $1");
        let row = sqlx::query_as::<_, InspectionRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("inspection"))?;
        let mut all = with_results(self, vec![row]).await?;
        all.pop().ok_or_else(|| StoreError::NotFound("inspection".into()))
    }

    async fn inspections(&self, f: &InspectionFilter) -> StoreResult<Vec<Inspection>> {
        // The staff member's list walks inspection_staff (username, at);
        // the others inspections' own indexes.
        let (from, time, id) = match &f.staff {
            Some(_) => (
                "inspection_staff s JOIN inspections i ON i.id = s.inspection_id",
                "s.at",
                "s.inspection_id",
            ),
            None => ("inspections i", "i.at", "i.id"),
        };
        let mut terms: Vec<String> = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if f.staff.is_some() {
            terms.push(format!("s.username = {}", next()));
        }
        if f.window.is_some() {
            terms.push(format!("i.window_number = {}", next()));
        }
        if f.department.is_some() {
            terms.push(format!("i.department = {}", next()));
        }
        if f.from.is_some() {
            terms.push(format!("{time} >= {}", next()));
        }
        if f.to.is_some() {
            terms.push(format!("{time} < {}", next()));
        }
        if f.status.is_some() {
            terms.push(format!("i.status = {}", next()));
        }
        let limit = next();
        let filter = if terms.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", terms.join(" AND "))
        };
        let sql =
            format!("SELECT {COLUMNS} FROM {from} {filter} ORDER BY {time} DESC, {id} DESC LIMIT {limit}");
        let mut q = sqlx::query_as::<_, InspectionRow>(sqlx::AssertSqlSafe(sql));
        if let Some(s) = &f.staff {
            q = q.bind(s);
        }
        if let Some(w) = &f.window {
            q = q.bind(w);
        }
        if let Some(d) = &f.department {
            q = q.bind(d);
        }
        if let Some(t) = f.from {
            q = q.bind(t.to_sqlx());
        }
        if let Some(t) = f.to {
            q = q.bind(t.to_sqlx());
        }
        if let Some(s) = f.status {
            q = q.bind(s.code());
        }
        let rows = q
            .bind(f.limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("inspections"))?;
        with_results(self, rows).await
    }

    async fn change_inspection_status(&self, c: &StatusChange) -> StoreResult<Inspection> {
        use domain::inspection::InspectionStatus as S;
        // Which columns the step writes: constants chosen by the target status.
        let set = match c.to {
            S::Acknowledged | S::Contested => "response = $1, responded_by = $2, responded_at = $3",
            _ => "decision = $1, decided_by = $2, decided_at = $3",
        };
        let sql = format!("UPDATE inspections SET {set}, status = $4 WHERE id = $5 AND status = $6");
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&c.text)
            .bind(&c.by)
            .bind(c.at.to_sqlx())
            .bind(c.to.code())
            .bind(c.id)
            .bind(c.from.code())
            .execute(&self.pool)
            .await
            .map_err(err("inspection"))?;
        if done.rows_affected() == 0 {
            // Missing (NotFound), or moved on meanwhile.
            self.inspection(c.id).await?;
            return Err(StoreError::Conflict {
                what: "inspection_status".into(),
            });
        }
        self.inspection(c.id).await
    }

    async fn inspection_photos(&self, id: Uuid) -> StoreResult<Vec<PhotoInfo>> {
        let rows = sqlx::query_as::<_, PhotoRow>(
            "SELECT n, content_type, size, sha256 FROM inspection_photos WHERE inspection_id = $1 ORDER BY n",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("inspection photos"))?;
        Ok(rows.into_iter().map(PhotoInfo::from).collect())
    }

    async fn inspection_photo(&self, id: Uuid, n: i64) -> StoreResult<(PhotoInfo, Vec<u8>)> {
        #[derive(sqlx::FromRow)]
        struct Row {
            n: i64,
            content_type: String,
            size: i64,
            sha256: String,
            body: Vec<u8>,
        }
        let r = sqlx::query_as::<_, Row>(
            "SELECT n, content_type, size, sha256, body FROM inspection_photos WHERE inspection_id = $1 AND n = $2",
        )
        .bind(id)
        .bind(n)
        .fetch_one(&self.pool)
        .await
        .map_err(err("inspection photo"))?;
        Ok((
            PhotoInfo {
                n: r.n,
                content_type: r.content_type,
                size: r.size,
                sha256: r.sha256,
            },
            r.body,
        ))
    }

    async fn create_inspection_plan(&self, plan: &InspectionPlan) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO inspection_plans (id, from_date, to_date, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(plan.id)
        .bind(plan.from.to_sqlx())
        .bind(plan.to.to_sqlx())
        .bind(&plan.created_by)
        .bind(plan.created_at.to_sqlx())
        .execute(tx.conn())
        .await
        .map_err(err("inspection plan"))?;
        for v in &plan.visits {
            sqlx::query(
                "INSERT INTO inspection_plan_visits (id, plan_id, slot_date, slot_time, window_number, inspection_id) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(v.id)
            .bind(plan.id)
            .bind(v.date.to_sqlx())
            .bind(v.time.strftime("%H:%M").to_string())
            .bind(&v.window)
            .bind(v.inspection_id)
            .execute(tx.conn())
            .await
            .map_err(err("inspection plan visit"))?;
        }
        tx.commit().await.map_err(err("inspection plan"))?;
        Ok(())
    }

    async fn inspection_plans(&self, limit: i64) -> StoreResult<Vec<InspectionPlan>> {
        let plans = sqlx::query_as::<_, PlanRow>(
            "SELECT id, from_date, to_date, created_by, created_at FROM inspection_plans \
             ORDER BY created_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(err("inspection plans"))?;
        let mut out: Vec<InspectionPlan> = plans
            .into_iter()
            .map(|p| InspectionPlan {
                id: p.id,
                from: p.from_date.to_jiff(),
                to: p.to_date.to_jiff(),
                created_by: p.created_by,
                created_at: p.created_at.to_jiff(),
                visits: Vec::new(),
            })
            .collect();
        let ids: Vec<Uuid> = out.iter().map(|p| p.id).collect();
        for chunk in ids.chunks(200) {
            let sql = format!(
                "SELECT id, plan_id, slot_date, slot_time, window_number, inspection_id FROM inspection_plan_visits \
                 WHERE plan_id IN ({}) ORDER BY slot_date, slot_time, window_number",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query_as::<_, PlanVisitRow>(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            for v in q
                .fetch_all(&self.pool)
                .await
                .map_err(err("inspection plan visits"))?
            {
                let time: jiff::civil::Time = v
                    .slot_time
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("plan visit time {}", v.slot_time)))?;
                if let Some(plan) = out.iter_mut().find(|p| p.id == v.plan_id) {
                    plan.visits.push(PlanVisit {
                        id: v.id,
                        date: v.slot_date.to_jiff(),
                        time,
                        window: v.window_number,
                        inspection_id: v.inspection_id,
                    });
                }
            }
        }
        Ok(out)
    }
}
