//! `mrr_agg()` over the shapes billing tables have: a month given as a `timestamp` or
//! `timestamptz`, and subscription periods (`daterange`, `tsrange`, `tstzrange`) spread over
//! the months whose last day they cover (`kpi::revenue::periods`); and `monthly_amount()` with
//! Stripe's `interval` and `interval_count`. Rows add into the same `mrr_history` state as the
//! `date` form, so every form shares its combine, serial and final functions.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::datum::{Date, RangeBound, RangeSubType, Timestamp, TimestampWithTimeZone};
use pgrx::pg_sys::{self, Datum};

use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::revenue::history::{month_of_pg_date, pg_date_of_month, MrrHistory};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::periods::{billing_interval, month_ends_covered, months_touched};
use crate::kpi::revenue::scalar::monthly_amount;
use crate::pg::args::Args;
use crate::pg::fmgr::{pg_function, raise, OrRaise};

const USECS_PER_DAY: i64 = 86_400_000_000;

// A customer key as `mrr_agg` keeps it (text in UTF-8, as the date form keeps it).
use crate::pg::datum::{KeyArg as Key, KeyType};

fn read_key<'a>(args: &'a Args, ty: KeyType) -> Key<'a> {
    args.key_utf8(1, ty)
}

fn add_span(
    h: &mut MrrHistory,
    key: &Key,
    touched: (i32, i32),
    counted: Option<(i32, i32)>,
    mrr: &Money,
) {
    match key {
        Key::Int(k) => h.add_span::<i64, i64>(k, touched, counted, mrr),
        Key::Text(k) => h.add_span::<Vec<u8>, [u8]>(k, touched, counted, mrr),
        Key::Uuid(k) => h.add_span::<[u8; 16], [u8; 16]>(k, touched, counted, mrr),
    }
    .or_raise()
}

#[cold]
fn infinite(what: &str) -> ! {
    raise(KpiError::new(
        ErrorKind::InvalidParameter,
        format!("mrr_agg {what} cannot be infinity"),
        "An infinite time is in no month.",
        "Pass a finite month, or filter out rows with infinite times.",
    ))
}

/// The date of a `timestamptz` in the session's TimeZone (days since 2000-01-01).
fn session_day(at: i64, what: &str) -> i32 {
    if at == i64::MIN || at == i64::MAX {
        infinite(what);
    }
    // SAFETY: an all-zero `pg_tm` is a valid value; `timestamp2tm` writes through pointers to
    // live locals and reads the session's TimeZone.
    let (tm, failed) = unsafe {
        let mut tm: pg_sys::pg_tm = std::mem::zeroed();
        let (mut offset, mut fsec) = (0, 0);
        let failed = pg_sys::timestamp2tm(
            at,
            &mut offset,
            &mut tm,
            &mut fsec,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ) != 0;
        (tm, failed)
    };
    if failed {
        raise(KpiError::new(
            ErrorKind::OutOfRange,
            "timestamp out of range",
            "The timestamp has no local date in the session's time zone.",
            "Check the times of the rows.",
        ));
    }
    pg_date_of_month(tm.tm_year * 12 + tm.tm_mon - 1) + tm.tm_mday - 1
}

fn naive_day(at: i64, what: &str) -> i32 {
    if at == i64::MIN || at == i64::MAX {
        infinite(what);
    }
    at.div_euclid(USECS_PER_DAY) as i32
}

// ------------------------------------------------------------------------------------------
// mrr_agg(customer, month timestamp | timestamptz, mrr): the month the time falls in
// ------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum MonthTime {
    Naive,
    Session,
}

fn month_row(args: &Args, ty: KeyType, time: MonthTime) -> Datum {
    if args.is_null(1) || args.is_null(2) || args.is_null(3) {
        return args.unchanged();
    }
    let at = args.i64(2);
    let day = match time {
        MonthTime::Naive => naive_day(at, "month"),
        MonthTime::Session => session_day(at, "month"),
    };
    let month = month_of_pg_date(day);
    let mrr = args.money(3, "mrr_agg mrr").or_raise();
    let key = read_key(args, ty);
    args.update_summary(0, |state: &mut MrrHistory| {
        add_span(state, &key, (month, month), Some((month, month)), &mrr)
    })
}

pg_function!(fn csm_mrr_agg_int8_ts(args) safe { month_row(args, KeyType::Int, MonthTime::Naive) });
pg_function!(fn csm_mrr_agg_text_ts(args) safe { month_row(args, KeyType::Text, MonthTime::Naive) });
pg_function!(fn csm_mrr_agg_uuid_ts(args) safe { month_row(args, KeyType::Uuid, MonthTime::Naive) });
pg_function!(fn csm_mrr_agg_int8_tstz(args) safe { month_row(args, KeyType::Int, MonthTime::Session) });
pg_function!(fn csm_mrr_agg_text_tstz(args) safe { month_row(args, KeyType::Text, MonthTime::Session) });
pg_function!(fn csm_mrr_agg_uuid_tstz(args) safe { month_row(args, KeyType::Uuid, MonthTime::Session) });

// ------------------------------------------------------------------------------------------
// mrr_agg(customer, active daterange | tsrange | tstzrange, mrr): month-end MRR of a period
// ------------------------------------------------------------------------------------------

/// A range element as a day: `date` as it is, `timestamp` its wall-clock date, `timestamptz`
/// its date in the session's TimeZone. `None` for an infinite value.
trait Day: RangeSubType + Copy {
    /// Whether a bound's inclusivity moves the day (only for `date`, a discrete type).
    const DISCRETE: bool;
    fn day(self) -> Option<i32>;
}

impl Day for Date {
    const DISCRETE: bool = true;
    fn day(self) -> Option<i32> {
        let d = pg_sys::DateADT::from(self);
        (d != i32::MIN && d != i32::MAX).then_some(d)
    }
}

impl Day for Timestamp {
    const DISCRETE: bool = false;
    fn day(self) -> Option<i32> {
        let t = pg_sys::Timestamp::from(self);
        (t != i64::MIN && t != i64::MAX).then(|| t.div_euclid(USECS_PER_DAY) as i32)
    }
}

impl Day for TimestampWithTimeZone {
    const DISCRETE: bool = false;
    fn day(self) -> Option<i32> {
        let t = pg_sys::TimestampTz::from(self);
        (t != i64::MIN && t != i64::MAX).then(|| session_day(t, "active"))
    }
}

/// The first day of the month after the current one (session TimeZone): where a period with
/// no end stops, so that it counts through the current month.
fn after_current_month() -> i32 {
    // SAFETY: reads the transaction's start time, set for any statement.
    let now = unsafe { pg_sys::GetCurrentTransactionStartTimestamp() };
    pg_date_of_month(month_of_pg_date(session_day(now, "active")) + 1)
}

#[cold]
fn no_start(key: &Key) -> ! {
    let who = match key {
        Key::Int(k) => k.to_string(),
        Key::Text(k) => format!(
            "\"{}\"",
            crate::kpi::text::echo(&String::from_utf8_lossy(k))
        ),
        Key::Uuid(k) => k.iter().map(|b| format!("{b:02x}")).collect(),
    };
    raise(KpiError::new(
        ErrorKind::InvalidParameter,
        format!("mrr_agg active period of customer {who} has no start"),
        "A subscription period's lower bound is its start; an unbounded one is in no month.",
        "Pass periods with a start, such as daterange(started_on, ended_on).",
    ))
}

/// The period in argument 2 as days `[lo, hi)`; None for an empty range.
fn period_days<T: Day>(args: &Args, key: &Key) -> Option<(i32, i32)> {
    let range = args.range::<T>(2)?;
    if range.is_empty() {
        return None;
    }
    let lo = match range.lower() {
        Some(RangeBound::Inclusive(v)) => v.day(),
        Some(RangeBound::Exclusive(v)) => v.day().map(|d| d + T::DISCRETE as i32),
        _ => None,
    };
    let Some(lo) = lo else { no_start(key) };
    let hi = match range.upper() {
        Some(RangeBound::Inclusive(v)) => v.day().map(|d| d + T::DISCRETE as i32),
        Some(RangeBound::Exclusive(v)) => v.day(),
        _ => None,
    };
    Some((lo, hi.unwrap_or_else(after_current_month)))
}

fn period_row<T: Day>(args: &Args, ty: KeyType) -> Datum {
    if args.is_null(1) || args.is_null(2) || args.is_null(3) {
        return args.unchanged();
    }
    let key = read_key(args, ty);
    let Some((lo, hi)) = period_days::<T>(args, &key) else {
        return args.unchanged(); // an empty period is active on no day
    };
    let Some(touched) = months_touched(lo, hi) else {
        return args.unchanged();
    };
    let mrr = args.money(3, "mrr_agg mrr").or_raise();
    args.update_summary(0, |state: &mut MrrHistory| {
        add_span(state, &key, touched, month_ends_covered(lo, hi), &mrr)
    })
}

pg_function!(fn csm_mrr_agg_int8_daterange(args) safe { period_row::<Date>(args, KeyType::Int) });
pg_function!(fn csm_mrr_agg_text_daterange(args) safe { period_row::<Date>(args, KeyType::Text) });
pg_function!(fn csm_mrr_agg_uuid_daterange(args) safe { period_row::<Date>(args, KeyType::Uuid) });
pg_function!(fn csm_mrr_agg_int8_tsrange(args) safe { period_row::<Timestamp>(args, KeyType::Int) });
pg_function!(fn csm_mrr_agg_text_tsrange(args) safe { period_row::<Timestamp>(args, KeyType::Text) });
pg_function!(fn csm_mrr_agg_uuid_tsrange(args) safe { period_row::<Timestamp>(args, KeyType::Uuid) });
pg_function!(fn csm_mrr_agg_int8_tstzrange(args) safe { period_row::<TimestampWithTimeZone>(args, KeyType::Int) });
pg_function!(fn csm_mrr_agg_text_tstzrange(args) safe { period_row::<TimestampWithTimeZone>(args, KeyType::Text) });
pg_function!(fn csm_mrr_agg_uuid_tstzrange(args) safe { period_row::<TimestampWithTimeZone>(args, KeyType::Uuid) });

// ------------------------------------------------------------------------------------------
// monthly_amount(amount, interval_unit text, interval_count integer)
// ------------------------------------------------------------------------------------------

pg_function!(fn csm_monthly_amount_unit(args) safe {
    let amount = args.money(0, "monthly_amount amount").or_raise();
    let unit = String::from_utf8_lossy(args.text(1)).into_owned();
    let count = args.i32(2);
    let (months, days) = billing_interval(&unit, count).or_raise();
    args.return_money(&monthly_amount(&amount, months, days, 0, "").or_raise())
});
