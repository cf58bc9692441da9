//! An exact sum of doubles: what makes the health-score aggregate's moving mode safe.
//!
//! A float sum has no exact inverse (`(a + b) - b` need not be `a`), so a window frame that
//! adds and takes back rows would drift from a recomputation. Here every finite double is an
//! integer multiple of 2^-1074 and is added exactly into a fixed-point number of 32-bit limbs,
//! stored only over the range of magnitudes actually seen. Adding and taking back are then
//! exact, the result does not depend on the order of the rows (serial, parallel and window
//! answers are identical), and it is rounded once, to the nearest double, when read.
//!
//! Limbs are `i64` holding 32-bit digits with lazy carries: an addition touches at most three
//! limbs and changes each by less than 2^32, so carries are propagated only every 2^30
//! additions (and before any read or merge).
//!
//! Most amounts are whole numbers (counts of logins, tickets, calls). Those go first into a
//! plain `i64`, which is exact too and costs one add; it is folded into the limbs whenever they
//! are normalized, so it never shows in a read, a comparison or the binary form.

const BITS: i32 = 32;
const BASE: i64 = 1 << BITS;
const HALF: i64 = 1 << (BITS - 1);
const PENDING_MAX: u32 = 1 << 30;
/// Whole amounts up to 2^53 in magnitude are exactly the `i64` they convert to.
const WHOLE_MAX: i64 = 1 << 53;

/// A signed fixed-point number: Σ limbs[i] × 2^(32 × (lo + i)).
///
/// Normalized form (after [`ExactSum::normalize`]): every limb but the top in [0, 2^32), the
/// top in [-2^31, 2^31), no limb more than the sign needs, no zero limb at the bottom; zero
/// is no limbs and `lo` 0. So one value has one normalized form (the binary form is canonical).
#[derive(Clone, Debug, Default)]
pub struct ExactSum {
    lo: i32,
    limbs: Vec<i64>,
    pending: u32,
    /// Whole amounts not yet in the limbs (see the module's comment).
    whole: i64,
}

impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.normalize();
        b.normalize();
        a.lo == b.lo && a.limbs == b.limbs
    }
}

impl ExactSum {
    /// Adds a finite double exactly (the caller rejects NaN and infinities).
    #[inline]
    pub fn add(&mut self, x: f64) {
        // `as` saturates (and maps NaN to 0), so the round trip holds only for whole x; the
        // bound keeps out ±2^63, which saturation would make look whole.
        let whole = x as i64;
        if whole as f64 == x && (-WHOLE_MAX..=WHOLE_MAX).contains(&whole) {
            if let Some(sum) = self.whole.checked_add(whole) {
                self.whole = sum;
                return;
            }
        }
        self.add_fraction(x);
    }

    #[inline(never)]
    fn add_fraction(&mut self, x: f64) {
        if x == 0.0 || !x.is_finite() {
            return;
        }
        let bits = x.to_bits();
        let negative = bits >> 63 != 0;
        let exponent = ((bits >> 52) & 0x7FF) as i32;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mantissa, e) = if exponent == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1u64 << 52), exponent - 1075)
        };
        let k = e.div_euclid(BITS);
        let shifted = (mantissa as u128) << e.rem_euclid(BITS);
        self.cover(k, k + 2);
        let base = (k - self.lo) as usize;
        for j in 0..3 {
            let part = ((shifted >> (BITS as u32 * j as u32)) as u64 & 0xFFFF_FFFF) as i64;
            if negative {
                self.limbs[base + j] -= part;
            } else {
                self.limbs[base + j] += part;
            }
        }
        self.pending += 1;
        if self.pending >= PENDING_MAX {
            self.normalize();
        }
    }

    /// Makes limbs `from..=to` exist.
    #[inline(always)]
    fn cover(&mut self, from: i32, to: i32) {
        let hi = self.lo + self.limbs.len() as i32 - 1;
        if self.limbs.is_empty() || from < self.lo || to > hi {
            self.grow(from, to);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, from: i32, to: i32) {
        if self.limbs.is_empty() {
            self.lo = from;
            self.limbs = vec![0; (to - from + 1) as usize];
            return;
        }
        if from < self.lo {
            let extra = (self.lo - from) as usize;
            self.limbs.splice(0..0, std::iter::repeat_n(0, extra));
            self.lo = from;
        }
        let hi = self.lo + self.limbs.len() as i32 - 1;
        if to > hi {
            self.limbs
                .extend(std::iter::repeat_n(0, (to - hi) as usize));
        }
    }

    /// Propagates carries and trims the limbs to the normalized form.
    pub fn normalize(&mut self) {
        if self.whole != 0 {
            // Units of 2^0: limb 0 takes the low 32 bits, limb 1 the rest with the sign.
            self.cover(0, 1);
            let base = (-self.lo) as usize;
            self.limbs[base] += self.whole & (BASE - 1);
            self.limbs[base + 1] += self.whole >> BITS;
            self.whole = 0;
        }
        self.pending = 0;
        let limbs = &mut self.limbs;
        if limbs.is_empty() {
            self.lo = 0;
            return;
        }
        for i in 0..limbs.len() - 1 {
            let carry = limbs[i] >> BITS;
            limbs[i] -= carry << BITS;
            limbs[i + 1] += carry;
        }
        loop {
            let top = limbs[limbs.len() - 1];
            if (-HALF..HALF).contains(&top) {
                break;
            }
            let carry = top >> BITS;
            let last = limbs.len() - 1;
            limbs[last] = top - (carry << BITS);
            limbs.push(carry);
        }
        while limbs.len() >= 2 {
            let top = limbs[limbs.len() - 1];
            let below = limbs[limbs.len() - 2];
            if top == 0 && below < HALF {
                limbs.pop();
            } else if top == -1 && below >= HALF {
                limbs.pop();
                let last = limbs.len() - 1;
                limbs[last] = below - BASE;
            } else {
                break;
            }
        }
        if limbs.len() == 1 && limbs[0] == 0 {
            limbs.clear();
        }
        let zeros = limbs.iter().take_while(|&&l| l == 0).count();
        limbs.drain(..zeros);
        self.lo = if limbs.is_empty() {
            0
        } else {
            self.lo + zeros as i32
        };
    }

    /// Adds another sum exactly.
    pub fn merge(&mut self, other: &ExactSum) {
        let mut other = other.clone();
        other.normalize();
        self.normalize();
        if other.limbs.is_empty() {
            return;
        }
        let top = other.lo + other.limbs.len() as i32 - 1;
        self.cover(other.lo, top);
        let base = (other.lo - self.lo) as usize;
        for (i, l) in other.limbs.iter().enumerate() {
            self.limbs[base + i] += l;
        }
        self.normalize();
    }

    /// The sum rounded to the nearest double (±infinity past the double range).
    pub fn to_f64(&self) -> f64 {
        let mut s = self.clone();
        s.normalize();
        if s.limbs.is_empty() {
            return 0.0;
        }
        let negative = s.limbs[s.limbs.len() - 1] < 0;
        if negative {
            s.limbs.iter_mut().for_each(|l| *l = -*l);
            s.normalize();
        }
        let n = s.limbs.len();
        let take = n.min(3);
        let mut top: u128 = 0;
        for i in (n - take..n).rev() {
            top = (top << BITS) | s.limbs[i] as u128;
        }
        // The top limb is non-zero, so with three limbs `top` has at least 65 bits: its lowest
        // bit lies below the rounding position and can stand for everything below it.
        if s.limbs[..n - take].iter().any(|&l| l != 0) {
            top |= 1;
        }
        let magnitude = scale2(top as f64, BITS * (s.lo + (n - take) as i32));
        if negative {
            -magnitude
        } else {
            magnitude
        }
    }

    /// Normalized binary form: `lo`, the limb count, then the limbs (big-endian `i64`s).
    pub fn write(&self, out: &mut Vec<u8>) {
        let mut s = self.clone();
        s.normalize();
        out.extend_from_slice(&s.lo.to_be_bytes());
        out.extend_from_slice(&(s.limbs.len() as u32).to_be_bytes());
        for l in &s.limbs {
            out.extend_from_slice(&l.to_be_bytes());
        }
    }

    /// Reads [`ExactSum::write`]'s output, refusing anything not normalized.
    pub fn read(r: &mut crate::kpi::summary::Reader) -> Result<ExactSum, String> {
        let lo = r.i32()?;
        let n = r.len(8)?;
        let limbs = (0..n).map(|_| r.i64()).collect::<Result<Vec<_>, _>>()?;
        let s = ExactSum {
            lo,
            limbs,
            pending: 0,
            whole: 0,
        };
        let mut normal = s.clone();
        normal.normalize();
        // Limbs outside the double range (2^-1074 .. 2^1024 times 2^62 additions) are corrupt.
        let in_range = s.limbs.is_empty() || (-40..=40).contains(&s.lo) && s.limbs.len() <= 80;
        if !in_range || normal.lo != s.lo || normal.limbs != s.limbs {
            return Err("An exact sum is not in normalized form.".to_string());
        }
        Ok(s)
    }
}

/// x × 2^k, exact unless the result overflows or is subnormal.
fn scale2(mut x: f64, mut k: i32) -> f64 {
    let pow2 = |k: i32| f64::from_bits(((k + 1023) as u64) << 52);
    while k > 1000 {
        x *= pow2(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= pow2(-1000);
        k += 1000;
    }
    x * pow2(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(xs: &[f64]) -> ExactSum {
        let mut s = ExactSum::default();
        xs.iter().for_each(|&x| s.add(x));
        s
    }

    #[test]
    fn exact_where_floats_are_not() {
        // 0.1 + 0.2 in floats is 0.30000000000000004; exactly it is the nearest double to
        // the true sum of those two doubles, 0.3000000000000000166..., which is 0.30000000000000004.
        assert_eq!(sum(&[0.1, 0.2]).to_f64(), 0.1 + 0.2);
        // 1e20 + 1 - 1e20: floats lose the 1.
        assert_eq!(sum(&[1e20, 1.0, -1e20]).to_f64(), 1.0);
        assert_eq!(sum(&[1e308, 1e308, -1e308]).to_f64(), 1e308);
        assert_eq!(sum(&[5e-324, 5e-324]).to_f64(), 1e-323);
        assert_eq!(sum(&[-3.5, 1.25]).to_f64(), -2.25);
        assert_eq!(sum(&[]).to_f64(), 0.0);
        assert_eq!(sum(&[2.0, -2.0]).to_f64().to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn add_then_take_back_is_identity() {
        let xs = [3.7, -1e-5, 123456.789, 1e15, -0.3, 7.0];
        let mut s = sum(&xs);
        for &x in &xs[..3] {
            s.add(-x);
        }
        assert_eq!(s, sum(&xs[3..]));
        assert_eq!(s.to_f64(), sum(&xs[3..]).to_f64());
    }

    #[test]
    fn order_and_merge_do_not_matter() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 * 0.37 - 150.0)
            .collect();
        let forward = sum(&xs);
        let mut rev = xs.clone();
        rev.reverse();
        let mut merged = sum(&xs[..400]);
        merged.merge(&sum(&xs[400..]));
        assert_eq!(forward, sum(&rev));
        assert_eq!(forward, merged);
        assert_eq!(forward.to_f64(), merged.to_f64());
    }

    #[test]
    fn rounds_to_nearest() {
        // 2^53 + 1 is not a double: ties go to even (2^53); with a tiny extra it rounds up.
        let big = 9007199254740992.0;
        assert_eq!(sum(&[big, 1.0]).to_f64(), big);
        assert_eq!(sum(&[big, 1.0, 1e-30]).to_f64(), big + 2.0);
        assert_eq!(sum(&[-big, -1.0, -1e-30]).to_f64(), -big - 2.0);
    }

    #[test]
    fn binary_form_is_canonical() {
        let a = sum(&[1.5, -0.25, 1e10]);
        let mut b = sum(&[1e10, 1.25, 7.0]);
        b.add(-7.0);
        let (mut wa, mut wb) = (Vec::new(), Vec::new());
        a.write(&mut wa);
        b.write(&mut wb);
        assert_eq!(wa, wb);
        let back = ExactSum::read(&mut crate::kpi::summary::Reader::new(&wa)).unwrap();
        assert_eq!(back, a);
        // A non-normalized form is refused.
        let mut bad = Vec::new();
        bad.extend_from_slice(&0i32.to_be_bytes());
        bad.extend_from_slice(&1u32.to_be_bytes());
        bad.extend_from_slice(&0i64.to_be_bytes());
        assert!(ExactSum::read(&mut crate::kpi::summary::Reader::new(&bad)).is_err());
    }

    /// Whole amounts take the `i64` path, others the limbs; mixed, at the path's limits
    /// (2^53, an `i64` sum that would overflow, ±2^63 that saturate), the sum stays exact.
    #[test]
    fn whole_and_fractional_amounts_mix_exactly() {
        let two53 = 9007199254740992.0;
        assert_eq!(sum(&[two53, 1.0, -two53]).to_f64(), 1.0);
        assert_eq!(sum(&[two53 * 2.0, 1.0, 0.5, -two53 * 2.0]).to_f64(), 1.5);
        let many = vec![two53; 1100]; // 2^63.1: past what the i64 holds
        let mut s = sum(&many);
        assert_eq!(s.to_f64(), two53 * 1100.0);
        many.iter().for_each(|&x| s.add(-x));
        assert_eq!(s, ExactSum::default());
        let two63 = 9.223372036854775808e18;
        assert_eq!(sum(&[two63, 1.0, -two63]).to_f64(), 1.0);
        assert_eq!(sum(&[-two63, 0.25, two63, two63]).to_f64(), two63 + 0.25);
        // -3 then +2.75: the i64 part is negative, the limbs positive.
        let mixed = sum(&[-3.0, 2.75]);
        assert_eq!(mixed.to_f64(), -0.25);
        assert_eq!(mixed, sum(&[-0.25]));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        mixed.write(&mut a);
        sum(&[-0.25]).write(&mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn negative_values_normalize_uniquely() {
        let a = sum(&[-1.0]);
        let b = sum(&[4294967296.0, -4294967297.0]);
        assert_eq!(a, b);
        assert_eq!(b.to_f64(), -1.0);
    }
}
