//! The revenue family in SQL (declared in `sql/revenue.sql`): exact money in and out of
//! `numeric`, NRR/GRR aggregates, per-row movements and money helpers, MRR histories.

pub mod history;
pub mod numeric;
pub mod rates;
pub mod reports;
pub mod shapes;
