//! The arena's per-vertex records and the approver lists they hold: the layout that walks,
//! insertion and the weight upkeep read. A leaf module: the records know nothing of the
//! [`Tangle`](crate::Tangle) that owns them.

use crate::id::Handle;

/// "No handle / no edge / no checkpoint" in the `u32` fields of the arena.
pub(crate) const NONE: u32 = u32::MAX;

/// Flag bit of a solid entry point in `Cold::flags`.
pub(crate) const FLAG_ENTRY_POINT: u8 = 1;

/// Approver slots in [`Hot`]. Up to four approvers sit in the slots; from five on, the last
/// slot holds the head of a list in `extra` of every approver after the third.
pub(crate) const INLINE_APPROVERS: usize = 4;

/// The per-vertex data a walk step reads: weight and approvers, in one aligned 32-byte record
/// (two per cache line), so a walk touches one line per candidate approver.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
pub(crate) struct Hot {
    /// Eagerly maintained part of the cumulative weight (see `weight`).
    pub(crate) cw: u64,
    /// First checkpoint whose past cone contains this vertex, or [`NONE`].
    pub(crate) cp_first: u32,
    /// Number of approvers.
    pub(crate) approvers: u32,
    /// The first approvers, oldest first; with five or more approvers the last slot is the
    /// head of the list in `extra` of the fourth and later ones (newest first). A walk step
    /// over a vertex with up to four approvers thus needs no list load.
    pub(crate) inline: [u32; INLINE_APPROVERS],
}

/// The rest of the per-vertex record: what insertion and the weight upkeep's search read.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
pub(crate) struct Cold {
    /// First parent in `parents`.
    pub(crate) edge_start: u32,
    pub(crate) height: u32,
    /// Latest checkpoint that is this vertex or one of its ancestors; 0 when none.
    pub(crate) cp_anc: u32,
    /// Copy of `Hot::cp_first`, so the upkeep's search tests one record per vertex.
    pub(crate) cp_first: u32,
    pub(crate) weight: u32,
    /// Position in `tips`, or [`NONE`].
    pub(crate) tip_pos: u32,
    /// Visited mark of the tangle's own searches (a generation stamp).
    pub(crate) mark: u32,
    pub(crate) parent_count: u8,
    pub(crate) flags: u8,
}

/// An approver beyond the inline ones: `child` approves the vertex whose list this is in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Link {
    pub(crate) child: u32,
    pub(crate) next: u32,
}

/// Iterator over the direct approvers of a vertex.
#[derive(Clone, Debug)]
pub struct Approvers<'a> {
    inline: [u32; INLINE_APPROVERS],
    pos: u8,
    inline_len: u8,
    links: &'a [Link],
    next: u32,
}

impl<'a> Approvers<'a> {
    /// The approvers of `v` from the raw arrays (for searches that hold `&mut` elsewhere).
    #[inline]
    pub(crate) fn of(hot: &[Hot], extra: &'a [Link], v: Handle) -> Self {
        let h = &hot[v.index()];
        let listed = h.approvers as usize > INLINE_APPROVERS;
        Approvers {
            inline: h.inline,
            pos: 0,
            inline_len: if listed {
                INLINE_APPROVERS as u8 - 1
            } else {
                h.approvers as u8
            },
            links: extra,
            next: if listed {
                h.inline[INLINE_APPROVERS - 1]
            } else {
                NONE
            },
        }
    }
}

impl Iterator for Approvers<'_> {
    type Item = Handle;

    #[inline]
    fn next(&mut self) -> Option<Handle> {
        if self.pos < self.inline_len {
            let h = self.inline[self.pos as usize];
            self.pos += 1;
            return Some(Handle::new(h));
        }
        if self.next == NONE {
            return None;
        }
        let link = self.links[self.next as usize];
        self.next = link.next;
        Some(Handle::new(link.child))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_sizes() {
        assert_eq!(core::mem::size_of::<Hot>(), 32);
        assert_eq!(core::mem::size_of::<Cold>(), 32);
        assert_eq!(core::mem::size_of::<Link>(), 8);
    }
}
