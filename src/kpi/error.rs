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

impl fmt::Display for KpiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for KpiError {}

pub type KpiResult<T> = Result<T, Box<KpiError>>;
