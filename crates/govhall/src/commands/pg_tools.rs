//! PostgreSQL's own tools, `pg_dump` and `pg_restore`, run as child processes.
//! Their paths can be set with GOVHALL_PG_DUMP and GOVHALL_PG_RESTORE. The
//! password of a database URL goes to them in PGPASSWORD, never on the
//! command line (where `ps` would show it) and never in a message.

use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

/// One of the PostgreSQL client tools.
pub struct Tool {
    pub name: &'static str,
    env: &'static str,
    pub path: PathBuf,
}

impl Tool {
    fn from_env(name: &'static str, env: &'static str) -> Tool {
        let path = std::env::var_os(env)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(name));
        Tool { name, env, path }
    }

    pub fn pg_dump() -> Tool {
        Tool::from_env("pg_dump", "GOVHALL_PG_DUMP")
    }

    pub fn pg_restore() -> Tool {
        Tool::from_env("pg_restore", "GOVHALL_PG_RESTORE")
    }

    /// What to install when the tool is missing or too old.
    fn install_hint(&self, server_major: Option<u32>) -> String {
        let package = match server_major {
            Some(m) => format!("postgresql-client-{m}"),
            None => "postgresql-client-<主版本>".to_owned(),
        };
        format!(
            "请安装与数据库服务器主版本一致的 PostgreSQL 客户端（Debian/Ubuntu：apt-get install {package}；\
             其他系统：postgresql-client 或 postgresql 客户端包），或用环境变量 {} 指定 {} 的路径",
            self.env, self.name
        )
    }

    /// Runs the tool; a missing program or a failure becomes a message that
    /// says what went wrong and what to do, with the tool's own last words.
    async fn run(&self, args: &[String], password: Option<&str>, hint: Option<u32>) -> Result<Output> {
        let mut command = tokio::process::Command::new(&self.path);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(p) = password {
            command.env("PGPASSWORD", p);
        }
        let output = match command.output().await {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!(
                    "找不到 {}（{}）。{}。",
                    self.name,
                    self.path.display(),
                    self.install_hint(hint)
                )
            }
            Err(e) => bail!("无法运行 {}（{}）：{e}", self.name, self.path.display()),
        };
        if !output.status.success() {
            let said = last_lines(&output.stderr, 12);
            let code = output
                .status
                .code()
                .map_or_else(|| "被信号终止".to_owned(), |c| format!("退出码 {c}"));
            let mut text = format!("{} 执行失败（{code}）", self.name);
            if !said.is_empty() {
                text.push_str("：\n");
                text.push_str(&said);
            }
            if said.contains("version mismatch") || said.contains("unsupported version") {
                text.push('\n');
                text.push_str(&self.install_hint(hint));
            }
            return Err(anyhow!(text));
        }
        Ok(output)
    }

    /// The tool's major version (15 for "pg_dump (PostgreSQL) 15.4"); checks
    /// that it can be run at all.
    pub async fn major_version(&self, server_major: Option<u32>) -> Result<Option<u32>> {
        let out = self.run(&["--version".to_owned()], None, server_major).await?;
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text
            .split_whitespace()
            .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse().ok()))
    }

    /// `pg_dump --format=custom` of the snapshot `snapshot` into `file`.
    pub async fn dump(&self, url: &str, snapshot: &str, file: &Path, server_major: u32) -> Result<()> {
        let (conninfo, password) = libpq_url(url);
        let args = vec![
            "--format=custom".to_owned(),
            format!("--snapshot={snapshot}"),
            format!("--file={}", file.display()),
            format!("--dbname={conninfo}"),
        ];
        self.run(&args, password.as_deref(), Some(server_major))
            .await
            .map(drop)
    }

    /// `pg_restore` of `file` into the empty database `url`, all or nothing.
    pub async fn restore(&self, url: &str, file: &Path) -> Result<()> {
        let (conninfo, password) = libpq_url(url);
        let args = vec![
            "--no-owner".to_owned(),
            "--no-privileges".to_owned(),
            "--single-transaction".to_owned(),
            "--exit-on-error".to_owned(),
            format!("--dbname={conninfo}"),
            file.display().to_string(),
        ];
        self.run(&args, password.as_deref(), None).await.map(drop)
    }

    /// The migration versions recorded in a custom-format archive, read
    /// without a database; `None` when it has no migrations table (not a
    /// govhall backup). An unreadable archive is an error.
    pub async fn archived_versions(&self, file: &Path) -> Result<Option<Vec<i64>>> {
        let args = vec![
            "--data-only".to_owned(),
            format!("--table={}", store::backup::MIGRATIONS_TABLE),
            "--file=-".to_owned(),
            file.display().to_string(),
        ];
        let out = self.run(&args, None, None).await?;
        Ok(copied_versions(&String::from_utf8_lossy(&out.stdout)))
    }
}

/// The successful versions in the `COPY … _sqlx_migrations … FROM stdin` block
/// of a plain-text restore script.
fn copied_versions(script: &str) -> Option<Vec<i64>> {
    let mut lines = script.lines();
    lines.find(|l| {
        l.starts_with("COPY ") && l.contains(store::backup::MIGRATIONS_TABLE) && l.ends_with("FROM stdin;")
    })?;
    let mut versions = Vec::new();
    for line in lines.take_while(|l| *l != "\\.") {
        let fields: Vec<&str> = line.split('\t').collect();
        // version, description, installed_on, success, checksum, execution_time
        if fields.get(3) == Some(&"t")
            && let Some(v) = fields.first().and_then(|v| v.parse().ok())
        {
            versions.push(v);
        }
    }
    versions.sort_unstable();
    Some(versions)
}

/// The URL for libpq without its password (answered apart, percent-decoded),
/// and without the query parameters only sqlx knows.
fn libpq_url(url: &str) -> (String, Option<String>) {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut password = None;
    let mut conninfo = base.to_owned();
    if let Some(start) = base.find("://").map(|s| s + 3) {
        let authority_end = base[start..].find('/').map_or(base.len(), |i| start + i);
        if let Some(at) = base[start..authority_end].rfind('@').map(|i| start + i)
            && let Some(colon) = base[start..at].find(':').map(|i| start + i)
        {
            password = Some(percent_decode(&base[colon + 1..at]));
            conninfo = format!("{}{}", &base[..colon], &base[at..]);
        }
    }
    if let Some(q) = query {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|p| !p.is_empty() && !p.split('=').next().unwrap_or("").contains('-'))
            .collect();
        if !kept.is_empty() {
            conninfo.push('?');
            conninfo.push_str(&kept.join("&"));
        }
    }
    (conninfo, password)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn last_lines(bytes: &[u8], n: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url() {
        assert_eq!(
            libpq_url("postgres://u:p%40ss@h:5432/db?sslmode=disable&statement-cache-capacity=0"),
            (
                "postgres://u@h:5432/db?sslmode=disable".to_owned(),
                Some("p@ss".to_owned())
            )
        );
        assert_eq!(
            libpq_url("postgres://u@h/db"),
            ("postgres://u@h/db".to_owned(), None)
        );
        assert_eq!(libpq_url("postgres://h/db"), ("postgres://h/db".to_owned(), None));
    }

    #[test]
    fn versions_are_read_from_the_copy_block() {
        let script = "SET x;\nCOPY public._sqlx_migrations (version, description, installed_on, success, checksum, execution_time) FROM stdin;\n\
                      2\tqueue\t2026-11-01\tt\t\\\\x00\t1\n1\tfoundation\t2026-11-01\tt\t\\\\x00\t1\n3\tbroken\t2026-11-01\tf\t\\\\x00\t1\n\\.\n";
        assert_eq!(copied_versions(script), Some(vec![1, 2]));
        assert_eq!(copied_versions("SET x;\n"), None);
    }
}
