//! The service catalog (事项清单) as the hall uses it: import and export,
//! versions and publishing, and what the public reads and searches.

mod attachments;
mod files;
mod import;
mod published;

pub mod xlsx;

pub use files::{CatalogFile, ExportFormat, ExportPart};
pub use import::ImportReport;
pub use published::{ItemPage, ItemQuery, PublishedCache, PublishedCatalog};
