//! Reading the JSON text form of summaries, with errors that say what is wrong.
//!
//! Every summary's text form is a JSON object with a `version` key. serde's own messages are
//! written for programmers ("trailing characters at line 1 column 46", "floating point 1e+29");
//! these helpers read the object key by key and say, in a DETAIL sentence, which key or count is
//! wrong and what was expected. Numbers are kept as written (serde_json's
//! `arbitrary_precision`), so `-0` reads as 0 and a count too large for a bigint is quoted as the
//! user typed it.

use serde_json::{Map, Value};

use super::error::{ErrorKind, KpiError};

/// The longest piece of user input quoted back in a message.
const ECHO_MAX: usize = 100;

/// User input as quoted in a message: at most [`ECHO_MAX`] characters, then "...".
pub fn echo(input: &str) -> String {
    match input.char_indices().nth(ECHO_MAX) {
        None => input.to_string(),
        Some((cut, _)) => format!("{}...", &input[..cut]),
    }
}

/// The error of a type input function: `invalid input syntax for type T: "..."`, with a DETAIL
/// saying what is wrong and a HINT showing the expected form.
#[cold]
pub fn bad_text(type_name: &str, text: &str, why: String, hint: &str) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::BadText,
        format!(
            "invalid input syntax for type {type_name}: \"{}\"",
            echo(text)
        ),
        why,
        hint,
    )
}

/// The error of a JSON text that names a key twice in one object (any escapes decoded), as a
/// DETAIL sentence; `None` when no key repeats or the text is not JSON at all.
pub fn duplicate_key(text: &str) -> Option<String> {
    match serde_json::from_str::<NoDuplicateKeys>(text) {
        Err(e) if e.to_string().contains("appears twice") => Some(
            e.to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
        _ => None,
    }
}

/// A JSON object read from a summary's text form.
pub struct Object {
    map: Map<String, Value>,
}

impl Object {
    /// Parses `text` as one JSON object whose keys are all in `keys`, and whose `version` is
    /// `version`.
    pub fn parse(text: &str, keys: &[&str], version: u8) -> Result<Object, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            if e.is_eof() {
                "The text ends before the JSON value does.".to_string()
            } else {
                format!("The text is not valid JSON ({}).", e)
            }
        })?;
        let Value::Object(map) = value else {
            return Err(format!(
                "The text is a JSON {}, not an object.",
                json_kind(&value)
            ));
        };
        // serde_json keeps the last of two equal keys and drops the other in silence: a
        // summary whose text names a day, a month or a key twice would lose data.
        if let Err(e) = serde_json::from_str::<NoDuplicateKeys>(text) {
            return Err(e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string());
        }
        if let Some(unknown) = map.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(format!(
                "Key {} is not one of {}.",
                quote_key(unknown),
                keys.iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let object = Object { map };
        let found = object.integer("version")?;
        if found != i64::from(version) {
            return Err(format!("Version {found} is not supported; this version of csmetrics reads version {version}."));
        }
        Ok(object)
    }

    fn get(&self, key: &str) -> Result<&Value, String> {
        self.map
            .get(key)
            .ok_or_else(|| format!("Key \"{key}\" is missing."))
    }

    /// A whole number that fits in a bigint.
    pub fn integer(&self, key: &str) -> Result<i64, String> {
        whole_number(self.get(key)?, &format!("\"{key}\""))
    }

    /// A count: a whole number from 0 to 9223372036854775807.
    pub fn count(&self, key: &str) -> Result<i64, String> {
        non_negative(
            whole_number(self.get(key)?, &format!("\"{key}\""))?,
            &format!("\"{key}\""),
        )
    }

    /// An array of exactly `len` counts.
    pub fn counts(&self, key: &str, len: usize) -> Result<Vec<i64>, String> {
        let value = self.get(key)?;
        let Value::Array(items) = value else {
            return Err(format!(
                "\"{key}\" is a JSON {}, not an array.",
                json_kind(value)
            ));
        };
        if items.len() != len {
            return Err(format!(
                "\"{key}\" has {} elements; {len} are expected.",
                items.len()
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let what = format!("Element {i} of \"{key}\"");
                non_negative(whole_number(item, &what)?, &what)
            })
            .collect()
    }

    /// The raw value of a key, for types with richer text forms.
    pub fn value(&self, key: &str) -> Result<&Value, String> {
        self.get(key)
    }
}

/// Walks a JSON value, failing on an object that has the same key twice (compared after
/// unescaping, so `"a"` and `"\u0061"` are one key).
struct NoDuplicateKeys;

impl<'de> serde::Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicateKeys)
    }
}

impl<'de> serde::de::Visitor<'de> for NoDuplicateKeys {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(self)
    }

    // (With `arbitrary_precision` a number also arrives as a one-key map.)
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<NoDuplicateKeys>()?;
            if seen.contains(&key) {
                return Err(serde::de::Error::custom(
                    format!(
                        "Key {} appears twice in one JSON object; each key may appear once",
                        quote_key(&key)
                    ) + ".",
                ));
            }
            seen.insert(key);
        }
        Ok(self)
    }
}

/// A JSON number read as a bigint, exactly as written: `-0` is 0, `1e3` and `2.5` are not whole
/// numbers as written, and anything past the bigint range says so.
pub fn whole_number(value: &Value, what: &str) -> Result<i64, String> {
    let Value::Number(number) = value else {
        return Err(format!(
            "{what} is a JSON {}, not a number.",
            json_kind(value)
        ));
    };
    let literal = number.to_string();
    if let Ok(n) = literal.parse::<i64>() {
        return Ok(n);
    }
    let digits = literal.trim_start_matches('-');
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{what} is {}, outside the bigint range (-9223372036854775808 to 9223372036854775807).",
            echo(&literal)
        ));
    }
    Err(format!("{what} is {}, not a whole number.", echo(&literal)))
}

fn non_negative(n: i64, what: &str) -> Result<i64, String> {
    if n < 0 {
        Err(format!("{what} is {n}; counts cannot be negative."))
    } else {
        Ok(n)
    }
}

/// A key as quoted in a message: JSON-escaped (a NUL shows as \u0000) and bounded.
fn quote_key(key: &str) -> String {
    echo(&Value::String(key.to_string()).to_string())
}

/// The JSON type of a value, for messages.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Object, String> {
        Object::parse(text, &["version", "counts", "hits"], 1)
    }

    #[test]
    fn details_say_what_is_wrong() {
        let twelve = r#"{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0,0]}"#;
        assert_eq!(
            parse(twelve).unwrap().counts("counts", 11).unwrap_err(),
            "\"counts\" has 12 elements; 11 are expected."
        );
        let huge = r#"{"version":1,"hits":100000000000000000000000000000}"#;
        assert_eq!(
            parse(huge).unwrap().count("hits").unwrap_err(),
            "\"hits\" is 100000000000000000000000000000, outside the bigint range \
             (-9223372036854775808 to 9223372036854775807)."
        );
        assert_eq!(
            parse(r#"{"version":1,"hits":-0}"#).unwrap().count("hits"),
            Ok(0)
        );
        assert_eq!(
            parse(r#"{"version":1,"hits":1e3}"#)
                .unwrap()
                .count("hits")
                .unwrap_err(),
            "\"hits\" is 1e+3, not a whole number."
        );
        assert_eq!(
            parse(r#"{"version":1,"hits":-2}"#)
                .unwrap()
                .count("hits")
                .unwrap_err(),
            "\"hits\" is -2; counts cannot be negative."
        );
        let nul = parse("{\"version\":1,\"\\u0000x\":1}").err().unwrap();
        assert_eq!(
            nul,
            "Key \"\\u0000x\" is not one of \"version\", \"counts\", \"hits\"."
        );
        assert!(!nul.contains('\0'));
        assert_eq!(
            parse("[1]").err().unwrap(),
            "The text is a JSON array, not an object."
        );
        assert_eq!(
            parse(r#"{"version":2}"#).err().unwrap(),
            "Version 2 is not supported; this version of csmetrics reads version 1."
        );
        assert_eq!(
            parse(r#"{"hits":2}"#).err().unwrap(),
            "Key \"version\" is missing."
        );
        assert!(parse("{").err().unwrap().starts_with("The text ends"));
    }

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        assert_eq!(
            parse(r#"{"version":1,"hits":1,"hits":2}"#).err().unwrap(),
            "Key \"hits\" appears twice in one JSON object; each key may appear once."
        );
        // Equal after unescaping, and inside a nested object.
        assert!(parse(r#"{"version":1,"hits":1,"\u0068its":2}"#).is_err());
        let nested = r#"{"version":1,"counts":[{"a":1,"b":{"x":1,"x":1}}]}"#;
        assert!(parse(nested)
            .err()
            .unwrap()
            .starts_with("Key \"x\" appears twice"));
        // Equal keys in different objects, and numbers of every form, are fine.
        assert!(parse(
            r#"{"version":1,"counts":[{"a":1e400},{"a":-0.5}],"hits":12345678901234567890123}"#
        )
        .is_ok());
    }

    #[test]
    fn echo_is_bounded() {
        let long = "9".repeat(100_001);
        let e = echo(&long);
        assert_eq!(e.len(), ECHO_MAX + 3);
        assert_eq!(echo("é"), "é");
        let multibyte = "é".repeat(2 * ECHO_MAX);
        assert_eq!(echo(&multibyte).chars().count(), ECHO_MAX + 3);
    }
}
