//! 告知承诺 and 共享调取 at acceptance (issue 17): a material claimed with
//! status `commitment` must be one the catalog allows a commitment for; one
//! claimed `shared` must be shareable and found valid on the acceptance day
//! in the sharing sources (the local reference records, then the province's
//! exchange if the hall has one: [`super::sources`]).
//! The same check serves the window (`accept_case`) and online applications.

use super::sources::{LocalSources, SharingQuery, SharingSource};
use super::*;
use crate::{Actor, AppResult};
use domain::catalog::Item;
use domain::commitment::{
    ClaimError, Holder, SharingProvider, VerificationStatus, check_commitment, check_shareable,
};
use store::case::AcceptanceClaims;
use store::commitment::{Commitment, DataAccess, Licence};

/// The fields a sharing lookup reads, as logged (数据共享调取记录).
pub const SHARED_FIELDS: &str = "持证主体,证照类型,证照编号,有效期";

/// A record the hall will use for a material (共享调取).
#[derive(Debug, Clone)]
pub struct SharedRecord {
    /// The catalog item whose material it is.
    pub item_code: String,
    pub material: String,
    pub licence: Licence,
    /// Which source answered.
    pub provider: SharingProvider,
}

/// What a case's claims came to: each committed material (with the item
/// that lists it) and each record fetched.
#[derive(Debug, Clone, Default)]
pub struct MaterialClaims {
    /// (item code, material).
    pub committed: Vec<(String, String)>,
    pub shared: Vec<SharedRecord>,
}

impl MaterialClaims {
    pub fn is_empty(&self) -> bool {
        self.committed.is_empty() && self.shared.is_empty()
    }
}

fn refused(e: ClaimError) -> AppError {
    AppError::invalid("materials", e.to_string())
}

impl crate::case::CaseService {
    /// Checks every `commitment` and `shared` material of `materials`
    /// against the items (one item, or a bundle's): a commitment only where
    /// the catalog allows it, a shared material only where it is shareable and
    /// a record of its type is valid today for the holder. A refusal is
    /// `AppError::Invalid { field: "materials" }` naming the material; nothing
    /// is written.
    /// `operator` is who asks (a username, or `网上申报`), told to the exchange.
    pub async fn check_material_claims(
        &self,
        items: &[Item],
        holder: &Holder,
        materials: &[MaterialCheck],
        operator: &str,
    ) -> AppResult<MaterialClaims> {
        let key = person_key(
            &self.settings.security.data_key,
            holder.key_purpose(),
            holder.as_str(),
        )?;
        self.check_claims_by_key(items, Some(holder), &key, materials, operator)
            .await
    }

    /// [`Self::check_material_claims`] for an applicant known by the keyed
    /// hash a case stores (`id_key`) and, when it can be read back, the number
    /// itself, as at 补正.
    pub(crate) async fn check_claims_by_key(
        &self,
        items: &[Item],
        holder: Option<&Holder>,
        key: &str,
        materials: &[MaterialCheck],
        operator: &str,
    ) -> AppResult<MaterialClaims> {
        let today = self.today();
        let local = LocalSources(&*self.claims);
        // The imported records first; the exchange only when they hold nothing valid.
        let mut sources: Vec<&dyn SharingSource> = vec![&local];
        if let Some(exchange) = &self.exchange {
            sources.push(&**exchange);
        }
        let mut out = MaterialClaims::default();
        for m in materials {
            let check: fn(&Item, &str) -> Result<(), ClaimError> = match m.status {
                MaterialStatus::Commitment => check_commitment,
                MaterialStatus::Shared => check_shareable,
                _ => continue,
            };
            // The first item that lists the material and allows the claim; else the first refusal.
            let mut first_error = None;
            let mut allowed = None;
            for item in items {
                match check(item, &m.name) {
                    Ok(()) => {
                        allowed = Some(item);
                        break;
                    }
                    Err(e) => {
                        // Prefer "not allowed" over "not listed" when some item lists it.
                        if first_error.is_none()
                            || matches!(first_error, Some(ClaimError::UnknownMaterial(_)))
                        {
                            first_error = Some(e);
                        }
                    }
                }
            }
            let Some(item) = allowed else {
                return Err(refused(
                    first_error.unwrap_or_else(|| ClaimError::UnknownMaterial(m.name.clone())),
                ));
            };
            if m.status == MaterialStatus::Commitment {
                out.committed.push((item.code.clone(), m.name.clone()));
                continue;
            }
            let query = SharingQuery {
                holder,
                holder_key: key,
                licence_type: &m.name,
                item_code: &item.code,
                operator,
                at: self.now(),
            };
            let mut valid = None;
            for source in &sources {
                let found = source.lookup(&query).await?;
                if let Some(licence) = found
                    .into_iter()
                    .find(|l| domain::commitment::licence_valid(l.valid_until, today))
                {
                    valid = Some((licence, source.provider()));
                    break;
                }
            }
            match valid {
                Some((licence, provider)) => out.shared.push(SharedRecord {
                    item_code: item.code.clone(),
                    material: m.name.clone(),
                    licence,
                    provider,
                }),
                None => return Err(refused(ClaimError::NothingValid(m.name.clone()))),
            }
        }
        Ok(out)
    }

    /// The claims of a case about to be accepted: a verification task per
    /// committed material (due `cases.verification_days` working days after
    /// today) and a sharing log line per record used. `cases` are the case to
    /// store, or a bundle's sub-cases (matched by item). They are stored with
    /// the case, in its transaction (`CaseStore::create_case`), then audited
    /// by [`Self::audit_acceptance_claims`].
    pub(crate) async fn acceptance_claims(
        &self,
        actor: &Actor,
        cases: &[CaseRecord],
        claims: &MaterialClaims,
    ) -> AppResult<AcceptanceClaims> {
        if claims.is_empty() {
            return Ok(AcceptanceClaims::default());
        }
        let today = self.today();
        let now = self.now();
        let due = self
            .deadline(today, self.settings.cases.verification_days)
            .await?
            .date;
        let case_of = |code: &str| cases.iter().find(|c| c.item_code == code).or(cases.first());
        let mut out = AcceptanceClaims::default();
        for (code, material) in &claims.committed {
            let Some(c) = case_of(code) else { continue };
            out.commitments.push(Commitment {
                id: Uuid::now_v7(),
                case_id: c.id,
                // The store numbers the case in its transaction and the task with it.
                case_number: String::new(),
                item_name: c.item_name.clone(),
                department: c.department.clone(),
                material: material.clone(),
                applicant_key: c.id_key.clone(),
                applicant_masked: c.id_masked.clone(),
                accepted_on: today,
                due,
                status: VerificationStatus::Pending,
                note: String::new(),
                verified_by: None,
                verified_at: None,
                created_by: actor.username.clone(),
                created_at: now,
            });
        }
        for s in &claims.shared {
            let Some(c) = case_of(&s.item_code) else { continue };
            out.accesses.push(DataAccess {
                id: Uuid::now_v7(),
                case_id: c.id,
                source: s.licence.source,
                provider: s.provider,
                material: s.material.clone(),
                licence_type: s.licence.licence_type.clone(),
                licence_number: s.licence.number.clone(),
                valid_until: s.licence.valid_until,
                fields: SHARED_FIELDS.into(),
                accessed_by: actor.username.clone(),
                accessed_at: now,
            });
        }
        Ok(out)
    }

    /// Audit-logs the claims stored with `stored` (the case, or a bundle's
    /// sub-cases, as numbered by the store); answers the verification tasks
    /// with their case numbers.
    pub(crate) async fn audit_acceptance_claims(
        &self,
        actor: &Actor,
        stored: &[CaseRecord],
        claims: AcceptanceClaims,
    ) -> AppResult<Vec<Commitment>> {
        let number_of = |id: Uuid| {
            stored
                .iter()
                .find(|c| c.id == id)
                .map_or("", |c| c.number.as_str())
        };
        let mut tasks = claims.commitments;
        for t in &mut tasks {
            t.case_number = number_of(t.case_id).to_owned();
            self.audit(
                actor,
                "commitment.sign",
                &t.case_number,
                &format!("告知承诺：{}，核查期限{}", t.material, t.due),
            )
            .await?;
        }
        for a in &claims.accesses {
            self.audit(
                actor,
                "data.share",
                number_of(a.case_id),
                &format!(
                    "{}调取{}（{} {}，字段：{}，来源：{}）",
                    a.source.label(),
                    a.material,
                    a.licence_type,
                    a.licence_number,
                    a.fields,
                    a.provider.label()
                ),
            )
            .await?;
        }
        Ok(tasks)
    }

    /// 信用记录: the applicant's false commitments (by the case's keyed hash).
    pub async fn credit_warnings(
        &self,
        applicant_key: &str,
    ) -> AppResult<Vec<store::commitment::CreditRecord>> {
        if applicant_key.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.claims.credit_records(applicant_key).await?)
    }
}
