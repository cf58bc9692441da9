//! The revenue family in SQL (declared in `sql/revenue.sql`): exact money in and out of
//! `numeric`, NRR/GRR aggregates (`retention`), per-row movements and money helpers (`scalar`),
//! MRR histories.

pub mod history;
pub mod numeric;
pub mod retention;
pub mod scalar;
pub mod reports;
pub mod shapes;
