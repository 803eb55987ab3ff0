//! [`Input`]: what a transaction spends. Chrysalis knows one kind, the UTXO input (TIP-7).

use alloc::vec::Vec;

use crate::error::UnpackError;
use crate::ids::OutputId;
use crate::packable::Packable;
use crate::unpacker::{Reader, unpack_all};

/// A transaction input, packed as a type byte and its body: `0x00 ‖ transaction id ‖ u16 index`.
///
/// ```
/// use tangle_model::{Input, OutputId, Packable, TransactionId};
/// let input = Input::Utxo(OutputId::new(TransactionId::new([1; 32]), 0)?);
/// assert_eq!(input.packed_len(), 35);
/// # Ok::<(), tangle_model::RuleError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Input {
    /// Spends the output with this id.
    Utxo(OutputId),
}

impl Input {
    /// Type byte of a UTXO input.
    pub const UTXO_KIND: u8 = 0;
    /// Packed length of a UTXO input.
    pub const UTXO_LENGTH: usize = 35;

    /// The type byte.
    pub fn kind(&self) -> u8 {
        match self {
            Self::Utxo(_) => Self::UTXO_KIND,
        }
    }

    /// The output this input spends.
    pub fn output_id(&self) -> &OutputId {
        match self {
            Self::Utxo(id) => id,
        }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let offset = r.offset();
        match r.u8()? {
            Self::UTXO_KIND => Ok(Self::Utxo(OutputId::read(r)?)),
            kind => Err(UnpackError::UnknownInputType { offset, kind }),
        }
    }
}

impl From<OutputId> for Input {
    fn from(id: OutputId) -> Self {
        Self::Utxo(id)
    }
}

impl Packable for Input {
    fn packed_len(&self) -> usize {
        Self::UTXO_LENGTH
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        match self {
            Self::Utxo(id) => {
                out.push(Self::UTXO_KIND);
                id.pack_into(out);
            }
        }
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, Self::read)
    }
}
