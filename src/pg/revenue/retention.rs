//! `nrr(start, expansion, churn, contraction)` and `grr(start, churn, contraction)` over
//! movement columns.
//!
//! The aggregates keep exact `i128` sums ([`RetentionSums`]) in an `nrr_state`, an expanded
//! object updated in place (`pg::expanded`) and flattened to its binary form only when it
//! travels (parallel workers, Citus). Sums of exact decimals have exact inverses, so they also
//! run in moving mode, on the same state type.

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use super::numeric::{stored_or_zero, ten_thousandths};
use super::scalar::{arg_money, arg_money_or_zero};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::retention::{RetentionSums, Row, TEN_THOUSANDTHS};
use crate::pg::fmgr::{arg, arg_is_null, pg_function, OrRaise};
use crate::pg::summary::{state_datum, state_mut, state_type, unchanged};

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

state_type!(RetentionSums {
    state_io("nrr_state"): csm_nrr_state_in, csm_nrr_state_out, csm_nrr_state_recv,
        csm_nrr_state_send;
    combine: csm_retention_combine;
    final_f64(|s: &RetentionSums| Ok(s.nrr())): csm_nrr_final;
    final_f64(|s: &RetentionSums| Ok(s.grr())): csm_grr_final;
});
