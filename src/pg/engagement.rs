//! The engagement family in SQL: `activity_summary`, `activity_agg()` and its scalar accessors
//! (declared in `sql/engagement.sql`; the maths is in `kpi::engagement`, the reports that
//! return rows are in `engagement_reports.rs`).
//!
//! Function bodies are safe Rust over [`Args`]; the local day of each row is `zone.rs`'s.
//! What is left unsafe here is the call of PostgreSQL's hash of text and uuid keys and the
//! unguarded fast path of `activity_agg(bigint, ...)`, which reads the call directly.

#![warn(clippy::undocumented_unsafe_blocks)]

pub(crate) mod zone;

use std::ffi::c_int;

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use self::zone::{known_day, local_day, ZoneCache};
use super::args::{self, Args};
use super::expanded::existing_mut;
use super::fmgr::{arg, arg_is_null, pg_function, OrRaise};
use super::summary::{state_datum, state_type};
use crate::kpi::engagement::format::DaysView;
use crate::kpi::engagement::report;
use crate::kpi::engagement::union::ActiveUsers;
use crate::kpi::engagement::{sortable, Activity, KeyKind};

state_type!(Activity {
    summary_io: csm_activity_summary_in, csm_activity_summary_out, csm_activity_summary_recv, csm_activity_summary_send;
    combine: csm_activity_summary_combine;
    finalize: csm_activity_summary_finalize;
    rollup: csm_activity_summary_rollup;
});

unsafe extern "C" {
    /// `hash_any_extended`: what `hashtextextended(t, 0)` and `uuid_hash_extended(u, 0)` return.
    fn hash_bytes_extended(k: *const u8, keylen: c_int, seed: u64) -> u64;
}

/// How a function reads the key in argument `n` of an `activity_summary` of one kind, as the
/// summary stores it ([`bigint_key`], [`text_key`], [`uuid_key`]).
pub(crate) type KeyReader = fn(&Args, usize) -> u64;

/// A `bigint` key: itself, in an order-preserving form.
pub(crate) fn bigint_key(args: &Args, n: usize) -> u64 {
    sortable(args.non_null(n).value() as i64)
}

/// A `text` key: `hashtextextended(key, 0)`.
pub(crate) fn text_key(args: &Args, n: usize) -> u64 {
    hashed_key(args.text(n))
}

/// A `uuid` key: `uuid_hash_extended(key, 0)`.
pub(crate) fn uuid_key(args: &Args, n: usize) -> u64 {
    hashed_key(&args.uuid(n))
}

fn hashed_key(bytes: &[u8]) -> u64 {
    // SAFETY: `hash_bytes_extended` reads `keylen` bytes from `k`: the slice's own (a
    // varlena's payload is under 1 GB, so its length fits `c_int`).
    sortable(unsafe { hash_bytes_extended(bytes.as_ptr(), bytes.len() as c_int, 0) } as i64)
}

/// Transition of `activity_agg(key, at[, zone])`: NULL key, time or zone skip the row.
#[inline(always)]
fn accumulate(args: &Args, kind: KeyKind, key: KeyReader) -> Datum {
    let with_zone = args.nargs() == 4;
    if args.is_null(1) || args.is_null(2) || (with_zone && args.is_null(3)) {
        return args.unchanged();
    }
    let day = local_day(args, args.timestamptz(2), with_zone.then_some(3));
    let key = key(args, 1);
    args.update_summary(0, |state: &mut Activity| {
        state.add(kind, day, key).or_raise()
    })
}

/// The common row of `activity_agg(bigint, at[, zone])`, unguarded (see [`pg_function!`]):
/// its zone already resolved (a constant zone, or the session's) and its offset known from a
/// remembered span, and a row [`Activity::try_add_existing`] takes. Anything else (the
/// group's first row, NULLs, a new zone, a span to learn, a batch to grow or merge, a new
/// key) goes to the guarded path, which does it all and raises the errors. Loads, integer
/// arithmetic that cannot overflow, and no call into PostgreSQL.
///
/// # Safety
/// `fcinfo` is the live call of the transition function of `activity_agg(bigint,
/// timestamptz[, text])`, with at least 3 arguments.
#[inline(always)]
unsafe fn accumulate_fast(fcinfo: FunctionCallInfo) -> Option<Datum> {
    // SAFETY: the caller's live call, read only when it has 3 or 4 arguments (checked
    // first): the state, a bigint, a timestamptz and the zone's text; the call site's cache
    // is only read, before the guarded path may use it.
    unsafe {
        let nargs = (*fcinfo).nargs;
        let with_zone = nargs == 4;
        if !(nargs == 3 || with_zone)
            || arg_is_null(fcinfo, 1)
            || arg_is_null(fcinfo, 2)
            || (with_zone && arg_is_null(fcinfo, 3))
        {
            return None;
        }
        let cache = args::call_site_cache::<ZoneCache>(fcinfo)?;
        let day = known_day(cache, arg(fcinfo, 2).value() as i64, with_zone)?;
        let state = existing_mut::<Activity>(fcinfo, 0)?;
        state
            .try_add_existing(
                KeyKind::Bigint,
                day,
                sortable(arg(fcinfo, 1).value() as i64),
            )
            .then(|| state_datum(state))
    }
}

pg_function!(fn csm_activity_accum_int8(fcinfo)
unguarded(args 3) {
    // SAFETY: the live call of this transition, with at least 3 arguments (the macro
    // checks).
    unsafe { accumulate_fast(fcinfo) }
}
guarded {
    // SAFETY: PostgreSQL's function manager calls this symbol with the live call, through
    // the SQL declaration of csmetrics's install script.
    let args = unsafe { Args::new(fcinfo) };
    accumulate(&args, KeyKind::Bigint, bigint_key)
});
pg_function!(fn csm_activity_accum_text(args) safe {
    accumulate(args, KeyKind::Text, text_key)
});
pg_function!(fn csm_activity_accum_uuid(args) safe {
    accumulate(args, KeyKind::Uuid, uuid_key)
});

/// The stored summary in argument `n`, its days read (bitmaps decoded later, on demand).
pub(crate) fn view<'a>(args: &'a Args, n: usize) -> DaysView<'a> {
    DaysView::stored(args.bytes(n)).or_raise()
}

pg_function!(fn csm_activity_dau(args) safe {
    args.return_i64(report::dau(&view(args, 0), args.date(1)))
});
pg_function!(fn csm_activity_wau(args) safe {
    args.return_i64(report::trailing(&view(args, 0), args.date(1), 7).or_raise())
});
pg_function!(fn csm_activity_mau(args) safe {
    args.return_i64(report::trailing(&view(args, 0), args.date(1), 30).or_raise())
});
pg_function!(fn csm_activity_active_users(args) safe {
    let n = report::active_users(&view(args, 0), args.date(1), args.date(2));
    args.return_i64(n.or_raise())
});
// Transition of `active_users(activity_summary)`: a NULL summary skips the row.
pg_function!(fn csm_active_users_accum(args) safe {
    if args.is_null(1) {
        return args.unchanged();
    }
    let summary = view(args, 1);
    args.update_summary(0, |state: &mut ActiveUsers| state.add(&summary).or_raise())
});

state_type!(ActiveUsers {
    state_io("active_users_state"): csm_active_users_state_in, csm_active_users_state_out,
        csm_active_users_state_recv, csm_active_users_state_send;
    combine: csm_active_users_combine;
    final_i64(|s: &ActiveUsers| Ok(s.count() as i64)): csm_active_users_final;
});

pg_function!(fn csm_activity_stickiness_month(args) safe {
    let s = report::stickiness_month(&view(args, 0), args.date(1)).or_raise();
    args.return_f64(s)
});
pg_function!(fn csm_activity_stickiness(args) safe {
    let s = report::stickiness(&view(args, 0), args.date(1), args.date(2));
    args.return_f64(s.or_raise())
});
