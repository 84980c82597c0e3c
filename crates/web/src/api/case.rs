//! 办件 over HTTP: acceptance, supplement, the lifecycle, public progress,
//! the ledger's figures and the import of an earlier ledger.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, Caller, CaseId};
use app::case::{ApplicantInput, CaseReport, CaseRequest, CaseView, MaterialInput};
use app::evaluation_report::period;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantBody {
    name: String,
    /// 身份证号 (a person) …
    id_number: Option<String>,
    phone: Option<String>,
    /// … or 统一社会信用代码 (an organisation).
    uscc: Option<String>,
    legal_rep: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialBody {
    name: String,
    /// provided, shared (共享调取: a valid shared record of the applicant), missing,
    /// or commitment (告知承诺: only where the catalog allows it).
    status: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseBody {
    /// The catalog item's code …
    #[serde(default)]
    item: String,
    /// … or a 一件事 bundle's code: one parent case and a sub-case per item, in parallel.
    bundle: Option<String>,
    applicant: ApplicantBody,
    ticket_id: Option<String>,
    #[serde(default)]
    materials: Vec<MaterialBody>,
    /// 代办员 acting for the applicant, and the basis.
    agent: Option<String>,
    agent_basis: Option<String>,
}

fn checks(m: Vec<MaterialBody>) -> Vec<MaterialInput> {
    m.into_iter()
        .map(|m| MaterialInput {
            name: m.name,
            status: m.status,
        })
        .collect()
}

/// 受理: complete materials → accepted with a deadline; otherwise 补正 with every missing material.
#[utoipa::path(post, path = "/api/cases", operation_id = "accept_case", request_body = CaseBody, tag = "办件",
    responses((status = 201, body = Object, description = "办件：id、编号、状态、期限及缺少的材料"),
        (status = 404, description = "没有这个事项、一件事或号票"),
        (status = 422, description = "申请人、材料或代办信息无效，error.field 指出哪一项")))]
pub async fn create(
    Caller(state, user): Caller,
    AppJson(body): AppJson<CaseBody>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    let req = CaseRequest {
        item: body.item,
        bundle: body.bundle,
        applicant: ApplicantInput {
            name: body.applicant.name,
            id_number: body.applicant.id_number.filter(|s| !s.trim().is_empty()),
            phone: body.applicant.phone,
            uscc: body.applicant.uscc.filter(|s| !s.trim().is_empty()),
            legal_rep: body.applicant.legal_rep,
        },
        ticket_id: body.ticket_id,
        materials: checks(body.materials),
        agent: body.agent,
        agent_basis: body.agent_basis,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.app.cases.accept_case(&user.session, &req).await?),
    ))
}

/// A case with its steps, deadline and paused days.
#[utoipa::path(get, path = "/api/cases/{id}", operation_id = "get_case", params(("id" = String, Path, description = "办件ID")), tag = "办件",
    responses((status = 200, body = Object, description = "办件及其环节、期限和暂停天数"),
        (status = 404, description = "办件不存在（或不在本部门）")))]
pub async fn get(Caller(state, user): Caller, CaseId(id): CaseId) -> ApiResult<Json<CaseView>> {
    Ok(Json(state.app.cases.case(&user.session, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementBody {
    materials: Vec<MaterialBody>,
}

/// 补正: once nothing required is missing, the case is accepted and its clock starts that day.
#[utoipa::path(post, path = "/api/cases/{id}/supplement", operation_id = "supplement_case", params(("id" = String, Path, description = "办件ID")),
    request_body = SupplementBody, tag = "办件",
    responses((status = 200, body = Object, description = "补正后的办件"), (status = 404, description = "办件不存在"),
        (status = 409, description = "办件不在待补正状态")))]
pub async fn supplement(
    Caller(state, user): Caller,
    CaseId(id): CaseId,
    AppJson(body): AppJson<SupplementBody>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(
        state
            .app
            .cases
            .supplement_case(&user.session, id, &checks(body.materials))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    #[serde(default)]
    reason: String,
    /// For `decide`: 准予 (true) or 不予 (false, with a reason).
    approved: Option<bool>,
    /// For `extend`: working days (1–15), once per case, approved by leadership.
    days: Option<u32>,
}

/// Runs one lifecycle action; `/resume` and `/complete` need no body.
async fn act(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
    raw: &[u8],
) -> ApiResult<Json<CaseView>> {
    let body: ActionBody = if raw.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        // `null` is an empty body too.
        serde_json::from_slice::<Option<ActionBody>>(raw)
            .map(Option::unwrap_or_default)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    format!(
                        "请求内容不是有效的 JSON：{}",
                        crate::error::excerpt(&e.to_string())
                    ),
                )
                .field("body")
            })?
    };
    Ok(Json(
        state
            .app
            .cases
            .act_on_case(&user.session, id, action, &body.reason, body.approved, body.days)
            .await?,
    ))
}

/// Declares one lifecycle action as its own operation.
macro_rules! case_action {
    ($name:ident, $action:literal, $op:literal, $summary:literal) => {
        #[doc = $summary]
        #[utoipa::path(post, path = concat!("/api/cases/{id}/", $action), operation_id = $op,
            params(("id" = String, Path, description = "办件ID")), request_body(content = Option<ActionBody>, description = "理由等（可为空）", content_type = "application/json"),
            tag = "办件", security(("bearer" = [])),
            responses((status = 200, description = "办件", body = Object),
                (status = 404, description = "办件不存在"),
                (status = 409, description = "当前状态不允许此操作"),
                (status = 422, description = "请求正文不是 JSON，或理由、天数等无效")))]
        pub async fn $name(
            Caller(state, user): Caller,
            CaseId(id): CaseId,
            raw: axum::body::Bytes,
        ) -> ApiResult<Json<CaseView>> {
            act(&state, &user, id, $action, &raw).await
        }
    };
}

case_action!(
    pause,
    "pause",
    "pause_case",
    "暂停计时（法定不计时情形，须写明理由）。"
);
case_action!(
    resume,
    "resume",
    "resume_case",
    "恢复计时：期限顺延暂停的工作日。"
);
case_action!(review, "review", "review_case", "进入审查。");
case_action!(
    decide,
    "decide",
    "decide_case",
    "作出决定：准予（approved=true）或不予（须写明理由）。"
);
case_action!(
    complete,
    "complete",
    "complete_case",
    "办结（即办件可直接办结）。"
);
case_action!(deliver, "deliver", "deliver_case", "送达。");
case_action!(refuse, "refuse", "refuse_case", "不予受理（须写明理由）。");
case_action!(
    extend,
    "extend",
    "extend_case",
    "延期一次（1至15个工作日，须写明理由，领导审批）。"
);

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// The case number (with `phone_last4`) …
    number: Option<String>,
    /// … and the last four digits of the applicant's phone.
    phone_last4: Option<String>,
    /// The query code on the receipt (受理回执).
    code: Option<String>,
}

/// Public progress: status, steps and deadline, with the applicant masked.
#[utoipa::path(get, path = "/api/progress", operation_id = "case_progress", params(ProgressQuery), tag = "办件",
    responses((status = 200, body = Object, description = "状态、环节和期限，申请人已遮蔽；timeline：办件全程时间线（不含工作人员姓名和短信内容），can_rate/rated：能否网上评价"),
        (status = 404, description = "编号与手机号后四位不符，或查询码无效")))]
pub async fn progress(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppQuery(q): AppQuery<ProgressQuery>,
) -> ApiResult<Json<app::case_timeline::CaseProgressView>> {
    // issue 17: the progress with its citizen-safe timeline.
    Ok(Json(
        state
            .app
            .timelines
            .public_progress(
                q.number.as_deref(),
                q.phone_last4.as_deref(),
                q.code.as_deref(),
                &client,
            )
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day of acceptance, YYYY-MM-DD.
    from: String,
    /// Last day (default: `from`).
    to: Option<String>,
}

/// 办结率, on-time rate and overdue of the cases accepted in a period (leader or admin).
#[utoipa::path(get, path = "/api/reports/cases", operation_id = "case_report", params(PeriodQuery), tag = "办件",
    responses((status = 200, body = super::schemas::CaseReport, description = "受理、办结、办结率、按时率、超期")))]
pub async fn report(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> ApiResult<Json<CaseReport>> {
    let (from, to) = period(&q.from, q.to.as_deref())?;
    Ok(Json(state.app.cases.case_report(&user.session, from, to).await?))
}

/// What an import of an earlier ledger did.
#[derive(Serialize, ToSchema)]
pub struct Imported {
    /// Cases imported.
    count: u64,
    /// The same number (older clients read it).
    imported: u64,
}

/// Imports an earlier ledger (admin): CSV `number,item,accepted_on,completed_on,deadline[,department]`.
#[utoipa::path(post, path = "/api/cases/import", operation_id = "import_cases",
    request_body(content = String, content_type = "text/csv", description = "CSV：number,item,accepted_on,completed_on,deadline（可选第六列 department：部门代码或全称；不给时取目录中事项的部门）"),
    tag = "办件",
    responses((status = 201, body = Imported, description = "导入的办件数"), (status = 422, description = "某行格式错误，未做任何更改")))]
pub async fn import(Caller(state, user): Caller, body: String) -> ApiResult<(StatusCode, Json<Imported>)> {
    let n = state.app.cases.import_cases(&user.session, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(Imported {
            count: n,
            imported: n,
        }),
    ))
}

/// The applicant's ID number and phone in the clear (window staff); every view is audit-logged.
#[utoipa::path(get, path = "/api/cases/{id}/identity", operation_id = "case_identity", params(("id" = String, Path, description = "办件ID")), tag = "办件",
    responses((status = 200, body = super::schemas::CaseIdentity, description = "身份证号和手机号明文（已记入审计）"),
        (status = 404, description = "办件不存在")))]
pub async fn identity(
    Caller(state, user): Caller,
    CaseId(id): CaseId,
) -> ApiResult<Json<app::case::CaseIdentity>> {
    Ok(Json(state.app.cases.case_identity(&user.session, id).await?))
}
