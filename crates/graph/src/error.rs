//! Errors of graph mutations. Tip-selection errors are in [`crate::select::SelectError`].

use thiserror::Error;

/// Why a vertex was refused by [`Tangle::insert`](crate::Tangle::insert) or a related mutation.
///
/// Each variant names the rule that was broken. Nothing is changed in the tangle when an error
/// is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum InsertError {
    /// Every vertex except a solid entry point approves 1..=8 parents.
    #[error("parent rule: a vertex needs at least one parent (roots enter as solid entry points)")]
    NoParents,
    /// At most [`MAX_PARENTS`](crate::MAX_PARENTS) parents.
    #[error("parent rule: {count} parents, at most 8 are allowed")]
    TooManyParents {
        /// How many parents were given.
        count: usize,
    },
    /// A vertex cannot approve itself.
    #[error("parent rule: parent {position} is the vertex itself")]
    SelfReference {
        /// Position of the offending parent in the given list.
        position: usize,
    },
    /// Parents are a set.
    #[error("parent rule: parents {first} and {second} are the same vertex")]
    DuplicateParent {
        /// Position of the first occurrence.
        first: usize,
        /// Position of the repetition.
        second: usize,
    },
    /// [`Tangle::insert_solid`](crate::Tangle::insert_solid): parent `position` is not a handle
    /// of this tangle.
    #[error("parent rule: parent {position} is not a solid vertex of this tangle")]
    UnknownParent {
        /// Position of the offending parent in the given list.
        position: usize,
    },
    /// [`Tangle::insert_solid`](crate::Tangle::insert_solid): the id is already solid or
    /// pending (the contract is a new id).
    #[error("id rule: the id is already known (solid or pending)")]
    KnownId,
    /// [`Config::dense_ids`](crate::Config::dense_ids): the id is not the integer equal to the
    /// handle it would get.
    #[error("id rule: with dense ids, a vertex's id must equal its handle")]
    NonDenseId,
    /// Handles are `u32`; one value is reserved as "none".
    #[error("capacity rule: the arena holds at most u32::MAX - 1 vertices")]
    CapacityExceeded,
}

/// Why a milestone reference was refused by [`Tangle::mark_referenced`](crate::Tangle::mark_referenced).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ReferenceError {
    /// Milestone indexes start at 1; 0 means "not referenced".
    #[error("milestone rule: milestone index 0 is reserved for \"not referenced\"")]
    ZeroIndex,
    /// The handle does not belong to this tangle.
    #[error("handle rule: {0} is not a vertex of this tangle")]
    UnknownHandle(crate::Handle),
}
