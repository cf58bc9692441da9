//! Customer keys of an `mrr_history`: bigint, text or uuid, each in its own hash map while a
//! history is built, written in key order in the stored form.

use serde_json::Value;

use super::months::Months;
use super::wire::{self, Cursor};

/// The one key hasher, under the name this family's maps used.
pub use crate::kpi::keys::KeyHasher;

pub type Map<K> = crate::kpi::keys::Map<K, Months>;

/// What identifies a customer: bigint, text (its bytes in the server encoding) or uuid, as
/// an `mrr_history` stores it (text with a varint length) and prints it (JSON).
pub trait CustomerKey: crate::kpi::keys::Key {
    fn write(&self, out: &mut Vec<u8>);
    fn read(c: &mut Cursor) -> Result<Self, String>;
    fn to_json(&self) -> String;
    fn from_json(v: &Value) -> Result<Self, String>;
}

impl CustomerKey for i64 {
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
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn read(c: &mut Cursor) -> Result<Self, String> {
        let mut b = [0u8; 16];
        b.copy_from_slice(c.take(16)?);
        Ok(b)
    }
    fn to_json(&self) -> String {
        format!("\"{}\"", crate::kpi::keys::uuid_text(self))
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

/// Each key type's variant of [`Customers`].
macro_rules! key_map {
    ($($key:ty => $variant:ident),+) => {$(
        impl KeyMap for $key {
            fn map(c: &mut Customers) -> Option<&mut Map<Self>> {
                match c {
                    Customers::$variant(m) => Some(m),
                    _ => None,
                }
            }
            fn wrap(m: Map<Self>) -> Customers {
                Customers::$variant(m)
            }
        }
    )+};
}

key_map!(i64 => Int, Vec<u8> => Text, [u8; 16] => Uuid);
