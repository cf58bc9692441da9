//! customer_churn_rate and customer_retention_rate over date or timestamptz: a `churn_state`
//! of six counts (see `kpi::customer::churn`), updated in place like every counter state.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys::Datum;

use super::{date_text, timestamptz_text};
use crate::kpi::customer::churn::{check_customer, check_period, classify, Churn, Denominator};
use crate::pg::args::Args;
use crate::pg::fmgr::{pg_function, OrRaise};
use crate::pg::naive::timestamp_text;
use crate::pg::state::counter_type_functions;

counter_type_functions!(Churn {
    input: csm_churn_state_in,
    output: csm_churn_state_out,
    receive: csm_churn_state_recv,
    send: csm_churn_state_send,
    combine: csm_churn_state_combine,
});

/// The time type of a customer's and a period's bounds.
#[derive(Clone, Copy)]
pub(crate) enum Time {
    Date,
    Timestamptz,
    /// `timestamp without time zone`: compared as written.
    Timestamp,
}

impl Time {
    fn read(self, args: &Args, n: usize) -> Option<i64> {
        if args.is_null(n) {
            return None;
        }
        Some(match self {
            Time::Date => args.date(n) as i64,
            Time::Timestamptz | Time::Timestamp => args.i64(n),
        })
    }

    fn describe(self) -> fn(i64) -> String {
        match self {
            Time::Date => date_text,
            Time::Timestamptz => timestamptz_text,
            Time::Timestamp => timestamp_text,
        }
    }
}

/// One customer row: (state, started, ended, period_start, period_end[, denominator]).
/// A NULL start, period bound or denominator skips the row; a NULL end is a current customer.
pub(crate) fn churn_row(args: &Args, time: Time, metric: &str, add: bool) -> Datum {
    if args.is_null(0) {
        return args.return_null(); // a direct call with a NULL state
    }
    let with_denominator = args.nargs() > 5;
    if with_denominator && args.is_null(5) {
        return args.datum(0);
    }
    let (Some(started), Some(period_start), Some(period_end)) =
        (time.read(args, 1), time.read(args, 3), time.read(args, 4))
    else {
        return args.datum(0);
    };
    let ended = time.read(args, 2);
    let denominator = if with_denominator {
        Denominator::parse(&String::from_utf8_lossy(args.text(5))).or_raise()
    } else {
        Denominator::Start
    };
    check_period(metric, period_start, period_end, time.describe()).or_raise();
    check_customer(metric, started, ended, time.describe()).or_raise();
    let row = classify(started, ended, period_start, period_end);
    args.update_counters(0, |state: &mut Churn| {
        state.apply(row, denominator, add).or_raise()
    })
}

/// Declares the churn and retention transitions (and inverses) of one time type.
macro_rules! churn_functions {
    ($time:expr; $($name:ident($metric:literal, $add:literal)),* $(,)?) => {$(
        $crate::pg::fmgr::pg_function!(fn $name(args) safe {
            $crate::pg::customer::churn::churn_row(args, $time, $metric, $add)
        });
    )*};
}
pub(crate) use churn_functions;

churn_functions!(Time::Date;
    csm_churn_accum_date("customer_churn_rate", true),
    csm_churn_retract_date("customer_churn_rate", false),
    csm_retention_accum_date("customer_retention_rate", true),
    csm_retention_retract_date("customer_retention_rate", false),
);
churn_functions!(Time::Timestamptz;
    csm_churn_accum_timestamptz("customer_churn_rate", true),
    csm_churn_retract_timestamptz("customer_churn_rate", false),
    csm_retention_accum_timestamptz("customer_retention_rate", true),
    csm_retention_retract_timestamptz("customer_retention_rate", false),
);

pg_function!(fn csm_churn_rate(args) safe {
    args.return_f64(args.counters::<Churn>(0).churn_rate().or_raise())
});
pg_function!(fn csm_retention_rate(args) safe {
    args.return_f64(args.counters::<Churn>(0).retention_rate())
});
