//! [`Tangle`] as a [`TangleView`] with [`CumulativeWeights`] and [`MilestoneMarks`]: every
//! query answered from the arena.

use crate::id::{Handle, VertexId};
use crate::tangle::Tangle;
use crate::view::{CumulativeWeights, MilestoneMarks, TangleView};

impl<I: VertexId> TangleView for Tangle<I> {
    type Id = I;

    #[inline]
    fn len(&self) -> usize {
        Tangle::len(self)
    }

    #[inline]
    fn id(&self, v: Handle) -> I {
        Tangle::id(self, v)
    }

    #[inline]
    fn handle(&self, id: &I) -> Option<Handle> {
        Tangle::handle(self, id)
    }

    #[inline]
    fn parents(&self, v: Handle) -> &[Handle] {
        Tangle::parents(self, v)
    }

    #[inline]
    fn approvers(&self, v: Handle) -> impl Iterator<Item = Handle> + '_ {
        Tangle::approvers(self, v)
    }

    #[inline]
    fn approver_count(&self, v: Handle) -> usize {
        Tangle::approver_count(self, v)
    }

    #[inline]
    fn first_approvers(&self, v: Handle) -> [Handle; 4] {
        Tangle::first_approvers(self, v)
    }

    #[inline]
    fn tips(&self) -> &[Handle] {
        Tangle::tips(self)
    }

    #[inline]
    fn own_weight(&self, v: Handle) -> u64 {
        Tangle::own_weight(self, v)
    }

    #[inline]
    fn height(&self, v: Handle) -> u32 {
        Tangle::height(self, v)
    }

    #[inline]
    fn time(&self, v: Handle) -> u64 {
        Tangle::time(self, v)
    }

    #[inline]
    fn latest_time(&self) -> u64 {
        Tangle::latest_time(self)
    }

    #[inline]
    fn is_solid_entry_point(&self, v: Handle) -> bool {
        Tangle::is_solid_entry_point(self, v)
    }

    #[inline]
    fn is_ancestor(&self, a: Handle, b: Handle) -> bool {
        Tangle::is_ancestor(self, a, b)
    }
}

impl<I: VertexId> CumulativeWeights for Tangle<I> {
    #[inline]
    fn cumulative_weight(&self, v: Handle) -> u64 {
        Tangle::exact_cumulative_weight(self, v)
    }
}

impl<I: VertexId> MilestoneMarks for Tangle<I> {
    #[inline]
    fn milestone_index(&self, v: Handle) -> Option<u32> {
        Tangle::milestone_index(self, v)
    }
}
