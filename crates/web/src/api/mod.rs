//! The JSON API under `/api`, described by the OpenAPI document at
//! `/api/openapi.json`.

pub mod access;
mod appointment;
mod audit;
mod auth;
mod calendar;
mod case;
mod case_ledger;
mod catalog;
mod complaint;
mod display;
mod docs;
mod evaluation;
mod floor_state;
mod home_visit;
pub mod pad;
mod queue;
// issue 15 part 5: scalpers
mod scalper;
// issue 17: 告知承诺制, 数据共享、电子证照
mod commitment;
mod schemas;
mod users;
// issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
mod conduct;
// issue 16: the monthly assessment
mod assessment;
// Issue 15 part 2: inspections (督查).
mod inspection;
// issue 16 part 6: training
mod staff_profile;
mod training;
// issue 16 part 7: campaigns
mod campaign;
// issue 17: one timeline from ticket to case to evaluation
mod case_timeline;
// issue 17: online application (网上申报) and pre-review (预审)
pub mod application;
// issue 17: smart guide (智能导办)
mod guide;
// issue 18: staffing planner (动态调整窗口)
mod staffing;
// issue 18: reports
mod hall_report;
// issue 18: dashboard
mod dashboard;
// issue 18: charts
mod charts;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post, put};

pub use docs::openapi_document;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(docs::serve))
        .route("/api/auth/login", post(auth::login))
        .route("/api/auth/logout", post(auth::logout))
        .route("/api/auth/me", get(auth::me))
        .route("/api/items", get(catalog::list_items))
        .route(
            "/api/items/{code}",
            get(catalog::get_item)
                .put(catalog::save_item)
                .delete(catalog::remove_item),
        )
        .route("/api/bundles", get(catalog::list_bundles))
        .route("/api/bundles/{code}", get(catalog::get_bundle))
        .route(
            "/api/departments",
            get(catalog::list_departments).post(catalog::add_department),
        )
        .route("/api/catalog/import", post(catalog::import).layer(import_limit()))
        .route("/api/catalog/export", get(catalog::export))
        .route("/api/catalog/versions", get(catalog::versions))
        .route("/api/catalog/versions/{id}/publish", post(catalog::publish))
        .route("/api/calendar/deadline", get(calendar::deadline))
        .route("/api/calendar/days", get(calendar::days))
        .route(
            "/api/calendar/import",
            post(calendar::import).layer(import_limit()),
        )
        .route("/api/users", get(users::list).post(users::add))
        .route("/api/users/{username}", put(users::edit))
        .route("/api/audit", get(audit::list))
        .route(
            "/api/categories",
            get(queue::list_categories).post(queue::create_category),
        )
        .route(
            "/api/windows",
            get(queue::list_windows).post(queue::create_window),
        )
        .route("/api/categories/{prefix}", put(queue::update_category))
        .route("/api/windows/{number}", put(queue::update_window))
        .route("/api/windows/{number}/call", post(queue::call_next))
        .route("/api/windows/{number}/call-number", post(queue::call_number))
        .route("/api/windows/{number}/status", post(queue::window_status))
        .route("/api/tickets", post(queue::take_ticket))
        .route("/api/tickets/{id}", get(queue::get_ticket))
        .route("/api/tickets/{id}/recall", post(queue::recall))
        .route("/api/tickets/{id}/skip", post(queue::skip))
        .route("/api/tickets/{id}/finish", post(queue::finish))
        .route("/api/tickets/{id}/transfer", post(queue::transfer))
        .route("/api/tickets/{id}/requeue", post(queue::requeue))
        .route("/api/display/stream", get(display::stream))
        .route("/api/display/state", get(floor_state::display_state))
        .route("/api/windows/{number}/current", get(floor_state::window_current))
        .route("/api/floor", get(queue::floor))
        .route("/api/reports/queue", get(queue::report))
        .route("/api/appointments", post(appointment::book))
        .route("/api/appointments/slots", get(appointment::slots))
        .route("/api/appointments/{code}/cancel", post(appointment::cancel))
        .route("/api/appointments/{code}/checkin", post(appointment::check_in))
        .route("/api/home-visits", get(home_visit::list).post(home_visit::create))
        .route("/api/home-visits/{id}", get(home_visit::detail))
        .route("/api/home-visits/{id}/schedule", post(home_visit::schedule))
        .route("/api/home-visits/{id}/done", post(home_visit::done))
        .route("/api/home-visits/{id}/cancel", post(home_visit::cancel))
        .route("/api/pads", get(pad::list).post(pad::create))
        .route("/api/pads/{id}/revoke", post(pad::revoke))
        .route("/api/pad/pair", post(pad::pair))
        .route("/api/pad/state", get(pad::pad_state))
        .route("/api/cases", post(case::create).get(case_ledger::list))
        .route("/api/cases/worklist", get(case_ledger::worklist))
        .route("/api/cases/overdue", get(case_ledger::overdue))
        .route("/api/cases/export.xlsx", get(case_ledger::export))
        .route("/api/reports/cases/breakdown", get(case_ledger::breakdown))
        .route("/api/cases/import", post(case::import).layer(import_limit()))
        .route("/api/cases/{id}", get(case::get))
        .route("/api/cases/{id}/supplement", post(case::supplement))
        .route("/api/cases/{id}/identity", get(case::identity))
        .route("/api/cases/{id}/pause", post(case::pause))
        .route("/api/cases/{id}/resume", post(case::resume))
        .route("/api/cases/{id}/review", post(case::review))
        .route("/api/cases/{id}/decide", post(case::decide))
        .route("/api/cases/{id}/complete", post(case::complete))
        .route("/api/cases/{id}/deliver", post(case::deliver))
        .route("/api/cases/{id}/refuse", post(case::refuse))
        .route("/api/cases/{id}/extend", post(case::extend))
        .route("/api/progress", get(case::progress))
        .route("/api/reports/cases", get(case::report))
        .route("/api/evaluations", post(evaluation::create))
        .route(
            "/api/evaluations/import",
            post(evaluation::import).layer(import_limit()),
        )
        .route("/api/evaluations/flags", get(evaluation::flags))
        .route("/api/evaluations/{id}/appeal", post(evaluation::appeal))
        .route(
            "/api/evaluation-reasons",
            get(evaluation::reasons).put(evaluation::set_reasons),
        )
        .route("/api/reports/satisfaction", get(evaluation::satisfaction))
        .route("/api/reports/satisfaction/check", get(evaluation::check))
        .route("/api/rectifications", get(evaluation::rectifications))
        .route("/api/rectifications/{id}", get(evaluation::rectification))
        .route("/api/rectifications/{id}/{step}", post(evaluation::advance))
        .route("/api/appeals", get(evaluation::appeals))
        .route("/api/sms-outbox", get(evaluation::sms_outbox))
        .route("/api/appeals/{id}/decide", post(evaluation::decide))
        // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
        .route(
            "/api/morning-meetings",
            get(conduct::list_meetings).post(conduct::record_meeting),
        )
        .route(
            "/api/morning-meetings/compliance",
            get(conduct::meeting_compliance),
        )
        .route("/api/cards", get(conduct::list_cards))
        .route("/api/cards/{id}", get(conduct::get_card))
        .route("/api/cards/{id}/explain", post(conduct::explain_card))
        .route("/api/cards/{id}/rule", post(conduct::rule_card))
        .route(
            "/api/duty-logs",
            get(conduct::list_duty_logs).post(conduct::open_duty_log),
        )
        .route("/api/duty-logs/{id}/events", post(conduct::add_duty_event))
        .route("/api/duty-logs/{id}/handover", post(conduct::hand_over_duty_log))
        // issue 16: the monthly assessment
        .route("/api/assessment", get(assessment::scores))
        .route("/api/assessment/person", get(assessment::person))
        .route("/api/assessment/freeze", post(assessment::freeze))
        .route("/api/assessment/rescore", post(assessment::rescore))
        .route("/api/assessment/bonuses", post(assessment::add_bonus))
        .route("/api/assessment/incidents", post(assessment::add_incident))
        .route("/api/assessment/entries", get(assessment::entries))
        .route(
            "/api/assessment/scheme",
            get(assessment::scheme).put(assessment::save_scheme),
        )
        .route(
            "/api/reviews",
            get(assessment::list_reviews).post(assessment::add_review),
        )
        .route("/api/red-flag", get(assessment::red_flag))
        .route("/api/service-stars", get(assessment::service_stars))
        // 督查: complaints
        .route("/api/complaints", get(complaint::list).post(complaint::create))
        .route("/api/complaints/progress", get(complaint::progress))
        .route("/api/complaints/feedback", post(complaint::feedback))
        .route("/api/complaints/{id}", get(complaint::detail))
        .route("/api/complaints/{id}/{step}", post(complaint::step))
        // Issue 15 part 2: inspections (督查).
        .route(
            "/api/inspection-checklist",
            get(inspection::checklist).post(inspection::add_item),
        )
        .route("/api/inspection-checklist/all", get(inspection::full_checklist))
        .route("/api/inspection-checklist/{code}", put(inspection::edit_item))
        .route(
            "/api/inspections",
            post(inspection::record)
                .layer(axum::extract::DefaultBodyLimit::max(
                    inspection::INSPECTION_BODY_LIMIT,
                ))
                .get(inspection::list),
        )
        .route("/api/inspections/{id}", get(inspection::detail))
        .route("/api/inspections/{id}/photos/{n}", get(inspection::photo))
        .route("/api/inspections/{id}/acknowledge", post(inspection::acknowledge))
        .route("/api/inspections/{id}/contest", post(inspection::contest))
        .route("/api/inspections/{id}/decide", post(inspection::decide))
        .route("/api/inspections/{id}/rectify", post(inspection::rectify))
        .route(
            "/api/inspection-plans",
            get(inspection::plans).post(inspection::draw_plan),
        )
        // issue 15 part 5: scalpers
        .route("/api/scalpers/suspects", get(scalper::suspects))
        .route("/api/scalpers/suspects/review", post(scalper::review))
        .route(
            "/api/scalpers",
            get(scalper::list)
                .post(scalper::register)
                .layer(axum::extract::DefaultBodyLimit::max(scalper::PHOTO_BODY_LIMIT)),
        )
        .route("/api/scalpers/{id}", get(scalper::detail))
        .route("/api/scalpers/photos/{id}", get(scalper::photo))
        .route("/api/scalpers/{id}/actions", post(scalper::add_action))
        .route("/api/scalpers/rules", get(scalper::rules).put(scalper::set_rules))
        .route("/api/scalpers/alerts", get(scalper::alerts))
        .route(
            "/api/scalpers/alerts/{id}/acknowledge",
            post(scalper::acknowledge),
        )
        // issue 16 part 6: training (and the 三亮 of part 5)
        .route("/api/staff-profiles", get(staff_profile::list))
        .route(
            "/api/staff-profiles/{username}",
            get(staff_profile::get)
                .put(staff_profile::save)
                .layer(axum::extract::DefaultBodyLimit::max(
                    staff_profile::PROFILE_BODY_LIMIT,
                )),
        )
        .route("/api/staff-profiles/{username}/photo", get(staff_profile::photo))
        .route("/api/windows/{number}/public", get(staff_profile::public_window))
        .route(
            "/api/training/courses",
            get(training::list_courses).post(training::create_course),
        )
        .route("/api/training/courses/{id}", get(training::get_course))
        .route(
            "/api/training/courses/{id}/attendance",
            post(training::record_attendance),
        )
        .route(
            "/api/training/exams",
            get(training::list_exams).post(training::create_exam),
        )
        .route("/api/training/exams/{id}", get(training::get_exam))
        .route("/api/training/exams/{id}/questions", post(training::add_question))
        .route("/api/training/exams/{id}/paper", get(training::paper))
        .route("/api/training/exams/{id}/attempts", post(training::submit))
        .route("/api/training/my-exams", get(training::my_exams))
        .route(
            "/api/training/retraining",
            get(training::retraining_list).post(training::record_retraining),
        )
        .route("/api/training/results", get(training::results))
        // issue 16 part 7: campaigns
        .route("/api/campaigns", get(campaign::list).post(campaign::create))
        .route("/api/campaigns/{id}", get(campaign::detail))
        .route("/api/campaigns/{id}/tasks/{task}", put(campaign::set_task_status))
        .route("/api/campaigns/{id}/report.xlsx", get(campaign::report_xlsx))
        // issue 17: one timeline from ticket to case to evaluation
        .route("/api/cases/{id}/timeline", get(case_timeline::timeline))
        // issue 17: 告知承诺制, 数据共享、电子证照
        .route("/api/commitments", get(commitment::list))
        .route("/api/commitments/{id}/verify", post(commitment::verify))
        .route("/api/cases/{id}/revoke", post(commitment::revoke))
        .route("/api/cases/{id}/data-access", get(commitment::data_access))
        .route("/api/licences", get(commitment::licences))
        .route(
            "/api/licences/import",
            post(commitment::import).layer(import_limit()),
        )
        // issue 17: online application (网上申报) and pre-review (预审)
        .route(
            "/api/applications",
            get(application::queue)
                .post(application::submit)
                .layer(axum::extract::DefaultBodyLimit::max(
                    application::APPLICATION_BODY_LIMIT,
                )),
        )
        .route("/api/applications/progress", get(application::progress))
        .route("/api/applications/{id}", get(application::detail))
        .route(
            "/api/applications/{id}/supplement",
            post(application::supplement).layer(axum::extract::DefaultBodyLimit::max(
                application::APPLICATION_BODY_LIMIT,
            )),
        )
        .route("/api/applications/{id}/review", post(application::review))
        .route("/api/applications/{id}/files/{file}", get(application::file))
        // issue 17: smart guide (智能导办)
        .route("/api/guide", get(guide::ask))
        .route("/api/guide/phrases", get(guide::phrases).post(guide::add_phrase))
        .route(
            "/api/guide/phrases/{id}",
            axum::routing::delete(guide::delete_phrase),
        )
        .route("/api/guide/misses", get(guide::misses))
        .route("/api/guide/similar", get(guide::similar).post(guide::add_similar))
        .route(
            "/api/guide/similar/{id}",
            axum::routing::delete(guide::delete_similar),
        )
        // issue 18: staffing planner (动态调整窗口)
        .route("/api/staffing/erlang", get(staffing::erlang))
        .route("/api/staffing/plan", get(staffing::plan))
        .route("/api/staffing/whatif", get(staffing::what_if))
        .route("/api/staffing/review", get(staffing::review))
        // issue 18: reports
        .route("/api/reports/summary", get(hall_report::summary))
        // issue 18: dashboard
        .route("/api/dashboard", get(dashboard::dashboard))
        .route("/api/dashboard/stream", get(dashboard::stream))
        // issue 18: charts
        .route("/api/charts/{file}", get(charts::chart))
        // issue 17 part 1: the kiosk's on-screen pinyin keyboard
        .route("/api/guide/keyboard", get(guide::keyboard))
        .route("/api/{*rest}", axum::routing::any(not_found))
}

/// Imports may carry a province's catalog or a year's ledger.
fn import_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(crate::security::IMPORT_LIMIT)
}

async fn not_found() -> crate::ApiError {
    crate::ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "没有这个接口")
}
