//! The shared SQL of 智能导办: admins' phrases, the questions they answered (相似问法)
//! and the no-hit question log.

use crate::dialect::Backend;
use jiff::Timestamp;
use jiff_sqlx::ToSqlx;
use store::guide::*;
use store::sql::{decode, refusal as err, touched};
use store::{StoreError, StoreResult};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct PhraseRow {
    id: Uuid,
    phrase: String,
    code: String,
    kind: String,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
}

impl TryFrom<PhraseRow> for GuidePhrase {
    type Error = StoreError;
    fn try_from(r: PhraseRow) -> StoreResult<GuidePhrase> {
        Ok(GuidePhrase {
            id: r.id,
            phrase: r.phrase,
            code: r.code,
            kind: decode(&r.kind)?,
            created_by: r.created_by,
            created_at: r.created_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct SimilarRow {
    id: Uuid,
    question: String,
    code: Option<String>,
    kind: Option<String>,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
}

impl TryFrom<SimilarRow> for GuideSimilar {
    type Error = StoreError;
    fn try_from(r: SimilarRow) -> StoreResult<GuideSimilar> {
        Ok(GuideSimilar {
            id: r.id,
            question: r.question,
            code: r.code,
            kind: r.kind.as_deref().map(decode).transpose()?,
            created_by: r.created_by,
            created_at: r.created_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct MissRow {
    question: String,
    count: i64,
    first_at: jiff_sqlx::Timestamp,
    last_at: jiff_sqlx::Timestamp,
}

#[async_trait::async_trait]
impl GuideStore for Backend {
    async fn add_guide_phrase(&self, p: &GuidePhrase) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO guide_phrases (id, phrase, code, kind, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(p.id)
        .bind(&p.phrase)
        .bind(&p.code)
        .bind(p.kind.code())
        .bind(&p.created_by)
        .bind(p.created_at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("guide phrase"))?;
        Ok(())
    }

    async fn guide_phrases(&self) -> StoreResult<Vec<GuidePhrase>> {
        sqlx::query_as::<_, PhraseRow>(
            "SELECT id, phrase, code, kind, created_by, created_at FROM guide_phrases \
             ORDER BY created_at, phrase",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(err("guide phrases"))?
        .into_iter()
        .map(GuidePhrase::try_from)
        .collect()
    }

    async fn delete_guide_phrase(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM guide_phrases WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(err("guide phrase"))?;
        touched(done.rows_affected(), "guide phrase")
    }

    async fn add_guide_similar(&self, q: &GuideSimilar) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(err("guide similar"))?;
        sqlx::query(
            "INSERT INTO guide_similar (id, question, code, kind, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(q.id)
        .bind(&q.question)
        .bind(q.code.as_deref())
        .bind(q.kind.map(|k| k.code()))
        .bind(&q.created_by)
        .bind(q.created_at.to_sqlx())
        .execute(&mut *tx)
        .await
        .map_err(err("guide similar"))?;
        // Answered: the question leaves the log of questions that found nothing.
        sqlx::query("DELETE FROM guide_misses WHERE question = $1")
            .bind(&q.question)
            .execute(&mut *tx)
            .await
            .map_err(err("guide miss"))?;
        tx.commit().await.map_err(err("guide similar"))
    }

    async fn guide_similar(&self) -> StoreResult<Vec<GuideSimilar>> {
        sqlx::query_as::<_, SimilarRow>(
            "SELECT id, question, code, kind, created_by, created_at FROM guide_similar \
             ORDER BY created_at, question",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(err("guide similar"))?
        .into_iter()
        .map(GuideSimilar::try_from)
        .collect()
    }

    async fn delete_guide_similar(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM guide_similar WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(err("guide similar"))?;
        touched(done.rows_affected(), "guide similar")
    }

    async fn record_guide_miss(&self, question: &str, at: Timestamp) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO guide_misses (question, count, first_at, last_at) VALUES ($1, 1, $2, $2) \
             ON CONFLICT (question) DO UPDATE SET count = guide_misses.count + 1, last_at = excluded.last_at",
        )
        .bind(question)
        .bind(at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("guide miss"))?;
        Ok(())
    }

    async fn guide_misses(&self, limit: i64) -> StoreResult<Vec<GuideMiss>> {
        Ok(sqlx::query_as::<_, MissRow>(
            "SELECT question, count, first_at, last_at FROM guide_misses \
             ORDER BY count DESC, last_at DESC, question LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(err("guide misses"))?
        .into_iter()
        .map(|r| GuideMiss {
            question: r.question,
            count: r.count,
            first_at: r.first_at.to_jiff(),
            last_at: r.last_at.to_jiff(),
        })
        .collect())
    }
}
