//! Survey KPIs (NPS, CSAT, CES) from a histogram of answers 0 to 10.
//!
//! One histogram answers every survey question: NPS, CSAT at any threshold, the mean (CES) and
//! the margin of error all follow from the count of answers at each score. It is also what
//! `survey_agg()` returns, so a stored daily summary can later be rolled up to any period.

use super::counters::{non_negative, Counters};
use super::error::{ErrorKind, KpiError, KpiResult};
use super::normal;
use super::scale::{Scale, CSAT, MAX_SCORE};
use super::text::{bad_text, Object};

const SLOTS: usize = MAX_SCORE as usize + 1;

/// The number of answers at each score from 0 to 10.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SurveyCounts {
    pub counts: [i64; SLOTS],
}

// SAFETY: #[repr(C)] struct of exactly SLOTS i64.
unsafe impl Counters for SurveyCounts {
    const LEN: usize = SLOTS;
    const TYPE_NAME: &'static str = "survey_summary";
    const VERSION: u8 = 1;

    fn to_text(&self) -> String {
        let counts: Vec<String> = self.counts.iter().map(i64::to_string).collect();
        format!(
            "{{\"version\":{},\"counts\":[{}]}}",
            Self::VERSION,
            counts.join(",")
        )
    }

    fn from_text(text: &str) -> KpiResult<Self> {
        let read = || -> Result<Self, String> {
            let object = Object::parse(text, &["version", "counts"], Self::VERSION)?;
            let mut counts = SurveyCounts::default();
            counts
                .counts
                .copy_from_slice(&object.counts("counts", SLOTS)?);
            counts.validate()?;
            Ok(counts)
        };
        read().map_err(|why| {
            bad_text(
                Self::TYPE_NAME,
                text,
                why,
                "Write a survey_summary as {\"version\":1,\"counts\":[c0,c1,...,c10]}: \
                 eleven counts, of the answers 0 to 10.",
            )
        })
    }

    /// Counts are zero or more, and their total fits in a bigint (so every accessor works).
    fn validate(&self) -> Result<(), String> {
        non_negative(&self.counts)?;
        match self.responses() {
            Ok(_) => Ok(()),
            Err(_) => Err("The counts add up to more than 9223372036854775807.".to_string()),
        }
    }
}

impl SurveyCounts {
    /// All answers. Errors only when a hand-written summary's counts add up past `i64`.
    pub fn responses(&self) -> KpiResult<i64> {
        self.sum_where(|_| true)
    }

    pub fn promoters(&self) -> KpiResult<i64> {
        self.sum_where(|s| s >= 9)
    }

    pub fn passives(&self) -> KpiResult<i64> {
        self.sum_where(|s| s == 7 || s == 8)
    }

    pub fn detractors(&self) -> KpiResult<i64> {
        self.sum_where(|s| s <= 6)
    }

    /// Answers with exactly this score (0 to 10).
    pub fn count_of(&self, score: i64) -> KpiResult<i64> {
        let scale = Scale {
            metric: "score_count",
            ..super::scale::SURVEY
        };
        scale.check(score).map(|i| self.counts[i])
    }

    fn sum_where(&self, keep: impl Fn(i64) -> bool) -> KpiResult<i64> {
        let mut total: i64 = 0;
        for (score, n) in self.counts.iter().enumerate() {
            if keep(score as i64) {
                total = total
                    .checked_add(*n)
                    .ok_or_else(|| KpiError::overflow("survey_summary responses"))?;
            }
        }
        Ok(total)
    }

    /// Net Promoter Score, 100 x (promoters - detractors) / responses; `None` with no answers.
    pub fn nps(&self) -> KpiResult<Option<f64>> {
        let n = self.responses()?;
        if n == 0 {
            return Ok(None);
        }
        let net = self.promoters()? as f64 - self.detractors()? as f64;
        Ok(Some(100.0 * net / n as f64))
    }

    /// Margin of error of the NPS, in points, at a two-sided confidence level in (0, 1).
    ///
    /// Each answer scores +1, 0 or -1; NPS/100 is their mean, so its standard error is
    /// sqrt(v / n) with v the (population) variance (promoters + detractors)/n - (nps/100)^2.
    /// `None` with fewer than two answers, where no spread can be estimated.
    pub fn nps_margin(&self, confidence: f64) -> KpiResult<Option<f64>> {
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(KpiError::new(
                ErrorKind::InvalidParameter,
                format!("nps_margin confidence {confidence} is out of range"),
                "The confidence level is a probability strictly between 0 and 1.",
                "Pass 0.95 for a 95% margin of error, or 0.9, 0.99, and so on.",
            ));
        }
        let n = self.responses()?;
        if n < 2 {
            return Ok(None);
        }
        let n_f = n as f64;
        let mean = (self.promoters()? as f64 - self.detractors()? as f64) / n_f;
        let mean_of_squares = (self.promoters()? as f64 + self.detractors()? as f64) / n_f;
        // Rounding can push a zero variance a hair below zero.
        let variance = (mean_of_squares - mean * mean).max(0.0);
        Ok(Some(
            normal::two_sided_z(confidence) * 100.0 * (variance / n_f).sqrt(),
        ))
    }

    /// CSAT on the 1-5 scale: the percentage of answers that are 4 or 5.
    ///
    /// A summary holding a 0 or anything above 5 is not a 1-5 survey, so that is an error
    /// rather than a percentage of the wrong thing.
    pub fn csat(&self) -> KpiResult<Option<f64>> {
        for score in (0..CSAT.min).chain(CSAT.max + 1..=MAX_SCORE) {
            let n = self.counts[score as usize];
            if n > 0 {
                return Err(KpiError::new(
                    ErrorKind::OutOfRange,
                    format!("csat score {score} is out of range"),
                    format!(
                        "csat(survey_summary) reads a 1-5 survey, but this summary holds {n} \
                         answer(s) of {score}."
                    ),
                    "Use csat(summary, satisfied_min) for a summary of another scale.",
                ));
            }
        }
        self.csat_from(4)
    }

    /// The percentage of answers at or above `satisfied_min` (1 to 10).
    pub fn csat_from(&self, satisfied_min: i64) -> KpiResult<Option<f64>> {
        Scale::one_to("csat", MAX_SCORE)?.check_threshold(satisfied_min)?;
        let n = self.responses()?;
        if n == 0 {
            return Ok(None);
        }
        let satisfied = self.sum_where(|s| s >= satisfied_min)?;
        Ok(Some(100.0 * satisfied as f64 / n as f64))
    }

    /// The mean answer.
    pub fn mean(&self) -> KpiResult<Option<f64>> {
        let n = self.responses()?;
        if n == 0 {
            return Ok(None);
        }
        // i128: a sum of counts x scores cannot overflow it.
        let total: i128 = self
            .counts
            .iter()
            .enumerate()
            .map(|(score, c)| score as i128 * *c as i128)
            .sum();
        Ok(Some(total as f64 / n as f64))
    }

    /// CES: the mean answer of a 1..N effort question; a 0 is not a CES answer.
    pub fn ces(&self) -> KpiResult<Option<f64>> {
        if self.counts[0] > 0 {
            return Err(KpiError::new(
                ErrorKind::OutOfRange,
                "ces score 0 is out of range",
                format!(
                    "CES scales start at 1, but this summary holds {} answer(s) of 0.",
                    self.counts[0]
                ),
                "Use mean_score(summary) for the mean of a scale that starts at 0.",
            ));
        }
        self.mean()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed article's example: 55 promoters, 20 passives, 25 detractors.
    fn seed_example() -> SurveyCounts {
        let mut s = SurveyCounts::default();
        s.counts[10] = 30;
        s.counts[9] = 25;
        s.counts[8] = 20;
        s.counts[3] = 25;
        s
    }

    #[test]
    fn nps_is_promoters_minus_detractors() {
        let s = seed_example();
        assert_eq!(s.responses(), Ok(100));
        assert_eq!(s.promoters(), Ok(55));
        assert_eq!(s.passives(), Ok(20));
        assert_eq!(s.detractors(), Ok(25));
        assert_eq!(s.nps(), Ok(Some(30.0)));
        assert_eq!(SurveyCounts::default().nps(), Ok(None));
    }

    #[test]
    fn nps_margin_by_hand() {
        // v = 0.80 - 0.09 = 0.71; 1.959964 x 100 x sqrt(0.71 / 100) = 16.51495...
        let m = seed_example().nps_margin(0.95).unwrap().unwrap();
        assert!((m - 16.514_950_083_766).abs() < 1e-9, "{m}");
        let mut one = SurveyCounts::default();
        one.counts[9] = 1;
        assert_eq!(one.nps_margin(0.95), Ok(None));
        let mut same = SurveyCounts::default();
        same.counts[10] = 7;
        assert_eq!(same.nps_margin(0.95), Ok(Some(0.0)));
        for bad in [0.0, 1.0, -0.5, f64::NAN] {
            assert_eq!(
                seed_example().nps_margin(bad).unwrap_err().kind,
                ErrorKind::InvalidParameter
            );
        }
    }

    #[test]
    fn csat_and_ces() {
        let mut s = SurveyCounts::default();
        s.counts[5] = 3;
        s.counts[4] = 1;
        s.counts[2] = 4;
        assert_eq!(s.csat(), Ok(Some(50.0)));
        assert_eq!(s.csat_from(5), Ok(Some(37.5)));
        assert_eq!(s.mean(), Ok(Some((15.0 + 4.0 + 8.0) / 8.0)));
        assert_eq!(s.ces(), s.mean());
        s.counts[0] = 1;
        assert_eq!(
            s.csat().unwrap_err().message,
            "csat score 0 is out of range"
        );
        assert_eq!(s.ces().unwrap_err().kind, ErrorKind::OutOfRange);
        assert_eq!(
            s.csat_from(0).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
        assert_eq!(SurveyCounts::default().csat(), Ok(None));
    }

    #[test]
    fn text_round_trip() {
        let s = seed_example();
        let text = s.to_text();
        assert_eq!(
            text,
            r#"{"version":1,"counts":[0,0,0,25,0,0,0,0,20,25,30]}"#
        );
        assert_eq!(SurveyCounts::from_text(&text), Ok(s));
        assert_eq!(
            SurveyCounts::from_text(r#" { "counts": [0,0,0,25,0,0,0,0,20,25,30], "version": 1 } "#),
            Ok(s)
        );
        for bad in [
            "",
            "{}",
            r#"{"version":2,"counts":[0,0,0,0,0,0,0,0,0,0,0]}"#,
            r#"{"version":1,"counts":[0,0,0]}"#,
            r#"{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,-1]}"#,
            r#"{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0],"x":1}"#,
            r#"{"version":1,"counts":[9223372036854775807,1,0,0,0,0,0,0,0,0,0]}"#,
        ] {
            assert_eq!(
                SurveyCounts::from_text(bad).unwrap_err().kind,
                ErrorKind::BadText,
                "{bad}"
            );
        }
    }

    #[test]
    fn binary_round_trip() {
        let s = seed_example();
        let bytes = s.to_binary();
        assert_eq!(bytes.len(), 89);
        assert_eq!(bytes[0], 1);
        assert_eq!(SurveyCounts::from_binary(&bytes), Ok(s));
        assert_eq!(
            SurveyCounts::from_binary(&bytes[..88]).unwrap_err().kind,
            ErrorKind::BadBinary
        );
        let mut v2 = bytes.clone();
        v2[0] = 2;
        assert!(SurveyCounts::from_binary(&v2).is_err());
        let mut negative = bytes;
        negative[1] = 0x80;
        assert!(SurveyCounts::from_binary(&negative).is_err());
    }

    #[test]
    fn merge_and_unmerge_are_inverse() {
        let mut a = seed_example();
        let b = seed_example();
        a.merge(&b).unwrap();
        assert_eq!(a.responses(), Ok(200));
        assert_eq!(a.nps(), Ok(Some(30.0)));
        a.unmerge(&b).unwrap();
        assert_eq!(a, seed_example());
        let mut empty = SurveyCounts::default();
        assert!(empty.unmerge(&b).is_err());
        // A merge whose total would pass i64::MAX is an error, even when every count fits:
        // its result could not be read back.
        let mut huge = SurveyCounts::default();
        huge.counts[0] = i64::MAX;
        assert_eq!(
            huge.clone().merge(&b).unwrap_err().kind,
            ErrorKind::OutOfRange
        );
        huge.counts[0] = i64::MAX - 100;
        assert_eq!(huge.merge(&b).map_err(|e| e.kind), Ok(()));
        assert_eq!(
            huge.merge(&huge.clone()).unwrap_err().kind,
            ErrorKind::OutOfRange
        );
    }
}
