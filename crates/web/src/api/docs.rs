//! The OpenAPI 3.1 document (接口文档).

mod responses;

use axum::Json;
use axum::http::Method;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "govhall 政务服务大厅 API", description = "事项清单、工作日历、排队叫号、预约与上门服务、办件、好差评、账号与审计。\
        令牌：`Authorization: Bearer TOKEN`（POST /api/auth/login 取得）或浏览器会话 Cookie（写操作带 X-CSRF-Token）。\
        错误统一为 {\"error\":{\"code\",\"message\",\"field\"}}：code 稳定，message 为中文，field 指出哪一项输入有误。"),
    paths(
        super::auth::login, super::auth::logout, super::auth::me,
        super::catalog::list_items, super::catalog::get_item, super::catalog::save_item, super::catalog::remove_item,
        super::catalog::list_bundles, super::catalog::get_bundle,
        super::catalog::list_departments, super::catalog::add_department,
        super::catalog::import, super::catalog::export, super::catalog::versions, super::catalog::publish,
        super::calendar::deadline, super::calendar::days, super::calendar::import,
        super::users::list, super::users::add, super::users::edit,
        super::audit::list,
        super::queue::create_category, super::queue::list_categories, super::queue::create_window, super::queue::list_windows,
        super::queue::call_next, super::queue::call_number, super::queue::window_status, super::queue::take_ticket, super::queue::get_ticket,
        super::queue::recall, super::queue::skip, super::queue::finish, super::queue::transfer,
        super::queue::update_category, super::queue::update_window,
        super::display::stream, super::floor_state::display_state, super::floor_state::window_current, super::queue::floor, super::queue::requeue, super::queue::report,
        super::appointment::book, super::appointment::slots, super::appointment::cancel, super::appointment::check_in,
        super::home_visit::create, super::home_visit::list, super::home_visit::detail,
        super::home_visit::schedule, super::home_visit::done, super::home_visit::cancel,
        super::pad::create, super::pad::list, super::pad::revoke, super::pad::pair, super::pad::pad_state,
        super::evaluation::create, super::evaluation::import, super::evaluation::appeal, super::evaluation::reasons,
        super::evaluation::set_reasons, super::evaluation::satisfaction, super::evaluation::check,
        super::evaluation::rectifications, super::evaluation::rectification, super::evaluation::advance,
        super::evaluation::appeals, super::evaluation::decide, super::evaluation::sms_outbox, super::evaluation::flags,
        super::case::create, super::case::get, super::case::supplement, super::case::pause, super::case::resume, super::case::review, super::case::decide,
        super::case::complete, super::case::deliver, super::case::refuse, super::case::extend, super::case::progress,
        super::case::report, super::case::import, super::case::identity,
        super::case_ledger::list, super::case_ledger::worklist, super::case_ledger::overdue,
        super::case_ledger::breakdown, super::case_ledger::export,
        // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
        super::conduct::record_meeting, super::conduct::list_meetings, super::conduct::meeting_compliance,
        super::conduct::list_cards, super::conduct::get_card, super::conduct::explain_card, super::conduct::rule_card,
        super::conduct::open_duty_log, super::conduct::list_duty_logs, super::conduct::add_duty_event,
        super::conduct::hand_over_duty_log,
        // issue 16: the monthly assessment
        super::assessment::scores, super::assessment::person, super::assessment::red_flag,
        super::assessment::service_stars, super::assessment::freeze, super::assessment::rescore,
        super::assessment::add_review, super::assessment::list_reviews, super::assessment::add_bonus,
        super::assessment::add_incident, super::assessment::entries, super::assessment::scheme,
        super::assessment::save_scheme,
        super::complaint::create, super::complaint::list, super::complaint::detail, super::complaint::step,
        super::complaint::progress, super::complaint::feedback,
        // Issue 15 part 2: inspections (督查).
        super::inspection::checklist, super::inspection::full_checklist, super::inspection::add_item,
        super::inspection::edit_item, super::inspection::record, super::inspection::list, super::inspection::detail,
        super::inspection::photo, super::inspection::acknowledge, super::inspection::contest, super::inspection::decide, super::inspection::rectify,
        super::inspection::draw_plan, super::inspection::plans,
        // issue 15 part 5: scalpers
        super::scalper::suspects, super::scalper::review, super::scalper::list, super::scalper::register,
        super::scalper::detail, super::scalper::photo, super::scalper::add_action, super::scalper::rules,
        super::scalper::set_rules, super::scalper::alerts, super::scalper::acknowledge,
        // issue 16 part 6: training (and the 三亮 of part 5)
        super::staff_profile::list, super::staff_profile::get, super::staff_profile::save,
        super::staff_profile::photo, super::staff_profile::public_window,
        super::training::create_course, super::training::list_courses, super::training::get_course,
        super::training::record_attendance, super::training::create_exam, super::training::list_exams,
        super::training::get_exam, super::training::add_question, super::training::my_exams,
        super::training::paper, super::training::submit, super::training::retraining_list,
        super::training::record_retraining, super::training::results,
        // issue 16 part 7: campaigns
        super::campaign::create, super::campaign::list, super::campaign::detail,
        super::campaign::set_task_status, super::campaign::report_xlsx,
        // issue 17: one timeline from ticket to case to evaluation
        super::case_timeline::timeline,
        // issue 17: 告知承诺制, 数据共享、电子证照
        super::commitment::list, super::commitment::verify, super::commitment::revoke,
        super::commitment::data_access, super::commitment::import, super::commitment::licences,
        // issue 17: online application (网上申报) and pre-review (预审)
        super::application::submit, super::application::progress, super::application::supplement,
        super::application::queue, super::application::detail, super::application::file,
        super::application::review,
        // issue 17: smart guide (智能导办)
        super::guide::ask, super::guide::phrases, super::guide::add_phrase,
        super::guide::delete_phrase, super::guide::misses, super::guide::similar,
        super::guide::add_similar, super::guide::delete_similar,
        // issue 18: staffing planner (动态调整窗口)
        super::staffing::erlang, super::staffing::plan, super::staffing::what_if,
        super::staffing::review,
        // issue 18: reports
        super::hall_report::summary,
        // issue 18: dashboard
        super::dashboard::dashboard, super::dashboard::stream,
        // issue 18: charts
        super::charts::chart,
        // issue 17 part 1: the kiosk's on-screen pinyin keyboard
        super::guide::keyboard,
        serve,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerAuth, &AccessRules, &ErrorResponses)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "浏览器登录会话（写操作须带 X-CSRF-Token）",
            ))),
        );
    }
}

/// Who may call each operation, from the one access table: `security` and
/// `x-roles` on every operation.
struct AccessRules;

impl Modify for AccessRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                let Some(access) = super::access::access_of(&method, path) else {
                    continue;
                };
                let roles = access.role_codes();
                op.extensions
                    .get_or_insert_with(Default::default)
                    .insert("x-roles".into(), serde_json::json!(roles));
                op.security = match access {
                    // Public, unless the handler says a token may add to it
                    // (`security((), ("bearer" = []), …)`: e.g. a phone booking).
                    super::access::Access::Public => op.security.take().filter(|s| {
                        s.iter()
                            .any(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
                    }),
                    super::access::Access::Signed(_) => Some(vec![
                        SecurityRequirement::new("bearer", Vec::<String>::new()),
                        SecurityRequirement::new("session", Vec::<String>::new()),
                    ]),
                };
            }
        }
    }
}

/// The error answers of every operation, from what it takes (see [`responses`]).
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                responses::add_error_responses(method.as_str(), path, op);
            }
        }
    }
}

/// The operations of a path with their methods.
fn operations(item: &mut PathItem) -> Vec<(Method, &mut Operation)> {
    let mut out = Vec::new();
    let PathItem {
        get,
        put,
        post,
        delete,
        patch,
        ..
    } = item;
    for (m, op) in [
        (Method::GET, get),
        (Method::PUT, put),
        (Method::POST, post),
        (Method::DELETE, delete),
        (Method::PATCH, patch),
    ] {
        if let Some(op) = op.as_mut() {
            out.push((m, op));
        }
    }
    out
}

pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "文档", operation_id = "openapi_document",
    responses((status = 200, description = "本文档（OpenAPI 3.1 JSON）", body = Object)))]
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}
