//! 月度考核 (issue 16): the month's scores with their evidence, 定档 and
//! re-scores, the red flag and service stars (public), 三评, the leader's
//! 创新加分 and incidents, and the scheme's versions.

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{AppJson, AppQuery, Caller};
use app::assessment::{
    AssessmentList, EntryInput, LeaderEntries, RedFlag, ReviewInput, ReviewView, SchemeVersionView,
    SchemeView, ServiceStars,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::assessment::Scheme;
use serde::{Deserialize, Serialize};
use store::assessment::{Bonus, FrozenMonth, Incident};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AssessmentQuery {
    /// YYYY-MM (default: this month).
    month: Option<String>,
    /// staff (default), window or department.
    level: Option<String>,
    /// One subject only: a username, a window's number or a department's name.
    subject: Option<String>,
    /// false: leave out each part's evidence (default true).
    evidence: Option<bool>,
}

/// The month's scores at one level (leadership, admin, 督查科): each
/// subject's total (the sum of its parts), star grade (1–5), rank, veto and
/// its reasons, and each part with the records behind it (`evidence`:
/// `{kind, id}`, kind one of evaluation, ticket, case, inspection,
/// complaint, review, meeting, exam, bonus, import). Computed from the
/// records at the time of the call until the month is frozen (定档).
#[utoipa::path(get, path = "/api/assessment", operation_id = "assessment_scores", params(AssessmentQuery), tag = "考核",
    responses((status = 200, body = Object, description = "{month, level, frozen, scheme_version, items: [{subject, name, score, grade, grade_label, rank, vetoed, veto_reasons, vetoes, parts: [{name, points, max, detail, evidence: [{kind, id}]}], satisfaction, volume, excellent_streak}]}"),
        (status = 422, description = "月份或层级无效")))]
pub async fn scores(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<AssessmentQuery>,
) -> ApiResult<Json<AssessmentList>> {
    Ok(Json(
        state
            .app
            .assessment
            .assessment(
                &user.session,
                q.month.as_deref(),
                q.level.as_deref(),
                q.subject.as_deref(),
                q.evidence.unwrap_or(true),
            )
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PersonQuery {
    /// YYYY-MM (default: this month).
    month: Option<String>,
    /// A username (default: oneself).
    staff: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonalAssessment {
    #[schema(value_type = Object)]
    assessment: AssessmentList,
    /// 党员互评 and 领导点评 of the month (a peer's name hidden from the person).
    #[schema(value_type = Vec<Object>)]
    reviews: Vec<ReviewView>,
}

/// One staff member's month with the evidence and their reviews: to the
/// person, their department's liaison and leadership (else 403).
#[utoipa::path(get, path = "/api/assessment/person", operation_id = "personal_assessment", params(PersonQuery), tag = "考核",
    responses((status = 200, body = PersonalAssessment, description = "本人考核结果与三评"),
        (status = 403, description = "个人考核结果只向本人、所在部门负责人和领导公开"),
        (status = 422, description = "月份无效")))]
pub async fn person(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<PersonQuery>,
) -> ApiResult<Json<PersonalAssessment>> {
    let (assessment, reviews) = state
        .app
        .assessment
        .staff_assessment(&user.session, q.month.as_deref(), q.staff.as_deref())
        .await?;
    Ok(Json(PersonalAssessment { assessment, reviews }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    /// YYYY-MM (default: this month).
    month: Option<String>,
}

/// 流动红旗 of a month (public): the highest-scoring window not vetoed that
/// served at least the scheme's minimum; ties by satisfaction, then volume;
/// with the runner-up and the reasons. From the records now until frozen.
#[utoipa::path(get, path = "/api/red-flag", operation_id = "red_flag", params(MonthQuery), tag = "考核",
    responses((status = 200, body = Object, description = "{month, window: \"N\"|null, name, score, satisfaction, volume, runner_up, reasons, frozen, min_volume}"),
        (status = 422, description = "月份无效")))]
pub async fn red_flag(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<MonthQuery>,
) -> ApiResult<Json<RedFlag>> {
    Ok(Json(state.app.assessment.red_flag(q.month.as_deref()).await?))
}

/// 服务标兵 of a month (public): the top staff by the red flag's rule.
#[utoipa::path(get, path = "/api/service-stars", operation_id = "service_stars", params(MonthQuery), tag = "考核",
    responses((status = 200, body = Object, description = "{month, stars: [{subject, name, score, satisfaction, volume}], runner_up, reasons, frozen, min_volume}"),
        (status = 422, description = "月份无效")))]
pub async fn service_stars(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<MonthQuery>,
) -> ApiResult<Json<ServiceStars>> {
    Ok(Json(
        state.app.assessment.service_stars(q.month.as_deref()).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeBody {
    /// YYYY-MM, a month that has ended.
    month: String,
}

/// 定档 (leader): keeps the month's results, red flag and stars as they are
/// now; late records no longer change them.
#[utoipa::path(post, path = "/api/assessment/freeze", operation_id = "freeze_assessment", request_body = FreezeBody, tag = "考核",
    responses((status = 201, body = Object, description = "已定档的月份"),
        (status = 409, description = "该月已定档"),
        (status = 422, description = "月份无效或尚未结束")))]
pub async fn freeze(
    Caller(state, user): Caller,
    AppJson(b): AppJson<FreezeBody>,
) -> ApiResult<(StatusCode, Json<FrozenMonth>)> {
    let m = state.app.assessment.freeze(&user.session, &b.month).await?;
    Ok((StatusCode::CREATED, Json(m)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescoreBody {
    /// YYYY-MM, a frozen month.
    month: String,
    /// Why (required; logged).
    reason: String,
}

/// 重新评分 (leader): replaces a frozen month's results with a score from the
/// records now; logged with its reason.
#[utoipa::path(post, path = "/api/assessment/rescore", operation_id = "rescore_assessment", request_body = RescoreBody, tag = "考核",
    responses((status = 200, body = Object, description = "重新评分后的月份"),
        (status = 409, description = "该月尚未定档"),
        (status = 422, description = "月份无效或未说明理由")))]
pub async fn rescore(
    Caller(state, user): Caller,
    AppJson(b): AppJson<RescoreBody>,
) -> ApiResult<Json<FrozenMonth>> {
    Ok(Json(
        state
            .app
            .assessment
            .rescore(&user.session, &b.month, &b.reason)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    /// YYYY-MM
    month: String,
    /// The reviewed staff member's username.
    staff: String,
    /// peer (党员互评, a colleague of the same department) or leader (领导点评).
    kind: String,
    /// 0..10
    score: i64,
    #[serde(default)]
    comment: String,
}

/// 党员互评 or 领导点评 of a staff member for a month (never oneself; a peer
/// once a month per person).
#[utoipa::path(post, path = "/api/reviews", operation_id = "add_review", request_body = NewReview, tag = "考核",
    responses((status = 201, body = Object, description = "已录入的评议"),
        (status = 403, description = "党员互评只评本部门同事；领导点评只由领导录入"),
        (status = 409, description = "本月已评议过此人，或该月已定档"),
        (status = 422, description = "评议自己、分数不在0到10、账号不是窗口工作人员、月份无效")))]
pub async fn add_review(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewReview>,
) -> ApiResult<(StatusCode, Json<ReviewView>)> {
    let r = state
        .app
        .assessment
        .add_review(
            &user.session,
            &ReviewInput {
                month: b.month,
                staff: b.staff,
                kind: b.kind,
                score: b.score,
                comment: b.comment,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReviewListQuery {
    /// YYYY-MM (default: this month).
    month: Option<String>,
    /// One staff member's.
    staff: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<ReviewView>,
}

/// The month's reviews (leadership).
#[utoipa::path(get, path = "/api/reviews", operation_id = "list_reviews", params(ReviewListQuery), tag = "考核",
    responses((status = 200, body = ReviewList, description = "评议记录"), (status = 422, description = "月份无效")))]
pub async fn list_reviews(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<ReviewListQuery>,
) -> ApiResult<Json<ReviewList>> {
    Ok(Json(ReviewList {
        items: state
            .app
            .assessment
            .reviews(&user.session, q.month.as_deref(), q.staff.as_deref())
            .await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBonus {
    /// YYYY-MM
    month: String,
    /// staff, window or department.
    level: String,
    /// A username, a window's number or a department's full name.
    subject: String,
    /// Above 0, at most the scheme's cap (the month's total is capped too).
    points: f64,
    reason: String,
}

/// 创新加分 (leader), with its reason.
#[utoipa::path(post, path = "/api/assessment/bonuses", operation_id = "add_assessment_bonus", request_body = NewBonus, tag = "考核",
    responses((status = 201, body = Object, description = "已录入的加分"),
        (status = 409, description = "该月已定档"),
        (status = 422, description = "对象不存在、分数超出上限、未写理由")))]
pub async fn add_bonus(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewBonus>,
) -> ApiResult<(StatusCode, Json<Bonus>)> {
    let bonus = state
        .app
        .assessment
        .add_bonus(
            &user.session,
            &EntryInput {
                month: b.month,
                level: b.level,
                subject: b.subject,
                points: b.points,
                kind: String::new(),
                date: None,
                text: b.reason,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(bonus)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    /// YYYY-MM
    month: String,
    /// staff, window or department.
    level: String,
    subject: String,
    /// discipline (严重违法违纪) or safety (安全事故).
    kind: String,
    /// YYYY-MM-DD in the month (default: today or the month's last day).
    date: Option<String>,
    description: String,
}

/// A serious discipline breach or safety incident (leader): vetoes the
/// subject for the month.
#[utoipa::path(post, path = "/api/assessment/incidents", operation_id = "add_assessment_incident", request_body = NewIncident, tag = "考核",
    responses((status = 201, body = Object, description = "已录入"),
        (status = 409, description = "该月已定档"),
        (status = 422, description = "对象不存在、类别或日期无效、未写情况")))]
pub async fn add_incident(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewIncident>,
) -> ApiResult<(StatusCode, Json<Incident>)> {
    let incident = state
        .app
        .assessment
        .add_incident(
            &user.session,
            &EntryInput {
                month: b.month,
                level: b.level,
                subject: b.subject,
                points: 0.0,
                kind: b.kind,
                date: b.date,
                text: b.description,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(incident)))
}

/// What the leader entered for a month (加分、违纪与安全事故) and the month's
/// freeze and re-score log.
#[utoipa::path(get, path = "/api/assessment/entries", operation_id = "assessment_entries", params(MonthQuery), tag = "考核",
    responses((status = 200, body = Object, description = "{month, bonuses, incidents, log}"), (status = 422, description = "月份无效")))]
pub async fn entries(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<MonthQuery>,
) -> ApiResult<Json<LeaderEntries>> {
    Ok(Json(
        state
            .app
            .assessment
            .leader_entries(&user.session, q.month.as_deref())
            .await?,
    ))
}

/// The scheme in force for a month and every saved version.
#[utoipa::path(get, path = "/api/assessment/scheme", operation_id = "assessment_scheme", params(MonthQuery), tag = "考核",
    responses((status = 200, body = Object, description = "{month, version, scheme, versions}"), (status = 422, description = "月份无效")))]
pub async fn scheme(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<MonthQuery>,
) -> ApiResult<Json<SchemeView>> {
    Ok(Json(
        state
            .app
            .assessment
            .scheme(&user.session, q.month.as_deref())
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveScheme {
    /// YYYY-MM, this month or later (default: this month).
    effective_from: Option<String>,
    #[serde(default)]
    note: String,
    /// The whole scheme (as `GET /api/assessment/scheme` gives it); its base parts sum to 100.
    #[schema(value_type = Object)]
    scheme: Scheme,
}

/// Saves a new version of the scheme (admin), effective from a month.
#[utoipa::path(put, path = "/api/assessment/scheme", operation_id = "save_assessment_scheme", request_body = SaveScheme, tag = "考核",
    responses((status = 201, body = Object, description = "新版本"),
        (status = 422, description = "方案无效或生效月份早于本月")))]
pub async fn save_scheme(
    Caller(state, user): Caller,
    AppJson(b): AppJson<SaveScheme>,
) -> ApiResult<(StatusCode, Json<SchemeVersionView>)> {
    let v = state
        .app
        .assessment
        .save_scheme(&user.session, b.effective_from.as_deref(), b.scheme, &b.note)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}
