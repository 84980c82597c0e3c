//! 受理办件 at the window: choose the item (search or the catalog grouped by
//! department), then the applicant, the agent and each material's status
//! (已提交 / 共享调取 / 缺少). Complete → accepted, otherwise 补正 with the
//! one-time notice; either way the case page follows.

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
use domain::catalog::{Item, Material};
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/new", get(form).post(submit))
}

/// Everything the staff member typed, kept when the form comes back with an error.
#[derive(Default)]
pub(super) struct Entered {
    /// 单位 (an organisation) rather than 个人.
    pub(super) organisation: bool,
    pub(super) name: String,
    pub(super) id_number: String,
    pub(super) phone: String,
    pub(super) uscc: String,
    pub(super) legal_rep: String,
    pub(super) agent: String,
    pub(super) agent_basis: String,
}

/// The acceptance form as posted (受理表单), for one item here and for a
/// 一件事 on `/cases/bundle`: fixed fields, and `m:<material name>` = status.
pub(super) struct AcceptanceForm {
    pairs: Vec<(String, String)>,
    /// Each material's status as ticked (provided, shared, commitment, missing).
    pub(super) statuses: Vec<(String, String)>,
    pub(super) entered: Entered,
}

impl AcceptanceForm {
    pub(super) fn new(pairs: Vec<(String, String)>) -> AcceptanceForm {
        let statuses = pairs
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("m:").map(|n| (n.to_owned(), v.clone())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let mut form = AcceptanceForm {
            pairs,
            statuses,
            entered: Entered::default(),
        };
        form.entered = Entered {
            organisation: ApplicantKind::parse(&form.get("kind")) == Some(ApplicantKind::Organisation),
            name: form.get("name"),
            id_number: form.get("id_number"),
            phone: form.get("phone"),
            uscc: form.get("uscc"),
            legal_rep: form.get("legal_rep"),
            agent: form.get("agent"),
            agent_basis: form.get("agent_basis"),
        };
        form
    }

    /// A fixed field, trimmed (empty when absent).
    pub(super) fn get(&self, key: &str) -> String {
        self.pairs
            .iter()
            .find(|(n, _)| n == key)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    /// The acceptance use case's request: one `item`, or a 一件事 `bundle`.
    pub(super) fn request(&self, item: String, bundle: Option<String>) -> CaseRequest {
        let f = &self.entered;
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let organisation = f.organisation;
        CaseRequest {
            item,
            bundle,
            applicant: ApplicantInput {
                name: f.name.clone(),
                id_number: (!organisation).then(|| f.id_number.clone()),
                phone: some(&f.phone),
                uscc: organisation.then(|| f.uscc.clone()),
                legal_rep: if organisation { some(&f.legal_rep) } else { None },
            },
            ticket_id: some(&self.get("ticket")),
            materials: self
                .statuses
                .iter()
                .map(|(name, status)| MaterialInput {
                    name: name.clone(),
                    status: status.clone(),
                })
                .collect(),
            agent: some(&f.agent),
            agent_basis: some(&f.agent_basis),
        }
    }
}

struct Group {
    department: String,
    items: Vec<(String, String)>,
}

struct MaterialRow {
    m: Material,
    /// The status ticked (or preset), none yet.
    status: Option<MaterialStatus>,
}

#[derive(Template)]
#[template(path = "case/new.html")]
struct NewPage {
    chrome: Chrome,
    csrf: String,
    ticket: String,
    ticket_label: String,
    q: String,
    groups: Vec<Group>,
    item: Option<Item>,
    materials: Vec<MaterialRow>,
    f: Entered,
    error: Option<String>,
    field: String,
}

#[derive(Deserialize, Default)]
struct NewParams {
    ticket: Option<String>,
    item: Option<String>,
    q: Option<String>,
}

fn matches(item: &Item, q: &str) -> bool {
    q.is_empty()
        || item.name.contains(q)
        || item.code.eq_ignore_ascii_case(q)
        || item.department.contains(q)
        || item
            .keywords
            .iter()
            .any(|k| k.contains(q) || q.contains(k.as_str()))
}

async fn ticket_label(state: &AppState, ticket: &str) -> String {
    let Ok(id) = uuid::Uuid::parse_str(ticket) else {
        return String::new();
    };
    match state.app.queue.ticket_view(id).await {
        Ok(v) => format!("{}（{}）", v.ticket.number, v.category_name),
        Err(_) => String::new(),
    }
}

struct Shown {
    ticket: String,
    q: String,
    item: String,
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
    let q = s.q.trim().to_owned();
    let mut groups: Vec<Group> = Vec::new();
    for i in catalog.items.iter().filter(|i| matches(i, &q)) {
        let entry = (i.code.clone(), format!("{}（{}）", i.name, i.handling));
        match groups.iter_mut().find(|g| g.department == i.department) {
            Some(g) => g.items.push(entry),
            None => groups.push(Group {
                department: i.department.clone(),
                items: vec![entry],
            }),
        }
    }
    let item = catalog.item(s.item.trim()).cloned();
    let materials = item
        .as_ref()
        .map(|i| {
            i.materials
                .iter()
                .map(|m| MaterialRow {
                    status: match s.statuses.iter().find(|(n, _)| n == &m.name) {
                        Some((_, st)) => MaterialStatus::parse(st),
                        // issue 17: 共享调取 is looked up for the applicant and refused
                        // when nothing valid is found, so the clerk chooses it.
                        None => None,
                    },
                    m: m.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let ticket_label = if s.ticket.is_empty() {
        String::new()
    } else {
        ticket_label(state, &s.ticket).await
    };
    let (status, error, field) = match s.error {
        Some((st, m, f)) => (st, Some(m), f),
        None => (StatusCode::OK, None, String::new()),
    };
    let f = s.f;
    let page = NewPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ticket: s.ticket,
        ticket_label,
        q,
        groups,
        item,
        materials,
        f,
        error,
        field,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn form(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<NewParams>,
) -> PageResult {
    let user = guard(&state, user, Permission::CaseHandle, &uri)?;
    let shown = Shown {
        ticket: p.ticket.unwrap_or_default(),
        q: p.q.unwrap_or_default(),
        item: p.item.unwrap_or_default(),
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
    let user = guard(&state, user, Permission::CaseHandle, &uri)?;
    let form = AcceptanceForm::new(pairs);
    if let Err(r) = check_form(&state, &user, &headers, &form.get("csrf")) {
        return Ok(r);
    }
    let req = form.request(form.get("item"), None);
    match state.app.cases.accept_case(&user.session, &req).await {
        Ok(v) => {
            let to = format!("/cases/{}", v.case.id);
            Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
        }
        Err(e) => {
            let refused = match super::appointments::refusal(&state, e) {
                Ok(r) => r,
                Err(page) => return Ok(page.into_response()),
            };
            let shown = Shown {
                ticket: form.get("ticket"),
                q: String::new(),
                item: req.item,
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
