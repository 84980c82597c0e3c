//! 告知承诺核查 (issue 17): the department's verification tasks with their
//! due dates (overdue highlighted) and the outcome form (属实 / 不实 with a
//! note); 电子证照: the administrator's import of the local sharing records
//! and their list (masked); the commitment letter (告知承诺书, A4) of a case;
//! 撤销 from the case page.

use super::{back, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::case::parse_case_id;
use crate::pages::{Chrome, PageError, PageForm, PageResult, render};
use app::commitment::CommitmentView;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::commitment::VerificationStatus;
use domain::permission::Permission;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/commitments", get(tasks))
        .route("/admin/commitments/{id}/verify", post(verify))
        .route("/admin/licences", get(licences))
        .route("/admin/licences/import", post(import))
        .route("/cases/{id}/commitments/{task}/letter", get(letter))
        .route("/cases/{id}/revoke", post(revoke))
}

#[derive(Deserialize, Default)]
struct Notice {
    ok: Option<String>,
}

struct TaskRow {
    id: String,
    case_id: String,
    case_number: String,
    item: String,
    department: String,
    material: String,
    applicant: String,
    due: String,
    overdue: bool,
    pending: bool,
    status: &'static str,
    note: String,
    verified: String,
}

fn task_row(state: &AppState, v: CommitmentView) -> TaskRow {
    let t = v.task;
    TaskRow {
        id: t.id.to_string(),
        case_id: t.case_id.to_string(),
        case_number: t.case_number,
        item: t.item_name,
        department: t.department,
        material: t.material,
        applicant: t.applicant_masked,
        due: t.due.to_string(),
        overdue: v.overdue,
        pending: t.status == VerificationStatus::Pending,
        status: v.status_label,
        note: t.note,
        verified: match (t.verified_by, t.verified_at) {
            (Some(by), Some(at)) => format!("{by} {}", local(state, at)),
            _ => String::new(),
        },
    }
}

#[derive(Template)]
#[template(path = "manage/commitments.html")]
struct TasksPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    pending: Vec<TaskRow>,
    done: Vec<TaskRow>,
    overdue: usize,
    days: u32,
}

async fn show_tasks(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    ok: Option<String>,
    error: Option<String>,
) -> Response {
    let all = match state.app.commitments.commitments(&user.session, None).await {
        Ok(all) => all,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let (pending, done): (Vec<_>, Vec<_>) = all
        .into_iter()
        .map(|v| task_row(state, v))
        .partition(|r| r.pending);
    let page = TasksPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        overdue: pending.iter().filter(|r| r.overdue).count(),
        pending,
        done,
        days: state.app.settings.cases.verification_days,
    };
    (status, render(state, &page)).into_response()
}

async fn tasks(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::CommitmentVerify, &uri)?;
    Ok(show_tasks(&state, &user, StatusCode::OK, n.ok, None).await)
}

#[derive(Deserialize)]
struct VerifyForm {
    csrf: String,
    /// "true" (属实) or "false" (不实).
    outcome: String,
    #[serde(default)]
    note: String,
}

async fn verify(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<VerifyForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::CommitmentVerify,
        &uri,
        &headers,
        &f.csrf,
    )?;
    let Ok(id) = Uuid::parse_str(&id) else {
        return Err(
            PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "核查任务不存在").into_response(),
        );
    };
    match state
        .app
        .commitments
        .verify(&user.session, id, &f.outcome, &f.note)
        .await
    {
        Ok(v) => Ok(back(
            "/admin/commitments",
            &format!(
                "{}“{}”核查结论已记录：{}",
                v.task.case_number, v.task.material, v.status_label
            ),
        )),
        Err(e @ (app::AppError::Invalid { .. } | app::AppError::Conflict(..))) => {
            let status = if matches!(e, app::AppError::Invalid { .. }) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            Ok(show_tasks(&state, &user, status, None, Some(e.to_string())).await)
        }
        Err(e) => Err(PageError::from_app(&state, e).into_response()),
    }
}

struct LicenceRow {
    holder: String,
    kind: &'static str,
    licence_type: String,
    number: String,
    valid_until: String,
    source: &'static str,
    imported: String,
}

#[derive(Template)]
#[template(path = "manage/licences.html")]
struct LicencesPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    csv: String,
    rows: Vec<LicenceRow>,
}

async fn show_licences(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    ok: Option<String>,
    error: Option<String>,
    csv: String,
) -> Response {
    let list = match state.app.commitments.licences(&user.session).await {
        Ok(l) => l,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let page = LicencesPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        csv,
        rows: list
            .into_iter()
            .map(|l| LicenceRow {
                holder: l.holder_masked,
                kind: match l.holder_kind {
                    domain::commitment::HolderKind::Person => "个人",
                    domain::commitment::HolderKind::Organisation => "单位",
                },
                licence_type: l.licence_type,
                number: l.number,
                valid_until: l.valid_until.map_or_else(|| "长期".to_owned(), |d| d.to_string()),
                source: l.source.label(),
                imported: format!("{} {}", l.imported_by, local(state, l.imported_at)),
            })
            .collect(),
    };
    (status, render(state, &page)).into_response()
}

async fn licences(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::LicenceManage, &uri)?;
    Ok(show_licences(&state, &user, StatusCode::OK, n.ok, None, String::new()).await)
}

#[derive(Deserialize)]
struct ImportForm {
    csrf: String,
    csv: String,
}

async fn import(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<ImportForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::LicenceManage, &uri, &headers, &f.csrf)?;
    match state.app.commitments.import_licences(&user.session, &f.csv).await {
        Ok(n) => Ok(back("/admin/licences", &format!("已导入共享证照记录{n}条"))),
        Err(e @ app::AppError::Invalid { .. }) => Ok(show_licences(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(e.to_string()),
            f.csv,
        )
        .await),
        Err(e) => Err(PageError::from_app(&state, e).into_response()),
    }
}

#[derive(Template)]
#[template(path = "case/commitment_letter.html")]
struct LetterPage {
    chrome: Chrome,
    hall: String,
    number: String,
    item: String,
    department: String,
    material: String,
    applicant: String,
    id_masked: String,
    accepted_on: String,
    due: String,
    legal_basis: Vec<String>,
    case_id: String,
}

async fn letter(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path((id, task)): Path<(String, String)>,
) -> PageResult {
    let user = guard(&state, user, Permission::CaseRead, &uri)?;
    let id = parse_case_id(&state, &id).map_err(IntoResponse::into_response)?;
    let Ok(task) = Uuid::parse_str(&task) else {
        return Err(
            PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "核查任务不存在").into_response(),
        );
    };
    let l = state
        .app
        .commitments
        .letter(&user.session, id, task)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let page = LetterPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        hall: l.hall,
        number: l.case.number.clone(),
        item: l.case.item_name.clone(),
        department: l.department,
        material: l.task.material.clone(),
        // Signed by the applicant: the name in full, the number masked.
        applicant: l.case.applicant_name.clone(),
        id_masked: l.case.id_masked.clone(),
        accepted_on: l.task.accepted_on.to_string(),
        due: l.task.due.to_string(),
        legal_basis: l.legal_basis,
        case_id: id.to_string(),
    };
    Ok(render(&state, &page))
}

#[derive(Deserialize)]
struct RevokeForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn revoke(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<RevokeForm>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::CommitmentVerify,
        &uri,
        &headers,
        &f.csrf,
    )?;
    let id = parse_case_id(&state, &id).map_err(IntoResponse::into_response)?;
    match state.app.commitments.revoke(&user.session, id, &f.reason).await {
        Ok(_) => Ok(back(&format!("/cases/{id}"), "已撤销该办件的决定")),
        Err(e) => Err(PageError::from_app(&state, e).into_response()),
    }
}
