//! The catalog as an XLSX workbook (Excel / WPS), for the administrators who
//! keep the 事项清单 in a spreadsheet.
//!
//! Three sheets: “事项” (one row per item), “材料” (one row per material,
//! naming its item by code) and “办件包” (one row per bundle). Each header cell
//! starts with the JSON field name of `catalog.json` followed by a Chinese
//! label (`promised_days 承诺时限(工作日)`); columns are found by that leading
//! key, so they may be reordered, and extra columns (备注…) are ignored.
//!
//! Reading only turns cells into the JSON objects of `catalog.json` and checks
//! the workbook's structure; every rule about the values is left to
//! [`domain::catalog::validate_catalog`], which then reports problems with the
//! sheet row numbers.

use calamine::{Data, Range, Reader, Xlsx};
use domain::catalog::{Bundle, CatalogProblem, HANDLINGS, Item, KINDS, MATERIAL_FORMS, ONLINE_LEVELS};
use rust_xlsxwriter::{Color, DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Cursor;

/// Rows read from an import workbook, in the shape validate_catalog takes.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookRows {
    pub items: Vec<(usize, Value)>,
    pub bundles: Vec<(usize, Value)>,
}

/// Writing a workbook failed.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("生成XLSX表格失败：{0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    #[error("工作表“{sheet}”的行数超过了XLSX表格的上限")]
    TooManyRows { sheet: &'static str },
}

const ITEM_SHEET: &str = "事项";
const MATERIAL_SHEET: &str = "材料";
const BUNDLE_SHEET: &str = "办件包";

/// How a column's cells become JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A JSON string; numbers typed into it become their text.
    Text,
    /// A JSON integer; an empty cell is null, other text stays a string.
    Number,
    /// 是/否 → true/false.
    Flag,
    /// A list of strings joined with 、 in one cell.
    List,
}

struct Column {
    key: &'static str,
    label: &'static str,
    kind: Kind,
    width: f64,
}

const fn col(key: &'static str, label: &'static str, kind: Kind, width: f64) -> Column {
    Column {
        key,
        label,
        kind,
        width,
    }
}

const ITEM_COLUMNS: [Column; 12] = [
    col("code", "事项编码", Kind::Text, 16.0),
    col("name", "事项名称", Kind::Text, 40.0),
    col("department", "实施部门", Kind::Text, 28.0),
    col("kind", "事项类型", Kind::Text, 14.0),
    col("handling", "办件类型", Kind::Text, 11.0),
    col("statutory_days", "法定时限(工作日)", Kind::Number, 16.0),
    col("promised_days", "承诺时限(工作日)", Kind::Number, 16.0),
    col("subject", "服务对象", Kind::Text, 12.0),
    col("fee", "收费", Kind::Text, 20.0),
    col("online", "网办深度", Kind::Text, 12.0),
    col("max_visits", "最多跑动次数", Kind::Number, 13.0),
    col("keywords", "关键词", Kind::List, 48.0),
];

const MATERIAL_COLUMNS: [Column; 7] = [
    col("item_code", "事项编码", Kind::Text, 16.0),
    col("name", "材料名称", Kind::Text, 50.0),
    col("form", "形式", Kind::Text, 14.0),
    col("copies", "份数", Kind::Number, 8.0),
    col("required", "是否必需", Kind::Flag, 10.0),
    col("shareable", "可共享免提交", Kind::Flag, 14.0),
    // issue 17: 告知承诺制 (国办发〔2020〕42号)
    col("commitment", "可告知承诺", Kind::Flag, 12.0),
];

/// Columns older workbooks do not have: left out, or left empty, the field
/// is absent (and the catalog's default applies).
const OPTIONAL_COLUMNS: [&str; 1] = ["commitment"];

const BUNDLE_COLUMNS: [Column; 5] = [
    col("code", "办件包编码", Kind::Text, 14.0),
    col("name", "办件包名称", Kind::Text, 32.0),
    col("description", "说明", Kind::Text, 60.0),
    col("items", "包含事项编码", Kind::List, 60.0),
    col("promised_days", "承诺时限(工作日)", Kind::Number, 16.0),
];

/// Separators accepted between keywords or item codes in one cell.
const LIST_SEPARATORS: [char; 3] = ['、', ',', '，'];

// ---------------------------------------------------------------------------
// Writing

/// A cell to write.
enum Cell {
    Text(String),
    Int(u32),
    Empty,
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn flag(b: bool) -> Cell {
    text(if b { "是" } else { "否" })
}

/// Writes the catalog as an XLSX workbook: sheet "事项" (one row per item),
/// sheet "材料" (one row per material, with the item code), sheet "办件包"
/// (one row per bundle).
pub fn write_catalog_xlsx(items: &[Item], bundles: &[Bundle]) -> Result<Vec<u8>, XlsxError> {
    let item_rows: Vec<Vec<Cell>> = items
        .iter()
        .map(|i| {
            vec![
                text(&i.code),
                text(&i.name),
                text(&i.department),
                text(&i.kind),
                text(&i.handling),
                i.statutory_days.map_or(Cell::Empty, Cell::Int),
                Cell::Int(i.promised_days),
                text(&i.subject),
                text(&i.fee),
                text(&i.online),
                Cell::Int(i.max_visits),
                Cell::Text(i.keywords.join("、")),
            ]
        })
        .collect();
    let material_rows: Vec<Vec<Cell>> = items
        .iter()
        .flat_map(|i| {
            i.materials.iter().map(|m| {
                vec![
                    text(&i.code),
                    text(&m.name),
                    text(&m.form),
                    Cell::Int(m.copies),
                    flag(m.required),
                    flag(m.shareable),
                    // Empty when not allowed, as older workbooks read.
                    if m.commitment { flag(true) } else { Cell::Empty },
                ]
            })
        })
        .collect();
    let bundle_rows: Vec<Vec<Cell>> = bundles
        .iter()
        .map(|b| {
            vec![
                text(&b.code),
                text(&b.name),
                text(&b.description),
                Cell::Text(b.items.join("、")),
                Cell::Int(b.promised_days),
            ]
        })
        .collect();

    let mut workbook = Workbook::new();
    let sheet = write_sheet(&mut workbook, ITEM_SHEET, &ITEM_COLUMNS, &item_rows)?;
    add_choices(sheet, &ITEM_COLUMNS, "kind", &KINDS)?;
    add_choices(sheet, &ITEM_COLUMNS, "handling", &HANDLINGS)?;
    add_choices(sheet, &ITEM_COLUMNS, "online", &ONLINE_LEVELS)?;
    let sheet = write_sheet(&mut workbook, MATERIAL_SHEET, &MATERIAL_COLUMNS, &material_rows)?;
    add_choices(sheet, &MATERIAL_COLUMNS, "form", &MATERIAL_FORMS)?;
    add_choices(sheet, &MATERIAL_COLUMNS, "required", &["是", "否"])?;
    add_choices(sheet, &MATERIAL_COLUMNS, "shareable", &["是", "否"])?;
    add_choices(sheet, &MATERIAL_COLUMNS, "commitment", &["是", "否"])?;
    write_sheet(&mut workbook, BUNDLE_SHEET, &BUNDLE_COLUMNS, &bundle_rows)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_sheet<'a>(
    workbook: &'a mut Workbook,
    name: &'static str,
    columns: &[Column],
    rows: &[Vec<Cell>],
) -> Result<&'a mut Worksheet, XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    // Text columns are formatted as text (@) so that codes such as 001 and
    // numbers typed into them stay text.
    let text_format = Format::new().set_num_format("@");
    let number_format = Format::new();
    let last_col = (0u16..).zip(columns).last().map_or(0, |(c, _)| c);
    let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::TooManyRows { sheet: name })?;

    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    sheet.set_row_height(0, 33)?;
    for (c, column) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, c, format!("{} {}", column.key, column.label), &header)?;
        sheet.set_column_width(c, column.width)?;
        if column.kind != Kind::Number {
            sheet.set_column_format(c, &text_format)?;
        }
    }
    for (r, row) in (1u32..).zip(rows) {
        for ((c, cell), column) in (0u16..).zip(row).zip(columns) {
            let format = if column.kind == Kind::Number {
                &number_format
            } else {
                &text_format
            };
            match cell {
                Cell::Text(s) => {
                    sheet.write_string_with_format(r, c, s, format)?;
                }
                Cell::Int(n) => {
                    sheet.write_number_with_format(r, c, f64::from(*n), format)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row, last_col)?;
    Ok(sheet)
}

/// A dropdown of the allowed values for one column, below the header.
fn add_choices(
    sheet: &mut Worksheet,
    columns: &[Column],
    key: &str,
    choices: &[&str],
) -> Result<(), XlsxError> {
    let Some((c, _)) = (0u16..).zip(columns).find(|(_, c)| c.key == key) else {
        return Ok(());
    };
    let validation = DataValidation::new()
        .allow_list_strings(choices)?
        .set_error_title("输入值无效")?
        .set_error_message(format!("请从下拉列表中选择：{}", choices.join("、")))?;
    sheet.add_data_validation(1, c, 1_048_575, c, &validation)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Reading

fn problem(part: &str, row: usize, code: Option<&str>, field: &str, message: String) -> CatalogProblem {
    CatalogProblem {
        part: part.to_owned(),
        row,
        code: code.map(str::to_owned),
        field: field.to_owned(),
        message,
    }
}

/// Reads such a workbook back into JSON objects with the catalog.json field
/// names, so that validate_catalog reports problems with the sheet row
/// numbers. Structural problems (not an xlsx file, missing sheet "事项",
/// missing header column, a material row naming an item code not on the 事项
/// sheet) are returned as problems (part = sheet name, row = sheet row,
/// 1-based counting the header as row 1, field = the column key).
///
/// The 材料 and 办件包 sheets may be left out: the items then have no
/// materials, and there are no bundles.
pub fn read_catalog_xlsx(bytes: &[u8]) -> Result<WorkbookRows, Vec<CatalogProblem>> {
    let mut workbook: Xlsx<_> = match calamine::open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => {
            return Err(vec![problem(
                "文件",
                0,
                None,
                "-",
                format!(
                    "文件不是有效的XLSX表格，请在 Excel 或 WPS 中另存为“Excel 工作簿(*.xlsx)”后重新导入（{e}）"
                ),
            )]);
        }
    };
    let mut problems = Vec::new();
    let names = workbook.sheet_names();
    let mut range_of = |sheet: &str, problems: &mut Vec<CatalogProblem>| -> Option<Range<Data>> {
        let name = names.iter().find(|n| n.trim() == sheet)?.clone();
        match workbook.worksheet_range(&name) {
            Ok(range) => Some(range),
            Err(e) => {
                problems.push(problem(
                    sheet,
                    0,
                    None,
                    "-",
                    format!("无法读取工作表“{sheet}”：{e}"),
                ));
                None
            }
        }
    };

    let item_range = range_of(ITEM_SHEET, &mut problems);
    let material_range = range_of(MATERIAL_SHEET, &mut problems);
    let bundle_range = range_of(BUNDLE_SHEET, &mut problems);
    if !names.iter().any(|n| n.trim() == ITEM_SHEET) {
        problems.push(problem(
            ITEM_SHEET,
            0,
            None,
            "-",
            format!("缺少工作表“{ITEM_SHEET}”（表格中的工作表：{}）", names.join("、")),
        ));
    }

    let item_rows = item_range.and_then(|r| sheet_rows(&r, ITEM_SHEET, &ITEM_COLUMNS, &mut problems));
    let material_rows =
        material_range.and_then(|r| sheet_rows(&r, MATERIAL_SHEET, &MATERIAL_COLUMNS, &mut problems));
    let bundle_rows = bundle_range
        .and_then(|r| sheet_rows(&r, BUNDLE_SHEET, &BUNDLE_COLUMNS, &mut problems))
        .unwrap_or_default();

    let mut items: Vec<(usize, Map<String, Value>)> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for (row, mut obj) in item_rows.unwrap_or_default() {
        if let Some(Value::String(code)) = obj.get("code")
            && !code.is_empty()
            && !by_code.contains_key(code)
        {
            by_code.insert(code.clone(), items.len());
        }
        obj.insert("materials".into(), Value::Array(Vec::new()));
        items.push((row, obj));
    }
    for (row, mut obj) in material_rows.unwrap_or_default() {
        let code = match obj.remove("item_code") {
            Some(Value::String(code)) => code,
            _ => String::new(),
        };
        if code.is_empty() {
            problems.push(problem(
                MATERIAL_SHEET,
                row,
                None,
                "item_code",
                "缺少事项编码：请填写该材料所属事项的编码".into(),
            ));
            continue;
        }
        let Some(&index) = by_code.get(&code) else {
            problems.push(problem(
                MATERIAL_SHEET,
                row,
                Some(&code),
                "item_code",
                format!("事项编码“{code}”不在“{ITEM_SHEET}”表中"),
            ));
            continue;
        };
        if let Some((_, item)) = items.get_mut(index)
            && let Some(Value::Array(list)) = item.get_mut("materials")
        {
            list.push(Value::Object(obj));
        }
    }

    if problems.is_empty() {
        Ok(WorkbookRows {
            items: items
                .into_iter()
                .map(|(row, obj)| (row, Value::Object(obj)))
                .collect(),
            bundles: bundle_rows
                .into_iter()
                .map(|(row, obj)| (row, Value::Object(obj)))
                .collect(),
        })
    } else {
        Err(problems)
    }
}

/// The leading key of a header cell (the text before the first space), or
/// the column whose Chinese label the whole cell is.
fn header_key(cell: &Data, columns: &[Column]) -> Option<usize> {
    let text = cell.to_string();
    let text = text.trim();
    let first = text.split(char::is_whitespace).next().unwrap_or_default();
    columns
        .iter()
        .position(|c| c.key.eq_ignore_ascii_case(first))
        .or_else(|| columns.iter().position(|c| c.label == text))
}

/// Column letters as Excel shows them (0 → A, 27 → AB).
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

/// The data rows of one sheet as JSON objects keyed by the column keys, with
/// their sheet row numbers; `None` when the header is unusable.
fn sheet_rows(
    range: &Range<Data>,
    sheet: &str,
    columns: &[Column],
    problems: &mut Vec<CatalogProblem>,
) -> Option<Vec<(usize, Map<String, Value>)>> {
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let header_row = start_row as usize + 1;
    let mut found: Vec<Option<usize>> = vec![None; columns.len()];
    let mut usable = true;
    if let Some(header) = range.rows().next() {
        for (pos, cell) in header.iter().enumerate() {
            let Some(c) = header_key(cell, columns) else {
                continue;
            };
            let letter = |p: usize| column_letters(start_col as usize + p);
            match found.get_mut(c) {
                Some(Some(first)) => {
                    problems.push(problem(
                        sheet,
                        header_row,
                        None,
                        columns[c].key,
                        format!(
                            "表头中“{}”列出现了两次（{}列和{}列），请删除其中一列",
                            columns[c].key,
                            letter(*first),
                            letter(pos)
                        ),
                    ));
                    usable = false;
                }
                Some(slot) => *slot = Some(pos),
                None => {}
            }
        }
    }
    for (column, pos) in columns.iter().zip(&found) {
        if pos.is_none() && !OPTIONAL_COLUMNS.contains(&column.key) {
            problems.push(problem(
                sheet,
                header_row,
                None,
                column.key,
                format!(
                    "缺少“{} {}”列：表头（第{header_row}行）每个单元格应以字段名开头，如“{} {}”",
                    column.key, column.label, column.key, column.label
                ),
            ));
            usable = false;
        }
    }
    if !usable {
        return None;
    }

    let mut out = Vec::new();
    for (offset, cells) in range.rows().enumerate().skip(1) {
        let row = header_row + offset;
        let mut obj = Map::new();
        let mut blank = true;
        for (column, pos) in columns.iter().zip(&found) {
            let cell = pos.and_then(|p| cells.get(p)).unwrap_or(&Data::Empty);
            if !is_blank(cell) {
                blank = false;
            }
            let value = cell_value(cell, column.kind);
            if value.is_null() && OPTIONAL_COLUMNS.contains(&column.key) {
                continue;
            }
            obj.insert(column.key.to_owned(), value);
        }
        if !blank {
            out.push((row, obj));
        }
    }
    Some(out)
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A whole number read from a cell (calamine gives floats) as an integer.
fn whole(f: f64) -> Option<i64> {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        Some(f as i64)
    } else {
        None
    }
}

/// The text a cell shows: whole numbers without a decimal point.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => whole(*f).map_or_else(|| f.to_string(), |n| n.to_string()),
        other => other.to_string().trim().to_owned(),
    }
}

fn cell_value(cell: &Data, kind: Kind) -> Value {
    match kind {
        Kind::Text => Value::String(cell_text(cell)),
        Kind::List => Value::Array(
            cell_text(cell)
                .split(LIST_SEPARATORS)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ),
        Kind::Number => match cell {
            Data::Empty => Value::Null,
            Data::Int(n) => Value::from(*n),
            Data::Float(f) => match whole(*f) {
                Some(n) => Value::from(n),
                // Kept as a number so validation reports “应为…整数，实际为2.5”.
                None => serde_json::Number::from_f64(*f)
                    .map_or_else(|| Value::String(f.to_string()), Value::Number),
            },
            Data::Bool(b) => Value::Bool(*b),
            _ => {
                let s = cell_text(cell);
                if s.is_empty() {
                    Value::Null
                } else if s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 9 {
                    // A number stored as text (Excel's green triangle).
                    s.parse::<u64>().map_or(Value::String(s), Value::from)
                } else {
                    Value::String(s)
                }
            }
        },
        Kind::Flag => match cell {
            Data::Empty => Value::Null,
            Data::Bool(b) => Value::Bool(*b),
            Data::Int(1) => Value::Bool(true),
            Data::Int(0) => Value::Bool(false),
            Data::Float(f) if *f == 1.0 => Value::Bool(true),
            Data::Float(f) if *f == 0.0 => Value::Bool(false),
            _ => {
                let s = cell_text(cell);
                match s.to_ascii_lowercase().as_str() {
                    "" => Value::Null,
                    "是" | "true" | "1" => Value::Bool(true),
                    "否" | "false" | "0" => Value::Bool(false),
                    // Kept as text so validation reports “应为 true 或 false”.
                    _ => Value::String(s),
                }
            }
        },
    }
}

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;
