//! 办件: acceptance with one-time notice (一次性告知), the case lifecycle
//! with lawful pauses and one extension, public progress, and the ledger's
//! figures. Personal numbers are sealed; lists and the public see them masked.

use crate::Hall;
use crate::auth::{Session, require};
use crate::crypto::DataCipher;
use crate::queue::person_key;
use crate::{AppError, AppResult};
use domain::case::{
    ApplicantKind, CaseAction, CaseStatus, Handling, MaterialCheck, MaterialStatus, Pause, can_move,
    paused_working_days,
};
use domain::identity::{IdNumber, Uscc, mask, mask_name, validate_mobile};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::case::{CaseEvent, CaseRecord};
use uuid::Uuid;

mod accept;
mod history;
mod identity;
mod lifecycle;
mod progress;
// issue 17: 告知承诺制, 数据共享、电子证照
mod claims;
mod sources;
pub use claims::{MaterialClaims, SharedRecord};
pub use sources::{ExchangeSource, LocalSources, SharingQuery, SharingSource};

pub use identity::CaseIdentity;

/// The applicant as sent: a person or an organisation.
#[derive(Debug, Clone, Default)]
pub struct ApplicantInput {
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub uscc: Option<String>,
    pub legal_rep: Option<String>,
}

/// A material as the staff member ticked it, as sent: its status is one of
/// the [`MaterialStatus`] codes (checked with the rest of the request).
#[derive(Debug, Clone, Default)]
pub struct MaterialInput {
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone, Default)]
pub struct CaseRequest {
    pub item: String,
    /// 一件事: a bundle's code instead of an item.
    pub bundle: Option<String>,
    pub applicant: ApplicantInput,
    pub ticket_id: Option<String>,
    pub materials: Vec<MaterialInput>,
    pub agent: Option<String>,
    pub agent_basis: Option<String>,
}

/// A case as staff and the API see it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: CaseRecord,
    pub status_label: &'static str,
    /// Working days left to the deadline (negative when overdue).
    pub days_left: Option<i64>,
    /// normal, amber or red.
    pub urgency: &'static str,
    /// 经办人: the clerk's name (not the username).
    pub staff_name: String,
    pub steps: Vec<CaseEvent>,
    /// 一件事: the sub-cases routed to each department.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sub_cases: Vec<CaseRecord>,
    /// 信用记录 (issue 17): the applicant's false commitments, shown to staff
    /// at acceptance.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credit_warnings: Vec<store::commitment::CreditRecord>,
}

/// What the public progress query shows: no ID numbers, the name masked.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub number: String,
    pub item: String,
    /// The applicant's name, masked to its first character (张**).
    pub applicant: String,
    pub status: CaseStatus,
    pub status_label: &'static str,
    pub deadline: Option<Date>,
    /// 暂定: the deadline counts a day of a provisional calendar year.
    pub deadline_provisional: bool,
    pub paused_days: i64,
    /// 待补正: the materials still to bring (the one-time notice's list).
    pub missing_materials: Vec<String>,
    /// After the decision: 准予许可 / 不予许可 with the reason given.
    pub outcome: Option<String>,
    /// Where and how to collect the result (可领取), once completed.
    pub collect: Option<String>,
    pub steps: Vec<ProgressStep>,
    /// 数据共享: what the hall fetched for the case (source, material, date; issue 17).
    pub shared_data: Vec<SharedDataLine>,
}

/// One record the hall fetched by data sharing, as the applicant sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SharedDataLine {
    pub source: &'static str,
    pub material: String,
    pub date: Date,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgressStep {
    pub at: String,
    pub step: String,
}

/// Figures of the ledger (`GET /api/reports/cases`).
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    pub from: Date,
    pub to: Date,
    pub accepted: u64,
    pub completed: u64,
    pub completion_rate: Option<f64>,
    pub on_time: u64,
    pub on_time_rate: Option<f64>,
    pub overdue: u64,
}

pub(super) const ID_PURPOSE: &str = "case.id_number";
pub(super) const PHONE_PURPOSE: &str = "case.phone";

/// The steps that send a 办件进度 SMS ([`CaseService::notify_status`]'s
/// subjects are `{number}:{step}`); the timeline reads them back by these keys.
pub const SMS_STEPS: [&str; 4] = ["supplement", "accepted", "completed", "delivered"];

impl CaseService {
    /// 办件进度短信: tells the applicant (who left a phone) that the case is
    /// waiting for materials (补正), accepted (受理), completed and ready to
    /// collect (办结，可领取) or delivered; each once per case, whatever
    /// calls it again.
    pub(super) async fn notify_status(&self, c: &CaseRecord) -> AppResult<()> {
        if c.phone_sealed.is_empty() || c.parent_id.is_some() || c.imported {
            return Ok(());
        }
        let hall = &self.settings.hall;
        let progress = format!("{}/progress", hall.public_url.trim_end_matches('/'));
        let (step, body) = match c.status {
            CaseStatus::Supplement => (
                "supplement",
                format!(
                    "您申请的{}（办件编号{}）材料不齐，需补正：{}。请带齐后到大厅补正。进度查询：{progress}",
                    c.item_name,
                    c.number,
                    c.missing.join("、")
                ),
            ),
            CaseStatus::Accepted => (
                "accepted",
                format!(
                    "您申请的{}已受理，办件编号{}，查询码{}{}。进度查询：{progress}",
                    c.item_name,
                    c.number,
                    c.query_code,
                    c.deadline.map(|d| format!("，承诺{d}前办结")).unwrap_or_default()
                ),
            ),
            CaseStatus::Completed => (
                "completed",
                format!(
                    "您申请的{}（办件编号{}）已办结，结果可领取：请在办公时间携带身份证件和受理回执到{}领取。",
                    c.item_name, c.number, hall.address
                ),
            ),
            CaseStatus::Delivered => (
                "delivered",
                format!("您申请的{}（办件编号{}）办理结果已送达。", c.item_name, c.number),
            ),
            _ => return Ok(()),
        };
        let cipher = crate::crypto::DataCipher::new(&self.settings.security.data_key)?;
        let phone = cipher.open(PHONE_PURPOSE, &c.phone_sealed)?;
        // Every phone in the outbox is sealed for one purpose, the gateway's.
        let sealed = cipher.seal(crate::queue::TICKET_PHONE, &phone)?;
        self.send_sms(
            domain::evaluation::SmsKind::CaseStatus,
            &format!("{}:{step}", c.number),
            None,
            &sealed,
            body,
        )
        .await?;
        Ok(())
    }
}

pub(super) fn rule(e: domain::case::CaseRuleError) -> AppError {
    AppError::Conflict(crate::Conflict::WrongStatus, e.to_string())
}

pub(super) fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("办件不存在".into()),
        StoreError::Conflict { .. } => AppError::Conflict(
            crate::Conflict::ChangedMeanwhile,
            "办件已被他人处理，请刷新后重试".into(),
        ),
        other => other.into(),
    }
}

/// 办件 service: cases and their ledger; a case accepted at a window
/// finishes that window's ticket through the queue.
#[derive(Clone)]
pub struct CaseService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn store::case::CaseStore>,
    pub(crate) ledger_store: Arc<dyn store::case_ledger::CaseLedgerStore>,
    pub(crate) queue: crate::queue::QueueService,
    // issue 17: 告知承诺制, 数据共享、电子证照
    pub(crate) claims: Arc<dyn store::commitment::CommitmentStore>,
    /// The province's data sharing exchange, when the hall has one (`[sharing]`).
    pub(crate) exchange: Option<Arc<ExchangeSource>>,
}

impl CaseService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn store::Store>,
        queue: crate::queue::QueueService,
    ) -> CaseService {
        let exchange =
            ExchangeSource::from_settings(&hall.settings.sharing, &hall.settings.hall.code).map(Arc::new);
        CaseService {
            hall,
            exchange,
            store: store.clone(),
            ledger_store: store.clone(),
            queue,
            // issue 17: 告知承诺制, 数据共享、电子证照
            claims: store,
        }
    }
}

impl CaseService {
    pub(super) async fn case_event(
        &self,
        session: &Session,
        action: &str,
        status: CaseStatus,
        note: &str,
    ) -> CaseEvent {
        CaseEvent {
            at: self.now(),
            actor: session.user.username.clone(),
            action: action.into(),
            status,
            note: note.into(),
        }
    }

    pub(super) async fn case_view_of(&self, case: CaseRecord) -> AppResult<CaseView> {
        let today = self.today();
        let cal = self.calendar().await?;
        let status = case.status;
        let open = !matches!(
            status,
            CaseStatus::Completed | CaseStatus::Delivered | CaseStatus::Refused | CaseStatus::Supplement
        );
        let days_left = match case.deadline {
            Some(d) if open => Some(domain::case::working_days_left(&cal, today, d)?),
            _ => None,
        };
        let urgency = match case.deadline {
            Some(d) if open => domain::case::urgency(
                &cal,
                d,
                today,
                self.settings.cases.amber_days,
                status == CaseStatus::Paused,
            )?
            .code(),
            _ => "normal",
        };
        let steps = self.store.case_events(case.id).await?;
        let sub_cases = if case.handling == Handling::Bundle {
            self.store.sub_cases(case.id).await?
        } else {
            Vec::new()
        };
        let staff_name = self.staff_name(&case.staff).await?;
        Ok(CaseView {
            credit_warnings: Vec::new(),
            staff_name,
            sub_cases,
            status_label: status.label(),
            days_left,
            urgency,
            steps,
            case,
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn case(&self, session: &Session, id: Uuid) -> AppResult<CaseView> {
        require(session, Permission::CaseRead)?;
        let c = self.store.case_by_id(id).await.map_err(not_found)?;
        self.case_scope(session).await?.check(&c)?;
        self.case_view_of(c).await
    }
}
