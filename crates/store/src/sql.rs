//! The SQL both backends share. SQLite and PostgreSQL both bind `$1..$N`,
//! return rows with `RETURNING` and upsert with `ON CONFLICT`, so the query
//! text is written once; [`impl_sql_store!`](crate::impl_sql_store) expands
//! it for a backend's pool type. Per-backend SQL (locking, date functions)
//! stays in the backend crates.

use crate::StoreError;
use domain::Role;

/// Maps a driver error to a [`StoreError`], keeping unique and foreign-key
/// violations apart from outages.
pub fn map_db_error(
    kind: Option<DbErrorKind>,
    what: &str,
    e: Box<dyn std::error::Error + Send + Sync>,
) -> StoreError {
    match kind {
        Some(DbErrorKind::Unique) | Some(DbErrorKind::ForeignKey) => StoreError::Conflict {
            what: what.to_owned(),
        },
        None => StoreError::Other(e),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    Unique,
    ForeignKey,
}

pub fn decode_role(code: &str) -> Result<Role, StoreError> {
    Role::parse(code).ok_or_else(|| StoreError::Corrupt(format!("unknown role {code}")))
}

/// Reads a driver error the same way in every module: no row → `NotFound`,
/// a unique or foreign-key refusal → `Conflict` on `what`, anything else → `Other`.
pub fn refusal(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match e {
        sqlx::Error::RowNotFound => StoreError::NotFound(what.to_owned()),
        sqlx::Error::Database(ref d) if d.is_unique_violation() || d.is_foreign_key_violation() => {
            StoreError::Conflict {
                what: what.to_owned(),
            }
        }
        other => StoreError::other(other),
    }
}

pub fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(StoreError::other)
}

pub fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Implements [`Store`](crate::Store) for `$store`, a struct with a
/// `pool: sqlx::Pool<$db>` field. Expanded in each backend crate so that
/// sqlx is monomorphised for that driver only.
#[macro_export]
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $backend:literal) => {
        mod shared_sql {
            use super::*;
            use $crate::sql::{decode_role, from_json, to_json, DbErrorKind};
            use $crate::*;
            use domain::catalog::{Bundle, Department, Item};
            use jiff::Timestamp;
            use jiff::civil::Date;
            use jiff_sqlx::ToSqlx;
            use sqlx::Row as _;
            use uuid::Uuid;

            // Column lists are constants spliced into constant text: no user input reaches SQL text.
            type Db = $db;

            fn err(what: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
                move |e| match e {
                    sqlx::Error::RowNotFound => StoreError::NotFound(what.to_owned()),
                    sqlx::Error::Database(ref d) if d.is_unique_violation() => {
                        $crate::sql::map_db_error(Some(DbErrorKind::Unique), what, Box::new(e))
                    }
                    sqlx::Error::Database(ref d) if d.is_foreign_key_violation() => {
                        $crate::sql::map_db_error(Some(DbErrorKind::ForeignKey), what, Box::new(e))
                    }
                    other => $crate::sql::map_db_error(None, what, Box::new(other)),
                }
            }

            fn ts(t: jiff_sqlx::Timestamp) -> Timestamp {
                t.to_jiff()
            }

            fn version_from(row: &<Db as sqlx::Database>::Row) -> Result<CatalogVersion, sqlx::Error> {
                Ok(CatalogVersion {
                    id: row.try_get("id")?,
                    created_at: ts(row.try_get("created_at")?),
                    created_by: row.try_get("created_by")?,
                    source: row.try_get("source")?,
                    note: row.try_get("note")?,
                    item_count: row.try_get("item_count")?,
                    bundle_count: row.try_get("bundle_count")?,
                    published_at: row
                        .try_get::<Option<jiff_sqlx::Timestamp>, _>("published_at")?
                        .map(ts),
                })
            }

            fn user_from(row: &<Db as sqlx::Database>::Row) -> Result<User, StoreError> {
                let role: String = row.try_get("role").map_err(err("user"))?;
                Ok(User {
                    id: row.try_get("id").map_err(err("user"))?,
                    username: row.try_get("username").map_err(err("user"))?,
                    display_name: row.try_get("display_name").map_err(err("user"))?,
                    role: decode_role(&role)?,
                    department: row.try_get("department").map_err(err("user"))?,
                    disabled: row.try_get("disabled").map_err(err("user"))?,
                    created_at: ts(row.try_get("created_at").map_err(err("user"))?),
                })
            }

            /// Revokes every session and API token of a user.
            async fn end_sessions(conn: &mut <Db as sqlx::Database>::Connection, id: Uuid) -> StoreResult<()> {
                sqlx::query("DELETE FROM auth_tokens WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(err("tokens"))?;
                Ok(())
            }

            const USER_COLUMNS: &str = "id, username, display_name, role, department, disabled, created_at";
            const VERSION_COLUMNS: &str =
                "id, created_at, created_by, source, note, item_count, bundle_count, published_at";

            #[async_trait::async_trait]
            impl Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await.map_err(err("ping"))?;
                    Ok(())
                }

                async fn list_departments(&self) -> StoreResult<Vec<Department>> {
                    let rows = sqlx::query("SELECT code, name FROM departments ORDER BY code")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("departments"))?;
                    rows.iter()
                        .map(|r| Ok(Department { code: r.try_get("code")?, name: r.try_get("name")? }))
                        .collect::<Result<_, sqlx::Error>>()
                        .map_err(err("departments"))
                }

                async fn add_department(&self, d: &Department) -> StoreResult<()> {
                    sqlx::query("INSERT INTO departments (code, name) VALUES ($1, $2)")
                        .bind(&d.code)
                        .bind(&d.name)
                        .execute(&self.pool)
                        .await
                        .map_err(err("department"))?;
                    Ok(())
                }

                async fn create_catalog_version(&self, new: &NewCatalogVersion) -> StoreResult<CatalogVersion> {
                    let mut tx = self.pool.begin().await.map_err(err("catalog"))?;
                    for d in &new.new_departments {
                        sqlx::query("INSERT INTO departments (code, name) VALUES ($1, $2)")
                            .bind(&d.code)
                            .bind(&d.name)
                            .execute(&mut *tx)
                            .await
                            .map_err(err("department"))?;
                    }
                    let sql = format!(
                        "INSERT INTO catalog_versions (created_at, created_by, source, note, item_count, bundle_count, published_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {VERSION_COLUMNS}"
                    );
                    let published = new.publish.then(|| new.created_at.to_sqlx());
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(new.created_at.to_sqlx())
                        .bind(&new.created_by)
                        .bind(&new.source)
                        .bind(&new.note)
                        .bind(new.items.len() as i64)
                        .bind(new.bundles.len() as i64)
                        .bind(published)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(err("catalog version"))?;
                    let version = version_from(&row).map_err(err("catalog version"))?;
                    let departments: Vec<Department> =
                        sqlx::query("SELECT code, name FROM departments")
                            .fetch_all(&mut *tx)
                            .await
                            .map_err(err("departments"))?
                            .iter()
                            .map(|r| Ok(Department { code: r.try_get("code")?, name: r.try_get("name")? }))
                            .collect::<Result<_, sqlx::Error>>()
                            .map_err(err("departments"))?;
                    for (pos, item) in new.items.iter().enumerate() {
                        let dept = departments
                            .iter()
                            .find(|d| d.name == item.department)
                            .ok_or_else(|| StoreError::Conflict { what: format!("department {}", item.department) })?;
                        sqlx::query(
                            "INSERT INTO catalog_items (version_id, code, position, name, department_code, kind, handling, body) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        )
                        .bind(version.id)
                        .bind(&item.code)
                        .bind(pos as i64)
                        .bind(&item.name)
                        .bind(&dept.code)
                        .bind(&item.kind)
                        .bind(&item.handling)
                        .bind(to_json(item)?)
                        .execute(&mut *tx)
                        .await
                        .map_err(err("catalog item"))?;
                    }
                    for (pos, bundle) in new.bundles.iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO catalog_bundles (version_id, code, position, name, body) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(version.id)
                        .bind(&bundle.code)
                        .bind(pos as i64)
                        .bind(&bundle.name)
                        .bind(to_json(bundle)?)
                        .execute(&mut *tx)
                        .await
                        .map_err(err("catalog bundle"))?;
                    }
                    if new.publish {
                        sqlx::query(
                            "INSERT INTO catalog_state (id, published_version) VALUES (1, $1) \
                             ON CONFLICT (id) DO UPDATE SET published_version = excluded.published_version",
                        )
                        .bind(version.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(err("catalog state"))?;
                    }
                    tx.commit().await.map_err(err("catalog"))?;
                    Ok(version)
                }

                async fn publish_catalog_version(&self, id: i64, at: Timestamp) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(err("catalog"))?;
                    let done = sqlx::query("UPDATE catalog_versions SET published_at = $1 WHERE id = $2")
                        .bind(at.to_sqlx())
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(err("catalog version"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound(format!("catalog version {id}")));
                    }
                    sqlx::query(
                        "INSERT INTO catalog_state (id, published_version) VALUES (1, $1) \
                         ON CONFLICT (id) DO UPDATE SET published_version = excluded.published_version",
                    )
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err("catalog state"))?;
                    tx.commit().await.map_err(err("catalog"))?;
                    Ok(())
                }

                async fn published_version_id(&self) -> StoreResult<Option<i64>> {
                    let row = sqlx::query("SELECT published_version FROM catalog_state WHERE id = 1")
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(err("catalog state"))?;
                    match row {
                        Some(r) => r.try_get::<Option<i64>, _>("published_version").map_err(err("catalog state")),
                        None => Ok(None),
                    }
                }

                async fn catalog_versions(&self) -> StoreResult<Vec<CatalogVersion>> {
                    let sql = format!("SELECT {VERSION_COLUMNS} FROM catalog_versions ORDER BY id DESC");
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await.map_err(err("catalog versions"))?;
                    rows.iter().map(version_from).collect::<Result<_, _>>().map_err(err("catalog versions"))
                }

                async fn catalog_snapshot(&self, version_id: i64) -> StoreResult<CatalogSnapshot> {
                    let sql = format!("SELECT {VERSION_COLUMNS} FROM catalog_versions WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(version_id)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("catalog version"))?;
                    let version = version_from(&row).map_err(err("catalog version"))?;
                    let items = sqlx::query("SELECT body FROM catalog_items WHERE version_id = $1 ORDER BY position")
                        .bind(version_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("catalog items"))?
                        .iter()
                        .map(|r| from_json::<Item>(&r.try_get::<String, _>("body").map_err(err("item"))?))
                        .collect::<Result<Vec<_>, _>>()?;
                    let bundles = sqlx::query("SELECT body FROM catalog_bundles WHERE version_id = $1 ORDER BY position")
                        .bind(version_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("catalog bundles"))?
                        .iter()
                        .map(|r| from_json::<Bundle>(&r.try_get::<String, _>("body").map_err(err("bundle"))?))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(CatalogSnapshot { version, items, bundles })
                }

                async fn calendar_days(&self) -> StoreResult<Vec<(Date, bool)>> {
                    let rows = sqlx::query("SELECT day, workday FROM calendar_days ORDER BY day")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(err("calendar"))?;
                    rows.iter()
                        .map(|r| {
                            let d: jiff_sqlx::Date = r.try_get("day")?;
                            Ok((d.to_jiff(), r.try_get("workday")?))
                        })
                        .collect::<Result<_, sqlx::Error>>()
                        .map_err(err("calendar"))
                }

                async fn import_calendar_days(&self, days: &[(Date, bool)], by: &str, at: Timestamp) -> StoreResult<i64> {
                    let mut years: Vec<i16> = days.iter().map(|(d, _)| d.year()).collect();
                    years.sort_unstable();
                    years.dedup();
                    let mut tx = self.pool.begin().await.map_err(err("calendar"))?;
                    for y in &years {
                        let (Ok(first), Ok(last)) = (Date::new(*y, 1, 1), Date::new(*y, 12, 31)) else {
                            continue;
                        };
                        sqlx::query("DELETE FROM calendar_days WHERE day >= $1 AND day <= $2")
                            .bind(first.to_sqlx())
                            .bind(last.to_sqlx())
                            .execute(&mut *tx)
                            .await
                            .map_err(err("calendar"))?;
                    }
                    for (d, w) in days {
                        sqlx::query("INSERT INTO calendar_days (day, workday) VALUES ($1, $2)")
                            .bind(d.to_sqlx())
                            .bind(*w)
                            .execute(&mut *tx)
                            .await
                            .map_err(err("calendar day"))?;
                    }
                    let years_text = years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(",");
                    let row = sqlx::query("INSERT INTO calendar_imports (imported_at, imported_by, years) VALUES ($1, $2, $3) RETURNING id")
                        .bind(at.to_sqlx())
                        .bind(by)
                        .bind(years_text)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(err("calendar import"))?;
                    let id: i64 = row.try_get("id").map_err(err("calendar import"))?;
                    tx.commit().await.map_err(err("calendar"))?;
                    Ok(id)
                }

                async fn calendar_revision(&self) -> StoreResult<i64> {
                    let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS rev FROM calendar_imports")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("calendar"))?;
                    row.try_get::<i64, _>("rev").map_err(err("calendar"))
                }

                async fn create_user(&self, u: &NewUser) -> StoreResult<User> {
                    let sql = format!(
                        "INSERT INTO users (id, username, display_name, role, password_hash, disabled, created_at, department) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {USER_COLUMNS}"
                    );
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(Uuid::now_v7())
                        .bind(&u.username)
                        .bind(&u.display_name)
                        .bind(u.role.code())
                        .bind(&u.password_hash)
                        .bind(false)
                        .bind(u.created_at.to_sqlx())
                        .bind(&u.department)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(err("username"))?;
                    user_from(&row)
                }

                async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserCredentials>> {
                    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(username)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(err("user"))?;
                    match row {
                        Some(r) => Ok(Some(UserCredentials {
                            user: user_from(&r)?,
                            password_hash: r.try_get("password_hash").map_err(err("user"))?,
                        })),
                        None => Ok(None),
                    }
                }

                async fn user_by_id(&self, id: Uuid) -> StoreResult<User> {
                    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&self.pool).await.map_err(err("user"))?;
                    user_from(&row)
                }

                async fn list_users(&self) -> StoreResult<Vec<User>> {
                    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await.map_err(err("users"))?;
                    rows.iter().map(user_from).collect()
                }

                async fn set_user_password(&self, id: Uuid, hash: &str) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(err("user"))?;
                    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                        .bind(hash)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(err("user"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("user".into()));
                    }
                    // A new password ends every session and token of the old one.
                    end_sessions(&mut tx, id).await?;
                    tx.commit().await.map_err(err("user"))?;
                    Ok(())
                }

                async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(err("user"))?;
                    let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                        .bind(disabled)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(err("user"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("user".into()));
                    }
                    if disabled {
                        end_sessions(&mut tx, id).await?;
                    }
                    tx.commit().await.map_err(err("user"))?;
                    Ok(())
                }

                async fn create_token(&self, t: &NewToken) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO auth_tokens (token_hash, user_id, kind, csrf, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&t.token_hash)
                    .bind(t.user_id)
                    .bind(t.kind.code())
                    .bind(&t.csrf)
                    .bind(t.created_at.to_sqlx())
                    .bind(t.expires_at.to_sqlx())
                    .execute(&self.pool)
                    .await
                    .map_err(err("token"))?;
                    Ok(())
                }

                async fn token_user(&self, hash: &str, now: Timestamp) -> StoreResult<Option<(User, TokenInfo)>> {
                    let sql = format!(
                        "SELECT u.id, u.username, u.display_name, u.role, u.department, u.disabled, u.created_at, \
                                t.kind, t.csrf, t.expires_at \
                         FROM auth_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1"
                    );
                    let Some(r) = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(err("token"))?
                    else {
                        return Ok(None);
                    };
                    let kind: String = r.try_get("kind").map_err(err("token"))?;
                    let info = TokenInfo {
                        kind: TokenKind::parse(&kind)
                            .ok_or_else(|| StoreError::Corrupt(format!("token kind {kind}")))?,
                        csrf: r.try_get("csrf").map_err(err("token"))?,
                        expires_at: ts(r.try_get("expires_at").map_err(err("token"))?),
                    };
                    let user = user_from(&r)?;
                    if info.expires_at <= now || user.disabled {
                        return Ok(None);
                    }
                    Ok(Some((user, info)))
                }

                async fn delete_token(&self, hash: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM auth_tokens WHERE token_hash = $1")
                        .bind(hash)
                        .execute(&self.pool)
                        .await
                        .map_err(err("token"))?;
                    Ok(())
                }

                async fn record_failure(&self, scope: &str, key: &str, at: Timestamp) -> StoreResult<()> {
                    sqlx::query("INSERT INTO security_failures (scope, key, at) VALUES ($1, $2, $3)")
                        .bind(scope)
                        .bind(key)
                        .bind(at.to_sqlx())
                        .execute(&self.pool)
                        .await
                        .map_err(err("security failure"))?;
                    Ok(())
                }

                async fn failures_since(&self, scope: &str, key: &str, since: Timestamp, cap: i64) -> StoreResult<i64> {
                    // Compared in Rust: SQLite keeps instants as text with a varying fraction.
                    let rows = sqlx::query(
                        "SELECT at FROM security_failures WHERE scope = $1 AND key = $2 ORDER BY id DESC LIMIT $3",
                    )
                    .bind(scope)
                    .bind(key)
                    .bind(cap)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("security failures"))?;
                    let mut n = 0;
                    for r in rows {
                        let at = ts(r.try_get("at").map_err(err("security failures"))?);
                        if at >= since {
                            n += 1;
                        }
                    }
                    Ok(n)
                }

                async fn clear_failures(&self, scope: &str, key: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM security_failures WHERE scope = $1 AND key = $2")
                        .bind(scope)
                        .bind(key)
                        .execute(&self.pool)
                        .await
                        .map_err(err("security failures"))?;
                    Ok(())
                }

                async fn prune_failures(&self, keep: i64) -> StoreResult<u64> {
                    // Keeps the newest `keep` rows: ids grow with time on both databases.
                    let done = sqlx::query(
                        "DELETE FROM security_failures WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM security_failures) - $1",
                    )
                    .bind(keep)
                    .execute(&self.pool)
                    .await
                    .map_err(err("security failures"))?;
                    Ok(done.rows_affected())
                }

                async fn set_user_department(&self, id: Uuid, department: Option<&str>) -> StoreResult<()> {
                    let done = sqlx::query("UPDATE users SET department = $1 WHERE id = $2")
                        .bind(department)
                        .bind(id)
                        .execute(&self.pool)
                        .await
                        .map_err(err("department"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("user".into()));
                    }
                    Ok(())
                }

                async fn append_audit(&self, e: &NewAuditEntry) -> StoreResult<()> {
                    sqlx::query("INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)")
                        .bind(e.at.to_sqlx())
                        .bind(&e.actor)
                        .bind(&e.action)
                        .bind(&e.target)
                        .bind(&e.detail)
                        .execute(&self.pool)
                        .await
                        .map_err(err("audit"))?;
                    Ok(())
                }

                async fn audit_entries(&self, limit: i64, offset: i64) -> StoreResult<Vec<AuditEntry>> {
                    let rows = sqlx::query(
                        "SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2",
                    )
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(err("audit"))?;
                    rows.iter()
                        .map(|r| {
                            Ok(AuditEntry {
                                id: r.try_get("id")?,
                                at: ts(r.try_get("at")?),
                                actor: r.try_get("actor")?,
                                action: r.try_get("action")?,
                                target: r.try_get("target")?,
                                detail: r.try_get("detail")?,
                            })
                        })
                        .collect::<Result<_, sqlx::Error>>()
                        .map_err(err("audit"))
                }
            }
        }
    };
}
