//! The published catalog (已发布目录) that citizens browse and search, kept
//! in memory and rebuilt when another version is published (by this server,
//! another instance or the command line).

use crate::{AppError, AppResult};
use domain::catalog::{Bundle, Department, Item};
use domain::search::{SearchDoc, SearchIndex};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use store::CatalogVersion;

pub struct PublishedCatalog {
    pub version: Option<CatalogVersion>,
    pub items: Vec<Item>,
    pub bundles: Vec<Bundle>,
    pub departments: Vec<Department>,
    by_code: HashMap<String, usize>,
    index: SearchIndex,
}

impl PublishedCatalog {
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.by_code.get(code).map(|i| &self.items[*i])
    }

    /// The one department (full name) all these items belong to; `None`
    /// when they belong to several (a 综合窗口's) or none is in the catalog.
    pub fn one_department<'a>(&self, item_codes: impl IntoIterator<Item = &'a String>) -> Option<String> {
        let mut departments = item_codes
            .into_iter()
            .filter_map(|code| self.item(code))
            .map(|i| i.department.as_str());
        let first = departments.next()?;
        departments.all(|d| d == first).then(|| first.to_owned())
    }

    pub fn bundle(&self, code: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.code == code)
    }

    /// Items of a department, in catalog order.
    pub fn department_items(&self, name: &str) -> Vec<&Item> {
        self.items.iter().filter(|i| i.department == name).collect()
    }

    /// The department an item belongs to, by its name.
    pub fn department(&self, name_or_code: &str) -> Option<&Department> {
        self.departments
            .iter()
            .find(|d| d.name == name_or_code || d.code == name_or_code)
    }
}

#[derive(Default)]
pub struct PublishedCache {
    current: RwLock<Option<Arc<PublishedCatalog>>>,
}

/// A page of the item list (`GET /api/items`).
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    pub q: Option<String>,
    pub department: Option<String>,
    pub kind: Option<String>,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct ItemPage {
    pub items: Vec<Item>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

impl crate::Hall {
    /// The full name of a department code (cases carry the name).
    #[tracing::instrument(skip_all)]
    pub async fn department_name(&self, code: &str) -> AppResult<String> {
        self.catalog_store
            .list_departments()
            .await?
            .into_iter()
            .find(|d| d.code == code)
            .map(|d| d.name)
            .ok_or_else(|| AppError::Forbidden(format!("所属部门“{code}”已不存在，请管理员重新设置")))
    }

    /// The published catalog, rebuilt only when the published version changed.
    pub async fn published(&self) -> AppResult<Arc<PublishedCatalog>> {
        let id = self.catalog_store.published_version_id().await?;
        if let Ok(guard) = self.catalog_cache.current.read()
            && let Some(cat) = guard.as_ref()
            && cat.version.as_ref().map(|v| v.id) == id
        {
            return Ok(cat.clone());
        }
        let (version, items, bundles) = match id {
            Some(id) => {
                let snap = self.catalog_store.catalog_snapshot(id).await?;
                (Some(snap.version), snap.items, snap.bundles)
            }
            None => (None, Vec::new(), Vec::new()),
        };
        let all_departments = self.catalog_store.list_departments().await?;
        let tokenizer = self.tokenizer.clone();
        let built = tokio::task::spawn_blocking(move || {
            let docs: Vec<SearchDoc> = items.iter().map(SearchDoc::from).collect();
            let index = SearchIndex::build(&tokenizer, &docs);
            let by_code = items
                .iter()
                .enumerate()
                .map(|(i, it)| (it.code.clone(), i))
                .collect();
            // Only departments with published items are shown to the public.
            let departments = all_departments
                .into_iter()
                .filter(|d| items.iter().any(|i| i.department == d.name))
                .collect();
            PublishedCatalog {
                version,
                items,
                bundles,
                departments,
                by_code,
                index,
            }
        })
        .await
        .map_err(AppError::internal)?;
        let built = Arc::new(built);
        if let Ok(mut guard) = self.catalog_cache.current.write() {
            *guard = Some(built.clone());
        }
        Ok(built)
    }

    /// Lists or searches published items. A query ranks by relevance; without
    /// one, items keep catalog order.
    pub async fn find_items(&self, query: &ItemQuery) -> AppResult<ItemPage> {
        let per_page = query.per_page.unwrap_or(self.settings.hall.page_size);
        if per_page == 0 || per_page > 1000 {
            return Err(AppError::invalid("per_page", "每页条数应在1至1000之间"));
        }
        let page = query.page.unwrap_or(1);
        if page == 0 {
            return Err(AppError::invalid("page", "页码从1开始"));
        }
        let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if q.is_some_and(|q| q.chars().count() > 100) {
            return Err(AppError::invalid("q", "搜索词最多100个字"));
        }
        let cat = self.published().await?;
        let department = match query
            .department
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => Some(
                cat.department(d)
                    .map(|d| d.name.clone())
                    .ok_or_else(|| AppError::invalid("department", format!("部门“{d}”不存在")))?,
            ),
            None => None,
        };
        let kind = query.kind.as_deref().map(str::trim).filter(|k| !k.is_empty());
        if let Some(k) = kind
            && !domain::catalog::KINDS.contains(&k)
            && !domain::catalog::HANDLINGS.contains(&k)
        {
            return Err(AppError::invalid(
                "kind",
                format!(
                    "“{k}”无效，应为事项类型（{}）或办件类型（即办件、承诺件）",
                    domain::catalog::KINDS.join("、")
                ),
            ));
        }
        let keep = |i: &Item| {
            department.as_deref().is_none_or(|d| i.department == d)
                && kind.is_none_or(|k| i.kind == k || i.handling == k)
        };
        let matched: Vec<&Item> = match q {
            Some(q) => {
                let tokenizer = self.tokenizer.clone();
                cat.index
                    .search(&tokenizer, q)
                    .iter()
                    .filter_map(|h| cat.item(&h.code))
                    .filter(|i| keep(i))
                    .collect()
            }
            None => cat.items.iter().filter(|i| keep(i)).collect(),
        };
        let total = matched.len();
        let items = matched
            .into_iter()
            .skip((page - 1).saturating_mul(per_page))
            .take(per_page)
            .cloned()
            .collect();
        Ok(ItemPage {
            items,
            total,
            page,
            per_page,
        })
    }

    /// An item as its guide (办事指南) shows it: where the catalog is silent
    /// on place, hours and phones, the hall's own apply (五公开).
    #[tracing::instrument(skip_all)]
    pub async fn item_guide(&self, code: &str) -> AppResult<Item> {
        let mut item = self.item(code).await?;
        let hall = &self.settings.hall;
        let fill = |field: &mut String, default: &str| {
            if field.trim().is_empty() {
                *field = default.to_owned();
            }
        };
        fill(&mut item.location, &hall.address);
        fill(&mut item.hours, &self.settings.hours.summary());
        fill(&mut item.phone, &hall.phone);
        fill(&mut item.complaint_phone, &hall.complaint_phone);
        Ok(item)
    }

    pub async fn item(&self, code: &str) -> AppResult<Item> {
        self.published()
            .await?
            .item(code)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("事项“{code}”不存在或未发布")))
    }

    pub async fn bundle(&self, code: &str) -> AppResult<Bundle> {
        self.published()
            .await?
            .bundle(code)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("一件事“{code}”不存在或未发布")))
    }

    pub async fn add_department(
        &self,
        actor: &crate::Actor,
        code: &str,
        name: &str,
    ) -> AppResult<Department> {
        let code = code.trim().to_uppercase();
        let name = name.trim();
        if code.is_empty() || code.len() > 16 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(AppError::invalid("code", "部门编码应为1至16位字母或数字"));
        }
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::invalid("name", "部门名称应为1至60个字"));
        }
        let d = Department {
            code: code.clone(),
            name: name.to_owned(),
        };
        self.catalog_store.add_department(&d).await.map_err(|e| match e {
            store::StoreError::Conflict { .. } => AppError::Conflict(
                crate::Conflict::AlreadyExists,
                format!("部门编码“{code}”或名称“{name}”已存在"),
            ),
            other => other.into(),
        })?;
        self.audit(actor, "department.add", &code, name).await?;
        Ok(d)
    }

    pub async fn departments(&self) -> AppResult<Vec<Department>> {
        Ok(self.catalog_store.list_departments().await?)
    }
}
