//! The revenue family's scalar functions: the per-row MRR movement (`mrr_movement`), monthly
//! amount, CLV, CRC and spend lift, and the percent helpers the reports and NRR/GRR share.
//! NRR and GRR over movement columns are in `retention`.

use super::money::{derived_scale, too_large, Money};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// Microseconds in the 365-day year that `interval` days are counted against.
const YEAR_USEC: i128 = 365 * 86_400_000_000;

/// 100 x `num` / `den`, or None when `den` is 0. Both are exact integers at one scale; the
/// only rounding is the final division's (and the conversion of integers past 2^53).
pub fn percent(num: i128, den: i128) -> Option<f64> {
    if den == 0 {
        return None;
    }
    Some(match num.checked_mul(100) {
        Some(n) => n as f64 / den as f64,
        None => 100.0 * (num as f64 / den as f64),
    })
}

/// 100 x (sum of `terms`, each with its sign) / `den`: exact when the sum fits in an i128,
/// otherwise summed as doubles (only sums near 10^38 can get there).
pub fn percent_of_sum(terms: &[(i128, bool)], den: i128) -> Option<f64> {
    times_sum_over(100, terms, den)
}

/// `factor` x (sum of `terms`) / `den`, as [`percent_of_sum`].
pub fn times_sum_over(factor: i128, terms: &[(i128, bool)], den: i128) -> Option<f64> {
    let exact = terms.iter().try_fold(0i128, |acc, &(v, negative)| {
        if negative {
            acc.checked_sub(v)
        } else {
            acc.checked_add(v)
        }
    });
    match exact {
        _ if den == 0 => None,
        Some(num) => Some(match num.checked_mul(factor) {
            Some(n) => n as f64 / den as f64,
            None => factor as f64 * (num as f64 / den as f64),
        }),
        None => {
            let num: f64 = terms
                .iter()
                .map(|&(v, negative)| if negative { -(v as f64) } else { v as f64 })
                .sum();
            Some(factor as f64 * num / den as f64)
        }
    }
}

/// [`percent`] of two amounts of any scales.
pub fn percent_of(num: &Money, den: &Money) -> Option<f64> {
    let scale = num.scale.max(den.scale);
    match (num.units_at(scale), den.units_at(scale)) {
        (Some(n), Some(d)) => percent(n, d),
        _ if den.is_zero() => None,
        _ => Some(100.0 * num.to_f64() / den.to_f64()),
    }
}

#[cold]
fn negative(function: &str, what: &str, value: &Money) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::OutOfRange,
        format!("{function} {what} cannot be negative: {}", value.to_text()),
        format!("The {what} amount is {}.", value.to_text()),
        "Pass amounts of zero or more.",
    )
}

/// Checks that an amount is zero or more.
#[inline]
pub fn non_negative(function: &str, what: &str, value: Money) -> KpiResult<Money> {
    if value.is_negative() {
        Err(negative(function, what, &value))
    } else {
        Ok(value)
    }
}

/// The MRR movement of one customer between two consecutive months (ChartMogul's classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    New,
    Reactivation,
    Expansion,
    Contraction,
    Churn,
    Unchanged,
}

impl Movement {
    pub fn name(self) -> &'static str {
        match self {
            Movement::New => "new",
            Movement::Reactivation => "reactivation",
            Movement::Expansion => "expansion",
            Movement::Contraction => "contraction",
            Movement::Churn => "churn",
            Movement::Unchanged => "unchanged",
        }
    }
}

/// `mrr_movement(previous, current, paid_before)`: None when both months are 0.
pub fn classify(previous: &Money, current: &Money, paid_before: bool) -> Option<Movement> {
    use std::cmp::Ordering::*;
    Some(match (previous.is_zero(), current.is_zero()) {
        (true, true) => return None,
        (true, false) if paid_before => Movement::Reactivation,
        (true, false) => Movement::New,
        (false, true) => Movement::Churn,
        (false, false) => match current.cmp_value(previous) {
            Greater => Movement::Expansion,
            Less => Movement::Contraction,
            Equal => Movement::Unchanged,
        },
    })
}

/// An interval as microseconds of a 365-day year / 12 per month: (months, days, usec) ->
/// units of 1/YEAR_USEC year x 12, i.e. months x YEAR_USEC.
fn interval_month_units(months: i32, days: i32, usec: i64) -> i128 {
    months as i128 * YEAR_USEC + days as i128 * 12 * 86_400_000_000 + usec as i128 * 12
}

/// Whether a billing interval is longer than zero.
pub fn interval_is_positive(months: i32, days: i32, usec: i64) -> bool {
    interval_month_units(months, days, usec) > 0
}

#[cold]
fn bad_interval(function: &str, what: &str, text: &str) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        format!("{function} {what} must be positive: {text}"),
        format!("The {what} given is {text}."),
        "Give a positive interval such as '1 month', '3 months' or '1 year'.",
    )
}

/// An interval whose parts point different ways ('1 month -30 days'): months and days have no
/// fixed ratio, so its length is a matter of convention; such an interval is refused.
pub fn mixed_signs(months: i32, days: i32, usec: i64) -> bool {
    let signs = [months.signum() as i64, days.signum() as i64, usec.signum()];
    signs.contains(&1) && signs.contains(&-1)
}

/// `monthly_amount(amount, billing_interval)`: the amount per month (a year is 12 months,
/// a day 12/365 of a month), rounded half away from zero to [`derived_scale`].
pub fn monthly_amount(
    amount: &Money,
    months: i32,
    days: i32,
    usec: i64,
    interval_text: &str,
) -> KpiResult<Money> {
    let den = interval_month_units(months, days, usec);
    if den <= 0 || mixed_signs(months, days, usec) {
        return Err(bad_interval(
            "monthly_amount",
            "billing interval",
            interval_text,
        ));
    }
    amount
        .mul_div(YEAR_USEC, den, derived_scale(amount))
        .ok_or_else(|| too_large("monthly_amount"))
}

/// `clv(monthly_value, lifetime)`: the value times the lifetime in months.
pub fn clv_lifetime(
    monthly_value: &Money,
    months: i32,
    days: i32,
    usec: i64,
    interval_text: &str,
) -> KpiResult<Money> {
    non_negative("clv", "monthly value", *monthly_value)?;
    let num = interval_month_units(months, days, usec);
    if num < 0 || mixed_signs(months, days, usec) {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("clv lifetime cannot be negative: {interval_text}"),
            format!("The lifetime given is {interval_text}."),
            "Give the expected customer lifetime as a positive interval such as '5 years'.",
        ));
    }
    monthly_value
        .mul_div(num, YEAR_USEC, derived_scale(monthly_value))
        .ok_or_else(|| too_large("clv"))
}

/// `clv(arpa, customer_churn_rate)`: ARPA / (rate / 100); None when the rate is 0. The rate
/// is taken as the shortest decimal that reads back as the same double (2 is 2, not
/// 2.000000000000000042), so round figures give round answers.
pub fn clv_churn(arpa: &Money, rate: f64) -> KpiResult<Option<Money>> {
    non_negative("clv", "arpa", *arpa)?;
    if !(0.0..=100.0).contains(&rate) {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("clv customer churn rate must be between 0 and 100: {rate}"),
            "The customer churn rate is a percentage of customers lost per month.",
            "Pass the monthly churn rate as a percentage, 2 for 2%.",
        ));
    }
    if rate == 0.0 {
        return Ok(None);
    }
    let exact = Money::parse(&format!("{rate}")).ok_or_else(|| too_large("clv"))?;
    let num = 100i128
        .checked_mul(super::money::pow10(exact.scale))
        .ok_or_else(|| too_large("clv"))?;
    arpa.mul_div(num, exact.units, derived_scale(arpa))
        .map(Some)
        .ok_or_else(|| too_large("clv"))
}

/// `crc(retention_cost, customers_retained)`: cost per retained customer; None for none.
pub fn crc(cost: &Money, customers: i64) -> KpiResult<Option<Money>> {
    non_negative("crc", "retention cost", *cost)?;
    if customers < 0 {
        return Err(KpiError::new(
            ErrorKind::OutOfRange,
            format!("crc customers retained cannot be negative: {customers}"),
            format!("The number of customers retained is {customers}."),
            "Pass the count of customers retained in the period.",
        ));
    }
    if customers == 0 {
        return Ok(None);
    }
    cost.mul_div(1, customers as i128, derived_scale(cost))
        .map(Some)
        .ok_or_else(|| too_large("crc"))
}

/// `crc_ratio(retention_cost, recurring_revenue)`: 100 x cost / revenue.
pub fn crc_ratio(cost: &Money, revenue: &Money) -> KpiResult<Option<f64>> {
    non_negative("crc_ratio", "retention cost", *cost)?;
    non_negative("crc_ratio", "recurring revenue", *revenue)?;
    Ok(percent_of(cost, revenue))
}

/// `spend_lift(before, after)`: after - before, exactly.
pub fn spend_lift(before: &Money, after: &Money) -> KpiResult<Money> {
    non_negative("spend_lift", "before", *before)?;
    non_negative("spend_lift", "after", *after)?;
    after.checked_sub(before, "spend_lift")
}

/// `spend_lift_percent(before, after)`: 100 x (after - before) / before; None when before is 0.
pub fn spend_lift_percent(before: &Money, after: &Money) -> KpiResult<Option<f64>> {
    let lift = spend_lift(before, after)?;
    Ok(percent_of(&lift, before))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::revenue::money::tests::m;

    #[test]
    fn movements() {
        assert_eq!(classify(&m("0"), &m("5"), false), Some(Movement::New));
        assert_eq!(
            classify(&m("0"), &m("5"), true),
            Some(Movement::Reactivation)
        );
        assert_eq!(classify(&m("5"), &m("0"), true), Some(Movement::Churn));
        assert_eq!(
            classify(&m("5"), &m("5.00"), true),
            Some(Movement::Unchanged)
        );
        assert_eq!(
            classify(&m("5"), &m("5.01"), true),
            Some(Movement::Expansion)
        );
        assert_eq!(
            classify(&m("5"), &m("4.99"), true),
            Some(Movement::Contraction)
        );
        assert_eq!(classify(&m("0"), &m("0.00"), true), None);
    }

    #[test]
    fn money_helpers() {
        let t = |r: KpiResult<Money>| r.unwrap().to_text();
        assert_eq!(t(monthly_amount(&m("2000"), 12, 0, 0, "")), "166.67");
        assert_eq!(t(monthly_amount(&m("300"), 3, 0, 0, "")), "100.00");
        assert_eq!(t(monthly_amount(&m("365"), 0, 365, 0, "")), "30.42");
        assert!(monthly_amount(&m("1"), 0, 0, 0, "").is_err());
        assert!(monthly_amount(&m("1"), 1, -31, 0, "").is_err());
        assert_eq!(t(clv_lifetime(&m("50"), 60, 0, 0, "")), "3000.00");
        assert_eq!(
            clv_churn(&m("50"), 2.0).unwrap().unwrap().to_text(),
            "2500.00"
        );
        assert_eq!(clv_churn(&m("50"), 0.0).unwrap(), None);
        assert!(clv_churn(&m("50"), -1.0).is_err());
        assert!(clv_churn(&m("50"), f64::NAN).is_err());
        assert_eq!(crc(&m("1000"), 3).unwrap().unwrap().to_text(), "333.33");
        assert_eq!(crc(&m("1000"), 0).unwrap(), None);
        assert_eq!(crc_ratio(&m("50"), &m("1000")).unwrap(), Some(5.0));
        assert_eq!(t(spend_lift(&m("100"), &m("80.5"))), "-19.5");
        assert_eq!(
            spend_lift_percent(&m("100"), &m("125")).unwrap(),
            Some(25.0)
        );
        assert_eq!(spend_lift_percent(&m("0"), &m("125")).unwrap(), None);
    }
}
