//! The revenue family in SQL (declared in `sql/revenue.sql`): exact money in and out of
//! `numeric`, NRR/GRR aggregates (`retention`), per-row movements and money helpers (`scalar`),
//! MRR histories.

#![warn(clippy::undocumented_unsafe_blocks)]

// Not yet under the lint: its unsafe blocks are still to be documented.
#[allow(clippy::undocumented_unsafe_blocks)]
pub mod history;
// Not yet under the lint: its unsafe blocks are still to be documented.
#[allow(clippy::undocumented_unsafe_blocks)]
pub mod numeric;
pub mod reports;
// Not yet under the lint: its unsafe blocks are still to be documented.
#[allow(clippy::undocumented_unsafe_blocks)]
pub mod retention;
// Not yet under the lint: its unsafe blocks are still to be documented.
#[allow(clippy::undocumented_unsafe_blocks)]
pub mod scalar;
pub mod shapes;
