//! The Rust heap of a backend, and what happens when it runs out.
//!
//! Aggregate states live on the Rust heap (freed when their memory context is reset). A failed
//! allocation in Rust normally aborts the process, and PostgreSQL answers a backend that
//! aborts by restarting the whole server: every session is cut. Rust gives an allocation
//! failure no stable way to become an error (`set_alloc_error_hook` and `-Zoom=panic` are
//! unstable; a global allocator must not unwind; a `longjmp` from inside one would skip the
//! destructors of every frame above it). So running out of memory is made an ERROR in three
//! layers:
//!
//! 1. The states that grow with the data reserve room before they grow with `try_reserve`
//!    (`kpi::error::reserve`, for vectors and hash maps): a state too large for the memory
//!    left is ERROR 53200, raised by the ordinary error path, which rolls back the one query;
//!    the state is dropped with its memory context, and the session goes on.
//! 2. Any other allocation (small ones inside crates: bitmap containers, B-tree nodes, strings)
//!    that fails is retried after the allocator gives back an emergency reserve of
//!    [`RESERVE_BYTES`], held since the first call: the allocation then succeeds, the code
//!    above it goes on undisturbed (the allocator itself never raises), and the fmgr function
//!    that was running raises ERROR 53200 when its Rust body has returned
//!    ([`raise_rescued`], called by `pg_function!`), from its outermost frame where nothing
//!    is left to drop. The reserve is taken again on the next call that finds it missing, once
//!    the failed query's states have been freed.
//! 3. An allocation that fails even after that ends the session with FATAL 53200 instead of
//!    aborting: a single request larger than the reserve outside the sites of layer 1 (a key
//!    longer than that copied into a state, the stored or text form of such a summary built by
//!    a final, serial, output or send function), or a call that needs more than the reserve
//!    between the failure and its return (never one row of a transition function). FATAL
//!    does not unwind or jump: PostgreSQL reports it, runs its exit callbacks (releasing locks
//!    and aborting the transaction) and exits normally, so the postmaster restarts nothing and
//!    the other sessions keep working. The frames of this process are abandoned, never
//!    returned to, as `std::process::exit` abandons them. Rust's own collections are
//!    consistent at every allocation point (they are written to survive a panic there), so
//!    the exit callbacks that drop our states find them whole.

#![warn(clippy::undocumented_unsafe_blocks)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{c_char, c_int};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering::Relaxed};

/// The emergency reserve: enough for the small allocations of layer 2 (a bitmap container is
/// at most 8 kB, a B-tree node a few hundred bytes) and for the rest of the one call that
/// needed it, including a vector inside a crate doubling up to this size. It is address space
/// held, not memory touched: malloc maps a block this large and the pages stay untouched.
pub const RESERVE_BYTES: usize = 16 << 20;

/// The reserve, or null when it is spent (or not yet taken).
static RESERVE: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
/// Set when an allocation succeeded only thanks to the reserve, with the size it asked for.
static RESCUED: AtomicBool = AtomicBool::new(false);
static RESCUED_BYTES: AtomicUsize = AtomicUsize::new(0);

fn reserve_layout() -> Layout {
    // Plain malloc alignment; a valid layout, so the fallback is never taken.
    Layout::from_size_align(RESERVE_BYTES, 16).unwrap_or(Layout::new::<u8>())
}

/// Takes the reserve if it is missing: called at the start of every guarded fmgr call (one
/// load while it is there). Straight from the system allocator, so a failure here (memory
/// still short) is no error: the reserve stays missing and is tried again on the next call.
/// A rescue left over from a call that ended with another error is forgotten. (A function of
/// ours that PostgreSQL calls from inside another of ours would take the reserve back early:
/// the outer call, which got its memory, then goes on without the error.)
#[inline(always)]
pub fn arm_reserve() {
    if RESERVE.load(Relaxed).is_null() {
        arm_reserve_cold();
    }
}

#[cold]
#[inline(never)]
fn arm_reserve_cold() {
    RESCUED.store(false, Relaxed);
    // SAFETY: a valid layout of non-zero size.
    let block = unsafe { System.alloc(reserve_layout()) };
    if !block.is_null() {
        RESERVE.store(block, Relaxed);
    }
}

/// Whether an allocation of the call that is running was rescued by the reserve.
#[inline(always)]
pub fn rescued() -> bool {
    RESCUED.load(Relaxed)
}

/// ERROR 53200 for a call whose allocation was rescued by the reserve (see the module's
/// comment): raised from the outermost frame of the fmgr function after its body returned,
/// so the `longjmp` out of `errfinish` skips only frames with nothing to drop. The text is
/// formatted in ErrorContext, which PostgreSQL keeps in reserve for this; `function` is the
/// C function's name, `fcinfo` gives the SQL name when there is one.
///
/// # Safety
/// Called from the outermost frame of an fmgr function, with nothing left to drop; `fcinfo`
/// is null or the live call.
#[cold]
#[inline(never)]
pub unsafe fn raise_rescued(fcinfo: pgrx::pg_sys::FunctionCallInfo, function: &str) -> ! {
    RESCUED.store(false, Relaxed);
    let bytes = RESCUED_BYTES.load(Relaxed);
    #[cfg(not(test))]
    // SAFETY: the caller's contract (the outermost frame of the fmgr function); every string
    // is a NUL-terminated literal or `len` bytes of a live one, matching its format.
    unsafe {
        use super::fmgr::elog::*;
        // The SQL name of the aggregate being computed (`mrr_agg`, not its transition
        // function `mrr_agg_accum`), else of the function called: read from the catalog cache
        // without allocating on the Rust heap; the C name when the call has neither.
        let name = sql_name(fcinfo);
        let (len, ptr) = if name.is_null() {
            (function.len() as c_int, function.as_ptr().cast::<c_char>())
        } else {
            (-1, name.cast_const())
        };
        if errstart(pgrx::PgLogLevel::ERROR as c_int, std::ptr::null()) {
            errcode(pgrx::PgSqlErrorCode::ERRCODE_OUT_OF_MEMORY as c_int);
            errmsg_internal(c"out of memory".as_ptr());
            if len < 0 {
                errdetail_internal(
                    c"%s could not get %zu more bytes: the server process has no more memory to give; the query is rolled back and the session goes on."
                        .as_ptr(),
                    ptr,
                    bytes,
                );
            } else {
                errdetail_internal(
                    c"%.*s could not get %zu more bytes: the server process has no more memory to give; the query is rolled back and the session goes on."
                        .as_ptr(),
                    len,
                    ptr,
                    bytes,
                );
            }
            errhint(
                c"Aggregate smaller groups, or raise the memory available to the server.".as_ptr(),
            );
            errfinish(
                c"src/pg/alloc.rs".as_ptr(),
                line!() as c_int,
                c"csmetrics".as_ptr(),
            );
        }
    }
    let _ = (fcinfo, function, bytes);
    // errstart(ERROR) always starts a report, and errfinish does not return from one.
    std::process::abort()
}

/// The SQL name (palloc'd) of the aggregate `fcinfo` is a step of, else of the function it
/// calls, or null. These PostgreSQL functions are declared here, not taken from pgrx, whose
/// wrappers would turn a PostgreSQL error into a Rust panic in a frame that may not unwind;
/// they only read the call and the catalog cache.
///
/// # Safety
/// `fcinfo` is null or the live call.
#[cfg(not(test))]
unsafe fn sql_name(fcinfo: pgrx::pg_sys::FunctionCallInfo) -> *mut c_char {
    use pgrx::pg_sys::{Aggref, FunctionCallInfo, InvalidOid, Oid};
    unsafe extern "C-unwind" {
        fn get_func_name(funcid: Oid) -> *mut c_char;
        fn AggGetAggref(fcinfo: FunctionCallInfo) -> *mut Aggref;
    }
    // SAFETY: `fcinfo` is null or the live call (the caller's contract); the catalog lookup
    // only reads.
    unsafe {
        if fcinfo.is_null() {
            return std::ptr::null_mut();
        }
        let aggref = AggGetAggref(fcinfo);
        let oid = if !aggref.is_null() {
            (*aggref).aggfnoid
        } else if !(*fcinfo).flinfo.is_null() {
            (*(*fcinfo).flinfo).fn_oid
        } else {
            InvalidOid
        };
        if oid == InvalidOid {
            std::ptr::null_mut()
        } else {
            get_func_name(oid)
        }
    }
}

struct Allocator;

#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

// SAFETY: every method passes the caller's layout and pointers to the system allocator,
// unchanged, whose contract is the same; a failure is retried with the same arguments.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { or_retry(layout.size(), || System.alloc(layout)) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe { or_retry(layout.size(), || System.alloc_zeroed(layout)) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: a block of ours (so the system's) with its layout, per the caller.
        unsafe { System.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's block and sizes; a failed realloc leaves the old block as it
        // was, so retrying it is sound.
        unsafe { or_retry(new_size, || System.realloc(ptr, layout, new_size)) }
    }
}

/// `allocate()`, tried again by [`retry`] when the system refuses it.
///
/// # Safety
/// `allocate` is a call of the system allocator that may be repeated.
#[inline(always)]
unsafe fn or_retry(size: usize, allocate: impl Fn() -> *mut u8) -> *mut u8 {
    let ptr = allocate();
    if ptr.is_null() {
        // SAFETY: the caller's contract.
        return unsafe { retry(size, allocate) };
    }
    ptr
}

/// An allocation the system refused: null for a fallible growth site (its `try_reserve`
/// reports the error), otherwise retried once with the reserve given back, and FATAL when
/// even that fails. Never unwinds, never jumps (except FATAL's exit).
///
/// # Safety
/// `again` is a call of the system allocator that may be repeated.
#[cold]
#[inline(never)]
unsafe fn retry(size: usize, again: impl Fn() -> *mut u8) -> *mut u8 {
    if crate::kpi::error::FALLIBLE_ALLOCATION.load(Relaxed) {
        return std::ptr::null_mut();
    }
    let reserve = RESERVE.swap(std::ptr::null_mut(), Relaxed);
    if !reserve.is_null() {
        // SAFETY: the reserve, allocated with this layout and taken out of `RESERVE`.
        unsafe { System.dealloc(reserve, reserve_layout()) };
        let ptr = again();
        if !ptr.is_null() {
            RESCUED_BYTES.store(size, Relaxed);
            RESCUED.store(true, Relaxed);
            return ptr;
        }
    }
    out_of_memory(size)
}

/// FATAL 53200: ends this session (see the module's comment). ErrorContext keeps memory in
/// reserve for reporting an error when none is left, and the text is formatted there.
#[cold]
#[inline(never)]
fn out_of_memory(size: usize) -> ! {
    // Tests of the maths run without PostgreSQL, whose symbols are then absent.
    #[cfg(not(test))]
    // SAFETY: FATAL reports and exits the process without returning or unwinding; the
    // strings are literals matching their formats.
    unsafe {
        use super::fmgr::elog::*;
        if errstart(pgrx::PgLogLevel::FATAL as c_int, std::ptr::null()) {
            errcode(pgrx::PgSqlErrorCode::ERRCODE_OUT_OF_MEMORY as c_int);
            errmsg_internal(c"out of memory".as_ptr());
            errdetail_internal(
                c"csmetrics failed on a request of %zu bytes even after giving back its emergency reserve; the session ends, other sessions go on."
                    .as_ptr(),
                size,
            );
            errfinish(
                c"src/pg/alloc.rs".as_ptr(),
                line!() as c_int,
                c"csmetrics".as_ptr(),
            );
        }
    }
    let _ = size;
    std::process::abort()
}
