//! The staff's management pages (管理后台) under /admin: dashboard, catalog,
//! calendar, accounts, audit log. Every form carries the session's CSRF
//! secret and answers with POST-redirect-GET.

mod calendar;
mod case_ledger;
mod catalog;
mod complaints;
mod floor;
mod home_visits;
mod item_files;
mod jobs;
mod monthly;
mod pads;
mod queue_setup;
mod rectifications;
mod satisfaction;
mod users;
// issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
mod conduct;
// issue 15 part 5: scalpers
mod scalpers;
// issue 16 part 6: training (and the 三亮 of part 5)
mod staff;
mod training;
// issue 16: the monthly assessment
mod assessment;
// issue 17: 告知承诺制, 数据共享、电子证照
mod commitments;
// issue 18: reports
mod hall_report;

use super::{Chrome, PageError, render, urlencode};
use crate::AppState;
use crate::auth::{CurrentUser, same_origin};
use crate::pages::PageResult;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::Role;
use domain::permission::Permission;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard))
        .merge(catalog::routes())
        .merge(case_ledger::routes())
        .merge(calendar::routes())
        .merge(users::routes())
        .merge(floor::routes())
        .merge(home_visits::routes())
        .merge(pads::routes())
        .merge(queue_setup::routes())
        .merge(satisfaction::routes())
        .merge(rectifications::routes())
        .merge(jobs::routes())
        .merge(monthly::routes())
        .merge(item_files::routes())
        // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
        .merge(conduct::routes())
        // 督查: complaints
        .merge(complaints::routes())
        // issue 15 part 5: scalpers
        .merge(scalpers::routes())
        // issue 16 part 6: training (and the 三亮 of part 5)
        .merge(staff::routes())
        .merge(training::routes())
        // issue 16: the monthly assessment
        .merge(assessment::routes())
        // issue 17: 告知承诺制, 数据共享、电子证照
        .merge(commitments::routes())
        // issue 18: reports
        .merge(hall_report::routes())
}

// A refusal is the page the handler returns as it is; boxing it would only add a step.
#[allow(clippy::result_large_err)]
/// The signed-in user with one of `roles`; otherwise a redirect to the login
/// page (not signed in) or a 403 page.
pub fn guard(
    state: &AppState,
    user: Option<CurrentUser>,
    permission: Permission,
    uri: &Uri,
) -> Result<CurrentUser, Response> {
    let Some(user) = user else {
        let next = format!("/login?next={}", uri.path());
        return Err((StatusCode::SEE_OTHER, [(LOCATION, next)]).into_response());
    };
    if !user.session.user.role.can(permission) {
        return Err(PageError::new(
            state,
            StatusCode::FORBIDDEN,
            "没有权限",
            format!("此页面需要{}权限", permission.role_labels()),
        )
        .into_response());
    }
    Ok(user)
}

#[allow(clippy::result_large_err)]
/// Checks a form's CSRF field and origin.
pub fn check_form(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(), Response> {
    if !same_origin(headers) {
        return Err(
            PageError::new(state, StatusCode::FORBIDDEN, "拒绝请求", "表单来自其他网站").into_response(),
        );
    }
    user.check_csrf(csrf)
        .map_err(|e| PageError::new(state, e.status, "无法提交", e.message).into_response())
}

/// A form that carries nothing but the CSRF secret (publish, enable, disable…).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// [`guard`] and [`check_form`] together, for a POST handler.
#[allow(clippy::result_large_err)]
pub fn guard_post(
    state: &AppState,
    user: Option<CurrentUser>,
    permission: Permission,
    uri: &Uri,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<CurrentUser, Response> {
    let user = guard(state, user, permission, uri)?;
    check_form(state, &user, headers, csrf)?;
    Ok(user)
}

pub fn back(to: &str, message: &str) -> Response {
    let mut url = to.to_owned();
    url.push_str(if to.contains('?') { "&ok=" } else { "?ok=" });
    url.push_str(&urlencode(message));
    (StatusCode::SEE_OTHER, [(LOCATION, url)]).into_response()
}

/// Local time for tables.
pub fn local(state: &AppState, t: jiff::Timestamp) -> String {
    t.to_zoned(state.app.settings.time_zone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

struct Link {
    href: &'static str,
    label: &'static str,
    note: &'static str,
}

/// The dashboard's tiles, each shown to the roles the permission table allows.
const MENU: &[(Permission, Link)] = &[
    // issue 16: the monthly assessment
    (
        Permission::AssessmentRead,
        Link {
            href: "/admin/assessment",
            label: "月度考核",
            note: "得分与证据、一票否决、定档、流动红旗",
        },
    ),
    (
        Permission::ReviewPeer,
        Link {
            href: "/my/assessment",
            label: "我的考核",
            note: "本人得分、三评与党员互评",
        },
    ),
    // 督查: complaints
    (
        Permission::ComplaintRead,
        Link {
            href: "/supervise/complaints",
            label: "投诉处理",
            note: "受理、调查、处置、反馈、归档",
        },
    ),
    (
        Permission::ComplaintFile,
        Link {
            href: "/supervise/complaints/new",
            label: "登记投诉",
            note: "现场、12345热线、信件和意见箱",
        },
    ),
    (
        Permission::CatalogManage,
        Link {
            href: "/admin/catalog",
            label: "事项目录",
            note: "导入、导出、版本发布、部门",
        },
    ),
    (
        Permission::SignedIn,
        Link {
            href: "/admin/calendar",
            label: "工作日历",
            note: "节假日安排、时限计算",
        },
    ),
    (
        Permission::AccountsManage,
        Link {
            href: "/admin/users",
            label: "账号管理",
            note: "新增、停用账号，所属部门",
        },
    ),
    (
        Permission::QueueSetupRead,
        Link {
            href: "/admin/queue",
            label: "排队设置",
            note: "业务类别、窗口、人员",
        },
    ),
    (
        Permission::FloorView,
        Link {
            href: "/admin/floor",
            label: "现场监控",
            note: "等候人数、窗口状态、临时窗口",
        },
    ),
    (
        Permission::CaseHandle,
        Link {
            href: "/cases/new",
            label: "受理办件",
            note: "核对材料、一次性告知、受理回执",
        },
    ),
    (
        Permission::HomeVisitHandle,
        Link {
            href: "/admin/home-visits",
            label: "上门服务",
            note: "高龄、残疾、重病群众的上门申请",
        },
    ),
    (
        Permission::PadManage,
        Link {
            href: "/admin/pads",
            label: "窗口评价器",
            note: "评价器配对、工作人员亮身份",
        },
    ),
    (
        Permission::ReportsRead,
        Link {
            href: "/admin/satisfaction",
            label: "满意度统计",
            note: "满意度评价统计表、月度考核数据",
        },
    ),
    (
        Permission::RectificationRead,
        Link {
            href: "/admin/rectifications",
            label: "差评整改",
            note: "核实、整改、回访、办结",
        },
    ),
    (
        Permission::AppealDecide,
        Link {
            href: "/admin/appeals",
            label: "差评申诉",
            note: "审定恶意差评申诉",
        },
    ),
    (
        Permission::EvaluationReasonsManage,
        Link {
            href: "/admin/evaluation-reasons",
            label: "差评原因",
            note: "群众可选的差评原因列表",
        },
    ),
    (
        Permission::HistoryImport,
        Link {
            href: "/admin/satisfaction/import",
            label: "导入历史评价",
            note: "原评价系统的统计数（CSV）",
        },
    ),
    (
        Permission::CaseRead,
        Link {
            href: "/admin/cases",
            label: "服务台账",
            note: "办件台账筛选、打印、导出 Excel",
        },
    ),
    (
        Permission::CaseRead,
        Link {
            href: "/admin/cases/worklist",
            label: "办件工作清单",
            note: "按部门或窗口，超期红色、临期黄色",
        },
    ),
    (
        Permission::ReportsRead,
        Link {
            href: "/admin/reports/monthly",
            label: "月度统计",
            note: "取号、等候、按期办结率，按月、部门、窗口",
        },
    ),
    (
        Permission::CaseOversight,
        Link {
            href: "/admin/cases/overdue",
            label: "超期督办",
            note: "超期且未依法暂停的办件",
        },
    ),
    (
        Permission::AuditRead,
        Link {
            href: "/admin/audit",
            label: "操作日志",
            note: "登录与每一次变更",
        },
    ),
    (
        Permission::JobsRead,
        Link {
            href: "/admin/jobs",
            label: "后台任务",
            note: "爽约清理、短信邀评、超期报送的运行情况",
        },
    ),
    (
        Permission::SignedIn,
        Link {
            href: "/display",
            label: "叫号大屏",
            note: "大厅电视显示",
        },
    ),
    (
        Permission::SignedIn,
        Link {
            href: "/kiosk",
            label: "自助取号",
            note: "取号机页面",
        },
    ),
    // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
    (
        Permission::MorningMeetingRead,
        Link {
            href: "/supervise/meetings",
            label: "晨会",
            note: "晨会登记、每窗口每周晨会检查",
        },
    ),
    (
        Permission::CardRead,
        Link {
            href: "/supervise/cards",
            label: "效能监察",
            note: "办件临期黄牌、超期红牌，部门说明与督查认定",
        },
    ),
    (
        Permission::DutyLogRead,
        Link {
            href: "/supervise/duty",
            label: "楼层值班",
            note: "值班长开厅检查、值班事件、交接班",
        },
    ),
    // Issue 15 part 2: inspections (督查).
    (
        Permission::InspectionRecord,
        Link {
            href: "/supervise",
            label: "现场督查",
            note: "日常督查、巡查、暗访：平板逐项检查、拍照、扣分",
        },
    ),
    (
        Permission::InspectionRead,
        Link {
            href: "/my/inspections",
            label: "督查记录",
            note: "被督查情况：确认或申辩",
        },
    ),
    (
        Permission::InspectionDecide,
        Link {
            href: "/admin/inspections",
            label: "申辩裁定",
            note: "督查申辩的裁定、近期督查记录",
        },
    ),
    (
        Permission::InspectionChecklistManage,
        Link {
            href: "/admin/inspection-checklist",
            label: "督查清单",
            note: "督查项目与扣分标准",
        },
    ),
    // issue 15 part 5: scalpers
    (
        Permission::ScalperRead,
        Link {
            href: "/admin/scalpers",
            label: "黄牛、非法中介",
            note: "可疑对象、登记名单、处置与现场预警",
        },
    ),
    // issue 16 part 6: training (and the 三亮 of part 5)
    (
        Permission::StaffProfileManage,
        Link {
            href: "/admin/staff",
            label: "三亮管理",
            note: "照片、工号、岗位、职责、服务承诺，打印台签",
        },
    ),
    (
        Permission::StaffProfileOwn,
        Link {
            href: "/my/profile",
            label: "我的三亮",
            note: "本人的亮身份信息和台签",
        },
    ),
    (
        Permission::TrainingRead,
        Link {
            href: "/admin/training",
            label: "培训考试",
            note: "培训课程与签到、考试与题目、补训名单",
        },
    ),
    (
        Permission::ExamTake,
        Link {
            href: "/my/exams",
            label: "在线考试",
            note: "参加本人的考试，交卷自动评分",
        },
    ),
    // issue 16 part 7: campaigns
    (
        Permission::CampaignRead,
        Link {
            href: "/campaigns",
            label: "专项活动",
            note: "百日大提升等：阶段、任务、指标（基线→当前→目标）",
        },
    ),
    // issue 17: 一件事 accepted from a page
    (
        Permission::BundleAccept,
        Link {
            href: "/cases/bundle",
            label: "一件事受理",
            note: "一表申请、一套材料，受理后各部门并联审批",
        },
    ),
    // issue 17: 告知承诺制, 数据共享、电子证照
    (
        Permission::CommitmentVerify,
        Link {
            href: "/admin/commitments",
            label: "告知承诺核查",
            note: "核查期限、逾期提醒，记录属实或不实",
        },
    ),
    (
        Permission::LicenceManage,
        Link {
            href: "/admin/licences",
            label: "共享证照",
            note: "导入人口库、法人库、电子证照记录（本地数据源）",
        },
    ),
    // issue 17: online application (网上申报) and pre-review (预审)
    (
        Permission::ApplicationReview,
        Link {
            href: "/admin/applications",
            label: "网上申报预审",
            note: "受理或一次性告知补正，查看上传材料",
        },
    ),
    // issue 17: smart guide (智能导办)
    (
        Permission::GuideManage,
        Link {
            href: "/admin/guide",
            label: "智能导办词库",
            note: "添加常用说法，查看没有找到答案的问题",
        },
    ),
    // issue 18: staffing planner (动态调整窗口)
    (
        Permission::StaffingPlan,
        Link {
            href: "/admin/staffing",
            label: "窗口排班测算",
            note: "按历史同期测算每半小时需要的窗口，仿真核对，事后对比",
        },
    ),
    // issue 18: reports
    (
        Permission::HallReportRead,
        Link {
            href: "/admin/reports/summary",
            label: "日报、月报、年度报告",
            note: "全厅或部门的期间汇总，A4 打印、PDF、Excel",
        },
    ),
    // issue 18: dashboard
    (
        Permission::DashboardRead,
        Link {
            href: "/command",
            label: "指挥中心",
            note: "今日大厅全景大屏：排队、办件、评价、投诉、督查，实时更新",
        },
    ),
    // issue 18: charts
    (
        Permission::ChartsRead,
        Link {
            href: "/admin/charts",
            label: "统计图",
            note: "到访、等候、满意率、差评原因、投诉、办件，图表与数据表",
        },
    ),
];

#[derive(Template)]
#[template(path = "manage/dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    name: String,
    role: String,
    csrf: String,
    links: Vec<Link>,
    version: String,
    years: String,
    windows: Vec<(String, String)>,
    /// From 1 October: next year's official schedule is not imported yet.
    calendar_warning: Option<String>,
}

async fn dashboard(State(state): State<AppState>, user: Option<CurrentUser>, uri: Uri) -> PageResult {
    let user = guard(&state, user, Permission::SignedIn, &uri)?;
    let role = user.session.user.role;
    let links: Vec<Link> = MENU
        .iter()
        .filter(|(p, _)| role.can(*p))
        .map(|(_, l)| Link {
            href: l.href,
            label: l.label,
            note: if role == Role::Liaison && l.href == "/admin/rectifications" {
                "本部门的差评：核实、整改、回访、办结"
            } else {
                l.note
            },
        })
        .collect();
    let cat = state.app.published().await;
    let version = match cat.as_ref().ok().and_then(|c| c.version.as_ref()) {
        Some(v) => format!(
            "版本{}，{}发布，{}个事项、{}个一件事",
            v.id,
            local(&state, v.published_at.unwrap_or(v.created_at)),
            v.item_count,
            v.bundle_count
        ),
        None => "尚未发布".into(),
    };
    let years = match state.app.calendar().await {
        Ok(c) => {
            let official = c.official_years();
            let provisional: Vec<String> = c
                .years()
                .into_iter()
                .filter(|y| c.is_provisional_year(*y))
                .map(|y| y.to_string())
                .collect();
            let span = match (official.first(), official.last()) {
                (Some(a), Some(b)) => format!("正式：{a}至{b}年"),
                _ => "正式：无".into(),
            };
            if provisional.is_empty() {
                span
            } else {
                format!("{span}；暂定（按法定节假日推算）：{}年", provisional.join("、"))
            }
        }
        Err(_) => "读取失败".into(),
    };
    let calendar_warning = calendar_warning(&state).await;
    let username = user.session.user.username.clone();
    let windows = state
        .app
        .queue
        .windows()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|w| role == Role::Admin || w.staff.contains(&username))
        .map(|w| (w.number, w.name))
        .collect();
    let page = Dashboard {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        name: user.session.user.display_name.clone(),
        role: role.label().into(),
        csrf: user.session.csrf.clone(),
        links,
        version,
        years,
        windows,
        calendar_warning,
    };
    Ok(render(&state, &page))
}

/// "2027年节假日安排尚未导入" from 1 October (or when the current year is missing).
pub async fn calendar_warning(state: &AppState) -> Option<String> {
    let year = state.app.missing_next_year().await.ok().flatten()?;
    Some(format!(
        "{year}年全国节假日安排尚未导入：跨入{year}年的办结期限目前按法定节假日暂定计算（标注“暂定”）。国务院办公厅公布后，请管理员在“工作日历”中导入，在办件期限将自动重新核定。"
    ))
}
