//! Network identifiers (TIP-6).

use crate::hash::blake2b_256;

/// The network id of the network called `name`: the first 8 bytes of BLAKE2b-256(`name`), read as
/// a little-endian `u64`.
///
/// ```
/// assert_eq!(tangle_crypto::network_id("chrysalis-mainnet"), 1454675179895816119);
/// ```
pub fn network_id(name: &str) -> u64 {
    let digest = blake2b_256(name.as_bytes());
    u64::from_le_bytes(core::array::from_fn(|i| digest[i]))
}
