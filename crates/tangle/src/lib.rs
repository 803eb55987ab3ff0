//! tangle: a Rust implementation of the IOTA Tangle (Chrysalis), one dependency for every layer.
//!
//! # Quick start
//! A private Tangle in memory: a genesis that funds a wallet, a payment confirmed by a
//! milestone, and a signed, encrypted data packet that a subscriber verifies.
//!
//! ```
//! use tangle::prelude::*;
//!
//! // Seeded so the example is reproducible; real keys need `ChaCha20Rng::from_entropy()`.
//! let mut rng = ChaCha20Rng::seed_from_u64(1);
//! let network = Network::custom("my-tangle", "tst", 0.0)?;
//!
//! // A wallet from a fresh mnemonic, and a friend to pay.
//! let mut alice = Account::from_mnemonic(&Mnemonic::generate(&mut rng, WordCount::Words24), "", &network, 0)?;
//! let alice_address = alice.next_address(Chain::Public)?;
//! let bob = Address::Ed25519(Ed25519Address::new([0xb0; 32]));
//!
//! // A node whose genesis gives Alice 10 Mi, confirmed by an in-process coordinator.
//! let mut coordinator = Coordinator::new(vec![SigningKey::generate(&mut rng)], 1_700_000_000);
//! let genesis = OutputId::new(TransactionId::new([0; 32]), 0)?;
//! let ledger = Ledger::from_outputs(0, [(genesis, Output::single(alice_address.address, 10_000_000)?)])?;
//! let config = NodeConfig {
//!     pipeline: PipelineConfig { network_id: Some(network.network_id), min_pow_score: 0.0 },
//!     ..NodeConfig::default()
//! };
//! let mut node = Node::new(config, coordinator.rule(), ledger, ChaCha20Rng::seed_from_u64(2))?;
//!
//! // Pay Bob 3 Mi; a milestone confirms it.
//! alice.discover(&node, 20)?;
//! let (_, sent) = alice.send(
//!     &mut node, &network, &Transfer::new().pay(bob, 3_000_000),
//!     &mut DefaultInputSelection::default(), &mut Urts::new(), &mut rng,
//! )?;
//! let milestone = coordinator.issue(&mut node, &network)?;
//! assert!(node.metadata(&sent.message_id).is_some_and(|m| m.is_included()));
//! assert_eq!(milestone.checkpoint.index, 1);
//! assert_eq!(node.balance(&bob), 3_000_000);
//!
//! // A sensor publishes an encrypted reading; a subscriber with the channel key verifies it.
//! let key = ChannelKey::generate(&mut rng);
//! let mut sensor = Author::named(SigningKey::generate(&mut rng), b"thermometer").with_channel_key(key.clone());
//! let packet = sensor.publish(b"21.5 C", &mut rng)?;
//! attach(&mut node, &network, packet.to_indexation_payload()?, &mut Urts::new(), &mut rng)?;
//! let mut subscriber = Reader::new(sensor.public_key(), sensor.channel()).with_channel_key(key);
//! let reading = subscriber.fetch_next(&node)?.expect("published");
//! assert_eq!(reading.packet.plaintext(), Some(&b"21.5 C"[..]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layers
//! Each layer is a module, so an application needs this one dependency:
//! [`crypto`] (hashes, signatures, addresses, proof of work), [`model`] (Chrysalis messages and
//! their codec) and, with `std`, [`graph`] (the DAG and tip selection), [`consensus`] (the
//! ledger, white flag, confirmation rules and the in-process Tangle API), [`sim`] (the
//! discrete-event simulator of tip selection) and [`wallet`] (BIP-39/SLIP-10 keys, addresses,
//! balances, transfers, micropayments, and authenticated data streams in [`wallet::stream`]).
//! [`prelude`] gathers the types a first program needs. The smart-charging story that
//! `tangle demo` prints is an application of these layers and lives in the CLI crate.
//!
//! ```
//! use tangle::model::{Message, Packable};
//!
//! let bytes = tangle::crypto::hash::blake2b_256(b"not a message");
//! assert!(Message::unpack(&bytes).is_err());
//! ```
//!
//! # Features
//! - `std` (default): the standard library in every layer, and the graph, consensus,
//!   simulator and wallet layers and the prelude.
//! - `serde`: the JSON form of messages (the node REST API's shape).
//! - `plots`: SVG plots of the simulator's series ([`sim::output`]; implies `std`).
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// `doc(inline)`: each layer renders as a module of this crate, so `cargo doc -p tangle` shows
// every layer's items, not only a re-export line.
#[doc(inline)]
pub use tangle_crypto as crypto;
#[doc(inline)]
pub use tangle_model as model;

#[cfg(feature = "std")]
#[doc(inline)]
pub use tangle_graph as graph;

#[cfg(feature = "std")]
#[doc(inline)]
pub use tangle_consensus as consensus;

#[cfg(feature = "std")]
#[doc(inline)]
pub use tangle_sim as sim;

#[cfg(feature = "std")]
#[doc(inline)]
pub use tangle_wallet as wallet;

/// The RNG the examples use (`ChaCha20Rng::from_entropy()` seeds it from the OS), so that a
/// first program needs no other dependency.
#[cfg(feature = "std")]
pub use rand_chacha;

/// The types a first program needs: messages and addresses, a node with a ledger and milestone
/// confirmation, tip selectors (and what a selector author implements against), a wallet, data
/// streams, and a seedable RNG.
#[cfg(feature = "std")]
pub mod prelude {
    pub use rand_chacha::ChaCha20Rng;
    pub use rand_chacha::rand_core::SeedableRng;
    pub use tangle_consensus::pipeline::PipelineConfig;
    pub use tangle_consensus::{
        Ledger, LedgerView, MessageMetadata, MilestoneRule, NoConfirmation, Node, NodeConfig,
    };
    pub use tangle_crypto::ed25519::{PublicKey, SigningKey};
    pub use tangle_graph::rand_core::RngCore;
    pub use tangle_graph::select::{
        Mcmc, SelectError, Selection, TipRequest, TipSelector, Urts, collect_draws,
    };
    pub use tangle_graph::{Handle, TangleView, VertexId};
    pub use tangle_model::{
        Address, Ed25519Address, IndexationPayload, Message, MessageBuilder, MessageId, Output,
        OutputId, Packable, Payload, TransactionId,
    };
    pub use tangle_wallet::stream::{
        Author, ChannelId, ChannelKey, Contents, Opened, Reader, StreamError,
    };
    pub use tangle_wallet::{
        Account, Chain, Coordinator, DefaultInputSelection, Mnemonic, Network, Transfer, WordCount,
        attach,
    };
}
