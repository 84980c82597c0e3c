//! Use cases (业务用例): one function per thing a person does in the hall.
//! Each applies the domain rules, writes through the store and records who
//! did it in the audit log. Depends on `domain` and `store` only.

pub mod appointment;
// issue 16: the monthly assessment
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod batch;
pub mod calendar;
pub mod case;
pub mod case_documents;
pub mod case_ledger;
pub mod case_ledger_xlsx;
pub mod case_recompute;
pub mod case_scope;
pub mod catalog;
pub mod clock;
pub mod complaint;
pub mod crypto;
pub mod demo;
mod error;
pub mod evaluation;
pub mod evaluation_monthly;
pub mod evaluation_report;
pub mod evaluation_xlsx;
pub mod floor;
pub mod hall;
pub mod home_visit;
pub mod job_board;
pub mod jobs;
pub mod monthly;
pub mod pad;
pub mod photo;
pub mod queue;
mod queue_cache;
pub mod queue_report;
pub mod queue_setup;
pub mod rectification;
pub mod settings;
pub mod sms;
pub mod throttle;
// issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
pub mod card;
pub mod duty_log;
pub mod morning_meeting;
// Issue 15 part 2: inspections (督查).
pub mod inspection;
// issue 15 part 5: scalpers
pub mod scalper;
// issue 16 part 6: training
pub mod staff_profile;
pub mod training;
// issue 16 part 7: campaigns
pub mod campaign;
pub mod campaign_xlsx;
// issue 17: one timeline from ticket to case to evaluation
pub mod case_timeline;
pub mod evaluation_case;
// issue 17: 告知承诺制, 数据共享、电子证照
pub mod commitment;
// issue 17: online application (网上申报) and pre-review (预审)
pub mod application;
// issue 17: smart guide (智能导办)
pub mod guide;
// issue 18: staffing planner (动态调整窗口)
pub mod staffing;
// issue 18: reports
pub mod hall_report;
pub mod hall_report_pdf;
pub mod hall_report_xlsx;
// issue 18: dashboard
pub mod dashboard;
// issue 18: charts
pub mod charts;

pub use clock::{Clock, SystemClock, TestClock};
pub use error::{AppError, Conflict};
pub use hall::Hall;
pub use job_board::{JobRun, JobStatus, Outcome, Trigger};
pub use jobs::{Job, JobRunner};
pub use settings::Settings;

use std::sync::Arc;
use store::Store;

pub type AppResult<T> = Result<T, AppError>;

/// Who is doing something: a signed-in user, or the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub username: String,
    pub role: Option<domain::Role>,
}

impl Actor {
    /// The administrator's shell (`govhall catalog import …`).
    pub fn cli() -> Actor {
        Actor {
            username: "命令行".into(),
            role: Some(domain::Role::Admin),
        }
    }

    pub fn user(user: &store::User) -> Actor {
        Actor {
            username: user.username.clone(),
            role: Some(user.role),
        }
    }
}

/// The application (政务服务大厅应用): the composition root. It opens
/// nothing itself; it hands each capability's service the store trait that
/// service needs and the [`Hall`] every service shares, and owns the
/// background jobs. Handlers call `app.queue.call_next(…)`,
/// `app.cases.accept_case(…)`; what every service shares (settings, the
/// clock, the calendar, the published catalog, the audit log) reads through
/// `app.settings`, `app.today()`, `app.published()`.
#[derive(Clone)]
pub struct App {
    pub(crate) hall: Hall,
    /// The whole store, for what spans every table: health, backup, the demo data.
    pub store: Arc<dyn Store>,
    /// 取号叫号: categories, windows, tickets and calls.
    pub queue: queue::QueueService,
    /// 预约: slots, bookings, check-in and no-shows.
    pub appointments: appointment::AppointmentService,
    /// 办件: acceptance to delivery, the ledger, documents and progress.
    pub cases: case::CaseService,
    /// 好差评: ratings, reports and the SMS invitations.
    pub evaluations: evaluation::EvaluationService,
    /// 差评整改与申诉: the rectification loop and appeals.
    pub rectifications: rectification::RectificationService,
    /// 账号: users, sign-in and sessions.
    pub accounts: auth::AccountService,
    /// 上门服务: home visits for those who cannot come.
    pub home_visits: home_visit::HomeVisitService,
    /// 评价器: the window pads and the staff cards they show.
    pub pads: pad::PadService,
    // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
    /// 晨会: morning meetings and the weekly compliance list.
    pub meetings: morning_meeting::MorningMeetingService,
    /// 效能监察: yellow and red cards on case deadlines.
    pub cards: card::CardService,
    /// 楼层值班长: the floor duty log.
    pub duty_logs: duty_log::DutyLogService,
    /// 投诉: intake to archive (督查科).
    pub complaints: complaint::ComplaintService,
    // Issue 15 part 2: inspections (督查).
    /// 督查: inspections, the checklist, staff answers and 暗访 plans.
    pub inspections: inspection::InspectionService,
    /// 黄牛、非法中介: detection, the register and the floor's alerts (issue 15 part 5).
    pub scalpers: scalper::ScalperService,
    // issue 16 part 6: training
    pub training: training::TrainingService,
    pub profiles: staff_profile::StaffProfileService,
    // issue 16 part 7: campaigns
    /// 专项活动: phases, tasks and KPIs read from the hall's own figures.
    pub campaigns: campaign::CampaignService,
    /// 月度考核: scores, 定档, 一票否决, the red flag and stars, 三评 (issue 16).
    pub assessment: assessment::AssessmentService,
    // issue 17: one timeline from ticket to case to evaluation
    /// 办件全程时间线: ticket, steps, notices, SMS and evaluations of a case.
    pub timelines: case_timeline::CaseTimelineService,
    // issue 17: 告知承诺制, 数据共享、电子证照
    /// 告知承诺核查, 信用记录, 撤销, 电子证照 and the sharing log.
    pub commitments: commitment::CommitmentService,
    // issue 17: online application (网上申报) and pre-review (预审)
    /// 网上申报: applications, uploads, the pre-review queue; acceptance through `cases`.
    pub applications: application::ApplicationService,
    // issue 17: smart guide (智能导办)
    /// 智能导办: questions in everyday Chinese, the admin's phrases and the no-hit log.
    pub guide: guide::GuideService,
    // issue 18: staffing planner (动态调整窗口)
    /// 窗口排班测算: forecast, Erlang C, the day's simulation, what-if and review.
    pub staffing: staffing::StaffingService,
    // issue 18: reports
    /// 日报、月报、年度报告 of the hall or one department (JSON, XLSX, PDF).
    pub hall_reports: hall_report::HallReportService,
    // issue 18: dashboard
    /// 指挥中心: today's picture and its live snapshot.
    pub dashboard: dashboard::DashboardService,
    jobs: Arc<job_board::JobBoard>,
}

impl std::ops::Deref for App {
    type Target = Hall;
    fn deref(&self) -> &Hall {
        &self.hall
    }
}

impl App {
    /// The application on the system clock.
    pub fn new(store: Arc<dyn Store>, settings: Settings) -> App {
        App::with_clock(store, settings, Arc::new(SystemClock))
    }

    /// The application on another clock (a [`TestClock`] that tests move on).
    pub fn with_clock(store: Arc<dyn Store>, settings: Settings, clock: Arc<dyn Clock>) -> App {
        let hall = Hall::new(store.clone(), settings, clock);
        let queue = queue::QueueService::new(hall.clone(), store.clone(), store.clone());
        let pads = pad::PadService::new(hall.clone(), store.clone(), store.clone(), store.clone());
        let cases = case::CaseService::new(hall.clone(), store.clone(), queue.clone());
        let evaluations = evaluation::EvaluationService::new(
            hall.clone(),
            store.clone(),
            queue.clone(),
            pads.clone(),
            cases.clone(),
        );
        // issue 18: reports
        let hall_reports = hall_report::HallReportService::new(
            hall.clone(),
            store.clone(),
            store.clone(),
            queue.clone(),
            cases.clone(),
            evaluations.clone(),
            assessment::AssessmentService::new(hall.clone(), store.clone(), store.clone(), queue.clone()),
        );
        // issue 18: dashboard
        let dashboard = dashboard::DashboardService::new(
            hall.clone(),
            store.clone(),
            store.clone(),
            queue.clone(),
            assessment::AssessmentService::new(hall.clone(), store.clone(), store.clone(), queue.clone()),
            campaign::CampaignService::new(
                hall.clone(),
                store.clone(),
                evaluations.clone(),
                cases.clone(),
                queue.clone(),
            ),
        );
        App {
            // issue 16 part 7: campaigns
            campaigns: campaign::CampaignService::new(
                hall.clone(),
                store.clone(),
                evaluations.clone(),
                cases.clone(),
                queue.clone(),
            ),
            evaluations,
            appointments: appointment::AppointmentService::new(hall.clone(), store.clone(), queue.clone()),
            rectifications: rectification::RectificationService::new(
                hall.clone(),
                store.clone(),
                store.clone(),
                store.clone(),
                cases.clone(),
            ),
            complaints: complaint::ComplaintService::new(hall.clone(), store.clone(), cases.clone()),
            // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
            meetings: morning_meeting::MorningMeetingService::new(hall.clone(), store.clone(), queue.clone()),
            cards: card::CardService::new(hall.clone(), store.clone(), cases.clone()),
            duty_logs: duty_log::DutyLogService::new(hall.clone(), store.clone()),
            accounts: auth::AccountService::new(hall.clone(), store.clone()),
            home_visits: home_visit::HomeVisitService::new(hall.clone(), store.clone(), store.clone()),
            // Issue 15 part 2: inspections (督查).
            inspections: inspection::InspectionService::new(
                hall.clone(),
                store.clone(),
                store.clone(),
                queue.clone(),
            ),
            // issue 15 part 5: scalpers
            scalpers: scalper::ScalperService::new(hall.clone(), store.clone()),
            // issue 16 part 6: training
            training: training::TrainingService::new(hall.clone(), store.clone()),
            profiles: staff_profile::StaffProfileService::new(hall.clone(), store.clone(), queue.clone()),
            // issue 16: the monthly assessment
            assessment: assessment::AssessmentService::new(
                hall.clone(),
                store.clone(),
                store.clone(),
                queue.clone(),
            ),
            // issue 17: one timeline from ticket to case to evaluation
            timelines: case_timeline::CaseTimelineService::new(
                hall.clone(),
                store.clone(),
                cases.clone(),
                queue.clone(),
            ),
            // issue 17: 告知承诺制, 数据共享、电子证照
            commitments: commitment::CommitmentService::new(hall.clone(), store.clone(), cases.clone()),
            // issue 17: online application (网上申报) and pre-review (预审)
            applications: application::ApplicationService::new(hall.clone(), store.clone(), cases.clone()),
            // issue 17: smart guide (智能导办)
            guide: guide::GuideService::new(hall.clone(), store.clone()),
            // issue 18: staffing planner (动态调整窗口)
            staffing: staffing::StaffingService::new(hall.clone(), store.clone(), queue.clone()),
            // issue 18: reports
            hall_reports,
            // issue 18: dashboard
            dashboard,
            pads,
            cases,
            queue,
            hall,
            store,
            jobs: Arc::new(job_board::JobBoard::new(jobs::standard_jobs())),
        }
    }
}
