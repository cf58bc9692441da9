//! MRR movements, month-over-month revenue KPIs and NRR/GRR between two months, computed in
//! one pass over a stored `mrr_history` (no maps are built: customers are independent).
//!
//! Per customer and month (ChartMogul): new (0 -> >0, never paid before, or back after more
//! than `reactivation_within`), reactivation (0 -> >0, paid before), expansion, contraction
//! (still > 0), churn (> 0 -> 0). The first month of the history starts from 0, so everything
//! paying then is new. Every sum is exact, so each row adds up and ending = next starting.

use super::history::{Months, MrrHistory};
use super::money::{derived_scale, too_large, Money};
use super::range::{history_range, walk_customers};
use super::scalar::{percent, percent_of_sum, times_sum_over};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::stored::{invalid_stored, versioned_view};
use crate::kpi::summary::Summary;

/// The most months a movement report spans (10,000 years): one row each.
pub const MAX_MONTHS: i64 = 120_000;

/// Microseconds in a month when intervals are compared (PostgreSQL counts 30 days).
const MONTH_USEC: i128 = 30 * 86_400_000_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthRow {
    pub month: i32,
    /// starting, new, reactivation, expansion, contraction, churned, ending (units of scale).
    pub mrr: [i128; 7],
    /// The same seven, as customer counts.
    pub customers: [i64; 7],
}

pub const STARTING: usize = 0;
pub const NEW: usize = 1;
pub const REACTIVATION: usize = 2;
pub const EXPANSION: usize = 3;
pub const CONTRACTION: usize = 4;
pub const CHURNED: usize = 5;
pub const ENDING: usize = 6;

/// A stored `mrr_history` that does not read: the one error of its readers here and in
/// [`super::range`], the one every stored value read in place gives (`kpi::stored`).
#[cold]
pub(super) fn corrupt(why: String) -> Box<KpiError> {
    invalid_stored(MrrHistory::TYPE_NAME, MrrHistory::VERSION, why)
}

/// The payload of a stored history, after its version byte, read in place.
pub(super) fn payload(stored: &[u8]) -> KpiResult<&[u8]> {
    versioned_view(MrrHistory::TYPE_NAME, MrrHistory::VERSION, stored, Ok)
}

/// Walks a stored history (version byte first): its scale and range, then `each` customer's
/// months. None for a history with no month.
fn walk(
    stored: &[u8],
    mut each: impl FnMut(&Months) -> KpiResult<()>,
) -> KpiResult<Option<(u32, (i32, i32))>> {
    let (scale, range) = walk_customers(stored, |_, months| each(months))?;
    Ok(range.map(|r| (scale, r)))
}

/// Adds `units` to a report's sum, which must not overflow.
pub(super) fn add(slot: &mut i128, units: i128) -> KpiResult<()> {
    *slot = slot
        .checked_add(units)
        .ok_or_else(|| too_large("mrr_movements"))?;
    Ok(())
}

/// One movement row per month from the first to the last month of the history.
/// `reactivation_within`: the longest gap (microseconds, months as 30 days) after which a
/// return is a reactivation; None for any gap.
pub fn movements(stored: &[u8], within: Option<i128>) -> KpiResult<(u32, Vec<MonthRow>)> {
    let (scale, (first, last)) = match peek(stored)? {
        Some(h) => h,
        None => return Ok((0, Vec::new())),
    };
    let span = last as i64 - first as i64 + 1;
    if span > MAX_MONTHS {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("mrr history spans {span} months, more than {MAX_MONTHS}"),
            "A movement report has one row per month.",
            "Check the month column for wrong dates, or filter the rows to the period wanted.",
        ));
    }
    let mut rows: Vec<MonthRow> = (0..span)
        .map(|i| MonthRow {
            month: first + i as i32,
            ..MonthRow::default()
        })
        .collect();
    walk(stored, |months| {
        let mut prev: Option<(i32, i128)> = None;
        for (m, u) in months.iter() {
            let i = (m - first) as usize;
            let row = &mut rows[i];
            add(&mut row.mrr[ENDING], u)?;
            row.customers[ENDING] += 1;
            let class = match prev {
                None => Some(NEW),
                Some((pm, pu)) if pm == m - 1 => {
                    if u > pu {
                        add(&mut row.mrr[EXPANSION], u - pu)?;
                        Some(EXPANSION)
                    } else if u < pu {
                        add(&mut row.mrr[CONTRACTION], pu - u)?;
                        Some(CONTRACTION)
                    } else {
                        None
                    }
                }
                Some((pm, pu)) => {
                    let churn_row = &mut rows[(pm + 1 - first) as usize];
                    add(&mut churn_row.mrr[CHURNED], pu)?;
                    churn_row.customers[CHURNED] += 1;
                    let gap = (m - pm - 1) as i128;
                    match within {
                        Some(w) if gap * MONTH_USEC > w => Some(NEW),
                        _ => Some(REACTIVATION),
                    }
                }
            };
            let row = &mut rows[i];
            match class {
                Some(c @ (NEW | REACTIVATION)) => {
                    add(&mut row.mrr[c], u)?;
                    row.customers[c] += 1;
                }
                Some(c) => row.customers[c] += 1,
                None => {}
            }
            prev = Some((m, u));
        }
        if let Some((pm, pu)) = prev {
            if pm < last {
                let row = &mut rows[(pm + 1 - first) as usize];
                add(&mut row.mrr[CHURNED], pu)?;
                row.customers[CHURNED] += 1;
            }
        }
        Ok(())
    })?;
    for i in 1..rows.len() {
        rows[i].mrr[STARTING] = rows[i - 1].mrr[ENDING];
        rows[i].customers[STARTING] = rows[i - 1].customers[ENDING];
    }
    Ok((scale, rows))
}

/// The scale and range of a stored history without reading its customers.
fn peek(stored: &[u8]) -> KpiResult<Option<(u32, (i32, i32))>> {
    let (scale, range) = history_range(stored)?;
    Ok(range.map(|r| (scale, r)))
}

/// `revenue_kpis()`'s row for one month.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiRow {
    pub month: i32,
    pub mrr: Money,
    pub paying_customers: i64,
    pub arpa: Option<Money>,
    /// nrr, grr, gross MRR churn rate, net MRR churn rate, quick ratio, customer churn
    /// rate, expansion rate.
    pub rates: [Option<f64>; 7],
}

/// Month-over-month revenue KPIs from movement rows. Percentages are 0-100; NULL (None)
/// where the denominator is 0. Net MRR churn offsets expansion and reactivation
/// (ChartMogul); the quick ratio counts reactivation as growth (Baremetrics leaves it out).
pub fn kpis(scale: u32, rows: &[MonthRow]) -> KpiResult<Vec<KpiRow>> {
    rows.iter()
        .map(|r| {
            let [start, new, react, exp, contr, churn, end] = r.mrr;
            let mrr = Money::new(end, scale);
            let paying = r.customers[ENDING];
            let arpa = if paying == 0 {
                None
            } else {
                Some(
                    mrr.mul_div(1, paying as i128, derived_scale(&mrr))
                        .ok_or_else(|| too_large("revenue_kpis"))?,
                )
            };
            // Per customer, churn + contraction is at most its starting MRR: no overflow.
            let lost = churn + contr;
            let quick = times_sum_over(1, &[(new, false), (react, false), (exp, false)], lost);
            Ok(KpiRow {
                month: r.month,
                mrr,
                paying_customers: paying,
                arpa,
                rates: [
                    percent_of_sum(&[(start, false), (exp, false), (lost, true)], start),
                    percent(start - lost, start),
                    percent(lost, start),
                    percent_of_sum(&[(lost, false), (exp, true), (react, true)], start),
                    quick,
                    percent(r.customers[CHURNED] as i128, r.customers[STARTING] as i128),
                    percent(exp, start),
                ],
            })
        })
        .collect()
}

/// NRR and GRR of the customers paying in `from`, at `to` (month indexes, from <= to):
/// 100 x their MRR in `to` / their MRR in `from`; GRR caps each customer at its start.
pub fn retention_between(
    stored: &[u8],
    from: i32,
    to: i32,
) -> KpiResult<(Option<f64>, Option<f64>)> {
    let (mut start, mut kept, mut capped) = (0i128, 0i128, 0i128);
    walk(stored, |months| {
        let a = months.at(from);
        if a > 0 {
            let b = months.at(to);
            add(&mut start, a)?;
            add(&mut kept, b)?;
            add(&mut capped, b.min(a))?;
        }
        Ok(())
    })?;
    Ok((percent(kept, start), percent(capped, start)))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::kpi::revenue::money::tests::m;

    /// Customer 1: 10, 0, 10, 15 (new, churn, reactivation, expansion); customer 2: 20, 20,
    /// 5 (new, -, contraction), then absent in month 3 (churn); two rows of customer 3 in
    /// month 1 (10 + 5 = new 15).
    pub(in crate::kpi::revenue) fn sample() -> Vec<u8> {
        let mut h = MrrHistory::default();
        for (c, month, amount) in [
            (1, 0, "10"),
            (1, 2, "10"),
            (1, 3, "15"),
            (2, 0, "20"),
            (2, 1, "20"),
            (2, 2, "5"),
            (3, 1, "10"),
            (3, 1, "5"),
            (3, 3, "0"),
        ] {
            h.add::<i64, i64>(&c, 24300 + month, &m(amount)).unwrap();
        }
        h.to_binary()
    }

    #[test]
    fn hand_computed_movements() {
        let (scale, rows) = movements(&sample(), None).unwrap();
        assert_eq!(scale, 0);
        let mrr: Vec<[i128; 7]> = rows.iter().map(|r| r.mrr).collect();
        // start, new, react, exp, contr, churn, end
        assert_eq!(mrr[0], [0, 30, 0, 0, 0, 0, 30]);
        assert_eq!(mrr[1], [30, 15, 0, 0, 0, 10, 35]);
        assert_eq!(mrr[2], [35, 0, 10, 0, 15, 15, 15]);
        assert_eq!(mrr[3], [15, 0, 0, 5, 0, 5, 15]);
        for r in &rows {
            let [s, n, re, e, c, ch, end] = r.mrr;
            assert_eq!(s + n + re + e - c - ch, end);
        }
        // Within 0 months of gap, customer 1's return (1 month gone) is new business.
        let (_, strict) = movements(&sample(), Some(0)).unwrap();
        assert_eq!(strict[2].mrr[NEW], 10);
        assert_eq!(strict[2].mrr[REACTIVATION], 0);
        let (_, month) = movements(&sample(), Some(MONTH_USEC)).unwrap();
        assert_eq!(month[2].mrr[REACTIVATION], 10);
    }

    #[test]
    fn kpis_and_retention_between() {
        let (scale, rows) = movements(&sample(), None).unwrap();
        let k = kpis(scale, &rows).unwrap();
        assert_eq!(k[0].rates[0], None);
        // Month 1: start 30, churn 10: NRR 66.67, GRR same, customer churn 1 of 2.
        assert_eq!(k[1].rates[5], Some(50.0));
        assert_eq!(k[1].arpa.unwrap().to_text(), "17.50");
        // Customers paying in month 0 (1: 10, 2: 20) in month 2: 10 + 5 over 30 = 50%.
        assert_eq!(
            retention_between(&sample(), 24300, 24302).unwrap(),
            (Some(50.0), Some(50.0))
        );
        // Month 3: customer 1 at 15 (> its 10 at the start) -> NRR 50, GRR capped 33.3.
        let (nrr, grr) = retention_between(&sample(), 24300, 24303).unwrap();
        assert_eq!(nrr, Some(50.0));
        assert!((grr.unwrap() - 100.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_bad_stored_history_gives_the_error_of_every_stored_value() {
        let refused = |stored: &[u8]| {
            let e = movements(stored, None).unwrap_err();
            (e.kind, e.message, e.hint, e.detail)
        };
        let (kind, message, hint) = (
            ErrorKind::BadBinary,
            "invalid binary mrr_history value".to_string(),
            "The value was written by another version of csmetrics or is corrupt (this version \
             reads format version 1); recompute it from the raw data."
                .to_string(),
        );
        let mut other = sample();
        other[0] = 2;
        let why = "Format version 2 is not supported; this version of csmetrics reads version 1.";
        assert_eq!(
            refused(&other),
            (kind, message.clone(), hint.clone(), why.to_string())
        );
        let mut cut = sample();
        cut.truncate(cut.len() - 1);
        let (k, m, h, _) = refused(&cut);
        assert_eq!((k, m, h), (kind, message, hint));
    }
}
