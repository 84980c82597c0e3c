//! What a case is (办件类型, 申请人类型) and what came with it (申请材料核对):
//! the kinds a case record carries, each with its stored code and its Chinese
//! label, and the one-time notice rule (一次性告知) over the checked materials.

use crate::catalog::Item;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a case is handled (办件类型). The stored code is the Chinese word the
/// catalog uses (即办件, 承诺件), 一件事 for a bundle's parent case, and the
/// empty text for a case imported from an earlier system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Handling {
    /// 即办件: finished on the spot.
    #[serde(rename = "即办件")]
    Immediate,
    /// 承诺件: finished within the promised working days.
    #[serde(rename = "承诺件")]
    Promised,
    /// 一件事: the parent case of a bundle, its items handled in parallel.
    #[serde(rename = "一件事")]
    Bundle,
    /// Imported from an earlier system, which did not say.
    #[serde(rename = "")]
    Unrecorded,
}

impl Handling {
    pub const ALL: [Handling; 4] = [
        Handling::Immediate,
        Handling::Promised,
        Handling::Bundle,
        Handling::Unrecorded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Handling::Immediate => "即办件",
            Handling::Promised => "承诺件",
            Handling::Bundle => "一件事",
            Handling::Unrecorded => "",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Handling::Unrecorded => "未记录",
            other => other.code(),
        }
    }

    pub fn parse(code: &str) -> Option<Handling> {
        let code = code.trim();
        Handling::ALL.into_iter().find(|h| h.code() == code)
    }

    /// The handling of a case of a catalog item (the catalog knows 即办件 and 承诺件).
    pub fn of_item(item: &Item) -> Handling {
        if item.is_immediate() {
            Handling::Immediate
        } else {
            Handling::Promised
        }
    }
}

impl fmt::Display for Handling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// 即办件: finished on the spot — handled as 即办, or promised in 0 working days.
pub fn is_immediate(handling: Handling, promised_days: i64) -> bool {
    handling == Handling::Immediate || promised_days == 0
}

/// Who applies (申请人类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// 个人, identified by 身份证号.
    Person,
    /// 单位 (enterprise, social organisation), identified by 统一社会信用代码.
    Organisation,
    /// A case imported from an earlier system: no applicant recorded.
    Imported,
}

impl ApplicantKind {
    pub const ALL: [ApplicantKind; 3] = [
        ApplicantKind::Person,
        ApplicantKind::Organisation,
        ApplicantKind::Imported,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicantKind::Person => "person",
            ApplicantKind::Organisation => "organisation",
            ApplicantKind::Imported => "imported",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicantKind::Person => "个人",
            ApplicantKind::Organisation => "单位",
            ApplicantKind::Imported => "历史导入",
        }
    }

    pub fn parse(code: &str) -> Option<ApplicantKind> {
        let code = code.trim();
        ApplicantKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl fmt::Display for ApplicantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What the staff member found of one material (材料核对结果).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialStatus {
    /// 已提交 by the applicant.
    Provided,
    /// 共享调取: fetched by the hall through data sharing.
    Shared,
    /// 缺少: to be listed on the one-time notice.
    Missing,
    /// 告知承诺: the applicant signed a commitment instead of the proof
    /// (国办发〔2020〕42号); the department verifies it afterwards (核查).
    Commitment,
}

impl MaterialStatus {
    pub const ALL: [MaterialStatus; 4] = [
        MaterialStatus::Provided,
        MaterialStatus::Shared,
        MaterialStatus::Missing,
        MaterialStatus::Commitment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MaterialStatus::Provided => "provided",
            MaterialStatus::Shared => "shared",
            MaterialStatus::Missing => "missing",
            MaterialStatus::Commitment => "commitment",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MaterialStatus::Provided => "已提交",
            MaterialStatus::Shared => "共享调取",
            MaterialStatus::Missing => "缺少",
            MaterialStatus::Commitment => "告知承诺",
        }
    }

    pub fn parse(code: &str) -> Option<MaterialStatus> {
        let code = code.trim();
        MaterialStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The hall has it: provided by the applicant, fetched by sharing, or
    /// replaced by a signed commitment (告知承诺: the case proceeds without it).
    pub fn is_at_hand(self) -> bool {
        matches!(
            self,
            MaterialStatus::Provided | MaterialStatus::Shared | MaterialStatus::Commitment
        )
    }
}

impl fmt::Display for MaterialStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A material as the staff member ticked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialCheck {
    pub name: String,
    pub status: MaterialStatus,
}

/// The one-time notice (一次性告知): every required material of the item that
/// is not at hand, and every material marked missing — the whole list, never a
/// part of it. A shareable material is fetched by the hall (可共享免提交)
/// unless marked missing.
pub fn missing_materials(item: &Item, checks: &[MaterialCheck]) -> Vec<String> {
    let mut missing: Vec<String> = item
        .materials
        .iter()
        .filter(|m| m.required && !m.shareable)
        .filter(|m| !checks.iter().any(|c| c.name == m.name && c.status.is_at_hand()))
        .map(|m| m.name.clone())
        .collect();
    for c in checks.iter().filter(|c| c.status == MaterialStatus::Missing) {
        if !missing.contains(&c.name) {
            missing.push(c.name.clone());
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Material;

    #[test]
    fn handling_codes_round_trip() {
        for h in Handling::ALL {
            assert_eq!(Handling::parse(h.code()), Some(h));
            assert_eq!(serde_json::to_value(h).unwrap(), serde_json::json!(h.code()));
            assert_eq!(
                serde_json::from_value::<Handling>(serde_json::json!(h.code())).unwrap(),
                h
            );
            assert!(!h.label().is_empty());
        }
        assert_eq!(Handling::Immediate.label(), "即办件");
        assert_eq!(Handling::Unrecorded.code(), "");
        assert_eq!(Handling::parse("即办"), None);
        assert!(is_immediate(Handling::Immediate, 3) && is_immediate(Handling::Promised, 0));
        assert!(!is_immediate(Handling::Promised, 5) && !is_immediate(Handling::Bundle, 5));
    }

    #[test]
    fn applicant_kind_codes_round_trip() {
        for k in ApplicantKind::ALL {
            assert_eq!(ApplicantKind::parse(k.code()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.code()));
            assert!(!k.label().is_empty());
        }
        assert_eq!(ApplicantKind::Organisation.code(), "organisation");
        assert_eq!(ApplicantKind::Person.label(), "个人");
        assert_eq!(ApplicantKind::parse("company"), None);
    }

    #[test]
    fn material_status_codes_round_trip() {
        for s in MaterialStatus::ALL {
            assert_eq!(MaterialStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
            assert!(!s.label().is_empty());
        }
        assert_eq!(MaterialStatus::Shared.label(), "共享调取");
        assert_eq!(MaterialStatus::parse("lost"), None);
        // Stored as JSON in the case: the same text as before.
        let check = MaterialCheck {
            name: "申请书".into(),
            status: MaterialStatus::Provided,
        };
        assert_eq!(
            serde_json::to_string(&check).unwrap(),
            r#"{"name":"申请书","status":"provided"}"#
        );
        assert!(serde_json::from_str::<MaterialCheck>(r#"{"name":"x","status":"lost"}"#).is_err());
    }

    fn material(name: &str, required: bool, shareable: bool) -> Material {
        Material {
            name: name.into(),
            form: "原件".into(),
            copies: 1,
            required,
            shareable,
            commitment: false,
        }
    }

    #[test]
    fn the_one_time_notice_lists_everything_missing() {
        let item = Item {
            code: "SCJG-XK-001".into(),
            name: "食品经营许可".into(),
            department: "市场监督管理局".into(),
            kind: "行政许可".into(),
            handling: "承诺件".into(),
            statutory_days: Some(20),
            promised_days: 5,
            subject: "个人".into(),
            materials: vec![
                material("申请书", true, false),
                material("营业执照", true, true),
                material("平面图", true, false),
                material("说明", false, false),
            ],
            fee: "不收费".into(),
            online: "全程网办".into(),
            max_visits: 0,
            keywords: vec![],
            location: Default::default(),
            hours: Default::default(),
            phone: Default::default(),
            complaint_phone: Default::default(),
            legal_basis: Default::default(),
            steps: Default::default(),
        };
        assert_eq!(Handling::of_item(&item), Handling::Promised);
        let check = |name: &str, status| MaterialCheck {
            name: name.into(),
            status,
        };
        // Nothing ticked: every required material that is not shared.
        assert_eq!(missing_materials(&item, &[]), vec!["申请书", "平面图"]);
        let checks = [
            check("申请书", MaterialStatus::Provided),
            check("平面图", MaterialStatus::Shared),
            check("营业执照", MaterialStatus::Missing),
            check("说明", MaterialStatus::Missing),
        ];
        assert_eq!(missing_materials(&item, &checks), vec!["营业执照", "说明"]);
    }
}
