//! Engagement reports over a caller's range (`lifecycle`, `daily_activity_kpis`), the people
//! behind the counts (`lifecycle_status`, `was_active`) and more cohorts (`retention` by
//! recurring or sign-up cohorts). The maths is in `kpi::engagement::{range, status, cohorts}`.

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use super::datum;
use super::engagement::{bigint_key, float8, grain, int4, int8, text_key, uuid_key, Rows};
use super::fmgr::{arg, arg_i32, arg_is_null, pg_function, raise, OrRaise};
use crate::kpi::engagement::calendar::{Grain, DATE_NOBEGIN, DATE_NOEND};
use crate::kpi::engagement::cohorts::{self, CohortBy};
use crate::kpi::engagement::format::DaysView;
use crate::kpi::engagement::range;
use crate::kpi::engagement::report::{self, LifecycleRow, RetentionRow};
use crate::kpi::engagement::status::{check_kind, Sets};
use crate::kpi::engagement::{Activity, KeyKind};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::summary::Summary;

const NO_RESULT: usize = 0;

/// The stored summary in argument `n`, its days read (bitmaps decoded later, on demand).
unsafe fn view_at<'a>(fcinfo: FunctionCallInfo, n: usize) -> DaysView<'a> {
    let bytes = unsafe { datum::varlena_bytes(arg(fcinfo, n)) };
    let parsed = match bytes.split_first() {
        Some((v, payload)) if *v == Activity::VERSION => DaysView::parse_payload(payload),
        Some((v, _)) => Err(format!("Format version {v} is not supported.")),
        None => Err("The value is empty.".to_string()),
    };
    parsed
        .map_err(|why| {
            KpiError::new(
                ErrorKind::BadBinary,
                "invalid binary activity_summary value",
                why,
                "The value is corrupt or was written by another version; recompute it.",
            )
        })
        .or_raise()
}

/// Refuses a NULL argument `n` of a non-strict report (an unbounded range or no grain).
unsafe fn require(fcinfo: FunctionCallInfo, n: usize, function: &str, name: &str) {
    if unsafe { arg_is_null(fcinfo, n) } {
        raise(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("{function} {name} cannot be null"),
            "The report has one row per day or period of a bounded range.",
            "Pass a value; the form without a range reports the days that have activity.",
        ));
    }
}

/// The checked range of days in arguments `a` and `b`.
unsafe fn arg_days(
    fcinfo: FunctionCallInfo,
    (a, b): (usize, usize),
    function: &str,
    names: (&str, &str),
) -> (i32, i32) {
    unsafe {
        require(fcinfo, a, function, names.0);
        require(fcinfo, b, function, names.1);
        let (from, to) = (arg_i32(fcinfo, a), arg_i32(fcinfo, b));
        range::check_bounded(function, names, from, to).or_raise();
        (from, to)
    }
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

pg_function!(fn csm_activity_lifecycle_range(fcinfo) {
    unsafe {
        require(fcinfo, 1, "lifecycle", "grain");
        let (from, to) = arg_days(fcinfo, (2, 3), "lifecycle", ("report_from", "report_to"));
        let grain = grain(fcinfo, 1);
        let rows = Rows::new(fcinfo);
        if arg_is_null(fcinfo, 0) {
            return Datum::from(NO_RESULT);
        }
        let view = view_at(fcinfo, 0);
        range::lifecycle_between(&view, grain, from, to, |r| lifecycle_row(&rows, r)).or_raise();
        Datum::from(NO_RESULT)
    }
});

pg_function!(fn csm_activity_daily_kpis_range(fcinfo) {
    unsafe {
        let (from, to) = arg_days(fcinfo, (1, 2), "daily_activity_kpis", ("from_day", "to_day"));
        let rows = Rows::new(fcinfo);
        if arg_is_null(fcinfo, 0) {
            return Datum::from(NO_RESULT);
        }
        let view = view_at(fcinfo, 0);
        range::daily_kpis_between(&view, from, to, |r| {
            rows.put(
                [int4(r.day), int8(r.dau), int8(r.wau), int8(r.mau), float8(r.stickiness.unwrap_or(0.0))],
                [false, false, false, false, r.stickiness.is_none()],
            )
        })
        .or_raise();
        Datum::from(NO_RESULT)
    }
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

/// The sets for `question` on the summary in argument 0: kept in `fn_extra` while the same
/// summary (byte for byte) and question come back.
unsafe fn cached<'a>(
    fcinfo: FunctionCallInfo,
    question: (u8, u8, i32, i32),
    build: impl FnOnce(&DaysView) -> Sets,
) -> &'a Sets {
    unsafe {
        let flinfo = (*fcinfo).flinfo;
        if (*flinfo).fn_extra.is_null() {
            let cache = pgrx::PgMemoryContexts::For((*flinfo).fn_mcxt)
                .leak_and_drop_on_delete(Cache::default());
            (*flinfo).fn_extra = cache.cast();
        }
        let cache = &mut *(*flinfo).fn_extra.cast::<Cache>();
        let bytes = datum::varlena_bytes(arg(fcinfo, 0));
        if cache.question != Some(question) || cache.summary != bytes {
            cache.question = None;
            cache.sets = build(&view_at(fcinfo, 0));
            cache.summary.clear();
            cache.summary.extend_from_slice(bytes);
            cache.question = Some(question);
        }
        &cache.sets
    }
}

fn grain_code(g: Grain) -> u8 {
    match g {
        Grain::Day => 0,
        Grain::Week => 1,
        Grain::WeekSunday => 2,
        Grain::Month => 3,
    }
}

unsafe fn lifecycle_status(
    fcinfo: FunctionCallInfo,
    kind: KeyKind,
    key: unsafe fn(Datum) -> u64,
) -> Datum {
    unsafe {
        let grain = grain(fcinfo, 2);
        let day = arg_i32(fcinfo, 3);
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
        let sets = cached(fcinfo, (0, grain_code(grain), period, 0), |v| {
            Sets::lifecycle(v, grain, day).or_raise()
        });
        check_kind("lifecycle_status", sets.kind, kind).or_raise();
        match sets.status(key(arg(fcinfo, 1))) {
            Some(s) => datum::new_varlena(s.name().as_bytes()),
            None => {
                (*fcinfo).isnull = true;
                Datum::from(0usize)
            }
        }
    }
}

pg_function!(fn csm_activity_status_int8(fcinfo) {
    unsafe { lifecycle_status(fcinfo, KeyKind::Bigint, bigint_key) }
});
pg_function!(fn csm_activity_status_text(fcinfo) {
    unsafe { lifecycle_status(fcinfo, KeyKind::Text, text_key) }
});
pg_function!(fn csm_activity_status_uuid(fcinfo) {
    unsafe { lifecycle_status(fcinfo, KeyKind::Uuid, uuid_key) }
});

unsafe fn was_active(
    fcinfo: FunctionCallInfo,
    kind: KeyKind,
    key: unsafe fn(Datum) -> u64,
) -> Datum {
    unsafe {
        let (from, to) = (arg_i32(fcinfo, 2), arg_i32(fcinfo, 3));
        if from > to {
            report::active_users(&view_at(fcinfo, 0), from, to).or_raise();
        }
        // Infinite bounds are meaningful here: 'infinity' is "ever since" or "from then on".
        let sets = cached(fcinfo, (1, 0, from, to), |v| {
            Sets::activity(v, from, to).or_raise()
        });
        check_kind("was_active", sets.kind, kind).or_raise();
        Datum::from(sets.active(key(arg(fcinfo, 1))))
    }
}

pg_function!(fn csm_activity_was_active_int8(fcinfo) {
    unsafe { was_active(fcinfo, KeyKind::Bigint, bigint_key) }
});
pg_function!(fn csm_activity_was_active_text(fcinfo) {
    unsafe { was_active(fcinfo, KeyKind::Text, text_key) }
});
pg_function!(fn csm_activity_was_active_uuid(fcinfo) {
    unsafe { was_active(fcinfo, KeyKind::Uuid, uuid_key) }
});

pg_function!(fn csm_activity_retention_by(fcinfo) {
    unsafe {
        let view = view_at(fcinfo, 0);
        let grain = grain(fcinfo, 1);
        let periods = arg_i32(fcinfo, 2);
        let by = datum::varlena_bytes(arg(fcinfo, 3));
        let by = CohortBy::parse(&String::from_utf8_lossy(by)).or_raise();
        let rows = Rows::new(fcinfo);
        match by {
            CohortBy::FirstActive => {
                report::retention(&view, grain, periods, |r| retention_row(&rows, r))
            }
            CohortBy::Recurring => {
                cohorts::recurring(&view, grain, periods, |r| retention_row(&rows, r))
            }
        }
        .or_raise();
        Datum::from(NO_RESULT)
    }
});

pg_function!(fn csm_activity_retention_signup(fcinfo) {
    unsafe {
        let signed_up = view_at(fcinfo, 0);
        let activity = view_at(fcinfo, 1);
        let grain = grain(fcinfo, 2);
        let periods = arg_i32(fcinfo, 3);
        let rows = Rows::new(fcinfo);
        cohorts::signup(&signed_up, &activity, grain, periods, |r| retention_row(&rows, r))
            .or_raise();
        Datum::from(NO_RESULT)
    }
});
