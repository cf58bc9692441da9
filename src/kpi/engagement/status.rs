//! The people behind lifecycle counts: one key's lifecycle status in a period, and whether it
//! was active in a range of days.
//!
//! Both are called once per row of a users table (`WHERE lifecycle_status(s, u.id, ...) =
//! 'dormant'`), so the work that depends only on the summary and the period (its dictionary,
//! the union of the ids active in the period, the one before and every earlier one) is done
//! once into a [`Sets`] that the SQL wrapper keeps between calls; each call is then a lookup
//! in the dictionary and three bitmap probes.

use roaring::RoaringBitmap;

use super::calendar::Grain;
use super::format::DaysView;
use super::range::{corrupt, decode};
use super::{signed, KeyKind};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// A key's lifecycle status in a period (PostHog's four).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    Returning,
    Resurrecting,
    Dormant,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Returning => "returning",
            Status::Resurrecting => "resurrecting",
            Status::Dormant => "dormant",
        }
    }
}

/// What one summary says about every key for one question: the dictionary (to find a key's
/// id) and the id sets the question needs.
#[derive(Debug, Default)]
pub struct Sets {
    pub kind: KeyKind,
    dense: bool,
    nkeys: u64,
    dictionary: Vec<u64>,
    /// Lifecycle: active in the period, in the one before, in any earlier one. Activity: active
    /// in the range (`now`).
    now: RoaringBitmap,
    prev: RoaringBitmap,
    earlier: RoaringBitmap,
}

impl Sets {
    fn new(view: &DaysView) -> KpiResult<Sets> {
        Ok(Sets {
            kind: view.kind,
            dense: view.dense,
            nkeys: view.nkeys,
            dictionary: view.dictionary().map_err(corrupt)?,
            ..Sets::default()
        })
    }

    /// The sets of `lifecycle_status` for the period holding `day`.
    pub fn lifecycle(view: &DaysView, grain: Grain, day: i32) -> KpiResult<Sets> {
        let mut sets = Sets::new(view)?;
        let period = grain.index(day.into());
        for entry in &view.days {
            let p = grain.index(entry.day.into());
            if p > period {
                break;
            }
            let ids = decode(view, entry)?;
            match period - p {
                0 => sets.now |= ids,
                1 => sets.prev |= ids,
                _ => sets.earlier |= ids,
            }
        }
        Ok(sets)
    }

    /// The set of `was_active` for days `from..=to` (any dates, infinite ones included).
    pub fn activity(view: &DaysView, from: i32, to: i32) -> KpiResult<Sets> {
        let mut sets = Sets::new(view)?;
        for entry in view.range(from.into(), to.into()) {
            sets.now |= decode(view, entry)?;
        }
        Ok(sets)
    }

    /// The id of `key` ([`super::sortable`] form), None when the summary never saw it.
    pub fn id_of(&self, key: u64) -> Option<u32> {
        if self.dense {
            let v = signed(key);
            return (0..self.nkeys as i64).contains(&v).then_some(v as u32);
        }
        self.dictionary.binary_search(&key).ok().map(|i| i as u32)
    }

    /// New (first active in this period), returning (active in this one and the one before),
    /// resurrecting (active now, not in the one before, earlier), dormant (active in the one
    /// before, not now); None when active in neither.
    pub fn status(&self, key: u64) -> Option<Status> {
        let id = self.id_of(key)?;
        let (now, prev) = (self.now.contains(id), self.prev.contains(id));
        match (now, prev) {
            (true, true) => Some(Status::Returning),
            (true, false) if self.earlier.contains(id) => Some(Status::Resurrecting),
            (true, false) => Some(Status::New),
            (false, true) => Some(Status::Dormant),
            (false, false) => None,
        }
    }

    pub fn active(&self, key: u64) -> bool {
        self.id_of(key).is_some_and(|id| self.now.contains(id))
    }
}

/// The error for a key of another type than the summary's.
pub fn check_kind(function: &str, summary: KeyKind, key: KeyKind) -> KpiResult<()> {
    if summary == key || summary == KeyKind::Unknown {
        return Ok(());
    }
    Err(KpiError::new(
        ErrorKind::InvalidParameter,
        format!(
            "{function} key is {} but the activity_summary has {} keys",
            key.name(),
            summary.name()
        ),
        "A key is looked up as activity_agg() stored it, which depends on its type.",
        format!(
            "Pass the key as {}, the type activity_agg() was given.",
            summary.name()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::engagement::sortable;
    use crate::kpi::engagement::tests::build;
    use crate::kpi::summary::Summary;

    #[test]
    fn statuses_by_hand() {
        // Days 0, 1, 2, 4: users {1,2}, {2,3}, {1,3}, {1}; a key far from 0 (not dense).
        for big in [false, true] {
            let k = |u: i64| if big { u * 1_000_000_007 } else { u };
            let rows: Vec<(i32, i64)> = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 1), (2, 3), (4, 1)]
                .iter()
                .map(|(d, u)| (*d, k(*u)))
                .collect();
            let bytes = build(KeyKind::Bigint, &rows).to_binary();
            let v = DaysView::parse_payload(&bytes[1..]).unwrap();
            assert_eq!(v.dense, !big);
            let at = |day| Sets::lifecycle(&v, Grain::Day, day).unwrap();
            let s = |sets: &Sets, u| sets.status(sortable(k(u))).map(Status::name);
            let d1 = at(1);
            assert_eq!(
                [s(&d1, 1), s(&d1, 2), s(&d1, 3), s(&d1, 9)],
                [Some("dormant"), Some("returning"), Some("new"), None]
            );
            let d2 = at(2);
            assert_eq!(
                [s(&d2, 1), s(&d2, 2), s(&d2, 3)],
                [Some("resurrecting"), Some("dormant"), Some("returning")]
            );
            let d4 = at(4);
            assert_eq!(
                [s(&d4, 1), s(&d4, 2), s(&d4, 3)],
                [Some("resurrecting"), None, None]
            );
            let d3 = at(3);
            assert_eq!([s(&d3, 1), s(&d3, 3)], [Some("dormant"), Some("dormant")]);
            let w = Sets::activity(&v, 3, 10).unwrap();
            assert!(w.active(sortable(k(1))) && !w.active(sortable(k(2))));
            assert!(!w.active(sortable(k(7))));
        }
        assert!(check_kind("f", KeyKind::Text, KeyKind::Bigint).is_err());
        assert!(check_kind("f", KeyKind::Unknown, KeyKind::Bigint).is_ok());
    }
}
