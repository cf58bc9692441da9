//! Rates that are hits over a total, counted in a [`Share`](crate::kpi::share::Share): FCR,
//! activation and conversion. Only the per-row rules live here.

use crate::kpi::error::{ErrorKind, KpiError, KpiResult};

/// FCR over resolved tickets (Freshservice): `Some(hit)` for a resolved ticket, `None` for one
/// that is not in the denominator. A ticket resolved at first contact must be resolved: saying
/// otherwise is contradictory data, and counting it either way would hide that.
pub fn fcr_of_resolved(first_contact: bool, resolved: bool) -> KpiResult<Option<bool>> {
    match (first_contact, resolved) {
        (_, true) => Ok(Some(first_contact)),
        (false, false) => Ok(None),
        (true, false) => Err(KpiError::new(
            ErrorKind::InvalidParameter,
            "fcr_rate: a ticket resolved on first contact is not resolved",
            "The row has resolved_on_first_contact = true and resolved = false.",
            "Set resolved to true for every ticket resolved on first contact, or use \
             fcr_rate(resolved_on_first_contact) to divide by all tickets.",
        )),
    }
}

/// Whether an event (`None`: not yet) came at most `within` after its start, `deadline` being
/// start + within. Times are in one unit (microseconds); `describe` formats one for messages.
pub fn came_within(
    metric: &str,
    start: i64,
    event: Option<i64>,
    deadline: i64,
    describe: impl Fn(i64) -> String,
) -> KpiResult<bool> {
    match event {
        None => Ok(false),
        Some(at) if at < start => Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{metric}: event at {} is before its start at {}",
                describe(at),
                describe(start)
            ),
            "An event (activation, conversion) cannot happen before the start it follows.",
            "Check the two columns' order, or filter out rows whose event precedes the start.",
        )),
        Some(at) => Ok(at <= deadline),
    }
}

/// A window length that is negative makes every event late: refused instead.
pub fn check_within(metric: &str, negative: bool, describe: &str) -> KpiResult<()> {
    if negative {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("{metric}: window {describe} is negative"),
            "The window is how long after its start an event still counts.",
            "Pass a window of zero or more, such as interval '14 days'.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fcr_rules() {
        assert_eq!(fcr_of_resolved(true, true), Ok(Some(true)));
        assert_eq!(fcr_of_resolved(false, true), Ok(Some(false)));
        assert_eq!(fcr_of_resolved(false, false), Ok(None));
        assert_eq!(
            fcr_of_resolved(true, false).unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
    }

    #[test]
    fn within_rules() {
        let d = |t: i64| t.to_string();
        assert_eq!(came_within("m", 10, None, 20, d), Ok(false));
        assert_eq!(came_within("m", 10, Some(10), 20, d), Ok(true));
        assert_eq!(came_within("m", 10, Some(20), 20, d), Ok(true));
        assert_eq!(came_within("m", 10, Some(21), 20, d), Ok(false));
        let e = came_within("m", 10, Some(9), 20, d).unwrap_err();
        assert_eq!(e.message, "m: event at 9 is before its start at 10");
        assert!(check_within("m", true, "-1 days").is_err());
        assert!(check_within("m", false, "0").is_ok());
    }
}
