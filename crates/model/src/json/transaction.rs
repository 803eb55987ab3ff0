//! [`TransactionPayload`] (type 0) and its parts: essence, inputs, outputs, addresses, unlock
//! blocks.

use alloc::vec::Vec;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::de::{self, Error, Object, Path, Value};
use super::ser::Hex;
use crate::address::{Address, Ed25519Address};
use crate::error::{PayloadContext, RuleError};
use crate::ids::{OutputId, TransactionId};
use crate::input::Input;
use crate::output::Output;
use crate::payload::indexation::IndexationPayload;
use crate::payload::transaction::{TransactionEssence, TransactionPayload};
use crate::unlock::{Ed25519Signature, UnlockBlock, UnlockBlocks};
use crate::{INPUT_COUNT_MAX, OUTPUT_COUNT_MAX};

impl Serialize for TransactionPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TransactionPayload", 3)?;
        s.serialize_field("type", &Self::KIND)?;
        s.serialize_field("essence", self.essence())?;
        s.serialize_field("unlockBlocks", self.unlock_blocks())?;
        s.end()
    }
}

/// A transaction payload on its own: its `type` must be 0.
pub(crate) fn payload(value: &Value, path: &Path<'_>) -> de::Result<TransactionPayload> {
    let object = Object::new(value, *path)?;
    object.kind(
        "payload",
        &[TransactionPayload::KIND.into()],
        "0 (transaction)",
    )?;
    payload_body(&object)
}

/// The members of a transaction payload other than `type`.
pub(crate) fn payload_body(object: &Object<'_, '_>) -> de::Result<TransactionPayload> {
    let essence = object.read("essence", essence)?;
    let unlock_blocks = object.read("unlockBlocks", |value, path| {
        let items = de::array(value, path)?;
        // The codec checks the count before reading any block.
        if items.len() != essence.inputs().len() {
            let rule = RuleError::UnlockCount {
                unlocks: items.len(),
                inputs: essence.inputs().len(),
            };
            return Err(Error::rule(path, rule));
        }
        unlock_blocks(value, path)
    })?;
    TransactionPayload::new(essence, unlock_blocks).map_err(|rule| Error::rule(object.path(), rule))
}

impl Serialize for TransactionEssence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TransactionEssence", 4)?;
        s.serialize_field("type", &Self::KIND)?;
        s.serialize_field("inputs", self.inputs())?;
        s.serialize_field("outputs", self.outputs())?;
        s.serialize_field("payload", &self.payload())?;
        s.end()
    }
}

/// A regular transaction essence (type 0).
pub(crate) fn essence(value: &Value, path: &Path<'_>) -> de::Result<TransactionEssence> {
    let object = Object::new(value, *path)?;
    object.kind(
        "transaction essence",
        &[TransactionEssence::KIND.into()],
        "0 (regular essence)",
    )?;
    // Counts are checked before the items, as the codec does; `TransactionEssence::new` checks
    // them again with the order and amount rules (it knows each output's index).
    let inputs = object.read("inputs", |value, path| {
        counted(
            value,
            path,
            |count| RuleError::InputCount { count },
            INPUT_COUNT_MAX,
        )?;
        list(value, path, input)
    })?;
    let outputs = object.read("outputs", |value, path| {
        counted(
            value,
            path,
            |count| RuleError::OutputCount { count },
            OUTPUT_COUNT_MAX,
        )?;
        list(value, path, unchecked_output)
    })?;
    let payload = match object.optional("payload")? {
        None => None,
        Some(value) => {
            let path = object.at("payload");
            let payload = Object::new(value, path)?;
            let allowed = [IndexationPayload::KIND];
            de::payload_kind(&payload, PayloadContext::TransactionEssence, &allowed)?;
            Some(super::indexation::payload_body(&payload)?)
        }
    };
    TransactionEssence::new(inputs, outputs, payload)
        .map_err(|rule| Error::rule(object.path(), rule))
}

/// Fails with `rule` unless the array holds 1..=`max` items.
fn counted(
    value: &Value,
    path: &Path<'_>,
    rule: fn(usize) -> RuleError,
    max: usize,
) -> de::Result<()> {
    let count = de::array(value, path)?.len();
    if (1..=max).contains(&count) {
        Ok(())
    } else {
        Err(Error::rule(path, rule(count)))
    }
}

/// Reads every item of an array with `read`.
fn list<T>(
    value: &Value,
    path: &Path<'_>,
    read: fn(&Value, &Path<'_>) -> de::Result<T>,
) -> de::Result<Vec<T>> {
    de::array(value, path)?
        .iter()
        .enumerate()
        .map(|(index, item)| read(item, &Path::Index(path, index)))
        .collect()
}

impl Serialize for Input {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Self::Utxo(id) = self;
        let mut s = serializer.serialize_struct("UtxoInput", 3)?;
        s.serialize_field("type", &Self::UTXO_KIND)?;
        s.serialize_field("transactionId", id.transaction_id())?;
        s.serialize_field("transactionOutputIndex", &id.index())?;
        s.end()
    }
}

/// A UTXO input (type 0).
pub(crate) fn input(value: &Value, path: &Path<'_>) -> de::Result<Input> {
    let object = Object::new(value, *path)?;
    object.kind("input", &[Input::UTXO_KIND.into()], "0 (UTXO input)")?;
    let transaction_id = object
        .read("transactionId", de::hex_array)
        .map(TransactionId::new)?;
    let index = object.read("transactionOutputIndex", de::u16_of)?;
    let id = OutputId::new(transaction_id, index)
        .map_err(|rule| Error::rule(&object.at("transactionOutputIndex"), rule))?;
    Ok(Input::Utxo(id))
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let name = match self {
            Self::SignatureLockedSingle { .. } => "SigLockedSingleOutput",
            Self::SignatureLockedDustAllowance { .. } => "SigLockedDustAllowanceOutput",
        };
        let mut s = serializer.serialize_struct(name, 3)?;
        s.serialize_field("type", &self.kind())?;
        s.serialize_field("address", &AddressJson(self.address()))?;
        s.serialize_field("amount", &self.amount())?;
        s.end()
    }
}

/// An output without the amount check.
fn unchecked_output(value: &Value, path: &Path<'_>) -> de::Result<Output> {
    let object = Object::new(value, *path)?;
    let kinds = [
        Output::SINGLE_KIND.into(),
        Output::DUST_ALLOWANCE_KIND.into(),
    ];
    let kind = object.kind(
        "output",
        &kinds,
        "0 (SigLockedSingleOutput) or 1 (SigLockedDustAllowanceOutput)",
    )?;
    let address = object.read("address", address)?;
    let amount = object.read("amount", de::unsigned)?;
    Ok(if kind == u64::from(Output::SINGLE_KIND) {
        Output::SignatureLockedSingle { address, amount }
    } else {
        Output::SignatureLockedDustAllowance { address, amount }
    })
}

/// An output on its own, amount checked.
pub(crate) fn output(value: &Value, path: &Path<'_>) -> de::Result<Output> {
    let output = unchecked_output(value, path)?;
    let checked = match output {
        Output::SignatureLockedSingle { address, amount } => Output::single(address, amount),
        Output::SignatureLockedDustAllowance { address, amount } => {
            Output::dust_allowance(address, amount)
        }
    };
    checked.map_err(|rule| Error::rule(path, rule))
}

/// An address as `{ "type": 0, "address": hex }`. `Address` is defined in `tangle-crypto`, so
/// its JSON form is written through this wrapper.
pub(crate) struct AddressJson<'a>(pub(crate) &'a Address);

impl Serialize for AddressJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Address::Ed25519(address) = self.0;
        let mut s = serializer.serialize_struct("Ed25519Address", 2)?;
        s.serialize_field("type", &self.0.kind())?;
        s.serialize_field("address", &Hex(address.as_bytes()))?;
        s.end()
    }
}

/// An Ed25519 address (type 0).
pub(crate) fn address(value: &Value, path: &Path<'_>) -> de::Result<Address> {
    let object = Object::new(value, *path)?;
    object.kind(
        "address",
        &[Ed25519Address::KIND.into()],
        "0 (Ed25519 address)",
    )?;
    let bytes = object.read("address", de::hex_array)?;
    Ok(Address::Ed25519(Ed25519Address::new(bytes)))
}

impl Serialize for UnlockBlocks {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
    }
}

/// The unlock blocks of a transaction, without the count check (see [`payload_body`]).
pub(crate) fn unlock_blocks(value: &Value, path: &Path<'_>) -> de::Result<UnlockBlocks> {
    let blocks = list(value, path, unlock_block)?;
    UnlockBlocks::new(blocks).map_err(|rule| Error::rule(path, rule))
}

impl Serialize for UnlockBlock {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Signature(signature) => {
                let mut s = serializer.serialize_struct("SignatureUnlockBlock", 2)?;
                s.serialize_field("type", &Self::SIGNATURE_KIND)?;
                s.serialize_field("signature", signature)?;
                s.end()
            }
            Self::Reference(index) => {
                let mut s = serializer.serialize_struct("ReferenceUnlockBlock", 2)?;
                s.serialize_field("type", &Self::REFERENCE_KIND)?;
                s.serialize_field("reference", index)?;
                s.end()
            }
        }
    }
}

/// A signature (type 0) or reference (type 1) unlock block.
pub(crate) fn unlock_block(value: &Value, path: &Path<'_>) -> de::Result<UnlockBlock> {
    let object = Object::new(value, *path)?;
    let kinds = [
        UnlockBlock::SIGNATURE_KIND.into(),
        UnlockBlock::REFERENCE_KIND.into(),
    ];
    let kind = object.kind("unlock block", &kinds, "0 (signature) or 1 (reference)")?;
    if kind == u64::from(UnlockBlock::SIGNATURE_KIND) {
        object
            .read("signature", signature)
            .map(UnlockBlock::Signature)
    } else {
        object
            .read("reference", de::u16_of)
            .map(UnlockBlock::Reference)
    }
}

impl Serialize for Ed25519Signature {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Ed25519Signature", 3)?;
        s.serialize_field("type", &Self::KIND)?;
        s.serialize_field("publicKey", &Hex(&self.public_key))?;
        s.serialize_field("signature", &Hex(&self.signature))?;
        s.end()
    }
}

/// An Ed25519 signature (type 0).
pub(crate) fn signature(value: &Value, path: &Path<'_>) -> de::Result<Ed25519Signature> {
    let object = Object::new(value, *path)?;
    object.kind(
        "signature",
        &[Ed25519Signature::KIND.into()],
        "0 (Ed25519 signature)",
    )?;
    let public_key = object.read("publicKey", de::hex_array)?;
    let signature = object.read("signature", de::hex_array)?;
    Ok(Ed25519Signature::new(public_key, signature))
}
