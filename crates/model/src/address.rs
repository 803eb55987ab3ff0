//! Addresses, re-exported from `tangle-crypto` (TIP-11), and their place in the codec.
//!
//! Chrysalis knows one kind, the Ed25519 address, packed as `0x00 ‖ 32 bytes`.
//!
//! ```
//! use tangle_model::{Address, Ed25519Address, Packable};
//! let address = Address::Ed25519(Ed25519Address::new([9; 32]));
//! assert_eq!(address.pack()[0], 0);
//! assert_eq!(address.packed_len(), 33);
//! assert_eq!(Address::unpack(&address.pack())?, address);
//! # Ok::<(), tangle_model::UnpackError>(())
//! ```

use alloc::vec::Vec;

pub use tangle_crypto::address::{Address, Ed25519Address};
use tangle_crypto::address::{ED25519_ADDRESS_TYPE, SERIALIZED_ADDRESS_LENGTH};

use crate::error::UnpackError;
use crate::packable::Packable;
use crate::unpacker::{Reader, unpack_all};

/// Packed length of an address (type byte and 32 bytes).
pub const ADDRESS_LENGTH: usize = SERIALIZED_ADDRESS_LENGTH;

pub(crate) fn read_address(r: &mut Reader<'_>) -> Result<Address, UnpackError> {
    let offset = r.offset();
    match r.u8()? {
        ED25519_ADDRESS_TYPE => Ok(Address::Ed25519(Ed25519Address::new(r.array()?))),
        kind => Err(UnpackError::UnknownAddressType { offset, kind }),
    }
}

impl Packable for Address {
    fn packed_len(&self) -> usize {
        ADDRESS_LENGTH
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, read_address)
    }
}
