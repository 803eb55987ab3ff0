//! The JSON form of the model, as the Chrysalis node REST API writes it (TIP-13,
//! `GET /api/v1/messages/{messageId}`), through `serde` (feature `serde`).
//!
//! [`Message`], every payload type and their parts implement [`serde::Serialize`] and
//! [`serde::Deserialize`], so `serde_json::to_string(&message)` and
//! `serde_json::from_str::<Message>(text)` just work:
//!
//! ```
//! use tangle_model::{Message, Packable};
//!
//! let bytes = hex::decode(
//!     "000000000000000002210fc7bb818639ac48a4c6afa2f1581a8b9525e20fda68927f2b2ff836f73578db0fa5\
//!      4c29f7fd928d92ca43f193dee47f591549f597a811c8fa67ab031ebd9c19000000020000000400494f54410b\
//!      00000068656c6c6f20776f726c64ce6d000000000000",
//! )?;
//! let message = Message::unpack(&bytes)?;
//! let json = serde_json::to_value(&message)?;
//! assert_eq!(json["nonce"], "28110");
//! assert_eq!(json["payload"]["type"], 2);
//! assert_eq!(json["payload"]["index"], "494f5441");
//! assert_eq!(serde_json::from_value::<Message>(json)?.pack(), bytes);
//!
//! // Every syntactic rule is enforced, and the error names the rule and where it is broken.
//! let error = serde_json::from_str::<Message>(
//!     r#"{ "networkId": "0", "parentMessageIds": [], "payload": null, "nonce": "0" }"#,
//! )
//! .unwrap_err();
//! assert!(error.to_string().starts_with("$.parentMessageIds: parents count 0 is outside 1..=8 (TIP-6)"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Shape
//! ```text
//! message      { "networkId": "<decimal u64>", "parentMessageIds": [id…], "payload": payload | null,
//!                "nonce": "<decimal u64>" }
//! transaction  { "type": 0, "essence": essence, "unlockBlocks": [unlock…] }
//! essence      { "type": 0, "inputs": [{ "type": 0, "transactionId": id, "transactionOutputIndex": n }…],
//!                "outputs": [{ "type": 0 | 1, "address": address, "amount": n }…],
//!                "payload": indexation | null }
//! address      { "type": 0, "address": hex32 }
//! unlock       { "type": 0, "signature": { "type": 0, "publicKey": hex32, "signature": hex64 } }
//!              | { "type": 1, "reference": n }
//! milestone    { "type": 1, "index": n, "timestamp": n, "parentMessageIds": [id…],
//!                "inclusionMerkleProof": hex32, "nextPoWScore": n, "nextPoWScoreMilestoneIndex": n,
//!                "publicKeys": [hex32…], "receipt": receipt | null, "signatures": [hex64…] }
//! indexation   { "type": 2, "index": hex, "data": hex }
//! receipt      { "type": 3, "migratedAt": n, "final": bool,
//!                "funds": [{ "tailTransactionHash": hex49, "address": address, "deposit": n }…],
//!                "transaction": { "type": 4, "input": { "type": 1, "milestoneId": id },
//!                                 "output": { "type": 2, "amount": n } } }
//! ```
//! Identifiers ([`MessageId`], [`TransactionId`], [`MilestoneId`]) are 64 hexadecimal digits,
//! an [`OutputId`] 68 (transaction id, then the index as a little-endian `u16`), and
//! [`Parents`] an array of message ids.
//!
//! # Writing
//! Members come in the order above. Bytes and ids are lower-case hexadecimal without a prefix.
//! `networkId` and `nonce` are decimal strings, because many JSON readers hold numbers as doubles,
//! which cannot represent every `u64`; every other integer is a JSON number (amounts never exceed
//! 2^53).
//!
//! # Reading
//! - Hexadecimal may carry a `0x` prefix and use either case; its length must be exact.
//! - `networkId` and `nonce` must be strings of ASCII decimal digits that fit a `u64` (no sign,
//!   no spaces, no JSON number; leading zeros are accepted); every other integer must be a JSON
//!   number in its field's range.
//! - `payload`, `receipt` (of a milestone) and an essence's `payload` may be `null` or absent. A
//!   receipt whose `transaction` is `null` or absent breaks
//!   [`RuleError::MissingTreasuryTransaction`].
//! - The `type` of a receipt (3) and of its treasury transaction (4) may be absent, as in the
//!   TIP-13 schema; if present it must be right. Every other `type` is required.
//! - A milestone's parents may be named `parents`, the TIP-13 schema's name, instead of
//!   `parentMessageIds`, the name nodes write (one or the other, not both).
//! - Members not listed above are ignored (so the output of a tool that adds members, such as a
//!   `messageId`, reads back); a member given twice is an error.
//! - Arrays and objects may nest at most 32 levels deep.
//! - The input is buffered before it is checked, so readers need a self-describing format
//!   (JSON, not bincode).
//!
//! Every syntactic rule of the byte codec is checked, through the model's checked constructors;
//! a value read from JSON packs to bytes that [`Packable::unpack`](crate::Packable::unpack)
//! accepts, and JSON read from a decoded message reads back to the same message. Errors never
//! panic: each starts with the JSONPath of the offending value (`$.payload.essence.outputs`),
//! then says what is wrong; a broken protocol rule is described by the text of its
//! [`RuleError`], as the codec reports it. Serde formats add their own location (`serde_json`:
//! line and column).
//! A value that breaks several rules may be reported for another of them than the codec, which
//! reports the first in byte order.
//!
//! [`Message`]: crate::Message
//! [`MessageId`]: crate::MessageId
//! [`TransactionId`]: crate::TransactionId
//! [`MilestoneId`]: crate::MilestoneId
//! [`OutputId`]: crate::OutputId
//! [`Parents`]: crate::Parents
//! [`RuleError`]: crate::RuleError
//! [`RuleError::MissingTreasuryTransaction`]: crate::RuleError::MissingTreasuryTransaction

mod de;
mod indexation;
mod message;
mod milestone;
mod receipt;
mod ser;
mod transaction;

use crate::ids::{MessageId, MilestoneId, OutputId, TransactionId};
use crate::input::Input;
use crate::message::Message;
use crate::output::Output;
use crate::parents::Parents;
use crate::payload::Payload;
use crate::payload::indexation::IndexationPayload;
use crate::payload::milestone::MilestonePayload;
use crate::payload::receipt::{
    MigratedFundsEntry, ReceiptPayload, TailTransactionHash, TreasuryTransactionPayload,
};
use crate::payload::transaction::{TransactionEssence, TransactionPayload};
use crate::unlock::{Ed25519Signature, UnlockBlock, UnlockBlocks};

/// Implements `Deserialize` by buffering the input as a [`de::Value`] and converting it with
/// `$read`, which checks every rule.
macro_rules! deserialize_with {
    ($($ty:ty => $read:path,)*) => {
        $(
            impl<'de> serde::Deserialize<'de> for $ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = de::Value::read(deserializer)?;
                    $read(&value, &de::Path::Root).map_err(serde::de::Error::custom)
                }
            }
        )*
    };
}

deserialize_with! {
    Message => message::message,
    Payload => message::payload,
    Parents => message::parents,
    MessageId => message::message_id,
    TransactionId => message::transaction_id,
    MilestoneId => message::milestone_id,
    OutputId => message::output_id,
    TransactionPayload => transaction::payload,
    TransactionEssence => transaction::essence,
    Input => transaction::input,
    Output => transaction::output,
    UnlockBlocks => transaction::unlock_blocks,
    UnlockBlock => transaction::unlock_block,
    Ed25519Signature => transaction::signature,
    MilestonePayload => milestone::payload,
    IndexationPayload => indexation::payload,
    ReceiptPayload => receipt::payload,
    MigratedFundsEntry => receipt::funds_entry,
    TailTransactionHash => receipt::tail_transaction_hash,
    TreasuryTransactionPayload => receipt::treasury,
}
