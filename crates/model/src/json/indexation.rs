//! [`IndexationPayload`] (type 2): `{ "type": 2, "index": hex, "data": hex }`.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::de::{self, Error, Object, Path, Value};
use super::ser::Hex;
use crate::payload::indexation::IndexationPayload;

impl Serialize for IndexationPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("IndexationPayload", 3)?;
        s.serialize_field("type", &Self::KIND)?;
        s.serialize_field("index", &Hex(self.index()))?;
        s.serialize_field("data", &Hex(self.data()))?;
        s.end()
    }
}

/// An indexation payload on its own: its `type` must be 2.
pub(crate) fn payload(value: &Value, path: &Path<'_>) -> de::Result<IndexationPayload> {
    let object = Object::new(value, *path)?;
    object.kind(
        "payload",
        &[IndexationPayload::KIND.into()],
        "2 (indexation)",
    )?;
    payload_body(&object)
}

/// The members of an indexation payload other than `type`.
pub(crate) fn payload_body(object: &Object<'_, '_>) -> de::Result<IndexationPayload> {
    let index = object.read("index", de::hex_bytes)?;
    let data = object.read("data", de::hex_bytes)?;
    IndexationPayload::new(index, data).map_err(|rule| Error::rule(object.path(), rule))
}
