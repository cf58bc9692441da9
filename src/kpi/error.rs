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

/// Room for `additional` more elements in `v`, or 53200 naming `what`: the growth sites of
/// states that grow with the data call this before pushing, so that a state too large for the
/// memory left is an ERROR that rolls back one query. (An allocation that fails elsewhere ends
/// the session instead: see `pg::alloc`.) Costs one compare while there is room.
#[inline(always)]
pub fn reserve<T>(v: &mut Vec<T>, additional: usize, what: &str) -> KpiResult<()> {
    if v.capacity() - v.len() >= additional {
        return Ok(());
    }
    grow(v, additional, what)
}

/// Set while a growth site asks for memory it can do without: the global allocator (see
/// `pg::alloc`) then returns the failure to `try_reserve` instead of ending the session.
pub static FALLIBLE_ALLOCATION: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

#[cold]
#[inline(never)]
fn grow<T>(v: &mut Vec<T>, additional: usize, what: &str) -> KpiResult<()> {
    use std::sync::atomic::Ordering::Relaxed;
    // Doubling, as push would; try_reserve returns an error where push would abort.
    let wanted = additional.max(v.capacity());
    FALLIBLE_ALLOCATION.store(true, Relaxed);
    let reserved = v.try_reserve(wanted).or_else(|_| v.try_reserve(additional));
    FALLIBLE_ALLOCATION.store(false, Relaxed);
    reserved.map_err(|_| {
        let bytes = (v.len() + additional).saturating_mul(std::mem::size_of::<T>());
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
    })
}

impl fmt::Display for KpiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for KpiError {}

pub type KpiResult<T> = Result<T, Box<KpiError>>;
