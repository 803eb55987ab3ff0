//! [`MilestonePayload`] (type 1) and its [`MilestoneEssence`] (TIP-8).

use alloc::boxed::Box;
use alloc::vec::Vec;

use tangle_crypto::hash::blake2b_256;

use crate::error::{PayloadContext, RuleError, UnpackError};
use crate::ids::MilestoneId;
use crate::packable::{Packable, optional_len, pack_optional};
use crate::parents::Parents;
use crate::payload::receipt::ReceiptPayload;
use crate::unpacker::{Reader, cmp32, unpack_all};

/// The signed part of a milestone.
///
/// Packed as `u32 index ‖ u64 timestamp ‖ parents ‖ 32 B inclusion Merkle root ‖ u32 next PoW score
/// ‖ u32 next PoW score milestone index ‖ u8 key count ‖ keys ‖ u32 payload length ‖ receipt`.
/// Rules checked when decoding (as iota.go v2 does): 1..=255 public keys, strictly ascending; a
/// non-zero next PoW score comes with a non-zero next PoW score milestone index; the only payload
/// allowed is a receipt. TIP-8 also asks that the index be above the milestone index and be zero
/// with a zero score; no deployed Chrysalis node checks that, so neither does this type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MilestoneEssence {
    index: u32,
    timestamp: u64,
    parents: Parents,
    merkle_root: [u8; 32],
    next_pow_score: u32,
    next_pow_score_milestone_index: u32,
    public_keys: Vec<[u8; 32]>,
    receipt: Option<ReceiptPayload>,
}

impl MilestoneEssence {
    /// A checked essence with no PoW score change (both next-PoW fields zero); `public_keys` must
    /// be strictly ascending (see [`crate::MilestoneBuilder`], which sorts them).
    pub fn new(
        index: u32,
        timestamp: u64,
        parents: Parents,
        merkle_root: [u8; 32],
        public_keys: Vec<[u8; 32]>,
        receipt: Option<ReceiptPayload>,
    ) -> Result<Self, RuleError> {
        check_key_count(public_keys.len())?;
        for (index, pair) in public_keys.windows(2).enumerate() {
            check_key_pair(&pair[0], &pair[1], index + 1)?;
        }
        Ok(Self {
            index,
            timestamp,
            parents,
            merkle_root,
            next_pow_score: 0,
            next_pow_score_milestone_index: 0,
            public_keys,
            receipt,
        })
    }

    /// Sets the next PoW score and the milestone index from which it applies: a non-zero score
    /// needs a non-zero index.
    pub fn with_next_pow_score(
        mut self,
        score: u32,
        milestone_index: u32,
    ) -> Result<Self, RuleError> {
        check_pow_score(score, milestone_index)?;
        self.next_pow_score = score;
        self.next_pow_score_milestone_index = milestone_index;
        Ok(self)
    }

    /// The milestone index.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Unix time in seconds at which the milestone was issued.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The parents; a message is a milestone only if its own parents lead these (see
    /// [`crate::Message::milestone`]).
    pub fn parents(&self) -> &Parents {
        &self.parents
    }

    /// The inclusion Merkle root (TIP-4).
    pub fn merkle_root(&self) -> &[u8; 32] {
        &self.merkle_root
    }

    /// The next PoW score (0: unchanged).
    pub fn next_pow_score(&self) -> u32 {
        self.next_pow_score
    }

    /// The first milestone index at which the next PoW score applies.
    pub fn next_pow_score_milestone_index(&self) -> u32 {
        self.next_pow_score_milestone_index
    }

    /// The public keys, strictly ascending.
    pub fn public_keys(&self) -> &[[u8; 32]] {
        &self.public_keys
    }

    /// The receipt, if any.
    pub fn receipt(&self) -> Option<&ReceiptPayload> {
        self.receipt.as_ref()
    }

    /// The message the signatures sign: BLAKE2b-256 of the packed essence.
    pub fn signing_hash(&self) -> [u8; 32] {
        blake2b_256(&self.pack())
    }

    /// An essence with no content, to be filled in place by [`MilestoneEssence::read_into`].
    fn placeholder() -> Self {
        Self {
            index: 0,
            timestamp: 0,
            parents: Parents::PLACEHOLDER,
            merkle_root: [0; 32],
            next_pow_score: 0,
            next_pow_score_milestone_index: 0,
            public_keys: Vec::new(),
            receipt: None,
        }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let mut essence = Self::placeholder();
        essence.read_into(r)?;
        Ok(essence)
    }

    /// Reads an essence into `self`, field by field (decoding in place avoids moving this large
    /// value around).
    fn read_into(&mut self, r: &mut Reader<'_>) -> Result<(), UnpackError> {
        let offset = r.offset();
        self.index = r.u32()?;
        self.timestamp = r.u64()?;
        self.parents.read_into(r)?;
        self.merkle_root = r.array()?;
        self.next_pow_score = r.u32()?;
        self.next_pow_score_milestone_index = r.u32()?;
        check_pow_score(self.next_pow_score, self.next_pow_score_milestone_index)
            .map_err(|rule| Reader::rule_at(offset, rule))?;

        let offset = r.offset();
        let count = r.u8()? as usize;
        check_key_count(count).map_err(|rule| Reader::rule_at(offset, rule))?;
        r.ensure(count * 32)?;
        self.public_keys = Vec::with_capacity(count);
        for index in 0..count {
            let offset = r.offset();
            let key: [u8; 32] = r.array()?;
            if let Some(previous) = self.public_keys.last() {
                check_key_order(cmp32(previous, &key), index)
                    .map_err(|rule| Reader::rule_at(offset, rule))?;
            }
            self.public_keys.push(key);
        }

        self.receipt = match r.payload()? {
            None => None,
            Some(mut sub) => {
                let offset = sub.offset();
                let kind = sub.u32()?;
                if kind != ReceiptPayload::KIND {
                    return Err(super::disallowed(
                        offset,
                        kind,
                        PayloadContext::MilestoneEssence,
                    ));
                }
                let receipt = ReceiptPayload::read_body(&mut sub)?;
                sub.finish()?;
                Some(receipt)
            }
        };
        Ok(())
    }
}

fn check_key_count(count: usize) -> Result<(), RuleError> {
    if (1..=255).contains(&count) {
        Ok(())
    } else {
        Err(RuleError::MilestoneKeyCount { count })
    }
}

fn check_key_pair(previous: &[u8; 32], next: &[u8; 32], index: usize) -> Result<(), RuleError> {
    check_key_order(cmp32(previous, next), index)
}

fn check_key_order(order: core::cmp::Ordering, index: usize) -> Result<(), RuleError> {
    match order {
        core::cmp::Ordering::Less => Ok(()),
        core::cmp::Ordering::Equal => Err(RuleError::DuplicateMilestoneKey { index }),
        core::cmp::Ordering::Greater => Err(RuleError::MilestoneKeysNotSorted { index }),
    }
}

fn check_pow_score(score: u32, score_index: u32) -> Result<(), RuleError> {
    if score != 0 && score_index == 0 {
        Err(RuleError::MilestonePowScore { score })
    } else {
        Ok(())
    }
}

impl Packable for MilestoneEssence {
    fn packed_len(&self) -> usize {
        4 + 8
            + self.parents.packed_len()
            + 32
            + 4
            + 4
            + 1
            + 32 * self.public_keys.len()
            + optional_len(self.receipt.as_ref())
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.index.to_le_bytes());
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        self.parents.pack_into(out);
        out.extend_from_slice(&self.merkle_root);
        out.extend_from_slice(&self.next_pow_score.to_le_bytes());
        out.extend_from_slice(&self.next_pow_score_milestone_index.to_le_bytes());
        out.push(self.public_keys.len() as u8);
        for key in &self.public_keys {
            out.extend_from_slice(key);
        }
        pack_optional(self.receipt.as_ref(), out);
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, Self::read)
    }
}

/// A milestone (payload type 1): an essence and one signature per public key, in key order.
///
/// Packed as `u32 1 ‖ essence ‖ u8 signature count ‖ 64 B signatures`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MilestonePayload {
    essence: MilestoneEssence,
    signatures: Vec<[u8; 64]>,
}

impl MilestonePayload {
    /// Payload type.
    pub const KIND: u32 = 1;

    /// A milestone; there must be one signature per public key. Signatures are not verified here
    /// (see [`MilestonePayload::verify`]).
    pub fn new(essence: MilestoneEssence, signatures: Vec<[u8; 64]>) -> Result<Self, RuleError> {
        if signatures.len() != essence.public_keys.len() {
            return Err(RuleError::MilestoneSignatureCount {
                keys: essence.public_keys.len(),
                signatures: signatures.len(),
            });
        }
        Ok(Self {
            essence,
            signatures,
        })
    }

    /// The essence.
    pub fn essence(&self) -> &MilestoneEssence {
        &self.essence
    }

    /// The signatures, in the order of the public keys.
    pub fn signatures(&self) -> &[[u8; 64]] {
        &self.signatures
    }

    /// The milestone id: BLAKE2b-256 of the packed payload, type included.
    pub fn id(&self) -> MilestoneId {
        MilestoneId::new(blake2b_256(&self.pack()))
    }

    /// Reads the body, after the type, straight into a box (decoding in place avoids moving this
    /// large value around).
    pub(crate) fn read_boxed(r: &mut Reader<'_>) -> Result<Box<Self>, UnpackError> {
        let mut payload = Box::new(Self {
            essence: MilestoneEssence::placeholder(),
            signatures: Vec::new(),
        });
        payload.essence.read_into(r)?;
        let keys = payload.essence.public_keys.len();
        let offset = r.offset();
        let count = r.u8()? as usize;
        if count != keys {
            let rule = RuleError::MilestoneSignatureCount {
                keys,
                signatures: count,
            };
            return Err(Reader::rule_at(offset, rule));
        }
        r.ensure(count * 64)?;
        payload.signatures = Vec::with_capacity(count);
        for _ in 0..count {
            payload.signatures.push(r.array()?);
        }
        Ok(payload)
    }
}

impl Packable for MilestonePayload {
    fn packed_len(&self) -> usize {
        4 + self.essence.packed_len() + 1 + 64 * self.signatures.len()
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&Self::KIND.to_le_bytes());
        self.essence.pack_into(out);
        out.push(self.signatures.len() as u8);
        for signature in &self.signatures {
            out.extend_from_slice(signature);
        }
    }

    /// Decodes a payload including its `u32` type, which must be 1.
    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, |r| {
            super::expect_kind(r, Self::KIND)?;
            Self::read_boxed(r).map(|payload| *payload)
        })
    }
}
