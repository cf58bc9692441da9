//! The binary and text forms of `activity_summary`, and [`DaysView`], the partial read that
//! accessors use.
//!
//! Binary payload (after the version byte), all integers big-endian:
//! `kind u8, ndays u32, ndays x (day i32, users u64, nbytes u32, Roaring portable bitmap of
//! ranks), nkeys u64, keys`: keys ascending as LEB128 varints, the first key itself, then each
//! difference to the previous key (at least 1). Day headers carry their user count, so `dau()`
//! reads no bitmap, and the dictionary comes last, so accessors never decode it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use roaring::RoaringBitmap;
use serde_json::{Map, Value};

use super::calendar::{self, DATE_MAX, DATE_MIN};
use super::portable;
use super::{signed, sortable, Activity, KeyKind, DENSE_LIMIT, MAX_KEYS};
use crate::kpi::bytes::{varint_bytes, varint_len};
use crate::kpi::error::KpiResult;
use crate::kpi::summary::{Reader, Summary};
use crate::kpi::text::{bad_text, whole_number, Object};

/// The kind byte of a dense bigint summary (see [`Activity::dense`]).
pub const DENSE_KIND: u8 = 4;

/// Writes the payload into `out`: a vector (cannot fail) or a buffer of [`binary_len`]'s
/// size (fails, without panicking, if it is too short).
pub fn write(a: &Activity, out: &mut impl Write) -> io::Result<()> {
    let (keys, days) = a.canonical();
    out.write_all(&[if a.dense { DENSE_KIND } else { a.kind as u8 }])?;
    out.write_all(&(days.len() as u32).to_be_bytes())?;
    for (day, ids) in days.iter() {
        out.write_all(&day.to_be_bytes())?;
        out.write_all(&ids.len().to_be_bytes())?;
        out.write_all(&(ids.serialized_size() as u32).to_be_bytes())?;
        ids.serialize_into(&mut *out)?;
    }
    out.write_all(&key_bound(a, &days).to_be_bytes())?;
    let mut prev = None;
    for key in keys.iter() {
        let delta = match prev {
            None => *key,
            Some(p) => key - p,
        };
        prev = Some(*key);
        let (bytes, n) = varint_bytes(delta);
        out.write_all(&bytes[..n])?;
    }
    Ok(())
}

/// The key count field: a dense summary's ids' bound (largest key + 1; it has no
/// dictionary), else the dictionary's length.
fn key_bound(a: &Activity, days: &BTreeMap<i32, RoaringBitmap>) -> u64 {
    match a.dense {
        true => days
            .values()
            .filter_map(|ids| ids.max())
            .max()
            .map_or(0, |m| u64::from(m) + 1),
        false => a.keys.len() as u64,
    }
}

/// The length of the binary form (version byte included) of a summary whose days and keys
/// are already in their stored order (a dense summary, or a settled and sorted one, as a
/// rollup of stored summaries is); `None` for one that would have to be reordered first.
pub fn binary_len(a: &Activity) -> Option<usize> {
    if !a.in_stored_order() {
        return None;
    }
    let bitmaps: usize = a.days.values().map(|ids| 16 + ids.serialized_size()).sum();
    let mut prev = None;
    let mut varints = 0;
    for key in &a.keys {
        let delta = prev.map_or(*key, |p| key - p);
        prev = Some(*key);
        varints += varint_len(delta);
    }
    Some(1 + 1 + 4 + bitmaps + 8 + varints)
}

/// One day's header and its still-encoded bitmap.
#[derive(Debug, Clone, Copy)]
pub struct DayEntry<'a> {
    pub day: i32,
    pub users: u64,
    bytes: &'a [u8],
}

/// A stored summary's days, read without its dictionary; bitmaps are decoded on demand.
#[derive(Debug)]
pub struct DaysView<'a> {
    pub kind: KeyKind,
    /// Ids are the bigint keys themselves (no dictionary).
    pub dense: bool,
    /// Ascending days.
    pub days: Vec<DayEntry<'a>>,
    pub nkeys: u64,
    /// The encoded dictionary.
    keys: &'a [u8],
}

impl<'a> DaysView<'a> {
    /// The view of a stored `activity_summary` (its version byte first): a wrong version or
    /// a payload that cannot be read is the error every stored value gives
    /// (`kpi::stored::versioned_view`).
    pub fn stored(bytes: &'a [u8]) -> KpiResult<DaysView<'a>> {
        crate::kpi::stored::versioned_view(
            Activity::TYPE_NAME,
            Activity::VERSION,
            bytes,
            DaysView::parse_payload,
        )
    }

    /// Reads the payload's day headers (not the bitmaps) and the dictionary's size.
    pub fn parse_payload(bytes: &'a [u8]) -> Result<DaysView<'a>, String> {
        let mut r = Reader::new(bytes);
        let kind = r.u8()?;
        let dense = kind == DENSE_KIND;
        let kind = match dense {
            true => KeyKind::Bigint,
            false => {
                KeyKind::from_u8(kind).ok_or_else(|| format!("Key type {kind} is unknown."))?
            }
        };
        let n = r.len(16)?;
        let mut days = Vec::with_capacity(n);
        for _ in 0..n {
            let day = r.i32()?;
            let users = r.u64()?;
            let nbytes = r.u32()? as usize;
            let bytes = r.take(nbytes)?;
            if !(DATE_MIN..=DATE_MAX).contains(&day) {
                return Err(format!("Day {day} is outside the range of dates."));
            }
            if days.last().is_some_and(|d: &DayEntry| d.day >= day) {
                return Err("The days are not in ascending order.".to_string());
            }
            if users == 0 {
                return Err(format!("Day {} has no keys.", calendar::format(day)));
            }
            days.push(DayEntry { day, users, bytes });
        }
        let nkeys = r.u64()?;
        let keys = r.rest();
        if dense {
            if nkeys > DENSE_LIMIT as u64 || !keys.is_empty() {
                return Err(format!(
                    "A dense summary claims keys below {nkeys} and has {} dictionary bytes.",
                    keys.len()
                ));
            }
        } else if nkeys > MAX_KEYS as u64 || nkeys > keys.len() as u64 {
            // A key takes at least one byte.
            return Err(format!(
                "The dictionary claims {nkeys} keys, more than it holds."
            ));
        }
        if kind == KeyKind::Unknown && !days.is_empty() {
            return Err("The summary has days but no key type.".to_string());
        }
        Ok(DaysView {
            kind,
            dense,
            days,
            nkeys,
            keys,
        })
    }

    /// The ids active on `entry`'s day, checked against its header and the dictionary.
    pub fn bitmap(&self, entry: &DayEntry) -> Result<RoaringBitmap, String> {
        let bytes = self.checked(entry)?;
        RoaringBitmap::deserialize_unchecked_from(bytes).map_err(|e| {
            format!(
                "The bitmap of day {} is invalid ({e}).",
                calendar::format(entry.day)
            )
        })
    }

    /// The containers of the ids active on `entry`'s day, checked as [`DaysView::bitmap`]
    /// checks them, but not decoded.
    pub fn containers<'b>(
        &self,
        entry: &DayEntry<'b>,
    ) -> Result<impl Iterator<Item = portable::Container<'b>>, String> {
        Ok(portable::containers(self.checked(entry)?))
    }

    /// The encoded bitmap of `entry`, checked to be canonical ([`portable::check`]) and to
    /// agree with the day's header and the dictionary.
    fn checked<'b>(&self, entry: &DayEntry<'b>) -> Result<&'b [u8], String> {
        // The day's date is written out only for an error: this runs for every day read.
        let what = || calendar::format(entry.day);
        let shape = portable::check(entry.bytes).map_err(|why| {
            format!(
                "The bitmap of day {} is not in canonical form: {why}.",
                what()
            )
        })?;
        if shape.len != entry.users {
            return Err(format!(
                "Day {} claims {} keys but its bitmap holds {}.",
                what(),
                entry.users,
                shape.len
            ));
        }
        if shape.max.is_some_and(|m| u64::from(m) >= self.nkeys) {
            return Err(format!(
                "Day {} refers to a key beyond the dictionary of {}.",
                what(),
                self.nkeys
            ));
        }
        Ok(entry.bytes)
    }

    /// The dictionary's keys ([`super::sortable`] form, ascending; id = index); empty when
    /// the summary is dense (ids are the bigint keys).
    pub fn dictionary(&self) -> Result<Vec<u64>, String> {
        if self.dense {
            return Ok(Vec::new());
        }
        read_keys(self.keys, self.nkeys)
    }

    /// The days whose date is in `from..=to`.
    pub fn range(&self, from: i64, to: i64) -> &[DayEntry<'a>] {
        let lo = self.days.partition_point(|d| i64::from(d.day) < from);
        let hi = self.days.partition_point(|d| i64::from(d.day) <= to);
        &self.days[lo..hi.max(lo)]
    }
}

pub(super) fn read_keys(mut bytes: &[u8], n: u64) -> Result<Vec<u64>, String> {
    // A key takes at least one byte: a count the bytes cannot hold is refused before room
    // is made for it, so a short value cannot ask for gigabytes.
    if n > bytes.len() as u64 {
        return Err(format!(
            "The key list claims {n} keys, more than its {} remaining bytes can hold.",
            bytes.len()
        ));
    }
    let mut keys = Vec::new();
    keys.try_reserve_exact(n as usize)
        .map_err(|_| format!("The dictionary of {n} keys does not fit in memory."))?;
    let mut prev: Option<u64> = None;
    for i in 0..n {
        let mut value: u64 = 0;
        let mut shift = 0;
        loop {
            let Some((&byte, rest)) = bytes.split_first() else {
                return Err(format!("The dictionary ends after {i} of {n} keys."));
            };
            bytes = rest;
            if shift == 63 && byte > 1 || (byte == 0 && shift > 0) {
                return Err(format!(
                    "Key {i} of the dictionary is not minimally encoded."
                ));
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let key = match prev {
            None => value,
            Some(_) if value == 0 => {
                return Err("The dictionary's keys are not strictly ascending.".to_string())
            }
            Some(p) => p
                .checked_add(value)
                .ok_or_else(|| format!("Key {i} of the dictionary is beyond 64 bits."))?,
        };
        prev = Some(key);
        keys.push(key);
    }
    if !bytes.is_empty() {
        return Err(format!(
            "The value has {} bytes after its end.",
            bytes.len()
        ));
    }
    Ok(keys)
}

pub fn read(bytes: &[u8]) -> Result<Activity, String> {
    let view = DaysView::parse_payload(bytes)?;
    let keys = match view.dense {
        true => Vec::new(),
        false => read_keys(view.keys, view.nkeys)?,
    };
    let mut days = BTreeMap::new();
    let mut all = RoaringBitmap::new();
    let mut bound = 0;
    for entry in &view.days {
        let ids = view.bitmap(entry)?;
        bound = bound.max(ids.max().map_or(0, |m| u64::from(m) + 1));
        // A dense summary's ids are its keys: nothing to check against a dictionary.
        if !view.dense {
            all |= &ids;
        }
        days.insert(entry.day, ids);
    }
    if view.dense {
        if bound != view.nkeys {
            return Err("A dense summary's key bound is not its largest key + 1.".to_string());
        }
    } else {
        if all.len() != keys.len() as u64 {
            return Err(format!(
                "The dictionary holds {} keys but {} are active on some day.",
                keys.len(),
                all.len()
            ));
        }
        let in_range = |k: &u64| (0..DENSE_LIMIT).contains(&signed(*k));
        if view.kind == KeyKind::Bigint
            && keys.first().is_none_or(in_range)
            && keys.last().is_none_or(in_range)
        {
            return Err(format!(
                "Bigint keys all from 0 to {} are stored in dense form.",
                DENSE_LIMIT - 1
            ));
        }
    }
    Ok(Activity {
        kind: view.kind,
        keys,
        sorted: true,
        days,
        dense: view.dense,
        ..Activity::default()
    })
}

/// `{"version":1,"keys":"bigint","days":{"2025-03-01":[1,2],...}}`: per day, its keys in
/// ascending order (text and uuid keys as their signed 64-bit hash).
pub fn to_text(a: &Activity) -> String {
    let (keys, days): (Cow<[u64]>, _) = a.canonical();
    let mut out = format!(
        "{{\"version\":{},\"keys\":\"{}\",\"days\":{{",
        Activity::VERSION,
        a.kind.name()
    );
    for (i, (day, ids)) in days.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"{}\":[", calendar::format(*day)));
        for (j, id) in ids.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&a.key_of(&keys, id).to_string());
        }
        out.push(']');
    }
    out.push_str("}}");
    out
}

const TEXT_HINT: &str = "Write an activity_summary as {\"version\":1,\"keys\":\"bigint\",\"days\":\
     {\"2025-03-01\":[1,2]}} (keys \"bigint\", \"text\" or \"uuid\"; each day a non-empty array \
     of bigints).";

pub fn from_text(text: &str) -> KpiResult<Activity> {
    let read = || -> Result<Activity, String> {
        let object = Object::parse(text, &["version", "keys", "days"], Activity::VERSION)?;
        let kind = match object.value("keys")? {
            // The empty summary of a parallel worker or rollup that saw no key type yet: its
            // binary form is valid, so its text form must read back too.
            Value::String(s) if s == KeyKind::Unknown.name() => Some(KeyKind::Unknown),
            Value::String(s) => KeyKind::from_name(s),
            _ => None,
        }
        .ok_or("\"keys\" must be \"bigint\", \"text\" or \"uuid\".")?;
        let Value::Object(days) = object.value("days")? else {
            return Err("\"days\" is not a JSON object.".to_string());
        };
        if kind == KeyKind::Unknown && !days.is_empty() {
            return Err("A summary of \"unknown\" keys has no days.".to_string());
        }
        let mut a = Activity {
            kind,
            sorted: true,
            dense: kind == KeyKind::Bigint,
            ..Activity::default()
        };
        read_days(&mut a, kind, days)?;
        a.settle();
        Ok(a)
    };
    read().map_err(|why| bad_text(Activity::TYPE_NAME, text, why, TEXT_HINT))
}

fn read_days(a: &mut Activity, kind: KeyKind, days: &Map<String, Value>) -> Result<(), String> {
    for (date, keys) in days {
        let day = calendar::parse(date).ok_or_else(|| {
            format!(
                "Day \"{}\" is not a date written YYYY-MM-DD.",
                crate::kpi::text::echo(date)
            )
        })?;
        let Value::Array(keys) = keys else {
            return Err(format!("Day {date} is not an array of keys."));
        };
        if keys.is_empty() {
            return Err(format!("Day {date} has no keys."));
        }
        for key in keys {
            let key = whole_number(key, &format!("A key of day {date}"))?;
            a.add(kind, day, sortable(key)).map_err(|e| e.detail)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::engagement::tests::build;
    use crate::kpi::error::ErrorKind;

    #[test]
    fn a_stored_value_is_viewed_after_its_version_byte() {
        let a = build(KeyKind::Bigint, &[(9191, 5), (9191, -3), (9192, 5)]);
        let bytes = a.to_binary();
        let view = DaysView::stored(&bytes).unwrap();
        assert_eq!(view.kind, KeyKind::Bigint);
        assert_eq!(view.nkeys, 2);
        let days: Vec<(i32, u64)> = view.days.iter().map(|d| (d.day, d.users)).collect();
        assert_eq!(days, [(9191, 2), (9192, 1)]);
        let mut other = bytes.clone();
        other[0] = Activity::VERSION + 1;
        for (bad, detail) in [
            (&bytes[..0], "The value is empty.".to_string()),
            (
                &other[..],
                format!(
                    "Format version {} is not supported; this version of csmetrics reads \
                     version {}.",
                    Activity::VERSION + 1,
                    Activity::VERSION
                ),
            ),
        ] {
            let e = DaysView::stored(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::BadBinary);
            assert_eq!(e.message, "invalid binary activity_summary value");
            assert_eq!(e.detail, detail);
        }
        // Cut inside the first day's header.
        let e = DaysView::stored(&bytes[..8]).unwrap_err();
        assert_eq!(e.message, "invalid binary activity_summary value");
        assert_eq!(
            e.detail,
            "The value claims 2 elements but has only 2 bytes left."
        );
    }

    /// The in-place write (final functions, `send`) gives exactly the vector form's bytes,
    /// for every key kind and size of key delta, and refuses a buffer of the wrong length.
    #[test]
    fn sized_write_is_the_vector_form() {
        let mut rng = crate::kpi::testing::Rng(41);
        let mut checked = 0;
        for round in 0..200 {
            let kind = [KeyKind::Bigint, KeyKind::Text, KeyKind::Uuid][round % 3];
            // Dense keys, then spread ones (long varint deltas), then the extremes.
            let spread = [1_000, 1 << 40, u64::MAX][round / 3 % 3];
            let rows: Vec<(i32, i64)> = (0..rng.below(3000))
                .map(|_| {
                    let day = 9000 + rng.below(40) as i32;
                    let key = (rng.next() % spread) as i64;
                    (
                        day,
                        if round % 7 == 0 {
                            i64::MIN + key.abs() % 3
                        } else {
                            key
                        },
                    )
                })
                .collect();
            let mut a = build(kind, &rows);
            let vector = a.to_binary();
            // A summary fresh from rows may still be unsettled or unsorted: no length then.
            if a.binary_len().is_none() {
                a = Activity::from_binary(&vector).unwrap();
            }
            // Read back from storage (as a rollup's state is), it always has one.
            let len = a.binary_len().unwrap();
            assert_eq!(len, vector.len(), "round {round}");
            let mut out = vec![0xa5; len];
            assert!(a.write_binary(&mut out), "round {round}");
            assert_eq!(out, vector, "round {round}");
            for wrong in [len - 1, len + 1] {
                assert!(
                    !a.write_binary(&mut vec![0; wrong]),
                    "round {round}, {wrong}"
                );
            }
            checked += 1;
        }
        assert_eq!(checked, 200);
    }

    #[test]
    fn text_form() {
        let a = build(KeyKind::Bigint, &[(9191, 5), (9191, -3), (9192, 5)]);
        assert_eq!(
            a.to_text(),
            r#"{"version":1,"keys":"bigint","days":{"2025-03-01":[-3,5],"2025-03-02":[5]}}"#
        );
        for bad in [
            r#"{"version":1,"keys":"int","days":{}}"#,
            r#"{"version":1,"keys":"bigint","days":{"2025-02-30":[1]}}"#,
            r#"{"version":1,"keys":"bigint","days":{"2025-02-03":[]}}"#,
            r#"{"version":1,"keys":"bigint","days":{"2025-02-03":[1.5]}}"#,
            r#"{"version":1,"keys":"bigint","days":[]}"#,
        ] {
            assert_eq!(
                Activity::from_text(bad).unwrap_err().kind,
                ErrorKind::BadText,
                "{bad}"
            );
        }
    }

    #[test]
    fn binary_checks() {
        let a = build(KeyKind::Text, &[(1, i64::MIN), (1, i64::MAX), (2, 0)]);
        let bytes = a.to_binary();
        assert_eq!(Activity::from_binary(&bytes).unwrap(), a);
        for cut in 0..bytes.len() {
            assert!(Activity::from_binary(&bytes[..cut]).is_err(), "cut {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Activity::from_binary(&extra).is_err());
        // Every single-byte corruption is either refused or still a valid, canonical value.
        for i in 1..bytes.len() {
            for x in [1u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[i] ^= x;
                if let Ok(v) = Activity::from_binary(&b) {
                    assert_eq!(v.to_binary(), b, "byte {i}");
                }
            }
        }
    }
}
