//! Counter states stored inline in a varlena, updated in place by aggregates.
//!
//! Layout of every such value, in memory and on disk:
//!
//! ```text
//! | 4-byte varlena header | version byte | 3 zero bytes | counters: [i64; LEN] |
//! ```
//!
//! The padding puts the counters on an 8-byte boundary in any palloc'd copy, so a transition
//! function can update them through a `&mut T` without copying. The state is a real SQL type
//! (not `internal`), so PostgreSQL moves partial states between parallel workers without
//! serial/deserial functions, and Citus can ship them through the type's text form.
//!
//! In-place updates follow the rule of PostgreSQL's own `float8_accum`: only when called as an
//! aggregate (what `AggCheckCallContext` checks), the first argument is then the aggregate's
//! own transition value, allocated in its memory context.

use std::mem::size_of;

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use pgrx::varlena::{set_varsize_4b, varatt_is_4b_u, varsize_4b};

use super::datum;
use super::fmgr::{arg, raise, OrRaise};
use crate::kpi::counters::Counters;
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// Bytes before the counters: varlena header, version byte, padding.
const PREFIX: usize = 8;

fn total_size<T: Counters>() -> usize {
    PREFIX + size_of::<T>()
}

/// A new datum holding `value`, palloc'd in the current memory context.
///
/// # Safety
/// Called inside a PostgreSQL function call (the datum is palloc'd in its memory context).
pub unsafe fn new_datum<T: Counters>(value: &T) -> Datum {
    unsafe {
        let size = total_size::<T>();
        let ptr = pg_sys::palloc0(size) as *mut u8;
        set_varsize_4b(ptr.cast(), size as i32);
        *ptr.add(4) = T::VERSION;
        std::ptr::write(ptr.add(PREFIX) as *mut T, *value);
        Datum::from(ptr)
    }
}

/// Reads a state from any datum of its type (toasted, short-header or unaligned alike).
///
/// # Safety
/// `datum` is a non-NULL value of `T`'s SQL type.
pub unsafe fn read<T: Counters>(datum: Datum) -> T {
    unsafe {
        let detoasted = pg_sys::pg_detoast_datum(datum.cast_mut_ptr());
        let ptr = detoasted as *const u8;
        check_layout::<T>(varsize_4b(detoasted), *ptr.add(4));
        std::ptr::read_unaligned(ptr.add(PREFIX) as *const T)
    }
}

/// A state being updated by a transition, combine or inverse function: the datum to hand back
/// to PostgreSQL and the counters to change.
pub struct Update<'a, T: Counters> {
    datum: Datum,
    pub state: &'a mut T,
    in_place: bool,
}

impl<T: Counters> Update<'_, T> {
    /// The updated state, as the function's result. A value updated in place is the
    /// aggregate's own transition value: it started from the valid `INITCOND` and every row
    /// step keeps it valid (a count cannot pass 2^63 rows), and combine and inverse steps
    /// check themselves, so it is not checked again per row. A copy is what a direct call
    /// returns to the user: it is checked whole, so no function hands out a value that the
    /// type's input would reject.
    #[inline(always)]
    pub fn done(self) -> Datum {
        if !self.in_place {
            self.state.check().or_raise();
        }
        self.datum
    }
}

/// The state in argument `n` for updating: in place when we are an aggregate's transition or
/// combine function and the value is ours to change, otherwise a fresh copy.
///
/// # Safety
/// `fcinfo` is a live call whose argument `n` is a non-NULL value of `T`'s SQL type;
/// the reference lives no longer than the call.
#[inline(always)]
pub unsafe fn for_update<'a, T: Counters>(fcinfo: FunctionCallInfo, n: usize) -> Update<'a, T> {
    unsafe {
        let datum = arg(fcinfo, n);
        let ptr = datum.cast_mut_ptr::<u8>();
        let in_aggregate = called_as_aggregate(fcinfo);
        let counters = ptr.add(PREFIX);
        if in_aggregate
            && varatt_is_4b_u(ptr.cast())
            && (counters as usize) % std::mem::align_of::<T>() == 0
        {
            check_layout::<T>(varsize_4b(ptr.cast()), *ptr.add(4));
            return Update {
                datum,
                state: &mut *(counters as *mut T),
                in_place: true,
            };
        }
        let copy = new_datum(&read::<T>(datum));
        Update {
            datum: copy,
            state: &mut *(copy.cast_mut_ptr::<u8>().add(PREFIX) as *mut T),
            in_place: false,
        }
    }
}

/// What `AggCheckCallContext` tells, read inline: calling that function from Rust goes through
/// pgrx's FFI guard (a `sigsetjmp`), which cost more than the whole transition step.
#[inline(always)]
unsafe fn called_as_aggregate(fcinfo: FunctionCallInfo) -> bool {
    unsafe {
        let context = (*fcinfo).context;
        !context.is_null()
            && matches!(
                (*context).type_,
                pg_sys::NodeTag::T_AggState | pg_sys::NodeTag::T_WindowAggState
            )
    }
}

#[inline(always)]
fn check_layout<T: Counters>(size: usize, version: u8) {
    if size != total_size::<T>() || version != T::VERSION {
        layout_error::<T>(size, version);
    }
}

#[cold]
#[inline(never)]
fn layout_error<T: Counters>(size: usize, version: u8) -> ! {
    raise(KpiError::new(
        ErrorKind::BadBinary,
        format!("invalid {} value", T::TYPE_NAME),
        format!(
            "The value has {size} bytes and format version {version}; this version of \
             csmetrics reads {} bytes and version {}.",
            total_size::<T>(),
            T::VERSION
        ),
        "The value was written by another version of csmetrics or is corrupt; \
         recompute it from the raw data.",
    ))
}

/// Text input: `T::from_text` on the input converted to UTF-8.
///
/// # Safety
/// `fcinfo` is the live call of `T`'s type input function.
pub unsafe fn input<T: Counters>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe { new_datum(&T::from_text(&datum::input_text(fcinfo)).or_raise()) }
}

/// Text output: a palloc'd C string.
///
/// # Safety
/// `fcinfo` is the live call of `T`'s type output function.
pub unsafe fn output<T: Counters>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe { datum::return_cstring(&read::<T>(arg(fcinfo, 0)).to_text()) }
}

/// Binary output (`send`): a bytea with the version byte and big-endian counters.
///
/// # Safety
/// `fcinfo` is the live call of `T`'s binary output function.
pub unsafe fn send<T: Counters>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe { datum::new_varlena(&read::<T>(arg(fcinfo, 0)).to_binary()) }
}

/// Binary input (`recv`): reads the rest of the message buffer.
///
/// # Safety
/// `fcinfo` is the live call of `T`'s binary input function.
pub unsafe fn receive<T: Counters>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe { new_datum(&T::from_binary(datum::receive_bytes(fcinfo)).or_raise()) }
}

/// Combine (and `rollup` transition): adds the second state into the first.
///
/// # Safety
/// `fcinfo` is a live call whose arguments 0 and 1 are non-NULL values of `T`.
pub unsafe fn combine<T: Counters>(fcinfo: FunctionCallInfo) -> Datum {
    // SAFETY: the caller's contract is `with_second`'s.
    unsafe { with_second::<T>(fcinfo, T::merge) }
}

/// Moving-aggregate inverse of [`combine`]: takes the second state back out of the first.
///
/// # Safety
/// `fcinfo` is a live call whose arguments 0 and 1 are non-NULL values of `T`.
pub unsafe fn uncombine<T: Counters>(fcinfo: FunctionCallInfo) -> Datum {
    // SAFETY: the caller's contract is `with_second`'s.
    unsafe { with_second::<T>(fcinfo, T::unmerge) }
}

/// Updates the first state (argument 0) with the second (argument 1) and returns it.
///
/// # Safety
/// `fcinfo` is a live call whose arguments 0 and 1 are non-NULL states of `T`.
#[inline(always)]
unsafe fn with_second<T: Counters>(
    fcinfo: FunctionCallInfo,
    f: impl FnOnce(&mut T, &T) -> KpiResult<()>,
) -> Datum {
    // SAFETY: per the contract.
    unsafe {
        let other = read::<T>(arg(fcinfo, 1));
        let update = for_update::<T>(fcinfo, 0);
        f(update.state, &other).or_raise();
        update.datum
    }
}

/// Final function of two-step aggregates: the state, or NULL when nothing was counted, so
/// that an empty group gives NULL like every other aggregate.
///
/// # Safety
/// `fcinfo` is a live call whose argument 0 is a non-NULL value of `T`.
pub unsafe fn nonempty<T: Counters>(fcinfo: FunctionCallInfo) -> Datum {
    unsafe {
        let datum = arg(fcinfo, 0);
        let state = read::<T>(datum);
        if state == T::default() {
            return super::fmgr::return_null(fcinfo);
        }
        state.check().or_raise();
        datum
    }
}

/// Declares the fmgr functions every counter type needs: text and binary I/O, and combine.
/// The SQL names are in `sql/`.
macro_rules! counter_type_functions {
    ($ty:ty {
        input: $input:ident,
        output: $output:ident,
        receive: $receive:ident,
        send: $send:ident,
        combine: $combine:ident $(,)?
    }) => {
        $crate::pg::fmgr::pg_function!(fn $input = $crate::pg::state::input::<$ty>);
        $crate::pg::fmgr::pg_function!(fn $output = $crate::pg::state::output::<$ty>);
        $crate::pg::fmgr::pg_function!(fn $receive = $crate::pg::state::receive::<$ty>);
        $crate::pg::fmgr::pg_function!(fn $send = $crate::pg::state::send::<$ty>);
        $crate::pg::fmgr::pg_function!(fn $combine = $crate::pg::state::combine::<$ty>);
    };
}
pub(crate) use counter_type_functions;
