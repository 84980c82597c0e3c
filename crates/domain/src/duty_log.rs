//! 楼层值班长 (the floor duty captain's log): one log per floor and day. The
//! captain opens it with the opening checks (开厅检查: 叫号机、评价器、显示屏、
//! 取号机、自助终端、环境卫生), records what happens during the day (拥挤、设备
//! 故障、纠纷、发现黄牛…) with the action taken, and closes it with the
//! handover note (交接班) for the next captain.

use serde::Serialize;

/// One item of the opening checks (开厅检查项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpeningCheck {
    /// 叫号机
    CallSystem,
    /// 评价器
    Evaluator,
    /// 显示屏
    Display,
    /// 取号机
    TicketMachine,
    /// 自助终端
    SelfService,
    /// 环境卫生
    Hygiene,
}

impl OpeningCheck {
    pub const ALL: [OpeningCheck; 6] = [
        OpeningCheck::CallSystem,
        OpeningCheck::Evaluator,
        OpeningCheck::Display,
        OpeningCheck::TicketMachine,
        OpeningCheck::SelfService,
        OpeningCheck::Hygiene,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OpeningCheck::CallSystem => "call_system",
            OpeningCheck::Evaluator => "evaluator",
            OpeningCheck::Display => "display",
            OpeningCheck::TicketMachine => "ticket_machine",
            OpeningCheck::SelfService => "self_service",
            OpeningCheck::Hygiene => "hygiene",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OpeningCheck::CallSystem => "叫号机",
            OpeningCheck::Evaluator => "评价器",
            OpeningCheck::Display => "显示屏",
            OpeningCheck::TicketMachine => "取号机",
            OpeningCheck::SelfService => "自助终端",
            OpeningCheck::Hygiene => "环境卫生",
        }
    }

    pub fn parse(s: &str) -> Option<OpeningCheck> {
        OpeningCheck::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// What happened on the floor (值班事件类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyEventKind {
    /// 拥挤
    Crowding,
    /// 设备故障
    EquipmentFault,
    /// 纠纷
    Dispute,
    /// 发现黄牛
    ScalperSeen,
    /// 其他
    Other,
}

impl DutyEventKind {
    pub const ALL: [DutyEventKind; 5] = [
        DutyEventKind::Crowding,
        DutyEventKind::EquipmentFault,
        DutyEventKind::Dispute,
        DutyEventKind::ScalperSeen,
        DutyEventKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DutyEventKind::Crowding => "crowding",
            DutyEventKind::EquipmentFault => "equipment_fault",
            DutyEventKind::Dispute => "dispute",
            DutyEventKind::ScalperSeen => "scalper_seen",
            DutyEventKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DutyEventKind::Crowding => "拥挤",
            DutyEventKind::EquipmentFault => "设备故障",
            DutyEventKind::Dispute => "纠纷",
            DutyEventKind::ScalperSeen => "发现黄牛",
            DutyEventKind::Other => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<DutyEventKind> {
        DutyEventKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// One opening check as recorded: the item, ok or not, a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CheckResult {
    pub item: String,
    pub ok: bool,
    #[serde(default)]
    pub note: String,
}

/// Why a set of opening checks was refused: the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    pub field: String,
    pub reason: String,
}

/// The opening checks must cover each of the six items exactly once; an item
/// found not ok needs a note saying what is wrong. Answers them in the order
/// of [`OpeningCheck::ALL`].
pub fn check_opening(checks: &[CheckResult]) -> Result<Vec<CheckResult>, CheckError> {
    let mut out: Vec<Option<CheckResult>> = vec![None; OpeningCheck::ALL.len()];
    for (i, c) in checks.iter().enumerate() {
        let field = format!("checks[{i}]");
        let Some(item) = OpeningCheck::parse(c.item.trim()) else {
            return Err(CheckError {
                field,
                reason: format!(
                    "检查项“{}”无效，应为 call_system、evaluator、display、ticket_machine、self_service 或 hygiene",
                    c.item
                ),
            });
        };
        let Some(pos) = OpeningCheck::ALL.iter().position(|x| *x == item) else {
            continue;
        };
        if out[pos].is_some() {
            return Err(CheckError {
                field,
                reason: format!("检查项“{}”重复", item.label()),
            });
        }
        let note = c.note.trim().to_owned();
        if !c.ok && note.is_empty() {
            return Err(CheckError {
                field,
                reason: format!("{}异常，请写明情况", item.label()),
            });
        }
        if note.chars().count() > 200 {
            return Err(CheckError {
                field,
                reason: "说明最多200个字".into(),
            });
        }
        out[pos] = Some(CheckResult {
            item: item.code().into(),
            ok: c.ok,
            note,
        });
    }
    let mut all = Vec::with_capacity(out.len());
    for (slot, item) in out.into_iter().zip(OpeningCheck::ALL) {
        match slot {
            Some(c) => all.push(c),
            None => {
                return Err(CheckError {
                    field: "checks".into(),
                    reason: format!("开厅检查缺少“{}”", item.label()),
                });
            }
        }
    }
    Ok(all)
}

/// A floor's name as the hall says it (一楼, 2F, 二楼东区): 1 to 20 characters.
pub fn check_floor(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("请填写楼层".into());
    }
    if v.chars().count() > 20 {
        return Err("楼层最多20个字".into());
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_ok() -> Vec<CheckResult> {
        OpeningCheck::ALL
            .iter()
            .rev()
            .map(|c| CheckResult {
                item: c.code().into(),
                ok: true,
                note: String::new(),
            })
            .collect()
    }

    #[test]
    fn codes_round_trip() {
        for c in OpeningCheck::ALL {
            assert_eq!(OpeningCheck::parse(c.code()), Some(c));
        }
        for k in DutyEventKind::ALL {
            assert_eq!(DutyEventKind::parse(k.code()), Some(k));
        }
        assert_eq!(DutyEventKind::parse("fire"), None);
    }

    #[test]
    fn the_six_checks_come_back_in_order() {
        let checked = check_opening(&all_ok()).unwrap();
        let codes: Vec<&str> = checked.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(
            codes,
            [
                "call_system",
                "evaluator",
                "display",
                "ticket_machine",
                "self_service",
                "hygiene"
            ]
        );
    }

    #[test]
    fn a_missing_duplicate_unknown_or_unexplained_check_is_refused() {
        let mut missing = all_ok();
        missing.pop();
        assert_eq!(check_opening(&missing).unwrap_err().field, "checks");
        let mut dup = all_ok();
        dup[1].item = dup[0].item.clone();
        assert_eq!(check_opening(&dup).unwrap_err().field, "checks[1]");
        let mut unknown = all_ok();
        unknown[2].item = "coffee".into();
        assert_eq!(check_opening(&unknown).unwrap_err().field, "checks[2]");
        let mut broken = all_ok();
        broken[3].ok = false;
        assert_eq!(check_opening(&broken).unwrap_err().field, "checks[3]");
        broken[3].note = "显示屏左下角不亮".into();
        let checked = check_opening(&broken).unwrap();
        assert_eq!(checked.iter().filter(|c| !c.ok).count(), 1);
    }

    #[test]
    fn floors_are_short_names() {
        assert_eq!(check_floor(" 一楼 ").unwrap(), "一楼");
        assert!(check_floor("").is_err());
        assert!(check_floor(&"楼".repeat(21)).is_err());
    }
}
