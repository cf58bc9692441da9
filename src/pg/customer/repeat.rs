//! repeat_purchase_rate(customer, order_id) for bigint, uuid and text customers and orders.
//! The state is keyed by the customer's type; an order is kept as its bytes (bigint as 8
//! big-endian bytes, uuid as 16, text as is), which tells distinct orders of one type apart.

use pgrx::pg_sys::Datum;

use crate::kpi::customer::repeat::RepeatMap;
use crate::pg::datum::varlena_bytes;
use crate::pg::fmgr::{arg, arg_is_null, pg_function, return_f64, OrRaise};
use crate::pg::summary::{
    combine, deserialize, serialize, state_datum, state_mut, state_ref, unchanged,
};

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

/// Declares the combine, serial, deserial and final functions of one customer type's state.
macro_rules! repeat_support {
    ($key:ty: $combine:ident, $serialize:ident, $deserialize:ident, $percent:ident) => {
        pg_function!(fn $combine(fcinfo) { unsafe { combine::<RepeatMap<$key, Order>>(fcinfo) } });
        pg_function!(fn $serialize(fcinfo) { unsafe { serialize::<RepeatMap<$key, Order>>(fcinfo) } });
        pg_function!(fn $deserialize(fcinfo) { unsafe { deserialize::<RepeatMap<$key, Order>>(fcinfo) } });
        pg_function!(fn $percent(fcinfo) {
            unsafe {
                let percent = state_ref::<RepeatMap<$key, Order>>(fcinfo, 0).and_then(|s| s.percent());
                return_f64(fcinfo, percent)
            }
        });
    };
}

repeat_support!(i64: csm_repeat_combine_int8, csm_repeat_serialize_int8,
    csm_repeat_deserialize_int8, csm_repeat_percent_int8);
repeat_support!([u8; 16]: csm_repeat_combine_uuid, csm_repeat_serialize_uuid,
    csm_repeat_deserialize_uuid, csm_repeat_percent_uuid);
repeat_support!(Box<[u8]>: csm_repeat_combine_text, csm_repeat_serialize_text,
    csm_repeat_deserialize_text, csm_repeat_percent_text);
