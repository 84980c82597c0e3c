//! Roles (角色) of the people who sign in to govhall.

use serde::{Deserialize, Serialize};

/// What a signed-in person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 管理员: catalog, calendar, accounts.
    Admin,
    /// 窗口人员: window staff.
    Staff,
    /// 督查: supervision section, floor duty captain.
    Supervisor,
    /// 领导: hall leadership.
    Leader,
    /// 部门联络: a department's liaison.
    Liaison,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Staff,
        Role::Supervisor,
        Role::Leader,
        Role::Liaison,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Supervisor => "supervisor",
            Role::Leader => "leader",
            Role::Liaison => "liaison",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Staff => "窗口人员",
            Role::Supervisor => "督查",
            Role::Leader => "领导",
            Role::Liaison => "部门联络",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
