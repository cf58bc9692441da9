//! The health family in SQL (declared in `sql/health.sql`): `health_score`, `weighted_health`,
//! `health_contributions`, `health_band`, and the `health_score(signal, amount, weights)`
//! aggregate.
//!
//! Arrays and jsonb are read in place (`kpi::pgformat`): per row, the scalar forms allocate
//! two small vectors and nothing else.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys::{Datum, NodeTag};

use super::args::Args;
use super::datum::{server_bytes_to_utf8, to_server_bytes};
use super::fmgr::{pg_function, raise, OrRaise};
use super::jsonb::{self, numeric_to_f64};
use super::rows::{float8, varlena_datum, Rows, NO_RESULT};
use super::summary::state_type;
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::health::bands::Bands;
use crate::kpi::health::state::HealthState;
use crate::kpi::health::{self, Number};
use crate::kpi::pgformat::float8_array::read_float8_array;

/// A `double precision[]` argument: its number of dimensions and its elements (NULL as None).
/// Read from the array's bytes (`utils/array.h`) after the varlena header, whatever its size.
fn float8_array(args: &Args, n: usize) -> (i32, Vec<Option<f64>>) {
    read_float8_array(args.bytes(n)).or_raise()
}

/// A number of a jsonb object, as the maths reads it.
fn number(value: jsonb::Value) -> KpiResult<Number> {
    Ok(match value {
        jsonb::Value::Null => Number::Null,
        jsonb::Value::Number(bytes) => match numeric_to_f64(bytes)? {
            Some(x) if x.is_finite() => Number::Value(x),
            _ => Number::Huge,
        },
        other => Number::Other(other.kind()),
    })
}

/// The bytes of a jsonb value that must be an object of numbers: its (key, number) pairs, in
/// jsonb key order.
fn jsonb_object<'a>(bytes: &'a [u8], function: &str, argument: &str) -> Vec<(&'a [u8], Number)> {
    let read = || -> KpiResult<Vec<(&'a [u8], Number)>> {
        let object = match jsonb::root(bytes)? {
            jsonb::Value::Object(c) => c,
            other => return Err(health::not_an_object(function, argument, other.kind())),
        };
        object
            .entries()?
            .into_iter()
            .map(|(k, v)| Ok((k, number(v)?)))
            .collect()
    };
    read().or_raise()
}

/// Reads the two array arguments of `function`, checking their shapes.
fn two_arrays(
    args: &Args,
    function: &str,
    names: (&str, &str),
) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    let (d0, a) = float8_array(args, 0);
    let (d1, b) = float8_array(args, 1);
    health::check_arrays(function, names, (d0, d1), (a.len(), b.len())).or_raise();
    (a, b)
}

/// The two jsonb objects in arguments 0 and 1 of `function`, named `names` in errors.
fn two_objects<'a>(
    args: &'a Args,
    function: &str,
    names: (&str, &str),
) -> [Vec<(&'a [u8], Number)>; 2] {
    [
        jsonb_object(args.bytes(0), function, names.0),
        jsonb_object(args.bytes(1), function, names.1),
    ]
}

pg_function!(fn csm_health_score_arrays(args) safe {
    let (actions, weights) = two_arrays(args, "health_score", ("actions", "weights"));
    args.return_f64(Some(health::array_score(&actions, &weights).or_raise()))
});

pg_function!(fn csm_health_score_jsonb(args) safe {
    let [actions, weights] = two_objects(args, "health_score", ("actions", "weights"));
    args.return_f64(Some(health::keyed_score(&actions, &weights).or_raise()))
});

pg_function!(fn csm_weighted_health_arrays(args) safe {
    let (scores, weights) = two_arrays(args, "weighted_health", ("scores", "weights"));
    args.return_f64(health::array_weighted(&scores, &weights).or_raise())
});

pg_function!(fn csm_weighted_health_jsonb(args) safe {
    let [scores, weights] = two_objects(args, "weighted_health", ("scores", "weights"));
    args.return_f64(health::keyed_weighted(&scores, &weights).or_raise())
});

pg_function!(fn csm_health_contributions(args) safe {
    const F: &str = "health_contributions";
    let [actions, weights] = two_objects(args, F, ("actions", "weights"));
    let contributions = health::contributions(F, &actions, &weights).or_raise();
    let rows = Rows::new(args);
    for c in contributions {
        rows.put(
            [varlena_datum(c.signal), float8(c.amount), float8(c.weight), float8(c.points)],
            [false; 4],
        );
    }
    NO_RESULT
});

/// Returns a band name as `text` in the server encoding.
fn return_band(args: &Args, name: &str) -> Datum {
    if name.is_ascii() {
        args.return_bytes(name.as_bytes())
    } else {
        args.return_bytes(&to_server_bytes(name))
    }
}

pg_function!(fn csm_health_band(args) safe {
    return_band(args, Bands::default_band_of(args.f64(0)).or_raise())
});

/// A jsonb value as serde_json (for the rare, small inputs that are read as a whole).
fn to_serde(value: jsonb::Value) -> KpiResult<serde_json::Value> {
    use serde_json::Value as J;
    // jsonb strings are in the server encoding (a band named 'é' is one byte in LATIN1).
    let text = |b: &[u8]| {
        if b.is_ascii() {
            String::from_utf8_lossy(b).into_owned()
        } else {
            String::from_utf8_lossy(&server_bytes_to_utf8(b)).into_owned()
        }
    };
    Ok(match value {
        jsonb::Value::Null => J::Null,
        jsonb::Value::Bool(b) => J::Bool(b),
        jsonb::Value::Number(bytes) => {
            let x = numeric_to_f64(bytes)?.unwrap_or(f64::INFINITY);
            // Shortest form that reads back exactly ("40", not "40.0", in messages); past the
            // double range, a number that reads back as infinite, so the maths says so.
            let shortest = format!("{x:?}");
            let literal = if x.is_finite() {
                shortest.strip_suffix(".0").unwrap_or(&shortest)
            } else {
                "1e999"
            };
            serde_json::from_str(literal).unwrap_or(J::Null)
        }
        jsonb::Value::String(b) => J::String(text(b)),
        jsonb::Value::Array(c) => J::Array(
            c.entries()?
                .into_iter()
                .map(|(_, v)| to_serde(v))
                .collect::<KpiResult<_>>()?,
        ),
        jsonb::Value::Object(c) => J::Object(
            c.entries()?
                .into_iter()
                .map(|(k, v)| Ok((text(k), to_serde(v)?)))
                .collect::<KpiResult<_>>()?,
        ),
    })
}

/// The bands of the last call at this call site, kept in its cache: a query passes the same
/// bands on every row, so they are parsed once, not once per row.
struct CachedBands {
    /// The bytes they were parsed from.
    key: Vec<u8>,
    bands: Bands,
}

pg_function!(fn csm_health_band_custom(args) safe {
    args.with_call_site_cache(|cache: &mut Option<CachedBands>| {
        let bytes = args.bytes(1);
        let cached = match cache {
            Some(cached) if cached.key == bytes => cached,
            _ => {
                let spec = jsonb::root(bytes).and_then(to_serde).or_raise();
                let bands = Bands::parse(&spec).or_raise();
                cache.insert(CachedBands {
                    key: bytes.to_vec(),
                    bands,
                })
            }
        };
        return_band(args, cached.bands.band_of(args.f64(0)).or_raise())
    })
});

// The aggregate health_score(signal text, amount double precision, weights jsonb).

/// Makes sure the row's weights (argument `n`) are the group's: parsed on the group's first
/// row, then compared by bytes. The raw datum (a toast pointer for large stored weights) is
/// compared first, so that equal weights are not detoasted again on every row. Not called at
/// all once the weights are known to be one constant or parameter (`weights_fixed`): then
/// every row of one aggregation passes the same value (a subquery's result, an outer query's
/// column, a prepared statement's parameter; a parameter that changes restarts the
/// aggregation). Window aggregates check every row.
fn check_weights(args: &Args, state: &mut HealthState, n: usize) {
    let raw = args.raw_varlena(n);
    if state.has_weights() && raw == state.raw_cache.as_slice() {
        return;
    }
    let bytes = args.bytes(n);
    let identity = weights_identity(bytes).or_raise();
    if state.has_weights() {
        state.check_weights(&identity).or_raise();
    } else {
        let weights = jsonb_object(bytes, "health_score", "weights")
            .into_iter()
            .map(|(k, w)| Ok((k.to_vec(), health::keyed_weight("health_score", k, w)?)))
            .collect::<KpiResult<Vec<_>>>()
            .or_raise();
        state.set_weights(identity, weights);
        state.weights_fixed = matches!(
            args.aggregate_arg_node(n),
            Some(NodeTag::T_Const | NodeTag::T_Param)
        );
    }
    state.raw_cache = raw.to_vec();
}

/// The weights as jsonb's `=` tells them apart: `'{"a": 1}'` and `'{"a": 1.0}'` are equal
/// jsonb (numbers compare by value) though their bytes differ, so they are one weight model.
/// Keys in jsonb order, each with its number's value (`numeric_identity`); a value that is
/// not a number (which the first row's parse refuses anyway) by its kind and bytes. Never
/// empty: the state's "no weights yet" is an empty identity.
fn weights_identity(bytes: &[u8]) -> KpiResult<Vec<u8>> {
    let mut out = b"w".to_vec();
    let jsonb::Value::Object(object) = jsonb::root(bytes)? else {
        out.extend_from_slice(bytes);
        return Ok(out);
    };
    for (key, value) in object.entries()? {
        let value = match value {
            jsonb::Value::Number(n) => jsonb::numeric_identity(n)?,
            jsonb::Value::String(s) => [b"string:".as_slice(), s].concat(),
            jsonb::Value::Bool(b) => format!("bool:{b}").into_bytes(),
            other => other.kind().as_bytes().to_vec(),
        };
        for part in [key, value.as_slice()] {
            out.extend_from_slice(&(part.len() as u32).to_be_bytes());
            out.extend_from_slice(part);
        }
    }
    Ok(out)
}

/// Transition (`sign` 1) and moving-aggregate inverse (`sign` -1). A row with a NULL input
/// changes nothing, but still gets a (possibly empty) state back: a moving-aggregate
/// transition must never return NULL, and an empty state finishes as NULL all the same.
#[inline(always)]
fn accumulate(args: &Args, sign: i64) -> Datum {
    args.update_summary(0, |state: &mut HealthState| {
        if args.is_null(1) || args.is_null(2) || args.is_null(3) {
            return;
        }
        if !state.weights_fixed {
            check_weights(args, state, 3);
        }
        let i = state.signal(args.text(1)).or_raise();
        state.add(i, args.f64(2), sign).or_raise();
    })
}

pg_function!(fn csm_health_accum(args) safe {
    accumulate(args, 1)
});

pg_function!(fn csm_health_retract(args) safe {
    let skipped = args.is_null(1) || args.is_null(2) || args.is_null(3);
    if args.is_null(0) && !skipped {
        raise(KpiError::new(
            ErrorKind::InvalidParameter,
            "health_score cannot take back a row it never counted",
            "The inverse transition was called before any row was added.",
            "This is a bug in the caller; report it.",
        ));
    }
    accumulate(args, -1)
});

state_type!(HealthState {
    state_io("health_score_state"): csm_health_score_state_in, csm_health_score_state_out,
        csm_health_score_state_recv, csm_health_score_state_send;
    combine: csm_health_combine;
    final_f64(|s: &HealthState| s.score()): csm_health_final;
});
