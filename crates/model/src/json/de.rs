//! The reading side of the JSON form: a small buffered value tree, the path of a value inside the
//! document, the error type, and typed readers for object fields.
//!
//! Payloads are tagged by an integer `type` field that may come after the fields it selects, so
//! every input is first buffered as a [`Value`] (bounded in depth), then converted by hand. That
//! gives every error the JSON path of the offending value.

use core::fmt;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::error::{PayloadContext, RuleError};

/// Deepest nesting accepted, in arrays and objects. A valid message needs 6 levels.
pub(crate) const DEPTH_MAX: usize = 32;

/// Highest payload type the protocol defines (4, treasury transaction).
const PAYLOAD_KIND_MAX: u64 = 4;

/// A buffered JSON value.
pub(crate) enum Value {
    Null,
    Bool(bool),
    Unsigned(u64),
    /// A negative integer (never valid here; its value is not kept).
    Negative,
    /// A number with a fraction or exponent (never valid here; its value is not kept).
    Float,
    String(String),
    Array(Vec<Value>),
    /// Members in document order; repeated names are kept (and rejected when read).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Buffers the whole input of `deserializer`.
    pub(crate) fn read<'de, D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Seed { depth: 0 }.deserialize(deserializer)
    }

    /// What this value is, for error messages.
    fn describe(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Unsigned(_) => "an unsigned integer",
            Self::Negative => "a negative integer",
            Self::Float => "a floating-point number",
            Self::String(_) => "a string",
            Self::Array(_) => "an array",
            Self::Object(_) => "an object",
        }
    }
}

/// Deserializes a [`Value`] at nesting depth `depth`.
struct Seed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Seed {
    fn nested<E: de::Error>(&self) -> Result<Self, E> {
        if self.depth >= DEPTH_MAX {
            return Err(E::custom(format_args!(
                "JSON nested deeper than {DEPTH_MAX} levels"
            )));
        }
        Ok(Self {
            depth: self.depth + 1,
        })
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => Value::Unsigned(v),
            Err(_) => Value::Negative,
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Unsigned(v))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Float)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let seed = self.nested()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed { depth: seed.depth })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let seed = self.nested()?;
        let mut members = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed { depth: seed.depth })?;
            members.push((name, value));
        }
        Ok(Value::Object(members))
    }
}

/// Where a value sits in the document, printed like a JSONPath: `$.payload.essence.inputs[0]`.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The document itself.
    Root,
    /// A member of an object.
    Field(&'a Path<'a>, &'static str),
    /// An item of an array.
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root => f.write_str("$"),
            Self::Field(parent, name) => write!(f, "{parent}.{name}"),
            Self::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// Why a JSON value does not describe a valid model value.
#[derive(Debug)]
pub(crate) enum ErrorKind {
    /// A required member is absent.
    Missing(&'static str),
    /// A member appears twice.
    Duplicate(&'static str),
    /// Two members that name the same value (an alias) both appear.
    Both(&'static str, &'static str),
    /// The value has the wrong JSON type.
    Type {
        expected: &'static str,
        found: &'static str,
    },
    /// A string that is not hexadecimal.
    Hex(hex::FromHexError),
    /// Hexadecimal of the wrong length.
    Length { expected: usize, found: usize },
    /// `networkId` or `nonce` is not a decimal `u64` string.
    Decimal,
    /// An integer too large for its field.
    Range { value: u64, max: u64 },
    /// A `type` field with a value the protocol does not define here.
    Kind {
        what: &'static str,
        found: u64,
        expected: &'static str,
    },
    /// A payload type that no structure of the protocol defines.
    UnknownPayload { found: u64, context: PayloadContext },
    /// A syntactic rule of the protocol, exactly as the byte codec reports it.
    Rule(RuleError),
}

/// A JSON conversion error: what went wrong and where.
#[derive(Debug)]
pub(crate) struct Error {
    path: String,
    kind: ErrorKind,
}

impl Error {
    pub(crate) fn new(path: &Path<'_>, kind: ErrorKind) -> Self {
        Self {
            path: path.to_string(),
            kind,
        }
    }

    pub(crate) fn rule(path: &Path<'_>, rule: RuleError) -> Self {
        Self::new(path, ErrorKind::Rule(rule))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path)?;
        match &self.kind {
            ErrorKind::Missing(name) => write!(f, "missing field `{name}`"),
            ErrorKind::Duplicate(name) => write!(f, "duplicate field `{name}`"),
            ErrorKind::Both(a, b) => write!(f, "fields `{a}` and `{b}` are aliases: give only one"),
            ErrorKind::Type { expected, found } => write!(f, "expected {expected}, found {found}"),
            ErrorKind::Hex(error) => write!(f, "invalid hexadecimal: {error}"),
            ErrorKind::Length { expected, found } => {
                write!(f, "expected {expected} bytes of hexadecimal, found {found}")
            }
            ErrorKind::Decimal => f.write_str(
                "expected a string of decimal digits holding an unsigned 64-bit integer",
            ),
            ErrorKind::Range { value, max } => {
                write!(f, "integer {value} is above the maximum {max}")
            }
            ErrorKind::Kind {
                what,
                found,
                expected,
            } => {
                write!(f, "unsupported {what} type {found}: expected {expected}")
            }
            ErrorKind::UnknownPayload { found, context } => {
                write!(f, "unknown payload type {found} in a {context}")
            }
            ErrorKind::Rule(rule) => fmt::Display::fmt(rule, f),
        }
    }
}

/// Shorthand for conversion results.
pub(crate) type Result<T, E = Error> = core::result::Result<T, E>;

/// Items of a JSON array.
pub(crate) fn array<'v>(value: &'v Value, path: &Path<'_>) -> Result<&'v [Value]> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(type_error(path, "an array", other)),
    }
}

/// An unsigned integer.
pub(crate) fn unsigned(value: &Value, path: &Path<'_>) -> Result<u64> {
    match value {
        Value::Unsigned(v) => Ok(*v),
        other => Err(type_error(path, "an unsigned integer", other)),
    }
}

/// An unsigned integer of at most `max`.
fn bounded(value: &Value, path: &Path<'_>, max: u64) -> Result<u64> {
    let v = unsigned(value, path)?;
    if v > max {
        return Err(Error::new(path, ErrorKind::Range { value: v, max }));
    }
    Ok(v)
}

/// A `u16`.
pub(crate) fn u16_of(value: &Value, path: &Path<'_>) -> Result<u16> {
    bounded(value, path, u16::MAX.into()).map(|v| v as u16)
}

/// A `u32`.
pub(crate) fn u32_of(value: &Value, path: &Path<'_>) -> Result<u32> {
    bounded(value, path, u32::MAX.into()).map(|v| v as u32)
}

/// A `u64` written as a string of decimal digits (JSON numbers cannot hold every `u64` exactly).
pub(crate) fn decimal(value: &Value, path: &Path<'_>) -> Result<u64> {
    let s = match value {
        Value::String(s) => s,
        other => return Err(type_error(path, "a decimal string", other)),
    };
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(path, ErrorKind::Decimal));
    }
    s.parse().map_err(|_| Error::new(path, ErrorKind::Decimal))
}

/// Bytes written as hexadecimal, with an optional `0x` prefix, in either case.
pub(crate) fn hex_bytes(value: &Value, path: &Path<'_>) -> Result<Vec<u8>> {
    let s = match value {
        Value::String(s) => s,
        other => return Err(type_error(path, "a hexadecimal string", other)),
    };
    let digits = s.strip_prefix("0x").unwrap_or(s);
    hex::decode(digits).map_err(|error| Error::new(path, ErrorKind::Hex(error)))
}

/// Exactly `N` bytes written as hexadecimal (see [`hex_bytes`]).
pub(crate) fn hex_array<const N: usize>(value: &Value, path: &Path<'_>) -> Result<[u8; N]> {
    let bytes = hex_bytes(value, path)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| {
        Error::new(
            path,
            ErrorKind::Length {
                expected: N,
                found: bytes.len(),
            },
        )
    })
}

pub(crate) fn type_error(path: &Path<'_>, expected: &'static str, found: &Value) -> Error {
    Error::new(
        path,
        ErrorKind::Type {
            expected,
            found: found.describe(),
        },
    )
}

/// A JSON object being read, with its path.
pub(crate) struct Object<'v, 'p> {
    members: &'v [(String, Value)],
    path: Path<'p>,
}

impl<'v, 'p> Object<'v, 'p> {
    /// `value` as an object; anything else is an error.
    pub(crate) fn new(value: &'v Value, path: Path<'p>) -> Result<Self> {
        match value {
            Value::Object(members) => Ok(Self { members, path }),
            other => Err(type_error(&path, "an object", other)),
        }
    }

    /// The path of the object.
    pub(crate) fn path(&self) -> &Path<'p> {
        &self.path
    }

    /// The path of member `name`.
    pub(crate) fn at(&self, name: &'static str) -> Path<'_> {
        Path::Field(&self.path, name)
    }

    /// Member `name`, if present; a repeated member is an error. Members nobody asks for are
    /// ignored.
    pub(crate) fn get(&self, name: &'static str) -> Result<Option<&'v Value>> {
        let mut found = self
            .members
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value);
        let first = found.next();
        if found.next().is_some() {
            return Err(Error::new(&self.path, ErrorKind::Duplicate(name)));
        }
        Ok(first)
    }

    /// Member `name`, absent or `null` read as `None`.
    pub(crate) fn optional(&self, name: &'static str) -> Result<Option<&'v Value>> {
        Ok(self
            .get(name)?
            .filter(|value| !matches!(value, Value::Null)))
    }

    /// Member `name`, which must be present.
    pub(crate) fn required(&self, name: &'static str) -> Result<&'v Value> {
        self.get(name)?
            .ok_or_else(|| Error::new(&self.path, ErrorKind::Missing(name)))
    }

    /// Member `name` read with `read`, which receives the member's path.
    pub(crate) fn read<T>(
        &self,
        name: &'static str,
        read: impl FnOnce(&'v Value, &Path<'_>) -> Result<T>,
    ) -> Result<T> {
        let value = self.required(name)?;
        read(value, &self.at(name))
    }

    /// The `type` member, which must be one of `allowed`; `expected` describes them.
    pub(crate) fn kind(
        &self,
        what: &'static str,
        allowed: &[u64],
        expected: &'static str,
    ) -> Result<u64> {
        let found = self.read("type", unsigned)?;
        if allowed.contains(&found) {
            Ok(found)
        } else {
            Err(Error::new(
                &self.at("type"),
                ErrorKind::Kind {
                    what,
                    found,
                    expected,
                },
            ))
        }
    }

    /// Like [`Object::kind`] for one allowed value, but an absent `type` is accepted (the TIP-13
    /// schemas of receipts and treasury transactions do not list it).
    pub(crate) fn optional_kind(
        &self,
        what: &'static str,
        kind: u64,
        expected: &'static str,
    ) -> Result<()> {
        if self.get("type")?.is_some() {
            self.kind(what, &[kind], expected)?;
        }
        Ok(())
    }
}

/// Checks the `type` of a payload found in `context`, the way the byte codec does: a type the
/// protocol defines elsewhere breaks [`RuleError::PayloadNotAllowed`]; any other is unsupported.
pub(crate) fn payload_kind(
    object: &Object<'_, '_>,
    context: PayloadContext,
    allowed: &[u32],
) -> Result<u32> {
    let path = object.at("type");
    let found = object.read("type", unsigned)?;
    match u32::try_from(found) {
        Ok(kind) if allowed.contains(&kind) => Ok(kind),
        Ok(kind) if found <= PAYLOAD_KIND_MAX => Err(Error::rule(
            &path,
            RuleError::PayloadNotAllowed { kind, context },
        )),
        _ => Err(Error::new(
            &path,
            ErrorKind::UnknownPayload { found, context },
        )),
    }
}
