//! What is read from a stored `activity_summary`: exact distinct counts over days, rolling
//! windows, stickiness, the active-days distribution, lifecycle and cohort retention.
//!
//! Every function works on a [`DaysView`] and decodes only the bitmaps of the days it needs;
//! ids are dense (ranks in the dictionary), so per-user counters are plain arrays.

use std::collections::BTreeMap;

use roaring::RoaringBitmap;

use super::calendar::{self, Grain, DATE_NOBEGIN, DATE_NOEND};
use super::cohorts::check_periods;
use super::format::DaysView;
use super::range::{corrupt, daily_kpis_between, decode, lifecycle_rows, periods, show};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

fn check_range(from: i32, to: i32) -> KpiResult<()> {
    if from > to {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("from_day {} is after to_day {}", show(from), show(to)),
            "A range of days runs from its first day to its last, both included.",
            "Swap the two dates.",
        ));
    }
    Ok(())
}

fn check_finite(what: &str, date: i32) -> KpiResult<()> {
    if date == DATE_NOBEGIN || date == DATE_NOEND {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("{what} {} is not a day", show(date)),
            format!("The {what} must be a finite date, as it sets a number of days."),
            "Pass a calendar date.",
        ));
    }
    Ok(())
}

/// Users active on `day`: read from the day's header, no bitmap decoded.
pub fn dau(view: &DaysView, day: i32) -> i64 {
    view.range(day.into(), day.into())
        .first()
        .map_or(0, |e| e.users as i64)
}

/// Distinct users active from `from` to `to`, counted from the days' encoded bitmaps one
/// container (65,536 ids) at a time: the containers of one key are ORed into an 8 KiB block
/// that stays in the L1 cache, and nothing is decoded or allocated per id.
fn distinct(view: &DaysView, from: i64, to: i64) -> KpiResult<u64> {
    let mut containers = Vec::new();
    for entry in view.range(from, to) {
        containers.extend(view.containers(entry).map_err(corrupt)?);
    }
    containers.sort_by_key(|c| c.key);
    let mut block = [0u64; 1024];
    let mut total = 0;
    for same_key in containers.chunk_by(|a, b| a.key == b.key) {
        if let [only] = same_key {
            total += u64::from(only.len);
            continue;
        }
        block.fill(0);
        for c in same_key {
            c.set_bits(&mut block);
        }
        total += block.iter().map(|w| u64::from(w.count_ones())).sum::<u64>();
    }
    Ok(total)
}

/// Distinct users active in the `days` days ending on `day`.
pub fn trailing(view: &DaysView, day: i32, days: i64) -> KpiResult<i64> {
    let to = i64::from(day);
    Ok(distinct(view, to - days + 1, to)? as i64)
}

/// Distinct users active from `from` to `to`, both included.
pub fn active_users(view: &DaysView, from: i32, to: i32) -> KpiResult<i64> {
    check_range(from, to)?;
    Ok(distinct(view, from.into(), to.into())? as i64)
}

/// Average daily users over the range (every calendar day, active or not) / distinct users
/// of the range, x 100; `None` when nobody was active.
pub fn stickiness(view: &DaysView, from: i32, to: i32) -> KpiResult<Option<f64>> {
    check_range(from, to)?;
    check_finite("from_day", from)?;
    check_finite("to_day", to)?;
    sticky(view, from.into(), to.into())
}

/// [`stickiness`] over the calendar month holding `month`.
pub fn stickiness_month(view: &DaysView, month: i32) -> KpiResult<Option<f64>> {
    check_finite("month", month)?;
    let (from, to) = calendar::month_of(month);
    sticky(view, from, to)
}

fn sticky(view: &DaysView, from: i64, to: i64) -> KpiResult<Option<f64>> {
    let distinct = distinct(view, from, to)?;
    if distinct == 0 {
        return Ok(None);
    }
    let user_days: u64 = view.range(from, to).iter().map(|e| e.users).sum();
    let average = user_days as f64 / (to - from + 1) as f64;
    Ok(Some(100.0 * average / distinct as f64))
}

/// For k = 1, 2, ...: how many users were active on exactly k days of the range. The range is
/// first clipped to the summary's first..last active day (nobody can be active outside it),
/// and k runs to the clipped range's length.
pub fn active_days(
    view: &DaysView,
    from: i32,
    to: i32,
    mut emit: impl FnMut(i32, i64),
) -> KpiResult<()> {
    check_range(from, to)?;
    let (Some(first), Some(last)) = (view.days.first(), view.days.last()) else {
        return Ok(());
    };
    let lo = from.max(first.day);
    let hi = to.min(last.day);
    if lo > hi {
        return Ok(());
    }
    let mut counts = vec![0u32; view.nkeys as usize];
    let active = view.range(lo.into(), hi.into());
    for entry in active {
        for id in decode(view, entry)? {
            counts[id as usize] += 1;
        }
    }
    // Nobody is active on more days than the summary has in the range; the counts above are
    // zeros, emitted without memory (a range may span millions of calendar days).
    let mut histogram = vec![0i64; active.len() + 1];
    for c in counts {
        histogram[c as usize] += 1;
    }
    for k in 1..=hi - lo + 1 {
        emit(k, histogram.get(k as usize).copied().unwrap_or(0));
    }
    Ok(())
}

/// One row of `daily_activity_kpis()`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyRow {
    pub day: i32,
    pub dau: i64,
    pub wau: i64,
    pub mau: i64,
    /// DAU / MAU x 100 (PostHog's point-in-time stickiness).
    pub stickiness: Option<f64>,
}

/// DAU, WAU (7 days ending on the day), MAU (30 days) and DAU/MAU for every day from the
/// summary's first to its last active day, each bitmap decoded once.
pub fn daily_kpis(view: &DaysView, emit: impl FnMut(DailyRow)) -> KpiResult<()> {
    let (Some(first), Some(last)) = (view.days.first(), view.days.last()) else {
        return Ok(());
    };
    // Nothing is active before the first day, so the range's windows are the whole story.
    daily_kpis_between(view, first.day, last.day, emit)
}

/// One row of `lifecycle()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleRow {
    pub period: i32,
    pub new_users: i64,
    pub returning_users: i64,
    pub resurrecting_users: i64,
    pub dormant_users: i64,
}

/// PostHog's lifecycle per period, from the first active period (or `report_from`'s period,
/// the earlier ones then serving as history only) to the last active period, none skipped.
pub fn lifecycle(
    view: &DaysView,
    grain: Grain,
    report_from: Option<i32>,
    emit: impl FnMut(LifecycleRow),
) -> KpiResult<()> {
    if let Some(from) = report_from {
        check_finite("report_from", from)?;
    }
    let periods = periods(view, grain)?;
    let (Some(first), Some(last)) = (periods.keys().next(), periods.keys().next_back()) else {
        return Ok(());
    };
    let start = report_from.map_or(*first, |d| grain.index(d.into()).max(*first));
    lifecycle_rows(&periods, grain, start, *last, emit);
    Ok(())
}

/// One row of `retention()`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetentionRow {
    pub cohort: i32,
    pub period_number: i32,
    pub cohort_size: i64,
    pub retained: i64,
    pub retention_percent: f64,
}

/// The rows of a cohort of `size` keys that started in period `index`: for n = 0..=`periods`,
/// its keys (`cohort`, the active ones) active in period index + n, up to `last` (the
/// summary's last active period; later ones are unknown yet).
pub(super) fn cohort_rows(
    active: &BTreeMap<i64, RoaringBitmap>,
    grain: Grain,
    (index, size, cohort): (i64, u64, &RoaringBitmap),
    periods: i32,
    last: i64,
    emit: &mut impl FnMut(RetentionRow),
) {
    for n in 0..=i64::from(periods) {
        if index + n > last {
            break;
        }
        let retained = active
            .get(&(index + n))
            .map_or(0, |later| cohort.intersection_len(later));
        emit(RetentionRow {
            cohort: grain.first_day(index),
            period_number: n as i32,
            cohort_size: size as i64,
            retained: retained as i64,
            retention_percent: 100.0 * retained as f64 / size as f64,
        });
    }
}

/// Cohorts by first active period; for n = 0..=`periods`, the cohort's users active in period
/// cohort + n. Periods after the summary's last active period are not reported (unknown yet).
pub fn retention(
    view: &DaysView,
    grain: Grain,
    periods: i32,
    mut emit: impl FnMut(RetentionRow),
) -> KpiResult<()> {
    check_periods(periods)?;
    let active = self::periods(view, grain)?;
    let Some(last) = active.keys().next_back().copied() else {
        return Ok(());
    };
    let mut seen = RoaringBitmap::new();
    for (index, now) in &active {
        let cohort = now - &seen;
        seen |= now;
        if cohort.is_empty() {
            continue;
        }
        let size = cohort.len();
        cohort_rows(
            &active,
            grain,
            (*index, size, &cohort),
            periods,
            last,
            &mut emit,
        );
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::kpi::engagement::tests::build;
    use crate::kpi::engagement::KeyKind;
    use crate::kpi::summary::Summary;

    /// `f` of the view of a summary of `rows` (day, user).
    pub(in crate::kpi::engagement) fn with_view<R>(
        rows: &[(i32, i64)],
        f: impl FnOnce(&DaysView) -> R,
    ) -> R {
        let bytes = build(KeyKind::Bigint, rows).to_binary();
        let view = DaysView::parse_payload(&bytes[1..]).unwrap();
        f(&view)
    }

    #[test]
    fn windows_match_brute_force() {
        let rows: Vec<(i32, i64)> = (0..4000i64)
            .map(|i| (((i * 37) % 90) as i32 * ((i % 3) as i32), (i * 7919) % 211))
            .collect();
        with_view(&rows, |v| {
            let mut out = vec![];
            daily_kpis(v, |r| out.push(r)).unwrap();
            assert_eq!(out.len(), 179);
            for r in &out {
                let count = |lo: i32| {
                    let mut s: Vec<i64> = rows
                        .iter()
                        .filter(|(d, _)| (lo..=r.day).contains(d))
                        .map(|x| x.1)
                        .collect();
                    s.sort();
                    s.dedup();
                    s.len() as i64
                };
                assert_eq!(r.dau, count(r.day));
                assert_eq!(r.wau, count(r.day - 6));
                assert_eq!(r.mau, count(r.day - 29));
                assert_eq!(r.dau, dau(v, r.day));
                assert_eq!(r.mau, trailing(v, r.day, 30).unwrap());
            }
        });
    }

    /// Counting a range container by container agrees with a brute-force count, with days
    /// whose containers are arrays or bitmaps, alone or shared with other days.
    #[test]
    fn distinct_matches_brute_force() {
        let mut rng = crate::kpi::testing::Rng(11);
        // A few users spread over 800,000 keys on most days; on day 3, nearly all of them.
        let mut rows: Vec<(i32, i64)> = (0..300)
            .map(|_| (rng.below(10) as i32, rng.below(800_000) as i64))
            .collect();
        rows.extend((0..800_000).filter(|k| k % 7 != 0).map(|k| (3, k)));
        with_view(&rows, |v| {
            for from in 0..10 {
                for to in from..10 {
                    let mut want: Vec<i64> = rows
                        .iter()
                        .filter(|(d, _)| (from..=to).contains(d))
                        .map(|x| x.1)
                        .collect();
                    want.sort();
                    want.dedup();
                    assert_eq!(active_users(v, from, to).unwrap(), want.len() as i64);
                }
            }
        });
    }

    #[test]
    fn seed_stickiness() {
        // 200 users over a 30-day month (June 2025), each active on 15 of its days:
        // 3000 user-days / 30 days = DAU 100, MAU 200 -> 50.
        let june = calendar::from_civil(2025, 6, 1) as i32;
        let rows: Vec<(i32, i64)> = (0..200i64)
            .flat_map(|u| (0..15).map(move |k| (june + ((u + 2 * k) % 30) as i32, u)))
            .collect();
        with_view(&rows, |v| {
            assert_eq!(stickiness_month(v, june + 10).unwrap(), Some(50.0));
            assert_eq!(stickiness(v, june, june + 29).unwrap(), Some(50.0));
            assert_eq!(active_users(v, june, june + 29).unwrap(), 200);
            let mut hist = vec![];
            active_days(v, june - 5, june + 100, |k, n| hist.push((k, n))).unwrap();
            assert_eq!(hist.len(), 30);
            assert_eq!(hist[14], (15, 200));
            assert_eq!(stickiness_month(v, june + 40).unwrap(), None);
            assert!(stickiness(v, june, june - 1).is_err());
            assert!(stickiness_month(v, DATE_NOEND).is_err());
        });
    }

    #[test]
    fn lifecycle_and_retention_by_hand() {
        // Days 0, 1, 2: users {1,2}, {2,3}, {1,3}.
        let rows = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 1), (2, 3)];
        with_view(&rows, |v| {
            let mut out = vec![];
            lifecycle(v, Grain::Day, None, |r| out.push(r)).unwrap();
            let t: Vec<_> = out
                .iter()
                .map(|r| {
                    (
                        r.new_users,
                        r.returning_users,
                        r.resurrecting_users,
                        r.dormant_users,
                    )
                })
                .collect();
            // day 0: 1 and 2 new; day 1: 3 new, 2 returning, 1 dormant; day 2: 1 resurrecting,
            // 3 returning, 2 dormant.
            assert_eq!(t, vec![(2, 0, 0, 0), (1, 1, 0, 1), (0, 1, 1, 1)]);
            let mut ret = vec![];
            retention(v, Grain::Day, 5, |r| {
                ret.push((r.cohort, r.period_number, r.retained))
            })
            .unwrap();
            assert_eq!(
                ret,
                vec![(0, 0, 2), (0, 1, 1), (0, 2, 1), (1, 0, 1), (1, 1, 1)]
            );
            assert!(retention(v, Grain::Day, -1, |_| {}).is_err());
        });
    }
}
