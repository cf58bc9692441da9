//! `double precision[]` values read in place, from PostgreSQL's array format
//! (`utils/array.h`), given the bytes after the varlena header:
//!
//! ```text
//! ndim i32 | dataoffset i32 (0 without NULLs) | element type oid | dims i32 x ndim |
//! lower bounds i32 x ndim | [NULL bitmap, bit set = not NULL] | padding to MAXALIGN |
//! the non-NULL elements, 8 bytes each
//! ```

use super::u32_at;
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

#[cold]
fn corrupt() -> Box<KpiError> {
    KpiError::new(
        ErrorKind::BadBinary,
        "invalid double precision[] value",
        "The array's header does not match its size.",
        "The value is corrupt; rewrite it.",
    )
}

/// A `double precision[]`'s number of dimensions and its elements in order (NULL as None);
/// the caller decides which dimensions it accepts.
pub fn read_float8_array(b: &[u8]) -> KpiResult<(i32, Vec<Option<f64>>)> {
    let i32_at = |at: usize| u32_at(b, at).map(|w| w as i32).ok_or_else(corrupt);
    // Offsets below are those of utils/array.h minus the 4-byte header.
    let ndim = i32_at(0)?;
    let dataoffset = i32_at(4)?;
    if !(0..=6).contains(&ndim) {
        return Err(corrupt());
    }
    let mut n: usize = if ndim == 0 { 0 } else { 1 };
    for d in 0..ndim as usize {
        let dim = usize::try_from(i32_at(12 + 4 * d)?).map_err(|_| corrupt())?;
        n = n.checked_mul(dim).ok_or_else(corrupt)?;
    }
    let after_dims = 12 + 8 * ndim as usize;
    let bitmap = if dataoffset != 0 {
        Some(
            b.get(after_dims..after_dims + n.div_ceil(8))
                .ok_or_else(corrupt)?,
        )
    } else {
        None
    };
    let data = if dataoffset != 0 {
        (dataoffset as u32 as usize)
            .checked_sub(4)
            .ok_or_else(corrupt)?
    } else {
        ((after_dims + 4 + 7) & !7) - 4
    };
    // Every element takes a bit of the bitmap or 8 bytes of data: a corrupt count cannot make
    // this allocate more than the value's size in elements.
    let mut out = Vec::with_capacity(n.min(8 * b.len()));
    let mut elements = b.get(data..).unwrap_or_default().chunks_exact(8);
    for i in 0..n {
        if bitmap.is_some_and(|m| m[i / 8] & (1 << (i % 8)) == 0) {
            out.push(None);
            continue;
        }
        let s = elements.next().ok_or_else(corrupt)?;
        out.push(Some(f64::from_ne_bytes([
            s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7],
        ])));
    }
    Ok((ndim, out))
}

#[cfg(test)]
mod tests {
    use super::super::encode;
    use super::*;
    use crate::kpi::testing::Rng;

    fn random_elems(rng: &mut Rng, n: usize, nulls: bool) -> Vec<Option<f64>> {
        (0..n)
            .map(|_| match rng.below(6) {
                0 if nulls => None,
                1 => Some(f64::from_bits(rng.next())),
                2 => Some(
                    [
                        0.0,
                        -0.0,
                        f64::INFINITY,
                        f64::NEG_INFINITY,
                        f64::MIN_POSITIVE,
                    ][rng.below(5) as usize],
                ),
                _ => Some((rng.below(2_000_001) as f64 - 1e6) / 1000.0),
            })
            .collect()
    }

    /// Bits, so that NaN equals itself.
    fn bits(v: &[Option<f64>]) -> Vec<Option<u64>> {
        v.iter().map(|x| x.map(f64::to_bits)).collect()
    }

    /// Arrays written by the independent encoder read back element for element: empty ones,
    /// ones with NULLs (bitmap lengths around a byte's edge), and several dimensions, whose
    /// count the caller sees (and refuses).
    #[test]
    fn arrays_round_trip_through_the_encoder() {
        let mut rng = Rng(0xf10a_7801);
        assert_eq!(
            read_float8_array(&encode::float8_array(&[], &[])).unwrap(),
            (0, vec![])
        );
        for _ in 0..20_000 {
            let ndim = [1, 1, 1, 2, 3][rng.below(5) as usize];
            let dims: Vec<i32> = (0..ndim)
                .map(|_| rng.below(if ndim == 1 { 20 } else { 4 }) as i32 + 1)
                .collect();
            let n = dims.iter().product::<i32>() as usize;
            let nulls = rng.below(2) == 0;
            let elems = random_elems(&mut rng, n, nulls);
            let (d, got) = read_float8_array(&encode::float8_array(&dims, &elems)).unwrap();
            assert_eq!((d, bits(&got)), (ndim as i32, bits(&elems)));
        }
        let all_null = vec![None; 9];
        assert_eq!(
            read_float8_array(&encode::float8_array(&[9], &all_null)).unwrap(),
            (1, all_null)
        );
    }

    /// Random bytes and valid arrays truncated, bit-flipped or given huge dimensions and data
    /// offsets: a value or the "invalid double precision[] value" error, never a panic, an
    /// allocation past the value's size or a read past its bytes.
    #[test]
    fn fuzzed_bytes_never_panic() {
        let valid = |rng: &mut Rng| {
            let n = rng.below(12) as usize;
            let nulls = rng.below(2) == 0;
            let elems = random_elems(rng, n, nulls);
            encode::float8_array(&[n as i32], &elems)
        };
        super::super::fuzz(
            0xf022_0003,
            100_000,
            (4, 64),
            valid,
            |bytes| match read_float8_array(bytes) {
                Ok((ndim, elems)) => {
                    assert!((0..=6).contains(&ndim));
                    assert!(elems.len() <= 8 * bytes.len());
                }
                Err(e) => assert_eq!(e.message, "invalid double precision[] value"),
            },
        );
    }
}
