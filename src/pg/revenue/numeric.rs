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
use crate::kpi::revenue::money::{Money, MAX_SCALE};

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

/// 10000^p for p in 0..=3: the place of a value's last base-10000 digit, in ten-thousandths.
const PLACE_VALUE: [u64; 4] = [1, 10_000, 100_000_000, 1_000_000_000_000];

/// The stored form of 0 (1-byte header, short format, no digit), read in place of a NULL.
static STORED_ZERO: [u8; 3] = [(3 << 1) | 1, 0x00, 0x80];

/// The address of a `numeric` argument's stored value, or of [`STORED_ZERO`] when it is NULL.
#[inline(always)]
pub fn stored_or_zero(value: Datum, is_null: bool) -> *const u8 {
    std::hint::select_unpredictable(
        is_null,
        STORED_ZERO.as_ptr(),
        value.cast_mut_ptr::<u8>().cast_const(),
    )
}

/// A stored amount that is zero or positive, below 10^12 and with no digit past the fourth
/// decimal, as its count of ten-thousandths (the last place of `numeric`'s base-10000
/// digits, so no digit needs dividing), and whether it was such an amount (when not, the
/// count means nothing and the caller reads the value with [`money_from_datum`]): the
/// per-row fast path of the `nrr()`/`grr()` sums.
///
/// Amounts from 1 to 9,999.9999, most customers' monthly revenue, are read inline: one or
/// two base-10000 digits of weight 0, found by one 4-byte load and combined without a branch
/// on their length. Zeros and other amounts go out of line.
#[inline(always)]
pub unsafe fn ten_thousandths(ptr: *const u8) -> (u64, bool) {
    unsafe {
        let first = *ptr;
        // Every numeric has at least its 1-byte header and 2-byte format word (a 4-byte
        // header or a toast pointer is longer still).
        let header = std::ptr::read_unaligned(ptr.add(1).cast::<u16>());
        // A 1-byte header of 5 or 7 bytes in all (one or two digits, told apart by bit 2);
        // the short format, a plus sign, a display scale below 32 (money allows 38, checked
        // out of line) and weight 0, in one comparison.
        if first | 0x04 == ONE_OR_TWO_DIGITS
            && header
                & (SIGN_MASK
                    | SHORT_SIGN_MASK
                    | DSCALE_32
                    | SHORT_WEIGHT_SIGN_MASK
                    | SHORT_WEIGHT_MASK)
                == SHORT
        {
            // The 4 bytes ending at the value's end: its two digits (units, then the four
            // decimals), or its format word and its one digit (units).
            let two = first & 0x04 != 0;
            let last = std::ptr::read_unaligned(ptr.add(1 + 2 * two as usize).cast::<u32>());
            let (low, high) = ((last & 0xFFFF) as u64, (last >> 16) as u64);
            let units = std::hint::select_unpredictable(two, low * 10_000 + high, high * 10_000);
            return (units, true);
        }
        other_amount(ptr)
    }
}

/// The bit of a short header's display scale worth 32.
const DSCALE_32: u16 = 32 << SHORT_DSCALE_SHIFT;

/// The first byte of a value of one or two digits, with the bit that tells them apart set.
const ONE_OR_TWO_DIGITS: u8 = (7 << 1) | 1;

/// `combined`, the value's `digits` digits as one integer, in ten-thousandths.
#[inline(always)]
fn place_units(combined: u64, header: u16, digits: usize) -> (u64, bool) {
    // The weight (place of the first digit, in powers of 10000) is a 7-bit two's complement
    // field. The last digit's place, counted from the fourth decimal, must be at or above it
    // (a negative place wraps past the table), and the first digit's below 10^12 (weight at
    // most 2), so the count is below 10^16 (and below 2^64 even for digits past 9999, which
    // a stored value does not have).
    let weight = ((header << 9) as i16) >> 9;
    let last = (weight as isize + 2).wrapping_sub(digits as isize);
    match PLACE_VALUE.get(last as usize) {
        Some(place) if weight <= 2 => (combined * place, true),
        _ => (0, false),
    }
}

/// [`ten_thousandths`] of any other value: a zero, three or four digits, a value with a
/// 4-byte header (one computed by an expression, such as `coalesce(x, 0) * 12`, rather than
/// read from a row), or (not ours) a toast pointer, a compressed value or the long format.
#[inline(never)]
unsafe fn other_amount(ptr: *const u8) -> (u64, bool) {
    unsafe {
        const NO: (u64, bool) = (0, false);
        let first = *ptr;
        // Where the format word starts, and the value's length from there.
        let (data, len) = if first & 0x01 == 0x01 {
            // VARATT_IS_1B; 0x01 alone tags a toast pointer.
            if first == 0x01 {
                return NO;
            }
            (ptr.add(1), ((first >> 1) as usize).wrapping_sub(1))
        } else if first & 0x03 == 0x00 {
            // VARATT_IS_4B_U: the length is the 4-byte header's upper 30 bits.
            let size = std::ptr::read_unaligned(ptr.cast::<u32>()) >> 2;
            (ptr.add(4), (size as usize).wrapping_sub(4))
        } else {
            return NO;
        };
        // Every numeric has its 2-byte format word; the short format, plus sign.
        if len < 2 {
            return NO;
        }
        // The short format, a plus sign, and a display scale that money allows (the full
        // reader refuses more, and both paths must agree).
        let header = std::ptr::read_unaligned(data.cast::<u16>());
        let dscale = ((header & SHORT_DSCALE_MASK) >> SHORT_DSCALE_SHIFT) as u32;
        if header & (SIGN_MASK | SHORT_SIGN_MASK) != SHORT || dscale > MAX_SCALE {
            return NO;
        }
        let digit = |i: usize| std::ptr::read_unaligned(data.add(2 + 2 * i).cast::<u16>()) as u64;
        let digits = (len - 2) >> 1;
        let combined = match digits {
            0 => return (0, true),
            1 => digit(0),
            2 => digit(0) * 10_000 + digit(1),
            3 => (digit(0) * 10_000 + digit(1)) * 10_000 + digit(2),
            4 => ((digit(0) * 10_000 + digit(1)) * 10_000 + digit(2)) * 10_000 + digit(3),
            _ => return NO,
        };
        place_units(combined, header, digits)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` as PostgreSQL stores it in a row: 1-byte varlena header, short format, the
    /// digits in base 10000 aligned on the decimal point, leading and trailing zero digits
    /// dropped (numeric.c's make_result).
    fn stored(text: &str) -> Vec<u8> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let int = format!("{}{int}", "0".repeat((4 - int.len() % 4) % 4));
        let padded = format!("{frac}{}", "0".repeat((4 - frac.len() % 4) % 4));
        let group = |s: &str| s.parse::<u16>().expect("four decimal digits");
        let mut digits: Vec<u16> = (0..int.len() / 4)
            .map(|i| group(&int[4 * i..4 * i + 4]))
            .collect();
        let mut weight = digits.len() as i32 - 1;
        digits.extend((0..padded.len() / 4).map(|i| group(&padded[4 * i..4 * i + 4])));
        while digits.first() == Some(&0) {
            digits.remove(0);
            weight -= 1;
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let negative = negative && !digits.is_empty();
        if digits.is_empty() {
            weight = 0;
        }
        let mut header = SHORT | ((frac.len() as u16) << SHORT_DSCALE_SHIFT);
        if negative {
            header |= SHORT_SIGN_MASK;
        }
        header |= (weight as u16) & (SHORT_WEIGHT_SIGN_MASK | SHORT_WEIGHT_MASK);
        let len = 3 + 2 * digits.len();
        let mut out = vec![((len as u8) << 1) | 1];
        out.extend_from_slice(&header.to_le_bytes());
        for d in digits {
            out.extend_from_slice(&d.to_le_bytes());
        }
        out
    }

    /// What `ten_thousandths` must give for `text`, from the decimal value itself: its count
    /// of ten-thousandths when it is zero or more, below 10^12, and has no non-zero digit past
    /// the fourth decimal; None otherwise.
    fn expected(text: &str) -> Option<u64> {
        // Past 38 decimals money refuses a value; below, trailing zeros are only display.
        let text = match text.split_once('.') {
            Some((_, frac)) if frac.len() > MAX_SCALE as usize => return None,
            Some((int, frac)) if frac.trim_end_matches('0').is_empty() => int.to_string(),
            Some((int, frac)) => format!("{int}.{}", frac.trim_end_matches('0')),
            None => text.to_string(),
        };
        let m = Money::parse(&text)?;
        let units = if m.scale <= 4 {
            m.units * crate::kpi::revenue::money::pow10(4 - m.scale)
        } else {
            let drop = crate::kpi::revenue::money::pow10(m.scale - 4);
            if m.units % drop != 0 {
                return None;
            }
            m.units / drop
        };
        (0..10_000_000_000_000_000)
            .contains(&units)
            .then_some(units as u64)
    }

    fn read(bytes: &[u8]) -> Option<u64> {
        let (units, ok) = unsafe { ten_thousandths(bytes.as_ptr()) };
        ok.then_some(units)
    }

    /// The same value with the 4-byte header of a value computed in memory.
    fn computed(text: &str) -> Vec<u8> {
        let short = stored(text);
        let size = (short.len() - 1 + 4) as u32;
        let mut out = (size << 2).to_le_bytes().to_vec();
        out.extend_from_slice(&short[1..]);
        out
    }

    #[test]
    fn ten_thousandths_of_every_shape() {
        let cases = [
            "0",
            "0.00",
            "-0.00",
            "1",
            "49.00",
            "49.99",
            "6530.93",
            "0.5",
            "0.0001",
            "0.00015",
            "1.50000",
            "1.00001",
            "9999.9999",
            "10000",
            "12345.67",
            "100000000.01",
            "999999999999.9999",
            "1000000000000",
            "1000000000000.00",
            "-0.01",
            "-12.5",
            "0.0000",
            "123456789012.3456",
            "7.000000001",
            // Display scales past money's 38 (refused by both readers), 32 and over (read
            // out of line) and 31 (inline).
            "1.0000000000000000000000000000000000000000",
            "0.0000000000000000000000000000000000000000",
            "5.00000000000000000000000000000000000000",
            "5.0000000000000000000000000000000",
            "5.000000000000000000000000000000",
        ];
        for text in cases {
            assert_eq!(read(&stored(text)), expected(text), "{text}");
            assert_eq!(read(&computed(text)), expected(text), "{text}");
        }
        assert_eq!(read(&stored("6530.93")), Some(65_309_300));
        assert_eq!(
            read(&stored("999999999999.9999")),
            Some(9_999_999_999_999_999)
        );
    }

    #[test]
    fn ten_thousandths_equal_the_decimal_value() {
        // Deterministic pseudo-random amounts over 16 orders of magnitude and 0 to 7 decimals.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let decimals = (i % 8) as usize;
            let magnitude = 10u64.pow((x % 17) as u32);
            let raw = (x >> 8) % magnitude;
            let digits = format!("{raw:0>width$}", width = decimals + 1);
            let (int, frac) = digits.split_at(digits.len() - decimals);
            let text = if decimals == 0 {
                int.to_string()
            } else {
                format!("{int}.{frac}")
            };
            let text = if i % 11 == 0 {
                format!("-{text}")
            } else {
                text
            };
            assert_eq!(read(&stored(&text)), expected(&text), "{text}");
            assert_eq!(read(&computed(&text)), expected(&text), "{text}");
        }
    }

    #[test]
    fn other_headers_are_left_to_the_full_reader() {
        // A compressed value's header, an external pointer's tag, the long format (weight,
        // then display scale), NaN and infinity in the short form.
        let compressed = [(8u8 << 2) | 0x02, 0, 0, 0, 0x00, 0x80, 0x31, 0x00];
        assert_eq!(read(&compressed), None);
        assert_eq!(read(&[0x01, 18, 0, 0]), None);
        let long = [
            (9u8 << 1) | 1,
            0x00,
            0x00,
            0x00,
            0x00,
            0x31,
            0x00,
            0x00,
            0x00,
        ];
        assert_eq!(read(&long), None);
        for special in [0xC000u16, 0xD000, 0xF000] {
            let mut bytes = vec![(3 << 1) | 1];
            bytes.extend_from_slice(&special.to_le_bytes());
            assert_eq!(read(&bytes), None, "{special:#x}");
        }
        // NULL reads as the stored zero.
        let zero = stored_or_zero(Datum::from(0usize), true);
        assert_eq!(unsafe { ten_thousandths(zero) }, (0, true));
    }
}
