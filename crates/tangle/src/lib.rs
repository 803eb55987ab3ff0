//! tangle: a Rust implementation of the IOTA Tangle.
//!
//! This facade re-exports each layer as a module so that an application needs one dependency.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use tangle_crypto as crypto;
pub use tangle_model as model;
