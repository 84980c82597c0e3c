//! Who may call each API operation (接口权限): one table, read by the guard
//! that runs before any handler (so a caller without the right role is refused
//! before the path or body is looked at), by the OpenAPI document (`security`
//! and `x-roles`) and by the role-matrix test. The rights themselves are the
//! domain's permission table ([`domain::permission`]).

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::permission::Permission;

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: citizens, kiosks, displays, evaluation pads.
    Public,
    /// A signed-in account whose role holds the permission.
    Signed(Permission),
}

impl Access {
    /// The `x-roles` of the OpenAPI document: `public` or the role codes.
    pub fn role_codes(self) -> Vec<&'static str> {
        match self {
            Access::Public => vec!["public"],
            Access::Signed(p) => p.roles().iter().map(|r| r.code()).collect(),
        }
    }
}

use Access::{Public, Signed};
use Permission as P;

/// Every API operation: method, path (as routed) and who may call it.
pub const OPERATIONS: &[(&str, &str, Access)] = &[
    ("GET", "/api/openapi.json", Public),
    ("POST", "/api/auth/login", Public),
    ("POST", "/api/auth/logout", Signed(P::SignedIn)),
    ("GET", "/api/auth/me", Signed(P::SignedIn)),
    // 事项清单
    ("GET", "/api/items", Public),
    ("GET", "/api/items/{code}", Public),
    ("PUT", "/api/items/{code}", Signed(P::CatalogManage)),
    ("DELETE", "/api/items/{code}", Signed(P::CatalogManage)),
    ("GET", "/api/bundles", Public),
    ("GET", "/api/bundles/{code}", Public),
    ("GET", "/api/departments", Public),
    ("POST", "/api/departments", Signed(P::CatalogManage)),
    ("POST", "/api/catalog/import", Signed(P::CatalogManage)),
    ("GET", "/api/catalog/export", Public),
    ("GET", "/api/catalog/versions", Signed(P::CatalogManage)),
    (
        "POST",
        "/api/catalog/versions/{id}/publish",
        Signed(P::CatalogManage),
    ),
    // 工作日历
    ("GET", "/api/calendar/deadline", Public),
    ("GET", "/api/calendar/days", Public),
    ("POST", "/api/calendar/import", Signed(P::CalendarManage)),
    // 账号与审计
    ("GET", "/api/users", Signed(P::AccountsManage)),
    ("POST", "/api/users", Signed(P::AccountsManage)),
    ("PUT", "/api/users/{username}", Signed(P::AccountsManage)),
    ("GET", "/api/audit", Signed(P::AuditRead)),
    // 排队叫号
    ("GET", "/api/categories", Public),
    ("POST", "/api/categories", Signed(P::QueueSetup)),
    ("PUT", "/api/categories/{prefix}", Signed(P::QueueSetup)),
    ("GET", "/api/windows", Public),
    ("POST", "/api/windows", Signed(P::WindowAdd)),
    ("PUT", "/api/windows/{number}", Signed(P::QueueSetup)),
    ("POST", "/api/windows/{number}/call", Signed(P::WindowServe)),
    (
        "POST",
        "/api/windows/{number}/call-number",
        Signed(P::WindowServe),
    ),
    ("GET", "/api/windows/{number}/current", Signed(P::WindowServe)),
    ("POST", "/api/windows/{number}/status", Signed(P::WindowControl)),
    ("POST", "/api/tickets", Public),
    ("GET", "/api/tickets/{id}", Public),
    ("POST", "/api/tickets/{id}/recall", Signed(P::WindowServe)),
    ("POST", "/api/tickets/{id}/skip", Signed(P::WindowServe)),
    ("POST", "/api/tickets/{id}/finish", Signed(P::WindowServe)),
    ("POST", "/api/tickets/{id}/transfer", Signed(P::WindowServe)),
    ("POST", "/api/tickets/{id}/requeue", Public),
    ("GET", "/api/display/stream", Public),
    ("GET", "/api/display/state", Public),
    ("GET", "/api/floor", Signed(P::FloorView)),
    ("GET", "/api/reports/queue", Signed(P::ReportsRead)),
    // 预约与上门服务
    ("POST", "/api/appointments", Public),
    ("GET", "/api/appointments/slots", Public),
    ("POST", "/api/appointments/{code}/cancel", Public),
    ("POST", "/api/appointments/{code}/checkin", Public),
    ("GET", "/api/home-visits", Signed(P::HomeVisitHandle)),
    ("POST", "/api/home-visits", Public),
    ("GET", "/api/home-visits/{id}", Signed(P::HomeVisitHandle)),
    (
        "POST",
        "/api/home-visits/{id}/schedule",
        Signed(P::HomeVisitHandle),
    ),
    ("POST", "/api/home-visits/{id}/done", Signed(P::HomeVisitHandle)),
    ("POST", "/api/home-visits/{id}/cancel", Signed(P::HomeVisitHandle)),
    // 评价器与三亮
    ("GET", "/api/pads", Signed(P::PadManage)),
    ("POST", "/api/pads", Signed(P::PadManage)),
    ("POST", "/api/pads/{id}/revoke", Signed(P::PadManage)),
    ("POST", "/api/pad/pair", Public),
    ("GET", "/api/pad/state", Public),
    // 办件
    ("POST", "/api/cases", Signed(P::CaseHandle)),
    ("GET", "/api/cases", Signed(P::CaseRead)),
    ("GET", "/api/cases/worklist", Signed(P::CaseRead)),
    ("GET", "/api/cases/overdue", Signed(P::CaseOversight)),
    ("GET", "/api/cases/export.xlsx", Signed(P::CaseRead)),
    ("POST", "/api/cases/import", Signed(P::HistoryImport)),
    ("GET", "/api/cases/{id}", Signed(P::CaseRead)),
    ("GET", "/api/cases/{id}/identity", Signed(P::CaseIdentity)),
    ("POST", "/api/cases/{id}/supplement", Signed(P::CaseHandle)),
    ("POST", "/api/cases/{id}/pause", Signed(P::CaseHandle)),
    ("POST", "/api/cases/{id}/resume", Signed(P::CaseHandle)),
    ("POST", "/api/cases/{id}/review", Signed(P::CaseHandle)),
    ("POST", "/api/cases/{id}/decide", Signed(P::CaseHandle)),
    ("POST", "/api/cases/{id}/complete", Signed(P::CaseHandle)),
    ("POST", "/api/cases/{id}/deliver", Signed(P::CaseHandle)),
    ("POST", "/api/cases/{id}/refuse", Signed(P::CaseHandle)),
    ("POST", "/api/cases/{id}/extend", Signed(P::CaseExtend)),
    ("GET", "/api/progress", Public),
    ("GET", "/api/reports/cases", Signed(P::ReportsRead)),
    ("GET", "/api/reports/cases/breakdown", Signed(P::CaseOversight)),
    // 好差评
    ("POST", "/api/evaluations", Public),
    ("POST", "/api/evaluations/import", Signed(P::HistoryImport)),
    ("GET", "/api/evaluations/flags", Signed(P::EvaluationIntegrity)),
    ("POST", "/api/evaluations/{id}/appeal", Signed(P::AppealFile)),
    ("GET", "/api/evaluation-reasons", Public),
    (
        "PUT",
        "/api/evaluation-reasons",
        Signed(P::EvaluationReasonsManage),
    ),
    ("GET", "/api/reports/satisfaction", Signed(P::ReportsRead)),
    ("GET", "/api/reports/satisfaction/check", Signed(P::ReportsRead)),
    ("GET", "/api/rectifications", Signed(P::RectificationRead)),
    ("GET", "/api/rectifications/{id}", Signed(P::RectificationRead)),
    (
        "POST",
        "/api/rectifications/{id}/{step}",
        Signed(P::RectificationHandle),
    ),
    ("GET", "/api/appeals", Signed(P::AppealDecide)),
    ("POST", "/api/appeals/{id}/decide", Signed(P::AppealDecide)),
    ("GET", "/api/sms-outbox", Signed(P::EvaluationIntegrity)),
    // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
    ("POST", "/api/morning-meetings", Signed(P::MorningMeetingRecord)),
    ("GET", "/api/morning-meetings", Signed(P::MorningMeetingRead)),
    (
        "GET",
        "/api/morning-meetings/compliance",
        Signed(P::MorningMeetingRead),
    ),
    ("GET", "/api/cards", Signed(P::CardRead)),
    ("GET", "/api/cards/{id}", Signed(P::CardRead)),
    ("POST", "/api/cards/{id}/explain", Signed(P::CardExplain)),
    ("POST", "/api/cards/{id}/rule", Signed(P::CardRule)),
    ("POST", "/api/duty-logs", Signed(P::DutyLogWrite)),
    ("GET", "/api/duty-logs", Signed(P::DutyLogRead)),
    ("POST", "/api/duty-logs/{id}/events", Signed(P::DutyLogWrite)),
    ("POST", "/api/duty-logs/{id}/handover", Signed(P::DutyLogWrite)),
    // issue 16: the monthly assessment
    ("GET", "/api/assessment", Signed(P::AssessmentRead)),
    ("GET", "/api/assessment/person", Signed(P::SignedIn)),
    ("POST", "/api/assessment/freeze", Signed(P::AssessmentManage)),
    ("POST", "/api/assessment/rescore", Signed(P::AssessmentManage)),
    ("POST", "/api/assessment/bonuses", Signed(P::AssessmentManage)),
    ("POST", "/api/assessment/incidents", Signed(P::AssessmentManage)),
    ("GET", "/api/assessment/entries", Signed(P::AssessmentRead)),
    ("GET", "/api/assessment/scheme", Signed(P::AssessmentRead)),
    ("PUT", "/api/assessment/scheme", Signed(P::AssessmentScheme)),
    ("GET", "/api/reviews", Signed(P::AssessmentRead)),
    ("POST", "/api/reviews", Signed(P::SignedIn)),
    ("GET", "/api/red-flag", Public),
    ("GET", "/api/service-stars", Public),
    // 督查: complaints
    ("POST", "/api/complaints", Public),
    ("GET", "/api/complaints", Signed(P::ComplaintRead)),
    ("GET", "/api/complaints/progress", Public),
    ("POST", "/api/complaints/feedback", Public),
    ("GET", "/api/complaints/{id}", Signed(P::ComplaintRead)),
    ("POST", "/api/complaints/{id}/{step}", Signed(P::ComplaintHandle)),
    // Issue 15 part 2: inspections (督查).
    ("GET", "/api/inspection-checklist", Signed(P::InspectionRead)),
    (
        "POST",
        "/api/inspection-checklist",
        Signed(P::InspectionChecklistManage),
    ),
    (
        "GET",
        "/api/inspection-checklist/all",
        Signed(P::InspectionChecklistManage),
    ),
    (
        "PUT",
        "/api/inspection-checklist/{code}",
        Signed(P::InspectionChecklistManage),
    ),
    ("POST", "/api/inspections", Signed(P::InspectionRecord)),
    ("GET", "/api/inspections", Signed(P::InspectionRead)),
    ("GET", "/api/inspections/{id}", Signed(P::InspectionRead)),
    (
        "GET",
        "/api/inspections/{id}/photos/{n}",
        Signed(P::InspectionRead),
    ),
    (
        "POST",
        "/api/inspections/{id}/acknowledge",
        Signed(P::InspectionRespond),
    ),
    (
        "POST",
        "/api/inspections/{id}/contest",
        Signed(P::InspectionRespond),
    ),
    (
        "POST",
        "/api/inspections/{id}/decide",
        Signed(P::InspectionDecide),
    ),
    (
        "POST",
        "/api/inspections/{id}/rectify",
        Signed(P::InspectionRecord),
    ),
    ("POST", "/api/inspection-plans", Signed(P::InspectionRecord)),
    ("GET", "/api/inspection-plans", Signed(P::InspectionRecord)),
    // issue 15 part 5: 黄牛、非法中介
    ("GET", "/api/scalpers/suspects", Signed(P::ScalperRead)),
    ("POST", "/api/scalpers/suspects/review", Signed(P::ScalperManage)),
    ("GET", "/api/scalpers", Signed(P::ScalperRead)),
    ("POST", "/api/scalpers", Signed(P::ScalperManage)),
    ("GET", "/api/scalpers/{id}", Signed(P::ScalperRead)),
    ("GET", "/api/scalpers/photos/{id}", Signed(P::ScalperRead)),
    ("POST", "/api/scalpers/{id}/actions", Signed(P::ScalperManage)),
    ("GET", "/api/scalpers/rules", Signed(P::ScalperRead)),
    ("PUT", "/api/scalpers/rules", Signed(P::ScalperManage)),
    ("GET", "/api/scalpers/alerts", Signed(P::ScalperRead)),
    (
        "POST",
        "/api/scalpers/alerts/{id}/acknowledge",
        Signed(P::ScalperManage),
    ),
    // issue 16 part 6: training (and the 三亮 of part 5)
    ("GET", "/api/staff-profiles", Signed(P::StaffProfileManage)),
    (
        "GET",
        "/api/staff-profiles/{username}",
        Signed(P::StaffProfileOwn),
    ),
    (
        "PUT",
        "/api/staff-profiles/{username}",
        Signed(P::StaffProfileManage),
    ),
    ("GET", "/api/staff-profiles/{username}/photo", Public),
    ("GET", "/api/windows/{number}/public", Public),
    ("GET", "/api/training/courses", Signed(P::TrainingRead)),
    ("POST", "/api/training/courses", Signed(P::TrainingManage)),
    ("GET", "/api/training/courses/{id}", Signed(P::TrainingRead)),
    (
        "POST",
        "/api/training/courses/{id}/attendance",
        Signed(P::TrainingManage),
    ),
    ("GET", "/api/training/exams", Signed(P::TrainingRead)),
    ("POST", "/api/training/exams", Signed(P::TrainingManage)),
    ("GET", "/api/training/exams/{id}", Signed(P::TrainingManage)),
    (
        "POST",
        "/api/training/exams/{id}/questions",
        Signed(P::TrainingManage),
    ),
    ("GET", "/api/training/exams/{id}/paper", Signed(P::ExamTake)),
    ("POST", "/api/training/exams/{id}/attempts", Signed(P::ExamTake)),
    ("GET", "/api/training/my-exams", Signed(P::ExamTake)),
    ("GET", "/api/training/retraining", Signed(P::TrainingRead)),
    ("POST", "/api/training/retraining", Signed(P::TrainingManage)),
    ("GET", "/api/training/results", Signed(P::TrainingRead)),
    // issue 16 part 7: campaigns
    ("GET", "/api/campaigns", Signed(P::CampaignRead)),
    ("POST", "/api/campaigns", Signed(P::CampaignManage)),
    ("GET", "/api/campaigns/{id}", Signed(P::CampaignRead)),
    (
        "PUT",
        "/api/campaigns/{id}/tasks/{task}",
        Signed(P::CampaignTaskUpdate),
    ),
    ("GET", "/api/campaigns/{id}/report.xlsx", Signed(P::ReportsRead)),
    // issue 17: one timeline from ticket to case to evaluation
    ("GET", "/api/cases/{id}/timeline", Signed(P::CaseTimeline)),
    // issue 17: 告知承诺制, 数据共享、电子证照
    ("GET", "/api/commitments", Signed(P::CommitmentVerify)),
    (
        "POST",
        "/api/commitments/{id}/verify",
        Signed(P::CommitmentVerify),
    ),
    ("POST", "/api/cases/{id}/revoke", Signed(P::CommitmentVerify)),
    ("GET", "/api/cases/{id}/data-access", Signed(P::CaseRead)),
    ("GET", "/api/licences", Signed(P::LicenceManage)),
    ("POST", "/api/licences/import", Signed(P::LicenceManage)),
    // issue 17: online application (网上申报) and pre-review (预审)
    ("POST", "/api/applications", Public),
    ("GET", "/api/applications", Signed(P::ApplicationReview)),
    ("GET", "/api/applications/progress", Public),
    ("GET", "/api/applications/{id}", Signed(P::ApplicationReview)),
    ("POST", "/api/applications/{id}/supplement", Public),
    (
        "POST",
        "/api/applications/{id}/review",
        Signed(P::ApplicationReview),
    ),
    (
        "GET",
        "/api/applications/{id}/files/{file}",
        Signed(P::ApplicationReview),
    ),
    // issue 17: smart guide (智能导办)
    ("GET", "/api/guide", Public),
    ("GET", "/api/guide/phrases", Signed(P::GuideManage)),
    ("POST", "/api/guide/phrases", Signed(P::GuideManage)),
    ("DELETE", "/api/guide/phrases/{id}", Signed(P::GuideManage)),
    ("GET", "/api/guide/misses", Signed(P::GuideManage)),
    ("GET", "/api/guide/similar", Signed(P::GuideManage)),
    ("POST", "/api/guide/similar", Signed(P::GuideManage)),
    ("DELETE", "/api/guide/similar/{id}", Signed(P::GuideManage)),
    // issue 18: staffing planner (动态调整窗口)
    ("GET", "/api/staffing/erlang", Public),
    ("GET", "/api/staffing/plan", Signed(P::StaffingPlan)),
    ("GET", "/api/staffing/whatif", Signed(P::StaffingPlan)),
    ("GET", "/api/staffing/review", Signed(P::StaffingPlan)),
    // issue 18: reports
    ("GET", "/api/reports/summary", Signed(P::HallReportRead)),
    // issue 18: dashboard
    ("GET", "/api/dashboard", Signed(P::DashboardRead)),
    ("GET", "/api/dashboard/stream", Signed(P::DashboardRead)),
    // issue 18: charts
    ("GET", "/api/charts/{file}", Signed(P::ChartsRead)),
    // issue 17 part 1: the kiosk's on-screen pinyin keyboard
    ("GET", "/api/guide/keyboard", Public),
];

/// Who may call `method` on the routed `path` (`None`: not an API operation).
pub fn access_of(method: &Method, path: &str) -> Option<Access> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    OPERATIONS
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, a)| *a)
}

/// Checks the caller against [`OPERATIONS`] before the handler (and its
/// extractors) run: no token → 401, a role not listed → 403. The signed-in
/// user is handed on to the handler in the request's extensions.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(path) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
    else {
        return next.run(req).await;
    };
    if path == "/api/{*rest}" {
        return next.run(req).await;
    }
    let Some(access) = access_of(req.method(), &path) else {
        // A method the route does not have: the router answers 405.
        if OPERATIONS.iter().any(|(_, p, _)| *p == path) {
            return next.run(req).await;
        }
        // A route missing from the table is refused, never open by mistake.
        tracing::error!(%path, method = %req.method(), "API route without an access rule");
        return ApiError::new(StatusCode::FORBIDDEN, "forbidden", "此接口未配置访问权限").into_response();
    };
    let (mut parts, body) = req.into_parts();
    let user = match CurrentUser::resolve(&mut parts, &state).await {
        Ok(user) => user,
        Err(e) => return refuse(body, e).await,
    };
    if let Access::Signed(permission) = access {
        let Some(user) = &user else {
            return refuse(body, ApiError::unauthorized()).await;
        };
        if !user.session.user.role.can(permission) {
            let e = ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("此操作需要{}权限", permission.role_labels()),
            );
            return refuse(body, e).await;
        }
    }
    if let Some(user) = user {
        parts.extensions.insert(user);
    }
    next.run(Request::from_parts(parts, body)).await
}

/// Refuses a caller without looking at what it sent. The unread body is
/// discarded (up to the JSON limit, briefly) so the connection stays usable;
/// a larger or slower one closes the connection, said in the answer so the
/// client does not send its next request on it.
async fn refuse(body: axum::body::Body, e: ApiError) -> Response {
    let drained = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        axum::body::to_bytes(body, crate::security::BODY_LIMIT),
    )
    .await;
    let mut resp = e.into_response();
    if !matches!(drained, Ok(Ok(_))) {
        resp.headers_mut().insert(
            axum::http::header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
    }
    resp
}
