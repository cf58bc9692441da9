//! Repeat purchase rate: customers with two or more distinct orders over customers with any
//! order, exact. Per customer the state keeps its one order, or that it has several: enough to
//! tell a second distinct order from the same order seen again (an order's rows repeat once
//! per line item).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::active::{FxBuild, Key};
use crate::kpi::error::KpiResult;
use crate::kpi::keys::{read_sorted, write_sorted};
use crate::kpi::summary::{Reader, Summary};

#[derive(Debug, Clone, PartialEq)]
pub enum Orders<O> {
    One(O),
    Several,
}

#[derive(Debug, PartialEq)]
pub struct RepeatMap<K: Key, O: Key> {
    pub customers: HashMap<K, Orders<O>, FxBuild>,
}

impl<K: Key, O: Key> Default for RepeatMap<K, O> {
    fn default() -> Self {
        RepeatMap {
            customers: HashMap::default(),
        }
    }
}

impl<K: Key, O: Key> RepeatMap<K, O> {
    #[inline]
    fn note(slot: &mut Orders<O>, order: &Orders<O>) {
        if let Orders::One(mine) = slot {
            if !matches!(order, Orders::One(theirs) if theirs == mine) {
                *slot = Orders::Several;
            }
        }
    }

    /// One row: customer `key` placed order `order`.
    #[inline]
    pub fn add(&mut self, key: K, order: O) -> KpiResult<()> {
        crate::kpi::error::reserve(&mut self.customers, 1, "repeat_purchase_rate")?;
        match self.customers.entry(key) {
            Entry::Vacant(v) => {
                v.insert(Orders::One(order));
            }
            Entry::Occupied(mut o) => Self::note(o.get_mut(), &Orders::One(order)),
        }
        Ok(())
    }

    /// (repeat customers, customers).
    pub fn counts(&self) -> (i64, i64) {
        let repeat = self
            .customers
            .values()
            .filter(|o| matches!(o, Orders::Several))
            .count();
        (repeat as i64, self.customers.len() as i64)
    }

    pub fn percent(&self) -> Option<f64> {
        let (repeat, all) = self.counts();
        (all > 0).then(|| 100.0 * repeat as f64 / all as f64)
    }
}

impl<K: Key, O: Key> Summary for RepeatMap<K, O> {
    const TYPE_NAME: &'static str = K::REPEAT_STATE;
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        crate::kpi::error::reserve(
            &mut self.customers,
            other.customers.len(),
            "repeat_purchase_rate",
        )?;
        for (k, theirs) in &other.customers {
            match self.customers.entry(k.clone()) {
                Entry::Vacant(v) => {
                    v.insert(theirs.clone());
                }
                Entry::Occupied(mut o) => Self::note(o.get_mut(), theirs),
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Count, then per customer (sorted): key, 0 and the order's key, or 1 (several).
    fn write_payload(&self, out: &mut Vec<u8>) {
        write_sorted(&self.customers, 1, out, |orders, out| match orders {
            Orders::One(o) => {
                out.push(0);
                o.encode(out);
            }
            Orders::Several => out.push(1),
        });
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let unsorted = "The customers are not sorted and distinct.";
        let customers = read_sorted(&mut r, 1, unsorted, |r| match r.u8()? {
            0 => Ok(Orders::One(O::decode(r)?)),
            1 => Ok(Orders::Several),
            other => Err(format!("Tag byte {other} is neither 0 nor 1.")),
        })?;
        r.finish()?;
        Ok(RepeatMap { customers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_by_hand() {
        // Customer 1: orders 10, 10 (same order twice) -> one order. Customer 2: 20, 21 ->
        // repeat. Customer 3: 30. 1 of 3.
        let mut m = RepeatMap::<i64, i64>::default();
        for (c, o) in [(1, 10), (1, 10), (2, 20), (2, 21), (3, 30)] {
            m.add(c, o).unwrap();
        }
        assert_eq!(m.counts(), (1, 3));
        // Merging a part that saw customer 1's other order and customer 3's same order.
        let mut other = RepeatMap::<i64, i64>::default();
        other.add(1, 11).unwrap();
        other.add(3, 30).unwrap();
        m.merge(&other).unwrap();
        assert_eq!(m.counts(), (2, 3));
        let back = RepeatMap::<i64, i64>::from_binary(&m.to_binary()).unwrap();
        assert_eq!(back, m);
        assert_eq!(RepeatMap::<i64, i64>::default().percent(), None);
    }
}
