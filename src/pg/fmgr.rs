//! The thin edge between PostgreSQL's function manager and the KPI maths.
//!
//! Aggregate support functions are written as plain version-1 fmgr functions: the aggregate's
//! state is a datum that the transition function updates in place (see `state.rs`), which
//! pgrx's typed `#[pg_extern]` wrappers cannot express without copying or serializing it on
//! every row. Their SQL declarations are hand-written in `sql/`, where the API can be read.
//!
//! Part of the unsafe core (see CONTRIBUTING.md): function bodies written in the `safe` form
//! read their arguments through [`Args`](super::args::Args) and hold no `unsafe`.
#![warn(clippy::undocumented_unsafe_blocks)]

use std::sync::atomic::{AtomicPtr, Ordering};

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use pgrx::{PgLogLevel, PgSqlErrorCode};

use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// Declares a version-1 C function (`PG_FUNCTION_INFO_V1` and the function itself), guarded as
/// `#[pg_guard]` does, so that Rust panics and PostgreSQL errors become proper error reports.
/// (The attribute itself loses the hygiene of an argument named inside a macro.)
///
/// A transition function called once per row may also name an unguarded fast path,
/// `fn name(fcinfo) unguarded(args N) { .. } guarded { .. }`: an `Option<Datum>` expression
/// tried first when the call has at least N arguments (the fast path reads no other), and the
/// guarded body when it gives `None`. The guard costs about as much as
/// summing a row of four amounts (a call through the GOT and a large frame), so the common
/// row skips it; in exchange the fast path may call nothing that can raise a PostgreSQL
/// error (no `palloc`, no `pg_sys` call) and nothing that can panic (no index or arithmetic
/// that could go out of range, no `or_raise`), as an unwind or a `longjmp` out of it would
/// cross into C.
///
/// The form for new code is `fn name(args) safe { .. }`: the body is safe Rust, a function of
/// its own that receives the call's arguments as an [`Args`](crate::pg::args::Args) reader
/// (`args.i32(1)`, `args.text(2)`, `args.update_counters(0, ..)`, `args.return_f64(..)`) and
/// never sees `fcinfo`. The other two forms take the raw `fcinfo` in an `unsafe` body and
/// remain for the functions not yet moved over.
macro_rules! pg_function {
    ($(#[$attr:meta])* fn $name:ident($args:ident) safe $body:block) => {
        $(#[$attr])*
        ///
        /// # Safety
        /// Called by PostgreSQL's function manager with a live call, through the SQL
        /// declaration of csmetrics's install script.
        #[unsafe(no_mangle)]
        pub unsafe extern "C-unwind" fn $name(
            fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
        ) -> ::pgrx::pg_sys::Datum {
            // A safe function: the body cannot reach past the reader.
            #[inline(always)]
            fn body($args: &$crate::pg::args::Args<'_>) -> ::pgrx::pg_sys::Datum $body
            $crate::pg::fmgr::pg_function!(@guard $name fcinfo {
                // SAFETY: PostgreSQL's function manager calls this symbol with the live call,
                // through the SQL declaration of csmetrics's install script.
                let args = unsafe { $crate::pg::args::Args::new(fcinfo) };
                body(&args)
            })
        }
        $crate::pg::fmgr::pg_function!(@finfo $name);
    };
    // A support function that is one call of an `unsafe fn(FunctionCallInfo, ..)` of the shared
    // plumbing (type I/O, combine, final), whose one requirement is a live fmgr call with the
    // arguments of its SQL declaration: stated here once instead of at every declaration.
    ($(#[$attr:meta])* fn $name:ident = $target:path $(, $extra:expr)* $(,)?) => {
        $crate::pg::fmgr::pg_function!($(#[$attr])* fn $name(fcinfo) {
            // SAFETY: fmgr calls this with a live call whose arguments are those of the SQL
            // declaration, which is all `$target` requires.
            unsafe { $target(fcinfo $(, $extra)*) }
        });
    };
    ($(#[$attr:meta])* fn $name:ident($fcinfo:ident) $body:block) => {
        $(#[$attr])*
        ///
        /// # Safety
        /// Called by PostgreSQL's function manager with a live call, through the SQL
        /// declaration of csmetrics's install script.
        #[unsafe(no_mangle)]
        pub unsafe extern "C-unwind" fn $name(
            $fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
        ) -> ::pgrx::pg_sys::Datum {
            $crate::pg::fmgr::pg_function!(@guard $name $fcinfo $body)
        }
        $crate::pg::fmgr::pg_function!(@finfo $name);
    };
    ($(#[$attr:meta])* fn $name:ident($fcinfo:ident) unguarded(args $nargs:literal) $fast:block guarded $body:block) => {
        $(#[$attr])*
        ///
        /// # Safety
        /// Called by PostgreSQL's function manager with a live call, through the SQL
        /// declaration of csmetrics's install script.
        #[unsafe(no_mangle)]
        pub unsafe extern "C-unwind" fn $name(
            $fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
        ) -> ::pgrx::pg_sys::Datum {
            // A call with fewer arguments (a wrong SQL declaration) goes to the guarded path,
            // whose argument checks raise the error.
            #[allow(unused_unsafe)]
            // SAFETY: `$fcinfo` is the live call PostgreSQL passed.
            if unsafe { $crate::pg::fmgr::has_args($fcinfo, $nargs) } {
                // A statement of its own, so that the fast path's temporaries are dropped
                // before an error may be raised below.
                // SAFETY: the fast path reads at most the `$nargs` arguments checked above,
                // and neither raises nor panics (the contract of this form).
                let fast: Option<::pgrx::pg_sys::Datum> = unsafe { $fast };
                if let Some(datum) = fast {
                    // An allocation of the fast path that only the emergency reserve
                    // satisfied: ERROR 53200 (see `pg::alloc`).
                    if $crate::pg::alloc::rescued() {
                        // SAFETY: the outermost frame, holding nothing to drop.
                        unsafe { $crate::pg::alloc::raise_rescued($fcinfo, stringify!($name)) }
                    }
                    return datum;
                }
            }
            // Out of line, so that the fast path keeps a small frame.
            /// # Safety
            /// The live call.
            #[cold]
            #[inline(never)]
            unsafe fn guarded(
                $fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
            ) -> ::pgrx::pg_sys::Datum {
                $crate::pg::fmgr::pg_function!(@guard $name $fcinfo $body)
            }
            // SAFETY: the live call, passed on.
            unsafe { guarded($fcinfo) }
        }
        $crate::pg::fmgr::pg_function!(@finfo $name);
    };
    // The guarded body: names the function for error reports, takes the emergency reserve of
    // the allocator if it is missing, then runs under pgrx's guard. Running out of memory
    // inside the body is an ERROR raised here, after the body has dropped everything it held
    // (see `pg::alloc`).
    (@guard $name:ident $fcinfo:ident $body:block) => {{
        static NAME: &str = stringify!($name);
        $crate::pg::fmgr::set_current_function(&NAME);
        $crate::pg::alloc::arm_reserve();
        #[allow(unused_unsafe)]
        // SAFETY: pgrx's guard of a call from PostgreSQL, around a body that unwinds only
        // through Rust frames.
        let result = unsafe {
            ::pgrx::pg_sys::panic::pgrx_extern_c_guard(move || {
                $crate::pg::fmgr::catch_raised(move || $body)
            })
        };
        match result {
            // SAFETY: the outermost frame, after the body dropped everything it held.
            Ok(_) if $crate::pg::alloc::rescued() => unsafe {
                $crate::pg::alloc::raise_rescued($fcinfo, NAME)
            },
            Ok(datum) => datum,
            // SAFETY: as above.
            Err(raised) => unsafe { $crate::pg::fmgr::throw(raised) },
        }
    }};
    (@finfo $name:ident) => {
        const _: () = {
            #[unsafe(export_name = concat!("pg_finfo_", stringify!($name)))]
            extern "C" fn finfo() -> &'static ::pgrx::pg_sys::Pg_finfo_record {
                const V1: ::pgrx::pg_sys::Pg_finfo_record =
                    ::pgrx::pg_sys::Pg_finfo_record { api_version: 1 };
                &V1
            }
        };
    };
}
pub(crate) use pg_function;

/// The C function running now, for the LOCATION line of its errors. Set on every call, so it
/// must cost nothing: a plain static, not a thread-local (which in a shared library is a call
/// to `__tls_get_addr`). A backend runs one function at a time on one thread; pgrx refuses
/// calls from any other thread.
static CURRENT_FUNCTION: AtomicPtr<&'static str> = AtomicPtr::new(std::ptr::null_mut());

#[doc(hidden)]
#[inline(always)]
pub fn set_current_function(name: &'static &'static str) {
    CURRENT_FUNCTION.store(name as *const &str as *mut &str, Ordering::Relaxed);
}

fn current_function() -> &'static str {
    let name = CURRENT_FUNCTION.load(Ordering::Relaxed);
    if name.is_null() {
        "csmetrics"
    } else {
        // SAFETY: only ever set from a `&'static &'static str`.
        unsafe { *name }
    }
}

/// Text as PostgreSQL may print it: no NUL (it would cut a C string short), in the server
/// encoding, as bytes.
fn printable(text: &str) -> Vec<u8> {
    if text.contains('\0') {
        super::datum::to_server_bytes(&text.replace('\0', "\\u0000"))
    } else {
        super::datum::to_server_bytes(text)
    }
}

/// Raises a KPI error as a PostgreSQL ERROR with its SQLSTATE, DETAIL and HINT. Its LOCATION
/// names the C function that was called and the line of Rust that raised the error.
///
/// The text must reach PostgreSQL in the server encoding. When those bytes are UTF-8 (a UTF-8
/// or SQL_ASCII database, or ASCII text) pgrx's own error report carries them. Otherwise (say
/// 'é' in a LATIN1 database) they cannot live in a Rust `String`, which pgrx's report is: the
/// error then unwinds as a [`Raised`] holding palloc'd C strings, and the function's guard
/// (`pg_function!`) hands them to `ereport` itself.
#[cold]
#[track_caller]
pub fn raise(error: Box<KpiError>) -> ! {
    let code = match error.kind {
        ErrorKind::OutOfRange => PgSqlErrorCode::ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
        ErrorKind::InvalidParameter => PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        ErrorKind::BadText => PgSqlErrorCode::ERRCODE_INVALID_TEXT_REPRESENTATION,
        ErrorKind::BadBinary => PgSqlErrorCode::ERRCODE_INVALID_BINARY_REPRESENTATION,
        ErrorKind::OutOfMemory => PgSqlErrorCode::ERRCODE_OUT_OF_MEMORY,
    };
    let KpiError {
        message,
        detail,
        hint,
        ..
    } = *error;
    let parts = [printable(&message), printable(&detail), printable(&hint)];
    drop((message, detail, hint));
    let function = current_function();
    if parts.iter().all(|p| std::str::from_utf8(p).is_ok()) {
        let [message, detail, hint] = parts.map(|p| String::from_utf8(p).unwrap_or_default());
        pgrx::pg_sys::panic::ErrorReport::new(code, message, function)
            .set_detail(detail)
            .set_hint(hint)
            .report(PgLogLevel::ERROR);
        unreachable!("an ERROR report does not return")
    }
    let location = std::panic::Location::caller();
    // SAFETY: palloc in the current context, which lives until the error is reported.
    let raised = unsafe {
        let cstring = |bytes: &[u8]| super::datum::palloc_cstring(bytes).cast_mut_ptr();
        Raised {
            code: code as i32,
            message: cstring(&parts[0]),
            detail: cstring(&parts[1]),
            hint: cstring(&parts[2]),
            // PostgreSQL keeps these two pointers, not copies: they live in ErrorContext, as
            // pgrx's own reports do.
            file: in_error_context(location.file().as_bytes()),
            line: location.line() as i32,
            function: in_error_context(function.as_bytes()),
        }
    };
    drop(parts);
    std::panic::panic_any(raised)
}

/// A C string copy of `bytes` in ErrorContext.
///
/// # Safety
/// Called in a backend, with `bytes` holding no NUL.
unsafe fn in_error_context(bytes: &[u8]) -> *const std::ffi::c_char {
    // SAFETY: ErrorContext always exists; the switch is undone before returning.
    unsafe {
        let old = pg_sys::MemoryContextSwitchTo(pg_sys::ErrorContext);
        let copy = super::datum::palloc_cstring(bytes).cast_mut_ptr();
        pg_sys::MemoryContextSwitchTo(old);
        copy
    }
}

/// An error whose text is in the server encoding as C strings (see [`raise`]), on its way to
/// the guard of the C function that is running. Plain pointers: nothing to drop, so the
/// guard may `longjmp` out of a frame holding one.
#[derive(Clone, Copy)]
pub struct Raised {
    code: i32,
    message: *mut std::ffi::c_char,
    detail: *mut std::ffi::c_char,
    hint: *mut std::ffi::c_char,
    file: *const std::ffi::c_char,
    line: i32,
    function: *const std::ffi::c_char,
}

// SAFETY: a panic payload must be Send; a backend has one thread, and pgrx refuses others.
unsafe impl Send for Raised {}

/// Runs a C function's body, returning a [`Raised`] error instead of unwinding with it; every
/// other panic (pgrx's error reports, PostgreSQL errors caught at an FFI call) goes on to
/// pgrx's guard.
#[doc(hidden)]
#[inline(always)]
pub fn catch_raised(body: impl FnOnce() -> Datum) -> Result<Datum, Raised> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(datum) => Ok(datum),
        Err(payload) => match payload.downcast::<Raised>() {
            Ok(raised) => Err(*raised),
            Err(other) => std::panic::resume_unwind(other),
        },
    }
}

/// `ereport(ERROR, ...)` of a [`Raised`] error. Called only from the outermost frame of a C
/// function (and the guarded part of one), after everything in it has been dropped: the
/// `longjmp` out of `errfinish` then skips only frames with nothing to drop (Rust's "plain
/// old frames"), which is sound. pgrx declares these functions privately; they are not
/// wrapped by its FFI guard, so the `longjmp` goes straight to PostgreSQL's handler.
///
/// # Safety
/// Called from the outermost frame of a C function, with nothing left to drop.
#[doc(hidden)]
#[cold]
#[inline(never)]
pub unsafe fn throw(raised: Raised) -> ! {
    use elog::*;
    use std::ffi::c_int;
    // SAFETY: the caller's contract (the outermost frame); the strings are palloc'd C strings
    // made by `raise`, passed as `%s` arguments.
    unsafe {
        if errstart(PgLogLevel::ERROR as c_int, std::ptr::null()) {
            errcode(raised.code);
            errmsg_internal(c"%s".as_ptr(), raised.message);
            errdetail_internal(c"%s".as_ptr(), raised.detail);
            errhint(c"%s".as_ptr(), raised.hint);
            errfinish(raised.file, raised.line, raised.function);
        }
    }
    // errstart(ERROR) always starts a report, and errfinish does not return from one.
    std::process::abort()
}

/// PostgreSQL's `ereport` steps, for reports made without pgrx (whose wrappers would turn an
/// error into a Rust panic in frames that may not unwind): pgrx declares them privately.
pub(crate) mod elog {
    use std::ffi::{c_char, c_int};
    unsafe extern "C-unwind" {
        pub fn errstart(elevel: c_int, domain: *const c_char) -> bool;
        pub fn errcode(sqlerrcode: c_int) -> c_int;
        pub fn errmsg_internal(fmt: *const c_char, ...) -> c_int;
        pub fn errdetail_internal(fmt: *const c_char, ...) -> c_int;
        pub fn errhint(fmt: *const c_char, ...) -> c_int;
        pub fn errfinish(filename: *const c_char, lineno: c_int, funcname: *const c_char);
    }
}

/// `result.or_raise()`: the value, or the error raised in PostgreSQL.
pub trait OrRaise<T> {
    #[track_caller]
    fn or_raise(self) -> T;
}

impl<T> OrRaise<T> for KpiResult<T> {
    #[inline]
    #[track_caller]
    fn or_raise(self) -> T {
        match self {
            Ok(v) => v,
            Err(e) => raise(e),
        }
    }
}

/// The raw datum of argument `n`. Checked against the number of arguments the call has: the
/// SQL declarations are written by hand, and one with fewer arguments than the Rust reads
/// must be an error, not a read past the end of `fcinfo` (one compare, predicted taken).
///
/// Prefer [`Args`](crate::pg::args::Args) in new code (`pg_function!(fn f(args) safe {..})`).
///
/// # Safety
/// `fcinfo` is the live call's.
#[inline(always)]
#[track_caller]
pub unsafe fn arg(fcinfo: FunctionCallInfo, n: usize) -> Datum {
    // SAFETY: the caller's live call.
    unsafe { nullable_arg(fcinfo, n).value }
}

/// Whether argument `n` is SQL NULL.
///
/// Prefer [`Args::is_null`](crate::pg::args::Args::is_null) in new code.
///
/// # Safety
/// `fcinfo` is the live call's.
#[inline(always)]
#[track_caller]
pub unsafe fn arg_is_null(fcinfo: FunctionCallInfo, n: usize) -> bool {
    // SAFETY: the caller's live call.
    unsafe { nullable_arg(fcinfo, n).isnull }
}

/// Argument `n` and its null flag, checked against the call's `nargs`.
///
/// # Safety
/// `fcinfo` is the live call's.
#[inline(always)]
#[track_caller]
unsafe fn nullable_arg(fcinfo: FunctionCallInfo, n: usize) -> pg_sys::NullableDatum {
    // SAFETY: `n` is below the call's `nargs`, checked first.
    unsafe {
        check_nargs(fcinfo, n);
        (*fcinfo).args.as_slice(n + 1)[n]
    }
}

#[inline(always)]
#[track_caller]
unsafe fn check_nargs(fcinfo: FunctionCallInfo, n: usize) {
    // SAFETY: the caller's live call.
    let nargs = unsafe { (*fcinfo).nargs };
    if n >= nargs.max(0) as usize {
        too_few_args(n, nargs);
    }
}

/// Whether the call has at least `n` arguments: the unguarded fast path of a transition
/// function checks this first, as it may not raise (the guarded path then does).
///
/// # Safety
/// `fcinfo` is the live call's.
#[inline(always)]
pub unsafe fn has_args(fcinfo: FunctionCallInfo, n: usize) -> bool {
    // SAFETY: the caller's live call.
    unsafe { (*fcinfo).nargs >= 0 && (*fcinfo).nargs as usize >= n }
}

#[cold]
#[inline(never)]
#[track_caller]
fn too_few_args(n: usize, nargs: i16) -> ! {
    let function = current_function();
    pgrx::pg_sys::panic::ErrorReport::new(
        PgSqlErrorCode::ERRCODE_INVALID_FUNCTION_DEFINITION,
        format!(
            "{function} reads argument {}, but the call passes {nargs}",
            n + 1
        ),
        function,
    )
    .set_detail(format!(
        "The SQL declaration of the function does not match the C function {function} in \
         csmetrics's library."
    ))
    .set_hint(
        "Declare the function as the extension's install script does, or reinstall the \
         extension (ALTER EXTENSION csmetrics UPDATE).",
    )
    .report(PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}

/// Argument `n`, declared `integer` in SQL.
///
/// Prefer [`Args::i32`](crate::pg::args::Args::i32) in new code.
///
/// # Safety
/// `fcinfo` is the live call's.
#[inline]
pub unsafe fn arg_i32(fcinfo: FunctionCallInfo, n: usize) -> i32 {
    // SAFETY: the caller's live call; `arg` checks `n`.
    unsafe { arg(fcinfo, n).value() as i32 }
}

/// Argument `n`, declared `double precision` in SQL.
///
/// Prefer [`Args::f64`](crate::pg::args::Args::f64) in new code.
///
/// # Safety
/// `fcinfo` is the live call's.
#[inline]
pub unsafe fn arg_f64(fcinfo: FunctionCallInfo, n: usize) -> f64 {
    // SAFETY: the caller's live call; `arg` checks `n`.
    f64::from_bits(unsafe { arg(fcinfo, n).value() } as u64)
}

/// Returns SQL NULL.
///
/// Prefer [`Args::return_null`](crate::pg::args::Args::return_null) in new code.
///
/// # Safety
/// `fcinfo` is the live call's.
#[inline]
pub unsafe fn return_null(fcinfo: FunctionCallInfo) -> Datum {
    // SAFETY: the caller's live call.
    unsafe { (*fcinfo).isnull = true };
    Datum::from(0usize)
}

/// Returns a `double precision`, or NULL for `None`.
///
/// Prefer [`Args::return_f64`](crate::pg::args::Args::return_f64) in new code.
///
/// # Safety
/// `fcinfo` is the live call's.
#[inline]
pub unsafe fn return_f64(fcinfo: FunctionCallInfo, value: Option<f64>) -> Datum {
    match value {
        Some(v) => Datum::from(v.to_bits() as usize),
        // SAFETY: the caller's live call.
        None => unsafe { return_null(fcinfo) },
    }
}

/// Returns a `bigint`.
#[inline]
pub fn return_i64(value: i64) -> Datum {
    Datum::from(value as usize)
}

/// The whole-number types a score column can have, and how to read each from its datum.
#[derive(Clone, Copy)]
pub enum ScoreType {
    Int2,
    Int4,
    Int8,
    Numeric,
    Float4,
    Float8,
}

/// Reads argument `n` as a score and checks it against `scale`, returning its histogram slot.
///
/// # Safety
/// `fcinfo` is the live call's, and argument `n` has the SQL type `ty` names (not NULL).
#[inline(always)]
#[track_caller]
pub unsafe fn score_slot(
    fcinfo: FunctionCallInfo,
    n: usize,
    ty: ScoreType,
    scale: &crate::kpi::scale::Scale,
) -> usize {
    // SAFETY: the caller's live call; `arg` checks `n`.
    let datum = unsafe { arg(fcinfo, n) };
    match ty {
        ScoreType::Int2 => scale.check(datum.value() as i16 as i64),
        ScoreType::Int4 => scale.check(datum.value() as i32 as i64),
        ScoreType::Int8 => scale.check(datum.value() as i64),
        // SAFETY: a `numeric` score, per the caller's contract.
        ScoreType::Numeric => unsafe { numeric_slot(datum, scale) },
        ScoreType::Float4 => scale.check_float(f32::from_bits(datum.value() as u32) as f64),
        ScoreType::Float8 => scale.check_float(f64::from_bits(datum.value() as u64)),
    }
    .or_raise()
}

/// A `numeric` score: whole numbers only, read from its normalized text (`9.00` -> `9`).
/// Slower than the integer paths, but `numeric` scores are rare and this is exact.
///
/// # Safety
/// `datum` is a non-null `numeric`.
#[cold]
unsafe fn numeric_slot(datum: Datum, scale: &crate::kpi::scale::Scale) -> KpiResult<usize> {
    // SAFETY: a non-null `numeric` datum; the normalized text is a palloc'd C string.
    unsafe {
        // A full detoast: numeric_normalize reads the 4-byte header, and a value stored in a
        // table usually has a 1-byte one (a packed detoast would leave it so).
        let numeric = pg_sys::pg_detoast_datum(datum.cast_mut_ptr()) as pg_sys::Numeric;
        let text = pg_sys::numeric_normalize(numeric);
        let result = scale.check_numeric_text(&std::ffi::CStr::from_ptr(text).to_string_lossy());
        pg_sys::pfree(text.cast());
        result
    }
}
