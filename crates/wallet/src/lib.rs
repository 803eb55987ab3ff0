//! A wallet for the IOTA Chrysalis Tangle: from a BIP-39 mnemonic to a confirmed payment.
//!
//! ```
//! use rand_chacha::ChaCha8Rng;
//! use rand_chacha::rand_core::SeedableRng;
//! use tangle_consensus::pipeline::PipelineConfig;
//! use tangle_consensus::{Ledger, Node, NodeConfig};
//! use tangle_crypto::ed25519::SigningKey;
//! use tangle_graph::select::Urts;
//! use tangle_model::{OutputId, Output, TransactionId};
//! use tangle_wallet::{Account, Chain, Coordinator, DefaultInputSelection, Mnemonic, Network, Transfer, WordCount};
//!
//! let mut rng = ChaCha8Rng::seed_from_u64(7);
//! let network = Network::custom("private-tangle", "tst", 0.0)?;
//!
//! // Keys → addresses.
//! let mnemonic = Mnemonic::generate(&mut rng, WordCount::Words24);
//! let mut alice = Account::from_mnemonic(&mnemonic, "", &network, 0)?;
//! let alice_address = alice.next_address(Chain::Public)?;
//! let bob = Account::from_mnemonic(&Mnemonic::generate(&mut rng, WordCount::Words12), "", &network, 0)?;
//! let bob_address = bob.address(Chain::Public, 0)?;
//!
//! // A node whose genesis funds Alice, confirmed by an in-process coordinator.
//! let mut coordinator = Coordinator::new(vec![SigningKey::generate(&mut rng)], 1_700_000_000);
//! let genesis = OutputId::new(TransactionId::new([0; 32]), 0)?;
//! let ledger = Ledger::from_outputs(0, [(genesis, Output::single(alice_address.address, 10_000_000)?)])?;
//! let config = NodeConfig {
//!     pipeline: PipelineConfig { network_id: Some(network.network_id), min_pow_score: 0.0 },
//!     ..NodeConfig::default()
//! };
//! let mut node = Node::new(config, coordinator.rule(), ledger, ChaCha8Rng::seed_from_u64(1))?;
//!
//! // Balance → transfer → milestone → confirmed.
//! alice.discover(&node, 20)?;
//! assert_eq!(alice.balance(&node).total, 10_000_000);
//! let transfer = Transfer::new().pay(bob_address.address, 3_000_000);
//! let (prepared, sent) = alice.send(&mut node, &network, &transfer, &mut DefaultInputSelection::default(), &mut Urts::new(), &mut rng)?;
//! coordinator.issue(&mut node, &network)?;
//! assert!(node.metadata(&sent.message_id).is_some_and(|m| m.is_included()));
//! assert_eq!(node.balance(&bob_address.address), 3_000_000);
//! assert_eq!(alice.balance(&node).total, 7_000_000);
//! assert!(prepared.remainder.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Modules
//! - [`mnemonic`]: BIP-39 (English) generation from the caller's RNG, validation with typed
//!   errors (word count, unknown word, checksum), passphrase → 64-byte [`Seed`].
//! - [`slip10`]: SLIP-10 Ed25519 derivation (hardened only) on HMAC-SHA512, paths
//!   m/44'/coin'/account'/change'/index' with a configurable coin type (IOTA: 4218).
//! - [`account`]: public and internal chains, Bech32 per network HRP, gap-limit discovery
//!   against any [`LedgerView`](tangle_consensus::LedgerView), balances per address and total.
//! - [`selection`]: the [`InputSelection`] trait and [`DustAwareSelection`], the default: no dust
//!   remainder, dust allowances respected (TIP-15), at most 127 inputs.
//! - [`transfer`]: [`Transfer`] → signed transaction (reference unlocks for repeated addresses) →
//!   message with parents from any `TipSelector` and PoW to the network's minimum score →
//!   [`Node::submit`](tangle_consensus::Node::submit); consolidation of an address's outputs.
//! - [`coordinator`]: an in-process milestone issuer for private networks, tests and demos.
//! - [`stream`]: authenticated data streams: signed, hash-chained, optionally encrypted
//!   packets found by indexation; one Ed25519 signature per packet, or one per batch of up to
//!   256 packets (Merkle root, inclusion proof in each packet).
//!
//! Secrets (mnemonics, seeds, extended keys, signing keys) are zeroized on drop and their
//! `Debug` output shows no secret.
//!
//! # Micropayments within the dust rules (TIP-15)
//! An output below 1 Mi is *dust*: an address may hold at most `min(⌊S / 100_000⌋, 100)` dust
//! outputs, `S` being the sum of its dust-allowance outputs. The pattern:
//! 1. The receiver funds a dust allowance on its receiving address once:
//!    `Transfer::new().dust_allowance(address, 1_000_000)` (1 Mi allows 10 dust outputs,
//!    10 Mi allow 100).
//! 2. Payers send small amounts with `Transfer::new().pay(address, 10_000)`; the default
//!    selection refuses with [`DustViolation::AllowanceExceeded`] once the receiver is full,
//!    instead of letting the ledger reject the transaction later.
//! 3. The receiver consolidates periodically with [`Account::consolidate`], merging its dust
//!    outputs into one output and freeing room for new payments.
//!
//! See `tests/micropayments.rs` for this pattern end to end.
//!
//! # Limits
//! - Discovery sees unspent outputs only: an address that received and spent everything looks
//!   unused to a restored wallet (the ledger view keeps no history).
//! - Consolidation is explicit ([`Account::consolidate`]); a transfer needing more than 127
//!   inputs fails with [`SelectionError::TooManyInputs`] instead of consolidating first.
//! - Account state (counters, reserved outputs) lives in memory only; a transfer that
//!   conflicts keeps its inputs reserved until [`Account::release`] is called.
//! - English word list only.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod account;
pub mod coordinator;
pub mod mnemonic;
pub mod network;
pub mod selection;
pub mod slip10;
pub mod stream;
pub mod transfer;

pub use account::{
    Account, AddressBalance, AddressInfo, Balance, Chain, DEFAULT_GAP_LIMIT, Discovery,
};
pub use coordinator::{Coordinator, CoordinatorError};
pub use mnemonic::{Mnemonic, MnemonicError, Seed, WordCount};
pub use network::Network;
pub use selection::{
    Candidate, DefaultInputSelection, DustAwareSelection, DustViolation, InputSelection, Selection,
    SelectionError, SelectionRequest, check_dust,
};
pub use slip10::{DerivationPath, ExtendedKey, Slip10Error};
pub use transfer::{PreparedTransfer, Sent, Transfer, TransferError, attach};
