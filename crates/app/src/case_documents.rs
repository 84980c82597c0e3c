//! The printed documents of a case: the one-time notice (一次性告知书) with
//! every missing material's form and copies from the catalog and the date to
//! bring them, the receipt (受理回执), and the written refusal (不予受理 /
//! 不予许可). Personal numbers appear only masked.

use crate::auth::Session;
use crate::case::CaseView;
use crate::{AppError, AppResult};
use domain::case::CaseStatus;
use jiff::civil::Date;
use uuid::Uuid;

/// Working days the applicant has to bring what the notice lists (补正期限).
pub const SUPPLEMENT_DAYS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseDocumentKind {
    Notice,
    Receipt,
    Refusal,
    /// 准予行政许可决定书.
    Approval,
}

/// The remedies a refusal names (救济途径), with their time limits.
pub const REMEDIES: [&str; 2] = [
    "依照《中华人民共和国行政复议法》第二十条，自知道该行政行为之日起六十日内，向本机关的上一级主管部门或者本级人民政府申请行政复议",
    "依照《中华人民共和国行政诉讼法》第四十六条，自知道或者应当知道作出行政行为之日起六个月内，直接向有管辖权的人民法院提起行政诉讼",
];

/// A missing material as the notice prints it.
#[derive(Debug, Clone)]
pub struct NoticeMaterial {
    pub name: String,
    /// 原件, 复印件…; empty when the catalog does not list the material.
    pub form: String,
    pub copies: u32,
    pub required: bool,
}

#[derive(Debug, Clone)]
pub struct CaseDocument {
    pub view: CaseView,
    /// The date the document speaks for: the notice's, the acceptance's or the refusal's.
    pub issued_on: Date,
    /// The notice: every missing material.
    pub missing: Vec<NoticeMaterial>,
    /// The notice: the last day to bring them.
    pub return_by: Option<Date>,
    /// The notice: `return_by` counts a day of a provisional calendar year (暂定).
    pub return_by_provisional: bool,
    /// The refusal: 不予受理 or 不予许可, and the written reason.
    pub refusal_title: &'static str,
    pub reason: String,
    /// 设定依据 of the item, from the catalog (empty when it gives none).
    pub legal_basis: Vec<String>,
}

impl crate::case::CaseService {
    /// The content of one printed document of a case; a document that does not
    /// fit the case's status (a receipt before acceptance…) is a conflict.
    pub async fn case_document(
        &self,
        session: &Session,
        id: Uuid,
        kind: CaseDocumentKind,
    ) -> AppResult<CaseDocument> {
        let view = self.case(session, id).await?;
        let tz = self.settings.time_zone();
        let day_of = |action: &[&str]| {
            view.steps
                .iter()
                .rev()
                .find(|s| action.contains(&s.action.as_str()))
                .map(|s| s.at.to_zoned(tz.clone()).date())
        };
        let c = &view.case;
        let mut doc = CaseDocument {
            issued_on: c.received_on,
            missing: Vec::new(),
            return_by: None,
            return_by_provisional: false,
            refusal_title: "",
            reason: String::new(),
            legal_basis: self
                .published()
                .await?
                .item(&c.item_code)
                .map(|i| i.legal_basis.clone())
                .unwrap_or_default(),
            view: view.clone(),
        };
        match kind {
            CaseDocumentKind::Notice => {
                if c.missing.is_empty() {
                    return Err(AppError::Conflict(
                        crate::Conflict::NotApplicable,
                        "该办件材料齐全，无需出具一次性告知书".into(),
                    ));
                }
                let catalog = self.published().await?;
                let item = catalog.item(&c.item_code);
                doc.missing = c
                    .missing
                    .iter()
                    .map(|name| {
                        let m = item.and_then(|i| i.materials.iter().find(|m| &m.name == name));
                        NoticeMaterial {
                            name: name.clone(),
                            form: m.map(|m| m.form.clone()).unwrap_or_default(),
                            copies: m.map(|m| m.copies).unwrap_or(0),
                            required: m.is_none_or(|m| m.required),
                        }
                    })
                    .collect();
                doc.issued_on = day_of(&["supplement_notice", "supplement"]).unwrap_or(c.received_on);
                let by = self.deadline(doc.issued_on, SUPPLEMENT_DAYS).await?;
                doc.return_by = Some(by.date);
                doc.return_by_provisional = by.provisional;
            }
            CaseDocumentKind::Receipt => {
                let Some(accepted) = c.accepted_on else {
                    return Err(AppError::Conflict(
                        crate::Conflict::NotApplicable,
                        "办件尚未受理（材料不齐），请打印一次性告知书".into(),
                    ));
                };
                doc.issued_on = accepted;
            }
            CaseDocumentKind::Refusal => {
                if c.status == CaseStatus::Refused {
                    doc.refusal_title = "不予受理通知书";
                    doc.reason = view
                        .steps
                        .iter()
                        .rev()
                        .find(|s| s.action == "refuse")
                        .map(|s| s.note.clone())
                        .unwrap_or_default();
                    doc.issued_on = day_of(&["refuse"]).unwrap_or(c.received_on);
                } else if c.approved == Some(false) {
                    doc.refusal_title = "不予行政许可决定书";
                    doc.reason = c.decision_reason.clone();
                    doc.issued_on = day_of(&["decide"]).unwrap_or(c.received_on);
                } else {
                    return Err(AppError::Conflict(
                        crate::Conflict::NotApplicable,
                        "该办件没有不予受理或不予许可的决定".into(),
                    ));
                }
            }
            CaseDocumentKind::Approval => {
                if c.approved != Some(true) {
                    return Err(AppError::Conflict(
                        crate::Conflict::NotApplicable,
                        "该办件尚未作出准予许可的决定".into(),
                    ));
                }
                doc.reason = c.decision_reason.clone();
                doc.issued_on = day_of(&["decide"]).unwrap_or(c.received_on);
            }
        }
        Ok(doc)
    }
}
