//! 收集—整改—反馈 for supervisors: the rectification of every 差评 step by
//! step (核实、整改、回访、办结), appeals (申诉) against malicious reviews,
//! and the hall's list of 差评 reasons.

use super::{back, guard, guard_post, local};
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, PageForm, render};
use crate::{ApiError, AppState};
use app::rectification::{RectificationView, status_filter};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::permission::Permission;
use domain::rectification::{AppealStatus, RectificationAction, RectificationStatus};
use jiff::civil::Date;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/rectifications", get(list))
        .route("/admin/rectifications/{id}", get(detail))
        .route("/admin/rectifications/{id}/{step}", post(step))
        .route("/admin/appeals", get(appeals))
        .route("/admin/appeals/{id}/decide", post(decide))
        .route("/admin/evaluation-reasons", get(reasons).post(save_reasons))
}

/// A tab of the list: the rectifications not yet closed (未办结, the
/// default), those of one status, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Unclosed,
    Status(RectificationStatus),
    All,
}

impl Tab {
    fn all() -> Vec<Tab> {
        let statuses = RectificationStatus::ALL.into_iter().map(Tab::Status);
        std::iter::once(Tab::Unclosed)
            .chain(statuses)
            .chain(std::iter::once(Tab::All))
            .collect()
    }

    fn code(self) -> &'static str {
        match self {
            Tab::Unclosed => "pending",
            Tab::Status(s) => s.code(),
            Tab::All => "all",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Unclosed => "未办结",
            Tab::Status(s) => s.label(),
            Tab::All => "全部",
        }
    }

    /// The tab a `?status=` names; an unknown status is refused as the API refuses it.
    fn parse(raw: Option<&str>) -> app::AppResult<Tab> {
        Ok(match raw {
            None => Tab::Unclosed,
            Some(s) if s == Tab::Unclosed.code() => Tab::Unclosed,
            Some(s) if s == Tab::All.code() => Tab::All,
            Some(s) => status_filter(Some(s))?.map_or(Tab::All, Tab::Status),
        })
    }

    /// What the store is asked for; the unclosed are picked from all.
    fn filter(self) -> Option<RectificationStatus> {
        match self {
            Tab::Status(s) => Some(s),
            Tab::Unclosed | Tab::All => None,
        }
    }

    fn shows(self, status: RectificationStatus) -> bool {
        self != Tab::Unclosed || status != RectificationStatus::Closed
    }
}

/// A tab as the page links it.
pub struct TabLink {
    code: &'static str,
    label: &'static str,
    current: bool,
}

/// The next step of a rectification, as its form asks for it.
pub struct NextStep {
    code: &'static str,
    label: &'static str,
    /// What the note should say.
    hint: &'static str,
    /// Closing records whether the person accepted the answer.
    needs_acceptance: bool,
}

impl NextStep {
    fn of(status: RectificationStatus) -> Option<NextStep> {
        let action = status.next_action()?;
        Some(NextStep {
            code: action.code(),
            label: action.label(),
            hint: match action {
                RectificationAction::Verify => "核实情况（是否属实、原因）",
                RectificationAction::Rectify => "整改措施",
                RectificationAction::Answer => "回访情况（答复群众的内容、方式）",
                RectificationAction::Close => "办结说明",
            },
            needs_acceptance: action.needs_acceptance(),
        })
    }
}

/// A recorded step as people say it (opening and escalation are "其他").
fn step_label(step: &str) -> &'static str {
    RectificationAction::parse(step).map_or("其他", RectificationAction::label)
}

/// A rectification as a list row shows it.
pub struct Row {
    id: Uuid,
    /// The 差评 behind it (only those may be appealed).
    evaluation_id: Option<Uuid>,
    /// 差评, 投诉查实 or 督查不合格.
    source: &'static str,
    /// The complaint's number, when a complaint opened it.
    complaint_number: String,
    opened_on: Date,
    due_date: Date,
    status: &'static str,
    overdue: bool,
    escalated: bool,
    window: String,
    department: String,
    assignee: String,
    level: &'static str,
    reasons: String,
    comment: String,
    accepted: Option<bool>,
}

impl Row {
    fn of(v: &RectificationView) -> Row {
        let r = &v.rectification;
        Row {
            id: r.id,
            evaluation_id: r.source.evaluation_id(),
            source: v.source_label,
            complaint_number: v.complaint_number.clone().unwrap_or_default(),
            opened_on: r.opened_on,
            due_date: r.due_date,
            status: v.status_label,
            overdue: v.overdue,
            escalated: r.escalated,
            window: r.window.clone(),
            department: r.department.clone(),
            assignee: r.assignee.clone(),
            level: v.level.map_or("—", |l| l.label()),
            reasons: v.reasons.join("、"),
            comment: v.comment.clone(),
            accepted: r.accepted,
        }
    }
}

#[derive(Template)]
#[template(path = "manage/rectifications.html")]
struct ListPage {
    chrome: Chrome,
    ok: Option<String>,
    error: Option<String>,
    tabs: Vec<TabLink>,
    rows: Vec<Row>,
}

#[derive(Deserialize, Default)]
struct ListParams {
    status: Option<String>,
    ok: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<ListParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::RectificationRead, &uri)?;
    let refused = |e| PageError::from_app(&state, e).into_response();
    let tab = Tab::parse(p.status.as_deref()).map_err(refused)?;
    let views = state
        .app
        .rectifications
        .rectifications(&user.session, tab.filter())
        .await
        .map_err(refused)?;
    let page = ListPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        ok: p.ok,
        error: None,
        tabs: Tab::all()
            .into_iter()
            .map(|t| TabLink {
                code: t.code(),
                label: t.label(),
                current: t == tab,
            })
            .collect(),
        rows: views
            .iter()
            .filter(|v| tab.shows(v.rectification.status))
            .map(Row::of)
            .collect(),
    };
    Ok(render(&state, &page))
}

pub struct StepLine {
    at: String,
    actor: String,
    step: &'static str,
    note: String,
}

#[derive(Template)]
#[template(path = "manage/rectification.html")]
struct DetailPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    r: Row,
    updated: String,
    steps: Vec<StepLine>,
    next: Option<NextStep>,
    note: String,
}

// A refusal is the page the handler returns as it is (as in `guard`).
#[allow(clippy::result_large_err)]
fn parse_id(state: &AppState, raw: &str, what: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(raw).map_err(|_| {
        PageError::new(
            state,
            StatusCode::NOT_FOUND,
            "没有找到",
            format!("没有这条{what}"),
        )
        .into_response()
    })
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
    note: String,
) -> Response {
    let d = match state.app.rectifications.rectification(&user.session, id).await {
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
        updated: local(state, d.view.rectification.updated_at),
        steps: d
            .steps
            .iter()
            .map(|s| StepLine {
                at: local(state, s.at),
                actor: s.actor.clone(),
                step: step_label(&s.step),
                note: s.note.clone(),
            })
            .collect(),
        next: NextStep::of(d.view.rectification.status),
        r: Row::of(&d.view),
        note,
    };
    (code, render(state, &page)).into_response()
}

#[derive(Deserialize, Default)]
struct OkParam {
    ok: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
    Query(p): Query<OkParam>,
) -> PageResult {
    let user = guard(&state, user, Permission::RectificationRead, &uri)?;
    match parse_id(&state, &id, "整改记录") {
        Ok(id) => Ok(show(&state, &user, id, p.ok, None, String::new()).await),
        Err(r) => Ok(r),
    }
}

#[derive(Deserialize)]
struct StepForm {
    csrf: String,
    #[serde(default)]
    note: String,
    /// At closing: "yes" or "no".
    #[serde(default)]
    accepted: String,
    /// For an appeal.
    #[serde(default)]
    reason: String,
    #[serde(default)]
    evidence: String,
}

async fn step(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((id, step)): Path<(String, String)>,
    PageForm(f): PageForm<StepForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::RectificationHandle,
        &uri,
        &headers,
        &f.csrf,
    )?;
    let id = parse_id(&state, &id, "整改记录")?;
    let here = format!("/admin/rectifications/{id}");
    let done = if step == "appeal" {
        let evaluation_id = match state.app.rectifications.rectification(&user.session, id).await {
            Ok(d) => match d.view.rectification.source.evaluation_id() {
                Some(e) => e,
                None => {
                    return Ok(PageError::from_app(
                        &state,
                        app::AppError::Conflict(
                            app::Conflict::NotApplicable,
                            "只有差评引起的整改可以申诉".into(),
                        ),
                    )
                    .into_response());
                }
            },
            Err(e) => return Ok(PageError::from_app(&state, e).into_response()),
        };
        state
            .app
            .rectifications
            .file_appeal(&user.session, evaluation_id, &f.reason, &f.evidence)
            .await
            .map(|_| "已提出申诉，请到“申诉处理”中审定".to_owned())
    } else {
        let accepted = match f.accepted.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        state
            .app
            .rectifications
            .advance_rectification(&user.session, id, &step, &f.note, accepted)
            .await
            .map(|d| format!("已记录{}，当前状态：{}", step_label(&step), d.view.status_label))
    };
    match done {
        Ok(message) => Ok(back(&here, &message)),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN {
                Ok(show(&state, &user, id, None, Some((e.status, e.message)), f.note).await)
            } else {
                Ok(PageError::new(&state, e.status, "无法完成", e.message).into_response())
            }
        }
    }
}

/// An appeal with the review it is about (when that review has a rectification).
pub struct AppealRow {
    id: Uuid,
    evaluation_id: Uuid,
    rectification: Option<Uuid>,
    filed_by: String,
    filed_at: String,
    reason: String,
    evidence: String,
    status: &'static str,
    pending: bool,
    decided: String,
    decision: String,
    review: String,
}

#[derive(Template)]
#[template(path = "manage/appeals.html")]
struct AppealsPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    /// 待审定 (the default) rather than 已审定.
    pending_tab: bool,
    rows: Vec<AppealRow>,
}

async fn appeals(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<ListParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::AppealDecide, &uri)?;
    let pending_tab = p
        .status
        .as_deref()
        .is_none_or(|s| AppealStatus::parse(s) == Some(AppealStatus::Pending));
    let list = state
        .app
        .rectifications
        .appeals(&user.session, None)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let reviews: HashMap<Uuid, RectificationView> =
        match state.app.rectifications.rectifications(&user.session, None).await {
            Ok(v) => v
                .into_iter()
                .filter_map(|v| Some((v.rectification.source.evaluation_id()?, v)))
                .collect(),
            Err(e) => return Ok(PageError::from_app(&state, e).into_response()),
        };
    let rows = list
        .into_iter()
        .filter(|a| (a.status == AppealStatus::Pending) == pending_tab)
        .map(|a| {
            let review = reviews.get(&a.evaluation_id);
            AppealRow {
                id: a.id,
                evaluation_id: a.evaluation_id,
                rectification: review.map(|v| v.rectification.id),
                filed_by: a.filed_by,
                filed_at: local(&state, a.filed_at),
                reason: a.reason,
                evidence: a.evidence,
                status: a.status.label(),
                pending: a.status == AppealStatus::Pending,
                decided: match (&a.decided_by, a.decided_at) {
                    (Some(by), Some(at)) => format!("{by} {}", local(&state, at)),
                    _ => String::new(),
                },
                decision: a.decision,
                review: review
                    .map(|v| {
                        let mut s = format!(
                            "{}号窗口 {} {}",
                            v.rectification.window,
                            v.level.map_or("—", |l| l.label()),
                            v.reasons.join("、")
                        );
                        if !v.comment.is_empty() {
                            s.push_str(&format!("：{}", v.comment));
                        }
                        s
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let page = AppealsPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        csrf: user.session.csrf.clone(),
        ok: p.ok,
        error: None,
        pending_tab,
        rows,
    };
    Ok(render(&state, &page))
}

#[derive(Deserialize)]
struct DecideForm {
    csrf: String,
    #[serde(default)]
    upheld: String,
    #[serde(default)]
    decision: String,
}

async fn decide(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<DecideForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::AppealDecide, &uri, &headers, &f.csrf)?;
    let id = parse_id(&state, &id, "申诉")?;
    let upheld = match f.upheld.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Ok(PageError::new(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "表单有误",
                "请选择申诉成立或不成立",
            )
            .into_response());
        }
    };
    match state
        .app
        .rectifications
        .decide_appeal(&user.session, id, upheld, &f.decision)
        .await
    {
        Ok(_) => Ok(back(
            "/admin/appeals?status=decided",
            if upheld {
                "申诉成立，该评价已从有效评价中剔除"
            } else {
                "申诉不成立，评价照常计入"
            },
        )),
        Err(e) => Ok(PageError::from_app(&state, e).into_response()),
    }
}

#[derive(Template)]
#[template(path = "manage/evaluation_reasons.html")]
struct ReasonsPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    text: String,
}

async fn reasons(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<OkParam>,
) -> PageResult {
    let user = guard(&state, user, Permission::EvaluationReasonsManage, &uri)?;
    let list = state
        .app
        .evaluations
        .evaluation_reasons()
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let page = ReasonsPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        csrf: user.session.csrf.clone(),
        ok: p.ok,
        error: None,
        text: list.join("\n"),
    };
    Ok(render(&state, &page))
}

#[derive(Deserialize)]
struct ReasonsForm {
    csrf: String,
    #[serde(default)]
    reasons: String,
}

async fn save_reasons(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<ReasonsForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::EvaluationReasonsManage,
        &uri,
        &headers,
        &f.csrf,
    )?;
    let lines: Vec<String> = f.reasons.lines().map(str::to_owned).collect();
    match state
        .app
        .evaluations
        .set_evaluation_reasons(&user.session, &lines)
        .await
    {
        Ok(list) => Ok(back(
            "/admin/evaluation-reasons",
            &format!("已保存 {} 项差评原因", list.len()),
        )),
        Err(e) => {
            let e = ApiError::from(e);
            let page = ReasonsPage {
                chrome: Chrome::new(&state, Some(&user), "admin"),
                csrf: user.session.csrf.clone(),
                ok: None,
                error: Some(e.message),
                text: f.reasons,
            };
            Ok((e.status, render(&state, &page)).into_response())
        }
    }
}
