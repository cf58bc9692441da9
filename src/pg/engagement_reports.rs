//! Engagement reports: the rows of a summary (`active_days`, `daily_activity_kpis`,
//! `lifecycle`, `retention`), over the summary's own days or a caller's range, the people
//! behind the counts (`lifecycle_status`, `was_active`) and more cohorts (`retention` by
//! recurring or sign-up cohorts). The maths is in
//! `kpi::engagement::{report, range, status, cohorts}`.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys::Datum;

use super::args::Args;
use super::engagement::{view as view_at, KeyReader};
use super::fmgr::{pg_function, raise, OrRaise};
use super::rows::{float8, int4, int8, opt_float8, Rows, NO_RESULT};
use crate::kpi::engagement::calendar::{Grain, DATE_NOBEGIN, DATE_NOEND};
use crate::kpi::engagement::cohorts::{self, CohortBy};
use crate::kpi::engagement::format::DaysView;
use crate::kpi::engagement::range;
use crate::kpi::engagement::report::{self, DailyRow, LifecycleRow, RetentionRow};
use crate::kpi::engagement::status::{check_kind, Sets};
use crate::kpi::engagement::KeyKind;
use crate::kpi::error::{ErrorKind, KpiError};

/// The grain in argument `n` (text).
fn grain(args: &Args, n: usize) -> Grain {
    Grain::parse(&String::from_utf8_lossy(args.text(n))).or_raise()
}

/// Refuses a NULL argument `n` of a non-strict report (an unbounded range or no grain).
fn require(args: &Args, n: usize, function: &str, name: &str) {
    if args.is_null(n) {
        raise(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("{function} {name} cannot be null"),
            "The report has one row per day or period of a bounded range.",
            "Pass a value; the form without a range reports the days that have activity.",
        ));
    }
}

/// The checked range of days in arguments `a` and `b`.
fn arg_days(
    args: &Args,
    (a, b): (usize, usize),
    function: &str,
    names: (&str, &str),
) -> (i32, i32) {
    require(args, a, function, names.0);
    require(args, b, function, names.1);
    let (from, to) = (args.date(a), args.date(b));
    range::check_bounded(function, names, from, to).or_raise();
    (from, to)
}

fn daily_row(rows: &Rows, r: DailyRow) {
    let (stickiness, no_stickiness) = opt_float8(r.stickiness);
    rows.put(
        [
            int4(r.day),
            int8(r.dau),
            int8(r.wau),
            int8(r.mau),
            stickiness,
        ],
        [false, false, false, false, no_stickiness],
    )
}

fn lifecycle_row(rows: &Rows, r: LifecycleRow) {
    rows.put(
        [
            int4(r.period),
            int8(r.new_users),
            int8(r.returning_users),
            int8(r.resurrecting_users),
            int8(r.dormant_users),
        ],
        [false; 5],
    )
}

fn retention_row(rows: &Rows, r: RetentionRow) {
    rows.put(
        [
            int4(r.cohort),
            int4(r.period_number),
            int8(r.cohort_size),
            int8(r.retained),
            float8(r.retention_percent),
        ],
        [false; 5],
    )
}

pg_function!(fn csm_activity_active_days(args) safe {
    let view = view_at(args, 0);
    let rows = Rows::new(args);
    // A finite range: every k from 1 to its length, whatever the data covers. An infinite
    // bound has no length: k then runs over the active days the range holds.
    let (from, to) = (args.date(1), args.date(2));
    let put = |k, users| rows.put([int4(k), int8(users)], [false; 2]);
    if [from, to].iter().all(|d| ![DATE_NOBEGIN, DATE_NOEND].contains(d)) && from <= to {
        range::check_bounded("active_days", ("from_day", "to_day"), from, to).or_raise();
        range::active_days_padded(&view, from, to, put)
    } else {
        report::active_days(&view, from, to, put)
    }
    .or_raise();
    NO_RESULT
});

pg_function!(fn csm_activity_daily_kpis(args) safe {
    let view = view_at(args, 0);
    let rows = Rows::new(args);
    report::daily_kpis(&view, |r| daily_row(&rows, r)).or_raise();
    NO_RESULT
});

pg_function!(fn csm_activity_lifecycle(args) safe {
    let view = view_at(args, 0);
    let grain = grain(args, 1);
    let report_from = (args.nargs() == 3).then(|| args.date(2));
    let rows = Rows::new(args);
    report::lifecycle(&view, grain, report_from, |r| lifecycle_row(&rows, r)).or_raise();
    NO_RESULT
});

pg_function!(fn csm_activity_retention(args) safe {
    let view = view_at(args, 0);
    let grain = grain(args, 1);
    let periods = args.i32(2);
    let rows = Rows::new(args);
    report::retention(&view, grain, periods, |r| retention_row(&rows, r)).or_raise();
    NO_RESULT
});

pg_function!(fn csm_activity_lifecycle_range(args) safe {
    require(args, 1, "lifecycle", "grain");
    let (from, to) = arg_days(args, (2, 3), "lifecycle", ("report_from", "report_to"));
    let grain = grain(args, 1);
    let rows = Rows::new(args);
    if args.is_null(0) {
        return NO_RESULT;
    }
    let view = view_at(args, 0);
    range::lifecycle_between(&view, grain, from, to, |r| lifecycle_row(&rows, r)).or_raise();
    NO_RESULT
});

pg_function!(fn csm_activity_daily_kpis_range(args) safe {
    let (from, to) = arg_days(args, (1, 2), "daily_activity_kpis", ("from_day", "to_day"));
    let rows = Rows::new(args);
    if args.is_null(0) {
        return NO_RESULT;
    }
    let view = view_at(args, 0);
    range::daily_kpis_between(&view, from, to, |r| daily_row(&rows, r)).or_raise();
    NO_RESULT
});

/// What a per-key function asks of a summary, so that the sets built for one call serve the
/// next calls that ask the same (a query listing users calls it once per user).
#[derive(Debug, Default)]
struct Cache {
    /// (question, grain, a, b); None while nothing valid is kept.
    question: Option<(u8, u8, i32, i32)>,
    summary: Vec<u8>,
    sets: Sets,
}

/// `answer` of the sets for `question` on the summary in argument 0: kept in the call site's
/// cache while the same summary (byte for byte) and question come back.
fn cached<R>(
    args: &Args,
    question: (u8, u8, i32, i32),
    build: impl FnOnce(&DaysView) -> Sets,
    answer: impl FnOnce(&Sets) -> R,
) -> R {
    args.with_call_site_cache(|cache: &mut Cache| {
        let bytes = args.bytes(0);
        if cache.question != Some(question) || cache.summary != bytes {
            cache.question = None;
            cache.sets = build(&view_at(args, 0));
            cache.summary.clear();
            cache.summary.extend_from_slice(bytes);
            cache.question = Some(question);
        }
        answer(&cache.sets)
    })
}

fn grain_code(g: Grain) -> u8 {
    match g {
        Grain::Day => 0,
        Grain::Week => 1,
        Grain::WeekSunday => 2,
        Grain::Month => 3,
    }
}

fn lifecycle_status(args: &Args, kind: KeyKind, key: KeyReader) -> Datum {
    let grain = grain(args, 2);
    let day = args.date(3);
    if day == DATE_NOBEGIN || day == DATE_NOEND {
        raise(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "lifecycle_status period cannot be {}",
                if day == DATE_NOEND {
                    "infinity"
                } else {
                    "-infinity"
                }
            ),
            "The status is that of the period holding a day; an infinite date is in none.",
            "Pass a date inside the period, such as its first day.",
        ));
    }
    // Keyed by the period, so that any day of it finds what the last call built.
    let period = grain.first_day(grain.index(day.into()));
    let status = cached(
        args,
        (0, grain_code(grain), period, 0),
        |v| Sets::lifecycle(v, grain, day).or_raise(),
        |sets| {
            check_kind("lifecycle_status", sets.kind, kind).or_raise();
            sets.status(key(args, 1))
        },
    );
    match status {
        Some(s) => args.return_bytes(s.name().as_bytes()),
        None => args.return_null(),
    }
}

/// Declares one function per key type of `activity_summary` (bigint, text, uuid), each calling
/// `$helper(args, kind, key)` with the kind and the reader of its keys
/// ([`KeyReader`](crate::pg::engagement::KeyReader)).
macro_rules! per_key_kind {
    ($helper:path: $int8:ident, $text:ident, $uuid:ident) => {
        $crate::pg::fmgr::pg_function!(fn $int8(args) safe {
            use $crate::kpi::engagement::KeyKind;
            $helper(args, KeyKind::Bigint, $crate::pg::engagement::bigint_key)
        });
        $crate::pg::fmgr::pg_function!(fn $text(args) safe {
            use $crate::kpi::engagement::KeyKind;
            $helper(args, KeyKind::Text, $crate::pg::engagement::text_key)
        });
        $crate::pg::fmgr::pg_function!(fn $uuid(args) safe {
            use $crate::kpi::engagement::KeyKind;
            $helper(args, KeyKind::Uuid, $crate::pg::engagement::uuid_key)
        });
    };
}
pub(crate) use per_key_kind;

per_key_kind!(lifecycle_status:
    csm_activity_status_int8, csm_activity_status_text, csm_activity_status_uuid);

fn was_active(args: &Args, kind: KeyKind, key: KeyReader) -> Datum {
    let (from, to) = (args.date(2), args.date(3));
    if from > to {
        report::active_users(&view_at(args, 0), from, to).or_raise();
    }
    // Infinite bounds are meaningful here: 'infinity' is "ever since" or "from then on".
    let active = cached(
        args,
        (1, 0, from, to),
        |v| Sets::activity(v, from, to).or_raise(),
        |sets| {
            check_kind("was_active", sets.kind, kind).or_raise();
            sets.active(key(args, 1))
        },
    );
    args.return_bool(active)
}

per_key_kind!(was_active:
    csm_activity_was_active_int8, csm_activity_was_active_text, csm_activity_was_active_uuid);

pg_function!(fn csm_activity_retention_by(args) safe {
    let view = view_at(args, 0);
    let grain = grain(args, 1);
    let periods = args.i32(2);
    let by = CohortBy::parse(&String::from_utf8_lossy(args.text(3))).or_raise();
    let rows = Rows::new(args);
    match by {
        CohortBy::FirstActive => {
            report::retention(&view, grain, periods, |r| retention_row(&rows, r))
        }
        CohortBy::Recurring => {
            cohorts::recurring(&view, grain, periods, |r| retention_row(&rows, r))
        }
    }
    .or_raise();
    NO_RESULT
});

pg_function!(fn csm_activity_retention_signup(args) safe {
    let signed_up = view_at(args, 0);
    let activity = view_at(args, 1);
    let grain = grain(args, 2);
    let periods = args.i32(3);
    let rows = Rows::new(args);
    cohorts::signup(&signed_up, &activity, grain, periods, |r| retention_row(&rows, r))
        .or_raise();
    NO_RESULT
});
