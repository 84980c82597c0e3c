//! The shared SQL of 黄牛、非法中介: detection facts grouped by key over the
//! (date, key) indexes of tickets, appointments, refused attempts and cases;
//! the register, its keys, actions, alerts and reviews; the thresholds.

use crate::dialect::{Backend, Conn};
use domain::scalper::{FactSource, KeyKind, ScalperRules};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use std::collections::BTreeMap;
use store::scalper::*;
use store::sql::{from_json, placeholders, refusal as err, to_json, touched};
use store::{StoreError, StoreResult};
use uuid::Uuid;

fn source(code: &str) -> StoreResult<FactSource> {
    FactSource::parse(code).ok_or_else(|| StoreError::Corrupt(format!("scalper fact source {code}")))
}

#[derive(sqlx::FromRow)]
struct FactRow {
    source: String,
    id: Uuid,
    day: jiff_sqlx::Date,
    at: Option<jiff_sqlx::Timestamp>,
    key: String,
    masked: String,
    applicant: Option<String>,
    basis: Option<String>,
}

impl FactRow {
    fn into_fact(self, kind: KeyKind) -> StoreResult<ScalperFact> {
        Ok(ScalperFact {
            kind,
            key: self.key,
            masked: self.masked,
            source: source(&self.source)?,
            id: self.id,
            date: self.day.to_jiff(),
            at: self.at.map(|a| a.to_jiff()),
            applicant: self.applicant,
            agency_basis: self.basis.is_some_and(|b| !b.trim().is_empty()),
        })
    }
}

/// The first day of `date`'s month: the rollup's month.
fn month_of(date: Date) -> Date {
    date.first_of_month()
}

/// 黄牛筛查的月计数: one more fact (a ticket, a booking or a refused attempt)
/// for each key of each `(date, marks)` that carries its masked form — the
/// rows the facts below read. Kept in the transaction that writes the facts.
pub(super) async fn count_marks<'a>(
    conn: &mut Conn,
    facts: impl IntoIterator<Item = (Date, &'a PersonMarks)>,
) -> StoreResult<()> {
    let mut counts: BTreeMap<(&'static str, &'a str, Date), i64> = BTreeMap::new();
    for (date, marks) in facts {
        for (kind, key, masked) in [
            (KeyKind::Phone, &marks.phone_key, &marks.phone_masked),
            (KeyKind::IdNumber, &marks.id_key, &marks.id_masked),
        ] {
            if let (Some(key), Some(_)) = (key, masked) {
                *counts
                    .entry((kind.code(), key.as_str(), month_of(date)))
                    .or_default() += 1;
            }
        }
    }
    if counts.is_empty() {
        return Ok(());
    }
    let values = (0..counts.len())
        .map(|r| format!("({})", placeholders(r * 4 + 1, 4)))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO scalper_key_months (kind, key, month, facts) VALUES {values} \
         ON CONFLICT (kind, key, month) DO UPDATE SET facts = scalper_key_months.facts + excluded.facts"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for ((kind, key, month), n) in counts {
        q = q.bind(kind).bind(key).bind(month.to_sqlx()).bind(n);
    }
    q.execute(&mut *conn).await.map_err(err("scalper counts"))?;
    Ok(())
}

/// The facts of one kind of key, `phone` or `id` (the column prefix, a
/// constant), over `months` months: the keys with at least `$3` facts in the
/// period's months (the rollup `scalper_key_months` of kind `$4`, months
/// `$6..`; such a key has at least `$5` = ⌈`$3` / months⌉ in one of them,
/// which the index `(kind, month, facts)` finds month by month), then their
/// facts in the period. Keys busy only outside the period's days come back
/// too; the rules count the facts themselves.
fn ticket_facts_sql(p: &str, months: usize) -> String {
    let months = placeholders(6, months);
    format!(
        "WITH hot AS (SELECT key FROM scalper_key_months WHERE kind = $4 AND month IN ({months}) \
           AND key IN (SELECT key FROM scalper_key_months WHERE kind = $4 AND month IN ({months}) AND facts >= $5) \
           GROUP BY key HAVING SUM(facts) >= $3) \
         SELECT 'ticket' AS source, id, business_date AS day, taken_at AS at, {p}_key AS key, {p}_masked AS masked, \
                NULL AS applicant, NULL AS basis \
         FROM tickets WHERE business_date BETWEEN $1 AND $2 AND {p}_masked IS NOT NULL AND {p}_key IN (SELECT key FROM hot) \
         UNION ALL SELECT 'appointment', id, slot_date, created_at, {p}_key, {p}_masked, NULL, NULL \
         FROM appointments WHERE slot_date BETWEEN $1 AND $2 AND {p}_masked IS NOT NULL AND {p}_key IN (SELECT key FROM hot) \
         UNION ALL SELECT 'refused', id, business_date, at, {p}_key, {p}_masked, NULL, NULL \
         FROM scalper_refusals WHERE business_date BETWEEN $1 AND $2 AND {p}_masked IS NOT NULL AND {p}_key IN (SELECT key FROM hot)"
    )
}

const PHONE_CASES: &str = "WITH hot AS (SELECT phone_key AS key FROM cases \
       WHERE received_on BETWEEN $1 AND $2 AND phone_key IS NOT NULL AND id_key <> '' \
       GROUP BY phone_key HAVING COUNT(DISTINCT id_key) >= $3) \
    SELECT 'case' AS source, id, received_on AS day, created_at AS at, phone_key AS key, \
           COALESCE(phone_masked, '') AS masked, id_key AS applicant, agent_basis AS basis \
    FROM cases WHERE received_on BETWEEN $1 AND $2 AND phone_key IS NOT NULL AND id_key <> '' \
      AND phone_key IN (SELECT key FROM hot)";

const AGENT_CASES: &str = "WITH hot AS (SELECT agent AS key FROM cases \
       WHERE received_on BETWEEN $1 AND $2 AND agent <> '' AND agent_basis = '' AND id_key <> '' \
       GROUP BY agent HAVING COUNT(DISTINCT id_key) >= $3) \
    SELECT 'case' AS source, id, received_on AS day, created_at AS at, agent AS key, agent AS masked, \
           id_key AS applicant, agent_basis AS basis \
    FROM cases WHERE received_on BETWEEN $1 AND $2 AND agent <> '' AND agent_basis = '' AND id_key <> '' \
      AND agent IN (SELECT key FROM hot)";

const SCALPER_COLUMNS: &str =
    "id, description, phone_key, phone_masked, id_key, id_masked, photo_id, registered_by, registered_at";

#[derive(sqlx::FromRow)]
struct ScalperRow {
    id: Uuid,
    description: String,
    phone_key: Option<String>,
    phone_masked: Option<String>,
    id_key: Option<String>,
    id_masked: Option<String>,
    photo_id: Option<Uuid>,
    registered_by: String,
    registered_at: jiff_sqlx::Timestamp,
}

impl From<ScalperRow> for Scalper {
    fn from(r: ScalperRow) -> Scalper {
        Scalper {
            id: r.id,
            description: r.description,
            phone_key: r.phone_key,
            phone_masked: r.phone_masked,
            id_key: r.id_key,
            id_masked: r.id_masked,
            photo_id: r.photo_id,
            registered_by: r.registered_by,
            registered_at: r.registered_at.to_jiff(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: Uuid,
    scalper_id: Uuid,
    action: String,
    action_date: jiff_sqlx::Date,
    note: String,
    evidence: String,
    recorded_by: String,
    recorded_at: jiff_sqlx::Timestamp,
}

impl TryFrom<ActionRow> for ScalperActionRecord {
    type Error = StoreError;
    fn try_from(r: ActionRow) -> StoreResult<Self> {
        Ok(ScalperActionRecord {
            id: r.id,
            scalper_id: r.scalper_id,
            action: domain::scalper::ScalperAction::parse(&r.action)
                .ok_or_else(|| StoreError::Corrupt(format!("scalper action {}", r.action)))?,
            date: r.action_date.to_jiff(),
            note: r.note,
            evidence: r.evidence,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at.to_jiff(),
        })
    }
}

const ALERT_COLUMNS: &str = "a.id, a.scalper_id, s.description, a.source, a.record_id, a.reference, a.kind, \
    a.business_date, a.at, a.acknowledged_by, a.acknowledged_at";

#[derive(sqlx::FromRow)]
struct AlertRow {
    id: Uuid,
    scalper_id: Uuid,
    description: String,
    source: String,
    record_id: Uuid,
    reference: String,
    kind: String,
    business_date: jiff_sqlx::Date,
    at: jiff_sqlx::Timestamp,
    acknowledged_by: Option<String>,
    acknowledged_at: Option<jiff_sqlx::Timestamp>,
}

fn key_kind(code: &str) -> StoreResult<KeyKind> {
    KeyKind::parse(code).ok_or_else(|| StoreError::Corrupt(format!("scalper key kind {code}")))
}

impl TryFrom<AlertRow> for ScalperAlert {
    type Error = StoreError;
    fn try_from(r: AlertRow) -> StoreResult<Self> {
        Ok(ScalperAlert {
            id: r.id,
            scalper_id: r.scalper_id,
            description: r.description,
            source: source(&r.source)?,
            record_id: r.record_id,
            reference: r.reference,
            kind: key_kind(&r.kind)?,
            business_date: r.business_date.to_jiff(),
            at: r.at.to_jiff(),
            acknowledged_by: r.acknowledged_by,
            acknowledged_at: r.acknowledged_at.map(|a| a.to_jiff()),
        })
    }
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: Uuid,
    kind: String,
    key: String,
    masked: String,
    rule: String,
    period_from: jiff_sqlx::Date,
    period_to: jiff_sqlx::Date,
    decision: String,
    note: String,
    scalper_id: Option<Uuid>,
    reviewed_by: String,
    reviewed_at: jiff_sqlx::Timestamp,
}

impl TryFrom<ReviewRow> for SuspectReview {
    type Error = StoreError;
    fn try_from(r: ReviewRow) -> StoreResult<Self> {
        Ok(SuspectReview {
            id: r.id,
            kind: key_kind(&r.kind)?,
            key: r.key,
            masked: r.masked,
            rule: domain::scalper::Rule::parse(&r.rule)
                .ok_or_else(|| StoreError::Corrupt(format!("scalper rule {}", r.rule)))?,
            period_from: r.period_from.to_jiff(),
            period_to: r.period_to.to_jiff(),
            decision: domain::scalper::ReviewDecision::parse(&r.decision)
                .ok_or_else(|| StoreError::Corrupt(format!("review decision {}", r.decision)))?,
            note: r.note,
            scalper_id: r.scalper_id,
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at.to_jiff(),
        })
    }
}

impl Backend {
    async fn alert(&self, id: Uuid) -> StoreResult<ScalperAlert> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM scalper_alerts a JOIN scalpers s ON s.id = a.scalper_id WHERE a.id = $1"
        );
        sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("scalper alert"))?
            .try_into()
    }
}

#[async_trait::async_trait]
impl ScalperStore for Backend {
    async fn record_refusal(&self, r: &NewRefusal) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO scalper_refusals (id, source, category, business_date, at, phone_key, phone_masked, id_key, id_masked) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(r.id)
        .bind(r.source.code())
        .bind(&r.category)
        .bind(r.business_date.to_sqlx())
        .bind(r.at.to_sqlx())
        .bind(&r.marks.phone_key)
        .bind(&r.marks.phone_masked)
        .bind(&r.marks.id_key)
        .bind(&r.marks.id_masked)
        .execute(tx.conn())
        .await
        .map_err(err("scalper refusal"))?;
        count_marks(tx.conn(), [(r.business_date, &r.marks)]).await?;
        tx.commit().await.map_err(err("scalper refusal"))
    }

    async fn ticket_facts(&self, from: Date, to: Date, fewest: i64) -> StoreResult<Vec<ScalperFact>> {
        let mut months = vec![month_of(from)];
        while let Some(next) = months
            .last()
            .and_then(|m| m.checked_add(jiff::Span::new().months(1)).ok())
            && next <= to
        {
            months.push(next);
        }
        let least_in_a_month = (fewest + months.len() as i64 - 1) / months.len() as i64;
        let mut out = Vec::new();
        for (prefix, kind) in [("phone", KeyKind::Phone), ("id", KeyKind::IdNumber)] {
            let mut q =
                sqlx::query_as::<_, FactRow>(sqlx::AssertSqlSafe(ticket_facts_sql(prefix, months.len())))
                    .bind(from.to_sqlx())
                    .bind(to.to_sqlx())
                    .bind(fewest)
                    .bind(kind.code())
                    .bind(least_in_a_month.max(1));
            for m in &months {
                q = q.bind(m.to_sqlx());
            }
            let rows = q.fetch_all(&self.pool).await.map_err(err("scalper facts"))?;
            for r in rows {
                out.push(r.into_fact(kind)?);
            }
        }
        Ok(out)
    }

    async fn key_month_facts(&self, kind: KeyKind, key: &str) -> StoreResult<Vec<(Date, i64)>> {
        let rows: Vec<(jiff_sqlx::Date, i64)> = sqlx::query_as(
            "SELECT month, facts FROM scalper_key_months WHERE kind = $1 AND key = $2 ORDER BY month",
        )
        .bind(kind.code())
        .bind(key)
        .fetch_all(&self.pool)
        .await
        .map_err(err("scalper counts"))?;
        Ok(rows.into_iter().map(|(m, n)| (m.to_jiff(), n)).collect())
    }

    async fn case_facts(
        &self,
        from: Date,
        to: Date,
        phone_applicants: i64,
        agent_applicants: i64,
    ) -> StoreResult<Vec<ScalperFact>> {
        let mut out = Vec::new();
        for (sql, kind, least) in [
            (PHONE_CASES, KeyKind::Phone, phone_applicants),
            (AGENT_CASES, KeyKind::Agent, agent_applicants),
        ] {
            let rows = sqlx::query_as::<_, FactRow>(sql)
                .bind(from.to_sqlx())
                .bind(to.to_sqlx())
                .bind(least)
                .fetch_all(&self.pool)
                .await
                .map_err(err("scalper case facts"))?;
            for r in rows {
                out.push(r.into_fact(kind)?);
            }
        }
        Ok(out)
    }

    async fn add_scalper(&self, s: &Scalper, photo: Option<&ScalperPhoto>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(err("scalper"))?;
        if let Some(p) = photo {
            sqlx::query(
                "INSERT INTO scalper_photos (id, content_type, size, body, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(p.id)
            .bind(&p.content_type)
            .bind(p.body.len() as i64)
            .bind(&p.body)
            .bind(&p.uploaded_by)
            .bind(p.uploaded_at.to_sqlx())
            .execute(&mut *tx)
            .await
            .map_err(err("scalper photo"))?;
        }
        let sql =
            format!("INSERT INTO scalpers ({SCALPER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.id)
            .bind(&s.description)
            .bind(&s.phone_key)
            .bind(&s.phone_masked)
            .bind(&s.id_key)
            .bind(&s.id_masked)
            .bind(s.photo_id)
            .bind(&s.registered_by)
            .bind(s.registered_at.to_sqlx())
            .execute(&mut *tx)
            .await
            .map_err(err("scalper"))?;
        for (kind, key) in [(KeyKind::Phone, &s.phone_key), (KeyKind::IdNumber, &s.id_key)] {
            let Some(key) = key else { continue };
            sqlx::query("INSERT INTO scalper_keys (key, kind, scalper_id) VALUES ($1, $2, $3)")
                .bind(key)
                .bind(kind.code())
                .bind(s.id)
                .execute(&mut *tx)
                .await
                .map_err(err("scalper_key"))?;
        }
        tx.commit().await.map_err(err("scalper"))?;
        Ok(())
    }

    async fn scalper(&self, id: Uuid) -> StoreResult<Scalper> {
        let sql = format!("SELECT {SCALPER_COLUMNS} FROM scalpers WHERE id = $1");
        Ok(sqlx::query_as::<_, ScalperRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("scalper"))?
            .into())
    }

    async fn scalpers(&self, limit: i64) -> StoreResult<Vec<Scalper>> {
        let sql =
            format!("SELECT {SCALPER_COLUMNS} FROM scalpers ORDER BY registered_at DESC, id DESC LIMIT $1");
        let rows = sqlx::query_as::<_, ScalperRow>(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("scalpers"))?;
        Ok(rows.into_iter().map(Scalper::from).collect())
    }

    async fn scalper_photo(&self, id: Uuid) -> StoreResult<(String, Vec<u8>)> {
        sqlx::query_as::<_, (String, Vec<u8>)>("SELECT content_type, body FROM scalper_photos WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("scalper photo"))
    }

    async fn add_scalper_action(&self, a: &ScalperActionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO scalper_actions (id, scalper_id, action, action_date, note, evidence, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(a.id)
        .bind(a.scalper_id)
        .bind(a.action.code())
        .bind(a.date.to_sqlx())
        .bind(&a.note)
        .bind(&a.evidence)
        .bind(&a.recorded_by)
        .bind(a.recorded_at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(|e| match err("scalper")(e) {
            // The person is not registered.
            StoreError::Conflict { .. } => StoreError::NotFound("scalper".into()),
            other => other,
        })?;
        Ok(())
    }

    async fn scalper_actions(&self, scalper_id: Uuid) -> StoreResult<Vec<ScalperActionRecord>> {
        let rows = sqlx::query_as::<_, ActionRow>(
            "SELECT id, scalper_id, action, action_date, note, evidence, recorded_by, recorded_at \
             FROM scalper_actions WHERE scalper_id = $1 ORDER BY action_date, recorded_at",
        )
        .bind(scalper_id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("scalper actions"))?;
        rows.into_iter().map(ScalperActionRecord::try_from).collect()
    }

    async fn check_alert(&self, p: &AlertProbe) -> StoreResult<Vec<ScalperAlert>> {
        if p.keys.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT key, kind, scalper_id FROM scalper_keys WHERE key IN ({})",
            placeholders(1, p.keys.len())
        );
        let mut q = sqlx::query_as::<_, (String, String, Uuid)>(sqlx::AssertSqlSafe(sql));
        for (_, key) in &p.keys {
            q = q.bind(key);
        }
        let hits = q.fetch_all(&self.pool).await.map_err(err("scalper keys"))?;
        let mut alerts = Vec::new();
        let mut seen = Vec::new();
        for (_, kind, scalper_id) in hits {
            // One alert per person, even when both numbers match.
            if seen.contains(&scalper_id) {
                continue;
            }
            seen.push(scalper_id);
            let id = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO scalper_alerts (id, scalper_id, source, record_id, reference, kind, business_date, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(scalper_id)
            .bind(p.source.code())
            .bind(p.record_id)
            .bind(&p.reference)
            .bind(&kind)
            .bind(p.business_date.to_sqlx())
            .bind(p.at.to_sqlx())
            .execute(&self.pool)
            .await
            .map_err(err("scalper alert"))?;
            alerts.push(self.alert(id).await?);
        }
        Ok(alerts)
    }

    async fn scalper_alerts(&self, open_only: bool, limit: i64) -> StoreResult<Vec<ScalperAlert>> {
        let filter = if open_only {
            "WHERE a.acknowledged_at IS NULL"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM scalper_alerts a JOIN scalpers s ON s.id = a.scalper_id {filter} \
             ORDER BY a.at DESC, a.id DESC LIMIT $1"
        );
        let rows = sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("scalper alerts"))?;
        rows.into_iter().map(ScalperAlert::try_from).collect()
    }

    async fn acknowledge_alert(&self, id: Uuid, by: &str, at: Timestamp) -> StoreResult<ScalperAlert> {
        let done = sqlx::query(
            "UPDATE scalper_alerts SET acknowledged_by = $1, acknowledged_at = $2 \
             WHERE id = $3 AND acknowledged_at IS NULL",
        )
        .bind(by)
        .bind(at.to_sqlx())
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(err("scalper alert"))?;
        if touched(done.rows_affected(), "scalper alert").is_err() {
            // Missing, or acknowledged already.
            self.alert(id).await?;
            return Err(StoreError::Conflict {
                what: "alert_acknowledged".into(),
            });
        }
        self.alert(id).await
    }

    async fn add_suspect_review(&self, r: &SuspectReview) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO scalper_reviews (id, kind, key, masked, rule, period_from, period_to, decision, note, \
             scalper_id, reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(r.id)
        .bind(r.kind.code())
        .bind(&r.key)
        .bind(&r.masked)
        .bind(r.rule.code())
        .bind(r.period_from.to_sqlx())
        .bind(r.period_to.to_sqlx())
        .bind(r.decision.code())
        .bind(&r.note)
        .bind(r.scalper_id)
        .bind(&r.reviewed_by)
        .bind(r.reviewed_at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("scalper review"))?;
        Ok(())
    }

    async fn suspect_reviews(&self, keys: &[String]) -> StoreResult<Vec<SuspectReview>> {
        let mut out = Vec::new();
        // Bounded IN lists, whatever the number of suspects.
        for chunk in keys.chunks(500) {
            let sql = format!(
                "SELECT id, kind, key, masked, rule, period_from, period_to, decision, note, scalper_id, \
                 reviewed_by, reviewed_at FROM scalper_reviews WHERE key IN ({}) ORDER BY reviewed_at DESC, id DESC",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(sql));
            for k in chunk {
                q = q.bind(k);
            }
            for r in q.fetch_all(&self.pool).await.map_err(err("scalper reviews"))? {
                out.push(SuspectReview::try_from(r)?);
            }
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.reviewed_at));
        Ok(out)
    }

    async fn scalper_rules(&self) -> StoreResult<Option<ScalperRules>> {
        let raw: Option<String> = sqlx::query_scalar("SELECT rules FROM scalper_rules WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(err("scalper rules"))?;
        raw.as_deref().map(from_json).transpose()
    }

    async fn set_scalper_rules(&self, rules: &ScalperRules, by: &str, at: Timestamp) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO scalper_rules (id, rules, updated_by, updated_at) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(to_json(rules)?)
        .bind(by)
        .bind(at.to_sqlx())
        .execute(&self.pool)
        .await
        .map_err(err("scalper rules"))?;
        Ok(())
    }
}
