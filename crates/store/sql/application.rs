//! The shared SQL of 网上申报 (issue 17 part 2). An application, its files
//! and its step are written in one transaction; a change is written only if
//! the application is still in the status it was read in, so two staff
//! reviewing at once (or a citizen re-uploading twice) cannot both win.

use crate::dialect::{Backend, Conn};
use domain::application::ApplicationStatus;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::application::*;
use store::sql::{decode, from_json, refusal as err, to_json};
use store::{StoreError, StoreResult};
use uuid::Uuid;

// Column lists are constants spliced into constant text: no user input reaches SQL text.
const COLUMNS: &str = "id, number, query_code, item_code, item_name, department, applicant_kind, \
    name_sealed, name_masked, id_sealed, id_key, id_masked, phone_sealed, phone_masked, delivery, \
    address_sealed, status, materials, notice_missing, notice_note, case_id, submitted_on, review_due, \
    queued_at, created_at, updated_at";
const PLACEHOLDERS: &str = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
    $18, $19, $20, $21, $22, $23, $24, $25, $26";
const FILE_COLUMNS: &str = "id, application_id, material, file_name, content_type, size, sha256, uploaded_at";

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: Uuid,
    number: String,
    query_code: String,
    item_code: String,
    item_name: String,
    department: String,
    applicant_kind: String,
    name_sealed: String,
    name_masked: String,
    id_sealed: String,
    id_key: String,
    id_masked: String,
    phone_sealed: String,
    phone_masked: String,
    delivery: String,
    address_sealed: String,
    status: String,
    materials: String,
    notice_missing: String,
    notice_note: String,
    case_id: Option<Uuid>,
    submitted_on: jiff_sqlx::Date,
    review_due: jiff_sqlx::Date,
    queued_at: jiff_sqlx::Timestamp,
    created_at: jiff_sqlx::Timestamp,
    updated_at: jiff_sqlx::Timestamp,
}

impl TryFrom<ApplicationRow> for ApplicationRecord {
    type Error = StoreError;
    fn try_from(r: ApplicationRow) -> StoreResult<ApplicationRecord> {
        Ok(ApplicationRecord {
            id: r.id,
            number: r.number,
            query_code: r.query_code,
            item_code: r.item_code,
            item_name: r.item_name,
            department: r.department,
            applicant_kind: decode(&r.applicant_kind)?,
            name_sealed: r.name_sealed,
            name_masked: r.name_masked,
            id_sealed: r.id_sealed,
            id_key: r.id_key,
            id_masked: r.id_masked,
            phone_sealed: r.phone_sealed,
            phone_masked: r.phone_masked,
            delivery: decode(&r.delivery)?,
            address_sealed: r.address_sealed,
            status: decode(&r.status)?,
            materials: from_json(&r.materials)?,
            notice_missing: from_json(&r.notice_missing)?,
            notice_note: r.notice_note,
            case_id: r.case_id,
            submitted_on: r.submitted_on.to_jiff(),
            review_due: r.review_due.to_jiff(),
            queued_at: r.queued_at.to_jiff(),
            created_at: r.created_at.to_jiff(),
            updated_at: r.updated_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: Uuid,
    application_id: Uuid,
    material: String,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    uploaded_at: jiff_sqlx::Timestamp,
}

impl From<FileRow> for ApplicationFile {
    fn from(r: FileRow) -> ApplicationFile {
        ApplicationFile {
            id: r.id,
            application_id: r.application_id,
            material: r.material,
            file_name: r.file_name,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            uploaded_at: r.uploaded_at.to_jiff(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: jiff_sqlx::Timestamp,
    actor: String,
    action: String,
    note: String,
}

async fn add_files(conn: &mut Conn, files: &[(ApplicationFile, Vec<u8>)]) -> StoreResult<()> {
    for (f, body) in files {
        sqlx::query(
            "INSERT INTO application_files (id, application_id, material, file_name, content_type, size, \
             sha256, body, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(f.id)
        .bind(f.application_id)
        .bind(&f.material)
        .bind(&f.file_name)
        .bind(&f.content_type)
        .bind(f.size)
        .bind(&f.sha256)
        .bind(body.as_slice())
        .bind(f.uploaded_at.to_sqlx())
        .execute(&mut *conn)
        .await
        .map_err(err("application file"))?;
    }
    Ok(())
}

async fn add_event(conn: &mut Conn, id: Uuid, e: &ApplicationEvent) -> StoreResult<()> {
    sqlx::query("INSERT INTO application_events (application_id, at, actor, action, note) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(e.at.to_sqlx())
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.note)
        .execute(&mut *conn)
        .await
        .map_err(err("application"))?;
    Ok(())
}

/// The day's next application number, taken inside the writing transaction.
async fn next_sequence(conn: &mut Conn, day: Date) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO application_counters (business_date, last) VALUES ($1, 1) \
         ON CONFLICT (business_date) DO UPDATE SET last = application_counters.last + 1 RETURNING last",
    )
    .bind(day.to_sqlx())
    .fetch_one(&mut *conn)
    .await
    .map_err(err("application counter"))
}

impl Backend {
    async fn applications_where(
        &self,
        condition: &'static str,
        key: &str,
    ) -> StoreResult<Vec<ApplicationRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM applications WHERE {condition}");
        sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .fetch_all(&self.pool)
            .await
            .map_err(err("application"))?
            .into_iter()
            .map(ApplicationRecord::try_from)
            .collect()
    }
}

#[async_trait::async_trait]
impl ApplicationStore for Backend {
    async fn create_application(
        &self,
        a: &ApplicationRecord,
        files: &[(ApplicationFile, Vec<u8>)],
        prefix: &str,
        event: &ApplicationEvent,
    ) -> StoreResult<ApplicationRecord> {
        let mut tx = self.begin_write().await?;
        let sequence = next_sequence(tx.conn(), a.submitted_on).await?;
        let mut numbered = a.clone();
        numbered.number = format!("{prefix}{sequence:04}");
        let sql = format!("INSERT INTO applications ({COLUMNS}) VALUES ({PLACEHOLDERS})");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(numbered.id)
            .bind(&numbered.number)
            .bind(&numbered.query_code)
            .bind(&numbered.item_code)
            .bind(&numbered.item_name)
            .bind(&numbered.department)
            .bind(numbered.applicant_kind.code())
            .bind(&numbered.name_sealed)
            .bind(&numbered.name_masked)
            .bind(&numbered.id_sealed)
            .bind(&numbered.id_key)
            .bind(&numbered.id_masked)
            .bind(&numbered.phone_sealed)
            .bind(&numbered.phone_masked)
            .bind(numbered.delivery.code())
            .bind(&numbered.address_sealed)
            .bind(numbered.status.code())
            .bind(to_json(&numbered.materials)?)
            .bind(to_json(&numbered.notice_missing)?)
            .bind(&numbered.notice_note)
            .bind(numbered.case_id)
            .bind(numbered.submitted_on.to_sqlx())
            .bind(numbered.review_due.to_sqlx())
            .bind(numbered.queued_at.to_sqlx())
            .bind(numbered.created_at.to_sqlx())
            .bind(numbered.updated_at.to_sqlx())
            .execute(tx.conn())
            .await
            .map_err(err("application"))?;
        add_files(tx.conn(), files).await?;
        add_event(tx.conn(), numbered.id, event).await?;
        tx.commit().await.map_err(err("application"))?;
        Ok(numbered)
    }

    async fn application(&self, id: Uuid) -> StoreResult<ApplicationRecord> {
        let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1");
        sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("application"))?
            .try_into()
    }

    async fn application_by_number(&self, number: &str) -> StoreResult<ApplicationRecord> {
        self.applications_where("number = $1", number)
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound("application".into()))
    }

    async fn applications_awaiting_review(&self) -> StoreResult<Vec<ApplicationRecord>> {
        let sql =
            format!("SELECT {COLUMNS} FROM applications WHERE status IN ($1, $2) ORDER BY queued_at, number");
        sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql))
            .bind(ApplicationStatus::Submitted.code())
            .bind(ApplicationStatus::Resubmitted.code())
            .fetch_all(&self.pool)
            .await
            .map_err(err("application"))?
            .into_iter()
            .map(ApplicationRecord::try_from)
            .collect()
    }

    async fn application_of_case(&self, case_id: Uuid) -> StoreResult<Option<ApplicationRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM applications WHERE case_id = $1");
        sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql))
            .bind(case_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("application"))?
            .map(ApplicationRecord::try_from)
            .transpose()
    }

    async fn update_application(
        &self,
        a: &ApplicationRecord,
        expected: ApplicationStatus,
        files: &[(ApplicationFile, Vec<u8>)],
        event: &ApplicationEvent,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE applications SET status = $1, materials = $2, notice_missing = $3, notice_note = $4, \
             case_id = $5, review_due = $6, queued_at = $7, updated_at = $8 WHERE id = $9 AND status = $10",
        )
        .bind(a.status.code())
        .bind(to_json(&a.materials)?)
        .bind(to_json(&a.notice_missing)?)
        .bind(&a.notice_note)
        .bind(a.case_id)
        .bind(a.review_due.to_sqlx())
        .bind(a.queued_at.to_sqlx())
        .bind(a.updated_at.to_sqlx())
        .bind(a.id)
        .bind(expected.code())
        .execute(tx.conn())
        .await
        .map_err(err("application"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "application".into(),
            });
        }
        add_files(tx.conn(), files).await?;
        add_event(tx.conn(), a.id, event).await?;
        tx.commit().await.map_err(err("application"))?;
        Ok(())
    }

    async fn application_files(&self, application_id: Uuid) -> StoreResult<Vec<ApplicationFile>> {
        let sql = format!(
            "SELECT {FILE_COLUMNS} FROM application_files WHERE application_id = $1 ORDER BY uploaded_at, id"
        );
        Ok(sqlx::query_as::<_, FileRow>(sqlx::AssertSqlSafe(sql))
            .bind(application_id)
            .fetch_all(&self.pool)
            .await
            .map_err(err("application file"))?
            .into_iter()
            .map(ApplicationFile::from)
            .collect())
    }

    async fn application_file(&self, id: Uuid) -> StoreResult<(ApplicationFile, Vec<u8>)> {
        let sql = format!("SELECT {FILE_COLUMNS} FROM application_files WHERE id = $1");
        let row = sqlx::query_as::<_, FileRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("application file"))?;
        let body: Vec<u8> = sqlx::query_scalar("SELECT body FROM application_files WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("application file"))?;
        Ok((row.into(), body))
    }

    async fn application_events(&self, application_id: Uuid) -> StoreResult<Vec<ApplicationEvent>> {
        Ok(sqlx::query_as::<_, EventRow>(
            "SELECT at, actor, action, note FROM application_events WHERE application_id = $1 ORDER BY id",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("application"))?
        .into_iter()
        .map(|r| ApplicationEvent {
            at: r.at.to_jiff(),
            actor: r.actor,
            action: r.action,
            note: r.note,
        })
        .collect())
    }
}
