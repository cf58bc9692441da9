//! active_ratio(customer, active) for bigint, uuid and text keys: internal states (a compressed
//! bitmap for bigint keys, hash maps for the others, `kpi::customer`) on the shared
//! variable-size plumbing (`pg::summary`).

use pgrx::pg_sys::FunctionCallInfo;

use crate::kpi::customer::active::ActiveMap;
use crate::kpi::customer::active_ints::ActiveInts;
use crate::pg::datum::varlena_bytes;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, return_f64, OrRaise};
use crate::pg::summary::{
    combine, deserialize, serialize, state_datum, state_mut, state_ref, unchanged,
};

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

/// Declares the combine, serial, deserial and final functions of one key type's state.
macro_rules! active_support {
    ($state:ty: $combine:ident, $serialize:ident, $deserialize:ident, $percent:ident) => {
        pg_function!(fn $combine(fcinfo) { unsafe { combine::<$state>(fcinfo) } });
        pg_function!(fn $serialize(fcinfo) { unsafe { serialize::<$state>(fcinfo) } });
        pg_function!(fn $deserialize(fcinfo) { unsafe { deserialize::<$state>(fcinfo) } });
        pg_function!(fn $percent(fcinfo) {
            unsafe {
                let percent = state_ref::<$state>(fcinfo, 0).and_then(|s| s.percent());
                return_f64(fcinfo, percent)
            }
        });
    };
}

active_support!(ActiveInts: csm_active_combine_int8, csm_active_serialize_int8,
    csm_active_deserialize_int8, csm_active_percent_int8);
active_support!(ActiveMap<[u8; 16]>: csm_active_combine_uuid, csm_active_serialize_uuid,
    csm_active_deserialize_uuid, csm_active_percent_uuid);
active_support!(ActiveMap<Box<[u8]>>: csm_active_combine_text, csm_active_serialize_text,
    csm_active_deserialize_text, csm_active_percent_text);
