//! `govhall backup`: a consistent copy of the hall's database, taken while the
//! server keeps running. SQLite: `VACUUM INTO` (one read transaction), checked
//! with `PRAGMA integrity_check`. PostgreSQL: `pg_dump --format=custom` of an
//! exported snapshot, so the printed counts are exactly what the file holds.
//! Either way the file appears under its name only once it checks out.

use super::pg_tools::Tool;
use crate::backend::{self, Kind, redact};
use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};
use store::backup::DatabaseFacts;

pub async fn run(url: &str, output: &Path, force: bool) -> Result<()> {
    let kind = backend::kind(url)?;
    if output.is_dir() {
        bail!("{} 是一个目录：请给出备份文件的名字", output.display());
    }
    if output.exists() && !force {
        bail!(
            "备份文件 {} 已存在，未做备份（确要覆盖请加 --force）",
            output.display()
        );
    }
    if kind == Kind::Sqlite
        && let (Ok(a), Ok(b)) = (output.canonicalize(), sqlite_path(url)?.canonicalize())
        && a == b
    {
        bail!("备份文件不能是数据库文件本身（{}）", output.display());
    }
    let partial = Partial::next_to(output, "backup")?;
    let facts = match kind {
        Kind::Sqlite => sqlite(url, partial.path()).await?,
        Kind::Postgres => postgres(url, partial.path()).await?,
    };
    partial.persist(output)?;
    print_summary(&format!("备份完成：{}", output.display()), output, &facts);
    Ok(())
}

async fn sqlite(url: &str, partial: &Path) -> Result<DatabaseFacts> {
    let path = sqlite_path(url)?;
    if !path.exists() {
        bail!("数据库文件 {} 不存在，没有可备份的内容", path.display());
    }
    store_sqlite::backup::vacuum_into(url, partial)
        .await
        .with_context(|| format!("无法复制数据库 {}", path.display()))?;
    let inspection = store_sqlite::backup::inspect(partial)
        .await
        .context("无法检查刚写出的备份")?;
    if !inspection.problems.is_empty() {
        bail!(
            "备份未通过完整性检查（PRAGMA integrity_check），未写出备份：{}",
            inspection.problems.join("；")
        );
    }
    if !inspection.has_migrations {
        bail!(
            "{} 不是 govhall 数据库（没有迁移记录表 {}），未做备份",
            path.display(),
            store::backup::MIGRATIONS_TABLE
        );
    }
    Ok(inspection.facts)
}

async fn postgres(url: &str, partial: &Path) -> Result<DatabaseFacts> {
    let mut snapshot = store_postgres::backup::export_snapshot(url)
        .await
        .with_context(|| format!("无法连接 PostgreSQL 数据库 {}", redact(url)))?;
    let server = snapshot.server_major;
    let pg_dump = Tool::pg_dump();
    if let Some(major) = pg_dump.major_version(Some(server)).await?
        && major < server
    {
        bail!(
            "pg_dump（{}）为 {major} 版，数据库服务器为 PostgreSQL {server}：pg_dump 不能备份更新版本的服务器。\
             请安装 postgresql-client-{server}，或用环境变量 GOVHALL_PG_DUMP 指定它的路径",
            pg_dump.path.display()
        );
    }
    let facts = snapshot
        .facts()
        .await
        .context("无法读取数据库的迁移记录")?
        .ok_or_else(|| {
            anyhow!(
                "{} 不是 govhall 数据库（没有迁移记录表 {}），未做备份",
                redact(url),
                store::backup::MIGRATIONS_TABLE
            )
        })?;
    let dumped = pg_dump.dump(url, &snapshot.id, partial, server).await;
    // The snapshot only has to live as long as pg_dump reads it.
    let _ = snapshot.close().await;
    dumped?;
    let archived = Tool::pg_restore()
        .archived_versions(partial)
        .await
        .context("无法检查刚写出的备份")?;
    if archived.as_ref() != Some(&facts.versions) {
        bail!("刚写出的备份中迁移记录与数据库不符，未写出备份");
    }
    Ok(facts)
}

/// The file of a SQLite URL (an in-memory database has none to copy).
pub(super) fn sqlite_path(url: &str) -> Result<PathBuf> {
    store_sqlite::backup::database_path(url)
        .with_context(|| format!("无效的 SQLite 地址 {url}"))?
        .ok_or_else(|| anyhow!("内存数据库（{url}）没有文件，不能备份或恢复"))
}

/// Prints what a backup or restore wrote, so the administrator sees it is real.
pub(super) fn print_summary(headline: &str, file: &Path, facts: &DatabaseFacts) {
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!("{headline}");
    println!("  备份文件大小：{}（{size} 字节）", human_size(size));
    match facts.schema_version() {
        Some(v) => println!("  数据库结构版本：{v}（已应用迁移 {} 个）", facts.versions.len()),
        None => println!("  数据库结构版本：无"),
    }
    let counts: Vec<String> = facts
        .counts
        .iter()
        .map(|(table, name, n)| format!("{name} {table} {n}"))
        .collect();
    println!("  记录数：{}", counts.join("，"));
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A file being written next to its final name; removed unless persisted.
pub(super) struct Partial {
    path: PathBuf,
    kept: bool,
}

impl Partial {
    /// `.NAME.WHAT-PID` in the target's folder (created when missing), so the
    /// final rename stays on one file system.
    pub(super) fn next_to(target: &Path, what: &str) -> Result<Partial> {
        let name = target
            .file_name()
            .ok_or_else(|| anyhow!("{} 不是文件名", target.display()))?;
        let dir = folder_of(target);
        std::fs::create_dir_all(&dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
        let path = dir.join(format!(
            ".{}.{what}-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("无法删除残留的临时文件 {}", path.display()))?;
        }
        Ok(Partial { path, kept: false })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the file to disk and renames it to `target` atomically.
    pub(super) fn persist(mut self, target: &Path) -> Result<()> {
        std::fs::File::open(&self.path)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("无法写入 {}", self.path.display()))?;
        std::fs::rename(&self.path, target)
            .with_context(|| format!("无法把临时文件改名为 {}", target.display()))?;
        self.kept = true;
        // The rename itself is durable once the folder is flushed (best effort).
        if let Ok(dir) = std::fs::File::open(folder_of(target)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_well() {
        assert_eq!(super::human_size(10), "10 B");
        assert_eq!(super::human_size(1536), "1.5 KB");
        assert_eq!(super::human_size(3 * 1024 * 1024), "3.0 MB");
    }
}
