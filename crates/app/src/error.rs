use domain::CalendarError;
use domain::catalog::CatalogProblem;
use store::StoreError;
use thiserror::Error;

/// Why a use case refused or failed. Every message is Chinese and meant for
/// the person at the screen; `Internal` carries the cause for the log only.
#[derive(Debug, Error)]
pub enum AppError {
    /// Input that breaks a rule: which field and why.
    #[error("{field}：{message}")]
    Invalid { field: String, message: String },
    /// A catalog file with problems; nothing was changed.
    #[error("目录文件有{}处问题，未做任何更改", .0.len())]
    CatalogInvalid(Vec<CatalogProblem>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("尝试次数过多，请{retry_after_minutes}分钟后再试（如需帮助请到咨询台）")]
    TooManyAttempts { retry_after_minutes: i64 },
    #[error("{0}")]
    Calendar(#[from] CalendarError),
    #[error("internal error: {0}")]
    Internal(#[from] StoreError),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Internal(StoreError::other(e))
    }
}
