//! active_ratio(customer, active) for bigint, uuid and text keys: a state type per key type
//! (`active_ratio_state_int8`, `_uuid`, `_text`: a compressed bitmap for bigint keys, hash maps
//! for the others, `kpi::customer`) on the shared variable-size plumbing (`pg::summary`).

use pgrx::pg_sys::Datum;

use crate::kpi::customer::active::ActiveMap;
use crate::kpi::customer::active_ints::ActiveInts;
use crate::pg::args::Args;
use crate::pg::fmgr::{pg_function, OrRaise};
use crate::pg::summary::state_type;

/// A row (state, customer, active): a NULL customer skips it; a NULL `active` is a customer
/// with no user found (a LEFT JOIN), counted as inactive. `add` adds the customer read from
/// `args` to the state.
#[inline(always)]
fn active_row<T: crate::kpi::summary::Summary>(
    args: &Args,
    add: impl FnOnce(&mut T, bool) -> crate::kpi::error::KpiResult<()>,
) -> Datum {
    if args.is_null(1) {
        return args.unchanged();
    }
    let active = args.opt_bool(2) == Some(true);
    args.update_summary(0, |state: &mut T| add(state, active).or_raise())
}

pg_function!(fn csm_active_accum_int8(args) safe {
    active_row(args, |state: &mut ActiveInts, active| state.add(args.i64(1), active))
});

pg_function!(fn csm_active_accum_uuid(args) safe {
    active_row(args, |state: &mut ActiveMap<[u8; 16]>, active| state.add(args.uuid(1), active))
});

pg_function!(fn csm_active_accum_text(args) safe {
    active_row(args, |state: &mut ActiveMap<Box<[u8]>>, active| {
        state.add_bytes(args.text(1), active)
    })
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
