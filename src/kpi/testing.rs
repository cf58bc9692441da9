//! Property checks every summary type must pass, for the unit tests of each family
//! (`cargo test`): a small deterministic generator and the laws of [`Summary`].

use std::fmt::Debug;

use super::error::ErrorKind;
use super::summary::Summary;

/// A small deterministic generator (xorshift64*): property tests without a dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    pub fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        let len = self.below(max_len as u64 + 1) as usize;
        (0..len).map(|_| self.below(256) as u8).collect()
    }

    /// One to three of the corruptions a fuzzed binary value gets: a truncation, a flipped
    /// bit, random bytes appended, or a 4-aligned word (a length, count, offset or header)
    /// made huge or negative.
    pub fn mutate(&mut self, bytes: &mut Vec<u8>) {
        for _ in 0..1 + self.below(3) {
            let len = bytes.len() as u64;
            match self.below(5) {
                0 => bytes.truncate(self.below(len) as usize),
                1 if len > 0 => bytes[self.below(len) as usize] ^= 1 << self.below(8),
                2 if len >= 4 => {
                    let at = self.below(len / 4) as usize * 4;
                    let word = u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap());
                    let huge = [
                        u32::MAX,
                        0x8000_0000,
                        0x7FFF_FFFF,
                        0x4000_0000,
                        (-4i32) as u32,
                    ];
                    let new = match self.below(6) {
                        5 => word | 0x0FFF_FFF0,
                        i => huge[i as usize],
                    };
                    bytes[at..at + 4].copy_from_slice(&new.to_ne_bytes());
                }
                3 => bytes.extend(self.bytes(8)),
                _ => {}
            }
        }
    }
}

/// The laws of a summary type, on values from `generate` (which should produce a variety of
/// small, empty and edge-case values). Values are compared by their canonical binary form, which
/// is what `=` compares in SQL:
/// - text and binary forms read back to an equal value, and the binary form is canonical;
/// - merge is commutative and associative, and merging the empty value changes nothing;
/// - arbitrary bytes, truncations and mutations of valid binary forms, and mutations of valid
///   text are either a value (which then round-trips) or a clean error, never a panic.
pub fn check_summary_laws<T, G>(seed: u64, mut generate: G)
where
    T: Summary + Clone + Debug,
    G: FnMut(&mut Rng) -> T,
{
    let mut rng = Rng(seed);
    for _ in 0..300 {
        let (a, b, c) = (generate(&mut rng), generate(&mut rng), generate(&mut rng));
        for v in [&a, &b, &c] {
            let bytes = v.to_binary();
            let back = T::from_binary(&bytes).expect("binary form reads back");
            assert_eq!(back.to_binary(), bytes, "binary form is canonical");
            let text = T::from_text(&v.to_text()).expect("text form reads back");
            assert_eq!(
                text.to_binary(),
                bytes,
                "text form reads back to the same value"
            );
        }
        let mut ab = a.clone();
        let mut ba = b.clone();
        if ab.merge_checked(&b).is_ok() && ba.merge_checked(&a).is_ok() {
            assert_eq!(ab.to_binary(), ba.to_binary(), "merge is commutative");
            for (mut x, y) in [(a.clone(), b.clone()), (T::default(), a.clone())] {
                let want = {
                    let mut copy = x.clone();
                    copy.merge_checked(&y).map(|_| copy.to_binary())
                };
                x.merge_owned_checked(y)
                    .expect("an owned merge succeeds as a borrowed one");
                assert_eq!(Ok(x.to_binary()), want, "an owned merge is a merge");
            }
            let mut ab_c = ab.clone();
            let mut bc = b.clone();
            if ab_c.merge_checked(&c).is_ok() && bc.merge_checked(&c).is_ok() {
                let mut a_bc = a.clone();
                a_bc.merge_checked(&bc).expect("associative merge succeeds");
                assert_eq!(ab_c.to_binary(), a_bc.to_binary(), "merge is associative");
            }
        }
        let mut with_empty = a.clone();
        with_empty
            .merge_checked(&T::default())
            .expect("merging nothing succeeds");
        assert_eq!(with_empty.to_binary(), a.to_binary());

        // Hostile input: never a panic; anything accepted round-trips.
        let mut bytes = a.to_binary();
        match rng.below(3) {
            0 => bytes = rng.bytes(64),
            1 => bytes.truncate(rng.below(bytes.len() as u64) as usize),
            _ => {
                for _ in 0..1 + rng.below(3) {
                    let at = rng.below(bytes.len() as u64) as usize;
                    if let Some(byte) = bytes.get_mut(at) {
                        *byte = rng.below(256) as u8;
                    }
                }
            }
        }
        match T::from_binary(&bytes) {
            Ok(v) => {
                let again = T::from_binary(&v.to_binary()).expect("accepted value reads back");
                assert_eq!(again.to_binary(), v.to_binary());
                let text = T::from_text(&v.to_text()).expect("accepted value's text reads back");
                assert_eq!(text.to_binary(), v.to_binary());
            }
            Err(e) => assert_eq!(e.kind, ErrorKind::BadBinary),
        }
        let mut text: Vec<char> = a.to_text().chars().collect();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(text.len() as u64 + 1) as usize;
            let c = char::from_u32(rng.below(0x7f) as u32).unwrap_or('x');
            if at < text.len() && rng.below(2) == 0 {
                text[at] = c;
            } else {
                text.insert(at, c);
            }
        }
        let text: String = text.into_iter().collect();
        if let Err(e) = T::from_text(&text) {
            assert_eq!(e.kind, ErrorKind::BadText, "{text}");
        }
    }
}

/// For every aggregate: the summary of all rows equals the merge of the summaries of the rows
/// split anywhere into two parts (what parallel workers and rollups do).
pub fn check_split_equals_one_pass<T, R, G, B>(seed: u64, mut rows: G, build: B)
where
    T: Summary,
    G: FnMut(&mut Rng) -> Vec<R>,
    B: Fn(&[R]) -> T,
{
    let mut rng = Rng(seed);
    for _ in 0..200 {
        let rows = rows(&mut rng);
        let cut = rng.below(rows.len() as u64 + 1) as usize;
        let whole = build(&rows);
        let mut left = build(&rows[..cut]);
        left.merge_checked(&build(&rows[cut..]))
            .expect("merge succeeds");
        assert_eq!(
            left.to_binary(),
            whole.to_binary(),
            "split at {cut} of {}",
            rows.len()
        );
    }
}
