//! Command-line interface.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "govhall", version, about = "govhall 政务服务大厅平台")]
pub struct Cli {
    /// TOML configuration file (default: ./govhall.toml when it exists).
    #[arg(long, global = true, env = "GOVHALL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Sets one configuration value over the file and the environment, e.g.
    /// `--set queue.fairness_bound=5` (repeatable; see `govhall config`).
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// `--database URL`: sqlite://PATH (default sqlite://govhall.db) or postgres://…
#[derive(Args, Debug, Clone, Default)]
pub struct DatabaseArg {
    #[arg(long = "database", value_name = "URL")]
    pub database: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Runs the hall's web server.
    Serve {
        #[command(flatten)]
        db: DatabaseArg,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Fills an empty hall with the demo catalog and accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Creates (if needed) and migrates the database.
    Migrate {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Writes a consistent copy of the database while the server keeps running (备份).
    Backup {
        #[command(flatten)]
        db: DatabaseArg,
        /// The backup file to write (SQLite file, or pg_dump custom format for PostgreSQL).
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// Replace FILE when it already exists.
        #[arg(long)]
        force: bool,
    },
    /// Loads a backup into an empty database, then migrates it forward (恢复).
    Restore {
        #[command(flatten)]
        db: DatabaseArg,
        /// A file written by `govhall backup`.
        file: PathBuf,
    },
    /// The service catalog (事项清单).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// The working-day calendar (工作日历).
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Accounts (账号).
    #[command(subcommand)]
    User(UserCommand),
    /// Departments (进驻部门).
    #[command(subcommand)]
    Department(DepartmentCommand),
    /// Prints the effective configuration as TOML (secrets shown as ***) and where it came from.
    Config,
    /// Prints the OpenAPI document.
    Openapi,
    /// Benchmarks against a running server (not tests).
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Opens many display streams, makes calls and measures call → display latency.
    Display {
        /// The running server, e.g. http://127.0.0.1:8080 (started with GOVHALL_RATE_LIMIT=off).
        #[arg(long)]
        url: String,
        /// Bearer token of a user allowed at the window (admin).
        #[arg(long, env = "GOVHALL_TOKEN")]
        token: String,
        #[arg(long, default_value_t = 1000)]
        streams: usize,
        #[arg(long, default_value_t = 50)]
        calls: usize,
        #[arg(long, default_value = "1")]
        window: String,
        #[arg(long, default_value = "A")]
        category: String,
    },
    /// Fills a database with synthetic evaluations and times the monthly
    /// satisfaction report grouped by window (from the rollup) and the check
    /// against the raw records.
    Evaluations {
        #[command(flatten)]
        db: DatabaseArg,
        /// Evaluations to generate first (0: use what is there).
        #[arg(long, default_value_t = 10_000_000)]
        count: i64,
        /// Spread over this many days from 2024-01-01.
        #[arg(long, default_value_t = 1096)]
        days: i64,
        /// The month to report, YYYY-MM.
        #[arg(long, default_value = "2026-10")]
        month: String,
    },
    /// Fills a database with synthetic cases (办件) and times a department's
    /// work list, the month's ledger figures, the overdue list and a ledger page.
    Cases {
        #[command(flatten)]
        db: DatabaseArg,
        /// Cases to generate first (0: use what is there).
        #[arg(long, default_value_t = 5_000_000)]
        count: i64,
        /// Spread over this many days up to today.
        #[arg(long, default_value_t = 1096)]
        days: i64,
        /// The month to report, YYYY-MM.
        #[arg(long, default_value = "2026-10")]
        month: String,
    },
    /// Fills a database with synthetic complaints (and, with them, what the
    /// other supervision benchmarks need) and times the 督查科's lists.
    Supervision {
        #[command(flatten)]
        db: DatabaseArg,
        /// Complaints to generate first (0: use what is there).
        #[arg(long, default_value_t = 1_000_000)]
        complaints: i64,
        /// Inspections to generate first, each with 11 checklist results (0: use what is there).
        #[arg(long, default_value_t = 1_000_000)]
        inspections: i64,
        /// Tickets with phone marks to generate first, for the scalper detection (0: none).
        #[arg(long, default_value_t = 0)]
        tickets: i64,
        /// Spread over this many days up to today.
        #[arg(long, default_value_t = 1096)]
        days: i64,
        /// The month to list, YYYY-MM.
        #[arg(long, default_value = "2026-10")]
        month: String,
    },
    /// Fills a database with a province-sized roster (windows, staff,
    /// departments) and its evaluations, then times scoring a month from the
    /// records, freezing it, and reading the frozen month (issue 16).
    Assessment {
        #[command(flatten)]
        db: DatabaseArg,
        /// Evaluations to generate first (0: use what is there).
        #[arg(long, default_value_t = 10_000_000)]
        evaluations: i64,
        /// Windows to create first (0: use what is there).
        #[arg(long, default_value_t = 2000)]
        windows: i64,
        /// Staff per window.
        #[arg(long, default_value_t = 5)]
        per_window: i64,
        #[arg(long, default_value_t = 100)]
        departments: i64,
        /// Spread over this many days from 2024-01-01.
        #[arg(long, default_value_t = 1096)]
        days: i64,
        /// The month to score, YYYY-MM.
        #[arg(long, default_value = "2026-10")]
        month: String,
    },
    /// Sends requests at a fixed rate (open loop) and reports latency percentiles,
    /// counted from when each request was due so a stalled server cannot hide.
    Rate {
        #[arg(long)]
        url: String,
        /// Bearer token of an admin (needed for calls).
        #[arg(long, env = "GOVHALL_TOKEN", default_value = "")]
        token: String,
        /// take (kiosk tickets), call (windows 1..=windows calling) or evaluate
        /// (online evaluations of tickets finished first) or accept (办件 acceptance).
        #[arg(long, default_value = "take")]
        kind: String,
        /// Requests per second.
        #[arg(long, default_value_t = 1000)]
        rate: u32,
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        /// Windows taking turns to call (numbers 1..=N).
        #[arg(long, default_value_t = 5)]
        windows: u32,
    },
    // issue 17: smart guide (智能导办)
    /// Times the smart guide (智能导办) in-process over the demo catalog (p50/p99
    /// per question) and scores a question file (`split<TAB>codes|NONE<TAB>question`).
    Guide {
        /// The questions (default: the test set shipped in the domain crate's tests).
        #[arg(long)]
        questions: Option<std::path::PathBuf>,
        /// Times every question this many times.
        #[arg(long, default_value_t = 50)]
        rounds: usize,
    },
    // issue 18: staffing planner (动态调整窗口)
    /// Times the staffing plan of one day (forecast from the database, Erlang C
    /// and the simulation), first generating a modest history of the same
    /// weekday for the bench categories when the database has none.
    Staffing {
        #[command(flatten)]
        db: DatabaseArg,
        /// Categories to plan (bench categories QA, QB, … are created as needed).
        #[arg(long, default_value_t = 20)]
        categories: usize,
        /// Tickets per history day to generate when a day has none (0: generate nothing).
        #[arg(long, default_value_t = 1500)]
        per_day: usize,
        /// The day to plan, YYYY-MM-DD (default: the next Tuesday).
        #[arg(long)]
        date: Option<String>,
        /// Times the plan this many times.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    // issue 18: reports
    /// Times the hall's summary of a month (月报, `GET /api/reports/summary`) and
    /// of each of its parts over an existing database (fill it with the
    /// supervision, cases and evaluations benchmarks first).
    Summary {
        #[command(flatten)]
        db: DatabaseArg,
        /// The month to report, YYYY-MM.
        #[arg(long, default_value = "2026-10")]
        month: String,
        /// A whole year instead (YYYY).
        #[arg(long)]
        year: Option<i16>,
        /// Time the XLSX and the PDF too.
        #[arg(long)]
        documents: bool,
    },
    // issue 18: dashboard
    /// Times 指挥中心 (`GET /api/dashboard`) over a database, after filling it
    /// with synthetic tickets, cases and evaluations spread over the days up to today.
    Dashboard {
        #[command(flatten)]
        db: DatabaseArg,
        /// Tickets to generate first (0: use what is there).
        #[arg(long, default_value_t = 0)]
        tickets: i64,
        /// Cases to generate first (0: use what is there).
        #[arg(long, default_value_t = 0)]
        cases: i64,
        /// Evaluations to generate first (0: use what is there).
        #[arg(long, default_value_t = 0)]
        evaluations: i64,
        /// Spread over this many days up to today.
        #[arg(long, default_value_t = 1096)]
        days: i64,
        /// Timed runs of each measurement.
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum CatalogCommand {
    /// Imports JSON (catalog.json / bundles.json format) or XLSX files as one new version.
    Import {
        #[command(flatten)]
        db: DatabaseArg,
        /// One or more files: items, bundles, or a workbook.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Keep the new version as a draft instead of publishing it.
        #[arg(long)]
        draft: bool,
    },
    /// Exports the published catalog.
    Export {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// For JSON: items (catalog.json format) or bundles (bundles.json format).
        #[arg(long, value_enum, default_value_t = Part::Items)]
        part: Part,
        /// A version id instead of the published one.
        #[arg(long)]
        version: Option<i64>,
    },
    /// Lists catalog versions.
    Versions {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Publishes a version.
    Publish {
        #[command(flatten)]
        db: DatabaseArg,
        version: i64,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    Json,
    Xlsx,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Part {
    Items,
    Bundles,
}

#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
    /// Prints `YYYY-MM-DD<TAB>1|0` for each day (1 = working day).
    Days {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// Prints the deadline of N working days from a date (the date itself not counted).
    Deadline {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        from: String,
        #[arg(long)]
        days: u32,
    },
    /// Loads whole years from a TSV file in the official format.
    Import {
        #[command(flatten)]
        db: DatabaseArg,
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Adds an account; the password comes from GOVHALL_PASSWORD or standard input.
    Add {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["admin", "staff", "supervisor", "leader", "liaison"])]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
        /// 所属部门: a department's code (required for a liaison).
        #[arg(long, value_name = "CODE")]
        department: Option<String>,
    },
    /// Sets or clears an account's department (所属部门).
    Department {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        username: String,
        /// The department's code; leave out to clear it.
        #[arg(long, value_name = "CODE")]
        department: Option<String>,
    },
    /// Sets a new password (GOVHALL_PASSWORD or standard input).
    Password {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        username: String,
    },
    /// Lists accounts.
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum DepartmentCommand {
    /// Registers a department.
    Add {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    /// Lists departments.
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
}
