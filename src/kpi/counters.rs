//! Fixed sets of 64-bit counters: the state of every counting aggregate.
//!
//! A counting KPI (NPS, CSAT, churn rate, ...) only ever adds one to a counter, merges two sets
//! of counters, or takes back what it added. Those three operations, and the binary form, are
//! the same for every such state, so they live here once; a state type only says how many
//! counters it has and what its text form looks like.

use super::error::{in_range, ErrorKind, KpiError, KpiResult};
use super::summary::payload_of;

/// A `#[repr(C)]` struct made only of `i64` counters, stored inline in a PostgreSQL varlena.
///
/// # Safety
/// Implementors must be `#[repr(C)]`, contain exactly `LEN` `i64` fields and nothing else, so
/// that the struct can be viewed as `[i64; LEN]`.
pub unsafe trait Counters: Copy + Default + PartialEq + std::fmt::Debug + 'static {
    /// How many `i64` counters the struct holds.
    const LEN: usize;
    /// The SQL type name, used in error messages.
    const TYPE_NAME: &'static str;
    /// The format version stored in the first byte of the binary and on-disk forms.
    const VERSION: u8;

    /// Text form, read back by [`Counters::from_text`] exactly.
    fn to_text(&self) -> String;
    /// Parses the text form; errors are [`ErrorKind::BadText`] and say what was expected.
    fn from_text(text: &str) -> KpiResult<Self>;

    fn as_slice(&self) -> &[i64] {
        // SAFETY: the trait contract makes Self a #[repr(C)] array of LEN i64.
        unsafe { std::slice::from_raw_parts(self as *const Self as *const i64, Self::LEN) }
    }

    fn as_mut_slice(&mut self) -> &mut [i64] {
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts_mut(self as *mut Self as *mut i64, Self::LEN) }
    }

    /// Adds another state's counters to this one (the combine step). The result satisfies
    /// [`Counters::validate`] or is an error: a merge never produces a value that the type's
    /// own input functions would reject.
    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        for (mine, theirs) in self.as_mut_slice().iter_mut().zip(other.as_slice()) {
            *mine = mine
                .checked_add(*theirs)
                .ok_or_else(|| KpiError::overflow(Self::TYPE_NAME))?;
        }
        self.check()
    }

    /// Takes another state's counters back out (the exact inverse of [`Counters::merge`]),
    /// with the same guarantee.
    fn unmerge(&mut self, other: &Self) -> KpiResult<()> {
        for (mine, theirs) in self.as_mut_slice().iter_mut().zip(other.as_slice()) {
            match mine.checked_sub(*theirs) {
                Some(v) if v >= 0 => *mine = v,
                _ => return Err(negative_count(Self::TYPE_NAME)),
            }
        }
        self.validate()
            .map_err(|why| inconsistent_take_back(Self::TYPE_NAME, why))
    }

    /// [`Counters::validate`] as an error a state-producing function raises (22003).
    fn check(&self) -> KpiResult<()> {
        in_range(
            self.validate(),
            Self::TYPE_NAME,
            "Aggregate or merge smaller groups, or check the summaries for corrupt counts.",
        )
    }

    /// Binary form: the version byte, then each counter as a big-endian `i64`.
    fn to_binary(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + 8 * Self::LEN);
        out.push(Self::VERSION);
        for c in self.as_slice() {
            out.extend_from_slice(&c.to_be_bytes());
        }
        out
    }

    /// Reads [`Counters::to_binary`]'s output, checking version, length and signs.
    fn from_binary(bytes: &[u8]) -> KpiResult<Self> {
        let expected = 1 + 8 * Self::LEN;
        let bad = |why: String| {
            KpiError::new(
                ErrorKind::BadBinary,
                format!("invalid binary {} value", Self::TYPE_NAME),
                why,
                format!(
                    "The binary form is one version byte ({}) followed by {} big-endian 64-bit counts.",
                    Self::VERSION,
                    Self::LEN
                ),
            )
        };
        let payload = payload_of(bytes, Self::VERSION).map_err(bad)?;
        if payload.len() != expected - 1 {
            return Err(bad(format!(
                "The value has {} bytes; {expected} were expected.",
                bytes.len()
            )));
        }
        let mut state = Self::default();
        for (slot, chunk) in state.as_mut_slice().iter_mut().zip(payload.chunks_exact(8)) {
            let mut be = [0u8; 8];
            be.copy_from_slice(chunk);
            *slot = i64::from_be_bytes(be);
        }
        state.validate().map_err(bad)?;
        Ok(state)
    }

    /// The invariants of a valid state, checked on every value read from text or binary;
    /// the error is a DETAIL sentence. Every counter is zero or more; types add their own.
    fn validate(&self) -> Result<(), String> {
        non_negative(self.as_slice())
    }
}

/// The check every counter type's `validate` starts with: no count below zero.
pub fn non_negative(counts: &[i64]) -> Result<(), String> {
    match counts.iter().find(|c| **c < 0) {
        Some(c) => Err(format!("Count {c} is negative.")),
        None => Ok(()),
    }
}

/// A moving-aggregate inverse that was asked to take back something the state never held
/// (a summary not merged before, or a row counted differently when it was added).
#[cold]
pub fn inconsistent_take_back(type_name: &str, why: String) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        format!("cannot take back from a {type_name} what it does not hold"),
        why,
        "Only take back rows or summaries that were added before, with the same arguments.",
    )
}

#[cold]
fn negative_count(type_name: &str) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        format!("cannot subtract a larger {type_name} from a smaller one"),
        "Subtracting would leave a negative count.",
        "Only subtract summaries that were merged into this one before.",
    )
}

/// Adds one to a counter, the per-row step of every counting aggregate.
#[inline]
pub fn bump(counter: &mut i64, type_name: &str) -> KpiResult<()> {
    *counter = counter
        .checked_add(1)
        .ok_or_else(|| KpiError::overflow(type_name))?;
    Ok(())
}

/// Takes one back from a counter, the per-row step of every moving-aggregate inverse.
#[inline]
pub fn unbump(counter: &mut i64, type_name: &str) -> KpiResult<()> {
    if *counter <= 0 {
        return Err(negative_count(type_name));
    }
    *counter -= 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::share::Share;
    use crate::kpi::survey::SurveyCounts;

    use crate::kpi::testing::Rng;

    /// A count that is often at an edge: 0, 1, 2^62, i64::MAX - 1, i64::MAX.
    fn edge_count(rng: &mut Rng) -> i64 {
        const EDGES: [i64; 6] = [0, 1, 2, 1 << 62, i64::MAX - 1, i64::MAX];
        if rng.below(2) == 0 {
            EDGES[rng.below(6) as usize]
        } else {
            rng.below(1000) as i64
        }
    }
    /// Whatever a state-producing step returns when it succeeds reads back through both forms.
    fn reads_back<T: Counters>(value: &T) {
        assert_eq!(
            T::from_text(&value.to_text()).as_ref(),
            Ok(value),
            "{value:?}"
        );
        assert_eq!(
            T::from_binary(&value.to_binary()).as_ref(),
            Ok(value),
            "{value:?}"
        );
    }

    /// A random value that the input functions accept.
    fn valid<T: Counters>(rng: &mut Rng) -> T {
        loop {
            let mut v = T::default();
            for c in v.as_mut_slice() {
                *c = if rng.below(3) == 0 {
                    edge_count(rng)
                } else {
                    0
                };
            }
            if v.validate().is_ok() {
                return v;
            }
        }
    }

    /// Any sequence of merges, unmerges, bumps and unbumps from valid values yields either an
    /// error or a value whose text and binary forms read back.
    fn any_sequence_reads_back<T: Counters>(seed: u64) {
        let mut rng = Rng(seed);
        let (mut ok, mut failed) = (0, 0);
        let mut state = T::default();
        for _ in 0..20_000 {
            let other: T = valid(&mut rng);
            let mut next = state;
            let slot = rng.below(T::LEN as u64) as usize;
            let result = match rng.below(5) {
                0 => next.merge(&other),
                1 => next.unmerge(&other),
                2 => bump(&mut next.as_mut_slice()[slot], T::TYPE_NAME).and_then(|_| next.check()),
                3 => {
                    unbump(&mut next.as_mut_slice()[slot], T::TYPE_NAME).and_then(|_| next.check())
                }
                _ => {
                    next = other;
                    Ok(())
                }
            };
            match result {
                Ok(()) => {
                    reads_back(&next);
                    state = next;
                    ok += 1;
                }
                Err(e) => {
                    assert!(matches!(
                        e.kind,
                        ErrorKind::OutOfRange | ErrorKind::InvalidParameter
                    ));
                    failed += 1;
                }
            }
        }
        // Both outcomes were exercised, so the property was tested, not assumed.
        assert!(ok > 1000 && failed > 1000, "{ok} ok, {failed} failed");
    }

    #[test]
    fn survey_summary_sequences_read_back() {
        any_sequence_reads_back::<SurveyCounts>(0x5eed);
    }

    #[test]
    fn share_state_sequences_read_back() {
        any_sequence_reads_back::<Share>(0xbeef);
    }

    /// Splitting the rows anywhere and merging the two states equals one pass; merge is
    /// commutative and associative, and unmerge undoes it.
    #[test]
    fn split_anywhere_then_merge_equals_one_pass() {
        let mut rng = Rng(7);
        for _ in 0..200 {
            let rows: Vec<usize> = (0..rng.below(300))
                .map(|_| rng.below(11) as usize)
                .collect();
            let count = |rows: &[usize]| {
                let mut s = SurveyCounts::default();
                for r in rows {
                    bump(&mut s.counts[*r], "t").unwrap();
                }
                s
            };
            let whole = count(&rows);
            let cut = rng.below(rows.len() as u64 + 1) as usize;
            let cut2 = cut + rng.below((rows.len() - cut) as u64 + 1) as usize;
            let (a, b, c) = (
                count(&rows[..cut]),
                count(&rows[cut..cut2]),
                count(&rows[cut2..]),
            );
            let mut ab_c = a;
            ab_c.merge(&b).unwrap();
            ab_c.merge(&c).unwrap();
            let mut c_ba = c;
            c_ba.merge(&b).unwrap();
            c_ba.merge(&a).unwrap();
            assert_eq!(ab_c, whole);
            assert_eq!(c_ba, whole);
            ab_c.unmerge(&b).unwrap();
            let mut ac = a;
            ac.merge(&c).unwrap();
            assert_eq!(ab_c, ac);
        }
    }

    /// The parsers never panic on arbitrary bytes or text: a value or a clean error.
    #[test]
    fn parsers_never_panic() {
        let mut rng = Rng(99);
        let seeds = [
            SurveyCounts::default().to_text(),
            Share::default().to_text(),
            r#"{"version":1,"counts":[1e400,-0,18446744073709551616]}"#.to_string(),
        ];
        for _ in 0..20_000 {
            let len = rng.below(120) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
            let _ = SurveyCounts::from_binary(&bytes);
            let _ = Share::from_binary(&bytes);
            // Mutations of valid text: flip, drop or insert characters.
            let mut text: Vec<char> = seeds[rng.below(3) as usize].chars().collect();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(text.len() as u64 + 1) as usize;
                let c = char::from_u32(rng.below(0x80) as u32).unwrap_or('x');
                match rng.below(3) {
                    0 if at < text.len() => text[at] = c,
                    1 if at < text.len() => {
                        text.remove(at);
                    }
                    _ => text.insert(at, c),
                }
            }
            let text: String = text.into_iter().collect();
            for result in [
                SurveyCounts::from_text(&text).err(),
                Share::from_text(&text).err(),
            ]
            .into_iter()
            .flatten()
            {
                assert_eq!(result.kind, ErrorKind::BadText, "{text}");
            }
        }
    }
}
