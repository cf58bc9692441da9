//! `numeric` <-> [`Money`]: the stored bytes of a `numeric` datum handed to the readers of
//! `kpi::pgformat::numeric` (detoasting first when the value is not inline), and new `numeric`
//! datums written in the short format.

use pgrx::pg_sys::{self, Datum};
use pgrx::varlena::{
    set_varsize_4b, varatt_is_1b_e, varatt_is_4b_c, vardata_any, varsize_any_exhdr,
};

use crate::kpi::error::KpiResult;
pub use crate::kpi::pgformat::numeric::STORED_ZERO;
use crate::kpi::pgformat::numeric::{self as format, money_from_data, short_form, short_stored};
use crate::kpi::revenue::money::Money;

/// The bytes of the value at `ptr` as far as its varlena header says, header included, and
/// whether that header is the 1-byte one of a value stored in a row (the only kind the inline
/// fast paths read; a toast pointer's tag, 0x01, reads as no bytes). A value with a 4-byte
/// header, compressed or not, is its whole stored size.
///
/// # Safety
/// `ptr` points at a valid varlena (a `numeric` datum, or [`STORED_ZERO`]).
#[inline(always)]
unsafe fn stored<'a>(ptr: *const u8) -> (&'a [u8], bool) {
    // SAFETY: per the contract, a valid varlena: its header says how many bytes it has (a
    // toast pointer's 0x01 tag says 0), all of them readable.
    unsafe {
        let first = *ptr;
        if first & 0x01 == 0x01 {
            (std::slice::from_raw_parts(ptr, (first >> 1) as usize), true)
        } else {
            let size = std::ptr::read_unaligned(ptr.cast::<u32>()) >> 2;
            (std::slice::from_raw_parts(ptr, size as usize), false)
        }
    }
}

/// A `numeric` datum (any header, toasted or not) as exact money.
///
/// # Safety
/// `value` is a `numeric` datum.
#[inline(always)]
pub unsafe fn money_from_datum(value: Datum, what: &str) -> KpiResult<Money> {
    // SAFETY: per the contract, a `numeric` datum: a valid varlena.
    unsafe {
        if let (bytes, true) = stored(value.cast_mut_ptr::<u8>()) {
            if let Some(m) = short_stored(bytes) {
                return Ok(m);
            }
        }
        money_from_any(value, what)
    }
}

/// The address of a `numeric` argument's stored value, or of [`STORED_ZERO`] when it is NULL.
#[inline(always)]
pub fn stored_or_zero(value: Datum, is_null: bool) -> *const u8 {
    std::hint::select_unpredictable(
        is_null,
        STORED_ZERO.as_ptr(),
        value.cast_mut_ptr::<u8>().cast_const(),
    )
}

/// `kpi::pgformat::numeric::ten_thousandths` of the value at `ptr`: the per-row fast path of
/// the `nrr()`/`grr()` sums; when it says no, the caller reads the value with
/// [`money_from_datum`].
///
/// # Safety
/// `ptr` is a `numeric` datum's address or [`stored_or_zero`]'s.
#[inline(always)]
pub unsafe fn ten_thousandths(ptr: *const u8) -> (u64, bool) {
    // SAFETY: per the contract, a valid varlena.
    unsafe {
        match stored(ptr) {
            (bytes, true) => format::ten_thousandths(bytes),
            // Only a 1-byte header can be the inline case.
            (bytes, false) => format::other_amount(bytes),
        }
    }
}

/// Any other `numeric` datum.
///
/// # Safety
/// `value` is a `numeric` datum.
#[cold]
#[inline(never)]
unsafe fn money_from_any(value: Datum, what: &str) -> KpiResult<Money> {
    // SAFETY: per the contract, a valid varlena; a detoasted copy is palloc'd in the current
    // memory context, which outlives the read.
    unsafe {
        let mut v = value.cast_mut_ptr::<pg_sys::varlena>();
        // Only a toasted or compressed value needs the detoast call (an FFI call behind
        // pgrx's error guard, which costs more than reading the value).
        if varatt_is_1b_e(v) || varatt_is_4b_c(v) {
            v = pg_sys::pg_detoast_datum_packed(v);
        }
        let data = std::slice::from_raw_parts(vardata_any(v).cast::<u8>(), varsize_any_exhdr(v));
        money_from_data(data, what)
    }
}

/// A new `numeric` datum equal to `money`, with its scale as display scale, in the short
/// format PostgreSQL itself uses for every value that fits it (all money does).
///
/// # Safety
/// Called in a backend, during a call (it pallocs in the current memory context).
pub unsafe fn money_datum(money: &Money) -> Datum {
    let (header, digits) = short_form(money);
    // SAFETY: writes within the `size` bytes just palloc'd: the 4-byte header, the numeric's
    // 2-byte header and its digits.
    unsafe {
        let size = pg_sys::VARHDRSZ + 2 + 2 * digits.len();
        let ptr = pg_sys::palloc(size).cast::<u8>();
        set_varsize_4b(ptr.cast(), size as i32);
        std::ptr::write_unaligned(ptr.add(4).cast::<u16>(), header);
        for (i, d) in digits.iter().enumerate() {
            std::ptr::write_unaligned(ptr.add(6 + 2 * i).cast::<u16>(), *d);
        }
        Datum::from(ptr)
    }
}
