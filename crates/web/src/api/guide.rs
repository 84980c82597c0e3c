//! 智能导办 (the smart guide, issue 17 part 1): a public question in everyday
//! Chinese → the items and 一件事 bundles that fit, or `none`; the admin's
//! phrases (常用说法), the log of questions that found nothing, and the
//! questions the admin answered (相似问法: an item or bundle, or 不属本大厅).

use crate::AppState;
use crate::auth::ClientAddr;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, Caller};
use app::guide::{GuideAnswerView, GuideMissView};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use store::guide::{GuidePhrase, GuideSimilar};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GuideQuery {
    /// The question, in everyday Chinese (at most 100 characters).
    q: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GuideAnswers {
    /// Best first: `{code, kind ("item"|"bundle"), name, score}` plus what the
    /// guide page shows (materials, steps, location, department, can_online, url).
    #[schema(value_type = Vec<Object>)]
    answers: Vec<GuideAnswerView>,
    /// Nothing fits (无匹配): no answers; ask the help desk (咨询台) or call 12345.
    none: bool,
}

/// 智能导办: the items and 一件事 bundles that fit a question, ranked (public).
#[utoipa::path(get, path = "/api/guide", operation_id = "guide_ask", params(GuideQuery), tag = "智能导办",
    responses((status = 200, body = GuideAnswers, description = "{answers: [{code, kind, name, score, …}], none}"),
        (status = 422, description = "问题为空或超过100个字（字段 q）"),
        (status = 429, description = "同一地址无匹配的提问过多，请稍后再试")))]
pub async fn ask(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppQuery(q): AppQuery<GuideQuery>,
) -> ApiResult<Json<GuideAnswers>> {
    let r = state.app.guide.ask(q.q.as_deref(), &client).await?;
    Ok(Json(GuideAnswers {
        answers: r.answers,
        none: r.none,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyboardQuery {
    /// The pinyin letters typed, a to z (ü as v), 1 to 30: each syllable in full
    /// or by its first letters (`sfz`, `shenfz`, `shenfenzheng`); `'` may separate
    /// syllables where the letters read two ways (`xi'an`).
    letters: Option<String>,
    /// The page, from 1 (default 1).
    page: Option<usize>,
    /// Candidates per page, 1 to 30 (default 8).
    per_page: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct KeyboardCandidates {
    /// The letters as matched (lower case).
    letters: String,
    /// Best first: `{word, used, fit}`: `used` letters are the word's (tapping it
    /// leaves the others typed); `fit` is `exact` (every syllable in full),
    /// `abbreviated`, `predicted` (the word goes on past the letters) or
    /// `partial` (the word uses only the first `used` letters).
    #[schema(value_type = Vec<Object>)]
    candidates: Vec<domain::guide_keyboard::Candidate>,
    page: usize,
    per_page: usize,
    /// Candidates over all pages (at most 300).
    total: usize,
    /// A next page exists.
    more: bool,
}

/// The kiosk's on-screen pinyin keyboard: the hall's words (catalog names and
/// keywords, life events, the guide's phrases, common question words) that the
/// typed letters may mean, ranked, one page (public, rate-limited per address).
#[utoipa::path(get, path = "/api/guide/keyboard", operation_id = "guide_keyboard", params(KeyboardQuery), tag = "智能导办",
    responses((status = 200, body = KeyboardCandidates, description = "{letters, candidates: [{word, used, fit}], page, per_page, total, more}"),
        (status = 422, description = "拼音为空、不是字母或超过30个（字段 letters），页码或每页数量不对（字段 page、per_page）"),
        (status = 429, description = "同一地址输入过快，请稍后再试")))]
pub async fn keyboard(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppQuery(q): AppQuery<KeyboardQuery>,
) -> ApiResult<Json<KeyboardCandidates>> {
    state.check_keyboard_rate(&client)?;
    let p = state
        .app
        .guide
        .keyboard(q.letters.as_deref(), q.page, q.per_page)
        .await?;
    Ok(Json(KeyboardCandidates {
        letters: p.letters,
        candidates: p.candidates,
        page: p.page,
        per_page: p.per_page,
        total: p.total,
        more: p.more,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PhraseList {
    /// `{id, phrase, code, kind, created_by, created_at}`, oldest first.
    #[schema(value_type = Vec<Object>)]
    items: Vec<GuidePhrase>,
}

/// The phrases admins added to the guide's vocabulary (admin).
#[utoipa::path(get, path = "/api/guide/phrases", operation_id = "guide_phrases", tag = "智能导办",
    responses((status = 200, body = PhraseList, description = "{items: [{id, phrase, code, kind, created_by, created_at}]}")))]
pub async fn phrases(Caller(state, user): Caller) -> ApiResult<Json<PhraseList>> {
    Ok(Json(PhraseList {
        items: state.app.guide.phrases(&user.session).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPhrase {
    /// 常用说法, 2 to 20 characters, no digits ("落地户").
    phrase: String,
    /// A published item's or 一件事 bundle's code.
    code: String,
}

/// Adds a phrase: a question containing it points at the code (admin).
#[utoipa::path(post, path = "/api/guide/phrases", operation_id = "guide_add_phrase", tag = "智能导办",
    request_body = NewPhrase,
    responses((status = 201, body = Object, description = "{id, phrase, code, kind, created_by, created_at}"),
        (status = 409, description = "这条说法已经指向该事项"),
        (status = 422, description = "说法不合要求（字段 phrase）或编码不是已发布的事项或一件事（字段 code）")))]
pub async fn add_phrase(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewPhrase>,
) -> ApiResult<(StatusCode, Json<GuidePhrase>)> {
    let p = state
        .app
        .guide
        .add_phrase(&user.session, &b.phrase, &b.code)
        .await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Deletes a phrase (admin).
#[utoipa::path(delete, path = "/api/guide/phrases/{id}", operation_id = "guide_delete_phrase", tag = "智能导办",
    params(("id" = String, Path, description = "说法编号")),
    responses((status = 204, description = "已删除"), (status = 404, description = "没有这条说法")))]
pub async fn delete_phrase(Caller(state, user): Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这条说法"))?;
    state.app.guide.delete_phrase(&user.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MissList {
    /// `{question, count, first_at, last_at, why}`, most asked first; the question
    /// without digits and at most 40 characters, never who asked; `why`: why nothing
    /// fits it now, in Chinese (含其他部门或日常事务用语“…”, 问题里本大厅的用词太少…), or
    /// 现在已能找到答案.
    #[schema(value_type = Vec<Object>)]
    items: Vec<GuideMissView>,
}

/// The questions that found nothing (无匹配问题), to improve the vocabulary (admin).
#[utoipa::path(get, path = "/api/guide/misses", operation_id = "guide_misses", tag = "智能导办",
    responses((status = 200, body = MissList, description = "{items: [{question, count, first_at, last_at, why}]}")))]
pub async fn misses(Caller(state, user): Caller) -> ApiResult<Json<MissList>> {
    Ok(Json(MissList {
        items: state.app.guide.misses(&user.session).await?,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct SimilarList {
    /// `{id, question, code, kind, created_by, created_at}`, oldest first; `code`
    /// and `kind` are null when the matter is not the hall's (不属本大厅).
    #[schema(value_type = Vec<Object>)]
    items: Vec<GuideSimilar>,
}

/// The questions admins answered (相似问法): a question worded almost the same gets
/// the same answer, or nothing fits when the answer is 不属本大厅 (admin).
#[utoipa::path(get, path = "/api/guide/similar", operation_id = "guide_similar", tag = "智能导办",
    responses((status = 200, body = SimilarList, description = "{items: [{id, question, code, kind, created_by, created_at}]}")))]
pub async fn similar(Caller(state, user): Caller) -> ApiResult<Json<SimilarList>> {
    Ok(Json(SimilarList {
        items: state.app.guide.similar(&user.session).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSimilar {
    /// The question (usually one from `/api/guide/misses`), at most 100 characters;
    /// kept without digits and at most 40 characters, as the log keeps questions.
    question: String,
    /// A published item's or 一件事 bundle's code; null (or absent) when the matter
    /// is not the hall's (不属本大厅).
    code: Option<String>,
}

/// Answers a question (相似问法): with an item or bundle, or null code for 不属本大厅;
/// the question leaves the log of questions that found nothing (admin).
#[utoipa::path(post, path = "/api/guide/similar", operation_id = "guide_add_similar", tag = "智能导办",
    request_body = NewSimilar,
    responses((status = 201, body = Object, description = "{id, question, code, kind, created_by, created_at}"),
        (status = 409, description = "这个问题已经有答案"),
        (status = 422, description = "问题为空、去掉数字后没有文字或超过100个字（字段 question），或编码不是已发布的事项或一件事（字段 code）")))]
pub async fn add_similar(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewSimilar>,
) -> ApiResult<(StatusCode, Json<GuideSimilar>)> {
    let q = state
        .app
        .guide
        .add_similar(&user.session, &b.question, b.code.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(q)))
}

/// Deletes a similar question an admin answered (admin).
#[utoipa::path(delete, path = "/api/guide/similar/{id}", operation_id = "guide_delete_similar", tag = "智能导办",
    params(("id" = String, Path, description = "相似问法编号")),
    responses((status = 204, description = "已删除"), (status = 404, description = "没有这条相似问法")))]
pub async fn delete_similar(Caller(state, user): Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这条相似问法"))?;
    state.app.guide.delete_similar(&user.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
