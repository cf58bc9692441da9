//! Engagement: `activity_summary`, the exact set of keys (users, accounts) active on each local
//! day, and what is read from it (DAU/WAU/MAU, stickiness, lifecycle, retention).
//!
//! # Representation
//! Keys are 64-bit (a bigint, or a 64-bit hash of a text or uuid). The summary keeps a
//! dictionary of every key it has seen and, per day, a Roaring bitmap of 32-bit *ids* into
//! that dictionary. Roaring over the raw 64-bit keys (`RoaringTreemap`) is compact only when
//! keys are small dense integers: hashed keys, UUIDs and snowflake ids scatter one key per
//! 2^32 bucket, a separate bitmap each, day after day. With ids, a day is a dense bitmap
//! whatever the keys look like, at the price of the dictionary, stored once (8 bytes or less
//! per key, delta-coded). Dense ids also let rolling windows count users with a plain array.
//!
//! Bigint keys from 0 to [`DENSE_LIMIT`] - 1, the common case of serial ids, skip the
//! dictionary: ids are the keys ([`Activity::dense`]), and rollups are bitmap unions only.
//!
//! # Canonical form
//! Stored and serialized, ids are the ranks of the keys in ascending order, the dictionary
//! holds exactly the keys active on some day, and bitmaps use no run containers (the portable
//! Roaring format then has one encoding per set). While an aggregate runs, ids are given in
//! arrival order and ranks are assigned when the value is written.
//!
//! # Batches
//! Adding one id to a Roaring array container shifts every larger id in it: with a million
//! users, a day's containers hold a few thousand ids each and that shift was most of an
//! aggregate's time. Rows therefore go to a per-day [`Batch`] first, and a full batch is
//! sorted and merged into the day's bitmap at once. [`Summary::settle`] empties the batches;
//! every reader settles (a copy, if it cannot change the value) before looking at `days`.
//! The batches of nearby days sit in a vector indexed by day ([`Pending`]), so a row finds
//! its batch with a subtraction rather than a hash probe, and a full batch is sorted by a
//! radix sort (ids are small integers), which costs a few passes where a comparison sort
//! costs a dozen levels.

pub mod calendar;
pub mod cohorts;
pub mod format;
pub mod portable;
pub mod range;
pub mod report;
pub mod status;
pub mod union;

use std::collections::{btree_map, BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

use roaring::RoaringBitmap;

use super::error::{ErrorKind, KpiError, KpiResult};
use super::summary::Summary;
use calendar::{DATE_MAX, DATE_MIN};

/// What the keys of a summary are; summaries of different kinds cannot be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyKind {
    /// Not known yet: an empty state.
    #[default]
    Unknown = 0,
    Bigint = 1,
    /// `hashtextextended(key, 0)`.
    Text = 2,
    /// `uuid_hash_extended(key, 0)`.
    Uuid = 3,
}

impl KeyKind {
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::Unknown => "unknown",
            KeyKind::Bigint => "bigint",
            KeyKind::Text => "text",
            KeyKind::Uuid => "uuid",
        }
    }

    pub fn from_u8(v: u8) -> Option<KeyKind> {
        [
            KeyKind::Unknown,
            KeyKind::Bigint,
            KeyKind::Text,
            KeyKind::Uuid,
        ]
        .get(usize::from(v))
        .copied()
    }

    pub fn from_name(name: &str) -> Option<KeyKind> {
        [KeyKind::Bigint, KeyKind::Text, KeyKind::Uuid]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

/// A key as a bigint, mapped to an unsigned number with the same order.
#[inline]
pub fn sortable(key: i64) -> u64 {
    (key as u64) ^ (1 << 63)
}

/// Inverse of [`sortable`].
#[inline]
pub fn signed(key: u64) -> i64 {
    (key ^ (1 << 63)) as i64
}

/// The one key hasher (the key index's keys are already spread hashes or small integers).
pub use crate::kpi::keys::KeyHasher;

type KeyIndex = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

/// Bigint keys from 0 to `DENSE_LIMIT - 1` (the usual serial user and account ids) are their
/// own ids: such a summary has no dictionary, a rollup is bitmap unions only, and per-user
/// counters are arrays of at most this size.
pub const DENSE_LIMIT: i64 = 1 << 24;

/// The largest number of distinct keys a summary holds (ids are 32-bit).
pub const MAX_KEYS: usize = 1 << 32;

/// The keys active on each day.
#[derive(Debug, Default, Clone)]
pub struct Activity {
    pub(crate) kind: KeyKind,
    /// Key (as [`sortable`]) of each id.
    pub(crate) keys: Vec<u64>,
    /// Id of each key; complete when `indexed`.
    index: KeyIndex,
    indexed: bool,
    /// Whether `keys` is strictly ascending, so that ids are already ranks.
    pub(crate) sorted: bool,
    /// Ids active per day (PostgreSQL `date`); no empty bitmap.
    pub(crate) days: BTreeMap<i32, RoaringBitmap>,
    /// Ids added but not yet in `days`.
    pending: Pending,
    /// Bigint keys, all in 0..[`DENSE_LIMIT`]: ids are the keys and `keys` is empty. A bigint
    /// summary is dense exactly when all its keys are in that range (canonical form).
    pub(crate) dense: bool,
}

/// One day's ids waiting to be merged into its bitmap, in arrival order, repeats included.
#[derive(Debug, Default, Clone)]
struct Batch {
    ids: Vec<u32>,
    /// Merge when `ids` reaches this length: a quarter of the day's bitmap, at least
    /// [`BATCH_MIN`]. Merging costs about the bitmap's size, so each id pays a small constant,
    /// and the batches hold at most a quarter more ids than the bitmaps.
    limit: usize,
}

const BATCH_MIN: usize = 4096;

impl Batch {
    /// Adds the batch's ids to `day`'s bitmap in `days`, and empties it (keeping its room).
    /// Returns how many ids it held.
    #[inline(never)]
    fn merge_into(&mut self, days: &mut BTreeMap<i32, RoaringBitmap>, day: i32) -> usize {
        let held = self.ids.len();
        radix_sort(&mut self.ids);
        self.ids.dedup();
        // Sorted and distinct, so this cannot fail.
        let new = RoaringBitmap::from_sorted_iter(self.ids.iter().copied()).unwrap_or_default();
        self.ids.clear();
        let ids = days.entry(day).or_default();
        *ids |= new;
        self.limit = BATCH_MIN.max(ids.len() as usize / 4);
        held
    }
}

/// Sorts ids ascending: an LSD radix sort on 11-bit digits, as many passes as the largest id
/// needs (two below 4,194,304), falling back to the comparison sort for short inputs.
fn radix_sort(ids: &mut Vec<u32>) {
    const BITS: u32 = 11;
    const MASK: u32 = (1 << BITS) - 1;
    if ids.len() < 256 {
        ids.sort_unstable();
        return;
    }
    let all = ids.iter().fold(0u32, |a, id| a | id);
    let passes = (32 - all.leading_zeros()).div_ceil(BITS).max(1) as usize;
    let mut counts = vec![[0u32; 1 << BITS]; passes];
    for id in ids.iter() {
        for (p, c) in counts.iter_mut().enumerate() {
            c[((id >> (BITS * p as u32)) & MASK) as usize] += 1;
        }
    }
    let mut other = vec![0u32; ids.len()];
    for (p, c) in counts.iter_mut().enumerate() {
        let mut at = 0u32;
        for n in c.iter_mut() {
            let here = *n;
            *n = at;
            at += here;
        }
        let shift = BITS * p as u32;
        for id in ids.iter() {
            let slot = &mut c[((id >> shift) & MASK) as usize];
            other[*slot as usize] = *id;
            *slot += 1;
        }
        std::mem::swap(ids, &mut other);
    }
}

/// The batches not yet merged: those of days within [`WINDOW_DAYS`] of each other in a
/// vector indexed from `base` (the usual case: a few years of events), others in a map.
#[derive(Debug, Default, Clone)]
struct Pending {
    base: i64,
    window: Vec<Batch>,
    far: HashMap<i32, Batch, BuildHasherDefault<KeyHasher>>,
    /// Ids held in all batches.
    held: usize,
}

/// The widest span of days whose batches sit in the vector: 64 KB of empty batches at most
/// per 2,048 days, so a day far from the others cannot cost much memory.
const WINDOW_DAYS: i64 = 1 << 16;

impl Pending {
    fn is_empty(&self) -> bool {
        self.held == 0
    }

    /// The batch of `day` when its slot exists already (no growth).
    #[inline(always)]
    fn existing(&mut self, day: i32) -> Option<&mut Batch> {
        let i = i64::from(day).wrapping_sub(self.base) as u64;
        self.window.get_mut(usize::try_from(i).ok()?)
    }

    /// The batch of `day`, its slot made if need be.
    #[inline]
    fn batch(&mut self, day: i32) -> KpiResult<&mut Batch> {
        let i = i64::from(day) - self.base;
        if (0..self.window.len() as i64).contains(&i) {
            return Ok(&mut self.window[i as usize]);
        }
        self.slot(day)
    }

    #[cold]
    fn slot(&mut self, day: i32) -> KpiResult<&mut Batch> {
        let day64 = i64::from(day);
        let (lo, hi) = if self.window.is_empty() {
            (day64, day64 + 1)
        } else {
            (
                self.base.min(day64),
                (self.base + self.window.len() as i64).max(day64 + 1),
            )
        };
        if hi - lo > WINDOW_DAYS {
            crate::kpi::error::reserve(&mut self.far, 1, "activity_agg")?;
            return Ok(self.far.entry(day).or_default());
        }
        // A month of room either way, so that days arriving in order do not grow it each time.
        let lo = if lo < self.base || self.window.is_empty() {
            (lo - 31).max(hi - WINDOW_DAYS)
        } else {
            lo
        };
        let hi = if hi > self.base + self.window.len() as i64 {
            (hi + 31).min(lo + WINDOW_DAYS)
        } else {
            hi
        };
        let front = if self.window.is_empty() {
            0
        } else {
            (self.base - lo) as usize
        };
        let total = (hi - lo) as usize;
        let more = total - self.window.len();
        crate::kpi::error::reserve(&mut self.window, more, "activity_agg")?;
        let tail = total - front - self.window.len();
        self.window
            .splice(0..0, std::iter::repeat_with(Batch::default).take(front));
        self.window
            .extend(std::iter::repeat_with(Batch::default).take(tail));
        self.base = lo;
        Ok(&mut self.window[(day64 - lo) as usize])
    }

    /// Merges every batch into `days`.
    fn settle(&mut self, days: &mut BTreeMap<i32, RoaringBitmap>) {
        if self.held == 0 {
            return;
        }
        for (i, batch) in self.window.iter_mut().enumerate() {
            if !batch.ids.is_empty() {
                batch.merge_into(days, (self.base + i as i64) as i32);
            }
        }
        for (day, mut batch) in self.far.drain() {
            batch.merge_into(days, day);
        }
        self.held = 0;
    }
}

impl PartialEq for Activity {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.dense == other.dense
            && self.canonical() == other.canonical()
    }
}

impl Activity {
    /// Records `key` (as [`sortable`]) active on `day`.
    #[inline]
    pub fn add(&mut self, kind: KeyKind, day: i32, key: u64) -> KpiResult<()> {
        if self.kind != kind {
            self.set_kind(kind)?;
        }
        let id = match signed(key) {
            v if self.dense && (0..DENSE_LIMIT).contains(&v) => v as u32,
            _ => {
                if self.dense {
                    self.undense();
                }
                self.id_of(key)?
            }
        };
        let batch = self.pending.batch(day)?;
        crate::kpi::error::reserve(&mut batch.ids, 1, "activity_agg")?;
        batch.ids.push(id);
        let merged = if batch.ids.len() >= batch.limit {
            batch.merge_into(&mut self.days, day)
        } else {
            0
        };
        self.pending.held = self.pending.held + 1 - merged;
        Ok(())
    }

    /// [`Activity::add`] of the common row, when it needs no growth, no merge and no new
    /// key: the key is a dense id or one already in the dictionary, and its day's batch has
    /// room. Returns false, having changed nothing, for any other row. Allocates nothing
    /// and cannot panic, so that a transition may call it without PostgreSQL's guard.
    #[inline(always)]
    pub fn try_add_existing(&mut self, kind: KeyKind, day: i32, key: u64) -> bool {
        if self.kind != kind {
            return false;
        }
        let id = if self.dense {
            match signed(key) {
                v if (0..DENSE_LIMIT).contains(&v) => v as u32,
                _ => return false,
            }
        } else {
            match self.indexed.then(|| self.index.get(&key)).flatten() {
                Some(id) => *id,
                None => return false,
            }
        };
        let Some(batch) = self.pending.existing(day) else {
            return false;
        };
        // Room, and not the row that fills the batch (it merges).
        if batch.ids.len() + 1 >= batch.limit || batch.ids.len() == batch.ids.capacity() {
            return false;
        }
        batch.ids.push(id);
        self.pending.held += 1;
        true
    }

    /// Leaves the dense form (a key outside 0..DENSE_LIMIT arrived): the dictionary is the
    /// keys seen so far, ids their ranks.
    #[cold]
    pub(crate) fn undense(&mut self) {
        self.settle();
        let mut all = RoaringBitmap::new();
        for ids in self.days.values() {
            all |= ids;
        }
        self.keys = all.iter().map(|v| sortable(i64::from(v))).collect();
        for ids in self.days.values_mut() {
            let ranks = ids.iter().map(|v| (all.rank(v) - 1) as u32);
            *ids = RoaringBitmap::from_sorted_iter(ranks).unwrap_or_default();
        }
        self.dense = false;
        self.sorted = true;
        self.indexed = false;
        self.index.clear();
    }

    /// The key of `id`, given the canonical dictionary.
    pub(crate) fn key_of(&self, keys: &[u64], id: u32) -> i64 {
        if self.dense {
            i64::from(id)
        } else {
            signed(keys[id as usize])
        }
    }

    #[cold]
    fn set_kind(&mut self, kind: KeyKind) -> KpiResult<()> {
        if self.kind != KeyKind::Unknown {
            return Err(mixed_kinds(self.kind, kind));
        }
        self.kind = kind;
        if self.keys.is_empty() {
            self.sorted = true;
            self.dense = kind == KeyKind::Bigint && self.is_empty();
        }
        Ok(())
    }

    #[inline]
    fn id_of(&mut self, key: u64) -> KpiResult<u32> {
        if !self.indexed {
            self.build_index();
        }
        let next = self.keys.len();
        if let Some(id) = self.index.get(&key) {
            return Ok(*id);
        }
        if next >= MAX_KEYS {
            return Err(too_many_keys());
        }
        if self.keys.last().is_some_and(|last| *last >= key) {
            self.sorted = false;
        }
        crate::kpi::error::reserve(&mut self.keys, 1, "activity_agg")?;
        crate::kpi::error::reserve(&mut self.index, 1, "activity_agg")?;
        self.keys.push(key);
        self.index.insert(key, next as u32);
        Ok(next as u32)
    }

    #[cold]
    fn build_index(&mut self) {
        self.index = self
            .keys
            .iter()
            .enumerate()
            .map(|(id, k)| (*k, id as u32))
            .collect();
        self.indexed = true;
    }

    /// Whether the keys and days are already the canonical form's (settled, ids are ranks):
    /// [`Activity::canonical`] then borrows them, and the stored form can be sized first.
    pub(crate) fn in_stored_order(&self) -> bool {
        self.pending.is_empty() && self.sorted
    }

    /// The kind, ranks and bitmaps of the canonical form: `(keys ascending, days)`, borrowing
    /// when ids already are ranks.
    pub(crate) fn canonical(
        &self,
    ) -> (
        std::borrow::Cow<'_, [u64]>,
        std::borrow::Cow<'_, BTreeMap<i32, RoaringBitmap>>,
    ) {
        use std::borrow::Cow;
        if self.in_stored_order() {
            return (Cow::Borrowed(&self.keys), Cow::Borrowed(&self.days));
        }
        if !self.pending.is_empty() {
            let mut settled = self.clone();
            settled.settle();
            let (keys, days) = settled.canonical();
            return (Cow::Owned(keys.into_owned()), Cow::Owned(days.into_owned()));
        }
        let mut order: Vec<u32> = (0..self.keys.len() as u32).collect();
        order.sort_unstable_by_key(|id| self.keys[*id as usize]);
        let mut rank = vec![0u32; order.len()];
        for (r, id) in order.iter().enumerate() {
            rank[*id as usize] = r as u32;
        }
        let keys = order.iter().map(|id| self.keys[*id as usize]).collect();
        let days = self
            .days
            .iter()
            .map(|(day, ids)| (*day, remap(ids, &rank)))
            .collect();
        (Cow::Owned(keys), Cow::Owned(days))
    }
}

/// `ids` through `map` (ids to new ids).
fn remap(ids: &RoaringBitmap, map: &[u32]) -> RoaringBitmap {
    let mut monotone = true;
    let mut last = None;
    let mut out: Vec<u32> = Vec::with_capacity(ids.len() as usize);
    for id in ids {
        let new = map[id as usize];
        monotone &= last.is_none_or(|l| l < new);
        last = Some(new);
        out.push(new);
    }
    if !monotone {
        out.sort_unstable();
    }
    // Sorted and distinct (map is injective), so this cannot fail.
    RoaringBitmap::from_sorted_iter(out).unwrap_or_default()
}

#[cold]
fn mixed_kinds(a: KeyKind, b: KeyKind) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        format!(
            "cannot merge an activity_summary of {} keys with one of {} keys",
            a.name(),
            b.name()
        ),
        "A summary built from bigint keys counts different identities than one built from text \
         or uuid keys (stored as 64-bit hashes).",
        "Build every summary that is merged or counted together from the same key column type.",
    )
}

#[cold]
fn too_many_keys() -> Box<KpiError> {
    KpiError::new(
        ErrorKind::OutOfRange,
        "activity_summary is out of range",
        format!("A summary holds at most {MAX_KEYS} distinct keys."),
        "Aggregate smaller groups (for example per month or per tenant).",
    )
}

impl Summary for Activity {
    const TYPE_NAME: &'static str = "activity_summary";
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        if !other.pending.is_empty() {
            let mut settled = other.clone();
            settled.settle();
            return self.merge(&settled);
        }
        if other.days.is_empty() {
            return Ok(());
        }
        self.settle();
        if self.kind != other.kind {
            self.set_kind(other.kind)?;
        }
        if self.days.is_empty() {
            *self = Activity {
                kind: other.kind,
                keys: other.keys.clone(),
                index: KeyIndex::default(),
                indexed: false,
                sorted: other.sorted,
                days: other.days.clone(),
                pending: Pending::default(),
                dense: other.dense,
            };
            return Ok(());
        }
        if self.dense && other.dense {
            for (day, ids) in &other.days {
                *self.days.entry(*day).or_default() |= ids;
            }
            return Ok(());
        }
        if self.dense {
            self.undense();
        }
        let converted;
        let other = if other.dense {
            let mut copy = other.clone();
            copy.undense();
            converted = copy;
            &converted
        } else {
            other
        };
        let map = other
            .keys
            .iter()
            .map(|k| self.id_of(*k))
            .collect::<KpiResult<Vec<u32>>>()?;
        let identity = map.iter().enumerate().all(|(i, id)| i as u32 == *id);
        for (day, ids) in &other.days {
            let target = self.days.entry(*day).or_default();
            if identity {
                *target |= ids;
            } else {
                *target |= remap(ids, &map);
            }
        }
        Ok(())
    }

    /// Dense summaries (the usual rollup of daily summaries) move the other's bitmaps in:
    /// a day this summary does not have costs nothing.
    fn merge_owned(&mut self, mut other: Self) -> KpiResult<()> {
        other.settle();
        self.settle();
        if other.days.is_empty() {
            return Ok(());
        }
        if self.days.is_empty() && self.kind == KeyKind::Unknown {
            *self = Activity {
                index: KeyIndex::default(),
                indexed: false,
                ..other
            };
            return Ok(());
        }
        if !(self.dense && other.dense && self.kind == other.kind) {
            return self.merge(&other);
        }
        for (day, ids) in other.days {
            match self.days.entry(day) {
                btree_map::Entry::Vacant(slot) => {
                    slot.insert(ids);
                }
                btree_map::Entry::Occupied(mut slot) => *slot.get_mut() |= ids,
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.days.is_empty() && self.pending.is_empty()
    }

    fn settle(&mut self) {
        self.pending.settle(&mut self.days);
    }

    fn write_payload(&self, out: &mut Vec<u8>) {
        // Writing into a vector cannot fail.
        let _ = format::write(self, out);
    }

    fn binary_len(&self) -> Option<usize> {
        format::binary_len(self)
    }

    fn write_binary(&self, out: &mut [u8]) -> bool {
        let Some((version, mut payload)) = out.split_first_mut() else {
            return false;
        };
        *version = Self::VERSION;
        format::write(self, &mut payload).is_ok() && payload.is_empty()
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        format::read(bytes)
    }

    fn to_text(&self) -> String {
        format::to_text(self)
    }

    fn from_text(text: &str) -> KpiResult<Self> {
        format::from_text(text)
    }

    /// Cheap checks, run after every merge: known kind, days in range, no empty day, every id
    /// in the dictionary. Batched ids are in the dictionary by construction.
    fn validate(&self) -> Result<(), String> {
        if self.kind == KeyKind::Unknown && !self.days.is_empty() {
            return Err("The summary has days but no key type.".to_string());
        }
        if self.dense && (self.kind != KeyKind::Bigint || !self.keys.is_empty()) {
            return Err("A dense summary must have bigint keys and no dictionary.".to_string());
        }
        let limit = if self.dense {
            DENSE_LIMIT as usize
        } else {
            self.keys.len()
        };
        if self.keys.len() > MAX_KEYS {
            return Err(format!("The summary holds more than {MAX_KEYS} keys."));
        }
        for (day, ids) in &self.days {
            if !(DATE_MIN..=DATE_MAX).contains(day) {
                return Err(format!("Day {day} is outside the range of dates."));
            }
            match ids.max() {
                None => return Err(format!("Day {} has no keys.", calendar::format(*day))),
                Some(max) if max as usize >= limit => {
                    return Err(format!(
                        "Day {} refers to key {max} of a dictionary of {limit}.",
                        calendar::format(*day),
                    ))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn build(kind: KeyKind, rows: &[(i32, i64)]) -> Activity {
        let mut a = Activity::default();
        for (day, key) in rows {
            a.add(kind, *day, sortable(*key)).unwrap();
        }
        a
    }

    #[test]
    fn merge_is_union_and_canonical() {
        let rows: Vec<(i32, i64)> = (0..5000)
            .map(|i| ((i % 7) as i32, (i * 7919 % 3001) - 1500))
            .collect();
        let one = build(KeyKind::Bigint, &rows);
        let mut parts = Activity::default();
        for chunk in rows.chunks(333).rev() {
            parts.merge_checked(&build(KeyKind::Bigint, chunk)).unwrap();
        }
        assert_eq!(one.to_binary(), parts.to_binary());
        let back = Activity::from_binary(&one.to_binary()).unwrap();
        assert!(back.sorted);
        assert_eq!(back.to_binary(), one.to_binary());
        assert_eq!(back, one);
        assert_eq!(Activity::from_text(&one.to_text()).unwrap(), one);
        let mut settled = one.clone();
        settled.settle();
        let total: u64 = settled.days.values().map(|b| b.len()).sum();
        let mut seen = std::collections::BTreeSet::new();
        for r in &rows {
            seen.insert(*r);
        }
        assert_eq!(total, seen.len() as u64);
    }

    /// Rows buffered in batches (several merges per day, repeats, ids in random order, a
    /// switch to the dictionary form mid-batch) give the same summary as one bitmap insert
    /// per row, whether it is read settled or not.
    #[test]
    fn batches_are_invisible() {
        let mut rng = crate::kpi::testing::Rng(17);
        for dense in [true, false] {
            let mut a = Activity::default();
            let mut model: BTreeMap<i32, std::collections::BTreeSet<i64>> = BTreeMap::new();
            for i in 0..60_000u32 {
                let day = (rng.below(5)) as i32;
                let mut key = rng.below(200_000) as i64;
                if !dense && i == 30_000 {
                    key = -1;
                }
                a.add(KeyKind::Bigint, day, sortable(key)).unwrap();
                model.entry(day).or_default().insert(key);
                if i == 20_000 {
                    // A read mid-stream (a window frame's final call) changes nothing.
                    let copy = Activity::from_binary(&a.to_binary()).unwrap();
                    assert_eq!(copy, a);
                }
            }
            assert!(!a.pending.is_empty() && a.dense == dense);
            let unsettled = a.to_binary();
            let mut merged = Activity::default();
            merged.merge_checked(&a).unwrap();
            a.settle();
            assert!(a.pending.is_empty());
            assert_eq!(a.to_binary(), unsettled);
            assert_eq!(merged.to_binary(), unsettled);
            assert_holds(&unsettled, model);
        }
    }

    /// The stored summary `bytes` holds exactly the keys of `model` on each day.
    fn assert_holds(bytes: &[u8], model: BTreeMap<i32, std::collections::BTreeSet<i64>>) {
        let back = Activity::from_binary(bytes).unwrap();
        let days: BTreeMap<i32, Vec<i64>> = back
            .days
            .iter()
            .map(|(d, ids)| {
                (
                    *d,
                    ids.iter().map(|id| back.key_of(&back.keys, id)).collect(),
                )
            })
            .collect();
        let want: BTreeMap<i32, Vec<i64>> = model
            .into_iter()
            .map(|(d, keys)| (d, keys.into_iter().collect()))
            .collect();
        assert_eq!(days, want);
    }

    #[test]
    fn radix_sort_sorts() {
        let mut rng = crate::kpi::testing::Rng(5);
        for (n, below) in [(10, 100), (300, 1 << 11), (5000, 300_000), (5000, 1 << 31)] {
            let mut ids: Vec<u32> = (0..n).map(|_| rng.below(below) as u32).collect();
            ids.push(u32::MAX);
            let mut want = ids.clone();
            want.sort_unstable();
            radix_sort(&mut ids);
            assert_eq!(ids, want);
        }
    }

    /// Days far apart (batches in the map as well as the vector, the vector grown at both
    /// ends) and rows through the growth-free path give the summary of one insert per row.
    #[test]
    fn far_days_and_the_growth_free_path() {
        let mut rng = crate::kpi::testing::Rng(23);
        for dense in [true, false] {
            let mut a = Activity::default();
            let mut model: BTreeMap<i32, std::collections::BTreeSet<i64>> = BTreeMap::new();
            let mut fast = 0;
            for i in 0..40_000u32 {
                let day = match i % 7 {
                    0 => -200_000 + rng.below(3) as i32,
                    1 => 100_000 + rng.below(40) as i32,
                    _ => 9_000 + (i / 1000) as i32 - rng.below(60) as i32,
                };
                let key = rng.below(20_000) as i64 - if dense { 0 } else { 10 };
                if !a.try_add_existing(KeyKind::Bigint, day, sortable(key)) {
                    a.add(KeyKind::Bigint, day, sortable(key)).unwrap();
                } else {
                    fast += 1;
                }
                model.entry(day).or_default().insert(key);
            }
            assert!(fast > 2_000, "{fast}");
            assert!(!a.pending.far.is_empty());
            assert_holds(&a.to_binary(), model);
            let mut settled = a.clone();
            settled.settle();
            assert!(settled.pending.is_empty());
            assert_eq!(settled.to_binary(), a.to_binary());
        }
    }

    #[test]
    fn dense_and_dictionary_forms() {
        let small: Vec<(i32, i64)> = (0..3000)
            .map(|i| ((i % 5) as i32, (i * 31) % 2000))
            .collect();
        let a = build(KeyKind::Bigint, &small);
        assert!(a.dense && a.keys.is_empty());
        let bytes = a.to_binary();
        assert_eq!(bytes[1], format::DENSE_KIND);
        assert_eq!(Activity::from_binary(&bytes).unwrap(), a);
        assert_eq!(
            Activity::from_text(&a.to_text()).unwrap().to_binary(),
            bytes
        );
        // One key out of range: the dictionary form, whichever side it arrives on.
        let mut rows = small.clone();
        rows.push((2, -7));
        let one = build(KeyKind::Bigint, &rows);
        assert!(!one.dense);
        let mut left = a.clone();
        left.merge_checked(&build(KeyKind::Bigint, &[(2, -7)]))
            .unwrap();
        let mut right = build(KeyKind::Bigint, &[(2, -7)]);
        right.merge_checked(&a).unwrap();
        assert_eq!(left.to_binary(), one.to_binary());
        assert_eq!(right.to_binary(), one.to_binary());
        let mut late = a.clone();
        late.add(KeyKind::Bigint, 2, sortable(-7)).unwrap();
        assert_eq!(late.to_binary(), one.to_binary());
        // The dictionary form of keys that are all in range is not canonical.
        let mut undensed = a.clone();
        undensed.undense();
        assert!(Activity::from_binary(&undensed.to_binary()).is_err());
    }

    #[test]
    fn kinds_do_not_mix() {
        let mut a = build(KeyKind::Bigint, &[(1, 1)]);
        let b = build(KeyKind::Text, &[(1, 1)]);
        assert_eq!(
            a.merge_checked(&b).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
        assert_eq!(
            a.add(KeyKind::Uuid, 1, 1).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
    }
}
