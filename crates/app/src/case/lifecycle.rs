//! The case lifecycle at the window: supplement (补正), pause and resume,
//! review, decision, completion, delivery, refusal and one extension.

use super::accept::checked_materials;
use super::*;
use crate::auth::{Session, require};
use crate::{Actor, AppError, AppResult};
use domain::permission::Permission;

impl crate::case::CaseService {
    /// 补正: the applicant brings what was missing; once nothing required is
    /// missing the case is accepted and its clock starts that day.
    #[tracing::instrument(skip_all)]
    pub async fn supplement_case(
        &self,
        session: &Session,
        id: Uuid,
        given: &[MaterialInput],
    ) -> AppResult<CaseView> {
        require(session, Permission::CaseHandle)?;
        let mut c = self.store.case_by_id(id).await.map_err(not_found)?;
        self.case_scope(session).await?.check(&c)?;
        if c.status != CaseStatus::Supplement {
            return Err(AppError::Conflict(
                crate::Conflict::WrongStatus,
                "只有待补正的办件才能补正材料".into(),
            ));
        }
        let given = checked_materials(given)?;
        let catalog = self.published().await?;
        // issue 17: a commitment or a shared record brought at 补正 is checked as at acceptance.
        let claim_items: Vec<domain::catalog::Item> = {
            let subs = self.store.sub_cases(c.id).await?;
            let codes: Vec<String> = if subs.is_empty() {
                vec![c.item_code.clone()]
            } else {
                subs.iter().map(|s| s.item_code.clone()).collect()
            };
            codes
                .iter()
                .filter_map(|code| catalog.item(code).cloned())
                .collect()
        };
        let new_claims: Vec<MaterialCheck> = given
            .iter()
            .filter(|g| {
                !c.materials
                    .iter()
                    .any(|m| m.name == g.name && m.status == g.status)
            })
            .cloned()
            .collect();
        // The exchange is asked by the number itself; an old case's that cannot be
        // read back is asked of the imported records only.
        let holder = if new_claims.iter().any(|m| m.status == MaterialStatus::Shared) {
            self.case_holder(&c)?
        } else {
            None
        };
        let claims = self
            .check_claims_by_key(
                &claim_items,
                holder.as_ref(),
                &c.id_key,
                &new_claims,
                &session.user.username,
            )
            .await?;
        for g in given {
            match c.materials.iter_mut().find(|m| m.name == g.name) {
                Some(m) => m.status = g.status,
                None => c.materials.push(g),
            }
        }
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
            for m in domain::case::missing_materials(item, &c.materials) {
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
        c.status = status;
        c.updated_at = self.now();
        let event = self.case_event(session, "supplement", status, &note).await;
        // A bundle's sub-cases share its materials and start together.
        let mut family = vec![c.clone()];
        for mut sub in subs {
            sub.materials = c.materials.clone();
            sub.missing = c.missing.clone();
            sub.status = status;
            sub.updated_at = c.updated_at;
            if status == CaseStatus::Accepted {
                sub.accepted_on = Some(today);
                sub.set_deadline(self.deadline(today, sub.promised_days.max(0) as u32).await?);
            }
            family.push(sub);
        }
        // issue 17: the tasks and sharing log of what was claimed at 补正, on
        // the case or (一件事) the sub-case of the item that lists the material,
        // written with the cases in one transaction.
        let actor = Actor::user(&session.user);
        let claimed_on = if family.len() > 1 {
            &family[1..]
        } else {
            &family[..]
        };
        let recorded = self.acceptance_claims(&actor, claimed_on, &claims).await?;
        self.store
            .update_case_family(&family, CaseStatus::Supplement, &event, &recorded)
            .await
            .map_err(not_found)?;
        self.audit_acceptance_claims(&actor, &family, recorded).await?;
        self.audit(&Actor::user(&session.user), "case.supplement", &c.number, &note)
            .await?;
        self.notify_status(&c).await?;
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
        let from = c.status;
        let reason = reason.trim();
        let today = self.today();
        let immediate = domain::case::is_immediate(c.handling, c.promised_days);
        let act = match action {
            "pause" => CaseAction::Pause,
            "resume" => CaseAction::Resume {
                before: c.status_before_pause.unwrap_or(CaseStatus::Accepted),
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
                c.status_before_pause = Some(from);
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
        c.status = next;
        c.updated_at = self.now();
        let event = self.case_event(session, action, next, reason).await;
        self.store
            .update_case(&c, from, &event)
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
        self.notify_status(&c).await?;
        self.case_view_of(c).await
    }

    /// 一件事: the parent case completes when every sub-case has.
    async fn complete_bundle_if_done(&self, session: &Session, parent: Uuid) -> AppResult<()> {
        let subs = self.store.sub_cases(parent).await?;
        let all_done = subs.iter().all(|s| s.status.is_completed());
        if !all_done {
            return Ok(());
        }
        let mut p = self.store.case_by_id(parent).await.map_err(not_found)?;
        let from = p.status;
        let next = can_move(from, CaseAction::Complete { immediate: true }).map_err(rule)?;
        p.status = next;
        p.completed_on = Some(self.today());
        p.updated_at = self.now();
        let event = self
            .case_event(session, "complete", next, "各部门子件均已办结，一件事办结")
            .await;
        self.store
            .update_case(&p, from, &event)
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
