//! The command-line contract, run as a real process.
// Tests stop at the first broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

const CATALOG: &str = include_str!("../../app/demo/catalog.json");
const BUNDLES: &str = include_str!("../../app/demo/bundles.json");
const OFFICIAL: &str = include_str!("../../domain/data/workdays-2020-2026.tsv");

fn govhall(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govhall"))
        .args(args)
        .current_dir(dir)
        .env_remove("GOVHALL_DATABASE_URL")
        .env("GOVHALL_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn calendar_days_agree_with_the_official_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = govhall(
        dir.path(),
        &["calendar", "days", "--from", "2020-01-01", "--to", "2026-12-31"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), OFFICIAL);
    // Without a database the command leaves no file behind.
    assert!(!dir.path().join("govhall.db").exists());
}

#[test]
fn calendar_deadline_and_missing_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = govhall(
        dir.path(),
        &["calendar", "deadline", "--from", "2026-11-20", "--days", "1"],
    );
    assert!(out.status.success());
    assert_eq!(stdout(&out), "2026-11-23\n");
    // Into a year without an official schedule: provisional, said on stderr.
    let out = govhall(
        dir.path(),
        &["calendar", "deadline", "--from", "2026-12-25", "--days", "10"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("暂定"), "{}", stderr(&out));
    // Further than two years past the current one: an error naming the year.
    let year = jiff::Zoned::now().year();
    let out = govhall(
        dir.path(),
        &[
            "calendar",
            "deadline",
            "--from",
            &format!("{}-12-25", year + 2),
            "--days",
            "10",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains(&(year + 3).to_string()), "{}", stderr(&out));
    let out = govhall(
        dir.path(),
        &["calendar", "days", "--from", "2019-12-30", "--to", "2020-01-02"],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("2019"));
    let out = govhall(
        dir.path(),
        &["calendar", "deadline", "--from", "2026-13-01", "--days", "1"],
    );
    assert!(!out.status.success());
}

#[test]
fn calendar_import_extends_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cal.db").display());
    let mut tsv = String::new();
    let mut d = jiff::civil::date(2027, 1, 1);
    while d.year() == 2027 {
        let weekend = matches!(
            d.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        );
        tsv.push_str(&format!("{d}\t{}\n", if weekend { 0 } else { 1 }));
        d = d.tomorrow().unwrap();
    }
    let partial: String = tsv.lines().take(200).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("partial.tsv"), partial).unwrap();
    std::fs::write(dir.path().join("2027.tsv"), &tsv).unwrap();
    let out = govhall(
        dir.path(),
        &["calendar", "import", "--database", &db, "partial.tsv"],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("2027"));
    let out = govhall(dir.path(), &["calendar", "import", "--database", &db, "2027.tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = govhall(
        dir.path(),
        &[
            "calendar",
            "deadline",
            "--database",
            &db,
            "--from",
            "2026-12-30",
            "--days",
            "5",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2027-01-06\n");
}

#[test]
fn catalog_import_export_round_trip_and_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cat.db").display());
    std::fs::write(dir.path().join("catalog.json"), CATALOG).unwrap();
    std::fs::write(dir.path().join("bundles.json"), BUNDLES).unwrap();
    let out = govhall(dir.path(), &["migrate", "--database", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = govhall(
        dir.path(),
        &["catalog", "import", "--database", &db, "catalog.json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = govhall(
        dir.path(),
        &["catalog", "import", "--database", &db, "bundles.json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let out = govhall(
        dir.path(),
        &[
            "catalog",
            "export",
            "--database",
            &db,
            "--format",
            "json",
            "--output",
            "out.json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.json")).unwrap(),
        CATALOG.trim_end()
    );
    let out = govhall(
        dir.path(),
        &[
            "catalog",
            "export",
            "--database",
            &db,
            "--format",
            "xlsx",
            "--output",
            "out.xlsx",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // A bad file: exit ≠ 0, every problem listed, nothing changed.
    let mut items: Vec<serde_json::Value> = serde_json::from_str(CATALOG).unwrap();
    items[0]["promised_days"] = serde_json::json!(30);
    items[1]["department"] = serde_json::json!("不存在的部门");
    std::fs::write(
        dir.path().join("bad.json"),
        serde_json::to_string(&items).unwrap(),
    )
    .unwrap();
    let out = govhall(dir.path(), &["catalog", "import", "--database", &db, "bad.json"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("第1行") && err.contains("promised_days"), "{err}");
    assert!(err.contains("第2行") && err.contains("department"), "{err}");
    let out = govhall(dir.path(), &["catalog", "versions", "--database", &db]);
    assert_eq!(stdout(&out).lines().count(), 2);

    // The XLSX export imports again unchanged.
    let out = govhall(dir.path(), &["catalog", "import", "--database", &db, "out.xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("新增0项，修改0项，删除0项"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn user_add_reads_the_password_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("u.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_govhall"))
        .args([
            "user",
            "add",
            "--database",
            &db,
            "--username",
            "chen",
            "--role",
            "leader",
        ])
        .env("GOVHALL_PASSWORD", "leader-pass-1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = govhall(dir.path(), &["user", "list", "--database", &db]);
    assert!(stdout(&out).contains("chen") && stdout(&out).contains("领导"));
    let out = govhall(
        dir.path(),
        &[
            "user",
            "add",
            "--database",
            &db,
            "--username",
            "x",
            "--role",
            "king",
        ],
    );
    assert!(!out.status.success());
}

#[test]
fn unknown_database_scheme_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = govhall(dir.path(), &["migrate", "--database", "mysql://x"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("sqlite://"));
}

#[test]
fn config_shows_the_layers_and_never_the_data_key() {
    let dir = tempfile::tempdir().unwrap();
    // The old flat layout, as README documented it before the sections.
    std::fs::write(
        dir.path().join("govhall.toml"),
        "database_url = \"postgres://hall:db-pass-7@127.0.0.1/hall\"\n\
         [hall]\nhall_name = \"西湖区政务服务中心\"\nsession_hours = 8\nfairness_bound = 4\n\
         data_key = \"file-data-key-0123456789\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_govhall"))
        .args(["--set", "queue.requeue_minutes=45", "config"])
        .current_dir(dir.path())
        .env_remove("GOVHALL_DATABASE_URL")
        .env("GOVHALL_SESSION_HOURS", "9")
        .env("GOVHALL_QUEUE__MAX_LIVE_TICKETS_PER_PERSON", "2")
        .env("GOVHALL_DATA_KEY", "env-data-key-0123456789")
        // Not configuration: ignored.
        .env("GOVHALL_PASSWORD", "pw")
        .env("GOVHALL_CRASH_CYCLES", "1")
        .env("GOVHALL_FUZZ_SEED", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    for line in [
        "name = \"西湖区政务服务中心\"",
        "session_hours = 9",
        "fairness_bound = 4",
        "max_live_tickets_per_person = 2",
        "requeue_minutes = 45",
        "data_key = \"***\"",
        "database_url = \"postgres://hall:***@127.0.0.1/hall\"",
    ] {
        assert!(shown.lines().any(|l| l == line), "{line} not in\n{shown}");
    }
    assert!(shown.contains("环境变量 GOVHALL_DATA_KEY"), "{shown}");
    for secret in ["data-key-0123456789", "db-pass-7", "pw"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // The old layout is loaded with a one-line warning.
    assert!(stderr(&out).contains("旧的平铺 [hall] 格式"), "{}", stderr(&out));
}

#[test]
fn a_bad_configuration_names_the_key_and_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hall.toml"), "[queue]\nfairnes_bound = 2\n").unwrap();
    let out = govhall(dir.path(), &["--config", "hall.toml", "config"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("未知的配置项 queue.fairnes_bound（来源：配置文件 hall.toml）"),
        "{}",
        stderr(&out)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_govhall"))
        .arg("config")
        .current_dir(dir.path())
        .env("GOVHALL_TICKETS_PER_MINUTE", "lots")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains("queue.tickets_per_minute_per_client")
            && e.contains("环境变量 GOVHALL_TICKETS_PER_MINUTE"),
        "{e}"
    );
}
