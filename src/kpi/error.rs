//! Errors raised by the KPI maths, in PostgreSQL's message style.
//!
//! The maths knows nothing of PostgreSQL; it says *which kind* of error happened and the text a
//! user should read. The pgrx layer maps [`ErrorKind`] to a SQLSTATE and raises it.

use std::fmt;

/// The class of an error, one per SQLSTATE the extension raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 22003 numeric_value_out_of_range: an input value outside what the metric allows.
    OutOfRange,
    /// 22023 invalid_parameter_value: a parameter (threshold, scale, confidence) is not allowed.
    InvalidParameter,
    /// 22P02 invalid_text_representation: a summary's text form could not be read.
    BadText,
    /// 22P03 invalid_binary_representation: a summary's binary form could not be read.
    BadBinary,
    /// 53200 out_of_memory: a state could not grow (see [`reserve`]).
    OutOfMemory,
}

/// A state's invariants (`valid`, the broken one's description as the error) as the error a
/// state that grew past what it can hold, or was read from corrupt counts, raises (22003).
pub fn in_range(valid: Result<(), String>, type_name: &str, hint: &str) -> KpiResult<()> {
    valid.map_err(|why| {
        KpiError::new(
            ErrorKind::OutOfRange,
            format!("{type_name} is out of range"),
            why,
            hint,
        )
    })
}

/// A user-facing error: primary message (lower case, no period), DETAIL and HINT (sentences).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiError {
    pub kind: ErrorKind,
    pub message: String,
    pub detail: String,
    pub hint: String,
}

impl KpiError {
    /// Errors are boxed: a `KpiResult` then stays two words wide, so the per-row checks that
    /// return one cost nothing on the path where no error happens.
    #[cold]
    pub fn new(
        kind: ErrorKind,
        message: impl Into<String>,
        detail: impl Into<String>,
        hint: impl Into<String>,
    ) -> Box<Self> {
        Box::new(KpiError {
            kind,
            message: message.into(),
            detail: detail.into(),
            hint: hint.into(),
        })
    }

    /// A counter or sum that no longer fits in 64 bits.
    #[cold]
    pub fn overflow(what: &str) -> Box<Self> {
        KpiError::new(
            ErrorKind::OutOfRange,
            format!("{what} is out of range"),
            "A count went past the largest 64-bit integer, 9223372036854775807.",
            "Aggregate smaller groups, or check the summaries being merged for corrupt counts.",
        )
    }
}

/// Room for `additional` more elements in `c` (a vector or a hash map), or 53200 naming
/// `what`: the growth sites of states that grow with the data call this before they grow, so
/// that a state too large for the memory left is an ERROR that rolls back one query. (Other
/// allocations that fail are rescued by the allocator's emergency reserve, or end the
/// session when even that is not enough: see `pg::alloc`.) Costs one compare while there is
/// room.
#[inline(always)]
pub fn reserve<C: Grow>(c: &mut C, additional: usize, what: &str) -> KpiResult<()> {
    if c.spare() >= additional {
        return Ok(());
    }
    grow(c, additional, what)
}

/// A collection that can grow fallibly (`try_reserve`).
pub trait Grow {
    /// Elements that fit before it must grow.
    fn spare(&self) -> usize;
    fn len(&self) -> usize;
    fn element_bytes(&self) -> usize;
    /// Room for `additional` more elements, growing as a push would (doubling).
    fn try_grow(&mut self, additional: usize) -> Result<(), std::collections::TryReserveError>;
}

impl<T> Grow for Vec<T> {
    #[inline(always)]
    fn spare(&self) -> usize {
        self.capacity() - self.len()
    }
    fn len(&self) -> usize {
        self.len()
    }
    fn element_bytes(&self) -> usize {
        std::mem::size_of::<T>()
    }
    fn try_grow(&mut self, additional: usize) -> Result<(), std::collections::TryReserveError> {
        // Doubling, as push would; an eighth more, then the exact room, when twice as much
        // is not there (each step still amortises the copy).
        let cap = self.capacity();
        self.try_reserve(additional.max(cap))
            .or_else(|_| self.try_reserve(additional.max(cap / 8)))
            .or_else(|_| self.try_reserve(additional))
    }
}

impl<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher> Grow
    for std::collections::HashMap<K, V, S>
{
    #[inline(always)]
    fn spare(&self) -> usize {
        self.capacity() - self.len()
    }
    fn len(&self) -> usize {
        self.len()
    }
    fn element_bytes(&self) -> usize {
        // A bucket and its control byte.
        std::mem::size_of::<(K, V)>() + 1
    }
    fn try_grow(&mut self, additional: usize) -> Result<(), std::collections::TryReserveError> {
        // The table doubles by itself when it must grow.
        self.try_reserve(additional)
    }
}

/// Set while a growth site asks for memory it can do without: the global allocator (see
/// `pg::alloc`) then returns the failure to `try_reserve` instead of rescuing or ending the
/// session.
pub static FALLIBLE_ALLOCATION: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

#[cold]
#[inline(never)]
fn grow<C: Grow>(c: &mut C, additional: usize, what: &str) -> KpiResult<()> {
    use std::sync::atomic::Ordering::Relaxed;
    FALLIBLE_ALLOCATION.store(true, Relaxed);
    let reserved = c.try_grow(additional);
    FALLIBLE_ALLOCATION.store(false, Relaxed);
    reserved.map_err(|_| {
        out_of_memory(
            what,
            (c.len() + additional).saturating_mul(c.element_bytes()),
        )
    })
}

/// 53200 for a state of `what` that could not grow to about `bytes`.
#[cold]
pub fn out_of_memory(what: &str, bytes: usize) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::OutOfMemory,
        "out of memory",
        format!(
            "The state of {what} could not grow to {} MB: the server process has no \
                 more memory to give.",
            bytes.div_ceil(1 << 20)
        ),
        "Aggregate smaller groups, or raise the memory available to the server.",
    )
}

impl fmt::Display for KpiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for KpiError {}

pub type KpiResult<T> = Result<T, Box<KpiError>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_grows_vectors_and_maps_by_doubling() {
        let mut v: Vec<u64> = Vec::with_capacity(8);
        v.extend(0..8);
        reserve(&mut v, 1, "x").unwrap();
        assert!(v.capacity() >= 16);
        let mut m: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
        reserve(&mut m, 100, "x").unwrap();
        assert!(m.capacity() >= 100);
        for i in 0..m.capacity() as u64 {
            m.insert(i, i);
        }
        let before = m.capacity();
        reserve(&mut m, 1, "x").unwrap();
        assert!(m.capacity() >= 2 * before - 1);
    }

    #[test]
    fn a_reservation_that_cannot_be_had_is_out_of_memory() {
        let mut v: Vec<u64> = vec![1];
        let e = reserve(&mut v, usize::MAX / 4, "mrr_agg").unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfMemory);
        assert_eq!(e.message, "out of memory");
        assert!(
            e.detail
                .starts_with("The state of mrr_agg could not grow to "),
            "{}",
            e.detail
        );
        assert_eq!(v, [1]);
        let mut m: std::collections::HashMap<u64, u64> = [(1, 1)].into_iter().collect();
        let e = reserve(&mut m, usize::MAX / 4, "active_ratio").unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfMemory);
        assert!(e.detail.contains("active_ratio"));
        assert_eq!(m.len(), 1);
    }
}
