//! Revenue reports over the range of months the caller asks for, and the customers behind
//! each number, read in one pass over a stored `mrr_history`.
//!
//! One per-customer walk ([`customer_events`]) classifies every (customer, month) of the range
//! where the previous or the current MRR is above 0; the month report is the sum of those
//! events, so the two agree exactly by construction. Months after the history's last month
//! are 0 MRR for every customer (the month after a last paid month shows its churn); months
//! before its first month are all zeros. The history before the range still decides the
//! starting MRR and new versus reactivation.

use super::history::{month_text, Months};
use super::money::too_large;
use super::movements::payload;
use super::movements::{
    add, corrupt, MonthRow, CHURNED, CONTRACTION, ENDING, EXPANSION, MAX_MONTHS, NEW, REACTIVATION,
    STARTING,
};
use super::wire::{read_header, read_months, Cursor};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// Microseconds in a month when intervals are compared (PostgreSQL counts 30 days).
const MONTH_USEC: i128 = 30 * 86_400_000_000;

/// A customer's movement from one month to the next, as `mrr_movement()` names it.
pub use super::scalar::Movement;

/// A customer key as stored: bigint, text (UTF-8 bytes) or uuid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    Bigint(i64),
    Text(&'a [u8]),
    Uuid(&'a [u8]),
}

impl Key<'_> {
    /// The key as SQL prints it: `42`, the text itself (UTF-8), or a hyphenated uuid.
    pub fn to_text_bytes(&self) -> Vec<u8> {
        match self {
            Key::Bigint(v) => v.to_string().into_bytes(),
            Key::Text(b) => b.to_vec(),
            Key::Uuid(b) => crate::kpi::keys::uuid_text(b).into_bytes(),
        }
    }
}

fn read_key<'a>(c: &mut Cursor<'a>, kind: u8) -> Result<Key<'a>, String> {
    Ok(match kind {
        1 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(c.take(8)?);
            Key::Bigint(i64::from_be_bytes(b))
        }
        2 => {
            let n = c.count()?;
            Key::Text(c.take(n)?)
        }
        _ => Key::Uuid(c.take(16)?),
    })
}

/// A stored history's scale and month range (None without months), and each customer in key
/// order with its months.
pub fn walk_customers(
    stored: &[u8],
    mut each: impl FnMut(Key, &Months) -> KpiResult<()>,
) -> KpiResult<(u32, Option<(i32, i32)>)> {
    let mut c = Cursor::new(payload(stored)?);
    let header = read_header(&mut c).map_err(corrupt)?;
    let Some(range) = header.range else {
        return Ok((header.scale, None));
    };
    if header.kind != 0 {
        let n = c.count().map_err(corrupt)?;
        let mut months = Months::default();
        for _ in 0..n {
            let key = read_key(&mut c, header.kind).map_err(corrupt)?;
            read_months(&mut c, range, &mut months).map_err(corrupt)?;
            each(key, &months)?;
        }
    }
    c.finish().map_err(corrupt)?;
    Ok((header.scale, Some(range)))
}

/// Checks a caller's range of months: `from` <= `to`, at most [`MAX_MONTHS`] months.
pub fn check_range(function: &str, from: i32, to: i32) -> KpiResult<()> {
    if from > to {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{function} from_month {} is after to_month {}",
                month_text(from),
                month_text(to)
            ),
            "A report runs from its first month to its last, both included.",
            "Pass the earlier month first.",
        ));
    }
    let span = to as i64 - from as i64 + 1;
    if span > MAX_MONTHS {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{function} range {} to {} spans {span} months, more than {MAX_MONTHS}",
                month_text(from),
                month_text(to)
            ),
            "A report has one row per month of its range.",
            "Ask for a shorter range of months.",
        ));
    }
    Ok(())
}

/// One customer's movements in months `from..=to` (month index, previous units, units,
/// movement), for every month where the previous or the current MRR is above 0.
/// `within`: the longest gap at 0 (microseconds, months as 30 days) after which a return is
/// a reactivation; None for any gap.
#[inline]
pub fn customer_events(
    months: &Months,
    from: i32,
    to: i32,
    within: Option<i128>,
    mut emit: impl FnMut(i32, i128, i128, Movement) -> KpiResult<()>,
) -> KpiResult<()> {
    let ms = months.months();
    let mut prev: Option<(i32, i128)> = None;
    for (i, (m, u)) in months.iter().enumerate() {
        if m > to {
            break;
        }
        if m >= from {
            let (before, class) = match prev {
                None => (0, Movement::New),
                Some((pm, pu)) if pm == m - 1 => (
                    pu,
                    if u > pu {
                        Movement::Expansion
                    } else if u < pu {
                        Movement::Contraction
                    } else {
                        Movement::Unchanged
                    },
                ),
                Some((pm, _)) => {
                    let gap = (m - pm - 1) as i128;
                    match within {
                        Some(w) if gap * MONTH_USEC > w => (0, Movement::New),
                        _ => (0, Movement::Reactivation),
                    }
                }
            };
            emit(m, before, u, class)?;
        }
        // The month after a paid month that the customer does not pay is its churn.
        let next_paid = ms.get(i + 1).is_some_and(|n| *n == m + 1);
        if !next_paid && m < to && m + 1 >= from {
            emit(m + 1, u, 0, Movement::Churn)?;
        }
        prev = Some((m, u));
    }
    Ok(())
}

/// Adds one customer event to the month report row.
fn tally(row: &mut MonthRow, before: i128, after: i128, class: Movement) -> KpiResult<()> {
    if before > 0 {
        add(&mut row.mrr[STARTING], before)?;
        row.customers[STARTING] += 1;
    }
    if after > 0 {
        add(&mut row.mrr[ENDING], after)?;
        row.customers[ENDING] += 1;
    }
    let (slot, amount) = match class {
        Movement::New => (NEW, after),
        Movement::Reactivation => (REACTIVATION, after),
        Movement::Expansion => (EXPANSION, after - before),
        Movement::Contraction => (CONTRACTION, before - after),
        Movement::Churn => (CHURNED, before),
        Movement::Unchanged => return Ok(()),
    };
    add(&mut row.mrr[slot], amount)?;
    row.customers[slot] += 1;
    Ok(())
}

/// One movement row per month of `from..=to` (checked by the caller), none skipped.
/// `poll` runs once per customer (a cancel check).
pub fn movements_between(
    stored: &[u8],
    from: i32,
    to: i32,
    within: Option<i128>,
    mut poll: impl FnMut(),
) -> KpiResult<(u32, Vec<MonthRow>)> {
    let mut rows: Vec<MonthRow> = (from..=to)
        .map(|month| MonthRow {
            month,
            ..MonthRow::default()
        })
        .collect();
    let (scale, _) = walk_customers(stored, |_, months| {
        poll();
        customer_events(months, from, to, within, |m, before, after, class| {
            tally(&mut rows[(m - from) as usize], before, after, class)
        })
    })?;
    Ok((scale, rows))
}

/// The range of a stored history (None without months) and its scale.
pub fn history_range(stored: &[u8]) -> KpiResult<(u32, Option<(i32, i32)>)> {
    let mut c = Cursor::new(payload(stored)?);
    let header = read_header(&mut c).map_err(corrupt)?;
    Ok((header.scale, header.range))
}

/// One row of `mrr_cohorts()`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CohortRow {
    pub cohort: i32,
    pub month_number: i32,
    pub customers: i64,
    pub retained_customers: i64,
    /// The cohort's MRR in its first month and in month `month_number` (units of scale).
    pub cohort_mrr: i128,
    pub mrr: i128,
}

/// ChartMogul's MRR cohorts: a customer's cohort is its first paid month; for each cohort and
/// month number 0 to the history's last month, its customers paying then and their MRR.
/// Memory grows with the paid customer-months, not with cohorts x months: months where
/// nobody of a cohort pays are emitted as zeros.
pub fn cohorts(
    stored: &[u8],
    mut poll: impl FnMut(),
    mut emit: impl FnMut(u32, CohortRow),
) -> KpiResult<()> {
    use std::collections::BTreeMap;
    // (cohort, month) -> (paying customers, MRR); cohort -> customers.
    let mut paid: BTreeMap<(i32, i32), (i64, i128)> = BTreeMap::new();
    let mut sizes: BTreeMap<i32, i64> = BTreeMap::new();
    let (scale, range) = walk_customers(stored, |_, months| {
        poll();
        let Some(&cohort) = months.months().first() else {
            return Ok(());
        };
        *sizes.entry(cohort).or_default() += 1;
        for (m, u) in months.iter() {
            let slot = paid.entry((cohort, m)).or_default();
            slot.0 += 1;
            slot.1 = slot
                .1
                .checked_add(u)
                .ok_or_else(|| too_large("mrr_cohorts"))?;
        }
        Ok(())
    })?;
    let Some((_, last)) = range else {
        return Ok(());
    };
    for (&cohort, &size) in &sizes {
        let cohort_mrr = paid.get(&(cohort, cohort)).map_or(0, |p| p.1);
        for m in cohort..=last {
            let (retained, mrr) = paid.get(&(cohort, m)).copied().unwrap_or((0, 0));
            emit(
                scale,
                CohortRow {
                    cohort,
                    month_number: m - cohort,
                    customers: size,
                    retained_customers: retained,
                    cohort_mrr,
                    mrr,
                },
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::movements::tests::sample;
    use super::*;
    use crate::kpi::revenue::movements::movements;

    #[test]
    fn the_history_range_agrees_with_the_whole_report() {
        let s = sample();
        let (_, whole) = movements(&s, None).unwrap();
        let (_, ranged) = movements_between(&s, 24300, 24303, None, || {}).unwrap();
        assert_eq!(whole, ranged);
        let (_, strict) = movements(&s, Some(0)).unwrap();
        let (_, strict_r) = movements_between(&s, 24300, 24303, Some(0), || {}).unwrap();
        assert_eq!(strict, strict_r);
    }

    #[test]
    fn trailing_and_leading_months() {
        let s = sample();
        let (_, rows) = movements_between(&s, 24298, 24305, None, || {}).unwrap();
        assert_eq!(rows.len(), 8);
        assert_eq!(rows[0].mrr, [0; 7]);
        assert_eq!(rows[1].mrr, [0; 7]);
        // Month 4, after the history: customer 1's 15 churns.
        assert_eq!(rows[6].mrr, [15, 0, 0, 0, 0, 15, 0]);
        assert_eq!(rows[6].customers, [1, 0, 0, 0, 0, 1, 0]);
        assert_eq!(rows[7].mrr, [0; 7]);
        // Starting inside: month 2 starts from the 35 of month 1.
        let (_, mid) = movements_between(&s, 24302, 24302, None, || {}).unwrap();
        assert_eq!(mid[0].mrr, [35, 0, 10, 0, 15, 15, 15]);
    }

    #[test]
    fn customer_rows_add_up_and_cohorts() {
        let s = sample();
        let mut out = vec![];
        walk_customers(&s, |k, months| {
            customer_events(months, 24300, 24304, None, |m, b, a, c| {
                out.push((k.to_text_bytes(), m - 24300, b, a, c.name()));
                Ok(())
            })
        })
        .unwrap();
        let want: Vec<(Vec<u8>, i32, i128, i128, &str)> = vec![
            (b"1".to_vec(), 0, 0, 10, "new"),
            (b"1".to_vec(), 1, 10, 0, "churn"),
            (b"1".to_vec(), 2, 0, 10, "reactivation"),
            (b"1".to_vec(), 3, 10, 15, "expansion"),
            (b"1".to_vec(), 4, 15, 0, "churn"),
            (b"2".to_vec(), 0, 0, 20, "new"),
            (b"2".to_vec(), 1, 20, 20, "unchanged"),
            (b"2".to_vec(), 2, 20, 5, "contraction"),
            (b"2".to_vec(), 3, 5, 0, "churn"),
            (b"3".to_vec(), 1, 0, 15, "new"),
            (b"3".to_vec(), 2, 15, 0, "churn"),
        ];
        assert_eq!(out, want);
        let mut rows = vec![];
        cohorts(&s, || {}, |_, r| rows.push(r)).unwrap();
        // Cohort 0 (customers 1, 2: 30), months 0-3; cohort 1 (customer 3: 15), months 0-2.
        let t: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.cohort - 24300,
                    r.month_number,
                    r.customers,
                    r.retained_customers,
                    r.cohort_mrr,
                    r.mrr,
                )
            })
            .collect();
        assert_eq!(
            t,
            vec![
                (0, 0, 2, 2, 30, 30),
                (0, 1, 2, 1, 30, 20),
                (0, 2, 2, 2, 30, 15),
                (0, 3, 2, 1, 30, 15),
                (1, 0, 1, 1, 15, 15),
                (1, 1, 1, 0, 15, 0),
                (1, 2, 1, 0, 15, 0),
            ]
        );
        assert!(check_range("f", 24301, 24300).is_err());
        assert!(check_range("f", 0, MAX_MONTHS as i32).is_err());
        assert!(check_range("f", 0, MAX_MONTHS as i32 - 1).is_ok());
    }
}
