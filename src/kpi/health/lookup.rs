//! Finding a row's signal among the model's: the per-row step of the health-score aggregate.
//!
//! Rows come in no particular signal order, so a scan of the names (or a binary search)
//! mispredicts a branch at almost every row. A small open-addressing table keyed by the name's
//! first 8 bytes and its length finds the candidate in one probe, whose confirmation is a
//! branch that almost always goes the same way.

/// Positions of the signal names, by hash; built once per group from the names.
#[derive(Clone, Debug, Default)]
pub struct SignalIndex {
    /// Name position + 1 per slot, 0 for an empty slot; a power of two at least 4 times the
    /// names, so that probe sequences are short and always reach an empty slot.
    slots: Vec<u32>,
    shift: u32,
}

impl SignalIndex {
    pub fn new(names: &[Vec<u8>]) -> SignalIndex {
        let bits = (4 * names.len().max(4))
            .next_power_of_two()
            .trailing_zeros();
        let mut index = SignalIndex {
            slots: vec![0; 1 << bits],
            shift: 64 - bits,
        };
        let mask = index.slots.len() - 1;
        for (i, name) in names.iter().enumerate() {
            let mut slot = index.home(name);
            while index.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            index.slots[slot] = i as u32 + 1;
        }
        index
    }

    #[inline(always)]
    fn home(&self, name: &[u8]) -> usize {
        let key = head(name) ^ (name.len() as u64).rotate_right(8);
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The position of `name` in `names` (the list this index was built from).
    #[inline(always)]
    pub fn find(&self, names: &[Vec<u8>], name: &[u8]) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.home(name);
        loop {
            let entry = self.slots[slot];
            if entry == 0 {
                return None;
            }
            let candidate = &names[entry as usize - 1];
            if same_bytes(candidate, name) {
                return Some(entry as usize - 1);
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// The first 8 bytes as a number; for a shorter name a number that differs for any two names
/// of its length. Overlapping loads, as a loop over the bytes would mispredict its exit at
/// every name length.
#[inline(always)]
fn head(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    match bytes.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None if n >= 4 => u32_at(0) as u64 | (u32_at(n - 4) as u64) << 32,
        None if n >= 1 => {
            bytes[0] as u64 | (bytes[n / 2] as u64) << 8 | (bytes[n - 1] as u64) << 16
        }
        None => 0,
    }
}

/// `a == b` for short names, 8 bytes at a time (the last 8 overlapping the others) and
/// without a call to `memcmp`.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return head(a) == head(b);
    }
    let mut i = 0;
    while i + 8 < n {
        if head(&a[i..]) != head(&b[i..]) {
            return false;
        }
        i += 8;
    }
    head(&a[n - 8..]) == head(&b[n - 8..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_sees_every_byte() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
            assert!(same_bytes(&a, &a.clone()));
            for i in 0..n {
                let mut b = a.clone();
                b[i] ^= 0x20;
                assert!(!same_bytes(&a, &b), "length {n}, byte {i}");
            }
        }
    }

    #[test]
    fn finds_every_name_and_nothing_else() {
        for n in [0usize, 1, 3, 6, 40, 300] {
            // Names of every length from 0 to 25 bytes, many sharing their first 8 bytes.
            let names: Vec<Vec<u8>> = (0..n)
                .map(|i| {
                    let mut s = format!("signal_{}", "x".repeat(i % 17)).into_bytes();
                    s.extend(i.to_string().bytes());
                    s.truncate(i % 26);
                    s
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let index = SignalIndex::new(&names);
            for (i, name) in names.iter().enumerate() {
                assert_eq!(index.find(&names, name), Some(i), "{name:?}");
                let mut longer = name.clone();
                longer.push(0);
                assert_eq!(index.find(&names, &longer), None);
                if let Some((_, shorter)) = name.split_last() {
                    if !names.iter().any(|m| m == shorter) {
                        assert_eq!(index.find(&names, shorter), None);
                    }
                }
            }
            assert_eq!(index.find(&names, b"not a signal name at all"), None);
        }
        assert_eq!(SignalIndex::default().find(&[], b"logins"), None);
    }
}
