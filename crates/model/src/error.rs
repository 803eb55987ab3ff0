//! Errors: one enum for the syntactic rules of the protocol ([`RuleError`]) and one for decoding
//! bytes ([`UnpackError`]), which wraps a rule violation together with the offset where it was found.

use core::fmt;

/// Where a payload was found, for [`RuleError::PayloadNotAllowed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadContext {
    /// The payload of a message (types 0, 1 and 2 are allowed).
    Message,
    /// The payload of a transaction essence (only an indexation payload, type 2, is allowed).
    TransactionEssence,
    /// The payload of a milestone essence (only a receipt, type 3, is allowed).
    MilestoneEssence,
    /// The payload of a receipt (only a treasury transaction, type 4, is allowed).
    Receipt,
}

impl fmt::Display for PayloadContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Message => "message (TIP-6: types 0, 1, 2)",
            Self::TransactionEssence => "transaction essence (TIP-7: indexation only)",
            Self::MilestoneEssence => "milestone essence (TIP-8/TIP-17: receipt only)",
            Self::Receipt => "receipt (TIP-17: treasury transaction only)",
        })
    }
}

/// A syntactic rule of the Chrysalis protocol that a value breaks.
///
/// Checked constructors return it, and [`UnpackError::Rule`] carries it when decoding bytes.
/// Indexes (`index`) count items inside their list, from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// A message or milestone has a number of parents outside 1..=8.
    #[error("parents count {count} is outside 1..=8 (TIP-6)")]
    ParentsCount {
        /// The number of parents found.
        count: usize,
    },
    /// Parents are not in strictly ascending order.
    #[error(
        "parents are not sorted in strictly ascending order (TIP-6): parent {index} is smaller than the one before"
    )]
    ParentsNotSorted {
        /// Index of the first parent out of order.
        index: usize,
    },
    /// The same parent appears twice.
    #[error("parents are not unique (TIP-6): parent {index} repeats the one before")]
    DuplicateParent {
        /// Index of the repeated parent.
        index: usize,
    },
    /// A serialized message is longer than 32768 bytes.
    #[error("message is {len} bytes long, more than the maximum of 32768 (TIP-6)")]
    MessageTooLarge {
        /// Length of the serialized message.
        len: usize,
    },
    /// A payload type that the enclosing structure does not allow.
    #[error("payload type {kind} is not allowed in a {context}")]
    PayloadNotAllowed {
        /// The payload type found.
        kind: u32,
        /// Where it was found.
        context: PayloadContext,
    },
    /// An indexation index is empty or longer than 64 bytes.
    #[error("indexation index is {len} bytes long, outside 1..=64 (TIP-6)")]
    IndexLength {
        /// Length of the index.
        len: usize,
    },
    /// Indexation data too long to fit in any message.
    #[error("indexation data is {len} bytes long, more than fits in a message (TIP-6)")]
    DataLength {
        /// Length of the data.
        len: usize,
    },
    /// A transaction essence has a number of inputs outside 1..=127.
    #[error("input count {count} is outside 1..=127 (TIP-7)")]
    InputCount {
        /// The number of inputs.
        count: usize,
    },
    /// A transaction essence has a number of outputs outside 1..=127.
    #[error("output count {count} is outside 1..=127 (TIP-7)")]
    OutputCount {
        /// The number of outputs.
        count: usize,
    },
    /// A UTXO input refers to an output index above 126.
    #[error("output index {index} is outside 0..=126 (TIP-7)")]
    OutputIndex {
        /// The output index.
        index: u16,
    },
    /// Inputs are not sorted by their serialized bytes.
    #[error(
        "inputs are not sorted lexicographically by their serialized bytes (TIP-7): input {index} is smaller than the one before"
    )]
    InputsNotSorted {
        /// Index of the first input out of order.
        index: usize,
    },
    /// The same input appears twice.
    #[error("inputs are not unique (TIP-7): input {index} repeats an earlier one")]
    DuplicateInput {
        /// Index of the repeated input.
        index: usize,
    },
    /// Outputs are not sorted by their serialized bytes.
    #[error(
        "outputs are not sorted lexicographically by their serialized bytes (TIP-7): output {index} is smaller than the one before"
    )]
    OutputsNotSorted {
        /// Index of the first output out of order.
        index: usize,
    },
    /// Two outputs of the same type go to the same address.
    #[error(
        "an address appears more than once among the outputs of one type (TIP-7): output {index}"
    )]
    DuplicateOutputAddress {
        /// Index of the second output with that type and address.
        index: usize,
    },
    /// An output amount is zero or above the total supply.
    #[error("output {index} amount {amount} is outside 1..=2_779_530_283_277_761 (TIP-7)")]
    OutputAmount {
        /// Index of the output.
        index: usize,
        /// Its amount.
        amount: u64,
    },
    /// A dust-allowance output holds less than 1_000_000 or more than the total supply.
    #[error(
        "dust allowance output {index} amount {amount} is outside 1_000_000..=2_779_530_283_277_761 (TIP-15)"
    )]
    DustAllowanceAmount {
        /// Index of the output.
        index: usize,
        /// Its amount.
        amount: u64,
    },
    /// The outputs together hold more than the total supply.
    #[error("the sum of output amounts exceeds the total supply 2_779_530_283_277_761 (TIP-7)")]
    OutputSumTooLarge,
    /// The number of unlock blocks differs from the number of inputs.
    #[error("{unlocks} unlock blocks for {inputs} inputs: the counts must be equal (TIP-7)")]
    UnlockCount {
        /// Number of unlock blocks.
        unlocks: usize,
        /// Number of inputs.
        inputs: usize,
    },
    /// Two signature unlock blocks hold the same signature.
    #[error(
        "signature unlock blocks are not unique (TIP-7): unlock {index} repeats unlock {first}"
    )]
    DuplicateSignatureUnlock {
        /// Index of the repeated unlock block.
        index: usize,
        /// Index of the first one.
        first: usize,
    },
    /// A reference unlock points to itself, forward, or to another reference unlock.
    #[error(
        "reference unlock {index} points to {reference}, which is not an earlier signature unlock (TIP-7)"
    )]
    InvalidReferenceUnlock {
        /// Index of the reference unlock block.
        index: usize,
        /// The index it refers to.
        reference: u16,
    },
    /// A milestone-only rule, checked when a message is taken as a milestone (not when it is
    /// decoded): the message's parents, in order, must equal the first parents of the milestone
    /// essence (Hornet 1.2.8 compares each message parent with the essence parent at the same
    /// position).
    #[error(
        "milestone parents rule: the message parents are not the leading parents of the milestone essence (TIP-8)"
    )]
    MilestoneParentsMismatch,
    /// A non-zero `next PoW score` with a zero `next PoW score milestone index` (the one PoW
    /// score rule iota.go v2 checks when decoding).
    #[error(
        "next PoW score {score} with next PoW score milestone index 0: a non-zero score needs a non-zero index (TIP-8)"
    )]
    MilestonePowScore {
        /// Next PoW score.
        score: u32,
    },
    /// A milestone has no public key.
    #[error("milestone key count {count} is outside 1..=255 (TIP-8)")]
    MilestoneKeyCount {
        /// The number of keys.
        count: usize,
    },
    /// Milestone public keys are not in strictly ascending order.
    #[error(
        "milestone public keys are not sorted in strictly ascending order (TIP-8): key {index} is smaller than the one before"
    )]
    MilestoneKeysNotSorted {
        /// Index of the first key out of order.
        index: usize,
    },
    /// The same milestone public key appears twice.
    #[error("milestone public keys are not unique (TIP-8): key {index} repeats the one before")]
    DuplicateMilestoneKey {
        /// Index of the repeated key.
        index: usize,
    },
    /// The number of milestone signatures differs from the number of keys.
    #[error(
        "{signatures} milestone signatures for {keys} public keys: the counts must be equal (TIP-8)"
    )]
    MilestoneSignatureCount {
        /// Number of public keys.
        keys: usize,
        /// Number of signatures.
        signatures: usize,
    },
    /// A receipt lists no migrated funds or more than 127 entries.
    #[error("receipt funds count {count} is outside 1..=127 (TIP-17)")]
    ReceiptFundsCount {
        /// The number of entries.
        count: usize,
    },
    /// Receipt funds are not sorted by their serialized bytes.
    #[error(
        "receipt funds are not sorted lexicographically by their serialized bytes (TIP-17): entry {index} is smaller than the one before"
    )]
    ReceiptFundsNotSorted {
        /// Index of the first entry out of order.
        index: usize,
    },
    /// Two receipt entries name the same tail transaction hash.
    #[error(
        "receipt tail transaction hashes are not unique (TIP-17): entry {index} repeats an earlier hash"
    )]
    DuplicateTailTransactionHash {
        /// Index of the repeated entry.
        index: usize,
    },
    /// A migrated deposit is below 1_000_000 or above the total supply.
    #[error(
        "migrated funds entry {index} deposit {amount} is outside 1_000_000..=2_779_530_283_277_761 (TIP-17)"
    )]
    MigratedDeposit {
        /// Index of the entry.
        index: usize,
        /// Its deposit.
        amount: u64,
    },
    /// The migrated deposits together exceed the total supply.
    #[error("the sum of migrated deposits exceeds the total supply 2_779_530_283_277_761 (TIP-17)")]
    MigratedSumTooLarge,
    /// A treasury output holds more than the total supply.
    #[error(
        "treasury output amount {amount} exceeds the total supply 2_779_530_283_277_761 (TIP-17)"
    )]
    TreasuryAmount {
        /// The amount.
        amount: u64,
    },
    /// A receipt without its treasury transaction.
    #[error("receipt has no treasury transaction: its payload length must not be zero (TIP-17)")]
    MissingTreasuryTransaction,
}

/// Why bytes could not be decoded. Offsets count bytes from the start of the decoded input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnpackError {
    /// The input ends before the value does.
    #[error("input too short: {needed} bytes needed at offset {offset}, {available} available")]
    ShortInput {
        /// Where the missing field starts.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// Bytes remain after the value.
    #[error("{count} trailing bytes after the value at offset {offset}")]
    TrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
        /// How many there are.
        count: usize,
    },
    /// A payload needs more bytes than its length prefix gives it.
    #[error(
        "payload at offset {offset} is longer than its declared length {declared}: the length must be the exact payload size"
    )]
    PayloadTruncated {
        /// Where the payload starts.
        offset: usize,
        /// The declared length.
        declared: u32,
    },
    /// A payload ends before its declared length.
    #[error(
        "payload at offset {offset} is {actual} bytes long but declares {declared}: the length must be the exact payload size"
    )]
    PayloadLengthMismatch {
        /// Where the payload starts.
        offset: usize,
        /// The declared length.
        declared: u32,
        /// The bytes the payload used.
        actual: usize,
    },
    /// A payload type that no structure of the protocol defines (or a payload decoded as the wrong type).
    #[error("unknown payload type {kind} at offset {offset}")]
    UnknownPayloadType {
        /// Where the type field starts.
        offset: usize,
        /// The type found.
        kind: u32,
    },
    /// A transaction essence type other than 0 (regular essence).
    #[error("unknown transaction essence type {kind} at offset {offset}")]
    UnknownEssenceType {
        /// Where the type byte is.
        offset: usize,
        /// The type found.
        kind: u8,
    },
    /// An input type other than 0 (UTXO) in a transaction, or other than 1 in a treasury transaction.
    #[error("unknown input type {kind} at offset {offset}")]
    UnknownInputType {
        /// Where the type byte is.
        offset: usize,
        /// The type found.
        kind: u8,
    },
    /// An output type other than 0 or 1 in a transaction, or other than 2 in a treasury transaction.
    #[error("unknown output type {kind} at offset {offset}")]
    UnknownOutputType {
        /// Where the type byte is.
        offset: usize,
        /// The type found.
        kind: u8,
    },
    /// An address type other than 0 (Ed25519).
    #[error("unknown address type {kind} at offset {offset}")]
    UnknownAddressType {
        /// Where the type byte is.
        offset: usize,
        /// The type found.
        kind: u8,
    },
    /// An unlock block type other than 0 (signature) or 1 (reference).
    #[error("unknown unlock block type {kind} at offset {offset}")]
    UnknownUnlockType {
        /// Where the type byte is.
        offset: usize,
        /// The type found.
        kind: u8,
    },
    /// A signature type other than 0 (Ed25519).
    #[error("unknown signature type {kind} at offset {offset}")]
    UnknownSignatureType {
        /// Where the type byte is.
        offset: usize,
        /// The type found.
        kind: u8,
    },
    /// A boolean byte other than 0 or 1.
    #[error("invalid boolean byte {value} at offset {offset}")]
    InvalidBool {
        /// Where the byte is.
        offset: usize,
        /// The byte found.
        value: u8,
    },
    /// A syntactic rule broken by the decoded value.
    #[error("{rule} (at offset {offset})")]
    Rule {
        /// Where the offending item was found.
        offset: usize,
        /// The rule.
        rule: RuleError,
    },
}

impl UnpackError {
    /// The broken syntactic rule, if this is a [`UnpackError::Rule`].
    pub fn rule(&self) -> Option<&RuleError> {
        match self {
            Self::Rule { rule, .. } => Some(rule),
            _ => None,
        }
    }
}
