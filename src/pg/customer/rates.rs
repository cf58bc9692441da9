//! FCR, activation and conversion, and active_ratio(active): share aggregates on the existing
//! `share_state` (its combine, `share_percent` and equality), with their own row rules.

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use super::{interval_text, timestamptz_text};
use crate::kpi::counters::{bump, inconsistent_take_back, unbump, Counters};
use crate::kpi::customer::fcr_and_conversion::{came_within, check_within, fcr_of_resolved};
use crate::kpi::share::Share;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, return_null, OrRaise};
use crate::pg::state;

/// Counts one row (`hit` or not) into the share in argument 0, or takes it back.
#[inline(always)]
pub(crate) unsafe fn step(fcinfo: FunctionCallInfo, hit: bool, add: bool) -> Datum {
    unsafe {
        let update = state::for_update::<Share>(fcinfo, 0);
        let share = &mut *update.state;
        if add {
            bump(&mut share.total, Share::TYPE_NAME).or_raise();
            // hits <= total held before, so once total has not overflowed, hits cannot either.
            share.hits += hit as i64;
        } else {
            unbump(&mut share.total, Share::TYPE_NAME).or_raise();
            if hit {
                unbump(&mut share.hits, Share::TYPE_NAME).or_raise();
            }
            share
                .validate()
                .map_err(|why| inconsistent_take_back(Share::TYPE_NAME, why))
                .or_raise();
        }
        update.done()
    }
}

unsafe fn arg_bool(fcinfo: FunctionCallInfo, n: usize) -> bool {
    unsafe { arg(fcinfo, n).value() != 0 }
}

// fcr_rate(resolved_on_first_contact): strict, a NULL row is skipped.
pg_function!(fn csm_share_accum_flag(fcinfo) {
    unsafe { step(fcinfo, arg_bool(fcinfo, 1), true) }
});
pg_function!(fn csm_share_retract_flag(fcinfo) {
    unsafe { step(fcinfo, arg_bool(fcinfo, 1), false) }
});

// active_ratio(active): non-strict, a NULL row is a customer without an active user.
unsafe fn nullable_flag(fcinfo: FunctionCallInfo, add: bool) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return return_null(fcinfo); // a direct call with a NULL state
        }
        let hit = !arg_is_null(fcinfo, 1) && arg_bool(fcinfo, 1);
        step(fcinfo, hit, add)
    }
}
pg_function!(fn csm_share_accum_null_false(fcinfo) {
    unsafe { nullable_flag(fcinfo, true) }
});
pg_function!(fn csm_share_retract_null_false(fcinfo) {
    unsafe { nullable_flag(fcinfo, false) }
});

// fcr_rate(resolved_on_first_contact, resolved): strict; only resolved tickets count.
unsafe fn fcr_resolved(fcinfo: FunctionCallInfo, add: bool) -> Datum {
    unsafe {
        match fcr_of_resolved(arg_bool(fcinfo, 1), arg_bool(fcinfo, 2)).or_raise() {
            Some(hit) => step(fcinfo, hit, add),
            None => arg(fcinfo, 0),
        }
    }
}
pg_function!(fn csm_share_accum_fcr_resolved(fcinfo) {
    unsafe { fcr_resolved(fcinfo, true) }
});
pg_function!(fn csm_share_retract_fcr_resolved(fcinfo) {
    unsafe { fcr_resolved(fcinfo, false) }
});

/// start + within as PostgreSQL computes it (months and days in the session's time zone);
/// without months or days, plain microseconds.
unsafe fn deadline(start: i64, within: Datum) -> i64 {
    unsafe {
        let iv = &*within.cast_mut_ptr::<pg_sys::Interval>();
        if start == i64::MIN || start == i64::MAX {
            return start; // +-infinity plus any interval is itself
        }
        if iv.month == 0 && iv.day == 0 {
            return start.saturating_add(iv.time);
        }
        pg_sys::DirectFunctionCall2Coll(
            Some(super::c_timestamptz_pl_interval),
            pg_sys::InvalidOid,
            Datum::from(start),
            within,
        )
        .value() as i64
    }
}

/// Whether an interval is below zero, by PostgreSQL's own ordering (a month is 30 days).
pub(crate) unsafe fn negative(within: Datum) -> bool {
    unsafe {
        let iv = &*within.cast_mut_ptr::<pg_sys::Interval>();
        let span = (iv.month as i128 * 30 + iv.day as i128) * 86_400_000_000 + iv.time as i128;
        span < 0
    }
}

/// activation_rate / conversion_rate row: (start, event, within); a NULL start or window skips
/// the row, a NULL event is "not yet".
unsafe fn within_row(fcinfo: FunctionCallInfo, metric: &str, add: bool) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return return_null(fcinfo); // a direct call with a NULL state
        }
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 3) {
            return arg(fcinfo, 0);
        }
        let within = arg(fcinfo, 3);
        if negative(within) {
            check_within(metric, true, &interval_text(within)).or_raise();
        }
        let start = arg(fcinfo, 1).value() as i64;
        let event = (!arg_is_null(fcinfo, 2)).then(|| arg(fcinfo, 2).value() as i64);
        let by = match event {
            Some(_) => deadline(start, within),
            None => start,
        };
        let hit = came_within(metric, start, event, by, timestamptz_text).or_raise();
        step(fcinfo, hit, add)
    }
}
pg_function!(fn csm_share_accum_activation(fcinfo) {
    unsafe { within_row(fcinfo, "activation_rate", true) }
});
pg_function!(fn csm_share_retract_activation(fcinfo) {
    unsafe { within_row(fcinfo, "activation_rate", false) }
});
pg_function!(fn csm_share_accum_conversion(fcinfo) {
    unsafe { within_row(fcinfo, "conversion_rate", true) }
});
pg_function!(fn csm_share_retract_conversion(fcinfo) {
    unsafe { within_row(fcinfo, "conversion_rate", false) }
});
