//! Catalog files: JSON in the reference format (an array of items, an array
//! of bundles, or an object holding both) and XLSX workbooks.

use crate::catalog::xlsx;
use crate::{AppError, AppResult};
use domain::catalog::CatalogProblem;
use serde_json::Value;

/// One uploaded or named file.
#[derive(Debug, Clone)]
pub struct CatalogFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl CatalogFile {
    pub fn new(name: &str, bytes: Vec<u8>) -> CatalogFile {
        CatalogFile {
            name: name.to_owned(),
            bytes,
        }
    }

    fn is_xlsx(&self) -> bool {
        self.name.to_lowercase().ends_with(".xlsx") || self.bytes.starts_with(b"PK\x03\x04")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Xlsx,
}

/// What a JSON export holds: the items (catalog.json) or the bundles (bundles.json).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportPart {
    Items,
    Bundles,
}

/// Rows gathered from all files of one import.
#[derive(Debug, Default)]
pub(crate) struct ImportRows {
    pub items: Option<Vec<(usize, Value)>>,
    pub bundles: Option<Vec<(usize, Value)>>,
}

fn problem(file: &str, message: String) -> CatalogProblem {
    CatalogProblem {
        part: file.to_owned(),
        row: 0,
        code: None,
        field: "-".into(),
        message,
    }
}

fn numbered(list: Vec<Value>) -> Vec<(usize, Value)> {
    list.into_iter().enumerate().map(|(i, v)| (i + 1, v)).collect()
}

/// A JSON array is items when its objects carry `materials` or `handling`,
/// bundles when they carry `items`.
fn looks_like_bundles(list: &[Value]) -> bool {
    list.first()
        .and_then(Value::as_object)
        .map(|o| o.contains_key("items") && !o.contains_key("materials") && !o.contains_key("handling"))
        .unwrap_or(false)
}

pub(crate) fn read_files(files: &[CatalogFile]) -> AppResult<ImportRows> {
    let mut rows = ImportRows::default();
    let mut problems = Vec::new();
    let put = |slot: &mut Option<Vec<(usize, Value)>>,
               v: Vec<(usize, Value)>,
               what: &str,
               file: &str,
               problems: &mut Vec<CatalogProblem>| {
        if slot.is_some() {
            problems.push(problem(
                file,
                format!("本次导入中{what}出现在多个文件里，请只提供一份"),
            ));
        } else {
            *slot = Some(v);
        }
    };
    for f in files {
        if f.is_xlsx() {
            match xlsx::read_catalog_xlsx(&f.bytes) {
                Ok(wb) => {
                    put(&mut rows.items, wb.items, "事项", &f.name, &mut problems);
                    if !wb.bundles.is_empty() {
                        put(&mut rows.bundles, wb.bundles, "办件包", &f.name, &mut problems);
                    }
                }
                Err(p) => problems.extend(p),
            }
            continue;
        }
        let text = match std::str::from_utf8(&f.bytes) {
            Ok(t) => t.trim_start_matches('\u{feff}'),
            Err(_) => {
                problems.push(problem(&f.name, "文件不是UTF-8编码的JSON，也不是XLSX表格".into()));
                continue;
            }
        };
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(list)) if looks_like_bundles(&list) => put(
                &mut rows.bundles,
                numbered(list),
                "办件包",
                &f.name,
                &mut problems,
            ),
            Ok(Value::Array(list)) => put(&mut rows.items, numbered(list), "事项", &f.name, &mut problems),
            Ok(Value::Object(mut obj)) => {
                let unknown: Vec<String> = obj
                    .keys()
                    .filter(|k| *k != "items" && *k != "bundles")
                    .cloned()
                    .collect();
                for k in unknown {
                    problems.push(problem(
                        &f.name,
                        format!("未知字段“{k}”：完整目录文件只能包含 items 和 bundles"),
                    ));
                }
                match obj.remove("items") {
                    Some(Value::Array(list)) => {
                        put(&mut rows.items, numbered(list), "事项", &f.name, &mut problems)
                    }
                    Some(_) => problems.push(problem(&f.name, "items 应为事项数组".into())),
                    None => problems.push(problem(&f.name, "缺少 items".into())),
                }
                match obj.remove("bundles") {
                    Some(Value::Array(list)) => put(
                        &mut rows.bundles,
                        numbered(list),
                        "办件包",
                        &f.name,
                        &mut problems,
                    ),
                    Some(_) => problems.push(problem(&f.name, "bundles 应为办件包数组".into())),
                    None => {}
                }
            }
            Ok(_) => problems.push(problem(
                &f.name,
                "JSON 应为事项数组、办件包数组或 {items, bundles} 对象".into(),
            )),
            Err(e) => problems.push(problem(
                &f.name,
                format!("JSON 格式错误（第{}行第{}列）：{e}", e.line(), e.column()),
            )),
        }
    }
    if files.is_empty() {
        problems.push(problem("-", "没有提供任何文件".into()));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(AppError::CatalogInvalid(problems))
    }
}
