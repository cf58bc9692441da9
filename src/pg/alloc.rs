//! The Rust heap of a backend, and what happens when it runs out.
//!
//! Aggregate states live on the Rust heap (freed when their memory context is reset). A failed
//! allocation in Rust normally aborts the process, and PostgreSQL answers a backend that
//! aborts by restarting the whole server: every session is cut. Rust gives an allocation
//! failure no stable way to become an error (`set_alloc_error_hook` and `-Zoom=panic` are
//! unstable; a global allocator must not unwind; a `longjmp` from inside one would skip the
//! destructors of every frame above it). So:
//!
//! - The states that grow with the data reserve room before each push with `try_reserve`
//!   (`kpi::error::reserve`): a state too large for the memory left is ERROR 53200, raised
//!   by the ordinary error path, which rolls back the one query; the state is dropped with
//!   its memory context, and the session goes on.
//! - Any other allocation that fails (small ones, once memory is exhausted) reaches the
//!   allocator below, which ends the session with FATAL 53200 instead of aborting. FATAL
//!   does not unwind or jump: PostgreSQL reports it, runs its exit callbacks (releasing
//!   locks and aborting the transaction) and exits normally, so the postmaster restarts
//!   nothing and the other sessions keep working. The frames of this process are abandoned,
//!   never returned to, as `std::process::exit` abandons them. Rust's own collections are
//!   consistent at every allocation point (they are written to survive a panic there), so
//!   the exit callbacks that drop our states find them whole.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{c_char, c_int};

struct Allocator;

#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        checked(unsafe { System.alloc(layout) }, layout.size())
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        checked(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        checked(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }
}

#[inline(always)]
fn checked(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null()
        && !crate::kpi::error::FALLIBLE_ALLOCATION.load(std::sync::atomic::Ordering::Relaxed)
    {
        out_of_memory(size);
    }
    ptr
}

/// FATAL 53200: ends this session (see the module's comment). ErrorContext keeps memory in
/// reserve for reporting an error when none is left, and the text is formatted there.
#[cold]
#[inline(never)]
fn out_of_memory(size: usize) -> ! {
    unsafe extern "C-unwind" {
        fn errstart(elevel: c_int, domain: *const c_char) -> bool;
        fn errcode(sqlerrcode: c_int) -> c_int;
        fn errmsg_internal(fmt: *const c_char, ...) -> c_int;
        fn errdetail_internal(fmt: *const c_char, ...) -> c_int;
        fn errfinish(filename: *const c_char, lineno: c_int, funcname: *const c_char);
    }
    // Tests of the maths run without PostgreSQL, whose symbols are then absent.
    #[cfg(not(test))]
    unsafe {
        if errstart(pgrx::PgLogLevel::FATAL as c_int, std::ptr::null()) {
            errcode(pgrx::PgSqlErrorCode::ERRCODE_OUT_OF_MEMORY as c_int);
            errmsg_internal(c"out of memory".as_ptr());
            errdetail_internal(
                c"csmetrics failed on a request of %zu bytes; the session ends, other sessions go on."
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
