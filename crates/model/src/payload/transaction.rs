//! [`TransactionPayload`] (type 0) and its [`TransactionEssence`] (TIP-7).

use alloc::vec::Vec;

use tangle_crypto::hash::blake2b_256;

use crate::error::{PayloadContext, RuleError, UnpackError};
use crate::ids::{OutputId, TransactionId};
use crate::input::Input;
use crate::output::Output;
use crate::packable::{Packable, optional_len, pack_optional};
use crate::payload::indexation::IndexationPayload;
use crate::unlock::UnlockBlocks;
use crate::unpacker::{Reader, unpack_all};
use crate::{INPUT_COUNT_MAX, IOTA_SUPPLY, OUTPUT_COUNT_MAX};

/// The signed part of a transaction (regular essence, type 0): 1..=127 inputs and 1..=127 outputs,
/// each list sorted by serialized bytes, and an optional indexation payload.
///
/// Packed as `u8 0 ‖ u16 input count ‖ inputs ‖ u16 output count ‖ outputs ‖ u32 payload length ‖
/// payload`.
///
/// The essence carries its signing hash, computed once: from the exact bytes it was decoded
/// from, or from one packing when it is built. Every signature check and the ledger read it
/// instead of packing the essence again.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransactionEssence {
    inputs: Vec<Input>,
    outputs: Vec<Output>,
    payload: Option<IndexationPayload>,
    /// BLAKE2b-256 of the packed essence.
    hash: [u8; 32],
}

impl TransactionEssence {
    /// Essence type of the regular essence.
    pub const KIND: u8 = 0;

    /// A checked essence. Inputs and outputs must already be sorted by their serialized bytes
    /// (see [`crate::TransactionBuilder`], which sorts them).
    pub fn new(
        inputs: Vec<Input>,
        outputs: Vec<Output>,
        payload: Option<IndexationPayload>,
    ) -> Result<Self, RuleError> {
        check_input_count(inputs.len())?;
        check_output_count(outputs.len())?;
        let mut previous: Option<[u8; Input::UTXO_LENGTH]> = None;
        for (index, input) in inputs.iter().enumerate() {
            let bytes = input_bytes(input);
            if let Some(previous) = &previous {
                check_input_pair(previous, &bytes, index)?;
            }
            previous = Some(bytes);
        }
        let mut previous: Option<[u8; Output::LENGTH]> = None;
        let mut sum = 0u64;
        for (index, output) in outputs.iter().enumerate() {
            let bytes = output_bytes(output);
            check_output(
                output,
                index,
                &mut sum,
                previous.as_ref().map(|p| &p[..]),
                &bytes,
            )?;
            previous = Some(bytes);
        }
        let mut essence = Self {
            inputs,
            outputs,
            payload,
            hash: [0; 32],
        };
        essence.hash = blake2b_256(&essence.pack());
        Ok(essence)
    }

    /// The inputs, in order.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// The outputs, in order.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The indexation payload, if any.
    pub fn payload(&self) -> Option<&IndexationPayload> {
        self.payload.as_ref()
    }

    /// The message that signature unlocks sign: BLAKE2b-256 of the packed essence (carried,
    /// not recomputed).
    #[inline]
    pub fn signing_hash(&self) -> [u8; 32] {
        self.hash
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let start = r.position();
        let offset = r.offset();
        let kind = r.u8()?;
        if kind != Self::KIND {
            return Err(UnpackError::UnknownEssenceType { offset, kind });
        }

        let offset = r.offset();
        let count = r.u16()? as usize;
        check_input_count(count).map_err(|rule| Reader::rule_at(offset, rule))?;
        r.ensure(count * Input::UTXO_LENGTH)?;
        let mut inputs = Vec::with_capacity(count);
        let mut previous: &[u8] = &[];
        for index in 0..count {
            let (offset, start) = (r.offset(), r.position());
            inputs.push(Input::read(r)?);
            let bytes = r.since(start);
            if index > 0 {
                check_input_pair(previous, bytes, index)
                    .map_err(|rule| Reader::rule_at(offset, rule))?;
            }
            previous = bytes;
        }

        let offset = r.offset();
        let count = r.u16()? as usize;
        check_output_count(count).map_err(|rule| Reader::rule_at(offset, rule))?;
        r.ensure(count * Output::LENGTH)?;
        let mut outputs = Vec::with_capacity(count);
        let mut previous: &[u8] = &[];
        let mut sum = 0u64;
        for index in 0..count {
            let (offset, start) = (r.offset(), r.position());
            let output = Output::read_unchecked(r)?;
            let bytes = r.since(start);
            check_output(
                &output,
                index,
                &mut sum,
                (index > 0).then_some(previous),
                bytes,
            )
            .map_err(|rule| Reader::rule_at(offset, rule))?;
            outputs.push(output);
            previous = bytes;
        }

        let payload = match r.payload()? {
            None => None,
            Some(mut sub) => {
                let offset = sub.offset();
                let kind = sub.u32()?;
                if kind != IndexationPayload::KIND {
                    return Err(super::disallowed(
                        offset,
                        kind,
                        PayloadContext::TransactionEssence,
                    ));
                }
                let payload = IndexationPayload::read_body(&mut sub)?;
                sub.finish()?;
                Some(payload)
            }
        };
        Ok(Self {
            inputs,
            outputs,
            payload,
            hash: blake2b_256(r.since(start)),
        })
    }
}

fn check_input_count(count: usize) -> Result<(), RuleError> {
    if (1..=INPUT_COUNT_MAX).contains(&count) {
        Ok(())
    } else {
        Err(RuleError::InputCount { count })
    }
}

fn check_output_count(count: usize) -> Result<(), RuleError> {
    if (1..=OUTPUT_COUNT_MAX).contains(&count) {
        Ok(())
    } else {
        Err(RuleError::OutputCount { count })
    }
}

/// Checks output `index`: its amount, the running sum, and its order against the output before.
fn check_output(
    output: &Output,
    index: usize,
    sum: &mut u64,
    previous: Option<&[u8]>,
    bytes: &[u8],
) -> Result<(), RuleError> {
    output.check(index)?;
    *sum = add_amount(*sum, output.amount())?;
    match previous {
        Some(previous) => check_output_pair(previous, bytes, index),
        None => Ok(()),
    }
}

fn add_amount(sum: u64, amount: u64) -> Result<u64, RuleError> {
    match sum.checked_add(amount) {
        Some(sum) if sum <= IOTA_SUPPLY => Ok(sum),
        _ => Err(RuleError::OutputSumTooLarge),
    }
}

fn check_input_pair(previous: &[u8], next: &[u8], index: usize) -> Result<(), RuleError> {
    match previous.cmp(next) {
        core::cmp::Ordering::Less => Ok(()),
        core::cmp::Ordering::Equal => Err(RuleError::DuplicateInput { index }),
        core::cmp::Ordering::Greater => Err(RuleError::InputsNotSorted { index }),
    }
}

/// Outputs sorted by bytes put outputs of one type and address side by side, so comparing
/// neighbours finds a repeated address.
fn check_output_pair(previous: &[u8], next: &[u8], index: usize) -> Result<(), RuleError> {
    if next < previous {
        return Err(RuleError::OutputsNotSorted { index });
    }
    const TYPE_AND_ADDRESS: usize = 1 + crate::address::ADDRESS_LENGTH;
    if previous.get(..TYPE_AND_ADDRESS) == next.get(..TYPE_AND_ADDRESS) {
        return Err(RuleError::DuplicateOutputAddress { index });
    }
    Ok(())
}

pub(crate) fn input_bytes(input: &Input) -> [u8; Input::UTXO_LENGTH] {
    let mut out = [0u8; Input::UTXO_LENGTH];
    let Input::Utxo(id) = input;
    out[0] = Input::UTXO_KIND;
    out[1..33].copy_from_slice(id.transaction_id().as_bytes());
    out[33..].copy_from_slice(&id.index().to_le_bytes());
    out
}

pub(crate) fn output_bytes(output: &Output) -> [u8; Output::LENGTH] {
    let mut out = [0u8; Output::LENGTH];
    out[0] = output.kind();
    out[1..34].copy_from_slice(&output.address().to_bytes());
    out[34..].copy_from_slice(&output.amount().to_le_bytes());
    out
}

impl Packable for TransactionEssence {
    fn packed_len(&self) -> usize {
        1 + 2
            + self.inputs.len() * Input::UTXO_LENGTH
            + 2
            + self.outputs.len() * Output::LENGTH
            + optional_len(self.payload.as_ref())
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.push(Self::KIND);
        out.extend_from_slice(&(self.inputs.len() as u16).to_le_bytes());
        for input in &self.inputs {
            input.pack_into(out);
        }
        out.extend_from_slice(&(self.outputs.len() as u16).to_le_bytes());
        for output in &self.outputs {
            output.pack_into(out);
        }
        pack_optional(self.payload.as_ref(), out);
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, Self::read)
    }
}

/// A transaction (payload type 0): an essence and one unlock block per input.
///
/// Packed as `u32 0 ‖ essence ‖ u16 unlock count ‖ unlock blocks`.
///
/// The transaction carries its id, computed once like the essence's signing hash: from the
/// decoded bytes, or from one packing when it is built.
///
/// ```
/// use tangle_crypto::hash::blake2b_256;
/// use tangle_model::{Message, Packable, TransactionPayload};
/// # use tangle_crypto::{address::Ed25519Address, ed25519::SigningKey};
/// # use tangle_model::{Address, MessageBuilder, Output, OutputId, TransactionBuilder, TransactionId};
/// # let key = SigningKey::from_bytes(&[1; 32]);
/// # let to = Address::Ed25519(Ed25519Address::new([2; 32]));
/// # let input = OutputId::new(TransactionId::new([3; 32]), 0)?;
/// # let tx = TransactionBuilder::new().input(input, &key).output(Output::single(to, 1_000_000)?).finish()?;
/// # let bytes = MessageBuilder::new().network_id(1).parent(Default::default()).payload(tx).finish()?.pack();
/// let (message, _) = Message::unpack_with_id(&bytes)?;
/// let tx: &TransactionPayload = message.payload().and_then(|p| p.as_transaction()).unwrap();
/// // Carried from the decoded bytes; the same as hashing the re-packed payload.
/// assert_eq!(tx.id().as_bytes(), &blake2b_256(&tx.pack()));
/// assert_eq!(tx.essence().signing_hash(), blake2b_256(&tx.essence().pack()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransactionPayload {
    essence: TransactionEssence,
    unlock_blocks: UnlockBlocks,
    /// BLAKE2b-256 of the packed payload, type included.
    id: TransactionId,
}

impl TransactionPayload {
    /// Payload type.
    pub const KIND: u32 = 0;

    /// A transaction; there must be as many unlock blocks as inputs. Signatures are not verified
    /// here (see [`TransactionPayload::signature_report`]).
    pub fn new(
        essence: TransactionEssence,
        unlock_blocks: UnlockBlocks,
    ) -> Result<Self, RuleError> {
        if unlock_blocks.len() != essence.inputs.len() {
            return Err(RuleError::UnlockCount {
                unlocks: unlock_blocks.len(),
                inputs: essence.inputs.len(),
            });
        }
        let mut transaction = Self {
            essence,
            unlock_blocks,
            id: TransactionId::new([0; 32]),
        };
        transaction.id = TransactionId::new(blake2b_256(&transaction.pack()));
        Ok(transaction)
    }

    /// The essence.
    pub fn essence(&self) -> &TransactionEssence {
        &self.essence
    }

    /// The unlock blocks, one per input.
    pub fn unlock_blocks(&self) -> &UnlockBlocks {
        &self.unlock_blocks
    }

    /// The transaction id: BLAKE2b-256 of the packed payload, type included (carried, not
    /// recomputed).
    #[inline]
    pub fn id(&self) -> TransactionId {
        self.id
    }

    /// The id of output `index` of this transaction, if it has that many outputs.
    pub fn output_id(&self, index: u16) -> Option<OutputId> {
        if (index as usize) < self.essence.outputs.len() {
            OutputId::new(self.id(), index).ok()
        } else {
            None
        }
    }

    /// Reads the body, after the type; `start` is the reader's position of the type, where the
    /// bytes the id hashes begin.
    pub(crate) fn read_body(r: &mut Reader<'_>, start: usize) -> Result<Self, UnpackError> {
        let essence = TransactionEssence::read(r)?;
        let offset = r.offset();
        let count = r.u16()? as usize;
        if count != essence.inputs.len() {
            let rule = RuleError::UnlockCount {
                unlocks: count,
                inputs: essence.inputs.len(),
            };
            return Err(Reader::rule_at(offset, rule));
        }
        let unlock_blocks = UnlockBlocks::read(r, count)?;
        Ok(Self {
            essence,
            unlock_blocks,
            id: TransactionId::new(blake2b_256(r.since(start))),
        })
    }
}

impl Packable for TransactionPayload {
    fn packed_len(&self) -> usize {
        4 + self.essence.packed_len() + self.unlock_blocks.blocks_len()
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&Self::KIND.to_le_bytes());
        self.essence.pack_into(out);
        self.unlock_blocks.pack_blocks(out);
    }

    /// Decodes a payload including its `u32` type, which must be 0.
    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, |r| {
            let start = r.position();
            super::expect_kind(r, Self::KIND)?;
            Self::read_body(r, start)
        })
    }
}
