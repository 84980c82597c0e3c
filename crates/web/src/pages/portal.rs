//! The public portal (办事指南门户): search, departments, life events, item guides.

use super::{Chrome, PageError, render};
use crate::AppState;
use crate::auth::CurrentUser;
use app::catalog::{ItemQuery, PublishedCatalog};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use domain::catalog::{Bundle, Item};
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/departments", get(departments))
        .route("/departments/{code}", get(department))
        .route("/bundles", get(bundles))
        .route("/bundles/{code}", get(bundle))
        .route("/items/{code}", get(item))
}

async fn published(state: &AppState) -> Result<Arc<PublishedCatalog>, PageError> {
    state
        .app
        .published()
        .await
        .map_err(|e| PageError::from_app(state, e))
}

fn not_found(state: &AppState, message: String) -> PageError {
    PageError::new(state, StatusCode::NOT_FOUND, "没有找到", message)
}

pub struct DepartmentTile {
    code: String,
    name: String,
    count: usize,
}

async fn department_tiles(state: &AppState) -> Result<Vec<DepartmentTile>, PageError> {
    let cat = state
        .app
        .published()
        .await
        .map_err(|e| PageError::from_app(state, e))?;
    Ok(cat
        .departments
        .iter()
        .map(|d| DepartmentTile {
            code: d.code.clone(),
            name: d.name.clone(),
            count: cat.department_items(&d.name).len(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    chrome: Chrome,
    /// Last month's red flag and stars (光荣榜), when they could be read.
    honours: Option<app::assessment::Honours>,
    hints: Vec<&'static str>,
    bundles: Vec<Bundle>,
    departments: Vec<DepartmentTile>,
}

async fn home(State(state): State<AppState>, user: Option<CurrentUser>) -> Result<Response, PageError> {
    let departments = department_tiles(&state).await?;
    let bundles = state
        .app
        .published()
        .await
        .map_err(|e| PageError::from_app(&state, e))?
        .bundles
        .clone();
    let honours = state.app.assessment.honours(None).await.ok();
    let page = HomePage {
        honours,
        chrome: Chrome::new(&state, user.as_ref(), "home"),
        // issue 17: the life events of the smart guide (智能导办)
        hints: vec![
            "孩子出生",
            "上学",
            "结婚",
            "开饭店",
            "买房",
            "退休",
            "老人去世身后事",
        ],
        bundles,
        departments,
    };
    Ok(render(&state, &page))
}

#[derive(Deserialize)]
struct SearchParams {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    total: usize,
    items: Vec<Item>,
}

async fn search(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(params): Query<SearchParams>,
) -> Result<Response, PageError> {
    let q: String = params.q.unwrap_or_default().trim().chars().take(100).collect();
    let (items, total) = if q.is_empty() {
        (Vec::new(), 0)
    } else {
        let page = state
            .app
            .find_items(&ItemQuery {
                q: Some(q.clone()),
                per_page: Some(50),
                ..Default::default()
            })
            .await
            .map_err(|e| PageError::from_app(&state, e))?;
        (page.items, page.total)
    };
    Ok(render(
        &state,
        &SearchPage {
            chrome: Chrome::new(&state, user.as_ref(), "home"),
            q,
            total,
            items,
        },
    ))
}

#[derive(Template)]
#[template(path = "portal/departments.html")]
struct DepartmentsPage {
    chrome: Chrome,
    departments: Vec<DepartmentTile>,
}

async fn departments(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
) -> Result<Response, PageError> {
    let departments = department_tiles(&state).await?;
    Ok(render(
        &state,
        &DepartmentsPage {
            chrome: Chrome::new(&state, user.as_ref(), "departments"),
            departments,
        },
    ))
}

#[derive(Template)]
#[template(path = "portal/department.html")]
struct DepartmentPage {
    chrome: Chrome,
    name: String,
    items: Vec<Item>,
}

async fn department(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let cat = published(&state).await?;
    let Some(d) = cat.department(&code) else {
        return Err(not_found(&state, format!("部门“{code}”不存在")));
    };
    let items = cat.department_items(&d.name).into_iter().cloned().collect();
    Ok(render(
        &state,
        &DepartmentPage {
            chrome: Chrome::new(&state, user.as_ref(), "departments"),
            name: d.name.clone(),
            items,
        },
    ))
}

#[derive(Template)]
#[template(path = "portal/bundles.html")]
struct BundlesPage {
    chrome: Chrome,
    bundles: Vec<Bundle>,
}

async fn bundles(State(state): State<AppState>, user: Option<CurrentUser>) -> Result<Response, PageError> {
    let bundles = state
        .app
        .published()
        .await
        .map_err(|e| PageError::from_app(&state, e))?
        .bundles
        .clone();
    Ok(render(
        &state,
        &BundlesPage {
            chrome: Chrome::new(&state, user.as_ref(), "bundles"),
            bundles,
        },
    ))
}

/// A material needed by one or more items of a bundle.
pub struct MergedMaterial {
    name: String,
    required: bool,
    shareable: bool,
    items: String,
}

#[derive(Template)]
#[template(path = "portal/bundle.html")]
struct BundlePage {
    chrome: Chrome,
    bundle: Bundle,
    items: Vec<Item>,
    materials: Vec<MergedMaterial>,
    /// 网上申报: every item of it can be applied for online (one form).
    online: bool,
}

/// One set of materials for the whole bundle: a material several items
/// need is asked for once (一套材料).
fn merge_materials(items: &[Item]) -> Vec<MergedMaterial> {
    let mut out: Vec<MergedMaterial> = Vec::new();
    for item in items {
        for m in &item.materials {
            match out.iter_mut().find(|o| o.name == m.name) {
                Some(o) => {
                    o.required |= m.required;
                    o.shareable &= m.shareable;
                    o.items.push('、');
                    o.items.push_str(&item.name);
                }
                None => out.push(MergedMaterial {
                    name: m.name.clone(),
                    required: m.required,
                    shareable: m.shareable,
                    items: item.name.clone(),
                }),
            }
        }
    }
    out
}

async fn bundle(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let cat = published(&state).await?;
    let Some(bundle) = cat.bundle(&code).cloned() else {
        return Err(not_found(&state, format!("一件事“{code}”不存在")));
    };
    let items: Vec<Item> = bundle.items.iter().filter_map(|c| cat.item(c)).cloned().collect();
    let materials = merge_materials(&items);
    Ok(render(
        &state,
        &BundlePage {
            chrome: Chrome::new(&state, user.as_ref(), "bundles"),
            online: domain::application::bundle_as_one_form(&bundle, &items).is_ok(),
            bundle,
            items,
            materials,
        },
    ))
}

#[derive(Template)]
#[template(path = "portal/item.html")]
struct ItemPage {
    chrome: Chrome,
    item: Item,
    subject: String,
    department_code: String,
    shareable_count: usize,
    bundles: Vec<Bundle>,
    /// 空白表格与示范文本 to download.
    files: Vec<store::ItemAttachment>,
    /// A catalog manager reading the guide gets a link to its files.
    can_manage: bool,
}

async fn item(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let cat = published(&state).await?;
    if cat.item(&code).is_none() {
        return Err(not_found(&state, format!("事项“{code}”不存在或未发布")));
    }
    let item = state
        .app
        .item_guide(&code)
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    let department_code = cat
        .department(&item.department)
        .map(|d| d.code.clone())
        .unwrap_or_default();
    let bundles = cat
        .bundles
        .iter()
        .filter(|b| b.items.contains(&item.code))
        .cloned()
        .collect();
    let files = state
        .app
        .item_attachments(&code)
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    let page = ItemPage {
        files,
        can_manage: user.as_ref().is_some_and(|u| {
            u.session
                .user
                .role
                .can(domain::permission::Permission::CatalogManage)
        }),
        chrome: Chrome::new(&state, user.as_ref(), ""),
        subject: item.subject.replace(',', "、"),
        shareable_count: item.materials.iter().filter(|m| m.shareable).count(),
        department_code,
        bundles,
        item,
    };
    Ok(render(&state, &page))
}
