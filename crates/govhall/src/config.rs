//! Configuration: defaults < TOML file < GOVHALL_* environment < flags.

use crate::cli::Cli;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    /// `text` or `json` log lines.
    pub log_format: String,
    pub log_level: String,
    #[serde(rename = "hall")]
    pub settings: app::Settings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://govhall.db".into(),
            listen: "127.0.0.1:8080".into(),
            log_format: "text".into(),
            log_level: "info,sqlx=warn".into(),
            settings: app::Settings::default(),
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_parse<T: std::str::FromStr>(name: &str, slot: &mut T) -> Result<()> {
    if let Some(v) = env(name) {
        *slot = v
            .parse()
            .map_err(|_| anyhow::anyhow!("环境变量 {name}=“{v}” 无效"))?;
    }
    Ok(())
}

impl Config {
    pub fn load(cli: &Cli) -> Result<Config> {
        let default_file = Path::new("govhall.toml");
        let file = cli
            .config
            .clone()
            .or_else(|| default_file.exists().then(|| default_file.to_path_buf()));
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("无法读取配置文件 {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("配置文件 {} 格式错误", path.display()))?
            }
            None => Config::default(),
        };
        if let Some(v) = env("GOVHALL_DATABASE_URL") {
            config.database_url = v;
        }
        if let Some(v) = env("GOVHALL_LISTEN") {
            config.listen = v;
        }
        if let Some(v) = env("GOVHALL_LOG_FORMAT") {
            config.log_format = v;
        }
        if let Some(v) = env("GOVHALL_LOG") {
            config.log_level = v;
        }
        let s = &mut config.settings;
        if let Some(v) = env("GOVHALL_HALL_NAME") {
            s.hall.name = v;
        }
        if let Some(v) = env("GOVHALL_TIME_ZONE") {
            s.hall.time_zone = v;
        }
        if let Some(v) = env("GOVHALL_DATA_KEY") {
            s.security.data_key = v.into();
        }
        env_parse("GOVHALL_FAIRNESS_BOUND", &mut s.queue.fairness_bound)?;
        if let Some(v) = env("GOVHALL_RATE_LIMIT") {
            s.security.rate_limit = match v.to_ascii_lowercase().as_str() {
                "off" | "false" | "0" | "no" => false,
                "on" | "true" | "1" | "yes" => true,
                _ => anyhow::bail!("环境变量 GOVHALL_RATE_LIMIT=“{v}” 无效：应为 on 或 off"),
            };
        }
        env_parse(
            "GOVHALL_TICKETS_PER_MINUTE",
            &mut s.queue.tickets_per_minute_per_client,
        )?;
        env_parse(
            "GOVHALL_MAX_LIVE_TICKETS",
            &mut s.queue.max_live_tickets_per_person,
        )?;
        env_parse("GOVHALL_SESSION_HOURS", &mut s.security.session_hours)?;
        env_parse("GOVHALL_API_TOKEN_DAYS", &mut s.security.api_token_days)?;
        env_parse("GOVHALL_LOGIN_MAX_FAILURES", &mut s.security.login_max_failures)?;
        env_parse(
            "GOVHALL_LOGIN_WINDOW_MINUTES",
            &mut s.security.login_window_minutes,
        )?;
        env_parse(
            "GOVHALL_LOGIN_MAX_FAILURES_PER_ADDRESS",
            &mut s.security.login_max_failures_per_address,
        )?;
        env_parse("GOVHALL_LOOKUP_MAX_FAILURES", &mut s.security.lookup_max_failures)?;
        env_parse(
            "GOVHALL_LOOKUP_MAX_FAILURES_PER_ADDRESS",
            &mut s.security.lookup_max_failures_per_address,
        )?;
        env_parse(
            "GOVHALL_LOOKUP_WINDOW_MINUTES",
            &mut s.security.lookup_window_minutes,
        )?;
        env_parse("GOVHALL_PAGE_SIZE", &mut s.hall.page_size)?;
        config.settings.validate()?;
        if !matches!(config.log_format.as_str(), "text" | "json") {
            anyhow::bail!("log_format 应为 text 或 json");
        }
        Ok(config)
    }

    /// The database a command uses: its `--database` flag, else the configured one.
    pub fn database(&self, flag: &crate::cli::DatabaseArg) -> String {
        flag.database.clone().unwrap_or_else(|| self.database_url.clone())
    }
}

pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
