//! 智能导办 (the smart guide): the phrases admins add (常用说法), the questions
//! admins answered (相似问法), and the log of questions that found nothing
//! (无匹配问题, without personal data). Implemented for both backends by
//! `crates/store/sql/guide.rs`.

use crate::StoreResult;
use async_trait::async_trait;
use domain::guide::GuideKind;
use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

/// A phrase an admin added: when a question contains it, the guide points at `code`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuidePhrase {
    pub id: Uuid,
    pub phrase: String,
    pub code: String,
    pub kind: GuideKind,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A similar question (相似问法) an admin answered, usually one the no-hit log kept: a
/// question worded almost the same gets its answer. `code` and `kind` are `None` when the
/// matter is not the hall's (不属本大厅). The question is redacted as the log's are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuideSimilar {
    pub id: Uuid,
    pub question: String,
    pub code: Option<String>,
    pub kind: Option<GuideKind>,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A question that found nothing, as logged (already redacted), with its count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuideMiss {
    pub question: String,
    pub count: i64,
    pub first_at: Timestamp,
    pub last_at: Timestamp,
}

#[async_trait]
pub trait GuideStore: Send + Sync {
    /// Conflict when the same phrase already points at the same code.
    async fn add_guide_phrase(&self, phrase: &GuidePhrase) -> StoreResult<()>;
    /// Every phrase, oldest first.
    async fn guide_phrases(&self) -> StoreResult<Vec<GuidePhrase>>;
    /// NotFound when there is no such phrase.
    async fn delete_guide_phrase(&self, id: Uuid) -> StoreResult<()>;
    /// Conflict when the same question already has an answer; the question leaves the
    /// no-hit log in the same transaction (it is answered now).
    async fn add_guide_similar(&self, similar: &GuideSimilar) -> StoreResult<()>;
    /// Every similar question an admin answered, oldest first.
    async fn guide_similar(&self) -> StoreResult<Vec<GuideSimilar>>;
    /// NotFound when there is no such similar question.
    async fn delete_guide_similar(&self, id: Uuid) -> StoreResult<()>;
    /// Counts one more asking of a (redacted) question that found nothing.
    async fn record_guide_miss(&self, question: &str, at: Timestamp) -> StoreResult<()>;
    /// The most asked first, then the latest.
    async fn guide_misses(&self, limit: i64) -> StoreResult<Vec<GuideMiss>>;
}
