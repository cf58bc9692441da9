//! FCR, activation and conversion, and active_ratio(active): share aggregates on the existing
//! `share_state` (its combine, `share_percent` and equality), with their own row rules.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys::{self, Datum};

use super::{interval_text, timestamptz_text};
use crate::kpi::customer::fcr_and_conversion::{came_within, check_within, fcr_of_resolved};
use crate::pg::args::Args;
use crate::pg::fmgr::{pg_function, OrRaise};
use crate::pg::survey::share_step as step;

// fcr_rate(resolved_on_first_contact): strict, a NULL row is skipped.
pg_function!(fn csm_share_accum_flag(args) safe {
    step(args, args.bool(1), true)
});
pg_function!(fn csm_share_retract_flag(args) safe {
    step(args, args.bool(1), false)
});

// active_ratio(active): non-strict, a NULL row is a customer without an active user.
fn nullable_flag(args: &Args, add: bool) -> Datum {
    if args.is_null(0) {
        return args.return_null(); // a direct call with a NULL state
    }
    let hit = args.opt_bool(1) == Some(true);
    step(args, hit, add)
}
pg_function!(fn csm_share_accum_null_false(args) safe {
    nullable_flag(args, true)
});
pg_function!(fn csm_share_retract_null_false(args) safe {
    nullable_flag(args, false)
});

// fcr_rate(resolved_on_first_contact, resolved): strict; only resolved tickets count.
fn fcr_resolved(args: &Args, add: bool) -> Datum {
    match fcr_of_resolved(args.bool(1), args.bool(2)).or_raise() {
        Some(hit) => step(args, hit, add),
        None => args.datum(0),
    }
}
pg_function!(fn csm_share_accum_fcr_resolved(args) safe {
    fcr_resolved(args, true)
});
pg_function!(fn csm_share_retract_fcr_resolved(args) safe {
    fcr_resolved(args, false)
});

/// `start + within` through PostgreSQL's own `plus` function for the interval's type
/// (`timestamptz_pl_interval`, `timestamp_pl_interval`): months and days are calendar steps.
/// Without months or days, plain microseconds; an infinite start is itself.
pub(crate) fn add_interval(
    start: i64,
    within: &pg_sys::Interval,
    plus: unsafe extern "C-unwind" fn(pg_sys::FunctionCallInfo) -> Datum,
) -> i64 {
    if start == i64::MIN || start == i64::MAX {
        return start; // +-infinity plus any interval is itself
    }
    if within.month == 0 && within.day == 0 {
        return start.saturating_add(within.time);
    }
    // SAFETY: `plus` is a built-in of (timestamp, interval) -> timestamp; the interval is
    // read during the call, through a pointer to a live value; a result out of range is
    // PostgreSQL's ERROR, which pgrx's guard of `DirectFunctionCall2Coll` turns into ours.
    unsafe {
        pg_sys::DirectFunctionCall2Coll(
            Some(plus),
            pg_sys::InvalidOid,
            Datum::from(start),
            Datum::from(within as *const pg_sys::Interval),
        )
        .value() as i64
    }
}

/// Whether an interval is below zero, by PostgreSQL's own ordering (a month is 30 days).
pub(crate) fn negative(iv: &pg_sys::Interval) -> bool {
    let span = (iv.month as i128 * 30 + iv.day as i128) * 86_400_000_000 + iv.time as i128;
    span < 0
}

/// activation_rate / conversion_rate row: (start, event, within); a NULL start or window skips
/// the row, a NULL event is "not yet". `plus` adds the window on the time line of the
/// arguments' type, `show` prints one of them in messages.
#[inline(always)]
pub(crate) fn within_row(
    args: &Args,
    metric: &str,
    add: bool,
    plus: unsafe extern "C-unwind" fn(pg_sys::FunctionCallInfo) -> Datum,
    show: fn(i64) -> String,
) -> Datum {
    if args.is_null(0) {
        return args.return_null(); // a direct call with a NULL state
    }
    if args.is_null(1) || args.is_null(3) {
        return args.datum(0);
    }
    let within = args.interval(3);
    if negative(&within) {
        check_within(metric, true, &interval_text(&within)).or_raise();
    }
    let start = args.i64(1);
    let event = args.opt_i64(2);
    let by = match event {
        Some(_) => add_interval(start, &within, plus),
        None => start,
    };
    let hit = came_within(metric, start, event, by, show).or_raise();
    step(args, hit, add)
}

/// Declares the activation and conversion transitions of one time type.
macro_rules! within_functions {
    ($plus:expr, $show:expr; $($name:ident($metric:literal, $add:literal)),* $(,)?) => {$(
        pg_function!(fn $name(args) safe {
            $crate::pg::customer::rates::within_row(args, $metric, $add, $plus, $show)
        });
    )*};
}
pub(crate) use within_functions;

within_functions!(super::c_timestamptz_pl_interval, timestamptz_text;
    csm_share_accum_activation("activation_rate", true),
    csm_share_retract_activation("activation_rate", false),
    csm_share_accum_conversion("conversion_rate", true),
    csm_share_retract_conversion("conversion_rate", false),
);
