//! `mrr_agg()` -> `mrr_history`, its rollup and I/O (the shared summary plumbing), and the
//! set-returning reports `mrr_movements()` and `revenue_kpis()` over the history's own months
//! (the rows are built as in `reports`, which reports over a caller's range).

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use super::numeric::ten_thousandths;
use super::reports::{arg_window, put_kpis, put_movements};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::revenue::history::{month_of_pg_date, month_text, MrrHistory};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::movements;
use crate::pg::args::Args;
use crate::pg::expanded::existing_mut;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, raise, OrRaise};
use crate::pg::rows::{Rows, NO_RESULT};
use crate::pg::summary::{state_datum, state_type};

// The summary users store (mrr_history), and the aggregate state of the whole mrr_agg family
// (mrr_state): partial histories may hold credits not yet netted, which no stored mrr_history
// may, so the state has a type of its own.
state_type!(MrrHistory {
    summary_io: csm_mrr_history_in, csm_mrr_history_out, csm_mrr_history_recv, csm_mrr_history_send;
    state_io("mrr_state"): csm_mrr_state_in, csm_mrr_state_out, csm_mrr_state_recv,
        csm_mrr_state_send;
    combine: csm_mrr_history_combine;
    finalize: csm_mrr_history_final;
    rollup: csm_mrr_history_rollup;
});

/// A `date` argument as a month index; infinite dates have no month.
#[inline(always)]
fn arg_month(args: &Args, n: usize, function: &str) -> i32 {
    let days = args.date(n);
    if days == i32::MIN || days == i32::MAX {
        infinite_month(function);
    }
    month_of_pg_date(days)
}

#[cold]
fn infinite_month(function: &str) -> ! {
    raise(KpiError::new(
        ErrorKind::InvalidParameter,
        format!("{function} month cannot be infinity"),
        "An infinite date is in no month.",
        "Pass the month as a finite date, such as date_trunc('month', paid_at)::date.",
    ))
}

/// The step shared by the three key types: a NULL key, month or MRR skips the row.
#[inline(always)]
fn accum(args: &Args, add: impl FnOnce(&mut MrrHistory, i32, &Money)) -> Datum {
    if args.is_null(1) || args.is_null(2) || args.is_null(3) {
        return args.unchanged();
    }
    let month = arg_month(args, 2, "mrr_agg");
    let mrr = args.money(3, "mrr_agg mrr").or_raise();
    args.update_summary(0, |state: &mut MrrHistory| add(state, month, &mrr))
}

/// The display scale of a stored `numeric` with a 1-byte varlena header in the short format
/// (numeric.c's `NUMERIC_SHORT` and `NUMERIC_SHORT_DSCALE_MASK`), the form of amounts in a
/// table row; None for any other form.
///
/// # Safety
/// `ptr` is the address of a `numeric` datum (any header).
#[inline(always)]
unsafe fn short_display_scale(ptr: *const u8) -> Option<u32> {
    // SAFETY: a varlena has at least its first byte; a 1-byte header other than a toast
    // pointer's (0x01) is followed by the numeric's 2-byte header, as every short numeric
    // has one.
    unsafe {
        // A 1-byte header has its low bit set; 0x01 alone is a toast pointer.
        let first = *ptr;
        if first & 1 == 0 || first == 1 {
            return None;
        }
        let header = std::ptr::read_unaligned(ptr.add(1).cast::<u16>());
        (header & 0xC000 == 0x8000).then_some(u32::from((header & 0x1F80) >> 7))
    }
}

/// The common row of `mrr_agg(bigint, month, mrr)`, unguarded (see [`pg_function!`]): no NULL,
/// a finite month, an amount above 0 as a table stores it, into a customer and month the
/// history's grid covers ([`MrrHistory::try_add_int_existing`]). Anything else (the group's
/// first row, NULLs, a new scale, a customer or month to make room for, a credit) goes to
/// the guarded path. Loads, integer arithmetic, and no call into PostgreSQL.
///
/// # Safety
/// `fcinfo` is the live call of `mrr_agg(bigint, date, numeric)`'s transition, with at least
/// four arguments (state, customer, month, mrr).
#[inline(always)]
unsafe fn mrr_int8_fast(fcinfo: FunctionCallInfo) -> Option<Datum> {
    // SAFETY: the caller's contract: the four arguments exist, so the reads below cannot
    // raise; argument 3 is a non-null `numeric` (read by `short_display_scale` and
    // `ten_thousandths`) and argument 0 the state, which `existing_mut` hands out only when
    // it is a read-write object of ours, returned with `state_datum`.
    unsafe {
        if (0..4).any(|n| arg_is_null(fcinfo, n)) {
            return None;
        }
        let days = arg(fcinfo, 2).value() as i32;
        if days == i32::MIN || days == i32::MAX {
            return None;
        }
        let amount = arg(fcinfo, 3).cast_mut_ptr::<u8>().cast_const();
        let scale = short_display_scale(amount)?;
        let (ten_thousandths, plain) = ten_thousandths(amount);
        if !plain {
            return None;
        }
        let state = existing_mut::<MrrHistory>(fcinfo, 0)?;
        let key = arg(fcinfo, 1).value() as i64;
        state
            .try_add_int_existing(key, month_of_pg_date(days), ten_thousandths, scale)
            .then(|| state_datum(state))
    }
}

/// Every other row of `mrr_agg(bigint, month, mrr)`.
fn mrr_int8(args: &Args) -> Datum {
    if args.is_null(1) {
        return args.unchanged();
    }
    let key = args.i64(1);
    accum(args, |h, month, mrr| h.add_int(key, month, mrr).or_raise())
}

pg_function!(fn csm_mrr_agg_int8(fcinfo)
unguarded(args 4) {
    // SAFETY: the live call of mrr_agg(bigint, date, numeric)'s transition, with its four
    // arguments (checked by the macro first).
    unsafe { mrr_int8_fast(fcinfo) }
}
guarded {
    // SAFETY: the live call PostgreSQL passed to this transition, declared by the install
    // script.
    let args = unsafe { Args::new(fcinfo) };
    mrr_int8(&args)
});

pg_function!(fn csm_mrr_agg_text(args) safe {
    if args.is_null(1) {
        return args.unchanged();
    }
    let key = args.text(1);
    // Keys are kept in UTF-8, the encoding of the text form, whatever the database's.
    let utf8;
    let key = if key.is_ascii() || !crate::pg::datum::server_is_not_utf8() {
        key
    } else {
        utf8 = crate::pg::datum::server_bytes_to_utf8(key);
        &utf8[..]
    };
    accum(args, |h, month, mrr| h.add::<Vec<u8>, [u8]>(key, month, mrr).or_raise())
});

pg_function!(fn csm_mrr_agg_uuid(args) safe {
    if args.is_null(1) {
        return args.unchanged();
    }
    let key = args.uuid(1);
    accum(args, |h, month, mrr| h.add::<[u8; 16], [u8; 16]>(&key, month, mrr).or_raise())
});

/// `mrr_movements(history[, reactivation_within])` over the history's own months.
fn movement_rows(args: &Args, within: Option<i128>) -> Datum {
    let (scale, months) = movements::movements(args.bytes(0), within).or_raise();
    put_movements(&Rows::new(args), scale, &months);
    NO_RESULT
}

pg_function!(fn csm_mrr_movements(args) safe { movement_rows(args, None) });
pg_function!(fn csm_mrr_movements_within(args) safe {
    let within = arg_window(args, 1, "mrr_movements");
    movement_rows(args, within)
});

pg_function!(fn csm_revenue_kpis(args) safe {
    let (scale, months) = movements::movements(args.bytes(0), None).or_raise();
    put_kpis(&Rows::new(args), scale, &months);
    NO_RESULT
});

/// NRR and GRR of the history in argument 0 between the months of arguments 1 and 2.
fn retention_between(args: &Args, function: &str) -> (Option<f64>, Option<f64>) {
    let from = arg_month(args, 1, function);
    let to = arg_month(args, 2, function);
    if from > to {
        raise(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{function} from_month {} is after to_month {}",
                month_text(from),
                month_text(to)
            ),
            "Retention compares a later month with an earlier one.",
            "Pass the earlier month first.",
        ));
    }
    movements::retention_between(args.bytes(0), from, to).or_raise()
}

pg_function!(fn csm_mrr_history_nrr(args) safe {
    args.return_f64(retention_between(args, "nrr").0)
});
pg_function!(fn csm_mrr_history_grr(args) safe {
    args.return_f64(retention_between(args, "grr").1)
});
