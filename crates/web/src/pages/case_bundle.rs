//! 一件事受理 at the window (issue 17): choose the bundle (一件事), then the
//! applicant and each item's materials — a material two items share is
//! checked once (一套材料) — and accept through the same use case as
//! `POST /api/cases` with `bundle`: one parent case, one sub-case per
//! department in parallel (一门受理、抄告相关、同步审批). The parent case's
//! page follows, listing the sub-cases.

use super::manage::{check_form, guard};
use super::{Chrome, PageError, PageForm, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use app::case::{ApplicantInput, CaseRequest, MaterialInput};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::case::{ApplicantKind, MaterialStatus};
use domain::catalog::{Bundle, Material};
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/bundle", get(form).post(submit))
}

/// What the staff member typed, kept when the form comes back with an error.
#[derive(Default)]
struct Entered {
    organisation: bool,
    name: String,
    id_number: String,
    phone: String,
    uscc: String,
    legal_rep: String,
    agent: String,
    agent_basis: String,
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
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    if let Err(r) = check_form(&state, &user, &headers, &get("csrf")) {
        return Ok(r);
    }
    let statuses: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("m:").map(|n| (n.to_owned(), v.clone())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let f = Entered {
        organisation: ApplicantKind::parse(&get("kind")) == Some(ApplicantKind::Organisation),
        name: get("name"),
        id_number: get("id_number"),
        phone: get("phone"),
        uscc: get("uscc"),
        legal_rep: get("legal_rep"),
        agent: get("agent"),
        agent_basis: get("agent_basis"),
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let organisation = f.organisation;
    let bundle = get("bundle");
    let req = CaseRequest {
        item: String::new(),
        bundle: Some(bundle.clone()),
        applicant: ApplicantInput {
            name: f.name.clone(),
            id_number: (!organisation).then(|| f.id_number.clone()),
            phone: some(&f.phone),
            uscc: organisation.then(|| f.uscc.clone()),
            legal_rep: if organisation { some(&f.legal_rep) } else { None },
        },
        ticket_id: some(&get("ticket")),
        materials: statuses
            .iter()
            .map(|(name, status)| MaterialInput {
                name: name.clone(),
                status: status.clone(),
            })
            .collect(),
        agent: some(&f.agent),
        agent_basis: some(&f.agent_basis),
    };
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
                ticket: get("ticket"),
                bundle,
                f,
                statuses,
                error: Some(refused),
            };
            Ok(view(&state, &user, shown)
                .await
                .unwrap_or_else(IntoResponse::into_response))
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
