//! Records the store reads and writes.

use domain::Role;
use domain::catalog::{Bundle, Department, Item};
use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

/// A catalog to store as a new version (事项清单版本).
#[derive(Debug, Clone)]
pub struct NewCatalogVersion {
    pub created_by: String,
    pub created_at: Timestamp,
    /// Where it came from: `import:catalog.json`, `edit:SCJG-XK-001`, `demo`.
    pub source: String,
    pub note: String,
    /// Departments the catalog introduces (registered in the same transaction).
    pub new_departments: Vec<Department>,
    pub items: Vec<Item>,
    pub bundles: Vec<Bundle>,
    pub publish: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogVersion {
    pub id: i64,
    pub created_at: Timestamp,
    pub created_by: String,
    pub source: String,
    pub note: String,
    pub item_count: i64,
    pub bundle_count: i64,
    pub published_at: Option<Timestamp>,
}

/// One version's full content.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogSnapshot {
    pub version: CatalogVersion,
    pub items: Vec<Item>,
    pub bundles: Vec<Bundle>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// 所属部门 (a department code); none for admin, leader and supervisor.
    pub department: Option<String>,
    pub password_hash: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// 所属部门 (a department code): a liaison and window staff act for it.
    pub department: Option<String>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

/// A user with the password hash, only for signing in.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

/// A login session (browser cookie) or an API bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Session,
    Api,
}

impl TokenKind {
    pub fn code(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
        }
    }

    /// 网页登录 or API 令牌, as the audit log shows it.
    pub fn label(self) -> &'static str {
        match self {
            TokenKind::Session => "网页登录",
            TokenKind::Api => "API 令牌",
        }
    }
    pub fn parse(s: &str) -> Option<TokenKind> {
        match s {
            "session" => Some(TokenKind::Session),
            "api" => Some(TokenKind::Api),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewToken {
    /// SHA-256 of the token: the token itself is never stored.
    pub token_hash: String,
    pub user_id: Uuid,
    pub kind: TokenKind,
    /// The CSRF secret bound to a browser session.
    pub csrf: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TokenInfo {
    pub kind: TokenKind,
    pub csrf: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub at: Timestamp,
    /// Username, or `system` / `cli`.
    pub actor: String,
    /// What was done: `login`, `login_failed`, `catalog.import`, `user.add`…
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}
