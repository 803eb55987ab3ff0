//! Unlock blocks: the proofs that a transaction may spend its inputs (TIP-7).

use alloc::vec::Vec;

use crate::error::{RuleError, UnpackError};
use crate::packable::Packable;
use crate::unpacker::{Reader, unpack_all};

/// An Ed25519 public key and signature, kept as the bytes given (ZIP-215 accepts non-canonical
/// encodings, so nothing is decoded here). Packed as `u8 type 0 ‖ 32 B key ‖ 64 B signature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ed25519Signature {
    /// The public key.
    pub public_key: [u8; 32],
    /// The signature.
    pub signature: [u8; 64],
}

impl Ed25519Signature {
    /// Type byte of an Ed25519 signature.
    pub const KIND: u8 = 0;
    /// Packed length, type byte included.
    pub const LENGTH: usize = 97;

    /// A signature from raw bytes.
    pub const fn new(public_key: [u8; 32], signature: [u8; 64]) -> Self {
        Self {
            public_key,
            signature,
        }
    }
}

/// An unlock block: a signature, or a reference to an earlier signature unlock block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnlockBlock {
    /// Signature unlock block (type 0).
    Signature(Ed25519Signature),
    /// Reference unlock block (type 1): the index of an earlier signature unlock block.
    Reference(u16),
}

impl UnlockBlock {
    /// Type byte of a signature unlock block.
    pub const SIGNATURE_KIND: u8 = 0;
    /// Type byte of a reference unlock block.
    pub const REFERENCE_KIND: u8 = 1;

    /// The type byte.
    pub fn kind(&self) -> u8 {
        match self {
            Self::Signature(_) => Self::SIGNATURE_KIND,
            Self::Reference(_) => Self::REFERENCE_KIND,
        }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let offset = r.offset();
        match r.u8()? {
            Self::SIGNATURE_KIND => {
                let offset = r.offset();
                match r.u8()? {
                    Ed25519Signature::KIND => Ok(Self::Signature(Ed25519Signature::new(
                        r.array()?,
                        r.array()?,
                    ))),
                    kind => Err(UnpackError::UnknownSignatureType { offset, kind }),
                }
            }
            Self::REFERENCE_KIND => Ok(Self::Reference(r.u16()?)),
            kind => Err(UnpackError::UnknownUnlockType { offset, kind }),
        }
    }
}

impl Packable for UnlockBlock {
    fn packed_len(&self) -> usize {
        match self {
            Self::Signature(_) => 1 + Ed25519Signature::LENGTH,
            Self::Reference(_) => 3,
        }
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.push(self.kind());
        match self {
            Self::Signature(signature) => {
                out.push(Ed25519Signature::KIND);
                out.extend_from_slice(&signature.public_key);
                out.extend_from_slice(&signature.signature);
            }
            Self::Reference(index) => out.extend_from_slice(&index.to_le_bytes()),
        }
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, Self::read)
    }
}

/// The unlock blocks of a transaction: signature unlocks unique, each reference pointing to an
/// earlier signature unlock. Packed as a `u16` count and the blocks. Their number must equal the
/// number of inputs, which [`crate::TransactionPayload::new`] checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnlockBlocks(Vec<UnlockBlock>);

impl UnlockBlocks {
    /// Checks the rules on a list of unlock blocks.
    pub fn new(blocks: Vec<UnlockBlock>) -> Result<Self, RuleError> {
        for index in 0..blocks.len() {
            check_block(&blocks, index)?;
        }
        Ok(Self(blocks))
    }

    /// The blocks.
    pub fn as_slice(&self) -> &[UnlockBlock] {
        &self.0
    }

    /// Number of blocks.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no blocks.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The signature that unlocks input `index`, following a reference if needed.
    pub fn signature_for(&self, index: usize) -> Option<(usize, &Ed25519Signature)> {
        match self.0.get(index)? {
            UnlockBlock::Signature(signature) => Some((index, signature)),
            UnlockBlock::Reference(reference) => match self.0.get(*reference as usize)? {
                UnlockBlock::Signature(signature) => Some((*reference as usize, signature)),
                UnlockBlock::Reference(_) => None,
            },
        }
    }

    /// Reads `count` blocks (the caller checked it against the inputs).
    pub(crate) fn read(r: &mut Reader<'_>, count: usize) -> Result<Self, UnpackError> {
        r.ensure(count * 3)?;
        let mut blocks = Vec::with_capacity(count);
        for index in 0..count {
            let offset = r.offset();
            blocks.push(UnlockBlock::read(r)?);
            check_block(&blocks, index).map_err(|rule| Reader::rule_at(offset, rule))?;
        }
        Ok(Self(blocks))
    }

    pub(crate) fn pack_blocks(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.0.len() as u16).to_le_bytes());
        for block in &self.0 {
            block.pack_into(out);
        }
    }

    pub(crate) fn blocks_len(&self) -> usize {
        2 + self.0.iter().map(Packable::packed_len).sum::<usize>()
    }
}

/// Checks block `index` against the blocks before it.
fn check_block(blocks: &[UnlockBlock], index: usize) -> Result<(), RuleError> {
    let (earlier, rest) = blocks.split_at(index);
    match rest.first() {
        Some(UnlockBlock::Signature(signature)) => {
            let duplicate = earlier
                .iter()
                .position(|block| matches!(block, UnlockBlock::Signature(s) if s == signature));
            match duplicate {
                Some(first) => Err(RuleError::DuplicateSignatureUnlock { index, first }),
                None => Ok(()),
            }
        }
        Some(UnlockBlock::Reference(reference)) => match earlier.get(*reference as usize) {
            Some(UnlockBlock::Signature(_)) => Ok(()),
            _ => Err(RuleError::InvalidReferenceUnlock {
                index,
                reference: *reference,
            }),
        },
        None => Ok(()),
    }
}
