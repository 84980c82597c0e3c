//! The real `govhall serve` as a child process: started on a database,
//! killed with SIGKILL, started again on the same database and address.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a start (with migrations and the demo seed) may take on a busy machine.
const START_TIMEOUT: Duration = Duration::from_secs(120);

pub struct Server {
    child: Option<Child>,
    db: String,
    dir: PathBuf,
    /// `127.0.0.1:PORT`, chosen by the first start (which binds port 0).
    addr: String,
    pub starts: usize,
}

impl Server {
    /// Starts on `db`; the server binds 127.0.0.1:0 and prints the address it got.
    pub async fn start(db: &str, dir: &Path) -> Server {
        let mut server = Server {
            child: None,
            db: db.to_owned(),
            dir: dir.to_owned(),
            addr: "127.0.0.1:0".into(),
            starts: 0,
        };
        assert!(
            server.launch().await,
            "govhall did not start on {}:\n{}",
            server.db,
            server.log_tail()
        );
        server
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL: no shutdown hook, no flush, no goodbye to the clients.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().expect("SIGKILL the server");
            child.wait().await.expect("reap the server");
        }
    }

    /// Starts again on the same database and address (after [`Server::kill`]).
    /// Should another process have taken the port meanwhile, on a new one.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "restart only a killed server");
        if !self.launch().await && self.log_tail().contains("无法监听") {
            self.addr = "127.0.0.1:0".into();
            self.launch().await;
        }
        assert!(
            self.child.is_some(),
            "govhall did not start again on {} (start {}):\n{}",
            self.db,
            self.starts + 1,
            self.log_tail()
        );
    }

    /// The server's log (stderr of every start), for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Spawns the binary and waits for the line it prints once its listener
    /// is bound; false when it exited (or hung) instead.
    async fn launch(&mut self) -> bool {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("server.log"))
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_govhall"))
            .args(["serve", "--demo", "--database", &self.db, "--listen", &self.addr])
            // No stray ./govhall.toml or GOVHALL_* of the caller's shell.
            .current_dir(&self.dir)
            .env_remove("GOVHALL_DATABASE_URL")
            .env_remove("GOVHALL_CONFIG")
            .env_remove("GOVHALL_LISTEN")
            .env("GOVHALL_DATA_KEY", super::DATA_KEY)
            .env("GOVHALL_LOG", "warn")
            .env("GOVHALL_RATE_LIMIT", "off")
            .env("GOVHALL_OPENING_HOURS", "off")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        self.child = Some(child);
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(START_TIMEOUT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                // "govhall 已启动：http://127.0.0.1:PORT/"
                if let Some(at) = line.find("http://") {
                    return Some(line[at + 7..].trim_end_matches('/').to_owned());
                }
            }
            None
        })
        .await;
        let Ok(Some(addr)) = ready else {
            self.kill().await;
            return false;
        };
        // Keep reading stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.addr = addr;
        self.starts += 1;
        true
    }
}
