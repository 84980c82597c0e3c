//! `govhall restore`: loads a file written by `govhall backup` into an empty
//! database, then opens it through the normal connect, which migrates it
//! forward. Everything that can be refused (a file of the other backend, a
//! damaged file, a backup from a newer release, a target that is not empty)
//! is refused before anything is written.

use super::backup::{Partial, print_summary, sqlite_path};
use super::pg_tools::Tool;
use crate::backend::{self, Kind, redact};
use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::Path;
use store::backup::DatabaseFacts;

pub async fn run(url: &str, file: &Path) -> Result<()> {
    let target = backend::kind(url)?;
    let found = backup_kind(file)?;
    match (target, found) {
        (Kind::Sqlite, Kind::Postgres) => bail!(
            "{} 是 PostgreSQL 备份（pg_dump 格式），不能恢复到 SQLite 数据库 {url}：请给出 postgres:// 地址。未做任何更改",
            file.display()
        ),
        (Kind::Postgres, Kind::Sqlite) => bail!(
            "{} 是 SQLite 备份，不能恢复到 PostgreSQL 数据库 {}：请给出 sqlite:// 地址。未做任何更改",
            file.display(),
            redact(url)
        ),
        _ => {}
    }
    let facts = match target {
        Kind::Sqlite => sqlite(url, file).await?,
        Kind::Postgres => postgres(url, file).await?,
    };
    let shown = match target {
        Kind::Sqlite => sqlite_path(url)?.display().to_string(),
        Kind::Postgres => redact(url),
    };
    print_summary(
        &format!(
            "恢复完成：{} → {shown}（已迁移到本程序的最新结构）",
            file.display()
        ),
        file,
        &facts,
    );
    Ok(())
}

/// Which backend wrote a backup file, from its first bytes.
fn backup_kind(file: &Path) -> Result<Kind> {
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(file).with_context(|| format!("无法打开备份文件 {}", file.display()))?;
    let n = f
        .read(&mut head)
        .with_context(|| format!("无法读取备份文件 {}", file.display()))?;
    if head[..n] == *b"SQLite format 3\0" {
        Ok(Kind::Sqlite)
    } else if head[..n].starts_with(b"PGDMP") {
        Ok(Kind::Postgres)
    } else {
        bail!(
            "{} 不是 govhall 备份文件（既不是 SQLite 数据库，也不是 pg_dump 自定义格式的备份）。未做任何更改",
            file.display()
        )
    }
}

/// Refuses a backup made by a newer release (a migration this binary lacks).
fn refuse_newer(file: &Path, versions: &[i64], known: &[i64]) -> Result<()> {
    let facts = DatabaseFacts {
        versions: versions.to_vec(),
        counts: Vec::new(),
    };
    let unknown = facts.unknown_versions(known);
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.iter().map(i64::to_string).collect();
        bail!(
            "备份 {} 由更新版本的 govhall 写出：其数据库结构含本程序不认识的迁移 {}（本程序最新为 {}）。\
             请用相同或更新版本的 govhall 恢复。未做任何更改",
            file.display(),
            list.join("、"),
            known.last().copied().unwrap_or(0)
        );
    }
    Ok(())
}

fn not_empty(what: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "目标数据库 {what} 不是空的（已有数据表）：恢复只能写入空数据库，以免覆盖现有数据。\
         请换一个新的数据库地址，或先自行移走现有数据库。未做任何更改"
    )
}

async fn sqlite(url: &str, file: &Path) -> Result<DatabaseFacts> {
    let path = sqlite_path(url)?;
    let inspection = store_sqlite::backup::inspect(file).await.with_context(|| {
        format!(
            "无法读取备份文件 {}（文件已损坏？）。未做任何更改",
            file.display()
        )
    })?;
    if !inspection.problems.is_empty() {
        bail!(
            "备份文件 {} 未通过完整性检查（PRAGMA integrity_check）：{}。未做任何更改",
            file.display(),
            inspection.problems.join("；")
        );
    }
    if !inspection.has_migrations {
        bail!(
            "{} 不是 govhall 备份（没有迁移记录表 {}）。未做任何更改",
            file.display(),
            store::backup::MIGRATIONS_TABLE
        );
    }
    refuse_newer(
        file,
        &inspection.facts.versions,
        &store_sqlite::backup::known_versions(),
    )?;
    let tables = store_sqlite::backup::user_tables(&path)
        .await
        .with_context(|| format!("无法读取目标数据库 {}", path.display()))?;
    if tables > 0 {
        return Err(not_empty(&path.display().to_string()));
    }
    let partial = Partial::next_to(&path, "restore")?;
    std::fs::copy(file, partial.path()).with_context(|| format!("无法复制备份文件到 {}", path.display()))?;
    // An empty target may have left its journal files; they must not be
    // applied to the restored file.
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.clone().into_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
    partial.persist(&path)?;
    let store = store_sqlite::SqliteStore::connect(url)
        .await
        .with_context(|| format!("已恢复的数据库 {} 无法打开或迁移", path.display()))?;
    store.close().await;
    store_sqlite::backup::facts(&path)
        .await
        .with_context(|| format!("无法读取已恢复的数据库 {}", path.display()))
}

async fn postgres(url: &str, file: &Path) -> Result<DatabaseFacts> {
    let pg_restore = Tool::pg_restore();
    pg_restore.major_version(None).await?;
    let versions = pg_restore
        .archived_versions(file)
        .await
        .with_context(|| {
            format!(
                "无法读取备份文件 {}（文件已损坏？）。未做任何更改",
                file.display()
            )
        })?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{} 不是 govhall 备份（没有迁移记录表 {}）。未做任何更改",
                file.display(),
                store::backup::MIGRATIONS_TABLE
            )
        })?;
    refuse_newer(file, &versions, &store_postgres::backup::known_versions())?;
    let shown = redact(url);
    let exists = store_postgres::backup::database_exists(url)
        .await
        .with_context(|| format!("无法连接 PostgreSQL 数据库 {shown}"))?;
    if exists {
        let tables = store_postgres::backup::user_tables(url)
            .await
            .with_context(|| format!("无法连接 PostgreSQL 数据库 {shown}"))?;
        if tables > 0 {
            return Err(not_empty(&shown));
        }
    } else {
        store_postgres::backup::create_database(url)
            .await
            .with_context(|| format!("无法创建数据库 {shown}"))?;
    }
    if let Err(e) = pg_restore.restore(url, file).await {
        // One transaction: nothing was written. A database made just now goes again.
        if !exists {
            let _ = store_postgres::PostgresStore::drop_database(url).await;
        }
        return Err(e.context(format!("恢复失败，数据库 {shown} 未做更改")));
    }
    let store = store_postgres::PostgresStore::connect(url)
        .await
        .with_context(|| format!("已恢复的数据库 {shown} 无法打开或迁移"))?;
    store.close().await;
    store_postgres::backup::facts(url)
        .await
        .with_context(|| format!("无法读取已恢复的数据库 {shown}"))
}
