//! Accounts and sign-in (账号与登录): argon2id passwords, sessions for the
//! browser, bearer tokens for the API, and a lock after repeated failures.

use crate::Hall;
use crate::throttle::Guard;
use crate::{Actor, AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use domain::Role;
use domain::permission::Permission;
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use store::{NewToken, NewUser, StoreError, TokenKind, User};

/// A signed-in user as a request sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: User,
    pub kind: TokenKind,
    /// The secret a browser form must echo (empty for API tokens).
    pub csrf: String,
}

/// What a successful login hands back; `token` is shown once and never stored.
#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub session: Session,
    pub expires_at: Timestamp,
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub async fn hash_password(password: &str) -> AppResult<String> {
    let password = password.to_owned();
    // argon2 is deliberately slow: keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| AppError::Internal(StoreError::Other(e.into())))
}

async fn verify_password(password: &str, hash: &str) -> AppResult<bool> {
    let password = password.to_owned();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(AppError::internal)
}

pub fn validate_username(username: &str) -> AppResult<()> {
    let ok = (2..=32).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "username",
            "用户名应为2至32位字母、数字或 _ - .",
        ))
    }
}

pub fn validate_password(password: &str) -> AppResult<()> {
    if password.chars().count() < 8 {
        return Err(AppError::invalid("password", "密码至少8位"));
    }
    if password.len() > 256 {
        return Err(AppError::invalid("password", "密码过长"));
    }
    Ok(())
}

/// 账号 service: users, their sign-in and sessions.
#[derive(Clone)]
pub struct AccountService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn store::AccountStore>,
}

impl AccountService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn store::AccountStore>) -> AccountService {
        AccountService { hall, store }
    }
}

impl AccountService {
    #[tracing::instrument(skip_all)]
    pub async fn add_user(
        &self,
        actor: &Actor,
        username: &str,
        display_name: &str,
        role: Role,
        department: Option<&str>,
        password: &str,
    ) -> AppResult<User> {
        let username = username.trim();
        validate_username(username)?;
        validate_password(password)?;
        let department = self.department_code(role, department).await?;
        let display_name = match display_name.trim() {
            "" => username.to_owned(),
            name if name.chars().count() > 40 => {
                return Err(AppError::invalid("display_name", "姓名最多40个字"));
            }
            name => name.to_owned(),
        };
        let user = self
            .store
            .create_user(&NewUser {
                username: username.to_owned(),
                display_name,
                role,
                department: department.clone(),
                password_hash: hash_password(password).await?,
                created_at: self.now(),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => AppError::Conflict(
                    crate::Conflict::AlreadyExists,
                    format!("用户名“{username}”已存在"),
                ),
                other => other.into(),
            })?;
        let detail = match &department {
            Some(d) => format!("{} {d}", role.label()),
            None => role.label().to_owned(),
        };
        self.audit(actor, "user.add", username, &detail).await?;
        Ok(user)
    }

    /// Checks a department (所属部门) given by code or full name and answers its
    /// code; a liaison must have one.
    async fn department_code(&self, role: Role, department: Option<&str>) -> AppResult<Option<String>> {
        let given = department.map(str::trim).filter(|d| !d.is_empty());
        let Some(given) = given else {
            if role.needs_department() {
                return Err(AppError::invalid("department", "部门联络员须指定所属部门"));
            }
            return Ok(None);
        };
        let found = self
            .catalog_store
            .list_departments()
            .await?
            .into_iter()
            .find(|d| d.is_named(given))
            .ok_or_else(|| AppError::invalid("department", format!("部门“{given}”不存在")))?;
        Ok(Some(found.code))
    }

    /// Sets or clears an account's department (所属部门).
    #[tracing::instrument(skip_all)]
    pub async fn set_user_department(
        &self,
        actor: &Actor,
        username: &str,
        department: Option<&str>,
    ) -> AppResult<User> {
        let creds = self
            .store
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("账号“{username}”不存在")))?;
        let code = self.department_code(creds.user.role, department).await?;
        self.store
            .set_user_department(creds.user.id, code.as_deref())
            .await?;
        self.audit(
            actor,
            "user.department",
            username,
            code.as_deref().unwrap_or("无"),
        )
        .await?;
        Ok(self.store.user_by_id(creds.user.id).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_password(&self, actor: &Actor, username: &str, password: &str) -> AppResult<()> {
        validate_password(password)?;
        let creds = self
            .store
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("账号“{username}”不存在")))?;
        self.store
            .set_user_password(creds.user.id, &hash_password(password).await?)
            .await?;
        self.audit(actor, "user.password", username, "").await
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_user_disabled(&self, actor: &Actor, username: &str, disabled: bool) -> AppResult<()> {
        if actor.username == username && disabled {
            return Err(AppError::invalid("username", "不能停用自己的账号"));
        }
        let creds = self
            .store
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("账号“{username}”不存在")))?;
        self.store.set_user_disabled(creds.user.id, disabled).await?;
        let action = if disabled { "user.disable" } else { "user.enable" };
        self.audit(actor, action, username, "").await
    }

    #[tracing::instrument(skip_all)]
    pub async fn users(&self) -> AppResult<Vec<User>> {
        Ok(self.store.list_users().await?)
    }

    /// Signs in. Wrong passwords are counted per account at this address and
    /// per address: past `login_max_failures` (or `login_max_failures_per_address`
    /// over all accounts) within the window that address is refused, right or
    /// wrong, while the account still signs in from anywhere else.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &str,
        kind: TokenKind,
    ) -> AppResult<Login> {
        let now = self.now();
        let username = username.trim();
        if username.chars().count() > 64 {
            return Err(AppError::Unauthorized("用户名或密码错误".into()));
        }
        let s = &self.settings.security;
        let guards = [
            Guard::new(
                "login.account",
                format!("{username}|{client}"),
                s.login_max_failures,
                s.login_window_minutes,
            ),
            Guard::new(
                "login.address",
                client,
                s.login_max_failures_per_address,
                s.login_window_minutes,
            ),
        ];
        if let Err(e) = self.check_guards(&guards).await {
            let actor = Actor {
                username: username.to_owned(),
                role: None,
            };
            self.audit(&actor, "login_failed", client, "尝试次数过多，该地址暂被限制")
                .await?;
            return Err(e);
        }
        let creds = self.store.user_by_username(username).await?;
        let ok = match &creds {
            Some(c) if !c.user.disabled => verify_password(password, &c.password_hash).await?,
            _ => {
                // Spend the same time as a real check so timing does not reveal accounts.
                let _ = verify_password(password, DUMMY_HASH).await;
                false
            }
        };
        let Some(creds) = creds.filter(|_| ok) else {
            self.record_guards(&guards).await?;
            let actor = Actor {
                username: username.to_owned(),
                role: None,
            };
            self.audit(&actor, "login_failed", client, "").await?;
            return Err(AppError::Unauthorized("用户名或密码错误".into()));
        };
        self.throttle_store
            .clear_failures(guards[0].scope, &guards[0].key)
            .await?;
        let lifetime = match kind {
            TokenKind::Session => SignedDuration::from_hours(self.settings.security.session_hours),
            TokenKind::Api => SignedDuration::from_hours(24 * self.settings.security.api_token_days),
        };
        let token = random_secret();
        let csrf = if kind == TokenKind::Session {
            random_secret()
        } else {
            String::new()
        };
        let expires_at = now + lifetime;
        self.store
            .create_token(&NewToken {
                token_hash: token_hash(&token),
                user_id: creds.user.id,
                kind,
                csrf: csrf.clone(),
                created_at: now,
                expires_at,
            })
            .await?;
        self.audit(&Actor::user(&creds.user), "login", client, kind.label())
            .await?;
        Ok(Login {
            token,
            session: Session {
                user: creds.user,
                kind,
                csrf,
            },
            expires_at,
        })
    }

    /// The session a token belongs to, if it is live.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, token: &str) -> AppResult<Option<Session>> {
        if token.is_empty() || token.len() > 200 {
            return Ok(None);
        }
        let found = self.store.token_user(&token_hash(token), self.now()).await?;
        Ok(found.map(|(user, info)| Session {
            user,
            kind: info.kind,
            csrf: info.csrf,
        }))
    }

    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, session: &Session, token: &str) -> AppResult<()> {
        self.store.delete_token(&token_hash(token)).await?;
        self.audit(&Actor::user(&session.user), "logout", "", "").await
    }
}

/// A valid argon2id hash of a random password, used to even out timing.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Jx0o2F4i0m6bQ2Xq0f8Hn0Qm3b7kqzW2Z6J4fX5y1aA";

/// Checks that `session`'s role holds `permission` (the permission table).
pub fn require(session: &Session, permission: Permission) -> AppResult<()> {
    if session.user.role.can(permission) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "此操作需要{}权限",
            permission.role_labels()
        )))
    }
}
