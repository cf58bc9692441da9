//! The revenue family's scalar functions: `mrr_movement()` and the money helpers (monthly
//! amount, CLV, CRC, spend lift). `nrr()`/`grr()` are in `retention`.

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use super::numeric::{money_datum, money_from_datum};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::scalar as rates;
use crate::pg::fmgr::{arg, arg_f64, arg_is_null, pg_function, return_f64, return_null, OrRaise};

/// Argument `n` as money.
#[inline(always)]
pub unsafe fn arg_money(fcinfo: FunctionCallInfo, n: usize, what: &str) -> Money {
    unsafe { money_from_datum(arg(fcinfo, n), what).or_raise() }
}

/// Argument `n` as money, 0 when NULL (movement columns from LEFT JOINs).
#[inline(always)]
pub unsafe fn arg_money_or_zero(fcinfo: FunctionCallInfo, n: usize, what: &str) -> Money {
    unsafe {
        if arg_is_null(fcinfo, n) {
            Money::ZERO
        } else {
            arg_money(fcinfo, n, what)
        }
    }
}

/// Returns text.
unsafe fn return_text(text: &str) -> Datum {
    unsafe {
        Datum::from(pg_sys::cstring_to_text_with_len(
            text.as_ptr().cast(),
            text.len() as i32,
        ))
    }
}

/// Returns money as numeric, or NULL.
unsafe fn return_money(fcinfo: FunctionCallInfo, value: Option<Money>) -> Datum {
    unsafe {
        match value {
            Some(m) => money_datum(&m),
            None => return_null(fcinfo),
        }
    }
}

// mrr_movement(previous, current, paid_before): not strict, as LAG() gives NULL on a
// customer's first row: a NULL amount is 0, a NULL paid_before is false.
pg_function!(fn csm_mrr_movement(fcinfo) {
    unsafe {
        let previous = rates::non_negative(
            "mrr_movement", "previous", arg_money_or_zero(fcinfo, 0, "previous")).or_raise();
        let current = rates::non_negative(
            "mrr_movement", "current", arg_money_or_zero(fcinfo, 1, "current")).or_raise();
        let paid_before = !arg_is_null(fcinfo, 2) && arg(fcinfo, 2).value() != 0;
        match rates::classify(&previous, &current, paid_before) {
            Some(m) => return_text(m.name()),
            None => return_null(fcinfo),
        }
    }
});

/// An `interval` argument: (months, days, microseconds) and its text for messages.
unsafe fn arg_interval(fcinfo: FunctionCallInfo, n: usize) -> (i32, i32, i64) {
    unsafe {
        let i = &*arg(fcinfo, n).cast_mut_ptr::<pg_sys::Interval>();
        (i.month, i.day, i.time)
    }
}

#[cold]
pub unsafe fn interval_text(fcinfo: FunctionCallInfo, n: usize) -> String {
    unsafe {
        let mut output: pg_sys::Oid = pg_sys::InvalidOid;
        let mut varlena = false;
        pg_sys::getTypeOutputInfo(pg_sys::INTERVALOID, &mut output, &mut varlena);
        let text = pg_sys::OidOutputFunctionCall(output, arg(fcinfo, n));
        std::ffi::CStr::from_ptr(text)
            .to_string_lossy()
            .into_owned()
    }
}

pg_function!(fn csm_monthly_amount(fcinfo) {
    unsafe {
        let amount = arg_money(fcinfo, 0, "monthly_amount amount");
        let (months, days, usec) = arg_interval(fcinfo, 1);
        let text = if rates::interval_is_positive(months, days, usec)
            && !rates::mixed_signs(months, days, usec)
        {
            String::new()
        } else {
            interval_text(fcinfo, 1)
        };
        money_datum(&rates::monthly_amount(&amount, months, days, usec, &text).or_raise())
    }
});

pg_function!(fn csm_clv_lifetime(fcinfo) {
    unsafe {
        let value = arg_money(fcinfo, 0, "clv monthly value");
        let (months, days, usec) = arg_interval(fcinfo, 1);
        let text = interval_text(fcinfo, 1);
        money_datum(&rates::clv_lifetime(&value, months, days, usec, &text).or_raise())
    }
});

pg_function!(fn csm_clv_churn(fcinfo) {
    unsafe {
        let arpa = arg_money(fcinfo, 0, "clv arpa");
        return_money(fcinfo, rates::clv_churn(&arpa, arg_f64(fcinfo, 1)).or_raise())
    }
});

pg_function!(fn csm_crc(fcinfo) {
    unsafe {
        let cost = arg_money(fcinfo, 0, "crc retention cost");
        let customers = arg(fcinfo, 1).value() as i64;
        return_money(fcinfo, rates::crc(&cost, customers).or_raise())
    }
});

pg_function!(fn csm_crc_ratio(fcinfo) {
    unsafe {
        let cost = arg_money(fcinfo, 0, "crc_ratio retention cost");
        let revenue = arg_money(fcinfo, 1, "crc_ratio recurring revenue");
        return_f64(fcinfo, rates::crc_ratio(&cost, &revenue).or_raise())
    }
});

pg_function!(fn csm_spend_lift(fcinfo) {
    unsafe {
        let before = arg_money(fcinfo, 0, "spend_lift before");
        let after = arg_money(fcinfo, 1, "spend_lift after");
        money_datum(&rates::spend_lift(&before, &after).or_raise())
    }
});

pg_function!(fn csm_spend_lift_percent(fcinfo) {
    unsafe {
        let before = arg_money(fcinfo, 0, "spend_lift_percent before");
        let after = arg_money(fcinfo, 1, "spend_lift_percent after");
        return_f64(fcinfo, rates::spend_lift_percent(&before, &after).or_raise())
    }
});
