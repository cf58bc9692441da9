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
use crate::pg::args::Args;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, OrRaise};
use crate::pg::summary::{state_datum, state_type};

/// The row of `nrr(start, expansion, churn, contraction)` (`expansion` = None for `grr()`'s
/// three columns), or None when start is NULL (the customer was not there at the start).
#[inline(always)]
fn retention_row(args: &Args, with_expansion: bool) -> Option<Row> {
    if args.is_null(1) {
        return None;
    }
    let row = if with_expansion {
        [
            arg_money(args, 1, "nrr start"),
            arg_money_or_zero(args, 2, "nrr expansion"),
            arg_money_or_zero(args, 3, "nrr churn"),
            arg_money_or_zero(args, 4, "nrr contraction"),
        ]
    } else {
        [
            arg_money(args, 1, "grr start"),
            Money::ZERO,
            arg_money_or_zero(args, 2, "grr churn"),
            arg_money_or_zero(args, 3, "grr contraction"),
        ]
    };
    Some(row)
}

/// The row's amounts in ten-thousandths when every one is NULL (0) or a stored amount that
/// [`ten_thousandths`] reads: the common row, added without building [`Money`]s.
///
/// # Safety
/// `fcinfo` is the live call of an `nrr()` (`with_expansion`) or `grr()` transition, whose
/// arguments after the state are `numeric`s. An argument the call lacks is an ERROR, so the
/// unguarded path checks their number first: the reads then neither raise nor panic.
#[inline(always)]
unsafe fn row_ten_thousandths(fcinfo: FunctionCallInfo, with_expansion: bool) -> Option<[u64; 4]> {
    // SAFETY: the caller's contract: arguments 1.. are `numeric`s, or NULL, which
    // `stored_or_zero` reads as a stored 0; `arg` checks that they exist.
    let at = |n: usize| unsafe {
        ten_thousandths(stored_or_zero(arg(fcinfo, n), arg_is_null(fcinfo, n)))
    };
    let (row, ok) = if with_expansion {
        let ((s, s_ok), (e, e_ok), (c, c_ok), (k, k_ok)) = (at(1), at(2), at(3), at(4));
        ([s, e, c, k], s_ok & e_ok & c_ok & k_ok)
    } else {
        let ((s, s_ok), (c, c_ok), (k, k_ok)) = (at(1), at(2), at(3));
        ([s, 0, c, k], s_ok & c_ok & k_ok)
    };
    ok.then_some(row)
}

/// The common row, unguarded (see [`pg_function!`]): loads, integer arithmetic that cannot
/// overflow, and checked sums. A row with a NULL start is skipped here too. None for the
/// guarded path: the group's first row (its state is allocated there), a state at another
/// scale, and any row that [`RetentionSums::add_ten_thousandths`] leaves to the full checks.
///
/// # Safety
/// As for [`row_ten_thousandths`]; argument 0 is the transition's `nrr_state`.
#[inline(always)]
unsafe fn retention_fast(fcinfo: FunctionCallInfo, with_expansion: bool) -> Option<Datum> {
    // SAFETY: the caller's contract; `existing_mut` hands the state out only when it is a
    // read-write object of ours, returned with `state_datum`.
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

fn metric(with_expansion: bool) -> &'static str {
    if with_expansion {
        "nrr"
    } else {
        "grr"
    }
}

/// The guarded transition. A row with a NULL start still gets a (possibly empty) state
/// back: as a window's moving-aggregate transition it must never return NULL, and an empty
/// state finishes as NULL all the same.
fn retention_accum(args: &Args, with_expansion: bool) -> Datum {
    args.update_summary(0, |state: &mut RetentionSums| {
        if args.is_null(1) {
            return;
        }
        if state.to_ten_thousandths() {
            // SAFETY: the live call of this transition (`args`), whose arguments after the
            // state are `numeric`s (its SQL declaration).
            if let Some(row) = unsafe { row_ten_thousandths(args.fcinfo(), with_expansion) } {
                if state.add_ten_thousandths(row) {
                    return;
                }
            }
        }
        // Any other row: rescaled, checked, and reported in full when wrong.
        if let Some(row) = retention_row(args, with_expansion) {
            state.add(metric(with_expansion), &row).or_raise();
        }
    })
}

fn retention_retract(args: &Args, with_expansion: bool) -> Datum {
    let Some(row) = retention_row(args, with_expansion) else {
        return args.unchanged();
    };
    args.update_summary(0, |state: &mut RetentionSums| {
        state.remove(metric(with_expansion), &row).or_raise()
    })
}

/// Declares a transition with its unguarded fast path: `args` is the number of arguments the
/// fast path reads.
macro_rules! retention_accum {
    ($name:ident($nargs:literal, $with_expansion:literal)) => {
        pg_function!(fn $name(fcinfo)
            unguarded(args $nargs) {
                // SAFETY: an nrr()/grr() transition's live call with its arguments (checked
                // by the macro).
                unsafe { retention_fast(fcinfo, $with_expansion) }
            }
            guarded {
                // SAFETY: the live call PostgreSQL passed to this transition, declared by
                // the install script.
                let args = unsafe { Args::new(fcinfo) };
                retention_accum(&args, $with_expansion)
            });
    };
}

retention_accum!(csm_nrr_accum(5, true));
retention_accum!(csm_grr_accum(4, false));
pg_function!(fn csm_nrr_retract(args) safe { retention_retract(args, true) });
pg_function!(fn csm_grr_retract(args) safe { retention_retract(args, false) });

state_type!(RetentionSums {
    state_io("nrr_state"): csm_nrr_state_in, csm_nrr_state_out, csm_nrr_state_recv,
        csm_nrr_state_send;
    combine: csm_retention_combine;
    final_f64(|s: &RetentionSums| Ok(s.nrr())): csm_nrr_final;
    final_f64(|s: &RetentionSums| Ok(s.grr())): csm_grr_final;
});
