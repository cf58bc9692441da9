//! The KPI maths, in plain Rust: no pgrx, no PostgreSQL, unit-tested with `cargo test`.

pub mod counters;
pub mod engagement;
pub mod error;
pub mod normal;
pub mod scale;
pub mod share;
pub mod summary;
pub mod survey;
pub mod text;
