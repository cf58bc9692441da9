//! Stored values read in place: a version byte, then a payload that a view reads without
//! decoding the whole value (a timeline of 365 points must not parse a summary 365 times).
//! One helper, so that every such view checks the version the same way and reports a bad
//! value with one error text, the one the binary input of every summary type gives.

use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::payload_of;

/// The view `parse` makes of `bytes`, a stored value of `type_name` whose first byte must be
/// `version`; a wrong version, an empty value or a payload `parse` refuses (its error is a
/// DETAIL sentence) is ERROR 22P03.
pub fn versioned_view<'a, V>(
    type_name: &str,
    version: u8,
    bytes: &'a [u8],
    parse: impl FnOnce(&'a [u8]) -> Result<V, String>,
) -> KpiResult<V> {
    payload_of(bytes, version)
        .and_then(parse)
        .map_err(|why| invalid_stored(type_name, version, why))
}

/// The error of a stored value that cannot be read: `why` says what is wrong.
#[cold]
pub fn invalid_stored(type_name: &str, version: u8, why: String) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::BadBinary,
        format!("invalid binary {type_name} value"),
        why,
        format!(
            "The value was written by another version of csmetrics or is corrupt (this version \
             reads format version {version}); recompute it from the raw data."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(payload: &[u8]) -> Result<usize, String> {
        match payload {
            [] => Err("The payload is empty.".to_string()),
            p => Ok(p.len()),
        }
    }

    #[test]
    fn reads_the_payload_of_its_version() {
        assert_eq!(versioned_view("t", 3, &[3, 9, 9], parse).unwrap(), 2);
    }

    #[test]
    fn refuses_other_versions_empty_values_and_bad_payloads() {
        let e = versioned_view("t", 3, &[4, 9], parse).unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadBinary);
        assert_eq!(e.message, "invalid binary t value");
        assert_eq!(
            e.detail,
            "Format version 4 is not supported; this version of csmetrics reads version 3."
        );
        assert!(e.hint.contains("reads format version 3"));
        let e = versioned_view("t", 3, &[], parse).unwrap_err();
        assert_eq!(e.detail, "The value is empty.");
        let e = versioned_view("t", 3, &[3], parse).unwrap_err();
        assert_eq!(e.detail, "The payload is empty.");
    }
}
