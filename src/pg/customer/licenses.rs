//! license_agg and its accessors. Accessors read a stored license_summary in place (binary
//! search on its bytes), so a timeline of 365 points does not parse the summary 365 times.

use pgrx::datum::{FromDatum, Range, RangeBound, TimestampWithTimeZone};
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use crate::kpi::customer::licenses::{utilisation, Bound, Licenses, View};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::summary::Summary;
use crate::pg::datum::varlena_bytes;
use crate::pg::fmgr::OrRaise;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, raise, return_f64, return_i64, return_null};
use crate::pg::summary::{state_datum, state_mut, state_type, unchanged};

state_type!(Licenses {
    summary_io: csm_license_summary_in, csm_license_summary_out, csm_license_summary_recv, csm_license_summary_send;
    combine: csm_license_combine;
    finalize: csm_license_finalize;
    rollup: csm_license_rollup;
});

fn bound(b: &RangeBound<TimestampWithTimeZone>) -> Bound {
    match b {
        RangeBound::Infinite => Bound::Unbounded,
        RangeBound::Inclusive(t) => Bound::Inclusive(pg_sys::TimestampTz::from(*t)),
        RangeBound::Exclusive(t) => Bound::Exclusive(pg_sys::TimestampTz::from(*t)),
    }
}

/// A tstzrange argument as (lower, upper), `None` for the empty range.
unsafe fn range_arg(fcinfo: FunctionCallInfo, n: usize) -> Option<(Bound, Bound)> {
    unsafe {
        let range = Range::<TimestampWithTimeZone>::from_polymorphic_datum(
            arg(fcinfo, n),
            false,
            pg_sys::InvalidOid,
        )?;
        match (range.lower(), range.upper()) {
            (Some(l), Some(u)) if !range.is_empty() => Some((bound(l), bound(u))),
            _ => None,
        }
    }
}

// (state, valid tstzrange, seats integer): a NULL range or NULL seats skips the row.
pg_function!(fn csm_license_accum(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) {
            return unchanged(fcinfo);
        }
        let range = range_arg(fcinfo, 1);
        let seats = arg(fcinfo, 2).value() as i32 as i64;
        let state = state_mut::<Licenses>(fcinfo, 0);
        state.add(range, seats).or_raise();
        state_datum(state)
    }
});

// (state, valid tstzrange, seats bigint): a NULL range or NULL seats skips the row.
pg_function!(fn csm_license_accum_int8(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) {
            return unchanged(fcinfo);
        }
        let range = range_arg(fcinfo, 1);
        let seats = arg(fcinfo, 2).value() as i64;
        // Levels are summed as seats below 2^31 per row (see `Licenses::steps`).
        if seats > i32::MAX as i64 {
            raise(KpiError::new(
                ErrorKind::OutOfRange,
                format!("license_agg: seats {seats} is out of range"),
                "A licence grants at most 2147483647 seats.",
                "Check the seat counts, or filter out such rows.",
            ));
        }
        let state = state_mut::<Licenses>(fcinfo, 0);
        state.add(range, seats).or_raise();
        state_datum(state)
    }
});

/// A stored license_summary, read in place.
unsafe fn view<'a>(value: Datum) -> View<'a> {
    unsafe {
        let bytes = varlena_bytes(value);
        let checked = match bytes.split_first() {
            Some((&v, payload)) if v == Licenses::VERSION => View::new(payload),
            Some((v, _)) => Err(format!("Format version {v} is not supported.")),
            None => Err("The value is empty.".to_string()),
        };
        checked.unwrap_or_else(|why| {
            raise(KpiError::new(
                ErrorKind::BadBinary,
                "invalid license_summary value",
                why,
                "The value was written by another version of csmetrics or is corrupt; \
                 recompute it from the raw data.",
            ))
        })
    }
}

pg_function!(fn csm_active_licenses(fcinfo) {
    unsafe {
        let at = arg(fcinfo, 1).value() as i64;
        return_i64(view(arg(fcinfo, 0)).level_at((at, 0)))
    }
});

pg_function!(fn csm_peak_licenses(fcinfo) {
    unsafe {
        match range_arg(fcinfo, 1) {
            Some((lower, upper)) => return_i64(view(arg(fcinfo, 0)).peak(lower, upper)),
            None => return_null(fcinfo), // an empty range holds no instant
        }
    }
});

pg_function!(fn csm_license_count(fcinfo) {
    unsafe { return_i64(view(arg(fcinfo, 0)).licenses) }
});

pg_function!(fn csm_utilisation(fcinfo) {
    unsafe {
        let active = arg(fcinfo, 0).value() as i64;
        let seats = arg(fcinfo, 1).value() as i64;
        return_f64(fcinfo, utilisation(active, seats).or_raise())
    }
});
