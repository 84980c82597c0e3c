//! Where configuration comes from: the TOML file (the old flat `[hall]` layout
//! moved to the sections), GOVHALL_* variables (canonical names and the
//! documented aliases; others ignored) and `--set KEY=VALUE` flags. Each
//! becomes a figment provider named for the administrator (“环境变量 GOVHALL_…”),
//! so an error or `govhall config` can say where a value came from.

use anyhow::{Context, Result, anyhow, bail};
use figment::value::{Dict, Map, Value};
use figment::{Error, Metadata, Profile, Provider};
use std::path::{Path, PathBuf};

/// The variables documented before the sections existed, and where each goes.
/// Each keeps working; `GOVHALL_<SECTION>__<FIELD>` wins when both are set.
pub const ALIASES: &[(&str, &str)] = &[
    ("GOVHALL_DATABASE_URL", "database_url"),
    ("GOVHALL_LISTEN", "listen"),
    ("GOVHALL_LOG", "log_level"),
    ("GOVHALL_LOG_FORMAT", "log_format"),
    ("GOVHALL_HALL_NAME", "hall.name"),
    ("GOVHALL_TIME_ZONE", "hall.time_zone"),
    ("GOVHALL_PAGE_SIZE", "hall.page_size"),
    ("GOVHALL_SESSION_HOURS", "security.session_hours"),
    ("GOVHALL_API_TOKEN_DAYS", "security.api_token_days"),
    ("GOVHALL_LOGIN_MAX_FAILURES", "security.login_max_failures"),
    ("GOVHALL_LOGIN_WINDOW_MINUTES", "security.login_window_minutes"),
    (
        "GOVHALL_LOGIN_MAX_FAILURES_PER_ADDRESS",
        "security.login_max_failures_per_address",
    ),
    ("GOVHALL_LOOKUP_MAX_FAILURES", "security.lookup_max_failures"),
    (
        "GOVHALL_LOOKUP_MAX_FAILURES_PER_ADDRESS",
        "security.lookup_max_failures_per_address",
    ),
    ("GOVHALL_LOOKUP_WINDOW_MINUTES", "security.lookup_window_minutes"),
    ("GOVHALL_DATA_KEY", "security.data_key"),
    ("GOVHALL_RATE_LIMIT", "security.rate_limit"),
    ("GOVHALL_FAIRNESS_BOUND", "queue.fairness_bound"),
    ("GOVHALL_OPENING_HOURS", "hours.enabled"),
    ("GOVHALL_MAX_LIVE_TICKETS", "queue.max_live_tickets_per_person"),
    (
        "GOVHALL_TICKETS_PER_MINUTE",
        "queue.tickets_per_minute_per_client",
    ),
];

/// The keys of the old flat `[hall]` table that now live elsewhere (or under
/// another name). `time_zone`, `page_size` and `public_url` kept theirs.
const LEGACY_HALL_KEYS: &[(&str, &str)] = &[
    ("hall_name", "hall.name"),
    ("hall_code", "hall.code"),
    ("session_hours", "security.session_hours"),
    ("api_token_days", "security.api_token_days"),
    ("login_max_failures", "security.login_max_failures"),
    ("login_window_minutes", "security.login_window_minutes"),
    (
        "login_max_failures_per_address",
        "security.login_max_failures_per_address",
    ),
    ("lookup_max_failures", "security.lookup_max_failures"),
    (
        "lookup_max_failures_per_address",
        "security.lookup_max_failures_per_address",
    ),
    ("lookup_window_minutes", "security.lookup_window_minutes"),
    ("data_key", "security.data_key"),
    ("rate_limit", "security.rate_limit"),
    ("fairness_bound", "queue.fairness_bound"),
    ("max_live_tickets_per_person", "queue.max_live_tickets_per_person"),
    (
        "tickets_per_minute_per_client",
        "queue.tickets_per_minute_per_client",
    ),
    ("requeue_minutes", "queue.requeue_minutes"),
    ("booking", "appointments.booking"),
    (
        "max_open_home_visits_per_phone",
        "appointments.max_open_home_visits_per_phone",
    ),
    ("pad_rating_minutes", "evaluation.pad_rating_minutes"),
    ("rectification_days", "evaluation.rectification_days"),
    ("amber_days", "cases.amber_days"),
];

/// Everything outside the program that configuration is read from (no
/// `Debug`: the variables may hold the data key).
#[derive(Clone, Default)]
pub struct Sources {
    /// The TOML file, if any.
    pub file: Option<PathBuf>,
    /// The GOVHALL_* variables (others may be present: they are skipped).
    pub env: Vec<(String, String)>,
    /// `--set KEY=VALUE` flags, in order.
    pub sets: Vec<String>,
}

impl Sources {
    /// This process: `--config FILE` (or GOVHALL_CONFIG), else ./govhall.toml
    /// when it exists; the environment; the `--set` flags.
    pub fn of_process(config: Option<PathBuf>, sets: Vec<String>) -> Sources {
        let default_file = Path::new("govhall.toml");
        let file = config.or_else(|| default_file.exists().then(|| default_file.to_path_buf()));
        let env = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with("GOVHALL_"))
            .collect();
        Sources { file, env, sets }
    }
}

/// One layer of configuration under the name it is reported by.
pub struct Layer {
    pub name: String,
    pub dict: Dict,
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        Ok(Profile::Default.collect(self.dict.clone()))
    }
}

/// Reads the TOML file into a layer, moving the keys of the old flat `[hall]`
/// table to their sections. Returns the layer and a deprecation note, if any.
pub fn file_layer(path: &Path) -> Result<(Layer, Option<String>)> {
    let name = format!("配置文件 {}", path.display());
    let text = std::fs::read_to_string(path).with_context(|| format!("无法读取{name}"))?;
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| {
        // The message and position only: the offending line could hold the data key.
        let (line, column) = e.span().map(|s| position(&text, s.start)).unwrap_or((0, 0));
        anyhow!(
            "{name} 格式错误（第{line}行第{column}列）：{}",
            e.message().trim()
        )
    })?;
    let moved = move_legacy_keys(&mut table).with_context(|| format!("{name} 有误"))?;
    let note = (!moved.is_empty()).then(|| {
        format!(
            "{name} 使用旧的平铺 [hall] 格式（{}），已按新的分节读取；请改为 [security]、[queue] 等分节（见 README）",
            moved.join("、")
        )
    });
    let dict = Value::serialize(&table)
        .map_err(|e| anyhow!("{name}：{e}"))?
        .into_dict()
        .unwrap_or_default();
    Ok((Layer { name, dict }, note))
}

fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Moves `[hall] session_hours = 10` to `[security] session_hours = 10` and so
/// on; the keys moved, as they were written (`hall.session_hours`).
fn move_legacy_keys(table: &mut toml::Table) -> Result<Vec<String>> {
    let Some(toml::Value::Table(hall)) = table.get_mut("hall") else {
        return Ok(Vec::new());
    };
    let mut taken = Vec::new();
    for (old, new) in LEGACY_HALL_KEYS {
        if let Some(value) = hall.remove(*old) {
            taken.push((*old, *new, value));
        }
    }
    let mut moved = Vec::new();
    for (old, new, value) in taken {
        let (section, field) = new.split_once('.').unwrap_or(("hall", new));
        let slot = table
            .entry(section)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(slot) = slot else {
            bail!("{section} 应为表（[{section}]）");
        };
        if slot.contains_key(field) {
            bail!("hall.{old} 与 {new} 重复：请只保留 {new}");
        }
        slot.insert(field.to_owned(), value);
        moved.push(format!("hall.{old}"));
    }
    Ok(moved)
}

/// A value from one variable or flag, at one path.
pub struct Var {
    /// “环境变量 GOVHALL_X” or “命令行 --set x.y”.
    pub name: String,
    pub path: String,
    pub value: Value,
}

impl Provider for Var {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let dict = figment::util::nest(&self.path, self.value.clone())
            .into_dict()
            .unwrap_or_default();
        Ok(Profile::Default.collect(dict))
    }
}

/// The path a variable sets, or `None` when it is not configuration
/// (GOVHALL_CONFIG, GOVHALL_PASSWORD, GOVHALL_TEST_POSTGRES…).
/// `defaults` tells the top-level keys and sections apart.
fn path_of(name: &str, defaults: &Dict) -> Option<String> {
    if let Some((_, path)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
        return Some((*path).to_owned());
    }
    let rest = name.strip_prefix("GOVHALL_")?.to_ascii_lowercase();
    match rest.split_once("__") {
        // GOVHALL_QUEUE__FAIRNESS_BOUND, GOVHALL_APPOINTMENTS__BOOKING__CAPACITY
        Some((section, fields)) => match defaults.get(section) {
            Some(Value::Dict(..)) if !fields.is_empty() => {
                Some(format!("{section}.{}", fields.replace("__", ".")))
            }
            _ => None,
        },
        // GOVHALL_LOG_LEVEL and the other top-level keys
        None => match defaults.get(&rest) {
            Some(Value::Dict(..)) | None => None,
            Some(_) => Some(rest),
        },
    }
}

/// Aliases first, then canonical names, so that the canonical name wins.
pub fn env_vars(env: &[(String, String)], defaults: &Dict) -> Result<Vec<Var>> {
    let mut found: Vec<(bool, &str, String, &str)> = env
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .filter_map(|(name, value)| {
            let alias = ALIASES.iter().any(|(a, _)| a == name);
            Some((!alias, name.as_str(), path_of(name, defaults)?, value.as_str()))
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(_, name, path, text)| {
            let name = format!("环境变量 {name}");
            let value = value_for(&path, text, defaults).with_context(|| name.clone())?;
            Ok(Var { name, path, value })
        })
        .collect()
}

/// `--set queue.fairness_bound=5`, in the order given (the last one wins).
pub fn set_flags(sets: &[String], defaults: &Dict) -> Result<Vec<Var>> {
    sets.iter()
        .map(|set| {
            let Some((key, text)) = set.split_once('=') else {
                bail!("--set {set}：应为 KEY=VALUE，例如 --set queue.fairness_bound=5");
            };
            let path = key.trim().to_ascii_lowercase();
            if path.is_empty() || path.split('.').any(str::is_empty) {
                bail!("--set {set}：配置项名称无效");
            }
            let name = format!("命令行 --set {path}");
            let value = value_for(&path, text.trim(), defaults).with_context(|| name.clone())?;
            Ok(Var { name, path, value })
        })
        .collect()
}

/// Text stays text (numbers and on/off are read when the field wants them);
/// a field whose default is an array or a table takes TOML syntax, e.g.
/// `[["08:30", "12:00"]]`.
fn value_for(path: &str, text: &str, defaults: &Dict) -> Result<Value> {
    let structured = Value::Dict(Default::default(), defaults.clone())
        .find(path)
        .is_some_and(|v| matches!(v, Value::Array(..) | Value::Dict(..)));
    if !structured {
        return Ok(Value::from(text.to_owned()));
    }
    let parsed: toml::Table = toml::from_str(&format!("value = {text}"))
        .map_err(|e| anyhow!("{path} 的值应为 TOML 数组或表：{}", e.message().trim()))?;
    let value = parsed
        .get("value")
        .cloned()
        .unwrap_or(toml::Value::Boolean(false));
    Value::serialize(value).map_err(|e| anyhow!("{path}：{e}"))
}
