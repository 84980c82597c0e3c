//! Hall settings (大厅参数) the use cases need, one section per capability:
//! `hall`, `security`, `queue`, `appointments`, `evaluation`, `cases`.
//! The binary loads them from defaults < TOML file < GOVHALL_* environment < flags;
//! each section has its defaults and its own `validate`.

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// Every setting, by section (`[hall]`, `[security]`… in the TOML file,
/// `GOVHALL_<SECTION>__<FIELD>` in the environment).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub hall: HallSettings,
    pub security: SecuritySettings,
    pub queue: QueueSettings,
    pub appointments: AppointmentSettings,
    pub evaluation: EvaluationSettings,
    pub cases: CaseSettings,
    pub hours: HoursSettings,
    /// 数据共享交换 (issue 17): the provincial exchange's front-end processor, if any.
    pub sharing: SharingSettings,
}

/// The hall itself (大厅): its name, zone, numbering and address.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HallSettings {
    /// 大厅名称: the hall's name as shown on pages and prints.
    pub name: String,
    /// 时区: IANA time zone for business dates, "today" and deadlines.
    pub time_zone: String,
    /// 大厅代码: the code at the start of case numbers (DH20261130-0001).
    pub code: String,
    /// 对外网址: the address citizens reach the hall's site at, for links sent by SMS.
    pub public_url: String,
    /// 每页条数: items per page in lists, unless a caller asks otherwise.
    pub page_size: usize,
    /// 办理地点: the hall's address, the default 办理地点 of every guide.
    pub address: String,
    /// 咨询电话: the hall's enquiry line, the default of every guide.
    pub phone: String,
    /// 监督投诉电话: where complaints go, the default of every guide.
    pub complaint_phone: String,
    /// 投诉答复期限: working days from receipt to the answer to the complainant.
    pub complaint_days: u32,
}

/// Opening hours (办公时间): periods per weekday as "09:00-12:00,13:30-17:30"
/// (empty = closed), dates set apart, and the switch. Outside them the kiosk
/// says 今日不办公 / the next opening, and no ticket is issued.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HoursSettings {
    /// 启用: `off` for tests and 24-hour self-service points
    /// (`GOVHALL_OPENING_HOURS=off`).
    pub enabled: Switch,
    pub monday: String,
    pub tuesday: String,
    pub wednesday: String,
    pub thursday: String,
    pub friday: String,
    /// 周末服务: Saturday's periods when it is a rest day.
    pub saturday: String,
    pub sunday: String,
    /// 特殊日期: "2026-12-24 09:00-20:00" (延时服务) or "2027-01-04 closed".
    pub special: Vec<String>,
}

/// On or off, written as a bool or as on/off (`GOVHALL_OPENING_HOURS=off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Switch(pub bool);

impl<'de> Deserialize<'de> for Switch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Switch, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(b) => Ok(Switch(b)),
            Raw::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                "on" | "true" | "yes" | "1" => Ok(Switch(true)),
                "off" | "false" | "no" | "0" => Ok(Switch(false)),
                other => Err(serde::de::Error::custom(format!("“{other}”应为 on 或 off"))),
            },
        }
    }
}

impl Default for HoursSettings {
    fn default() -> Self {
        let weekday = "09:00-12:00,13:30-17:30".to_owned();
        HoursSettings {
            enabled: Switch(true),
            monday: weekday.clone(),
            tuesday: weekday.clone(),
            wednesday: weekday.clone(),
            thursday: weekday.clone(),
            friday: weekday,
            saturday: String::new(),
            sunday: String::new(),
            special: Vec::new(),
        }
    }
}

impl HoursSettings {
    /// The hours as the domain rule reads them (`validate` has checked them).
    pub fn opening_hours(&self) -> Result<domain::opening_hours::OpeningHours, Invalid> {
        use domain::opening_hours::{OpeningHours, parse_periods};
        let day = |key: &'static str, text: &str| parse_periods(text).map_err(|e| invalid(key, e.0));
        Ok(OpeningHours {
            weekdays: [
                day("hours.monday", &self.monday)?,
                day("hours.tuesday", &self.tuesday)?,
                day("hours.wednesday", &self.wednesday)?,
                day("hours.thursday", &self.thursday)?,
                day("hours.friday", &self.friday)?,
                day("hours.saturday", &self.saturday)?,
                day("hours.sunday", &self.sunday)?,
            ],
            special: self
                .special
                .iter()
                .map(|s| OpeningHours::parse_special(s).map_err(|e| invalid("hours.special", e.0)))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The hours as a guide prints them: 周一至周五 09:00-12:00、13:30-17:30.
    pub fn summary(&self) -> String {
        let days = [
            ("周一", &self.monday),
            ("周二", &self.tuesday),
            ("周三", &self.wednesday),
            ("周四", &self.thursday),
            ("周五", &self.friday),
            ("周六", &self.saturday),
            ("周日", &self.sunday),
        ];
        let mut parts: Vec<(String, String)> = Vec::new();
        for (name, text) in days {
            let Ok(periods) = domain::opening_hours::parse_periods(text) else {
                continue;
            };
            if periods.is_empty() {
                continue;
            }
            let shown = periods
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("、");
            match parts.last_mut() {
                Some((range, last)) if *last == shown => {
                    let first = range.split('至').next().unwrap_or(range).to_owned();
                    *range = format!("{first}至{name}");
                }
                _ => parts.push((name.to_owned(), shown)),
            }
        }
        let mut text = parts
            .into_iter()
            .map(|(d, h)| format!("{d} {h}"))
            .collect::<Vec<_>>()
            .join("；");
        text.push_str("（法定节假日除外）");
        text
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        self.opening_hours().map(|_| ())
    }
}

/// Sign-in, throttles and the data key (安全).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecuritySettings {
    /// 会话时长: hours a browser session lasts.
    pub session_hours: i64,
    /// API 令牌有效期: days an API token lasts.
    pub api_token_days: i64,
    /// 登录失败上限: failed logins to one account from one address within
    /// `login_window_minutes` before that address is refused for the account
    /// (never locked for everyone).
    pub login_max_failures: i64,
    /// 登录失败统计窗口 (minutes).
    pub login_window_minutes: i64,
    /// 单地址登录失败上限: failed logins from one address to any accounts within
    /// the window before the address is refused (password spraying).
    pub login_max_failures_per_address: i64,
    /// 查询失败上限: wrong guesses at a public lookup (case progress, appointment)
    /// for one case number or code within `lookup_window_minutes` before it is refused.
    pub lookup_max_failures: i64,
    /// 单地址查询失败上限: wrong public lookups from one address within the window.
    pub lookup_max_failures_per_address: i64,
    /// 查询失败统计窗口 (minutes).
    pub lookup_window_minutes: i64,
    /// 数据密钥: secret for the keyed hashes and the encryption of ID numbers and
    /// phones. Every production hall sets its own; never printed.
    pub data_key: Secret,
    /// 限流: request rate limits per client address (off only for load tests;
    /// the login and lookup throttles above stay on).
    pub rate_limit: bool,
}

/// The queue (排队叫号).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueSettings {
    /// 公平上限: how many green-channel calls may pass one waiting ticket.
    pub fairness_bound: u32,
    /// 每人在号上限: live tickets one person (ID number or phone) may hold per
    /// category and day.
    pub max_live_tickets_per_person: i64,
    /// 每分钟取号上限: tickets one kiosk or client address may take per minute.
    pub tickets_per_minute_per_client: u32,
    /// 过号重排时限: minutes after 过号 in which the citizen may put the ticket back in line.
    pub requeue_minutes: i64,
    /// 到号提醒: an SMS goes to a ticket's phone when this many remain ahead
    /// of it (0: no reminders). A ticket taken with this many or fewer ahead gets none.
    pub reminder_ahead: u32,
}

/// Appointments (预约) and home visits (上门服务).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppointmentSettings {
    /// 预约规则: periods, slot length, capacity, limits (`[appointments.booking]`).
    pub booking: domain::appointment::BookingRules,
    /// 上门服务上限: open requests (requested or scheduled) one phone may hold.
    pub max_open_home_visits_per_phone: i64,
}

/// Evaluations (好差评).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationSettings {
    /// 评价器评价时限: minutes after a ticket is finished in which the window's pad asks to rate it.
    pub pad_rating_minutes: i64,
    /// 差评整改期限: working days to rectify a bad rating (some provinces use 15).
    pub rectification_days: u32,
}

/// Cases (办件).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseSettings {
    /// 黄灯预警: a case turns amber when this many working days or fewer remain.
    pub amber_days: u32,
    /// 告知承诺核查期限 (issue 17): a commitment is verified within this many
    /// working days of acceptance (1 to 120; default 20).
    pub verification_days: u32,
    // issue 17: online application (网上申报) and pre-review (预审)
    /// 网上申报: the largest file a material may be, in MB.
    pub upload_file_mb: u32,
    /// 网上申报: all files of one submission together, in MB (at most 60).
    pub upload_total_mb: u32,
    /// 预审时限: working days staff have to accept an application or ask for 补正.
    pub review_days: u32,
}

/// 数据共享交换 (issue 17): where govhall asks for records it does not hold
/// itself. Empty `exchange_url`: only the records the administrator imported
/// (the local reference source). Otherwise the exchange is asked after the local
/// records, over the government network (政务外网) through its front-end
/// processor (前置机), by the protocol in `docs/sharing.md`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SharingSettings {
    /// 共享交换前置机地址: `http://host:port/path`, or empty for none.
    pub exchange_url: String,
    /// 接入令牌: sent as `Authorization: Bearer …`; never logged.
    pub token: Secret,
    /// 超时: milliseconds a lookup may take before the material must be handed in (100–30000).
    pub timeout_ms: u64,
}

impl Default for SharingSettings {
    fn default() -> Self {
        SharingSettings {
            exchange_url: String::new(),
            token: Secret::from(""),
            timeout_ms: 3000,
        }
    }
}

impl SharingSettings {
    pub fn validate(&self) -> Result<(), Invalid> {
        let url = self.exchange_url.trim();
        if !url.is_empty() {
            // The front-end processor sits on the government network; TLS is its gateway's.
            let rest = url.strip_prefix("http://").ok_or_else(|| {
                invalid(
                    "sharing.exchange_url",
                    "须以 http:// 开头（政务外网内的共享交换前置机地址）",
                )
            })?;
            if rest.is_empty() || rest.starts_with('/') || url.contains(char::is_whitespace) {
                return Err(invalid("sharing.exchange_url", "缺少主机名或含有空白字符"));
            }
        }
        if !(100..=30_000).contains(&self.timeout_ms) {
            return Err(invalid("sharing.timeout_ms", "须在100至30000毫秒之间"));
        }
        Ok(())
    }
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

impl Default for HallSettings {
    fn default() -> Self {
        HallSettings {
            name: "东海县政务服务中心".into(),
            time_zone: "Asia/Shanghai".into(),
            code: "DH".into(),
            public_url: "http://127.0.0.1:8080".into(),
            page_size: 20,
            address: "东海县政务服务中心一楼大厅（东海县人民路88号）".into(),
            phone: "0518-87221234".into(),
            complaint_phone: "12345".into(),
            complaint_days: 5,
        }
    }
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            session_hours: 10,
            api_token_days: 30,
            login_max_failures: 5,
            login_window_minutes: 15,
            login_max_failures_per_address: 20,
            lookup_max_failures: 10,
            lookup_max_failures_per_address: 30,
            lookup_window_minutes: 60,
            data_key: Secret::from(DEVELOPMENT_DATA_KEY),
            rate_limit: true,
        }
    }
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            fairness_bound: 3,
            max_live_tickets_per_person: 1,
            tickets_per_minute_per_client: 60,
            requeue_minutes: 30,
            reminder_ahead: 3,
        }
    }
}

impl Default for AppointmentSettings {
    fn default() -> Self {
        AppointmentSettings {
            booking: domain::appointment::BookingRules::default(),
            max_open_home_visits_per_phone: 2,
        }
    }
}

impl Default for EvaluationSettings {
    fn default() -> Self {
        EvaluationSettings {
            pad_rating_minutes: 3,
            rectification_days: 5,
        }
    }
}

impl Default for CaseSettings {
    fn default() -> Self {
        CaseSettings {
            amber_days: 2,
            verification_days: domain::commitment::DEFAULT_VERIFICATION_DAYS,
            // issue 17: online application (网上申报) and pre-review (预审)
            upload_file_mb: 10,
            upload_total_mb: 50,
            review_days: 1,
        }
    }
}

/// A setting out of its range: the key (`queue.fairness_bound`) and why.
/// The message never contains a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key} {message}")]
pub struct Invalid {
    pub key: &'static str,
    pub message: String,
}

fn invalid(key: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        key,
        message: message.into(),
    }
}

fn positive(key: &'static str, value: i64) -> Result<(), Invalid> {
    if value > 0 {
        Ok(())
    } else {
        Err(invalid(key, "须大于0"))
    }
}

impl Settings {
    /// The configured zone; an unknown name falls back to Asia/Shanghai
    /// (the binary refuses such a configuration at start).
    pub fn time_zone(&self) -> TimeZone {
        self.hall.zone()
    }

    /// These settings with the opening hours off (a 24-hour self-service
    /// point; tests that take tickets whatever the time).
    pub fn always_open(mut self) -> Settings {
        self.hours.enabled = Switch(false);
        self
    }

    /// Checks every section; the first setting out of range is named.
    pub fn validate(&self) -> Result<(), Invalid> {
        self.hall.validate()?;
        self.security.validate()?;
        self.queue.validate()?;
        self.appointments.validate()?;
        self.evaluation.validate()?;
        self.cases.validate()?;
        self.sharing.validate()?;
        self.hours.validate()
    }
}

impl HallSettings {
    /// The configured zone, Asia/Shanghai when the name is unknown.
    pub fn zone(&self) -> TimeZone {
        TimeZone::get(&self.time_zone)
            .or_else(|_| TimeZone::get("Asia/Shanghai"))
            .unwrap_or(TimeZone::fixed(jiff::tz::offset(8)))
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        TimeZone::get(&self.time_zone)
            .map_err(|e| invalid("hall.time_zone", format!("“{}”无效：{e}", self.time_zone)))?;
        if self.page_size == 0 || self.page_size > 500 {
            return Err(invalid("hall.page_size", "须在1至500之间"));
        }
        if self.complaint_days == 0 || self.complaint_days > 60 {
            return Err(invalid("hall.complaint_days", "须在1至60之间"));
        }
        for (key, value) in [
            ("hall.address", &self.address),
            ("hall.phone", &self.phone),
            ("hall.complaint_phone", &self.complaint_phone),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(key, "不能为空（办事指南要公开）"));
            }
        }
        Ok(())
    }
}

impl SecuritySettings {
    pub fn validate(&self) -> Result<(), Invalid> {
        positive("security.session_hours", self.session_hours)?;
        positive("security.api_token_days", self.api_token_days)?;
        positive("security.login_max_failures", self.login_max_failures)?;
        positive("security.login_window_minutes", self.login_window_minutes)?;
        positive(
            "security.login_max_failures_per_address",
            self.login_max_failures_per_address,
        )?;
        positive("security.lookup_max_failures", self.lookup_max_failures)?;
        positive(
            "security.lookup_max_failures_per_address",
            self.lookup_max_failures_per_address,
        )?;
        positive("security.lookup_window_minutes", self.lookup_window_minutes)?;
        if self.data_key.len() < 16 {
            return Err(invalid("security.data_key", "至少16个字符"));
        }
        Ok(())
    }
}

impl QueueSettings {
    pub fn validate(&self) -> Result<(), Invalid> {
        positive("queue.fairness_bound", self.fairness_bound.into())?;
        positive(
            "queue.max_live_tickets_per_person",
            self.max_live_tickets_per_person,
        )?;
        Ok(())
    }
}

impl AppointmentSettings {
    pub fn validate(&self) -> Result<(), Invalid> {
        positive(
            "appointments.max_open_home_visits_per_phone",
            self.max_open_home_visits_per_phone,
        )
    }
}

impl EvaluationSettings {
    pub fn validate(&self) -> Result<(), Invalid> {
        positive("evaluation.pad_rating_minutes", self.pad_rating_minutes)?;
        if self.rectification_days == 0 || self.rectification_days > 60 {
            return Err(invalid("evaluation.rectification_days", "须在1至60之间"));
        }
        Ok(())
    }
}

impl CaseSettings {
    pub fn validate(&self) -> Result<(), Invalid> {
        if !(1..=120).contains(&self.verification_days) {
            return Err(Invalid {
                key: "cases.verification_days",
                message: "应为1至120个工作日".into(),
            });
        }
        // issue 17: online application (网上申报) and pre-review (预审)
        if !(1..=60).contains(&self.upload_file_mb) {
            return Err(invalid("cases.upload_file_mb", "须在1至60之间"));
        }
        if !(self.upload_file_mb..=60).contains(&self.upload_total_mb) {
            return Err(invalid(
                "cases.upload_total_mb",
                "须不小于单个文件上限且不超过60（请求体上限64MB）",
            ));
        }
        if !(1..=10).contains(&self.review_days) {
            return Err(invalid("cases.review_days", "须在1至10之间"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_key_is_never_printed() {
        let mut s = Settings::default();
        s.security.data_key = Secret::from("a-very-secret-hall-key");
        let shown = format!("{s:?}");
        assert!(!shown.contains("a-very-secret-hall-key"), "{shown}");
        assert!(shown.contains("data_key: \"***\""));
        assert_eq!(s.security.data_key.expose(), "a-very-secret-hall-key");
        s.security.data_key = Secret::from("short");
        let e = s.validate().unwrap_err();
        assert_eq!(e.key, "security.data_key");
        assert!(!e.to_string().contains("short"), "{e}");
    }

    // issue 17: 告知承诺核查期限
    #[test]
    fn the_verification_window_is_20_working_days_by_default_and_bounded() {
        assert_eq!(Settings::default().cases.verification_days, 20);
        let mut s = Settings::default();
        s.cases.verification_days = 0;
        assert_eq!(s.validate().unwrap_err().key, "cases.verification_days");
        s.cases.verification_days = 121;
        assert!(s.validate().is_err());
        s.cases.verification_days = 120;
        s.validate().unwrap();
    }

    // issue 17: 数据共享交换
    #[test]
    fn the_exchange_is_off_by_default_and_its_address_and_timeout_are_checked() {
        let s = Settings::default();
        assert!(s.sharing.exchange_url.is_empty());
        assert_eq!(s.sharing.timeout_ms, 3000);
        let check = |url: &str, timeout_ms: u64| {
            let mut s = Settings::default();
            s.sharing.exchange_url = url.into();
            s.sharing.timeout_ms = timeout_ms;
            s.validate().map_err(|e| e.key)
        };
        assert_eq!(check("http://10.1.2.3:8080/gateway", 3000), Ok(()));
        assert_eq!(check("http://qzj.example", 100), Ok(()));
        for bad in [
            "https://qzj.example",
            "ftp://x",
            "10.1.2.3",
            "http://",
            "http:///x",
            "http://a b",
        ] {
            assert_eq!(check(bad, 3000), Err("sharing.exchange_url"), "{bad}");
        }
        assert_eq!(check("", 99), Err("sharing.timeout_ms"));
        assert_eq!(check("", 30_001), Err("sharing.timeout_ms"));
        // The token is a secret: never in the settings' Debug.
        let mut s = Settings::default();
        s.sharing.token = "exchange-secret".into();
        assert!(!format!("{s:?}").contains("exchange-secret"));
    }

    #[test]
    fn the_defaults_are_valid_and_each_section_names_its_key() {
        Settings::default().validate().unwrap();
        let mut s = Settings::default();
        s.queue.fairness_bound = 0;
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "queue.fairness_bound 须大于0"
        );
        let mut s = Settings::default();
        s.hall.time_zone = "Mars/Olympus".into();
        assert_eq!(s.validate().unwrap_err().key, "hall.time_zone");
        assert_eq!(s.time_zone(), TimeZone::get("Asia/Shanghai").unwrap());
        let mut s = Settings::default();
        s.evaluation.rectification_days = 61;
        assert_eq!(s.validate().unwrap_err().key, "evaluation.rectification_days");
        let mut s = Settings::default();
        s.security.lookup_window_minutes = 0;
        assert_eq!(s.validate().unwrap_err().key, "security.lookup_window_minutes");
    }
}
