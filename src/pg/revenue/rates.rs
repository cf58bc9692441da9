//! `nrr()`/`grr()` over movement columns, `mrr_movement()` and the money helpers.
//!
//! The aggregates keep exact `i128` sums ([`RetentionSums`]) behind an `internal` state, with
//! the shared summary plumbing for combine and the parallel serial form. Sums of exact
//! decimals have exact inverses, so they also run in moving mode.

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use super::numeric::{money_datum, money_from_datum, stored_or_zero, ten_thousandths};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::rates::{self, RetentionSums, Row, TEN_THOUSANDTHS};
use crate::pg::fmgr::{arg, arg_f64, arg_is_null, pg_function, return_f64, return_null, OrRaise};
use crate::pg::summary::{self, state_datum, state_mut, state_ref, unchanged};

/// Argument `n` as money.
#[inline(always)]
pub unsafe fn arg_money(fcinfo: FunctionCallInfo, n: usize, what: &str) -> Money {
    unsafe { money_from_datum(arg(fcinfo, n), what).or_raise() }
}

/// Argument `n` as money, 0 when NULL (movement columns from LEFT JOINs).
#[inline(always)]
unsafe fn arg_money_or_zero(fcinfo: FunctionCallInfo, n: usize, what: &str) -> Money {
    unsafe {
        if arg_is_null(fcinfo, n) {
            Money::ZERO
        } else {
            arg_money(fcinfo, n, what)
        }
    }
}

/// The row of `nrr(start, expansion, churn, contraction)` (`expansion` = None for `grr()`'s
/// three columns), or None when start is NULL (the customer was not there at the start).
#[inline(always)]
unsafe fn retention_row(fcinfo: FunctionCallInfo, with_expansion: bool) -> Option<Row> {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return None;
        }
        let row = if with_expansion {
            [
                arg_money(fcinfo, 1, "nrr start"),
                arg_money_or_zero(fcinfo, 2, "nrr expansion"),
                arg_money_or_zero(fcinfo, 3, "nrr churn"),
                arg_money_or_zero(fcinfo, 4, "nrr contraction"),
            ]
        } else {
            [
                arg_money(fcinfo, 1, "grr start"),
                Money::ZERO,
                arg_money_or_zero(fcinfo, 2, "grr churn"),
                arg_money_or_zero(fcinfo, 3, "grr contraction"),
            ]
        };
        Some(row)
    }
}

/// The row's amounts in ten-thousandths when every one is NULL (0) or a stored amount that
/// [`ten_thousandths`] reads: the common row, added without building [`Money`]s.
#[inline(always)]
unsafe fn row_ten_thousandths(fcinfo: FunctionCallInfo, with_expansion: bool) -> Option<[u64; 4]> {
    unsafe {
        let at = |n: usize| ten_thousandths(stored_or_zero(arg(fcinfo, n), arg_is_null(fcinfo, n)));
        let (row, ok) = if with_expansion {
            let ((s, s_ok), (e, e_ok), (c, c_ok), (k, k_ok)) = (at(1), at(2), at(3), at(4));
            ([s, e, c, k], s_ok & e_ok & c_ok & k_ok)
        } else {
            let ((s, s_ok), (c, c_ok), (k, k_ok)) = (at(1), at(2), at(3));
            ([s, 0, c, k], s_ok & c_ok & k_ok)
        };
        ok.then_some(row)
    }
}

/// The common row, unguarded (see [`pg_function!`]): loads, integer arithmetic that cannot
/// overflow, and checked sums. A row with a NULL start is skipped here too. None for the
/// guarded path: the group's first row (its state is allocated there), a state at another
/// scale, and any row that [`RetentionSums::add_ten_thousandths`] leaves to the full checks.
#[inline(always)]
unsafe fn retention_fast(fcinfo: FunctionCallInfo, with_expansion: bool) -> Option<Datum> {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return None;
        }
        if arg_is_null(fcinfo, 1) {
            return Some(arg(fcinfo, 0));
        }
        let state = crate::pg::expanded::existing_mut::<RetentionSums>(fcinfo, 0)?;
        // A group at a larger scale reads its rows in full: not twice.
        if state.scale != TEN_THOUSANDTHS {
            return None;
        }
        let row = row_ten_thousandths(fcinfo, with_expansion)?;
        state.add_ten_thousandths(row).then(|| state_datum(state))
    }
}

/// The guarded transition. A row with a NULL start still gets a (possibly empty) state
/// back: as a window's moving-aggregate transition it must never return NULL, and an empty
/// state finishes as NULL all the same.
unsafe fn retention_accum(fcinfo: FunctionCallInfo, with_expansion: bool) -> Datum {
    unsafe {
        let state = state_mut::<RetentionSums>(fcinfo, 0);
        if arg_is_null(fcinfo, 1) {
            return state_datum(state);
        }
        if state.to_ten_thousandths() {
            if let Some(row) = row_ten_thousandths(fcinfo, with_expansion) {
                if state.add_ten_thousandths(row) {
                    return state_datum(state);
                }
            }
        }
        // Any other row: rescaled, checked, and reported in full when wrong.
        if let Some(row) = retention_row(fcinfo, with_expansion) {
            state
                .add(if with_expansion { "nrr" } else { "grr" }, &row)
                .or_raise();
        }
        state_datum(state)
    }
}

unsafe fn retention_retract(fcinfo: FunctionCallInfo, with_expansion: bool) -> Datum {
    unsafe {
        let Some(row) = retention_row(fcinfo, with_expansion) else {
            return unchanged(fcinfo);
        };
        let state = state_mut::<RetentionSums>(fcinfo, 0);
        state
            .remove(if with_expansion { "nrr" } else { "grr" }, &row)
            .or_raise();
        state_datum(state)
    }
}

pg_function!(fn csm_nrr_accum(fcinfo)
    unguarded(args 5) { unsafe { retention_fast(fcinfo, true) } }
    guarded { unsafe { retention_accum(fcinfo, true) } });
pg_function!(fn csm_grr_accum(fcinfo)
    unguarded(args 4) { unsafe { retention_fast(fcinfo, false) } }
    guarded { unsafe { retention_accum(fcinfo, false) } });
pg_function!(fn csm_nrr_retract(fcinfo) { unsafe { retention_retract(fcinfo, true) } });
pg_function!(fn csm_grr_retract(fcinfo) { unsafe { retention_retract(fcinfo, false) } });

pg_function!(fn csm_retention_combine(fcinfo) {
    unsafe { summary::combine::<RetentionSums>(fcinfo) }
});
pg_function!(fn csm_retention_serialize(fcinfo) {
    unsafe { summary::serialize::<RetentionSums>(fcinfo) }
});
pg_function!(fn csm_retention_deserialize(fcinfo) {
    unsafe { summary::deserialize::<RetentionSums>(fcinfo) }
});

pg_function!(fn csm_nrr_final(fcinfo) {
    unsafe { return_f64(fcinfo, state_ref::<RetentionSums>(fcinfo, 0).and_then(|s| s.nrr())) }
});
pg_function!(fn csm_grr_final(fcinfo) {
    unsafe { return_f64(fcinfo, state_ref::<RetentionSums>(fcinfo, 0).and_then(|s| s.grr())) }
});

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
