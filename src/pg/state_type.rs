//! SQL types of aggregate states whose flat form is not their summary's stored form
//! (`mrr_state`: partial MRR histories may hold credits not yet netted). The aggregate keeps the
//! state as an expanded object (`pg::expanded`); these are the type's I/O functions, for the
//! flat form PostgreSQL and Citus ship: text (`kpi::state_text`) and binary (the state's
//! binary form, version byte first), both checked on input.

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use super::datum;
use super::expanded::datum_ref;
use super::fmgr::{arg, OrRaise};
use crate::kpi::state_text;
use crate::kpi::summary::Summary;

/// Text input: the state, checked, stored in its canonical binary form.
pub unsafe fn input<T: Summary>(fcinfo: FunctionCallInfo, type_name: &str) -> Datum {
    unsafe {
        let text = datum::input_text(fcinfo);
        let value = state_text::from_text::<T>(type_name, &text).or_raise();
        datum::new_varlena(&value.to_state_binary())
    }
}

/// Text output.
pub unsafe fn output<T: Summary>(fcinfo: FunctionCallInfo, type_name: &str) -> Datum {
    unsafe {
        let state = datum_ref::<T>(arg(fcinfo, 0));
        datum::return_cstring(&state_text::to_text(type_name, &state.to_state_binary()))
    }
}

/// Binary input (`recv`): the binary form, checked.
pub unsafe fn receive<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        let value = T::from_state_binary(datum::receive_bytes(fcinfo)).or_raise();
        datum::new_varlena(&value.to_state_binary())
    }
}

/// Binary output (`send`).
pub unsafe fn send<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe { datum::new_varlena(&datum_ref::<T>(arg(fcinfo, 0)).to_state_binary()) }
}

/// Declares a state type's I/O functions; the SQL declarations are in `sql/`.
macro_rules! state_type_functions {
    ($ty:ty as $name:literal {
        input: $input:ident,
        output: $output:ident,
        receive: $receive:ident,
        send: $send:ident $(,)?
    }) => {
        $crate::pg::fmgr::pg_function!(fn $input(fcinfo) { unsafe { $crate::pg::state_type::input::<$ty>(fcinfo, $name) } });
        $crate::pg::fmgr::pg_function!(fn $output(fcinfo) { unsafe { $crate::pg::state_type::output::<$ty>(fcinfo, $name) } });
        $crate::pg::fmgr::pg_function!(fn $receive(fcinfo) { unsafe { $crate::pg::state_type::receive::<$ty>(fcinfo) } });
        $crate::pg::fmgr::pg_function!(fn $send(fcinfo) { unsafe { $crate::pg::state_type::send::<$ty>(fcinfo) } });
    };
}
pub(crate) use state_type_functions;
