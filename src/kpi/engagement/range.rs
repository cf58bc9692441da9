//! Engagement reports over the range the caller asks for, every day or period of it reported
//! (padded with zeros), the activity before the range still counted as history: lifecycle,
//! daily DAU/WAU/MAU, the active-days distribution.

use std::collections::BTreeMap;

use roaring::RoaringBitmap;

use super::calendar::{self, Grain, DATE_NOBEGIN, DATE_NOEND};
use super::format::{DayEntry, DaysView};
use super::report::{DailyRow, LifecycleRow};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// A stored `activity_summary` that does not read: the one error of every reader of it here.
#[cold]
pub(super) fn corrupt(why: String) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::BadBinary,
        "invalid binary activity_summary value",
        why,
        "The value is corrupt; recompute it from the raw events.",
    )
}

pub(crate) fn decode(view: &DaysView, entry: &DayEntry) -> KpiResult<RoaringBitmap> {
    view.bitmap(entry).map_err(corrupt)
}

/// A date as messages show it.
pub(super) fn show(date: i32) -> String {
    match date {
        DATE_NOBEGIN => "-infinity".to_string(),
        DATE_NOEND => "infinity".to_string(),
        d => calendar::format(d),
    }
}

/// The longest range of days a report takes: about 273 years, one row a day at most. A typo in
/// a year (`20250-01-01`) would otherwise ask for millions of rows that nobody meant.
pub const MAX_DAYS: i64 = 100_000;

/// A report's range of days: both finite, the first not after the last, at most [`MAX_DAYS`]
/// days. `names` are the arguments' names in messages.
pub fn check_bounded(function: &str, names: (&str, &str), from: i32, to: i32) -> KpiResult<()> {
    for (name, d) in [(names.0, from), (names.1, to)] {
        if d == DATE_NOBEGIN || d == DATE_NOEND {
            return Err(KpiError::new(
                ErrorKind::InvalidParameter,
                format!("{function} {name} cannot be {}", show(d)),
                "The report has one row per day or period of its range, so the range must be bounded.",
                "Pass a finite date.",
            ));
        }
    }
    if from > to {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{function} {} {} is after {} {}",
                names.0,
                show(from),
                names.1,
                show(to)
            ),
            "A range runs from its first day to its last, both included.",
            "Pass the earlier date first.",
        ));
    }
    let days = i64::from(to) - i64::from(from) + 1;
    if days > MAX_DAYS {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{function} range {} to {} spans {days} days, more than {MAX_DAYS}",
                show(from),
                show(to)
            ),
            "The report has one row per day or period of its range.",
            "Pass a shorter range, or report it in parts.",
        ));
    }
    Ok(())
}

/// The keys active in each period that has any, by period number.
pub(crate) fn periods(view: &DaysView, grain: Grain) -> KpiResult<BTreeMap<i64, RoaringBitmap>> {
    let mut out: BTreeMap<i64, RoaringBitmap> = BTreeMap::new();
    for entry in &view.days {
        let ids = decode(view, entry)?;
        *out.entry(grain.index(entry.day.into())).or_default() |= ids;
    }
    Ok(out)
}

/// PostHog's lifecycle for every period from `from`'s to `to`'s (days, checked), none skipped:
/// activity before the range decides new versus resurrecting and the first period's dormant
/// users; periods after the last activity show the users who went dormant, then zeros.
pub fn lifecycle_between(
    view: &DaysView,
    grain: Grain,
    from: i32,
    to: i32,
    emit: impl FnMut(LifecycleRow),
) -> KpiResult<()> {
    let active = periods(view, grain)?;
    let (start, end) = (grain.index(from.into()), grain.index(to.into()));
    lifecycle_rows(&active, grain, start, end, emit);
    Ok(())
}

/// The lifecycle rows of periods `start..=end` of the keys `active` in each period, the
/// periods before `start` serving as history only.
pub(super) fn lifecycle_rows(
    active: &BTreeMap<i64, RoaringBitmap>,
    grain: Grain,
    start: i64,
    end: i64,
    mut emit: impl FnMut(LifecycleRow),
) {
    let empty = RoaringBitmap::new();
    let mut seen = RoaringBitmap::new();
    for (_, ids) in active.range(..start - 1) {
        seen |= ids;
    }
    let mut prev = active.get(&(start - 1)).unwrap_or(&empty);
    seen |= prev;
    for index in start..=end {
        let now = active.get(&index).unwrap_or(&empty);
        let new_users = now.len() - now.intersection_len(&seen);
        let returning = now.intersection_len(prev);
        emit(LifecycleRow {
            period: grain.first_day(index),
            new_users: new_users as i64,
            returning_users: returning as i64,
            resurrecting_users: (now.len() - new_users - returning) as i64,
            dormant_users: (prev.len() - returning) as i64,
        });
        seen |= now;
        prev = now;
    }
}

/// Days of last activity the daily report keeps apart: the month's window (30 days) and a
/// day's grace, rounded to a power of two so that a day's slot is its stamp's low bits.
const RING: usize = 32;

/// DAU, WAU (7 days ending on the day), MAU (30 days) and DAU/MAU for every day of
/// `from..=to` (checked), the windows of the first days reaching back before the range.
///
/// Each user's day of last activity is kept, and for each of the last [`RING`] days how many
/// users were last active on it: a user is in the week (month) ending on day d exactly when
/// their last activity up to d falls in its 7 (30) days, so WAU and MAU are sums of 7 and 30
/// of those counts. A day's users move their counts from their previous last day to this one,
/// one load and store of their stamp each; every bitmap is read once, in place, never
/// decoded. Unions of the 7 and 30 days' sets would read each day 37 times.
pub fn daily_kpis_between(
    view: &DaysView,
    from: i32,
    to: i32,
    mut emit: impl FnMut(DailyRow),
) -> KpiResult<()> {
    let (from, to) = (i64::from(from), i64::from(to));
    let days = view.range(from - 29, to);
    // Days before the range only fill the windows; without activity they are skipped.
    let first = days.first().map_or(from, |e| i64::from(e.day).min(from));
    // A day's stamp is its distance from `base`, which starts RING days before `first`, so
    // that 0 ("never active") is at least RING days before any day. Stamps are 16 bits (the
    // keys' array is as small as the window counters it replaces, and stays in the cache);
    // when they would overflow, every stamp moves down by a multiple of RING (the slots keep
    // their days) and those older than the month become 0.
    let mut base = first - RING as i64;
    let mut last = vec![
        0u16;
        if days.is_empty() {
            0
        } else {
            view.nkeys as usize
        }
    ];
    // ring[s % RING]: users last active on the day of stamp s, for the last RING stamps.
    let mut ring = [0u64; RING];
    let mut next = days.iter().peekable();
    for day in first..=to {
        if day - base > i64::from(u16::MAX) {
            let shift = ((day - base) / RING as i64 - 1) * RING as i64;
            for seen in &mut last {
                *seen = seen.saturating_sub(shift as u16);
            }
            base += shift;
        }
        let stamp = (day - base) as u16;
        let slot = usize::from(stamp) % RING;
        // The slot held the users last active RING days ago: out of every window now.
        ring[slot] = 0;
        let mut dau = 0;
        if let Some(entry) = next.next_if(|e| i64::from(e.day) == day) {
            for container in view.containers(entry).map_err(corrupt)? {
                // Ids are below nkeys (checked with the containers).
                container.for_each(|id| {
                    let seen = &mut last[id as usize];
                    let prev = *seen;
                    *seen = stamp;
                    // The previous day's slot, if it is still one of the last RING days.
                    ring[usize::from(prev) % RING] -= u64::from(stamp - prev < RING as u16);
                });
            }
            ring[slot] += entry.users;
            dau = entry.users as i64;
        }
        if day >= from {
            let within = |n: u16| -> i64 {
                (0..n)
                    .map(|k| ring[usize::from(stamp - k) % RING])
                    .sum::<u64>() as i64
            };
            let (wau, mau) = (within(7), within(30));
            emit(DailyRow {
                day: day as i32,
                dau,
                wau,
                mau,
                stickiness: (mau > 0).then(|| 100.0 * dau as f64 / mau as f64),
            });
        }
    }
    Ok(())
}

/// For k = 1 to the number of days of `from..=to` (checked): how many users were active on
/// exactly k days of the range (0 for the k nobody reaches).
pub fn active_days_padded(
    view: &DaysView,
    from: i32,
    to: i32,
    mut emit: impl FnMut(i32, i64),
) -> KpiResult<()> {
    let active = view.range(from.into(), to.into());
    let mut counts = vec![
        0u32;
        if active.is_empty() {
            0
        } else {
            view.nkeys as usize
        }
    ];
    for entry in active {
        for id in decode(view, entry)? {
            counts[id as usize] += 1;
        }
    }
    // Nobody is active on more days than the summary has in the range.
    let mut histogram = vec![0i64; active.len() + 1];
    for c in counts {
        histogram[c as usize] += 1;
    }
    for k in 1..=i64::from(to) - i64::from(from) + 1 {
        emit(k as i32, histogram.get(k as usize).copied().unwrap_or(0));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::report::tests::with_view;
    use super::*;

    /// Each day's users of `rows` (day, user).
    fn by_day(rows: &[(i32, i64)]) -> BTreeMap<i32, RoaringBitmap> {
        let mut out: BTreeMap<i32, RoaringBitmap> = BTreeMap::new();
        for (d, u) in rows {
            out.entry(*d).or_default().insert(*u as u32);
        }
        out
    }

    /// Distinct users from `lo` to `hi`: the union of the days' sets.
    fn union(by_day: &BTreeMap<i32, RoaringBitmap>, lo: i32, hi: i32) -> i64 {
        let mut all = RoaringBitmap::new();
        for (_, ids) in by_day.range(lo..=hi) {
            all |= ids;
        }
        all.len() as i64
    }

    /// The last-activity counts agree with the unions of each window's days, on random
    /// summaries: days in bursts and gaps longer than the month, users dense (bitmap
    /// containers) and sparse (arrays), ranges starting before, inside and after the data.
    #[test]
    fn daily_kpis_match_unions_on_random_data() {
        let mut rng = crate::kpi::testing::Rng(24);
        for round in 0..40 {
            let users = 1 + rng.below([50, 5_000, 200_000][round % 3]) as i64;
            let mut rows = Vec::new();
            let mut day = rng.below(20) as i32 - 10;
            for _ in 0..1 + rng.below(60) {
                day += [1, 1, 2, 6, 7, 8, 29, 30, 31, 33, 90][rng.below(11) as usize];
                let n = rng.below(if round % 5 == 0 { 70_000 } else { 400 });
                rows.extend((0..n).map(|_| (day, rng.below(users as u64) as i64)));
            }
            if rows.is_empty() {
                continue;
            }
            let last = rows.iter().map(|r| r.0).max().unwrap();
            let by_day = by_day(&rows);
            let union = |lo, hi| union(&by_day, lo, hi);
            with_view(&rows, |v| {
                let lo = rng.below((last + 100) as u64) as i32 - 40;
                let hi = lo + rng.below(200) as i32;
                let mut out = vec![];
                daily_kpis_between(v, lo, hi, |r| out.push(r)).unwrap();
                assert_eq!(out.len(), (hi - lo + 1) as usize);
                for (r, day) in out.iter().zip(lo..) {
                    let mau = union(day - 29, day);
                    assert_eq!(r.day, day);
                    assert_eq!(r.dau, union(day, day), "day {day}");
                    assert_eq!(r.wau, union(day - 6, day), "day {day}");
                    assert_eq!(r.mau, mau, "day {day}");
                    let sticky = (mau > 0).then(|| 100.0 * r.dau as f64 / mau as f64);
                    assert_eq!(r.stickiness, sticky);
                }
            });
        }
    }

    /// Over more days than 16-bit stamps count, the stamps move down without changing a row:
    /// users active on both sides of each move, and gaps of a month around it.
    #[test]
    fn daily_kpis_across_stamp_moves() {
        let mut rng = crate::kpi::testing::Rng(65);
        let mut rows = vec![(0, 1)];
        for start in [65_440, 65_500, 130_950, 131_010] {
            for day in start..start + 40 {
                rows.extend((0..rng.below(30)).map(|_| (day, rng.below(60) as i64)));
            }
        }
        let by_day = by_day(&rows);
        let union = |lo, hi| union(&by_day, lo, hi);
        with_view(&rows, |v| {
            let mut out = vec![];
            daily_kpis_between(v, -5, 140_000, |r| out.push(r)).unwrap();
            assert_eq!(out.len(), 140_006);
            for r in out
                .iter()
                .filter(|r| by_day.range(r.day - 29..=r.day).next().is_some())
            {
                assert_eq!(r.dau, union(r.day, r.day), "day {}", r.day);
                assert_eq!(r.wau, union(r.day - 6, r.day), "day {}", r.day);
                assert_eq!(r.mau, union(r.day - 29, r.day), "day {}", r.day);
            }
            assert!(out
                .iter()
                .all(|r| r.mau > 0 || by_day.range(r.day - 29..=r.day).next().is_none()));
        });
    }

    #[test]
    fn lifecycle_over_a_range_by_hand() {
        // Days 0, 1, 2: users {1,2}, {2,3}, {1,3}.
        let rows = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 1), (2, 3)];
        with_view(&rows, |v| {
            let mut out = vec![];
            lifecycle_between(v, Grain::Day, 1, 4, |r| {
                out.push((
                    r.period,
                    r.new_users,
                    r.returning_users,
                    r.resurrecting_users,
                    r.dormant_users,
                ))
            })
            .unwrap();
            // Day 1 keeps day 0 as history: 3 new, 2 returning, 1 dormant. Day 3: 1 and 3
            // dormant. Day 4: nothing.
            assert_eq!(
                out,
                vec![
                    (1, 1, 1, 0, 1),
                    (2, 0, 1, 1, 1),
                    (3, 0, 0, 0, 2),
                    (4, 0, 0, 0, 0)
                ]
            );
            let mut before = vec![];
            lifecycle_between(v, Grain::Day, -2, -1, |r| before.push(r.new_users)).unwrap();
            assert_eq!(before, vec![0, 0]);
            let mut hist = vec![];
            active_days_padded(v, -1, 3, |k, n| hist.push((k, n))).unwrap();
            // 1 on days 0 and 2, 2 on days 0 and 1, 3 on days 1 and 2.
            assert_eq!(hist, vec![(1, 0), (2, 3), (3, 0), (4, 0), (5, 0)]);
            let mut none = vec![];
            active_days_padded(v, 10, 11, |k, n| none.push((k, n))).unwrap();
            assert_eq!(none, vec![(1, 0), (2, 0)]);
            let mut daily = vec![];
            daily_kpis_between(v, 2, 9, |r| daily.push((r.day, r.dau, r.wau, r.mau))).unwrap();
            assert_eq!(daily[0], (2, 2, 3, 3));
            assert_eq!(daily[6], (8, 0, 2, 3));
            assert_eq!(daily[7], (9, 0, 0, 3));
            assert!(check_bounded("f", ("a", "b"), 2, 1).is_err());
            assert!(check_bounded("f", ("a", "b"), 1, DATE_NOEND).is_err());
            assert!(check_bounded("f", ("a", "b"), 0, MAX_DAYS as i32 - 1).is_ok());
            assert!(check_bounded("f", ("a", "b"), 0, MAX_DAYS as i32).is_err());
        });
    }
}
