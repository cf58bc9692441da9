//! The state of the `health_score(signal, amount, weights)` aggregate.
//!
//! The weights are parsed once, on a group's first row, into a sorted list of signals; later
//! rows only check that they pass the same weights (a byte comparison, see `pg::health`) and
//! add their amount to their signal's exact sum. The score is Σ weight × sum per signal,
//! computed when read: exact sums make the moving mode's take-back exact, and make the answer
//! the same whatever the order of the rows, in one process or across parallel workers.

use super::exact::ExactSum;
use super::lookup::SignalIndex;
use super::{key_order, quote};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::{Reader, Summary};

#[derive(Clone, Debug, Default)]
pub struct HealthState {
    /// The weights' jsonb bytes (after the varlena header) that every row must repeat; empty
    /// until the first row.
    pub weights_key: Vec<u8>,
    /// The raw datum bytes last found equal to `weights_key` (a toast pointer, say): a cache,
    /// not part of the value.
    pub raw_cache: Vec<u8>,
    /// Whether every row of this aggregation passes the same weights datum (a constant or a
    /// parameter), so that rows need not be checked: set by the pgrx layer, not part of the
    /// value.
    pub weights_fixed: bool,
    /// Signals in jsonb key order, with their weights and sums of amounts.
    signals: Vec<Vec<u8>>,
    /// Finds a row's signal in `signals`; derived from them.
    index: SignalIndex,
    weights: Vec<f64>,
    sums: Vec<ExactSum>,
    rows: i64,
}

impl PartialEq for HealthState {
    fn eq(&self, other: &Self) -> bool {
        self.weights_key == other.weights_key
            && self.signals == other.signals
            && self.weights == other.weights
            && self.sums == other.sums
            && self.rows == other.rows
    }
}

#[cold]
fn not_finite(amount: f64) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::OutOfRange,
        format!(
            "health signal amount {} is out of range",
            super::show(amount)
        ),
        "Amounts are finite numbers.",
        "Filter out or correct the rows with NaN or infinite amounts.",
    )
}

#[cold]
fn different_weights() -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        "health_score weights differ between rows of a group",
        "The aggregate scores a group with one weight model, parsed once; rows of the same group passed different weights.",
        "Pass the same weights to every row, e.g. (SELECT weights FROM health_model), or group by the model too.",
    )
}

impl HealthState {
    /// Whether the weights are known (the group has seen a row).
    pub fn has_weights(&self) -> bool {
        !self.weights_key.is_empty()
    }

    /// Sets the group's weights, given in jsonb key order.
    pub fn set_weights(&mut self, key: Vec<u8>, weights: Vec<(Vec<u8>, f64)>) {
        self.weights_key = key;
        self.sums = vec![ExactSum::default(); weights.len()];
        (self.signals, self.weights) = weights.into_iter().unzip();
        self.index = SignalIndex::new(&self.signals);
    }

    /// Checks that a row's weights (their bytes) are the group's.
    pub fn check_weights(&self, key: &[u8]) -> KpiResult<()> {
        if key == self.weights_key.as_slice() {
            Ok(())
        } else {
            Err(different_weights())
        }
    }

    /// The index of a signal, or 22023 naming it.
    #[inline]
    pub fn signal(&self, signal: &[u8]) -> KpiResult<usize> {
        match self.index.find(&self.signals, signal) {
            Some(i) => Ok(i),
            None => Err(self.no_weight(signal)),
        }
    }

    #[cold]
    fn no_weight(&self, signal: &[u8]) -> Box<KpiError> {
        let mut names: Vec<String> = self.signals.iter().take(10).map(|s| quote(s)).collect();
        if self.signals.len() > 10 {
            names.push(format!("and {} more", self.signals.len() - 10));
        }
        KpiError::new(
            ErrorKind::InvalidParameter,
            format!("signal {} has no weight", quote(signal)),
            format!(
                "health_score needs a weight for every signal; the weights name {}.",
                if names.is_empty() { "none".to_string() } else { names.join(", ") }
            ),
            "Add a weight for the signal or filter its rows out: an unweighted signal is almost always a misspelt name.",
        )
    }

    /// Counts `amount` of signal `i` (`sign` -1 takes a row back).
    #[inline]
    pub fn add(&mut self, i: usize, amount: f64, sign: i64) -> KpiResult<()> {
        if !amount.is_finite() {
            return Err(not_finite(amount));
        }
        let Some(rows) = self.rows.checked_add(sign) else {
            return Err(KpiError::overflow("health_score row count"));
        };
        self.rows = rows;
        self.sums[i].add(if sign < 0 { -amount } else { amount });
        Ok(())
    }

    /// Σ weight × exact sum, in signal order; `None` for a group with no row.
    pub fn score(&self) -> KpiResult<Option<f64>> {
        if self.rows == 0 {
            return Ok(None);
        }
        let total = self
            .weights
            .iter()
            .zip(&self.sums)
            .fold(0.0, |acc, (w, s)| acc + w * s.to_f64());
        if total.is_finite() {
            Ok(Some(total))
        } else {
            Err(super::overflow("health_score"))
        }
    }
}

impl Summary for HealthState {
    const TYPE_NAME: &'static str = "health_score_state";
    const VERSION: u8 = 1;

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        if !other.has_weights() {
            return Ok(());
        }
        if !self.has_weights() {
            *self = other.clone();
            return Ok(());
        }
        self.check_weights(&other.weights_key)?;
        for (s, o) in self.sums.iter_mut().zip(&other.sums) {
            s.merge(o);
        }
        self.rows = self
            .rows
            .checked_add(other.rows)
            .ok_or_else(|| KpiError::overflow("health_score row count"))?;
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn write_payload(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.weights_key.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.weights_key);
        out.extend_from_slice(&(self.signals.len() as u32).to_be_bytes());
        for ((signal, weight), sum) in self.signals.iter().zip(&self.weights).zip(&self.sums) {
            out.extend_from_slice(&(signal.len() as u32).to_be_bytes());
            out.extend_from_slice(signal);
            out.extend_from_slice(&weight.to_bits().to_be_bytes());
            sum.write(out);
        }
        out.extend_from_slice(&self.rows.to_be_bytes());
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(bytes);
        let n = r.len(1)?;
        let weights_key = r.take(n)?.to_vec();
        let count = r.len(20)?;
        let mut state = HealthState {
            weights_key,
            ..HealthState::default()
        };
        for _ in 0..count {
            let n = r.len(1)?;
            state.signals.push(r.take(n)?.to_vec());
            state.weights.push(r.f64()?);
            state.sums.push(ExactSum::read(&mut r)?);
        }
        state.rows = r.i64()?;
        r.finish()?;
        state.index = SignalIndex::new(&state.signals);
        Ok(state)
    }

    fn validate(&self) -> Result<(), String> {
        if self.rows < 0 {
            return Err("The row count is negative.".to_string());
        }
        if !self.has_weights() && (self.rows != 0 || !self.signals.is_empty()) {
            return Err("Rows were counted without weights.".to_string());
        }
        if !self
            .signals
            .windows(2)
            .all(|w| key_order(&w[0], &w[1]).is_lt())
        {
            return Err("The signals are not in jsonb key order.".to_string());
        }
        if !self.weights.iter().all(|w| w.is_finite()) {
            return Err("A weight is not finite.".to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> HealthState {
        let mut s = HealthState::default();
        s.set_weights(
            b"model".to_vec(),
            vec![
                (b"logins".to_vec(), 5.0),
                (b"cs_engagements".to_vec(), 20.0),
                (b"unresolved_tickets".to_vec(), -20.0),
            ],
        );
        s
    }

    fn feed(s: &mut HealthState, rows: &[(&str, f64)]) {
        for (signal, amount) in rows {
            let i = s.signal(signal.as_bytes()).unwrap();
            s.add(i, *amount, 1).unwrap();
        }
    }

    #[test]
    fn seed_example_as_rows() {
        let mut s = model();
        assert_eq!(s.score(), Ok(None));
        // 5 login rows of 1, one engagement row of 3, one ticket: 25 + 60 - 20 = 65.
        feed(&mut s, &[("logins", 1.0); 5]);
        feed(
            &mut s,
            &[("cs_engagements", 3.0), ("unresolved_tickets", 1.0)],
        );
        assert_eq!(s.score(), Ok(Some(65.0)));
        assert!(s.signal(b"login").is_err());
        assert!(s.add(0, f64::NAN, 1).is_err());
    }

    #[test]
    fn signal_lookup_short_long_and_many() {
        let s = model();
        assert_eq!(s.signal(b"logins"), Ok(0));
        assert_eq!(s.signal(b"cs_engagements"), Ok(1));
        assert_eq!(s.signal(b"unresolved_tickets"), Ok(2));
        assert!(s.signal(b"cs_engagementz").is_err());
        assert!(s.signal(b"cs_engag").is_err());
        assert!(s.signal(b"login").is_err());
        assert!(s.signal(b"logins\0").is_err());
        assert!(s.signal(b"").is_err());
        // A state read back from its binary form finds its signals too.
        let back = HealthState::read_payload(&{
            let mut out = Vec::new();
            s.write_payload(&mut out);
            out
        })
        .unwrap();
        assert_eq!(back.signal(b"unresolved_tickets"), Ok(2));
        assert!(back.signal(b"unresolved_ticket").is_err());
        let mut many = HealthState::default();
        let mut names: Vec<Vec<u8>> = (0..100)
            .map(|i| format!("signal_{i}").into_bytes())
            .collect();
        names.sort_by(|a, b| key_order(a, b));
        many.set_weights(
            b"m".to_vec(),
            names.iter().map(|n| (n.clone(), 1.0)).collect(),
        );
        for (i, n) in names.iter().enumerate() {
            assert_eq!(many.signal(n), Ok(i));
        }
        assert!(many.signal(b"signal_100").is_err());
    }

    #[test]
    fn merge_round_trip_and_take_back() {
        let mut a = model();
        feed(&mut a, &[("logins", 0.1), ("logins", 0.2)]);
        let mut b = model();
        feed(&mut b, &[("unresolved_tickets", 2.5)]);
        let mut ab = a.clone();
        ab.merge_checked(&b).unwrap();
        let mut one = model();
        feed(
            &mut one,
            &[
                ("unresolved_tickets", 2.5),
                ("logins", 0.2),
                ("logins", 0.1),
            ],
        );
        assert_eq!(ab, one);
        assert_eq!(ab.to_binary(), one.to_binary());
        let back = HealthState::from_binary(&ab.to_binary()).unwrap();
        assert_eq!(back, ab);
        assert_eq!(HealthState::from_text(&ab.to_text()).unwrap(), ab);
        // Taking b's row back gives a exactly.
        ab.add(2, 2.5, -1).unwrap();
        assert_eq!(ab, a);
        // An empty state merges as nothing; different weights are an error.
        let mut e = HealthState::default();
        e.merge_checked(&a).unwrap();
        assert_eq!(e, a);
        let mut other = HealthState::default();
        other.set_weights(b"other".to_vec(), vec![(b"logins".to_vec(), 5.0)]);
        assert!(a.clone().merge_checked(&other).is_err());
    }
}
