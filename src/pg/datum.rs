//! Datums every summary type shares: C strings in the server encoding, varlena bytes, the
//! binary-input buffer, and equality and hashing of stored summaries.

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use pgrx::varlena::{set_varsize_4b, vardata_any, varsize_any_exhdr};

use super::fmgr::{arg, pg_function};

/// Argument 0 of a type input function (a C string in the server encoding) as UTF-8, so that
/// parsers see the characters the user typed and errors can quote them back.
pub unsafe fn input_text(fcinfo: FunctionCallInfo) -> String {
    unsafe {
        let cstr = arg(fcinfo, 0).cast_mut_ptr::<std::ffi::c_char>();
        let len = std::ffi::CStr::from_ptr(cstr).to_bytes().len();
        // Returns its input unchanged when the server encoding is already UTF-8 (or SQL_ASCII,
        // which has no encoding: bytes that are not UTF-8 then read as U+FFFD).
        let utf8 = pg_sys::pg_server_to_any(cstr, len as i32, pg_sys::pg_enc::PG_UTF8 as i32);
        std::ffi::CStr::from_ptr(utf8)
            .to_string_lossy()
            .into_owned()
    }
}

/// Whether the database encoding is something other than UTF-8.
pub fn server_is_not_utf8() -> bool {
    unsafe { pg_sys::GetDatabaseEncoding() != pg_sys::pg_enc::PG_UTF8 as i32 }
}

/// Bytes of text in the server encoding, as UTF-8 (for summaries whose keys are text).
pub fn server_bytes_to_utf8(bytes: &[u8]) -> Vec<u8> {
    unsafe {
        let converted = pg_sys::pg_server_to_any(
            bytes.as_ptr().cast(),
            bytes.len() as i32,
            pg_sys::pg_enc::PG_UTF8 as i32,
        );
        if converted as *const u8 == bytes.as_ptr() {
            return bytes.to_vec();
        }
        std::ffi::CStr::from_ptr(converted).to_bytes().to_vec()
    }
}

/// UTF-8 text converted to the server encoding, for messages sent back to the client.
/// Unchanged when it is ASCII or the server encoding is UTF-8.
pub fn to_server_encoding(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    unsafe {
        if pg_sys::GetDatabaseEncoding() == pg_sys::pg_enc::PG_UTF8 as i32 {
            return text.to_string();
        }
        let converted = pg_sys::pg_any_to_server(
            text.as_ptr().cast(),
            text.len() as i32,
            pg_sys::pg_enc::PG_UTF8 as i32,
        );
        // The server-encoded bytes, which Rust cannot read as UTF-8 but PostgreSQL will.
        let bytes = std::ffi::CStr::from_ptr(converted).to_bytes().to_vec();
        String::from_utf8_unchecked(bytes)
    }
}

/// Returns `text` (UTF-8) as a palloc'd C string in the server encoding (type output
/// functions), so that a key typed as 'é' in a LATIN1 database prints as 'é' and reads back.
pub unsafe fn return_cstring(text: &str) -> Datum {
    unsafe {
        let converted;
        let bytes = if text.is_ascii() || !server_is_not_utf8() {
            text.as_bytes()
        } else {
            let server = pg_sys::pg_any_to_server(
                text.as_ptr().cast(),
                text.len() as i32,
                pg_sys::pg_enc::PG_UTF8 as i32,
            );
            converted = std::ffi::CStr::from_ptr(server).to_bytes();
            converted
        };
        let cstring = pg_sys::palloc(bytes.len() + 1).cast::<u8>();
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), cstring, bytes.len());
        *cstring.add(bytes.len()) = 0;
        Datum::from(cstring)
    }
}

/// A new varlena (bytea or a summary type) holding `bytes`, in the current memory context.
pub unsafe fn new_varlena(bytes: &[u8]) -> Datum {
    unsafe {
        let size = pg_sys::VARHDRSZ + bytes.len();
        let ptr = pg_sys::palloc(size).cast::<u8>();
        set_varsize_4b(ptr.cast(), size as i32);
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr.add(pg_sys::VARHDRSZ), bytes.len());
        Datum::from(ptr)
    }
}

/// The bytes of a varlena datum after its header, detoasted (any header size).
pub unsafe fn varlena_bytes<'a>(value: Datum) -> &'a [u8] {
    unsafe {
        let detoasted = pg_sys::pg_detoast_datum_packed(value.cast_mut_ptr());
        std::slice::from_raw_parts(
            vardata_any(detoasted).cast::<u8>(),
            varsize_any_exhdr(detoasted),
        )
    }
}

/// The rest of a binary-input message buffer (argument 0 of a `recv` function), consumed.
pub unsafe fn receive_bytes<'a>(fcinfo: FunctionCallInfo) -> &'a [u8] {
    unsafe {
        let buf = arg(fcinfo, 0).cast_mut_ptr::<pg_sys::StringInfoData>();
        let start = (*buf).cursor as usize;
        let end = (*buf).len as usize;
        let bytes = std::slice::from_raw_parts(((*buf).data as *const u8).add(start), end - start);
        (*buf).cursor = (*buf).len;
        bytes
    }
}

// Equality and hashing of every summary and state type. Each type's stored form is canonical
// (one byte sequence per value: zeroed padding, sorted keys), so equal values are equal bytes;
// the same four C functions serve every type, declared per type in SQL.

// PostgreSQL's hash functions for byte strings (src/common/hashfn.c), which pgrx does not bind.
unsafe extern "C" {
    fn hash_bytes(k: *const u8, keylen: std::ffi::c_int) -> u32;
    fn hash_bytes_extended(k: *const u8, keylen: std::ffi::c_int, seed: u64) -> u64;
}

unsafe fn same_bytes(fcinfo: FunctionCallInfo) -> bool {
    unsafe { varlena_bytes(arg(fcinfo, 0)) == varlena_bytes(arg(fcinfo, 1)) }
}

pg_function!(fn csm_summary_eq(fcinfo) {
    unsafe { Datum::from(same_bytes(fcinfo)) }
});

pg_function!(fn csm_summary_ne(fcinfo) {
    unsafe { Datum::from(!same_bytes(fcinfo)) }
});

pg_function!(fn csm_summary_hash(fcinfo) {
    unsafe {
        let bytes = varlena_bytes(arg(fcinfo, 0));
        Datum::from(hash_bytes(bytes.as_ptr(), bytes.len() as i32))
    }
});

pg_function!(fn csm_summary_hash_extended(fcinfo) {
    unsafe {
        let bytes = varlena_bytes(arg(fcinfo, 0));
        let seed = arg(fcinfo, 1).value() as u64;
        Datum::from(hash_bytes_extended(bytes.as_ptr(), bytes.len() as i32, seed))
    }
});
