//! `numeric` values read from PostgreSQL's stored format (`utils/adt/numeric.c`), as exact
//! [`Money`] or as the parts other readers need.
//!
//! Going through `numeric_out` text costs an allocation and a decimal print per value; the
//! stored form is a header and base-10000 digits, which map onto an integer in a few
//! multiplications. The layout is stable on disk, so it cannot change within a major release:
//!
//! ```text
//! varlena header (1 byte, or 4 bytes when computed in memory)
//! short format: u16 0x8000 | sign 0x2000 | dscale << 7 (6 bits) | weight (7-bit two's complement)
//! long format:  u16 sign (0x0000 or 0x4000) | dscale (14 bits), then i16 weight
//! special:      u16 0xC000 NaN, 0xD000 Infinity, 0xF000 -Infinity (no digits)
//! then the base-10000 digits (u16 each), the first of place 10000^weight
//! ```
//!
//! `stored` arguments are a whole value as its varlena header says, header included (what a
//! row or an expression passes, not toasted); `data` arguments are the bytes after the header.

use super::u16_at;
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::revenue::money::{Money, MAX_SCALE};

pub const SIGN_MASK: u16 = 0xC000;
pub const NEG: u16 = 0x4000;
pub const SHORT: u16 = 0x8000;
pub const SPECIAL: u16 = 0xC000;
pub const SHORT_SIGN_MASK: u16 = 0x2000;
pub const SHORT_DSCALE_MASK: u16 = 0x1F80;
pub const SHORT_DSCALE_SHIFT: u16 = 7;
pub const SHORT_WEIGHT_SIGN_MASK: u16 = 0x0040;
pub const SHORT_WEIGHT_MASK: u16 = 0x003F;
pub const DSCALE_MASK: u16 = 0x3FFF;

/// A `numeric` taken apart.
pub enum Numeric<'a> {
    /// A number: value = Σ digit(i) × 10000^(weight − i), shown with `dscale` decimals.
    Finite {
        negative: bool,
        weight: i32,
        dscale: u32,
        /// The base-10000 digits, two native-order bytes each.
        digits: &'a [u8],
    },
    /// NaN or an infinity: the format word says which.
    Special(u16),
}

impl Numeric<'_> {
    /// The digits of a [`Numeric::Finite`], in order.
    pub fn digits(digits: &[u8]) -> impl ExactSizeIterator<Item = u16> + '_ {
        digits
            .chunks_exact(2)
            .map(|d| u16::from_ne_bytes([d[0], d[1]]))
    }
}

/// A `numeric`'s parts from its bytes after the varlena header (`data`, short or long
/// format); None when they are too short to hold its format word (and weight).
pub fn parts(data: &[u8]) -> Option<Numeric<'_>> {
    let header = u16_at(data, 0)?;
    let (negative, weight, dscale, start) = match header & SIGN_MASK {
        SHORT => {
            // The weight is a 7-bit two's complement field.
            let weight =
                (((header & (SHORT_WEIGHT_SIGN_MASK | SHORT_WEIGHT_MASK)) << 9) as i16 >> 9) as i32;
            let dscale = (header & SHORT_DSCALE_MASK) >> SHORT_DSCALE_SHIFT;
            (header & SHORT_SIGN_MASK != 0, weight, dscale, 2)
        }
        SPECIAL => return Some(Numeric::Special(header)),
        sign => {
            let weight = u16_at(data, 2)? as i16 as i32;
            (sign == NEG, weight, header & DSCALE_MASK, 4)
        }
    };
    let digits = &data[start..];
    Some(Numeric::Finite {
        negative,
        weight,
        dscale: dscale as u32,
        digits: &digits[..digits.len() / 2 * 2],
    })
}

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

/// A value too short to be a `numeric`: never one PostgreSQL made.
#[cold]
fn corrupt() -> Box<KpiError> {
    KpiError::new(
        ErrorKind::BadBinary,
        "invalid numeric value",
        "The value is shorter than a numeric's header.",
        "The value is corrupt; rewrite it from its text form.",
    )
}

/// 10^n as u64, n <= 19.
const POW10_U64: [u64; 20] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
];

/// A `numeric` (its bytes after the varlena header, any format) as exact money: `what` names
/// the amount in errors (NaN, the infinities, a value past money's range or scale).
#[cold]
#[inline(never)]
pub fn money_from_data(data: &[u8], what: &str) -> KpiResult<Money> {
    match parts(data).ok_or_else(corrupt)? {
        Numeric::Special(header) => Err(special(header, what)),
        Numeric::Finite {
            negative,
            weight,
            dscale,
            digits,
        } => Money::from_numeric(negative, weight, dscale, Numeric::digits(digits), what),
    }
}

/// The common case read in a few instructions: a value as stored in a table row (1-byte
/// varlena header, short format) of at most 16 digits whose display scale needs no more than
/// 19 digits in all and is one money allows. None for anything else, which
/// [`money_from_data`] reads.
#[inline(always)]
pub fn short_stored(stored: &[u8]) -> Option<Money> {
    let (units, scale, negative) = short_parts(stored)?;
    let units = units as i128;
    Some(Money::new(if negative { -units } else { units }, scale))
}

/// (units of 10^-dscale, dscale, negative) of a short stored value, as [`short_stored`] says.
/// Every branch here is taken or not the same way for the rows of a typical column.
#[inline(always)]
fn short_parts(stored: &[u8]) -> Option<(u64, u32, bool)> {
    let [first, h0, h1, ..] = *stored else {
        return None;
    };
    // VARATT_IS_1B and not an external pointer (little-endian layout).
    if first & 0x01 == 0 || first == 0x01 {
        return None;
    }
    let header = u16::from_ne_bytes([h0, h1]);
    if header & SIGN_MASK != SHORT {
        return None;
    }
    let n = ((first >> 1) as usize).wrapping_sub(3) / 2;
    let digits = stored.get(3..3 + 2 * n.min(4))?;
    let digit = |i: usize| u16::from_ne_bytes([digits[2 * i], digits[2 * i + 1]]) as u64;
    let acc = match n {
        0 => 0,
        1 => digit(0),
        2 => digit(0) * 10_000 + digit(1),
        3 => (digit(0) * 10_000 + digit(1)) * 10_000 + digit(2),
        4 => ((digit(0) * 10_000 + digit(1)) * 10_000 + digit(2)) * 10_000 + digit(3),
        _ => return None,
    };
    let dscale = ((header & SHORT_DSCALE_MASK) >> SHORT_DSCALE_SHIFT) as i32;
    // A display scale past money's is refused, by the full reader.
    if dscale > MAX_SCALE as i32 {
        return None;
    }
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

/// 10000^p for p in 0..=3: the place of a value's last base-10000 digit, in ten-thousandths.
const PLACE_VALUE: [u64; 4] = [1, 10_000, 100_000_000, 1_000_000_000_000];

/// The stored form of 0 (1-byte header, short format, no digit), read in place of a NULL.
pub static STORED_ZERO: [u8; 3] = [(3 << 1) | 1, 0x00, 0x80];

/// A stored amount that is zero or positive, below 10^12 and with no digit past the fourth
/// decimal, as its count of ten-thousandths (the last place of `numeric`'s base-10000
/// digits, so no digit needs dividing), and whether it was such an amount (when not, the
/// count means nothing and the caller reads the value in full): the per-row fast path of the
/// `nrr()`/`grr()` sums.
///
/// Amounts from 1 to 9,999.9999, most customers' monthly revenue, are read inline: one or
/// two base-10000 digits of weight 0, found by one 4-byte load and combined without a branch
/// on their length. Zeros and other amounts go out of line.
#[inline(always)]
pub fn ten_thousandths(stored: &[u8]) -> (u64, bool) {
    let first = stored.first().copied().unwrap_or(0);
    // A 1-byte header of 5 or 7 bytes in all (one or two digits, told apart by bit 2), then
    // the short format, a plus sign, a display scale below 32 (money allows 38, checked out
    // of line) and weight 0, in one comparison.
    if first | 0x04 == ONE_OR_TWO_DIGITS {
        // The 4 bytes ending at the value's end (5 or 7 bytes, as its first byte says): its two
        // digits (units, then the four decimals), or its format word and its one digit
        // (units).
        let two = first & 0x04 != 0;
        if let (Some(&[h0, h1]), Some(&[b0, b1, b2, b3])) = (stored.get(1..3), stored.last_chunk())
        {
            let header = u16::from_ne_bytes([h0, h1]);
            if header
                & (SIGN_MASK
                    | SHORT_SIGN_MASK
                    | DSCALE_32
                    | SHORT_WEIGHT_SIGN_MASK
                    | SHORT_WEIGHT_MASK)
                == SHORT
            {
                let (low, high) = (
                    u16::from_ne_bytes([b0, b1]) as u64,
                    u16::from_ne_bytes([b2, b3]) as u64,
                );
                let units =
                    std::hint::select_unpredictable(two, low * 10_000 + high, high * 10_000);
                return (units, true);
            }
        }
    }
    other_amount(stored)
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
pub fn other_amount(stored: &[u8]) -> (u64, bool) {
    const NO: (u64, bool) = (0, false);
    let Some(&first) = stored.first() else {
        return NO;
    };
    // Where the format word starts, and where the value ends.
    let (start, end) = if first & 0x01 == 0x01 {
        // VARATT_IS_1B; 0x01 alone tags a toast pointer.
        if first == 0x01 {
            return NO;
        }
        (1, (first >> 1) as usize)
    } else if first & 0x03 == 0x00 {
        // VARATT_IS_4B_U: the length is the 4-byte header's upper 30 bits.
        match super::u32_at(stored, 0) {
            Some(word) => (4, (word >> 2) as usize),
            None => return NO,
        }
    } else {
        return NO;
    };
    // Every numeric has its 2-byte format word.
    let Some(data) = stored.get(start..end).filter(|d| d.len() >= 2) else {
        return NO;
    };
    // The short format, a plus sign, and a display scale that money allows (the full
    // reader refuses more, and both paths must agree).
    let header = u16::from_ne_bytes([data[0], data[1]]);
    let dscale = ((header & SHORT_DSCALE_MASK) >> SHORT_DSCALE_SHIFT) as u32;
    if header & (SIGN_MASK | SHORT_SIGN_MASK) != SHORT || dscale > MAX_SCALE {
        return NO;
    }
    let digits = (data.len() - 2) >> 1;
    if digits > 4 {
        return NO;
    }
    let mut combined = 0u64;
    for d in Numeric::digits(&data[2..2 + 2 * digits]) {
        combined = combined * 10_000 + d as u64;
    }
    if digits == 0 {
        return (0, true);
    }
    place_units(combined, header, digits)
}

/// The short format word of `money` with its scale as display scale, and its base-10000
/// digits: the form PostgreSQL itself uses for every value that fits it (all money does:
/// scale <= 38, weight between -10 and 9).
pub fn short_form(money: &Money) -> (u16, Vec<u16>) {
    let (negative, weight, digits) = money.to_numeric();
    let mut header = SHORT | ((money.scale as u16) << SHORT_DSCALE_SHIFT) & SHORT_DSCALE_MASK;
    if negative {
        header |= SHORT_SIGN_MASK;
    }
    if weight < 0 {
        header |= SHORT_WEIGHT_SIGN_MASK;
    }
    header |= (weight as u16) & SHORT_WEIGHT_MASK;
    (header, digits)
}

#[cfg(test)]
mod tests {
    use super::super::encode::{self, Decimal, NAN, NINF, PINF};
    use super::*;
    use crate::kpi::revenue::money::pow10;
    use crate::kpi::testing::Rng;

    /// `text` as PostgreSQL stores it in a row (1-byte header, short format), its display
    /// scale the decimals written.
    fn stored(text: &str) -> Vec<u8> {
        let frac = text.split_once('.').map_or(0, |(_, f)| f.len()) as u32;
        encode::varlena(&Decimal::parse(text, frac).data(false), true)
    }

    /// The same value with the 4-byte header of a value computed in memory.
    fn computed(text: &str) -> Vec<u8> {
        encode::varlena(&stored(text)[1..], false)
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
            m.units * pow10(4 - m.scale)
        } else {
            let drop = pow10(m.scale - 4);
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
        let (units, ok) = ten_thousandths(bytes);
        ok.then_some(units)
    }

    /// Every reader of `bytes` (a whole stored value): the fast paths agree with the full
    /// reader wherever they read a value.
    fn money(bytes: &[u8], what: &str) -> KpiResult<Money> {
        let hdr = if bytes[0] & 1 == 1 { 1 } else { 4 };
        let full = money_from_data(&bytes[hdr..], what);
        if let Some(fast) = short_stored(bytes) {
            assert_eq!(full.as_ref().ok(), Some(&fast), "{bytes:?}");
        }
        if let (units, true) = ten_thousandths(bytes) {
            match &full {
                Ok(m) => {
                    assert!(m.units >= 0, "{bytes:?}");
                    let scale = m.scale.max(4);
                    let want = (units as i128).checked_mul(pow10(scale - 4));
                    assert_eq!(m.units_at(scale), want, "{bytes:?}");
                }
                // The sums' fast path reads the value whatever its display scale up to 38;
                // money also counts the display scale's trailing zeros among its 38
                // significant digits, so an amount of up to 12 integer digits shown with
                // more than 26 decimals is read there and refused here.
                Err(e) => assert_eq!(e.message, "amount is out of range", "{bytes:?}"),
            }
        }
        full
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
        assert_eq!(short_stored(&compressed), None);
        assert_eq!(read(&[0x01]), None);
        assert_eq!(short_stored(&[0x01]), None);
        let long = encode::varlena(&Decimal::parse("49", 0).data(true), true);
        assert_eq!(read(&long), None);
        assert_eq!(short_stored(&long), None);
        assert_eq!(money(&long, "x"), Ok(Money::new(49, 0)));
        for special in [NAN, PINF, NINF] {
            let bytes = encode::varlena(&encode::special(special), true);
            assert_eq!(read(&bytes), None, "{special:#x}");
            assert_eq!(short_stored(&bytes), None, "{special:#x}");
        }
        // NULL reads as the stored zero.
        assert_eq!(ten_thousandths(&STORED_ZERO), (0, true));
        assert_eq!(short_stored(&STORED_ZERO), Some(Money::new(0, 0)));
    }

    #[test]
    fn special_values_are_refused_with_their_name() {
        for (word, message, kind) in [
            (NAN, "mrr cannot be NaN", ErrorKind::InvalidParameter),
            (PINF, "mrr cannot be Infinity", ErrorKind::OutOfRange),
            (NINF, "mrr cannot be -Infinity", ErrorKind::OutOfRange),
        ] {
            let bytes = encode::varlena(&encode::special(word), true);
            let err = money(&bytes, "mrr").unwrap_err();
            assert_eq!((err.message.as_str(), err.kind), (message, kind));
        }
        let err = money_from_data(&[0x80], "mrr").unwrap_err();
        assert_eq!(err.message, "invalid numeric value");
    }

    /// A random decimal text: up to `max_digits` significant digits, 0 to 45 decimals, some
    /// with leading zeros after the point, some negative.
    fn random_text(rng: &mut Rng, max_digits: u64) -> String {
        let decimals = match rng.below(4) {
            0 => 0,
            1 => rng.below(5),
            2 => rng.below(39),
            _ => rng.below(46),
        } as usize;
        let digits = 1 + rng.below(max_digits) as usize;
        let mut s: String = (0..digits)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        if rng.below(5) == 0 {
            s = "0".repeat(digits);
        }
        if s.len() <= decimals {
            s = format!("{}{s}", "0".repeat(decimals + 1 - s.len()));
        }
        let (int, frac) = s.split_at(s.len() - decimals);
        let int = int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let sign = if rng.below(4) == 0 { "-" } else { "" };
        if decimals == 0 {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }

    /// Numbers written by the independent encoder, in every header and format PostgreSQL
    /// writes or reads, read back as the decimal they are; past money's range or scale, the
    /// out-of-range error; the fast paths agree with the full reader throughout.
    #[test]
    fn money_round_trips_through_every_format() {
        let mut rng = Rng(0x6e75_6d65_7269_63);
        for i in 0..100_000 {
            let text = random_text(&mut rng, if i % 3 == 0 { 40 } else { 20 });
            let frac = text.split_once('.').map_or(0, |(_, f)| f.len()) as u32;
            // Extra display scale (trailing zeros), up to the short format's 63 and past it.
            let dscale = match rng.below(6) {
                0 => frac + rng.below(8) as u32,
                1 => frac.max(60 + rng.below(10) as u32),
                _ => frac,
            };
            let d = Decimal::parse(&text, frac);
            let d = Decimal { dscale, ..d };
            let padded = format!(
                "{text}{}{}",
                if frac == 0 && dscale > 0 { "." } else { "" },
                "0".repeat((dscale - frac) as usize)
            );
            let want = Money::parse(&padded);
            let significant = text.trim_start_matches(['-', '0', '.']).len();
            for (long, short_header) in [(false, true), (false, false), (true, true), (true, false)]
            {
                if !long && !d.fits_short() {
                    continue;
                }
                let bytes = encode::varlena(&d.data(long), short_header);
                let got = money(&bytes, "amount");
                match (&want, got) {
                    (Some(w), Ok(g)) => assert_eq!(&g, w, "{padded}"),
                    (None, Err(e)) => {
                        assert_eq!(e.kind, ErrorKind::OutOfRange, "{padded}");
                        assert_eq!(e.message, "amount is out of range");
                    }
                    // The full reader gathers every base-10000 digit, trailing zeros of the
                    // last one included, in 128 bits: a value of 35 to 38 significant digits
                    // may not fit there, and is refused as out of range.
                    (Some(_), Err(e)) if significant + 3 > 38 => {
                        assert_eq!(e.message, "amount is out of range", "{padded}")
                    }
                    (w, g) => panic!("{padded}: expected {w:?}, got {g:?}"),
                }
            }
        }
    }

    /// Random bytes, and valid values truncated, extended, bit-flipped or given huge lengths:
    /// every reader gives a value or an error, never a panic or a read past the bytes (the
    /// slices bound every read), and the fast paths still agree with the full reader.
    #[test]
    fn fuzzed_bytes_never_panic() {
        let valid = |rng: &mut Rng| {
            let text = random_text(rng, 24);
            let frac = text.split_once('.').map_or(0, |(_, f)| f.len()) as u32;
            let d = Decimal::parse(&text, frac);
            encode::varlena(
                &d.data(rng.below(4) == 0 || !d.fits_short()),
                rng.below(2) == 0,
            )
        };
        super::super::fuzz(0xf022_0001, 200_000, (3, 24), valid, |bytes| {
            let _ = ten_thousandths(bytes);
            let _ = short_stored(bytes);
            let _ = money_from_data(bytes, "amount");
            // A value whose header matches its length: the fast paths agree with the full
            // reader on it.
            if let Some(&first) = bytes.first() {
                if first & 1 == 1 && first != 1 && (first >> 1) as usize == bytes.len() {
                    let _ = money(bytes, "amount");
                }
            }
        });
    }
}
