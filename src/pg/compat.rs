//! Everything that differs between the PostgreSQL majors csmetrics builds for (15 to 18), in
//! one place: the families call these and never test a version themselves. Each major is a
//! Cargo feature (pg15 ... pg18) that selects pgrx's bindings for it.

#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys;
use std::ffi::c_char;

/// The kind of token `lower` (a down-cased, NUL-terminated name) is among the session's time
/// zone abbreviations: `pg_sys::TZ`, `DTZ` or `DYNTZ` for an abbreviation, anything else when it
/// is not one.
///
/// From 16 on the lookup reports the kind through an out argument and takes an error-detail
/// buffer; a dynamic abbreviation whose zone cannot be loaded is still reported as `DYNTZ`, so
/// the caller's slow path (PostgreSQL's own `timezone()`) raises the error as it would in 15.
///
/// # Safety
/// `lower` is a live NUL-terminated string.
pub unsafe fn timezone_abbrev_kind(lower: *mut c_char) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { timezone_abbrev(lower).0 }
}

/// [`timezone_abbrev_kind`] and the abbreviation's offset in seconds east of UTC, which is
/// what `timezone(abbrev, ts)` adds for the fixed kinds (`TZ`, `DTZ`); meaningless otherwise.
///
/// # Safety
/// `lower` is a live NUL-terminated string.
pub unsafe fn timezone_abbrev(lower: *mut c_char) -> (u32, i32) {
    let (mut offset, mut zone) = (0, std::ptr::null_mut());
    #[cfg(feature = "pg15")]
    // SAFETY: `lower` per the contract; the out arguments are live locals.
    unsafe {
        let kind = pg_sys::DecodeTimezoneAbbrev(0, lower, &mut offset, &mut zone) as u32;
        (kind, offset)
    }
    #[cfg(not(feature = "pg15"))]
    // SAFETY: as above; an all-zero `DateTimeErrorExtra` is valid (null pointers).
    unsafe {
        let mut kind = 0;
        let mut extra: pg_sys::DateTimeErrorExtra = std::mem::zeroed();
        pg_sys::DecodeTimezoneAbbrev(0, lower, &mut kind, &mut offset, &mut zone, &mut extra);
        (kind as u32, offset)
    }
}
