//! The applicant's numbers in the clear, audit-logged (查看完整证件号码).

use super::*;
use crate::auth::{Session, require};
use crate::{Actor, AppResult};
use domain::permission::Permission;

/// The applicant's numbers in the clear, for the staff member who needs them.
#[derive(Debug, Clone, Serialize)]
pub struct CaseIdentity {
    pub id_number: String,
    pub phone: String,
}

impl crate::case::CaseService {
    /// Opens the sealed numbers of a case; every view is audit-logged.
    #[tracing::instrument(skip_all)]
    pub async fn case_identity(&self, session: &Session, id: Uuid) -> AppResult<CaseIdentity> {
        require(session, Permission::CaseHandle)?;
        let c = self.store.case_by_id(id).await.map_err(not_found)?;
        self.case_scope(session).await?.check(&c)?;
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let open = |purpose: &str, sealed: &str| -> AppResult<String> {
            if sealed.is_empty() {
                Ok(String::new())
            } else {
                cipher.open(purpose, sealed)
            }
        };
        let identity = CaseIdentity {
            id_number: open(ID_PURPOSE, &c.id_sealed)?,
            phone: open(PHONE_PURPOSE, &c.phone_sealed)?,
        };
        self.audit(
            &Actor::user(&session.user),
            "case.identity.view",
            &c.number,
            "查看申请人完整证件号码和手机号",
        )
        .await?;
        Ok(identity)
    }
}

impl crate::case::CaseService {
    /// The applicant of a case as a sharing holder (身份证号 or 统一社会信用代码),
    /// read back from its sealed number; `None` when it has none or it no longer
    /// parses. Not audit-logged here: the lookup it serves is (`data.share`).
    pub(crate) fn case_holder(&self, c: &CaseRecord) -> AppResult<Option<domain::commitment::Holder>> {
        if c.id_sealed.is_empty() {
            return Ok(None);
        }
        let cipher = DataCipher::new(&self.settings.security.data_key)?;
        let plain = cipher.open(ID_PURPOSE, &c.id_sealed)?;
        Ok(domain::commitment::Holder::parse(&plain, self.today()).ok())
    }
}
