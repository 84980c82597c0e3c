//! 证明事项告知承诺制 (国办发〔2020〕42号) and 数据共享、电子证照: which
//! material an applicant may replace by a signed commitment or have fetched
//! by data sharing, the verification (核查) due date and its outcomes, when a
//! decision may be revoked (撤销), the sharing sources and when a licence is
//! valid. Pure rules; the app applies them at acceptance.

use crate::WorkCalendar;
use crate::calendar::CalendarError;
use crate::catalog::Item;
use crate::identity::{IdNumber, Uscc, mask};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// The verification window by default (核查期限), in working days from
/// acceptance: the hall setting `cases.verification_days`.
pub const DEFAULT_VERIFICATION_DAYS: u32 = 20;
/// The longest note on an outcome or reason of a revocation.
pub const MAX_NOTE_CHARS: usize = 1000;

/// Why a material's claim (告知承诺 or 共享调取) is refused, naming the material.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClaimError {
    #[error("材料“{0}”不在该事项的材料清单中")]
    UnknownMaterial(String),
    #[error("材料“{0}”不适用告知承诺制，请提交证明材料")]
    NotCommittable(String),
    #[error("材料“{0}”不可共享调取，请提交材料")]
    NotShareable(String),
    #[error("材料“{0}”未在共享数据中查到申请人有效的证照，请提交材料")]
    NothingValid(String),
}

impl ClaimError {
    /// The material the refusal names.
    pub fn material(&self) -> &str {
        match self {
            ClaimError::UnknownMaterial(m)
            | ClaimError::NotCommittable(m)
            | ClaimError::NotShareable(m)
            | ClaimError::NothingValid(m) => m,
        }
    }
}

/// 告知承诺: the catalog must allow a commitment for this material of the item.
pub fn check_commitment(item: &Item, material: &str) -> Result<(), ClaimError> {
    match item.materials.iter().find(|m| m.name == material) {
        None => Err(ClaimError::UnknownMaterial(material.into())),
        Some(m) if !m.commitment => Err(ClaimError::NotCommittable(material.into())),
        Some(_) => Ok(()),
    }
}

/// 共享调取: the catalog must mark this material shareable (可共享免提交).
pub fn check_shareable(item: &Item, material: &str) -> Result<(), ClaimError> {
    match item.materials.iter().find(|m| m.name == material) {
        None => Err(ClaimError::UnknownMaterial(material.into())),
        Some(m) if !m.shareable => Err(ClaimError::NotShareable(material.into())),
        Some(_) => Ok(()),
    }
}

/// 核查期限: the `days`-th working day after acceptance (the acceptance day
/// is not counted), by the hall calendar.
pub fn verification_due(cal: &WorkCalendar, accepted_on: Date, days: u32) -> Result<Date, CalendarError> {
    cal.deadline(accepted_on, days)
}

/// Overdue: still pending after its due date.
pub fn is_overdue(status: VerificationStatus, due: Date, today: Date) -> bool {
    status == VerificationStatus::Pending && today > due
}

/// Where a verification task stands (核查状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// 待核查.
    Pending,
    /// 属实: the commitment was true.
    True,
    /// 不实: the commitment was false; a credit record follows.
    False,
}

impl VerificationStatus {
    pub const ALL: [VerificationStatus; 3] = [
        VerificationStatus::Pending,
        VerificationStatus::True,
        VerificationStatus::False,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VerificationStatus::Pending => "pending",
            VerificationStatus::True => "true",
            VerificationStatus::False => "false",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            VerificationStatus::Pending => "待核查",
            VerificationStatus::True => "属实",
            VerificationStatus::False => "不实",
        }
    }

    pub fn parse(code: &str) -> Option<VerificationStatus> {
        let code = code.trim();
        VerificationStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl fmt::Display for VerificationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What an outcome needs (核查结论): 属实 or 不实, once; 不实 with a note
/// saying what was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum OutcomeError {
    #[error("核查结论应为属实（true）或不实（false）")]
    NotAnOutcome,
    #[error("该承诺已核查，结论为“{0}”，不能再次记录")]
    AlreadyVerified(VerificationStatus),
    #[error("核查不实须写明核查情况")]
    NoteNeeded,
    #[error("说明不超过1000字")]
    TooLong,
}

/// Checks an outcome against the task's status.
pub fn check_outcome(
    current: VerificationStatus,
    outcome: VerificationStatus,
    note: &str,
) -> Result<(), OutcomeError> {
    if outcome == VerificationStatus::Pending {
        return Err(OutcomeError::NotAnOutcome);
    }
    if current != VerificationStatus::Pending {
        return Err(OutcomeError::AlreadyVerified(current));
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(OutcomeError::TooLong);
    }
    if outcome == VerificationStatus::False && note.trim().is_empty() {
        return Err(OutcomeError::NoteNeeded);
    }
    Ok(())
}

/// Why a decision may not be revoked (撤销).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RevokeError {
    #[error("只有核查不实的告知承诺办件才能撤销")]
    NoFalseCommitment,
    #[error("该办件尚未作出准予决定，无需撤销")]
    NotApproved,
    #[error("该办件的决定已撤销")]
    AlreadyRevoked,
    #[error("撤销须写明理由（不超过1000字）")]
    ReasonNeeded,
}

/// 撤销: a decision made on a commitment found false (核查不实) may be
/// revoked, once, with a reason (国办发〔2020〕42号: 依法撤销相关决定).
pub fn check_revoke(
    false_commitment: bool,
    approved: Option<bool>,
    revoked: bool,
    reason: &str,
) -> Result<(), RevokeError> {
    if !false_commitment {
        return Err(RevokeError::NoFalseCommitment);
    }
    if revoked {
        return Err(RevokeError::AlreadyRevoked);
    }
    if approved != Some(true) {
        return Err(RevokeError::NotApproved);
    }
    let n = reason.trim().chars().count();
    if n == 0 || n > MAX_NOTE_CHARS {
        return Err(RevokeError::ReasonNeeded);
    }
    Ok(())
}

/// A sharing source (共享数据源).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSource {
    /// 人口库: a person's identity, household register.
    Population,
    /// 法人库: an organisation's registration.
    LegalEntity,
    /// 电子证照库: licences and certificates.
    ELicence,
}

impl DataSource {
    pub const ALL: [DataSource; 3] = [
        DataSource::Population,
        DataSource::LegalEntity,
        DataSource::ELicence,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DataSource::Population => "population",
            DataSource::LegalEntity => "legal_entity",
            DataSource::ELicence => "e_licence",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DataSource::Population => "人口库",
            DataSource::LegalEntity => "法人库",
            DataSource::ELicence => "电子证照库",
        }
    }

    pub fn parse(code: &str) -> Option<DataSource> {
        let code = code.trim();
        DataSource::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Which source holds a record of this type for this kind of holder: a
    /// person's identity papers (身份证, 户口簿, 居住证) in 人口库, an
    /// organisation's registration (营业执照, 登记证书) in 法人库, every other
    /// licence in 电子证照库.
    pub fn for_record(holder: HolderKind, licence_type: &str) -> DataSource {
        const POPULATION: [&str; 4] = ["身份证", "户口", "居住证", "出生医学证明"];
        const LEGAL_ENTITY: [&str; 3] = ["营业执照", "登记证书", "统一社会信用代码"];
        match holder {
            HolderKind::Person if POPULATION.iter().any(|w| licence_type.contains(w)) => {
                DataSource::Population
            }
            HolderKind::Organisation if LEGAL_ENTITY.iter().any(|w| licence_type.contains(w)) => {
                DataSource::LegalEntity
            }
            _ => DataSource::ELicence,
        }
    }
}

impl fmt::Display for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Who answered a sharing lookup (数据来源渠道): the records the
/// administrator imported, or the province's data sharing exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharingProvider {
    /// 本地导入数据: the local reference records.
    Local,
    /// 共享交换平台: the province's exchange, through its front-end processor.
    Exchange,
}

impl SharingProvider {
    pub const ALL: [SharingProvider; 2] = [SharingProvider::Local, SharingProvider::Exchange];

    pub fn code(self) -> &'static str {
        match self {
            SharingProvider::Local => "local",
            SharingProvider::Exchange => "exchange",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SharingProvider::Local => "本地导入数据",
            SharingProvider::Exchange => "共享交换平台",
        }
    }

    pub fn parse(code: &str) -> Option<SharingProvider> {
        SharingProvider::ALL.into_iter().find(|p| p.code() == code.trim())
    }
}

/// Whom a licence belongs to: a person or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolderKind {
    Person,
    Organisation,
}

impl HolderKind {
    pub fn code(self) -> &'static str {
        match self {
            HolderKind::Person => "person",
            HolderKind::Organisation => "organisation",
        }
    }

    pub fn parse(code: &str) -> Option<HolderKind> {
        match code.trim() {
            "person" => Some(HolderKind::Person),
            "organisation" => Some(HolderKind::Organisation),
            _ => None,
        }
    }
}

/// A licence's holder, its number checked: 身份证号 or 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    Person(IdNumber),
    Organisation(Uscc),
}

impl Holder {
    /// A 身份证号 (18 characters with a valid check digit) or a 统一社会信用代码.
    pub fn parse(raw: &str, today: Date) -> Result<Holder, String> {
        let raw = raw.trim();
        match IdNumber::parse(raw, today) {
            Ok(id) => Ok(Holder::Person(id)),
            Err(id_error) => match Uscc::parse(raw) {
                Ok(code) => Ok(Holder::Organisation(code)),
                Err(uscc_error) => Err(format!(
                    "既不是有效的身份证号（{id_error}），也不是有效的统一社会信用代码（{uscc_error}）"
                )),
            },
        }
    }

    pub fn kind(&self) -> HolderKind {
        match self {
            Holder::Person(_) => HolderKind::Person,
            Holder::Organisation(_) => HolderKind::Organisation,
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Holder::Person(id) => id.as_str(),
            Holder::Organisation(code) => code.as_str(),
        }
    }

    /// The prefix of the keyed hash, the same a case uses for its applicant
    /// (`id` for a 身份证号, `uscc` for a code), so a licence is found by the
    /// case's own key.
    pub fn key_purpose(&self) -> &'static str {
        match self {
            Holder::Person(_) => "id",
            Holder::Organisation(_) => "uscc",
        }
    }

    /// As every list shows it.
    pub fn masked(&self) -> String {
        match self {
            Holder::Person(id) => id.masked(),
            Holder::Organisation(code) => mask(code.as_str(), 6, 4),
        }
    }
}

/// A licence is valid on `on` when it has no end or ends that day or later.
pub fn licence_valid(valid_until: Option<Date>, on: Date) -> bool {
    valid_until.is_none_or(|until| until >= on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Material;
    use jiff::civil::date;

    fn item() -> Item {
        let m = |name: &str, shareable: bool, commitment: bool| Material {
            name: name.into(),
            form: "原件".into(),
            copies: 1,
            required: true,
            shareable,
            commitment,
        };
        Item {
            code: "X-1".into(),
            name: "食品经营许可".into(),
            department: "市场监督管理局".into(),
            kind: "行政许可".into(),
            handling: "承诺件".into(),
            statutory_days: Some(20),
            promised_days: 5,
            subject: "个人".into(),
            materials: vec![
                m("申请书", false, false),
                m("营业执照", true, false),
                m("健康证明", false, true),
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
        }
    }

    #[test]
    fn only_a_material_the_catalog_allows_may_be_committed() {
        let item = item();
        assert_eq!(check_commitment(&item, "健康证明"), Ok(()));
        let e = check_commitment(&item, "申请书").unwrap_err();
        assert_eq!(e, ClaimError::NotCommittable("申请书".into()));
        assert!(e.to_string().contains("申请书"));
        assert_eq!(
            check_commitment(&item, "房产证"),
            Err(ClaimError::UnknownMaterial("房产证".into()))
        );
        assert_eq!(e.material(), "申请书");
    }

    #[test]
    fn only_a_shareable_material_may_be_fetched() {
        let item = item();
        assert_eq!(check_shareable(&item, "营业执照"), Ok(()));
        assert_eq!(
            check_shareable(&item, "健康证明"),
            Err(ClaimError::NotShareable("健康证明".into()))
        );
        assert!(
            ClaimError::NothingValid("营业执照".into())
                .to_string()
                .contains("营业执照")
        );
    }

    #[test]
    fn the_verification_is_due_the_nth_working_day_after_acceptance() {
        let cal = WorkCalendar::builtin();
        // Friday 2025-03-07: the 19th working day after is Thursday 04-03;
        // 清明 (04-04..06) is off, so the 20th is Monday 2025-04-07.
        let due = verification_due(&cal, date(2025, 3, 7), 20).unwrap();
        assert_eq!(due, date(2025, 4, 7));
        assert!(is_overdue(VerificationStatus::Pending, due, date(2025, 4, 8)));
        assert!(!is_overdue(VerificationStatus::Pending, due, due));
        assert!(!is_overdue(VerificationStatus::False, due, date(2025, 5, 1)));
    }

    #[test]
    fn an_outcome_is_recorded_once_and_a_false_one_says_why() {
        use VerificationStatus::*;
        assert_eq!(check_outcome(Pending, True, ""), Ok(()));
        assert_eq!(check_outcome(Pending, False, "  "), Err(OutcomeError::NoteNeeded));
        assert_eq!(check_outcome(Pending, False, "无此证明"), Ok(()));
        assert_eq!(
            check_outcome(Pending, Pending, ""),
            Err(OutcomeError::NotAnOutcome)
        );
        assert_eq!(
            check_outcome(True, False, "x"),
            Err(OutcomeError::AlreadyVerified(True))
        );
        assert_eq!(
            check_outcome(Pending, True, &"长".repeat(1001)),
            Err(OutcomeError::TooLong)
        );
        for s in VerificationStatus::ALL {
            assert_eq!(VerificationStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
        }
    }

    #[test]
    fn only_an_approved_decision_on_a_false_commitment_is_revoked_once_with_a_reason() {
        assert_eq!(check_revoke(true, Some(true), false, "承诺不实"), Ok(()));
        assert_eq!(
            check_revoke(false, Some(true), false, "x"),
            Err(RevokeError::NoFalseCommitment)
        );
        assert_eq!(
            check_revoke(true, None, false, "x"),
            Err(RevokeError::NotApproved)
        );
        assert_eq!(
            check_revoke(true, Some(false), false, "x"),
            Err(RevokeError::NotApproved)
        );
        assert_eq!(
            check_revoke(true, Some(true), true, "x"),
            Err(RevokeError::AlreadyRevoked)
        );
        assert_eq!(
            check_revoke(true, Some(true), false, " "),
            Err(RevokeError::ReasonNeeded)
        );
    }

    #[test]
    fn holders_are_checked_and_sources_follow_the_record() {
        let today = date(2025, 3, 7);
        let person = Holder::parse("11010519491231002X", today).unwrap();
        assert_eq!(person.kind(), HolderKind::Person);
        assert_eq!(person.key_purpose(), "id");
        assert!(!person.masked().contains("19491231"));
        let org = Holder::parse("91350100M000100Y43", today).unwrap();
        assert_eq!(org.kind(), HolderKind::Organisation);
        assert_eq!(org.key_purpose(), "uscc");
        assert!(Holder::parse("110105194912310021", today).is_err());
        assert!(Holder::parse("91350100M000100Y44", today).is_err());
        assert_eq!(
            DataSource::for_record(HolderKind::Person, "居民户口簿"),
            DataSource::Population
        );
        assert_eq!(
            DataSource::for_record(HolderKind::Organisation, "营业执照"),
            DataSource::LegalEntity
        );
        assert_eq!(
            DataSource::for_record(HolderKind::Person, "食品经营许可证"),
            DataSource::ELicence
        );
        for s in DataSource::ALL {
            assert_eq!(DataSource::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn a_licence_is_valid_through_its_last_day() {
        let d = date(2025, 3, 7);
        assert!(licence_valid(None, d));
        assert!(licence_valid(Some(d), d));
        assert!(!licence_valid(Some(date(2025, 3, 6)), d));
    }
}
