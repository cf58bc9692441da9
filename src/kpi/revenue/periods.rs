//! Subscription periods as MRR months, and billing intervals as Stripe writes them.
//!
//! A period `[start, end)` of days counts its MRR in every month whose last day it covers
//! (ChartMogul's month-end MRR): `[2025-01-15, 2025-03-15)` counts in January and February,
//! not in March, where it churns. A period inside one month covers no month end and counts
//! nowhere, as a snapshot taken at each month end never sees it.

use super::history::month_of_pg_date;
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// The months (first, last; month indexes) whose last day lies in `[lo, hi)` (days since
/// 2000-01-01), or None when the period covers no month end.
pub fn month_ends_covered(lo: i32, hi: i32) -> Option<(i32, i32)> {
    if hi <= lo {
        return None;
    }
    // The last day of month m is below hi exactly when m is before hi's month.
    let (first, last) = (month_of_pg_date(lo), month_of_pg_date(hi) - 1);
    (first <= last).then_some((first, last))
}

/// The months a period's days touch (first, last), which a history's range spans.
pub fn months_touched(lo: i32, hi: i32) -> Option<(i32, i32)> {
    (hi > lo).then(|| (month_of_pg_date(lo), month_of_pg_date(hi - 1)))
}

/// A billing interval from Stripe's `interval` and `interval_count`: (months, days).
pub fn billing_interval(unit: &str, count: i32) -> KpiResult<(i32, i32)> {
    let bad_count = || {
        KpiError::new(
            ErrorKind::InvalidParameter,
            format!("monthly_amount interval_count must be positive: {count}"),
            format!("The billing interval given is {count} {unit}."),
            "Pass the number of units per billing period, 1 or more (Stripe's interval_count).",
        )
    };
    if count <= 0 {
        return Err(bad_count());
    }
    let per: (i32, i32) = match unit.trim().to_ascii_lowercase().as_str() {
        "day" | "days" => (0, 1),
        "week" | "weeks" => (0, 7),
        "month" | "months" => (1, 0),
        "year" | "years" => (12, 0),
        _ => {
            return Err(KpiError::new(
                ErrorKind::InvalidParameter,
                format!(
                    "monthly_amount interval_unit \"{}\" is not recognized",
                    crate::kpi::text::echo(unit)
                ),
                "The unit is one of 'day', 'week', 'month' or 'year' (Stripe's interval).",
                "Pass the plan's interval, such as monthly_amount(amount, 'year', 1).",
            ));
        }
    };
    let months = per.0.checked_mul(count).ok_or_else(bad_count)?;
    let days = per.1.checked_mul(count).ok_or_else(bad_count)?;
    Ok((months, days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::revenue::history::pg_date_of_month;

    fn day(y: i32, m: i32, d: i32) -> i32 {
        pg_date_of_month(y * 12 + m - 1) + d - 1
    }
    fn month(y: i32, m: i32) -> i32 {
        y * 12 + m - 1
    }

    #[test]
    fn month_ends() {
        // A mid-month start and end: January and February, churned in March.
        assert_eq!(
            month_ends_covered(day(2025, 1, 15), day(2025, 3, 15)),
            Some((month(2025, 1), month(2025, 2)))
        );
        // Ending on the 1st: the last day of the month before is covered.
        assert_eq!(
            month_ends_covered(day(2025, 1, 15), day(2025, 4, 1)),
            Some((month(2025, 1), month(2025, 3)))
        );
        // Starting on a last day counts that month.
        assert_eq!(
            month_ends_covered(day(2025, 1, 31), day(2025, 2, 1)),
            Some((month(2025, 1), month(2025, 1)))
        );
        // Inside one month: no month end.
        assert_eq!(month_ends_covered(day(2025, 2, 1), day(2025, 2, 28)), None);
        assert_eq!(month_ends_covered(day(2025, 2, 3), day(2025, 2, 3)), None);
        assert_eq!(
            months_touched(day(2025, 2, 1), day(2025, 2, 28)),
            Some((month(2025, 2), month(2025, 2)))
        );
        assert_eq!(
            months_touched(day(2025, 1, 15), day(2025, 4, 1)),
            Some((month(2025, 1), month(2025, 3)))
        );
        // Leap February.
        assert_eq!(
            month_ends_covered(day(2024, 2, 29), day(2024, 3, 1)),
            Some((month(2024, 2), month(2024, 2)))
        );
    }

    #[test]
    fn stripe_units() {
        assert_eq!(billing_interval("year", 1).unwrap(), (12, 0));
        assert_eq!(billing_interval("Month", 3).unwrap(), (3, 0));
        assert_eq!(billing_interval("week", 2).unwrap(), (0, 14));
        assert_eq!(billing_interval("day", 30).unwrap(), (0, 30));
        assert_eq!(
            billing_interval("fortnight", 1).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
        assert_eq!(
            billing_interval("year", 0).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
        assert!(billing_interval("year", i32::MAX).is_err());
    }
}
