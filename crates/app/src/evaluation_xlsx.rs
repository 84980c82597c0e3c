//! 满意度评价统计表 as an XLSX workbook: the same columns as the page, with
//! the hall's name, the period, the formula and the signature lines.

use crate::auth::Session;
use crate::evaluation_report::{Figures, SatisfactionReport};
use crate::{AppError, AppResult};
use domain::evaluation::Level;
use jiff::civil::Date;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use store::evaluation::Dimension;

/// The columns after the name, as on the page and the printed table.
pub const COLUMNS: [&str; 10] = [
    "评价总数",
    "非常满意",
    "满意",
    "基本满意",
    "不满意",
    "非常不满意",
    "有效评价",
    "剔除",
    "差评",
    "满意率",
];

/// How a grouping is named in titles and headers.
pub fn group_label(code: Option<&str>) -> (&'static str, &'static str) {
    match code {
        Some("window") => ("按窗口", "窗口"),
        Some("department") => ("按部门", "部门"),
        Some("staff") => ("按工作人员", "工作人员"),
        Some("item") => ("按事项", "事项"),
        Some("channel") => ("按评价渠道", "评价渠道"),
        _ => ("全中心", "范围"),
    }
}

/// The counts of one line in column order: total, five levels, valid, excluded, 差评.
pub fn counts(f: &Figures) -> [u64; 9] {
    let level = |l: Level| f.by_level.get(l.code()).copied().unwrap_or(0);
    [
        f.total,
        level(Level::VerySatisfied),
        level(Level::Satisfied),
        level(Level::Basic),
        level(Level::Dissatisfied),
        level(Level::VeryDissatisfied),
        f.valid,
        f.excluded,
        f.bad,
    ]
}

fn write_line(
    sheet: &mut Worksheet,
    row: u32,
    name: &str,
    f: &Figures,
    cell: &Format,
    pct: &Format,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(row, 0, name, cell)?;
    for (c, n) in counts(f).iter().enumerate() {
        sheet.write_number_with_format(row, (c + 1) as u16, *n as f64, cell)?;
    }
    match f.rate {
        Some(r) => sheet.write_number_with_format(row, 10, r, pct)?,
        None => sheet.write_string_with_format(row, 10, "—", cell)?,
    };
    Ok(())
}

/// Builds the workbook of a report.
pub fn workbook(
    hall_name: &str,
    report: &SatisfactionReport,
    printed_on: Date,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("满意度评价统计表")?;
    sheet.set_paper_size(9); // A4
    sheet.set_landscape();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin);
    let pct = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.00%");
    let total_cell = cell.clone().set_bold();
    let total_pct = pct.clone().set_bold();

    let (grouping, column) = group_label(report.group_by);
    sheet.merge_range(0, 0, 0, 10, &format!("{hall_name} 满意度评价统计表"), &title)?;
    sheet.write_string(
        1,
        0,
        format!(
            "统计期间：{} 至 {}　　统计口径：{grouping}　　制表日期：{printed_on}",
            report.from, report.to
        ),
    )?;
    sheet.write_string_with_format(2, 0, column, &head)?;
    for (c, h) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(2, (c + 1) as u16, *h, &head)?;
    }
    let mut row = 3;
    for g in report.groups.iter().flatten() {
        write_line(sheet, row, &g.name, &g.figures, &cell, &pct)?;
        row += 1;
    }
    write_line(sheet, row, "全中心合计", &report.figures, &total_cell, &total_pct)?;
    row += 2;
    sheet.write_string(row, 0, format!("计算公式：{}", report.formula))?;
    sheet.write_string(
        row + 1,
        0,
        "注：差评 = 不满意 + 非常不满意；剔除为申诉成立、不计入有效评价的评价。",
    )?;
    sheet.write_string(row + 3, 0, "制表人：")?;
    sheet.write_string(row + 3, 6, "审核人：")?;
    sheet.set_column_width(0, 22)?;
    for c in 1..=10 {
        sheet.set_column_width(c, 10)?;
    }
    book.save_to_buffer()
}

impl crate::evaluation::EvaluationService {
    /// The 满意度评价统计表 of a period as XLSX (leader/admin).
    pub async fn satisfaction_xlsx(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        by: Option<Dimension>,
    ) -> AppResult<Vec<u8>> {
        let report = self.satisfaction(session, from, to, by).await?;
        workbook(&self.settings.hall.name, &report, self.today()).map_err(AppError::internal)
    }
}
