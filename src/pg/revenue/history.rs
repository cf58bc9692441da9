//! `mrr_agg()` -> `mrr_history`, its rollup and I/O (the shared summary plumbing), and the
//! set-returning reports `mrr_movements()` and `revenue_kpis()`, written as materialized SRFs.

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use pgrx::varlena::{varatt_is_1b_e, varatt_is_4b_c, vardata_any, varsize_any_exhdr};

use super::numeric::{money_datum, money_from_datum, ten_thousandths};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::revenue::history::{month_of_pg_date, pg_date_of_month, MrrHistory};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::movements::{self, MonthRow};
use crate::pg::datum;
use crate::pg::expanded::existing_mut;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, raise, return_f64, OrRaise};
use crate::pg::summary::{state_datum, state_mut, state_type, unchanged};

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
unsafe fn arg_month(fcinfo: FunctionCallInfo, n: usize, function: &str) -> i32 {
    let days = unsafe { arg(fcinfo, n).value() } as i32;
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

/// The step shared by the three key types: NULL key, month or MRR skip the row.
#[inline(always)]
unsafe fn accum(fcinfo: FunctionCallInfo, add: impl FnOnce(&mut MrrHistory, i32, &Money)) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) || arg_is_null(fcinfo, 3) {
            return unchanged(fcinfo);
        }
        let month = arg_month(fcinfo, 2, "mrr_agg");
        let mrr = money_from_datum(arg(fcinfo, 3), "mrr_agg mrr").or_raise();
        let state = state_mut::<MrrHistory>(fcinfo, 0);
        add(state, month, &mrr);
        state_datum(state)
    }
}

/// The display scale of a stored `numeric` with a 1-byte varlena header in the short format
/// (numeric.c's `NUMERIC_SHORT` and `NUMERIC_SHORT_DSCALE_MASK`), the form of amounts in a
/// table row; None for any other form.
#[inline(always)]
unsafe fn short_display_scale(ptr: *const u8) -> Option<u32> {
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
#[inline(always)]
unsafe fn mrr_int8_fast(fcinfo: FunctionCallInfo) -> Option<Datum> {
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

pg_function!(fn csm_mrr_agg_int8(fcinfo)
unguarded(args 4) { unsafe { mrr_int8_fast(fcinfo) } }
guarded {
    unsafe {
        let key = arg(fcinfo, 1).value() as i64;
        accum(fcinfo, |h, month, mrr| h.add_int(key, month, mrr).or_raise())
    }
});

/// The bytes of a varlena argument; detoasted only when it is toasted or compressed.
#[inline(always)]
pub(crate) unsafe fn varlena_arg<'a>(fcinfo: FunctionCallInfo, n: usize) -> &'a [u8] {
    unsafe {
        let mut v = arg(fcinfo, n).cast_mut_ptr::<pg_sys::varlena>();
        if varatt_is_1b_e(v) || varatt_is_4b_c(v) {
            v = pg_sys::pg_detoast_datum_packed(v);
        }
        std::slice::from_raw_parts(vardata_any(v).cast::<u8>(), varsize_any_exhdr(v))
    }
}

pg_function!(fn csm_mrr_agg_text(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return unchanged(fcinfo);
        }
        let key = varlena_arg(fcinfo, 1);
        // Keys are kept in UTF-8, the encoding of the text form, whatever the database's.
        let utf8;
        let key = if key.is_ascii() || !crate::pg::datum::server_is_not_utf8() {
            key
        } else {
            utf8 = crate::pg::datum::server_bytes_to_utf8(key);
            &utf8[..]
        };
        accum(fcinfo, |h, month, mrr| h.add::<Vec<u8>, [u8]>(key, month, mrr).or_raise())
    }
});

pg_function!(fn csm_mrr_agg_uuid(fcinfo) {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return unchanged(fcinfo);
        }
        let key = *arg(fcinfo, 1).cast_mut_ptr::<[u8; 16]>();
        accum(fcinfo, |h, month, mrr| h.add::<[u8; 16], [u8; 16]>(&key, month, mrr).or_raise())
    }
});

/// Fills the result of a materialized set-returning function.
unsafe fn emit_rows<const N: usize>(
    fcinfo: FunctionCallInfo,
    rows: impl Iterator<Item = ([Datum; N], [bool; N])>,
) -> Datum {
    unsafe {
        pg_sys::InitMaterializedSRF(fcinfo, 0);
        let rsinfo = (*fcinfo).resultinfo.cast::<pg_sys::ReturnSetInfo>();
        for (mut values, mut nulls) in rows {
            pg_sys::tuplestore_putvalues(
                (*rsinfo).setResult,
                (*rsinfo).setDesc,
                values.as_mut_ptr(),
                nulls.as_mut_ptr(),
            );
        }
        Datum::from(0usize)
    }
}

unsafe fn month_datum(month: i32) -> Datum {
    Datum::from(pg_date_of_month(month))
}

/// `reactivation_within` as microseconds, compared as PostgreSQL compares intervals.
unsafe fn arg_window(fcinfo: FunctionCallInfo, n: usize) -> i128 {
    unsafe {
        let i = &*arg(fcinfo, n).cast_mut_ptr::<pg_sys::Interval>();
        let usec = i.time as i128 + (i.day as i128 + i.month as i128 * 30) * 86_400_000_000;
        if usec < 0 {
            raise(KpiError::new(
                ErrorKind::InvalidParameter,
                format!(
                    "mrr_movements reactivation_within cannot be negative: {}",
                    super::scalar::interval_text(fcinfo, n)
                ),
                "It is the longest time a customer can be gone and still count as reactivated.",
                "Pass an interval such as '90 days', or omit it to count any return as reactivation.",
            ));
        }
        usec
    }
}

unsafe fn movement_rows(fcinfo: FunctionCallInfo, within: Option<i128>) -> Datum {
    unsafe {
        let bytes = datum::varlena_bytes(arg(fcinfo, 0));
        let (scale, rows) = movements::movements(bytes, within).or_raise();
        emit_rows::<15>(
            fcinfo,
            rows.iter().map(|r: &MonthRow| {
                let mut values = [Datum::from(0usize); 15];
                values[0] = month_datum(r.month);
                for k in 0..7 {
                    values[1 + k] = money_datum(&Money::new(r.mrr[k], scale));
                    values[8 + k] = Datum::from(r.customers[k]);
                }
                (values, [false; 15])
            }),
        )
    }
}

pg_function!(fn csm_mrr_movements(fcinfo) { unsafe { movement_rows(fcinfo, None) } });
pg_function!(fn csm_mrr_movements_within(fcinfo) {
    unsafe {
        let within = arg_window(fcinfo, 1);
        movement_rows(fcinfo, Some(within))
    }
});

fn f64_datum(v: Option<f64>) -> (Datum, bool) {
    match v {
        Some(x) => (Datum::from(x.to_bits() as usize), false),
        None => (Datum::from(0usize), true),
    }
}

pg_function!(fn csm_revenue_kpis(fcinfo) {
    unsafe {
        let bytes = datum::varlena_bytes(arg(fcinfo, 0));
        let (scale, rows) = movements::movements(bytes, None).or_raise();
        let kpis = movements::kpis(scale, &rows).or_raise();
        emit_rows::<11>(
            fcinfo,
            kpis.iter().map(|k| {
                let mut values = [Datum::from(0usize); 11];
                let mut nulls = [false; 11];
                values[0] = month_datum(k.month);
                values[1] = money_datum(&k.mrr);
                values[2] = Datum::from(k.paying_customers);
                match &k.arpa {
                    Some(a) => values[3] = money_datum(a),
                    None => nulls[3] = true,
                }
                for (i, r) in k.rates.iter().enumerate() {
                    (values[4 + i], nulls[4 + i]) = f64_datum(*r);
                }
                (values, nulls)
            }),
        )
    }
});

unsafe fn retention_between(
    fcinfo: FunctionCallInfo,
    function: &str,
) -> (Option<f64>, Option<f64>) {
    unsafe {
        let from = arg_month(fcinfo, 1, function);
        let to = arg_month(fcinfo, 2, function);
        if from > to {
            raise(KpiError::new(
                ErrorKind::InvalidParameter,
                format!(
                    "{function} from_month {} is after to_month {}",
                    crate::kpi::revenue::history::month_text(from),
                    crate::kpi::revenue::history::month_text(to)
                ),
                "Retention compares a later month with an earlier one.",
                "Pass the earlier month first.",
            ));
        }
        let bytes = datum::varlena_bytes(arg(fcinfo, 0));
        movements::retention_between(bytes, from, to).or_raise()
    }
}

pg_function!(fn csm_mrr_history_nrr(fcinfo) {
    unsafe { return_f64(fcinfo, retention_between(fcinfo, "nrr").0) }
});
pg_function!(fn csm_mrr_history_grr(fcinfo) {
    unsafe { return_f64(fcinfo, retention_between(fcinfo, "grr").1) }
});
