//! The result set of a `RETURNS TABLE` (set-returning) function, filled row by row in
//! materialize mode: one tuplestore that PostgreSQL reads after the call, and a short-lived
//! memory context for the values of the rows being built. Safe to use from a function body:
//! the row's width and types are fixed by the SQL declaration (`Args::new`'s contract).

#![warn(clippy::undocumented_unsafe_blocks)]

use std::cell::Cell;

use pgrx::pg_sys::{self, Datum};

use super::args::Args;

pub use super::args::{money_datum, varlena_datum};

/// The rows of the current call's result.
pub struct Rows<'a> {
    store: *mut pg_sys::Tuplestorestate,
    desc: pg_sys::TupleDesc,
    /// Made on first use: most reports never need it.
    scratch: Cell<pg_sys::MemoryContext>,
    _call: std::marker::PhantomData<&'a Args<'a>>,
}

impl<'a> Rows<'a> {
    /// Starts the result of the call `args` (an ERROR when the caller cannot take a set).
    pub fn new(args: &'a Args<'_>) -> Rows<'a> {
        // SAFETY: the live call's `fcinfo` (`Args`); `InitMaterializedSRF` checks that the
        // caller accepts a materialized set (raising otherwise) and sets `resultinfo` up with
        // a tuplestore and the result's descriptor, which live until the call's results are
        // read, past this value's life.
        unsafe {
            let fcinfo = args.fcinfo();
            pg_sys::InitMaterializedSRF(fcinfo, 0);
            let rsinfo = (*fcinfo).resultinfo.cast::<pg_sys::ReturnSetInfo>();
            Rows {
                store: (*rsinfo).setResult,
                desc: (*rsinfo).setDesc,
                scratch: Cell::new(std::ptr::null_mut()),
                _call: std::marker::PhantomData,
            }
        }
    }

    /// Adds a row. A report can have millions of rows (a row per day of a long range): a
    /// cancel or `statement_timeout` is honoured between rows.
    pub fn put<const N: usize>(&self, mut values: [Datum; N], mut nulls: [bool; N]) {
        pg_sys::check_for_interrupts!();
        // SAFETY: the store and descriptor of `new`; `N` values and null flags as the
        // declaration's columns (the tuplestore copies them).
        unsafe {
            pg_sys::tuplestore_putvalues(
                self.store,
                self.desc,
                values.as_mut_ptr(),
                nulls.as_mut_ptr(),
            )
        }
    }

    /// Adds a row whose values are built in the scratch context ([`Rows::reset`] frees them).
    pub fn put_built<const N: usize>(&self, build: impl FnOnce() -> ([Datum; N], [bool; N])) {
        let (values, nulls) = self.within(build);
        self.put(values, nulls);
    }

    /// Frees the values built so far in the scratch context (call only when none is still
    /// needed: rows already added were copied).
    pub fn reset(&self) {
        let scratch = self.scratch.get();
        if !scratch.is_null() {
            // SAFETY: a context made by `scratch`, a child of the call's context.
            unsafe { pg_sys::MemoryContextReset(scratch) }
        }
    }

    /// Runs `f` allocating in the scratch context.
    pub fn within<T>(&self, f: impl FnOnce() -> T) -> T {
        let scratch = self.scratch();
        // SAFETY: switching to a live context and back.
        let old = unsafe { pg_sys::MemoryContextSwitchTo(scratch) };
        let v = f();
        // SAFETY: as above.
        unsafe { pg_sys::MemoryContextSwitchTo(old) };
        v
    }

    fn scratch(&self) -> pg_sys::MemoryContext {
        if self.scratch.get().is_null() {
            // SAFETY: a child of the call's current context, freed with it.
            let context = unsafe {
                pg_sys::AllocSetContextCreateExtended(
                    pg_sys::CurrentMemoryContext,
                    c"csmetrics report rows".as_ptr(),
                    pg_sys::ALLOCSET_DEFAULT_MINSIZE as usize,
                    pg_sys::ALLOCSET_DEFAULT_INITSIZE as usize,
                    pg_sys::ALLOCSET_DEFAULT_MAXSIZE as usize,
                )
            };
            self.scratch.set(context);
        }
        self.scratch.get()
    }
}

/// An `integer` column value.
pub fn int4(v: i32) -> Datum {
    Datum::from(v as i64 as usize)
}

/// A `bigint` column value.
pub fn int8(v: i64) -> Datum {
    Datum::from(v as usize)
}

/// A `double precision` column value.
pub fn float8(v: f64) -> Datum {
    Datum::from(v.to_bits() as usize)
}

/// A `double precision` column that may be NULL: (value, is null).
pub fn opt_float8(v: Option<f64>) -> (Datum, bool) {
    match v {
        Some(x) => (float8(x), false),
        None => (Datum::from(0usize), true),
    }
}

/// The result of a set-returning function: its rows are in the tuplestore.
pub const NO_RESULT: Datum = Datum::null();
