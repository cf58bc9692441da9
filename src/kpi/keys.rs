//! Customer and user keys: the one hasher of every per-key map, the one key trait (bigint,
//! uuid or text) with its stored form and its borrowed form, and the key's printed forms.
//!
//! Keys come from the user's own table, not from an attacker: a skewed key set slows one
//! query, as it would PostgreSQL's own hash aggregation, so a multiply-rotate hasher is worth
//! more than SipHash's resistance to flooding.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::kpi::summary::Reader;

/// The hasher of every per-key map. Measured on each family's keys, the fastest hasher for
/// a key of one word (bigint keys, the engagement family's key ids and days) was FxHash's
/// multiply with a xor-shift at the end, and for keys of bytes (text, uuid) a multiply and a
/// rotate per word with a multiply after the last, where FxHash's single multiply let text
/// keys that differ only in a few digits collide. So words take the first path and byte
/// strings the second, which ends in a full multiply before the shared xor-shift.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
const K: u64 = 0xf135_7aea_2e62_a9c5;

impl KeyHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }

    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(K).rotate_left(26);
    }
}

impl Hasher for KeyHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.mix(u64::from_le_bytes(b));
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.mix(u64::from_le_bytes(tail) ^ bytes.len() as u64);
        self.0 = self.0.wrapping_mul(K);
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.add(v);
    }
    #[inline]
    fn write_i64(&mut self, v: i64) {
        self.add(v as u64);
    }
    #[inline]
    fn write_i32(&mut self, v: i32) {
        self.add(v as u64);
    }
    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.add(v as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak; hashbrown uses the top 7 bits and the low ones.
        self.0 ^ (self.0 >> 29)
    }
}

/// Builds [`KeyHasher`]s.
pub type KeyBuild = BuildHasherDefault<KeyHasher>;

/// A map keyed by customer or user.
pub type Map<K, V> = HashMap<K, V, KeyBuild>;

/// A set of customers or users.
pub type Set<K> = HashSet<K, KeyBuild>;

/// A customer or user key: bigint (`i64`), uuid (`[u8; 16]`) or text (its bytes: `Box<[u8]>`,
/// or `Vec<u8>` where a map of `mrr_history` already holds that form).
///
/// The stored form written by [`Key::encode`] is the one of the customer family's states:
/// bigint as 8 big-endian bytes, uuid as its 16 bytes, text as a 4-byte big-endian length and
/// its bytes. States write their maps sorted by key ([`Ord`] is byte order for text and uuid,
/// as a deterministic collation compares them), so equal states have equal bytes.
pub trait Key: Eq + Hash + Ord + Clone + Debug + 'static + Borrow<Self::Ref> {
    /// The borrowed form, for looking a key up without allocating (`[u8]` for text).
    type Ref: ?Sized + Hash + Eq;
    /// The SQL type name.
    const NAME: &'static str;
    /// Bytes the stored form takes at least (guards corrupt lengths).
    const MIN_SIZE: usize;
    fn owned(r: &Self::Ref) -> Self;
    /// The key as a message names it: `42`, `"cus_1"` or a hyphenated uuid.
    fn name(r: &Self::Ref) -> String;
    /// A text key's bytes.
    fn text(&self) -> Option<&[u8]> {
        None
    }
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(r: &mut Reader) -> Result<Self, String>;
}

impl Key for i64 {
    type Ref = i64;
    const NAME: &'static str = "bigint";
    const MIN_SIZE: usize = 8;
    fn owned(r: &i64) -> Self {
        *r
    }
    fn name(r: &i64) -> String {
        r.to_string()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn decode(r: &mut Reader) -> Result<Self, String> {
        r.i64()
    }
}

impl Key for [u8; 16] {
    type Ref = [u8; 16];
    const NAME: &'static str = "uuid";
    const MIN_SIZE: usize = 16;
    fn owned(r: &[u8; 16]) -> Self {
        *r
    }
    fn name(r: &[u8; 16]) -> String {
        uuid_text(r)
    }
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn decode(r: &mut Reader) -> Result<Self, String> {
        let mut k = [0u8; 16];
        k.copy_from_slice(r.take(16)?);
        Ok(k)
    }
}

/// The text forms share everything but the owned type.
macro_rules! text_key {
    ($owned:ty) => {
        impl Key for $owned {
            type Ref = [u8];
            const NAME: &'static str = "text";
            const MIN_SIZE: usize = 4;
            fn owned(r: &[u8]) -> Self {
                r.into()
            }
            fn name(r: &[u8]) -> String {
                text_name(r)
            }
            fn text(&self) -> Option<&[u8]> {
                Some(self)
            }
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&(self.len() as u32).to_be_bytes());
                out.extend_from_slice(self);
            }
            fn decode(r: &mut Reader) -> Result<Self, String> {
                let n = r.len(1)?;
                Ok(r.take(n)?.into())
            }
        }
    };
}

text_key!(Box<[u8]>);
text_key!(Vec<u8>);

/// Writes a map in its stored form: a 4-byte count, then each key and its value (`value`
/// bytes at least) in key order, so that equal maps have equal bytes.
pub fn write_sorted<K: Key, V>(
    map: &Map<K, V>,
    value_size: usize,
    out: &mut Vec<u8>,
    mut value: impl FnMut(&V, &mut Vec<u8>),
) {
    let mut entries: Vec<(&K, &V)> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.reserve(entries.len() * (K::MIN_SIZE + value_size) + 4);
    out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for (k, v) in entries {
        k.encode(out);
        value(v, out);
    }
}

/// Reads what [`write_sorted`] wrote, refusing keys out of order or repeated (`unsorted` is
/// the error then).
pub fn read_sorted<K: Key, V>(
    r: &mut Reader,
    value_size: usize,
    unsorted: &str,
    mut value: impl FnMut(&mut Reader) -> Result<V, String>,
) -> Result<Map<K, V>, String> {
    let n = r.len(K::MIN_SIZE + value_size)?;
    let mut map = Map::with_capacity_and_hasher(n, KeyBuild::default());
    let mut last: Option<K> = None;
    for _ in 0..n {
        let k = K::decode(r)?;
        let v = value(r)?;
        if last.as_ref().is_some_and(|l| *l >= k) {
            return Err(unsorted.to_string());
        }
        last = Some(k.clone());
        map.insert(k, v);
    }
    Ok(map)
}

/// A uuid as SQL prints it: `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11`.
pub fn uuid_text(b: &[u8]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A text key in a message: quoted, with control characters echoed visibly.
fn text_name(r: &[u8]) -> String {
    format!(
        "\"{}\"",
        crate::kpi::text::echo(&String::from_utf8_lossy(r))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn round_trip<K: Key>(k: K, bytes: &[u8]) {
        let mut out = Vec::new();
        k.encode(&mut out);
        assert_eq!(out, bytes);
        assert_eq!(out.len() >= K::MIN_SIZE, true);
        let mut r = Reader::new(&out);
        assert_eq!(K::decode(&mut r), Ok(k));
        r.finish().unwrap();
    }

    #[test]
    fn stored_forms_are_pinned() {
        round_trip(-2i64, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
        round_trip([7u8; 16], &[7u8; 16]);
        round_trip::<Box<[u8]>>(b"ab".as_slice().into(), &[0, 0, 0, 2, b'a', b'b']);
        round_trip(b"ab".to_vec(), &[0, 0, 0, 2, b'a', b'b']);
        round_trip::<Box<[u8]>>(Box::default(), &[0, 0, 0, 0]);
        // A length past the end is an error, not a panic.
        assert!(<Box<[u8]>>::decode(&mut Reader::new(&[0, 0, 0, 9, b'a'])).is_err());
        assert!(i64::decode(&mut Reader::new(&[1, 2, 3])).is_err());
    }

    #[test]
    fn names_and_borrowed_forms() {
        assert_eq!(i64::name(&-42), "-42");
        let u = [
            0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38,
            0x0a, 0x11,
        ];
        assert_eq!(<[u8; 16]>::name(&u), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assert_eq!(<Box<[u8]>>::name(b"cus_1"), "\"cus_1\"");
        assert_eq!(<Box<[u8]>>::owned(b"x").text(), Some(b"x".as_slice()));
        assert_eq!(7i64.text(), None);
        // A map of owned text keys is probed with the borrowed form.
        let mut m: Map<Box<[u8]>, u32> = Map::default();
        m.insert(<Box<[u8]>>::owned(b"cus_1"), 1);
        assert_eq!(m.get(b"cus_1".as_slice()), Some(&1));
        assert_eq!(
            (i64::NAME, <[u8; 16]>::NAME, <Vec<u8>>::NAME),
            ("bigint", "uuid", "text")
        );
    }

    #[test]
    fn text_order_is_byte_order() {
        let mut v: Vec<Box<[u8]>> = ["b", "ab", "a", "", "\u{e9}"]
            .iter()
            .map(|s| s.as_bytes().into())
            .collect();
        v.sort();
        let s: Vec<&[u8]> = v.iter().map(|k| &**k).collect();
        assert_eq!(s, [b"".as_slice(), b"a", b"ab", b"b", "\u{e9}".as_bytes()]);
    }

    /// Keys that differ in a few digits or by a stride spread over the buckets: of 2^16 keys
    /// in 2^16 buckets (the low bits, as hashbrown indexes), a uniform hash fills about
    /// 1 - 1/e = 63%; a hash that collides systematically fills far less.
    #[test]
    fn hashes_spread() {
        fn filled(hashes: impl Iterator<Item = u64>) -> f64 {
            let mut seen = vec![false; 1 << 16];
            for h in hashes {
                seen[(h & 0xffff) as usize] = true;
            }
            seen.iter().filter(|s| **s).count() as f64 / 65536.0
        }
        let b = KeyBuild::default();
        let n = 1i64 << 16;
        for f in [
            filled((0..n).map(|i| b.hash_one(i))),
            filled((0..n).map(|i| b.hash_one(i << 20))),
            filled((0..n).map(|i| b.hash_one(format!("cus_{i:08}").into_bytes()))),
            filled((0..n).map(|i| b.hash_one((i as u128).to_be_bytes()))),
        ] {
            assert!(f > 0.55, "{f}");
        }
        // Top bits (hashbrown's tag byte) vary too.
        let tags: Set<u64> = (0..n).map(|i| b.hash_one(i) >> 57).collect();
        assert_eq!(tags.len(), 128);
    }
}
