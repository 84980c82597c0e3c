//! Import, edit and publish: every change makes a new catalog version
//! (目录版本), checked as a whole first so a file with any problem changes nothing.

use super::files::{ImportRows, read_files};
use super::{CatalogFile, ExportFormat, ExportPart};
use crate::{Actor, AppError, AppResult};
use domain::catalog::{
    Bundle, DepartmentPolicy, Item, ValidatedCatalog, to_reference_json, validate_catalog,
};
use serde::Serialize;
use serde_json::Value;
use store::{CatalogVersion, NewCatalogVersion, StoreError};

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub version: CatalogVersion,
    pub items: usize,
    pub bundles: usize,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// Departments registered by this import (a new hall's first catalog).
    pub new_departments: Vec<String>,
}

fn rows_of<T: Serialize>(list: &[T]) -> AppResult<Vec<(usize, Value)>> {
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::to_value(v)
                .map(|v| (i + 1, v))
                .map_err(AppError::internal)
        })
        .collect()
}

impl crate::Hall {
    async fn current_items_and_bundles(&self) -> AppResult<(Vec<Item>, Vec<Bundle>)> {
        match self.catalog_store.published_version_id().await? {
            Some(id) => {
                let snap = self.catalog_store.catalog_snapshot(id).await?;
                Ok((snap.items, snap.bundles))
            }
            None => Ok((Vec::new(), Vec::new())),
        }
    }

    async fn validate(
        &self,
        items: &[(usize, Value)],
        bundles: &[(usize, Value)],
    ) -> AppResult<ValidatedCatalog> {
        let known = self.catalog_store.list_departments().await?;
        let policy = if known.is_empty() {
            DepartmentPolicy::Bootstrap
        } else {
            DepartmentPolicy::Registered(known)
        };
        validate_catalog(items, bundles, &policy).map_err(AppError::CatalogInvalid)
    }

    async fn store_version(
        &self,
        actor: &Actor,
        source: String,
        note: String,
        catalog: ValidatedCatalog,
        publish: bool,
    ) -> AppResult<CatalogVersion> {
        let known = self.catalog_store.list_departments().await?;
        let new_departments = catalog
            .departments
            .into_iter()
            .filter(|d| !known.contains(d))
            .collect();
        self.catalog_store
            .create_catalog_version(&NewCatalogVersion {
                created_by: actor.username.clone(),
                created_at: self.now(),
                source,
                note,
                new_departments,
                items: catalog.items,
                bundles: catalog.bundles,
                publish,
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict { what } => AppError::Conflict(
                    crate::Conflict::ChangedMeanwhile,
                    format!("目录保存冲突（{what}），请重试"),
                ),
                other => other.into(),
            })
    }

    /// Imports one or more files (items and/or bundles, JSON or XLSX) as a new
    /// version. A part the files do not bring is kept from the published version.
    pub async fn import_catalog(
        &self,
        actor: &Actor,
        files: &[CatalogFile],
        publish: bool,
    ) -> AppResult<ImportReport> {
        let ImportRows { items, bundles } = read_files(files)?;
        let (old_items, old_bundles) = self.current_items_and_bundles().await?;
        let item_rows = match items {
            Some(rows) => rows,
            None => rows_of(&old_items)?,
        };
        let bundle_rows = match bundles {
            Some(rows) => rows,
            None => rows_of(&old_bundles)?,
        };
        let known_before = self.catalog_store.list_departments().await?;
        let catalog = self.validate(&item_rows, &bundle_rows).await?;
        let new_departments: Vec<String> = catalog
            .departments
            .iter()
            .filter(|d| !known_before.contains(d))
            .map(|d| d.name.clone())
            .collect();
        let (added, changed, removed) = diff(&old_items, &catalog.items);
        let (n_items, n_bundles) = (catalog.items.len(), catalog.bundles.len());
        let names = files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let note = format!(
            "新增{}项，修改{}项，删除{}项",
            added.len(),
            changed.len(),
            removed.len()
        );
        let version = self
            .store_version(actor, format!("导入 {names}"), note.clone(), catalog, publish)
            .await?;
        self.audit(
            actor,
            "catalog.import",
            &format!("版本{}", version.id),
            &format!("{names}：{note}"),
        )
        .await?;
        Ok(ImportReport {
            version,
            items: n_items,
            bundles: n_bundles,
            added,
            changed,
            removed,
            new_departments,
        })
    }

    /// Adds or replaces one item (by its code) and publishes the result as a new version.
    pub async fn save_item(&self, actor: &Actor, item: Value) -> AppResult<CatalogVersion> {
        let (old_items, old_bundles) = self.current_items_and_bundles().await?;
        let code = item
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_owned();
        let mut rows = rows_of(&old_items)?;
        match old_items.iter().position(|i| i.code == code) {
            Some(pos) => rows[pos].1 = item,
            None => rows.push((rows.len() + 1, item)),
        }
        let catalog = self.validate(&rows, &rows_of(&old_bundles)?).await?;
        let version = self
            .store_version(actor, format!("编辑 {code}"), String::new(), catalog, true)
            .await?;
        self.audit(actor, "catalog.item.save", &code, &format!("版本{}", version.id))
            .await?;
        Ok(version)
    }

    /// Removes one item; refused while a bundle still names it.
    pub async fn remove_item(&self, actor: &Actor, code: &str) -> AppResult<CatalogVersion> {
        let (old_items, old_bundles) = self.current_items_and_bundles().await?;
        if !old_items.iter().any(|i| i.code == code) {
            return Err(AppError::NotFound(format!("事项“{code}”不存在")));
        }
        let kept: Vec<Item> = old_items.into_iter().filter(|i| i.code != code).collect();
        let catalog = self.validate(&rows_of(&kept)?, &rows_of(&old_bundles)?).await?;
        let version = self
            .store_version(actor, format!("删除 {code}"), String::new(), catalog, true)
            .await?;
        self.audit(actor, "catalog.item.remove", code, &format!("版本{}", version.id))
            .await?;
        Ok(version)
    }

    /// Makes an earlier or draft version the one the public sees.
    pub async fn publish_catalog_version(&self, actor: &Actor, id: i64) -> AppResult<()> {
        self.catalog_store
            .publish_catalog_version(id, self.now())
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => AppError::NotFound(format!("目录版本{id}不存在")),
                other => other.into(),
            })?;
        self.audit(actor, "catalog.publish", &format!("版本{id}"), "")
            .await
    }

    pub async fn catalog_versions(&self) -> AppResult<Vec<CatalogVersion>> {
        Ok(self.catalog_store.catalog_versions().await?)
    }

    /// Exports the published version (or `version`) in the reference format.
    pub async fn export_catalog(
        &self,
        format: ExportFormat,
        part: ExportPart,
        version: Option<i64>,
    ) -> AppResult<Vec<u8>> {
        let id = match version {
            Some(id) => id,
            None => self
                .catalog_store
                .published_version_id()
                .await?
                .ok_or_else(|| AppError::NotFound("尚未发布任何事项目录".into()))?,
        };
        let snap = self
            .catalog_store
            .catalog_snapshot(id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => AppError::NotFound(format!("目录版本{id}不存在")),
                other => other.into(),
            })?;
        match format {
            ExportFormat::Xlsx => {
                super::xlsx::write_catalog_xlsx(&snap.items, &snap.bundles).map_err(AppError::internal)
            }
            ExportFormat::Json => {
                let text = match part {
                    ExportPart::Items => to_reference_json(&snap.items),
                    ExportPart::Bundles => to_reference_json(&snap.bundles),
                }
                .map_err(AppError::internal)?;
                Ok(text.into_bytes())
            }
        }
    }
}

fn diff(old: &[Item], new: &[Item]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for item in new {
        match old.iter().find(|o| o.code == item.code) {
            None => added.push(item.code.clone()),
            Some(o) if o != item => changed.push(item.code.clone()),
            Some(_) => {}
        }
    }
    let removed = old
        .iter()
        .filter(|o| !new.iter().any(|n| n.code == o.code))
        .map(|o| o.code.clone())
        .collect();
    (added, changed, removed)
}
