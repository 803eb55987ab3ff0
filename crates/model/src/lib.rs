//! The IOTA Chrysalis message model: messages, payloads, their byte codec with every syntactic
//! rule of the protocol, identifiers, builders and signature checks.
//!
//! Real Chrysalis messages decode, re-encode byte for byte and hash to their real ids:
//!
//! ```
//! use tangle_model::{Message, Packable};
//!
//! let bytes = hex::decode(
//!     "000000000000000002210fc7bb818639ac48a4c6afa2f1581a8b9525e20fda68927f2b2ff836f73578db0fa5\
//!      4c29f7fd928d92ca43f193dee47f591549f597a811c8fa67ab031ebd9c19000000020000000400494f54410b\
//!      00000068656c6c6f20776f726c64ce6d000000000000",
//! )?;
//! let (message, id) = Message::unpack_with_id(&bytes)?;
//! assert_eq!(message.payload().and_then(|p| p.as_indexation()).map(|p| p.data()), Some(&b"hello world"[..]));
//! assert_eq!(id, message.id());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Codec
//! Every type implements [`Packable`]: `unpack` consumes exactly its input, checks every
//! syntactic rule and never panics or allocates more than the input justifies; `pack` reproduces
//! accepted input exactly. Violations are reported as [`UnpackError`], whose
//! [`UnpackError::Rule`] variant carries the [`RuleError`] naming the rule.
//!
//! Decoding a message: [`Message::unpack_with_id`] hashes the input bytes for the id instead of
//! packing the message again, and checks sort orders by comparing the input's bytes.
//!
//! # Rules enforced by the codec and the checked constructors
//! - Conventions: little-endian integers; no trailing bytes; no short input; every type byte known
//!   (payload, essence, input, output, address, unlock, signature); booleans are 0 or 1.
//! - TIP-6 message: at most 32768 bytes; 1..=8 parents, strictly ascending (sorted, unique); a
//!   payload length equal to the payload's exact size (0 = none); payload types 0, 1, 2 only;
//!   a milestone payload's parents equal the message's (checked where the message is decoded).
//! - Indexation: index 1..=64 bytes.
//! - TIP-7 transaction: essence type 0; 1..=127 inputs, UTXO only, output index 0..=126, sorted by
//!   serialized bytes, no duplicates; 1..=127 outputs sorted by serialized bytes, Ed25519
//!   addresses, an address at most once per output type, amounts in 1..=2_779_530_283_277_761,
//!   dust allowance ≥ 1_000_000, sum ≤ 2_779_530_283_277_761; the essence payload, if any, is an
//!   indexation payload; unlock count = input count; signature unlocks unique (key and signature);
//!   a reference unlock points to a lower index holding a signature unlock.
//! - TIP-8 milestone: 1..=8 parents as above; a non-zero next PoW score needs a non-zero next PoW
//!   score milestone index; 1..=255 public keys, strictly ascending; signature count = key count;
//!   the only payload allowed is a receipt. Whether a message's milestone payload makes it a
//!   milestone (its parents lead the essence parents) is not a decoding rule: see
//!   [`Message::milestone`] and `docs/hornet-parity.md`.
//! - TIP-17 receipt (type 3) and treasury transaction (type 4): see [`payload::receipt`].
//!   (TIP-8's table lists receipts as type 4; TIP-17 and the deployed network use 3.)
//!
//! Signatures are not checked while decoding: see [`MilestonePayload::verify`] and
//! [`TransactionPayload::signature_report`]. Ledger (semantic) rules belong to the consensus crate.
//!
//! # Features
//! - `std` (default): `std::error::Error` for the errors, nonce mining in [`MessageBuilder`].
//!   Without it the crate is `no_std` + `alloc`.
//! - `serde`: reserved for the JSON form of the node API (TIP-13).
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod address;
pub mod builder;
pub mod error;
pub mod ids;
pub mod input;
#[cfg(feature = "serde")]
pub mod json;
pub mod message;
pub mod output;
mod packable;
pub mod parents;
pub mod payload;
pub mod unlock;
mod unpacker;
pub mod verify;

pub use address::{Address, Ed25519Address};
pub use builder::{
    BuildError, FnSigner, MessageBuilder, MilestoneBuilder, Signer, SignerError, TransactionBuilder,
};
pub use error::{PayloadContext, RuleError, UnpackError};
pub use ids::{MessageId, MilestoneId, OutputId, ParseIdError, TransactionId};
pub use input::Input;
pub use message::Message;
pub use output::Output;
pub use packable::Packable;
pub use parents::Parents;
pub use payload::Payload;
pub use payload::indexation::IndexationPayload;
pub use payload::milestone::{MilestoneEssence, MilestonePayload};
pub use payload::receipt::{
    MigratedFundsEntry, ReceiptPayload, TailTransactionHash, TreasuryTransactionPayload,
};
pub use payload::transaction::{TransactionEssence, TransactionPayload};
pub use tangle_crypto::network_id;
pub use unlock::{Ed25519Signature, UnlockBlock, UnlockBlocks};
pub use verify::{MilestoneVerifyError, SignatureUnlockReport};

/// Longest packed message, in bytes (TIP-6).
pub const MESSAGE_LENGTH_MAX: usize = 32768;
/// Most inputs in a transaction (TIP-7).
pub const INPUT_COUNT_MAX: usize = 127;
/// Most outputs in a transaction (TIP-7).
pub const OUTPUT_COUNT_MAX: usize = 127;
/// Highest output index an input may refer to (TIP-7).
pub const OUTPUT_INDEX_MAX: u16 = 126;
/// Total supply of IOTA tokens: no amount or sum of amounts may exceed it.
pub const IOTA_SUPPLY: u64 = 2_779_530_283_277_761;
/// Smallest dust-allowance output (TIP-15).
pub const DUST_ALLOWANCE_MIN: u64 = 1_000_000;
/// Smallest migrated deposit in a receipt (TIP-17).
pub const MIGRATED_DEPOSIT_MIN: u64 = 1_000_000;
/// Most migrated funds entries in a receipt (TIP-17).
pub const RECEIPT_FUNDS_MAX: usize = 127;
