//! The permission table (权限表): what each role may do. The API guard, the
//! page guard, the menus and the OpenAPI document's `x-roles` all read it, so a
//! role's rights are written once, here.
//!
//! Rights over *whose* records (a liaison's department, a clerk's windows) are
//! scoping, decided by the use case after this check.

use crate::Role;
use Role::{Admin, Leader, Liaison, Staff, Supervisor};

/// Something a signed-in person does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Any signed-in account: sign out, who am I.
    SignedIn,
    /// 事项清单: edit items, departments, import, versions, publish.
    CatalogManage,
    /// 工作日历: import years.
    CalendarManage,
    /// 账号: add, edit, disable accounts.
    AccountsManage,
    /// 审计日志.
    AuditRead,
    /// 排队设置: categories and windows.
    QueueSetup,
    /// See the queue set-up (categories, windows, who sits where).
    QueueSetupRead,
    /// 开窗/暂停/关窗: staff at their own window, the floor duty captain at any.
    WindowControl,
    /// 临时窗口: add a window at peak (floor duty captain).
    WindowAdd,
    /// 叫号: call, recall, skip, finish, transfer at one's own window.
    WindowServe,
    /// 现场监控: the floor view.
    FloorView,
    /// Queue and satisfaction figures, case reports (领导与管理员).
    ReportsRead,
    /// Check-in of an appointment by staff at the desk.
    AppointmentDesk,
    /// 上门服务: schedule, done, cancel; full contact details (audit-logged).
    HomeVisitHandle,
    /// 评价器: pads and the 三亮 staff profiles.
    PadManage,
    /// 受理与办理: accept, supplement, pause, resume, review, decide, complete,
    /// deliver, refuse (own department or windows).
    CaseHandle,
    /// 延期审批: approve one extension (行政许可法第42条: the head's approval).
    CaseExtend,
    /// Read a case and the ledger (scoped).
    CaseRead,
    /// The applicant's ID number and phone in the clear (audit-logged).
    CaseIdentity,
    /// 超期督办 and figures per department (scoped for a liaison).
    CaseOversight,
    /// Import an earlier ledger or earlier evaluation counts.
    HistoryImport,
    /// 电话评价 recorded by staff (12345 hotline).
    EvaluationByPhone,
    /// 差评原因 list.
    EvaluationReasonsManage,
    /// Integrity flags and the SMS outbox.
    EvaluationIntegrity,
    /// 差评整改: read the rectifications (scoped for a liaison).
    RectificationRead,
    /// 差评整改: take a rectification a step on (scoped for a liaison).
    RectificationHandle,
    /// 申诉: appeal against a malicious review.
    AppealFile,
    /// Read appeals and decide them (督查).
    AppealDecide,
    /// 后台任务: see the background jobs and their runs.
    JobsRead,
    /// 后台任务: run a job now.
    JobsRun,

    // ---- 督查 (supervision) ----
    /// 投诉登记: record a complaint from the hall desk, the 12345 hotline or a letter.
    ComplaintFile,
    /// 投诉: read the complaints (a liaison only its department's, without the complainant).
    ComplaintRead,
    /// 投诉处理: accept, investigate, handle, answer, archive (督查科).
    ComplaintHandle,
    /// The complainant's name and phone in the clear (audit-logged).
    ComplaintIdentity,
    /// 督查记录: read inspections (staff: their own; a liaison: its department's).
    InspectionRead,
    /// 督查: record an inspection, plan unannounced visits, read the plan.
    InspectionRecord,
    /// 督查清单: edit the checklist and its deductions.
    InspectionChecklistManage,
    /// 确认或申辩: the inspected staff member acknowledges or contests.
    InspectionRespond,
    /// 申辩裁定: the 督查科 leader decides a contest.
    InspectionDecide,
    /// 晨会: record a meeting (staff: for their own window).
    MorningMeetingRecord,
    /// 晨会: read meetings and the weekly compliance list.
    MorningMeetingRead,
    /// 楼层值班: write the floor's duty log (值班长).
    DutyLogWrite,
    /// 楼层值班: read the duty logs.
    DutyLogRead,
    /// 黄牛登记与嫌疑: read the register and the suspects.
    ScalperRead,
    /// 黄牛登记与嫌疑: register, record actions, clear a suspect.
    ScalperManage,
    /// 效能监察: read the yellow and red cards (a liaison: its department's).
    CardRead,
    /// 效能监察: a department explains a card.
    CardExplain,
    /// 效能监察: the 督查科 rules on a card (lawful pause, approved extension, fault).
    CardRule,
    // issue 16 part 6: training
    /// 三亮: edit staff profiles (岗位、职责、服务承诺、照片) and print desk cards.
    StaffProfileManage,
    /// 三亮: see one's own profile and desk card (the admin sees everyone's).
    StaffProfileOwn,
    /// 培训考试: create courses, record attendance, build exams, record retraining.
    TrainingManage,
    /// 培训考试: read courses, exams, results and the retraining list.
    TrainingRead,
    /// 在线考试: see one's open exams and sit them.
    ExamTake,

    // issue 16 part 7: campaigns
    /// 专项活动: create a campaign (phases, tasks, KPIs) and set any task's status.
    CampaignManage,
    /// 专项活动: read campaigns (leadership and the 督查科 all of them; others
    /// only the tasks they own).
    CampaignRead,
    /// 专项活动: set a task's status (its owner; admin and leader any task).
    CampaignTaskUpdate,

    // ---- 月度考核 (issue 16)
    /// The month's scores of every staff member, window and department.
    AssessmentRead,
    /// 定档, 重新评分, 领导点评, 创新加分, serious incidents (the leader).
    AssessmentManage,
    /// 考核方案: save a new version of the scheme.
    AssessmentScheme,
    /// 党员互评: rate a peer of one's department.
    ReviewPeer,
    // issue 17: one timeline from ticket to case to evaluation
    /// 办件全程时间线: the ticket, every step, notices, SMS and evaluations of a
    /// case (staff who handled it, its department's liaison, the 督查科).
    CaseTimeline,
    /// 一件事受理: accept a bundle at the window from its page.
    BundleAccept,
    // issue 17: 告知承诺制, 数据共享、电子证照
    /// 告知承诺核查: list the verification tasks, record 属实/不实, revoke a
    /// decision made on a false commitment (a liaison: its department's).
    CommitmentVerify,
    /// 电子证照: import the local sharing records and list them (masked).
    LicenceManage,
    // issue 17: online application (网上申报) and pre-review (预审)
    /// 网上申报预审: see the queue, open the uploaded files, accept or ask for 补正
    /// (scoped: window staff of the item, the liaison of its department).
    ApplicationReview,

    // issue 17: smart guide (智能导办)
    /// 智能导办词库: add and delete phrases, read the questions that found nothing.
    GuideManage,
    // issue 18: staffing planner (动态调整窗口)
    /// 窗口排班测算: the staffing plan of a day from history (Erlang C and a
    /// simulation), what-if runs and the plan compared with what happened.
    StaffingPlan,
    // issue 18: reports
    /// 日报、月报、年度报告: the hall's (or one department's) summary of a period
    /// as JSON, an A4 page, PDF and XLSX (leadership and the administrator).
    HallReportRead,
    // issue 18: dashboard
    /// 指挥中心: the hall's live picture (today's queue, cases, evaluations,
    /// complaints, inspections, scalper alerts, the red flag, campaigns).
    DashboardRead,
    // issue 18: charts
    /// 统计图: the hall's charts and their figures (leaders, 督查, admin).
    ChartsRead,
}

impl Permission {
    /// The roles that hold this permission.
    pub const fn roles(self) -> &'static [Role] {
        match self {
            Permission::SignedIn => &[Admin, Staff, Supervisor, Leader, Liaison],
            Permission::CatalogManage
            | Permission::CalendarManage
            | Permission::AccountsManage
            | Permission::QueueSetup
            | Permission::PadManage
            | Permission::HistoryImport
            | Permission::EvaluationReasonsManage
            | Permission::JobsRun => &[Admin],
            Permission::AuditRead | Permission::JobsRead => &[Admin, Supervisor],
            Permission::QueueSetupRead => &[Admin, Supervisor, Leader],
            Permission::WindowControl => &[Admin, Supervisor, Staff],
            Permission::WindowAdd => &[Admin, Supervisor],
            Permission::WindowServe => &[Admin, Staff],
            Permission::FloorView => &[Admin, Supervisor, Leader, Staff],
            Permission::ReportsRead => &[Admin, Leader, Supervisor],
            Permission::AppointmentDesk => &[Admin, Staff, Supervisor],
            Permission::HomeVisitHandle => &[Admin, Staff, Supervisor],
            Permission::CaseHandle | Permission::CaseIdentity => &[Admin, Staff, Liaison],
            Permission::CaseExtend => &[Admin, Leader],
            Permission::CaseRead => &[Admin, Staff, Liaison, Supervisor, Leader],
            Permission::CaseOversight => &[Admin, Supervisor, Leader, Liaison],
            Permission::EvaluationByPhone => &[Admin, Staff, Supervisor],
            Permission::EvaluationIntegrity => &[Admin, Supervisor, Leader],
            Permission::RectificationRead => &[Admin, Supervisor, Leader, Liaison],
            Permission::RectificationHandle => &[Admin, Supervisor, Liaison],
            Permission::AppealFile => &[Admin, Staff, Supervisor, Liaison],
            Permission::AppealDecide => &[Admin, Supervisor],
            Permission::ComplaintFile => &[Admin, Staff, Supervisor],
            Permission::ComplaintRead => &[Admin, Supervisor, Leader, Liaison],
            Permission::ComplaintHandle
            | Permission::ComplaintIdentity
            | Permission::InspectionRecord
            | Permission::InspectionDecide
            | Permission::DutyLogWrite
            | Permission::ScalperManage
            | Permission::CardRule => &[Admin, Supervisor],
            Permission::InspectionRead => &[Admin, Supervisor, Leader, Liaison, Staff],
            Permission::InspectionChecklistManage => &[Admin],
            Permission::InspectionRespond => &[Admin, Staff],
            Permission::MorningMeetingRecord => &[Admin, Supervisor, Staff],
            Permission::MorningMeetingRead => &[Admin, Supervisor, Leader, Liaison, Staff],
            Permission::DutyLogRead | Permission::ScalperRead => &[Admin, Supervisor, Leader],
            Permission::CardRead => &[Admin, Supervisor, Leader, Liaison],
            Permission::CardExplain => &[Admin, Liaison],
            // issue 16 part 6: training
            Permission::StaffProfileManage | Permission::TrainingManage => &[Admin],
            Permission::StaffProfileOwn => &[Admin, Staff, Supervisor, Leader, Liaison],
            Permission::TrainingRead => &[Admin, Leader, Supervisor],
            Permission::ExamTake => &[Admin, Staff, Supervisor, Liaison],
            // issue 16 part 7: campaigns
            Permission::CampaignManage => &[Admin, Leader],
            Permission::CampaignRead | Permission::CampaignTaskUpdate => {
                &[Admin, Leader, Supervisor, Staff, Liaison]
            }
            Permission::AssessmentRead => &[Admin, Leader, Supervisor],
            Permission::AssessmentManage => &[Admin, Leader],
            Permission::AssessmentScheme => &[Admin],
            Permission::ReviewPeer => &[Admin, Staff, Liaison],
            // issue 17: one timeline from ticket to case to evaluation
            Permission::CaseTimeline => &[Admin, Staff, Liaison, Supervisor],
            Permission::BundleAccept => &[Admin, Staff],
            // issue 17: 告知承诺制, 数据共享、电子证照
            Permission::CommitmentVerify => &[Admin, Supervisor, Liaison],
            Permission::LicenceManage => &[Admin],
            // issue 17: online application (网上申报) and pre-review (预审)
            Permission::ApplicationReview => &[Admin, Staff, Liaison],
            // issue 17: smart guide (智能导办)
            Permission::GuideManage => &[Admin],
            // issue 18: staffing planner (动态调整窗口)
            Permission::StaffingPlan => &[Admin, Supervisor, Leader],
            // issue 18: reports
            Permission::HallReportRead => &[Admin, Leader],
            // issue 18: dashboard
            Permission::DashboardRead => &[Admin, Leader, Supervisor],
            // issue 18: charts
            Permission::ChartsRead => &[Admin, Leader, Supervisor],
        }
    }

    /// "管理员或督查" — for a refusal message.
    pub fn role_labels(self) -> String {
        self.roles()
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join("、")
    }
}

impl Role {
    /// The permission table: whether this role may do `p`.
    pub fn can(self, p: Permission) -> bool {
        p.roles().contains(&self)
    }

    /// Whether this role must belong to a department (所属部门).
    pub fn needs_department(self) -> bool {
        matches!(self, Role::Liaison)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admin_may_do_everything_and_the_leader_changes_nothing_operational() {
        let all = [
            Permission::SignedIn,
            Permission::CatalogManage,
            Permission::CalendarManage,
            Permission::AccountsManage,
            Permission::AuditRead,
            Permission::QueueSetup,
            Permission::QueueSetupRead,
            Permission::WindowControl,
            Permission::WindowAdd,
            Permission::WindowServe,
            Permission::FloorView,
            Permission::ReportsRead,
            Permission::AppointmentDesk,
            Permission::HomeVisitHandle,
            Permission::PadManage,
            Permission::CaseHandle,
            Permission::CaseExtend,
            Permission::CaseRead,
            Permission::CaseIdentity,
            Permission::CaseOversight,
            Permission::HistoryImport,
            Permission::EvaluationByPhone,
            Permission::EvaluationReasonsManage,
            Permission::EvaluationIntegrity,
            Permission::RectificationRead,
            Permission::RectificationHandle,
            Permission::AppealFile,
            Permission::AppealDecide,
            Permission::JobsRead,
            Permission::JobsRun,
            Permission::ComplaintFile,
            Permission::ComplaintRead,
            Permission::ComplaintHandle,
            Permission::ComplaintIdentity,
            Permission::InspectionRead,
            Permission::InspectionRecord,
            Permission::InspectionChecklistManage,
            Permission::InspectionRespond,
            Permission::InspectionDecide,
            Permission::MorningMeetingRecord,
            Permission::MorningMeetingRead,
            Permission::DutyLogWrite,
            Permission::DutyLogRead,
            Permission::ScalperRead,
            Permission::ScalperManage,
            Permission::CardRead,
            Permission::CardExplain,
            Permission::CardRule,
            // issue 16 part 6: training
            Permission::StaffProfileManage,
            Permission::StaffProfileOwn,
            Permission::TrainingManage,
            Permission::TrainingRead,
            Permission::ExamTake,
            // issue 16 part 7: campaigns
            Permission::CampaignManage,
            Permission::CampaignRead,
            Permission::CampaignTaskUpdate,
            Permission::AssessmentRead,
            Permission::AssessmentManage,
            Permission::AssessmentScheme,
            Permission::ReviewPeer,
            // issue 17: one timeline from ticket to case to evaluation
            Permission::CaseTimeline,
            Permission::BundleAccept,
            // issue 17: 告知承诺制, 数据共享、电子证照
            Permission::CommitmentVerify,
            Permission::LicenceManage,
            // issue 17: online application (网上申报) and pre-review (预审)
            Permission::ApplicationReview,
            // issue 17: smart guide (智能导办)
            Permission::GuideManage,
            // issue 18: staffing planner (动态调整窗口)
            Permission::StaffingPlan,
            // issue 18: reports
            Permission::HallReportRead,
            // issue 18: dashboard
            Permission::DashboardRead,
            // issue 18: charts
            Permission::ChartsRead,
        ];
        for p in all {
            assert!(Role::Admin.can(p), "{p:?}");
        }
        for p in [
            Permission::CaseHandle,
            Permission::CaseIdentity,
            Permission::WindowServe,
            Permission::RectificationHandle,
            Permission::CatalogManage,
        ] {
            assert!(!Role::Leader.can(p), "{p:?}");
        }
        assert!(Role::Leader.can(Permission::CaseRead) && Role::Leader.can(Permission::ReportsRead));
        // Liaisons handle their department's cases, never the hall's set-up.
        assert!(Role::Liaison.can(Permission::CaseHandle) && !Role::Liaison.can(Permission::QueueSetup));
        assert_eq!(Permission::AppealDecide.role_labels(), "管理员、督查");
        // Staff never see the background jobs; only the administrator runs one by hand.
        assert!(!Role::Staff.can(Permission::JobsRead) && !Role::Supervisor.can(Permission::JobsRun));
        // Complaints: staff never read them (they may be about them), and only
        // the 督查科 sees who complained.
        assert!(!Role::Staff.can(Permission::ComplaintRead));
        assert!(
            !Role::Liaison.can(Permission::ComplaintIdentity)
                && !Role::Leader.can(Permission::ComplaintIdentity)
        );
        // The inspected do not plan (or see the plan of) unannounced visits.
        assert!(
            !Role::Staff.can(Permission::InspectionRecord)
                && !Role::Liaison.can(Permission::InspectionRecord)
        );
    }
}
