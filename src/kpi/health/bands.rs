//! Health bands: contiguous, half-open ranges of scores, each with a name.
//!
//! Seed 001's bands (below 0 / 20-40 / 50-80 / above 80) leave 0-20, 40-50 and every fraction
//! in no band. Here a band list is a sequence of upper bounds, so gaps cannot be written at all:
//! band i covers the scores above band i-1's bound up to its own ("below": exclusive, "up_to":
//! inclusive), and the last band is open.

use serde_json::Value;

use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::text::{echo, json_kind as kind};

/// Where a band ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// Scores strictly below.
    Below(f64),
    /// Scores up to and including.
    UpTo(f64),
}

impl Bound {
    fn value(self) -> f64 {
        match self {
            Bound::Below(x) | Bound::UpTo(x) => x,
        }
    }

    fn contains(self, score: f64) -> bool {
        match self {
            Bound::Below(x) => score < x,
            Bound::UpTo(x) => score <= x,
        }
    }
}

/// A checked band list: every band but the last has a bound, bounds strictly increase.
#[derive(Clone, Debug, PartialEq)]
pub struct Bands {
    bands: Vec<(String, Option<Bound>)>,
}

impl Bands {
    /// The default bands: below 0 'code red'; [0, 50) 'needs improvement'; [50, 80]
    /// 'satisfied'; above 80 'loyal'.
    pub fn default_bands() -> Bands {
        Bands {
            bands: vec![
                ("code red".to_string(), Some(Bound::Below(0.0))),
                ("needs improvement".to_string(), Some(Bound::Below(50.0))),
                ("satisfied".to_string(), Some(Bound::UpTo(80.0))),
                ("loyal".to_string(), None),
            ],
        }
    }

    /// The band of `score` in the default bands, without building them (one call per row).
    pub fn default_band_of(score: f64) -> KpiResult<&'static str> {
        if score.is_nan() {
            return Err(no_band());
        }
        Ok(if score < 0.0 {
            "code red"
        } else if score < 50.0 {
            "needs improvement"
        } else if score <= 80.0 {
            "satisfied"
        } else {
            "loyal"
        })
    }

    /// The band of `score`; NaN has none (22003).
    pub fn band_of(&self, score: f64) -> KpiResult<&str> {
        if score.is_nan() {
            return Err(no_band());
        }
        let band = self
            .bands
            .iter()
            .find(|(_, bound)| bound.is_none_or(|b| b.contains(score)));
        // The last band has no bound, so `find` always finds one.
        Ok(band.map_or("", |(name, _)| name.as_str()))
    }

    /// Reads a band list such as `[{"band": "red", "below": 40}, {"band": "green"}]`.
    pub fn parse(value: &Value) -> KpiResult<Bands> {
        Self::read(value).map_err(|detail| {
            KpiError::new(
                ErrorKind::InvalidParameter,
                format!("invalid health bands: {}", echo(&value.to_string())),
                detail,
                "Write the bands as an array of objects such as {\"band\": \"red\", \"below\": 40}, \
                 with strictly increasing bounds (\"below\" or \"up_to\") and no bound on the last band.",
            )
        })
    }

    fn read(value: &Value) -> Result<Bands, String> {
        let Value::Array(items) = value else {
            return Err(format!(
                "The bands are a JSON {}, not an array.",
                kind(value)
            ));
        };
        if items.is_empty() {
            return Err("The array is empty: at least one band is needed.".to_string());
        }
        let mut bands: Vec<(String, Option<Bound>)> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let n = i + 1;
            let Value::Object(map) = item else {
                return Err(format!("Band {n} is a JSON {}, not an object.", kind(item)));
            };
            if let Some(key) = map
                .keys()
                .find(|k| !["band", "below", "up_to"].contains(&k.as_str()))
            {
                return Err(format!(
                    "Band {n} has the key \"{}\", which is not one of \"band\", \"below\", \"up_to\".",
                    echo(key)
                ));
            }
            let name = match map.get("band") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => {
                    return Err(format!(
                        "The name of band {n} is a JSON {}, not a string.",
                        kind(other)
                    ))
                }
                None => return Err(format!("Band {n} has no \"band\" name.")),
            };
            let label = format!("band {n} (\"{}\")", echo(&name));
            let sentence = format!("Band {n} (\"{}\")", echo(&name));
            let bound = match (map.get("below"), map.get("up_to")) {
                (Some(_), Some(_)) => {
                    return Err(format!(
                        "{sentence} has both \"below\" and \"up_to\": a band has one upper bound."
                    ))
                }
                (Some(b), None) => Some(Bound::Below(number(b, &label)?)),
                (None, Some(b)) => Some(Bound::UpTo(number(b, &label)?)),
                (None, None) => None,
            };
            let last = n == items.len();
            match (bound, last) {
                (None, false) => {
                    return Err(format!(
                        "{sentence} has no upper bound: every band but the last needs \"below\" or \"up_to\"."
                    ))
                }
                (Some(b), true) => {
                    return Err(format!(
                        "{sentence} is the last band but has an upper bound ({}): the last band is open, \
                         it holds every score above the bound before it.",
                        crate::kpi::health::show(b.value())
                    ))
                }
                _ => {}
            }
            if let (Some(b), Some((prev_name, Some(prev)))) = (bound, bands.last()) {
                if b.value() <= prev.value() {
                    return Err(format!(
                        "{sentence} ends at {}, which is not above {} where band {} (\"{}\") ends: bounds must strictly increase.",
                        crate::kpi::health::show(b.value()),
                        crate::kpi::health::show(prev.value()),
                        n - 1,
                        echo(prev_name)
                    ));
                }
            }
            bands.push((name, bound));
        }
        Ok(Bands { bands })
    }
}

#[cold]
fn no_band() -> Box<KpiError> {
    KpiError::new(
        ErrorKind::OutOfRange,
        "health score NaN has no band",
        "Bands cover every number from -Infinity to Infinity, but NaN is not a number.",
        "Filter out or correct the NaN scores.",
    )
}

fn number(value: &Value, label: &str) -> Result<f64, String> {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(format!("The bound of {label} is out of range.")),
        },
        other => Err(format!(
            "The bound of {label} is a JSON {}, not a number.",
            kind(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_boundaries() {
        let b = Bands::default_bands();
        for (score, band) in [
            (-0.01, "code red"),
            (f64::NEG_INFINITY, "code red"),
            (0.0, "needs improvement"),
            (-0.0, "needs improvement"),
            (49.99, "needs improvement"),
            (50.0, "satisfied"),
            (80.0, "satisfied"),
            (80.01, "loyal"),
            (f64::INFINITY, "loyal"),
        ] {
            assert_eq!(b.band_of(score), Ok(band), "{score}");
            assert_eq!(Bands::default_band_of(score), Ok(band), "{score}");
        }
        assert!(b.band_of(f64::NAN).is_err());
        assert!(Bands::default_band_of(f64::NAN).is_err());
    }

    #[test]
    fn custom_bands() {
        let b = Bands::parse(&json!([
            {"band": "red", "below": 40},
            {"band": "amber", "up_to": 70},
            {"band": "green"}
        ]))
        .unwrap();
        assert_eq!(b.band_of(39.99), Ok("red"));
        assert_eq!(b.band_of(40.0), Ok("amber"));
        assert_eq!(b.band_of(70.0), Ok("amber"));
        assert_eq!(b.band_of(70.01), Ok("green"));
        let one = Bands::parse(&json!([{"band": "all"}])).unwrap();
        assert_eq!(one.band_of(-1e300), Ok("all"));
    }

    #[test]
    fn bad_bands() {
        for (bands, detail) in [
            (json!({"band": "x"}), "not an array"),
            (json!([]), "empty"),
            (json!([1]), "not an object"),
            (
                json!([{"band": "a", "below": 1, "color": 2}, {"band": "b"}]),
                "\"color\"",
            ),
            (json!([{"below": 1}, {"band": "b"}]), "no \"band\" name"),
            (
                json!([{"band": 3, "below": 1}, {"band": "b"}]),
                "not a string",
            ),
            (
                json!([{"band": "a", "below": 1, "up_to": 2}, {"band": "b"}]),
                "both",
            ),
            (json!([{"band": "a"}, {"band": "b"}]), "no upper bound"),
            (
                json!([{"band": "a", "below": 1}, {"band": "b", "below": 5}]),
                "last band",
            ),
            (
                json!([{"band": "a", "below": 5}, {"band": "b", "below": 5}, {"band": "c"}]),
                "strictly increase",
            ),
            (
                json!([{"band": "a", "below": 5}, {"band": "b", "up_to": 2}, {"band": "c"}]),
                "strictly increase",
            ),
            (
                json!([{"band": "a", "below": "5"}, {"band": "b"}]),
                "not a number",
            ),
        ] {
            let e = Bands::parse(&bands).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidParameter);
            assert!(e.detail.contains(detail), "{bands}: {}", e.detail);
        }
    }
}
