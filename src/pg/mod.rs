//! The pgrx layer: fmgr functions that read arguments, call `crate::kpi`, and raise errors.

pub mod alloc;
pub mod args;
pub mod compat;
pub mod customer;
pub mod datum;
pub mod engagement;
pub mod engagement_reports;
pub mod expanded;
pub mod fmgr;
pub mod health;
pub mod jsonb;
pub mod naive;
pub mod revenue;
pub mod rows;
pub mod state;
pub mod state_type;
pub mod summary;
pub mod survey;
