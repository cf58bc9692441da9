//! Days as PostgreSQL stores a `date` (days since 2000-01-01), civil dates, and the periods
//! (grains) that lifecycle and retention group days into.

use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::text::echo;

/// PostgreSQL's `date` of 1970-01-01.
const UNIX_EPOCH: i64 = -10957;

/// The first and last finite `date` PostgreSQL accepts (4713-11-24 BC, 5874897-12-31).
pub const DATE_MIN: i32 = -2_451_545;
pub const DATE_MAX: i32 = 2_145_031_948;

/// `date '-infinity'` and `date 'infinity'`.
pub const DATE_NOBEGIN: i32 = i32::MIN;
pub const DATE_NOEND: i32 = i32::MAX;

/// The `date` of a civil (proleptic Gregorian, astronomical year) date: H. Hinnant's
/// days_from_civil, exact for every year an i64 can count.
pub fn from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + UNIX_EPOCH
}

/// The civil date of a `date` (inverse of [`from_civil`]).
pub fn to_civil(date: i64) -> (i64, u32, u32) {
    let z = date - UNIX_EPOCH + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD` (a sign and more digits outside years 0-9999), as the text form writes days.
pub fn format(date: i32) -> String {
    let (y, m, d) = to_civil(i64::from(date));
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:+05}-{m:02}-{d:02}")
    }
}

/// Reads [`format`]'s output; `None` when it is not a valid date in PostgreSQL's range.
pub fn parse(text: &str) -> Option<i32> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let mut parts = rest.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() < 4
        || y.len() > 8
        || m.len() != 2
        || d.len() != 2
        || ![y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let year = sign * y.parse::<i64>().ok()?;
    let month: u32 = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let date = from_civil(year, month, day);
    (i64::from(DATE_MIN)..=i64::from(DATE_MAX))
        .contains(&date)
        .then_some(date as i32)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let next = if month == 12 {
        from_civil(year + 1, 1, 1)
    } else {
        from_civil(year, month + 1, 1)
    };
    (next - from_civil(year, month, 1)) as u32
}

/// The first and last day of the calendar month holding `date`.
pub fn month_of(date: i32) -> (i64, i64) {
    let (y, m, _) = to_civil(i64::from(date));
    let first = from_civil(y, m, 1);
    (first, first + i64::from(days_in_month(y, m)) - 1)
}

/// How lifecycle and retention group days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Sunday to Saturday.
    WeekSunday,
    Month,
}

impl Grain {
    /// `'day'`, `'week'`, `'week_sunday'` or `'month'` (any case).
    pub fn parse(text: &str) -> KpiResult<Grain> {
        match text.to_ascii_lowercase().as_str() {
            "day" => Ok(Grain::Day),
            "week" => Ok(Grain::Week),
            "week_sunday" => Ok(Grain::WeekSunday),
            "month" => Ok(Grain::Month),
            _ => Err(KpiError::new(
                ErrorKind::InvalidParameter,
                format!("unknown grain \"{}\"", echo(text)),
                "Activity is grouped into periods of one day, one week or one calendar month.",
                "Use 'day', 'week' (ISO, weeks start on Monday), 'week_sunday' or 'month'.",
            )),
        }
    }

    /// A number per period, consecutive periods getting consecutive numbers.
    pub fn index(self, date: i64) -> i64 {
        match self {
            Grain::Day => date,
            // 2000-01-03 (date 2) was a Monday, 2000-01-02 (date 1) a Sunday.
            Grain::Week => (date - 2).div_euclid(7),
            Grain::WeekSunday => (date - 1).div_euclid(7),
            Grain::Month => {
                let (y, m, _) = to_civil(date);
                y * 12 + i64::from(m) - 1
            }
        }
    }

    /// The first day of the period numbered `index` that PostgreSQL can represent: the
    /// period holding 4713-11-24 BC, the first `date`, begins before it and is reported from it.
    pub fn first_day(self, index: i64) -> i32 {
        self.start(index).max(i64::from(DATE_MIN)) as i32
    }

    /// The first day of the period numbered `index`.
    pub fn start(self, index: i64) -> i64 {
        match self {
            Grain::Day => index,
            Grain::Week => index * 7 + 2,
            Grain::WeekSunday => index * 7 + 1,
            Grain::Month => from_civil(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32, 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(from_civil(2000, 1, 1), 0);
        assert_eq!(from_civil(1970, 1, 1), -10957);
        assert_eq!(from_civil(2025, 3, 1), 9191);
        assert_eq!(from_civil(-4713, 11, 24), i64::from(DATE_MIN));
        assert_eq!(from_civil(5_874_897, 12, 31), i64::from(DATE_MAX));
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, dd) = to_civil(d);
            assert_eq!(from_civil(y, m, dd), d);
        }
        assert_eq!(format(0), "2000-01-01");
        assert_eq!(format(DATE_MIN), "-4713-11-24");
        assert_eq!(format(DATE_MAX), "+5874897-12-31");
        for d in [0, 59, 60, 9191, DATE_MIN, DATE_MAX, -1_000_000, 3_000_000] {
            assert_eq!(parse(&format(d)), Some(d), "{}", format(d));
        }
        assert_eq!(parse("2025-02-29"), None);
        assert_eq!(parse("2024-02-29"), Some(from_civil(2024, 2, 29) as i32));
        assert_eq!(parse("2025-13-01"), None);
        assert_eq!(parse("25-01-01"), None);
        assert_eq!(parse("2025-1-01"), None);
        assert_eq!(parse("+5874898-01-01"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn grains() {
        // 2025-03-05 is a Wednesday: ISO week starts Monday 03-03, Sunday week on 03-02.
        let d = from_civil(2025, 3, 5);
        let w = Grain::Week;
        assert_eq!(w.start(w.index(d)), from_civil(2025, 3, 3));
        let s = Grain::WeekSunday;
        assert_eq!(s.start(s.index(d)), from_civil(2025, 3, 2));
        let m = Grain::Month;
        assert_eq!(m.start(m.index(d)), from_civil(2025, 3, 1));
        assert_eq!(m.start(m.index(d) + 10), from_civil(2026, 1, 1));
        assert_eq!(
            m.start(m.index(from_civil(-1, 1, 5)) - 1),
            from_civil(-2, 12, 1)
        );
        assert_eq!(
            month_of(d as i32),
            (from_civil(2025, 3, 1), from_civil(2025, 3, 31))
        );
        assert_eq!(Grain::parse("WEEK").unwrap(), Grain::Week);
        assert_eq!(
            Grain::parse("fortnight").unwrap_err().kind,
            ErrorKind::InvalidParameter
        );
    }
}
