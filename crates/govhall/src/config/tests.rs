//! Loading from explicit sources (never this process's environment, so tests
//! can run side by side).

use super::{Config, Sources};
use std::path::PathBuf;

const KEY: &str = "a-very-secret-hall-key-0001";

fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("govhall.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn env(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    vars.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn load(file: Option<&PathBuf>, vars: &[(&str, &str)], sets: &[&str]) -> anyhow::Result<Config> {
    Config::load_from(&Sources {
        file: file.cloned(),
        env: env(vars),
        sets: sets.iter().map(|s| (*s).to_owned()).collect(),
    })
}

fn error(file: Option<&PathBuf>, vars: &[(&str, &str)], sets: &[&str]) -> String {
    format!("{:#}", load(file, vars, sets).unwrap_err())
}

#[test]
fn defaults_run() {
    let c = load(None, &[], &[]).unwrap();
    assert_eq!(c.database_url, "sqlite://govhall.db");
    assert_eq!(c.settings.queue.fairness_bound, 3);
    assert_eq!(c.origins, ["默认值"]);
    assert!(c.warnings.is_empty());
}

#[test]
fn a_nested_field_is_layered_default_file_environment_flag() {
    let (_dir, path) = file("[queue]\nfairness_bound = 4\n");
    let f = Some(&path);
    assert_eq!(load(f, &[], &[]).unwrap().settings.queue.fairness_bound, 4);
    let vars = [("GOVHALL_QUEUE__FAIRNESS_BOUND", "5")];
    assert_eq!(load(f, &vars, &[]).unwrap().settings.queue.fairness_bound, 5);
    let c = load(f, &vars, &["queue.fairness_bound=6"]).unwrap();
    assert_eq!(c.settings.queue.fairness_bound, 6);
    assert_eq!(
        c.origins,
        [
            "默认值".to_owned(),
            format!("配置文件 {}", path.display()),
            "环境变量 GOVHALL_QUEUE__FAIRNESS_BOUND".into(),
            "命令行 --set queue.fairness_bound".into(),
        ]
    );
    // Deeper: the appointment book, whose periods take TOML syntax.
    let c = load(
        f,
        &[
            ("GOVHALL_APPOINTMENTS__BOOKING__CAPACITY", "9"),
            (
                "GOVHALL_APPOINTMENTS__BOOKING__PERIODS",
                r#"[["08:30", "12:00"]]"#,
            ),
        ],
        &[],
    )
    .unwrap();
    let booking = &c.settings.appointments.booking;
    assert_eq!(booking.capacity, 9);
    assert_eq!(booking.periods, [("08:30".to_owned(), "12:00".to_owned())]);
}

#[test]
fn an_alias_is_layered_and_the_canonical_name_wins() {
    let (_dir, path) = file("[queue]\nfairness_bound = 4\n[security]\nrate_limit = true\n");
    let f = Some(&path);
    let alias = [("GOVHALL_FAIRNESS_BOUND", "5")];
    assert_eq!(load(f, &alias, &[]).unwrap().settings.queue.fairness_bound, 5);
    let both = [
        ("GOVHALL_QUEUE__FAIRNESS_BOUND", "7"),
        ("GOVHALL_FAIRNESS_BOUND", "5"),
    ];
    assert_eq!(load(f, &both, &[]).unwrap().settings.queue.fairness_bound, 7);
    let c = load(f, &alias, &["queue.fairness_bound=6"]).unwrap();
    assert_eq!(c.settings.queue.fairness_bound, 6);
    for (text, on) in [
        ("off", false),
        ("on", true),
        ("false", false),
        ("TRUE", true),
        ("0", false),
        ("1", true),
    ] {
        let c = load(f, &[("GOVHALL_RATE_LIMIT", text)], &[]).unwrap();
        assert_eq!(c.settings.security.rate_limit, on, "{text}");
    }
}

#[test]
fn every_documented_variable_still_works() {
    let c = load(
        None,
        &[
            ("GOVHALL_DATABASE_URL", "sqlite:///srv/hall.db"),
            ("GOVHALL_LISTEN", "0.0.0.0:80"),
            ("GOVHALL_LOG", "debug"),
            ("GOVHALL_LOG_FORMAT", "json"),
            ("GOVHALL_HALL_NAME", "西湖区政务服务中心"),
            ("GOVHALL_TIME_ZONE", "Asia/Urumqi"),
            ("GOVHALL_SESSION_HOURS", "8"),
            ("GOVHALL_API_TOKEN_DAYS", "7"),
            ("GOVHALL_LOGIN_MAX_FAILURES", "4"),
            ("GOVHALL_LOGIN_WINDOW_MINUTES", "16"),
            ("GOVHALL_LOGIN_MAX_FAILURES_PER_ADDRESS", "21"),
            ("GOVHALL_LOOKUP_MAX_FAILURES", "11"),
            ("GOVHALL_LOOKUP_MAX_FAILURES_PER_ADDRESS", "31"),
            ("GOVHALL_LOOKUP_WINDOW_MINUTES", "61"),
            ("GOVHALL_PAGE_SIZE", "50"),
            ("GOVHALL_DATA_KEY", KEY),
            ("GOVHALL_FAIRNESS_BOUND", "5"),
            ("GOVHALL_MAX_LIVE_TICKETS", "2"),
            ("GOVHALL_RATE_LIMIT", "off"),
            ("GOVHALL_TICKETS_PER_MINUTE", "600"),
        ],
        &[],
    )
    .unwrap();
    let s = &c.settings;
    assert_eq!(c.database_url, "sqlite:///srv/hall.db");
    assert_eq!((c.listen.as_str(), c.log_level.as_str()), ("0.0.0.0:80", "debug"));
    assert_eq!(c.log_format, "json");
    assert_eq!(
        (s.hall.name.as_str(), s.hall.time_zone.as_str()),
        ("西湖区政务服务中心", "Asia/Urumqi")
    );
    assert_eq!((s.security.session_hours, s.security.api_token_days), (8, 7));
    assert_eq!(
        (
            s.security.login_max_failures,
            s.security.login_window_minutes,
            s.security.login_max_failures_per_address
        ),
        (4, 16, 21)
    );
    assert_eq!(
        (
            s.security.lookup_max_failures,
            s.security.lookup_max_failures_per_address,
            s.security.lookup_window_minutes
        ),
        (11, 31, 61)
    );
    assert_eq!(s.hall.page_size, 50);
    assert_eq!(s.security.data_key.expose(), KEY);
    assert!(!s.security.rate_limit);
    assert_eq!(
        (
            s.queue.fairness_bound,
            s.queue.max_live_tickets_per_person,
            s.queue.tickets_per_minute_per_client
        ),
        (5, 2, 600)
    );
}

#[test]
fn unrelated_variables_are_ignored_and_empty_ones_too() {
    let c = load(
        None,
        &[
            ("GOVHALL_CONFIG", "/nowhere.toml"),
            ("GOVHALL_PASSWORD", "pw"),
            ("GOVHALL_TOKEN", "t"),
            ("GOVHALL_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
            ("GOVHALL_BROWSER_TESTS", "1"),
            ("GOVHALL_API_TESTS", "1"),
            ("GOVHALL_CRASH_CYCLES", "3"),
            ("GOVHALL_FUZZ_SEED", "7"),
            ("GOVHALL_PG_DUMP", "/usr/bin/pg_dump"),
            ("GOVHALL_SOMETHING__ELSE", "x"),
            ("GOVHALL_HALL", "x"),
            ("GOVHALL_FAIRNESS_BOUND", "  "),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(c.settings.queue.fairness_bound, 3);
    assert_eq!(c.origins, ["默认值"]);
}

#[test]
fn the_old_flat_hall_file_still_loads() {
    let (_dir, path) = file(
        r#"
database_url = "sqlite://old.db"
log_format = "json"
[hall]
hall_name = "西湖区政务服务中心"
time_zone = "Asia/Shanghai"
session_hours = 8
login_max_failures = 6
page_size = 40
data_key = "a-very-secret-hall-key-0001"
fairness_bound = 4
rate_limit = false
rectification_days = 15
amber_days = 3
hall_code = "XH"
max_open_home_visits_per_phone = 5
[hall.booking]
capacity = 6
"#,
    );
    let c = load(Some(&path), &[], &[]).unwrap();
    let s = &c.settings;
    assert_eq!(c.database_url, "sqlite://old.db");
    assert_eq!(
        (s.hall.name.as_str(), s.hall.code.as_str()),
        ("西湖区政务服务中心", "XH")
    );
    assert_eq!(s.hall.page_size, 40);
    assert_eq!((s.security.session_hours, s.security.login_max_failures), (8, 6));
    assert_eq!(s.security.data_key.expose(), KEY);
    assert!(!s.security.rate_limit);
    assert_eq!(s.queue.fairness_bound, 4);
    assert_eq!(s.evaluation.rectification_days, 15);
    assert_eq!(s.cases.amber_days, 3);
    assert_eq!(s.appointments.booking.capacity, 6);
    assert_eq!(s.appointments.max_open_home_visits_per_phone, 5);
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].contains("hall.session_hours"), "{}", c.warnings[0]);
    // The environment still goes over the old file.
    let c = load(Some(&path), &[("GOVHALL_SESSION_HOURS", "9")], &[]).unwrap();
    assert_eq!(c.settings.security.session_hours, 9);
    // Old and new names for one setting: say which to keep.
    let (_dir, path) = file("[hall]\nsession_hours = 8\n[security]\nsession_hours = 9\n");
    let e = error(Some(&path), &[], &[]);
    assert!(
        e.contains("hall.session_hours") && e.contains("security.session_hours"),
        "{e}"
    );
}

#[test]
fn an_unknown_key_is_an_error_naming_it() {
    let (_dir, path) = file("[queue]\nfairnes_bound = 2\n");
    let e = error(Some(&path), &[], &[]);
    assert!(e.contains("未知的配置项 queue.fairnes_bound"), "{e}");
    assert!(e.contains(&format!("配置文件 {}", path.display())), "{e}");
    let (_dir, path) = file("[hall]\nnmae = \"x\"\n");
    assert!(error(Some(&path), &[], &[]).contains("未知的配置项 hall.nmae"));
    let (_dir, path) = file("[cache]\nsize = 1\n");
    assert!(error(Some(&path), &[], &[]).contains("未知的配置项 cache"));
    // A variable that names a known section means configuration: a typo is an error.
    let e = error(None, &[("GOVHALL_QUEUE__FAIRNES_BOUND", "2")], &[]);
    assert!(
        e.contains("未知的配置项 queue.fairnes_bound") && e.contains("环境变量 GOVHALL_QUEUE__FAIRNES_BOUND"),
        "{e}"
    );
    let e = error(None, &[], &["queue.nope=1"]);
    assert!(e.contains("命令行 --set queue.nope"), "{e}");
    assert!(error(None, &[], &["queue.fairness_bound"]).contains("KEY=VALUE"));
}

#[test]
fn a_bad_value_names_the_key_and_the_source() {
    let (_dir, path) = file("[queue]\nfairness_bound = \"many\"\n");
    let e = error(Some(&path), &[], &[]);
    assert!(e.contains("queue.fairness_bound") && e.contains("many"), "{e}");
    assert!(e.contains(&format!("配置文件 {}", path.display())), "{e}");
    let e = error(None, &[("GOVHALL_FAIRNESS_BOUND", "many")], &[]);
    assert!(
        e.contains("queue.fairness_bound") && e.contains("环境变量 GOVHALL_FAIRNESS_BOUND"),
        "{e}"
    );
    let e = error(None, &[("GOVHALL_RATE_LIMIT", "sometimes")], &[]);
    assert!(e.contains("security.rate_limit") && e.contains("on/off"), "{e}");
    // In range for its type but not for the hall: still the key and the source.
    let e = error(None, &[("GOVHALL_QUEUE__FAIRNESS_BOUND", "0")], &[]);
    assert_eq!(
        e,
        "配置项 queue.fairness_bound 须大于0（来源：环境变量 GOVHALL_QUEUE__FAIRNESS_BOUND）"
    );
    let (_dir, path) = file("[hall]\ntime_zone = \"Mars/Olympus\"\n");
    let e = error(Some(&path), &[], &[]);
    assert!(e.contains("hall.time_zone") && e.contains("配置文件"), "{e}");
    let e = error(None, &[("GOVHALL_LOG_FORMAT", "xml")], &[]);
    assert!(
        e.contains("log_format") && e.contains("GOVHALL_LOG_FORMAT"),
        "{e}"
    );
    let (_dir, path) = file("[queue\nfairness_bound = 2\n");
    assert!(error(Some(&path), &[], &[]).contains("格式错误（第1行"));
}

#[test]
fn the_data_key_and_the_database_password_are_never_printed() {
    let url = "postgres://hall:db-password-42@127.0.0.1/hall";
    let c = load(
        None,
        &[("GOVHALL_DATA_KEY", KEY), ("GOVHALL_DATABASE_URL", url)],
        &[],
    )
    .unwrap();
    for shown in [format!("{c:?}"), c.show().unwrap()] {
        assert!(!shown.contains(KEY), "{shown}");
        assert!(!shown.contains("db-password-42"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
    assert!(c.show().unwrap().contains("data_key = \"***\""));
    // Nor in an error: a key too short, a key of the wrong type, a broken line.
    let e = error(None, &[("GOVHALL_DATA_KEY", "short-secret")], &[]);
    assert!(
        e.contains("security.data_key") && !e.contains("short-secret"),
        "{e}"
    );
    let (_dir, path) = file("[security]\ndata_key = 1234567890123456789\n");
    let e = error(Some(&path), &[], &[]);
    assert!(
        e.contains("security.data_key") && !e.contains("1234567890123456789"),
        "{e}"
    );
    let (_dir, path) = file("[security]\ndata_key = \"unterminated-secret\n");
    let e = error(Some(&path), &[], &[]);
    assert!(!e.contains("unterminated-secret"), "{e}");
}

// issue 17: the sharing exchange's access token is a secret too.
#[test]
fn the_exchange_token_is_never_printed() {
    let c = load(
        None,
        &[
            ("GOVHALL_SHARING__EXCHANGE_URL", "http://10.1.2.3:8080/gateway"),
            ("GOVHALL_SHARING__TOKEN", "exchange-token-77"),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(c.settings.sharing.token.expose(), "exchange-token-77");
    for shown in [format!("{c:?}"), c.show().unwrap()] {
        assert!(!shown.contains("exchange-token-77"), "{shown}");
    }
    assert!(c.show().unwrap().contains("token = \"***\""));
    // No token: nothing to hide, and the file loads back as it was.
    let c = load(None, &[], &[]).unwrap();
    assert!(c.show().unwrap().contains("token = \"\""));
}

#[test]
fn the_shown_configuration_loads_back_the_same() {
    let c = load(
        None,
        &[
            ("GOVHALL_QUEUE__REQUEUE_MINUTES", "45"),
            ("GOVHALL_DATA_KEY", KEY),
        ],
        &["hall.name=演示大厅"],
    )
    .unwrap();
    let shown = c.show().unwrap().replace("\"***\"", &format!("\"{KEY}\""));
    let (_dir, path) = file(&shown);
    let again = load(Some(&path), &[], &[]).unwrap();
    assert_eq!(again.settings.queue.requeue_minutes, 45);
    assert_eq!(again.settings.hall.name, "演示大厅");
    assert_eq!(
        again.show().unwrap().lines().skip(2).collect::<Vec<_>>(),
        c.show().unwrap().lines().skip(2).collect::<Vec<_>>()
    );
}
