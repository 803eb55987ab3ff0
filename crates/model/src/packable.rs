//! The [`Packable`] trait: the byte codec shared by every type of the model.

use alloc::vec::Vec;

use crate::error::UnpackError;

/// A value with a canonical byte form.
///
/// `unpack` consumes exactly its input and checks every syntactic rule; packing an accepted value
/// reproduces the input bytes exactly.
///
/// ```
/// use tangle_model::{Packable, IndexationPayload};
///
/// let payload = IndexationPayload::new(b"IOTA".to_vec(), b"hello".to_vec())?;
/// let bytes = payload.pack();
/// assert_eq!(bytes.len(), payload.packed_len());
/// assert_eq!(IndexationPayload::unpack(&bytes)?, payload);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Packable: Sized {
    /// Length in bytes of the packed form.
    fn packed_len(&self) -> usize;

    /// Appends the packed form to `out`.
    fn pack_into(&self, out: &mut Vec<u8>);

    /// The packed form in a new vector.
    fn pack(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.packed_len());
        self.pack_into(&mut out);
        out
    }

    /// Decodes and validates `bytes`, which must hold exactly one value.
    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError>;
}

/// Writes a `u32` length prefix and the packed optional value.
pub(crate) fn pack_optional<T: Packable>(value: Option<&T>, out: &mut Vec<u8>) {
    match value {
        None => out.extend_from_slice(&0u32.to_le_bytes()),
        Some(value) => {
            out.extend_from_slice(&(value.packed_len() as u32).to_le_bytes());
            value.pack_into(out);
        }
    }
}

/// Length of [`pack_optional`]'s output.
pub(crate) fn optional_len<T: Packable>(value: Option<&T>) -> usize {
    4 + value.map_or(0, Packable::packed_len)
}
