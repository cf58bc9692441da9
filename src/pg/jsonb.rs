//! Reading `jsonb` values in place: the format's reader is plain Rust in
//! `kpi::pgformat::jsonb` (tested and fuzzed there without PostgreSQL); the health family reads
//! a jsonb argument's bytes after the varlena header with it.

pub use crate::kpi::pgformat::jsonb::*;
