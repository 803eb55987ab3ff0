//! [`MilestonePayload`] (type 1): the essence's fields, flattened, then the signatures.

use alloc::vec::Vec;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::de::{self, Error, ErrorKind, Object, Path, Value};
use super::ser::{Hex, HexList};
use crate::error::{PayloadContext, RuleError};
use crate::payload::milestone::{MilestoneEssence, MilestonePayload};
use crate::payload::receipt::ReceiptPayload;

impl Serialize for MilestonePayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let essence = self.essence();
        let mut s = serializer.serialize_struct("MilestonePayload", 10)?;
        s.serialize_field("type", &Self::KIND)?;
        s.serialize_field("index", &essence.index())?;
        s.serialize_field("timestamp", &essence.timestamp())?;
        s.serialize_field("parentMessageIds", essence.parents())?;
        s.serialize_field("inclusionMerkleProof", &Hex(essence.merkle_root()))?;
        s.serialize_field("nextPoWScore", &essence.next_pow_score())?;
        s.serialize_field(
            "nextPoWScoreMilestoneIndex",
            &essence.next_pow_score_milestone_index(),
        )?;
        s.serialize_field("publicKeys", &HexList(essence.public_keys()))?;
        s.serialize_field("receipt", &essence.receipt())?;
        s.serialize_field("signatures", &HexList(self.signatures()))?;
        s.end()
    }
}

/// A milestone payload on its own: its `type` must be 1.
pub(crate) fn payload(value: &Value, path: &Path<'_>) -> de::Result<MilestonePayload> {
    let object = Object::new(value, *path)?;
    object.kind("payload", &[MilestonePayload::KIND.into()], "1 (milestone)")?;
    payload_body(&object)
}

/// The members of a milestone payload other than `type`, read in the order of the packed form.
///
/// The parents are `parentMessageIds`, as Chrysalis nodes write them; the TIP-13 schema's name
/// `parents` is accepted too (but not both).
pub(crate) fn payload_body(object: &Object<'_, '_>) -> de::Result<MilestonePayload> {
    let index = object.read("index", de::u32_of)?;
    let timestamp = object.read("timestamp", de::unsigned)?;
    let parents = match (object.get("parentMessageIds")?, object.get("parents")?) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                object.path(),
                ErrorKind::Both("parentMessageIds", "parents"),
            ));
        }
        (None, Some(value)) => super::message::parents(value, &object.at("parents"))?,
        _ => object.read("parentMessageIds", super::message::parents)?,
    };
    let merkle_root = object.read("inclusionMerkleProof", de::hex_array)?;
    let next_pow_score = object.read("nextPoWScore", de::u32_of)?;
    let next_pow_score_milestone_index = object.read("nextPoWScoreMilestoneIndex", de::u32_of)?;
    let public_keys = object.read("publicKeys", |value, path| {
        // The count is checked first, as the codec does (a `u8`, so at most 255 keys).
        let items = de::array(value, path)?;
        if !(1..=255).contains(&items.len()) {
            return Err(Error::rule(
                path,
                RuleError::MilestoneKeyCount { count: items.len() },
            ));
        }
        hex_list::<32>(items, path)
    })?;
    let receipt = match object.optional("receipt")? {
        None => None,
        Some(value) => {
            let receipt = Object::new(value, object.at("receipt"))?;
            if receipt.get("type")?.is_some() {
                de::payload_kind(
                    &receipt,
                    PayloadContext::MilestoneEssence,
                    &[ReceiptPayload::KIND],
                )?;
            }
            Some(super::receipt::payload_body(&receipt)?)
        }
    };
    let essence =
        MilestoneEssence::new(index, timestamp, parents, merkle_root, public_keys, receipt)
            .and_then(|essence| {
                essence.with_next_pow_score(next_pow_score, next_pow_score_milestone_index)
            })
            .map_err(|rule| Error::rule(object.path(), rule))?;
    let signatures = object.read("signatures", |value, path| {
        hex_list::<64>(de::array(value, path)?, path)
    })?;
    MilestonePayload::new(essence, signatures).map_err(|rule| Error::rule(object.path(), rule))
}

/// Every item of an array as `N` bytes of hexadecimal.
fn hex_list<const N: usize>(items: &[Value], path: &Path<'_>) -> de::Result<Vec<[u8; N]>> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| de::hex_array(item, &Path::Index(path, index)))
        .collect()
}
