//! The revenue family in SQL (declared in `sql/revenue.sql`): exact money in and out of
//! `numeric`, NRR/GRR aggregates (`retention`), per-row movements and money helpers (`scalar`),
//! MRR histories.

#![warn(clippy::undocumented_unsafe_blocks)]

pub mod history;
pub mod numeric;
pub mod reports;
pub mod retention;
pub mod scalar;
pub mod shapes;
