//! The text form of `mrr_history` (what `COPY` and Citus use): a JSON object.
//!
//! `{"version":1,"customer_type":"bigint","scale":2,"first_month":"2025-01",
//!   "last_month":"2025-03","customers":[[42,{"2025-01":"10.00","2025-03":"12.50"}]]}`
//! Amounts are decimal strings (exact); months are "YYYY-MM"; keys are JSON numbers (bigint) or
//! strings (text, uuid). Order and whitespace are free on input; output is canonical.

use serde_json::Value;

use super::history::{ensure_kind, insert_parsed, parse_month_value, KeyMap, Months, MrrHistory};
use super::money::{Money, MAX_SCALE};
use crate::kpi::text::Object;

const KEYS: [&str; 6] = [
    "version",
    "customer_type",
    "scale",
    "first_month",
    "last_month",
    "customers",
];

pub fn parse(text: &str) -> Result<MrrHistory, String> {
    let obj = Object::parse(text, &KEYS, 1)?;
    let scale = obj.count("scale")?;
    if scale > MAX_SCALE as i64 {
        return Err(format!(
            "\"scale\" is {scale}; at most {MAX_SCALE} is allowed."
        ));
    }
    let scale = scale as u32;
    let mut h = MrrHistory::read_back(None, scale, None, false);
    let first = obj.value("first_month").ok();
    let last = obj.value("last_month").ok();
    let customers = match obj.value("customers")? {
        Value::Array(items) => items,
        _ => return Err("\"customers\" is not a JSON array.".to_string()),
    };
    let (first, last) = match (first, last) {
        (Some(f), Some(l)) => (
            parse_month_value(f, "\"first_month\"")?,
            parse_month_value(l, "\"last_month\"")?,
        ),
        (None, None) if customers.is_empty() => return Ok(h),
        _ => return Err("\"first_month\" and \"last_month\" go together.".to_string()),
    };
    if first > last {
        return Err("\"first_month\" is after \"last_month\".".to_string());
    }
    h.range = Some((first, last));
    let kind = match obj.value("customer_type") {
        Ok(Value::String(s)) => s.as_str(),
        Ok(_) => return Err("\"customer_type\" is not a string.".to_string()),
        Err(_) if customers.is_empty() => return Ok(h),
        Err(e) => return Err(e),
    };
    match kind {
        "bigint" => read_all::<i64>(&mut h, customers, scale)?,
        "text" => read_all::<Vec<u8>>(&mut h, customers, scale)?,
        "uuid" => read_all::<[u8; 16]>(&mut h, customers, scale)?,
        other => {
            return Err(format!(
                "\"customer_type\" is \"{}\", not \"bigint\", \"text\" or \"uuid\".",
                crate::kpi::text::echo(other)
            ))
        }
    }
    Ok(h)
}

fn read_all<Kt: KeyMap>(h: &mut MrrHistory, items: &[Value], scale: u32) -> Result<(), String> {
    // A history with months but no paying customer still has a key type.
    ensure_kind::<Kt>(h)?;
    for item in items {
        let bad = || "Each customer is [key, {\"YYYY-MM\": \"amount\", ...}].".to_string();
        let Value::Array(pair) = item else {
            return Err(bad());
        };
        let [key, Value::Object(months)] = pair.as_slice() else {
            return Err(bad());
        };
        let key = Kt::from_json(key)?;
        let mut entries = Vec::with_capacity(months.len());
        for (month, amount) in months {
            let month = parse_month_value(&Value::String(month.clone()), "A month key")?;
            let Value::String(amount) = amount else {
                return Err(format!(
                    "The amount of {} is not a decimal string.",
                    key.to_json()
                ));
            };
            let money = Money::parse(amount)
                .filter(|m| m.scale <= scale)
                .ok_or_else(|| {
                    format!(
                        "Amount \"{}\" is not a decimal with at most {scale} decimals.",
                        crate::kpi::text::echo(amount)
                    )
                })?;
            let units = money.units_at(scale).filter(|u| *u > 0).ok_or_else(|| {
                format!(
                    "Amount \"{}\" is not above 0 or too large.",
                    crate::kpi::text::echo(amount)
                )
            })?;
            entries.push((month, units));
        }
        entries.sort_unstable_by_key(|e| e.0);
        let mut m = Months::default();
        for (month, units) in entries {
            m.push(month, units);
        }
        insert_parsed(h, key, m)?;
    }
    Ok(())
}
