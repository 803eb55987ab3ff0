//! Consensus for the Tangle: the UTXO ledger with the dust rules of TIP-15, the deterministic
//! white-flag application of a confirmed cone (TIP-2) and its inclusion Merkle root (TIP-4),
//! confirmation rules, and the in-process Tangle API ([`Node`]).
//!
//! # Modules
//! - [`ledger`]: outputs by id, unspent outputs by address, balances, dust counters, total supply,
//!   ledger index, semantic validation of a transaction returning its TIP-2 [`ConflictReason`],
//!   a [`LedgerDiff`] per confirmation step (apply and revert), genesis / snapshot initialisation.
//! - [`treasury`]: the treasury output and the receipt rules (TIP-17) a milestone's receipt
//!   must meet; [`Ledger::apply_receipt`] books the migrated outputs (id: milestone id ‖ index).
//! - [`white_flag`]: depth-first post-order walk of a confirmation point's past cone through the
//!   small [`ConeView`] trait, application in that order, conflicts with their reasons, the
//!   inclusion Merkle root and its check against a milestone ([`white_flag::confirm_milestone`]).
//! - [`pipeline`]: stateless stages with typed errors: syntax, network id, PoW score, solidity
//!   through `tangle-graph`, batch signature verification per transaction.
//! - [`confirmation`]: the [`ConfirmationRule`] trait (a solid message → a [`Checkpoint`], plus
//!   a `poll` hook over the graph for weight-based rules); [`MilestoneRule`] (coordinator keys
//!   applicable by milestone index range ([`KeyRange`]) and a threshold, signatures via
//!   `MilestonePayload::verify`, essence parents = message parents); [`NoConfirmation`]; one
//!   [`ConfirmationError`] variant per rule (signatures, parents, index, Merkle root).
//! - [`weight`]: coordinator-free confirmation, [`WeightRule`]: a message is confirmed when its
//!   cumulative weight reaches `W` (default 100) or its confirmation confidence reaches `θ`
//!   (default 0.95 over 200 URTS samples); defaults justified in the module docs; confirmed is
//!   final. Between transactions spending the same output the heavier (tie: smaller id) is
//!   preferred and the other is never applied (marked conflicting, reason 2, or 1 if the
//!   preferred one was applied earlier), whatever white flag's order or the arrival order.
//! - [`node`]: the synchronous [`Node`]: submit bytes → pipeline → solidity (out-of-order arrivals
//!   wait) → signatures queued and verified in batches across messages
//!   ([`NodeConfig::signature_batch`], before every confirmation step, or [`Node::flush`]; one bad
//!   signature fails only its transaction) → confirmation rule → checkpoints applied strictly
//!   in index order (later ones wait; stale and duplicate indexes refused) with white flag and the
//!   Merkle-root check (a mismatch reverts the step and halts confirmation for good, the evidence
//!   kept as a [`Divergence`], [`Node::halted`]); per-message [`MessageMetadata`] (solid, signatures,
//!   referenced by which index, ledger inclusion / conflict reason); [`Node::preferred`] and
//!   [`Node::conflict`] also for unconfirmed conflicts; balances and outputs of an address;
//!   conflict-aware tips from any
//!   `TipSelector` ([`Node::tips`] never returns a tip whose unconfirmed cone holds a
//!   non-preferred conflict, a bad signature or a ledger-inconsistent transaction); messages and
//!   per-step ledger diffs behind the [`MessageStore`] trait ([`MemoryStore`] keeps both, so the
//!   ledger can be reverted and replayed). The PoW score is not computed when the minimum is 0.
//!
//! # Guarantees and limits
//! - Under milestones, double spends across two milestones give the same ledger, metadata and
//!   Merkle roots in any arrival order (tested).
//! - Under the weight rule, random DAGs of double spends never apply two spends of one output and
//!   keep the supply; when at most one of two conflicting transactions reaches `W` (the rule's
//!   safety assumption), the unspent outputs, the confirmed set, the inclusion states and the
//!   Merkle root of the applied set are the same in any arrival order (proptest). How the
//!   confirmed set is cut into steps (so the ledger index, per-step Merkle roots and
//!   `booked_at`) does depend on arrival order, and confidence estimates depend on the sampling
//!   RNG.
//! - That order independence holds when each spent output was created in the spending
//!   message's past cone (genesis outputs included). A transaction spending an output created
//!   by a message *outside* its past cone is included if that message was confirmed in an
//!   earlier step and conflicting (input not found) if it was not, which arrival order can
//!   decide under the weight rule. Milestones fix the steps for every node, so this does not
//!   arise there.
//! - Preference is pairwise: a transaction loses if any rival spending one of its inputs is
//!   heavier; there is no branch-wide "like" switch, and a transaction whose preferred rival
//!   fails for another reason stays unapplied.
//! - Messages are kept in memory ([`MemoryStore`]); stored messages that the orphan pool
//!   evicted are not pruned.
//!
//! The `node_sequence` fuzz target checks the ledger invariants after every step, for a
//! milestone node and a weight node; `benches/consensus.rs` measures the node (figures in
//! `docs/BENCHMARKS.md`).
//!
//! # Example
//! ```
//! use tangle_consensus::{Ledger, ConflictReason};
//! use tangle_crypto::address::Ed25519Address;
//! use tangle_crypto::ed25519::SigningKey;
//! use tangle_model::{Address, MessageId, Output, OutputId, TransactionBuilder, TransactionId};
//!
//! let alice = SigningKey::from_bytes(&[1; 32]);
//! let alice_address = Address::Ed25519(Ed25519Address::from_public_key(&alice.public_key()));
//! let bob = Address::Ed25519(Ed25519Address::new([2; 32]));
//! let genesis = OutputId::new(TransactionId::new([0; 32]), 0)?;
//! let mut ledger = Ledger::from_outputs(0, [(genesis, Output::single(alice_address, 10_000_000)?)])?;
//!
//! let transaction = TransactionBuilder::new()
//!     .input(genesis, &alice)
//!     .output(Output::single(bob, 10_000_000)?)
//!     .finish()?;
//! let mut diff = ledger.begin_step();
//! assert_eq!(ledger.apply_transaction(&mut diff, MessageId::new([7; 32]), &transaction), Ok(()));
//! assert_eq!(
//!     ledger.apply_transaction(&mut diff, MessageId::new([8; 32]), &transaction),
//!     Err(ConflictReason::InputSpentInThisMilestone)
//! );
//! ledger.seal(&diff)?;
//! assert_eq!(ledger.balance(&bob), 10_000_000);
//! assert_eq!(ledger.index(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod confirmation;
pub mod conflict;
pub mod ledger;
pub mod node;
pub mod pipeline;
pub mod store;
pub mod treasury;
pub mod view;
pub mod weight;
pub mod white_flag;

pub use confirmation::{
    Checkpoint, ConfirmationError, ConfirmationRule, Divergence, KeyRange, MilestoneRule,
    NoConfirmation,
};
pub use conflict::ConflictReason;
pub use ledger::{AddressStats, Ledger, LedgerDiff, LedgerError, OutputEntry, SpentEntry};
pub use node::{
    Confirmation, ConfirmationRecord, LedgerInclusion, MemoryStore, MessageMetadata, MessageStore,
    Node, NodeConfig, NodeError, StoredMessage, Submission, SubmitStatus,
};
pub use treasury::{ReceiptError, TreasuryMutation, TreasuryOutput};
pub use view::LedgerView;
pub use weight::{WeightRule, WeightRuleError};
pub use white_flag::{ConeView, WhiteFlagError, WhiteFlagOutcome};
