//! Retention by recurring cohorts (PostHog's default: every key active in a period is that
//! period's cohort) and by sign-up cohorts (a second summary gives each key its cohort, and
//! keys never active still count in their cohort's size).

use std::collections::BTreeMap;

use roaring::RoaringBitmap;

use super::calendar::Grain;
use super::format::DaysView;
use super::range::{corrupt, decode, periods};
use super::report::{cohort_rows, RetentionRow};
use super::KeyKind;
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// Retention's count of periods after the cohort's own: 0 or more.
pub(super) fn check_periods(periods: i32) -> KpiResult<()> {
    if periods < 0 {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("periods {periods} is negative"),
            "Retention is reported for periods 0 (the cohort's own) to periods after it.",
            "Pass 0 or more.",
        ));
    }
    Ok(())
}

/// How `retention()` forms its cohorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortBy {
    FirstActive,
    Recurring,
}

impl CohortBy {
    pub fn parse(text: &str) -> KpiResult<CohortBy> {
        match text.to_ascii_lowercase().as_str() {
            "first_active" => Ok(CohortBy::FirstActive),
            "recurring" => Ok(CohortBy::Recurring),
            _ => Err(KpiError::new(
                ErrorKind::InvalidParameter,
                format!("unknown cohort_by \"{}\"", crate::kpi::text::echo(text)),
                "A cohort is the keys first active in a period, or every key active in it.",
                "Use 'first_active' or 'recurring'.",
            )),
        }
    }
}

/// Recurring retention: the cohort of a period is every key active in it; for n = 0 to
/// `periods`, its keys active in period cohort + n. Periods after the summary's last active
/// period are not reported (unknown yet), as for first-active cohorts.
pub fn recurring(
    view: &DaysView,
    grain: Grain,
    periods_after: i32,
    mut emit: impl FnMut(RetentionRow),
) -> KpiResult<()> {
    check_periods(periods_after)?;
    let active = periods(view, grain)?;
    let Some(last) = active.keys().next_back().copied() else {
        return Ok(());
    };
    for (index, cohort) in &active {
        let size = cohort.len();
        cohort_rows(
            &active,
            grain,
            (*index, size, cohort),
            periods_after,
            last,
            &mut emit,
        );
    }
    Ok(())
}

/// The keys of a view in [`super::sortable`] form, by id.
fn keys_by_id(view: &DaysView) -> KpiResult<Vec<u64>> {
    if view.dense {
        return Ok((0..view.nkeys).map(|k| super::sortable(k as i64)).collect());
    }
    view.dictionary().map_err(corrupt)
}

/// Sign-up cohorts: a key's cohort is the period of its first day in `cohorts`; its size
/// counts every such key, active or not; retained = its keys active in `activity` in period
/// cohort + n, for n = 0 to `periods`. Reported up to the later of the last period of either
/// summary (a cohort with nobody active yet still shows its size).
pub fn signup(
    cohorts: &DaysView,
    activity: &DaysView,
    grain: Grain,
    periods_after: i32,
    mut emit: impl FnMut(RetentionRow),
) -> KpiResult<()> {
    check_periods(periods_after)?;
    if cohorts.kind != activity.kind
        && cohorts.kind != KeyKind::Unknown
        && activity.kind != KeyKind::Unknown
    {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "retention cohorts have {} keys but activity has {} keys",
                cohorts.kind.name(),
                activity.kind.name()
            ),
            "A key of the cohorts is found in the activity by its stored value, which depends on its type.",
            "Build both summaries with activity_agg() over the same key column type.",
        ));
    }
    // Each cohort key's id in `activity` (None: never active), by a merge of the two sorted
    // dictionaries.
    let (ck, ak) = (keys_by_id(cohorts)?, keys_by_id(activity)?);
    let mut to_activity: Vec<Option<u32>> = Vec::with_capacity(ck.len());
    let mut j = 0;
    for k in &ck {
        while j < ak.len() && ak[j] < *k {
            j += 1;
        }
        to_activity.push((j < ak.len() && ak[j] == *k).then_some(j as u32));
    }
    // Cohort period -> (size, the cohort's ids in `activity`).
    let mut groups: BTreeMap<i64, (u64, RoaringBitmap)> = BTreeMap::new();
    let mut seen = RoaringBitmap::new();
    for entry in &cohorts.days {
        let ids = decode(cohorts, entry)? - &seen;
        seen |= &ids;
        if ids.is_empty() {
            continue;
        }
        let group = groups.entry(grain.index(entry.day.into())).or_default();
        group.0 += ids.len();
        for id in &ids {
            if let Some(a) = to_activity.get(id as usize).copied().flatten() {
                group.1.insert(a);
            }
        }
    }
    let active = periods(activity, grain)?;
    let last = match (groups.keys().next_back(), active.keys().next_back()) {
        (Some(a), Some(b)) => *a.max(b),
        (Some(a), None) => *a,
        _ => return Ok(()),
    };
    for (index, (size, ids)) in &groups {
        cohort_rows(
            &active,
            grain,
            (*index, *size, ids),
            periods_after,
            last,
            &mut emit,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::engagement::tests::build;
    use crate::kpi::summary::Summary;

    #[test]
    fn recurring_and_signup_by_hand() {
        // Activity: days 0, 1, 2: users {1,2}, {2,3}, {1,3}.
        let act = build(
            KeyKind::Bigint,
            &[(0, 1), (0, 2), (1, 2), (1, 3), (2, 1), (2, 3)],
        )
        .to_binary();
        let a = DaysView::parse_payload(&act[1..]).unwrap();
        let row = |r: RetentionRow| (r.cohort, r.period_number, r.cohort_size, r.retained);
        let mut rec = vec![];
        recurring(&a, Grain::Day, 1, |r| rec.push(row(r))).unwrap();
        // Day 0 {1,2}: day 1 keeps 2; day 1 {2,3}: day 2 keeps 3; day 2 {1,3}.
        assert_eq!(
            rec,
            vec![
                (0, 0, 2, 2),
                (0, 1, 2, 1),
                (1, 0, 2, 2),
                (1, 1, 2, 1),
                (2, 0, 2, 2)
            ]
        );
        // Sign-ups: 1 and 4 (never active) on day 0, 3 on day 1, 2 on day 3 (after its
        // activity: it still belongs to day 3's cohort). Keys 10^12 force a dictionary.
        for big in [false, true] {
            let k = |u: i64| if big { u * 1_000_000_000_000 } else { u };
            let map = |rows: &[(i32, i64)]| -> Vec<(i32, i64)> {
                rows.iter().map(|(d, u)| (*d, k(*u))).collect()
            };
            let act = build(
                KeyKind::Bigint,
                &map(&[(0, 1), (0, 2), (1, 2), (1, 3), (2, 1), (2, 3)]),
            )
            .to_binary();
            let a = DaysView::parse_payload(&act[1..]).unwrap();
            let sign = build(
                KeyKind::Bigint,
                &map(&[(0, 1), (0, 4), (1, 3), (3, 2), (5, 1)]),
            )
            .to_binary();
            let c = DaysView::parse_payload(&sign[1..]).unwrap();
            let mut out = vec![];
            signup(&c, &a, Grain::Day, 2, |r| out.push(row(r))).unwrap();
            assert_eq!(
                out,
                vec![
                    (0, 0, 2, 1),
                    (0, 1, 2, 0),
                    (0, 2, 2, 1),
                    (1, 0, 1, 1),
                    (1, 1, 1, 1),
                    (1, 2, 1, 0),
                    (3, 0, 1, 0),
                ]
            );
        }
        assert!(CohortBy::parse("nope").is_err());
        assert!(recurring(&a, Grain::Day, -1, |_| {}).is_err());
    }
}
