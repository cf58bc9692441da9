//! The customer family: FCR, activation and conversion, customer churn and retention, active
//! customers, time to value and repeat purchases.

pub mod active;
pub mod active_ints;
pub mod churn;
pub mod customer_churn;
pub mod licenses;
pub mod rates;
pub mod repeat;
pub mod ttv;
