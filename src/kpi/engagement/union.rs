//! `active_users(activity_summary)`: the distinct keys of every day of many stored summaries,
//! counted without building the merged summary.
//!
//! `active_users(rollup(s), from, to)` decodes each day into the rollup's state, writes the
//! merged summary (half a megabyte for a month of 300,000 users), and reads it back to union
//! its days. The aggregate unions the stored bitmaps straight into its state instead: for the
//! dense bigint keys of the usual daily summary, one 65,536-bit block per 65,536 keys, which
//! each day's containers are ORed into from their stored bytes ([`portable::Container`]);
//! nothing is decoded or allocated per key. Summaries with a dictionary (text or uuid keys,
//! sparse bigints) have ids of their own, so their keys are what is united: each summary's
//! days are united as ids first, then mapped to keys once.
//!
//! The state's binary form (what parallel and Citus workers send) is canonical: the kind
//! byte, then either the dense keys as a portable Roaring bitmap or the other keys ascending,
//! delta-coded as an `activity_summary` dictionary is.

use roaring::RoaringBitmap;

use super::format::{read_keys, DaysView, DENSE_KIND};
use super::portable;
use super::range::corrupt;
use super::{mixed_kinds, signed, sortable, KeyKind, DENSE_LIMIT};
use crate::kpi::bytes::varint_bytes;
use crate::kpi::error::KpiResult;
use crate::kpi::summary::{Reader, Summary};

/// The bits of 65,536 consecutive keys.
type Block = [u64; 1024];

/// Ids `block << 16 ..` of a set of dense ids or keys, one block each, allocated when first
/// touched.
#[derive(Debug, Clone, Default, PartialEq)]
struct Blocks(Vec<Option<Box<Block>>>);

impl Blocks {
    /// The block of ids `high << 16 ..`, zeroed when new.
    fn block(&mut self, high: u16) -> &mut Block {
        let i = usize::from(high);
        if self.0.len() <= i {
            self.0.resize_with(i + 1, || None);
        }
        self.0[i].get_or_insert_with(|| Box::new([0; 1024]))
    }

    /// Adds the ids of one stored day bitmap, already checked ([`DaysView::containers`]).
    fn add_day<'a>(&mut self, containers: impl Iterator<Item = portable::Container<'a>>) {
        for c in containers {
            c.set_bits(self.block(c.key));
        }
    }

    fn union(&mut self, other: &Blocks) {
        for (high, block) in other.0.iter().enumerate() {
            if let Some(block) = block {
                let mine = self.block(high as u16);
                for (a, b) in mine.iter_mut().zip(block.iter()) {
                    *a |= b;
                }
            }
        }
    }

    fn len(&self) -> u64 {
        self.0
            .iter()
            .flatten()
            .map(|b| b.iter().map(|w| u64::from(w.count_ones())).sum::<u64>())
            .sum()
    }

    /// The ids, ascending.
    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(high, block)| {
            block.iter().flat_map(move |block| {
                block.iter().enumerate().flat_map(move |(w, word)| {
                    let base = (high as u32) << 16 | (w as u32) << 6;
                    let mut bits = *word;
                    std::iter::from_fn(move || {
                        (bits != 0).then(|| {
                            let b = bits.trailing_zeros();
                            bits &= bits - 1;
                            base | b
                        })
                    })
                })
            })
        })
    }

    fn to_bitmap(&self) -> RoaringBitmap {
        let mut out = RoaringBitmap::new();
        let mut bytes = vec![0u8; 8192];
        for (high, block) in self.0.iter().enumerate() {
            if let Some(block) = block {
                for (chunk, word) in bytes.chunks_exact_mut(8).zip(block.iter()) {
                    chunk.copy_from_slice(&word.to_le_bytes());
                }
                out |= RoaringBitmap::from_lsb0_bytes((high as u32) << 16, &bytes);
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Keys {
    /// Bigint keys, all from 0 to [`DENSE_LIMIT`] - 1 (the canonical form of such a set).
    Dense(Blocks),
    /// Any other keys ([`sortable`] form): `keys[..sorted]` ascending and distinct, then
    /// the keys added since, in any order and with repeats.
    Listed { keys: Vec<u64>, sorted: usize },
}

impl Default for Keys {
    fn default() -> Self {
        Keys::Dense(Blocks::default())
    }
}

/// The distinct keys of the summaries seen so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActiveUsers {
    kind: KeyKind,
    keys: Keys,
}

impl ActiveUsers {
    /// Adds every key active on some day of a stored summary.
    pub fn add(&mut self, view: &DaysView) -> KpiResult<()> {
        if view.days.is_empty() {
            return Ok(());
        }
        self.meet(view.kind)?;
        if let (true, Keys::Dense(blocks)) = (view.dense, &mut self.keys) {
            for entry in &view.days {
                blocks.add_day(view.containers(entry).map_err(corrupt)?);
            }
            return Ok(());
        }
        let mut ids = Blocks::default();
        for entry in &view.days {
            ids.add_day(view.containers(entry).map_err(corrupt)?);
        }
        let dictionary = view.dictionary().map_err(corrupt)?;
        let mut keys = Vec::new();
        crate::kpi::error::reserve(&mut keys, ids.len() as usize, "active_users")?;
        for id in ids.ids() {
            keys.push(match view.dense {
                true => sortable(i64::from(id)),
                // The view checked every id against the dictionary's size already.
                false => dictionary.get(id as usize).copied().ok_or_else(|| {
                    corrupt(format!(
                        "Id {id} is beyond the dictionary of {} keys.",
                        dictionary.len()
                    ))
                })?,
            });
        }
        self.extend_listed(keys)
    }

    /// The number of distinct keys.
    pub fn count(&self) -> u64 {
        match &self.keys {
            Keys::Dense(blocks) => blocks.len(),
            Keys::Listed { keys, sorted } if *sorted == keys.len() => keys.len() as u64,
            Keys::Listed { keys, .. } => {
                let mut keys = keys.clone();
                keys.sort_unstable();
                keys.dedup();
                keys.len() as u64
            }
        }
    }

    fn meet(&mut self, kind: KeyKind) -> KpiResult<()> {
        match self.kind {
            KeyKind::Unknown => self.kind = kind,
            mine if mine != kind => return Err(mixed_kinds(mine, kind)),
            _ => {}
        }
        Ok(())
    }

    /// Adds `more` keys to the list, moving dense keys into it first.
    fn extend_listed(&mut self, more: Vec<u64>) -> KpiResult<()> {
        match &mut self.keys {
            Keys::Listed { keys, .. } => {
                crate::kpi::error::reserve(keys, more.len(), "active_users")?;
                keys.extend(more);
            }
            Keys::Dense(blocks) => {
                let mut keys = Vec::new();
                crate::kpi::error::reserve(
                    &mut keys,
                    blocks.len() as usize + more.len(),
                    "active_users",
                )?;
                keys.extend(blocks.ids().map(|id| sortable(i64::from(id))));
                let sorted = keys.len();
                keys.extend(more);
                self.keys = Keys::Listed { keys, sorted };
            }
        }
        self.tidy();
        Ok(())
    }

    /// Sorts the keys added since the last time once they outnumber the sorted ones, so that
    /// repeats never take more than twice the memory of the distinct keys.
    fn tidy(&mut self) {
        if let Keys::Listed { keys, sorted } = &self.keys {
            if keys.len() - sorted > (*sorted).max(1 << 16) {
                self.settle();
            }
        }
    }
}

/// Whether ascending listed keys are bigints that all fit the dense range, so that their
/// canonical form is blocks.
fn all_dense(kind: KeyKind, keys: &[u64]) -> bool {
    let in_range = |k: &u64| (0..DENSE_LIMIT).contains(&signed(*k));
    kind == KeyKind::Bigint
        && keys.first().is_some_and(in_range)
        && keys.last().is_some_and(in_range)
}

impl Summary for ActiveUsers {
    const TYPE_NAME: &'static str = "active_users_state";
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        if other.is_empty() {
            return Ok(());
        }
        self.meet(other.kind)?;
        if let (Keys::Dense(mine), Keys::Dense(theirs)) = (&mut self.keys, &other.keys) {
            mine.union(theirs);
            return Ok(());
        }
        let theirs = match &other.keys {
            Keys::Dense(blocks) => blocks.ids().map(|id| sortable(i64::from(id))).collect(),
            Keys::Listed { keys, .. } => keys.clone(),
        };
        self.extend_listed(theirs)
    }

    fn is_empty(&self) -> bool {
        match &self.keys {
            Keys::Dense(blocks) => blocks.0.iter().flatten().all(|b| b.iter().all(|w| *w == 0)),
            Keys::Listed { keys, .. } => keys.is_empty(),
        }
    }

    /// Sorts and dedups listed keys; listed bigint keys that all fit the dense range go back
    /// to blocks (cannot happen from stored summaries, which list bigints only when one is
    /// outside it, but keeps the form canonical whatever the input).
    fn settle(&mut self) {
        let dense = match &mut self.keys {
            Keys::Dense(_) => return,
            Keys::Listed { keys, sorted } => {
                if *sorted < keys.len() {
                    keys.sort_unstable();
                    keys.dedup();
                    *sorted = keys.len();
                }
                all_dense(self.kind, keys)
            }
        };
        if let (true, Keys::Listed { keys, .. }) = (dense, &self.keys) {
            let mut blocks = Blocks::default();
            for key in keys {
                let id = signed(*key) as u32;
                blocks.block((id >> 16) as u16)[(id as usize >> 6) & 1023] |= 1 << (id & 63);
            }
            self.keys = Keys::Dense(blocks);
        }
    }

    fn write_payload(&self, out: &mut Vec<u8>) {
        let mut settled;
        let mut value = self;
        if matches!(&self.keys, Keys::Listed { keys, sorted } if *sorted < keys.len()) {
            settled = self.clone();
            settled.settle();
            value = &settled;
        }
        if value.is_empty() {
            // One form for the empty set, whatever kind it met: no key type, no keys.
            out.push(KeyKind::Unknown as u8);
            let _ = RoaringBitmap::new().serialize_into(&mut *out);
            return;
        }
        match &value.keys {
            Keys::Dense(blocks) => {
                out.push(DENSE_KIND);
                // Writing into a vector cannot fail.
                let _ = blocks.to_bitmap().serialize_into(&mut *out);
            }
            Keys::Listed { keys, .. } => {
                out.push(self.kind as u8);
                out.extend_from_slice(&(keys.len() as u64).to_be_bytes());
                let mut prev = None;
                for key in keys {
                    let (bytes, n) = varint_bytes(prev.map_or(*key, |p| key - p));
                    out.extend_from_slice(&bytes[..n]);
                    prev = Some(*key);
                }
            }
        }
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let kind = r.u8()?;
        if kind == DENSE_KIND || kind == KeyKind::Unknown as u8 {
            let bitmap = r.rest();
            let shape = portable::check(bitmap)
                .map_err(|why| format!("The set of keys is not in canonical form: {why}."))?;
            if shape.max.is_some_and(|m| i64::from(m) >= DENSE_LIMIT) {
                return Err(format!(
                    "A dense set holds a key above {}.",
                    DENSE_LIMIT - 1
                ));
            }
            if kind == KeyKind::Unknown as u8 && shape.len > 0 {
                return Err("The set has keys but no key type.".to_string());
            }
            if kind == DENSE_KIND && shape.len == 0 {
                return Err("An empty set is stored with no key type.".to_string());
            }
            let mut blocks = Blocks::default();
            blocks.add_day(portable::containers(bitmap));
            let kind = match kind {
                DENSE_KIND => KeyKind::Bigint,
                _ => KeyKind::Unknown,
            };
            return Ok(ActiveUsers {
                kind,
                keys: Keys::Dense(blocks),
            });
        }
        let kind = KeyKind::from_u8(kind).ok_or_else(|| format!("Key type {kind} is unknown."))?;
        let n = r.u64()?;
        if n == 0 {
            return Err("An empty set is stored with no key type.".to_string());
        }
        let keys = read_keys(r.rest(), n)?;
        // `read_keys` gives them strictly ascending: only the dense form is left to rule out.
        if all_dense(kind, &keys) {
            return Err(format!(
                "Bigint keys all from 0 to {} are stored in dense form.",
                DENSE_LIMIT - 1
            ));
        }
        Ok(ActiveUsers {
            kind,
            keys: Keys::Listed {
                sorted: keys.len(),
                keys,
            },
        })
    }

    fn validate(&self) -> Result<(), String> {
        if self.kind == KeyKind::Unknown && !self.is_empty() {
            return Err("The set has keys but no key type.".to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::kpi::testing::Rng;

    /// A stored summary of `rows` (day, key) of `kind`, and the keys it holds.
    fn stored(kind: KeyKind, rows: &[(i32, i64)]) -> Vec<u8> {
        crate::kpi::engagement::tests::build(kind, rows).to_binary()
    }

    fn add(state: &mut ActiveUsers, bytes: &[u8]) -> KpiResult<()> {
        state.add(&DaysView::stored(bytes)?)
    }

    fn random_rows(rng: &mut Rng, spread: u64) -> Vec<(i32, i64)> {
        let n = rng.below(3000) as usize;
        let offset = match rng.below(3) {
            0 => 0,
            1 => -(spread as i64) / 2,
            _ => 1 << 40,
        };
        (0..n)
            .map(|_| (rng.below(30) as i32, offset + rng.below(spread) as i64))
            .collect()
    }

    /// The count is the distinct keys of every day of every summary, for dense, listed and
    /// mixed bigint summaries and for hashed keys; states merged in any split agree, and
    /// their binary form reads back as the same value.
    #[test]
    fn counts_distinct_keys_however_split() {
        let mut rng = Rng(24);
        for case in 0..150 {
            let kind = [KeyKind::Bigint, KeyKind::Text, KeyKind::Uuid][case % 3];
            let spread = [50, 70_000, 5_000_000, 1 << 26][rng.below(4) as usize];
            let summaries: Vec<Vec<(i32, i64)>> = (0..1 + rng.below(6))
                .map(|_| random_rows(&mut rng, spread))
                .filter(|rows| !rows.is_empty())
                .collect();
            let want: BTreeSet<i64> = summaries.iter().flatten().map(|r| r.1).collect();
            let mut all = ActiveUsers::default();
            let mut halves = [ActiveUsers::default(), ActiveUsers::default()];
            for (i, rows) in summaries.iter().enumerate() {
                let bytes = stored(kind, rows);
                add(&mut all, &bytes).unwrap();
                add(&mut halves[i % 2], &bytes).unwrap();
            }
            assert_eq!(all.count(), want.len() as u64, "case {case}");
            let [mut a, b] = halves;
            let b = ActiveUsers::from_binary(&b.to_binary()).unwrap();
            a.merge(&b).unwrap();
            assert_eq!(a.count(), all.count(), "case {case}");
            a.settle();
            all.settle();
            assert_eq!(a.to_binary(), all.to_binary(), "case {case}");
            assert_eq!(ActiveUsers::from_binary(&all.to_binary()).unwrap(), all);
        }
    }

    #[test]
    fn kinds_do_not_mix() {
        let mut state = ActiveUsers::default();
        add(&mut state, &stored(KeyKind::Bigint, &[(0, 1)])).unwrap();
        let err = add(&mut state, &stored(KeyKind::Text, &[(0, 1)])).unwrap_err();
        assert!(
            err.message.contains("bigint keys with one of text keys"),
            "{err:?}"
        );
    }

    #[test]
    fn non_canonical_binary_is_refused() {
        // Listed bigint keys that all fit the dense range.
        let listed = ActiveUsers {
            kind: KeyKind::Bigint,
            keys: Keys::Listed {
                keys: vec![sortable(3), sortable(9)],
                sorted: 2,
            },
        };
        let mut bytes = vec![ActiveUsers::VERSION];
        listed.write_payload(&mut bytes);
        assert!(ActiveUsers::from_binary(&bytes).is_err());
        // A dense set of keys with no kind, and a truncated list.
        let mut dense = ActiveUsers::default();
        add(&mut dense, &stored(KeyKind::Bigint, &[(0, 1), (1, 70_000)])).unwrap();
        let mut bytes = dense.to_binary();
        bytes[1] = 0;
        assert!(ActiveUsers::from_binary(&bytes).is_err());
        let mut text = ActiveUsers::default();
        add(&mut text, &stored(KeyKind::Text, &[(0, 1), (0, 2)])).unwrap();
        let bytes = text.to_binary();
        assert!(ActiveUsers::from_binary(&bytes[..bytes.len() - 1]).is_err());
        assert_eq!(ActiveUsers::from_binary(&bytes).unwrap().count(), 2);
        // A count of keys the bytes cannot hold is refused before any room is made for it.
        for n in [2u64, 1 << 32, 1 << 60, u64::MAX] {
            let mut bytes = vec![ActiveUsers::VERSION, KeyKind::Text as u8];
            bytes.extend(n.to_be_bytes());
            bytes.push(5);
            let err = ActiveUsers::from_binary(&bytes).unwrap_err();
            assert!(err.detail.contains(&format!("claims {n} keys")), "{err:?}");
        }
        // The empty set has one form: no key type and an empty bitmap.
        let empty = ActiveUsers::default().to_binary();
        assert_eq!(ActiveUsers::from_binary(&empty).unwrap().count(), 0);
        let mut typed = empty.clone();
        typed[1] = DENSE_KIND;
        assert!(ActiveUsers::from_binary(&typed).is_err());
        let listed = [
            ActiveUsers::VERSION,
            KeyKind::Uuid as u8,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ];
        assert!(ActiveUsers::from_binary(&listed).is_err());
        let met = ActiveUsers {
            kind: KeyKind::Text,
            ..ActiveUsers::default()
        };
        assert_eq!(met.to_binary(), empty);
    }
}
