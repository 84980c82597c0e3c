//! 上门服务 (door-to-door service): who may ask for it, and the steps a
//! request goes through — requested → scheduled → done, or cancelled with a
//! reason while still open.

use serde::{Deserialize, Serialize};

/// Why the person cannot come to the hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HomeVisitReason {
    /// 高龄
    Elderly,
    /// 残疾
    Disabled,
    /// 重病
    Ill,
    /// 其他
    Other,
}

impl HomeVisitReason {
    pub const ALL: [HomeVisitReason; 4] = [
        HomeVisitReason::Elderly,
        HomeVisitReason::Disabled,
        HomeVisitReason::Ill,
        HomeVisitReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HomeVisitReason::Elderly => "elderly",
            HomeVisitReason::Disabled => "disabled",
            HomeVisitReason::Ill => "ill",
            HomeVisitReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HomeVisitReason::Elderly => "高龄",
            HomeVisitReason::Disabled => "残疾",
            HomeVisitReason::Ill => "重病",
            HomeVisitReason::Other => "其他原因",
        }
    }

    pub fn parse(code: &str) -> Option<HomeVisitReason> {
        HomeVisitReason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HomeVisitStatus {
    /// 待安排
    Requested,
    /// 已安排 (date and staff set)
    Scheduled,
    /// 已办结
    Done,
    /// 已取消
    Cancelled,
}

impl HomeVisitStatus {
    pub const ALL: [HomeVisitStatus; 4] = [
        HomeVisitStatus::Requested,
        HomeVisitStatus::Scheduled,
        HomeVisitStatus::Done,
        HomeVisitStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HomeVisitStatus::Requested => "requested",
            HomeVisitStatus::Scheduled => "scheduled",
            HomeVisitStatus::Done => "done",
            HomeVisitStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HomeVisitStatus::Requested => "待安排",
            HomeVisitStatus::Scheduled => "已安排",
            HomeVisitStatus::Done => "已办结",
            HomeVisitStatus::Cancelled => "已取消",
        }
    }

    pub fn parse(code: &str) -> Option<HomeVisitStatus> {
        HomeVisitStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still waiting for the visit (counts against the per-phone limit).
    pub fn is_open(self) -> bool {
        matches!(self, HomeVisitStatus::Requested | HomeVisitStatus::Scheduled)
    }

    /// The states a request may move to from `self`. Scheduling again
    /// re-plans an already scheduled visit (改期).
    pub fn next(self) -> &'static [HomeVisitStatus] {
        match self {
            HomeVisitStatus::Requested => &[HomeVisitStatus::Scheduled, HomeVisitStatus::Cancelled],
            HomeVisitStatus::Scheduled => &[
                HomeVisitStatus::Scheduled,
                HomeVisitStatus::Done,
                HomeVisitStatus::Cancelled,
            ],
            HomeVisitStatus::Done | HomeVisitStatus::Cancelled => &[],
        }
    }

    pub fn can_move_to(self, to: HomeVisitStatus) -> bool {
        self.next().contains(&to)
    }

    /// The states from which a request may reach `to`.
    pub fn sources(to: HomeVisitStatus) -> Vec<HomeVisitStatus> {
        HomeVisitStatus::ALL
            .into_iter()
            .filter(|s| s.can_move_to(to))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in HomeVisitStatus::ALL {
            assert_eq!(HomeVisitStatus::parse(s.code()), Some(s));
        }
        for r in HomeVisitReason::ALL {
            assert_eq!(HomeVisitReason::parse(r.code()), Some(r));
        }
        assert_eq!(HomeVisitReason::parse("old"), None);
    }

    #[test]
    fn only_open_requests_move() {
        use HomeVisitStatus::*;
        assert!(Requested.can_move_to(Scheduled));
        assert!(Requested.can_move_to(Cancelled));
        assert!(
            !Requested.can_move_to(Done),
            "a visit is planned before it is done"
        );
        assert!(Scheduled.can_move_to(Scheduled) && Scheduled.can_move_to(Done));
        for end in [Done, Cancelled] {
            assert!(end.next().is_empty() && !end.is_open());
        }
        assert_eq!(HomeVisitStatus::sources(Cancelled), vec![Requested, Scheduled]);
        assert_eq!(HomeVisitStatus::sources(Done), vec![Scheduled]);
    }
}
