//! 办件: acceptance with one-time notice (一次性告知), the case lifecycle
//! with lawful pauses and one extension, public progress, and the ledger's
//! figures. Personal numbers are sealed; lists and the public see them masked.

use crate::auth::{Session, require};
use crate::crypto::DataCipher;
use crate::queue::person_key;
use crate::{Actor, App, AppError, AppResult};
use domain::case::{CaseAction, CaseStatus, Pause, can_move, paused_working_days};
use domain::identity::{IdNumber, Uscc, mask, mask_name, validate_mobile};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use store::StoreError;
use store::case::{CaseEvent, CaseRecord, MaterialCheck};
use uuid::Uuid;

/// The applicant as sent: a person or an organisation.
#[derive(Debug, Clone, Default)]
pub struct ApplicantInput {
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub uscc: Option<String>,
    pub legal_rep: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CaseRequest {
    pub item: String,
    /// 一件事: a bundle's code instead of an item.
    pub bundle: Option<String>,
    pub applicant: ApplicantInput,
    pub ticket_id: Option<String>,
    pub materials: Vec<MaterialCheck>,
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
    pub steps: Vec<CaseEvent>,
    /// 一件事: the sub-cases routed to each department.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sub_cases: Vec<CaseRecord>,
}

/// What the public progress query shows: no ID numbers, the name masked.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub number: String,
    pub item: String,
    /// The applicant's name, masked to its first character (张**).
    pub applicant: String,
    pub status: String,
    pub status_label: &'static str,
    pub deadline: Option<Date>,
    /// 暂定: the deadline counts a day of a provisional calendar year.
    pub deadline_provisional: bool,
    pub paused_days: i64,
    pub steps: Vec<ProgressStep>,
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

const ID_PURPOSE: &str = "case.id_number";
const PHONE_PURPOSE: &str = "case.phone";

fn status_of(c: &CaseRecord) -> AppResult<CaseStatus> {
    CaseStatus::parse(&c.status).ok_or_else(|| {
        AppError::Conflict(
            crate::Conflict::Unreadable,
            format!("办件状态“{}”无法识别", c.status),
        )
    })
}

fn rule(e: domain::case::CaseRuleError) -> AppError {
    AppError::Conflict(crate::Conflict::WrongStatus, e.to_string())
}

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("办件不存在".into()),
        StoreError::Conflict { .. } => AppError::Conflict(
            crate::Conflict::ChangedMeanwhile,
            "办件已被他人处理，请刷新后重试".into(),
        ),
        other => other.into(),
    }
}

fn checked_materials(given: &[MaterialCheck]) -> AppResult<Vec<MaterialCheck>> {
    let mut out: Vec<MaterialCheck> = Vec::new();
    for m in given {
        let name = m.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("materials", "材料名称应为1至100个字"));
        }
        if !matches!(m.status.as_str(), "provided" | "shared" | "missing") {
            return Err(AppError::invalid(
                "materials",
                format!("材料“{name}”的状态应为 provided、shared 或 missing"),
            ));
        }
        match out.iter_mut().find(|o| o.name == name) {
            Some(o) => o.status = m.status.clone(),
            None => out.push(MaterialCheck {
                name: name.to_owned(),
                status: m.status.clone(),
            }),
        }
    }
    Ok(out)
}

/// Every required material of the item not provided or shared, and every
/// material marked missing: the whole one-time notice, never a part of it.
fn missing_of(item: &domain::catalog::Item, checks: &[MaterialCheck]) -> Vec<String> {
    let mut missing: Vec<String> = item
        .materials
        .iter()
        // A shareable material is fetched by the hall (可共享免提交) unless marked missing.
        .filter(|m| m.required && !m.shareable)
        .filter(|m| {
            !checks
                .iter()
                .any(|c| c.name == m.name && matches!(c.status.as_str(), "provided" | "shared"))
        })
        .map(|m| m.name.clone())
        .collect();
    for c in checks.iter().filter(|c| c.status == "missing") {
        if !missing.contains(&c.name) {
            missing.push(c.name.clone());
        }
    }
    missing
}

impl App {
    async fn case_event(&self, session: &Session, action: &str, status: CaseStatus, note: &str) -> CaseEvent {
        CaseEvent {
            at: self.now(),
            actor: session.user.username.clone(),
            action: action.into(),
            status: status.code().into(),
            note: note.into(),
        }
    }

    /// 受理: checks the applicant and the materials; complete → accepted with a
    /// deadline, incomplete → 补正 with the list of everything missing.
    #[tracing::instrument(skip_all)]
    pub async fn accept_case(&self, session: &Session, req: &CaseRequest) -> AppResult<CaseView> {
        require(session, Permission::CaseHandle)?;
        let today = self.today();
        let a = &req.applicant;
        let name = a.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("name", "申请人名称应为1至100个字"));
        }
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let (kind, id_sealed, id_key, id_masked) = match (a.id_number.as_deref(), a.uscc.as_deref()) {
            (Some(id), None) => {
                let id = IdNumber::parse(id.trim(), today)
                    .map_err(|e| AppError::invalid("id_number", format!("身份证号{e}")))?;
                (
                    "person",
                    cipher.seal(ID_PURPOSE, id.as_str())?,
                    person_key(&self.settings.security.data_key, "id", id.as_str())?,
                    id.masked(),
                )
            }
            (None, Some(code)) => {
                let code = Uscc::parse(code.trim())
                    .map_err(|e| AppError::invalid("uscc", format!("统一社会信用代码{e}")))?;
                (
                    "organisation",
                    cipher.seal(ID_PURPOSE, code.as_str())?,
                    person_key(&self.settings.security.data_key, "uscc", code.as_str())?,
                    mask(code.as_str(), 6, 4),
                )
            }
            (Some(_), Some(_)) => {
                return Err(AppError::invalid(
                    "uscc",
                    "个人填身份证号，单位填统一社会信用代码，不能同时填写",
                ));
            }
            (None, None) => {
                return Err(AppError::invalid(
                    "id_number",
                    "请填写申请人身份证号或统一社会信用代码",
                ));
            }
        };
        let phone = a.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
        if let Some(p) = phone {
            validate_mobile(p).map_err(|e| AppError::invalid("phone", e.to_string()))?;
        }
        let catalog = self.published().await?;
        // 一件事: one parent case, one sub-case per item, one set of materials.
        let (items, bundle) = match req.bundle.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            Some(code) => {
                let bundle = catalog
                    .bundle(code)
                    .ok_or_else(|| AppError::invalid("bundle", format!("一件事“{code}”不在已发布的目录中")))?
                    .clone();
                let items = bundle
                    .items
                    .iter()
                    .map(|c| {
                        catalog.item(c).cloned().ok_or_else(|| {
                            AppError::Conflict(
                                crate::Conflict::NotInCatalog,
                                format!("一件事中的事项“{c}”已不在目录中"),
                            )
                        })
                    })
                    .collect::<AppResult<Vec<_>>>()?;
                (items, Some(bundle))
            }
            None => {
                let item = catalog
                    .item(req.item.trim())
                    .ok_or_else(|| {
                        AppError::invalid("item", format!("事项“{}”不在已发布的目录中", req.item.trim()))
                    })?
                    .clone();
                (vec![item], None)
            }
        };
        // A liaison accepts only their own department's items.
        if let crate::case_scope::CaseScope::Department { name: own, .. } = self.case_scope(session).await?
            && (bundle.is_some() || items.iter().any(|i| i.department != own))
        {
            return Err(AppError::Forbidden(format!("部门联络员只能受理{own}的事项")));
        }
        let materials = checked_materials(&req.materials)?;
        let ticket_id = match req.ticket_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => {
                let id =
                    Uuid::parse_str(t).map_err(|_| AppError::invalid("ticket_id", "号票编号格式不正确"))?;
                self.store.ticket(id).await.map_err(|e| match e {
                    StoreError::NotFound(_) => AppError::invalid("ticket_id", "号票不存在"),
                    other => other.into(),
                })?;
                Some(id)
            }
        };
        let mut missing: Vec<String> = Vec::new();
        for item in &items {
            for m in missing_of(item, &materials) {
                if !missing.contains(&m) {
                    missing.push(m);
                }
            }
        }
        let status = if missing.is_empty() {
            CaseStatus::Accepted
        } else {
            CaseStatus::Supplement
        };
        let now = self.now();
        let ticket = match ticket_id {
            Some(id) => Some(self.store.ticket(id).await?),
            None => None,
        };
        let template = CaseRecord {
            id: Uuid::now_v7(),
            number: String::new(),
            query_code: domain::case::query_code(rand::random()),
            parent_id: None,
            item_code: String::new(),
            item_name: String::new(),
            department: String::new(),
            handling: String::new(),
            promised_days: 0,
            applicant_kind: kind.into(),
            applicant_name: name.into(),
            id_sealed,
            id_key,
            id_masked,
            phone_sealed: match phone {
                Some(p) => cipher.seal(PHONE_PURPOSE, p)?,
                None => String::new(),
            },
            phone_tail: phone
                .map(|p| p[p.len().saturating_sub(4)..].to_owned())
                .unwrap_or_default(),
            legal_rep: a.legal_rep.clone().unwrap_or_default().trim().to_owned(),
            agent: req.agent.clone().unwrap_or_default().trim().to_owned(),
            agent_basis: req.agent_basis.clone().unwrap_or_default().trim().to_owned(),
            ticket_id,
            window: ticket.as_ref().and_then(|t| t.window.clone()).unwrap_or_default(),
            staff: session.user.username.clone(),
            status: status.code().into(),
            status_before_pause: None,
            materials,
            missing: missing.clone(),
            received_on: today,
            accepted_on: missing.is_empty().then_some(today),
            deadline: None,
            paused_days: 0,
            pause_started_on: None,
            extension_days: 0,
            approved: None,
            decision_reason: String::new(),
            completed_on: None,
            imported: false,
            created_at: now,
            updated_at: now,
            deadline_provisional: false,
            deadline_before: None,
        };
        let mut subs = Vec::with_capacity(items.len());
        for item in &items {
            let mut c = template.clone();
            c.id = Uuid::now_v7();
            c.query_code = domain::case::query_code(rand::random());
            c.item_code = item.code.clone();
            c.item_name = item.name.clone();
            c.department = item.department.clone();
            c.handling = item.handling.clone();
            c.promised_days = i64::from(item.promised_days);
            if missing.is_empty() {
                c.set_deadline(self.deadline(today, item.promised_days).await?);
            }
            subs.push(c);
        }
        let note = if missing.is_empty() {
            "材料齐全，予以受理".to_owned()
        } else {
            format!("一次性告知补正：{}", missing.join("、"))
        };
        let action = if missing.is_empty() {
            "accept"
        } else {
            "supplement_notice"
        };
        let event = self.case_event(session, action, status, &note).await;
        let prefix = format!("{}{}-", self.settings.hall.code, today.strftime("%Y%m%d"));
        let stored = match bundle {
            None => {
                let only = subs.pop().ok_or_else(|| {
                    AppError::Conflict(crate::Conflict::NotInCatalog, "没有可受理的事项".into())
                })?;
                self.store.create_case(&only, &prefix, &event).await?
            }
            Some(bundle) => {
                let mut parent = template;
                parent.item_code = bundle.code.clone();
                parent.item_name = bundle.name.clone();
                parent.department = "多部门并联审批".into();
                parent.handling = "一件事".into();
                parent.promised_days = i64::from(bundle.promised_days);
                if missing.is_empty() {
                    parent.set_deadline(self.deadline(today, bundle.promised_days).await?);
                }
                let (parent, subs) = self
                    .store
                    .create_case_family(&parent, &subs, &prefix, &event)
                    .await?;
                let numbers: Vec<&str> = subs.iter().map(|s| s.number.as_str()).collect();
                self.audit(
                    &Actor::user(&session.user),
                    "case.bundle",
                    &parent.number,
                    &format!("{}：抄告并联 {}", bundle.name, numbers.join("、")),
                )
                .await?;
                parent
            }
        };
        self.audit(&Actor::user(&session.user), "case.accept", &stored.number, &note)
            .await?;
        self.case_view_of(stored).await
    }

    async fn case_view_of(&self, case: CaseRecord) -> AppResult<CaseView> {
        let today = self.today();
        let cal = self.calendar().await?;
        let status = status_of(&case)?;
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
        let sub_cases = if case.handling == "一件事" {
            self.store.sub_cases(case.id).await?
        } else {
            Vec::new()
        };
        Ok(CaseView {
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

    /// 补正: the applicant brings what was missing; once nothing required is
    /// missing the case is accepted and its clock starts that day.
    #[tracing::instrument(skip_all)]
    pub async fn supplement_case(
        &self,
        session: &Session,
        id: Uuid,
        given: &[MaterialCheck],
    ) -> AppResult<CaseView> {
        require(session, Permission::CaseHandle)?;
        let mut c = self.store.case_by_id(id).await.map_err(not_found)?;
        self.case_scope(session).await?.check(&c)?;
        if status_of(&c)? != CaseStatus::Supplement {
            return Err(AppError::Conflict(
                crate::Conflict::WrongStatus,
                "只有待补正的办件才能补正材料".into(),
            ));
        }
        let given = checked_materials(given)?;
        for g in given {
            match c.materials.iter_mut().find(|m| m.name == g.name) {
                Some(m) => m.status = g.status,
                None => c.materials.push(g),
            }
        }
        let catalog = self.published().await?;
        let subs = self.store.sub_cases(c.id).await?;
        let codes: Vec<String> = if subs.is_empty() {
            vec![c.item_code.clone()]
        } else {
            subs.iter().map(|s| s.item_code.clone()).collect()
        };
        let mut missing: Vec<String> = Vec::new();
        for code in &codes {
            let item = catalog.item(code).ok_or_else(|| {
                AppError::Conflict(crate::Conflict::NotInCatalog, format!("事项“{code}”已不在目录中"))
            })?;
            for m in missing_of(item, &c.materials) {
                if !missing.contains(&m) {
                    missing.push(m);
                }
            }
        }
        c.missing = missing;
        let today = self.today();
        let (status, note) = if c.missing.is_empty() {
            let next = can_move(CaseStatus::Supplement, CaseAction::SupplementComplete).map_err(rule)?;
            c.accepted_on = Some(today);
            c.set_deadline(self.deadline(today, c.promised_days.max(0) as u32).await?);
            (next, "补正材料齐全，予以受理".to_owned())
        } else {
            (
                CaseStatus::Supplement,
                format!("仍需补正：{}", c.missing.join("、")),
            )
        };
        c.status = status.code().into();
        c.updated_at = self.now();
        let event = self.case_event(session, "supplement", status, &note).await;
        self.store
            .update_case(&c, CaseStatus::Supplement.code(), &event)
            .await
            .map_err(not_found)?;
        // A bundle's sub-cases share its materials and start together.
        for mut sub in subs {
            sub.materials = c.materials.clone();
            sub.missing = c.missing.clone();
            sub.status = status.code().into();
            sub.updated_at = c.updated_at;
            if status == CaseStatus::Accepted {
                sub.accepted_on = Some(today);
                sub.set_deadline(self.deadline(today, sub.promised_days.max(0) as u32).await?);
            }
            self.store
                .update_case(&sub, CaseStatus::Supplement.code(), &event)
                .await
                .map_err(not_found)?;
        }
        self.audit(&Actor::user(&session.user), "case.supplement", &c.number, &note)
            .await?;
        self.case_view_of(c).await
    }

    /// Moves a case by a lifecycle action, with its reason.
    #[tracing::instrument(skip_all)]
    pub async fn act_on_case(
        &self,
        session: &Session,
        id: Uuid,
        action: &str,
        reason: &str,
        approved: Option<bool>,
        days: Option<u32>,
    ) -> AppResult<CaseView> {
        if action == "extend" {
            // 延期 needs the approval of the hall's leadership (行政许可法第四十二条).
            require(session, Permission::CaseExtend)?;
        } else {
            require(session, Permission::CaseHandle)?;
        }
        let mut c = self.store.case_by_id(id).await.map_err(not_found)?;
        self.case_scope(session).await?.check(&c)?;
        let from = status_of(&c)?;
        let reason = reason.trim();
        let today = self.today();
        let immediate = domain::case::is_immediate(&c.handling, c.promised_days);
        let act = match action {
            "pause" => CaseAction::Pause,
            "resume" => CaseAction::Resume {
                before: c
                    .status_before_pause
                    .as_deref()
                    .and_then(CaseStatus::parse)
                    .unwrap_or(CaseStatus::Accepted),
            },
            "review" => CaseAction::Review,
            "decide" => CaseAction::Decide {
                approved: approved
                    .ok_or_else(|| AppError::invalid("approved", "请说明准予（true）或不予（false）"))?,
            },
            "complete" => CaseAction::Complete { immediate },
            "deliver" => CaseAction::Deliver,
            "refuse" => CaseAction::Refuse,
            "extend" => CaseAction::Extend {
                already_extended: c.extension_days > 0,
            },
            _ => return Err(AppError::NotFound(format!("没有“{action}”这一操作"))),
        };
        let extension = domain::case::check_action_input(act, reason, days)
            .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
        let next = can_move(from, act).map_err(rule)?;
        match act {
            CaseAction::Pause => {
                c.status_before_pause = Some(from.code().into());
                c.pause_started_on = Some(today);
            }
            CaseAction::Resume { .. } => {
                let cal = self.calendar().await?;
                let started = c.pause_started_on.unwrap_or(today);
                let pause = Pause {
                    from: started,
                    to: Some(today),
                };
                c.paused_days += i64::from(paused_working_days(&cal, &[pause], today)?);
                c.pause_started_on = None;
                c.status_before_pause = None;
                if let Some(accepted) = c.accepted_on {
                    let days = c.promised_days + c.paused_days + c.extension_days;
                    c.set_deadline(self.deadline(accepted, days.max(0) as u32).await?);
                }
            }
            CaseAction::Decide { approved } => {
                c.approved = Some(approved);
                c.decision_reason = reason.into();
            }
            CaseAction::Complete { .. } => c.completed_on = Some(today),
            CaseAction::Extend { .. } => {
                c.extension_days = i64::from(extension);
                if let Some(accepted) = c.accepted_on {
                    let days = c.promised_days + c.paused_days + c.extension_days;
                    c.set_deadline(self.deadline(accepted, days.max(0) as u32).await?);
                }
            }
            _ => {}
        }
        c.status = next.code().into();
        c.updated_at = self.now();
        let event = self.case_event(session, action, next, reason).await;
        self.store
            .update_case(&c, from.code(), &event)
            .await
            .map_err(not_found)?;
        self.audit(
            &Actor::user(&session.user),
            &format!("case.{action}"),
            &c.number,
            reason,
        )
        .await?;
        if next == CaseStatus::Completed
            && let Some(parent) = c.parent_id
        {
            self.complete_bundle_if_done(session, parent).await?;
        }
        self.case_view_of(c).await
    }

    /// Public progress by case number and the phone's last four digits, or by
    /// the receipt's query code. A wrong pair looks like an unknown case.
    #[tracing::instrument(skip_all)]
    pub async fn case_progress(
        &self,
        number: Option<&str>,
        phone_last4: Option<&str>,
        code: Option<&str>,
        client: &str,
    ) -> AppResult<Progress> {
        let by_code = code.is_some_and(|c| !c.trim().is_empty());
        let guards = self.lookup_guards("lookup.case", if by_code { None } else { number }, client);
        self.check_guards(&guards).await?;
        let found = self.find_progress(number, phone_last4, code).await;
        if matches!(found, Err(AppError::NotFound(_))) {
            self.record_guards(&guards).await?;
        }
        found
    }

    async fn find_progress(
        &self,
        number: Option<&str>,
        phone_last4: Option<&str>,
        code: Option<&str>,
    ) -> AppResult<Progress> {
        let unknown = || AppError::NotFound("没有查到该办件，请核对办件编号和手机号后四位".into());
        let c = match (number, phone_last4, code) {
            (_, _, Some(code)) if !code.trim().is_empty() => {
                let code = domain::case::normalize_query_code(code).ok_or_else(unknown)?;
                self.store
                    .case_by_query_code(&code)
                    .await
                    .map_err(|_| unknown())?
            }
            (Some(n), Some(p), _) => {
                let p = p.trim();
                if p.len() != 4 || !p.chars().all(|ch| ch.is_ascii_digit()) {
                    return Err(AppError::invalid("phone_last4", "请填写手机号后四位数字"));
                }
                let c = self.store.case_by_number(n.trim()).await.map_err(|_| unknown())?;
                if c.phone_tail != p {
                    return Err(unknown());
                }
                c
            }
            _ => {
                return Err(AppError::invalid(
                    "number",
                    "请填写办件编号和手机号后四位，或回执上的查询码",
                ));
            }
        };
        let status = status_of(&c)?;
        let tz = self.settings.time_zone();
        let steps = self
            .store
            .case_events(c.id)
            .await?
            .into_iter()
            .map(|e| ProgressStep {
                at: e.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
                step: match e.action.as_str() {
                    "accept" => "受理".into(),
                    "supplement_notice" => "一次性告知补正材料".into(),
                    "supplement" => "补正材料".into(),
                    "pause" => "暂停计时（法定不计时）".into(),
                    "resume" => "恢复计时".into(),
                    "review" => "审查".into(),
                    "decide" => "作出决定".into(),
                    "complete" => "办结".into(),
                    "deliver" => "送达".into(),
                    "refuse" => "不予受理".into(),
                    other => other.into(),
                },
            })
            .collect();
        Ok(Progress {
            number: c.number,
            item: c.item_name,
            applicant: mask_name(&c.applicant_name),
            status: c.status,
            status_label: status.label(),
            deadline: c.deadline,
            deadline_provisional: c.deadline_provisional,
            paused_days: c.paused_days,
            steps,
        })
    }

    /// 办结率 and on-time rate of the cases accepted in a period (leader or admin).
    #[tracing::instrument(skip_all)]
    pub async fn case_report(&self, session: &Session, from: Date, to: Date) -> AppResult<CaseReport> {
        require(session, Permission::ReportsRead)?;
        let f = self.store.case_figures(from, to, self.today()).await?;
        Ok(CaseReport {
            from,
            to,
            accepted: f.accepted,
            completed: f.completed,
            completion_rate: domain::case::completion_rate(f.accepted, f.completed),
            on_time: f.on_time,
            on_time_rate: domain::case::on_time_rate(f.completed, f.on_time),
            overdue: f.overdue,
        })
    }

    /// Imports a ledger from an earlier system: CSV
    /// `number,item,accepted_on,completed_on,deadline`, checked whole first.
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
        if header != ["number", "item", "accepted_on", "completed_on", "deadline"] {
            return Err(AppError::invalid(
                "csv",
                "表头应为 number,item,accepted_on,completed_on,deadline",
            ));
        }
        let now = self.now();
        let mut cases = Vec::new();
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
            let received = accepted_on.unwrap_or(now.to_zoned(self.settings.time_zone()).date());
            cases.push(CaseRecord {
                id: Uuid::now_v7(),
                number,
                query_code: domain::case::query_code(rand::random()),
                parent_id: None,
                item_code: row[1].to_owned(),
                item_name: row[1].to_owned(),
                department: String::new(),
                handling: String::new(),
                promised_days: 0,
                applicant_kind: "imported".into(),
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
                    "completed"
                } else {
                    "accepted"
                }
                .into(),
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

/// The applicant's numbers in the clear, for the staff member who needs them.
#[derive(Debug, Clone, Serialize)]
pub struct CaseIdentity {
    pub id_number: String,
    pub phone: String,
}

impl App {
    /// Opens the sealed numbers of a case; every view is audit-logged.
    #[tracing::instrument(skip_all)]
    pub async fn case_identity(&self, session: &Session, id: Uuid) -> AppResult<CaseIdentity> {
        require(session, Permission::CaseHandle)?;
        let c = self.store.case_by_id(id).await.map_err(not_found)?;
        self.case_scope(session).await?.check(&c)?;
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let open = |purpose: &str, sealed: &str| -> AppResult<String> {
            if sealed.is_empty() {
                Ok(String::new())
            } else {
                cipher.open(purpose, sealed)
            }
        };
        let identity = CaseIdentity {
            id_number: open(ID_PURPOSE, &c.id_sealed)?,
            phone: open(PHONE_PURPOSE, &c.phone_sealed)?,
        };
        self.audit(
            &Actor::user(&session.user),
            "case.identity.view",
            &c.number,
            "查看申请人完整证件号码和手机号",
        )
        .await?;
        Ok(identity)
    }
}

impl App {
    /// 一件事: the parent case completes when every sub-case has.
    async fn complete_bundle_if_done(&self, session: &Session, parent: Uuid) -> AppResult<()> {
        let subs = self.store.sub_cases(parent).await?;
        let all_done = subs
            .iter()
            .all(|s| CaseStatus::parse(&s.status).is_some_and(|st| st.is_completed()));
        if !all_done {
            return Ok(());
        }
        let mut p = self.store.case_by_id(parent).await.map_err(not_found)?;
        let from = status_of(&p)?;
        let next = can_move(from, CaseAction::Complete { immediate: true }).map_err(rule)?;
        p.status = next.code().into();
        p.completed_on = Some(self.today());
        p.updated_at = self.now();
        let event = self
            .case_event(session, "complete", next, "各部门子件均已办结，一件事办结")
            .await;
        self.store
            .update_case(&p, from.code(), &event)
            .await
            .map_err(not_found)?;
        self.audit(
            &Actor::user(&session.user),
            "case.complete",
            &p.number,
            "一件事办结",
        )
        .await
    }
}
