//! 专项活动报告 as an XLSX workbook: one sheet per table of the printed
//! report — 阶段 (phases), 任务 (tasks), 指标 (KPIs: baseline → current →
//! target, met or not) — each headed by the campaign's name and dates.

use crate::campaign::CampaignView;
use jiff::civil::Date;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

/// Sheet names, in order.
pub const SHEETS: [&str; 3] = ["阶段", "任务", "指标"];

struct Formats {
    title: Format,
    head: Format,
    cell: Format,
    pct: Format,
}

fn heading(
    sheet: &mut Worksheet,
    f: &Formats,
    title: &str,
    note: &str,
    columns: &[(&str, f64)],
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(0, 0, title, &f.title)?;
    sheet.write_string(1, 0, note)?;
    for (c, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, *name, &f.head)?;
        sheet.set_column_width(c as u16, *width)?;
    }
    Ok(4)
}

fn yes_no(v: Option<bool>, yes: &str, no: &str) -> String {
    match v {
        Some(true) => yes.into(),
        Some(false) => no.into(),
        None => "—".into(),
    }
}

/// Builds the workbook of a campaign as read now.
pub fn workbook(hall_name: &str, c: &CampaignView, printed_on: Date) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        title: Format::new().set_bold().set_font_size(14),
        head: Format::new().set_bold().set_border(FormatBorder::Thin),
        cell: Format::new().set_border(FormatBorder::Thin),
        pct: Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format("0.00%"),
    };
    let title = format!("{hall_name} {}", c.name);
    let note = format!(
        "活动期间：{} 至 {}（{}天，{}）　基线期：{} 至 {}　统计至：{}　制表日期：{printed_on}",
        c.from,
        c.to,
        c.days,
        c.state_label,
        c.baseline_from,
        c.baseline_to,
        c.current_to
            .map_or_else(|| "未开始".to_owned(), |d| d.to_string()),
    );
    let mut book = Workbook::new();

    let sheet = book.add_worksheet().set_name(SHEETS[0])?;
    let first = heading(
        sheet,
        &f,
        &title,
        &note,
        &[
            ("序号", 6.0),
            ("阶段", 24.0),
            ("开始日期", 12.0),
            ("结束日期", 12.0),
            ("天数", 8.0),
            ("状态", 10.0),
        ],
    )?;
    for (i, p) in c.phases.iter().enumerate() {
        let row = first + i as u32;
        sheet.write_number_with_format(row, 0, (i + 1) as f64, &f.cell)?;
        sheet.write_string_with_format(row, 1, &p.name, &f.cell)?;
        sheet.write_string_with_format(row, 2, p.from.to_string(), &f.cell)?;
        sheet.write_string_with_format(row, 3, p.to.to_string(), &f.cell)?;
        sheet.write_number_with_format(row, 4, f64::from(p.days), &f.cell)?;
        sheet.write_string_with_format(row, 5, p.state_label, &f.cell)?;
    }

    let sheet = book.add_worksheet().set_name(SHEETS[1])?;
    let first = heading(
        sheet,
        &f,
        &title,
        &note,
        &[
            ("序号", 6.0),
            ("任务", 40.0),
            ("负责人", 14.0),
            ("账号", 12.0),
            ("完成期限", 12.0),
            ("状态", 10.0),
        ],
    )?;
    for (i, t) in c.tasks.iter().enumerate() {
        let row = first + i as u32;
        sheet.write_number_with_format(row, 0, (i + 1) as f64, &f.cell)?;
        sheet.write_string_with_format(row, 1, &t.title, &f.cell)?;
        sheet.write_string_with_format(row, 2, &t.owner_name, &f.cell)?;
        sheet.write_string_with_format(row, 3, &t.owner, &f.cell)?;
        sheet.write_string_with_format(row, 4, t.due.to_string(), &f.cell)?;
        sheet.write_string_with_format(row, 5, t.status_label, &f.cell)?;
    }

    let sheet = book.add_worksheet().set_name(SHEETS[2])?;
    let first = heading(
        sheet,
        &f,
        &title,
        &note,
        &[
            ("指标", 16.0),
            ("代码", 22.0),
            ("方向", 10.0),
            ("基线", 12.0),
            ("当前", 12.0),
            ("目标", 12.0),
            ("是否达标", 10.0),
            ("较基线", 10.0),
        ],
    )?;
    for (i, k) in c.kpis.iter().enumerate() {
        let row = first + i as u32;
        sheet.write_string_with_format(row, 0, k.label, &f.cell)?;
        sheet.write_string_with_format(row, 1, k.metric, &f.cell)?;
        sheet.write_string_with_format(row, 2, k.better, &f.cell)?;
        for (col, v) in [(3u16, k.baseline), (4, k.current), (5, Some(k.target))] {
            match v {
                // The rates as fractions (as the API gives them), shown as percentages.
                Some(v) if k.unit == "%" => sheet.write_number_with_format(row, col, v, &f.pct)?,
                Some(v) => sheet.write_number_with_format(row, col, v, &f.cell)?,
                None => sheet.write_string_with_format(row, col, "—", &f.cell)?,
            };
        }
        sheet.write_string_with_format(row, 6, yes_no(k.met, "达标", "未达标"), &f.cell)?;
        sheet.write_string_with_format(row, 7, yes_no(k.improved, "改善", "未改善"), &f.cell)?;
    }
    book.save_to_buffer()
}
