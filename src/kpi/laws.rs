//! The laws of every variable-size summary type, on random values built through each family's
//! own API: round trips, canonical bytes, merge laws, hostile bytes, and split = one pass.

use super::customer::licenses::{Bound, Licenses};
use super::customer::ttv::TimeToValue;
use super::engagement::{sortable, Activity, KeyKind};
use super::revenue::history::MrrHistory;
use super::revenue::money::Money;
use super::testing::{check_split_equals_one_pass, check_summary_laws, Rng};

fn licence_rows(rng: &mut Rng) -> Vec<(Option<(Bound, Bound)>, i64)> {
    // Ranges as PostgreSQL builds them: lower <= upper, an empty one is None.
    (0..rng.below(12))
        .map(|_| {
            let lo = rng.below(50) as i64;
            let hi = lo + rng.below(20) as i64;
            let lower = match rng.below(5) {
                0 => Bound::Unbounded,
                1 if hi > lo => Bound::Exclusive(lo),
                _ => Bound::Inclusive(lo),
            };
            let upper = match rng.below(5) {
                0 => Bound::Unbounded,
                1 | 2 if hi > lo => Bound::Exclusive(hi),
                _ => Bound::Inclusive(hi),
            };
            let range = if rng.below(8) == 0 {
                None
            } else {
                Some((lower, upper))
            };
            (range, rng.below(40) as i64)
        })
        .collect()
}

fn licences(rows: &[(Option<(Bound, Bound)>, i64)]) -> Licenses {
    let mut l = Licenses::default();
    for (range, seats) in rows {
        l.add(*range, *seats).expect("a valid licence");
    }
    l
}

fn ttv_rows(rng: &mut Rng) -> Vec<(i64, Option<i64>)> {
    (0..rng.below(15))
        .map(|_| {
            let start = rng.below(1_000_000) as i64;
            (
                start,
                (rng.below(4) > 0).then(|| start + rng.below(10_000_000) as i64),
            )
        })
        .collect()
}

fn ttv(rows: &[(i64, Option<i64>)]) -> TimeToValue {
    let mut t = TimeToValue::default();
    for (start, at) in rows {
        t.add(*start, *at, |x| x.to_string())
            .expect("finite and ordered");
    }
    t
}

fn mrr_rows(rng: &mut Rng) -> Vec<(i64, i32, String)> {
    (0..rng.below(20))
        .map(|_| {
            let cents = rng.below(100_000);
            (
                rng.below(8) as i64,
                24_300 + rng.below(14) as i32,
                format!("{}.{:02}", cents / 100, cents % 100),
            )
        })
        .collect()
}

fn mrr(rows: &[(i64, i32, String)]) -> MrrHistory {
    let mut h = MrrHistory::default();
    for (customer, month, amount) in rows {
        let money = Money::parse(amount).expect("a decimal");
        h.add::<i64, i64>(customer, *month, &money)
            .expect("a small amount");
    }
    h
}

fn activity_rows(rng: &mut Rng) -> Vec<(i32, i64)> {
    // Mostly serial ids (the dense form); sometimes a large one (the dictionary form).
    let large = rng.below(3) == 0;
    (0..1 + rng.below(40))
        .map(|_| {
            let key = if large && rng.below(4) == 0 {
                1 << 40
            } else {
                0
            };
            (rng.below(60) as i32, key + rng.below(200) as i64)
        })
        .collect()
}

fn activity(rows: &[(i32, i64)]) -> Activity {
    let mut a = Activity::default();
    for (day, key) in rows {
        a.add(KeyKind::Bigint, 9_000 + day, sortable(*key))
            .expect("a bigint key");
    }
    a
}

#[test]
fn license_summary_laws() {
    check_summary_laws(1, |rng| licences(&licence_rows(rng)));
    check_split_equals_one_pass(2, licence_rows, licences);
}

#[test]
fn ttv_summary_laws() {
    check_summary_laws(3, |rng| ttv(&ttv_rows(rng)));
    check_split_equals_one_pass(4, ttv_rows, ttv);
}

#[test]
fn mrr_history_laws() {
    check_summary_laws(5, |rng| mrr(&mrr_rows(rng)));
    check_split_equals_one_pass(6, mrr_rows, mrr);
}

#[test]
fn activity_summary_laws() {
    check_summary_laws(7, |rng| activity(&activity_rows(rng)));
    check_split_equals_one_pass(8, activity_rows, activity);
}
