//! Text form of aggregate state types (`mrr_state`): what Citus ships between nodes when it
//! uses the text path, and what `SELECT`ing a partial state prints. A state's meaning is its
//! binary form ([`super::summary::Summary::to_state_binary`], version byte first), so the text
//! form carries those bytes in hex inside a small JSON object naming the type:
//!
//! ```text
//! {"type":"mrr_state","binary":"81010200..."}
//! ```
//!
//! The parser is strict: exactly that shape, lower-case hex, an even number of digits.

use super::error::{ErrorKind, KpiError, KpiResult};
use super::summary::Summary;

/// The text form of a state whose binary form is `bytes`.
pub fn to_text(type_name: &str, bytes: &[u8]) -> String {
    let mut out = String::with_capacity(32 + 2 * bytes.len());
    out.push_str("{\"type\":\"");
    out.push_str(type_name);
    out.push_str("\",\"binary\":\"");
    for b in bytes {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    out.push_str("\"}");
    out
}

/// The binary form in [`to_text`]'s output; the error is a DETAIL sentence.
pub fn parse(type_name: &str, text: &str) -> Result<Vec<u8>, String> {
    if let Some(why) = super::text::duplicate_key(text) {
        return Err(why);
    }
    let prefix = format!("{{\"type\":\"{type_name}\",\"binary\":\"");
    let Some(rest) = text.strip_prefix(&prefix) else {
        return Err(format!("The value must start with {prefix}."));
    };
    let Some(hex) = rest.strip_suffix("\"}") else {
        return Err("The value must end with \"}.".to_string());
    };
    if hex.len() % 2 != 0 {
        return Err(format!(
            "The binary form has an odd number of hex digits ({}).",
            hex.len()
        ));
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    hex.as_bytes()
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| match (digit(pair[0]), digit(pair[1])) {
            (Some(hi), Some(lo)) => Ok(hi << 4 | lo),
            _ => Err(format!(
                "The binary form holds {:?} at byte {i}, not two lower-case hex digits.",
                String::from_utf8_lossy(pair)
            )),
        })
        .collect()
}

/// Reads a state of type `type_name` from its text form: the shape, then the binary form with
/// its version and invariants, all as 22P02 errors.
pub fn from_text<T: Summary>(type_name: &str, text: &str) -> KpiResult<T> {
    let bad = |why: String| {
        KpiError::new(
            ErrorKind::BadText,
            format!(
                "invalid input syntax for type {type_name}: \"{}\"",
                super::text::echo(text)
            ),
            why,
            format!(
                "Write the value as its output function prints it: \
                 {{\"type\":\"{type_name}\",\"binary\":\"<hex digits>\"}}."
            ),
        )
    };
    let bytes = parse(type_name, text).map_err(bad)?;
    T::from_state_binary(&bytes).map_err(|e| bad(e.detail.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for bytes in [vec![], vec![0x81, 0, 255, 16]] {
            assert_eq!(
                parse("x_state", &to_text("x_state", &bytes)).unwrap(),
                bytes
            );
        }
        assert_eq!(
            to_text("x_state", &[0x81, 0x0f]),
            r#"{"type":"x_state","binary":"810f"}"#
        );
    }

    #[test]
    fn strict() {
        for bad in [
            r#"{"type":"y_state","binary":"81"}"#,
            r#"{"type":"x_state","binary":"8"}"#,
            r#"{"type":"x_state","binary":"8G"}"#,
            r#"{"type":"x_state","binary":"81"} "#,
            r#" {"type":"x_state","binary":"81"}"#,
            r#"{"type":"x_state","binary":"AB"}"#,
            r#"{"type": "x_state","binary":"81"}"#,
            r#"{"type":"x_state","binary":"81","binary":"81"}"#,
        ] {
            assert!(parse("x_state", bad).is_err(), "{bad}");
        }
    }
}
