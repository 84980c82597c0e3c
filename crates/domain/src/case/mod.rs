//! Case handling rules (办件规则): statuses and their transitions, deadlines
//! with lawful pauses and one extension (行政许可法 第32、42、45条), urgency,
//! case numbers, progress-query codes and the completion figures; what a case
//! is (即办件/承诺件/一件事, person or organisation) and its checked materials.
//!
//! Pure: the caller loads the case, asks these functions, and stores the result.

mod deadline;
mod kinds;
mod numbers;
mod status;

pub use deadline::*;
pub use kinds::*;
pub use numbers::*;
pub use status::*;
