//! license_agg and its accessors. Accessors read a stored license_summary in place (binary
//! search on its bytes), so a timeline of 365 points does not parse the summary 365 times.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::datum::{Range, RangeBound, TimestampWithTimeZone};
use pgrx::pg_sys::{self, Datum};

use crate::kpi::customer::licenses::{utilisation, Bound, Licenses, View};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::stored::versioned_view;
use crate::kpi::summary::Summary;
use crate::pg::args::Args;
use crate::pg::fmgr::{pg_function, raise, OrRaise};
use crate::pg::summary::state_type;

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
fn range_arg(args: &Args, n: usize) -> Option<(Bound, Bound)> {
    let range: Range<TimestampWithTimeZone> = args.range(n)?;
    match (range.lower(), range.upper()) {
        (Some(l), Some(u)) if !range.is_empty() => Some((bound(l), bound(u))),
        _ => None,
    }
}

/// (state, valid tstzrange, seats): a NULL range or NULL seats skips the row.
fn license_row(args: &Args, seats: impl FnOnce() -> i64) -> Datum {
    if args.is_null(1) || args.is_null(2) {
        return args.unchanged();
    }
    let range = range_arg(args, 1);
    let seats = seats();
    args.update_summary(0, |state: &mut Licenses| state.add(range, seats).or_raise())
}

// Seats as integer.
pg_function!(fn csm_license_accum(args) safe {
    license_row(args, || args.i32(2) as i64)
});

// Seats as bigint.
pg_function!(fn csm_license_accum_int8(args) safe {
    license_row(args, || {
        let seats = args.i64(2);
        // Levels are summed as seats below 2^31 per row (see `Licenses::steps`).
        if seats > i32::MAX as i64 {
            raise(KpiError::new(
                ErrorKind::OutOfRange,
                format!("license_agg: seats {seats} is out of range"),
                "A licence grants at most 2147483647 seats.",
                "Check the seat counts, or filter out such rows.",
            ));
        }
        seats
    })
});

/// The stored license_summary of argument `n`, read in place.
fn view<'a>(args: &'a Args, n: usize) -> View<'a> {
    versioned_view(
        Licenses::TYPE_NAME,
        Licenses::VERSION,
        args.bytes(n),
        View::new,
    )
    .or_raise()
}

pg_function!(fn csm_active_licenses(args) safe {
    let at = args.timestamptz(1);
    args.return_i64(view(args, 0).level_at((at, 0)))
});

pg_function!(fn csm_peak_licenses(args) safe {
    match range_arg(args, 1) {
        Some((lower, upper)) => args.return_i64(view(args, 0).peak(lower, upper)),
        None => args.return_null(), // an empty range holds no instant
    }
});

pg_function!(fn csm_license_count(args) safe {
    args.return_i64(view(args, 0).licenses)
});

pg_function!(fn csm_utilisation(args) safe {
    let active = args.i64(0);
    let seats = args.i64(1);
    args.return_f64(utilisation(active, seats).or_raise())
});
