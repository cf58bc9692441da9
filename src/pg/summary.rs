//! Variable-size summaries in aggregates (sets, maps, bitmaps): the plumbing every such family
//! shares, written once over [`Summary`].
//!
//! - While an aggregate runs, its state is a Rust value inside a PostgreSQL expanded object
//!   (`pg::expanded`), created on a group's first row in the aggregate's memory context and
//!   dropped when that context is reset (end of the query, a restarted window frame, an
//!   error). Rows update it in place.
//! - The aggregate's state type is a real SQL type whose flat form is
//!   [`Summary::to_state_binary`]: the summary type itself when that is its stored form, else a
//!   `*_state` type (`pg::state_type`). PostgreSQL flattens the state when it leaves the
//!   aggregate (parallel workers, Citus workers) and [`combine`] merges flat values back in.
//!   Every variable-size state is wired this way, declared once per type with
//!   [`state_type!`].
//! - What users store is the summary type: a varlena holding the binary form (version byte
//!   first), with text and binary I/O, `=` and hashing from `pg::datum`.
//!
//! Transition functions are declared non-strict (the state starts as NULL) and skip NULL
//! inputs themselves with [`unchanged`].

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};

use super::datum;
use super::fmgr::{arg, arg_is_null, raise, return_f64, return_null, OrRaise};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::Summary;

pub use super::expanded::{state_mut, state_ref, StateRef};

/// The datum a transition or combine function returns for a state from [`state_mut`].
///
/// # Safety
/// `state` must come from [`state_mut`] of the same call.
#[inline(always)]
pub unsafe fn state_datum<T: Summary>(state: &mut T) -> Datum {
    unsafe { super::expanded::datum_of(state) }
}

/// A transition step that changes nothing (a row with a NULL input): the state as it came,
/// NULL before the group's first counted row.
///
/// # Safety
/// `fcinfo` is a live call of an aggregate transition function.
#[inline]
pub unsafe fn unchanged(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return_null(fcinfo)
        } else {
            arg(fcinfo, 0)
        }
    }
}

/// Combine function: merges the second state into the first (creating it in the aggregate's
/// context when the first is NULL, as the second may live in a shorter-lived context).
///
/// # Safety
/// `fcinfo` is the live call of `T`'s combine function (arguments 0 and 1 states of `T`
/// or NULL).
pub unsafe fn combine<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        let Some(other) = state_ref::<T>(fcinfo, 1) else {
            return unchanged(fcinfo);
        };
        let state = state_mut::<T>(fcinfo, 0);
        match other {
            StateRef::Borrowed(other) => state.merge_checked(other).or_raise(),
            StateRef::Owned(other) => state.merge_owned_checked(other).or_raise(),
        }
        state_datum(state)
    }
}

/// Final function of two-step aggregates: the summary, or NULL for a group that counted
/// nothing. Its invariants are checked, so no aggregate hands out a value its type's input
/// would reject. The state keeps its value (a window aggregate may call this again and go on
/// adding rows): only its representation is settled, and a state that needs finishing (MRR
/// credits to net) is finished on a copy.
///
/// # Safety
/// `fcinfo` is the live call of `T`'s final function (argument 0 a state of `T` or NULL).
pub unsafe fn finalize<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return return_null(fcinfo);
        }
        let state = super::expanded::settled_ref::<T>(arg(fcinfo, 0));
        let finished;
        let state: &T = if state.needs_finish() {
            let mut copy = T::from_state_binary(&state.to_state_binary()).or_raise();
            copy.finish().or_raise();
            finished = copy;
            &finished
        } else {
            &state
        };
        if state.is_empty() {
            return return_null(fcinfo);
        }
        if let Err(why) = state.validate() {
            raise(KpiError::new(
                ErrorKind::OutOfRange,
                format!("{} is out of range", T::TYPE_NAME),
                why,
                "Aggregate smaller groups.",
            ));
        }
        new_datum(state)
    }
}

/// Transition of `rollup(summary)`: merges a stored summary into the state.
///
/// # Safety
/// `fcinfo` is the live call of `rollup(summary)`'s transition (argument 0 a state of `T`
/// or NULL, argument 1 a summary of `T` or NULL).
pub unsafe fn rollup<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 1) {
            return unchanged(fcinfo);
        }
        let other = read::<T>(arg(fcinfo, 1));
        let state = state_mut::<T>(fcinfo, 0);
        state.merge_owned_checked(other).or_raise();
        state_datum(state)
    }
}

/// A summary read from a datum of its SQL type (checked: version and invariants).
///
/// # Safety
/// `value` is a non-NULL value of `T`'s SQL type.
pub unsafe fn read<T: Summary>(value: Datum) -> T {
    unsafe { T::from_binary(datum::varlena_bytes(value)).or_raise() }
}

/// A new datum of the summary's SQL type.
///
/// # Safety
/// Called inside a PostgreSQL function call (the datum is palloc'd in its memory context).
pub unsafe fn new_datum<T: Summary>(value: &T) -> Datum {
    unsafe {
        let Some(len) = value.binary_len() else {
            return datum::new_varlena(&value.to_binary());
        };
        // A length that disagrees with the writer would be a bug, pinned by the summary's
        // unit tests; were it ever to happen, the vector form is still the right value.
        datum::new_varlena_with(len, |out| value.write_binary(out))
            .unwrap_or_else(|| datum::new_varlena(&value.to_binary()))
    }
}

/// Text input.
///
/// # Safety
/// `fcinfo` is the live call of `T`'s type input function.
pub unsafe fn input<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        let value = T::from_text(&datum::input_text(fcinfo)).or_raise();
        if let Err(why) = value.validate() {
            raise(KpiError::new(
                ErrorKind::BadText,
                format!("invalid input syntax for type {}", T::TYPE_NAME),
                why,
                "Write the value as its output function prints it.",
            ));
        }
        check_writable(&value, ErrorKind::BadText, || {
            format!("invalid input syntax for type {}", T::TYPE_NAME)
        });
        new_datum(&value)
    }
}

/// Raises `kind` with `message` when the value's text output cannot be written in the
/// database's encoding ([`writable`]).
fn check_writable<T: Summary>(value: &T, kind: ErrorKind, message: impl FnOnce() -> String) {
    if let Err(why) = writable::<T>(value) {
        raise(KpiError::new(
            kind,
            message(),
            why,
            "Use keys that the database's encoding can represent, or keep such values in a \
             UTF8 database.",
        ));
    }
}

/// Whether the value's text output can be written in the database's encoding: a key such as
/// "\u65e5" (日) has no LATIN1 form, so a LATIN1 database refuses it on input rather than
/// store a value that its output, and so `pg_dump`, would fail on.
fn writable<T: Summary>(value: &T) -> Result<(), String> {
    for text in value.texts() {
        if text.is_ascii() {
            continue;
        }
        let text = String::from_utf8_lossy(text);
        if let Some(c) = datum::without_server_form(&text) {
            // SAFETY: a plain read of the database's encoding name.
            let encoding = unsafe {
                std::ffi::CStr::from_ptr(pg_sys::GetDatabaseEncodingName()).to_string_lossy()
            };
            return Err(format!(
                "Key {} holds the character U+{:04X}, which the database encoding {encoding} \
                 cannot represent, so the value could not be written back out.",
                crate::kpi::text::echo(&serde_json::Value::String(text.to_string()).to_string()),
                c as u32
            ));
        }
    }
    Ok(())
}

/// Text output.
///
/// # Safety
/// `fcinfo` is the live call of `T`'s type output function.
pub unsafe fn output<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe { datum::return_cstring(&read::<T>(arg(fcinfo, 0)).to_text()) }
}

/// Binary input (`recv`): the binary form, checked, stored as it is.
///
/// # Safety
/// `fcinfo` is the live call of `T`'s binary input function.
pub unsafe fn receive<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        let value = T::from_binary(datum::receive_bytes(fcinfo)).or_raise();
        check_writable(&value, ErrorKind::BadBinary, || {
            format!("invalid binary {} value", T::TYPE_NAME)
        });
        new_datum(&value)
    }
}

/// Binary output (`send`).
///
/// # Safety
/// `fcinfo` is the live call of `T`'s binary output function.
pub unsafe fn send<T: Summary>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe { new_datum(&read::<T>(arg(fcinfo, 0))) }
}

/// Final function of an aggregate that returns a number: `f` of the state, NULL for a group
/// that counted nothing (a NULL state).
///
/// # Safety
/// `fcinfo` is the live call of a final function whose argument 0 is a state of `T` or
/// NULL.
#[inline]
pub unsafe fn final_f64<T: Summary>(
    fcinfo: FunctionCallInfo,
    f: impl FnOnce(&T) -> KpiResult<Option<f64>>,
) -> Datum {
    unsafe {
        let value = match state_ref::<T>(fcinfo, 0) {
            Some(state) => f(&state).or_raise(),
            None => None,
        };
        return_f64(fcinfo, value)
    }
}

/// Final function of an aggregate that returns a count: `f` of the state (its representation
/// settled, [`Summary::settle`]), NULL for a group that counted nothing (a NULL state).
///
/// # Safety
/// `fcinfo` is the live call of a final function whose argument 0 is a state of `T` or
/// NULL.
#[inline]
pub unsafe fn final_i64<T: Summary>(
    fcinfo: FunctionCallInfo,
    f: impl FnOnce(&T) -> KpiResult<i64>,
) -> Datum {
    unsafe {
        if arg_is_null(fcinfo, 0) {
            return return_null(fcinfo);
        }
        let state = super::expanded::settled_ref::<T>(arg(fcinfo, 0));
        super::fmgr::return_i64(f(&state).or_raise())
    }
}

/// Declares the fmgr functions of one variable-size aggregate state type, once per type: the
/// one way every such family wires its state. The SQL state type is a real type (so Citus can
/// push the aggregate down and no serial/deserial functions are needed); each entry declares
/// one group of functions:
///
/// - `summary_io: in, out, recv, send;` the type is the summary users store (its text form is
///   [`Summary::to_text`]);
/// - `state_io("name"): in, out, recv, send;` the type is a `*_state` type named `name`, whose
///   text form is the state's binary form in hex (`kpi::state_text`, `pg::state_type`);
/// - `combine: f;` the combine function;
/// - `finalize: f;` the final function returning the summary ([`finalize`]);
/// - `rollup: f;` the transition of `rollup(summary)`;
/// - `final_f64(|state| ...): f;` a final function returning a number or NULL ([`final_f64`]);
/// - `final_i64(|state| ...): f;` a final function returning a count ([`final_i64`]).
///
/// Transitions stay with each family: they are where the families differ.
macro_rules! state_type {
    ($ty:ty { $($kind:ident $(($arg:expr))? : $($name:ident),+ ;)+ }) => {
        $($crate::pg::summary::state_type!(@$kind ($ty) $(($arg))? $($name),+);)+
    };
    (@summary_io ($ty:ty) $input:ident, $output:ident, $receive:ident, $send:ident) => {
        $crate::pg::fmgr::pg_function!(fn $input = $crate::pg::summary::input::<$ty>);
        $crate::pg::fmgr::pg_function!(fn $output = $crate::pg::summary::output::<$ty>);
        $crate::pg::fmgr::pg_function!(fn $receive = $crate::pg::summary::receive::<$ty>);
        $crate::pg::fmgr::pg_function!(fn $send = $crate::pg::summary::send::<$ty>);
    };
    (@state_io ($ty:ty) ($type_name:expr) $input:ident, $output:ident, $receive:ident, $send:ident) => {
        $crate::pg::fmgr::pg_function!(fn $input = $crate::pg::state_type::input::<$ty>, $type_name);
        $crate::pg::fmgr::pg_function!(fn $output = $crate::pg::state_type::output::<$ty>, $type_name);
        $crate::pg::fmgr::pg_function!(fn $receive = $crate::pg::state_type::receive::<$ty>);
        $crate::pg::fmgr::pg_function!(fn $send = $crate::pg::state_type::send::<$ty>);
    };
    (@combine ($ty:ty) $name:ident) => {
        $crate::pg::fmgr::pg_function!(fn $name = $crate::pg::summary::combine::<$ty>);
    };
    (@finalize ($ty:ty) $name:ident) => {
        $crate::pg::fmgr::pg_function!(fn $name = $crate::pg::summary::finalize::<$ty>);
    };
    (@rollup ($ty:ty) $name:ident) => {
        $crate::pg::fmgr::pg_function!(fn $name = $crate::pg::summary::rollup::<$ty>);
    };
    (@final_f64 ($ty:ty) ($f:expr) $name:ident) => {
        $crate::pg::fmgr::pg_function!(fn $name = $crate::pg::summary::final_f64::<$ty>, $f);
    };
    (@final_i64 ($ty:ty) ($f:expr) $name:ident) => {
        $crate::pg::fmgr::pg_function!(fn $name = $crate::pg::summary::final_i64::<$ty>, $f);
    };
}
pub(crate) use state_type;
