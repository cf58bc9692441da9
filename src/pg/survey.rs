//! The survey family in SQL: `survey_summary`, NPS, CSAT and CES (declared in `sql/survey.sql`).
//!
//! Every survey aggregate shares one state, the 0-10 histogram [`SurveyCounts`]; aggregates
//! differ only in the scale their transition function checks and in the accessor they finish
//! with. CSAT with a caller-chosen threshold counts hits in a [`Share`] instead, because a final
//! function cannot see the threshold argument.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys::Datum;

use super::args::Args;
use super::fmgr::{pg_function, OrRaise, ScoreType};
use super::state::{self, counter_type_functions};
use crate::kpi::counters::{bump, inconsistent_take_back, unbump, Counters};
use crate::kpi::scale::{self, Scale};
use crate::kpi::share::Share;
use crate::kpi::survey::SurveyCounts;

counter_type_functions!(SurveyCounts {
    input: csm_survey_summary_in,
    output: csm_survey_summary_out,
    receive: csm_survey_summary_recv,
    send: csm_survey_summary_send,
    combine: csm_survey_summary_combine,
});

counter_type_functions!(Share {
    input: csm_share_state_in,
    output: csm_share_state_out,
    receive: csm_share_state_recv,
    send: csm_share_state_send,
    combine: csm_share_state_combine,
});

// What makes survey_summary a two-step summary: rollup() in a sliding window takes a day's
// summary back out, and survey_agg()/rollup() of nothing is NULL.
pg_function!(fn csm_survey_summary_uncombine(args) safe {
    // SAFETY: the live call, declared (survey_summary, survey_summary) as `uncombine` reads.
    unsafe { state::uncombine::<SurveyCounts>(args.fcinfo()) }
});

pg_function!(fn csm_survey_summary_nonempty(args) safe {
    // SAFETY: the live call, declared (survey_summary) as `nonempty` reads.
    unsafe { state::nonempty::<SurveyCounts>(args.fcinfo()) }
});

/// Declares one fmgr function per score column type, each calling `$helper(args, type, ..)`.
macro_rules! per_score_type {
    ($helper:ident($($extra:expr),*): $int2:ident, $int4:ident, $int8:ident, $numeric:ident) => {
        pg_function!(fn $int2(args) safe { $helper(args, ScoreType::Int2 $(, $extra)*) });
        pg_function!(fn $int4(args) safe { $helper(args, ScoreType::Int4 $(, $extra)*) });
        pg_function!(fn $int8(args) safe { $helper(args, ScoreType::Int8 $(, $extra)*) });
        pg_function!(fn $numeric(args) safe { $helper(args, ScoreType::Numeric $(, $extra)*) });
    };
}

/// The same functions for `real` and `double precision` scores (whole numbers only).
macro_rules! per_float_type {
    ($helper:ident($($extra:expr),*): $float4:ident, $float8:ident) => {
        pg_function!(fn $float4(args) safe { $helper(args, ScoreType::Float4 $(, $extra)*) });
        pg_function!(fn $float8(args) safe { $helper(args, ScoreType::Float8 $(, $extra)*) });
    };
}

/// Transition: counts the answer in argument 1 after checking it against `scale`.
#[inline(always)]
fn accumulate(args: &Args, ty: ScoreType, scale: &Scale) -> Datum {
    let slot = args.score_slot(1, ty, scale);
    args.update_counters(0, |s: &mut SurveyCounts| {
        bump(&mut s.counts[slot], SurveyCounts::TYPE_NAME).or_raise()
    })
}

/// Transition on a 1..`scale_max` scale, `scale_max` in argument 2.
#[inline(always)]
fn accumulate_one_to(args: &Args, ty: ScoreType, metric: &'static str) -> Datum {
    let scale = Scale::one_to(metric, args.i32(2) as i64).or_raise();
    accumulate(args, ty, &scale)
}

/// Moving-aggregate inverse: un-counts an answer counted before (any survey scale).
#[inline(always)]
fn retract(args: &Args, ty: ScoreType) -> Datum {
    let slot = args.score_slot(1, ty, &scale::SURVEY);
    args.update_counters(0, |s: &mut SurveyCounts| {
        unbump(&mut s.counts[slot], SurveyCounts::TYPE_NAME).or_raise()
    })
}
per_score_type!(accumulate(&scale::SURVEY):
    csm_survey_accum_int2, csm_survey_accum_int4, csm_survey_accum_int8, csm_survey_accum_numeric);
per_score_type!(accumulate(&scale::NPS):
    csm_nps_accum_int2, csm_nps_accum_int4, csm_nps_accum_int8, csm_nps_accum_numeric);
per_score_type!(accumulate(&scale::CSAT):
    csm_csat_accum_int2, csm_csat_accum_int4, csm_csat_accum_int8, csm_csat_accum_numeric);
per_score_type!(accumulate(&scale::CES):
    csm_ces_accum_int2, csm_ces_accum_int4, csm_ces_accum_int8, csm_ces_accum_numeric);
per_score_type!(accumulate_one_to("ces"):
    csm_ces_scale_accum_int2, csm_ces_scale_accum_int4, csm_ces_scale_accum_int8,
    csm_ces_scale_accum_numeric);
per_score_type!(retract():
    csm_survey_retract_int2, csm_survey_retract_int4, csm_survey_retract_int8,
    csm_survey_retract_numeric);

/// The scale and threshold of `csat(score, satisfied_min, scale_max)`, checked on every row:
/// a row's answer counts as satisfied by the threshold given on that row.
#[inline(always)]
fn csat_row(args: &Args, ty: ScoreType) -> bool {
    let scale = Scale::one_to("csat", args.i32(3) as i64).or_raise();
    let satisfied_min = args.i32(2) as i64;
    scale.check_threshold(satisfied_min).or_raise();
    args.score_slot(1, ty, &scale) as i64 >= satisfied_min
}

#[inline(always)]
fn share_accumulate(args: &Args, ty: ScoreType) -> Datum {
    let satisfied = csat_row(args, ty);
    share_step(args, satisfied, true)
}

#[inline(always)]
fn share_retract(args: &Args, ty: ScoreType) -> Datum {
    let satisfied = csat_row(args, ty);
    share_step(args, satisfied, false)
}

/// Counts one row (`hit` or not) into the share in argument 0, or takes it back: every share
/// aggregate's step (CSAT with a threshold, FCR, activation, conversion, active ratio).
#[inline(always)]
pub(crate) fn share_step(args: &Args, hit: bool, add: bool) -> Datum {
    args.update_counters(0, |share: &mut Share| {
        if add {
            bump(&mut share.total, Share::TYPE_NAME).or_raise();
            // hits <= total held before, so once total has not overflowed, hits cannot either.
            share.hits += hit as i64;
        } else {
            unbump(&mut share.total, Share::TYPE_NAME).or_raise();
            if hit {
                unbump(&mut share.hits, Share::TYPE_NAME).or_raise();
            }
            // Taking back an unsatisfied row that was counted as satisfied (a threshold that
            // changed between the two calls) would leave more hits than answers.
            share
                .validate()
                .map_err(|why| inconsistent_take_back(Share::TYPE_NAME, why))
                .or_raise();
        }
    })
}

per_score_type!(share_accumulate():
    csm_csat_share_accum_int2, csm_csat_share_accum_int4, csm_csat_share_accum_int8,
    csm_csat_share_accum_numeric);
per_score_type!(share_retract():
    csm_csat_share_retract_int2, csm_csat_share_retract_int4, csm_csat_share_retract_int8,
    csm_csat_share_retract_numeric);

per_float_type!(accumulate(&scale::SURVEY): csm_survey_accum_float4, csm_survey_accum_float8);
per_float_type!(accumulate(&scale::NPS): csm_nps_accum_float4, csm_nps_accum_float8);
per_float_type!(accumulate(&scale::CSAT): csm_csat_accum_float4, csm_csat_accum_float8);
per_float_type!(accumulate(&scale::CES): csm_ces_accum_float4, csm_ces_accum_float8);
per_float_type!(accumulate_one_to("ces"): csm_ces_scale_accum_float4, csm_ces_scale_accum_float8);
per_float_type!(retract(): csm_survey_retract_float4, csm_survey_retract_float8);
per_float_type!(share_accumulate(): csm_csat_share_accum_float4, csm_csat_share_accum_float8);
per_float_type!(share_retract(): csm_csat_share_retract_float4, csm_csat_share_retract_float8);

pg_function!(fn csm_share_percent(args) safe {
    args.return_f64(args.counters::<Share>(0).percent())
});

// Accessors of survey_summary; each is also the final function of a one-step aggregate.

fn summary(args: &Args) -> SurveyCounts {
    args.counters::<SurveyCounts>(0)
}

/// Declares accessors: `$s` is the summary in argument 0, `$a` the arguments, and the value
/// (a result) is returned with `$a.$ret(..)`.
macro_rules! accessors {
    ($($name:ident: $ret:ident |$s:ident, $a:ident| $value:expr;)*) => {$(
        pg_function!(fn $name($a) safe {
            let $s = summary($a);
            $a.$ret($value.or_raise())
        });
    )*};
}

accessors! {
    csm_survey_nps: return_f64 |s, args| s.nps();
    csm_survey_nps_margin: return_f64 |s, args| s.nps_margin(0.95);
    csm_survey_nps_margin_at: return_f64 |s, args| s.nps_margin(args.f64(1));
    csm_survey_csat: return_f64 |s, args| s.csat();
    csm_survey_csat_from: return_f64 |s, args| s.csat_from(args.i32(1) as i64);
    csm_survey_ces: return_f64 |s, args| s.ces();
    csm_survey_mean: return_f64 |s, args| s.mean();
    csm_survey_responses: return_i64 |s, args| s.responses();
    csm_survey_promoters: return_i64 |s, args| s.promoters();
    csm_survey_passives: return_i64 |s, args| s.passives();
    csm_survey_detractors: return_i64 |s, args| s.detractors();
    csm_survey_score_count: return_i64 |s, args| s.count_of(args.i32(1) as i64);
}
