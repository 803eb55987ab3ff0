//! [`ConflictReason`]: why a confirmed transaction was not applied (TIP-2), numbered as
//! Chrysalis nodes number them.

/// Why a transaction conflicts with the ledger. The absence of a conflict is code 0
/// (see [`ConflictReason::code_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, thiserror::Error)]
#[repr(u8)]
pub enum ConflictReason {
    /// An input was spent by a transaction applied in an earlier confirmation step (code 1).
    #[error("input already spent (conflict 1)")]
    InputAlreadySpent = 1,
    /// An input was spent by a transaction applied earlier in this confirmation step (code 2).
    #[error("input already spent in this milestone (conflict 2)")]
    InputSpentInThisMilestone = 2,
    /// An input refers to an output the ledger does not know (code 3).
    #[error("input not found (conflict 3)")]
    InputNotFound = 3,
    /// The inputs and outputs do not sum to the same amount (code 4).
    #[error("inputs and outputs do not sum to the same amount (conflict 4)")]
    InputOutputSumMismatch = 4,
    /// A signature does not verify (ZIP-215) or its key's address does not own the input (code 5).
    #[error("invalid signature (conflict 5)")]
    InvalidSignature = 5,
    /// After the transaction, an address it touches would hold more dust than allowed (code 6).
    #[error("invalid dust allowance (conflict 6)")]
    InvalidDustAllowance = 6,
    /// Any other semantic rule (code 255).
    #[error("semantic validation failed (conflict 255)")]
    SemanticValidationFailed = 255,
}

impl ConflictReason {
    /// The numeric code used by Chrysalis nodes.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The code of an optional conflict: 0 for none.
    pub fn code_of(reason: Option<Self>) -> u8 {
        reason.map_or(0, Self::code)
    }

    /// The reason for a code; `Ok(None)` for 0, `Err(code)` for an unknown code.
    pub const fn from_code(code: u8) -> Result<Option<Self>, u8> {
        Ok(Some(match code {
            0 => return Ok(None),
            1 => Self::InputAlreadySpent,
            2 => Self::InputSpentInThisMilestone,
            3 => Self::InputNotFound,
            4 => Self::InputOutputSumMismatch,
            5 => Self::InvalidSignature,
            6 => Self::InvalidDustAllowance,
            255 => Self::SemanticValidationFailed,
            other => return Err(other),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in 0..=255u8 {
            match ConflictReason::from_code(code) {
                Ok(reason) => assert_eq!(ConflictReason::code_of(reason), code),
                Err(other) => assert_eq!(other, code),
            }
        }
        assert_eq!(ConflictReason::InvalidDustAllowance.code(), 6);
        assert_eq!(ConflictReason::from_code(7), Err(7));
    }
}
