use thiserror::Error;

/// What can go wrong in storage, kept apart so the web layer can answer
/// 404, 409 or 500 without guessing from message text.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    /// A unique or foreign-key rule refused the write.
    #[error("conflict on {what}")]
    Conflict { what: String },
    /// Stored data that no longer decodes (a defect, never user input).
    #[error("corrupt record: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::Other(Box::new(e))
    }
}
