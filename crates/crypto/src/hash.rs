//! BLAKE2b-256, the hash behind every identifier in the protocol.

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};

/// Length in bytes of a BLAKE2b-256 digest.
pub const BLAKE2B_256_LEN: usize = 32;

/// Incremental BLAKE2b-256 (32-byte digest, no key), for hashing data that arrives in pieces.
#[derive(Clone, Default)]
pub struct Blake2b256 {
    inner: Blake2b<U32>,
}

impl Blake2b256 {
    /// A hasher with nothing absorbed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        Digest::update(&mut self.inner, data);
    }

    /// The digest of everything absorbed so far.
    pub fn finalize(self) -> [u8; BLAKE2B_256_LEN] {
        self.inner.finalize().into()
    }
}

impl core::fmt::Debug for Blake2b256 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Blake2b256")
    }
}

/// BLAKE2b-256 of `data` in one call.
///
/// ```
/// let digest = tangle_crypto::hash::blake2b_256(b"");
/// assert_eq!(digest[..4], [0x0e, 0x57, 0x51, 0xc0]);
/// ```
pub fn blake2b_256(data: &[u8]) -> [u8; BLAKE2B_256_LEN] {
    Blake2b::<U32>::digest(data).into()
}

/// BLAKE2b-256 of the concatenation of `parts`, without copying them together.
pub fn blake2b_256_parts(parts: &[&[u8]]) -> [u8; BLAKE2B_256_LEN] {
    let mut hasher = Blake2b256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_matches_the_protocol_reference() {
        assert_eq!(
            hex::encode(blake2b_256(b"")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
    }

    proptest::proptest! {
        #[test]
        fn incremental_equals_one_shot(data in proptest::collection::vec(proptest::num::u8::ANY, 0..512), split in 0usize..512) {
            let split = split.min(data.len());
            let (a, b) = data.split_at(split);
            proptest::prop_assert_eq!(blake2b_256_parts(&[a, b]), blake2b_256(&data));
        }
    }
}
