//! The real binary for backup tests: throwaway databases on both backends
//! (dropped even when a test fails), `govhall serve` on a port the server
//! picks itself, and the CLI run as a process.

use serde_json::{Value, json};
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

pub const BIN: &str = env!("CARGO_BIN_EXE_govhall");
/// The data key every test server and fixture uses (ID numbers are encrypted with it).
pub const DATA_KEY: &str = "release-fixture-data-key-2026";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub fn postgres_server() -> String {
    std::env::var("GOVHALL_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A fresh, empty database: a file in a temporary folder, or a PostgreSQL
/// database with a unique name that is not created yet.
pub struct Database {
    pub url: String,
    pub kind: Kind,
    pub dir: tempfile::TempDir,
}

impl Database {
    pub fn fresh(kind: Kind) -> Database {
        let dir = tempfile::tempdir().unwrap();
        let url = match kind {
            Kind::Sqlite => format!("sqlite://{}", dir.path().join("hall.db").display()),
            Kind::Postgres => format!("{}/govhall_backup_{}", postgres_server(), uuid_like()),
        };
        Database { url, kind, dir }
    }

    /// The SQLite file (None on PostgreSQL).
    pub fn file(&self) -> Option<std::path::PathBuf> {
        (self.kind == Kind::Sqlite).then(|| self.dir.path().join("hall.db"))
    }

    /// What the database holds (versions and counts), read by the store crates.
    pub async fn facts(&self) -> store::backup::DatabaseFacts {
        match self.kind {
            Kind::Sqlite => store_sqlite::backup::facts(&self.file().unwrap()).await.unwrap(),
            Kind::Postgres => store_postgres::backup::facts(&self.url).await.unwrap(),
        }
    }

    /// Every migration this binary knows.
    pub fn known_versions(&self) -> Vec<i64> {
        match self.kind {
            Kind::Sqlite => store_sqlite::backup::known_versions(),
            Kind::Postgres => store_postgres::backup::known_versions(),
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if self.kind != Kind::Postgres {
            return;
        }
        let url = self.url.clone();
        // A runtime of its own: this may run inside a test's runtime or while unwinding.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                for _ in 0..20 {
                    match store_postgres::backup::database_exists(&url).await {
                        Ok(false) => return,
                        Ok(true) => {
                            if store_postgres::PostgresStore::drop_database(&url).await.is_ok() {
                                return;
                            }
                        }
                        Err(_) => {}
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
        });
        let _ = dropped.join();
    }
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}_{nanos:x}_{n}", std::process::id())
}

/// `govhall ARGS` with extra environment; waits for it to exit.
pub async fn govhall(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("GOVHALL_DATABASE_URL")
        .env("GOVHALL_LOG", "error")
        .env("GOVHALL_DATA_KEY", DATA_KEY)
        .stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().await.unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts that a CLI run failed cleanly: exit ≠ 0, a Chinese message
/// containing `needle`, and no panic or backtrace.
pub fn assert_refused(out: &Output, needle: &str) {
    let err = text(&out.stderr);
    assert!(!out.status.success(), "expected a refusal: {}", text(&out.stdout));
    assert!(err.contains(needle), "stderr lacks “{needle}”: {err}");
    assert!(err.starts_with("错误："), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

/// `govhall serve` on its own port; killed when dropped.
pub struct Server {
    child: Child,
    _stdout: Lines<BufReader<ChildStdout>>,
    pub base: String,
    pub client: reqwest::Client,
}

impl Server {
    pub async fn start(url: &str, demo: bool) -> Server {
        let mut command = Command::new(BIN);
        command.args(["serve", "--database", url, "--listen", "127.0.0.1:0"]);
        if demo {
            command.arg("--demo");
        }
        let mut child = command
            .env_remove("GOVHALL_DATABASE_URL")
            .env("GOVHALL_LOG", "error")
            .env("GOVHALL_RATE_LIMIT", "off")
            .env("GOVHALL_OPENING_HOURS", "off")
            .env("GOVHALL_DATA_KEY", DATA_KEY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        // "govhall 已启动：http://127.0.0.1:PORT/"
        let line = tokio::time::timeout(Duration::from_secs(20), stdout.next_line())
            .await
            .expect("server did not start in time")
            .unwrap()
            .expect("server exited before it started");
        let base = line
            .split("http://")
            .nth(1)
            .map(|rest| format!("http://{}", rest.trim_end_matches('/')))
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        Server {
            child,
            _stdout: stdout,
            base,
            client: reqwest::Client::new(),
        }
    }

    pub async fn stop(mut self) {
        self.child.kill().await.unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with an optional bearer token and JSON body: status and JSON.
    pub async fn send(
        &self,
        method: &str,
        token: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = match method {
            "GET" => self.client.get(self.url(path)),
            _ => self.client.post(self.url(path)),
        };
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn login(&self, username: &str) -> String {
        let (st, v) = self
            .send(
                "POST",
                None,
                "/api/auth/login",
                Some(json!({"username": username, "password": "govhall-demo"})),
            )
            .await;
        assert_eq!(st, 200, "login as {username}: {v}");
        v["token"].as_str().unwrap().to_owned()
    }

    /// A kiosk ticket of category A: (id, number).
    pub async fn take_ticket(&self) -> (String, String) {
        let (st, v) = self
            .send("POST", None, "/api/tickets", Some(json!({"category": "A"})))
            .await;
        assert_eq!(st, 201, "{v}");
        (
            v["id"].as_str().unwrap().to_owned(),
            v["number"].as_str().unwrap().to_owned(),
        )
    }
}
