//! Case handling rules (办件规则): statuses and their transitions, deadlines
//! with lawful pauses and one extension (行政许可法 第32、42、45条), urgency,
//! case numbers, progress-query codes and the completion figures.
//!
//! Pure: the caller loads the case, asks these functions, and stores the result.

mod deadline;
mod numbers;
mod status;

pub use deadline::*;
pub use numbers::*;
pub use status::*;
