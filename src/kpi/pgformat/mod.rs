//! PostgreSQL's on-disk formats that the extension reads in place, as plain functions over
//! bytes: `numeric` (`utils/adt/numeric.c`), `jsonb` (`utils/jsonb.h`) and `double
//! precision[]` (`utils/array.h`). Going through PostgreSQL's text output and parsing it again
//! would cost more than everything else a row costs; reading the documented layouts here keeps
//! them testable and fuzzable without a server. Every offset is checked: a corrupt value is an
//! error (or, on the fast paths, "not read here"), never a panic or a read out of bounds.

// Varlena headers and the formats' words are read as on little-endian machines, in the
// server's own (native) byte order.
#[cfg(not(target_endian = "little"))]
compile_error!("csmetrics reads jsonb and numeric headers in little-endian layout");

pub mod float8_array;
pub mod jsonb;
pub mod numeric;

/// The native-order `u16` at `at`, if the bytes reach that far.
#[inline(always)]
fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_ne_bytes([b[0], b[1]]))
}

/// The native-order `u32` at `at`, if the bytes reach that far.
#[inline(always)]
fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
pub mod encode;

/// Fuzzes a byte reader: `rounds` inputs from the seed, one in `raw.0` random bytes (up to
/// `raw.1`), the others a valid value from `valid`, each then truncated, extended, bit-flipped
/// or given huge lengths (`Rng::mutate`) and passed to `check`.
#[cfg(test)]
pub(crate) fn fuzz(
    seed: u64,
    rounds: usize,
    raw: (u64, usize),
    mut valid: impl FnMut(&mut crate::kpi::testing::Rng) -> Vec<u8>,
    mut check: impl FnMut(&[u8]),
) {
    let mut rng = crate::kpi::testing::Rng(seed);
    for _ in 0..rounds {
        let mut bytes = if rng.below(raw.0) == 0 {
            rng.bytes(raw.1)
        } else {
            valid(&mut rng)
        };
        rng.mutate(&mut bytes);
        check(&bytes);
    }
}
