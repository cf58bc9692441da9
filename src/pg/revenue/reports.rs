//! Revenue reports over a caller's range of months: `mrr_movements(history, from, to[, within])`,
//! `revenue_kpis(history, from, to)`, the customers behind them (`mrr_customer_movements`), and
//! `mrr_cohorts`. The maths is in `kpi::revenue::range`.
//!
//! These functions are not strict: a NULL history gives no rows, but a NULL month is an
//! unbounded range and is refused, as is an infinite or a reversed one.

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use super::numeric::money_datum;
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::revenue::history::{month_of_pg_date, pg_date_of_month};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::movements::{self, MonthRow};
use crate::kpi::revenue::range::{self, CohortRow, Movement};
use crate::kpi::revenue::scalar::percent;
use crate::pg::datum;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, raise, OrRaise};

/// The result set of a `RETURNS TABLE` function (materialize mode), with a short-lived memory
/// context for the values of the rows being built.
struct Rows {
    store: *mut pg_sys::Tuplestorestate,
    desc: pg_sys::TupleDesc,
    scratch: pg_sys::MemoryContext,
}

impl Rows {
    unsafe fn new(fcinfo: FunctionCallInfo) -> Rows {
        unsafe {
            pg_sys::InitMaterializedSRF(fcinfo, 0);
            let rsinfo = (*fcinfo).resultinfo.cast::<pg_sys::ReturnSetInfo>();
            let scratch = pg_sys::AllocSetContextCreateExtended(
                pg_sys::CurrentMemoryContext,
                c"csmetrics report rows".as_ptr(),
                pg_sys::ALLOCSET_DEFAULT_MINSIZE as usize,
                pg_sys::ALLOCSET_DEFAULT_INITSIZE as usize,
                pg_sys::ALLOCSET_DEFAULT_MAXSIZE as usize,
            );
            Rows {
                store: (*rsinfo).setResult,
                desc: (*rsinfo).setDesc,
                scratch,
            }
        }
    }

    /// Adds a row, built in the scratch context (the tuplestore copies it). A report can have
    /// millions of rows: a cancel or `statement_timeout` is honoured between rows.
    fn put<const N: usize>(&self, build: impl FnOnce() -> ([Datum; N], [bool; N])) {
        pg_sys::check_for_interrupts!();
        unsafe {
            let old = pg_sys::MemoryContextSwitchTo(self.scratch);
            let (mut values, mut nulls) = build();
            pg_sys::MemoryContextSwitchTo(old);
            pg_sys::tuplestore_putvalues(
                self.store,
                self.desc,
                values.as_mut_ptr(),
                nulls.as_mut_ptr(),
            );
        }
    }

    /// Frees the values of the rows added so far (call only when none is still needed).
    fn reset(&self) {
        unsafe { pg_sys::MemoryContextReset(self.scratch) }
    }

    /// Allocates in the scratch context.
    fn within<T>(&self, f: impl FnOnce() -> T) -> T {
        unsafe {
            let old = pg_sys::MemoryContextSwitchTo(self.scratch);
            let v = f();
            pg_sys::MemoryContextSwitchTo(old);
            v
        }
    }
}

const NO_RESULT: usize = 0;

fn show_date(days: i32) -> String {
    match days {
        i32::MIN => "-infinity".to_string(),
        i32::MAX => "infinity".to_string(),
        d => crate::kpi::engagement::calendar::format(d),
    }
}

/// Argument `n`, a bound of the report's range, as a month index: NULL and infinite dates are
/// refused (the range would have no end).
unsafe fn arg_bound(fcinfo: FunctionCallInfo, n: usize, function: &str, name: &str) -> i32 {
    unsafe {
        if arg_is_null(fcinfo, n) {
            raise(KpiError::new(
                ErrorKind::InvalidParameter,
                format!("{function} {name} cannot be null"),
                "A report runs over a bounded range of months: one row per month.",
                "Pass a month such as date '2025-01-01', or call the form without a range \
                 to report the history's own months.",
            ));
        }
        let days = arg(fcinfo, n).value() as i32;
        if days == i32::MIN || days == i32::MAX {
            raise(KpiError::new(
                ErrorKind::InvalidParameter,
                format!("{function} {name} cannot be {}", show_date(days)),
                "An infinite date is in no month, and a report has one row per month.",
                "Pass a finite date, such as date_trunc('month', now())::date.",
            ));
        }
        month_of_pg_date(days)
    }
}

/// The checked range of arguments 1 and 2.
unsafe fn arg_range(fcinfo: FunctionCallInfo, function: &str) -> (i32, i32) {
    unsafe {
        let from = arg_bound(fcinfo, 1, function, "from_month");
        let to = arg_bound(fcinfo, 2, function, "to_month");
        range::check_range(function, from, to).or_raise();
        (from, to)
    }
}

/// `reactivation_within` (argument `n`) as microseconds, compared as PostgreSQL compares
/// intervals; NULL is no limit, as when it is omitted.
unsafe fn arg_window(fcinfo: FunctionCallInfo, n: usize, function: &str) -> Option<i128> {
    unsafe {
        if (*fcinfo).nargs as usize <= n || arg_is_null(fcinfo, n) {
            return None;
        }
        let i = &*arg(fcinfo, n).cast_mut_ptr::<pg_sys::Interval>();
        let usec = i.time as i128 + (i.day as i128 + i.month as i128 * 30) * 86_400_000_000;
        if usec < 0 {
            raise(KpiError::new(
                ErrorKind::InvalidParameter,
                format!(
                    "{function} reactivation_within cannot be negative: {}",
                    super::scalar::interval_text(fcinfo, n)
                ),
                "It is the longest time a customer can be gone and still count as reactivated.",
                "Pass an interval such as '90 days', or omit it to count any return as reactivation.",
            ));
        }
        Some(usec)
    }
}

/// The stored history of argument 0, or None when it is NULL.
unsafe fn history<'a>(fcinfo: FunctionCallInfo) -> Option<&'a [u8]> {
    unsafe { (!arg_is_null(fcinfo, 0)).then(|| datum::varlena_bytes(arg(fcinfo, 0))) }
}

fn month_datum(month: i32) -> Datum {
    Datum::from(pg_date_of_month(month))
}

fn poll() {
    pg_sys::check_for_interrupts!();
}

pg_function!(fn csm_mrr_movements_range(fcinfo) {
    unsafe {
        let (from, to) = arg_range(fcinfo, "mrr_movements");
        let within = arg_window(fcinfo, 3, "mrr_movements");
        let rows = Rows::new(fcinfo);
        let Some(stored) = history(fcinfo) else {
            return Datum::from(NO_RESULT);
        };
        let (scale, months) = range::movements_between(stored, from, to, within, poll).or_raise();
        for r in &months {
            rows.put(|| {
                let mut values = [Datum::from(0usize); 15];
                values[0] = month_datum(r.month);
                for k in 0..7 {
                    values[1 + k] = money_datum(&Money::new(r.mrr[k], scale));
                    values[8 + k] = Datum::from(r.customers[k]);
                }
                (values, [false; 15])
            });
            rows.reset();
        }
        Datum::from(NO_RESULT)
    }
});

fn f64_value(v: Option<f64>) -> (Datum, bool) {
    match v {
        Some(x) => (Datum::from(x.to_bits() as usize), false),
        None => (Datum::from(0usize), true),
    }
}

pg_function!(fn csm_revenue_kpis_range(fcinfo) {
    unsafe {
        let (from, to) = arg_range(fcinfo, "revenue_kpis");
        let rows = Rows::new(fcinfo);
        let Some(stored) = history(fcinfo) else {
            return Datum::from(NO_RESULT);
        };
        let (scale, months): (u32, Vec<MonthRow>) =
            range::movements_between(stored, from, to, None, poll).or_raise();
        let kpis = movements::kpis(scale, &months).or_raise();
        for k in &kpis {
            rows.put(|| {
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
                    (values[4 + i], nulls[4 + i]) = f64_value(*r);
                }
                (values, nulls)
            });
            rows.reset();
        }
        Datum::from(NO_RESULT)
    }
});

/// A customer key as a `text` datum in the server encoding (text keys are stored as UTF-8).
unsafe fn key_datum(key: &range::Key) -> Datum {
    let bytes = key.to_text_bytes();
    unsafe {
        if bytes.is_ascii() || !datum::server_is_not_utf8() {
            datum::new_varlena(&bytes)
        } else {
            datum::new_varlena(&datum::to_server_bytes(&String::from_utf8_lossy(&bytes)))
        }
    }
}

unsafe fn text_datum(text: &str) -> Datum {
    unsafe { datum::new_varlena(text.as_bytes()) }
}

pg_function!(fn csm_mrr_customer_movements(fcinfo) {
    unsafe {
        let with_range = (*fcinfo).nargs >= 3;
        let bounds = with_range.then(|| arg_range(fcinfo, "mrr_customer_movements"));
        let within = arg_window(fcinfo, 3, "mrr_customer_movements");
        let rows = Rows::new(fcinfo);
        let Some(stored) = history(fcinfo) else {
            return Datum::from(NO_RESULT);
        };
        let (scale, whole) = range::history_range(stored).or_raise();
        // Without a range, the history's own months (as mrr_movements(history) reports).
        let Some((from, to)) = bounds.or(whole) else {
            return Datum::from(NO_RESULT);
        };
        // The six movement names, built once for the whole result.
        let names: [Datum; 6] = [
            Movement::New,
            Movement::Reactivation,
            Movement::Expansion,
            Movement::Contraction,
            Movement::Churn,
            Movement::Unchanged,
        ]
        .map(|m| text_datum(m.name()));
        range::walk_customers(stored, |key, months| {
            // The key's text lives until this customer's rows are stored.
            let customer = rows.within(|| key_datum(&key));
            range::customer_events(months, from, to, within, |m, before, after, class| {
                rows.put(|| {
                    (
                        [
                            customer,
                            month_datum(m),
                            money_datum(&Money::new(before, scale)),
                            money_datum(&Money::new(after, scale)),
                            names[class as usize],
                        ],
                        [false; 5],
                    )
                });
                Ok(())
            })?;
            rows.reset();
            Ok(())
        })
        .or_raise();
        Datum::from(NO_RESULT)
    }
});

pg_function!(fn csm_mrr_cohorts(fcinfo) {
    unsafe {
        let rows = Rows::new(fcinfo);
        let Some(stored) = history(fcinfo) else {
            return Datum::from(NO_RESULT);
        };
        range::cohorts(stored, poll, |scale, r: CohortRow| {
            rows.put(|| {
                let mut values = [Datum::from(0usize); 8];
                let mut nulls = [false; 8];
                values[0] = month_datum(r.cohort);
                values[1] = Datum::from(r.month_number as i64 as usize);
                values[2] = Datum::from(r.customers);
                values[3] = Datum::from(r.retained_customers);
                values[4] = money_datum(&Money::new(r.cohort_mrr, scale));
                values[5] = money_datum(&Money::new(r.mrr, scale));
                (values[6], nulls[6]) = f64_value(percent(r.mrr, r.cohort_mrr));
                (values[7], nulls[7]) =
                    f64_value(percent(r.retained_customers as i128, r.customers as i128));
                (values, nulls)
            });
            rows.reset();
        })
        .or_raise();
        Datum::from(NO_RESULT)
    }
});
