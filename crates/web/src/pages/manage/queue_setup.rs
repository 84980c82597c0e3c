//! 排队设置: service categories (业务类别) with the catalog items they cover,
//! windows with their categories and staff, and opening, pausing or closing a
//! window. Administrators change; the floor captain and leadership look.

use super::{back, guard, guard_post};
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, PageForm, render};
use crate::{ApiError, AppState};
use app::AppError;
use app::queue_setup::{CategoryChange, WindowChange};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::Role;
use domain::permission::Permission;
use serde::Deserialize;
use store::queue::{Category, Window, WindowStatus};

const PAGE: &str = "/admin/queue";
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PAGE, get(page))
        .route("/admin/queue/categories", post(add_category))
        .route("/admin/queue/categories/{prefix}", post(edit_category))
        .route("/admin/queue/windows", post(add_window))
        .route("/admin/queue/windows/{number}", post(edit_window))
        .route("/admin/queue/windows/{number}/status", post(window_status))
}

pub struct ItemName {
    code: String,
    name: String,
    /// Still in the published catalog.
    known: bool,
}

pub struct CategoryRow {
    prefix: String,
    name: String,
    items: Vec<ItemName>,
}

pub struct WindowRow {
    number: String,
    name: String,
    categories: String,
    staff: String,
    status: &'static str,
    state: WindowStatus,
    pause_reason: String,
    temporary: bool,
}

/// The published items of one department, for the category form.
pub struct DepartmentItems {
    department: String,
    items: Vec<(String, String)>,
}

/// The category form as shown: empty, filled from a category, or as submitted.
#[derive(Default)]
pub struct CategoryForm {
    editing: bool,
    prefix: String,
    name: String,
    items: Vec<String>,
}

impl CategoryForm {
    fn has(&self, code: &str) -> bool {
        self.items.iter().any(|i| i == code)
    }

    fn any_of(&self, d: &DepartmentItems) -> bool {
        d.items.iter().any(|(code, _)| self.has(code))
    }

    fn of(c: &Category) -> CategoryForm {
        CategoryForm {
            editing: true,
            prefix: c.prefix.clone(),
            name: c.name.clone(),
            items: c.items.clone(),
        }
    }
}

/// The window form as shown.
#[derive(Default)]
pub struct WindowForm {
    editing: bool,
    number: String,
    name: String,
    categories: Vec<String>,
    staff: Vec<String>,
    temporary: bool,
}

impl WindowForm {
    fn serves(&self, prefix: &str) -> bool {
        self.categories.iter().any(|c| c == prefix)
    }

    fn seats(&self, username: &str) -> bool {
        self.staff.iter().any(|s| s == username)
    }

    fn of(w: &Window) -> WindowForm {
        WindowForm {
            editing: true,
            number: w.number.clone(),
            name: w.name.clone(),
            categories: w.categories.clone(),
            staff: w.staff.clone(),
            temporary: w.temporary,
        }
    }
}

#[derive(Template)]
#[template(path = "manage/queue_setup.html")]
struct QueueSetupPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    /// The form and field the error is about ("category.name"; "" when none).
    error_field: String,
    can_edit: bool,
    categories: Vec<CategoryRow>,
    windows: Vec<WindowRow>,
    departments: Vec<DepartmentItems>,
    /// (prefix, name) of every category, for the window form.
    choices: Vec<(String, String)>,
    /// (username, display name) of the staff accounts.
    people: Vec<(String, String)>,
    category_form: CategoryForm,
    window_form: WindowForm,
}

/// What a page shows besides the set-up: a notice, an error, the forms' contents.
#[derive(Default)]
struct Shown {
    status: Option<StatusCode>,
    ok: Option<String>,
    error: Option<String>,
    error_field: String,
    category: Option<CategoryForm>,
    window: Option<WindowForm>,
}

/// Shows the page again with what went wrong, the form as it was submitted;
/// a failure of the system itself gets the error page.
async fn failed(state: &AppState, user: &CurrentUser, e: AppError, mut shown: Shown) -> Response {
    match e {
        AppError::Invalid { field, message } => {
            shown.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            shown.error = Some(format!("{}：{message}", field_label(&field)));
            let form = match (&shown.category, &shown.window) {
                (Some(_), _) => "category.",
                (_, Some(_)) => "window.",
                _ => "",
            };
            shown.error_field = format!("{form}{field}");
        }
        AppError::Internal(_) => return PageError::from_app(state, e).into_response(),
        other => {
            let api = ApiError::from(other);
            shown.status = Some(api.status);
            shown.error = Some(api.message);
        }
    }
    show(state, user, shown).await
}

fn field_label(field: &str) -> &str {
    match field {
        "prefix" => "号票前缀",
        "name" => "名称",
        "items" => "覆盖事项",
        "number" => "窗口号",
        "categories" => "办理业务",
        "staff" => "窗口人员",
        "reason" => "暂停原因",
        "status" => "窗口状态",
        other => other,
    }
}

fn status_label(status: WindowStatus) -> &'static str {
    match status {
        WindowStatus::Open => "服务中",
        WindowStatus::Paused => "暂停服务",
        WindowStatus::Closed => "已关闭",
    }
}

async fn show(state: &AppState, user: &CurrentUser, shown: Shown) -> Response {
    let loaded = async {
        Ok::<_, AppError>((
            state.app.queue.categories().await?,
            state.app.queue.windows().await?,
            state.app.published().await?,
            state.app.accounts.users().await?,
        ))
    }
    .await;
    let (categories, windows, catalog, users) = match loaded {
        Ok(l) => l,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let display_name = |username: &str| {
        users
            .iter()
            .find(|u| u.username == username)
            .map(|u| format!("{}（{}）", u.display_name, u.username))
            .unwrap_or_else(|| username.to_owned())
    };
    let category_name = |prefix: &str| {
        categories
            .iter()
            .find(|c| c.prefix == prefix)
            .map(|c| format!("{} {}", c.prefix, c.name))
            .unwrap_or_else(|| prefix.to_owned())
    };
    let rows = categories
        .iter()
        .map(|c| CategoryRow {
            prefix: c.prefix.clone(),
            name: c.name.clone(),
            items: c
                .items
                .iter()
                .map(|code| match catalog.item(code) {
                    Some(i) => ItemName {
                        code: code.clone(),
                        name: i.name.clone(),
                        known: true,
                    },
                    None => ItemName {
                        code: code.clone(),
                        name: String::new(),
                        known: false,
                    },
                })
                .collect(),
        })
        .collect();
    let window_rows = windows
        .iter()
        .map(|w| WindowRow {
            number: w.number.clone(),
            name: w.name.clone(),
            categories: w
                .categories
                .iter()
                .map(|c| category_name(c))
                .collect::<Vec<_>>()
                .join("、"),
            staff: w
                .staff
                .iter()
                .map(|s| display_name(s))
                .collect::<Vec<_>>()
                .join("、"),
            status: status_label(w.status),
            state: w.status,
            pause_reason: w.pause_reason.clone(),
            temporary: w.temporary,
        })
        .collect();
    let mut departments: Vec<DepartmentItems> = Vec::new();
    for item in &catalog.items {
        let entry = (item.code.clone(), item.name.clone());
        match departments.iter_mut().find(|d| d.department == item.department) {
            Some(d) => d.items.push(entry),
            None => departments.push(DepartmentItems {
                department: item.department.clone(),
                items: vec![entry],
            }),
        }
    }
    let window_form = shown.window.unwrap_or_default();
    // Staff accounts, and whoever already sits at the window being edited.
    let people = users
        .iter()
        .filter(|u| (u.role == Role::Staff && !u.disabled) || window_form.seats(&u.username))
        .map(|u| (u.username.clone(), u.display_name.clone()))
        .collect();
    let page = QueueSetupPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok: shown.ok,
        error: shown.error,
        error_field: shown.error_field,
        can_edit: user.session.user.role == Role::Admin,
        categories: rows,
        windows: window_rows,
        departments,
        choices: categories
            .iter()
            .map(|c| (c.prefix.clone(), c.name.clone()))
            .collect(),
        people,
        category_form: shown.category.unwrap_or_default(),
        window_form,
    };
    let status = shown.status.unwrap_or(StatusCode::OK);
    (status, render(state, &page)).into_response()
}

#[derive(Deserialize, Default)]
struct PageQuery {
    ok: Option<String>,
    /// The category to edit.
    category: Option<String>,
    /// The window to edit.
    window: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let user = guard(&state, user, Permission::QueueSetupRead, &uri)?;
    let mut shown = Shown {
        ok: q.ok,
        ..Shown::default()
    };
    if let Some(prefix) = q.category.filter(|p| !p.is_empty()) {
        match state.app.queue.categories().await {
            Ok(all) => match all.iter().find(|c| c.prefix == prefix) {
                Some(c) => shown.category = Some(CategoryForm::of(c)),
                None => {
                    shown.status = Some(StatusCode::NOT_FOUND);
                    shown.error = Some(format!("业务类别“{prefix}”不存在"));
                }
            },
            Err(e) => return Ok(PageError::from_app(&state, e).into_response()),
        }
    }
    if let Some(number) = q.window.filter(|n| !n.is_empty()) {
        match state.app.queue.windows().await {
            Ok(all) => match all.iter().find(|w| w.number == number) {
                Some(w) => shown.window = Some(WindowForm::of(w)),
                None => {
                    shown.status = Some(StatusCode::NOT_FOUND);
                    shown.error = Some(format!("窗口“{number}”不存在"));
                }
            },
            Err(e) => return Ok(PageError::from_app(&state, e).into_response()),
        }
    }
    Ok(show(&state, &user, shown).await)
}

/// A submitted form whose checkboxes repeat a name (items, categories, staff).
#[derive(Deserialize)]
#[serde(transparent)]
struct Fields(Vec<(String, String)>);

impl Fields {
    fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }

    fn category(&self, editing: bool, prefix: String) -> CategoryForm {
        CategoryForm {
            editing,
            prefix,
            name: self.one("name"),
            items: self.all("items"),
        }
    }

    fn window(&self, editing: bool, number: String) -> WindowForm {
        WindowForm {
            editing,
            number,
            name: self.one("name"),
            categories: self.all("categories"),
            staff: self.all("staff"),
            temporary: self.checked("temporary"),
        }
    }
}

/// Signed in as an administrator and the form is genuine.
#[allow(clippy::result_large_err)]
fn admin_post(
    state: &AppState,
    user: Option<CurrentUser>,
    uri: &Uri,
    headers: &HeaderMap,
    f: &Fields,
) -> Result<CurrentUser, Response> {
    guard_post(state, user, Permission::QueueSetup, uri, headers, &f.one("csrf"))
}

async fn add_category(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Fields>,
) -> PageResult {
    let user = admin_post(&state, user, &uri, &headers, &f)?;
    let prefix = f.one("prefix");
    let done = state
        .app
        .queue
        .create_category(&user.actor(), &prefix, &f.one("name"), &f.all("items"))
        .await;
    match done {
        Ok(c) => Ok(back(PAGE, &format!("已新增业务类别 {} {}", c.prefix, c.name))),
        Err(e) => {
            let shown = Shown {
                category: Some(f.category(false, prefix)),
                ..Shown::default()
            };
            Ok(failed(&state, &user, e, shown).await)
        }
    }
}

async fn edit_category(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(prefix): Path<String>,
    PageForm(f): PageForm<Fields>,
) -> PageResult {
    let user = admin_post(&state, user, &uri, &headers, &f)?;
    let change = CategoryChange {
        name: Some(f.one("name")),
        items: Some(f.all("items")),
    };
    match state
        .app
        .queue
        .edit_category(&user.actor(), &prefix, &change)
        .await
    {
        Ok(c) => Ok(back(PAGE, &format!("已修改业务类别 {} {}", c.prefix, c.name))),
        Err(e) => {
            let shown = Shown {
                category: Some(f.category(true, prefix)),
                ..Shown::default()
            };
            Ok(failed(&state, &user, e, shown).await)
        }
    }
}

async fn add_window(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Fields>,
) -> PageResult {
    let user = admin_post(&state, user, &uri, &headers, &f)?;
    let form = f.window(false, f.one("number"));
    let done = state
        .app
        .queue
        .create_window(
            &user.actor(),
            &form.number,
            &form.name,
            &form.categories,
            &form.staff,
            form.temporary,
        )
        .await;
    match done {
        Ok(w) => Ok(back(PAGE, &format!("已新增{}", w.name))),
        Err(e) => {
            let shown = Shown {
                window: Some(form),
                ..Shown::default()
            };
            Ok(failed(&state, &user, e, shown).await)
        }
    }
}

async fn edit_window(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(number): Path<String>,
    PageForm(f): PageForm<Fields>,
) -> PageResult {
    let user = admin_post(&state, user, &uri, &headers, &f)?;
    let form = f.window(true, number);
    let change = WindowChange {
        name: Some(form.name.clone()),
        categories: Some(form.categories.clone()),
        staff: Some(form.staff.clone()),
        temporary: Some(form.temporary),
    };
    match state
        .app
        .queue
        .edit_window(&user.actor(), &form.number, &change)
        .await
    {
        Ok(w) => Ok(back(PAGE, &format!("已修改{}", w.name))),
        Err(e) => {
            let shown = Shown {
                window: Some(form),
                ..Shown::default()
            };
            Ok(failed(&state, &user, e, shown).await)
        }
    }
}

async fn window_status(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(number): Path<String>,
    PageForm(f): PageForm<Fields>,
) -> PageResult {
    let user = admin_post(&state, user, &uri, &headers, &f)?;
    let Some(status) = WindowStatus::parse(&f.one("status")) else {
        let e = AppError::invalid("status", "请选择开放、暂停或关闭");
        return Ok(failed(&state, &user, e, Shown::default()).await);
    };
    let reason = f.one("reason");
    match state
        .app
        .queue
        .set_window_status(&user.session, &number, status, &reason)
        .await
    {
        Ok(()) => {
            let done = match status {
                WindowStatus::Open => "已开放",
                WindowStatus::Paused => "已暂停服务",
                WindowStatus::Closed => "已关闭",
            };
            Ok(back(PAGE, &format!("{number}号窗口{done}")))
        }
        Err(e) => Ok(failed(&state, &user, e, Shown::default()).await),
    }
}
