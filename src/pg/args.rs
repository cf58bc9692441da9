//! The typed argument reader: what a safe function body (`pg_function!(fn f(args) safe {..})`)
//! receives instead of the raw `fcinfo`, and the one place where the arguments' datums are
//! turned into Rust values.
//!
//! Every read checks what can be checked at run time: the argument exists in this call (its
//! index is below the call's `nargs`: a function declared in SQL with fewer arguments than the
//! Rust reads gets an ERROR, never a read past the end of `fcinfo`), and, for the readers that
//! need a value, that it is not NULL where NULL would be read as a value. The type of each
//! argument cannot be checked per call (a C function sees only bits); it is fixed by the
//! function's SQL declaration, which `Args::new`'s contract requires to be csmetrics's own.
//!
//! The reader also keeps the rules that Rust's references need and PostgreSQL cannot see:
//! an argument updated in place (an aggregate's state) is handed out mutably at most once per
//! call, and never after its bytes were lent out as a shared slice. Both are tracked in two
//! bit sets in the reader itself; in the inlined body of a function the compiler sees every
//! bit and removes the checks.

#![warn(clippy::undocumented_unsafe_blocks)]

use std::any::TypeId;
use std::cell::Cell;
use std::marker::PhantomData;

use pgrx::datum::{FromDatum, Range, RangeSubType};
use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use pgrx::varlena::{varatt_is_1b_e, varatt_is_4b_c, vardata_any, varsize_any_exhdr};

use super::fmgr::{self, ScoreType};
use super::revenue::numeric;
use super::state::{self as counter_state};
use super::summary::{self as summary_state, StateRef};
use crate::kpi::counters::Counters;
use crate::kpi::error::KpiResult;
use crate::kpi::revenue::money::Money;
use crate::kpi::scale::Scale;
use crate::kpi::summary::Summary;

/// Declares `opt_x(n)`: `x(n)`, or `None` when argument `n` is NULL.
macro_rules! optional_readers {
    ($($(#[$doc:meta])* $name:ident = $read:ident -> $ty:ty;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        #[track_caller]
        pub fn $name(&self, n: usize) -> Option<$ty> {
            (!self.is_null(n)).then(|| self.$read(n))
        }
    )*};
}

/// The arguments of one call of a version-1 C function, and its result helpers.
pub struct Args<'call> {
    fcinfo: FunctionCallInfo,
    /// Arguments whose bytes were lent out as `&[u8]` or a shared state (bit `n % 64`).
    lent: Cell<u64>,
    /// Arguments handed out for in-place update (bit `n % 64`).
    taken: Cell<u64>,
    /// Whether the call site's `fn_extra` cache was handed out.
    cache_taken: Cell<bool>,
    _call: PhantomData<&'call mut pg_sys::FunctionCallInfoBaseData>,
}

impl<'call> Args<'call> {
    /// The reader of the call `fcinfo`.
    ///
    /// # Safety
    /// `fcinfo` is the live `FunctionCallInfo` of the current call of a version-1 C function
    /// of csmetrics, made by PostgreSQL's function manager, and that function's SQL declaration
    /// is the one in csmetrics's install script: every argument the Rust reads as a type has
    /// that type in SQL (the reader checks the argument count, never the types). The reader
    /// is used only during the call, on the backend's thread.
    #[inline(always)]
    pub unsafe fn new(fcinfo: FunctionCallInfo) -> Args<'call> {
        Args {
            fcinfo,
            lent: Cell::new(0),
            taken: Cell::new(0),
            cache_taken: Cell::new(false),
            _call: PhantomData,
        }
    }

    /// The raw call, for the few functions of other modules that still take it (their calls
    /// are `unsafe` and say why they are sound).
    #[inline(always)]
    pub fn fcinfo(&self) -> FunctionCallInfo {
        self.fcinfo
    }

    /// The number of arguments of this call.
    #[inline(always)]
    pub fn nargs(&self) -> usize {
        // SAFETY: `fcinfo` is the live call's (`Args::new`).
        unsafe { (*self.fcinfo).nargs.max(0) as usize }
    }

    /// Whether argument `n` is SQL NULL (an ERROR if the call has no argument `n`).
    #[inline(always)]
    #[track_caller]
    pub fn is_null(&self, n: usize) -> bool {
        // SAFETY: `arg_is_null` checks `n` against `nargs` of the live call.
        unsafe { fmgr::arg_is_null(self.fcinfo, n) }
    }

    /// The raw datum of argument `n` (checked against `nargs`): a value to hand back as the
    /// result or to store, never to dereference here.
    #[inline(always)]
    #[track_caller]
    pub fn datum(&self, n: usize) -> Datum {
        // SAFETY: `arg` checks `n` against `nargs` of the live call.
        unsafe { fmgr::arg(self.fcinfo, n) }
    }

    /// The raw datum of argument `n`, refused when NULL: for a reader of another module that
    /// takes a datum of a declared type.
    #[inline(always)]
    #[track_caller]
    pub fn non_null(&self, n: usize) -> Datum {
        Datum::from(self.pointer::<u8>(n))
    }

    /// Argument `n` declared `smallint`.
    #[inline(always)]
    #[track_caller]
    pub fn i16(&self, n: usize) -> i16 {
        self.datum(n).value() as i16
    }

    /// Argument `n` declared `integer` (or `date`, days since 2000-01-01: see [`Args::date`]).
    #[inline(always)]
    #[track_caller]
    pub fn i32(&self, n: usize) -> i32 {
        self.datum(n).value() as i32
    }

    /// Argument `n` declared `bigint`.
    #[inline(always)]
    #[track_caller]
    pub fn i64(&self, n: usize) -> i64 {
        self.datum(n).value() as i64
    }

    /// Argument `n` declared `double precision`.
    #[inline(always)]
    #[track_caller]
    pub fn f64(&self, n: usize) -> f64 {
        f64::from_bits(self.datum(n).value() as u64)
    }

    /// Argument `n` declared `boolean`.
    #[inline(always)]
    #[track_caller]
    pub fn bool(&self, n: usize) -> bool {
        self.datum(n).value() != 0
    }

    /// Argument `n` declared `date`: days since 2000-01-01 (`i32::MIN`/`MAX` are -infinity
    /// and infinity).
    #[inline(always)]
    #[track_caller]
    pub fn date(&self, n: usize) -> i32 {
        self.i32(n)
    }

    /// Argument `n` declared `timestamp`: microseconds since 2000-01-01 on the wall clock.
    #[inline(always)]
    #[track_caller]
    pub fn timestamp(&self, n: usize) -> i64 {
        self.i64(n)
    }

    /// Argument `n` declared `timestamptz`: microseconds since 2000-01-01 00:00 UTC.
    #[inline(always)]
    #[track_caller]
    pub fn timestamptz(&self, n: usize) -> i64 {
        self.i64(n)
    }

    optional_readers! {
        /// Argument `n` declared `integer`, or `None` when it is NULL.
        opt_i32 = i32 -> i32;
        /// Argument `n` declared `bigint` (or `timestamp`, `timestamptz`), or `None` when NULL.
        opt_i64 = i64 -> i64;
        /// Argument `n` declared `double precision`, or `None` when it is NULL.
        opt_f64 = f64 -> f64;
        /// Argument `n` declared `boolean`, or `None` when it is NULL.
        opt_bool = bool -> bool;
    }

    /// The pointer of a by-reference argument `n`, refused when NULL (a null pointer).
    #[inline(always)]
    #[track_caller]
    fn pointer<T>(&self, n: usize) -> *const T {
        if self.is_null(n) {
            null_read(n);
        }
        self.datum(n).cast_mut_ptr::<T>()
    }

    /// The bytes of argument `n`, of a varlena type (`text`, `bytea`, a summary type) after
    /// its header: detoasted when stored out of line or compressed, read in place otherwise
    /// (any header size). Text is in the server encoding.
    #[inline(always)]
    #[track_caller]
    pub fn bytes(&self, n: usize) -> &[u8] {
        self.lend(n);
        let mut v = self.pointer::<pg_sys::varlena>(n).cast_mut();
        // SAFETY: a non-null datum of a varlena type (the SQL declaration) points at a valid
        // varlena; a detoasted copy is palloc'd in the call's memory context, which outlives
        // the reader; the bytes are not changed while lent (`lend`).
        unsafe {
            if varatt_is_1b_e(v) || varatt_is_4b_c(v) {
                v = pg_sys::pg_detoast_datum_packed(v);
            }
            std::slice::from_raw_parts(vardata_any(v).cast::<u8>(), varsize_any_exhdr(v))
        }
    }

    /// The bytes of argument `n` declared `text` (in the server encoding).
    #[inline(always)]
    #[track_caller]
    pub fn text(&self, n: usize) -> &[u8] {
        self.bytes(n)
    }

    /// The bytes of argument `n` declared `text`, or `None` when it is NULL.
    #[inline(always)]
    #[track_caller]
    pub fn opt_text(&self, n: usize) -> Option<&[u8]> {
        (!self.is_null(n)).then(|| self.bytes(n))
    }

    /// Argument `n` declared `uuid`: its 16 bytes.
    #[inline(always)]
    #[track_caller]
    pub fn uuid(&self, n: usize) -> [u8; 16] {
        // SAFETY: a non-null `uuid` datum points at its 16 bytes (`pg_uuid_t`, alignment 1).
        unsafe { *self.pointer::<[u8; 16]>(n) }
    }

    /// Argument `n` declared `interval`, copied.
    #[inline(always)]
    #[track_caller]
    pub fn interval(&self, n: usize) -> pg_sys::Interval {
        // SAFETY: a non-null `interval` datum points at an `Interval`, which PostgreSQL
        // allocates with its alignment (palloc'd, or a tuple attribute aligned as `d`).
        unsafe { *self.pointer::<pg_sys::Interval>(n) }
    }

    /// Argument `n` declared `numeric`, as exact money (`what` names it in errors): the
    /// revenue family's numeric reader.
    #[inline(always)]
    #[track_caller]
    pub fn money(&self, n: usize, what: &str) -> KpiResult<Money> {
        let datum = self.pointer::<u8>(n);
        // SAFETY: a non-null `numeric` datum (the SQL declaration), read during the call.
        unsafe { numeric::money_from_datum(Datum::from(datum), what) }
    }

    /// Argument `n` declared as a range of `T` (`daterange`, `tsrange`, `tstzrange`).
    #[inline]
    #[track_caller]
    pub fn range<T: RangeSubType>(&self, n: usize) -> Option<Range<T>> {
        let datum = self.pointer::<u8>(n);
        // SAFETY: a non-null datum of a range of `T` (the SQL declaration); pgrx copies what
        // it reads into the returned value.
        unsafe { Range::<T>::from_polymorphic_datum(Datum::from(datum), false, pg_sys::InvalidOid) }
    }

    /// Argument `n` holding a score of type `ty`, checked against `scale`: its histogram slot.
    #[inline(always)]
    #[track_caller]
    pub fn score_slot(&self, n: usize, ty: ScoreType, scale: &Scale) -> usize {
        if matches!(ty, ScoreType::Numeric) && self.is_null(n) {
            null_read(n);
        }
        // SAFETY: the live call; `score_slot` checks `n` against `nargs`, and argument `n`
        // has the SQL type `ty` names (a `numeric` one is not NULL, checked above).
        unsafe { fmgr::score_slot(self.fcinfo, n, ty, scale) }
    }

    /// The counter state (`Counters`) of argument `n`, read as a copy.
    #[inline(always)]
    #[track_caller]
    pub fn counters<T: Counters>(&self, n: usize) -> T {
        let datum = self.to_copy(n);
        // SAFETY: a non-null datum of `T`'s state type (the SQL declaration), not being
        // updated (`to_copy`); `read` copies it out.
        unsafe { counter_state::read::<T>(datum) }
    }

    /// Updates the counter state of argument `n` with `f` (in place when the call is an
    /// aggregate's and the value is its own, else on a checked copy): the function's result.
    #[inline(always)]
    #[track_caller]
    pub fn update_counters<T: Counters>(&self, n: usize, f: impl FnOnce(&mut T)) -> Datum {
        self.take(n);
        if self.is_null(n) {
            null_read(n);
        }
        // SAFETY: the live call, argument `n` of `T`'s state type (the SQL declaration),
        // non-null; handed out mutably once and never lent (`take`).
        let update = unsafe { counter_state::for_update::<T>(self.fcinfo, n) };
        f(&mut *update.state);
        update.done()
    }

    /// The summary state of argument `n` (a transition or combine function's), updated with
    /// `f` in place (created on a group's first row): the function's result.
    #[inline(always)]
    #[track_caller]
    pub fn update_summary<T: Summary>(&self, n: usize, f: impl FnOnce(&mut T)) -> Datum {
        self.take(n);
        // SAFETY: the live call, argument `n` of `T`'s state type (the SQL declaration);
        // handed out mutably once and never lent (`take`); returned with `state_datum`.
        unsafe {
            let state = summary_state::state_mut::<T>(self.fcinfo, n);
            f(state);
            summary_state::state_datum(state)
        }
    }

    /// The summary of argument `n` (a state or a stored value), read only; `None` for NULL.
    #[inline]
    #[track_caller]
    pub fn summary_ref<T: Summary>(&self, n: usize) -> Option<StateRef<'_, T>> {
        self.lend(n);
        // SAFETY: the live call, argument `n` of `T`'s type (the SQL declaration), not being
        // updated (`lend`); the reference lives no longer than the reader.
        unsafe { summary_state::state_ref::<T>(self.fcinfo, n) }
    }

    /// The summary of argument `n`, decoded (a stored value read by an accessor).
    #[inline]
    #[track_caller]
    pub fn summary<T: Summary>(&self, n: usize) -> T {
        let datum = self.to_copy(n);
        // SAFETY: a non-null datum of `T`'s type (the SQL declaration), not being updated
        // (`to_copy`); `read` decodes it into a new value.
        unsafe { summary_state::read::<T>(datum) }
    }

    /// A transition step that changes nothing: the state in argument 0 as it came, NULL
    /// before the group's first counted row.
    #[inline(always)]
    pub fn unchanged(&self) -> Datum {
        if self.is_null(0) {
            self.return_null()
        } else {
            self.datum(0)
        }
    }

    /// Runs `f` on the cache of this call site (`fn_extra`): kept in the function's memory
    /// context across the calls of one query, created with `T::default()` on the first,
    /// dropped with the context. A function uses one cache type.
    #[track_caller]
    pub fn with_call_site_cache<T: Default + 'static, R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        if self.cache_taken.replace(true) {
            misuse("the call site's cache is not used again while it is in use");
        }
        // SAFETY: the live call's `flinfo`; `fn_extra` is ours (PostgreSQL leaves it to the
        // function) and only this function writes it, always as a `Slot` made here; the
        // type is checked before the value is used; the value lives in `fn_mcxt`, which
        // outlives the call, and is lent to one closure at a time (`cache_taken`).
        let value = unsafe {
            let flinfo = (*self.fcinfo).flinfo;
            if (*flinfo).fn_extra.is_null() {
                let slot =
                    pgrx::PgMemoryContexts::For((*flinfo).fn_mcxt).leak_and_drop_on_delete(Slot {
                        type_id: TypeId::of::<T>(),
                        value: T::default(),
                    });
                (*flinfo).fn_extra = slot.cast();
            }
            let slot = (*flinfo).fn_extra.cast::<Slot<T>>();
            if (*slot).type_id != TypeId::of::<T>() {
                misuse("a function keeps one type of cache");
            }
            &mut (*slot).value
        };
        let result = f(value);
        self.cache_taken.set(false);
        result
    }

    /// The node type of the expression an aggregate passes as argument `n` of this transition
    /// call (`n` counts from the state, so argument 0 has none): `T_Const` for a constant of
    /// the query, `T_Param` for a parameter. `None` outside an aggregate's call (a window
    /// aggregate has no `Aggref`), for argument 0, or when the aggregate's arguments do not
    /// line up with the call's. A cache keyed on such an argument may then skip its per-row
    /// check.
    #[cold]
    #[track_caller]
    pub fn aggregate_arg_node(&self, n: usize) -> Option<pg_sys::NodeTag> {
        let nargs = self.nargs();
        if n == 0 || n >= nargs {
            return None;
        }
        // SAFETY: the live call; `AggGetAggref` returns the call's `Aggref` or null, whose
        // argument list (checked to hold one `TargetEntry` per argument after the state)
        // lives as long as the plan, past the call.
        unsafe {
            let aggref = pg_sys::AggGetAggref(self.fcinfo);
            if aggref.is_null() {
                return None;
            }
            let list = (*aggref).args;
            if list.is_null() || (*list).length.max(0) as usize != nargs - 1 {
                return None;
            }
            let entry = (*(*list).elements.add(n - 1))
                .ptr_value
                .cast::<pg_sys::TargetEntry>();
            let expr = (*entry).expr.cast::<pg_sys::Node>();
            (!expr.is_null()).then(|| (*expr).type_)
        }
    }

    /// The bytes of argument `n`, of a varlena type, as the call passes them: header included
    /// and never detoasted (a value stored out of line is its toast pointer). For telling a
    /// value from the one seen on the last row without reading it; [`Args::bytes`] reads it.
    #[inline(always)]
    #[track_caller]
    pub fn raw_varlena(&self, n: usize) -> &[u8] {
        self.lend(n);
        let v = self.pointer::<pg_sys::varlena>(n).cast_mut();
        // SAFETY: a non-null datum of a varlena type (the SQL declaration) points at a valid
        // varlena of `varsize_any` bytes, left unchanged while lent (`lend`).
        unsafe { std::slice::from_raw_parts(v.cast::<u8>(), pgrx::varlena::varsize_any(v)) }
    }

    /// Returns SQL NULL.
    #[inline(always)]
    pub fn return_null(&self) -> Datum {
        // SAFETY: the live call's `isnull`, which the function manager reads on return.
        unsafe { fmgr::return_null(self.fcinfo) }
    }

    /// Returns a `double precision`, or NULL for `None`.
    #[inline(always)]
    pub fn return_f64(&self, value: Option<f64>) -> Datum {
        match value {
            Some(v) => Datum::from(v.to_bits() as usize),
            None => self.return_null(),
        }
    }

    /// Returns a `bigint`.
    #[inline(always)]
    pub fn return_i64(&self, value: i64) -> Datum {
        fmgr::return_i64(value)
    }

    /// Returns a `boolean`.
    #[inline(always)]
    pub fn return_bool(&self, value: bool) -> Datum {
        Datum::from(value)
    }

    /// Returns a varlena (`text` in the server encoding, `bytea`) holding `bytes`.
    #[inline]
    pub fn return_bytes(&self, bytes: &[u8]) -> Datum {
        varlena_datum(bytes)
    }

    /// Returns a `numeric`.
    #[inline]
    pub fn return_money(&self, money: &Money) -> Datum {
        money_datum(money)
    }

    /// The non-null datum of argument `n`, to be read into a copy: refused while the
    /// argument is being updated in place.
    #[inline(always)]
    #[track_caller]
    fn to_copy(&self, n: usize) -> Datum {
        self.check_not_taken(n);
        Datum::from(self.pointer::<u8>(n))
    }

    #[inline(always)]
    #[track_caller]
    fn lend(&self, n: usize) {
        self.check_not_taken(n);
        self.lent.set(self.lent.get() | bit(n));
    }

    #[inline(always)]
    #[track_caller]
    fn check_not_taken(&self, n: usize) {
        if self.taken.get() & bit(n) != 0 {
            misuse("an argument updated in place is not read again in the same call");
        }
    }

    #[inline(always)]
    #[track_caller]
    fn take(&self, n: usize) {
        if (self.lent.get() | self.taken.get()) & bit(n) != 0 {
            misuse("an argument is updated in place once per call, and not after it was read");
        }
        self.taken.set(self.taken.get() | bit(n));
    }
}

/// An argument's bit in the reader's sets: arguments 64 apart share one, which can only
/// refuse more, never less.
#[inline(always)]
fn bit(n: usize) -> u64 {
    1 << (n % 64)
}

/// A call-site cache with its type, checked on every use. `repr(C)`: the type is read
/// through a `Slot` of the type asked for, so it must sit first whatever the value's type.
#[repr(C)]
struct Slot<T> {
    type_id: TypeId,
    value: T,
}

/// The call site's cache of type `T` when [`Args::with_call_site_cache`] made one, read only:
/// for the unguarded fast path of a transition function (see `pg_function!`), which has no
/// reader and may not raise. `None` when there is none yet or it is of another type.
///
/// # Safety
/// `fcinfo` is the live call's, and the reference is used only during the call, before any
/// use of [`Args::with_call_site_cache`] in it.
#[inline(always)]
pub unsafe fn call_site_cache<'a, T: 'static>(fcinfo: FunctionCallInfo) -> Option<&'a T> {
    // SAFETY: the live call's `flinfo`; `fn_extra` is null or a `Slot` made by
    // `with_call_site_cache` in `fn_mcxt`, which outlives the call; its type is checked
    // before its value is read.
    unsafe {
        let slot = (*(*fcinfo).flinfo).fn_extra.cast::<Slot<T>>();
        if slot.is_null() || (*slot).type_id != TypeId::of::<T>() {
            return None;
        }
        Some(&(*slot).value)
    }
}

/// A NULL argument read as a value: the SQL declaration is not the install script's (a
/// strict function never gets one).
#[cold]
#[inline(never)]
#[track_caller]
fn null_read(n: usize) -> ! {
    pgrx::pg_sys::panic::ErrorReport::new(
        pgrx::PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
        format!("argument {} of a csmetrics function cannot be null", n + 1),
        "csmetrics",
    )
    .set_detail("The function reads this argument as a value.".to_string())
    .set_hint(
        "Declare the function as the extension's install script does, or reinstall the \
         extension (ALTER EXTENSION csmetrics UPDATE).",
    )
    .report(pgrx::PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}

/// A function body that breaks the reader's rules: a bug of csmetrics, reported as one.
#[cold]
#[inline(never)]
#[track_caller]
fn misuse(rule: &str) -> ! {
    pgrx::pg_sys::panic::ErrorReport::new(
        pgrx::PgSqlErrorCode::ERRCODE_INTERNAL_ERROR,
        format!("csmetrics internal error: {rule}"),
        "csmetrics",
    )
    .set_detail("A csmetrics function broke a rule of its argument reader.".to_string())
    .set_hint("This is a bug of csmetrics; please report it with the query.")
    .report(pgrx::PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}

/// A new varlena (`text` in the server encoding, `bytea`) holding `bytes`, in the current
/// memory context: for results and the values of result rows.
#[inline]
pub fn varlena_datum(bytes: &[u8]) -> Datum {
    // SAFETY: palloc in the current memory context of the backend's call.
    unsafe { super::datum::new_varlena(bytes) }
}

/// A `numeric` holding `money`, in the current memory context.
#[inline]
pub fn money_datum(money: &Money) -> Datum {
    // SAFETY: palloc in the current memory context of the backend's call.
    unsafe { numeric::money_datum(money) }
}
