//! Importing a ledger from an earlier system (历史办件导入).

use super::*;
use crate::auth::{Session, require};
use crate::{Actor, AppError, AppResult};
use domain::permission::Permission;

impl crate::case::CaseService {
    /// Imports a ledger from an earlier system: CSV
    /// `number,item,accepted_on,completed_on,deadline[,department]`, checked
    /// whole first; the department is the catalog item's unless a column names it.
    #[tracing::instrument(skip_all)]
    pub async fn import_cases(&self, session: &Session, csv_text: &str) -> AppResult<u64> {
        require(session, Permission::HistoryImport)?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| AppError::invalid("csv", format!("无法读取表头：{e}")))?
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        // An optional sixth column names the department (code or full name)
        // where the earlier system kept it; else the catalog's item tells.
        let columns: Vec<&str> = header.iter().map(String::as_str).collect();
        let with_department = match columns.as_slice() {
            ["number", "item", "accepted_on", "completed_on", "deadline"] => false,
            [
                "number",
                "item",
                "accepted_on",
                "completed_on",
                "deadline",
                "department",
            ] => true,
            _ => {
                return Err(AppError::invalid(
                    "csv",
                    "表头应为 number,item,accepted_on,completed_on,deadline（可再加一列 department）",
                ));
            }
        };
        let catalog = self.published().await?;
        let now = self.now();
        let mut cases = Vec::new();
        // Query codes distinct within the file (a ledger may hold 200,000 rows).
        let mut codes = std::collections::HashSet::new();
        for (i, row) in reader.records().enumerate() {
            let line = i + 2;
            let row = row.map_err(|e| {
                AppError::invalid(&format!("rows[{line}]"), format!("第{line}行无法读取：{e}"))
            })?;
            let field = |n: &str| format!("rows[{line}].{n}");
            let date = |n: &str, s: &str, required: bool| -> AppResult<Option<Date>> {
                if s.is_empty() && !required {
                    return Ok(None);
                }
                s.parse::<Date>()
                    .map(Some)
                    .map_err(|_| AppError::invalid(&field(n), format!("第{line}行{n}应为 YYYY-MM-DD")))
            };
            let number = row[0].to_owned();
            if number.is_empty() || number.chars().count() > 60 {
                return Err(AppError::invalid(
                    &field("number"),
                    format!("第{line}行办件编号不能为空"),
                ));
            }
            let accepted_on = date("accepted_on", &row[2], true)?;
            let completed_on = date("completed_on", &row[3], false)?;
            let deadline = date("deadline", &row[4], false)?;
            // The item's name and department from this hall's catalog when it
            // lists the code; an item the catalog no longer has keeps its code.
            let item = catalog.item(&row[1]);
            let department = match (with_department, row.get(5).unwrap_or("")) {
                (true, d) if !d.is_empty() => catalog
                    .departments
                    .iter()
                    .find(|x| x.is_named(d))
                    .map(|x| x.name.clone())
                    .ok_or_else(|| {
                        AppError::invalid(&field("department"), format!("第{line}行没有部门“{d}”"))
                    })?,
                _ => item.map(|i| i.department.clone()).unwrap_or_default(),
            };
            let received = accepted_on.unwrap_or(now.to_zoned(self.settings.time_zone()).date());
            cases.push(CaseRecord {
                id: Uuid::now_v7(),
                number,
                query_code: domain::case::distinct_query_code(&mut codes, rand::random),
                parent_id: None,
                item_code: row[1].to_owned(),
                item_name: item.map_or_else(|| row[1].to_owned(), |i| i.name.clone()),
                department,
                handling: Handling::Unrecorded,
                promised_days: 0,
                applicant_kind: ApplicantKind::Imported,
                applicant_name: String::new(),
                id_sealed: String::new(),
                id_key: String::new(),
                id_masked: String::new(),
                phone_sealed: String::new(),
                phone_tail: String::new(),
                legal_rep: String::new(),
                agent: String::new(),
                agent_basis: String::new(),
                ticket_id: None,
                window: String::new(),
                staff: String::new(),
                status: if completed_on.is_some() {
                    CaseStatus::Completed
                } else {
                    CaseStatus::Accepted
                },
                status_before_pause: None,
                materials: Vec::new(),
                missing: Vec::new(),
                received_on: received,
                accepted_on,
                deadline,
                paused_days: 0,
                pause_started_on: None,
                extension_days: 0,
                approved: None,
                decision_reason: String::new(),
                completed_on,
                imported: true,
                created_at: now,
                updated_at: now,
                deadline_provisional: false,
                deadline_before: None,
                phone_key: None,
                phone_masked: None,
            });
        }
        if cases.is_empty() {
            return Err(AppError::invalid("csv", "没有可导入的数据行"));
        }
        let n = self.store.import_cases(&cases).await.map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict(
                crate::Conflict::AlreadyExists,
                "导入的办件编号与已有办件重复，未导入任何数据".into(),
            ),
            other => other.into(),
        })?;
        self.audit(
            &Actor::user(&session.user),
            "case.import",
            "",
            &format!("导入 {n} 件历史办件"),
        )
        .await?;
        Ok(n)
    }
}
