//! [`TransactionBuilder`]: sorted, signed transactions.

use alloc::vec::Vec;

use crate::builder::{BuildError, Signer};
use crate::ids::OutputId;
use crate::input::Input;
use crate::output::Output;
use crate::payload::indexation::IndexationPayload;
use crate::payload::transaction::{
    TransactionEssence, TransactionPayload, input_bytes, output_bytes,
};
use crate::unlock::{Ed25519Signature, UnlockBlock, UnlockBlocks};

/// Builds a signed transaction: sorts inputs and outputs by their serialized bytes, signs the
/// essence hash once per distinct public key and uses reference unlocks for inputs whose signer
/// repeats a key. It does not know the ledger: that each signer owns its input is for the caller
/// (and the ledger) to ensure.
///
/// ```
/// use tangle_crypto::address::Ed25519Address;
/// use tangle_crypto::ed25519::SigningKey;
/// use tangle_model::{Address, OutputId, Output, TransactionBuilder, TransactionId, UnlockBlock};
///
/// let key = SigningKey::from_bytes(&[1; 32]);
/// let to = Address::Ed25519(Ed25519Address::new([2; 32]));
/// let transaction = TransactionBuilder::new()
///     .input(OutputId::new(TransactionId::new([9; 32]), 1)?, &key)
///     .input(OutputId::new(TransactionId::new([9; 32]), 0)?, &key)
///     .output(Output::single(to, 2_000_000)?)
///     .finish()?;
/// assert_eq!(transaction.essence().inputs()[0].output_id().index(), 0);
/// assert_eq!(transaction.unlock_blocks().as_slice()[1], UnlockBlock::Reference(0));
/// assert!(transaction.signature_report()[0].valid);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TransactionBuilder<'a> {
    inputs: Vec<(Input, &'a dyn Signer)>,
    outputs: Vec<Output>,
    payload: Option<IndexationPayload>,
}

impl Default for TransactionBuilder<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> TransactionBuilder<'a> {
    /// An empty builder.
    pub fn new() -> Self {
        Self {
            inputs: Vec::new(),
            outputs: Vec::new(),
            payload: None,
        }
    }

    /// Spends `output_id`, unlocked by `signer`.
    #[must_use]
    pub fn input(mut self, output_id: OutputId, signer: &'a dyn Signer) -> Self {
        self.inputs.push((Input::Utxo(output_id), signer));
        self
    }

    /// Adds an output.
    #[must_use]
    pub fn output(mut self, output: Output) -> Self {
        self.outputs.push(output);
        self
    }

    /// Adds outputs.
    #[must_use]
    pub fn outputs(mut self, outputs: impl IntoIterator<Item = Output>) -> Self {
        self.outputs.extend(outputs);
        self
    }

    /// Attaches an indexation payload to the essence.
    #[must_use]
    pub fn indexation(mut self, payload: IndexationPayload) -> Self {
        self.payload = Some(payload);
        self
    }

    /// The signed transaction, or the rule it would break.
    pub fn finish(self) -> Result<TransactionPayload, BuildError> {
        let mut inputs = self.inputs;
        inputs.sort_by_key(|(input, _)| input_bytes(input));
        let mut outputs = self.outputs;
        outputs.sort_by_key(output_bytes);

        let signers: Vec<&dyn Signer> = inputs.iter().map(|(_, signer)| *signer).collect();
        let inputs: Vec<Input> = inputs.into_iter().map(|(input, _)| input).collect();
        let essence = TransactionEssence::new(inputs, outputs, self.payload)?;
        let hash = essence.signing_hash();

        let mut first_by_key: Vec<([u8; 32], u16)> = Vec::new();
        let mut blocks = Vec::with_capacity(signers.len());
        for (index, signer) in signers.iter().enumerate() {
            let key = signer.public_key().to_bytes();
            match first_by_key.iter().find(|(seen, _)| *seen == key) {
                Some((_, first)) => blocks.push(UnlockBlock::Reference(*first)),
                None => {
                    let signature = signer.sign(&hash)?;
                    first_by_key.push((key, index as u16));
                    blocks.push(UnlockBlock::Signature(Ed25519Signature::new(
                        key,
                        signature.to_bytes(),
                    )));
                }
            }
        }
        Ok(TransactionPayload::new(
            essence,
            UnlockBlocks::new(blocks)?,
        )?)
    }
}

impl core::fmt::Debug for TransactionBuilder<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TransactionBuilder")
            .field(
                "inputs",
                &self
                    .inputs
                    .iter()
                    .map(|(input, _)| input)
                    .collect::<Vec<_>>(),
            )
            .field("outputs", &self.outputs)
            .field("payload", &self.payload)
            .finish()
    }
}
