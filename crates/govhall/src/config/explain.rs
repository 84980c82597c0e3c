//! figment's errors in the administrator's words: the key, what was wrong and
//! where the value came from (file, variable or flag). A secret's value is
//! never repeated.

use figment::error::{Actual, Kind};

/// Keys whose values are never shown, even when they are wrong.
const SECRET_KEYS: &[&str] = &["security.data_key", "database_url"];

pub fn figment(error: figment::Error) -> anyhow::Error {
    let lines: Vec<String> = error.into_iter().map(|e| one(&e)).collect();
    anyhow::anyhow!(lines.join("\n"))
}

fn one(e: &figment::Error) -> String {
    let key = e.path.join(".");
    let from = e
        .metadata
        .as_ref()
        .map_or_else(|| "未知来源".to_owned(), |m| m.name.to_string());
    let secret = SECRET_KEYS.contains(&key.as_str());
    match &e.kind {
        Kind::UnknownField(..) => format!("未知的配置项 {key}（来源：{from}）"),
        Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
            let shown = if secret {
                String::new()
            } else {
                format!("“{}”", actual_text(actual))
            };
            format!(
                "配置项 {key} 的值{shown}无效：应为{}（来源：{from}）",
                expected_text(expected)
            )
        }
        Kind::InvalidLength(len, expected) => {
            format!(
                "配置项 {key} 的长度{len}无效：应为{}（来源：{from}）",
                expected_text(expected)
            )
        }
        _ if secret => format!("配置项 {key} 无效（来源：{from}）"),
        other => format!("配置项 {key} 无效：{other}（来源：{from}）"),
    }
}

fn actual_text(actual: &Actual) -> String {
    match actual {
        Actual::Bool(b) => b.to_string(),
        Actual::Unsigned(n) => n.to_string(),
        Actual::Signed(n) => n.to_string(),
        Actual::Float(n) => n.to_string(),
        Actual::Char(c) => c.to_string(),
        Actual::Str(s) => s.clone(),
        Actual::Seq => "数组".into(),
        Actual::Map => "表".into(),
        other => other.to_string(),
    }
}

fn expected_text(expected: &str) -> String {
    let e = expected.trim();
    let text = match e {
        "u8" | "u16" | "u32" | "u64" | "usize" => "非负整数",
        "i8" | "i16" | "i32" | "i64" | "isize" => "整数",
        "a boolean" => "on/off（或 true/false）",
        "a string" => "字符串",
        "a sequence" => "数组",
        _ if e.starts_with("a tuple of size 2") => "两个元素的数组，如 [\"09:00\", \"11:30\"]",
        _ if e.starts_with("struct ") => "表",
        _ => e,
    };
    text.to_owned()
}
