//! `govhall backup` and `govhall restore`, run as real processes against a
//! running `govhall serve`, on SQLite and on PostgreSQL; and the upgrade of a
//! database written by the previous release (`upgrade`).
// Tests stop at the first broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "backup/support.rs"]
mod support;
#[path = "backup/upgrade.rs"]
mod upgrade;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{Database, Kind, Server, assert_refused, govhall, text};

/// Tickets keep being taken while the backup runs; every ticket acknowledged
/// before the backup started is in the restored database, which is intact.
/// `govhall backup --database URL --output FILE`, with `env` set.
async fn backup_to(url: &str, file: &str, env: &[(&str, &str)]) -> std::process::Output {
    govhall(&["backup", "--database", url, "--output", file], env).await
}

/// `govhall restore --database URL FILE`, with `env` set.
async fn restore_from(url: &str, file: &str, env: &[(&str, &str)]) -> std::process::Output {
    govhall(&["restore", "--database", url, file], env).await
}

async fn backup_while_writing(kind: Kind) {
    let source = Database::fresh(kind);
    let server = Arc::new(Server::start(&source.url, true).await);
    let stop = Arc::new(AtomicBool::new(false));
    let taken = Arc::new(AtomicUsize::new(0));
    let mut kiosks = Vec::new();
    for _ in 0..4 {
        let (server, stop, taken) = (server.clone(), stop.clone(), taken.clone());
        kiosks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let (id, number) = server.take_ticket().await;
                acknowledged.push((id, number, Instant::now()));
                taken.fetch_add(1, Ordering::Relaxed);
            }
            acknowledged
        }));
    }
    // The kiosks are busy before the backup starts (however slow the machine).
    let deadline = Instant::now() + Duration::from_secs(20);
    while taken.load(Ordering::Relaxed) < 50 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let file = source.dir.path().join("backups/hall.backup");
    let started = Instant::now();
    let out = backup_to(&source.url, file.to_str().unwrap(), &[]).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    let mut before = Vec::new();
    let mut total = 0;
    for k in kiosks {
        let taken = k.await.unwrap();
        total += taken.len();
        before.extend(taken.into_iter().filter(|(_, _, at)| *at < started));
    }
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("备份完成") && said.contains("数据库结构版本"),
        "{said}"
    );
    assert!(said.contains("取号 tickets"), "{said}");
    assert!(
        before.len() >= 10,
        "only {} tickets before the backup",
        before.len()
    );
    assert!(file.exists());
    // No temporary file is left next to the backup.
    let left: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");

    // Without --force an existing backup is kept.
    let again = backup_to(&source.url, file.to_str().unwrap(), &[]).await;
    assert_refused(&again, "--force");

    let target = Database::fresh(kind);
    let out = restore_from(&target.url, file.to_str().unwrap(), &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("恢复完成"), "{}", text(&out.stdout));
    let facts = target.facts().await;
    assert_eq!(facts.versions, target.known_versions());
    let restored = facts.count("tickets").unwrap() as usize;
    eprintln!(
        "{kind:?}: {} tickets acknowledged before the backup, {total} in all, {restored} restored",
        before.len()
    );
    assert!(
        restored >= before.len() && restored <= total,
        "{restored} of {total}"
    );
    if let Some(path) = target.file() {
        let inspection = store_sqlite::backup::inspect(&path).await.unwrap();
        assert!(inspection.is_sound(), "{inspection:?}");
    }

    // A second restore into the now full database is refused and changes nothing.
    let out = restore_from(&target.url, file.to_str().unwrap(), &[]).await;
    assert_refused(&out, "不是空的");
    assert_eq!(target.facts().await, facts);

    let restored_server = Server::start(&target.url, false).await;
    for (id, number, _) in &before {
        let (st, v) = restored_server
            .send("GET", None, &format!("/api/tickets/{id}"), None)
            .await;
        assert_eq!(
            st, 200,
            "ticket {number} acknowledged before the backup is missing"
        );
        assert_eq!(v["number"].as_str(), Some(number.as_str()));
    }
    // The restored hall takes new tickets.
    restored_server.take_ticket().await;
    restored_server.stop().await;
    Arc::try_unwrap(server).ok().unwrap().stop().await;
}

/// A backup made by a newer release (a migration this binary lacks) is
/// refused before anything is written.
async fn newer_backups_are_refused(kind: Kind) {
    let source = Database::fresh(kind);
    let out = govhall(&["migrate", "--database", &source.url], &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    const FUTURE: &str = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                          VALUES (20991231000000, 'from the future', TRUE, '', 1)";
    match kind {
        Kind::Sqlite => {
            use sqlx::Connection;
            let mut conn = sqlx::SqliteConnection::connect(&source.url).await.unwrap();
            sqlx::query(FUTURE).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
        Kind::Postgres => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&source.url).await.unwrap();
            sqlx::query(FUTURE).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
    }
    let file = source.dir.path().join("future.backup");
    let out = backup_to(&source.url, file.to_str().unwrap(), &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("20991231000000"));
    let target = Database::fresh(kind);
    let out = restore_from(&target.url, file.to_str().unwrap(), &[]).await;
    assert_refused(&out, "更新版本");
    assert!(text(&out.stderr).contains("20991231000000"));
    match kind {
        Kind::Sqlite => assert!(!target.file().unwrap().exists()),
        Kind::Postgres => assert!(
            !store_postgres::backup::database_exists(&target.url)
                .await
                .unwrap()
        ),
    }
}

mod sqlite {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn backup_while_writing() {
        super::backup_while_writing(Kind::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn newer_backups_are_refused() {
        super::newer_backups_are_refused(Kind::Sqlite).await;
    }
}

mod postgres {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn backup_while_writing() {
        super::backup_while_writing(Kind::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn newer_backups_are_refused() {
        super::newer_backups_are_refused(Kind::Postgres).await;
    }

    /// Without pg_dump (or pg_restore) the command says what to install.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn missing_tools_are_named() {
        let source = Database::fresh(Kind::Postgres);
        let out = govhall(&["migrate", "--database", &source.url], &[]).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let file = source.dir.path().join("hall.backup");
        let out = backup_to(
            &source.url,
            file.to_str().unwrap(),
            &[("GOVHALL_PG_DUMP", "/nonexistent/pg_dump")],
        )
        .await;
        assert_refused(&out, "找不到 pg_dump");
        assert!(text(&out.stderr).contains("postgresql-client"));
        assert!(!file.exists());
        assert_eq!(std::fs::read_dir(source.dir.path()).unwrap().count(), 0);

        let out = backup_to(&source.url, file.to_str().unwrap(), &[]).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let target = Database::fresh(Kind::Postgres);
        let out = restore_from(
            &target.url,
            file.to_str().unwrap(),
            &[("GOVHALL_PG_RESTORE", "/nonexistent/pg_restore")],
        )
        .await;
        assert_refused(&out, "找不到 pg_restore");
        assert!(
            !store_postgres::backup::database_exists(&target.url)
                .await
                .unwrap()
        );
    }
}

/// Files that are not govhall backups, or belong to the other backend, are
/// refused without touching the target (no PostgreSQL server needed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_files_are_refused() {
    let target = Database::fresh(Kind::Sqlite);
    let dir = target.dir.path();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    std::fs::write(dir.join("garbage.backup"), "这不是备份 not a backup at all\n").unwrap();
    let out = restore_from(&target.url, &path("garbage.backup"), &[]).await;
    assert_refused(&out, "不是 govhall 备份文件");

    std::fs::write(
        dir.join("pg.backup"),
        b"PGDMP\x01\x0e\x00 rest of a custom archive",
    )
    .unwrap();
    let out = restore_from(&target.url, &path("pg.backup"), &[]).await;
    assert_refused(&out, "PostgreSQL 备份");

    // A SQLite file that govhall did not make (no migrations table).
    let other = format!("sqlite://{}?mode=rwc", path("other.db"));
    {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&other).await.unwrap();
        sqlx::query("CREATE TABLE notes (t TEXT)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let out = restore_from(&target.url, &path("other.db"), &[]).await;
    assert_refused(&out, "不是 govhall 备份");

    // A real SQLite backup, cut short.
    let source = format!("sqlite://{}", path("source.db"));
    let out = govhall(&["migrate", "--database", &source], &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = backup_to(&source, &path("good.backup"), &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let good = std::fs::read(dir.join("good.backup")).unwrap();
    std::fs::write(dir.join("cut.backup"), &good[..good.len() / 3]).unwrap();
    let out = restore_from(&target.url, &path("cut.backup"), &[]).await;
    assert_refused(&out, "cut.backup");

    let pg = format!("{}/govhall_never_created", support::postgres_server());
    let out = restore_from(&pg, &path("good.backup"), &[]).await;
    assert_refused(&out, "SQLite 备份");
    assert!(!target.file().unwrap().exists(), "nothing was written");

    // Backing up an in-memory or missing database says so.
    let out = govhall(
        &[
            "backup",
            "--database",
            &format!("sqlite://{}", path("none.db")),
            "--output",
            &path("x.backup"),
        ],
        &[],
    )
    .await;
    assert_refused(&out, "不存在");
    assert!(!dir.join("none.db").exists() && !dir.join("x.backup").exists());
}
