//! Revenue reports over a caller's range of months: `mrr_movements(history, from, to[, within])`,
//! `revenue_kpis(history, from, to)`, the customers behind them (`mrr_customer_movements`), and
//! `mrr_cohorts`. The maths is in `kpi::revenue::range`.
//!
//! These functions are not strict: a NULL history gives no rows, but a NULL month is an
//! unbounded range and is refused, as is an infinite or a reversed one.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys;

use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::revenue::history::{month_of_pg_date, pg_date_of_month};
use crate::kpi::revenue::money::Money;
use crate::kpi::revenue::movements::{self, MonthRow};
use crate::kpi::revenue::range::{self, CohortRow, Movement};
use crate::kpi::revenue::scalar::percent;
use crate::pg::args::Args;
use crate::pg::datum;
use crate::pg::fmgr::{pg_function, raise, OrRaise};
use crate::pg::rows::{int8, money_datum, opt_float8, varlena_datum, Rows, NO_RESULT};

fn show_date(days: i32) -> String {
    match days {
        i32::MIN => "-infinity".to_string(),
        i32::MAX => "infinity".to_string(),
        d => crate::kpi::engagement::calendar::format(d),
    }
}

/// Argument `n`, a bound of the report's range, as a month index: NULL and infinite dates are
/// refused (the range would have no end).
fn arg_bound(args: &Args, n: usize, function: &str, name: &str) -> i32 {
    if args.is_null(n) {
        raise(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("{function} {name} cannot be null"),
            "A report runs over a bounded range of months: one row per month.",
            "Pass a month such as date '2025-01-01', or call the form without a range \
             to report the history's own months.",
        ));
    }
    let days = args.date(n);
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

/// The checked range of arguments 1 and 2.
fn arg_range(args: &Args, function: &str) -> (i32, i32) {
    let from = arg_bound(args, 1, function, "from_month");
    let to = arg_bound(args, 2, function, "to_month");
    range::check_range(function, from, to).or_raise();
    (from, to)
}

/// `reactivation_within` (argument `n`) as microseconds, compared as PostgreSQL compares
/// intervals; NULL is no limit, as when it is omitted.
pub(super) fn arg_window(args: &Args, n: usize, function: &str) -> Option<i128> {
    if args.nargs() <= n || args.is_null(n) {
        return None;
    }
    let i = args.interval(n);
    let usec = i.time as i128 + (i.day as i128 + i.month as i128 * 30) * 86_400_000_000;
    if usec < 0 {
        raise(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{function} reactivation_within cannot be negative: {}",
                crate::pg::customer::interval_text(&i)
            ),
            "It is the longest time a customer can be gone and still count as reactivated.",
            "Pass an interval such as '90 days', or omit it to count any return as reactivation.",
        ));
    }
    Some(usec)
}

/// The stored history of argument 0, or None when it is NULL.
fn history<'a>(args: &'a Args) -> Option<&'a [u8]> {
    args.opt_text(0)
}

fn month_datum(month: i32) -> pg_sys::Datum {
    pg_sys::Datum::from(pg_date_of_month(month))
}

fn poll() {
    pg_sys::check_for_interrupts!();
}

/// Starts a report over the history in argument 0: its rows, and the history (`None`, no
/// rows, when it is NULL).
fn report<'a>(args: &'a Args) -> (Rows<'a>, Option<&'a [u8]>) {
    (Rows::new(args), history(args))
}

pg_function!(fn csm_mrr_movements_range(args) safe {
    let (from, to) = arg_range(args, "mrr_movements");
    let within = arg_window(args, 3, "mrr_movements");
    let (rows, Some(stored)) = report(args) else {
        return NO_RESULT;
    };
    let (scale, months) = range::movements_between(stored, from, to, within, poll).or_raise();
    put_movements(&rows, scale, &months);
    NO_RESULT
});

/// The rows of `mrr_movements()`: per month, the seven MRR sums and the seven customer counts.
pub(super) fn put_movements(rows: &Rows, scale: u32, months: &[MonthRow]) {
    for r in months {
        rows.put_built(|| {
            let mut values = [pg_sys::Datum::from(0usize); 15];
            values[0] = month_datum(r.month);
            for k in 0..7 {
                values[1 + k] = money_datum(&Money::new(r.mrr[k], scale));
                values[8 + k] = int8(r.customers[k]);
            }
            (values, [false; 15])
        });
        rows.reset();
    }
}

pg_function!(fn csm_revenue_kpis_range(args) safe {
    let (from, to) = arg_range(args, "revenue_kpis");
    let (rows, Some(stored)) = report(args) else {
        return NO_RESULT;
    };
    let (scale, months): (u32, Vec<MonthRow>) =
        range::movements_between(stored, from, to, None, poll).or_raise();
    put_kpis(&rows, scale, &months);
    NO_RESULT
});

/// The rows of `revenue_kpis()` over movement rows.
pub(super) fn put_kpis(rows: &Rows, scale: u32, months: &[MonthRow]) {
    for k in &movements::kpis(scale, months).or_raise() {
        rows.put_built(|| {
            let mut values = [pg_sys::Datum::from(0usize); 11];
            let mut nulls = [false; 11];
            values[0] = month_datum(k.month);
            values[1] = money_datum(&k.mrr);
            values[2] = int8(k.paying_customers);
            match &k.arpa {
                Some(a) => values[3] = money_datum(a),
                None => nulls[3] = true,
            }
            for (i, r) in k.rates.iter().enumerate() {
                (values[4 + i], nulls[4 + i]) = opt_float8(*r);
            }
            (values, nulls)
        });
        rows.reset();
    }
}

/// A customer key as a `text` datum in the server encoding (text keys are stored as UTF-8).
fn key_datum(key: &range::Key) -> pg_sys::Datum {
    let bytes = key.to_text_bytes();
    if bytes.is_ascii() || !datum::server_is_not_utf8() {
        varlena_datum(&bytes)
    } else {
        varlena_datum(&datum::to_server_bytes(&String::from_utf8_lossy(&bytes)))
    }
}

pg_function!(fn csm_mrr_customer_movements(args) safe {
    let with_range = args.nargs() >= 3;
    let bounds = with_range.then(|| arg_range(args, "mrr_customer_movements"));
    let within = arg_window(args, 3, "mrr_customer_movements");
    let (rows, Some(stored)) = report(args) else {
        return NO_RESULT;
    };
    let (scale, whole) = range::history_range(stored).or_raise();
    // Without a range, the history's own months (as mrr_movements(history) reports).
    let Some((from, to)) = bounds.or(whole) else {
        return NO_RESULT;
    };
    // The six movement names, built once for the whole result.
    let names: [pg_sys::Datum; 6] = [
        Movement::New,
        Movement::Reactivation,
        Movement::Expansion,
        Movement::Contraction,
        Movement::Churn,
        Movement::Unchanged,
    ]
    .map(|m| varlena_datum(m.name().as_bytes()));
    range::walk_customers(stored, |key, months| {
        // The key's text lives until this customer's rows are stored.
        let customer = rows.within(|| key_datum(&key));
        range::customer_events(months, from, to, within, |m, before, after, class| {
            rows.put_built(|| {
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
    NO_RESULT
});

pg_function!(fn csm_mrr_cohorts(args) safe {
    let (rows, Some(stored)) = report(args) else {
        return NO_RESULT;
    };
    range::cohorts(stored, poll, |scale, r: CohortRow| {
        rows.put_built(|| {
            let mut values = [pg_sys::Datum::from(0usize); 8];
            let mut nulls = [false; 8];
            values[0] = month_datum(r.cohort);
            values[1] = pg_sys::Datum::from(r.month_number as i64 as usize);
            values[2] = int8(r.customers);
            values[3] = int8(r.retained_customers);
            values[4] = money_datum(&Money::new(r.cohort_mrr, scale));
            values[5] = money_datum(&Money::new(r.mrr, scale));
            (values[6], nulls[6]) = opt_float8(percent(r.mrr, r.cohort_mrr));
            (values[7], nulls[7]) =
                opt_float8(percent(r.retained_customers as i128, r.customers as i128));
            (values, nulls)
        });
        rows.reset();
    })
    .or_raise();
    NO_RESULT
});
