//! Answer scales: which whole-number scores a survey question allows.
//!
//! Every survey aggregate checks each score against its scale before counting it, so that a
//! typo in the data (an 11 on a 0-10 question, a 0 on a 1-5 one) is an error, never a silently
//! skewed KPI.

use super::error::{ErrorKind, KpiError, KpiResult};

/// The widest scale any survey summary holds: answers 0 to 10.
pub const MAX_SCORE: i64 = 10;

/// The whole numbers from `min` to `max` that a question allows, and the metric asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub metric: &'static str,
    pub min: i64,
    pub max: i64,
}

/// Bain's Net Promoter question: 0 to 10.
pub const NPS: Scale = Scale::new("nps", 0, 10);
/// The usual satisfaction question: 1 to 5.
pub const CSAT: Scale = Scale::new("csat", 1, 5);
/// CES 2.0 (CEB, 2013): agreement from 1 to 7.
pub const CES: Scale = Scale::new("ces", 1, 7);
/// Whatever a survey summary holds: 0 to 10.
pub const SURVEY: Scale = Scale::new("survey_agg", 0, MAX_SCORE);

impl Scale {
    pub const fn new(metric: &'static str, min: i64, max: i64) -> Scale {
        Scale { metric, min, max }
    }

    /// A 1..`scale_max` scale chosen by the caller; `scale_max` must be 2 to 10.
    #[inline]
    pub fn one_to(metric: &'static str, scale_max: i64) -> KpiResult<Scale> {
        if !(2..=MAX_SCORE).contains(&scale_max) {
            return Err(bad_scale_max(metric, scale_max));
        }
        Ok(Scale {
            metric,
            min: 1,
            max: scale_max,
        })
    }

    /// Checks one answer, returning it as an index into a 0-10 histogram.
    #[inline]
    pub fn check(&self, score: i64) -> KpiResult<usize> {
        if score < self.min || score > self.max {
            return Err(self.out_of_range(&score.to_string()));
        }
        Ok(score as usize)
    }

    /// Checks an answer given as a `real` or `double precision`: a whole number, or the same
    /// error as a fractional `numeric` answer (NaN and infinities included).
    #[inline]
    pub fn check_float(&self, score: f64) -> KpiResult<usize> {
        if score.fract() == 0.0 && score >= self.min as f64 && score <= self.max as f64 {
            return Ok(score as i64 as usize);
        }
        Err(self.out_of_range(&float_text(score)))
    }

    /// Checks an answer given as the text of a `numeric`, which must be a whole number.
    pub fn check_numeric_text(&self, text: &str) -> KpiResult<usize> {
        match whole_number(text) {
            Some(score) => self.check(score),
            None => Err(self.out_of_range(text)),
        }
    }

    /// The error for an answer this scale does not allow.
    #[cold]
    pub fn out_of_range(&self, score: &str) -> Box<KpiError> {
        KpiError::new(
            ErrorKind::OutOfRange,
            format!(
                "{} score {} is out of range",
                self.metric,
                super::text::echo(score)
            ),
            format!(
                "Answers to {} are whole numbers from {} to {}.",
                self.metric, self.min, self.max
            ),
            "Correct or filter out the answers outside the scale, or pick the function \
             variant that takes your scale (see the csmetrics reference).",
        )
    }

    /// Checks a "satisfied from" threshold against this scale.
    #[inline]
    pub fn check_threshold(&self, satisfied_min: i64) -> KpiResult<()> {
        if satisfied_min < self.min || satisfied_min > self.max {
            return Err(self.bad_threshold(satisfied_min));
        }
        Ok(())
    }

    #[cold]
    fn bad_threshold(&self, satisfied_min: i64) -> Box<KpiError> {
        KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{} satisfied_min {satisfied_min} is out of range",
                self.metric
            ),
            format!(
                "The threshold must be an answer on the scale, from {} to {}.",
                self.min, self.max
            ),
            "Pass the lowest answer that counts as satisfied, such as 4 on a 1-5 scale.",
        )
    }
}

#[cold]
fn bad_scale_max(metric: &str, scale_max: i64) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        format!("{metric} scale_max {scale_max} is out of range"),
        format!("Survey scales run from 1 to a scale_max between 2 and {MAX_SCORE}."),
        "Pass the highest answer your question allows, such as 5, 7 or 10.",
    )
}

/// Reads the text of a `numeric` (as `numeric_out` prints it) as a whole number, if it is one.
///
/// `"9"`, `"9.000"` and `"-3"` are whole; `"9.5"`, `"NaN"` and `"Infinity"` are not. A value
/// too large for `i64` is also `None`: it is out of every scale anyway.
/// A float as PostgreSQL prints it (shortest exact form, `Infinity`, `NaN`), for messages.
pub fn float_text(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        format!("{v}")
    }
}

pub fn whole_number(text: &str) -> Option<i64> {
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if !frac_part.bytes().all(|b| b == b'0') {
        return None;
    }
    let digits = int_part.strip_prefix('-').unwrap_or(int_part);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int_part.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers() {
        assert_eq!(whole_number("9"), Some(9));
        assert_eq!(whole_number("9.000"), Some(9));
        assert_eq!(whole_number("-3"), Some(-3));
        assert_eq!(whole_number("0.0"), Some(0));
        assert_eq!(whole_number("9.5"), None);
        assert_eq!(whole_number("9.0001"), None);
        assert_eq!(whole_number("NaN"), None);
        assert_eq!(whole_number("Infinity"), None);
        assert_eq!(whole_number("-Infinity"), None);
        assert_eq!(whole_number("99999999999999999999999"), None);
    }

    #[test]
    fn nps_scale_bounds() {
        assert_eq!(NPS.check(0), Ok(0));
        assert_eq!(NPS.check(10), Ok(10));
        let e = NPS.check(11).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert_eq!(e.message, "nps score 11 is out of range");
        assert_eq!(e.detail, "Answers to nps are whole numbers from 0 to 10.");
        assert!(NPS.check(-1).is_err());
    }

    #[test]
    fn numeric_scores() {
        assert_eq!(CSAT.check_numeric_text("4.00"), Ok(4));
        let e = CSAT.check_numeric_text("4.5").unwrap_err();
        assert_eq!(e.message, "csat score 4.5 is out of range");
        assert!(CSAT.check_numeric_text("NaN").is_err());
    }

    #[test]
    fn custom_scales() {
        assert_eq!(Scale::one_to("ces", 5).unwrap().max, 5);
        let e = Scale::one_to("ces", 11).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
        assert_eq!(e.message, "ces scale_max 11 is out of range");
        assert!(Scale::one_to("ces", 1).is_err());
        let ten = Scale::one_to("csat", 10).unwrap();
        assert!(ten.check_threshold(8).is_ok());
        assert_eq!(
            ten.check_threshold(0).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
        assert!(ten.check_threshold(11).is_err());
    }
}
