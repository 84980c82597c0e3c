//! 黄牛、非法中介 (scalpers and illegal agents): the suspects of a period by
//! the detection rules, the register with photos and actions, the reviews of
//! suspects, the thresholds, and the floor captain's alerts.

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, Caller};
use app::scalper::{RegisterRequest, ReviewRequest, ScalperView, SuspectList};
use axum::Json;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::scalper::ScalperRules;
use serde::{Deserialize, Serialize};
use store::scalper::{Scalper, ScalperAlert, SuspectReview};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The largest JSON body of a registration (a photo as a data URL).
pub const PHOTO_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// A path's `{id}` (a registered person, a photo or an alert); one that does
/// not parse names nothing: 404.
pub struct AnyId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for AnyId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let raw = params
            .iter()
            .find(|(k, _)| k == "id")
            .map_or("", |(_, v)| v.as_str());
        Uuid::parse_str(raw)
            .map(AnyId)
            .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这条记录").into_response())
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScalperPeriodQuery {
    /// First day, YYYY-MM-DD.
    from: Option<String>,
    /// Last day, YYYY-MM-DD (at most 366 days in all).
    to: Option<String>,
}

/// The suspects of a period (supervisors): each with its rule, figures and
/// evidence (ticket, appointment and case ids, refused attempts); keys masked.
#[utoipa::path(get, path = "/api/scalpers/suspects", operation_id = "scalper_suspects", params(ScalperPeriodQuery), tag = "督查",
    responses((status = 200, body = Object, description = "可疑对象：{\"items\":[{\"kind\",\"key\"(遮蔽),\"ref\",\"rule\",\"rule_label\",\"count\",\"explanation\",\"figures\",\"evidence\":{\"tickets\",\"appointments\",\"cases\",\"refused\"},\"review\"}]}"),
        (status = 422, description = "日期缺失或无效，或期间超过366天（error.field 为 from 或 to）")))]
pub async fn suspects(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<ScalperPeriodQuery>,
) -> ApiResult<Json<SuspectList>> {
    Ok(Json(
        state
            .app
            .scalpers
            .suspects(
                &user.session,
                q.from.as_deref().unwrap_or(""),
                q.to.as_deref().unwrap_or(""),
            )
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalperReviewBody {
    /// The suspect's `ref`.
    #[serde(rename = "ref")]
    reference: String,
    /// phone, id_number or agent.
    kind: String,
    /// The rule code.
    rule: String,
    /// The period the suspect was found in.
    from: String,
    to: String,
    /// clear (排除) or register (登记).
    decision: String,
    note: String,
    /// When registering: what the register says of the person.
    #[serde(default)]
    description: String,
}

/// A supervisor clears a suspect or registers the person (never automatic).
#[utoipa::path(post, path = "/api/scalpers/suspects/review", operation_id = "review_scalper_suspect", request_body = ScalperReviewBody, tag = "督查",
    responses((status = 201, body = Object, description = "复核记录（登记时带 scalper_id）"),
        (status = 404, description = "该期间没有这个可疑对象"),
        (status = 409, description = "该手机号或身份证号已登记"),
        (status = 422, description = "期间、类型、规则、结果或意见无效")))]
pub async fn review(
    Caller(state, user): Caller,
    AppJson(b): AppJson<ScalperReviewBody>,
) -> ApiResult<(StatusCode, Json<SuspectReview>)> {
    let r = state
        .app
        .scalpers
        .review(
            &user.session,
            &ReviewRequest {
                reference: b.reference,
                kind: b.kind,
                rule: b.rule,
                from: b.from,
                to: b.to,
                decision: b.decision,
                note: b.note,
                description: b.description,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Serialize, ToSchema)]
pub struct ScalperList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<Scalper>,
}

/// The register, newest first (numbers masked).
#[utoipa::path(get, path = "/api/scalpers", operation_id = "list_scalpers", tag = "督查",
    responses((status = 200, body = ScalperList, description = "已登记的黄牛、非法中介（号码已遮蔽）")))]
pub async fn list(Caller(state, user): Caller) -> ApiResult<Json<ScalperList>> {
    Ok(Json(ScalperList {
        items: state.app.scalpers.scalpers(&user.session).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalperRegisterBody {
    /// 体貌特征、常出没位置等.
    description: String,
    phone: Option<String>,
    id_number: Option<String>,
    /// A JPEG, PNG or WebP photo as a data URL (data:image/jpeg;base64,…) or
    /// plain base64; its type is checked by its content. At most 5 MB.
    photo: Option<String>,
}

/// A photo sent as a data URL or plain base64.
fn photo_bytes(raw: &str) -> Result<Vec<u8>, ApiError> {
    app::photo::photo_bytes(raw, true).map_err(|e| {
        let why = match e {
            app::photo::PhotoTextError::NotDataUrl => "照片应为 base64 编码的 data URL",
            app::photo::PhotoTextError::BadBase64 => "照片的 base64 编码有误",
        };
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", why).field("photo")
    })
}

/// Registers a person (supervisor): the phone and ID number are kept only as
/// keyed hashes and masked forms; the photo's type is read from its bytes.
#[utoipa::path(post, path = "/api/scalpers", operation_id = "register_scalper", request_body = ScalperRegisterBody, tag = "督查",
    responses((status = 201, body = Object, description = "登记对象（号码已遮蔽）"),
        (status = 409, description = "该手机号或身份证号已登记"),
        (status = 413, description = "请求正文过大（含照片不超过8MB）"),
        (status = 422, description = "说明、手机号、身份证号或照片无效")))]
pub async fn register(
    Caller(state, user): Caller,
    AppJson(b): AppJson<ScalperRegisterBody>,
) -> ApiResult<(StatusCode, Json<ScalperView>)> {
    let photo = match b.photo.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(raw) => Some(photo_bytes(raw)?),
        None => None,
    };
    let v = state
        .app
        .scalpers
        .register(
            &user.session,
            &RegisterRequest {
                description: b.description,
                phone: b.phone,
                id_number: b.id_number,
                photo,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// One registered person with their actions.
#[utoipa::path(get, path = "/api/scalpers/{id}", operation_id = "get_scalper", params(("id" = String, Path, description = "登记对象ID")), tag = "督查",
    responses((status = 200, body = Object, description = "登记对象及处置记录"),
        (status = 404, description = "没有这个登记对象")))]
pub async fn detail(Caller(state, user): Caller, AnyId(id): AnyId) -> ApiResult<Json<ScalperView>> {
    Ok(Json(state.app.scalpers.scalper(&user.session, id).await?))
}

/// A registered person's photo.
#[utoipa::path(get, path = "/api/scalpers/photos/{id}", operation_id = "scalper_photo", params(("id" = String, Path, description = "照片ID")), tag = "督查",
    responses((status = 200, content_type = "image/*", description = "照片（JPEG、PNG 或 WebP）"),
        (status = 404, description = "没有这张照片")))]
pub async fn photo(Caller(state, user): Caller, AnyId(id): AnyId) -> ApiResult<Response> {
    let (content_type, body) = state.app.scalpers.scalper_photo(&user.session, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalperActionBody {
    /// dissuade (劝离), warn (警告), expel (驱逐) or police (移交公安).
    action: String,
    /// YYYY-MM-DD, not after today.
    date: String,
    note: String,
    /// 证据：录像时段、照片、证人等.
    #[serde(default)]
    evidence: String,
}

/// Records an action taken against a registered person.
#[utoipa::path(post, path = "/api/scalpers/{id}/actions", operation_id = "add_scalper_action", params(("id" = String, Path, description = "登记对象ID")),
    request_body = ScalperActionBody, tag = "督查",
    responses((status = 201, body = Object, description = "登记对象及全部处置记录"),
        (status = 404, description = "没有这个登记对象"),
        (status = 422, description = "措施、日期或说明无效")))]
pub async fn add_action(
    Caller(state, user): Caller,
    AnyId(id): AnyId,
    AppJson(b): AppJson<ScalperActionBody>,
) -> ApiResult<(StatusCode, Json<ScalperView>)> {
    let v = state
        .app
        .scalpers
        .add_action(&user.session, id, &b.action, &b.date, &b.note, &b.evidence)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// The detection thresholds in force.
#[utoipa::path(get, path = "/api/scalpers/rules", operation_id = "scalper_rules", tag = "督查",
    responses((status = 200, body = Object, description = "可疑标准：per_day、per_window、window_days、phone_applicants、agent_applicants、case_window_days、burst_bookings、burst_minutes、release_time")))]
pub async fn rules(Caller(state, user): Caller) -> ApiResult<Json<ScalperRules>> {
    Ok(Json(state.app.scalpers.rules(&user.session).await?))
}

/// Changes the thresholds (supervisor or administrator; audit-logged).
/// Fields left out keep their defaults.
#[utoipa::path(put, path = "/api/scalpers/rules", operation_id = "set_scalper_rules", request_body = Object, tag = "督查",
    responses((status = 200, body = Object, description = "新的可疑标准"),
        (status = 422, description = "某项标准超出范围（error.field 指出）")))]
pub async fn set_rules(
    Caller(state, user): Caller,
    AppJson(b): AppJson<ScalperRules>,
) -> ApiResult<Json<ScalperRules>> {
    Ok(Json(state.app.scalpers.set_rules(&user.session, b).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScalperAlertQuery {
    /// true (default): only those not yet acknowledged.
    open: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct ScalperAlertList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<ScalperAlert>,
}

/// Alerts raised when a registered phone or ID took a ticket or booked.
#[utoipa::path(get, path = "/api/scalpers/alerts", operation_id = "scalper_alerts", params(ScalperAlertQuery), tag = "督查",
    responses((status = 200, body = ScalperAlertList, description = "黄牛预警，最新在前")))]
pub async fn alerts(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<ScalperAlertQuery>,
) -> ApiResult<Json<ScalperAlertList>> {
    Ok(Json(ScalperAlertList {
        items: state
            .app
            .scalpers
            .alerts(&user.session, q.open.unwrap_or(true))
            .await?,
    }))
}

/// The floor captain dealt with an alert.
#[utoipa::path(post, path = "/api/scalpers/alerts/{id}/acknowledge", operation_id = "acknowledge_scalper_alert", params(("id" = String, Path, description = "预警ID")), tag = "督查",
    responses((status = 200, body = Object, description = "已处理的预警"),
        (status = 404, description = "没有这条预警"),
        (status = 409, description = "该预警已处理")))]
pub async fn acknowledge(Caller(state, user): Caller, AnyId(id): AnyId) -> ApiResult<Json<ScalperAlert>> {
    Ok(Json(state.app.scalpers.acknowledge(&user.session, id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes() {
        assert_eq!(
            photo_bytes("data:image/png;base64,iVBORw0KGgo=").unwrap()[..4],
            *b"\x89PNG"
        );
        assert!(photo_bytes("data:image/png,plain").is_err());
    }
}
