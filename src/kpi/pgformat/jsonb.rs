//! Reading `jsonb` values in place, from PostgreSQL's binary format (`utils/jsonb.h`): the
//! bytes after the varlena header.
//!
//! Going through pgrx's `JsonB` prints the value as text and parses it again with serde: about
//! a microsecond per small object, more than everything else a health score costs per row. The
//! binary container is simple and documented, so it is read here directly, with every offset
//! checked (a corrupt value is an error, never a crash). Numbers are PostgreSQL `numeric`s,
//! converted to the nearest `double precision` exactly as `numeric::float8` rounds them.

use super::numeric::{self, Numeric};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

const JB_CMASK: u32 = 0x0FFF_FFFF;
const JB_FSCALAR: u32 = 0x1000_0000;
const JB_FOBJECT: u32 = 0x2000_0000;
const JB_FARRAY: u32 = 0x4000_0000;

const JENTRY_OFFLENMASK: u32 = 0x0FFF_FFFF;
const JENTRY_TYPEMASK: u32 = 0x7000_0000;
const JENTRY_HAS_OFF: u32 = 0x8000_0000;
const JENTRY_ISSTRING: u32 = 0x0000_0000;
const JENTRY_ISNUMERIC: u32 = 0x1000_0000;
const JENTRY_ISBOOL_FALSE: u32 = 0x2000_0000;
const JENTRY_ISBOOL_TRUE: u32 = 0x3000_0000;
const JENTRY_ISNULL: u32 = 0x4000_0000;
const JENTRY_ISCONTAINER: u32 = 0x5000_0000;

/// A JSON value inside a `jsonb`.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A `numeric` varlena (4-byte header), as stored.
    Number(&'a [u8]),
    /// Bytes in the server encoding.
    String(&'a [u8]),
    Array(Container<'a>),
    Object(Container<'a>),
}

impl Value<'_> {
    /// The JSON type's name, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// An object or array container: a header word, one `JEntry` per child (keys, then values for
/// an object), then the children's data.
#[derive(Clone, Copy)]
pub struct Container<'a> {
    bytes: &'a [u8],
    count: usize,
    object: bool,
}

#[cold]
fn corrupt() -> Box<KpiError> {
    KpiError::new(
        ErrorKind::BadBinary,
        "invalid jsonb value",
        "An offset or length in the jsonb value points outside it.",
        "The value is corrupt; rewrite it from its text form.",
    )
}

fn u32_at(bytes: &[u8], at: usize) -> KpiResult<u32> {
    super::u32_at(bytes, at).ok_or_else(corrupt)
}

/// The top-level value of a `jsonb` datum, given its bytes after the varlena header.
pub fn root(bytes: &[u8]) -> KpiResult<Value<'_>> {
    let header = u32_at(bytes, 0)?;
    let count = (header & JB_CMASK) as usize;
    let object = header & JB_FOBJECT != 0;
    let container = Container {
        bytes,
        count,
        object,
    };
    if header & JB_FSCALAR != 0 {
        // A scalar is stored as a one-element array flagged as such.
        return container.child(0, 0);
    }
    if object {
        Ok(Value::Object(container))
    } else if header & JB_FARRAY != 0 {
        Ok(Value::Array(container))
    } else {
        Err(corrupt())
    }
}

impl<'a> Container<'a> {
    /// Elements of an array, pairs of an object.
    pub fn len(&self) -> usize {
        self.count
    }

    fn entry(&self, i: usize) -> KpiResult<u32> {
        u32_at(self.bytes, 4 + 4 * i)
    }

    /// Children of the container: twice `count` for an object (keys, then values).
    fn children(&self) -> usize {
        if self.object {
            2 * self.count
        } else {
            self.count
        }
    }

    /// Where child `i`'s data starts, relative to the data area (`getJsonbOffset`).
    fn offset(&self, i: usize) -> KpiResult<usize> {
        let mut offset = 0usize;
        for j in (0..i).rev() {
            let e = self.entry(j)?;
            offset = offset.saturating_add((e & JENTRY_OFFLENMASK) as usize);
            if e & JENTRY_HAS_OFF != 0 {
                break;
            }
        }
        Ok(offset)
    }

    /// Child `i`, whose data starts at `offset` in the data area.
    fn child(&self, i: usize, offset: usize) -> KpiResult<Value<'a>> {
        let e = self.entry(i)?;
        let len = if e & JENTRY_HAS_OFF != 0 {
            ((e & JENTRY_OFFLENMASK) as usize)
                .checked_sub(offset)
                .ok_or_else(corrupt)?
        } else {
            (e & JENTRY_OFFLENMASK) as usize
        };
        let data = 4 + 4 * self.children();
        let slice = |start: usize, len: usize| {
            self.bytes
                .get(data + start..data + start + len)
                .ok_or_else(corrupt)
        };
        let aligned = (offset + 3) & !3;
        Ok(match e & JENTRY_TYPEMASK {
            JENTRY_ISSTRING => Value::String(slice(offset, len)?),
            JENTRY_ISNUMERIC => Value::Number(slice(aligned, len - (aligned - offset).min(len))?),
            JENTRY_ISBOOL_FALSE => Value::Bool(false),
            JENTRY_ISBOOL_TRUE => Value::Bool(true),
            JENTRY_ISNULL => Value::Null,
            JENTRY_ISCONTAINER => {
                let bytes = slice(aligned, len - (aligned - offset).min(len))?;
                match root(bytes)? {
                    v @ (Value::Array(_) | Value::Object(_)) => v,
                    _ => return Err(corrupt()),
                }
            }
            _ => return Err(corrupt()),
        })
    }

    /// The (key, value) pairs of an object, in jsonb's key order (shorter keys first, then
    /// bytewise), or the elements of an array (with empty keys).
    pub fn entries(&self) -> KpiResult<Vec<(&'a [u8], Value<'a>)>> {
        // Each child has a 4-byte JEntry: a corrupt count cannot claim more than fit.
        let mut out = Vec::with_capacity(self.count.min(self.bytes.len() / 4));
        if !self.object {
            let mut offset = 0;
            for i in 0..self.count {
                out.push((&[][..], self.child(i, offset)?));
                offset = self.end(i, offset)?;
            }
            return Ok(out);
        }
        let mut key_offset = 0;
        let mut value_offset = self.offset(self.count)?;
        for i in 0..self.count {
            let Value::String(key) = self.child(i, key_offset)? else {
                return Err(corrupt());
            };
            let value = self.child(self.count + i, value_offset)?;
            key_offset = self.end(i, key_offset)?;
            value_offset = self.end(self.count + i, value_offset)?;
            out.push((key, value));
        }
        Ok(out)
    }

    /// Where child `i`'s data ends, given where it starts.
    fn end(&self, i: usize, offset: usize) -> KpiResult<usize> {
        let e = self.entry(i)?;
        Ok(if e & JENTRY_HAS_OFF != 0 {
            (e & JENTRY_OFFLENMASK) as usize
        } else {
            offset.saturating_add((e & JENTRY_OFFLENMASK) as usize)
        })
    }
}

/// A finite `numeric` taken apart: sign, weight of its first base-10000 digit, and digits.
struct Decimal<'a> {
    negative: bool,
    weight: i32,
    digits: &'a [u8],
}

impl Decimal<'_> {
    fn len(&self) -> usize {
        self.digits.len() / 2
    }

    fn digit(&self, i: usize) -> u16 {
        u16::from_ne_bytes([self.digits[2 * i], self.digits[2 * i + 1]])
    }
}

/// A `numeric` varlena read apart; `None` for NaN and the infinities.
fn decimal(bytes: &[u8]) -> KpiResult<Option<Decimal<'_>>> {
    // jsonb stores a numeric as it was given (VARSIZE_ANY): normally with a 4-byte header, but
    // a 1-byte one is legal too.
    let first = *bytes.first().ok_or_else(corrupt)?;
    let (varsize, hdr) = if first & 0x01 == 0x01 {
        ((first >> 1) as usize, 1)
    } else {
        ((u32_at(bytes, 0)? >> 2) as usize, 4)
    };
    let bytes = bytes.get(hdr..varsize).ok_or_else(corrupt)?;
    let Numeric::Finite {
        negative,
        weight,
        digits,
        ..
    } = numeric::parts(bytes).ok_or_else(corrupt)?
    else {
        return Ok(None);
    };
    let d = Decimal {
        negative,
        weight,
        digits,
    };
    if (0..d.len()).any(|i| d.digit(i) >= 10_000) {
        return Err(corrupt());
    }
    Ok(Some(d))
}

/// A `numeric` (4-byte varlena header) as `numeric::float8` reads it: the nearest double,
/// correctly rounded (PostgreSQL goes through `strtod`); `None` where `numeric::float8` fails or
/// gives no finite double: NaN, the infinities, a magnitude past the double range, and a
/// nonzero number so small that it rounds to 0 (`1e-400`: "out of range", as PostgreSQL says).
pub fn numeric_to_f64(bytes: &[u8]) -> KpiResult<Option<f64>> {
    let Some(d) = decimal(bytes)? else {
        return Ok(None);
    };
    let magnitude = decimal_to_f64(d.len(), |i| d.digit(i), d.weight);
    let nonzero = (0..d.len()).any(|i| d.digit(i) != 0);
    if !magnitude.is_finite() || (magnitude == 0.0 && nonzero) {
        return Ok(None);
    }
    Ok(Some(if d.negative { -magnitude } else { magnitude }))
}

/// A `numeric`'s value as bytes that are equal exactly when the numbers are, as `numeric`'s
/// `=` (and so jsonb's) compares: `1` and `1.0` differ only in their display scale, which this
/// leaves out.
pub fn numeric_identity(bytes: &[u8]) -> KpiResult<Vec<u8>> {
    let Some(d) = decimal(bytes)? else {
        // NaN or an infinity: its header says which.
        let mut out = vec![b'!'];
        out.extend_from_slice(
            bytes
                .get(bytes.len().saturating_sub(2)..)
                .unwrap_or_default(),
        );
        return Ok(out);
    };
    let digits: Vec<u16> = (0..d.len()).map(|i| d.digit(i)).collect();
    let lead = digits.iter().take_while(|&&x| x == 0).count();
    let trail = digits.iter().rev().take_while(|&&x| x == 0).count();
    if lead == digits.len() {
        return Ok(b"0".to_vec());
    }
    let mut out = vec![if d.negative { b'-' } else { b'+' }];
    out.extend_from_slice(&(d.weight - lead as i32).to_be_bytes());
    for x in &digits[lead..digits.len() - trail] {
        out.extend_from_slice(&x.to_be_bytes());
    }
    Ok(out)
}

/// Σ digit(i) × 10000^(weight − i) for i < n, correctly rounded.
fn decimal_to_f64(n: usize, digit: impl Fn(usize) -> u16, weight: i32) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let exp10 = 4 * (weight - (n as i32 - 1));
    // Clinger's fast path: an integer below 2^53 times or over an exact power of ten (up to
    // 10^22) is one correctly rounded operation.
    if n <= 4 && (-22..=22).contains(&exp10) {
        let mantissa = (0..n).fold(0u64, |m, i| m * 10_000 + digit(i) as u64);
        if mantissa <= 1 << 53 {
            let m = mantissa as f64;
            let p = 10f64.powi(exp10.abs());
            return if exp10 >= 0 { m * p } else { m / p };
        }
    }
    let mut text = String::with_capacity(4 * n + 8);
    for i in 0..n {
        text.push_str(&format!("{:04}", digit(i)));
    }
    text.push_str(&format!("e{exp10}"));
    text.parse::<f64>().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_short(negative: bool, weight: i32, digits: &[u16]) -> Vec<u8> {
        let mut header: u16 = 0x8000 | ((weight as u16) & 0x7F);
        if negative {
            header |= 0x2000;
        }
        let size = 6 + 2 * digits.len();
        let mut out = ((size as u32) << 2).to_ne_bytes().to_vec();
        out.extend_from_slice(&header.to_ne_bytes());
        for d in digits {
            out.extend_from_slice(&d.to_ne_bytes());
        }
        out
    }

    /// The long format, for weights past the short one's -64..63.
    fn numeric_long(negative: bool, weight: i16, digits: &[u16]) -> Vec<u8> {
        let size = 8 + 2 * digits.len();
        let mut out = ((size as u32) << 2).to_ne_bytes().to_vec();
        out.extend_from_slice(&(if negative { 0x4000u16 } else { 0 }).to_ne_bytes());
        out.extend_from_slice(&weight.to_ne_bytes());
        for d in digits {
            out.extend_from_slice(&d.to_ne_bytes());
        }
        out
    }

    #[test]
    fn numerics() {
        let n = |neg, w, d: &[u16]| numeric_to_f64(&numeric_short(neg, w, d)).unwrap();
        assert_eq!(n(false, 0, &[5]), Some(5.0));
        assert_eq!(n(true, 0, &[20]), Some(-20.0));
        assert_eq!(n(false, -1, &[1000]), Some(0.1));
        assert_eq!(n(false, 0, &[49, 9900]), Some(49.99));
        assert_eq!(n(false, 1, &[1, 2345]), Some(12345.0));
        assert_eq!(n(false, 0, &[]), Some(0.0));
        // 0.1234567890123456789: past the fast path, still the nearest double.
        assert_eq!(
            n(false, -1, &[1234, 5678, 9012, 3456, 7890]),
            Some(0.12345678901234567890)
        );
        assert_eq!(decimal_to_f64(1, |_| 1, 100), f64::INFINITY);
        // As numeric::float8: past the range either way is no double, not infinity or 0.
        let long = |neg, w, d: &[u16]| numeric_to_f64(&numeric_long(neg, w, d)).unwrap();
        assert_eq!(long(false, 0, &[5]), Some(5.0));
        assert_eq!(long(false, 100, &[1]), None); // 1e400
        assert_eq!(long(false, -101, &[1]), None); // 1e-404
        assert_eq!(long(true, -101, &[1]), None);
        // The smallest subnormal, 4.9e-324, still reads (strtod gives it, so does float8in).
        assert!(long(false, -81, &[4, 9406]).is_some_and(|x| x > 0.0));
    }

    #[test]
    fn numeric_identity_ignores_display_scale() {
        let id = |neg, w, d: &[u16]| numeric_identity(&numeric_short(neg, w, d)).unwrap();
        // 1 and 1.0 (same digits; the short header's scale is not written here), 1 and 0001.
        assert_eq!(id(false, 0, &[1]), id(false, 1, &[0, 1]));
        assert_eq!(id(false, 0, &[1]), id(false, 0, &[1, 0]));
        assert_ne!(id(false, 0, &[1]), id(true, 0, &[1]));
        assert_ne!(id(false, 0, &[1]), id(false, 1, &[1]));
        assert_eq!(id(false, 0, &[]), id(true, 3, &[0]));
    }

    use super::super::encode::{self, Json};
    use crate::kpi::testing::Rng;

    fn random_number(rng: &mut Rng) -> String {
        let magnitude = 10u64.pow(rng.below(19) as u32);
        let int = rng.below(magnitude);
        let sign = if rng.below(3) == 0 { "-" } else { "" };
        match rng.below(4) {
            0 => format!("{sign}{int}"),
            1 => format!("{sign}{int}.{:0>width$}", rng.below(1000), width = 3),
            2 => format!(
                "{sign}0.{}{}",
                "0".repeat(rng.below(30) as usize),
                1 + rng.below(999)
            ),
            _ => format!("{sign}{int}{}", "0".repeat(rng.below(30) as usize)),
        }
    }

    /// A random JSON value: scalars, empty and nested containers, arrays and objects long
    /// enough to cross jsonb's offset stride (every 32nd child), keys from a small alphabet so
    /// that lengths and bytes tie.
    fn random_json(rng: &mut Rng, depth: u32) -> Json {
        match rng.below(if depth >= 3 { 5 } else { 7 }) {
            0 => Json::Null,
            1 => Json::Bool(rng.below(2) == 0),
            2 | 3 => Json::Number(random_number(rng)),
            4 => Json::String(
                (0..rng.below(12))
                    .map(|_| b"ab\"\\\x00\xc3\xa9z"[rng.below(8) as usize])
                    .collect(),
            ),
            5 => Json::Array(
                (0..[0, 1, 3, 40][rng.below(4) as usize])
                    .map(|_| random_json(rng, depth + 1))
                    .collect(),
            ),
            _ => {
                let mut pairs: Vec<(Vec<u8>, Json)> = Vec::new();
                for _ in 0..[0, 1, 3, 40][rng.below(4) as usize] {
                    let key: Vec<u8> = (0..rng.below(4))
                        .map(|_| b"abc"[rng.below(3) as usize])
                        .collect();
                    if pairs.iter().all(|p| p.0 != key) {
                        pairs.push((key, random_json(rng, depth + 1)));
                    }
                }
                Json::Object(pairs)
            }
        }
    }

    /// `got` is `want`: the same structure, numbers equal to their text as doubles (both
    /// correctly rounded), objects in jsonb's key order.
    fn same(want: &Json, got: Value) {
        match (want, got) {
            (Json::Null, Value::Null) => {}
            (Json::Bool(a), Value::Bool(b)) => assert_eq!(*a, b),
            (Json::Number(text), Value::Number(bytes)) => {
                let x: f64 = text.parse().unwrap();
                let want = (x.is_finite()
                    && (x != 0.0 || text.trim_start_matches(['-', '0', '.']).is_empty()))
                .then_some(x);
                assert_eq!(numeric_to_f64(bytes).unwrap(), want, "{text}");
                // Equal numbers, whatever their display scale, have equal identities.
                let frac = text.split_once('.').map_or(0, |(_, f)| f.len()) as u32;
                let d = encode::Decimal::parse(text, frac);
                let longer = encode::varlena(
                    &encode::Decimal {
                        dscale: frac + 3,
                        ..d
                    }
                    .data(true),
                    false,
                );
                assert_eq!(
                    numeric_identity(bytes).unwrap(),
                    numeric_identity(&longer).unwrap(),
                    "{text}"
                );
            }
            (Json::String(a), Value::String(b)) => assert_eq!(a.as_slice(), b),
            (Json::Array(items), Value::Array(c)) => {
                let entries = c.entries().unwrap();
                assert_eq!((c.len(), entries.len()), (items.len(), items.len()));
                for (w, (key, g)) in items.iter().zip(entries) {
                    assert!(key.is_empty());
                    same(w, g);
                }
            }
            (Json::Object(pairs), Value::Object(c)) => {
                let mut pairs = pairs.clone();
                pairs.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.0.cmp(&b.0)));
                let entries = c.entries().unwrap();
                assert_eq!((c.len(), entries.len()), (pairs.len(), pairs.len()));
                for ((wk, w), (gk, g)) in pairs.iter().zip(entries) {
                    assert_eq!(wk.as_slice(), gk);
                    same(w, g);
                }
            }
            (w, g) => panic!("expected {w:?}, got a {}", g.kind()),
        }
    }

    #[test]
    fn values_round_trip_through_the_encoder() {
        let mut rng = Rng(0x6a73_6f6e_62);
        for _ in 0..5_000 {
            let want = random_json(&mut rng, 0);
            same(&want, root(&encode::jsonb(&want)).unwrap());
        }
        // The edges by hand: empty containers, a scalar at the top, a nested empty object.
        for want in [
            Json::Array(vec![]),
            Json::Object(vec![]),
            Json::Number("0".into()),
            Json::String(vec![]),
            Json::Object(vec![(b"a".to_vec(), Json::Object(vec![]))]),
        ] {
            same(&want, root(&encode::jsonb(&want)).unwrap());
        }
        assert!(matches!(root(&encode::jsonb(&Json::Null)), Ok(Value::Null)));
    }

    /// Every part of a value read, recursively; errors are fine, panics are not.
    fn walk(value: Value, depth: u32) {
        match value {
            Value::Number(bytes) => {
                let _ = numeric_to_f64(bytes);
                let _ = numeric_identity(bytes);
            }
            Value::Array(c) | Value::Object(c) if depth < 8 => {
                if let Ok(entries) = c.entries() {
                    for (_, v) in entries {
                        walk(v, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// Random bytes, and valid values truncated, bit-flipped, extended or with huge counts
    /// and offsets: a value or the "invalid jsonb value" error, never a panic or a read past
    /// the bytes.
    #[test]
    fn fuzzed_bytes_never_panic() {
        let valid = |rng: &mut Rng| encode::jsonb(&random_json(rng, 1));
        super::super::fuzz(0xf022_0002, 30_000, (4, 64), valid, |bytes| {
            match root(bytes) {
                Ok(v) => walk(v, 0),
                Err(e) => assert_eq!(e.message, "invalid jsonb value"),
            }
        });
    }
}
