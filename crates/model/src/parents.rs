//! [`Parents`]: the 1..=8 message ids a message (or milestone) approves, strictly ascending.

use core::hash::{Hash, Hasher};

use alloc::vec::Vec;

use crate::error::{RuleError, UnpackError};
use crate::ids::MessageId;
use crate::packable::Packable;
use crate::unpacker::{Reader, cmp32, unpack_all};

/// Between 1 and 8 distinct message ids in strictly ascending byte order, stored inline (no
/// allocation). Packed as a `u8` count followed by the ids (TIP-6).
///
/// ```
/// use tangle_model::{MessageId, Parents};
///
/// let parents = Parents::from_unsorted([MessageId::new([2; 32]), MessageId::new([1; 32]), MessageId::new([2; 32])])?;
/// assert_eq!(parents.as_slice(), &[MessageId::new([1; 32]), MessageId::new([2; 32])]);
/// assert!(Parents::new(&[MessageId::new([2; 32]), MessageId::new([1; 32])]).is_err());
/// # Ok::<(), tangle_model::RuleError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Parents {
    ids: [MessageId; Parents::MAX],
    len: u8,
}

impl Parents {
    /// Fewest parents.
    pub const MIN: usize = 1;
    /// Most parents.
    pub const MAX: usize = 8;

    /// A value to overwrite while decoding in place; never handed out.
    pub(crate) const PLACEHOLDER: Self = Self {
        ids: [MessageId::new([0; 32]); Self::MAX],
        len: 0,
    };

    /// Parents from ids that must already be strictly ascending, 1..=8 of them.
    pub fn new(ids: &[MessageId]) -> Result<Self, RuleError> {
        if !(Self::MIN..=Self::MAX).contains(&ids.len()) {
            return Err(RuleError::ParentsCount { count: ids.len() });
        }
        for (index, pair) in ids.windows(2).enumerate() {
            check_order(&pair[0], &pair[1], index + 1)?;
        }
        let mut out = [MessageId::default(); Self::MAX];
        out[..ids.len()].copy_from_slice(ids);
        Ok(Self {
            ids: out,
            len: ids.len() as u8,
        })
    }

    /// Parents from ids in any order: sorts them and drops repeats, then checks the count.
    pub fn from_unsorted(ids: impl IntoIterator<Item = MessageId>) -> Result<Self, RuleError> {
        let mut ids: Vec<MessageId> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        Self::new(&ids)
    }

    /// The ids, ascending.
    pub fn as_slice(&self) -> &[MessageId] {
        self.ids.get(..self.len as usize).unwrap_or_default()
    }

    /// Iterates over the ids, ascending.
    pub fn iter(&self) -> core::slice::Iter<'_, MessageId> {
        self.as_slice().iter()
    }

    /// Number of parents (1..=8).
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Always `false`: a value of this type holds at least one parent.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `id` is one of the parents.
    pub fn contains(&self, id: &MessageId) -> bool {
        self.as_slice().binary_search(id).is_ok()
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let mut parents = Self::PLACEHOLDER;
        parents.read_into(r)?;
        Ok(parents)
    }

    /// Reads parents into `self` (decoding in place avoids moving this 257-byte value around).
    pub(crate) fn read_into(&mut self, r: &mut Reader<'_>) -> Result<(), UnpackError> {
        let offset = r.offset();
        let count = r.u8()? as usize;
        if !(Self::MIN..=Self::MAX).contains(&count) {
            return Err(Reader::rule_at(offset, RuleError::ParentsCount { count }));
        }
        let start = r.offset();
        let bytes = r.bytes(count * 32)?;
        let mut previous: Option<&[u8; 32]> = None;
        for (index, (chunk, slot)) in bytes.chunks_exact(32).zip(self.ids.iter_mut()).enumerate() {
            let id = slot.as_mut_bytes();
            id.copy_from_slice(chunk);
            if let Some(previous) = previous {
                let rule = match cmp32(previous, id) {
                    core::cmp::Ordering::Less => None,
                    core::cmp::Ordering::Equal => Some(RuleError::DuplicateParent { index }),
                    core::cmp::Ordering::Greater => Some(RuleError::ParentsNotSorted { index }),
                };
                if let Some(rule) = rule {
                    return Err(Reader::rule_at(start + 32 * index, rule));
                }
            }
            previous = Some(id);
        }
        self.len = count as u8;
        Ok(())
    }
}

fn check_order(previous: &MessageId, next: &MessageId, index: usize) -> Result<(), RuleError> {
    match previous.cmp(next) {
        core::cmp::Ordering::Less => Ok(()),
        core::cmp::Ordering::Equal => Err(RuleError::DuplicateParent { index }),
        core::cmp::Ordering::Greater => Err(RuleError::ParentsNotSorted { index }),
    }
}

impl PartialEq for Parents {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Parents {}

impl Hash for Parents {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl core::fmt::Debug for Parents {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<'a> IntoIterator for &'a Parents {
    type Item = &'a MessageId;
    type IntoIter = core::slice::Iter<'a, MessageId>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Packable for Parents {
    fn packed_len(&self) -> usize {
        1 + 32 * self.len()
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.push(self.len);
        for id in self.as_slice() {
            out.extend_from_slice(id.as_bytes());
        }
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, Self::read)
    }
}
