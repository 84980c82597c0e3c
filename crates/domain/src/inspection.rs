//! Inspections (日常督查、不定时巡查、明查暗访): a checklist of what a
//! window must show, each item with its deduction, and the total an
//! inspection's failed items cost. The default list is built from the
//! seed documents ([000] 百日大提升, [002]).

use serde::{Deserialize, Serialize};

/// The kind of visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 日常督查.
    Routine,
    /// 不定时巡查.
    Patrol,
    /// 明查暗访 (暗访: planned on a schedule the inspected do not see).
    Unannounced,
}

impl InspectionKind {
    pub const ALL: [InspectionKind; 3] = [
        InspectionKind::Routine,
        InspectionKind::Patrol,
        InspectionKind::Unannounced,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InspectionKind::Routine => "routine",
            InspectionKind::Patrol => "patrol",
            InspectionKind::Unannounced => "unannounced",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InspectionKind::Routine => "日常督查",
            InspectionKind::Patrol => "不定时巡查",
            InspectionKind::Unannounced => "明查暗访",
        }
    }

    pub fn parse(code: &str) -> Option<InspectionKind> {
        InspectionKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// One line of the checklist (督查项目).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub code: String,
    pub name: String,
    /// What the inspector looks for.
    pub standard: String,
    /// Points deducted when the item fails (扣分).
    pub deduction: f64,
}

/// The default checklist: what [000] and [002] ask a window to show.
pub fn default_checklist() -> Vec<ChecklistItem> {
    let item = |code: &str, name: &str, standard: &str, deduction: f64| ChecklistItem {
        code: code.into(),
        name: name.into(),
        standard: standard.into(),
        deduction,
    };
    vec![
        item("on_post", "在岗在位", "工作时间在岗，无脱岗、串岗", 2.0),
        item("uniform", "工装上岗", "按规定着工装", 1.0),
        item("badge", "胸牌台签（三亮）", "佩戴胸牌、摆放台签，亮身份", 1.0),
        item("six_s", "窗口6S", "整理、整顿、清扫、清洁、自检、素养", 1.0),
        item(
            "service_steps",
            "服务六步曲/七步曲",
            "起身迎候、问候、受理、告知、致谢、道别",
            1.0,
        ),
        item("gestures", "服务手势", "规范引导、递接手势", 0.5),
        item("first_ask", "首问负责", "首问人负责解答或引导到位，不推诿", 2.0),
        item(
            "one_notice",
            "一次性告知",
            "材料不齐的一次性告知全部补正材料",
            2.0,
        ),
        item("courtesy", "文明用语", "使用文明用语，无生冷硬横", 2.0),
        item("discipline", "工作纪律", "不玩手机、不闲聊、不吃东西", 2.0),
        item("equipment", "设备完好", "叫号、评价器等设备正常使用", 1.0),
    ]
}

/// One checked item of an inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub code: String,
    pub pass: bool,
    pub note: String,
}

/// Why a set of results cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error("督查项目“{0}”不在检查清单中")]
    UnknownItem(String),
    #[error("督查项目“{0}”重复填写")]
    Repeated(String),
    #[error("至少填写一个督查项目")]
    Empty,
}

/// The deduction of an inspection: the sum of its failed items' deductions,
/// rounded to a tenth; every result must name a checklist item once.
pub fn total_deduction(checklist: &[ChecklistItem], results: &[ItemResult]) -> Result<f64, InspectionError> {
    if results.is_empty() {
        return Err(InspectionError::Empty);
    }
    let mut seen = std::collections::HashSet::new();
    let mut total = 0.0;
    for r in results {
        let code = r.code.trim();
        let item = checklist
            .iter()
            .find(|i| i.code == code)
            .ok_or_else(|| InspectionError::UnknownItem(code.to_owned()))?;
        if !seen.insert(code) {
            return Err(InspectionError::Repeated(code.to_owned()));
        }
        if !r.pass {
            total += item.deduction;
        }
    }
    Ok((total * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(code: &str, pass: bool) -> ItemResult {
        ItemResult {
            code: code.into(),
            pass,
            note: String::new(),
        }
    }

    #[test]
    fn the_default_checklist_covers_the_seeds() {
        let list = default_checklist();
        assert!(list.len() >= 10);
        for name in [
            "在岗在位",
            "工装上岗",
            "胸牌台签（三亮）",
            "窗口6S",
            "首问负责",
            "一次性告知",
            "文明用语",
            "工作纪律",
            "设备完好",
        ] {
            assert!(list.iter().any(|i| i.name == name), "{name}");
        }
        let mut codes: Vec<&str> = list.iter().map(|i| i.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), list.len(), "codes are unique");
        assert!(list.iter().all(|i| i.deduction > 0.0));
    }

    #[test]
    fn only_failed_items_are_deducted() {
        let list = default_checklist();
        let all_pass: Vec<ItemResult> = list.iter().map(|i| result(&i.code, true)).collect();
        assert_eq!(total_deduction(&list, &all_pass), Ok(0.0));
        let r = [
            result("on_post", false),
            result("gestures", false),
            result("uniform", true),
        ];
        assert_eq!(total_deduction(&list, &r), Ok(2.5));
        let all_fail: Vec<ItemResult> = list.iter().map(|i| result(&i.code, false)).collect();
        let sum: f64 = list.iter().map(|i| i.deduction).sum();
        assert_eq!(total_deduction(&list, &all_fail), Ok((sum * 10.0).round() / 10.0));
    }

    #[test]
    fn unknown_repeated_or_no_items_are_refused() {
        let list = default_checklist();
        assert_eq!(
            total_deduction(&list, &[result("smoking", false)]),
            Err(InspectionError::UnknownItem("smoking".into()))
        );
        assert_eq!(
            total_deduction(&list, &[result("badge", true), result("badge", false)]),
            Err(InspectionError::Repeated("badge".into()))
        );
        assert_eq!(total_deduction(&list, &[]), Err(InspectionError::Empty));
        assert_eq!(
            InspectionKind::parse("unannounced"),
            Some(InspectionKind::Unannounced)
        );
    }
}
