//! `timestamp without time zone` forms of the functions that place an instant on a day or in a
//! period. A naive value is a wall-clock time, as in PostgreSQL: read in a zone it means
//! `ts AT TIME ZONE zone`, so its day in that zone is the date written on it. Without these
//! forms a naive column would be cast to `timestamptz` through the session's TimeZone, and a
//! report run from another zone would silently move events to other days.
//!
//! The maths is the timestamptz forms' own; only reading the arguments and printing them in
//! messages differ.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use crate::kpi::engagement::{Activity, KeyKind};
use crate::pg::args::Args;
use crate::pg::customer::churn::{churn_functions, Time};
use crate::pg::customer::printed;
use crate::pg::customer::rates::within_functions;
use crate::pg::engagement::zone::{check_zone, no_day};
use crate::pg::engagement::KeyReader;
use crate::pg::engagement_reports::per_key_kind;
use crate::pg::fmgr::{pg_function, OrRaise};

unsafe extern "C-unwind" {
    #[link_name = "timestamp_out"]
    fn c_timestamp_out(fcinfo: FunctionCallInfo) -> Datum;
    #[link_name = "timestamp_pl_interval"]
    fn c_timestamp_pl_interval(fcinfo: FunctionCallInfo) -> Datum;
}

const USECS_PER_DAY: i64 = 86_400_000_000;

/// A naive timestamp as PostgreSQL prints it: for messages only.
pub fn timestamp_text(t: i64) -> String {
    // SAFETY: any 64-bit value is a timestamp, passed by value.
    unsafe { printed(Some(c_timestamp_out), Datum::from(t)) }
}

/// The date written on a naive timestamp (days since 2000-01-01).
#[inline(always)]
pub fn wall_clock_day(at: i64, function: &str) -> i32 {
    if at == i64::MIN || at == i64::MAX {
        no_day(at, |t| format!("{function}: timestamp {t} has no day"));
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
fn activity_naive(args: &Args, kind: KeyKind, key: KeyReader) -> Datum {
    let with_zone = args.nargs() == 4;
    if args.is_null(1) || args.is_null(2) || (with_zone && args.is_null(3)) {
        return args.unchanged();
    }
    if with_zone {
        check_zone(args, 3);
    }
    let day = wall_clock_day(args.timestamp(2), "activity_agg");
    let key = key(args, 1);
    args.update_summary(0, |state: &mut Activity| {
        state.add(kind, day, key).or_raise()
    })
}

per_key_kind!(activity_naive:
    csm_activity_accum_naive_int8, csm_activity_accum_naive_text, csm_activity_accum_naive_uuid);

// ------------------------------------------------------------------------------------------
// time_to_value(signed_up_at timestamp, value_at timestamp): wall-clock durations
// ------------------------------------------------------------------------------------------

pg_function!(fn csm_ttv_accum_naive(args) safe {
    crate::pg::customer::ttv::ttv_row(args, timestamp_text)
});

// ------------------------------------------------------------------------------------------
// activation_rate / conversion_rate(timestamp, timestamp, interval): the window is added on
// the wall clock (timestamp + interval), whatever the session's zone.
// ------------------------------------------------------------------------------------------

within_functions!(c_timestamp_pl_interval, timestamp_text;
    csm_share_accum_activation_naive("activation_rate", true),
    csm_share_retract_activation_naive("activation_rate", false),
    csm_share_accum_conversion_naive("conversion_rate", true),
    csm_share_retract_conversion_naive("conversion_rate", false),
);

// ------------------------------------------------------------------------------------------
// customer_churn_rate / customer_retention_rate over timestamp: compared as written
// ------------------------------------------------------------------------------------------

churn_functions!(Time::Timestamp;
    csm_churn_accum_timestamp("customer_churn_rate", true),
    csm_churn_retract_timestamp("customer_churn_rate", false),
    csm_retention_accum_timestamp("customer_retention_rate", true),
    csm_retention_retract_timestamp("customer_retention_rate", false),
);
