//! Fixed sets of 64-bit counters: the state of every counting aggregate.
//!
//! A counting KPI (NPS, CSAT, churn rate, ...) only ever adds one to a counter, merges two sets
//! of counters, or takes back what it added. Those three operations, and the binary form, are
//! the same for every such state, so they live here once; a state type only says how many
//! counters it has and what its text form looks like.

use super::error::{ErrorKind, KpiError, KpiResult};

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
        self.validate().map_err(|why| {
            KpiError::new(
                ErrorKind::OutOfRange,
                format!("{} is out of range", Self::TYPE_NAME),
                why,
                "Aggregate or merge smaller groups, or check the summaries for corrupt counts.",
            )
        })
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
        if bytes.first() != Some(&Self::VERSION) {
            return Err(bad(match bytes.first() {
                Some(v) => format!("Format version {v} is not supported."),
                None => "The value is empty.".to_string(),
            }));
        }
        if bytes.len() != expected {
            return Err(bad(format!(
                "The value has {} bytes; {expected} were expected.",
                bytes.len()
            )));
        }
        let mut state = Self::default();
        for (slot, chunk) in state
            .as_mut_slice()
            .iter_mut()
            .zip(bytes[1..].chunks_exact(8))
        {
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
