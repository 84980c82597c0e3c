//! 专项活动 (campaigns, issue 16 part 7): create (admin, leader), list, read
//! with the KPIs' baseline → current → target, move a task on (its owner,
//! admin, leader) and the report as XLSX.

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, Caller};
use app::campaign::{CampaignListItem, CampaignView, TaskView};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use domain::campaign::{CampaignText, KpiText, PhaseText, TaskText};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A campaign's `{id}` (or a task's `{task}`): one that does not parse names nothing.
fn id_of(raw: &str, missing: &'static str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", missing))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaignPhase {
    /// 阶段名称 (动员部署、集中整改、总结提升…).
    name: String,
    /// YYYY-MM-DD, inside the campaign.
    from: String,
    /// YYYY-MM-DD, inside the campaign; phases never overlap.
    to: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaignTask {
    /// 任务内容.
    title: String,
    /// The owner's username (an active account).
    owner: String,
    /// 完成期限, YYYY-MM-DD, inside the campaign.
    due: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaignKpi {
    /// satisfaction_rate, on_time_rate, avg_wait_minutes, complaints,
    /// inspection_deductions or scalper_actions (each once).
    metric: String,
    /// The target: a fraction for the rates (0.99 = 99%, as the reports'
    /// `rate`), minutes for the wait, a count or points for the others.
    target: f64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaign {
    /// 活动名称.
    name: String,
    /// YYYY-MM-DD.
    from: String,
    /// YYYY-MM-DD (at most 366 days after `from`, counting both).
    to: String,
    #[serde(default)]
    phases: Vec<NewCampaignPhase>,
    #[serde(default)]
    tasks: Vec<NewCampaignTask>,
    #[serde(default)]
    kpis: Vec<NewCampaignKpi>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedCampaign {
    id: Uuid,
}

/// Creates a campaign (admin or leader). The KPIs' baselines are read over the
/// period of equal length just before `from` (fixed once the campaign starts).
#[utoipa::path(post, path = "/api/campaigns", operation_id = "create_campaign", request_body = NewCampaign, tag = "专项活动",
    responses((status = 201, body = CreatedCampaign, description = "新建的专项活动"),
        (status = 422, description = "日期无效、阶段超出活动期间或重叠、负责人不是在用账号、指标无效；error.field 如 phases[1].to、tasks[0].owner、kpis[0].metric")))]
pub async fn create(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewCampaign>,
) -> ApiResult<(StatusCode, Json<CreatedCampaign>)> {
    let input = CampaignText {
        name: b.name,
        from: b.from,
        to: b.to,
        phases: b
            .phases
            .into_iter()
            .map(|p| PhaseText {
                name: p.name,
                from: p.from,
                to: p.to,
            })
            .collect(),
        tasks: b
            .tasks
            .into_iter()
            .map(|t| TaskText {
                title: t.title,
                owner: t.owner,
                due: t.due,
            })
            .collect(),
        kpis: b
            .kpis
            .into_iter()
            .map(|k| KpiText {
                metric: k.metric,
                target: k.target,
            })
            .collect(),
    };
    let id = state.app.campaigns.create(&user.session, &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedCampaign { id })))
}

#[derive(Serialize, ToSchema)]
pub struct CampaignList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<CampaignListItem>,
}

/// The campaigns the caller may read, newest start first (leadership and the
/// 督查科 all; others those where they own a task, counting their tasks).
#[utoipa::path(get, path = "/api/campaigns", operation_id = "list_campaigns", tag = "专项活动",
    responses((status = 200, body = CampaignList, description = "{items: [{id, name, from, to, state, state_label, tasks, done, overdue}]}")))]
pub async fn list(Caller(state, user): Caller) -> ApiResult<Json<CampaignList>> {
    Ok(Json(CampaignList {
        items: state.app.campaigns.list(&user.session).await?,
    }))
}

/// One campaign: phases, tasks (status 逾期 when not done after the due date)
/// and `kpis: [{metric, baseline, current, target, met, …}]`; `current` reads
/// the campaign's dates up to today through the same services as the reports
/// (`satisfaction_rate` is `GET /api/reports/satisfaction`'s `rate`). A task
/// owner without the reports' rights sees their own tasks and no KPIs.
#[utoipa::path(get, path = "/api/campaigns/{id}", operation_id = "get_campaign", params(("id" = String, Path, description = "专项活动ID")), tag = "专项活动",
    responses((status = 200, body = Object, description = "专项活动：阶段、任务、指标（基线 → 当前 → 目标）"),
        (status = 403, description = "不是此活动任何任务的负责人"),
        (status = 404, description = "专项活动不存在")))]
pub async fn detail(Caller(state, user): Caller, Path(id): Path<String>) -> ApiResult<Json<CampaignView>> {
    let id = id_of(&id, "专项活动不存在")?;
    Ok(Json(state.app.campaigns.campaign(&user.session, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskStatusBody {
    /// not_started (未开始), in_progress (进行中) or done (已完成); 逾期 follows from the due date.
    status: String,
}

/// Sets a task's status (its owner; admin and leader any task).
#[utoipa::path(put, path = "/api/campaigns/{id}/tasks/{task}", operation_id = "set_campaign_task_status", request_body = TaskStatusBody,
    params(("id" = String, Path, description = "专项活动ID"), ("task" = String, Path, description = "任务ID")), tag = "专项活动",
    responses((status = 200, body = Object, description = "更新后的任务"),
        (status = 403, description = "不是任务负责人"),
        (status = 404, description = "专项活动或任务不存在"),
        (status = 422, description = "状态无效")))]
pub async fn set_task_status(
    Caller(state, user): Caller,
    Path((id, task)): Path<(String, String)>,
    AppJson(b): AppJson<TaskStatusBody>,
) -> ApiResult<Json<TaskView>> {
    let id = id_of(&id, "专项活动不存在")?;
    let task = id_of(&task, "没有这项任务")?;
    Ok(Json(
        state
            .app
            .campaigns
            .set_task_status(&user.session, id, task, &b.status)
            .await?,
    ))
}

/// The campaign report as XLSX (leadership, 督查科): sheets 阶段, 任务, 指标.
#[utoipa::path(get, path = "/api/campaigns/{id}/report.xlsx", operation_id = "campaign_report_xlsx", params(("id" = String, Path, description = "专项活动ID")), tag = "专项活动",
    responses((status = 200, description = "专项活动报告（XLSX：阶段、任务、指标三张表）",
            content((super::schemas::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, description = "专项活动不存在")))]
pub async fn report_xlsx(Caller(state, user): Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let id = id_of(&id, "专项活动不存在")?;
    let bytes = state.app.campaigns.report_xlsx(&user.session, id).await?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"campaign-{id}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
