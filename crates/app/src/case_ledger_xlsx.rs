//! The service ledger (服务台账) as an XLSX workbook: one sheet of cases
//! with the filter in the title row.

use crate::auth::Session;
use crate::case_ledger::{EXPORT_LIMIT, LedgerQuery};
use crate::{AppError, AppResult};
use rust_xlsxwriter::{Format, Workbook};

const HEADERS: [&str; 13] = [
    "办件编号",
    "事项编码",
    "事项名称",
    "部门",
    "窗口",
    "经办人",
    "申请人",
    "状态",
    "受理日期",
    "办结时限",
    "办结日期",
    "暂停天数",
    "预警",
];

impl crate::case::CaseService {
    /// The filtered ledger as a workbook (at most [`EXPORT_LIMIT`] rows).
    pub async fn ledger_xlsx(&self, session: &Session, q: &LedgerQuery) -> AppResult<Vec<u8>> {
        let (rows, total) = self.ledger_all(session, q).await?;
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("服务台账").map_err(AppError::internal)?;
        let bold = Format::new().set_bold();
        let day = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut title = format!("服务台账（受理日期 {} 至 {}", day(q.from), day(q.to));
        for (label, v) in [
            ("部门", &q.department),
            ("窗口", &q.window),
            ("事项", &q.item),
            ("状态", &q.status),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                title.push_str(&format!("，{label} {v}"));
            }
        }
        title.push_str(&format!("，共 {total} 件）"));
        if total > EXPORT_LIMIT {
            title.push_str(&format!("仅导出前 {EXPORT_LIMIT} 件，请缩小范围"));
        }
        sheet.write_string(0, 0, title).map_err(AppError::internal)?;
        for (c, h) in HEADERS.iter().enumerate() {
            sheet
                .write_string_with_format(1, c as u16, *h, &bold)
                .map_err(AppError::internal)?;
        }
        for (i, l) in rows.iter().enumerate() {
            let line = (i + 2) as u32;
            let r = &l.row;
            let cells = [
                r.number.clone(),
                r.item_code.clone(),
                r.item_name.clone(),
                r.department.clone(),
                r.window.clone(),
                r.staff.clone(),
                r.applicant_name.clone(),
                l.status_label.to_owned(),
                day(r.accepted_on),
                match (r.deadline, r.deadline_provisional) {
                    (Some(d), true) => format!("{d}（暂定）"),
                    (d, _) => day(d),
                },
                day(r.completed_on),
            ];
            for (c, v) in cells.iter().enumerate() {
                sheet
                    .write_string(line, c as u16, v)
                    .map_err(AppError::internal)?;
            }
            sheet
                .write_number(line, 11, r.paused_days as f64)
                .map_err(AppError::internal)?;
            sheet
                .write_string(line, 12, l.urgency_label)
                .map_err(AppError::internal)?;
        }
        sheet.set_column_width(0, 22).map_err(AppError::internal)?;
        sheet.set_column_width(2, 30).map_err(AppError::internal)?;
        book.save_to_buffer().map_err(AppError::internal)
    }
}
