//! The case page's 告知承诺 and 数据共享 box (issue 17): the applicant's
//! credit records (信用记录) as a warning, the committed materials with their
//! letters and verification, the records fetched by sharing, the revocation.

use super::manage::local;
use crate::AppState;
use crate::auth::CurrentUser;
use domain::commitment::VerificationStatus;
use domain::permission::Permission;
use uuid::Uuid;

pub struct CreditLine {
    pub case_number: String,
    pub material: String,
    pub note: String,
    pub at: String,
}

pub struct TaskLine {
    pub id: String,
    pub material: String,
    pub due: String,
    pub status: &'static str,
    pub overdue: bool,
    pub false_one: bool,
    pub note: String,
}

pub struct AccessLine {
    pub source: String,
    pub material: String,
    pub licence: String,
    pub valid_until: String,
    pub fields: String,
    pub at: String,
    pub by: String,
}

#[derive(Default)]
pub struct ClaimsBox {
    /// Records of the applicant's other cases.
    pub credit: Vec<CreditLine>,
    pub tasks: Vec<TaskLine>,
    pub accesses: Vec<AccessLine>,
    /// 撤销: the reason, who and when, once revoked.
    pub revoked: Option<String>,
    /// The revoke form: a false commitment, an approval, the right role.
    pub may_revoke: bool,
}

/// The box of case `id` for `user` (empty when they may not read it).
pub async fn claims_box(state: &AppState, user: &CurrentUser, id: Uuid) -> ClaimsBox {
    let Ok(c) = state.app.commitments.case_claims(&user.session, id).await else {
        return ClaimsBox::default();
    };
    let approved = state
        .app
        .cases
        .case(&user.session, id)
        .await
        .is_ok_and(|v| v.case.approved == Some(true));
    let any_false = c
        .commitments
        .iter()
        .any(|t| t.task.status == VerificationStatus::False);
    ClaimsBox {
        credit: c
            .credit_records
            .into_iter()
            .filter(|r| r.case_id != id)
            .map(|r| CreditLine {
                case_number: r.case_number,
                material: r.material,
                note: r.note,
                at: local(state, r.recorded_at),
            })
            .collect(),
        tasks: c
            .commitments
            .into_iter()
            .map(|t| TaskLine {
                id: t.task.id.to_string(),
                material: t.task.material,
                due: t.task.due.to_string(),
                status: t.status_label,
                overdue: t.overdue,
                false_one: t.task.status == VerificationStatus::False,
                note: t.task.note,
            })
            .collect(),
        accesses: c
            .accesses
            .into_iter()
            .map(|a| AccessLine {
                source: format!("{}（{}）", a.source.label(), a.provider.label()),
                material: a.material,
                // A licence's number may be the holder's ID number: masked like every list shows it.
                licence: format!(
                    "{} {}",
                    a.licence_type,
                    domain::identity::mask_id_numbers(&a.licence_number)
                ),
                valid_until: a.valid_until.map_or_else(|| "长期".to_owned(), |d| d.to_string()),
                fields: a.fields,
                at: local(state, a.accessed_at),
                by: a.accessed_by,
            })
            .collect(),
        may_revoke: c.revocation.is_none()
            && any_false
            && approved
            && user.session.user.role.can(Permission::CommitmentVerify),
        revoked: c
            .revocation
            .map(|r| format!("{}（{} {}）", r.reason, r.revoked_by, local(state, r.revoked_at))),
    }
}
