//! The one reader of the extension's binary forms: fixed-size big-endian fields, LEB128
//! varints and length prefixes, each checked against what remains, with errors as DETAIL
//! sentences. Every summary's payload and the stored `mrr_history` form are read with it.

/// A read position in a binary value; errors are DETAIL sentences.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
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

    /// The next `N` bytes as an array.
    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut b = [0u8; N];
        b.copy_from_slice(self.take(N)?);
        Ok(b)
    }

    pub fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub fn i32(&mut self) -> Result<i32, String> {
        Ok(self.u32()? as i32)
    }

    pub fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    pub fn i64(&mut self) -> Result<i64, String> {
        Ok(self.u64()? as i64)
    }

    pub fn i128(&mut self) -> Result<i128, String> {
        Ok(i128::from_be_bytes(self.array()?))
    }

    pub fn f64(&mut self) -> Result<f64, String> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// A length prefix (u32) that cannot claim more elements of `elem_size` bytes than remain,
    /// so a corrupt length never makes a reader allocate gigabytes.
    pub fn len(&mut self, elem_size: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        if n.saturating_mul(elem_size.max(1)) > self.bytes.len() {
            return Err(format!(
                "The value claims {n} elements but has only {} bytes left.",
                self.bytes.len()
            ));
        }
        Ok(n)
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

    /// A varint count of items that cannot claim more items than bytes remain.
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

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The rest, after a length-prefixed or fixed-size read of everything expected.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }

    /// Checks that nothing is left over.
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

/// Appends `v` as an unsigned LEB128 varint, in its shortest form ([`Reader::varint`]).
pub fn put_varint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The length of [`put_varint`]'s form of `v`.
#[inline(always)]
pub fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// [`put_varint`]'s bytes of `v`, and their count, for a writer that is not a vector.
#[inline(always)]
pub fn varint_bytes(mut v: u64) -> ([u8; 10], usize) {
    let mut buf = [0u8; 10];
    let mut n = 0;
    while v >= 0x80 {
        buf[n] = (v as u8) | 0x80;
        v >>= 7;
        n += 1;
    }
    buf[n] = v as u8;
    (buf, n + 1)
}

/// [`put_varint`] of a value below 2^64, without its loop, for writers of millions of
/// varints: the seven-bit groups are spread over the bytes of one word and written at once,
/// then the bytes past the varint's end cut off (a copy of fixed size is a few moves, one of
/// `n` bytes a call to memcpy).
#[inline(always)]
pub fn put_varint_u64(out: &mut Vec<u8>, v: u64) {
    if v >= 1 << 56 {
        return put_varint(out, u128::from(v));
    }
    let n = varint_len(v);
    let mut spread = 0u64;
    for i in 0..8 {
        spread |= ((v >> (7 * i)) & 0x7f) << (8 * i);
    }
    // The continuation bit on every byte but the last.
    let more = 0x8080_8080_8080_8080u64 & ((1u64 << (8 * (n - 1))) - 1);
    let len = out.len();
    out.extend_from_slice(&(spread | more).to_le_bytes());
    out.truncate(len + n);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::testing::Rng;

    /// The three 64-bit forms agree with [`put_varint`] byte for byte, at every bit length.
    #[test]
    fn u64_varints_as_put_varint_writes_them() {
        let mut rng = Rng(3);
        let mut values = vec![
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::MAX,
            (1 << 56) - 1,
            1 << 56,
        ];
        values.extend((0..64).flat_map(|b| [(1u64 << b) - 1, 1 << b, (1 << b) + 1]));
        values.extend((0..10_000).map(|_| rng.next() >> rng.below(64)));
        for v in values {
            let (mut a, mut b) = (vec![7u8], vec![7u8]);
            put_varint_u64(&mut a, v);
            put_varint(&mut b, u128::from(v));
            assert_eq!(a, b, "{v}");
            let (buf, n) = varint_bytes(v);
            assert_eq!(&buf[..n], &b[1..], "{v}");
            assert_eq!(varint_len(v), n, "{v}");
        }
    }

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
            let mut c = Reader::new(&out);
            assert_eq!(c.varint(), Ok(v));
            assert!(c.finish().is_ok());
        }
        assert!(Reader::new(&[0x80, 0x00]).varint().is_err());
        assert!(Reader::new(&[0xff; 20]).varint().is_err());
        assert!(Reader::new(&[0x80]).varint().is_err());
    }

    #[test]
    fn fixed_fields_are_big_endian() {
        let bytes = [
            0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfe, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0,
        ];
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u32(), Ok(0x0102_0304));
        assert_eq!(r.i32(), Ok(-2));
        assert_eq!(r.f64(), Ok(1.0));
        assert!(r.is_empty() && r.finish().is_ok());
        let mut r = Reader::new(&[0, 0, 0, 3, 1, 2]);
        // Three 1-byte elements cannot fit in two bytes.
        assert!(r.len(1).is_err());
        let mut r = Reader::new(&[0, 0, 0, 2, 1, 2]);
        assert_eq!(r.len(1), Ok(2));
        assert_eq!(r.rest(), &[1, 2]);
        assert_eq!(
            Reader::new(&[1, 2]).u32(),
            Err("The value ends early: 4 more bytes were expected, 2 remain.".to_string())
        );
        assert_eq!(
            Reader::new(&[1]).finish(),
            Err("The value has 1 bytes after its end.".to_string())
        );
    }

    /// Any bytes read with any sequence of reads: a value or an error, never a panic, and
    /// never more read than there is.
    #[test]
    fn random_reads_of_random_bytes_never_panic() {
        let mut rng = Rng(0x5eed_b17e);
        for _ in 0..20_000 {
            let bytes = rng.bytes(40);
            let mut r = Reader::new(&bytes);
            for _ in 0..8 {
                let before = r.bytes.len();
                match rng.below(9) {
                    0 => r.u8().is_ok(),
                    1 => r.u32().is_ok(),
                    2 => r.i64().is_ok(),
                    3 => r.i128().is_ok(),
                    4 => r.f64().is_ok(),
                    5 => r.varint().is_ok(),
                    6 => r.count().is_ok(),
                    7 => r.len(rng.below(20) as usize).is_ok(),
                    _ => r.take(rng.below(50) as usize).is_ok(),
                };
                assert!(r.bytes.len() <= before);
            }
            assert_eq!(r.finish().is_ok(), r.is_empty());
        }
    }
}
