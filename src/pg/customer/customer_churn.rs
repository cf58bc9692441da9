//! customer_churn_rate(customer, started, ended, period_start, period_end [, denominator]) and
//! customer_retention_rate(customer, ...) for bigint, uuid and text customers over date,
//! timestamptz and timestamp: a state type per key type (`customer_churn_state_int8`, `_uuid`,
//! `_text`: each customer's spells, `kpi::customer::customer_churn`) on the shared
//! variable-size plumbing (`pg::summary`).
//! Naive timestamps are compared as written, never shifted through the session's TimeZone.

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use super::{date_text, timestamptz_text};
use crate::kpi::customer::churn::{check_period, Denominator};
use crate::kpi::customer::customer_churn::{
    check_subscription, CustomerChurn, CustomerKey, Setup, DAY_USEC,
};
use crate::pg::datum::varlena_bytes;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, OrRaise};
use crate::pg::naive::timestamp_text;
use crate::pg::summary::{state_datum, state_mut, state_type, unchanged};

#[derive(Clone, Copy)]
enum Time {
    Date,
    Timestamptz,
    Timestamp,
}

impl Time {
    #[inline(always)]
    unsafe fn read(self, fcinfo: FunctionCallInfo, n: usize) -> i64 {
        unsafe {
            let v = arg(fcinfo, n).value();
            match self {
                Time::Date => v as i32 as i64,
                Time::Timestamptz | Time::Timestamp => v as i64,
            }
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
unsafe fn read_row(fcinfo: FunctionCallInfo, time: Time, metric: &str) -> Option<Subscription> {
    unsafe {
        let with_denominator = (*fcinfo).nargs > 6;
        if arg_is_null(fcinfo, 1)
            || arg_is_null(fcinfo, 2)
            || arg_is_null(fcinfo, 4)
            || arg_is_null(fcinfo, 5)
            || (with_denominator && arg_is_null(fcinfo, 6))
        {
            return None;
        }
        let (started, period_start, period_end) = (
            time.read(fcinfo, 2),
            time.read(fcinfo, 4),
            time.read(fcinfo, 5),
        );
        let ended = (!arg_is_null(fcinfo, 3)).then(|| time.read(fcinfo, 3));
        let denominator = if with_denominator {
            let bytes = varlena_bytes(arg(fcinfo, 6));
            Denominator::parse(&String::from_utf8_lossy(bytes)).or_raise()
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
}

/// Adds one read row of `customer` to the group's state.
#[inline(always)]
unsafe fn add_row<K: CustomerKey>(
    fcinfo: FunctionCallInfo,
    row: Subscription,
    time: Time,
    metric: &str,
    customer: &K::Ref,
) -> Datum {
    unsafe {
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
        let state = state_mut::<CustomerChurn<K>>(fcinfo, 0);
        state
            .check_setup(metric, row.setup, time.describe())
            .or_raise();
        state.add(customer, row.started, row.ended);
        state_datum(state)
    }
}

#[inline(always)]
unsafe fn accum_int8(fcinfo: FunctionCallInfo, time: Time, metric: &str) -> Datum {
    unsafe {
        let Some(row) = read_row(fcinfo, time, metric) else {
            return unchanged(fcinfo);
        };
        let key = arg(fcinfo, 1).value() as i64;
        add_row::<i64>(fcinfo, row, time, metric, &key)
    }
}

#[inline(always)]
unsafe fn accum_uuid(fcinfo: FunctionCallInfo, time: Time, metric: &str) -> Datum {
    unsafe {
        let Some(row) = read_row(fcinfo, time, metric) else {
            return unchanged(fcinfo);
        };
        let key = &*arg(fcinfo, 1).cast_mut_ptr::<[u8; 16]>();
        add_row::<[u8; 16]>(fcinfo, row, time, metric, key)
    }
}

#[inline(always)]
unsafe fn accum_text(fcinfo: FunctionCallInfo, time: Time, metric: &str) -> Datum {
    unsafe {
        let Some(row) = read_row(fcinfo, time, metric) else {
            return unchanged(fcinfo);
        };
        let key = varlena_bytes(arg(fcinfo, 1));
        add_row::<Box<[u8]>>(fcinfo, row, time, metric, key)
    }
}

/// Declares the transitions of one key type over the three time types, for both metrics
/// (they differ only in the name their messages give).
macro_rules! transitions {
    ($accum:ident: $($name:ident = $time:expr, $metric:expr;)*) => {
        $(pg_function!(fn $name(fcinfo) { unsafe { $accum(fcinfo, $time, $metric) } });)*
    };
}

const CHURN: &str = "customer_churn_rate";
const RETENTION: &str = "customer_retention_rate";

transitions!(accum_int8:
    csm_customer_churn_accum_int8_date = Time::Date, CHURN;
    csm_customer_churn_accum_int8_timestamptz = Time::Timestamptz, CHURN;
    csm_customer_churn_accum_int8_timestamp = Time::Timestamp, CHURN;
    csm_customer_retention_accum_int8_date = Time::Date, RETENTION;
    csm_customer_retention_accum_int8_timestamptz = Time::Timestamptz, RETENTION;
    csm_customer_retention_accum_int8_timestamp = Time::Timestamp, RETENTION;
);
transitions!(accum_uuid:
    csm_customer_churn_accum_uuid_date = Time::Date, CHURN;
    csm_customer_churn_accum_uuid_timestamptz = Time::Timestamptz, CHURN;
    csm_customer_churn_accum_uuid_timestamp = Time::Timestamp, CHURN;
    csm_customer_retention_accum_uuid_date = Time::Date, RETENTION;
    csm_customer_retention_accum_uuid_timestamptz = Time::Timestamptz, RETENTION;
    csm_customer_retention_accum_uuid_timestamp = Time::Timestamp, RETENTION;
);
transitions!(accum_text:
    csm_customer_churn_accum_text_date = Time::Date, CHURN;
    csm_customer_churn_accum_text_timestamptz = Time::Timestamptz, CHURN;
    csm_customer_churn_accum_text_timestamp = Time::Timestamp, CHURN;
    csm_customer_retention_accum_text_date = Time::Date, RETENTION;
    csm_customer_retention_accum_text_timestamptz = Time::Timestamptz, RETENTION;
    csm_customer_retention_accum_text_timestamp = Time::Timestamp, RETENTION;
);

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
