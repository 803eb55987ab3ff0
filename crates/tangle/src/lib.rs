//! tangle: a Rust implementation of the IOTA Tangle.
//!
//! This facade re-exports each layer as a module so that an application needs one dependency:
//! [`crypto`] (hashes, signatures, addresses, proof of work), [`model`] (Chrysalis messages and
//! their codec) and, with `std`, [`graph`] (the DAG and tip selection), [`consensus`] (the
//! ledger, white flag, confirmation rules and the in-process Tangle API) and [`sim`] (the
//! discrete-event simulator of tip selection).
//!
//! ```
//! use tangle::model::{Message, Packable};
//!
//! let bytes = tangle::crypto::hash::blake2b_256(b"not a message");
//! assert!(Message::unpack(&bytes).is_err());
//! ```
//!
//! # Features
//! - `std` (default): the standard library in every layer, and the graph, consensus and
//!   simulator layers.
//! - `serde`: the JSON form of messages (the node REST API's shape).
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use tangle_crypto as crypto;
pub use tangle_model as model;

#[cfg(feature = "std")]
pub use tangle_graph as graph;

#[cfg(feature = "std")]
pub use tangle_consensus as consensus;

#[cfg(feature = "std")]
pub use tangle_sim as sim;
