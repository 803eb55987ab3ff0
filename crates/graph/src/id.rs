//! Vertex ids, arena handles and the hasher of the id index.

use core::fmt::Debug;
use core::hash::{BuildHasher, Hash, Hasher};

/// What the graph needs of a vertex id.
///
/// The graph is generic over the id so that the same code runs on real messages (`MessageId`, a
/// 32-byte BLAKE2b hash, supplied by `tangle-model`) and in the simulator (plain integers). The
/// trait is implemented for every type with these bounds; nothing has to be written by hand.
/// `Ord` is the order in which selected tips are sorted (the Chrysalis rule sorts parents by id
/// bytes, which is `[u8; 32]`'s `Ord`).
pub trait VertexId: Copy + Eq + Ord + Hash + Debug + 'static {}

impl<T: Copy + Eq + Ord + Hash + Debug + 'static> VertexId for T {}

/// A vertex of one [`Tangle`](crate::Tangle): an index into its arena.
///
/// Handles are dense (`0..len`) and are handed out in *solidification order*, which is a
/// topological order: every parent has a smaller handle than each of its approvers. Algorithms
/// rely on that (it bounds searches and makes cycles unrepresentable). A handle is only
/// meaningful for the tangle (or [`TangleView`](crate::TangleView)) that produced it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
#[repr(transparent)]
pub struct Handle(u32);

impl Handle {
    /// The handle with this arena index.
    #[inline]
    pub const fn new(index: u32) -> Self {
        Handle(index)
    }

    /// The arena index as a `u32`.
    #[inline]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The arena index, for indexing slices.
    #[inline]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl core::fmt::Display for Handle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

const MUL_A: u64 = 0x9e37_79b9_7f4a_7c15;
const MUL_B: u64 = 0xd6e8_feb8_6659_fd93;

/// 64×64→128-bit multiply folded back to 64 bits: one multiplication mixes every input bit into
/// the high and low halves, which is why it is the core of fast non-cryptographic hashes.
#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Builds [`IdHasher`]s with one secret key per id index.
///
/// Why not `std`'s SipHash: ids on the node path are already uniform hashes, so a 13-round keyed
/// PRF per lookup buys nothing but time on the hottest path of insertion. Why not a trivial
/// "read the first 8 bytes" hasher: message ids can be ground cheaply by an attacker (a nonce
/// per attempt) until their first bytes collide in the table's bucket bits, degrading the index
/// to a linear scan. This hasher reads *every* byte in 16-byte blocks through a keyed folded
/// multiply; without the key an attacker cannot tell which ids share a bucket. It is not a
/// cryptographic MAC, only a bucket scrambler, which is all a hash table needs.
#[derive(Clone, Copy, Debug)]
pub struct IdHashBuilder {
    key0: u64,
    key1: u64,
}

impl IdHashBuilder {
    /// A builder with an explicit key (for reproducible tests and benchmarks).
    pub const fn with_key(key: u64) -> Self {
        IdHashBuilder {
            key0: key ^ MUL_A,
            key1: key.rotate_left(32) ^ MUL_B,
        }
    }

    /// A builder with a key drawn from the standard library's per-process random state.
    pub fn random() -> Self {
        let key = std::collections::hash_map::RandomState::new().hash_one(0x7461_6e67_6c65u64);
        Self::with_key(key)
    }
}

impl Default for IdHashBuilder {
    fn default() -> Self {
        Self::random()
    }
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;

    #[inline]
    fn build_hasher(&self) -> IdHasher {
        IdHasher {
            acc: self.key0,
            key: self.key1,
        }
    }
}

/// The hasher built by [`IdHashBuilder`]; see there for the design.
#[derive(Clone, Debug)]
pub struct IdHasher {
    acc: u64,
    key: u64,
}

impl Hasher for IdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut blocks = bytes.chunks_exact(16);
        for block in &mut blocks {
            let (lo, hi) = block.split_at(8);
            let a = u64::from_le_bytes(lo.try_into().unwrap_or([0; 8]));
            let b = u64::from_le_bytes(hi.try_into().unwrap_or([0; 8]));
            self.acc = fold(a ^ self.acc, b ^ self.key);
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 16];
            buf[..rest.len()].copy_from_slice(rest);
            let a = u64::from_le_bytes(buf[..8].try_into().unwrap_or([0; 8]));
            let b = u64::from_le_bytes(buf[8..].try_into().unwrap_or([0; 8]));
            self.acc = fold(a ^ self.acc, b ^ self.key ^ rest.len() as u64);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.acc = fold(self.acc ^ i, self.key ^ MUL_A);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        fold(self.acc, self.key ^ MUL_B)
    }
}

/// The integer an id hashes as, if its `Hash` writes exactly one integer (as `u64`, `u32`,
/// `usize`, … do); `None` for byte arrays and composite ids. The key of
/// [`Config::dense_ids`](crate::Config::dense_ids); compiles to a copy for integer ids.
#[inline]
pub(crate) fn dense_key<I: Hash>(id: &I) -> Option<u64> {
    let mut probe = KeyProbe {
        value: 0,
        writes: 0,
    };
    id.hash(&mut probe);
    (probe.writes == 1).then_some(probe.value)
}

/// Records what a `Hash` impl writes (see [`dense_key`]).
struct KeyProbe {
    value: u64,
    writes: u32,
}

impl Hasher for KeyProbe {
    #[inline]
    fn write(&mut self, _bytes: &[u8]) {
        // Bytes are not one integer: disqualify.
        self.writes = 2;
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.value = i;
        self.writes = self.writes.saturating_add(1);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_keys_only_for_single_integers() {
        assert_eq!(dense_key(&7u64), Some(7));
        assert_eq!(dense_key(&7u32), Some(7));
        assert_eq!(dense_key(&7usize), Some(7));
        assert_eq!(dense_key(&[7u8; 32]), None);
        assert_eq!(dense_key(&(1u64, 2u64)), None);
        assert_eq!(dense_key(&7u128), None);
    }

    #[test]
    fn keyed_and_reads_every_byte() {
        let a = IdHashBuilder::with_key(1);
        let b = IdHashBuilder::with_key(2);
        let x = [7u8; 32];
        let mut y = x;
        y[31] ^= 1;
        assert_ne!(a.hash_one(x), b.hash_one(x), "key changes the hash");
        assert_ne!(a.hash_one(x), a.hash_one(y), "the last byte matters");
        assert_eq!(a.hash_one(x), a.hash_one(x));
        assert_ne!(a.hash_one(1u64), a.hash_one(2u64));
    }

    #[test]
    fn low_bits_spread_for_sequential_integers() {
        // Buckets are chosen by the low bits: sequential simulator ids must not pile up.
        let h = IdHashBuilder::with_key(42);
        let mut buckets = [0u32; 64];
        for i in 0..64_000u64 {
            buckets[(h.hash_one(i) & 63) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|&c| (800..1200).contains(&c)),
            "{buckets:?}"
        );
    }
}
