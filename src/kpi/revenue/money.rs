//! Exact money: a decimal as a 128-bit integer count of units of 10^-scale.
//!
//! Why scaled `i128` and not `rust_decimal`: a sum is then one integer add (no normalisation,
//! no per-value scale), `i128` holds 38 significant digits (rust_decimal: 28), and PostgreSQL's
//! `numeric` maps onto it digit for digit. Limits: at most 38 digits in all, at most
//! [`MAX_SCALE`] of them after the decimal point; any value or sum beyond that is an error
//! (22003), never a rounded number. A sum keeps the largest scale of its inputs, as
//! `sum(numeric)` does, so it prints with the same digits.

use super::super::error::{ErrorKind, KpiError, KpiResult};

/// The most digits after the decimal point (10^38 still fits in an i128).
pub const MAX_SCALE: u32 = 38;

/// 10^n for n <= 38.
const POW10: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

#[inline]
pub fn pow10(n: u32) -> i128 {
    POW10[n as usize]
}

/// An exact decimal: `units` x 10^-`scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Money {
    pub units: i128,
    pub scale: u32,
}

#[cold]
pub fn too_large(what: &str) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::OutOfRange,
        format!("{what} is out of range"),
        format!(
            "Exact money holds at most 38 significant digits, at most {MAX_SCALE} of them \
             after the decimal point."
        ),
        "Round the amounts to fewer decimal places, or aggregate smaller groups.",
    )
}

impl Money {
    pub const ZERO: Money = Money { units: 0, scale: 0 };

    pub fn new(units: i128, scale: u32) -> Money {
        Money { units, scale }
    }

    /// `units` expressed at the larger scale `to` (exact), or None when it does not fit.
    #[inline]
    pub fn units_at(&self, to: u32) -> Option<i128> {
        if to == self.scale {
            Some(self.units)
        } else if to > self.scale && to <= MAX_SCALE {
            self.units.checked_mul(pow10(to - self.scale))
        } else {
            None
        }
    }

    /// The same value at scale `to` (>= its own).
    pub fn rescale(&self, to: u32, what: &str) -> KpiResult<Money> {
        match self.units_at(to) {
            Some(units) => Ok(Money { units, scale: to }),
            None => Err(too_large(what)),
        }
    }

    pub fn is_negative(&self) -> bool {
        self.units < 0
    }

    pub fn is_zero(&self) -> bool {
        self.units == 0
    }

    pub fn checked_add(&self, other: &Money, what: &str) -> KpiResult<Money> {
        let scale = self.scale.max(other.scale);
        let (a, b) = (self.rescale(scale, what)?, other.rescale(scale, what)?);
        match a.units.checked_add(b.units) {
            Some(units) => Ok(Money { units, scale }),
            None => Err(too_large(what)),
        }
    }

    pub fn checked_sub(&self, other: &Money, what: &str) -> KpiResult<Money> {
        let neg = Money {
            units: other.units.checked_neg().ok_or_else(|| too_large(what))?,
            scale: other.scale,
        };
        self.checked_add(&neg, what)
    }

    /// Compares two values exactly (the scales may differ).
    pub fn cmp_value(&self, other: &Money) -> std::cmp::Ordering {
        let scale = self.scale.max(other.scale);
        match (self.units_at(scale), other.units_at(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // One side does not fit at the larger scale: compare as f64 is not exact, but
            // the integer parts then differ by far more than any rounding.
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }

    pub fn to_f64(&self) -> f64 {
        self.units as f64 / 10f64.powi(self.scale as i32)
    }

    /// Reads a PostgreSQL `numeric` from its parts: base-10000 `digits`, the `weight` of the
    /// first one (value = sum d_i x 10000^(weight - i)), and the display scale.
    pub fn from_numeric(
        negative: bool,
        weight: i32,
        dscale: u32,
        digits: impl ExactSizeIterator<Item = u16>,
        what: &str,
    ) -> KpiResult<Money> {
        let n = digits.len() as i32;
        if dscale > MAX_SCALE {
            return Err(too_large(what));
        }
        if n == 0 {
            return Ok(Money {
                units: 0,
                scale: dscale,
            });
        }
        // acc counts units of 10^-exp; `drop` digits of it lie below the display scale.
        let exp = 4 * (n - 1 - weight);
        let drop = exp - dscale as i32;
        let (units, scale) = if n <= 4 {
            // Up to 16 digits: 64-bit arithmetic, and constant divisors for the usual case of
            // a display scale inside the last group (1234.50 is 1234|5000, scale 2).
            let acc = digits.fold(0u64, |a, d| a * 10_000 + d as u64);
            let (q, r) = match drop {
                1 => (acc / 10, acc % 10),
                2 => (acc / 100, acc % 100),
                3 => (acc / 1000, acc % 1000),
                _ => (acc, 1),
            };
            if r == 0 {
                (q as i128, dscale)
            } else {
                (acc as i128, exp.max(0) as u32)
            }
        } else {
            let mut acc: i128 = 0;
            for d in digits {
                acc = acc
                    .checked_mul(10_000)
                    .and_then(|a| a.checked_add(d as i128))
                    .ok_or_else(|| too_large(what))?;
            }
            // Digits below the display scale are zero in every numeric PostgreSQL makes;
            // keep them exact if one ever is not.
            if drop > 0 && (drop as u32) <= MAX_SCALE && acc % pow10(drop as u32) == 0 {
                (acc / pow10(drop as u32), dscale)
            } else if drop > 0 {
                (acc, exp as u32)
            } else {
                (acc, exp.max(0) as u32)
            }
        };
        // Bring units to the display scale when it is the larger (10000 is 1, weight 1).
        let (units, scale) = if scale < dscale || exp < 0 {
            let from = if exp < 0 { exp } else { scale as i32 };
            let shift = dscale as i32 - from;
            if shift as u32 > MAX_SCALE {
                return Err(too_large(what));
            }
            let units = units
                .checked_mul(pow10(shift as u32))
                .ok_or_else(|| too_large(what))?;
            (units, dscale)
        } else {
            (units, scale)
        };
        if scale > MAX_SCALE {
            return Err(too_large(what));
        }
        Ok(Money {
            units: if negative { -units } else { units },
            scale,
        })
    }

    /// The parts of the `numeric` equal to this value with display scale `scale`:
    /// (negative, weight, base-10000 digits without leading or trailing zero groups).
    pub fn to_numeric(&self) -> (bool, i32, Vec<u16>) {
        let abs = self.units.unsigned_abs();
        let unit = pow10(self.scale) as u128;
        let (int, frac) = (abs / unit, abs % unit);
        let mut groups: Vec<u16> = Vec::new();
        // Integer part, most significant group first.
        let mut int_groups = Vec::new();
        let mut rest = int;
        while rest > 0 {
            int_groups.push((rest % 10_000) as u16);
            rest /= 10_000;
        }
        int_groups.reverse();
        let mut weight = int_groups.len() as i32 - 1;
        groups.extend_from_slice(&int_groups);
        if self.scale > 0 {
            let mut text = format!("{:0width$}", frac, width = self.scale as usize);
            while text.len() % 4 != 0 {
                text.push('0');
            }
            for chunk in text.as_bytes().chunks(4) {
                let mut g = 0u16;
                for b in chunk {
                    g = g * 10 + (b - b'0') as u16;
                }
                groups.push(g);
            }
        }
        // Leading zero groups (a value below 1) move the weight down.
        let lead = groups.iter().take_while(|g| **g == 0).count();
        if lead == groups.len() {
            return (false, 0, Vec::new());
        }
        if int_groups.is_empty() {
            weight = -1 - lead as i32;
        }
        groups.drain(..lead);
        while groups.last() == Some(&0) {
            groups.pop();
        }
        (self.units < 0, weight, groups)
    }

    /// Decimal text, with exactly `scale` digits after the point.
    pub fn to_text(&self) -> String {
        let abs = self.units.unsigned_abs();
        let unit = pow10(self.scale) as u128;
        let sign = if self.units < 0 { "-" } else { "" };
        if self.scale == 0 {
            format!("{sign}{abs}")
        } else {
            format!(
                "{sign}{}.{:0width$}",
                abs / unit,
                abs % unit,
                width = self.scale as usize
            )
        }
    }

    /// Parses [`Money::to_text`]'s form: optional '-', digits, optional '.' and digits.
    pub fn parse(text: &str) -> Option<Money> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits_ok(int) || !digits_ok(frac) || body.ends_with('.') {
            return None;
        }
        let scale = frac.len() as u32;
        if scale > MAX_SCALE {
            return None;
        }
        let mut units: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = units.checked_mul(10)?.checked_add((b - b'0') as i128)?;
        }
        Some(Money {
            units: if negative { -units } else { units },
            scale,
        })
    }

    /// `self` x `num` / `den`, rounded half away from zero to `scale` decimals; None when it
    /// does not fit (`den` must not be 0). Exact integer arithmetic throughout.
    pub fn mul_div(&self, num: i128, den: i128, scale: u32) -> Option<Money> {
        if den == 0 || scale > MAX_SCALE {
            return None;
        }
        // value = units x 10^-s x num / den; at scale t: units x num x 10^(t-s) / den.
        let mut n = self.units.checked_mul(num)?;
        let mut d = den;
        if scale >= self.scale {
            n = n.checked_mul(pow10(scale - self.scale))?;
        } else {
            d = d.checked_mul(pow10(self.scale - scale))?;
        }
        if d < 0 {
            n = n.checked_neg()?;
            d = d.checked_neg()?;
        }
        let q = n / d;
        let r = n % d;
        // Half away from zero: |r| >= d/2.
        let q = if r.unsigned_abs() * 2 >= d.unsigned_abs() {
            if n < 0 {
                q.checked_sub(1)?
            } else {
                q.checked_add(1)?
            }
        } else {
            q
        };
        Some(Money { units: q, scale })
    }
}

/// The scale of a derived amount (a per-month amount, a CLV, a cost per customer): the input's
/// own scale, and at least cents.
pub fn derived_scale(input: &Money) -> u32 {
    input.scale.max(2)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Money from its text, for the revenue family's tests.
    pub(in crate::kpi::revenue) fn m(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn numeric(text: &str, dscale: u32) -> Money {
        let v = m(text);
        let (neg, weight, digits) = v.to_numeric();
        Money::from_numeric(neg, weight, dscale, digits.into_iter(), "x").unwrap()
    }

    #[test]
    fn numeric_parts_round_trip() {
        assert_eq!(m("0.5").to_numeric(), (false, -1, vec![5000]));
        assert_eq!(m("10000").to_numeric(), (false, 1, vec![1]));
        assert_eq!(m("-12345.678").to_numeric(), (true, 1, vec![1, 2345, 6780]));
        assert_eq!(m("0.00001").to_numeric(), (false, -2, vec![1000]));
        assert_eq!(m("0.000").to_numeric(), (false, 0, vec![]));
        for t in [
            "0",
            "1.50",
            "-0.0001",
            "99999999999999999999.999999",
            "123.4560",
        ] {
            let v = m(t);
            assert_eq!(numeric(t, v.scale), v, "{t}");
            assert_eq!(v.to_text(), t);
        }
        let max = Money::new(i128::MAX, 0);
        let (neg, w, d) = max.to_numeric();
        assert_eq!(
            Money::from_numeric(neg, w, 0, d.into_iter(), "x").unwrap(),
            max
        );
    }

    #[test]
    fn numeric_digits_at_every_scale() {
        let read = |w: i32, ds: u32, d: &[u16]| {
            Money::from_numeric(false, w, ds, d.iter().copied(), "x")
                .unwrap()
                .to_text()
        };
        assert_eq!(read(0, 2, &[1234, 5000]), "1234.50");
        assert_eq!(read(0, 3, &[1, 5000]), "1.500");
        assert_eq!(read(0, 4, &[1, 5000]), "1.5000");
        assert_eq!(read(0, 6, &[1, 5000]), "1.500000");
        assert_eq!(read(1, 0, &[1]), "10000");
        assert_eq!(read(1, 2, &[1]), "10000.00");
        assert_eq!(read(-1, 1, &[5000]), "0.5");
        assert_eq!(read(-2, 5, &[1000]), "0.00001");
        assert_eq!(
            read(4, 2, &[12, 3456, 7890, 1234, 5678, 9000]),
            "123456789012345678.90"
        );
        // A digit below the display scale (PostgreSQL never makes one) is kept, not dropped.
        assert_eq!(read(0, 1, &[1, 5500]), "1.5500");
    }

    #[test]
    fn numeric_beyond_i128_is_an_error() {
        // 10^41: digit 10 at weight 10.
        let e = Money::from_numeric(false, 10, 0, [10u16].into_iter(), "mrr").unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert!(Money::from_numeric(false, 0, 39, [1u16].into_iter(), "x").is_err());
        // dscale larger than the digits: 1.50 is digits [1, 5000] weight 0 dscale 2.
        assert_eq!(
            Money::from_numeric(false, 0, 2, [1u16, 5000].into_iter(), "x").unwrap(),
            Money::new(150, 2)
        );
    }

    #[test]
    fn sums_keep_the_largest_scale_and_fail_on_overflow() {
        assert_eq!(
            m("1.5").checked_add(&m("2.25"), "x").unwrap(),
            Money::new(375, 2)
        );
        assert_eq!(
            m("10").checked_sub(&m("0.01"), "x").unwrap().to_text(),
            "9.99"
        );
        let big = Money::new(i128::MAX, 0);
        assert!(big.checked_add(&m("1"), "x").is_err());
        assert!(big.rescale(1, "x").is_err());
    }

    #[test]
    fn mul_div_rounds_half_away_from_zero() {
        assert_eq!(m("2000").mul_div(1, 12, 2).unwrap().to_text(), "166.67");
        assert_eq!(m("300").mul_div(1, 3, 2).unwrap().to_text(), "100.00");
        assert_eq!(m("-0.05").mul_div(1, 10, 2).unwrap().to_text(), "-0.01");
        assert_eq!(m("0.05").mul_div(1, 10, 2).unwrap().to_text(), "0.01");
        assert_eq!(m("0.04").mul_div(1, 10, 2).unwrap().to_text(), "0.00");
        assert_eq!(m("50").mul_div(60, 1, 2).unwrap().to_text(), "3000.00");
        assert_eq!(m("1.005").mul_div(1, 1, 2).unwrap().to_text(), "1.01");
        assert!(m("1").mul_div(1, 0, 2).is_none());
    }

    #[test]
    fn parse_rejects_malformed() {
        for bad in ["", "-", "1.", ".5", "1e3", "1,5", "--1", " 1"] {
            assert_eq!(Money::parse(bad), None, "{bad}");
        }
        assert_eq!(m("-0.50").cmp_value(&m("-0.5")), std::cmp::Ordering::Equal);
    }
}
