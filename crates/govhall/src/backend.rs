//! Picks the storage backend from the database URL's scheme.

use anyhow::{Context, Result, bail};
use std::sync::Arc;
use store::Store;
use store::bench::BenchStore;

/// The two kinds of database govhall runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// The backend a database URL names.
pub fn kind(url: &str) -> Result<Kind> {
    if url.starts_with("sqlite:") {
        Ok(Kind::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Kind::Postgres)
    } else {
        bail!(
            "不支持的数据库地址“{}”：应以 sqlite:// 或 postgres:// 开头",
            redact(url)
        )
    }
}

/// A database opened (created and migrated when needed) by its backend.
enum Opened {
    Sqlite(store_sqlite::SqliteStore),
    Postgres(store_postgres::PostgresStore),
}

async fn connect(url: &str) -> Result<Opened> {
    match kind(url)? {
        Kind::Sqlite => {
            if let Some(path) = url.strip_prefix("sqlite://") {
                let path = path.split('?').next().unwrap_or(path);
                if let Some(parent) = std::path::Path::new(path)
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("无法创建目录 {}", parent.display()))?;
                }
            }
            let store = store_sqlite::SqliteStore::connect(url)
                .await
                .with_context(|| format!("无法打开 SQLite 数据库 {url}"))?;
            Ok(Opened::Sqlite(store))
        }
        Kind::Postgres => {
            let store = store_postgres::PostgresStore::connect(url)
                .await
                .with_context(|| format!("无法连接 PostgreSQL 数据库 {}", redact(url)))?;
            Ok(Opened::Postgres(store))
        }
    }
}

/// The store the hall runs on.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    Ok(match connect(url).await? {
        Opened::Sqlite(store) => Arc::new(store),
        Opened::Postgres(store) => Arc::new(store),
    })
}

/// The same store with the benchmark generators (`govhall bench`).
pub async fn open_bench(url: &str) -> Result<Arc<dyn BenchStore>> {
    Ok(match connect(url).await? {
        Opened::Sqlite(store) => Arc::new(store),
        Opened::Postgres(store) => Arc::new(store),
    })
}

/// Hides a password in a URL before it is printed.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
