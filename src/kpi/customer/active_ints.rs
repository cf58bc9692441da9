//! Active customers with bigint keys: a compressed bitmap (roaring-like) instead of a hash map.
//!
//! Customer ids are mostly dense integers. Keys are grouped by their high 48 bits into chunks
//! of 65,536 ids; a chunk is a sorted list while it holds few customers and becomes two
//! bitmaps (seen, active: 16 KiB) past 4,096. A million dense customers then take 256 KiB,
//! which stays in cache, where a hash map of them takes 16 MiB and misses the cache on every
//! row. Keys spread so thinly that chunks hold a few customers each (snowflake ids, hashes)
//! would cost more as chunks than as a hash map: past 4,096 chunks averaging under 8
//! customers, the state moves to a hash map.

use std::collections::HashMap;

use super::active::FxBuild;
use crate::kpi::error::KpiResult;
use crate::kpi::summary::{Reader, Summary};

const WORDS: usize = 1024; // 65,536 bits
const SPARSE_MAX: usize = 4096;

#[derive(Debug, Clone)]
enum Chunk {
    /// Entries (low 16 bits << 1 | active), sorted by low bits.
    Sparse(Vec<u32>),
    /// Per word of 64 ids, [seen bits, active bits]: side by side, so that a row touches one
    /// cache line however it is classified.
    Dense(Box<[[u64; 2]; WORDS]>),
}

impl Chunk {
    /// Adds a customer's row; true if the customer is new.
    #[inline]
    fn add(&mut self, low: u16, active: bool) -> bool {
        match self {
            Chunk::Dense(bits) => {
                let (w, b) = (low as usize >> 6, 1u64 << (low & 63));
                let [seen, active_bits] = &mut bits[w];
                let new = *seen & b == 0;
                *seen |= b;
                if active {
                    *active_bits |= b;
                }
                new
            }
            Chunk::Sparse(list) => match list.binary_search_by_key(&low, |e| (e >> 1) as u16) {
                Ok(i) => {
                    list[i] |= active as u32;
                    false
                }
                Err(i) => {
                    list.insert(i, (low as u32) << 1 | active as u32);
                    if list.len() > SPARSE_MAX {
                        self.densify();
                    }
                    true
                }
            },
        }
    }

    fn densify(&mut self) {
        if let Chunk::Sparse(list) = self {
            let mut bits = Box::new([[0u64; 2]; WORDS]);
            for e in list.iter() {
                let low = (e >> 1) as usize;
                bits[low >> 6][0] |= 1 << (low & 63);
                bits[low >> 6][1] |= ((e & 1) as u64) << (low & 63);
            }
            *self = Chunk::Dense(bits);
        }
    }

    /// (low bits, active) in ascending order.
    fn entries(&self) -> Vec<(u16, bool)> {
        match self {
            Chunk::Sparse(list) => list.iter().map(|e| ((e >> 1) as u16, e & 1 == 1)).collect(),
            Chunk::Dense(bits) => {
                let mut out = Vec::new();
                for (w, &[bits_seen, bits_active]) in bits.iter().enumerate() {
                    let mut seen = bits_seen;
                    while seen != 0 {
                        let b = seen.trailing_zeros() as usize;
                        let low = w * 64 + b;
                        out.push((low as u16, bits_active >> b & 1 == 1));
                        seen &= seen - 1;
                    }
                }
                out
            }
        }
    }

    fn counts(&self) -> (i64, i64) {
        match self {
            Chunk::Sparse(list) => (
                list.iter().filter(|e| *e & 1 == 1).count() as i64,
                list.len() as i64,
            ),
            Chunk::Dense(bits) => (
                bits.iter().map(|w| w[1].count_ones() as i64).sum(),
                bits.iter().map(|w| w[0].count_ones() as i64).sum(),
            ),
        }
    }
}

/// Each bigint customer seen, and whether any of its rows was active.
#[derive(Debug, Clone, Default)]
pub struct ActiveInts {
    chunks: Vec<Chunk>,
    index: HashMap<i64, u32, FxBuild>,
    /// The same slots for the first [`DIRECT_HIGHS`] chunks (ids below 2^28, most serial
    /// ids), found by position instead of a hash (`NO_SLOT`: none yet).
    direct: Vec<u32>,
    /// The chunk of the previous row: rows of one customer, or of near ids, often follow.
    last: Option<(i64, u32)>,
    /// Customers in the chunks.
    customers: usize,
    /// The hash map that replaces the chunks when keys are sparse.
    map: Option<HashMap<i64, bool, FxBuild>>,
}

const SPARSE_CHUNKS: usize = 4096;
const SPARSE_PER_CHUNK: usize = 8;
const DIRECT_HIGHS: i64 = 1 << 12;
const NO_SLOT: u32 = u32::MAX;

impl ActiveInts {
    #[inline]
    pub fn add(&mut self, key: i64, active: bool) -> KpiResult<()> {
        if let Some(map) = &mut self.map {
            crate::kpi::error::reserve(map, 1, "active_ratio")?;
            *map.entry(key).or_insert(false) |= active;
            return Ok(());
        }
        let high = key >> 16;
        let slot = match self.last {
            Some((h, slot)) if h == high => slot,
            _ => {
                let slot = self.slot_of(high);
                self.last = Some((high, slot));
                slot
            }
        };
        if self.chunks[slot as usize].add(key as u16, active) {
            self.customers += 1;
            if self.chunks.len() >= SPARSE_CHUNKS
                && self.customers < self.chunks.len() * SPARSE_PER_CHUNK
            {
                self.to_map()?;
            }
        }
        Ok(())
    }

    /// The chunk of ids `high << 16 ..`, created when new.
    #[inline]
    fn slot_of(&mut self, high: i64) -> u32 {
        if (0..DIRECT_HIGHS).contains(&high) {
            match self.direct.get(high as usize) {
                Some(&slot) if slot != NO_SLOT => return slot,
                _ => {}
            }
        }
        let next = self.chunks.len() as u32;
        let slot = *self.index.entry(high).or_insert(next);
        if slot == next {
            self.chunks.push(Chunk::Sparse(Vec::new()));
        }
        if (0..DIRECT_HIGHS).contains(&high) {
            if self.direct.len() <= high as usize {
                self.direct.resize(high as usize + 1, NO_SLOT);
            }
            self.direct[high as usize] = slot;
        }
        slot
    }

    /// Moves every customer to a hash map (sparse keys).
    fn to_map(&mut self) -> KpiResult<()> {
        let mut map = HashMap::with_hasher(FxBuild::default());
        crate::kpi::error::reserve(&mut map, 2 * self.customers, "active_ratio")?;
        for (k, a) in self.entries() {
            map.insert(k, a);
        }
        *self = ActiveInts {
            map: Some(map),
            ..ActiveInts::default()
        };
        Ok(())
    }

    /// (active customers, customers).
    pub fn counts(&self) -> (i64, i64) {
        if let Some(map) = &self.map {
            return (
                map.values().filter(|a| **a).count() as i64,
                map.len() as i64,
            );
        }
        self.chunks.iter().fold((0, 0), |(a, n), c| {
            let (ca, cn) = c.counts();
            (a + ca, n + cn)
        })
    }

    pub fn percent(&self) -> Option<f64> {
        let (active, all) = self.counts();
        (all > 0).then(|| 100.0 * active as f64 / all as f64)
    }

    /// Every (customer, active) in ascending customer order.
    pub fn entries(&self) -> Vec<(i64, bool)> {
        if let Some(map) = &self.map {
            let mut all: Vec<(i64, bool)> = map.iter().map(|(k, a)| (*k, *a)).collect();
            all.sort_unstable();
            return all;
        }
        let mut highs: Vec<(i64, u32)> = self.index.iter().map(|(h, s)| (*h, *s)).collect();
        highs.sort_unstable();
        let mut out = Vec::new();
        for (high, slot) in highs {
            for (low, active) in self.chunks[slot as usize].entries() {
                out.push(((high << 16) | low as i64, active));
            }
        }
        out
    }
}

impl PartialEq for ActiveInts {
    fn eq(&self, other: &Self) -> bool {
        self.entries() == other.entries()
    }
}

impl Summary for ActiveInts {
    const TYPE_NAME: &'static str = <i64 as super::active::Key>::ACTIVE_STATE;
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        if let Some(map) = &other.map {
            for (key, active) in map {
                self.add(*key, *active)?;
            }
            return Ok(());
        }
        for (key, active) in other.entries() {
            self.add(key, active)?;
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.chunks.is_empty() && self.map.as_ref().is_none_or(|m| m.is_empty())
    }

    /// Count, then (key, flag byte) sorted by key: the same form as the hash-map states.
    fn write_payload(&self, out: &mut Vec<u8>) {
        let entries = self.entries();
        out.reserve(4 + 9 * entries.len());
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for (k, a) in entries {
            out.extend_from_slice(&k.to_be_bytes());
            out.push(a as u8);
        }
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let n = r.len(9)?;
        let mut out = ActiveInts::default();
        let mut last: Option<i64> = None;
        for _ in 0..n {
            let k = r.i64()?;
            let active = match r.u8()? {
                0 => false,
                1 => true,
                other => return Err(format!("Flag byte {other} is neither 0 nor 1.")),
            };
            if last.is_some_and(|l| l >= k) {
                return Err("The keys are not sorted and distinct.".to_string());
            }
            last = Some(k);
            out.add(k, active).map_err(|e| e.detail)?;
        }
        r.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::customer::active::ActiveMap;

    #[test]
    fn same_as_the_hash_map() {
        // Dense ids (one chunk densified), negative and far-apart ids, repeats.
        let mut ints = ActiveInts::default();
        let mut map = ActiveMap::<i64>::default();
        let mut x: u64 = 12345;
        for i in 0..40_000i64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let key = match i % 5 {
                0 => (x >> 40) as i64 % 10_000,
                1 => -((x >> 50) as i64),
                2 => (x as i64) >> 3,
                // 0 .. 2^29: chunks on both sides of the directly indexed ones' bound (2^28).
                3 => (x >> 35) as i64,
                _ => i64::MIN + (i % 7),
            };
            let active = x >> 63 == 1 && i % 3 == 0;
            ints.add(key, active).unwrap();
            map.add(key, active).unwrap();
        }
        assert_eq!(ints.counts(), map.counts());
        assert_eq!(ints.to_binary(), map.to_binary());
        let back = ActiveInts::from_binary(&ints.to_binary()).unwrap();
        assert_eq!(back, ints);
        let mut half = ActiveInts::default();
        half.merge(&ints).unwrap();
        assert_eq!(half.to_binary(), map.to_binary());
        assert_eq!(ActiveInts::default().percent(), None);
    }

    #[test]
    fn sparse_keys_move_to_a_map() {
        let mut ints = ActiveInts::default();
        let mut map = ActiveMap::<i64>::default();
        for i in 0..20_000i64 {
            let key = i.wrapping_mul(0x9E37_79B9_7F4A_7C15u64 as i64);
            ints.add(key, i % 5 == 0).unwrap();
            map.add(key, i % 5 == 0).unwrap();
            ints.add(key, false).unwrap();
        }
        assert!(ints.map.is_some());
        assert_eq!(ints.to_binary(), map.to_binary());
        let mut dense = ActiveInts::default();
        dense.add(1, true).unwrap();
        dense.merge(&ints).unwrap();
        map.add(1, true).unwrap();
        assert_eq!(dense.to_binary(), map.to_binary());
    }
}
