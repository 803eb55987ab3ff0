//! The inclusion Merkle root of a milestone (TIP-4).
//!
//! Over a list of 32-byte ids, in order:
//!
//! - the root of no ids is BLAKE2b-256 of the empty string;
//! - the root of one id is its leaf hash, `BLAKE2b-256(0x00 ‖ id)`;
//! - the root of `n > 1` ids splits them at `k`, the largest power of two below `n`, and is
//!   `BLAKE2b-256(0x01 ‖ root(ids[..k]) ‖ root(ids[k..]))`.
//!
//! The computation hashes each id once and each inner node once (`2n − 1` hashes of one BLAKE2b
//! block each), recurses at most `⌈log₂ n⌉` deep, and allocates nothing.
//!
//! ```
//! use tangle_crypto::merkle::merkle_root;
//! use tangle_crypto::hash::{blake2b_256, blake2b_256_parts};
//!
//! let (a, b) = ([1u8; 32], [2u8; 32]);
//! let leaf = |id: &[u8; 32]| blake2b_256_parts(&[&[0x00], id]);
//! let expected = blake2b_256_parts(&[&[0x01], &leaf(&a), &leaf(&b)]);
//! assert_eq!(merkle_root(&[a, b]), expected);
//! assert_eq!(merkle_root(&[]), blake2b_256(b""));
//! ```

use crate::hash::{BLAKE2B_256_LEN, Blake2b256, blake2b_256};

/// Domain-separation byte in front of a leaf.
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation byte in front of an inner node.
pub const NODE_PREFIX: u8 = 0x01;

/// The TIP-4 Merkle root of `ids`, in the order given.
pub fn merkle_root(ids: &[[u8; 32]]) -> [u8; BLAKE2B_256_LEN] {
    merkle_root_by(ids, |id| id)
}

/// The TIP-4 Merkle root of the ids of `items`, read with `id`, in the order given.
///
/// Lets callers hash a list of their own id type without copying it into a list of arrays.
///
/// ```
/// use tangle_crypto::merkle::{merkle_root, merkle_root_by};
/// struct MessageId([u8; 32]);
/// let ids = [MessageId([7; 32]), MessageId([8; 32]), MessageId([9; 32])];
/// assert_eq!(merkle_root_by(&ids, |m| &m.0), merkle_root(&[[7; 32], [8; 32], [9; 32]]));
/// ```
pub fn merkle_root_by<T, F>(items: &[T], id: F) -> [u8; BLAKE2B_256_LEN]
where
    F: Fn(&T) -> &[u8; 32],
{
    if items.is_empty() {
        blake2b_256(&[])
    } else {
        subtree_root(items, &id)
    }
}

/// Root of a non-empty slice.
fn subtree_root<T, F>(items: &[T], id: &F) -> [u8; BLAKE2B_256_LEN]
where
    F: Fn(&T) -> &[u8; 32],
{
    match items {
        [] => blake2b_256(&[]),
        [single] => {
            let mut hasher = Blake2b256::new();
            hasher.update(&[LEAF_PREFIX]);
            hasher.update(id(single));
            hasher.finalize()
        }
        _ => {
            let (left, right) = items.split_at(split_point(items.len()));
            let left = subtree_root(left, id);
            let right = subtree_root(right, id);
            let mut hasher = Blake2b256::new();
            hasher.update(&[NODE_PREFIX]);
            hasher.update(&left);
            hasher.update(&right);
            hasher.finalize()
        }
    }
}

/// The largest power of two strictly below `n` (for `n ≥ 2`).
fn split_point(n: usize) -> usize {
    // `n - 1 ≥ 1`, so its highest set bit is the largest power of two ≤ n − 1 < n.
    1usize << (usize::BITS - 1 - (n - 1).leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::blake2b_256_parts;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    /// Straightforward reference: builds the leaf list, then recurses with allocation.
    fn reference(ids: &[[u8; 32]]) -> [u8; 32] {
        fn go(hashes: &[[u8; 32]]) -> [u8; 32] {
            if hashes.len() == 1 {
                return hashes[0];
            }
            let mut k = 1;
            while k * 2 < hashes.len() {
                k *= 2;
            }
            blake2b_256_parts(&[&[1], &go(&hashes[..k]), &go(&hashes[k..])])
        }
        if ids.is_empty() {
            return blake2b_256(b"");
        }
        let leaves: Vec<[u8; 32]> = ids
            .iter()
            .map(|id| blake2b_256_parts(&[&[0], id]))
            .collect();
        go(&leaves)
    }

    #[test]
    fn split_points() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(8), 4);
        assert_eq!(split_point(9), 8);
        assert_eq!(split_point(1000), 512);
    }

    #[test]
    fn single_id_is_its_leaf() {
        assert_eq!(
            merkle_root(&[[3; 32]]),
            blake2b_256_parts(&[&[0], &[3; 32]])
        );
    }

    proptest! {
        #[test]
        fn equals_reference(ids in proptest::collection::vec(any::<[u8; 32]>(), 0..70)) {
            prop_assert_eq!(merkle_root(&ids), reference(&ids));
        }
    }
}
