//! The survey family in SQL: `survey_summary`, NPS, CSAT and CES (declared in `sql/survey.sql`).
//!
//! Every survey aggregate shares one state, the 0-10 histogram [`SurveyCounts`]; aggregates
//! differ only in the scale their transition function checks and in the accessor they finish
//! with. CSAT with a caller-chosen threshold counts hits in a [`Share`] instead, because a final
//! function cannot see the threshold argument.

use pgrx::pg_sys::{Datum, FunctionCallInfo};

use super::fmgr::{arg, arg_f64, arg_i32, pg_function, return_f64, return_i64, score_slot};
use super::fmgr::{OrRaise, ScoreType};
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
pg_function!(fn csm_survey_summary_uncombine(fcinfo) {
    unsafe { state::uncombine::<SurveyCounts>(fcinfo) }
});

pg_function!(fn csm_survey_summary_nonempty(fcinfo) {
    unsafe { state::nonempty::<SurveyCounts>(fcinfo) }
});

/// Declares one fmgr function per score column type, each calling `$helper(fcinfo, type, ..)`.
macro_rules! per_score_type {
    ($helper:ident($($extra:expr),*): $int2:ident, $int4:ident, $int8:ident, $numeric:ident) => {
        pg_function!(fn $int2(fcinfo) { unsafe { $helper(fcinfo, ScoreType::Int2 $(, $extra)*) } });
        pg_function!(fn $int4(fcinfo) { unsafe { $helper(fcinfo, ScoreType::Int4 $(, $extra)*) } });
        pg_function!(fn $int8(fcinfo) { unsafe { $helper(fcinfo, ScoreType::Int8 $(, $extra)*) } });
        pg_function!(fn $numeric(fcinfo) { unsafe { $helper(fcinfo, ScoreType::Numeric $(, $extra)*) } });
    };
}

/// The same functions for `real` and `double precision` scores (whole numbers only).
macro_rules! per_float_type {
    ($helper:ident($($extra:expr),*): $float4:ident, $float8:ident) => {
        pg_function!(fn $float4(fcinfo) { unsafe { $helper(fcinfo, ScoreType::Float4 $(, $extra)*) } });
        pg_function!(fn $float8(fcinfo) { unsafe { $helper(fcinfo, ScoreType::Float8 $(, $extra)*) } });
    };
}

/// Transition: counts the answer in argument 1 after checking it against `scale`.
#[inline(always)]
unsafe fn accumulate(fcinfo: FunctionCallInfo, ty: ScoreType, scale: &Scale) -> Datum {
    unsafe {
        let slot = score_slot(fcinfo, 1, ty, scale);
        let update = state::for_update::<SurveyCounts>(fcinfo, 0);
        bump(&mut update.state.counts[slot], SurveyCounts::TYPE_NAME).or_raise();
        update.done()
    }
}

/// Transition on a 1..`scale_max` scale, `scale_max` in argument 2.
#[inline(always)]
unsafe fn accumulate_one_to(
    fcinfo: FunctionCallInfo,
    ty: ScoreType,
    metric: &'static str,
) -> Datum {
    unsafe {
        let scale = Scale::one_to(metric, arg_i32(fcinfo, 2) as i64).or_raise();
        accumulate(fcinfo, ty, &scale)
    }
}

/// Moving-aggregate inverse: un-counts an answer counted before (any survey scale).
#[inline(always)]
unsafe fn retract(fcinfo: FunctionCallInfo, ty: ScoreType) -> Datum {
    unsafe {
        let slot = score_slot(fcinfo, 1, ty, &scale::SURVEY);
        let update = state::for_update::<SurveyCounts>(fcinfo, 0);
        unbump(&mut update.state.counts[slot], SurveyCounts::TYPE_NAME).or_raise();
        update.done()
    }
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
unsafe fn csat_row(fcinfo: FunctionCallInfo, ty: ScoreType) -> bool {
    unsafe {
        let scale = Scale::one_to("csat", arg_i32(fcinfo, 3) as i64).or_raise();
        let satisfied_min = arg_i32(fcinfo, 2) as i64;
        scale.check_threshold(satisfied_min).or_raise();
        score_slot(fcinfo, 1, ty, &scale) as i64 >= satisfied_min
    }
}

#[inline(always)]
unsafe fn share_accumulate(fcinfo: FunctionCallInfo, ty: ScoreType) -> Datum {
    unsafe {
        let satisfied = csat_row(fcinfo, ty);
        let update = state::for_update::<Share>(fcinfo, 0);
        bump(&mut update.state.total, Share::TYPE_NAME).or_raise();
        // hits <= total holds before, so once total has not overflowed, hits cannot either.
        update.state.hits += satisfied as i64;
        update.done()
    }
}

#[inline(always)]
unsafe fn share_retract(fcinfo: FunctionCallInfo, ty: ScoreType) -> Datum {
    unsafe {
        let satisfied = csat_row(fcinfo, ty);
        let update = state::for_update::<Share>(fcinfo, 0);
        let share = &mut *update.state;
        unbump(&mut share.total, Share::TYPE_NAME).or_raise();
        if satisfied {
            unbump(&mut share.hits, Share::TYPE_NAME).or_raise();
        }
        // Taking back an unsatisfied row that was counted as satisfied (a threshold that
        // changed between the two calls) would leave more hits than answers.
        share
            .validate()
            .map_err(|why| inconsistent_take_back(Share::TYPE_NAME, why))
            .or_raise();
        update.done()
    }
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

pg_function!(fn csm_share_percent(fcinfo) {
    unsafe { return_f64(fcinfo, state::read::<Share>(arg(fcinfo, 0)).percent()) }
});

// Accessors of survey_summary; each is also the final function of a one-step aggregate.

unsafe fn summary(fcinfo: FunctionCallInfo) -> SurveyCounts {
    unsafe { state::read::<SurveyCounts>(arg(fcinfo, 0)) }
}

pg_function!(fn csm_survey_nps(fcinfo) {
    unsafe { return_f64(fcinfo, summary(fcinfo).nps().or_raise()) }
});

pg_function!(fn csm_survey_nps_margin(fcinfo) {
    unsafe { return_f64(fcinfo, summary(fcinfo).nps_margin(0.95).or_raise()) }
});

pg_function!(fn csm_survey_nps_margin_at(fcinfo) {
    unsafe { return_f64(fcinfo, summary(fcinfo).nps_margin(arg_f64(fcinfo, 1)).or_raise()) }
});

pg_function!(fn csm_survey_csat(fcinfo) {
    unsafe { return_f64(fcinfo, summary(fcinfo).csat().or_raise()) }
});

pg_function!(fn csm_survey_csat_from(fcinfo) {
    unsafe {
        let satisfied_min = arg_i32(fcinfo, 1) as i64;
        return_f64(fcinfo, summary(fcinfo).csat_from(satisfied_min).or_raise())
    }
});

pg_function!(fn csm_survey_ces(fcinfo) {
    unsafe { return_f64(fcinfo, summary(fcinfo).ces().or_raise()) }
});

pg_function!(fn csm_survey_mean(fcinfo) {
    unsafe { return_f64(fcinfo, summary(fcinfo).mean().or_raise()) }
});

pg_function!(fn csm_survey_responses(fcinfo) {
    unsafe { return_i64(summary(fcinfo).responses().or_raise()) }
});

pg_function!(fn csm_survey_promoters(fcinfo) {
    unsafe { return_i64(summary(fcinfo).promoters().or_raise()) }
});

pg_function!(fn csm_survey_passives(fcinfo) {
    unsafe { return_i64(summary(fcinfo).passives().or_raise()) }
});

pg_function!(fn csm_survey_detractors(fcinfo) {
    unsafe { return_i64(summary(fcinfo).detractors().or_raise()) }
});

pg_function!(fn csm_survey_score_count(fcinfo) {
    unsafe {
        let score = arg_i32(fcinfo, 1) as i64;
        return_i64(summary(fcinfo).count_of(score).or_raise())
    }
});
