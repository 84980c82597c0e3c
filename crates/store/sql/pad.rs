//! The shared SQL of the evaluation pads (评价器) and staff profiles (三亮).
//! Instants are compared in Rust, not in SQL: SQLite keeps them as text
//! whose order is not always time order.

use crate::dialect::Backend;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::StoreResult;
use store::pad::*;
use store::sql::{refusal as err, touched};
use uuid::Uuid;

// Constants spliced into constant text: no user input reaches SQL text.
const PAD_COLUMNS: &str =
    "id, window_number, layout, created_by, created_at, code_expires_at, paired_at, revoked";
const PROFILE_COLUMNS: &str = "p.username, p.staff_number, p.post, p.duties, p.commitment, p.photo, \
    EXISTS (SELECT 1 FROM staff_photos f WHERE f.username = p.username) AS has_photo, p.updated_at";

#[derive(sqlx::FromRow)]
struct PadRow {
    id: Uuid,
    window_number: String,
    layout: String,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
    code_expires_at: jiff_sqlx::Timestamp,
    paired_at: Option<jiff_sqlx::Timestamp>,
    revoked: bool,
}

impl From<PadRow> for Pad {
    fn from(r: PadRow) -> Pad {
        Pad {
            id: r.id,
            window: r.window_number,
            layout: r.layout,
            created_by: r.created_by,
            created_at: r.created_at.to_jiff(),
            code_expires_at: r.code_expires_at.to_jiff(),
            paired_at: r.paired_at.map(jiff_sqlx::Timestamp::to_jiff),
            revoked: r.revoked,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PhotoRow {
    username: String,
    content_type: String,
    body: Vec<u8>,
    uploaded_by: String,
    uploaded_at: jiff_sqlx::Timestamp,
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    username: String,
    staff_number: String,
    post: String,
    duties: String,
    commitment: String,
    photo: String,
    has_photo: bool,
    updated_at: jiff_sqlx::Timestamp,
}

impl From<ProfileRow> for StaffProfile {
    fn from(r: ProfileRow) -> StaffProfile {
        StaffProfile {
            username: r.username,
            staff_number: r.staff_number,
            post: r.post,
            duties: r.duties,
            commitment: r.commitment,
            has_photo: r.has_photo,
            photo: r.photo,
            updated_at: r.updated_at.to_jiff(),
        }
    }
}

impl Backend {
    /// The unrevoked pad `condition` (constant text, `$1` bound to `hash`) finds.
    async fn live_pad(&self, condition: &str, hash: &str) -> StoreResult<Option<Pad>> {
        let sql = format!("SELECT {PAD_COLUMNS} FROM evaluation_pads WHERE {condition} AND revoked = $2");
        let row = sqlx::query_as::<_, PadRow>(sqlx::AssertSqlSafe(sql))
            .bind(hash)
            .bind(false)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("pad"))?;
        Ok(row.map(Pad::from))
    }
}

#[async_trait::async_trait]
impl PadStore for Backend {
    async fn create_pad(&self, n: &NewPad) -> StoreResult<Pad> {
        let p = &n.pad;
        let sql = format!(
            "INSERT INTO evaluation_pads (id, window_number, code_hash, code_expires_at, layout, \
             created_by, created_at, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {PAD_COLUMNS}"
        );
        let row = sqlx::query_as::<_, PadRow>(sqlx::AssertSqlSafe(sql))
            .bind(p.id)
            .bind(&p.window)
            .bind(&n.code_hash)
            .bind(p.code_expires_at.to_sqlx())
            .bind(&p.layout)
            .bind(&p.created_by)
            .bind(p.created_at.to_sqlx())
            .bind(false)
            .fetch_one(&self.pool)
            .await
            .map_err(err("pad"))?;
        Ok(row.into())
    }

    async fn pads(&self) -> StoreResult<Vec<Pad>> {
        // UUIDv7 ids grow with time.
        let sql = format!("SELECT {PAD_COLUMNS} FROM evaluation_pads ORDER BY id DESC");
        let rows = sqlx::query_as::<_, PadRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(err("pads"))?;
        Ok(rows.into_iter().map(Pad::from).collect())
    }

    async fn pad_by_code(&self, code_hash: &str) -> StoreResult<Option<Pad>> {
        self.live_pad("code_hash = $1 AND paired_at IS NULL", code_hash)
            .await
    }

    async fn pair_pad(
        &self,
        id: Uuid,
        code_hash: &str,
        token_hash: &str,
        at: Timestamp,
    ) -> StoreResult<bool> {
        // The code matches once: the winner clears it in the same statement.
        let done = sqlx::query(
            "UPDATE evaluation_pads SET token_hash = $1, paired_at = $2, code_hash = NULL \
             WHERE id = $3 AND code_hash = $4 AND paired_at IS NULL AND revoked = $5",
        )
        .bind(token_hash)
        .bind(at.to_sqlx())
        .bind(id)
        .bind(code_hash)
        .bind(false)
        .execute(&self.pool)
        .await
        .map_err(err("pad"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn pad_by_token(&self, token_hash: &str) -> StoreResult<Option<Pad>> {
        self.live_pad("token_hash = $1", token_hash).await
    }

    async fn revoke_pad(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE evaluation_pads SET revoked = $1, code_hash = NULL, token_hash = NULL WHERE id = $2",
        )
        .bind(true)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(err("pad"))?;
        touched(done.rows_affected(), "pad")
    }

    async fn staff_profile(&self, username: &str) -> StoreResult<Option<StaffProfile>> {
        let sql = format!("SELECT {PROFILE_COLUMNS} FROM staff_profiles p WHERE p.username = $1");
        let row = sqlx::query_as::<_, ProfileRow>(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("staff profile"))?;
        Ok(row.map(StaffProfile::from))
    }

    async fn staff_profiles(&self) -> StoreResult<Vec<StaffProfile>> {
        let sql = format!("SELECT {PROFILE_COLUMNS} FROM staff_profiles p ORDER BY p.username");
        let rows = sqlx::query_as::<_, ProfileRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(err("staff profiles"))?;
        Ok(rows.into_iter().map(StaffProfile::from).collect())
    }

    async fn save_staff_profile(&self, p: &StaffProfile) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO staff_profiles (username, staff_number, post, duties, commitment, photo, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO UPDATE SET \
             staff_number = excluded.staff_number, post = excluded.post, duties = excluded.duties, \
             commitment = excluded.commitment, photo = excluded.photo, updated_at = excluded.updated_at",
        )
        .bind(&p.username)
        .bind(&p.staff_number)
        .bind(&p.post)
        .bind(&p.duties)
        .bind(&p.commitment)
        .bind(&p.photo)
        .bind(p.updated_at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("staff profile"))?;
        Ok(())
    }

    // issue 16 part 5: 三亮 photos in their own table
    async fn staff_photo(&self, username: &str) -> StoreResult<Option<StaffPhoto>> {
        let row = sqlx::query_as::<_, PhotoRow>(
            "SELECT username, content_type, body, uploaded_by, uploaded_at FROM staff_photos WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await
        .map_err(err("staff photo"))?;
        Ok(row.map(|r| StaffPhoto {
            username: r.username,
            content_type: r.content_type,
            body: r.body,
            uploaded_by: r.uploaded_by,
            uploaded_at: r.uploaded_at.to_jiff(),
        }))
    }

    async fn set_staff_photo(&self, username: &str, photo: Option<&StaffPhoto>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        match photo {
            Some(p) => {
                sqlx::query(
                    "INSERT INTO staff_photos (username, content_type, size, body, uploaded_by, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO UPDATE SET \
                     content_type = excluded.content_type, size = excluded.size, body = excluded.body, \
                     uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
                )
                .bind(username)
                .bind(&p.content_type)
                .bind(p.body.len() as i64)
                .bind(&p.body)
                .bind(&p.uploaded_by)
                .bind(p.uploaded_at.to_sqlx())
                .execute(tx.conn())
                .await
                .map_err(err("staff photo"))?;
            }
            None => {
                sqlx::query("DELETE FROM staff_photos WHERE username = $1")
                    .bind(username)
                    .execute(tx.conn())
                    .await
                    .map_err(err("staff photo"))?;
            }
        }
        sqlx::query("UPDATE staff_profiles SET photo = '' WHERE username = $1")
            .bind(username)
            .execute(tx.conn())
            .await
            .map_err(err("staff photo"))?;
        tx.commit().await.map_err(err("staff photo"))?;
        Ok(())
    }

    async fn unrated_finished_at_window(
        &self,
        window: &str,
        business_date: Date,
    ) -> StoreResult<Vec<(Uuid, Timestamp)>> {
        // evaluations.ticket_id has the type of tickets.id on each backend.
        let rows: Vec<(Uuid, jiff_sqlx::Timestamp)> = sqlx::query_as(
            "SELECT t.id, t.finished_at FROM tickets t \
             WHERE t.window_number = $1 AND t.status = 'finished' AND t.business_date = $2 \
             AND t.finished_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.ticket_id = t.id)",
        )
        .bind(window)
        .bind(business_date.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("tickets"))?;
        Ok(rows.into_iter().map(|(id, at)| (id, at.to_jiff())).collect())
    }

    async fn pad_reasons(&self) -> StoreResult<Vec<String>> {
        sqlx::query_scalar("SELECT reason FROM evaluation_reasons ORDER BY position, reason")
            .fetch_all(&self.pool)
            .await
            .map_err(err("evaluation reasons"))
    }

    async fn window_callers(
        &self,
        window: &str,
        business_date: Date,
    ) -> StoreResult<Vec<(String, Timestamp)>> {
        let rows: Vec<(String, jiff_sqlx::Timestamp)> = sqlx::query_as(
            "SELECT called_by, called_at FROM tickets WHERE window_number = $1 AND business_date = $2 \
             AND called_by IS NOT NULL AND called_at IS NOT NULL",
        )
        .bind(window)
        .bind(business_date.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("tickets"))?;
        Ok(rows.into_iter().map(|(by, at)| (by, at.to_jiff())).collect())
    }
}
