//! Hall settings (大厅参数) the use cases need. Loaded by the binary from
//! defaults < TOML file < GOVHALL_* environment.

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The hall's name as shown on pages and prints.
    pub hall_name: String,
    /// IANA time zone for business dates, "today" and deadlines.
    pub time_zone: String,
    /// Hours a browser session lasts.
    pub session_hours: i64,
    /// Days an API token lasts.
    pub api_token_days: i64,
    /// Failed logins to one account from one address within `login_window_minutes`
    /// before that address is refused for the account (never locked for everyone).
    pub login_max_failures: i64,
    pub login_window_minutes: i64,
    /// Failed logins from one address to any accounts within the window before
    /// the address is refused (password spraying).
    pub login_max_failures_per_address: i64,
    /// Wrong guesses at a public lookup (case progress, appointment) for one
    /// case number or code within `lookup_window_minutes` before it is refused.
    pub lookup_max_failures: i64,
    /// Wrong public lookups from one address within the window before it is refused.
    pub lookup_max_failures_per_address: i64,
    pub lookup_window_minutes: i64,
    /// Items per page in lists, unless a caller asks otherwise.
    pub page_size: usize,
    /// Secret for the keyed hashes of ID numbers and phones (and, later, their
    /// encryption). Every production hall sets its own.
    pub data_key: Secret,
    /// How many green-channel calls may pass one waiting ticket (公平上限).
    pub fairness_bound: u32,
    /// Live tickets one person (ID number or phone) may hold per category and day.
    pub max_live_tickets_per_person: i64,
    /// Request rate limits per client address (off only for load tests).
    pub rate_limit: bool,
    /// Tickets one kiosk or client address may take per minute.
    pub tickets_per_minute_per_client: u32,
    /// Minutes after 过号 in which the citizen may put the ticket back in line.
    pub requeue_minutes: i64,
    /// Appointment book (预约): periods, slot length, capacity, limits.
    pub booking: domain::appointment::BookingRules,
    /// Open 上门服务 requests (requested or scheduled) one phone may hold.
    pub max_open_home_visits_per_phone: i64,
    /// Minutes after a ticket is finished in which the window's pad asks to rate it.
    pub pad_rating_minutes: i64,
    /// Working days to rectify a 差评 (整改期限; some provinces use 15).
    pub rectification_days: u32,
    /// The address citizens reach the hall's site at, for links sent by SMS.
    pub public_url: String,
    /// The hall's code at the start of case numbers (DH20261130-0001).
    pub hall_code: String,
    /// A case turns amber when this many working days or fewer remain.
    pub amber_days: u32,
}

/// A secret from the configuration: read as a `&str`, never printed
/// (`Debug` shows `***`), so a logged configuration does not leak it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl std::ops::Deref for Secret {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

/// The development key: a hall that keeps it is warned at start.
pub const DEVELOPMENT_DATA_KEY: &str = "govhall-development-key-change-me";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            hall_name: "东海县政务服务中心".into(),
            time_zone: "Asia/Shanghai".into(),
            session_hours: 10,
            api_token_days: 30,
            login_max_failures: 5,
            login_window_minutes: 15,
            login_max_failures_per_address: 20,
            lookup_max_failures: 10,
            lookup_max_failures_per_address: 30,
            lookup_window_minutes: 60,
            page_size: 20,
            data_key: Secret::from(DEVELOPMENT_DATA_KEY),
            fairness_bound: 3,
            max_live_tickets_per_person: 1,
            rate_limit: true,
            tickets_per_minute_per_client: 60,
            requeue_minutes: 30,
            booking: domain::appointment::BookingRules::default(),
            max_open_home_visits_per_phone: 2,
            pad_rating_minutes: 3,
            rectification_days: 5,
            public_url: "http://127.0.0.1:8080".into(),
            hall_code: "DH".into(),
            amber_days: 2,
        }
    }
}

impl Settings {
    /// The configured zone; an unknown name falls back to Asia/Shanghai
    /// (the binary refuses such a configuration at start).
    pub fn time_zone(&self) -> TimeZone {
        TimeZone::get(&self.time_zone)
            .or_else(|_| TimeZone::get("Asia/Shanghai"))
            .unwrap_or(TimeZone::fixed(jiff::tz::offset(8)))
    }

    pub fn validate(&self) -> Result<(), String> {
        TimeZone::get(&self.time_zone).map_err(|e| format!("time_zone“{}”无效：{e}", self.time_zone))?;
        if self.session_hours <= 0 || self.api_token_days <= 0 {
            return Err("session_hours 与 api_token_days 须大于0".into());
        }
        if self.login_max_failures <= 0 || self.login_window_minutes <= 0 {
            return Err("login_max_failures 与 login_window_minutes 须大于0".into());
        }
        if self.login_max_failures_per_address <= 0
            || self.lookup_max_failures <= 0
            || self.lookup_max_failures_per_address <= 0
            || self.lookup_window_minutes <= 0
        {
            return Err("登录与查询的限流参数须大于0".into());
        }
        if self.data_key.len() < 16 {
            return Err("data_key 至少16个字符".into());
        }
        if self.fairness_bound == 0 || self.max_live_tickets_per_person <= 0 {
            return Err("fairness_bound 与 max_live_tickets_per_person 须大于0".into());
        }
        if self.max_open_home_visits_per_phone <= 0 {
            return Err("max_open_home_visits_per_phone 须大于0".into());
        }
        if self.pad_rating_minutes <= 0 {
            return Err("pad_rating_minutes 须大于0".into());
        }
        if self.rectification_days == 0 || self.rectification_days > 60 {
            return Err("rectification_days 须在1至60之间".into());
        }
        if self.page_size == 0 || self.page_size > 500 {
            return Err("page_size 须在1至500之间".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_key_is_never_printed() {
        let s = Settings {
            data_key: Secret::from("a-very-secret-hall-key"),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("a-very-secret-hall-key"), "{shown}");
        assert!(shown.contains("data_key: \"***\""));
        assert_eq!(s.data_key.expose(), "a-very-secret-hall-key");
    }
}
