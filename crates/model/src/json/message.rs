//! [`Message`], [`Payload`], [`Parents`] and the identifiers.

use alloc::boxed::Box;
use alloc::vec::Vec;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::de::{self, Error, Object, Path, Value};
use super::ser::{Decimal, Hex, HexList};
use crate::error::{PayloadContext, RuleError};
use crate::ids::{MessageId, MilestoneId, OutputId, TransactionId};
use crate::message::Message;
use crate::parents::Parents;
use crate::payload::Payload;
use crate::payload::indexation::IndexationPayload;
use crate::payload::milestone::MilestonePayload;
use crate::payload::transaction::TransactionPayload;

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Message", 4)?;
        s.serialize_field("networkId", &Decimal(self.network_id()))?;
        s.serialize_field("parentMessageIds", self.parents())?;
        s.serialize_field("payload", &self.payload())?;
        s.serialize_field("nonce", &Decimal(self.nonce()))?;
        s.end()
    }
}

pub(crate) fn message(value: &Value, path: &Path<'_>) -> de::Result<Message> {
    let object = Object::new(value, *path)?;
    let network_id = object.read("networkId", de::decimal)?;
    let parents = object.read("parentMessageIds", parents)?;
    let payload = match object.optional("payload")? {
        None => None,
        Some(value) => Some(payload_in(
            value,
            &object.at("payload"),
            PayloadContext::Message,
        )?),
    };
    let nonce = object.read("nonce", de::decimal)?;
    Message::new(network_id, parents, payload, nonce)
        .map_err(|rule| Error::rule(object.path(), rule))
}

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Transaction(payload) => payload.serialize(serializer),
            Self::Milestone(payload) => payload.serialize(serializer),
            Self::Indexation(payload) => payload.serialize(serializer),
        }
    }
}

/// A payload of a message, dispatched on its `type`.
pub(crate) fn payload(value: &Value, path: &Path<'_>) -> de::Result<Payload> {
    payload_in(value, path, PayloadContext::Message)
}

fn payload_in(value: &Value, path: &Path<'_>, context: PayloadContext) -> de::Result<Payload> {
    let object = Object::new(value, *path)?;
    let allowed = [
        TransactionPayload::KIND,
        MilestonePayload::KIND,
        IndexationPayload::KIND,
    ];
    Ok(match de::payload_kind(&object, context, &allowed)? {
        TransactionPayload::KIND => {
            Payload::Transaction(Box::new(super::transaction::payload_body(&object)?))
        }
        MilestonePayload::KIND => {
            Payload::Milestone(Box::new(super::milestone::payload_body(&object)?))
        }
        _ => Payload::Indexation(Box::new(super::indexation::payload_body(&object)?)),
    })
}

impl Serialize for Parents {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        HexList(self.as_slice()).serialize(serializer)
    }
}

/// 1..=8 message ids, strictly ascending.
pub(crate) fn parents(value: &Value, path: &Path<'_>) -> de::Result<Parents> {
    let items = de::array(value, path)?;
    // Checked before reading the ids, as the codec checks the count first.
    if !(Parents::MIN..=Parents::MAX).contains(&items.len()) {
        return Err(Error::rule(
            path,
            RuleError::ParentsCount { count: items.len() },
        ));
    }
    let ids = items
        .iter()
        .enumerate()
        .map(|(index, item)| de::hex_array(item, &Path::Index(path, index)).map(MessageId::new))
        .collect::<de::Result<Vec<_>>>()?;
    Parents::new(&ids).map_err(|rule| Error::rule(path, rule))
}

macro_rules! id_json {
    ($name:ident, $read:ident) => {
        /// Lower-case hexadecimal, as its `Display`.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                Hex(self.as_bytes()).serialize(serializer)
            }
        }

        pub(crate) fn $read(value: &Value, path: &Path<'_>) -> de::Result<$name> {
            de::hex_array(value, path).map($name::new)
        }
    };
}

id_json!(MessageId, message_id);
id_json!(TransactionId, transaction_id);
id_json!(MilestoneId, milestone_id);

/// 68 hexadecimal digits, as its `Display`: the transaction id then the index as a little-endian
/// `u16`.
impl Serialize for OutputId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

pub(crate) fn output_id(value: &Value, path: &Path<'_>) -> de::Result<OutputId> {
    let bytes: [u8; OutputId::LENGTH] = de::hex_array(value, path)?;
    let mut id = [0u8; 32];
    id.copy_from_slice(&bytes[..32]);
    let index = u16::from_le_bytes([bytes[32], bytes[33]]);
    OutputId::new(TransactionId::new(id), index).map_err(|rule| Error::rule(path, rule))
}
