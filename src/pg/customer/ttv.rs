//! time_to_value and the ttv_summary two-step form, on the shared variable-size plumbing.

use super::timestamptz_text;
use crate::kpi::customer::ttv::TimeToValue;
use crate::pg::fmgr::{arg, arg_f64, arg_is_null, pg_function, return_f64, return_i64, OrRaise};
use crate::pg::summary::{
    read, state_datum, state_mut, state_ref, state_type, unchanged,
};

state_type!(TimeToValue {
    summary_io: csm_ttv_summary_in, csm_ttv_summary_out, csm_ttv_summary_recv, csm_ttv_summary_send;
    combine: csm_ttv_combine;
    finalize: csm_ttv_finalize;
    rollup: csm_ttv_rollup;
});

// (state, signed_up_at, value_at): a NULL sign-up skips the row, a NULL value_at is a user who
// has not reached value.
pg_function!(fn csm_ttv_accum(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return unchanged(fcinfo);
        }
        let start = arg(fcinfo, 1).value() as i64;
        let value_at = (!arg_is_null(fcinfo, 2)).then(|| arg(fcinfo, 2).value() as i64);
        let state = state_mut::<TimeToValue>(fcinfo, 0);
        state.add(start, value_at, timestamptz_text).or_raise();
        state_datum(state)
    }
});

pg_function!(fn csm_ttv_median_final(fcinfo) {
    unsafe {
        let median = state_ref::<TimeToValue>(fcinfo, 0).and_then(|s| s.median_unsorted());
        return_f64(fcinfo, median)
    }
});

// Accessors of a stored ttv_summary (read back sorted).
pg_function!(fn csm_ttv_median_days(fcinfo) {
    unsafe { return_f64(fcinfo, read::<TimeToValue>(arg(fcinfo, 0)).percentile(0.5).or_raise()) }
});
pg_function!(fn csm_ttv_percentile_days(fcinfo) {
    unsafe {
        let p = arg_f64(fcinfo, 1);
        return_f64(fcinfo, read::<TimeToValue>(arg(fcinfo, 0)).percentile(p).or_raise())
    }
});
pg_function!(fn csm_ttv_reached(fcinfo) {
    unsafe { return_i64(read::<TimeToValue>(arg(fcinfo, 0)).reached()) }
});
pg_function!(fn csm_ttv_not_reached(fcinfo) {
    unsafe { return_i64(read::<TimeToValue>(arg(fcinfo, 0)).not_reached) }
});
pg_function!(fn csm_ttv_reached_percent(fcinfo) {
    unsafe { return_f64(fcinfo, read::<TimeToValue>(arg(fcinfo, 0)).reached_percent()) }
});
