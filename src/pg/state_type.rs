//! SQL types of aggregate states that are not a stored summary (`mrr_state`: partial MRR
//! histories may hold credits not yet netted; the states of `active_ratio`,
//! `repeat_purchase_rate`, per-customer churn, `nrr`/`grr` and `health_score`). The aggregate keeps the
//! state as an expanded object (`pg::expanded`); these are the type's I/O functions, for the
//! flat form PostgreSQL and Citus ship: text (`kpi::state_text`) and binary (the state's
//! binary form, version byte first), both checked on input. `pg::summary::state_type!` declares them per type.

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use super::datum;
use super::expanded::datum_ref;
use super::fmgr::{arg, OrRaise};
use crate::kpi::state_text;
use crate::kpi::summary::Summary;

/// Text input: the state, checked, stored in its canonical binary form.
///
/// # Safety
/// `fcinfo` is the live call of the state type's input function.
pub unsafe fn input<T: Summary>(fcinfo: FunctionCallInfo, type_name: &str) -> Datum {
    unsafe {
        let text = datum::input_text(fcinfo);
        let value = state_text::from_text::<T>(type_name, &text).or_raise();
        datum::new_varlena(&value.to_state_binary())
    }
}

/// Text output.
///
/// # Safety
/// `fcinfo` is the live call of the state type's output function.
pub unsafe fn output<T: Summary>(fcinfo: FunctionCallInfo, type_name: &str) -> Datum {
    unsafe {
        let state = datum_ref::<T>(arg(fcinfo, 0));
        datum::return_cstring(&state_text::to_text(type_name, &state.to_state_binary()))
    }
}

/// Binary input (`recv`): the binary form, checked.
///
/// # Safety
/// `fcinfo` is the live call of the state type's binary input function.
pub unsafe fn receive<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        let value = T::from_state_binary(datum::receive_bytes(fcinfo)).or_raise();
        datum::new_varlena(&value.to_state_binary())
    }
}

/// Binary output (`send`).
///
/// # Safety
/// `fcinfo` is the live call of the state type's binary output function.
pub unsafe fn send<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe { datum::new_varlena(&datum_ref::<T>(arg(fcinfo, 0)).to_state_binary()) }
}
