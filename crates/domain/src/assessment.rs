//! 月度考核 (issue 16): the monthly score of every staff member, window and
//! department, computed from the records the hall already holds, each point
//! traceable to the record that caused it; 评星定档 (five star bands), the
//! one-vote veto (一票否决, [002]), the rotating red flag (流动红旗) and the
//! service stars (服务标兵).
//!
//! The scheme ([`Scheme`]) is data: the administrator edits it per year, and a
//! month is always scored with the version in force then. Points are kept in
//! hundredths ([`Centi`]) so that a total is exactly the sum of its parts.
//!
//! The default scheme (100 points, plus a capped bonus):
//!
//! | part | points | how |
//! | --- | ---: | --- |
//! | 群众评议 | 40 | 40 × satisfaction rate of the month's valid evaluations − 1 per valid 差评 (floor 0); none: the hall's rate |
//! | 办件效能 | 25 | 10 × on-time rate of the cases completed in the month + 15 × min(1, services ÷ the level's median) − 2 per overdue case (floor 0) |
//! | 督查 | 15 | 15 − the deductions of the month's inspections (an upheld contest cancels its deduction; floor 0) |
//! | 投诉 | 10 | 10 − 5 per substantiated complaint received in the month (floor 0) |
//! | 晨会与培训 | 5 | 3 × min(1, meetings ÷ weeks of the month) + 2 × exams passed ÷ exams taken (no exam: full) |
//! | 三评 | 5 | 5 × (党员互评 average and 领导点评, each out of 10, weighted 1:1) ÷ 10; none entered: 0.8 of the points |
//! | 创新加分 | ≤ 5 | the leader's bonuses with their reasons, summed and capped |
//!
//! Star bands (评星定档): ≥ 95 五星（优秀）, ≥ 90 四星（良好）, ≥ 80 三星（合格）,
//! ≥ 70 二星（基本合格）, below 一星（不合格）. A vetoed subject is 一星 whatever
//! its score, and is ranked after every subject that is not vetoed.

use crate::evaluation::Level as EvalLevel;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Points in hundredths: 96.35 points is `9635`.
pub type Centi = i64;

/// Hundredths of a point from a fraction of points, rounded half away from zero.
pub fn centi(points: f64) -> Centi {
    (points * 100.0).round() as Centi
}

/// A number of hundredths as points (96.35).
pub fn points(c: Centi) -> f64 {
    c as f64 / 100.0
}

/// "96.35", "100", "-2.5".
pub fn points_text(c: Centi) -> String {
    let s = format!("{:.2}", points(c));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

// ---------------------------------------------------------------- subjects

/// Who is assessed: a staff member, a window or a department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectLevel {
    Staff,
    Window,
    Department,
}

impl SubjectLevel {
    pub const ALL: [SubjectLevel; 3] = [
        SubjectLevel::Staff,
        SubjectLevel::Window,
        SubjectLevel::Department,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SubjectLevel::Staff => "staff",
            SubjectLevel::Window => "window",
            SubjectLevel::Department => "department",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SubjectLevel::Staff => "工作人员",
            SubjectLevel::Window => "窗口",
            SubjectLevel::Department => "部门",
        }
    }

    pub fn parse(code: &str) -> Option<SubjectLevel> {
        SubjectLevel::ALL.into_iter().find(|l| l.code() == code.trim())
    }
}

/// The parts of a score, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// 群众评议.
    Public,
    /// 办件效能.
    Efficiency,
    /// 督查.
    Supervision,
    /// 投诉.
    Complaints,
    /// 晨会与培训.
    Conduct,
    /// 三评 (党员互评、领导点评).
    Reviews,
    /// 创新加分.
    Bonus,
}

impl PartKind {
    pub const ALL: [PartKind; 7] = [
        PartKind::Public,
        PartKind::Efficiency,
        PartKind::Supervision,
        PartKind::Complaints,
        PartKind::Conduct,
        PartKind::Reviews,
        PartKind::Bonus,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PartKind::Public => "public",
            PartKind::Efficiency => "efficiency",
            PartKind::Supervision => "supervision",
            PartKind::Complaints => "complaints",
            PartKind::Conduct => "conduct",
            PartKind::Reviews => "reviews",
            PartKind::Bonus => "bonus",
        }
    }

    /// The name the API and the pages show.
    pub fn label(self) -> &'static str {
        match self {
            PartKind::Public => "群众评议",
            PartKind::Efficiency => "办件效能",
            PartKind::Supervision => "督查",
            PartKind::Complaints => "投诉",
            PartKind::Conduct => "晨会与培训",
            PartKind::Reviews => "三评",
            PartKind::Bonus => "创新加分",
        }
    }
}

/// The kind of record behind a point (the API's evidence `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Evaluation,
    Ticket,
    Case,
    Inspection,
    Complaint,
    Review,
    Meeting,
    Exam,
    Bonus,
    /// An imported row of historical evaluation counts.
    Import,
    /// A rectification (整改) finished late or not at all: a veto's evidence.
    Rectification,
    /// A serious breach or safety incident the leader recorded: a veto's evidence.
    Incident,
}

impl EvidenceKind {
    pub fn code(self) -> &'static str {
        match self {
            EvidenceKind::Evaluation => "evaluation",
            EvidenceKind::Ticket => "ticket",
            EvidenceKind::Case => "case",
            EvidenceKind::Inspection => "inspection",
            EvidenceKind::Complaint => "complaint",
            EvidenceKind::Review => "review",
            EvidenceKind::Meeting => "meeting",
            EvidenceKind::Exam => "exam",
            EvidenceKind::Bonus => "bonus",
            EvidenceKind::Import => "import",
            EvidenceKind::Rectification => "rectification",
            EvidenceKind::Incident => "incident",
        }
    }
}

/// One record behind a part or a veto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub id: Uuid,
}

impl Evidence {
    pub fn new(kind: EvidenceKind, id: Uuid) -> Evidence {
        Evidence { kind, id }
    }
}

// ---------------------------------------------------------------- the scheme

/// 群众评议.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicRule {
    /// Points at a 100% satisfaction rate.
    pub points: f64,
    /// Deducted per valid 差评.
    pub per_bad: f64,
}

/// 办件效能.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfficiencyRule {
    /// Points at a 100% on-time rate of the cases completed in the month.
    pub on_time_points: f64,
    /// Points at a volume of services at or above the level's median.
    pub volume_points: f64,
    /// Deducted per overdue case (completed late in the month, or open past its deadline).
    pub per_overdue: f64,
}

/// 督查 and 投诉: a base, less deductions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeductionRule {
    pub points: f64,
    /// Deducted per record (投诉: per substantiated complaint). Inspections
    /// deduct what their checklist items carry, and ignore this.
    pub per_record: f64,
}

/// 晨会与培训.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConductRule {
    /// Points when a meeting was held every week of the month ([000]: at least one a week).
    pub meeting_points: f64,
    /// Points when every exam taken in the month was passed (full when none was taken).
    pub exam_points: f64,
}

/// 三评: 党员互评 and 领导点评, each out of 10.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRule {
    pub points: f64,
    /// Weight of the peers' average against the leader's score (0..=1).
    pub peer_weight: f64,
    /// The share of the points given when no review was entered for the month.
    pub unreviewed_share: f64,
}

/// 创新加分.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BonusRule {
    /// The most a subject can gain in a month.
    pub cap: f64,
}

/// The lowest score of each star band (评星定档).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBands {
    pub five: f64,
    pub four: f64,
    pub three: f64,
    pub two: f64,
}

/// 流动红旗 and 服务标兵.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardRule {
    /// The fewest services in the month for a window (red flag) or a staff member (stars).
    pub min_volume: u64,
    /// How many service stars (服务标兵) a month names.
    pub stars: u32,
}

/// The scoring scheme (考核方案): every number the score uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub public: PublicRule,
    pub efficiency: EfficiencyRule,
    pub supervision: DeductionRule,
    pub complaints: DeductionRule,
    pub conduct: ConductRule,
    pub reviews: ReviewRule,
    pub bonus: BonusRule,
    pub grades: GradeBands,
    pub awards: AwardRule,
    /// Checklist item codes whose failure in an unannounced check (暗访) the
    /// administrator marks as serious: a veto.
    pub serious_check_items: Vec<String>,
}

impl Default for Scheme {
    fn default() -> Scheme {
        Scheme {
            public: PublicRule {
                points: 40.0,
                per_bad: 1.0,
            },
            efficiency: EfficiencyRule {
                on_time_points: 10.0,
                volume_points: 15.0,
                per_overdue: 2.0,
            },
            supervision: DeductionRule {
                points: 15.0,
                per_record: 0.0,
            },
            complaints: DeductionRule {
                points: 10.0,
                per_record: 5.0,
            },
            conduct: ConductRule {
                meeting_points: 3.0,
                exam_points: 2.0,
            },
            reviews: ReviewRule {
                points: 5.0,
                peer_weight: 0.5,
                unreviewed_share: 0.8,
            },
            bonus: BonusRule { cap: 5.0 },
            grades: GradeBands {
                five: 95.0,
                four: 90.0,
                three: 80.0,
                two: 70.0,
            },
            awards: AwardRule {
                min_volume: 30,
                stars: 3,
            },
            serious_check_items: Vec::new(),
        }
    }
}

/// Why a scheme cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SchemeError {
    /// The scheme's field at fault (`public.points`).
    pub field: &'static str,
    pub message: String,
}

impl Scheme {
    /// The points of the parts without the bonus: always 100.
    pub fn base_points(&self) -> Centi {
        centi(self.public.points)
            + centi(self.efficiency.on_time_points)
            + centi(self.efficiency.volume_points)
            + centi(self.supervision.points)
            + centi(self.complaints.points)
            + centi(self.conduct.meeting_points)
            + centi(self.conduct.exam_points)
            + centi(self.reviews.points)
    }

    /// Checks what an administrator saves: no negative or absurd number,
    /// the base parts summing to exactly 100, bands falling from five stars
    /// to two, shares within 0..1.
    pub fn validate(&self) -> Result<(), SchemeError> {
        let err = |field: &'static str, message: String| Err(SchemeError { field, message });
        let amounts: [(&'static str, f64, f64); 14] = [
            ("public.points", self.public.points, 100.0),
            ("public.per_bad", self.public.per_bad, 100.0),
            ("efficiency.on_time_points", self.efficiency.on_time_points, 100.0),
            ("efficiency.volume_points", self.efficiency.volume_points, 100.0),
            ("efficiency.per_overdue", self.efficiency.per_overdue, 100.0),
            ("supervision.points", self.supervision.points, 100.0),
            ("supervision.per_record", self.supervision.per_record, 100.0),
            ("complaints.points", self.complaints.points, 100.0),
            ("complaints.per_record", self.complaints.per_record, 100.0),
            ("conduct.meeting_points", self.conduct.meeting_points, 100.0),
            ("conduct.exam_points", self.conduct.exam_points, 100.0),
            ("reviews.points", self.reviews.points, 100.0),
            ("bonus.cap", self.bonus.cap, 20.0),
            ("reviews.peer_weight", self.reviews.peer_weight, 1.0),
        ];
        for (field, v, max) in amounts {
            if !v.is_finite() || v < 0.0 || v > max {
                return err(field, format!("{field}应在0到{max}之间"));
            }
        }
        let share = self.reviews.unreviewed_share;
        if !share.is_finite() || !(0.0..=1.0).contains(&share) {
            return err(
                "reviews.unreviewed_share",
                "未评议时的得分比例应在0到1之间".into(),
            );
        }
        if self.base_points() != 10_000 {
            return err(
                "public.points",
                format!(
                    "各部分基础分之和应为100分，现为{}分",
                    points_text(self.base_points())
                ),
            );
        }
        let g = &self.grades;
        let bands = [g.five, g.four, g.three, g.two];
        if bands
            .iter()
            .any(|b| !b.is_finite() || *b < 0.0 || *b > 100.0 + self.bonus.cap)
        {
            return err("grades.five", "星级分数线应在0到满分之间".into());
        }
        if !(g.five > g.four && g.four > g.three && g.three > g.two) {
            return err("grades.five", "星级分数线应从五星到二星依次降低".into());
        }
        if self.awards.min_volume > 100_000 {
            return err("awards.min_volume", "最低服务量不能超过100000件".into());
        }
        if self.awards.stars > 100 {
            return err("awards.stars", "服务标兵人数不能超过100".into());
        }
        if self.serious_check_items.len() > 100
            || self.serious_check_items.iter().any(|c| c.trim().is_empty())
        {
            return err("serious_check_items", "严重问题督查项目代码无效".into());
        }
        Ok(())
    }

    /// The star band of a score (not vetoed).
    pub fn grade_of(&self, score: Centi) -> Grade {
        let g = &self.grades;
        if score >= centi(g.five) {
            Grade::Five
        } else if score >= centi(g.four) {
            Grade::Four
        } else if score >= centi(g.three) {
            Grade::Three
        } else if score >= centi(g.two) {
            Grade::Two
        } else {
            Grade::One
        }
    }
}

/// A month (YYYY-MM) is scored with the latest version of its year's scheme
/// that took effect on or before it; with none, the latest of an earlier
/// month; with none at all, the default. `versions` are (effective month as
/// `YYYY-MM`, version number).
pub fn version_in_force<'a>(versions: &'a [(String, i64)], month: &str) -> Option<&'a (String, i64)> {
    versions
        .iter()
        .filter(|(from, _)| from.as_str() <= month)
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)))
}

/// 评星定档: one to five stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    One = 1,
    Two = 2,
    Three = 3,
    Four = 4,
    Five = 5,
}

impl Grade {
    pub fn stars(self) -> u8 {
        self as u8
    }

    pub fn from_stars(n: i64) -> Option<Grade> {
        match n {
            1 => Some(Grade::One),
            2 => Some(Grade::Two),
            3 => Some(Grade::Three),
            4 => Some(Grade::Four),
            5 => Some(Grade::Five),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Five => "五星（优秀）",
            Grade::Four => "四星（良好）",
            Grade::Three => "三星（合格）",
            Grade::Two => "二星（基本合格）",
            Grade::One => "一星（不合格）",
        }
    }

    /// ★★★☆☆
    pub fn symbols(self) -> String {
        let n = self.stars() as usize;
        format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
    }
}

// ---------------------------------------------------------------- the facts

/// Who works where: the subjects of a month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roster {
    pub staff: Vec<StaffMember>,
    pub windows: Vec<WindowInfo>,
    pub departments: Vec<DepartmentInfo>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    pub username: String,
    pub name: String,
    /// The department's full name, if the account has one.
    pub department: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WindowInfo {
    pub number: String,
    pub name: String,
    /// The full names of the departments whose items it serves.
    pub departments: Vec<String>,
    /// Usernames of the staff assigned to it.
    pub staff: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentInfo {
    pub code: String,
    pub name: String,
}

/// Who a record names; empty strings name nobody at that level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub staff: String,
    pub window: String,
    pub department: String,
}

impl Names {
    /// Whom a case's acceptance counts for as a service: a case accepted after a
    /// ticket is already that ticket's service at the window, so it counts for
    /// the department only; one accepted without a ticket counts for its clerk
    /// and window too.
    pub fn of_case_service(has_ticket: bool, staff: &str, window: &str, department: &str) -> Names {
        Names {
            staff: if has_ticket {
                String::new()
            } else {
                staff.to_owned()
            },
            window: if has_ticket {
                String::new()
            } else {
                window.to_owned()
            },
            department: department.to_owned(),
        }
    }

    fn at(&self, level: SubjectLevel) -> &str {
        match level {
            SubjectLevel::Staff => &self.staff,
            SubjectLevel::Window => &self.window,
            SubjectLevel::Department => &self.department,
        }
    }
}

/// Evaluations of the month alike in who they name, level and flags (one
/// evaluation, or a group of them): `weight` counts them all (an imported
/// row counts its weight).
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationFact {
    pub ids: Vec<Uuid>,
    pub names: Names,
    pub level: EvalLevel,
    pub weight: u64,
    pub imported: bool,
    pub excluded: bool,
}

/// A service counted in the volume: a finished ticket or an accepted case.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFact {
    pub kind: EvidenceKind,
    pub id: Uuid,
    pub names: Names,
}

/// How a case stands in the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CaseOutcome {
    /// Completed in the month by its deadline.
    OnTime,
    /// Completed in the month after its deadline.
    Late,
    /// Still open, past a deadline that fell in the month, and not paused.
    OpenOverdue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseFact {
    pub id: Uuid,
    pub names: Names,
    pub outcome: CaseOutcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InspectionFact {
    pub id: Uuid,
    pub window: String,
    pub department: String,
    pub staff: Vec<String>,
    /// The deduction that counts (none once a contest is upheld).
    pub deduction: f64,
    pub unannounced: bool,
    /// Failed checklist items (codes) that still stand.
    pub failed_items: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintKind {
    /// 态度（生冷硬横）.
    Attitude,
    /// 推诿、多次跑动 (为难群众).
    Shirking,
    Other,
}

/// A substantiated complaint received in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplaintFact {
    pub id: Uuid,
    pub number: String,
    pub names: Names,
    pub kind: ComplaintKind,
}

/// A morning meeting held in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingFact {
    pub id: Uuid,
    pub window: Option<String>,
    /// The department's full name, for a department's meeting.
    pub department: Option<String>,
    /// Host and attendees.
    pub people: Vec<String>,
}

/// An exam a staff member took in the month (passed at any attempt).
#[derive(Debug, Clone, PartialEq)]
pub struct ExamFact {
    pub id: Uuid,
    pub staff: String,
    pub passed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// 党员互评.
    Peer,
    /// 领导点评.
    Leader,
}

impl ReviewKind {
    pub const ALL: [ReviewKind; 2] = [ReviewKind::Peer, ReviewKind::Leader];

    pub fn code(self) -> &'static str {
        match self {
            ReviewKind::Peer => "peer",
            ReviewKind::Leader => "leader",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::Peer => "党员互评",
            ReviewKind::Leader => "领导点评",
        }
    }

    pub fn parse(code: &str) -> Option<ReviewKind> {
        ReviewKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// A review (0..=10) of a staff member for the month.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewFact {
    pub id: Uuid,
    pub staff: String,
    pub kind: ReviewKind,
    pub score: u8,
}

/// A leader's 创新加分 for the month.
#[derive(Debug, Clone, PartialEq)]
pub struct BonusFact {
    pub id: Uuid,
    pub level: SubjectLevel,
    pub subject: String,
    pub points: f64,
    pub reason: String,
}

/// A rectification due in the month and closed late, or still open past its due date.
#[derive(Debug, Clone, PartialEq)]
pub struct RectificationFact {
    pub id: Uuid,
    pub names: Names,
    /// Inspected staff (an inspection's rectification names several).
    pub more_staff: Vec<String>,
    pub closed_late: bool,
}

/// A red card of the month ruled 过错: a case overdue without a lawful pause or approved extension.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultCardFact {
    pub case_id: Uuid,
    pub case_number: String,
    pub names: Names,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// 严重违法违纪.
    Discipline,
    /// 安全事故.
    Safety,
}

impl IncidentKind {
    pub const ALL: [IncidentKind; 2] = [IncidentKind::Discipline, IncidentKind::Safety];

    pub fn code(self) -> &'static str {
        match self {
            IncidentKind::Discipline => "discipline",
            IncidentKind::Safety => "safety",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IncidentKind::Discipline => "严重违法违纪",
            IncidentKind::Safety => "安全事故",
        }
    }

    pub fn parse(code: &str) -> Option<IncidentKind> {
        IncidentKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// A serious breach or safety incident the leader recorded against a subject.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFact {
    pub id: Uuid,
    pub level: SubjectLevel,
    pub subject: String,
    pub kind: IncidentKind,
    pub description: String,
}

/// Everything a month's score reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Mondays in the month: the meetings required ([000]: one a week).
    pub weeks: u32,
    pub evaluations: Vec<EvaluationFact>,
    pub services: Vec<ServiceFact>,
    pub cases: Vec<CaseFact>,
    pub inspections: Vec<InspectionFact>,
    pub complaints: Vec<ComplaintFact>,
    pub meetings: Vec<MeetingFact>,
    pub exams: Vec<ExamFact>,
    pub reviews: Vec<ReviewFact>,
    pub bonuses: Vec<BonusFact>,
    pub rectifications: Vec<RectificationFact>,
    pub fault_cards: Vec<FaultCardFact>,
    pub incidents: Vec<IncidentFact>,
    // issue 18: facts counted in the database, without their evidence
    /// Services counted alike ([`ServiceFact`]s without their ids): the
    /// same volume, no evidence. For a score nobody reads the evidence of.
    pub counted_services: Vec<CountedService>,
    /// Cases counted alike ([`CaseFact`]s without their ids).
    pub counted_cases: Vec<CountedCase>,
}

// issue 18: facts counted in the database, without their evidence
/// `n` services with the same names (see [`Facts::counted_services`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CountedService {
    pub names: Names,
    pub n: u64,
}

/// `n` cases with the same names and outcome (see [`Facts::counted_cases`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CountedCase {
    pub names: Names,
    pub outcome: CaseOutcome,
    pub n: u64,
}

/// The Mondays of a month.
pub fn weeks_in_month(first: jiff::civil::Date) -> u32 {
    let last = first.last_of_month();
    let mut d = first;
    let mut n = 0;
    while d <= last {
        if d.weekday() == jiff::civil::Weekday::Monday {
            n += 1;
        }
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    n
}

// ---------------------------------------------------------------- the result

/// One part of a score, with the records behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub kind: PartKind,
    pub points: Centi,
    /// The part's full points (the cap, for the bonus).
    pub max: Centi,
    /// How the points came about, in words (满意率98.50%×40 − 差评1条×1).
    pub detail: String,
    pub evidence: Vec<Evidence>,
}

/// Why a subject is vetoed for the month (一票否决, [002]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VetoCause {
    /// 生冷硬横 or 为难群众, complained about and substantiated.
    Attitude,
    /// A rectification not completed on time.
    LateRectification,
    /// A case overdue without a lawful pause or approved extension.
    OverdueCase,
    /// A serious discipline breach recorded by the leader.
    Discipline,
    /// A safety incident recorded by the leader.
    Safety,
    /// An unannounced check failed on an item the administrator marks serious.
    SeriousCheck,
}

impl VetoCause {
    pub fn code(self) -> &'static str {
        match self {
            VetoCause::Attitude => "attitude",
            VetoCause::LateRectification => "late_rectification",
            VetoCause::OverdueCase => "overdue_case",
            VetoCause::Discipline => "discipline",
            VetoCause::Safety => "safety",
            VetoCause::SeriousCheck => "serious_check",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            VetoCause::Attitude => "生冷硬横、为难群众被投诉查实",
            VetoCause::LateRectification => "整改未按期完成",
            VetoCause::OverdueCase => "无正当理由超时办结",
            VetoCause::Discipline => "严重违法违纪",
            VetoCause::Safety => "安全事故",
            VetoCause::SeriousCheck => "明查暗访发现严重问题",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Veto {
    pub cause: VetoCause,
    /// The reason in a sentence, naming the record (投诉 TS20261103001 查实：态度（生冷硬横）).
    pub reason: String,
    pub evidence: Evidence,
}

/// One subject's month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub level: SubjectLevel,
    /// Username, window number or department name.
    pub subject: String,
    pub name: String,
    pub score: Centi,
    pub grade: Grade,
    /// 1 = best; vetoed subjects after every other; equal scores share a rank.
    pub rank: u32,
    pub vetoed: bool,
    pub vetoes: Vec<Veto>,
    pub parts: Vec<Part>,
    /// The satisfaction rate of the month's valid evaluations (tie-break).
    pub satisfaction: Option<f64>,
    /// Services in the month (tickets finished and cases accepted).
    pub volume: u64,
    /// The evaluations counted (valid, weights included).
    pub evaluations: u64,
}

impl Assessment {
    /// The score is the sum of its parts, always.
    pub fn parts_sum(&self) -> Centi {
        self.parts.iter().map(|p| p.points).sum()
    }
}

/// A month scored at every level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthScores {
    pub staff: Vec<Assessment>,
    pub windows: Vec<Assessment>,
    pub departments: Vec<Assessment>,
}

impl MonthScores {
    pub fn level(&self, level: SubjectLevel) -> &[Assessment] {
        match level {
            SubjectLevel::Staff => &self.staff,
            SubjectLevel::Window => &self.windows,
            SubjectLevel::Department => &self.departments,
        }
    }
}

// ---------------------------------------------------------------- scoring

#[derive(Default)]
struct Acc {
    tally: crate::evaluation::Tally,
    eval_evidence: Vec<Evidence>,
    volume: u64,
    volume_evidence: Vec<Evidence>,
    on_time: u64,
    late: u64,
    open_overdue: u64,
    case_evidence: Vec<Evidence>,
    deduction: f64,
    inspection_evidence: Vec<Evidence>,
    complaints: u64,
    complaint_evidence: Vec<Evidence>,
    meetings: u64,
    meeting_evidence: Vec<Evidence>,
    exams_taken: u64,
    exams_passed: u64,
    exam_evidence: Vec<Evidence>,
    bonus: f64,
    bonus_evidence: Vec<Evidence>,
    bonus_reasons: Vec<String>,
    vetoes: Vec<Veto>,
}

struct LevelAcc {
    level: SubjectLevel,
    order: Vec<(String, String)>,
    index: HashMap<String, usize>,
    accs: Vec<Acc>,
}

impl LevelAcc {
    fn new(level: SubjectLevel, subjects: Vec<(String, String)>) -> LevelAcc {
        let mut index = HashMap::with_capacity(subjects.len());
        let mut order = Vec::with_capacity(subjects.len());
        for (key, name) in subjects {
            if key.is_empty() || index.contains_key(&key) {
                continue;
            }
            index.insert(key.clone(), order.len());
            order.push((key, name));
        }
        let accs = order.iter().map(|_| Acc::default()).collect();
        LevelAcc {
            level,
            order,
            index,
            accs,
        }
    }

    fn get(&mut self, key: &str) -> Option<&mut Acc> {
        if key.is_empty() {
            return None;
        }
        let i = *self.index.get(key)?;
        self.accs.get_mut(i)
    }
}

fn fmt_rate(r: f64) -> String {
    format!("{:.2}%", r * 100.0)
}

/// Scores a month at every level: the subjects of the roster (and the
/// windows and staff the records name that the roster lacks), each part
/// with its evidence, the vetoes, the star bands and the ranks.
pub fn score_month(scheme: &Scheme, roster: &Roster, facts: &Facts) -> MonthScores {
    let mut staff = LevelAcc::new(
        SubjectLevel::Staff,
        roster
            .staff
            .iter()
            .map(|s| (s.username.clone(), s.name.clone()))
            .collect(),
    );
    let mut windows = LevelAcc::new(
        SubjectLevel::Window,
        roster
            .windows
            .iter()
            .map(|w| (w.number.clone(), w.name.clone()))
            .collect(),
    );
    let mut departments = LevelAcc::new(
        SubjectLevel::Department,
        roster
            .departments
            .iter()
            .map(|d| (d.name.clone(), d.name.clone()))
            .collect(),
    );
    let mut hall_tally = crate::evaluation::Tally::default();

    // Which windows serve a department, for its meetings.
    let window_departments: HashMap<&str, &[String]> = roster
        .windows
        .iter()
        .map(|w| (w.number.as_str(), w.departments.as_slice()))
        .collect();

    for e in &facts.evaluations {
        hall_tally.add(e.level, e.weight, e.excluded);
        let kind = if e.imported {
            EvidenceKind::Import
        } else {
            EvidenceKind::Evaluation
        };
        for lv in [&mut staff, &mut windows, &mut departments] {
            // Imported history counts for windows and departments, never for a person.
            if e.imported && lv.level == SubjectLevel::Staff {
                continue;
            }
            if let Some(a) = lv.get(e.names.at(lv.level)) {
                a.tally.add(e.level, e.weight, e.excluded);
                if !e.excluded {
                    a.eval_evidence
                        .extend(e.ids.iter().map(|id| Evidence::new(kind, *id)));
                }
            }
        }
    }
    for s in &facts.services {
        for lv in [&mut staff, &mut windows, &mut departments] {
            if let Some(a) = lv.get(s.names.at(lv.level)) {
                a.volume += 1;
                a.volume_evidence.push(Evidence::new(s.kind, s.id));
            }
        }
    }
    for c in &facts.cases {
        for lv in [&mut staff, &mut windows, &mut departments] {
            if let Some(a) = lv.get(c.names.at(lv.level)) {
                match c.outcome {
                    CaseOutcome::OnTime => a.on_time += 1,
                    CaseOutcome::Late => a.late += 1,
                    CaseOutcome::OpenOverdue => a.open_overdue += 1,
                }
                a.case_evidence.push(Evidence::new(EvidenceKind::Case, c.id));
            }
        }
    }
    // issue 18: facts counted in the database, without their evidence
    for s in &facts.counted_services {
        for lv in [&mut staff, &mut windows, &mut departments] {
            if let Some(a) = lv.get(s.names.at(lv.level)) {
                a.volume += s.n;
            }
        }
    }
    for c in &facts.counted_cases {
        for lv in [&mut staff, &mut windows, &mut departments] {
            if let Some(a) = lv.get(c.names.at(lv.level)) {
                match c.outcome {
                    CaseOutcome::OnTime => a.on_time += c.n,
                    CaseOutcome::Late => a.late += c.n,
                    CaseOutcome::OpenOverdue => a.open_overdue += c.n,
                }
            }
        }
    }
    let serious: HashSet<&str> = scheme.serious_check_items.iter().map(String::as_str).collect();
    for i in &facts.inspections {
        let ev = Evidence::new(EvidenceKind::Inspection, i.id);
        let serious_items: Vec<&str> = if i.unannounced {
            i.failed_items
                .iter()
                .map(String::as_str)
                .filter(|c| serious.contains(c))
                .collect()
        } else {
            Vec::new()
        };
        let apply = |a: &mut Acc| {
            a.deduction += i.deduction;
            a.inspection_evidence.push(ev);
            if !serious_items.is_empty() {
                a.vetoes.push(Veto {
                    cause: VetoCause::SeriousCheck,
                    reason: format!("明查暗访发现严重问题（{}）", serious_items.join("、")),
                    evidence: ev,
                });
            }
        };
        let mut seen = HashSet::new();
        for s in &i.staff {
            if seen.insert(s.as_str())
                && let Some(a) = staff.get(s)
            {
                apply(a);
            }
        }
        if let Some(a) = windows.get(&i.window) {
            apply(a);
        }
        if let Some(a) = departments.get(&i.department) {
            apply(a);
        }
    }
    for c in &facts.complaints {
        let ev = Evidence::new(EvidenceKind::Complaint, c.id);
        for lv in [&mut staff, &mut windows, &mut departments] {
            if let Some(a) = lv.get(c.names.at(lv.level)) {
                a.complaints += 1;
                a.complaint_evidence.push(ev);
                if matches!(c.kind, ComplaintKind::Attitude | ComplaintKind::Shirking) {
                    let what = match c.kind {
                        ComplaintKind::Attitude => "态度（生冷硬横）",
                        _ => "推诿、为难群众",
                    };
                    a.vetoes.push(Veto {
                        cause: VetoCause::Attitude,
                        reason: format!("投诉{}查实：{what}", c.number),
                        evidence: ev,
                    });
                }
            }
        }
    }
    for m in &facts.meetings {
        let ev = Evidence::new(EvidenceKind::Meeting, m.id);
        let mut seen = HashSet::new();
        for p in &m.people {
            if seen.insert(p.as_str())
                && let Some(a) = staff.get(p)
            {
                a.meetings += 1;
                a.meeting_evidence.push(ev);
            }
        }
        // A window's meeting counts for it and its departments; a
        // department's for the department and every window serving it.
        let mut window_keys: Vec<&str> = Vec::new();
        let mut department_keys: Vec<&str> = Vec::new();
        if let Some(w) = &m.window {
            window_keys.push(w);
            if let Some(ds) = window_departments.get(w.as_str()) {
                department_keys.extend(ds.iter().map(String::as_str));
            }
        }
        if let Some(d) = &m.department {
            department_keys.push(d);
            window_keys.extend(
                roster
                    .windows
                    .iter()
                    .filter(|w| w.departments.iter().any(|x| x == d))
                    .map(|w| w.number.as_str()),
            );
        }
        window_keys.sort_unstable();
        window_keys.dedup();
        department_keys.sort_unstable();
        department_keys.dedup();
        for w in window_keys {
            if let Some(a) = windows.get(w) {
                a.meetings += 1;
                a.meeting_evidence.push(ev);
            }
        }
        for d in department_keys {
            if let Some(a) = departments.get(d) {
                a.meetings += 1;
                a.meeting_evidence.push(ev);
            }
        }
    }
    // Exams and reviews are a person's; windows and departments take them
    // from their staff.
    let staff_windows: HashMap<&str, Vec<&str>> = {
        let mut m: HashMap<&str, Vec<&str>> = HashMap::new();
        for w in &roster.windows {
            for s in &w.staff {
                m.entry(s.as_str()).or_default().push(w.number.as_str());
            }
        }
        m
    };
    let staff_department: HashMap<&str, &str> = roster
        .staff
        .iter()
        .filter_map(|s| s.department.as_deref().map(|d| (s.username.as_str(), d)))
        .collect();
    for x in &facts.exams {
        let ev = Evidence::new(EvidenceKind::Exam, x.id);
        let apply = |a: &mut Acc| {
            a.exams_taken += 1;
            if x.passed {
                a.exams_passed += 1;
            }
            a.exam_evidence.push(ev);
        };
        if let Some(a) = staff.get(&x.staff) {
            apply(a);
        }
        for w in staff_windows.get(x.staff.as_str()).into_iter().flatten() {
            if let Some(a) = windows.get(w) {
                apply(a);
            }
        }
        if let Some(d) = staff_department.get(x.staff.as_str())
            && let Some(a) = departments.get(d)
        {
            apply(a);
        }
    }
    for b in &facts.bonuses {
        let lv = match b.level {
            SubjectLevel::Staff => &mut staff,
            SubjectLevel::Window => &mut windows,
            SubjectLevel::Department => &mut departments,
        };
        if let Some(a) = lv.get(&b.subject) {
            a.bonus += b.points;
            a.bonus_evidence.push(Evidence::new(EvidenceKind::Bonus, b.id));
            a.bonus_reasons.push(b.reason.clone());
        }
    }
    for r in &facts.rectifications {
        let ev = Evidence::new(EvidenceKind::Rectification, r.id);
        let reason = if r.closed_late {
            "整改逾期办结".to_owned()
        } else {
            "整改逾期未办结".to_owned()
        };
        let veto = Veto {
            cause: VetoCause::LateRectification,
            reason,
            evidence: ev,
        };
        let mut people: Vec<&str> = std::iter::once(r.names.staff.as_str())
            .chain(r.more_staff.iter().map(String::as_str))
            .collect();
        people.sort_unstable();
        people.dedup();
        for p in people {
            if let Some(a) = staff.get(p) {
                a.vetoes.push(veto.clone());
            }
        }
        if let Some(a) = windows.get(&r.names.window) {
            a.vetoes.push(veto.clone());
        }
        if let Some(a) = departments.get(&r.names.department) {
            a.vetoes.push(veto.clone());
        }
    }
    for c in &facts.fault_cards {
        let veto = Veto {
            cause: VetoCause::OverdueCase,
            reason: format!("办件{}超期，督查科认定过错（无正当理由超时办结）", c.case_number),
            evidence: Evidence::new(EvidenceKind::Case, c.case_id),
        };
        for lv in [&mut staff, &mut windows, &mut departments] {
            if let Some(a) = lv.get(c.names.at(lv.level)) {
                a.vetoes.push(veto.clone());
            }
        }
    }
    for i in &facts.incidents {
        let lv = match i.level {
            SubjectLevel::Staff => &mut staff,
            SubjectLevel::Window => &mut windows,
            SubjectLevel::Department => &mut departments,
        };
        if let Some(a) = lv.get(&i.subject) {
            a.vetoes.push(Veto {
                cause: match i.kind {
                    IncidentKind::Discipline => VetoCause::Discipline,
                    IncidentKind::Safety => VetoCause::Safety,
                },
                reason: format!("{}：{}", i.kind.label(), i.description),
                evidence: Evidence::new(EvidenceKind::Incident, i.id),
            });
        }
    }

    // 三评 per person, then per window and department from their staff.
    let reviews = review_shares(scheme, &facts.reviews);
    let hall_rate = hall_tally.rate();
    let staff_scores = finish_level(scheme, staff, hall_rate, facts.weeks, |key| {
        let (share, evidence, detail) = match reviews.get(key) {
            Some(r) => (r.share, r.evidence.clone(), r.detail.clone()),
            None => (
                scheme.reviews.unreviewed_share,
                Vec::new(),
                unreviewed_detail(scheme),
            ),
        };
        (share, evidence, detail)
    });
    let window_staff: HashMap<&str, &[String]> = roster
        .windows
        .iter()
        .map(|w| (w.number.as_str(), w.staff.as_slice()))
        .collect();
    let window_scores = finish_level(scheme, windows, hall_rate, facts.weeks, |key| {
        let people: Vec<&str> = window_staff
            .get(key)
            .map(|s| s.iter().map(String::as_str).collect())
            .unwrap_or_default();
        group_reviews(scheme, &reviews, &people)
    });
    let mut department_people: HashMap<&str, Vec<&str>> = HashMap::new();
    for s in &roster.staff {
        if let Some(d) = s.department.as_deref() {
            department_people.entry(d).or_default().push(s.username.as_str());
        }
    }
    let department_scores = finish_level(scheme, departments, hall_rate, facts.weeks, |key| {
        let people = department_people.get(key).cloned().unwrap_or_default();
        group_reviews(scheme, &reviews, &people)
    });
    MonthScores {
        staff: staff_scores,
        windows: window_scores,
        departments: department_scores,
    }
}

struct ReviewShare {
    share: f64,
    evidence: Vec<Evidence>,
    detail: String,
}

fn unreviewed_detail(scheme: &Scheme) -> String {
    format!(
        "本月未录入三评，按{:.0}%计",
        scheme.reviews.unreviewed_share * 100.0
    )
}

fn review_shares(scheme: &Scheme, reviews: &[ReviewFact]) -> HashMap<String, ReviewShare> {
    let mut by_staff: BTreeMap<&str, Vec<&ReviewFact>> = BTreeMap::new();
    for r in reviews {
        by_staff.entry(r.staff.as_str()).or_default().push(r);
    }
    by_staff
        .into_iter()
        .map(|(staff, rs)| {
            let avg = |k: ReviewKind| {
                let xs: Vec<f64> = rs
                    .iter()
                    .filter(|r| r.kind == k)
                    .map(|r| f64::from(r.score.min(10)))
                    .collect();
                if xs.is_empty() {
                    None
                } else {
                    Some(xs.iter().sum::<f64>() / xs.len() as f64)
                }
            };
            let peer = avg(ReviewKind::Peer);
            let leader = avg(ReviewKind::Leader);
            let w = scheme.reviews.peer_weight;
            let share = match (peer, leader) {
                (Some(p), Some(l)) => (p * w + l * (1.0 - w)) / 10.0,
                (Some(p), None) => p / 10.0,
                (None, Some(l)) => l / 10.0,
                (None, None) => scheme.reviews.unreviewed_share,
            };
            let mut parts = Vec::new();
            if let Some(p) = peer {
                parts.push(format!("党员互评平均{p:.1}分"));
            }
            if let Some(l) = leader {
                parts.push(format!("领导点评{l:.1}分"));
            }
            let mut evidence: Vec<Evidence> = rs
                .iter()
                .map(|r| Evidence::new(EvidenceKind::Review, r.id))
                .collect();
            evidence.sort();
            (
                staff.to_owned(),
                ReviewShare {
                    share,
                    evidence,
                    detail: format!("{}（满分10分）", parts.join("，")),
                },
            )
        })
        .collect()
}

fn group_reviews(
    scheme: &Scheme,
    reviews: &HashMap<String, ReviewShare>,
    people: &[&str],
) -> (f64, Vec<Evidence>, String) {
    if people.is_empty() {
        return (
            scheme.reviews.unreviewed_share,
            Vec::new(),
            unreviewed_detail(scheme),
        );
    }
    let mut total = 0.0;
    let mut evidence = Vec::new();
    let mut reviewed = 0usize;
    for p in people {
        match reviews.get(*p) {
            Some(r) => {
                total += r.share;
                evidence.extend(r.evidence.iter().copied());
                reviewed += 1;
            }
            None => total += scheme.reviews.unreviewed_share,
        }
    }
    (
        total / people.len() as f64,
        evidence,
        format!("{}名工作人员三评平均（{}人已评）", people.len(), reviewed),
    )
}

/// The median of the positive volumes (0 when no one served).
fn median_volume(accs: &[Acc]) -> f64 {
    let mut v: Vec<u64> = accs.iter().map(|a| a.volume).filter(|v| *v > 0).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

fn floor0(c: Centi) -> Centi {
    c.max(0)
}

fn finish_level(
    scheme: &Scheme,
    lv: LevelAcc,
    hall_rate: Option<f64>,
    weeks: u32,
    reviews_of: impl Fn(&str) -> (f64, Vec<Evidence>, String),
) -> Vec<Assessment> {
    let median = median_volume(&lv.accs);
    let level = lv.level;
    let mut out: Vec<Assessment> = lv
        .order
        .into_iter()
        .zip(lv.accs)
        .map(|((subject, name), mut a)| {
            let mut parts = Vec::with_capacity(7);

            // 群众评议
            let rate = a.tally.rate();
            let bad = a.tally.bad();
            let (used_rate, rate_detail) = match rate {
                Some(r) => (
                    r,
                    format!("满意率{}（有效评价{}条）", fmt_rate(r), a.tally.valid()),
                ),
                None => {
                    let r = hall_rate.unwrap_or(1.0);
                    (r, format!("本月无有效评价，按全厅满意率{}计", fmt_rate(r)))
                }
            };
            let public_max = centi(scheme.public.points);
            let public =
                floor0(centi(scheme.public.points * used_rate) - bad as Centi * centi(scheme.public.per_bad))
                    .min(public_max);
            let mut detail = format!("{rate_detail}×{}", points_text(public_max));
            if bad > 0 {
                detail.push_str(&format!(
                    " − 差评{bad}条×{}",
                    points_text(centi(scheme.public.per_bad))
                ));
            }
            a.eval_evidence.sort();
            parts.push(Part {
                kind: PartKind::Public,
                points: public,
                max: public_max,
                detail,
                evidence: std::mem::take(&mut a.eval_evidence),
            });

            // 办件效能
            let e = &scheme.efficiency;
            let completed = a.on_time + a.late;
            let on_time_share = if completed == 0 {
                1.0
            } else {
                a.on_time as f64 / completed as f64
            };
            let volume_share = if median <= 0.0 {
                1.0
            } else {
                (a.volume as f64 / median).min(1.0)
            };
            let overdue = a.late + a.open_overdue;
            let eff_max = centi(e.on_time_points) + centi(e.volume_points);
            let eff = floor0(
                centi(e.on_time_points * on_time_share) + centi(e.volume_points * volume_share)
                    - overdue as Centi * centi(e.per_overdue),
            )
            .min(eff_max);
            let mut detail = if completed == 0 {
                "本月无办结件，按时办结满分".to_owned()
            } else {
                format!("按时办结{}/{}件", a.on_time, completed)
            };
            detail.push_str(&format!("；服务量{}件，同级中位数{}件", a.volume, median));
            if overdue > 0 {
                detail.push_str(&format!(
                    "；超期{overdue}件×{}",
                    points_text(centi(e.per_overdue))
                ));
            }
            let mut evidence = std::mem::take(&mut a.case_evidence);
            evidence.append(&mut a.volume_evidence);
            evidence.sort();
            evidence.dedup();
            parts.push(Part {
                kind: PartKind::Efficiency,
                points: eff,
                max: eff_max,
                detail,
                evidence,
            });

            // 督查
            let sup_max = centi(scheme.supervision.points);
            let sup = floor0(sup_max - centi(a.deduction));
            a.inspection_evidence.sort();
            parts.push(Part {
                kind: PartKind::Supervision,
                points: sup,
                max: sup_max,
                detail: if a.inspection_evidence.is_empty() {
                    "本月无督查记录".into()
                } else {
                    format!(
                        "督查{}次，扣{}分",
                        a.inspection_evidence.len(),
                        points_text(centi(a.deduction))
                    )
                },
                evidence: std::mem::take(&mut a.inspection_evidence),
            });

            // 投诉
            let com_max = centi(scheme.complaints.points);
            let com = floor0(com_max - a.complaints as Centi * centi(scheme.complaints.per_record));
            a.complaint_evidence.sort();
            parts.push(Part {
                kind: PartKind::Complaints,
                points: com,
                max: com_max,
                detail: if a.complaints == 0 {
                    "本月无查实投诉".into()
                } else {
                    format!(
                        "查实投诉{}件×{}",
                        a.complaints,
                        points_text(centi(scheme.complaints.per_record))
                    )
                },
                evidence: std::mem::take(&mut a.complaint_evidence),
            });

            // 晨会与培训
            parts.push(conduct_part(&scheme.conduct, &mut a, weeks));

            // 三评
            let (share, mut evidence, detail) = reviews_of(&subject);
            evidence.sort();
            evidence.dedup();
            let rev_max = centi(scheme.reviews.points);
            parts.push(Part {
                kind: PartKind::Reviews,
                points: centi(scheme.reviews.points * share.clamp(0.0, 1.0)).min(rev_max),
                max: rev_max,
                detail,
                evidence,
            });

            // 创新加分
            let cap = centi(scheme.bonus.cap);
            let bonus = centi(a.bonus).clamp(0, cap);
            a.bonus_evidence.sort();
            parts.push(Part {
                kind: PartKind::Bonus,
                points: bonus,
                max: cap,
                detail: if a.bonus_reasons.is_empty() {
                    "本月无加分".into()
                } else if centi(a.bonus) > cap {
                    format!(
                        "{}（超过上限，按{}分计）",
                        a.bonus_reasons.join("；"),
                        points_text(cap)
                    )
                } else {
                    a.bonus_reasons.join("；")
                },
                evidence: std::mem::take(&mut a.bonus_evidence),
            });

            let score: Centi = parts.iter().map(|p| p.points).sum();
            a.vetoes
                .sort_by(|x, y| x.evidence.cmp(&y.evidence).then(x.reason.cmp(&y.reason)));
            a.vetoes.dedup();
            let vetoed = !a.vetoes.is_empty();
            Assessment {
                level,
                subject,
                name,
                score,
                grade: if vetoed {
                    Grade::One
                } else {
                    scheme.grade_of(score)
                },
                rank: 0,
                vetoed,
                vetoes: a.vetoes,
                parts,
                satisfaction: rate,
                volume: a.volume,
                evaluations: a.tally.valid(),
            }
        })
        .collect();
    rank(&mut out);
    out
}

/// 晨会与培训: meetings against the weeks of the month, exams passed.
fn conduct_part(c: &ConductRule, a: &mut Acc, weeks: u32) -> Part {
    let weeks = weeks.max(1);
    let meeting_share = (a.meetings as f64 / f64::from(weeks)).min(1.0);
    let exam_share = if a.exams_taken == 0 {
        1.0
    } else {
        a.exams_passed as f64 / a.exams_taken as f64
    };
    let max = centi(c.meeting_points) + centi(c.exam_points);
    let points = (centi(c.meeting_points * meeting_share) + centi(c.exam_points * exam_share)).min(max);
    let mut evidence = std::mem::take(&mut a.meeting_evidence);
    evidence.append(&mut a.exam_evidence);
    evidence.sort();
    evidence.dedup();
    let exams = if a.exams_taken == 0 {
        "本月无考试".to_owned()
    } else {
        format!("考试通过{}/{}", a.exams_passed, a.exams_taken)
    };
    Part {
        kind: PartKind::Conduct,
        points,
        max,
        detail: format!("晨会{}次/应{}次；{exams}", a.meetings, weeks),
        evidence,
    }
}

/// Orders a level: not vetoed first, by score (then satisfaction, volume,
/// subject); equal scores among the not vetoed (or among the vetoed) share a rank.
fn rank(items: &mut [Assessment]) {
    items.sort_by(|a, b| {
        a.vetoed
            .cmp(&b.vetoed)
            .then(b.score.cmp(&a.score))
            .then(cmp_rate(b.satisfaction, a.satisfaction))
            .then(b.volume.cmp(&a.volume))
            .then(a.subject.cmp(&b.subject))
    });
    let mut prev: Option<(bool, Centi)> = None;
    let mut current = 0u32;
    for (i, it) in items.iter_mut().enumerate() {
        if prev != Some((it.vetoed, it.score)) {
            current = i as u32 + 1;
            prev = Some((it.vetoed, it.score));
        }
        it.rank = current;
    }
}

fn cmp_rate(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    let key = |r: Option<f64>| r.map(|x| (x * 10_000.0).round() as i64).unwrap_or(-1);
    key(a).cmp(&key(b))
}

// ---------------------------------------------------------------- awards

/// A window or staff member in the running for the red flag or a star.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contender {
    pub subject: String,
    pub name: String,
    pub score: Centi,
    pub satisfaction: Option<f64>,
    pub volume: u64,
}

impl Contender {
    fn of(a: &Assessment) -> Contender {
        Contender {
            subject: a.subject.clone(),
            name: a.name.clone(),
            score: a.score,
            satisfaction: a.satisfaction,
            volume: a.volume,
        }
    }
}

/// Who gets the award(s), who came next and why, in sentences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AwardDecision {
    pub winners: Vec<Contender>,
    pub runner_up: Option<Contender>,
    pub reasons: Vec<String>,
}

fn describe(label: &str, c: &Contender) -> String {
    let name = if c.name.is_empty() || c.name == c.subject {
        String::new()
    } else {
        format!("（{}）", c.name)
    };
    format!(
        "{label}{}{name}得分{}，满意率{}，服务{}件",
        c.subject,
        points_text(c.score),
        crate::evaluation::percent(c.satisfaction),
        c.volume
    )
}

/// Why `b` ranks after `a` under the rule: score, then satisfaction, then volume.
fn why_after(a: &Contender, b: &Contender) -> String {
    if a.score != b.score {
        format!("得分低{}分", points_text(a.score - b.score))
    } else if cmp_rate(a.satisfaction, b.satisfaction) != std::cmp::Ordering::Equal {
        "同分，满意率较低".to_owned()
    } else if a.volume != b.volume {
        "同分同满意率，服务量较少".to_owned()
    } else {
        "得分、满意率、服务量均相同，按编号先后".to_owned()
    }
}

/// 流动红旗 (n = 1, windows) and 服务标兵 (n = the scheme's stars, staff):
/// the highest scores among those not vetoed that served at least
/// `min_volume`; ties broken by satisfaction, then volume (then the number
/// or username, so the choice is always the same).
pub fn choose_awards(items: &[Assessment], min_volume: u64, n: usize, label: &str) -> AwardDecision {
    let mut eligible: Vec<&Assessment> = items
        .iter()
        .filter(|a| !a.vetoed && a.volume >= min_volume)
        .collect();
    eligible.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(cmp_rate(b.satisfaction, a.satisfaction))
            .then(b.volume.cmp(&a.volume))
            .then(a.subject.cmp(&b.subject))
    });
    let winners: Vec<Contender> = eligible.iter().take(n).map(|a| Contender::of(a)).collect();
    let runner_up = eligible.get(n).map(|a| Contender::of(a));
    let mut reasons = Vec::new();
    for w in &winners {
        reasons.push(format!("{}：当选", describe(label, w)));
    }
    if let (Some(last), Some(r)) = (winners.last(), &runner_up) {
        reasons.push(format!("{}：次之（{}）", describe(label, r), why_after(last, r)));
    }
    if winners.is_empty() {
        reasons.push(format!(
            "本月没有符合条件的{label}（未被一票否决且服务量不少于{min_volume}件）"
        ));
    }
    // Those with a higher score than the last winner (or any score when
    // none won) who were left out, and why.
    let bar = winners.last().map(|w| w.score);
    let mut left_out: Vec<&Assessment> = items
        .iter()
        .filter(|a| (a.vetoed || a.volume < min_volume) && bar.is_none_or(|b| a.score >= b))
        .collect();
    left_out.sort_by(|a, b| b.score.cmp(&a.score).then(a.subject.cmp(&b.subject)));
    for a in left_out.into_iter().take(10) {
        let c = Contender::of(a);
        if a.vetoed {
            let why: Vec<&str> = a.vetoes.iter().map(|v| v.cause.label()).collect();
            reasons.push(format!(
                "{}，但本月被一票否决（{}），不参评",
                describe(label, &c),
                why.join("、")
            ));
        } else {
            reasons.push(format!(
                "{}，服务量未达最低{min_volume}件，不参评",
                describe(label, &c)
            ));
        }
    }
    AwardDecision {
        winners,
        runner_up,
        reasons,
    }
}

/// "优秀" three months running: five stars in each of the given grades
/// (this month's and the two before, newest first).
pub fn excellent_streak(grades: &[Option<Grade>]) -> bool {
    grades.len() >= 3 && grades.iter().take(3).all(|g| *g == Some(Grade::Five))
}

/// Checks a review's score (0..=10) and that no one rates themselves.
pub fn check_review(reviewer: &str, staff: &str, score: i64) -> Result<u8, SchemeError> {
    if reviewer.trim() == staff.trim() {
        return Err(SchemeError {
            field: "staff",
            message: "不能评议自己".into(),
        });
    }
    if !(0..=10).contains(&score) {
        return Err(SchemeError {
            field: "score",
            message: "评分应为0到10分".into(),
        });
    }
    Ok(score as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_after_a_ticket_counts_for_the_department_only() {
        let after_ticket = Names::of_case_service(true, "王芳", "3", "县公安局");
        assert_eq!(
            (after_ticket.staff.as_str(), after_ticket.window.as_str()),
            ("", "")
        );
        assert_eq!(after_ticket.department, "县公安局");
        let alone = Names::of_case_service(false, "王芳", "3", "县公安局");
        assert_eq!(
            (
                alone.staff.as_str(),
                alone.window.as_str(),
                alone.department.as_str()
            ),
            ("王芳", "3", "县公安局")
        );
    }
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn names(staff: &str, window: &str, department: &str) -> Names {
        Names {
            staff: staff.into(),
            window: window.into(),
            department: department.into(),
        }
    }

    fn roster() -> Roster {
        Roster {
            staff: vec![
                StaffMember {
                    username: "zhang".into(),
                    name: "张三".into(),
                    department: Some("市场监管局".into()),
                },
                StaffMember {
                    username: "li".into(),
                    name: "李四".into(),
                    department: Some("市场监管局".into()),
                },
            ],
            windows: vec![
                WindowInfo {
                    number: "1".into(),
                    name: "综合窗口".into(),
                    departments: vec!["市场监管局".into()],
                    staff: vec!["zhang".into()],
                },
                WindowInfo {
                    number: "2".into(),
                    name: "综合窗口".into(),
                    departments: vec!["市场监管局".into()],
                    staff: vec!["li".into()],
                },
            ],
            departments: vec![DepartmentInfo {
                code: "SCJG".into(),
                name: "市场监管局".into(),
            }],
        }
    }

    fn eval(n: u128, staff: &str, window: &str, level: EvalLevel) -> EvaluationFact {
        EvaluationFact {
            ids: vec![id(n)],
            names: names(staff, window, "市场监管局"),
            level,
            weight: 1,
            imported: false,
            excluded: false,
        }
    }

    fn part(a: &Assessment, kind: PartKind) -> &Part {
        a.parts.iter().find(|p| p.kind == kind).expect("part")
    }

    fn find<'a>(items: &'a [Assessment], subject: &str) -> &'a Assessment {
        items.iter().find(|a| a.subject == subject).expect("subject")
    }

    // issue 18: facts counted in the database, without their evidence
    #[test]
    fn counted_services_and_cases_score_as_the_records_less_their_evidence() {
        let mut records = Facts {
            weeks: 4,
            ..Facts::default()
        };
        let mut counted = records.clone();
        let outcomes = [CaseOutcome::OnTime, CaseOutcome::Late, CaseOutcome::OpenOverdue];
        let mut n = 0;
        for (who, window, services, cases) in
            [("zhang", "1", 37_u64, 5_u64), ("li", "2", 12, 9), ("", "", 4, 2)]
        {
            for s in 0..services {
                n += 1;
                let kind = if s % 3 == 0 {
                    EvidenceKind::Case
                } else {
                    EvidenceKind::Ticket
                };
                records.services.push(ServiceFact {
                    kind,
                    id: id(n),
                    names: names(who, window, "市场监管局"),
                });
            }
            counted.counted_services.push(CountedService {
                names: names(who, window, "市场监管局"),
                n: services,
            });
            for (k, outcome) in outcomes.iter().enumerate() {
                let alike = cases + k as u64;
                for _ in 0..alike {
                    n += 1;
                    records.cases.push(CaseFact {
                        id: id(n),
                        names: names(who, window, "市场监管局"),
                        outcome: *outcome,
                    });
                }
                counted.counted_cases.push(CountedCase {
                    names: names(who, window, "市场监管局"),
                    outcome: *outcome,
                    n: alike,
                });
            }
        }
        for k in 0..20 {
            let level = if k % 7 == 0 {
                EvalLevel::Dissatisfied
            } else {
                EvalLevel::Satisfied
            };
            let e = eval(
                1000 + k,
                if k % 2 == 0 { "zhang" } else { "li" },
                if k % 2 == 0 { "1" } else { "2" },
                level,
            );
            records.evaluations.push(e.clone());
            counted.evaluations.push(e);
        }
        let strip = |mut m: MonthScores| {
            for a in m
                .staff
                .iter_mut()
                .chain(m.windows.iter_mut())
                .chain(m.departments.iter_mut())
            {
                for p in &mut a.parts {
                    p.evidence.clear();
                }
            }
            m
        };
        let a = strip(score_month(&Scheme::default(), &roster(), &records));
        let b = strip(score_month(&Scheme::default(), &roster(), &counted));
        assert!(a.staff.iter().any(|x| x.volume > 0 && x.score != 0));
        assert_eq!(a, b);
    }

    #[test]
    fn the_default_scheme_is_valid_and_its_parts_make_100() {
        let s = Scheme::default();
        assert_eq!(s.base_points(), 10_000);
        assert_eq!(s.validate(), Ok(()));
        let mut bad = s.clone();
        bad.public.points = 50.0;
        assert_eq!(bad.validate().map_err(|e| e.field), Err("public.points"));
        let mut bad = s.clone();
        bad.grades.four = 96.0;
        assert!(bad.validate().is_err());
        let mut bad = s;
        bad.reviews.unreviewed_share = 1.5;
        assert!(bad.validate().is_err());
    }

    #[test]
    fn grades_follow_the_bands() {
        let s = Scheme::default();
        assert_eq!(s.grade_of(9500), Grade::Five);
        assert_eq!(s.grade_of(9499), Grade::Four);
        assert_eq!(s.grade_of(9000), Grade::Four);
        assert_eq!(s.grade_of(8000), Grade::Three);
        assert_eq!(s.grade_of(7000), Grade::Two);
        assert_eq!(s.grade_of(6999), Grade::One);
        assert_eq!(Grade::Three.symbols(), "★★★☆☆");
    }

    #[test]
    fn the_public_part_is_the_rate_times_its_points_less_each_bad_review() {
        let mut facts = Facts {
            weeks: 4,
            ..Facts::default()
        };
        for n in 0..98 {
            facts
                .evaluations
                .push(eval(n, "zhang", "1", EvalLevel::Satisfied));
        }
        facts
            .evaluations
            .push(eval(98, "zhang", "1", EvalLevel::Dissatisfied));
        facts
            .evaluations
            .push(eval(99, "zhang", "1", EvalLevel::VeryDissatisfied));
        let m = score_month(&Scheme::default(), &roster(), &facts);
        let z = find(&m.staff, "zhang");
        // 40 × 98% − 2 × 1 = 37.2
        assert_eq!(part(z, PartKind::Public).points, 3720);
        assert_eq!(part(z, PartKind::Public).evidence.len(), 100);
        // Li has none: the hall's rate (98%) without deductions.
        assert_eq!(part(find(&m.staff, "li"), PartKind::Public).points, 3920);
        assert!(
            part(find(&m.staff, "li"), PartKind::Public)
                .detail
                .contains("全厅满意率")
        );
    }

    #[test]
    fn parts_are_rounded_to_hundredths_half_up() {
        let mut facts = Facts {
            weeks: 4,
            ..Facts::default()
        };
        // 2 of 3 satisfied: the rate rounds to 66.67%, × 40 = 26.668 → 26.67, less 1 差评.
        facts
            .evaluations
            .push(eval(1, "zhang", "1", EvalLevel::Satisfied));
        facts.evaluations.push(eval(2, "zhang", "1", EvalLevel::Basic));
        facts
            .evaluations
            .push(eval(3, "zhang", "1", EvalLevel::Dissatisfied));
        let m = score_month(&Scheme::default(), &roster(), &facts);
        assert_eq!(part(find(&m.staff, "zhang"), PartKind::Public).points, 2567);
        assert_eq!(centi(0.125), 13);
        assert_eq!(points_text(9635), "96.35");
        assert_eq!(points_text(10000), "100");
        assert_eq!(points_text(-250), "-2.5");
    }

    #[test]
    fn imported_counts_count_for_windows_and_departments_not_for_staff() {
        let facts = Facts {
            weeks: 4,
            evaluations: vec![EvaluationFact {
                ids: vec![id(7)],
                names: names("zhang", "1", "市场监管局"),
                level: EvalLevel::VeryDissatisfied,
                weight: 10,
                imported: true,
                excluded: false,
            }],
            ..Facts::default()
        };
        let m = score_month(&Scheme::default(), &roster(), &facts);
        let w = find(&m.windows, "1");
        assert_eq!(w.evaluations, 10);
        assert_eq!(part(w, PartKind::Public).points, 0);
        assert_eq!(
            part(w, PartKind::Public).evidence,
            vec![Evidence::new(EvidenceKind::Import, id(7))]
        );
        assert_eq!(find(&m.departments, "市场监管局").evaluations, 10);
        assert_eq!(find(&m.staff, "zhang").evaluations, 0);
    }

    #[test]
    fn deductions_stop_at_zero_and_the_bonus_at_its_cap() {
        let facts = Facts {
            weeks: 4,
            inspections: vec![InspectionFact {
                id: id(1),
                window: "1".into(),
                department: "市场监管局".into(),
                staff: vec!["zhang".into(), "zhang".into()],
                deduction: 18.5,
                unannounced: false,
                failed_items: vec!["attire".into()],
            }],
            complaints: (0..3)
                .map(|n| ComplaintFact {
                    id: id(10 + n),
                    number: format!("TS{n}"),
                    names: names("zhang", "1", "市场监管局"),
                    kind: ComplaintKind::Other,
                })
                .collect(),
            bonuses: vec![
                BonusFact {
                    id: id(20),
                    level: SubjectLevel::Staff,
                    subject: "zhang".into(),
                    points: 3.0,
                    reason: "帮办代办创新".into(),
                },
                BonusFact {
                    id: id(21),
                    level: SubjectLevel::Staff,
                    subject: "zhang".into(),
                    points: 4.0,
                    reason: "群众来信表扬".into(),
                },
            ],
            ..Facts::default()
        };
        let m = score_month(&Scheme::default(), &roster(), &facts);
        let z = find(&m.staff, "zhang");
        assert_eq!(part(z, PartKind::Supervision).points, 0);
        // The inspection names Zhang twice: deducted once.
        assert_eq!(part(z, PartKind::Supervision).evidence.len(), 1);
        assert_eq!(part(z, PartKind::Complaints).points, 0);
        assert_eq!(part(z, PartKind::Bonus).points, 500);
        assert!(part(z, PartKind::Bonus).detail.contains("超过上限"));
        assert_eq!(part(find(&m.windows, "1"), PartKind::Supervision).points, 0);
        assert_eq!(part(find(&m.windows, "2"), PartKind::Supervision).points, 1500);
        assert!(!z.vetoed);
    }

    #[test]
    fn efficiency_weighs_on_time_cases_volume_against_the_median_and_overdue_cases() {
        let mut facts = Facts {
            weeks: 4,
            ..Facts::default()
        };
        for n in 0..40 {
            facts.services.push(ServiceFact {
                kind: EvidenceKind::Ticket,
                id: id(n),
                names: names("zhang", "1", ""),
            });
        }
        for n in 40..60 {
            facts.services.push(ServiceFact {
                kind: EvidenceKind::Ticket,
                id: id(n),
                names: names("li", "2", ""),
            });
        }
        facts.cases.push(CaseFact {
            id: id(100),
            names: names("li", "2", "市场监管局"),
            outcome: CaseOutcome::OnTime,
        });
        facts.cases.push(CaseFact {
            id: id(101),
            names: names("li", "2", "市场监管局"),
            outcome: CaseOutcome::Late,
        });
        let m = score_month(&Scheme::default(), &roster(), &facts);
        // Median of 40 and 20 is 30: Zhang full volume, no cases: 25.
        assert_eq!(part(find(&m.staff, "zhang"), PartKind::Efficiency).points, 2500);
        // Li: 10 × 1/2 + 15 × 20/30 − 2 = 13.
        let li = part(find(&m.staff, "li"), PartKind::Efficiency);
        assert_eq!(li.points, 1300);
        assert_eq!(li.evidence.len(), 22);
    }

    #[test]
    fn meetings_count_against_the_weeks_and_failed_exams_cost_their_share() {
        let facts = Facts {
            weeks: 4,
            meetings: vec![
                MeetingFact {
                    id: id(1),
                    window: Some("1".into()),
                    department: None,
                    people: vec!["zhang".into()],
                },
                MeetingFact {
                    id: id(2),
                    window: None,
                    department: Some("市场监管局".into()),
                    people: vec!["zhang".into(), "li".into()],
                },
            ],
            exams: vec![
                ExamFact {
                    id: id(3),
                    staff: "li".into(),
                    passed: false,
                },
                ExamFact {
                    id: id(4),
                    staff: "li".into(),
                    passed: true,
                },
            ],
            ..Facts::default()
        };
        let m = score_month(&Scheme::default(), &roster(), &facts);
        // Zhang: 2 of 4 weeks × 3 + 2 = 3.5.
        assert_eq!(part(find(&m.staff, "zhang"), PartKind::Conduct).points, 350);
        // Li: 1 of 4 × 3 = 0.75 + 2 × 1/2 = 1.75.
        assert_eq!(part(find(&m.staff, "li"), PartKind::Conduct).points, 175);
        // Window 1: its own and its department's meeting; window 2 the department's.
        assert_eq!(part(find(&m.windows, "1"), PartKind::Conduct).points, 350);
        assert_eq!(part(find(&m.windows, "2"), PartKind::Conduct).points, 175);
        assert_eq!(
            part(find(&m.departments, "市场监管局"), PartKind::Conduct)
                .evidence
                .len(),
            4
        );
    }

    #[test]
    fn reviews_weigh_peers_and_the_leader_and_default_when_none() {
        let facts = Facts {
            weeks: 4,
            reviews: vec![
                ReviewFact {
                    id: id(1),
                    staff: "zhang".into(),
                    kind: ReviewKind::Peer,
                    score: 8,
                },
                ReviewFact {
                    id: id(2),
                    staff: "zhang".into(),
                    kind: ReviewKind::Peer,
                    score: 10,
                },
                ReviewFact {
                    id: id(3),
                    staff: "zhang".into(),
                    kind: ReviewKind::Leader,
                    score: 6,
                },
            ],
            ..Facts::default()
        };
        let m = score_month(&Scheme::default(), &roster(), &facts);
        // (9 × 0.5 + 6 × 0.5) / 10 × 5 = 3.75
        let z = part(find(&m.staff, "zhang"), PartKind::Reviews);
        assert_eq!(z.points, 375);
        assert_eq!(z.evidence.len(), 3);
        assert_eq!(part(find(&m.staff, "li"), PartKind::Reviews).points, 400);
        // The department: the mean of its two staff (0.75 and 0.8).
        assert_eq!(
            part(find(&m.departments, "市场监管局"), PartKind::Reviews).points,
            388
        );
        assert_eq!(
            check_review("zhang", "zhang", 8).map_err(|e| e.field),
            Err("staff")
        );
        assert_eq!(check_review("li", "zhang", 11).map_err(|e| e.field), Err("score"));
        assert_eq!(check_review("li", "zhang", 10), Ok(10));
    }

    #[test]
    fn each_veto_cause_vetoes_the_subjects_its_record_names() {
        let mut scheme = Scheme {
            serious_check_items: vec!["absent".into()],
            ..Scheme::default()
        };
        let facts = Facts {
            weeks: 4,
            complaints: vec![ComplaintFact {
                id: id(1),
                number: "TS001".into(),
                names: names("", "1", "市场监管局"),
                kind: ComplaintKind::Attitude,
            }],
            rectifications: vec![RectificationFact {
                id: id(2),
                names: names("", "2", ""),
                more_staff: vec![],
                closed_late: true,
            }],
            fault_cards: vec![FaultCardFact {
                case_id: id(3),
                case_number: "BJ001".into(),
                names: names("li", "", ""),
            }],
            incidents: vec![IncidentFact {
                id: id(4),
                level: SubjectLevel::Staff,
                subject: "zhang".into(),
                kind: IncidentKind::Safety,
                description: "消防通道堵塞".into(),
            }],
            inspections: vec![InspectionFact {
                id: id(5),
                window: "2".into(),
                department: String::new(),
                staff: vec![],
                deduction: 2.0,
                unannounced: true,
                failed_items: vec!["absent".into()],
            }],
            ..Facts::default()
        };
        let m = score_month(&scheme, &roster(), &facts);
        let w1 = find(&m.windows, "1");
        assert!(w1.vetoed);
        assert_eq!(w1.grade, Grade::One);
        assert_eq!(w1.vetoes[0].cause, VetoCause::Attitude);
        assert_eq!(
            w1.vetoes[0].evidence,
            Evidence::new(EvidenceKind::Complaint, id(1))
        );
        assert!(find(&m.departments, "市场监管局").vetoed);
        let w2 = find(&m.windows, "2");
        let causes: Vec<VetoCause> = w2.vetoes.iter().map(|v| v.cause).collect();
        assert!(causes.contains(&VetoCause::LateRectification) && causes.contains(&VetoCause::SeriousCheck));
        assert_eq!(find(&m.staff, "li").vetoes[0].cause, VetoCause::OverdueCase);
        assert_eq!(find(&m.staff, "zhang").vetoes[0].cause, VetoCause::Safety);
        // An attitude complaint not naming the staff member leaves them alone,
        // and a routine check's failure is a deduction only.
        scheme.serious_check_items.clear();
        let m = score_month(&scheme, &roster(), &facts);
        assert!(
            !find(&m.windows, "2")
                .vetoes
                .iter()
                .any(|v| v.cause == VetoCause::SeriousCheck)
        );
    }

    #[test]
    fn vetoed_subjects_rank_after_the_rest_and_ties_share_a_rank() {
        let facts = Facts {
            weeks: 4,
            incidents: vec![IncidentFact {
                id: id(4),
                level: SubjectLevel::Window,
                subject: "1".into(),
                kind: IncidentKind::Discipline,
                description: "违规收费".into(),
            }],
            bonuses: vec![BonusFact {
                id: id(5),
                level: SubjectLevel::Window,
                subject: "1".into(),
                points: 5.0,
                reason: "创新".into(),
            }],
            ..Facts::default()
        };
        let m = score_month(&Scheme::default(), &roster(), &facts);
        assert_eq!(m.windows[0].subject, "2");
        assert_eq!(m.windows[0].rank, 1);
        assert_eq!(m.windows[1].subject, "1");
        assert!(m.windows[1].score > m.windows[0].score);
        assert_eq!(m.windows[1].rank, 2);
        // Two staff with nothing recorded tie.
        assert_eq!(m.staff[0].rank, 1);
        assert_eq!(m.staff[1].rank, 1);
    }

    fn contender(subject: &str, score: Centi, rate: Option<f64>, volume: u64, vetoed: bool) -> Assessment {
        Assessment {
            level: SubjectLevel::Window,
            subject: subject.into(),
            name: String::new(),
            score,
            grade: Grade::Five,
            rank: 0,
            vetoed,
            vetoes: if vetoed {
                vec![Veto {
                    cause: VetoCause::Attitude,
                    reason: "x".into(),
                    evidence: Evidence::new(EvidenceKind::Complaint, id(1)),
                }]
            } else {
                vec![]
            },
            parts: vec![],
            satisfaction: rate,
            volume,
            evaluations: 0,
        }
    }

    #[test]
    fn the_red_flag_goes_to_the_best_eligible_window_ties_by_satisfaction_then_volume() {
        let items = vec![
            contender("1", 9900, Some(1.0), 200, true),
            contender("2", 9900, Some(0.99), 10, false),
            contender("3", 9600, Some(0.98), 50, false),
            contender("4", 9600, Some(0.99), 40, false),
            contender("5", 9600, Some(0.99), 45, false),
        ];
        let d = choose_awards(&items, 30, 1, "窗口");
        assert_eq!(d.winners[0].subject, "5");
        assert_eq!(d.runner_up.as_ref().map(|r| r.subject.as_str()), Some("4"));
        assert!(
            d.reasons
                .iter()
                .any(|r| r.contains("次之（同分同满意率，服务量较少）"))
        );
        assert!(
            d.reasons
                .iter()
                .any(|r| r.starts_with("窗口1") && r.contains("一票否决"))
        );
        assert!(
            d.reasons
                .iter()
                .any(|r| r.starts_with("窗口2") && r.contains("未达最低30件"))
        );
        // Same score: the higher satisfaction wins.
        let d = choose_awards(&items[2..4], 30, 1, "窗口");
        assert_eq!(d.winners[0].subject, "4");
        assert!(d.reasons.iter().any(|r| r.contains("同分，满意率较低")));
        // Nobody eligible.
        let d = choose_awards(&items[..2], 30, 1, "窗口");
        assert!(d.winners.is_empty() && d.runner_up.is_none());
        assert!(d.reasons[0].contains("没有符合条件"));
        // Stars: the top n.
        let d = choose_awards(&items, 30, 2, "");
        let w: Vec<&str> = d.winners.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(w, ["5", "4"]);
        assert_eq!(d.runner_up.map(|r| r.subject), Some("3".to_owned()));
    }

    #[test]
    fn excellent_three_months_running() {
        let f = Some(Grade::Five);
        assert!(excellent_streak(&[f, f, f]));
        assert!(!excellent_streak(&[f, Some(Grade::Four), f]));
        assert!(!excellent_streak(&[f, f, None]));
        assert!(!excellent_streak(&[f, f]));
    }

    #[test]
    fn a_month_takes_the_version_in_force_then() {
        let v = vec![
            ("2026-01".to_owned(), 1),
            ("2026-07".to_owned(), 2),
            ("2027-01".to_owned(), 3),
        ];
        assert_eq!(version_in_force(&v, "2026-03").map(|x| x.1), Some(1));
        assert_eq!(version_in_force(&v, "2026-07").map(|x| x.1), Some(2));
        assert_eq!(version_in_force(&v, "2026-12").map(|x| x.1), Some(2));
        assert_eq!(version_in_force(&v, "2025-12"), None);
        let w = jiff::civil::date(2026, 11, 1);
        assert_eq!(weeks_in_month(w), 5);
        assert_eq!(weeks_in_month(jiff::civil::date(2026, 2, 1)), 4);
    }

    fn arb_level() -> impl Strategy<Value = EvalLevel> {
        prop::sample::select(EvalLevel::ALL.to_vec())
    }

    fn arb_name(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop::sample::select(pool.to_vec()).prop_map(str::to_owned)
    }

    const STAFF: &[&str] = &["zhang", "li", "wang", ""];
    const WINDOWS: &[&str] = &["1", "2", "3", ""];
    const DEPTS: &[&str] = &["市场监管局", "人社局", ""];

    fn arb_names() -> impl Strategy<Value = Names> {
        (arb_name(STAFF), arb_name(WINDOWS), arb_name(DEPTS)).prop_map(|(s, w, d)| names(&s, &w, &d))
    }

    prop_compose! {
        fn arb_facts()(
            evals in prop::collection::vec((arb_names(), arb_level(), 1u64..5, any::<bool>(), any::<bool>()), 0..40),
            services in prop::collection::vec(arb_names(), 0..40),
            cases in prop::collection::vec((arb_names(), 0u8..3), 0..20),
            inspections in prop::collection::vec((arb_name(STAFF), arb_name(WINDOWS), 0.0f64..30.0, any::<bool>()), 0..8),
            complaints in prop::collection::vec((arb_names(), 0u8..3), 0..6),
            reviews in prop::collection::vec((arb_name(STAFF), any::<bool>(), 0u8..=10), 0..10),
            bonuses in prop::collection::vec((arb_name(STAFF), 0.0f64..8.0), 0..4),
            meetings in prop::collection::vec((arb_name(WINDOWS), arb_name(STAFF)), 0..8),
            exams in prop::collection::vec((arb_name(STAFF), any::<bool>()), 0..6),
        ) -> Facts {
            let mut n = 0u128;
            let mut next = || { n += 1; Uuid::from_u128(n) };
            Facts {
                weeks: 4,
                evaluations: evals.into_iter().map(|(names, level, weight, imported, excluded)| EvaluationFact {
                    ids: vec![next()], names, level, weight, imported, excluded }).collect(),
                services: services.into_iter().map(|names| ServiceFact { kind: EvidenceKind::Ticket, id: next(), names }).collect(),
                cases: cases.into_iter().map(|(names, o)| CaseFact { id: next(), names, outcome: match o {
                    0 => CaseOutcome::OnTime, 1 => CaseOutcome::Late, _ => CaseOutcome::OpenOverdue } }).collect(),
                inspections: inspections.into_iter().map(|(s, w, d, u)| InspectionFact { id: next(), window: w,
                    department: "人社局".into(), staff: vec![s], deduction: d, unannounced: u, failed_items: vec!["absent".into()] }).collect(),
                complaints: complaints.into_iter().map(|(names, k)| ComplaintFact { id: next(), number: "TS".into(), names,
                    kind: match k { 0 => ComplaintKind::Attitude, 1 => ComplaintKind::Shirking, _ => ComplaintKind::Other } }).collect(),
                reviews: reviews.into_iter().map(|(s, peer, score)| ReviewFact { id: next(), staff: s,
                    kind: if peer { ReviewKind::Peer } else { ReviewKind::Leader }, score }).collect(),
                bonuses: bonuses.into_iter().map(|(s, p)| BonusFact { id: next(), level: SubjectLevel::Staff, subject: s,
                    points: p, reason: "r".into() }).collect(),
                meetings: meetings.into_iter().map(|(w, s)| MeetingFact { id: next(),
                    window: if w.is_empty() { None } else { Some(w) }, department: None, people: vec![s] }).collect(),
                exams: exams.into_iter().map(|(s, passed)| ExamFact { id: next(), staff: s, passed }).collect(),
                ..Facts::default()
            }
        }
    }

    fn ids_of(f: &Facts) -> HashSet<Evidence> {
        let mut s = HashSet::new();
        for e in &f.evaluations {
            let kind = if e.imported {
                EvidenceKind::Import
            } else {
                EvidenceKind::Evaluation
            };
            s.extend(e.ids.iter().map(|id| Evidence::new(kind, *id)));
        }
        s.extend(f.services.iter().map(|x| Evidence::new(x.kind, x.id)));
        s.extend(f.cases.iter().map(|x| Evidence::new(EvidenceKind::Case, x.id)));
        s.extend(
            f.inspections
                .iter()
                .map(|x| Evidence::new(EvidenceKind::Inspection, x.id)),
        );
        s.extend(
            f.complaints
                .iter()
                .map(|x| Evidence::new(EvidenceKind::Complaint, x.id)),
        );
        s.extend(
            f.reviews
                .iter()
                .map(|x| Evidence::new(EvidenceKind::Review, x.id)),
        );
        s.extend(f.bonuses.iter().map(|x| Evidence::new(EvidenceKind::Bonus, x.id)));
        s.extend(
            f.meetings
                .iter()
                .map(|x| Evidence::new(EvidenceKind::Meeting, x.id)),
        );
        s.extend(f.exams.iter().map(|x| Evidence::new(EvidenceKind::Exam, x.id)));
        s
    }

    proptest! {
        #[test]
        fn a_score_is_the_sum_of_its_parts_and_every_evidence_resolves(facts in arb_facts()) {
            let mut roster = roster();
            roster.staff.push(StaffMember { username: "wang".into(), name: "王五".into(), department: Some("人社局".into()) });
            roster.windows.push(WindowInfo { number: "3".into(), name: "3".into(), departments: vec!["人社局".into()], staff: vec!["wang".into(), "li".into()] });
            roster.departments.push(DepartmentInfo { code: "RSJ".into(), name: "人社局".into() });
            let scheme = Scheme {
                serious_check_items: vec!["absent".into()],
                ..Scheme::default()
            };
            let known = ids_of(&facts);
            let m = score_month(&scheme, &roster, &facts);
            for level in SubjectLevel::ALL {
                let items = m.level(level);
                prop_assert_eq!(items.len(), match level { SubjectLevel::Staff => 3, SubjectLevel::Window => 3, SubjectLevel::Department => 2 });
                for a in items {
                    prop_assert_eq!(a.score, a.parts_sum());
                    prop_assert!(a.score >= 0 && a.score <= 10_000 + centi(scheme.bonus.cap));
                    for p in &a.parts {
                        prop_assert!(p.points >= 0 && p.points <= p.max, "{:?}", p);
                        for e in &p.evidence {
                            prop_assert!(known.contains(e), "{:?}", e);
                        }
                    }
                    if a.vetoed {
                        prop_assert_eq!(a.grade, Grade::One);
                    } else {
                        prop_assert_eq!(a.grade, scheme.grade_of(a.score));
                    }
                }
                // Ranks never rise as the list goes down.
                for pair in items.windows(2) {
                    prop_assert!(pair[0].rank <= pair[1].rank);
                    prop_assert!(pair[0].vetoed <= pair[1].vetoed);
                }
            }
            let d = choose_awards(&m.windows, 1, 1, "窗口");
            if let Some(w) = d.winners.first() {
                let a = find(&m.windows, &w.subject);
                prop_assert!(!a.vetoed && a.volume >= 1);
                for other in m.windows.iter().filter(|o| !o.vetoed && o.volume >= 1) {
                    prop_assert!(other.score <= a.score);
                }
            }
        }
    }
}
