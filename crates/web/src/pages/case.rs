//! A case for the staff at /cases/{id}: number, status, deadline, materials,
//! steps, the printable documents, and a CSRF form for each next action
//! (补正, 不予受理, 审查, 暂停/恢复, 作出决定, 办结, 送达).

use super::manage::{back, guard, guard_post, local};
use super::{Chrome, PageError, PageForm, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use app::case::{CaseView, MaterialInput};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::case::{ApplicantKind, CaseAction, CaseStatus, can_extend, can_move, is_immediate};
use domain::permission::Permission;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}", get(show))
        .route("/cases/{id}/supplement", post(supplement))
        .route("/cases/{id}/act/{action}", post(act))
}

/// The name of a step as people say it.
pub fn step_label(action: &str) -> &str {
    match action {
        "accept" => "受理",
        "supplement_notice" => "一次性告知补正材料",
        "supplement" => "补正材料",
        "pause" => "暂停计时",
        "resume" => "恢复计时",
        "review" => "开始审查",
        "decide" => "作出决定",
        "complete" => "办结",
        "deliver" => "送达",
        "refuse" => "不予受理",
        "extend" => "延期",
        // issue 17: 告知承诺制
        "revoke" => "撤销决定",
        other => other,
    }
}

pub fn parse_case_id(state: &AppState, raw: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(raw).map_err(|_| PageError::new(state, StatusCode::NOT_FOUND, "没有找到", "办件不存在"))
}

pub struct Step {
    at: String,
    actor: String,
    label: String,
    note: String,
}

/// The forms the case page offers: the domain's rules for the case's status
/// (and, for 延期, the person's role), never the status words themselves.
struct NextSteps {
    /// 补正 or 不予受理, during 补正.
    supplement: bool,
    review: bool,
    decide: bool,
    pause: bool,
    resume: bool,
    /// 办结: once decided, or at once for 即办件.
    complete: bool,
    /// 延期: once, while the clock runs or is paused; approved by the hall's
    /// leadership (第42条).
    extend: bool,
    deliver: bool,
    /// Nothing more happens to the case.
    finished: bool,
}

impl NextSteps {
    fn of(v: &CaseView, may_extend: bool) -> NextSteps {
        let c = &v.case;
        let can = |action| can_move(c.status, action).is_ok();
        NextSteps {
            supplement: can(CaseAction::SupplementComplete),
            review: can(CaseAction::Review),
            decide: can(CaseAction::Decide { approved: true }),
            pause: can(CaseAction::Pause),
            resume: can(CaseAction::Resume {
                before: c.status_before_pause.unwrap_or(CaseStatus::Accepted),
            }),
            complete: can(CaseAction::Complete {
                immediate: is_immediate(c.handling, c.promised_days),
            }),
            extend: may_extend && can_extend(c.status, c.extension_days),
            deliver: can(CaseAction::Deliver),
            finished: c.status.is_final(),
        }
    }
}

#[derive(Template)]
#[template(path = "case/show.html")]
struct ShowPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    v: CaseView,
    steps: Vec<Step>,
    next: NextSteps,
    /// 不予受理 (the refusal notice rather than a 不予许可 decision).
    refused: bool,
    organisation: bool,
    /// issue 17: whether the viewer may open the case's timeline.
    may_timeline: bool,
    // issue 17: 告知承诺制, 数据共享、电子证照
    claims: super::case_claims::ClaimsBox,
}

#[derive(Deserialize, Default)]
struct ShowParams {
    ok: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
    Query(p): Query<ShowParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::CaseRead, &uri)?;
    let id = parse_case_id(&state, &id).map_err(IntoResponse::into_response)?;
    let v = state
        .app
        .cases
        .case(&user.session, id)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let steps = v
        .steps
        .iter()
        .map(|s| Step {
            at: local(&state, s.at),
            actor: s.actor.clone(),
            label: step_label(&s.action).to_owned(),
            note: s.note.clone(),
        })
        .collect();
    // issue 17: 告知承诺制, 数据共享、电子证照
    let claims = super::case_claims::claims_box(&state, &user, id).await;
    let page = ShowPage {
        claims,
        chrome: Chrome::new(&state, Some(&user), "admin"),
        csrf: user.session.csrf.clone(),
        ok: p.ok,
        next: NextSteps::of(&v, user.session.user.role.can(Permission::CaseExtend)),
        refused: v.case.status == CaseStatus::Refused,
        organisation: v.case.applicant_kind == ApplicantKind::Organisation,
        may_timeline: user.session.user.role.can(Permission::CaseTimeline),
        v,
        steps,
    };
    Ok(render(&state, &page))
}

/// Refusal of an action: back to the case page's frame with the message.
fn refused(state: &AppState, e: app::AppError) -> Response {
    PageError::from_app(state, e).into_response()
}

/// 补正: `m:<material name>` = provided, shared or missing.
async fn supplement(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let user = guard_post(&state, user, Permission::CaseHandle, &uri, &headers, csrf)?;
    let id = parse_case_id(&state, &id).map_err(IntoResponse::into_response)?;
    let checks: Vec<MaterialInput> = pairs
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("m:")
                .filter(|_| !v.is_empty())
                .map(|n| MaterialInput {
                    name: n.to_owned(),
                    status: v.clone(),
                })
        })
        .collect();
    if checks.is_empty() {
        return Ok(PageError::new(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "表单有误",
            "请逐项选择补交材料的核对结果",
        )
        .into_response());
    }
    match state.app.cases.supplement_case(&user.session, id, &checks).await {
        Ok(v) if v.case.missing.is_empty() => Ok(back(&format!("/cases/{id}"), "补正材料齐全，已受理")),
        Ok(v) => Ok(back(
            &format!("/cases/{id}"),
            &format!("仍需补正：{}", v.case.missing.join("、")),
        )),
        Err(e) => Ok(refused(&state, e)),
    }
}

#[derive(Deserialize)]
struct ActForm {
    csrf: String,
    #[serde(default)]
    reason: String,
    /// For 作出决定: "yes" (准予) or "no" (不予).
    approved: Option<String>,
    /// For 延期: working days.
    #[serde(default)]
    days: String,
}

async fn act(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    PageForm(f): PageForm<ActForm>,
) -> PageResult {
    // The app checks the role of each action (延期 needs the leadership).
    let user = guard_post(&state, user, Permission::CaseRead, &uri, &headers, &f.csrf)?;
    let id = parse_case_id(&state, &id).map_err(IntoResponse::into_response)?;
    let approved = match f.approved.as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    match state
        .app
        .cases
        .act_on_case(
            &user.session,
            id,
            &action,
            &f.reason,
            approved,
            f.days.trim().parse().ok(),
        )
        .await
    {
        Ok(v) => Ok(back(
            &format!("/cases/{id}"),
            &format!("已{}，当前状态：{}", step_label(&action), v.status_label),
        )),
        Err(e) => Ok(refused(&state, e)),
    }
}
