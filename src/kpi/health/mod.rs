//! Health scores: points from weighted signals (seed 001), Gainsight-style weighted averages
//! of 0-100 factor scores, and contiguous bands.
//!
//! Keyed inputs arrive as (key, value) pairs in jsonb's key order (shorter keys first, then
//! bytewise: [`key_order`]), so actions and weights are matched by one merge, no map built.

pub mod bands;
pub mod exact;
pub mod lookup;
pub mod state;

use std::cmp::Ordering;

use super::error::{ErrorKind, KpiError, KpiResult};
use super::text::echo;

/// A value of a keyed (JSON) input, as read from the jsonb.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// JSON `null`.
    Null,
    /// A number, converted to the nearest double.
    Value(f64),
    /// A number too large for a double.
    Huge,
    /// Anything else: the JSON type's name.
    Other(&'static str),
}

/// jsonb's order of object keys: shorter first, then bytewise (`lengthCompareJsonbString`).
pub fn key_order(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A double as PostgreSQL prints it: shortest exact digits, `Infinity`, `NaN`.
pub fn show(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        let s = format!("{x:?}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    }
}

/// A key as quoted in a message.
pub fn quote(key: &[u8]) -> String {
    format!("\"{}\"", echo(&String::from_utf8_lossy(key)))
}

/// The keys of an object, quoted, for a DETAIL (at most ten).
fn key_list<T>(entries: &[(&[u8], T)]) -> String {
    let mut names: Vec<String> = entries.iter().take(10).map(|(k, _)| quote(k)).collect();
    if entries.len() > 10 {
        names.push(format!("and {} more", entries.len() - 10));
    }
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

#[cold]
fn invalid(message: String, detail: String, hint: impl Into<String>) -> Box<KpiError> {
    KpiError::new(ErrorKind::InvalidParameter, message, detail, hint)
}

#[cold]
fn out_of_range(message: String, detail: String, hint: &str) -> Box<KpiError> {
    KpiError::new(ErrorKind::OutOfRange, message, detail, hint)
}

/// A JSON argument that is not an object.
#[cold]
pub fn not_an_object(function: &str, argument: &str, kind: &str) -> Box<KpiError> {
    invalid(
        format!(
            "{function} {argument} must be a JSON object, not a{} {kind}",
            article(kind)
        ),
        format!("The {argument} map each signal name to a number, e.g. {{\"logins\": 5}}."),
        "Pass a jsonb object, or use the array form of the function.",
    )
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "n"
    } else {
        ""
    }
}

/// The lengths and dimensions of two arrays passed side by side.
pub fn check_arrays(
    function: &str,
    names: (&str, &str),
    dims: (i32, i32),
    lens: (usize, usize),
) -> KpiResult<()> {
    if dims.0 > 1 || dims.1 > 1 {
        return Err(invalid(
            format!(
                "{function} needs one-dimensional arrays: {} has {} dimensions and {} elements, {} has {} and {}",
                names.0, dims.0, lens.0, names.1, dims.1, lens.1
            ),
            format!("{function} pairs each element of {} with the element of {} at the same position.", names.0, names.1),
            "Pass two flat arrays of the same length.",
        ));
    }
    if lens.0 != lens.1 {
        return Err(invalid(
            format!(
                "{} has {} elements but {} has {}",
                names.0, lens.0, names.1, lens.1
            ),
            format!(
                "{function} pairs each element of {} with the element of {} at the same position, so both arrays must have the same length.",
                names.0, names.1
            ),
            "Pass one weight per element, in the same order.",
        ));
    }
    Ok(())
}

/// A finite input number, or 22003 naming it (`what` ends where the value goes).
fn finite(what: &str, x: f64) -> KpiResult<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(out_of_range(
            format!("{what} is out of range: {}", show(x)),
            "Health scores are computed from finite numbers.".to_string(),
            "Correct or filter out the value.",
        ))
    }
}

/// A JSON number too large for a double.
#[cold]
fn huge(what: &str, key: &[u8]) -> Box<KpiError> {
    out_of_range(
        format!("{what} of {} is out of range", quote(key)),
        "The number is outside the range of double precision: numeric::float8 refuses it too."
            .to_string(),
        "Correct the value.",
    )
}

/// A sum that no longer fits a double.
#[cold]
pub fn overflow(function: &str) -> Box<KpiError> {
    out_of_range(
        format!("{function} result is out of range"),
        "The weighted sum is larger than the largest double precision value.".to_string(),
        "Check the actions and weights for values far larger than intended.",
    )
}

/// The weight of one signal of a keyed input.
pub fn keyed_weight(function: &str, key: &[u8], value: Number) -> KpiResult<f64> {
    match value {
        Number::Value(w) => Ok(w),
        Number::Huge => Err(huge("weight", key)),
        Number::Null => Err(invalid(
            format!("weight of {} is null", quote(key)),
            format!("Every signal given to {function} needs a numeric weight."),
            "Give the weight a number, or remove the signal from the weights.",
        )),
        Number::Other(kind) => Err(not_a_number(function, "weight", key, kind)),
    }
}

#[cold]
fn not_a_number(function: &str, what: &str, key: &[u8], kind: &str) -> Box<KpiError> {
    invalid(
        format!(
            "{what} of {} is a{} {kind}, not a number",
            quote(key),
            article(kind)
        ),
        format!(
            "{function} reads every value as a JSON number ({}).",
            if function == "weighted_health" {
                "a null score leaves its factor out"
            } else {
                "a null action counts 0"
            }
        ),
        "Write the value as a JSON number, e.g. 5 rather than \"5\".",
    )
}

/// An action of a keyed input: null counts 0.
fn keyed_action(function: &str, key: &[u8], value: Number) -> KpiResult<f64> {
    match value {
        Number::Value(x) => Ok(x),
        Number::Null => Ok(0.0),
        Number::Huge => Err(huge("action", key)),
        Number::Other(kind) => Err(not_a_number(function, "action", key, kind)),
    }
}

#[cold]
fn no_weight(function: &str, key: &[u8], weights: &[(&[u8], Number)]) -> Box<KpiError> {
    let noun = if function == "weighted_health" {
        "factor"
    } else {
        "signal"
    };
    invalid(
        format!("{noun} {} has no weight", quote(key)),
        format!(
            "{function} needs a weight for every {noun}; the weights name {}.",
            key_list(weights)
        ),
        format!("Add a weight for the {noun} or remove it: an unweighted {noun} is almost always a misspelt name."),
    )
}

/// One signal's share of a score: `amount × weight` points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contribution<'a> {
    pub signal: &'a [u8],
    pub amount: f64,
    pub weight: f64,
    pub points: f64,
}

/// Every weighted signal with its action (0 when absent or null), in jsonb key order; an
/// action without a weight is 22023. Checks every weight, used or not.
pub fn contributions<'a>(
    function: &str,
    actions: &[(&'a [u8], Number)],
    weights: &[(&'a [u8], Number)],
) -> KpiResult<Vec<Contribution<'a>>> {
    let mut out = Vec::with_capacity(weights.len());
    let mut a = 0;
    for &(key, w) in weights {
        let weight = keyed_weight(function, key, w)?;
        let mut amount = 0.0;
        // Both lists are in jsonb key order: the next action is this weight's, a later
        // one's, or one without a weight.
        if let Some(&(action_key, action)) = actions.get(a) {
            match key_order(action_key, key) {
                Ordering::Less => return Err(no_weight(function, action_key, weights)),
                Ordering::Equal => {
                    amount = keyed_action(function, key, action)?;
                    a += 1;
                }
                Ordering::Greater => {}
            }
        }
        // + 0.0 turns the -0 of a missing action times a negative weight into 0.
        let points = amount * weight + 0.0;
        out.push(Contribution {
            signal: key,
            amount,
            weight,
            points,
        });
    }
    if let Some(&(key, _)) = actions.get(a) {
        return Err(no_weight(function, key, weights));
    }
    Ok(out)
}

/// `health_score(actions jsonb, weights jsonb)`: Σ action × weight.
pub fn keyed_score(actions: &[(&[u8], Number)], weights: &[(&[u8], Number)]) -> KpiResult<f64> {
    let total = contributions("health_score", actions, weights)?
        .iter()
        .fold(0.0, |acc, c| acc + c.points);
    finite_result("health_score", total)
}

fn finite_result(function: &str, x: f64) -> KpiResult<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(overflow(function))
    }
}

/// `health_score(actions[], weights[])`: Σ action × weight; a NULL action counts 0, a NULL
/// weight is 22023. The arrays' shapes are checked by [`check_arrays`] first.
pub fn array_score(actions: &[Option<f64>], weights: &[Option<f64>]) -> KpiResult<f64> {
    let mut total = 0.0;
    for (i, (a, w)) in actions.iter().zip(weights).enumerate() {
        let position = i + 1;
        let Some(w) = *w else {
            return Err(invalid(
                format!("weight {position} of health_score is NULL"),
                "A NULL action counts 0, but every action needs a weight.".to_string(),
                "Give the weight a value, or remove the action and its weight.",
            ));
        };
        let w = finite(&format!("weight {position} of health_score"), w)?;
        let a = finite(
            &format!("action {position} of health_score"),
            a.unwrap_or(0.0),
        )?;
        total += a * w;
    }
    finite_result("health_score", total)
}

/// Weighted average of 0-100 factor scores; NULL scores are left out and the other weights
/// renormalised. All NULL (or nothing) gives `None`.
///
/// Weights are summed in units of 2^`exp`, the power of two of the largest weight so far, so
/// that weights near the double's limit (two of 1e308) add up without overflowing: only their
/// ratios matter, and scaling by a power of two is exact.
struct Average {
    sum: f64,
    weights: f64,
    exp: i32,
    min: f64,
    max: f64,
}

/// The power of two of a positive finite double (subnormals count as 2^-1022).
fn exponent(x: f64) -> i32 {
    (((x.to_bits() >> 52) & 0x7FF) as i32 - 1023).max(-1022)
}

/// x × 2^k, in steps whose factor is itself a double.
fn times_pow2(mut x: f64, mut k: i32) -> f64 {
    while k > 1000 {
        x *= 2f64.powi(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= 2f64.powi(-1000);
        k += 1000;
    }
    x * 2f64.powi(k)
}

impl Average {
    fn new() -> Self {
        Average {
            sum: 0.0,
            weights: 0.0,
            exp: i32::MIN,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    fn add(&mut self, what: &str, score: Option<f64>, weight: f64) -> KpiResult<()> {
        if !(weight > 0.0 && weight.is_finite()) {
            return Err(invalid(
                format!("weight {} of {what} is not positive", show(weight)),
                "weighted_health weights must be positive, finite numbers.".to_string(),
                "Give every factor a weight above 0; to leave a factor out, pass a NULL score.",
            ));
        }
        let Some(score) = score else { return Ok(()) };
        if !(0.0..=100.0).contains(&score) {
            return Err(out_of_range(
                format!("factor score {} of {what} is out of range", show(score)),
                "Factor scores are from 0 to 100.".to_string(),
                "Rescale the factor to 0-100 first, or correct the value.",
            ));
        }
        let e = exponent(weight);
        if e > self.exp {
            if self.exp != i32::MIN {
                self.sum = times_pow2(self.sum, self.exp - e);
                self.weights = times_pow2(self.weights, self.exp - e);
            }
            self.exp = e;
        }
        // Below 2: the sums stay below 200 and 2 per factor.
        let w = times_pow2(weight, -self.exp);
        self.sum += score * w;
        self.weights += w;
        self.min = self.min.min(score);
        self.max = self.max.max(score);
        Ok(())
    }

    fn result(&self) -> KpiResult<Option<f64>> {
        if self.exp == i32::MIN {
            return Ok(None);
        }
        let mean = self.sum / self.weights;
        if !mean.is_finite() {
            // Not reachable with finite scores and positive weights; kept as the contract.
            return Err(overflow("weighted_health"));
        }
        // The mean of values lies between them; rounding must not push 100 to 100.00000000000001.
        Ok(Some(mean.clamp(self.min, self.max)))
    }
}

/// `weighted_health(scores[], weights[])`.
pub fn array_weighted(scores: &[Option<f64>], weights: &[Option<f64>]) -> KpiResult<Option<f64>> {
    let mut avg = Average::new();
    for (i, (s, w)) in scores.iter().zip(weights).enumerate() {
        let what = format!("factor {}", i + 1);
        let Some(w) = *w else {
            return Err(invalid(
                format!("weight of {what} is NULL"),
                "Every factor needs a weight; a NULL score is left out, a NULL weight is an error."
                    .to_string(),
                "Give the weight a value, or remove the factor and its weight.",
            ));
        };
        avg.add(&what, *s, w)?;
    }
    avg.result()
}

/// `weighted_health(scores jsonb, weights jsonb)`: a score without a weight is 22023, a
/// weight without a score (or with a null one) leaves its factor out.
pub fn keyed_weighted(
    scores: &[(&[u8], Number)],
    weights: &[(&[u8], Number)],
) -> KpiResult<Option<f64>> {
    const F: &str = "weighted_health";
    let mut avg = Average::new();
    let mut s = 0;
    for &(key, w) in weights {
        let weight = keyed_weight(F, key, w)?;
        let mut score = None;
        // As in `contributions`: the next score is this weight's, a later one's, or one
        // without a weight.
        if let Some(&(score_key, value)) = scores.get(s) {
            match key_order(score_key, key) {
                Ordering::Less => return Err(no_weight(F, score_key, weights)),
                Ordering::Equal => {
                    score = match value {
                        Number::Null => None,
                        Number::Value(x) => Some(x),
                        Number::Huge => return Err(huge("score", key)),
                        Number::Other(kind) => return Err(not_a_number(F, "score", key, kind)),
                    };
                    s += 1;
                }
                Ordering::Greater => {}
            }
        }
        avg.add(&quote(key), score, weight)?;
    }
    if let Some(&(key, _)) = scores.get(s) {
        return Err(no_weight(F, key, weights));
    }
    avg.result()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_near_the_double_limit_are_scaled_not_summed() {
        let w = Some(1e308);
        assert_eq!(
            array_weighted(&[Some(100.0), Some(0.0)], &[w, w]).unwrap(),
            Some(50.0)
        );
        // Three factors, weights 1e308, 1e308 and 2e-308 (a 1e-616 share: nothing).
        assert_eq!(
            array_weighted(&[Some(90.0), Some(30.0), Some(0.0)], &[w, w, Some(2e-308)]).unwrap(),
            Some(60.0)
        );
        // Tiny and subnormal weights in proportion 1:3: 25 + 0.75 × 100 = 75 exactly.
        assert_eq!(
            array_weighted(&[Some(0.0), Some(100.0)], &[Some(5e-324), Some(1.5e-323)]).unwrap(),
            Some(75.0)
        );
        assert_eq!(times_pow2(1.0, -1074), 5e-324);
        assert_eq!(times_pow2(1.5, 1023), 1.5 * 2f64.powi(1023));
    }

    fn v(x: f64) -> Number {
        Number::Value(x)
    }

    #[test]
    fn seed_example_is_65() {
        // 5 logins x 5 + 3 CS engagements x 20 + 1 unresolved ticket x (-20) = 25 + 60 - 20.
        let a = [Some(5.0), Some(3.0), Some(1.0)];
        let w = [Some(5.0), Some(20.0), Some(-20.0)];
        assert_eq!(array_score(&a, &w), Ok(65.0));
        // jsonb order: shorter keys first.
        let actions: [(&[u8], Number); 3] = [
            (b"logins", v(5.0)),
            (b"cs_engagements", v(3.0)),
            (b"unresolved_tickets", v(1.0)),
        ];
        assert_eq!(keyed_score(&actions, &actions_weights()), Ok(65.0));
    }

    fn actions_weights() -> [(&'static [u8], Number); 3] {
        [
            (b"logins", v(5.0)),
            (b"cs_engagements", v(20.0)),
            (b"unresolved_tickets", v(-20.0)),
        ]
    }

    #[test]
    fn keyed_rules() {
        let w = actions_weights();
        // A weight with no action counts 0; a null action counts 0.
        assert_eq!(keyed_score(&[(b"logins", v(2.0))], &w), Ok(10.0));
        assert_eq!(keyed_score(&[(b"logins", Number::Null)], &w), Ok(0.0));
        assert_eq!(keyed_score(&[], &w), Ok(0.0));
        // An action without a weight, before, between or after the weighted keys.
        for key in [&b"a"[..], b"loginz", b"zzzzzzzzzzzzzzzzzzzzzzzz"] {
            let e = keyed_score(&[(key, v(1.0))], &w).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidParameter);
            assert!(e.message.contains("has no weight"), "{}", e.message);
        }
        let e = keyed_score(&[(b"logins", Number::Other("string"))], &w).unwrap_err();
        assert_eq!(e.message, "action of \"logins\" is a string, not a number");
        let bad_w = [(&b"logins"[..], Number::Other("boolean"))];
        assert_eq!(
            keyed_score(&[], &bad_w).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
        let c = contributions("health_score", &[(b"logins", v(2.0))], &w).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[2].points.to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn array_rules() {
        assert_eq!(
            array_score(&[None, Some(2.0)], &[Some(9.0), Some(1.5)]),
            Ok(3.0)
        );
        assert_eq!(
            array_score(&[Some(1.0)], &[None]).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
        assert_eq!(
            array_score(&[Some(f64::NAN)], &[Some(1.0)])
                .unwrap_err()
                .kind,
            ErrorKind::OutOfRange
        );
        assert_eq!(
            array_score(&[Some(1e300)], &[Some(1e300)])
                .unwrap_err()
                .kind,
            ErrorKind::OutOfRange
        );
        assert!(check_arrays("health_score", ("actions", "weights"), (1, 1), (3, 3)).is_ok());
        let e = check_arrays("health_score", ("actions", "weights"), (1, 1), (3, 2)).unwrap_err();
        assert_eq!(e.message, "actions has 3 elements but weights has 2");
        assert!(check_arrays("health_score", ("actions", "weights"), (2, 1), (4, 4)).is_err());
    }

    #[test]
    fn weighted_average() {
        // (80 x 2 + 50 x 1) / 3 = 70; the NULL factor's weight 5 is left out.
        let s = [Some(80.0), Some(50.0), None];
        let w = [Some(2.0), Some(1.0), Some(5.0)];
        assert_eq!(array_weighted(&s, &w), Ok(Some(70.0)));
        assert_eq!(array_weighted(&[None], &[Some(1.0)]), Ok(None));
        assert_eq!(array_weighted(&[], &[]), Ok(None));
        assert_eq!(
            array_weighted(&[Some(101.0)], &[Some(1.0)])
                .unwrap_err()
                .kind,
            ErrorKind::OutOfRange
        );
        assert_eq!(
            array_weighted(&[None], &[Some(0.0)]).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
        assert_eq!(
            array_weighted(&[Some(100.0); 3], &[Some(0.1), Some(0.2), Some(0.7)]),
            Ok(Some(100.0))
        );
        let scores: [(&[u8], Number); 2] = [(b"nps", v(90.0)), (b"usage", Number::Null)];
        let weights: [(&[u8], Number); 3] =
            [(b"nps", v(1.0)), (b"usage", v(3.0)), (b"support", v(1.0))];
        assert_eq!(keyed_weighted(&scores, &weights), Ok(Some(90.0)));
        let extra: [(&[u8], Number); 1] = [(b"npz", v(90.0))];
        assert!(keyed_weighted(&extra, &weights).is_err());
    }
}
