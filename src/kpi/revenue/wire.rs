//! The stored form of `mrr_history`, read without building maps: varints, the header, and one
//! customer's months, with every invariant checked as it is read.
//!
//! ```text
//! kind u8 (0 none, 1 bigint, 2 text, 3 uuid) | scale u8 | [first i32 | last i32 |
//! customers varint | per customer: key | months varint | (month delta varint, units varint)*]
//! ```
//! Month deltas count from the first month (first entry) or the previous entry (> 0 after).

use super::history::Months;
use super::money::MAX_SCALE;

/// A read position in a stored value; errors are DETAIL sentences.
pub struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.bytes.len() < n {
            return Err(format!(
                "The value ends early: {n} more bytes were expected, {} remain.",
                self.bytes.len()
            ));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    pub fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    pub fn i32(&mut self) -> Result<i32, String> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(i32::from_be_bytes(b))
    }

    /// An unsigned LEB128 varint of at most 128 bits, in its shortest form.
    #[inline]
    pub fn varint(&mut self) -> Result<u128, String> {
        let mut value: u128 = 0;
        let mut shift = 0u32;
        loop {
            let Some((&b, rest)) = self.bytes.split_first() else {
                return Err("The value ends inside a number.".to_string());
            };
            self.bytes = rest;
            if shift > 126 || (shift == 126 && (b & 0x7f) > 3) {
                return Err("A number is longer than 128 bits.".to_string());
            }
            value |= ((b & 0x7f) as u128) << shift;
            if b & 0x80 == 0 {
                if b == 0 && shift > 0 {
                    return Err("A number is not in its shortest form.".to_string());
                }
                return Ok(value);
            }
            shift += 7;
        }
    }

    /// A count of items that cannot claim more items than bytes remain.
    pub fn count(&mut self) -> Result<usize, String> {
        let n = self.varint()?;
        if n > self.bytes.len() as u128 {
            return Err(format!(
                "The value claims {n} items but has only {} bytes left.",
                self.bytes.len()
            ));
        }
        Ok(n as usize)
    }

    pub fn finish(&self) -> Result<(), String> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "The value has {} bytes after its end.",
                self.bytes.len()
            ))
        }
    }
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub struct Header {
    pub kind: u8,
    pub scale: u32,
    pub range: Option<(i32, i32)>,
}

/// Reads the header; a history with a range continues with its customers.
pub fn read_header(c: &mut Cursor) -> Result<Header, String> {
    let kind = c.u8()?;
    if kind > 3 {
        return Err(format!("Customer type {kind} is not one of 0-3."));
    }
    let scale = c.u8()? as u32;
    if scale > MAX_SCALE {
        return Err(format!("Scale {scale} is above {MAX_SCALE}."));
    }
    let range = if c.bytes.is_empty() {
        None
    } else {
        let (first, last) = (c.i32()?, c.i32()?);
        if first > last {
            return Err("The first month is after the last.".to_string());
        }
        Some((first, last))
    };
    if range.is_none() && kind != 0 {
        return Err("A history with a customer type has no months.".to_string());
    }
    if range.is_some() && kind == 0 && !c.bytes.is_empty() {
        return Err("A history without customer type has customers.".to_string());
    }
    Ok(Header { kind, scale, range })
}

/// Skips one customer key of type `kind`.
pub fn skip_key(c: &mut Cursor, kind: u8) -> Result<(), String> {
    match kind {
        1 => c.take(8).map(|_| ()),
        2 => {
            let n = c.count()?;
            c.take(n).map(|_| ())
        }
        _ => c.take(16).map(|_| ()),
    }
}

/// Reads one customer's months into `out` (cleared first), checking order, range and signs.
#[inline]
pub fn read_months(c: &mut Cursor, range: (i32, i32), out: &mut Months) -> Result<(), String> {
    out.clear();
    let n = c.count()?;
    if n == 0 {
        return Err("A customer has no month.".to_string());
    }
    let mut month = range.0 as i64;
    for i in 0..n {
        let delta = c.varint()?;
        if (i > 0 && delta == 0) || delta > (range.1 as i64 - month) as u128 {
            return Err("A customer's months are not ascending within the range.".to_string());
        }
        month += delta as i64;
        let units = c.varint()?;
        if units == 0 || units > i128::MAX as u128 {
            return Err("An amount is 0 or above the largest 128-bit integer.".to_string());
        }
        out.push(month as i32, units as i128);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_reject_long_forms() {
        for v in [
            0u128,
            1,
            127,
            128,
            300,
            u64::MAX as u128,
            i128::MAX as u128,
            u128::MAX,
        ] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut c = Cursor::new(&out);
            assert_eq!(c.varint(), Ok(v));
            assert!(c.finish().is_ok());
        }
        assert!(Cursor::new(&[0x80, 0x00]).varint().is_err());
        assert!(Cursor::new(&[0xff; 20]).varint().is_err());
        assert!(Cursor::new(&[0x80]).varint().is_err());
    }
}
