//! The engagement family in SQL: `activity_summary`, `activity_agg()` and its accessors
//! (declared in `sql/engagement.sql`; the maths is in `kpi::engagement`).

use std::ffi::c_int;

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use super::datum;
use super::expanded::existing_mut;
use super::fmgr::OrRaise;
use super::fmgr::{arg, arg_i32, arg_is_null, pg_function, raise, return_f64, return_i64};
use super::summary::{state_datum, state_mut, state_type, unchanged};
use crate::kpi::engagement::calendar::{from_civil, Grain};
use crate::kpi::engagement::format::DaysView;
use crate::kpi::engagement::{range, report};
use crate::kpi::engagement::{sortable, Activity, KeyKind};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::summary::Summary;

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

unsafe extern "C-unwind" {
    /// `timezone(text, timestamptz)`, called directly for zones the fast path does not take.
    fn timestamptz_zone(fcinfo: FunctionCallInfo) -> Datum;
}

/// The zone of the last row, resolved once per call site (kept in `fn_extra`): a `pg_tz` for
/// full zone names, or null for abbreviations. A fixed abbreviation ('UTC', 'EST', 'CEST') is
/// its offset (`fixed`); a dynamic one goes through `timezone(zone, at)` itself on every row.
#[repr(C)]
struct ZoneCache {
    valid: bool,
    /// The zone argument is a constant of the query: once resolved, rows skip the name check.
    constant: bool,
    /// `fixed_secs` is the zone (a fixed-offset abbreviation), as `timezone()` applies it.
    fixed: bool,
    fixed_secs: i64,
    len: usize,
    name: [u8; pg_sys::TZ_STRLEN_MAX as usize + 1],
    tz: *mut pg_sys::pg_tz,
    spans: [Span; SPANS],
    next_span: usize,
}

/// A stretch of time, in Unix seconds `lo..hi`, through which a zone's UTC offset is constant:
/// most rows then cost a comparison and a division instead of a tz lookup (`timestamp2tm`).
/// `hi` is the zone's next transition (PostgreSQL's `pg_next_dst_boundary`); `lo` is the
/// earliest instant seen so far in the stretch, extended down as earlier rows arrive.
/// Zero-filled memory (a null zone) is an empty span.
#[repr(C)]
#[derive(Clone, Copy)]
struct Span {
    tz: *mut pg_sys::pg_tz,
    lo: i64,
    hi: i64,
    offset_secs: i64,
}

const SPANS: usize = 8;
/// Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch.
const UNIX_TO_PG_SECS: i64 = 946_684_800;

unsafe fn zone_cache(fcinfo: FunctionCallInfo) -> *mut ZoneCache {
    unsafe {
        let flinfo = (*fcinfo).flinfo;
        if (*flinfo).fn_extra.is_null() {
            (*flinfo).fn_extra =
                pg_sys::MemoryContextAllocZero((*flinfo).fn_mcxt, size_of::<ZoneCache>());
        }
        (*flinfo).fn_extra.cast()
    }
}

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
unsafe fn resolve(cache: &mut ZoneCache, name: &[u8]) {
    cache.valid = false;
    cache.fixed = false;
    cache.tz = std::ptr::null_mut();
    if name.len() > pg_sys::TZ_STRLEN_MAX as usize || name.contains(&0) {
        unknown_zone(name);
    }
    unsafe {
        let mut buf = [0u8; pg_sys::TZ_STRLEN_MAX as usize + 1];
        buf[..name.len()].copy_from_slice(name);
        let lower =
            pg_sys::downcase_truncate_identifier(buf.as_ptr().cast(), name.len() as i32, false);
        let (kind, offset) = crate::pg::compat::timezone_abbrev(lower);
        if [pg_sys::TZ, pg_sys::DTZ].contains(&kind) {
            cache.fixed = true;
            cache.fixed_secs = i64::from(offset);
        } else if kind != pg_sys::DYNTZ {
            cache.tz = pg_sys::pg_tzset(buf.as_ptr().cast());
            if cache.tz.is_null() {
                unknown_zone(name);
            }
        }
        cache.name = buf;
    }
    cache.len = name.len();
    cache.valid = true;
}

const USECS_PER_DAY: i64 = 86_400_000_000;
/// PostgreSQL's range of valid timestamps (`MIN_TIMESTAMP`, `END_TIMESTAMP`): a local time
/// outside it is an error of `timezone()`, left to that function to raise.
const MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
const END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;

/// Whether argument `n` of an aggregate's transition call is a constant of the query (every
/// row passes the same value; the cache then outlives nothing it depends on). Window
/// aggregates (no Aggref) and every other expression check each row.
#[cold]
unsafe fn constant_arg(fcinfo: FunctionCallInfo, n: usize) -> bool {
    unsafe {
        let aggref = pg_sys::AggGetAggref(fcinfo);
        if aggref.is_null() || n == 0 {
            return false;
        }
        let args = (*aggref).args;
        if args.is_null() || (*args).length as usize != (*fcinfo).nargs as usize - 1 {
            return false;
        }
        let entry = (*(*args).elements.add(n - 1))
            .ptr_value
            .cast::<pg_sys::TargetEntry>();
        let expr = (*entry).expr.cast::<pg_sys::Node>();
        !expr.is_null() && (*expr).type_ == pg_sys::NodeTag::T_Const
    }
}

/// The cache of argument `n`'s zone, resolved (the name checked unless it is a constant).
#[inline(always)]
unsafe fn zone_of<'a>(fcinfo: FunctionCallInfo, n: usize) -> &'a mut ZoneCache {
    unsafe {
        let cache = &mut *zone_cache(fcinfo);
        if !(cache.valid && cache.constant) {
            let name = datum::varlena_bytes(arg(fcinfo, n));
            if !cache.valid || &cache.name[..cache.len] != name {
                resolve(cache, name);
                cache.constant = constant_arg(fcinfo, n);
            }
        }
        cache
    }
}

/// Checks that the zone in argument `n` is one `timezone(text, ...)` accepts (cached per call
/// site like `local_day`'s), for forms whose day does not depend on the zone.
pub(crate) unsafe fn check_zone(fcinfo: FunctionCallInfo, n: usize) {
    unsafe {
        zone_of(fcinfo, n);
    }
}

/// The local day (a `date`) of timestamp `at` in the zone of argument `zone_arg`, or in the
/// session's TimeZone.
#[inline(always)]
unsafe fn local_day(fcinfo: FunctionCallInfo, at: i64, zone_arg: Option<usize>) -> i32 {
    if at == i64::MIN || at == i64::MAX {
        raise(KpiError::new(
            ErrorKind::OutOfRange,
            format!(
                "timestamp {} has no local day",
                if at > 0 { "infinity" } else { "-infinity" }
            ),
            "Activity is counted per calendar day; an infinite timestamp falls on none.",
            "Filter out infinite timestamps.",
        ));
    }
    unsafe {
        let tz = match zone_arg {
            None => pg_sys::session_timezone,
            Some(n) => {
                let cache = zone_of(fcinfo, n);
                if cache.tz.is_null() {
                    if cache.fixed {
                        // `timezone()`'s own arithmetic for a fixed abbreviation.
                        let local = at.wrapping_add(cache.fixed_secs * 1_000_000);
                        if (MIN_TIMESTAMP..END_TIMESTAMP).contains(&local) {
                            return local.div_euclid(USECS_PER_DAY) as i32;
                        }
                    }
                    let local = pg_sys::DirectFunctionCall2Coll(
                        Some(timestamptz_zone),
                        pg_sys::InvalidOid,
                        arg(fcinfo, n),
                        Datum::from(at),
                    );
                    return (local.value() as i64).div_euclid(USECS_PER_DAY) as i32;
                }
                cache.tz
            }
        };
        let cache = &mut *zone_cache(fcinfo);
        let secs = at.div_euclid(1_000_000) + UNIX_TO_PG_SECS;
        let offset = match known_offset(cache, tz, secs) {
            Some(offset) => offset,
            None => match learn_span(cache, tz, secs) {
                Some(offset) => offset,
                None => return day_by_fields(at, tz),
            },
        };
        (at + offset * 1_000_000).div_euclid(USECS_PER_DAY) as i32
    }
}

/// The offset of `tz` at `secs` when a span remembered in `cache` holds it.
#[inline(always)]
fn known_offset(cache: &ZoneCache, tz: *mut pg_sys::pg_tz, secs: i64) -> Option<i64> {
    cache
        .spans
        .iter()
        .find(|s| s.tz == tz && s.lo <= secs && secs < s.hi)
        .map(|s| s.offset_secs)
}

/// The offset of `tz` at `secs` and the stretch it holds for, remembered in `cache`.
#[cold]
unsafe fn learn_span(cache: &mut ZoneCache, tz: *mut pg_sys::pg_tz, secs: i64) -> Option<i64> {
    let (mut before, mut before_dst, mut boundary, mut after, mut after_dst) = (0, 0, 0, 0, 0);
    let found = unsafe {
        pg_sys::pg_next_dst_boundary(
            &secs,
            &mut before,
            &mut before_dst,
            &mut boundary,
            &mut after,
            &mut after_dst,
            tz,
        )
    };
    let hi = match found {
        0 => i64::MAX,
        1 if boundary > secs => boundary,
        _ => return None,
    };
    let offset = before as i64;
    if let Some(span) = cache
        .spans
        .iter_mut()
        .find(|s| s.tz == tz && s.hi == hi && s.offset_secs == offset)
    {
        span.lo = span.lo.min(secs);
    } else {
        cache.spans[cache.next_span % SPANS] = Span {
            tz,
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
unsafe fn day_by_fields(at: i64, tz: *mut pg_sys::pg_tz) -> i32 {
    unsafe {
        let mut tm: pg_sys::pg_tm = std::mem::zeroed();
        let (mut offset, mut fsec) = (0, 0);
        if pg_sys::timestamp2tm(
            at,
            &mut offset,
            &mut tm,
            &mut fsec,
            std::ptr::null_mut(),
            tz,
        ) != 0
        {
            raise(KpiError::new(
                ErrorKind::OutOfRange,
                "timestamp out of range",
                "The timestamp has no local date in this time zone.",
                "Check the timestamps of the events.",
            ));
        }
        from_civil(tm.tm_year.into(), tm.tm_mon as u32, tm.tm_mday as u32) as i32
    }
}

/// Transition of `activity_agg(key, at[, zone])`: NULL key, time or zone skip the row.
#[inline(always)]
unsafe fn accumulate(
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
        let day = local_day(
            fcinfo,
            arg(fcinfo, 2).value() as i64,
            with_zone.then_some(3),
        );
        let key = key(arg(fcinfo, 1));
        let state = state_mut::<Activity>(fcinfo, 0);
        state.add(kind, day, key).or_raise();
        state_datum(state)
    }
}

pub(crate) unsafe fn bigint_key(value: Datum) -> u64 {
    sortable(value.value() as i64)
}

pub(crate) unsafe fn text_key(value: Datum) -> u64 {
    unsafe {
        let bytes = datum::varlena_bytes(value);
        sortable(hash_bytes_extended(bytes.as_ptr(), bytes.len() as c_int, 0) as i64)
    }
}

pub(crate) unsafe fn uuid_key(value: Datum) -> u64 {
    unsafe { sortable(hash_bytes_extended(value.cast_mut_ptr::<u8>(), 16, 0) as i64) }
}

/// The common row of `activity_agg(bigint, at[, zone])`, unguarded (see [`pg_function!`]):
/// its zone already resolved (a constant zone, or the session's) and its offset known from a
/// remembered span, and a row [`Activity::try_add_existing`] takes. Anything else (the
/// group's first row, NULLs, a new zone, a span to learn, a batch to grow or merge, a new
/// key) goes to the guarded path, which does it all and raises the errors. Loads, integer
/// arithmetic that cannot overflow, and no call into PostgreSQL.
#[inline(always)]
unsafe fn accumulate_fast(fcinfo: FunctionCallInfo) -> Option<Datum> {
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
        let at = arg(fcinfo, 2).value() as i64;
        let extra = (*(*fcinfo).flinfo).fn_extra;
        if extra.is_null() || at == i64::MIN || at == i64::MAX {
            return None;
        }
        let cache = &*extra.cast::<ZoneCache>();
        let local = if !with_zone {
            let secs = at.div_euclid(1_000_000) + UNIX_TO_PG_SECS;
            at.checked_add(known_offset(cache, pg_sys::session_timezone, secs)? * 1_000_000)?
        } else if !(cache.valid && cache.constant) {
            return None;
        } else if !cache.tz.is_null() {
            let secs = at.div_euclid(1_000_000) + UNIX_TO_PG_SECS;
            at.checked_add(known_offset(cache, cache.tz, secs)? * 1_000_000)?
        } else if cache.fixed {
            let local = at.checked_add(cache.fixed_secs.checked_mul(1_000_000)?)?;
            if !(MIN_TIMESTAMP..END_TIMESTAMP).contains(&local) {
                return None;
            }
            local
        } else {
            return None;
        };
        let day = local.div_euclid(USECS_PER_DAY) as i32;
        let state = existing_mut::<Activity>(fcinfo, 0)?;
        state
            .try_add_existing(KeyKind::Bigint, day, bigint_key(arg(fcinfo, 1)))
            .then(|| state_datum(state))
    }
}

pg_function!(fn csm_activity_accum_int8(fcinfo)
    unguarded(args 3) { unsafe { accumulate_fast(fcinfo) } }
    guarded { unsafe { accumulate(fcinfo, KeyKind::Bigint, bigint_key) } });
pg_function!(fn csm_activity_accum_text(fcinfo) {
    unsafe { accumulate(fcinfo, KeyKind::Text, text_key) }
});
pg_function!(fn csm_activity_accum_uuid(fcinfo) {
    unsafe { accumulate(fcinfo, KeyKind::Uuid, uuid_key) }
});

/// The stored summary in argument 0, its days read (bitmaps decoded later, on demand).
unsafe fn view<'a>(fcinfo: FunctionCallInfo) -> DaysView<'a> {
    let bytes = unsafe { datum::varlena_bytes(arg(fcinfo, 0)) };
    let parsed = match bytes.split_first() {
        Some((v, payload)) if *v == Activity::VERSION => DaysView::parse_payload(payload),
        Some((v, _)) => Err(format!("Format version {v} is not supported.")),
        None => Err("The value is empty.".to_string()),
    };
    parsed
        .map_err(|why| {
            KpiError::new(
                ErrorKind::BadBinary,
                "invalid binary activity_summary value",
                why,
                "The value is corrupt or was written by another version; recompute it.",
            )
        })
        .or_raise()
}

pg_function!(fn csm_activity_dau(fcinfo) {
    unsafe { return_i64(report::dau(&view(fcinfo), arg_i32(fcinfo, 1))) }
});
pg_function!(fn csm_activity_wau(fcinfo) {
    unsafe { return_i64(report::trailing(&view(fcinfo), arg_i32(fcinfo, 1), 7).or_raise()) }
});
pg_function!(fn csm_activity_mau(fcinfo) {
    unsafe { return_i64(report::trailing(&view(fcinfo), arg_i32(fcinfo, 1), 30).or_raise()) }
});
pg_function!(fn csm_activity_active_users(fcinfo) {
    unsafe {
        let n = report::active_users(&view(fcinfo), arg_i32(fcinfo, 1), arg_i32(fcinfo, 2));
        return_i64(n.or_raise())
    }
});
pg_function!(fn csm_activity_stickiness_month(fcinfo) {
    unsafe {
        let s = report::stickiness_month(&view(fcinfo), arg_i32(fcinfo, 1)).or_raise();
        return_f64(fcinfo, s)
    }
});
pg_function!(fn csm_activity_stickiness(fcinfo) {
    unsafe {
        let s = report::stickiness(&view(fcinfo), arg_i32(fcinfo, 1), arg_i32(fcinfo, 2));
        return_f64(fcinfo, s.or_raise())
    }
});

/// The result set of a `RETURNS TABLE` function, filled row by row (materialize mode).
pub(crate) struct Rows {
    store: *mut pg_sys::Tuplestorestate,
    desc: pg_sys::TupleDesc,
}

impl Rows {
    pub(crate) unsafe fn new(fcinfo: FunctionCallInfo) -> Rows {
        unsafe {
            pg_sys::InitMaterializedSRF(fcinfo, 0);
            let rsinfo = (*fcinfo).resultinfo.cast::<pg_sys::ReturnSetInfo>();
            Rows {
                store: (*rsinfo).setResult,
                desc: (*rsinfo).setDesc,
            }
        }
    }

    /// Adds a row. The reports emit a row per calendar day or period, and a summary may span
    /// millions of days: a cancel or `statement_timeout` is honoured between rows.
    pub(crate) fn put<const N: usize>(&self, mut values: [Datum; N], mut nulls: [bool; N]) {
        pg_sys::check_for_interrupts!();
        unsafe {
            pg_sys::tuplestore_putvalues(
                self.store,
                self.desc,
                values.as_mut_ptr(),
                nulls.as_mut_ptr(),
            )
        }
    }
}

pub(crate) fn int4(v: i32) -> Datum {
    Datum::from(v as i64 as usize)
}
pub(crate) fn int8(v: i64) -> Datum {
    Datum::from(v as usize)
}
pub(crate) fn float8(v: f64) -> Datum {
    Datum::from(v.to_bits() as usize)
}

/// The grain in argument `n` (text).
pub(crate) unsafe fn grain(fcinfo: FunctionCallInfo, n: usize) -> Grain {
    let bytes = unsafe { datum::varlena_bytes(arg(fcinfo, n)) };
    Grain::parse(&String::from_utf8_lossy(bytes)).or_raise()
}

const NO_RESULT: usize = 0;

pg_function!(fn csm_activity_active_days(fcinfo) {
    unsafe {
        let view = view(fcinfo);
        let rows = Rows::new(fcinfo);
        // A finite range: every k from 1 to its length, whatever the data covers. An infinite
        // bound has no length: k then runs over the active days the range holds.
        let (from, to) = (arg_i32(fcinfo, 1), arg_i32(fcinfo, 2));
        let put = |k, users| rows.put([int4(k), int8(users)], [false; 2]);
        if [from, to].iter().all(|d| ![i32::MIN, i32::MAX].contains(d)) && from <= to {
            range::check_bounded("active_days", ("from_day", "to_day"), from, to).or_raise();
            range::active_days_padded(&view, from, to, put)
        } else {
            report::active_days(&view, from, to, put)
        }
        .or_raise();
        Datum::from(NO_RESULT)
    }
});

pg_function!(fn csm_activity_daily_kpis(fcinfo) {
    unsafe {
        let view = view(fcinfo);
        let rows = Rows::new(fcinfo);
        report::daily_kpis(&view, |r| {
            rows.put(
                [int4(r.day), int8(r.dau), int8(r.wau), int8(r.mau), float8(r.stickiness.unwrap_or(0.0))],
                [false, false, false, false, r.stickiness.is_none()],
            )
        })
        .or_raise();
        Datum::from(NO_RESULT)
    }
});

pg_function!(fn csm_activity_lifecycle(fcinfo) {
    unsafe {
        let view = view(fcinfo);
        let grain = grain(fcinfo, 1);
        let report_from = ((*fcinfo).nargs == 3).then(|| arg_i32(fcinfo, 2));
        let rows = Rows::new(fcinfo);
        report::lifecycle(&view, grain, report_from, |r| {
            rows.put(
                [
                    int4(r.period),
                    int8(r.new_users),
                    int8(r.returning_users),
                    int8(r.resurrecting_users),
                    int8(r.dormant_users),
                ],
                [false; 5],
            )
        })
        .or_raise();
        Datum::from(NO_RESULT)
    }
});

pg_function!(fn csm_activity_retention(fcinfo) {
    unsafe {
        let view = view(fcinfo);
        let grain = grain(fcinfo, 1);
        let periods = arg_i32(fcinfo, 2);
        let rows = Rows::new(fcinfo);
        report::retention(&view, grain, periods, |r| {
            rows.put(
                [
                    int4(r.cohort),
                    int4(r.period_number),
                    int8(r.cohort_size),
                    int8(r.retained),
                    float8(r.retention_percent),
                ],
                [false; 5],
            )
        })
        .or_raise();
        Datum::from(NO_RESULT)
    }
});
