//! Transfers: outputs to create → input selection → signed transaction → message with parents
//! from any tip selector and proof of work → submission to the in-process [`Node`].

use rand_core::{CryptoRngCore, RngCore};
use tangle_consensus::pipeline::PipelineError;
use tangle_consensus::{ConfirmationRule, LedgerView, MessageStore, Node, SubmitStatus};
use tangle_graph::Tangle;
use tangle_graph::select::{SelectError, TipRequest, TipSelector};
use tangle_model::{
    Address, BuildError, IndexationPayload, MessageBuilder, MessageId, OUTPUT_COUNT_MAX, Output,
    OutputId, Packable, Payload, RuleError, TransactionBuilder, TransactionId, TransactionPayload,
};

use crate::account::{Account, AddressInfo, Chain};
use crate::network::Network;
use crate::selection::{Candidate, InputSelection, SelectionError, SelectionRequest};
use crate::slip10::Slip10Error;

/// Why a transfer could not be prepared, attached or submitted. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// No input selection could fund it: insufficient funds, a dust rule, too many inputs.
    #[error(transparent)]
    Selection(#[from] SelectionError),
    /// The transfer has no outputs.
    #[error("output count rule: a transfer needs at least one output")]
    NoOutputs,
    /// The transfer has more outputs than a transaction holds (one is kept for a remainder).
    #[error("output count rule: {count} outputs, at most {max} fit beside a remainder")]
    TooManyOutputs {
        /// Outputs requested.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// An output amount is out of range (single: 1..=supply; allowance: 1 Mi..=supply).
    #[error("output rule: {0}")]
    Output(RuleError),
    /// Nothing to consolidate: the address holds fewer than two spendable outputs.
    #[error("consolidation rule: the address holds {0} spendable outputs, at least 2 are needed")]
    NothingToConsolidate(usize),
    /// Key derivation failed.
    #[error("key derivation: {0}")]
    Derivation(#[from] Slip10Error),
    /// The transaction or message would break a syntactic rule, or mining failed.
    #[error("build: {0}")]
    Build(#[from] BuildError),
    /// The tip selector found no parents.
    #[error("tip selection: {0}")]
    Tips(#[from] SelectError),
    /// The node rejected the message.
    #[error("node rejected the message: {0}")]
    Rejected(#[from] PipelineError),
}

/// The outputs a transfer creates, and an optional indexation payload (TIP-7 allows one inside
/// the essence). Amounts are checked when the transfer is prepared.
///
/// ```
/// use tangle_model::{Address, Ed25519Address};
/// use tangle_wallet::Transfer;
///
/// let shop = Address::Ed25519(Ed25519Address::new([7; 32]));
/// let transfer = Transfer::new().pay(shop, 1_500_000).dust_allowance(shop, 1_000_000);
/// assert_eq!(transfer.amount(), 2_500_000);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transfer {
    outputs: Vec<(bool, Address, u64)>,
    indexation: Option<IndexationPayload>,
}

impl Transfer {
    /// A transfer creating nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Pays `amount` to `address` (a signature-locked single output; below 1 Mi it is a dust
    /// output, which the recipient's dust allowance must cover).
    #[must_use]
    pub fn pay(mut self, address: Address, amount: u64) -> Self {
        self.outputs.push((false, address, amount));
        self
    }

    /// Creates a dust-allowance output of `amount` (at least 1 Mi) on `address`, which lets it
    /// hold `amount / 100_000` dust outputs (at most 100).
    #[must_use]
    pub fn dust_allowance(mut self, address: Address, amount: u64) -> Self {
        self.outputs.push((true, address, amount));
        self
    }

    /// Attaches an indexation payload to the transaction essence.
    #[must_use]
    pub fn indexation(mut self, payload: IndexationPayload) -> Self {
        self.indexation = Some(payload);
        self
    }

    /// The sum of the outputs (saturating).
    pub fn amount(&self) -> u64 {
        self.outputs
            .iter()
            .fold(0u64, |sum, (_, _, amount)| sum.saturating_add(*amount))
    }

    fn build_outputs(&self) -> Result<Vec<Output>, TransferError> {
        if self.outputs.is_empty() {
            return Err(TransferError::NoOutputs);
        }
        if self.outputs.len() >= OUTPUT_COUNT_MAX {
            return Err(TransferError::TooManyOutputs {
                count: self.outputs.len(),
                max: OUTPUT_COUNT_MAX - 1,
            });
        }
        self.outputs
            .iter()
            .map(|(allowance, address, amount)| {
                if *allowance {
                    Output::dust_allowance(*address, *amount)
                } else {
                    Output::single(*address, *amount)
                }
                .map_err(TransferError::Output)
            })
            .collect()
    }
}

/// A signed transaction ready to attach, and what it spends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedTransfer {
    /// The signed transaction.
    pub transaction: TransactionPayload,
    /// The outputs it spends (reserved in the account until released or confirmed).
    pub inputs: Vec<OutputId>,
    /// The remainder output's address and amount, if any.
    pub remainder: Option<(AddressInfo, u64)>,
}

impl PreparedTransfer {
    /// The transaction id.
    pub fn transaction_id(&self) -> TransactionId {
        self.transaction.id()
    }
}

/// A message the node accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The message id.
    pub message_id: MessageId,
    /// Solid, or waiting for parents.
    pub status: SubmitStatus,
}

impl Account {
    /// The unspent outputs of the known addresses in `view`, minus reserved ones.
    pub fn candidates<V: LedgerView + ?Sized>(&self, view: &V) -> Vec<Candidate> {
        let mut candidates = Vec::new();
        for owner in self.known_addresses() {
            for (output_id, entry) in view.unspent_outputs(&owner.address) {
                if !self.reserved().contains(&output_id) {
                    candidates.push(Candidate {
                        output_id,
                        output: entry.output,
                        owner,
                    });
                }
            }
        }
        candidates
    }

    /// Selects inputs for `transfer` among the known addresses' unspent outputs in `view`,
    /// sends any remainder to a fresh internal address, and signs (one signature per address,
    /// reference unlocks for its other inputs). The inputs are reserved so that the next
    /// transfer does not spend them again; call [`Account::release`] if this one is dropped.
    ///
    /// Call [`Account::discover`] first so that the account knows its funded addresses.
    pub fn prepare<V, S>(
        &mut self,
        view: &V,
        transfer: &Transfer,
        selection: &mut S,
        rng: &mut dyn RngCore,
    ) -> Result<PreparedTransfer, TransferError>
    where
        V: LedgerView,
        S: InputSelection + ?Sized,
    {
        let outputs = transfer.build_outputs()?;
        let candidates = self.candidates(view);
        let remainder_info = self.fresh_address(Chain::Internal)?;
        let request = SelectionRequest {
            candidates: &candidates,
            outputs: &outputs,
            remainder_address: remainder_info.address,
            view,
        };
        let chosen = selection.select(&request, rng)?;
        let mut all_outputs = outputs;
        all_outputs.extend(chosen.remainder);
        let transaction = self.sign(&chosen.inputs, all_outputs, transfer.indexation.clone())?;
        let inputs: Vec<OutputId> = chosen.inputs.iter().map(|c| c.output_id).collect();
        self.reserve(inputs.iter().copied());
        let remainder = match chosen.remainder {
            Some(output) => {
                self.record(remainder_info);
                Some((remainder_info, output.amount()))
            }
            None => None,
        };
        Ok(PreparedTransfer {
            transaction,
            inputs,
            remainder,
        })
    }

    /// Merges the spendable plain outputs of one address (dust first, at most 127) into a
    /// single output on the same address, so that it has room for new dust and fewer inputs
    /// to sign later. Its dust-allowance outputs stay untouched.
    pub fn consolidate<V: LedgerView>(
        &mut self,
        view: &V,
        owner: AddressInfo,
    ) -> Result<PreparedTransfer, TransferError> {
        let mut inputs: Vec<Candidate> = self
            .candidates(view)
            .into_iter()
            .filter(|c| {
                c.owner.address == owner.address
                    && matches!(c.output, Output::SignatureLockedSingle { .. })
            })
            .collect();
        inputs.sort_by_key(|c| c.output.amount());
        inputs.truncate(tangle_model::INPUT_COUNT_MAX);
        if inputs.len() < 2 {
            return Err(TransferError::NothingToConsolidate(inputs.len()));
        }
        let sum = inputs
            .iter()
            .fold(0u64, |sum, c| sum.saturating_add(c.output.amount()));
        let output = Output::single(owner.address, sum).map_err(TransferError::Output)?;
        crate::selection::check_dust(view, inputs.iter().map(|c| &c.output), &[output])
            .map_err(|e| TransferError::Selection(e.into()))?;
        let transaction = self.sign(&inputs, vec![output], None)?;
        let ids: Vec<OutputId> = inputs.iter().map(|c| c.output_id).collect();
        self.reserve(ids.iter().copied());
        Ok(PreparedTransfer {
            transaction,
            inputs: ids,
            remainder: None,
        })
    }

    /// Prepares `transfer`, attaches it with parents from `tips` and PoW for `network`, and
    /// submits it to `node`. On failure the reserved inputs are released.
    pub fn send<C, G, St, T, S>(
        &mut self,
        node: &mut Node<C, G, St>,
        network: &Network,
        transfer: &Transfer,
        selection: &mut S,
        tips: &mut T,
        rng: &mut dyn RngCore,
    ) -> Result<(PreparedTransfer, Sent), TransferError>
    where
        C: ConfirmationRule,
        G: CryptoRngCore,
        St: MessageStore,
        T: TipSelector<Tangle<MessageId>> + ?Sized,
        S: InputSelection + ?Sized,
    {
        let prepared = self.prepare(node, transfer, selection, rng)?;
        match attach(node, network, prepared.transaction.clone(), tips, rng) {
            Ok(sent) => Ok((prepared, sent)),
            Err(error) => {
                self.release(&prepared.inputs);
                Err(error)
            }
        }
    }

    fn sign(
        &mut self,
        inputs: &[Candidate],
        outputs: Vec<Output>,
        indexation: Option<IndexationPayload>,
    ) -> Result<TransactionPayload, TransferError> {
        // One key per distinct address (kept by the account); the builder signs once per key
        // and emits reference unlocks for the other inputs of the same address.
        for candidate in inputs {
            self.cached_key(candidate.owner.chain, candidate.owner.index)?;
        }
        let mut builder = TransactionBuilder::new();
        for candidate in inputs {
            let key = self
                .kept_key(candidate.owner.chain, candidate.owner.index)
                .ok_or(Slip10Error::IndexOutOfRange(candidate.owner.index))?;
            builder = builder.input(candidate.output_id, key);
        }
        builder = builder.outputs(outputs);
        if let Some(payload) = indexation {
            builder = builder.indexation(payload);
        }
        Ok(builder.finish()?)
    }
}

/// Wraps `payload` in a message on `network` whose parents `tips` picks from `node`'s Tangle
/// (two, the usual request), mines its nonce to the network's minimum score (no mining when it
/// is 0), and submits it.
pub fn attach<C, G, St, T>(
    node: &mut Node<C, G, St>,
    network: &Network,
    payload: impl Into<Payload>,
    tips: &mut T,
    rng: &mut dyn RngCore,
) -> Result<Sent, TransferError>
where
    C: ConfirmationRule,
    G: CryptoRngCore,
    St: MessageStore,
    T: TipSelector<Tangle<MessageId>> + ?Sized,
{
    let parents = node.tips(tips, TipRequest::PAIR, rng)?;
    let mut builder = MessageBuilder::new()
        .network_id(network.network_id)
        .parents(parents)
        .payload(payload);
    if network.min_pow_score > 0.0 {
        builder = builder.mine(network.min_pow_score, network.pow_threads);
    }
    let message = builder.finish()?;
    let submission = node.submit(&message.pack())?;
    Ok(Sent {
        message_id: submission.id,
        status: submission.status,
    })
}
