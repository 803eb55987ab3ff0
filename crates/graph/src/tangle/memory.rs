//! Memory accounting: the bytes a [`Tangle`] holds, from its buffers' capacities.

#[cfg(doc)]
use crate::Config;
use crate::arena::{Cold, Hot, Link};
use crate::id::{Handle, VertexId};
use crate::tangle::Tangle;
use crate::window::WindowWeights;

/// Bytes held by a [`Tangle`], from the capacities of its buffers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryUsage {
    /// Solid vertices.
    pub vertices: usize,
    /// Arena: ids, hot and cold records, times, milestone marks, tip list.
    pub arena_bytes: usize,
    /// Parent edges and approver links.
    pub edge_bytes: usize,
    /// The id → handle index (exact allocation size of the table).
    pub index_bytes: usize,
    /// Cumulative-weight checkpoints.
    pub checkpoint_bytes: usize,
    /// Cumulative-weight window ([`Config::weight_window`]).
    pub window_bytes: usize,
    /// Orphan pool (estimated).
    pub orphan_bytes: usize,
}

impl MemoryUsage {
    /// Everything.
    pub fn total(&self) -> usize {
        self.arena_bytes
            + self.edge_bytes
            + self.index_bytes
            + self.checkpoint_bytes
            + self.window_bytes
            + self.orphan_bytes
    }

    /// Bytes per solid vertex, everything included.
    pub fn per_vertex(&self) -> f64 {
        if self.vertices == 0 {
            0.0
        } else {
            self.total() as f64 / self.vertices as f64
        }
    }
}

impl<I: VertexId> Tangle<I> {
    /// Memory held, from buffer capacities (what the allocator was asked for).
    pub fn memory_usage(&self) -> MemoryUsage {
        use core::mem::size_of;
        let arena = self.ids.capacity() * size_of::<I>()
            + self.hot.capacity() * size_of::<Hot>()
            + self.cold.capacity() * size_of::<Cold>()
            + self.times.capacity() * size_of::<u64>()
            + self.milestones.capacity() * size_of::<u32>()
            + self.tips.capacity() * size_of::<Handle>()
            + self.stack.capacity() * size_of::<u32>();
        let edges = self.parents.capacity() * size_of::<Handle>()
            + self.extra.capacity() * size_of::<Link>();
        MemoryUsage {
            vertices: self.hot.len(),
            arena_bytes: arena,
            edge_bytes: edges,
            index_bytes: self.index.heap_bytes(),
            checkpoint_bytes: self.checkpoints.heap_bytes(),
            window_bytes: self.window.as_ref().map_or(0, WindowWeights::heap_bytes),
            orphan_bytes: self.orphans.heap_bytes(),
        }
    }
}
