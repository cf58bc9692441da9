//! `mrr_agg()` over the shapes billing tables have: a month given as a `timestamp` or
//! `timestamptz`, and subscription periods (`daterange`, `tsrange`, `tstzrange`) spread over
//! the months whose last day they cover (`kpi::revenue::periods`); and `monthly_amount()` with
//! Stripe's `interval` and `interval_count`. Rows add into the same `mrr_history` state as the
//! `date` form, so every form shares its combine, serial and final functions.

use pgrx::datum::{
    Date, FromDatum, Range, RangeBound, RangeSubType, Timestamp, TimestampWithTimeZone,
};
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use super::history::varlena_arg;
use super::numeric::{money_datum, money_from_datum};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::revenue::history::{month_of_pg_date, pg_date_of_month, MrrHistory};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::periods::{billing_interval, month_ends_covered, months_touched};
use crate::kpi::revenue::scalar::monthly_amount;
use crate::pg::datum;
use crate::pg::fmgr::{arg, arg_i32, arg_is_null, pg_function, raise, OrRaise};
use crate::pg::summary::{state_datum, state_mut, unchanged};

const USECS_PER_DAY: i64 = 86_400_000_000;

/// A customer key as `mrr_agg` keeps it.
enum Key<'a> {
    Int(i64),
    Text(std::borrow::Cow<'a, [u8]>),
    Uuid([u8; 16]),
}

#[derive(Clone, Copy)]
enum KeyType {
    Int,
    Text,
    Uuid,
}

unsafe fn read_key<'a>(fcinfo: FunctionCallInfo, ty: KeyType) -> Key<'a> {
    unsafe {
        match ty {
            KeyType::Int => Key::Int(arg(fcinfo, 1).value() as i64),
            KeyType::Uuid => Key::Uuid(*arg(fcinfo, 1).cast_mut_ptr::<[u8; 16]>()),
            KeyType::Text => {
                let key = varlena_arg(fcinfo, 1);
                // Keys are kept in UTF-8, as the date form keeps them.
                if key.is_ascii() || !datum::server_is_not_utf8() {
                    Key::Text(std::borrow::Cow::Borrowed(key))
                } else {
                    Key::Text(std::borrow::Cow::Owned(datum::server_bytes_to_utf8(key)))
                }
            }
        }
    }
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
unsafe fn session_day(at: i64, what: &str) -> i32 {
    if at == i64::MIN || at == i64::MAX {
        infinite(what);
    }
    unsafe {
        let mut tm: pg_sys::pg_tm = std::mem::zeroed();
        let (mut offset, mut fsec) = (0, 0);
        if pg_sys::timestamp2tm(
            at,
            &mut offset,
            &mut tm,
            &mut fsec,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ) != 0
        {
            raise(KpiError::new(
                ErrorKind::OutOfRange,
                "timestamp out of range",
                "The timestamp has no local date in the session's time zone.",
                "Check the times of the rows.",
            ));
        }
        pg_date_of_month(tm.tm_year * 12 + tm.tm_mon - 1) + tm.tm_mday - 1
    }
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

unsafe fn month_row(fcinfo: FunctionCallInfo, ty: KeyType, time: MonthTime) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) || arg_is_null(fcinfo, 3) {
            return unchanged(fcinfo);
        }
        let at = arg(fcinfo, 2).value() as i64;
        let day = match time {
            MonthTime::Naive => naive_day(at, "month"),
            MonthTime::Session => session_day(at, "month"),
        };
        let month = month_of_pg_date(day);
        let mrr = money_from_datum(arg(fcinfo, 3), "mrr_agg mrr").or_raise();
        let key = read_key(fcinfo, ty);
        let state = state_mut::<MrrHistory>(fcinfo, 0);
        add_span(state, &key, (month, month), Some((month, month)), &mrr);
        state_datum(state)
    }
}

pg_function!(fn csm_mrr_agg_int8_ts(fcinfo) { unsafe { month_row(fcinfo, KeyType::Int, MonthTime::Naive) } });
pg_function!(fn csm_mrr_agg_text_ts(fcinfo) { unsafe { month_row(fcinfo, KeyType::Text, MonthTime::Naive) } });
pg_function!(fn csm_mrr_agg_uuid_ts(fcinfo) { unsafe { month_row(fcinfo, KeyType::Uuid, MonthTime::Naive) } });
pg_function!(fn csm_mrr_agg_int8_tstz(fcinfo) { unsafe { month_row(fcinfo, KeyType::Int, MonthTime::Session) } });
pg_function!(fn csm_mrr_agg_text_tstz(fcinfo) { unsafe { month_row(fcinfo, KeyType::Text, MonthTime::Session) } });
pg_function!(fn csm_mrr_agg_uuid_tstz(fcinfo) { unsafe { month_row(fcinfo, KeyType::Uuid, MonthTime::Session) } });

// ------------------------------------------------------------------------------------------
// mrr_agg(customer, active daterange | tsrange | tstzrange, mrr): month-end MRR of a period
// ------------------------------------------------------------------------------------------

/// A range element as a day: `date` as it is, `timestamp` its wall-clock date, `timestamptz`
/// its date in the session's TimeZone. `None` for an infinite value.
trait Day: RangeSubType + Copy {
    /// Whether a bound's inclusivity moves the day (only for `date`, a discrete type).
    const DISCRETE: bool;
    unsafe fn day(self) -> Option<i32>;
}

impl Day for Date {
    const DISCRETE: bool = true;
    unsafe fn day(self) -> Option<i32> {
        let d = pg_sys::DateADT::from(self);
        (d != i32::MIN && d != i32::MAX).then_some(d)
    }
}

impl Day for Timestamp {
    const DISCRETE: bool = false;
    unsafe fn day(self) -> Option<i32> {
        let t = pg_sys::Timestamp::from(self);
        (t != i64::MIN && t != i64::MAX).then(|| t.div_euclid(USECS_PER_DAY) as i32)
    }
}

impl Day for TimestampWithTimeZone {
    const DISCRETE: bool = false;
    unsafe fn day(self) -> Option<i32> {
        let t = pg_sys::TimestampTz::from(self);
        (t != i64::MIN && t != i64::MAX).then(|| unsafe { session_day(t, "active") })
    }
}

/// The first day of the month after the current one (session TimeZone): where a period with
/// no end stops, so that it counts through the current month.
unsafe fn after_current_month() -> i32 {
    unsafe {
        let today = session_day(pg_sys::GetCurrentTransactionStartTimestamp(), "active");
        pg_date_of_month(month_of_pg_date(today) + 1)
    }
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

/// The period in argument 1 as days `[lo, hi)`; None for an empty range.
unsafe fn period_days<T: Day>(fcinfo: FunctionCallInfo, key: &Key) -> Option<(i32, i32)> {
    unsafe {
        let range = Range::<T>::from_polymorphic_datum(arg(fcinfo, 2), false, pg_sys::InvalidOid)?;
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
        Some((lo, hi.unwrap_or_else(|| after_current_month())))
    }
}

unsafe fn period_row<T: Day>(fcinfo: FunctionCallInfo, ty: KeyType) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) || arg_is_null(fcinfo, 3) {
            return unchanged(fcinfo);
        }
        let key = read_key(fcinfo, ty);
        let Some((lo, hi)) = period_days::<T>(fcinfo, &key) else {
            return unchanged(fcinfo); // an empty period is active on no day
        };
        let Some(touched) = months_touched(lo, hi) else {
            return unchanged(fcinfo);
        };
        let mrr = money_from_datum(arg(fcinfo, 3), "mrr_agg mrr").or_raise();
        let state = state_mut::<MrrHistory>(fcinfo, 0);
        add_span(state, &key, touched, month_ends_covered(lo, hi), &mrr);
        state_datum(state)
    }
}

pg_function!(fn csm_mrr_agg_int8_daterange(fcinfo) { unsafe { period_row::<Date>(fcinfo, KeyType::Int) } });
pg_function!(fn csm_mrr_agg_text_daterange(fcinfo) { unsafe { period_row::<Date>(fcinfo, KeyType::Text) } });
pg_function!(fn csm_mrr_agg_uuid_daterange(fcinfo) { unsafe { period_row::<Date>(fcinfo, KeyType::Uuid) } });
pg_function!(fn csm_mrr_agg_int8_tsrange(fcinfo) { unsafe { period_row::<Timestamp>(fcinfo, KeyType::Int) } });
pg_function!(fn csm_mrr_agg_text_tsrange(fcinfo) { unsafe { period_row::<Timestamp>(fcinfo, KeyType::Text) } });
pg_function!(fn csm_mrr_agg_uuid_tsrange(fcinfo) { unsafe { period_row::<Timestamp>(fcinfo, KeyType::Uuid) } });
pg_function!(fn csm_mrr_agg_int8_tstzrange(fcinfo) { unsafe { period_row::<TimestampWithTimeZone>(fcinfo, KeyType::Int) } });
pg_function!(fn csm_mrr_agg_text_tstzrange(fcinfo) { unsafe { period_row::<TimestampWithTimeZone>(fcinfo, KeyType::Text) } });
pg_function!(fn csm_mrr_agg_uuid_tstzrange(fcinfo) { unsafe { period_row::<TimestampWithTimeZone>(fcinfo, KeyType::Uuid) } });

// ------------------------------------------------------------------------------------------
// monthly_amount(amount, interval_unit text, interval_count integer)
// ------------------------------------------------------------------------------------------

pg_function!(fn csm_monthly_amount_unit(fcinfo) {
    unsafe {
        let amount = money_from_datum(arg(fcinfo, 0), "monthly_amount amount").or_raise();
        let unit = String::from_utf8_lossy(datum::varlena_bytes(arg(fcinfo, 1))).into_owned();
        let count = arg_i32(fcinfo, 2);
        let (months, days) = billing_interval(&unit, count).or_raise();
        money_datum(&monthly_amount(&amount, months, days, 0, "").or_raise())
    }
});
