//! Configuration: defaults < TOML file < GOVHALL_* environment < `--set` flags
//! (and the commands' own flags such as `--database` and `--listen` last).
//! Loaded through figment; every field can come from any layer.

mod explain;
mod sources;
#[cfg(test)]
mod tests;

pub use sources::Sources;

use anyhow::Result;
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    /// `text` or `json` log lines.
    pub log_format: String,
    pub log_level: String,
    pub settings: app::Settings,
    /// Where the values came from, lowest first (“默认值”, “配置文件 …”, “环境变量 …”).
    pub origins: Vec<String>,
    /// Notes for the log once it is set up (an old file layout).
    pub warnings: Vec<String>,
}

/// The file's layout: the top-level keys, then one table per section.
#[derive(Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Layout {
    database_url: String,
    listen: String,
    log_format: String,
    log_level: String,
    hall: app::settings::HallSettings,
    security: app::settings::SecuritySettings,
    queue: app::settings::QueueSettings,
    appointments: app::settings::AppointmentSettings,
    evaluation: app::settings::EvaluationSettings,
    cases: app::settings::CaseSettings,
    hours: app::settings::HoursSettings,
    sharing: app::settings::SharingSettings,
}

impl Default for Layout {
    fn default() -> Self {
        let s = app::Settings::default();
        Layout {
            database_url: "sqlite://govhall.db".into(),
            listen: "127.0.0.1:8080".into(),
            log_format: "text".into(),
            log_level: "info,sqlx=warn".into(),
            hall: s.hall,
            security: s.security,
            queue: s.queue,
            appointments: s.appointments,
            evaluation: s.evaluation,
            cases: s.cases,
            hours: s.hours,
            sharing: s.sharing,
        }
    }
}

impl From<Layout> for Config {
    fn from(l: Layout) -> Config {
        Config {
            database_url: l.database_url,
            listen: l.listen,
            log_format: l.log_format,
            log_level: l.log_level,
            settings: app::Settings {
                hall: l.hall,
                security: l.security,
                queue: l.queue,
                appointments: l.appointments,
                evaluation: l.evaluation,
                cases: l.cases,
                hours: l.hours,
                sharing: l.sharing,
            },
            origins: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

impl From<&Config> for Layout {
    fn from(c: &Config) -> Layout {
        let s = c.settings.clone();
        Layout {
            database_url: c.database_url.clone(),
            listen: c.listen.clone(),
            log_format: c.log_format.clone(),
            log_level: c.log_level.clone(),
            hall: s.hall,
            security: s.security,
            queue: s.queue,
            appointments: s.appointments,
            evaluation: s.evaluation,
            cases: s.cases,
            hours: s.hours,
            sharing: s.sharing,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Layout::default().into()
    }
}

/// The database URL's password is never printed.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &crate::backend::redact(&self.database_url))
            .field("listen", &self.listen)
            .field("log_format", &self.log_format)
            .field("log_level", &self.log_level)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// This process's configuration (see [`Sources::of_process`]).
    pub fn load(cli: &crate::cli::Cli) -> Result<Config> {
        Config::load_from(&Sources::of_process(cli.config.clone(), cli.set.clone()))
    }

    /// Defaults < file < environment < `--set`, then checked: an error names
    /// the key and where its value came from, never a secret's value.
    pub fn load_from(sources: &Sources) -> Result<Config> {
        let defaults = figment::value::Value::serialize(Layout::default())
            .map_err(explain::figment)?
            .into_dict()
            .unwrap_or_default();
        let mut origins = vec!["默认值".to_owned()];
        let mut warnings = Vec::new();
        let mut figment = Figment::from(sources::Layer {
            name: "默认值".into(),
            dict: defaults.clone(),
        });
        if let Some(path) = &sources.file {
            let (layer, note) = sources::file_layer(path)?;
            origins.push(layer.name.clone());
            warnings.extend(note);
            figment = figment.merge(layer);
        }
        let vars = sources::env_vars(&sources.env, &defaults)?;
        let flags = sources::set_flags(&sources.sets, &defaults)?;
        for var in vars.into_iter().chain(flags) {
            origins.push(var.name.clone());
            figment = figment.merge(var);
        }
        let layout: Layout = figment.extract_lossy().map_err(explain::figment)?;
        let mut config = Config::from(layout);
        config.origins = origins;
        config.warnings = warnings;
        let from = |key: &str| {
            figment
                .find_metadata(key)
                .map_or_else(|| "默认值".to_owned(), |m| m.name.to_string())
        };
        if let Err(e) = config.settings.validate() {
            anyhow::bail!("配置项 {e}（来源：{}）", from(e.key));
        }
        if !matches!(config.log_format.as_str(), "text" | "json") {
            anyhow::bail!(
                "配置项 log_format 应为 text 或 json（来源：{}）",
                from("log_format")
            );
        }
        Ok(config)
    }

    /// The effective configuration as TOML, for `govhall config`: the data key
    /// and the sharing exchange's token shown as `***`, the database password too.
    pub fn show(&self) -> Result<String> {
        let mut layout = Layout::from(self);
        layout.database_url = crate::backend::redact(&self.database_url);
        layout.security.data_key = app::settings::Secret::from("***");
        if !layout.sharing.token.expose().is_empty() {
            layout.sharing.token = app::settings::Secret::from("***");
        }
        let mut text = String::from("# govhall 生效配置（密钥显示为 ***）\n");
        text.push_str(&format!("# 来源（后者优先）：{}\n", self.origins.join(" < ")));
        text.push_str(&toml::to_string(&layout)?);
        Ok(text)
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
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
    tracing::debug!(?config, "配置已加载");
}
