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

// The stored form is read with the extension's one byte reader, under the name this
// module has always given it.
pub use crate::kpi::bytes::{put_varint, Reader as Cursor};

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
    let range = if c.is_empty() {
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
    if range.is_some() && kind == 0 && !c.is_empty() {
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
