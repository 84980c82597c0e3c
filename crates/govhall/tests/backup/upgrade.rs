//! Forward-only migrations, proved on data: every release leaves a fixture in
//! `tests/fixtures/release-*/` (a plain SQL dump per backend of a small hall
//! made over HTTP with that release, and what it holds in `*.json`). Each one
//! is loaded into an empty database, opened with this binary (`govhall
//! migrate`), served, and read back through the API; then new writes must work.
//! Nothing here depends on how many migrations there are.

use crate::support::{Database, Kind, Server, govhall, text};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

const FOOD: [&str; 3] = [
    "食品经营许可申请书",
    "与食品经营相适应的主要设备设施布局、操作流程文件",
    "食品安全自查、从业人员健康管理等保证食品安全的规章制度",
];
const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13912345678";

fn case_body() -> Value {
    let materials: Vec<Value> = FOOD
        .iter()
        .map(|n| json!({"name": n, "status": "provided"}))
        .collect();
    json!({"item": "SCJG-XK-001",
           "applicant": {"name": "张三", "id_number": ID_NUMBER, "phone": PHONE},
           "materials": materials})
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
}

/// Takes a ticket, calls it at window 3 and finishes it: its id.
async fn served_ticket(s: &Server, staff: &str, phone: Option<&str>) -> String {
    let (st, t) = s
        .send(
            "POST",
            None,
            "/api/tickets",
            Some(json!({"category": "A", "phone": phone})),
        )
        .await;
    assert_eq!(st, 201, "{t}");
    let id = t["id"].as_str().unwrap().to_owned();
    let (st, called) = s.send("POST", Some(staff), "/api/windows/3/call", None).await;
    assert_eq!(
        (st, called["ticket"]["id"].as_str()),
        (200, Some(id.as_str())),
        "{called}"
    );
    let (st, v) = s
        .send("POST", Some(staff), &format!("/api/tickets/{id}/finish"), None)
        .await;
    assert_eq!(st, 200, "{v}");
    id
}

async fn rate(s: &Server, ticket: &str, level: &str, reasons: &[&str]) {
    let body =
        json!({"ticket_id": ticket, "channel": "online", "level": level, "reasons": reasons, "comment": ""});
    let (st, v) = s.send("POST", None, "/api/evaluations", Some(body)).await;
    assert_eq!(st, 201, "{v}");
}

/// The satisfaction report's figures for one day.
async fn report(s: &Server, leader: &str, day: &str) -> Value {
    let path = format!("/api/reports/satisfaction?from={day}&to={day}");
    let (st, r) = s.send("GET", Some(leader), &path, None).await;
    assert_eq!(st, 200, "{r}");
    json!({"total": r["total"], "valid": r["valid"], "by_level": r["by_level"], "rate": r["rate"]})
}

/// A small, realistic hall day: served tickets (one with a phone), online
/// evaluations including a 差评 that opens a rectification, an accepted case.
async fn make_records(s: &Server) -> Value {
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let supervisor = s.login("supervisor").await;
    let mut tickets = Vec::new();
    for phone in [None, Some(PHONE), None, None] {
        tickets.push(served_ticket(s, &staff, phone).await);
    }
    rate(s, &tickets[0], "very_satisfied", &[]).await;
    rate(s, &tickets[1], "dissatisfied", &["等候时间长"]).await;
    rate(s, &tickets[2], "satisfied", &[]).await;
    let (st, case) = s
        .send("POST", Some(&staff), "/api/cases", Some(case_body()))
        .await;
    assert_eq!(st, 201, "{case}");
    let (st, open) = s
        .send("GET", Some(&supervisor), "/api/rectifications?status=open", None)
        .await;
    assert_eq!(st, 200, "{open}");
    let day = today().to_string();
    let mut numbers = Vec::new();
    for id in &tickets {
        let (_, t) = s.send("GET", None, &format!("/api/tickets/{id}"), None).await;
        numbers.push(json!({"id": id, "number": t["number"], "status": t["status"]}));
    }
    json!({
        "made_by": "govhall serve --demo, then the records of tests/backup/upgrade.rs make_records",
        "data_key": crate::support::DATA_KEY,
        "business_date": day,
        "tickets": numbers,
        "case": {"id": case["id"], "number": case["number"], "status": case["status"]},
        "rectification": open["items"][0]["id"],
        "report": report(s, &leader, &day).await,
    })
}

/// Reads everything `make_records` wrote back through the API, then writes more.
async fn check_records(s: &Server, m: &Value) {
    for t in m["tickets"].as_array().unwrap() {
        let (st, v) = s
            .send(
                "GET",
                None,
                &format!("/api/tickets/{}", t["id"].as_str().unwrap()),
                None,
            )
            .await;
        assert_eq!(st, 200, "ticket {t}");
        assert_eq!((&v["number"], &v["status"]), (&t["number"], &t["status"]));
    }
    let staff = s.login("staff").await;
    let leader = s.login("leader").await;
    let supervisor = s.login("supervisor").await;
    let case = m["case"]["id"].as_str().unwrap();
    let (st, v) = s
        .send("GET", Some(&staff), &format!("/api/cases/{case}"), None)
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (&v["number"], &v["status"]),
        (&m["case"]["number"], &m["case"]["status"])
    );
    // The sealed ID number and phone still open with the hall's data key.
    let (st, v) = s
        .send("GET", Some(&staff), &format!("/api/cases/{case}/identity"), None)
        .await;
    assert_eq!(
        (st, v["id_number"].as_str(), v["phone"].as_str()),
        (200, Some(ID_NUMBER), Some(PHONE))
    );
    let day = m["business_date"].as_str().unwrap();
    assert_eq!(report(s, &leader, day).await, m["report"]);
    let (st, v) = s
        .send(
            "GET",
            Some(&leader),
            &format!("/api/reports/satisfaction/check?from={day}&to={day}"),
            None,
        )
        .await;
    assert_eq!((st, v["consistent"].as_bool()), (200, Some(true)), "{v}");
    let (st, open) = s
        .send("GET", Some(&supervisor), "/api/rectifications?status=open", None)
        .await;
    assert_eq!(st, 200);
    assert!(
        open.to_string().contains(m["rectification"].as_str().unwrap()),
        "{open}"
    );

    // New writes on the upgraded database.
    let fresh = served_ticket(s, &staff, None).await;
    rate(s, &fresh, "very_satisfied", &[]).await;
    let (st, v) = s
        .send("POST", Some(&staff), "/api/cases", Some(case_body()))
        .await;
    assert_eq!(st, 201, "{v}");
    assert_ne!(v["number"], m["case"]["number"]);
}

fn releases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("release-"))
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no fixtures in {FIXTURES}");
    dirs
}

/// A gzipped SQL dump as text (the fixtures are stored compressed: they are
/// data, not code to read).
fn gunzip(dump: &Path) -> String {
    let out = std::process::Command::new("gzip")
        .args(["-dc"])
        .arg(dump)
        .output()
        .expect("gzip is needed to read the fixture");
    assert!(out.status.success(), "gzip: {}", text(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Loads a plain SQL dump (gzipped) into a fresh, empty database.
async fn load(db: &Database, dump: &Path) {
    let script = gunzip(dump);
    match db.kind {
        Kind::Sqlite => {
            use sqlx::Connection;
            let url = format!("{}?mode=rwc", db.url);
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(script))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
        }
        Kind::Postgres => {
            store_postgres::backup::create_database(&db.url).await.unwrap();
            use tokio::io::AsyncWriteExt;
            let mut child = tokio::process::Command::new("psql")
                .args([
                    "--no-psqlrc",
                    "--quiet",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "--dbname",
                    &db.url,
                    "--file",
                    "-",
                ])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("psql (postgresql-client) is needed to load the fixture");
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(script.as_bytes()).await.unwrap();
            drop(stdin);
            let out = child.wait_with_output().await.unwrap();
            assert!(out.status.success(), "psql: {}", text(&out.stderr));
        }
    }
}

async fn upgrade_every_release(kind: Kind) {
    let name = match kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    };
    for dir in releases() {
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap())
                .unwrap();
        let db = Database::fresh(kind);
        load(&db, &dir.join(format!("{name}.sql.gz"))).await;
        let old = db.facts().await;
        assert!(!old.versions.is_empty(), "{}", dir.display());
        assert!(old.unknown_versions(&db.known_versions()).is_empty());
        let out = govhall(&["migrate", "--database", &db.url], &[]).await;
        assert!(out.status.success(), "{}: {}", dir.display(), text(&out.stderr));
        let new = db.facts().await;
        assert_eq!(new.versions, db.known_versions(), "every migration applied");
        assert_eq!(new.counts, old.counts, "migrations keep every record");
        let server = Server::start(&db.url, false).await;
        check_records(&server, &manifest).await;
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_release_fixtures_upgrade() {
    upgrade_every_release(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_release_fixtures_upgrade() {
    upgrade_every_release(Kind::Postgres).await;
}

/// Writes this release's fixture. Run it once per release, before the next
/// release's first migration lands:
/// `GOVHALL_FIXTURE_OUT=$PWD/crates/govhall/tests/fixtures/release-YYYY-MM cargo test -p govhall --test backup -- --ignored write_release_fixture`
/// (needs the `sqlite3` and `pg_dump` command-line tools).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes a release fixture; see the comment"]
async fn write_release_fixture() {
    let out = PathBuf::from(std::env::var("GOVHALL_FIXTURE_OUT").expect("set GOVHALL_FIXTURE_OUT"));
    std::fs::create_dir_all(&out).unwrap();
    for (kind, name) in [(Kind::Sqlite, "sqlite"), (Kind::Postgres, "postgres")] {
        let db = Database::fresh(kind);
        let server = Server::start(&db.url, true).await;
        let manifest = make_records(&server).await;
        server.stop().await;
        let dumped = match kind {
            Kind::Sqlite => tokio::process::Command::new("sqlite3")
                .arg(db.file().unwrap())
                .arg(".dump")
                .output()
                .await
                .unwrap(),
            Kind::Postgres => tokio::process::Command::new("pg_dump")
                .args([
                    "--format=plain",
                    "--no-owner",
                    "--no-privileges",
                    "--dbname",
                    &db.url,
                ])
                .output()
                .await
                .unwrap(),
        };
        assert!(dumped.status.success(), "{}", text(&dumped.stderr));
        // psql's \restrict guard (pg_dump 15.14+) holds a random key and is
        // unknown to older psql; a committed fixture needs neither.
        let script: String = text(&dumped.stdout)
            .lines()
            .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
            .map(|l| format!("{l}\n"))
            .collect();
        let path = out.join(format!("{name}.sql"));
        std::fs::write(&path, script).unwrap();
        let zipped = std::process::Command::new("gzip")
            .args(["-9nf"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(zipped.success(), "gzip {}", path.display());
        let pretty = serde_json::to_string_pretty(&manifest).unwrap();
        std::fs::write(out.join(format!("{name}.json")), pretty + "\n").unwrap();
    }
}
