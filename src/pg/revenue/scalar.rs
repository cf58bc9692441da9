//! The revenue family's scalar functions: `mrr_movement()` and the money helpers (monthly
//! amount, CLV, CRC, spend lift). `nrr()`/`grr()` are in `retention`.

use pgrx::pg_sys::{self, Datum};

use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::scalar as rates;
use crate::pg::args::Args;
use crate::pg::customer::interval_text;
use crate::pg::fmgr::{pg_function, OrRaise};

/// Argument `n` as money (`what` names it in errors).
#[inline(always)]
#[track_caller]
pub(crate) fn arg_money(args: &Args, n: usize, what: &str) -> Money {
    args.money(n, what).or_raise()
}

/// Argument `n` as money, 0 when NULL (movement columns from LEFT JOINs).
#[inline(always)]
#[track_caller]
pub(crate) fn arg_money_or_zero(args: &Args, n: usize, what: &str) -> Money {
    if args.is_null(n) {
        Money::ZERO
    } else {
        arg_money(args, n, what)
    }
}

/// Returns money as `numeric`, or NULL.
fn return_money(args: &Args, value: Option<Money>) -> Datum {
    match value {
        Some(m) => args.return_money(&m),
        None => args.return_null(),
    }
}

// mrr_movement(previous, current, paid_before): not strict, as LAG() gives NULL on a
// customer's first row: a NULL amount is 0, a NULL paid_before is false.
pg_function!(fn csm_mrr_movement(args) safe {
    let previous = rates::non_negative(
        "mrr_movement", "previous", arg_money_or_zero(args, 0, "previous")).or_raise();
    let current = rates::non_negative(
        "mrr_movement", "current", arg_money_or_zero(args, 1, "current")).or_raise();
    let paid_before = args.opt_bool(2) == Some(true);
    match rates::classify(&previous, &current, paid_before) {
        Some(m) => args.return_bytes(m.name().as_bytes()),
        None => args.return_null(),
    }
});

/// An `interval` argument: (months, days, microseconds), and the value itself for messages.
fn arg_interval(args: &Args, n: usize) -> ((i32, i32, i64), pg_sys::Interval) {
    let i = args.interval(n);
    ((i.month, i.day, i.time), i)
}

pg_function!(fn csm_monthly_amount(args) safe {
    let amount = arg_money(args, 0, "monthly_amount amount");
    let ((months, days, usec), interval) = arg_interval(args, 1);
    let text = if rates::interval_is_positive(months, days, usec)
        && !rates::mixed_signs(months, days, usec)
    {
        String::new()
    } else {
        interval_text(&interval)
    };
    args.return_money(&rates::monthly_amount(&amount, months, days, usec, &text).or_raise())
});

pg_function!(fn csm_clv_lifetime(args) safe {
    let value = arg_money(args, 0, "clv monthly value");
    let ((months, days, usec), interval) = arg_interval(args, 1);
    let text = interval_text(&interval);
    args.return_money(&rates::clv_lifetime(&value, months, days, usec, &text).or_raise())
});

pg_function!(fn csm_clv_churn(args) safe {
    let arpa = arg_money(args, 0, "clv arpa");
    return_money(args, rates::clv_churn(&arpa, args.f64(1)).or_raise())
});

pg_function!(fn csm_crc(args) safe {
    let cost = arg_money(args, 0, "crc retention cost");
    return_money(args, rates::crc(&cost, args.i64(1)).or_raise())
});

pg_function!(fn csm_crc_ratio(args) safe {
    let cost = arg_money(args, 0, "crc_ratio retention cost");
    let revenue = arg_money(args, 1, "crc_ratio recurring revenue");
    args.return_f64(rates::crc_ratio(&cost, &revenue).or_raise())
});

pg_function!(fn csm_spend_lift(args) safe {
    let before = arg_money(args, 0, "spend_lift before");
    let after = arg_money(args, 1, "spend_lift after");
    args.return_money(&rates::spend_lift(&before, &after).or_raise())
});

pg_function!(fn csm_spend_lift_percent(args) safe {
    let before = arg_money(args, 0, "spend_lift_percent before");
    let after = arg_money(args, 1, "spend_lift_percent after");
    args.return_f64(rates::spend_lift_percent(&before, &after).or_raise())
});
