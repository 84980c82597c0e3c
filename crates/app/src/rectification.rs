//! 收集—整改—反馈: the rectification of every 差评 (verify, rectify,
//! answer the person, close with their acceptance), escalation when overdue,
//! and appeals (申诉) against malicious reviews.

use crate::Hall;
use crate::auth::{Session, require};
use crate::case_scope::CaseScope;
use crate::{Actor, AppError, AppResult};
use domain::evaluation::Level;
use domain::permission::Permission;
use domain::rectification::{AppealStatus, RectificationAction, RectificationSource, RectificationStatus};
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::evaluation::{Appeal, Evaluation, Rectification, RectificationStep};
use uuid::Uuid;

/// A list's status filter as sent (`?status=`): none or empty for every
/// status, else one of the [`RectificationStatus`] codes.
pub fn status_filter(raw: Option<&str>) -> AppResult<Option<RectificationStatus>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => RectificationStatus::parse(s).map(Some).ok_or_else(|| {
            AppError::invalid("status", "状态应为 open、verified、rectified、answered 或 closed")
        }),
    }
}

/// A rectification with what a list needs to show.
#[derive(Debug, Clone, Serialize)]
pub struct RectificationView {
    #[serde(flatten)]
    pub rectification: Rectification,
    pub status_label: &'static str,
    /// 差评, 投诉查实 or 督查不合格.
    pub source_label: &'static str,
    pub overdue: bool,
    /// The 差评's level (none for a complaint or an inspection).
    pub level: Option<Level>,
    /// The 差评's reasons, the complaint's category or the failed item.
    pub reasons: Vec<String>,
    /// The 差评's comment, or what the complaint says.
    pub comment: String,
    /// The complaint's number, when a complaint opened it.
    pub complaint_number: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RectificationDetail {
    #[serde(flatten)]
    pub view: RectificationView,
    pub steps: Vec<RectificationStep>,
}

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("整改记录不存在".into()),
        other => other.into(),
    }
}

/// 整改 service: one rectification loop, whatever opened it.
#[derive(Clone)]
pub struct RectificationService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn store::evaluation::EvaluationStore>,
    /// The complaints that open rectifications (投诉查实).
    pub(crate) complaints: Arc<dyn store::complaint::ComplaintStore>,
    /// The inspections whose failed items open rectifications (督查不合格).
    pub(crate) inspections: Arc<dyn store::inspection::InspectionStore>,
    /// Who may see which rectification follows who may see which cases.
    pub(crate) cases: crate::case::CaseService,
}

impl RectificationService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn store::evaluation::EvaluationStore>,
        complaints: Arc<dyn store::complaint::ComplaintStore>,
        inspections: Arc<dyn store::inspection::InspectionStore>,
        cases: crate::case::CaseService,
    ) -> RectificationService {
        RectificationService {
            hall,
            store,
            complaints,
            inspections,
            cases,
        }
    }
}

impl RectificationService {
    /// A liaison works on its own department's rectifications only (`Some(name)`).
    async fn rectification_department(&self, session: &Session) -> AppResult<Option<String>> {
        Ok(match self.cases.case_scope(session).await? {
            CaseScope::Department { name, .. } => Some(name),
            _ => None,
        })
    }

    fn check_department(own: &Option<String>, r: &Rectification) -> AppResult<()> {
        match own {
            Some(d) if *d != r.department => Err(AppError::Forbidden("该整改不属于您的部门".into())),
            _ => Ok(()),
        }
    }

    async fn view_of_rectification(&self, r: Rectification) -> AppResult<RectificationView> {
        let (level, reasons, comment, complaint_number) = match &r.source {
            RectificationSource::Evaluation(id) => {
                let e = self.store.evaluation(*id).await?;
                (Some(e.level), e.reasons, e.comment, None)
            }
            RectificationSource::Complaint(id) => {
                let (c, _) = self.complaints.complaint(*id).await?;
                (
                    None,
                    vec![c.category.label().to_owned()],
                    c.content,
                    Some(c.number),
                )
            }
            RectificationSource::Inspection(id, code) => {
                let i = self.inspections.inspection(*id).await?;
                let failed = i.results.iter().find(|x| x.code == *code);
                (
                    None,
                    vec![failed.map_or_else(|| code.clone(), |x| x.name.clone())],
                    failed.map(|x| x.note.clone()).unwrap_or_default(),
                    None,
                )
            }
        };
        Ok(RectificationView {
            status_label: r.status.label(),
            source_label: r.source.label(),
            overdue: r.status.is_overdue(r.due_date, self.today()),
            level,
            reasons,
            comment,
            complaint_number,
            rectification: r,
        })
    }

    /// Rectifications, most urgent first, of one status or all.
    #[tracing::instrument(skip_all)]
    pub async fn rectifications(
        &self,
        session: &Session,
        status: Option<RectificationStatus>,
    ) -> AppResult<Vec<RectificationView>> {
        require(session, Permission::RectificationRead)?;
        let own = self.rectification_department(session).await?;
        let mut out = Vec::new();
        for r in self.store.rectifications(status).await? {
            if Self::check_department(&own, &r).is_ok() {
                out.push(self.view_of_rectification(r).await?);
            }
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    pub async fn rectification(&self, session: &Session, id: Uuid) -> AppResult<RectificationDetail> {
        require(session, Permission::RectificationRead)?;
        let (r, steps) = self.store.rectification(id).await.map_err(not_found)?;
        Self::check_department(&self.rectification_department(session).await?, &r)?;
        Ok(RectificationDetail {
            view: self.view_of_rectification(r).await?,
            steps,
        })
    }

    /// Takes a rectification one step on; closing records whether the person accepted.
    #[tracing::instrument(skip_all)]
    pub async fn advance_rectification(
        &self,
        session: &Session,
        id: Uuid,
        step: &str,
        note: &str,
        accepted: Option<bool>,
    ) -> AppResult<RectificationDetail> {
        require(session, Permission::RectificationHandle)?;
        let (r, _) = self.store.rectification(id).await.map_err(not_found)?;
        Self::check_department(&self.rectification_department(session).await?, &r)?;
        let Some(action) = RectificationAction::parse(step) else {
            return Err(AppError::invalid(
                "step",
                "步骤应为 verify、rectify、answer 或 close",
            ));
        };
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 1000 {
            return Err(AppError::invalid(
                "note",
                "请填写本步骤的情况说明（不超过1000字）",
            ));
        }
        if action.needs_acceptance() && accepted.is_none() {
            return Err(AppError::invalid("accepted", "办结须记录群众是否认可整改答复"));
        }
        let record = RectificationStep {
            at: self.now(),
            actor: session.user.username.clone(),
            step: action.code().into(),
            note: note.into(),
        };
        let accepted = accepted.filter(|_| action.needs_acceptance());
        self.store
            .advance_rectification(id, &[action.from()], action.to(), &record, accepted)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => AppError::Conflict(
                    crate::Conflict::WrongStatus,
                    format!("整改记录当前不处于“{}”状态", action.from().label()),
                ),
                other => not_found(other),
            })?;
        self.audit(
            &Actor::user(&session.user),
            "rectification.step",
            &id.to_string(),
            &format!("{} {note}", action.code()),
        )
        .await?;
        self.rectification(session, id).await
    }

    /// 督查不合格项: the 督查科 opens a rectification of one failed item of an
    /// inspection (once per item), in the same loop as a 差评's.
    #[tracing::instrument(skip_all)]
    pub async fn rectify_inspection_item(
        &self,
        session: &Session,
        inspection_id: Uuid,
        code: &str,
        note: &str,
    ) -> AppResult<RectificationDetail> {
        require(session, Permission::InspectionRecord)?;
        let i = self
            .inspections
            .inspection(inspection_id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => AppError::NotFound("督查记录不存在".into()),
                other => other.into(),
            })?;
        let code = code.trim();
        let Some(item) = i.results.iter().find(|x| x.code == code) else {
            return Err(AppError::invalid("code", format!("该次督查没有检查“{code}”")));
        };
        if item.pass {
            return Err(AppError::invalid(
                "code",
                format!("“{}”检查合格，无需整改", item.name),
            ));
        }
        if i.status == domain::inspection::InspectionStatus::Upheld {
            return Err(AppError::Conflict(
                crate::Conflict::NotApplicable,
                "申辩已成立，该次督查不计扣分，无需整改".into(),
            ));
        }
        let note = note.trim();
        if note.chars().count() > 1000 {
            return Err(AppError::invalid("note", "说明最多1000字"));
        }
        let today = self.today();
        let id = Uuid::now_v7();
        let new = store::evaluation::NewRectification {
            id,
            opened_on: today,
            due_date: self
                .deadline(today, self.settings.evaluation.rectification_days)
                .await?
                .date,
            assignee: if !i.department.is_empty() {
                format!("{}首席代表", i.department)
            } else {
                format!("{}号窗口负责人", i.window)
            },
        };
        let opening = store::evaluation::RectificationOpening {
            source: RectificationSource::Inspection(inspection_id, code.to_owned()),
            department: i.department.clone(),
            window: i.window.clone(),
            step: RectificationStep {
                at: self.now(),
                actor: session.user.username.clone(),
                step: RectificationStatus::Open.code().into(),
                note: if note.is_empty() {
                    format!("督查不合格：{}（{}）", item.name, item.note)
                } else {
                    format!("督查不合格：{}。{note}", item.name)
                },
            },
        };
        self.store
            .open_rectification(&new, &opening)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => AppError::Conflict(
                    crate::Conflict::AlreadyExists,
                    format!("“{}”已在整改中", item.name),
                ),
                other => other.into(),
            })?;
        self.audit(
            &Actor::user(&session.user),
            "rectification.open",
            &id.to_string(),
            &format!("督查 {inspection_id} {code}"),
        )
        .await?;
        self.rectification(session, id).await
    }

    /// Marks overdue rectifications as escalated to leadership (runs every minute).
    #[tracing::instrument(skip_all)]
    pub async fn escalate_overdue_rectifications(&self) -> AppResult<usize> {
        let escalated = self.store.escalate_overdue(self.today(), self.now()).await?;
        if !escalated.is_empty() {
            let ids: Vec<String> = escalated.iter().map(|r| r.id.to_string()).collect();
            self.audit(&Actor::cli(), "rectification.escalate", "", &ids.join(","))
                .await?;
        }
        Ok(escalated.len())
    }

    /// 申诉: staff (or their lead) appeal against a review as malicious, with evidence.
    #[tracing::instrument(skip_all)]
    pub async fn file_appeal(
        &self,
        session: &Session,
        evaluation_id: Uuid,
        reason: &str,
        evidence: &str,
    ) -> AppResult<Appeal> {
        require(session, Permission::AppealFile)?;
        let e: Evaluation = self.store.evaluation(evaluation_id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("评价不存在".into()),
            other => other.into(),
        })?;
        if e.imported {
            return Err(AppError::Conflict(
                crate::Conflict::NotApplicable,
                "历史导入的统计数不能申诉".into(),
            ));
        }
        if e.excluded {
            return Err(AppError::Conflict(
                crate::Conflict::NotApplicable,
                "该评价已被剔除".into(),
            ));
        }
        // Staff appeal against reviews of their own service, a liaison for its department.
        match self.cases.case_scope(session).await? {
            CaseScope::Department { name, .. } if name != e.department => {
                return Err(AppError::Forbidden("只能对本部门的评价提出申诉".into()));
            }
            CaseScope::Staff { username, .. } if username != e.staff => {
                return Err(AppError::Forbidden("只能对本人办理业务的评价提出申诉".into()));
            }
            _ => {}
        }
        let reason = reason.trim();
        let evidence = evidence.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::invalid("reason", "请填写申诉理由（不超过500字）"));
        }
        if evidence.is_empty() || evidence.chars().count() > 2000 {
            return Err(AppError::invalid(
                "evidence",
                "请提供证据说明（录像时间点、记录等，不超过2000字）",
            ));
        }
        let appeal = Appeal {
            id: Uuid::now_v7(),
            evaluation_id,
            reason: reason.into(),
            evidence: evidence.into(),
            filed_by: session.user.username.clone(),
            filed_at: self.now(),
            status: AppealStatus::Pending,
            decided_by: None,
            decided_at: None,
            decision: String::new(),
        };
        self.store.file_appeal(&appeal).await.map_err(|e| match e {
            StoreError::Conflict { .. } => {
                AppError::Conflict(crate::Conflict::AlreadyExists, "该评价已有待处理的申诉".into())
            }
            other => other.into(),
        })?;
        self.audit(
            &Actor::user(&session.user),
            "evaluation.appeal",
            &evaluation_id.to_string(),
            reason,
        )
        .await?;
        Ok(appeal)
    }

    /// Appeals, newest first, of one status or all.
    #[tracing::instrument(skip_all)]
    pub async fn appeals(&self, session: &Session, status: Option<AppealStatus>) -> AppResult<Vec<Appeal>> {
        require(session, Permission::AppealDecide)?;
        Ok(self.store.appeals(status).await?)
    }

    /// A supervisor decides: upheld excludes the review from the valid count.
    #[tracing::instrument(skip_all)]
    pub async fn decide_appeal(
        &self,
        session: &Session,
        id: Uuid,
        upheld: bool,
        decision: &str,
    ) -> AppResult<Appeal> {
        require(session, Permission::AppealDecide)?;
        let decision = decision.trim();
        if decision.is_empty() || decision.chars().count() > 1000 {
            return Err(AppError::invalid("decision", "请填写处理意见（不超过1000字）"));
        }
        let appeal = self
            .store
            .decide_appeal(id, upheld, &session.user.username, self.now(), decision)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => {
                    AppError::Conflict(crate::Conflict::WrongStatus, "申诉不存在或已处理".into())
                }
                other => other.into(),
            })?;
        let verdict = if upheld {
            "申诉成立，评价剔除"
        } else {
            "申诉不成立"
        };
        self.audit(
            &Actor::user(&session.user),
            "evaluation.appeal.decide",
            &id.to_string(),
            verdict,
        )
        .await?;
        Ok(appeal)
    }
}
