//! The health family in SQL (declared in `sql/health.sql`): `health_score`, `weighted_health`,
//! `health_contributions`, `health_band`, and the `health_score(signal, amount, weights)`
//! aggregate.
//!
//! Arrays and jsonb are read in place (`float8_array`, `pg::jsonb`): per row, the scalar forms
//! allocate two small vectors and nothing else.

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use pgrx::varlena::{
    varatt_is_1b, varatt_is_1b_e, varatt_is_4b_u, vardata_any, varsize_any, varsize_any_exhdr,
};

use super::datum::{new_varlena, server_bytes_to_utf8, to_server_bytes, varlena_bytes};
use super::fmgr::OrRaise;
use super::fmgr::{arg, arg_f64, arg_is_null, pg_function, raise, return_f64};
use super::jsonb::{self, numeric_to_f64};
use super::summary::{state_datum, state_mut, state_type};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::health::bands::Bands;
use crate::kpi::health::state::HealthState;
use crate::kpi::health::{self, Number};

/// The bytes of a varlena argument after its header. An inline, uncompressed value (what
/// nearly every row passes) is read where it is: `pg_detoast_datum_packed` would do the same,
/// but calling it from Rust goes through pgrx's FFI guard, which costs more than a row's work.
#[inline(always)]
unsafe fn bytes_of<'a>(value: Datum) -> &'a [u8] {
    unsafe {
        let ptr = value.cast_mut_ptr::<pg_sys::varlena>();
        if (varatt_is_1b(ptr) && !varatt_is_1b_e(ptr)) || varatt_is_4b_u(ptr) {
            std::slice::from_raw_parts(vardata_any(ptr).cast::<u8>(), varsize_any_exhdr(ptr))
        } else {
            varlena_bytes(value)
        }
    }
}

/// A `double precision[]` argument: its number of dimensions and its elements (NULL as None).
/// Read from the array's bytes (`utils/array.h`) after the varlena header, whatever its size.
unsafe fn float8_array(value: Datum) -> (i32, Vec<Option<f64>>) {
    let bytes = unsafe { varlena_bytes(value) };
    read_float8_array(bytes).or_raise()
}

fn read_float8_array(b: &[u8]) -> KpiResult<(i32, Vec<Option<f64>>)> {
    crate::kpi::pgformat::float8_array::read_float8_array(b)
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

/// A jsonb argument that must be an object of numbers: its (key, number) pairs, in jsonb
/// key order.
unsafe fn jsonb_object<'a>(
    value: Datum,
    function: &str,
    argument: &str,
) -> Vec<(&'a [u8], Number)> {
    let bytes = unsafe { bytes_of(value) };
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
unsafe fn two_arrays(
    fcinfo: FunctionCallInfo,
    function: &str,
    names: (&str, &str),
) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    unsafe {
        let (d0, a) = float8_array(arg(fcinfo, 0));
        let (d1, b) = float8_array(arg(fcinfo, 1));
        health::check_arrays(function, names, (d0, d1), (a.len(), b.len())).or_raise();
        (a, b)
    }
}

pg_function!(fn csm_health_score_arrays(fcinfo) {
    unsafe {
        let (actions, weights) = two_arrays(fcinfo, "health_score", ("actions", "weights"));
        return_f64(fcinfo, Some(health::array_score(&actions, &weights).or_raise()))
    }
});

pg_function!(fn csm_health_score_jsonb(fcinfo) {
    unsafe {
        let actions = jsonb_object(arg(fcinfo, 0), "health_score", "actions");
        let weights = jsonb_object(arg(fcinfo, 1), "health_score", "weights");
        return_f64(fcinfo, Some(health::keyed_score(&actions, &weights).or_raise()))
    }
});

pg_function!(fn csm_weighted_health_arrays(fcinfo) {
    unsafe {
        let (scores, weights) = two_arrays(fcinfo, "weighted_health", ("scores", "weights"));
        return_f64(fcinfo, health::array_weighted(&scores, &weights).or_raise())
    }
});

pg_function!(fn csm_weighted_health_jsonb(fcinfo) {
    unsafe {
        let scores = jsonb_object(arg(fcinfo, 0), "weighted_health", "scores");
        let weights = jsonb_object(arg(fcinfo, 1), "weighted_health", "weights");
        return_f64(fcinfo, health::keyed_weighted(&scores, &weights).or_raise())
    }
});

// health_contributions: a set-returning function in materialize mode (one tuplestore filled
// at once; a few rows per call).
pg_function!(fn csm_health_contributions(fcinfo) {
    unsafe {
        let actions = jsonb_object(arg(fcinfo, 0), "health_contributions", "actions");
        let weights = jsonb_object(arg(fcinfo, 1), "health_contributions", "weights");
        let rows = health::contributions("health_contributions", &actions, &weights).or_raise();
        pg_sys::InitMaterializedSRF(fcinfo, 0);
        let rsinfo = (*fcinfo).resultinfo.cast::<pg_sys::ReturnSetInfo>();
        let f = |x: f64| Datum::from(x.to_bits() as usize);
        for c in rows {
            let mut values = [new_varlena(c.signal), f(c.amount), f(c.weight), f(c.points)];
            let mut nulls = [false; 4];
            pg_sys::tuplestore_putvalues(
                (*rsinfo).setResult,
                (*rsinfo).setDesc,
                values.as_mut_ptr(),
                nulls.as_mut_ptr(),
            );
        }
        Datum::from(0usize)
    }
});

/// Returns a band name as `text` in the server encoding.
unsafe fn return_band(name: &str) -> Datum {
    unsafe {
        if name.is_ascii() {
            new_varlena(name.as_bytes())
        } else {
            new_varlena(&to_server_bytes(name))
        }
    }
}

pg_function!(fn csm_health_band(fcinfo) {
    unsafe {
        return_band(Bands::default_band_of(arg_f64(fcinfo, 0)).or_raise())
    }
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

/// The bands of the last call at this call site, kept in `fn_extra`: a query passes the same
/// bands on every row, so they are parsed once, not once per row.
struct BandsCache {
    key: Vec<u8>,
    bands: Bands,
}

/// The parsed bands of argument 1, from the call site's cache when its bytes are the same.
unsafe fn cached_bands<'a>(fcinfo: FunctionCallInfo) -> &'a Bands {
    unsafe extern "C-unwind" fn drop_cache(ptr: *mut std::ffi::c_void) {
        drop(unsafe { Box::from_raw(ptr.cast::<BandsCache>()) });
    }
    unsafe {
        let bytes = bytes_of(arg(fcinfo, 1));
        let flinfo = (*fcinfo).flinfo;
        let cache = (*flinfo).fn_extra.cast::<BandsCache>();
        if !cache.is_null() && (*cache).key == bytes {
            return &(*cache).bands;
        }
        let spec = jsonb::root(bytes).and_then(to_serde).or_raise();
        let bands = Bands::parse(&spec).or_raise();
        if !cache.is_null() {
            *cache = BandsCache {
                key: bytes.to_vec(),
                bands,
            };
            return &(*cache).bands;
        }
        // Owned by the function's memory context: dropped when the query's context goes.
        let cache = Box::into_raw(Box::new(BandsCache {
            key: bytes.to_vec(),
            bands,
        }));
        let callback = pg_sys::MemoryContextAlloc(
            (*flinfo).fn_mcxt,
            std::mem::size_of::<pg_sys::MemoryContextCallback>(),
        )
        .cast::<pg_sys::MemoryContextCallback>();
        (*callback).func = Some(drop_cache);
        (*callback).arg = cache.cast();
        pg_sys::MemoryContextRegisterResetCallback((*flinfo).fn_mcxt, callback);
        (*flinfo).fn_extra = cache.cast();
        &(*cache).bands
    }
}

pg_function!(fn csm_health_band_custom(fcinfo) {
    unsafe {
        let bands = cached_bands(fcinfo);
        return_band(bands.band_of(arg_f64(fcinfo, 0)).or_raise())
    }
});

// The aggregate health_score(signal text, amount double precision, weights jsonb).

/// Makes sure the row's weights are the group's: parsed on the group's first row, then
/// compared by bytes. The raw datum (a toast pointer for large stored weights) is compared
/// first, so that equal weights are not detoasted again on every row. Not called at all once
/// the weights are known to be one constant or parameter (`weights_fixed`).
unsafe fn check_weights(fcinfo: FunctionCallInfo, state: &mut HealthState, value: Datum) {
    unsafe {
        let ptr = value.cast_mut_ptr::<pg_sys::varlena>();
        let raw = std::slice::from_raw_parts(ptr.cast::<u8>(), varsize_any(ptr));
        if state.has_weights() && raw == state.raw_cache.as_slice() {
            return;
        }
        let bytes = bytes_of(value);
        let identity = weights_identity(bytes).or_raise();
        if state.has_weights() {
            state.check_weights(&identity).or_raise();
        } else {
            let weights = jsonb_object(value, "health_score", "weights")
                .into_iter()
                .map(|(k, w)| Ok((k.to_vec(), health::keyed_weight("health_score", k, w)?)))
                .collect::<KpiResult<Vec<_>>>()
                .or_raise();
            state.set_weights(identity, weights);
            state.weights_fixed = weights_fixed(fcinfo);
        }
        state.raw_cache = raw.to_vec();
    }
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

/// Whether the aggregate's weights argument is a constant or a parameter (a subquery's result,
/// an outer query's column, a prepared statement's parameter). Then every row of one
/// aggregation passes the same value (a parameter that changes restarts the aggregation), so
/// rows after the first need no check. Window aggregates (no Aggref) check every row.
#[cold]
unsafe fn weights_fixed(fcinfo: FunctionCallInfo) -> bool {
    unsafe {
        let aggref = pg_sys::AggGetAggref(fcinfo);
        if aggref.is_null() {
            return false;
        }
        let args = (*aggref).args;
        if args.is_null() || (*args).length != 3 {
            return false;
        }
        let entry = (*(*args).elements.add(2))
            .ptr_value
            .cast::<pg_sys::TargetEntry>();
        let expr = (*entry).expr.cast::<pg_sys::Node>();
        !expr.is_null()
            && matches!(
                (*expr).type_,
                pg_sys::NodeTag::T_Const | pg_sys::NodeTag::T_Param
            )
    }
}

/// Transition (`sign` 1) and moving-aggregate inverse (`sign` -1). A row with a NULL input
/// changes nothing, but still gets a (possibly empty) state back: a moving-aggregate
/// transition must never return NULL, and an empty state finishes as NULL all the same.
#[inline(always)]
unsafe fn accumulate(fcinfo: FunctionCallInfo, sign: i64) -> Datum {
    unsafe {
        let state = state_mut::<HealthState>(fcinfo, 0);
        if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) || arg_is_null(fcinfo, 3) {
            return state_datum(state);
        }
        if !state.weights_fixed {
            check_weights(fcinfo, state, arg(fcinfo, 3));
        }
        let i = state.signal(bytes_of(arg(fcinfo, 1))).or_raise();
        state.add(i, arg_f64(fcinfo, 2), sign).or_raise();
        state_datum(state)
    }
}

pg_function!(fn csm_health_accum(fcinfo) {
    unsafe { accumulate(fcinfo, 1) }
});

pg_function!(fn csm_health_retract(fcinfo) {
    unsafe {
        let skipped = arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) || arg_is_null(fcinfo, 3);
        if arg_is_null(fcinfo, 0) && !skipped {
            raise(KpiError::new(
                ErrorKind::InvalidParameter,
                "health_score cannot take back a row it never counted",
                "The inverse transition was called before any row was added.",
                "This is a bug in the caller; report it.",
            ));
        }
        accumulate(fcinfo, -1)
    }
});

state_type!(HealthState {
    state_io("health_score_state"): csm_health_score_state_in, csm_health_score_state_out,
        csm_health_score_state_recv, csm_health_score_state_send;
    combine: csm_health_combine;
    final_f64(|s: &HealthState| s.score()): csm_health_final;
});
