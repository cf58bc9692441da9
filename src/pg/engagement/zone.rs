//! The local day of a timestamp in a time zone, as `timezone(zone, at)::date` gives it, for
//! the transition of `activity_agg` (one call per row): the zone is resolved once per call
//! site and its UTC offset remembered for the stretch of time through which it holds, in the
//! call site's cache, so that most rows cost a comparison and a division.
//!
//! The calls into PostgreSQL's time zone code are here, each with what makes it sound; a
//! [`Zone`] is a zone PostgreSQL has loaded, which it keeps for the backend's life.

#![warn(clippy::undocumented_unsafe_blocks)]

use std::ptr::NonNull;

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use crate::kpi::engagement::calendar::from_civil;
use crate::kpi::error::{ErrorKind, KpiError};
use crate::pg::args::Args;
use crate::pg::fmgr::raise;

unsafe extern "C-unwind" {
    /// `timezone(text, timestamptz)`, called directly for zones the fast path does not take.
    fn timestamptz_zone(fcinfo: FunctionCallInfo) -> Datum;
}

/// A time zone PostgreSQL has loaded (`pg_tzset`, or the session's `TimeZone`). PostgreSQL
/// keeps every zone it loads for the life of the backend, so one may be kept across calls
/// and passed to its zone functions: the only ways to make one are [`Zone::named`] and
/// [`Zone::session`].
#[derive(Clone, Copy, PartialEq, Eq)]
struct Zone(NonNull<pg_sys::pg_tz>);

impl Zone {
    /// The zone of a full name (a NUL-terminated name of at most `TZ_STRLEN_MAX` bytes), or
    /// `None` when the time zone database has none of that name.
    fn named(name: &[u8; pg_sys::TZ_STRLEN_MAX as usize + 1]) -> Option<Zone> {
        if !name.contains(&0) {
            return None;
        }
        // SAFETY: a NUL-terminated name; `pg_tzset` returns a zone it keeps for the backend's
        // life, or null.
        NonNull::new(unsafe { pg_sys::pg_tzset(name.as_ptr().cast()) }).map(Zone)
    }

    /// The session's `TimeZone`: set before any query runs, so never absent in a call.
    #[inline(always)]
    fn session() -> Option<Zone> {
        // SAFETY: a plain read of the backend's pointer to its session zone, one of the
        // zones PostgreSQL keeps.
        NonNull::new(unsafe { pg_sys::session_timezone }).map(Zone)
    }
}

/// The zone of the last row, resolved once per call site (kept in the call site's cache): a
/// zone for full zone names, or `None` for abbreviations. A fixed abbreviation ('UTC', 'EST',
/// 'CEST') is its offset (`fixed`); a dynamic one goes through `timezone(zone, at)` itself on
/// every row. The spans it remembers serve the session's zone too.
pub(crate) struct ZoneCache {
    valid: bool,
    /// The zone argument is a constant of the query: once resolved, rows skip the name check.
    constant: bool,
    /// `fixed_secs` is the zone (a fixed-offset abbreviation), as `timezone()` applies it.
    fixed: bool,
    fixed_secs: i64,
    len: usize,
    name: [u8; pg_sys::TZ_STRLEN_MAX as usize + 1],
    tz: Option<Zone>,
    spans: [Span; SPANS],
    next_span: usize,
}

impl Default for ZoneCache {
    fn default() -> ZoneCache {
        ZoneCache {
            valid: false,
            constant: false,
            fixed: false,
            fixed_secs: 0,
            len: 0,
            name: [0; pg_sys::TZ_STRLEN_MAX as usize + 1],
            tz: None,
            spans: [Span::default(); SPANS],
            next_span: 0,
        }
    }
}

/// A stretch of time, in Unix seconds `lo..hi`, through which a zone's UTC offset is constant:
/// most rows then cost a comparison and a division instead of a tz lookup (`timestamp2tm`).
/// `hi` is the zone's next transition (PostgreSQL's `pg_next_dst_boundary`); `lo` is the
/// earliest instant seen so far in the stretch, extended down as earlier rows arrive.
/// The default (no zone) is an empty span.
#[derive(Clone, Copy, Default)]
struct Span {
    tz: Option<Zone>,
    lo: i64,
    hi: i64,
    offset_secs: i64,
}

const SPANS: usize = 8;
/// Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch.
const UNIX_TO_PG_SECS: i64 = 946_684_800;

#[cold]
fn unknown_zone(name: &[u8]) -> ! {
    raise(KpiError::new(
        ErrorKind::InvalidParameter,
        format!(
            "time zone \"{}\" not recognized",
            crate::kpi::text::echo(&String::from_utf8_lossy(name))
        ),
        "The zone is neither a time zone abbreviation nor a name in the time zone database.",
        "Use a name from pg_timezone_names, such as 'Europe/Paris', or an abbreviation from \
         pg_timezone_abbrevs.",
    ))
}

/// Resolves `name` as `timezone(text, timestamptz)` does: abbreviations first (left to the
/// slow path), then full zone names; anything else is an error.
#[cold]
fn resolve(cache: &mut ZoneCache, name: &[u8]) {
    cache.valid = false;
    cache.fixed = false;
    cache.tz = None;
    if name.len() > pg_sys::TZ_STRLEN_MAX as usize || name.contains(&0) {
        unknown_zone(name);
    }
    let mut buf = [0u8; pg_sys::TZ_STRLEN_MAX as usize + 1];
    buf[..name.len()].copy_from_slice(name);
    // SAFETY: `buf` holds `name` (no NUL, shorter than `buf`) and a NUL after it;
    // `downcase_truncate_identifier` returns a palloc'd NUL-terminated copy, which is what
    // `timezone_abbrev` reads.
    let (kind, offset) = unsafe {
        let lower =
            pg_sys::downcase_truncate_identifier(buf.as_ptr().cast(), name.len() as i32, false);
        crate::pg::compat::timezone_abbrev(lower)
    };
    if [pg_sys::TZ, pg_sys::DTZ].contains(&kind) {
        cache.fixed = true;
        cache.fixed_secs = i64::from(offset);
    } else if kind != pg_sys::DYNTZ {
        match Zone::named(&buf) {
            Some(zone) => cache.tz = Some(zone),
            None => unknown_zone(name),
        }
    }
    cache.name = buf;
    cache.len = name.len();
    cache.valid = true;
}

const USECS_PER_DAY: i64 = 86_400_000_000;
/// PostgreSQL's range of valid timestamps (`MIN_TIMESTAMP`, `END_TIMESTAMP`): a local time
/// outside it is an error of `timezone()`, left to that function to raise.
const MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
const END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;

/// Makes `cache` hold the zone of argument `n` (its name checked unless it is a constant of
/// the query: every row then passes the same value, and the cache outlives nothing it depends
/// on; window aggregates and every other expression check each row).
#[inline(always)]
fn resolve_arg(args: &Args, n: usize, cache: &mut ZoneCache) {
    if !(cache.valid && cache.constant) {
        let name = args.text(n);
        if !cache.valid || &cache.name[..cache.len] != name {
            resolve(cache, name);
            cache.constant = args.aggregate_arg_node(n) == Some(pg_sys::NodeTag::T_Const);
        }
    }
}

/// Checks that the zone in argument `n` is one `timezone(text, ...)` accepts (cached per call
/// site like `local_day`'s), for forms whose day does not depend on the zone.
pub(crate) fn check_zone(args: &Args, n: usize) {
    args.with_call_site_cache(|cache: &mut ZoneCache| resolve_arg(args, n, cache))
}

/// The error of an infinite timestamp where a calendar day is needed: `message` is given
/// "infinity" or "-infinity".
#[cold]
pub(crate) fn no_day(at: i64, message: impl FnOnce(&str) -> String) -> ! {
    raise(KpiError::new(
        ErrorKind::OutOfRange,
        message(if at > 0 { "infinity" } else { "-infinity" }),
        "Activity is counted per calendar day; an infinite timestamp falls on none.",
        "Filter out infinite timestamps.",
    ))
}

/// The local day (a `date`) of timestamp `at` in the zone of argument `zone_arg`, or in the
/// session's TimeZone.
#[inline(always)]
pub(crate) fn local_day(args: &Args, at: i64, zone_arg: Option<usize>) -> i32 {
    if at == i64::MIN || at == i64::MAX {
        no_day(at, |t| format!("timestamp {t} has no local day"));
    }
    args.with_call_site_cache(|cache: &mut ZoneCache| {
        let tz = match zone_arg {
            None => Zone::session().unwrap_or_else(|| no_session_zone()),
            Some(n) => {
                resolve_arg(args, n, cache);
                match cache.tz {
                    Some(tz) => tz,
                    None => {
                        if cache.fixed {
                            // `timezone()`'s own arithmetic for a fixed abbreviation.
                            let local = at.wrapping_add(cache.fixed_secs * 1_000_000);
                            if (MIN_TIMESTAMP..END_TIMESTAMP).contains(&local) {
                                return local.div_euclid(USECS_PER_DAY) as i32;
                            }
                        }
                        return day_by_timezone(args, n, at);
                    }
                }
            }
        };
        let secs = at.div_euclid(1_000_000) + UNIX_TO_PG_SECS;
        let offset = match known_offset(cache, tz, secs) {
            Some(offset) => offset,
            None => match learn_span(cache, tz, secs) {
                Some(offset) => offset,
                None => return day_by_fields(at, tz),
            },
        };
        (at + offset * 1_000_000).div_euclid(USECS_PER_DAY) as i32
    })
}

#[cold]
fn no_session_zone() -> ! {
    raise(KpiError::new(
        ErrorKind::InvalidParameter,
        "the session has no time zone",
        "activity_agg without a zone reads each timestamp in the session's TimeZone.",
        "Set TimeZone, or pass the zone as the third argument.",
    ))
}

/// The offset of `tz` at `secs` when a span remembered in `cache` holds it.
#[inline(always)]
fn known_offset(cache: &ZoneCache, tz: Zone, secs: i64) -> Option<i64> {
    cache
        .spans
        .iter()
        .find(|s| s.tz == Some(tz) && s.lo <= secs && secs < s.hi)
        .map(|s| s.offset_secs)
}

/// The local day of `at` when `cache` knows it without asking PostgreSQL: in the session's
/// zone (`with_zone` false) or in the zone of a constant argument, already resolved, whose
/// offset at `at` is that of a remembered span or a fixed abbreviation's. `None` for anything
/// else, which [`local_day`] then does. Loads and arithmetic that cannot overflow: the
/// unguarded fast path of a transition may call it.
#[inline(always)]
pub(crate) fn known_day(cache: &ZoneCache, at: i64, with_zone: bool) -> Option<i32> {
    if at == i64::MIN || at == i64::MAX {
        return None;
    }
    // An offset is under a day: its microseconds cannot overflow.
    let local = if !with_zone {
        let secs = at.div_euclid(1_000_000) + UNIX_TO_PG_SECS;
        at.checked_add(known_offset(cache, Zone::session()?, secs)? * 1_000_000)?
    } else if !(cache.valid && cache.constant) {
        return None;
    } else if let Some(tz) = cache.tz {
        let secs = at.div_euclid(1_000_000) + UNIX_TO_PG_SECS;
        at.checked_add(known_offset(cache, tz, secs)? * 1_000_000)?
    } else if cache.fixed {
        let local = at.checked_add(cache.fixed_secs.checked_mul(1_000_000)?)?;
        if !(MIN_TIMESTAMP..END_TIMESTAMP).contains(&local) {
            return None;
        }
        local
    } else {
        return None;
    };
    Some(local.div_euclid(USECS_PER_DAY) as i32)
}

/// The offset of `tz` at `secs` and the stretch it holds for, remembered in `cache`.
#[cold]
fn learn_span(cache: &mut ZoneCache, tz: Zone, secs: i64) -> Option<i64> {
    let (mut before, mut before_dst, mut boundary, mut after, mut after_dst) = (0, 0, 0, 0, 0);
    // SAFETY: a zone PostgreSQL keeps (`Zone`); every other argument is a live local.
    let found = unsafe {
        pg_sys::pg_next_dst_boundary(
            &secs,
            &mut before,
            &mut before_dst,
            &mut boundary,
            &mut after,
            &mut after_dst,
            tz.0.as_ptr(),
        )
    };
    let hi = match found {
        0 => i64::MAX,
        1 if boundary > secs => boundary,
        _ => return None,
    };
    let offset: i64 = before;
    if let Some(span) = cache
        .spans
        .iter_mut()
        .find(|s| s.tz == Some(tz) && s.hi == hi && s.offset_secs == offset)
    {
        span.lo = span.lo.min(secs);
    } else {
        cache.spans[cache.next_span % SPANS] = Span {
            tz: Some(tz),
            lo: secs,
            hi,
            offset_secs: offset,
        };
        cache.next_span += 1;
    }
    Some(offset)
}

/// The local date from PostgreSQL's own field conversion (when no span can be learnt).
#[cold]
fn day_by_fields(at: i64, tz: Zone) -> i32 {
    let mut tm = pg_sys::pg_tm::default();
    let (mut offset, mut fsec) = (0, 0);
    // SAFETY: a zone PostgreSQL keeps (`Zone`); the out arguments are live locals, and a
    // null time zone name pointer is allowed (the name is not wanted).
    let failed = unsafe {
        pg_sys::timestamp2tm(
            at,
            &mut offset,
            &mut tm,
            &mut fsec,
            std::ptr::null_mut(),
            tz.0.as_ptr(),
        )
    } != 0;
    if failed {
        raise(KpiError::new(
            ErrorKind::OutOfRange,
            "timestamp out of range",
            "The timestamp has no local date in this time zone.",
            "Check the timestamps of the events.",
        ));
    }
    from_civil(tm.tm_year.into(), tm.tm_mon as u32, tm.tm_mday as u32) as i32
}

/// The local date from `timezone(zone, at)` itself, for the zone in argument `n` (a dynamic
/// abbreviation, or a time out of the fixed offset's range, whose error it raises).
#[cold]
fn day_by_timezone(args: &Args, n: usize, at: i64) -> i32 {
    let zone = args.non_null(n);
    // SAFETY: `timezone(text, timestamptz)` called with a non-null text (argument `n`,
    // declared `text`) and a timestamptz, as SQL would call it; pgrx's guard turns an error
    // it raises into a Rust panic.
    let local = unsafe {
        pg_sys::DirectFunctionCall2Coll(
            Some(timestamptz_zone),
            pg_sys::InvalidOid,
            zone,
            Datum::from(at),
        )
    };
    (local.value() as i64).div_euclid(USECS_PER_DAY) as i32
}
