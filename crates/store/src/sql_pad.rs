//! The shared SQL of the evaluation pads and staff profiles (see
//! [`crate::sql`]): one text for both backends, `$1` placeholders, checked
//! at run time. Instants are compared in Rust, not in SQL: SQLite keeps them
//! as text whose order is not always time order.

/// Implements [`PadStore`](crate::pad::PadStore) for `$store`.
#[macro_export]
macro_rules! impl_sql_pad_store {
    ($store:ty, $db:ty) => {
        mod shared_pad_sql {
            use super::*;
            use $crate::pad::*;
            use $crate::{StoreError, StoreResult};
            use jiff::Timestamp;
            use jiff::civil::Date;
            use jiff_sqlx::ToSqlx;
            use sqlx::Row as _;
            use uuid::Uuid;

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;

            use $crate::sql::refusal as err;

            // A constant spliced into constant text: no user input reaches SQL text.
            const PAD_COLUMNS: &str =
                "id, window_number, layout, created_by, created_at, code_expires_at, paired_at, revoked";

            fn ts(r: &DbRow, c: &str) -> StoreResult<Option<Timestamp>> {
                Ok(r.try_get::<Option<jiff_sqlx::Timestamp>, _>(c).map_err(err("pad"))?.map(|t| t.to_jiff()))
            }

            fn pad_from(r: &DbRow) -> StoreResult<Pad> {
                let e = || err("pad");
                Ok(Pad {
                    id: r.try_get("id").map_err(e())?,
                    window: r.try_get("window_number").map_err(e())?,
                    layout: r.try_get("layout").map_err(e())?,
                    created_by: r.try_get("created_by").map_err(e())?,
                    created_at: ts(r, "created_at")?.ok_or_else(|| StoreError::Corrupt("pad without created_at".into()))?,
                    code_expires_at: ts(r, "code_expires_at")?
                        .ok_or_else(|| StoreError::Corrupt("pad without code_expires_at".into()))?,
                    paired_at: ts(r, "paired_at")?,
                    revoked: r.try_get("revoked").map_err(e())?,
                })
            }

            fn profile_from(r: &DbRow) -> StoreResult<StaffProfile> {
                let e = || err("staff profile");
                Ok(StaffProfile {
                    username: r.try_get("username").map_err(e())?,
                    staff_number: r.try_get("staff_number").map_err(e())?,
                    duties: r.try_get("duties").map_err(e())?,
                    photo: r.try_get("photo").map_err(e())?,
                    updated_at: r.try_get::<jiff_sqlx::Timestamp, _>("updated_at").map_err(e())?.to_jiff(),
                })
            }

            #[async_trait::async_trait]
            impl PadStore for $store {
                async fn create_pad(&self, n: &NewPad) -> StoreResult<Pad> {
                    let p = &n.pad;
                    let sql = format!(
                        "INSERT INTO evaluation_pads (id, window_number, code_hash, code_expires_at, layout, \
                         created_by, created_at, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {PAD_COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
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
                    pad_from(&row)
                }

                async fn pads(&self) -> StoreResult<Vec<Pad>> {
                    // UUIDv7 ids grow with time.
                    let sql = format!("SELECT {PAD_COLUMNS} FROM evaluation_pads ORDER BY id DESC");
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("pads"))?
                        .iter()
                        .map(pad_from)
                        .collect()
                }

                async fn pad_by_code(&self, code_hash: &str) -> StoreResult<Option<Pad>> {
                    let sql = format!(
                        "SELECT {PAD_COLUMNS} FROM evaluation_pads \
                         WHERE code_hash = $1 AND paired_at IS NULL AND revoked = $2"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(code_hash)
                        .bind(false)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(err("pad"))?
                        .as_ref()
                        .map(pad_from)
                        .transpose()
                }

                async fn pair_pad(&self, id: Uuid, code_hash: &str, token_hash: &str, at: Timestamp) -> StoreResult<bool> {
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
                    let sql = format!(
                        "SELECT {PAD_COLUMNS} FROM evaluation_pads WHERE token_hash = $1 AND revoked = $2"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(token_hash)
                        .bind(false)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(err("pad"))?
                        .as_ref()
                        .map(pad_from)
                        .transpose()
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
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("pad".into()));
                    }
                    Ok(())
                }

                async fn staff_profile(&self, username: &str) -> StoreResult<Option<StaffProfile>> {
                    sqlx::query(
                        "SELECT username, staff_number, duties, photo, updated_at FROM staff_profiles WHERE username = $1",
                    )
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(err("staff profile"))?
                    .as_ref()
                    .map(profile_from)
                    .transpose()
                }

                async fn staff_profiles(&self) -> StoreResult<Vec<StaffProfile>> {
                    sqlx::query(
                        "SELECT username, staff_number, duties, photo, updated_at FROM staff_profiles ORDER BY username",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("staff profiles"))?
                    .iter()
                    .map(profile_from)
                    .collect()
                }

                async fn save_staff_profile(&self, p: &StaffProfile) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO staff_profiles (username, staff_number, duties, photo, updated_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO UPDATE SET \
                         staff_number = excluded.staff_number, duties = excluded.duties, photo = excluded.photo, \
                         updated_at = excluded.updated_at",
                    )
                    .bind(&p.username)
                    .bind(&p.staff_number)
                    .bind(&p.duties)
                    .bind(&p.photo)
                    .bind(p.updated_at.to_sqlx())
                    .execute(&self.pool)
                    .await
                    .map_err(err("staff profile"))?;
                    Ok(())
                }

                async fn unrated_finished_at_window(
                    &self,
                    window: &str,
                    business_date: Date,
                ) -> StoreResult<Vec<(Uuid, Timestamp)>> {
                    // evaluations.ticket_id has the type of tickets.id on each backend.
                    let rows = sqlx::query(
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
                    rows.iter()
                        .map(|r| {
                            let id: Uuid = r.try_get("id").map_err(err("ticket"))?;
                            let at = r.try_get::<jiff_sqlx::Timestamp, _>("finished_at").map_err(err("ticket"))?;
                            Ok((id, at.to_jiff()))
                        })
                        .collect()
                }

                async fn pad_reasons(&self) -> StoreResult<Vec<String>> {
                    let rows = sqlx::query("SELECT reason FROM evaluation_reasons ORDER BY position, reason")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("evaluation reasons"))?;
                    rows.iter()
                        .map(|r| r.try_get::<String, _>("reason").map_err(err("evaluation reasons")))
                        .collect()
                }

                async fn window_callers(&self, window: &str, business_date: Date) -> StoreResult<Vec<(String, Timestamp)>> {
                    let rows = sqlx::query(
                        "SELECT called_by, called_at FROM tickets WHERE window_number = $1 AND business_date = $2 \
                         AND called_by IS NOT NULL AND called_at IS NOT NULL",
                    )
                    .bind(window)
                    .bind(business_date.to_sqlx())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("tickets"))?;
                    rows.iter()
                        .map(|r| {
                            let by: String = r.try_get("called_by").map_err(err("ticket"))?;
                            let at = r.try_get::<jiff_sqlx::Timestamp, _>("called_at").map_err(err("ticket"))?;
                            Ok((by, at.to_jiff()))
                        })
                        .collect()
                }
            }
        }
    };
}
