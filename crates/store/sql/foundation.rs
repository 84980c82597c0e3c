//! The SQL of the [`Store`] trait itself, shared by both backends:
//! departments, catalog versions, the work calendar, accounts and their
//! tokens, the security throttles and the audit log (migration 0001 and
//! its later columns).

use crate::dialect::{Backend, Conn, NAME};
use domain::catalog::{Bundle, Department, Item};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::sql::{decode, from_json, refusal as err, to_json, touched};
use store::*;
use uuid::Uuid;

// Column lists are constants spliced into constant text: no user input reaches SQL text.
const USER_COLUMNS: &str = "id, username, display_name, role, department, disabled, created_at";
const VERSION_COLUMNS: &str =
    "id, created_at, created_by, source, note, item_count, bundle_count, published_at";

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    created_at: jiff_sqlx::Timestamp,
    created_by: String,
    source: String,
    note: String,
    item_count: i64,
    bundle_count: i64,
    published_at: Option<jiff_sqlx::Timestamp>,
}

impl From<VersionRow> for CatalogVersion {
    fn from(r: VersionRow) -> CatalogVersion {
        CatalogVersion {
            id: r.id,
            created_at: r.created_at.to_jiff(),
            created_by: r.created_by,
            source: r.source,
            note: r.note,
            item_count: r.item_count,
            bundle_count: r.bundle_count,
            published_at: r.published_at.map(jiff_sqlx::Timestamp::to_jiff),
        }
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    username: String,
    display_name: String,
    role: String,
    department: Option<String>,
    disabled: bool,
    created_at: jiff_sqlx::Timestamp,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<User> {
        Ok(User {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: decode(&r.role)?,
            department: r.department,
            disabled: r.disabled,
            created_at: r.created_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

/// A token with the user holding it.
#[derive(sqlx::FromRow)]
struct TokenRow {
    #[sqlx(flatten)]
    user: UserRow,
    kind: String,
    csrf: String,
    expires_at: jiff_sqlx::Timestamp,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: jiff_sqlx::Timestamp,
    actor: String,
    action: String,
    target: String,
    detail: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            id: r.id,
            at: r.at.to_jiff(),
            actor: r.actor,
            action: r.action,
            target: r.target,
            detail: r.detail,
        }
    }
}

fn department((code, name): (String, String)) -> Department {
    Department { code, name }
}

/// Revokes every session and API token of a user.
async fn end_sessions(conn: &mut Conn, id: Uuid) -> StoreResult<()> {
    sqlx::query("DELETE FROM auth_tokens WHERE user_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(err("tokens"))?;
    Ok(())
}

/// Makes `id` the published catalog version.
async fn set_published(conn: &mut Conn, id: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO catalog_state (id, published_version) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET published_version = excluded.published_version",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(err("catalog state"))?;
    Ok(())
}

async fn insert_department(conn: &mut Conn, d: &Department) -> StoreResult<()> {
    sqlx::query("INSERT INTO departments (code, name) VALUES ($1, $2)")
        .bind(&d.code)
        .bind(&d.name)
        .execute(&mut *conn)
        .await
        .map_err(err("department"))?;
    Ok(())
}

/// The items and bundles of a new version, each at its position.
async fn insert_content(conn: &mut Conn, version: i64, new: &NewCatalogVersion) -> StoreResult<()> {
    let departments: Vec<Department> =
        sqlx::query_as::<_, (String, String)>("SELECT code, name FROM departments")
            .fetch_all(&mut *conn)
            .await
            .map_err(err("departments"))?
            .into_iter()
            .map(department)
            .collect();
    for (pos, item) in new.items.iter().enumerate() {
        let dept = departments
            .iter()
            .find(|d| d.name == item.department)
            .ok_or_else(|| StoreError::Conflict {
                what: format!("department {}", item.department),
            })?;
        sqlx::query(
            "INSERT INTO catalog_items (version_id, code, position, name, department_code, kind, handling, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(version)
        .bind(&item.code)
        .bind(pos as i64)
        .bind(&item.name)
        .bind(&dept.code)
        .bind(&item.kind)
        .bind(&item.handling)
        .bind(to_json(item)?)
        .execute(&mut *conn)
        .await
        .map_err(err("catalog item"))?;
    }
    for (pos, bundle) in new.bundles.iter().enumerate() {
        sqlx::query(
            "INSERT INTO catalog_bundles (version_id, code, position, name, body) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version)
        .bind(&bundle.code)
        .bind(pos as i64)
        .bind(&bundle.name)
        .bind(to_json(bundle)?)
        .execute(&mut *conn)
        .await
        .map_err(err("catalog bundle"))?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl Store for Backend {
    fn backend(&self) -> &'static str {
        NAME
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(err("ping"))?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl CatalogStore for Backend {
    async fn list_departments(&self) -> StoreResult<Vec<Department>> {
        let rows = sqlx::query_as("SELECT code, name FROM departments ORDER BY code")
            .fetch_all(&self.pool)
            .await
            .map_err(err("departments"))?;
        Ok(rows.into_iter().map(department).collect())
    }

    async fn add_department(&self, d: &Department) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(err("department"))?;
        insert_department(&mut conn, d).await
    }

    async fn create_catalog_version(&self, new: &NewCatalogVersion) -> StoreResult<CatalogVersion> {
        let mut tx = self.pool.begin().await.map_err(err("catalog"))?;
        for d in &new.new_departments {
            insert_department(&mut tx, d).await?;
        }
        let sql = format!(
            "INSERT INTO catalog_versions (created_at, created_by, source, note, item_count, bundle_count, \
             published_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {VERSION_COLUMNS}"
        );
        let published = new.publish.then(|| new.created_at.to_sqlx());
        let version: CatalogVersion = sqlx::query_as::<_, VersionRow>(sqlx::AssertSqlSafe(sql))
            .bind(new.created_at.to_sqlx())
            .bind(&new.created_by)
            .bind(&new.source)
            .bind(&new.note)
            .bind(new.items.len() as i64)
            .bind(new.bundles.len() as i64)
            .bind(published)
            .fetch_one(&mut *tx)
            .await
            .map_err(err("catalog version"))?
            .into();
        insert_content(&mut tx, version.id, new).await?;
        if new.publish {
            set_published(&mut tx, version.id).await?;
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
        touched(done.rows_affected(), format!("catalog version {id}"))?;
        set_published(&mut tx, id).await?;
        tx.commit().await.map_err(err("catalog"))
    }

    async fn published_version_id(&self) -> StoreResult<Option<i64>> {
        let published: Option<Option<i64>> =
            sqlx::query_scalar("SELECT published_version FROM catalog_state WHERE id = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(err("catalog state"))?;
        Ok(published.flatten())
    }

    async fn catalog_versions(&self) -> StoreResult<Vec<CatalogVersion>> {
        let sql = format!("SELECT {VERSION_COLUMNS} FROM catalog_versions ORDER BY id DESC");
        let rows = sqlx::query_as::<_, VersionRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(err("catalog versions"))?;
        Ok(rows.into_iter().map(CatalogVersion::from).collect())
    }

    async fn catalog_snapshot(&self, version_id: i64) -> StoreResult<CatalogSnapshot> {
        let sql = format!("SELECT {VERSION_COLUMNS} FROM catalog_versions WHERE id = $1");
        let version = sqlx::query_as::<_, VersionRow>(sqlx::AssertSqlSafe(sql))
            .bind(version_id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("catalog version"))?
            .into();
        let items: Vec<String> =
            sqlx::query_scalar("SELECT body FROM catalog_items WHERE version_id = $1 ORDER BY position")
                .bind(version_id)
                .fetch_all(&self.pool)
                .await
                .map_err(err("catalog items"))?;
        let bundles: Vec<String> =
            sqlx::query_scalar("SELECT body FROM catalog_bundles WHERE version_id = $1 ORDER BY position")
                .bind(version_id)
                .fetch_all(&self.pool)
                .await
                .map_err(err("catalog bundles"))?;
        Ok(CatalogSnapshot {
            version,
            items: items
                .iter()
                .map(|b| from_json::<Item>(b))
                .collect::<StoreResult<_>>()?,
            bundles: bundles
                .iter()
                .map(|b| from_json::<Bundle>(b))
                .collect::<StoreResult<_>>()?,
        })
    }
}

#[async_trait::async_trait]
impl CalendarStore for Backend {
    async fn calendar_days(&self) -> StoreResult<Vec<(Date, bool)>> {
        let rows: Vec<(jiff_sqlx::Date, bool)> =
            sqlx::query_as("SELECT day, workday FROM calendar_days ORDER BY day")
                .fetch_all(&self.pool)
                .await
                .map_err(err("calendar"))?;
        Ok(rows.into_iter().map(|(d, w)| (d.to_jiff(), w)).collect())
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
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO calendar_imports (imported_at, imported_by, years) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(at.to_sqlx())
        .bind(by)
        .bind(years_text)
        .fetch_one(&mut *tx)
        .await
        .map_err(err("calendar import"))?;
        tx.commit().await.map_err(err("calendar"))?;
        Ok(id)
    }

    async fn calendar_revision(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) AS rev FROM calendar_imports")
            .fetch_one(&self.pool)
            .await
            .map_err(err("calendar"))
    }
}

#[async_trait::async_trait]
impl AccountStore for Backend {
    async fn create_user(&self, u: &NewUser) -> StoreResult<User> {
        let sql = format!(
            "INSERT INTO users (id, username, display_name, role, password_hash, disabled, created_at, department) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {USER_COLUMNS}"
        );
        sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
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
            .map_err(err("username"))?
            .try_into()
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserCredentials>> {
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
        let row = sqlx::query_as::<_, CredentialsRow>(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("user"))?;
        row.map(|r| {
            Ok(UserCredentials {
                user: r.user.try_into()?,
                password_hash: r.password_hash,
            })
        })
        .transpose()
    }

    async fn user_by_id(&self, id: Uuid) -> StoreResult<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("user"))?
            .try_into()
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows = sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(err("users"))?;
        rows.into_iter().map(User::try_from).collect()
    }

    async fn set_user_password(&self, id: Uuid, hash: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(err("user"))?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err("user"))?;
        touched(done.rows_affected(), "user")?;
        // A new password ends every session and token of the old one.
        end_sessions(&mut tx, id).await?;
        tx.commit().await.map_err(err("user"))
    }

    async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(err("user"))?;
        let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err("user"))?;
        touched(done.rows_affected(), "user")?;
        if disabled {
            end_sessions(&mut tx, id).await?;
        }
        tx.commit().await.map_err(err("user"))
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
        let row = sqlx::query_as::<_, TokenRow>(
            "SELECT u.id, u.username, u.display_name, u.role, u.department, u.disabled, u.created_at, \
                    t.kind, t.csrf, t.expires_at \
             FROM auth_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(err("token"))?;
        let Some(r) = row else {
            return Ok(None);
        };
        let info = TokenInfo {
            kind: decode(&r.kind)?,
            csrf: r.csrf,
            expires_at: r.expires_at.to_jiff(),
        };
        let user = User::try_from(r.user)?;
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

    async fn set_user_department(&self, id: Uuid, department: Option<&str>) -> StoreResult<()> {
        let done = sqlx::query("UPDATE users SET department = $1 WHERE id = $2")
            .bind(department)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(err("department"))?;
        touched(done.rows_affected(), "user")
    }
}

#[async_trait::async_trait]
impl ThrottleStore for Backend {
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
        let times: Vec<jiff_sqlx::Timestamp> = sqlx::query_scalar(
            "SELECT at FROM security_failures WHERE scope = $1 AND key = $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(scope)
        .bind(key)
        .bind(cap)
        .fetch_all(&self.pool)
        .await
        .map_err(err("security failures"))?;
        Ok(times.into_iter().filter(|at| at.to_jiff() >= since).count() as i64)
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
}

#[async_trait::async_trait]
impl AuditStore for Backend {
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
        let rows = sqlx::query_as::<_, AuditRow>(
            "SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(err("audit"))?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: Uuid,
    item_code: String,
    kind: String,
    name: String,
    content_type: String,
    size: i64,
    sha256: String,
    uploaded_by: String,
    uploaded_at: jiff_sqlx::Timestamp,
}

impl TryFrom<AttachmentRow> for ItemAttachment {
    type Error = StoreError;
    fn try_from(r: AttachmentRow) -> StoreResult<ItemAttachment> {
        Ok(ItemAttachment {
            id: r.id,
            item_code: r.item_code,
            kind: decode(&r.kind)?,
            name: r.name,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            uploaded_by: r.uploaded_by,
            uploaded_at: r.uploaded_at.to_jiff(),
        })
    }
}

const ATTACHMENT_COLUMNS: &str =
    "id, item_code, kind, name, content_type, size, sha256, uploaded_by, uploaded_at";

#[async_trait::async_trait]
impl AttachmentStore for Backend {
    async fn add_attachment(&self, a: &ItemAttachment, body: &[u8]) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO item_attachments (id, item_code, kind, name, content_type, size, sha256, body, \
             uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id)
        .bind(&a.item_code)
        .bind(a.kind.code())
        .bind(&a.name)
        .bind(&a.content_type)
        .bind(a.size)
        .bind(&a.sha256)
        .bind(body)
        .bind(&a.uploaded_by)
        .bind(a.uploaded_at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("attachment"))?;
        Ok(())
    }

    async fn attachments(&self, item_code: &str) -> StoreResult<Vec<ItemAttachment>> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM item_attachments WHERE item_code = $1 ORDER BY uploaded_at, id"
        );
        sqlx::query_as::<_, AttachmentRow>(sqlx::AssertSqlSafe(sql))
            .bind(item_code)
            .fetch_all(&self.pool)
            .await
            .map_err(err("attachments"))?
            .into_iter()
            .map(ItemAttachment::try_from)
            .collect()
    }

    async fn attachment(&self, id: Uuid) -> StoreResult<(ItemAttachment, Vec<u8>)> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS} FROM item_attachments WHERE id = $1");
        let row = sqlx::query_as::<_, AttachmentRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("attachment"))?;
        let body: Vec<u8> = sqlx::query_scalar("SELECT body FROM item_attachments WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("attachment"))?;
        Ok((row.try_into()?, body))
    }

    async fn remove_attachment(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM item_attachments WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(err("attachment"))?;
        touched(done.rows_affected(), "attachment")
    }
}
