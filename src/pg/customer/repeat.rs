//! repeat_purchase_rate(customer, order_id) for bigint, uuid and text customers and orders.
//! The state is keyed by the customer's type (`repeat_purchase_state_int8`, `_uuid`, `_text`); an order is kept as its bytes (bigint as 8
//! big-endian bytes, uuid as 16, text as is), which tells distinct orders of one type apart.

use pgrx::pg_sys::Datum;

use crate::kpi::customer::repeat::RepeatMap;
use crate::pg::datum::varlena_bytes;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, OrRaise};
use crate::pg::summary::{state_datum, state_mut, state_type, unchanged};

type Order = Box<[u8]>;

unsafe fn int8_key(d: Datum) -> i64 {
    d.value() as i64
}
unsafe fn uuid_key(d: Datum) -> [u8; 16] {
    unsafe { *d.cast_mut_ptr::<[u8; 16]>() }
}
unsafe fn text_key(d: Datum) -> Box<[u8]> {
    unsafe { varlena_bytes(d).into() }
}
unsafe fn int8_order(d: Datum) -> Order {
    (d.value() as i64).to_be_bytes().into()
}
unsafe fn uuid_order(d: Datum) -> Order {
    unsafe { (*d.cast_mut_ptr::<[u8; 16]>()).into() }
}

/// Declares the transition for one (customer type, order type) pair: a NULL customer or order
/// skips the row.
macro_rules! repeat_accum {
    ($name:ident: $key:ty = $read_key:ident, $read_order:ident) => {
        pg_function!(fn $name(fcinfo) {
            unsafe {
                if arg_is_null(fcinfo, 1) || arg_is_null(fcinfo, 2) {
                    return unchanged(fcinfo);
                }
                let key = $read_key(arg(fcinfo, 1));
                let order = $read_order(arg(fcinfo, 2));
                let state = state_mut::<RepeatMap<$key, Order>>(fcinfo, 0);
                state.add(key, order).or_raise();
                state_datum(state)
            }
        });
    };
}

repeat_accum!(csm_repeat_accum_int8_int8: i64 = int8_key, int8_order);
repeat_accum!(csm_repeat_accum_int8_uuid: i64 = int8_key, uuid_order);
repeat_accum!(csm_repeat_accum_int8_text: i64 = int8_key, text_key);
repeat_accum!(csm_repeat_accum_uuid_int8: [u8; 16] = uuid_key, int8_order);
repeat_accum!(csm_repeat_accum_uuid_uuid: [u8; 16] = uuid_key, uuid_order);
repeat_accum!(csm_repeat_accum_uuid_text: [u8; 16] = uuid_key, text_key);
repeat_accum!(csm_repeat_accum_text_int8: Box<[u8]> = text_key, int8_order);
repeat_accum!(csm_repeat_accum_text_uuid: Box<[u8]> = text_key, uuid_order);
repeat_accum!(csm_repeat_accum_text_text: Box<[u8]> = text_key, text_key);

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
