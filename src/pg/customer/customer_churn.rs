//! customer_churn_rate(customer, started, ended, period_start, period_end [, denominator]) and
//! customer_retention_rate(customer, ...) for bigint, uuid and text customers over date,
//! timestamptz and timestamp: a state type per key type (`customer_churn_state_int8`, `_uuid`,
//! `_text`: each customer's spells, `kpi::customer::customer_churn`) on the shared
//! variable-size plumbing (`pg::summary`).
//! Naive timestamps are compared as written, never shifted through the session's TimeZone.

use pgrx::pg_sys::Datum;

use super::{date_text, timestamptz_text};
use crate::kpi::customer::churn::{check_period, Denominator};
use crate::kpi::customer::customer_churn::{
    check_subscription, CustomerChurn, CustomerKey, Setup, DAY_USEC,
};
use crate::pg::args::Args;
use crate::pg::datum::ArgKey;
use crate::pg::fmgr::{pg_function, OrRaise};
use crate::pg::naive::timestamp_text;
use crate::pg::summary::state_type;

#[derive(Clone, Copy)]
enum Time {
    Date,
    Timestamptz,
    Timestamp,
}

impl Time {
    #[inline(always)]
    fn read(self, args: &Args, n: usize) -> i64 {
        match self {
            Time::Date => args.date(n) as i64,
            Time::Timestamptz | Time::Timestamp => args.i64(n),
        }
    }

    fn day(self) -> i64 {
        match self {
            Time::Date => 1,
            Time::Timestamptz | Time::Timestamp => DAY_USEC,
        }
    }

    fn describe(self) -> fn(i64) -> String {
        match self {
            Time::Date => date_text,
            Time::Timestamptz => timestamptz_text,
            Time::Timestamp => timestamp_text,
        }
    }
}

/// A row's times and setup, checked; `None` when a NULL customer, start, period bound or
/// denominator skips the row (a NULL end is a subscription still running).
struct Subscription {
    started: i64,
    ended: Option<i64>,
    setup: Setup,
}

/// Reads (state, customer, started, ended, period_start, period_end [, denominator]).
#[inline(always)]
fn read_row(args: &Args, time: Time, metric: &str) -> Option<Subscription> {
    let with_denominator = args.nargs() > 6;
    if args.is_null(1)
        || args.is_null(2)
        || args.is_null(4)
        || args.is_null(5)
        || (with_denominator && args.is_null(6))
    {
        return None;
    }
    let (started, period_start, period_end) =
        (time.read(args, 2), time.read(args, 4), time.read(args, 5));
    let ended = (!args.is_null(3)).then(|| time.read(args, 3));
    let denominator = if with_denominator {
        Denominator::parse(&String::from_utf8_lossy(args.text(6))).or_raise()
    } else {
        Denominator::Start
    };
    check_period(metric, period_start, period_end, time.describe()).or_raise();
    Some(Subscription {
        started,
        ended,
        setup: Setup {
            day: time.day(),
            period_start,
            period_end,
            denominator,
        },
    })
}

/// The transition: adds the row's customer (argument 1) to the group's state.
#[inline(always)]
fn accum<K: ArgKey + CustomerKey>(args: &Args, time: Time, metric: &str) -> Datum {
    let Some(row) = read_row(args, time, metric) else {
        return args.unchanged();
    };
    K::with_arg(args, 1, |customer| {
        if row.ended.is_some_and(|e| e < row.started) {
            check_subscription(
                metric,
                &K::name(customer),
                row.started,
                row.ended,
                time.describe(),
            )
            .or_raise();
        }
        args.update_summary(0, |state: &mut CustomerChurn<K>| {
            state
                .check_setup(metric, row.setup, time.describe())
                .or_raise();
            state.add(customer, row.started, row.ended);
        })
    })
}

/// Declares the transitions of one metric and time type, for the three key types (bigint,
/// uuid, text customers, in that order).
macro_rules! transitions {
    ($($time:ident $metric:ident: $int8:ident $uuid:ident $text:ident;)*) => {$(
        pg_function!(fn $int8(args) safe { accum::<i64>(args, Time::$time, $metric) });
        pg_function!(fn $uuid(args) safe { accum::<[u8; 16]>(args, Time::$time, $metric) });
        pg_function!(fn $text(args) safe { accum::<Box<[u8]>>(args, Time::$time, $metric) });
    )*};
}

const CHURN: &str = "customer_churn_rate";
const RETENTION: &str = "customer_retention_rate";

transitions! {
    Date CHURN: csm_customer_churn_accum_int8_date csm_customer_churn_accum_uuid_date csm_customer_churn_accum_text_date;
    Timestamptz CHURN: csm_customer_churn_accum_int8_timestamptz csm_customer_churn_accum_uuid_timestamptz csm_customer_churn_accum_text_timestamptz;
    Timestamp CHURN: csm_customer_churn_accum_int8_timestamp csm_customer_churn_accum_uuid_timestamp csm_customer_churn_accum_text_timestamp;
    Date RETENTION: csm_customer_retention_accum_int8_date csm_customer_retention_accum_uuid_date csm_customer_retention_accum_text_date;
    Timestamptz RETENTION: csm_customer_retention_accum_int8_timestamptz csm_customer_retention_accum_uuid_timestamptz csm_customer_retention_accum_text_timestamptz;
    Timestamp RETENTION: csm_customer_retention_accum_int8_timestamp csm_customer_retention_accum_uuid_timestamp csm_customer_retention_accum_text_timestamp;
}

state_type!(CustomerChurn<i64> {
    state_io("customer_churn_state_int8"): csm_customer_churn_state_int8_in, csm_customer_churn_state_int8_out,
        csm_customer_churn_state_int8_recv, csm_customer_churn_state_int8_send;
    combine: csm_customer_churn_combine_int8;
    final_f64(|s: &CustomerChurn<i64>| s.churn_rate()): csm_customer_churn_final_int8;
    final_f64(|s: &CustomerChurn<i64>| Ok(s.retention_rate())):
        csm_customer_retention_final_int8;
});
state_type!(CustomerChurn<[u8; 16]> {
    state_io("customer_churn_state_uuid"): csm_customer_churn_state_uuid_in, csm_customer_churn_state_uuid_out,
        csm_customer_churn_state_uuid_recv, csm_customer_churn_state_uuid_send;
    combine: csm_customer_churn_combine_uuid;
    final_f64(|s: &CustomerChurn<[u8; 16]>| s.churn_rate()): csm_customer_churn_final_uuid;
    final_f64(|s: &CustomerChurn<[u8; 16]>| Ok(s.retention_rate())):
        csm_customer_retention_final_uuid;
});
state_type!(CustomerChurn<Box<[u8]>> {
    state_io("customer_churn_state_text"): csm_customer_churn_state_text_in, csm_customer_churn_state_text_out,
        csm_customer_churn_state_text_recv, csm_customer_churn_state_text_send;
    combine: csm_customer_churn_combine_text;
    final_f64(|s: &CustomerChurn<Box<[u8]>>| s.churn_rate()): csm_customer_churn_final_text;
    final_f64(|s: &CustomerChurn<Box<[u8]>>| Ok(s.retention_rate())):
        csm_customer_retention_final_text;
});
