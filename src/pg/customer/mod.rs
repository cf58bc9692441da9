//! The customer family in SQL (declared in `sql/customer.sql`); the maths is in
//! `kpi::customer`.

#![warn(clippy::undocumented_unsafe_blocks)]

pub mod active;
pub mod churn;
pub mod customer_churn;
pub mod licenses;
pub mod rates;
pub mod repeat;
pub mod ttv;

use std::ffi::CStr;

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

// PostgreSQL's own fmgr functions, as C symbols: pgrx binds them as guarded Rust functions,
// which DirectFunctionCall cannot take.
unsafe extern "C-unwind" {
    #[link_name = "timestamptz_out"]
    fn c_timestamptz_out(fcinfo: FunctionCallInfo) -> Datum;
    #[link_name = "date_out"]
    fn c_date_out(fcinfo: FunctionCallInfo) -> Datum;
    #[link_name = "interval_out"]
    fn c_interval_out(fcinfo: FunctionCallInfo) -> Datum;
    #[link_name = "timestamptz_pl_interval"]
    pub(crate) fn c_timestamptz_pl_interval(fcinfo: FunctionCallInfo) -> Datum;
}

/// A value as PostgreSQL prints it, through its type's output function: for messages only.
///
/// # Safety
/// `output` is the output function of `value`'s type, and `value` a valid datum of it.
pub(crate) unsafe fn printed(output: pg_sys::PGFunction, value: Datum) -> String {
    // SAFETY: per the contract; the output function returns a palloc'd C string.
    unsafe {
        let text = pg_sys::DirectFunctionCall1Coll(output, pg_sys::InvalidOid, value);
        CStr::from_ptr(text.cast_mut_ptr())
            .to_string_lossy()
            .into_owned()
    }
}

/// A `timestamptz` (microseconds since 2000-01-01) as PostgreSQL prints it.
pub fn timestamptz_text(t: i64) -> String {
    // SAFETY: any 64-bit value is a timestamptz, passed by value.
    unsafe { printed(Some(c_timestamptz_out), Datum::from(t)) }
}

/// A `date` (days since 2000-01-01) as PostgreSQL prints it.
pub fn date_text(d: i64) -> String {
    // SAFETY: any 32-bit value is a date, passed by value.
    unsafe { printed(Some(c_date_out), Datum::from(d as i32)) }
}

/// An `interval` as PostgreSQL prints it.
pub fn interval_text(value: &pg_sys::Interval) -> String {
    // SAFETY: a pointer to a live interval, read during the call.
    unsafe {
        printed(
            Some(c_interval_out),
            Datum::from(value as *const pg_sys::Interval),
        )
    }
}
