//! Summaries of any size: the state of aggregates that keep sets, maps, bitmaps or lists.
//!
//! A fixed set of counters ([`super::counters::Counters`]) covers NPS or a churn rate; MRR
//! histories, distinct users per day or licence timelines grow with the data. What every such
//! summary must offer is the same, and the pgrx layer (`pg::summary`) builds the aggregate
//! plumbing on it once: merge (combine and `rollup()`), a versioned binary form (parallel
//! workers, `send`/`recv`, storage), a text form (`COPY`, Citus), and the invariants every value
//! read back or produced must satisfy.

pub use super::bytes::Reader;
use super::error::{in_range, ErrorKind, KpiError, KpiResult};

/// A KPI summary of variable size.
///
/// The binary form must be **canonical**: two summaries that mean the same thing have the same
/// bytes (sort map keys, normalise bitmaps). What a summary means includes what its text form
/// shows: an `mrr_history` keeps its scale as `numeric` keeps its (`10.0` is not `10.00`), so
/// histories of equal amounts at scales 1 and 2 are different values. Equality and hashing of the SQL type compare those
/// bytes, so `DISTINCT`, `GROUP BY` and `UNION` on stored summaries are right only if this holds.
pub trait Summary: Sized + Default + 'static {
    /// The SQL type name, used in error messages.
    const TYPE_NAME: &'static str;
    /// The format version stored in the first byte of the binary and stored forms.
    const VERSION: u8;

    /// Adds another summary's content to this one: combine, and `rollup()`'s step. Must be
    /// associative and commutative, and must fail (never wrap) when a count would overflow.
    fn merge(&mut self, other: &Self) -> KpiResult<()>;

    /// [`Summary::merge`] of a value the caller is done with, whose parts may be moved
    /// instead of copied (`rollup()` merges each stored summary it has just decoded).
    fn merge_owned(&mut self, other: Self) -> KpiResult<()> {
        self.merge(&other)
    }

    /// Whether nothing was counted: the final function then returns NULL, as every aggregate
    /// does for an empty group.
    fn is_empty(&self) -> bool;

    /// The binary form after the version byte.
    fn write_payload(&self, out: &mut Vec<u8>);

    /// Reads [`Summary::write_payload`]'s output; the error is a DETAIL sentence.
    fn read_payload(bytes: &[u8]) -> Result<Self, String>;

    /// Text form, read back by [`Summary::from_text`] exactly. By default the form of an
    /// aggregate state type (`kpi::state_text`): the state's binary form in hex, named by
    /// [`Summary::TYPE_NAME`].
    fn to_text(&self) -> String {
        super::state_text::to_text(Self::TYPE_NAME, &self.to_state_binary())
    }

    /// Parses the text form; errors are [`ErrorKind::BadText`] and say what was expected.
    fn from_text(text: &str) -> KpiResult<Self> {
        super::state_text::from_text::<Self>(Self::TYPE_NAME, text)
    }

    /// The invariants of a valid value beyond what parsing checks; the error is a DETAIL
    /// sentence. Checked on every value read back and on every value a merge produces.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    /// Text the summary holds (customer keys of type `text`, kept as UTF-8), for the pgrx
    /// layer to check against the database's encoding: a value whose text output could not
    /// write must be refused on input, or `pg_dump` of a table holding it would fail.
    fn texts(&self) -> Vec<&[u8]> {
        Vec::new()
    }

    /// Finishes work a transition deferred (rows buffered to be added in batches). It changes
    /// the representation, never the value: every other method gives the same result before
    /// and after, so a summary that is read without it is still right, only slower to read.
    /// The aggregate plumbing calls it before writing, validating or returning a state.
    fn settle(&mut self) {}

    /// Finishes a state whose content is final (the final function): a summary whose partial
    /// states may hold what a finished value may not (MRR credits not yet netted) checks and
    /// normalises it here. Value-preserving, so a window aggregate may go on adding rows.
    fn finish(&mut self) -> KpiResult<()> {
        Ok(())
    }

    /// Whether [`Summary::finish`] would change the value's representation: the final
    /// function then finishes a copy, so that the aggregate's state is never changed by it.
    fn needs_finish(&self) -> bool {
        false
    }

    /// The binary form of an aggregate state sent between parallel workers: the stored form,
    /// unless the type's partial states need more (see [`Summary::finish`]).
    fn to_state_binary(&self) -> Vec<u8> {
        self.to_binary()
    }

    /// Reads [`Summary::to_state_binary`]'s output.
    fn from_state_binary(bytes: &[u8]) -> KpiResult<Self> {
        Self::from_binary(bytes)
    }

    /// Version byte, then the payload.
    fn to_binary(&self) -> Vec<u8> {
        let mut out = vec![Self::VERSION];
        self.write_payload(&mut out);
        out
    }

    /// The length of [`Summary::to_binary`]'s output, for a summary that can tell it cheaply
    /// and write itself into a buffer of that size ([`Summary::write_binary`]). A datum of
    /// such a summary is written once, in place, instead of into a vector that is then
    /// copied: for a month of daily activity (half a megabyte) that halves the memory the
    /// final function touches. `None` (the default): only the vector form.
    fn binary_len(&self) -> Option<usize> {
        None
    }

    /// Writes [`Summary::to_binary`]'s output into `out`, which is [`Summary::binary_len`]
    /// bytes long; false, with `out` partly written, if it is not exactly that long.
    fn write_binary(&self, out: &mut [u8]) -> bool {
        let bytes = self.to_binary();
        if bytes.len() != out.len() {
            return false;
        }
        out.copy_from_slice(&bytes);
        true
    }

    /// Reads [`Summary::to_binary`]'s output, checking the version and the invariants.
    fn from_binary(bytes: &[u8]) -> KpiResult<Self> {
        let bad = |why: String| {
            KpiError::new(
                ErrorKind::BadBinary,
                format!("invalid binary {} value", Self::TYPE_NAME),
                why,
                format!(
                    "The value was written by another version of csmetrics or is corrupt \
                     (this version reads format version {}); recompute it from the raw data.",
                    Self::VERSION
                ),
            )
        };
        let payload = payload_of(bytes, Self::VERSION).map_err(bad)?;
        let value = Self::read_payload(payload).map_err(bad)?;
        value.validate().map_err(bad)?;
        Ok(value)
    }

    /// [`Summary::merge`], then the invariants: a merge must never produce a value that the
    /// type's own input functions would reject (a table holding it could not be restored).
    fn merge_checked(&mut self, other: &Self) -> KpiResult<()> {
        self.merge(other)?;
        self.check_merged()
    }

    /// [`Summary::merge_owned`], then the invariants.
    fn merge_owned_checked(&mut self, other: Self) -> KpiResult<()> {
        self.merge_owned(other)?;
        self.check_merged()
    }

    /// The invariants of a merge's result, as an out-of-range error.
    fn check_merged(&self) -> KpiResult<()> {
        in_range(
            self.validate(),
            Self::TYPE_NAME,
            "Merge fewer summaries at a time, or check the summaries for corrupt counts.",
        )
    }
}

/// The payload of a binary form after its version byte, which must be `version`; the error is
/// a DETAIL sentence. Every binary form of the extension starts this way.
pub fn payload_of(bytes: &[u8], version: u8) -> Result<&[u8], String> {
    match bytes.split_first() {
        None => Err("The value is empty.".to_string()),
        Some((v, _)) if *v != version => Err(format!(
            "Format version {v} is not supported; this version of csmetrics reads version {version}."
        )),
        Some((_, payload)) => Ok(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy summary: a sorted list of distinct numbers.
    #[derive(Debug, Default, PartialEq)]
    struct Set(Vec<u32>);

    impl Summary for Set {
        const TYPE_NAME: &'static str = "toy_set";
        const VERSION: u8 = 1;
        fn merge(&mut self, other: &Self) -> KpiResult<()> {
            self.0.extend_from_slice(&other.0);
            self.0.sort_unstable();
            self.0.dedup();
            Ok(())
        }
        fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
        fn write_payload(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&(self.0.len() as u32).to_be_bytes());
            for v in &self.0 {
                out.extend_from_slice(&v.to_be_bytes());
            }
        }
        fn read_payload(bytes: &[u8]) -> Result<Self, String> {
            let mut r = Reader::new(bytes);
            let n = r.len(4)?;
            let v = (0..n).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?;
            r.finish()?;
            Ok(Set(v))
        }
        fn to_text(&self) -> String {
            format!("{:?}", self.0)
        }
        fn from_text(_: &str) -> KpiResult<Self> {
            Ok(Set::default())
        }
        fn validate(&self) -> Result<(), String> {
            if self.0.windows(2).all(|w| w[0] < w[1]) {
                Ok(())
            } else {
                Err("The numbers are not sorted and distinct.".to_string())
            }
        }
    }

    #[test]
    fn binary_round_trip_and_corruption() {
        let s = Set(vec![1, 5, 9]);
        let bytes = s.to_binary();
        assert_eq!(Set::from_binary(&bytes), Ok(Set(vec![1, 5, 9])));
        assert_eq!(
            Set::from_binary(&[]).unwrap_err().kind,
            ErrorKind::BadBinary
        );
        let mut v2 = bytes.clone();
        v2[0] = 2;
        assert!(Set::from_binary(&v2).is_err());
        // A length claiming a billion elements is refused before anything is allocated.
        assert!(Set::from_binary(&[1, 0x40, 0, 0, 0]).is_err());
        assert!(Set::from_binary(&bytes[..bytes.len() - 1]).is_err());
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Set::from_binary(&extra).is_err());
        // Valid framing, broken invariant.
        let unsorted = Set(vec![9, 1]).to_binary();
        assert!(Set::from_binary(&unsorted).is_err());
    }

    #[test]
    fn merge_checked_validates() {
        let mut a = Set(vec![1, 2]);
        a.merge_checked(&Set(vec![2, 3])).unwrap();
        assert_eq!(a, Set(vec![1, 2, 3]));
    }
}
