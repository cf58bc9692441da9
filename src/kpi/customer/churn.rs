//! Customer churn and retention over a period, from one row per customer (started, ended).
//!
//! The period is [start, end). Per row: S (a customer at the start: started before it, not
//! ended before it), C (of S, ended within the period), N (started within the period) and E
//! (a customer at the end: started before it, not ended before it). Churn = C / S (or
//! C / (S + N)), retention = (E - N) / S. All four are counts, so merging and taking a row back
//! are exact.

use crate::kpi::counters::Counters;
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::text::{bad_text, echo, Object};

/// The denominator of the churn rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denominator {
    /// Customers at the start (Baremetrics), the default.
    Start,
    /// Customers at the start plus new customers (Stripe).
    StartPlusNew,
}

impl Denominator {
    pub fn parse(text: &str) -> KpiResult<Self> {
        match text {
            "start" => Ok(Denominator::Start),
            "start_plus_new" => Ok(Denominator::StartPlusNew),
            _ => Err(KpiError::new(
                ErrorKind::InvalidParameter,
                format!(
                    "customer_churn_rate: unknown denominator \"{}\"",
                    echo(text)
                ),
                "The denominator is 'start' (customers at the start of the period) or \
                 'start_plus_new' (those plus customers who started within it).",
                "Pass 'start' or 'start_plus_new', in lower case.",
            )),
        }
    }
}

/// The counts of [`Churn`]; `by_start` and `by_start_plus_new` count the rows that asked for
/// each denominator, so that the final function, which cannot see the argument, knows it.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Churn {
    pub starting: i64,
    pub churned: i64,
    pub new_customers: i64,
    pub ending: i64,
    pub by_start: i64,
    pub by_start_plus_new: i64,
}

const KEYS: [&str; 7] = [
    "version",
    "starting",
    "churned",
    "new",
    "ending",
    "rows_start",
    "rows_start_plus_new",
];

// SAFETY: #[repr(C)] struct of exactly six i64.
unsafe impl Counters for Churn {
    const LEN: usize = 6;
    const TYPE_NAME: &'static str = "churn_state";
    const VERSION: u8 = 1;

    fn to_text(&self) -> String {
        format!(
            "{{\"version\":{},\"starting\":{},\"churned\":{},\"new\":{},\"ending\":{},\
             \"rows_start\":{},\"rows_start_plus_new\":{}}}",
            Self::VERSION,
            self.starting,
            self.churned,
            self.new_customers,
            self.ending,
            self.by_start,
            self.by_start_plus_new
        )
    }

    fn from_text(text: &str) -> KpiResult<Self> {
        let read = || -> Result<Self, String> {
            let o = Object::parse(text, &KEYS, Self::VERSION)?;
            let churn = Churn {
                starting: o.count("starting")?,
                churned: o.count("churned")?,
                new_customers: o.count("new")?,
                ending: o.count("ending")?,
                by_start: o.count("rows_start")?,
                by_start_plus_new: o.count("rows_start_plus_new")?,
            };
            churn.validate()?;
            Ok(churn)
        };
        read().map_err(|why| {
            bad_text(
                Self::TYPE_NAME,
                text,
                why,
                "Write a churn_state as {\"version\":1,\"starting\":s,\"churned\":c,\"new\":n,\
                 \"ending\":e,\"rows_start\":r,\"rows_start_plus_new\":0} with c <= s and \
                 e <= s - c + n.",
            )
        })
    }

    /// Every count zero or more, C <= S, and E <= (S - C) + N: a row is at the end only if it
    /// was at the start and did not churn, or is new.
    fn validate(&self) -> Result<(), String> {
        crate::kpi::counters::non_negative(self.as_slice())?;
        if self.churned > self.starting {
            return Err(format!(
                "Churned {} is more than the {} customers at the start.",
                self.churned, self.starting
            ));
        }
        let most = (self.starting - self.churned) as i128 + self.new_customers as i128;
        if self.ending as i128 > most {
            return Err(format!(
                "Customers at the end {} are more than those at the start who stayed plus the \
                 new ones ({most}).",
                self.ending
            ));
        }
        if self.by_start > 0 && self.by_start_plus_new > 0 {
            return Err(
                "The state mixes the 'start' and 'start_plus_new' denominators.".to_string(),
            );
        }
        let rows = self.by_start as i128 + self.by_start_plus_new as i128;
        if (self.starting as i128).max(self.new_customers as i128) > rows {
            return Err(format!(
                "The state counts more customers than its {rows} rows."
            ));
        }
        Ok(())
    }
}

/// Where one customer stands in a period. All times in one unit (days or microseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub starting: bool,
    pub churned: bool,
    pub new_customer: bool,
    pub ending: bool,
}

/// Classifies a customer who started at `started` and ended at `ended` (`None`: still one) in
/// the period [`period_start`, `period_end`). The caller has checked the period and
/// `ended >= started`.
pub fn classify(started: i64, ended: Option<i64>, period_start: i64, period_end: i64) -> Row {
    let not_ended_before = |t: i64| ended.is_none_or(|e| e >= t);
    let starting = started < period_start && not_ended_before(period_start);
    Row {
        starting,
        churned: starting && ended.is_some_and(|e| e < period_end),
        new_customer: started >= period_start && started < period_end,
        ending: started < period_end && not_ended_before(period_end),
    }
}

/// The period must not be empty.
pub fn check_period(
    metric: &str,
    period_start: i64,
    period_end: i64,
    describe: impl Fn(i64) -> String,
) -> KpiResult<()> {
    if period_end <= period_start {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{metric}: period end {} is not after period start {}",
                describe(period_end),
                describe(period_start)
            ),
            "The period is [period_start, period_end): its end is excluded, so it must come \
             after its start.",
            "Pass the first day (or instant) of the next period as period_end.",
        ));
    }
    Ok(())
}

/// A customer cannot end before it started.
pub fn check_customer(
    metric: &str,
    started: i64,
    ended: Option<i64>,
    describe: impl Fn(i64) -> String,
) -> KpiResult<()> {
    check_ends(metric, "customer", "customer", started, ended, describe)
}

/// A row that ends before it starts, as every churn form refuses it: `who` is how the message
/// names the customer, `what` the row's noun.
pub(super) fn check_ends(
    metric: &str,
    who: &str,
    what: &str,
    started: i64,
    ended: Option<i64>,
    describe: impl Fn(i64) -> String,
) -> KpiResult<()> {
    match ended {
        Some(e) if e < started => Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{metric}: {who} ended at {} before it started at {}",
                describe(e),
                describe(started)
            ),
            format!("A {what}'s end cannot come before its start."),
            "Fix the row, or filter out rows whose end precedes their start.",
        )),
        _ => Ok(()),
    }
}

impl Churn {
    /// Counts (`sign` = 1) or takes back (`sign` = -1) one row; an overflow or taking back
    /// more than was counted is an error.
    pub fn apply(&mut self, row: Row, denominator: Denominator, add: bool) -> KpiResult<()> {
        use crate::kpi::counters::{bump, unbump};
        let step = if add { bump } else { unbump };
        let name = Self::TYPE_NAME;
        match denominator {
            Denominator::Start => step(&mut self.by_start, name)?,
            Denominator::StartPlusNew => step(&mut self.by_start_plus_new, name)?,
        }
        for (hit, counter) in [
            (row.starting, &mut self.starting),
            (row.churned, &mut self.churned),
            (row.new_customer, &mut self.new_customers),
            (row.ending, &mut self.ending),
        ] {
            if hit {
                step(counter, name)?;
            }
        }
        Ok(())
    }

    fn denominator(&self) -> KpiResult<Denominator> {
        if self.by_start > 0 && self.by_start_plus_new > 0 {
            return Err(KpiError::new(
                ErrorKind::InvalidParameter,
                "customer_churn_rate: the denominator differs between rows",
                format!(
                    "{} rows asked for 'start' and {} for 'start_plus_new'.",
                    self.by_start, self.by_start_plus_new
                ),
                "Pass the same denominator on every row of a group.",
            ));
        }
        Ok(if self.by_start_plus_new > 0 {
            Denominator::StartPlusNew
        } else {
            Denominator::Start
        })
    }

    /// 100 x C / S (or / (S + N)); `None` for an empty denominator.
    pub fn churn_rate(&self) -> KpiResult<Option<f64>> {
        let denominator = match self.denominator()? {
            Denominator::Start => self.starting as f64,
            Denominator::StartPlusNew => self.starting as f64 + self.new_customers as f64,
        };
        Ok((denominator > 0.0).then(|| 100.0 * self.churned as f64 / denominator))
    }

    /// 100 x (E - N) / S; `None` when there was no customer at the start.
    pub fn retention_rate(&self) -> Option<f64> {
        (self.starting > 0).then(|| {
            100.0 * (self.ending as f64 - self.new_customers as f64) / self.starting as f64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: bool, c: bool, n: bool, e: bool) -> Row {
        Row {
            starting: s,
            churned: c,
            new_customer: n,
            ending: e,
        }
    }

    #[test]
    fn classification_at_the_boundaries() {
        // Period [10, 20).
        assert_eq!(classify(5, None, 10, 20), row(true, false, false, true));
        assert_eq!(classify(5, Some(10), 10, 20), row(true, true, false, false));
        assert_eq!(
            classify(5, Some(9), 10, 20),
            row(false, false, false, false)
        );
        assert_eq!(classify(5, Some(19), 10, 20), row(true, true, false, false));
        assert_eq!(classify(5, Some(20), 10, 20), row(true, false, false, true));
        assert_eq!(classify(10, None, 10, 20), row(false, false, true, true));
        assert_eq!(
            classify(12, Some(15), 10, 20),
            row(false, false, true, false)
        );
        assert_eq!(classify(20, None, 10, 20), row(false, false, false, false));
    }

    #[test]
    fn rates_by_hand() {
        // 10 at the start, 2 churn, 5 new of whom 1 ends: E = 8 + 4 = 12.
        let mut c = Churn::default();
        for i in 0..10 {
            let ended = if i < 2 { Some(15) } else { None };
            c.apply(classify(0, ended, 10, 20), Denominator::Start, true)
                .unwrap();
        }
        for i in 0..5 {
            let ended = if i == 0 { Some(18) } else { None };
            c.apply(classify(12, ended, 10, 20), Denominator::Start, true)
                .unwrap();
        }
        assert_eq!(
            (c.starting, c.churned, c.new_customers, c.ending),
            (10, 2, 5, 12)
        );
        assert_eq!(c.churn_rate().unwrap(), Some(20.0));
        assert_eq!(c.retention_rate(), Some(70.0));
        assert_eq!(Churn::from_text(&c.to_text()), Ok(c));
        assert_eq!(Churn::from_binary(&c.to_binary()), Ok(c));
        let mut s = c;
        s.by_start_plus_new = s.by_start;
        s.by_start = 0;
        assert_eq!(s.churn_rate().unwrap(), Some(100.0 * 2.0 / 15.0));
        let mut mixed = c;
        mixed.by_start_plus_new = 1;
        assert!(mixed.churn_rate().is_err());
        // Take every row back: empty again.
        let mut back = c;
        for i in 0..10 {
            let ended = if i < 2 { Some(15) } else { None };
            back.apply(classify(0, ended, 10, 20), Denominator::Start, false)
                .unwrap();
        }
        assert_eq!(back.retention_rate(), None);
    }

    #[test]
    fn invalid() {
        assert!(Denominator::parse("Start").is_err());
        assert!(check_period("m", 5, 5, |t| t.to_string()).is_err());
        assert!(check_customer("m", 5, Some(4), |t| t.to_string()).is_err());
        assert!(check_customer("m", 5, Some(5), |t| t.to_string()).is_ok());
        let bad = r#"{"version":1,"starting":1,"churned":2,"new":0,"ending":0,"rows_start":2,"rows_start_plus_new":0}"#;
        assert_eq!(Churn::from_text(bad).unwrap_err().kind, ErrorKind::BadText);
        let mut c = Churn::default();
        assert!(c
            .apply(classify(0, None, 10, 20), Denominator::Start, false)
            .is_err());
    }
}
