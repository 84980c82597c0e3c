//! 受理: the applicant and the materials checked, the one-time notice of
//! everything missing (一次性告知), a case or a 一件事 family stored.

use super::*;
use crate::auth::{Session, require};
use crate::{Actor, AppError, AppResult};
use domain::permission::Permission;

/// The materials as sent, checked: a name of 1 to 100 characters and a known
/// status each; a material named twice keeps its last status.
pub(super) fn checked_materials(given: &[MaterialInput]) -> AppResult<Vec<MaterialCheck>> {
    let mut out: Vec<MaterialCheck> = Vec::new();
    for m in given {
        let name = m.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("materials", "材料名称应为1至100个字"));
        }
        let Some(status) = MaterialStatus::parse(&m.status) else {
            return Err(AppError::invalid(
                "materials",
                format!("材料“{name}”的状态应为 provided、shared、missing 或 commitment"),
            ));
        };
        match out.iter_mut().find(|o| o.name == name) {
            Some(o) => o.status = status,
            None => out.push(MaterialCheck {
                name: name.to_owned(),
                status,
            }),
        }
    }
    Ok(out)
}

impl crate::case::CaseService {
    /// 受理: checks the applicant and the materials; complete → accepted with a
    /// deadline, incomplete → 补正 with the list of everything missing.
    #[tracing::instrument(skip_all)]
    pub async fn accept_case(&self, session: &Session, req: &CaseRequest) -> AppResult<CaseView> {
        self.accept_case_with(session, req, None).await
    }

    /// 受理 as [`Self::accept_case`], with `origin` (issue 17: 网上申报, the
    /// application's number and its delivery) heading the acceptance step.
    #[tracing::instrument(skip_all)]
    pub async fn accept_case_with(
        &self,
        session: &Session,
        req: &CaseRequest,
        origin: Option<&str>,
    ) -> AppResult<CaseView> {
        require(session, Permission::CaseHandle)?;
        let today = self.today();
        let a = &req.applicant;
        let name = a.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("name", "申请人名称应为1至100个字"));
        }
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let (kind, id_sealed, id_key, id_masked, holder) = match (a.id_number.as_deref(), a.uscc.as_deref()) {
            (Some(id), None) => {
                let id = IdNumber::parse(id.trim(), today)
                    .map_err(|e| AppError::invalid("id_number", format!("身份证号{e}")))?;
                (
                    ApplicantKind::Person,
                    cipher.seal(ID_PURPOSE, id.as_str())?,
                    person_key(&self.settings.security.data_key, "id", id.as_str())?,
                    id.masked(),
                    domain::commitment::Holder::Person(id),
                )
            }
            (None, Some(code)) => {
                let code = Uscc::parse(code.trim())
                    .map_err(|e| AppError::invalid("uscc", format!("统一社会信用代码{e}")))?;
                (
                    ApplicantKind::Organisation,
                    cipher.seal(ID_PURPOSE, code.as_str())?,
                    person_key(&self.settings.security.data_key, "uscc", code.as_str())?,
                    mask(code.as_str(), 6, 4),
                    domain::commitment::Holder::Organisation(code),
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
        // issue 17: 告知承诺 only where the catalog allows it; 共享调取 only when a valid record is found.
        let claims = self
            .check_material_claims(&items, &holder, &materials, &session.user.username)
            .await?;
        let ticket_id = match req.ticket_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => {
                let id =
                    Uuid::parse_str(t).map_err(|_| AppError::invalid("ticket_id", "号票编号格式不正确"))?;
                self.queue.store.ticket(id).await.map_err(|e| match e {
                    StoreError::NotFound(_) => AppError::invalid("ticket_id", "号票不存在"),
                    other => other.into(),
                })?;
                Some(id)
            }
        };
        let mut missing: Vec<String> = Vec::new();
        for item in &items {
            for m in domain::case::missing_materials(item, &materials) {
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
            Some(id) => Some(self.queue.store.ticket(id).await?),
            None => None,
        };
        // Without a ticket (an appointment, a walk-in at the desk): the clerk's
        // own window when they serve at exactly one.
        let window = match ticket.as_ref().and_then(|t| t.window.clone()) {
            Some(w) => w,
            None => {
                let mine: Vec<String> = self
                    .queue
                    .cached_windows()
                    .await?
                    .iter()
                    .filter(|w| w.staff.contains(&session.user.username))
                    .map(|w| w.number.clone())
                    .collect();
                match mine.as_slice() {
                    [only] => only.clone(),
                    _ => String::new(),
                }
            }
        };
        let template = CaseRecord {
            id: Uuid::now_v7(),
            number: String::new(),
            query_code: domain::case::query_code(rand::random()),
            parent_id: None,
            item_code: String::new(),
            item_name: String::new(),
            department: String::new(),
            handling: Handling::Promised,
            promised_days: 0,
            applicant_kind: kind,
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
            window,
            staff: session.user.username.clone(),
            status,
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
            // For detecting one phone on many applicants' cases (黄牛, issue 15 part 5).
            phone_key: phone
                .map(|p| person_key(&self.settings.security.data_key, "phone", p))
                .transpose()?,
            phone_masked: phone.map(|p| mask(p, 3, 4)),
        };
        let mut subs = Vec::with_capacity(items.len());
        let mut codes = std::collections::HashSet::from([template.query_code.clone()]);
        for item in &items {
            let mut c = template.clone();
            c.id = Uuid::now_v7();
            c.query_code = domain::case::distinct_query_code(&mut codes, rand::random);
            c.item_code = item.code.clone();
            c.item_name = item.name.clone();
            c.department = item.department.clone();
            c.handling = Handling::of_item(item);
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
        let note = match origin {
            Some(o) => format!("{o}；{note}"),
            None => note,
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
                // issue 17: the verification tasks and the sharing log, stored with the case.
                let actor = Actor::user(&session.user);
                let recorded = self
                    .acceptance_claims(&actor, std::slice::from_ref(&only), &claims)
                    .await?;
                let stored = self.store.create_case(&only, &prefix, &event, &recorded).await?;
                self.audit_acceptance_claims(&actor, std::slice::from_ref(&stored), recorded)
                    .await?;
                stored
            }
            Some(bundle) => {
                let mut parent = template;
                parent.item_code = bundle.code.clone();
                parent.item_name = bundle.name.clone();
                parent.department = "多部门并联审批".into();
                parent.handling = Handling::Bundle;
                parent.promised_days = i64::from(bundle.promised_days);
                if missing.is_empty() {
                    parent.set_deadline(self.deadline(today, bundle.promised_days).await?);
                }
                // issue 17: each claim on the sub-case of the item that lists the material.
                let actor = Actor::user(&session.user);
                let recorded = self.acceptance_claims(&actor, &subs, &claims).await?;
                let (parent, subs) = self
                    .store
                    .create_case_family(&parent, &subs, &prefix, &event, &recorded)
                    .await?;
                self.audit_acceptance_claims(&actor, &subs, recorded).await?;
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
        self.notify_status(&stored).await?;
        // issue 17: 信用记录 — staff see the applicant's false commitments at acceptance.
        let warnings = self.credit_warnings(&stored.id_key).await?;
        let mut view = self.case_view_of(stored).await?;
        view.credit_warnings = warnings;
        // issue 18: dashboard
        self.hall_changed();
        Ok(view)
    }
}
