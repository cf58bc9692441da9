//! The customer family: FCR, activation and conversion, customer churn and retention, active
//! customers, time to value and repeat purchases.

pub mod active;
pub mod active_ints;
pub mod churn;
pub mod customer_churn;
pub mod fcr_and_conversion;
pub mod licenses;
pub mod repeat;
pub mod ttv;

// The FCR, activation and conversion rules' module under its former name, for code that still
// uses it.
pub use fcr_and_conversion as rates;
