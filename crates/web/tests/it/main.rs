//! Integration tests over real HTTP on a random port, each run on SQLite and
//! on PostgreSQL. One test binary, so linking happens once.
// Tests stop at the first broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_appointments;
mod api_auth;
mod api_calendar;
mod api_case_ledger;
mod api_cases;
mod api_catalog;
mod api_complaints;
mod api_evaluations;
mod api_home_visits;
mod api_pads;
mod api_queue;
mod api_queue_setup;
mod appointment_pages;
mod browser;
mod browser_cases;
mod browser_daily;
mod browser_floor;
mod case_pages;
mod complaint_pages;
mod crawl;
mod daily_path;
mod evaluation_pages;
mod jobs_pages;
mod manage_pages;
mod openapi;
mod pages;
mod queue_setup_pages;
mod rbac;
mod rectification_sources;
mod support;
mod trust;
// issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
mod api_conduct;
// Issue 15 part 2: inspections (督查).
mod api_inspections;
mod browser_inspection;
// issue 15 part 5: scalpers
mod api_scalpers;
// issue 16 part 6: training (and the 三亮 of part 5)
mod api_training;
mod browser_training;
// issue 16 part 7: campaigns
mod api_campaigns;
mod browser_campaigns;
// issue 16: the monthly assessment
mod api_assessment;
mod browser_assessment;
// issue 17: one timeline from ticket to case to evaluation
mod api_case_timeline;
mod browser_case_timeline;
mod case_timeline_pages;
// issue 17: 告知承诺制, 数据共享、电子证照
mod api_commitments;
mod api_sharing_exchange;
// issue 17: online application (网上申报) and pre-review (预审)
mod api_applications;
mod browser_applications;
mod browser_commitments;
// issue 17: smart guide (智能导办)
mod api_guide;
mod browser_guide;
// issue 18: staffing planner (动态调整窗口)
mod api_staffing;
// issue 18: reports
mod api_hall_reports;
mod browser_hall_reports;
// issue 18: dashboard
mod api_dashboard;
mod browser_dashboard;
// issue 18: charts
mod api_charts;
// issue 18: the charts and staffing pages in a browser
mod browser_command_pages;
