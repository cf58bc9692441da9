//! Time to value: how long users took from sign-up to their first value event, with those who
//! never got there counted beside it (the median alone silently drops them).
//!
//! Exact: every duration is kept (microseconds), so the median and any percentile equal
//! PostgreSQL's `percentile_cont`; the summary's binary form holds them sorted (canonical).

use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::{Reader, Summary};
use crate::kpi::text::{bad_text, whole_number, Object};

const MICROS_PER_DAY: f64 = 86_400_000_000.0;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct TimeToValue {
    /// Durations of the users who reached value, in microseconds. Sorted in every value read
    /// back or written; in arbitrary order while an aggregate adds to it.
    pub durations: Vec<i64>,
    /// Users who have not reached value (yet).
    pub not_reached: i64,
}

impl TimeToValue {
    /// One user: signed up at `start`, reached value at `value_at` (`None`: not yet).
    /// Infinite times have no duration; a value before the sign-up is contradictory.
    pub fn add(
        &mut self,
        start: i64,
        value_at: Option<i64>,
        describe: impl Fn(i64) -> String,
    ) -> KpiResult<()> {
        let infinite = |t: i64| t == i64::MIN || t == i64::MAX;
        if infinite(start) || value_at.is_some_and(infinite) {
            return Err(KpiError::new(
                ErrorKind::InvalidParameter,
                format!(
                    "time_to_value: an infinite time ({}) has no duration",
                    describe(if infinite(start) {
                        start
                    } else {
                        value_at.unwrap_or(start)
                    })
                ),
                "Time to value is the time from sign-up to the value event, both finite.",
                "Pass NULL for a user who has not reached value yet.",
            ));
        }
        match value_at {
            None => {
                self.not_reached = self
                    .not_reached
                    .checked_add(1)
                    .ok_or_else(|| KpiError::overflow(Self::TYPE_NAME))?;
            }
            Some(at) if at < start => {
                return Err(KpiError::new(
                    ErrorKind::InvalidParameter,
                    format!(
                        "time_to_value: value at {} is before the sign-up at {}",
                        describe(at),
                        describe(start)
                    ),
                    "A user cannot reach value before signing up.",
                    "Check the two columns' order, or filter out rows whose value event \
                     precedes the sign-up.",
                ))
            }
            // Finite timestamps span up to about 2^63.03 us: 4713 BC to 294276 AD overflows.
            Some(at) => match at.checked_sub(start) {
                Some(duration) => {
                    crate::kpi::error::reserve(&mut self.durations, 1, "time_to_value")?;
                    self.durations.push(duration)
                }
                None => {
                    return Err(KpiError::new(
                        ErrorKind::OutOfRange,
                        format!(
                            "time_to_value: the time from {} to {} is out of range",
                            describe(start),
                            describe(at)
                        ),
                        "A time to value must fit in 292,000 years of microseconds.",
                        "Check the two columns for placeholder dates such as 4713 BC.",
                    ))
                }
            },
        }
        Ok(())
    }

    pub fn reached(&self) -> i64 {
        self.durations.len() as i64
    }

    /// Reached users over all users, in percent; `None` for no user.
    pub fn reached_percent(&self) -> Option<f64> {
        let all = self.reached() as f64 + self.not_reached as f64;
        (all > 0.0).then(|| 100.0 * self.reached() as f64 / all)
    }

    /// The `p` percentile in days, interpolated as `percentile_cont`; `None` when no user
    /// reached value. `sorted` must be the durations in ascending order.
    pub fn percentile_sorted(sorted: &[i64], p: f64) -> KpiResult<Option<f64>> {
        check_fraction(p)?;
        if sorted.is_empty() {
            return Ok(None);
        }
        let pos = p * (sorted.len() - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = pos.ceil() as usize;
        let first = sorted[lo] as f64 / MICROS_PER_DAY;
        if lo == hi {
            return Ok(Some(first));
        }
        let second = sorted[hi] as f64 / MICROS_PER_DAY;
        Ok(Some(first + (second - first) * (pos - lo as f64)))
    }

    /// The median in days without sorting everything: one or two selections on a copy.
    pub fn median_unsorted(&self) -> Option<f64> {
        let n = self.durations.len();
        if n == 0 {
            return None;
        }
        let mut copy = self.durations.clone();
        let lo = (n - 1) / 2;
        let (_, lo_value, rest) = copy.select_nth_unstable(lo);
        let first = *lo_value as f64 / MICROS_PER_DAY;
        if n % 2 == 1 {
            return Some(first);
        }
        let hi_value = rest.iter().min().copied().unwrap_or(*lo_value);
        let second = hi_value as f64 / MICROS_PER_DAY;
        Some(first + (second - first) * 0.5)
    }

    fn sorted_durations(&self) -> std::borrow::Cow<'_, [i64]> {
        if self.durations.windows(2).all(|w| w[0] <= w[1]) {
            std::borrow::Cow::Borrowed(&self.durations)
        } else {
            let mut v = self.durations.clone();
            v.sort_unstable();
            std::borrow::Cow::Owned(v)
        }
    }

    /// The durations sorted in place (a summary about to be written or read by accessors).
    pub fn sort(&mut self) {
        self.durations.sort_unstable();
    }

    pub fn percentile(&self, p: f64) -> KpiResult<Option<f64>> {
        Self::percentile_sorted(&self.sorted_durations(), p)
    }
}

/// The stored forms hold the durations ascending (one byte sequence per value).
fn ascending(durations: &[i64]) -> Result<(), String> {
    if durations.windows(2).all(|w| w[0] <= w[1]) {
        Ok(())
    } else {
        Err("The durations are not in ascending order.".to_string())
    }
}

fn check_fraction(p: f64) -> KpiResult<()> {
    if !(0.0..=1.0).contains(&p) {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("percentile_days: percentile {p} is not between 0 and 1"),
            "The percentile is a fraction: 0.5 is the median, 0.9 the 90th percentile.",
            "Pass a number from 0 to 1.",
        ));
    }
    Ok(())
}

impl Summary for TimeToValue {
    const TYPE_NAME: &'static str = "ttv_summary";
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        crate::kpi::error::reserve(&mut self.durations, other.durations.len(), "time_to_value")?;
        self.durations.extend_from_slice(&other.durations);
        self.not_reached = self
            .not_reached
            .checked_add(other.not_reached)
            .ok_or_else(|| KpiError::overflow(Self::TYPE_NAME))?;
        if self.durations.len() > u32::MAX as usize {
            return Err(KpiError::overflow(Self::TYPE_NAME));
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.durations.is_empty() && self.not_reached == 0
    }

    /// not_reached, count, then the durations ascending.
    fn write_payload(&self, out: &mut Vec<u8>) {
        let sorted = self.sorted_durations();
        out.reserve(12 + 8 * sorted.len());
        out.extend_from_slice(&self.not_reached.to_be_bytes());
        out.extend_from_slice(&(sorted.len() as u32).to_be_bytes());
        for d in sorted.iter() {
            out.extend_from_slice(&d.to_be_bytes());
        }
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let not_reached = r.i64()?;
        let n = r.len(8)?;
        let durations = (0..n).map(|_| r.i64()).collect::<Result<Vec<_>, _>>()?;
        r.finish()?;
        ascending(&durations)?;
        Ok(TimeToValue {
            durations,
            not_reached,
        })
    }

    fn to_text(&self) -> String {
        let sorted = self.sorted_durations();
        let list: Vec<String> = sorted.iter().map(|d| d.to_string()).collect();
        format!(
            "{{\"version\":{},\"not_reached\":{},\"durations_us\":[{}]}}",
            Self::VERSION,
            self.not_reached,
            list.join(",")
        )
    }

    fn from_text(text: &str) -> KpiResult<Self> {
        let read = || -> Result<Self, String> {
            let o = Object::parse(
                text,
                &["version", "not_reached", "durations_us"],
                Self::VERSION,
            )?;
            let not_reached = o.count("not_reached")?;
            let serde_json::Value::Array(items) = o.value("durations_us")? else {
                return Err("\"durations_us\" is not an array.".to_string());
            };
            let durations = items
                .iter()
                .enumerate()
                .map(|(i, v)| whole_number(v, &format!("Element {i} of \"durations_us\"")))
                .collect::<Result<Vec<_>, _>>()?;
            ascending(&durations)?;
            let ttv = TimeToValue {
                durations,
                not_reached,
            };
            ttv.validate()?;
            Ok(ttv)
        };
        read().map_err(|why| {
            bad_text(
                Self::TYPE_NAME,
                text,
                why,
                "Write a ttv_summary as {\"version\":1,\"not_reached\":n,\"durations_us\":[...]} \
                 with the durations in microseconds, ascending and zero or more.",
            )
        })
    }

    /// Durations and not_reached zero or more. (Order is checked where a value is read back:
    /// a state being aggregated is in arrival order.)
    fn validate(&self) -> Result<(), String> {
        if self.not_reached < 0 {
            return Err(format!("not_reached {} is negative.", self.not_reached));
        }
        if let Some(d) = self.durations.iter().find(|d| **d < 0) {
            return Err(format!("Duration {d} is negative."));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000_000;

    fn ttv(days: &[i64], not_reached: i64) -> TimeToValue {
        let mut t = TimeToValue::default();
        for d in days {
            t.add(0, Some(d * DAY), |x| x.to_string()).unwrap();
        }
        for _ in 0..not_reached {
            t.add(0, None, |x| x.to_string()).unwrap();
        }
        t
    }

    #[test]
    fn median_odd_and_even() {
        // Odd: 1, 3, 10 -> 3. Even: 1, 3, 10, 20 -> (3 + 10) / 2 = 6.5.
        assert_eq!(ttv(&[10, 1, 3], 2).median_unsorted(), Some(3.0));
        assert_eq!(ttv(&[20, 10, 1, 3], 0).median_unsorted(), Some(6.5));
        assert_eq!(ttv(&[20, 10, 1, 3], 0).percentile(0.5).unwrap(), Some(6.5));
        // p = 0.9 over 1, 3, 10, 20: pos 2.7 -> 10 + 0.7 x 10 = 17.
        let p90 = ttv(&[20, 10, 1, 3], 0).percentile(0.9).unwrap().unwrap();
        assert!((p90 - 17.0).abs() < 1e-12);
        assert_eq!(ttv(&[], 3).median_unsorted(), None);
        assert_eq!(ttv(&[1], 3).reached_percent(), Some(25.0));
        assert!(ttv(&[1], 0).percentile(1.5).is_err());
    }

    #[test]
    fn forms_are_canonical() {
        let a = ttv(&[5, 1, 3], 1);
        let b = ttv(&[3, 5, 1], 1);
        assert_eq!(a.to_binary(), b.to_binary());
        let back = TimeToValue::from_binary(&a.to_binary()).unwrap();
        assert_eq!(back.durations, vec![DAY, 3 * DAY, 5 * DAY]);
        assert_eq!(TimeToValue::from_text(&a.to_text()).unwrap(), back);
        assert!(
            TimeToValue::from_text(r#"{"version":1,"not_reached":0,"durations_us":[3,1]}"#)
                .is_err()
        );
        let mut before = TimeToValue::default();
        assert!(before.add(10, Some(5), |x| x.to_string()).is_err());
        assert!(before.add(i64::MIN, Some(5), |x| x.to_string()).is_err());
    }
}
