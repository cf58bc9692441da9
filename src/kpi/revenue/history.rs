//! `mrr_history`: customer -> month -> exact MRR, the summary behind `mrr_agg()`.
//!
//! While aggregating, customers sit in a hash map (one per key type), each with its months
//! kept sorted, merged and free of zeros as rows arrive, so every overflow is caught where it
//! happens. The stored form is canonical: customers sorted by key (bigint order, bytes of the
//! text, bytes of the uuid), months ascending, amounts > 0 as varints at the history's scale.
//! The month range (first and last month of any row, zero rows included) is stored too: a
//! month with no row inside it is 0 MRR, which is what makes a missing month a churn.
//!
//! # Buffered rows
//! Tables usually hold a month's rows together (one billing run after another), so consecutive
//! rows belong to customers scattered over the whole map, and adding each where it belongs
//! costs a few cache misses (the hash slot, the customer's months, their amounts). Rows of
//! bigint customers ([`MrrHistory::add_int`]) are therefore appended to `pending` and
//! [`MrrHistory::flush`]ed in bulk: grouped by customer with a stable radix sort, then added
//! customer by customer, in arrival order, with one lookup per customer. Every reader flushes
//! first (or reads a flushed copy), so the buffer changes no value and no encoding.
//!
//! Customers numbered from 0 up (serial ids, the usual bigint key) skip even that: their
//! rows are summed into a [`Grid`], one cell per customer and month, so a row costs one
//! addition, no hash, no sort and no copy, and rows in either of a table's usual orders walk
//! the grid in order. A flush turns each customer's cells into its months in the map; a
//! history whose customers are all in the grid is settled without one and written straight
//! from the cells, key after key, in the same bytes.

use std::borrow::Borrow;
use std::hash::Hash;

use serde_json::Value;

pub use super::keys::{CustomerKey, Customers, KeyMap, Map};
use super::money::{pow10, too_large, Money, MAX_SCALE};
pub use super::months::Months;
use super::wire::{self, Cursor};
use crate::kpi::bytes::{put_varint_u64, varint_bytes, varint_len};
use crate::kpi::error::{ErrorKind, KpiError, KpiResult};
use crate::kpi::summary::Summary;
use crate::kpi::text::bad_text;

/// The MRR of customers per month, exact.
#[derive(Debug, Clone, Default)]
pub struct MrrHistory {
    pub customers: Option<Customers>,
    /// Amounts count units of 10^-scale: the largest scale of any row, as `sum(numeric)`.
    pub scale: u32,
    /// First and last month of any row (month index: year x 12 + month - 1).
    pub range: Option<(i32, i32)>,
    /// A credit (negative row) was added: amounts may be 0 or negative until the month's
    /// total is final, which [`Summary::finish`] checks (see `signed.rs`). Never set on a
    /// stored value.
    pub signed: bool,
    /// Bigint rows not yet in `customers`, in arrival order (see the module's notes).
    pending: Vec<Pending>,
    /// Rows of small bigint keys not yet in `customers`, summed in place (see [`Grid`]).
    /// Only while no credit was seen (see [`MrrHistory::flush_grid`]).
    grid: Grid,
    /// Rows are added one by one, never buffered. Set for histories read back or merged and
    /// after a rescale or a row of more than 63 bits: while it is clear, every amount held came
    /// from rows of at most 63 bits at the current scale, so no sum of them can overflow and
    /// flushing cannot fail.
    direct: bool,
}

/// One buffered row of [`MrrHistory::add_int`]: the amount is in units of the history's scale.
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    key: i64,
    month: i32,
    units: i64,
}

/// The fewest rows buffered before a flush; more when the history has many customers, so
/// that each flush meets each customer several times (8 rows, 192 bytes a customer), and at
/// most [`PENDING_MAX`] (24 MB).
const PENDING_MIN: usize = 1 << 15;
const PENDING_MAX: usize = 1 << 20;

/// The amounts of customers 0..rows over the months first..first + width, one cell each (0
/// for none), so that a row is one addition: a column of `rows` cells per month
/// (`columns[month - first][key]`). A month's customers in ascending order (a billing run,
/// the usual order of a table) walk a column in order; a customer's months in turn (a table
/// ordered by customer) touch one cache line per month, shared with the next 7 customers. A
/// new month is one more column and more customers lengthen each column, so the grid is
/// never rebuilt. It doubles in customers, and holds at most
/// [`GRID_CELLS_PER_ROW`] cells per row offered (plus [`GRID_SLACK`]), so sparse keys or
/// months go to `pending` instead.
#[derive(Debug, Clone, Default)]
struct Grid {
    first: i32,
    rows: usize,
    /// One column per month from `first` on, each of `rows` cells.
    columns: Vec<Vec<i64>>,
    /// Rows added since the grid was made.
    added: usize,
    /// Rows offered since the grid was made, taken or not: the grid's size is bounded by them.
    offered: usize,
}

const GRID_CELLS_PER_ROW: usize = 16;
/// Customers are added 8 at a time: a cache line of cells.
const GRID_ROW_STEP: usize = 8;
const GRID_SLACK: usize = 4096;
/// A century of months: a wider history goes row by row through `pending`.
const GRID_MAX_WIDTH: i64 = 1200;

impl Grid {
    /// Months the grid covers.
    fn width(&self) -> usize {
        self.columns.len()
    }

    /// Adds `units` (> 0) to `key`'s `month`; false when the row is not for the grid (a key
    /// or month it cannot cover, or a cell that would pass 64 bits).
    #[inline]
    fn add(&mut self, key: i64, month: i32, units: i64) -> KpiResult<bool> {
        self.offered += 1;
        self.place(key, month, units)
    }

    /// [`Grid::add`] of a row already counted in `offered` (a buffered row placed late).
    #[inline]
    fn place(&mut self, key: i64, month: i32, units: i64) -> KpiResult<bool> {
        if let Some(cell) = self.cell(key, month) {
            let Some(sum) = cell.checked_add(units) else {
                return Ok(false);
            };
            *cell = sum;
            self.added += 1;
            return Ok(true);
        }
        if !self.grow(key, month)? {
            return Ok(false);
        }
        self.place(key, month, units)
    }

    /// `key`'s cell of `month`, if the grid covers them.
    #[inline(always)]
    fn cell(&mut self, key: i64, month: i32) -> Option<&mut i64> {
        let m = usize::try_from(i64::from(month) - i64::from(self.first)).ok()?;
        let column = self.columns.get_mut(m)?;
        column.get_mut(usize::try_from(key).ok()?)
    }

    /// [`Grid::add`] of a row the grid covers already: no growth, no allocation, no panic.
    #[inline(always)]
    fn add_existing(&mut self, key: i64, month: i32, units: i64) -> bool {
        let Some(cell) = self.cell(key, month) else {
            return false;
        };
        let Some(sum) = cell.checked_add(units) else {
            return false;
        };
        *cell = sum;
        self.added += 1;
        self.offered += 1;
        true
    }

    /// Makes room for `key` and `month` if the grid may have it. Everything is reserved
    /// before anything changes, so a grid that cannot grow is left as it was.
    #[cold]
    fn grow(&mut self, key: i64, month: i32) -> KpiResult<bool> {
        use crate::kpi::error::reserve;
        let Ok(key) = usize::try_from(key) else {
            return Ok(false);
        };
        let (first, last) = match (self.first, self.width()) {
            (_, 0) => (month, month),
            (first, width) => (first.min(month), (first + (width - 1) as i32).max(month)),
        };
        if i64::from(last) - i64::from(first) >= GRID_MAX_WIDTH {
            return Ok(false);
        }
        let width = (last - first) as usize + 1;
        let budget = GRID_CELLS_PER_ROW.saturating_mul(self.offered) + GRID_SLACK;
        let mut rows =
            key.saturating_add(GRID_ROW_STEP).max(self.rows) / GRID_ROW_STEP * GRID_ROW_STEP;
        if rows.saturating_mul(width) > budget {
            return Ok(false);
        }
        if key >= self.rows {
            // Doubling within the budget: keys met in ascending order lengthen the columns a
            // few times only.
            rows = rows.max((2 * self.rows).min(budget / width) / GRID_ROW_STEP * GRID_ROW_STEP);
        }
        let before = if self.width() == 0 {
            0
        } else {
            (self.first - first) as usize
        };
        let after = width - before - self.width();
        reserve(&mut self.columns, before + after, "mrr_agg")?;
        for column in &mut self.columns {
            reserve(column, rows - column.len(), "mrr_agg")?;
        }
        let mut new = Vec::new();
        reserve(&mut new, before + after, "mrr_agg")?;
        for _ in 0..before + after {
            let mut column = Vec::new();
            reserve(&mut column, rows, "mrr_agg")?;
            column.resize(rows, 0);
            new.push(column);
        }
        for column in &mut self.columns {
            column.resize(rows, 0);
        }
        self.columns.splice(0..0, new.drain(..before));
        self.columns.append(&mut new);
        self.first = first;
        self.rows = rows;
        Ok(true)
    }

    /// The amounts of `key` (below `rows`), month by month from `first`: 0 where it has none.
    #[inline(always)]
    fn customer(&self, key: usize) -> impl Iterator<Item = i64> + Clone + '_ {
        self.columns
            .iter()
            .map(move |column| column.get(key).copied().unwrap_or(0))
    }

    /// The customers part of the stored form of a history whose customers are all in the
    /// grid, months counted from `first` (the history's first month): the bytes
    /// [`write_customers`] writes for the map [`MrrHistory::flush_grid`] would build, without
    /// building it (keys and months ascend with the cells).
    fn write_customers(&self, first: i32, out: &mut Vec<u8>) {
        // About a key and a count per customer, a delta and 3 bytes per cell taken.
        out.reserve(self.added.saturating_mul(4).saturating_add(self.rows * 2));
        // The count leads the customers but is known after them: room for the largest it can
        // be, given back below when it is shorter.
        let count_at = out.len();
        let room = varint_len(self.rows as u64);
        out.resize(count_at + room, 0);
        let mut customers = 0u64;
        for key in 0..self.rows {
            let cells = self.customer(key);
            let paid = cells.clone().filter(|u| *u != 0).count();
            if paid == 0 {
                continue;
            }
            customers += 1;
            out.extend_from_slice(&(key as i64).to_be_bytes());
            put_varint_u64(out, paid as u64);
            let mut prev = first;
            for (m, units) in cells.enumerate() {
                if units != 0 {
                    let month = self.first + m as i32;
                    put_varint_u64(out, (month - prev) as u64);
                    put_varint_u64(out, units as u64);
                    prev = month;
                }
            }
        }
        let (count, n) = varint_bytes(customers);
        out[count_at..count_at + n].copy_from_slice(&count[..n]);
        if n < room {
            out.drain(count_at + n..count_at + room);
        }
    }
}

impl PartialEq for MrrHistory {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.settled(), other.settled());
        a.customers == b.customers
            && a.scale == b.scale
            && a.range == b.range
            && a.signed == b.signed
    }
}
impl Eq for MrrHistory {}

/// `rows` grouped by key, keeping their order within a key: an LSD radix sort on the bytes of
/// the key that differ between rows (two passes for keys below 65,536).
fn group_by_key(rows: &mut Vec<Pending>) {
    if rows.len() < 2 {
        return;
    }
    let digit = |k: i64, b: usize| ((k as u64 >> (8 * b)) & 0xff) as usize;
    let mut counts = vec![[0usize; 256]; 8];
    for r in rows.iter() {
        for (b, c) in counts.iter_mut().enumerate() {
            c[digit(r.key, b)] += 1;
        }
    }
    let mut other = vec![Pending::default(); rows.len()];
    for (b, c) in counts.iter().enumerate() {
        if c.iter().any(|n| *n == rows.len()) {
            continue;
        }
        let mut start = [0usize; 256];
        let mut at = 0;
        for (s, n) in start.iter_mut().zip(c.iter()) {
            *s = at;
            at += n;
        }
        for r in rows.iter() {
            let d = digit(r.key, b);
            other[start[d]] = *r;
            start[d] += 1;
        }
        std::mem::swap(rows, &mut other);
    }
}

#[cold]
fn mixed_keys(mine: u8, theirs: u8) -> Box<KpiError> {
    KpiError::new(
        ErrorKind::InvalidParameter,
        format!(
            "cannot merge an mrr_history of {} customers with one of {} customers",
            Customers::kind_name(mine),
            Customers::kind_name(theirs)
        ),
        "A history's customers all have the same type.",
        "Aggregate every history with the same customer column type.",
    )
}

impl MrrHistory {
    /// A history read back from a stored form: rows added to it go in one by one.
    pub(crate) fn read_back(
        customers: Option<Customers>,
        scale: u32,
        range: Option<(i32, i32)>,
        signed: bool,
    ) -> Self {
        MrrHistory {
            customers,
            scale,
            range,
            signed,
            pending: Vec::new(),
            grid: Grid::default(),
            direct: true,
        }
    }

    /// Adds the buffered rows to `customers` (the order of rows within a customer is kept, so
    /// the months are built by the same steps as row by row). For readers, which cannot fail:
    /// a customer map that cannot grow here falls back to the allocator's emergency reserve.
    pub fn flush(&mut self) {
        // Infallible by construction: without `fallible` the map grows as a plain insert does.
        let _ = self.flush_rows(false);
        self.flush_grid();
    }

    /// Whether rows wait in `pending` or the grid.
    fn buffered(&self) -> bool {
        !self.pending.is_empty() || self.grid.added > 0
    }

    /// Whether every customer is in the grid: no row pending, none in the map (a settled
    /// history of bigint customers numbered from 0 up, the common case). Its stored form is
    /// then written from the grid, in key order, without building the map.
    fn grid_only(&self) -> bool {
        self.pending.is_empty()
            && !self.signed
            && matches!(&self.customers, Some(Customers::Int(map)) if map.is_empty())
    }

    /// Moves the grid's customers into the map: a customer it does not hold yet takes its
    /// months as they are, one it holds gets them added month by month. While no credit was
    /// seen every amount is above 0, so sums in any order are the same totals, met at the
    /// same point past 64 bits (the same narrow or wide amounts), and none can overflow
    /// while `direct` is clear. The grid is then dropped: its size is bounded by the rows
    /// it took since.
    fn flush_grid(&mut self) {
        if self.grid.added == 0 {
            return;
        }
        let grid = std::mem::take(&mut self.grid);
        if let Some(Customers::Int(map)) = &mut self.customers {
            for key in 0..grid.rows {
                let cells = grid.customer(key);
                let paid = cells.clone().filter(|u| *u != 0).count();
                if paid == 0 {
                    continue;
                }
                let mut months = Months::with_capacity(paid);
                for (m, u) in cells.enumerate() {
                    if u != 0 {
                        months.push(grid.first + m as i32, i128::from(u));
                    }
                }
                match map.entry(key as i64) {
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(months);
                    }
                    std::collections::hash_map::Entry::Occupied(mut slot) => {
                        let mine = slot.get_mut();
                        for (m, u) in months.iter() {
                            let _ = mine.add(m, u);
                        }
                    }
                }
            }
        }
    }

    /// [`MrrHistory::flush`] from the aggregate's own row, where the customer map is the
    /// state's growth site: room for a new customer is reserved first, so a map the system
    /// cannot grow is an error (53200) rather than a failed allocation.
    fn try_flush(&mut self) -> KpiResult<()> {
        self.flush_rows(true)
    }

    fn flush_rows(&mut self, fallible: bool) -> KpiResult<()> {
        use crate::kpi::error::Grow;
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut rows = std::mem::take(&mut self.pending);
        // Rows the grid had no room for when they came may fit it now that it has grown, or
        // make it grow within its budget: summed there, their customers stay out of the map
        // and the history can be written from the grid alone. Not after a credit (the grid
        // then stays empty), so every amount placed is above 0, and a cell it would take
        // past 64 bits leaves its row for the map as when the row came. A grid that cannot
        // grow leaves its row for the map too, which reports a lack of memory itself.
        if !self.signed {
            let grid = &mut self.grid;
            rows.retain(|r| !matches!(grid.place(r.key, r.month, r.units), Ok(true)));
        }
        group_by_key(&mut rows);
        if let Some(Customers::Int(map)) = &mut self.customers {
            let mut i = 0;
            while i < rows.len() {
                let key = rows[i].key;
                // Only a full map can need to grow, so the common case pays no extra lookup.
                if fallible && Grow::spare(map) == 0 && !map.contains_key(&key) {
                    crate::kpi::error::reserve(map, 1, "mrr_agg")?;
                }
                let months = map.entry(key).or_default();
                while i < rows.len() && rows[i].key == key {
                    // Cannot fail while `direct` is clear (see there): every total is a sum
                    // of fewer than 2^64 amounts below 2^63.
                    let _ = months.add(rows[i].month, i128::from(rows[i].units));
                    i += 1;
                }
            }
        }
        rows.clear();
        self.pending = rows;
        Ok(())
    }

    /// This history with its buffered rows added: itself when there are none.
    pub fn settled(&self) -> std::borrow::Cow<'_, MrrHistory> {
        if !self.buffered() {
            std::borrow::Cow::Borrowed(self)
        } else {
            let mut copy = self.clone();
            copy.flush();
            std::borrow::Cow::Owned(copy)
        }
    }

    /// From here on rows go in one by one.
    fn go_direct(&mut self) {
        self.flush();
        self.direct = true;
    }

    fn raise_scale(&mut self, scale: u32) -> KpiResult<()> {
        if scale <= self.scale {
            return Ok(());
        }
        if scale > MAX_SCALE {
            return Err(too_large("mrr_history"));
        }
        if self.customers.is_some() {
            self.go_direct();
        }
        let factor = pow10(scale - self.scale);
        if let Some(c) = &mut self.customers {
            for months in c.each_months_mut() {
                months
                    .rescale(factor)
                    .ok_or_else(|| too_large("mrr_history"))?;
            }
        }
        self.scale = scale;
        Ok(())
    }

    fn extend_range(&mut self, first: i32, last: i32) {
        self.range = Some(match self.range {
            None => (first, last),
            Some((a, b)) => (a.min(first), b.max(last)),
        });
    }

    fn map_for<Kt: KeyMap>(&mut self) -> KpiResult<&mut Map<Kt>> {
        let customers = self
            .customers
            .get_or_insert_with(|| Kt::wrap(Map::default()));
        let kind = customers.kind();
        let wanted = Kt::wrap(Map::default()).kind();
        Kt::map(customers).ok_or_else(|| mixed_keys(kind, wanted))
    }

    /// [`MrrHistory::add`] for a bigint customer, buffered: the same value, errors raised by
    /// the same rows (a row's own range, scale and kind are checked as it arrives).
    #[inline]
    pub fn add_int(&mut self, key: i64, month: i32, mrr: &Money) -> KpiResult<()> {
        if self.direct {
            return self.add::<i64, i64>(&key, month, mrr);
        }
        if mrr.is_negative() && !self.signed {
            // The grid stops at the first credit (see `flush_grid`): the rows it holds go
            // into the map before any later row of theirs.
            self.flush();
            self.signed = true;
        }
        self.extend_range(month, month);
        self.raise_scale(mrr.scale)?;
        if mrr.is_zero() {
            self.map_for::<i64>()?;
            return Ok(());
        }
        let units = mrr
            .units_at(self.scale)
            .ok_or_else(|| too_large("mrr_history"))?;
        self.map_for::<i64>()?;
        let (false, Ok(units)) = (self.direct, i64::try_from(units)) else {
            self.go_direct();
            return self.add_units::<i64, i64>(&key, month, units);
        };
        if !self.signed && self.grid.add(key, month, units)? {
            return Ok(());
        }
        crate::kpi::error::reserve(&mut self.pending, 1, "mrr_agg")?;
        self.pending.push(Pending { key, month, units });
        if self.pending.len()
            >= PENDING_MIN
                .max(8 * self.customer_count_flushed())
                .min(PENDING_MAX)
        {
            self.try_flush()?;
        }
        Ok(())
    }

    /// [`MrrHistory::add_int`] of the common row, read without building a [`Money`]: an
    /// amount above 0 of `ten_thousandths` ten-thousandths whose display scale `scale` is at
    /// most the history's (and the history's at most 4), into a customer and month the grid
    /// covers. Returns false, having changed nothing, for any other row. Allocates nothing
    /// and cannot panic, so that a transition may call it without PostgreSQL's guard.
    #[inline(always)]
    pub fn try_add_int_existing(
        &mut self,
        key: i64,
        month: i32,
        ten_thousandths: u64,
        scale: u32,
    ) -> bool {
        const PER_UNIT: [u64; 5] = [10_000, 1_000, 100, 10, 1];
        let Some(per_unit) = PER_UNIT.get(self.scale as usize) else {
            return false;
        };
        // A display scale at most the history's: the amount is a whole number of its units.
        if self.direct || self.signed || scale > self.scale || ten_thousandths == 0 {
            return false;
        }
        let Ok(units) = i64::try_from(ten_thousandths / per_unit) else {
            return false;
        };
        if !matches!(self.customers, Some(Customers::Int(_)))
            || !self.grid.add_existing(key, month, units)
        {
            return false;
        }
        self.extend_range(month, month);
        true
    }

    fn customer_count_flushed(&self) -> usize {
        match &self.customers {
            Some(Customers::Int(m)) => m.len(),
            _ => 0,
        }
    }

    /// `mrr_agg`'s row: `mrr` of customer `key` in `month`. A negative row (a credit line)
    /// is netted with the month's other rows; the total is checked when final.
    #[inline]
    pub fn add<Kt, Q>(&mut self, key: &Q, month: i32, mrr: &Money) -> KpiResult<()>
    where
        Kt: KeyMap + Borrow<Q>,
        Q: ?Sized + Hash + Eq + ToOwned<Owned = Kt>,
    {
        self.flush();
        if mrr.is_negative() {
            self.signed = true;
        }
        self.extend_range(month, month);
        self.raise_scale(mrr.scale)?;
        // Rows with 0 MRR only extend the range: a customer is as absent as without them.
        if mrr.is_zero() {
            self.map_for::<Kt>()?;
            return Ok(());
        }
        let units = mrr
            .units_at(self.scale)
            .ok_or_else(|| too_large("mrr_history"))?;
        self.add_units::<Kt, Q>(key, month, units)
    }

    /// Adds `units` (not 0, at the history's scale) to `key`'s `month`.
    #[inline]
    fn add_units<Kt, Q>(&mut self, key: &Q, month: i32, units: i128) -> KpiResult<()>
    where
        Kt: KeyMap + Borrow<Q>,
        Q: ?Sized + Hash + Eq + ToOwned<Owned = Kt>,
    {
        let map = self.map_for::<Kt>()?;
        let added = match map.get_mut(key) {
            Some(months) => months.add(month, units),
            None => {
                let mut months = Months::default();
                months.add(month, units);
                crate::kpi::error::reserve(map, 1, "mrr_agg")?;
                map.insert(key.to_owned(), months);
                Some(())
            }
        };
        added.ok_or_else(|| too_large("mrr_history"))
    }

    /// `mrr_agg`'s period row: `mrr` in every month of `counted` (first, last), the history's
    /// range spanning `touched` (the months the period's days touch) even where nothing counts.
    pub fn add_span<Kt, Q>(
        &mut self,
        key: &Q,
        touched: (i32, i32),
        counted: Option<(i32, i32)>,
        mrr: &Money,
    ) -> KpiResult<()>
    where
        Kt: KeyMap + Borrow<Q>,
        Q: ?Sized + Hash + Eq + ToOwned<Owned = Kt>,
    {
        self.flush();
        // One entry per month covered: a period longer than any report can show (a typo in a
        // year, or '-infinity') is refused before it costs millions of map entries.
        if let Some((first, last)) = counted {
            let months = i64::from(last) - i64::from(first) + 1;
            if months > super::movements::MAX_MONTHS {
                return Err(KpiError::new(
                    ErrorKind::InvalidParameter,
                    format!(
                        "subscription period covers {months} month ends, more than {}",
                        super::movements::MAX_MONTHS
                    ),
                    "An mrr_history is reported one row per month, up to 120,000 months.",
                    "Check the period's bounds for a wrong year, or end open periods.",
                ));
            }
        }
        if mrr.is_negative() {
            self.signed = true;
        }
        self.extend_range(touched.0, touched.1);
        self.raise_scale(mrr.scale)?;
        self.map_for::<Kt>()?;
        let (Some((first, last)), false) = (counted, mrr.is_zero()) else {
            return Ok(());
        };
        let units = mrr
            .units_at(self.scale)
            .ok_or_else(|| too_large("mrr_history"))?;
        let map = self.map_for::<Kt>()?;
        if !map.contains_key(key) {
            crate::kpi::error::reserve(map, 1, "mrr_agg")?;
            map.insert(key.to_owned(), Months::default());
        }
        let months = map.get_mut(key).ok_or_else(|| too_large("mrr_history"))?;
        for month in first..=last {
            months
                .add(month, units)
                .ok_or_else(|| too_large("mrr_history"))?;
        }
        Ok(())
    }

    /// The customers sorted by key, each with its months, for the stored form.
    fn sorted<Kt: CustomerKey>(map: &Map<Kt>) -> Vec<(&Kt, &Months)> {
        let mut v: Vec<_> = map.iter().collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    fn merge_map<Kt: KeyMap>(&mut self, other: &Map<Kt>, factor: i128) -> KpiResult<()> {
        let map = self.map_for::<Kt>()?;
        crate::kpi::error::reserve(map, other.len(), "mrr_agg")?;
        for (key, theirs) in other {
            let mine = map.entry(key.clone()).or_default();
            for (m, u) in theirs.iter() {
                let u = u
                    .checked_mul(factor)
                    .ok_or_else(|| too_large("mrr_history"))?;
                mine.add(m, u).ok_or_else(|| too_large("mrr_history"))?;
            }
        }
        Ok(())
    }

    pub fn customer_count(&self) -> usize {
        match &self.settled().customers {
            None => 0,
            Some(Customers::Int(m)) => m.len(),
            Some(Customers::Text(m)) => m.len(),
            Some(Customers::Uuid(m)) => m.len(),
        }
    }
}

fn write_customers<Kt: CustomerKey>(map: &Map<Kt>, first: i32, out: &mut Vec<u8>) {
    let sorted = MrrHistory::sorted(map);
    wire::put_varint(out, sorted.len() as u128);
    for (key, months) in sorted {
        key.write(out);
        wire::put_varint(out, months.len() as u128);
        let mut prev = first;
        for (m, u) in months.iter() {
            wire::put_varint(out, (m - prev) as u128);
            wire::put_varint(out, u as u128);
            prev = m;
        }
    }
}

fn read_customers<Kt: KeyMap>(c: &mut Cursor, range: (i32, i32)) -> Result<Map<Kt>, String> {
    let mut map = Map::default();
    let mut previous: Option<Kt> = None;
    let mut months = Months::default();
    let n = c.count()?;
    for _ in 0..n {
        let key = Kt::read(c)?;
        if previous.as_ref().is_some_and(|p| *p >= key) {
            return Err("The customers are not in ascending order of key.".to_string());
        }
        wire::read_months(c, range, &mut months)?;
        map.insert(key.clone(), std::mem::take(&mut months));
        previous = Some(key);
    }
    Ok(map)
}

/// Days since 2000-01-01 (a PostgreSQL `date`) -> month index (year x 12 + month - 1).
/// Howard Hinnant's civil calendar algorithm (proleptic Gregorian, as PostgreSQL).
pub fn month_of_pg_date(days: i32) -> i32 {
    let z = days as i64 + 10_957 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    (y * 12 + m - 1) as i32
}

/// Month index -> the PostgreSQL `date` of its first day.
pub fn pg_date_of_month(month: i32) -> i32 {
    let (mut y, m) = (month.div_euclid(12) as i64, month.rem_euclid(12) as i64 + 1);
    y -= (m <= 2) as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468 - 10_957) as i32
}

/// The months a history may hold: PostgreSQL's dates, 4713 BC to 5874897 AD, so that every
/// month a report returns is a valid date and the text form reads back.
const FIRST_MONTH: i32 = -4713 * 12;
const LAST_MONTH: i32 = 5_874_897 * 12 + 11;

/// Month index (year x 12 + month - 1) as "YYYY-MM".
pub fn month_text(month: i32) -> String {
    let (y, m) = (month.div_euclid(12), month.rem_euclid(12) + 1);
    format!("{y:04}-{m:02}")
}

fn parse_month(v: &Value, what: &str) -> Result<i32, String> {
    let bad = || format!("{what} is not a month like \"2025-01\".");
    let Value::String(s) = v else {
        return Err(bad());
    };
    let (y, m) = s.rsplit_once('-').ok_or_else(bad)?;
    let (y, m): (i32, i32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let index = y.checked_mul(12).and_then(|v| v.checked_add(m - 1));
    if !(1..=12).contains(&m)
        || !index.is_some_and(|i| (FIRST_MONTH..=LAST_MONTH).contains(&i))
        || month_text(y * 12 + m - 1) != *s
    {
        return Err(bad());
    }
    Ok(y * 12 + m - 1)
}

impl Summary for MrrHistory {
    const TYPE_NAME: &'static str = "mrr_history";
    const VERSION: u8 = 1;

    fn texts(&self) -> Vec<&[u8]> {
        match &self.customers {
            Some(Customers::Text(m)) => m.keys().map(Vec::as_slice).collect(),
            _ => Vec::new(),
        }
    }

    fn merge(&mut self, other: &Self) -> KpiResult<()> {
        let Some((first, last)) = other.range else {
            return Ok(());
        };
        let other = other.settled();
        let other = other.as_ref();
        self.go_direct();
        if let (Some(a), Some(b)) = (&self.customers, &other.customers) {
            if a.kind() != b.kind() {
                return Err(mixed_keys(a.kind(), b.kind()));
            }
        }
        self.raise_scale(other.scale)?;
        self.extend_range(first, last);
        self.signed |= other.signed;
        let factor = pow10(self.scale - other.scale);
        match &other.customers {
            None => Ok(()),
            Some(Customers::Int(m)) => self.merge_map(m, factor),
            Some(Customers::Text(m)) => self.merge_map(m, factor),
            Some(Customers::Uuid(m)) => self.merge_map(m, factor),
        }
    }

    fn is_empty(&self) -> bool {
        self.range.is_none()
    }

    /// Rows pending go to the grid or the map; the grid stays as it is when it holds every
    /// customer, and [`Summary::write_payload`] and [`Summary::validate`] read it there.
    fn settle(&mut self) {
        // Infallible by construction, as in `flush`.
        let _ = self.flush_rows(false);
        if !self.grid_only() {
            self.flush_grid();
        }
    }

    fn write_payload(&self, out: &mut Vec<u8>) {
        if self.buffered() && !self.grid_only() {
            return self.settled().write_payload(out);
        }
        let kind = self.customers.as_ref().map_or(0, |c| c.kind());
        out.push(kind);
        out.push(self.scale as u8);
        let Some((first, last)) = self.range else {
            return;
        };
        out.extend_from_slice(&first.to_be_bytes());
        out.extend_from_slice(&last.to_be_bytes());
        match &self.customers {
            None => {}
            // Every customer is in the grid (see above).
            Some(Customers::Int(_)) if self.grid.added > 0 => self.grid.write_customers(first, out),
            Some(Customers::Int(m)) => write_customers(m, first, out),
            Some(Customers::Text(m)) => write_customers(m, first, out),
            Some(Customers::Uuid(m)) => write_customers(m, first, out),
        }
    }

    fn read_payload(bytes: &[u8]) -> Result<Self, String> {
        let mut c = Cursor::new(bytes);
        let header = wire::read_header(&mut c)?;
        let mut h = MrrHistory::read_back(None, header.scale, header.range, false);
        if let Some(range) = header.range {
            h.customers = match header.kind {
                0 => None,
                1 => Some(Customers::Int(read_customers(&mut c, range)?)),
                2 => Some(Customers::Text(read_customers(&mut c, range)?)),
                _ => Some(Customers::Uuid(read_customers(&mut c, range)?)),
            };
        }
        c.finish()?;
        Ok(h)
    }

    fn to_text(&self) -> String {
        if self.buffered() {
            return self.settled().to_text();
        }
        let mut out = String::from("{\"version\":1");
        let kind = self.customers.as_ref().map_or(0, |c| c.kind());
        if kind != 0 {
            out.push_str(&format!(
                ",\"customer_type\":\"{}\"",
                Customers::kind_name(kind)
            ));
        }
        out.push_str(&format!(",\"scale\":{}", self.scale));
        if let Some((first, last)) = self.range {
            out.push_str(&format!(
                ",\"first_month\":\"{}\",\"last_month\":\"{}\"",
                month_text(first),
                month_text(last)
            ));
        }
        out.push_str(",\"customers\":[");
        fn each<Kt: CustomerKey>(map: &Map<Kt>, scale: u32, out: &mut String) {
            for (i, (key, months)) in MrrHistory::sorted(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('[');
                out.push_str(&key.to_json());
                out.push_str(",{");
                for (j, (m, u)) in months.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    let amount = Money::new(u, scale).to_text();
                    out.push_str(&format!("\"{}\":\"{amount}\"", month_text(m)));
                }
                out.push_str("}]");
            }
        }
        match &self.customers {
            None => {}
            Some(Customers::Int(m)) => each(m, self.scale, &mut out),
            Some(Customers::Text(m)) => each(m, self.scale, &mut out),
            Some(Customers::Uuid(m)) => each(m, self.scale, &mut out),
        }
        out.push_str("]}");
        out
    }

    fn finish(&mut self) -> KpiResult<()> {
        self.flush();
        super::signed::finish(self)
    }

    fn needs_finish(&self) -> bool {
        self.signed
    }

    fn to_state_binary(&self) -> Vec<u8> {
        if !self.signed {
            // The stored form, which reads a history held in its grid where it is.
            return self.to_binary();
        }
        super::signed::to_state_binary(&self.settled())
    }

    fn from_state_binary(bytes: &[u8]) -> KpiResult<Self> {
        super::signed::from_state_binary(bytes)
    }

    fn from_text(text: &str) -> KpiResult<Self> {
        super::history_text::parse(text).map_err(|why| {
            bad_text(
                Self::TYPE_NAME,
                text,
                why,
                "Write the value as its output function prints it: {\"version\":1,\
                 \"customer_type\":\"bigint\",\"scale\":2,\"first_month\":\"2025-01\",\
                 \"last_month\":\"2025-03\",\"customers\":[[42,{\"2025-01\":\"10.00\"}]]}.",
            )
        })
    }

    fn validate(&self) -> Result<(), String> {
        // The grid's customers hold amounts above 0 (no credit was seen), in months each of
        // which extended the range: only the range needs checking, below.
        if self.buffered() && !self.grid_only() {
            return self.settled().validate();
        }
        if self.scale > MAX_SCALE {
            return Err(format!("Scale {} is above {MAX_SCALE}.", self.scale));
        }
        let Some((first, last)) = self.range else {
            return if self.customer_count() == 0 {
                Ok(())
            } else {
                Err("The history has customers but no months.".to_string())
            };
        };
        if first > last {
            return Err("The first month is after the last.".to_string());
        }
        // The text form's range (PostgreSQL's dates end in 5874897): a binary value outside it
        // would be accepted but not read back from its text (found by the SQL fuzzer).
        if first < FIRST_MONTH || last > LAST_MONTH {
            return Err(
                "A month lies outside PostgreSQL's dates (4713 BC to 5874897 AD).".to_string(),
            );
        }
        let signed = self.signed;
        fn check<Kt>(map: &Map<Kt>, first: i32, last: i32, signed: bool) -> Result<(), String> {
            for months in map.values() {
                let inside = months.months().first().is_some_and(|m| *m >= first)
                    && months.months().last().is_some_and(|m| *m <= last);
                if !inside || (!signed && months.iter().any(|(_, u)| u <= 0)) {
                    return Err(
                        "A customer has no month, a month outside the history's range or an \
                         amount that is not above 0."
                            .to_string(),
                    );
                }
            }
            Ok(())
        }
        match &self.customers {
            None => Ok(()),
            Some(Customers::Int(m)) => check(m, first, last, signed),
            Some(Customers::Text(m)) => check(m, first, last, signed),
            Some(Customers::Uuid(m)) => check(m, first, last, signed),
        }
    }
}

pub(super) fn insert_parsed<Kt: KeyMap>(
    h: &mut MrrHistory,
    key: Kt,
    months: Months,
) -> Result<(), String> {
    let map = h.map_for::<Kt>().map_err(|e| e.detail.clone())?;
    if map.insert(key.clone(), months).is_some() {
        return Err(format!("Customer {} appears twice.", key.to_json()));
    }
    Ok(())
}

pub(super) fn ensure_kind<Kt: KeyMap>(h: &mut MrrHistory) -> Result<(), String> {
    h.map_for::<Kt>().map(|_| ()).map_err(|e| e.detail.clone())
}

pub(super) fn parse_month_value(v: &Value, what: &str) -> Result<i32, String> {
    parse_month(v, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str) -> Money {
        Money::parse(t).unwrap()
    }

    fn sample() -> MrrHistory {
        let mut h = MrrHistory::default();
        h.add::<i64, i64>(&7, 24300, &m("10")).unwrap();
        h.add::<i64, i64>(&7, 24300, &m("2.50")).unwrap();
        h.add::<i64, i64>(&3, 24302, &m("5")).unwrap();
        h.add::<i64, i64>(&3, 24301, &m("5")).unwrap();
        h.add::<i64, i64>(&9, 24303, &m("0")).unwrap();
        h
    }

    /// The buffered bigint path equals row-by-row adds on random rows: repeats, months out of
    /// order, credits, zeros, scale changes mid-stream, huge amounts, reads mid-stream, flushes
    /// of several sizes, and merges of buffered states; the same value, encodings and errors.
    #[test]
    fn buffered_rows_equal_row_by_row() {
        let mut rng = crate::kpi::testing::Rng(29);
        let mut fast_rows = 0;
        for case in 0..300 {
            let customers = 1 + rng.below(if case % 3 == 0 { 70_000 } else { 50 }) as i64;
            let rows = rng.below(if case % 10 == 0 { 150_000 } else { 400 });
            let (mut one, mut buffered) = (MrrHistory::default(), MrrHistory::default());
            let mut fast = MrrHistory::default();
            let mut parts = vec![MrrHistory::default(), MrrHistory::default()];
            for i in 0..rows {
                let key = rng.below(customers as u64) as i64 - customers / 3;
                let month = 24_000 + rng.below(40) as i32;
                let cents = rng.below(100_000) as i64;
                let text = match rng.below(if case % 4 == 0 { 50 } else { 5000 }) {
                    0 => "0".to_string(),
                    1 => format!("-{}.{:02}", cents / 100, cents % 100),
                    2 if case % 5 == 0 => format!("{cents}.125"),
                    3 if case % 7 == 0 => "92233720368547758.07".to_string(),
                    _ => format!("{}.{:02}", cents / 100, cents % 100),
                };
                let money = m(&text);
                let a = one.add::<i64, i64>(&key, month, &money);
                let b = buffered.add_int(key, month, &money);
                assert_eq!(a.is_ok(), b.is_ok(), "case {case} row {i}");
                // The growth-free path where it takes the row, the full one elsewhere.
                let taken = money.scale <= 4
                    && u64::try_from(money.units)
                        .is_ok_and(|u| u < 1 << 50)
                        .then(|| money.units as u64 * 10u64.pow(4 - money.scale))
                        .is_some_and(|tt| fast.try_add_int_existing(key, month, tt, money.scale));
                if taken {
                    fast_rows += 1;
                } else {
                    assert_eq!(fast.add_int(key, month, &money).is_ok(), b.is_ok());
                }
                if a.is_err() {
                    break;
                }
                parts[(i % 2) as usize].add_int(key, month, &money).unwrap();
                // A reader that settles the state in place mid-stream (a window frame's final
                // call): later rows of the grid's customers are then added to the map's months.
                if i == rows / 3 && case % 3 == 1 {
                    buffered.settle();
                }
                if i == rows / 2 && case % 2 == 0 {
                    assert_eq!(buffered.to_binary(), one.to_binary());
                    assert_eq!(buffered, one);
                }
            }
            assert_eq!(buffered.customer_count(), one.customer_count());
            // The partial state of a history with credits lists customers in map order, which
            // depends on the order they were met: compare what it holds.
            let state = |h: &MrrHistory| MrrHistory::from_state_binary(&h.to_state_binary());
            assert_eq!(state(&buffered).unwrap(), state(&one).unwrap());
            assert_eq!(buffered.to_text(), one.to_text());
            let mut merged = MrrHistory::default();
            for p in &parts {
                merged.merge_checked(p).unwrap();
            }
            let (mut x, mut y) = (one.clone(), merged.clone());
            assert_eq!(x.finish().is_ok(), y.finish().is_ok());
            let (mut x, mut y) = (one.clone(), buffered.clone());
            let (fx, fy) = (x.finish(), y.finish());
            assert_eq!(fx.map_err(|e| e.message), fy.map_err(|e| e.message));
            assert_eq!(x.to_binary(), y.to_binary());
            assert_eq!(x, y);
            assert_eq!(fast.to_binary(), one.to_binary());
            assert_eq!(state(&fast).unwrap(), state(&one).unwrap());
            buffered.settle();
            assert!(!buffered.buffered() || buffered.grid_only());
            assert_eq!(buffered.to_binary(), one.to_binary());
        }
        assert!(fast_rows > 20_000, "{fast_rows}");
    }

    /// A settled history whose customers are all in the grid is written from the grid: the
    /// same bytes as the map the grid flushes into, and as row-by-row adds, on random
    /// histories (customers missing from the dense range, whole blocks of them, one
    /// customer, months over the grid's whole width or grown leftwards, zero rows far
    /// outside the grid's months, huge amounts, keys the grid cannot hold beside it).
    #[test]
    fn grid_written_as_the_map() {
        let mut rng = crate::kpi::testing::Rng(41);
        let (mut from_grid, mut mixed, mut wide, mut short_count) = (0, 0, 0, 0);
        for case in 0..400 {
            let (mut h, mut one) = (MrrHistory::default(), MrrHistory::default());
            let width = match case % 7 {
                0 => 1,
                1 => GRID_MAX_WIDTH as u64,
                _ => 1 + rng.below(60),
            };
            let customers = match case % 5 {
                0 => 1,
                1 => 1 + rng.below(20),
                _ if width > 60 => 1 + rng.below(20),
                2 => 1 + rng.below(300),
                _ => 1 + rng.below(5000),
            };
            // Some customers of the range pay, often few of them (then the count of
            // customers is shorter than the grid's rows).
            let paying = 1 + rng.below(customers);
            let first = 24_000 - rng.below(3) as i32 * 600;
            let rows = rng.below(if case % 4 == 0 { 20 } else { 3000 }) + 1;
            for i in 0..rows {
                let key = if customers == 1 {
                    (case / 5) as i64 % 20
                } else {
                    (rng.below(paying) * customers / paying) as i64
                };
                let month = if case % 3 == 0 {
                    // Descending: the grid grows leftwards.
                    first + (width - 1 - (i * width / rows).min(width - 1)) as i32
                } else {
                    first + rng.below(width) as i32
                };
                let text = match rng.below(if case % 6 == 0 { 20 } else { 1 << 40 }) {
                    0 => "0".to_string(),
                    1 => "92233720368547758.07".to_string(),
                    2 => "4611686018427387.90".to_string(),
                    _ => format!("{}.{:02}", rng.below(100_000), rng.below(100)),
                };
                let (key, month) = match rng.below(if case % 8 == 0 { 10 } else { 1 << 40 }) {
                    // A key the grid cannot hold.
                    0 => (-1 - key, month),
                    1 => (key + (1 << 40), month),
                    2 => (key, month - 5000),
                    _ => (key, month),
                };
                let money = m(&text);
                // Zero rows far before or after every paid month: the first month's delta.
                if case % 9 == 0 && i == rows / 2 {
                    let far = if case % 2 == 0 { -40_000 } else { 60_000 };
                    h.add_int(key, far, &m("0")).unwrap();
                    one.add::<i64, i64>(&key, far, &m("0")).unwrap();
                }
                let a = one.add::<i64, i64>(&key, month, &money);
                let b = h.add_int(key, month, &money);
                assert_eq!(a.is_ok(), b.is_ok(), "case {case} row {i}");
                if a.is_err() {
                    break;
                }
            }
            let mut settled = h.clone();
            settled.settle();
            let mut flushed = h.clone();
            flushed.flush();
            assert!(!flushed.buffered());
            if settled.grid_only() && settled.grid.added > 0 {
                from_grid += 1;
                wide += usize::from(settled.grid.width() > 600);
                short_count += usize::from(settled.grid.rows >= 128 && one.customer_count() < 128);
            } else {
                mixed += 1;
                assert!(!settled.buffered(), "case {case}");
            }
            let bytes = settled.to_binary();
            assert_eq!(bytes, flushed.to_binary(), "case {case}");
            assert_eq!(bytes, one.to_binary(), "case {case}");
            assert_eq!(settled.to_state_binary(), bytes);
            assert_eq!(settled.validate(), flushed.validate());
            assert_eq!(settled.customer_count(), one.customer_count());
            assert_eq!(MrrHistory::from_binary(&bytes).unwrap(), one);
            assert_eq!(settled, one);
            // A settled history goes on taking rows (a window's frame), and settles again.
            if case % 10 == 0 {
                let money = m("1.50");
                settled.add_int(1, first, &money).unwrap();
                one.add::<i64, i64>(&1, first, &money).unwrap();
                settled.settle();
                assert_eq!(settled.to_binary(), one.to_binary(), "case {case}");
            }
        }
        assert!(
            from_grid > 150 && mixed > 50 && wide > 5 && short_count > 10,
            "{from_grid} {mixed} {wide} {short_count}"
        );
        eprintln!("COUNTS {from_grid} {mixed}");
    }

    /// Rows buffered because the grid could not yet cover them join it when flushed, so that
    /// a billing run over many customers (month by month, a second run of extra charges
    /// after it) ends with every customer in the grid.
    #[test]
    fn billing_runs_end_in_the_grid() {
        let mut rng = crate::kpi::testing::Rng(7);
        let (mut h, mut one) = (MrrHistory::default(), MrrHistory::default());
        let customers = 20_000u64;
        let start: Vec<u64> = (0..customers).map(|_| rng.below(12)).collect();
        let mut rows = Vec::new();
        for month in 0..36 {
            for c in 1..=customers {
                if month >= start[(c - 1) as usize] {
                    rows.push((c as i64, 24_000 + month as i32));
                }
            }
        }
        let extra: Vec<_> = rows
            .iter()
            .filter(|_| rng.below(10) == 0)
            .copied()
            .collect();
        rows.extend(extra);
        for (c, month) in rows {
            let amount = m(&format!("{}.{:02}", 10 + rng.below(990), rng.below(100)));
            h.add_int(c, month, &amount).unwrap();
            one.add::<i64, i64>(&c, month, &amount).unwrap();
        }
        h.settle();
        assert!(h.grid_only() && h.grid.added > 0);
        assert_eq!(h.to_binary(), one.to_binary());
    }

    /// A billing table's rows (a month's customers in ascending order, month after month, or
    /// each customer's months in turn) all go to the grid, which stays near their size.
    #[test]
    fn usual_orders_fill_the_grid() {
        for by_month in [true, false] {
            let mut h = MrrHistory::default();
            let mut rng = crate::kpi::testing::Rng(1);
            let mut one = MrrHistory::default();
            let mut rows = 0;
            for outer in 0..if by_month { 36 } else { 5000 } {
                for inner in 0..if by_month { 5000 } else { 36 } {
                    let (c, month) = if by_month {
                        (inner, outer)
                    } else {
                        (outer, inner)
                    };
                    let (c, month) = (c as i64, month as i32);
                    // Customers start over the first year, as in a growing business.
                    let start = (c * 7 % 12) as i32;
                    if month >= start && rng.below(10) < 8 {
                        let amount = m(&format!("{}.25", rng.below(1000)));
                        h.add_int(c, 24_000 + month, &amount).unwrap();
                        one.add::<i64, i64>(&c, 24_000 + month, &amount).unwrap();
                        rows += 1;
                    }
                }
            }
            assert!(h.grid.added > rows * 9 / 10, "{} of {rows}", h.grid.added);
            assert!(
                h.grid.width() <= 36 && h.grid.rows <= 2 * 5000,
                "{:?}",
                (h.grid.width(), h.grid.rows)
            );
            assert_eq!(h.to_binary(), one.to_binary());
        }
    }

    #[test]
    fn rows_merge_and_round_trip() {
        let h = sample();
        assert_eq!(h.scale, 2);
        assert_eq!(h.range, Some((24300, 24303)));
        assert_eq!(h.customer_count(), 2);
        let bytes = h.to_binary();
        let back = MrrHistory::from_binary(&bytes).unwrap();
        assert_eq!(back, h);
        assert_eq!(back.to_binary(), bytes);
        let text = h.to_text();
        assert_eq!(
            text,
            "{\"version\":1,\"customer_type\":\"bigint\",\"scale\":2,\"first_month\":\"2025-01\",\
             \"last_month\":\"2025-04\",\"customers\":[[3,{\"2025-02\":\"5.00\",\"2025-03\":\"5.00\"}],\
             [7,{\"2025-01\":\"12.50\"}]]}"
        );
        assert_eq!(MrrHistory::from_text(&text).unwrap(), h);
    }

    #[test]
    fn merge_equals_one_pass_and_refuses_mixed_keys() {
        let mut a = MrrHistory::default();
        a.add::<i64, i64>(&7, 24300, &m("10")).unwrap();
        let mut b = MrrHistory::default();
        b.add::<i64, i64>(&7, 24300, &m("2.50")).unwrap();
        b.add::<i64, i64>(&3, 24302, &m("5")).unwrap();
        b.add::<i64, i64>(&3, 24301, &m("5")).unwrap();
        b.add::<i64, i64>(&9, 24303, &m("0")).unwrap();
        a.merge_checked(&b).unwrap();
        assert_eq!(a.to_binary(), sample().to_binary());
        let mut t = MrrHistory::default();
        t.add::<Vec<u8>, [u8]>(b"acme".as_slice(), 1, &m("1"))
            .unwrap();
        assert_eq!(a.merge(&t).unwrap_err().kind, ErrorKind::InvalidParameter);
    }

    #[test]
    fn negative_and_overflow() {
        let mut h = MrrHistory::default();
        // A credit alone is netted when final: a negative total is refused then.
        h.add::<i64, i64>(&1, 1, &m("-1")).unwrap();
        assert_eq!(h.finish().unwrap_err().kind, ErrorKind::OutOfRange);
        let mut h = MrrHistory::default();
        let big = Money::new(i128::MAX, 0);
        h.add::<i64, i64>(&1, 1, &big).unwrap();
        assert!(h.add::<i64, i64>(&1, 1, &m("1")).is_err());
        assert!(h.add::<i64, i64>(&1, 2, &m("0.1")).is_err());
    }

    #[test]
    fn amounts_past_i64_round_trip() {
        let mut h = MrrHistory::default();
        h.add::<i64, i64>(&1, 10, &m("9000000000000000000"))
            .unwrap();
        h.add::<i64, i64>(&1, 12, &m("1")).unwrap();
        // Narrow so far; this sum passes i64::MAX and widens the customer.
        h.add::<i64, i64>(&1, 10, &m("1000000000000000000"))
            .unwrap();
        h.add::<i64, i64>(&1, 11, &m("5")).unwrap();
        // And a scale change multiplies every amount.
        h.add::<i64, i64>(&2, 11, &m("0.5")).unwrap();
        let back = MrrHistory::from_binary(&h.to_binary()).unwrap();
        assert_eq!(back, h);
        assert_eq!(MrrHistory::from_text(&h.to_text()).unwrap(), h);
        assert!(h.to_text().contains("\"10000000000000000000.0\""));
    }

    #[test]
    fn calendar() {
        assert_eq!(month_of_pg_date(0), 2000 * 12);
        assert_eq!(month_of_pg_date(31), 2000 * 12 + 1);
        assert_eq!(month_of_pg_date(30), 2000 * 12);
        assert_eq!(month_of_pg_date(-1), 1999 * 12 + 11);
        assert_eq!(month_of_pg_date(59), 2000 * 12 + 1); // 2000-02-29
        assert_eq!(month_of_pg_date(60), 2000 * 12 + 2);
        for m in [-60000, -1, 0, 1, 24000, 24300, 24311, 70_000_000] {
            assert_eq!(month_of_pg_date(pg_date_of_month(m)), m);
            assert_eq!(month_of_pg_date(pg_date_of_month(m) - 1), m - 1);
        }
        assert_eq!(pg_date_of_month(2000 * 12 + 2), 60);
    }

    #[test]
    fn corrupt_binary_is_refused() {
        let bytes = sample().to_binary();
        for cut in 1..bytes.len() {
            assert!(MrrHistory::from_binary(&bytes[..cut]).is_err(), "{cut}");
        }
    }
}
