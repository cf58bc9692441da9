//! In-process tests (`cargo pgrx test`): what SQL files cannot reach, such as the varlena
//! layout and values that no SQL input function would ever produce.

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;
    use pgrx::{PgSqlErrorCode, PgTryBuilder};

    use crate::kpi::counters::Counters;
    use crate::kpi::survey::SurveyCounts;
    use crate::pg::state;

    /// Runs `sql`, expecting an error; returns its SQLSTATE, message, detail and hint.
    fn error_of(sql: &'static str) -> (PgSqlErrorCode, String, Option<String>, Option<String>) {
        PgTryBuilder::new(|| {
            Spi::run(sql).expect("query ran");
            panic!("{sql} raised no error")
        })
        .catch_others(|e| match e {
            pg_sys::panic::CaughtError::PostgresError(r)
            | pg_sys::panic::CaughtError::ErrorReport(r) => (
                r.sql_error_code(),
                r.message().to_string(),
                r.detail().map(str::to_string),
                r.hint().map(str::to_string),
            ),
            other => panic!("unexpected error {other:?}"),
        })
        .execute()
    }

    #[pg_test]
    fn out_of_range_score_is_a_full_error_report() {
        let (code, message, detail, hint) =
            error_of("SELECT nps(s) FROM (VALUES (9), (11)) AS t(s)");
        assert_eq!(code, PgSqlErrorCode::ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE);
        assert_eq!(message, "nps score 11 is out of range");
        assert_eq!(
            detail.as_deref(),
            Some("Answers to nps are whole numbers from 0 to 10.")
        );
        assert!(hint.is_some_and(|h| h.ends_with('.')));
    }

    #[pg_test]
    fn malformed_text_is_22p02() {
        let (code, message, detail, hint) = error_of("SELECT 'nope'::survey_summary");
        assert_eq!(code, PgSqlErrorCode::ERRCODE_INVALID_TEXT_REPRESENTATION);
        assert_eq!(
            message,
            "invalid input syntax for type survey_summary: \"nope\""
        );
        assert!(detail.is_some_and(|d| d.starts_with(char::is_uppercase)));
        assert!(hint.is_some_and(|h| h.contains("\"counts\"")));
    }

    #[pg_test]
    fn varlena_layout_keeps_counters_aligned_after_the_version_byte() {
        let mut counts = SurveyCounts::default();
        counts.counts[9] = 55;
        counts.counts[0] = 25;
        unsafe {
            let datum = state::new_datum(&counts);
            let ptr = datum.cast_mut_ptr::<u8>();
            assert_eq!(pgrx::varlena::varsize_any(ptr.cast()), 8 + 11 * 8);
            assert_eq!(*ptr.add(4), SurveyCounts::VERSION);
            assert_eq!(ptr.add(8) as usize % 8, 0);
            assert_eq!(state::read::<SurveyCounts>(datum), counts);
        }
    }

    #[pg_test]
    fn a_stored_value_of_another_version_is_rejected_not_misread() {
        let counts = SurveyCounts::default();
        let result = PgTryBuilder::new(|| unsafe {
            let datum = state::new_datum(&counts);
            *datum.cast_mut_ptr::<u8>().add(4) = 99;
            let _ = state::read::<SurveyCounts>(datum);
            None
        })
        .catch_others(|e| match e {
            pg_sys::panic::CaughtError::PostgresError(r)
            | pg_sys::panic::CaughtError::ErrorReport(r) => Some(r.sql_error_code()),
            _ => None,
        })
        .execute();
        assert_eq!(
            result,
            Some(PgSqlErrorCode::ERRCODE_INVALID_BINARY_REPRESENTATION)
        );
    }

    #[pg_test]
    fn nps_of_the_seed_example_is_30() {
        let nps = Spi::get_one::<f64>(
            "SELECT nps(CASE WHEN g <= 55 THEN 9 WHEN g <= 75 THEN 8 ELSE 3 END)
             FROM generate_series(1, 100) AS g",
        );
        assert_eq!(nps, Ok(Some(30.0)));
    }
}
