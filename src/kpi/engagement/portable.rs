//! Checking a stored day bitmap in one pass over its bytes, before it is decoded.
//!
//! Days are stored in the portable Roaring format as `roaring` writes it with no run
//! containers: cookie 12346, the container count, per container its key and cardinality - 1,
//! per container its byte offset, then the containers, an array of ascending `u16` for 4,096
//! values or fewer, a 1,024-word bitmap above. For a given set exactly one byte string has that
//! shape, so a value that passes [`check`] is canonical, and `roaring`'s unchecked decoder can
//! read it. `roaring`'s checked decoder tests each array one comparison at a time and cannot
//! say whether the offsets or the container kinds are the canonical ones; summing a month of
//! daily summaries spent more time in it than in the union itself.

/// What a valid bitmap holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub len: u64,
    /// The largest value; `None` for the empty set.
    pub max: Option<u32>,
}

const COOKIE_NO_RUNS: u32 = 12346;
const ARRAY_LIMIT: usize = 4096;
const BITMAP_BYTES: usize = 8192;

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Whether the little-endian `u16` values in `bytes` are strictly ascending. Written as a fold
/// over pairs, without an early exit, so that it compiles to vector compares.
fn strictly_ascending(bytes: &[u8]) -> bool {
    let values = bytes.as_chunks::<2>().0;
    values
        .iter()
        .zip(values.get(1..).unwrap_or_default())
        .fold(true, |ok, (a, b)| {
            ok & (u16::from_le_bytes(*a) < u16::from_le_bytes(*b))
        })
}

/// The number of set bits in a bitmap container.
fn bits(bytes: &[u8]) -> u64 {
    bytes
        .as_chunks::<8>()
        .0
        .iter()
        .map(|word| u64::from(u64::from_le_bytes(*word).count_ones()))
        .sum()
}

/// Checks that `bytes` is the canonical portable form of a set; the error is a DETAIL clause.
pub fn check(bytes: &[u8]) -> Result<Shape, String> {
    if bytes.len() < 8 {
        return Err("it ends early".to_string());
    }
    if u32_at(bytes, 0) != COOKIE_NO_RUNS {
        return Err("it is not in the portable format without run containers".to_string());
    }
    let count = u32_at(bytes, 4) as usize;
    if count > 1 << 16 {
        return Err(format!("it claims {count} containers"));
    }
    let header = 8 + 8 * count;
    if bytes.len() < header {
        return Err("it ends early".to_string());
    }
    let mut offset = header;
    let mut len = 0u64;
    let mut max = None;
    for i in 0..count {
        let key = u16_at(bytes, 8 + 4 * i);
        let cardinality = usize::from(u16_at(bytes, 10 + 4 * i)) + 1;
        if i > 0 && key <= u16_at(bytes, 8 + 4 * (i - 1)) {
            return Err("its containers are not in ascending order".to_string());
        }
        if u32_at(bytes, 8 + 4 * count + 4 * i) as usize != offset {
            return Err(format!("container {i} is not at its offset"));
        }
        let size = match cardinality <= ARRAY_LIMIT {
            true => 2 * cardinality,
            false => BITMAP_BYTES,
        };
        let Some(body) = bytes.get(offset..offset + size) else {
            return Err("it ends early".to_string());
        };
        let high = u32::from(key) << 16;
        if cardinality <= ARRAY_LIMIT {
            if !strictly_ascending(body) {
                return Err(format!("container {i} is not strictly ascending"));
            }
            max = Some(high | u32::from(u16_at(body, size - 2)));
        } else {
            if bits(body) != cardinality as u64 {
                return Err(format!("container {i} does not hold its cardinality"));
            }
            let top = body
                .chunks_exact(8)
                .rposition(|w| w.iter().any(|b| *b != 0))
                .unwrap_or(0);
            let word =
                u64::from_le_bytes(body[8 * top..8 * top + 8].try_into().unwrap_or_default());
            max = Some(high | (64 * top as u32 + 63 - word.leading_zeros()));
        }
        len += cardinality as u64;
        offset += size;
    }
    if offset != bytes.len() {
        return Err("it has bytes after its end".to_string());
    }
    Ok(Shape { len, max })
}

/// One container of a checked bitmap: the values `key << 16 | low` for the `low`s it holds.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    pub key: u16,
    pub len: u32,
    /// Ascending little-endian `u16`s (`len` <= 4,096), or 1,024 little-endian words.
    body: &'a [u8],
}

impl Container<'_> {
    /// Sets the bits of the container's low halves in `block`.
    pub fn set_bits(&self, block: &mut [u64; 1024]) {
        if self.len as usize <= ARRAY_LIMIT {
            let set = |block: &mut [u64; 1024], value: &[u8; 2]| {
                let v = u16::from_le_bytes(*value);
                block[usize::from(v >> 6)] |= 1 << (v & 63);
            };
            // Neighbouring values often share a word, and each update of a word waits for the
            // one before; walking four quarters of the array side by side (ascending values:
            // different words) gives the processor independent updates to overlap.
            let values = self.body.as_chunks::<2>().0;
            let quarter = values.len() / 4;
            let (a, rest) = values.split_at(quarter);
            let (b, rest) = rest.split_at(quarter);
            let (c, d) = rest.split_at(quarter);
            for (((a, b), c), d) in a.iter().zip(b).zip(c).zip(d) {
                set(block, a);
                set(block, b);
                set(block, c);
                set(block, d);
            }
            for value in &d[quarter..] {
                set(block, value);
            }
        } else {
            for (word, b) in block.iter_mut().zip(self.body.as_chunks::<8>().0) {
                *word |= u64::from_le_bytes(*b);
            }
        }
    }
}

impl Container<'_> {
    /// Calls `f` with every value of the container (`key << 16 | low`), ascending.
    #[inline]
    pub fn for_each(&self, mut f: impl FnMut(u32)) {
        let high = u32::from(self.key) << 16;
        if self.len as usize <= ARRAY_LIMIT {
            for value in self.body.as_chunks::<2>().0 {
                f(high | u32::from(u16::from_le_bytes(*value)));
            }
        } else {
            for (i, b) in self.body.as_chunks::<8>().0.iter().enumerate() {
                let mut word = u64::from_le_bytes(*b);
                while word != 0 {
                    f(high | (64 * i as u32 + word.trailing_zeros()));
                    word &= word - 1;
                }
            }
        }
    }
}

/// The containers of `bytes`, a bitmap that passed [`check`] (anything else ends early).
pub fn containers(bytes: &[u8]) -> impl Iterator<Item = Container<'_>> {
    let count = match bytes.len() >= 8 {
        true => u32_at(bytes, 4) as usize,
        false => 0,
    };
    let mut offset = 8 + 8 * count;
    (0..count).map_while(move |i| {
        let key = u16_at(bytes.get(..8 + 8 * count)?, 8 + 4 * i);
        let len = u32::from(u16_at(bytes, 10 + 4 * i)) + 1;
        let size = match len as usize <= ARRAY_LIMIT {
            true => 2 * len as usize,
            false => BITMAP_BYTES,
        };
        let body = bytes.get(offset..offset + size)?;
        offset += size;
        Some(Container { key, len, body })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::testing::Rng;
    use roaring::RoaringBitmap;

    fn bytes_of(set: &RoaringBitmap) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = set.serialize_into(&mut out);
        out
    }

    /// Every set `roaring` writes passes, with its length and maximum; no change of one byte
    /// passes unless it decodes to the same bytes it was (the form is canonical).
    #[test]
    fn accepts_exactly_the_canonical_forms() {
        let mut rng = Rng(5);
        let mut sets = vec![
            RoaringBitmap::new(),
            (0..1).collect(),
            (0..70_000).collect(),
        ];
        for n in [1u64, 10, 4095, 4096, 4097, 20_000] {
            sets.push((0..n).map(|_| rng.below(1 << 20) as u32).collect());
        }
        sets.push([0, 65_535, 65_536, u32::MAX].into_iter().collect());
        for set in &sets {
            let bytes = bytes_of(set);
            assert_eq!(
                check(&bytes),
                Ok(Shape {
                    len: set.len(),
                    max: set.max()
                })
            );
            for _ in 0..300 {
                let mut bad = bytes.clone();
                let at = rng.below(bad.len() as u64) as usize;
                bad[at] ^= 1 << rng.below(8);
                if let Ok(shape) = check(&bad) {
                    let decoded = RoaringBitmap::deserialize_from(&bad[..]).unwrap();
                    assert_eq!(bytes_of(&decoded), bad);
                    assert_eq!(shape.len, decoded.len());
                }
            }
            for cut in [1, 2, bytes.len() / 2] {
                assert!(check(&bytes[..bytes.len() - cut]).is_err());
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(check(&longer).is_err());
        }
        let mut block = [0u64; 1024];
        for set in &sets {
            let bytes = bytes_of(set);
            let mut decoded = RoaringBitmap::new();
            for c in containers(&bytes) {
                block.fill(0);
                c.set_bits(&mut block);
                let high = u32::from(c.key) << 16;
                decoded.extend(
                    (0..1u32 << 16)
                        .filter(|v| block[*v as usize >> 6] >> (v & 63) & 1 == 1)
                        .map(|v| high | v),
                );
                assert_eq!(block.iter().map(|w| w.count_ones()).sum::<u32>(), c.len);
            }
            assert_eq!(&decoded, set);
            let mut listed = Vec::new();
            for c in containers(&bytes) {
                c.for_each(|v| listed.push(v));
            }
            assert_eq!(listed, set.iter().collect::<Vec<_>>());
        }
        let mut runs: RoaringBitmap = (0..10_000).collect();
        runs.optimize();
        assert!(check(&bytes_of(&runs)).is_err());
    }
}
