//! active_ratio(customer, active) for bigint, uuid and text keys: a state type per key type
//! (`active_ratio_state_int8`, `_uuid`, `_text`: a compressed bitmap for bigint keys, hash maps
//! for the others, `kpi::customer`) on the shared variable-size plumbing (`pg::summary`).

use pgrx::pg_sys::FunctionCallInfo;

use crate::kpi::customer::active::ActiveMap;
use crate::kpi::customer::active_ints::ActiveInts;
use crate::pg::datum::varlena_bytes;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, OrRaise};
use crate::pg::summary::{state_datum, state_mut, state_type, unchanged};

/// A NULL `active` is a customer with no user found (a LEFT JOIN): counted, as inactive.
#[inline(always)]
unsafe fn active(fcinfo: FunctionCallInfo) -> bool {
    unsafe { !arg_is_null(fcinfo, 2) && arg(fcinfo, 2).value() != 0 }
}

pg_function!(fn csm_active_accum_int8(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return unchanged(fcinfo);
        }
        let state = state_mut::<ActiveInts>(fcinfo, 0);
        state.add(arg(fcinfo, 1).value() as i64, active(fcinfo)).or_raise();
        state_datum(state)
    }
});

pg_function!(fn csm_active_accum_uuid(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return unchanged(fcinfo);
        }
        let key = *arg(fcinfo, 1).cast_mut_ptr::<[u8; 16]>();
        let state = state_mut::<ActiveMap<[u8; 16]>>(fcinfo, 0);
        state.add(key, active(fcinfo)).or_raise();
        state_datum(state)
    }
});

pg_function!(fn csm_active_accum_text(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return unchanged(fcinfo);
        }
        let key = varlena_bytes(arg(fcinfo, 1));
        let state = state_mut::<ActiveMap<Box<[u8]>>>(fcinfo, 0);
        state.add_bytes(key, active(fcinfo)).or_raise();
        state_datum(state)
    }
});

state_type!(ActiveInts {
    state_io("active_ratio_state_int8"): csm_active_ratio_state_int8_in,
        csm_active_ratio_state_int8_out, csm_active_ratio_state_int8_recv,
        csm_active_ratio_state_int8_send;
    combine: csm_active_combine_int8;
    final_f64(|s: &ActiveInts| Ok(s.percent())): csm_active_percent_int8;
});
state_type!(ActiveMap<[u8; 16]> {
    state_io("active_ratio_state_uuid"): csm_active_ratio_state_uuid_in,
        csm_active_ratio_state_uuid_out, csm_active_ratio_state_uuid_recv,
        csm_active_ratio_state_uuid_send;
    combine: csm_active_combine_uuid;
    final_f64(|s: &ActiveMap<[u8; 16]>| Ok(s.percent())): csm_active_percent_uuid;
});
state_type!(ActiveMap<Box<[u8]>> {
    state_io("active_ratio_state_text"): csm_active_ratio_state_text_in,
        csm_active_ratio_state_text_out, csm_active_ratio_state_text_recv,
        csm_active_ratio_state_text_send;
    combine: csm_active_combine_text;
    final_f64(|s: &ActiveMap<Box<[u8]>>| Ok(s.percent())): csm_active_percent_text;
});
