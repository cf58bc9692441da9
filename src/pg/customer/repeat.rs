//! repeat_purchase_rate(customer, order_id) for bigint, uuid and text customers and orders.
//! The state is keyed by the customer's type (`repeat_purchase_state_int8`, `_uuid`, `_text`);
//! an order is kept as its bytes (bigint as 8 big-endian bytes, uuid as 16, text as is), which
//! tells distinct orders of one type apart.

use pgrx::pg_sys::Datum;

use crate::kpi::customer::repeat::RepeatMap;
use crate::kpi::error::KpiResult;
use crate::kpi::summary::Summary;
use crate::pg::args::Args;
use crate::pg::datum::ArgKey;
use crate::pg::fmgr::{pg_function, OrRaise};
use crate::pg::summary::state_type;

type Order = Box<[u8]>;

fn int8_order(args: &Args, n: usize) -> Order {
    args.i64(n).to_be_bytes().into()
}
fn uuid_order(args: &Args, n: usize) -> Order {
    args.uuid(n).into()
}
fn text_order(args: &Args, n: usize) -> Order {
    args.text(n).into()
}

/// A row (state, customer, order): a NULL customer or order skips it; `add` adds the others.
#[inline(always)]
fn repeat_row<S: Summary, K: ArgKey>(
    args: &Args,
    order: fn(&Args, usize) -> Order,
    add: impl FnOnce(&mut S, K, Order) -> KpiResult<()>,
) -> Datum {
    if args.is_null(1) || args.is_null(2) {
        return args.unchanged();
    }
    let (key, order) = (K::from_arg(args, 1), order(args, 2));
    args.update_summary(0, |state: &mut S| add(state, key, order).or_raise())
}

/// Declares the transition for one (customer type, order type) pair.
macro_rules! repeat_accum {
    ($name:ident = $key:ty, $read_order:ident) => {
        pg_function!(fn $name(args) safe { repeat_row::<_, $key>(args, $read_order, RepeatMap::add) });
    };
}

repeat_accum!(csm_repeat_accum_int8_int8 = i64, int8_order);
repeat_accum!(csm_repeat_accum_int8_uuid = i64, uuid_order);
repeat_accum!(csm_repeat_accum_int8_text = i64, text_order);
repeat_accum!(csm_repeat_accum_uuid_int8 = [u8; 16], int8_order);
repeat_accum!(csm_repeat_accum_uuid_uuid = [u8; 16], uuid_order);
repeat_accum!(csm_repeat_accum_uuid_text = [u8; 16], text_order);
repeat_accum!(csm_repeat_accum_text_int8 = Box<[u8]>, int8_order);
repeat_accum!(csm_repeat_accum_text_uuid = Box<[u8]>, uuid_order);
repeat_accum!(csm_repeat_accum_text_text = Box<[u8]>, text_order);

state_type!(RepeatMap<i64, Order> {
    state_io("repeat_purchase_state_int8"): csm_repeat_purchase_state_int8_in, csm_repeat_purchase_state_int8_out,
        csm_repeat_purchase_state_int8_recv, csm_repeat_purchase_state_int8_send;
    combine: csm_repeat_combine_int8;
    final_f64(|s: &RepeatMap<i64, Order>| Ok(s.percent())): csm_repeat_percent_int8;
});
state_type!(RepeatMap<[u8; 16], Order> {
    state_io("repeat_purchase_state_uuid"): csm_repeat_purchase_state_uuid_in, csm_repeat_purchase_state_uuid_out,
        csm_repeat_purchase_state_uuid_recv, csm_repeat_purchase_state_uuid_send;
    combine: csm_repeat_combine_uuid;
    final_f64(|s: &RepeatMap<[u8; 16], Order>| Ok(s.percent())): csm_repeat_percent_uuid;
});
state_type!(RepeatMap<Box<[u8]>, Order> {
    state_io("repeat_purchase_state_text"): csm_repeat_purchase_state_text_in, csm_repeat_purchase_state_text_out,
        csm_repeat_purchase_state_text_recv, csm_repeat_purchase_state_text_send;
    combine: csm_repeat_combine_text;
    final_f64(|s: &RepeatMap<Box<[u8]>, Order>| Ok(s.percent())): csm_repeat_percent_text;
});
