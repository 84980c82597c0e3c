//! 网上申报 (online application) and 预审 (pre-review): which items may be
//! applied for online, what an uploaded material may be (PDF, JPEG, PNG, known
//! by its first bytes, never by its name), the size limits, the one-time
//! notice of 补正, the application number and the result's delivery.

use crate::catalog::Item;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Where an application stands (申报状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// 已提交，待预审.
    Submitted,
    /// 待补正: the one-time notice went out; the applicant uploads again.
    Supplement,
    /// 已补正，待预审: back in the queue.
    Resubmitted,
    /// 预审通过，已受理: a case exists.
    Accepted,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 4] = [
        ApplicationStatus::Submitted,
        ApplicationStatus::Supplement,
        ApplicationStatus::Resubmitted,
        ApplicationStatus::Accepted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Supplement => "supplement",
            ApplicationStatus::Resubmitted => "resubmitted",
            ApplicationStatus::Accepted => "accepted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "已提交，待预审",
            ApplicationStatus::Supplement => "待补正",
            ApplicationStatus::Resubmitted => "已补正，待预审",
            ApplicationStatus::Accepted => "预审通过，已受理",
        }
    }

    pub fn parse(code: &str) -> Option<ApplicationStatus> {
        ApplicationStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// In the pre-review queue: staff may accept it or ask for 补正.
    pub fn awaits_review(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Submitted | ApplicationStatus::Resubmitted
        )
    }
}

/// How a material is supplied online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Supply {
    /// 上传: a file (PDF, JPEG or PNG).
    File,
    /// 告知承诺: a signed commitment instead of the proof.
    Commitment,
    /// 数据共享: fetched by the hall (电子证照).
    Shared,
}

impl Supply {
    pub const ALL: [Supply; 3] = [Supply::File, Supply::Commitment, Supply::Shared];

    pub fn code(self) -> &'static str {
        match self {
            Supply::File => "file",
            Supply::Commitment => "commitment",
            Supply::Shared => "shared",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Supply::File => "已上传",
            Supply::Commitment => "告知承诺",
            Supply::Shared => "数据共享",
        }
    }

    pub fn parse(code: &str) -> Option<Supply> {
        Supply::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// 结果送达方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// 窗口自取.
    Pickup,
    /// 邮寄送达 (with an address).
    Post,
}

impl Delivery {
    pub const ALL: [Delivery; 2] = [Delivery::Pickup, Delivery::Post];

    pub fn code(self) -> &'static str {
        match self {
            Delivery::Pickup => "pickup",
            Delivery::Post => "post",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::Pickup => "窗口自取",
            Delivery::Post => "邮寄送达",
        }
    }

    pub fn parse(code: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// 网办深度 that allow an online application: 全程网办 and 网上预审.
pub fn can_apply_online(item: &Item) -> bool {
    matches!(item.online.as_str(), "全程网办" | "网上预审")
}

/// The department of a 一件事 applied for online: no one department, all of
/// its items' in parallel (as the case family's parent says).
pub const BUNDLE_DEPARTMENT: &str = "多部门并联审批";

/// A 一件事 applied for online as one form (一表申请): its items' materials
/// once each (required where any item requires it; shareable or replaceable
/// by a commitment where any item allows it — the acceptance checks each item),
/// pre-reviewed (网上预审) as one application. `Err` names the first item that
/// cannot be applied for online.
pub fn bundle_as_one_form(bundle: &crate::catalog::Bundle, items: &[Item]) -> Result<Item, String> {
    let Some(first) = items.first() else {
        return Err(format!("一件事“{}”没有事项", bundle.name));
    };
    if let Some(offline) = items.iter().find(|i| !can_apply_online(i)) {
        return Err(format!(
            "一件事“{}”中的“{}”为{}事项，不能网上申报，请到大厅窗口办理",
            bundle.name, offline.name, offline.online
        ));
    }
    let mut materials: Vec<crate::catalog::Material> = Vec::new();
    for m in items.iter().flat_map(|i| i.materials.iter()) {
        match materials.iter_mut().find(|x| x.name == m.name) {
            Some(x) => {
                x.required |= m.required;
                x.shareable |= m.shareable;
                x.commitment |= m.commitment;
            }
            None => materials.push(m.clone()),
        }
    }
    Ok(Item {
        code: bundle.code.clone(),
        name: bundle.name.clone(),
        department: BUNDLE_DEPARTMENT.to_owned(),
        promised_days: bundle.promised_days,
        materials,
        online: "网上预审".to_owned(),
        keywords: Vec::new(),
        ..first.clone()
    })
}

/// The type of an uploaded material by its first bytes: PDF, JPEG or PNG;
/// anything else (whatever its name says) is `None`.
pub fn material_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// The file extension a download of `content_type` gets.
pub fn extension(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    }
}

/// Size limits of uploads (hall settings `cases.upload_file_mb`, `cases.upload_total_mb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub per_file: u64,
    pub total: u64,
}

impl UploadLimits {
    /// From whole megabytes (MiB).
    pub fn from_mb(per_file_mb: u32, total_mb: u32) -> UploadLimits {
        UploadLimits {
            per_file: u64::from(per_file_mb) * 1024 * 1024,
            total: u64::from(total_mb) * 1024 * 1024,
        }
    }
}

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("文件为空")]
    Empty,
    #[error("只接受 PDF、JPG 或 PNG 文件（按文件内容识别，改扩展名无效）")]
    WrongType,
    #[error("文件超过{}MB", mb(*.0))]
    TooLarge(u64),
    #[error("全部文件合计超过{}MB", mb(*.0))]
    TotalTooLarge(u64),
}

fn mb(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// One file: not empty, within the per-file limit, a PDF, JPEG or PNG by its
/// content. Answers its content type.
pub fn check_file(bytes: &[u8], limits: UploadLimits) -> Result<&'static str, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() as u64 > limits.per_file {
        return Err(UploadError::TooLarge(limits.per_file));
    }
    material_type(bytes).ok_or(UploadError::WrongType)
}

/// All files of one submission together within the total limit.
pub fn check_total(sizes: impl IntoIterator<Item = u64>, limits: UploadLimits) -> Result<(), UploadError> {
    let total = sizes.into_iter().fold(0u64, u64::saturating_add);
    if total > limits.total {
        Err(UploadError::TotalTooLarge(limits.total))
    } else {
        Ok(())
    }
}

/// The required materials of `item` that are not among `supplied` (names),
/// in the catalog's order: each must come as a file or with a status.
pub fn unsupplied(item: &Item, supplied: &[&str]) -> Vec<String> {
    item.materials
        .iter()
        .filter(|m| m.required && !supplied.contains(&m.name.as_str()))
        .map(|m| m.name.clone())
        .collect()
}

/// Whether `name` is one of the item's materials.
pub fn is_material_of(item: &Item, name: &str) -> bool {
    item.materials.iter().any(|m| m.name == name)
}

/// An application number (申报编号): hall code, `WS` (网上申报), the date of
/// submission and a daily sequence of at least four digits —
/// `DHWS20261206-0001`; apart from case numbers so neither is mistaken for the other.
pub fn application_number(hall_code: &str, date: Date, sequence: u32) -> String {
    format!(
        "{hall_code}WS{:04}{:02}{:02}-{sequence:04}",
        date.year(),
        date.month(),
        date.day()
    )
}

/// The number's prefix for the day (the store appends the sequence).
pub fn number_prefix(hall_code: &str, date: Date) -> String {
    let full = application_number(hall_code, date, 0);
    full[..full.len() - 4].to_owned()
}

/// A postal address for 邮寄送达: 8 to 200 characters, no line breaks or
/// control characters, and a house or building number somewhere (a digit or
/// 号/栋/室/幢), so a courier can find it.
pub fn check_address(raw: &str) -> Result<String, &'static str> {
    let a = raw.trim();
    let n = a.chars().count();
    if n < 8 {
        return Err("邮寄地址过短，请写明省市区（县）、街道和门牌号");
    }
    if n > 200 {
        return Err("邮寄地址不超过200个字");
    }
    if a.chars().any(char::is_control) {
        return Err("邮寄地址不能包含换行或控制字符");
    }
    if !a
        .chars()
        .any(|c| c.is_ascii_digit() || "号栋幢室楼组".contains(c))
    {
        return Err("邮寄地址须写明门牌号（如“人民路88号”）");
    }
    Ok(a.to_owned())
}

/// The one-time notice (一次性告知) of 补正: at least one material, each a
/// material of the item, named once; a note of at most 500 characters.
pub fn check_notice(item: &Item, missing: &[String], note: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for m in missing {
        let m = m.trim();
        if !is_material_of(item, m) {
            return Err(format!("“{m}”不是本事项的申请材料"));
        }
        if !out.iter().any(|o| o == m) {
            out.push(m.to_owned());
        }
    }
    if out.is_empty() {
        return Err("请勾选需要补正的材料".into());
    }
    if note.chars().count() > 500 {
        return Err("补正说明不超过500个字".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Material;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn item(online: &str) -> Item {
        let m = |name: &str, required: bool, shareable: bool| Material {
            name: name.into(),
            form: "原件".into(),
            copies: 1,
            required,
            shareable,
            commitment: false,
        };
        Item {
            code: "X-1".into(),
            name: "测试事项".into(),
            department: "东海县市场监督管理局".into(),
            kind: "行政许可".into(),
            handling: "承诺件".into(),
            statutory_days: Some(20),
            promised_days: 5,
            subject: "个人".into(),
            materials: vec![
                m("申请书", true, false),
                m("营业执照", true, true),
                m("委托书", false, false),
            ],
            fee: "不收费".into(),
            online: online.into(),
            max_visits: 0,
            keywords: vec![],
            location: String::new(),
            hours: String::new(),
            phone: String::new(),
            complaint_phone: String::new(),
            legal_basis: vec![],
            steps: vec![],
        }
    }

    #[test]
    fn a_bundle_is_one_form_with_each_material_once() {
        let a = item("全程网办");
        let mut b = item("网上预审");
        b.code = "X-2".into();
        b.name = "第二个事项".into();
        b.materials[2].required = true; // 委托书: optional in one, required in the other
        b.materials[1].commitment = true;
        let bundle = crate::catalog::Bundle {
            code: "YJS-X".into(),
            name: "测试一件事".into(),
            description: String::new(),
            items: vec!["X-1".into(), "X-2".into()],
            promised_days: 7,
        };
        let one = bundle_as_one_form(&bundle, &[a.clone(), b.clone()]).unwrap();
        assert_eq!((one.code.as_str(), one.promised_days), ("YJS-X", 7));
        assert_eq!(one.department, BUNDLE_DEPARTMENT);
        let names: Vec<&str> = one.materials.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["申请书", "营业执照", "委托书"]);
        assert!(one.materials[2].required && one.materials[1].commitment && one.materials[1].shareable);
        assert!(can_apply_online(&one));
        let offline = item("线下办理");
        let e = bundle_as_one_form(&bundle, &[a, offline]).unwrap_err();
        assert!(e.contains("线下办理"), "{e}");
        assert!(bundle_as_one_form(&bundle, &[]).is_err());
    }

    #[test]
    fn online_items() {
        assert!(can_apply_online(&item("全程网办")));
        assert!(can_apply_online(&item("网上预审")));
        assert!(!can_apply_online(&item("线下办理")));
    }

    #[test]
    fn types_by_content() {
        assert_eq!(material_type(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(material_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(material_type(b"\x89PNG\r\n\x1a\n"), Some("image/png"));
        assert_eq!(material_type(b"PK\x03\x04"), None, "a DOCX is no material");
        assert_eq!(material_type(b"%PDF"), None);
        assert_eq!(material_type(b"GIF89a"), None);
        assert_eq!(extension("image/png"), "png");
    }

    #[test]
    fn limits() {
        let l = UploadLimits {
            per_file: 10,
            total: 15,
        };
        assert_eq!(check_file(b"", l), Err(UploadError::Empty));
        assert_eq!(check_file(b"%PDF-12345", l), Ok("application/pdf"));
        assert_eq!(check_file(b"%PDF-123456", l), Err(UploadError::TooLarge(10)));
        assert_eq!(check_file(b"hello", l), Err(UploadError::WrongType));
        assert_eq!(check_total([10, 5], l), Ok(()));
        assert_eq!(check_total([10, 6], l), Err(UploadError::TotalTooLarge(15)));
        let mb = UploadLimits::from_mb(10, 50);
        assert_eq!(mb.per_file, 10 * 1024 * 1024);
        assert_eq!(UploadError::TooLarge(mb.per_file).to_string(), "文件超过10MB");
    }

    #[test]
    fn required_materials_and_notice() {
        let it = item("全程网办");
        assert_eq!(unsupplied(&it, &["申请书"]), vec!["营业执照".to_owned()]);
        assert!(unsupplied(&it, &["申请书", "营业执照"]).is_empty());
        assert_eq!(
            check_notice(&it, &["申请书".into(), " 申请书 ".into()], "请盖章"),
            Ok(vec!["申请书".to_owned()])
        );
        assert!(check_notice(&it, &[], "").is_err());
        assert!(
            check_notice(&it, &["户口簿".into()], "")
                .unwrap_err()
                .contains("户口簿")
        );
        assert!(check_notice(&it, &["申请书".into()], &"长".repeat(501)).is_err());
    }

    #[test]
    fn numbers_and_addresses() {
        assert_eq!(
            application_number("DH", date(2026, 12, 6), 1),
            "DHWS20261206-0001"
        );
        assert_eq!(
            application_number("DH", date(2026, 12, 6), 12345),
            "DHWS20261206-12345"
        );
        assert_eq!(number_prefix("DH", date(2026, 12, 6)), "DHWS20261206-");
        assert_eq!(
            check_address(" 江苏省东海县人民路88号 "),
            Ok("江苏省东海县人民路88号".into())
        );
        assert!(check_address("东海县").is_err());
        assert!(check_address("江苏省连云港市东海县人民路").is_err());
        assert!(check_address("江苏省东海县人民路88号\n3楼").is_err());
        assert_eq!(Delivery::parse("post"), Some(Delivery::Post));
        assert_eq!(
            ApplicationStatus::parse("resubmitted"),
            Some(ApplicationStatus::Resubmitted)
        );
        assert!(ApplicationStatus::Resubmitted.awaits_review());
        assert!(!ApplicationStatus::Supplement.awaits_review());
        assert_eq!(Supply::parse("commitment"), Some(Supply::Commitment));
    }

    proptest! {
        /// Whatever the bytes, a file is accepted only when it starts like a
        /// PDF, JPEG or PNG and is within the limit, and then as that type.
        #[test]
        fn the_type_is_the_content(bytes in proptest::collection::vec(any::<u8>(), 0..64), per_file in 1u64..80) {
            let limits = UploadLimits { per_file, total: u64::MAX };
            let known = bytes.starts_with(b"%PDF-")
                || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
                || bytes.starts_with(b"\x89PNG\r\n\x1a\n");
            match check_file(&bytes, limits) {
                Ok(t) => {
                    prop_assert!(known && !bytes.is_empty() && bytes.len() as u64 <= per_file);
                    prop_assert_eq!(Some(t), material_type(&bytes));
                }
                Err(UploadError::Empty) => prop_assert!(bytes.is_empty()),
                Err(UploadError::TooLarge(l)) => prop_assert!(bytes.len() as u64 > l),
                Err(UploadError::WrongType) => prop_assert!(!known && bytes.len() as u64 <= per_file),
                Err(UploadError::TotalTooLarge(_)) => prop_assert!(false),
            }
        }

        /// A known header followed by anything is still that type: a name or
        /// a trailing payload never changes what a file is.
        #[test]
        fn a_header_decides(tail in proptest::collection::vec(any::<u8>(), 0..64), which in 0usize..3) {
            let (head, t): (&[u8], &str) = [
                (&b"%PDF-"[..], "application/pdf"),
                (&[0xFF, 0xD8, 0xFF][..], "image/jpeg"),
                (&b"\x89PNG\r\n\x1a\n"[..], "image/png"),
            ][which];
            let mut bytes = head.to_vec();
            bytes.extend(&tail);
            prop_assert_eq!(material_type(&bytes), Some(t));
        }

        /// The total is refused exactly when the sizes add up past the limit.
        #[test]
        fn the_total_limit(sizes in proptest::collection::vec(0u64..1_000, 0..20), total in 0u64..10_000) {
            let limits = UploadLimits { per_file: u64::MAX, total };
            let sum: u64 = sizes.iter().sum();
            prop_assert_eq!(check_total(sizes.clone(), limits).is_ok(), sum <= total);
        }
    }
}
