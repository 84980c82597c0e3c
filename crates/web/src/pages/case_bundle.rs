//! 一件事受理 at the window (issue 17): choose the bundle (一件事), then the
//! applicant and each item's materials — a material two items share is
//! checked once (一套材料) — and accept through the same use case as
//! `POST /api/cases` with `bundle`: one parent case, one sub-case per
//! department in parallel (一门受理、抄告相关、同步审批). The parent case's
//! page follows, listing the sub-cases.

use super::case_accept::{AcceptanceForm, Entered};
use super::manage::{check_form, guard};
use super::{Chrome, PageError, PageForm, render, urlencode};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::case::MaterialStatus;
use domain::catalog::{Bundle, Material};
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/bundle", get(form).post(submit))
}

struct MaterialRow {
    m: Material,
    status: Option<MaterialStatus>,
    /// The other items of the bundle that ask for the same material.
    shared_with: Vec<String>,
}

/// One item of the bundle with the materials first asked for by it.
struct ItemBlock {
    code: String,
    name: String,
    department: String,
    handling: String,
    promised_days: u32,
    materials: Vec<MaterialRow>,
}

#[derive(Template)]
#[template(path = "case/bundle.html")]
struct BundlePage {
    chrome: Chrome,
    csrf: String,
    ticket: String,
    bundles: Vec<Bundle>,
    bundle: Option<Bundle>,
    items: Vec<ItemBlock>,
    f: Entered,
    error: Option<String>,
    field: String,
}

#[derive(Deserialize, Default)]
struct Params {
    bundle: Option<String>,
    ticket: Option<String>,
}

struct Shown {
    ticket: String,
    bundle: String,
    f: Entered,
    statuses: Vec<(String, String)>,
    error: Option<(StatusCode, String, String)>,
}

async fn view(state: &AppState, user: &CurrentUser, s: Shown) -> Result<Response, PageError> {
    let catalog = state
        .app
        .published()
        .await
        .map_err(|e| PageError::from_app(state, e))?;
    let bundle = catalog.bundle(s.bundle.trim()).cloned();
    let mut items: Vec<ItemBlock> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    if let Some(b) = &bundle {
        let found: Vec<_> = b.items.iter().filter_map(|c| catalog.item(c)).collect();
        for item in &found {
            let mut materials = Vec::new();
            for m in &item.materials {
                if seen.contains(&m.name) {
                    continue;
                }
                seen.push(m.name.clone());
                let shared_with = found
                    .iter()
                    .filter(|o| o.code != item.code && o.materials.iter().any(|x| x.name == m.name))
                    .map(|o| o.name.clone())
                    .collect();
                materials.push(MaterialRow {
                    status: match s.statuses.iter().find(|(n, _)| n == &m.name) {
                        Some((_, st)) => MaterialStatus::parse(st),
                        None => m.shareable.then_some(MaterialStatus::Shared),
                    },
                    shared_with,
                    m: m.clone(),
                });
            }
            items.push(ItemBlock {
                code: item.code.clone(),
                name: item.name.clone(),
                department: item.department.clone(),
                handling: item.handling.clone(),
                promised_days: item.promised_days,
                materials,
            });
        }
    }
    let (status, error, field) = match s.error {
        Some((st, m, f)) => (st, Some(m), f),
        None => (StatusCode::OK, None, String::new()),
    };
    let page = BundlePage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ticket: s.ticket,
        bundles: catalog.bundles.clone(),
        bundle,
        items,
        f: s.f,
        error,
        field,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn form(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<Params>,
) -> PageResult {
    let user = guard(&state, user, Permission::BundleAccept, &uri)?;
    let shown = Shown {
        ticket: p.ticket.unwrap_or_default(),
        bundle: p.bundle.unwrap_or_default(),
        f: Entered::default(),
        statuses: Vec::new(),
        error: None,
    };
    Ok(view(&state, &user, shown)
        .await
        .unwrap_or_else(IntoResponse::into_response))
}

/// The form arrives as pairs: fixed fields, and `m:<material name>` = status.
async fn submit(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard(&state, user, Permission::BundleAccept, &uri)?;
    let form = AcceptanceForm::new(pairs);
    if let Err(r) = check_form(&state, &user, &headers, &form.get("csrf")) {
        return Ok(r);
    }
    let bundle = form.get("bundle");
    let req = form.request(String::new(), Some(bundle.clone()));
    match state.app.cases.accept_case(&user.session, &req).await {
        Ok(v) => {
            let note = if v.case.missing.is_empty() {
                format!("一件事已受理，已抄告{}个部门并联审批", v.sub_cases.len())
            } else {
                format!("材料不齐，已一次性告知补正（{}项）", v.case.missing.len())
            };
            let to = format!("/cases/{}?ok={}", v.case.id, urlencode(&note));
            Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
        }
        Err(e) => {
            let refused = match super::appointments::refusal(&state, e) {
                Ok(r) => r,
                Err(page) => return Ok(page.into_response()),
            };
            let shown = Shown {
                ticket: form.get("ticket"),
                bundle,
                f: form.entered,
                statuses: form.statuses,
                error: Some(refused),
            };
            Ok(view(&state, &user, shown)
                .await
                .unwrap_or_else(IntoResponse::into_response))
        }
    }
}
