//! 网上申报 and 预审 (issue 17 part 2): a citizen or company applies online
//! for an item marked 全程网办 or 网上预审, uploading each material (PDF,
//! JPEG or PNG, known by content) or choosing 告知承诺 / 数据共享; staff of
//! the item pre-review it in a queue, accept it (a case is created through
//! the case acceptance use case, its deadline counted from that day) or send
//! the one-time notice of 补正 (online and by SMS), after which the citizen
//! uploads again on the same application. Personal data is sealed at rest.

use crate::auth::{Session, require};
use crate::case::{ApplicantInput, CaseRequest, CaseService, MaterialInput};
use crate::case_scope::CaseScope;
use crate::crypto::DataCipher;
use crate::queue::person_key;
use crate::{Actor, AppError, AppResult, Conflict, Hall};
use domain::application::{
    ApplicationStatus, Delivery, Supply, UploadError, UploadLimits, bundle_as_one_form, can_apply_online,
    check_address, check_file, check_notice, check_total, is_material_of, number_prefix, unsupplied,
};
use domain::case::{ApplicantKind, MaterialCheck, MaterialStatus};
use domain::catalog::Item;
use domain::commitment::Holder;
use domain::identity::{IdNumber, Uscc, mask, mask_name, validate_mobile};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use store::StoreError;
use store::application::{
    ApplicationEvent, ApplicationFile, ApplicationRecord, ApplicationStore, SuppliedMaterial,
};
use uuid::Uuid;

const NAME_PURPOSE: &str = "application.name";
const ID_PURPOSE: &str = "application.id_number";
const PHONE_PURPOSE: &str = "application.phone";
const ADDRESS_PURPOSE: &str = "application.address";
/// Who the steps name when the citizen acts.
const APPLICANT: &str = "申请人";
/// Who asks the sharing sources for an application submitted online.
const ONLINE_OPERATOR: &str = "网上申报";

/// An uploaded file as received.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A material as sent: a file, or a status (`commitment`, `shared`).
#[derive(Debug, Clone)]
pub struct MaterialSupply {
    pub name: String,
    pub file: Option<Upload>,
    pub status: Option<String>,
}

/// The applicant as sent: a person with 身份证号 or a company with 统一社会信用代码.
#[derive(Debug, Clone, Default)]
pub struct ApplicantIn {
    pub name: String,
    pub id_number: Option<String>,
    pub uscc: Option<String>,
    pub phone: String,
}

/// An online application as sent (`POST /api/applications`).
#[derive(Debug, Clone)]
pub struct Submission {
    pub item: String,
    pub applicant: ApplicantIn,
    /// `pickup` (default) or `post`.
    pub delivery: Option<String>,
    pub address: Option<String>,
    pub materials: Vec<MaterialSupply>,
}

/// What the applicant keeps: the number and the query code.
#[derive(Debug, Clone, Serialize)]
pub struct Submitted {
    pub id: Uuid,
    pub number: String,
    pub status: ApplicationStatus,
    pub query_code: String,
    pub item: String,
    pub review_due: Date,
}

/// A material as the public and staff see it.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialView {
    pub name: String,
    pub supply: Supply,
    pub supply_label: &'static str,
    pub file: Option<ApplicationFile>,
    /// Named in the current 补正 notice: to be supplied again.
    pub to_supply: bool,
}

/// A step as the public sees it.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub at: String,
    pub step: String,
    pub note: String,
}

/// Public progress (申报进度) by number and query code: the applicant masked.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationProgress {
    pub id: Uuid,
    pub number: String,
    pub item: String,
    pub item_code: String,
    pub applicant: String,
    pub status: ApplicationStatus,
    pub status_label: &'static str,
    pub submitted_on: Date,
    pub review_due: Date,
    pub delivery: Delivery,
    pub delivery_label: &'static str,
    /// 一次性告知: the materials to supply again, while 待补正.
    pub notice_missing: Vec<String>,
    pub notice_note: String,
    pub materials: Vec<MaterialView>,
    /// After acceptance: the case's number and its progress page.
    pub case_number: Option<String>,
    pub case_progress: Option<String>,
    pub steps: Vec<StepView>,
}

/// One line of the pre-review queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueEntry {
    pub id: Uuid,
    pub number: String,
    pub item: String,
    pub item_code: String,
    pub department: String,
    pub applicant: String,
    pub status: ApplicationStatus,
    pub status_label: &'static str,
    pub submitted_on: Date,
    pub queued_at: String,
    /// 预审时限.
    pub review_due: Date,
    pub overdue: bool,
}

/// An application as its reviewer sees it (name and address in the clear,
/// numbers masked; the view is audit-logged).
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub record: ApplicationRecord,
    pub applicant_name: String,
    pub applicant_kind_label: &'static str,
    pub status_label: &'static str,
    pub delivery_label: &'static str,
    pub address: String,
    pub materials_view: Vec<MaterialView>,
    pub files: Vec<ApplicationFile>,
    pub steps: Vec<StepView>,
    pub can_review: bool,
    pub case_number: Option<String>,
    /// 信用记录: the applicant's false commitments (告知承诺核查不实), for the reviewer.
    pub credit_warnings: Vec<store::commitment::CreditRecord>,
}

/// 预审 decision.
#[derive(Debug, Clone)]
pub enum Review {
    Accept,
    Supplement { missing: Vec<String>, note: String },
}

/// What a review answers.
#[derive(Debug, Clone, Serialize)]
pub struct Reviewed {
    pub id: Uuid,
    pub number: String,
    pub status: ApplicationStatus,
    pub case_id: Option<Uuid>,
    pub case_number: Option<String>,
    /// The case's deadline, counted from the acceptance date.
    pub deadline: Option<Date>,
    pub notice_missing: Vec<String>,
}

/// 网上申报 service: applications and their files; acceptance goes through cases.
#[derive(Clone)]
pub struct ApplicationService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn ApplicationStore>,
    pub(crate) cases: CaseService,
}

fn bad(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(field, message)
}

fn upload_refusal(material: &str, e: UploadError) -> AppError {
    bad("materials", format!("材料“{material}”：{e}"))
}

fn unknown() -> AppError {
    AppError::NotFound("没有查到该申报，请核对申报编号和查询码".into())
}

fn changed(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("申报不存在".into()),
        StoreError::Conflict { .. } => AppError::Conflict(
            Conflict::ChangedMeanwhile,
            "该申报已被他人处理，请刷新后重试".into(),
        ),
        other => other.into(),
    }
}

/// A file name to keep: no path, no control characters, at most 100 characters.
fn clean_file_name(raw: &str, content_type: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    let name = name.trim();
    if name.is_empty() {
        format!("材料.{}", domain::application::extension(content_type))
    } else {
        name.to_owned()
    }
}

impl ApplicationService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn store::Store>, cases: CaseService) -> ApplicationService {
        ApplicationService { hall, store, cases }
    }

    fn limits(&self) -> UploadLimits {
        let c = &self.settings.cases;
        UploadLimits::from_mb(c.upload_file_mb, c.upload_total_mb)
    }

    /// The size limits as citizens read them (单个文件不超过10MB，合计不超过50MB).
    pub fn limits_text(&self) -> String {
        let c = &self.settings.cases;
        format!(
            "PDF、JPG 或 PNG，单个文件不超过{}MB，合计不超过{}MB",
            c.upload_file_mb, c.upload_total_mb
        )
    }

    /// A published item that may be applied for online.
    pub async fn online_item(&self, code: &str) -> AppResult<Item> {
        let catalog = self.published().await?;
        // 一件事: one form for all its items (一表申请).
        if let Some(bundle) = catalog.bundle(code.trim()) {
            let items: Vec<Item> = bundle
                .items
                .iter()
                .filter_map(|c| catalog.item(c).cloned())
                .collect();
            return bundle_as_one_form(bundle, &items).map_err(|e| bad("item", e));
        }
        let item = catalog
            .item(code.trim())
            .ok_or_else(|| bad("item", format!("事项“{}”不在已发布的目录中", code.trim())))?
            .clone();
        if !can_apply_online(&item) {
            return Err(bad(
                "item",
                format!(
                    "“{}”为{}事项，不能网上申报，请到大厅窗口办理",
                    item.name, item.online
                ),
            ));
        }
        Ok(item)
    }

    /// Checks the files of a submission (each, then all together) and makes
    /// their records; nothing is stored here.
    fn checked_files(
        &self,
        application_id: Uuid,
        given: &[MaterialSupply],
        item: &Item,
    ) -> AppResult<(Vec<SuppliedMaterial>, Vec<FileWithBody>)> {
        let limits = self.limits();
        let now = self.now();
        let mut out: Vec<SuppliedMaterial> = Vec::new();
        let mut files = Vec::new();
        for m in given {
            let name = m.name.trim();
            if name.is_empty() {
                return Err(bad("materials", "材料名称不能为空"));
            }
            if !is_material_of(item, name) {
                return Err(bad("materials", format!("“{name}”不是“{}”的申请材料", item.name)));
            }
            if out.iter().any(|o| o.name == name) {
                return Err(bad("materials", format!("材料“{name}”重复提交")));
            }
            let (supply, file) = match (&m.file, m.status.as_deref().map(str::trim)) {
                (Some(upload), None) => {
                    let content_type =
                        check_file(&upload.bytes, limits).map_err(|e| upload_refusal(name, e))?;
                    let record = ApplicationFile {
                        id: Uuid::now_v7(),
                        application_id,
                        material: name.to_owned(),
                        file_name: clean_file_name(&upload.file_name, content_type),
                        content_type: content_type.to_owned(),
                        size: upload.bytes.len() as i64,
                        sha256: hex::encode(Sha256::digest(&upload.bytes)),
                        uploaded_at: now,
                    };
                    let id = record.id;
                    files.push((record, upload.bytes.clone()));
                    (Supply::File, Some(id))
                }
                (None, Some(status)) => match Supply::parse(status) {
                    // Checked against the catalog and the sharing sources in `submit`
                    // (`CaseService::check_material_claims`), and again at acceptance.
                    Some(s @ (Supply::Commitment | Supply::Shared)) => (s, None),
                    _ => {
                        return Err(bad(
                            "materials",
                            format!("材料“{name}”的状态应为 commitment（告知承诺）或 shared（数据共享）"),
                        ));
                    }
                },
                (Some(_), Some(_)) => {
                    return Err(bad(
                        "materials",
                        format!("材料“{name}”请上传文件或选择状态，不能同时提交"),
                    ));
                }
                (None, None) => {
                    return Err(bad("materials", format!("材料“{name}”未上传文件")));
                }
            };
            out.push(SuppliedMaterial {
                name: name.to_owned(),
                supply,
                file,
            });
        }
        check_total(files.iter().map(|(f, _)| f.size as u64), limits)
            .map_err(|e| bad("materials", e.to_string()))?;
        Ok((out, files))
    }

    /// 网上申报: checks the applicant, the delivery and every material, then
    /// stores the application with its files in one transaction. On any
    /// refusal nothing is stored.
    #[tracing::instrument(skip_all)]
    pub async fn submit(&self, req: &Submission) -> AppResult<Submitted> {
        let item = self.online_item(&req.item).await?;
        let today = self.today();
        let a = &req.applicant;
        let name = a.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(bad("name", "申请人名称应为1至100个字"));
        }
        let key = &self.settings.security.data_key;
        let cipher = DataCipher::new(key)?;
        let id_number = a.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let uscc = a.uscc.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let (kind, id_plain, id_key, id_masked) = match (id_number, uscc) {
            (Some(id), None) => {
                let id = IdNumber::parse(id, today).map_err(|e| bad("id_number", format!("身份证号{e}")))?;
                (
                    ApplicantKind::Person,
                    id.as_str().to_owned(),
                    person_key(key, "id", id.as_str())?,
                    id.masked(),
                )
            }
            (None, Some(code)) => {
                let code = Uscc::parse(code).map_err(|e| bad("uscc", format!("统一社会信用代码{e}")))?;
                (
                    ApplicantKind::Organisation,
                    code.as_str().to_owned(),
                    person_key(key, "uscc", code.as_str())?,
                    mask(code.as_str(), 6, 4),
                )
            }
            (Some(_), Some(_)) => {
                return Err(bad(
                    "uscc",
                    "个人填身份证号，单位填统一社会信用代码，不能同时填写",
                ));
            }
            (None, None) => return Err(bad("id_number", "请填写申请人身份证号或统一社会信用代码")),
        };
        let phone = a.phone.trim();
        if phone.is_empty() {
            return Err(bad("phone", "请填写手机号，补正通知和办理进度将以短信告知"));
        }
        validate_mobile(phone).map_err(|e| bad("phone", e.to_string()))?;
        let delivery = match req.delivery.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => Delivery::Pickup,
            Some(d) => Delivery::parse(d)
                .ok_or_else(|| bad("delivery", "送达方式应为 pickup（窗口自取）或 post（邮寄）"))?,
        };
        let address = match delivery {
            Delivery::Pickup => String::new(),
            Delivery::Post => {
                check_address(req.address.as_deref().unwrap_or("")).map_err(|e| bad("address", e))?
            }
        };
        let id = Uuid::now_v7();
        let (materials, files) = self.checked_files(id, &req.materials, &item)?;
        let supplied: Vec<&str> = materials.iter().map(|m| m.name.as_str()).collect();
        if let Some(first) = unsupplied(&item, &supplied).first() {
            return Err(bad(
                "materials",
                format!("缺少必需材料“{first}”：请上传文件或选择告知承诺、数据共享"),
            ));
        }
        // 告知承诺 only where the catalog allows it; 共享调取 only when a valid
        // record of that type exists for the applicant (the same check as at
        // the window): refused naming the material, nothing stored.
        let claims: Vec<MaterialCheck> = materials
            .iter()
            .filter_map(|m| {
                let status = match m.supply {
                    Supply::Commitment => MaterialStatus::Commitment,
                    Supply::Shared => MaterialStatus::Shared,
                    Supply::File => return None,
                };
                Some(MaterialCheck {
                    name: m.name.clone(),
                    status,
                })
            })
            .collect();
        if !claims.is_empty() {
            let holder = match kind {
                ApplicantKind::Organisation => Holder::Organisation(
                    Uscc::parse(&id_plain).map_err(|e| bad("uscc", format!("统一社会信用代码{e}")))?,
                ),
                _ => Holder::Person(
                    IdNumber::parse(&id_plain, today)
                        .map_err(|e| bad("id_number", format!("身份证号{e}")))?,
                ),
            };
            self.cases
                .check_material_claims(std::slice::from_ref(&item), &holder, &claims, ONLINE_OPERATOR)
                .await?;
        }
        let now = self.now();
        let record = ApplicationRecord {
            id,
            number: String::new(),
            query_code: domain::case::query_code(rand::random()),
            item_code: item.code.clone(),
            item_name: item.name.clone(),
            department: item.department.clone(),
            applicant_kind: kind,
            name_sealed: cipher.seal(NAME_PURPOSE, name)?,
            name_masked: mask_name(name),
            id_sealed: cipher.seal(ID_PURPOSE, &id_plain)?,
            id_key,
            id_masked,
            phone_sealed: cipher.seal(PHONE_PURPOSE, phone)?,
            phone_masked: mask(phone, 3, 4),
            delivery,
            address_sealed: if address.is_empty() {
                String::new()
            } else {
                cipher.seal(ADDRESS_PURPOSE, &address)?
            },
            status: ApplicationStatus::Submitted,
            materials,
            notice_missing: Vec::new(),
            notice_note: String::new(),
            case_id: None,
            submitted_on: today,
            review_due: self.deadline(today, self.settings.cases.review_days).await?.date,
            queued_at: now,
            created_at: now,
            updated_at: now,
        };
        let event = ApplicationEvent {
            at: now,
            actor: APPLICANT.into(),
            action: "submit".into(),
            note: format!("上传{}个文件", files.len()),
        };
        let prefix = number_prefix(&self.settings.hall.code, today);
        let stored = self
            .store
            .create_application(&record, &files, &prefix, &event)
            .await?;
        self.audit(
            &Actor {
                username: APPLICANT.into(),
                role: None,
            },
            "application.submit",
            &stored.number,
            &format!("{}：网上申报", stored.item_name),
        )
        .await?;
        Ok(Submitted {
            id: stored.id,
            number: stored.number,
            status: stored.status,
            query_code: stored.query_code,
            item: stored.item_name,
            review_due: stored.review_due,
        })
    }

    /// The application whose number and query code both match (a wrong pair
    /// looks like an unknown one and counts against the throttle).
    async fn by_code(
        &self,
        number_or_id: Lookup<'_>,
        code: &str,
        client: &str,
    ) -> AppResult<ApplicationRecord> {
        let target = match number_or_id {
            Lookup::Number(n) => n.trim().to_owned(),
            Lookup::Id(id) => id.to_string(),
        };
        let guards = self.lookup_guards("lookup.application", Some(&target), client);
        self.check_guards(&guards).await?;
        let found = async {
            let code = domain::case::normalize_query_code(code).ok_or_else(unknown)?;
            let a = match number_or_id {
                Lookup::Number(n) => self.store.application_by_number(n.trim()).await,
                Lookup::Id(id) => self.store.application(id).await,
            }
            .map_err(|e| match e {
                StoreError::NotFound(_) => unknown(),
                other => other.into(),
            })?;
            if a.query_code != code {
                return Err(unknown());
            }
            Ok(a)
        }
        .await;
        if matches!(found, Err(AppError::NotFound(_))) {
            self.record_guards(&guards).await?;
        }
        found
    }

    fn steps(&self, events: Vec<ApplicationEvent>) -> Vec<StepView> {
        let tz = self.settings.time_zone();
        events
            .into_iter()
            .map(|e| StepView {
                at: e.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
                step: match e.action.as_str() {
                    "submit" => "网上提交申报".into(),
                    "supplement_notice" => "预审：一次性告知补正".into(),
                    "resubmit" => "补正材料已提交".into(),
                    "accept" => "预审通过".into(),
                    "case" => "已受理".into(),
                    "accept_failed" => "受理未成功，退回预审".into(),
                    other => other.into(),
                },
                note: e.note,
            })
            .collect()
    }

    fn material_views(&self, a: &ApplicationRecord, files: &[ApplicationFile]) -> Vec<MaterialView> {
        let notice = a.status == ApplicationStatus::Supplement;
        a.materials
            .iter()
            .map(|m| MaterialView {
                name: m.name.clone(),
                supply: m.supply,
                supply_label: m.supply.label(),
                file: m.file.and_then(|id| files.iter().find(|f| f.id == id).cloned()),
                to_supply: notice && a.notice_missing.contains(&m.name),
            })
            .chain(
                // A notice may name a material that was not supplied at all.
                a.notice_missing
                    .iter()
                    .filter(|n| notice && !a.materials.iter().any(|m| &&m.name == n))
                    .map(|n| MaterialView {
                        name: n.clone(),
                        supply: Supply::File,
                        supply_label: "未提交",
                        file: None,
                        to_supply: true,
                    }),
            )
            .collect()
    }

    /// Public progress by number and query code (throttled like case progress).
    #[tracing::instrument(skip_all)]
    pub async fn progress(&self, number: &str, code: &str, client: &str) -> AppResult<ApplicationProgress> {
        if number.trim().is_empty() || code.trim().is_empty() {
            return Err(bad("number", "请填写申报编号和查询码"));
        }
        let a = self.by_code(Lookup::Number(number), code, client).await?;
        self.progress_of(a).await
    }

    async fn progress_of(&self, a: ApplicationRecord) -> AppResult<ApplicationProgress> {
        let files = self.store.application_files(a.id).await?;
        let steps = self.steps(self.store.application_events(a.id).await?);
        let case = match a.case_id {
            Some(id) => Some(self.cases.store.case_by_id(id).await?),
            None => None,
        };
        let supplement = a.status == ApplicationStatus::Supplement;
        Ok(ApplicationProgress {
            materials: self.material_views(&a, &files),
            id: a.id,
            number: a.number,
            item: a.item_name,
            item_code: a.item_code,
            applicant: a.name_masked,
            status: a.status,
            status_label: a.status.label(),
            submitted_on: a.submitted_on,
            review_due: a.review_due,
            delivery: a.delivery,
            delivery_label: a.delivery.label(),
            notice_missing: if supplement { a.notice_missing } else { Vec::new() },
            notice_note: if supplement { a.notice_note } else { String::new() },
            case_number: case.as_ref().map(|c| c.number.clone()),
            case_progress: case.map(|c| format!("/progress?code={}", c.query_code)),
            steps,
        })
    }

    /// 补正 by the citizen on the same application, authorised by its query
    /// code: only the materials named in the notice, and every one of them.
    #[tracing::instrument(skip_all)]
    pub async fn supplement(
        &self,
        id: Uuid,
        code: &str,
        given: &[MaterialSupply],
        client: &str,
    ) -> AppResult<ApplicationProgress> {
        let a = self.by_code(Lookup::Id(id), code, client).await?;
        if a.status != ApplicationStatus::Supplement {
            return Err(AppError::Conflict(
                Conflict::WrongStatus,
                format!("该申报{}，无需补正", a.status.label()),
            ));
        }
        let item = self.online_item(&a.item_code).await?;
        for m in given {
            if !a.notice_missing.iter().any(|n| n == m.name.trim()) {
                return Err(bad(
                    "materials",
                    format!("只能补正一次性告知中列出的材料，“{}”不在其中", m.name.trim()),
                ));
            }
        }
        let (supplied, files) = self.checked_files(a.id, given, &item)?;
        if let Some(first) = a
            .notice_missing
            .iter()
            .find(|n| !supplied.iter().any(|s| &&s.name == n))
        {
            return Err(bad("materials", format!("请补正材料“{first}”")));
        }
        let now = self.now();
        let today = self.today();
        let mut next = a.clone();
        for s in supplied {
            match next.materials.iter_mut().find(|m| m.name == s.name) {
                Some(m) => *m = s,
                None => next.materials.push(s),
            }
        }
        next.status = ApplicationStatus::Resubmitted;
        next.queued_at = now;
        next.updated_at = now;
        next.review_due = self.deadline(today, self.settings.cases.review_days).await?.date;
        let event = ApplicationEvent {
            at: now,
            actor: APPLICANT.into(),
            action: "resubmit".into(),
            note: format!("补正：{}", a.notice_missing.join("、")),
        };
        self.store
            .update_application(&next, ApplicationStatus::Supplement, &files, &event)
            .await
            .map_err(changed)?;
        self.audit(
            &Actor {
                username: APPLICANT.into(),
                role: None,
            },
            "application.resubmit",
            &a.number,
            &event.note,
        )
        .await?;
        self.progress_of(next).await
    }

    /// Whether the person of `scope` may pre-review `a`: the administrator any; a liaison
    /// their department's items; window staff the items their windows'
    /// categories cover (and their department's).
    async fn may_review(&self, scope: &CaseScope, a: &ApplicationRecord) -> AppResult<bool> {
        Ok(match scope {
            CaseScope::All => true,
            CaseScope::Department { name, .. } => &a.department == name,
            CaseScope::Staff {
                windows, department, ..
            } => {
                if department.as_deref() == Some(a.department.as_str()) {
                    return Ok(true);
                }
                // A 一件事: the windows of any of its items.
                let codes = match self.published().await?.bundle(&a.item_code) {
                    Some(b) => b.items.clone(),
                    None => vec![a.item_code.clone()],
                };
                let all_windows = self.cases.queue.cached_windows().await?;
                let categories = self.cases.queue.cached_categories().await?;
                all_windows
                    .iter()
                    .filter(|w| windows.contains(&w.number))
                    .flat_map(|w| w.categories.iter())
                    .filter_map(|c| categories.iter().find(|k| &k.prefix == c))
                    .any(|k| k.items.iter().any(|i| codes.contains(i)))
            }
        })
    }

    async fn reviewable(&self, session: &Session, id: Uuid) -> AppResult<ApplicationRecord> {
        require(session, Permission::ApplicationReview)?;
        let a = self.store.application(id).await.map_err(changed)?;
        let scope = self.cases.case_scope(session).await?;
        if !self.may_review(&scope, &a).await? {
            return Err(AppError::Forbidden("该申报不属于您的部门或窗口所办事项".into()));
        }
        Ok(a)
    }

    /// The pre-review queue (预审队列): what this person may review, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn review_queue(&self, session: &Session) -> AppResult<Vec<QueueEntry>> {
        require(session, Permission::ApplicationReview)?;
        let today = self.today();
        let tz = self.settings.time_zone();
        let mut out = Vec::new();
        let scope = self.cases.case_scope(session).await?;
        for a in self.store.applications_awaiting_review().await? {
            if !self.may_review(&scope, &a).await? {
                continue;
            }
            out.push(QueueEntry {
                id: a.id,
                number: a.number,
                item: a.item_name,
                item_code: a.item_code,
                department: a.department,
                applicant: a.name_masked,
                status: a.status,
                status_label: a.status.label(),
                submitted_on: a.submitted_on,
                queued_at: a
                    .queued_at
                    .to_zoned(tz.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string(),
                overdue: a.review_due < today,
                review_due: a.review_due,
            });
        }
        Ok(out)
    }

    /// One application for its reviewer; the view is audit-logged.
    #[tracing::instrument(skip_all)]
    pub async fn detail(&self, session: &Session, id: Uuid) -> AppResult<ApplicationDetail> {
        let a = self.reviewable(session, id).await?;
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let files = self.store.application_files(a.id).await?;
        let steps = self.steps(self.store.application_events(a.id).await?);
        let case_number = match a.case_id {
            Some(c) => Some(self.cases.store.case_by_id(c).await?.number),
            None => None,
        };
        self.audit(
            &Actor::user(&session.user),
            "application.view",
            &a.number,
            "查看网上申报及申请人信息",
        )
        .await?;
        let credit_warnings = self.cases.credit_warnings(&a.id_key).await?;
        Ok(ApplicationDetail {
            credit_warnings,
            applicant_name: cipher.open(NAME_PURPOSE, &a.name_sealed)?,
            applicant_kind_label: match a.applicant_kind {
                ApplicantKind::Organisation => "单位",
                _ => "个人",
            },
            status_label: a.status.label(),
            delivery_label: a.delivery.label(),
            address: if a.address_sealed.is_empty() {
                String::new()
            } else {
                cipher.open(ADDRESS_PURPOSE, &a.address_sealed)?
            },
            materials_view: self.material_views(&a, &files),
            can_review: a.status.awaits_review(),
            files,
            steps,
            case_number,
            record: a,
        })
    }

    /// One uploaded file for its reviewer (audit-logged).
    #[tracing::instrument(skip_all)]
    pub async fn file(
        &self,
        session: &Session,
        id: Uuid,
        file_id: Uuid,
    ) -> AppResult<(ApplicationFile, Vec<u8>)> {
        let a = self.reviewable(session, id).await?;
        let (meta, body) = self.store.application_file(file_id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("文件不存在".into()),
            other => other.into(),
        })?;
        if meta.application_id != a.id {
            return Err(AppError::NotFound("文件不存在".into()));
        }
        self.audit(
            &Actor::user(&session.user),
            "application.file",
            &a.number,
            &format!("查看材料“{}”（{}）", meta.material, meta.file_name),
        )
        .await?;
        Ok((meta, body))
    }

    /// 预审: accept (a case through the acceptance use case, its deadline from
    /// today) or 补正 (the one-time notice, online and by SMS).
    #[tracing::instrument(skip_all)]
    pub async fn review(&self, session: &Session, id: Uuid, decision: &Review) -> AppResult<Reviewed> {
        let a = self.reviewable(session, id).await?;
        if !a.status.awaits_review() {
            return Err(AppError::Conflict(
                Conflict::WrongStatus,
                format!("该申报{}，不在预审队列中", a.status.label()),
            ));
        }
        match decision {
            Review::Accept => self.accept(session, a).await,
            Review::Supplement { missing, note } => self.ask_supplement(session, a, missing, note).await,
        }
    }

    async fn ask_supplement(
        &self,
        session: &Session,
        a: ApplicationRecord,
        missing: &[String],
        note: &str,
    ) -> AppResult<Reviewed> {
        let item = self.published().await?.item(&a.item_code).cloned();
        let missing = match &item {
            Some(item) => check_notice(item, missing, note).map_err(|e| bad("missing", e))?,
            None => {
                return Err(AppError::Conflict(
                    Conflict::NotInCatalog,
                    "该事项已不在目录中".into(),
                ));
            }
        };
        let note = note.trim().to_owned();
        let now = self.now();
        let mut next = a.clone();
        next.status = ApplicationStatus::Supplement;
        next.notice_missing = missing.clone();
        next.notice_note = note.clone();
        next.updated_at = now;
        let text = if note.is_empty() {
            format!("一次性告知补正：{}", missing.join("、"))
        } else {
            format!("一次性告知补正：{}（{note}）", missing.join("、"))
        };
        let event = ApplicationEvent {
            at: now,
            actor: session.user.username.clone(),
            action: "supplement_notice".into(),
            note: text.clone(),
        };
        self.store
            .update_application(&next, a.status, &[], &event)
            .await
            .map_err(changed)?;
        self.audit(
            &Actor::user(&session.user),
            "application.supplement",
            &a.number,
            &text,
        )
        .await?;
        // 补正短信 through the hall's outbox: one per notice.
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let phone = cipher.open(PHONE_PURPOSE, &a.phone_sealed)?;
        let sealed = cipher.seal(crate::queue::TICKET_PHONE, &phone)?;
        let url = format!(
            "{}/apply/progress",
            self.settings.hall.public_url.trim_end_matches('/')
        );
        let body = format!(
            "您网上申报的{}（申报编号{}）需补正：{}。{}请凭申报编号和查询码在{url}重新上传，无需到大厅。",
            a.item_name,
            a.number,
            missing.join("、"),
            if note.is_empty() {
                String::new()
            } else {
                format!("说明：{note}。")
            }
        );
        self.send_sms(
            domain::evaluation::SmsKind::CaseStatus,
            &format!("{}:supplement:{}", a.number, now.as_millisecond()),
            None,
            &sealed,
            body,
        )
        .await?;
        Ok(Reviewed {
            id: a.id,
            number: a.number,
            status: ApplicationStatus::Supplement,
            case_id: None,
            case_number: None,
            deadline: None,
            notice_missing: missing,
        })
    }

    async fn accept(&self, session: &Session, a: ApplicationRecord) -> AppResult<Reviewed> {
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let id_plain = cipher.open(ID_PURPOSE, &a.id_sealed)?;
        let (id_number, uscc) = match a.applicant_kind {
            ApplicantKind::Organisation => (None, Some(id_plain)),
            _ => (Some(id_plain), None),
        };
        let is_bundle = self.published().await?.bundle(&a.item_code).is_some();
        let req = CaseRequest {
            item: if is_bundle {
                String::new()
            } else {
                a.item_code.clone()
            },
            bundle: is_bundle.then(|| a.item_code.clone()),
            applicant: ApplicantInput {
                name: cipher.open(NAME_PURPOSE, &a.name_sealed)?,
                id_number,
                uscc,
                phone: Some(cipher.open(PHONE_PURPOSE, &a.phone_sealed)?),
                legal_rep: None,
            },
            materials: a
                .materials
                .iter()
                .map(|m| MaterialInput {
                    name: m.name.clone(),
                    status: match m.supply {
                        Supply::File => "provided".into(),
                        Supply::Shared => "shared".into(),
                        // 告知承诺: the case opens its verification task (核查).
                        Supply::Commitment => "commitment".into(),
                    },
                })
                .collect(),
            ..CaseRequest::default()
        };
        // Take the application out of the queue first, so two reviewers cannot both make a case.
        let now = self.now();
        let mut taken = a.clone();
        taken.status = ApplicationStatus::Accepted;
        taken.updated_at = now;
        let event = ApplicationEvent {
            at: now,
            actor: session.user.username.clone(),
            action: "accept".into(),
            note: "材料齐全，预审通过".into(),
        };
        self.store
            .update_application(&taken, a.status, &[], &event)
            .await
            .map_err(changed)?;
        let origin = format!("网上申报{}预审通过转受理，结果{}", a.number, a.delivery.label());
        let case = match self.cases.accept_case_with(session, &req, Some(&origin)).await {
            Ok(c) => c,
            Err(e) => {
                // Back into the queue, with why.
                let mut back = taken.clone();
                back.status = a.status;
                back.updated_at = self.now();
                let event = ApplicationEvent {
                    at: back.updated_at,
                    actor: session.user.username.clone(),
                    action: "accept_failed".into(),
                    note: e.to_string(),
                };
                self.store
                    .update_application(&back, ApplicationStatus::Accepted, &[], &event)
                    .await
                    .map_err(changed)?;
                return Err(e);
            }
        };
        let mut linked = taken;
        linked.case_id = Some(case.case.id);
        linked.updated_at = self.now();
        let event = ApplicationEvent {
            at: linked.updated_at,
            actor: session.user.username.clone(),
            action: "case".into(),
            note: format!(
                "办件编号{}{}",
                case.case.number,
                case.case
                    .deadline
                    .map(|d| format!("，承诺{d}前办结"))
                    .unwrap_or_default()
            ),
        };
        self.store
            .update_application(&linked, ApplicationStatus::Accepted, &[], &event)
            .await
            .map_err(changed)?;
        self.audit(
            &Actor::user(&session.user),
            "application.accept",
            &a.number,
            &format!("转受理，办件编号{}", case.case.number),
        )
        .await?;
        Ok(Reviewed {
            id: a.id,
            number: a.number,
            status: ApplicationStatus::Accepted,
            case_id: Some(case.case.id),
            case_number: Some(case.case.number.clone()),
            deadline: case.case.deadline,
            notice_missing: Vec::new(),
        })
    }
}

/// An uploaded file's record and its bytes, before they are stored.
type FileWithBody = (ApplicationFile, Vec<u8>);

#[derive(Clone, Copy)]
enum Lookup<'a> {
    Number(&'a str),
    Id(Uuid),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(
            clean_file_name("C:\\Users\\a\\申请书.pdf", "application/pdf"),
            "申请书.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd", "image/png"), "passwd");
        assert_eq!(clean_file_name("", "image/png"), "材料.png");
        assert_eq!(clean_file_name("a\nb.jpg", "image/jpeg"), "ab.jpg");
    }
}
