//! 服务台账 pages: the ledger with filters, paging, A4 printing and the XLSX
//! link; a department's or window's work list with red and amber rows; the
//! overdue cases for supervision.

use super::guard;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, render};
use app::case_ledger::LedgerList;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::case::CaseStatus;
use domain::permission::Permission;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/cases", get(ledger))
        .route("/admin/cases/worklist", get(worklist))
        .route("/admin/cases/overdue", get(overdue))
}

#[derive(Deserialize, Default)]
struct Params {
    from: Option<String>,
    to: Option<String>,
    department: Option<String>,
    window: Option<String>,
    item: Option<String>,
    status: Option<String>,
    page: Option<i64>,
}

impl Params {
    fn get(v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }

    /// The filter as a query string, without the page.
    fn query(&self) -> String {
        let mut out = Vec::new();
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("department", &self.department),
            ("window", &self.window),
            ("item", &self.item),
            ("status", &self.status),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                out.push(format!("{k}={}", encode(v)));
            }
        }
        out.join("&")
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

type Day = Option<jiff::civil::Date>;

/// The period of the filter form; a wrong date is said in Chinese.
fn dates(from: Option<&str>, to: Option<&str>) -> Result<(Day, Day), String> {
    let one = |label: &str, raw: Option<&str>| match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| format!("{label}“{s}”无效，应为YYYY-MM-DD")),
        None => Ok(None),
    };
    Ok((one("开始日期", from)?, one("结束日期", to)?))
}

/// A status of the filter's list, chosen when the filter names it (by code or label).
struct StatusOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "manage/case_ledger.html")]
struct LedgerPageView {
    chrome: Chrome,
    /// ledger, worklist or overdue.
    mode: &'static str,
    title: &'static str,
    error: Option<String>,
    from: String,
    to: String,
    department: String,
    window: String,
    item: String,
    statuses: Vec<StatusOption>,
    list: Option<LedgerList>,
    query: String,
    today: String,
    /// Whether the 超期督办 tab is this person's to open.
    can_oversee: bool,
}

fn view(state: &AppState, user: &CurrentUser, mode: &'static str, p: &Params) -> LedgerPageView {
    LedgerPageView {
        chrome: Chrome::new(state, Some(user), "admin"),
        mode,
        title: match mode {
            "worklist" => "办件工作清单",
            "overdue" => "超期办件督办",
            _ => "服务台账",
        },
        error: None,
        from: Params::get(&p.from),
        to: Params::get(&p.to),
        department: Params::get(&p.department),
        window: Params::get(&p.window),
        item: Params::get(&p.item),
        statuses: CaseStatus::ALL
            .into_iter()
            .map(|s| StatusOption {
                code: s.code(),
                label: s.label(),
                selected: p.status.as_deref().and_then(CaseStatus::parse) == Some(s),
            })
            .collect(),
        list: None,
        query: p.query(),
        today: state.app.today().to_string(),
        can_oversee: user.session.user.role.can(Permission::CaseOversight),
    }
}

fn finish(state: &AppState, mut page: LedgerPageView, found: app::AppResult<LedgerList>) -> Response {
    match found {
        Ok(list) => page.list = Some(list),
        Err(app::AppError::Invalid { message, .. }) => page.error = Some(message),
        Err(e) => return PageError::from_app(state, e).into_response(),
    }
    render(state, &page)
}

async fn ledger(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<Params>,
) -> PageResult {
    let user = guard(&state, user, Permission::CaseRead, &uri)?;
    let page = view(&state, &user, "ledger", &p);
    let q = match dates(p.from.as_deref(), p.to.as_deref()) {
        Ok((from, to)) => app::case_ledger::LedgerQuery {
            from,
            to,
            department: p.department.clone(),
            window: p.window.clone(),
            item: p.item.clone(),
            status: p.status.clone(),
            page: p.page.unwrap_or(1),
            page_size: None,
        },
        Err(message) => {
            let mut page = page;
            page.error = Some(message);
            return Ok(render(&state, &page));
        }
    };
    let found = state.app.cases.ledger(&user.session, &q).await;
    Ok(finish(&state, page, found))
}

async fn worklist(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<Params>,
) -> PageResult {
    let user = guard(&state, user, Permission::CaseRead, &uri)?;
    let page = view(&state, &user, "worklist", &p);
    let unfiltered =
        p.department.as_deref().unwrap_or("").is_empty() && p.window.as_deref().unwrap_or("").is_empty();
    // A clerk or a liaison has a list of their own; others choose a department or window.
    let own_list = matches!(
        user.session.user.role,
        domain::Role::Staff | domain::Role::Liaison
    );
    if unfiltered && !own_list {
        return Ok(render(&state, &page));
    }
    let found = state
        .app
        .cases
        .worklist(
            &user.session,
            p.department.as_deref(),
            p.window.as_deref(),
            p.page.unwrap_or(1),
        )
        .await;
    // Nothing chosen and no list of one's own: the page asks for a choice.
    if unfiltered && matches!(found, Err(app::AppError::Invalid { .. })) {
        return Ok(render(&state, &page));
    }
    Ok(finish(&state, page, found))
}

async fn overdue(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<Params>,
) -> PageResult {
    let user = guard(&state, user, Permission::CaseOversight, &uri)?;
    let page = view(&state, &user, "overdue", &p);
    let found = state
        .app
        .cases
        .overdue_cases(&user.session, p.department.as_deref(), p.page.unwrap_or(1))
        .await;
    Ok(finish(&state, page, found))
}
