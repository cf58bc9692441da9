//! Credit lines in `mrr_agg`: a negative row nets with the other rows of its customer-month.
//!
//! Only a month's *total* must be zero or more, and that total is known only when every row
//! has been added, which under parallel aggregation means after the last combine: a worker may
//! see the credit and another the charge. So while aggregating, amounts of a history with a
//! credit (`signed`) may be 0 or negative; partial states travel between workers in a signed
//! form of their own (a version byte stored values never have); and the final function
//! ([`finish`]) refuses a negative month (22003, naming the customer and the month) and drops
//! months that net to 0 (a customer is as absent as without rows). Histories without a credit
//! take none of these paths.

use super::history::{CustomerKey, Customers, KeyMap, Map, Months, MrrHistory};
use super::money::Money;
use super::wire::{self, Cursor};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::Summary;

/// Version byte of a partial state holding credits (never stored, never sent to clients).
pub const SIGNED_STATE_VERSION: u8 = 0x81;

/// Nets the history's credits: errors on the first (by key, then month) negative month.
pub fn finish(h: &mut MrrHistory) -> KpiResult<()> {
    if !h.signed {
        return Ok(());
    }
    let scale = h.scale;
    match &mut h.customers {
        None => {}
        Some(Customers::Int(m)) => net(m, scale)?,
        Some(Customers::Text(m)) => net(m, scale)?,
        Some(Customers::Uuid(m)) => net(m, scale)?,
    }
    h.signed = false;
    Ok(())
}

fn net<Kt: CustomerKey>(map: &mut Map<Kt>, scale: u32) -> KpiResult<()> {
    let negative = map
        .iter()
        .flat_map(|(k, months)| {
            months
                .iter()
                .filter(|(_, u)| *u < 0)
                .map(move |(m, u)| (k, m, u))
        })
        .min_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    if let Some((key, month, units)) = negative {
        let amount = Money::new(units, scale).to_text();
        let month = super::history::month_text(month);
        return Err(KpiError::new(
            ErrorKind::OutOfRange,
            format!(
                "mrr_agg: customer {} has negative MRR {amount} in {month}",
                key.to_json()
            ),
            format!(
                "The rows of customer {} for {month} add up to {amount}; credit lines may \
                 lower a month's MRR, not take it below 0.",
                key.to_json()
            ),
            "Check the credit notes of that month, or spread a refund over the months it \
             belongs to.",
        ));
    }
    map.retain(|_, months| {
        if months.iter().any(|(_, u)| u == 0) {
            let mut kept = Months::default();
            for (m, u) in months.iter().filter(|(_, u)| *u != 0) {
                kept.push(m, u);
            }
            *months = kept;
        }
        !months.is_empty()
    });
    Ok(())
}

fn zigzag(v: i128) -> u128 {
    ((v << 1) ^ (v >> 127)) as u128
}

fn unzigzag(v: u128) -> i128 {
    ((v >> 1) as i128) ^ -((v & 1) as i128)
}

/// The stored form, or for a history with credits the same layout with signed amounts.
pub fn to_state_binary(h: &MrrHistory) -> Vec<u8> {
    if !h.signed {
        return h.to_binary();
    }
    let mut out = vec![SIGNED_STATE_VERSION];
    let kind = match &h.customers {
        None => 0,
        Some(Customers::Int(_)) => 1,
        Some(Customers::Text(_)) => 2,
        Some(Customers::Uuid(_)) => 3,
    };
    out.push(kind);
    out.push(h.scale as u8);
    let Some((first, last)) = h.range else {
        return out;
    };
    out.extend_from_slice(&first.to_be_bytes());
    out.extend_from_slice(&last.to_be_bytes());
    fn each<Kt: CustomerKey>(map: &Map<Kt>, first: i32, out: &mut Vec<u8>) {
        wire::put_varint(out, map.len() as u128);
        for (key, months) in map {
            key.write(out);
            wire::put_varint(out, months.len() as u128);
            let mut prev = first;
            for (m, u) in months.iter() {
                wire::put_varint(out, (m - prev) as u128);
                wire::put_varint(out, zigzag(u));
                prev = m;
            }
        }
    }
    match &h.customers {
        None => {}
        Some(Customers::Int(m)) => each(m, first, &mut out),
        Some(Customers::Text(m)) => each(m, first, &mut out),
        Some(Customers::Uuid(m)) => each(m, first, &mut out),
    }
    out
}

/// Reads [`to_state_binary`]'s output.
pub fn from_state_binary(bytes: &[u8]) -> KpiResult<MrrHistory> {
    if bytes.first() != Some(&SIGNED_STATE_VERSION) {
        return MrrHistory::from_binary(bytes);
    }
    read_signed(&bytes[1..]).map_err(|why| {
        KpiError::new(
            ErrorKind::BadBinary,
            "invalid binary mrr_history state",
            why,
            "Partial aggregate states are exchanged by parallel workers of one server only.",
        )
    })
}

fn read_signed(bytes: &[u8]) -> Result<MrrHistory, String> {
    let mut c = Cursor::new(bytes);
    let header = wire::read_header(&mut c)?;
    let mut h = MrrHistory::read_back(None, header.scale, header.range, true);
    fn each<Kt: KeyMap>(c: &mut Cursor, range: (i32, i32)) -> Result<Map<Kt>, String> {
        let mut map = Map::default();
        for _ in 0..c.count()? {
            let key = Kt::read(c)?;
            let mut months = Months::default();
            let mut month = range.0 as i64;
            for i in 0..c.count()? {
                let delta = c.varint()?;
                if (i > 0 && delta == 0) || delta > (range.1 as i64 - month) as u128 {
                    return Err("A customer's months are not ascending within the range.".into());
                }
                month += delta as i64;
                months.push(month as i32, unzigzag(c.varint()?));
            }
            if map.insert(key, months).is_some() {
                return Err("A customer appears twice.".into());
            }
        }
        Ok(map)
    }
    if let Some(range) = header.range {
        h.customers = match header.kind {
            0 => None,
            1 => Some(Customers::Int(each(&mut c, range)?)),
            2 => Some(Customers::Text(each(&mut c, range)?)),
            _ => Some(Customers::Uuid(each(&mut c, range)?)),
        };
    }
    c.finish()?;
    h.validate()?;
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::revenue::money::tests::m;

    #[test]
    fn zigzag_round_trips() {
        for v in [0i128, 1, -1, 12345, -98765, i128::MAX, i128::MIN] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }

    #[test]
    fn credits_net_across_partial_states() {
        // Worker A sees the credit, worker B the charge: each partial travels signed.
        let mut a = MrrHistory::default();
        a.add::<i64, i64>(&7, 100, &m("-30.00")).unwrap();
        a.add::<i64, i64>(&8, 100, &m("-5")).unwrap();
        let mut b = MrrHistory::default();
        b.add::<i64, i64>(&7, 100, &m("100")).unwrap();
        b.add::<i64, i64>(&8, 100, &m("5.00")).unwrap();
        b.add::<i64, i64>(&8, 101, &m("9")).unwrap();
        let a = from_state_binary(&to_state_binary(&a)).unwrap();
        assert!(a.signed);
        let mut total = from_state_binary(&to_state_binary(&b)).unwrap();
        total.merge(&a).unwrap();
        total.finish().unwrap();
        let mut expect = MrrHistory::default();
        expect.add::<i64, i64>(&7, 100, &m("70.00")).unwrap();
        expect.add::<i64, i64>(&8, 101, &m("9.00")).unwrap();
        assert_eq!(total.to_binary(), expect.to_binary());
    }

    #[test]
    fn a_negative_month_names_customer_and_month() {
        let mut h = MrrHistory::default();
        h.add::<Vec<u8>, [u8]>(b"cus_b", 24_302, &m("10")).unwrap();
        h.add::<Vec<u8>, [u8]>(b"cus_b", 24_302, &m("-12.50"))
            .unwrap();
        h.add::<Vec<u8>, [u8]>(b"cus_c", 24_303, &m("-1")).unwrap();
        let e = h.finish().unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert_eq!(
            e.message,
            "mrr_agg: customer \"cus_b\" has negative MRR -2.50 in 2025-03"
        );
    }
}
