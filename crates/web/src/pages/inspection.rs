//! 督查 pages: `/supervise` for the inspector's tablet (portrait), the
//! inspected staff member's list with 确认/申辩 (`/my/inspections`), the
//! 督查科's rulings on contests (`/admin/inspections`) and the
//! administrator's checklist (`/admin/inspection-checklist`).
//!
//! `/supervise` posts its form with `supervise.js` to the JSON API (photos
//! from the camera as data URLs); without the script the same form posts
//! here, without photos.

use super::manage::{back, guard, guard_post, local};
use super::{Chrome, PageError, PageForm, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use app::inspection::{ChecklistInput, InspectionInput, InspectionQuery, InspectionView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::inspection::{InspectionKind, InspectionStatus, ItemResult};
use domain::permission::Permission;
use serde::Deserialize;
use store::inspection::ChecklistEntry;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supervise", get(supervise).post(supervise_post))
        .route("/my/inspections", get(mine))
        .route("/my/inspections/{id}/{action}", post(respond))
        .route("/admin/inspections", get(rulings))
        .route("/admin/inspections/{id}/decide", post(decide))
        .route(
            "/admin/inspection-checklist",
            get(checklist_page).post(checklist_add),
        )
        .route("/admin/inspection-checklist/{code}", post(checklist_edit))
}

/// An inspection as a table row shows it.
pub struct Row {
    v: InspectionView,
    at: String,
    staff: String,
    failed: String,
    /// Whether the signed-in person may answer it now.
    can_answer: bool,
    /// The photos' numbers (1, 2, …).
    photos: Vec<i64>,
}

fn row(state: &AppState, me: &str, v: InspectionView) -> Row {
    Row {
        at: local(state, v.at),
        staff: v.staff_names.join("、"),
        failed: v
            .failed
            .iter()
            .map(|f| format!("{}（-{}）", f.name, f.deduction))
            .collect::<Vec<_>>()
            .join("、"),
        can_answer: v.status == InspectionStatus::Pending && v.staff.iter().any(|s| s == me),
        photos: (1..=v.photo_count).collect(),
        v,
    }
}

fn refused(state: &AppState, e: app::AppError) -> Response {
    PageError::from_app(state, e).into_response()
}

#[derive(Deserialize, Default)]
struct Notice {
    ok: Option<String>,
    window: Option<String>,
}

/// A window the inspector may choose, with its staff (pre-filled).
pub struct WindowChoice {
    number: String,
    label: String,
    staff: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "manage/supervise.html")]
struct SupervisePage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    windows: Vec<WindowChoice>,
    staff: String,
    kinds: Vec<(&'static str, &'static str, bool)>,
    items: Vec<ChecklistEntry>,
    rows: Vec<Row>,
    max_photos: usize,
}

async fn supervise_view(
    state: &AppState,
    user: &CurrentUser,
    chosen: Option<&str>,
    kind: &str,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let session = &user.session;
    let service = &state.app.inspections;
    let windows = service.windows(session).await.map_err(|e| refused(state, e))?;
    let chosen = chosen
        .filter(|c| windows.iter().any(|w| w.number == *c))
        .map(str::to_owned)
        .or_else(|| windows.first().map(|w| w.number.clone()));
    let mut staff = String::new();
    let mut choices = Vec::with_capacity(windows.len());
    for w in windows.iter() {
        let selected = chosen.as_deref() == Some(w.number.as_str());
        let csv = w.staff.join(",");
        if selected {
            staff = csv.clone();
        }
        choices.push(WindowChoice {
            label: {
                let plain = format!("{}号窗口", w.number);
                let name = w.name.trim();
                let mut label = if name.is_empty() || name == plain {
                    plain
                } else {
                    format!("{plain} {name}")
                };
                if !w.staff.is_empty() {
                    label.push_str(&format!("（{}）", w.staff.join("、")));
                }
                label
            },
            number: w.number.clone(),
            staff: csv,
            selected,
        });
    }
    let items = service
        .active_checklist(session)
        .await
        .map_err(|e| refused(state, e))?;
    let today = state.app.today().to_string();
    let me = session.user.username.clone();
    let rows = service
        .list(
            session,
            &InspectionQuery {
                from: Some(today.clone()),
                to: Some(today),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| refused(state, e))?
        .into_iter()
        .map(|v| row(state, &me, v))
        .collect();
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = SupervisePage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: session.csrf.clone(),
        ok,
        error,
        windows: choices,
        staff,
        kinds: InspectionKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(), k.code() == kind))
            .collect(),
        items,
        rows,
        max_photos: app::inspection::PHOTOS_MAX,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn supervise(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::InspectionRecord, &uri)?;
    supervise_view(&state, &user, n.window.as_deref(), "routine", n.ok, None).await
}

/// The form without the script: every field as posted (item results as
/// `r_<code>` = pass/fail and `n_<code>` = note), no photos.
async fn supervise_post(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let user = guard_post(
        &state,
        user,
        Permission::InspectionRecord,
        &uri,
        &headers,
        &get("csrf"),
    )?;
    let mut results = Vec::new();
    for (name, value) in &fields {
        if let Some(code) = name.strip_prefix("r_") {
            results.push(ItemResult {
                code: code.to_owned(),
                pass: value != "fail",
                note: get(&format!("n_{code}")),
            });
        }
    }
    let input = InspectionInput {
        kind: get("kind"),
        window: get("window"),
        staff: get("staff")
            .split([',', '，', '、', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        results,
        photos: Vec::new(),
        note: get("note"),
        plan_visit: None,
    };
    match state.app.inspections.record(&user.session, &input).await {
        Ok(v) => Ok(back(
            "/supervise",
            &format!("已记录{}号窗口的{}，扣{}分", v.window, v.kind_label, v.deduction),
        )),
        Err(app::AppError::Invalid { message, .. }) => {
            supervise_view(
                &state,
                &user,
                Some(&input.window),
                &input.kind,
                None,
                Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
            )
            .await
        }
        Err(e) => Err(refused(&state, e)),
    }
}

#[derive(Template)]
#[template(path = "manage/my_inspections.html")]
struct MinePage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    rows: Vec<Row>,
    total: String,
}

async fn mine_view(
    state: &AppState,
    user: &CurrentUser,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let me = user.session.user.username.clone();
    let list = state
        .app
        .inspections
        .list(&user.session, &InspectionQuery::default())
        .await
        .map_err(|e| refused(state, e))?;
    let total: f64 = list.iter().map(|v| v.deduction).sum();
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = MinePage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        rows: list.into_iter().map(|v| row(state, &me, v)).collect(),
        total: format!("{}", (total * 10.0).round() / 10.0),
    };
    Ok((status, render(state, &page)).into_response())
}

async fn mine(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::InspectionRead, &uri)?;
    mine_view(&state, &user, n.ok, None).await
}

#[derive(Deserialize)]
struct AnswerForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

#[allow(clippy::result_large_err)]
fn parse_id(state: &AppState, raw: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(raw).map_err(|_| {
        PageError::new(state, StatusCode::NOT_FOUND, "没有找到", "没有这条督查记录").into_response()
    })
}

async fn respond(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    PageForm(f): PageForm<AnswerForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::InspectionRespond,
        &uri,
        &headers,
        &f.csrf,
    )?;
    let id = parse_id(&state, &id)?;
    let done = match action.as_str() {
        "acknowledge" => state.app.inspections.respond(&user.session, id, None).await,
        "contest" => {
            state
                .app
                .inspections
                .respond(&user.session, id, Some(&f.reason))
                .await
        }
        _ => {
            return Err(
                PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "未知操作").into_response(),
            );
        }
    };
    match done {
        Ok(v) => Ok(back(
            "/my/inspections",
            &format!("{}号窗口督查记录：{}", v.window, v.status_label),
        )),
        Err(app::AppError::Invalid { message, .. }) => {
            mine_view(
                &state,
                &user,
                None,
                Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
            )
            .await
        }
        Err(app::AppError::Conflict(_, message)) => {
            mine_view(&state, &user, None, Some((StatusCode::CONFLICT, message))).await
        }
        Err(e) => Err(refused(&state, e)),
    }
}

#[derive(Template)]
#[template(path = "manage/inspections.html")]
struct RulingsPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    contested: Vec<Row>,
    /// The latest inspections.
    rows: Vec<Row>,
}

async fn rulings_view(
    state: &AppState,
    user: &CurrentUser,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let me = user.session.user.username.clone();
    let service = &state.app.inspections;
    let contested = service
        .list(
            &user.session,
            &InspectionQuery {
                status: Some("contested".into()),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| refused(state, e))?;
    let mut recent = service
        .list(&user.session, &InspectionQuery::default())
        .await
        .map_err(|e| refused(state, e))?;
    recent.truncate(100);
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = RulingsPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        contested: contested.into_iter().map(|v| row(state, &me, v)).collect(),
        rows: recent.into_iter().map(|v| row(state, &me, v)).collect(),
    };
    Ok((status, render(state, &page)).into_response())
}

async fn rulings(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::InspectionDecide, &uri)?;
    rulings_view(&state, &user, n.ok, None).await
}

#[derive(Deserialize)]
struct RulingForm {
    csrf: String,
    #[serde(default)]
    upheld: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<RulingForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::InspectionDecide,
        &uri,
        &headers,
        &f.csrf,
    )?;
    let id = parse_id(&state, &id)?;
    let upheld = f.upheld == "yes";
    match state
        .app
        .inspections
        .decide(&user.session, id, upheld, &f.note)
        .await
    {
        Ok(v) => Ok(back(
            "/admin/inspections",
            &format!("已裁定{}号窗口的申辩：{}", v.window, v.status_label),
        )),
        Err(app::AppError::Invalid { message, .. }) => {
            rulings_view(
                &state,
                &user,
                None,
                Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
            )
            .await
        }
        Err(app::AppError::Conflict(_, message)) => {
            rulings_view(&state, &user, None, Some((StatusCode::CONFLICT, message))).await
        }
        Err(e) => Err(refused(&state, e)),
    }
}

#[derive(Template)]
#[template(path = "manage/inspection_checklist.html")]
struct ChecklistPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    items: Vec<ChecklistEntry>,
}

async fn checklist_view(
    state: &AppState,
    user: &CurrentUser,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let items = state
        .app
        .inspections
        .full_checklist(&user.session)
        .await
        .map_err(|e| refused(state, e))?;
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = ChecklistPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        items,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn checklist_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::InspectionChecklistManage, &uri)?;
    checklist_view(&state, &user, n.ok, None).await
}

#[derive(Deserialize)]
struct ChecklistForm {
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    standard: String,
    #[serde(default)]
    deduction: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    retired: String,
}

impl ChecklistForm {
    fn input(&self) -> Result<ChecklistInput, String> {
        let deduction: f64 = self
            .deduction
            .trim()
            .parse()
            .map_err(|_| format!("扣分“{}”不是数字", self.deduction.trim()))?;
        let position = match self.position.trim() {
            "" => None,
            p => Some(p.parse().map_err(|_| format!("排序“{p}”不是整数"))?),
        };
        Ok(ChecklistInput {
            code: self.code.clone(),
            name: self.name.clone(),
            standard: self.standard.clone(),
            deduction,
            position,
            retired: self.retired == "on" || self.retired == "yes",
        })
    }
}

async fn checklist_save(
    state: &AppState,
    user: &CurrentUser,
    code: Option<&str>,
    f: &ChecklistForm,
) -> PageResult {
    let input = match f.input() {
        Ok(i) => i,
        Err(m) => {
            return checklist_view(state, user, None, Some((StatusCode::UNPROCESSABLE_ENTITY, m))).await;
        }
    };
    let service = &state.app.inspections;
    let done = match code {
        None => service.add_checklist_item(&user.session, &input).await,
        Some(code) => service.update_checklist_item(&user.session, code, &input).await,
    };
    match done {
        Ok(item) => Ok(back(
            "/admin/inspection-checklist",
            &format!("已保存督查项目“{}”", item.name),
        )),
        Err(app::AppError::Invalid { message, .. }) => {
            checklist_view(
                state,
                user,
                None,
                Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
            )
            .await
        }
        Err(app::AppError::Conflict(_, message)) => {
            checklist_view(state, user, None, Some((StatusCode::CONFLICT, message))).await
        }
        Err(e) => Err(refused(state, e)),
    }
}

async fn checklist_add(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<ChecklistForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::InspectionChecklistManage,
        &uri,
        &headers,
        &f.csrf,
    )?;
    checklist_save(&state, &user, None, &f).await
}

async fn checklist_edit(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(code): Path<String>,
    PageForm(f): PageForm<ChecklistForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::InspectionChecklistManage,
        &uri,
        &headers,
        &f.csrf,
    )?;
    checklist_save(&state, &user, Some(&code), &f).await
}
