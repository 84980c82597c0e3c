//! 投诉 for the 督查科: the list (open ones by deadline, late ones marked),
//! the desk/hotline/letter intake, one complaint with its history and the
//! next step's form. A department's liaison reads its own without the
//! complainant; staff never read complaints.

use super::{back, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, PageForm, render};
use app::complaint::{
    ComplaintAbout, ComplaintDetail, ComplaintReceipt, ComplaintRequest, ComplaintView, StepRequest,
};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::complaint::{ComplaintCategory, ComplaintChannel, ComplaintStatus, ComplaintStep};
use domain::permission::Permission;
use serde::Deserialize;
use store::complaint::ComplaintFilter;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supervise/complaints", get(list))
        .route("/supervise/complaints/new", get(new_form).post(record))
        .route("/supervise/complaints/{id}", get(detail))
        .route("/supervise/complaints/{id}/{step}", post(act))
}

pub struct Tab {
    code: &'static str,
    label: &'static str,
    current: bool,
}

#[derive(Template)]
#[template(path = "manage/complaints.html")]
struct ListPage {
    chrome: Chrome,
    ok: Option<String>,
    error: Option<String>,
    tabs: Vec<Tab>,
    rows: Vec<ComplaintView>,
    can_file: bool,
}

#[derive(Deserialize, Default)]
struct ListParams {
    tab: Option<String>,
    ok: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<ListParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::ComplaintRead, &uri)?;
    let tab = p.tab.as_deref().unwrap_or("open");
    let filter = ComplaintFilter {
        open: tab == "open",
        status: (tab == "archived").then_some(ComplaintStatus::Archived),
        limit: 500,
        ..ComplaintFilter::default()
    };
    let rows = state
        .app
        .complaints
        .complaints(&user.session, filter)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let tabs = [("open", "待办结"), ("archived", "已归档"), ("all", "全部")]
        .into_iter()
        .map(|(code, label)| Tab {
            code,
            label,
            current: code == tab,
        })
        .collect();
    let page = ListPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        ok: p.ok,
        error: None,
        tabs,
        rows,
        can_file: user.session.user.role.can(Permission::ComplaintFile),
    };
    Ok(render(&state, &page))
}

#[derive(Deserialize, Default)]
struct IntakeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    window: String,
    #[serde(default)]
    staff: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    anonymous: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
}

#[derive(Template)]
#[template(path = "manage/complaint_new.html")]
struct IntakePage {
    chrome: Chrome,
    csrf: String,
    form: IntakeForm,
    channels: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    field: String,
    done: Option<ComplaintReceipt>,
}

fn intake_page(
    state: &AppState,
    user: &CurrentUser,
    form: IntakeForm,
    error: Option<(StatusCode, String, String)>,
    done: Option<ComplaintReceipt>,
) -> Response {
    let (status, error, field) = match error {
        Some((s, m, f)) => (s, Some(m), f),
        None if done.is_some() => (StatusCode::CREATED, None, String::new()),
        None => (StatusCode::OK, None, String::new()),
    };
    let page = IntakePage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        form,
        channels: ComplaintChannel::ALL
            .iter()
            .filter(|c| !c.is_public())
            .map(|c| (c.code(), c.label()))
            .collect(),
        categories: ComplaintCategory::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        error,
        field,
        done,
    };
    (status, render(state, &page)).into_response()
}

async fn new_form(State(state): State<AppState>, user: Option<CurrentUser>, uri: Uri) -> PageResult {
    let user = guard(&state, user, Permission::ComplaintFile, &uri)?;
    let form = IntakeForm {
        channel: ComplaintChannel::Hall.code().into(),
        ..IntakeForm::default()
    };
    Ok(intake_page(&state, &user, form, None, None))
}

async fn record(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<IntakeForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::ComplaintFile, &uri, &headers, &f.csrf)?;
    let req = ComplaintRequest {
        channel: f.channel.clone(),
        content: f.content.clone(),
        category: f.category.clone(),
        about: ComplaintAbout {
            window: f.window.clone(),
            staff: f.staff.clone(),
            department: f.department.clone(),
            item: f.item.clone(),
        },
        anonymous: f.anonymous == "on",
        name: f.name.clone(),
        phone: f.phone.clone(),
    };
    Ok(
        match state
            .app
            .complaints
            .file_complaint(&req, Some(&user.session))
            .await
        {
            Ok(receipt) => intake_page(&state, &user, IntakeForm::default(), None, Some(receipt)),
            Err(e) => match crate::pages::appointments::refusal(&state, e) {
                Ok(refused) => intake_page(&state, &user, f, Some(refused), None),
                Err(page) => page.into_response(),
            },
        },
    )
}

pub struct StepRow {
    at: String,
    actor: String,
    label: &'static str,
    note: String,
}

/// The next steps a supervisor can take from a status.
pub struct NextStep {
    code: &'static str,
    label: &'static str,
    hint: &'static str,
}

fn next_steps(status: ComplaintStatus) -> Vec<NextStep> {
    let step = |s: ComplaintStep, hint| NextStep {
        code: s.code(),
        label: s.label(),
        hint,
    };
    match status {
        ComplaintStatus::Received => vec![step(ComplaintStep::Accept, "受理意见（转交谁调查）")],
        ComplaintStatus::Accepted => vec![step(
            ComplaintStep::Investigate,
            "调查安排（调取监控、约谈、核对记录）",
        )],
        ComplaintStatus::Investigating => vec![step(ComplaintStep::Handle, "调查结论和处理意见")],
        ComplaintStatus::Handled => vec![step(ComplaintStep::Answer, "给投诉人的答复")],
        ComplaintStatus::Answered => vec![step(ComplaintStep::Archive, "归档说明")],
        ComplaintStatus::Archived => Vec::new(),
    }
}

#[derive(Template)]
#[template(path = "manage/complaint.html")]
struct DetailPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    d: ComplaintDetail,
    received: String,
    steps: Vec<StepRow>,
    next: Vec<NextStep>,
    can_handle: bool,
}

// A refusal is the page the handler returns as it is (as in `guard`).
#[allow(clippy::result_large_err)]
fn parse_id(state: &AppState, raw: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(raw)
        .map_err(|_| PageError::new(state, StatusCode::NOT_FOUND, "没有找到", "投诉不存在").into_response())
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let d = match state.app.complaints.complaint(&user.session, id).await {
        Ok(d) => d,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let (code, error) = match error {
        Some((code, message)) => (code, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = DetailPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        received: local(state, d.view.complaint.received_at),
        steps: d
            .steps
            .iter()
            .map(|s| StepRow {
                at: local(state, s.at),
                actor: s.actor.clone(),
                label: domain::complaint::history_label(&s.step),
                note: s.note.clone(),
            })
            .collect(),
        next: next_steps(d.view.complaint.status),
        can_handle: user.session.user.role.can(Permission::ComplaintHandle),
        d,
    };
    (code, render(state, &page)).into_response()
}

#[derive(Deserialize, Default)]
struct DetailParams {
    ok: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
    Query(p): Query<DetailParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::ComplaintRead, &uri)?;
    let id = parse_id(&state, &id)?;
    Ok(show(&state, &user, id, p.ok, None).await)
}

#[derive(Deserialize)]
struct StepForm {
    csrf: String,
    #[serde(default)]
    note: String,
    /// "yes" / "no" at 处置.
    #[serde(default)]
    substantiated: String,
    /// "yes" / "no" / "" (not yet known) at 反馈.
    #[serde(default)]
    accepted: String,
}

fn yes_no(raw: &str) -> Option<bool> {
    match raw {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

async fn act(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((id, step)): Path<(String, String)>,
    PageForm(f): PageForm<StepForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::ComplaintHandle, &uri, &headers, &f.csrf)?;
    let id = parse_id(&state, &id)?;
    let Some(step) = ComplaintStep::parse(&step).filter(|s| *s != ComplaintStep::Reject) else {
        return Err(
            PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "没有这个办理环节").into_response(),
        );
    };
    let req = StepRequest {
        note: f.note,
        substantiated: yes_no(&f.substantiated),
        accepted: yes_no(&f.accepted),
    };
    match state
        .app
        .complaints
        .take_step(&user.session, id, step, &req)
        .await
    {
        Ok(d) => Ok(back(
            &format!("/supervise/complaints/{id}"),
            &format!("已记录“{}”，投诉现为“{}”", step.label(), d.view.status_label),
        )),
        Err(e) => {
            let api = crate::ApiError::from(e);
            Ok(show(&state, &user, id, None, Some((api.status, api.message))).await)
        }
    }
}
