//! 告知承诺核查 and 电子证照 (issue 17): the department's verification tasks
//! (属实 / 不实), the credit record (信用记录) of a false commitment, the
//! revocation (撤销) of a decision made on it, the commitment letter
//! (告知承诺书), the local sharing records the administrator imports, and
//! the sharing log of a case. The check at acceptance is
//! `CaseService::check_material_claims`.

use crate::auth::{Session, require};
use crate::case::CaseService;
use crate::case_scope::CaseScope;
use crate::crypto::DataCipher;
use crate::queue::person_key;
use crate::{Actor, AppError, AppResult, Hall};
use domain::commitment::{
    DataSource, Holder, RevokeError, VerificationStatus, check_outcome, check_revoke, is_overdue,
};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::case::CaseRecord;
use store::commitment::{
    Commitment, CommitmentFilter, CommitmentStore, CreditRecord, DataAccess, Licence, Revocation,
    Verification,
};
use uuid::Uuid;

const HOLDER_PURPOSE: &str = "licence.holder";
const LIST_LIMIT: i64 = 500;
/// The most records one import takes.
pub const MAX_IMPORT_LINES: usize = 10_000;

/// A verification task as the department sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentView {
    #[serde(flatten)]
    pub task: Commitment,
    pub status_label: &'static str,
    /// Still pending after its due date (逾期).
    pub overdue: bool,
}

/// What a case page shows of 告知承诺 and 数据共享.
#[derive(Debug, Clone, Serialize)]
pub struct CaseClaims {
    pub commitments: Vec<CommitmentView>,
    pub accesses: Vec<DataAccess>,
    pub revocation: Option<Revocation>,
    /// The applicant's false commitments (信用记录).
    pub credit_records: Vec<CreditRecord>,
}

/// The commitment letter (告知承诺书) of one committed material.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentLetter {
    pub hall: String,
    pub case: CaseRecord,
    pub task: Commitment,
    /// 事项的实施部门.
    pub department: String,
    pub legal_basis: Vec<String>,
}

/// 告知承诺、电子证照 service.
#[derive(Clone)]
pub struct CommitmentService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn CommitmentStore>,
    pub(crate) cases: CaseService,
}

fn task_not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("核查任务不存在".into()),
        StoreError::Conflict { .. } => {
            AppError::Conflict(crate::Conflict::WrongStatus, "该承诺已核查".into())
        }
        other => other.into(),
    }
}

fn case_not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("办件不存在".into()),
        other => other.into(),
    }
}

impl CommitmentService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn store::Store>, cases: CaseService) -> CommitmentService {
        CommitmentService { hall, store, cases }
    }

    fn view(&self, task: Commitment, today: Date) -> CommitmentView {
        CommitmentView {
            status_label: task.status.label(),
            overdue: is_overdue(task.status, task.due, today),
            task,
        }
    }

    /// The case, checked against the person's scope.
    async fn scoped_case(&self, session: &Session, id: Uuid) -> AppResult<CaseRecord> {
        let c = self.cases.store.case_by_id(id).await.map_err(case_not_found)?;
        self.cases.case_scope(session).await?.check(&c)?;
        Ok(c)
    }

    /// 核查任务: the tasks of one status (all when `None`), due date first; a
    /// liaison sees only their department's.
    #[tracing::instrument(skip_all)]
    pub async fn commitments(
        &self,
        session: &Session,
        status: Option<VerificationStatus>,
    ) -> AppResult<Vec<CommitmentView>> {
        require(session, Permission::CommitmentVerify)?;
        let department = match self.cases.case_scope(session).await? {
            CaseScope::Department { name, .. } => Some(name),
            CaseScope::All => None,
            CaseScope::Staff { .. } => {
                return Err(AppError::Forbidden("只有部门联络员和督查可以核查告知承诺".into()));
            }
        };
        let today = self.today();
        let tasks = self
            .store
            .commitments(&CommitmentFilter {
                status,
                department,
                case_id: None,
                limit: LIST_LIMIT,
            })
            .await?;
        Ok(tasks.into_iter().map(|t| self.view(t, today)).collect())
    }

    /// 核查结论: 属实 or 不实 (with what was found); 不实 records a credit
    /// record against the applicant in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn verify(
        &self,
        session: &Session,
        id: Uuid,
        outcome: &str,
        note: &str,
    ) -> AppResult<CommitmentView> {
        require(session, Permission::CommitmentVerify)?;
        let task = self.store.commitment(id).await.map_err(task_not_found)?;
        if !self
            .cases
            .case_scope(session)
            .await?
            .allows_department(&task.department)
        {
            return Err(AppError::Forbidden("该核查任务不属于您的部门".into()));
        }
        let status = VerificationStatus::parse(outcome)
            .filter(|s| *s != VerificationStatus::Pending)
            .ok_or_else(|| AppError::invalid("outcome", "核查结论应为 true（属实）或 false（不实）"))?;
        let note = note.trim();
        check_outcome(task.status, status, note).map_err(|e| match e {
            domain::commitment::OutcomeError::AlreadyVerified(_) => {
                AppError::Conflict(crate::Conflict::WrongStatus, e.to_string())
            }
            other => AppError::invalid("note", other.to_string()),
        })?;
        let now = self.now();
        let by = session.user.username.clone();
        let credit = (status == VerificationStatus::False).then(|| CreditRecord {
            id: Uuid::now_v7(),
            subject_key: task.applicant_key.clone(),
            subject_masked: task.applicant_masked.clone(),
            commitment_id: task.id,
            case_id: task.case_id,
            case_number: task.case_number.clone(),
            material: task.material.clone(),
            note: note.to_owned(),
            recorded_by: by.clone(),
            recorded_at: now,
        });
        let done = self
            .store
            .verify_commitment(
                &Verification {
                    id,
                    status,
                    note: note.to_owned(),
                    by,
                    at: now,
                },
                credit.as_ref(),
            )
            .await
            .map_err(task_not_found)?;
        let actor = Actor::user(&session.user);
        self.audit(
            &actor,
            "commitment.verify",
            &done.case_number,
            &format!(
                "{}：{}{}",
                done.material,
                status.label(),
                if note.is_empty() {
                    String::new()
                } else {
                    format!("（{note}）")
                }
            ),
        )
        .await?;
        if credit.is_some() {
            self.audit(
                &actor,
                "credit.record",
                &done.case_number,
                &format!(
                    "不实承诺记入信用记录：{}，申请人{}",
                    done.material, done.applicant_masked
                ),
            )
            .await?;
        }
        Ok(self.view(done, self.today()))
    }

    /// 撤销: revokes the approval of a case whose commitment was found false,
    /// with a reason; a case step (`revoke`) and the audit log record it.
    #[tracing::instrument(skip_all)]
    pub async fn revoke(
        &self,
        session: &Session,
        case_id: Uuid,
        reason: &str,
    ) -> AppResult<crate::case::CaseView> {
        require(session, Permission::CommitmentVerify)?;
        let c = self.scoped_case(session, case_id).await?;
        let tasks = self
            .store
            .commitments(&CommitmentFilter {
                case_id: Some(case_id),
                limit: LIST_LIMIT,
                ..Default::default()
            })
            .await?;
        let false_one = tasks.iter().any(|t| t.status == VerificationStatus::False);
        let revoked = self.store.revocation(case_id).await?.is_some();
        let reason = reason.trim();
        check_revoke(false_one, c.approved, revoked, reason).map_err(|e| match e {
            RevokeError::ReasonNeeded => AppError::invalid("reason", e.to_string()),
            _ => AppError::Conflict(crate::Conflict::WrongStatus, e.to_string()),
        })?;
        let now = self.now();
        let r = Revocation {
            case_id,
            reason: reason.to_owned(),
            revoked_by: session.user.username.clone(),
            revoked_at: now,
        };
        let event = store::case::CaseEvent {
            at: now,
            actor: session.user.username.clone(),
            action: "revoke".into(),
            status: c.status,
            note: format!("告知承诺不实，撤销决定：{reason}"),
        };
        self.store.revoke_case(&r, &event).await.map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict(
                crate::Conflict::WrongStatus,
                RevokeError::AlreadyRevoked.to_string(),
            ),
            other => other.into(),
        })?;
        self.audit(&Actor::user(&session.user), "case.revoke", &c.number, reason)
            .await?;
        self.cases.case(session, case_id).await
    }

    /// The claims of a case for its page: tasks, sharing log, revocation and
    /// the applicant's credit records.
    #[tracing::instrument(skip_all)]
    pub async fn case_claims(&self, session: &Session, case_id: Uuid) -> AppResult<CaseClaims> {
        require(session, Permission::CaseRead)?;
        let c = self.scoped_case(session, case_id).await?;
        let today = self.today();
        let commitments = self
            .store
            .commitments(&CommitmentFilter {
                case_id: Some(case_id),
                limit: LIST_LIMIT,
                ..Default::default()
            })
            .await?
            .into_iter()
            .map(|t| self.view(t, today))
            .collect();
        Ok(CaseClaims {
            commitments,
            accesses: self.store.data_accesses(case_id).await?,
            revocation: self.store.revocation(case_id).await?,
            credit_records: self.cases.credit_warnings(&c.id_key).await?,
        })
    }

    /// 数据共享调取记录 of a case (staff and supervision, scoped like the case).
    #[tracing::instrument(skip_all)]
    pub async fn data_access(&self, session: &Session, case_id: Uuid) -> AppResult<Vec<DataAccess>> {
        require(session, Permission::CaseRead)?;
        self.scoped_case(session, case_id).await?;
        Ok(self.store.data_accesses(case_id).await?)
    }

    /// 告知承诺书 of one task of a case, for printing and signing.
    #[tracing::instrument(skip_all)]
    pub async fn letter(
        &self,
        session: &Session,
        case_id: Uuid,
        task_id: Uuid,
    ) -> AppResult<CommitmentLetter> {
        require(session, Permission::CaseRead)?;
        let case = self.scoped_case(session, case_id).await?;
        let task = self.store.commitment(task_id).await.map_err(task_not_found)?;
        if task.case_id != case_id {
            return Err(AppError::NotFound("核查任务不存在".into()));
        }
        let item = self.published().await?.item(&case.item_code).cloned();
        Ok(CommitmentLetter {
            hall: self.settings.hall.name.clone(),
            department: case.department.clone(),
            legal_basis: item.map(|i| i.legal_basis).unwrap_or_default(),
            case,
            task,
        })
    }

    /// 电子证照导入: a CSV with the header `holder,type,number,valid_until`
    /// (valid_until `YYYY-MM-DD`, empty for 长期有效). Every line is checked
    /// first; a bad one refuses the whole file naming its line.
    #[tracing::instrument(skip_all)]
    pub async fn import_licences(&self, session: &Session, csv: &str) -> AppResult<u64> {
        require(session, Permission::LicenceManage)?;
        let today = self.today();
        let now = self.now();
        let key = &self.settings.security.data_key;
        let cipher = DataCipher::new(key)?;
        let mut lines = csv.trim_start_matches('\u{feff}').lines().enumerate();
        let header = lines.next().map(|(_, h)| h.trim()).unwrap_or_default();
        let columns: Vec<&str> = header.split(',').map(str::trim).collect();
        if columns != ["holder", "type", "number", "valid_until"] {
            return Err(AppError::invalid(
                "file",
                "第1行表头应为 holder,type,number,valid_until",
            ));
        }
        let mut out: Vec<Licence> = Vec::new();
        for (i, line) in lines {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            if out.len() >= MAX_IMPORT_LINES {
                return Err(AppError::invalid(
                    "file",
                    format!("一次最多导入{MAX_IMPORT_LINES}条"),
                ));
            }
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let [holder, kind, number, until] = cells.as_slice() else {
                return Err(AppError::invalid(
                    "file",
                    format!("第{n}行应有4列（holder,type,number,valid_until）"),
                ));
            };
            let holder = Holder::parse(holder, today)
                .map_err(|e| AppError::invalid("holder", format!("第{n}行持证主体（holder）{e}")))?;
            if kind.is_empty() || kind.chars().count() > 100 {
                return Err(AppError::invalid(
                    "type",
                    format!("第{n}行证照类型（type）应为1至100个字"),
                ));
            }
            if number.is_empty() || number.chars().count() > 100 {
                return Err(AppError::invalid(
                    "number",
                    format!("第{n}行证照编号（number）应为1至100个字"),
                ));
            }
            let valid_until = if until.is_empty() {
                None
            } else {
                Some(until.parse::<Date>().map_err(|_| {
                    AppError::invalid(
                        "valid_until",
                        format!("第{n}行有效期（valid_until）应为YYYY-MM-DD日期或留空（长期）"),
                    )
                })?)
            };
            out.push(Licence {
                id: Uuid::now_v7(),
                holder_key: person_key(key, holder.key_purpose(), holder.as_str())?,
                holder_kind: holder.kind(),
                holder_sealed: cipher.seal(HOLDER_PURPOSE, holder.as_str())?,
                holder_masked: holder.masked(),
                source: DataSource::for_record(holder.kind(), kind),
                licence_type: (*kind).to_owned(),
                number: (*number).to_owned(),
                valid_until,
                imported_by: session.user.username.clone(),
                imported_at: now,
            });
        }
        if out.is_empty() {
            return Err(AppError::invalid("file", "文件中没有证照记录"));
        }
        let n = self.store.import_licences(&out).await?;
        self.audit(
            &Actor::user(&session.user),
            "licence.import",
            "电子证照",
            &format!("导入共享证照记录{n}条"),
        )
        .await?;
        Ok(n)
    }

    /// The imported records, newest first, holders masked.
    #[tracing::instrument(skip_all)]
    pub async fn licences(&self, session: &Session) -> AppResult<Vec<Licence>> {
        require(session, Permission::LicenceManage)?;
        Ok(self.store.licences(LIST_LIMIT).await?)
    }
}
