//! 办件评价 (issue 17): an evaluation of a completed case, online by its
//! applicant (authorised by the case's query code, 查询码, and throttled like
//! the progress lookup) or by phone (回访, entered by a signed-in hotline
//! operator or staff member). Once per case and channel; tied to the case's
//! department, window and the clerk who accepted it, so it counts in the
//! satisfaction report, the monthly assessment, and a 差评 opens its
//! rectification like a ticket's.

use crate::evaluation::{EvaluationService, Rater};
use crate::{AppError, AppResult, Conflict};
use domain::case::Handling;
use domain::evaluation::{Channel, Level};
use domain::permission::Permission;
use domain::timeline::{CaseRatingError, case_event_key, check_case_rating};
use store::StoreError;
use store::case::CaseRecord;
use store::evaluation::{NewEvaluation, NewRectification};
use uuid::Uuid;

/// A rating of a case, its level and reasons already checked.
#[derive(Debug, Clone)]
pub struct CaseRating {
    pub case_id: Uuid,
    pub channel: Channel,
    pub level: Level,
    pub reasons: Vec<String>,
    pub comment: String,
    pub query_code: Option<String>,
}

impl EvaluationService {
    /// Records the rating of a case; see the module's rules.
    #[tracing::instrument(skip_all)]
    pub async fn evaluate_case(&self, r: CaseRating, rater: &Rater) -> AppResult<Uuid> {
        if !matches!(r.channel, Channel::Online | Channel::Phone) {
            return Err(AppError::invalid("channel", CaseRatingError::Channel.to_string()));
        }
        let case = match self.cases.store.case_by_id(r.case_id).await {
            Ok(c) => c,
            Err(StoreError::NotFound(_)) => return Err(AppError::NotFound("办件不存在".into())),
            Err(e) => return Err(e.into()),
        };
        let recorded_by = self.check_case_rater(&case, &r, rater).await?;
        let mut rated = Vec::new();
        for channel in [Channel::Online, Channel::Phone] {
            let key = case_event_key(&case.id.to_string(), channel);
            if self.store.evaluation_of_event(&key).await?.is_some() {
                rated.push(channel);
            }
        }
        check_case_rating(case.status, r.channel, &rated).map_err(|e| match e {
            CaseRatingError::NotCompleted => AppError::Conflict(Conflict::NotFinished, e.to_string()),
            CaseRatingError::AlreadyRated => AppError::Conflict(Conflict::AlreadyEvaluated, e.to_string()),
            CaseRatingError::Channel => AppError::invalid("channel", e.to_string()),
        })?;
        let today = self.today();
        // A bundle's parent is the 一件事 as one service: its window answers for it.
        let department = if case.handling == Handling::Bundle {
            String::new()
        } else {
            case.department.clone()
        };
        let rectification = if r.level.is_bad() {
            Some(NewRectification {
                id: Uuid::now_v7(),
                opened_on: today,
                due_date: self
                    .deadline(today, self.settings.evaluation.rectification_days)
                    .await?
                    .date,
                assignee: if department.is_empty() {
                    format!("{}号窗口负责人", case.window)
                } else {
                    format!("{department}首席代表")
                },
            })
        } else {
            None
        };
        let id = Uuid::now_v7();
        let evaluation = NewEvaluation {
            id,
            event_key: Some(case_event_key(&case.id.to_string(), r.channel)),
            ticket_id: None,
            case_id: Some(case.id),
            channel: r.channel,
            level: r.level,
            reasons: r.reasons,
            comment: r.comment,
            // The day it was given: a late rating never rewrites a closed month.
            business_date: today,
            window: case.window.clone(),
            department: case.department.clone(),
            staff: case.staff.clone(),
            item: case.item_code.clone(),
            weight: 1,
            imported: false,
            device: rater.device.chars().take(120).collect(),
            rater_key: String::new(),
            seconds_after_service: None,
            rated_at: self.now(),
            recorded_by,
            rectification,
        };
        match self.evaluation_writer().submit(evaluation).await {
            Some(Ok(())) => Ok(id),
            Some(Err(StoreError::Conflict { .. })) => Err(AppError::Conflict(
                Conflict::AlreadyEvaluated,
                CaseRatingError::AlreadyRated.to_string(),
            )),
            Some(Err(e)) => Err(e.into()),
            None => Err(StoreError::other(std::io::Error::other("评价写入任务已停止")).into()),
        }
    }

    /// Who may rate this case on this channel; returns who recorded it.
    /// Online: the query code of the case (or of its 一件事), wrong guesses
    /// throttled per address and per case; without one, a signed-in operator
    /// entering it for the applicant. Phone: a signed-in operator. Never the
    /// clerk who accepted the case.
    async fn check_case_rater(&self, case: &CaseRecord, r: &CaseRating, rater: &Rater) -> AppResult<String> {
        if let Some(s) = &rater.session
            && s.user.username == case.staff
        {
            return Err(AppError::Forbidden("工作人员不能评价本人办理的业务".into()));
        }
        let operator = |session: &crate::auth::Session| -> AppResult<String> {
            if session.user.role.can(Permission::EvaluationByPhone) {
                Ok(session.user.username.clone())
            } else {
                Err(AppError::Forbidden("此操作需要窗口人员、督查或管理员权限".into()))
            }
        };
        let code = r.query_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
        match (r.channel, code, &rater.session) {
            (Channel::Phone, _, Some(s)) => operator(s),
            (Channel::Phone, _, None) => Err(AppError::Unauthorized(
                "电话回访评价须由坐席人员登录后录入".into(),
            )),
            (_, Some(code), _) => {
                let target = case.id.to_string();
                let guards = self.lookup_guards("lookup.case_rating", Some(&target), &rater.device);
                self.check_guards(&guards).await?;
                let given = domain::case::normalize_query_code(code);
                let mut valid = vec![case.query_code.clone()];
                if let Some(parent) = case.parent_id {
                    valid.push(self.cases.store.case_by_id(parent).await?.query_code);
                }
                if given.is_some_and(|g| valid.contains(&g)) {
                    Ok(rater
                        .session
                        .as_ref()
                        .map(|s| s.user.username.clone())
                        .unwrap_or_else(|| "办事群众".into()))
                } else {
                    self.record_guards(&guards).await?;
                    Err(AppError::Forbidden(
                        "查询码与该办件不符，请核对受理回执上的查询码".into(),
                    ))
                }
            }
            (_, None, Some(s)) => operator(s),
            (_, None, None) => Err(AppError::Unauthorized(
                "网上评价办件须填写受理回执上的查询码".into(),
            )),
        }
    }
}
