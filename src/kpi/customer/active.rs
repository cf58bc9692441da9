//! Active customers: distinct customers with at least one active row over distinct customers,
//! counted exactly with a hash map from customer key to "seen active".
//!
//! The map is what makes the aggregate fast: one hash probe per row, against the two sorts of
//! `count(DISTINCT ..) FILTER`. Keys are bigint, uuid or text (compared byte for byte, as a
//! deterministic collation does).

use std::collections::HashMap;

use crate::kpi::error::KpiResult;
use crate::kpi::keys::{read_sorted, write_sorted};
use crate::kpi::summary::{Reader, Summary};

/// The one key hasher, under the name this family's maps used.
pub use crate::kpi::keys::KeyHasher as FxHasher;

pub type FxBuild = crate::kpi::keys::KeyBuild;

/// A customer key of this family's states: a [`crate::kpi::keys::Key`] that also names the
/// aggregate state types keyed by it.
pub trait Key: crate::kpi::keys::Key {
    /// The SQL names of the aggregate state types keyed by this type (`active_ratio`,
    /// `repeat_purchase_rate`, `customer_churn_rate`/`customer_retention_rate`).
    const ACTIVE_STATE: &'static str;
    const REPEAT_STATE: &'static str;
    const CHURN_STATE: &'static str;
}

impl Key for i64 {
    const ACTIVE_STATE: &'static str = "active_ratio_state_int8";
    const REPEAT_STATE: &'static str = "repeat_purchase_state_int8";
    const CHURN_STATE: &'static str = "customer_churn_state_int8";
}

impl Key for [u8; 16] {
    const ACTIVE_STATE: &'static str = "active_ratio_state_uuid";
    const REPEAT_STATE: &'static str = "repeat_purchase_state_uuid";
    const CHURN_STATE: &'static str = "customer_churn_state_uuid";
}

impl Key for Box<[u8]> {
    const ACTIVE_STATE: &'static str = "active_ratio_state_text";
    const REPEAT_STATE: &'static str = "repeat_purchase_state_text";
    const CHURN_STATE: &'static str = "customer_churn_state_text";
}

/// Each customer seen, and whether any of its rows was active.
#[derive(Debug, PartialEq)]
pub struct ActiveMap<K: Key> {
    pub seen: HashMap<K, bool, FxBuild>,
}

impl<K: Key> Default for ActiveMap<K> {
    fn default() -> Self {
        ActiveMap {
            seen: HashMap::default(),
        }
    }
}

impl<K: Key> ActiveMap<K> {
    /// Counts one row of customer `key`; `active` false for an inactive or unknown (NULL) row.
    #[inline]
    pub fn add(&mut self, key: K, active: bool) -> KpiResult<()> {
        crate::kpi::error::reserve(&mut self.seen, 1, "active_ratio")?;
        *self.seen.entry(key).or_insert(false) |= active;
        Ok(())
    }

    /// (active customers, customers).
    pub fn counts(&self) -> (i64, i64) {
        let active = self.seen.values().filter(|a| **a).count();
        (active as i64, self.seen.len() as i64)
    }

    /// Active customers over customers, in percent; `None` when no customer was seen.
    pub fn percent(&self) -> Option<f64> {
        let (active, all) = self.counts();
        (all > 0).then(|| 100.0 * active as f64 / all as f64)
    }
}

impl ActiveMap<Box<[u8]>> {
    /// [`ActiveMap::add`] for a text key, allocating only for a customer not seen before.
    #[inline]
    pub fn add_bytes(&mut self, key: &[u8], active: bool) -> KpiResult<()> {
        match self.seen.get_mut(key) {
            Some(a) => *a |= active,
            None => {
                crate::kpi::error::reserve(&mut self.seen, 1, "active_ratio")?;
                self.seen.insert(key.into(), active);
            }
        }
        Ok(())
    }
}

impl<K: Key> Summary for ActiveMap<K> {
    const TYPE_NAME: &'static str = K::ACTIVE_STATE;
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        crate::kpi::error::reserve(&mut self.seen, other.seen.len(), "active_ratio")?;
        for (k, a) in &other.seen {
            *self.seen.entry(k.clone()).or_insert(false) |= *a;
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Count, then (key, flag byte) sorted by key.
    fn write_payload(&self, out: &mut Vec<u8>) {
        write_sorted(&self.seen, 1, out, |a, out| out.push(*a as u8));
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let seen = read_sorted(
            &mut r,
            1,
            "The keys are not sorted and distinct.",
            |r| match r.u8()? {
                0 => Ok(false),
                1 => Ok(true),
                other => Err(format!("Flag byte {other} is neither 0 nor 1.")),
            },
        )?;
        r.finish()?;
        Ok(ActiveMap { seen })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_sixty_percent() {
        // 1,000 customers, 600 with an active user (each has 3 users).
        let mut m = ActiveMap::<i64>::default();
        for c in 0..1000i64 {
            for u in 0..3 {
                m.add(c, c < 600 && u == 1).unwrap();
            }
        }
        assert_eq!(m.percent(), Some(60.0));
        assert_eq!(ActiveMap::<i64>::default().percent(), None);
    }

    #[test]
    fn merge_and_binary_are_canonical() {
        let mut a = ActiveMap::<Box<[u8]>>::default();
        a.add_bytes(b"b", false).unwrap();
        a.add_bytes(b"a", true).unwrap();
        let mut b = ActiveMap::<Box<[u8]>>::default();
        b.add_bytes(b"b", true).unwrap();
        b.add_bytes(b"c", false).unwrap();
        a.merge(&b).unwrap();
        assert_eq!(a.counts(), (2, 3));
        let mut c = ActiveMap::<Box<[u8]>>::default();
        c.add_bytes(b"c", false).unwrap();
        c.add_bytes(b"b", true).unwrap();
        c.add_bytes(b"a", true).unwrap();
        assert_eq!(a.to_binary(), c.to_binary());
        assert_eq!(ActiveMap::<Box<[u8]>>::from_binary(&a.to_binary()), Ok(a));
        let mut u = ActiveMap::<[u8; 16]>::default();
        u.add([1; 16], true).unwrap();
        let bytes = u.to_binary();
        assert_eq!(ActiveMap::<[u8; 16]>::from_binary(&bytes), Ok(u));
        let mut bad = bytes.clone();
        *bad.last_mut().unwrap() = 2;
        assert!(ActiveMap::<[u8; 16]>::from_binary(&bad).is_err());
    }
}
