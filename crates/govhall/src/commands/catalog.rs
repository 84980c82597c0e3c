//! `govhall catalog …`.

use super::{explain, open_app};
use crate::cli::{CatalogCommand, Format, Part};
use crate::config::Config;
use anyhow::{Context, Result};
use app::Actor;
use app::catalog::{CatalogFile, ExportFormat, ExportPart};

pub async fn run(config: &Config, command: CatalogCommand) -> Result<()> {
    match command {
        CatalogCommand::Import { db, files, draft } => {
            let mut loaded = Vec::new();
            for path in &files {
                let bytes =
                    std::fs::read(path).with_context(|| format!("无法读取文件 {}", path.display()))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                loaded.push(CatalogFile::new(&name, bytes));
            }
            let app = open_app(config, &config.database(&db)).await?;
            let report = app
                .import_catalog(&Actor::cli(), &loaded, !draft)
                .await
                .map_err(explain)?;
            println!(
                "已导入为版本{}{}：{}个事项，{}个一件事；新增{}项，修改{}项，删除{}项",
                report.version.id,
                if draft {
                    "（草稿，未发布）"
                } else {
                    "并已发布"
                },
                report.items,
                report.bundles,
                report.added.len(),
                report.changed.len(),
                report.removed.len()
            );
            if !report.new_departments.is_empty() {
                println!(
                    "登记了{}个部门：{}",
                    report.new_departments.len(),
                    report.new_departments.join("、")
                );
            }
            Ok(())
        }
        CatalogCommand::Export {
            db,
            format,
            output,
            part,
            version,
        } => {
            let app = open_app(config, &config.database(&db)).await?;
            let format = match format {
                Format::Json => ExportFormat::Json,
                Format::Xlsx => ExportFormat::Xlsx,
            };
            let part = match part {
                Part::Items => ExportPart::Items,
                Part::Bundles => ExportPart::Bundles,
            };
            let bytes = app.export_catalog(format, part, version).await.map_err(explain)?;
            std::fs::write(&output, bytes).with_context(|| format!("无法写入 {}", output.display()))?;
            println!("已导出到 {}", output.display());
            Ok(())
        }
        CatalogCommand::Versions { db } => {
            let app = open_app(config, &config.database(&db)).await?;
            let published = app.store.published_version_id().await?;
            for v in app.catalog_versions().await.map_err(explain)? {
                let mark = if Some(v.id) == published { "*" } else { " " };
                println!(
                    "{mark}{}\t{}\t{}\t{}项\t{}\t{}",
                    v.id, v.created_at, v.created_by, v.item_count, v.source, v.note
                );
            }
            Ok(())
        }
        CatalogCommand::Publish { db, version } => {
            let app = open_app(config, &config.database(&db)).await?;
            app.publish_catalog_version(&Actor::cli(), version)
                .await
                .map_err(explain)?;
            println!("版本{version}已发布");
            Ok(())
        }
    }
}
