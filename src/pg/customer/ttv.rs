//! time_to_value and the ttv_summary two-step form, on the shared variable-size plumbing.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys::Datum;

use super::timestamptz_text;
use crate::kpi::customer::ttv::TimeToValue;
use crate::pg::args::Args;
use crate::pg::fmgr::{pg_function, OrRaise};
use crate::pg::summary::state_type;

state_type!(TimeToValue {
    summary_io: csm_ttv_summary_in, csm_ttv_summary_out, csm_ttv_summary_recv, csm_ttv_summary_send;
    combine: csm_ttv_combine;
    finalize: csm_ttv_finalize;
    rollup: csm_ttv_rollup;
});

/// (state, signed_up_at, value_at): a NULL sign-up skips the row, a NULL value_at is a user
/// who has not reached value. `show` prints a time of the arguments' type in messages.
pub(crate) fn ttv_row(args: &Args, show: fn(i64) -> String) -> Datum {
    if args.is_null(1) {
        return args.unchanged();
    }
    let start = args.i64(1);
    let value_at = args.opt_i64(2);
    args.update_summary(0, |state: &mut TimeToValue| {
        state.add(start, value_at, show).or_raise()
    })
}

pg_function!(fn csm_ttv_accum(args) safe {
    ttv_row(args, timestamptz_text)
});

pg_function!(fn csm_ttv_median_final(args) safe {
    let median = args.summary_ref::<TimeToValue>(0).and_then(|s| s.median_unsorted());
    args.return_f64(median)
});

// Accessors of a stored ttv_summary (read back sorted).
pg_function!(fn csm_ttv_median_days(args) safe {
    args.return_f64(args.summary::<TimeToValue>(0).percentile(0.5).or_raise())
});
pg_function!(fn csm_ttv_percentile_days(args) safe {
    let p = args.f64(1);
    args.return_f64(args.summary::<TimeToValue>(0).percentile(p).or_raise())
});
pg_function!(fn csm_ttv_reached(args) safe {
    args.return_i64(args.summary::<TimeToValue>(0).reached())
});
pg_function!(fn csm_ttv_not_reached(args) safe {
    args.return_i64(args.summary::<TimeToValue>(0).not_reached)
});
pg_function!(fn csm_ttv_reached_percent(args) safe {
    args.return_f64(args.summary::<TimeToValue>(0).reached_percent())
});
