//! Datums every summary type shares: C strings in the server encoding, varlena bytes, the
//! binary-input buffer, and equality and hashing of stored summaries.
//!
//! Part of the unsafe core (see CONTRIBUTING.md).
#![warn(clippy::undocumented_unsafe_blocks)]

use pgrx::pg_sys::{self, Datum, FunctionCallInfo};
use pgrx::varlena::{set_varsize_4b, vardata_any, varsize_any_exhdr};

use super::args::Args;
use super::fmgr::{arg, pg_function};
use crate::kpi::keys::Key;

/// Argument 0 of a type input function (a C string in the server encoding) as UTF-8, so that
/// parsers see the characters the user typed and errors can quote them back.
///
/// # Safety
/// `fcinfo` is the live call of a type input function (argument 0 a C string).
pub unsafe fn input_text(fcinfo: FunctionCallInfo) -> String {
    // SAFETY: per the contract; the conversion returns its input or a palloc'd C string.
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
    // SAFETY: reads the backend's database encoding.
    unsafe { pg_sys::GetDatabaseEncoding() != pg_sys::pg_enc::PG_UTF8 as i32 }
}

/// Bytes of text in the server encoding, as UTF-8 (for summaries whose keys are text).
pub fn server_bytes_to_utf8(bytes: &[u8]) -> Vec<u8> {
    // SAFETY: reads `len` bytes of a live slice; the result is the input itself or a
    // palloc'd NUL-terminated copy.
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

/// The conversion from UTF-8 to the database encoding, or `None` when text needs none (the
/// database is UTF-8, or SQL_ASCII, which stores bytes as they come).
fn utf8_to_server_proc() -> Option<(i32, pg_sys::Oid)> {
    // SAFETY: catalog lookups of the backend, no pointer passed.
    unsafe {
        let server = pg_sys::GetDatabaseEncoding();
        if server == pg_sys::pg_enc::PG_UTF8 as i32 || server == pg_sys::pg_enc::PG_SQL_ASCII as i32
        {
            return None;
        }
        Some((
            server,
            pg_sys::FindDefaultConversionProc(pg_sys::pg_enc::PG_UTF8 as i32, server),
        ))
    }
}

/// One character in the server encoding, or `None` when it has no form there. Uses the
/// conversion's no-error mode: the erroring one would raise in the middle of an error report.
fn char_in_server(c: char, (server, proc): (i32, pg_sys::Oid)) -> Option<Vec<u8>> {
    if proc == pg_sys::InvalidOid {
        return None;
    }
    let mut utf8 = [0u8; 4];
    let utf8 = c.encode_utf8(&mut utf8).as_bytes();
    // A conversion writes at most MAX_CONVERSION_GROWTH (4) bytes per input byte, then a NUL.
    let mut out = [0u8; 4 * 4 + 1];
    // SAFETY: reads `utf8` and writes at most `out.len()` bytes into `out`, both live; the
    // no-error mode returns instead of raising.
    let converted = unsafe {
        pg_sys::pg_do_encoding_conversion_buf(
            proc,
            pg_sys::pg_enc::PG_UTF8 as i32,
            server,
            utf8.as_ptr().cast_mut(),
            utf8.len() as i32,
            out.as_mut_ptr(),
            out.len() as i32,
            true,
        )
    };
    if converted as usize != utf8.len() {
        return None;
    }
    let len = out.iter().position(|&b| b == 0).unwrap_or(0);
    (len > 0).then(|| out[..len].to_vec())
}

/// UTF-8 text as bytes in the server encoding, for messages and `text` results sent back to
/// the client. Kept as bytes: they are not UTF-8 in a LATIN1 or EUC_JP database, and a Rust
/// string must be. A character with no form in the server encoding is written as its JSON
/// escape (`\u65e5`), so that reporting an error about it cannot itself fail.
pub fn to_server_bytes(text: &str) -> Vec<u8> {
    let Some(conversion) = utf8_to_server_proc().filter(|_| !text.is_ascii()) else {
        return text.as_bytes().to_vec();
    };
    let mut out = Vec::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if let Some(bytes) = char_in_server(c, conversion) {
            out.extend_from_slice(&bytes);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
            }
        }
    }
    out
}

/// The first character of `text` that has no form in the server encoding (which a type's
/// output function could then not write), if any.
pub fn without_server_form(text: &str) -> Option<char> {
    let conversion = utf8_to_server_proc().filter(|_| !text.is_ascii())?;
    text.chars()
        .find(|&c| !c.is_ascii() && char_in_server(c, conversion).is_none())
}

/// Returns `text` (UTF-8) as a palloc'd C string in the server encoding (type output
/// functions), so that a key typed as 'é' in a LATIN1 database prints as 'é' and reads back.
///
/// # Safety
/// Called in a backend (palloc in the current memory context).
pub unsafe fn return_cstring(text: &str) -> Datum {
    // SAFETY: reads `len` bytes of a live string; the conversion's result is a C string.
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
        palloc_cstring(bytes)
    }
}

/// A palloc'd, NUL-terminated copy of `bytes` (which hold no NUL).
///
/// # Safety
/// Called in a backend (palloc in the current memory context).
pub unsafe fn palloc_cstring(bytes: &[u8]) -> Datum {
    // SAFETY: writes `len + 1` bytes into a block of that size.
    unsafe {
        let cstring = pg_sys::palloc(bytes.len() + 1).cast::<u8>();
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), cstring, bytes.len());
        *cstring.add(bytes.len()) = 0;
        Datum::from(cstring)
    }
}

/// A new varlena (bytea or a summary type) holding `bytes`, in the current memory context.
///
/// # Safety
/// Called in a backend (palloc in the current memory context).
pub unsafe fn new_varlena(bytes: &[u8]) -> Datum {
    // SAFETY: writes the header and `len` bytes into a block of that size.
    unsafe {
        let size = pg_sys::VARHDRSZ + bytes.len();
        let ptr = pg_sys::palloc(size).cast::<u8>();
        set_varsize_4b(ptr.cast(), size as i32);
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr.add(pg_sys::VARHDRSZ), bytes.len());
        Datum::from(ptr)
    }
}

/// A new varlena of `len` bytes after its header, in the current memory context, written by
/// `write` (which gets them zeroed); `None`, the block freed, when `write` says it failed.
///
/// # Safety
/// Called in a backend (palloc in the current memory context).
pub unsafe fn new_varlena_with(len: usize, write: impl FnOnce(&mut [u8]) -> bool) -> Option<Datum> {
    // SAFETY: the block is `VARHDRSZ + len` bytes, zeroed (so the slice over its last `len`
    // bytes is initialized) and ours alone until returned; palloc0 raises ERROR rather than
    // return a block above MaxAllocSize.
    unsafe {
        let size = pg_sys::VARHDRSZ + len;
        let ptr = pg_sys::palloc0(size).cast::<u8>();
        set_varsize_4b(ptr.cast(), size as i32);
        if !write(std::slice::from_raw_parts_mut(
            ptr.add(pg_sys::VARHDRSZ),
            len,
        )) {
            pg_sys::pfree(ptr.cast());
            return None;
        }
        Some(Datum::from(ptr))
    }
}

/// The bytes of a varlena datum after its header, detoasted (any header size).
///
/// Prefer [`Args::bytes`](super::args::Args::bytes), whose slice cannot outlive the call.
///
/// # Safety
/// `value` is a non-null varlena datum; the caller chooses `'a`, which must not outlive the
/// datum (or its detoasted copy, in the current memory context), and must not change the
/// bytes while the slice lives.
pub unsafe fn varlena_bytes<'a>(value: Datum) -> &'a [u8] {
    // SAFETY: per the contract.
    unsafe {
        let detoasted = pg_sys::pg_detoast_datum_packed(value.cast_mut_ptr());
        std::slice::from_raw_parts(
            vardata_any(detoasted).cast::<u8>(),
            varsize_any_exhdr(detoasted),
        )
    }
}

/// The rest of a binary-input message buffer (argument 0 of a `recv` function), consumed.
///
/// # Safety
/// `fcinfo` is the live call of a `recv` function; `'a` ends with the call.
pub unsafe fn receive_bytes<'a>(fcinfo: FunctionCallInfo) -> &'a [u8] {
    // SAFETY: per the contract: argument 0 is a `StringInfo` whose cursor is within its data.
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

fn same_bytes(args: &Args) -> bool {
    args.bytes(0) == args.bytes(1)
}

/// PostgreSQL's `hash_any_extended` of `bytes` with `seed` (`hash_any` when `seed` is None).
fn hash_of(bytes: &[u8], seed: Option<u64>) -> Datum {
    // SAFETY: both read `len` bytes from a live slice and nothing else.
    unsafe {
        match seed {
            None => Datum::from(hash_bytes(bytes.as_ptr(), bytes.len() as i32)),
            Some(seed) => Datum::from(hash_bytes_extended(
                bytes.as_ptr(),
                bytes.len() as i32,
                seed,
            )),
        }
    }
}

pg_function!(fn csm_summary_eq(args) safe {
    args.return_bool(same_bytes(args))
});

pg_function!(fn csm_summary_ne(args) safe {
    args.return_bool(!same_bytes(args))
});

pg_function!(fn csm_summary_hash(args) safe {
    hash_of(args.bytes(0), None)
});

pg_function!(fn csm_summary_hash_extended(args) safe {
    hash_of(args.bytes(0), Some(args.i64(1) as u64))
});

/// The SQL type of a customer or user key argument: bigint, text or uuid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Int,
    Text,
    Uuid,
}

/// A customer or user key argument, borrowed from the call where it can be: the one reader
/// of key arguments (each family keeps its keys as a [`crate::kpi::keys::Key`]: `i64`,
/// `[u8; 16]`, or the text's bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyArg<'a> {
    Int(i64),
    Text(std::borrow::Cow<'a, [u8]>),
    Uuid([u8; 16]),
}

/// A key type read straight from a call's argument: the statically typed form of
/// [`Args::key`], for states keyed by one Rust type. Text is its bytes in the server encoding.
pub trait ArgKey: Key {
    /// `f` of the key in argument `n` (not NULL), borrowed from the call where it can be.
    fn with_arg<R>(args: &Args, n: usize, f: impl FnOnce(&Self::Ref) -> R) -> R;

    /// The key in argument `n` (not NULL), owned.
    fn from_arg(args: &Args, n: usize) -> Self {
        Self::with_arg(args, n, Self::owned)
    }
}

impl ArgKey for i64 {
    fn with_arg<R>(args: &Args, n: usize, f: impl FnOnce(&i64) -> R) -> R {
        f(&args.i64(n))
    }
}

impl ArgKey for [u8; 16] {
    fn with_arg<R>(args: &Args, n: usize, f: impl FnOnce(&[u8; 16]) -> R) -> R {
        f(&args.uuid(n))
    }
}

impl ArgKey for Box<[u8]> {
    fn with_arg<R>(args: &Args, n: usize, f: impl FnOnce(&[u8]) -> R) -> R {
        f(args.text(n))
    }
}

impl Args<'_> {
    /// Argument `n` (not NULL) as a key of type `ty`; text as its bytes in the server
    /// encoding (compared byte for byte, as a deterministic collation does).
    pub fn key(&self, n: usize, ty: KeyType) -> KeyArg<'_> {
        match ty {
            KeyType::Int => KeyArg::Int(self.i64(n)),
            KeyType::Uuid => KeyArg::Uuid(self.uuid(n)),
            KeyType::Text => KeyArg::Text(std::borrow::Cow::Borrowed(self.text(n))),
        }
    }

    /// [`Args::key`] with text converted to UTF-8, for states whose text form prints keys.
    pub fn key_utf8(&self, n: usize, ty: KeyType) -> KeyArg<'_> {
        match self.key(n, ty) {
            KeyArg::Text(std::borrow::Cow::Borrowed(key))
                if !key.is_ascii() && server_is_not_utf8() =>
            {
                KeyArg::Text(std::borrow::Cow::Owned(server_bytes_to_utf8(key)))
            }
            other => other,
        }
    }
}
