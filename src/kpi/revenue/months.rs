//! One customer's months in an `mrr_history`.

/// One customer's months: sorted, distinct, amounts > 0 (units of the history's scale).
/// Amounts are kept as `i64` (12 bytes a month with the month) until one needs more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Months {
    months: Vec<i32>,
    units: Units,
}

/// Amounts of one customer: narrow while every one fits an `i64` (the usual case: 9.2e16 at
/// scale 2), wide from the first that does not. Amounts only grow, so both ways of building
/// the same months (rows, or reading the stored form) give the same variant.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Units {
    Narrow(Vec<i64>),
    Wide(Vec<i128>),
}

impl Default for Units {
    fn default() -> Self {
        Units::Narrow(Vec::new())
    }
}

impl Units {
    #[inline]
    fn get(&self, i: usize) -> i128 {
        match self {
            Units::Narrow(v) => v[i] as i128,
            Units::Wide(v) => v[i],
        }
    }

    #[cold]
    fn widen(&mut self) {
        if let Units::Narrow(v) = self {
            *self = Units::Wide(v.iter().map(|u| *u as i128).collect());
        }
    }

    #[inline]
    fn set(&mut self, i: usize, value: i128) {
        if let (Units::Narrow(v), Ok(n)) = (&mut *self, i64::try_from(value)) {
            v[i] = n;
            return;
        }
        self.widen();
        if let Units::Wide(v) = self {
            v[i] = value;
        }
    }

    #[inline]
    fn insert(&mut self, i: usize, value: i128) {
        if let (Units::Narrow(v), Ok(n)) = (&mut *self, i64::try_from(value)) {
            v.insert(i, n);
            return;
        }
        self.widen();
        if let Units::Wide(v) = self {
            v.insert(i, value);
        }
    }

    fn clear(&mut self) {
        *self = Units::default();
    }
}

impl Months {
    pub fn len(&self) -> usize {
        self.months.len()
    }

    /// No months, room for `n` (narrow amounts).
    pub fn with_capacity(n: usize) -> Months {
        Months {
            months: Vec::with_capacity(n),
            units: Units::Narrow(Vec::with_capacity(n)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.months.is_empty()
    }

    pub fn months(&self) -> &[i32] {
        &self.months
    }

    pub fn clear(&mut self) {
        self.months.clear();
        self.units.clear();
    }

    /// Appends a month after the last one (the caller checks the order).
    #[inline]
    pub fn push(&mut self, month: i32, units: i128) {
        let i = self.months.len();
        self.months.push(month);
        self.units.insert(i, units);
    }

    /// (month, amount) in month order.
    pub fn iter(&self) -> impl Iterator<Item = (i32, i128)> + '_ {
        self.months
            .iter()
            .enumerate()
            .map(|(i, m)| (*m, self.units.get(i)))
    }

    /// The amount in `month`, 0 when the customer did not pay then.
    pub fn at(&self, month: i32) -> i128 {
        match self.months.binary_search(&month) {
            Ok(i) => self.units.get(i),
            Err(_) => 0,
        }
    }

    /// Adds `units` (> 0) to `month`; None on overflow.
    #[inline]
    pub(super) fn add(&mut self, month: i32, units: i128) -> Option<()> {
        match self.months.last() {
            Some(&last) if last < month => {}
            None => {}
            Some(_) => {
                match self.months.binary_search(&month) {
                    Ok(i) => self.units.set(i, self.units.get(i).checked_add(units)?),
                    Err(i) => {
                        self.months.insert(i, month);
                        self.units.insert(i, units);
                    }
                }
                return Some(());
            }
        }
        self.push(month, units);
        Some(())
    }

    pub(super) fn rescale(&mut self, factor: i128) -> Option<()> {
        for i in 0..self.months.len() {
            self.units.set(i, self.units.get(i).checked_mul(factor)?);
        }
        Some(())
    }
}
