//! `timestamp without time zone` forms of the functions that place an instant on a day or in a
//! period. A naive value is a wall-clock time, as in PostgreSQL: read in a zone it means
//! `ts AT TIME ZONE zone`, so its day in that zone is the date written on it. Without these
//! forms a naive column would be cast to `timestamptz` through the session's TimeZone, and a
//! report run from another zone would silently move events to other days.
//!
//! The maths is the timestamptz forms' own; only reading the arguments and printing them in
//! messages differ.

use std::ffi::CStr;

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use crate::kpi::customer::churn::{check_customer, check_period, classify, Churn, Denominator};
use crate::kpi::customer::rates::{came_within, check_within};
use crate::kpi::customer::ttv::TimeToValue;
use crate::kpi::engagement::{Activity, KeyKind};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::pg::customer::{interval_text, rates};
use crate::pg::datum::varlena_bytes;
use crate::pg::engagement::{bigint_key, check_zone, text_key, uuid_key};
use crate::pg::fmgr::{arg, arg_is_null, pg_function, raise, return_null, OrRaise};
use crate::pg::state;
use crate::pg::summary::{state_datum, state_mut, unchanged};

unsafe extern "C-unwind" {
    #[link_name = "timestamp_out"]
    fn c_timestamp_out(fcinfo: FunctionCallInfo) -> Datum;
    #[link_name = "timestamp_pl_interval"]
    fn c_timestamp_pl_interval(fcinfo: FunctionCallInfo) -> Datum;
}

const USECS_PER_DAY: i64 = 86_400_000_000;

/// A naive timestamp as PostgreSQL prints it: for messages only.
pub fn timestamp_text(t: i64) -> String {
    unsafe {
        let text = pg_sys::DirectFunctionCall1Coll(
            Some(c_timestamp_out),
            pg_sys::InvalidOid,
            Datum::from(t),
        );
        CStr::from_ptr(text.cast_mut_ptr())
            .to_string_lossy()
            .into_owned()
    }
}

/// The date written on a naive timestamp (days since 2000-01-01).
#[inline(always)]
pub fn wall_clock_day(at: i64, function: &str) -> i32 {
    if at == i64::MIN || at == i64::MAX {
        raise(KpiError::new(
            ErrorKind::OutOfRange,
            format!(
                "{function}: timestamp {} has no day",
                if at > 0 { "infinity" } else { "-infinity" }
            ),
            "Activity is counted per calendar day; an infinite timestamp falls on none.",
            "Filter out infinite timestamps.",
        ));
    }
    at.div_euclid(USECS_PER_DAY) as i32
}

// ------------------------------------------------------------------------------------------
// activity_agg(key, at timestamp[, zone])
// ------------------------------------------------------------------------------------------

/// Transition of `activity_agg(key, timestamp[, zone])`: NULL key, time or zone skip the row.
/// With a zone the value is read in that zone (the zone is checked), and its day there is the
/// date written on it, so both forms put a row on its wall-clock date.
#[inline(always)]
unsafe fn activity_naive(
    fcinfo: FunctionCallInfo,
    kind: KeyKind,
    key: unsafe fn(Datum) -> u64,
) -> Datum {
    unsafe {
        let with_zone = (*fcinfo).nargs == 4;
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) || (with_zone && arg_is_null(fcinfo, 3))
        {
            return unchanged(fcinfo);
        }
        if with_zone {
            check_zone(fcinfo, 3);
        }
        let day = wall_clock_day(arg(fcinfo, 2).value() as i64, "activity_agg");
        let key = key(arg(fcinfo, 1));
        let state = state_mut::<Activity>(fcinfo, 0);
        state.add(kind, day, key).or_raise();
        state_datum(state)
    }
}

pg_function!(fn csm_activity_accum_naive_int8(fcinfo) {
    unsafe { activity_naive(fcinfo, KeyKind::Bigint, bigint_key) }
});
pg_function!(fn csm_activity_accum_naive_text(fcinfo) {
    unsafe { activity_naive(fcinfo, KeyKind::Text, text_key) }
});
pg_function!(fn csm_activity_accum_naive_uuid(fcinfo) {
    unsafe { activity_naive(fcinfo, KeyKind::Uuid, uuid_key) }
});

// ------------------------------------------------------------------------------------------
// time_to_value(signed_up_at timestamp, value_at timestamp): wall-clock durations
// ------------------------------------------------------------------------------------------

pg_function!(fn csm_ttv_accum_naive(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return unchanged(fcinfo);
        }
        let start = arg(fcinfo, 1).value() as i64;
        let value_at = (!arg_is_null(fcinfo, 2)).then(|| arg(fcinfo, 2).value() as i64);
        let state = state_mut::<TimeToValue>(fcinfo, 0);
        state.add(start, value_at, timestamp_text).or_raise();
        state_datum(state)
    }
});

// ------------------------------------------------------------------------------------------
// activation_rate / conversion_rate(timestamp, timestamp, interval): the window is added on
// the wall clock (timestamp + interval), whatever the session's zone.
// ------------------------------------------------------------------------------------------

unsafe fn naive_deadline(start: i64, within: Datum) -> i64 {
    unsafe {
        if start == i64::MIN || start == i64::MAX {
            return start;
        }
        let iv = &*within.cast_mut_ptr::<pg_sys::Interval>();
        if iv.month == 0 && iv.day == 0 {
            return start.saturating_add(iv.time);
        }
        pg_sys::DirectFunctionCall2Coll(
            Some(c_timestamp_pl_interval),
            pg_sys::InvalidOid,
            Datum::from(start),
            within,
        )
        .value() as i64
    }
}

unsafe fn within_naive(fcinfo: FunctionCallInfo, metric: &str, add: bool) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return return_null(fcinfo);
        }
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 3) {
            return arg(fcinfo, 0);
        }
        let within = arg(fcinfo, 3);
        if rates::negative(within) {
            check_within(metric, true, &interval_text(within)).or_raise();
        }
        let start = arg(fcinfo, 1).value() as i64;
        let event = (!arg_is_null(fcinfo, 2)).then(|| arg(fcinfo, 2).value() as i64);
        let by = match event {
            Some(_) => naive_deadline(start, within),
            None => start,
        };
        let hit = came_within(metric, start, event, by, timestamp_text).or_raise();
        rates::step(fcinfo, hit, add)
    }
}

pg_function!(fn csm_share_accum_activation_naive(fcinfo) {
    unsafe { within_naive(fcinfo, "activation_rate", true) }
});
pg_function!(fn csm_share_retract_activation_naive(fcinfo) {
    unsafe { within_naive(fcinfo, "activation_rate", false) }
});
pg_function!(fn csm_share_accum_conversion_naive(fcinfo) {
    unsafe { within_naive(fcinfo, "conversion_rate", true) }
});
pg_function!(fn csm_share_retract_conversion_naive(fcinfo) {
    unsafe { within_naive(fcinfo, "conversion_rate", false) }
});

// ------------------------------------------------------------------------------------------
// customer_churn_rate / customer_retention_rate over timestamp: compared as written
// ------------------------------------------------------------------------------------------

unsafe fn churn_naive(fcinfo: FunctionCallInfo, metric: &str, add: bool) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return return_null(fcinfo);
        }
        let with_denominator = (*fcinfo).nargs > 5;
        if with_denominator && arg_is_null(fcinfo, 5) {
            return arg(fcinfo, 0);
        }
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 3) || arg_is_null(fcinfo, 4) {
            return arg(fcinfo, 0);
        }
        let read = |n: usize| arg(fcinfo, n).value() as i64;
        let (started, period_start, period_end) = (read(1), read(3), read(4));
        let ended = (!arg_is_null(fcinfo, 2)).then(|| read(2));
        let denominator = if with_denominator {
            let bytes = varlena_bytes(arg(fcinfo, 5));
            Denominator::parse(&String::from_utf8_lossy(bytes)).or_raise()
        } else {
            Denominator::Start
        };
        check_period(metric, period_start, period_end, timestamp_text).or_raise();
        check_customer(metric, started, ended, timestamp_text).or_raise();
        let row = classify(started, ended, period_start, period_end);
        let update = state::for_update::<Churn>(fcinfo, 0);
        update.state.apply(row, denominator, add).or_raise();
        update.done()
    }
}

pg_function!(fn csm_churn_accum_timestamp(fcinfo) {
    unsafe { churn_naive(fcinfo, "customer_churn_rate", true) }
});
pg_function!(fn csm_churn_retract_timestamp(fcinfo) {
    unsafe { churn_naive(fcinfo, "customer_churn_rate", false) }
});
pg_function!(fn csm_retention_accum_timestamp(fcinfo) {
    unsafe { churn_naive(fcinfo, "customer_retention_rate", true) }
});
pg_function!(fn csm_retention_retract_timestamp(fcinfo) {
    unsafe { churn_naive(fcinfo, "customer_retention_rate", false) }
});
