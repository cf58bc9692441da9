//! Customer churn and retention counted per customer, from one row per subscription.
//!
//! A customer is active while any of its subscriptions is. Each customer's subscriptions are
//! merged into spells (islands): two subscriptions belong to one spell when they overlap or
//! when the next one starts less than one day after the previous one ended, so a plan change
//! (cancel at 07:47, re-subscribe at 11:03) is not a churn. "Less than one day" is measured in
//! the input's own unit: for `date` the gap `next started - ended` must be 0 days or less (the
//! next subscription starts on or before the day the previous one ended; the day after is a
//! one-day gap, a churn), for timestamps it must be under 86,400 s (exactly 24 h apart is a
//! churn). A NULL end is a subscription still running.
//!
//! Each spell is then one "customer row" of the row-based forms (`super::churn::classify`)
//! over the period [start, end), and a customer counts once in each of S, C, N and E when any
//! of its spells does: S = a spell started before the period and did not end before it; C = the
//! spell that was at the start ended within the period; N = a spell started within the period
//! (a first subscription or a return after a churn); E = a spell started before the period end
//! and did not end before it. At most one spell is at the start and at most one at the end,
//! since spells are at least a day apart, so E <= S - C + N holds as for rows.
//!
//! The state keeps each customer's spells (usually one), so merging partial states of parallel
//! workers is exact: a subscription seen by one worker may bridge two spells of another.

use std::borrow::Borrow;
use std::collections::HashMap;

use super::active::{FxBuild, Key};
use super::churn::{classify, Churn, Denominator, Row};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::{Reader, Summary};

/// A subscription or spell end that never comes (a NULL end; `infinity` reads the same).
pub const NEVER: i64 = i64::MAX;

/// Microseconds in a day: the plan-change gap of the timestamp forms.
pub const DAY_USEC: i64 = 86_400_000_000;

/// A spell: [started, ended], `ended` = [`NEVER`] while it runs.
pub type Spell = (i64, i64);

/// What every row of a group must agree on: the unit of its times (the length of a day in it:
/// 1 for `date`, [`DAY_USEC`] for timestamps), the period and the denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    pub day: i64,
    pub period_start: i64,
    pub period_end: i64,
    pub denominator: Denominator,
}

/// A customer key that can be looked up without allocating and named in messages: every
/// key of this family's states is one.
pub use super::active::Key as CustomerKey;

/// The state of `customer_churn_rate(customer, ...)` and `customer_retention_rate(customer,
/// ...)`: the setup of the group's rows and each customer's spells, sorted, at least a day
/// apart.
#[derive(Debug, PartialEq)]
pub struct CustomerChurn<K: Key> {
    pub setup: Option<Setup>,
    pub customers: HashMap<K, Vec<Spell>, FxBuild>,
}

impl<K: Key> Default for CustomerChurn<K> {
    fn default() -> Self {
        CustomerChurn {
            setup: None,
            customers: HashMap::default(),
        }
    }
}

/// Adds the subscription [started, ended] to a customer's spells, merging every spell it
/// overlaps or comes less than `day` before or after. Spells stay sorted and disjoint, so
/// their ends are sorted too and both searches are binary.
pub fn insert_spell(spells: &mut Vec<Spell>, started: i64, ended: i64, day: i64) {
    let (s, e, d) = (started as i128, ended as i128, day as i128);
    // Spells that end a day or more before this one starts stay apart ...
    let lo = spells.partition_point(|&(_, b)| s - b as i128 >= d);
    // ... as do those that start a day or more after it ends.
    let hi = spells.partition_point(|&(a, _)| a as i128 - e < d);
    if lo >= hi {
        spells.insert(lo, (started, ended));
        return;
    }
    let merged = (started.min(spells[lo].0), ended.max(spells[hi - 1].1));
    spells[lo] = merged;
    spells.drain(lo + 1..hi);
}

/// Where a customer stands in the period: each count when any of its spells does.
pub fn classify_customer(spells: &[Spell], period_start: i64, period_end: i64) -> Row {
    let mut out = Row {
        starting: false,
        churned: false,
        new_customer: false,
        ending: false,
    };
    for &(a, b) in spells {
        let r = classify(a, Some(b), period_start, period_end);
        out.starting |= r.starting;
        out.churned |= r.churned;
        out.new_customer |= r.new_customer;
        out.ending |= r.ending;
    }
    out
}

/// A subscription cannot end before it started; the message names the customer.
pub fn check_subscription(
    metric: &str,
    customer: &str,
    started: i64,
    ended: Option<i64>,
    describe: impl Fn(i64) -> String,
) -> KpiResult<()> {
    match ended {
        Some(e) if e < started => super::churn::check_ends(
            metric,
            &format!("customer {customer}"),
            "subscription",
            started,
            ended,
            describe,
        ),
        _ => Ok(()),
    }
}

fn denominator_differs() -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        "customer_churn_rate: the denominator differs between rows",
        "Some rows of the group asked for 'start' and others for 'start_plus_new'.",
        "Pass the same denominator on every row of a group.",
    )
}

fn period_differs(metric: &str, detail: String) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        format!("{metric}: the period differs between rows"),
        detail,
        "Pass the same period_start and period_end on every row of a group; to report several \
         periods, group by the period.",
    )
}

impl<K: CustomerKey> CustomerChurn<K> {
    /// Checks that a row's setup is the group's (the first row sets it).
    #[inline]
    pub fn check_setup(
        &mut self,
        metric: &str,
        setup: Setup,
        describe: impl Fn(i64) -> String,
    ) -> KpiResult<()> {
        match self.setup {
            Some(mine) if mine == setup => Ok(()),
            None => {
                self.setup = Some(setup);
                Ok(())
            }
            Some(mine) => {
                if mine.denominator != setup.denominator {
                    return Err(denominator_differs());
                }
                Err(period_differs(
                    metric,
                    format!(
                        "A row has the period [{}, {}), earlier rows [{}, {}).",
                        describe(setup.period_start),
                        describe(setup.period_end),
                        describe(mine.period_start),
                        describe(mine.period_end)
                    ),
                ))
            }
        }
    }

    /// One subscription of `customer` (the setup checked first): [started, ended], ended
    /// `None` while it runs.
    #[inline]
    pub fn add(&mut self, customer: &K::Ref, started: i64, ended: Option<i64>) {
        let day = self.setup.map_or(1, |s| s.day);
        let ended = ended.unwrap_or(NEVER);
        match self.customers.get_mut(customer) {
            Some(spells) => insert_spell(spells, started, ended, day),
            None => {
                self.customers
                    .insert(K::owned(customer), vec![(started, ended)]);
            }
        }
    }

    /// The counts S, C, N, E over the customers, with the denominator the rows asked for.
    pub fn counts(&self) -> Churn {
        let mut c = Churn::default();
        let Some(setup) = self.setup else {
            return c;
        };
        for spells in self.customers.values() {
            let r = classify_customer(spells, setup.period_start, setup.period_end);
            c.starting += r.starting as i64;
            c.churned += r.churned as i64;
            c.new_customers += r.new_customer as i64;
            c.ending += r.ending as i64;
        }
        let customers = self.customers.len() as i64;
        match setup.denominator {
            Denominator::Start => c.by_start = customers,
            Denominator::StartPlusNew => c.by_start_plus_new = customers,
        }
        c
    }

    /// 100 x C / S (or / (S + N)); `None` for an empty denominator.
    pub fn churn_rate(&self) -> KpiResult<Option<f64>> {
        self.counts().churn_rate()
    }

    /// 100 x (E - N) / S; `None` when no customer was there at the start.
    pub fn retention_rate(&self) -> Option<f64> {
        self.counts().retention_rate()
    }
}

fn write_denominator(d: Denominator) -> u8 {
    match d {
        Denominator::Start => 1,
        Denominator::StartPlusNew => 2,
    }
}

impl<K: CustomerKey> Summary for CustomerChurn<K> {
    const TYPE_NAME: &'static str = K::CHURN_STATE;
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        let Some(theirs) = other.setup else {
            return Ok(());
        };
        match self.setup {
            None => self.setup = Some(theirs),
            Some(mine) if mine == theirs => {}
            Some(mine) if mine.denominator != theirs.denominator => {
                return Err(denominator_differs())
            }
            Some(_) => {
                return Err(period_differs(
                    "customer_churn_rate",
                    "Parts of the group were counted over different periods or time types."
                        .to_string(),
                ))
            }
        }
        let day = theirs.day;
        self.customers.reserve(other.customers.len());
        for (k, spells) in &other.customers {
            match self.customers.get_mut(Borrow::<K::Ref>::borrow(k)) {
                None => {
                    self.customers.insert(k.clone(), spells.clone());
                }
                Some(mine) => {
                    for &(a, b) in spells {
                        insert_spell(mine, a, b, day);
                    }
                }
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Setup flag (0 or 1), then day, period start and end (i64) and denominator (1 'start',
    /// 2 'start_plus_new'); the customer count, then per customer sorted by key: key, spell
    /// count, spells as (started, ended) i64 pairs.
    fn write_payload(&self, out: &mut Vec<u8>) {
        match self.setup {
            None => out.push(0),
            Some(s) => {
                out.push(1);
                for v in [s.day, s.period_start, s.period_end] {
                    out.extend_from_slice(&v.to_be_bytes());
                }
                out.push(write_denominator(s.denominator));
            }
        }
        let mut entries: Vec<(&K, &Vec<Spell>)> = self.customers.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        out.reserve(entries.len() * (K::MIN_SIZE + 20) + 4);
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for (k, spells) in entries {
            k.encode(out);
            out.extend_from_slice(&(spells.len() as u32).to_be_bytes());
            for &(a, b) in spells {
                out.extend_from_slice(&a.to_be_bytes());
                out.extend_from_slice(&b.to_be_bytes());
            }
        }
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let setup = match r.u8()? {
            0 => None,
            1 => {
                let (day, period_start, period_end) = (r.i64()?, r.i64()?, r.i64()?);
                let denominator = match r.u8()? {
                    1 => Denominator::Start,
                    2 => Denominator::StartPlusNew,
                    other => return Err(format!("Denominator code {other} is not 1 or 2.")),
                };
                if day != 1 && day != DAY_USEC {
                    return Err(format!("A day of {day} units is neither 1 nor {DAY_USEC}."));
                }
                if period_end <= period_start {
                    return Err("The period is empty.".to_string());
                }
                Some(Setup {
                    day,
                    period_start,
                    period_end,
                    denominator,
                })
            }
            other => return Err(format!("Setup flag {other} is neither 0 nor 1.")),
        };
        let n = r.len(K::MIN_SIZE + 20)?;
        if n > 0 && setup.is_none() {
            return Err("Customers are counted without a period.".to_string());
        }
        let day = setup.map_or(1, |s| s.day) as i128;
        let mut customers = HashMap::with_capacity_and_hasher(n, FxBuild::default());
        let mut last: Option<K> = None;
        for _ in 0..n {
            let k = K::decode(&mut r)?;
            if last.as_ref().is_some_and(|l| *l >= k) {
                return Err("The keys are not sorted and distinct.".to_string());
            }
            let m = r.len(16)?;
            if m == 0 {
                return Err("A customer has no subscription.".to_string());
            }
            let mut spells = Vec::with_capacity(m);
            for _ in 0..m {
                let (a, b) = (r.i64()?, r.i64()?);
                if b < a {
                    return Err(format!("A spell ends at {b} before it starts at {a}."));
                }
                if let Some(&(_, prev)) = spells.last() {
                    if (a as i128) - (prev as i128) < day {
                        return Err("Spells are not sorted a day apart.".to_string());
                    }
                }
                spells.push((a, b));
            }
            last = Some(k.clone());
            customers.insert(k, spells);
        }
        r.finish()?;
        Ok(CustomerChurn { setup, customers })
    }

    /// Text customer keys, which a stored form would have to write in the database's
    /// encoding.
    fn texts(&self) -> Vec<&[u8]> {
        self.customers.keys().filter_map(|k| k.text()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::keys::Key as _;

    const D: i64 = 1;

    fn setup(p0: i64, p1: i64) -> Setup {
        Setup {
            day: D,
            period_start: p0,
            period_end: p1,
            denominator: Denominator::Start,
        }
    }

    fn state(rows: &[(i64, i64, Option<i64>)], p0: i64, p1: i64) -> CustomerChurn<i64> {
        let mut s = CustomerChurn::<i64>::default();
        for &(k, a, b) in rows {
            s.check_setup("m", setup(p0, p1), |t| t.to_string())
                .unwrap();
            s.add(&k, a, b);
        }
        s
    }

    #[test]
    fn spells_merge_under_a_day() {
        let mut v = vec![];
        insert_spell(&mut v, 10, 20, D);
        insert_spell(&mut v, 22, 30, D); // a two-unit gap: apart
        insert_spell(&mut v, 40, 50, D);
        assert_eq!(v, vec![(10, 20), (22, 30), (40, 50)]);
        insert_spell(&mut v, 31, 39, D); // one unit after 30, one before 40: apart
        assert_eq!(v.len(), 4);
        insert_spell(&mut v, 20, 22, D); // bridges the first two
        assert_eq!(v, vec![(10, 30), (31, 39), (40, 50)]);
        insert_spell(&mut v, 30, 40, D); // ends on 40 (gap 0): everything one spell
        assert_eq!(v, vec![(10, 50)]);
        insert_spell(&mut v, 0, NEVER, D);
        assert_eq!(v, vec![(0, NEVER)]);
        // Timestamps: 23:59:59.999999 apart merges, 24 h apart does not.
        let mut t = vec![(0, 100)];
        insert_spell(&mut t, 100 + DAY_USEC - 1, 200 + DAY_USEC, DAY_USEC);
        assert_eq!(t, vec![(0, 200 + DAY_USEC)]);
        let mut t = vec![(0, 100)];
        insert_spell(&mut t, 100 + DAY_USEC, 200 + DAY_USEC, DAY_USEC);
        assert_eq!(t.len(), 2);
        // Before, with i64 extremes.
        let mut x = vec![(0, NEVER)];
        insert_spell(&mut x, i64::MIN, i64::MIN, D);
        assert_eq!(x, vec![(i64::MIN, i64::MIN), (0, NEVER)]);
    }

    #[test]
    fn merging_is_order_free() {
        // Every order of the same subscriptions gives the same spells.
        let subs = [
            (10, 20),
            (21, 25),
            (25, 30),
            (40, 45),
            (5, 9),
            (9, 11),
            (46, 46),
        ];
        let mut reference: Option<Vec<Spell>> = None;
        let mut seed = 7u64;
        for _ in 0..200 {
            let mut order = subs.to_vec();
            for i in (1..order.len()).rev() {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                order.swap(i, (seed >> 33) as usize % (i + 1));
            }
            let mut v = vec![];
            for (a, b) in order {
                insert_spell(&mut v, a, b, D);
            }
            match &reference {
                None => reference = Some(v),
                Some(r) => assert_eq!(&v, r),
            }
        }
        // 5..11 and 10..20 overlap; 21 is one after 20 (apart); 21..30; 40..46 (46 after 45: 1).
        assert_eq!(
            reference.unwrap(),
            vec![(5, 20), (21, 30), (40, 45), (46, 46)]
        );
    }

    #[test]
    fn worked_example() {
        // Period [100, 130).
        let rows = [
            // 1: plan change on the day it ended (gap 0): still one spell, not a churn.
            (1, 50, Some(110)),
            (1, 110, None),
            // 2: a one-day gap is a churn, and the return is new: S C N E.
            (2, 50, Some(110)),
            (2, 111, None),
            // 3: two overlapping subscriptions; churned when the last ends.
            (3, 40, Some(105)),
            (3, 60, Some(120)),
            // 4: active before the period through one subscription, the other runs on.
            (4, 40, Some(90)),
            (4, 80, None),
            // 5: new in the period, ends in it.
            (5, 115, Some(118)),
            // 6: gone before the period.
            (6, 10, Some(99)),
        ];
        let s = state(&rows, 100, 130);
        let c = s.counts();
        // S = 1 2 3 4; C = 2 3; N = 2 5; E = 1 2 4.
        assert_eq!(
            (c.starting, c.churned, c.new_customers, c.ending),
            (4, 2, 2, 3)
        );
        assert_eq!(s.churn_rate().unwrap(), Some(50.0));
        assert_eq!(s.retention_rate(), Some(25.0));
        // The same rows split over two states and merged, either way round.
        let (left, right) = rows.split_at(5);
        let mut a = state(left, 100, 130);
        a.merge(&state(right, 100, 130)).unwrap();
        let mut b = state(right, 100, 130);
        b.merge(&state(left, 100, 130)).unwrap();
        assert_eq!(a, s);
        assert_eq!(b, s);
        // Binary round trip, canonical.
        let bytes = s.to_binary();
        let back = CustomerChurn::<i64>::from_binary(&bytes).unwrap();
        assert_eq!(back, s);
        assert_eq!(a.to_binary(), bytes);
        // Stripe's denominator: 2 / (4 + 2).
        let mut stripe = CustomerChurn::<i64>::default();
        let st = Setup {
            denominator: Denominator::StartPlusNew,
            ..setup(100, 130)
        };
        for &(k, x, y) in &rows {
            stripe.check_setup("m", st, |t| t.to_string()).unwrap();
            stripe.add(&k, x, y);
        }
        assert_eq!(stripe.churn_rate().unwrap(), Some(100.0 * 2.0 / 6.0));
    }

    #[test]
    fn setup_and_input_errors() {
        let mut s = CustomerChurn::<Box<[u8]>>::default();
        s.check_setup("m", setup(0, 10), |t| t.to_string()).unwrap();
        let e = s
            .check_setup("m", setup(0, 11), |t| t.to_string())
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
        assert!(e.message.contains("period differs"));
        let other = Setup {
            denominator: Denominator::StartPlusNew,
            ..setup(0, 10)
        };
        assert!(s
            .check_setup("m", other, |t| t.to_string())
            .unwrap_err()
            .message
            .contains("denominator"));
        let mut t = CustomerChurn::<Box<[u8]>>::default();
        t.check_setup("m", other, |t| t.to_string()).unwrap();
        t.add(b"x".as_slice(), 1, None);
        assert!(s.merge(&t).is_err());
        let e = check_subscription(
            "m",
            &<Box<[u8]>>::name(b"cus_1".as_slice()),
            5,
            Some(4),
            |t| t.to_string(),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "m: customer \"cus_1\" ended at 4 before it started at 5"
        );
        assert!(check_subscription("m", "1", 5, Some(5), |t| t.to_string()).is_ok());
        assert_eq!(
            <[u8; 16]>::name(&[0xab; 16]),
            "abababab-abab-abab-abab-abababababab"
        );
        assert_eq!(t.texts(), vec![b"x".as_slice()]);
        // An empty state reads NULL rates.
        assert_eq!(CustomerChurn::<i64>::default().churn_rate().unwrap(), None);
    }

    #[test]
    fn corrupt_binary_is_refused() {
        let s = state(&[(1, 0, Some(5)), (1, 7, None)], 3, 10);
        let bytes = s.to_binary();
        assert!(CustomerChurn::<i64>::from_binary(&bytes).is_ok());
        // Make the second spell start one unit after the first ends (gap < day is not allowed
        // between stored spells: they would be one).
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 16..n - 8].copy_from_slice(&5i64.to_be_bytes());
        assert!(CustomerChurn::<i64>::from_binary(&bad).is_err());
        let mut short = bytes.clone();
        short.pop();
        assert!(CustomerChurn::<i64>::from_binary(&short).is_err());
        let mut flag = bytes;
        flag[1] = 2;
        assert!(CustomerChurn::<i64>::from_binary(&flag).is_err());
    }
}
