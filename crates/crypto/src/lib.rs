//! Cryptographic primitives of the IOTA Chrysalis protocol.
//!
//! Everything here is byte-exact with the Chrysalis network: hashes, signatures and proof of work
//! computed by this crate agree with real mainnet messages.
//!
//! # Features
//! - `std` (default): the multi-threaded nonce miner and `std::error::Error` implementations.
//!   Without it the crate is `no_std` + `alloc`.
//! - `serde`: serialization of keys, signatures and addresses.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod address;
pub mod ed25519;
pub mod hash;
pub mod merkle;
pub mod network;

pub use network::network_id;
pub mod curl;
pub mod pow;
pub mod ternary;
