//! Encoders of PostgreSQL's stored formats, written for the tests from the documented layouts
//! (`utils/adt/numeric.c` and `utils/numeric.h`: NumericShort, NumericLong and the special
//! values; `utils/jsonb.h`: JsonbContainer and JEntry; `utils/array.h`: ArrayType), with none
//! of the readers' code, so that a reader and its encoder can check each other.

/// A decimal number as `numeric_in` stores it: base-10000 digits aligned on the decimal point,
/// leading and trailing zero digits dropped (numeric.c's `make_result`), the weight of the
/// first digit, and the display scale (at least the decimals written).
pub struct Decimal {
    pub negative: bool,
    pub weight: i32,
    pub dscale: u32,
    pub digits: Vec<u16>,
}

impl Decimal {
    /// `text` (optional '-', digits, optional '.' and digits) with `dscale` at least its count
    /// of decimals (more shows trailing zeros, as `numeric(p, s)` does).
    pub fn parse(text: &str, dscale: u32) -> Decimal {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        assert!(dscale as usize >= frac.len());
        let int = format!("{}{int}", "0".repeat((4 - int.len() % 4) % 4));
        let frac = format!("{frac}{}", "0".repeat((4 - frac.len() % 4) % 4));
        let group = |s: &str| s.parse::<u16>().expect("four decimal digits");
        let mut digits: Vec<u16> = (0..int.len() / 4)
            .map(|i| group(&int[4 * i..4 * i + 4]))
            .collect();
        let mut weight = digits.len() as i32 - 1;
        digits.extend((0..frac.len() / 4).map(|i| group(&frac[4 * i..4 * i + 4])));
        while digits.first() == Some(&0) {
            digits.remove(0);
            weight -= 1;
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            weight = 0;
        }
        Decimal {
            negative: negative && !digits.is_empty(),
            weight,
            dscale,
            digits,
        }
    }

    /// Whether the short format can hold it (numeric.c's NUMERIC_CAN_BE_SHORT).
    pub fn fits_short(&self) -> bool {
        self.dscale <= 0x3F && (-64..=63).contains(&self.weight)
    }

    /// The bytes after the varlena header: the short format word (sign 0x2000, dscale in
    /// bits 7-12, weight as 7-bit two's complement) or the long one (sign 0x4000 and a 14-bit
    /// dscale, then an int16 weight), then the digits.
    pub fn data(&self, long: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if long {
            let word = if self.negative { 0x4000u16 } else { 0 } | (self.dscale as u16 & 0x3FFF);
            out.extend_from_slice(&word.to_ne_bytes());
            out.extend_from_slice(&(self.weight as i16).to_ne_bytes());
        } else {
            assert!(self.fits_short());
            let mut word = 0x8000u16 | ((self.dscale as u16) << 7);
            if self.negative {
                word |= 0x2000;
            }
            word |= (self.weight as u16) & 0x7F;
            out.extend_from_slice(&word.to_ne_bytes());
        }
        for d in &self.digits {
            out.extend_from_slice(&d.to_ne_bytes());
        }
        out
    }
}

/// NaN, Infinity and -Infinity: their format word alone (PostgreSQL 14 and later).
pub const NAN: u16 = 0xC000;
pub const PINF: u16 = 0xD000;
pub const NINF: u16 = 0xF000;

pub fn special(word: u16) -> Vec<u8> {
    word.to_ne_bytes().to_vec()
}

/// `data` behind a varlena header: the 1-byte one of a value stored in a row when it is
/// short enough (`short`), else the 4-byte one of a value computed in memory.
pub fn varlena(data: &[u8], short: bool) -> Vec<u8> {
    let mut out = if short && data.len() + 1 <= 0x7F {
        vec![(((data.len() + 1) as u8) << 1) | 1]
    } else {
        (((data.len() + 4) as u32) << 2).to_ne_bytes().to_vec()
    };
    out.extend_from_slice(data);
    out
}

/// A JSON value as a test writes it (numbers as decimal text, strings as bytes).
#[derive(Clone, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(Vec<u8>),
    Array(Vec<Json>),
    Object(Vec<(Vec<u8>, Json)>),
}

/// Every 32nd child's JEntry holds its end offset instead of its length (JB_OFFSET_STRIDE).
const STRIDE: usize = 32;

/// A jsonb value's bytes after the varlena header (jsonb.c's `convertToJsonb`): a scalar at
/// the top is a one-element array flagged JB_FSCALAR; objects sorted by key (shorter first,
/// then bytewise) without duplicate keys, which the caller must not write.
pub fn jsonb(value: &Json) -> Vec<u8> {
    let mut out = Vec::new();
    match value {
        Json::Array(_) | Json::Object(_) => container(value, &mut out, false),
        scalar => container(&Json::Array(vec![scalar.clone()]), &mut out, true),
    }
    out
}

/// Appends a container at `out`'s end, which must be 4-aligned relative to the value's data.
fn container(value: &Json, out: &mut Vec<u8>, scalar: bool) {
    let (header, children): (u32, Vec<Json>) = match value {
        Json::Array(items) => (
            0x4000_0000 | if scalar { 0x1000_0000 } else { 0 } | items.len() as u32,
            items.clone(),
        ),
        Json::Object(pairs) => {
            let mut pairs = pairs.clone();
            pairs.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.0.cmp(&b.0)));
            let mut children: Vec<Json> = pairs.iter().map(|p| Json::String(p.0.clone())).collect();
            children.extend(pairs.into_iter().map(|p| p.1));
            (0x2000_0000 | (children.len() / 2) as u32, children)
        }
        _ => unreachable!("containers only"),
    };
    let start = out.len();
    out.extend_from_slice(&header.to_ne_bytes());
    let entries = out.len();
    out.resize(entries + 4 * children.len(), 0);
    let data = out.len();
    for (i, child) in children.iter().enumerate() {
        let begin = out.len();
        let kind: u32 = match child {
            Json::Null => 0x4000_0000,
            Json::Bool(false) => 0x2000_0000,
            Json::Bool(true) => 0x3000_0000,
            Json::String(s) => {
                out.extend_from_slice(s);
                0
            }
            Json::Number(text) => {
                pad(out, start);
                let frac = text.split_once('.').map_or(0, |(_, f)| f.len()) as u32;
                let d = Decimal::parse(text, frac);
                out.extend_from_slice(&varlena(&d.data(!d.fits_short()), false));
                0x1000_0000
            }
            nested => {
                pad(out, start);
                container(nested, out, false);
                0x5000_0000
            }
        };
        let end = out.len() - data;
        let entry = if i % STRIDE == 0 {
            0x8000_0000 | kind | end as u32
        } else {
            kind | (out.len() - begin) as u32
        };
        out[entries + 4 * i..entries + 4 * i + 4].copy_from_slice(&entry.to_ne_bytes());
    }
}

/// Zero bytes up to the next multiple of 4 from `start` (jsonb.c's `padBufferToInt`).
fn pad(out: &mut Vec<u8>, start: usize) {
    while (out.len() - start) % 4 != 0 {
        out.push(0);
    }
}

/// A `double precision[]`'s bytes after the varlena header (array.h's ArrayType): ndim,
/// dataoffset (0 without NULLs, else the data's offset from the varlena's start), element
/// type (float8's oid, 701), the dimensions and lower bounds, the NULL bitmap (bit set = not
/// NULL) when there are NULLs, then the non-NULL elements from a MAXALIGN'ed offset.
pub fn float8_array(dims: &[i32], elems: &[Option<f64>]) -> Vec<u8> {
    let nulls = elems.iter().any(|e| e.is_none());
    let header = 16 + 8 * dims.len();
    let bitmap = if nulls { elems.len().div_ceil(8) } else { 0 };
    let data = (header + bitmap).next_multiple_of(8);
    let mut out = Vec::new();
    out.extend_from_slice(&(dims.len() as i32).to_ne_bytes());
    out.extend_from_slice(&(if nulls { data as i32 } else { 0 }).to_ne_bytes());
    out.extend_from_slice(&701u32.to_ne_bytes());
    for d in dims {
        out.extend_from_slice(&d.to_ne_bytes());
    }
    for _ in dims {
        out.extend_from_slice(&1i32.to_ne_bytes());
    }
    if nulls {
        let mut bits = vec![0u8; bitmap];
        for (i, e) in elems.iter().enumerate() {
            if e.is_some() {
                bits[i / 8] |= 1 << (i % 8);
            }
        }
        out.extend_from_slice(&bits);
    }
    out.resize(data - 4, 0);
    for x in elems.iter().flatten() {
        out.extend_from_slice(&x.to_ne_bytes());
    }
    out
}
