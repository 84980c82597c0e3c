//! 好差评: recording an evaluation of a service event on any channel, with
//! the integrity rules of docs/domain.md, and the hall's list of 差评 reasons.

use crate::Hall;
use crate::auth::Session;
use crate::batch::Batcher;
use crate::{Actor, AppError, AppResult};
use domain::Role;
use domain::evaluation::{Channel, Level};
use domain::permission::Permission;
use std::sync::Arc;
use store::evaluation::{NewEvaluation, NewRectification};
use store::queue::{Ticket, TicketStatus};
use store::{StoreError, StoreResult};
use uuid::Uuid;

/// What a rater sends (`POST /api/evaluations`).
#[derive(Debug, Clone, Default)]
pub struct EvaluationRequest {
    pub ticket_id: Option<String>,
    pub case_id: Option<String>,
    pub channel: String,
    pub level: String,
    pub reasons: Vec<String>,
    pub comment: String,
    /// A case rated online: the query code on its receipt (查询码), which
    /// proves the rater is its applicant (issue 17).
    pub query_code: Option<String>,
}

/// Who is rating, as far as the request tells.
#[derive(Debug, Clone, Default)]
pub struct Rater {
    /// The window pad's token (`X-Pad-Token` or its cookie).
    pub pad_token: Option<String>,
    /// A signed-in user (hotline operators; staff are refused on their own service).
    pub session: Option<Session>,
    /// The client address or device, for the integrity flags.
    pub device: String,
}

/// The evaluation writer (group commit, as for tickets).
pub type EvaluationWriter = Batcher<NewEvaluation, StoreResult<()>>;

const MAX_COMMENT_CHARS: usize = 500;

fn parse_id(field: &str, raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw.trim()).map_err(|_| AppError::invalid(field, "编号格式不正确"))
}

/// 好差评 service: ratings of the queue's tickets (from the window pads,
/// phones and the hall's QR codes), written through one batching writer.
#[derive(Clone)]
pub struct EvaluationService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn store::evaluation::EvaluationStore>,
    pub(crate) queue: crate::queue::QueueService,
    pub(crate) pads: crate::pad::PadService,
    /// The rated cases (issue 17: 办件评价).
    pub(crate) cases: crate::case::CaseService,
    pub(crate) evaluation_writer: Arc<std::sync::OnceLock<EvaluationWriter>>,
}

impl EvaluationService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn store::evaluation::EvaluationStore>,
        queue: crate::queue::QueueService,
        pads: crate::pad::PadService,
        cases: crate::case::CaseService,
    ) -> EvaluationService {
        EvaluationService {
            hall,
            store,
            queue,
            pads,
            cases,
            evaluation_writer: Arc::default(),
        }
    }
}

impl EvaluationService {
    /// Records an evaluation of a finished service event (一事一评).
    #[tracing::instrument(skip_all)]
    pub async fn evaluate(&self, req: &EvaluationRequest, rater: &Rater) -> AppResult<Uuid> {
        let level = Level::parse(&req.level).ok_or_else(|| {
            AppError::invalid(
                "level",
                "评价等级应为 very_satisfied、satisfied、basic、dissatisfied 或 very_dissatisfied",
            )
        })?;
        let channel = Channel::parse(&req.channel)
            .ok_or_else(|| AppError::invalid("channel", "评价渠道应为 pad、online、phone 或 sms"))?;
        let (ticket_id, case_id) = match (req.ticket_id.as_deref(), req.case_id.as_deref()) {
            (Some(t), None) => (parse_id("ticket_id", t)?, None),
            (None, Some(c)) => (Uuid::nil(), Some(parse_id("case_id", c)?)),
            (Some(_), Some(_)) => {
                return Err(AppError::invalid("case_id", "一次评价只针对一个号票或一个办件"));
            }
            (None, None) => return Err(AppError::invalid("ticket_id", "请指明评价的号票或办件")),
        };
        let reasons = self.checked_reasons(level, &req.reasons).await?;
        let comment = req.comment.trim();
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(AppError::invalid("comment", "意见不超过500字"));
        }
        // issue 17: 办件评价 (online with the query code, or by phone).
        if let Some(case_id) = case_id {
            let rating = crate::evaluation_case::CaseRating {
                case_id,
                channel,
                level,
                reasons,
                comment: comment.to_owned(),
                query_code: req.query_code.clone(),
            };
            return self.evaluate_case(rating, rater).await;
        }
        let ticket = match self.queue.store.ticket(ticket_id).await {
            Ok(t) => t,
            Err(StoreError::NotFound(_)) => return Err(AppError::NotFound("号票不存在".into())),
            Err(e) => return Err(e.into()),
        };
        if ticket.status != TicketStatus::Finished {
            return Err(AppError::Conflict(
                crate::Conflict::NotFinished,
                "该业务尚未办结，办结后才能评价".into(),
            ));
        }
        let recorded_by = self.check_rater(channel, &ticket, rater).await?;
        let now = self.now();
        let (item, department) = self.event_item(&ticket).await?;
        let window = ticket.window.clone().unwrap_or_default();
        let id = Uuid::now_v7();
        let rectification = if level.is_bad() {
            let today = self.today();
            Some(NewRectification {
                id: Uuid::now_v7(),
                opened_on: today,
                due_date: self
                    .deadline(today, self.settings.evaluation.rectification_days)
                    .await?
                    .date,
                assignee: if department.is_empty() {
                    format!("{window}号窗口负责人")
                } else {
                    format!("{department}首席代表")
                },
            })
        } else {
            None
        };
        let evaluation = NewEvaluation {
            id,
            event_key: Some(format!("ticket:{}", ticket.id)),
            ticket_id: Some(ticket.id),
            case_id: None,
            channel,
            level,
            reasons,
            comment: comment.to_owned(),
            business_date: ticket.business_date,
            window,
            department,
            staff: ticket.called_by.clone().unwrap_or_default(),
            item,
            weight: 1,
            imported: false,
            device: rater.device.chars().take(120).collect(),
            rater_key: String::new(),
            seconds_after_service: ticket.finished_at.map(|f| (now - f).get_seconds()),
            rated_at: now,
            recorded_by,
            rectification,
        };
        match self.evaluation_writer().submit(evaluation).await {
            Some(Ok(())) => Ok(id),
            Some(Err(StoreError::Conflict { .. })) => Err(AppError::Conflict(
                crate::Conflict::AlreadyEvaluated,
                "该业务已评价过，每次服务只能评价一次".into(),
            )),
            Some(Err(e)) => Err(e.into()),
            None => Err(StoreError::other(std::io::Error::other("评价写入任务已停止")).into()),
        }
    }

    pub(crate) fn evaluation_writer(&self) -> &EvaluationWriter {
        self.evaluation_writer.get_or_init(|| {
            let store = self.store.clone();
            // issue 18: dashboard
            let changes = self.change_signal();
            Batcher::spawn(move |batch: Vec<NewEvaluation>| {
                let (store, changes) = (store.clone(), changes.clone());
                async move {
                    let written = store.record_evaluations(&batch).await;
                    if written.iter().any(Result::is_ok) {
                        changes.bump();
                    }
                    written
                }
            })
        })
    }

    /// The channel's own rule; returns who recorded it.
    async fn check_rater(&self, channel: Channel, ticket: &Ticket, rater: &Rater) -> AppResult<String> {
        if let Some(s) = &rater.session
            && ticket.called_by.as_deref() == Some(s.user.username.as_str())
        {
            return Err(AppError::Forbidden("工作人员不能评价本人办理的业务".into()));
        }
        match channel {
            Channel::Phone => {
                let Some(s) = &rater.session else {
                    return Err(AppError::Unauthorized(
                        "电话回访评价须由坐席人员登录后录入".into(),
                    ));
                };
                if !matches!(s.user.role, Role::Staff | Role::Admin | Role::Supervisor) {
                    return Err(AppError::Forbidden("此操作需要窗口人员或管理员权限".into()));
                }
                Ok(s.user.username.clone())
            }
            Channel::Pad => {
                let pad = match rater.pad_token.as_deref() {
                    Some(token) => self.pads.pad_by_token(token).await?,
                    None => None,
                };
                let Some(pad) = pad else {
                    return Err(AppError::Unauthorized("评价器未配对或已停用".into()));
                };
                let awaiting = self.pads.ticket_awaiting_rating(&pad.window).await?;
                if ticket.window.as_deref() != Some(pad.window.as_str())
                    || awaiting.as_ref().map(|t| t.id) != Some(ticket.id)
                {
                    return Err(AppError::Conflict(
                        crate::Conflict::WrongWindow,
                        "评价器只能评价本窗口刚办结的业务".into(),
                    ));
                }
                Ok(format!("评价器@{}号窗口", pad.window))
            }
            Channel::Online | Channel::Sms => Ok(rater
                .session
                .as_ref()
                .map(|s| s.user.username.clone())
                .unwrap_or_else(|| "办事群众".into())),
            Channel::Import => Err(AppError::invalid("channel", "历史导入请使用导入功能")),
        }
    }

    /// Reasons must come from the hall's list; a 差评 needs at least one.
    async fn checked_reasons(&self, level: Level, given: &[String]) -> AppResult<Vec<String>> {
        let allowed = self.store.evaluation_reasons().await?;
        let mut reasons: Vec<String> = Vec::new();
        for r in given.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            if !allowed.iter().any(|a| a == r) {
                return Err(AppError::invalid(
                    "reasons",
                    format!("“{r}”不在本大厅的差评原因列表中"),
                ));
            }
            if !reasons.iter().any(|x| x == r) {
                reasons.push(r.to_owned());
            }
        }
        if level.is_bad() && reasons.is_empty() {
            return Err(AppError::invalid("reasons", "差评须至少选择一项原因"));
        }
        Ok(reasons)
    }

    /// The item and department a ticket's service counts for: the category's
    /// item when it covers one, else the category itself.
    async fn event_item(&self, ticket: &Ticket) -> AppResult<(String, String)> {
        let categories = self.queue.cached_categories().await?;
        let Some(category) = categories.iter().find(|c| c.prefix == ticket.category) else {
            return Ok((ticket.category.clone(), String::new()));
        };
        let catalog = self.published().await?;
        let items: Vec<_> = category
            .items
            .iter()
            .filter_map(|code| catalog.item(code))
            .collect();
        let department = catalog.one_department(&category.items).unwrap_or_default();
        let item = match items.as_slice() {
            [only] => only.code.clone(),
            _ => format!("{} {}", category.prefix, category.name),
        };
        Ok((item, department))
    }

    /// The hall's 差评 reasons, in order.
    #[tracing::instrument(skip_all)]
    pub async fn evaluation_reasons(&self) -> AppResult<Vec<String>> {
        Ok(self.store.evaluation_reasons().await?)
    }

    /// Replaces the reasons list (admin).
    #[tracing::instrument(skip_all)]
    pub async fn set_evaluation_reasons(
        &self,
        session: &Session,
        reasons: &[String],
    ) -> AppResult<Vec<String>> {
        crate::auth::require(session, Permission::EvaluationReasonsManage)?;
        let mut list: Vec<String> = Vec::new();
        for r in reasons.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            if r.chars().count() > 20 {
                return Err(AppError::invalid("reasons", format!("原因“{r}”超过20个字")));
            }
            if !list.iter().any(|x| x == r) {
                list.push(r.to_owned());
            }
        }
        if list.is_empty() {
            return Err(AppError::invalid("reasons", "至少保留一项差评原因"));
        }
        self.store.set_evaluation_reasons(&list).await?;
        self.audit(
            &Actor::user(&session.user),
            "evaluation.reasons",
            "",
            &list.join("、"),
        )
        .await?;
        Ok(list)
    }
}
