//! Consensus for the Tangle: the UTXO ledger with the dust rules of TIP-15, the deterministic
//! white-flag application of a confirmed cone (TIP-2) and its inclusion Merkle root (TIP-4).
//!
//! # Status
//! Done:
//! - [`ledger`]: outputs by id, unspent outputs by address, balances, dust counters, total supply,
//!   ledger index, semantic validation of a transaction returning its TIP-2 [`ConflictReason`],
//!   a [`LedgerDiff`] per confirmation step (apply and revert), genesis / snapshot initialisation.
//! - [`white_flag`]: depth-first post-order walk of a confirmation point's past cone through the
//!   small [`ConeView`] trait, application in that order, conflicts with their reasons, the
//!   inclusion Merkle root and its check against a milestone ([`white_flag::confirm_milestone`]).
//! - [`pipeline`] (skeleton): stateless stages with typed errors: syntax, network id, PoW score,
//!   solidity through `tangle-graph`, batch signature verification per transaction.
//!
//! Not done yet (issue 4):
//! - the stateful pipeline driver tying graph, signatures, metadata and white flag together;
//! - confirmation rules (milestone signatures/threshold/index continuity, coordinator-free
//!   confirmation by weight or confidence) behind one trait;
//! - the in-process Tangle API, the `tangle replay` CLI, the fuzz target, benchmarks.
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

pub mod conflict;
pub mod ledger;
pub mod pipeline;
pub mod white_flag;

pub use conflict::ConflictReason;
pub use ledger::{AddressStats, Ledger, LedgerDiff, LedgerError, OutputEntry, SpentEntry};
pub use white_flag::{ConeView, WhiteFlagError, WhiteFlagOutcome};
