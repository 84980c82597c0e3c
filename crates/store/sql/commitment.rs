//! The shared SQL of 告知承诺制 and 数据共享、电子证照 (issue 17): verification
//! tasks, credit records, revocations, the local sharing records and the
//! sharing log.

use crate::dialect::{Backend, Conn};
use domain::commitment::{DataSource, HolderKind, SharingProvider, VerificationStatus};
use jiff_sqlx::ToSqlx;
use store::case::{AcceptanceClaims, CaseEvent};
use store::commitment::*;
use store::sql::{refusal as err, touched};
use store::{StoreError, StoreResult};
use uuid::Uuid;

fn corrupt(what: &str, code: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {code}"))
}

const COMMITMENT_COLUMNS: &str = "id, case_id, case_number, item_name, department, material, applicant_key, \
    applicant_masked, accepted_on, due, status, note, verified_by, verified_at, created_by, created_at";

#[derive(sqlx::FromRow)]
struct CommitmentRow {
    id: Uuid,
    case_id: Uuid,
    case_number: String,
    item_name: String,
    department: String,
    material: String,
    applicant_key: String,
    applicant_masked: String,
    accepted_on: jiff_sqlx::Date,
    due: jiff_sqlx::Date,
    status: String,
    note: String,
    verified_by: Option<String>,
    verified_at: Option<jiff_sqlx::Timestamp>,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
}

impl TryFrom<CommitmentRow> for Commitment {
    type Error = StoreError;
    fn try_from(r: CommitmentRow) -> StoreResult<Commitment> {
        Ok(Commitment {
            status: VerificationStatus::parse(&r.status)
                .ok_or_else(|| corrupt("verification status", &r.status))?,
            id: r.id,
            case_id: r.case_id,
            case_number: r.case_number,
            item_name: r.item_name,
            department: r.department,
            material: r.material,
            applicant_key: r.applicant_key,
            applicant_masked: r.applicant_masked,
            accepted_on: r.accepted_on.to_jiff(),
            due: r.due.to_jiff(),
            note: r.note,
            verified_by: r.verified_by,
            verified_at: r.verified_at.map(|t| t.to_jiff()),
            created_by: r.created_by,
            created_at: r.created_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct CreditRow {
    id: Uuid,
    subject_key: String,
    subject_masked: String,
    commitment_id: Uuid,
    case_id: Uuid,
    case_number: String,
    material: String,
    note: String,
    recorded_by: String,
    recorded_at: jiff_sqlx::Timestamp,
}

impl From<CreditRow> for CreditRecord {
    fn from(r: CreditRow) -> CreditRecord {
        CreditRecord {
            id: r.id,
            subject_key: r.subject_key,
            subject_masked: r.subject_masked,
            commitment_id: r.commitment_id,
            case_id: r.case_id,
            case_number: r.case_number,
            material: r.material,
            note: r.note,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at.to_jiff(),
        }
    }
}

const LICENCE_COLUMNS: &str = "id, holder_key, holder_kind, holder_sealed, holder_masked, licence_type, number, \
    valid_until, source, imported_by, imported_at";

#[derive(sqlx::FromRow)]
struct LicenceRow {
    id: Uuid,
    holder_key: String,
    holder_kind: String,
    holder_sealed: String,
    holder_masked: String,
    licence_type: String,
    number: String,
    valid_until: Option<jiff_sqlx::Date>,
    source: String,
    imported_by: String,
    imported_at: jiff_sqlx::Timestamp,
}

impl TryFrom<LicenceRow> for Licence {
    type Error = StoreError;
    fn try_from(r: LicenceRow) -> StoreResult<Licence> {
        Ok(Licence {
            holder_kind: HolderKind::parse(&r.holder_kind)
                .ok_or_else(|| corrupt("holder kind", &r.holder_kind))?,
            source: DataSource::parse(&r.source).ok_or_else(|| corrupt("data source", &r.source))?,
            id: r.id,
            holder_key: r.holder_key,
            holder_sealed: r.holder_sealed,
            holder_masked: r.holder_masked,
            licence_type: r.licence_type,
            number: r.number,
            valid_until: r.valid_until.map(|d| d.to_jiff()),
            imported_by: r.imported_by,
            imported_at: r.imported_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct AccessRow {
    id: Uuid,
    case_id: Uuid,
    source: String,
    provider: String,
    material: String,
    licence_type: String,
    licence_number: String,
    valid_until: Option<jiff_sqlx::Date>,
    fields: String,
    accessed_by: String,
    accessed_at: jiff_sqlx::Timestamp,
}

impl TryFrom<AccessRow> for DataAccess {
    type Error = StoreError;
    fn try_from(r: AccessRow) -> StoreResult<DataAccess> {
        Ok(DataAccess {
            source: DataSource::parse(&r.source).ok_or_else(|| corrupt("data source", &r.source))?,
            provider: SharingProvider::parse(&r.provider)
                .ok_or_else(|| corrupt("sharing provider", &r.provider))?,
            id: r.id,
            case_id: r.case_id,
            material: r.material,
            licence_type: r.licence_type,
            licence_number: r.licence_number,
            valid_until: r.valid_until.map(|d| d.to_jiff()),
            fields: r.fields,
            accessed_by: r.accessed_by,
            accessed_at: r.accessed_at.to_jiff(),
        })
    }
}

/// Writes the claims of a case being accepted on the case's own
/// transaction (`CaseStore::create_case`): each task takes the number the
/// store just gave its case (`numbers`: case id → number).
pub(crate) async fn insert_acceptance_claims(
    conn: &mut Conn,
    claims: &AcceptanceClaims,
    numbers: &[(Uuid, &str)],
) -> StoreResult<()> {
    for c in &claims.commitments {
        let number = numbers
            .iter()
            .find(|(id, _)| *id == c.case_id)
            .map_or(c.case_number.as_str(), |(_, n)| n);
        let sql = format!(
            "INSERT INTO commitments ({COMMITMENT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(c.id)
            .bind(c.case_id)
            .bind(number)
            .bind(&c.item_name)
            .bind(&c.department)
            .bind(&c.material)
            .bind(&c.applicant_key)
            .bind(&c.applicant_masked)
            .bind(c.accepted_on.to_sqlx())
            .bind(c.due.to_sqlx())
            .bind(c.status.code())
            .bind(&c.note)
            .bind(&c.verified_by)
            .bind(c.verified_at.map(|t| t.to_sqlx()))
            .bind(&c.created_by)
            .bind(c.created_at.to_sqlx())
            .execute(&mut *conn)
            .await
            .map_err(err("commitment"))?;
    }
    for a in &claims.accesses {
        sqlx::query(
            "INSERT INTO data_accesses (id, case_id, source, provider, material, licence_type, licence_number, \
             valid_until, fields, accessed_by, accessed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(a.id)
        .bind(a.case_id)
        .bind(a.source.code())
        .bind(a.provider.code())
        .bind(&a.material)
        .bind(&a.licence_type)
        .bind(&a.licence_number)
        .bind(a.valid_until.map(|d| d.to_sqlx()))
        .bind(&a.fields)
        .bind(&a.accessed_by)
        .bind(a.accessed_at.to_sqlx())
        .execute(&mut *conn)
        .await
        .map_err(err("data access"))?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl CommitmentStore for Backend {
    async fn commitments(&self, f: &CommitmentFilter) -> StoreResult<Vec<Commitment>> {
        let sql = format!(
            "SELECT {COMMITMENT_COLUMNS} FROM commitments \
             WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR department = $2) AND ($3 IS NULL OR case_id = $3) \
             ORDER BY due, case_number, material LIMIT $4"
        );
        let rows = sqlx::query_as::<_, CommitmentRow>(sqlx::AssertSqlSafe(sql))
            .bind(f.status.map(|s| s.code()))
            .bind(&f.department)
            .bind(f.case_id)
            .bind(f.limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("commitments"))?;
        rows.into_iter().map(Commitment::try_from).collect()
    }

    async fn commitment(&self, id: Uuid) -> StoreResult<Commitment> {
        let sql = format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE id = $1");
        sqlx::query_as::<_, CommitmentRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("commitment"))?
            .try_into()
    }

    async fn verify_commitment(
        &self,
        v: &Verification,
        credit: Option<&CreditRecord>,
    ) -> StoreResult<Commitment> {
        let mut tx = self.pool.begin().await.map_err(err("commitment"))?;
        let done = sqlx::query(
            "UPDATE commitments SET status = $1, note = $2, verified_by = $3, verified_at = $4 \
             WHERE id = $5 AND status = 'pending'",
        )
        .bind(v.status.code())
        .bind(&v.note)
        .bind(&v.by)
        .bind(v.at.to_sqlx())
        .bind(v.id)
        .execute(&mut *tx)
        .await
        .map_err(err("commitment"))?;
        if touched(done.rows_affected(), "commitment").is_err() {
            drop(tx);
            // Missing, or verified already.
            self.commitment(v.id).await?;
            return Err(StoreError::Conflict {
                what: "already_verified".into(),
            });
        }
        if let Some(c) = credit {
            sqlx::query(
                "INSERT INTO credit_records (id, subject_key, subject_masked, commitment_id, case_id, case_number, \
                 material, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(c.id)
            .bind(&c.subject_key)
            .bind(&c.subject_masked)
            .bind(c.commitment_id)
            .bind(c.case_id)
            .bind(&c.case_number)
            .bind(&c.material)
            .bind(&c.note)
            .bind(&c.recorded_by)
            .bind(c.recorded_at.to_sqlx())
            .execute(&mut *tx)
            .await
            .map_err(err("credit record"))?;
        }
        tx.commit().await.map_err(err("commitment"))?;
        self.commitment(v.id).await
    }

    async fn credit_records(&self, subject_key: &str) -> StoreResult<Vec<CreditRecord>> {
        let rows = sqlx::query_as::<_, CreditRow>(
            "SELECT id, subject_key, subject_masked, commitment_id, case_id, case_number, material, note, \
             recorded_by, recorded_at FROM credit_records WHERE subject_key = $1 ORDER BY recorded_at DESC, id",
        )
        .bind(subject_key)
        .fetch_all(&self.pool)
        .await
        .map_err(err("credit records"))?;
        Ok(rows.into_iter().map(CreditRecord::from).collect())
    }

    async fn revoke_case(&self, r: &Revocation, event: &CaseEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(err("revocation"))?;
        sqlx::query(
            "INSERT INTO case_revocations (case_id, reason, revoked_by, revoked_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(r.case_id)
        .bind(&r.reason)
        .bind(&r.revoked_by)
        .bind(r.revoked_at.to_sqlx())
        .execute(&mut *tx)
        .await
        .map_err(|e| match err("revocation")(e) {
            StoreError::Conflict { .. } => StoreError::Conflict {
                what: "already_revoked".into(),
            },
            other => other,
        })?;
        sqlx::query(
            "INSERT INTO case_events (case_id, at, actor, action, status, note) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.case_id)
        .bind(event.at.to_sqlx())
        .bind(&event.actor)
        .bind(&event.action)
        .bind(event.status.code())
        .bind(&event.note)
        .execute(&mut *tx)
        .await
        .map_err(err("case"))?;
        tx.commit().await.map_err(err("revocation"))
    }

    async fn revocation(&self, case_id: Uuid) -> StoreResult<Option<Revocation>> {
        let row: Option<(Uuid, String, String, jiff_sqlx::Timestamp)> = sqlx::query_as(
            "SELECT case_id, reason, revoked_by, revoked_at FROM case_revocations WHERE case_id = $1",
        )
        .bind(case_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(err("revocation"))?;
        Ok(row.map(|(case_id, reason, revoked_by, at)| Revocation {
            case_id,
            reason,
            revoked_by,
            revoked_at: at.to_jiff(),
        }))
    }

    async fn import_licences(&self, licences: &[Licence]) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(err("licence"))?;
        for l in licences {
            let sql = format!(
                "INSERT INTO licences ({LICENCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (holder_key, licence_type, number) DO UPDATE SET holder_sealed = excluded.holder_sealed, \
                 holder_masked = excluded.holder_masked, valid_until = excluded.valid_until, source = excluded.source, \
                 imported_by = excluded.imported_by, imported_at = excluded.imported_at"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(l.id)
                .bind(&l.holder_key)
                .bind(l.holder_kind.code())
                .bind(&l.holder_sealed)
                .bind(&l.holder_masked)
                .bind(&l.licence_type)
                .bind(&l.number)
                .bind(l.valid_until.map(|d| d.to_sqlx()))
                .bind(l.source.code())
                .bind(&l.imported_by)
                .bind(l.imported_at.to_sqlx())
                .execute(&mut *tx)
                .await
                .map_err(err("licence"))?;
        }
        tx.commit().await.map_err(err("licence"))?;
        Ok(licences.len() as u64)
    }

    async fn licences(&self, limit: i64) -> StoreResult<Vec<Licence>> {
        let sql = format!(
            "SELECT {LICENCE_COLUMNS} FROM licences ORDER BY imported_at DESC, licence_type, number LIMIT $1"
        );
        let rows = sqlx::query_as::<_, LicenceRow>(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("licences"))?;
        rows.into_iter().map(Licence::try_from).collect()
    }

    async fn holder_licences(&self, holder_key: &str, licence_type: &str) -> StoreResult<Vec<Licence>> {
        let sql = format!(
            "SELECT {LICENCE_COLUMNS} FROM licences WHERE holder_key = $1 AND licence_type = $2 \
             ORDER BY valid_until IS NULL DESC, valid_until DESC, number"
        );
        let rows = sqlx::query_as::<_, LicenceRow>(sqlx::AssertSqlSafe(sql))
            .bind(holder_key)
            .bind(licence_type)
            .fetch_all(&self.pool)
            .await
            .map_err(err("licences"))?;
        rows.into_iter().map(Licence::try_from).collect()
    }

    async fn data_accesses(&self, case_id: Uuid) -> StoreResult<Vec<DataAccess>> {
        let rows = sqlx::query_as::<_, AccessRow>(
            "SELECT id, case_id, source, provider, material, licence_type, licence_number, valid_until, fields, \
             accessed_by, accessed_at FROM data_accesses WHERE case_id = $1 ORDER BY accessed_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await
        .map_err(err("data accesses"))?;
        rows.into_iter().map(DataAccess::try_from).collect()
    }
}
