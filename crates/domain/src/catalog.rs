//! Service catalog (政务服务事项清单, 五公开): items, their materials,
//! departments and "one thing, one visit" bundles (一件事).
//!
//! Field names and values follow `shared/data/catalog.json` exactly, so an
//! export can be imported again unchanged.

mod validate;

pub use validate::{CatalogProblem, DepartmentPolicy, ValidatedCatalog, validate_catalog};

use serde::{Deserialize, Serialize};

/// A department stationed in the hall (进驻部门).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// Short code, the first part of its items' codes (SCJG).
    pub code: String,
    pub name: String,
}

impl Department {
    /// Whether the item with this code is the department's: its code's first
    /// part is the department's code (SCJG-XK-001 is SCJG's).
    pub fn owns_item(&self, item_code: &str) -> bool {
        item_code
            .split_once('-')
            .is_some_and(|(head, _)| head == self.code)
    }

    /// Whether people mean this department by `given`: its code (any case:
    /// SCJG, scjg) or its full name, as typed in a form, a query or a CSV column.
    pub fn is_named(&self, given: &str) -> bool {
        let given = given.trim();
        self.code.eq_ignore_ascii_case(given) || self.name == given
    }
}

/// A service item (政务服务事项).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    pub name: String,
    /// The responsible department's full name.
    pub department: String,
    /// 事项类型.
    pub kind: String,
    /// 即办件 or 承诺件.
    pub handling: String,
    /// 法定时限 in working days; `None` where no statutory limit applies.
    pub statutory_days: Option<u32>,
    /// 承诺时限 in working days; 0 for 即办件.
    pub promised_days: u32,
    /// 服务对象: 个人, 法人 or 个人,法人.
    pub subject: String,
    pub materials: Vec<Material>,
    /// 收费标准: 不收费 or the fee as the public sees it.
    pub fee: String,
    /// 网办深度: 全程网办, 网上预审 or 线下办理.
    pub online: String,
    /// 最多跑动次数.
    pub max_visits: u32,
    /// Everyday words citizens use for this item.
    pub keywords: Vec<String>,
    /// 办理地点 (the hall's area or window); empty: the hall's address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// 办理时间; empty: the hall's opening hours.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hours: String,
    /// 咨询电话; empty: the hall's enquiry line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    /// 监督投诉电话; empty: the hall's complaint line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub complaint_phone: String,
    /// 设定依据: the laws and articles the item rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
    /// 办理流程: the steps, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
}

/// A material the applicant submits (申请材料).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub name: String,
    /// 原件, 复印件, 原件及复印件 or 电子.
    pub form: String,
    pub copies: u32,
    pub required: bool,
    /// The hall fetches it by data sharing (可共享免提交).
    pub shareable: bool,
    /// 告知承诺: the applicant may sign a commitment instead of this proof
    /// (证明事项告知承诺制, 国办发〔2020〕42号). Absent in older files: false
    /// (and left out when false, so those files export as they were).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub commitment: bool,
}

/// A "one thing, one visit" bundle (一件事一次办).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub code: String,
    pub name: String,
    pub description: String,
    pub items: Vec<String>,
    pub promised_days: u32,
}

pub const KINDS: [&str; 6] = [
    "行政许可",
    "行政确认",
    "行政给付",
    "行政裁决",
    "其他行政权力",
    "公共服务",
];
pub const HANDLINGS: [&str; 2] = ["即办件", "承诺件"];
pub const SUBJECTS: [&str; 3] = ["个人", "法人", "个人,法人"];
pub const ONLINE_LEVELS: [&str; 3] = ["全程网办", "网上预审", "线下办理"];
pub const MATERIAL_FORMS: [&str; 4] = ["原件", "复印件", "原件及复印件", "电子"];

impl Item {
    pub fn is_immediate(&self) -> bool {
        self.handling == "即办件"
    }

    /// The department code an item code starts with (SCJG-XK-001 → SCJG).
    pub fn code_prefix(&self) -> &str {
        self.code.split('-').next().unwrap_or(&self.code)
    }
}

/// Serialises items or bundles as the reference files do (one-space indent),
/// so that an exported file compares equal to the imported one.
pub fn to_reference_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    value.serialize(&mut ser)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// What a guide's downloadable file is (办事指南附件).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// 空白表格: the form to fill in.
    BlankForm,
    /// 示范文本: a filled-in sample.
    Sample,
}

impl AttachmentKind {
    pub const ALL: [AttachmentKind; 2] = [AttachmentKind::BlankForm, AttachmentKind::Sample];

    pub fn code(self) -> &'static str {
        match self {
            AttachmentKind::BlankForm => "blank_form",
            AttachmentKind::Sample => "sample",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::BlankForm => "空白表格",
            AttachmentKind::Sample => "示范文本",
        }
    }

    pub fn parse(code: &str) -> Option<AttachmentKind> {
        AttachmentKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// The largest attachment a guide takes (5 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// The file type by its content, not its name: PDF or DOCX (a ZIP holding
/// `word/`); anything else is refused.
pub fn attachment_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        return Some(("application/pdf", "pdf"));
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    let word = bytes.windows(5).take(64 * 1024).any(|w| w == b"word/");
    if zip && word {
        return Some((
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ));
    }
    None
}

#[cfg(test)]
mod attachment_tests {
    use super::*;

    #[test]
    fn attachments_are_known_by_content() {
        assert_eq!(attachment_type(b"%PDF-1.7 ...").unwrap().1, "pdf");
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(b"....[Content_Types].xml....word/document.xml");
        assert_eq!(attachment_type(&docx).unwrap().1, "docx");
        assert!(attachment_type(b"PK\x03\x04 just a zip").is_none());
        assert!(attachment_type(b"MZ\x90 an exe named form.pdf").is_none());
        assert_eq!(AttachmentKind::parse("sample"), Some(AttachmentKind::Sample));
    }
}

#[cfg(test)]
mod department_tests {
    use super::*;

    #[test]
    fn a_department_owns_the_items_its_code_begins() {
        let d = Department {
            code: "GA".into(),
            name: "东海县公安局".into(),
        };
        assert!(d.owns_item("GA-QR-002"));
        assert!(!d.owns_item("GAX-QR-002"));
        assert!(!d.owns_item("SCJG-XK-001"));
        assert!(!d.owns_item("GA"));
        assert!(d.is_named("GA") && d.is_named("ga") && d.is_named(" 东海县公安局 "));
        assert!(!d.is_named("公安") && !d.is_named("GAX"));
    }
}
