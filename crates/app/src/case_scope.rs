//! Whose cases a signed-in person sees and acts on (可见范围). The role's
//! rights come from the permission table; this decides the records: a
//! liaison (部门联络) only their department's, window staff the cases of their
//! windows (and their department's, when they have one), leadership,
//! supervision and the administrator every case.

use crate::auth::Session;
use crate::{AppError, AppResult};
use domain::Role;
use store::case::CaseRecord;
use store::case_ledger::Visible;

/// The cases one person may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseScope {
    /// 管理员、领导、督查: the whole hall.
    All,
    /// 部门联络: one department (its code and full name; cases carry the name).
    Department { code: String, name: String },
    /// 窗口人员: cases at their windows or accepted by them, and their
    /// department's when they have one.
    Staff {
        username: String,
        windows: Vec<String>,
        department: Option<String>,
    },
}

fn outside() -> AppError {
    AppError::Forbidden("该办件不属于您的部门或窗口".into())
}

impl CaseScope {
    pub fn allows(&self, case: &CaseRecord) -> bool {
        match self {
            CaseScope::All => true,
            CaseScope::Department { name, .. } => &case.department == name,
            CaseScope::Staff {
                username,
                windows,
                department,
            } => {
                &case.staff == username
                    || (!case.window.is_empty() && windows.contains(&case.window))
                    || department.as_ref() == Some(&case.department)
            }
        }
    }

    /// Refuses a case outside the scope.
    pub fn check(&self, case: &CaseRecord) -> AppResult<()> {
        if self.allows(case) { Ok(()) } else { Err(outside()) }
    }

    /// Whether a department named by its code or full name is within the scope.
    pub fn allows_department(&self, given: &str) -> bool {
        match self {
            CaseScope::All => true,
            CaseScope::Department { code, name } => given == code || given == name,
            CaseScope::Staff { department, .. } => department.as_deref() == Some(given),
        }
    }

    pub fn allows_window(&self, window: &str) -> bool {
        match self {
            CaseScope::All => true,
            CaseScope::Department { .. } => false,
            CaseScope::Staff { windows, .. } => windows.iter().any(|w| w == window),
        }
    }

    /// The department to list when none is asked for: a liaison's own.
    pub fn own_department(&self) -> Option<&str> {
        match self {
            CaseScope::Department { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The SQL-side restriction of lists (`None` for the whole hall).
    pub fn visible(&self) -> Option<Visible> {
        match self {
            CaseScope::All => None,
            CaseScope::Department { name, .. } => Some(Visible {
                departments: vec![name.clone()],
                windows: Vec::new(),
                staff: None,
            }),
            CaseScope::Staff {
                username,
                windows,
                department,
            } => Some(Visible {
                departments: department.iter().cloned().collect(),
                windows: windows.clone(),
                staff: Some(username.clone()),
            }),
        }
    }
}

impl crate::case::CaseService {
    /// The scope of a signed-in person.
    pub async fn case_scope(&self, session: &Session) -> AppResult<CaseScope> {
        let user = &session.user;
        match user.role {
            Role::Admin | Role::Leader | Role::Supervisor => Ok(CaseScope::All),
            Role::Liaison => {
                let code = user
                    .department
                    .clone()
                    .ok_or_else(|| AppError::Forbidden("您的账号未设置所属部门，请联系管理员".into()))?;
                let name = self.department_name(&code).await?;
                Ok(CaseScope::Department { code, name })
            }
            Role::Staff => {
                let windows = self
                    .queue
                    .cached_windows()
                    .await?
                    .iter()
                    .filter(|w| w.staff.contains(&user.username))
                    .map(|w| w.number.clone())
                    .collect();
                let department = match &user.department {
                    Some(code) => Some(self.department_name(code).await?),
                    None => None,
                };
                Ok(CaseScope::Staff {
                    username: user.username.clone(),
                    windows,
                    department,
                })
            }
        }
    }
}
