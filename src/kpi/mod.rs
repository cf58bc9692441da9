//! The KPI maths, in plain Rust: no pgrx, no PostgreSQL, unit-tested with `cargo test`.

pub mod bytes;
pub mod counters;
pub mod customer;
pub mod engagement;
pub mod error;
pub mod health;
pub mod keys;
#[cfg(test)]
mod laws;
pub mod normal;
pub mod pgformat;
pub mod revenue;
pub mod scale;
pub mod share;
pub mod state_text;
pub mod stored;
pub mod summary;
pub mod survey;
#[cfg(test)]
pub mod testing;
pub mod text;
