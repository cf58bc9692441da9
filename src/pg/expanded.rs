//! Aggregate states as PostgreSQL expanded objects: the one unsafe core under every
//! variable-size aggregate state (`pg::summary` builds the fmgr functions on it).
//!
//! While an aggregate runs, its state is a Rust value inside an expanded object
//! (`utils/expandeddatum.h`), the way `array_append` keeps an array: the transition function
//! returns a read-write pointer to the object, whose memory context is a child of the
//! aggregate's, and nodeAgg (and Citus's `worker_partial_agg`) then keep that pointer as the
//! transition value without copying it, so every row updates the same Rust value in place.
//! When the value leaves the aggregate (a partial aggregate's output sent to the leader or a
//! Citus coordinator, a value stored in a table, the argument of an output function),
//! PostgreSQL flattens it through [`METHODS`] into the type's flat form: the version byte and
//! payload of [`Summary::to_state_binary`] after a 4-byte varlena header. Any flat value can be
//! read back and turned into an object again, so the SQL state type can be a real type (not
//! the pseudo-type `internal`), which is what Citus needs to push partial aggregation down.
//!
//! Every variable-size state of the extension is such a type; none is `internal` any more.
//!
//! Lifetime: the Rust value lives in a `Box`; a reset callback on the object's memory context
//! drops it, so it goes away with the context however that happens (the aggregate's context
//! reset between groups or window frames, an error aborting the query).
//!
//! All the objects of one aggregate context share one child context ([`shared_context`]),
//! as `array_agg` keeps its groups' states without a context each: hash aggregation measures
//! its memory after every new group by walking every context under the aggregate's, so a
//! context per group made a `GROUP BY` over many groups quadratic (20,000 groups of `nrr`
//! took 36 s instead of a fraction of one). The price is that `DeleteExpandedObject` on one
//! object would drop them all; PostgreSQL calls it on a transition value only when a
//! transition returns a different value than it was given, and ours return the object they
//! were given whenever they are given one of ours ([`state_mut`]).

use std::any::TypeId;
use std::ffi::c_void;

use pgrx::pg_sys::{self, Datum, FunctionCallInfo, MemoryContext};
use pgrx::varlena::set_varsize_4b;

use super::fmgr::{arg, arg_is_null, raise, OrRaise};
use crate::kpi::error::{ErrorKind, KpiError};
use crate::kpi::summary::Summary;

/// `VARTAG_EXPANDED_RO` and `VARTAG_EXPANDED_RW` (`varatt.h`): the tag byte of an external
/// TOAST pointer to an expanded object; the header byte of such a pointer is 0x01.
const VARTAG_EXPANDED_RO: u8 = 2;
const VARTAG_EXPANDED_RW: u8 = 3;

/// The part of every object that does not depend on the state's type: the expanded-object
/// header PostgreSQL reads (first, so a header pointer is an object pointer), what the
/// type-erased callbacks need, and the callback that drops the object.
#[repr(C)]
struct Head {
    header: pg_sys::ExpandedObjectHeader,
    type_id: TypeId,
    /// Encodes the value (settled) into its flat payload; the object's own type knows how.
    encode: unsafe fn(*mut Head) -> Vec<u8>,
    /// The flat form computed by `get_flat_size`, written out by `flatten_into`.
    flat: Vec<u8>,
    drop_callback: pg_sys::MemoryContextCallback,
}

#[repr(C)]
struct Object<T> {
    head: Head,
    value: T,
}

/// The expanded-object methods of every state: one table, dispatching through `Head::encode`.
static METHODS: pg_sys::ExpandedObjectMethods = pg_sys::ExpandedObjectMethods {
    get_flat_size: Some(get_flat_size),
    flatten_into: Some(flatten_into),
};

unsafe extern "C-unwind" fn get_flat_size(eoh: *mut pg_sys::ExpandedObjectHeader) -> pg_sys::Size {
    // SAFETY: PostgreSQL calls this only with headers whose methods are METHODS, which only
    // `new_object` installs, at the start of a live `Head`.
    unsafe {
        let head = eoh.cast::<Head>();
        let flat = ((*head).encode)(head);
        let size = pg_sys::VARHDRSZ + flat.len();
        (*head).flat = flat;
        size
    }
}

unsafe extern "C-unwind" fn flatten_into(
    eoh: *mut pg_sys::ExpandedObjectHeader,
    result: *mut c_void,
    allocated_size: pg_sys::Size,
) {
    // SAFETY: as for `get_flat_size`; PostgreSQL allocated `allocated_size` bytes at `result`,
    // the size `get_flat_size` returned just before.
    unsafe {
        let head = eoh.cast::<Head>();
        let flat = std::mem::take(&mut (*head).flat);
        debug_assert_eq!(allocated_size, pg_sys::VARHDRSZ + flat.len());
        let out = result.cast::<u8>();
        set_varsize_4b(out.cast(), allocated_size as i32);
        let len = flat.len().min(allocated_size - pg_sys::VARHDRSZ);
        std::ptr::copy_nonoverlapping(flat.as_ptr(), out.add(pg_sys::VARHDRSZ), len);
    }
}

/// # Safety
/// `head` must point at the `Head` of a live `Object<T>`.
unsafe fn encode<T: Summary>(head: *mut Head) -> Vec<u8> {
    unsafe {
        let value = &mut (*head.cast::<Object<T>>()).value;
        value.settle();
        value.to_state_binary()
    }
}

unsafe extern "C-unwind" fn drop_object<T>(ptr: *mut c_void) {
    // SAFETY: registered by `new_object` with the object's own box, called once when its
    // context goes; PostgreSQL no longer touches the callback struct (inside the box) after
    // calling it.
    drop(unsafe { Box::from_raw(ptr.cast::<Object<T>>()) });
}

/// The name of the context the objects of one aggregate context share; compared by address.
static SHARED_NAME: &std::ffi::CStr = c"csmetrics states";

/// The child of `parent` that holds its objects, made on first use. It allocates nothing
/// itself (the values are Rust allocations): it carries the objects' drop callbacks and is
/// the `eoh_context` nodeAgg checks to keep a transition value without copying it. Found by
/// walking `parent`'s children, once per new object (a group's first row), where ours is
/// the newest child or close to it.
///
/// # Safety
/// `parent` must be a valid memory context.
unsafe fn shared_context(parent: MemoryContext) -> MemoryContext {
    unsafe {
        let name = SHARED_NAME.as_ptr();
        let mut child = (*parent).firstchild;
        while !child.is_null() {
            if std::ptr::eq((*child).name, name) {
                return child;
            }
            child = (*child).nextchild;
        }
        pg_sys::AllocSetContextCreateInternal(
            parent,
            name,
            0,
            pg_sys::ALLOCSET_SMALL_INITSIZE as usize,
            pg_sys::ALLOCSET_SMALL_MAXSIZE as usize,
        )
    }
}

/// A new object holding `value`, in the shared child context of `parent`.
///
/// # Safety
/// `parent` must be a valid memory context; the object lives until it is reset or deleted.
unsafe fn new_object<T: Summary>(parent: MemoryContext, value: T) -> *mut Object<T> {
    unsafe {
        let context = shared_context(parent);
        let object = Box::into_raw(Box::new(Object {
            head: Head {
                header: pg_sys::ExpandedObjectHeader::default(),
                type_id: TypeId::of::<T>(),
                encode: encode::<T>,
                flat: Vec::new(),
                drop_callback: pg_sys::MemoryContextCallback {
                    func: Some(drop_object::<T>),
                    arg: std::ptr::null_mut(),
                    next: std::ptr::null_mut(),
                },
            },
            value,
        }));
        (*object).head.drop_callback.arg = object.cast();
        pg_sys::MemoryContextRegisterResetCallback(context, &mut (*object).head.drop_callback);
        pg_sys::EOH_init_header(&mut (*object).head.header, &METHODS, context);
        object
    }
}

/// The read-write datum of an object.
fn rw_datum<T>(object: *mut Object<T>) -> Datum {
    // SAFETY: only the address of a field is taken.
    Datum::from(unsafe { std::ptr::addr_of_mut!((*object).head.header.eoh_rw_ptr) }.cast::<u8>())
}

/// The object a datum points to when it is an expanded object of ours holding a `T`, read-only
/// or read-write (`rw_only`: only a read-write one).
///
/// # Safety
/// `datum` must be a non-null varlena datum.
#[inline(always)]
unsafe fn object_of<T: Summary>(datum: Datum, rw_only: bool) -> Option<*mut Object<T>> {
    unsafe {
        let ptr = datum.cast_mut_ptr::<u8>();
        if *ptr != 0x01 {
            return None;
        }
        let tag = *ptr.add(1);
        if !(tag == VARTAG_EXPANDED_RW || (!rw_only && tag == VARTAG_EXPANDED_RO)) {
            return None;
        }
        let eoh = std::ptr::read_unaligned(ptr.add(2).cast::<*mut pg_sys::ExpandedObjectHeader>());
        if !std::ptr::eq((*eoh).eoh_methods, &METHODS) {
            return None;
        }
        let head = eoh.cast::<Head>();
        if (*head).type_id != TypeId::of::<T>() {
            return None;
        }
        Some(head.cast::<Object<T>>())
    }
}

/// The memory context of the aggregate (or window aggregate) calling us.
#[inline]
unsafe fn aggregate_context<T: Summary>(fcinfo: FunctionCallInfo) -> MemoryContext {
    let mut context: MemoryContext = std::ptr::null_mut();
    // SAFETY: `fcinfo` is the live call's.
    if unsafe { pg_sys::AggCheckCallContext(fcinfo, &mut context) } == 0 {
        raise(KpiError::new(
            ErrorKind::InvalidParameter,
            format!("{} state functions can only be called by an aggregate", T::TYPE_NAME),
            "This function is a step of an aggregate and keeps its state in the aggregate's memory.",
            "Call the aggregate instead.",
        ));
    }
    context
}

/// The state in argument `n` of a transition or combine function, to update in place: a
/// read-write object of ours is used as it is; a NULL (a group's first row) becomes a new
/// empty state, and a flat value (a state shipped by Citus, a stored value) is decoded into
/// a new object, both in the aggregate's memory context. Outside an aggregate it raises.
///
/// # Safety
/// `fcinfo` must be the live call's, with argument `n` of the state's SQL type (or `internal`
/// pointing at a state made here). The reference is valid until the aggregate's context is
/// reset; return the state with [`datum_of`].
#[inline(always)]
pub unsafe fn state_mut<'a, T: Summary>(fcinfo: FunctionCallInfo, n: usize) -> &'a mut T {
    unsafe {
        if !arg_is_null(fcinfo, n) {
            let datum = arg(fcinfo, n);
            if let Some(object) = object_of::<T>(datum, true) {
                return &mut (*object).value;
            }
            let context = aggregate_context::<T>(fcinfo);
            let value = decode::<T>(datum);
            return &mut (*new_object(context, value)).value;
        }
        &mut (*new_object(aggregate_context::<T>(fcinfo), T::default())).value
    }
}

/// The state in argument `n` when it is already a read-write object of ours (a transition's
/// fast path, which leaves every other case to [`state_mut`]).
///
/// # Safety
/// As for [`state_mut`].
#[inline(always)]
pub unsafe fn existing_mut<'a, T: Summary>(
    fcinfo: FunctionCallInfo,
    n: usize,
) -> Option<&'a mut T> {
    unsafe {
        if arg_is_null(fcinfo, n) {
            return None;
        }
        object_of::<T>(arg(fcinfo, n), true).map(|object| &mut (*object).value)
    }
}

/// The datum a transition or combine function returns for a state from [`state_mut`]: the
/// read-write pointer to its object.
///
/// # Safety
/// `state` must come from [`state_mut`]: it is the `value` of an object.
#[inline(always)]
pub unsafe fn datum_of<T: Summary>(state: &mut T) -> Datum {
    let offset = std::mem::offset_of!(Object<T>, value);
    // SAFETY: per the contract, `state` sits `offset` bytes into its object.
    rw_datum(unsafe {
        (state as *mut T)
            .cast::<u8>()
            .sub(offset)
            .cast::<Object<T>>()
    })
}

/// A state read from an argument: the object's value in place, or a value decoded from a
/// flat datum.
pub enum StateRef<'a, T> {
    Borrowed(&'a T),
    Owned(T),
}

impl<T> std::ops::Deref for StateRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            StateRef::Borrowed(t) => t,
            StateRef::Owned(t) => t,
        }
    }
}

/// The state in argument `n`, read only (final functions, the second argument of combine,
/// output functions); `None` for SQL NULL. Never changes the value, so a window aggregate's
/// final function may run on the same state again and again.
///
/// # Safety
/// As for [`state_mut`]; the reference is valid for the current call.
#[inline]
pub unsafe fn state_ref<'a, T: Summary>(
    fcinfo: FunctionCallInfo,
    n: usize,
) -> Option<StateRef<'a, T>> {
    unsafe {
        if arg_is_null(fcinfo, n) {
            return None;
        }
        Some(datum_ref(arg(fcinfo, n)))
    }
}

/// [`state_ref`] of a non-null datum.
///
/// # Safety
/// `datum` must be a non-null value of the state's SQL type (or `internal` from here).
pub unsafe fn datum_ref<'a, T: Summary>(datum: Datum) -> StateRef<'a, T> {
    unsafe {
        match object_of::<T>(datum, false) {
            Some(object) => StateRef::Borrowed(&(*object).value),
            None => StateRef::Owned(decode::<T>(datum)),
        }
    }
}

/// [`datum_ref`] with the representation settled ([`Summary::settle`]): in place for an
/// object of ours (a change of representation only, as PostgreSQL's own expanded arrays cache
/// their deconstructed form in read-only objects), on the decoded copy otherwise.
///
/// # Safety
/// As for [`datum_ref`].
pub unsafe fn settled_ref<'a, T: Summary>(datum: Datum) -> StateRef<'a, T> {
    unsafe {
        match object_of::<T>(datum, false) {
            Some(object) => {
                (*object).value.settle();
                StateRef::Borrowed(&(*object).value)
            }
            None => {
                let mut value = decode::<T>(datum);
                value.settle();
                StateRef::Owned(value)
            }
        }
    }
}

/// The value of a flat (possibly toasted or short-header) state datum.
unsafe fn decode<T: Summary>(datum: Datum) -> T {
    unsafe { T::from_state_binary(super::datum::varlena_bytes(datum)).or_raise() }
}
