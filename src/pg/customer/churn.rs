//! customer_churn_rate and customer_retention_rate over date or timestamptz: a `churn_state`
//! of six counts (see `kpi::customer::churn`), updated in place like every counter state.

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use super::{date_text, timestamptz_text};
use crate::kpi::customer::churn::{check_customer, check_period, classify, Churn, Denominator};
use crate::pg::datum::varlena_bytes;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, return_f64, return_null, OrRaise};
use crate::pg::state::{self, counter_type_functions};

counter_type_functions!(Churn {
    input: csm_churn_state_in,
    output: csm_churn_state_out,
    receive: csm_churn_state_recv,
    send: csm_churn_state_send,
    combine: csm_churn_state_combine,
});

#[derive(Clone, Copy)]
enum Time {
    Date,
    Timestamptz,
}

impl Time {
    unsafe fn read(self, fcinfo: FunctionCallInfo, n: usize) -> Option<i64> {
        unsafe {
            if arg_is_null(fcinfo, n) {
                return None;
            }
            let v = arg(fcinfo, n).value();
            Some(match self {
                Time::Date => v as i32 as i64,
                Time::Timestamptz => v as i64,
            })
        }
    }

    fn describe(self) -> fn(i64) -> String {
        match self {
            Time::Date => date_text,
            Time::Timestamptz => timestamptz_text,
        }
    }
}

/// One customer row: (state, started, ended, period_start, period_end[, denominator]).
/// A NULL start, period bound or denominator skips the row; a NULL end is a current customer.
unsafe fn churn_row(fcinfo: FunctionCallInfo, time: Time, metric: &str, add: bool) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return return_null(fcinfo); // a direct call with a NULL state
        }
        let with_denominator = (*fcinfo).nargs > 5;
        if with_denominator && arg_is_null(fcinfo, 5) {
            return arg(fcinfo, 0);
        }
        let (Some(started), Some(period_start), Some(period_end)) = (
            time.read(fcinfo, 1),
            time.read(fcinfo, 3),
            time.read(fcinfo, 4),
        ) else {
            return arg(fcinfo, 0);
        };
        let ended = time.read(fcinfo, 2);
        let denominator = if with_denominator {
            let bytes = varlena_bytes(arg(fcinfo, 5));
            Denominator::parse(&String::from_utf8_lossy(bytes)).or_raise()
        } else {
            Denominator::Start
        };
        check_period(metric, period_start, period_end, time.describe()).or_raise();
        check_customer(metric, started, ended, time.describe()).or_raise();
        let row = classify(started, ended, period_start, period_end);
        let update = state::for_update::<Churn>(fcinfo, 0);
        update.state.apply(row, denominator, add).or_raise();
        update.done()
    }
}

pg_function!(fn csm_churn_accum_date(fcinfo) {
    unsafe { churn_row(fcinfo, Time::Date, "customer_churn_rate", true) }
});
pg_function!(fn csm_churn_retract_date(fcinfo) {
    unsafe { churn_row(fcinfo, Time::Date, "customer_churn_rate", false) }
});
pg_function!(fn csm_churn_accum_timestamptz(fcinfo) {
    unsafe { churn_row(fcinfo, Time::Timestamptz, "customer_churn_rate", true) }
});
pg_function!(fn csm_churn_retract_timestamptz(fcinfo) {
    unsafe { churn_row(fcinfo, Time::Timestamptz, "customer_churn_rate", false) }
});
pg_function!(fn csm_retention_accum_date(fcinfo) {
    unsafe { churn_row(fcinfo, Time::Date, "customer_retention_rate", true) }
});
pg_function!(fn csm_retention_retract_date(fcinfo) {
    unsafe { churn_row(fcinfo, Time::Date, "customer_retention_rate", false) }
});
pg_function!(fn csm_retention_accum_timestamptz(fcinfo) {
    unsafe { churn_row(fcinfo, Time::Timestamptz, "customer_retention_rate", true) }
});
pg_function!(fn csm_retention_retract_timestamptz(fcinfo) {
    unsafe { churn_row(fcinfo, Time::Timestamptz, "customer_retention_rate", false) }
});

pg_function!(fn csm_churn_rate(fcinfo) {
    unsafe { return_f64(fcinfo, state::read::<Churn>(arg(fcinfo, 0)).churn_rate().or_raise()) }
});
pg_function!(fn csm_retention_rate(fcinfo) {
    unsafe { return_f64(fcinfo, state::read::<Churn>(arg(fcinfo, 0)).retention_rate()) }
});
