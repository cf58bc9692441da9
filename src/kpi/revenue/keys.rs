//! Customer keys of an `mrr_history`: bigint, text or uuid, each in its own hash map while a
//! history is built, written in key order in the stored form.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use serde_json::Value;

use super::months::Months;
use super::wire::{self, Cursor};

/// A fast hasher for keys chosen by the user's data (not by an attacker: a skewed key set
/// slows one query, as it would PostgreSQL's own hash aggregation).
#[derive(Default)]
pub struct KeyHasher(u64);

const K: u64 = 0xf135_7aea_2e62_a9c5;

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(b));
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.write_u64(u64::from_le_bytes(tail) ^ bytes.len() as u64);
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0 ^ v).wrapping_mul(K).rotate_left(26);
    }
    #[inline]
    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }
    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(K)
    }
}

pub type Map<K> = HashMap<K, Months, BuildHasherDefault<KeyHasher>>;

/// What identifies a customer: bigint, text (its bytes in the server encoding) or uuid.
pub trait CustomerKey: Eq + Hash + Ord + Clone + std::fmt::Debug {
    const NAME: &'static str;
    fn write(&self, out: &mut Vec<u8>);
    fn read(c: &mut Cursor) -> Result<Self, String>;
    fn to_json(&self) -> String;
    fn from_json(v: &Value) -> Result<Self, String>;
}

impl CustomerKey for i64 {
    const NAME: &'static str = "bigint";
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn read(c: &mut Cursor) -> Result<Self, String> {
        let mut b = [0u8; 8];
        b.copy_from_slice(c.take(8)?);
        Ok(i64::from_be_bytes(b))
    }
    fn to_json(&self) -> String {
        self.to_string()
    }
    fn from_json(v: &Value) -> Result<Self, String> {
        crate::kpi::text::whole_number(v, "A bigint customer")
    }
}

impl CustomerKey for Vec<u8> {
    const NAME: &'static str = "text";
    fn write(&self, out: &mut Vec<u8>) {
        wire::put_varint(out, self.len() as u128);
        out.extend_from_slice(self);
    }
    fn read(c: &mut Cursor) -> Result<Self, String> {
        let n = c.count()?;
        let key = c.take(n)?;
        // Keys are UTF-8 (mrr_agg converts them), so the text form reads back exactly.
        std::str::from_utf8(key).map_err(|_| "A text customer is not valid UTF-8.".to_string())?;
        Ok(key.to_vec())
    }
    fn to_json(&self) -> String {
        Value::String(String::from_utf8_lossy(self).into_owned()).to_string()
    }
    fn from_json(v: &Value) -> Result<Self, String> {
        match v {
            Value::String(s) => Ok(s.as_bytes().to_vec()),
            _ => Err("A text customer is not a JSON string.".to_string()),
        }
    }
}

impl CustomerKey for [u8; 16] {
    const NAME: &'static str = "uuid";
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn read(c: &mut Cursor) -> Result<Self, String> {
        let mut b = [0u8; 16];
        b.copy_from_slice(c.take(16)?);
        Ok(b)
    }
    fn to_json(&self) -> String {
        let h: String = self.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "\"{}-{}-{}-{}-{}\"",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }
    fn from_json(v: &Value) -> Result<Self, String> {
        let bad = || {
            "A uuid customer is not a string like \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"."
                .to_string()
        };
        let Value::String(s) = v else {
            return Err(bad());
        };
        let hex: Vec<u8> = s.bytes().filter(|b| *b != b'-').collect();
        if hex.len() != 32 || s.len() != 36 {
            return Err(bad());
        }
        let mut out = [0u8; 16];
        for (i, pair) in hex.chunks(2).enumerate() {
            let t = std::str::from_utf8(pair).map_err(|_| bad())?;
            out[i] = u8::from_str_radix(t, 16).map_err(|_| bad())?;
        }
        Ok(out)
    }
}

/// The customers of a history, by key type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customers {
    Int(Map<i64>),
    Text(Map<Vec<u8>>),
    Uuid(Map<[u8; 16]>),
}

impl Customers {
    pub(super) fn kind(&self) -> u8 {
        match self {
            Customers::Int(_) => 1,
            Customers::Text(_) => 2,
            Customers::Uuid(_) => 3,
        }
    }

    pub(super) fn kind_name(kind: u8) -> &'static str {
        match kind {
            1 => "bigint",
            2 => "text",
            _ => "uuid",
        }
    }

    pub(super) fn each_months_mut(&mut self) -> Box<dyn Iterator<Item = &mut Months> + '_> {
        match self {
            Customers::Int(m) => Box::new(m.values_mut()),
            Customers::Text(m) => Box::new(m.values_mut()),
            Customers::Uuid(m) => Box::new(m.values_mut()),
        }
    }
}

/// Picks the map of one key type out of [`Customers`].
pub trait KeyMap: CustomerKey {
    fn map(c: &mut Customers) -> Option<&mut Map<Self>>;
    fn wrap(m: Map<Self>) -> Customers;
}

impl KeyMap for i64 {
    fn map(c: &mut Customers) -> Option<&mut Map<Self>> {
        match c {
            Customers::Int(m) => Some(m),
            _ => None,
        }
    }
    fn wrap(m: Map<Self>) -> Customers {
        Customers::Int(m)
    }
}

impl KeyMap for Vec<u8> {
    fn map(c: &mut Customers) -> Option<&mut Map<Self>> {
        match c {
            Customers::Text(m) => Some(m),
            _ => None,
        }
    }
    fn wrap(m: Map<Self>) -> Customers {
        Customers::Text(m)
    }
}

impl KeyMap for [u8; 16] {
    fn map(c: &mut Customers) -> Option<&mut Map<Self>> {
        match c {
            Customers::Uuid(m) => Some(m),
            _ => None,
        }
    }
    fn wrap(m: Map<Self>) -> Customers {
        Customers::Uuid(m)
    }
}
