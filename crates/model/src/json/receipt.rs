//! [`ReceiptPayload`] (type 3) and [`TreasuryTransactionPayload`] (type 4), found inside a
//! milestone (TIP-17).

use alloc::vec::Vec;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::de::{self, Error, Object, Path, Value};
use super::ser::Hex;
use crate::RECEIPT_FUNDS_MAX;
use crate::error::{PayloadContext, RuleError};
use crate::ids::MilestoneId;
use crate::payload::receipt::{
    MigratedFundsEntry, ReceiptPayload, TailTransactionHash, TreasuryTransactionPayload,
};

impl Serialize for ReceiptPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ReceiptPayload", 5)?;
        s.serialize_field("type", &Self::KIND)?;
        s.serialize_field("migratedAt", &self.migrated_at())?;
        s.serialize_field("final", &self.is_final())?;
        s.serialize_field("funds", self.funds())?;
        s.serialize_field("transaction", self.transaction())?;
        s.end()
    }
}

/// A receipt on its own: its `type`, if present, must be 3.
pub(crate) fn payload(value: &Value, path: &Path<'_>) -> de::Result<ReceiptPayload> {
    let object = Object::new(value, *path)?;
    object.optional_kind("payload", ReceiptPayload::KIND.into(), "3 (receipt)")?;
    payload_body(&object)
}

/// The members of a receipt other than `type`.
pub(crate) fn payload_body(object: &Object<'_, '_>) -> de::Result<ReceiptPayload> {
    let migrated_at = object.read("migratedAt", de::u32_of)?;
    let last = object.read("final", |value, path| match value {
        Value::Bool(last) => Ok(*last),
        _ => Err(de::type_error(path, "a boolean", value)),
    })?;
    let funds = object.read("funds", |value, path| {
        // The count is checked first, as the codec does.
        let items = de::array(value, path)?;
        if !(1..=RECEIPT_FUNDS_MAX).contains(&items.len()) {
            return Err(Error::rule(
                path,
                RuleError::ReceiptFundsCount { count: items.len() },
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(index, item)| funds_entry_at(item, &Path::Index(path, index), index))
            .collect::<de::Result<Vec<_>>>()
    })?;
    let transaction = match object.optional("transaction")? {
        None => {
            return Err(Error::rule(
                object.path(),
                RuleError::MissingTreasuryTransaction,
            ));
        }
        Some(value) => {
            let transaction = Object::new(value, object.at("transaction"))?;
            if transaction.get("type")?.is_some() {
                let allowed = [TreasuryTransactionPayload::KIND];
                de::payload_kind(&transaction, PayloadContext::Receipt, &allowed)?;
            }
            treasury_body(&transaction)?
        }
    };
    ReceiptPayload::new(migrated_at, last, funds, transaction)
        .map_err(|rule| Error::rule(object.path(), rule))
}

impl Serialize for MigratedFundsEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("MigratedFundsEntry", 3)?;
        s.serialize_field("tailTransactionHash", self.tail_transaction_hash())?;
        s.serialize_field("address", &super::transaction::AddressJson(self.address()))?;
        s.serialize_field("deposit", &self.deposit())?;
        s.end()
    }
}

/// A migrated funds entry on its own.
pub(crate) fn funds_entry(value: &Value, path: &Path<'_>) -> de::Result<MigratedFundsEntry> {
    funds_entry_at(value, path, 0)
}

/// Migrated funds entry `index` of a receipt.
fn funds_entry_at(value: &Value, path: &Path<'_>, index: usize) -> de::Result<MigratedFundsEntry> {
    let object = Object::new(value, *path)?;
    let hash = object.read("tailTransactionHash", tail_transaction_hash)?;
    let address = object.read("address", super::transaction::address)?;
    let deposit = object.read("deposit", de::unsigned)?;
    MigratedFundsEntry::new(hash, address, deposit).map_err(|rule| {
        // The entry does not know its place in the receipt.
        let rule = match rule {
            RuleError::MigratedDeposit { amount, .. } => {
                RuleError::MigratedDeposit { index, amount }
            }
            other => other,
        };
        Error::rule(object.path(), rule)
    })
}

/// 49 bytes of hexadecimal.
impl Serialize for TailTransactionHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Hex(&self.0).serialize(serializer)
    }
}

pub(crate) fn tail_transaction_hash(
    value: &Value,
    path: &Path<'_>,
) -> de::Result<TailTransactionHash> {
    de::hex_array(value, path).map(TailTransactionHash)
}

impl Serialize for TreasuryTransactionPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TreasuryTransactionPayload", 3)?;
        s.serialize_field("type", &Self::KIND)?;
        s.serialize_field("input", &TreasuryInput(self.input_milestone_id()))?;
        s.serialize_field("output", &TreasuryOutput(self.output_amount()))?;
        s.end()
    }
}

struct TreasuryInput<'a>(&'a MilestoneId);

impl Serialize for TreasuryInput<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TreasuryInput", 2)?;
        s.serialize_field("type", &TreasuryTransactionPayload::INPUT_KIND)?;
        s.serialize_field("milestoneId", self.0)?;
        s.end()
    }
}

struct TreasuryOutput(u64);

impl Serialize for TreasuryOutput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TreasuryOutput", 2)?;
        s.serialize_field("type", &TreasuryTransactionPayload::OUTPUT_KIND)?;
        s.serialize_field("amount", &self.0)?;
        s.end()
    }
}

/// A treasury transaction on its own: its `type`, if present, must be 4.
pub(crate) fn treasury(value: &Value, path: &Path<'_>) -> de::Result<TreasuryTransactionPayload> {
    let object = Object::new(value, *path)?;
    object.optional_kind(
        "payload",
        TreasuryTransactionPayload::KIND.into(),
        "4 (treasury transaction)",
    )?;
    treasury_body(&object)
}

/// The members of a treasury transaction other than `type`.
fn treasury_body(object: &Object<'_, '_>) -> de::Result<TreasuryTransactionPayload> {
    let input = object.read("input", |value, path| {
        let input = Object::new(value, *path)?;
        input.kind(
            "input",
            &[TreasuryTransactionPayload::INPUT_KIND.into()],
            "1 (treasury input)",
        )?;
        input.read("milestoneId", super::message::milestone_id)
    })?;
    let amount = object.read("output", |value, path| {
        let output = Object::new(value, *path)?;
        output.kind(
            "output",
            &[TreasuryTransactionPayload::OUTPUT_KIND.into()],
            "2 (treasury output)",
        )?;
        output.read("amount", de::unsigned)
    })?;
    TreasuryTransactionPayload::new(input, amount).map_err(|rule| Error::rule(object.path(), rule))
}
