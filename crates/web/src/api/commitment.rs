//! 告知承诺核查, 撤销, 电子证照 and 数据共享调取记录 (issue 17).

use super::scalper::AnyId;
use crate::error::ApiResult;
use crate::extract::{AppJson, AppQuery, Caller, CaseId};
use app::commitment::CommitmentView;
use axum::Json;
use axum::http::StatusCode;
use domain::commitment::VerificationStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommitmentQuery {
    /// pending (待核查), true (属实) or false (不实); all when absent.
    status: Option<String>,
}

/// One verification task.
#[derive(Serialize, ToSchema)]
pub struct CommitmentItem {
    id: String,
    case_id: String,
    case_number: String,
    item_name: String,
    department: String,
    material: String,
    /// 核查期限 (YYYY-MM-DD): working days from acceptance by the hall calendar.
    due: String,
    status: String,
    status_label: String,
    overdue: bool,
    applicant: String,
    note: String,
}

impl From<CommitmentView> for CommitmentItem {
    fn from(v: CommitmentView) -> CommitmentItem {
        let t = v.task;
        CommitmentItem {
            id: t.id.to_string(),
            case_id: t.case_id.to_string(),
            case_number: t.case_number,
            item_name: t.item_name,
            department: t.department,
            material: t.material,
            due: t.due.to_string(),
            status: t.status.code().into(),
            status_label: v.status_label.into(),
            overdue: v.overdue,
            applicant: t.applicant_masked,
            note: t.note,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CommitmentList {
    items: Vec<CommitmentItem>,
}

/// 告知承诺核查任务 (liaison: its department's; supervisor: all), due date first.
#[utoipa::path(get, path = "/api/commitments", operation_id = "list_commitments", params(CommitmentQuery), tag = "告知承诺",
    responses((status = 200, body = CommitmentList, description = "{\"items\":[{\"id\",\"case_id\",\"material\",\"due\",…}]}"),
        (status = 422, description = "status 无效（error.field 为 status）")))]
pub async fn list(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<CommitmentQuery>,
) -> ApiResult<Json<CommitmentList>> {
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            VerificationStatus::parse(s)
                .ok_or_else(|| app::AppError::invalid("status", "status 应为 pending、true 或 false"))?,
        ),
    };
    let items = state.app.commitments.commitments(&user.session, status).await?;
    Ok(Json(CommitmentList {
        items: items.into_iter().map(CommitmentItem::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// true: 属实; false: 不实 (a credit record against the applicant).
    outcome: bool,
    /// 核查情况 (required when false).
    #[serde(default)]
    note: String,
}

/// 核查结论: 属实 or 不实 (with a note); 不实 records a 信用记录.
#[utoipa::path(post, path = "/api/commitments/{id}/verify", operation_id = "verify_commitment",
    params(("id" = String, Path, description = "核查任务ID")), request_body = VerifyBody, tag = "告知承诺",
    responses((status = 200, body = CommitmentItem, description = "已记录的核查结论"),
        (status = 404, description = "没有这个核查任务"),
        (status = 409, description = "已核查（error.code 为 wrong_status）"),
        (status = 422, description = "不实未写核查情况（error.field 为 note）")))]
pub async fn verify(
    Caller(state, user): Caller,
    AnyId(id): AnyId,
    AppJson(body): AppJson<VerifyBody>,
) -> ApiResult<Json<CommitmentItem>> {
    let outcome = if body.outcome { "true" } else { "false" };
    let v = state
        .app
        .commitments
        .verify(&user.session, id, outcome, &body.note)
        .await?;
    Ok(Json(v.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    /// 撤销理由.
    reason: String,
}

/// 撤销: revokes the decision of a case whose commitment was found false (a logged case step).
#[utoipa::path(post, path = "/api/cases/{id}/revoke", operation_id = "revoke_case",
    params(("id" = String, Path, description = "办件ID")), request_body = RevokeBody, tag = "告知承诺",
    responses((status = 200, body = Object, description = "办件（步骤中有 revoke）"),
        (status = 404, description = "没有这个办件"),
        (status = 409, description = "没有核查不实的承诺、尚未准予或已撤销（error.code 为 wrong_status）"),
        (status = 422, description = "未写理由（error.field 为 reason）")))]
pub async fn revoke(
    Caller(state, user): Caller,
    CaseId(id): CaseId,
    AppJson(body): AppJson<RevokeBody>,
) -> ApiResult<Json<app::case::CaseView>> {
    Ok(Json(
        state
            .app
            .commitments
            .revoke(&user.session, id, &body.reason)
            .await?,
    ))
}

/// One record used for a case.
#[derive(Serialize, ToSchema)]
pub struct DataAccessItem {
    /// population (人口库), legal_entity (法人库) or e_licence (电子证照库).
    source: String,
    source_label: String,
    /// Who answered: local (本地导入数据, the records the administrator imported)
    /// or exchange (共享交换平台, the province's exchange).
    provider: String,
    provider_label: String,
    material: String,
    licence_type: String,
    /// The licence's number; a 身份证号 inside it is masked (1101**********002X).
    licence_number: String,
    valid_until: Option<String>,
    /// The fields read.
    fields: String,
    at: String,
    by: String,
}

#[derive(Serialize, ToSchema)]
pub struct DataAccessList {
    items: Vec<DataAccessItem>,
}

/// 数据共享调取记录 of a case (staff and supervision, scoped like the case).
#[utoipa::path(get, path = "/api/cases/{id}/data-access", operation_id = "case_data_access",
    params(("id" = String, Path, description = "办件ID")), tag = "告知承诺",
    responses((status = 200, body = DataAccessList, description = "{\"items\":[{\"source\",\"material\",\"at\",\"by\",…}]}"),
        (status = 404, description = "没有这个办件")))]
pub async fn data_access(Caller(state, user): Caller, CaseId(id): CaseId) -> ApiResult<Json<DataAccessList>> {
    let items = state.app.commitments.data_access(&user.session, id).await?;
    Ok(Json(DataAccessList {
        items: items
            .into_iter()
            .map(|a| DataAccessItem {
                source: a.source.code().into(),
                source_label: a.source.label().into(),
                provider: a.provider.code().into(),
                provider_label: a.provider.label().into(),
                material: a.material,
                licence_type: a.licence_type,
                licence_number: domain::identity::mask_id_numbers(&a.licence_number),
                valid_until: a.valid_until.map(|d| d.to_string()),
                fields: a.fields,
                at: a.accessed_at.to_string(),
                by: a.accessed_by,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct LicenceImported {
    imported: u64,
}

/// 电子证照导入 (admin): CSV `holder,type,number,valid_until`; a bad line refuses the file, naming it.
#[utoipa::path(post, path = "/api/licences/import", operation_id = "import_licences",
    request_body(content = String, content_type = "text/csv", description = "CSV：holder,type,number,valid_until（holder 为身份证号或统一社会信用代码；valid_until 留空为长期）"),
    tag = "告知承诺",
    responses((status = 201, body = LicenceImported, description = "导入的记录数"),
        (status = 422, description = "某行无效（error.field 为 holder、type、number、valid_until 或 file，消息指明行号），未做任何更改")))]
pub async fn import(
    Caller(state, user): Caller,
    body: String,
) -> ApiResult<(StatusCode, Json<LicenceImported>)> {
    let n = state
        .app
        .commitments
        .import_licences(&user.session, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(LicenceImported { imported: n })))
}

#[derive(Serialize, ToSchema)]
pub struct LicenceItem {
    holder: String,
    holder_kind: String,
    #[serde(rename = "type")]
    licence_type: String,
    number: String,
    valid_until: Option<String>,
    source: String,
}

#[derive(Serialize, ToSchema)]
pub struct LicenceList {
    items: Vec<LicenceItem>,
}

/// The local sharing records (admin), holders masked.
#[utoipa::path(get, path = "/api/licences", operation_id = "list_licences", tag = "告知承诺",
    responses((status = 200, body = LicenceList, description = "证照记录（持证主体已遮蔽）")))]
pub async fn licences(Caller(state, user): Caller) -> ApiResult<Json<LicenceList>> {
    let items = state.app.commitments.licences(&user.session).await?;
    Ok(Json(LicenceList {
        items: items
            .into_iter()
            .map(|l| LicenceItem {
                holder: l.holder_masked,
                holder_kind: l.holder_kind.code().into(),
                licence_type: l.licence_type,
                number: l.number,
                valid_until: l.valid_until.map(|d| d.to_string()),
                source: l.source.code().into(),
            })
            .collect(),
    }))
}
