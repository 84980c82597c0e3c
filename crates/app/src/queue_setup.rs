//! Changing the queue's set-up (排队设置): a category's name and items, a
//! window's name, categories, staff and temporary mark. The same rules as
//! creating them ([`App::create_category`], [`App::create_window`]); the
//! prefix and the window number are their identity and never change.

use crate::{Actor, AppError, AppResult};
use domain::Role;
use store::StoreError;
use store::queue::{Category, Window};

/// What to change in a category; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct CategoryChange {
    pub name: Option<String>,
    /// Catalog item codes (replaces the whole list).
    pub items: Option<Vec<String>>,
}

/// What to change in a window; `None` keeps the current value. Its status
/// (open, paused, closed) is changed by [`App::set_window_status`].
#[derive(Debug, Clone, Default)]
pub struct WindowChange {
    /// An empty name becomes "N号窗口".
    pub name: Option<String>,
    pub categories: Option<Vec<String>>,
    /// Usernames of the staff allowed at the window (replaces the whole list).
    pub staff: Option<Vec<String>>,
    pub temporary: Option<bool>,
}

/// The list without blanks and repeats, in the order given.
fn distinct(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    }
    out
}

fn only_admin(actor: &Actor) -> AppResult<()> {
    if actor.role == Some(Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden("修改排队设置需要系统管理员权限".into()))
    }
}

/// A category name: 1 to 30 characters.
pub(crate) fn category_name(name: &str) -> AppResult<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 30 {
        return Err(AppError::invalid("name", "类别名称应为1至30个字"));
    }
    Ok(n.to_owned())
}

/// A window name; empty becomes "N号窗口".
pub(crate) fn window_name(number: &str, name: &str) -> AppResult<String> {
    match name.trim() {
        "" => Ok(format!("{number}号窗口")),
        n if n.chars().count() > 30 => Err(AppError::invalid("name", "窗口名称不超过30个字")),
        n => Ok(n.to_owned()),
    }
}

impl crate::queue::QueueService {
    /// Item codes that are all in the published catalog, without repeats.
    pub(crate) async fn checked_items(&self, items: &[String]) -> AppResult<Vec<String>> {
        let items = distinct(items);
        let catalog = self.published().await?;
        if let Some(missing) = items.iter().find(|code| catalog.item(code).is_none()) {
            return Err(AppError::invalid(
                "items",
                format!("事项“{missing}”不在已发布的目录中"),
            ));
        }
        Ok(items)
    }

    /// At least one category, each of them known, without repeats.
    pub(crate) async fn checked_categories(&self, categories: &[String]) -> AppResult<Vec<String>> {
        let categories = distinct(categories);
        if categories.is_empty() {
            return Err(AppError::invalid("categories", "窗口至少办理一个业务类别"));
        }
        let known = self.store.categories().await?;
        if let Some(missing) = categories.iter().find(|c| !known.iter().any(|k| &k.prefix == *c)) {
            return Err(AppError::invalid(
                "categories",
                format!("业务类别“{missing}”不存在"),
            ));
        }
        Ok(categories)
    }

    /// Usernames of window staff (or administrators), without repeats.
    pub(crate) async fn checked_staff(&self, staff: &[String]) -> AppResult<Vec<String>> {
        let staff = distinct(staff);
        for username in &staff {
            match self.accounts.user_by_username(username).await? {
                Some(u) if u.user.role == Role::Staff || u.user.role == Role::Admin => {}
                _ => {
                    return Err(AppError::invalid(
                        "staff",
                        format!("“{username}”不是窗口人员账号"),
                    ));
                }
            }
        }
        Ok(staff)
    }

    /// Changes a category's name or items (修改业务类别).
    #[tracing::instrument(skip_all)]
    pub async fn edit_category(
        &self,
        actor: &Actor,
        prefix: &str,
        change: &CategoryChange,
    ) -> AppResult<Category> {
        only_admin(actor)?;
        let prefix = prefix.trim();
        let current = self
            .store
            .categories()
            .await?
            .into_iter()
            .find(|c| c.prefix == prefix)
            .ok_or_else(|| AppError::NotFound(format!("业务类别“{prefix}”不存在")))?;
        let name = match &change.name {
            Some(n) => category_name(n)?,
            None => current.name.clone(),
        };
        let items = match &change.items {
            Some(items) => self.checked_items(items).await?,
            None => current.items.clone(),
        };
        let c = Category {
            prefix: current.prefix,
            name,
            items,
        };
        self.store.update_category(&c).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound(format!("业务类别“{prefix}”不存在")),
            StoreError::Conflict { .. } => AppError::Conflict(
                crate::Conflict::AlreadyExists,
                format!("名称“{}”已被其他业务类别使用", c.name),
            ),
            other => other.into(),
        })?;
        self.queue_setup_changed();
        let detail = format!("{}；事项：{}", c.name, c.items.join(","));
        self.audit(actor, "queue.category.edit", &c.prefix, &detail)
            .await?;
        Ok(c)
    }

    /// Changes a window's name, categories, staff or temporary mark (修改窗口).
    #[tracing::instrument(skip_all)]
    pub async fn edit_window(&self, actor: &Actor, number: &str, change: &WindowChange) -> AppResult<Window> {
        only_admin(actor)?;
        let number = number.trim();
        let mut w = self.store.window(number).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound(format!("窗口“{number}”不存在")),
            other => other.into(),
        })?;
        if let Some(name) = &change.name {
            w.name = window_name(&w.number, name)?;
        }
        if let Some(categories) = &change.categories {
            w.categories = self.checked_categories(categories).await?;
        }
        if let Some(staff) = &change.staff {
            w.staff = self.checked_staff(staff).await?;
        }
        if let Some(temporary) = change.temporary {
            w.temporary = temporary;
        }
        self.store.update_window(&w).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound(format!("窗口“{number}”不存在")),
            other => other.into(),
        })?;
        self.queue_setup_changed();
        let detail = format!(
            "{}；业务：{}；人员：{}{}",
            w.name,
            w.categories.join(","),
            w.staff.join(","),
            if w.temporary { "；临时窗口" } else { "" }
        );
        self.audit(actor, "queue.window.edit", &w.number, &detail).await?;
        Ok(w)
    }
}
