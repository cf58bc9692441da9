//! `numeric` <-> [`Money`], reading and writing PostgreSQL's numeric format directly.
//!
//! Going through `numeric_out` text costs an allocation and a decimal print per value; the
//! stored form is a header and base-10000 digits, which map onto an `i128` in a few
//! multiplications. The layout (src/backend/utils/adt/numeric.c) is stable on disk, so it
//! cannot change within PostgreSQL 15.

use pgrx::pg_sys::{self, Datum};
use pgrx::varlena::{
    set_varsize_4b, varatt_is_1b_e, varatt_is_4b_c, vardata_any, varsize_any_exhdr,
};

use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::revenue::money::Money;

const SIGN_MASK: u16 = 0xC000;
const NEG: u16 = 0x4000;
const SHORT: u16 = 0x8000;
const SPECIAL: u16 = 0xC000;
const SHORT_SIGN_MASK: u16 = 0x2000;
const SHORT_DSCALE_MASK: u16 = 0x1F80;
const SHORT_DSCALE_SHIFT: u16 = 7;
const SHORT_WEIGHT_SIGN_MASK: u16 = 0x0040;
const SHORT_WEIGHT_MASK: u16 = 0x003F;
const DSCALE_MASK: u16 = 0x3FFF;

#[cold]
fn special(header: u16, what: &str) -> Box<KpiError> {
    let (kind, value) = match header {
        0xC000 => (ErrorKind::InvalidParameter, "NaN"),
        0xD000 => (ErrorKind::OutOfRange, "Infinity"),
        _ => (ErrorKind::OutOfRange, "-Infinity"),
    };
    KpiError::new(
        kind,
        format!("{what} cannot be {value}"),
        "Money amounts are finite numbers.",
        "Filter out NaN and infinite amounts, or replace them with the real amount.",
    )
}

/// 10^n as u64, n <= 19.
const POW10_U64: [u64; 20] = {
    let mut table = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// A `numeric` datum (any header, toasted or not) as exact money.
#[inline(always)]
pub unsafe fn money_from_datum(value: Datum, what: &str) -> KpiResult<Money> {
    unsafe {
        if let Some(m) = short_stored(value.cast_mut_ptr::<u8>()) {
            return Ok(m);
        }
        money_from_any(value, what)
    }
}

/// The common case read in a few instructions: a value as stored in a table row (1-byte
/// varlena header, short numeric format) of at most 16 digits whose display scale needs no
/// more than 19 digits in all. None for anything else.
#[inline(always)]
unsafe fn short_stored(ptr: *const u8) -> Option<Money> {
    unsafe {
        let (units, scale, negative) = short_parts(ptr)?;
        let units = units as i128;
        Some(Money::new(if negative { -units } else { units }, scale))
    }
}

/// A stored amount that is zero, or positive at display scale `scale`, as its count of units
/// of 10^-`scale`: the per-row fast path of the `nrr()`/`grr()` sums. None for anything else
/// (another scale, a negative amount, more than 16 digits, a toasted value), read then by
/// [`money_from_datum`].
#[inline(always)]
pub unsafe fn units_at_scale(value: Datum, scale: u32) -> Option<i128> {
    unsafe {
        let (units, dscale, negative) = short_parts(value.cast_mut_ptr::<u8>())?;
        if units == 0 {
            Some(0)
        } else if negative || dscale != scale {
            None
        } else {
            Some(units as i128)
        }
    }
}

/// (units of 10^-dscale, dscale, negative) of a short stored value, as [`short_stored`] says.
/// Every branch here is taken or not the same way for the rows of a typical column.
#[inline(always)]
unsafe fn short_parts(ptr: *const u8) -> Option<(u64, u32, bool)> {
    unsafe {
        let first = *ptr;
        // VARATT_IS_1B and not an external pointer (little-endian layout).
        if first & 0x01 == 0 || first == 0x01 {
            return None;
        }
        let header = std::ptr::read_unaligned(ptr.add(1).cast::<u16>());
        if header & SIGN_MASK != SHORT {
            return None;
        }
        let digit = |i: usize| std::ptr::read_unaligned(ptr.add(3 + 2 * i).cast::<u16>()) as u64;
        let n = ((first >> 1) as usize).wrapping_sub(3) / 2;
        let acc = match n {
            0 => 0,
            1 => digit(0),
            2 => digit(0) * 10_000 + digit(1),
            3 => (digit(0) * 10_000 + digit(1)) * 10_000 + digit(2),
            4 => ((digit(0) * 10_000 + digit(1)) * 10_000 + digit(2)) * 10_000 + digit(3),
            _ => return None,
        };
        let dscale = ((header & SHORT_DSCALE_MASK) >> SHORT_DSCALE_SHIFT) as i32;
        let weight = (header & SHORT_WEIGHT_MASK) as i32
            - if header & SHORT_WEIGHT_SIGN_MASK != 0 {
                64
            } else {
                0
            };
        // The value is acc x 10^(4 (weight - n + 1)); in units of 10^-dscale, acc x 10^e.
        // The digits past the display scale are zeros in a stored value, so a division is
        // exact (a value where they are not is left to the full reader). Constant divisors:
        // a multiplication each, where `div` by a variable costs dozens of cycles.
        let e = 4 * (weight - n as i32 + 1) + dscale;
        let units = match e {
            -3 if acc.is_multiple_of(1000) => acc / 1000,
            -2 if acc.is_multiple_of(100) => acc / 100,
            -1 if acc.is_multiple_of(10) => acc / 10,
            0.. => acc.checked_mul(*POW10_U64.get(e as usize)?)?,
            _ => return None,
        };
        Some((units, dscale as u32, header & SHORT_SIGN_MASK != 0))
    }
}

/// Any other `numeric` datum.
#[cold]
#[inline(never)]
unsafe fn money_from_any(value: Datum, what: &str) -> KpiResult<Money> {
    unsafe {
        let mut v = value.cast_mut_ptr::<pg_sys::varlena>();
        // Only a toasted or compressed value needs the detoast call (an FFI call behind
        // pgrx's error guard, which costs more than reading the value).
        if varatt_is_1b_e(v) || varatt_is_4b_c(v) {
            v = pg_sys::pg_detoast_datum_packed(v);
        }
        let data = vardata_any(v).cast::<u8>();
        let len = varsize_any_exhdr(v);
        let header = std::ptr::read_unaligned(data.cast::<u16>());
        let (negative, weight, dscale, offset) = match header & SIGN_MASK {
            SHORT => {
                let weight = if header & SHORT_WEIGHT_SIGN_MASK != 0 {
                    (!SHORT_WEIGHT_MASK | (header & SHORT_WEIGHT_MASK)) as i16
                } else {
                    (header & SHORT_WEIGHT_MASK) as i16
                };
                let dscale = (header & SHORT_DSCALE_MASK) >> SHORT_DSCALE_SHIFT;
                (header & SHORT_SIGN_MASK != 0, weight, dscale, 2usize)
            }
            SPECIAL => return Err(special(header, what)),
            sign => {
                let weight = std::ptr::read_unaligned(data.add(2).cast::<i16>());
                (sign == NEG, weight, header & DSCALE_MASK, 4usize)
            }
        };
        let ndigits = len.saturating_sub(offset) / 2;
        let digits =
            (0..ndigits).map(|i| std::ptr::read_unaligned(data.add(offset + 2 * i).cast::<u16>()));
        Money::from_numeric(negative, weight as i32, dscale as u32, digits, what)
    }
}

/// A new `numeric` datum equal to `money`, with its scale as display scale, in the short
/// format PostgreSQL itself uses for every value that fits it (all money does: scale <= 38,
/// weight between -10 and 9).
pub unsafe fn money_datum(money: &Money) -> Datum {
    let (negative, weight, digits) = money.to_numeric();
    let mut header = SHORT | ((money.scale as u16) << SHORT_DSCALE_SHIFT) & SHORT_DSCALE_MASK;
    if negative {
        header |= SHORT_SIGN_MASK;
    }
    if weight < 0 {
        header |= SHORT_WEIGHT_SIGN_MASK;
    }
    header |= (weight as u16) & SHORT_WEIGHT_MASK;
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
