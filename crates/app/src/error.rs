use domain::CalendarError;
use domain::catalog::CatalogProblem;
use store::StoreError;
use thiserror::Error;

/// Why a use case refused or failed. Every message is Chinese and meant for
/// the person at the screen; `Internal` carries the cause for the log only.
#[derive(Debug, Error)]
pub enum AppError {
    /// Input that breaks a rule: which field and why.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// A catalog file with problems; nothing was changed.
    #[error("目录文件有{}处问题，未做任何更改", .0.len())]
    CatalogInvalid(Vec<CatalogProblem>),
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with the hall's state now (409), with a stable code.
    #[error("{1}")]
    Conflict(Conflict, String),
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

/// Why a request clashes with the state of the hall: the stable machine code
/// of a 409 answer (`error.code`), one per kind of clash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// A name, number or code that must be unique is taken (用户名、窗口号、前缀…).
    AlreadyExists,
    /// Someone else changed the record meanwhile: reload and try again.
    ChangedMeanwhile,
    /// The record's status does not allow this step now.
    WrongStatus,
    /// The item or bundle is no longer in the published catalog.
    NotInCatalog,
    /// A per-person limit (live tickets, bookings a day, open home visits).
    PersonLimit,
    /// The window is paused or closed.
    WindowClosed,
    /// Too late: the re-queue minutes or the check-in window have passed.
    TooLate,
    /// Too early: check-in opens shortly before the slot.
    TooEarly,
    /// The service is not finished, so it cannot be rated yet.
    NotFinished,
    /// One service, one evaluation (一事一评).
    AlreadyEvaluated,
    /// An evaluation pad rates only its own window's service.
    WrongWindow,
    /// The appointment slot has no place left.
    SlotFull,
    /// Booking is suspended after repeated no-shows.
    BookingSuspended,
    /// Too many at once: try again.
    Busy,
    /// The document or step does not apply to this record.
    NotApplicable,
    /// The hall is outside its opening hours (今日不办公 / 已下班).
    Closed,
    // issue 16 part 6: training
    /// Every allowed attempt at an exam is used (考试次数已用完).
    AttemptsExhausted,
}

impl Conflict {
    /// The code in the error answer.
    pub fn code(self) -> &'static str {
        match self {
            Conflict::AlreadyExists => "already_exists",
            Conflict::ChangedMeanwhile => "changed_meanwhile",
            Conflict::WrongStatus => "wrong_status",
            Conflict::NotInCatalog => "not_in_catalog",
            Conflict::PersonLimit => "person_limit",
            Conflict::WindowClosed => "window_closed",
            Conflict::TooLate => "too_late",
            Conflict::TooEarly => "too_early",
            Conflict::NotFinished => "not_finished",
            Conflict::AlreadyEvaluated => "already_evaluated",
            Conflict::WrongWindow => "wrong_window",
            Conflict::SlotFull => "slot_full",
            Conflict::BookingSuspended => "booking_suspended",
            Conflict::Busy => "busy",
            Conflict::NotApplicable => "not_applicable",
            Conflict::Closed => "closed",
            // issue 16 part 6: training
            Conflict::AttemptsExhausted => "attempts_exhausted",
        }
    }
}

impl AppError {
    pub fn conflict(kind: Conflict, message: impl Into<String>) -> AppError {
        AppError::Conflict(kind, message.into())
    }

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
