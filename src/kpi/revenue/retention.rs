//! NRR and GRR over movement columns: the exact sums of `nrr(start, expansion, churn,
//! contraction)` and `grr(start, churn, contraction)` ([`RetentionSums`], the `nrr_state`
//! aggregate state), their checks per row, and the two quotients.

use super::money::{too_large, Money, MAX_SCALE};
use super::scalar::{non_negative, percent, percent_of_sum};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::{Reader, Summary};

/// The checks of one row, on its amounts at one scale: each zero or more, and churn plus
/// contraction at most start.
#[inline]
fn check_units(function: &str, row: &Row, units: &[i128; 4]) -> KpiResult<()> {
    if units.iter().any(|u| *u < 0) {
        let names = ["start", "expansion", "churn", "contraction"];
        for (value, name) in row.iter().zip(names) {
            non_negative(function, name, *value)?;
        }
    }
    // Both are >= 0 and below 2^127, so the sum fits in a u128.
    let lost = units[2] as u128 + units[3] as u128;
    if lost > units[0] as u128 {
        return Err(KpiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "{function} churn plus contraction ({}) exceeds start ({})",
                row[2]
                    .checked_add(&row[3], "nrr row")
                    .map(|m| m.to_text())
                    .unwrap_or_else(|_| "more than 38 digits".to_string()),
                row[0].to_text()
            ),
            "A customer cannot lose more MRR than it had at the start.",
            "Check the movement columns: churn and contraction are the amounts lost, \
             at most the starting MRR of the row.",
        ));
    }
    Ok(())
}

/// The scale of the rows the fmgr layer reads in place: ten-thousandths, the last place of
/// a base-10000 digit of `numeric`, so that reading a stored amount needs no division. A
/// state takes this scale at its first such row (or a larger one, for amounts with more
/// decimals); the sums stay exact at any scale.
pub const TEN_THOUSANDTHS: u32 = 4;

/// Exact sums of the four movement columns of `nrr()` (and three of `grr()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionSums {
    /// Every sum counts units of 10^-scale: the largest scale of any row so far, and at
    /// least [`TEN_THOUSANDTHS`] (0 before the first row).
    pub scale: u32,
    pub start: i128,
    pub expansion: i128,
    pub churn: i128,
    pub contraction: i128,
    pub rows: i64,
}

/// One row of `nrr()`/`grr()`: start, expansion, churn, contraction (already checked >= 0).
pub type Row = [Money; 4];

impl RetentionSums {
    fn sums_mut(&mut self) -> [&mut i128; 4] {
        [
            &mut self.start,
            &mut self.expansion,
            &mut self.churn,
            &mut self.contraction,
        ]
    }

    /// Rescales the sums to `scale`, all or none: on an error nothing has changed (the fast
    /// path's caller goes on at the old scale).
    fn raise_scale(&mut self, scale: u32) -> KpiResult<()> {
        if scale > self.scale {
            let factor = super::money::pow10(scale - self.scale);
            let mut raised = [0i128; 4];
            for (r, s) in raised.iter_mut().zip(self.sums_mut()) {
                *r = s.checked_mul(factor).ok_or_else(|| too_large("nrr sum"))?;
            }
            for (s, r) in self.sums_mut().into_iter().zip(raised) {
                *s = r;
            }
            self.scale = scale;
        }
        Ok(())
    }

    /// Checks a row: amounts are zero or more, and a customer cannot lose more than it had.
    pub fn check_row(function: &str, row: &Row) -> KpiResult<()> {
        let scale = row.iter().map(|m| m.scale).max().unwrap_or(0);
        let mut units = [0i128; 4];
        for (u, m) in units.iter_mut().zip(row) {
            *u = m.units_at(scale).ok_or_else(|| too_large("nrr sum"))?;
        }
        check_units(function, row, &units)
    }

    /// The row's amounts at the state's scale, raised first to the row's if it has more
    /// decimals, and to [`TEN_THOUSANDTHS`] at least, like the fast path's rows: the sums'
    /// limit is then the same whatever path each row took and in whatever order.
    #[inline]
    fn row_units(&mut self, row: &Row) -> KpiResult<[i128; 4]> {
        let scale = row
            .iter()
            .map(|m| m.scale)
            .max()
            .unwrap_or(0)
            .max(TEN_THOUSANDTHS);
        self.raise_scale(scale)?;
        let mut units = [0i128; 4];
        for (u, m) in units.iter_mut().zip(row) {
            *u = m.units_at(self.scale).ok_or_else(|| too_large("nrr sum"))?;
        }
        Ok(units)
    }

    #[inline]
    fn apply(&mut self, units: &[i128; 4], sign: i128) -> KpiResult<()> {
        for (sum, u) in self.sums_mut().into_iter().zip(units) {
            *sum = sum
                .checked_add(sign * u)
                .ok_or_else(|| too_large("nrr sum"))?;
        }
        Ok(())
    }

    /// Checks and adds a row of `function` (nrr or grr).
    pub fn add(&mut self, function: &str, row: &Row) -> KpiResult<()> {
        let units = self.row_units(row)?;
        check_units(function, row, &units)?;
        if self.add_units(units) {
            Ok(())
        } else {
            Err(too_large("nrr sum"))
        }
    }

    /// Adds a row given as units of the sums' scale, each zero or more (the caller's check;
    /// the fmgr layer reads the common row straight into these, without building [`Money`]s):
    /// true if it was added; false, with nothing changed, if churn plus contraction exceed
    /// start or a sum would pass its limit, for [`Self::add`] to report in full.
    #[inline(always)]
    pub fn add_units(&mut self, units: [i128; 4]) -> bool {
        if units[2] as u128 + units[3] as u128 > units[0] as u128 {
            return false;
        }
        let sums = (
            self.start.checked_add(units[0]),
            self.expansion.checked_add(units[1]),
            self.churn.checked_add(units[2]),
            self.contraction.checked_add(units[3]),
        );
        let (Some(start), Some(expansion), Some(churn), Some(contraction)) = sums else {
            return false;
        };
        (self.start, self.expansion, self.churn, self.contraction) =
            (start, expansion, churn, contraction);
        self.rows += 1;
        true
    }

    /// Brings the sums to the fmgr layer's fast-path scale, [`TEN_THOUSANDTHS`], from a
    /// smaller one (a group's first row finds scale 0): true if they are at it now. Sums at
    /// a larger scale (the group met amounts with more decimals) stay there, and their rows
    /// take [`Self::add`].
    pub fn to_ten_thousandths(&mut self) -> bool {
        self.scale <= TEN_THOUSANDTHS && self.raise_scale(TEN_THOUSANDTHS).is_ok()
    }

    /// Adds a row given in ten-thousandths, as [`Self::add_units`] does: false, with nothing
    /// changed, when the sums are at another scale (see [`Self::to_ten_thousandths`]), the row
    /// loses more than it had, or a sum would reach 2^126 (for [`Self::add`] to check and
    /// report). Cannot panic: the fmgr layer calls it outside pgrx's guard.
    #[inline(always)]
    pub fn add_ten_thousandths(&mut self, row: [u64; 4]) -> bool {
        let [start, expansion, churn, contraction] = row.map(|u| u as i128);
        if self.scale != TEN_THOUSANDTHS || churn + contraction > start {
            return false;
        }
        // The sums are never negative, and an amount is below 2^64: a sum below 2^127 plus
        // an amount lands below 2^127 + 2^64, so one test of the new sums' two top bits (a
        // wrapped sum is negative) stands for four checked additions.
        let sums = [
            self.start.wrapping_add(start),
            self.expansion.wrapping_add(expansion),
            self.churn.wrapping_add(churn),
            self.contraction.wrapping_add(contraction),
        ];
        if (sums[0] | sums[1] | sums[2] | sums[3]) >> 126 != 0 {
            return false;
        }
        [self.start, self.expansion, self.churn, self.contraction] = sums;
        self.rows += 1;
        true
    }

    /// Takes back a row added before (moving-aggregate inverse: exact).
    pub fn remove(&mut self, function: &str, row: &Row) -> KpiResult<()> {
        let units = self.row_units(row)?;
        check_units(function, row, &units)?;
        self.apply(&units, -1)?;
        self.rows -= 1;
        self.validate()
            .map_err(|why| crate::kpi::counters::inconsistent_take_back(Self::TYPE_NAME, why))
    }

    /// The sums divided by the largest power of ten that divides them all: the same ratios
    /// in smaller integers. Sums of cents kept in ten-thousandths end in two zeros, and an
    /// integer converts to a double exactly only below 2^53, so the quotient is then the
    /// correctly rounded one for sums 100 times larger.
    fn reduced(&self) -> [i128; 4] {
        let mut sums = [self.start, self.expansion, self.churn, self.contraction];
        while sums.iter().any(|s| *s != 0) && sums.iter().all(|s| s % 10 == 0) {
            for s in &mut sums {
                *s /= 10;
            }
        }
        sums
    }

    /// 100 x (start + expansion - churn - contraction) / start; None for no row or start 0.
    pub fn nrr(&self) -> Option<f64> {
        let [start, expansion, churn, contraction] = self.reduced();
        percent_of_sum(
            &[
                (start, false),
                (expansion, false),
                (churn, true),
                (contraction, true),
            ],
            start,
        )
    }

    /// 100 x (start - churn - contraction) / start.
    pub fn grr(&self) -> Option<f64> {
        let [start, _, churn, contraction] = self.reduced();
        percent(start - churn - contraction, start)
    }
}

impl Summary for RetentionSums {
    const TYPE_NAME: &'static str = "nrr_state";
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        self.raise_scale(other.scale)?;
        let factor = super::money::pow10(self.scale - other.scale);
        let theirs = [other.start, other.expansion, other.churn, other.contraction];
        for (mine, theirs) in self.sums_mut().into_iter().zip(theirs) {
            let add = theirs
                .checked_mul(factor)
                .ok_or_else(|| too_large("nrr sum"))?;
            *mine = mine.checked_add(add).ok_or_else(|| too_large("nrr sum"))?;
        }
        self.rows = self
            .rows
            .checked_add(other.rows)
            .ok_or_else(|| KpiError::overflow(Self::TYPE_NAME))?;
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn write_payload(&self, out: &mut Vec<u8>) {
        out.push(self.scale as u8);
        out.extend_from_slice(&self.rows.to_be_bytes());
        for s in [self.start, self.expansion, self.churn, self.contraction] {
            out.extend_from_slice(&s.to_be_bytes());
        }
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let scale = r.u8()? as u32;
        let rows = r.i64()?;
        let (start, expansion, churn, contraction) = (r.i128()?, r.i128()?, r.i128()?, r.i128()?);
        r.finish()?;
        Ok(RetentionSums {
            scale,
            start,
            expansion,
            churn,
            contraction,
            rows,
        })
    }

    fn validate(&self) -> Result<(), String> {
        if self.scale > MAX_SCALE {
            return Err(format!("Scale {} is above {MAX_SCALE}.", self.scale));
        }
        if self.rows < 0 || self.start < 0 || self.expansion < 0 || self.churn < 0 {
            return Err("A row count or sum is negative.".to_string());
        }
        if self.contraction < 0 || self.churn.saturating_add(self.contraction) > self.start {
            return Err("Churn plus contraction exceeds start.".to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::revenue::money::tests::m;

    #[test]
    fn seed_nrr_is_130() {
        let mut s = RetentionSums::default();
        let row = [m("10000"), m("5000"), m("2000"), m("0")];
        RetentionSums::check_row("nrr", &row).unwrap();
        s.add("nrr", &row).unwrap();
        assert_eq!(s.nrr(), Some(130.0));
        assert_eq!(s.grr(), Some(80.0));
    }

    #[test]
    fn scales_mix_and_inverse_is_exact() {
        let mut s = RetentionSums::default();
        s.add("nrr", &[m("100"), m("0"), m("0"), m("0")]).unwrap();
        s.add("nrr", &[m("0.01"), m("0.005"), m("0"), m("0")])
            .unwrap();
        assert_eq!(s.scale, 4);
        assert_eq!(s.start, 1_000_100);
        s.remove("nrr", &[m("0.01"), m("0.005"), m("0"), m("0")])
            .unwrap();
        assert_eq!((s.start, s.expansion, s.rows), (1_000_000, 0, 1));
        let mut t = RetentionSums::default();
        t.add("nrr", &[m("3.5"), m("1"), m("0.5"), m("0")]).unwrap();
        let mut u = s.clone();
        u.merge(&t).unwrap();
        assert_eq!(u.start, 1_035_000);
        assert_eq!(
            RetentionSums::from_binary(&u.to_binary()).unwrap(),
            u.clone()
        );
    }

    /// The units path adds only what it may: a row losing more than it had, or a sum past
    /// the format, changes nothing and is left to `add`, which reports it.
    #[test]
    fn units_path_leaves_errors_to_the_full_one() {
        let mut s = RetentionSums::default();
        s.add("nrr", &[m("10.00"), m("0"), m("0.00"), m("0")])
            .unwrap();
        // Sums count ten-thousandths at least.
        assert!(s.add_units([52_500, 15_000, 0, 20_000]));
        assert_eq!(
            (s.scale, s.start, s.expansion, s.contraction, s.rows),
            (4, 152_500, 15_000, 20_000, 2)
        );
        let before = s.clone();
        assert!(!s.add_units([100, 0, 100, 1]));
        let e = s
            .add("nrr", &[m("1.00"), m("0"), m("1.00"), m("0.01")])
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
        assert!(e.message.contains("exceeds start"), "{}", e.message);
        assert_eq!(s, before);
        s.start = i128::MAX - 100;
        assert!(!s.add_units([101, 0, 0, 0]));
        let e = s
            .add("nrr", &[m("1.01"), m("0"), m("0"), m("0")])
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert!(s.add_units([100, 0, 0, 0]));
        assert_eq!(s.start, i128::MAX);
    }

    /// Sums of cents kept in ten-thousandths give the quotient of the cents themselves: the
    /// correctly rounded double (the helper's case: 838,857,291,649 and 100,707,973,284, whose
    /// ten-thousandths pass 2^53).
    #[test]
    fn quotient_of_the_reduced_sums() {
        let mut s = RetentionSums::default();
        s.add(
            "nrr",
            &[m("838857291649"), m("0"), m("100707973284"), m("0")],
        )
        .unwrap();
        assert_eq!(s.start, 8_388_572_916_490_000);
        let exact = 100.0 * (838_857_291_649.0 - 100_707_973_284.0) / 838_857_291_649.0;
        assert_eq!(s.nrr(), Some(exact));
        assert_eq!(s.nrr(), Some(87.99462384286709));
        assert_eq!(s.grr(), s.nrr());
    }

    /// A scale change that would overflow leaves every sum as it was (the fast path goes on
    /// at the old scale), and the limit is the same in any row order.
    #[test]
    fn scale_change_is_all_or_none() {
        let mut s = RetentionSums::default();
        s.expansion = 2 * 10i128.pow(34);
        s.start = 1;
        s.rows = 1;
        let before = s.clone();
        assert!(!s.to_ten_thousandths());
        assert_eq!(s, before);
        let big = [
            m("1"),
            m("20000000000000000000000000000000000"),
            m("0"),
            m("0"),
        ];
        let small = [m("1"), m("0"), m("0"), m("0")];
        for rows in [[&big, &small], [&small, &big]] {
            let mut s = RetentionSums::default();
            let errors = rows.iter().filter(|r| s.add("nrr", r).is_err()).count();
            assert_eq!(
                errors, 1,
                "2 x 10^34 in ten-thousandths is past i128 in any order"
            );
        }
    }

    /// The fast path's scale: a fresh state takes it, one at a larger scale keeps its own
    /// (and its rows go to `add`), and the sums are the same either way.
    #[test]
    fn ten_thousandths_path() {
        let mut s = RetentionSums::default();
        assert!(!s.add_ten_thousandths([10_000, 0, 0, 0]));
        assert!(s.to_ten_thousandths());
        assert!(s.add_ten_thousandths([100_000, 5_000, 10_000, 0]));
        assert!(!s.add_ten_thousandths([10_000, 0, 10_000, 1]));
        assert_eq!(
            (s.scale, s.start, s.expansion, s.churn, s.rows),
            (4, 100_000, 5_000, 10_000, 1)
        );
        let mut direct = RetentionSums::default();
        direct
            .add("nrr", &[m("10"), m("0.5"), m("1.0"), m("0")])
            .unwrap();
        assert_eq!(s.nrr(), direct.nrr());
        // Near the top of the format the fast path steps aside, and `add` goes on to the
        // exact limit.
        let mut high = s.clone();
        high.start = (1 << 126) - 10;
        assert!(high.add_ten_thousandths([9, 0, 0, 0]));
        let before = high.clone();
        assert!(!high.add_ten_thousandths([1, 0, 0, 0]));
        assert_eq!(high, before);
        high.add("nrr", &[m("0.0001"), m("0"), m("0"), m("0")])
            .unwrap();
        assert_eq!(high.start, 1 << 126);
        high.start = i128::MAX - 5;
        assert!(!high.add_ten_thousandths([u64::MAX, 0, 0, 0]));
        assert_eq!(high.start, i128::MAX - 5);
        direct
            .add("nrr", &[m("1.00001"), m("0"), m("0"), m("0")])
            .unwrap();
        assert_eq!(direct.scale, 5);
        assert!(!direct.to_ten_thousandths());
        assert!(!direct.add_ten_thousandths([10_000, 0, 0, 0]));
    }

    #[test]
    fn row_errors() {
        let e = RetentionSums::check_row("nrr", &[m("10"), m("0"), m("8"), m("3")]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
        let e = RetentionSums::check_row("nrr", &[m("10"), m("-1"), m("0"), m("0")]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert_eq!(RetentionSums::default().nrr(), None);
    }
}
