//! Licences in force over time: a step function of seats, built from validity ranges.
//!
//! A range's bounds may be inclusive, exclusive or unbounded. `timestamptz` counts whole
//! microseconds, so "just after t" is the instant t + 1 µs: `(a, b]` holds the same instants
//! as `[a + 1µs, b + 1µs)`, and both are read as the latter, so that they overlap what the
//! same instants overlap and give the same summary. A change then happens *at* an instant
//! (phase 0): `[a, b)` adds seats at (a, 0) and removes them at (b, 0). Only `infinity` has no
//! next instant: "just after" it is phase 1, (i64::MAX, 1), where an unbounded range ends.
//! The stored form holds the level (seats in force) after each change point, sorted, so a
//! point lookup is a binary search on the stored bytes without reading the whole summary.

use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::{Reader, Summary};
use crate::kpi::text::{bad_text, whole_number, Object};

/// A change point: (time in microseconds, 0 = at it, 1 = just after it).
pub type Point = (i64, u8);

/// A range bound, as PostgreSQL's range functions give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Unbounded,
    Inclusive(i64),
    Exclusive(i64),
}

/// The instant just after `t`: t + 1 µs, or phase 1 of `infinity`.
fn after(t: i64) -> Point {
    match t.checked_add(1) {
        Some(next) => (next, 0),
        None => (t, 1),
    }
}

/// Where a range starts: the first point it holds.
pub fn start_point(lower: Bound) -> Point {
    match lower {
        Bound::Unbounded => (i64::MIN, 0),
        Bound::Inclusive(t) => (t, 0),
        Bound::Exclusive(t) => after(t),
    }
}

/// Where a range stops: the first point after it. Unbounded stops after +infinity, as a range
/// ending inclusively at 'infinity' does: both hold every point.
pub fn end_point(upper: Bound) -> Point {
    match upper {
        Bound::Unbounded => (i64::MAX, 1),
        Bound::Exclusive(t) => (t, 0),
        Bound::Inclusive(t) => after(t),
    }
}

const RECORD: usize = 17;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Licenses {
    /// (point, change in seats), in arrival order while aggregating.
    pub events: Vec<(Point, i64)>,
    /// Licences counted (rows), empty ranges and zero seats included.
    pub licenses: i64,
}

impl Licenses {
    /// One licence of `seats` seats valid over a range (`None`: the empty range).
    pub fn add(&mut self, range: Option<(Bound, Bound)>, seats: i64) -> KpiResult<()> {
        if seats < 0 {
            return Err(KpiError::new(
                ErrorKind::InvalidParameter,
                format!("license_agg: seats {seats} is negative"),
                "A licence grants zero or more seats.",
                "Pass the number of seats the licence grants, or filter out such rows.",
            ));
        }
        self.licenses = self
            .licenses
            .checked_add(1)
            .ok_or_else(|| KpiError::overflow(Self::TYPE_NAME))?;
        if let (Some((lower, upper)), true) = (range, seats > 0) {
            crate::kpi::error::reserve(&mut self.events, 2, "license_agg")?;
            self.events.push((start_point(lower), seats));
            self.events.push((end_point(upper), -seats));
        }
        Ok(())
    }

    /// (point, level after it) for every point where the level changes, sorted.
    pub fn steps(&self) -> Vec<(Point, i64)> {
        let mut events = self.events.clone();
        events.sort_unstable_by_key(|e| e.0);
        let mut steps: Vec<(Point, i64)> = Vec::new();
        let mut level: i128 = 0;
        let mut i = 0;
        while i < events.len() {
            let point = events[i].0;
            let mut delta: i128 = 0;
            while i < events.len() && events[i].0 == point {
                delta += events[i].1 as i128;
                i += 1;
            }
            if delta != 0 {
                level += delta;
                // Levels are sums of seats (< 2^31) over at most 2^32 rows: below 2^63.
                steps.push((point, level as i64));
            }
        }
        steps
    }
}

impl Summary for Licenses {
    const TYPE_NAME: &'static str = "license_summary";
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        crate::kpi::error::reserve(&mut self.events, other.events.len(), "license_agg")?;
        self.events.extend_from_slice(&other.events);
        self.licenses = self
            .licenses
            .checked_add(other.licenses)
            .ok_or_else(|| KpiError::overflow(Self::TYPE_NAME))?;
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.licenses == 0
    }

    /// The seats in force at any time stay within a bigint: their sum over all licences does
    /// (found by a hostile test: a rollup wrapped a level and produced an unreadable value).
    fn validate(&self) -> Result<(), String> {
        let granted: i128 = self.events.iter().map(|e| e.1.max(0) as i128).sum();
        if granted > i64::MAX as i128 {
            return Err(
                "The seats of the licences add up to more than 9223372036854775807.".to_string(),
            );
        }
        if self.licenses == 0 && !self.events.is_empty() {
            return Err("A summary of no licence has seats.".to_string());
        }
        Ok(())
    }

    /// licenses (i64), count (u32), then per step: time (i64), phase (u8), level (i64).
    fn write_payload(&self, out: &mut Vec<u8>) {
        let steps = self.steps();
        out.reserve(12 + RECORD * steps.len());
        out.extend_from_slice(&self.licenses.to_be_bytes());
        out.extend_from_slice(&(steps.len() as u32).to_be_bytes());
        for ((t, phase), level) in steps {
            out.extend_from_slice(&t.to_be_bytes());
            out.push(phase);
            out.extend_from_slice(&level.to_be_bytes());
        }
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let view = View::new(bytes)?;
        let mut events = Vec::with_capacity(view.len());
        let mut previous: Option<Point> = None;
        let mut level = 0i64;
        for i in 0..view.len() {
            let (point, next) = view.record(i);
            check_step(previous, point, level, next)?;
            events.push((point, next - level));
            previous = Some(point);
            level = next;
        }
        if level != 0 {
            return Err(format!(
                "The last level is {level}; every licence must end."
            ));
        }
        Ok(Licenses {
            events,
            licenses: view.licenses,
        })
    }

    fn to_text(&self) -> String {
        let steps: Vec<String> = self
            .steps()
            .iter()
            .map(|((t, p), l)| format!("[{t},{p},{l}]"))
            .collect();
        format!(
            "{{\"version\":{},\"licenses\":{},\"steps\":[{}]}}",
            Self::VERSION,
            self.licenses,
            steps.join(",")
        )
    }

    fn from_text(text: &str) -> KpiResult<Self> {
        let read = || -> Result<Self, String> {
            let o = Object::parse(text, &["version", "licenses", "steps"], Self::VERSION)?;
            let licenses = o.count("licenses")?;
            let serde_json::Value::Array(items) = o.value("steps")? else {
                return Err("\"steps\" is not an array.".to_string());
            };
            let mut out = Licenses {
                events: Vec::with_capacity(items.len()),
                licenses,
            };
            let mut previous: Option<Point> = None;
            let mut level = 0i64;
            for (i, item) in items.iter().enumerate() {
                let what = format!("Step {i}");
                let serde_json::Value::Array(parts) = item else {
                    return Err(format!("{what} is not an array [time, phase, level]."));
                };
                let [t, p, l] = parts.as_slice() else {
                    return Err(format!(
                        "{what} does not have three elements [time, phase, level]."
                    ));
                };
                let t = whole_number(t, &format!("The time of {}", what.to_lowercase()))?;
                let p = whole_number(p, &format!("The phase of {}", what.to_lowercase()))?;
                let l = whole_number(l, &format!("The level of {}", what.to_lowercase()))?;
                let phase = u8::try_from(p).ok().filter(|p| *p <= 1).ok_or_else(|| {
                    format!("The phase of {} is {p}; it is 0 or 1.", what.to_lowercase())
                })?;
                check_step(previous, (t, phase), level, l)?;
                out.events.push(((t, phase), l - level));
                previous = Some((t, phase));
                level = l;
            }
            if level != 0 {
                return Err(format!(
                    "The last level is {level}; every licence must end."
                ));
            }
            Ok(out)
        };
        read().map_err(|why| {
            bad_text(
                Self::TYPE_NAME,
                text,
                why,
                "Write a license_summary as {\"version\":1,\"licenses\":n,\"steps\":[[time_us,phase,level],...]} \
                 with the points ascending and the level changing at each, ending at 0.",
            )
        })
    }
}

fn check_step(previous: Option<Point>, point: Point, level: i64, next: i64) -> Result<(), String> {
    // The text reader checks the phase itself; the binary one relies on this (found by the
    // SQL fuzzer: a binary phase of 164 was accepted, and its text then failed to read back).
    if point.1 > 1 {
        return Err(format!(
            "The phase at time {} is {}; it is 0 or 1.",
            point.0, point.1
        ));
    }
    if point.1 == 1 && point.0 != i64::MAX {
        return Err(format!(
            "The phase at time {} is 1 (just after it), which is the instant {}; write it as \
             phase 0 of that instant.",
            point.0,
            point.0 + 1
        ));
    }
    if previous.is_some_and(|p| p >= point) {
        return Err("The change points are not in ascending order.".to_string());
    }
    if next < 0 {
        return Err(format!("Level {next} is negative."));
    }
    if next == level {
        return Err(format!(
            "The level does not change at point ({}, {}).",
            point.0, point.1
        ));
    }
    Ok(())
}

/// A stored summary read in place: framing checked, records found by binary search. The
/// records' order and levels were checked when the value was created or read in.
pub struct View<'a> {
    pub licenses: i64,
    records: &'a [u8],
}

impl<'a> View<'a> {
    pub fn new(payload: &'a [u8]) -> Result<Self, String> {
        let mut r = Reader::new(payload);
        let licenses = r.i64()?;
        if licenses < 0 {
            return Err(format!("The licence count {licenses} is negative."));
        }
        let n = r.len(RECORD)?;
        let records = r.take(n * RECORD)?;
        r.finish()?;
        Ok(View { licenses, records })
    }

    pub fn len(&self) -> usize {
        self.records.len() / RECORD
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    fn record(&self, i: usize) -> (Point, i64) {
        let r = &self.records[i * RECORD..(i + 1) * RECORD];
        let mut t = [0u8; 8];
        t.copy_from_slice(&r[..8]);
        let mut l = [0u8; 8];
        l.copy_from_slice(&r[9..]);
        ((i64::from_be_bytes(t), r[8]), i64::from_be_bytes(l))
    }

    /// How many records have a point <= `p`.
    fn upto(&self, p: Point) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.record(mid).0 <= p {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Seats in force at point `p`.
    pub fn level_at(&self, p: Point) -> i64 {
        match self.upto(p) {
            0 => 0,
            n => self.record(n - 1).1,
        }
    }

    /// The most seats in force at any point of a non-empty range.
    pub fn peak(&self, lower: Bound, upper: Bound) -> i64 {
        let start = start_point(lower);
        let mut peak = self.level_at(start);
        // Points inside the range: after its start, before its end point.
        let end = end_point(upper);
        let mut i = self.upto(start);
        while i < self.len() {
            let (point, level) = self.record(i);
            if point >= end {
                break;
            }
            peak = peak.max(level);
            i += 1;
        }
        peak
    }
}

/// 100 x active users / seats; `None` for no seats.
pub fn utilisation(active_users: i64, seats: i64) -> KpiResult<Option<f64>> {
    if active_users < 0 || seats < 0 {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("utilisation: a negative count (active users {active_users}, seats {seats})"),
            "Active users and seats are counts, zero or more.",
            "Pass counts, such as count(DISTINCT user_id) and the seats in force.",
        ));
    }
    Ok((seats > 0).then(|| 100.0 * active_users as f64 / seats as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Bound::*;

    fn view_of(l: &Licenses) -> Vec<u8> {
        l.to_binary()
    }

    #[test]
    fn binary_phase_is_checked() {
        // licenses 1, one record at time 0 with phase 2 up to level 5, one at time 1 back to 0.
        let mut bytes = vec![Licenses::VERSION];
        bytes.extend_from_slice(&1i64.to_be_bytes());
        bytes.extend_from_slice(&2u32.to_be_bytes());
        for (t, phase, level) in [(0i64, 2u8, 5i64), (1, 0, 0)] {
            bytes.extend_from_slice(&t.to_be_bytes());
            bytes.push(phase);
            bytes.extend_from_slice(&level.to_be_bytes());
        }
        assert!(Licenses::from_binary(&bytes).is_err());
        // Phase 1 of time 0 is the instant 1: only phase 0 is canonical.
        bytes[1 + 8 + 4 + 8] = 1;
        assert!(Licenses::from_binary(&bytes).is_err());
        bytes[1 + 8 + 4 + 8] = 0;
        let ok = Licenses::from_binary(&bytes).unwrap();
        assert_eq!(
            Licenses::from_text(&ok.to_text()).unwrap().to_binary(),
            bytes
        );
    }

    #[test]
    fn just_after_t_is_t_plus_one_microsecond() {
        // (t, x) and [t + 1, x) are the same instants: the same summary, and neither overlaps a
        // licence whose last instant is t, [.., t + 1).
        let t = 1_000_000;
        let mut open = Licenses::default();
        open.add(Some((Exclusive(t), Exclusive(t + 100))), 1)
            .unwrap();
        let mut closed = Licenses::default();
        closed
            .add(Some((Inclusive(t + 1), Exclusive(t + 100))), 1)
            .unwrap();
        assert_eq!(open.to_binary(), closed.to_binary());
        // Likewise an inclusive upper bound t is an exclusive one at t + 1.
        let mut a = Licenses::default();
        a.add(Some((Inclusive(0), Inclusive(t))), 1).unwrap();
        let mut b = Licenses::default();
        b.add(Some((Inclusive(0), Exclusive(t + 1))), 1).unwrap();
        assert_eq!(a.to_binary(), b.to_binary());
        open.add(Some((Inclusive(0), Exclusive(t + 1))), 1).unwrap();
        let bytes = open.to_binary();
        let v = View::new(&bytes[1..]).unwrap();
        assert_eq!(v.peak(Unbounded, Unbounded), 1);
        assert_eq!(v.level_at((t, 0)), 1);
        assert_eq!(v.level_at((t + 1, 0)), 1);
        assert_eq!(v.peak(Inclusive(t), Inclusive(t + 1)), 1);
        // infinity has no next instant: (infinity, ) holds no finite time and ends where an
        // unbounded range does.
        let mut inf = Licenses::default();
        inf.add(Some((Inclusive(0), Inclusive(i64::MAX))), 2)
            .unwrap();
        let mut unbounded = Licenses::default();
        unbounded.add(Some((Inclusive(0), Unbounded)), 2).unwrap();
        assert_eq!(inf.to_binary(), unbounded.to_binary());
        assert!(Licenses::from_text(&inf.to_text()).is_ok());
        assert!(
            Licenses::from_text(r#"{"version":1,"licenses":1,"steps":[[5,1,1],[9,0,0]]}"#).is_err()
        );
    }

    #[test]
    fn overlapping_licences() {
        // [0, 10) 5 seats, [5, 15] 3 seats, (10, unbounded) 2 seats, an empty one.
        let mut l = Licenses::default();
        l.add(Some((Inclusive(0), Exclusive(10))), 5).unwrap();
        l.add(Some((Inclusive(5), Inclusive(15))), 3).unwrap();
        l.add(Some((Exclusive(10), Unbounded)), 2).unwrap();
        l.add(None, 7).unwrap();
        let bytes = view_of(&l);
        let v = View::new(&bytes[1..]).unwrap();
        assert_eq!(v.licenses, 4);
        assert_eq!(v.level_at((-1, 0)), 0);
        assert_eq!(v.level_at((0, 0)), 5);
        assert_eq!(v.level_at((5, 0)), 8);
        assert_eq!(v.level_at((10, 0)), 3); // the first ends, the third not yet begun
        assert_eq!(v.level_at((11, 0)), 5);
        assert_eq!(v.level_at((15, 0)), 5);
        assert_eq!(v.level_at((16, 0)), 2);
        assert_eq!(v.level_at((i64::MAX, 0)), 2);
        assert_eq!(v.peak(Inclusive(0), Exclusive(5)), 5);
        assert_eq!(v.peak(Inclusive(0), Inclusive(5)), 8);
        assert_eq!(v.peak(Exclusive(10), Unbounded), 5);
        assert_eq!(v.peak(Inclusive(10), Inclusive(10)), 3);
        assert_eq!(v.peak(Unbounded, Unbounded), 8);
        let back = Licenses::from_binary(&bytes).unwrap();
        assert_eq!(back.to_binary(), bytes);
        assert_eq!(
            Licenses::from_text(&l.to_text()).unwrap().to_binary(),
            bytes
        );
        assert!(l.add(None, -1).is_err());
        assert!(Licenses::from_text(r#"{"version":1,"licenses":1,"steps":[[0,0,5]]}"#).is_err());
        assert_eq!(utilisation(3, 4).unwrap(), Some(75.0));
        assert_eq!(utilisation(3, 0).unwrap(), None);
    }
}
